//! Flow files: canonical examples, byte-identical round trips, the diagnostics fixture
//! suite, upgrades, conflict policies, limits, and the committed JSON Schema.

use flowloom_core::flowfile::{
    self, FlowFile, ImportError, OnConflict, ReadError, TemplateFate, TemplatePack, schema,
};
use flowloom_core::validation::Code;
use flowloom_core::{CompositionId, Store, TemplateId};
use std::fs;
use std::path::{Path, PathBuf};

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn files_in(dir: &str, suffix: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(repo(dir))
        .expect("read dir")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    files.sort();
    files
}

/// Compares `actual` with the file at `path`, or rewrites the file when `UPDATE_EXPECT` is set.
#[track_caller]
fn expect_file(path: &Path, actual: &str) {
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        fs::write(path, actual).expect("write expectation");
        return;
    }
    let expected = fs::read_to_string(path).unwrap_or_default();
    assert!(
        expected == actual,
        "{} differs (rerun with UPDATE_EXPECT=1 to accept):\n--- expected\n{expected}\n--- actual\n{actual}",
        path.display()
    );
}

async fn store() -> (Store, tempfile::TempDir) {
    crate::support::empty_store().await
}

#[test]
fn example_files_are_in_canonical_form() {
    let flows = files_in("examples", ".flow.json");
    assert_eq!(flows.len(), 6, "the example flows and the gallery's own");
    for path in flows {
        let text = fs::read_to_string(&path).expect("read example");
        expect_file(
            &path,
            &FlowFile::read(&text).expect("example reads").to_text(),
        );
    }
    let pack = repo("examples/starter.templates.json");
    let text = fs::read_to_string(&pack).expect("read pack");
    expect_file(
        &pack,
        &TemplatePack::read(&text).expect("pack reads").to_text(),
    );
}

#[tokio::test]
async fn export_import_export_is_byte_identical_for_every_example() {
    for path in files_in("examples", ".flow.json") {
        let text = fs::read_to_string(&path).expect("read example");
        let id = FlowFile::read(&text)
            .expect("reads")
            .composition
            .composition_id;
        let (first, _a) = store().await;
        flowfile::import(&first, &text, OnConflict::Fail)
            .await
            .expect("import example");
        let exported = flowfile::export(&first, &id)
            .await
            .expect("export")
            .to_text();
        assert_eq!(
            exported,
            text,
            "{} changed on its way through a workspace",
            path.display()
        );

        let (second, _b) = store().await;
        flowfile::import(&second, &exported, OnConflict::Fail)
            .await
            .expect("import the export");
        assert_eq!(
            flowfile::export(&second, &id)
                .await
                .expect("export")
                .to_text(),
            exported
        );
    }
}

#[tokio::test]
async fn an_import_stores_the_plan() {
    let (store, _dir) = store().await;
    let text = fs::read_to_string(repo("examples/campaign-deep-dive.flow.json")).expect("read");
    flowfile::import(&store, &text, OnConflict::Fail)
        .await
        .expect("import");
    let flow = store
        .get_flow(&CompositionId::from("comp_campaign_deep_dive"))
        .await
        .expect("stored")
        .flow;
    let level = |id: &str| {
        flow.nodes
            .iter()
            .find(|n| n.node_id.as_str() == id)
            .and_then(|n| n.execution_order)
    };
    assert_eq!(level("top_campaigns"), Some(0));
    assert_eq!(level("daily_trend"), Some(1));
    assert_eq!(level("their_products"), Some(1));
    assert_eq!(
        level("exclusive_products"),
        Some(2),
        "longest path from a source"
    );
}

/// Every fixture flow file with the diagnostics it must produce beside it. A fixture with a
/// data folder (`<name>.data/`) is judged in a workspace over it, as `validate --workspace`
/// judges it (its SQL planned against those files; `<name>.workspace.json` imported into it
/// first); the others alone, as `validate FILE` judges them.
#[tokio::test]
async fn diagnostics_fixtures() {
    let fixtures = files_in("tests/fixtures/flows", ".flow.json");
    assert!(fixtures.len() >= 10, "only {} fixtures", fixtures.len());
    for path in fixtures {
        let text = fs::read_to_string(&path).expect("read fixture");
        let workspace = crate::verdicts::workspace_for(&path, None).await;
        let diagnostics = match (FlowFile::read(&text), workspace) {
            (Err(err), _) => err.diagnostics(),
            (Ok(file), None) => flowfile::check_file(file, &Default::default()).1,
            (Ok(file), Some(ws)) => {
                flowfile::check_in_workspace(&ws.store, file, OnConflict::Fail, Some(&ws.engine))
                    .await
                    .expect("the workspace answers")
                    .1
            }
        };
        let rendered: String = diagnostics.iter().map(|d| format!("{d}\n")).collect();
        let rendered = if rendered.is_empty() {
            "valid\n".to_owned()
        } else {
            rendered
        };
        expect_file(
            &path.with_extension("").with_extension("expected"),
            &rendered,
        );
    }
}

/// Every code is produced by a fixture (`inactive_template` only arises in a workspace, so
/// its test is the next one) and documented in `docs/diagnostics.md`.
#[test]
fn every_diagnostic_code_has_a_fixture_and_documentation() {
    let expected: String = files_in("tests/fixtures/flows", ".expected")
        .iter()
        .map(|p| fs::read_to_string(p).expect("read expectation"))
        .collect();
    let docs = fs::read_to_string(repo("docs/diagnostics.md")).expect("read docs");
    for code in Code::ALL {
        assert!(
            docs.contains(&format!("| `{code}` |")),
            "`{code}` is not in docs/diagnostics.md"
        );
        if code != Code::InactiveTemplate {
            assert!(
                expected.contains(&format!("[{code}]")),
                "no fixture produces `{code}`"
            );
        }
    }
}

#[tokio::test]
async fn an_inactive_template_makes_a_stored_flow_invalid() {
    // `inactive_template` can only arise in a workspace (files carry no activity flag).
    let (store, _dir) = crate::support::store_with_templates().await;
    let flow = crate::support::deep_dive();
    sqlx::query(
        "UPDATE query_templates SET is_active = 0 WHERE template_id = 'tpl_campaign_products'",
    )
    .execute(store.pool())
    .await
    .expect("deactivate");
    let catalog = flowloom_core::validation::Catalog::from_details(
        store.list_templates().await.expect("templates"),
    );
    let diagnostics = flowloom_core::validation::check(&flow, &catalog);
    let rendered: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(
        rendered,
        [
            "error[inactive_template] /nodes/2/template_id: node `their_products` uses template `tpl_campaign_products`, which is inactive"
        ]
    );
    assert_eq!(
        diagnostics[0].node_ids,
        [flowloom_core::NodeId::from("their_products")]
    );
}

#[tokio::test]
async fn a_version_0_file_is_upgraded_on_import() {
    let text =
        fs::read_to_string(repo("tests/fixtures/upgrade/deep-dive.v0.flow.json")).expect("read v0");
    let upgraded = FlowFile::read(&text).expect("v0 reads").to_text();
    expect_file(
        &repo("tests/fixtures/upgrade/deep-dive.v0.upgraded.flow.json"),
        &upgraded,
    );
    let (store, _dir) = store().await;
    flowfile::import(&store, &text, OnConflict::Fail)
        .await
        .expect("import v0");
}

#[tokio::test]
async fn conflicting_templates_and_flows_follow_the_chosen_policy() {
    let original = fs::read_to_string(repo("examples/low-ctr-review.flow.json")).expect("read");
    let edited = original.replace(
        "Campaigns with enough impressions whose CTR stays under a threshold.",
        "Edited elsewhere.",
    );
    assert_ne!(original, edited);
    let roas = TemplateId::from("tpl_campaign_roas");
    let low_ctr = TemplateId::from("tpl_low_ctr_campaigns");

    let (store, _dir) = store().await;
    flowfile::import(&store, &original, OnConflict::Fail)
        .await
        .expect("first import");

    // The same file again: templates are identical (reused), the flow id is taken.
    let again = flowfile::import(&store, &original, OnConflict::Fail)
        .await
        .expect_err("flow exists");
    let codes = |err: &ImportError| match err {
        ImportError::Conflicts(ds) => ds.iter().map(|d| (d.code, d.message.clone())).collect(),
        _ => Vec::new(),
    };
    assert_eq!(
        codes(&again),
        [(
            Code::FlowConflict,
            "flow `comp_low_ctr_review` already exists; choose keep-both or replace".to_owned()
        )]
    );

    let refused = flowfile::import(&store, &edited, OnConflict::Fail)
        .await
        .expect_err("template differs");
    assert!(
        codes(&refused)
            .iter()
            .any(|(code, message)| *code == Code::TemplateConflict
                && message.contains(&format!("`{low_ctr}`"))),
        "{refused}"
    );
    assert_eq!(
        store.list_templates().await.expect("list").len(),
        4 + 1,
        "a refused import wrote something (beside the built-in data-table template)"
    );

    let kept = flowfile::import(&store, &edited, OnConflict::KeepBoth)
        .await
        .expect("keep both");
    assert_eq!(kept.composition_id.as_str(), "comp_low_ctr_review_2");
    assert!(
        kept.templates
            .contains(&(roas.clone(), TemplateFate::Reused))
    );
    let renamed = TemplateId::from("tpl_low_ctr_campaigns_2");
    assert!(
        kept.templates
            .contains(&(low_ctr.clone(), TemplateFate::RenamedTo(renamed.clone())))
    );
    let copy = store
        .get_flow(&kept.composition_id)
        .await
        .expect("copy stored")
        .flow;
    assert!(
        copy.nodes.iter().any(|n| n.template_id == renamed),
        "the copy uses the renamed template"
    );
    assert_eq!(
        store
            .get_template(&low_ctr)
            .await
            .expect("kept")
            .template
            .description,
        "Campaigns with enough impressions whose CTR stays under a threshold."
    );

    let replaced = flowfile::import(&store, &edited, OnConflict::Replace)
        .await
        .expect("replace");
    assert!(replaced.replaced_flow);
    assert!(
        replaced
            .templates
            .contains(&(low_ctr.clone(), TemplateFate::Replaced))
    );
    assert_eq!(
        store
            .get_template(&low_ctr)
            .await
            .expect("replaced")
            .template
            .description,
        "Edited elsewhere."
    );
}

#[tokio::test]
async fn an_invalid_file_imports_nothing() {
    let (store, _dir) = store().await;
    let text = fs::read_to_string(repo("tests/fixtures/flows/cycle.flow.json")).expect("read");
    let err = flowfile::import(&store, &text, OnConflict::Fail)
        .await
        .expect_err("cycle");
    assert!(
        matches!(err, ImportError::Invalid(ref ds) if ds.iter().any(|d| d.code == Code::Cycle)),
        "{err}"
    );
    let templates = store.list_templates().await.expect("list");
    assert!(
        templates
            .iter()
            .all(|t| t.template.template_id.as_str() == "tpl_data_table"),
        "only the built-in template"
    );
}

#[test]
fn oversized_and_overnested_files_are_refused_before_parsing() {
    let huge = format!(
        "{{\"format\": \"flowloom.flow\", \"pad\": \"{}\"}}",
        "x".repeat(flowfile::MAX_FILE_BYTES)
    );
    let Err(ReadError::Unreadable(d)) = FlowFile::read(&huge) else {
        panic!("a 50 MB file was read")
    };
    assert!(d.message.contains("limited to 50 MB"), "{}", d.message);

    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let Err(ReadError::Unreadable(d)) = FlowFile::read(&deep) else {
        panic!("deep nesting was read")
    };
    assert_eq!(
        d.message,
        "the JSON nests deeper than 64 levels (at line 1)"
    );
}

#[test]
fn the_committed_schema_is_current() {
    expect_file(
        &repo("docs/flow-file.schema.json"),
        &schema::flow_file_schema_text(),
    );
}
