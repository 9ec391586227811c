//! `flowloom run` as a user runs it: flow files and stored flows on a fresh workspace's
//! sample data, `--param`, `--json`, and the exit codes.

mod common;

use common::{exits, flowloom, path_str, repo, text, workspace_with_ads};
use serde_json::Value;

#[test]
fn a_flow_file_runs_on_the_workspace_data_without_being_imported() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    let file = repo("examples/campaign-deep-dive.flow.json");
    let output = flowloom(&["run", path_str(&file), "--workspace", ws]);
    exits(&output, 0);
    let stdout = text(&output.stdout);
    for node in [
        "top_campaigns: 20 row(s)",
        "daily_trend:",
        "their_products:",
        "exclusive_products:",
    ] {
        assert!(stdout.contains(&format!("ok       {node}")), "{stdout}");
    }
    assert!(
        stdout.contains("COMPLETED: 4 of 4 nodes completed in "),
        "{stdout}"
    );
}

#[test]
fn a_stored_flow_runs_with_json_events_and_typed_params() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    let output = flowloom(&[
        "run",
        "comp_campaign_deep_dive",
        "--workspace",
        ws,
        "--param",
        "start_date=2026-06-20",
        "--json",
    ]);
    exits(&output, 0);
    let events: Vec<Value> = text(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect();
    let finished: Vec<&Value> = events
        .iter()
        .filter(|e| e["event"] == "node_finished")
        .collect();
    assert_eq!(finished.len(), 4);
    assert!(
        finished.iter().all(|e| e["status"] == "COMPLETED"),
        "{events:#?}"
    );
    let started = events
        .iter()
        .filter(|e| e["event"] == "node_started")
        .count();
    assert_eq!(started, 4);
    let last = events.last().expect("events");
    assert_eq!(last["event"], "run_finished");
    assert_eq!(last["status"], "COMPLETED");
    let ms = last["duration_ms"].as_f64().expect("a duration in ms");
    assert!(ms > 0.0, "the run took {ms} ms");
}

#[test]
fn bad_params_and_invalid_flows_exit_2_before_anything_runs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    let wrong_type = flowloom(&[
        "run",
        "comp_campaign_deep_dive",
        "--workspace",
        ws,
        "--param",
        "start_date=yesterday",
    ]);
    exits(&wrong_type, 2);
    assert!(text(&wrong_type.stderr).contains("--param start_date: expected a date"));

    let unknown = flowloom(&[
        "run",
        "comp_campaign_deep_dive",
        "--workspace",
        ws,
        "--param",
        "region=EU",
    ]);
    exits(&unknown, 2);
    assert!(
        text(&unknown.stderr)
            .contains("no global parameter `region` (it has: start_date, end_date)"),
        "{}",
        text(&unknown.stderr)
    );
    assert!(unknown.stdout.is_empty(), "nothing ran");

    let cycle = repo("tests/fixtures/flows/cycle.flow.json");
    let invalid = flowloom(&["run", path_str(&cycle), "--workspace", ws]);
    exits(&invalid, 2);
    assert!(text(&invalid.stderr).contains("error[cycle]"));
    // A file whose SQL reads a table the workspace lacks is refused as `validate
    // --workspace` refuses it, before any node runs.
    let unknown_table = repo("tests/fixtures/runs/failure.flow.json");
    let refused = flowloom(&["run", path_str(&unknown_table), "--workspace", ws]);
    exits(&refused, 2);
    assert!(
        text(&refused.stderr).contains("error[unknown_table]")
            && text(&refused.stderr).contains("`broken`"),
        "{}",
        text(&refused.stderr)
    );
    assert!(refused.stdout.is_empty(), "nothing ran");
}

#[test]
fn a_failed_node_fails_the_run_with_exit_1() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    workspace_with_ads(dir.path());
    // The broken node plans (its table is there) and fails as it runs: it divides by zero.
    let fixture = std::fs::read_to_string(repo("tests/fixtures/runs/failure.flow.json"))
        .expect("fixture")
        .replace(
            "SELECT ad_id FROM no_such_table",
            "SELECT ad_id / (ad_id - ad_id) AS ad_id FROM ads",
        );
    let file = dir.path().join("failure.flow.json");
    std::fs::write(&file, fixture).expect("write the flow file");
    let output = flowloom(&[
        "run",
        path_str(&file),
        "--workspace",
        ws,
        "--max-parallel",
        "1",
    ]);
    exits(&output, 1);
    let stdout = text(&output.stdout);
    assert!(stdout.contains("FAILED   broken:"), "{stdout}");
    assert!(stdout.contains("skipped  needs_broken:"), "{stdout}");
    assert!(stdout.contains("ok       among_big: 3 row(s)"), "{stdout}");
    // What failed, out of how many, and what else became of the rest: never "FAILED: 5
    // node(s)", which reads as five failures.
    assert!(
        stdout.contains("\nFAILED: 1 of 5 nodes failed, 3 completed, 1 skipped in "),
        "{stdout}"
    );
}

/// `--to NODE` runs that node and only the nodes it needs.
#[test]
fn run_to_here_runs_only_what_the_node_needs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    let output = flowloom(&[
        "run",
        "comp_campaign_deep_dive",
        "--to",
        "their_products",
        "--workspace",
        ws,
    ]);
    exits(&output, 0);
    let stdout = text(&output.stdout);
    assert!(stdout.contains("ok       top_campaigns:"), "{stdout}");
    assert!(stdout.contains("ok       their_products:"), "{stdout}");
    assert!(!stdout.contains("daily_trend"), "{stdout}");
    assert!(!stdout.contains("exclusive_products"), "{stdout}");
    assert!(
        stdout.contains("COMPLETED: 2 of 2 nodes completed in "),
        "{stdout}"
    );

    let unknown = flowloom(&[
        "run",
        "comp_campaign_deep_dive",
        "--to",
        "nope",
        "--workspace",
        ws,
    ]);
    exits(&unknown, 2);
    assert!(text(&unknown.stderr).contains("no node `nope`"));
}

/// A stored flow's unchanged nodes are reused on the next run; `--no-cache` runs them all,
/// `--from NODE` reruns that node and what follows it.
#[test]
fn unchanged_nodes_are_reused_unless_forced() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    let run = |extra: &[&str]| {
        let mut args = vec!["run", "comp_campaign_deep_dive", "--workspace", ws];
        args.extend_from_slice(extra);
        let output = flowloom(&args);
        exits(&output, 0);
        text(&output.stdout)
    };
    let first = run(&[]);
    assert!(first.contains("ok       top_campaigns:"), "{first}");
    let second = run(&[]);
    for node in [
        "top_campaigns",
        "daily_trend",
        "their_products",
        "exclusive_products",
    ] {
        assert!(
            second.contains(&format!("cached   {node}: ")),
            "{node} reused: {second}"
        );
    }
    // A reused result is as old as the query that made it: reusing it again does not make
    // it younger (a source's --reuse-for window counts from there).
    run(&[]);
    let made_at = |run: &str| {
        let shown = text(&flowloom(&["runs", "show", run, "--workspace", ws]).stdout);
        let line = shown
            .lines()
            .find(|l| l.contains(" top_campaigns: "))
            .unwrap_or_else(|| panic!("top_campaigns in {shown}"))
            .to_owned();
        line.split_once("(reused: made at ")
            .unwrap_or_else(|| panic!("reused, with when it was made: {line}"))
            .1
            .trim_end_matches(')')
            .to_owned()
    };
    let (second_made, third_made) = (made_at("2"), made_at("3"));
    assert_eq!(second_made, third_made);
    let first_run = text(&flowloom(&["runs", "show", "1", "--workspace", ws]).stdout);
    let second_run = text(&flowloom(&["runs", "show", "2", "--workspace", ws]).stdout);
    let started = |shown: &str| {
        shown
            .split_once("started ")
            .and_then(|(_, rest)| rest.split_once(','))
            .map(|(started, _)| started.to_owned())
            .unwrap_or_else(|| panic!("a start time in {shown}"))
    };
    assert!(
        started(&first_run) <= second_made && second_made <= started(&second_run),
        "made by run 1 (started {}), before run 2 started ({}): {second_made}",
        started(&first_run),
        started(&second_run)
    );

    let forced = run(&["--no-cache"]);
    assert!(!forced.contains("cached"), "{forced}");
    let from = run(&["--from", "their_products"]);
    assert!(from.contains("cached   top_campaigns: "), "{from}");
    assert!(from.contains("cached   daily_trend: "), "{from}");
    assert!(from.contains("ok       their_products: "), "{from}");
    assert!(from.contains("ok       exclusive_products: "), "{from}");

    let backwards = flowloom(&[
        "run",
        "comp_campaign_deep_dive",
        "--from",
        "exclusive_products",
        "--to",
        "top_campaigns",
        "--workspace",
        ws,
    ]);
    exits(&backwards, 2);
    assert!(
        text(&backwards.stderr).contains("`exclusive_products` is not upstream of `top_campaigns`"),
        "{}",
        text(&backwards.stderr)
    );
    let file = repo("examples/campaign-deep-dive.flow.json");
    let from_file = flowloom(&[
        "run",
        path_str(&file),
        "--from",
        "their_products",
        "--workspace",
        ws,
    ]);
    exits(&from_file, 2);
    assert!(text(&from_file.stderr).contains("import the flow first"));
}

/// `--param` sets a global parameter; a node that overrides the parameter, or takes it from
/// a mapping, does not use it (default → global → override → mapping). The run says so on
/// stderr, per node, before it starts; the rows show which value each node ran with.
#[test]
fn a_param_shadowed_by_an_override_or_a_mapping_is_warned_about_per_node() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    let file = repo("tests/fixtures/runs/shadowed.flow.json");
    let output = flowloom(&[
        "run",
        path_str(&file),
        "--workspace",
        ws,
        "--param",
        "limit=1",
    ]);
    exits(&output, 0);
    let stderr = text(&output.stderr);
    assert_eq!(
        stderr,
        "warning: --param limit: node `five_campaigns` does not use global `limit`: its own value 5 overrides it\n\
         warning: --param limit: node `mapped_campaigns` does not use global `limit`: it takes `limit` from `two.n` (connection `two_limit`)\n",
    );
    let stdout = text(&output.stdout);
    for line in [
        "ok       first_campaigns: 1 row(s)",
        "ok       five_campaigns: 5 row(s)",
        "ok       mapped_campaigns: 2 row(s)",
    ] {
        assert!(stdout.contains(line), "{stdout}");
    }

    // Nothing given, nothing shadowed: the default is the flow's own choice.
    let quiet = flowloom(&["run", path_str(&file), "--workspace", ws]);
    exits(&quiet, 0);
    assert_eq!(text(&quiet.stderr), "");
    assert!(
        text(&quiet.stdout).contains("ok       first_campaigns: 3 row(s)"),
        "{}",
        text(&quiet.stdout)
    );
}

/// A flow file's data-table nodes work on the workspace the run is given, and the file need
/// not carry the built-in data-table template.
#[test]
fn a_flow_files_data_table_nodes_run_on_the_given_workspace() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    let file = repo("tests/fixtures/runs/table-nodes.flow.json");
    let output = flowloom(&["run", path_str(&file), "--workspace", ws]);
    exits(&output, 0);
    let stdout = text(&output.stdout);
    for line in ["ok       make:", "ok       save:", "ok       look:"] {
        assert!(stdout.contains(line), "{stdout}");
    }
    let listed = flowloom(&["tables", "list", "--workspace", ws]);
    exits(&listed, 0);
    assert_eq!(
        text(&listed.stdout),
        "scores\tversion 1\t2 columns\t3 rows\n"
    );
}
