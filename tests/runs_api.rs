//! One registry of runs for the window, the command line and the scheduler
//! (`flowloom_core::api::Runs`), on a real workspace and engine: a flow runs once at a time
//! whoever asks second, any side cancels a run another started, a run another process holds
//! keeps its flow busy (and one whose process died does not), and a scheduled turn that
//! cannot start is in the history with why.

use crate::support::{run_elsewhere, sample_workspace};
use chrono::{DateTime, Utc};
use flowloom_core::api::{RunNotice, RunRequest, Runs, RunsError};
use flowloom_core::flowfile::{self, OnConflict};
use flowloom_core::model::{
    NodeStatus, OverlapPolicy, RunStatus, RunSummary, ScheduleSpec, ScheduleTrigger, Trigger,
};
use flowloom_core::schedule::{self, Clock, FiredOutcome, Scheduler};
use flowloom_core::{CompositionId, Workspace};
use std::sync::{Arc, Mutex};
use std::time::Duration;

struct StillClock;

impl Clock for StillClock {
    fn now(&self) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-24T10:01:00Z")
            .expect("a time")
            .with_timezone(&Utc)
    }
}

const SLOW: &str = "comp_slow";

/// A workspace holding the slow fixture flow (a quick node, then one that takes minutes),
/// and its runs.
async fn slow_workspace() -> (Runs, tempfile::TempDir) {
    let (workspace, engine, _, dir) = sample_workspace().await;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let slow =
        std::fs::read_to_string(root.join("tests/fixtures/runs/slow.flow.json")).expect("fixture");
    flowfile::import(workspace.store(), &slow, OnConflict::Fail)
        .await
        .expect("imports");
    (Runs::new(workspace, engine), dir)
}

async fn schedule_slow(workspace: &Workspace, overlap: OverlapPolicy) -> i64 {
    let spec = ScheduleSpec {
        name: "Slow".into(),
        composition_id: SLOW.into(),
        trigger: ScheduleTrigger::Cron {
            expression: "*/5 * * * *".into(),
            timezone: "UTC".into(),
        },
        condition: None,
        parameters: Default::default(),
        catch_up: false,
        overlap,
        enabled: true,
    };
    schedule::create(workspace.store(), &spec, StillClock.now())
        .await
        .expect("create")
        .id
}

async fn runs_of(workspace: &Workspace, flow: &str) -> Vec<RunSummary> {
    workspace
        .store()
        .list_runs(Some(&CompositionId::from(flow)))
        .await
        .expect("runs")
}

/// Waits (a minute at most) until the flow's latest run has recorded its quick node: the
/// slow one is running then.
async fn wait_until_slow_node_runs(workspace: &Workspace) {
    for _ in 0..1200 {
        if let Some(run) = runs_of(workspace, SLOW).await.first() {
            let detail = workspace.store().get_run(run.run_id).await.expect("run");
            if detail.nodes.iter().any(|n| n.node_id.as_str() == "quick") {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the slow flow's run never got to its slow node");
}

/// The scheduler starts the slow flow; the window (the same registry) is refused when it
/// asks to run it too, sees the run as the scheduler's, and cancels it: the run is recorded
/// CANCELLED, its slow node with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_sees_refuses_and_cancels_a_run_the_scheduler_started() {
    let (runs, _dir) = slow_workspace().await;
    let heard = Arc::new(Mutex::new(Vec::new()));
    runs.listen({
        let heard = heard.clone();
        move |notice| {
            if !matches!(notice, RunNotice::Progress { .. }) {
                heard.lock().expect("heard").push(notice.clone());
            }
        }
    });
    let workspace = runs.workspace().clone();
    let id = schedule_slow(&workspace, OverlapPolicy::Skip).await;
    let scheduler = Scheduler::new(runs.clone(), Arc::new(StillClock));
    let fired = scheduler.run_now(id).await.expect("fires");
    assert_eq!(fired.outcome, FiredOutcome::Started);
    wait_until_slow_node_runs(&workspace).await;

    let active = runs.active();
    assert_eq!(active.len(), 1);
    assert_eq!(active[0].composition_id.as_str(), SLOW);
    assert_eq!(active[0].schedule, Some(id));

    let flow = runs
        .validated_flow(&SLOW.into())
        .await
        .expect("the flow is valid");
    let quiet = |_| {};
    let second = runs
        .start(&flow, &RunRequest::default(), Trigger::Manual, &quiet)
        .await;
    match second {
        Err(RunsError::AlreadyRunning { flow, by }) => {
            assert_eq!(flow.as_str(), SLOW);
            assert_eq!(by, format!("started by schedule {id}"));
        }
        other => panic!("a second run of a running flow was not refused: {other:?}"),
    }

    assert!(
        runs.cancel(&SLOW.into()),
        "the window cancels the schedule's run"
    );
    let ended = tokio::time::timeout(Duration::from_secs(60), scheduler.idle()).await;
    assert!(
        ended.is_ok(),
        "the cancelled run was still going a minute later"
    );
    let history = runs_of(&workspace, SLOW).await;
    assert_eq!(
        history.len(),
        1,
        "the refused run left no trace: {history:?}"
    );
    assert_eq!(history[0].status, RunStatus::Cancelled);
    // "Run now" in the Schedules screen: a manual trigger, recorded with its schedule.
    assert_eq!(history[0].trigger, Trigger::Manual);
    let detail = workspace
        .store()
        .get_run(history[0].run_id)
        .await
        .expect("run");
    let slow = detail.nodes.iter().find(|n| n.node_id.as_str() == "slow");
    assert_eq!(slow.map(|n| n.status), Some(NodeStatus::Cancelled));
    assert!(runs.active().is_empty());

    // The window heard the schedule's run start and end, with its outcome.
    let heard = heard.lock().expect("heard").clone();
    assert_eq!(heard.len(), 2, "{heard:?}");
    assert!(matches!(&heard[0], RunNotice::Started { run } if run.schedule == Some(id)));
    assert!(matches!(
        &heard[1],
        RunNotice::Ended { run_id: Some(run), status: Some(RunStatus::Cancelled), .. }
            if *run == history[0].run_id
    ));
}

/// The window's run holds the flow: a schedule whose turn comes meanwhile skips it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_schedule_skips_a_flow_the_window_is_running() {
    let (runs, _dir) = slow_workspace().await;
    let workspace = runs.workspace().clone();
    let id = schedule_slow(&workspace, OverlapPolicy::Skip).await;
    let window = tokio::spawn({
        let runs = runs.clone();
        async move {
            let flow = runs.validated_flow(&SLOW.into()).await.expect("valid");
            let quiet = |_| {};
            runs.start(&flow, &RunRequest::default(), Trigger::Manual, &quiet)
                .await
                .map(|(_, report)| report.status)
        }
    });
    wait_until_slow_node_runs(&workspace).await;
    let scheduler = Scheduler::new(runs.clone(), Arc::new(StillClock));
    let fired = scheduler.run_now(id).await.expect("fires");
    assert_eq!(
        fired.outcome,
        FiredOutcome::Skipped(format!("flow `{SLOW}` is still running"))
    );
    assert!(runs.cancel(&SLOW.into()));
    let status = tokio::time::timeout(Duration::from_secs(60), window)
        .await
        .expect("the run ended within a minute")
        .expect("the task ran")
        .expect("the run was recorded");
    assert_eq!(status, RunStatus::Cancelled);
    assert_eq!(runs_of(&workspace, SLOW).await.len(), 1);
}

/// A run another process holds (its run lock taken) keeps the flow busy here; once that
/// process is gone (the lock released, the run still RUNNING as a kill leaves it), the run
/// is marked interrupted and the flow runs again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_another_process_holds_keeps_its_flow_busy_until_that_process_dies() {
    let (runs, _dir) = slow_workspace().await;
    let (other, lock) = run_elsewhere(runs.workspace(), "comp_product_drilldown").await;

    let flow = runs
        .validated_flow(&"comp_product_drilldown".into())
        .await
        .expect("valid");
    let quiet = |_| {};
    let refused = runs
        .start(&flow, &RunRequest::default(), Trigger::Cli, &quiet)
        .await;
    match refused {
        Err(RunsError::AlreadyRunning { by, .. }) => {
            assert_eq!(by, format!("run {other}, in another process"));
        }
        other => panic!("a flow another process runs was started: {other:?}"),
    }

    drop(lock); // the other process dies
    let (run, report) = runs
        .start(&flow, &RunRequest::default(), Trigger::Cli, &quiet)
        .await
        .expect("runs once the other process is gone");
    assert_eq!(report.status, RunStatus::Completed);
    let history = runs_of(runs.workspace(), "comp_product_drilldown").await;
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].run_id, run);
    assert_eq!(
        history[1].status,
        RunStatus::Failed,
        "the dead run is interrupted"
    );
}

/// A schedule's turn for a flow that can no longer run (its template now names a parameter
/// it does not declare; the schedule's parameters no longer fit) is a FAILED run in the
/// history saying why, never only a line on standard error.
#[tokio::test]
async fn a_scheduled_run_that_cannot_start_is_in_the_history_with_why() {
    let (runs, _dir) = slow_workspace().await;
    let workspace = runs.workspace().clone();
    let id = schedule_slow(&workspace, OverlapPolicy::Skip).await;
    let scheduler = Scheduler::new(runs.clone(), Arc::new(StillClock));
    let store = workspace.store();

    sqlx::query("UPDATE query_templates SET sql_text = 'SELECT {{undeclared}} AS one' WHERE template_id = 'tpl_quick'")
        .execute(store.pool())
        .await
        .expect("the template changes under the flow");
    scheduler.run_now(id).await.expect("fires");
    scheduler.idle().await;
    let history = runs_of(&workspace, SLOW).await;
    assert_eq!(history.len(), 1, "the turn is in the history");
    assert_eq!(history[0].status, RunStatus::Failed);
    let detail = store.get_run(history[0].run_id).await.expect("run");
    assert!(detail.nodes.is_empty());
    let why = detail.summary.error.clone().unwrap_or_default();
    assert!(
        why.starts_with(&format!(
            "schedule {id} could not start it: the flow cannot run"
        )) && why.contains("undeclared"),
        "{why}"
    );

    sqlx::query(
        "UPDATE query_templates SET sql_text = 'SELECT 1 AS one' WHERE template_id = 'tpl_quick'",
    )
    .execute(store.pool())
    .await
    .expect("the template is fixed");
    sqlx::query("UPDATE schedules SET parameter_values = '{\"nope\": 1}' WHERE id = ?")
        .bind(id)
        .execute(store.pool())
        .await
        .expect("the schedule's parameters stop fitting");
    scheduler.run_now(id).await.expect("fires");
    scheduler.idle().await;
    let history = runs_of(&workspace, SLOW).await;
    assert_eq!(history.len(), 2);
    let why = history[0].error.clone().unwrap_or_default();
    assert!(why.contains("no global parameter `nope`"), "{why}");
}
