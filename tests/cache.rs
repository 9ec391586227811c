//! Reusing node results across runs of stored flows: an unchanged node is a cache hit, a
//! change to what it depends on (a parameter, a data file, an upstream result) runs it again,
//! `no_cache` and "run from here" force, and a query that reads the clock is never reused.

use crate::support::{count, sample_workspace};
use flowloom_core::engine::LocalEngine;
use flowloom_core::engine::history;
use flowloom_core::engine::results;
use flowloom_core::engine::run::{
    FlowRun, NodeStatus, RunContext, RunEvent, RunOptions, RunStatus,
};
use flowloom_core::flowfile::{self, OnConflict};
use flowloom_core::model::{RunDetail, RunId, Trigger};
use flowloom_core::validation::{self, Catalog, ValidatedFlow};
use flowloom_core::{CompositionId, NodeId, Workspace};
use serde_json::json;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

fn quiet(_: RunEvent) {}

const DEEP_DIVE: &str = "comp_campaign_deep_dive";

async fn stored(workspace: &Workspace, id: &str) -> ValidatedFlow {
    let flow = workspace
        .store()
        .get_flow(&CompositionId::from(id))
        .await
        .expect("flow")
        .flow;
    let catalog =
        Catalog::from_details(workspace.store().list_templates().await.expect("templates"));
    validation::validate(flow, &catalog).expect("valid")
}

/// Imports `tests/fixtures/runs/<file>` into `workspace`, with the `ads.csv` fixture its
/// templates read in the data folder, and returns flow `id` as stored.
async fn imported(workspace: &Workspace, file: &str, id: &str) -> ValidatedFlow {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(
        root.join("tests/fixtures/data/ads.csv"),
        workspace.data_dir().join("ads.csv"),
    )
    .expect("copy data");
    let text =
        std::fs::read_to_string(root.join("tests/fixtures/runs").join(file)).expect("fixture");
    flowfile::import(workspace.store(), &text, OnConflict::Fail)
        .await
        .expect("imports");
    stored(workspace, id).await
}

/// Runs `flow` recorded in `workspace`'s history, whatever its outcome.
async fn run_report(
    workspace: &Workspace,
    engine: &Arc<LocalEngine>,
    flow: &ValidatedFlow,
    options: &RunOptions,
) -> (RunId, FlowRun) {
    history::run_recorded(
        workspace,
        flow,
        RunContext::new(engine.clone()),
        options,
        Trigger::Cli,
        &quiet,
    )
    .await
    .expect("runs")
}

/// Runs `flow` recorded, expects it to complete, and reads back what the history kept.
async fn run(
    workspace: &Workspace,
    engine: &Arc<LocalEngine>,
    flow: &ValidatedFlow,
    options: RunOptions,
) -> RunDetail {
    let (run_id, report) = run_report(workspace, engine, flow, &options).await;
    assert_eq!(report.status, RunStatus::Completed);
    workspace.store().get_run(run_id).await.expect("recorded")
}

/// Node id → whether its result was reused, for every node of the run.
fn reused(run: &RunDetail) -> BTreeMap<String, bool> {
    run.nodes
        .iter()
        .map(|n| (n.node_id.to_string(), n.from_cache))
        .collect()
}

fn all(nodes: &[&str], value: bool) -> BTreeMap<String, bool> {
    nodes.iter().map(|n| ((*n).to_owned(), value)).collect()
}

const DEEP_DIVE_NODES: [&str; 4] = [
    "daily_trend",
    "exclusive_products",
    "their_products",
    "top_campaigns",
];

/// The deep dive with its two nodes that read `orders` run again and the other two reused
/// (after `orders.csv` changed, or running from `their_products`).
fn only_orders_readers_rerun() -> BTreeMap<String, bool> {
    BTreeMap::from([
        ("daily_trend".to_owned(), true),
        ("exclusive_products".to_owned(), false),
        ("their_products".to_owned(), false),
        ("top_campaigns".to_owned(), true),
    ])
}

#[tokio::test]
async fn an_unchanged_rerun_reuses_every_result_with_the_same_rows() {
    let (workspace, engine, _, _dir) = sample_workspace().await;
    let flow = stored(&workspace, DEEP_DIVE).await;
    let first = run(&workspace, &engine, &flow, RunOptions::default()).await;
    assert_eq!(reused(&first), all(&DEEP_DIVE_NODES, false));
    assert!(first.nodes.iter().all(|n| n.cache_key.is_some()));

    let second = run(&workspace, &engine, &flow, RunOptions::default()).await;
    assert_eq!(reused(&second), all(&DEEP_DIVE_NODES, true));
    for (before, after) in first.nodes.iter().zip(&second.nodes) {
        let after = second
            .nodes
            .iter()
            .find(|n| n.node_id == before.node_id)
            .unwrap_or(after);
        assert_eq!(before.cache_key, after.cache_key);
        assert_eq!(before.row_count, after.row_count);
        assert_eq!(before.columns, after.columns);
        // The history shows the values and SQL the reused result was made with.
        assert_eq!(before.parameters, after.parameters);
        assert_eq!(before.sql, after.sql);
        let rows = |location: &Option<String>| {
            let location = location.as_deref().expect("a kept result");
            results::page(workspace.root(), location, 0, None)
                .expect("reads")
                .rows()
                .expect("rows")
        };
        assert_ne!(
            before.result_location, after.result_location,
            "each run keeps its own"
        );
        assert_eq!(rows(&before.result_location), rows(&after.result_location));
    }
    // The log says what happened: the second run reused rather than queried.
    let reuse_rows = count(
        workspace.store(),
        format!(
            "SELECT count(*) FROM execution_logs WHERE execution = {} AND action_type = 'REUSE_RESULT'",
            second.summary.run_id
        ),
    )
    .await;
    assert_eq!(reuse_rows, 4);
}

#[tokio::test]
async fn a_changed_parameter_or_data_file_runs_what_depends_on_it() {
    let (workspace, engine, _, _dir) = sample_workspace().await;
    let flow = stored(&workspace, DEEP_DIVE).await;
    run(&workspace, &engine, &flow, RunOptions::default()).await;

    // Every node reads the date range, so a new end date runs them all.
    let later = RunOptions {
        parameters: BTreeMap::from([("end_date".to_owned(), json!("2026-06-29"))]),
        ..RunOptions::default()
    };
    let changed = run(&workspace, &engine, &flow, later.clone()).await;
    assert_eq!(reused(&changed), all(&DEEP_DIVE_NODES, false));
    let again = run(&workspace, &engine, &flow, later).await;
    assert_eq!(reused(&again), all(&DEEP_DIVE_NODES, true));

    // Rewriting the orders file (same rows, new modification time) runs the two nodes that
    // read it, and keeps the two that do not.
    let orders = workspace.data_dir().join("orders.csv");
    let bytes = std::fs::read(&orders).expect("sample orders");
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&orders, bytes).expect("rewrite");
    let touched = run(&workspace, &engine, &flow, RunOptions::default()).await;
    assert_eq!(reused(&touched), only_orders_readers_rerun());
}

#[tokio::test]
async fn no_cache_runs_everything_and_run_from_reruns_only_downstream() {
    let (workspace, engine, _, _dir) = sample_workspace().await;
    let flow = stored(&workspace, DEEP_DIVE).await;
    let first = run(&workspace, &engine, &flow, RunOptions::default()).await;

    let forced = RunOptions {
        no_cache: true,
        ..RunOptions::default()
    };
    let forced = run(&workspace, &engine, &flow, forced).await;
    assert_eq!(reused(&forced), all(&DEEP_DIVE_NODES, false));
    let keys = |run: &RunDetail| -> Vec<Option<String>> {
        let mut nodes = run.nodes.clone();
        nodes.sort_by(|a, b| a.node_id.cmp(&b.node_id));
        nodes.into_iter().map(|n| n.cache_key).collect()
    };
    assert_eq!(
        keys(&forced),
        keys(&first),
        "forced results are keyed as before"
    );

    let from = RunOptions {
        from: Some(NodeId::from("their_products")),
        ..RunOptions::default()
    };
    let from = run(&workspace, &engine, &flow, from).await;
    assert_eq!(reused(&from), only_orders_readers_rerun());
    // The nodes run again read the reused `top_campaigns` rows, and come to the same.
    let node = |run: &RunDetail, id: &str| {
        let node = run.nodes.iter().find(|n| n.node_id.as_str() == id);
        let node = node.expect("node").clone();
        (node.parameters, node.row_count, node.cache_key)
    };
    for id in ["their_products", "exclusive_products"] {
        assert_eq!(node(&from, id), node(&first, id), "{id}");
    }
}

#[tokio::test]
async fn a_query_reading_the_clock_or_a_random_number_is_never_reused() {
    let (workspace, engine, _, _dir) = sample_workspace().await;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("tests/fixtures/runs/volatile.flow.json"))
        .expect("fixture");
    flowfile::import(workspace.store(), &text, OnConflict::Fail)
        .await
        .expect("imports");
    let flow = stored(&workspace, "comp_volatile").await;
    run(&workspace, &engine, &flow, RunOptions::default()).await;
    let second = run(&workspace, &engine, &flow, RunOptions::default()).await;
    let stamp = second.nodes.iter().find(|n| n.node_id.as_str() == "stamp");
    let stamp = stamp.expect("node");
    assert_eq!(stamp.status, NodeStatus::Completed);
    assert!(!stamp.from_cache && stamp.cache_key.is_none(), "{stamp:?}");
    assert_eq!(
        reused(&second).get("steady"),
        Some(&true),
        "the steady node is"
    );
}

#[tokio::test]
async fn a_reused_result_outlives_the_run_that_made_it_and_a_lost_one_is_recomputed() {
    let (workspace, engine, _, _dir) = sample_workspace().await;
    let flow = stored(&workspace, DEEP_DIVE).await;
    let first = run(&workspace, &engine, &flow, RunOptions::default()).await;
    let second = run(&workspace, &engine, &flow, RunOptions::default()).await;
    assert_eq!(reused(&second), all(&DEEP_DIVE_NODES, true));

    // Pruning the first run leaves the second one's results readable.
    let pruned = workspace.store().prune_runs(1).await.expect("prunes");
    assert_eq!(pruned, [first.summary.run_id]);
    results::remove_run(workspace.root(), first.summary.run_id).expect("removes");
    for node in &second.nodes {
        let location = node.result_location.as_deref().expect("kept");
        let page = results::page(workspace.root(), location, 0, None).expect("still reads");
        assert_eq!(Some(page.total_rows), node.row_count);
    }

    // A kept result deleted by hand is a miss: that node runs again, and its result is
    // equal to the lost one.
    let top = second
        .nodes
        .iter()
        .find(|n| n.node_id.as_str() == "top_campaigns")
        .expect("node");
    std::fs::remove_file(
        workspace
            .root()
            .join(top.result_location.as_deref().expect("kept")),
    )
    .expect("delete");
    let third = run(&workspace, &engine, &flow, RunOptions::default()).await;
    let top_again = third
        .nodes
        .iter()
        .find(|n| n.node_id.as_str() == "top_campaigns")
        .expect("node");
    assert!(!top_again.from_cache);
    assert_eq!(top_again.row_count, top.row_count);
    assert_eq!(reused(&third).get("daily_trend"), Some(&true));

    // The lookup names each key's newest kept result: the third run's, reused or not.
    let store = workspace.store();
    let id = &flow.flow().composition.composition_id;
    let kept = store.cached_results(id).await.expect("lookup");
    let newest: BTreeMap<String, String> = third
        .nodes
        .iter()
        .map(|n| {
            (
                n.cache_key.clone().expect("keyed"),
                n.result_location.clone().expect("kept"),
            )
        })
        .collect();
    let kept: BTreeMap<String, String> = kept
        .into_iter()
        .map(|(key, kept)| (key, kept.location))
        .collect();
    assert_eq!(kept, newest);

    // With every run pruned nothing is left to reuse: the next run computes every node.
    store.prune_runs(0).await.expect("prunes all");
    assert!(store.cached_results(id).await.expect("lookup").is_empty());
    let fresh = run(&workspace, &engine, &flow, RunOptions::default()).await;
    assert_eq!(reused(&fresh), all(&DEEP_DIVE_NODES, false));
}

/// A node reading a data table is reused while the table is unchanged and runs again after
/// a write to it, with the new rows.
#[tokio::test]
async fn a_write_to_a_data_table_runs_what_reads_it_again() {
    let (workspace, engine, _, _dir) = sample_workspace().await;
    let store = workspace.store();
    let schema = serde_json::from_value(json!({ "columns": [
        { "name": "amount", "data_type": "integer", "required": true }
    ]}))
    .expect("schema");
    store
        .create_table("deals", "", &schema, None)
        .await
        .expect("create");
    let deals = |amounts: Vec<i64>| -> Vec<serde_json::Map<String, serde_json::Value>> {
        amounts
            .into_iter()
            .map(|a| serde_json::from_value(json!({ "amount": a })).expect("row"))
            .collect()
    };
    store
        .insert_rows("deals", &deals(vec![5, 7]))
        .await
        .expect("rows");
    let file = json!({
        "format": "flowloom.flow", "format_version": 1,
        "composition": { "composition_id": "comp_deals", "name": "Deals" },
        "templates": [{ "template_id": "tpl_deal_total", "name": "Deal total",
                        "sql": "SELECT sum(amount) AS total FROM deals" }],
        "nodes": [{ "node_id": "total", "template_id": "tpl_deal_total",
                    "position": { "x": 0, "y": 0 } }],
        "connections": []
    });
    flowfile::import(store, &file.to_string(), OnConflict::Fail)
        .await
        .expect("import");
    let flow = stored(&workspace, "comp_deals").await;
    let total = |run: &RunDetail| {
        let node = &run.nodes[0];
        let page = results::page(
            workspace.root(),
            node.result_location.as_deref().expect("kept"),
            0,
            None,
        )
        .expect("reads");
        (
            node.from_cache,
            page.rows().expect("rows")[0]["total"].clone(),
        )
    };

    let first = run(&workspace, &engine, &flow, RunOptions::default()).await;
    assert_eq!(total(&first), (false, json!(12)));
    let second = run(&workspace, &engine, &flow, RunOptions::default()).await;
    assert_eq!(total(&second), (true, json!(12)), "unchanged: reused");
    store
        .insert_rows("deals", &deals(vec![30]))
        .await
        .expect("a write");
    let third = run(&workspace, &engine, &flow, RunOptions::default()).await;
    assert_eq!(total(&third), (false, json!(42)), "written to: run again");
}

/// A conditional node is decided on this run's facts even when everything it reads is
/// reused: the reused upstream's rows are read for it, a false condition still skips, and
/// a true one reuses its own result.
#[tokio::test]
async fn a_condition_is_decided_on_reused_rows_before_its_node_is_reused() {
    let (workspace, engine, _, _dir) = sample_workspace().await;
    let flow = imported(&workspace, "conditions.flow.json", "comp_conditions").await;
    let outcome = |run: &RunDetail| -> BTreeMap<String, (NodeStatus, bool)> {
        run.nodes
            .iter()
            .map(|n| (n.node_id.to_string(), (n.status, n.from_cache)))
            .collect()
    };
    let first = run(&workspace, &engine, &flow, RunOptions::default()).await;
    let second = run(&workspace, &engine, &flow, RunOptions::default()).await;
    let expected = |reused| {
        BTreeMap::from([
            ("after_gate".to_owned(), (NodeStatus::Skipped, false)),
            ("big_ads".to_owned(), (NodeStatus::Completed, reused)),
            ("gate".to_owned(), (NodeStatus::Skipped, false)),
            // Its condition reads `upstream.big_ads.first.ad_id`.
            ("go".to_owned(), (NodeStatus::Completed, reused)),
        ])
    };
    assert_eq!(outcome(&first), expected(false));
    assert_eq!(outcome(&second), expected(true));
    let gate = second.nodes.iter().find(|n| n.node_id.as_str() == "gate");
    let why = gate.and_then(|n| n.error.as_deref()).unwrap_or_default();
    assert!(why.contains("is false"), "{why}");
}

/// A reused result whose file was damaged by hand cannot feed a node that runs: that node
/// fails, naming the node and the file and saying how to compute it again, and running
/// without reuse computes everything.
#[tokio::test]
async fn a_damaged_reused_result_fails_the_node_that_reads_it_and_says_what_to_do() {
    let (workspace, engine, _, _dir) = sample_workspace().await;
    let flow = stored(&workspace, DEEP_DIVE).await;
    let first = run(&workspace, &engine, &flow, RunOptions::default()).await;
    let top = first
        .nodes
        .iter()
        .find(|n| n.node_id.as_str() == "top_campaigns");
    let location = top.and_then(|n| n.result_location.clone()).expect("kept");
    std::fs::write(workspace.root().join(&location), b"not parquet").expect("damage");

    let from = RunOptions {
        from: Some(NodeId::from("their_products")),
        ..RunOptions::default()
    };
    let (_, report) = run_report(&workspace, &engine, &flow, &from).await;
    assert_eq!(report.status, RunStatus::Failed);
    let node = |id: &str| report.node(id).expect("node");
    assert_eq!(node("top_campaigns").status, NodeStatus::Completed);
    assert_eq!(node("their_products").status, NodeStatus::Failed);
    let why = node("their_products").error.clone().unwrap_or_default();
    assert!(
        why.starts_with("`top_campaigns` reused an earlier run's result")
            && why.contains(&location)
            && why.ends_with("run again without reusing results"),
        "{why}"
    );
    assert_eq!(node("exclusive_products").status, NodeStatus::Skipped);

    let fresh = RunOptions {
        no_cache: true,
        ..RunOptions::default()
    };
    let fresh = run(&workspace, &engine, &flow, fresh).await;
    assert_eq!(reused(&fresh), all(&DEEP_DIVE_NODES, false));
}

/// A for-each node is reused like any other, and run again from here it reads the reused
/// upstream's rows back and comes to the same values and rows.
#[tokio::test]
async fn a_for_each_node_is_reused_and_reruns_from_reused_rows() {
    let (workspace, engine, _, _dir) = sample_workspace().await;
    let flow = imported(&workspace, "for-each.flow.json", "comp_for_each").await;
    let per_ad = |run: &RunDetail| {
        let node = run.nodes.iter().find(|n| n.node_id.as_str() == "per_ad");
        let node = node.expect("node").clone();
        let location = node.result_location.as_deref().expect("kept");
        let rows = results::page(workspace.root(), location, 0, None)
            .expect("reads")
            .rows()
            .expect("rows");
        (node.parameters, node.sql, rows)
    };

    let first = run(&workspace, &engine, &flow, RunOptions::default()).await;
    let again = run(&workspace, &engine, &flow, RunOptions::default()).await;
    assert_eq!(reused(&again), all(&["big_ads", "per_ad"], true));
    assert_eq!(per_ad(&again), per_ad(&first));

    let from = RunOptions {
        from: Some(NodeId::from("per_ad")),
        ..RunOptions::default()
    };
    let from = run(&workspace, &engine, &flow, from).await;
    assert_eq!(
        reused(&from),
        BTreeMap::from([("big_ads".to_owned(), true), ("per_ad".to_owned(), false)])
    );
    let (_, _, rows) = per_ad(&from);
    assert!(
        !rows.is_empty() && rows.iter().all(|row| row.get("ad_ids").is_some()),
        "each row carries the value it ran for: {rows:?}"
    );
    assert_eq!(per_ad(&from), per_ad(&first));
}
