//! Running a validated flow: each node starts as soon as every node it reads from has
//! finished (no level barriers), at most `max_parallel` at a time, on any [`Connector`]; a
//! for-each node's values count against the same budget (`engine::job::Slots`).
//!
//! What a run is asked to do (its options, the flow's global parameters) is
//! `engine::options`'s, plain data; what it works with (connector, kept results, data
//! tables, cancel token) is its [`RunContext`]; what one node does once its turn comes (parameters, condition,
//! queries) is `engine::node`'s. A failed node fails the run; nodes that need it through a required
//! connection are skipped, through an optional one they run without its value; independent
//! branches finish.
//!
//! A node whose key (`engine::cache`) finds a kept result completes at once, in the
//! scheduler, without a task or a query; that result's rows are read only when a node that
//! runs needs them.
//!
//! Each attempt of a query has a timeout (`node_config.timeout_seconds`); a failed attempt is
//! retried `node_config.retries` times with doubling waits. Cancelling the run's token drops
//! every running query at once (which stops it in the engine) and marks what had not
//! finished CANCELLED.

use super::Connector;
use super::cache::{self, CachedResult, ResultCache};
use super::graph::Graph;
use super::job::{Job, Slot, Slots};
use super::node::{Decided, Prepared, decided, needs_missing, own_values, prepare, reads};
use super::options::global_values;
pub use super::options::{
    RunError, RunOptions, ShadowedBy, ShadowedGlobal, check_options, parameters_from_text,
    parameters_given, shadowed_globals,
};
pub use super::report::{FlowRun, NodeError, NodeResult, NodeRun, Observer, RunEvent};
use super::report::{Outcome, Reused};
use super::table_node;
use crate::ids::{SourceId, TemplateId};
pub use crate::model::{NodeOutcome, NodeStatus, RunStatus};
use crate::model::{Template, TemplateKind};
use crate::store::Store;
use crate::validation::ValidatedFlow;
use serde_json::Value as Json;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};
use tokio::task::JoinSet;
pub use tokio_util::sync::CancellationToken;

/// What a run works with, beside what it was asked ([`RunOptions`]): where its queries go,
/// where results to reuse are found, the data tables its data-table nodes write, and the
/// token that cancels it.
#[derive(Debug, Clone)]
pub struct RunContext {
    /// The workspace's own engine (`src_local`), where data-table nodes work too.
    pub connector: Arc<dyn Connector>,
    /// The other data sources the flow's templates run on, each open or with why not (a
    /// node on one that is not fails with that).
    pub sources: BTreeMap<SourceId, Result<Arc<dyn Connector>, String>>,
    /// Where results to reuse are found; `None` runs every node.
    pub cache: Option<Arc<dyn ResultCache>>,
    /// The workspace whose data tables data-table nodes work on; without one they fail.
    pub data_tables: Option<Store>,
    /// Cancels the run when cancelled.
    pub cancel: CancellationToken,
}

impl RunContext {
    /// A run on `connector` that reuses nothing, has no data tables and is cancelled by
    /// nobody (until [`RunContext::cancelled_by`]).
    pub fn new(connector: Arc<dyn Connector>) -> Self {
        Self {
            connector,
            sources: BTreeMap::new(),
            cache: None,
            data_tables: None,
            cancel: CancellationToken::new(),
        }
    }

    /// The same run, cancelled when `cancel` is.
    #[must_use]
    pub fn cancelled_by(self, cancel: CancellationToken) -> Self {
        Self { cancel, ..self }
    }

    /// The same run with data source `id` (`Err`: why it could not be opened).
    #[must_use]
    pub fn with_source(
        mut self,
        id: SourceId,
        connector: Result<Arc<dyn Connector>, String>,
    ) -> Self {
        self.sources.insert(id, connector);
        self
    }

    /// Where a template on `source` runs its queries.
    pub fn connector_for(&self, source: &SourceId) -> Result<Arc<dyn Connector>, String> {
        if source.is_local() {
            return Ok(self.connector.clone());
        }
        self.sources.get(source).cloned().unwrap_or_else(|| {
            Err(format!(
                "data source `{source}` is not one of this workspace's"
            ))
        })
    }
}

/// Runs `flow` as `options` ask, with what `context` gives, telling `observer` as it goes.
pub async fn run(
    flow: &ValidatedFlow,
    context: &RunContext,
    options: &RunOptions,
    observer: &dyn Observer,
) -> Result<FlowRun, RunError> {
    check_options(flow, options)?;
    let globals = global_values(flow, &options.parameters)?;
    context.connector.refresh().await;
    let mut progress = Progress::new(flow, context, options, observer, globals);
    loop {
        progress.start_ready().await;
        if !progress.wait().await {
            break;
        }
    }
    Ok(progress.end().await)
}

/// A run under way: what each node has come to, which nodes wait on how many others, which
/// are ready and which are running.
struct Progress<'a> {
    flow: &'a ValidatedFlow,
    context: &'a RunContext,
    options: &'a RunOptions,
    observer: &'a dyn Observer,
    globals: BTreeMap<&'a str, Json>,
    plan: Graph,
    /// Per node: what it has come to so far.
    runs: Vec<NodeRun>,
    /// Per node: when its task started.
    started_at: Vec<Option<Instant>>,
    /// Per node: how many of the nodes it reads from have not finished.
    waiting: Vec<usize>,
    ready: VecDeque<usize>,
    /// Each task holds a slot until what it did is taken in.
    running: JoinSet<(usize, Turn, Slot)>,
    /// What runs at once (node tasks, and a for-each node's values) takes a slot of these.
    slots: Slots,
    /// A slot that came free while a node was ready, kept for it.
    spare: Option<Slot>,
    /// Per node: the attempts its task has started, read when a cancel drops the task.
    tries: Vec<Arc<AtomicU32>>,
    /// Per conditional node: its decided condition, once decided.
    decisions: Vec<Option<Decided>>,
    /// Per node: whether it reused a result whose rows are not read yet (they are read when
    /// a node that runs needs them; a fully reused run reads none).
    unread: Vec<bool>,
    /// Per template version: what the data its SQL reads looks like
    /// ([`Progress::data_fingerprint`]).
    data_fingerprints: HashMap<(TemplateId, u32), Option<String>>,
}

impl<'a> Progress<'a> {
    fn new(
        flow: &'a ValidatedFlow,
        context: &'a RunContext,
        options: &'a RunOptions,
        observer: &'a dyn Observer,
        globals: BTreeMap<&'a str, Json>,
    ) -> Self {
        let plan = Graph::new(flow, options.to.as_ref(), options.from.as_ref());
        let nodes = &flow.flow().nodes;
        let waiting: Vec<usize> = plan.incoming.iter().map(Vec::len).collect();
        let ready = (0..nodes.len())
            .filter(|&i| plan.included[i] && waiting[i] == 0)
            .collect();
        Self {
            flow,
            context,
            options,
            observer,
            globals,
            runs: nodes.iter().map(|n| NodeRun::pending(&n.node_id)).collect(),
            started_at: vec![None; nodes.len()],
            waiting,
            ready,
            running: JoinSet::new(),
            slots: Slots::new(options.max_parallel),
            spare: None,
            tries: nodes.iter().map(|_| Arc::default()).collect(),
            decisions: nodes.iter().map(|_| None).collect(),
            unread: vec![false; nodes.len()],
            data_fingerprints: HashMap::new(),
            plan,
        }
    }

    /// Starts ready nodes while a slot is free (those that need no task, a reused result or
    /// a skip, finish here and now and give their slot back).
    async fn start_ready(&mut self) {
        while !self.context.cancel.is_cancelled()
            && !self.ready.is_empty()
            && let Some(slot) = self.spare.take().or_else(|| self.slots.try_take())
            && let Some(at) = self.ready.pop_front()
        {
            self.begin(at, slot).await;
        }
    }

    /// Node `at`'s turn: skipped when what it needs is missing, completed by a kept result
    /// when its key finds one, or prepared and started.
    async fn begin(&mut self, at: usize, slot: Slot) {
        let (flow, context) = (self.flow, self.context);
        if let Some(why) = needs_missing(flow, &self.plan, &self.runs, at) {
            return self.done(at, NodeStatus::Skipped, Some(why));
        }
        let node = &flow.flow().nodes[at];
        let template = flow
            .template_of(node)
            .expect("a validated flow has every template it uses");
        let own = own_values(flow, &self.globals, at);
        let data = self.data_fingerprint(template).await;
        let incoming = self.plan.incoming[at].iter().map(|&c| {
            let source = &self.runs[self.plan.sources[c]];
            (&flow.flow().connections[c], source.cache_key.as_deref())
        });
        let key = cache::key(template, node, &own, incoming, data.as_deref());
        let reusable = context
            .cache
            .as_deref()
            .filter(|_| !self.options.no_cache && !self.plan.fresh[at]);
        let max_age = context
            .connector_for(&template.source_id)
            .ok()
            .and_then(|connector| connector.max_age());
        let lookup = || {
            key.as_deref()
                .zip(reusable)
                .and_then(|(k, c)| c.lookup(k, max_age))
        };
        // A condition is decided on this run's facts before a result is reused.
        if !node.is_conditional
            && let Some(hit) = lookup()
        {
            return self.reuse(at, key, hit);
        }
        if let Err(why) = self.read_rows(reads(flow, &self.plan, at)).await {
            self.runs[at].parameters = own;
            return self.done(at, NodeStatus::Failed, Some(why));
        }
        // A conditional node comes here twice: to have its condition decided, then (back
        // at the front of the queue) to go on as the decision says.
        let prepared = match self.decisions[at].take() {
            Some(decision) => decided(flow, &self.plan, &self.runs, at, decision),
            None => prepare(flow, &self.plan, &self.globals, &self.runs, at, own),
        };
        match prepared {
            Prepared::Run(..) if let Some(hit) = lookup() => self.reuse(at, key, hit),
            prepared => self.launch(at, prepared, key, slot),
        }
    }

    /// What the data `template` reads looks like ([`cache::data_fingerprint`]), asked of the
    /// connector once per template version until a data-table node changes the data.
    async fn data_fingerprint(&mut self, template: &Template) -> Option<String> {
        let version = (template.template_id.clone(), template.version);
        if let Some(known) = self.data_fingerprints.get(&version) {
            return known.clone();
        }
        let found = match self.context.connector_for(&template.source_id) {
            Ok(connector) => cache::data_fingerprint(connector.as_ref(), template).await,
            Err(_) => None,
        };
        self.data_fingerprints.insert(version, found.clone());
        found
    }

    /// Starts what `prepared` says node `at` does next: its queries or its data-table
    /// operation as a task, its condition as a task of its own, or nothing (skipped,
    /// failed).
    fn launch(&mut self, at: usize, prepared: Prepared, key: Option<String>, slot: Slot) {
        let node = &self.flow.flow().nodes[at];
        let timeout = node
            .node_config
            .timeout_seconds
            .map_or(self.options.default_timeout, |s| {
                Duration::from_secs(s.into())
            });
        let connector = self.context.connector.clone();
        match prepared {
            Prepared::Run(queries, parameters) => {
                let template = self
                    .flow
                    .template_of(node)
                    .expect("a validated flow has every template it uses");
                let connector = match self.context.connector_for(&template.source_id) {
                    Ok(connector) => connector,
                    Err(why) => {
                        self.runs[at].parameters = parameters;
                        return self.done(at, NodeStatus::Failed, Some(why));
                    }
                };
                let sql = queries.first().map(|q| match &q.tag {
                    Some((name, _)) => format!(
                        "{}\n-- once for each of the {} values of {name}",
                        q.statement,
                        queries.len()
                    ),
                    None => q.statement.to_string(),
                });
                self.started(at, parameters, sql);
                let job = Job {
                    connector,
                    template_sql: Arc::from(template.sql.as_str()),
                    queries,
                    timeout,
                    retries: node.node_config.retries.unwrap_or(0),
                    backoff: self.options.retry_backoff,
                    cache_key: key,
                    attempts: self.tries[at].clone(),
                    slots: self.slots.clone(),
                };
                self.running
                    .spawn(async move { (at, Turn::Ran(job.run().await), slot) });
            }
            Prepared::Table(operation, rows, parameters) => {
                self.started(at, parameters, Some(operation.to_string()));
                let tables = self.context.data_tables.clone();
                let work = table_node::run(operation, rows, tables, connector);
                self.tries[at].store(1, Ordering::Relaxed);
                self.running
                    .spawn(async move { (at, Turn::Ran(work.await), slot) });
            }
            Prepared::Skip(why) => self.done(at, NodeStatus::Skipped, Some(why)),
            Prepared::Fail(parameters, why) => {
                self.runs[at].parameters = parameters;
                self.done(at, NodeStatus::Failed, Some(why));
            }
            // Deciding a condition can take long (CEL always ends, not always soon): it is
            // a task of its own, under the node's timeout, dropped by a cancel.
            Prepared::Decide(decision) => {
                self.running.spawn(async move {
                    (at, Turn::Decided(decision.decide(timeout).await), slot)
                });
            }
        }
    }

    /// Marks node `at` running with `parameters` and `sql`, and says so.
    fn started(&mut self, at: usize, parameters: BTreeMap<String, Json>, sql: Option<String>) {
        let run = &mut self.runs[at];
        run.status = NodeStatus::Running;
        run.parameters = parameters;
        run.sql = sql;
        self.observer.event(RunEvent::NodeStarted {
            node_id: run.node_id.clone(),
        });
        self.started_at[at] = Some(Instant::now());
    }

    /// Waits for the next task to end (and takes in what it did) or, while a node is ready
    /// and every slot taken, for a slot to come free; `false` once nothing runs or the run
    /// is cancelled.
    async fn wait(&mut self) -> bool {
        let joined = tokio::select! {
            biased;
            () = self.context.cancel.cancelled() => None,
            slot = self.slots.clone().take(), if !self.ready.is_empty() => {
                self.spare = Some(slot);
                return true;
            }
            joined = self.running.join_next() => joined,
        };
        let Some(joined) = joined else {
            return false;
        };
        let (at, turn, _slot) = joined.expect("a node task never panics");
        self.settle(at, turn);
        true
    }

    /// What a task came back with: a node's work done, or its condition decided (the node
    /// then goes first in the queue).
    fn settle(&mut self, at: usize, turn: Turn) {
        let outcome = match turn {
            Turn::Ran(outcome) => outcome,
            Turn::Decided(decision) => {
                self.runs[at].duration = decision.elapsed;
                self.decisions[at] = Some(decision);
                self.ready.push_front(at);
                return;
            }
        };
        // A data-table node may have changed what the nodes after it read.
        let node = &self.flow.flow().nodes[at];
        if self
            .flow
            .template_of(node)
            .is_some_and(|t| t.kind == TemplateKind::DataTable)
        {
            self.data_fingerprints.clear();
        }
        let run = &mut self.runs[at];
        run.duration = outcome.elapsed;
        run.attempts = outcome.attempts;
        run.cache_key = outcome.cache_key;
        run.outcome = outcome.outcome;
        run.table_write = outcome.table_write;
        match outcome.result {
            Ok(result) => {
                run.result = Some(Arc::new(result));
                self.done(at, NodeStatus::Completed, None);
            }
            Err(err) => self.done(at, NodeStatus::Failed, Some(err.to_string())),
        }
    }

    /// The run's report: when cancelled, what had not finished is stopped and CANCELLED.
    async fn end(mut self) -> FlowRun {
        let cancelled = self.context.cancel.is_cancelled();
        if cancelled {
            // Dropping the tasks drops their result streams, which stops the queries.
            self.running.abort_all();
            while self.running.join_next().await.is_some() {}
            for (at, run) in self.runs.iter_mut().enumerate() {
                if self.plan.included[at]
                    && matches!(run.status, NodeStatus::Pending | NodeStatus::Running)
                {
                    run.duration = self.started_at[at].map_or(Duration::ZERO, |s| s.elapsed());
                    run.attempts = self.tries[at].load(Ordering::Relaxed);
                    finish(
                        run,
                        NodeStatus::Cancelled,
                        Some("cancelled".to_owned()),
                        self.observer,
                    );
                }
            }
        }
        let status = if cancelled {
            RunStatus::Cancelled
        } else if self.runs.iter().any(|r| r.status == NodeStatus::Failed) {
            RunStatus::Failed
        } else {
            RunStatus::Completed
        };
        FlowRun {
            status,
            nodes: self
                .runs
                .into_iter()
                .zip(&self.plan.included)
                .filter_map(|(run, &included)| included.then_some(run))
                .collect(),
        }
    }

    /// Node `at` finished as `status`: says so, and frees the nodes waiting on it.
    fn done(&mut self, at: usize, status: NodeStatus, error: Option<String>) {
        finish(&mut self.runs[at], status, error, self.observer);
        for &next in &self.plan.outgoing[at] {
            self.waiting[next] -= 1;
            if self.waiting[next] == 0 && self.plan.included[next] {
                self.ready.push_back(next);
            }
        }
    }

    /// Completes node `at` with a result reused from an earlier run (its rows unread),
    /// recording the values and SQL that run recorded.
    fn reuse(&mut self, at: usize, key: Option<String>, hit: CachedResult) {
        let run = &mut self.runs[at];
        self.observer.event(RunEvent::NodeStarted {
            node_id: run.node_id.clone(),
        });
        run.parameters = hit.parameters;
        run.sql = hit.sql;
        run.result = Some(Arc::new(hit.result));
        run.cache_key = key;
        run.reused = Some(Reused {
            location: hit.location,
            made_at: hit.made_at,
        });
        self.unread[at] = true;
        self.done(at, NodeStatus::Completed, None);
    }

    /// Reads the rows of the reused results among `nodes` that are still unread.
    async fn read_rows(&mut self, nodes: Vec<usize>) -> Result<(), String> {
        for at in nodes {
            if !self.unread[at] {
                continue;
            }
            let run = &mut self.runs[at];
            let location = run
                .reused
                .as_ref()
                .map(|r| r.location.as_str())
                .expect("a reused result is kept somewhere");
            let cache = self
                .context
                .cache
                .as_deref()
                .expect("a result was reused from the cache");
            let rows = cache.rows(location).await.map_err(|e| {
                format!(
                    "`{}` reused an earlier run's result, which cannot be read now ({e}): run \
                     again without reusing results",
                    run.node_id
                )
            })?;
            run.result = Some(Arc::new(rows));
            self.unread[at] = false;
        }
        Ok(())
    }
}

/// What a node's task comes back with.
enum Turn {
    /// Its work ran (queries, or a data-table operation).
    Ran(Outcome),
    /// Its condition was decided; the node goes on from there.
    Decided(Decided),
}

fn finish(run: &mut NodeRun, status: NodeStatus, error: Option<String>, observer: &dyn Observer) {
    run.status = status;
    run.error = error;
    if run.outcome.is_none() {
        run.outcome = match status {
            NodeStatus::Completed => Some(NodeOutcome::Success),
            NodeStatus::Failed => Some(NodeOutcome::Error),
            _ => None,
        };
    }
    observer.node_finished(run);
    observer.event(RunEvent::NodeFinished {
        node_id: run.node_id.clone(),
        status,
        row_count: run.result.as_ref().map(|r| r.row_count),
        duration_ms: u64::try_from(run.duration.as_millis()).unwrap_or(u64::MAX),
        from_cache: run.reused.is_some(),
        error: run.error.clone(),
    });
}
