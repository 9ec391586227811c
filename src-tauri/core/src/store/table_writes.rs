//! Writes of many rows into a data table, all or none: a flow's result (`append`, `replace`,
//! `upsert` by a unique key) and rows added by hand. Every problem is found before anything
//! is written — each row's cells, values a unique column already holds (earlier in the batch
//! or in a stored row), values given for computed columns that are not what the table
//! computes — and a write that would delete rows of other tables through an
//! `on_delete: cascade` reference is refused unless it is allowed. File imports
//! (`table_imports.rs`) read their rows with the same [`prepare`] and unique checks.

use super::StoreError;
use super::table_imports::{IMPORT_CHUNK, write_chunk};
use super::table_rows::{bind_cells, referenced, refused, rows_written, write_row};
use crate::model::{ColumnType, TableSchema, TableWrite, WriteMode};
use crate::tables::import::{self, SourceRow};
use crate::tables::value::{self, Cell};
use crate::tables::write::{WriteOptions, write_key};
use crate::tables::{RowProblem, TableError, computed, ddl, rows};
use serde_json::{Map, Value};
use sqlx::types::Json;
use sqlx::{Row, SqliteConnection};
use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap};

/// Where rows come from, which decides how their values are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Source {
    /// A file: each value read by its column's type (`import::typed`), a file's column name
    /// matched as `import::column_name` makes it, `_id` kept as the row's id (an export read
    /// back), a value given for a computed column checked against what the table computes.
    File,
    /// A flow's result: as a file, but an `_id` it carries (a table read back) is not the
    /// written row's.
    Result,
    /// JSON values of the columns' types (the app's row editor): read as they are.
    Values,
}

impl Source {
    /// What the user calls a row's position: a file's line, a result's row.
    pub(super) fn noun(self) -> &'static str {
        match self {
            Self::File => "line",
            Self::Result | Self::Values => "row",
        }
    }
}

/// A source row read as the table's row: its cells, or every problem with it.
pub(super) struct Prepared {
    pub line: u64,
    /// The row's own `_id`, when a file gives one.
    pub id: Option<i64>,
    /// The cells of the table's stored columns, in order; none when the row has a problem.
    pub cells: Option<Vec<Cell>>,
    /// Whether the row gives each stored column a value (an update sets only those).
    pub given: Vec<bool>,
    /// The row's value of each of [`Uniques`], where it reads as one (not null).
    pub keys: Vec<Option<Cell>>,
    pub problems: Vec<RowProblem>,
    /// The values as the source gave them (an import's report of skipped rows shows them).
    pub values: Map<String, Value>,
}

/// The columns whose values must not repeat: `_id` (for sources that give it) and each
/// unique stored column, with the column's position among the stored ones.
pub(super) struct Uniques(Vec<(Option<usize>, String, ColumnType)>);

impl Uniques {
    pub(super) fn of(schema: &TableSchema, with_id: bool) -> Self {
        let id = with_id.then(|| (None, "_id".to_owned(), ColumnType::Integer));
        let columns = schema
            .stored_columns()
            .enumerate()
            .filter(|(_, c)| c.unique)
            .map(|(i, c)| (Some(i), c.name.clone(), c.data_type));
        Self(id.into_iter().chain(columns).collect())
    }

    pub(super) fn len(&self) -> usize {
        self.0.len()
    }

    fn position(&self, column: &str) -> Option<usize> {
        self.0.iter().position(|(_, name, _)| name == column)
    }

    pub(super) fn name(&self, at: usize) -> &str {
        &self.0[at].1
    }
}

/// Reads `row` as a row of `schema`: values typed as `source` says, then checked
/// (`rows::check_row`), values given for computed columns compared with what the table
/// computes from the row (`conn` evaluates the expressions).
pub(super) async fn prepare(
    conn: &mut SqliteConnection,
    schema: &TableSchema,
    uniques: &Uniques,
    source: Source,
    row: SourceRow,
) -> Result<Prepared, TableError> {
    let line = row.line;
    let problem = |column: &str, message: String| RowProblem {
        row: line,
        column: column.to_owned(),
        message,
    };
    let mut problems = Vec::new();
    let mut values = Map::new();
    let mut given_computed = Vec::new();
    let mut unreadable = BTreeSet::new();
    let mut id = None;
    for (key, value) in &row.values {
        if source == Source::Values {
            values.insert(key.clone(), value.clone());
            continue;
        }
        if key == "_id" {
            if source == Source::File && !value.is_null() {
                match import::typed(ColumnType::Integer, value.clone())
                    .ok()
                    .and_then(|v| v.as_i64())
                {
                    Some(n) => id = Some(n),
                    None => problems.push(problem(
                        "_id",
                        format!("expected a row id (a whole number), got {value}"),
                    )),
                }
            }
            continue;
        }
        let column = schema
            .column(key)
            .or_else(|| schema.column(&import::column_name(key)));
        match column {
            Some(c) if c.is_computed() => {
                if !value.is_null() {
                    given_computed.push((c.name.clone(), value.clone()));
                }
            }
            Some(c) => match import::typed(c.data_type, value.clone()) {
                Ok(typed) => {
                    values.insert(c.name.clone(), typed);
                }
                Err(why) => {
                    unreadable.insert(c.name.clone());
                    problems.push(problem(&c.name, why));
                }
            },
            None => {
                values.insert(key.clone(), value.clone());
            }
        }
    }
    let given = schema
        .stored_columns()
        .map(|c| values.contains_key(&c.name) || unreadable.contains(&c.name))
        .collect();
    let cells = match rows::check_row(schema, line, &values) {
        Ok(cells) => Some(cells),
        Err(found) => {
            // A value already refused is not also "required".
            problems.extend(
                found
                    .into_iter()
                    .filter(|p| !unreadable.contains(&p.column)),
            );
            None
        }
    };
    if let Some(cells) = &cells
        && !given_computed.is_empty()
    {
        problems.extend(computed_mismatches(conn, schema, line, cells, &given_computed).await?);
    }
    let keys = uniques
        .0
        .iter()
        .map(|(at, name, kind)| {
            let cell = match (at, &cells) {
                (None, _) => id.map(Cell::Integer),
                (Some(at), Some(cells)) => cells.get(*at).cloned(),
                (Some(_), None) => values.get(name).and_then(|v| value::convert(*kind, v).ok()),
            };
            cell.filter(|c| *c != Cell::Null)
        })
        .collect();
    Ok(Prepared {
        line,
        id,
        cells: cells.filter(|_| problems.is_empty()),
        given,
        keys,
        problems,
        values: row.values,
    })
}

/// A value given for a computed column must be what the table computes from the row (an
/// export read back gives them): each one that is not is a problem, never dropped unseen.
async fn computed_mismatches(
    conn: &mut SqliteConnection,
    schema: &TableSchema,
    line: u64,
    cells: &[Cell],
    given: &[(String, Value)],
) -> Result<Vec<RowProblem>, TableError> {
    let mut expressions = Vec::with_capacity(given.len());
    for (name, _) in given {
        let text = schema
            .column(name)
            .and_then(|c| c.validation.computed.as_deref())
            .unwrap_or("NULL");
        let sql = computed::to_sql(text, schema, name).map_err(TableError::Query)?;
        expressions.push(format!("({sql})"));
    }
    // The row's stored values under their columns' names, for the expressions to read.
    let columns: Vec<String> = std::iter::once("NULL AS \"_id\"".to_owned())
        .chain(
            schema
                .stored_columns()
                .map(|c| format!("? AS {}", ddl::ident(&c.name))),
        )
        .collect();
    let sql = format!(
        "SELECT json_array({}) FROM (SELECT {})",
        expressions.join(", "),
        columns.join(", ")
    );
    // Checked, quoted names and a checked schema's expressions; every value bound.
    let row = bind_cells(sqlx::query(sqlx::AssertSqlSafe(sql)), cells)
        .fetch_one(&mut *conn)
        .await?;
    let Json(computed): Json<Vec<Value>> = row.try_get(0)?;
    let mut problems = Vec::new();
    for ((name, value), actual) in given.iter().zip(computed) {
        let Some(column) = schema.column(name) else {
            continue;
        };
        let wanted = import::typed(column.data_type, value.clone())
            .ok()
            .and_then(|v| value::convert(column.data_type, &v).ok());
        let actual_cell = match &actual {
            Value::Number(n) => n
                .as_i64()
                .map(Cell::Integer)
                .or_else(|| n.as_f64().map(Cell::Real))
                .unwrap_or(Cell::Null),
            Value::String(s) => Cell::Text(s.clone()),
            Value::Bool(b) => Cell::Integer(i64::from(*b)),
            _ => Cell::Null,
        };
        if !wanted.is_some_and(|w| same(&w, &actual_cell)) {
            problems.push(RowProblem {
                row: line,
                column: name.clone(),
                message: format!(
                    "is computed from the other columns ({}): the row gives {value}, the table computes {actual}",
                    column.validation.computed.as_deref().unwrap_or_default()
                ),
            });
        }
    }
    Ok(problems)
}

/// Whether two cells hold one value (decimals to within rounding in their text).
fn same(a: &Cell, b: &Cell) -> bool {
    match (a, b) {
        (Cell::Null, Cell::Null) => true,
        (Cell::Real(_), _) | (_, Cell::Real(_)) => {
            let number = |c: &Cell| match c {
                Cell::Real(f) => Some(*f),
                Cell::Integer(i) => Some(*i as f64),
                Cell::Decimal(unscaled, scale) => Some(value::decimal_f64(*unscaled, *scale)),
                _ => None,
            };
            match (number(a), number(b)) {
                (Some(x), Some(y)) => (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0),
                _ => false,
            }
        }
        _ => value::compare(a, b) == Some(std::cmp::Ordering::Equal),
    }
}

/// A cell as a user reads it in a message.
fn shown(cell: &Cell) -> String {
    match cell {
        Cell::Null => "null".to_owned(),
        Cell::Integer(i) => i.to_string(),
        Cell::Real(f) => f.to_string(),
        Cell::Text(t) => format!("\"{t}\""),
        Cell::Decimal(unscaled, scale) => Cell::decimal_text(*unscaled, *scale),
    }
}

/// What [`Uniques`] values the rows of a batch have had so far, by the first line of each.
pub(super) struct Seen(Vec<HashMap<String, u64>>);

impl Seen {
    pub(super) fn new(uniques: &Uniques) -> Self {
        Self(vec![HashMap::new(); uniques.len()])
    }

    /// Notes `row`'s unique values; each one an earlier row of the batch has is a problem.
    pub(super) fn note(&mut self, uniques: &Uniques, row: &mut Prepared, noun: &str) {
        for (at, key) in row.keys.iter().enumerate() {
            let Some(cell) = key else { continue };
            match self.0[at].entry(format!("{cell:?}")) {
                Entry::Occupied(first) => row.problems.push(RowProblem {
                    row: row.line,
                    column: uniques.name(at).to_owned(),
                    message: format!(
                        "{} is also given at {noun} {}; the column is unique",
                        shown(cell),
                        first.get()
                    ),
                }),
                Entry::Vacant(slot) => {
                    slot.insert(row.line);
                }
            }
        }
    }

    /// Forgets `row`'s values (it is left out after all).
    pub(super) fn forget(&mut self, row: &Prepared) {
        for (at, key) in row.keys.iter().enumerate() {
            if let Some(cell) = key
                && self.0[at].get(&format!("{cell:?}")) == Some(&row.line)
            {
                self.0[at].remove(&format!("{cell:?}"));
            }
        }
    }
}

/// The stored row of table `physical` whose `column` holds `cell`, if any.
async fn holder(
    conn: &mut SqliteConnection,
    physical: &str,
    column: &str,
    cell: &Cell,
) -> Result<Option<i64>, TableError> {
    let sql = format!(
        "SELECT \"_id\" FROM {} WHERE {} = ? LIMIT 1",
        ddl::ident(physical),
        ddl::ident(column)
    );
    // Checked, quoted names; the value bound.
    Ok(bind_cells(
        sqlx::query(sqlx::AssertSqlSafe(sql)),
        std::slice::from_ref(cell),
    )
    .fetch_optional(&mut *conn)
    .await?
    .map(|row| row.try_get(0))
    .transpose()?)
}

/// Each of `row`'s unique values a stored row of `physical` already holds (`except` the
/// rows for which that is no clash), as problems.
pub(super) async fn stored_clashes(
    conn: &mut SqliteConnection,
    physical: &str,
    uniques: &Uniques,
    row: &Prepared,
    skip: Option<usize>,
    clashes: impl Fn(i64) -> bool,
) -> Result<Vec<RowProblem>, TableError> {
    let mut problems = Vec::new();
    for (at, key) in row.keys.iter().enumerate() {
        let Some(cell) = key else { continue };
        if Some(at) == skip {
            continue;
        }
        let column = uniques.name(at);
        if let Some(id) = holder(conn, physical, column, cell).await?
            && clashes(id)
        {
            let message = if column == "_id" {
                format!("row _id {id} is already in the table")
            } else {
                format!(
                    "{} is already in the table (row _id {id}); the column is unique",
                    shown(cell)
                )
            };
            problems.push(RowProblem {
                row: row.line,
                column: column.to_owned(),
                message,
            });
        }
    }
    Ok(problems)
}

/// Which of [`Uniques`] matches rows for `options` (none for append, and for a replace of
/// a table without a unique column, which replaces every row).
fn key_column(
    name: &str,
    schema: &TableSchema,
    uniques: &Uniques,
    options: &WriteOptions,
) -> Result<Option<usize>, TableError> {
    let column = write_key(name, schema, options).map_err(TableError::Key)?;
    Ok(column.and_then(|column| uniques.position(&column.name)))
}

/// Writes `rows` into table `name` (of `schema`) inside the caller's transaction, as
/// `options` say; with any problem in any row nothing is written and every problem is
/// returned. Returns what it did and, when `want_ids`, each row's `_id` in order.
pub(super) async fn write_batch(
    tx: &mut SqliteConnection,
    name: &str,
    schema: &TableSchema,
    rows: impl Iterator<Item = SourceRow>,
    options: &WriteOptions,
    source: Source,
    want_ids: bool,
) -> Result<(TableWrite, Vec<i64>), TableError> {
    let physical = ddl::physical(name);
    let uniques = Uniques::of(schema, source == Source::File);
    let key = key_column(name, schema, &uniques, options)?;
    let mut seen = Seen::new(&uniques);
    let mut prepared = Vec::new();
    for row in rows {
        let mut row = prepare(&mut *tx, schema, &uniques, source, row).await?;
        seen.note(&uniques, &mut row, source.noun());
        prepared.push(row);
    }
    // The stored row each new row updates (by its key), and the values unique columns hold.
    let mut matched = Vec::with_capacity(prepared.len());
    for row in &prepared {
        let id = match key.and_then(|at| Some((at, row.keys[at].as_ref()?))) {
            Some((at, cell)) => holder(&mut *tx, &physical, uniques.name(at), cell).await?,
            None => None,
        };
        matched.push(id);
    }
    let kept: BTreeSet<i64> = matched.iter().flatten().copied().collect();
    let mut problems = Vec::new();
    for (row, matched) in prepared.iter_mut().zip(&matched) {
        let clashes = |id: i64| match options.mode {
            WriteMode::Append => true,
            WriteMode::Upsert => Some(id) != *matched,
            // Rows no new row keeps are deleted first.
            WriteMode::Replace => kept.contains(&id) && Some(id) != *matched,
        };
        let found = stored_clashes(&mut *tx, &physical, &uniques, row, key, clashes).await?;
        problems.append(&mut row.problems);
        problems.extend(found);
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.row);
        return Err(TableError::Rows(problems));
    }

    let mut write = TableWrite {
        table: name.to_owned(),
        mode: options.mode,
        ..TableWrite::default()
    };
    if options.mode == WriteMode::Replace {
        let (deleted, cascaded) = delete_unkept(&mut *tx, name, &kept).await?;
        if !cascaded.is_empty() && !options.allow_cascade {
            return Err(TableError::WouldCascade {
                table: name.to_owned(),
                cascaded,
            });
        }
        write.deleted = deleted;
        write.cascaded = cascaded.iter().map(|(_, n)| n).sum();
    }
    // Matched rows are updated first, then the others added: a chunk of rows per statement,
    // or one at a time when their ids are wanted.
    let single = ddl::insert_row(&physical, schema);
    let chunk = IMPORT_CHUNK.min(32_000 / (schema.columns.len() + 1)).max(1);
    let chunk_insert = ddl::insert_rows(&physical, schema, chunk);
    let mut ids = Vec::new();
    let mut pending = Vec::new();
    for (row, matched) in prepared.into_iter().zip(matched) {
        let Some(cells) = &row.cells else { continue };
        let done = match matched {
            Some(id) => update_given(&mut *tx, &physical, schema, id, cells, &row.given)
                .await
                .map(|()| id),
            None if !want_ids => {
                pending.push(row);
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
                    write.inserted += written.imported;
                    problems.extend(written.refused.into_iter().flat_map(|r| r.problems));
                }
                continue;
            }
            None => write_row(&mut *tx, &single, row.id, cells).await,
        };
        match done {
            Ok(id) => {
                if matched.is_some() {
                    write.updated += 1;
                } else {
                    write.inserted += 1;
                }
                if want_ids {
                    ids.push(id);
                }
            }
            Err(err) => match StoreError::from(err) {
                StoreError::Constraint { constraint, detail } => {
                    problems.extend(refused(schema, row.line, &constraint, &detail, cells));
                }
                other => return Err(other.into()),
            },
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
        write.inserted += written.imported;
        problems.extend(written.refused.into_iter().flat_map(|r| r.problems));
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.row);
        return Err(TableError::Rows(problems));
    }
    // A delete can reach other tables (cascade, set-null): then every table counts as written.
    let touched = (write.deleted == 0).then_some(name);
    rows_written(&mut *tx, touched).await?;
    Ok((write, ids))
}

/// Sets the columns a row gives (`given`) of stored row `id` to its `cells`.
async fn update_given(
    conn: &mut SqliteConnection,
    physical: &str,
    schema: &TableSchema,
    id: i64,
    cells: &[Cell],
    given: &[bool],
) -> Result<(), sqlx::Error> {
    let (names, values): (Vec<String>, Vec<Cell>) = schema
        .stored_columns()
        .zip(cells)
        .zip(given)
        .filter(|(_, given)| **given)
        .map(|((c, cell), _)| (format!("{} = ?", ddl::ident(&c.name)), cell.clone()))
        .unzip();
    if names.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "UPDATE {} SET {} WHERE \"_id\" = ?",
        ddl::ident(physical),
        names.join(", ")
    );
    // Checked, quoted names; every value bound.
    bind_cells(sqlx::query(sqlx::AssertSqlSafe(sql)), &values)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Deletes the rows of table `name` not in `kept`; returns how many, and by table how many
/// rows went with them through `on_delete: cascade` references (in any table, this one too).
async fn delete_unkept(
    conn: &mut SqliteConnection,
    name: &str,
    kept: &BTreeSet<i64>,
) -> Result<(u64, Vec<(String, u64)>), TableError> {
    let reached = cascade_reach(&mut *conn, name).await?;
    let mut before = Vec::with_capacity(reached.len());
    for table in &reached {
        before.push(count(&mut *conn, table).await?);
    }
    let sql = format!(
        "DELETE FROM {} WHERE \"_id\" NOT IN (SELECT value FROM json_each(?))",
        ddl::ident(&ddl::physical(name))
    );
    // A checked, quoted name; the ids bound.
    let deleted = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(Json(kept))
        .execute(&mut *conn)
        .await
        .map_err(|err| referenced(name, err))?
        .rows_affected();
    let mut cascaded = Vec::new();
    for (table, before) in reached.into_iter().zip(before) {
        let after = count(&mut *conn, &table).await?;
        let mut gone = before.saturating_sub(after);
        if table == name {
            gone = gone.saturating_sub(deleted);
        }
        if gone > 0 {
            cascaded.push((table, gone));
        }
    }
    Ok((deleted, cascaded))
}

/// Table `name` and every table a delete of its rows can reach through `on_delete: cascade`
/// references (a table referring to one of them, and so on).
async fn cascade_reach(conn: &mut SqliteConnection, name: &str) -> Result<Vec<String>, TableError> {
    let tables: Vec<(String, Json<TableSchema>)> =
        sqlx::query_as("SELECT name, schema FROM flex_tables WHERE deleted_at IS NULL")
            .fetch_all(&mut *conn)
            .await?;
    let mut reached = vec![name.to_owned()];
    loop {
        let more: Vec<String> = tables
            .iter()
            .filter(|(table, _)| !reached.contains(table))
            .filter(|(_, schema)| {
                schema.columns.iter().any(|c| {
                    c.validation.on_delete == Some(crate::model::OnDelete::Cascade)
                        && c.validation
                            .target_table
                            .as_ref()
                            .is_some_and(|t| reached.contains(t))
                })
            })
            .map(|(table, _)| table.clone())
            .collect();
        if more.is_empty() {
            return Ok(reached);
        }
        reached.extend(more);
    }
}

async fn count(conn: &mut SqliteConnection, table: &str) -> Result<u64, TableError> {
    let sql = format!("SELECT count(*) FROM {}", ddl::ident(&ddl::physical(table)));
    // A checked, quoted name.
    let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .fetch_one(conn)
        .await?;
    Ok(u64::try_from(n).unwrap_or_default())
}
