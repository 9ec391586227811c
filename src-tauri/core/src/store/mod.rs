//! The workspace database: one SQLite file (`flowloom.db`) opened through sqlx, migrated on
//! open, one module per aggregate.
//!
//! Invariants: foreign keys are on for every connection; every multi-row write is one
//! transaction; errors come back typed ([`StoreError`]) with the constraint that was broken,
//! never as strings.

mod error;
mod flow_rows;
mod flows;
mod gallery;
mod runs;
mod schedules;
mod sources;
mod table_changes;
mod table_imports;
mod table_rows;
mod table_writes;
mod tables;
mod templates;
mod tx;
mod versions;
mod workspace_meta;

pub use error::{Entity, StoreError};
pub use runs::INTERRUPTED;
pub use schedules::FinishedRun;
pub use table_imports::{FileImport, ImportReport, SkippedRow};
pub use table_rows::RowsPage;
pub use tx::StoreTx;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};
use std::path::Path;
use std::time::Duration;

/// Who is working, for the "who" of history entries: the operating system's user.
pub fn os_user() -> Option<String> {
    ["USER", "USERNAME"]
        .iter()
        .find_map(|var| std::env::var(var).ok().filter(|u| !u.is_empty()))
}

/// The schema, embedded: `migrations/` at the repository root.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations");

/// How every write transaction begins (see [`Store::begin_write`]).
pub(crate) const BEGIN_WRITE: &str = "BEGIN IMMEDIATE";

/// How much of the database file each connection maps into memory to read it (256 MiB).
const MMAP_SIZE: u64 = 256 << 20;

/// A handle on one workspace database. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
    /// The workspace's data folder, whose files' names data tables may not take.
    data_dir: Option<std::sync::Arc<std::path::PathBuf>>,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .foreign_keys(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            // Pages are read through a memory map rather than copied in by `pread`: each
            // connection starts with an empty page cache, and a command opens two or three.
            .pragma("mmap_size", MMAP_SIZE.to_string());
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            // A connection goes back to the pool only after a round trip to its thread, so
            // the query after another opened a new one on the spot (~1-2 ms, with the schema
            // read below); the pool opens them in the background instead. A run's start
            // holds three at once: the check for another process's run, the read of the
            // results earlier runs keep, and the write recording the run.
            .min_connections(3)
            // A connection to a local file does not go stale between uses: checking it with a
            // round trip to its thread before every use only made each query wait for one.
            .test_before_acquire(false)
            // A connection reads the schema (50-odd tables, indexes and triggers: ~1-2 ms)
            // the first time a statement names a table. Read as it opens, that is off the
            // critical path for the connection the pool opens in the background, instead of
            // falling on whichever write first uses it (a run's node records).
            .after_connect(|conn, _| {
                Box::pin(async move {
                    sqlx::query("SELECT count(*) FROM sqlite_schema")
                        .execute(conn)
                        .await
                        .map(drop)
                })
            })
            .connect_with(options)
            .await
            .map_err(|source| StoreError::Open {
                path: path.to_owned(),
                source,
            })?;
        MIGRATOR.run(&pool).await?;
        let store = Self {
            pool,
            data_dir: None,
        };
        // Data tables made before decimals were stored exactly (a forward step SQL alone
        // cannot take: each value is made exact in Rust).
        store
            .upgrade_decimal_storage()
            .await
            .map_err(|err| match err {
                crate::tables::TableError::Store(err) => err,
                other => StoreError::Upgrade(other.to_string()),
            })?;
        Ok(store)
    }

    /// This store with the workspace's data folder (`data/`): a data table may not take the
    /// name of a file there, which queries would read instead of the table.
    pub fn with_data_dir(mut self, dir: std::path::PathBuf) -> Self {
        self.data_dir = Some(std::sync::Arc::new(dir));
        self
    }

    /// Refuses `name` for a data table when a data file has it (see [`Store::with_data_dir`]).
    pub(crate) fn check_name_free(&self, name: &str) -> Result<(), crate::tables::TableError> {
        match self
            .data_dir
            .as_deref()
            .and_then(|dir| crate::tables::data_file_named(dir, name))
        {
            Some(file) => Err(crate::tables::TableError::NameTakenByFile {
                name: name.to_owned(),
                file: format!(
                    "data/{}",
                    file.file_name().unwrap_or_default().to_string_lossy()
                ),
            }),
            None => Ok(()),
        }
    }

    /// The templates every workspace has from its creation (the data-table template
    /// `tpl_data_table`), read from the migrations run on a database in memory: a flow file
    /// checked without a workspace may use them without carrying them.
    pub async fn builtin_templates() -> Result<Vec<crate::model::TemplateDetail>, StoreError> {
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(
                SqliteConnectOptions::new()
                    .in_memory(true)
                    .foreign_keys(true),
            )
            .await?;
        MIGRATOR.run(&pool).await?;
        let store = Self {
            pool,
            data_dir: None,
        };
        let templates = store.list_templates().await;
        store.close().await;
        templates
    }

    /// A write transaction, holding SQLite's write lock from its start (waiting its turn,
    /// up to the busy timeout). A deferred transaction takes the lock at its first write; if
    /// it read first and another connection committed meanwhile, SQLite refuses it at once
    /// with "database is locked" (its snapshot is stale; the busy timeout does not apply) —
    /// which a run recording its nodes while a data-table node writes would meet.
    pub(crate) async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        self.pool.begin_with(BEGIN_WRITE).await
    }

    /// The underlying pool, for modules of this crate and for tests that need to write a
    /// row no API writes yet.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}
