//! Reusing node results. A node's cache key is a BLAKE3 hash of everything its result
//! depends on, none of it read from data: its template's SQL and parameters, its parameter
//! values before any mapping (template default, global parameter, node override), each
//! incoming connection's mapping with the key of the node it comes from, and the connector's
//! fingerprint of the data its SQL reads (for the local engine: each data file's path, size
//! and modification time). Equal upstream keys promise equal upstream results, so equal keys
//! promise equal resolved values, equal rendered SQL and equal results: a node whose key equals
//! a previous successful run's reuses that result, and the values and SQL it recorded, and is
//! reported as a cache hit. A reused result's rows are read only when a node that runs needs
//! them (see `engine::run`): a fully reused run reads none.
//!
//! A node has no key, and always runs, when the connector cannot fingerprint what it reads,
//! when its SQL calls a function whose value changes between runs (`random()`, `now()`, which
//! validation warns of: `not_reusable`), when it works on a data table, or when an upstream
//! node it maps a column of has no key (a connection that maps nothing only orders the run:
//! its source's key is not part of the node's). A data-table node, which always runs, gives the nodes after
//! it a key all the same, made of what it did and its result ([`of_table_node`]), so they are
//! reused when it comes to the same.
//!
//! Where results are looked up is a [`ResultCache`]; a stored flow's run history is one
//! ([`HistoryCache`]), so a result stays reusable as long as a run of the flow that made it
//! is kept.

use super::Connector;
use super::report::NodeResult;
use super::results::{self, ResultError};
use crate::ids::CompositionId;
use crate::model::{Connection, KeptResult, Node, ResultColumn, Template, TemplateKind};
use crate::render;
use crate::store::{Store, StoreError};
use datafusion::arrow::datatypes::{Field, Schema, SchemaRef};
use futures::future::BoxFuture;
use serde::Serialize;
use serde_json::Value as Json;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// A result found for a key: its columns and row count (its rows unread), where it is kept
/// (relative to the workspace), and the values and SQL the node run that made it recorded.
#[derive(Debug)]
pub struct CachedResult {
    pub result: NodeResult,
    pub location: String,
    pub parameters: BTreeMap<String, Json>,
    pub sql: Option<String>,
    /// When the query that made it finished (UTC, ISO-8601).
    pub made_at: Option<String>,
}

/// Where a run finds results it may reuse.
pub trait ResultCache: Send + Sync + fmt::Debug {
    /// A kept result of a successful node run whose key was `key`, kept no longer ago than
    /// `max_age` when one is given. A result file removed by hand is a miss: the node then
    /// runs.
    fn lookup(&self, key: &str, max_age: Option<std::time::Duration>) -> Option<CachedResult>;

    /// The rows of the result kept at `location` (one `lookup` found).
    fn rows<'a>(&'a self, location: &'a str) -> BoxFuture<'a, Result<NodeResult, ResultError>>;
}

/// Bumped whenever what goes into a key changes, so old keys stop matching.
const KEY_VERSION: &[u8] = b"flowloom-cache-3\0";

/// What the data `template`'s SQL reads looks like now, whatever values are bound to it
/// (the connector's fingerprint of its statement rendered unbound); `None` when the connector
/// cannot tell, and for a data-table template, which is never reused. A run asks once per
/// template version until a data-table node changes the data.
pub(super) async fn data_fingerprint(
    connector: &dyn Connector,
    template: &Template,
) -> Option<String> {
    if template.kind == TemplateKind::DataTable {
        return None;
    }
    connector
        .fingerprint(&render::unbound(template)?)
        .await
        .ok()?
}

/// The key of `node` (running `template`, whose data looks like `data`), whose parameters
/// resolve to `own` before any mapping, fed by `incoming` connections, each with its source
/// node's key; `None` when it cannot be reused.
pub(super) fn key<'a>(
    template: &Template,
    node: &Node,
    own: &BTreeMap<String, Json>,
    incoming: impl IntoIterator<Item = (&'a Connection, Option<&'a str>)>,
    data: Option<&str>,
) -> Option<String> {
    if template.kind == TemplateKind::DataTable {
        return None;
    }
    let mut key = KeyHasher(blake3::Hasher::new());
    key.0.update(KEY_VERSION);
    key.text(&template.sql);
    key.json(&template.parameters);
    key.json(own);
    key.json(&node.node_config.for_each);
    for (connection, upstream) in incoming {
        if connection.field_mappings.is_empty() {
            // It only orders the run (a data-table node's own input has no key anyway):
            // nothing of the upstream result reaches the node, and what the node reads is in
            // its fingerprint, taken once that upstream has finished.
            key.text("after");
            continue;
        }
        key.text(upstream?);
        key.json(&connection.field_mappings);
        key.json(&connection.transformation_rules);
    }
    key.text(data?);
    Some(key.0.finalize().to_hex().to_string())
}

/// The key of a data-table node's result, for the nodes after it (the node itself always
/// runs): its operation, its outcome and every value of its result (a row per table, a few
/// numbers and names). Equal keys, equal values mapped downstream; a node after it that reads
/// the table itself has the table's writes in its own fingerprint.
pub(super) fn of_table_node(operation: &str, outcome: &str, result: &NodeResult) -> Option<String> {
    let mut key = KeyHasher(blake3::Hasher::new());
    key.0.update(KEY_VERSION);
    key.text("data-table node");
    key.text(operation);
    key.text(outcome);
    for field in result.schema.fields() {
        key.text(field.name());
        let values = super::mapping::column_values(&result.schema, &result.batches, field.name());
        key.json(&values.ok()?);
    }
    Some(key.0.finalize().to_hex().to_string())
}

/// Feeds a key's parts to the hash so that no two different sequences of parts hash alike:
/// texts with their length, JSON (self-delimiting) as written.
struct KeyHasher(blake3::Hasher);

impl KeyHasher {
    fn text(&mut self, text: &str) {
        self.0.update(&(text.len() as u64).to_le_bytes());
        self.0.update(text.as_bytes());
    }

    fn json(&mut self, value: &impl Serialize) {
        // Maps serialise in key order: equal values, equal bytes.
        serde_json::to_writer(&mut self.0, value).expect("model values always serialise");
    }
}

/// The results a stored flow's earlier runs keep, read from the history once, as the run
/// starts: a lookup is then a hash map probe, not a query.
#[derive(Debug, Clone)]
pub struct HistoryCache {
    kept: HashMap<String, KeptResult>,
    root: PathBuf,
}

impl HistoryCache {
    pub async fn for_flow(
        store: &Store,
        root: PathBuf,
        flow: &CompositionId,
    ) -> Result<Self, StoreError> {
        Ok(Self {
            kept: store.cached_results(flow).await?,
            root,
        })
    }
}

/// Kept results up to this size are read on the task that asks (a few tens of microseconds);
/// larger ones on the blocking pool, so a big read never stalls the run's other tasks.
const READ_INLINE_MAX_BYTES: u64 = 256 * 1024;

/// Whether a result kept at `kept_at` (UTC ISO-8601, as the store writes times) is no older
/// than `max_age`; one of unknown age is not.
fn kept_within(kept_at: Option<&str>, max_age: std::time::Duration) -> bool {
    let Some(kept_at) = kept_at.and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok()) else {
        return false;
    };
    let age = chrono::Utc::now().signed_duration_since(kept_at);
    age.to_std().is_ok_and(|age| age <= max_age) || age < chrono::TimeDelta::zero()
}

impl ResultCache for HistoryCache {
    fn lookup(&self, key: &str, max_age: Option<std::time::Duration>) -> Option<CachedResult> {
        let kept = self.kept.get(key)?;
        if let Some(max_age) = max_age
            && !kept_within(kept.kept_at.as_deref(), max_age)
        {
            return None;
        }
        if !self.root.join(&kept.location).exists() {
            return None;
        }
        // The recorded column types, or, for a type that does not read back, the file's.
        let schema = match schema_of(&kept.columns) {
            Some(schema) => schema,
            None => results::shape(&self.root, &kept.location).ok()?.schema,
        };
        Some(CachedResult {
            result: NodeResult {
                schema,
                batches: Vec::new(),
                row_count: usize::try_from(kept.row_count).unwrap_or(usize::MAX),
            },
            location: kept.location.clone(),
            parameters: kept.parameters.clone(),
            sql: kept.sql.clone(),
            made_at: kept.kept_at.clone(),
        })
    }

    fn rows<'a>(&'a self, location: &'a str) -> BoxFuture<'a, Result<NodeResult, ResultError>> {
        Box::pin(async move {
            let root = self.root.clone();
            let location = location.to_owned();
            let size = std::fs::metadata(root.join(&location)).map_or(u64::MAX, |m| m.len());
            let read = move || {
                results::page(&root, &location, 0, None).map(|page| NodeResult {
                    row_count: usize::try_from(page.total_rows).unwrap_or(usize::MAX),
                    schema: page.schema,
                    batches: page.batches,
                })
            };
            if size <= READ_INLINE_MAX_BYTES {
                read()
            } else {
                tokio::task::spawn_blocking(read)
                    .await
                    .expect("reading a result never panics")
            }
        })
    }
}

/// The Arrow schema of recorded columns; `None` when a type does not parse back.
fn schema_of(columns: &[ResultColumn]) -> Option<SchemaRef> {
    let fields = columns
        .iter()
        .map(|c| Some(Field::new(&c.name, c.data_type.parse().ok()?, true)))
        .collect::<Option<Vec<_>>>()?;
    Some(Arc::new(Schema::new(fields)))
}
