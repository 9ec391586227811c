//! The flow gallery on a real workspace: every workspace has the build's gallery flows, in
//! categories with their goals; each runs on the sample data; "use this flow" makes the
//! user's own flow linked to its entry, which outlives the entry.

use crate::support::{run_manually, sample_workspace};
use flowloom_core::engine::run::RunStatus;
use flowloom_core::validation;
use flowloom_core::{FlowQuery, gallery};
use std::collections::BTreeSet;

#[tokio::test]
async fn every_gallery_flow_can_be_used_and_runs_on_the_sample_data() {
    let (workspace, engine, _, _dir) = sample_workspace().await;
    let store = workspace.store();
    let listed = store.list_gallery().await.expect("gallery");
    assert!(listed.len() >= 6, "{listed:#?}");
    let categories: BTreeSet<&str> = listed.iter().map(|t| t.category.as_str()).collect();
    assert_eq!(
        categories,
        BTreeSet::from(["anomalies", "budget", "performance", "products"])
    );
    assert!(
        listed
            .iter()
            .all(|t| !t.goal.is_empty() && t.node_count > 0 && t.flows_made == 0)
    );

    for entry in &listed {
        let made = gallery::use_flow(store, &entry.id)
            .await
            .expect("use this flow");
        let detail = store
            .get_flow(&made.composition_id)
            .await
            .expect("the user's flow");
        assert_eq!(
            detail.meta.flow_template_id.as_deref(),
            Some(entry.id.as_str())
        );
        let catalog =
            validation::Catalog::from_details(store.list_templates().await.expect("templates"));
        let flow = validation::validate(detail.flow, &catalog).expect("valid");
        let (_, run) = run_manually(&workspace, &engine, &flow).await;
        assert_eq!(run.status, RunStatus::Completed, "{}: {run:#?}", entry.name);
        assert!(
            run.nodes
                .iter()
                .all(|n| n.result.as_ref().is_some_and(|r| r.row_count > 0)),
            "{} has an empty node on the sample data",
            entry.name
        );
    }
}

#[tokio::test]
async fn a_used_flow_is_the_users_own_and_outlives_its_gallery_entry() {
    let (workspace, _, _, _dir) = sample_workspace().await;
    let store = workspace.store();
    // The workspace already holds the example flow of the same id: the copy gets a new one.
    let first = gallery::use_flow(store, "ftpl_low_ctr_review")
        .await
        .expect("use");
    assert_eq!(first.composition_id.as_str(), "comp_low_ctr_review_2");
    let second = gallery::use_flow(store, "ftpl_low_ctr_review")
        .await
        .expect("use again");
    assert_eq!(second.composition_id.as_str(), "comp_low_ctr_review_3");
    let entry = store
        .list_gallery()
        .await
        .expect("gallery")
        .into_iter()
        .find(|t| t.id == "ftpl_low_ctr_review")
        .expect("listed");
    assert_eq!(entry.flows_made, 2);

    sqlx::query("DELETE FROM flow_templates WHERE id = 'ftpl_low_ctr_review'")
        .execute(store.pool())
        .await
        .expect("the entry goes");
    let kept = store
        .get_flow(&first.composition_id)
        .await
        .expect("the flow stays");
    assert_eq!(kept.meta.flow_template_id, None, "its link is cleared");
    let flows = store
        .list_flows(&FlowQuery::default())
        .await
        .expect("flows");
    assert!(
        flows
            .iter()
            .any(|f| f.composition_id == second.composition_id)
    );

    // Opening the workspace again brings the build's gallery back.
    let reopened = flowloom_core::Workspace::open(workspace.root())
        .await
        .expect("reopen");
    assert!(
        reopened
            .store()
            .list_gallery()
            .await
            .expect("gallery")
            .iter()
            .any(|t| t.id == "ftpl_low_ctr_review")
    );
    assert!(matches!(
        gallery::use_flow(store, "ftpl_nothing").await,
        Err(gallery::GalleryError::Store(
            flowloom_core::StoreError::NotFound { .. }
        ))
    ));
}

#[tokio::test]
async fn opening_or_running_a_flow_marks_it_used_without_marking_it_changed() {
    let (workspace, _, _, _dir) = sample_workspace().await;
    let store = workspace.store();
    let id = "comp_product_drilldown".into();
    let before = store.get_flow(&id).await.expect("flow").meta;
    assert_eq!(before.last_used_at, None);
    store.mark_used(&id).await.expect("opened");
    let after = store.get_flow(&id).await.expect("flow").meta;
    assert!(after.last_used_at.is_some());
    assert_eq!(after.updated_at, before.updated_at, "using is not editing");
}
