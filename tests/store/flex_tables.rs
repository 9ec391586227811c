//! FlexDB metadata (seed 001); its API arrives with the data tables work.

use crate::support::{assert_constraint, count, empty_store, exec};

#[tokio::test]
async fn table_names_are_lowercase_snake_case() {
    let (store, _dir) = empty_store().await;
    for bad in [
        "Customers",
        "customer-orders",
        "1st_orders",
        "_orders",
        "customer orders",
    ] {
        let sql = format!("INSERT INTO flex_tables (name, schema) VALUES ('{bad}', '{{}}')");
        assert_constraint(exec(&store, sql).await, "flex_table_name_format");
    }
    exec(
        &store,
        "INSERT INTO flex_tables (name, schema) VALUES ('customer_orders', '{\"columns\": []}')",
    )
    .await
    .expect("snake_case name");
}

#[tokio::test]
async fn live_names_are_unique_and_a_deleted_table_frees_its_name() {
    let (store, _dir) = empty_store().await;
    exec(
        &store,
        "INSERT INTO flex_tables (name, schema) VALUES ('orders', '{}')",
    )
    .await
    .expect("first");
    assert_constraint(
        exec(
            &store,
            "INSERT INTO flex_tables (name, schema) VALUES ('orders', '{}')",
        )
        .await,
        "flex_tables.name",
    );
    exec(
        &store,
        "UPDATE flex_tables SET deleted_at = '2026-01-01T00:00:00Z' WHERE name = 'orders';
         INSERT INTO flex_tables (name, schema) VALUES ('orders', '{}');",
    )
    .await
    .expect("reuse a deleted table's name");
}

#[tokio::test]
async fn versions_are_numbered_once_and_go_with_their_table() {
    let (store, _dir) = empty_store().await;
    exec(
        &store,
        "INSERT INTO flex_tables (name, schema) VALUES ('people', '{}');
         INSERT INTO flex_table_versions (table_id, version, previous_schema, new_schema, changes)
             SELECT id, 1, NULL, '{\"columns\": []}', '[]' FROM flex_tables;",
    )
    .await
    .expect("table and first version");
    assert_constraint(
        exec(&store, "INSERT INTO flex_table_versions (table_id, version, new_schema) SELECT id, 1, '{}' FROM flex_tables").await,
        "flex_table_versions.table_id, flex_table_versions.version",
    );
    assert_constraint(
        exec(&store, "INSERT INTO flex_table_versions (table_id, version, new_schema) SELECT id, 2, '[]' FROM flex_tables").await,
        "flex_table_new_schema_object",
    );
    exec(&store, "DELETE FROM flex_tables")
        .await
        .expect("hard delete");
    assert_eq!(
        count(&store, "SELECT count(*) FROM flex_table_versions").await,
        0
    );
}
