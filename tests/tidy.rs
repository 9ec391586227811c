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
