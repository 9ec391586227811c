//! What validation says before a run and what the run then does agree: template SQL planned
//! against a workspace's real tables (a stored flow, as the app validates it on every edit),
//! data-table writes checked against their tables, and a condition that reads `first` of an
//! upstream that returned no rows.

use crate::support::sample_workspace;
use flowloom_core::engine::LocalEngine;
use flowloom_core::engine::plan_check;
use flowloom_core::engine::run::{self, NodeStatus, RunContext, RunEvent, RunOptions, RunStatus};
use flowloom_core::validation::{self, Catalog, Code};
use flowloom_core::{Flow, Template};
use serde_json::{Value, json};
use std::path::Path;
use std::sync::Arc;

fn template(id: &str, sql: &str, parameters: Value, outputs: Value) -> Template {
    serde_json::from_value(json!({
        "template_id": id, "name": id, "sql": sql,
        "parameters": parameters, "output_columns": outputs
    }))
    .expect("a template")
}

fn flow(nodes: Value, connections: Value) -> Flow {
    serde_json::from_value(json!({
        "composition": { "composition_id": "comp_checks", "name": "Checks" },
        "nodes": nodes,
        "connections": connections
    }))
    .expect("a flow")
}

/// An engine over the small data folder the fixtures are judged on (`campaigns`, `ad_daily`).
async fn fixture_engine() -> LocalEngine {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/workspace-data");
    LocalEngine::open(&data).await.expect("engine")
}

/// Each kind of SQL mistake is reported by node with its code, and every node the check
/// passes runs: the check refuses what the run refuses, no more.
#[tokio::test]
async fn planning_refuses_exactly_the_sql_the_run_refuses() {
    let engine = Arc::new(fixture_engine().await);
    let cases = [
        ("SELEC campaign_id FROM campaigns", Some(Code::SqlSyntax)),
        ("SELECT campaign_id FROM campaign", Some(Code::UnknownTable)),
        ("SELECT budget FROM campaigns", Some(Code::UnknownColumn)),
        (
            "SELECT sum(channel) AS s FROM campaigns",
            Some(Code::BadTemplateSql),
        ),
        ("DELETE FROM campaigns", Some(Code::BadTemplateSql)),
        (
            "SELECT campaign_id FROM ad_daily WHERE day >= {{since}} AND campaign_id IN ({{ids}}) LIMIT {{n}}",
            None,
        ),
        (
            "SELECT channel, count(*) AS n FROM campaigns GROUP BY channel",
            None,
        ),
    ];
    let parameters = json!([
        { "name": "since", "type": "date", "default": "2026-06-01" },
        { "name": "ids", "type": "string", "list": true, "default": ["c1"] },
        { "name": "n", "type": "integer", "default": 5 }
    ]);
    for (sql, expected) in cases {
        let tpl = template("tpl_case", sql, parameters.clone(), json!(null));
        let catalog = Catalog::from_templates([tpl]);
        let flow = flow(
            json!([{ "node_id": "case", "template_id": "tpl_case" }]),
            json!([]),
        );
        let mut found = validation::check(&flow, &catalog);
        found.extend(plan_check::problems(&flow, &catalog, engine.as_ref()).await);
        let codes: Vec<Code> = found
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.code)
            .collect();
        assert_eq!(
            codes,
            expected.into_iter().collect::<Vec<_>>(),
            "{sql}: {found:#?}"
        );
        assert!(
            found
                .iter()
                .all(|d| d.node_ids.iter().any(|n| n.as_str() == "case"))
        );

        // The run agrees: what planning passes completes, what it refuses fails.
        if expected == Some(Code::SqlSyntax) {
            continue; // refused by validation before a run can start
        }
        let Ok(validated) = validation::validate(flow, &catalog) else {
            panic!("{sql}: only planning refuses it, validation does not");
        };
        let done = run::run(
            &validated,
            &RunContext::new(engine.clone()),
            &RunOptions::default(),
            &|_: RunEvent| {},
        )
        .await
        .expect("starts");
        let status = done.node("case").expect("ran").status;
        let wanted = if expected.is_none() {
            NodeStatus::Completed
        } else {
            NodeStatus::Failed
        };
        assert_eq!(status, wanted, "{sql}");
    }
}

/// A for-each node is planned with its value bound as the run binds it, one value of its
/// list's type.
#[tokio::test]
async fn a_for_each_node_plans_with_its_value_bound_alone() {
    let engine = fixture_engine().await;
    let tpl = template(
        "tpl_spend",
        "SELECT sum(spend) AS spend FROM ad_daily WHERE day >= {{days}}",
        json!([{ "name": "days", "type": "date", "list": true, "default": ["2026-06-01"] }]),
        json!([{ "name": "spend", "type": "decimal" }]),
    );
    let catalog = Catalog::from_templates([tpl]);
    let flow = flow(
        json!([{ "node_id": "each", "template_id": "tpl_spend",
                 "node_config": { "for_each": "days" } }]),
        json!([]),
    );
    assert_eq!(plan_check::problems(&flow, &catalog, &engine).await, []);
}

/// The app's validation of a stored flow plans its SQL against the workspace's data files
/// and data tables, and sees a table as soon as it exists (answers kept from before it existed
/// are dropped when a table changes).
#[tokio::test]
async fn the_apps_validation_plans_against_the_workspace() {
    let (workspace, engine, _, _dir) = sample_workspace().await;
    let store = workspace.store();
    let tpl = template(
        "tpl_later",
        "SELECT channel, campaigns FROM channel_counts",
        json!([]),
        json!(null),
    );
    store.insert_template(&tpl).await.expect("insert");
    let drawn = flow(
        json!([{ "node_id": "later", "template_id": "tpl_later" }]),
        json!([]),
    );
    let catalog = store.catalog_for(&drawn).await.expect("catalog");
    let codes = |ds: &[validation::Diagnostic]| ds.iter().map(|d| d.code).collect::<Vec<_>>();
    let found = plan_check::check_in_workspace(&drawn, &catalog, engine.as_ref()).await;
    assert_eq!(codes(&found), [Code::UnknownTable], "{found:#?}");

    let columns = serde_json::from_value(json!({ "columns": [
        { "name": "channel", "data_type": "string" },
        { "name": "campaigns", "data_type": "integer" }
    ]}))
    .expect("schema");
    store
        .create_table("channel_counts", "", &columns, None)
        .await
        .expect("create");
    let catalog = store.catalog_for(&drawn).await.expect("catalog");
    let found = plan_check::check_in_workspace(&drawn, &catalog, engine.as_ref()).await;
    assert_eq!(found, [], "the new data table is seen at once");
}

/// A condition reading `first` of a node that returned no rows cannot be decided: the node
/// is skipped, naming that node, as the README says; `has()` decides without a row.
#[tokio::test]
async fn a_condition_reading_first_of_an_empty_upstream_skips_the_node() {
    let engine = Arc::new(fixture_engine().await);
    let none = template(
        "tpl_none",
        "SELECT campaign_id FROM campaigns WHERE channel = 'no such channel'",
        json!([]),
        json!([{ "name": "campaign_id", "type": "string" }]),
    );
    let catalog = Catalog::from_templates([none]);
    let flow = flow(
        json!([
            { "node_id": "none", "template_id": "tpl_none" },
            { "node_id": "reads_first", "template_id": "tpl_none", "is_conditional": true,
              "condition_expression": "upstream.none.first.campaign_id == \"c1\"" },
            { "node_id": "guarded", "template_id": "tpl_none", "is_conditional": true,
              "condition_expression": "!has(upstream.none.first) || upstream.none.first.campaign_id == \"c1\"" }
        ]),
        json!([
            { "connection_id": "to_reads_first", "source_node_id": "none", "target_node_id": "reads_first" },
            { "connection_id": "to_guarded", "source_node_id": "none", "target_node_id": "guarded" }
        ]),
    );
    let validated = validation::validate(flow, &catalog).expect("the typed check accepts both");
    let done = run::run(
        &validated,
        &RunContext::new(engine),
        &RunOptions::default(),
        &|_: RunEvent| {},
    )
    .await
    .expect("starts");
    assert_eq!(done.status, RunStatus::Completed, "{done:#?}");
    let skipped = done.node("reads_first").expect("ran");
    assert_eq!(skipped.status, NodeStatus::Skipped);
    let reason = skipped.error.clone().unwrap_or_default();
    assert!(
        reason.starts_with("`none` returned no rows, so its condition ")
            && reason.contains("cannot read `upstream.none.first.campaign_id`"),
        "{reason}"
    );
    assert_eq!(
        done.node("guarded").expect("ran").status,
        NodeStatus::Completed
    );
}

/// A query may read a data table that a create node of its flow makes during the run: it is
/// not reported unknown before the run, while a table nobody makes is.
#[tokio::test]
async fn a_table_the_flow_creates_is_not_unknown_to_the_queries_after_it() {
    let engine = fixture_engine().await;
    let reads = |id: &str, table: &str| {
        template(
            id,
            &format!("SELECT count(*) AS n FROM {table}"),
            json!([]),
            json!(null),
        )
    };
    let catalog = Catalog::from_details(
        flowloom_core::Store::builtin_templates()
            .await
            .expect("built-in templates"),
    )
    .with_version(reads("tpl_made", "made"))
    .with_version(reads("tpl_never", "never_made"));
    let flow = flow(
        json!([
            { "node_id": "make", "template_id": "tpl_data_table", "parameter_overrides": {
                "operation": "create", "table_name": "made",
                "columns": [{ "name": "x", "data_type": "integer" }] } },
            { "node_id": "made", "template_id": "tpl_made" },
            { "node_id": "never", "template_id": "tpl_never" }
        ]),
        json!([{ "connection_id": "c1", "source_node_id": "make", "target_node_id": "made" }]),
    );
    let found = plan_check::problems(&flow, &catalog, &engine).await;
    let said: Vec<(Code, &str)> = found
        .iter()
        .map(|d| (d.code, d.node_ids[0].as_str()))
        .collect();
    assert_eq!(said, [(Code::UnknownTable, "never")], "{found:#?}");
}

/// The engine plans an import's SQL against the tables as they are when the import asks: a
/// data table made after the engine started (in the window, a moment before) is known.
#[tokio::test]
async fn an_import_plans_against_a_data_table_made_after_the_engine_started() {
    let (workspace, engine, _, _dir) = sample_workspace().await;
    let schema: flowloom_core::model::TableSchema = serde_json::from_value(json!({
        "columns": [{ "name": "name", "data_type": "string" }, { "name": "age", "data_type": "integer" }]
    }))
    .expect("a schema");
    workspace
        .store()
        .create_table("customers", "Customers", &schema, None)
        .await
        .expect("the table");
    let file = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/runs/customer-ages.flow.json"),
    )
    .expect("fixture");
    let imported = flowloom_core::flowfile::import_checked(
        workspace.store(),
        &file,
        flowloom_core::flowfile::OnConflict::Fail,
        flowloom_core::flowfile::NewerTemplates::Warn,
        Some(&*engine),
    )
    .await;
    assert!(imported.is_ok(), "{imported:?}");
}
