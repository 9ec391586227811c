//! A data table as SQLite stores it: a STRICT table `flex_<name>` with an `_id` key and one
//! column per schema column, its rules as constraints wherever SQLite can hold them (NOT NULL,
//! UNIQUE, CHECK, FOREIGN KEY … ON DELETE). A CHECK is named `<column>__<rule>`, so a refused
//! write names its column and rule. Patterns are checked by the core (SQLite has no regex).
//!
//! A `decimal` column stores the TEXT of its exact digits (`12.5`, trailing zeros dropped),
//! so no value passes through a double; its range rules compare it as a number (`CAST … AS
//! REAL`, a backstop: the core checks them exactly first). A computed decimal is a REAL:
//! SQLite computes in doubles.
//!
//! DDL cannot take bound parameters: the few values it carries (enum members, bounds) come
//! from a checked schema and are written as quoted literals by [`literal`].

use crate::model::{Column, ColumnType, OnDelete, TableSchema};
use crate::tables::computed;
use serde_json::Value;

/// The SQLite table holding the rows of data table `name`.
pub fn physical(name: &str) -> String {
    format!("flex_{name}")
}

/// `name` as an SQL identifier.
pub fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A checked schema value as an SQL literal: numbers as they are, anything else as a string.
pub fn literal(value: &Value) -> String {
    match value {
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => i64::from(*b).to_string(),
        Value::String(s) => format!("'{}'", s.replace('\'', "''")),
        other => format!("'{}'", other.to_string().replace('\'', "''")),
    }
}

/// The statement that creates the SQLite table `table` (a physical name) for `schema`.
pub fn create_table(table: &str, schema: &TableSchema) -> String {
    let mut columns = vec!["\"_id\" INTEGER PRIMARY KEY".to_owned()];
    columns.extend(schema.columns.iter().map(|c| column(c, schema)));
    format!(
        "CREATE TABLE {} ({}) STRICT",
        ident(table),
        columns.join(", ")
    )
}

/// The statements that index `table`'s indexed columns (a unique column has its index).
pub fn create_indexes(table: &str, schema: &TableSchema) -> Vec<String> {
    schema
        .columns
        .iter()
        .filter(|c| c.indexed && !c.unique)
        .map(|c| {
            format!(
                "CREATE INDEX {} ON {} ({})",
                ident(&index(table, &c.name)),
                ident(table),
                ident(&c.name)
            )
        })
        .collect()
}

/// The name of `table`'s index on `column` (a dot: no table or column name has one).
pub fn index(table: &str, column: &str) -> String {
    format!("{table}.{column}")
}

/// Where a table is built again while its schema changes (a user's table cannot be called
/// this: names start with a letter).
pub fn rebuilding(name: &str) -> String {
    format!("flex__rebuild_{name}")
}

/// The statement that writes one row of `schema` into `table`, its `_id` first, every value
/// bound, returning the row's `_id`.
pub fn insert_row(table: &str, schema: &TableSchema) -> String {
    format!("{} RETURNING \"_id\"", insert_rows(table, schema, 1))
}

/// The statement that writes `count` rows of `schema` into `table` at once (`_id` first in
/// each, then its stored columns, every value bound).
pub fn insert_rows(table: &str, schema: &TableSchema, count: usize) -> String {
    let columns: Vec<String> = std::iter::once("\"_id\"".to_owned())
        .chain(schema.stored_columns().map(|c| ident(&c.name)))
        .collect();
    let row = format!("({})", vec!["?"; columns.len()].join(", "));
    format!(
        "INSERT INTO {} ({}) VALUES {}",
        ident(table),
        columns.join(", "),
        vec![row; count].join(", ")
    )
}

/// A query giving each row of `table` (in no order) as one JSON object: its `_id` and every column of
/// `schema`, booleans as true/false and json columns as JSON.
pub fn select_rows(table: &str, schema: &TableSchema) -> String {
    let fields: Vec<String> = std::iter::once("'_id', \"_id\"".to_owned())
        .chain(schema.columns.iter().map(|c| {
            let column = ident(&c.name);
            let value = match c.data_type {
                ColumnType::Json => format!("json({column})"),
                ColumnType::Boolean => format!(
                    "CASE WHEN {column} IS NULL THEN NULL \
                     ELSE json(iif({column}, 'true', 'false')) END"
                ),
                _ => column,
            };
            format!("{}, {value}", literal(&Value::String(c.name.clone())))
        }))
        .collect();
    format!(
        "SELECT json_object({}) FROM {}",
        fields.join(", "),
        ident(table)
    )
}

/// A column's definition; a computed one's expression comes from a checked schema.
fn column(column: &Column, schema: &TableSchema) -> String {
    use ColumnType as T;
    let name = ident(&column.name);
    let rules = &column.validation;
    let storage = match column.data_type {
        T::Integer | T::Boolean | T::Reference => "INTEGER",
        T::Decimal if column.is_computed() => "REAL",
        T::String | T::Text | T::Date | T::Datetime | T::Json | T::Decimal => "TEXT",
    };
    // What range rules compare: a stored decimal as the number its text spells.
    let stored_decimal = column.data_type == T::Decimal && !column.is_computed();
    let ordered = |operand: String| match stored_decimal {
        true => format!("CAST({operand} AS REAL)"),
        false => operand,
    };
    let mut def = format!("{name} {storage}");
    if let Some(expression) = &rules.computed {
        let sql = computed::to_sql(expression, schema, &column.name)
            .expect("a created table's schema was checked");
        def.push_str(&format!(" GENERATED ALWAYS AS ({sql}) VIRTUAL"));
    }
    if column.required {
        def.push_str(" NOT NULL");
    }
    if column.unique {
        def.push_str(" UNIQUE");
    }
    let mut check = |rule: &str, condition: String| {
        def.push_str(&format!(
            " CONSTRAINT {} CHECK ({condition})",
            ident(&format!("{}__{rule}", column.name))
        ));
    };
    match column.data_type {
        T::Boolean => check("type", format!("{name} IN (0, 1)")),
        T::Date => check("type", format!("date({name}) IS {name}")),
        T::Datetime => check(
            "type",
            format!("strftime('%Y-%m-%dT%H:%M:%fZ', {name}) IS {name}"),
        ),
        T::Json => check("type", format!("json_valid({name})")),
        _ => {}
    }
    if let Some(max) = rules.max_length {
        check("max_length", format!("length({name}) <= {max}"));
    }
    if let Some(min) = rules.min_length {
        check("min_length", format!("length({name}) >= {min}"));
    }
    if let Some(min) = &rules.min {
        check(
            "min",
            format!(
                "{} >= {}",
                ordered(name.clone()),
                ordered(bound(column.data_type, min))
            ),
        );
    }
    if let Some(max) = &rules.max {
        check(
            "max",
            format!(
                "{} <= {}",
                ordered(name.clone()),
                ordered(bound(column.data_type, max))
            ),
        );
    }
    if let Some(allowed) = &rules.allowed {
        let values: Vec<String> = allowed
            .iter()
            .map(|v| match column.data_type {
                T::Json => literal(&Value::String(v.to_string())),
                // As stored: the exact digits' text.
                T::Decimal if !column.is_computed() => bound(T::Decimal, v),
                _ => literal(v),
            })
            .collect();
        check("enum", format!("{name} IN ({})", values.join(", ")));
    }
    if let Some(target) = &rules.target_table {
        let action = match rules.on_delete.unwrap_or_default() {
            OnDelete::Cascade => "CASCADE",
            OnDelete::SetNull => "SET NULL",
            OnDelete::Restrict => "RESTRICT",
        };
        def.push_str(&format!(
            " REFERENCES {} (\"_id\") ON DELETE {action}",
            ident(&physical(target))
        ));
    }
    def
}

/// A min, max or enum value as stored: datetimes normalised as the rows are, a decimal as
/// its exact digits (a text, compared with `CAST … AS REAL` by the range rules).
fn bound(kind: ColumnType, value: &Value) -> String {
    use crate::tables::value::Cell;
    match crate::tables::value::convert(kind, value) {
        Ok(Cell::Text(text)) => literal(&Value::String(text)),
        Ok(Cell::Decimal(unscaled, scale)) => {
            literal(&Value::String(Cell::decimal_text(unscaled, scale)))
        }
        _ => literal(value),
    }
}
