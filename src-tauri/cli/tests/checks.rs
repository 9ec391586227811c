//! `validate --workspace`, `import` and `templates import` judge template SQL alike, as a
//! user runs them: planned against the workspace's data files (a typo, an unknown table or
//! column is reported by node with its code before anything runs), the syntax alone without
//! a workspace, and the same rules (blank names, conflicts) in validate and import.

mod common;

use common::{exits, flowloom, path_str, text};
use serde_json::{Value, json};
use std::path::Path;

/// A flow file of one node per SQL text, each on its own template.
fn flow_file(dir: &Path, name: &str, sqls: &[(&str, &str)]) -> String {
    let templates: Vec<Value> = sqls
        .iter()
        .map(|(node, sql)| {
            json!({
                "template_id": format!("tpl_{node}"), "name": format!("Template {node}"),
                "sql": sql, "parameters": [
                    { "name": "since", "type": "date", "default": "2026-01-01" }
                ]
            })
        })
        .collect();
    let nodes: Vec<Value> = sqls
        .iter()
        .map(|(node, _)| json!({ "node_id": node, "template_id": format!("tpl_{node}") }))
        .collect();
    let file = json!({
        "format": "flowloom.flow", "format_version": 1,
        "composition": { "composition_id": "comp_checks", "name": name },
        "templates": templates, "nodes": nodes, "connections": []
    });
    let path = dir.join("checks.flow.json");
    std::fs::write(&path, file.to_string()).expect("write");
    path_str(&path).to_owned()
}

/// The `code` and first node of each error of a `--json` report.
fn errors(report: &[u8]) -> Vec<(String, String)> {
    let report: Value = serde_json::from_slice(report).expect("a JSON report");
    report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_owned(),
                d["node_ids"][0].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[test]
fn validate_with_a_workspace_plans_each_nodes_sql_and_import_refuses_the_same() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws_dir = dir.path().join("ws");
    let ws = path_str(&ws_dir);
    exits(&flowloom(&["flows", "list", "--workspace", ws]), 0);
    let file = flow_file(
        dir.path(),
        "Checks",
        &[
            ("typo", "SELEC 1"),
            ("no_table", "SELECT campaign_id FROM campaign"),
            (
                "no_column",
                "SELECT budget FROM campaigns WHERE start_date >= {{since}}",
            ),
            (
                "fine",
                "SELECT campaign_id FROM campaigns WHERE start_date >= {{since}}",
            ),
        ],
    );

    // Alone, only the syntax can be known.
    let alone = flowloom(&["validate", "--json", &file]);
    exits(&alone, 1);
    assert_eq!(
        errors(&alone.stdout),
        [("sql_syntax".into(), "typo".into())]
    );

    let planned = flowloom(&["validate", "--json", &file, "--workspace", ws]);
    exits(&planned, 1);
    let expected = [
        ("sql_syntax".to_owned(), "typo".to_owned()),
        ("unknown_table".to_owned(), "no_table".to_owned()),
        ("unknown_column".to_owned(), "no_column".to_owned()),
    ];
    assert_eq!(errors(&planned.stdout), expected);

    let before = text(&flowloom(&["flows", "list", "--workspace", ws]).stdout);
    let imported = flowloom(&["import", &file, "--workspace", ws]);
    exits(&imported, 1);
    let said = text(&imported.stderr);
    for (code, node) in &expected {
        assert!(
            said.contains(&format!("error[{code}]")) && said.contains(&format!("`{node}`")),
            "{said}"
        );
    }
    assert!(said.contains("nothing was imported"), "{said}");
    assert_eq!(
        text(&flowloom(&["flows", "list", "--workspace", ws]).stdout),
        before
    );
}

/// A blank name and a conflict are judged by `validate --workspace` as `import` judges them,
/// with the same codes; `--on-conflict` settles a conflict in both.
#[test]
fn validate_and_import_share_their_rules() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws_dir = dir.path().join("ws");
    let ws = path_str(&ws_dir);
    exits(&flowloom(&["flows", "list", "--workspace", ws]), 0);

    let blank = flow_file(
        dir.path(),
        "   ",
        &[("fine", "SELECT campaign_id FROM campaigns")],
    );
    let judged = flowloom(&["validate", "--json", &blank, "--workspace", ws]);
    exits(&judged, 1);
    assert_eq!(
        errors(&judged.stdout),
        [("blank_text".into(), String::new())]
    );
    let imported = flowloom(&["import", &blank, "--workspace", ws]);
    exits(&imported, 1);
    assert!(text(&imported.stderr).contains("error[blank_text] /composition/name"));

    let named = flow_file(
        dir.path(),
        "Checks",
        &[("fine", "SELECT campaign_id FROM campaigns")],
    );
    exits(&flowloom(&["validate", &named, "--workspace", ws]), 0);
    exits(&flowloom(&["import", &named, "--workspace", ws]), 0);
    // Now the workspace has the flow: both say `flow_conflict` until told what to do.
    let again = flowloom(&["validate", "--json", &named, "--workspace", ws]);
    exits(&again, 1);
    assert_eq!(
        errors(&again.stdout),
        [("flow_conflict".into(), String::new())]
    );
    let refused = flowloom(&["import", &named, "--workspace", ws]);
    exits(&refused, 1);
    assert!(text(&refused.stderr).contains("error[flow_conflict]"));
    let settled = ["--on-conflict", "keep-both", "--workspace", ws];
    exits(
        &flowloom(&[&["validate", &named][..], &settled].concat()),
        0,
    );
    exits(&flowloom(&[&["import", &named][..], &settled].concat()), 0);
}

/// A template pack's SQL is checked as a flow file's: a pack with one template whose SQL
/// does not plan imports nothing, and says which template and why.
#[test]
fn templates_import_checks_each_templates_sql() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws_dir = dir.path().join("ws");
    let ws = path_str(&ws_dir);
    let before = text(&flowloom(&["templates", "list", "--workspace", ws]).stdout);
    let pack = json!({
        "format": "flowloom.templates", "format_version": 1,
        "templates": [
            { "template_id": "tpl_good", "name": "Good", "sql": "SELECT campaign_id FROM campaigns" },
            { "template_id": "tpl_typo", "name": "Typo", "sql": "SELEC 1" },
            { "template_id": "tpl_nowhere", "name": "Nowhere", "sql": "SELECT x FROM nowhere" },
            { "template_id": "tpl_blank", "name": "Blank", "sql": "  " }
        ]
    });
    let file = dir.path().join("mine.templates.json");
    std::fs::write(&file, pack.to_string()).expect("write");
    let refused = flowloom(&["templates", "import", path_str(&file), "--workspace", ws]);
    exits(&refused, 1);
    let said = text(&refused.stderr);
    for line in [
        "error[sql_syntax] /templates/1/sql: template `tpl_typo` (version 1)",
        "error[unknown_table] /templates/2/sql: template `tpl_nowhere` (version 1)",
        "error[blank_text] /templates/3/sql",
    ] {
        assert!(said.contains(line), "{said}");
    }
    assert!(said.contains("nothing was imported"), "{said}");
    assert_eq!(
        text(&flowloom(&["templates", "list", "--workspace", ws]).stdout),
        before
    );
}
