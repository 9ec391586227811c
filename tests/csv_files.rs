//! CSV data files as analysts get them, on the real engine: missing-value markers, a column
//! whose first missing value and first disagreeing row come late, dates and datetimes in
//! their common forms, markers set per file, a file changed between runs read again, one
//! parsed copy shared by engines over the same workspace, and engine errors in plain words.

use flowloom_core::Workspace;
use flowloom_core::engine::arrow::array::AsArray;
use flowloom_core::engine::arrow::datatypes::{Float64Type, Int64Type, TimestampMillisecondType};
use flowloom_core::engine::arrow::record_batch::RecordBatch;
use flowloom_core::engine::{Connector, EngineError, LocalEngine, TableShape};
use flowloom_core::render::{self, Statement};
use futures::TryStreamExt;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

fn statement(sql: &str) -> Statement {
    render::render(sql, &[], &BTreeMap::new()).expect("renders")
}

async fn run(engine: &LocalEngine, sql: &str) -> Result<Vec<RecordBatch>, EngineError> {
    engine
        .run(&statement(sql))
        .await?
        .batches
        .try_collect()
        .await
}

fn float(batches: &[RecordBatch], column: usize) -> f64 {
    batches[0]
        .column(column)
        .as_primitive::<Float64Type>()
        .value(0)
}

/// The first row's value of `column`, as the engine writes it as text.
fn text(batches: &[RecordBatch], column: usize) -> String {
    flowloom_core::engine::arrow::util::display::array_value_to_string(batches[0].column(column), 0)
        .expect("displays")
}

fn integer(batches: &[RecordBatch], column: usize) -> i64 {
    batches[0]
        .column(column)
        .as_primitive::<Int64Type>()
        .value(0)
}

/// `name`'s columns as `name type` pairs.
async fn types(engine: &LocalEngine, name: &str) -> Vec<(String, String)> {
    shape(engine, name)
        .await
        .columns
        .into_iter()
        .map(|c| (c.name, c.type_name))
        .collect()
}

async fn shape(engine: &LocalEngine, name: &str) -> TableShape {
    engine
        .shapes()
        .await
        .into_iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no table {name}"))
}

/// What a generated flights file holds, computed apart from the engine.
struct Flights {
    text: String,
    delays: Vec<f64>,
}

/// 3,000 flights exported the R/pandas way: `arr_delay` is whole minutes until row 2,050,
/// where missing values start (every marker in turn), and from row 2,500 on has halves;
/// `gate` is a number until row 2,200 and text after it; `tail` is empty throughout.
fn flights() -> Flights {
    let markers = ["NA", "", "N/A", "NULL", "\\N", "NaN"];
    let mut text = String::from("id,carrier,arr_delay,gate,day,tail\n");
    let mut delays = Vec::new();
    for i in 1..=3000u32 {
        let delay = if i >= 2050 && i % 7 == 0 {
            markers[(i as usize / 7) % markers.len()].to_owned()
        } else if i >= 2500 {
            let minutes = f64::from(i % 90) - 20.5;
            delays.push(minutes);
            format!("{minutes}")
        } else {
            let minutes = i64::from(i % 90) - 20;
            delays.push(minutes as f64);
            minutes.to_string()
        };
        let gate = if i > 2200 {
            format!("B{}", i % 40)
        } else {
            (i % 40).to_string()
        };
        let carrier = ["AA", "DL", "UA"][i as usize % 3];
        let day = format!("2024-{:02}-{:02}", i % 12 + 1, i % 28 + 1);
        writeln!(text, "{i},{carrier},{delay},{gate},{day},").expect("write");
    }
    Flights { text, delays }
}

#[tokio::test]
async fn markers_and_late_disagreeing_rows_read_as_analysts_mean_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    let flights = flights();
    std::fs::write(dir.path().join("flights.csv"), &flights.text).expect("write");
    let engine = LocalEngine::open(dir.path()).await.expect("engine");

    assert_eq!(
        types(&engine, "flights").await,
        [
            ("id", "integer"),
            ("carrier", "text"),
            ("arr_delay", "float"),
            ("gate", "text"),
            ("day", "date"),
            ("tail", "text"),
        ]
        .map(|(n, t)| (n.to_owned(), t.to_owned()))
    );
    let batches = run(
        &engine,
        "SELECT AVG(arr_delay), COUNT(arr_delay), COUNT(*), COUNT(tail) FROM flights",
    )
    .await
    .expect("AVG over the column with missing values runs");
    let expected = flights.delays.iter().sum::<f64>() / flights.delays.len() as f64;
    assert!(
        (float(&batches, 0) - expected).abs() < 1e-9,
        "{} vs {expected}",
        float(&batches, 0)
    );
    assert_eq!(integer(&batches, 1), flights.delays.len() as i64);
    assert_eq!(integer(&batches, 2), 3000);
    assert_eq!(
        integer(&batches, 3),
        0,
        "an empty cell is missing, in a text column too"
    );
    let gates = run(
        &engine,
        "SELECT gate FROM flights WHERE id IN (5, 2999) ORDER BY id",
    )
    .await
    .expect("runs");
    let gates = gates[0].column(0).as_string::<i32>();
    assert_eq!((gates.value(0), gates.value(1)), ("5", "B39"));
    assert_eq!(
        shape(&engine, "flights").await.missing,
        Some(
            ["", "NA", "N/A", "NULL", "\\N", "NaN"]
                .map(String::from)
                .to_vec()
        )
    );
}

#[tokio::test]
async fn dates_and_datetimes_are_recognised_in_their_common_forms() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::copy(fixture("events.csv"), dir.path().join("events.csv")).expect("copy");
    let engine = LocalEngine::open(dir.path()).await.expect("engine");
    assert_eq!(
        types(&engine, "events").await,
        [
            ("id", "integer"),
            ("day", "date"),
            ("local_time", "datetime"),
            ("logged_at", "datetime (UTC)"),
            ("note", "text"),
        ]
        .map(|(n, t)| (n.to_owned(), t.to_owned()))
    );
    // A date is a date: a day later is the next day; a zone is converted to UTC.
    let batches = run(
        &engine,
        "SELECT CAST(day + INTERVAL '1 day' AS VARCHAR), CAST(logged_at AS VARCHAR), \
         date_part('hour', local_time) FROM events WHERE id = 2",
    )
    .await
    .expect("runs");
    assert_eq!(text(&batches, 0), "2024-03-01");
    assert_eq!(text(&batches, 1), "2024-02-29T08:30:00Z");
    assert_eq!(text(&batches, 2), "14");
    let missing = run(&engine, "SELECT COUNT(logged_at), COUNT(day) FROM events")
        .await
        .expect("runs");
    assert_eq!((integer(&missing, 0), integer(&missing, 1)), (3, 3));
    let times = run(&engine, "SELECT logged_at FROM events WHERE id = 1")
        .await
        .expect("runs");
    let millis = times[0]
        .column(0)
        .as_primitive::<TimestampMillisecondType>()
        .value(0);
    assert_eq!(millis, 1_704_067_200_000, "2024-01-01T00:00:00Z");
}

#[tokio::test]
async fn a_sidecar_sets_the_missing_value_markers_of_its_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("scores.csv"),
        "name,score\nann,3\nbob,-\nNA,5\ncid,\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("scores.schema.json"),
        r#"{"missing": ["-", ""]}"#,
    )
    .expect("write");
    let engine = LocalEngine::open(dir.path()).await.expect("engine");
    assert_eq!(
        types(&engine, "scores").await,
        [("name", "text"), ("score", "integer")].map(|(n, t)| (n.to_owned(), t.to_owned()))
    );
    assert_eq!(
        shape(&engine, "scores").await.missing,
        Some(vec!["-".to_owned(), String::new()])
    );
    let batches = run(
        &engine,
        "SELECT SUM(score), COUNT(score), COUNT(name) FROM scores",
    )
    .await
    .expect("runs");
    assert_eq!(integer(&batches, 0), 8);
    assert_eq!(integer(&batches, 1), 2);
    assert_eq!(
        integer(&batches, 2),
        4,
        "NA is a name here, not a missing value"
    );

    // The markers are part of what the copy was made with: changing them reads again.
    std::fs::write(
        dir.path().join("scores.schema.json"),
        r#"{"missing": ["-", "", "NA"]}"#,
    )
    .expect("write");
    engine.refresh().await;
    let batches = run(&engine, "SELECT COUNT(name) FROM scores")
        .await
        .expect("runs");
    assert_eq!(integer(&batches, 0), 3);

    std::fs::write(dir.path().join("scores.schema.json"), r#"{"missing": "-"}"#).expect("write");
    engine.refresh().await;
    let err = run(&engine, "SELECT COUNT(name) FROM scores")
        .await
        .expect_err("a bad sidecar is its table's problem");
    assert!(err.to_string().contains("scores.schema.json"), "{err}");
}

/// The copies a workspace keeps of its CSV files, by file name, with their modification
/// times.
fn copies(workspace: &Workspace) -> Vec<(String, std::time::SystemTime)> {
    let Ok(entries) = std::fs::read_dir(workspace.csv_cache_dir()) else {
        return Vec::new();
    };
    let mut copies: Vec<_> = entries
        .flatten()
        .map(|e| {
            let modified = e.metadata().and_then(|m| m.modified()).expect("modified");
            (e.file_name().to_string_lossy().into_owned(), modified)
        })
        .collect();
    copies.sort();
    copies
}

#[tokio::test]
async fn a_csv_is_parsed_once_and_again_only_when_it_changes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let workspace = Workspace::open(dir.path()).await.expect("workspace");
    let file = workspace.data_dir().join("sales.csv");
    std::fs::write(&file, "region,amount\nnorth,10\nsouth,20\n").expect("write");
    let total = "SELECT SUM(amount) FROM sales";

    let engine = LocalEngine::for_workspace(&workspace)
        .await
        .expect("engine");
    assert_eq!(integer(&run(&engine, total).await.expect("runs"), 0), 30);
    let sample_copies = copies(&workspace);
    assert!(
        sample_copies.len() >= 2,
        "the sample CSV files and sales.csv each have their copy: {sample_copies:?}"
    );
    let fingerprint = engine
        .fingerprint(&statement(total))
        .await
        .expect("fingerprint")
        .expect("a data file has one");
    assert!(
        fingerprint.contains("sales.csv"),
        "keyed on the CSV itself: {fingerprint}"
    );

    // Another engine over the workspace (another run, another process) reads the copies
    // already made: none is written again.
    let second = LocalEngine::for_workspace(&workspace)
        .await
        .expect("engine");
    assert_eq!(integer(&run(&second, total).await.expect("runs"), 0), 30);
    assert_eq!(copies(&workspace), sample_copies);

    // Changed: read again, its old copy gone, the fingerprint moved on.
    std::fs::write(&file, "region,amount\nnorth,10\nsouth,20\neast,12\n").expect("rewrite");
    engine.refresh().await;
    assert_eq!(integer(&run(&engine, total).await.expect("runs"), 0), 42);
    let after = copies(&workspace);
    assert_eq!(
        after.len(),
        sample_copies.len(),
        "one copy per file: {after:?}"
    );
    assert_ne!(after, sample_copies);
    let changed = engine
        .fingerprint(&statement(total))
        .await
        .expect("fingerprint")
        .expect("a data file has one");
    assert_ne!(changed, fingerprint);

    // Gone from the folder: its copy goes too.
    std::fs::remove_file(&file).expect("remove");
    engine.refresh().await;
    assert_eq!(copies(&workspace).len(), sample_copies.len() - 1);
}

#[tokio::test]
async fn engine_errors_are_about_the_sql_and_the_data() {
    let dir = tempfile::tempdir().expect("temp dir");
    let flights = flights();
    std::fs::write(dir.path().join("flights.csv"), &flights.text).expect("write");
    let engine = LocalEngine::open(dir.path()).await.expect("engine");
    for (sql, says) in [
        ("SELECT AVG(carrier) FROM flights", "avg"),
        (
            "SELECT CAST(carrier AS INT) FROM flights",
            "Cannot cast string",
        ),
        ("SELECT nope FROM flights", "nope"),
        ("SELEC 1", "SELEC"),
    ] {
        let err = run(&engine, sql).await.expect_err(sql).to_string();
        for library_words in [
            "bug",
            "DataFusion",
            "issue tracker",
            "Internal error",
            "Arrow error",
            "Error during planning",
            "ParserError",
        ] {
            assert!(!err.contains(library_words), "{sql}: {err}");
        }
        assert!(err.contains(says), "{sql}: {err}");
        assert!(!err.contains('\n'), "{sql}: one line: {err}");
    }
}

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/data")
        .join(name)
}

#[tokio::test]
async fn a_test_run_reads_a_csv_changed_since_the_last_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("sales.csv");
    std::fs::write(&file, "region,amount\nnorth,10\nsouth,20\n").expect("write");
    let engine = LocalEngine::open(dir.path()).await.expect("engine");
    let template: flowloom_core::Template = serde_json::from_value(serde_json::json!({
        "template_id": "tpl_total", "name": "Total", "sql": "SELECT SUM(amount) AS total FROM sales",
        "parameters": []
    }))
    .expect("template");
    let total = |run: flowloom_core::authoring::TestRun| integer(&run.page.batches, 0);
    let values = BTreeMap::new();
    let run = flowloom_core::authoring::test_run(&engine, &template, &values, 10);
    assert_eq!(total(run.await.expect("runs")), 30);
    std::fs::write(&file, "region,amount\nnorth,10\nsouth,20\nwest,5.5\n").expect("rewrite");
    let run = flowloom_core::authoring::test_run(&engine, &template, &values, 10);
    let batches = run.await.expect("runs").page.batches;
    assert_eq!(
        float(&batches, 0),
        35.5,
        "read again, its new float values too"
    );
}
