//! File-change schedules learn of changes from the OS (`notify`) rather than by rescanning
//! every second: a file created deep in a watched folder, or in a folder created since, fires
//! the schedule, with the change counted from when the OS reported it; a folder linking back
//! to itself is watched once and grows nothing; a folder holding more folders than a watch
//! may cover is refused when the schedule is created, with the count.

use chrono::{DateTime, Duration, Utc};
use flowloom_core::Workspace;
use flowloom_core::api::Runs;
use flowloom_core::engine::LocalEngine;
use flowloom_core::model::{OverlapPolicy, ScheduleSpec, ScheduleTrigger};
use flowloom_core::schedule::{self, Clock, Fired, Scheduler};
use serde_json::json;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// A clock that stands still until the test moves it.
struct TestClock(Mutex<DateTime<Utc>>);

impl TestClock {
    fn new() -> Arc<Self> {
        let start = DateTime::parse_from_rfc3339("2026-12-07T10:00:00Z").expect("a time");
        Arc::new(Self(Mutex::new(start.with_timezone(&Utc))))
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

fn watching(path: &Path) -> ScheduleSpec {
    ScheduleSpec {
        name: "Watch".into(),
        composition_id: "comp_product_drilldown".into(),
        trigger: ScheduleTrigger::FileChange {
            path: path.display().to_string(),
        },
        condition: None,
        parameters: Default::default(),
        catch_up: false,
        overlap: OverlapPolicy::Skip,
        enabled: true,
    }
}

/// A new workspace with a schedule watching `path` (made by `prepare` under the workspace's
/// folder), and its scheduler started on a test clock.
async fn watched(
    prepare: impl FnOnce(&Path) -> std::path::PathBuf,
) -> (Scheduler, Arc<TestClock>, Workspace, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let workspace = Workspace::open(dir.path()).await.expect("workspace");
    let engine = Arc::new(
        LocalEngine::for_workspace(&workspace)
            .await
            .expect("engine"),
    );
    let path = prepare(dir.path());
    let clock = TestClock::new();
    schedule::create(workspace.store(), &watching(&path), clock.now())
        .await
        .expect("a watch within its limits is created");
    let scheduler = Scheduler::new(Runs::new(workspace.clone(), engine), clock.clone());
    scheduler.start().await.expect("start");
    (scheduler, clock, workspace, dir)
}

/// Gives the OS a moment to report what was just written (real time; the test clock stands
/// still meanwhile).
async fn let_the_os_report() {
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
}

fn paths(fired: &[Fired]) -> Vec<String> {
    let mut paths: Vec<String> = fired
        .iter()
        .flat_map(|f| f.data["paths"].as_array().cloned().unwrap_or_default())
        .map(|p| p.as_str().expect("a path").to_owned())
        .collect();
    paths.sort();
    paths
}

#[tokio::test]
async fn a_file_created_deep_in_a_watched_folder_fires_the_schedule() {
    let (scheduler, clock, _workspace, dir) = watched(|root| {
        let watched = root.join("incoming");
        std::fs::create_dir_all(watched.join("a/b")).expect("folders");
        std::fs::write(watched.join("a/b/old.csv"), "x\n1\n").expect("a file");
        watched
    })
    .await;
    let watched = dir.path().join("incoming");
    clock.advance(Duration::seconds(1));
    assert!(
        scheduler.tick().await.expect("tick").is_empty(),
        "no change"
    );

    std::fs::write(watched.join("a/b/new.csv"), "x\n2\n").expect("a new file, two deep");
    let_the_os_report().await;
    // Counted from when the OS reported it (the clock then), so 3 s later it has settled at
    // the first look.
    clock.advance(Duration::seconds(3));
    let fired = scheduler.tick().await.expect("tick");
    assert_eq!(
        paths(&fired),
        [watched.join("a/b/new.csv").display().to_string()]
    );

    // A folder created since, with a file in it, is seen too.
    std::fs::create_dir_all(watched.join("c/d")).expect("new folders");
    std::fs::write(watched.join("c/d/later.csv"), "x\n3\n").expect("a file in them");
    let_the_os_report().await;
    clock.advance(Duration::seconds(1));
    assert!(
        scheduler.tick().await.expect("tick").is_empty(),
        "not settled yet"
    );
    clock.advance(Duration::seconds(3));
    let fired = scheduler.tick().await.expect("tick");
    assert_eq!(
        paths(&fired),
        [watched.join("c/d/later.csv").display().to_string()]
    );
    clock.advance(Duration::seconds(5));
    assert!(
        scheduler.tick().await.expect("tick").is_empty(),
        "fired once"
    );
    scheduler.shutdown().await;
}

#[cfg(unix)]
#[tokio::test]
async fn a_folder_linking_back_to_itself_is_watched_once_and_grows_nothing() {
    let (scheduler, clock, _workspace, dir) = watched(|root| {
        let looped = root.join("looped");
        std::fs::create_dir_all(looped.join("one/two")).expect("folders");
        std::os::unix::fs::symlink(&looped, looped.join("one/two/up")).expect("a link up");
        std::os::unix::fs::symlink(looped.join("one"), looped.join("one/two/again"))
            .expect("a link to a folder above");
        std::os::unix::fs::symlink(looped.join("one/two"), looped.join("one/two/self"))
            .expect("a link to itself");
        looped
    })
    .await;
    let looped = dir.path().join("looped");
    for _ in 0..3 {
        std::fs::write(looped.join("one/two/data.csv"), "x\n1\n").expect("a file");
        let_the_os_report().await;
        clock.advance(Duration::seconds(3));
        let fired = scheduler.tick().await.expect("tick");
        assert_eq!(fired.len(), 1, "{fired:?}");
        assert_eq!(
            fired[0].data["paths"],
            json!([looped.join("one/two/data.csv").display().to_string()]),
            "the file once, never again through a link"
        );
        scheduler.idle().await;
    }
    scheduler.shutdown().await;
}

#[tokio::test]
async fn a_folder_holding_more_folders_than_a_watch_covers_is_refused_with_the_count() {
    let dir = tempfile::tempdir().expect("temp dir");
    let workspace = Workspace::open(dir.path()).await.expect("workspace");
    let crowded = dir.path().join("crowded");
    for i in 0..schedule::MAX_FILES {
        std::fs::create_dir_all(crowded.join(format!("{i}"))).expect("a folder");
    }
    match schedule::create(workspace.store(), &watching(&crowded), Utc::now()).await {
        Err(schedule::ScheduleError::Invalid(problems)) => assert_eq!(
            problems,
            [format!(
                "`{}` covers more than 10000 folders (stopped counting at 10001); watch a \
                 narrower folder or glob",
                crowded.display()
            )]
        ),
        other => panic!("a watch over 10,001 folders was not refused: {other:?}"),
    }
}
