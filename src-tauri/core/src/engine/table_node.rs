//! Data-table nodes (seed 000's `flex-table`): a node of a data-table template works on a
//! data table instead of running SQL. Its parameters say what to do:
//!
//! | operation | does | outcome |
//! | --- | --- | --- |
//! | `create` | makes `table_name` with `columns` | `success`; `exists` when the name is taken |
//! | `get` | reads the table's facts | `success`; `not_found` |
//! | `list` | one row per table | `success` |
//! | `write` | writes the result of the node connected to it: `mode` `append` (after the stored rows), `upsert` (a row whose unique `key` a stored row has updates that row, keeping its `_id` and the rows referring to it; the others are added) or `replace` (the result becomes the table's rows: a stored row whose key the result keeps is updated in place, the others deleted) | `success`; a table that does not exist fails the node (its rows would be lost) |
//!
//! A write that would delete rows of other tables through an `on_delete: cascade` reference
//! (a replace dropping a row they refer to) fails, writing nothing, unless the node says
//! `allow_cascade: true`. What a write did (rows inserted, updated, deleted, deleted by
//! cascade) is kept on the node's record ([`TableWrite`]).
//!
//! Its result is one row per table it touched (`table_name`, `display_name`, `version`,
//! `row_count`, `rows_written`, `schema` as JSON), so later nodes can map from it. `exists`
//! and `not_found` complete the node, for a later condition to branch on
//! (`upstream.<id>.outcome == "exists"`); a definition or rows the table refuses fail it,
//! outcome `error`, with every problem named. Its work has side effects: never reused.

use super::Connector;
use super::mapping::column_values;
use super::report::{NodeError, NodeResult, Outcome};
use crate::model::{NodeOutcome, TableDetail, TableSchema, TableSummary, TableWrite};
use crate::store::Store;
use crate::tables::TableError;
use crate::tables::import::SourceRow;
use crate::tables::operation::Operation;
use datafusion::arrow::array::{ArrayRef, Int64Array, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::arrow::record_batch::RecordBatch;
use serde_json::{Map, Value as Json};
use std::sync::Arc;
use std::time::Instant;

/// Does `operation` on the workspace's data tables (`store`); `rows` is the result a write
/// writes. A create makes the new table visible to the nodes after it.
pub(super) async fn run(
    operation: Operation,
    rows: Option<Arc<NodeResult>>,
    store: Option<Store>,
    connector: Arc<dyn Connector>,
) -> Outcome {
    let started = Instant::now();
    let done = match store {
        Some(store) => work(&operation, rows.as_deref(), &store).await,
        None => Err("data tables live in a workspace; this run has none".to_owned()),
    };
    if matches!(operation, Operation::Create { .. }) && done.is_ok() {
        connector.refresh().await;
    }
    let (result, outcome, table_write) = match done {
        Ok((tables, outcome, write)) => (result_of(&tables), outcome, write),
        Err(why) => (Err(NodeError::Table(why)), NodeOutcome::Error, None),
    };
    // The node always runs; the nodes after it are keyed on what it came to.
    let cache_key = result.as_ref().ok().and_then(|result| {
        super::cache::of_table_node(&operation.to_string(), &outcome.to_string(), result)
    });
    Outcome {
        result,
        elapsed: started.elapsed(),
        attempts: 1,
        cache_key,
        outcome: Some(outcome),
        table_write,
    }
}

/// One row of a data-table node's result.
struct Touched {
    summary: TableSummary,
    schema: Option<TableSchema>,
    rows_written: u64,
}

impl From<TableDetail> for Touched {
    fn from(table: TableDetail) -> Self {
        Self {
            summary: table.summary,
            schema: Some(table.schema),
            rows_written: 0,
        }
    }
}

/// What a data-table node did: the tables it touched, its outcome, and what a write wrote.
type Done = (Vec<Touched>, NodeOutcome, Option<TableWrite>);

async fn work(
    operation: &Operation,
    rows: Option<&NodeResult>,
    store: &Store,
) -> Result<Done, String> {
    let user = crate::Workspace::user();
    let found = |table: Result<TableDetail, TableError>| match table {
        Ok(table) => Ok((vec![Touched::from(table)], NodeOutcome::Success, None)),
        Err(TableError::NotFound(_)) => Ok((Vec::new(), NodeOutcome::NotFound, None)),
        Err(err) => Err(err.to_string()),
    };
    match operation {
        Operation::Create { table, schema } => {
            match store.create_table(table, "", schema, user.as_deref()).await {
                Ok(created) => Ok((vec![created.into()], NodeOutcome::Success, None)),
                Err(TableError::Exists(_)) => {
                    let existing = store.get_table(table).await.map_err(|e| e.to_string())?;
                    Ok((vec![existing.into()], NodeOutcome::Exists, None))
                }
                Err(err) => Err(err.to_string()),
            }
        }
        Operation::Get { table } => found(store.get_table(table).await),
        Operation::List => {
            let tables = store.list_tables().await.map_err(|e| e.to_string())?;
            let touched = tables
                .into_iter()
                .map(|summary| Touched {
                    summary,
                    schema: None,
                    rows_written: 0,
                })
                .collect();
            Ok((touched, NodeOutcome::Success, None))
        }
        Operation::Write { table, options } => {
            let rows = rows.ok_or("write needs a node connected to it: its result is written")?;
            // A write into a table that does not exist used to complete, outcome `not_found`,
            // and the rows were lost without a failure: it fails the node (validation says it
            // first where the workspace is known).
            let written = match store.write_rows(table, source_rows(rows)?, options).await {
                Ok(written) => written,
                Err(TableError::NotFound(_)) => {
                    return Err(format!(
                        "table `{table}` does not exist, so the {} row(s) of the connected node were not written: create it first (flowloom tables create, or a create node before this one)",
                        rows.row_count
                    ));
                }
                Err(err) => return Err(err.to_string()),
            };
            let (mut touched, outcome, _) = found(store.get_table(table).await)?;
            let count = written.inserted + written.updated;
            touched.iter_mut().for_each(|t| t.rows_written = count);
            Ok((touched, outcome, Some(written)))
        }
    }
}

/// A result's rows as a write reads them, numbered from 1.
fn source_rows(result: &NodeResult) -> Result<impl Iterator<Item = SourceRow>, String> {
    let mut columns = Vec::new();
    for field in result.schema.fields() {
        let values = column_values(&result.schema, &result.batches, field.name())?;
        columns.push((field.name().clone(), values.into_iter()));
    }
    Ok((1..=result.row_count as u64).map(move |line| {
        let values: Map<String, Json> = columns
            .iter_mut()
            .map(|(name, values)| (name.clone(), values.next().unwrap_or(Json::Null)))
            .collect();
        SourceRow { line, values }
    }))
}

fn result_of(tables: &[Touched]) -> Result<NodeResult, NodeError> {
    let text = |f: &dyn Fn(&Touched) -> Option<String>| -> ArrayRef {
        Arc::new(tables.iter().map(f).collect::<StringArray>())
    };
    let number = |f: &dyn Fn(&Touched) -> u64| -> ArrayRef {
        Arc::new(
            tables
                .iter()
                .map(|t| i64::try_from(f(t)).unwrap_or(i64::MAX))
                .collect::<Int64Array>(),
        )
    };
    let schema = Arc::new(Schema::new(vec![
        Field::new("table_name", DataType::Utf8, false),
        Field::new("display_name", DataType::Utf8, false),
        Field::new("version", DataType::Int64, false),
        Field::new("row_count", DataType::Int64, false),
        Field::new("rows_written", DataType::Int64, false),
        Field::new("schema", DataType::Utf8, true),
    ]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            text(&|t| Some(t.summary.name.clone())),
            text(&|t| Some(t.summary.display_name.clone())),
            number(&|t| t.summary.version.into()),
            number(&|t| t.summary.rows),
            number(&|t| t.rows_written),
            text(&|t| {
                t.schema
                    .as_ref()
                    .and_then(|s| serde_json::to_string(s).ok())
            }),
        ],
    )?;
    Ok(NodeResult {
        schema,
        row_count: batch.num_rows(),
        batches: vec![batch],
    })
}
