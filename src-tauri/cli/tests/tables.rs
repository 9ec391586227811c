//! `flowloom tables …` as a user runs it: a table created from a schema file, changed, its
//! history read back, and definitions that cannot work refused with every problem.

mod common;

use common::{exits, flowloom, path_str, text};
use serde_json::{Value, json};

fn write(dir: &std::path::Path, name: &str, value: &Value) -> String {
    let path = dir.join(name);
    std::fs::write(&path, value.to_string()).expect("write the schema file");
    path_str(&path).to_owned()
}

#[test]
fn a_table_is_created_from_a_schema_file_altered_and_its_history_listed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    // The issue's own example schema.
    let people = write(
        dir.path(),
        "people.json",
        &json!({"columns": [{"name": "age", "data_type": "integer", "required": true,
                             "validation": {"min": 0}}]}),
    );
    let created = flowloom(&[
        "tables",
        "create",
        "people",
        "--schema",
        &people,
        "--workspace",
        ws,
    ]);
    exits(&created, 0);
    assert_eq!(text(&created.stdout), "created people (version 1)\n");

    let wider = write(
        dir.path(),
        "wider.json",
        &json!({"columns": [
            {"name": "age", "data_type": "integer", "required": true, "validation": {"min": 0}},
            {"name": "email", "data_type": "string", "unique": true}
        ]}),
    );
    let altered = flowloom(&[
        "tables",
        "alter",
        "people",
        "--schema",
        &wider,
        "--workspace",
        ws,
    ]);
    exits(&altered, 0);
    assert_eq!(text(&altered.stdout), "people is at version 2\n");

    let listed = flowloom(&["tables", "list", "--workspace", ws]);
    exits(&listed, 0);
    assert_eq!(
        text(&listed.stdout),
        "people\tversion 2\t2 columns\t0 rows\n"
    );

    let shown = flowloom(&["tables", "show", "people", "--json", "--workspace", ws]);
    exits(&shown, 0);
    let shown: Value = serde_json::from_slice(&shown.stdout).expect("json");
    assert_eq!(shown["schema"]["columns"][1]["name"], "email");
    assert_eq!(shown["rows"]["total_rows"], 0);

    let history = flowloom(&["tables", "history", "people", "--json", "--workspace", ws]);
    exits(&history, 0);
    let history: Value = serde_json::from_slice(&history.stdout).expect("json");
    assert_eq!(history[0]["version"], 2, "newest first");
    assert_eq!(history[0]["changes"][0]["type"], "add_column");
    assert_eq!(history[0]["changes"][0]["after"]["name"], "email");
    assert_eq!(history[1]["previous_schema"], Value::Null);

    let renamed = flowloom(&[
        "tables",
        "alter",
        "people",
        "--rename",
        "persons",
        "--workspace",
        ws,
    ]);
    exits(&renamed, 0);
    let lines = flowloom(&["tables", "history", "persons", "--workspace", ws]);
    exits(&lines, 0);
    assert!(
        text(&lines.stdout).contains("  rename_table people → persons"),
        "{}",
        text(&lines.stdout)
    );
    let dropped = flowloom(&["tables", "drop", "persons", "--workspace", ws]);
    exits(&dropped, 0);
    let listed = flowloom(&["tables", "list", "--workspace", ws]);
    assert_eq!(text(&listed.stdout), "");
}

#[test]
fn a_definition_that_cannot_work_is_refused_line_by_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    let bad = write(
        dir.path(),
        "bad.json",
        &json!({"columns": [
            {"name": "age", "data_type": "integer", "validation": {"pattern": "[0-9]+"}},
            {"name": "owner", "data_type": "reference", "validation": {"target_table": "nobody"}}
        ]}),
    );
    let refused = flowloom(&[
        "tables",
        "create",
        "People",
        "--schema",
        &bad,
        "--workspace",
        ws,
    ]);
    exits(&refused, 1);
    let said = text(&refused.stderr);
    for line in [
        "  table name `People` must be lowercase snake_case",
        "  column `age`: pattern applies to string and text, not integer",
        "  column `owner`: target_table `nobody` does not exist",
    ] {
        assert!(said.contains(line), "missing {line:?} in {said}");
    }
    // Not a schema at all: the file cannot be read as one (exit 2), naming it.
    let junk = write(dir.path(), "junk.json", &json!({"cols": []}));
    let unreadable = flowloom(&[
        "tables",
        "create",
        "t",
        "--schema",
        &junk,
        "--workspace",
        ws,
    ]);
    exits(&unreadable, 2);
    assert!(text(&unreadable.stderr).contains("junk.json is not a table schema"));
    let missing = flowloom(&["tables", "show", "nobody", "--workspace", ws]);
    exits(&missing, 1);
    assert!(text(&missing.stderr).contains("there is no table `nobody`"));
}

/// A CSV with a bad row is refused line by line; fixed, it imports (creating the table with
/// the file's columns and inferred types); a flow's template reads the table; it exports.
#[test]
fn a_csv_is_imported_queried_from_a_flow_and_exported() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    let csv = dir.path().join("budgets.csv");
    let ok = "Campaign ID,Budget,Since\nC001,1500.5,2026-06-01\nC002,90,2026-05-01\n";
    std::fs::write(&csv, ok).expect("csv");
    let imported = flowloom(&[
        "tables",
        "import",
        path_str(&csv),
        "--table",
        "budgets",
        "--workspace",
        ws,
    ]);
    exits(&imported, 0);
    assert_eq!(
        text(&imported.stdout),
        "created budgets with the file's columns\nimported 2 row(s) into budgets\n"
    );
    let shown = flowloom(&["tables", "show", "budgets", "--json", "--workspace", ws]);
    let shown: Value = serde_json::from_slice(&shown.stdout).expect("json");
    let types: Vec<&str> = shown["schema"]["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .map(|c| c["data_type"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(types, ["string", "decimal", "date"]);

    // A second file with a bad row: refused whole, naming line and column.
    let more = dir.path().join("more.csv");
    std::fs::write(
        &more,
        "campaign_id,budget,since\nC003,12,2026-06-02\nC004,lots,2026-06-03\n",
    )
    .expect("csv");
    let refused = flowloom(&[
        "tables",
        "import",
        path_str(&more),
        "--table",
        "budgets",
        "--workspace",
        ws,
    ]);
    exits(&refused, 1);
    assert!(
        text(&refused.stderr).contains("line 3, column `budget`: expected a number, got \"lots\""),
        "{}",
        text(&refused.stderr)
    );
    // Skipping it imports the rest and reports the skipped row beside the file.
    let skipped = flowloom(&[
        "tables",
        "import",
        path_str(&more),
        "--table",
        "budgets",
        "--skip-invalid",
        "--json",
        "--workspace",
        ws,
    ]);
    exits(&skipped, 0);
    let done: Value = serde_json::from_slice(&skipped.stdout).expect("json");
    assert_eq!(
        (
            done["imported"].clone(),
            done["skipped"].clone(),
            done["created"].clone()
        ),
        (json!(1), json!(1), json!(false))
    );
    let report =
        std::fs::read_to_string(dir.path().join("more.csv.rejected.jsonl")).expect("report");
    let rejected: Value = serde_json::from_str(report.trim()).expect("one JSON line");
    assert_eq!(rejected["line"], 3);
    assert_eq!(rejected["values"]["campaign_id"], "C004");

    // A stored flow's template reads the table by name.
    let flow = dir.path().join("budgets.flow.json");
    let file = json!({
        "format": "flowloom.flow", "format_version": 1,
        "composition": { "composition_id": "comp_budgets", "name": "Budgets" },
        "templates": [{ "template_id": "tpl_budget_total", "name": "Budget total",
                        "sql": "SELECT count(*) AS n, sum(budget) AS total FROM budgets" }],
        "nodes": [{ "node_id": "total", "template_id": "tpl_budget_total",
                    "position": { "x": 0, "y": 0 } }],
        "connections": []
    });
    std::fs::write(&flow, file.to_string()).expect("flow file");
    exits(
        &flowloom(&["import", path_str(&flow), "--workspace", ws]),
        0,
    );
    exits(&flowloom(&["run", "comp_budgets", "--workspace", ws]), 0);
    let result = flowloom(&[
        "results",
        "1",
        "total",
        "--format",
        "json",
        "--workspace",
        ws,
    ]);
    exits(&result, 0);
    let result: Value = serde_json::from_slice(&result.stdout).expect("json");
    assert_eq!(result, json!([{ "n": 3, "total": 1602.5 }]));

    let exported = flowloom(&["tables", "export", "budgets", "--workspace", ws]);
    exits(&exported, 0);
    assert_eq!(
        text(&exported.stdout),
        "_id,campaign_id,budget,since\n1,C001,1500.5,2026-06-01\n2,C002,90.0,2026-05-01\n3,C003,12.0,2026-06-02\n"
    );
}

/// Date-times as databases and spreadsheets write them (a space for the `T`, no offset:
/// UTC) import, inferred as date-times, into a table that has them or one made from the
/// file; the export gives them back in one form.
#[test]
fn datetimes_with_a_space_import_and_are_inferred() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    let csv = dir.path().join("visits.csv");
    std::fs::write(
        &csv,
        "visitor,at\nann,2026-03-02 10:00:00\nbob,2026-03-02T11:30:00Z\ncy,2026-03-02 12:15:30.5+01:00\n",
    )
    .expect("csv");
    let imported = flowloom(&[
        "tables",
        "import",
        path_str(&csv),
        "--table",
        "visits",
        "--workspace",
        ws,
    ]);
    exits(&imported, 0);
    let shown = flowloom(&["tables", "show", "visits", "--json", "--workspace", ws]);
    let shown: Value = serde_json::from_slice(&shown.stdout).expect("json");
    assert_eq!(shown["schema"]["columns"][1]["data_type"], "datetime");
    let exported = flowloom(&["tables", "export", "visits", "--workspace", ws]);
    exits(&exported, 0);
    assert_eq!(
        text(&exported.stdout),
        "_id,visitor,at\n\
         1,ann,2026-03-02T10:00:00Z\n\
         2,bob,2026-03-02T11:30:00Z\n\
         3,cy,2026-03-02T11:15:30.500Z\n"
    );
}
