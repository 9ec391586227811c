//! What a run reports, shared by the parts of the engine that make it: a node's result and
//! its run, the finished run, the events observers hear, and how a node's task ended (and
//! why it failed, `NodeError`). The
//! bottom of the engine: it imports none of the files that drive a run.

use super::EngineError;
use crate::ids::NodeId;
use crate::model::{NodeOutcome, NodeRecord, NodeStatus, ResultColumn, RunStatus, TableWrite};
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::error::ArrowError;
use datafusion::arrow::record_batch::RecordBatch;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// A node's result, kept for the nodes downstream of it. A reused one holds its schema and
/// row count, and its rows (`batches`) only once a node that ran has read them.
#[derive(Debug)]
pub struct NodeResult {
    pub schema: SchemaRef,
    pub batches: Vec<RecordBatch>,
    pub row_count: usize,
}

/// What happened to one node.
#[derive(Debug, Clone)]
pub struct NodeRun {
    pub node_id: NodeId,
    pub status: NodeStatus,
    /// The values it ran with, by parameter (JSON, as shown in history).
    pub parameters: BTreeMap<String, Json>,
    /// The SQL as run, with `$n` and `:list` where values were bound.
    pub sql: Option<String>,
    pub result: Option<Arc<NodeResult>>,
    pub duration: Duration,
    /// How many times its query was tried.
    pub attempts: u32,
    /// What its result depends on, hashed; none when it cannot be reused.
    pub cache_key: Option<String>,
    /// The result it reused, when it was a cache hit.
    pub reused: Option<Reused>,
    /// What its work came to (see [`NodeOutcome`]); none until it finishes, or when it
    /// did not run.
    pub outcome: Option<NodeOutcome>,
    /// What a data-table node's write did to its table.
    pub table_write: Option<TableWrite>,
    pub error: Option<String>,
}

/// A kept result a node reused.
#[derive(Debug, Clone)]
pub struct Reused {
    /// Where it is kept (relative to the workspace).
    pub location: String,
    /// When the query that made it finished (UTC, ISO-8601).
    pub made_at: Option<String>,
}

/// A finished run: its status and every node's run, in the flow's node order.
#[derive(Debug, Clone)]
pub struct FlowRun {
    pub status: RunStatus,
    pub nodes: Vec<NodeRun>,
}

impl NodeRun {
    /// Node `node_id` before its turn: pending, nothing known yet.
    pub(super) fn pending(node_id: &NodeId) -> Self {
        Self {
            node_id: node_id.clone(),
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
        }
    }

    /// The node's run as the history keeps it.
    pub fn record(&self) -> NodeRecord {
        NodeRecord {
            node_id: self.node_id.clone(),
            status: self.status,
            parameters: self.parameters.clone(),
            sql: self.sql.clone(),
            columns: self.result.as_ref().map_or_else(Vec::new, |r| {
                r.schema
                    .fields()
                    .iter()
                    .map(|f| ResultColumn {
                        name: f.name().clone(),
                        data_type: f.data_type().to_string(),
                    })
                    .collect()
            }),
            row_count: self.result.as_ref().map(|r| r.row_count as u64),
            duration_ms: u64::try_from(self.duration.as_millis()).unwrap_or(u64::MAX),
            attempts: self.attempts,
            result_location: None,
            cache_key: self.cache_key.clone(),
            from_cache: self.reused.is_some(),
            made_at: self.reused.as_ref().and_then(|r| r.made_at.clone()),
            outcome: self.outcome,
            table_write: self.table_write.clone(),
            error: self.error.clone(),
        }
    }
}

/// Who hears about a run as it goes: every event, and each finished node whole (for the
/// history). A plain `Fn(RunEvent)` closure hears the events only.
pub trait Observer: Sync {
    fn event(&self, event: RunEvent);

    fn node_finished(&self, _node: &NodeRun) {}
}

impl<F: Fn(RunEvent) + Sync> Observer for F {
    fn event(&self, event: RunEvent) {
        self(event);
    }
}

impl FlowRun {
    pub fn node(&self, id: &str) -> Option<&NodeRun> {
        self.nodes.iter().find(|n| n.node_id.as_str() == id)
    }
}

/// Progress, as it happens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum RunEvent {
    NodeStarted {
        node_id: NodeId,
    },
    NodeFinished {
        node_id: NodeId,
        status: NodeStatus,
        row_count: Option<usize>,
        duration_ms: u64,
        /// Whether its result was reused from an earlier run.
        from_cache: bool,
        error: Option<String>,
    },
}

/// Why a node's work failed. The run keeps the message as text on the node's record; the
/// kind decides whether an attempt is tried again (only a query that failed or ran out of
/// time is).
#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    /// The engine refused or failed the query.
    #[error(transparent)]
    Query(#[from] EngineError),
    /// An attempt ran past the node's timeout.
    #[error("timed out after {} s", .0.as_secs())]
    TimedOut(Duration),
    /// One value of a for-each node failed, which fails the node.
    #[error("for `{name}` = {value}: {why}")]
    Value {
        name: String,
        value: String,
        why: Box<NodeError>,
    },
    /// A for-each node's query returns the column the node adds each value as.
    #[error(
        "the query already returns a column `{0}`, the column this for-each node adds each value as: rename it in the template's SQL"
    )]
    TagClash(String),
    /// The rows could not be put together as one result.
    #[error("{0}")]
    Result(#[from] ArrowError),
    /// A data-table node's operation was refused (its definition, its rows, no workspace).
    #[error("{0}")]
    Table(String),
}

impl NodeError {
    /// Whether another attempt may do better: a query that failed or ran out of time.
    pub fn may_retry(&self) -> bool {
        matches!(self, Self::Query(_) | Self::TimedOut(_))
    }
}

/// How a node's task ended.
pub(super) struct Outcome {
    pub(super) result: Result<NodeResult, NodeError>,
    pub(super) elapsed: Duration,
    /// How many times its queries were tried.
    pub(super) attempts: u32,
    pub(super) cache_key: Option<String>,
    /// What the work came to, when the work says more than done or failed (a data table
    /// found to exist, or missing).
    pub(super) outcome: Option<NodeOutcome>,
    /// What a data-table node's write did.
    pub(super) table_write: Option<TableWrite>,
}
