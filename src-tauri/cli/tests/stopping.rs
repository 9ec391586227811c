//! Stopping `flowloom run` as a user would: Ctrl-C and SIGTERM, whatever the queries do and
//! while a result is being kept, and `kill -9`, after which the next start says what became
//! of the run.

mod common;

use common::{exits, flowloom, path_str, repo, spawn_run, start_slow_run, text};
use serde_json::Value;
use std::process::Command;
use std::time::{Duration, Instant};

/// Kill -9 a real `flowloom run` mid-query: while it lives, other commands leave its run
/// alone; once it is gone, the next start marks the run FAILED "interrupted" and keeps the
/// node that had finished.
#[test]
fn a_killed_run_is_marked_interrupted_and_keeps_what_it_recorded() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    let (mut child, _events) = start_slow_run(ws);

    let live = flowloom(&["runs", "list", "--workspace", ws]);
    exits(&live, 0);
    assert!(
        text(&live.stdout).starts_with("1\tcomp_slow\tRUNNING\t"),
        "a live run is left alone: {}",
        text(&live.stdout)
    );

    // The quick node's record is written by the run's history writer as the run goes on;
    // kill once it is there (a node killed before its record is written is lost with the
    // process, which is what "interrupted" says).
    let recorded = || {
        let shown = flowloom(&["runs", "show", "1", "--json", "--workspace", ws]);
        serde_json::from_slice::<Value>(&shown.stdout)
            .is_ok_and(|run| run["nodes"].as_array().is_some_and(|n| !n.is_empty()))
    };
    let waited = std::time::Instant::now();
    while !recorded() {
        assert!(
            waited.elapsed() < std::time::Duration::from_secs(20),
            "the quick node was never recorded"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.kill().expect("kill -9");
    child.wait().expect("reap");

    let shown = flowloom(&["runs", "show", "1", "--json", "--workspace", ws]);
    exits(&shown, 0);
    let run: Value = serde_json::from_slice(&shown.stdout).expect("JSON");
    assert_eq!(run["summary"]["status"], "FAILED");
    assert_eq!(run["summary"]["error"], "interrupted");
    assert!(run["summary"]["completed_at"].is_string());
    assert!(
        !dir.path().join("runs/1.lock").exists(),
        "the killed process's lock file is cleared with its run"
    );
    let nodes = run["nodes"].as_array().expect("nodes");
    assert_eq!(nodes.len(), 1, "{run:#}");
    assert_eq!(nodes[0]["node_id"], "quick");
    assert_eq!(nodes[0]["status"], "COMPLETED");

    let flows = text(&flowloom(&["flows", "list", "--workspace", ws]).stdout);
    assert_eq!(flows.lines().count(), 4, "nothing else was lost: {flows}");
}

/// Ctrl-C (SIGINT) cancels a run: the running query stops, the command exits 1, and the
/// history says CANCELLED.
#[test]
fn ctrl_c_cancels_the_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    let (mut child, lines) = start_slow_run(ws);
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("send SIGINT");
    assert!(sent.success());
    let rest: Vec<Value> = lines
        .map_while(Result::ok)
        .filter_map(|line| serde_json::from_str(&line).ok())
        .collect();
    let status = child.wait().expect("exits");
    assert_eq!(status.code(), Some(1));
    assert_eq!(
        rest.last().map(|e| e["status"].clone()),
        Some("CANCELLED".into()),
        "{rest:#?}"
    );

    let shown = flowloom(&["runs", "show", "1", "--json", "--workspace", ws]);
    let run: Value = serde_json::from_slice(&shown.stdout).expect("JSON");
    assert_eq!(run["summary"]["status"], "CANCELLED");
    let slow_node = run["nodes"]
        .as_array()
        .and_then(|nodes| nodes.iter().find(|n| n["node_id"] == "slow"))
        .expect("the cancelled node is recorded");
    assert_eq!(slow_node["status"], "CANCELLED");
}

/// SIGTERM and Ctrl-C stop a run whatever its queries do: five CPU-bound queries that would
/// run for hours (cross joins, nested loops, an exploding hash join, a sort, a data file
/// joined with itself) stop, the command exits 1 well within a minute, and the history says
/// CANCELLED with no node left RUNNING.
#[test]
fn a_signal_stops_every_kind_of_expensive_query() {
    for signal in ["-TERM", "-INT"] {
        let dir = tempfile::tempdir().expect("temp dir");
        let ws = path_str(dir.path());
        exits(&flowloom(&["flows", "list", "--workspace", ws]), 0);
        let csv: String = std::iter::once("x,label\n".to_owned())
            .chain((0..20_000).map(|x| format!("{x},row {x}\n")))
            .collect();
        std::fs::write(dir.path().join("data/wide.csv"), csv).expect("data file");
        let expensive = repo("tests/fixtures/runs/expensive.flow.json");
        exits(
            &flowloom(&["import", path_str(&expensive), "--workspace", ws]),
            0,
        );
        let (mut child, mut lines) = spawn_run(ws, &["comp_expensive", "--max-parallel", "5"]);
        let mut started = 0;
        while started < 5 {
            let line = lines.next().expect("the run goes on").expect("a line");
            let event: Value = serde_json::from_str(&line).expect("JSON event");
            started += usize::from(event["event"] == "node_started");
        }
        // Let the queries get into their work before asking the run to stop.
        std::thread::sleep(Duration::from_secs(1));
        let asked = Instant::now();
        let sent = Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .expect("send the signal");
        assert!(sent.success());
        let status = loop {
            if let Some(status) = child.try_wait().expect("waits") {
                break status;
            }
            if asked.elapsed() > Duration::from_secs(60) {
                let _ = child.kill();
                panic!("{signal}: the run was still going a minute after it was asked to stop");
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        assert_eq!(status.code(), Some(1), "{signal}");

        let shown = flowloom(&["runs", "show", "1", "--json", "--workspace", ws]);
        let run: Value = serde_json::from_slice(&shown.stdout).expect("JSON");
        assert_eq!(run["summary"]["status"], "CANCELLED", "{signal}: {run:#}");
        let nodes = run["nodes"].as_array().expect("nodes");
        assert_eq!(nodes.len(), 5, "{signal}: {run:#}");
        for node in nodes {
            assert_eq!(node["status"], "CANCELLED", "{signal}: {node:#}");
        }
    }
}

/// A cancel also stops keeping a result: a query that returns five million rows finishes
/// quickly, but writing them takes seconds. Ctrl-C sent as the node finishes stops the
/// writing, the run and the node are recorded CANCELLED, and no partial file is left.
#[test]
fn ctrl_c_while_a_result_is_kept_cancels_the_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    let big = repo("tests/fixtures/runs/big-result.flow.json");
    exits(&flowloom(&["import", path_str(&big), "--workspace", ws]), 0);
    let (mut child, mut lines) = spawn_run(ws, &["comp_big_result"]);
    let finished = lines.by_ref().map_while(Result::ok).any(|line| {
        serde_json::from_str::<Value>(&line)
            .is_ok_and(|e| e["event"] == "node_finished" && e["node_id"] == "big")
    });
    assert!(finished, "the query never finished");
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("send SIGINT");
    assert!(sent.success());
    assert_eq!(child.wait().expect("exits").code(), Some(1));

    let shown = flowloom(&["runs", "show", "1", "--json", "--workspace", ws]);
    let run: Value = serde_json::from_slice(&shown.stdout).expect("JSON");
    assert_eq!(run["summary"]["status"], "CANCELLED", "{run:#}");
    let node = &run["nodes"][0];
    assert_eq!(node["status"], "CANCELLED", "{node:#}");
    assert_eq!(node["error"], "cancelled while its result was being kept");
    assert!(node["result_location"].is_null());
    assert!(!dir.path().join("results/1/big.parquet").exists());
}

/// A flow runs once at a time across processes: a second `flowloom run` of the slow flow
/// while another process runs it is refused, naming that run, and records nothing; once the
/// first is gone the flow runs again.
#[test]
fn a_flow_another_process_runs_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    let (mut child, _events) = start_slow_run(ws);

    let second = flowloom(&["run", "comp_slow", "--workspace", ws]);
    exits(&second, 1);
    assert!(
        text(&second.stderr)
            .contains("flow `comp_slow` is already running (run 1, in another process)"),
        "{}",
        text(&second.stderr)
    );
    let listed = flowloom(&["runs", "list", "--workspace", ws]);
    assert_eq!(
        text(&listed.stdout).lines().count(),
        1,
        "the refused run is not recorded"
    );

    child.kill().expect("kill");
    child.wait().expect("exits");
    let third = flowloom(&["run", "comp_slow", "--to", "quick", "--workspace", ws]);
    exits(&third, 0);
}
