//! Flows keep the template version they were built with: a changed template is shown on
//! the flows using it, which update to it (validated again) or keep their version — and
//! run the version they are on, in the workspace and through flow files.

use crate::support::{run_manually, sample_workspace};
use flowloom_core::engine::LocalEngine;
use flowloom_core::engine::run::{FlowRun, RunStatus};
use flowloom_core::flowfile::{self, OnConflict, TemplateFate};
use flowloom_core::ids::{CompositionId, TemplateId};
use flowloom_core::validation::{self, Code, Diagnostic};
use flowloom_core::{Flow, ParamSpec, Template, Workspace};
use std::sync::Arc;

const FLOW: &str = "comp_campaign_deep_dive";
const LEAF: &str = "exclusive_products";
const TEMPLATE: &str = "tpl_exclusive_products";

async fn flow(workspace: &Workspace) -> Flow {
    workspace
        .store()
        .get_flow(&CompositionId::from(FLOW))
        .await
        .expect("the example flow")
        .flow
}

fn leaf(flow: &mut Flow) -> &mut flowloom_core::Node {
    flow.nodes
        .iter_mut()
        .find(|n| n.node_id.as_str() == LEAF)
        .expect("leaf node")
}

/// Saves the template with `change` applied, as the template editor does (its next version).
async fn change_template(workspace: &Workspace, change: impl FnOnce(&mut Template)) -> u32 {
    let store = workspace.store();
    let mut template = store
        .get_template(&TemplateId::from(TEMPLATE))
        .await
        .expect("template")
        .template;
    change(&mut template);
    store
        .save_template(&template)
        .await
        .expect("saved")
        .template
        .version
}

/// Renames a column of the template's result, so the SQL run shows which version ran.
fn rename_category(template: &mut Template) {
    template.sql = template
        .sql
        .replacen("p.category", "p.category AS product_category", 1);
}

async fn problems(workspace: &Workspace, flow: &Flow) -> Vec<Diagnostic> {
    let catalog = workspace.store().catalog_for(flow).await.expect("catalog");
    validation::check(flow, &catalog)
}

fn codes(diagnostics: &[Diagnostic]) -> Vec<(Code, String)> {
    diagnostics
        .iter()
        .map(|d| (d.code, d.path.clone()))
        .collect()
}

async fn run(workspace: &Workspace, engine: &Arc<LocalEngine>, flow: Flow) -> FlowRun {
    let catalog = workspace.store().catalog_for(&flow).await.expect("catalog");
    let flow = validation::validate(flow, &catalog).expect("valid");
    let (_, run) = run_manually(workspace, engine, &flow).await;
    assert_eq!(run.status, RunStatus::Completed, "{run:#?}");
    run
}

fn sql_of<'r>(run: &'r FlowRun, node: &str) -> &'r str {
    run.nodes
        .iter()
        .find(|n| n.node_id.as_str() == node)
        .and_then(|n| n.sql.as_deref())
        .expect("the node ran SQL")
}

#[tokio::test]
async fn a_node_runs_the_version_it_was_built_with_until_it_is_updated() {
    let (workspace, engine, _, _dir) = sample_workspace().await;
    let store = workspace.store();
    let mut flow = flow(&workspace).await;
    assert!(
        flow.nodes.iter().all(|n| n.template_version == Some(1)),
        "every stored node is pinned: {:#?}",
        flow.nodes
    );

    assert_eq!(change_template(&workspace, rename_category).await, 2);
    let detail = store
        .get_flow(&CompositionId::from(FLOW))
        .await
        .expect("flow");
    assert_eq!(leaf(&mut detail.flow.clone()).template_version, Some(1));
    assert_eq!(
        detail
            .pinned_templates
            .iter()
            .map(|t| (t.template_id.as_str(), t.version))
            .collect::<Vec<_>>(),
        [(TEMPLATE, 1)],
        "the flow brings the version its node is on"
    );
    let changed = problems(&workspace, &flow).await;
    assert_eq!(
        codes(&changed),
        [(
            Code::TemplateChanged,
            "/nodes/3/template_version".to_owned()
        )]
    );
    assert_eq!(
        changed[0].message,
        "node `exclusive_products` uses version 1 of template `Products no other campaign sells` (tpl_exclusive_products), which is now at version 2: update the node, or keep version 1"
    );
    assert_eq!(changed[0].node_ids, [LEAF.into()]);

    let kept = run(&workspace, &engine, flow.clone()).await;
    assert!(!sql_of(&kept, LEAF).contains("product_category"));

    leaf(&mut flow).template_version = Some(2);
    store.save_flow(&flow).await.expect("updated");
    assert_eq!(problems(&workspace, &flow).await, []);
    let updated = run(&workspace, &engine, flow.clone()).await;
    assert!(sql_of(&updated, LEAF).contains("p.category AS product_category"));
    let stored = store
        .get_flow(&CompositionId::from(FLOW))
        .await
        .expect("flow");
    assert!(stored.pinned_templates.is_empty());
}

#[tokio::test]
async fn keeping_a_version_silences_that_version_until_a_later_one() {
    let (workspace, _engine, _, _dir) = sample_workspace().await;
    let mut flow = flow(&workspace).await;
    change_template(&workspace, rename_category).await;

    leaf(&mut flow).node_config.declined_template_version = Some(2);
    workspace.store().save_flow(&flow).await.expect("kept");
    let flow = self::flow(&workspace).await;
    assert_eq!(problems(&workspace, &flow).await, []);

    change_template(&workspace, |t| t.description = "now with a note".into()).await;
    let again = problems(&workspace, &flow).await;
    assert_eq!(
        codes(&again),
        [(
            Code::TemplateChanged,
            "/nodes/3/template_version".to_owned()
        )]
    );
    assert!(again[0].message.contains("which is now at version 3"));
}

#[tokio::test]
async fn updating_checks_the_node_against_the_new_version() {
    let (workspace, engine, _, _dir) = sample_workspace().await;
    let mut flow = flow(&workspace).await;
    change_template(&workspace, |t| {
        t.sql.push_str("-- at least {{min_units}} units\n");
        t.parameters.push(
            serde_json::from_value::<ParamSpec>(serde_json::json!({
                "name": "min_units", "type": "integer", "required": true
            }))
            .expect("parameter"),
        );
    })
    .await;

    let mut updated = flow.clone();
    leaf(&mut updated).template_version = Some(2);
    let problems_after_update = problems(&workspace, &updated).await;
    assert!(
        problems_after_update
            .iter()
            .any(|d| d.code == Code::MissingParameter && d.node_ids == [LEAF.into()]),
        "{problems_after_update:#?}"
    );

    // Keeping version 1 keeps a flow that runs.
    leaf(&mut flow).node_config.declined_template_version = Some(2);
    run(&workspace, &engine, flow).await;
}

#[tokio::test]
async fn a_save_without_versions_keeps_each_node_on_its_own() {
    let (workspace, _engine, _, _dir) = sample_workspace().await;
    let store = workspace.store();
    change_template(&workspace, rename_category).await;

    // A caller that knows nothing of versions (an older client, a hand-written flow).
    let mut flow = flow(&workspace).await;
    for node in &mut flow.nodes {
        node.template_version = None;
    }
    let mut added = leaf(&mut flow).clone();
    added.node_id = "another_look".into();
    flow.nodes.push(added);
    leaf(&mut flow).position.x += 40.0;
    store.save_flow(&flow).await.expect("saved");

    let stored = self::flow(&workspace).await;
    let version_of = |id: &str| {
        stored
            .nodes
            .iter()
            .find(|n| n.node_id.as_str() == id)
            .and_then(|n| n.template_version)
    };
    assert_eq!(version_of(LEAF), Some(1), "a moved node keeps its version");
    assert_eq!(
        version_of("another_look"),
        Some(2),
        "a new node is on the current one"
    );

    // A node given another template takes that template's current version.
    let mut swapped = stored.clone();
    let node = leaf(&mut swapped);
    node.template_id = "tpl_campaign_products".into();
    node.template_version = None;
    store.save_flow(&swapped).await.expect("saved");
    let mut stored = self::flow(&workspace).await;
    assert_eq!(leaf(&mut stored).template_version, Some(1));
}

#[tokio::test]
async fn a_version_that_does_not_exist_is_refused_by_name() {
    let (workspace, _engine, _, _dir) = sample_workspace().await;
    let mut flow = flow(&workspace).await;
    leaf(&mut flow).template_version = Some(7);
    let found = problems(&workspace, &flow).await;
    assert_eq!(
        codes(&found),
        [(
            Code::UnknownTemplateVersion,
            "/nodes/3/template_version".to_owned()
        )]
    );
    assert_eq!(
        found[0].message,
        "node `exclusive_products` is built on version 7 of template `tpl_exclusive_products`, which has no such version (its newest is 1)"
    );
}

#[tokio::test]
async fn flow_files_carry_the_versions_their_nodes_are_built_on() {
    let (workspace, engine, _, _dir) = sample_workspace().await;
    let store = workspace.store();
    change_template(&workspace, rename_category).await;
    // Two nodes of one template on different versions.
    let mut flow = flow(&workspace).await;
    let mut newer = leaf(&mut flow).clone();
    newer.node_id = "on_version_two".into();
    newer.template_version = Some(2);
    newer.position.y += 200.0;
    flow.nodes.push(newer);
    let mut feeds = flow
        .connections
        .iter()
        .filter(|c| c.target_node_id.as_str() == LEAF)
        .cloned()
        .collect::<Vec<_>>();
    for c in &mut feeds {
        c.connection_id = format!("{}_too", c.connection_id).as_str().into();
        c.target_node_id = "on_version_two".into();
    }
    flow.connections.extend(feeds);
    store.save_flow(&flow).await.expect("saved");

    let file = flowfile::export(store, &CompositionId::from(FLOW))
        .await
        .expect("export");
    let carried: Vec<(&str, u32)> = file
        .templates
        .iter()
        .filter(|t| t.template_id.as_str() == TEMPLATE)
        .map(|t| (t.template_id.as_str(), t.version))
        .collect();
    assert_eq!(carried, [(TEMPLATE, 1), (TEMPLATE, 2)]);
    let versions: Vec<(&str, Option<u32>)> = file
        .nodes
        .iter()
        .map(|n| (n.node_id.as_str(), n.template_version))
        .collect();
    assert_eq!(
        versions,
        [
            ("top_campaigns", None),
            ("daily_trend", None),
            ("their_products", None),
            (LEAF, Some(1)),
            ("on_version_two", Some(2)),
        ],
        "a node names its version only where the file carries several"
    );
    let text = file.to_text();
    let (_, diagnostics) = flowfile::check(&text).expect("readable");
    assert_eq!(
        codes(&diagnostics),
        [(
            Code::TemplateChanged,
            "/nodes/3/template_version".to_owned()
        )],
        "the file tells the older node's version from the newest it carries"
    );

    // Into a fresh workspace: both versions arrive, each node on its own, and the flow
    // exports to the same text.
    let (elsewhere, elsewhere_engine, _, _dir2) = sample_workspace().await;
    let there = elsewhere.store();
    there
        .delete_flow(&CompositionId::from(FLOW))
        .await
        .expect("make room");
    let outcome = flowfile::import(there, &text, OnConflict::Fail)
        .await
        .expect("imported");
    let fates: Vec<&TemplateFate> = outcome
        .templates
        .iter()
        .filter(|(id, _)| id.as_str() == TEMPLATE)
        .map(|(_, fate)| fate)
        .collect();
    assert_eq!(fates, [&TemplateFate::Reused, &TemplateFate::Updated]);
    let again = flowfile::export(there, &CompositionId::from(FLOW))
        .await
        .expect("export again");
    assert_eq!(again.to_text(), text);
    let ran = run(&elsewhere, &elsewhere_engine, self::flow(&elsewhere).await).await;
    assert!(!sql_of(&ran, LEAF).contains("product_category"));
    assert!(sql_of(&ran, "on_version_two").contains("product_category"));

    // Back into the first workspace beside itself: every version is reused.
    let beside = flowfile::import(store, &text, OnConflict::KeepBoth)
        .await
        .expect("imported beside");
    assert!(
        beside
            .templates
            .iter()
            .all(|(_, fate)| *fate == TemplateFate::Reused),
        "{beside:#?}"
    );
    run(&workspace, &engine, self::flow(&workspace).await).await;
}
