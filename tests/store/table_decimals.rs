//! A data table's decimals are exact: stored as the text of their digits, compared, sorted,
//! filtered and checked as numbers, refused when they do not fit the column's precision and
//! scale; and a table stored before (REAL, a double) is brought up to date when the
//! workspace opens.

use super::flex_tables::{rows, table_schema};
use crate::support::{empty_store, exec};
use flowloom_core::Store;
use flowloom_core::model::{FilterOp, RowFilter, RowSort, RowsQuery};
use flowloom_core::tables::TableError;
use serde_json::{Value, json};

async fn stored(store: &Store, sql: &str) -> Vec<(String, String)> {
    sqlx::query_as(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_all(store.pool())
        .await
        .expect("query")
}

async fn page(store: &Store, query: RowsQuery) -> Vec<Value> {
    let page = store.table_rows("prices", &query).await.expect("page");
    page.rows.into_iter().map(|r| r["price"].clone()).collect()
}

#[tokio::test]
async fn decimals_are_kept_as_their_digits_and_compared_as_numbers() {
    let (store, _dir) = empty_store().await;
    let schema = table_schema(json!([
        { "name": "price", "data_type": "decimal", "precision": 40, "scale": 2 },
    ]));
    let Err(TableError::Schema(problems)) = store.create_table("prices", "", &schema, None).await
    else {
        panic!("precision 40 accepted");
    };
    assert!(
        problems[0]
            .to_string()
            .contains("precision 40 is not 1 to 38"),
        "{problems:?}"
    );
    let schema = table_schema(json!([
        { "name": "price", "data_type": "decimal", "precision": 30, "scale": 2, "unique": true,
          "validation": { "min": 0.1 } },
    ]));
    store
        .create_table("prices", "", &schema, None)
        .await
        .expect("create");
    store
        .insert_rows(
            "prices",
            &rows(json!([
                { "price": 10.5 }, { "price": "9.90" }, { "price": "1234567890123456789012345678.99" },
                { "price": 0.1 }
            ])),
        )
        .await
        .expect("insert");
    assert_eq!(
        stored(
            &store,
            "SELECT typeof(price), price FROM flex_prices ORDER BY _id"
        )
        .await,
        [
            ("text", "10.5"),
            ("text", "9.9"),
            ("text", "1234567890123456789012345678.99"),
            ("text", "0.1")
        ]
        .map(|(t, v)| (t.to_owned(), v.to_owned()))
    );
    // Sorted as numbers (text would put 10.5 before 9.9), shown exactly.
    let sorted = RowsQuery {
        sort: Some(RowSort {
            column: "price".into(),
            descending: false,
        }),
        ..RowsQuery::page(0, 10)
    };
    assert_eq!(
        page(&store, sorted).await,
        [
            json!(0.1),
            json!(9.9),
            json!(10.5),
            json!("1234567890123456789012345678.99")
        ]
    );
    let filtered = RowsQuery {
        filters: vec![RowFilter {
            column: "price".into(),
            op: FilterOp::Gt,
            value: json!(9.95),
        }],
        ..RowsQuery::page(0, 10)
    };
    assert_eq!(page(&store, filtered).await.len(), 2);
    let equal = RowsQuery {
        filters: vec![RowFilter {
            column: "price".into(),
            op: FilterOp::Eq,
            value: json!("9.90"),
        }],
        ..RowsQuery::page(0, 10)
    };
    assert_eq!(page(&store, equal).await, [json!(9.9)]);

    // Refused, each by row and column: too many places, too many digits, a duplicate
    // written another way, below min.
    let Err(TableError::Rows(problems)) = store
        .insert_rows(
            "prices",
            &rows(json!([
                { "price": 1.005 },
                { "price": "12345678901234567890123456789" },
                { "price": "10.50" },
                { "price": 0.05 }
            ])),
        )
        .await
    else {
        panic!("misfits accepted");
    };
    let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
    let text = text.join("\n");
    assert!(text.contains("row 1, column `price`: 1.005 has 3 digits after the point; the column is decimal(30,2), which keeps 2"), "{text}");
    assert!(text.contains("row 2, column `price`: 12345678901234567890123456789 has 29 digits before the point; the column is decimal(30,2), which keeps 28"), "{text}");
    assert!(
        text.contains("row 3, column `price`: 10.5 is already in the table"),
        "{text}"
    );
    assert!(
        text.contains("row 4, column `price`: below min 0.1"),
        "{text}"
    );
}

#[tokio::test]
async fn a_table_of_doubles_is_made_exact_when_the_workspace_opens() {
    let (store, dir) = empty_store().await;
    let schema = table_schema(json!([
        { "name": "label", "data_type": "string", "required": true },
        { "name": "amount", "data_type": "decimal", "required": true },
        { "name": "fee", "data_type": "decimal", "scale": 2, "validation": { "enum": [0.1, 1.25] } },
    ]));
    store
        .create_table("prices", "", &schema, None)
        .await
        .expect("create");
    // As tables were stored before: decimals as REAL, with a double's noise.
    exec(&store, "DROP TABLE flex_prices").await.expect("drop");
    exec(
        &store,
        "CREATE TABLE flex_prices (_id INTEGER PRIMARY KEY, label TEXT NOT NULL, amount REAL NOT NULL, fee REAL) STRICT",
    )
    .await
    .expect("old table");
    exec(
        &store,
        "INSERT INTO flex_prices VALUES (1, 'a', 0.1 + 0.2, 0.1), (2, 'b', 45894.670000000006, 1.25), \
         (5, 'c', 1.0, NULL), (6, 'd', 0.00001, 0.1), (7, 'e', 1.0 / 3, NULL)",
    )
    .await
    .expect("old rows");
    drop(store);
    let store = Store::open(&dir.path().join("flowloom.db"))
        .await
        .expect("reopen");
    assert_eq!(
        stored(
            &store,
            "SELECT _id || '', amount || ' ' || ifnull(fee, '-') FROM flex_prices ORDER BY _id"
        )
        .await,
        [
            ("1", "0.3 0.1"),
            ("2", "45894.67 1.25"),
            ("5", "1 -"),
            ("6", "0.00001 0.1"),
            ("7", "0.3333333333 -")
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
    );
    let types: Vec<(String, String)> = stored(
        &store,
        "SELECT name, type FROM pragma_table_info('flex_prices') ORDER BY cid",
    )
    .await;
    assert!(types.iter().all(|(_, t)| t != "REAL"), "{types:?}");
    let table = store.get_table("prices").await.expect("table");
    assert_eq!(table.schema.version, 1, "the upgrade is no new version");
    // Opening again does nothing more.
    drop(store);
    let store = Store::open(&dir.path().join("flowloom.db"))
        .await
        .expect("reopen");
    assert_eq!(
        stored(
            &store,
            "SELECT label, amount FROM flex_prices WHERE _id = 2"
        )
        .await[0]
            .1,
        "45894.67"
    );
}
