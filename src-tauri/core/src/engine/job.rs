//! A prepared node's task: its queries run on the connector, each attempt under the node's
//! timeout and retried with doubling waits; a for-each node's values run at once within the
//! run's budget of slots (`max_parallel`, shared with the other nodes) and their rows are
//! unioned in the order of the values, tagged with the value in a column of the parameter's
//! name (a query returning that column already fails the node).

use super::report::{NodeError, NodeResult, Outcome};
use super::{Connector, EngineError};
use crate::render;
use datafusion::arrow::datatypes::{Field, Schema, SchemaRef};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::common::ScalarValue;
use futures::stream::FuturesUnordered;
use futures::{StreamExt, TryStreamExt};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// One query of a node: its statement and, for a for-each node, the parameter and the value
/// this query ran with (added to its rows as a column).
pub(super) struct Query {
    pub(super) statement: render::Statement,
    pub(super) tag: Option<(String, ScalarValue)>,
}

/// The run's budget of things running at once (`max_parallel`): a node's task holds one
/// [`Slot`] while it runs, and a for-each node takes more for its values as they come free,
/// so its values and the other nodes share one budget.
#[derive(Debug, Clone)]
pub(super) struct Slots(Arc<Semaphore>);

/// One place in the run's budget, given back when dropped.
pub(super) type Slot = OwnedSemaphorePermit;

impl Slots {
    pub(super) fn new(max_parallel: usize) -> Self {
        Self(Arc::new(Semaphore::new(max_parallel.max(1))))
    }

    /// A slot if one is free now.
    pub(super) fn try_take(&self) -> Option<Slot> {
        self.0.clone().try_acquire_owned().ok()
    }

    /// The next slot that comes free (those waiting are served in turn).
    pub(super) async fn take(self) -> Slot {
        self.0
            .acquire_owned()
            .await
            .expect("the run's slots are never closed")
    }
}

/// A prepared node, owning what its task needs.
pub(super) struct Job {
    pub(super) connector: Arc<dyn Connector>,
    /// The template's SQL, where a server's error points (see [`EngineError::locate`]).
    pub(super) template_sql: Arc<str>,
    pub(super) queries: Vec<Query>,
    pub(super) timeout: Duration,
    pub(super) retries: u32,
    pub(super) backoff: Duration,
    /// Its cache key, recorded with a successful result; `None` when it cannot be reused.
    pub(super) cache_key: Option<String>,
    /// The attempts started so far, counted as each starts: a run cancelled mid-attempt (its
    /// task dropped, its [`Outcome`] never made) records how many there were. A for-each
    /// node's are its most tried value's.
    pub(super) attempts: Arc<AtomicU32>,
    /// The run's slots, from which a for-each node takes more for its values (its task
    /// holds one already).
    pub(super) slots: Slots,
}

impl Job {
    /// Runs the node's query, each attempt under the timeout, retrying with doubling waits;
    /// a for-each node's values run so, each on its own (see [`Job::run_each`]).
    pub(super) async fn run(self) -> Outcome {
        let started = Instant::now();
        let result = match self.queries.as_slice() {
            [Query { tag: None, .. }] => self.attempt(&self.queries[0]).await,
            _ => self.run_each().await,
        };
        Outcome {
            cache_key: self.cache_key.clone().filter(|_| result.is_ok()),
            result,
            elapsed: started.elapsed(),
            attempts: self.attempts.load(Ordering::Relaxed),
            outcome: None,
            table_write: None,
        }
    }

    /// One query, each attempt under the node's timeout, retried with doubling waits.
    async fn attempt(&self, query: &Query) -> Result<NodeResult, NodeError> {
        let mut attempts = 0;
        loop {
            attempts += 1;
            self.attempts.fetch_max(attempts, Ordering::Relaxed);
            let outcome = tokio::time::timeout(
                self.timeout,
                execute(
                    self.connector.as_ref(),
                    &query.statement,
                    &self.template_sql,
                ),
            )
            .await
            .unwrap_or(Err(NodeError::TimedOut(self.timeout)));
            match outcome {
                Err(why) if why.may_retry() && attempts <= self.retries => {
                    tokio::time::sleep(self.backoff * 2u32.pow(attempts - 1)).await;
                }
                done => return done,
            }
        }
    }

    /// A for-each node's values, as many at once as the run's budget allows: the node's own
    /// slot runs one, and each slot that comes free while values are left runs another
    /// (given back as soon as no value is left for it). Each value has the node's timeout
    /// and retries to itself; the first value that fails fails the node, and the others
    /// stop. The rows are unioned in the order of the values, however they finish.
    async fn run_each(&self) -> Result<NodeResult, NodeError> {
        let count = self.queries.len();
        let mut done: Vec<Option<NodeResult>> = (0..count).map(|_| None).collect();
        let mut running = FuturesUnordered::new();
        let mut extra: Vec<Slot> = Vec::new();
        let mut next = 0;
        let mut waiting = None;
        loop {
            while next < count && running.len() < 1 + extra.len() {
                let query = &self.queries[next];
                running.push(async move { (next, self.attempt(query).await) });
                next += 1;
            }
            // A slot no value is left for goes back to the run at once.
            extra.truncate(running.len().saturating_sub(1));
            if next == count {
                // Asking for a slot holds one's place: stop asking when nothing is left.
                waiting = None;
            } else if waiting.is_none() {
                waiting = Some(Box::pin(self.slots.clone().take()));
            }
            let more = async {
                match waiting.as_mut() {
                    Some(slot) => slot.await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                slot = more => {
                    waiting = None;
                    extra.push(slot);
                }
                finished = running.next() => {
                    let Some((at, result)) = finished else { break };
                    let query = &self.queries[at];
                    match result {
                        Ok(result) => done[at] = Some(result),
                        Err(why) => return Err(match &query.tag {
                            Some((name, value)) => NodeError::Value {
                                name: name.clone(),
                                value: value.to_string(),
                                why: Box::new(why),
                            },
                            None => why,
                        }),
                    }
                }
            }
        }
        union(&self.queries, done.into_iter().flatten())
    }
}

/// The results of a for-each node's values, in the order of its queries, unioned: each row
/// carries the value it ran for in a column of the parameter's name.
fn union(
    queries: &[Query],
    results: impl Iterator<Item = NodeResult>,
) -> Result<NodeResult, NodeError> {
    let mut schema = None;
    let mut batches = Vec::new();
    for (query, result) in queries.iter().zip(results) {
        let Some((name, value)) = &query.tag else {
            return Ok(result);
        };
        if result.schema.field_with_name(name).is_ok() {
            // Validation refuses this when the template declares the column; a template
            // that declares none learns it here, never as two columns of one name.
            return Err(NodeError::TagClash(name.clone()));
        }
        let mut fields: Vec<_> = result.schema.fields().iter().cloned().collect();
        fields.push(Arc::new(Field::new(name, value.data_type(), true)));
        let tagged: SchemaRef = Arc::new(Schema::new(fields));
        for batch in result.batches {
            let column = value
                .to_array_of_size(batch.num_rows())
                .map_err(|e| NodeError::Query(e.into()))?;
            let mut columns = batch.columns().to_vec();
            columns.push(column);
            batches.push(RecordBatch::try_new(tagged.clone(), columns)?);
        }
        schema.get_or_insert(tagged);
    }
    let schema = schema.unwrap_or_else(|| Arc::new(Schema::empty()));
    Ok(NodeResult {
        schema,
        row_count: batches.iter().map(RecordBatch::num_rows).sum(),
        batches,
    })
}

/// Runs `statement` (rendered from `template_sql`) to its last batch; an error the server
/// places in the statement points into the template's SQL.
async fn execute(
    connector: &dyn Connector,
    statement: &render::Statement,
    template_sql: &str,
) -> Result<NodeResult, NodeError> {
    let located = |err: EngineError| NodeError::from(err.locate(template_sql));
    let stream = connector.run(statement).await.map_err(located)?;
    let batches: Vec<RecordBatch> = stream.batches.try_collect().await.map_err(located)?;
    Ok(NodeResult {
        schema: stream.schema,
        row_count: batches.iter().map(RecordBatch::num_rows).sum(),
        batches,
    })
}
