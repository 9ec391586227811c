//! Data-table nodes in whole flows on a real workspace: a flow creates a table, fills it
//! from a query's result and reads it back through DataFusion in the same run; the
//! outcomes `exists` and `not_found` complete the node and steer later conditions; rows the
//! table refuses, or a table that does not exist, fail the node with each problem named,
//! writing nothing.

use crate::support::{run_manually, sample_workspace};
use flowloom_core::engine::LocalEngine;
use flowloom_core::engine::run::{FlowRun, NodeOutcome, NodeStatus, RunStatus};
use flowloom_core::model::{RowsQuery, TableSchema, TableWrite, WriteMode};
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
        error.contains("nothing was written")
            && error.contains("column `channel`: ")
            && error.contains("is already in the table"),
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
async fn a_get_on_a_missing_table_completes_as_not_found_and_a_write_into_one_fails() {
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
    assert_eq!(done.status, RunStatus::Failed, "{done:#?}");
    assert_eq!(
        outcome(&done, "look"),
        (NodeStatus::Completed, Some(NodeOutcome::NotFound))
    );
    // The rows it was given are not lost without a word: the node fails, saying so.
    assert_eq!(
        outcome(&done, "save"),
        (NodeStatus::Failed, Some(NodeOutcome::Error))
    );
    let error = done
        .node("save")
        .and_then(|n| n.error.clone())
        .unwrap_or_default();
    assert!(
        error.starts_with("table `nowhere` does not exist, so the ")
            && error.contains("row(s) of the connected node were not written"),
        "{error}"
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

/// A flow: `counts` (`sql`) → `save` (a write with `write`'s parameters).
fn write_flow(id: &str, sql: &str, write: Value) -> Flow {
    let mut parameters = json!({ "operation": "write", "table_name": "channel_counts" });
    parameters
        .as_object_mut()
        .expect("an object")
        .extend(write.as_object().expect("an object").clone());
    serde_json::from_value(json!({
        "composition": { "composition_id": id, "name": id },
        "nodes": [node("counts", sql, json!({})), node("save", "tpl_data_table", parameters)],
        "connections": [edge("c1", "counts", "save")]
    }))
    .expect("a flow")
}

/// `channel_counts` by channel, and `channel_notes` referring to each with
/// `on_delete: cascade`.
async fn counts_with_notes(workspace: &Workspace) -> Vec<(i64, String)> {
    let store = workspace.store();
    let schema = |columns: Value| -> TableSchema {
        serde_json::from_value(json!({ "columns": columns })).expect("schema")
    };
    store
        .create_table(
            "channel_counts",
            "",
            &schema(json!([
                { "name": "channel", "data_type": "string", "required": true, "unique": true },
                { "name": "campaigns", "data_type": "integer" }
            ])),
            None,
        )
        .await
        .expect("counts");
    store
        .create_table(
            "channel_notes",
            "",
            &schema(json!([
                { "name": "counted", "data_type": "reference",
                  "validation": { "target_table": "channel_counts", "on_delete": "cascade" } },
                { "name": "note", "data_type": "string" }
            ])),
            None,
        )
        .await
        .expect("notes");
    store
        .write_rows(
            "channel_counts",
            ["search", "social", "display"]
                .iter()
                .zip(1u64..)
                .map(|(c, line)| flowloom_core::tables::import::SourceRow {
                    line,
                    values: json!({ "channel": c, "campaigns": 0 })
                        .as_object()
                        .expect("row")
                        .clone(),
                }),
            &Default::default(),
        )
        .await
        .expect("rows");
    let rows = store
        .table_rows("channel_counts", &RowsQuery::page(0, 100))
        .await
        .expect("rows")
        .rows;
    let ids: Vec<(i64, String)> = rows
        .iter()
        .map(|r| {
            (
                r["_id"].as_i64().expect("id"),
                r["channel"].as_str().expect("channel").to_owned(),
            )
        })
        .collect();
    let notes: Vec<serde_json::Map<String, Value>> = ids
        .iter()
        .map(|(id, _)| {
            json!({ "counted": id, "note": "keep me" })
                .as_object()
                .expect("row")
                .clone()
        })
        .collect();
    store
        .insert_rows("channel_notes", &notes)
        .await
        .expect("notes' rows");
    ids
}

async fn notes(workspace: &Workspace) -> Vec<i64> {
    workspace
        .store()
        .table_rows("channel_notes", &RowsQuery::page(0, 100))
        .await
        .expect("rows")
        .rows
        .iter()
        .map(|r| r["counted"].as_i64().expect("a reference"))
        .collect()
}

/// A write node's `replace` that would delete rows of another table through their cascade
/// reference fails, writing nothing, unless `allow_cascade`; `upsert` and `replace` keep the
/// `_id` (and so the referring rows) of the rows they match; the record says what was done.
#[tokio::test]
async fn a_write_node_keeps_referred_rows_and_cascades_only_when_allowed() {
    let (workspace, engine, _, _dir) = sample_workspace().await;
    let before = counts_with_notes(&workspace).await;
    let store = workspace.store();
    for (id, sql) in [
        (
            "tpl_all_channels",
            "SELECT channel, count(*) AS campaigns FROM campaigns GROUP BY channel ORDER BY channel",
        ),
        (
            "tpl_no_display",
            "SELECT channel, count(*) AS campaigns FROM campaigns WHERE channel <> 'display' GROUP BY channel",
        ),
    ] {
        let template: Template = serde_json::from_value(json!({
            "template_id": id, "name": id, "sql": sql
        }))
        .expect("template");
        store.insert_template(&template).await.expect("insert");
    }
    let channels: Vec<String> = before.iter().map(|(_, c)| c.clone()).collect();
    assert_eq!(channels, ["search", "social", "display"]);

    // An upsert of every channel: the three stored ones updated in place, the others added.
    let upsert = run(
        &workspace,
        &engine,
        write_flow(
            "comp_upsert",
            "tpl_all_channels",
            json!({ "mode": "upsert", "key": "channel" }),
        ),
    )
    .await;
    assert_eq!(upsert.status, RunStatus::Completed, "{upsert:#?}");
    let all = upsert
        .node("counts")
        .and_then(|n| n.result.clone())
        .expect("counts")
        .row_count as u64;
    let wrote = upsert.node("save").and_then(|n| n.table_write.clone());
    assert_eq!(
        wrote,
        Some(TableWrite {
            table: "channel_counts".into(),
            mode: WriteMode::Upsert,
            inserted: all - 3,
            updated: 3,
            deleted: 0,
            cascaded: 0
        })
    );
    let kept = notes(&workspace).await;
    assert_eq!(kept, before.iter().map(|(id, _)| *id).collect::<Vec<_>>());

    // A replace without display would delete display's note: refused, nothing written.
    let stored_before = store
        .table_rows("channel_counts", &RowsQuery::page(0, 100))
        .await
        .expect("rows");
    let refused = run(
        &workspace,
        &engine,
        write_flow(
            "comp_replace",
            "tpl_no_display",
            json!({ "mode": "replace" }),
        ),
    )
    .await;
    let save = refused.node("save").expect("save");
    assert_eq!(
        (save.status, save.outcome),
        (NodeStatus::Failed, Some(NodeOutcome::Error))
    );
    let error = save.error.as_deref().unwrap_or_default();
    assert!(
        error.contains("would delete 1 row(s) of `channel_notes` (1)")
            && error.contains("allow_cascade: true"),
        "{error}"
    );
    assert_eq!(save.table_write, None);
    assert_eq!(
        store
            .table_rows("channel_counts", &RowsQuery::page(0, 100))
            .await
            .expect("rows"),
        stored_before,
        "nothing written"
    );
    assert_eq!(notes(&workspace).await, kept);

    // Allowed, it replaces: search and social keep their _id and notes, display goes.
    let allowed = run(
        &workspace,
        &engine,
        write_flow(
            "comp_replace",
            "tpl_no_display",
            json!({ "mode": "replace", "allow_cascade": true }),
        ),
    )
    .await;
    assert_eq!(allowed.status, RunStatus::Completed, "{allowed:#?}");
    let expected = TableWrite {
        table: "channel_counts".into(),
        mode: WriteMode::Replace,
        inserted: 0,
        updated: all - 1,
        deleted: 1,
        cascaded: 1,
    };
    assert_eq!(
        allowed.node("save").and_then(|n| n.table_write.clone()),
        Some(expected.clone())
    );
    assert_eq!(notes(&workspace).await, kept[..2]);

    // The history keeps what the write did.
    let runs = store
        .list_runs(Some(&"comp_replace".into()))
        .await
        .expect("runs");
    let recorded = store.get_run(runs[0].run_id).await.expect("run");
    let save = recorded
        .nodes
        .iter()
        .find(|n| n.node_id.as_str() == "save")
        .expect("save");
    assert_eq!(save.table_write, Some(expected));
    assert_eq!(
        save.sql.as_deref(),
        Some(
            "-- data table: replace the rows of `channel_counts` the upstream result (cascading deletes allowed)"
        )
    );
}

/// A data-table node naming a table that a data file of the workspace also names is an
/// error of the flow wherever the workspace checks it.
#[tokio::test]
async fn a_table_node_naming_a_data_file_is_an_error_in_the_workspace() {
    let (workspace, _, _, _dir) = sample_workspace().await;
    add_templates(&workspace).await;
    let flow: Flow = serde_json::from_value(json!({
        "composition": { "composition_id": "comp_shadow", "name": "Shadow" },
        "nodes": [
            node("counts", "tpl_channels", json!({})),
            node("save", "tpl_data_table", json!({ "operation": "write", "table_name": "campaigns" })),
            node("get", "tpl_data_table", json!({ "operation": "get", "table_name": "channel_counts" }))
        ],
        "connections": [edge("c1", "counts", "save")]
    }))
    .expect("a flow");
    let catalog = workspace.store().catalog_for(&flow).await.expect("catalog");
    let problems: Vec<String> = validation::check(&flow, &catalog)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        problems,
        [
            "error[table_name_taken_by_file] /nodes/1/parameter_overrides/table_name: node `save`: a data file of the workspace (data/campaigns.csv, .parquet or .json) has the name `campaigns`: queries would read the file, not the data table; rename the file or the table"
        ]
    );
}

/// A data file copied into `data/` after a data table of its name was made: neither is read
/// under that name (the file used to win without a word), a query naming it says to rename
/// one, and once the table is gone the file reads as a table again.
#[tokio::test]
async fn a_data_file_that_takes_a_tables_name_later_is_named_not_read() {
    use flowloom_core::engine::Connector;
    use futures::TryStreamExt;
    let (workspace, engine, _, dir) = sample_workspace().await;
    let schema: TableSchema = serde_json::from_value(json!({ "columns": [
        { "name": "note", "data_type": "string" }
    ]}))
    .expect("schema");
    workspace
        .store()
        .create_table("notes", "", &schema, None)
        .await
        .expect("table");
    std::fs::write(dir.path().join("data/notes.csv"), "note\nfrom the file\n").expect("file");
    engine.refresh().await;
    let sql = "SELECT count(*) AS n FROM notes";
    let statement = flowloom_core::render::render(sql, &[], &Default::default()).expect("renders");
    let refused = engine
        .run(&statement)
        .await
        .expect_err("the name is taken twice");
    assert_eq!(
        refused.to_string(),
        "cannot read `notes.csv` as a table: a data table is also named `notes`: rename the \
         file, or the table (flowloom tables alter notes --rename NEW)"
    );

    workspace.store().drop_table("notes").await.expect("drop");
    engine.refresh().await;
    let batches: Vec<_> = engine
        .run(&statement)
        .await
        .expect("the file is a table again")
        .batches
        .try_collect()
        .await
        .expect("rows");
    assert_eq!(batches.iter().map(|b| b.num_rows()).sum::<usize>(), 1);
}
