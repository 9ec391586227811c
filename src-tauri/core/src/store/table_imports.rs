//! Imports into data tables: files (CSV, JSON, JSON Lines, Parquet) and a flow's result,
//! streamed into one transaction a chunk of rows per statement, each row read by the
//! table's types and checked first; with a problem in any row nothing is written (or, when
//! asked, the good rows are, and the others are reported by line with their problems).

use super::table_rows::{bind_cells, refused, rows_written, write_row};
use super::table_writes::{Prepared, Seen, Source, Uniques, prepare, stored_clashes, write_batch};
use super::tables::{create_in, find_schema};
use super::{Store, StoreError};
use crate::model::{TableSchema, TableWrite};
use crate::tables::import::{self, SourceError, SourceRow};
use crate::tables::write::WriteOptions;
use crate::tables::{RowProblem, TableError, ddl};
use serde_json::{Map, Value};
use sqlx::SqliteConnection;
use std::path::{Path, PathBuf};

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
pub(super) const IMPORT_CHUNK: usize = 200;

impl Store {
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
        let mut tx = self.begin_write().await?;
        let report = import_in(&mut tx, name, &schema, rows, skip_invalid).await?;
        tx.commit().await?;
        Ok(report)
    }

    /// Writes `rows` (a flow's result, numbered from 1) into table `name`, all or none, as
    /// `options` say: after the rows it has (`append`), in place of the stored row with the
    /// same key or after them (`upsert`), or instead of them (`replace`: a stored row whose
    /// key a new row has is updated in place, keeping its `_id` and the rows referring to it;
    /// the others are deleted). A replace that would delete rows of other tables through an
    /// `on_delete: cascade` reference is refused unless `options.allow_cascade`. Every
    /// problem in every row is returned at once; nothing is written then.
    pub async fn write_rows(
        &self,
        name: &str,
        rows: impl Iterator<Item = SourceRow>,
        options: &WriteOptions,
    ) -> Result<TableWrite, TableError> {
        let schema = self.schema_of(name).await?;
        let mut tx = self.begin_write().await?;
        let (done, _) =
            write_batch(&mut tx, name, &schema, rows, options, Source::Result, false).await?;
        tx.commit().await?;
        Ok(done)
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
        let mut tx = self.begin_write().await?;
        let (table, created) = match find_schema(&mut tx, name).await? {
            Some(table) => (table, false),
            None => {
                self.check_name_free(name)?;
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
        let mut outcome = FileImport {
            table: name.to_owned(),
            created,
            imported: done.imported,
            skipped: done.skipped.len() as u64,
            report: None,
        };
        // The report is written before the rows are committed: when it cannot be, nothing
        // is imported (a re-run would otherwise import the good rows twice).
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
                TableError::Export(format!(
                    "could not write the report {}: {e}; nothing was imported",
                    report.display()
                ))
            })?;
            outcome.report = Some(report.display().to_string());
        }
        if let Err(err) = tx.commit().await {
            if let Some(report) = &outcome.report {
                let _ = std::fs::remove_file(report);
            }
            return Err(err.into());
        }
        Ok(outcome)
    }
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
    let chunk_insert = ddl::insert_rows(&physical, schema, chunk);
    let uniques = Uniques::of(schema, true);
    let mut seen = Seen::new(&uniques);
    let noun = Source::File.noun();
    let mut problems = Vec::new();
    let mut skipped = Vec::new();
    let mut imported = 0u64;
    let mut pending: Vec<Prepared> = Vec::with_capacity(chunk);
    for row in rows {
        let mut row = prepare(&mut *tx, schema, &uniques, Source::File, row?).await?;
        seen.note(&uniques, &mut row, noun);
        if row.problems.is_empty() {
            pending.push(row);
        } else {
            // A refused row's values already in a stored row are problems too: every one
            // is listed, not the first. (Written rows of this import are in `seen`.)
            let mut found =
                stored_clashes(&mut *tx, &physical, &uniques, &row, None, |_| true).await?;
            found.retain(|p| !row.problems.iter().any(|q| q.column == p.column));
            row.problems.extend(found);
            seen.forget(&row);
            absorb(vec![row], skip_invalid, &mut problems, &mut skipped);
        }
        if pending.len() == chunk {
            let written = write_chunk(
                &mut *tx,
                &physical,
                schema,
                &uniques,
                &chunk_insert,
                &single,
                &mut pending,
            )
            .await?;
            imported += written.imported;
            for row in &written.refused {
                seen.forget(row);
            }
            absorb(written.refused, skip_invalid, &mut problems, &mut skipped);
        }
    }
    if !pending.is_empty() {
        let insert = ddl::insert_rows(&physical, schema, pending.len());
        let written = write_chunk(
            &mut *tx,
            &physical,
            schema,
            &uniques,
            &insert,
            &single,
            &mut pending,
        )
        .await?;
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

/// What writing a chunk of an import did: rows written, rows the database refused.
pub(super) struct Chunk {
    pub(super) imported: u64,
    pub(super) refused: Vec<Prepared>,
}

/// Writes `pending` (emptied) with one multi-row statement; when the database refuses it (a
/// duplicate, a missing reference), row by row, to name the rows it refuses and why.
pub(super) async fn write_chunk(
    conn: &mut SqliteConnection,
    physical: &str,
    schema: &TableSchema,
    uniques: &Uniques,
    insert: &str,
    single: &str,
    pending: &mut Vec<Prepared>,
) -> Result<Chunk, TableError> {
    let rows = std::mem::take(pending);
    sqlx::query("SAVEPOINT chunk").execute(&mut *conn).await?;
    // Checked, quoted names; every value bound.
    let mut query = sqlx::query(sqlx::AssertSqlSafe(insert));
    for row in &rows {
        query = bind_cells(query.bind(row.id), row.cells.as_deref().unwrap_or_default());
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
    for mut row in rows {
        let cells = row.cells.clone().unwrap_or_default();
        match write_row(conn, single, row.id, &cells).await {
            Ok(_) => chunk.imported += 1,
            Err(err) => match StoreError::from(err) {
                StoreError::Constraint { constraint, detail } => {
                    // A duplicate: every unique value a stored row holds, named.
                    let clashes = if detail.starts_with("UNIQUE") {
                        stored_clashes(conn, physical, uniques, &row, None, |_| true).await?
                    } else {
                        Vec::new()
                    };
                    row.problems = if clashes.is_empty() {
                        refused(schema, row.line, &constraint, &detail, &cells)
                    } else {
                        clashes
                    };
                    chunk.refused.push(row);
                }
                other => return Err(other.into()),
            },
        }
    }
    Ok(chunk)
}

/// Rows refused: skipped, or their problems reported.
fn absorb(
    refused: Vec<Prepared>,
    skip_invalid: bool,
    problems: &mut Vec<RowProblem>,
    skipped: &mut Vec<SkippedRow>,
) {
    for row in refused {
        if skip_invalid {
            skipped.push(SkippedRow {
                line: row.line,
                values: row.values,
                problems: row.problems,
            });
        } else {
            problems.extend(row.problems);
        }
    }
}
