//! Running a validated flow: each node starts as soon as every node it reads from has
//! finished (no level barriers), at most `max_parallel` at a time, on any [`Connector`]; a
//! for-each node's values count against the same budget (`engine::node::Slots`).
//!
//! What a run is asked to do (its options, the flow's global parameters) is
//! `engine::options`'s; what one node does once its turn comes (parameters, condition,
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
use super::cache::{self, CachedResult};
use super::node::{
    Decided, Graph, Job, Prepared, Slot, Slots, decided, needs_missing, own_values, prepare, reads,
};
use super::options::global_values;
pub use super::options::{
    RunError, RunOptions, ShadowedBy, ShadowedGlobal, check_options, parameters_from_text,
    parameters_given, shadowed_globals,
};
use super::report::Outcome;
pub use super::report::{FlowRun, NodeResult, NodeRun, Observer, RunEvent};
use super::table_node;
pub use crate::model::{NodeOutcome, NodeStatus, RunStatus};
use crate::validation::ValidatedFlow;
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};
use tokio::task::JoinSet;
pub use tokio_util::sync::CancellationToken;

/// Runs `flow` on `connector`, telling `observer` as it goes.
pub async fn run(
    flow: &ValidatedFlow,
    connector: Arc<dyn Connector>,
    options: &RunOptions,
    observer: &dyn Observer,
) -> Result<FlowRun, RunError> {
    check_options(flow, options)?;
    let globals = global_values(flow, &options.parameters)?;
    let plan = Graph::new(flow, options.to.as_ref(), options.from.as_ref());
    connector.refresh().await;
    let nodes = &flow.flow().nodes;
    let mut runs: Vec<NodeRun> = nodes
        .iter()
        .map(|node| NodeRun {
            node_id: node.node_id.clone(),
            status: NodeStatus::Pending,
            parameters: BTreeMap::new(),
            sql: None,
            result: None,
            duration: Duration::ZERO,
            attempts: 0,
            cache_key: None,
            reused: None,
            outcome: None,
            table_write: None,
            error: None,
        })
        .collect();
    let mut started_at: Vec<Option<Instant>> = vec![None; nodes.len()];
    let mut waiting: Vec<usize> = plan.incoming.iter().map(Vec::len).collect();
    let included = &plan.included;
    let mut ready: VecDeque<usize> = (0..nodes.len())
        .filter(|&i| included[i] && waiting[i] == 0)
        .collect();
    // Each task holds a slot until the loop has taken in what it did.
    let mut running: JoinSet<(usize, Turn, Slot)> = JoinSet::new();
    // What runs at once (node tasks, and a for-each node's values) takes a slot of these.
    let slots = Slots::new(options.max_parallel);
    let mut spare = None;
    // Per node: the attempts its task has started, read when a cancel drops the task.
    let tries: Vec<Arc<AtomicU32>> = nodes.iter().map(|_| Arc::default()).collect();
    // Per conditional node: its decided condition, once decided.
    let mut decisions: Vec<Option<Decided>> = nodes.iter().map(|_| None).collect();

    // Per node: whether it reused a result whose rows are not read yet (they are read when
    // a node that runs needs them; a fully reused run reads none).
    let mut unread = vec![false; nodes.len()];
    let connections = &flow.flow().connections;

    loop {
        while !options.cancel.is_cancelled()
            && !ready.is_empty()
            && let Some(slot) = spare.take().or_else(|| slots.try_take())
            && let Some(at) = ready.pop_front()
        {
            if let Some(why) = needs_missing(flow, &plan, &runs, at) {
                finish(&mut runs[at], NodeStatus::Skipped, Some(why), observer);
                release(&plan, at, &mut waiting, &mut ready);
                continue;
            }
            let node = &nodes[at];
            let template = flow
                .template_of(node)
                .expect("a validated flow has every template it uses");
            let own = own_values(flow, &globals, at);
            let incoming = plan.incoming[at].iter().map(|&c| {
                let source = &runs[plan.sources[c]];
                (&connections[c], source.cache_key.as_deref())
            });
            let key = cache::key(connector.as_ref(), template, node, &own, incoming).await;
            let reusable = options
                .cache
                .as_deref()
                .filter(|_| !options.no_cache && !plan.fresh[at]);
            let lookup = || key.as_deref().zip(reusable).and_then(|(k, c)| c.lookup(k));
            // A condition is decided on this run's facts before a result is reused.
            if !node.is_conditional
                && let Some(hit) = lookup()
            {
                reuse(&mut runs[at], key.clone(), hit, observer);
                unread[at] = true;
                release(&plan, at, &mut waiting, &mut ready);
                continue;
            }
            if let Err(why) =
                read_rows(&mut runs, &mut unread, reads(flow, &plan, at), options).await
            {
                runs[at].parameters = own;
                finish(&mut runs[at], NodeStatus::Failed, Some(why), observer);
                release(&plan, at, &mut waiting, &mut ready);
                continue;
            }
            let timeout = node
                .node_config
                .timeout_seconds
                .map_or(options.default_timeout, |s| Duration::from_secs(s.into()));
            // A conditional node comes here twice: to have its condition decided, then
            // (back at the front of the queue) to go on as the decision says.
            let prepared = match decisions[at].take() {
                Some(decision) => decided(flow, &plan, &runs, at, decision),
                None => prepare(flow, &plan, &globals, &runs, at, own),
            };
            match prepared {
                Prepared::Run(..) if let Some(hit) = lookup() => {
                    reuse(&mut runs[at], key.clone(), hit, observer);
                    unread[at] = true;
                    release(&plan, at, &mut waiting, &mut ready);
                }
                Prepared::Run(queries, parameters) => {
                    let run = &mut runs[at];
                    run.status = NodeStatus::Running;
                    run.parameters = parameters;
                    run.sql = queries.first().map(|q| match &q.tag {
                        Some((name, _)) => format!(
                            "{}\n-- once for each of the {} values of {name}",
                            q.statement,
                            queries.len()
                        ),
                        None => q.statement.to_string(),
                    });
                    observer.event(RunEvent::NodeStarted {
                        node_id: run.node_id.clone(),
                    });
                    let job = Job {
                        connector: connector.clone(),
                        queries,
                        timeout,
                        retries: node.node_config.retries.unwrap_or(0),
                        backoff: options.retry_backoff,
                        cache_key: key,
                        attempts: tries[at].clone(),
                        slots: slots.clone(),
                    };
                    started_at[at] = Some(Instant::now());
                    running.spawn(async move { (at, Turn::Ran(job.run().await), slot) });
                }
                Prepared::Table(operation, rows, parameters) => {
                    let run = &mut runs[at];
                    run.status = NodeStatus::Running;
                    run.parameters = parameters;
                    run.sql = Some(operation.to_string());
                    observer.event(RunEvent::NodeStarted {
                        node_id: run.node_id.clone(),
                    });
                    let work = table_node::run(
                        operation,
                        rows,
                        options.data_tables.clone(),
                        connector.clone(),
                    );
                    started_at[at] = Some(Instant::now());
                    tries[at].store(1, Ordering::Relaxed);
                    running.spawn(async move { (at, Turn::Ran(work.await), slot) });
                }
                Prepared::Skip(why) => {
                    finish(&mut runs[at], NodeStatus::Skipped, Some(why), observer);
                    release(&plan, at, &mut waiting, &mut ready);
                }
                Prepared::Fail(parameters, why) => {
                    runs[at].parameters = parameters;
                    finish(&mut runs[at], NodeStatus::Failed, Some(why), observer);
                    release(&plan, at, &mut waiting, &mut ready);
                }
                // Deciding a condition can take long (CEL always ends, not always soon):
                // it is a task of its own, under the node's timeout, dropped by a cancel.
                Prepared::Decide(decision) => {
                    running.spawn(async move {
                        (at, Turn::Decided(decision.decide(timeout).await), slot)
                    });
                }
            }
        }
        let joined = tokio::select! {
            biased;
            () = options.cancel.cancelled() => None,
            // A node is ready and every slot taken: the next slot that comes free.
            slot = slots.clone().take(), if !ready.is_empty() => {
                spare = Some(slot);
                continue;
            }
            joined = running.join_next() => joined,
        };
        let Some(joined) = joined else {
            break;
        };
        let (at, turn, _slot) = joined.expect("a node task never panics");
        let outcome = match turn {
            Turn::Ran(outcome) => outcome,
            Turn::Decided(decision) => {
                runs[at].duration = decision.elapsed;
                decisions[at] = Some(decision);
                ready.push_front(at);
                continue;
            }
        };
        let run = &mut runs[at];
        run.duration = outcome.elapsed;
        run.attempts = outcome.attempts;
        run.cache_key = outcome.cache_key;
        run.outcome = outcome.outcome;
        run.table_write = outcome.table_write;
        match outcome.result {
            Ok(result) => {
                runs[at].result = Some(Arc::new(result));
                finish(&mut runs[at], NodeStatus::Completed, None, observer);
            }
            Err(err) => finish(&mut runs[at], NodeStatus::Failed, Some(err), observer),
        }
        release(&plan, at, &mut waiting, &mut ready);
    }

    let cancelled = options.cancel.is_cancelled();
    if cancelled {
        // Dropping the tasks drops their result streams, which stops the queries.
        running.abort_all();
        while running.join_next().await.is_some() {}
        for (at, run) in runs.iter_mut().enumerate() {
            if included[at] && matches!(run.status, NodeStatus::Pending | NodeStatus::Running) {
                run.duration = started_at[at].map_or(Duration::ZERO, |s| s.elapsed());
                run.attempts = tries[at].load(Ordering::Relaxed);
                finish(
                    run,
                    NodeStatus::Cancelled,
                    Some("cancelled".to_owned()),
                    observer,
                );
            }
        }
    }
    let status = if cancelled {
        RunStatus::Cancelled
    } else if runs.iter().any(|r| r.status == NodeStatus::Failed) {
        RunStatus::Failed
    } else {
        RunStatus::Completed
    };
    Ok(FlowRun {
        status,
        nodes: runs
            .into_iter()
            .zip(&plan.included)
            .filter_map(|(run, &included)| included.then_some(run))
            .collect(),
    })
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

/// Completes `run` with a result reused from an earlier run (its rows unread), recording
/// the values and SQL that run recorded.
fn reuse(run: &mut NodeRun, key: Option<String>, hit: CachedResult, observer: &dyn Observer) {
    observer.event(RunEvent::NodeStarted {
        node_id: run.node_id.clone(),
    });
    run.parameters = hit.parameters;
    run.sql = hit.sql;
    run.result = Some(Arc::new(hit.result));
    run.cache_key = key;
    run.reused = Some(hit.location);
    finish(run, NodeStatus::Completed, None, observer);
}

/// Reads the rows of the reused results among `nodes` that are still unread.
async fn read_rows(
    runs: &mut [NodeRun],
    unread: &mut [bool],
    nodes: Vec<usize>,
    options: &RunOptions,
) -> Result<(), String> {
    for at in nodes {
        if !unread[at] {
            continue;
        }
        let run = &mut runs[at];
        let location = run
            .reused
            .as_deref()
            .expect("a reused result is kept somewhere");
        let cache = options
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
        unread[at] = false;
    }
    Ok(())
}

/// Marks `at` done for the nodes it feeds; those in this run with nothing left to wait for
/// are ready.
fn release(graph: &Graph, at: usize, waiting: &mut [usize], ready: &mut VecDeque<usize>) {
    for &next in &graph.outgoing[at] {
        waiting[next] -= 1;
        if waiting[next] == 0 && graph.included[next] {
            ready.push_back(next);
        }
    }
}
