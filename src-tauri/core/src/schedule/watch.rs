//! File-change triggers: the files a watched path, folder or glob covers, polled by their
//! modification times, and when a burst of changes has settled enough to fire once.

use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

/// How long a watched path must stay unchanged before its changes fire (one run for a burst
/// of writes).
const QUIET: Duration = Duration::from_secs(2);

/// One file-change schedule's view of its files: their modification times when last looked
/// at, and the paths that changed since it last fired with when the last change was seen.
#[derive(Debug, Default)]
pub(super) struct Watch {
    stamps: BTreeMap<PathBuf, SystemTime>,
    changed: BTreeSet<PathBuf>,
    last_change: Option<DateTime<Utc>>,
}

impl Watch {
    /// Starts watching `path` as its files are now.
    pub(super) fn new(path: &str) -> Self {
        Self::from_stamps(scan(path))
    }

    pub(super) fn from_stamps(stamps: BTreeMap<PathBuf, SystemTime>) -> Self {
        Self {
            stamps,
            ..Self::default()
        }
    }

    /// Takes in the files as they are `now` (`stamps`, from [`scan`]): the paths changed,
    /// added or removed since it last fired, once none has changed for [`QUIET`].
    pub(super) fn settled(
        &mut self,
        stamps: BTreeMap<PathBuf, SystemTime>,
        now: DateTime<Utc>,
    ) -> Option<Vec<String>> {
        let changed: Vec<PathBuf> = stamps
            .iter()
            .filter(|(file, time)| self.stamps.get(*file) != Some(time))
            .map(|(file, _)| file.clone())
            .chain(
                self.stamps
                    .keys()
                    .filter(|file| !stamps.contains_key(*file))
                    .cloned(),
            )
            .collect();
        if !changed.is_empty() {
            self.changed.extend(changed);
            self.last_change = Some(now);
        }
        self.stamps = stamps;
        let quiet = self.last_change.is_some_and(|last| {
            (now - last).to_std().unwrap_or_default() >= QUIET && !self.changed.is_empty()
        });
        if !quiet {
            return None;
        }
        self.last_change = None;
        let paths = std::mem::take(&mut self.changed);
        Some(paths.iter().map(|p| p.display().to_string()).collect())
    }
}

/// The files a watched path or glob covers now, with their modification times: a file, the
/// files of a folder (and its folders), or what a glob matches.
pub(super) fn scan(path: &str) -> BTreeMap<PathBuf, SystemTime> {
    let mut found = BTreeMap::new();
    let mut pending: Vec<PathBuf> = match glob::glob(path) {
        Ok(paths) => paths.flatten().collect(),
        Err(_) => vec![PathBuf::from(path)],
    };
    while let Some(next) = pending.pop() {
        let Ok(meta) = std::fs::metadata(&next) else {
            continue;
        };
        if meta.is_dir() {
            if let Ok(entries) = std::fs::read_dir(&next) {
                pending.extend(entries.flatten().map(|e| e.path()));
            }
        } else if let Ok(modified) = meta.modified() {
            found.insert(next, modified);
        }
    }
    found
}
