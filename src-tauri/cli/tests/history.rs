//! What a run leaves behind, read back from the command line: `runs list` and `runs show`,
//! each node's kept result through `flowloom results` (CSV, JSON, Parquet, money to the
//! cent), and `runs prune`.

mod common;

use common::{exits, flowloom, path_str, repo, text, workspace_with_ads};
use serde_json::Value;

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

/// `runs show` tells a skipped node's reason as such, and shows a data-table node's
/// outcome (what a condition reads as `upstream.<id>.outcome`).
#[test]
fn runs_show_labels_skip_reasons_and_shows_table_outcomes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    workspace_with_ads(dir.path());
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
