//! Data-table nodes in whole flows on a real workspace: a flow creates a table, fills it
//! from a query's result and reads it back through DataFusion in the same run; the
//! outcomes `exists` and `not_found` complete the node and steer later conditions; rows the
//! table refuses fail the node with each problem named, writing nothing.

use crate::support::{run_manually, sample_workspace};
use flowloom_core::engine::LocalEngine;
use flowloom_core::engine::run::{FlowRun, NodeOutcome, NodeStatus, RunStatus};
use flowloom_core::model::RowsQuery;
use flowloom_core::validation::{self, Catalog};
use flowloom_core::{Flow, Template, Workspace};
use serde_json::{Value, json};
use std::sync::Arc;

/// Two SQL templates: the channels of the sample campaigns, and a count of a table's rows.
async fn add_templates(workspace: &Workspace) {
    for template in [
        json!({
            "template_id": "tpl_channels", "name": "Campaigns per channel",
            "sql": "SELECT channel, count(*) AS campaigns FROM campaigns GROUP BY channel",
            "output_columns": [{ "name": "channel", "type": "string" },
                               { "name": "campaigns", "type": "integer" }]
        }),
        json!({
            "template_id": "tpl_saved", "name": "Saved channels",
            "sql": "SELECT count(*) AS saved, sum(campaigns) AS campaigns FROM channel_counts"
        }),
    ] {
        let template: Template = serde_json::from_value(template).expect("a template");
        workspace
            .store()
            .insert_template(&template)
            .await
            .expect("insert");
    }
}

fn node(id: &str, template: &str, overrides: Value) -> Value {
    json!({ "node_id": id, "template_id": template, "parameter_overrides": overrides })
}

fn edge(id: &str, from: &str, to: &str) -> Value {
    json!({ "connection_id": id, "source_node_id": from, "target_node_id": to })
}

/// make (create) → counts (SQL) → save (write) → check (SQL over the new table); `fresh`
/// runs only when `make` made the table.
fn archive_flow(mode: &str) -> Flow {
    serde_json::from_value(json!({
        "composition": { "composition_id": "comp_archive", "name": "Archive channels" },
        "nodes": [
            node("make", "tpl_data_table", json!({
                "operation": "create", "table_name": "channel_counts",
                "columns": [
                    { "name": "channel", "data_type": "string", "required": true, "unique": true },
                    { "name": "campaigns", "data_type": "integer", "validation": { "min": 0 } }
                ]
            })),
            node("counts", "tpl_channels", json!({})),
            node("save", "tpl_data_table", json!({
                "operation": "write", "table_name": "channel_counts", "mode": mode
            })),
            node("check", "tpl_saved", json!({})),
            {
                "node_id": "fresh", "template_id": "tpl_saved",
                "is_conditional": true,
                "condition_expression": "upstream.make.outcome == \"success\""
            }
        ],
        "connections": [
            edge("c1", "make", "counts"),
            edge("c2", "counts", "save"),
            edge("c3", "save", "check"),
            edge("c4", "make", "fresh")
        ]
    }))
    .expect("a flow")
}

async fn run(workspace: &Workspace, engine: &Arc<LocalEngine>, flow: Flow) -> FlowRun {
    let catalog =
        Catalog::from_details(workspace.store().list_templates().await.expect("templates"));
    let store = workspace.store();
    if store
        .get_flow(&flow.composition.composition_id)
        .await
        .is_ok()
    {
        store.save_flow(&flow).await.expect("save");
    } else {
        store.create_flow(&flow).await.expect("create");
    }
    let validated = validation::validate(flow, &catalog).expect("valid");
    run_manually(workspace, engine, &validated).await.1
}

fn outcome(run: &FlowRun, id: &str) -> (NodeStatus, Option<NodeOutcome>) {
    let node = run.node(id).expect("ran");
    (node.status, node.outcome)
}

fn first_number(run: &FlowRun, id: &str, column: &str) -> i64 {
    let result = run
        .node(id)
        .and_then(|n| n.result.clone())
        .expect("a result");
    let batch = &result.batches[0];
    let array = batch.column(batch.schema().index_of(column).expect("column"));
    flowloom_core::engine::arrow::compute::cast(
        array,
        &flowloom_core::engine::arrow::datatypes::DataType::Int64,
    )
    .expect("a number")
    .as_any()
    .downcast_ref::<flowloom_core::engine::arrow::array::Int64Array>()
    .expect("int64")
    .value(0)
}

#[tokio::test]
async fn a_flow_creates_fills_and_queries_a_table_then_finds_it_exists() {
    let (workspace, engine, _, _dir) = sample_workspace().await;
    add_templates(&workspace).await;

    let first = run(&workspace, &engine, archive_flow("append")).await;
    assert_eq!(first.status, RunStatus::Completed, "{first:#?}");
    assert_eq!(
        outcome(&first, "make"),
        (NodeStatus::Completed, Some(NodeOutcome::Success))
    );
    let channels = first
        .node("counts")
        .and_then(|n| n.result.clone())
        .expect("counts")
        .row_count;
    assert!(channels > 1, "the sample has several channels");
    assert_eq!(
        first_number(&first, "save", "rows_written"),
        channels as i64
    );
    assert_eq!(
        first_number(&first, "check", "saved"),
        channels as i64,
        "a SQL node sees the table made and filled earlier in the same run"
    );
    assert_eq!(outcome(&first, "fresh").0, NodeStatus::Completed);
    let stored = workspace
        .store()
        .table_rows("channel_counts", &RowsQuery::page(0, 100))
        .await
        .expect("rows");
    assert_eq!(stored.total_rows, channels as u64);

    // Again: the table exists (the node completes, saying so), appending the same channels
    // breaks their uniqueness: the write fails naming the rule, and writes nothing.
    let second = run(&workspace, &engine, archive_flow("append")).await;
    assert_eq!(
        outcome(&second, "make"),
        (NodeStatus::Completed, Some(NodeOutcome::Exists))
    );
    assert_eq!(
        outcome(&second, "fresh").0,
        NodeStatus::Skipped,
        "its condition reads the outcome"
    );
    let save = second.node("save").expect("save");
    assert_eq!(
        (save.status, save.outcome),
        (NodeStatus::Failed, Some(NodeOutcome::Error))
    );
    let error = save.error.as_deref().unwrap_or_default();
    assert!(
        error.contains("nothing was written") && error.contains("column `channel`: duplicates"),
        "{error}"
    );
    assert_eq!(outcome(&second, "check").0, NodeStatus::Skipped);
    assert_eq!(second.status, RunStatus::Failed);

    // Replacing the rows instead works, and leaves one row per channel.
    let third = run(&workspace, &engine, archive_flow("replace")).await;
    assert_eq!(third.status, RunStatus::Completed, "{third:#?}");
    assert_eq!(first_number(&third, "check", "saved"), channels as i64);

    // The history keeps each node's outcome, and what it did in place of SQL.
    let runs = workspace
        .store()
        .list_runs(Some(&"comp_archive".into()))
        .await
        .expect("runs");
    let recorded = workspace
        .store()
        .get_run(runs[1].run_id)
        .await
        .expect("run");
    let make = recorded
        .nodes
        .iter()
        .find(|n| n.node_id.as_str() == "make")
        .expect("make");
    assert_eq!(make.outcome, Some(NodeOutcome::Exists));
    assert_eq!(
        make.sql.as_deref(),
        Some("-- data table: create `channel_counts` with 2 column(s)")
    );
}

#[tokio::test]
async fn get_and_write_on_a_missing_table_complete_as_not_found_for_a_condition_to_see() {
    let (workspace, engine, _, _dir) = sample_workspace().await;
    add_templates(&workspace).await;
    let flow: Flow = serde_json::from_value(json!({
        "composition": { "composition_id": "comp_lookup", "name": "Look up" },
        "nodes": [
            node("look", "tpl_data_table", json!({ "operation": "get", "table_name": "nowhere" })),
            node("counts", "tpl_channels", json!({})),
            node("save", "tpl_data_table", json!({ "operation": "write", "table_name": "nowhere" })),
            node("list", "tpl_data_table", json!({ "operation": "list" })),
            {
                "node_id": "when_missing", "template_id": "tpl_channels",
                "is_conditional": true,
                "condition_expression": "upstream.look.outcome == \"not_found\" && upstream.look.row_count == 0"
            }
        ],
        "connections": [edge("c1", "counts", "save"), edge("c2", "look", "when_missing")]
    }))
    .expect("a flow");
    let done = run(&workspace, &engine, flow).await;
    assert_eq!(done.status, RunStatus::Completed, "{done:#?}");
    assert_eq!(
        outcome(&done, "look"),
        (NodeStatus::Completed, Some(NodeOutcome::NotFound))
    );
    assert_eq!(
        outcome(&done, "save"),
        (NodeStatus::Completed, Some(NodeOutcome::NotFound))
    );
    assert_eq!(outcome(&done, "when_missing").0, NodeStatus::Completed);
    assert_eq!(
        outcome(&done, "counts").1,
        Some(NodeOutcome::Success),
        "a query node succeeds"
    );
    assert_eq!(
        done.node("list")
            .and_then(|n| n.result.clone())
            .map(|r| r.row_count),
        Some(0)
    );
    assert!(
        workspace
            .store()
            .list_tables()
            .await
            .expect("tables")
            .is_empty()
    );
}

#[tokio::test]
async fn a_data_table_node_that_cannot_work_is_refused_before_the_run() {
    let (workspace, _, _, _dir) = sample_workspace().await;
    add_templates(&workspace).await;
    let catalog =
        Catalog::from_details(workspace.store().list_templates().await.expect("templates"));
    let flow: Flow = serde_json::from_value(json!({
        "composition": { "composition_id": "comp_bad", "name": "Bad" },
        "nodes": [
            node("make", "tpl_data_table", json!({
                "operation": "create", "table_name": "Channel Counts",
                "columns": [{ "name": "Channel", "data_type": "string" },
                            { "name": "n", "data_type": "number" }]
            })),
            node("save", "tpl_data_table", json!({ "operation": "write", "table_name": "t" })),
            node("get", "tpl_data_table", json!({ "operation": "get" })),
            node("make_again", "tpl_data_table", json!({
                "operation": "create", "table_name": "ok_name",
                "columns": [{ "name": "Channel", "data_type": "string" }]
            }))
        ],
        "connections": []
    }))
    .expect("a flow");
    let problems: Vec<String> = validation::check(&flow, &catalog)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        problems,
        [
            "error[bad_table_node] /nodes/0/parameter_overrides/columns: node `make`: parameter `columns`: unknown variant `number`, expected one of `string`, `text`, `integer`, `decimal`, `boolean`, `date`, `datetime`, `json`, `reference`",
            "error[bad_table_node] /nodes/0/parameter_overrides/table_name: node `make`: `Channel Counts` is not a table name: the name must be lowercase snake_case (a letter, then letters, digits or _)",
            "error[bad_table_node] /nodes/1: node `save` writes the result of the one node connected to it, and none is connected",
            "error[missing_parameter] /nodes/2/parameter_overrides: node `get` (get) needs `table_name`: the table it works on",
            "error[bad_table_node] /nodes/3/parameter_overrides/columns: node `make_again`: column `Channel`: the name must be lowercase snake_case (a letter, then letters, digits or _)",
        ]
    );
}
