//! Data tables ("FlexDB", seed 001) on a real workspace database: the metadata's own
//! constraints, then tables created, filled, read and refused through the store. Schema
//! changes are in `table_changes.rs`, imports in `table_imports.rs`.

use crate::support::{assert_constraint, count, empty_store, exec};
use flowloom_core::Store;
use flowloom_core::model::{RowsQuery, SchemaChange, TableSchema};
use flowloom_core::tables::{RowProblem, TableError};
use serde_json::{Map, Value, json};

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

pub(super) fn table_schema(columns: Value) -> TableSchema {
    serde_json::from_value(json!({ "columns": columns })).expect("a schema")
}

pub(super) fn rows(values: Value) -> Vec<Map<String, Value>> {
    serde_json::from_value(values).expect("rows")
}

/// A table with a column of every type, as `tables create --schema` reads it.
fn every_type() -> TableSchema {
    table_schema(json!([
        { "name": "code", "data_type": "string", "required": true, "unique": true,
          "validation": { "max_length": 8, "pattern": "[A-Z]{2}[0-9]+" } },
        { "name": "notes", "data_type": "text" },
        { "name": "age", "data_type": "integer", "indexed": true, "validation": { "min": 0, "max": 130 } },
        { "name": "score", "data_type": "decimal", "default_value": 0.5 },
        { "name": "active", "data_type": "boolean", "default_value": true },
        { "name": "born", "data_type": "date", "validation": { "min": "1900-01-01" } },
        { "name": "seen_at", "data_type": "datetime" },
        { "name": "tags", "data_type": "json" },
        { "name": "tier", "data_type": "string", "validation": { "enum": ["gold", "silver", "O'Brien"] } }
    ]))
}

pub(super) async fn people(store: &Store) {
    store
        .create_table("people", "People", &every_type(), Some("ana"))
        .await
        .expect("create people");
}

#[tokio::test]
async fn a_table_of_every_type_is_created_filled_and_read_back_typed() {
    let (store, _dir) = empty_store().await;
    let created = store
        .create_table("people", "People", &every_type(), Some("ana"))
        .await
        .expect("create");
    assert_eq!(created.summary.version, 1);
    assert_eq!(created.summary.columns, 9);
    let ids = store
        .insert_rows(
            "people",
            &rows(json!([
                { "code": "AB12", "notes": "first", "age": 41, "score": 2.25, "active": false,
                  "born": "1985-03-02", "seen_at": "2026-06-01T11:30:00+02:00",
                  "tags": { "vip": true }, "tier": "O'Brien" },
                { "code": "CD3" }
            ])),
        )
        .await
        .expect("insert");
    assert_eq!(ids.len(), 2);
    let page = store
        .table_rows("people", &RowsQuery::page(0, 10))
        .await
        .expect("page");
    assert_eq!(page.total_rows, 2);
    assert_eq!(
        Value::Object(page.rows[0].clone()),
        json!({ "_id": ids[0], "code": "AB12", "notes": "first", "age": 41, "score": 2.25,
                "active": false, "born": "1985-03-02", "seen_at": "2026-06-01T09:30:00.000Z",
                "tags": { "vip": true }, "tier": "O'Brien" }),
        "datetimes are kept in UTC; json and booleans come back as themselves"
    );
    // Defaults fill what a row leaves out; the rest stays empty.
    assert_eq!(page.rows[1]["score"], json!(0.5));
    assert_eq!(page.rows[1]["active"], json!(true));
    assert_eq!(page.rows[1]["age"], Value::Null);

    let listed = store.list_tables().await.expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].name.as_str(), listed[0].rows), ("people", 2));
    let history = store.table_history("people").await.expect("history");
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].previous_schema, None);
    assert_eq!(history[0].created_by.as_deref(), Some("ana"));
    assert_eq!(history[0].changes.len(), 9);
    assert!(
        history[0]
            .changes
            .iter()
            .all(|c| matches!(c, SchemaChange::AddColumn { .. }))
    );
}

#[tokio::test]
async fn a_bad_batch_names_every_broken_rule_by_row_and_column_and_writes_nothing() {
    let (store, _dir) = empty_store().await;
    people(&store).await;
    store
        .insert_rows("people", &rows(json!([{ "code": "ZZ1" }])))
        .await
        .expect("one good row first");
    let refused = store
        .insert_rows(
            "people",
            &rows(json!([
                { "code": "AB1", "age": 30 },
                { "code": "toolong123", "age": -1, "born": "1850-01-01", "tier": "bronze" },
                { "age": "forty", "active": "yes", "seen_at": "yesterday", "shoe": 42 },
                { "code": "ZZ1" },
                { "code": "x'); DROP TABLE flex_people; --" }
            ])),
        )
        .await
        .expect_err("refused");
    let TableError::Rows(problems) = refused else {
        panic!("expected row problems, got {refused:?}")
    };
    let found: Vec<(u64, &str)> = problems
        .iter()
        .map(|p: &RowProblem| (p.row, p.column.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (2, "code"),
            (2, "code"),
            (2, "age"),
            (2, "born"),
            (2, "tier"),
            (3, "shoe"),
            (3, "code"),
            (3, "age"),
            (3, "active"),
            (3, "seen_at"),
            (4, "code"),
            (5, "code"),
            (5, "code"),
        ],
        "{problems:#?}"
    );
    let says = |row: u64, column: &str| -> Vec<String> {
        problems
            .iter()
            .filter(|p| p.row == row && p.column == column)
            .map(|p| p.message.clone())
            .collect()
    };
    assert_eq!(
        says(2, "code"),
        [
            "longer than max_length 8 (10 characters)",
            "does not match pattern `[A-Z]{2}[0-9]+`"
        ]
    );
    assert_eq!(says(2, "age"), ["below min 0"]);
    assert_eq!(says(3, "code"), ["is required"]);
    assert_eq!(says(3, "shoe"), ["the table has no such column"]);
    assert_eq!(says(3, "age"), ["expected a whole number, got \"forty\""]);
    assert_eq!(
        says(4, "code"),
        ["\"ZZ1\" is already in the table (row _id 1); the column is unique"]
    );
    // The injection attempt is a value like any other: too long, wrong shape, and stored
    // nowhere; the table is still there with its one row.
    assert_eq!(
        store
            .table_rows("people", &RowsQuery::page(0, 10))
            .await
            .expect("page")
            .total_rows,
        1
    );
}

#[tokio::test]
async fn deleting_a_referenced_row_follows_its_on_delete() {
    let (store, _dir) = empty_store().await;
    let owners = table_schema(json!([{ "name": "name", "data_type": "string" }]));
    store
        .create_table("owners", "", &owners, None)
        .await
        .expect("owners");
    for (table, action) in [
        ("pets", "cascade"),
        ("cars", "set-null"),
        ("homes", "restrict"),
    ] {
        let refers = table_schema(json!([
            { "name": "label", "data_type": "string" },
            { "name": "owner", "data_type": "reference",
              "validation": { "target_table": "owners", "on_delete": action } }
        ]));
        store
            .create_table(table, "", &refers, None)
            .await
            .expect(table);
    }
    let ids = store
        .insert_rows(
            "owners",
            &rows(json!([{ "name": "ana" }, { "name": "bo" }])),
        )
        .await
        .expect("owners");
    let (ana, bo) = (ids[0], ids[1]);
    for table in ["pets", "cars"] {
        store
            .insert_rows(table, &rows(json!([{ "label": "x", "owner": ana }])))
            .await
            .expect(table);
    }
    store
        .insert_rows("homes", &rows(json!([{ "label": "flat", "owner": bo }])))
        .await
        .expect("homes");
    // A reference to no row is refused, naming the column.
    let dangling = store
        .insert_rows("pets", &rows(json!([{ "label": "y", "owner": 999 }])))
        .await
        .expect_err("dangling");
    assert!(
        matches!(&dangling, TableError::Rows(p) if p[0].column == "owner" && p[0].row == 1),
        "{dangling:?}"
    );

    assert_eq!(
        store
            .delete_rows("owners", &[ana])
            .await
            .expect("delete ana"),
        1
    );
    assert_eq!(
        store
            .table_rows("pets", &RowsQuery::page(0, 10))
            .await
            .expect("pets")
            .total_rows,
        0,
        "cascade"
    );
    let cars = store
        .table_rows("cars", &RowsQuery::page(0, 10))
        .await
        .expect("cars");
    assert_eq!(cars.rows[0]["owner"], Value::Null, "set-null");
    let restricted = store
        .delete_rows("owners", &[bo])
        .await
        .expect_err("restrict");
    assert!(
        matches!(restricted, TableError::Referenced(ref t) if t == "owners"),
        "{restricted:?}"
    );
    assert_eq!(
        store
            .table_rows("owners", &RowsQuery::page(0, 10))
            .await
            .expect("owners")
            .total_rows,
        1
    );
}

#[tokio::test]
async fn a_definition_that_cannot_work_is_refused_with_every_problem() {
    let (store, _dir) = empty_store().await;
    let bad = table_schema(json!([
        { "name": "Age", "data_type": "integer" },
        { "name": "name", "data_type": "integer", "validation": { "max_length": 3, "pattern": "(" } },
        { "name": "name", "data_type": "string", "validation": { "min": 1 } },
        { "name": "score", "data_type": "decimal", "validation": { "min": 5, "max": 1 } },
        { "name": "owner", "data_type": "reference", "validation": { "target_table": "nobody" } },
        { "name": "kind", "data_type": "string", "default_value": "z", "validation": { "enum": ["a", "b"] } },
        { "name": "ref", "data_type": "reference", "required": true,
          "validation": { "target_table": "t", "on_delete": "set-null" } }
    ]));
    let refused = store
        .create_table("Bad-Name", "", &bad, None)
        .await
        .expect_err("refused");
    let TableError::Schema(problems) = refused else {
        panic!("expected schema problems, got {refused:?}")
    };
    let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
    for expected in [
        "table name `Bad-Name` must be lowercase snake_case",
        "column `name` is defined twice",
        "column `Age`: the name must be lowercase snake_case",
        "column `name`: max_length applies to string and text, not integer",
        "column `name`: pattern `(` is not a regular expression",
        "column `name`: min applies to integer, decimal, date and datetime, not string",
        "column `score`: min is more than max",
        "column `owner`: target_table `nobody` does not exist",
        "column `kind`: default_value \"z\" breaks its own rule: not one of the enum values",
        "column `ref`: on_delete set-null cannot empty a required column",
    ] {
        assert!(
            text.iter().any(|t| t.starts_with(expected)),
            "missing {expected:?} in {text:#?}"
        );
    }
    assert!(
        store.list_tables().await.expect("list").is_empty(),
        "nothing was created"
    );

    people(&store).await;
    let again = store
        .create_table("people", "", &every_type(), None)
        .await
        .expect_err("exists");
    assert!(
        matches!(again, TableError::Exists(ref n) if n == "people"),
        "{again:?}"
    );
}

/// The rules hold in the database too, for a write that does not come through Flowloom.
#[tokio::test]
async fn the_database_itself_holds_each_rule_it_can() {
    let (store, _dir) = empty_store().await;
    people(&store).await;
    for (values, constraint) in [
        ("(code, age) VALUES ('AB1', -5)", "age__min"),
        ("(code, age) VALUES ('AB1', 131)", "age__max"),
        ("(code, tier) VALUES ('AB1', 'bronze')", "tier__enum"),
        ("(code, born) VALUES ('AB1', '1985-02-30')", "born__type"),
        ("(code, born) VALUES ('AB1', '1899-12-31')", "born__min"),
        ("(code, active) VALUES ('AB1', 2)", "active__type"),
        ("(code, tags) VALUES ('AB1', '{oops')", "tags__type"),
        ("(code) VALUES ('ABCDEFGHI')", "code__max_length"),
        ("(age) VALUES (3)", "flex_people.code"),
    ] {
        assert_constraint(
            exec(&store, format!("INSERT INTO flex_people {values}")).await,
            constraint,
        );
    }
    // STRICT: text where a number belongs is refused.
    assert!(
        exec(
            &store,
            "INSERT INTO flex_people (code, age) VALUES ('AB1', 'old')"
        )
        .await
        .is_err()
    );
    exec(
        &store,
        "INSERT INTO flex_people (code, tier) VALUES ('AB1', 'O''Brien')",
    )
    .await
    .expect("a good row, quote and all");
    assert_constraint(
        exec(&store, "INSERT INTO flex_people (code) VALUES ('AB1')").await,
        "flex_people.code",
    );
}

#[tokio::test]
async fn a_row_is_updated_under_the_same_rules_and_a_table_dropped_keeps_its_history() {
    let (store, _dir) = empty_store().await;
    people(&store).await;
    let ids = store
        .insert_rows(
            "people",
            &rows(json!([{ "code": "AB1", "age": 30 }, { "code": "AB2" }])),
        )
        .await
        .expect("rows");
    let change = |v: Value| -> Map<String, Value> { serde_json::from_value(v).expect("values") };
    store
        .update_row(
            "people",
            ids[0],
            &change(json!({ "age": 31, "notes": "moved" })),
        )
        .await
        .expect("update");
    let page = store
        .table_rows("people", &RowsQuery::page(0, 10))
        .await
        .expect("rows");
    assert_eq!(
        (
            &page.rows[0]["age"],
            &page.rows[0]["notes"],
            &page.rows[0]["code"]
        ),
        (&json!(31), &json!("moved"), &json!("AB1")),
        "changed columns take their new values, the others keep theirs"
    );
    let refused = store
        .update_row(
            "people",
            ids[0],
            &change(json!({ "age": 200, "code": "AB2" })),
        )
        .await
        .expect_err("refused");
    let TableError::Rows(problems) = &refused else {
        panic!("expected row problems, got {refused:?}")
    };
    let found: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        found,
        [
            "row 1, column `age`: above max 130".to_owned(),
            format!(
                "row 1, column `code`: \"AB2\" is already in the table (row _id {}); the column is unique",
                ids[1]
            )
        ],
        "every problem of the change, the duplicate too"
    );
    let duplicate = store
        .update_row("people", ids[0], &change(json!({ "code": "AB2" })))
        .await
        .expect_err("duplicate");
    assert!(
        matches!(&duplicate, TableError::Rows(p) if p[0].column == "code"),
        "{duplicate:?}"
    );
    assert!(matches!(
        store.update_row("people", 999, &change(json!({}))).await,
        Err(TableError::RowNotFound { id: 999, .. })
    ));

    // A table another refers to is not dropped; once nothing does, it goes, and its name
    // is free again.
    let pets = table_schema(json!([
        { "name": "owner", "data_type": "reference", "validation": { "target_table": "people" } }
    ]));
    store
        .create_table("pets", "", &pets, None)
        .await
        .expect("pets");
    let blocked = store.drop_table("people").await.expect_err("referred to");
    assert!(
        matches!(&blocked, TableError::ReferencedBy { by, .. } if by == "pets"),
        "{blocked:?}"
    );
    store.drop_table("pets").await.expect("drop pets");
    store.drop_table("people").await.expect("drop people");
    assert!(store.list_tables().await.expect("list").is_empty());
    assert_eq!(
        count(&store, "SELECT count(*) FROM flex_table_versions").await,
        2,
        "the history stays"
    );
    people(&store).await;
    assert_eq!(
        store
            .table_rows("people", &RowsQuery::page(0, 10))
            .await
            .expect("rows")
            .total_rows,
        0
    );
}

/// A `pattern` is the whole value's: every pattern the schema check lets pass is enforced,
/// whatever its flags (`(?x)` with a comment, `(?i)`) and with each alternative of `a|b`
/// anchored; one that cannot be enforced is refused at the check, naming its column.
#[tokio::test]
async fn a_pattern_the_check_lets_pass_is_enforced_on_the_whole_value() {
    let (store, _dir) = empty_store().await;
    for (i, (pattern, good, bad)) in [
        (
            "(?x)[a-z]+  # letters",
            &["abc"][..],
            &["ab1", "ab c", "abc\n"][..],
        ),
        ("(?i)ab[0-9]", &["AB1", "ab2"], &["xab1", "ab12"]),
        ("cat|dog", &["cat", "dog"], &["cats", "hotdog", "catdog"]),
        (
            "(?x) [A-Z]{2} - [0-9]+  # code",
            &["AB-12"],
            &["AB - 12", "AB-12x"],
        ),
        ("[a-z]+", &["abc"], &["abc\n", "1abc"]),
    ]
    .into_iter()
    .enumerate()
    {
        let table = format!("patterned_{i}");
        let schema = table_schema(json!([
            { "name": "code", "data_type": "string", "validation": { "pattern": pattern } }
        ]));
        store
            .create_table(&table, "", &schema, None)
            .await
            .unwrap_or_else(|e| panic!("{pattern}: {e}"));
        for value in good {
            store
                .insert_rows(&table, &rows(json!([{ "code": value }])))
                .await
                .unwrap_or_else(|e| panic!("{pattern} refused {value:?}: {e}"));
        }
        for value in bad {
            let refused = store
                .insert_rows(&table, &rows(json!([{ "code": value }])))
                .await
                .expect_err(&format!("{pattern} let {value:?} in"));
            assert!(
                refused.to_string().contains("does not match pattern"),
                "{pattern}, {value:?}: {refused}"
            );
        }
    }
    for pattern in ["(", "a)(?:b", "(?x)a # c\n)"] {
        let schema = table_schema(json!([
            { "name": "code", "data_type": "string", "validation": { "pattern": pattern } }
        ]));
        let refused = store
            .create_table("unpatterned", "", &schema, None)
            .await
            .expect_err(&format!("{pattern} passed the check"));
        assert!(
            refused.to_string().contains(&format!(
                "column `code`: pattern `{pattern}` is not a regular expression"
            )),
            "{refused}"
        );
    }
}
