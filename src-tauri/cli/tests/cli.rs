//! The `flowloom` binary as a user runs it.

use std::path::Path;
use std::process::{Command, Output};

fn flowloom(args: &[&str], env: &[(&str, &Path)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_flowloom"));
    command
        .args(args)
        .env_remove("FLOWLOOM_WORKSPACE")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("run flowloom")
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "flowloom failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).expect("utf-8 output")
}

const EXAMPLE_FLOWS: &str = "comp_low_ctr_review\tLow CTR review\n\
                             comp_product_drilldown\tProduct drill-down\n\
                             comp_campaign_deep_dive\tTop campaigns deep dive\n";

#[test]
fn help_works_without_a_display() {
    let help = stdout(&flowloom(&["--help"], &[]));
    assert!(help.contains("Usage: flowloom"), "{help}");
    assert!(help.contains("flows"), "{help}");
}

#[test]
fn flows_list_creates_the_workspace_and_lists_the_example_flows() {
    let dir = tempfile::tempdir().expect("temp dir");
    let workspace = dir.path().join("ws");
    let listed = stdout(&flowloom(
        &[
            "flows",
            "list",
            "--workspace",
            workspace.to_str().expect("utf-8 path"),
        ],
        &[],
    ));
    assert_eq!(listed, EXAMPLE_FLOWS);
    assert!(workspace.join("flowloom.db").is_file());
    assert!(workspace.join("data/orders.csv").is_file());
}

#[test]
fn the_workspace_can_come_from_the_environment_and_filters_apply() {
    let dir = tempfile::tempdir().expect("temp dir");
    let env = [("FLOWLOOM_WORKSPACE", dir.path())];
    assert_eq!(stdout(&flowloom(&["flows", "list"], &env)), EXAMPLE_FLOWS);
    assert_eq!(
        stdout(&flowloom(&["flows", "list", "--tag", "anomalies"], &env)),
        "comp_low_ctr_review\tLow CTR review\n"
    );
    assert_eq!(
        stdout(&flowloom(&["flows", "list", "--search", "drill"], &env)),
        "comp_product_drilldown\tProduct drill-down\n"
    );
    assert_eq!(
        stdout(&flowloom(&["flows", "list", "--favorites"], &env)),
        ""
    );
    let templates = stdout(&flowloom(&["templates", "list"], &env));
    assert!(templates.lines().count() >= 8, "{templates}");
    assert!(
        templates.contains("tpl_top_campaigns_by_spend\tTop campaigns by spend"),
        "{templates}"
    );
}

#[test]
fn a_workspace_that_cannot_be_created_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, "").expect("file");
    let output = flowloom(
        &[
            "flows",
            "list",
            "--workspace",
            file.to_str().expect("utf-8 path"),
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("could not prepare workspace folder") && stderr.contains("not-a-folder"),
        "{stderr}"
    );
}

#[test]
fn bad_usage_exits_2() {
    assert_eq!(
        flowloom(&["flows", "frobnicate"], &[]).status.code(),
        Some(2)
    );
}

/// Four processes opening one brand-new workspace at once: one creates and seeds it while
/// the others wait, and all four list the example flows.
#[test]
fn processes_opening_a_new_workspace_at_once_all_succeed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let workspace = dir.path().join("ws");
    let path = workspace.to_str().expect("utf-8 path");
    let children: Vec<_> = (0..4)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_flowloom"))
                .args(["flows", "list", "--workspace", path])
                .env_remove("FLOWLOOM_WORKSPACE")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("start flowloom")
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().expect("exits");
        assert_eq!(stdout(&output), EXAMPLE_FLOWS);
    }
}

/// An empty `flowloom.db` is no workspace to seed over: it is refused, named, and left as
/// it was. Only a missing file means "create".
#[test]
fn an_empty_database_file_is_refused_untouched() {
    let dir = tempfile::tempdir().expect("temp dir");
    let database = dir.path().join("flowloom.db");
    std::fs::write(&database, "").expect("empty file");
    let output = flowloom(
        &[
            "flows",
            "list",
            "--workspace",
            dir.path().to_str().expect("utf-8 path"),
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("{} is empty (0 bytes)", database.display())),
        "{stderr}"
    );
    assert_eq!(std::fs::metadata(&database).expect("still there").len(), 0);
    assert!(!dir.path().join("data").exists(), "nothing was seeded");
}

/// `flowloom … | head`: when the reader of standard output goes away, the command stops
/// writing and ends quietly (exit 0, nothing on stderr), rather than report "Broken pipe".
#[test]
fn a_closed_pipe_ends_a_command_quietly() {
    use std::process::Stdio;
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = dir.path().join("ws");
    let ws = ws.to_str().expect("utf-8 path");
    // A workspace with a stored run, so `results` has rows to write.
    stdout(&flowloom(
        &["run", "comp_campaign_deep_dive", "--workspace", ws],
        &[],
    ));
    for args in [
        vec!["schema"],
        vec!["templates", "list", "--workspace", ws],
        vec!["runs", "show", "1", "--workspace", ws],
        vec!["results", "1", "daily_trend", "--workspace", ws],
        vec!["run", "comp_campaign_deep_dive", "--workspace", ws],
        vec!["tables", "export", "visits", "--workspace", ws],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_flowloom"))
            .args(&args)
            .env_remove("FLOWLOOM_WORKSPACE")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start flowloom");
        // The reader goes away before the command writes a line (`| head -0`).
        drop(child.stdout.take());
        let output = child.wait_with_output().expect("flowloom ends");
        let stderr = String::from_utf8_lossy(&output.stderr);
        if args[0] == "tables" {
            // No such table: a real failure is still told, pipe or not.
            assert!(stderr.contains("visits"), "{args:?}: {stderr}");
            continue;
        }
        assert!(!stderr.contains("Broken pipe"), "{args:?}: {stderr}");
        assert_eq!(stderr, "", "{args:?}");
        assert_eq!(output.status.code(), Some(0), "{args:?}");
    }
}
