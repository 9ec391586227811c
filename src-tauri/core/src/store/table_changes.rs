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
    let physical = ddl::physical(name);
    let building = ddl::rebuilding(name);
    sqlx::query(sqlx::AssertSqlSafe(ddl::create_table(&building, new)))
        .execute(&mut *tx)
        .await?;
    let insert = ddl::insert_row(&building, new);
    for (id, cells) in rows {
        write_row(&mut tx, &insert, Some(*id), cells).await?;
    }
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
    for statement in ddl::create_indexes(&physical, new) {
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
    rows_written(&mut tx, Some(name)).await?;
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
