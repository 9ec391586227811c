//! A workspace's data sources at work: each one's connector, opened on first use with its
//! password (see [`secrets`]) and kept while the app runs, and the connection test the Data
//! sources screen and `flowloom sources test` show. `src_local` is the workspace's own
//! engine, which the caller holds.

pub mod secrets;

use crate::engine::arrow::datatypes::Schema;
use crate::engine::postgres::{PostgresConnector, PostgresSettings};
use crate::engine::{Connector, EngineError, PlanProblem, ResultStream, TableShape};
use crate::ids::SourceId;
use crate::model::{DataSource, PostgresConfig, SourceConfig};
use crate::render::Statement;
use crate::store::{Store, StoreError};
use futures::future::BoxFuture;
pub use secrets::SecretError;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Why a source cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("data source `{source_id}`: {error}")]
    Secret {
        source_id: SourceId,
        error: SecretError,
    },
    #[error("data source `{source_id}`: {error}")]
    Engine {
        source_id: SourceId,
        error: EngineError,
    },
    #[error(
        "data source `src_local` is the workspace's own engine: there is nothing to connect to"
    )]
    Local,
}

/// What testing a source's connection found.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, specta::Type)]
pub struct SourceCheck {
    /// The server's own description of its version.
    pub version: String,
    /// One round trip of a query, in milliseconds.
    pub latency_ms: f64,
}

/// A source's connector and the config it was opened with.
type Opened = (SourceConfig, Arc<dyn Connector>);

/// The connectors of a workspace's sources, each opened once for the config it was opened
/// with (a changed source is opened anew).
#[derive(Debug, Clone)]
pub struct Sources {
    store: Store,
    open: Arc<Mutex<HashMap<SourceId, Opened>>>,
}

impl Sources {
    pub fn new(store: Store) -> Self {
        Self {
            store,
            open: Arc::default(),
        }
    }

    /// Source `id`'s connector, opened on first use (its pool connects lazily).
    pub async fn connector(&self, id: &SourceId) -> Result<Arc<dyn Connector>, SourceError> {
        let source = self.store.get_source(id).await?.source;
        let mut open = self
            .open
            .lock()
            .expect("the sources' lock is never poisoned");
        if let Some((config, connector)) = open.get(id)
            && *config == source.config
        {
            return Ok(connector.clone());
        }
        let opened = open_connector(&source)?;
        let connector: Arc<dyn Connector> = match source.config.reuse_for() {
            Some(window) => Arc::new(ReusedFor {
                inner: opened,
                source: id.clone(),
                window,
            }),
            None => Arc::new(opened),
        };
        open.insert(id.clone(), (source.config, connector.clone()));
        Ok(connector)
    }

    /// Connects to `source` (as given, saved or not) with `password`, or else the password
    /// found where the source says, and asks the server its version.
    pub async fn test_with(
        &self,
        source: &DataSource,
        password: Option<String>,
    ) -> Result<SourceCheck, SourceError> {
        let connector = match (&source.config, password) {
            (SourceConfig::Postgres(pg), Some(password)) => {
                PostgresConnector::new(settings(pg, Some(password)))
            }
            _ => open_connector(source)?,
        };
        let check = connector
            .test_connection()
            .await
            .map_err(|error| SourceError::Engine {
                source_id: source.source_id.clone(),
                error,
            })?;
        Ok(SourceCheck {
            version: check.version,
            latency_ms: check.latency.as_secs_f64() * 1e3,
        })
    }

    /// The connectors of the sources `ids` (none of them `src_local`), each open or with
    /// why not, for a run's context.
    pub async fn for_run(
        &self,
        ids: Vec<SourceId>,
    ) -> Vec<(SourceId, Result<Arc<dyn Connector>, String>)> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let connector = self.connector(&id).await.map_err(|err| err.to_string());
            out.push((id, connector));
        }
        out
    }
}

/// A connector for `source`, its password found where the source says.
fn open_connector(source: &DataSource) -> Result<PostgresConnector, SourceError> {
    match &source.config {
        SourceConfig::Local => Err(SourceError::Local),
        SourceConfig::Postgres(pg) => {
            let password = secrets::password_for(pg).map_err(|error| SourceError::Secret {
                source_id: source.source_id.clone(),
                error,
            })?;
            Ok(PostgresConnector::new(settings(pg, password)))
        }
    }
}

fn settings(pg: &PostgresConfig, password: Option<String>) -> PostgresSettings {
    PostgresSettings {
        host: pg.host.clone(),
        port: pg.port,
        database: pg.database.clone(),
        user: pg.user.clone(),
        password,
        sslmode: pg.sslmode,
        ssl_root_cert: pg.ssl_root_cert.as_ref().map(PathBuf::from),
        search_path: pg.search_path.clone(),
        pool_size: pg.pool_size.max(1),
        statement_timeout: pg
            .statement_timeout_ms
            .map(|ms| Duration::from_millis(u64::from(ms))),
    }
}

/// A source whose results are reused while younger than `window` (its `reuse_for`): its data
/// cannot be fingerprinted, so every statement's fingerprint is the source and the window,
/// and a kept result is reused only while it is young enough.
#[derive(Debug)]
struct ReusedFor {
    inner: PostgresConnector,
    source: SourceId,
    window: Duration,
}

impl Connector for ReusedFor {
    fn run<'a>(
        &'a self,
        statement: &'a Statement,
    ) -> BoxFuture<'a, Result<ResultStream, EngineError>> {
        self.inner.run(statement)
    }

    fn fingerprint<'a>(
        &'a self,
        _statement: &'a Statement,
    ) -> BoxFuture<'a, Result<Option<String>, EngineError>> {
        let fingerprint = format!("{} reused for {} s", self.source, self.window.as_secs());
        Box::pin(async move { Ok(Some(fingerprint)) })
    }

    fn max_age(&self) -> Option<Duration> {
        Some(self.window)
    }

    fn check<'a>(&'a self, statement: &'a Statement) -> BoxFuture<'a, Option<PlanProblem>> {
        self.inner.check(statement)
    }

    fn describe<'a>(
        &'a self,
        statement: &'a Statement,
    ) -> BoxFuture<'a, Result<Schema, EngineError>> {
        self.inner.describe(statement)
    }

    fn shapes(&self) -> BoxFuture<'_, Result<Vec<TableShape>, EngineError>> {
        self.inner.shapes()
    }
}
