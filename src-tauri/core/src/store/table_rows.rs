//! The rows of data tables: inserted, updated, deleted and paged. Every write is one
//! transaction, every row checked against the table's schema first; what the database still
//! refuses (a duplicate, a missing reference) is named by row and column. Imports (files, a
//! flow's result) are `table_imports.rs`; the tables themselves and their history `tables.rs`.

use super::table_writes::{Source, Uniques, prepare, stored_clashes, write_batch};
use super::{Store, StoreError};
use crate::model::{ColumnType, FilterOp, RowFilter, RowsQuery, TableSchema};
use crate::tables::import::SourceRow;
use crate::tables::value::{self, Cell};
use crate::tables::write::WriteOptions;
use crate::tables::{RowProblem, TableError, ddl, rows};
use serde_json::{Map, Value};
use sqlx::sqlite::{Sqlite, SqliteArguments};
use sqlx::types::Json;
use sqlx::{Arguments, Row, SqliteConnection};

/// A page of a table's rows, each a JSON object with its `_id`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, specta::Type)]
pub struct RowsPage {
    pub rows: Vec<Map<String, Value>>,
    pub offset: u64,
    pub total_rows: u64,
}

impl Store {
    /// Writes `rows` into table `name`, all or none: every row is checked against the schema
    /// and against the values the table's unique columns hold (stored, or in an earlier row)
    /// first, every problem reported, then written; each one the database still refuses (a
    /// missing reference) is reported too. Returns the new rows' ids.
    pub async fn insert_rows(
        &self,
        name: &str,
        rows: &[Map<String, Value>],
    ) -> Result<Vec<i64>, TableError> {
        let schema = &self.schema_of(name).await?;
        let rows = (1u64..).zip(rows).map(|(line, values)| SourceRow {
            line,
            values: values.clone(),
        });
        let mut tx = self.begin_write().await?;
        let (_, ids) = write_batch(
            &mut tx,
            name,
            schema,
            rows,
            &WriteOptions::default(),
            Source::Values,
            true,
        )
        .await?;
        tx.commit().await?;
        Ok(ids)
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
        let mut tx = self.begin_write().await?;
        // Every problem: the row's cells, and each unique value another row holds.
        let uniques = Uniques::of(schema, false);
        let source = SourceRow {
            line: number,
            values: row,
        };
        let mut row = prepare(&mut tx, schema, &uniques, Source::Values, source).await?;
        let clashes = stored_clashes(&mut tx, &physical, &uniques, &row, None, |other| {
            other != id
        })
        .await?;
        row.problems.extend(clashes);
        let cells = match row.cells {
            Some(cells) if row.problems.is_empty() => cells,
            _ => return Err(TableError::Rows(row.problems)),
        };
        let assignments: Vec<String> = schema
            .stored_columns()
            .map(|c| format!("{} = ?", ddl::ident(&c.name)))
            .collect();
        let update = format!(
            "UPDATE {} SET {} WHERE \"_id\" = ?",
            ddl::ident(&physical),
            assignments.join(", ")
        );
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
        let mut tx = self.begin_write().await?;
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
                let sorted = match schema.column(&sort.column) {
                    // The text of a decimal's digits, ordered as the number it spells.
                    Some(c) if c.data_type == ColumnType::Decimal && !c.is_computed() => {
                        format!("CAST({} AS REAL)", ddl::ident(&c.name))
                    }
                    _ => ddl::ident(&sort.column),
                };
                // Ties keep the order rows were written in.
                format!("{sorted} {direction}, \"_id\" {direction}")
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
            rows: rows.into_iter().map(|r| shown_row(&schema, r.0)).collect(),
            offset: query.offset,
            total_rows: u64::try_from(total).unwrap_or_default(),
        })
    }
}

/// A row as a page shows it: a decimal as a JSON number when a double carries its digits
/// exactly, else as a string of them (`value::decimal_json`), so no digit is lost on the way
/// to the screen.
fn shown_row(schema: &TableSchema, mut row: Map<String, Value>) -> Map<String, Value> {
    for column in schema
        .columns
        .iter()
        .filter(|c| c.data_type == ColumnType::Decimal)
    {
        if let Some(value) = row.get_mut(&column.name)
            && let Value::String(text) = value
            && let Some(exact) = crate::value::decimal_json(text)
        {
            *value = exact;
        }
    }
    row
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
        let (column, kind, decimal) = if filter.column == "_id" {
            ("\"_id\"".to_owned(), ColumnType::Integer, false)
        } else {
            let found = schema
                .column(&filter.column)
                .ok_or_else(|| wrong(format!("table `{table}` has no such column")))?;
            let decimal = found.data_type == ColumnType::Decimal && !found.is_computed();
            (ddl::ident(&found.name), found.data_type, decimal)
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
        // A stored decimal is the text of its exact digits: equal when the texts are, ordered
        // as the numbers they spell.
        if decimal && !matches!(filter.op, FilterOp::Eq | FilterOp::Ne) {
            terms.push(format!(
                "CAST({column} AS REAL) {comparison} CAST(? AS REAL)"
            ));
        } else {
            terms.push(format!("{column} {comparison} ?"));
        }
        values.push(cell);
    }
    if terms.is_empty() {
        return Ok((String::new(), values));
    }
    Ok((format!(" WHERE {}", terms.join(" AND ")), values))
}

/// A delete's failure: rows of `table` still referred to (restrict), or another error.
pub(super) fn referenced(table: &str, err: sqlx::Error) -> TableError {
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
            Cell::Decimal(unscaled, scale) => args.add(Cell::decimal_text(unscaled, scale)),
        }
        .map_err(|e| TableError::from(sqlx::Error::Encode(e)))?;
    }
    Ok(args)
}

/// `query` with `cells` bound next, in order.
pub(super) fn bind_cells<'q>(
    mut query: sqlx::query::Query<'q, Sqlite, SqliteArguments>,
    cells: &[Cell],
) -> sqlx::query::Query<'q, Sqlite, SqliteArguments> {
    for cell in cells.iter().cloned() {
        query = match cell {
            Cell::Null => query.bind(None::<i64>),
            Cell::Integer(i) => query.bind(i),
            Cell::Real(f) => query.bind(f),
            Cell::Text(t) => query.bind(t),
            Cell::Decimal(unscaled, scale) => query.bind(Cell::decimal_text(unscaled, scale)),
        };
    }
    query
}

/// What the database's refusal of row `row` means, by column: a CHECK named
/// `<column>__<rule>`, a duplicate (`flex_t.column`), a missing value, or a reference to a
/// row that does not exist (SQLite does not say which reference: each one the row sets).
pub(super) fn refused(
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
