//! A flow's versions (`composition_versions`): the whole flow as it was at every write (a
//! save, an import) and at every run. A version is recorded only when the flow differs from
//! the latest one, so writing or running an unchanged flow adds none.

use super::{Entity, Store, StoreError};
use crate::ids::CompositionId;
use crate::model::Flow;
use crate::model::version::{self, FlowChange, FlowVersion};
use sqlx::types::Json;
use sqlx::{Sqlite, Transaction};

/// A recorded version: its row (what runs point at) and its number within its flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Version {
    pub id: i64,
    pub number: u32,
}

/// The flow as a version holds it: what the user made. Plan levels are left out: they follow
/// from the rest, so a flow whose plan was not yet known is the same flow.
fn snapshot(flow: &Flow) -> String {
    if flow.nodes.iter().all(|n| n.execution_order.is_none()) {
        return serde_json::to_string(flow).expect("a flow serialises");
    }
    let mut flow = flow.clone();
    for node in &mut flow.nodes {
        node.execution_order = None;
    }
    serde_json::to_string(&flow).expect("a flow serialises")
}

/// `previous` as a snapshot, its nodes that name no template version (versions kept from
/// before nodes had one) taking the version the same node has in `flow`: a flow is not
/// changed by its nodes' versions becoming known.
fn snapshot_of_unversioned(previous: &Flow, flow: &Flow) -> String {
    let mut previous = previous.clone();
    for node in previous
        .nodes
        .iter_mut()
        .filter(|n| n.template_version.is_none())
    {
        node.template_version = flow
            .nodes
            .iter()
            .find(|n| n.node_id == node.node_id && n.template_id == node.template_id)
            .and_then(|n| n.template_version);
    }
    snapshot(&previous)
}

/// The version of `flow` for the composition row `composition`: the latest one when it
/// holds the same flow, else a new one numbered after it.
pub(super) async fn record(
    tx: &mut Transaction<'_, Sqlite>,
    composition: i64,
    flow: &Flow,
) -> Result<Version, StoreError> {
    let snapshot = snapshot(flow);
    let latest: Option<(i64, u32, String)> = sqlx::query_as(
        "SELECT id, version, snapshot FROM composition_versions WHERE composition = ?
         ORDER BY version DESC LIMIT 1",
    )
    .bind(composition)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some((id, number, text)) = &latest
        && *text == snapshot
    {
        return Ok(Version {
            id: *id,
            number: *number,
        });
    }
    let previous: Option<Flow> = latest
        .as_ref()
        .and_then(|(_, _, text)| serde_json::from_str(text).ok());
    if let (Some((id, number, _)), Some(previous)) = (&latest, &previous)
        && snapshot_of_unversioned(previous, flow) == snapshot
    {
        return Ok(Version {
            id: *id,
            number: *number,
        });
    }
    let changes = version::changes(previous.as_ref(), flow);
    let (id, number) = sqlx::query_as(
        "INSERT INTO composition_versions (composition, version, snapshot, changes, created_by)
         SELECT ?1, coalesce(max(version), 0) + 1, ?2, ?3, ?4
         FROM composition_versions WHERE composition = ?1
         RETURNING id, version",
    )
    .bind(composition)
    .bind(&snapshot)
    .bind(Json(&changes))
    .bind(super::os_user())
    .fetch_one(&mut **tx)
    .await?;
    Ok(Version { id, number })
}

#[derive(sqlx::FromRow)]
struct VersionRow {
    version: u32,
    changes: Json<Vec<FlowChange>>,
    created_by: Option<String>,
    created_at: String,
    has_run: bool,
}

impl Store {
    /// The row of flow `id`.
    async fn composition_row(&self, id: &CompositionId) -> Result<i64, StoreError> {
        sqlx::query_scalar("SELECT id FROM compositions WHERE composition_id = ?")
            .bind(id.as_str())
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound {
                entity: Entity::Flow,
                id: id.to_string(),
            })
    }

    /// Flow `id`'s versions, newest first, each with its changes and whether it ran.
    pub async fn list_versions(&self, id: &CompositionId) -> Result<Vec<FlowVersion>, StoreError> {
        let composition = self.composition_row(id).await?;
        let rows: Vec<VersionRow> = sqlx::query_as(
            "SELECT v.version, v.changes, v.created_by, v.created_at,
                    EXISTS (SELECT 1 FROM flow_executions e WHERE e.version = v.id) AS has_run
             FROM composition_versions v WHERE v.composition = ?
             ORDER BY v.version DESC",
        )
        .bind(composition)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| FlowVersion {
                version: row.version,
                changes: row.changes.0,
                created_by: row.created_by,
                created_at: row.created_at,
                has_run: row.has_run,
            })
            .collect())
    }

    /// Flow `id` as version `number` held it.
    pub async fn get_version(&self, id: &CompositionId, number: u32) -> Result<Flow, StoreError> {
        let composition = self.composition_row(id).await?;
        let text: Option<String> = sqlx::query_scalar(
            "SELECT snapshot FROM composition_versions WHERE composition = ? AND version = ?",
        )
        .bind(composition)
        .bind(number)
        .fetch_optional(self.pool())
        .await?;
        let text = text.ok_or_else(|| StoreError::NotFound {
            entity: Entity::Version,
            id: format!("{id} version {number}"),
        })?;
        serde_json::from_str(&text).map_err(|source| StoreError::Corrupt {
            entity: Entity::Version,
            id: format!("{id} version {number}"),
            source,
        })
    }

    /// What changed from version `from` to version `to` of flow `id` (either way round).
    pub async fn diff_versions(
        &self,
        id: &CompositionId,
        from: u32,
        to: u32,
    ) -> Result<Vec<FlowChange>, StoreError> {
        let before = self.get_version(id, from).await?;
        let after = self.get_version(id, to).await?;
        Ok(version::changes(Some(&before), &after))
    }

    /// Makes flow `id` what version `number` held, as a new version (the versions after it
    /// stay in the history); returns the new version's number.
    pub async fn restore_version(
        &self,
        id: &CompositionId,
        number: u32,
    ) -> Result<u32, StoreError> {
        let flow = self.get_version(id, number).await?;
        self.save_flow(&flow).await
    }
}
