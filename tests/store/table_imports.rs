//! Files imported into data tables on a real workspace database: CSV, JSON and Parquet,
//! every bad row reported by line and column with nothing written, or skipped on request;
//! and a table's schema inferred from a file.

use crate::support::empty_store;
use flowloom_core::engine::arrow::array::{BooleanArray, Float64Array, Int64Array, StringArray};
use flowloom_core::engine::arrow::datatypes::{DataType, Field, Schema};
use flowloom_core::engine::arrow::record_batch::RecordBatch;
use flowloom_core::model::{ColumnType, RowsQuery, TableSchema};
use flowloom_core::tables::TableError;
use flowloom_core::tables::import::{self, SourceFormat};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn file(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write the file");
    path
}

fn orders_schema() -> TableSchema {
    serde_json::from_value(json!({ "columns": [
        { "name": "order_id", "data_type": "integer", "required": true, "unique": true },
        { "name": "order_date", "data_type": "date", "required": true },
        { "name": "amount", "data_type": "decimal", "validation": { "min": 0 } },
        { "name": "paid", "data_type": "boolean" },
        { "name": "note", "data_type": "string", "validation": { "max_length": 10 } }
    ]}))
    .expect("schema")
}

/// Each column of `schema`, by name, with its type.
fn typed_columns(schema: &TableSchema) -> Vec<(&str, ColumnType)> {
    schema
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.data_type))
        .collect()
}

const GOOD_CSV: &str = "\
Order ID,Order Date,Amount,Paid,Note
1,2026-06-01,19.90,true,first
2,2026-06-02,5,no,
3,2026-06-03,0.5,1,ok
";

#[tokio::test]
async fn a_csv_with_bad_rows_is_refused_by_line_and_column_then_imports_once_fixed() {
    let (store, dir) = empty_store().await;
    store
        .create_table("orders", "", &orders_schema(), None)
        .await
        .expect("create");
    let bad = file(
        dir.path(),
        "orders.csv",
        "Order ID,Order Date,Amount,Paid,Note
1,2026-06-01,19.90,true,first
2,June 2nd,-5,maybe,a note far too long
1,2026-06-03,0.5,1,duplicate
",
    );
    let refused = store
        .import_rows("orders", import::rows(&bad).expect("reads"), false)
        .await
        .expect_err("refused");
    let TableError::Rows(problems) = refused else {
        panic!("expected row problems, got {refused:?}")
    };
    let found: Vec<(u64, &str)> = problems
        .iter()
        .map(|p| (p.row, p.column.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (3, "order_date"),
            (3, "amount"),
            (3, "paid"),
            (3, "note"),
            (4, "order_id"),
        ],
        "lines of the file (the header is line 1): {problems:#?}"
    );
    assert_eq!(
        problems[0].message,
        "expected a date (YYYY-MM-DD), got \"June 2nd\""
    );
    assert_eq!(
        problems[4].message,
        "1 is also given at line 2; the column is unique"
    );
    assert_eq!(
        store
            .table_rows("orders", &RowsQuery::page(0, 10))
            .await
            .expect("rows")
            .total_rows,
        0
    );

    let good = file(dir.path(), "orders.csv", GOOD_CSV);
    let report = store
        .import_rows("orders", import::rows(&good).expect("reads"), false)
        .await
        .expect("imports");
    assert_eq!((report.imported, report.skipped.len()), (3, 0));
    let rows = store
        .table_rows("orders", &RowsQuery::page(0, 10))
        .await
        .expect("rows")
        .rows;
    assert_eq!(rows[0]["amount"], json!(19.9));
    assert_eq!(rows[1]["paid"], json!(false));
    assert_eq!(rows[1]["note"], Value::Null, "an empty cell is empty");
    assert_eq!(rows[2]["paid"], json!(true));
}

#[tokio::test]
async fn invalid_rows_can_be_skipped_and_come_back_in_the_report() {
    let (store, dir) = empty_store().await;
    store
        .create_table("orders", "", &orders_schema(), None)
        .await
        .expect("create");
    let lines = file(
        dir.path(),
        "orders.jsonl",
        r#"{"order_id": 1, "order_date": "2026-06-01", "amount": 3}
{"order_id": 2, "order_date": "2026-06-02", "amount": -1}

{"order_id": 1, "order_date": "2026-06-03"}
{"order_id": 4, "order_date": "2026-06-04", "paid": true}
"#,
    );
    let report = store
        .import_rows("orders", import::rows(&lines).expect("reads"), true)
        .await
        .expect("imports the good rows");
    assert_eq!(report.imported, 2);
    let skipped: Vec<(u64, &str)> = report
        .skipped
        .iter()
        .map(|s| (s.line, s.problems[0].column.as_str()))
        .collect();
    assert_eq!(skipped, [(2, "amount"), (4, "order_id")]);
    assert_eq!(
        report.skipped[0].values["amount"],
        json!(-1),
        "the row as it was"
    );
    assert_eq!(
        store
            .table_rows("orders", &RowsQuery::page(0, 10))
            .await
            .expect("rows")
            .total_rows,
        2
    );
}

#[tokio::test]
async fn a_file_makes_its_table_in_the_same_transaction_as_its_rows() {
    let (store, dir) = empty_store().await;
    let csv = file(
        dir.path(),
        "visits.csv",
        "Visit ID,When,Pages\n1,2026-06-01,3\n2,2026-06-02,x\n3,2026-06-03,5\n",
    );
    let mut adjusted = import::infer(&csv, 100).expect("infer");
    assert_eq!(
        typed_columns(&adjusted),
        [
            ("visit_id", ColumnType::Integer),
            ("when", ColumnType::Date),
            ("pages", ColumnType::String)
        ]
    );
    adjusted.columns[2].data_type = ColumnType::Integer;
    match store
        .import_file(&csv, "visits", Some(&adjusted), false, None, Some("ana"))
        .await
    {
        Err(TableError::Rows(problems)) => {
            assert_eq!((problems[0].row, problems[0].column.as_str()), (3, "pages"));
        }
        other => panic!("expected the bad row, got {other:?}"),
    }
    assert!(
        matches!(
            store.table_history("visits").await,
            Err(TableError::NotFound(_))
        ),
        "a refused import leaves no table and no history behind"
    );

    let done = store
        .import_file(&csv, "visits", Some(&adjusted), true, None, Some("ana"))
        .await
        .expect("imports the good rows");
    assert_eq!((done.created, done.imported, done.skipped), (true, 2, 1));
    let report = done.report.expect("a report of the skipped row");
    assert_eq!(report, format!("{}.rejected.jsonl", csv.display()));
    let skipped: Value =
        serde_json::from_str(std::fs::read_to_string(&report).expect("report").trim())
            .expect("one JSON line");
    assert_eq!(
        (skipped["line"].clone(), skipped["values"]["Pages"].clone()),
        (json!(3), json!("x"))
    );
    let table = store.get_table("visits").await.expect("made");
    assert_eq!(table.schema.columns[2].data_type, ColumnType::Integer);
    assert_eq!(table.summary.rows, 2);

    let more = file(
        dir.path(),
        "more.csv",
        "visit_id,when,pages\n4,2026-06-04,1\n",
    );
    let again = store
        .import_file(&more, "visits", None, false, None, None)
        .await
        .expect("into the existing table");
    assert_eq!(
        (again.created, again.imported, again.report),
        (false, 1, None)
    );
}

#[tokio::test]
async fn a_schema_is_inferred_from_csv_json_and_parquet() {
    let (store, dir) = empty_store().await;
    let csv = file(dir.path(), "orders.csv", GOOD_CSV);
    let inferred = import::infer(&csv, 1000).expect("infers");
    assert_eq!(
        typed_columns(&inferred),
        [
            ("order_id", ColumnType::Integer),
            ("order_date", ColumnType::Date),
            ("amount", ColumnType::Decimal),
            ("paid", ColumnType::String),
            ("note", ColumnType::String),
        ],
        "true / no / 1 agree on nothing narrower than text"
    );
    store
        .create_table("orders", "", &inferred, None)
        .await
        .expect("the inferred schema creates a table");
    let report = store
        .import_rows("orders", import::rows(&csv).expect("reads"), false)
        .await
        .expect("and the file fits it");
    assert_eq!(report.imported, 3);

    let array = file(
        dir.path(),
        "events.json",
        r#"[{"at": "2026-06-01T10:00:00Z", "n": 1, "tags": ["a"]},
            {"at": "2026-06-02T10:00:00+02:00", "n": 2.5, "tags": {"b": 1}}]"#,
    );
    let events = import::infer(&array, 1000).expect("infers");
    let kinds: Vec<ColumnType> = events.columns.iter().map(|c| c.data_type).collect();
    assert_eq!(
        kinds,
        [ColumnType::Datetime, ColumnType::Decimal, ColumnType::Json]
    );

    let parquet = dir.path().join("scores.parquet");
    let schema = Arc::new(Schema::new(vec![
        Field::new("name", DataType::Utf8, false),
        Field::new("score", DataType::Float64, true),
        Field::new("rank", DataType::Int64, false),
        Field::new("won", DataType::Boolean, false),
    ]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(StringArray::from(vec!["ana", "bo"])),
            Arc::new(Float64Array::from(vec![Some(9.5), None])),
            Arc::new(Int64Array::from(vec![1, 2])),
            Arc::new(BooleanArray::from(vec![true, false])),
        ],
    )
    .expect("batch");
    let out = std::fs::File::create(&parquet).expect("parquet file");
    let mut writer = flowloom_core::engine::parquet::arrow::ArrowWriter::try_new(out, schema, None)
        .expect("writer");
    writer.write(&batch).expect("write");
    writer.close().expect("close");
    assert_eq!(SourceFormat::of(&parquet), Some(SourceFormat::Parquet));
    let scores = import::infer(&parquet, 1000).expect("infers");
    assert_eq!(
        typed_columns(&scores),
        [
            ("name", ColumnType::String),
            ("score", ColumnType::Decimal),
            ("rank", ColumnType::Integer),
            ("won", ColumnType::Boolean),
        ]
    );
    store
        .create_table("scores", "", &scores, None)
        .await
        .expect("create");
    let report = store
        .import_rows("scores", import::rows(&parquet).expect("reads"), false)
        .await
        .expect("imports");
    assert_eq!(report.imported, 2);
    let rows = store
        .table_rows("scores", &RowsQuery::page(0, 10))
        .await
        .expect("rows")
        .rows;
    assert_eq!(rows[0]["won"], json!(true));
    assert_eq!(rows[1]["score"], Value::Null);
}

#[tokio::test]
async fn a_file_that_cannot_be_read_says_which_and_why() {
    let (_store, dir) = empty_store().await;
    let missing = dir.path().join("nowhere.csv");
    let err = import::rows(&missing).err().expect("missing");
    assert!(err.to_string().contains("nowhere.csv"), "{err}");
    let other = file(dir.path(), "notes.txt", "hello");
    let err = import::rows(&other).err().expect("unknown format");
    assert!(err.to_string().contains("not a .csv, .json"), "{err}");
    let broken = file(dir.path(), "broken.jsonl", "{\"a\": 1}\n{oops\n");
    let rows: Vec<_> = import::rows(&broken).expect("opens").collect();
    let err = rows[1].as_ref().expect_err("line 2");
    assert!(err.to_string().contains("line 2 is not JSON"), "{err}");
}

/// Inference and the checks agree: a JSON column of mixed values is inferred as text, and
/// every value in it (numbers, true/false, objects) is imported as its text; none of the
/// rows is refused.
#[tokio::test]
async fn a_column_inferred_as_text_takes_every_value_the_file_has_in_it() {
    let (store, dir) = empty_store().await;
    let lines = file(
        dir.path(),
        "codes.jsonl",
        r#"{"code": "A1", "size": 1}
{"code": 42, "size": 2.5}
{"code": 7.5, "size": "3"}
{"code": false, "size": null}
{"code": {"nested": true}}
"#,
    );
    let inferred = import::infer(&lines, 100).expect("infers");
    assert_eq!(
        typed_columns(&inferred),
        [("code", ColumnType::String), ("size", ColumnType::Decimal)]
    );
    let done = store
        .import_file(&lines, "codes", None, false, None, None)
        .await
        .expect("every row fits the inferred schema");
    assert_eq!((done.created, done.imported), (true, 5));
    let codes: Vec<Value> = store
        .table_rows("codes", &RowsQuery::page(0, 10))
        .await
        .expect("rows")
        .rows
        .iter()
        .map(|r| r["code"].clone())
        .collect();
    assert_eq!(
        codes,
        [
            json!("A1"),
            json!("42"),
            json!("7.5"),
            json!("false"),
            json!("{\"nested\":true}")
        ]
    );
}

/// A `json` column's cell is JSON text (what an export writes): text that is not JSON is a
/// problem of its row, never stored as a string; every bad row is listed.
#[tokio::test]
async fn a_malformed_json_cell_is_a_row_problem() {
    let (store, dir) = empty_store().await;
    let schema: TableSchema = serde_json::from_value(json!({ "columns": [
        { "name": "name", "data_type": "string" },
        { "name": "meta", "data_type": "json" }
    ]}))
    .expect("schema");
    store
        .create_table("things", "", &schema, None)
        .await
        .expect("create");
    let csv = file(
        dir.path(),
        "things.csv",
        "name,meta\na,\"{\"\"k\"\": 1}\"\nb,{oops\nc,\"[1, 2]\"\nd,plain words\ne,\n",
    );
    let refused = store
        .import_rows("things", import::rows(&csv).expect("reads"), false)
        .await
        .expect_err("two cells are not JSON");
    let TableError::Rows(problems) = refused else {
        panic!("expected row problems, got {refused:?}")
    };
    let found: Vec<(u64, &str, bool)> = problems
        .iter()
        .map(|p| {
            (
                p.row,
                p.column.as_str(),
                p.message.starts_with("is not valid JSON"),
            )
        })
        .collect();
    assert_eq!(
        found,
        [(3, "meta", true), (5, "meta", true)],
        "{problems:?}"
    );
    assert_eq!(
        store
            .table_rows("things", &RowsQuery::page(0, 10))
            .await
            .expect("rows")
            .total_rows,
        0,
        "nothing written"
    );

    // The same in a JSON file: a string in a json column is JSON text too.
    let lines = file(
        dir.path(),
        "things.jsonl",
        r#"{"name": "a", "meta": {"k": 1}}
{"name": "b", "meta": "{oops"}
{"name": "c", "meta": "\"quoted\""}
"#,
    );
    let report = store
        .import_rows("things", import::rows(&lines).expect("reads"), true)
        .await
        .expect("the good rows");
    assert_eq!(report.imported, 2);
    assert_eq!(report.skipped.len(), 1);
    assert_eq!(report.skipped[0].line, 2);
    let metas: Vec<Value> = store
        .table_rows("things", &RowsQuery::page(0, 10))
        .await
        .expect("rows")
        .rows
        .iter()
        .map(|r| r["meta"].clone())
        .collect();
    assert_eq!(metas, [json!({ "k": 1 }), json!("quoted")]);
}

/// An import lists every problem: a value a stored row holds in a unique column (in a row
/// that has other problems too), and one given twice in the file.
#[tokio::test]
async fn an_import_lists_stored_duplicates_of_bad_rows_too() {
    let (store, dir) = empty_store().await;
    store
        .create_table("orders", "", &orders_schema(), None)
        .await
        .expect("create");
    let good = file(dir.path(), "orders.csv", GOOD_CSV);
    store
        .import_rows("orders", import::rows(&good).expect("reads"), false)
        .await
        .expect("imports");
    let more = file(
        dir.path(),
        "more.csv",
        "order_id,order_date,amount\n1,2026-07-01,-1\n9,2026-07-02,1\n9,2026-07-03,1\n2,2026-07-04,2\n",
    );
    let refused = store
        .import_rows("orders", import::rows(&more).expect("reads"), false)
        .await
        .expect_err("refused");
    let TableError::Rows(problems) = refused else {
        panic!("expected row problems, got {refused:?}")
    };
    let found: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        found,
        [
            "row 2, column `amount`: below min 0",
            "row 2, column `order_id`: 1 is already in the table (row _id 1); the column is unique",
            "row 4, column `order_id`: 9 is also given at line 3; the column is unique",
            "row 5, column `order_id`: 2 is already in the table (row _id 2); the column is unique",
        ]
    );
}

/// Inference and the checks agree on every file of `tests/fixtures/tables/infer/`: the
/// table a file's inferred schema makes takes every row of the file (mixed values, values
/// with spaces around them, cased booleans, numbers past i64, JSON of every kind).
#[tokio::test]
async fn every_inference_fixture_imports_whole_into_the_table_it_infers() {
    let (store, _dir) = empty_store().await;
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tables/infer");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    assert!(files.len() >= 3, "{files:?}");
    for (n, path) in files.iter().enumerate() {
        let rows = import::rows(path).expect("reads").count() as u64;
        let table = format!("inferred_{n}");
        let done = store
            .import_file(path, &table, None, false, None, None)
            .await
            .unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        assert_eq!(
            (done.created, done.imported, done.skipped),
            (true, rows, 0),
            "{}",
            path.display()
        );
    }
}

/// Rows of table `name`, counted.
async fn row_count(store: &flowloom_core::Store, name: &str) -> u64 {
    store
        .table_rows(name, &RowsQuery::page(0, 10))
        .await
        .expect("rows")
        .total_rows
}

/// A file's rows are checked against a `pattern` as the schema check compiled it: a verbose
/// pattern with a comment, a case-insensitive one and an alternation, whole values only.
#[tokio::test]
async fn an_import_enforces_every_pattern_on_the_whole_value() {
    let (store, dir) = empty_store().await;
    for (i, (pattern, csv, skipped)) in [
        (
            "(?x)[a-z]+  # letters",
            "code\nabc\nab1\nab c\nxyz\n",
            &[3u64, 4][..],
        ),
        ("(?i)ab[0-9]", "code\nAB1\nab12\nxab1\nab9\n", &[3, 4]),
        ("cat|dog", "code\ncat\ncats\nhotdog\ndog\n", &[3, 4]),
    ]
    .into_iter()
    .enumerate()
    {
        let table = format!("codes_{i}");
        let schema: TableSchema = serde_json::from_value(json!({ "columns": [
            { "name": "code", "data_type": "string", "validation": { "pattern": pattern } }
        ]}))
        .expect("schema");
        store
            .create_table(&table, "", &schema, None)
            .await
            .expect("create");
        let path = file(dir.path(), &format!("{table}.csv"), csv);
        let report = store
            .import_rows(&table, import::rows(&path).expect("reads"), true)
            .await
            .expect("imports");
        let lines: Vec<u64> = report.skipped.iter().map(|s| s.line).collect();
        assert_eq!(lines, skipped, "{pattern}");
        assert_eq!(report.imported, 2, "{pattern}");
        assert!(
            report.skipped[0].problems[0]
                .message
                .contains("does not match pattern"),
            "{pattern}: {:?}",
            report.skipped[0].problems
        );
    }
}

/// Skipped rows go to a report: when it cannot be written, nothing is imported (the
/// table is as it was, or not made), so running the import again imports each row once.
#[tokio::test]
async fn a_report_that_cannot_be_written_leaves_the_table_as_it_was() {
    let (store, dir) = empty_store().await;
    let path = file(
        dir.path(),
        "orders.csv",
        "order_id,order_date,amount\n1,2026-06-01,3\n2,2026-06-02,-1\n3,2026-06-03,4\n",
    );
    let nowhere = dir.path().join("missing-folder").join("report.jsonl");
    store
        .create_table("orders", "", &orders_schema(), None)
        .await
        .expect("create");
    for table in ["orders", "made_by_import"] {
        let refused = store
            .import_file(
                &path,
                table,
                Some(&orders_schema()),
                true,
                Some(&nowhere),
                None,
            )
            .await
            .expect_err("the report cannot be written");
        assert!(
            refused.to_string().contains("report.jsonl")
                && refused.to_string().contains("nothing was imported"),
            "{refused}"
        );
    }
    assert_eq!(row_count(&store, "orders").await, 0);
    assert!(
        store
            .table_rows("made_by_import", &RowsQuery::page(0, 10))
            .await
            .is_err(),
        "the table the import would have made is not there"
    );
    let report = dir.path().join("report.jsonl");
    // The second run finds the first run's rows already there (order_id is unique).
    for (imported, skipped) in [(2, 1), (0, 3)] {
        std::fs::remove_file(&report).ok();
        let done = store
            .import_file(&path, "orders", None, true, Some(&report), None)
            .await
            .expect("imports");
        assert_eq!((done.imported, done.skipped), (imported, skipped));
        let text = std::fs::read_to_string(&report).expect("the report");
        assert_eq!(text.lines().count() as u64, skipped, "{text}");
        assert_eq!(row_count(&store, "orders").await, 2, "each good row once");
    }
}

/// A header naming a column twice (as written, or as the table column it makes) is
/// refused, naming the column and the file, by the import and by inference.
#[tokio::test]
async fn a_header_naming_a_column_twice_is_refused() {
    let (store, dir) = empty_store().await;
    for (i, (header, says)) in [
        ("name,name", "column `name` twice"),
        (
            "id,Name,age,name",
            "`Name` and `name` both make column `name`",
        ),
        (
            "Order Date,order_date",
            "`Order Date` and `order_date` both make column `order_date`",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let columns = header.split(',').count();
        let row = vec!["1"; columns].join(",");
        let path = file(
            dir.path(),
            &format!("twice_{i}.csv"),
            &format!("{header}\n{row}\n"),
        );
        let shown = path.display().to_string();
        let errors = [
            import::rows(&path).err().map(|e| e.to_string()),
            import::infer(&path, 100).err().map(|e| e.to_string()),
            store
                .import_file(&path, "twice", None, false, None, None)
                .await
                .err()
                .map(|e| e.to_string()),
        ];
        for error in errors {
            let error = error.unwrap_or_else(|| panic!("{header} was accepted"));
            assert!(error.contains(says) && error.contains(&shown), "{error}");
        }
        assert!(
            store
                .table_rows("twice", &RowsQuery::page(0, 10))
                .await
                .is_err()
        );
    }
}
