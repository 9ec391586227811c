//! Writing a template against its source: its output columns without running it (planned
//! on the local engine, prepared on PostgreSQL) are the columns a test run returns, on every
//! starter template; SQL that does not plan and a server that cannot be reached are said
//! plainly; and the tables a PostgreSQL source lists are the sample tables with the types
//! a run reads, named as the SQL writes them.

use crate::pg_cluster::{self, DATABASE, USER};
use crate::support::sample_workspace;
use flowloom_core::ScalarType;
use flowloom_core::authoring::{self, TestRunError};
use flowloom_core::engine::arrow::datatypes::{DataType, Schema};
use flowloom_core::engine::postgres::{PostgresConnector, PostgresSettings};
use flowloom_core::engine::{Connector, EngineError, TableKind, TableShape};
use flowloom_core::model::{OutputColumn, Template, TemplateKind};
use flowloom_core::render;
use flowloom_core::value::Value;
use serde_json::{Value as Json, json};
use std::collections::BTreeMap;

async fn postgres() -> PostgresConnector {
    PostgresConnector::new(pg_cluster::shared().await.settings(DATABASE))
}

fn template(sql: &str, parameters: Json) -> Template {
    serde_json::from_value(json!({
        "template_id": "tpl_t", "name": "T", "sql": sql, "parameters": parameters
    }))
    .expect("template")
}

/// Sample values a test run needs: the starters' lists want campaign or product ids.
fn samples(template: &Template) -> BTreeMap<String, Json> {
    template
        .parameters
        .iter()
        .filter(|p| p.default.is_none())
        .map(|p| {
            let value = if p.name.starts_with("product") {
                json!(["P001", "P002"])
            } else {
                json!(["C001", "C002"])
            };
            (p.name.clone(), value)
        })
        .collect()
}

fn shown(columns: &[OutputColumn]) -> Vec<String> {
    columns
        .iter()
        .map(|c| {
            format!(
                "{} {}",
                c.name,
                serde_json::to_value(c.value_type).expect("a type")
            )
        })
        .collect()
}

#[tokio::test]
async fn every_starter_template_s_columns_without_running_are_its_test_run_s_on_both_sources() {
    let (workspace, local, _catalog, _dir) = sample_workspace().await;
    let pg = postgres().await;
    let starters: Vec<Template> = workspace
        .store()
        .list_templates()
        .await
        .expect("templates")
        .into_iter()
        .map(|d| d.template)
        .filter(|t| t.kind == TemplateKind::Sql)
        .collect();
    assert!(starters.len() >= 10, "{} starters", starters.len());
    let engines: [(&str, &dyn Connector); 2] =
        [("local files", local.as_ref()), ("PostgreSQL", &pg)];
    for template in &starters {
        let id = &template.template_id;
        for (name, engine) in engines {
            // No sample values: the columns do not depend on them.
            let described = authoring::output_columns(engine, template, &BTreeMap::new())
                .await
                .unwrap_or_else(|e| panic!("{id} on {name}: {e}"));
            let run = authoring::test_run(engine, template, &samples(template), 5)
                .await
                .unwrap_or_else(|e| panic!("{id} on {name}: {e}"));
            assert_eq!(
                shown(&described),
                shown(&run.columns),
                "{id} on {name}: described, then run"
            );
            // The starters declare what the local engine returns (PostgreSQL's `sum` of a
            // bigint is a numeric: `decimal` there).
            if name == "local files" {
                let declared = template.output_columns.as_deref().expect("declared");
                assert_eq!(shown(&described), shown(declared), "{id} on {name}");
            }
        }
    }
}

#[tokio::test]
async fn the_local_engine_describes_a_statement_with_the_types_a_run_gives() {
    let (_workspace, local, _catalog, _dir) = sample_workspace().await;
    let parameters = json!([{ "name": "since", "type": "date" },
                            { "name": "ids", "type": "string", "list": true }]);
    for sql in [
        "SELECT campaign_id, sum(spend) AS spend, count(*) AS days, min(day) AS first_day \
         FROM ad_daily WHERE day >= {{since}} AND campaign_id IN ({{ids}}) GROUP BY campaign_id",
        "SELECT c.channel, avg(a.clicks) AS clicks, max(a.spend) / 2 AS half \
         FROM ad_daily a JOIN campaigns c USING (campaign_id) GROUP BY c.channel",
        "SELECT o.*, p.unit_price * o.quantity AS list_price FROM orders o \
         JOIN products p USING (product_id)",
    ] {
        let t = template(sql, parameters.clone());
        let values = BTreeMap::from([
            ("since".to_owned(), json!("2026-06-01")),
            ("ids".to_owned(), json!(["C001"])),
        ]);
        let typed = BTreeMap::from([
            (
                "since".to_owned(),
                Value::from_json(ScalarType::Date, false, &values["since"]).expect("a date"),
            ),
            (
                "ids".to_owned(),
                Value::from_json(ScalarType::String, true, &values["ids"]).expect("a list"),
            ),
        ]);
        let statement = render::render(&t.sql, &t.parameters, &typed).expect("renders");
        let described = local.describe(&statement).await.expect("described");
        let ran = local.run(&statement).await.expect("runs").schema;
        let fields = |schema: &Schema| -> Vec<(String, DataType)> {
            schema
                .fields()
                .iter()
                .map(|f| (f.name().clone(), f.data_type().clone()))
                .collect()
        };
        assert_eq!(fields(&described), fields(&ran), "{sql}");
        let run = authoring::test_run(local.as_ref(), &t, &values, 1)
            .await
            .expect("a test run");
        let columns = authoring::output_columns(local.as_ref(), &t, &values)
            .await
            .expect("columns");
        assert_eq!(shown(&columns), shown(&run.columns), "{sql}");
    }
}

#[tokio::test]
async fn a_query_that_would_fail_when_run_is_described_without_running() {
    let pg = postgres().await;
    // Dividing by zero fails the moment a row is read: a description reads none.
    let t = template(
        "SELECT campaign_id, daily_budget / 0 AS per_nothing, start_date FROM campaigns \
         WHERE channel <> {{channel}}",
        json!([{ "name": "channel", "type": "string", "required": true }]),
    );
    let values = BTreeMap::from([("channel".to_owned(), json!("none"))]);
    let run = authoring::test_run(&pg, &t, &values, 5)
        .await
        .expect_err("dividing by zero");
    assert!(run.to_string().contains("division by zero"), "{run}");
    let columns = authoring::output_columns(&pg, &t, &BTreeMap::new())
        .await
        .expect("described, the required value missing");
    assert_eq!(
        shown(&columns),
        [
            "campaign_id \"string\"",
            "per_nothing \"decimal\"",
            "start_date \"date\""
        ]
    );
    // On the local engine too.
    let (_workspace, local, _catalog, _dir) = sample_workspace().await;
    let t = template(
        "SELECT campaign_id, CAST(campaign_name AS INT) AS not_a_number FROM campaigns",
        json!([]),
    );
    authoring::test_run(local.as_ref(), &t, &BTreeMap::new(), 5)
        .await
        .expect_err("a name is not a number");
    let columns = authoring::output_columns(local.as_ref(), &t, &BTreeMap::new())
        .await
        .expect("described");
    assert_eq!(
        shown(&columns),
        ["campaign_id \"string\"", "not_a_number \"integer\""]
    );
}

#[tokio::test]
async fn sql_that_does_not_plan_or_a_server_out_of_reach_is_said_plainly() {
    let (_workspace, local, _catalog, _dir) = sample_workspace().await;
    let pg = postgres().await;
    let t = template("SELECT campaign_id, budget FROM campaigns", json!([]));
    let err = authoring::output_columns(local.as_ref(), &t, &BTreeMap::new())
        .await
        .expect_err("no column budget");
    assert!(err.to_string().contains("budget"), "{err}");
    let err = authoring::output_columns(&pg, &t, &BTreeMap::new())
        .await
        .expect_err("no column budget");
    let message = err.to_string();
    assert!(
        message.contains("column \"budget\" does not exist") && message.contains("42703"),
        "{message}"
    );
    let bad = template("SELECT {{n}}", json!([{ "name": "n", "type": "integer" }]));
    let values = BTreeMap::from([("n".to_owned(), json!("many"))]);
    let err = authoring::output_columns(&pg, &bad, &values)
        .await
        .expect_err("not an integer");
    assert_eq!(err.parameter(), Some("n"), "{err}");
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a port")
        .port();
    let nowhere = PostgresConnector::new(PostgresSettings {
        port: closed,
        ..pg_cluster::shared().await.settings(DATABASE)
    });
    let err = authoring::output_columns(&nowhere, &t, &BTreeMap::new())
        .await
        .expect_err("nothing listens");
    assert!(
        matches!(err, TestRunError::Engine(EngineError::Connection { .. })),
        "{err:?}"
    );
    assert!(
        err.to_string().contains(&format!("127.0.0.1:{closed}")),
        "{err}"
    );
    let err = nowhere.shapes().await.expect_err("nothing listens");
    assert!(matches!(err, EngineError::Connection { .. }), "{err:?}");
}

fn table<'a>(shapes: &'a [TableShape], name: &str) -> &'a TableShape {
    shapes.iter().find(|s| s.name == name).unwrap_or_else(|| {
        let names: Vec<&str> = shapes.iter().map(|s| s.name.as_str()).collect();
        panic!("no table `{name}` among {names:?}")
    })
}

fn columns(shape: &TableShape) -> Vec<String> {
    shape
        .columns
        .iter()
        .map(|c| format!("{} {}", c.name, c.type_name))
        .collect()
}

#[tokio::test]
async fn a_postgres_source_lists_its_tables_with_their_columns_named_as_the_sql_writes_them() {
    let cluster = pg_cluster::shared().await;
    let admin = cluster.admin(DATABASE).await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "CREATE SCHEMA IF NOT EXISTS reporting; \
         CREATE TABLE IF NOT EXISTS reporting.orders (order_id text, total numeric, took interval); \
         CREATE OR REPLACE VIEW reporting.spend_by_channel AS \
           SELECT c.channel, sum(a.spend) AS spend, array_agg(a.day) AS days \
           FROM public.ad_daily a JOIN public.campaigns c USING (campaign_id) GROUP BY c.channel; \
         CREATE TABLE IF NOT EXISTS public.\"Campaign Notes\" (campaign_id text, note text); \
         CREATE SCHEMA IF NOT EXISTS secret; \
         CREATE TABLE IF NOT EXISTS secret.salaries (who text, pay numeric(10,2)); \
         GRANT USAGE ON SCHEMA reporting TO {USER}; \
         GRANT SELECT ON ALL TABLES IN SCHEMA reporting TO {USER}; \
         GRANT SELECT ON public.\"Campaign Notes\" TO {USER};"
    )))
    .execute(&admin)
    .await
    .expect("set up the schemas");
    admin.close().await;

    // No search path set: every schema but the system's, bare names for `public`'s.
    let shapes = postgres().await.shapes().await.expect("the tables");
    let campaigns = table(&shapes, "campaigns");
    assert_eq!(campaigns.kind, TableKind::Table);
    assert_eq!(
        columns(campaigns),
        [
            "campaign_id text",
            "campaign_name text",
            "channel text",
            "objective text",
            "start_date date",
            "daily_budget decimal(10,2)",
        ]
    );
    assert_eq!(
        columns(table(&shapes, "orders")),
        [
            "order_id text",
            "day date",
            "campaign_id text",
            "product_id text",
            "quantity integer",
            "sales decimal(12,2)",
        ]
    );
    for sample in ["calendar", "products", "ad_daily"] {
        assert!(!table(&shapes, sample).columns.is_empty(), "{sample}");
    }
    let view = table(&shapes, "reporting.spend_by_channel");
    assert_eq!(view.kind, TableKind::View);
    assert_eq!(
        columns(view),
        ["channel text", "spend decimal", "days list of date"]
    );
    let other = table(&shapes, "reporting.orders");
    assert_eq!(
        columns(other),
        [
            "order_id text",
            "total decimal",
            "took interval (not read: cast it in the SQL, e.g. to text)",
        ]
    );
    assert_eq!(
        columns(table(&shapes, "\"Campaign Notes\"")),
        ["campaign_id text", "note text"]
    );
    // Nothing of the system's, nothing the user may not read.
    let names: Vec<&str> = shapes.iter().map(|s| s.name.as_str()).collect();
    assert!(
        names.iter().all(|n| !n.starts_with("pg_catalog.")
            && !n.starts_with("information_schema.")
            && !n.starts_with("secret.")
            && *n != "pg_class"
            && *n != "tables"),
        "{names:?}"
    );
    // Every name listed is one the SQL can read as written.
    let pg = postgres().await;
    for name in names {
        let t = template(&format!("SELECT 1 AS one FROM {name} LIMIT 0"), json!([]));
        authoring::output_columns(&pg, &t, &BTreeMap::new())
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }

    // A search path: its schemas only, the first of a name bare and the other qualified.
    let on_path = PostgresConnector::new(PostgresSettings {
        search_path: Some("reporting, public".to_owned()),
        ..cluster.settings(DATABASE)
    });
    let shapes = on_path.shapes().await.expect("the tables");
    let names: Vec<&str> = shapes.iter().map(|s| s.name.as_str()).collect();
    for expected in [
        "\"Campaign Notes\"",
        "ad_daily",
        "calendar",
        "campaigns",
        "orders",
        "products",
        "public.orders",
        "spend_by_channel",
    ] {
        assert!(names.contains(&expected), "{expected} in {names:?}");
    }
    // Other tests of this binary make tables in `public` too: every name is bare or in it.
    assert!(
        names
            .iter()
            .all(|n| !n.contains('.') || n.starts_with("public.")),
        "{names:?}"
    );
    assert!(names.is_sorted(), "{names:?}");
    assert_eq!(
        columns(table(&shapes, "orders"))[0..2],
        ["order_id text", "total decimal"]
    );
    assert_eq!(columns(table(&shapes, "public.orders")).len(), 6);
    let t = template("SELECT * FROM public.orders LIMIT 0", json!([]));
    let read = authoring::output_columns(&on_path, &t, &BTreeMap::new())
        .await
        .expect("public.orders reads");
    assert_eq!(read.len(), 6);
}
