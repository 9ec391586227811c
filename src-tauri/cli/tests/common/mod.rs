//! What the `flowloom` command tests share: running the built binary as a user would.

#![allow(
    dead_code,
    reason = "each test binary uses its own part of these helpers"
)]

use serde_json::Value;
use std::io::{BufRead, BufReader, Lines};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Output, Stdio};

/// A path in the repository.
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

/// Runs `flowloom` with `args`, never with a workspace from the environment.
pub fn flowloom(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flowloom"))
        .args(args)
        .env_remove("FLOWLOOM_WORKSPACE")
        .output()
        .expect("run flowloom")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("utf-8 output")
}

/// Asserts the exit code, showing both outputs when it differs.
#[track_caller]
pub fn exits(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        text(&output.stdout),
        text(&output.stderr)
    );
}

pub fn path_str(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

/// Starts `flowloom run ARGS --json --workspace WS` in the background, with its events to
/// read a line at a time.
pub fn spawn_run(ws: &str, args: &[&str]) -> (Child, Lines<BufReader<ChildStdout>>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_flowloom"))
        .arg("run")
        .args(args)
        .args(["--json", "--workspace", ws])
        .env_remove("FLOWLOOM_WORKSPACE")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start flowloom run");
    let lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    (child, lines)
}

/// Makes a new workspace at `dir` and gives it the fixture table `ads` (`data/ads.csv`),
/// which the failing and table-node fixture flows read.
pub fn workspace_with_ads(dir: &Path) {
    exits(
        &flowloom(&["flows", "list", "--workspace", path_str(dir)]),
        0,
    );
    std::fs::copy(
        repo("tests/fixtures/data/ads.csv"),
        dir.join("data/ads.csv"),
    )
    .expect("copy data");
}

/// Starts `flowloom run comp_slow --json` on a workspace holding the slow fixture flow and
/// returns once its slow node has started, with the rest of its output to read.
pub fn start_slow_run(ws: &str) -> (Child, Lines<BufReader<ChildStdout>>) {
    let slow = repo("tests/fixtures/runs/slow.flow.json");
    exits(
        &flowloom(&["import", path_str(&slow), "--workspace", ws]),
        0,
    );
    let (child, mut lines) = spawn_run(ws, &["comp_slow"]);
    let started_slow = lines.by_ref().map_while(Result::ok).any(|line| {
        serde_json::from_str::<Value>(&line)
            .is_ok_and(|e| e["event"] == "node_started" && e["node_id"] == "slow")
    });
    assert!(started_slow, "the slow node never started");
    (child, lines)
}
