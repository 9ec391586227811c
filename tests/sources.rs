//! Flows across data sources on a real PostgreSQL server (the shared throwaway cluster
//! holding the sample dataset): every example flow, its templates pointed at PostgreSQL,
//! gives the rows it gives on local files; one flow chains PostgreSQL → local →
//! PostgreSQL; a node on a source that cannot be opened fails saying why, and the rest of
//! the flow runs.

use crate::pg_cluster::{self, DATABASE};
use crate::postgres::{until_running, until_stopped};
use crate::support::sample_workspace;
use flowloom_core::FlowQuery;
use flowloom_core::SourceId;
use flowloom_core::engine::arrow::array::{Array, AsArray};
use flowloom_core::engine::arrow::compute::cast;
use flowloom_core::engine::arrow::datatypes::DataType;
use flowloom_core::engine::arrow::record_batch::RecordBatch;
use flowloom_core::engine::postgres::PostgresConnector;
use flowloom_core::engine::run::{
    self, CancellationToken, FlowRun, NodeStatus, RunContext, RunOptions,
};
use flowloom_core::engine::{Connector, LocalEngine};
use flowloom_core::flowfile::FlowFile;
use flowloom_core::model::{Flow, RunStatus, SourceKind, Template};
use flowloom_core::validation::{self, Catalog, ValidatedFlow};
use std::sync::Arc;

fn pg_source() -> SourceId {
    SourceId::from("src_sales")
}

/// A connector to the shared cluster's sample database.
async fn postgres() -> Arc<dyn Connector> {
    let cluster = pg_cluster::shared().await;
    Arc::new(PostgresConnector::new(cluster.settings(DATABASE)))
}

/// `flow` validated with `templates`, in a workspace that has the PostgreSQL source.
fn validated(flow: Flow, templates: Vec<Template>) -> ValidatedFlow {
    let catalog = Catalog::from_templates(templates).with_sources([
        (SourceId::local(), SourceKind::Local),
        (pg_source(), SourceKind::Postgres),
    ]);
    validation::validate(flow, &catalog).unwrap_or_else(|d| panic!("invalid: {d:#?}"))
}

async fn run_on(flow: &ValidatedFlow, local: Arc<LocalEngine>) -> FlowRun {
    let context = RunContext::new(local).with_source(pg_source(), Ok(postgres().await));
    run::run(flow, &context, &RunOptions::default(), &|_| {})
        .await
        .expect("the run starts")
}

/// A result's rows as text, in the order they came (numbers are compared by value: see
/// [`same_rows`]).
fn rows(batches: &[RecordBatch]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for batch in batches {
        let columns: Vec<_> = batch
            .columns()
            .iter()
            .map(|c| cast(c, &DataType::Utf8).expect("every type reads as text"))
            .collect();
        for row in 0..batch.num_rows() {
            out.push(
                columns
                    .iter()
                    .map(|c| match c.is_null(row) {
                        true => "NULL".to_owned(),
                        false => c.as_string::<i32>().value(row).to_owned(),
                    })
                    .collect(),
            );
        }
    }
    out
}

/// Whether two results hold the same rows in the same order: text alike, numbers equal to
/// a millionth of their size (PostgreSQL and DataFusion divide floats and scale averages
/// their own ways).
#[track_caller]
fn same_rows(here: &[RecordBatch], there: &[RecordBatch], what: &str) {
    let (here, there) = (rows(here), rows(there));
    let same_cell = |a: &String, b: &String| match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => (x - y).abs() <= 1e-6 * x.abs().max(y.abs()).max(1.0),
        _ => a == b,
    };
    let same = here.len() == there.len()
        && here
            .iter()
            .zip(&there)
            .all(|(a, b)| a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_cell(x, y)));
    assert!(
        same,
        "{what}:\n local files: {here:?}\n PostgreSQL: {there:?}"
    );
}

fn on_postgres(mut templates: Vec<Template>) -> Vec<Template> {
    for template in templates
        .iter_mut()
        .filter(|t| t.kind == Default::default())
    {
        template.source_id = pg_source();
    }
    templates
}

#[tokio::test]
async fn every_example_flow_gives_the_same_rows_on_postgres_as_on_local_files() {
    let (workspace, engine, _catalog, _dir) = sample_workspace().await;
    let store = workspace.store();
    let flows = store
        .list_flows(&FlowQuery::default())
        .await
        .expect("flows");
    assert!(!flows.is_empty());
    for summary in flows {
        let file = flowloom_core::flowfile::export(store, &summary.composition_id)
            .await
            .expect("export");
        let (flow, templates) = file.into_parts();
        let local = run_on(&validated(flow.clone(), templates.clone()), engine.clone()).await;
        let remote = run_on(&validated(flow, on_postgres(templates)), engine.clone()).await;
        for (here, there) in local.nodes.iter().zip(&remote.nodes) {
            let id = &here.node_id;
            assert_eq!(
                here.status,
                NodeStatus::Completed,
                "{id} on local files: {here:?}"
            );
            assert_eq!(
                there.status,
                NodeStatus::Completed,
                "{id} on PostgreSQL: {there:?}"
            );
            let (here, there) = (
                here.result.as_ref().expect("a result"),
                there.result.as_ref().expect("a result"),
            );
            assert!(here.row_count > 0, "{id}: an example node gives rows");
            let what = format!("{}: node {id}'s rows", summary.composition_id);
            same_rows(&here.batches, &there.batches, &what);
        }
    }
}

/// A flow reading PostgreSQL (`src_sales`), then local files, then PostgreSQL again.
fn cross_source() -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(root.join("tests/fixtures/runs/cross-source.flow.json"))
        .expect("the cross-source fixture")
}

#[tokio::test]
async fn a_flow_chains_postgres_local_and_postgres_nodes() {
    let (_workspace, engine, _catalog, _dir) = sample_workspace().await;
    let (flow, templates) = FlowFile::read(&cross_source()).expect("reads").into_parts();
    let crossed = run_on(&validated(flow.clone(), templates.clone()), engine.clone()).await;
    assert!(
        crossed
            .nodes
            .iter()
            .all(|n| n.status == NodeStatus::Completed),
        "{:#?}",
        crossed.nodes
    );
    // The same three queries, every one on local files: the same rows.
    let mut local_templates = templates;
    for template in &mut local_templates {
        template.source_id = SourceId::local();
    }
    let local = run_on(&validated(flow, local_templates), engine).await;
    for (there, here) in crossed.nodes.iter().zip(&local.nodes) {
        let (there, here) = (
            there.result.as_ref().expect("a result"),
            here.result.as_ref().expect("a result"),
        );
        same_rows(&here.batches, &there.batches, "the flow across sources");
    }
    let orders = crossed.nodes[2].result.as_ref().expect("a result");
    assert_eq!(
        orders.row_count, 5,
        "one row for each of the top five campaigns"
    );
}

#[tokio::test]
async fn a_node_on_a_source_that_cannot_open_fails_saying_why_and_the_rest_runs() {
    let (_workspace, engine, _catalog, _dir) = sample_workspace().await;
    let (flow, templates) = FlowFile::read(&cross_source()).expect("reads").into_parts();
    let flow = validated(flow, templates);
    let why = "data source `src_sales`: the data source reads its password from environment variable `NOWHERE`, which is not set";
    let context = RunContext::new(engine).with_source(pg_source(), Err(why.to_owned()));
    let report = run::run(&flow, &context, &RunOptions::default(), &|_| {})
        .await
        .expect("the run starts");
    assert_eq!(report.nodes[0].status, NodeStatus::Failed);
    assert_eq!(report.nodes[0].error.as_deref(), Some(why));
    // The nodes after it are skipped, naming it; nothing else is touched.
    assert_eq!(report.nodes[1].status, NodeStatus::Skipped);
}

#[tokio::test]
async fn a_template_on_postgres_is_not_planned_against_the_local_files() {
    let (_workspace, engine, _catalog, _dir) = sample_workspace().await;
    let text = cross_source().replace("FROM orders", "FROM crm.orders_only_on_the_server");
    let (flow, templates) = FlowFile::read(&text).expect("reads").into_parts();
    let catalog = Catalog::from_templates(templates).with_sources([
        (SourceId::local(), SourceKind::Local),
        (pg_source(), SourceKind::Postgres),
    ]);
    let found = flowloom_core::engine::plan_check::problems(&flow, &catalog, engine.as_ref()).await;
    assert_eq!(
        found,
        Vec::new(),
        "a table only the server has is no local `unknown_table`"
    );
    // The same template on the local engine is judged there.
    let (flow, mut templates) = FlowFile::read(&text).expect("reads").into_parts();
    for template in &mut templates {
        template.source_id = SourceId::local();
    }
    let catalog = Catalog::from_templates(templates);
    let found = flowloom_core::engine::plan_check::problems(&flow, &catalog, engine.as_ref()).await;
    assert!(
        found
            .iter()
            .any(|d| d.code == flowloom_core::validation::Code::UnknownTable),
        "{found:#?}"
    );
}

/// The cross-source flow, its first (PostgreSQL) node's query waiting a minute on the
/// server under `marker`.
fn waiting_on_the_server(marker: &str) -> (Flow, Vec<Template>) {
    let text = cross_source().replace(
        "FROM ad_daily",
        &format!("FROM ad_daily, pg_sleep(60) AS {marker}"),
    );
    FlowFile::read(&text).expect("reads").into_parts()
}

#[tokio::test]
async fn cancelling_a_run_stops_its_query_on_the_server() {
    let (_workspace, engine, _catalog, _dir) = sample_workspace().await;
    let admin = pg_cluster::shared().await.admin(DATABASE).await;
    let (flow, templates) = waiting_on_the_server("run_cancel_marker");
    let flow = validated(flow, templates);
    let cancel = CancellationToken::new();
    let context = RunContext::new(engine)
        .with_source(pg_source(), Ok(postgres().await))
        .cancelled_by(cancel.clone());
    let run =
        tokio::spawn(
            async move { run::run(&flow, &context, &RunOptions::default(), &|_| {}).await },
        );
    until_running(&admin, "run_cancel_marker").await;
    cancel.cancel();
    let report = run.await.expect("the run ends").expect("the run starts");
    assert_eq!(report.status, RunStatus::Cancelled);
    assert_eq!(report.nodes[0].status, NodeStatus::Cancelled);
    // The server no longer runs it (`until_stopped` fails the test past 5 s).
    until_stopped(&admin, "run_cancel_marker").await;
    admin.close().await;
}

#[tokio::test]
async fn a_node_timeout_stops_its_query_on_the_server() {
    let (_workspace, engine, _catalog, _dir) = sample_workspace().await;
    let admin = pg_cluster::shared().await.admin(DATABASE).await;
    let (mut flow, templates) = waiting_on_the_server("node_timeout_marker");
    flow.nodes[0].node_config.timeout_seconds = Some(1);
    let report = run_on(&validated(flow, templates), engine).await;
    assert_eq!(report.status, RunStatus::Failed);
    assert_eq!(report.nodes[0].status, NodeStatus::Failed);
    let error = report.nodes[0].error.as_deref().unwrap_or_default();
    assert!(error.contains("timed out"), "{error}");
    until_stopped(&admin, "node_timeout_marker").await;
    admin.close().await;
}
