use crate::support::{
    assert_constraint, deep_dive, empty_store, exec, starter_templates, store_with_templates,
};
use flowloom_core::model::TemplateKind;
use flowloom_core::{Entity, StoreError, TemplateId};
use serde_json::json;

#[tokio::test]
async fn a_template_reads_back_as_written() {
    let (store, _dir) = empty_store().await;
    let template = starter_templates().remove(0);
    store.insert_template(&template).await.expect("insert");
    let read = store
        .get_template(&template.template_id)
        .await
        .expect("read");
    assert_eq!(read.template, template);
    assert!(read.is_active);
    let listed: Vec<String> = store
        .list_templates()
        .await
        .expect("list")
        .iter()
        .map(|t| t.template.template_id.to_string())
        .collect();
    assert_eq!(listed, ["tpl_data_table", template.template_id.as_str()]);
}

#[tokio::test]
async fn every_workspace_has_the_data_table_template_and_kinds_are_checked() {
    let (store, _dir) = empty_store().await;
    let built_in = store
        .get_template(&TemplateId::from("tpl_data_table"))
        .await
        .expect("built in");
    assert_eq!(built_in.template.kind, TemplateKind::DataTable);
    let operation = built_in.template.parameter("operation").expect("operation");
    assert_eq!(
        operation.allowed_values,
        [json!("create"), json!("get"), json!("list"), json!("write")]
    );
    assert_constraint(
        exec(
            &store,
            "UPDATE query_templates SET kind = 'python' WHERE template_id = 'tpl_data_table'",
        )
        .await,
        "template_kind_known",
    );
}

#[tokio::test]
async fn template_ids_are_unique() {
    let (store, _dir) = store_with_templates().await;
    let template = starter_templates().remove(0);
    let err = store
        .insert_template(&template)
        .await
        .expect_err("duplicate id");
    assert!(
        matches!(&err, StoreError::Conflict { entity: Entity::Template, id } if id == template.template_id.as_str()),
        "{err}"
    );
}

#[tokio::test]
async fn template_ids_must_match_their_format() {
    let (store, _dir) = empty_store().await;
    for bad in ["tpl_", "tpl_Top", "top_campaigns", "tpl_top-campaigns"] {
        let mut template = starter_templates().remove(0);
        template.template_id = TemplateId::from(bad);
        assert_constraint(store.insert_template(&template).await, "template_id_format");
    }
}

#[tokio::test]
async fn a_template_needs_a_name_and_sql() {
    let (store, _dir) = empty_store().await;
    let mut nameless = starter_templates().remove(0);
    nameless.name = "  ".into();
    assert_constraint(
        store.insert_template(&nameless).await,
        "template_name_present",
    );
    let mut empty = starter_templates().remove(0);
    empty.sql = "\n".into();
    assert_constraint(store.insert_template(&empty).await, "template_sql_present");
}

#[tokio::test]
async fn json_columns_hold_the_shape_they_promise() {
    let (store, _dir) = empty_store().await;
    assert_constraint(
        exec(&store, "INSERT INTO query_templates (template_id, name, sql_text, tags) VALUES ('tpl_a', 'A', 'SELECT 1', '{\"x\": 1}')").await,
        "template_tags_array",
    );
    assert_constraint(
        exec(&store, "INSERT INTO query_templates (template_id, name, sql_text, parameters) VALUES ('tpl_a', 'A', 'SELECT 1', 'not json')").await,
        "template_parameters_array",
    );
}

#[tokio::test]
async fn a_template_in_use_cannot_be_deleted_and_usage_is_counted() {
    let (store, _dir) = store_with_templates().await;
    store.create_flow(&deep_dive()).await.expect("create flow");
    let used = TemplateId::from("tpl_top_campaigns_by_spend");
    assert_eq!(
        store.get_template(&used).await.expect("read").usage_count,
        1
    );
    assert_constraint(store.delete_template(&used).await, "template_in_use");
    assert!(
        store.get_template(&used).await.is_ok(),
        "the refused delete removed the template"
    );

    let unused = TemplateId::from("tpl_channel_summary");
    assert_eq!(
        store.get_template(&unused).await.expect("read").usage_count,
        0
    );
    store
        .delete_template(&unused)
        .await
        .expect("delete unused template");
    assert!(matches!(
        store.get_template(&unused).await,
        Err(StoreError::NotFound { .. })
    ));
}

#[tokio::test]
async fn updating_a_template_keeps_its_id_and_touches_updated_at() {
    let (store, _dir) = store_with_templates().await;
    exec(
        &store,
        "UPDATE query_templates SET updated_at = '2000-01-01T00:00:00.000Z'",
    )
    .await
    .expect("backdate");
    let mut template = starter_templates().remove(0);
    template.description = "Now with a better description".into();
    template.version = 2;
    store.update_template(&template).await.expect("update");
    assert_eq!(
        store
            .get_template(&template.template_id)
            .await
            .expect("read")
            .template,
        template
    );
    let touched: String =
        sqlx::query_scalar("SELECT updated_at FROM query_templates WHERE template_id = ?")
            .bind(template.template_id.as_str())
            .fetch_one(store.pool())
            .await
            .expect("updated_at");
    assert_ne!(
        touched, "2000-01-01T00:00:00.000Z",
        "the touch trigger did not run"
    );

    template.template_id = TemplateId::from("tpl_missing");
    assert!(matches!(
        store.update_template(&template).await,
        Err(StoreError::NotFound { .. })
    ));
}

/// Saving from the editor: a changed template becomes the next version with the earlier
/// ones kept; saving it unchanged changes nothing.
#[tokio::test]
async fn a_saved_change_is_the_next_version_and_the_old_ones_stay() {
    let (store, _dir) = store_with_templates().await;
    let mut template = starter_templates().remove(0);
    let id = template.template_id.clone();
    assert_eq!(
        store
            .save_template(&template)
            .await
            .expect("same")
            .template
            .version,
        1
    );

    template.sql = format!("{}\n-- reviewed", template.sql);
    let saved = store.save_template(&template).await.expect("changed");
    assert_eq!(saved.template.version, 2);
    template.name = "Renamed".into();
    assert_eq!(
        store
            .save_template(&template)
            .await
            .expect("again")
            .template
            .version,
        3
    );

    let versions = store.template_versions(&id).await.expect("versions");
    assert_eq!(
        versions.iter().map(|t| t.version).collect::<Vec<_>>(),
        [3, 2, 1]
    );
    assert!(versions[1].sql.ends_with("-- reviewed"));
    assert!(
        !versions[2].sql.ends_with("-- reviewed"),
        "version 1 as it was"
    );

    let mut fresh = starter_templates().remove(0);
    fresh.template_id = TemplateId::from("tpl_brand_new");
    fresh.version = 7;
    assert_eq!(
        store
            .save_template(&fresh)
            .await
            .expect("new")
            .template
            .version,
        1,
        "a new template starts at 1 whatever it says"
    );

    store
        .set_template_active(&id, false)
        .await
        .expect("deactivate");
    assert!(!store.get_template(&id).await.expect("read").is_active);
}

/// Writers that read first (a save compares with the stored template before writing) wait
/// their turn instead of failing: twelve saves from four connections at once all land, each
/// its own version.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn saves_at_the_same_time_each_become_a_version() {
    let (store, _dir) = store_with_templates().await;
    let template = starter_templates().remove(0);
    let saves = (0..12).map(|i| {
        let (store, mut template) = (store.clone(), template.clone());
        tokio::spawn(async move {
            template.description = format!("edit {i}");
            store.save_template(&template).await.map(|_| ())
        })
    });
    for save in futures::future::join_all(saves).await {
        save.expect("joins").expect("every save lands");
    }
    let versions = store
        .template_versions(&template.template_id)
        .await
        .expect("versions");
    assert_eq!(versions.len(), 13);
}
