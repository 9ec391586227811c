//! Flows in the store: `compositions` with their `composition_nodes`,
//! `composition_connections` and `composition_favorites`.
//!
//! A flow is written in one transaction: its row, then its nodes and connections
//! (`flow_rows`), then a version when it changed (`versions`). Each node's `execution_order` is computed from the graph on every write (a
//! flow with a cycle stores none), never taken from the caller. Run counts and favourites are
//! derived from their own tables when read.

use super::flow_rows::{self, CONNECTIONS_AS_JSON, NODES_AS_JSON};
use super::versions;
use super::{Entity, Store, StoreError};
use crate::ids::CompositionId;
use crate::model::{
    CanvasState, Composition, Connection, Flow, FlowDetail, FlowMeta, FlowQuery, FlowSummary,
    GlobalParameter, Node, Template,
};
use sqlx::types::Json;
use sqlx::{Sqlite, Transaction};

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
           c.tags, c.is_public, c.is_active, c.created_at, c.updated_at, c.last_used_at,
           c.flow_template_id,
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
    /// Stores a new flow as its version 1; `Conflict` if its id is taken. Nothing is
    /// written on any error.
    /// Whether the workspace has a flow of id `id`.
    pub async fn flow_exists(&self, id: &CompositionId) -> Result<bool, StoreError> {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM compositions WHERE composition_id = ?")
                .bind(id.as_str())
                .fetch_optional(self.pool())
                .await?;
        Ok(found.is_some())
    }

    pub async fn create_flow(&self, flow: &Flow) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        write_flow(&mut tx, flow, Write::CreateOnly).await?;
        Ok(tx.commit().await?)
    }

    /// Stores a flow, replacing its nodes and connections if it exists, and returns its
    /// version number (a new one only when the flow changed). Nothing is written on any error.
    pub async fn save_flow(&self, flow: &Flow) -> Result<u32, StoreError> {
        let mut tx = self.begin_write().await?;
        let version = write_flow(&mut tx, flow, Write::CreateOrReplace).await?;
        tx.commit().await?;
        Ok(version)
    }

    /// An id for a new flow named `name` that no flow has: `comp_` and the name's words,
    /// numbered when taken (`comp_weekly_review_2`).
    pub async fn fresh_flow_id(&self, name: &str) -> Result<CompositionId, StoreError> {
        let base = CompositionId::from_name(name);
        let taken: Vec<String> = sqlx::query_scalar(
            "SELECT composition_id FROM compositions
             WHERE composition_id = ?1 OR composition_id GLOB ?1 || '_[0-9]*'",
        )
        .bind(base.as_str())
        .fetch_all(self.pool())
        .await?;
        let free = |id: &str| !taken.iter().any(|t| t == id);
        let id = std::iter::once(base.to_string())
            .chain((2..).map(|k| format!("{base}_{k}")))
            .find(|id| free(id))
            .expect("an unbounded sequence has a free id");
        Ok(CompositionId::new(id))
    }

    /// Stores a copy of flow `id` under a fresh id, named `name`; returns the copy's id.
    pub async fn duplicate_flow(
        &self,
        id: &CompositionId,
        name: &str,
    ) -> Result<CompositionId, StoreError> {
        let mut flow = self.get_flow(id).await?.flow;
        flow.composition.composition_id = self.fresh_flow_id(name).await?;
        flow.composition.name = name.to_owned();
        self.create_flow(&flow).await?;
        Ok(flow.composition.composition_id)
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
        let pinned: Vec<Json<Template>> = sqlx::query_scalar(
            "SELECT DISTINCT v.content
             FROM composition_nodes n
             JOIN query_templates t ON t.template_id = n.template_id
             JOIN template_versions v
               ON v.template_id = n.template_id AND v.version = n.template_version
             WHERE n.composition = ? AND n.template_version <> t.version
             ORDER BY v.template_id, v.version",
        )
        .bind(summary.id)
        .fetch_all(self.pool())
        .await?;
        Ok(FlowDetail {
            pinned_templates: pinned.into_iter().map(|t| t.0).collect(),
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

    /// Notes that the user opened flow `id` now (its `last_used_at`; a run notes it too).
    pub async fn mark_used(&self, id: &CompositionId) -> Result<(), StoreError> {
        let marked = sqlx::query(
            "UPDATE compositions SET last_used_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
             WHERE composition_id = ?",
        )
        .bind(id.as_str())
        .execute(self.pool())
        .await?;
        if marked.rows_affected() == 0 {
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
        let mut tx = self.begin_write().await?;
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

pub(super) async fn write_flow(
    tx: &mut Transaction<'_, Sqlite>,
    flow: &Flow,
    mode: Write,
) -> Result<u32, StoreError> {
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

    let pinned = flow_rows::write(tx, composition, flow, mode == Write::CreateOrReplace).await?;
    // The version records the flow as stored: with the template versions just pinned.
    let stored;
    let flow = if pinned.is_empty() {
        flow
    } else {
        let pinned: std::collections::HashMap<&str, u32> =
            pinned.iter().map(|(id, v)| (id.as_str(), *v)).collect();
        let mut copy = flow.clone();
        for node in &mut copy.nodes {
            if let Some(&version) = pinned.get(node.node_id.as_str()) {
                node.template_version = Some(version);
            }
        }
        stored = copy;
        &stored
    };
    Ok(versions::record(tx, composition, flow).await?.number)
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
    last_used_at: Option<String>,
    flow_template_id: Option<String>,
}

impl SummaryRow {
    fn meta(&self) -> FlowMeta {
        FlowMeta {
            created_at: self.created_at.clone(),
            updated_at: self.updated_at.clone(),
            execution_count: self.execution_count,
            last_executed_at: self.last_executed_at.clone(),
            is_favorite: self.is_favorite,
            last_used_at: self.last_used_at.clone(),
            flow_template_id: self.flow_template_id.clone(),
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
            last_used_at: row.try_get("last_used_at")?,
            flow_template_id: row.try_get("flow_template_id")?,
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
