use crate::support::{assert_constraint, count, deep_dive, example, exec, store_with_templates};
use flowloom_core::{
    CompositionId, ConnectionId, Entity, FlowQuery, NodeId, StoreError, TemplateId,
};

#[tokio::test]
async fn a_flow_reads_back_as_written() {
    let (store, _dir) = store_with_templates().await;
    let flow = deep_dive();
    store.create_flow(&flow).await.expect("create");
    let detail = store
        .get_flow(&flow.composition.composition_id)
        .await
        .expect("read");
    let mut expected = flow;
    for node in &mut expected.nodes {
        node.execution_order = detail
            .flow
            .nodes
            .iter()
            .find(|n| n.node_id == node.node_id)
            .and_then(|n| n.execution_order);
    }
    assert_eq!(detail.flow, expected);
    assert_eq!(detail.meta.execution_count, 0);
    assert!(!detail.meta.is_favorite);
}

/// The plan is the store's to compute: whatever levels a caller sends are replaced by the
/// longest path from a source, and a flow with a cycle (saved while being drawn) has none.
#[tokio::test]
async fn every_save_stores_the_plan_computed_from_the_graph() {
    let (store, _dir) = store_with_templates().await;
    let mut flow = deep_dive();
    for node in &mut flow.nodes {
        node.execution_order = Some(99);
    }
    store.save_flow(&flow).await.expect("save");
    let levels = |flow: &flowloom_core::Flow| -> Vec<(String, Option<u32>)> {
        flow.nodes
            .iter()
            .map(|n| (n.node_id.to_string(), n.execution_order))
            .collect()
    };
    let stored = store
        .get_flow(&flow.composition.composition_id)
        .await
        .expect("read")
        .flow;
    assert_eq!(
        levels(&stored),
        [
            ("top_campaigns".to_owned(), Some(0)),
            ("daily_trend".to_owned(), Some(1)),
            ("their_products".to_owned(), Some(1)),
            ("exclusive_products".to_owned(), Some(2)),
        ]
    );

    // Close a circle: exclusive_products feeds top_campaigns.
    let mut cyclic = stored;
    let mut back = cyclic.connections[0].clone();
    back.connection_id = ConnectionId::from("back_edge");
    back.source_node_id = NodeId::from("exclusive_products");
    back.target_node_id = NodeId::from("top_campaigns");
    back.field_mappings.clear();
    back.transformation_rules.clear();
    cyclic.connections.push(back);
    store
        .save_flow(&cyclic)
        .await
        .expect("a cycle can be saved");
    let stored = store
        .get_flow(&cyclic.composition.composition_id)
        .await
        .expect("read")
        .flow;
    assert!(
        stored.nodes.iter().all(|n| n.execution_order.is_none()),
        "{:?}",
        levels(&stored)
    );
}

#[tokio::test]
async fn composition_ids_are_unique_and_well_formed() {
    let (store, _dir) = store_with_templates().await;
    let flow = deep_dive();
    store.create_flow(&flow).await.expect("create");
    let err = store.create_flow(&flow).await.expect_err("second create");
    assert!(
        matches!(
            err,
            StoreError::Conflict {
                entity: Entity::Flow,
                ..
            }
        ),
        "{err}"
    );

    let mut bad = deep_dive();
    bad.composition.composition_id = CompositionId::from("comp_Top-Campaigns");
    assert_constraint(store.save_flow(&bad).await, "composition_id_format");

    let mut nameless = deep_dive();
    nameless.composition.composition_id = CompositionId::from("comp_nameless");
    nameless.composition.name = "\t ".into();
    assert_constraint(store.save_flow(&nameless).await, "composition_name_present");
}

#[tokio::test]
async fn node_ids_are_unique_within_a_flow_but_not_across_flows() {
    let (store, _dir) = store_with_templates().await;
    let mut twice = deep_dive();
    let copy = twice.nodes[0].clone();
    twice.nodes.push(copy);
    assert_constraint(
        store.create_flow(&twice).await,
        "composition_nodes.composition, composition_nodes.node_id",
    );

    // The same node ids in another flow are fine.
    let mut other = deep_dive();
    other.composition.composition_id = CompositionId::from("comp_deep_dive_copy");
    store.create_flow(&deep_dive()).await.expect("first flow");
    store
        .create_flow(&other)
        .await
        .expect("same node ids in a second flow");
}

#[tokio::test]
async fn node_and_connection_ids_must_match_their_format() {
    let (store, _dir) = store_with_templates().await;
    let mut bad_node = deep_dive();
    bad_node.nodes[3].node_id = NodeId::from("Exclusive Products");
    assert_constraint(store.save_flow(&bad_node).await, "node_id_format");

    let mut bad_connection = deep_dive();
    bad_connection.connections[0].connection_id = ConnectionId::from("1st");
    assert_constraint(
        store.save_flow(&bad_connection).await,
        "connection_id_format",
    );
}

#[tokio::test]
async fn connection_ids_are_unique_within_a_flow() {
    let (store, _dir) = store_with_templates().await;
    let mut flow = deep_dive();
    flow.connections[1].connection_id = flow.connections[0].connection_id.clone();
    assert_constraint(
        store.save_flow(&flow).await,
        "composition_connections.composition, composition_connections.connection_id",
    );
}

#[tokio::test]
async fn a_node_must_use_a_stored_template() {
    let (store, _dir) = store_with_templates().await;
    let mut flow = deep_dive();
    flow.nodes[2].template_id = TemplateId::from("tpl_does_not_exist");
    let err = store
        .create_flow(&flow)
        .await
        .expect_err("unknown template");
    assert_eq!(err.constraint(), Some("node_template"), "{err}");
    assert!(
        err.to_string()
            .contains("node `their_products` uses template `tpl_does_not_exist`"),
        "the error should name the node and template: {err}"
    );
    assert_eq!(
        count(&store, "SELECT count(*) FROM compositions").await,
        0,
        "half a flow was written"
    );
}

#[tokio::test]
async fn a_conditional_node_needs_a_condition() {
    let (store, _dir) = store_with_templates().await;
    let mut flow = deep_dive();
    flow.nodes[1].is_conditional = true;
    flow.nodes[1].condition_expression = None;
    assert_constraint(store.save_flow(&flow).await, "node_condition_present");
}

#[tokio::test]
async fn both_ends_of_a_connection_must_be_nodes_of_the_same_flow() {
    let (store, _dir) = store_with_templates().await;
    // `their_roas` is a node of the low-CTR flow, not of the deep dive.
    store
        .create_flow(&example("comp_low_ctr_review"))
        .await
        .expect("other flow");
    let mut flow = deep_dive();
    flow.connections[3].target_node_id = NodeId::from("their_roas");
    let err = store
        .create_flow(&flow)
        .await
        .expect_err("cross-flow connection");
    assert_eq!(err.constraint(), Some("connection_endpoints"), "{err}");
    assert!(
        err.to_string().contains("top_to_exclusive"),
        "the error should name the connection: {err}"
    );

    let mut dangling = deep_dive();
    dangling.connections[0].source_node_id = NodeId::from("nowhere");
    assert_constraint(store.create_flow(&dangling).await, "connection_endpoints");
}

#[tokio::test]
async fn a_failed_save_leaves_nothing_behind() {
    let (store, _dir) = store_with_templates().await;
    // A new flow whose last connection is bad: no composition, node or connection remains.
    let mut broken = deep_dive();
    broken
        .connections
        .last_mut()
        .expect("connections")
        .target_node_id = NodeId::from("nowhere");
    assert_constraint(store.save_flow(&broken).await, "connection_endpoints");
    for table in [
        "SELECT count(*) FROM compositions",
        "SELECT count(*) FROM composition_nodes",
        "SELECT count(*) FROM composition_connections",
    ] {
        assert_eq!(count(&store, table).await, 0, "{table}");
    }

    // An existing flow saved with a bad change keeps what it had.
    let flow = deep_dive();
    store.save_flow(&flow).await.expect("save");
    let mut edit = flow.clone();
    edit.composition.name = "Renamed".into();
    edit.nodes.remove(0);
    edit.connections
        .last_mut()
        .expect("connections")
        .source_node_id = NodeId::from("nowhere");
    assert!(store.save_flow(&edit).await.is_err());
    assert_eq!(
        store
            .get_flow(&flow.composition.composition_id)
            .await
            .expect("read")
            .flow,
        flow
    );
}

#[tokio::test]
async fn saving_replaces_nodes_and_connections() {
    let (store, _dir) = store_with_templates().await;
    let mut flow = deep_dive();
    store.save_flow(&flow).await.expect("save");
    flow.composition.name = "Deep dive, trimmed".into();
    flow.nodes
        .retain(|n| n.node_id.as_str() != "exclusive_products");
    flow.connections
        .retain(|c| c.target_node_id.as_str() != "exclusive_products");
    flow.nodes[0].position.x = 42.5;
    store.save_flow(&flow).await.expect("save again");
    assert_eq!(
        store
            .get_flow(&flow.composition.composition_id)
            .await
            .expect("read")
            .flow,
        flow
    );
}

/// Autosave's usual case: the same nodes and connections, some edited. What reads back is
/// exactly what was saved, in the flow's order; a reordering reads back reordered; a bad
/// edit is refused, naming it, and changes nothing.
#[tokio::test]
async fn an_edit_keeping_every_id_reads_back_exactly() {
    let (store, _dir) = store_with_templates().await;
    let id = deep_dive().composition.composition_id;
    let read = |store: flowloom_core::Store| {
        let id = id.clone();
        async move { store.get_flow(&id).await.expect("read").flow }
    };
    let mut flow = deep_dive();
    store.save_flow(&flow).await.expect("save");

    flow.nodes[1].position.y += 80.0;
    flow.nodes[2].node_config.label = Some("Renamed on the canvas".into());
    flow.nodes[2]
        .parameter_overrides
        .insert("start_date".into(), serde_json::json!("2026-06-05"));
    let last = flow.connections.last_mut().expect("connections");
    last.is_required = !last.is_required;
    store.save_flow(&flow).await.expect("save the edit");
    assert_eq!(read(store.clone()).await, flow);

    flow.nodes.swap(1, 2);
    flow.connections.reverse();
    store.save_flow(&flow).await.expect("save the new order");
    assert_eq!(read(store.clone()).await, flow);

    // A node deleted with its connections, a copy of another added (at the end, then in
    // the middle), wired to what the first one read from.
    let gone = flow.nodes.remove(1).node_id;
    flow.connections
        .retain(|c| c.source_node_id != gone && c.target_node_id != gone);
    let mut copy = flow.nodes[1].clone();
    copy.node_id = NodeId::from("copied_node");
    copy.position.x += 300.0;
    let mut wire = flow
        .connections
        .iter()
        .find(|c| c.target_node_id == flow.nodes[1].node_id)
        .expect("a connection into the copied node")
        .clone();
    wire.connection_id = ConnectionId::from("into_the_copy");
    wire.target_node_id = copy.node_id.clone();
    flow.nodes.push(copy.clone());
    flow.connections.push(wire);
    store
        .save_flow(&flow)
        .await
        .expect("save the structural edit");
    let saved = read(store.clone()).await;
    for node in &mut flow.nodes {
        node.execution_order = saved
            .nodes
            .iter()
            .find(|n| n.node_id == node.node_id)
            .and_then(|n| n.execution_order);
    }
    assert_eq!(saved, flow);
    let copy = flow.nodes.pop().expect("the copy");
    flow.nodes.insert(1, copy);
    store
        .save_flow(&flow)
        .await
        .expect("save with the copy moved up");
    assert_eq!(read(store.clone()).await, flow);

    let mut bad = flow.clone();
    bad.nodes[0].template_id = TemplateId::from("tpl_nowhere");
    bad.nodes[3].position.x = -1.0;
    let err = store.save_flow(&bad).await.expect_err("unknown template");
    assert!(err.to_string().contains("tpl_nowhere"), "{err}");
    assert_constraint(Err::<(), _>(err), "node_template");
    assert_eq!(read(store.clone()).await, flow, "nothing changed");
}

#[tokio::test]
async fn flows_are_listed_by_text_tag_and_favourite() {
    let (store, _dir) = store_with_templates().await;
    for id in [
        "comp_campaign_deep_dive",
        "comp_low_ctr_review",
        "comp_product_drilldown",
    ] {
        store.create_flow(&example(id)).await.expect("create");
    }
    let names = |flows: Vec<flowloom_core::FlowSummary>| {
        flows.into_iter().map(|f| f.name).collect::<Vec<_>>()
    };
    let all = store.list_flows(&FlowQuery::default()).await.expect("list");
    assert_eq!(
        names(all.clone()),
        [
            "Low CTR review",
            "Product drill-down",
            "Top campaigns deep dive"
        ]
    );
    assert_eq!(all[2].node_count, 4);

    let text = |t: &str| FlowQuery {
        text: Some(t.into()),
        ..FlowQuery::default()
    };
    assert_eq!(
        names(store.list_flows(&text("ctr")).await.expect("list")),
        ["Low CTR review"]
    );
    // Matches the description too, and LIKE wildcards in the search are literal.
    assert_eq!(
        names(
            store
                .list_flows(&text("no other campaign"))
                .await
                .expect("list")
        ),
        ["Top campaigns deep dive"]
    );
    assert!(store.list_flows(&text("%")).await.expect("list").is_empty());

    let tag = FlowQuery {
        tag: Some("anomalies".into()),
        ..FlowQuery::default()
    };
    assert_eq!(
        names(store.list_flows(&tag).await.expect("list")),
        ["Low CTR review"]
    );

    let drilldown = CompositionId::from("comp_product_drilldown");
    store
        .set_favorite(&drilldown, true)
        .await
        .expect("favourite");
    store
        .set_favorite(&drilldown, true)
        .await
        .expect("favouriting twice is fine");
    let favourites = FlowQuery {
        favorites_only: true,
        ..FlowQuery::default()
    };
    let listed = store.list_flows(&favourites).await.expect("list");
    assert_eq!(names(listed.clone()), ["Product drill-down"]);
    assert!(listed[0].meta.is_favorite);
    store
        .set_favorite(&drilldown, false)
        .await
        .expect("unfavourite");
    assert!(
        store
            .list_flows(&favourites)
            .await
            .expect("list")
            .is_empty()
    );

    let missing = CompositionId::from("comp_missing");
    assert!(matches!(
        store.set_favorite(&missing, true).await,
        Err(StoreError::NotFound { .. })
    ));
}

#[tokio::test]
async fn updated_at_follows_every_change() {
    let (store, _dir) = store_with_templates().await;
    let mut flow = deep_dive();
    store.save_flow(&flow).await.expect("save");
    exec(
        &store,
        "UPDATE compositions SET updated_at = '2000-01-01T00:00:00.000Z'",
    )
    .await
    .expect("backdate");
    flow.composition.description = "Edited".into();
    store.save_flow(&flow).await.expect("save");
    let meta = store
        .get_flow(&flow.composition.composition_id)
        .await
        .expect("read")
        .meta;
    assert_ne!(meta.updated_at, "2000-01-01T00:00:00.000Z");
    assert!(meta.updated_at >= meta.created_at);
}

#[tokio::test]
async fn a_new_flow_gets_an_id_made_of_its_name() {
    let (store, _dir) = store_with_templates().await;
    let mut made = Vec::new();
    for name in ["Weekly review", "weekly REVIEW!", "Weekly review"] {
        let id = store.fresh_flow_id(name).await.expect("an id");
        store
            .create_flow(&flowloom_core::Flow::empty(id.clone(), name))
            .await
            .expect("create");
        made.push(id.to_string());
    }
    assert_eq!(
        made,
        [
            "comp_weekly_review",
            "comp_weekly_review_2",
            "comp_weekly_review_3"
        ]
    );
    let stored = store
        .get_flow(&CompositionId::from("comp_weekly_review_2"))
        .await
        .expect("stored");
    assert_eq!(stored.flow.composition.name, "weekly REVIEW!");
    assert!(stored.flow.nodes.is_empty());
}

#[tokio::test]
async fn a_duplicate_is_a_new_flow_with_the_same_content() {
    let (store, _dir) = store_with_templates().await;
    let original = deep_dive();
    store.create_flow(&original).await.expect("create");
    let copy_id = store
        .duplicate_flow(&original.composition.composition_id, "Deep dive (copy)")
        .await
        .expect("duplicate");
    assert_eq!(copy_id.as_str(), "comp_deep_dive_copy");
    let copy = store.get_flow(&copy_id).await.expect("copy").flow;
    assert_eq!(copy.composition.name, "Deep dive (copy)");
    assert_eq!(copy.composition.tags, original.composition.tags);
    assert_eq!(copy.connections, original.connections);
    assert_eq!(
        copy.nodes.iter().map(|n| &n.node_id).collect::<Vec<_>>(),
        original
            .nodes
            .iter()
            .map(|n| &n.node_id)
            .collect::<Vec<_>>()
    );
    // Editing the copy leaves the original as it was.
    let mut edited = copy.clone();
    edited.nodes.pop();
    edited.connections.clear();
    store.save_flow(&edited).await.expect("save copy");
    let again = store
        .get_flow(&original.composition.composition_id)
        .await
        .expect("original");
    assert_eq!(again.flow.nodes.len(), original.nodes.len());

    assert!(matches!(
        store
            .duplicate_flow(&CompositionId::from("comp_gone"), "Copy")
            .await,
        Err(StoreError::NotFound {
            entity: Entity::Flow,
            ..
        })
    ));
}
