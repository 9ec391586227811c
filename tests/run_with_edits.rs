//! A click on Run with unsaved edits (`Runs::flow_to_run`): the edits are saved and
//! validated once, and the run runs them; edits with an error are saved and refused with
//! every problem, nothing run; edits of another flow are refused, nothing saved.

use crate::support::sample_workspace;
use flowloom_core::api::{RunRequest, Runs, RunsError};
use flowloom_core::model::{RunStatus, Trigger};
use flowloom_core::{CompositionId, Flow};

const FLOW: &str = "comp_low_ctr_review";

/// Flow `id` as stored, and its newest version (0 before any).
async fn stored(runs: &Runs, id: &CompositionId) -> (Flow, u32) {
    let store = runs.workspace().store();
    let detail = store.get_flow(id).await.expect("stored");
    let versions = store.list_versions(id).await.expect("versions");
    (detail.flow, versions.first().map_or(0, |v| v.version))
}

#[tokio::test]
async fn edits_sent_with_a_run_are_saved_validated_once_and_run() {
    let (workspace, engine, _, _dir) = sample_workspace().await;
    let runs = Runs::new(workspace, engine);
    let id = CompositionId::from(FLOW);
    let (mut flow, before) = stored(&runs, &id).await;
    flow.composition.description = "edited just before the run".into();

    let (valid, saved) = runs
        .flow_to_run(&id, Some(flow.clone()))
        .await
        .expect("valid edits");
    let saved = saved.expect("the edits were saved");
    assert_eq!(saved.version, before + 1, "a new version");
    assert!(saved.diagnostics.iter().all(|d| !d.is_error()));
    let (now, version) = stored(&runs, &id).await;
    assert_eq!(version, saved.version);
    assert_eq!(now.composition.description, flow.composition.description);

    let (run, report) = runs
        .start(&valid, &RunRequest::default(), Trigger::Manual, &|_| {})
        .await
        .expect("runs");
    assert_eq!(report.status, RunStatus::Completed);
    let outcome = runs.outcome(&id, run).await.expect("outcome");
    assert_eq!(
        outcome.run.version,
        Some(saved.version),
        "the run ran the edits"
    );

    // Without edits, the stored flow runs as it is: nothing saved.
    let (_, none) = runs.flow_to_run(&id, None).await.expect("stored flow");
    assert!(none.is_none());
    assert_eq!(stored(&runs, &id).await.1, saved.version);
}

#[tokio::test]
async fn edits_with_an_error_are_saved_and_refused_with_every_problem() {
    let (workspace, engine, _, _dir) = sample_workspace().await;
    let runs = Runs::new(workspace, engine);
    let id = CompositionId::from(FLOW);
    let (mut flow, before) = stored(&runs, &id).await;
    let low_ctr = &mut flow.nodes[0];
    low_ctr
        .parameter_overrides
        .insert("max_ctr".into(), serde_json::json!("lots"));

    let refused = runs.flow_to_run(&id, Some(flow.clone())).await;
    let Err(RunsError::Invalid(diagnostics)) = refused else {
        panic!("edits naming a missing template ran: {refused:?}");
    };
    assert!(
        diagnostics
            .iter()
            .any(|d| d.is_error() && d.message.contains("max_ctr")),
        "{diagnostics:?}"
    );
    let (now, version) = stored(&runs, &id).await;
    assert_eq!(
        version,
        before + 1,
        "drawn one step at a time: saved anyway"
    );
    assert_eq!(
        now.nodes[0].parameter_overrides,
        flow.nodes[0].parameter_overrides
    );
    let history = runs
        .workspace()
        .store()
        .list_runs(Some(&id))
        .await
        .expect("runs");
    assert!(history.is_empty(), "nothing ran: {history:?}");
}

#[tokio::test]
async fn edits_of_another_flow_are_refused_and_not_saved() {
    let (workspace, engine, _, _dir) = sample_workspace().await;
    let runs = Runs::new(workspace, engine);
    let (other, other_version) =
        stored(&runs, &CompositionId::from("comp_product_drilldown")).await;
    let refused = runs
        .flow_to_run(&CompositionId::from(FLOW), Some(other))
        .await;
    assert!(
        matches!(refused, Err(RunsError::NotThisFlow { .. })),
        "{refused:?}"
    );
    let (_, version) = stored(&runs, &CompositionId::from("comp_product_drilldown")).await;
    assert_eq!(version, other_version);
}
