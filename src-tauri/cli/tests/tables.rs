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

/// A file to import must be a regular file: a named pipe is refused at once, by what it is,
/// rather than waiting for a writer.
#[cfg(unix)]
#[test]
fn importing_a_named_pipe_is_refused_at_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    let fifo = dir.path().join("budgets.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let imported = flowloom(&[
        "tables",
        "import",
        path_str(&fifo),
        "--table",
        "budgets",
        "--workspace",
        ws,
    ]);
    assert_ne!(imported.status.code(), Some(0));
    let stderr = text(&imported.stderr);
    assert!(
        stderr.contains("budgets.csv is a named pipe, not a regular file"),
        "{stderr}"
    );
}

/// `tables show NAME --json`'s rows.
/// Imports `csv` (written as `file`) into `table`, skipping invalid rows, with `extra`
/// arguments.
fn import_skipping(
    ws: &str,
    dir: &std::path::Path,
    file: &str,
    csv: &str,
    table: &str,
    extra: &[&str],
) -> std::process::Output {
    let path = dir.join(file);
    std::fs::write(&path, csv).expect("csv");
    let mut args = vec![
        "tables",
        "import",
        path_str(&path),
        "--table",
        table,
        "--skip-invalid",
        "--json",
        "--workspace",
        ws,
    ];
    args.extend_from_slice(extra);
    flowloom(&args)
}

/// Every pattern `tables create` accepts is enforced by `tables import` on whole values:
/// verbose with a comment, case-insensitive, an alternation; one that cannot be enforced is
/// refused at create, naming its column.
#[test]
fn every_pattern_a_table_accepts_is_enforced_by_import() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    for (i, (pattern, csv, kept)) in [
        (
            "(?x)[a-z]+  # letters",
            "code\nabc\nab1\nab c\nxyz\n",
            ["abc", "xyz"],
        ),
        (
            "(?i)ab[0-9]",
            "code\nAB1\nab12\nxab1\nab9\n",
            ["AB1", "ab9"],
        ),
        ("cat|dog", "code\ncat\ncats\nhotdog\ndog\n", ["cat", "dog"]),
    ]
    .into_iter()
    .enumerate()
    {
        let table = format!("codes_{i}");
        let schema = write(
            dir.path(),
            &format!("{table}.json"),
            &json!({"columns": [{"name": "code", "data_type": "string",
                                 "validation": {"pattern": pattern}}]}),
        );
        let created = flowloom(&[
            "tables",
            "create",
            &table,
            "--schema",
            &schema,
            "--workspace",
            ws,
        ]);
        exits(&created, 0);
        let done = import_skipping(ws, dir.path(), &format!("{table}.csv"), csv, &table, &[]);
        exits(&done, 0);
        let done: Value = serde_json::from_slice(&done.stdout).expect("json");
        assert_eq!(
            (done["imported"].clone(), done["skipped"].clone()),
            (json!(2), json!(2)),
            "{pattern}"
        );
        let codes: Vec<Value> = rows_of(ws, &table)
            .as_array()
            .expect("rows")
            .iter()
            .map(|r| r["code"].clone())
            .collect();
        assert_eq!(codes, kept.map(Value::from), "{pattern}");
    }
    for pattern in ["(", "a)(?:b", "(?x)a # c\n)"] {
        let schema = write(
            dir.path(),
            "bad.json",
            &json!({"columns": [{"name": "code", "data_type": "string",
                                 "validation": {"pattern": pattern}}]}),
        );
        let refused = flowloom(&[
            "tables",
            "create",
            "bad",
            "--schema",
            &schema,
            "--workspace",
            ws,
        ]);
        exits(&refused, 1);
        assert!(
            text(&refused.stderr).contains(&format!(
                "column `code`: pattern `{pattern}` is not a regular expression"
            )),
            "{}",
            text(&refused.stderr)
        );
    }
}

/// `--report` naming a file that cannot be written fails the import with nothing
/// imported; the re-run with a writable report imports each good row once.
#[test]
fn a_report_that_cannot_be_written_imports_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    let csv = "id,amount\n1,5\n2,lots\n3,7\n";
    let nowhere = dir.path().join("no-such-folder").join("report.jsonl");
    let schema = write(
        dir.path(),
        "amounts.json",
        &json!({"columns": [{"name": "id", "data_type": "integer"},
                            {"name": "amount", "data_type": "integer"}]}),
    );
    let created = flowloom(&[
        "tables",
        "create",
        "fresh",
        "--schema",
        &schema,
        "--workspace",
        ws,
    ]);
    exits(&created, 0);
    for _ in 0..2 {
        let failed = import_skipping(
            ws,
            dir.path(),
            "amounts.csv",
            csv,
            "fresh",
            &["--report", path_str(&nowhere)],
        );
        assert_ne!(failed.status.code(), Some(0));
        let said = text(&failed.stderr);
        assert!(
            said.contains("report.jsonl") && said.contains("nothing was imported"),
            "{said}"
        );
        assert_eq!(rows_of(ws, "fresh"), json!([]));
    }
    let report = dir.path().join("report.jsonl");
    let done = import_skipping(
        ws,
        dir.path(),
        "amounts.csv",
        csv,
        "fresh",
        &["--report", path_str(&report)],
    );
    exits(&done, 0);
    let done: Value = serde_json::from_slice(&done.stdout).expect("json");
    assert_eq!(
        (done["imported"].clone(), done["skipped"].clone()),
        (json!(2), json!(1))
    );
    assert_eq!(
        std::fs::read_to_string(&report)
            .expect("report")
            .lines()
            .count(),
        1
    );
    assert_eq!(rows_of(ws, "fresh").as_array().expect("rows").len(), 2);
}

/// A CSV header naming a column twice is refused by `import` and `infer`, naming the
/// column and the file; no table is made.
#[test]
fn a_header_naming_a_column_twice_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    for (header, says) in [
        ("name,name", "names column `name` twice"),
        ("Name,name", "`Name` and `name` both make column `name`"),
    ] {
        let csv = dir.path().join("people.csv");
        std::fs::write(&csv, format!("{header}\nAna,Bo\n")).expect("csv");
        for args in [
            vec![
                "tables",
                "import",
                path_str(&csv),
                "--table",
                "people",
                "--workspace",
                ws,
            ],
            vec!["tables", "infer", path_str(&csv), "--workspace", ws],
        ] {
            let refused = flowloom(&args);
            assert_ne!(refused.status.code(), Some(0), "{args:?}");
            let said = text(&refused.stderr);
            assert!(
                said.contains(says) && said.contains("people.csv"),
                "{args:?}: {said}"
            );
        }
        let listed = flowloom(&["tables", "list", "--json", "--workspace", ws]);
        assert!(
            !text(&listed.stdout).contains("people"),
            "{}",
            text(&listed.stdout)
        );
    }
}

fn rows_of(ws: &str, name: &str) -> Value {
    let shown = flowloom(&[
        "tables",
        "show",
        name,
        "--limit",
        "100",
        "--json",
        "--workspace",
        ws,
    ]);
    exits(&shown, 0);
    let shown: Value = serde_json::from_slice(&shown.stdout).expect("json");
    shown["rows"]["rows"].clone()
}

/// A table of every column type (computed ones too) is exported as CSV, JSON and Parquet;
/// each export imported into the table made again from the same schema gives back the same
/// rows, `_id`s included; imported over the rows it came from, every row is refused by
/// name; an edited computed value is a row problem. The dropped tables' history stays.
#[test]
fn an_export_imports_back_into_its_table_unchanged_in_every_format() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    let schema = common::repo("tests/fixtures/tables/every-type.schema.json");
    let schema = path_str(&schema);
    let rows = common::repo("tests/fixtures/tables/every-type.jsonl");
    let create = || {
        exits(
            &flowloom(&[
                "tables",
                "create",
                "items",
                "--schema",
                schema,
                "--workspace",
                ws,
            ]),
            0,
        );
    };
    create();
    exits(
        &flowloom(&[
            "tables",
            "import",
            path_str(&rows),
            "--table",
            "items",
            "--workspace",
            ws,
        ]),
        0,
    );
    let original = rows_of(ws, "items");
    assert_eq!(original.as_array().map(Vec::len), Some(4));
    assert_eq!(original[0]["total"], json!(4.5), "computed");
    assert_eq!(original[2]["attributes"], json!("just text"));
    assert_eq!(original[1]["updated_at"], json!("2026-06-01T21:59:59.125Z"));

    for format in ["csv", "json", "parquet"] {
        let file = dir.path().join(format!("items.{format}"));
        let exported = flowloom(&[
            "tables",
            "export",
            "items",
            "--format",
            format,
            "--output",
            path_str(&file),
            "--workspace",
            ws,
        ]);
        exits(&exported, 0);

        // Over the rows it came from: each row's _id and sku are refused, by line.
        let again = flowloom(&[
            "tables",
            "import",
            path_str(&file),
            "--table",
            "items",
            "--workspace",
            ws,
        ]);
        exits(&again, 1);
        let said = text(&again.stderr);
        assert_eq!(
            said.matches("is already in the table").count(),
            8,
            "{format}: every row's _id and sku: {said}"
        );

        exits(
            &flowloom(&["tables", "drop", "items", "--workspace", ws]),
            0,
        );
        create();
        let back = flowloom(&[
            "tables",
            "import",
            path_str(&file),
            "--table",
            "items",
            "--workspace",
            ws,
        ]);
        exits(&back, 0);
        assert_eq!(rows_of(ws, "items"), original, "{format} round trip");
    }

    // A computed value edited in the file is a problem of its row, not dropped unseen.
    let csv = std::fs::read_to_string(dir.path().join("items.csv")).expect("csv");
    // A bare decimal is decimal(38,10): exported at its scale.
    let edited = csv.replacen(",4.5000000000,", ",5,", 1);
    assert_ne!(edited, csv, "the export has pen's total: {csv}");
    let edited_file = dir.path().join("edited.csv");
    std::fs::write(&edited_file, edited).expect("write");
    exits(
        &flowloom(&["tables", "drop", "items", "--workspace", ws]),
        0,
    );
    create();
    let refused = flowloom(&[
        "tables",
        "import",
        path_str(&edited_file),
        "--table",
        "items",
        "--workspace",
        ws,
    ]);
    exits(&refused, 1);
    assert!(
        text(&refused.stderr).contains(
            "line 2, column `total`: is computed from the other columns (quantity * unit_price): the row gives \"5\", the table computes 4.5"
        ),
        "{}",
        text(&refused.stderr)
    );

    // Four tables called `items` were dropped; each one's history is still there.
    let history = flowloom(&[
        "tables",
        "history",
        "items",
        "--dropped",
        "--json",
        "--workspace",
        ws,
    ]);
    exits(&history, 0);
    let history: Value = serde_json::from_slice(&history.stdout).expect("json");
    let dropped = history.as_array().expect("dropped tables");
    assert_eq!(dropped.len(), 4);
    assert_eq!(dropped[0]["versions"][0]["version"], 1);
    exits(
        &flowloom(&["tables", "drop", "items", "--workspace", ws]),
        0,
    );
    let live = flowloom(&["tables", "history", "items", "--workspace", ws]);
    exits(&live, 1);
    assert!(
        text(&live.stderr).contains("tables history items --dropped"),
        "{}",
        text(&live.stderr)
    );
    let text_history = flowloom(&["tables", "history", "items", "--dropped", "--workspace", ws]);
    exits(&text_history, 0);
    let shown = text(&text_history.stdout);
    assert_eq!(shown.matches("dropped ").count(), 5, "{shown}");
    assert!(shown.contains("add_column total"), "{shown}");
}

/// A data table may not take a data file's name (queries would read the file): `tables
/// create`, an import that would create it and a rename are refused, saying which file.
#[test]
fn a_table_cannot_take_the_name_of_a_data_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    let schema = write(
        dir.path(),
        "schema.json",
        &json!({"columns": [{"name": "note", "data_type": "string"}]}),
    );
    let created = flowloom(&[
        "tables",
        "create",
        "campaigns",
        "--schema",
        &schema,
        "--workspace",
        ws,
    ]);
    exits(&created, 1);
    assert!(
        text(&created.stderr).contains("a data file has the name `campaigns` (data/campaigns.csv)"),
        "{}",
        text(&created.stderr)
    );
    let csv = dir.path().join("notes.csv");
    std::fs::write(&csv, "note\nhello\n").expect("csv");
    let imported = flowloom(&[
        "tables",
        "import",
        path_str(&csv),
        "--table",
        "orders",
        "--workspace",
        ws,
    ]);
    exits(&imported, 1);
    assert!(
        text(&imported.stderr).contains("data/orders.csv"),
        "{}",
        text(&imported.stderr)
    );
    exits(
        &flowloom(&[
            "tables",
            "create",
            "notes",
            "--schema",
            &schema,
            "--workspace",
            ws,
        ]),
        0,
    );
    let renamed = flowloom(&[
        "tables",
        "alter",
        "notes",
        "--rename",
        "products",
        "--workspace",
        ws,
    ]);
    exits(&renamed, 1);
    assert!(
        text(&renamed.stderr).contains("data/products.csv"),
        "{}",
        text(&renamed.stderr)
    );
    let listed = flowloom(&["tables", "list", "--workspace", ws]);
    assert_eq!(
        text(&listed.stdout),
        "notes\tversion 1\t1 columns\t0 rows\n"
    );
}

/// A flow's write node as a user runs it: an upsert fills the table and `run` says what it
/// wrote; a replace that would delete rows of another table through their cascade
/// reference fails, naming `allow_cascade`, and writes nothing; `runs show` prints what
/// each write did.
#[test]
fn a_write_node_reports_what_it_wrote_and_refuses_a_cascade() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    let counts = write(
        dir.path(),
        "counts.json",
        &json!({"columns": [
            {"name": "channel", "data_type": "string", "required": true, "unique": true},
            {"name": "campaigns", "data_type": "integer"}
        ]}),
    );
    let notes = write(
        dir.path(),
        "notes.json",
        &json!({"columns": [
            {"name": "counted", "data_type": "reference",
             "validation": {"target_table": "channel_counts", "on_delete": "cascade"}},
            {"name": "note", "data_type": "string"}
        ]}),
    );
    for (name, schema) in [("channel_counts", &counts), ("channel_notes", &notes)] {
        exits(
            &flowloom(&[
                "tables",
                "create",
                name,
                "--schema",
                schema,
                "--workspace",
                ws,
            ]),
            0,
        );
    }
    // The built-in template, carried as the workspace has it.
    let pack = flowloom(&["templates", "export", "tpl_data_table", "--workspace", ws]);
    exits(&pack, 0);
    let pack: Value = serde_json::from_slice(&pack.stdout).expect("a pack");
    let data_table = pack["templates"][0].clone();
    let flow = |id: &str, sql: &str, write: Value| {
        let mut parameters = json!({ "operation": "write", "table_name": "channel_counts" });
        parameters
            .as_object_mut()
            .expect("object")
            .extend(write.as_object().expect("object").clone());
        let file = json!({
            "format": "flowloom.flow", "format_version": 1,
            "composition": { "composition_id": id, "name": id },
            "templates": [
                data_table,
                { "template_id": format!("tpl_{id}"), "name": id, "sql": sql }
            ],
            "nodes": [
                { "node_id": "counts", "template_id": format!("tpl_{id}"),
                  "position": { "x": 0, "y": 0 } },
                { "node_id": "save", "template_id": "tpl_data_table",
                  "position": { "x": 300, "y": 0 }, "parameter_overrides": parameters }
            ],
            "connections": [{ "connection_id": "c1", "source_node_id": "counts",
                              "target_node_id": "save" }]
        });
        let path = dir.path().join(format!("{id}.flow.json"));
        std::fs::write(&path, file.to_string()).expect("flow file");
        exits(
            &flowloom(&["import", path_str(&path), "--workspace", ws]),
            0,
        );
    };
    flow(
        "comp_fill",
        "SELECT channel, count(*) AS campaigns FROM campaigns GROUP BY channel",
        json!({ "mode": "upsert", "key": "channel" }),
    );
    let filled = flowloom(&["run", "comp_fill", "--workspace", ws]);
    exits(&filled, 0);
    assert!(
        text(&filled.stdout).contains(
            "save: upsert `channel_counts`: 5 inserted, 0 updated, 0 deleted, 0 deleted by cascade\n"
        ),
        "{}",
        text(&filled.stdout)
    );
    let noted = dir.path().join("notes.csv");
    std::fs::write(&noted, "counted,note\n1,first\n2,second\n3,third\n").expect("csv");
    exits(
        &flowloom(&[
            "tables",
            "import",
            path_str(&noted),
            "--table",
            "channel_notes",
            "--workspace",
            ws,
        ]),
        0,
    );
    let before = rows_of(ws, "channel_counts");

    flow(
        "comp_some",
        "SELECT channel, 0 AS campaigns FROM campaigns WHERE channel IN ('email', 'video') GROUP BY channel",
        json!({ "mode": "replace" }),
    );
    let refused = flowloom(&["run", "comp_some", "--workspace", ws]);
    exits(&refused, 1);
    let said = format!("{}{}", text(&refused.stdout), text(&refused.stderr));
    assert!(
        said.contains("would delete 3 row(s) of `channel_notes` (3)")
            && said.contains("allow_cascade: true"),
        "{said}"
    );
    assert_eq!(rows_of(ws, "channel_counts"), before, "nothing written");
    assert_eq!(
        rows_of(ws, "channel_notes").as_array().map(Vec::len),
        Some(3)
    );

    let shown = flowloom(&["runs", "show", "1", "--workspace", ws]);
    exits(&shown, 0);
    assert!(
        text(&shown.stdout).contains(
            "  wrote: upsert `channel_counts`: 5 inserted, 0 updated, 0 deleted, 0 deleted by cascade\n"
        ),
        "{}",
        text(&shown.stdout)
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

/// `tables infer` looks at a file before opening it: a named pipe is refused at once, and a
/// schema file saved with a byte order mark is read.
#[cfg(unix)]
#[test]
fn infer_refuses_a_named_pipe_and_a_schema_may_carry_a_bom() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    let fifo = dir.path().join("incoming.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let inferred = flowloom(&["tables", "infer", path_str(&fifo), "--workspace", ws]);
    assert_ne!(inferred.status.code(), Some(0));
    assert!(
        text(&inferred.stderr).contains("incoming.csv is a named pipe, not a regular file"),
        "{}",
        text(&inferred.stderr)
    );

    let schema = json!({ "columns": [{ "name": "label", "data_type": "string" }] });
    let path = dir.path().join("labels.schema.json");
    let body = serde_json::to_vec(&schema).expect("json");
    std::fs::write(&path, [b"\xef\xbb\xbf".as_slice(), &body].concat()).expect("schema");
    exits(
        &flowloom(&[
            "tables",
            "create",
            "labels",
            "--schema",
            path_str(&path),
            "--workspace",
            ws,
        ]),
        0,
    );
}
