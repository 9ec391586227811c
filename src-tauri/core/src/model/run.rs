//! Runs as the history keeps them (seeds 002, 003): a flow run, one record per node, and
//! the statuses both go through.

use crate::ids::{CompositionId, NodeId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A run's id in the workspace's history.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, specta::Type,
)]
#[serde(transparent)]
pub struct RunId(pub i64);

impl std::fmt::Display for RunId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// PENDING → RUNNING → COMPLETED | FAILED | CANCELLED.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RunStatus {
    Pending,
    Running,
    Completed,
    Failed,
    Cancelled,
}

/// A node run's status: a run's, plus SKIPPED.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum NodeStatus {
    Pending,
    Running,
    Completed,
    Failed,
    Cancelled,
    Skipped,
}

/// What a node's work came to, for the nodes after it (`upstream.<id>.outcome`): a query
/// node succeeds or errs; a data-table node may also find the table it creates already
/// there (`exists`) or the one it reads or writes missing (`not_found`), both completed runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum NodeOutcome {
    Success,
    Error,
    Exists,
    NotFound,
}

/// What started a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    Manual,
    Cli,
    Schedule,
    FileChange,
    FlowCompleted,
}

/// Statuses and triggers read as the database and the files spell them (serde's spelling).
macro_rules! display_as_serialized {
    ($($ty:ty),*) => {$(
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match serde_json::to_value(self) {
                    Ok(serde_json::Value::String(s)) => f.write_str(&s),
                    _ => Err(std::fmt::Error),
                }
            }
        }
    )*};
}

display_as_serialized!(RunStatus, NodeStatus, NodeOutcome, Trigger);

/// A result column as recorded: its name and Arrow type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ResultColumn {
    pub name: String,
    pub data_type: String,
}

/// A successful node run's result as a later run reuses it (see `engine::cache`): where it
/// is kept and what the node run recorded, which a reusing node run records again.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct KeptResult {
    /// Where the result is kept, relative to the workspace.
    pub location: String,
    pub parameters: BTreeMap<String, serde_json::Value>,
    pub sql: Option<String>,
    #[serde(default)]
    pub columns: Vec<ResultColumn>,
    pub row_count: u64,
    /// When the query that made it finished (UTC, ISO-8601): a run that reused it does not
    /// make it younger.
    #[serde(default)]
    pub kept_at: Option<String>,
}

/// One node's run, as it is recorded when the node finishes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct NodeRecord {
    pub node_id: NodeId,
    pub status: NodeStatus,
    /// The values it ran with, by parameter.
    pub parameters: BTreeMap<String, serde_json::Value>,
    /// The SQL as run, with `$n` and `:list` where values were bound.
    pub sql: Option<String>,
    pub columns: Vec<ResultColumn>,
    pub row_count: Option<u64>,
    pub duration_ms: u64,
    /// How many times its query was tried (retries included).
    pub attempts: u32,
    /// Where its result is kept in the workspace (`results/<run>/<node>.parquet`).
    pub result_location: Option<String>,
    /// What its result depends on, hashed (see `engine::cache`); none when it cannot be
    /// reused.
    pub cache_key: Option<String>,
    /// Whether its result was reused from an earlier run rather than computed.
    pub from_cache: bool,
    /// For a reused result, when the query that made it finished (UTC, ISO-8601).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub made_at: Option<String>,
    /// What its work came to; none when it did not run (skipped, cancelled).
    pub outcome: Option<NodeOutcome>,
    /// What a data-table node's write did: rows inserted, updated, deleted, deleted by
    /// cascade.
    pub table_write: Option<crate::model::TableWrite>,
    pub error: Option<String>,
}

/// A run in a flow's history list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct RunSummary {
    pub run_id: RunId,
    pub composition_id: CompositionId,
    /// The flow version the run pinned.
    pub version: Option<u32>,
    pub status: RunStatus,
    pub trigger: Trigger,
    /// What the trigger saw (a schedule's due time, changed paths, a completed run).
    pub trigger_data: Option<serde_json::Value>,
    pub parameters: BTreeMap<String, serde_json::Value>,
    pub started_at: Option<String>,
    pub completed_at: Option<String>,
    pub error: Option<String>,
}

/// A run with every node's record, in the order they finished.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct RunDetail {
    pub summary: RunSummary,
    pub nodes: Vec<NodeRecord>,
}
