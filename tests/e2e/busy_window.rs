//! The window stays responsive while queries burn every CPU: queries run on their own
//! runtime (`core/src/engine/executor.rs`), never on the one serving the window's commands.

use super::harness::{App, in_workspace};
use flowloom_core::flowfile::{OnConflict, import};
use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

/// Generous: a command answers in milliseconds; a window stalled behind the queries would
/// not answer before they end, hours later.
const DEADLINE: Duration = Duration::from_secs(20);

/// The expensive fixture flow (five queries that would each run for hours: cross joins, a
/// nested loop, an exploding hash join, a data file joined with itself) is run from the
/// window. While they run, the window answers a command from the page and opens its
/// Versions panel (another command) within the deadline; the queries are still running
/// then, and the run is cancelled from the window.
#[test]
fn the_window_answers_commands_while_heavy_queries_run() {
    let workspace = tempfile::tempdir().expect("temp workspace");
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/runs/expensive.flow.json");
    let text = std::fs::read_to_string(fixture).expect("the expensive fixture");
    in_workspace(workspace.path(), |store| async move {
        import(&store, &text, OnConflict::Fail)
            .await
            .expect("import the expensive flow");
    });
    // The data file its self join reads.
    let mut csv = String::from("x,label\n");
    for x in 0..20_000 {
        let _ = writeln!(csv, "{x},row {x}");
    }
    std::fs::write(workspace.path().join("data/wide.csv"), csv).expect("data file");

    let app = App::open(workspace.path());
    let wait = Duration::from_secs(30);
    app.click_css(
        "[data-testid=flow-item][data-composition-id=comp_expensive]",
        Duration::from_secs(90),
    );
    app.wait_for("[data-testid=canvas-node]", 5, wait);
    app.click(&app.find_one("[data-testid=run-flow]"));
    let running = "[data-testid=canvas-node] [data-testid=node-status][data-status=RUNNING]";
    app.wait_for(running, 1, wait);
    // Let the queries take hold of the CPUs.
    std::thread::sleep(Duration::from_secs(3));

    // A command the page calls, answered while the queries run.
    let asked = Instant::now();
    let listed = app.execute_async(
        "const done = arguments[arguments.length - 1];
         window.__TAURI_INTERNALS__
           .invoke('list_flows', { query: {} })
           .then((flows) => done({ ok: flows }), (error) => done({ error }));",
    );
    let listed_in = asked.elapsed();
    let ids: Vec<&str> = listed["ok"]
        .as_array()
        .expect("the flows")
        .iter()
        .filter_map(|f| f["composition_id"].as_str())
        .collect();
    assert!(ids.contains(&"comp_expensive"), "{listed}");
    assert!(listed_in < DEADLINE, "list_flows took {listed_in:?}");

    // Another panel of the window, filled by the backend.
    let asked = Instant::now();
    app.click(&app.find_one("[data-testid=open-versions]"));
    app.wait_for("[data-testid=version-item]", 1, DEADLINE);
    let opened_in = asked.elapsed();
    eprintln!(
        "while the queries ran: flows listed in {listed_in:?}, versions shown in {opened_in:?}"
    );

    // The answers came while the queries were still running.
    assert!(
        !app.find_all(running).is_empty(),
        "no query was running any more"
    );
    app.click(&app.find_one("[data-testid=cancel-run]"));
    app.wait_for_texts("[data-testid=run-status]", &["Run cancelled"], wait);
}
