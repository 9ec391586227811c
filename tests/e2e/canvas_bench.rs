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

    // FLOWLOOM_BENCH_TRACE=1 also prints a timeline of the page: when its main thread was
    // busy, how many elements each painted frame had.
    let trace = std::env::var_os("FLOWLOOM_BENCH_TRACE").is_some();
    if trace {
        app.execute_async(TRACE);
    }
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
    let drawn = app.find_all("[data-testid=canvas-node]").len();
    println!("canvas, 2,000 nodes: open to first paint {open_ms:.0} ms ({drawn} nodes drawn)");

    // Frames painted while a gesture runs, counted with requestAnimationFrame.
    let frames_during = |gesture: &dyn Fn()| {
        app.execute_async(
            "window.__frames = 0;
             const tick = () => { window.__frames++; if (window.__counting) requestAnimationFrame(tick); };
             window.__counting = true; window.__t0 = performance.now(); requestAnimationFrame(tick);
             arguments[arguments.length - 1](null);",
        );
        gesture();
        app.execute_async(
            "window.__counting = false;
             arguments[arguments.length - 1]({ fps: window.__frames * 1000 / (performance.now() - window.__t0) });",
        )["fps"]
            .as_f64()
            .unwrap_or(f64::NAN)
    };
    let pane = app.find_one("[data-testid=canvas]");
    // Panning: drag the empty top-left corner of the canvas (the fitted view leaves a margin).
    let (width, height) = app
        .execute_async(
            "const r = document.querySelector('[data-testid=canvas]').getBoundingClientRect();
         arguments[arguments.length - 1]([r.width, r.height]);",
        )
        .as_array()
        .map(|r| (r[0].as_f64().unwrap_or(0.0), r[1].as_f64().unwrap_or(0.0)))
        .expect("the canvas's size");
    let corner = (12 - (width / 2.0) as i64, 12 - (height / 2.0) as i64);
    let pan_fps = frames_during(&|| app.drag_by(&pane, corner, (300, 200), 40, 2_000));
    let zoom_fps = frames_during(&|| app.wheel(&pane, 20, 2_000, -120));
    println!("canvas, 2,000 nodes: panning {pan_fps:.1} fps, zooming {zoom_fps:.1} fps");

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
    // A real key press. The page's clock starts when the key reaches it (the keydown's time
    // stamp: how long WebDriver takes to deliver it is not the app's), and an observer
    // installed first stops it at the frame after the node left the DOM (WebDriver's key
    // action itself can take seconds to return, so polling after it would time the driver).
    app.execute_async(&format!(
        "window.__t0 = performance.now(); window.__deleted = null;
         document.addEventListener('keydown', (e) => {{ window.__t0 = e.timeStamp; }},
                                   {{ capture: true, once: true }});
         const gone = () => !document.querySelector('[data-testid=canvas-node][data-node-id={in_view}]');
         const observer = new MutationObserver(() => {{
           if (!gone()) return;
           observer.disconnect();
           requestAnimationFrame(() => {{ window.__deleted = performance.now() - window.__t0; }});
         }});
         observer.observe(document.querySelector('[data-testid=canvas]'), {{ childList: true, subtree: true }});
         arguments[arguments.length - 1](null);"
    ));
    app.press("\u{E017}");
    let edit_ms = measure(
        "const done = arguments[arguments.length - 1];
         const wait = () => window.__deleted === null ? setTimeout(wait, 10) : done({ ms: window.__deleted });
         wait();",
    );
    println!(
        "canvas, 2,000 nodes: open to first paint {open_ms:.0} ms; panning {pan_fps:.1} fps; \
         zooming {zoom_fps:.1} fps; delete a node to painted {edit_ms:.0} ms"
    );
    if trace {
        app.settle();
        let timeline = app.execute_async("arguments[arguments.length - 1](window.__trace)");
        for line in timeline.as_array().into_iter().flatten() {
            println!("  {}", line.as_str().unwrap_or_default());
        }
    }
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

/// Logs, in `window.__trace`, each stretch of 60 ms or more in which the page's main thread
/// did not get back to a 10 ms timer (with how many getBoundingClientRect calls it made and
/// how many nodes and edges the canvas had), each frame whose element counts changed (nodes,
/// edges, edge labels), and ResizeObserver callbacks over 5 ms.
const TRACE: &str = r#"
window.__trace = [];
const T = (what) => window.__trace.push(Math.round(performance.now()) + ' ms: ' + what);
let rects = 0;
const gbr = Element.prototype.getBoundingClientRect;
Element.prototype.getBoundingClientRect = function () { rects++; return gbr.call(this); };
const count = (q) => document.querySelectorAll(q).length;
let last = performance.now();
const beat = () => {
  const now = performance.now();
  if (now - last > 60) T('busy ' + Math.round(now - last - 10) + ' ms, ' + rects + ' rects, ' + count('.react-flow__node') + ' nodes, ' + count('.react-flow__edge') + ' edges');
  rects = 0; last = now; setTimeout(beat, 10);
};
setTimeout(beat, 10);
let counts = '';
const frame = () => {
  const now = ['.react-flow__node', '.react-flow__edge', '.edge-label'].map(count).join('/');
  if (now !== counts) { T('frame with nodes/edges/labels ' + now); counts = now; }
  requestAnimationFrame(frame);
};
requestAnimationFrame(frame);
const RO = window.ResizeObserver;
window.ResizeObserver = class extends RO {
  constructor(cb) {
    super((entries, o) => { const t = performance.now(); cb(entries, o); const d = performance.now() - t; if (d > 5) T('resize callback, ' + entries.length + ' entries, ' + Math.round(d) + ' ms'); });
  }
};
arguments[arguments.length - 1](null);
"#;
