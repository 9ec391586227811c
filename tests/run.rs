//! Running whole flows on the embedded engine: the example flows on the sample data, a
//! failing branch (skip and fail propagation), bounded parallelism and progress events.

use crate::support::sample_workspace;
use flowloom_core::FlowQuery;
use flowloom_core::engine::LocalEngine;
use flowloom_core::engine::arrow::array::AsArray;
use flowloom_core::engine::arrow::compute::cast;
use flowloom_core::engine::arrow::datatypes::DataType;
use flowloom_core::engine::arrow::record_batch::RecordBatch;
use flowloom_core::engine::run::{
    self, CancellationToken, FlowRun, NodeStatus, RunContext, RunError, RunEvent, RunOptions,
    RunStatus,
};
use flowloom_core::flowfile::FlowFile;
use flowloom_core::validation::{self, Catalog, ValidatedFlow};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::{Arc, Mutex};

fn quiet(_: RunEvent) {}

/// Runs `flow` on `engine` as asked by default, reusing nothing, hearing nothing.
async fn run_plainly(flow: &ValidatedFlow, engine: Arc<LocalEngine>) -> FlowRun {
    run::run(
        flow,
        &RunContext::new(engine),
        &RunOptions::default(),
        &quiet,
    )
    .await
    .expect("starts")
}

/// Every value of `column`, as text.
fn texts(batches: &[RecordBatch], column: &str) -> BTreeSet<String> {
    batches
        .iter()
        .flat_map(|b| {
            let array = b.column(b.schema().index_of(column).expect("column"));
            let text = cast(array, &DataType::Utf8).expect("cast to text");
            text.as_string::<i32>()
                .iter()
                .flatten()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The fixture flow with a broken branch, and a data folder holding `ads.csv`.
async fn failure_flow() -> (ValidatedFlow, Arc<LocalEngine>, tempfile::TempDir) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("tests/fixtures/runs/failure.flow.json"))
        .expect("fixture");
    let (flow, templates) = FlowFile::read(&text).expect("reads").into_parts();
    let validated = validation::validate(flow, &Catalog::from_templates(templates)).expect("valid");
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::copy(
        root.join("tests/fixtures/data/ads.csv"),
        dir.path().join("ads.csv"),
    )
    .expect("copy data");
    let engine = LocalEngine::open(dir.path()).await.expect("engine");
    (validated, Arc::new(engine), dir)
}

#[tokio::test]
async fn every_example_flow_runs_on_the_sample_data() {
    let (workspace, engine, catalog, _dir) = sample_workspace().await;
    let flows = workspace
        .store()
        .list_flows(&FlowQuery::default())
        .await
        .expect("flows");
    assert_eq!(flows.len(), 3);
    for summary in flows {
        let flow = workspace
            .store()
            .get_flow(&summary.composition_id)
            .await
            .expect("flow")
            .flow;
        let validated = validation::validate(flow, &catalog).expect("example flows are valid");
        let report = run_plainly(&validated, engine.clone()).await;
        for node in &report.nodes {
            assert_eq!(
                node.status,
                NodeStatus::Completed,
                "{}/{}: {:?}",
                summary.composition_id,
                node.node_id,
                node.error
            );
        }
        assert_eq!(report.status, RunStatus::Completed);
    }
}

/// "Top campaigns → their daily trend": the trend node receives exactly the campaigns the
/// first node found, as a bound list, and returns rows of those campaigns only.
#[tokio::test]
async fn a_mapping_carries_the_upstream_column_downstream() {
    let (workspace, engine, catalog, _dir) = sample_workspace().await;
    let flow = workspace
        .store()
        .get_flow(&"comp_campaign_deep_dive".into())
        .await
        .expect("flow")
        .flow;
    let validated = validation::validate(flow, &catalog).expect("valid");
    let mut options = RunOptions::default();
    options
        .parameters
        .insert("start_date".into(), json!("2026-05-01"));
    let report = run::run(&validated, &RunContext::new(engine), &options, &quiet)
        .await
        .expect("starts");

    let top = report.node("top_campaigns").expect("node");
    let result = top.result.as_ref().expect("a result");
    assert_eq!(result.row_count, 20, "the template's default limit");
    let ids = texts(&result.batches, "campaign_id");
    assert_eq!(ids.len(), 20);

    let trend = report.node("daily_trend").expect("node");
    assert_eq!(
        trend.parameters["start_date"],
        json!("2026-05-01"),
        "the given global"
    );
    let passed: BTreeSet<String> = trend.parameters["campaign_ids"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|v| v.as_str().expect("text id").to_owned())
        .collect();
    assert_eq!(passed, ids);
    assert!(
        trend
            .sql
            .as_deref()
            .is_some_and(|sql| sql.contains(":campaign_ids")),
        "the list is bound, not pasted: {:?}",
        trend.sql
    );
    let seen = texts(
        &trend.result.as_ref().expect("a result").batches,
        "campaign_id",
    );
    assert!(!seen.is_empty() && seen.is_subset(&ids), "{seen:?}");
}

#[tokio::test]
async fn a_failure_skips_what_needs_it_and_independent_branches_finish() {
    let (flow, engine, _dir) = failure_flow().await;
    let report = run_plainly(&flow, engine).await;
    let status = |id: &str| report.node(id).expect("node").status;
    assert_eq!(status("broken"), NodeStatus::Failed);
    assert!(
        report
            .node("broken")
            .and_then(|n| n.error.as_deref())
            .is_some_and(|e| e.contains("no_such_table")),
        "{:?}",
        report.node("broken")
    );
    assert_eq!(
        status("needs_broken"),
        NodeStatus::Skipped,
        "a required connection"
    );
    assert_eq!(
        status("optional_of_broken"),
        NodeStatus::Completed,
        "an optional connection runs without the value"
    );
    assert_eq!(
        report
            .node("optional_of_broken")
            .and_then(|n| n.result.as_ref())
            .map(|r| r.row_count),
        Some(4)
    );
    assert_eq!(status("big_ads"), NodeStatus::Completed);
    assert_eq!(status("among_big"), NodeStatus::Completed);
    // min_spend defaults to 50: ads 1, 2 and 4.
    assert_eq!(
        report
            .node("among_big")
            .and_then(|n| n.result.as_ref())
            .map(|r| r.row_count),
        Some(3)
    );
    assert_eq!(report.status, RunStatus::Failed);
}

#[tokio::test]
async fn one_at_a_time_gives_the_same_outcome_and_every_start_has_a_finish() {
    let (flow, engine, _dir) = failure_flow().await;
    let events = Mutex::new(Vec::new());
    let record = |event: RunEvent| events.lock().expect("lock").push(event);
    let options = RunOptions {
        max_parallel: 1,
        ..RunOptions::default()
    };
    let report = run::run(&flow, &RunContext::new(engine), &options, &record)
        .await
        .expect("starts");
    let events = events.into_inner().expect("lock");
    // Nodes that are skipped, or fail before their query starts, finish without starting.
    let mut running = BTreeSet::new();
    let mut finished = BTreeMap::new();
    for event in &events {
        match event {
            RunEvent::NodeStarted { node_id } => {
                assert!(running.insert(node_id.clone()));
                assert!(running.len() <= 1, "more than one node ran at once");
            }
            RunEvent::NodeFinished {
                node_id, status, ..
            } => {
                running.remove(node_id);
                assert!(finished.insert(node_id.to_string(), *status).is_none());
            }
        }
    }
    assert_eq!(finished.len(), 5, "{events:#?}");
    for node in &report.nodes {
        assert_eq!(finished[node.node_id.as_str()], node.status);
    }
}

#[tokio::test]
async fn global_parameters_are_checked_before_anything_runs() {
    let (flow, engine, _dir) = failure_flow().await;
    let mut options = RunOptions::default();
    options.parameters.insert("nope".into(), json!(1));
    let err = run::run(&flow, &RunContext::new(engine.clone()), &options, &quiet)
        .await
        .expect_err("unknown");
    assert_eq!(
        err.to_string(),
        "the flow has no global parameter `nope` (it has: min_spend)"
    );

    let mut options = RunOptions::default();
    options.parameters.insert("min_spend".into(), json!("lots"));
    let err = run::run(&flow, &RunContext::new(engine), &options, &quiet)
        .await
        .expect_err("not a number");
    assert!(
        matches!(&err, RunError::BadParameter { name, .. } if name == "min_spend"),
        "{err}"
    );
}

/// A recorded run pins the flow version it ran: unchanged content reuses the version, a
/// changed flow gets a new one; the flow's run count and last run follow the history.
#[tokio::test]
async fn a_recorded_run_pins_the_version_it_ran() {
    use crate::support::run_manually;

    let (workspace, engine, catalog, _dir) = sample_workspace().await;
    let id = "comp_product_drilldown".into();
    let mut flow = workspace.store().get_flow(&id).await.expect("flow").flow;
    let mut versions = Vec::new();
    for rename in [None, None, Some("Product drill-down, renamed")] {
        if let Some(name) = rename {
            flow.composition.name = name.to_owned();
            workspace.store().save_flow(&flow).await.expect("save");
        }
        let validated = validation::validate(flow.clone(), &catalog).expect("valid");
        let (run_id, report) = run_manually(&workspace, &engine, &validated).await;
        assert_eq!(report.status, RunStatus::Completed);
        let detail = workspace.store().get_run(run_id).await.expect("recorded");
        assert_eq!(detail.summary.status, RunStatus::Completed);
        assert_eq!(detail.nodes.len(), flow.nodes.len());
        // Every node's result is kept as Parquet and reads back whole.
        for node in &detail.nodes {
            let location = node.result_location.as_deref().expect("a stored result");
            let page = flowloom_core::engine::results::page(workspace.root(), location, 0, None)
                .expect("reads back");
            assert_eq!(Some(page.total_rows), node.row_count, "{}", node.node_id);
        }
        versions.push(detail.summary.version);
    }
    assert_eq!(versions, [Some(1), Some(1), Some(2)]);
    let summary = workspace
        .store()
        .list_flows(&FlowQuery::default())
        .await
        .expect("flows")
        .into_iter()
        .find(|f| f.composition_id == id)
        .expect("listed");
    assert_eq!(summary.meta.execution_count, 3);
    assert!(summary.meta.last_executed_at.is_some());
}

/// The slow fixture flow (a quick node, then one that takes minutes), read from its file,
/// with `edit` applied to its nodes' config.
fn slow_flow(edit: impl Fn(&mut flowloom_core::NodeConfig)) -> ValidatedFlow {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text =
        std::fs::read_to_string(root.join("tests/fixtures/runs/slow.flow.json")).expect("fixture");
    let (mut flow, templates) = FlowFile::read(&text).expect("reads").into_parts();
    for node in &mut flow.nodes {
        if node.node_id.as_str() == "slow" {
            edit(&mut node.node_config);
        }
    }
    validation::validate(flow, &Catalog::from_templates(templates)).expect("valid")
}

#[tokio::test]
async fn cancelling_stops_the_running_query_and_marks_what_had_not_finished() {
    let flow = slow_flow(|_| {});
    let dir = tempfile::tempdir().expect("temp dir");
    let engine = Arc::new(LocalEngine::open(dir.path()).await.expect("engine"));
    let cancel = CancellationToken::new();
    let context = RunContext::new(engine).cancelled_by(cancel.clone());
    // Cancel shortly after the slow query has started.
    let observer = |event: RunEvent| {
        if matches!(&event, RunEvent::NodeStarted { node_id } if node_id.as_str() == "slow") {
            let cancel = cancel.clone();
            tokio::spawn(async move {
                tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                cancel.cancel();
            });
        }
    };
    let report = run::run(&flow, &context, &RunOptions::default(), &observer)
        .await
        .expect("starts");
    assert_eq!(report.status, RunStatus::Cancelled);
    assert_eq!(
        report.node("quick").map(|n| n.status),
        Some(NodeStatus::Completed)
    );
    assert_eq!(
        report.node("slow").map(|n| n.status),
        Some(NodeStatus::Cancelled)
    );
}

#[tokio::test]
async fn a_node_that_runs_too_long_times_out_after_its_retries() {
    let flow = slow_flow(|config| {
        config.timeout_seconds = Some(1);
        config.retries = Some(1);
    });
    let dir = tempfile::tempdir().expect("temp dir");
    let engine = Arc::new(LocalEngine::open(dir.path()).await.expect("engine"));
    let options = RunOptions {
        retry_backoff: std::time::Duration::from_millis(50),
        ..RunOptions::default()
    };
    let report = run::run(&flow, &RunContext::new(engine), &options, &quiet)
        .await
        .expect("starts");
    let slow = report.node("slow").expect("node");
    assert_eq!(slow.status, NodeStatus::Failed);
    assert_eq!(slow.error.as_deref(), Some("timed out after 1 s"));
    assert_eq!(slow.attempts, 2, "one try and one retry");
    assert_eq!(report.status, RunStatus::Failed);
}

/// A conditional node runs only when its condition holds over the parameters and what its
/// upstream nodes returned; a false one is skipped, and so is what needs it.
#[tokio::test]
async fn a_false_condition_skips_the_node_and_what_needs_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("tests/fixtures/runs/conditions.flow.json"))
        .expect("fixture");
    let (flow, templates) = FlowFile::read(&text).expect("reads").into_parts();
    let flow = validation::validate(flow, &Catalog::from_templates(templates)).expect("valid");
    let (_, engine, _dir) = failure_flow().await;
    let report = run_plainly(&flow, engine).await;
    let status = |id: &str| report.node(id).map(|n| n.status);
    assert_eq!(status("big_ads"), Some(NodeStatus::Completed));
    assert_eq!(
        status("gate"),
        Some(NodeStatus::Skipped),
        "3 big ads, not more than 10"
    );
    assert!(
        report
            .node("gate")
            .and_then(|n| n.error.as_deref())
            .is_some_and(|why| why.contains("is false")),
        "{:?}",
        report.node("gate")
    );
    assert_eq!(status("after_gate"), Some(NodeStatus::Skipped));
    assert_eq!(status("go"), Some(NodeStatus::Completed));
    assert_eq!(
        report.status,
        RunStatus::Completed,
        "skipping is not failing"
    );
}

/// A condition that cannot be decided (here it divides by zero; a wrong type is refused
/// before the run) fails its node with the condition and the reason, rather than guessing
/// either way.
#[tokio::test]
async fn a_condition_that_cannot_be_decided_fails_the_node() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("tests/fixtures/runs/conditions.flow.json"))
        .expect("fixture");
    let (mut flow, templates) = FlowFile::read(&text).expect("reads").into_parts();
    let go = flow
        .nodes
        .iter_mut()
        .find(|n| n.node_id.as_str() == "go")
        .expect("node go");
    go.condition_expression = Some("upstream.big_ads.first.ad_id / 0 > 1".into());
    let flow = validation::validate(flow, &Catalog::from_templates(templates)).expect("valid");
    let (_, engine, _dir) = failure_flow().await;
    let report = run_plainly(&flow, engine).await;
    let go = report.node("go").expect("node");
    assert_eq!(go.status, NodeStatus::Failed);
    let error = go.error.as_deref().unwrap_or_default();
    assert!(
        error.starts_with("condition `upstream.big_ads.first.ad_id / 0 > 1`: "),
        "{error}"
    );
    assert_eq!(report.status, RunStatus::Failed);
}

/// A for-each node runs once per value of its list parameter; its rows are unioned, each
/// carrying the value it ran for.
#[tokio::test]
async fn a_for_each_node_runs_once_per_value_and_unions_its_rows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("tests/fixtures/runs/for-each.flow.json"))
        .expect("fixture");
    let (flow, templates) = FlowFile::read(&text).expect("reads").into_parts();
    let catalog = Catalog::from_templates(templates);
    let validated = validation::validate(flow.clone(), &catalog).expect("valid");
    let (_, engine, _dir) = failure_flow().await;
    let report = run_plainly(&validated, engine).await;
    let per_ad = report.node("per_ad").expect("node");
    assert_eq!(per_ad.status, NodeStatus::Completed, "{:?}", per_ad.error);
    let result = per_ad.result.as_ref().expect("a result");
    assert_eq!(result.row_count, 3, "ads 1, 2 and 4 spent 50 or more");
    assert_eq!(
        texts(&result.batches, "ad_ids"),
        texts(&result.batches, "ad_id")
    );
    assert!(
        per_ad
            .sql
            .as_deref()
            .is_some_and(|sql| sql.contains("once for each of the 3 values of ad_ids")),
        "{:?}",
        per_ad.sql
    );

    // for_each must name a list parameter of the template.
    let mut scalar = flow;
    scalar.nodes[1].node_config.for_each = Some("nope".into());
    let diagnostics = validation::check(&scalar, &catalog);
    assert!(
        diagnostics
            .iter()
            .any(|d| d.path == "/nodes/1/node_config/for_each"
                && d.code == validation::Code::UnknownParameter),
        "{diagnostics:#?}"
    );
}

/// A decimal column mapped into a decimal parameter stays exact: the connection's `sum` of
/// the payments fixture (`decimal(12,2)` by its sidecar) is the sum of its cents computed
/// here, not a float with noise, and `first` is the first amount digit for digit.
#[tokio::test]
async fn money_mapped_into_a_decimal_parameter_stays_exact() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text =
        std::fs::read_to_string(root.join("tests/fixtures/runs/money.flow.json")).expect("fixture");
    let (flow, templates) = FlowFile::read(&text).expect("reads").into_parts();
    let validated = validation::validate(flow, &Catalog::from_templates(templates)).expect("valid");
    let dir = tempfile::tempdir().expect("temp dir");
    for file in ["payments.csv", "payments.schema.json"] {
        std::fs::copy(
            root.join("tests/fixtures/data").join(file),
            dir.path().join(file),
        )
        .expect("copy data");
    }
    let csv = std::fs::read_to_string(dir.path().join("payments.csv")).expect("csv");
    let amounts: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|line| line.rsplit(',').next().expect("amount"))
        .collect();
    let cents: i64 = amounts
        .iter()
        .map(|a| {
            let (whole, cents) = a.split_once('.').expect("cents");
            whole.parse::<i64>().expect("whole") * 100 + cents.parse::<i64>().expect("cents")
        })
        .sum();
    let float: f64 = amounts.iter().map(|a| a.parse::<f64>().expect("f64")).sum();
    assert_ne!(
        float.to_string(),
        format!("{}.{}", cents / 100, cents % 100 / 10),
        "the fixture is one a float sum gets wrong"
    );

    let engine = Arc::new(LocalEngine::open(dir.path()).await.expect("engine"));
    let report = run_plainly(&validated, engine).await;
    let summed = report.node("summed").expect("node");
    assert_eq!(summed.status, NodeStatus::Completed, "{:?}", summed.error);
    let result = summed.result.as_ref().expect("a result");
    // Exact decimals drop trailing zeros as parameters: 1116977.30 is bound as 1116977.3.
    let total = format!("{}.{:02}", cents / 100, cents % 100);
    let total = total.trim_end_matches('0').trim_end_matches('.');
    assert_eq!(
        texts(&result.batches, "total"),
        BTreeSet::from([total.to_owned()])
    );
    let first = amounts[0].trim_end_matches('0').trim_end_matches('.');
    assert_eq!(
        texts(&result.batches, "first"),
        BTreeSet::from([first.to_owned()])
    );
}

fn runs_fixture(name: &str) -> ValidatedFlow {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text =
        std::fs::read_to_string(root.join("tests/fixtures/runs").join(name)).expect("fixture");
    let (flow, templates) = FlowFile::read(&text).expect("reads").into_parts();
    validation::validate(flow, &Catalog::from_templates(templates)).expect("valid")
}

/// A for-each node's value column is part of its result: a downstream node maps it (and
/// validation knows it is there). A query that returns a column of that name itself fails
/// its node, rather than giving a result with two columns of one name.
#[tokio::test]
async fn a_for_each_column_is_mapped_downstream_and_never_doubled() {
    let flow = runs_fixture("for-each-column.flow.json");
    let (_, engine, _dir) = failure_flow().await;
    let report = run_plainly(&flow, engine).await;

    let by_value = report.node("by_value").expect("node");
    assert_eq!(
        by_value.status,
        NodeStatus::Completed,
        "{:?}",
        by_value.error
    );
    let result = by_value.result.as_ref().expect("a result");
    assert_eq!(
        texts(&result.batches, "ad_id"),
        BTreeSet::from(["1".to_owned(), "2".to_owned(), "4".to_owned()]),
        "the ads per_ad ran for, read from its for-each column"
    );

    let tagged = report.node("tagged_twice").expect("node");
    assert_eq!(tagged.status, NodeStatus::Failed);
    let error = tagged.error.as_deref().unwrap_or_default();
    assert!(
        error.contains("already returns a column `ad_ids`") && error.contains("rename"),
        "{error}"
    );
    assert!(
        tagged.result.is_none(),
        "no result with two `ad_ids` columns"
    );
}

/// `first` of an upstream node that returned no rows gives a required parameter no value:
/// the node is skipped with that reason, and so is what needs it; it never runs with NULL.
#[tokio::test]
async fn first_of_no_rows_into_a_required_parameter_skips_the_node() {
    let flow = runs_fixture("empty-first.flow.json");
    let (_, engine, _dir) = failure_flow().await;
    let report = run_plainly(&flow, engine).await;
    let node = |id: &str| report.node(id).expect("node");

    assert_eq!(node("no_big_ads").status, NodeStatus::Completed);
    assert_eq!(
        node("no_big_ads").result.as_ref().map(|r| r.row_count),
        Some(0)
    );
    let skipped = node("first_of_none");
    assert_eq!(skipped.status, NodeStatus::Skipped);
    assert_eq!(
        skipped.error.as_deref(),
        Some(
            "`no_big_ads` returned no rows, so its `ad_id` gives no value for `ad_id`, which `first_of_none` requires"
        )
    );
    assert!(skipped.sql.is_none(), "it ran no query: {:?}", skipped.sql);
    assert_eq!(node("after_it").status, NodeStatus::Skipped);

    let ran = node("first_big");
    assert_eq!(ran.status, NodeStatus::Completed, "{:?}", ran.error);
    assert_eq!(
        ran.result.as_ref().map(|r| texts(&r.batches, "ad_id")),
        Some(BTreeSet::from(["1".to_owned()])),
        "the first big ad, by id"
    );
    assert_eq!(
        report.status,
        RunStatus::Completed,
        "skipping is not failing"
    );
}

/// A condition reads a decimal as a double, whatever its value (a whole `100.00` too), and
/// validation types it so: `* 2.0` runs, while `* 2` (a double times an int, which the
/// evaluator refuses) is refused before the run rather than failing the node.
#[tokio::test]
async fn a_condition_reads_a_decimal_as_a_double_and_validation_agrees() {
    let flow = runs_fixture("decimal-conditions.flow.json");
    let dir = tempfile::tempdir().expect("temp dir");
    let engine = Arc::new(LocalEngine::open(dir.path()).await.expect("engine"));
    let report = run_plainly(&flow, engine).await;
    let status = |id: &str| report.node(id).map(|n| (n.status, n.error.clone()));
    assert_eq!(status("doubled"), Some((NodeStatus::Completed, None)));
    assert_eq!(
        status("above").map(|(s, _)| s),
        Some(NodeStatus::Skipped),
        "100.00 is not above 100.5"
    );

    let mut refused = flow.flow().clone();
    refused.nodes[1].condition_expression =
        Some("upstream.total.first.total * 2 > 150.0".to_owned());
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text =
        std::fs::read_to_string(root.join("tests/fixtures/runs/decimal-conditions.flow.json"))
            .expect("fixture");
    let (_, templates) = FlowFile::read(&text).expect("reads").into_parts();
    let diagnostics = validation::check(&refused, &Catalog::from_templates(templates));
    assert!(
        diagnostics
            .iter()
            .any(|d| d.code == validation::Code::BadCondition
                && d.node_ids.iter().any(|n| n.as_str() == "doubled")),
        "{diagnostics:#?}"
    );
}

/// A date-time column reaches a date-time parameter as the instant it holds (one value or a
/// list, with a zone or without), never as the engine's count of microseconds.
#[tokio::test]
async fn date_times_are_carried_downstream_as_date_times() {
    let flow = runs_fixture("datetimes.flow.json");
    let dir = tempfile::tempdir().expect("temp dir");
    let engine = Arc::new(LocalEngine::open(dir.path()).await.expect("engine"));
    let report = run_plainly(&flow, engine).await;
    let after = report.node("after").expect("node");
    assert_eq!(after.status, NodeStatus::Completed, "{:?}", after.error);
    let batches = &after.result.as_ref().expect("a result").batches;
    assert_eq!(
        texts(batches, "first_at"),
        BTreeSet::from(["2026-03-15T11:15:00.123456".to_owned()])
    );
    assert_eq!(
        texts(batches, "first_utc"),
        // Bound as UTC: the same instant.
        BTreeSet::from(["2026-03-15T11:15:00".to_owned()])
    );
    assert_eq!(texts(batches, "matched"), BTreeSet::from(["2".to_owned()]));
}
