//! A flow's versions (`composition_versions`): the whole flow as it was at every write (a
//! save, an import) and at every run. A version is recorded only when the flow differs from
//! the latest one, so writing or running an unchanged flow adds none.

use super::StoreError;
use crate::model::Flow;
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
    if let Some((id, number, text)) = latest
        && text == snapshot
    {
        return Ok(Version { id, number });
    }
    let (id, number) = sqlx::query_as(
        "INSERT INTO composition_versions (composition, version, snapshot)
         SELECT ?1, coalesce(max(version), 0) + 1, ?2
         FROM composition_versions WHERE composition = ?1
         RETURNING id, version",
    )
    .bind(composition)
    .bind(&snapshot)
    .fetch_one(&mut **tx)
    .await?;
    Ok(Version { id, number })
}
