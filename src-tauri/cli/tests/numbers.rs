//! Numbers stay exact through the real command: integer and decimal parameters at the edges
//! of what they hold (from `--param` and from a flow file), a data table's decimal column
//! summed by a flow and exported, a data file's decimals that do not fit their sidecar, and
//! every JSON output ending its last line.

mod common;

use common::{exits, flowloom, path_str, repo, text};
use serde_json::Value;

const FLOW: &str = "tests/fixtures/runs/exact-numbers.flow.json";

/// A workspace holding the exact-numbers flow.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    exits(
        &flowloom(&[
            "import",
            path_str(&repo(FLOW)),
            "--workspace",
            path_str(dir.path()),
        ]),
        0,
    );
    dir
}

/// Runs the flow with `params`, then gives back what its node echoed: `(i, d)` as text.
fn echoed(ws: &str, run: u32, params: &[&str]) -> (String, String) {
    let mut args = vec!["run", "comp_exact_numbers", "--workspace", ws];
    for p in params {
        args.extend(["--param", p]);
    }
    exits(&flowloom(&args), 0);
    let out = flowloom(&[
        "results",
        &run.to_string(),
        "echo",
        "--format",
        "json",
        "--workspace",
        ws,
    ]);
    exits(&out, 0);
    let rows: Value = serde_json::from_slice(&out.stdout).expect("json rows");
    (
        rows[0]["i"].as_str().expect("i").to_owned(),
        rows[0]["d"].as_str().expect("d").to_owned(),
    )
}

#[test]
fn parameters_at_the_edges_are_exact_or_refused_by_name() {
    let dir = workspace();
    let ws = path_str(dir.path());
    // The flow file's defaults: i64::MAX and a 38-digit decimal, both as JSON numbers.
    assert_eq!(
        echoed(ws, 1, &[]),
        (
            i64::MAX.to_string(),
            "1234567890123456789012345678.0123456789".to_owned()
        )
    );
    let max38 = "99999999999999999999999999999999999999";
    assert_eq!(
        echoed(ws, 2, &[&format!("i={}", i64::MIN), &format!("d={max38}")]),
        (i64::MIN.to_string(), max38.to_owned())
    );
    assert_eq!(
        echoed(ws, 3, &["d=-0.00000000000000000000000000000000000001"]).1,
        "-0.00000000000000000000000000000000000001"
    );
    for (param, message) in [
        (
            "i=9223372036854775808",
            "--param i: 9223372036854775808 is out of range for an integer (-9223372036854775808 to 9223372036854775807)",
        ),
        (
            "i=170141183460469231731687303715884105727",
            "--param i: 170141183460469231731687303715884105727 is out of range for an integer",
        ),
        (
            "i=-9223372036854775809",
            "--param i: -9223372036854775809 is out of range for an integer",
        ),
        (
            "d=170141183460469231731687303715884105727",
            "--param d: 170141183460469231731687303715884105727 has 39 significant digits; a decimal holds at most 38",
        ),
        (
            "d=1e38",
            "--param d: 1e38 has 39 significant digits; a decimal holds at most 38",
        ),
        (
            "d=0.000000000000000000000000000000000000001",
            "--param d: 0.000000000000000000000000000000000000001 has 39 digits after the point",
        ),
    ] {
        let out = flowloom(&[
            "run",
            "comp_exact_numbers",
            "--workspace",
            ws,
            "--param",
            param,
        ]);
        exits(&out, 2);
        let stderr = text(&out.stderr);
        assert!(stderr.contains(message), "{param}: {stderr}");
    }
}

#[test]
fn a_flow_file_value_past_the_edge_is_refused_by_validate_and_import() {
    let flow = std::fs::read_to_string(repo(FLOW)).expect("fixture");
    let dir = tempfile::tempdir().expect("temp dir");
    for (from, to, message) in [
        (
            "\"default\": 9223372036854775807",
            "\"default\": 9223372036854775808",
            "/composition/global_parameters/0/default: global parameter `i`: 9223372036854775808 is out of range for an integer",
        ),
        (
            "1234567890123456789012345678.0123456789",
            "12345678901234567890123456789.0123456789",
            "/composition/global_parameters/1/default: global parameter `d`: 12345678901234567890123456789.0123456789 has 39 significant digits",
        ),
        (
            "\"parameter_overrides\": {}",
            "\"parameter_overrides\": {\"d\": 1.000000000000000000000000000000000000001}",
            "`d`: 1.000000000000000000000000000000000000001 has 40 significant digits",
        ),
    ] {
        assert!(flow.contains(from), "{from}");
        let path = dir.path().join("edge.flow.json");
        std::fs::write(&path, flow.replace(from, to)).expect("write");
        let out = flowloom(&["validate", path_str(&path)]);
        exits(&out, 1);
        assert!(text(&out.stdout).contains(message), "{}", text(&out.stdout));
        let out = flowloom(&[
            "import",
            path_str(&path),
            "--workspace",
            path_str(&dir.path().join("ws")),
        ]);
        assert_ne!(out.status.code(), Some(0), "{to} imported");
    }
    // An override inside the range is taken exactly, digit for digit.
    let path = dir.path().join("override.flow.json");
    std::fs::write(
        &path,
        flow.replace(
            "\"parameter_overrides\": {}",
            "\"parameter_overrides\": {\"d\": 0.1234567890123456789012345678901234567}",
        ),
    )
    .expect("write");
    let ws = dir.path().join("ws2");
    exits(
        &flowloom(&["import", path_str(&path), "--workspace", path_str(&ws)]),
        0,
    );
    assert_eq!(
        echoed(path_str(&ws), 1, &[]).1,
        "0.1234567890123456789012345678901234567"
    );
}

/// `tables create` and `import` of `amount decimal(p,2)` holding `rows` times `0.10` and
/// once `big`.
fn money_table(ws: &str, dir: &std::path::Path, rows: usize, big: &str) {
    let schema = dir.join("money.json");
    std::fs::write(
        &schema,
        r#"{"columns": [{"name": "label", "data_type": "string"},
                        {"name": "amount", "data_type": "decimal", "precision": 38, "scale": 2},
                        {"name": "share", "data_type": "decimal"}]}"#,
    )
    .expect("schema");
    exits(
        &flowloom(&[
            "tables",
            "create",
            "money",
            "--schema",
            path_str(&schema),
            "--workspace",
            ws,
        ]),
        0,
    );
    let mut csv = String::from("label,amount,share\n");
    for i in 0..rows {
        csv.push_str(&format!("r{i},0.10,0.1\n"));
    }
    csv.push_str(&format!("big,{big},0.3\n"));
    let file = dir.join("money.csv");
    std::fs::write(&file, csv).expect("csv");
    exits(
        &flowloom(&[
            "tables",
            "import",
            path_str(&file),
            "--table",
            "money",
            "--workspace",
            ws,
        ]),
        0,
    );
}

#[test]
fn a_data_tables_decimals_sum_exactly_through_a_flow_and_an_export() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws_dir = dir.path().join("ws");
    let ws = path_str(&ws_dir);
    let big = "123456789012345678901234567890.07";
    money_table(ws, dir.path(), 1000, big);

    // Through a flow: SUM over the table, kept and read back as its digits.
    let flow = std::fs::read_to_string(repo(FLOW))
        .expect("fixture")
        .replace(
            "SELECT CAST({{i}} AS VARCHAR) AS i, CAST({{d}} AS VARCHAR) AS d\\n",
            "SELECT CAST(SUM(amount) AS VARCHAR) AS i, CAST(SUM(share) AS VARCHAR) AS d FROM money WHERE {{i}} > 0 AND {{d}} > 0\\n",
        );
    let path = dir.path().join("sum.flow.json");
    std::fs::write(&path, flow).expect("write");
    exits(
        &flowloom(&["import", path_str(&path), "--workspace", ws]),
        0,
    );
    let (amount, share) = echoed(ws, 1, &[]);
    // Recomputed exactly: 1000 × 0.10 + big; 1000 × 0.1 + 0.3.
    assert_eq!(amount, "123456789012345678901234567990.07");
    assert_eq!(share, "100.3000000000");

    // Through an export: each value as it was written, at the column's scale.
    for format in ["csv", "json"] {
        let out = flowloom(&[
            "tables",
            "export",
            "money",
            "--format",
            format,
            "--workspace",
            ws,
        ]);
        exits(&out, 0);
        let exported = text(&out.stdout);
        assert!(exported.contains(big), "{format}: {exported}");
        assert!(exported.contains("0.10"), "{format}");
        assert!(
            !exported.contains("0.1000000000000000"),
            "{format}: float noise"
        );
    }
    let out = flowloom(&[
        "tables",
        "export",
        "money",
        "--format",
        "csv",
        "--workspace",
        ws,
    ]);
    let total: (i128, i128) = text(&out.stdout)
        .lines()
        .skip(1)
        .map(|line| {
            let amount = line.split(',').nth(2).expect("amount");
            let (whole, cents) = amount.split_once('.').expect("two places");
            (
                whole.parse::<i128>().expect("whole"),
                cents.parse::<i128>().expect("cents"),
            )
        })
        .fold((0, 0), |(w, c), (whole, cents)| (w + whole, c + cents));
    assert_eq!(
        total.0 * 100 + total.1,
        12_345_678_901_234_567_890_123_456_799_007
    );
}

#[test]
fn a_value_that_does_not_fit_its_decimal_column_is_refused_by_line_and_column() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws_dir = dir.path().join("ws");
    let ws = path_str(&ws_dir);
    money_table(ws, dir.path(), 2, "1.5");
    let file = dir.path().join("more.csv");
    std::fs::write(&file, "label,amount,share\nok,1.25,0.5\ncut,1.234,0.5\nwide,1234567890123456789012345678901234567,1\n").expect("csv");
    let out = flowloom(&[
        "tables",
        "import",
        path_str(&file),
        "--table",
        "money",
        "--workspace",
        ws,
    ]);
    exits(&out, 1);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("column `amount`: 1.234 has 3 digits after the point; the column is decimal(38,2), which keeps 2"),
        "{stderr}"
    );
    assert!(
        stderr.contains("column `amount`: 1234567890123456789012345678901234567 has 37 digits before the point; the column is decimal(38,2), which keeps 36"),
        "{stderr}"
    );
}

#[test]
fn a_data_files_decimal_past_its_sidecar_names_file_line_and_column() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = dir.path().join("ws");
    exits(
        &flowloom(&["tables", "list", "--workspace", path_str(&ws)]),
        0,
    );
    let data = ws.join("data");
    std::fs::write(
        data.join("fees.csv"),
        "id,fee\n1,0.10\n2,0.125\n3,123456789.5\n4,2.00\n",
    )
    .expect("csv");
    std::fs::write(
        data.join("fees.schema.json"),
        r#"{"columns": {"fee": "decimal(10,2)"}}"#,
    )
    .expect("sidecar");
    let flow = std::fs::read_to_string(repo(FLOW)).expect("fixture").replace(
        "SELECT CAST({{i}} AS VARCHAR) AS i, CAST({{d}} AS VARCHAR) AS d\\n",
        "SELECT CAST(SUM(fee) AS VARCHAR) AS i, CAST(AVG(fee) AS VARCHAR) AS d FROM fees WHERE {{i}} > 0 AND {{d}} > 0\\n",
    );
    let path = dir.path().join("fees.flow.json");
    std::fs::write(&path, flow).expect("write");
    // Known before anything runs: the file's SQL is planned against the table first.
    let out = flowloom(&["run", path_str(&path), "--workspace", path_str(&ws)]);
    exits(&out, 2);
    assert!(out.stdout.is_empty(), "nothing ran");
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(
        all.contains("fees.csv: 2 value(s) do not fit their decimal column"),
        "{all}"
    );
    assert!(all.contains("line 3, column `fee`: 0.125 has 3 digits after the point; the column is decimal(10,2), which keeps 2"), "{all}");
    assert!(all.contains("line 4, column `fee`: 123456789.5 has 9 digits before the point; the column is decimal(10,2), which keeps 8"), "{all}");

    // Once the values fit, SUM is exact and AVG keeps four more places than the column.
    std::fs::write(data.join("fees.csv"), "id,fee\n1,0.10\n2,0.20\n3,0.20\n").expect("csv");
    let out = flowloom(&[
        "run",
        path_str(&path),
        "--workspace",
        path_str(&ws),
        "--json",
    ]);
    exits(&out, 0);
    let ws = path_str(&ws);
    exits(
        &flowloom(&["import", path_str(&path), "--workspace", ws]),
        0,
    );
    let (sum, avg) = echoed(ws, 1, &[]);
    assert_eq!(sum, "0.50");
    assert_eq!(avg, "0.166666");
}

/// Every command that writes JSON ends it with a newline, so `| jq` and `cat` see a whole
/// last line.
#[test]
fn every_json_output_ends_its_last_line() {
    let dir = workspace();
    let ws = path_str(dir.path());
    let flow_path = repo(FLOW);
    let flow = path_str(&flow_path);
    exits(
        &flowloom(&["run", "comp_exact_numbers", "--workspace", ws]),
        0,
    );
    let schema = dir.path().join("t.json");
    std::fs::write(
        &schema,
        r#"{"columns": [{"name": "n", "data_type": "integer"}]}"#,
    )
    .expect("schema");
    exits(
        &flowloom(&[
            "tables",
            "create",
            "t",
            "--schema",
            path_str(&schema),
            "--workspace",
            ws,
        ]),
        0,
    );
    let csv = dir.path().join("t.csv");
    std::fs::write(&csv, "n\n1\n").expect("csv");
    let commands: Vec<Vec<&str>> = vec![
        vec!["validate", flow, "--json"],
        vec!["run", flow, "--json"],
        vec!["runs", "list", "--json"],
        vec!["runs", "show", "1", "--json"],
        vec!["results", "1", "echo", "--format", "json"],
        vec!["tables", "list", "--json"],
        vec!["tables", "show", "t", "--json"],
        vec!["tables", "history", "t", "--json"],
        vec!["tables", "infer", path_str(&csv)],
        vec!["tables", "import", path_str(&csv), "--table", "t", "--json"],
        vec!["tables", "export", "t", "--format", "json"],
        vec!["versions", "list", "comp_exact_numbers", "--json"],
        vec!["schedules", "list", "--json"],
        vec!["export", "comp_exact_numbers"],
        vec!["templates", "export"],
        vec!["schema"],
    ];
    for args in commands {
        let mut all = args.clone();
        if args[0] != "validate" && args[0] != "schema" {
            all.extend(["--workspace", ws]);
        }
        let out = flowloom(&all);
        exits(&out, 0);
        let stdout = text(&out.stdout);
        assert!(
            stdout.ends_with('\n'),
            "{args:?} does not end its line: {stdout:?}"
        );
        let parses = serde_json::from_str::<Value>(&stdout).is_ok()
            || stdout
                .lines()
                .all(|line| serde_json::from_str::<Value>(line).is_ok());
        assert!(parses, "{args:?} is not JSON: {stdout}");
    }
}
