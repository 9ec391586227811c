//! Computed columns on a real workspace database: SQLite keeps each as a generated column,
//! so it follows its row on every write and change of schema, is read back like any column,
//! holds its own rules, and is never written.

use super::flex_tables::{rows, table_schema};
use crate::support::empty_store;
use flowloom_core::Store;
use flowloom_core::model::RowsQuery;
use flowloom_core::tables::TableError;
use serde_json::{Map, Value, json};

async fn order_lines(store: &Store) {
    let schema = table_schema(json!([
        { "name": "item", "data_type": "string", "required": true },
        { "name": "quantity", "data_type": "integer", "default_value": 1 },
        { "name": "unit_price", "data_type": "decimal" },
        { "name": "total", "data_type": "decimal",
          "validation": { "computed": "quantity * unit_price", "max": 1000 } },
        { "name": "label", "data_type": "string",
          "validation": { "computed": "upper(item) || ' x' || quantity" } }
    ]));
    store
        .create_table("order_lines", "", &schema, None)
        .await
        .expect("create");
}

async fn all_rows(store: &Store) -> Vec<Map<String, Value>> {
    store
        .table_rows("order_lines", &RowsQuery::page(0, 10))
        .await
        .expect("rows")
        .rows
}

#[tokio::test]
async fn a_computed_column_follows_its_row_and_cannot_be_written() {
    let (store, _dir) = empty_store().await;
    order_lines(&store).await;
    let ids = store
        .insert_rows(
            "order_lines",
            &rows(json!([
                { "item": "pen", "quantity": 3, "unit_price": 1.5 },
                { "item": "ink", "unit_price": 4 }
            ])),
        )
        .await
        .expect("insert");
    let read = all_rows(&store).await;
    assert_eq!(
        (read[0]["total"].clone(), read[0]["label"].clone()),
        (json!(4.5), json!("PEN x3"))
    );
    assert_eq!(read[1]["total"], json!(4.0), "the default quantity counts");

    let change: Map<String, Value> = rows(json!([{ "quantity": 10 }])).remove(0);
    store
        .update_row("order_lines", ids[0], &change)
        .await
        .expect("update");
    assert_eq!(all_rows(&store).await[0]["total"], json!(15.0));

    let written = store
        .insert_rows("order_lines", &rows(json!([{ "item": "cap", "total": 2 }])))
        .await;
    match written {
        Err(TableError::Rows(problems)) => assert_eq!(
            problems.iter().map(ToString::to_string).collect::<Vec<_>>(),
            ["row 1, column `total`: is computed from other columns: it cannot be written"]
        ),
        other => panic!("expected the computed column refused, got {other:?}"),
    }
}

#[tokio::test]
async fn a_computed_value_breaking_its_rule_refuses_the_row_by_name() {
    let (store, _dir) = empty_store().await;
    order_lines(&store).await;
    let written = store
        .insert_rows(
            "order_lines",
            &rows(json!([
                { "item": "pen", "quantity": 2, "unit_price": 1 },
                { "item": "desk", "quantity": 5, "unit_price": 300 }
            ])),
        )
        .await;
    match written {
        Err(TableError::Rows(problems)) => assert_eq!(
            problems.iter().map(ToString::to_string).collect::<Vec<_>>(),
            ["row 2, column `total`: breaks its max rule"]
        ),
        other => panic!("expected the max rule, got {other:?}"),
    }
    assert!(all_rows(&store).await.is_empty(), "nothing was written");
}

#[tokio::test]
async fn computed_columns_are_added_and_kept_through_schema_changes() {
    let (store, _dir) = empty_store().await;
    let mut schema = table_schema(json!([
        { "name": "width", "data_type": "integer" },
        { "name": "height", "data_type": "integer" }
    ]));
    store
        .create_table("boxes", "", &schema, None)
        .await
        .expect("create");
    store
        .insert_rows(
            "boxes",
            &rows(json!([{ "width": 2, "height": 3 }, { "width": 4 }])),
        )
        .await
        .expect("insert");
    schema.columns.push(
        serde_json::from_value(json!({ "name": "area", "data_type": "integer",
            "validation": { "computed": "width * height" } }))
        .expect("column"),
    );
    let changed = store
        .alter_table("boxes", &schema, None)
        .await
        .expect("add a computed column");
    assert_eq!(changed.summary.version, 2);
    let areas: Vec<Value> = store
        .table_rows("boxes", &RowsQuery::page(0, 10))
        .await
        .expect("rows")
        .rows
        .iter()
        .map(|r| r["area"].clone())
        .collect();
    assert_eq!(
        areas,
        [json!(6), Value::Null],
        "existing rows get their value at once"
    );

    // A computed column made stored keeps the values it had.
    schema.columns[2].validation.computed = None;
    store
        .alter_table("boxes", &schema, None)
        .await
        .expect("store it");
    let stored = store
        .table_rows("boxes", &RowsQuery::page(0, 1))
        .await
        .expect("rows");
    assert_eq!(stored.rows[0]["area"], json!(6));

    let refused = table_schema(json!([
        { "name": "width", "data_type": "integer" },
        { "name": "area", "data_type": "integer", "required": true,
          "validation": { "computed": "width * depth" } }
    ]));
    match store.create_table("crates", "", &refused, None).await {
        Err(TableError::Schema(problems)) => assert_eq!(
            problems.iter().map(ToString::to_string).collect::<Vec<_>>(),
            [
                "column `area`: a computed column cannot be required",
                "column `area`: computed `width * depth`: the table has no column `depth`",
            ]
        ),
        other => panic!("expected the definition refused, got {other:?}"),
    }
}
