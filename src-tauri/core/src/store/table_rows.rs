//! The rows of data tables: written (inserted, imported from files, updated), deleted and
//! paged. Every write is one transaction, every row checked against the table's schema
//! first; what the database still refuses (a duplicate, a missing reference) is named by row
//! and column. The tables themselves and their history are `tables.rs`.

use super::{Store, StoreError};
use crate::model::{ColumnType, TableSchema};
use crate::tables::import::{self, SourceError, SourceRow};
use crate::tables::value::Cell;
use crate::tables::{RowProblem, TableError, ddl, rows};
use serde_json::{Map, Value};
use sqlx::sqlite::{Sqlite, SqliteArguments};
use sqlx::types::Json;
use sqlx::{Row, SqliteConnection};

/// A page of a table's rows, each a JSON object with its `_id`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, specta::Type)]
pub struct RowsPage {
    pub rows: Vec<Map<String, Value>>,
    pub offset: u64,
    pub total_rows: u64,
}

/// What an import wrote, and the rows it left out (only when told to skip invalid rows).
#[derive(Debug, Clone, PartialEq, serde::Serialize, specta::Type)]
pub struct ImportReport {
    pub imported: u64,
    pub skipped: Vec<SkippedRow>,
}

/// A source row left out of an import, with where it was and why.
#[derive(Debug, Clone, PartialEq, serde::Serialize, specta::Type)]
pub struct SkippedRow {
    pub line: u64,
    pub values: Map<String, Value>,
    pub problems: Vec<RowProblem>,
}

/// Rows an import writes with one statement, at most; fewer for wide tables, to stay under
/// SQLite's limit of bound values in one statement (32,766).
const IMPORT_CHUNK: usize = 200;

impl Store {
    /// Writes `rows` into table `name`, all or none: every row is checked against the schema
    /// first, then written, and each one the database refuses (a duplicate, a missing
    /// reference) is reported too. Returns the new rows' ids.
    pub async fn insert_rows(
        &self,
        name: &str,
        rows: &[Map<String, Value>],
    ) -> Result<Vec<i64>, TableError> {
        let schema = &self.schema_of(name).await?;
        let mut problems = Vec::new();
        let mut checked = Vec::with_capacity(rows.len());
        for (number, row) in (1u64..).zip(rows) {
            match rows::check_row(schema, number, row) {
                Ok(cells) => checked.push((number, cells)),
                Err(found) => problems.extend(found),
            }
        }
        let insert = ddl::insert_row(&ddl::physical(name), schema);
        let mut tx = self.pool().begin().await?;
        let mut ids = Vec::with_capacity(checked.len());
        for (number, cells) in checked {
            match write_row(&mut tx, &insert, None, &cells).await {
                Ok(id) => ids.push(id),
                Err(err) => match StoreError::from(err) {
                    StoreError::Constraint { constraint, detail } => {
                        problems.extend(refused(schema, number, &constraint, &detail, &cells));
                    }
                    other => return Err(other.into()),
                },
            }
        }
        if !problems.is_empty() {
            problems.sort_by_key(|p| p.row);
            return Err(TableError::Rows(problems));
        }
        rows_written(&mut tx, Some(name)).await?;
        tx.commit().await?;
        Ok(ids)
    }

    /// Imports `rows` (from `tables::import::rows`) into table `name`, in one transaction,
    /// streaming: each row is read by the table's types (a file's column names matched as
    /// they are or as `import::column_name` makes them) and checked. With a problem in any
    /// row nothing is written and every problem is returned, by line and column; unless
    /// `skip_invalid`, when the good rows are written and the others come back in the report.
    pub async fn import_rows(
        &self,
        name: &str,
        rows: impl Iterator<Item = Result<SourceRow, SourceError>>,
        skip_invalid: bool,
    ) -> Result<ImportReport, TableError> {
        let schema = self.schema_of(name).await?;
        let physical = ddl::physical(name);
        let single = ddl::insert_row(&physical, &schema);
        let chunk = IMPORT_CHUNK.min(32_000 / (schema.columns.len() + 1)).max(1);
        let chunk_insert = ddl::insert_rows(&physical, &schema, chunk);
        let mut tx = self.pool().begin().await?;
        let mut problems = Vec::new();
        let mut skipped = Vec::new();
        let mut imported = 0u64;
        let mut pending: Vec<(SourceRow, Vec<Cell>)> = Vec::with_capacity(chunk);
        for row in rows {
            let row = row?;
            let values: Map<String, Value> = row
                .values
                .iter()
                .map(|(key, value)| {
                    let column = schema
                        .column(key)
                        .or_else(|| schema.column(&import::column_name(key)));
                    match column {
                        Some(c) => (c.name.clone(), import::typed(c.data_type, value.clone())),
                        None => (key.clone(), value.clone()),
                    }
                })
                .collect();
            match rows::check_row(&schema, row.line, &values) {
                Ok(cells) => pending.push((row, cells)),
                Err(found) => {
                    if skip_invalid {
                        skipped.push(SkippedRow {
                            line: row.line,
                            values: row.values,
                            problems: found,
                        });
                    } else {
                        problems.extend(found);
                    }
                }
            }
            if pending.len() == chunk {
                let written =
                    write_chunk(&mut tx, &schema, &chunk_insert, &single, &mut pending).await?;
                imported += written.imported;
                absorb(written.refused, skip_invalid, &mut problems, &mut skipped);
            }
        }
        if !pending.is_empty() {
            let insert = ddl::insert_rows(&physical, &schema, pending.len());
            let written = write_chunk(&mut tx, &schema, &insert, &single, &mut pending).await?;
            imported += written.imported;
            absorb(written.refused, skip_invalid, &mut problems, &mut skipped);
        }
        if !problems.is_empty() {
            problems.sort_by_key(|p| p.row);
            return Err(TableError::Rows(problems));
        }
        rows_written(&mut tx, Some(name)).await?;
        tx.commit().await?;
        Ok(ImportReport { imported, skipped })
    }

    /// Changes row `id` of table `name`: the columns in `values` take their new values (null
    /// empties one), the others keep theirs; the whole row is checked as an insert is.
    pub async fn update_row(
        &self,
        name: &str,
        id: i64,
        values: &Map<String, Value>,
    ) -> Result<(), TableError> {
        let schema = &self.schema_of(name).await?;
        let physical = ddl::physical(name);
        let sql = format!("{} WHERE \"_id\" = ?", ddl::select_rows(&physical, schema));
        let current: Option<Json<Map<String, Value>>> =
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(self.pool())
                .await?;
        let Some(Json(mut row)) = current else {
            return Err(TableError::RowNotFound {
                table: name.to_owned(),
                id,
            });
        };
        row.remove("_id");
        row.extend(values.clone());
        let number = u64::try_from(id).unwrap_or_default();
        let cells = rows::check_row(schema, number, &row).map_err(TableError::Rows)?;
        let assignments: Vec<String> = schema
            .columns
            .iter()
            .map(|c| format!("{} = ?", ddl::ident(&c.name)))
            .collect();
        let update = format!(
            "UPDATE {} SET {} WHERE \"_id\" = ?",
            ddl::ident(&physical),
            assignments.join(", ")
        );
        let mut tx = self.pool().begin().await?;
        // Checked, quoted names; every value bound.
        let query = bind_cells(sqlx::query(sqlx::AssertSqlSafe(update)), &cells);
        if let Err(err) = query.bind(id).execute(&mut *tx).await {
            return Err(match StoreError::from(err) {
                StoreError::Constraint { constraint, detail } => {
                    TableError::Rows(refused(schema, number, &constraint, &detail, &cells))
                }
                other => other.into(),
            });
        }
        rows_written(&mut tx, Some(name)).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes the rows `ids` of table `name`, all or none. Rows of other tables referring to
    /// them follow their reference's `on_delete`: deleted too, emptied, or (restrict) the
    /// delete is refused. Returns how many rows were deleted.
    pub async fn delete_rows(&self, name: &str, ids: &[i64]) -> Result<u64, TableError> {
        self.table_id(name).await?;
        let sql = format!(
            "DELETE FROM {} WHERE \"_id\" IN (SELECT value FROM json_each(?))",
            ddl::ident(&ddl::physical(name))
        );
        let mut tx = self.pool().begin().await?;
        let deleted = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(Json(ids))
            .execute(&mut *tx)
            .await
            .map_err(|err| match StoreError::from(err) {
                StoreError::Constraint { constraint, .. } if constraint == "foreign_key" => {
                    TableError::Referenced(name.to_owned())
                }
                other => other.into(),
            })?
            .rows_affected();
        // A delete can reach other tables (cascade, set-null): every table counts as written.
        rows_written(&mut tx, None).await?;
        tx.commit().await?;
        Ok(deleted)
    }

    /// Rows `offset..offset + limit` of table `name`, in the order they were written.
    pub async fn table_rows(
        &self,
        name: &str,
        offset: u64,
        limit: u64,
    ) -> Result<RowsPage, TableError> {
        let table = self.get_table(name).await?;
        let sql = format!(
            "{} ORDER BY \"_id\" LIMIT ? OFFSET ?",
            ddl::select_rows(&ddl::physical(name), &table.schema)
        );
        let rows: Vec<Json<Map<String, Value>>> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .bind(i64::try_from(offset).unwrap_or(i64::MAX))
            .fetch_all(self.pool())
            .await?;
        Ok(RowsPage {
            rows: rows.into_iter().map(|r| r.0).collect(),
            offset,
            total_rows: table.summary.rows,
        })
    }
}

/// Counts a write of table `name`'s rows (of every table: `None`), for the result cache.
pub(super) async fn rows_written(
    conn: &mut SqliteConnection,
    name: Option<&str>,
) -> Result<(), TableError> {
    sqlx::query(
        "UPDATE flex_tables SET rows_version = rows_version + 1
         WHERE deleted_at IS NULL AND (?1 IS NULL OR name = ?1)",
    )
    .bind(name)
    .execute(conn)
    .await?;
    Ok(())
}

/// What writing a chunk of an import did: rows written, rows the database refused.
struct Chunk {
    imported: u64,
    refused: Vec<SkippedRow>,
}

/// Writes `pending` (emptied) with one multi-row statement; when the database refuses it (a
/// duplicate, a missing reference), row by row, to name the rows it refuses.
async fn write_chunk(
    conn: &mut SqliteConnection,
    schema: &TableSchema,
    insert: &str,
    single: &str,
    pending: &mut Vec<(SourceRow, Vec<Cell>)>,
) -> Result<Chunk, TableError> {
    let rows = std::mem::take(pending);
    sqlx::query("SAVEPOINT chunk").execute(&mut *conn).await?;
    // Checked, quoted names; every value bound.
    let mut query = sqlx::query(sqlx::AssertSqlSafe(insert));
    for (_, cells) in &rows {
        query = bind_cells(query.bind(None::<i64>), cells);
    }
    if query.execute(&mut *conn).await.is_ok() {
        sqlx::query("RELEASE chunk").execute(&mut *conn).await?;
        return Ok(Chunk {
            imported: rows.len() as u64,
            refused: Vec::new(),
        });
    }
    sqlx::query("ROLLBACK TO chunk").execute(&mut *conn).await?;
    sqlx::query("RELEASE chunk").execute(&mut *conn).await?;
    let mut chunk = Chunk {
        imported: 0,
        refused: Vec::new(),
    };
    for (row, cells) in rows {
        match write_row(conn, single, None, &cells).await {
            Ok(_) => chunk.imported += 1,
            Err(err) => match StoreError::from(err) {
                StoreError::Constraint { constraint, detail } => chunk.refused.push(SkippedRow {
                    problems: refused(schema, row.line, &constraint, &detail, &cells),
                    line: row.line,
                    values: row.values,
                }),
                other => return Err(other.into()),
            },
        }
    }
    Ok(chunk)
}

/// Rows the database refused: skipped, or their problems reported.
fn absorb(
    refused: Vec<SkippedRow>,
    skip_invalid: bool,
    problems: &mut Vec<RowProblem>,
    skipped: &mut Vec<SkippedRow>,
) {
    if skip_invalid {
        skipped.extend(refused);
    } else {
        problems.extend(refused.into_iter().flat_map(|r| r.problems));
    }
}

/// Writes one checked row with `insert` (see `ddl::insert_row`): under `id`, or a new one.
pub(super) async fn write_row(
    conn: &mut SqliteConnection,
    insert: &str,
    id: Option<i64>,
    cells: &[Cell],
) -> Result<i64, sqlx::Error> {
    // Checked, quoted names; every value bound.
    let query = bind_cells(sqlx::query(sqlx::AssertSqlSafe(insert)).bind(id), cells);
    query.fetch_one(conn).await?.try_get(0)
}

/// `query` with `cells` bound next, in order.
fn bind_cells<'q>(
    mut query: sqlx::query::Query<'q, Sqlite, SqliteArguments>,
    cells: &[Cell],
) -> sqlx::query::Query<'q, Sqlite, SqliteArguments> {
    for cell in cells.iter().cloned() {
        query = match cell {
            Cell::Null => query.bind(None::<i64>),
            Cell::Integer(i) => query.bind(i),
            Cell::Real(f) => query.bind(f),
            Cell::Text(t) => query.bind(t),
        };
    }
    query
}

/// What the database's refusal of row `row` means, by column: a CHECK named
/// `<column>__<rule>`, a duplicate (`flex_t.column`), a missing value, or a reference to a
/// row that does not exist (SQLite does not say which reference: each one the row sets).
fn refused(
    schema: &TableSchema,
    row: u64,
    constraint: &str,
    detail: &str,
    cells: &[Cell],
) -> Vec<RowProblem> {
    let problem = |column: &str, message: &str| RowProblem {
        row,
        column: column.to_owned(),
        message: message.to_owned(),
    };
    if constraint == "foreign_key" {
        return schema
            .columns
            .iter()
            .zip(cells)
            .filter(|(c, cell)| c.data_type == ColumnType::Reference && **cell != Cell::Null)
            .map(|(c, _)| problem(&c.name, "refers to a row that does not exist"))
            .collect();
    }
    if detail.starts_with("UNIQUE") {
        let column = constraint.rsplit('.').next().unwrap_or(constraint);
        return vec![problem(column, "duplicates another row's value (unique)")];
    }
    match constraint.rsplit_once("__") {
        Some((column, rule)) => vec![problem(column, &format!("breaks its {rule} rule"))],
        None => vec![problem("_id", &format!("refused by `{constraint}`"))],
    }
}
