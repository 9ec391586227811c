//! Where the local engine's queries do their CPU work: a runtime of their own, and plans
//! that yield to it.
//!
//! A query used to execute on the runtime that drives the run (and, in the app, answers the
//! window), and some plans never gave it back: an aggregate over a cross join is fed batch
//! after batch by the join without the scan below it being polled, so DataFusion's
//! cooperative leaves never spent the task's budget and one `poll` ran for the whole query.
//! The run's timeout timer and its cancel token then had no thread to fire on, and dropping
//! the stream could not stop work that was inside that one `poll`.
//!
//! Two fixes, both needed:
//! - every operator of a plan is wrapped so that each batch it produces spends the task's
//!   budget ([`cooperative`]): a query returns to its runtime at least every 128 batches
//!   of any operator, which is where an abort takes effect. A nested loop join does all
//!   its buffered rows against one probe batch inside one `poll` when no pair matches, so
//!   its probe side is cut into single rows that return to the runtime every
//!   [`YIELD_EVERY`] ([`ProbeSlices`]): one `poll` then joins the buffered side with one
//!   probe row (DataFusion joins a small probe batch with a batch's worth of buffered rows
//!   at once, so the join does the same work in batches of the same size);
//! - plans execute on the query runtime ([`execute`]), a process-wide pool with a thread per
//!   core, never on the caller's: timers, cancel tokens and the app's commands keep their
//!   threads however busy the queries are. The stream handed back reads the batches through
//!   a small channel; dropping it aborts the query's task, whose plan is then dropped on the
//!   query runtime, with every task it spawned.

use super::EngineError;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::error::DataFusionError;
use datafusion::execution::TaskContext;
use datafusion::physical_expr::PhysicalExpr;
use datafusion::physical_plan::coop::CooperativeExec;
use datafusion::physical_plan::joins::NestedLoopJoinExec;
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::{
    ChildrenPropertiesMode, DisplayAs, DisplayFormatType, PlanProperties, ReplaceChildrenOptions,
    SendableRecordBatchStream,
};
use datafusion::physical_plan::{ExecutionPlan, execute_stream};
use futures::StreamExt;
use futures::stream::BoxStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::runtime::Runtime;
use tokio::task::AbortHandle;

/// The name of the query runtime's threads (tests find them by it).
pub const QUERY_THREAD_NAME: &str = "flowloom-query";

/// Batches a query may produce ahead of its reader.
const AHEAD: usize = 2;

/// `plan` with every operator wrapped so that each batch it produces spends the executing
/// task's cooperative budget (see the module's notes). Leaves and exchanges DataFusion
/// already wrapped are left as they are.
pub(super) fn cooperative(
    plan: Arc<dyn ExecutionPlan>,
) -> Result<Arc<dyn ExecutionPlan>, DataFusionError> {
    plan.transform_up(|node| {
        if node.is::<CooperativeExec>() {
            return Ok(Transformed::no(node));
        }
        let node = if node.is::<NestedLoopJoinExec>()
            && let [build, probe] = node.children()[..]
        {
            let children = vec![
                build.clone(),
                Arc::new(ProbeSlices::new(probe.clone())) as _,
            ];
            node.clone().replace_children(
                children,
                ReplaceChildrenOptions::new(ChildrenPropertiesMode::Recompute),
            )?
        } else {
            node
        };
        let wrapped: Arc<dyn ExecutionPlan> = Arc::new(CooperativeExec::new(node));
        Ok(Transformed::yes(wrapped))
    })
    .map(|t| t.data)
}

/// The most probe rows a nested loop join takes at once.
pub const PROBE_ROWS: usize = 1;

/// The longest a query works between two returns to its runtime, where a slice is cut.
pub const YIELD_EVERY: Duration = Duration::from_millis(50);

/// Its input's batches cut into slices of at most [`PROBE_ROWS`] rows, handed out with a
/// return to the runtime at least every [`YIELD_EVERY`].
#[derive(Debug)]
struct ProbeSlices {
    input: Arc<dyn ExecutionPlan>,
    properties: Arc<PlanProperties>,
}

impl ProbeSlices {
    fn new(input: Arc<dyn ExecutionPlan>) -> Self {
        let properties = input.properties().clone();
        Self { input, properties }
    }
}

impl DisplayAs for ProbeSlices {
    fn fmt_as(&self, _: DisplayFormatType, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ProbeSlices: rows={PROBE_ROWS}")
    }
}

impl ExecutionPlan for ProbeSlices {
    fn name(&self) -> &str {
        "ProbeSlices"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        &self.properties
    }

    fn maintains_input_order(&self) -> Vec<bool> {
        vec![true]
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn apply_expressions(
        &self,
        _: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> Result<TreeNodeRecursion, DataFusionError>,
    ) -> Result<TreeNodeRecursion, DataFusionError> {
        Ok(TreeNodeRecursion::Continue)
    }

    fn with_new_children(
        self: Arc<Self>,
        mut children: Vec<Arc<dyn ExecutionPlan>>,
    ) -> Result<Arc<dyn ExecutionPlan>, DataFusionError> {
        match (children.pop(), children.is_empty()) {
            (Some(input), true) => Ok(Arc::new(Self::new(input))),
            _ => Err(DataFusionError::Internal(
                "ProbeSlices has exactly one input".to_owned(),
            )),
        }
    }

    fn execute(
        &self,
        partition: usize,
        task: Arc<TaskContext>,
    ) -> Result<SendableRecordBatchStream, DataFusionError> {
        let input = self.input.execute(partition, task)?;
        let schema = input.schema();
        let mut slices = Slices {
            input,
            batch: None,
            offset: 0,
            since: Instant::now(),
        };
        let stream = futures::stream::poll_fn(move |cx| slices.poll_next(cx));
        Ok(Box::pin(RecordBatchStreamAdapter::new(schema, stream)))
    }
}

/// The state of a [`ProbeSlices`] stream: the batch being cut, and when the query last
/// returned to its runtime through it.
struct Slices {
    input: SendableRecordBatchStream,
    batch: Option<RecordBatch>,
    offset: usize,
    since: Instant,
}

impl Slices {
    fn poll_next(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<RecordBatch, DataFusionError>>> {
        if self.since.elapsed() >= YIELD_EVERY {
            self.since = Instant::now();
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        loop {
            if let Some(batch) = &self.batch {
                if self.offset < batch.num_rows() {
                    let rows = PROBE_ROWS.min(batch.num_rows() - self.offset);
                    let slice = batch.slice(self.offset, rows);
                    self.offset += rows;
                    return Poll::Ready(Some(Ok(slice)));
                }
                self.batch = None;
            }
            match self.input.poll_next_unpin(cx) {
                Poll::Ready(Some(Ok(batch))) => {
                    self.batch = Some(batch);
                    self.offset = 0;
                }
                Poll::Pending => {
                    self.since = Instant::now();
                    return Poll::Pending;
                }
                done => return done,
            }
        }
    }
}

/// A query of the process from its planning to the end of its stream: while it lives, it
/// counts among the queries sharing the query threads.
pub(super) struct InFlight(());

static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);

impl InFlight {
    pub(super) fn start() -> Self {
        IN_FLIGHT.fetch_add(1, Ordering::Relaxed);
        Self(())
    }

    /// The query threads this query may count on: its share of them, with the other
    /// queries in flight (at least one).
    pub(super) fn cores(&self) -> usize {
        (threads() / IN_FLIGHT.load(Ordering::Relaxed).max(1)).max(1)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        IN_FLIGHT.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Executes `plan` on the query runtime; its batches, as they come. Dropping the stream
/// stops the query, and ends it `in_flight`.
pub(super) fn execute(
    plan: Arc<dyn ExecutionPlan>,
    task: Arc<TaskContext>,
    in_flight: InFlight,
) -> Result<BoxStream<'static, Result<RecordBatch, EngineError>>, EngineError> {
    let (sender, receiver) = tokio::sync::mpsc::channel(AHEAD);
    let query = runtime()?.spawn(async move {
        // Executing builds the plan's streams, which spawn their tasks on this runtime.
        let mut batches = match execute_stream(plan, task) {
            Ok(batches) => batches,
            Err(err) => {
                let _ = sender.send(Err(EngineError::from(err))).await;
                return;
            }
        };
        while let Some(batch) = batches.next().await {
            if sender.send(batch.map_err(EngineError::from)).await.is_err() {
                return;
            }
        }
    });
    // The guards travel with the stream: dropping the stream aborts the query.
    let stop = (AbortOnDrop(query.abort_handle()), in_flight);
    Ok(
        futures::stream::unfold((receiver, stop), |(mut receiver, stop)| async move {
            let batch = receiver.recv().await?;
            Some((batch, (receiver, stop)))
        })
        .boxed(),
    )
}

/// Runs `work` (a statement's planning) on the query runtime and waits for it; dropping the
/// wait aborts it.
pub(super) async fn on_query_runtime<T: Send + 'static>(
    work: impl Future<Output = T> + Send + 'static,
) -> Result<T, EngineError> {
    let task = runtime()?.spawn(work);
    let _stop = AbortOnDrop(task.abort_handle());
    task.await.map_err(|err| EngineError::Query {
        message: format!("the query's planning stopped: {err}"),
    })
}

/// Aborts a query's task when the stream reading it is dropped.
struct AbortOnDrop(AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The query runtime's threads: one per core the process may use (asked once: the answer
/// reads the cgroup's files).
fn threads() -> usize {
    static THREADS: OnceLock<usize> = OnceLock::new();
    *THREADS.get_or_init(|| std::thread::available_parallelism().map_or(2, usize::from))
}

/// The process-wide query runtime, started on first use and kept until the process ends
/// (a runtime cannot be dropped from inside another, which is where engines are dropped).
fn runtime() -> Result<&'static Runtime, EngineError> {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    if let Some(runtime) = RUNTIME.get() {
        return Ok(runtime);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads())
        .thread_name(QUERY_THREAD_NAME)
        .thread_stack_size(crate::deep_stack::STACK_BYTES)
        .enable_all()
        .build()
        .map_err(|err| EngineError::Query {
            message: format!("could not start the query threads: {err}"),
        })?;
    // Two first queries at once may both build one; the loser's is dropped here, on a
    // thread that may be a runtime's, so it is shut down without waiting.
    if let Err(spare) = RUNTIME.set(runtime) {
        spare.shutdown_background();
    }
    Ok(RUNTIME.get().expect("set just above"))
}
