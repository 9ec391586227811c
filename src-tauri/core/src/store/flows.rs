//! Flows in the store: `compositions` with their `composition_nodes`,
//! `composition_connections` and `composition_favorites`.
//!
//! A flow is written whole, in one transaction: its row, then its nodes, then its
//! connections. Each node's `execution_order` is computed from the graph on every write (a
//! flow with a cycle stores none), never taken from the caller. Run counts and favourites are
//! derived from their own tables when read.

use super::error::naming_foreign_key;
use super::{Entity, Store, StoreError};
use crate::ids::{CompositionId, NodeId};
use crate::model::{
    CanvasState, Composition, Connection, Flow, FlowDetail, FlowMeta, FlowQuery, FlowSummary,
    GlobalParameter, Node,
};
use crate::validation::FlowGraph;
use sqlx::types::Json;
use sqlx::{QueryBuilder, Sqlite, Transaction};
use std::collections::HashSet;

/// Rows per multi-row INSERT: well under SQLite's 32,766 bound parameters at 10 columns.
const ROWS_PER_INSERT: usize = 500;

/// Whether writing a flow may replace one with the same id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Write {
    CreateOnly,
    CreateOrReplace,
}

/// Everything a flow list line needs; run counts and favourites are derived here. A macro so
/// that each query built on it is still one `'static` string.
macro_rules! select_summaries {
    () => {
        "
    SELECT c.id, c.composition_id, c.name, c.description, c.canvas_state, c.global_parameters,
           c.tags, c.is_public, c.is_active, c.created_at, c.updated_at,
           (SELECT count(*) FROM composition_nodes n WHERE n.composition = c.id) AS node_count,
           (SELECT count(*) FROM flow_executions e WHERE e.composition = c.id) AS execution_count,
           (SELECT max(coalesce(e.started_at, e.created_at)) FROM flow_executions e
            WHERE e.composition = c.id) AS last_executed_at,
           EXISTS (SELECT 1 FROM composition_favorites f WHERE f.composition = c.id) AS is_favorite
    FROM compositions c"
    };
}

macro_rules! insert_composition {
    () => {
        "INSERT INTO compositions (composition_id, name, description, canvas_state,
                                   global_parameters, tags, is_public, is_active)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    };
}

impl Store {
    /// Stores a new flow; `Conflict` if its id is taken. Nothing is written on any error.
    pub async fn create_flow(&self, flow: &Flow) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        write_flow(&mut tx, flow, Write::CreateOnly).await?;
        Ok(tx.commit().await?)
    }

    /// Stores a flow, replacing its nodes and connections if it exists. Nothing is written
    /// on any error.
    pub async fn save_flow(&self, flow: &Flow) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await?;
        write_flow(&mut tx, flow, Write::CreateOrReplace).await?;
        Ok(tx.commit().await?)
    }

    pub async fn get_flow(&self, id: &CompositionId) -> Result<FlowDetail, StoreError> {
        let summary: SummaryRow =
            sqlx::query_as(concat!(select_summaries!(), " WHERE c.composition_id = ?"))
                .bind(id.as_str())
                .fetch_optional(self.pool())
                .await?
                .ok_or_else(|| not_found(id))?;
        // Each list comes back as one JSON array built by SQLite, in the flow file's layout:
        // one value to decode instead of a row per node and per connection.
        let nodes: Json<Vec<Node>> = sqlx::query_scalar(NODES_AS_JSON)
            .bind(summary.id)
            .fetch_one(self.pool())
            .await?;
        let connections: Json<Vec<Connection>> = sqlx::query_scalar(CONNECTIONS_AS_JSON)
            .bind(summary.id)
            .fetch_one(self.pool())
            .await?;
        Ok(FlowDetail {
            meta: summary.meta(),
            flow: Flow {
                composition: summary.composition,
                nodes: nodes.0,
                connections: connections.0,
            },
        })
    }

    /// Flows matching every filter in `query`, by name.
    pub async fn list_flows(&self, query: &FlowQuery) -> Result<Vec<FlowSummary>, StoreError> {
        let pattern = query
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(like_pattern);
        let tag = query.tag.as_deref().filter(|t| !t.is_empty());
        let rows: Vec<SummaryRow> = sqlx::query_as(concat!(
            select_summaries!(),
            r"
            WHERE (?1 IS NULL OR c.name LIKE ?1 ESCAPE '\' OR c.description LIKE ?1 ESCAPE '\'
                   OR c.composition_id LIKE ?1 ESCAPE '\')
              AND (?2 IS NULL OR EXISTS (SELECT 1 FROM json_each(c.tags) WHERE value = ?2))
              AND (?3 = 0 OR is_favorite)
            ORDER BY c.name, c.composition_id"
        ))
        .bind(pattern)
        .bind(tag)
        .bind(query.favorites_only)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(SummaryRow::into_summary).collect())
    }

    /// Deletes a flow with its nodes, connections, versions, favourite and run history.
    pub async fn delete_flow(&self, id: &CompositionId) -> Result<(), StoreError> {
        let deleted = sqlx::query("DELETE FROM compositions WHERE composition_id = ?")
            .bind(id.as_str())
            .execute(self.pool())
            .await?;
        if deleted.rows_affected() == 0 {
            return Err(not_found(id));
        }
        Ok(())
    }

    /// Marks or unmarks a flow as a favourite; idempotent.
    pub async fn set_favorite(&self, id: &CompositionId, favorite: bool) -> Result<(), StoreError> {
        let sql = if favorite {
            "INSERT OR IGNORE INTO composition_favorites (composition)
             SELECT id FROM compositions WHERE composition_id = ?"
        } else {
            "DELETE FROM composition_favorites
             WHERE composition = (SELECT id FROM compositions WHERE composition_id = ?)"
        };
        let mut tx = self.pool().begin().await?;
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT id FROM compositions WHERE composition_id = ?")
                .bind(id.as_str())
                .fetch_optional(&mut *tx)
                .await?;
        if exists.is_none() {
            return Err(not_found(id));
        }
        sqlx::query(sql).bind(id.as_str()).execute(&mut *tx).await?;
        Ok(tx.commit().await?)
    }
}

/// A flow's nodes as one JSON array built by SQLite, in the flow file's layout and order.
const NODES_AS_JSON: &str = "SELECT json_group_array(json_object(
         'node_id', node_id, 'template_id', template_id,
         'position', json_object('x', position_x, 'y', position_y),
         'node_config', json(node_config), 'parameter_overrides', json(parameter_overrides),
         'execution_order', execution_order,
         'is_conditional', json(iif(is_conditional, 'true', 'false')),
         'condition_expression', condition_expression) ORDER BY id)
     FROM composition_nodes WHERE composition = ?";

/// A flow's connections as one JSON array built by SQLite, in order.
const CONNECTIONS_AS_JSON: &str = "SELECT json_group_array(json_object(
         'connection_id', connection_id, 'source_node_id', source_node_id,
         'target_node_id', target_node_id, 'field_mappings', json(field_mappings),
         'transformation_rules', json(transformation_rules),
         'is_required', json(iif(is_required, 'true', 'false'))) ORDER BY id)
     FROM composition_connections WHERE composition = ?";

pub(super) async fn write_flow(
    tx: &mut Transaction<'_, Sqlite>,
    flow: &Flow,
    mode: Write,
) -> Result<(), StoreError> {
    let c = &flow.composition;
    let sql = match mode {
        Write::CreateOnly => concat!(insert_composition!(), " RETURNING id"),
        Write::CreateOrReplace => concat!(
            insert_composition!(),
            " ON CONFLICT (composition_id) DO UPDATE SET
                name = excluded.name, description = excluded.description,
                canvas_state = excluded.canvas_state, global_parameters = excluded.global_parameters,
                tags = excluded.tags, is_public = excluded.is_public, is_active = excluded.is_active
              RETURNING id"
        ),
    };
    let composition: i64 = sqlx::query_scalar(sql)
        .bind(c.composition_id.as_str())
        .bind(&c.name)
        .bind(&c.description)
        .bind(Json(&c.canvas_state))
        .bind(Json(&c.global_parameters))
        .bind(Json(&c.tags))
        .bind(c.is_public)
        .bind(c.is_active)
        .fetch_one(&mut **tx)
        .await
        .map_err(|err| match StoreError::from(err) {
            StoreError::Constraint { constraint, .. }
                if constraint == "compositions.composition_id" =>
            {
                StoreError::Conflict {
                    entity: Entity::Flow,
                    id: c.composition_id.to_string(),
                }
            }
            other => other,
        })?;

    let levels = FlowGraph::new(flow)
        .plan()
        .map(|plan| plan.levels)
        .unwrap_or_default();
    // A flow saved again mostly keeps its nodes and connections in order (autosave after a
    // move, an edit, a node added or deleted): then only the rows that changed are written.
    // Otherwise the rows are rewritten whole: their order is the flow's.
    let (stored_nodes, stored_connections) = match mode {
        Write::CreateOnly => (Vec::new(), Vec::new()),
        Write::CreateOrReplace => {
            let nodes: Json<Vec<Node>> = sqlx::query_scalar(NODES_AS_JSON)
                .bind(composition)
                .fetch_one(&mut **tx)
                .await?;
            let connections: Json<Vec<Connection>> = sqlx::query_scalar(CONNECTIONS_AS_JSON)
                .bind(composition)
                .fetch_one(&mut **tx)
                .await?;
            (nodes.0, connections.0)
        }
    };
    let nodes_in_place = in_place(&stored_nodes, &flow.nodes, |n| n.node_id.as_str());
    // A connection whose end is not a node of the flow is refused by the rewrite's foreign
    // keys (an update in place could instead lose it to a cascade).
    let node_ids: HashSet<&NodeId> = flow.nodes.iter().map(|n| &n.node_id).collect();
    let ends_are_nodes = flow
        .connections
        .iter()
        .all(|c| node_ids.contains(&c.source_node_id) && node_ids.contains(&c.target_node_id));
    let connections_in_place = match &nodes_in_place {
        Some(_) if ends_are_nodes => in_place(&stored_connections, &flow.connections, |c| {
            c.connection_id.as_str()
        }),
        _ => None,
    };

    // Connections first: a node cannot go while a connection still reads it.
    match &connections_in_place {
        Some((_, removed)) => delete_rows(tx, Table::Connections, composition, removed).await?,
        None => delete_all(tx, Table::Connections, composition).await?,
    }
    let kept_nodes = match &nodes_in_place {
        Some((kept, removed)) => {
            delete_rows(tx, Table::Nodes, composition, removed).await?;
            for (i, (old, new)) in kept.iter().zip(&flow.nodes).enumerate() {
                let level = levels.get(i).copied();
                if !unchanged_node(old, new, level) {
                    update_node(tx, composition, flow, new, level).await?;
                }
            }
            kept.len()
        }
        None => {
            delete_all(tx, Table::Nodes, composition).await?;
            0
        }
    };
    insert_nodes(tx, composition, flow, &levels, kept_nodes).await?;
    let kept_connections = match &connections_in_place {
        Some((kept, _)) => {
            for (old, new) in kept.iter().zip(&flow.connections) {
                if *old != new {
                    update_connection(tx, composition, flow, new).await?;
                }
            }
            kept.len()
        }
        None => 0,
    };
    insert_connections(tx, composition, flow, kept_connections).await
}

/// Whether stored rows can become the flow's in place: the ids the flow keeps are still in
/// their stored order and come first, its new ids after them (moving, editing, deleting and
/// adding nodes all do). Returns the stored rows kept, in order, and the ids of the rows to
/// remove; `None` when the order changed, and everything is rewritten.
fn in_place<'s, T>(
    stored: &'s [T],
    new: &[T],
    id: impl Fn(&T) -> &str,
) -> Option<(Vec<&'s T>, Vec<String>)> {
    let wanted: HashSet<&str> = new.iter().map(&id).collect();
    let (kept, removed): (Vec<&T>, Vec<&T>) =
        stored.iter().partition(|row| wanted.contains(id(row)));
    let in_order =
        kept.len() <= new.len() && kept.iter().zip(new).all(|(old, new)| id(old) == id(new));
    in_order.then(|| {
        (
            kept,
            removed.into_iter().map(|r| id(r).to_owned()).collect(),
        )
    })
}

#[derive(Debug, Clone, Copy)]
enum Table {
    Nodes,
    Connections,
}

impl Table {
    fn name_and_id(self) -> (&'static str, &'static str) {
        match self {
            Table::Nodes => ("composition_nodes", "node_id"),
            Table::Connections => ("composition_connections", "connection_id"),
        }
    }
}

async fn delete_all(
    tx: &mut Transaction<'_, Sqlite>,
    table: Table,
    composition: i64,
) -> Result<(), StoreError> {
    let (name, _) = table.name_and_id();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DELETE FROM {name} WHERE composition = ?"
    )))
    .bind(composition)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn delete_rows(
    tx: &mut Transaction<'_, Sqlite>,
    table: Table,
    composition: i64,
    ids: &[String],
) -> Result<(), StoreError> {
    let (name, id) = table.name_and_id();
    for chunk in ids.chunks(ROWS_PER_INSERT) {
        let mut delete = QueryBuilder::new(format!("DELETE FROM {name} WHERE composition = "));
        delete.push_bind(composition);
        delete.push(format!(" AND {id} IN ("));
        let mut each = delete.separated(", ");
        for one in chunk {
            each.push_bind(one.as_str());
        }
        each.push_unseparated(")");
        delete.build().execute(&mut **tx).await?;
    }
    Ok(())
}

/// Whether a stored node equals the flow's, at the plan level the flow gives it. Every field
/// is named, so a field added to `Node` must be added here.
fn unchanged_node(old: &Node, new: &Node, level: Option<u32>) -> bool {
    let Node {
        node_id,
        template_id,
        position,
        node_config,
        parameter_overrides,
        execution_order: _,
        is_conditional,
        condition_expression,
    } = new;
    old.execution_order == level
        && &old.node_id == node_id
        && &old.template_id == template_id
        && &old.position == position
        && &old.node_config == node_config
        && &old.parameter_overrides == parameter_overrides
        && &old.is_conditional == is_conditional
        && &old.condition_expression == condition_expression
}

async fn update_node(
    tx: &mut Transaction<'_, Sqlite>,
    composition: i64,
    flow: &Flow,
    node: &Node,
    level: Option<u32>,
) -> Result<(), StoreError> {
    let updated = sqlx::query(
        "UPDATE composition_nodes SET template_id = ?, position_x = ?, position_y = ?,
             node_config = ?, parameter_overrides = ?, execution_order = ?, is_conditional = ?,
             condition_expression = ?
         WHERE composition = ? AND node_id = ?",
    )
    .bind(node.template_id.as_str())
    .bind(node.position.x)
    .bind(node.position.y)
    .bind(Json(&node.node_config))
    .bind(Json(&node.parameter_overrides))
    .bind(level)
    .bind(node.is_conditional)
    .bind(node.condition_expression.as_deref())
    .bind(composition)
    .bind(node.node_id.as_str())
    .execute(&mut **tx)
    .await;
    if let Err(err) = updated {
        return Err(unknown_template(tx, flow, err).await);
    }
    Ok(())
}

async fn update_connection(
    tx: &mut Transaction<'_, Sqlite>,
    composition: i64,
    flow: &Flow,
    conn: &Connection,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE composition_connections SET source_node_id = ?, target_node_id = ?,
             field_mappings = ?, transformation_rules = ?, is_required = ?
         WHERE composition = ? AND connection_id = ?",
    )
    .bind(conn.source_node_id.as_str())
    .bind(conn.target_node_id.as_str())
    .bind(Json(&conn.field_mappings))
    .bind(Json(&conn.transformation_rules))
    .bind(conn.is_required)
    .bind(composition)
    .bind(conn.connection_id.as_str())
    .execute(&mut **tx)
    .await
    .map_err(dangling_connection(flow))?;
    Ok(())
}

/// Inserts the flow's nodes from position `from` on.
async fn insert_nodes(
    tx: &mut Transaction<'_, Sqlite>,
    composition: i64,
    flow: &Flow,
    levels: &[u32],
    from: usize,
) -> Result<(), StoreError> {
    // Rows go in as multi-row INSERTs, a few hundred per statement: one round trip to SQLite
    // per chunk instead of one per node and per connection.
    for (chunk, chunk_start) in flow.nodes[from..]
        .chunks(ROWS_PER_INSERT)
        .zip((from..).step_by(ROWS_PER_INSERT))
    {
        let mut insert = QueryBuilder::new(
            "INSERT INTO composition_nodes (composition, node_id, template_id, position_x,
                 position_y, node_config, parameter_overrides, execution_order, is_conditional,
                 condition_expression) ",
        );
        insert.push_values(chunk.iter().enumerate(), |mut row, (i, node)| {
            row.push_bind(composition)
                .push_bind(node.node_id.to_string())
                .push_bind(node.template_id.to_string())
                .push_bind(node.position.x)
                .push_bind(node.position.y)
                .push_bind(Json(&node.node_config))
                .push_bind(Json(&node.parameter_overrides))
                .push_bind(levels.get(chunk_start + i).copied())
                .push_bind(node.is_conditional)
                .push_bind(node.condition_expression.clone());
        });
        if let Err(err) = insert.build().execute(&mut **tx).await {
            return Err(unknown_template(tx, flow, err).await);
        }
    }
    Ok(())
}

/// Inserts the flow's connections from position `from` on.
async fn insert_connections(
    tx: &mut Transaction<'_, Sqlite>,
    composition: i64,
    flow: &Flow,
    from: usize,
) -> Result<(), StoreError> {
    for chunk in flow.connections[from..].chunks(ROWS_PER_INSERT) {
        let mut insert = QueryBuilder::new(
            "INSERT INTO composition_connections (composition, connection_id, source_node_id,
                 target_node_id, field_mappings, transformation_rules, is_required) ",
        );
        insert.push_values(chunk, |mut row, conn| {
            row.push_bind(composition)
                .push_bind(conn.connection_id.to_string())
                .push_bind(conn.source_node_id.to_string())
                .push_bind(conn.target_node_id.to_string())
                .push_bind(Json(&conn.field_mappings))
                .push_bind(Json(&conn.transformation_rules))
                .push_bind(conn.is_required);
        });
        insert
            .build()
            .execute(&mut **tx)
            .await
            .map_err(dangling_connection(flow))?;
    }
    Ok(())
}

/// A node write refused by the template foreign key, naming the first node whose template
/// the workspace lacks.
async fn unknown_template(
    tx: &mut Transaction<'_, Sqlite>,
    flow: &Flow,
    err: sqlx::Error,
) -> StoreError {
    let missing = match missing_template(tx, flow).await {
        Ok(missing) => missing,
        Err(lookup) => return lookup,
    };
    naming_foreign_key("node_template", || match missing {
        Some(node) => format!(
            "node `{}` uses template `{}`, which does not exist",
            node.node_id, node.template_id
        ),
        None => "a node uses a template that does not exist".to_owned(),
    })(err)
}

/// A connection write refused by the endpoint foreign keys, naming the connection whose end
/// is not a node of the flow.
fn dangling_connection(flow: &Flow) -> impl FnOnce(sqlx::Error) -> StoreError + '_ {
    let c = &flow.composition;
    naming_foreign_key("connection_endpoints", move || {
        let nodes: HashSet<&NodeId> = flow.nodes.iter().map(|n| &n.node_id).collect();
        match flow.connections.iter().find(|conn| {
            !nodes.contains(&conn.source_node_id) || !nodes.contains(&conn.target_node_id)
        }) {
            Some(conn) => format!(
                "connection `{}` joins `{}` to `{}`, but both ends must be nodes of flow `{}`",
                conn.connection_id, conn.source_node_id, conn.target_node_id, c.composition_id
            ),
            None => format!(
                "a connection's ends must be nodes of flow `{}`",
                c.composition_id
            ),
        }
    })
}

/// The first node whose template the workspace lacks, to name it in the error.
async fn missing_template<'f>(
    tx: &mut Transaction<'_, Sqlite>,
    flow: &'f Flow,
) -> Result<Option<&'f Node>, StoreError> {
    let mut checked = std::collections::HashSet::new();
    for node in &flow.nodes {
        if checked.insert(&node.template_id) {
            let found: Option<i64> =
                sqlx::query_scalar("SELECT 1 FROM query_templates WHERE template_id = ?")
                    .bind(node.template_id.as_str())
                    .fetch_optional(&mut **tx)
                    .await?;
            if found.is_none() {
                return Ok(Some(node));
            }
        }
    }
    Ok(None)
}

struct SummaryRow {
    id: i64,
    composition: Composition,
    node_count: u32,
    created_at: String,
    updated_at: String,
    execution_count: u32,
    last_executed_at: Option<String>,
    is_favorite: bool,
}

impl SummaryRow {
    fn meta(&self) -> FlowMeta {
        FlowMeta {
            created_at: self.created_at.clone(),
            updated_at: self.updated_at.clone(),
            execution_count: self.execution_count,
            last_executed_at: self.last_executed_at.clone(),
            is_favorite: self.is_favorite,
        }
    }

    fn into_summary(self) -> FlowSummary {
        FlowSummary {
            meta: self.meta(),
            node_count: self.node_count,
            composition_id: self.composition.composition_id,
            name: self.composition.name,
            description: self.composition.description,
            tags: self.composition.tags,
        }
    }
}

impl<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> for SummaryRow {
    fn from_row(row: &'r sqlx::sqlite::SqliteRow) -> Result<Self, sqlx::Error> {
        use sqlx::Row;
        let canvas_state: Json<CanvasState> = row.try_get("canvas_state")?;
        let global_parameters: Json<Vec<GlobalParameter>> = row.try_get("global_parameters")?;
        let tags: Json<Vec<String>> = row.try_get("tags")?;
        Ok(Self {
            id: row.try_get("id")?,
            composition: Composition {
                composition_id: CompositionId::new(row.try_get::<String, _>("composition_id")?),
                name: row.try_get("name")?,
                description: row.try_get("description")?,
                tags: tags.0,
                global_parameters: global_parameters.0,
                canvas_state: canvas_state.0,
                is_public: row.try_get("is_public")?,
                is_active: row.try_get("is_active")?,
            },
            node_count: row.try_get("node_count")?,
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
            execution_count: row.try_get("execution_count")?,
            last_executed_at: row.try_get("last_executed_at")?,
            is_favorite: row.try_get("is_favorite")?,
        })
    }
}

/// `%text%` for LIKE, with LIKE's own wildcards in the user's text taken literally.
fn like_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for ch in text.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(ch);
    }
    pattern.push('%');
    pattern
}

fn not_found(id: &CompositionId) -> StoreError {
    StoreError::NotFound {
        entity: Entity::Flow,
        id: id.to_string(),
    }
}
