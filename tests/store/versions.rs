//! A flow's versions (`store/versions.rs`): every change written is one, an unchanged write is not.

use crate::support::{count, deep_dive, store_with_templates};
use flowloom_core::NodeId;

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
