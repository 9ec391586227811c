//! Running a stored flow and keeping its history as it happens: the run is recorded when it
//! starts (with the flow version it runs), each node when it finishes, and the outcome at the
//! end. A run cut off half-way keeps what it recorded.
//!
//! Whose run is it: the process running a run holds an OS lock on `runs/<id>.lock` in the
//! workspace from before the run is visible until it ends. The lock dies with the process
//! (even under `kill -9`), so when a workspace opens, a RUNNING run whose lock nobody holds
//! was cut off and is marked FAILED "interrupted"; a run another live process is running is
//! left alone.

use super::cache::{HistoryCache, ResultCache};
use super::results;
use super::run::{
    self, FlowRun, NodeResult, NodeRun, Observer, RunContext, RunError, RunEvent, RunOptions,
};
use crate::model::{NodeRecord, RunId, RunOrigin, RunStatus};
use crate::run_locks::RunLock;
use crate::store::StoreError;
use crate::validation::ValidatedFlow;
use crate::workspace::Workspace;
use std::path::Path;
use std::sync::Arc;
use tokio::sync::mpsc;

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error(transparent)]
    Run(#[from] RunError),
    #[error("could not record the run: {0}")]
    Store(#[from] StoreError),
}

/// Runs `flow` (a stored flow of `workspace`) and records it; `observer` hears the events as
/// they happen. The run reuses the results the flow's earlier runs keep (unless `options`
/// say not to) and works on the workspace's data tables, whatever `context` held of those.
pub async fn run_recorded(
    workspace: &Workspace,
    flow: &ValidatedFlow,
    context: RunContext,
    options: &RunOptions,
    origin: impl Into<RunOrigin>,
    observer: &dyn Observer,
) -> Result<(RunId, FlowRun), HistoryError> {
    let origin = origin.into();
    // Options that do not fit the flow are refused before a run is recorded.
    run::check_options(flow, options)?;
    let store = workspace.store();
    // The results earlier runs keep are read while the run's start is recorded (a read and
    // a write, on two connections).
    let kept = async {
        if options.no_cache {
            return Ok(None);
        }
        let root = workspace.root().to_owned();
        let id = &flow.flow().composition.composition_id;
        let cache: Arc<dyn ResultCache> = Arc::new(HistoryCache::for_flow(store, root, id).await?);
        Ok::<_, StoreError>(Some(cache))
    };
    let started = store.start_run(flow.flow(), &origin, &options.parameters, |run| {
        RunLock::acquire(workspace.root(), run)
    });
    let (kept, started) = tokio::join!(kept, started);
    let (run_id, lock) = started?;
    let cache = match kept {
        Ok(cache) => cache,
        Err(err) => {
            let why = format!("could not read the results earlier runs keep: {err}");
            store
                .finish_run(run_id, RunStatus::Failed, Some(&why))
                .await?;
            return Err(err.into());
        }
    };
    let context = RunContext {
        cache,
        data_tables: Some(store.clone()),
        ..context
    };
    // Nodes are kept in the order they finish by two stages that work at once: one writes
    // their results as Parquet, the other records them (pointing at those files) in SQLite.
    // Nodes that reach a stage while it is busy go in its next batch together, and the
    // recording stage gathers for `GATHER` after a batch's first node: one write
    // transaction a batch.
    let (records, mut finished) = mpsc::unbounded_channel::<Finished>();
    let (kept, mut to_record) = mpsc::unbounded_channel::<Vec<NodeRecord>>();
    // The file stage is a thread of its own (its work is file IO, and it waits on nothing
    // else): nodes finishing in a burst on the scheduler's worker (reused results) reach it
    // as they finish, not once that worker next turns to another task.
    let files = {
        let root = workspace.root().to_owned();
        // A cancel stops keeping results too: writing a large one can take longer than
        // the query that made it.
        let cancel = context.cancel.clone();
        tokio::task::spawn_blocking(move || {
            while let Some(first) = finished.blocking_recv() {
                let mut nodes = vec![first];
                while nodes.len() < WRITE_BATCH
                    && let Ok(next) = finished.try_recv()
                {
                    nodes.push(next);
                }
                let written = nodes
                    .into_iter()
                    .map(|(record, result, reused)| {
                        keep_result(&root, run_id, record, result, reused, &cancel)
                    })
                    .collect();
                if kept.send(written).is_err() {
                    break; // the recording failed; the run reports that
                }
            }
        })
    };
    let writer = {
        let store = store.clone();
        tokio::spawn(async move {
            let mut step = 0;
            let mut batches = Vec::new();
            while to_record.recv_many(&mut batches, WRITE_BATCH).await > 0 {
                let gathered = tokio::time::Instant::now() + GATHER;
                while batches.len() < WRITE_BATCH {
                    let room = WRITE_BATCH - batches.len();
                    let more = to_record.recv_many(&mut batches, room);
                    match tokio::time::timeout_at(gathered, more).await {
                        Ok(0) | Err(_) => break, // the run has ended, or the time is up
                        Ok(_) => {}
                    }
                }
                let written: Vec<_> = batches.drain(..).flatten().collect();
                store.record_nodes(run_id, step, &written).await?;
                step += u32::try_from(written.len()).unwrap_or(u32::MAX);
            }
            Ok::<(), StoreError>(())
        })
    };
    let recorder = Recorder { records, observer };
    let outcome = run::run(flow, &context, options, &recorder).await;
    drop(recorder);
    files.await.expect("keeping results never panics");
    let written = writer.await.expect("the history writer never panics");

    let mut report = match outcome {
        Ok(report) => report,
        Err(err) => {
            store
                .finish_run(run_id, RunStatus::Failed, Some(&err.to_string()))
                .await?;
            drop(lock);
            return Err(err.into());
        }
    };
    written?;
    // Asked to stop while results were still being kept: the run was cancelled, whatever
    // its queries had come to.
    if context.cancel.is_cancelled() {
        report.status = RunStatus::Cancelled;
    }
    let error = report
        .nodes
        .iter()
        .filter(|n| n.status == run::NodeStatus::Failed)
        .map(|n| n.node_id.as_str())
        .collect::<Vec<_>>();
    let error = (!error.is_empty()).then(|| format!("failed: {}", error.join(", ")));
    store
        .finish_run(run_id, report.status, error.as_deref())
        .await?;
    drop(lock);
    Ok((run_id, report))
}

/// The most batches of node records one transaction writes.
const WRITE_BATCH: usize = 256;

/// How long the recording stage waits, after a node reaches it, for others to go in the same
/// transaction. Nodes that reuse their results finish within a millisecond or so of each
/// other, and each transaction costs about one (the end of the run ends the wait at once).
const GATHER: std::time::Duration = std::time::Duration::from_millis(2);

/// Keeps a finished node's result in the run's results folder (written, or linked to the
/// result it reused) and returns its record pointing there.
fn keep_result(
    root: &Path,
    run: RunId,
    mut record: NodeRecord,
    result: Option<Arc<NodeResult>>,
    reused: Option<String>,
    cancel: &run::CancellationToken,
) -> NodeRecord {
    let Some(result) = result else {
        return record;
    };
    let location = results::location(run, &record.node_id);
    let kept = match reused {
        Some(kept) => results::reuse(root, &kept, &location),
        None => results::write(root, &location, &result, &|| cancel.is_cancelled()),
    };
    match kept {
        Ok(()) => record.result_location = Some(location),
        Err(stopped @ results::ResultError::Stopped) => {
            record.status = run::NodeStatus::Cancelled;
            record.error = Some(stopped.to_string());
        }
        // The run and its record matter more than a copy of the rows.
        Err(err) => record.error = Some(err.to_string()),
    }
    record
}

/// A finished node for the history writer: its record, its result, and where the result it
/// reused is kept.
type Finished = (NodeRecord, Option<Arc<NodeResult>>, Option<String>);

struct Recorder<'a> {
    records: mpsc::UnboundedSender<Finished>,
    observer: &'a dyn Observer,
}

impl Observer for Recorder<'_> {
    fn event(&self, event: RunEvent) {
        self.observer.event(event);
    }

    fn node_finished(&self, node: &NodeRun) {
        // The writer only stops once this sender is dropped, so the send cannot fail.
        let _ = self.records.send((
            node.record(),
            node.result.clone(),
            node.reused.as_ref().map(|r| r.location.clone()),
        ));
        self.observer.node_finished(node);
    }
}
