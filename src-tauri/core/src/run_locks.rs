//! Whose run is it: the process running a run holds an OS lock on `runs/<id>.lock` in the
//! workspace from before the run is visible until it ends. The lock dies with the process
//! (even under `kill -9`), so a RUNNING run whose lock nobody holds was cut off: it is marked
//! FAILED "interrupted" when the workspace opens, or when someone asks to run its flow. A run
//! another live process is running is left alone, and keeps its flow busy.

use crate::ids::CompositionId;
use crate::model::RunId;
use crate::store::{Store, StoreError};
use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};

/// The folder of run lock files in a workspace.
const RUNS_DIR: &str = "runs";

/// Marks the workspace's unfinished runs that no live process holds FAILED "interrupted";
/// returns them.
pub async fn recover_interrupted(store: &Store, root: &Path) -> Result<Vec<RunId>, StoreError> {
    let mut recovered = Vec::new();
    for run in store.unfinished_runs(None).await? {
        if !RunLock::is_held(root, run) {
            interrupt(store, root, run).await?;
            recovered.push(run);
        }
    }
    Ok(recovered)
}

/// The flow's run that a live process (this one or another) holds, if any; an unfinished
/// run of the flow whose process died is marked FAILED "interrupted" on the way, so a
/// killed run never keeps its flow busy.
pub async fn held_run(
    store: &Store,
    root: &Path,
    flow: &CompositionId,
) -> Result<Option<RunId>, StoreError> {
    for run in store.unfinished_runs(Some(flow)).await? {
        if RunLock::is_held(root, run) {
            return Ok(Some(run));
        }
        interrupt(store, root, run).await?;
    }
    Ok(None)
}

/// Marks `run`, which nobody runs any more, FAILED "interrupted", and removes the lock file a
/// process killed before it could remove it.
async fn interrupt(store: &Store, root: &Path, run: RunId) -> Result<(), StoreError> {
    store.mark_interrupted(run).await?;
    let _ = std::fs::remove_file(RunLock::path(root, run));
    Ok(())
}

/// This process's claim on a run: an exclusive lock on its lock file, released (and the
/// file removed) on drop or when the process dies.
#[derive(Debug)]
pub(crate) struct RunLock {
    path: PathBuf,
    _file: File,
}

impl RunLock {
    fn path(root: &Path, run: RunId) -> PathBuf {
        root.join(RUNS_DIR).join(format!("{run}.lock"))
    }

    pub(crate) fn acquire(root: &Path, run: RunId) -> std::io::Result<Self> {
        let path = Self::path(root, run);
        std::fs::create_dir_all(root.join(RUNS_DIR))?;
        let file = File::create(&path)?;
        file.lock()?;
        Ok(Self { path, _file: file })
    }

    fn is_held(root: &Path, run: RunId) -> bool {
        let Ok(file) = File::open(Self::path(root, run)) else {
            return false;
        };
        matches!(file.try_lock(), Err(TryLockError::WouldBlock))
    }
}

impl Drop for RunLock {
    fn drop(&mut self) {
        // A lock file left behind is harmless: nobody holds its lock.
        let _ = std::fs::remove_file(&self.path);
    }
}
