//! Browsing a data table's rows on a real workspace database: pages, sorts and filters as
//! the Tables screen and `tables show` ask for them, values bound as the column's type.

use super::flex_tables::{rows, table_schema};
use crate::support::empty_store;
use flowloom_core::Store;
use flowloom_core::model::{FilterOp, RowFilter, RowSort, RowsQuery};
use flowloom_core::tables::TableError;
use serde_json::{Value, json};

async fn cities(store: &Store) {
    let schema = table_schema(json!([
        { "name": "city", "data_type": "string", "required": true },
        { "name": "country", "data_type": "string" },
        { "name": "population", "data_type": "integer" },
        { "name": "founded", "data_type": "date" },
        { "name": "capital", "data_type": "boolean" }
    ]));
    store
        .create_table("cities", "", &schema, None)
        .await
        .expect("create");
    store
        .insert_rows(
            "cities",
            &rows(json!([
                { "city": "Lyon", "country": "FR", "population": 522_000, "founded": "0043-10-01", "capital": false },
                { "city": "Paris", "country": "FR", "population": 2_100_000, "capital": true },
                { "city": "Porto", "country": "PT", "population": 232_000, "founded": "0300-01-01", "capital": false },
                { "city": "Lisbon", "country": "PT", "population": 545_000, "capital": true },
                { "city": "Tórshavn", "population": 14_000, "capital": true },
                { "city": "50%_off", "country": "XX" }
            ])),
        )
        .await
        .expect("rows");
}

fn filter(column: &str, op: FilterOp, value: Value) -> RowFilter {
    RowFilter {
        column: column.into(),
        op,
        value,
    }
}

async fn names(store: &Store, query: RowsQuery) -> (Vec<String>, u64) {
    let page = store.table_rows("cities", &query).await.expect("page");
    let names = page
        .rows
        .iter()
        .map(|r| r["city"].as_str().expect("a city").to_owned())
        .collect();
    (names, page.total_rows)
}

#[tokio::test]
async fn rows_sort_by_any_column_either_way_with_empties_first_ascending() {
    let (store, _dir) = empty_store().await;
    cities(&store).await;
    let by = |column: &str, descending| RowsQuery {
        sort: Some(RowSort {
            column: column.into(),
            descending,
        }),
        ..RowsQuery::page(0, 3)
    };
    assert_eq!(
        names(&store, by("population", true)).await,
        (vec!["Paris".into(), "Lisbon".into(), "Lyon".into()], 6)
    );
    assert_eq!(
        names(&store, by("population", false)).await.0,
        ["50%_off", "Tórshavn", "Porto"]
    );
    assert_eq!(
        names(&store, by("_id", true)).await.0,
        ["50%_off", "Tórshavn", "Lisbon"]
    );
    let second_page = RowsQuery {
        offset: 3,
        ..by("city", false)
    };
    assert_eq!(
        names(&store, second_page).await.0,
        ["Paris", "Porto", "Tórshavn"]
    );
}

#[tokio::test]
async fn filters_all_hold_and_the_total_counts_what_they_let_through() {
    let (store, _dir) = empty_store().await;
    cities(&store).await;
    let query = |filters| RowsQuery {
        filters,
        ..RowsQuery::page(0, 10)
    };
    assert_eq!(
        names(
            &store,
            query(vec![
                filter("country", FilterOp::Eq, json!("PT")),
                filter("population", FilterOp::Gt, json!(300_000)),
            ])
        )
        .await,
        (vec!["Lisbon".into()], 1)
    );
    assert_eq!(
        names(
            &store,
            query(vec![filter("capital", FilterOp::Eq, json!(true))])
        )
        .await
        .0,
        ["Paris", "Lisbon", "Tórshavn"]
    );
    assert_eq!(
        names(
            &store,
            query(vec![filter("founded", FilterOp::Lt, json!("0100-01-01"))])
        )
        .await
        .0,
        ["Lyon"]
    );
    assert_eq!(
        names(
            &store,
            query(vec![filter("country", FilterOp::IsNull, Value::Null)])
        )
        .await
        .0,
        ["Tórshavn"]
    );
    assert_eq!(
        names(
            &store,
            query(vec![filter("country", FilterOp::Ne, json!("FR"))])
        )
        .await
        .0,
        ["Porto", "Lisbon", "Tórshavn", "50%_off"],
        "`ne` keeps rows without a value"
    );
    assert_eq!(
        names(
            &store,
            query(vec![filter("city", FilterOp::Contains, json!("PO"))])
        )
        .await
        .0,
        ["Porto"],
        "contains ignores case"
    );
    assert_eq!(
        names(
            &store,
            query(vec![filter("city", FilterOp::Contains, json!("%_"))])
        )
        .await
        .0,
        ["50%_off"],
        "% and _ are matched as written, not as wildcards"
    );
}

#[tokio::test]
async fn a_filter_value_is_data_never_sql() {
    let (store, _dir) = empty_store().await;
    cities(&store).await;
    for attempt in ["x'); DROP TABLE flex_cities; --", "' OR '1'='1"] {
        for op in [FilterOp::Eq, FilterOp::Contains] {
            let query = RowsQuery {
                filters: vec![filter("city", op, json!(attempt))],
                ..RowsQuery::page(0, 10)
            };
            assert_eq!(names(&store, query).await, (vec![], 0), "{attempt}");
        }
    }
    assert_eq!(
        store
            .get_table("cities")
            .await
            .expect("still there")
            .summary
            .rows,
        6
    );
}

#[tokio::test]
async fn a_browse_naming_a_missing_column_or_a_wrong_value_is_refused_by_name() {
    let (store, _dir) = empty_store().await;
    cities(&store).await;
    let refused = async |query: RowsQuery| match store.table_rows("cities", &query).await {
        Err(TableError::Query(message)) => message,
        other => panic!("expected a refused query, got {other:?}"),
    };
    let sorted = RowsQuery {
        sort: Some(RowSort {
            column: "\"city\"; --".into(),
            descending: false,
        }),
        ..RowsQuery::default()
    };
    assert_eq!(
        refused(sorted).await,
        "cannot sort by `\"city\"; --`: table `cities` has no such column"
    );
    let filtered = |f| RowsQuery {
        filters: vec![f],
        ..RowsQuery::default()
    };
    assert_eq!(
        refused(filtered(filter("mayor", FilterOp::Eq, json!("x")))).await,
        "filter on `mayor`: table `cities` has no such column"
    );
    let wrong = refused(filtered(filter("population", FilterOp::Gt, json!("many")))).await;
    assert!(
        wrong.starts_with("filter on `population`: expected"),
        "{wrong}"
    );
}
