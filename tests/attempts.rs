//! A node run records the attempts that actually started, however the run ends: the slow
//! fixture flow's slow node (a query of minutes) with a 2 s timeout and retries, cancelled
//! during its second attempt, is recorded CANCELLED after 2 attempts; the quick node that
//! completed after 1; a node that never started (skipped, or reused) after none.

use crate::support::{count, exec};
use flowloom_core::Workspace;
use flowloom_core::engine::LocalEngine;
use flowloom_core::engine::history;
use flowloom_core::engine::run::{
    CancellationToken, NodeStatus, RunContext, RunEvent, RunOptions, RunStatus,
};
use flowloom_core::flowfile::{self, FlowFile, OnConflict};
use flowloom_core::model::{NodeRecord, RunId, Trigger};
use flowloom_core::validation::{self, ValidatedFlow};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// A workspace holding the slow fixture flow, its slow node with a 2 s timeout and `retries`.
async fn slow_workspace(retries: u32) -> (Workspace, ValidatedFlow, tempfile::TempDir) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text =
        std::fs::read_to_string(root.join("tests/fixtures/runs/slow.flow.json")).expect("fixture");
    let mut file = FlowFile::read(&text).expect("reads");
    let slow = file
        .nodes
        .iter_mut()
        .find(|n| n.node_id.as_str() == "slow")
        .expect("node slow");
    slow.node_config.timeout_seconds = Some(2);
    slow.node_config.retries = Some(retries);
    let dir = tempfile::tempdir().expect("temp dir");
    let workspace = Workspace::open(dir.path()).await.expect("workspace");
    flowfile::import(workspace.store(), &file.to_text(), OnConflict::Fail)
        .await
        .expect("imports");
    let store = workspace.store();
    let detail = store.get_flow(&"comp_slow".into()).await.expect("stored");
    let catalog = store.catalog_for(&detail.flow).await.expect("catalog");
    let flow = validation::validate(detail.flow, &catalog).expect("valid");
    (workspace, flow, dir)
}

/// Runs `flow`, recorded; with `cancel_after`, cancels that long after the slow node starts.
async fn run(
    workspace: &Workspace,
    flow: &ValidatedFlow,
    cancel_after: Option<Duration>,
) -> (RunId, Vec<NodeRecord>) {
    let engine = Arc::new(LocalEngine::for_workspace(workspace).await.expect("engine"));
    let options = RunOptions {
        retry_backoff: Duration::from_millis(50),
        ..RunOptions::default()
    };
    let token = CancellationToken::new();
    let context = RunContext::new(engine).cancelled_by(token.clone());
    let observer = |event: RunEvent| {
        if let (Some(after), RunEvent::NodeStarted { node_id }) = (cancel_after, &event)
            && node_id.as_str() == "slow"
        {
            let token = token.clone();
            tokio::spawn(async move {
                tokio::time::sleep(after).await;
                token.cancel();
            });
        }
    };
    let (run_id, _) = history::run_recorded(
        workspace,
        flow,
        context,
        &options,
        Trigger::Manual,
        &observer,
    )
    .await
    .expect("runs");
    let recorded = workspace.store().get_run(run_id).await.expect("recorded");
    (run_id, recorded.nodes)
}

fn node<'a>(nodes: &'a [NodeRecord], id: &str) -> &'a NodeRecord {
    nodes
        .iter()
        .find(|n| n.node_id.as_str() == id)
        .unwrap_or_else(|| panic!("node {id} recorded: {nodes:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_cancelled_mid_retry_records_the_attempts_that_started() {
    let (workspace, flow, _dir) = slow_workspace(3).await;
    // Attempt 1 runs 0–2 s and times out, attempt 2 starts at about 2.05 s: cancel at 3 s.
    let (run_id, nodes) = run(&workspace, &flow, Some(Duration::from_secs(3))).await;
    let summary = workspace
        .store()
        .get_run(run_id)
        .await
        .expect("run")
        .summary;
    assert_eq!(summary.status, RunStatus::Cancelled);
    let slow = node(&nodes, "slow");
    assert_eq!(slow.status, NodeStatus::Cancelled);
    assert_eq!(slow.attempts, 2, "one timed out, the second was cancelled");
    assert_eq!(node(&nodes, "quick").attempts, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_cancelled_in_its_first_attempt_records_one() {
    let (workspace, flow, _dir) = slow_workspace(0).await;
    let (_, nodes) = run(&workspace, &flow, Some(Duration::from_millis(300))).await;
    let slow = node(&nodes, "slow");
    assert_eq!(slow.status, NodeStatus::Cancelled);
    assert_eq!(slow.attempts, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_that_used_every_retry_records_them_all_and_a_reused_one_none() {
    let (workspace, flow, _dir) = slow_workspace(1).await;
    let (_, nodes) = run(&workspace, &flow, None).await;
    let slow = node(&nodes, "slow");
    assert_eq!(slow.status, NodeStatus::Failed);
    assert_eq!(slow.attempts, 2, "one try and one retry");
    assert_eq!(node(&nodes, "quick").attempts, 1);

    // Run again: `quick` is reused from the first run, no query of its tried.
    let (_, nodes) = run(&workspace, &flow, Some(Duration::from_millis(300))).await;
    let quick = node(&nodes, "quick");
    assert!(quick.from_cache, "{quick:?}");
    assert_eq!(quick.attempts, 0);
}

/// The migration that lets a node run record no attempt rebuilds the node runs' table: every
/// node run and every kept result that names one is still there after it, and 0 is stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rebuilding_the_node_runs_keeps_every_row_and_kept_result() {
    let (workspace, flow, _dir) = slow_workspace(0).await;
    run(&workspace, &flow, Some(Duration::from_millis(300))).await;
    run(&workspace, &flow, Some(Duration::from_millis(300))).await;
    let store = workspace.store();
    let rows = "SELECT count(*) FROM node_executions";
    let kept = "SELECT count(*) FROM node_result_cache";
    let (rows_before, kept_before) = (count(store, rows).await, count(store, kept).await);
    assert!(
        rows_before >= 4 && kept_before >= 1,
        "{rows_before} {kept_before}"
    );
    let migration = include_str!("../migrations/20261207170000_node_attempts_from_zero.sql");
    exec(store, format!("BEGIN;\n{migration}\nCOMMIT;"))
        .await
        .expect("the migration runs again");
    assert_eq!(count(store, rows).await, rows_before);
    assert_eq!(count(store, kept).await, kept_before);
    assert_eq!(
        count(
            store,
            "SELECT count(*) FROM node_result_cache c \
             JOIN node_executions n ON n.id = c.node_execution"
        )
        .await,
        kept_before,
        "each kept result still names its node run"
    );
    let (_, nodes) = run(&workspace, &flow, Some(Duration::from_millis(300))).await;
    assert_eq!(node(&nodes, "quick").attempts, 0, "reused: stored as 0");
}
