//! Data tables ("FlexDB"): tables users define at runtime, checked before they are created
//! (`schema`), stored as STRICT SQLite tables with their rules as constraints (`ddl`), their
//! rows checked cell by cell before they are written (`value`, `rows`). The store
//! (`store/tables.rs`) creates, lists and fills them in one transaction each. Files come in
//! through `import` (CSV, JSON, Parquet; a schema inferred from one). What a data-table
//! node asks (`operation`) and how a write matches rows (`write`) are rules here too.

pub mod computed;
pub mod ddl;
pub mod import;
pub mod operation;
pub mod rows;
pub mod schema;
pub(crate) mod value;
pub mod write;

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

    /// A write that would delete rows elsewhere through `on_delete: cascade` references,
    /// refused because the writer did not allow it.
    #[error(
        "writing `{table}` would delete {} row(s) of {} through their on_delete cascade reference to the rows it removes: nothing was written (allow it with `allow_cascade: true`)",
        cascaded.iter().map(|(_, n)| n).sum::<u64>(),
        cascaded.iter().map(|(t, n)| format!("`{t}` ({n})")).collect::<Vec<_>>().join(", ")
    )]
    WouldCascade {
        table: String,
        /// By table, how many of its rows would go.
        cascaded: Vec<(String, u64)>,
    },

    /// A write's key column cannot match rows (none given and none unique, not a column, …).
    #[error("{0}")]
    Key(String),

    /// A data file in the workspace's `data/` folder has the table's name: queries would read
    /// the file, not the table.
    #[error(
        "a data file has the name `{name}` ({file}): queries would read the file, not the table; rename the file or choose another table name"
    )]
    NameTakenByFile { name: String, file: String },

    #[error("table `{table}` is referred to by table `{by}`: drop or change that first")]
    ReferencedBy { table: String, by: String },

    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The data file of `data_dir` that a query would read as table `name` (`<name>.csv`,
/// `.parquet` or `.json`, as the data engine registers them), if there is one.
pub fn data_file_named(data_dir: &std::path::Path, name: &str) -> Option<std::path::PathBuf> {
    ["csv", "parquet", "json"]
        .iter()
        .map(|ext| data_dir.join(format!("{name}.{ext}")))
        .find(|path| path.is_file())
}

/// The names the data files of `data_dir` give tables (each file's stem), for checks that a
/// data table does not share one.
pub fn data_file_names(data_dir: &std::path::Path) -> std::collections::BTreeSet<String> {
    let Ok(entries) = std::fs::read_dir(data_dir) else {
        return std::collections::BTreeSet::new();
    };
    entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && p.extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| matches!(e, "csv" | "parquet" | "json"))
        })
        .filter_map(|p| p.file_stem().and_then(|s| s.to_str()).map(str::to_owned))
        .collect()
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
