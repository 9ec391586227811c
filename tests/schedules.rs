//! Schedules and triggers on a real workspace, a real engine and a clock the test moves: a
//! cron schedule fires when due (and not before) with its trigger recorded on the run; runs
//! missed while nothing ran the scheduler are reported and caught up once; a flow still
//! running is skipped or queued; real file changes fire once they settle; a flow's run
//! ending starts another; conditions decide.

use crate::support::{run_elsewhere, sample_workspace};
use chrono::{DateTime, Duration, Utc};
use flowloom_core::api::Runs;
use flowloom_core::engine::history;
use flowloom_core::engine::run::{RunContext, RunOptions};
use flowloom_core::model::{OverlapPolicy, RunStatus, ScheduleSpec, ScheduleTrigger, Trigger};
use flowloom_core::schedule::{self, Clock, FiredOutcome, Scheduler};
use flowloom_core::validation;
use flowloom_core::{CompositionId, Workspace};
use serde_json::json;
use std::sync::{Arc, Mutex};

/// A clock that stands still until the test moves it.
struct TestClock(Mutex<DateTime<Utc>>);

impl TestClock {
    fn at(text: &str) -> Arc<Self> {
        Arc::new(Self(Mutex::new(
            DateTime::parse_from_rfc3339(text)
                .expect("a time")
                .with_timezone(&Utc),
        )))
    }

    fn advance(&self, by: Duration) {
        *self.0.lock().expect("clock") += by;
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("clock")
    }
}

const FLOW: &str = "comp_product_drilldown";

fn spec(name: &str, trigger: ScheduleTrigger) -> ScheduleSpec {
    ScheduleSpec {
        name: name.into(),
        composition_id: FLOW.into(),
        trigger,
        condition: None,
        parameters: Default::default(),
        catch_up: false,
        overlap: OverlapPolicy::Skip,
        enabled: true,
    }
}

fn every_five_minutes() -> ScheduleTrigger {
    ScheduleTrigger::Cron {
        expression: "*/5 * * * *".into(),
        timezone: "UTC".into(),
    }
}

async fn runs_of(workspace: &Workspace, flow: &str) -> Vec<flowloom_core::model::RunSummary> {
    workspace
        .store()
        .list_runs(Some(&CompositionId::from(flow)))
        .await
        .expect("runs")
}

#[tokio::test]
async fn a_cron_schedule_fires_when_due_and_records_its_trigger() {
    let (workspace, engine, _, _dir) = sample_workspace().await;
    let clock = TestClock::at("2026-11-24T10:01:00Z");
    let created = schedule::create(
        workspace.store(),
        &spec("Every five", every_five_minutes()),
        clock.now(),
    )
    .await
    .expect("create");
    assert_eq!(created.next_run_at.as_deref(), Some("2026-11-24T10:05:00Z"));

    let scheduler = Scheduler::new(Runs::new(workspace.clone(), engine), clock.clone());
    scheduler.start().await.expect("start");
    clock.advance(Duration::minutes(3));
    assert!(
        scheduler.tick().await.expect("tick").is_empty(),
        "10:04 is not yet due"
    );

    clock.advance(Duration::minutes(1));
    let fired = scheduler.tick().await.expect("tick");
    assert_eq!(
        fired.iter().map(|f| f.outcome.clone()).collect::<Vec<_>>(),
        [FiredOutcome::Started]
    );
    scheduler.idle().await;
    let runs = runs_of(&workspace, FLOW).await;
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].trigger, Trigger::Schedule);
    assert_eq!(runs[0].status, RunStatus::Completed);
    assert_eq!(
        runs[0].trigger_data,
        Some(json!({ "scheduled_for": "2026-11-24T10:05:00Z" }))
    );

    let stored = workspace
        .store()
        .get_schedule(created.id)
        .await
        .expect("schedule");
    assert_eq!(stored.last_run_at.as_deref(), Some("2026-11-24T10:05:00Z"));
    assert_eq!(stored.next_run_at.as_deref(), Some("2026-11-24T10:10:00Z"));
    assert_eq!(stored.last_status, Some(RunStatus::Completed));
    assert!(
        scheduler.tick().await.expect("tick").is_empty(),
        "fired once"
    );
}

#[tokio::test]
async fn runs_missed_while_closed_are_reported_and_caught_up_once_when_asked() {
    let (workspace, engine, _, _dir) = sample_workspace().await;
    let clock = TestClock::at("2026-11-24T10:01:00Z");
    let store = workspace.store();
    let lazy = schedule::create(
        store,
        &spec("No catch-up", every_five_minutes()),
        clock.now(),
    )
    .await
    .expect("create");
    let eager = schedule::create(
        store,
        &ScheduleSpec {
            catch_up: true,
            ..spec("Catch up", every_five_minutes())
        },
        clock.now(),
    )
    .await
    .expect("create");

    // The app was closed from 10:01 to 10:22: 10:05, 10:10, 10:15 and 10:20 passed.
    clock.advance(Duration::minutes(21));
    let scheduler = Scheduler::new(Runs::new(workspace.clone(), engine), clock.clone());
    let (missed, fired) = scheduler.start().await.expect("start");
    let by_name: Vec<(&str, u32, &str, bool)> = missed
        .iter()
        .map(|m| (m.name.as_str(), m.missed, m.since.as_str(), m.caught_up))
        .collect();
    assert_eq!(
        by_name,
        [
            ("Catch up", 4, "2026-11-24T10:05:00Z", true),
            ("No catch-up", 4, "2026-11-24T10:05:00Z", false)
        ]
    );
    assert_eq!(fired.len(), 1);
    assert_eq!(fired[0].schedule, eager.id);
    scheduler.idle().await;
    assert_eq!(
        runs_of(&workspace, FLOW).await.len(),
        1,
        "one run, not four"
    );
    for id in [lazy.id, eager.id] {
        let s = store.get_schedule(id).await.expect("schedule");
        assert_eq!(s.next_run_at.as_deref(), Some("2026-11-24T10:25:00Z"));
    }
}

/// A run of the flow going on elsewhere (another process): a `skip` schedule lets its turn
/// pass, a `queue` one runs as soon as that run ends.
#[tokio::test]
async fn a_flow_still_running_is_skipped_or_queued_by_policy() {
    let (workspace, engine, _, _dir) = sample_workspace().await;
    let clock = TestClock::at("2026-11-24T10:01:00Z");
    let store = workspace.store();
    for (name, overlap) in [
        ("Skip", OverlapPolicy::Skip),
        ("Queue", OverlapPolicy::Queue),
    ] {
        schedule::create(
            store,
            &ScheduleSpec {
                overlap,
                ..spec(name, every_five_minutes())
            },
            clock.now(),
        )
        .await
        .expect("create");
    }
    let scheduler = Scheduler::new(Runs::new(workspace.clone(), engine), clock.clone());
    scheduler.start().await.expect("start");
    let (_, other_process) = run_elsewhere(&workspace, FLOW).await;

    clock.advance(Duration::minutes(4));
    let mut fired: Vec<(String, FiredOutcome)> = scheduler
        .tick()
        .await
        .expect("tick")
        .into_iter()
        .map(|f| (f.name, f.outcome))
        .collect();
    fired.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        fired,
        [
            ("Queue".to_owned(), FiredOutcome::Queued),
            (
                "Skip".to_owned(),
                FiredOutcome::Skipped(format!("flow `{FLOW}` is still running"))
            ),
        ]
    );
    scheduler.tick().await.expect("tick");
    assert_eq!(runs_of(&workspace, FLOW).await.len(), 1, "still waiting");

    sqlx::query("UPDATE flow_executions SET status = 'COMPLETED', completed_at = started_at")
        .execute(store.pool())
        .await
        .expect("the other run ends");
    drop(other_process);
    scheduler.tick().await.expect("tick");
    scheduler.idle().await;
    let runs = runs_of(&workspace, FLOW).await;
    assert_eq!(runs.len(), 2, "the queued run ran");
    assert_eq!(runs[0].trigger, Trigger::Schedule);
}

/// Lets the OS report what was just written: it does so on a thread of its own, and a
/// change counts from when it is reported on the scheduler's clock, which here stands still
/// until the test moves it (on a loaded machine a late report would count as a later change).
async fn reported() {
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
}

#[tokio::test]
async fn changed_files_fire_once_they_settle_with_the_paths_that_changed() {
    let (workspace, engine, _, dir) = sample_workspace().await;
    let incoming = dir.path().join("incoming");
    std::fs::create_dir(&incoming).expect("folder");
    std::fs::write(incoming.join("old.csv"), "a\n1\n").expect("old file");
    let clock = TestClock::at("2026-11-24T10:00:00Z");
    let glob = format!("{}/*.csv", incoming.display());
    schedule::create(
        workspace.store(),
        &spec("New files", ScheduleTrigger::FileChange { path: glob }),
        clock.now(),
    )
    .await
    .expect("create");
    let scheduler = Scheduler::new(Runs::new(workspace.clone(), engine), clock.clone());
    scheduler.start().await.expect("start");
    clock.advance(Duration::seconds(1));
    assert!(
        scheduler.tick().await.expect("tick").is_empty(),
        "nothing changed"
    );

    std::fs::write(incoming.join("new.csv"), "a\n2\n").expect("a new file");
    std::fs::write(incoming.join("notes.txt"), "not watched").expect("another file");
    reported().await;
    assert!(
        scheduler.tick().await.expect("tick").is_empty(),
        "not settled yet"
    );
    clock.advance(Duration::seconds(1));
    std::fs::write(incoming.join("old.csv"), "a\n1\n3\n").expect("changed");
    reported().await;
    assert!(
        scheduler.tick().await.expect("tick").is_empty(),
        "still changing"
    );
    clock.advance(Duration::seconds(3));
    let fired = scheduler.tick().await.expect("tick");
    assert_eq!(fired.len(), 1);
    let mut paths: Vec<String> = fired[0].data["paths"]
        .as_array()
        .expect("paths")
        .iter()
        .map(|p| p.as_str().expect("a path").to_owned())
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            incoming.join("new.csv").display().to_string(),
            incoming.join("old.csv").display().to_string()
        ]
    );
    scheduler.idle().await;
    let runs = runs_of(&workspace, FLOW).await;
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].trigger, Trigger::FileChange);
    clock.advance(Duration::seconds(5));
    assert!(
        scheduler.tick().await.expect("tick").is_empty(),
        "fired once"
    );
}

#[tokio::test]
async fn a_flow_ending_starts_another_when_the_condition_holds() {
    let (workspace, engine, catalog, _dir) = sample_workspace().await;
    let clock = TestClock::at("2026-11-24T10:00:00Z");
    let store = workspace.store();
    let watched = "comp_low_ctr_review";
    for (name, condition) in [
        ("After review", "trigger.status == \"COMPLETED\""),
        ("Never", "trigger.run_id < 0"),
    ] {
        schedule::create(
            store,
            &ScheduleSpec {
                condition: Some(condition.into()),
                ..spec(
                    name,
                    ScheduleTrigger::FlowCompleted {
                        flow: watched.into(),
                        status: RunStatus::Completed,
                    },
                )
            },
            clock.now(),
        )
        .await
        .expect("create");
    }
    let scheduler = Scheduler::new(Runs::new(workspace.clone(), engine.clone()), clock.clone());
    scheduler.start().await.expect("start");

    let flow = store.get_flow(&watched.into()).await.expect("flow").flow;
    let validated = validation::validate(flow, &catalog).expect("valid");
    let quiet = |_| {};
    let (run_id, _) = history::run_recorded(
        &workspace,
        &validated,
        RunContext::new(engine),
        &RunOptions::default(),
        Trigger::Manual,
        &quiet,
    )
    .await
    .expect("the watched flow runs");
    let mut fired: Vec<(String, FiredOutcome)> = scheduler
        .tick()
        .await
        .expect("tick")
        .into_iter()
        .map(|f| (f.name, f.outcome))
        .collect();
    fired.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        fired,
        [
            ("After review".to_owned(), FiredOutcome::Started),
            (
                "Never".to_owned(),
                FiredOutcome::Skipped("its condition `trigger.run_id < 0` is false".into())
            ),
        ]
    );
    scheduler.idle().await;
    let runs = runs_of(&workspace, FLOW).await;
    assert_eq!(runs[0].trigger, Trigger::FlowCompleted);
    assert_eq!(
        runs[0].trigger_data.as_ref().map(|d| d["run_id"].clone()),
        Some(json!(run_id.0))
    );
}

#[tokio::test]
async fn a_schedule_that_cannot_work_is_refused_with_every_problem() {
    let (workspace, _, _, _dir) = sample_workspace().await;
    let bad = ScheduleSpec {
        parameters: [("nope".to_owned(), json!(1))].into(),
        condition: Some("trigger.".into()),
        ..spec(
            " ",
            ScheduleTrigger::Cron {
                expression: "61 * * * *".into(),
                timezone: "Moon/Base".into(),
            },
        )
    };
    match schedule::create(workspace.store(), &bad, Utc::now()).await {
        Err(schedule::ScheduleError::Invalid(problems)) => {
            assert_eq!(problems.len(), 4, "{problems:#?}");
            assert_eq!(problems[0], "a schedule needs a name");
            assert!(problems[1].starts_with("`Moon/Base` is not a time zone"));
            assert!(problems[2].starts_with("condition `trigger.`"));
            assert_eq!(
                problems[3],
                format!("flow `{FLOW}` has no global parameter `nope`")
            );
        }
        other => panic!("expected the schedule refused, got {other:?}"),
    }
    let own = spec(
        "Loop",
        ScheduleTrigger::FlowCompleted {
            flow: FLOW.into(),
            status: RunStatus::Completed,
        },
    );
    assert!(matches!(
        schedule::create(workspace.store(), &own, Utc::now()).await,
        Err(schedule::ScheduleError::Invalid(p)) if p == ["a flow cannot be started by its own run ending"]
    ));
}

/// Shutting the scheduler down cancels the runs it started: the slow fixture flow's query
/// stops, the run is recorded CANCELLED, and nothing is left RUNNING.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutting_down_cancels_the_runs_in_progress() {
    let (workspace, engine, _, _dir) = sample_workspace().await;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let slow =
        std::fs::read_to_string(root.join("tests/fixtures/runs/slow.flow.json")).expect("fixture");
    flowloom_core::flowfile::import(
        workspace.store(),
        &slow,
        flowloom_core::flowfile::OnConflict::Fail,
    )
    .await
    .expect("imports");
    let clock = TestClock::at("2026-11-24T10:01:00Z");
    let created = schedule::create(
        workspace.store(),
        &ScheduleSpec {
            composition_id: "comp_slow".into(),
            ..spec("Slow", every_five_minutes())
        },
        clock.now(),
    )
    .await
    .expect("create");
    let scheduler = Scheduler::new(Runs::new(workspace.clone(), engine), clock.clone());
    scheduler.start().await.expect("start");
    scheduler.run_now(created.id).await.expect("fires");
    // Wait until the slow node is running.
    let store = workspace.store();
    loop {
        let runs = runs_of(&workspace, "comp_slow").await;
        if let Some(run) = runs.first() {
            let detail = store.get_run(run.run_id).await.expect("run");
            if detail.nodes.iter().any(|n| n.node_id.as_str() == "quick") {
                break;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let stopped =
        tokio::time::timeout(std::time::Duration::from_secs(60), scheduler.shutdown()).await;
    assert!(stopped.is_ok(), "the run was still going a minute later");
    let runs = runs_of(&workspace, "comp_slow").await;
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].status, RunStatus::Cancelled);
    let detail = store.get_run(runs[0].run_id).await.expect("run");
    let slow = detail
        .nodes
        .iter()
        .find(|n| n.node_id.as_str() == "slow")
        .expect("the slow node is recorded");
    assert_eq!(slow.status, flowloom_core::model::NodeStatus::Cancelled);
}

/// A watch is bounded: a folder of more files than a watch may cover is refused when the
/// schedule is created, with the count found; a folder holding a link back to itself is
/// walked once, and a change inside it fires as usual.
#[tokio::test]
async fn a_watch_is_bounded_and_follows_no_link_twice() {
    let (workspace, engine, _, dir) = sample_workspace().await;
    let crowded = dir.path().join("crowded");
    std::fs::create_dir(&crowded).expect("folder");
    for i in 0..=schedule::MAX_FILES {
        std::fs::write(crowded.join(format!("{i}.csv")), "").expect("file");
    }
    let clock = TestClock::at("2026-11-24T10:00:00Z");
    let path = crowded.display().to_string();
    match schedule::create(
        workspace.store(),
        &spec(
            "Too many",
            ScheduleTrigger::FileChange { path: path.clone() },
        ),
        clock.now(),
    )
    .await
    {
        Err(schedule::ScheduleError::Invalid(problems)) => assert_eq!(
            problems,
            [format!(
                "`{path}` covers more than 10000 files (stopped counting at 10001); watch a \
                 narrower folder or glob"
            )]
        ),
        other => panic!("a watch over 10,001 files was not refused: {other:?}"),
    }

    let looped = dir.path().join("looped");
    std::fs::create_dir_all(looped.join("inner")).expect("folders");
    std::fs::write(looped.join("inner/a.csv"), "a\n1\n").expect("file");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&looped, looped.join("inner/back")).expect("a link back up");
    let path = looped.display().to_string();
    schedule::create(
        workspace.store(),
        &spec("Looped", ScheduleTrigger::FileChange { path }),
        clock.now(),
    )
    .await
    .expect("a folder linking to itself is watched");
    let scheduler = Scheduler::new(Runs::new(workspace.clone(), engine), clock.clone());
    scheduler.start().await.expect("start");
    std::fs::write(looped.join("inner/a.csv"), "a\n1\n2\n").expect("changed");
    reported().await;
    assert!(
        scheduler.tick().await.expect("tick").is_empty(),
        "not settled yet"
    );
    clock.advance(Duration::seconds(3));
    let fired = scheduler.tick().await.expect("tick");
    assert_eq!(fired.len(), 1);
    assert_eq!(
        fired[0].data["paths"],
        json!([looped.join("inner/a.csv").display().to_string()])
    );
    scheduler.shutdown().await;
}
