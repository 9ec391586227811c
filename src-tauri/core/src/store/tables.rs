//! Data tables in the store: their metadata and schema history (`flex_tables`,
//! `flex_table_versions`) and their rows, in a STRICT table each (see `tables::ddl`). Every
//! write is one transaction: a table and its first version, or all of a batch of rows.

use super::{Store, StoreError};
use crate::model::{ColumnType, TableDetail, TableSchema, TableSummary, TableVersion};
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
        let mut tx = self.pool().begin().await?;
        for column in &schema.columns {
            if let Some(target) = &column.validation.target_table
                && target != name
                && find_table(&mut tx, target).await?.is_none()
            {
                problems.push(schema::SchemaProblem {
                    column: Some(column.name.clone()),
                    message: format!("target_table `{target}` does not exist"),
                });
            }
        }
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
        for statement in ddl::create(name, &schema) {
            sqlx::query(sqlx::AssertSqlSafe(statement))
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(
            "INSERT INTO flex_table_versions (table_id, version, previous_schema, new_schema,
                                              changes, created_by)
             VALUES (?, 1, NULL, ?, ?, ?)",
        )
        .bind(id)
        .bind(Json(&schema))
        .bind(Json(schema::changes(None, &schema)))
        .bind(created_by)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.get_table(name).await
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
        let columns: Vec<String> = schema.columns.iter().map(|c| ddl::ident(&c.name)).collect();
        let insert = format!(
            "INSERT INTO {} ({}) VALUES ({}) RETURNING \"_id\"",
            ddl::ident(&ddl::physical(name)),
            columns.join(", "),
            vec!["?"; columns.len()].join(", ")
        );
        let mut tx = self.pool().begin().await?;
        let mut ids = Vec::with_capacity(checked.len());
        for (number, cells) in checked {
            // Checked, quoted names; every value bound.
            let mut query = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(insert.as_str()));
            for cell in cells.iter().cloned() {
                query = match cell {
                    Cell::Null => query.bind(None::<i64>),
                    Cell::Integer(i) => query.bind(i),
                    Cell::Real(f) => query.bind(f),
                    Cell::Text(t) => query.bind(t),
                };
            }
            match query.fetch_one(&mut *tx).await {
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
        tx.commit().await?;
        Ok(ids)
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
        let fields: Vec<String> = std::iter::once("'_id', \"_id\"".to_owned())
            .chain(table.schema.columns.iter().map(|c| {
                let column = ddl::ident(&c.name);
                let value = match c.data_type {
                    ColumnType::Json => format!("json({column})"),
                    ColumnType::Boolean => format!(
                        "CASE WHEN {column} IS NULL THEN NULL
                              ELSE json(iif({column}, 'true', 'false')) END"
                    ),
                    _ => column,
                };
                format!("{}, {value}", ddl::literal(&Value::String(c.name.clone())))
            }))
            .collect();
        let sql = format!(
            "SELECT json_object({}) FROM {} ORDER BY \"_id\" LIMIT ? OFFSET ?",
            fields.join(", "),
            ddl::ident(&ddl::physical(name))
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
    match constraint.split_once("__") {
        Some((column, rule)) => vec![problem(column, &format!("breaks its {rule} rule"))],
        None => vec![problem("_id", &format!("refused by `{constraint}`"))],
    }
}
