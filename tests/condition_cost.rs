//! A condition costs what its values make it cost, and a run stays in charge of it:
//! `fixtures/runs/costly-condition.flow.json` feeds 40,000 numbers to a conditional node
//! whose condition compares the whole list with itself once per number (1.6 billion
//! comparisons, within the step budget: minutes of CPU). Its node's timeout and a cancel cut
//! it off, the node beside it runs meanwhile, and the history says why; a condition past
//! the step budget fails its node saying so; a schedule's condition is bounded the same
//! way. Deadlines are functional checks, far above a prompt stop, far below the work.

use flowloom_core::Workspace;
use flowloom_core::api::Runs;
use flowloom_core::condition::MAX_STEPS;
use flowloom_core::engine::LocalEngine;
use flowloom_core::engine::history;
use flowloom_core::engine::run::{
    CancellationToken, FlowRun, NodeStatus, RunContext, RunEvent, RunOptions, RunStatus,
};
use flowloom_core::flowfile::{self, FlowFile, OnConflict};
use flowloom_core::model::{OverlapPolicy, RunId, ScheduleSpec, ScheduleTrigger, Trigger};
use flowloom_core::schedule::{self, FiredOutcome, Scheduler, SystemClock};
use flowloom_core::validation::{self, Catalog};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Far longer than a prompt stop takes, far shorter than the condition would.
const DEADLINE: Duration = Duration::from_secs(60);

/// The costly condition, as the fixture has it.
const COSTLY: &str = "params.ns.all(x, params.ns == params.ns)";

/// A workspace holding the fixture flow with `condition` and `timeout_seconds` on its gate.
async fn workspace_with(
    condition: &str,
    timeout_seconds: Option<u32>,
) -> (Workspace, Arc<LocalEngine>, tempfile::TempDir) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("tests/fixtures/runs/costly-condition.flow.json"))
        .expect("fixture");
    let mut file = FlowFile::read(&text).expect("reads");
    let gate = file
        .nodes
        .iter_mut()
        .find(|n| n.node_id.as_str() == "gate")
        .expect("node gate");
    gate.condition_expression = Some(condition.to_owned());
    gate.node_config.timeout_seconds = timeout_seconds;
    let dir = tempfile::tempdir().expect("temp dir");
    let workspace = Workspace::open(dir.path()).await.expect("workspace");
    flowfile::import(workspace.store(), &file.to_text(), OnConflict::Fail)
        .await
        .expect("imports");
    let engine = Arc::new(
        LocalEngine::for_workspace(&workspace)
            .await
            .expect("engine"),
    );
    (workspace, engine, dir)
}

/// Runs the stored fixture flow, recorded; every event goes to `events`. With `cancel`, the
/// run is cancelled half a second after the numbers are in (while the gate decides).
async fn run_recorded(
    workspace: &Workspace,
    engine: &Arc<LocalEngine>,
    cancel: bool,
    events: &Mutex<Vec<RunEvent>>,
) -> (RunId, FlowRun, Duration) {
    let store = workspace.store();
    let id = "comp_costly_condition".into();
    let detail = store.get_flow(&id).await.expect("stored");
    let catalog = store.catalog_for(&detail.flow).await.expect("catalog");
    let flow = validation::validate(detail.flow, &catalog).expect("valid");
    let options = RunOptions::default();
    let token = CancellationToken::new();
    let context = RunContext::new(engine.clone()).cancelled_by(token.clone());
    let observer = |event: RunEvent| {
        if cancel
            && matches!(&event, RunEvent::NodeFinished { node_id, .. } if node_id.as_str() == "numbers")
        {
            let token = token.clone();
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(500)).await;
                token.cancel();
            });
        }
        events.lock().expect("events").push(event);
    };
    let started = Instant::now();
    let (run_id, report) = history::run_recorded(
        workspace,
        &flow,
        context,
        &options,
        Trigger::Manual,
        &observer,
    )
    .await
    .expect("runs");
    (run_id, report, started.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_costly_condition_fails_at_its_nodes_timeout_while_the_run_goes_on() {
    let (workspace, engine, _dir) = workspace_with(COSTLY, Some(1)).await;
    let events = Mutex::new(Vec::new());
    let (run_id, report, took) = run_recorded(&workspace, &engine, false, &events).await;
    assert!(took < DEADLINE, "the timeout fired only after {took:?}");
    let gate = report.node("gate").expect("gate");
    let why = format!("condition `{COSTLY}`: timed out after 1 s");
    assert_eq!(gate.status, NodeStatus::Failed);
    assert_eq!(gate.error.as_deref(), Some(why.as_str()));
    assert_eq!(gate.attempts, 0, "no query of its was tried");
    assert_eq!(report.status, RunStatus::Failed);

    // The run loop never waited on the condition: the node beside it ran meanwhile.
    let finished: Vec<String> = events
        .lock()
        .expect("events")
        .iter()
        .filter_map(|event| match event {
            RunEvent::NodeFinished { node_id, .. } => Some(node_id.to_string()),
            RunEvent::NodeStarted { .. } => None,
        })
        .collect();
    assert_eq!(finished, ["numbers", "beside", "gate"]);

    let recorded = workspace.store().get_run(run_id).await.expect("recorded");
    let gate = recorded
        .nodes
        .iter()
        .find(|n| n.node_id.as_str() == "gate")
        .expect("gate recorded");
    assert_eq!(gate.status, NodeStatus::Failed);
    assert_eq!(gate.error.as_deref(), Some(why.as_str()));
    assert_eq!(gate.attempts, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_stops_a_condition_being_decided() {
    let (workspace, engine, _dir) = workspace_with(COSTLY, None).await;
    let events = Mutex::new(Vec::new());
    let (run_id, report, took) = run_recorded(&workspace, &engine, true, &events).await;
    assert!(
        took < DEADLINE,
        "the cancel was honoured only after {took:?}"
    );
    assert_eq!(report.status, RunStatus::Cancelled);
    let gate = report.node("gate").expect("gate");
    assert_eq!(gate.status, NodeStatus::Cancelled);
    assert_eq!(gate.error.as_deref(), Some("cancelled"));

    let recorded = workspace.store().get_run(run_id).await.expect("recorded");
    assert_eq!(recorded.summary.status, RunStatus::Cancelled);
    let statuses: Vec<(String, NodeStatus, u32)> = recorded
        .nodes
        .iter()
        .map(|n| (n.node_id.to_string(), n.status, n.attempts))
        .collect();
    assert!(
        statuses.contains(&("gate".to_owned(), NodeStatus::Cancelled, 0)),
        "{statuses:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_condition_past_the_step_budget_fails_its_node_saying_so() {
    // 40,000 × 40,000 items visited: 1.6 billion steps, refused at the budget.
    let condition = "params.ns.all(a, params.ns.all(b, a >= 0 && b >= 0))";
    let (workspace, engine, _dir) = workspace_with(condition, None).await;
    let events = Mutex::new(Vec::new());
    let (_, report, took) = run_recorded(&workspace, &engine, false, &events).await;
    assert!(took < DEADLINE, "the budget held only after {took:?}");
    let gate = report.node("gate").expect("gate");
    assert_eq!(gate.status, NodeStatus::Failed);
    let error = gate.error.as_deref().unwrap_or_default();
    assert!(
        error.starts_with(&format!(
            "condition `{condition}`: the condition takes more than {MAX_STEPS} steps to decide"
        )),
        "{error}"
    );
    assert!(error.ends_with("decide it over fewer values"), "{error}");
}

/// A schedule's condition is decided within its budget too: one past it is refused when the
/// schedule fires, saying so, and the tick comes back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_schedule_condition_past_the_step_budget_fails_the_firing_saying_so() {
    let (workspace, engine, _dir) = workspace_with(COSTLY, None).await;
    let hundred = (0..100)
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let condition = format!("[{hundred}].all(a, [{hundred}].all(b, [{hundred}].all(c, true)))");
    let spec = ScheduleSpec {
        name: "Costly".into(),
        composition_id: "comp_costly_condition".into(),
        trigger: ScheduleTrigger::Cron {
            expression: "0 9 * * *".into(),
            timezone: "UTC".into(),
        },
        condition: Some(condition.clone()),
        parameters: Default::default(),
        catch_up: false,
        overlap: OverlapPolicy::Skip,
        enabled: true,
    };
    let created = schedule::create(workspace.store(), &spec, chrono::Utc::now())
        .await
        .expect("a condition within the size limits is accepted");
    let scheduler = Scheduler::new(Runs::new(workspace.clone(), engine), Arc::new(SystemClock));
    let started = Instant::now();
    let fired = scheduler.run_now(created.id).await.expect("fires");
    assert!(started.elapsed() < DEADLINE);
    assert_eq!(
        fired.outcome,
        FiredOutcome::Failed(format!(
            "condition `{condition}`: the condition takes more than {MAX_STEPS} steps to decide \
             (each item that `all`, `exists`, `exists_one`, `map` or `filter` visits counts \
             one, nested ones multiply, each `+` the items or characters it makes, each `in` \
             the items it looks in): decide it over fewer values"
        ))
    );
    scheduler.shutdown().await;
}

/// The fixture reads and validates as it is (its condition within every size limit).
#[test]
fn the_fixture_is_a_valid_flow() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("tests/fixtures/runs/costly-condition.flow.json"))
        .expect("fixture");
    let (flow, templates) = FlowFile::read(&text).expect("reads").into_parts();
    validation::validate(flow, &Catalog::from_templates(templates)).expect("valid");
}
