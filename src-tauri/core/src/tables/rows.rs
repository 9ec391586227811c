//! A row written to a data table, checked against its schema: every broken rule is named by
//! row and column, and a good row becomes its cells in the schema's column order.

use crate::model::TableSchema;
use crate::tables::value::{self, Cell};
use serde_json::{Map, Value};
use std::fmt;

/// One broken rule: which row (counted from 1, as the user gave them), which column, what.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, specta::Type)]
pub struct RowProblem {
    pub row: u64,
    pub column: String,
    pub message: String,
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "row {}, column `{}`: {}",
            self.row, self.column, self.message
        )
    }
}

/// `row` without values for `schema`'s computed columns (a row read back, or a file's row:
/// the table computes those itself).
pub fn without_computed(schema: &TableSchema, row: &mut Map<String, Value>) {
    row.retain(|name, _| !schema.column(name).is_some_and(|c| c.is_computed()));
}

/// Row `row` as cells in the order of `schema`'s stored columns, defaults filled in; or
/// every problem with it.
pub fn check_row(
    schema: &TableSchema,
    row: u64,
    values: &Map<String, Value>,
) -> Result<Vec<Cell>, Vec<RowProblem>> {
    let mut problems = Vec::new();
    let problem = |column: &str, message: String| RowProblem {
        row,
        column: column.to_owned(),
        message,
    };
    for name in values.keys() {
        match schema.column(name) {
            None => problems.push(problem(name, "the table has no such column".into())),
            Some(c) if c.is_computed() => problems.push(problem(
                name,
                "is computed from other columns: it cannot be written".into(),
            )),
            Some(_) => {}
        }
    }
    let mut cells = Vec::with_capacity(schema.columns.len());
    for column in schema.stored_columns() {
        let given = values.get(&column.name).filter(|v| !v.is_null());
        let value = given
            .or(column.default_value.as_ref())
            .unwrap_or(&Value::Null);
        let cell = match value::convert(column.data_type, value) {
            Ok(cell) => cell,
            Err(err) => {
                problems.push(problem(&column.name, err));
                continue;
            }
        };
        if cell == Cell::Null {
            if column.required {
                problems.push(problem(&column.name, "is required".into()));
            }
        } else if let Some(misfit) = value::decimal_misfit(column, &cell) {
            problems.push(problem(&column.name, misfit));
        } else {
            problems.extend(
                value::broken_rules(column, &cell)
                    .into_iter()
                    .map(|rule| problem(&column.name, rule)),
            );
        }
        cells.push(cell);
    }
    if problems.is_empty() {
        Ok(cells)
    } else {
        Err(problems)
    }
}
