//! What the window may do. Tauri's app manifest (`src-tauri/build.rs`, over
//! `src-tauri/src/app_commands.rs`) makes every app command need a permission, and the
//! window's capability (`src-tauri/capabilities/main-window.json`) grants them. These tests
//! keep the three in step with the commands the app registers (a command missing from the
//! capability would be refused at run time; one granted but not registered is a stale
//! grant), keep plugin permissions to the few the window needs (no file system, no dialog
//! plugin: a dialog's answer the UI got from the plugin would bypass `files.rs`), and check
//! that every command taking a path takes only one the user chose.

use std::collections::BTreeSet;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The commands `specta_builder` registers, read off freshly generated bindings.
fn registered_commands() -> Vec<String> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bindings.ts");
    flowloom_desktop::export_bindings(&path).expect("export bindings");
    let bindings = std::fs::read_to_string(&path).expect("read bindings");
    // `__TAURI_INVOKE("name", …)` or `__TAURI_INVOKE<Type>("name")`.
    let marker = "__TAURI_INVOKE";
    bindings
        .match_indices(marker)
        .filter_map(|(at, _)| {
            let rest = &bindings[at + marker.len()..];
            let open = rest.find("(\"")?;
            let between = &rest[..open];
            if !(between.is_empty() || between.starts_with('<') && !between.contains('\n')) {
                return None;
            }
            let name = &rest[open + 2..];
            name.find('"').map(|end| name[..end].to_owned())
        })
        .collect()
}

fn capability() -> serde_json::Value {
    let path = root().join("src-tauri/capabilities/main-window.json");
    let text = std::fs::read_to_string(&path).expect("the window's capability");
    serde_json::from_str(&text).expect("capability JSON")
}

#[test]
fn the_manifest_lists_exactly_the_registered_commands() {
    let registered = registered_commands();
    assert!(registered.len() > 50, "bindings scraped: {registered:?}");
    let registered: BTreeSet<&str> = registered.iter().map(String::as_str).collect();
    let manifest: BTreeSet<&str> = flowloom_desktop::APP_COMMANDS.iter().copied().collect();
    assert_eq!(
        manifest.len(),
        flowloom_desktop::APP_COMMANDS.len(),
        "a command is listed twice in src-tauri/src/app_commands.rs"
    );
    assert_eq!(
        registered.difference(&manifest).collect::<Vec<_>>(),
        Vec::<&&str>::new(),
        "registered in lib.rs but missing from src-tauri/src/app_commands.rs (the window could not call them)"
    );
    assert_eq!(
        manifest.difference(&registered).collect::<Vec<_>>(),
        Vec::<&&str>::new(),
        "in src-tauri/src/app_commands.rs but not registered in lib.rs"
    );
}

#[test]
fn the_window_is_granted_every_app_command_and_no_file_plugin() {
    let capability = capability();
    assert_eq!(capability["identifier"], "main-window");
    assert_eq!(capability["windows"], serde_json::json!(["main"]));
    let permissions: Vec<&str> = capability["permissions"]
        .as_array()
        .expect("permissions")
        .iter()
        .map(|p| p.as_str().expect("a permission is named, without a scope"))
        .collect();
    let app: BTreeSet<String> = permissions
        .iter()
        .filter(|p| !p.contains(':'))
        .map(|p| (*p).to_owned())
        .collect();
    let expected: BTreeSet<String> = flowloom_desktop::APP_COMMANDS
        .iter()
        .map(|c| format!("allow-{}", c.replace('_', "-")))
        .collect();
    assert_eq!(app, expected, "the capability's app permissions");
    let plugins: BTreeSet<&str> = permissions
        .iter()
        .copied()
        .filter(|p| p.contains(':'))
        .collect();
    assert_eq!(
        plugins,
        BTreeSet::from(["core:default", "core:window:allow-destroy"]),
        "the window needs the core APIs and closing itself, nothing of a file or dialog plugin"
    );
    // The configuration uses this capability and inlines no other.
    let config: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tauri.conf.json")).expect("tauri.conf.json"),
    )
    .expect("config JSON");
    assert_eq!(
        config["app"]["security"]["capabilities"],
        serde_json::json!(["main-window"])
    );
}

/// Every command that takes a path (`path: String` or a `PathBuf`) finds it among the files
/// the user chose (`ChosenFiles::file`) before anything else: a new file command cannot
/// forget the rule.
#[test]
fn every_command_taking_a_path_takes_only_a_chosen_file() {
    let dir = root().join("src-tauri/src");
    let mut with_paths = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("src-tauri/src") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read source");
        for command in text.split("#[tauri::command]").skip(1) {
            let signature_end = command.find(") ->").unwrap_or(command.len());
            let signature = &command[..signature_end];
            let takes_path = signature.contains("path: String")
                || signature.contains("PathBuf")
                || signature.contains("&Path");
            if !takes_path {
                continue;
            }
            let name = signature
                .split("fn ")
                .nth(1)
                .and_then(|s| s.split('(').next())
                .unwrap_or("?")
                .to_owned();
            let body_end = command.find("\n}\n").unwrap_or(command.len());
            let body = &command[signature_end..body_end];
            let first_statement = body.lines().nth(1).unwrap_or_default();
            assert!(
                first_statement.contains("chosen.file(FileUse::"),
                "{} `{name}` takes a path but does not first find it among the chosen files: {first_statement:?}",
                path.display()
            );
            with_paths.push(name);
        }
    }
    with_paths.sort();
    assert_eq!(
        with_paths,
        [
            "export_flow_file",
            "export_result",
            "export_table_file",
            "export_template_pack",
            "import_flow_file",
            "import_table_file",
            "import_template_pack",
            "infer_table_schema",
        ]
    );
}
