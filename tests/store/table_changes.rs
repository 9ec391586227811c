//! Data tables' schema changes on a real workspace database: columns added, modified and
//! removed with the stored rows, changes the rows would break refused, a referenced table
//! rebuilt and renamed, and each change a version in the history.

use super::flex_tables::{people, rows, table_schema};
use crate::support::{assert_constraint, empty_store, exec};
use flowloom_core::model::{RowsQuery, SchemaChange, TableSchema};
use flowloom_core::tables::{TableError, schema};
use serde_json::{Value, json};

#[test]
fn schema_changes_are_matched_by_column_name() {
    let old = table_schema(json!([
        { "name": "a", "data_type": "string" },
        { "name": "b", "data_type": "integer" },
        { "name": "c", "data_type": "date" }
    ]));
    let new = table_schema(json!([
        { "name": "a", "data_type": "string" },
        { "name": "b", "data_type": "integer", "required": true },
        { "name": "d", "data_type": "json" }
    ]));
    let changes = schema::changes(Some(&old), &new);
    let kinds: Vec<(&str, &str)> = changes
        .iter()
        .map(|c| match c {
            SchemaChange::AddColumn { after } => ("add_column", after.name.as_str()),
            SchemaChange::RemoveColumn { before } => ("remove_column", before.name.as_str()),
            SchemaChange::ModifyColumn { after, .. } => ("modify_column", after.name.as_str()),
            SchemaChange::RenameTable { after, .. } => ("rename_table", after.as_str()),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("modify_column", "b"),
            ("add_column", "d"),
            ("remove_column", "c")
        ]
    );
    assert!(schema::changes(Some(&new), &new).is_empty());
    let as_json = serde_json::to_value(&schema::changes(Some(&old), &new)[0]).expect("json");
    assert_eq!(as_json["type"], "modify_column");
    assert_eq!(as_json["before"]["required"], Value::Null);
    assert_eq!(as_json["after"]["required"], true);
}

fn with_column(schema: &TableSchema, column: Value) -> TableSchema {
    let mut next = schema.clone();
    next.columns
        .push(serde_json::from_value(column).expect("a column"));
    next
}

fn changed(schema: &TableSchema, name: &str, edit: impl FnOnce(&mut Value)) -> TableSchema {
    let mut json = serde_json::to_value(schema).expect("schema json");
    let columns = json["columns"].as_array_mut().expect("columns");
    let column = columns
        .iter_mut()
        .find(|c| c["name"] == name)
        .expect("the column");
    edit(column);
    serde_json::from_value(json).expect("a schema")
}

#[tokio::test]
async fn columns_are_added_modified_and_removed_with_the_rows_and_a_version_each() {
    let (store, _dir) = empty_store().await;
    people(&store).await;
    let ids = store
        .insert_rows(
            "people",
            &rows(json!([{ "code": "AB1", "age": 30 }, { "code": "AB2", "age": 40 }])),
        )
        .await
        .expect("rows");
    let v1 = store.get_table("people").await.expect("table").schema;

    let v2 = with_column(&v1, json!({ "name": "email", "data_type": "string" }));
    let altered = store
        .alter_table("people", &v2, Some("bo"))
        .await
        .expect("add");
    assert_eq!(altered.schema.version, 2);
    let v3 = changed(&altered.schema, "age", |c| {
        c["validation"]["max"] = json!(99);
    });
    store
        .alter_table("people", &v3, None)
        .await
        .expect("modify");
    let mut v4 = store.get_table("people").await.expect("table").schema;
    v4.columns.retain(|c| c.name != "notes");
    let done = store
        .alter_table("people", &v4, None)
        .await
        .expect("remove");
    assert_eq!(done.summary.version, 4);
    assert!(done.schema.column("notes").is_none());

    // The rows kept their ids and values; the new column is empty, the removed one gone.
    let page = store
        .table_rows("people", &RowsQuery::page(0, 10))
        .await
        .expect("rows");
    assert_eq!(page.rows[0]["_id"], json!(ids[0]));
    assert_eq!(page.rows[1]["age"], json!(40));
    assert_eq!(page.rows[0]["email"], Value::Null);
    assert!(!page.rows[0].contains_key("notes"));
    // The new rules hold in the database: age is at most 99 now.
    assert_constraint(
        exec(
            &store,
            "INSERT INTO flex_people (code, age) VALUES ('AB9', 100)",
        )
        .await,
        "age__max",
    );

    let history = store.table_history("people").await.expect("history");
    let versions: Vec<(u32, &str)> = history
        .iter()
        .map(|v| {
            let kind = match &v.changes[..] {
                [SchemaChange::AddColumn { after }] if v.version > 1 => {
                    assert_eq!(after.name, "email");
                    "add_column"
                }
                [SchemaChange::ModifyColumn { before, after }] => {
                    assert_eq!(before.validation.max, Some(json!(130)));
                    assert_eq!(after.validation.max, Some(json!(99)));
                    "modify_column"
                }
                [SchemaChange::RemoveColumn { before }] => {
                    assert_eq!(before.name, "notes");
                    "remove_column"
                }
                _ => "created",
            };
            (v.version, kind)
        })
        .collect();
    assert_eq!(
        versions,
        [
            (4, "remove_column"),
            (3, "modify_column"),
            (2, "add_column"),
            (1, "created")
        ],
        "newest first"
    );
    assert_eq!(history[2].created_by.as_deref(), Some("bo"));
    assert_eq!(
        history[0].previous_schema.as_ref().map(|s| s.version),
        Some(3)
    );
    // Saving the same schema again is no change and no version.
    store.alter_table("people", &v4, None).await.expect("same");
    assert_eq!(
        store.table_history("people").await.expect("history").len(),
        4
    );
}

#[tokio::test]
async fn a_change_the_rows_would_break_is_refused_with_a_count_and_a_sample() {
    let (store, _dir) = empty_store().await;
    people(&store).await;
    store
        .insert_rows(
            "people",
            &rows(json!([
                { "code": "AB1", "notes": "short", "tier": "gold" },
                { "code": "AB2", "notes": "a much longer note", "tier": "gold" },
                { "code": "AB3", "tier": "silver", "age": 41 }
            ])),
        )
        .await
        .expect("rows");
    let schema = store.get_table("people").await.expect("table").schema;
    let refusals = [
        (
            changed(&schema, "notes", |c| c["required"] = json!(true)),
            1,
            "notes",
            "is required",
        ),
        (
            changed(&schema, "notes", |c| {
                c["validation"] = json!({ "max_length": 5 })
            }),
            1,
            "notes",
            "longer than max_length 5 (18 characters)",
        ),
        (
            changed(&schema, "tier", |c| c["unique"] = json!(true)),
            1,
            "tier",
            "duplicates row 1's value (unique)",
        ),
        (
            changed(&schema, "age", |c| {
                c["data_type"] = json!("string");
                c["validation"] = json!({});
            }),
            1,
            "age",
            "expected text, got 41",
        ),
    ];
    for (next, offending, column, message) in refusals {
        let refused = store
            .alter_table("people", &next, None)
            .await
            .expect_err("refused");
        let TableError::Breaks {
            offending: count,
            sample,
        } = &refused
        else {
            panic!("expected a refusal, got {refused:?}")
        };
        assert_eq!(*count, offending, "{refused}");
        assert_eq!(sample[0].column, column, "{refused}");
        assert_eq!(sample[0].message, message, "{refused}");
    }
    // Nothing changed: still version 1, every row as it was.
    let table = store.get_table("people").await.expect("table");
    assert_eq!((table.summary.version, table.summary.rows), (1, 3));
    assert_eq!(
        store.table_history("people").await.expect("history").len(),
        1
    );
}

#[tokio::test]
async fn a_referenced_table_changes_and_is_renamed_without_losing_who_refers_to_it() {
    let (store, _dir) = empty_store().await;
    let owners = table_schema(json!([
        { "name": "name", "data_type": "string", "indexed": true }
    ]));
    store
        .create_table("owners", "", &owners, None)
        .await
        .expect("owners");
    let pets = table_schema(json!([
        { "name": "label", "data_type": "string" },
        { "name": "owner", "data_type": "reference",
          "validation": { "target_table": "owners", "on_delete": "cascade" } }
    ]));
    store
        .create_table("pets", "", &pets, None)
        .await
        .expect("pets");
    let ana = store
        .insert_rows("owners", &rows(json!([{ "name": "ana" }])))
        .await
        .expect("ana")[0];
    store
        .insert_rows("pets", &rows(json!([{ "label": "rex", "owner": ana }])))
        .await
        .expect("rex");

    // Rebuilding the owners' table (a new column) must not run its ON DELETE CASCADE.
    let next = with_column(&owners, json!({ "name": "city", "data_type": "string" }));
    store
        .alter_table("owners", &next, None)
        .await
        .expect("alter owners");
    assert_eq!(
        store
            .table_rows("pets", &RowsQuery::page(0, 10))
            .await
            .expect("pets")
            .total_rows,
        1
    );

    let renamed = store
        .rename_table("owners", "keepers", Some("ana"))
        .await
        .expect("rename");
    assert_eq!(renamed.summary.version, 3);
    let history = store.table_history("keepers").await.expect("history");
    assert_eq!(
        history[0].changes,
        [SchemaChange::RenameTable {
            before: "owners".into(),
            after: "keepers".into()
        }]
    );
    assert!(matches!(
        store.get_table("owners").await,
        Err(TableError::NotFound(_))
    ));
    let pets_now = store.get_table("pets").await.expect("pets").schema;
    assert_eq!(
        pets_now.columns[1].validation.target_table.as_deref(),
        Some("keepers")
    );
    // The reference still holds under the new name: deleting the keeper takes the pet.
    store.delete_rows("keepers", &[ana]).await.expect("delete");
    assert_eq!(
        store
            .table_rows("pets", &RowsQuery::page(0, 10))
            .await
            .expect("pets")
            .total_rows,
        0
    );
    // And the old name is free again, indexed column and all.
    store
        .create_table("owners", "", &owners, None)
        .await
        .expect("a new table under the old name");
}
