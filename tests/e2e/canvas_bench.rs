//! The canvas with a large flow in the real window, measured (a benchmark: ignored by
//! default, it prints figures and asserts nothing about time).

use super::harness::{App, in_workspace};
use std::time::Duration;

/// The canvas with 2,000 nodes in the real window: how long opening the flow takes until
/// its first nodes are painted, the frame rate while zooming with the wheel, and how long
/// deleting a node takes to show. A benchmark, not a test: it prints figures and asserts nothing about time.
/// `cargo test --test tests -- --ignored --nocapture canvas_with_2000_nodes`
#[test]
#[ignore = "benchmark: run with --ignored --nocapture"]
fn canvas_with_2000_nodes() {
    let workspace = tempfile::tempdir().expect("temp workspace");
    in_workspace(workspace.path(), |store| async move {
        store
            .save_flow(&big_flow(50, 40))
            .await
            .expect("store the big flow");
    });
    let app = App::open(workspace.path());
    app.wait_for(
        "[data-testid=flow-item][data-composition-id=comp_big]",
        1,
        Duration::from_secs(90),
    );

    let measure = |script: &str| app.execute_async(script)["ms"].as_f64().unwrap_or(f64::NAN);
    let open_ms = measure(
        "const done = arguments[arguments.length - 1];
         const t0 = performance.now();
         document.querySelector('[data-testid=flow-item][data-composition-id=comp_big]').click();
         const wait = () => document.querySelectorAll('[data-testid=canvas-node]').length > 0
           ? requestAnimationFrame(() => done({ ms: performance.now() - t0 }))
           : requestAnimationFrame(wait);
         wait();",
    );
    println!("canvas, 2,000 nodes: open to first paint {open_ms:.0} ms");

    app.execute_async(
        "window.__frames = 0;
         const tick = () => { window.__frames++; if (window.__counting) requestAnimationFrame(tick); };
         window.__counting = true; window.__t0 = performance.now(); requestAnimationFrame(tick);
         arguments[arguments.length - 1](null);",
    );
    let pane = app.find_one("[data-testid=canvas]");
    app.wheel(&pane, 20, 2_000, -120);
    let fps = app.execute_async(
        "window.__counting = false;
         arguments[arguments.length - 1]({ fps: window.__frames * 1000 / (performance.now() - window.__t0) });",
    )["fps"]
        .as_f64()
        .unwrap_or(f64::NAN);

    println!("canvas, 2,000 nodes: zooming {fps:.1} fps");
    // Select a node wholly in view, then delete it.
    app.settle();
    let in_view = app.execute_async(
        "const canvas = document.querySelector('[data-testid=canvas]').getBoundingClientRect();
         const inView = [...document.querySelectorAll('[data-testid=canvas-node]')].find((n) => {
           const r = n.getBoundingClientRect();
           return r.left > canvas.left && r.right < canvas.right && r.top > canvas.top && r.bottom < canvas.bottom;
         });
         arguments[arguments.length - 1](inView.dataset.nodeId);",
    );
    let in_view = in_view.as_str().expect("a node in view");
    app.click(&app.find_one(&format!(
        "[data-testid=canvas-node][data-node-id={in_view}] [data-testid=node-label]"
    )));
    app.wait_for(".react-flow__node.selected", 1, Duration::from_secs(10));
    // A real key press; the page's clock starts just before it and stops once the node
    // has left the DOM and a frame has been painted.
    app.execute_async("window.__t0 = performance.now(); arguments[arguments.length - 1](null);");
    app.press("\u{E017}");
    let edit_ms = measure(&format!(
        "const done = arguments[arguments.length - 1];
         const wait = () => document.querySelector('[data-testid=canvas-node][data-node-id={in_view}]')
           ? requestAnimationFrame(wait)
           : requestAnimationFrame(() => done({{ ms: performance.now() - window.__t0 }}));
         wait();"
    ));
    println!(
        "canvas, 2,000 nodes: open to first paint {open_ms:.0} ms; zooming {fps:.1} fps; \
         delete a node to painted {edit_ms:.0} ms"
    );
}

/// A grid of `columns` × `rows` nodes: each row a chain from a source on the left.
fn big_flow(columns: usize, rows: usize) -> flowloom_core::Flow {
    let mut nodes = Vec::new();
    let mut connections = Vec::new();
    for c in 0..columns {
        for r in 0..rows {
            let template = if c == 0 {
                "tpl_top_campaigns_by_spend"
            } else {
                "tpl_campaign_roas"
            };
            nodes.push(serde_json::json!({
                "node_id": format!("n_{c}_{r}"), "template_id": template,
                "position": { "x": c as f64 * 320.0, "y": r as f64 * 200.0 }
            }));
            if c > 0 {
                connections.push(serde_json::json!({
                    "connection_id": format!("c_{c}_{r}"),
                    "source_node_id": format!("n_{}_{r}", c - 1),
                    "target_node_id": format!("n_{c}_{r}"),
                    "field_mappings": { "campaign_ids": "campaign_id" },
                    "transformation_rules": { "campaign_ids": "distinct_list" }
                }));
            }
        }
    }
    serde_json::from_value(serde_json::json!({
        "composition": { "composition_id": "comp_big", "name": "Big flow" },
        "nodes": nodes,
        "connections": connections
    }))
    .expect("the big flow")
}
