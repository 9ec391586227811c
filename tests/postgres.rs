//! The PostgreSQL connector on a real server (`pg_cluster.rs`): every type it reads into
//! Arrow, every parameter type bound (a list of 100,000 values as one array), injection
//! attempts staying data, server errors with SQLSTATE and position, clear connection
//! errors without the password, cancel stopping the server's query, lost connections and a
//! restart, writes refused, and `check` saying what is wrong.

use crate::pg_cluster::{self, DATABASE, PASSWORD, PgCluster, USER};
use chrono::{NaiveDate, NaiveDateTime};
use flowloom_core::engine::arrow::array::{Array, AsArray};
use flowloom_core::engine::arrow::datatypes::{
    DataType, Date32Type, Decimal128Type, Float32Type, Float64Type, Int16Type, Int32Type,
    Int64Type, TimeUnit, TimestampMicrosecondType,
};
use flowloom_core::engine::arrow::record_batch::RecordBatch;
use flowloom_core::engine::arrow::util::display::array_value_to_string;
use flowloom_core::engine::postgres::{PostgresConnector, PostgresSettings, SslMode};
use flowloom_core::engine::{Connector, EngineError, LocalEngine, PlanProblem};
use flowloom_core::render::{self, Statement};
use flowloom_core::value::Value;
use flowloom_core::{ParamSpec, ScalarType};
use futures::{StreamExt, TryStreamExt};
use serde_json::json;
use sqlx::PgPool;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

fn spec(name: &str, value_type: ScalarType, list: bool) -> ParamSpec {
    serde_json::from_value(json!({ "name": name, "type": value_type, "list": list }))
        .expect("parameter spec")
}

fn statement(sql: &str, params: &[ParamSpec], values: Vec<(&str, Value)>) -> Statement {
    let values: BTreeMap<String, Value> =
        values.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    render::render(sql, params, &values).expect("renders")
}

fn plain(sql: &str) -> Statement {
    statement(sql, &[], vec![])
}

async fn connector() -> (PostgresConnector, &'static PgCluster) {
    let cluster = pg_cluster::shared().await;
    (PostgresConnector::new(cluster.settings(DATABASE)), cluster)
}

async fn run(
    connector: &impl Connector,
    statement: &Statement,
) -> Result<Vec<RecordBatch>, EngineError> {
    connector.run(statement).await?.batches.try_collect().await
}

fn rows(batches: &[RecordBatch]) -> usize {
    batches.iter().map(RecordBatch::num_rows).sum()
}

fn count(batches: &[RecordBatch]) -> i64 {
    let column = batches[0].column(0).as_primitive::<Int64Type>();
    assert_eq!(column.len(), 1);
    column.value(0)
}

/// Runs setup SQL as the superuser.
async fn admin_exec(admin: &PgPool, sql: &str) {
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
        .execute(admin)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Every value of `batches` as text, row by row.
fn texts(batches: &[RecordBatch]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for batch in batches {
        for row in 0..batch.num_rows() {
            out.push(
                batch
                    .columns()
                    .iter()
                    .map(|c| array_value_to_string(c, row).expect("displays"))
                    .collect(),
            );
        }
    }
    out
}

const TYPES_TABLE: &str = "
    CREATE TABLE IF NOT EXISTS pg_types (
        id int PRIMARY KEY, i2 smallint, i4 integer, i8 bigint, f4 real, f8 double precision,
        n numeric(10,3), nn numeric, b boolean, t text, v varchar(10), c char(4), d date,
        ts timestamp, tz timestamptz, j json, jb jsonb, u uuid, ai integer[], at text[],
        an numeric(6,2)[]);
    INSERT INTO pg_types VALUES
      (1, -32768, 2147483647, -9223372036854775808, 1.5, 0.1, 1234567.891, 12.5, true,
       'héllo ✓', 'abc', 'ab', '2026-02-28', '2026-03-01 12:34:56.789012',
       '2026-03-01 12:34:56+02', '{\"a\": 1}', '{\"b\": [1, 2]}',
       'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{1,NULL,3}', '{x,\"y z\"}', '{1.5,-2.25}'),
      (2, NULL, NULL, NULL, NULL, NULL, NULL, 0.125, NULL, NULL, NULL, NULL, '1969-12-31',
       NULL, NULL, NULL, NULL, NULL, '{}', NULL, NULL)
    ON CONFLICT DO NOTHING;";

#[tokio::test]
async fn every_type_arrives_in_arrow_with_its_exact_value() {
    let (pg, cluster) = connector().await;
    let admin = cluster.admin(DATABASE).await;
    admin_exec(&admin, TYPES_TABLE).await;
    let batches = run(&pg, &plain("SELECT * FROM pg_types ORDER BY id"))
        .await
        .expect("runs");
    assert_eq!(rows(&batches), 2);
    let batch = &batches[0];
    let schema = batch.schema();
    let types: Vec<(&str, DataType)> = schema
        .fields()
        .iter()
        .map(|f| (f.name().as_str(), f.data_type().clone()))
        .collect();
    let item = |t: DataType| {
        DataType::List(std::sync::Arc::new(
            flowloom_core::engine::arrow::datatypes::Field::new("item", t, true),
        ))
    };
    assert_eq!(
        types,
        vec![
            ("id", DataType::Int32),
            ("i2", DataType::Int16),
            ("i4", DataType::Int32),
            ("i8", DataType::Int64),
            ("f4", DataType::Float32),
            ("f8", DataType::Float64),
            ("n", DataType::Decimal128(10, 3)),
            // No declared scale: the most places of the first batch (0.125).
            ("nn", DataType::Decimal128(38, 3)),
            ("b", DataType::Boolean),
            ("t", DataType::Utf8),
            ("v", DataType::Utf8),
            ("c", DataType::Utf8),
            ("d", DataType::Date32),
            ("ts", DataType::Timestamp(TimeUnit::Microsecond, None)),
            (
                "tz",
                DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
            ),
            ("j", DataType::Utf8),
            ("jb", DataType::Utf8),
            ("u", DataType::Utf8),
            ("ai", item(DataType::Int32)),
            ("at", item(DataType::Utf8)),
            ("an", item(DataType::Decimal128(6, 2))),
        ]
    );
    let col = |name: &str| batch.column_by_name(name).expect("column").clone();
    assert_eq!(col("i2").as_primitive::<Int16Type>().value(0), i16::MIN);
    assert_eq!(col("i4").as_primitive::<Int32Type>().value(0), i32::MAX);
    assert_eq!(col("i8").as_primitive::<Int64Type>().value(0), i64::MIN);
    assert_eq!(col("f4").as_primitive::<Float32Type>().value(0), 1.5);
    assert_eq!(col("f8").as_primitive::<Float64Type>().value(0), 0.1);
    assert_eq!(
        col("n").as_primitive::<Decimal128Type>().value(0),
        1_234_567_891
    );
    let nn = col("nn");
    assert_eq!(nn.as_primitive::<Decimal128Type>().value(0), 12_500);
    assert_eq!(nn.as_primitive::<Decimal128Type>().value(1), 125);
    assert!(col("b").as_boolean().value(0));
    assert_eq!(col("t").as_string::<i32>().value(0), "héllo ✓");
    assert_eq!(col("v").as_string::<i32>().value(0), "abc");
    assert_eq!(col("c").as_string::<i32>().value(0), "ab  ");
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("date");
    let days = |d: NaiveDate| i32::try_from((d - epoch).num_days()).expect("days");
    let d = col("d");
    assert_eq!(
        d.as_primitive::<Date32Type>().value(0),
        days(NaiveDate::from_ymd_opt(2026, 2, 28).expect("date"))
    );
    assert_eq!(d.as_primitive::<Date32Type>().value(1), -1);
    let micros = |s: &str| {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f")
            .expect("a date-time")
            .and_utc()
            .timestamp_micros()
    };
    assert_eq!(
        col("ts")
            .as_primitive::<TimestampMicrosecondType>()
            .value(0),
        micros("2026-03-01 12:34:56.789012")
    );
    assert_eq!(
        col("tz")
            .as_primitive::<TimestampMicrosecondType>()
            .value(0),
        micros("2026-03-01 10:34:56.0"),
        "timestamptz in UTC"
    );
    assert_eq!(col("j").as_string::<i32>().value(0), r#"{"a": 1}"#);
    assert_eq!(col("jb").as_string::<i32>().value(0), r#"{"b": [1, 2]}"#);
    assert_eq!(
        col("u").as_string::<i32>().value(0),
        "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"
    );
    assert_eq!(
        texts(&batches)[0][18..],
        ["[1, , 3]", "[x, y z]", "[1.50, -2.25]"]
    );
    let ai = col("ai");
    let ai = ai.as_list::<i32>();
    assert!(ai.value(0).is_null(1));
    assert_eq!(ai.value(1).len(), 0, "an empty array is an empty list");
    // Row 2: NULL everywhere it was inserted so.
    for name in [
        "i2", "i4", "i8", "f4", "f8", "n", "b", "t", "ts", "tz", "j", "jb", "u", "at", "an",
    ] {
        assert!(col(name).is_null(1), "{name} is NULL");
    }
    admin.close().await;
}

#[tokio::test]
async fn sums_over_the_sample_data_equal_the_local_engine_s() {
    let (pg, _) = connector().await;
    let files = tempfile::tempdir().expect("temp dir");
    flowloom_core::sample_data::write_missing(files.path()).expect("sample");
    let local = LocalEngine::open(files.path()).await.expect("engine");
    let sql = "SELECT campaign_id, sum(spend) AS spend, sum(clicks) AS clicks, count(*) AS days, \
               min(day) AS first_day FROM ad_daily GROUP BY campaign_id ORDER BY campaign_id";
    let on_pg = texts(&run(&pg, &plain(sql)).await.expect("runs on PostgreSQL"));
    let on_files = texts(&run(&local, &plain(sql)).await.expect("runs on files"));
    assert_eq!(on_pg.len(), 120);
    // `sum(bigint)` is numeric on PostgreSQL; the values are equal.
    assert_eq!(on_pg, on_files);
}

#[tokio::test]
async fn every_scalar_type_is_bound_as_its_declared_type() {
    let (pg, cluster) = connector().await;
    let admin = cluster.admin(DATABASE).await;
    admin_exec(&admin, TYPES_TABLE).await;
    admin.close().await;
    let params = [
        spec("i", ScalarType::Integer, false),
        spec("n", ScalarType::Decimal, false),
        spec("b", ScalarType::Boolean, false),
        spec("t", ScalarType::String, false),
        spec("d", ScalarType::Date, false),
        spec("ts", ScalarType::Datetime, false),
        spec("j", ScalarType::Json, false),
    ];
    let datetime = chrono::DateTime::parse_from_rfc3339("2026-03-01T12:34:56+02:00").expect("dt");
    let sql = "SELECT count(*) AS n FROM pg_types WHERE i8 = {{i}} AND n = {{n}} AND b = {{b}} \
               AND t = {{t}} AND d = {{d}} AND tz = {{ts}} AND jb = {{j}}";
    let values = |i: i64| {
        vec![
            ("i", Value::Integer(i)),
            (
                "n",
                Value::Decimal {
                    unscaled: 1_234_567_891,
                    scale: 3,
                },
            ),
            ("b", Value::Boolean(true)),
            ("t", Value::String("héllo ✓".into())),
            (
                "d",
                Value::Date(NaiveDate::from_ymd_opt(2026, 2, 28).expect("date")),
            ),
            ("ts", Value::Datetime(datetime)),
            ("j", Value::Json(r#"{"b":[1,2]}"#.into())),
        ]
    };
    let found = run(&pg, &statement(sql, &params, values(i64::MIN)))
        .await
        .expect("runs");
    assert_eq!(count(&found), 1, "every value matches row 1");
    let missed = run(&pg, &statement(sql, &params, values(0)))
        .await
        .expect("runs");
    assert_eq!(count(&missed), 0);
    // NULL binds SQL NULL, of the declared type.
    let null = statement(
        "SELECT {{d}} IS NULL AS is_null, pg_typeof({{d}})::text AS t",
        &[spec("d", ScalarType::Date, false)],
        vec![("d", Value::Null)],
    );
    assert_eq!(
        texts(&run(&pg, &null).await.expect("runs")),
        [["true", "date"]]
    );
}

#[tokio::test]
async fn a_list_of_100000_values_is_one_array_parameter() {
    let (pg, _) = connector().await;
    let ids: Vec<Value> = (1..=100_000)
        .map(|i| Value::String(format!("O{i:07}")))
        .collect();
    let params = [spec("ids", ScalarType::String, true)];
    let sql = "SELECT count(*) AS n FROM orders WHERE order_id IN ({{ids}})";
    let found = run(
        &pg,
        &statement(sql, &params, vec![("ids", Value::List(ids.clone()))]),
    )
    .await
    .expect("runs");
    assert_eq!(count(&found), 100_000);
    let total = count(
        &run(&pg, &plain("SELECT count(*) AS n FROM orders"))
            .await
            .expect("runs"),
    );
    let not_in = "SELECT count(*) AS n FROM orders WHERE order_id NOT IN ({{ids}})";
    let others = run(
        &pg,
        &statement(not_in, &params, vec![("ids", Value::List(ids))]),
    )
    .await
    .expect("runs");
    assert_eq!(count(&others), total - 100_000);
    // An empty list: IN matches nothing, NOT IN everything.
    let empty = vec![("ids", Value::List(vec![]))];
    assert_eq!(
        count(
            &run(&pg, &statement(sql, &params, empty.clone()))
                .await
                .expect("runs")
        ),
        0
    );
    assert_eq!(
        count(
            &run(&pg, &statement(not_in, &params, empty))
                .await
                .expect("runs")
        ),
        total
    );
    // A for-each node's one value, compared with `=`.
    let one = statement(
        "SELECT count(*) AS n FROM campaigns WHERE campaign_id = {{ids}}",
        &params,
        vec![("ids", Value::List(vec![Value::String("C007".into())]))],
    );
    assert_eq!(count(&run(&pg, &one).await.expect("runs")), 1);
    // Integers too, and a list used as an array directly.
    let ints = [spec("ns", ScalarType::Integer, true)];
    let unnest = statement(
        "SELECT sum(x) AS n FROM unnest({{ns}}) AS x",
        &ints,
        vec![("ns", Value::List((1..=4).map(Value::Integer).collect()))],
    );
    assert_eq!(texts(&run(&pg, &unnest).await.expect("runs")), [["10"]]);
}

#[tokio::test]
async fn an_injection_attempt_is_data_and_changes_nothing() {
    let (pg, cluster) = connector().await;
    let admin = cluster.admin(DATABASE).await;
    admin_exec(
        &admin,
        "CREATE TABLE IF NOT EXISTS pg_names (name text);
         INSERT INTO pg_names SELECT 'Robert''); DROP TABLE campaigns;--'
           WHERE NOT EXISTS (SELECT FROM pg_names);",
    )
    .await;
    let attacks = [
        "x' OR '1'='1",
        "'; DROP TABLE campaigns; --",
        "Robert'); DROP TABLE campaigns;--",
        "$1",
    ];
    let text = [spec("name", ScalarType::String, false)];
    let list = [spec("names", ScalarType::String, true)];
    for attack in attacks {
        let expected = usize::from(attack.starts_with("Robert"));
        let one = statement(
            "SELECT name FROM pg_names WHERE name = {{name}}",
            &text,
            vec![("name", Value::String(attack.into()))],
        );
        let batches = run(&pg, &one).await.expect("runs");
        assert_eq!(rows(&batches), expected, "{attack}");
        let many = statement(
            "SELECT name FROM pg_names WHERE name IN ({{names}})",
            &list,
            vec![("names", Value::List(vec![Value::String(attack.into())]))],
        );
        assert_eq!(
            rows(&run(&pg, &many).await.expect("runs")),
            expected,
            "{attack}"
        );
        // Written as a quoted literal, the analyst's habit: bound the same.
        let quoted = statement(
            "SELECT name FROM pg_names WHERE name = '{{name}}'",
            &text,
            vec![("name", Value::String(attack.into()))],
        );
        assert_eq!(
            rows(&run(&pg, &quoted).await.expect("runs")),
            expected,
            "{attack}"
        );
    }
    let campaigns: i64 = sqlx::query_scalar("SELECT count(*) FROM campaigns")
        .fetch_one(&admin)
        .await
        .expect("campaigns is still there");
    assert_eq!(campaigns, 120);
    admin.close().await;
}

#[tokio::test]
async fn a_server_error_carries_its_sqlstate_and_its_place_in_the_template() {
    let (pg, _) = connector().await;
    let template = "SELECT campaign_id, {{ label }} AS label\nFROM campaigns WHERE nope = 1";
    let params = [spec("label", ScalarType::String, false)];
    let rendered = statement(
        template,
        &params,
        vec![("label", Value::String("x".into()))],
    );
    let err = run(&pg, &rendered).await.expect_err("an unknown column");
    let EngineError::Server {
        sqlstate, position, ..
    } = &err
    else {
        panic!("a server error: {err:?}");
    };
    assert_eq!(sqlstate, "42703");
    let at = position.as_ref().expect("a position").in_template(template);
    let expected = template.find("nope").expect("nope") + 1;
    assert_eq!(at, Some(expected));
    let message = err.locate(template).to_string();
    assert!(message.contains("nope"), "{message}");
    assert!(message.contains("SQLSTATE 42703"), "{message}");
    assert!(
        message.contains(&format!("at character {expected} of the template's SQL")),
        "{message}"
    );
    // A type the connector does not read is named with its column.
    let err = run(&pg, &plain("SELECT 1::money AS cash"))
        .await
        .expect_err("money");
    let message = err.to_string();
    assert!(
        message.contains("`cash`") && message.contains("money"),
        "{message}"
    );
}

#[tokio::test]
async fn a_bad_password_or_a_closed_port_is_a_clear_error_without_the_password() {
    let cluster = pg_cluster::shared().await;
    let wrong = PostgresSettings {
        password: Some("wrong-Secret-42".into()),
        ..cluster.settings(DATABASE)
    };
    let err = run(&PostgresConnector::new(wrong), &plain("SELECT 1"))
        .await
        .expect_err("refused");
    let message = err.to_string();
    assert!(matches!(err, EngineError::Connection { .. }), "{err:?}");
    assert!(
        message.contains(&format!("127.0.0.1:{}", cluster.port)),
        "{message}"
    );
    assert!(message.contains(USER), "{message}");
    assert!(
        message.contains("cannot connect: password authentication failed"),
        "{message}"
    );
    assert!(
        !message.contains("wrong-Secret-42") && !message.contains(PASSWORD),
        "{message}"
    );
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a port")
        .port();
    let nowhere = PostgresSettings {
        port: closed,
        ..cluster.settings(DATABASE)
    };
    let started = Instant::now();
    let err = PostgresConnector::new(nowhere)
        .test_connection()
        .await
        .expect_err("nothing listens");
    let message = err.to_string();
    assert!(
        message.contains(&format!("127.0.0.1:{closed}")),
        "{message}"
    );
    assert!(message.contains("refused"), "{message}");
    assert!(!message.contains(PASSWORD), "{message}");
    assert!(started.elapsed() < Duration::from_secs(5), "fails at once");
    // A host that does not exist (`.invalid` never resolves).
    let unknown = PostgresSettings {
        host: "nohost.invalid".into(),
        ..cluster.settings(DATABASE)
    };
    let err = PostgresConnector::new(unknown)
        .test_connection()
        .await
        .expect_err("no such host");
    let message = err.to_string();
    assert!(matches!(err, EngineError::Connection { .. }), "{err:?}");
    assert!(
        message.contains(&format!("nohost.invalid:{}", cluster.port)),
        "{message}"
    );
    assert!(!message.contains(PASSWORD), "{message}");
}

#[tokio::test]
async fn testing_the_connection_gives_the_version_and_the_latency() {
    let (pg, _) = connector().await;
    let check = pg.test_connection().await.expect("connects");
    assert!(
        check.version.starts_with("PostgreSQL "),
        "{}",
        check.version
    );
    assert!(check.latency < Duration::from_secs(1));
}

/// Whether a backend is still running a query containing `marker`.
pub(crate) async fn running(admin: &PgPool, marker: &str) -> bool {
    let n: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE $1 \
         AND pid <> pg_backend_pid()",
    )
    .bind(format!("%{marker}%"))
    .fetch_one(admin)
    .await
    .expect("pg_stat_activity");
    n > 0
}

/// Waits until `marker`'s query runs (or fails the test after 5 s).
pub(crate) async fn until_running(admin: &PgPool, marker: &str) {
    let started = Instant::now();
    while !running(admin, marker).await {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{marker} never ran"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// How long until no backend runs `marker`'s query; fails past 5 s.
pub(crate) async fn until_stopped(admin: &PgPool, marker: &str) -> Duration {
    let started = Instant::now();
    while running(admin, marker).await {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{marker} still runs"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    started.elapsed()
}

#[tokio::test]
async fn dropping_the_stream_stops_the_query_on_the_server_within_a_second() {
    let (pg, cluster) = connector().await;
    let admin = cluster.admin(DATABASE).await;
    // A query waiting on the server stops. (A `count(*)` over a huge `generate_series`
    // was tried too: the function's rows are written to a temporary file first, and under
    // the load of the whole test suite stopping it took longer than the test waits.)
    for (marker, sql) in [(
        "cancel_sleep_marker",
        "SELECT 1 AS cancel_sleep_marker FROM pg_sleep(60)",
    )] {
        let stream = pg.run(&plain(sql)).await.expect("starts");
        until_running(&admin, marker).await;
        drop(stream);
        let took = until_stopped(&admin, marker).await;
        assert!(
            took < Duration::from_secs(1),
            "{marker} stopped after {took:?}"
        );
    }
    // A node timeout drops the run before its first batch.
    let sql = "SELECT pg_sleep(60)::text || 'x' AS timeout_marker";
    let timed = tokio::time::timeout(Duration::from_millis(300), async {
        let mut stream = pg.run(&plain(sql)).await?;
        stream.batches.next().await.transpose()
    })
    .await;
    assert!(timed.is_err(), "timed out");
    let took = until_stopped(&admin, "timeout_marker").await;
    assert!(took < Duration::from_secs(1), "stopped after {took:?}");
    // The connector still works, on the same pool.
    assert_eq!(
        texts(&run(&pg, &plain("SELECT 1 AS one")).await.expect("runs")),
        [["1"]]
    );
    admin.close().await;
}

#[tokio::test]
async fn the_statement_timeout_stops_a_long_query() {
    let cluster = pg_cluster::shared().await;
    let settings = PostgresSettings {
        statement_timeout: Some(Duration::from_millis(200)),
        ..cluster.settings(DATABASE)
    };
    let started = Instant::now();
    let err = run(
        &PostgresConnector::new(settings),
        &plain("SELECT 1 AS n FROM pg_sleep(10)"),
    )
    .await
    .expect_err("times out");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(err.to_string().contains("statement timeout"), "{err}");
    assert!(err.to_string().contains("57014"), "{err}");
}

#[tokio::test]
async fn a_connection_killed_mid_run_is_a_clear_error_and_the_next_query_works() {
    let (pg, cluster) = connector().await;
    let admin = cluster.admin(DATABASE).await;
    let mut stream = pg
        .run(&plain("SELECT 1 AS killed_marker FROM pg_sleep(60)"))
        .await
        .expect("starts");
    until_running(&admin, "killed_marker").await;
    admin_exec(
        &admin,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE query LIKE '%killed_marker%' AND pid <> pg_backend_pid()",
    )
    .await;
    let err = stream
        .batches
        .next()
        .await
        .expect("an item")
        .expect_err("the connection is gone");
    let message = err.to_string();
    assert!(matches!(err, EngineError::Connection { .. }), "{err:?}");
    assert!(message.contains("the connection was lost"), "{message}");
    assert!(message.contains("terminating connection"), "{message}");
    assert!(!message.contains(PASSWORD));
    drop(stream);
    assert_eq!(
        texts(
            &run(&pg, &plain("SELECT 2 AS two"))
                .await
                .expect("runs again")
        ),
        [["2"]]
    );
    admin.close().await;
}

#[tokio::test]
async fn a_server_restart_is_a_clear_error_then_queries_work_again() {
    let cluster = tokio::task::spawn_blocking(PgCluster::start)
        .await
        .expect("a cluster of its own");
    cluster.create_database("restart_db").await;
    let pg = PostgresConnector::new(cluster.settings("restart_db"));
    assert_eq!(
        texts(&run(&pg, &plain("SELECT 1 AS one")).await.expect("runs")),
        [["1"]]
    );
    let mut stream = pg
        .run(&plain("SELECT 1 AS during_restart FROM pg_sleep(60)"))
        .await
        .expect("starts");
    let cluster = tokio::task::spawn_blocking(move || {
        cluster.stop_server();
        cluster
    })
    .await
    .expect("stops");
    let err = stream
        .batches
        .next()
        .await
        .expect("an item")
        .expect_err("lost");
    assert!(matches!(err, EngineError::Connection { .. }), "{err:?}");
    drop(stream);
    let asked = Instant::now();
    let err = pg.test_connection().await.expect_err("down");
    assert!(asked.elapsed() < Duration::from_secs(5), "says so at once");
    let message = err.to_string();
    assert!(
        message.contains(&format!("127.0.0.1:{}", cluster.port)),
        "{message}"
    );
    assert!(!message.contains(PASSWORD));
    let cluster = tokio::task::spawn_blocking(move || {
        cluster.start_server();
        cluster
    })
    .await
    .expect("starts again");
    assert_eq!(
        texts(
            &run(&pg, &plain("SELECT 3 AS three"))
                .await
                .expect("runs again")
        ),
        [["3"]]
    );
    drop(pg);
    tokio::task::spawn_blocking(move || drop(cluster))
        .await
        .expect("stops");
}

#[tokio::test]
async fn a_statement_that_writes_is_refused_and_writes_nothing() {
    let (pg, cluster) = connector().await;
    let admin = cluster.admin(DATABASE).await;
    admin_exec(
        &admin,
        &format!(
            "CREATE TABLE IF NOT EXISTS pg_scratch (n int);
             ALTER TABLE pg_scratch OWNER TO {USER};
             CREATE OR REPLACE FUNCTION pg_scratch_write() RETURNS int LANGUAGE sql
               AS 'INSERT INTO pg_scratch VALUES (1) RETURNING n';"
        ),
    )
    .await;
    // Refused before they are sent, and by `check` (validation) alike: statements that are
    // not queries, several statements, a CTE that writes, SELECT INTO, row locks.
    for sql in [
        "INSERT INTO pg_scratch VALUES (1)",
        "  /* c */ delete from pg_scratch",
        "DROP TABLE pg_scratch",
        "SET default_transaction_read_only = off",
        "SELECT 1; DELETE FROM pg_scratch",
        "SELECT 1; COMMIT; INSERT INTO pg_scratch VALUES (3)",
        "WITH w AS (INSERT INTO pg_scratch VALUES (1) RETURNING n) SELECT * FROM w",
        "SELECT n INTO TEMP scratch_copy FROM pg_scratch",
        "SELECT n FROM pg_scratch FOR UPDATE",
    ] {
        let err = run(&pg, &plain(sql)).await.expect_err(sql);
        assert!(err.to_string().contains("only reads"), "{sql}: {err}");
        let checked = pg.check(&plain(sql)).await.expect("a problem");
        assert!(
            checked.message().contains("only reads"),
            "{sql}: {checked:?}"
        );
    }
    // A write the text cannot show (a function that writes) meets the READ ONLY transaction.
    let err = run(&pg, &plain("SELECT pg_scratch_write()"))
        .await
        .expect_err("a function that writes");
    let message = err.to_string();
    assert!(message.contains("read-only transaction"), "{message}");
    assert!(message.contains("25006"), "{message}");
    // Turning read-only off lasts only as long as that query's transaction.
    run(
        &pg,
        &plain("SELECT set_config('default_transaction_read_only', 'off', false)"),
    )
    .await
    .expect("runs");
    let err = run(&pg, &plain("SELECT pg_scratch_write()"))
        .await
        .expect_err("still read-only");
    assert!(err.to_string().contains("read-only"), "{err}");
    let written: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_scratch")
        .fetch_one(&admin)
        .await
        .expect("count");
    assert_eq!(written, 0);
    admin.close().await;
}

#[tokio::test]
async fn check_and_output_columns_describe_without_running() {
    let (pg, _) = connector().await;
    for (sql, expected) in [
        ("SELEC 1", "syntax"),
        ("SELECT * FROM no_such_table", "table"),
        ("SELECT no_such_column FROM campaigns", "column"),
        ("SELECT 1 + 'a'::date", "other"),
        ("DELETE FROM campaigns", "other"),
    ] {
        let problem = pg
            .check(&plain(sql))
            .await
            .unwrap_or_else(|| panic!("{sql} has a problem"));
        let kind = match &problem {
            PlanProblem::Syntax(_) => "syntax",
            PlanProblem::UnknownTable(_) => "table",
            PlanProblem::UnknownColumn(_) => "column",
            PlanProblem::Other(_) => "other",
        };
        assert_eq!(kind, expected, "{sql}: {problem:?}");
    }
    let params = [spec("ids", ScalarType::String, true)];
    let fine = statement(
        "SELECT campaign_id, daily_budget, start_date FROM campaigns WHERE campaign_id IN ({{ids}})",
        &params,
        vec![("ids", Value::Null)],
    );
    assert_eq!(pg.check(&fine).await, None);
    // A query that would sleep for a minute is described at once.
    let started = Instant::now();
    let columns = pg
        .output_columns(&plain(
            "SELECT 1 AS s, daily_budget FROM campaigns, pg_sleep(60)",
        ))
        .await
        .expect("described");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(
        columns,
        [
            ("s".to_owned(), DataType::Int32),
            ("daily_budget".to_owned(), DataType::Decimal128(10, 2)),
        ]
    );
    assert_eq!(pg.fingerprint(&fine).await.expect("no error"), None);
}

#[tokio::test]
async fn a_large_result_streams_in_batches_of_a_few_thousand_rows() {
    let (pg, _) = connector().await;
    let total = count(
        &run(&pg, &plain("SELECT count(*) AS n FROM orders"))
            .await
            .expect("runs"),
    );
    let stream = pg
        .run(&plain(
            "SELECT order_id, sales FROM orders ORDER BY order_id",
        ))
        .await
        .expect("starts");
    assert_eq!(
        stream.schema.field(1).data_type(),
        &DataType::Decimal128(12, 2)
    );
    let batches: Vec<RecordBatch> = stream.batches.try_collect().await.expect("streams");
    assert!(batches.len() > 10, "{} batches", batches.len());
    assert!(batches.iter().all(|b| b.num_rows() <= 4_096));
    assert_eq!(i64::try_from(rows(&batches)).expect("rows"), total);
    let sum: i128 = batches
        .iter()
        .flat_map(|b| {
            b.column(1)
                .as_primitive::<Decimal128Type>()
                .values()
                .to_vec()
        })
        .sum();
    let expected: String = {
        let cluster = pg_cluster::shared().await;
        let admin = cluster.admin(DATABASE).await;
        let text = sqlx::query_scalar("SELECT (sum(sales) * 100)::bigint::text FROM orders")
            .fetch_one(&admin)
            .await
            .expect("sum");
        admin.close().await;
        text
    };
    assert_eq!(sum.to_string(), expected);
}

#[tokio::test]
async fn a_numeric_without_a_declared_scale_takes_its_first_batch_s_places() {
    let (pg, _) = connector().await;
    // Past the first batch a value with more places: refused by name, never rounded.
    let sql = "SELECT CASE WHEN g > 5000 THEN 1.125 ELSE 1.5 END AS ratio \
               FROM generate_series(1, 6000) AS g ORDER BY g";
    let err = run(&pg, &plain(sql)).await.expect_err("more places later");
    let message = err.to_string();
    assert!(
        message.contains("`ratio`, row 5001:") && message.contains("numeric(p, s)"),
        "{message}"
    );
    assert!(message.contains("at most 1"), "{message}");
    let cast = "SELECT (CASE WHEN g > 5000 THEN 1.125 ELSE 1.5 END)::numeric(6,3) AS ratio \
                FROM generate_series(1, 6000) AS g ORDER BY g";
    let batches = run(&pg, &plain(cast)).await.expect("runs with the cast");
    // The cast gives every value 3 places (an expression's precision is Arrow's widest).
    assert_eq!(
        batches[0].schema().field(0).data_type(),
        &DataType::Decimal128(38, 3)
    );
    assert_eq!(texts(&batches).last().expect("rows"), &["1.125"]);
}

#[tokio::test]
async fn sslmode_require_encrypts_and_disable_does_not() {
    let cluster = pg_cluster::shared().await;
    let sql = "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()";
    for (mode, encrypted) in [
        (SslMode::Require, "true"),
        (SslMode::Prefer, "true"),
        (SslMode::Disable, "false"),
    ] {
        let settings = PostgresSettings {
            sslmode: mode,
            ..cluster.settings(DATABASE)
        };
        let pg = PostgresConnector::new(settings);
        let batches = run(&pg, &plain(sql)).await.expect("connects");
        assert_eq!(texts(&batches), [[encrypted]], "{mode:?}");
    }
}

#[tokio::test]
async fn verify_modes_trust_only_a_known_authority_and_verify_full_the_host_s_name() {
    let cluster = pg_cluster::shared().await;
    let sql = "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()";
    let connect = |mode: SslMode, host: &str, root: Option<std::path::PathBuf>| {
        let settings = PostgresSettings {
            host: host.to_owned(),
            sslmode: mode,
            ssl_root_cert: root,
            ..cluster.settings(DATABASE)
        };
        async move { run(&PostgresConnector::new(settings), &plain(sql)).await }
    };
    let trusted = Some(cluster.certificate());
    // Trusting the server's certificate: encrypted. The certificate names `localhost`, so
    // verify-full connects by that name and verify-ca by the address too.
    for (mode, host) in [
        (SslMode::VerifyCa, "127.0.0.1"),
        (SslMode::VerifyFull, "localhost"),
    ] {
        let batches = connect(mode, host, trusted.clone())
            .await
            .unwrap_or_else(|e| panic!("{mode:?} to {host}: {e}"));
        assert_eq!(texts(&batches), [["true"]], "{mode:?}");
    }
    // A certificate not naming the host connected to: verify-full refuses it.
    let err = connect(SslMode::VerifyFull, "127.0.0.1", trusted)
        .await
        .expect_err("the certificate names localhost, not 127.0.0.1");
    assert!(err.to_string().contains("certificate"), "{err}");
    // No authority of the system's signed it: both verify modes refuse it, saying why.
    for mode in [SslMode::VerifyCa, SslMode::VerifyFull] {
        let err = connect(mode, "localhost", None)
            .await
            .expect_err("an unknown authority");
        assert!(err.to_string().contains("certificate"), "{mode:?}: {err}");
        assert!(!err.to_string().contains(PASSWORD), "{err}");
    }
}

/// Whether process `pid` is alive.
fn alive(pid: u32) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists()
        && !std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .is_ok_and(|stat| stat.split_whitespace().nth(2) == Some("Z"))
}

#[tokio::test]
async fn a_cluster_stops_when_dropped_or_when_its_test_process_ends() {
    // Dropped (a test that panics drops it too).
    let cluster = tokio::task::spawn_blocking(PgCluster::start)
        .await
        .expect("a cluster");
    let postmaster = cluster.postmaster().expect("running");
    let dir = cluster.dir().to_owned();
    tokio::task::spawn_blocking(move || drop(cluster))
        .await
        .expect("dropped");
    assert!(!alive(postmaster), "the server stopped");
    assert!(!dir.exists(), "its folder is gone");
    // Watched: stopped once the process it watches is gone, however it ended.
    let mut cluster = tokio::task::spawn_blocking(PgCluster::start)
        .await
        .expect("a cluster");
    let postmaster = cluster.postmaster().expect("running");
    let dir = cluster.dir().to_owned();
    let mut process = std::process::Command::new("sleep")
        .arg("0.3")
        .spawn()
        .expect("a process");
    cluster.watch_process(process.id());
    drop(cluster);
    assert!(alive(postmaster), "still running while the process lives");
    process.wait().expect("the process ends");
    let started = Instant::now();
    while alive(postmaster) || dir.exists() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the watchdog stopped the server"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
