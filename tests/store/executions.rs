//! Run history has no store API yet (the engine brings it); these tests write its rows
//! directly to prove the schema's rules and cascades.

use crate::support::{assert_constraint, count, deep_dive, exec, store_with_templates};
use flowloom_core::{CompositionId, Store};

/// A stored deep-dive flow with one version (its creation), one run of it, node runs and
/// log rows.
async fn flow_with_a_run() -> (Store, tempfile::TempDir) {
    let (store, dir) = store_with_templates().await;
    store.create_flow(&deep_dive()).await.expect("create flow");
    exec(
        &store,
        "INSERT INTO flow_executions (composition, version, status, trigger_type)
             SELECT composition, id, 'COMPLETED', 'manual' FROM composition_versions;
         INSERT INTO node_executions (execution, node_id, status)
             SELECT e.id, n.node_id, 'COMPLETED' FROM flow_executions e, composition_nodes n;
         INSERT INTO execution_logs (execution, node_id, step_index, action_type, status)
             SELECT execution, node_id, 0, 'RUN_QUERY', 'SUCCESS' FROM node_executions;
         INSERT INTO composition_favorites (composition) SELECT id FROM compositions;",
    )
    .await
    .expect("write a run");
    (store, dir)
}

#[tokio::test]
async fn deleting_a_flow_removes_everything_that_hangs_off_it() {
    let (store, _dir) = flow_with_a_run().await;
    let tables = [
        "composition_nodes",
        "composition_connections",
        "composition_versions",
        "composition_favorites",
        "flow_executions",
        "node_executions",
        "execution_logs",
    ];
    let counts = |store: &Store| {
        let store = store.clone();
        async move {
            let mut counts = Vec::new();
            for table in tables {
                counts.push((
                    table,
                    count(&store, format!("SELECT count(*) FROM {table}")).await,
                ));
            }
            counts
        }
    };
    assert!(
        counts(&store).await.iter().all(|(_, n)| *n > 0),
        "fixture incomplete: {:?}",
        counts(&store).await
    );

    let detail = store
        .get_flow(&CompositionId::from("comp_campaign_deep_dive"))
        .await
        .expect("read");
    assert_eq!(detail.meta.execution_count, 1);
    assert!(detail.meta.is_favorite);

    store
        .delete_flow(&CompositionId::from("comp_campaign_deep_dive"))
        .await
        .expect("delete");
    assert_eq!(counts(&store).await, tables.map(|t| (t, 0)).to_vec());
}

#[tokio::test]
async fn statuses_are_the_documented_ones() {
    let (store, _dir) = flow_with_a_run().await;
    assert_constraint(
        exec(&store, "UPDATE flow_executions SET status = 'DONE'").await,
        "flow_execution_status",
    );
    // Node runs may be SKIPPED; flow runs may not.
    exec(&store, "UPDATE node_executions SET status = 'SKIPPED'")
        .await
        .expect("skipped node run");
    assert_constraint(
        exec(&store, "UPDATE flow_executions SET status = 'SKIPPED'").await,
        "flow_execution_status",
    );
    assert_constraint(
        exec(&store, "UPDATE node_executions SET status = 'WAITING'").await,
        "node_execution_status",
    );
    assert_constraint(
        exec(&store, "UPDATE execution_logs SET status = 'COMPLETED'").await,
        "execution_log_status",
    );
    assert_constraint(
        exec(
            &store,
            "UPDATE flow_executions SET trigger_type = 'webhook'",
        )
        .await,
        "flow_execution_trigger_type",
    );
}

#[tokio::test]
async fn a_run_that_has_not_ended_has_no_completion_time() {
    let (store, _dir) = flow_with_a_run().await;
    assert_constraint(
        exec(
            &store,
            "UPDATE flow_executions SET status = 'RUNNING', completed_at = '2026-01-01T00:00:00Z'",
        )
        .await,
        "flow_execution_completed_is_final",
    );
}

#[tokio::test]
async fn a_run_has_exactly_one_source() {
    let (store, _dir) = flow_with_a_run().await;
    exec(
        &store,
        "INSERT INTO flow_templates (id, name, definition) VALUES ('ftpl_weekly', 'Weekly', '{}')",
    )
    .await
    .expect("gallery entry");
    assert_constraint(
        exec(
            &store,
            "INSERT INTO flow_executions (status) VALUES ('PENDING')",
        )
        .await,
        "flow_execution_exactly_one_source",
    );
    assert_constraint(
        exec(
            &store,
            "INSERT INTO flow_executions (composition, flow_template_id) SELECT id, 'ftpl_weekly' FROM compositions",
        )
        .await,
        "flow_execution_exactly_one_source",
    );
    exec(
        &store,
        "INSERT INTO flow_executions (flow_template_id) VALUES ('ftpl_weekly')",
    )
    .await
    .expect("a run of a gallery flow");
}

#[tokio::test]
async fn a_gallery_entry_outlives_neither_its_runs_nor_its_links() {
    let (store, _dir) = flow_with_a_run().await;
    exec(
        &store,
        "INSERT INTO flow_templates (id, name, definition) VALUES ('ftpl_weekly', 'Weekly', '{}');
         UPDATE compositions SET flow_template_id = 'ftpl_weekly';
         INSERT INTO flow_executions (flow_template_id) VALUES ('ftpl_weekly');",
    )
    .await
    .expect("gallery entry in use");
    exec(&store, "DELETE FROM flow_templates")
        .await
        .expect("delete gallery entry");
    // The user's flow stays, unlinked; the gallery entry's own runs go with it.
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM compositions WHERE flow_template_id IS NULL"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM flow_executions WHERE composition IS NULL"
        )
        .await,
        0
    );
    assert_eq!(
        count(&store, "SELECT count(*) FROM flow_executions").await,
        1
    );
}

#[tokio::test]
async fn a_version_that_has_run_is_immutable() {
    let (store, _dir) = flow_with_a_run().await;
    assert_constraint(
        exec(
            &store,
            "UPDATE composition_versions SET snapshot = '{\"edited\": true}'",
        )
        .await,
        "composition_version_immutable",
    );
    // A version nobody ran can still be amended.
    exec(
        &store,
        "INSERT INTO composition_versions (composition, version, snapshot) SELECT id, 2, '{}' FROM compositions;
         UPDATE composition_versions SET snapshot = '{\"edited\": true}' WHERE version = 2;",
    )
    .await
    .expect("edit an unrun version");
    assert_constraint(
        exec(&store, "INSERT INTO composition_versions (composition, version, snapshot) SELECT id, 2, '{}' FROM compositions").await,
        "composition_versions.composition, composition_versions.version",
    );
}
