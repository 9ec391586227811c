//! Architecture rules that a compiler would not catch.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

/// Crates that only a window needs. The core and the CLI must never pull one in.
const DISPLAY_CRATES: [&str; 8] = [
    "tauri",
    "wry",
    "tao",
    "gtk",
    "gdk",
    "webkit2gtk",
    "javascriptcore-rs",
    "soup3",
];

#[test]
fn core_and_cli_do_not_depend_on_tauri_or_a_display() {
    // Only this machine's platform: the packages of other platforms are never downloaded
    // here, and an offline `cargo metadata` would need them.
    let output = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .args(["--filter-platform", &host_triple()])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run cargo metadata");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("metadata json");

    let names: BTreeMap<&str, &str> = metadata["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| {
            (
                p["id"].as_str().expect("id"),
                p["name"].as_str().expect("name"),
            )
        })
        .collect();
    // Normal and build dependencies, per package id (dev-dependencies do not ship).
    let deps: BTreeMap<&str, Vec<&str>> = metadata["resolve"]["nodes"]
        .as_array()
        .expect("resolve nodes")
        .iter()
        .map(|node| {
            let shipped = node["deps"].as_array().expect("deps").iter().filter(|dep| {
                dep["dep_kinds"]
                    .as_array()
                    .expect("dep_kinds")
                    .iter()
                    .any(|k| k["kind"].as_str() != Some("dev"))
            });
            (
                node["id"].as_str().expect("id"),
                shipped.map(|d| d["pkg"].as_str().expect("pkg")).collect(),
            )
        })
        .collect();

    for root_name in ["flowloom-core", "flowloom-cli"] {
        let root = names
            .iter()
            .find(|(_, n)| **n == root_name)
            .map(|(id, _)| *id)
            .expect("workspace crate");
        let mut seen = BTreeSet::new();
        let mut stack = vec![root];
        while let Some(id) = stack.pop() {
            if seen.insert(id) {
                stack.extend(deps.get(id).into_iter().flatten().copied());
            }
        }
        let offending: Vec<&str> = seen
            .iter()
            .map(|id| names[id])
            .filter(|name| {
                DISPLAY_CRATES
                    .iter()
                    .any(|bad| name == bad || name.starts_with(&format!("{bad}-")))
            })
            .collect();
        assert!(offending.is_empty(), "{root_name} depends on {offending:?}");
    }
}

/// The triple rustc builds for here, e.g. `x86_64-unknown-linux-gnu`.
fn host_triple() -> String {
    let output = Command::new("rustc")
        .arg("-vV")
        .output()
        .expect("run rustc -vV");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .expect("rustc -vV names the host")
        .to_owned()
}

/// The repository's files under `dir` whose name ends with `ext`, with their text.
fn sources(dir: &str, ext: &str) -> Vec<(std::path::PathBuf, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    let mut folders = vec![root.join(dir)];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("a source folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                folders.push(path);
            } else if path.to_string_lossy().ends_with(ext) {
                let text = std::fs::read_to_string(&path).expect("a source file");
                files.push((path.strip_prefix(root).expect("inside").to_owned(), text));
            }
        }
    }
    files.sort();
    files
}

/// The most lines a Tauri command's body may have: a command takes typed input, calls the
/// core, and maps the error; anything longer belongs in the core, where the CLI and the
/// tests reach it too.
const COMMAND_LINES: usize = 10;

#[test]
fn tauri_commands_are_thin_adapters() {
    let mut long = Vec::new();
    for (path, text) in sources("src-tauri/src", ".rs") {
        let lines: Vec<&str> = text.lines().collect();
        for (at, _) in lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.trim() == "#[tauri::command]")
        {
            let opens = (at..lines.len())
                .find(|&i| lines[i].trim_end().ends_with('{'))
                .expect("a command has a body");
            let closes = (opens..lines.len())
                .find(|&i| lines[i] == "}")
                .expect("a command's body ends");
            let name = lines[at..=opens]
                .iter()
                .find_map(|l| l.split("fn ").nth(1))
                .and_then(|rest| rest.split(['(', '<']).next())
                .unwrap_or("?");
            let body = closes - opens - 1;
            if body > COMMAND_LINES {
                long.push(format!("{}: {name} has {body} lines", path.display()));
            }
        }
    }
    assert!(
        long.is_empty(),
        "Tauri commands longer than {COMMAND_LINES} lines (move the work into flowloom-core):\n{}",
        long.join("\n")
    );
}

/// Layers of the core that may not reach up: the store knows nothing of workspaces,
/// engines, schedules or the API over them; the engine nothing of the API or the
/// scheduler that call it; validation nothing of who asks for it, nor of the engine or the
/// store (its rules are pure: a flow and a catalogue in, diagnostics out); the data tables'
/// rules (`tables/`) nothing of the engine.
#[test]
fn the_core_layers_do_not_reach_up() {
    let rules: [(&str, &[&str]); 4] = [
        (
            "src-tauri/core/src/store",
            &[
                "crate::workspace",
                "crate::engine",
                "crate::schedule",
                "crate::api",
                "crate::Workspace",
            ],
        ),
        (
            "src-tauri/core/src/engine",
            &["crate::api", "crate::schedule"],
        ),
        (
            "src-tauri/core/src/validation",
            &[
                "crate::api",
                "crate::schedule",
                "crate::workspace",
                "crate::engine",
                "crate::store",
            ],
        ),
        (
            "src-tauri/core/src/tables",
            &[
                "crate::api",
                "crate::schedule",
                "crate::workspace",
                "crate::engine",
            ],
        ),
    ];
    let mut broken = Vec::new();
    for (dir, forbidden) in rules {
        for (path, text) in sources(dir, ".rs") {
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                for name in forbidden.iter().filter(|name| code.contains(*name)) {
                    broken.push(format!("{}:{}: uses {name}", path.display(), n + 1));
                }
            }
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

/// The shells start runs only through `flowloom_core::api::Runs`: one registry of running
/// flows, so the window, the command line and the scheduler cannot run a flow twice.
#[test]
fn the_shells_run_flows_only_through_the_api() {
    let mut broken = Vec::new();
    for dir in [
        "src-tauri/src",
        "src-tauri/cli/src",
        "src-tauri/core/src/schedule",
    ] {
        for (path, text) in sources(dir, ".rs") {
            for (n, line) in text.lines().enumerate() {
                if line.contains("run_recorded") || line.contains("run::run(&") {
                    broken.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        broken.is_empty(),
        "runs started beside api::Runs:\n{}",
        broken.join("\n")
    );
}
