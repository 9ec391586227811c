//! The real app window, driven the way a user drives it: Xvfb for a display, tauri-driver
//! in front of WebKitWebDriver, and the built `flowloom-desktop` on a fresh workspace.
//! Screenshots land in `$CARGO_TARGET_TMPDIR/e2e/`. The window and its driver are set up by
//! `harness.rs`, screenshots read off the display by `screen.rs`. Journeys with a file of
//! their own: a flow built on the canvas (`building.rs`); a flow leaving and re-entering as
//! a file (`flow_files.rs`); a long run cancelled (`long_run.rs`); the window answering
//! while heavy queries run (`busy_window.rs`); file commands refusing paths nobody chose
//! (`chosen_files.rs`); closing the window mid-edit (`closing.rs`); a data table defined,
//! filled from a CSV, queried and changed (`data_tables.rs`); a template edited, a gallery
//! flow used and an older version restored, a schedule previewed (`library.rs`); a
//! PostgreSQL source added, tested and run by a flow, on a real server (`sources.rs`, the
//! cluster from `pg_cluster.rs`); the ignored 2,000-node canvas benchmark (`canvas_bench.rs`).

mod building;
mod busy_window;
mod canvas_bench;
mod chosen_files;
mod closing;
mod data_tables;
mod flow_files;
mod harness;
mod library;
mod long_run;
mod screen;
mod sources;
mod webdriver;

use flowloom_core::FlowQuery;
use harness::{App, eventually, in_workspace, screenshots};
use std::time::Duration;

#[test]
fn the_home_screen_lists_the_example_flows_and_opens_one_on_the_canvas() {
    let workspace = tempfile::tempdir().expect("temp workspace");
    let app = App::open(workspace.path());
    let shots = screenshots();

    // Home: the three example flows of a new workspace.
    app.wait_for_texts(
        "[data-testid=flow-name]",
        &[
            "Low CTR review",
            "Product drill-down",
            "Top campaigns deep dive",
        ],
        Duration::from_secs(90),
    );
    assert!(
        workspace.path().join("flowloom.db").is_file(),
        "the app did not use the given workspace"
    );
    app.screenshot(&shots.join("home.png"));

    // A favourite set in the window is stored in the workspace.
    let low_ctr =
        app.find_one("[data-composition-id=comp_low_ctr_review] [data-testid=favorite-toggle]");
    app.click(&low_ctr);
    let store_sees_favourite = || {
        in_workspace(workspace.path(), |store| async move {
            let query = FlowQuery {
                favorites_only: true,
                ..FlowQuery::default()
            };
            let favourites = store.list_flows(&query).await.expect("list favourites");
            favourites
                .iter()
                .any(|f| f.composition_id.as_str() == "comp_low_ctr_review")
        })
    };
    assert!(
        eventually(Duration::from_secs(10), store_sees_favourite),
        "favourite was not stored"
    );

    // Opening a flow shows its nodes, by label, and its connections on the canvas.
    let deep_dive =
        app.find_one("[data-testid=flow-item][data-composition-id=comp_campaign_deep_dive]");
    app.click(&deep_dive);
    let wait = Duration::from_secs(30);
    app.wait_for_texts(
        "[data-testid=flow-title]",
        &["Top campaigns deep dive"],
        wait,
    );
    app.wait_for_texts(
        "[data-testid=node-label]",
        &[
            "Products they sold",
            "Sold by no other campaign",
            "Their daily trend",
            "Top campaigns",
        ],
        wait,
    );
    assert_eq!(
        app.wait_for(".react-flow__edge", 4, Duration::from_secs(10))
            .len(),
        4
    );
    app.wait_for_texts("[data-testid=problems-summary]", &["No problems"], wait);
    app.screenshot(&shots.join("canvas.png"));

    // And back home again.
    app.click(&app.find_one("[data-testid=back]"));
    app.wait_for("[data-testid=flow-item]", 3, Duration::from_secs(10));

    // A template deactivated in the workspace makes the flow invalid: the problems panel
    // names the problem and the node that uses the template wears the error badge.
    in_workspace(workspace.path(), |store| async move {
        sqlx::query(
            "UPDATE query_templates SET is_active = 0 WHERE template_id = 'tpl_campaign_products'",
        )
        .execute(store.pool())
        .await
        .expect("deactivate the template");
    });
    let deep_dive =
        app.find_one("[data-testid=flow-item][data-composition-id=comp_campaign_deep_dive]");
    app.click(&deep_dive);
    app.wait_for_texts("[data-testid=problems-summary]", &["1 error"], wait);
    let problem = app.find_one("[data-testid=problem][data-code=inactive_template]");
    assert!(
        app.text(&problem).contains("tpl_campaign_products"),
        "{}",
        app.text(&problem)
    );
    app.wait_for(
        "[data-testid=canvas-node][data-node-id=their_products][data-severity=error] \
         [data-testid=node-problem-badge]",
        1,
        wait,
    );
    app.screenshot(&shots.join("canvas-problem.png"));

    // A run started with the Run button: the run dialog asks for the global parameters
    // (at their defaults), each node shows its progress live, from the engine's events, and
    // the run is kept in the history.
    app.click(&app.find_one("[data-testid=back]"));
    let low_ctr = app.find_one("[data-testid=flow-item][data-composition-id=comp_low_ctr_review]");
    app.click(&low_ctr);
    app.wait_for_texts("[data-testid=flow-title]", &["Low CTR review"], wait);
    app.click(&app.find_one("[data-testid=run-flow]"));
    app.wait_for("[data-testid=run-parameter]", 2, wait);
    let values = app.execute_async(
        "arguments[arguments.length - 1](Array.from(
           document.querySelectorAll('[data-testid=run-parameter]'),
           (field) => [field.dataset.name, field.value]));",
    );
    assert_eq!(
        values,
        serde_json::json!([["start_date", "2026-06-01"], ["end_date", "2026-06-30"]]),
        "the defaults"
    );
    app.screenshot(&shots.join("run-dialog.png"));
    app.click(&app.find_one("[data-testid=run-submit]"));
    app.wait_for(
        "[data-testid=node-status][data-status=COMPLETED]",
        4,
        Duration::from_secs(60),
    );
    app.wait_for_texts("[data-testid=run-status]", &["Run completed"], wait);
    app.screenshot(&shots.join("canvas-run.png"));

    // Run again: nothing changed, so every node's result is reused, and its chip says so.
    app.click(&app.find_one("[data-testid=run-flow]"));
    app.click(&app.wait_for("[data-testid=run-submit]", 1, wait)[0]);
    assert!(
        eventually(Duration::from_secs(60), || {
            let chips = app.texts("[data-testid=node-status]");
            chips.len() == 4 && chips.iter().all(|c| c.ends_with("· reused"))
        }),
        "{:?}",
        app.texts("[data-testid=node-status]")
    );
    // Selecting a node opens its result from the run on screen in the drawer, with its
    // columns and types; the history lists both runs, and opening the first shows its result.
    app.click(&app.find_one("[data-testid=canvas-node][data-node-id=low_ctr]"));
    app.wait_for_texts("[data-testid=results-title]", &["low_ctr in run 2"], wait);
    assert!(
        eventually(wait, || app.texts("[data-testid=results-count]").len() == 1),
        "the drawer counts its rows"
    );
    assert!(!app.find_all("[data-testid=result-column]").is_empty());
    app.wait_for("[data-testid=history-run]", 2, wait);
    app.click(&app.find_one("[data-testid=history-run][data-run-id='1']"));
    app.wait_for_texts("[data-testid=results-title]", &["low_ctr in run 1"], wait);
    app.screenshot(&shots.join("results.png"));

    // The low-CTR template draws no chart; the return-on-spend one draws a bar per campaign
    // from the rows on the page.
    assert!(app.find_all("[data-testid=results-view-chart]").is_empty());
    app.click(&app.find_one("[data-testid=canvas-node][data-node-id=their_roas]"));
    app.wait_for_texts(
        "[data-testid=results-title]",
        &["their_roas in run 1"],
        wait,
    );
    app.click(&app.wait_for("[data-testid=results-view-chart]", 1, wait)[0]);
    let chart_texts = || {
        app.execute_async(
            "arguments[arguments.length - 1](Array.from(
               document.querySelectorAll('[data-testid=result-chart] svg text'),
               (t) => t.textContent));",
        )
    };
    assert!(
        eventually(wait, || {
            let texts = chart_texts();
            texts.as_array().is_some_and(|t| {
                t.contains(&serde_json::json!("campaign_id"))
                    && t.contains(&serde_json::json!("roas"))
            })
        }),
        "the chart names its axes: {}",
        chart_texts()
    );
    // One tick label per campaign under its bar: the node's 11 rows.
    let campaigns = chart_texts().as_array().map_or(0, |t| {
        t.iter()
            .filter(|text| text.as_str().is_some_and(|s| s.starts_with('C')))
            .count()
    });
    assert_eq!(campaigns, 11, "{}", chart_texts());
    app.screenshot(&shots.join("results-chart.png"));
    app.click(&app.find_one("[data-testid=results-view-table]"));
    app.click(&app.find_one("[data-testid=canvas-node][data-node-id=low_ctr]"));
    app.wait_for_texts("[data-testid=results-title]", &["low_ctr in run 1"], wait);

    let recorded = in_workspace(workspace.path(), |store| async move {
        let runs = store
            .list_runs(Some(&"comp_low_ctr_review".into()))
            .await
            .expect("runs");
        store.get_run(runs[0].run_id).await.expect("run")
    });
    assert_eq!(
        recorded.summary.trigger,
        flowloom_core::model::Trigger::Manual
    );
    assert_eq!(recorded.nodes.len(), 4);
    assert!(
        recorded.nodes.iter().all(|n| n.from_cache),
        "the second run reused"
    );
    assert!(
        recorded
            .nodes
            .iter()
            .all(|n| n.status == flowloom_core::model::NodeStatus::Completed),
        "{recorded:#?}"
    );

    // A node's kept result pages out through the app's command.
    let low = recorded
        .nodes
        .iter()
        .find(|n| n.node_id.as_str() == "low_ctr")
        .expect("the low_ctr node");
    let page = app.execute_async(&format!(
        "const done = arguments[arguments.length - 1];
         window.__TAURI_INTERNALS__
           .invoke('result_page', {{ runId: {}, nodeId: 'low_ctr', offset: 0, limit: 5 }})
           .then((page) => done({{ ok: page }}), (error) => done({{ error }}));",
        recorded.summary.run_id
    ));
    assert_eq!(
        page["ok"]["total_rows"],
        serde_json::json!(low.row_count),
        "{page}"
    );
    let shown = page["ok"]["rows"].as_array().map_or(0, Vec::len) as u64;
    assert_eq!(shown, low.row_count.unwrap_or(0).min(5), "{page}");
    assert!(
        page["ok"]["columns"]
            .as_array()
            .is_some_and(|c| !c.is_empty())
    );

    // The other valid example runs through the command as the page calls it, with a global
    // parameter typed as text and parsed by its type; a value of the wrong type is refused
    // before anything runs.
    let drilldown = app.execute_async(
        "const done = arguments[arguments.length - 1];
         window.__TAURI_INTERNALS__
           .invoke('run_flow', { compositionId: 'comp_product_drilldown',
                                 request: { parameters: { end_date: '2026-06-15' } } })
           .then((summary) => done({ ok: summary }), (error) => done({ error }));",
    );
    assert_eq!(drilldown["ok"]["run"]["status"], "COMPLETED", "{drilldown}");
    assert_eq!(
        drilldown["ok"]["run"]["parameters"]["end_date"], "2026-06-15",
        "{drilldown}"
    );
    let wrong = app.execute_async(
        "const done = arguments[arguments.length - 1];
         window.__TAURI_INTERNALS__
           .invoke('run_flow', { compositionId: 'comp_product_drilldown',
                                 request: { parameters: { end_date: 'soon' } } })
           .then((summary) => done({ ok: summary }), (error) => done({ error }));",
    );
    assert_eq!(wrong["error"]["code"], "invalid_input", "{wrong}");
    assert!(
        wrong["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("end_date")),
        "{wrong}"
    );

    // "Run to here" on the selected source node runs it alone: one status on the canvas, a
    // third run in the history.
    app.click(&app.find_one("[data-testid=run-to-here]"));
    app.wait_for("[data-testid=history-run]", 3, Duration::from_secs(60));
    app.wait_for_texts("[data-testid=run-status]", &["Run completed"], wait);
    assert_eq!(
        app.find_all("[data-testid=node-status]").len(),
        1,
        "only low_ctr ran"
    );
    // Run ids count across the workspace: the product drill-down above was run 3.
    app.wait_for_texts("[data-testid=results-title]", &["low_ctr in run 4"], wait);

    // Running again with the shown run's parameters runs the whole flow (all reused).
    app.click(&app.find_one("[data-testid=rerun]"));
    app.wait_for("[data-testid=history-run]", 4, Duration::from_secs(60));
    app.wait_for(
        "[data-testid=node-status][data-status=COMPLETED]",
        4,
        Duration::from_secs(60),
    );

    // The command refuses a flow with a problem (the deep dive's inactive template), as the
    // page calls it, with the diagnostics attached.
    let refused = app.execute_async(
        "const done = arguments[arguments.length - 1];
         window.__TAURI_INTERNALS__
           .invoke('run_flow', { compositionId: 'comp_campaign_deep_dive', request: {} })
           .then((summary) => done({ ok: summary }), (error) => done({ error }));",
    );
    assert_eq!(refused["error"]["code"], "invalid_flow", "{refused}");
    assert_eq!(
        refused["error"]["details"]["diagnostics"][0]["code"], "inactive_template",
        "{refused}"
    );
    eprintln!("e2e screenshots: {}", shots.display());
}
