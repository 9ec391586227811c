//! The embedded DataFusion engine on real files: starter templates over the sample data,
//! bound parameters (an injection attempt stays data, a list of 100,000 values), read-only
//! template SQL, and tables that follow the data folder's files.

use flowloom_core::engine::{Connector, EngineError, LocalEngine};
use flowloom_core::render::{self, Statement};
use flowloom_core::value::Value;
use flowloom_core::{ParamSpec, ScalarType, Template, Workspace};
use futures::TryStreamExt;
use serde_json::json;
use std::collections::BTreeMap;
use std::path::Path;

use flowloom_core::engine::arrow::array::AsArray;
use flowloom_core::engine::arrow::datatypes::{Int64Type, TimestampNanosecondType};
use flowloom_core::engine::arrow::record_batch::RecordBatch;

fn spec(name: &str, value_type: ScalarType, list: bool) -> ParamSpec {
    serde_json::from_value(json!({ "name": name, "type": value_type, "list": list }))
        .expect("parameter spec")
}

fn statement(sql: &str, params: &[ParamSpec], values: Vec<(&str, Value)>) -> Statement {
    let values: BTreeMap<String, Value> =
        values.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    render::render(sql, params, &values).expect("renders")
}

async fn run(engine: &LocalEngine, statement: &Statement) -> Result<Vec<RecordBatch>, EngineError> {
    engine.run(statement).await?.batches.try_collect().await
}

fn rows(batches: &[RecordBatch]) -> usize {
    batches.iter().map(RecordBatch::num_rows).sum()
}

/// The single integer a `SELECT count(*) AS n …` returns.
fn count(batches: &[RecordBatch]) -> i64 {
    let column = batches[0].column(0).as_primitive::<Int64Type>();
    assert_eq!(column.len(), 1);
    column.value(0)
}

/// A data folder holding the committed `ads.csv` fixture.
fn ads_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/data/ads.csv"),
        dir.path().join("ads.csv"),
    )
    .expect("copy fixture");
    dir
}

#[tokio::test]
async fn a_starter_template_runs_on_the_sample_data() {
    let dir = tempfile::tempdir().expect("temp dir");
    let workspace = Workspace::open(dir.path()).await.expect("workspace");
    let engine = LocalEngine::open(&workspace.data_dir())
        .await
        .expect("engine");
    for table in ["ad_daily", "calendar", "campaigns", "orders", "products"] {
        assert!(engine.tables().await.contains(&table.to_owned()), "{table}");
    }
    let template: Template = workspace
        .store()
        .get_template(&"tpl_top_campaigns_by_spend".into())
        .await
        .expect("starter template")
        .template;
    let date = |s| Value::from_json(ScalarType::Date, false, &json!(s)).expect("date");
    let statement = statement(
        &template.sql,
        &template.parameters,
        vec![
            ("start_date", date("2026-06-01")),
            ("end_date", date("2026-06-30")),
            ("limit", Value::Integer(5)),
        ],
    );
    let batches = run(&engine, &statement).await.expect("runs");
    assert_eq!(rows(&batches), 5, "LIMIT {{{{limit}}}} is bound");
    let columns: Vec<String> = batches[0]
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    let declared: Vec<String> = template
        .output_columns
        .expect("declared output columns")
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(columns, declared);
}

#[tokio::test]
async fn an_injection_attempt_stays_data() {
    let dir = ads_folder();
    let engine = LocalEngine::open(dir.path()).await.expect("engine");
    let attack = "x'); DROP TABLE ads; --";
    let params = [spec("name", ScalarType::String, false)];
    for sql in [
        "SELECT count(*) AS n FROM ads WHERE name = {{name}}",
        "SELECT count(*) AS n FROM ads WHERE name = '{{name}}'",
    ] {
        let matched = run(
            &engine,
            &statement(sql, &params, vec![("name", Value::String(attack.into()))]),
        )
        .await
        .expect("runs");
        assert_eq!(count(&matched), 1, "only the row named exactly so: {sql}");
    }
    let all = run(
        &engine,
        &statement("SELECT count(*) AS n FROM ads", &[], vec![]),
    )
    .await
    .expect("the table is still there");
    assert_eq!(count(&all), 4);
}

#[tokio::test]
async fn a_list_of_100000_values_is_bound() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut csv = String::from("id\n");
    for id in 0..200_000 {
        csv.push_str(&format!("{id}\n"));
    }
    std::fs::write(dir.path().join("items.csv"), csv).expect("write data");
    let engine = LocalEngine::open(dir.path()).await.expect("engine");
    let evens: Vec<Value> = (0..100_000).map(|i| Value::Integer(i * 2)).collect();
    let statement = statement(
        "SELECT count(*) AS n FROM items WHERE id IN ({{ids}})",
        &[spec("ids", ScalarType::Integer, true)],
        vec![("ids", Value::List(evens))],
    );
    let batches = run(&engine, &statement).await.expect("runs");
    assert_eq!(count(&batches), 100_000);

    let none = self::statement(
        "SELECT count(*) AS n FROM items WHERE id IN ({{ids}})",
        &[spec("ids", ScalarType::Integer, true)],
        vec![("ids", Value::List(Vec::new()))],
    );
    assert_eq!(count(&run(&engine, &none).await.expect("runs")), 0);
}

/// Short lists are bound value by value, long ones as a table: either way the same rows
/// match, an empty list matches none (and `NOT IN` it, all), and a list value that looks
/// like SQL stays data.
#[tokio::test]
async fn short_and_long_lists_select_the_same_rows() {
    let dir = ads_folder();
    let csv: String = std::iter::once("id\n".to_owned())
        .chain((0..5_000).map(|id| format!("{id}\n")))
        .collect();
    std::fs::write(dir.path().join("items.csv"), csv).expect("write data");
    let engine = LocalEngine::open(dir.path()).await.expect("engine");
    let ids = [spec("ids", ScalarType::Integer, true)];
    let matching = |sql: &str, n: i64| {
        let odds = (0..n).map(|i| Value::Integer(i * 2 + 1)).collect();
        statement(sql, &ids, vec![("ids", Value::List(odds))])
    };
    for n in [0, 1, 1_000, 1_001, 2_500] {
        let inside = matching("SELECT count(*) AS n FROM items WHERE id IN ({{ids}})", n);
        assert_eq!(
            count(&run(&engine, &inside).await.expect("runs")),
            n,
            "IN {n} values"
        );
        let outside = matching(
            "SELECT count(*) AS n FROM items WHERE id NOT IN ({{ids}})",
            n,
        );
        assert_eq!(
            count(&run(&engine, &outside).await.expect("runs")),
            5_000 - n,
            "NOT IN {n} values"
        );
    }
    let names = statement(
        "SELECT count(*) AS n FROM ads WHERE name IN ({{names}})",
        &[spec("names", ScalarType::String, true)],
        vec![(
            "names",
            Value::List(vec![
                Value::String("x'); DROP TABLE ads; --".into()),
                Value::String("nobody".into()),
            ]),
        )],
    );
    assert_eq!(count(&run(&engine, &names).await.expect("runs")), 1);
}

#[tokio::test]
async fn template_sql_can_only_read() {
    let dir = ads_folder();
    let engine = LocalEngine::open(dir.path()).await.expect("engine");
    for sql in [
        "DROP TABLE ads",
        "CREATE TABLE t AS SELECT 1",
        "INSERT INTO ads VALUES (5, 'x', '2026-01-01', 1.0)",
        "SET datafusion.execution.batch_size = 1",
    ] {
        let err = run(&engine, &statement(sql, &[], vec![]))
            .await
            .expect_err("refused");
        assert!(matches!(err, EngineError::Query { .. }), "{sql}: {err}");
    }
    let all = run(
        &engine,
        &statement("SELECT count(*) AS n FROM ads", &[], vec![]),
    )
    .await
    .expect("runs");
    assert_eq!(count(&all), 4);
}

/// What a run sees: `refresh` (which each run calls as it starts) follows added, changed and
/// removed files.
#[tokio::test]
async fn tables_follow_the_files_in_the_data_folder() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("notes.csv");
    std::fs::write(&file, "id\n1\n2\n").expect("write");
    let engine = LocalEngine::open(dir.path()).await.expect("engine");
    let query = statement("SELECT count(*) AS n FROM notes", &[], vec![]);
    assert_eq!(count(&run(&engine, &query).await.expect("runs")), 2);

    std::fs::write(&file, "id\n1\n2\n3\n").expect("rewrite");
    engine.refresh().await;
    assert_eq!(
        count(&run(&engine, &query).await.expect("runs")),
        3,
        "a changed file is read again"
    );

    std::fs::write(dir.path().join("lines.json"), "{\"id\": 1}\n{\"id\": 2}\n").expect("json");
    std::fs::write(
        dir.path().join("array.json"),
        "[{\"id\": 1}, {\"id\": 2}, {\"id\": 3}]",
    )
    .expect("json");
    engine.refresh().await;
    let lines = statement("SELECT count(*) AS n FROM lines", &[], vec![]);
    assert_eq!(count(&run(&engine, &lines).await.expect("runs")), 2);
    let array = statement("SELECT count(*) AS n FROM array", &[], vec![]);
    assert_eq!(count(&run(&engine, &array).await.expect("runs")), 3);

    std::fs::remove_file(&file).expect("remove");
    engine.refresh().await;
    let err = run(&engine, &query).await.expect_err("the table is gone");
    assert!(err.to_string().contains("notes"), "{err}");
}

/// A statement is planned once and its plan reused, until a table it reads is registered
/// again: a file whose columns changed is read with its new columns.
#[tokio::test]
async fn a_plan_is_made_again_when_a_file_it_reads_changes_its_columns() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("notes.csv");
    std::fs::write(&file, "id\n1\n").expect("write");
    let engine = LocalEngine::open(dir.path()).await.expect("engine");
    let query = statement("SELECT * FROM notes", &[], vec![]);
    let columns = |batches: &[RecordBatch]| -> Vec<String> {
        batches[0]
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect()
    };
    assert_eq!(columns(&run(&engine, &query).await.expect("runs")), ["id"]);
    assert_eq!(
        columns(&run(&engine, &query).await.expect("runs again")),
        ["id"]
    );

    std::fs::write(&file, "id,title\n1,first\n2,second\n").expect("rewrite");
    engine.refresh().await;
    let batches = run(&engine, &query).await.expect("runs on the new file");
    assert_eq!(columns(&batches), ["id", "title"]);
    assert_eq!(rows(&batches), 2);
}

/// A statement without parameters is planned once, but one reading the clock reads it
/// again in each run: `now()` is the time the run started, not the first run's.
#[tokio::test]
async fn the_clock_is_read_again_in_each_run() {
    let dir = ads_folder();
    let engine = LocalEngine::open(dir.path()).await.expect("engine");
    let now = statement("SELECT now() AS started", &[], vec![]);
    let ads = statement("SELECT count(*) AS n FROM ads", &[], vec![]);
    let started = |batches: Vec<RecordBatch>| {
        let column = batches[0].column(0);
        column.as_primitive::<TimestampNanosecondType>().value(0)
    };
    let first = started(run(&engine, &now).await.expect("runs"));
    let again = started(run(&engine, &now).await.expect("runs again"));
    assert_eq!(again, first, "one run, one time");
    assert_eq!(count(&run(&engine, &ads).await.expect("runs")), 4);

    std::thread::sleep(std::time::Duration::from_millis(5));
    engine.refresh().await; // as the next run starts
    let second = started(run(&engine, &now).await.expect("runs in the next run"));
    assert!(second > first, "{second} after {first}");
    assert_eq!(count(&run(&engine, &ads).await.expect("runs again")), 4);
}

/// A data file that cannot be read as a table is reported by the queries that read it,
/// naming the file; every other table stays usable.
#[tokio::test]
async fn a_broken_data_file_fails_only_the_queries_that_read_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("notes.csv"), "id\n1\n2\n").expect("write");
    std::fs::write(dir.path().join("broken.parquet"), "not parquet at all").expect("write");
    let engine = LocalEngine::open(dir.path()).await.expect("opens anyway");
    assert_eq!(engine.tables().await, ["notes"]);
    let fine = statement("SELECT count(*) AS n FROM notes", &[], vec![]);
    assert_eq!(count(&run(&engine, &fine).await.expect("runs")), 2);
    let broken = statement("SELECT count(*) AS n FROM broken", &[], vec![]);
    let err = run(&engine, &broken).await.expect_err("unreadable");
    assert!(
        err.to_string()
            .starts_with("cannot read `broken.parquet` as a table: "),
        "{err}"
    );
}

/// A data table is a table to templates like any data file: read by name, typed, joined with
/// the sample data, and each write seen by the next query.
#[tokio::test]
async fn a_data_table_is_queried_by_name_and_each_write_is_seen() {
    let dir = tempfile::tempdir().expect("temp dir");
    let workspace = Workspace::open(dir.path()).await.expect("workspace");
    let store = workspace.store();
    let schema = serde_json::from_value(json!({ "columns": [
        { "name": "campaign_id", "data_type": "string", "required": true },
        { "name": "budget", "data_type": "decimal" },
        { "name": "paused", "data_type": "boolean" },
        { "name": "since", "data_type": "date" }
    ]}))
    .expect("schema");
    store
        .create_table("budgets", "Budgets", &schema, None)
        .await
        .expect("create");
    store
        .insert_rows(
            "budgets",
            &serde_json::from_value::<Vec<_>>(json!([
                { "campaign_id": "C001", "budget": 1500.5, "paused": false, "since": "2026-06-01" },
                { "campaign_id": "C002", "budget": 90, "paused": true, "since": "2026-05-01" }
            ]))
            .expect("rows"),
        )
        .await
        .expect("insert");
    let engine = LocalEngine::for_workspace(&workspace)
        .await
        .expect("engine");
    let sql =
        "SELECT count(*) AS n FROM budgets b JOIN campaigns c ON c.campaign_id = b.campaign_id
               WHERE NOT b.paused AND b.since >= DATE '2026-06-01' AND b.budget > 1000";
    let matched = run(&engine, &statement(sql, &[], vec![]))
        .await
        .expect("runs");
    assert_eq!(
        count(&matched),
        1,
        "typed: booleans, dates and decimals compare as such"
    );

    store
        .insert_rows(
            "budgets",
            &serde_json::from_value::<Vec<_>>(json!([
                { "campaign_id": "C003", "budget": 5000, "paused": false, "since": "2026-07-01" }
            ]))
            .expect("rows"),
        )
        .await
        .expect("a later write");
    let after = run(&engine, &statement(sql, &[], vec![]))
        .await
        .expect("runs");
    assert_eq!(count(&after), 2, "the next query sees the write");
}

/// A template test-run alone with sample values, as the template editor does: its first
/// rows, and the output columns its result really has, typed.
#[tokio::test]
async fn a_template_test_run_gives_rows_and_the_columns_to_declare() {
    use flowloom_core::authoring;
    use flowloom_core::model::OutputColumn;
    let dir = ads_folder();
    let engine = LocalEngine::open(dir.path()).await.expect("engine");
    let template: Template = serde_json::from_value(json!({
        "template_id": "tpl_try", "name": "Try",
        "sql": "SELECT name, count(*) AS days, sum(spend) * 1.5 AS score FROM ads WHERE name <> {{skip}} GROUP BY name ORDER BY name",
        "parameters": [{ "name": "skip", "type": "string", "required": true }]
    }))
    .expect("template");
    let values = BTreeMap::from([("skip".to_owned(), json!("x'); DROP TABLE ads; --"))]);
    let run = authoring::test_run(&engine, &template, &values, 2)
        .await
        .expect("runs");
    assert_eq!(run.page.total_rows, 2, "the first rows only");
    let declared: Vec<(String, ScalarType)> = run
        .columns
        .iter()
        .map(|OutputColumn { name, value_type }| (name.clone(), *value_type))
        .collect();
    assert_eq!(
        declared,
        [
            ("name".to_owned(), ScalarType::String),
            ("days".to_owned(), ScalarType::Integer),
            ("score".to_owned(), ScalarType::Decimal)
        ]
    );
    assert!(run.sql.contains("$1"), "the value was bound: {}", run.sql);
    let missing = authoring::test_run(&engine, &template, &BTreeMap::new(), 2)
        .await
        .expect_err("a required parameter without a sample value");
    assert_eq!(missing.parameter(), Some("skip"));
    assert_eq!(missing.to_string(), "parameter `skip` needs a sample value");
    let unknown_column = Template {
        sql: "SELECT no_such_column FROM ads WHERE name <> {{skip}}".into(),
        ..template
    };
    let refused = authoring::test_run(&engine, &unknown_column, &values, 2)
        .await
        .expect_err("a column the table lacks");
    assert!(
        matches!(refused, authoring::TestRunError::Engine(_)),
        "the engine refused it: {refused:?}"
    );
    assert_eq!(refused.parameter(), None);
    assert!(refused.to_string().contains("no_such_column"), "{refused}");
}

/// A data folder holding the committed `payments.csv` fixture, with its column types
/// (`payments.schema.json`) when `typed`.
fn payments_folder(typed: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/data");
    let mut files = vec!["payments.csv"];
    if typed {
        files.push("payments.schema.json");
    }
    for file in files {
        std::fs::copy(fixtures.join(file), dir.path().join(file)).expect("copy fixture");
    }
    dir
}

/// The payments fixture summed independently of the engine: cents per customer, read from
/// the CSV text as integers.
fn payments_in_cents() -> BTreeMap<String, i64> {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/data/payments.csv"),
    )
    .expect("read fixture");
    let mut cents = BTreeMap::new();
    for line in text.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let (whole, fraction) = cells[3].split_once('.').expect("amounts have cents");
        let amount =
            whole.parse::<i64>().expect("whole") * 100 + fraction.parse::<i64>().expect("cents");
        *cents.entry(cells[2].to_owned()).or_insert(0) += amount;
    }
    cents
}

fn money(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// A data file's sidecar (`payments.schema.json`) types its money column `decimal(12,2)`:
/// sums stay decimal and exact to the cent through aggregation, the page the results table
/// shows (exact digits as text) and CSV / JSON exports; the sidecar is never a table itself,
/// and removing it reads the column as inferred again.
#[tokio::test]
async fn a_sidecar_keeps_money_exact_through_sums_and_exports() {
    use flowloom_core::engine::arrow::datatypes::DataType;
    use flowloom_core::engine::results::{self, Format, Page};

    let dir = payments_folder(true);
    let engine = LocalEngine::open(dir.path()).await.expect("engine");
    assert_eq!(
        engine.tables().await,
        ["payments"],
        "the sidecar is no table"
    );
    let expected = payments_in_cents();
    let query = statement(
        "SELECT customer, SUM(amount) AS total, AVG(amount) AS mean, max(payment_id) AS last \
         FROM payments GROUP BY customer ORDER BY customer",
        &[],
        vec![],
    );
    let batches = run(&engine, &query).await.expect("runs");
    let schema = batches[0].schema();
    let type_of = |name: &str| {
        schema
            .field_with_name(name)
            .expect(name)
            .data_type()
            .clone()
    };
    assert!(
        matches!(type_of("total"), DataType::Decimal128(_, 2)),
        "{}",
        type_of("total")
    );
    assert!(type_of("mean").is_decimal(), "{}", type_of("mean"));
    assert_eq!(type_of("last"), DataType::Int64, "declared `integer`");

    let page = Page {
        schema: schema.clone(),
        total_rows: rows(&batches) as u64,
        batches,
    };
    let mut csv = Vec::new();
    results::export(&page, Format::Csv, &mut csv).expect("csv");
    let csv = String::from_utf8(csv).expect("utf-8");
    let totals: BTreeMap<String, String> = csv
        .lines()
        .skip(1)
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            (cells[0].to_owned(), cells[1].to_owned())
        })
        .collect();
    let wanted: BTreeMap<String, String> = expected
        .iter()
        .map(|(c, cents)| (c.clone(), money(*cents)))
        .collect();
    assert_eq!(totals, wanted, "{csv}");

    let shown = page.rows().expect("rows");
    for row in &shown {
        let customer = row["customer"].as_str().expect("customer");
        assert_eq!(
            row["total"],
            json!(money(expected[customer])),
            "exact digits as text"
        );
    }
    let mut exported = Vec::new();
    results::export(&page, Format::Json, &mut exported).expect("json");
    let exported = String::from_utf8(exported).expect("utf-8");
    for cents in expected.values() {
        assert!(
            exported.contains(&format!("\"total\":{}", money(*cents))),
            "{exported}"
        );
    }

    // Without the sidecar the column is read as inferred again: a float.
    std::fs::remove_file(dir.path().join("payments.schema.json")).expect("remove sidecar");
    engine.refresh().await;
    let batches = run(&engine, &query).await.expect("runs");
    assert_eq!(
        batches[0]
            .schema()
            .field_with_name("total")
            .expect("total")
            .data_type(),
        &DataType::Float64
    );
}

/// A sidecar is part of what the result cache knows of a table: changing it changes the
/// fingerprint, and the table is registered again with the new types.
#[tokio::test]
async fn a_changed_sidecar_changes_the_fingerprint_and_the_types() {
    use flowloom_core::engine::arrow::datatypes::DataType;

    let dir = payments_folder(true);
    let engine = LocalEngine::open(dir.path()).await.expect("engine");
    let query = statement("SELECT amount FROM payments", &[], vec![]);
    let before = engine.fingerprint(&query).await.expect("fingerprint");
    std::fs::write(
        dir.path().join("payments.schema.json"),
        r#"{"columns": {"amount": "decimal(14,4)"}}"#,
    )
    .expect("rewrite sidecar");
    engine.refresh().await;
    let after = engine.fingerprint(&query).await.expect("fingerprint");
    assert!(before.is_some() && after.is_some());
    assert_ne!(before, after);
    let batches = run(&engine, &query).await.expect("runs");
    assert_eq!(
        batches[0].schema().field(0).data_type(),
        &DataType::Decimal128(14, 4)
    );
}

/// A sidecar that is malformed, names a column the file lacks or a type the product does not
/// know fails the queries that read its table with every problem, naming the sidecar and
/// the columns (`tests/fixtures/column-types/*.expected`); other tables stay usable, and a
/// fixed sidecar is read at the next refresh.
#[tokio::test]
async fn a_bad_sidecar_is_a_problem_of_its_table_naming_file_and_column() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/column-types");
    let mut cases: Vec<_> = std::fs::read_dir(&fixtures)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.to_string_lossy().ends_with(".schema.json"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 5, "{cases:?}");
    for case in cases {
        let dir = payments_folder(false);
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/data/ads.csv"),
            dir.path().join("ads.csv"),
        )
        .expect("copy ads");
        std::fs::copy(&case, dir.path().join("payments.schema.json")).expect("copy sidecar");
        let engine = LocalEngine::open(dir.path()).await.expect("opens anyway");
        assert_eq!(engine.tables().await, ["ads"], "{}", case.display());
        let query = statement("SELECT count(*) AS n FROM payments", &[], vec![]);
        let err = run(&engine, &query).await.expect_err("a bad sidecar");
        let name = case.file_name().and_then(|n| n.to_str()).expect("name");
        let expected = fixtures.join(name.replace(".schema.json", ".expected"));
        crate::support::expect_file(&expected, &format!("{err}\n"));
        assert!(
            err.to_string()
                .starts_with("cannot read `payments.schema.json` as a table: "),
            "{err}"
        );
        let ads = statement("SELECT count(*) AS n FROM ads", &[], vec![]);
        assert_eq!(count(&run(&engine, &ads).await.expect("ads runs")), 4);

        std::fs::write(
            dir.path().join("payments.schema.json"),
            r#"{"columns": {"amount": "decimal(12,2)"}}"#,
        )
        .expect("fix the sidecar");
        engine.refresh().await;
        assert_eq!(count(&run(&engine, &query).await.expect("fixed")), 42);
    }
}

/// A Parquet file carries its own column types: a sidecar beside one is a problem, not
/// silently ignored.
#[tokio::test]
async fn a_sidecar_beside_a_parquet_file_is_a_problem() {
    let dir = payments_folder(true);
    let engine = LocalEngine::open(dir.path()).await.expect("engine");
    let query = statement("SELECT * FROM payments", &[], vec![]);
    let batches = run(&engine, &query).await.expect("runs");
    let page = flowloom_core::engine::results::Page {
        schema: batches[0].schema(),
        total_rows: rows(&batches) as u64,
        batches,
    };
    let file = std::fs::File::create(dir.path().join("kept.parquet")).expect("create");
    flowloom_core::engine::results::export(
        &page,
        flowloom_core::engine::results::Format::Parquet,
        file,
    )
    .expect("parquet");
    std::fs::write(
        dir.path().join("kept.schema.json"),
        r#"{"columns": {"amount": "decimal(12,2)"}}"#,
    )
    .expect("sidecar");
    engine.refresh().await;
    let err = run(&engine, &statement("SELECT * FROM kept", &[], vec![]))
        .await
        .expect_err("a sidecar beside Parquet");
    assert!(
        err.to_string()
            .starts_with("cannot read `kept.schema.json` as a table: a Parquet file carries"),
        "{err}"
    );
}

/// A data folder whose path holds glob characters (`*`, `?`, `[`, `]`, a space, `%`) reads
/// its files like any other: paths are paths, never globs. Every file format, and a
/// sibling folder the glob would also have matched is not read.
#[tokio::test]
async fn a_data_folder_whose_path_looks_like_a_glob_is_read_as_a_path() {
    let root = tempfile::tempdir().expect("temp dir");
    let odd = root.path().join("work [1] *?% x");
    let data = odd.join("data");
    std::fs::create_dir_all(&data).expect("folders");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/data/ads.csv"),
        data.join("ads.csv"),
    )
    .expect("copy fixture");
    std::fs::write(data.join("notes.json"), "{\"n\": 1}\n{\"n\": 2}\n").expect("json");
    // What `[1]` and `*?%` would also match, were the path a glob.
    let decoy = root.path().join("work 1 abc x").join("data");
    std::fs::create_dir_all(&decoy).expect("folders");
    std::fs::write(decoy.join("ads.csv"), "campaign_id\nX\n").expect("decoy");

    let engine = LocalEngine::open(&data).await.expect("engine");
    assert_eq!(engine.tables().await, ["ads", "notes"]);
    let rows = run(
        &engine,
        &statement("SELECT count(*) AS n FROM ads", &[], vec![]),
    )
    .await
    .expect("reads the file at its path");
    let expected = std::fs::read_to_string(data.join("ads.csv"))
        .expect("fixture")
        .lines()
        .count()
        - 1;
    assert_eq!(count(&rows), i64::try_from(expected).expect("fits"));
    let notes = run(
        &engine,
        &statement("SELECT sum(n) AS n FROM notes", &[], vec![]),
    )
    .await
    .expect("reads the JSON file");
    assert_eq!(count(&notes), 3);
}
