//! Writing templates: what is wrong with a template's SQL as it is typed (a `{{placeholder}}`
//! no parameter declares, a declared parameter the SQL never uses, a placeholder inside
//! quotes, a `{{` never closed), each with where it is; a test run of a template alone
//! with sample values, giving its rows and the output columns it really returns; and those
//! columns without running it, from its source's description of its SQL.

use crate::engine::results::Page;
use crate::engine::{Connector, EngineError};
use crate::model::{OutputColumn, ScalarType, Template, TemplateKind};
use crate::render::{self, RenderError, Statement};
use crate::value::Value;
use datafusion::arrow::datatypes::{DataType, Schema};
use futures::TryStreamExt;
use serde::Serialize;
use serde_json::Value as Json;
use std::collections::BTreeMap;

/// A problem in a template's SQL, where the editor should mark it: `from..to` in UTF-16
/// code units (what JavaScript strings count).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct SqlProblem {
    pub from: u32,
    pub to: u32,
    /// An error stops the template from running; a warning does not.
    pub error: bool,
    pub message: String,
}

/// Every problem with `template`'s SQL against its declared parameters.
pub fn sql_problems(template: &Template) -> Vec<SqlProblem> {
    if template.kind == TemplateKind::DataTable {
        return Vec::new();
    }
    let sql = &template.sql;
    let at = |byte: usize| {
        u32::try_from(sql[..byte.min(sql.len())].encode_utf16().count()).unwrap_or(u32::MAX)
    };
    let found = match render::placeholders(sql) {
        Ok(found) => found,
        Err(err) => {
            // The error counts from 1, for people; positions count from 0.
            let offset = match &err {
                RenderError::Unclosed { offset } => offset.saturating_sub(1),
                _ => 0,
            };
            return vec![SqlProblem {
                from: at(offset),
                to: at(sql.len()),
                error: true,
                message: err.to_string(),
            }];
        }
    };
    let mut problems = Vec::new();
    for placeholder in &found {
        let message = if placeholder.quoted {
            format!(
                "`{{{{{}}}}}` sits inside a quoted text or name, where it cannot be bound: write it on its own",
                placeholder.name
            )
        } else if template.parameter(&placeholder.name).is_none() {
            format!(
                "`{{{{{}}}}}` names no declared parameter: declare `{}` or fix the name",
                placeholder.name, placeholder.name
            )
        } else {
            continue;
        };
        problems.push(SqlProblem {
            from: at(placeholder.start),
            to: at(placeholder.end),
            error: true,
            message,
        });
    }
    for spec in &template.parameters {
        if found.iter().all(|p| p.name != spec.name) {
            problems.push(SqlProblem {
                from: 0,
                to: 0,
                error: false,
                message: format!(
                    "parameter `{}` is declared but the SQL never uses it",
                    spec.name
                ),
            });
        }
    }
    problems
}

/// What a test run gave: a first page of rows and the columns the result really has.
#[derive(Debug)]
pub struct TestRun {
    pub page: Page,
    /// The result's columns as output columns (the types a template declares).
    pub columns: Vec<OutputColumn>,
    /// The SQL as run, with where values were bound.
    pub sql: String,
}

/// Why a template's test run gave no rows, or its columns could not be told: its sample
/// values (the editor points at the parameter), its SQL, or the engine running it.
#[derive(Debug, thiserror::Error)]
pub enum TestRunError {
    #[error("a data-table template works on tables when its flow runs: it has no SQL to test")]
    NoSql,
    #[error("parameter `{name}` needs a sample value")]
    MissingValue { name: String },
    #[error("parameter `{name}`: {why}")]
    BadValue { name: String, why: String },
    #[error(transparent)]
    Sql(#[from] RenderError),
    #[error(transparent)]
    Engine(#[from] EngineError),
}

impl TestRunError {
    /// The parameter whose sample value is the problem, if it is one.
    pub fn parameter(&self) -> Option<&str> {
        match self {
            Self::MissingValue { name } | Self::BadValue { name, .. } => Some(name),
            _ => None,
        }
    }
}

/// Runs `template` alone on `engine` with `values` (by parameter; defaults fill the rest),
/// keeping the first `limit` rows.
pub async fn test_run(
    engine: &dyn Connector,
    template: &Template,
    values: &BTreeMap<String, Json>,
    limit: usize,
) -> Result<TestRun, TestRunError> {
    let statement = statement(template, values, true)?;
    // The data as it is now: a data file changed since the last run is read again (a CSV
    // file's parsed copy made anew), without moving the clock of runs in progress.
    engine.refresh_tables().await;
    let stream = engine.run(&statement).await?;
    let schema = stream.schema.clone();
    let mut batches = Vec::new();
    let mut rows = 0;
    let mut more = stream.batches;
    while rows < limit {
        let Some(batch) = more.try_next().await? else {
            break;
        };
        let keep = batch.num_rows().min(limit - rows);
        rows += keep;
        batches.push(batch.slice(0, keep));
    }
    drop(more);
    let columns = columns_of(&schema);
    Ok(TestRun {
        page: Page {
            schema,
            batches,
            total_rows: rows as u64,
        },
        columns,
        sql: statement.to_string(),
    })
}

/// The output columns `template` returns on `engine`, from the engine's description of
/// its SQL (`Connector::describe`: DataFusion plans it, PostgreSQL prepares it): nothing
/// runs and no row is read. `values` as for a test run, but a parameter without one is
/// NULL: the columns do not depend on the values.
pub async fn output_columns(
    engine: &dyn Connector,
    template: &Template,
    values: &BTreeMap<String, Json>,
) -> Result<Vec<OutputColumn>, TestRunError> {
    let statement = statement(template, values, false)?;
    engine.refresh_tables().await;
    let schema = engine.describe(&statement).await?;
    Ok(columns_of(&schema))
}

/// `template`'s SQL rendered with `values` (by parameter; defaults fill the rest, then
/// NULL unless a required value is `needed`).
fn statement(
    template: &Template,
    values: &BTreeMap<String, Json>,
    needed: bool,
) -> Result<Statement, TestRunError> {
    if template.kind == TemplateKind::DataTable {
        return Err(TestRunError::NoSql);
    }
    let mut typed = BTreeMap::new();
    for spec in &template.parameters {
        let value = match values.get(&spec.name).or(spec.default.as_ref()) {
            Some(json) => Value::from_json(spec.value_type, spec.list, json).map_err(|why| {
                TestRunError::BadValue {
                    name: spec.name.clone(),
                    why,
                }
            })?,
            None if spec.required && needed => {
                return Err(TestRunError::MissingValue {
                    name: spec.name.clone(),
                });
            }
            None => Value::Null,
        };
        typed.insert(spec.name.clone(), value);
    }
    Ok(render::render(&template.sql, &template.parameters, &typed)?)
}

/// A result's columns as the output columns a template declares.
fn columns_of(schema: &Schema) -> Vec<OutputColumn> {
    schema
        .fields()
        .iter()
        .map(|f| OutputColumn {
            name: f.name().clone(),
            value_type: scalar_type(f.data_type()),
        })
        .collect()
}

/// The parameter type an Arrow column reads as.
fn scalar_type(data_type: &DataType) -> ScalarType {
    use DataType as D;
    match data_type {
        D::Boolean => ScalarType::Boolean,
        D::Int8 | D::Int16 | D::Int32 | D::Int64 | D::UInt8 | D::UInt16 | D::UInt32 | D::UInt64 => {
            ScalarType::Integer
        }
        D::Float16 | D::Float32 | D::Float64 | D::Decimal128(..) | D::Decimal256(..) => {
            ScalarType::Decimal
        }
        D::Date32 | D::Date64 => ScalarType::Date,
        D::Timestamp(..) => ScalarType::Datetime,
        D::Struct(_) | D::List(_) | D::LargeList(_) | D::Map(..) => ScalarType::Json,
        _ => ScalarType::String,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn template(sql: &str, parameters: Json) -> Template {
        serde_json::from_value(json!({
            "template_id": "tpl_t", "name": "T", "sql": sql, "parameters": parameters
        }))
        .expect("template")
    }

    #[test]
    fn placeholders_and_parameters_are_checked_against_each_other() {
        let t = template(
            "SELECT * FROM ads WHERE day >= {{since}} AND name = '{{who}} x' AND n < {{limt}}",
            json!([{ "name": "since", "type": "date" }, { "name": "who", "type": "string" },
                   { "name": "limit", "type": "integer" }]),
        );
        let problems = sql_problems(&t);
        let shown: Vec<(u32, u32, bool, &str)> = problems
            .iter()
            .map(|p| (p.from, p.to, p.error, p.message.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                (
                    53,
                    60,
                    true,
                    "`{{who}}` sits inside a quoted text or name, where it cannot be bound: write it on its own"
                ),
                (
                    72,
                    80,
                    true,
                    "`{{limt}}` names no declared parameter: declare `limt` or fix the name"
                ),
                (
                    0,
                    0,
                    false,
                    "parameter `limit` is declared but the SQL never uses it"
                ),
            ]
        );
    }

    #[test]
    fn positions_count_as_javascript_does_and_an_unclosed_brace_is_marked_to_the_end() {
        let t = template(
            "SELECT '😀', {{x}} FROM t WHERE {{y",
            json!([{ "name": "x", "type": "integer" }]),
        );
        let problems = sql_problems(&t);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.contains("never closed"), "{problems:?}");
        // The emoji is one char but two UTF-16 units: `{{y` starts at unit 32.
        assert_eq!((problems[0].from, problems[0].to), (32, 35));
    }
}
