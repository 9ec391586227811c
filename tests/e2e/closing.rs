//! Closing the window loses nothing the user typed.

use super::harness::{App, in_workspace};
use std::time::Duration;

/// A node's new label is typed and the window closed at once, before autosave's pause and
/// without leaving the field: the label is in the store when the app has gone.
#[test]
fn closing_the_window_keeps_the_last_edit() {
    let workspace = tempfile::tempdir().expect("temp workspace");
    let app = App::open(workspace.path());
    let wait = Duration::from_secs(30);
    app.click_css(
        "[data-testid=flow-item][data-composition-id=comp_low_ctr_review]",
        Duration::from_secs(90),
    );
    app.click(&app.wait_for("[data-testid=canvas-node][data-node-id=low_ctr]", 1, wait)[0]);
    let label = app.wait_for("[data-testid=inspect-label]", 1, wait);
    app.type_into(&label[0], "Weak click-through");
    app.close_window(workspace.path());

    let flow = in_workspace(workspace.path(), |store| async move {
        store
            .get_flow(&"comp_low_ctr_review".into())
            .await
            .expect("the flow")
            .flow
    });
    let node = flow
        .nodes
        .iter()
        .find(|n| n.node_id.as_str() == "low_ctr")
        .expect("the node");
    assert_eq!(
        node.node_config.label.as_deref(),
        Some("Weak click-through")
    );
}
