//! An analyst builds a flow on the canvas from nothing: palette, connections (a cycle
//! refused), undo and redo, rename, autosave, auto-layout, delete.

use super::harness::{App, eventually, in_workspace, screenshots};
use std::path::Path;
use std::time::Duration;

/// An analyst builds a flow from nothing: a new flow, two templates placed from the palette,
/// a connection dragged from one's result to the other's parameter (a cycle refused while
/// dragging, with the reason), undo and redo by button and by keyboard, a rename, and each
/// step autosaved as a version; then the flow is deleted.
#[test]
fn an_analyst_builds_a_flow_on_the_canvas() {
    let workspace = tempfile::tempdir().expect("temp workspace");
    let app = App::open(workspace.path());
    let shots = screenshots();
    let wait = Duration::from_secs(30);
    app.wait_for("[data-testid=flow-item]", 3, Duration::from_secs(90));

    // A new flow, named in a dialog, opens empty and is stored as version 1.
    app.click(&app.find_one("[data-testid=new-flow]"));
    app.type_into(
        &app.wait_for("[data-testid=name-input]", 1, wait)[0],
        "Campaign check",
    );
    app.click(&app.find_one("[data-testid=name-submit]"));
    app.wait_for_texts("[data-testid=flow-title]", &["Campaign check"], wait);
    app.wait_for_texts("[data-testid=save-status]", &["Saved"], wait);
    assert!(app.find_all("[data-testid=canvas-node]").is_empty());
    let id = "comp_campaign_check";
    let stored = |id: &'static str| {
        in_workspace(workspace.path(), move |store| async move {
            store.get_flow(&id.into()).await.map(|detail| detail.flow)
        })
    };
    assert!(stored(id).is_ok(), "the new flow is stored");

    // Two templates from the palette, searched for: the first placed with its +.
    let search = app.find_one("[data-testid=palette-search]");
    app.type_into(&search, "top campaigns");
    app.click(&app.wait_for(
        "[data-testid=palette-item][data-template-id=tpl_top_campaigns_by_spend] [data-testid=palette-add]",
        1,
        wait,
    )[0]);
    // The second is dragged from the palette onto the canvas.
    app.type_into(&search, "daily campaign");
    app.drag(
        &app.wait_for(
            "[data-testid=palette-item][data-template-id=tpl_campaign_daily_trend] \
             [data-testid=palette-handle]",
            1,
            wait,
        )[0],
        &app.find_one("[data-testid=minimap]"),
    );
    app.wait_for("[data-testid=canvas-node]", 2, wait);
    // The trend needs its campaigns: a problem until something feeds them.
    app.wait_for_texts("[data-testid=problems-summary]", &["1 error"], wait);
    // Both nodes in view, handles and all.
    app.click(&app.find_one(".react-flow__controls-fitview"));
    app.settle();

    // Dragging the first node's result onto the trend's campaign_ids maps campaign_id
    // through distinct_list (chosen from the types).
    let top = "[data-testid=canvas-node][data-node-id=top_campaigns_by_spend]";
    let trend = "[data-testid=canvas-node][data-node-id=campaign_daily_trend]";
    app.drag(
        &app.find_one(&format!("{top} [data-testid=node-output]")),
        &app.find_one(&format!(
            "{trend} [data-testid=node-param][data-param=campaign_ids] .react-flow__handle"
        )),
    );
    app.release();
    app.wait_for_texts(
        "[data-testid=edge-label]",
        &["campaign_id → campaign_ids (distinct_list)"],
        wait,
    );
    app.wait_for_texts("[data-testid=problems-summary]", &["No problems"], wait);
    app.screenshot(&shots.join("edit-connected.png"));

    // The way back is refused while dragging, saying why; nothing is connected.
    app.press_and_move(
        &app.find_one(&format!("{trend} [data-testid=node-output]")),
        &app.find_one(&format!(
            "{top} [data-testid=node-param][data-param=start_date] .react-flow__handle"
        )),
    );
    app.wait_for_texts(
        "[data-testid=connect-refusal]",
        &["That would make a cycle: campaign_daily_trend already depends on top_campaigns_by_spend"],
        wait,
    );
    app.screenshot(&shots.join("edit-refused.png"));
    app.release();
    assert_eq!(app.find_all(".react-flow__edge").len(), 1);

    // Saved on its own: the stored flow has both nodes and the mapping, as a later version.
    let saved_connection = || {
        stored(id).is_ok_and(|flow| {
            flow.nodes.len() == 2
                && flow.connections.len() == 1
                && flow.connections[0]
                    .field_mappings
                    .get("campaign_ids")
                    .map(String::as_str)
                    == Some("campaign_id")
                && flow.connections[0].transformation_rules.get("campaign_ids")
                    == Some(&"distinct_list".parse().expect("a transformation"))
        })
    };
    assert!(eventually(wait, saved_connection), "{:?}", stored(id));
    // Each pause in editing saved a version: creating was 1, the last save is later.
    assert!(
        eventually(wait, || app
            .texts("[data-testid=save-status]")
            .first()
            .is_some_and(
                |s| s.starts_with("Saved · version ") && !s.ends_with(" 1")
            )),
        "{:?}",
        app.texts("[data-testid=save-status]")
    );

    // Undo takes the connection away, redo brings it back; Ctrl+Z undoes too.
    app.click(&app.find_one("[data-testid=undo]"));
    assert!(eventually(wait, || app
        .find_all(".react-flow__edge")
        .is_empty()));
    app.click(&app.find_one("[data-testid=redo]"));
    app.wait_for(".react-flow__edge", 1, wait);
    app.click(&app.find_one("[data-testid=canvas]"));
    app.ctrl("z");
    assert!(eventually(wait, || app
        .find_all(".react-flow__edge")
        .is_empty()));
    assert!(
        eventually(wait, || stored(id)
            .is_ok_and(|f| f.connections.is_empty() && f.nodes.len() == 2)),
        "the undo was saved"
    );

    // The inspector sets a value on the selected node: the node shows it, and it is saved.
    app.click(&app.find_one(&format!("{top} [data-testid=node-label]")));
    let limit = app.wait_for(
        "[data-testid=inspector] [data-testid=inspect-param][data-param=limit]",
        1,
        wait,
    );
    app.type_into(&limit[0], "5\u{E007}");
    assert!(
        eventually(wait, || stored(id).is_ok_and(|f| f
            .nodes
            .iter()
            .any(
                |n| n.parameter_overrides.get("limit") == Some(&serde_json::json!(5))
            ))),
        "{:?}",
        stored(id)
    );
    assert!(
        app.texts(&format!("{top} [data-testid=node-param][data-param=limit]"))
            .first()
            .is_some_and(|t| t.ends_with('5')),
        "{:?}",
        app.texts(&format!("{top} [data-testid=node-param][data-param=limit]"))
    );
    app.screenshot(&shots.join("edit-inspector.png"));

    // The flow's own settings: a global parameter added, a tag typed in; both stored.
    app.click(&app.find_one("[data-testid=add-global]"));
    app.wait_for("[data-testid=global-parameter][data-name=param]", 1, wait);
    app.type_into(&app.find_one("[data-testid=tag-input]"), "weekly\u{E007}");
    assert!(
        eventually(wait, || stored(id).is_ok_and(|f| f.composition.tags
            == ["weekly"]
            && f.composition
                .global_parameters
                .iter()
                .any(|g| g.name == "param"))),
        "{:?}",
        stored(id).map(|f| f.composition)
    );

    // A sticky note (N), written in and kept with the flow.
    app.click(&app.find_one(".react-flow__pane"));
    app.press("n");
    // A new note is written in at once: typing goes into it.
    app.wait_for("[data-testid=note-input]", 1, wait);
    assert!(eventually(wait, || {
        app.execute_async(
            "arguments[arguments.length - 1](document.activeElement?.dataset.testid ?? null);",
        ) == "note-input"
    }));
    app.type_focused("Check the June spike");
    // Escape finishes writing.
    app.press("\u{E00C}");
    app.wait_for_texts("[data-testid=sticky-note]", &["Check the June spike"], wait);
    assert!(
        eventually(wait, || stored(id).is_ok_and(|f| f
            .composition
            .canvas_state
            .notes
            .iter()
            .any(|n| n.text == "Check the June spike"))),
        "{:?}",
        stored(id).map(|f| f.composition.canvas_state)
    );

    // Auto-layout, as one saved edit: with the connection undone the two nodes are
    // independent, so they share the first column, one under the other.
    let positions = || {
        stored(id).map(|f| {
            f.nodes
                .iter()
                .map(|n| (n.node_id.to_string(), (n.position.x, n.position.y)))
                .collect::<std::collections::BTreeMap<_, _>>()
        })
    };
    let before = positions().expect("stored");
    app.click(&app.find_one("[data-testid=auto-layout]"));
    assert!(
        eventually(wait, || positions().is_ok_and(|after| {
            let (top, trend) = (
                after["top_campaigns_by_spend"],
                after["campaign_daily_trend"],
            );
            after != before && top.0 == trend.0 && (top.1 - trend.1).abs() >= 100.0
        })),
        "{before:?} → {:?}",
        positions()
    );

    // Renamed in place, in the title bar.
    app.click(&app.find_one("[data-testid=flow-title]"));
    let title = app.wait_for("[data-testid=flow-title-input]", 1, wait);
    // The name is typed over (clearing the field would blur it, which keeps it), then Enter.
    app.execute_async(
        "document.querySelector('[data-testid=flow-title-input]').select();
         arguments[arguments.length - 1](null);",
    );
    app.type_keys(&title[0], "Campaign check, renamed\u{E007}");
    app.wait_for_texts(
        "[data-testid=flow-title]",
        &["Campaign check, renamed"],
        wait,
    );
    assert!(
        eventually(wait, || stored(id)
            .is_ok_and(|f| f.composition.name == "Campaign check, renamed")),
        "{:?} {:?}",
        app.execute_async(
            "const s = document.querySelector('[data-testid=save-status]');
             arguments[arguments.length - 1]([s?.innerText, s?.title, s?.dataset.status]);"
        ),
        stored(id).map(|f| f.composition.name)
    );

    // A node's context menu deletes it.
    app.context_click(&app.find_one(&format!("{trend} [data-testid=node-label]")));
    app.click(&app.wait_for("[data-testid=node-menu] [data-testid=menu-delete]", 1, wait)[0]);
    assert!(eventually(wait, || app.find_all(trend).is_empty()));
    assert!(
        eventually(wait, || stored(id).is_ok_and(|f| f.nodes.len() == 1)),
        "{:?}",
        stored(id)
    );

    // Deleted after asking: gone from the list and from the workspace.
    app.click(&app.find_one("[data-testid=delete-flow]"));
    app.click_css("[data-testid=confirm-submit]", wait);
    app.wait_for("[data-testid=flow-item]", 3, wait);
    assert!(matches!(
        stored(id),
        Err(flowloom_core::StoreError::NotFound { .. })
    ));

    // A drop the page makes up (Tauri's drag-drop event sent from a script, not from the
    // OS) names a file nobody chose: the import is refused and nothing is stored. (A real
    // drop is recorded as chosen by Rust before the page hears it: `files::dropped`, which
    // xdotool cannot exercise.)
    let example = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/low-ctr-review.flow.json"),
    )
    .expect("example flow");
    let dropped = workspace.path().join("dropped.flow.json");
    std::fs::write(
        &dropped,
        example
            .replace("comp_low_ctr_review", "comp_dropped")
            .replace("\"Low CTR review\"", "\"Dropped flow\""),
    )
    .expect("write the dropped file");
    let sent = app.execute_async(&format!(
        "const done = arguments[arguments.length - 1];
         window.__TAURI_INTERNALS__
           .invoke('plugin:event|emit', {{ event: 'tauri://drag-drop',
                   payload: {{ paths: [{:?}], position: {{ x: 400, y: 300 }} }} }})
           .then(() => done({{ ok: true }}), (error) => done({{ error }}));",
        dropped.display().to_string()
    ));
    assert_eq!(sent["ok"], true, "{sent}");
    app.wait_for(
        "[data-testid=import-result][data-error-code=file_not_chosen]",
        1,
        wait,
    );
    assert!(matches!(
        stored("comp_dropped"),
        Err(flowloom_core::StoreError::NotFound { .. })
    ));
}
