use crate::support::{
    assert_constraint, deep_dive, empty_store, exec, starter_templates, store_with_templates,
};
use flowloom_core::model::{DataSource, SourceConfig, SourceKind};
use flowloom_core::{Entity, SourceId, StoreError};

fn sales() -> DataSource {
    serde_json::from_value(serde_json::json!({
        "source_id": "src_sales",
        "name": "Sales database",
        "config": {"kind": "postgres", "host": "db.internal", "database": "sales",
                   "user": "analyst", "password_env": "SALES_PASSWORD", "reuse_for": "10m"},
    }))
    .expect("a postgres source")
}

#[tokio::test]
async fn every_workspace_has_its_local_source_first_and_keeps_it() {
    let (store, _dir) = empty_store().await;
    store.add_source(&sales()).await.expect("add");
    let listed = store.list_sources().await.expect("list");
    let ids: Vec<&str> = listed.iter().map(|s| s.source.source_id.as_str()).collect();
    assert_eq!(ids, ["src_local", "src_sales"]);
    assert_eq!(listed[0].source.kind(), SourceKind::Local);
    assert_eq!(
        listed[0].template_count, 1,
        "the built-in data-table template runs on it"
    );
    let Err(StoreError::InUse { by, .. }) = store.remove_source(&SourceId::local()).await else {
        panic!("src_local was removed")
    };
    assert!(by.contains("every workspace keeps"), "{by}");
    // Nor can another source pose as the local engine.
    let mut local = sales();
    local.config = SourceConfig::Local;
    local.source_id = SourceId::from("src_mine");
    assert!(matches!(
        store.add_source(&local).await,
        Err(StoreError::Conflict {
            entity: Entity::Source,
            ..
        })
    ));
}

#[tokio::test]
async fn a_source_reads_back_as_written_and_changes_keep_its_id_and_kind() {
    let (store, _dir) = empty_store().await;
    let added = store.add_source(&sales()).await.expect("add");
    assert_eq!(added.source, sales());
    assert!(matches!(
        store.add_source(&sales()).await,
        Err(StoreError::Conflict {
            entity: Entity::Source,
            ..
        })
    ));
    let mut renamed = sales();
    renamed.name = "Sales (replica)".to_owned();
    let SourceConfig::Postgres(pg) = &mut renamed.config else {
        unreachable!()
    };
    pg.port = 6432;
    let updated = store.update_source(&renamed).await.expect("update");
    assert_eq!(updated.source, renamed);
    assert_eq!(
        store
            .get_source(&renamed.source_id)
            .await
            .expect("read")
            .source,
        renamed
    );
    let mut missing = sales();
    missing.source_id = SourceId::from("src_nowhere");
    assert!(matches!(
        store.update_source(&missing).await,
        Err(StoreError::NotFound {
            entity: Entity::Source,
            ..
        })
    ));
}

#[tokio::test]
async fn a_password_never_reaches_the_database() {
    let (store, _dir) = empty_store().await;
    assert_constraint(
        exec(
            &store,
            r#"INSERT INTO data_sources (source_id, name, kind, config)
               VALUES ('src_x', 'X', 'postgres', '{"host": "h", "password": "hunter2"}')"#,
        )
        .await,
        "source_config_has_no_password",
    );
    // The model has no field for one either: a config naming one is refused as it is read.
    let text =
        r#"{"kind": "postgres", "host": "h", "database": "d", "user": "u", "password": "p"}"#;
    assert!(serde_json::from_str::<SourceConfig>(text).is_err());
}

#[tokio::test]
async fn a_source_that_cannot_be_saved_is_refused_in_words_and_nothing_is_written() {
    let (store, _dir) = empty_store().await;
    let with = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut source = serde_json::to_value(sales()).expect("json");
        edit(&mut source);
        serde_json::from_value::<DataSource>(source).expect("a source")
    };
    let password = "hunter2-Zq!";
    for (source, rule, says) in [
        (
            with(&|s| s["name"] = "  \t ".into()),
            "source_name_present",
            "needs a name",
        ),
        (
            with(&|s| s["name"] = "x".repeat(201).into()),
            "source_name_length",
            "at most 200",
        ),
        (
            with(&|s| s["name"] = "Sales\tDB".into()),
            "source_name_plain",
            "control characters",
        ),
        (
            with(&|s| s["config"]["host"] = "".into()),
            "source_host_present",
            "needs a host",
        ),
        (
            with(&|s| s["config"]["port"] = 0.into()),
            "source_port",
            "1 to 65535",
        ),
        (
            with(&|s| s["config"]["pool_size"] = 0.into()),
            "source_pool_size",
            "1 to 1000",
        ),
        (
            with(&|s| s["config"]["reuse_for"] = "soon".into()),
            "source_reuse_for",
            "reuse_for",
        ),
        (
            with(&|s| s["config"]["password_env"] = password.into()),
            "source_password_env_name",
            "never the password itself",
        ),
    ] {
        for written in [
            store.add_source(&source).await,
            store.update_source(&source).await,
        ] {
            match written {
                Err(StoreError::Constraint { constraint, detail }) => {
                    assert_eq!(constraint, rule);
                    assert!(detail.contains(says), "{detail}");
                    assert!(!detail.contains(password), "{detail}");
                }
                other => panic!("{rule}: {other:?}"),
            }
        }
    }
    assert_eq!(
        store.list_sources().await.expect("list").len(),
        1,
        "only src_local"
    );
}

#[tokio::test]
async fn templates_run_on_sources_the_workspace_has_and_a_used_source_stays() {
    let (store, _dir) = empty_store().await;
    let mut template = starter_templates().remove(0);
    template.source_id = SourceId::from("src_sales");
    let refused = store.insert_template(&template).await;
    assert!(
        matches!(&refused, Err(StoreError::NotFound { entity: Entity::Source, id }) if id == "src_sales"),
        "{refused:?}"
    );
    store.add_source(&sales()).await.expect("add");
    store.insert_template(&template).await.expect("insert");
    let read = store
        .get_template(&template.template_id)
        .await
        .expect("read");
    assert_eq!(read.template.source_id.as_str(), "src_sales");
    let Err(StoreError::InUse { by, .. }) = store.remove_source(&template.source_id).await else {
        panic!("a source in use was removed")
    };
    assert!(by.contains(template.template_id.as_str()), "{by}");
    // Pointed back at the local engine, the template lets the source go.
    template.source_id = SourceId::local();
    template.version += 1;
    store.update_template(&template).await.expect("update");
    store
        .remove_source(&SourceId::from("src_sales"))
        .await
        .expect("remove");
    assert!(matches!(
        store.get_source(&SourceId::from("src_sales")).await,
        Err(StoreError::NotFound { .. })
    ));
}

#[tokio::test]
async fn a_source_stays_while_a_flow_keeps_a_node_on_a_template_version_that_runs_on_it() {
    let (store, _dir) = store_with_templates().await;
    store.add_source(&sales()).await.expect("add");
    let mut flow = deep_dive();
    let id = flow.nodes[0].template_id.clone();
    let mut template = store.get_template(&id).await.expect("template").template;
    // Version 2 runs on the database; the flow's first node is kept on it.
    template.source_id = SourceId::from("src_sales");
    template.version += 1;
    store.update_template(&template).await.expect("v2");
    flow.nodes[0].template_version = Some(template.version);
    store.create_flow(&flow).await.expect("create");
    // Version 3 is back on the local engine: no template runs on the source now.
    template.source_id = SourceId::local();
    template.version += 1;
    store.update_template(&template).await.expect("v3");
    let Err(StoreError::InUse { by, .. }) = store.remove_source(&SourceId::from("src_sales")).await
    else {
        panic!("a source a pinned node runs on was removed")
    };
    let node = &flow.nodes[0];
    assert!(
        by.contains(flow.composition.composition_id.as_str()),
        "{by}"
    );
    assert!(by.contains(&format!("node {}", node.node_id)), "{by}");
    assert!(
        by.contains(&format!("{id} version {}", template.version - 1)),
        "{by}"
    );
    // The node brought to the current version, the source can go.
    flow.nodes[0].template_version = Some(template.version);
    store.save_flow(&flow).await.expect("save");
    store
        .remove_source(&SourceId::from("src_sales"))
        .await
        .expect("remove");
}
