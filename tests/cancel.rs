//! Cancel and node timeouts hold for every query, however it spends its CPU. Each node of
//! `fixtures/runs/expensive.flow.json` would run for hours (a cross join summed, a nested
//! loop join, an equi-join whose every key matches a third of the other side, the top of a
//! sorted cross join, a data file joined with itself); before the query runtime and the
//! cooperative plans, a 2 s timeout fired after about a minute. The deadlines below are
//! functional checks, many times what a prompt stop takes, and far below what the queries
//! would take.

use flowloom_core::engine::LocalEngine;
use flowloom_core::engine::run::{
    self, CancellationToken, NodeStatus, RunContext, RunEvent, RunOptions, RunStatus,
};
use flowloom_core::flowfile::FlowFile;
use flowloom_core::validation::{self, Catalog, ValidatedFlow};
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Far longer than a stop takes, far shorter than any of the queries.
const DEADLINE: Duration = Duration::from_secs(60);

fn quiet(_: RunEvent) {}

/// The expensive fixture flow, each node with `timeout_seconds`, and an engine over a data
/// folder holding the 20,000-row `wide.csv` it joins with itself.
async fn expensive(
    timeout_seconds: Option<u32>,
) -> (ValidatedFlow, Arc<LocalEngine>, tempfile::TempDir) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("tests/fixtures/runs/expensive.flow.json"))
        .expect("fixture");
    let (mut flow, templates) = FlowFile::read(&text).expect("reads").into_parts();
    for node in &mut flow.nodes {
        node.node_config.timeout_seconds = timeout_seconds;
    }
    let validated = validation::validate(flow, &Catalog::from_templates(templates)).expect("valid");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut csv = String::from("x,label\n");
    for x in 0..20_000 {
        let _ = writeln!(csv, "{x},row {x}");
    }
    std::fs::write(dir.path().join("wide.csv"), csv).expect("data file");
    let engine = Arc::new(LocalEngine::open(dir.path()).await.expect("engine"));
    (validated, engine, dir)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_expensive_query_fails_at_its_timeout() {
    let (flow, engine, _dir) = expensive(Some(2)).await;
    let options = RunOptions {
        max_parallel: flow.flow().nodes.len(),
        ..RunOptions::default()
    };
    let started = Instant::now();
    let report = run::run(&flow, &RunContext::new(engine), &options, &quiet)
        .await
        .expect("starts");
    let took = started.elapsed();
    assert_eq!(report.status, RunStatus::Failed);
    for node in &report.nodes {
        assert_eq!(node.status, NodeStatus::Failed, "{}", node.node_id);
        assert_eq!(
            node.error.as_deref(),
            Some("timed out after 2 s"),
            "{}",
            node.node_id
        );
    }
    assert_eq!(report.nodes.len(), 5);
    assert!(took < DEADLINE, "the timeouts fired only after {took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_stops_every_expensive_query() {
    let (flow, engine, _dir) = expensive(None).await;
    let options = RunOptions {
        max_parallel: flow.flow().nodes.len(),
        ..RunOptions::default()
    };
    let cancel = CancellationToken::new();
    let context = RunContext::new(engine).cancelled_by(cancel.clone());
    let started = Instant::now();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(1)).await;
        cancel.cancel();
    });
    let report = run::run(&flow, &context, &options, &quiet)
        .await
        .expect("starts");
    let took = started.elapsed();
    assert_eq!(report.status, RunStatus::Cancelled);
    for node in &report.nodes {
        assert_eq!(node.status, NodeStatus::Cancelled, "{}", node.node_id);
    }
    assert!(took < DEADLINE, "the cancel took {took:?}");
}
