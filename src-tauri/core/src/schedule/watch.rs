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

/// The most files one watch covers; a schedule over it is refused when it is created.
pub const MAX_FILES: usize = 10_000;

/// The deepest folder a watch walks into, below the watched one.
pub const MAX_DEPTH: usize = 16;

/// [`scan`] on a blocking thread, so a large folder never holds up the scheduler's tick.
/// `None` when the path covers more than a watch may (its schedule then never fires: it
/// was refused when created, so the folder grew since).
pub(super) async fn scan_off_tick(path: &str) -> Option<BTreeMap<PathBuf, SystemTime>> {
    let path = path.to_owned();
    tokio::task::spawn_blocking(move || scan(&path))
        .await
        .ok()?
        .ok()
}

/// A watched path that covers more than a watch may.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{path}` covers more than {MAX_FILES} files (stopped counting at {found}); watch a \
     narrower folder or glob"
)]
pub struct TooBig {
    pub path: String,
    pub found: usize,
}

/// The files a watched path or glob covers now, with their modification times: a file, the
/// files of a folder (and its folders, [`MAX_DEPTH`] deep), or what a glob matches. The walk
/// keeps every folder it has been in, by its real path, so a link back up is not followed
/// twice; past [`MAX_FILES`] files it stops.
pub(super) fn scan(path: &str) -> Result<BTreeMap<PathBuf, SystemTime>, TooBig> {
    let mut found = BTreeMap::new();
    let mut visited: BTreeSet<PathBuf> = BTreeSet::new();
    let mut pending: Vec<(PathBuf, usize)> = match glob::glob(path) {
        Ok(paths) => paths
            .flatten()
            .take(MAX_FILES + 1)
            .map(|p| (p, 0))
            .collect(),
        Err(_) => vec![(PathBuf::from(path), 0)],
    };
    while let Some((next, depth)) = pending.pop() {
        let Ok(meta) = std::fs::metadata(&next) else {
            continue;
        };
        if meta.is_dir() {
            let real = std::fs::canonicalize(&next).unwrap_or_else(|_| next.clone());
            if depth > MAX_DEPTH || !visited.insert(real) {
                continue;
            }
            if let Ok(entries) = std::fs::read_dir(&next) {
                pending.extend(entries.flatten().map(|e| (e.path(), depth + 1)));
            }
        } else if let Ok(modified) = meta.modified() {
            found.insert(next, modified);
            if found.len() > MAX_FILES {
                return Err(TooBig {
                    path: path.to_owned(),
                    found: found.len(),
                });
            }
        }
    }
    Ok(found)
}
