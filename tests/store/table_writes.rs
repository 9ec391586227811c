//! Writes of a flow's result into data tables on a real workspace database: `append`,
//! `upsert` and `replace` by a unique key keep the `_id` (and so the referring rows) of the
//! rows they match; a write that would delete rows of another table through an
//! `on_delete: cascade` reference is refused unless allowed, and what it did is counted;
//! a refused write lists every problem of every row, stored duplicates included.

use crate::support::empty_store;
use flowloom_core::model::{RowsQuery, TableSchema, TableWrite, WriteMode};
use flowloom_core::store::Store;
use flowloom_core::tables::TableError;
use flowloom_core::tables::import::SourceRow;
use flowloom_core::tables::write::WriteOptions;
use serde_json::{Map, Value, json};

fn schema(columns: Value) -> TableSchema {
    serde_json::from_value(json!({ "columns": columns })).expect("a schema")
}

fn objects(rows: Value) -> Vec<Map<String, Value>> {
    serde_json::from_value(rows).expect("rows")
}

/// `rows` as a flow's result gives them, numbered from 1.
fn result(rows: Value) -> impl Iterator<Item = SourceRow> {
    (1u64..)
        .zip(objects(rows))
        .map(|(line, values)| SourceRow { line, values })
}

fn options(mode: WriteMode, allow_cascade: bool) -> WriteOptions {
    WriteOptions {
        mode,
        key: None,
        allow_cascade,
    }
}

async fn all(store: &Store, table: &str) -> Vec<Map<String, Value>> {
    store
        .table_rows(table, &RowsQuery::page(0, 1000))
        .await
        .expect("rows")
        .rows
}

/// `(_id, column)` of every row of `table`.
async fn ids_and(store: &Store, table: &str, column: &str) -> Vec<(i64, Value)> {
    all(store, table)
        .await
        .into_iter()
        .map(|r| (r["_id"].as_i64().expect("an id"), r[column].clone()))
        .collect()
}

/// customers (email unique) ← orders (customer: cascade) ← notes (order: set-null), and
/// three customers with four orders; returns the customers' ids by email.
async fn shop(store: &Store, on_delete: &str) -> Vec<(i64, Value)> {
    store
        .create_table(
            "customers",
            "",
            &schema(json!([
                { "name": "email", "data_type": "string", "required": true, "unique": true },
                { "name": "name", "data_type": "string" },
                { "name": "tier", "data_type": "string" }
            ])),
            None,
        )
        .await
        .expect("customers");
    store
        .create_table(
            "orders",
            "",
            &schema(json!([
                { "name": "customer", "data_type": "reference",
                  "validation": { "target_table": "customers", "on_delete": on_delete } },
                { "name": "amount", "data_type": "decimal" }
            ])),
            None,
        )
        .await
        .expect("orders");
    store
        .insert_rows(
            "customers",
            &objects(json!([
                { "email": "ann@example.com", "name": "Ann", "tier": "gold" },
                { "email": "bob@example.com", "name": "Bob", "tier": "silver" },
                { "email": "cy@example.com", "name": "Cy", "tier": "silver" }
            ])),
        )
        .await
        .expect("customers' rows");
    let customers = ids_and(store, "customers", "email").await;
    let id = |at: usize| customers[at].0;
    store
        .insert_rows(
            "orders",
            &objects(json!([
                { "customer": id(0), "amount": 10 },
                { "customer": id(0), "amount": 11 },
                { "customer": id(1), "amount": 20 },
                { "customer": id(2), "amount": 30 }
            ])),
        )
        .await
        .expect("orders' rows");
    customers
}

/// The new customer list: Ann renamed, Bob kept, Cy gone, Dee new.
fn new_customers() -> Value {
    json!([
        { "email": "ann@example.com", "name": "Ann Smith" },
        { "email": "dee@example.com", "name": "Dee" },
        { "email": "bob@example.com", "name": "Bob" }
    ])
}

#[tokio::test]
async fn a_replace_that_would_cascade_is_refused_whole_unless_allowed() {
    let (store, _dir) = empty_store().await;
    let before = shop(&store, "cascade").await;
    let orders_before = all(&store, "orders").await;

    let refused = store
        .write_rows(
            "customers",
            result(new_customers()),
            &options(WriteMode::Replace, false),
        )
        .await
        .expect_err("it would delete Cy's order");
    let TableError::WouldCascade { table, cascaded } = &refused else {
        panic!("expected a refused cascade, got {refused:?}")
    };
    assert_eq!(table, "customers");
    assert_eq!(cascaded, &[("orders".to_owned(), 1)]);
    assert!(
        refused.to_string().contains("allow_cascade"),
        "says how to allow it: {refused}"
    );
    assert_eq!(
        ids_and(&store, "customers", "email").await,
        before,
        "nothing written"
    );
    assert_eq!(
        all(&store, "orders").await,
        orders_before,
        "nothing deleted"
    );

    let done = store
        .write_rows(
            "customers",
            result(new_customers()),
            &options(WriteMode::Replace, true),
        )
        .await
        .expect("allowed");
    assert_eq!(
        done,
        TableWrite {
            table: "customers".into(),
            mode: WriteMode::Replace,
            inserted: 1,
            updated: 2,
            deleted: 1,
            cascaded: 1,
        }
    );
    let after = all(&store, "customers").await;
    let found: Vec<(i64, &str, &str)> = after
        .iter()
        .map(|r| {
            (
                r["_id"].as_i64().expect("id"),
                r["email"].as_str().expect("email"),
                r["name"].as_str().expect("name"),
            )
        })
        .collect();
    let (ann, bob) = (before[0].0, before[1].0);
    assert_eq!(
        found[..2],
        [
            (ann, "ann@example.com", "Ann Smith"),
            (bob, "bob@example.com", "Bob")
        ],
        "kept keys keep their _id"
    );
    assert_eq!(found[2].1, "dee@example.com");
    assert_eq!(
        after[0]["tier"],
        json!("gold"),
        "a column the result does not give keeps its value"
    );
    let customers: Vec<Value> = all(&store, "orders")
        .await
        .iter()
        .map(|r| r["customer"].clone())
        .collect();
    assert_eq!(
        customers,
        [json!(ann), json!(ann), json!(bob)],
        "the kept customers' orders stay; only Cy's went"
    );
}

#[tokio::test]
async fn a_replace_that_keeps_every_referred_row_needs_no_permission() {
    let (store, _dir) = empty_store().await;
    let before = shop(&store, "cascade").await;
    let done = store
        .write_rows(
            "customers",
            result(json!([
                { "email": "cy@example.com", "name": "Cy" },
                { "email": "bob@example.com", "name": "Robert" },
                { "email": "ann@example.com", "name": "Ann" }
            ])),
            &options(WriteMode::Replace, false),
        )
        .await
        .expect("nothing cascades");
    assert_eq!((done.updated, done.deleted, done.cascaded), (3, 0, 0));
    assert_eq!(ids_and(&store, "customers", "email").await, before);
    assert_eq!(all(&store, "orders").await.len(), 4);
}

#[tokio::test]
async fn a_replace_of_rows_others_restrict_or_empty_follows_their_rule() {
    let (store, _dir) = empty_store().await;
    let before = shop(&store, "restrict").await;
    let refused = store
        .write_rows(
            "customers",
            result(new_customers()),
            &options(WriteMode::Replace, true),
        )
        .await
        .expect_err("Cy's order restricts");
    assert!(matches!(refused, TableError::Referenced(_)), "{refused:?}");
    assert_eq!(ids_and(&store, "customers", "email").await, before);

    let (store, _dir) = empty_store().await;
    let before = shop(&store, "set-null").await;
    let done = store
        .write_rows(
            "customers",
            result(new_customers()),
            &options(WriteMode::Replace, false),
        )
        .await
        .expect("set-null deletes nothing elsewhere");
    assert_eq!((done.deleted, done.cascaded), (1, 0));
    let customers: Vec<Value> = all(&store, "orders")
        .await
        .iter()
        .map(|r| r["customer"].clone())
        .collect();
    assert_eq!(customers[3], Value::Null, "Cy's order lost its customer");
    assert_eq!(customers[0], json!(before[0].0));
}

#[tokio::test]
async fn a_replace_of_a_table_without_a_unique_column_is_refused_when_it_would_cascade() {
    let (store, _dir) = empty_store().await;
    store
        .create_table(
            "tags",
            "",
            &schema(json!([{ "name": "label", "data_type": "string" }])),
            None,
        )
        .await
        .expect("tags");
    store
        .create_table(
            "tagged",
            "",
            &schema(json!([{ "name": "tag", "data_type": "reference",
                "validation": { "target_table": "tags", "on_delete": "cascade" } }])),
            None,
        )
        .await
        .expect("tagged");
    store
        .insert_rows(
            "tags",
            &objects(json!([{ "label": "a" }, { "label": "b" }])),
        )
        .await
        .expect("tags' rows");
    let replaced = store
        .write_rows(
            "tags",
            result(json!([{ "label": "c" }])),
            &options(WriteMode::Replace, false),
        )
        .await
        .expect("no row refers to a tag yet");
    assert_eq!((replaced.inserted, replaced.deleted), (1, 2));
    let now = ids_and(&store, "tags", "label").await;
    assert_eq!(now.len(), 1);
    assert_eq!(now[0].1, json!("c"));
    let ids_now = [now[0].0];
    store
        .insert_rows("tagged", &objects(json!([{ "tag": ids_now[0] }])))
        .await
        .expect("a tagged row");
    let refused = store
        .write_rows(
            "tags",
            result(json!([{ "label": "c" }])),
            &options(WriteMode::Replace, false),
        )
        .await
        .expect_err("the tagged row would go");
    assert!(
        matches!(&refused, TableError::WouldCascade { cascaded, .. } if cascaded == &[("tagged".to_owned(), 1)]),
        "{refused:?}"
    );
}

#[tokio::test]
async fn an_upsert_updates_matched_rows_in_place_and_adds_the_others() {
    let (store, _dir) = empty_store().await;
    let before = shop(&store, "cascade").await;
    let done = store
        .write_rows(
            "customers",
            result(new_customers()),
            &WriteOptions {
                mode: WriteMode::Upsert,
                key: Some("email".into()),
                allow_cascade: false,
            },
        )
        .await
        .expect("upsert");
    assert_eq!(
        (done.inserted, done.updated, done.deleted, done.cascaded),
        (1, 2, 0, 0)
    );
    let after = ids_and(&store, "customers", "name").await;
    assert_eq!(after.len(), 4, "nothing deleted");
    assert_eq!(after[0], (before[0].0, json!("Ann Smith")));
    assert_eq!(after[2], (before[2].0, json!("Cy")), "unmatched rows stay");
    assert_eq!(all(&store, "orders").await.len(), 4, "every order stays");

    for (key, why) in [
        (Some("name"), "not unique"),
        (Some("nope"), "no such column"),
    ] {
        let refused = store
            .write_rows(
                "customers",
                result(new_customers()),
                &WriteOptions {
                    mode: WriteMode::Upsert,
                    key: key.map(str::to_owned),
                    allow_cascade: false,
                },
            )
            .await
            .expect_err("a key that cannot match");
        assert!(
            matches!(&refused, TableError::Key(m) if m.contains(why)),
            "{refused:?}"
        );
    }
    let refused = store
        .write_rows(
            "orders",
            result(json!([{ "amount": 1 }])),
            &options(WriteMode::Upsert, false),
        )
        .await
        .expect_err("orders has no unique column");
    assert!(matches!(refused, TableError::Key(_)), "{refused:?}");
}

#[tokio::test]
async fn a_refused_write_lists_every_problem_of_every_row_stored_duplicates_too() {
    let (store, _dir) = empty_store().await;
    let before = shop(&store, "cascade").await;
    let batch = json!([
        { "email": "new@example.com", "name": "New" },
        { "email": "ann@example.com", "name": "Ann again" },
        { "email": "new@example.com", "name": "New again" },
        { "email": "bob@example.com", "name": 42, "nope": 1 },
        { "name": "No email" }
    ]);
    let refused = store
        .write_rows(
            "customers",
            result(batch.clone()),
            &options(WriteMode::Append, false),
        )
        .await
        .expect_err("refused");
    let TableError::Rows(problems) = refused else {
        panic!("expected row problems, got {refused:?}")
    };
    let found: Vec<(u64, &str, &str)> = problems
        .iter()
        .map(|p| (p.row, p.column.as_str(), p.message.as_str()))
        .collect();
    let ann = before[0].0;
    let bob = before[1].0;
    assert_eq!(
        found,
        [
            (
                2,
                "email",
                format!("\"ann@example.com\" is already in the table (row _id {ann}); the column is unique").as_str()
            ),
            (
                3,
                "email",
                "\"new@example.com\" is also given at row 1; the column is unique"
            ),
            (4, "nope", "the table has no such column"),
            (
                4,
                "email",
                format!("\"bob@example.com\" is already in the table (row _id {bob}); the column is unique").as_str()
            ),
            (5, "email", "is required"),
        ],
        "a number in a text column is its text; every other problem is listed"
    );
    assert_eq!(all(&store, "customers").await.len(), 3, "nothing written");

    // Rows added by hand are checked the same way.
    let refused = store
        .insert_rows(
            "customers",
            &objects(json!([{ "email": "bob@example.com", "name": 7 }])),
        )
        .await
        .expect_err("refused");
    let TableError::Rows(problems) = refused else {
        panic!("expected row problems, got {refused:?}")
    };
    let columns: Vec<&str> = problems.iter().map(|p| p.column.as_str()).collect();
    assert_eq!(columns, ["name", "email"], "{problems:?}");
}
