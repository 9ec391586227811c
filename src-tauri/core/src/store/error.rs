//! The store's typed errors, and how SQLite's constraint failures map onto them.

use std::fmt;
use std::path::PathBuf;

/// What kind of thing a store error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    Template,
    Flow,
    Version,
    Run,
    Schedule,
    GalleryFlow,
    Source,
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Template => "template",
            Self::Flow => "flow",
            Self::Version => "flow version",
            Self::Schedule => "schedule",
            Self::GalleryFlow => "gallery flow",
            Self::Run => "run",
            Self::Source => "data source",
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{entity} `{id}` was not found")]
    NotFound { entity: Entity, id: String },

    #[error("{entity} `{id}` already exists")]
    Conflict { entity: Entity, id: String },

    /// It cannot go while others depend on it (a data source templates run on).
    #[error("{entity} `{id}` is in use: {by}")]
    InUse {
        entity: Entity,
        id: String,
        by: String,
    },

    /// A schema rule refused the write. `constraint` is the rule's name: a named CHECK
    /// (`composition_id_format`), a unique key (`compositions.composition_id`), a trigger's
    /// message, or for foreign keys the name the writing code gives the reference
    /// (`connection_endpoints`), since SQLite does not say which one failed.
    #[error("{detail} (constraint `{constraint}`)")]
    Constraint { constraint: String, detail: String },

    #[error("stored {entity} `{id}` could not be read: {source}")]
    Corrupt {
        entity: Entity,
        id: String,
        source: serde_json::Error,
    },

    #[error("could not open the workspace database {}: {source}", path.display())]
    Open { path: PathBuf, source: sqlx::Error },

    #[error("could not bring the workspace database up to date: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),

    /// A data table could not be brought up to date (see `Store::upgrade_decimal_storage`).
    #[error("could not bring the workspace's data tables up to date: {0}")]
    Upgrade(String),

    #[error("database error: {0}")]
    Database(sqlx::Error),

    /// The process starting a run could not mark it as its own (see `engine::history`).
    #[error("could not claim run {run} for this process: {source}")]
    RunClaim { run: i64, source: std::io::Error },
}

impl StoreError {
    /// The broken constraint's name, if this is a constraint failure.
    pub fn constraint(&self) -> Option<&str> {
        match self {
            Self::Constraint { constraint, .. } => Some(constraint),
            _ => None,
        }
    }
}

/// SQLite's extended result code for a failure raised by a trigger (`RAISE(ABORT, …)`).
const SQLITE_CONSTRAINT_TRIGGER: &str = "1811";

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        let sqlx::Error::Database(db) = &err else {
            return Self::Database(err);
        };
        let message = db.message();
        // SQLite names the failed rule after the colon: "CHECK constraint failed: name",
        // "UNIQUE constraint failed: table.column, table.column".
        let named = |prefix: &str| message.strip_prefix(prefix).map(str::to_owned);
        let constraint = named("CHECK constraint failed: ")
            .or_else(|| named("UNIQUE constraint failed: "))
            .or_else(|| named("NOT NULL constraint failed: "))
            .or_else(|| (message == "FOREIGN KEY constraint failed").then(|| "foreign_key".into()))
            .or_else(|| {
                (db.code().as_deref() == Some(SQLITE_CONSTRAINT_TRIGGER)).then(|| message.into())
            });
        match constraint {
            Some(constraint) => Self::Constraint {
                constraint,
                detail: message.to_owned(),
            },
            None => Self::Database(err),
        }
    }
}

/// Maps a write's error, naming a foreign-key failure after the reference the caller was
/// writing (SQLite reports only that *some* foreign key failed).
pub(crate) fn naming_foreign_key(
    reference: &'static str,
    detail: impl FnOnce() -> String,
) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |err| match StoreError::from(err) {
        StoreError::Constraint { constraint, .. } if constraint == "foreign_key" => {
            StoreError::Constraint {
                constraint: reference.to_owned(),
                detail: detail(),
            }
        }
        other => other,
    }
}
