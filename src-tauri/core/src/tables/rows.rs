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

/// Row `row` as cells in `schema`'s column order, defaults filled in; or every problem with it.
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
        if schema.column(name).is_none() {
            problems.push(problem(name, "the table has no such column".into()));
        }
    }
    let mut cells = Vec::with_capacity(schema.columns.len());
    for column in &schema.columns {
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
