//! Reuse as a user meets it with the real binary: every spelling of a workspace's path
//! reuses the same results, and a list written where one value goes (`= {{ids}}`, as a
//! for-each node binds each value) keeps its node, and the nodes after it, reusable.

mod common;

use common::{exits, path_str, repo, text};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

/// `flowloom ARGS` run from `cwd`, never with a workspace from the environment.
fn flowloom_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flowloom"))
        .current_dir(cwd)
        .args(args)
        .env_remove("FLOWLOOM_WORKSPACE")
        .output()
        .expect("run flowloom")
}

/// Runs `flow` on the workspace spelled `ws` (from `cwd`): per node, whether it was reused.
fn reused(cwd: &Path, ws: &str, flow: &str) -> Vec<(String, bool)> {
    let output = flowloom_in(cwd, &["run", flow, "--json", "--workspace", ws]);
    exits(&output, 0);
    text(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).expect("one JSON event a line"))
        .filter(|e| e["event"] == "node_finished")
        .map(|e| {
            assert_eq!(e["status"], "COMPLETED", "{e}");
            (
                e["node_id"].as_str().expect("id").to_owned(),
                e["from_cache"] == true,
            )
        })
        .collect()
}

#[test]
fn every_spelling_of_the_workspace_path_reuses_the_same_results() {
    let dir = tempfile::tempdir().expect("temp dir");
    let tmp = dir.path();
    std::fs::create_dir(tmp.join("here")).expect("a folder to run from");
    let first = reused(tmp, "ws", "comp_campaign_deep_dive");
    assert_eq!(first.len(), 4);
    assert!(first.iter().all(|(_, hit)| !hit), "{first:?}");
    std::os::unix::fs::symlink(tmp.join("ws"), tmp.join("link")).expect("a link");
    let absolute = path_str(tmp).to_owned();
    for (cwd, spelling) in [
        (tmp.to_owned(), "./ws".to_owned()),
        (tmp.to_owned(), "ws/".to_owned()),
        (tmp.to_owned(), format!("{absolute}//ws")),
        (tmp.join("here"), "../ws".to_owned()),
        (tmp.to_owned(), format!("{absolute}/here/../ws/.")),
        (tmp.to_owned(), "link".to_owned()),
    ] {
        let again = reused(&cwd, &spelling, "comp_campaign_deep_dive");
        assert_eq!(again.len(), 4, "{spelling}");
        assert!(
            again.iter().all(|(_, hit)| *hit),
            "`{spelling}` reuses every node: {again:?}"
        );
    }
}

#[test]
fn a_list_where_one_value_goes_is_reused_with_the_nodes_after_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    let file = repo("tests/fixtures/runs/one-value-lists.flow.json");
    exits(
        &flowloom_in(dir.path(), &["import", path_str(&file), "--workspace", ws]),
        0,
    );
    let first = reused(dir.path(), ws, "comp_one_value_lists");
    assert_eq!(first.len(), 3, "{first:?}");
    let second = reused(dir.path(), ws, "comp_one_value_lists");
    assert_eq!(
        second,
        vec![
            ("first".to_owned(), true),
            ("per_campaign".to_owned(), true),
            ("total".to_owned(), true),
        ]
    );
    let checked = flowloom_in(dir.path(), &["validate", path_str(&file)]);
    exits(&checked, 0);
    assert!(
        !text(&checked.stdout).contains("not_reusable"),
        "{}",
        text(&checked.stdout)
    );
}

/// A data-table node always runs, but the nodes after it are keyed on what it came to: the
/// query mapping the row count `look` found is reused once `look` finds the same table
/// again; the data-table nodes themselves run every time. A node merely ordered after
/// another (a connection that maps nothing) does not lose reuse with it.
#[test]
fn nodes_after_a_data_table_node_are_reused_when_it_comes_to_the_same() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    let hits = |flow: &str| -> Vec<String> {
        reused(dir.path(), ws, flow)
            .into_iter()
            .filter_map(|(node, hit)| hit.then_some(node))
            .collect()
    };
    for (file, flow, second) in [
        (
            "after-a-table-node.flow.json",
            "comp_after_a_table_node",
            vec!["sized"],
        ),
        // `scores` waits for the create node `make` through a connection that maps nothing.
        (
            "table-nodes.flow.json",
            "comp_table_nodes_uncarried",
            vec!["scores"],
        ),
    ] {
        let path = repo(&format!("tests/fixtures/runs/{file}"));
        exits(
            &flowloom_in(dir.path(), &["import", path_str(&path), "--workspace", ws]),
            0,
        );
        assert!(hits(flow).is_empty(), "{flow}: the first run");
        assert_eq!(hits(flow), second, "{flow}: the second run");
        assert_eq!(hits(flow), second, "{flow}: the third run");
    }
}
