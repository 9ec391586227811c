//! Reusing node results. A node's cache key is a BLAKE3 hash of everything its result
//! depends on: its SQL as rendered (one statement per for-each value, with the value), its
//! resolved parameter values, the keys of the upstream nodes it reads from, and the
//! connector's fingerprint of the data each statement reads (for the local engine: each data
//! file's path, size and modification time). A node whose key equals a previous successful
//! run's reuses that result and is reported as a cache hit.
//!
//! A node has no key, and always runs, when the connector cannot fingerprint what it reads,
//! when its SQL calls a function whose value changes between runs (`random()`, `now()`), or
//! when an upstream node it reads from has no key.
//!
//! Where results are looked up is a [`ResultCache`]; a stored flow's run history is one
//! ([`HistoryCache`]), so a result stays reusable as long as a run of the flow that made it
//! is kept.

use super::Connector;
use super::node::Query;
use super::results;
use super::run::NodeResult;
use crate::ids::CompositionId;
use crate::store::{Store, StoreError};
use futures::future::BoxFuture;
use serde_json::Value as Json;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::PathBuf;

/// A result found for a key, and where it is kept (relative to the workspace).
#[derive(Debug)]
pub struct CachedResult {
    pub result: NodeResult,
    pub location: String,
}

/// Where a run finds results it may reuse.
pub trait ResultCache: Send + Sync + fmt::Debug {
    /// A kept result of a successful node run whose key was `key`; its rows only when
    /// `rows` (a node that no other node reads from needs its columns and row count alone).
    /// Anything that gets in the way (a result file removed by hand) is a miss: the node
    /// then runs.
    fn lookup<'a>(&'a self, key: &'a str, rows: bool) -> BoxFuture<'a, Option<CachedResult>>;
}

/// Bumped whenever what goes into a key changes, so old keys stop matching.
const KEY_VERSION: &[u8] = b"flowloom-cache-1\0";

/// The part of a node's key known before its data is looked at, or `None` when the node
/// cannot be reused because an upstream node it reads from has no key.
pub(super) fn key_base(
    queries: &[Query],
    parameters: &BTreeMap<String, Json>,
    upstream: &[Option<&str>],
) -> Option<blake3::Hasher> {
    let mut hasher = blake3::Hasher::new();
    hasher.update(KEY_VERSION);
    for key in upstream {
        hasher.update(key.as_ref()?.as_bytes());
        hasher.update(b"\0");
    }
    // BTreeMap serialises in key order: equal values, equal bytes.
    let parameters = serde_json::to_vec(parameters).expect("JSON values always serialise");
    hasher.update(&parameters);
    for query in queries {
        hasher.update(b"\0");
        hasher.update(query.statement.to_string().as_bytes());
        if let Some((name, value)) = &query.tag {
            hasher.update(format!("\0{name}={value:?}").as_bytes());
        }
    }
    Some(hasher)
}

/// The node's key: `base` with the fingerprint of what each query reads, or `None` when the
/// connector cannot say.
pub(super) async fn key(
    mut base: blake3::Hasher,
    connector: &dyn Connector,
    queries: &[Query],
) -> Option<String> {
    for query in queries {
        let fingerprint = connector.fingerprint(&query.statement).await.ok()??;
        base.update(b"\0");
        base.update(fingerprint.as_bytes());
    }
    Some(base.finalize().to_hex().to_string())
}

/// The results a stored flow's earlier runs keep, read from the history once, as the run
/// starts: a lookup is then a hash map probe, not a query.
#[derive(Debug, Clone)]
pub struct HistoryCache {
    kept: HashMap<String, String>,
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

impl ResultCache for HistoryCache {
    fn lookup<'a>(&'a self, key: &'a str, rows: bool) -> BoxFuture<'a, Option<CachedResult>> {
        Box::pin(async move {
            let location = self.kept.get(key)?.clone();
            let size = std::fs::metadata(self.root.join(&location)).ok()?.len();
            let root = self.root.clone();
            let read = move || {
                let page = if rows {
                    results::page(&root, &location, 0, None)
                } else {
                    results::shape(&root, &location)
                }
                .ok()?;
                Some(CachedResult {
                    result: NodeResult {
                        row_count: usize::try_from(page.total_rows).unwrap_or(usize::MAX),
                        schema: page.schema,
                        batches: page.batches,
                    },
                    location,
                })
            };
            if !rows || size <= READ_INLINE_MAX_BYTES {
                read()
            } else {
                tokio::task::spawn_blocking(read).await.ok()?
            }
        })
    }
}
