//! A flow's nodes and connections as rows: read back as one JSON array each, and written so
//! that a save touches only the rows that changed.
//!
//! Row order is the flow's order (`ORDER BY id`). A flow saved again mostly keeps its nodes
//! and connections in order (autosave after a move, an edit, a node added or deleted): then
//! rows are deleted, updated and appended in place. Otherwise they are rewritten whole.

use super::StoreError;
use super::error::naming_foreign_key;
use crate::ids::NodeId;
use crate::model::{Connection, Flow, Node};
use crate::validation::FlowGraph;
use sqlx::types::Json;
use sqlx::{QueryBuilder, Sqlite, Transaction};
use std::collections::HashSet;

/// Rows per multi-row INSERT: well under SQLite's 32,766 bound parameters at 11 columns.
const ROWS_PER_INSERT: usize = 500;

/// A flow's nodes as one JSON array built by SQLite, in the flow file's layout and order.
pub(super) const NODES_AS_JSON: &str = "SELECT json_group_array(json_object(
         'node_id', node_id, 'template_id', template_id, 'template_version', template_version,
         'position', json_object('x', position_x, 'y', position_y),
         'node_config', json(node_config), 'parameter_overrides', json(parameter_overrides),
         'execution_order', execution_order,
         'is_conditional', json(iif(is_conditional, 'true', 'false')),
         'condition_expression', condition_expression) ORDER BY id)
     FROM composition_nodes WHERE composition = ?";

/// A flow's connections as one JSON array built by SQLite, in order.
pub(super) const CONNECTIONS_AS_JSON: &str = "SELECT json_group_array(json_object(
         'connection_id', connection_id, 'source_node_id', source_node_id,
         'target_node_id', target_node_id, 'field_mappings', json(field_mappings),
         'transformation_rules', json(transformation_rules),
         'is_required', json(iif(is_required, 'true', 'false'))) ORDER BY id)
     FROM composition_connections WHERE composition = ?";

/// Writes the flow's nodes and connections for the composition row `composition`; with
/// `replace`, over the rows it had. Returns the template version each node written without
/// one was pinned to, by node id.
pub(super) async fn write(
    tx: &mut Transaction<'_, Sqlite>,
    composition: i64,
    flow: &Flow,
    replace: bool,
) -> Result<Vec<(String, u32)>, StoreError> {
    let levels = FlowGraph::new(flow)
        .plan()
        .map(|plan| plan.levels)
        .unwrap_or_default();
    let (stored_nodes, stored_connections) = if replace {
        let nodes: Json<Vec<Node>> = sqlx::query_scalar(NODES_AS_JSON)
            .bind(composition)
            .fetch_one(&mut **tx)
            .await?;
        let connections: Json<Vec<Connection>> = sqlx::query_scalar(CONNECTIONS_AS_JSON)
            .bind(composition)
            .fetch_one(&mut **tx)
            .await?;
        (nodes.0, connections.0)
    } else {
        (Vec::new(), Vec::new())
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
    insert_connections(tx, composition, flow, kept_connections).await?;
    // Only a node written without a version is stored without one.
    if flow.nodes.iter().all(|n| n.template_version.is_some()) {
        return Ok(Vec::new());
    }
    pin_unversioned_nodes(tx, composition).await
}

/// A node written without a template version is built with its template as it is now.
async fn pin_unversioned_nodes(
    tx: &mut Transaction<'_, Sqlite>,
    composition: i64,
) -> Result<Vec<(String, u32)>, StoreError> {
    Ok(sqlx::query_as(
        "UPDATE composition_nodes
         SET template_version = (SELECT t.version FROM query_templates t
                                 WHERE t.template_id = composition_nodes.template_id)
         WHERE composition = ? AND template_version IS NULL
         RETURNING node_id, template_version",
    )
    .bind(composition)
    .fetch_all(&mut **tx)
    .await?)
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
        template_version,
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
        && (template_version.is_none() || &old.template_version == template_version)
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
        "UPDATE composition_nodes SET
             -- No version given: the one it has, unless its template is another one now.
             template_version = iif(template_id = ?1, coalesce(?2, template_version), ?2),
             template_id = ?1, position_x = ?3, position_y = ?4, node_config = ?5,
             parameter_overrides = ?6, execution_order = ?7, is_conditional = ?8,
             condition_expression = ?9
         WHERE composition = ?10 AND node_id = ?11",
    )
    .bind(node.template_id.as_str())
    .bind(node.template_version)
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
            "INSERT INTO composition_nodes (composition, node_id, template_id,
                 template_version, position_x, position_y, node_config, parameter_overrides,
                 execution_order, is_conditional, condition_expression) ",
        );
        insert.push_values(chunk.iter().enumerate(), |mut row, (i, node)| {
            row.push_bind(composition)
                .push_bind(node.node_id.to_string())
                .push_bind(node.template_id.to_string())
                .push_bind(node.template_version)
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
    let mut checked = HashSet::new();
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
