//! Data tables ("FlexDB"): tables users define at runtime, checked before they are created
//! (`schema`), stored as STRICT SQLite tables with their rules as constraints (`ddl`), their
//! rows checked cell by cell before they are written (`value`, `rows`). The store
//! (`store/tables.rs`) creates, lists and fills them in one transaction each. Files come in
//! through `import` (CSV, JSON, Parquet; a schema inferred from one).

pub mod computed;
pub mod ddl;
pub mod import;
pub mod rows;
pub mod schema;
pub(crate) mod value;

pub use rows::RowProblem;
pub use schema::SchemaProblem;

use crate::store::StoreError;

/// Why a table operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    #[error("there is no table `{0}`")]
    NotFound(String),

    #[error("table `{table}` has no row {id}")]
    RowNotFound { table: String, id: i64 },

    /// A browse asked for a column the table does not have, or a value it cannot hold.
    #[error("{0}")]
    Query(String),

    #[error("a table named `{0}` already exists")]
    Exists(String),

    #[error("the table definition has {} problem(s): {}", .0.len(), join(.0))]
    Schema(Vec<SchemaProblem>),

    #[error("{} problem(s) in the rows, nothing was written: {}", .0.len(), join(.0))]
    Rows(Vec<RowProblem>),

    /// A schema change the stored rows would break: how many rows, and the first few
    /// problems (`row` is the row's `_id`).
    #[error("{offending} row(s) would break the new schema, nothing was changed: {}", join(.sample))]
    Breaks {
        offending: u64,
        sample: Vec<RowProblem>,
    },

    #[error(
        "rows of `{0}` are still referred to by other rows (on_delete restrict): nothing was deleted"
    )]
    Referenced(String),

    #[error("could not export the table: {0}")]
    Export(String),

    #[error("cannot import {0}")]
    Source(#[from] import::SourceError),

    #[error("table `{table}` is referred to by table `{by}`: drop or change that first")]
    ReferencedBy { table: String, by: String },

    #[error(transparent)]
    Store(#[from] StoreError),
}

fn join<T: std::fmt::Display>(items: &[T]) -> String {
    let shown: Vec<String> = items.iter().take(5).map(ToString::to_string).collect();
    let more = items.len().saturating_sub(5);
    if more > 0 {
        format!("{}; and {more} more", shown.join("; "))
    } else {
        shown.join("; ")
    }
}

impl From<sqlx::Error> for TableError {
    fn from(err: sqlx::Error) -> Self {
        Self::Store(err.into())
    }
}
