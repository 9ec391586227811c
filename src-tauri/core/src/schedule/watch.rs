//! File-change triggers: the files a watched path, folder or glob covers, with their
//! modification times, and when a burst of changes has settled enough to fire once.
//!
//! The OS says when to look again ([`Notifier`]: inotify, FSEvents, ReadDirectoryChangesW
//! through `notify`, one non-recursive watch per folder the walk went into, so the OS watches
//! exactly what the walk covers, each real folder once); a tick looks at the files only when
//! it has said something, or [`SAFETY_SCAN`] after the last look (for what it cannot see: a
//! folder created and filled at once, a network file system). Where it cannot watch (no
//! notifier, a watch refused: too many folders for the OS), every tick looks, as a poll.

use super::clock::Clock;
use chrono::{DateTime, Utc};
use notify::{Config, EventKind, EventKindMask, RecommendedWatcher, RecursiveMode, Watcher};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

/// How long a watched path must stay unchanged before its changes fire (one run for a burst
/// of writes).
const QUIET: Duration = Duration::from_secs(2);

/// How long a watch the OS notifies goes without a look at its files all the same.
pub const SAFETY_SCAN: Duration = Duration::from_secs(30);

/// One file-change schedule's view of its files: their modification times when last looked
/// at, and the paths that changed since it last fired with when the last change was seen.
#[derive(Default)]
pub(super) struct Watch {
    stamps: BTreeMap<PathBuf, SystemTime>,
    changed: BTreeSet<PathBuf>,
    last_change: Option<DateTime<Utc>>,
    /// What tells it to look again; none where the OS cannot (then every tick looks).
    notifier: Option<Arc<Notifier>>,
    /// When it last looked at its files.
    looked: Option<Instant>,
}

impl Watch {
    /// A watch whose baseline is `files` as [`look`] found them, told of changes by
    /// `notifier`.
    pub(super) fn new(
        files: BTreeMap<PathBuf, SystemTime>,
        notifier: Option<Arc<Notifier>>,
    ) -> Self {
        Self {
            stamps: files,
            notifier,
            looked: Some(Instant::now()),
            ..Self::default()
        }
    }

    pub(super) fn notifier(&self) -> Option<Arc<Notifier>> {
        self.notifier.clone()
    }

    /// Whether its files must be looked at on this tick: the OS said something changed, or
    /// it cannot say, or it has not been looked at for [`SAFETY_SCAN`].
    pub(super) fn due(&self) -> bool {
        match &self.notifier {
            Some(notifier) if notifier.watching() => {
                notifier.changed() || self.looked.is_none_or(|at| at.elapsed() >= SAFETY_SCAN)
            }
            _ => true,
        }
    }

    /// Takes in the files as they are `now` (`files`, from [`look`], when [`Watch::due`]; `None`
    /// when they were not looked at): the paths changed, added or removed since it last
    /// fired, once none has changed for [`QUIET`]. A change the OS reported counts from
    /// when it reported it.
    pub(super) fn settled(
        &mut self,
        files: Option<BTreeMap<PathBuf, SystemTime>>,
        now: DateTime<Utc>,
    ) -> Option<Vec<String>> {
        if let Some(stamps) = files {
            let reported = self.notifier.as_ref().and_then(|n| n.take_reported());
            self.take_in(stamps, reported.filter(|at| *at <= now).unwrap_or(now));
        }
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

    /// Compares `stamps` with the files as last looked at; a difference is a change seen at
    /// `seen`.
    fn take_in(&mut self, stamps: BTreeMap<PathBuf, SystemTime>, seen: DateTime<Utc>) {
        self.looked = Some(Instant::now());
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
            self.last_change = Some(self.last_change.map_or(seen, |last| last.max(seen)));
        }
        self.stamps = stamps;
    }
}

/// Learns from the OS that something changed in the folders a watch covers, and when (on
/// the scheduler's clock).
pub(super) struct Notifier {
    watcher: Mutex<RecommendedWatcher>,
    /// The folders watched, by real path.
    folders: Mutex<BTreeSet<PathBuf>>,
    /// Set when the OS reports a change (or that it lost track); cleared by a look.
    changed: Arc<AtomicBool>,
    /// When the OS last reported a change not yet looked at.
    reported: Arc<Mutex<Option<DateTime<Utc>>>>,
    /// Cleared when a folder could not be watched: the watch then polls.
    watching: AtomicBool,
}

impl Notifier {
    /// A notifier watching nothing yet; `None` where the OS offers none.
    pub(super) fn new(clock: Arc<dyn Clock>) -> Option<Self> {
        let changed = Arc::new(AtomicBool::new(false));
        let reported = Arc::new(Mutex::new(None));
        let handler = {
            let (changed, reported) = (changed.clone(), reported.clone());
            move |event: notify::Result<notify::Event>| {
                // An error (a lost event queue) means anything may have changed.
                if event.is_ok_and(|e| matches!(e.kind, EventKind::Access(_))) {
                    return;
                }
                *reported.lock().unwrap_or_else(PoisonError::into_inner) = Some(clock.now());
                changed.store(true, Ordering::Release);
            }
        };
        // Changes only: a look at the files (opening folders, reading times) is no news.
        let config = Config::default().with_event_kinds(EventKindMask::CORE);
        let watcher = RecommendedWatcher::new(handler, config).ok()?;
        Some(Self {
            watcher: Mutex::new(watcher),
            folders: Mutex::default(),
            changed,
            reported,
            watching: AtomicBool::new(true),
        })
    }

    fn watching(&self) -> bool {
        self.watching.load(Ordering::Acquire)
    }

    /// Whether the OS reported a change since the last look; the look about to happen
    /// takes it in (a change reported during the look sets it again).
    fn changed(&self) -> bool {
        self.changed.swap(false, Ordering::AcqRel)
    }

    fn take_reported(&self) -> Option<DateTime<Utc>> {
        self.reported
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    /// Watches exactly `folders` (each alone, not what is below it: the walk decides how
    /// deep a watch goes). A folder the OS refuses to watch turns the watch into a poll.
    fn follow(&self, folders: BTreeSet<PathBuf>) {
        let mut watcher = self.watcher.lock().unwrap_or_else(PoisonError::into_inner);
        let mut watched = self.folders.lock().unwrap_or_else(PoisonError::into_inner);
        for gone in watched.difference(&folders) {
            // A folder removed is unwatched by the OS already.
            let _ = watcher.unwatch(gone);
        }
        for new in folders.difference(&watched) {
            if watcher.watch(new, RecursiveMode::NonRecursive).is_err() && new.is_dir() {
                self.watching.store(false, Ordering::Release);
            }
        }
        *watched = folders;
    }
}

/// The most files one watch covers; a schedule over it is refused when it is created.
pub const MAX_FILES: usize = 10_000;

/// The deepest folder a watch walks into, below the watched one.
pub const MAX_DEPTH: usize = 16;

/// The files a watched path covers now ([`scan`]) on a blocking thread, so a large folder
/// never holds up the scheduler's tick; `notifier` then watches the folders they are in.
/// `None` when the path covers more than a watch may (its schedule then never fires: it
/// was refused when created, so the folder grew since).
pub(super) async fn look(
    path: &str,
    notifier: Option<Arc<Notifier>>,
) -> Option<BTreeMap<PathBuf, SystemTime>> {
    let path = path.to_owned();
    tokio::task::spawn_blocking(move || {
        let scan = scan(&path).ok()?;
        if let Some(notifier) = notifier {
            let mut folders = scan.folders;
            folders.extend(scan.files.keys().filter_map(|f| real_parent(f)));
            folders.extend(anchor(&path));
            notifier.follow(folders);
        }
        Some(scan.files)
    })
    .await
    .ok()?
}

/// The real path of the folder `file` is in.
fn real_parent(file: &Path) -> Option<PathBuf> {
    std::fs::canonicalize(file.parent()?).ok()
}

/// The folder where a path's new files would appear: a glob's folder before its first
/// pattern character, a folder itself, a file's folder (or one that does not exist yet).
fn anchor(path: &str) -> Option<PathBuf> {
    let mut literal = PathBuf::new();
    let mut globbed = false;
    for part in Path::new(path).components() {
        if part.as_os_str().to_string_lossy().contains(['*', '?', '[']) {
            globbed = true;
            break;
        }
        literal.push(part);
    }
    let folder = if globbed || literal.is_dir() {
        literal
    } else {
        literal.parent()?.to_owned()
    };
    std::fs::canonicalize(folder).ok()
}

/// A watched path that covers more than a watch may.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{path}` covers more than {MAX_FILES} {what} (stopped counting at {found}); watch a \
     narrower folder or glob"
)]
pub struct TooBig {
    pub path: String,
    /// `files` or `folders`.
    pub what: &'static str,
    pub found: usize,
}

/// What a watched path covers: its files with their modification times, and the real
/// folders the walk went into.
#[derive(Debug, Default)]
pub(super) struct Scan {
    pub(super) files: BTreeMap<PathBuf, SystemTime>,
    pub(super) folders: BTreeSet<PathBuf>,
}

/// The files a watched path or glob covers now, with their modification times: a file, the
/// files of a folder (and its folders, [`MAX_DEPTH`] deep), or what a glob matches. The walk
/// keeps every folder it has been in, by its real path, so a link back up is not followed
/// twice; past [`MAX_FILES`] files, or as many folders, it stops.
pub(super) fn scan(path: &str) -> Result<Scan, TooBig> {
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
            if visited.len() > MAX_FILES {
                return Err(TooBig {
                    path: path.to_owned(),
                    what: "folders",
                    found: visited.len(),
                });
            }
            if let Ok(entries) = std::fs::read_dir(&next) {
                pending.extend(entries.flatten().map(|e| (e.path(), depth + 1)));
            }
        } else if let Ok(modified) = meta.modified() {
            found.insert(next, modified);
            if found.len() > MAX_FILES {
                return Err(TooBig {
                    path: path.to_owned(),
                    what: "files",
                    found: found.len(),
                });
            }
        }
    }
    Ok(Scan {
        files: found,
        folders: visited,
    })
}
