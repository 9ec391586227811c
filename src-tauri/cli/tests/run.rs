//! `flowloom run` as a user runs it: flow files and stored flows on a fresh workspace's
//! sample data, `--param`, `--json`, and the exit codes.

mod common;

use common::{exits, flowloom, path_str, repo, text};
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
    // Create the workspace, then give it the fixture table the flow reads.
    exits(&flowloom(&["flows", "list", "--workspace", ws]), 0);
    std::fs::copy(
        repo("tests/fixtures/data/ads.csv"),
        dir.path().join("data/ads.csv"),
    )
    .expect("copy data");
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

/// A stored flow's run is kept: `runs list` and `runs show` read it back with what each node
/// ran with.
#[test]
fn a_stored_flows_run_is_kept_in_the_history() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    let output = flowloom(&[
        "run",
        "comp_campaign_deep_dive",
        "--workspace",
        ws,
        "--param",
        "start_date=2026-06-15",
    ]);
    exits(&output, 0);
    assert!(
        text(&output.stdout).contains("(run 1)"),
        "{}",
        text(&output.stdout)
    );

    let listed = flowloom(&["runs", "list", "--workspace", ws]);
    exits(&listed, 0);
    let line = text(&listed.stdout);
    assert!(
        line.starts_with("1\tcomp_campaign_deep_dive\tCOMPLETED\tcli\t"),
        "{line}"
    );

    let shown = flowloom(&["runs", "show", "1", "--json", "--workspace", ws]);
    exits(&shown, 0);
    let run: Value = serde_json::from_slice(&shown.stdout).expect("JSON");
    assert_eq!(run["summary"]["status"], "COMPLETED");
    assert_eq!(run["summary"]["version"], 1);
    assert_eq!(run["summary"]["parameters"]["start_date"], "2026-06-15");
    let nodes = run["nodes"].as_array().expect("nodes");
    assert_eq!(nodes.len(), 4);
    let top = nodes
        .iter()
        .find(|n| n["node_id"] == "top_campaigns")
        .expect("top_campaigns");
    assert_eq!(top["row_count"], 20);
    assert_eq!(top["parameters"]["start_date"], "2026-06-15");
    assert!(
        top["sql"]
            .as_str()
            .is_some_and(|sql| sql.contains("BETWEEN $1 AND $2")),
        "{top}"
    );
    assert!(top["columns"].as_array().is_some_and(|c| !c.is_empty()));
}

/// Each node's result is kept with the run: `flowloom results` pages through it as CSV or
/// JSON and writes it as Parquet.
#[test]
fn a_nodes_result_is_kept_and_pages_out_as_csv_json_or_parquet() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    exits(
        &flowloom(&["run", "comp_campaign_deep_dive", "--workspace", ws]),
        0,
    );

    let csv = flowloom(&[
        "results",
        "1",
        "top_campaigns",
        "--limit",
        "3",
        "--workspace",
        ws,
    ]);
    exits(&csv, 0);
    let csv = text(&csv.stdout);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 4, "a header and three rows: {csv}");
    assert_eq!(lines[0], "campaign_id,campaign_name,channel,spend,clicks");

    let json = flowloom(&[
        "results",
        "1",
        "top_campaigns",
        "--offset",
        "18",
        "--format",
        "json",
        "--workspace",
        ws,
    ]);
    exits(&json, 0);
    let rows: Value = serde_json::from_slice(&json.stdout).expect("a JSON array");
    assert_eq!(
        rows.as_array().map(Vec::len),
        Some(2),
        "rows 19 and 20 of 20"
    );
    assert!(rows[0]["campaign_id"].is_string());

    let file = dir.path().join("trend.parquet");
    let parquet = flowloom(&[
        "results",
        "1",
        "daily_trend",
        "--format",
        "parquet",
        "-o",
        path_str(&file),
        "--workspace",
        ws,
    ]);
    exits(&parquet, 0);
    let bytes = std::fs::read(&file).expect("the Parquet file");
    assert!(bytes.starts_with(b"PAR1") && bytes.ends_with(b"PAR1"));

    let refused = flowloom(&[
        "results",
        "1",
        "daily_trend",
        "--format",
        "parquet",
        "--workspace",
        ws,
    ]);
    exits(&refused, 2);
    let missing = flowloom(&["results", "1", "nope", "--workspace", ws]);
    exits(&missing, 1);
    assert!(text(&missing.stderr).contains("run 1 has no node `nope`"));
}

/// Money is exact from the sample data to the terminal: `flowloom results` prints each
/// campaign's June spend to the cent, equal to the sum of the CSV's cents computed here,
/// in CSV and in JSON.
#[test]
fn results_print_money_to_the_cent() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    exits(
        &flowloom(&["run", "comp_campaign_deep_dive", "--workspace", ws]),
        0,
    );
    let data = std::fs::read_to_string(dir.path().join("data/ad_daily.csv")).expect("sample");
    let mut june = std::collections::BTreeMap::<String, i64>::new();
    for line in data.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect(); // day,campaign_id,impressions,clicks,spend
        if cells[0].starts_with("2026-06-") {
            let (whole, cents) = cells[4].split_once('.').expect("cents");
            *june.entry(cells[1].to_owned()).or_insert(0) +=
                whole.parse::<i64>().expect("whole") * 100 + cents.parse::<i64>().expect("cents");
        }
    }
    let money = |cents: i64| format!("{}.{:02}", cents / 100, cents % 100);

    let csv = flowloom(&[
        "results",
        "1",
        "top_campaigns",
        "--format",
        "csv",
        "--workspace",
        ws,
    ]);
    exits(&csv, 0);
    let csv = text(&csv.stdout);
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(rows.len(), 20, "{csv}");
    for row in &rows {
        // campaign_id,campaign_name,channel,spend,clicks
        assert_eq!(row[3], money(june[row[0]]), "{}: {csv}", row[0]);
    }

    let json = flowloom(&[
        "results",
        "1",
        "top_campaigns",
        "--format",
        "json",
        "--workspace",
        ws,
    ]);
    exits(&json, 0);
    let json = text(&json.stdout);
    for row in &rows {
        let cell = format!("\"spend\":{}", money(june[row[0]]));
        assert!(json.contains(&cell), "{cell} in {json}");
    }
}

/// `runs prune --keep N` keeps each flow's newest N runs and deletes the rest with their
/// kept results.
#[test]
fn old_runs_and_their_results_are_pruned() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    for _ in 0..3 {
        exits(
            &flowloom(&["run", "comp_low_ctr_review", "--workspace", ws]),
            0,
        );
    }
    assert!(dir.path().join("results/1").is_dir());
    let pruned = flowloom(&["runs", "prune", "--keep", "1", "--workspace", ws]);
    exits(&pruned, 0);
    assert_eq!(text(&pruned.stdout), "deleted 2 run(s) and their results\n");
    let listed = text(&flowloom(&["runs", "list", "--workspace", ws]).stdout);
    assert_eq!(listed.lines().count(), 1, "{listed}");
    assert!(listed.starts_with("3\t"), "{listed}");
    assert!(!dir.path().join("results/1").exists());
    assert!(!dir.path().join("results/2").exists());
    assert!(dir.path().join("results/3").is_dir());
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
    let shown = text(&flowloom(&["runs", "show", "2", "--workspace", ws]).stdout);
    assert!(shown.contains("(reused from an earlier run)"), "{shown}");

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

/// `runs show` tells a skipped node's reason as such, and shows a data-table node's
/// outcome (what a condition reads as `upstream.<id>.outcome`).
#[test]
fn runs_show_labels_skip_reasons_and_shows_table_outcomes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    // Create the workspace, then give it the fixture table the failing flow reads.
    exits(&flowloom(&["flows", "list", "--workspace", ws]), 0);
    std::fs::copy(
        repo("tests/fixtures/data/ads.csv"),
        dir.path().join("data/ads.csv"),
    )
    .expect("copy data");
    // An import plans each node's SQL against the workspace: the table the broken node
    // reads is there while it imports, and gone when it runs.
    let broken_table = dir.path().join("data/no_such_table.csv");
    std::fs::write(&broken_table, "ad_id\n1\n").expect("write");
    for fixture in ["failure", "table-nodes"] {
        let file = repo(&format!("tests/fixtures/runs/{fixture}.flow.json"));
        exits(
            &flowloom(&["import", path_str(&file), "--workspace", ws]),
            0,
        );
    }
    std::fs::remove_file(&broken_table).expect("remove");
    exits(&flowloom(&["run", "comp_failure", "--workspace", ws]), 1);
    let shown = text(&flowloom(&["runs", "show", "1", "--workspace", ws]).stdout);
    let skipped = shown
        .split("\n\n")
        .find(|part| part.starts_with("SKIPPED needs_broken"))
        .unwrap_or_else(|| panic!("{shown}"));
    assert!(
        skipped.contains("\n  skipped: `broken` did not complete"),
        "{skipped}"
    );
    assert!(!skipped.contains("error:"), "{skipped}");
    let failed = shown
        .split("\n\n")
        .find(|part| part.starts_with("FAILED broken"))
        .unwrap_or_else(|| panic!("{shown}"));
    assert!(failed.contains("\n  error: "), "{failed}");

    exits(
        &flowloom(&["run", "comp_table_nodes_uncarried", "--workspace", ws]),
        0,
    );
    let shown = text(&flowloom(&["runs", "show", "2", "--workspace", ws]).stdout);
    let make = shown
        .split("\n\n")
        .find(|part| part.starts_with("COMPLETED make"))
        .unwrap_or_else(|| panic!("{shown}"));
    assert!(make.contains("\n  outcome: success\n"), "{make}");
}
