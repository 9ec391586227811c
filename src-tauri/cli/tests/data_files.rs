//! Data files through the real command: `flowloom data list | show` print the columns and
//! types the engine reads (a CSV file's inferred from every row, its missing-value markers),
//! a stored flow over a CSV file reads it again when it changed between two runs (and
//! reuses its result when it did not), and `validate --workspace` names a column the file
//! lacks and an average over text before anything runs.

mod common;

use common::{exits, flowloom, path_str, repo, text};
use serde_json::Value;
use std::path::Path;

/// A workspace with `events.csv` (dates and datetimes, missing values) in its data folder.
fn workspace_with_events() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    exits(
        &flowloom(&["flows", "list", "--workspace", path_str(dir.path())]),
        0,
    );
    std::fs::copy(
        repo("tests/fixtures/data/events.csv"),
        dir.path().join("data/events.csv"),
    )
    .expect("copy");
    dir
}

#[test]
fn data_show_prints_the_types_inferred_and_the_missing_value_markers() {
    let dir = workspace_with_events();
    let ws = path_str(dir.path());
    let out = flowloom(&["data", "show", "events", "--workspace", ws]);
    exits(&out, 0);
    assert_eq!(
        text(&out.stdout),
        "events (events.csv)\n  \
           id          integer\n  \
           day         date\n  \
           local_time  datetime\n  \
           logged_at   datetime (UTC)\n  \
           note        text\n\
         missing values: \"\", \"NA\", \"N/A\", \"NULL\", \"\\N\", \"NaN\"\n"
    );

    let json = flowloom(&["data", "show", "events", "--json", "--workspace", ws]);
    exits(&json, 0);
    let shape: Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(shape["file"], "events.csv");
    assert_eq!(
        shape["columns"][3],
        serde_json::json!({"name": "logged_at", "type": "datetime (UTC)"})
    );

    // The sample data's tables are listed too, each with where it is read from.
    let list = flowloom(&["data", "list", "--workspace", ws]);
    exits(&list, 0);
    let listed = text(&list.stdout);
    assert!(
        listed.contains("events\tevents.csv\t5 columns\n"),
        "{listed}"
    );
    assert!(listed.contains("campaigns\tcampaigns.csv\t"), "{listed}");

    let unknown = flowloom(&["data", "show", "nope", "--workspace", ws]);
    exits(&unknown, 1);
    assert!(
        text(&unknown.stderr).contains("no table `nope`"),
        "{}",
        text(&unknown.stderr)
    );
}

#[test]
fn data_show_says_why_a_file_cannot_be_read() {
    let dir = workspace_with_events();
    let ws = path_str(dir.path());
    std::fs::write(dir.path().join("data/broken.csv"), "a,b\n1,2\n3\n").expect("write");
    let out = flowloom(&["data", "show", "broken", "--workspace", ws]);
    exits(&out, 1);
    let err = text(&out.stderr);
    assert!(
        err.contains("broken.csv") && err.contains("line 3"),
        "{err}"
    );
}

/// The node's finished events of a `run --json`: `(from_cache, row of the result)`.
fn run_total(ws: &str, run: u32) -> (bool, Value) {
    let out = flowloom(&["run", "comp_csv_sales", "--json", "--workspace", ws]);
    exits(&out, 0);
    let from_cache = text(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find_map(|e| e.get("from_cache").and_then(Value::as_bool))
        .expect("a finished node");
    let rows = flowloom(&[
        "results",
        &run.to_string(),
        "total",
        "--format",
        "json",
        "--workspace",
        ws,
    ]);
    exits(&rows, 0);
    let rows: Value = serde_json::from_slice(&rows.stdout).expect("json rows");
    (from_cache, rows[0].clone())
}

#[test]
fn a_csv_changed_between_two_runs_is_read_again() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    exits(&flowloom(&["flows", "list", "--workspace", ws]), 0);
    let sales = dir.path().join("data/sales.csv");
    std::fs::write(&sales, "region,amount\nnorth,10\nsouth,NA\neast,2.5\n").expect("write");
    let flow = repo("tests/fixtures/runs/csv-sales.flow.json");
    exits(
        &flowloom(&["import", path_str(&flow), "--workspace", ws]),
        0,
    );

    let (reused, first) = run_total(ws, 1);
    assert!(!reused);
    assert_eq!(first["total"], 12.5);
    assert_eq!(
        (first["counted"].as_i64(), first["sales"].as_i64()),
        (Some(2), Some(3))
    );
    let (reused, again) = run_total(ws, 2);
    assert!(reused, "the file did not change: the result is reused");
    assert_eq!(again, first);

    std::fs::write(
        &sales,
        "region,amount\nnorth,10\nsouth,NA\neast,2.5\nwest,30\n",
    )
    .expect("rewrite");
    let (reused, changed) = run_total(ws, 3);
    assert!(!reused, "the file changed: read again, not reused");
    assert_eq!(changed["total"], 42.5);
    assert_eq!(changed["sales"].as_i64(), Some(4));
    // One parsed copy per data file: the changed file's old copy is gone.
    let copies = std::fs::read_dir(dir.path().join("cache/csv"))
        .expect("cache folder")
        .count();
    let csv_files = std::fs::read_dir(dir.path().join("data"))
        .expect("data folder")
        .flatten()
        .filter(|e| {
            Path::new(&e.file_name())
                .extension()
                .is_some_and(|x| x == "csv")
        })
        .count();
    assert_eq!(copies, csv_files);
}

#[test]
fn validate_names_a_missing_column_and_an_average_over_text_before_any_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    exits(&flowloom(&["flows", "list", "--workspace", ws]), 0);
    std::fs::copy(
        repo("tests/fixtures/flows/csv-schema.data/flights.csv"),
        dir.path().join("data/flights.csv"),
    )
    .expect("copy");
    let flow = repo("tests/fixtures/flows/csv-schema.flow.json");
    let out = flowloom(&["validate", path_str(&flow), "--workspace", ws, "--json"]);
    exits(&out, 1);
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    let diagnostics = report["diagnostics"].as_array().expect("diagnostics");
    let on = |node: &str| -> Vec<(String, String)> {
        diagnostics
            .iter()
            .filter(|d| {
                d["message"]
                    .as_str()
                    .is_some_and(|m| m.contains(&format!("node `{node}`")))
            })
            .map(|d| {
                (
                    d["code"].as_str().unwrap_or("").to_owned(),
                    d["message"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect()
    };
    assert_eq!(
        on("delay_by_carrier"),
        [],
        "NA after row 2,000 is a missing value, not text"
    );
    assert_eq!(on("by_month"), [], "the dates are dates");
    let missing = on("departures");
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert_eq!(missing[0].0, "unknown_column");
    assert!(missing[0].1.contains("dep_delay"), "{missing:?}");
    let named: Vec<&str> = diagnostics
        .iter()
        .filter(|d| d["code"] == "unknown_column")
        .filter_map(|d| d["column"].as_str())
        .collect();
    assert_eq!(
        named,
        ["dep_delay"],
        "the column concerned, for the editor to point at"
    );
    let text_average = on("average_origin");
    assert_eq!(text_average.len(), 1, "{text_average:?}");
    assert_eq!(text_average[0].0, "bad_template_sql");
    assert!(text_average[0].1.contains("avg"), "{text_average:?}");
    assert!(!text_average[0].1.contains("bug"), "{text_average:?}");
}
