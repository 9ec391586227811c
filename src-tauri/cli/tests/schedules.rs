//! `flowloom schedules` and the headless `flowloom scheduler` as a user runs them: a
//! schedule made from the command line, fired by a real file change.

mod common;

use common::{exits, flowloom, path_str, text};
use serde_json::Value;
use std::process::Command;

/// `flowloom scheduler` runs a flow when a watched file changes, records it, and stops on
/// SIGTERM (as systemd stops it; a run still going then is cancelled, see the core's
/// scheduler tests); `schedules list` shows how it went.
#[test]
fn the_headless_scheduler_runs_a_flow_when_a_watched_file_changes() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    let inbox = dir.path().join("inbox");
    std::fs::create_dir(&inbox).expect("inbox");
    let watch = format!("{}/*.csv", inbox.display());
    let created = flowloom(&[
        "schedules",
        "create",
        "On new files",
        "--flow",
        "comp_product_drilldown",
        "--watch",
        &watch,
        "--json",
        "--workspace",
        ws,
    ]);
    exits(&created, 0);
    let id = serde_json::from_slice::<Value>(&created.stdout).expect("json")["id"].clone();

    let mut child = Command::new(env!("CARGO_BIN_EXE_flowloom"))
        .args(["scheduler", "--workspace", ws])
        .env_remove("FLOWLOOM_WORKSPACE")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("start the scheduler");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let ready = lines.next().and_then(Result::ok).unwrap_or_default();
    assert_eq!(ready, "scheduler: watching 1 schedule(s); Ctrl-C stops");

    std::fs::write(inbox.join("orders.csv"), "id\n1\n").expect("a new file");
    let fired = lines.next().and_then(Result::ok).unwrap_or_default();
    assert!(
        fired.starts_with(&format!(
            "schedule {id} (On new files) → comp_product_drilldown: started"
        )) && fired.contains("orders.csv"),
        "{fired}"
    );
    // The run is recorded as it ends.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let runs = loop {
        let runs = flowloom(&["runs", "list", "--json", "--workspace", ws]);
        let runs: Value = serde_json::from_slice(&runs.stdout).expect("json");
        let ended = runs[0]["status"].as_str().is_some_and(|s| s != "RUNNING");
        if ended || std::time::Instant::now() > deadline {
            break runs;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    assert_eq!(runs[0]["trigger"], "file_change");
    assert_eq!(runs[0]["status"], "COMPLETED");
    let sent = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("send SIGTERM");
    assert!(sent.success());
    assert_eq!(child.wait().expect("exits").code(), Some(0));

    let listed = text(&flowloom(&["schedules", "list", "--workspace", ws]).stdout);
    assert!(listed.contains("COMPLETED"), "{listed}");
}

/// `schedules preview` names the field a bad expression breaks, with what it accepts, and
/// shows the times on the schedule's own clock with UTC beside.
#[test]
fn preview_names_a_bad_field_and_shows_the_schedules_own_zone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    let bad = flowloom(&["schedules", "preview", "0 25 * * *", "--workspace", ws]);
    exits(&bad, 1);
    let said = text(&bad.stderr);
    assert!(
        said.contains("`0 25 * * *`: the hour field `25` is not valid: it takes 0–23"),
        "{said}"
    );

    let paris = flowloom(&[
        "schedules",
        "preview",
        "0 9 * * *",
        "--timezone",
        "Europe/Paris",
        "--workspace",
        ws,
    ]);
    exits(&paris, 0);
    let lines: Vec<String> = text(&paris.stdout).lines().map(str::to_owned).collect();
    assert!(lines[0].ends_with("(Europe/Paris)"), "{lines:?}");
    assert_eq!(lines.len(), 6, "{lines:?}");
    for line in &lines[1..] {
        // "  2026-12-08 09:00 CET (+01:00) = 2026-12-08T08:00:00Z" (or CEST, +02:00, 07:00Z)
        let (local, utc) = line.trim().split_once(" = ").expect("local = UTC");
        assert!(local.contains(" 09:00 CE"), "{line}");
        assert!(
            utc.ends_with(":00:00Z") && (utc.contains("T08:") || utc.contains("T07:")),
            "{line}"
        );
    }
}

/// A cron expression every field of which is valid but whose date never comes (31
/// February) is refused, rather than stored to never run.
#[test]
fn a_cron_schedule_that_never_comes_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    let created = flowloom(&[
        "schedules",
        "create",
        "Leap dreams",
        "--flow",
        "comp_product_drilldown",
        "--cron",
        "0 9 31 2 *",
        "--workspace",
        ws,
    ]);
    exits(&created, 1);
    assert!(
        text(&created.stderr).contains("`0 9 31 2 *` is never due: no date has those fields"),
        "{}",
        text(&created.stderr)
    );
    let listed = text(&flowloom(&["schedules", "list", "--workspace", ws]).stdout);
    assert!(!listed.contains("Leap dreams"), "{listed}");
}
