//! A PostgreSQL data source added in the window and used: its form filled on the Data sources
//! screen, a typed password refused without a keyring (saying what to do instead, losing
//! nothing), the password read from an environment variable, the connection tested (the
//! server's version and latency) and the source saved; a new template pointed at it, placed
//! from the palette filtered by source, run in a flow, and its rows read in the drawer and
//! checked against the server.

use super::harness::{App, eventually, in_workspace, screenshots};
use crate::pg_cluster::{self, DATABASE, PASSWORD, USER};
use flowloom_core::model::{NodeStatus, SourceConfig};
use flowloom_core::sources::secrets;
use flowloom_core::{SourceId, TemplateId};
use std::path::Path;
use std::time::Duration;

/// The environment variable the app is started with, holding the role's password.
const PASSWORD_VAR: &str = "SAMPLE_WAREHOUSE_PW";
/// The source's name in the form, and the id made from it.
const NAME: &str = "Sample warehouse";
const SOURCE_ID: &str = "src_sample_warehouse";

/// The template's SQL: orders and sales per channel, read from the sample dataset's tables.
fn orders_by_channel_sql() -> String {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sources/orders-by-channel.sql");
    std::fs::read_to_string(path)
        .expect("the SQL fixture")
        .trim()
        .to_owned()
}

/// Whether this machine has a keyring the app can keep a password in (a Secret Service on
/// Linux; a headless machine usually has none), asked with an entry of the test's own.
fn keyring_works() -> bool {
    let probe = serde_json::from_value(serde_json::json!({
        "host": "keyring-probe.invalid", "port": 1, "database": "probe", "user": "probe",
    }))
    .expect("a login");
    let works = secrets::keep_password(&probe, "probe").is_ok();
    secrets::forget_password(&probe);
    works
}

/// The values of the form's inputs `fields` (`source-…` test ids), as the page holds them.
fn form_values(app: &App, fields: &[&str]) -> Vec<String> {
    let ids = serde_json::to_string(fields).expect("json");
    let values = app.execute_async(&format!(
        "arguments[arguments.length - 1]({ids}.map((id) =>
           document.querySelector(`[data-testid=source-${{id}}]`)?.value ?? null));"
    ));
    serde_json::from_value(values).expect("every field is on the form")
}

#[test]
fn a_postgresql_source_is_added_tested_and_run_by_a_flow_in_the_window() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let cluster = runtime.block_on(pg_cluster::shared());
    let port = cluster.port.to_string();
    let workspace = tempfile::tempdir().expect("temp workspace");
    let app = App::open_with_env(workspace.path(), &[(PASSWORD_VAR, PASSWORD)]);
    let shots = screenshots();
    let wait = Duration::from_secs(30);
    app.wait_for("[data-testid=flow-item]", 3, Duration::from_secs(90));

    // The Data sources screen lists this computer alone; a new source's form is filled in.
    app.click(&app.find_one("[data-testid=open-sources]"));
    app.wait_for(
        "[data-testid=source-row][data-source-id=src_local]",
        1,
        wait,
    );
    assert_eq!(app.find_all("[data-testid=source-row]").len(), 1);
    app.click(&app.find_one("[data-testid=new-source]"));
    app.wait_for("form [data-testid=source-name]", 1, wait);
    let fields = ["name", "host", "port", "database", "user"];
    let typed = [NAME, "127.0.0.1", port.as_str(), DATABASE, USER];
    for (field, value) in fields.iter().zip(typed) {
        app.paste_into(&format!("[data-testid=source-{field}]"), value);
    }

    // A typed password is the form's first choice. It needs a keyring to be kept in: without
    // one, saving says so and names the other two ways, and nothing typed is lost.
    app.click(&app.find_one("[data-testid=source-password-keyring]"));
    app.paste_into("[data-testid=source-password]", PASSWORD);
    app.click(&app.find_one("[data-testid=source-save]"));
    let stored_sources = || {
        in_workspace(workspace.path(), |store| async move {
            store.list_sources().await.expect("sources")
        })
    };
    if keyring_works() {
        app.wait_for("[data-testid=source-saved]", 1, wait);
        app.wait_for(
            &format!("[data-testid=source-row][data-source-id={SOURCE_ID}]"),
            1,
            wait,
        );
    } else {
        let refusal = app.wait_for(".source-editor [data-testid=error]", 1, wait);
        let said = app.text(&refusal[0]);
        assert!(
            said.starts_with("Could not save this source")
                && said.contains("no keyring")
                && said.contains("“An environment variable”")
                && said.contains("PGPASSFILE"),
            "the refusal says why and names the other ways: {said:?}"
        );
        assert!(
            !said.contains(SOURCE_ID),
            "the refusal names no id the user never saw: {said:?}"
        );
        assert_eq!(
            app.attribute(&refusal[0], "data-error-code").as_deref(),
            Some("source_unavailable")
        );
        app.screenshot(&shots.join("source-no-keyring.png"));
        assert_eq!(
            form_values(&app, &[&fields[..], &["password"]].concat()),
            [&typed[..], &[PASSWORD]].concat(),
            "the form keeps what was typed"
        );
        let stored = stored_sources();
        assert!(
            stored
                .iter()
                .all(|s| s.source.source_id.as_str() == "src_local"),
            "nothing was saved: {stored:?}"
        );
        assert_eq!(app.find_all("[data-testid=source-row]").len(), 1);
    }

    // The password from the environment variable instead: Test connection reaches the
    // server (its version, as the server gives it, and the round trip's time).
    app.click(&app.find_one("[data-testid=source-password-env]"));
    app.paste_into("[data-testid=source-passwordEnv]", PASSWORD_VAR);
    app.click(&app.find_one("[data-testid=source-test]"));
    let check = app.wait_for("[data-testid=source-check]", 1, wait);
    let said = app.text(&check[0]);
    let version: String = runtime.block_on(async {
        let admin = cluster.admin(DATABASE).await;
        sqlx::query_scalar("SELECT version()")
            .fetch_one(&admin)
            .await
            .expect("the server's version")
    });
    let latency = said
        .strip_prefix(&format!("Connected: {version}, "))
        .and_then(|rest| rest.strip_suffix(" ms"))
        .and_then(|ms| ms.parse::<f64>().ok());
    assert!(
        latency.is_some_and(|ms| ms >= 0.0),
        "the check shows the version and latency: {said:?}"
    );

    // Saved, it is listed with where it is and no template on it yet; the password's
    // variable, not the password, is stored.
    app.click(&app.find_one("[data-testid=source-save]"));
    let row = format!("[data-testid=source-row][data-source-id={SOURCE_ID}]");
    let password_env = || {
        stored_sources()
            .into_iter()
            .find(|s| s.source.source_id.as_str() == SOURCE_ID)
            .and_then(|s| match s.source.config {
                SourceConfig::Postgres(pg) => pg.password_env,
                SourceConfig::Local => None,
            })
    };
    assert!(
        eventually(wait, || password_env().as_deref() == Some(PASSWORD_VAR)),
        "the source is stored reading {PASSWORD_VAR}: {:?}",
        stored_sources()
    );
    app.wait_for("[data-testid=source-saved]", 1, wait);
    app.wait_for_texts(
        &format!("{row} [data-testid=source-where]"),
        &[&format!("{USER}@127.0.0.1:{port}/{DATABASE}")],
        wait,
    );
    app.wait_for_texts(
        &format!("{row} [data-testid=source-templates]"),
        &["0 templates"],
        wait,
    );
    assert_eq!(app.find_all("[data-testid=source-row]").len(), 2);
    // Tested again as saved, for the picture: the list, the form, the check.
    app.click(&app.find_one("[data-testid=source-test]"));
    app.wait_for("[data-testid=source-check][data-outcome=ok]", 1, wait);
    app.screenshot(&shots.join("sources.png"));

    // A new template runs on the source: picked in the editor, its SQL reads the sample
    // tables on the server, a test run shows their rows, and it is saved.
    app.click(&app.find_one("[data-testid=sources-home]"));
    app.click(&app.wait_for("[data-testid=open-templates]", 1, wait)[0]);
    app.click(&app.wait_for("[data-testid=new-template]", 1, wait)[0]);
    app.wait_for("[data-testid=template-name]", 1, wait);
    app.paste_into("[data-testid=template-name]", "Orders by channel");
    app.click(
        &app.wait_for(
            &format!("[data-testid=template-source] option[value={SOURCE_ID}]"),
            1,
            wait,
        )[0],
    );
    let sql = orders_by_channel_sql();
    let editor = "[data-testid=template-sql-input]";
    app.click(&app.wait_for(editor, 1, wait)[0]);
    app.ctrl("a");
    app.paste_text(editor, &sql);
    assert!(
        eventually(wait, || app
            .attribute(&app.find_one("[data-testid=template-sql]"), "data-sql")
            .is_some_and(|s| s.trim() == sql)),
        "the editor holds the SQL: {:?}",
        app.attribute(&app.find_one("[data-testid=template-sql]"), "data-sql")
    );
    let expected: Vec<(String, i64, String)> = runtime.block_on(async {
        let admin = cluster.admin(DATABASE).await;
        sqlx::query_as(
            "SELECT c.channel, count(o.order_id)::bigint, sum(o.sales)::text
             FROM campaigns c JOIN orders o USING (campaign_id)
             GROUP BY c.channel ORDER BY c.channel",
        )
        .fetch_all(&admin)
        .await
        .expect("orders by channel, asked of the server")
    });
    assert!(!expected.is_empty(), "the sample has orders");
    app.click(&app.find_one("[data-testid=template-test-run]"));
    app.wait_for("[data-testid=test-run-row]", expected.len(), wait);
    app.click(&app.wait_for("[data-testid=infer-output-columns]", 1, wait)[0]);
    app.wait_for("[data-testid=output-column]", 3, wait);
    app.click(&app.find_one("[data-testid=template-save]"));
    app.wait_for("[data-testid=template-version][data-version='1']", 1, wait);
    let template = in_workspace(workspace.path(), |store| async move {
        store
            .get_template(&TemplateId::from("tpl_orders_by_channel"))
            .await
            .expect("the new template")
            .template
    });
    assert_eq!(template.source_id, SourceId::from(SOURCE_ID));
    assert_eq!(template.sql.trim(), sql);

    // A new flow: the palette filtered by the source shows the template alone; placed, its
    // node wears the source's badge.
    app.click(&app.find_one("[data-testid=templates-home]"));
    app.click(&app.wait_for("[data-testid=new-flow]", 1, wait)[0]);
    app.wait_for("[data-testid=name-input]", 1, wait);
    app.paste_into("[data-testid=name-input]", "Warehouse orders");
    app.click(&app.find_one("[data-testid=name-submit]"));
    app.wait_for_texts("[data-testid=flow-title]", &["Warehouse orders"], wait);
    app.click(
        &app.wait_for(
            &format!("[data-testid=palette-source] option[value={SOURCE_ID}]"),
            1,
            wait,
        )[0],
    );
    assert!(
        eventually(wait, || app.find_all("[data-testid=palette-item]").len()
            == 1),
        "the filter keeps one template: {:?}",
        app.texts("[data-testid=palette-item]")
    );
    app.click(&app.find_one(
        "[data-testid=palette-item][data-template-id=tpl_orders_by_channel] \
         [data-testid=palette-add]",
    ));
    let node = "[data-testid=canvas-node][data-node-id=orders_by_channel]";
    app.wait_for_texts(
        &format!("{node} [data-testid=node-source-badge]"),
        &[NAME],
        wait,
    );
    app.wait_for_texts("[data-testid=problems-summary]", &["No problems"], wait);

    // Run: with no global parameters it runs at once; the node's rows in the drawer are the
    // server's, channel by channel.
    app.click(&app.find_one("[data-testid=run-flow]"));
    app.wait_for(
        &format!("{node} [data-testid=node-status][data-status=COMPLETED]"),
        1,
        Duration::from_secs(60),
    );
    app.click(&app.find_one(&format!("{node} [data-testid=node-label]")));
    app.wait_for_texts(
        "[data-testid=results-title]",
        &["orders_by_channel in run 1"],
        wait,
    );
    app.wait_for("[data-testid=result-row]", expected.len(), wait);
    let shown = app.execute_async(
        "arguments[arguments.length - 1](Array.from(
           document.querySelectorAll('[data-testid=results-drawer] [data-testid=result-row]'),
           (row) => Array.from(row.querySelectorAll('[role=cell]'), (cell) => cell.innerText.trim())));",
    );
    let digits = |text: &str| text.replace(',', "");
    let shown: Vec<(String, i64, String)> = serde_json::from_value::<Vec<Vec<String>>>(shown)
        .expect("rows of cells")
        .into_iter()
        .map(|cells| match cells.as_slice() {
            [channel, orders, sales] => (
                channel.clone(),
                digits(orders).parse().expect("a count"),
                digits(sales),
            ),
            other => panic!("a row of three cells, not {other:?}"),
        })
        .collect();
    assert_eq!(shown, expected, "the drawer shows what the server counts");
    app.screenshot(&shots.join("source-run.png"));

    let run = in_workspace(workspace.path(), |store| async move {
        let runs = store
            .list_runs(Some(&"comp_warehouse_orders".into()))
            .await
            .expect("runs");
        store.get_run(runs[0].run_id).await.expect("the run")
    });
    assert_eq!(run.nodes[0].status, NodeStatus::Completed, "{run:#?}");
    assert_eq!(run.nodes[0].row_count, Some(expected.len() as u64));
}
