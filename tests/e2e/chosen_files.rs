//! A script in the page can neither read nor write a file the user did not choose: every file
//! command refuses such a path before touching it, the dialog plugin is not the page's to
//! call, and a file the user chose in a dialog serves its one export, once.

use super::harness::{App, in_workspace};
use serde_json::{Value, json};
use std::time::Duration;

fn invoke(app: &App, command: &str, args: &Value) -> Value {
    app.execute_async(&format!(
        "const done = arguments[arguments.length - 1];
         window.__TAURI_INTERNALS__
           .invoke({command}, {args})
           .then((answer) => done({{ ok: answer === undefined ? null : answer }}),
                 (error) => done({{ error }}));",
        command = json!(command),
    ))
}

#[test]
fn file_commands_refuse_paths_nobody_chose_and_a_chosen_file_serves_once() {
    let workspace = tempfile::tempdir().expect("temp workspace");
    let elsewhere = tempfile::tempdir().expect("the user's other files");
    let secret_csv = elsewhere.path().join("secrets.csv");
    std::fs::write(&secret_csv, "user,password\nana,hunter2\n").expect("csv");
    let app = App::open(workspace.path());
    let wait = Duration::from_secs(30);
    app.wait_for("[data-testid=flow-item]", 3, Duration::from_secs(90));

    // A flow file the user has but never chose to import, from an export made beside the app.
    let secret_flow = elsewhere.path().join("private.flow.json");
    let text = in_workspace(workspace.path(), |store| async move {
        flowloom_core::flowfile::export(&store, &"comp_low_ctr_review".into())
            .await
            .expect("export")
            .to_text()
    });
    std::fs::write(
        &secret_flow,
        text.replace("comp_low_ctr_review", "comp_private"),
    )
    .expect("flow file");
    let secret_pack = elsewhere.path().join("private.templates.json");
    std::fs::write(&secret_pack, "{}").expect("pack");

    let path = |p: &std::path::Path| p.display().to_string();
    let target = |name: &str| elsewhere.path().join(name);
    let reads = [
        (
            "import_flow_file",
            json!({ "path": path(&secret_flow), "onConflict": "fail" }),
        ),
        ("infer_table_schema", json!({ "path": path(&secret_csv) })),
        (
            "import_table_file",
            json!({ "path": path(&secret_csv), "table": "stolen", "schema": null, "skipInvalid": false }),
        ),
        (
            "import_template_pack",
            json!({ "path": path(&secret_pack), "onConflict": "fail" }),
        ),
    ];
    let writes = [
        (
            "export_flow_file",
            json!({ "compositionId": "comp_low_ctr_review", "path": path(&target("a.flow.json")) }),
        ),
        (
            "export_result",
            json!({ "runId": 1, "nodeId": "low_ctr", "format": "csv", "path": path(&target("b.csv")) }),
        ),
        (
            "export_table_file",
            json!({ "name": "stolen", "format": "csv", "path": path(&target("c.csv")) }),
        ),
        (
            "export_template_pack",
            json!({ "ids": [], "path": path(&target("d.templates.json")) }),
        ),
    ];
    for (command, args) in reads.iter().chain(&writes) {
        let answer = invoke(&app, command, args);
        assert_eq!(
            answer["error"]["code"], "file_not_chosen",
            "{command}: {answer}"
        );
        let named = args["path"].as_str().expect("path");
        assert!(
            answer["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains(named) && m.contains("file dialog")),
            "{command}: the message names the file and says how to choose one: {answer}"
        );
    }
    for (_, args) in &writes {
        let written = std::path::Path::new(args["path"].as_str().expect("path"));
        assert!(!written.exists(), "{} was written", written.display());
    }
    let (tables, private) = in_workspace(workspace.path(), |store| async move {
        let tables = store.list_tables().await.expect("tables");
        let private = store.get_flow(&"comp_private".into()).await.is_ok();
        (tables.len(), private)
    });
    assert_eq!((tables, private), (0, false), "nothing was read in");

    // The dialog plugin is not the page's: its answers would not be choices.
    let plugin = invoke(
        &app,
        "plugin:dialog|open",
        &json!({ "options": { "multiple": false, "directory": false } }),
    );
    assert!(plugin["error"].is_string(), "{plugin}");
    assert!(plugin.get("ok").is_none(), "{plugin}");

    // Chosen in the save dialog, the file takes the export, once.
    let chosen = target("deep-dive.flow.json");
    app.click(
        &app.find_one("[data-testid=flow-item][data-composition-id=comp_campaign_deep_dive]"),
    );
    app.wait_for("[data-testid=canvas-node]", 4, wait);
    app.click(&app.find_one("[data-testid=export-flow]"));
    app.answer_file_dialog("Export the flow", &chosen);
    app.wait_for("[data-testid=export-result]", 1, wait);
    let exported = std::fs::read_to_string(&chosen).expect("the exported flow");
    assert!(exported.contains("comp_campaign_deep_dive"));
    let again = invoke(
        &app,
        "export_flow_file",
        &json!({ "compositionId": "comp_low_ctr_review", "path": path(&chosen) }),
    );
    assert_eq!(again["error"]["code"], "file_not_chosen", "{again}");
    assert_eq!(
        std::fs::read_to_string(&chosen).expect("still the export"),
        exported,
        "a spent choice was written again"
    );
}
