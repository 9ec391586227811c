//! `flowloom validate | import | export | schema` as a user runs them, on the committed
//! examples and fixtures and on fresh workspaces.

mod common;

use common::{exits, flowloom, path_str, repo, text};
use serde_json::Value;

#[test]
fn validate_accepts_every_example_flow() {
    for example in ["campaign-deep-dive", "low-ctr-review", "product-drilldown"] {
        let file = repo(&format!("examples/{example}.flow.json"));
        let output = flowloom(&["validate", path_str(&file)]);
        exits(&output, 0);
        assert!(
            text(&output.stdout).ends_with("valid (0 warning(s))\n"),
            "{}",
            text(&output.stdout)
        );
    }
}

#[test]
fn validate_json_lists_every_problem_with_its_path_and_exits_1() {
    let file = repo("tests/fixtures/flows/type-mismatch.flow.json");
    let output = flowloom(&["validate", "--json", path_str(&file)]);
    exits(&output, 1);
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON report");
    assert_eq!(report["valid"], false);
    let diagnostics = report["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(diagnostics.len(), 7, "{report:#}");
    let first_override = diagnostics
        .iter()
        .find(|d| d["path"] == "/nodes/1/parameter_overrides/since")
        .expect("the bad date is reported where it is");
    assert_eq!(first_override["code"], "type_mismatch");
    assert_eq!(first_override["severity"], "error");
    assert_eq!(first_override["node_ids"], serde_json::json!(["spend"]));
    assert!(first_override["connection_ids"].is_array());
    assert!(
        first_override["message"]
            .as_str()
            .is_some_and(|m| m.contains("yesterday")),
        "{first_override}"
    );
}

/// What only the run used to find out (a placeholder no parameter declares, a condition of
/// the wrong types, a for-each column the template already returns) is refused by
/// `validate` with a code, a path and the nodes concerned; a condition's reads are uses.
#[test]
fn validate_refuses_what_the_run_would_refuse() {
    for (fixture, code, node) in [
        ("bad-template-sql", "bad_template_sql", "typo"),
        ("condition-types", "bad_condition", "wrong_types"),
        ("for-each-columns", "duplicate_column", "per_channel"),
    ] {
        let file = repo(&format!("tests/fixtures/flows/{fixture}.flow.json"));
        let output = flowloom(&["validate", "--json", path_str(&file)]);
        exits(&output, 1);
        let report: Value = serde_json::from_slice(&output.stdout).expect("JSON report");
        let diagnostics = report["diagnostics"].as_array().expect("diagnostics");
        assert!(
            diagnostics.iter().any(|d| d["code"] == code
                && d["severity"] == "error"
                && d["path"].as_str().is_some_and(|p| p.starts_with("/nodes/"))
                && d["node_ids"] == serde_json::json!([node])),
            "{fixture}: {report:#}"
        );
    }
    let file = repo("tests/fixtures/flows/condition-reads.flow.json");
    let output = flowloom(&["validate", path_str(&file)]);
    exits(&output, 0);
    assert!(
        text(&output.stdout).ends_with("valid (0 warning(s))\n"),
        "{}",
        text(&output.stdout)
    );
}

#[test]
fn validate_exits_2_when_the_file_cannot_be_read_as_json() {
    let not_json = repo("tests/fixtures/flows/not-json.flow.json");
    let output = flowloom(&["validate", path_str(&not_json)]);
    exits(&output, 2);
    assert!(text(&output.stdout).contains("bad_file"));

    let output = flowloom(&["validate", "--json", "/nonexistent/flow.flow.json"]);
    exits(&output, 2);
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON report");
    assert_eq!(report["valid"], false);
    assert!(
        report["diagnostics"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("/nonexistent/flow.flow.json")),
        "{report:#}"
    );

    let output = flowloom(&["validate", "/nonexistent/flow.flow.json"]);
    exits(&output, 2);
    assert!(text(&output.stderr).contains("cannot read /nonexistent/flow.flow.json"));
}

/// A seeded workspace already holds the example flows, so importing one is a conflict that
/// the user resolves with `--on-conflict`.
#[test]
fn import_refuses_a_conflict_unless_told_and_keep_both_adds_a_copy() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    let file = repo("examples/campaign-deep-dive.flow.json");

    let refused = flowloom(&["import", path_str(&file), "--workspace", ws]);
    exits(&refused, 1);
    assert!(
        text(&refused.stderr).contains("flow `comp_campaign_deep_dive` already exists"),
        "{}",
        text(&refused.stderr)
    );

    let kept = flowloom(&[
        "import",
        path_str(&file),
        "--on-conflict",
        "keep-both",
        "--workspace",
        ws,
    ]);
    exits(&kept, 0);
    let report = text(&kept.stdout);
    assert!(
        report.starts_with("imported comp_campaign_deep_dive_2\n"),
        "{report}"
    );
    assert!(report.contains("reused (identical)"), "{report}");

    let listed = text(&flowloom(&["flows", "list", "--workspace", ws]).stdout);
    assert_eq!(
        listed
            .lines()
            .filter(|l| l.contains("Top campaigns deep dive"))
            .count(),
        2,
        "{listed}"
    );
}

#[test]
fn an_invalid_file_imports_nothing_and_says_where_each_problem_is() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    let before = text(&flowloom(&["flows", "list", "--workspace", ws]).stdout);
    let file = repo("tests/fixtures/flows/cycle.flow.json");
    let output = flowloom(&["import", path_str(&file), "--workspace", ws]);
    exits(&output, 1);
    let stderr = text(&output.stderr);
    assert!(stderr.contains("nothing was imported"), "{stderr}");
    assert!(stderr.contains("error[cycle] /nodes/"), "{stderr}");
    let after = text(&flowloom(&["flows", "list", "--workspace", ws]).stdout);
    assert_eq!(before, after);
}

/// The seeded example flows came from the files in `examples/`; exporting one gives that
/// file back byte for byte, on standard output or into a file.
#[test]
fn export_gives_back_the_example_file_byte_for_byte() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    let expected =
        std::fs::read_to_string(repo("examples/product-drilldown.flow.json")).expect("example");

    let output = flowloom(&["export", "comp_product_drilldown", "--workspace", ws]);
    exits(&output, 0);
    assert_eq!(text(&output.stdout), expected);

    let target = dir.path().join("out.flow.json");
    let output = flowloom(&[
        "export",
        "comp_product_drilldown",
        "-o",
        path_str(&target),
        "--workspace",
        ws,
    ]);
    exits(&output, 0);
    assert_eq!(
        std::fs::read_to_string(&target).expect("exported file"),
        expected
    );

    let missing = flowloom(&["export", "comp_nope", "--workspace", ws]);
    exits(&missing, 1);
    assert!(
        text(&missing.stderr).contains("comp_nope"),
        "{}",
        text(&missing.stderr)
    );
}

#[test]
fn schema_prints_the_committed_json_schema() {
    let output = flowloom(&["schema"]);
    exits(&output, 0);
    let committed =
        std::fs::read_to_string(repo("docs/flow-file.schema.json")).expect("committed schema");
    assert_eq!(text(&output.stdout), committed);
}

/// An example flow replaced by an edited file is a new version: `versions` lists both with what
/// changed, compares them, and restores the first as a third.
#[test]
fn versions_list_diff_and_restore_a_flow_replaced_by_a_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    // A new workspace holds the example flow as version 1.
    let original = repo("examples/low-ctr-review.flow.json");

    let mut edited: Value =
        serde_json::from_str(&std::fs::read_to_string(&original).expect("read")).expect("json");
    edited["composition"]["name"] = "Low CTR review, tighter".into();
    let node = edited["nodes"][0]["node_id"]
        .as_str()
        .expect("a node")
        .to_owned();
    edited["nodes"][0]["parameter_overrides"]["min_impressions"] = 5000.into();
    let file = dir.path().join("edited.flow.json");
    std::fs::write(&file, edited.to_string()).expect("write");
    let replaced = flowloom(&[
        "import",
        path_str(&file),
        "--on-conflict",
        "replace",
        "--workspace",
        ws,
    ]);
    exits(&replaced, 0);

    let listed = flowloom(&["versions", "list", "comp_low_ctr_review", "--workspace", ws]);
    exits(&listed, 0);
    let listed = text(&listed.stdout);
    assert!(listed.starts_with("version 2\t"), "{listed}");
    assert!(listed.contains("  ~ flow: name\n"), "{listed}");
    assert!(
        listed.contains(&format!("  ~ node {node}: parameter_overrides\n")),
        "{listed}"
    );

    let diff = flowloom(&[
        "versions",
        "diff",
        "comp_low_ctr_review",
        "2",
        "1",
        "--json",
        "--workspace",
        ws,
    ]);
    exits(&diff, 0);
    let changes: Value = serde_json::from_slice(&diff.stdout).expect("json");
    assert_eq!(
        changes[0],
        serde_json::json!({"type": "flow_modified", "fields": ["name"]})
    );

    let restored = flowloom(&[
        "versions",
        "restore",
        "comp_low_ctr_review",
        "1",
        "--workspace",
        ws,
    ]);
    exits(&restored, 0);
    assert_eq!(
        text(&restored.stdout),
        "comp_low_ctr_review is version 1 again, as version 3\n"
    );
    let exported = flowloom(&["export", "comp_low_ctr_review", "--workspace", ws]);
    let back: Value = serde_json::from_slice(&exported.stdout).expect("json");
    assert_eq!(back["composition"]["name"], "Low CTR review");

    let missing = flowloom(&[
        "versions",
        "diff",
        "comp_low_ctr_review",
        "1",
        "9",
        "--workspace",
        ws,
    ]);
    exits(&missing, 1);
    assert!(
        text(&missing.stderr)
            .contains("flow version `comp_low_ctr_review version 9` was not found")
    );
}

/// The gallery lists its flows by category with their goals; using one makes a flow of
/// one's own, listed with the others.
#[test]
fn a_gallery_flow_becomes_ones_own() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    let listed = flowloom(&["gallery", "list", "--workspace", ws]);
    exits(&listed, 0);
    let listed = text(&listed.stdout);
    assert_eq!(listed.lines().count(), 6, "{listed}");
    assert!(
        listed.contains("ftpl_big_spenders_return\tbudget\tBig spenders' return\tCheck whether"),
        "{listed}"
    );
    let used = flowloom(&[
        "gallery",
        "use",
        "ftpl_big_spenders_return",
        "--workspace",
        ws,
    ]);
    exits(&used, 0);
    assert_eq!(text(&used.stdout), "comp_big_spenders_return\n");
    let flows = text(&flowloom(&["flows", "list", "--workspace", ws]).stdout);
    assert!(
        flows.contains("comp_big_spenders_return\tBig spenders' return"),
        "{flows}"
    );
    let missing = flowloom(&["gallery", "use", "ftpl_nothing", "--workspace", ws]);
    exits(&missing, 1);
    assert!(text(&missing.stderr).contains("gallery flow `ftpl_nothing` was not found"));
}

/// Templates leave and come back as a template pack: an edited one replaces the
/// workspace's as its next version, or is kept beside it.
#[test]
fn templates_travel_as_a_pack() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = path_str(dir.path());
    let exported = flowloom(&[
        "templates",
        "export",
        "tpl_channel_summary",
        "--workspace",
        ws,
    ]);
    exits(&exported, 0);
    let mut pack: Value = serde_json::from_slice(&exported.stdout).expect("a pack");
    assert_eq!(pack["format"], "flowloom.templates");
    assert_eq!(pack["templates"].as_array().map(Vec::len), Some(1));
    let sql = pack["templates"][0]["sql"]
        .as_str()
        .expect("sql")
        .to_owned();
    pack["templates"][0]["sql"] = format!("{sql}-- edited\n").into();
    let file = dir.path().join("edited.templates.json");
    std::fs::write(&file, pack.to_string()).expect("write");

    let refused = flowloom(&["templates", "import", path_str(&file), "--workspace", ws]);
    exits(&refused, 1);
    let both = flowloom(&[
        "templates",
        "import",
        path_str(&file),
        "--on-conflict",
        "keep-both",
        "--workspace",
        ws,
    ]);
    exits(&both, 0);
    assert_eq!(
        text(&both.stdout),
        "template tpl_channel_summary: kept both: the file's is now tpl_channel_summary_2\n"
    );
    let replaced = flowloom(&[
        "templates",
        "import",
        path_str(&file),
        "--on-conflict",
        "replace",
        "--workspace",
        ws,
    ]);
    exits(&replaced, 0);
    let again = flowloom(&[
        "templates",
        "export",
        "tpl_channel_summary",
        "--workspace",
        ws,
    ]);
    let again: Value = serde_json::from_slice(&again.stdout).expect("a pack");
    assert_eq!(
        again["templates"][0]["version"], 2,
        "a replaced template is its next version"
    );
    assert!(
        again["templates"][0]["sql"]
            .as_str()
            .is_some_and(|s| s.ends_with("-- edited\n"))
    );
}

/// Only a regular file is read, and only up to its limit: a device that never ends, a
/// named pipe nothing writes to, a folder and an oversized file are each refused by what
/// they are, at once (exit 2); a file that starts with a UTF-8 byte order mark is read.
#[cfg(unix)]
#[test]
fn validate_reads_only_regular_files_within_their_limit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = dir.path().join("pipe.flow.json");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let large = dir.path().join("large.flow.json");
    std::fs::File::create(&large)
        .and_then(|f| f.set_len(51 * 1024 * 1024))
        .expect("a sparse 51 MB file");
    let cases = [
        (
            "/dev/zero".to_owned(),
            "/dev/zero is a device, not a regular file",
        ),
        (
            path_str(&fifo).to_owned(),
            "pipe.flow.json is a named pipe, not a regular file",
        ),
        (
            path_str(dir.path()).to_owned(),
            "is a folder, not a regular file",
        ),
        (
            path_str(&large).to_owned(),
            "large.flow.json is over 50 MB; files of this kind are limited to 50 MB",
        ),
    ];
    for (path, says) in cases {
        let output = flowloom(&["validate", &path]);
        exits(&output, 2);
        let stderr = text(&output.stderr);
        assert!(stderr.contains(says), "{path}: {stderr}");
    }

    let example = std::fs::read(repo("examples/low-ctr-review.flow.json")).expect("example");
    let with_bom = dir.path().join("bom.flow.json");
    std::fs::write(&with_bom, [b"\xef\xbb\xbf".as_slice(), &example].concat()).expect("file");
    exits(&flowloom(&["validate", path_str(&with_bom)]), 0);
}

/// `path` with its JSON changed by `edit`, written into `dir` as `name`.
fn edited(
    dir: &std::path::Path,
    path: &std::path::Path,
    name: &str,
    edit: impl FnOnce(&mut Value),
) -> String {
    let mut value: Value =
        serde_json::from_slice(&std::fs::read(path).expect("read")).expect("JSON");
    edit(&mut value);
    let out = dir.join(name);
    std::fs::write(&out, value.to_string()).expect("write");
    path_str(&out).to_owned()
}

/// A flow file may use the templates a workspace has without carrying them: `validate
/// --workspace` and `import` find them there, and `unknown_template` is for a template
/// neither has. The built-in data-table template never needs carrying.
#[test]
fn a_file_may_use_the_workspaces_templates_without_carrying_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws_dir = dir.path().join("ws");
    let ws = path_str(&ws_dir);
    exits(&flowloom(&["flows", "list", "--workspace", ws]), 0);
    let light = edited(
        dir.path(),
        &repo("examples/campaign-deep-dive.flow.json"),
        "light.flow.json",
        |flow| {
            flow["templates"] = serde_json::json!([]);
            flow["composition"]["composition_id"] = "comp_light".into();
        },
    );

    let alone = flowloom(&["validate", &light]);
    exits(&alone, 1);
    assert!(
        text(&alone.stdout).contains("error[unknown_template] /nodes/0/template_id"),
        "{}",
        text(&alone.stdout)
    );
    let with_ws = flowloom(&["validate", &light, "--workspace", ws]);
    exits(&with_ws, 0);
    assert!(
        text(&with_ws.stdout).ends_with("valid (0 warning(s))\n"),
        "{}",
        text(&with_ws.stdout)
    );
    let nowhere = flowloom(&[
        "validate",
        &light,
        "--workspace",
        path_str(&dir.path().join("nowhere")),
    ]);
    exits(&nowhere, 2);
    assert!(text(&nowhere.stderr).contains("is not a workspace"));
    assert!(
        !dir.path().join("nowhere").exists(),
        "validate creates no workspace"
    );

    let imported = flowloom(&["import", &light, "--workspace", ws]);
    exits(&imported, 0);
    assert_eq!(text(&imported.stdout), "imported comp_light\n");
    let ran = flowloom(&["run", "comp_light", "--workspace", ws]);
    exits(&ran, 0);

    // A template neither the file nor the workspace has is still unknown.
    let unknown = repo("tests/fixtures/flows/unknown-template.flow.json");
    let output = flowloom(&["validate", path_str(&unknown), "--workspace", ws]);
    exits(&output, 1);
    assert!(text(&output.stdout).contains("error[unknown_template]"));

    // Data-table nodes on the built-in template, which the file does not carry: valid with
    // or without a workspace.
    let tables = repo("tests/fixtures/runs/table-nodes.flow.json");
    for args in [
        vec!["validate", path_str(&tables)],
        vec!["validate", path_str(&tables), "--workspace", ws],
    ] {
        let output = flowloom(&args);
        exits(&output, 0);
        assert!(
            !text(&output.stdout).contains("unknown_template"),
            "{}",
            text(&output.stdout)
        );
    }
}

/// A file whose nodes are on an older version of a template than the workspace's warns
/// `template_changed` in `validate --workspace` and `import`; `import --update-templates`
/// moves them onto the current version and `--keep-templates` keeps theirs and declines it,
/// as the app's inspector does per node.
#[test]
fn a_file_on_an_older_template_version_warns_and_import_updates_or_keeps() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws_dir = dir.path().join("ws");
    let ws = path_str(&ws_dir);
    let old = dir.path().join("old.flow.json");
    exits(
        &flowloom(&[
            "export",
            "comp_campaign_deep_dive",
            "-o",
            path_str(&old),
            "--workspace",
            ws,
        ]),
        0,
    );
    // The workspace's template moves on to version 2.
    let pack = dir.path().join("top.templates.json");
    exits(
        &flowloom(&[
            "templates",
            "export",
            "tpl_top_campaigns_by_spend",
            "-o",
            path_str(&pack),
            "--workspace",
            ws,
        ]),
        0,
    );
    let pack = edited(dir.path(), &pack, "top2.templates.json", |pack| {
        let sql = pack["templates"][0]["sql"]
            .as_str()
            .expect("sql")
            .to_owned();
        pack["templates"][0]["sql"] = format!("{sql}-- version 2\n").into();
    });
    exits(
        &flowloom(&[
            "templates",
            "import",
            &pack,
            "--on-conflict",
            "replace",
            "--workspace",
            ws,
        ]),
        0,
    );

    // The workspace has the flow: validate judges the file as the keep-both imports below.
    let checked = flowloom(&[
        "validate",
        path_str(&old),
        "--on-conflict",
        "keep-both",
        "--workspace",
        ws,
    ]);
    exits(&checked, 0);
    let report = text(&checked.stdout);
    assert!(
        report.contains("warning[template_changed]")
            && report.contains("node `top_campaigns` uses version 1 of template")
            && report.ends_with("valid (1 warning(s))\n"),
        "{report}"
    );
    let alone = flowloom(&["validate", path_str(&old)]);
    assert!(
        !text(&alone.stdout).contains("template_changed"),
        "the file alone is consistent"
    );

    let exported = |id: &str| -> Value {
        let output = flowloom(&["export", id, "--workspace", ws]);
        exits(&output, 0);
        serde_json::from_slice(&output.stdout).expect("a flow file")
    };
    let carried_version = |file: &Value| {
        file["templates"]
            .as_array()
            .expect("templates")
            .iter()
            .filter(|t| t["template_id"] == "tpl_top_campaigns_by_spend")
            .map(|t| t["version"].as_u64().expect("a version"))
            .collect::<Vec<_>>()
    };
    let top = |file: &Value| {
        file["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .find(|n| n["node_id"] == "top_campaigns")
            .expect("top_campaigns")
            .clone()
    };

    let warned = flowloom(&[
        "import",
        path_str(&old),
        "--on-conflict",
        "keep-both",
        "--workspace",
        ws,
    ]);
    exits(&warned, 0);
    let said = text(&warned.stdout);
    assert!(
        said.starts_with("imported comp_campaign_deep_dive_2\n"),
        "{said}"
    );
    assert!(
        said.contains("warning[template_changed]") && said.contains("--update-templates"),
        "{said}"
    );
    assert_eq!(carried_version(&exported("comp_campaign_deep_dive_2")), [1]);

    let updated = flowloom(&[
        "import",
        path_str(&old),
        "--on-conflict",
        "keep-both",
        "--update-templates",
        "--workspace",
        ws,
    ]);
    exits(&updated, 0);
    assert!(
        !text(&updated.stdout).contains("template_changed"),
        "{}",
        text(&updated.stdout)
    );
    let file = exported("comp_campaign_deep_dive_3");
    assert_eq!(carried_version(&file), [2]);

    let kept = flowloom(&[
        "import",
        path_str(&old),
        "--on-conflict",
        "keep-both",
        "--keep-templates",
        "--workspace",
        ws,
    ]);
    exits(&kept, 0);
    assert!(
        !text(&kept.stdout).contains("template_changed"),
        "{}",
        text(&kept.stdout)
    );
    let file = exported("comp_campaign_deep_dive_4");
    assert_eq!(carried_version(&file), [1]);
    assert_eq!(top(&file)["node_config"]["declined_template_version"], 2);

    let both = flowloom(&[
        "import",
        path_str(&old),
        "--update-templates",
        "--keep-templates",
        "--workspace",
        ws,
    ]);
    exits(&both, 2);
}
