//! Data tables in the store: their metadata and schema history (`flex_tables`,
//! `flex_table_versions`), each table a STRICT SQLite table (see `tables::ddl`) created,
//! renamed and dropped here, each in one transaction with its version; schema changes are
//! `table_changes.rs`, rows `table_rows.rs`.

use super::{Store, StoreError};
use crate::model::{
    DroppedTable, SchemaChange, TableDetail, TableSchema, TableSummary, TableVersion,
};
use crate::tables::{TableError, ddl, schema};
use sqlx::types::Json;
use sqlx::{Row, SqliteConnection};

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
        self.check_name_free(name)?;
        let mut tx = self.begin_write().await?;
        create_in(&mut tx, name, display_name, schema, created_by).await?;
        tx.commit().await?;
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
        self.check_name_free(new_name)?;
        let mut tx = self.begin_write().await?;
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

    /// Every table's schema, by name (without counting rows: validation reads this).
    pub async fn table_schemas(&self) -> Result<Vec<(String, TableSchema)>, StoreError> {
        let rows: Vec<(String, Json<TableSchema>)> = sqlx::query_as(
            "SELECT name, schema FROM flex_tables WHERE deleted_at IS NULL ORDER BY name",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(name, schema)| (name, schema.0))
            .collect())
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
        versions_of(self, table).await
    }

    /// The history of each dropped table that was called `name` when it was dropped, the
    /// most recently dropped first (a name freed by a drop can be dropped again).
    pub async fn dropped_table_history(&self, name: &str) -> Result<Vec<DroppedTable>, TableError> {
        let dropped: Vec<(i64, String)> = sqlx::query_as(
            "SELECT id, deleted_at FROM flex_tables
             WHERE deleted_at IS NOT NULL AND name = ? ORDER BY deleted_at DESC, id DESC",
        )
        .bind(name)
        .fetch_all(self.pool())
        .await?;
        let mut tables = Vec::with_capacity(dropped.len());
        for (id, dropped_at) in dropped {
            tables.push(DroppedTable {
                name: name.to_owned(),
                dropped_at,
                versions: versions_of(self, id).await?,
            });
        }
        Ok(tables)
    }

    /// Drops table `name`: its rows go, its metadata and schema history stay (marked deleted),
    /// and its name is free again. Refused while another table refers to it.
    pub async fn drop_table(&self, name: &str) -> Result<(), TableError> {
        let id = self.table_id(name).await?;
        let others: Vec<TableRow> = sqlx::query_as(concat!(select_tables!(), " AND id != ?"))
            .bind(id)
            .fetch_all(self.pool())
            .await?;
        let referring = others.into_iter().find(|other| {
            other
                .schema
                .columns
                .iter()
                .any(|c| c.validation.target_table.as_deref() == Some(name))
        });
        if let Some(other) = referring {
            return Err(TableError::ReferencedBy {
                table: name.to_owned(),
                by: other.name,
            });
        }
        let mut tx = self.begin_write().await?;
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

    /// Table `name`'s schema, without counting its rows.
    pub(super) async fn schema_of(&self, name: &str) -> Result<TableSchema, TableError> {
        let mut conn = self.pool().acquire().await?;
        find_schema(&mut conn, name)
            .await?
            .ok_or_else(|| TableError::NotFound(name.to_owned()))
    }

    async fn count_rows(&self, name: &str) -> Result<u64, TableError> {
        let sql = format!("SELECT count(*) FROM {}", ddl::ident(&ddl::physical(name)));
        let count: i64 = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_one(self.pool())
            .await?
            .try_get(0)?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    pub(super) async fn table_id(&self, name: &str) -> Result<i64, TableError> {
        let mut conn = self.pool().acquire().await?;
        find_table(&mut conn, name)
            .await?
            .map(|t| t.id)
            .ok_or_else(|| TableError::NotFound(name.to_owned()))
    }
}

/// The schema versions of table `table` (its row id), newest first.
async fn versions_of(store: &Store, table: i64) -> Result<Vec<TableVersion>, TableError> {
    let rows: Vec<VersionRow> = sqlx::query_as(
        "SELECT version, previous_schema, new_schema, changes, created_by, created_at
         FROM flex_table_versions WHERE table_id = ? ORDER BY version DESC",
    )
    .bind(table)
    .fetch_all(store.pool())
    .await?;
    Ok(rows.into_iter().map(TableVersion::from).collect())
}

pub(super) async fn record_version(
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

/// [`Store::create_table`] inside the caller's transaction; returns the schema created.
pub(super) async fn create_in(
    tx: &mut SqliteConnection,
    name: &str,
    display_name: &str,
    schema: &TableSchema,
    created_by: Option<&str>,
) -> Result<TableSchema, TableError> {
    let mut problems = schema::check(name, schema);
    problems.extend(missing_targets(&mut *tx, name, schema).await?);
    if !problems.is_empty() {
        return Err(TableError::Schema(problems));
    }
    if find_table(&mut *tx, name).await?.is_some() {
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
    record_version(&mut *tx, id, None, &schema, &changes, created_by).await?;
    Ok(schema)
}

/// The reference targets of `schema` (table `name`'s) that are not tables.
pub(super) async fn missing_targets(
    conn: &mut SqliteConnection,
    name: &str,
    schema: &TableSchema,
) -> Result<Vec<schema::SchemaProblem>, TableError> {
    let mut problems = Vec::new();
    for column in &schema.columns {
        if let Some(target) = &column.validation.target_table
            && target != name
            && find_table(&mut *conn, target).await?.is_none()
        {
            problems.push(schema::SchemaProblem {
                column: Some(column.name.clone()),
                message: format!("target_table `{target}` does not exist"),
            });
        }
    }
    Ok(problems)
}

/// Table `name`'s schema, if there is such a table.
pub(super) async fn find_schema(
    conn: &mut SqliteConnection,
    name: &str,
) -> Result<Option<TableSchema>, TableError> {
    Ok(find_table(conn, name).await?.map(|t| t.schema.0))
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
