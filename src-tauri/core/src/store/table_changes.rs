//! Changing a data table's schema: every stored row read as the new schema first (a change
//! that would break a row is refused with a sample of what breaks), then the table built
//! again beside the old one and put in its place, with its version, in one transaction.

use super::Store;
use super::table_rows::{rows_written, write_row};
use super::tables::{missing_targets, record_version};
use super::{BEGIN_WRITE, StoreError};
use crate::model::{SchemaChange, TableDetail, TableSchema};
use crate::tables::value::Cell;
use crate::tables::{RowProblem, TableError, ddl, rows, schema};
use serde_json::{Map, Value};
use sqlx::SqliteConnection;
use sqlx::types::Json;

impl Store {
    /// Changes table `name`'s schema to `new` (columns added, removed or modified, matched by
    /// name) and its stored rows with it, in one transaction that also records the version.
    /// Refused, changing nothing, when a row would break the new schema (a column made
    /// required while it has empties, a narrower max_length, unique over duplicates, a type
    /// its values are not): with how many rows and a sample. Unchanged: no new version.
    pub async fn alter_table(
        &self,
        name: &str,
        new: &TableSchema,
        created_by: Option<&str>,
    ) -> Result<TableDetail, TableError> {
        let current = self.get_table(name).await?;
        let old = &current.schema;
        let changes = schema::changes(Some(old), new);
        if changes.is_empty() {
            return Ok(current);
        }
        let new = TableSchema {
            version: old.version + 1,
            ..new.clone()
        };
        let mut problems = schema::check(name, &new);
        let mut conn = self.pool().acquire().await?;
        problems.extend(missing_targets(&mut conn, name, &new).await?);
        drop(conn);
        if !problems.is_empty() {
            return Err(TableError::Schema(problems));
        }

        let rewritten = self.rows_as(name, old, &new).await?;

        // SQLite cannot change a column's constraints in place: the table is built again
        // beside the old one and takes its place. Foreign keys are off meanwhile (dropping
        // the old table would otherwise run its ON DELETE actions) and checked before commit.
        let mut conn = self.pool().acquire().await?;
        sqlx::query("PRAGMA foreign_keys = OFF")
            .execute(&mut *conn)
            .await?;
        let outcome = rebuild(
            &mut conn, name, &current, &new, &changes, &rewritten, created_by,
        )
        .await;
        match sqlx::query("PRAGMA foreign_keys = ON")
            .execute(&mut *conn)
            .await
        {
            Ok(_) => {}
            Err(err) => {
                conn.close_on_drop();
                return Err(err.into());
            }
        }
        outcome?;
        drop(conn);
        self.get_table(name).await
    }

    /// Every stored row of table `name` (of schema `old`), read as schema `new`: each row as
    /// it would be stored, or — for the first ten rows that cannot be — why.
    async fn rows_as(
        &self,
        name: &str,
        old: &TableSchema,
        new: &TableSchema,
    ) -> Result<Vec<(i64, Vec<Cell>)>, TableError> {
        let physical = ddl::physical(name);
        let stored: Vec<Json<Map<String, Value>>> = sqlx::query_scalar(sqlx::AssertSqlSafe(
            format!("{} ORDER BY \"_id\"", ddl::select_rows(&physical, old)),
        ))
        .fetch_all(self.pool())
        .await?;
        let mut rewritten = Vec::with_capacity(stored.len());
        let mut broken: Vec<RowProblem> = Vec::new();
        let mut offending = std::collections::BTreeSet::new();
        for Json(mut row) in stored {
            let id = row
                .remove("_id")
                .and_then(|v| v.as_i64())
                .unwrap_or_default();
            row.retain(|column, _| new.column(column).is_some());
            rows::without_computed(new, &mut row);
            match rows::check_row(new, u64::try_from(id).unwrap_or_default(), &row) {
                Ok(cells) => rewritten.push((id, cells)),
                Err(found) => {
                    offending.insert(id);
                    broken.extend(found);
                }
            }
        }
        for (index, column) in new.stored_columns().enumerate().filter(|(_, c)| c.unique) {
            let mut seen = std::collections::HashMap::new();
            for (id, cells) in &rewritten {
                let cell = &cells[index];
                if *cell == Cell::Null {
                    continue;
                }
                if let Some(first) = seen.insert(format!("{cell:?}"), *id) {
                    offending.insert(*id);
                    broken.push(RowProblem {
                        row: u64::try_from(*id).unwrap_or_default(),
                        column: column.name.clone(),
                        message: format!("duplicates row {first}'s value (unique)"),
                    });
                }
            }
        }
        if !broken.is_empty() {
            broken.sort_by_key(|p| p.row);
            broken.truncate(10);
            return Err(TableError::Breaks {
                offending: offending.len() as u64,
                sample: broken,
            });
        }
        Ok(rewritten)
    }
}

/// Builds table `name` again with schema `new` and the `rows` (already checked against it),
/// in place of the old one, and records the version. Foreign keys must be off (see
/// `alter_table`); they are checked before the commit.
async fn rebuild(
    conn: &mut SqliteConnection,
    name: &str,
    current: &TableDetail,
    new: &TableSchema,
    changes: &[SchemaChange],
    rows: &[(i64, Vec<Cell>)],
    created_by: Option<&str>,
) -> Result<(), TableError> {
    let mut tx = sqlx::Connection::begin_with(&mut *conn, BEGIN_WRITE).await?;
    let building = ddl::rebuilding(name);
    sqlx::query(sqlx::AssertSqlSafe(ddl::create_table(&building, new)))
        .execute(&mut *tx)
        .await?;
    let insert = ddl::insert_row(&building, new);
    for (id, cells) in rows {
        write_row(&mut tx, &insert, Some(*id), cells).await?;
    }
    replace_with_rebuilt(&mut tx, name, new).await?;
    let id: i64 = sqlx::query_scalar("UPDATE flex_tables SET schema = ?, version = ? WHERE name = ? AND deleted_at IS NULL RETURNING id")
        .bind(Json(new))
        .bind(new.version)
        .bind(name)
        .fetch_one(&mut *tx)
        .await?;
    record_version(&mut tx, id, Some(&current.schema), new, changes, created_by).await?;
    tx.commit().await?;
    Ok(())
}

/// Puts the table built beside table `name` ([`ddl::rebuilding`]) in its place, with
/// `schema`'s indexes; refused when a reference would be left dangling (foreign keys are
/// off meanwhile). Counts as a write of its rows.
async fn replace_with_rebuilt(
    tx: &mut SqliteConnection,
    name: &str,
    schema: &TableSchema,
) -> Result<(), TableError> {
    let physical = ddl::physical(name);
    let building = ddl::rebuilding(name);
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP TABLE {}",
        ddl::ident(&physical)
    )))
    .execute(&mut *tx)
    .await?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "ALTER TABLE {} RENAME TO {}",
        ddl::ident(&building),
        ddl::ident(&physical)
    )))
    .execute(&mut *tx)
    .await?;
    for statement in ddl::create_indexes(&physical, schema) {
        sqlx::query(sqlx::AssertSqlSafe(statement))
            .execute(&mut *tx)
            .await?;
    }
    let dangling: Option<String> =
        sqlx::query_scalar("SELECT \"table\" FROM pragma_foreign_key_check")
            .fetch_optional(&mut *tx)
            .await?;
    if let Some(table) = dangling {
        return Err(TableError::Store(StoreError::Constraint {
            constraint: "foreign_key".into(),
            detail: format!("the change would leave rows of `{table}` referring to nothing"),
        }));
    }
    rows_written(&mut *tx, Some(name)).await?;
    Ok(())
}

impl Store {
    /// Brings data tables made before decimals were exact up to date: a `decimal` column
    /// stored as REAL (a double) becomes the TEXT of its digits, each value read as SQLite
    /// writes a double (15 significant digits, so `45894.670000000006` is `45894.67`) and
    /// rounded half to even to the column's scale. Each such table is rebuilt in its own
    /// transaction, its version and history unchanged; a table already stored exactly is
    /// left alone, so this is one query when there is nothing to do (every open).
    pub(crate) async fn upgrade_decimal_storage(&self) -> Result<(), TableError> {
        const STALE: &str = "SELECT DISTINCT t.name FROM flex_tables t \
             JOIN pragma_table_info('flex_' || t.name) p \
             WHERE t.deleted_at IS NULL AND p.type = 'REAL' ORDER BY t.name";
        let stale: Vec<String> = sqlx::query_scalar(STALE).fetch_all(self.pool()).await?;
        for name in stale {
            let schema = self.schema_of(&name).await?;
            let mut conn = self.pool().acquire().await?;
            sqlx::query("PRAGMA foreign_keys = OFF")
                .execute(&mut *conn)
                .await?;
            let outcome = store_decimals_exactly(&mut conn, &name, &schema).await;
            if let Err(err) = sqlx::query("PRAGMA foreign_keys = ON")
                .execute(&mut *conn)
                .await
            {
                conn.close_on_drop();
                return Err(err.into());
            }
            outcome?;
        }
        Ok(())
    }
}

/// Table `name` built again with its decimal columns as exact text (see
/// [`Store::upgrade_decimal_storage`]); nothing when another opener did it first.
async fn store_decimals_exactly(
    conn: &mut SqliteConnection,
    name: &str,
    schema: &TableSchema,
) -> Result<(), TableError> {
    use crate::model::ColumnType as T;
    let mut tx = sqlx::Connection::begin_with(&mut *conn, BEGIN_WRITE).await?;
    let physical = ddl::physical(name);
    let still_real: bool =
        sqlx::query_scalar("SELECT count(*) > 0 FROM pragma_table_info(?) WHERE type = 'REAL'")
            .bind(&physical)
            .fetch_one(&mut *tx)
            .await?;
    if !still_real {
        return Ok(());
    }
    let columns: Vec<&crate::model::Column> = schema.stored_columns().collect();
    // A double as the text SQLite writes it with (15 significant digits).
    let read = format!(
        "SELECT \"_id\", {} FROM {} ORDER BY \"_id\"",
        columns
            .iter()
            .map(|c| match c.data_type {
                T::Decimal => format!("CAST({} AS TEXT)", ddl::ident(&c.name)),
                _ => ddl::ident(&c.name),
            })
            .collect::<Vec<_>>()
            .join(", "),
        ddl::ident(&physical)
    );
    let stored = sqlx::query(sqlx::AssertSqlSafe(read))
        .fetch_all(&mut *tx)
        .await?;
    let building = ddl::rebuilding(name);
    sqlx::query(sqlx::AssertSqlSafe(ddl::create_table(&building, schema)))
        .execute(&mut *tx)
        .await?;
    let insert = ddl::insert_row(&building, schema);
    for row in &stored {
        let id: i64 = sqlx::Row::try_get(row, 0)?;
        let mut cells = Vec::with_capacity(columns.len());
        for (i, column) in columns.iter().enumerate() {
            let cell = match column.data_type {
                T::Integer | T::Boolean | T::Reference => {
                    sqlx::Row::try_get::<Option<i64>, _>(row, i + 1)?.map(Cell::Integer)
                }
                T::Decimal => sqlx::Row::try_get::<Option<String>, _>(row, i + 1)?
                    .and_then(|text| exact_cell(&text, column)),
                _ => sqlx::Row::try_get::<Option<String>, _>(row, i + 1)?.map(Cell::Text),
            };
            cells.push(cell.unwrap_or(Cell::Null));
        }
        write_row(&mut tx, &insert, Some(id), &cells).await?;
    }
    drop(stored);
    replace_with_rebuilt(&mut tx, name, schema).await?;
    tx.commit().await?;
    Ok(())
}

/// A double's text (`45894.67`, `1.0e-05`) as a decimal of `column`'s scale, rounded half
/// to even to it.
fn exact_cell(text: &str, column: &crate::model::Column) -> Option<Cell> {
    let (unscaled, scale) = crate::value::parse_decimal(text).ok()?;
    let (_, declared) = column.decimal_shape();
    let declared = i8::try_from(declared).ok()?;
    let rounded = crate::value::rescale(unscaled, scale, declared.min(scale))?;
    let text = crate::value::decimal_text(rounded, declared.min(scale));
    let (unscaled, scale) = crate::value::parse_decimal(&text).ok()?;
    Some(Cell::Decimal(unscaled, scale))
}
