//! What a template's SQL can read on a PostgreSQL source: the tables and views of the
//! schemas on the source's search path (every schema but the system's when it sets none),
//! those the user may read, each named as the SQL writes it and with its columns' types in
//! the product's words — the Arrow type a run reads the column as (`arrow.rs`), so the list
//! and a run never disagree.
//!
//! One catalog query on a pooled connection (whose settings carry the search path); it
//! reads `pg_catalog` only, never a table's rows.

use super::arrow::Kind;
use super::{PostgresConnector, errors};
use crate::engine::EngineError;
use crate::engine::shapes::{self, ColumnShape, TableKind, TableShape};
use sqlx::Row as _;
use std::collections::BTreeMap;

/// Every readable table and view with its columns in order. `$1`: only the schemas on the
/// search path (the source sets one), else every schema but the system's. A domain column
/// is described by its base type, as the server describes a result column. Child
/// partitions are left out (their parent is listed).
const TABLES: &str = r"
WITH search AS (
    SELECT p.name, p.ord FROM unnest(current_schemas(false)) WITH ORDINALITY AS p(name, ord)
)
SELECT n.nspname::text AS schema_name,
       c.relname::text AS table_name,
       quote_ident(n.nspname) AS schema_sql,
       quote_ident(c.relname) AS table_sql,
       c.relkind::text AS relkind,
       search.ord AS on_path,
       a.attname::text AS column_name,
       (CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE a.atttypid END)::int8 AS type_oid,
       CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END AS typmod,
       format_type(a.atttypid, a.atttypmod) AS type_sql
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN search ON search.name = n.nspname
LEFT JOIN pg_catalog.pg_attribute a
       ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm')
  AND NOT c.relispartition
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_%'
  AND (NOT $1 OR search.ord IS NOT NULL)
  AND has_schema_privilege(n.oid, 'USAGE')
  AND has_table_privilege(c.oid, 'SELECT')
ORDER BY n.nspname, c.relname, a.attnum
";

/// One table as the catalog gives it, before it is named.
struct Found {
    schema: String,
    table: String,
    schema_sql: String,
    table_sql: String,
    kind: TableKind,
    /// Its schema's place on the search path (1 first), when it is on it.
    on_path: Option<i64>,
    columns: Vec<ColumnShape>,
}

impl PostgresConnector {
    /// Every table and view a template's SQL on this source can read (see the module's
    /// doc), in the order a reader looks for them: by the name the SQL writes.
    pub async fn catalog_shapes(&self) -> Result<Vec<TableShape>, EngineError> {
        let target = self.settings.target();
        let mut connection = self.acquire().await?;
        let rows = sqlx::query(TABLES)
            .bind(self.settings.search_path.is_some())
            .fetch_all(&mut *connection)
            .await
            .map_err(|e| errors::from_sqlx(e, None, &target))?;
        let mut found: Vec<Found> = Vec::new();
        for row in rows {
            let read = |e: sqlx::Error| errors::from_sqlx(e, None, &target);
            let schema: String = row.try_get("schema_name").map_err(read)?;
            let table: String = row.try_get("table_name").map_err(read)?;
            let same = found
                .last()
                .is_some_and(|f| f.schema == schema && f.table == table);
            if !same {
                let relkind: String = row.try_get("relkind").map_err(read)?;
                found.push(Found {
                    schema,
                    table,
                    schema_sql: row.try_get("schema_sql").map_err(read)?,
                    table_sql: row.try_get("table_sql").map_err(read)?,
                    kind: if matches!(relkind.as_str(), "v" | "m") {
                        TableKind::View
                    } else {
                        TableKind::Table
                    },
                    on_path: row.try_get("on_path").map_err(read)?,
                    columns: Vec::new(),
                });
            }
            let Some(column) = row
                .try_get::<Option<String>, _>("column_name")
                .map_err(read)?
            else {
                // A table without columns.
                continue;
            };
            let oid: i64 = row.try_get("type_oid").map_err(read)?;
            let typmod: i32 = row.try_get("typmod").map_err(read)?;
            let declared: String = row.try_get("type_sql").map_err(read)?;
            let kind = u32::try_from(oid)
                .ok()
                .and_then(|oid| Kind::of(oid, typmod));
            let type_name = match &kind {
                Some(kind) => words(kind),
                None => format!("{declared} (not read: cast it in the SQL, e.g. to text)"),
            };
            if let Some(table) = found.last_mut() {
                table.columns.push(ColumnShape {
                    name: column,
                    type_name,
                });
            }
        }
        Ok(named(found))
    }
}

/// Names each table as the SQL writes it: bare when the search path finds it (its schema
/// is the first on the path with a table of that name), else `schema.table`; sorted by name.
fn named(found: Vec<Found>) -> Vec<TableShape> {
    let mut first_on_path: BTreeMap<&str, i64> = BTreeMap::new();
    for table in &found {
        if let Some(ord) = table.on_path {
            let first = first_on_path.entry(table.table.as_str()).or_insert(ord);
            *first = (*first).min(ord);
        }
    }
    let bare: Vec<bool> = found
        .iter()
        .map(|t| t.on_path.is_some() && t.on_path == first_on_path.get(t.table.as_str()).copied())
        .collect();
    let mut shapes: Vec<TableShape> = found
        .into_iter()
        .zip(bare)
        .map(|(table, bare)| TableShape {
            name: if bare {
                table.table_sql
            } else {
                format!("{}.{}", table.schema_sql, table.table_sql)
            },
            kind: table.kind,
            file: None,
            columns: table.columns,
            missing: None,
            problem: None,
        })
        .collect();
    shapes.sort_by(|a, b| a.name.cmp(&b.name));
    shapes
}

/// A column's type in the product's words: the Arrow type a run reads it as; a numeric
/// without a declared scale is a bare `decimal` (a run takes its scale from the values).
fn words(kind: &Kind) -> String {
    match kind {
        Kind::Numeric { scale: None, .. } => "decimal".to_owned(),
        Kind::Array(element) => format!("list of {}", words(element)),
        other => shapes::type_name(&other.data_type()),
    }
}
