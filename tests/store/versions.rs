//! A flow's versions (`store/versions.rs`): every change written is one, an unchanged write is not.

use crate::support::{count, deep_dive, store_with_templates};
use flowloom_core::NodeId;
use flowloom_core::model::FlowChange;

/// Every write that changes a flow is a new version holding the whole flow; writing it
/// unchanged (plan levels are not the user's) adds none, and a refused write adds none.
#[tokio::test]
async fn every_change_saved_is_a_version() {
    let (store, _dir) = store_with_templates().await;
    let mut flow = deep_dive();
    store.create_flow(&flow).await.expect("create");
    let versions = || count(&store, "SELECT count(*) FROM composition_versions");
    assert_eq!(versions().await, 1, "creating is version 1");
    assert_eq!(store.save_flow(&flow).await.expect("save"), 1);

    flow.composition.name = "Renamed".into();
    assert_eq!(store.save_flow(&flow).await.expect("save"), 2);
    for node in &mut flow.nodes {
        node.execution_order = Some(7);
    }
    assert_eq!(store.save_flow(&flow).await.expect("save"), 2);

    flow.nodes[0].position.x += 40.0;
    assert_eq!(store.save_flow(&flow).await.expect("save"), 3);
    let mut broken = flow.clone();
    broken.connections[0].source_node_id = NodeId::from("nowhere");
    assert!(store.save_flow(&broken).await.is_err());
    assert_eq!(versions().await, 3);

    let snapshot: serde_json::Value = serde_json::from_str(
        &sqlx::query_scalar::<_, String>(
            "SELECT snapshot FROM composition_versions WHERE version = 2",
        )
        .fetch_one(store.pool())
        .await
        .expect("version 2"),
    )
    .expect("JSON");
    assert_eq!(snapshot["composition"]["name"], "Renamed");
    assert_eq!(
        snapshot["nodes"][0]["position"]["x"],
        deep_dive().nodes[0].position.x
    );
}

/// Each version says what changed from the one before, who made it and whether it ran; any
/// two can be compared; restoring an old one makes it the newest, keeping the history.
#[tokio::test]
async fn versions_list_their_changes_compare_and_restore() {
    let (store, _dir) = store_with_templates().await;
    let mut flow = deep_dive();
    let id = flow.composition.composition_id.clone();
    store.create_flow(&flow).await.expect("create");
    let original = flow.clone();

    flow.composition.name = "Renamed".into();
    let removed = flow.connections.pop().expect("a connection");
    flow.nodes[1]
        .parameter_overrides
        .insert("limit".into(), serde_json::json!(5));
    assert_eq!(store.save_flow(&flow).await.expect("save"), 2);

    let versions = store.list_versions(&id).await.expect("versions");
    assert_eq!(
        versions.iter().map(|v| v.version).collect::<Vec<_>>(),
        [2, 1]
    );
    assert_eq!(versions[0].created_by, flowloom_core::Workspace::user());
    let described: Vec<String> = versions[0]
        .changes
        .iter()
        .map(|c| serde_json::to_string(c).expect("json"))
        .collect();
    assert_eq!(
        described,
        [
            r#"{"type":"flow_modified","fields":["name"]}"#.to_owned(),
            format!(
                r#"{{"type":"node_modified","node_id":"{}","fields":["parameter_overrides"]}}"#,
                flow.nodes[1].node_id
            ),
            format!(
                r#"{{"type":"connection_removed","connection_id":"{}"}}"#,
                removed.connection_id
            ),
        ]
    );
    assert_eq!(
        versions[1].changes.len(),
        original.nodes.len()
            + original.connections.len()
            + original.composition.global_parameters.len(),
        "the first version adds everything"
    );
    assert!(versions.iter().all(|v| !v.has_run));

    // Either way round, a diff is the changes between the two.
    let back = store.diff_versions(&id, 2, 1).await.expect("diff");
    assert!(back.contains(&FlowChange::ConnectionAdded {
        connection_id: removed.connection_id.clone()
    }));

    assert_eq!(store.restore_version(&id, 1).await.expect("restore"), 3);
    let restored = store.get_flow(&id).await.expect("flow").flow;
    assert_eq!(restored.composition.name, original.composition.name);
    assert_eq!(restored.connections.len(), original.connections.len());
    assert_eq!(store.list_versions(&id).await.expect("versions").len(), 3);
    assert!(matches!(
        store.get_version(&id, 9).await,
        Err(flowloom_core::StoreError::NotFound { .. })
    ));
}

/// Versions kept from before nodes named their template version are not changed by it: the
/// next save of the same flow adds no version, and the change lists never list it; a flow
/// saved without versions is recorded with the versions its nodes were pinned to.
#[tokio::test]
async fn a_nodes_template_version_becoming_known_is_no_change() {
    let (store, _dir) = store_with_templates().await;
    let mut flow = deep_dive();
    for node in &mut flow.nodes {
        node.template_version = None; // as a hand-written flow, or an older client, says it
    }
    store.create_flow(&flow).await.expect("create");
    let snapshot = || async {
        let text: String = sqlx::query_scalar(
            "SELECT snapshot FROM composition_versions ORDER BY version DESC LIMIT 1",
        )
        .fetch_one(store.pool())
        .await
        .expect("snapshot");
        serde_json::from_str::<serde_json::Value>(&text).expect("JSON")
    };
    assert_eq!(
        snapshot().await["nodes"][0]["template_version"],
        1,
        "recorded as stored"
    );

    // A workspace from before: its version's snapshot names no template versions.
    sqlx::query(
        "UPDATE composition_versions SET snapshot = json_set(snapshot, '$.nodes', (
             SELECT json_group_array(json_remove(value, '$.template_version'))
             FROM json_each(snapshot, '$.nodes')))",
    )
    .execute(store.pool())
    .await
    .expect("make an old snapshot");
    assert!(
        snapshot().await["nodes"][0]
            .get("template_version")
            .is_none()
    );

    let stored = store
        .get_flow(&flow.composition.composition_id)
        .await
        .expect("flow")
        .flow;
    assert_eq!(store.save_flow(&stored).await.expect("save"), 1);

    let mut moved = stored.clone();
    moved.nodes[0].position.x += 10.0;
    assert_eq!(store.save_flow(&moved).await.expect("save"), 2);
    let changes = store
        .diff_versions(&flow.composition.composition_id, 1, 2)
        .await
        .expect("diff");
    assert_eq!(
        changes,
        [FlowChange::NodeModified {
            node_id: moved.nodes[0].node_id.clone(),
            fields: vec!["position".to_owned()],
        }]
    );
}
