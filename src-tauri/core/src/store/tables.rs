//! Data tables in the store: their metadata and schema history (`flex_tables`,
//! `flex_table_versions`) and their rows, in a STRICT table each (see `tables::ddl`). Every
//! write is one transaction: a table and its first version, or all of a batch of rows.

use super::{Store, StoreError};
use crate::model::{
    ColumnType, SchemaChange, TableDetail, TableSchema, TableSummary, TableVersion,
};
use crate::tables::import::{self, SourceError, SourceRow};
use crate::tables::value::Cell;
use crate::tables::{RowProblem, TableError, ddl, rows, schema};
use serde_json::{Map, Value};
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

#[derive(sqlx::FromRow)]
struct TableRow {
    id: i64,
    name: String,
    display_name: String,
    schema: Json<TableSchema>,
    version: u32,
    created_at: String,
    updated_at: String,
}

#[derive(sqlx::FromRow)]
struct VersionRow {
    version: u32,
    previous_schema: Option<Json<TableSchema>>,
    new_schema: Json<TableSchema>,
    changes: Json<Vec<crate::model::SchemaChange>>,
    created_by: Option<String>,
    created_at: String,
}

impl From<VersionRow> for TableVersion {
    fn from(row: VersionRow) -> Self {
        TableVersion {
            version: row.version,
            previous_schema: row.previous_schema.map(|s| s.0),
            new_schema: row.new_schema.0,
            changes: row.changes.0,
            created_by: row.created_by,
            created_at: row.created_at,
        }
    }
}

/// The live tables' metadata. A macro so that each query built on it is one `'static` string.
macro_rules! select_tables {
    () => {
        "SELECT id, name, display_name, schema, version, created_at, updated_at
         FROM flex_tables WHERE deleted_at IS NULL"
    };
}

impl Store {
    /// Creates table `name` with `schema` (its version 1) and records that first version.
    pub async fn create_table(
        &self,
        name: &str,
        display_name: &str,
        schema: &TableSchema,
        created_by: Option<&str>,
    ) -> Result<TableDetail, TableError> {
        let mut problems = schema::check(name, schema);
        problems.extend(self.missing_targets(name, schema).await?);
        let mut tx = self.pool().begin().await?;
        if !problems.is_empty() {
            return Err(TableError::Schema(problems));
        }
        if find_table(&mut tx, name).await?.is_some() {
            return Err(TableError::Exists(name.to_owned()));
        }
        let schema = TableSchema {
            version: 1,
            ..schema.clone()
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO flex_tables (name, display_name, schema, version) VALUES (?, ?, ?, 1)
             RETURNING id",
        )
        .bind(name)
        .bind(display_name)
        .bind(Json(&schema))
        .fetch_one(&mut *tx)
        .await?;
        // The DDL's names are checked snake_case and quoted, its few values checked literals
        // (see `tables::ddl`).
        let physical = ddl::physical(name);
        let statements = std::iter::once(ddl::create_table(&physical, &schema))
            .chain(ddl::create_indexes(&physical, &schema));
        for statement in statements {
            sqlx::query(sqlx::AssertSqlSafe(statement))
                .execute(&mut *tx)
                .await?;
        }
        let changes = schema::changes(None, &schema);
        record_version(&mut tx, id, None, &schema, &changes, created_by).await?;
        tx.commit().await?;
        self.get_table(name).await
    }

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
        problems.extend(self.missing_targets(name, &new).await?);
        if !problems.is_empty() {
            return Err(TableError::Schema(problems));
        }

        // Every stored row, read as the new schema: what it would hold, or why it cannot.
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
            match rows::check_row(&new, u64::try_from(id).unwrap_or_default(), &row) {
                Ok(cells) => rewritten.push((id, cells)),
                Err(found) => {
                    offending.insert(id);
                    broken.extend(found);
                }
            }
        }
        for (index, column) in new.columns.iter().enumerate().filter(|(_, c)| c.unique) {
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

    /// Renames table `name` to `new_name`, references to it included, as a schema version.
    pub async fn rename_table(
        &self,
        name: &str,
        new_name: &str,
        created_by: Option<&str>,
    ) -> Result<TableDetail, TableError> {
        if !schema::is_snake_case(new_name) {
            return Err(TableError::Schema(vec![schema::SchemaProblem {
                column: None,
                message: format!("table name `{new_name}` must be lowercase snake_case"),
            }]));
        }
        let current = self.get_table(name).await?;
        let mut tx = self.pool().begin().await?;
        if find_table(&mut tx, new_name).await?.is_some() {
            return Err(TableError::Exists(new_name.to_owned()));
        }
        let id = self.table_id(name).await?;
        // SQLite rewrites the foreign keys that point at the table; the schemas that name it
        // as a target are rewritten here.
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "ALTER TABLE {} RENAME TO {}",
            ddl::ident(&ddl::physical(name)),
            ddl::ident(&ddl::physical(new_name))
        )))
        .execute(&mut *tx)
        .await?;
        // Index names carry the table's: the old ones would block a new table of that name.
        let physical = ddl::physical(new_name);
        for column in current
            .schema
            .columns
            .iter()
            .filter(|c| c.indexed && !c.unique)
        {
            let old = ddl::index(&ddl::physical(name), &column.name);
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP INDEX {}",
                ddl::ident(&old)
            )))
            .execute(&mut *tx)
            .await?;
        }
        for statement in ddl::create_indexes(&physical, &current.schema) {
            sqlx::query(sqlx::AssertSqlSafe(statement))
                .execute(&mut *tx)
                .await?;
        }
        let others: Vec<TableRow> = sqlx::query_as(concat!(select_tables!(), " AND id != ?"))
            .bind(id)
            .fetch_all(&mut *tx)
            .await?;
        for other in others {
            let mut schema = other.schema.0;
            let mut touched = false;
            for column in &mut schema.columns {
                if column.validation.target_table.as_deref() == Some(name) {
                    column.validation.target_table = Some(new_name.to_owned());
                    touched = true;
                }
            }
            if touched {
                sqlx::query("UPDATE flex_tables SET schema = ? WHERE id = ?")
                    .bind(Json(&schema))
                    .bind(other.id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        let version = current.schema.version + 1;
        let new = TableSchema {
            version,
            ..current.schema.clone()
        };
        sqlx::query("UPDATE flex_tables SET name = ?, schema = ?, version = ? WHERE id = ?")
            .bind(new_name)
            .bind(Json(&new))
            .bind(version)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let renamed = SchemaChange::RenameTable {
            before: name.to_owned(),
            after: new_name.to_owned(),
        };
        record_version(&mut tx, id, &current.schema, &new, &[renamed], created_by).await?;
        tx.commit().await?;
        self.get_table(new_name).await
    }

    async fn missing_targets(
        &self,
        name: &str,
        schema: &TableSchema,
    ) -> Result<Vec<schema::SchemaProblem>, TableError> {
        let mut conn = self.pool().acquire().await?;
        let mut problems = Vec::new();
        for column in &schema.columns {
            if let Some(target) = &column.validation.target_table
                && target != name
                && find_table(&mut conn, target).await?.is_none()
            {
                problems.push(schema::SchemaProblem {
                    column: Some(column.name.clone()),
                    message: format!("target_table `{target}` does not exist"),
                });
            }
        }
        Ok(problems)
    }

    /// What each table's data looks like now, by name: its schema version and how many times
    /// its rows were written. Equal stamps promise equal data (the result cache's fingerprint).
    pub async fn table_stamps(&self) -> Result<Vec<(String, u32, i64)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT name, version, rows_version FROM flex_tables
             WHERE deleted_at IS NULL ORDER BY name",
        )
        .fetch_all(self.pool())
        .await?)
    }

    /// Every table, by name.
    pub async fn list_tables(&self) -> Result<Vec<TableSummary>, TableError> {
        let rows: Vec<TableRow> = sqlx::query_as(concat!(select_tables!(), " ORDER BY name"))
            .fetch_all(self.pool())
            .await?;
        let mut tables = Vec::with_capacity(rows.len());
        for row in rows {
            let count = self.count_rows(&row.name).await?;
            tables.push(summary(row, count));
        }
        Ok(tables)
    }

    /// Table `name` with its schema.
    pub async fn get_table(&self, name: &str) -> Result<TableDetail, TableError> {
        let mut conn = self.pool().acquire().await?;
        let row = find_table(&mut conn, name)
            .await?
            .ok_or_else(|| TableError::NotFound(name.to_owned()))?;
        drop(conn);
        let schema = row.schema.0.clone();
        let count = self.count_rows(name).await?;
        Ok(TableDetail {
            summary: summary(row, count),
            schema,
        })
    }

    /// Table `name`'s schema history, newest first.
    pub async fn table_history(&self, name: &str) -> Result<Vec<TableVersion>, TableError> {
        let table = self.table_id(name).await?;
        let rows: Vec<VersionRow> = sqlx::query_as(
            "SELECT version, previous_schema, new_schema, changes, created_by, created_at
             FROM flex_table_versions WHERE table_id = ? ORDER BY version DESC",
        )
        .bind(table)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(TableVersion::from).collect())
    }

    /// Writes `rows` into table `name`, all or none: every row is checked against the schema
    /// first, then written, and each one the database refuses (a duplicate, a missing
    /// reference) is reported too. Returns the new rows' ids.
    pub async fn insert_rows(
        &self,
        name: &str,
        rows: &[Map<String, Value>],
    ) -> Result<Vec<i64>, TableError> {
        let table = self.get_table(name).await?;
        let schema = &table.schema;
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
        let schema = self.get_table(name).await?.schema;
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
        let table = self.get_table(name).await?;
        let schema = &table.schema;
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
        let mut query = sqlx::query(sqlx::AssertSqlSafe(update));
        for cell in cells.iter().cloned() {
            query = match cell {
                Cell::Null => query.bind(None::<i64>),
                Cell::Integer(i) => query.bind(i),
                Cell::Real(f) => query.bind(f),
                Cell::Text(t) => query.bind(t),
            };
        }
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

    /// Drops table `name`: its rows go, its metadata and schema history stay (marked deleted),
    /// and its name is free again. Refused while another table refers to it.
    pub async fn drop_table(&self, name: &str) -> Result<(), TableError> {
        let id = self.table_id(name).await?;
        let referring: Vec<String> = self
            .list_tables()
            .await?
            .into_iter()
            .map(|t| t.name)
            .filter(|other| other != name)
            .collect();
        for other in referring {
            let schema = self.get_table(&other).await?.schema;
            if schema
                .columns
                .iter()
                .any(|c| c.validation.target_table.as_deref() == Some(name))
            {
                return Err(TableError::ReferencedBy {
                    table: name.to_owned(),
                    by: other,
                });
            }
        }
        let mut tx = self.pool().begin().await?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP TABLE {}",
            ddl::ident(&ddl::physical(name))
        )))
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE flex_tables SET deleted_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
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

    async fn count_rows(&self, name: &str) -> Result<u64, TableError> {
        let sql = format!("SELECT count(*) FROM {}", ddl::ident(&ddl::physical(name)));
        let count: i64 = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_one(self.pool())
            .await?
            .try_get(0)?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    async fn table_id(&self, name: &str) -> Result<i64, TableError> {
        let mut conn = self.pool().acquire().await?;
        find_table(&mut conn, name)
            .await?
            .map(|t| t.id)
            .ok_or_else(|| TableError::NotFound(name.to_owned()))
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
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
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

/// Counts a write of table `name`'s rows (of every table: `None`), for the result cache.
async fn rows_written(conn: &mut SqliteConnection, name: Option<&str>) -> Result<(), TableError> {
    sqlx::query(
        "UPDATE flex_tables SET rows_version = rows_version + 1
         WHERE deleted_at IS NULL AND (?1 IS NULL OR name = ?1)",
    )
    .bind(name)
    .execute(conn)
    .await?;
    Ok(())
}

async fn record_version(
    conn: &mut SqliteConnection,
    table: i64,
    previous: impl Into<Option<&TableSchema>>,
    new: &TableSchema,
    changes: &[SchemaChange],
    created_by: Option<&str>,
) -> Result<(), TableError> {
    sqlx::query(
        "INSERT INTO flex_table_versions (table_id, version, previous_schema, new_schema,
                                          changes, created_by)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(table)
    .bind(new.version)
    .bind(previous.into().map(Json))
    .bind(Json(new))
    .bind(Json(changes))
    .bind(created_by)
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
        query = query.bind(None::<i64>);
        for cell in cells.iter().cloned() {
            query = match cell {
                Cell::Null => query.bind(None::<i64>),
                Cell::Integer(i) => query.bind(i),
                Cell::Real(f) => query.bind(f),
                Cell::Text(t) => query.bind(t),
            };
        }
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
async fn write_row(
    conn: &mut SqliteConnection,
    insert: &str,
    id: Option<i64>,
    cells: &[Cell],
) -> Result<i64, sqlx::Error> {
    // Checked, quoted names; every value bound.
    let mut query = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(insert)).bind(id);
    for cell in cells.iter().cloned() {
        query = match cell {
            Cell::Null => query.bind(None::<i64>),
            Cell::Integer(i) => query.bind(i),
            Cell::Real(f) => query.bind(f),
            Cell::Text(t) => query.bind(t),
        };
    }
    query.fetch_one(conn).await
}

async fn find_table(
    conn: &mut SqliteConnection,
    name: &str,
) -> Result<Option<TableRow>, TableError> {
    Ok(sqlx::query_as(concat!(select_tables!(), " AND name = ?"))
        .bind(name)
        .fetch_optional(conn)
        .await?)
}

fn summary(row: TableRow, rows: u64) -> TableSummary {
    TableSummary {
        columns: u32::try_from(row.schema.0.columns.len()).unwrap_or(u32::MAX),
        name: row.name,
        display_name: row.display_name,
        version: row.version,
        rows,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
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
