//! The rows of data tables: written (inserted, imported from files, updated), deleted and
//! paged. Every write is one transaction, every row checked against the table's schema
//! first; what the database still refuses (a duplicate, a missing reference) is named by row
//! and column. The tables themselves and their history are `tables.rs`.

use super::tables::{create_in, find_schema};
use super::{Store, StoreError};
use crate::model::{ColumnType, FilterOp, RowFilter, RowsQuery, TableSchema};
use crate::tables::import::{self, SourceError, SourceRow};
use crate::tables::value::{self, Cell};
use crate::tables::{RowProblem, TableError, ddl, rows};
use serde_json::{Map, Value};
use sqlx::sqlite::{Sqlite, SqliteArguments};
use sqlx::types::Json;
use sqlx::{Arguments, Row, SqliteConnection};
use std::path::{Path, PathBuf};

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

/// What importing a file did: whether it made the table, how many rows it wrote, and where
/// the rows it skipped were reported.
#[derive(Debug, Clone, PartialEq, serde::Serialize, specta::Type)]
pub struct FileImport {
    pub table: String,
    pub created: bool,
    pub imported: u64,
    pub skipped: u64,
    /// The JSON Lines file holding each skipped row with its line and problems.
    pub report: Option<String>,
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
        let mut tx = self.pool().begin().await?;
        let report = import_in(&mut tx, name, &schema, rows, skip_invalid).await?;
        tx.commit().await?;
        Ok(report)
    }

    /// Writes `rows` (a flow's result, numbered from 1) into table `name`, all or none, as an
    /// import does: after the rows it has, or (`replace`) instead of them — rows of other
    /// tables referring to the old ones follow their `on_delete`. Returns how many it wrote.
    pub async fn write_rows(
        &self,
        name: &str,
        rows: impl Iterator<Item = SourceRow>,
        replace: bool,
    ) -> Result<u64, TableError> {
        let schema = self.schema_of(name).await?;
        let mut tx = self.pool().begin().await?;
        if replace {
            let sql = format!("DELETE FROM {}", ddl::ident(&ddl::physical(name)));
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&mut *tx)
                .await
                .map_err(|err| referenced(name, err))?;
            rows_written(&mut tx, None).await?;
        }
        let report = import_in(&mut tx, name, &schema, rows.map(Ok), false).await?;
        tx.commit().await?;
        Ok(report.imported)
    }

    /// Imports file `path` (CSV, JSON, JSON Lines, Parquet) into table `name`. When there is
    /// no such table it is made first, with `schema` when given (types adjusted by the user)
    /// or the one inferred from the file, in the same transaction as the rows: a refused
    /// import leaves no table behind. Rows the table refuses fail the import, each named by
    /// line and column; with `skip_invalid` they are left out and written, with their
    /// problems, to `report` (default: `<path>.rejected.jsonl`).
    pub async fn import_file(
        &self,
        path: &Path,
        name: &str,
        schema: Option<&TableSchema>,
        skip_invalid: bool,
        report: Option<&Path>,
        created_by: Option<&str>,
    ) -> Result<FileImport, TableError> {
        let rows = import::rows(path)?;
        let mut tx = self.pool().begin().await?;
        let (table, created) = match find_schema(&mut tx, name).await? {
            Some(table) => (table, false),
            None => {
                let inferred;
                let schema = match schema {
                    Some(schema) => schema,
                    None => {
                        inferred = import::infer(path, 10_000)?;
                        &inferred
                    }
                };
                (
                    create_in(&mut tx, name, "", schema, created_by).await?,
                    true,
                )
            }
        };
        let done = import_in(&mut tx, name, &table, rows, skip_invalid).await?;
        tx.commit().await?;
        let mut outcome = FileImport {
            table: name.to_owned(),
            created,
            imported: done.imported,
            skipped: done.skipped.len() as u64,
            report: None,
        };
        if !done.skipped.is_empty() {
            let report = report.map_or_else(
                || {
                    let mut file = path.as_os_str().to_owned();
                    file.push(".rejected.jsonl");
                    PathBuf::from(file)
                },
                Path::to_owned,
            );
            let lines: String = done
                .skipped
                .iter()
                .map(|row| format!("{}\n", serde_json::to_string(row).unwrap_or_default()))
                .collect();
            std::fs::write(&report, lines).map_err(|e| {
                TableError::Export(format!("could not write {}: {e}", report.display()))
            })?;
            outcome.report = Some(report.display().to_string());
        }
        Ok(outcome)
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
        rows::without_computed(schema, &mut row);
        row.extend(values.clone());
        let number = u64::try_from(id).unwrap_or_default();
        let cells = rows::check_row(schema, number, &row).map_err(TableError::Rows)?;
        let assignments: Vec<String> = schema
            .stored_columns()
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
            .map_err(|err| referenced(name, err))?
            .rows_affected();
        // A delete can reach other tables (cascade, set-null): every table counts as written.
        rows_written(&mut tx, None).await?;
        tx.commit().await?;
        Ok(deleted)
    }

    /// A page of table `name`'s rows as `query` asks: filtered (every filter holds; values
    /// read as their column's type and bound), sorted, `offset..offset + limit`; with the
    /// number of rows the filters let through.
    pub async fn table_rows(&self, name: &str, query: &RowsQuery) -> Result<RowsPage, TableError> {
        let schema = self.schema_of(name).await?;
        let physical = ddl::physical(name);
        let (filter, values) = filter_clause(name, &schema, &query.filters)?;
        let order = match &query.sort {
            None => "\"_id\"".to_owned(),
            Some(sort) => {
                if sort.column != "_id" && schema.column(&sort.column).is_none() {
                    return Err(TableError::Query(format!(
                        "cannot sort by `{}`: table `{name}` has no such column",
                        sort.column
                    )));
                }
                let direction = if sort.descending { "DESC" } else { "ASC" };
                // Ties keep the order rows were written in.
                format!(
                    "{} {direction}, \"_id\" {direction}",
                    ddl::ident(&sort.column)
                )
            }
        };
        let sql = format!(
            "{}{filter} ORDER BY {order} LIMIT ? OFFSET ?",
            ddl::select_rows(&physical, &schema)
        );
        // Checked, quoted names; every value bound.
        let mut page = values.clone();
        page.push(Cell::Integer(
            i64::try_from(query.limit).unwrap_or(i64::MAX),
        ));
        page.push(Cell::Integer(
            i64::try_from(query.offset).unwrap_or(i64::MAX),
        ));
        let rows: Vec<Json<Map<String, Value>>> =
            sqlx::query_scalar_with(sqlx::AssertSqlSafe(sql), arguments(&page)?)
                .fetch_all(self.pool())
                .await?;
        let count = format!("SELECT count(*) FROM {}{filter}", ddl::ident(&physical));
        let total: i64 = sqlx::query_scalar_with(sqlx::AssertSqlSafe(count), arguments(&values)?)
            .fetch_one(self.pool())
            .await?;
        Ok(RowsPage {
            rows: rows.into_iter().map(|r| r.0).collect(),
            offset: query.offset,
            total_rows: u64::try_from(total).unwrap_or_default(),
        })
    }
}

/// ` WHERE …` for `filters` (empty without any), with the values it binds in order.
fn filter_clause(
    table: &str,
    schema: &TableSchema,
    filters: &[RowFilter],
) -> Result<(String, Vec<Cell>), TableError> {
    let mut terms = Vec::with_capacity(filters.len());
    let mut values = Vec::new();
    for filter in filters {
        let wrong =
            |why: String| TableError::Query(format!("filter on `{}`: {why}", filter.column));
        let (column, kind) = if filter.column == "_id" {
            ("\"_id\"".to_owned(), ColumnType::Integer)
        } else {
            let found = schema
                .column(&filter.column)
                .ok_or_else(|| wrong(format!("table `{table}` has no such column")))?;
            (ddl::ident(&found.name), found.data_type)
        };
        let comparison = match filter.op {
            FilterOp::IsNull => {
                terms.push(format!("{column} IS NULL"));
                continue;
            }
            FilterOp::IsNotNull => {
                terms.push(format!("{column} IS NOT NULL"));
                continue;
            }
            FilterOp::Contains => {
                let text = match &filter.value {
                    Value::String(text) => text.clone(),
                    other => other.to_string(),
                };
                let escaped = text
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_");
                terms.push(format!("CAST({column} AS TEXT) LIKE ? ESCAPE '\\'"));
                values.push(Cell::Text(format!("%{escaped}%")));
                continue;
            }
            FilterOp::Eq => "=",
            FilterOp::Ne => "IS NOT",
            FilterOp::Lt => "<",
            FilterOp::Le => "<=",
            FilterOp::Gt => ">",
            FilterOp::Ge => ">=",
        };
        let cell = value::convert(kind, &filter.value).map_err(wrong)?;
        if cell == Cell::Null {
            return Err(wrong(
                "give a value to compare with (or use is_null)".into(),
            ));
        }
        terms.push(format!("{column} {comparison} ?"));
        values.push(cell);
    }
    if terms.is_empty() {
        return Ok((String::new(), values));
    }
    Ok((format!(" WHERE {}", terms.join(" AND ")), values))
}

/// [`Store::import_rows`] inside the caller's transaction, into a table of `schema`.
async fn import_in(
    tx: &mut SqliteConnection,
    name: &str,
    schema: &TableSchema,
    rows: impl Iterator<Item = Result<SourceRow, SourceError>>,
    skip_invalid: bool,
) -> Result<ImportReport, TableError> {
    let physical = ddl::physical(name);
    let single = ddl::insert_row(&physical, schema);
    let chunk = IMPORT_CHUNK.min(32_000 / (schema.columns.len() + 1)).max(1);
    let computed = schema.columns.iter().any(|c| c.is_computed());
    let chunk_insert = ddl::insert_rows(&physical, schema, chunk);
    let mut problems = Vec::new();
    let mut skipped = Vec::new();
    let mut imported = 0u64;
    let mut pending: Vec<(SourceRow, Vec<Cell>)> = Vec::with_capacity(chunk);
    for row in rows {
        let row = row?;
        let mut values: Map<String, Value> = row
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
        // A file exported from a table carries its computed values: the table computes its own.
        if computed {
            rows::without_computed(schema, &mut values);
        }
        match rows::check_row(schema, row.line, &values) {
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
                write_chunk(&mut *tx, schema, &chunk_insert, &single, &mut pending).await?;
            imported += written.imported;
            absorb(written.refused, skip_invalid, &mut problems, &mut skipped);
        }
    }
    if !pending.is_empty() {
        let insert = ddl::insert_rows(&physical, schema, pending.len());
        let written = write_chunk(&mut *tx, schema, &insert, &single, &mut pending).await?;
        imported += written.imported;
        absorb(written.refused, skip_invalid, &mut problems, &mut skipped);
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.row);
        return Err(TableError::Rows(problems));
    }
    rows_written(&mut *tx, Some(name)).await?;
    Ok(ImportReport { imported, skipped })
}

/// A delete's failure: rows of `table` still referred to (restrict), or another error.
fn referenced(table: &str, err: sqlx::Error) -> TableError {
    match StoreError::from(err) {
        StoreError::Constraint { constraint, .. } if constraint == "foreign_key" => {
            TableError::Referenced(table.to_owned())
        }
        other => other.into(),
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

/// `cells` as a statement's arguments, in order.
fn arguments(cells: &[Cell]) -> Result<SqliteArguments, TableError> {
    let mut args = SqliteArguments::default();
    for cell in cells.iter().cloned() {
        match cell {
            Cell::Null => args.add(None::<i64>),
            Cell::Integer(i) => args.add(i),
            Cell::Real(f) => args.add(f),
            Cell::Text(t) => args.add(t),
        }
        .map_err(|e| TableError::from(sqlx::Error::Encode(e)))?;
    }
    Ok(args)
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
            .stored_columns()
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
