//! The PostgreSQL connector: template SQL run on a PostgreSQL server through sqlx, its
//! results streamed as Arrow record batches.
//!
//! - Values are bound, never pasted (`bind.rs`): scalars as `$n` of their declared type, a
//!   list as one array parameter (`IN ({{ids}})` is sent as `= ANY($n)`).
//! - Results keep their types (`arrow.rs`), a batch per [`BATCH_ROWS`] rows (`batcher.rs`).
//! - It only reads: every query runs in a `READ ONLY` transaction rolled back at its end
//!   (so nothing it sets outlives it), and a statement that does not start as a query is
//!   refused before it is sent.
//! - Dropping a run's stream stops the query on the server: `pg_cancel_backend` from
//!   another connection, then the connection goes back to the pool once the server has
//!   answered (or is closed). `statement_timeout`, `search_path` and the UTC time zone are
//!   set on every connection as it opens.
//! - Errors (`errors.rs`) carry the server's message, SQLSTATE and position; a failure to
//!   connect names the server and user, never the password.
//!
//! The pool opens lazily, on the first query, and is kept for the connector's life.

mod arrow;
mod batcher;
mod bind;
mod catalog;
mod errors;
mod oids;
mod read_only;

use self::arrow::Kind;
use self::batcher::{Batcher, Message};
use self::bind::Bound;
use self::read_only::refuse_writes;
use super::arrow::datatypes::{DataType, Field, Schema};
use super::{Connector, EngineError, PlanProblem, ResultStream, TableShape};
use crate::render::Statement;
use futures::StreamExt;
use futures::future::BoxFuture;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions, PgSslMode, Postgres};
use sqlx::{Column as _, Connection as _, Executor as _, Row as _, TypeInfo as _};
use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{OnceCell, mpsc};

/// Rows per Arrow record batch.
pub const BATCH_ROWS: usize = 4_096;
/// How long a connection may take to open.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a query waits for a free connection of the pool.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(30);
/// A pooled connection idle longer than this is pinged before a query uses it.
const PING_AFTER_IDLE: Duration = Duration::from_millis(250);
/// How long a query waits for the pool before a connection of its own asks the server why.
const PROBE_AFTER: Duration = Duration::from_millis(200);
/// How long ending a cancelled query's transaction may take before the connection is closed.
const CLEANUP_TIMEOUT: Duration = Duration::from_secs(5);

pub use crate::model::SslMode;

/// Where and how to reach a PostgreSQL server. `host` may be a Unix socket's folder (it
/// starts with `/`).
#[derive(Clone)]
pub struct PostgresSettings {
    pub host: String,
    pub port: u16,
    pub database: String,
    pub user: String,
    /// Resolved by the caller (keyring, environment, PGPASSFILE); never logged or shown.
    pub password: Option<String>,
    pub sslmode: SslMode,
    /// The certificate authorities (PEM) `verify-ca`/`verify-full` trust; else the system's.
    pub ssl_root_cert: Option<PathBuf>,
    /// `search_path` for every connection (`analytics, public`).
    pub search_path: Option<String>,
    /// The most connections open at once (at least one).
    pub pool_size: u32,
    /// The longest a statement may run on the server.
    pub statement_timeout: Option<Duration>,
}

impl fmt::Debug for PostgresSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("database", &self.database)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "<hidden>"))
            .field("sslmode", &self.sslmode)
            .field("ssl_root_cert", &self.ssl_root_cert)
            .field("search_path", &self.search_path)
            .field("pool_size", &self.pool_size)
            .field("statement_timeout", &self.statement_timeout)
            .finish()
    }
}

impl PostgresSettings {
    /// The server, database and user as a user names them: `postgres://user@host:port/db`.
    pub fn target(&self) -> String {
        format!(
            "PostgreSQL server {}:{} (database `{}`, user `{}`)",
            self.host, self.port, self.database, self.user
        )
    }

    fn connect_options(&self) -> PgConnectOptions {
        let mut options = PgConnectOptions::new_without_pgpass()
            .host(&self.host)
            .port(self.port)
            .database(&self.database)
            .username(&self.user)
            .application_name("flowloom")
            .ssl_mode(match self.sslmode {
                SslMode::Disable => PgSslMode::Disable,
                SslMode::Prefer => PgSslMode::Prefer,
                SslMode::Require => PgSslMode::Require,
                SslMode::VerifyCa => PgSslMode::VerifyCa,
                SslMode::VerifyFull => PgSslMode::VerifyFull,
            });
        if let Some(path) = &self.ssl_root_cert {
            options = options.ssl_root_cert(path);
        }
        if let Some(password) = &self.password {
            options = options.password(password);
        }
        let mut settings: Vec<(&str, String)> = vec![
            // Belt and braces: each query also runs in a READ ONLY transaction.
            ("default_transaction_read_only", "on".to_owned()),
            // Date-times without a zone compare as UTC, as they do on local files.
            ("TimeZone", "UTC".to_owned()),
        ];
        if let Some(path) = &self.search_path {
            settings.push(("search_path", path.clone()));
        }
        if let Some(timeout) = self.statement_timeout {
            settings.push((
                "statement_timeout",
                format!("{}ms", timeout.as_millis().max(1)),
            ));
        }
        options.options(settings)
    }
}

/// What testing a connection found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerCheck {
    /// The server's `version()`.
    pub version: String,
    /// One round trip of a query on an open connection.
    pub latency: Duration,
}

/// A PostgreSQL server as a data engine.
pub struct PostgresConnector {
    settings: PostgresSettings,
    pool: OnceCell<PgPool>,
    /// Declared numeric types of table columns met so far: (table oid, column number) →
    /// typmod. A stale one can only refuse a value or pad its places, never change it.
    typmods: Arc<Mutex<HashMap<(u32, i16), i32>>>,
}

impl fmt::Debug for PostgresConnector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresConnector")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl PostgresConnector {
    /// A connector over `settings`; nothing connects until the first query.
    pub fn new(settings: PostgresSettings) -> Self {
        Self {
            settings,
            pool: OnceCell::new(),
            typmods: Arc::default(),
        }
    }

    pub fn settings(&self) -> &PostgresSettings {
        &self.settings
    }

    async fn pool(&self) -> &PgPool {
        self.pool
            .get_or_init(|| async {
                PgPoolOptions::new()
                    .max_connections(self.settings.pool_size.max(1))
                    .min_connections(0)
                    .acquire_timeout(ACQUIRE_TIMEOUT)
                    .idle_timeout(Duration::from_secs(600))
                    // A connection idle a while is pinged first (a restart cut it); one just
                    // given back is not, so queries one after another pay no extra round trip.
                    .test_before_acquire(false)
                    .before_acquire(|connection, meta| {
                        Box::pin(async move {
                            if meta.idle_for > PING_AFTER_IDLE {
                                connection.ping().await?;
                            }
                            Ok(true)
                        })
                    })
                    .connect_lazy_with(self.settings.connect_options())
            })
            .await
    }

    /// Opens one connection outside the pool: its error is the server's own answer
    /// (refused, unknown host, bad password) where the pool would only time out.
    async fn probe(&self) -> Result<(), EngineError> {
        let target = self.settings.target();
        let options = self.settings.connect_options();
        match tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect_with(&options)).await {
            Ok(Ok(connection)) => {
                let _ = connection.close().await;
                Ok(())
            }
            Ok(Err(err)) => Err(errors::connecting(err, &target)),
            Err(_) => Err(EngineError::Connection {
                target,
                message: format!(
                    "cannot connect: the server did not answer within {} s",
                    CONNECT_TIMEOUT.as_secs()
                ),
            }),
        }
    }

    /// A connection of the pool. When none comes back at once, a connection of its own
    /// asks the server meanwhile: the pool retries a refused connection until its timeout,
    /// the probe says at once that the server is down or refuses the login.
    async fn acquire(&self) -> Result<PoolConnection<Postgres>, EngineError> {
        let pool = self.pool().await;
        let acquire = pool.acquire();
        tokio::pin!(acquire);
        let probe = async {
            tokio::time::sleep(PROBE_AFTER).await;
            self.probe().await
        };
        tokio::pin!(probe);
        let mut probed = false;
        loop {
            tokio::select! {
                acquired = &mut acquire => {
                    return match acquired {
                        Ok(connection) => Ok(connection),
                        Err(err) => {
                            if !probed {
                                self.probe().await?;
                            }
                            Err(errors::connecting(err, &self.settings.target()))
                        }
                    };
                }
                probe = &mut probe, if !probed => {
                    probe?;
                    probed = true;
                }
            }
        }
    }

    /// Connects and asks the server's version, timing one round trip.
    pub async fn test_connection(&self) -> Result<ServerCheck, EngineError> {
        let target = self.settings.target();
        let mut connection = self.acquire().await?;
        let started = Instant::now();
        let version: String = sqlx::query_scalar("SELECT version()")
            .fetch_one(&mut *connection)
            .await
            .map_err(|e| errors::from_sqlx(e, None, &target))?;
        Ok(ServerCheck {
            version,
            latency: started.elapsed(),
        })
    }

    /// The columns `statement` would return, by name and Arrow type, from the server's
    /// description of it (nothing runs). A numeric without a declared scale shows scale 0:
    /// a run reads its scale from the values.
    pub async fn output_columns(
        &self,
        statement: &Statement,
    ) -> Result<Vec<(String, DataType)>, EngineError> {
        let bound = bind::bind(statement)?;
        refuse_writes(&bound.sql)?;
        let mut connection = self.acquire().await?;
        let columns = describe(
            &mut connection,
            &bound,
            &self.settings.target(),
            &self.typmods,
        )
        .await?;
        Ok(columns
            .into_iter()
            .map(|(name, kind)| (name, kind.data_type()))
            .collect())
    }

    async fn start(&self, statement: &Statement) -> Result<ResultStream, EngineError> {
        let target = self.settings.target();
        let bound = bind::bind(statement)?;
        refuse_writes(&bound.sql)?;
        let mut connection = self.acquire().await?;
        let pid = match begin(&mut connection).await {
            Ok(pid) => pid,
            Err(err) => {
                connection.close_on_drop();
                return Err(errors::from_sqlx(err, None, &target));
            }
        };
        let canceller = Canceller {
            pool: self.pool().await.clone(),
            options: self.settings.connect_options(),
            pid,
        };
        let (sender, mut receiver) = mpsc::channel(2);
        let typmods = Arc::clone(&self.typmods);
        tokio::spawn(stream_rows(
            connection, bound, sender, canceller, target, typmods,
        ));
        let schema = match receiver.recv().await {
            Some(Ok(Message::Schema(schema))) => schema,
            Some(Err(err)) => return Err(err),
            Some(Ok(Message::Batch(_))) | None => {
                return Err(EngineError::Query {
                    message: "the query ended before it described its columns".to_owned(),
                });
            }
        };
        let batches = futures::stream::unfold(receiver, |mut receiver| async move {
            let message = receiver.recv().await?;
            Some((
                message.and_then(|m| match m {
                    Message::Batch(batch) => Ok(batch),
                    Message::Schema(_) => Err(EngineError::Query {
                        message: "the query described its columns twice".to_owned(),
                    }),
                }),
                receiver,
            ))
        });
        Ok(ResultStream {
            schema,
            batches: batches.boxed(),
        })
    }

    async fn check_statement(&self, statement: &Statement) -> Option<PlanProblem> {
        let bound = match bind::bind(statement) {
            Ok(bound) => bound,
            Err(err) => return Some(PlanProblem::Other(err.to_string())),
        };
        let mut connection = self.acquire().await.ok()?;
        // The server's word first (a typo in `SELECT` is a syntax error), then whether it
        // only reads: preparing a statement runs nothing.
        match describe(
            &mut connection,
            &bound,
            &self.settings.target(),
            &self.typmods,
        )
        .await
        {
            Ok(_) => refuse_writes(&bound.sql)
                .err()
                .map(|err| PlanProblem::Other(err.to_string())),
            // Several statements, say, are a syntax error to the server: saying why in the
            // template's words is clearer.
            Err(err) => match read_only::writes_within(&bound.sql) {
                Err(refusal) => Some(PlanProblem::Other(refusal.to_string())),
                Ok(()) => errors::plan_problem(err),
            },
        }
    }
}

impl Connector for PostgresConnector {
    fn run<'a>(
        &'a self,
        statement: &'a Statement,
    ) -> BoxFuture<'a, Result<ResultStream, EngineError>> {
        Box::pin(self.start(statement))
    }

    /// A server's data cannot be fingerprinted cheaply: never reused by content.
    fn fingerprint<'a>(
        &'a self,
        _statement: &'a Statement,
    ) -> BoxFuture<'a, Result<Option<String>, EngineError>> {
        Box::pin(async { Ok(None) })
    }

    fn check<'a>(&'a self, statement: &'a Statement) -> BoxFuture<'a, Option<PlanProblem>> {
        Box::pin(self.check_statement(statement))
    }

    /// The server's description of the prepared statement (`output_columns`).
    fn describe<'a>(
        &'a self,
        statement: &'a Statement,
    ) -> BoxFuture<'a, Result<Schema, EngineError>> {
        Box::pin(async move {
            let columns = self.output_columns(statement).await?;
            let fields: Vec<Field> = columns
                .into_iter()
                .map(|(name, data_type)| Field::new(name, data_type, true))
                .collect();
            Ok(Schema::new(fields))
        })
    }

    /// The tables and views of the schemas its SQL reads (`catalog.rs`).
    fn shapes(&self) -> BoxFuture<'_, Result<Vec<TableShape>, EngineError>> {
        Box::pin(self.catalog_shapes())
    }
}

/// Opens the query's READ ONLY transaction and tells the backend's process id (to cancel).
async fn begin(connection: &mut PgConnection) -> Result<i32, sqlx::Error> {
    let rows = sqlx::raw_sql("BEGIN READ ONLY; SELECT pg_backend_pid()")
        .fetch_all(&mut *connection)
        .await?;
    rows.first()
        .ok_or_else(|| sqlx::Error::Protocol("no backend process id".to_owned()))?
        .try_get::<i32, _>(0)
}

/// Declared numeric types of table columns: (table oid, column number) → typmod.
type Typmods = Mutex<HashMap<(u32, i16), i32>>;

/// Prepares `bound` (nothing runs) and reads its columns' kinds; a numeric column of a
/// table brings its declared precision and scale (asked once per table, then kept).
async fn describe(
    connection: &mut PgConnection,
    bound: &Bound,
    target: &str,
    typmods: &Typmods,
) -> Result<Vec<(String, Kind)>, EngineError> {
    let types = bound.types();
    let statement = connection
        .prepare_with(
            sqlx::SqlSafeStr::into_sql_str(sqlx::AssertSqlSafe(bound.sql.clone())),
            &types,
        )
        .await
        .map_err(|e| errors::from_sqlx(e, Some(bound), target))?;
    let columns = sqlx::Statement::columns(&statement);
    let origin =
        |c: &sqlx::postgres::PgColumn| Some((c.relation_id()?.0, c.relation_attribute_no()?));
    let known = |key: &(u32, i16)| typmods.lock().is_ok_and(|t| t.contains_key(key));
    let mut tables: Vec<i64> = columns
        .iter()
        .filter(|c| {
            c.type_info()
                .oid()
                .is_some_and(|oid| oid.0 == oids::NUMERIC || oid.0 == oids::NUMERIC_ARRAY)
        })
        .filter_map(origin)
        .filter(|key| !known(key))
        .map(|(table, _)| i64::from(table))
        .collect();
    tables.dedup();
    if !tables.is_empty() {
        let found: Vec<(i64, i32, i32)> = sqlx::query_as(
            "SELECT attrelid::int8, attnum::int4, atttypmod FROM pg_catalog.pg_attribute \
             WHERE attrelid::int8 = ANY($1) AND attnum > 0",
        )
        .bind(tables)
        .fetch_all(&mut *connection)
        .await
        .map_err(|e| errors::from_sqlx(e, None, target))?;
        if let Ok(mut kept) = typmods.lock() {
            for (table, number, typmod) in found {
                if let (Ok(table), Ok(number)) = (u32::try_from(table), i16::try_from(number)) {
                    kept.insert((table, number), typmod);
                }
            }
        }
    }
    let kept = typmods.lock().map(|t| t.clone()).unwrap_or_default();
    columns
        .iter()
        .map(|column| {
            let name = column.name().to_owned();
            let typmod = origin(column)
                .and_then(|key| kept.get(&key).copied())
                .unwrap_or(-1);
            let kind = column
                .type_info()
                .oid()
                .and_then(|oid| Kind::of(oid.0, typmod))
                .ok_or_else(|| EngineError::Query {
                    message: format!(
                        "column `{name}` has PostgreSQL type `{}`, which Flowloom does not \
                         read: cast it in the SQL (e.g. `{name}::text`)",
                        column.type_info().name().to_lowercase()
                    ),
                })?;
            Ok((name, kind))
        })
        .collect()
}

type Sent = Result<Message, EngineError>;

/// Stops a backend's query from another connection.
struct Canceller {
    pool: PgPool,
    options: PgConnectOptions,
    pid: i32,
}

impl Canceller {
    async fn cancel(&self) {
        if let Some(mut connection) = self.pool.try_acquire()
            && self.cancel_on(&mut connection).await
        {
            return;
        }
        if let Ok(Ok(mut connection)) =
            tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect_with(&self.options)).await
        {
            self.cancel_on(&mut connection).await;
            let _ = connection.close().await;
        }
    }

    /// Asks the server on `connection` to cancel the query; whether it answered.
    async fn cancel_on(&self, connection: &mut PgConnection) -> bool {
        let cancel = sqlx::query_scalar::<_, bool>("SELECT pg_cancel_backend($1)")
            .bind(self.pid)
            .fetch_one(connection);
        tokio::time::timeout(CLEANUP_TIMEOUT, cancel)
            .await
            .is_ok_and(|r| r.is_ok())
    }
}

/// Runs `bound` on `connection` (its READ ONLY transaction open), sends its schema then its
/// batches, and ends the transaction; the connection goes back to the pool only in a known
/// state.
async fn stream_rows(
    mut connection: PoolConnection<Postgres>,
    bound: Bound,
    sender: mpsc::Sender<Sent>,
    canceller: Canceller,
    target: String,
    typmods: Arc<Typmods>,
) {
    // `produce` drops the sender as it returns: the stream ends before the transaction does.
    let outcome = produce(&mut connection, &bound, sender, &target, &typmods).await;
    if outcome == Outcome::Cancelled {
        canceller.cancel().await;
    }
    let usable = outcome != Outcome::Broken
        && tokio::time::timeout(
            CLEANUP_TIMEOUT,
            sqlx::raw_sql("ROLLBACK").execute(&mut *connection),
        )
        .await
        .is_ok_and(|r| r.is_ok());
    if !usable {
        connection.close_on_drop();
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Done,
    /// The receiver went away: the query must be stopped on the server.
    Cancelled,
    /// The connection is lost or in an unknown state.
    Broken,
}

/// Whether an error leaves the connection unusable.
fn breaks(err: &EngineError) -> bool {
    matches!(err, EngineError::Connection { .. })
}

async fn produce(
    connection: &mut PgConnection,
    bound: &Bound,
    sender: mpsc::Sender<Sent>,
    target: &str,
    typmods: &Typmods,
) -> Outcome {
    let sender = &sender;
    let fail = |err: EngineError| async move {
        let outcome = if breaks(&err) {
            Outcome::Broken
        } else {
            Outcome::Done
        };
        if sender.send(Err(err)).await.is_err() {
            return Outcome::Cancelled.max_with(outcome);
        }
        outcome
    };
    let kinds = match describe(connection, bound, target, typmods).await {
        Ok(kinds) => kinds,
        Err(err) => return fail(err).await,
    };
    let mut query = sqlx::query(sqlx::AssertSqlSafe(bound.sql.clone()));
    for param in &bound.params {
        query = query.bind(param.clone());
    }
    let mut rows = query.fetch(&mut *connection);
    let mut batch = Batcher::new(kinds);
    if let Some(schema) = batch.schema()
        && sender
            .send(Ok(Message::Schema(schema.clone())))
            .await
            .is_err()
    {
        return Outcome::Cancelled;
    }
    loop {
        let next = tokio::select! {
            biased;
            () = sender.closed() => return Outcome::Cancelled,
            row = rows.next() => row,
        };
        let full = match next {
            None => break,
            Some(Err(err)) => {
                drop(rows);
                return fail(errors::from_sqlx(err, Some(bound), target)).await;
            }
            Some(Ok(row)) => batch.push(row),
        };
        match full {
            Ok(messages) => {
                for message in messages {
                    if sender.send(Ok(message)).await.is_err() {
                        return Outcome::Cancelled;
                    }
                }
            }
            Err(err) => {
                drop(rows);
                // The rest of the rows are not wanted: stop the query.
                let _ = sender.send(Err(err)).await;
                return Outcome::Cancelled;
            }
        }
    }
    drop(rows);
    match batch.finish() {
        Ok(messages) => {
            for message in messages {
                if sender.send(Ok(message)).await.is_err() {
                    return Outcome::Done;
                }
            }
            Outcome::Done
        }
        Err(err) => fail(err).await,
    }
}

impl Outcome {
    /// The worse of two outcomes for the connection.
    fn max_with(self, other: Outcome) -> Outcome {
        if other == Outcome::Broken {
            Outcome::Broken
        } else {
            self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_is_never_shown() {
        let settings = PostgresSettings {
            host: "db".into(),
            port: 5432,
            database: "d".into(),
            user: "u".into(),
            password: Some("s3cret-pw".into()),
            sslmode: SslMode::Prefer,
            ssl_root_cert: None,
            search_path: None,
            pool_size: 2,
            statement_timeout: None,
        };
        let shown = format!(
            "{settings:?} {:?}",
            PostgresConnector::new(settings.clone())
        );
        assert!(!shown.contains("s3cret-pw"), "{shown}");
        assert!(shown.contains("<hidden>"), "{shown}");
    }
}
