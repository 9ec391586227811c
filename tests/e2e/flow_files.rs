//! A flow leaves the window as a file and comes back: the native file dialogs, answered as a
//! user would, and the headless `flowloom validate` in between.

use super::harness::{App, in_workspace};
use std::path::Path;
use std::time::Duration;

/// A flow leaves the window as a file through the native save dialog, the headless
/// `flowloom validate` accepts that file, and it comes back through the native open dialog
/// beside the original (the conflict answered "keep both").
#[test]
fn a_flow_goes_out_as_a_file_and_comes_back() {
    let workspace = tempfile::tempdir().expect("temp workspace");
    let elsewhere = tempfile::tempdir().expect("a folder outside the workspace");
    let file = elsewhere.path().join("deep-dive.flow.json");
    let app = App::open(workspace.path());
    let wait = Duration::from_secs(30);
    app.wait_for("[data-testid=flow-item]", 3, Duration::from_secs(90));

    app.click(
        &app.find_one("[data-testid=flow-item][data-composition-id=comp_campaign_deep_dive]"),
    );
    app.wait_for("[data-testid=canvas-node]", 4, wait);
    app.click(&app.find_one("[data-testid=export-flow]"));
    app.answer_file_dialog("Export the flow", &file);
    app.wait_for("[data-testid=export-result]", 1, wait);
    let notice = app.text(&app.find_one("[data-testid=export-result]"));
    assert!(
        notice.contains(&file.display().to_string()),
        "the notice does not say where the flow went: {notice:?}"
    );

    // The command-line runner reads the file as valid: what a colleague receiving it runs.
    let cli = Path::new(env!("CARGO_BIN_EXE_flowloom-desktop")).with_file_name("flowloom");
    assert!(
        cli.is_file(),
        "{} is missing: `cargo build -p flowloom` (make test builds it)",
        cli.display()
    );
    let checked = std::process::Command::new(&cli)
        .arg("validate")
        .arg(&file)
        .output()
        .expect("run flowloom validate");
    let said = String::from_utf8_lossy(&checked.stdout);
    assert!(
        checked.status.success() && said.contains("valid"),
        "flowloom validate refused the exported file: {said} {}",
        String::from_utf8_lossy(&checked.stderr)
    );

    // Back in through the open dialog: the flow exists, so the app asks; keep both.
    app.click(&app.find_one("[data-testid=back]"));
    app.wait_for("[data-testid=flow-item]", 3, wait);
    app.click(&app.find_one("[data-testid=import-flow]"));
    app.answer_file_dialog("Import a flow", &file);
    app.click(&app.wait_for("[data-testid=conflict-keep-both]", 1, wait)[0]);
    app.wait_for("[data-testid=flow-item]", 4, wait);
    let copy = in_workspace(workspace.path(), |store| async move {
        let id = flowloom_core::CompositionId::new("comp_campaign_deep_dive_2");
        store.get_flow(&id).await.expect("the imported copy").flow
    });
    assert_eq!(copy.composition.name, "Top campaigns deep dive");
    assert_eq!(copy.nodes.len(), 4);
    assert_eq!(copy.connections.len(), 4);
}
