//! How a write puts rows into a data table (append, replace, upsert by a unique key) and
//! which column it matches rows by: pure rules, asked by validation before a run and by the
//! store as it writes.

use crate::model::{Column, TableSchema, WriteMode};

/// How a write puts its rows into the table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteOptions {
    pub mode: WriteMode,
    /// The unique column rows are matched by (replace, upsert); by default the table's first
    /// unique column.
    pub key: Option<String>,
    /// Whether the write may delete rows of other tables through `on_delete: cascade`.
    pub allow_cascade: bool,
}

/// The column a write into table `name` (of `schema`) with `options` matches rows by: none
/// for append, nor for a replace of a table without a unique column (which replaces every
/// row); or why it cannot match by the one asked. Validation asks the same before a run.
pub fn write_key<'a>(
    name: &str,
    schema: &'a TableSchema,
    options: &WriteOptions,
) -> Result<Option<&'a Column>, String> {
    if options.mode == WriteMode::Append {
        return Ok(None);
    }
    let column = match &options.key {
        Some(key) => schema.column(key).ok_or_else(|| {
            format!("key `{key}`: table `{name}` has no such column to match rows by")
        })?,
        None => match schema.stored_columns().find(|c| c.unique) {
            Some(column) => column,
            None if options.mode == WriteMode::Replace => return Ok(None),
            None => {
                return Err(format!(
                    "upsert matches rows by a unique column, and table `{name}` has none: make one unique, or append"
                ));
            }
        },
    };
    if !column.unique || column.is_computed() {
        return Err(format!(
            "key `{}`: rows are matched by a unique column that rows give values to, and `{}` of table `{name}` is {}",
            column.name,
            column.name,
            if column.is_computed() {
                "computed"
            } else {
                "not unique"
            }
        ));
    }
    Ok(Some(column))
}
