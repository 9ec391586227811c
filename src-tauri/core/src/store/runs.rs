//! Run history: `flow_executions`, their `node_executions` and `execution_logs`, and the
//! `composition_versions` a run pins.
//!
//! A run is written as it happens: started (RUNNING, with the version it runs), each node
//! when it finishes (its record and a log row, in one transaction), then finished. A run
//! still RUNNING when a workspace opens was cut off (a crash, a kill, a power loss): it is
//! marked FAILED "interrupted", and what it recorded before stays.

use super::versions;
use super::{Entity, Store, StoreError};
use crate::ids::{CompositionId, NodeId};
use crate::model::{
    Flow, KeptResult, NodeOutcome, NodeRecord, NodeStatus, ResultColumn, RunDetail, RunId,
    RunOrigin, RunStatus, RunSummary,
};
use serde::de::DeserializeOwned;
use sqlx::types::Json;
use std::collections::{BTreeMap, HashMap};

/// What a run found RUNNING at start-up is told.
pub const INTERRUPTED: &str = "interrupted";

const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

impl Store {
    /// Records the start of a run of a stored flow, pinning its current content as a
    /// version (a new one when it changed since the last). `claim` runs before the run is
    /// committed, so no other process sees the run before it is claimed.
    pub async fn start_run<T>(
        &self,
        flow: &Flow,
        origin: &RunOrigin,
        parameters: &BTreeMap<String, serde_json::Value>,
        claim: impl FnOnce(RunId) -> std::io::Result<T>,
    ) -> Result<(RunId, T), StoreError> {
        let mut tx = self.begin_write().await?;
        let composition: i64 =
            sqlx::query_scalar("SELECT id FROM compositions WHERE composition_id = ?")
                .bind(flow.composition.composition_id.as_str())
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::NotFound {
                    entity: Entity::Flow,
                    id: flow.composition.composition_id.to_string(),
                })?;
        let version = versions::record(&mut tx, composition, flow).await?.id;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE compositions SET last_used_at = {NOW} WHERE id = ?"
        )))
        .bind(composition)
        .execute(&mut *tx)
        .await?;
        let id: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "INSERT INTO flow_executions (composition, version, status, trigger_type,
                 trigger_data, schedule, parameter_values, started_at)
             VALUES (?, ?, 'RUNNING', ?, ?, ?, ?, {NOW}) RETURNING id"
        )))
        .bind(composition)
        .bind(version)
        .bind(origin.trigger.to_string())
        .bind(origin.data.as_ref().map(Json))
        .bind(origin.schedule)
        .bind(Json(parameters))
        .fetch_one(&mut *tx)
        .await?;
        let claimed =
            claim(RunId(id)).map_err(|source| StoreError::RunClaim { run: id, source })?;
        tx.commit().await?;
        Ok((RunId(id), claimed))
    }

    /// Records finished node runs, the first as step `first_step` of the run's log, each with
    /// its log row, in one transaction: a burst of nodes finishing together costs one commit.
    pub async fn record_nodes(
        &self,
        run: RunId,
        first_step: u32,
        records: &[NodeRecord],
    ) -> Result<(), StoreError> {
        // Every record goes in as one JSON array, in one round trip to SQLite's thread: four
        // statements of one text, whatever the burst's size, parsed once per connection.
        // `jsonb_each` hands each record over as SQLite's binary JSON, so reading its fields
        // does not parse its text again for each one (a third less time inserting a burst of
        // W1's nodes).
        let rows = Json(records.iter().map(RecordRow::of).collect::<Vec<_>>());
        let next_step = first_step.saturating_add(u32::try_from(records.len()).unwrap_or(u32::MAX));
        let mut tx = self.begin_write().await?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO node_executions (execution, node_id, status, resolved_parameters,
                 rendered_sql, result_location, result_meta, cache_key, from_cache, attempt,
                 started_at, completed_at, duration_ms, error_message)
             SELECT ?1, r.value ->> 'node_id', r.value ->> 'status', r.value -> '$.input.parameters',
                 r.value ->> '$.input.sql', r.value ->> 'result_location', r.value -> 'meta',
                 r.value ->> 'cache_key', r.value ->> 'from_cache', r.value ->> 'attempt',
                 strftime('%Y-%m-%dT%H:%M:%fZ', 'now',
                     '-' || ((r.value ->> 'duration_ms') / 1000.0) || ' seconds'),
                 {NOW}, r.value ->> 'duration_ms', r.value ->> 'error'
             FROM jsonb_each(?2) r;

             INSERT INTO execution_logs (execution, node_id, step_index, action_type, status,
                 input_data, output_data, error_message)
             SELECT ?1, r.value ->> 'node_id', ?3 + r.key, r.value ->> 'action',
                 r.value ->> 'log_status', r.value -> 'input', r.value -> 'meta',
                 r.value ->> 'error'
             FROM jsonb_each(?2) r;

             -- The results these nodes kept are now the newest of their cache keys.
             INSERT INTO node_result_cache (composition, cache_key, node_execution)
             SELECT e.composition, n.cache_key, n.id
             FROM node_executions n JOIN flow_executions e ON e.id = n.execution
             WHERE n.execution = ?1
               AND n.node_id IN (SELECT r.value ->> 'node_id' FROM jsonb_each(?2) r)
               AND e.composition IS NOT NULL AND n.status = 'COMPLETED'
               AND n.cache_key IS NOT NULL AND n.result_location IS NOT NULL
             ORDER BY n.id
             ON CONFLICT (composition, cache_key)
             DO UPDATE SET node_execution = excluded.node_execution;

             UPDATE flow_executions SET current_step = ?4 WHERE id = ?1"
        )))
        .bind(run.0)
        .bind(&rows)
        .bind(first_step)
        .bind(next_step)
        .execute(&mut *tx)
        .await?;
        Ok(tx.commit().await?)
    }

    /// The results the flow's runs keep, by cache key: for each key, the newest successful
    /// node run with that key, its result and what it recorded.
    pub async fn cached_results(
        &self,
        flow: &CompositionId,
    ) -> Result<HashMap<String, KeptResult>, StoreError> {
        // One row holding a JSON object, not a row per result: rows cross from SQLite's
        // worker thread one at a time.
        let kept: Option<Json<HashMap<String, KeptResult>>> = sqlx::query_scalar(
            "SELECT json_group_object(k.cache_key, json_object(
                 'location', n.result_location,
                 'parameters', json(n.resolved_parameters),
                 'sql', n.rendered_sql,
                 'columns', json(coalesce(n.result_meta -> '$.columns', '[]')),
                 'row_count', coalesce(n.result_meta ->> '$.row_count', 0),
                 'kept_at', coalesce(n.result_meta ->> '$.made_at', n.completed_at)))
             FROM node_result_cache k
             JOIN compositions c ON c.id = k.composition
             JOIN node_executions n ON n.id = k.node_execution
             WHERE c.composition_id = ?",
        )
        .bind(flow.as_str())
        .fetch_one(self.pool())
        .await?;
        Ok(kept.map(|kept| kept.0).unwrap_or_default())
    }

    /// Records the end of a run.
    pub async fn finish_run(
        &self,
        run: RunId,
        status: RunStatus,
        error: Option<&str>,
    ) -> Result<(), StoreError> {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE flow_executions SET status = ?, error_message = ?, completed_at = {NOW}
             WHERE id = ?"
        )))
        .bind(status.to_string())
        .bind(error)
        .bind(run.0)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The runs recorded as PENDING or RUNNING, oldest first: all of them, or one flow's.
    pub async fn unfinished_runs(
        &self,
        flow: Option<&CompositionId>,
    ) -> Result<Vec<RunId>, StoreError> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT e.id FROM flow_executions e JOIN compositions c ON c.id = e.composition
             WHERE (?1 IS NULL OR c.composition_id = ?1) AND e.status IN ('PENDING', 'RUNNING')
             ORDER BY e.id",
        )
        .bind(flow.map(CompositionId::as_str))
        .fetch_all(self.pool())
        .await?;
        Ok(ids.into_iter().map(RunId).collect())
    }

    /// Marks `run` and its unfinished node runs FAILED "interrupted": nothing is running it.
    pub async fn mark_interrupted(&self, run: RunId) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        for sql in [
            "UPDATE node_executions SET status = 'FAILED', error_message = ?,
                 completed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
             WHERE status IN ('PENDING', 'RUNNING') AND execution = ?",
            "UPDATE flow_executions SET status = 'FAILED', error_message = ?,
                 completed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
             WHERE status IN ('PENDING', 'RUNNING') AND id = ?",
        ] {
            sqlx::query(sql)
                .bind(INTERRUPTED)
                .bind(run.0)
                .execute(&mut *tx)
                .await?;
        }
        Ok(tx.commit().await?)
    }

    /// Deletes every flow's runs but its newest `keep` finished ones (their node runs and
    /// logs go with them); runs in progress are never deleted. Returns the deleted runs.
    pub async fn prune_runs(&self, keep: u32) -> Result<Vec<RunId>, StoreError> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "DELETE FROM flow_executions WHERE id IN (
                 SELECT id FROM (
                     SELECT id, status, row_number() OVER (
                         PARTITION BY composition ORDER BY id DESC) AS newest
                     FROM flow_executions)
                 WHERE newest > ? AND status NOT IN ('PENDING', 'RUNNING'))
             RETURNING id",
        )
        .bind(keep)
        .fetch_all(self.pool())
        .await?;
        let mut ids: Vec<RunId> = ids.into_iter().map(RunId).collect();
        ids.sort();
        Ok(ids)
    }

    /// Runs, newest first; of one flow when `flow` is given.
    pub async fn list_runs(
        &self,
        flow: Option<&CompositionId>,
    ) -> Result<Vec<RunSummary>, StoreError> {
        let rows: Vec<RunRow> = sqlx::query_as(concat!(
            select_runs!(),
            " WHERE ?1 IS NULL OR c.composition_id = ?1 ORDER BY e.id DESC"
        ))
        .bind(flow.map(CompositionId::as_str))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(RunRow::into_summary).collect()
    }

    /// One run with every node's record, in the order the nodes finished.
    pub async fn get_run(&self, run: RunId) -> Result<RunDetail, StoreError> {
        let row: RunRow = sqlx::query_as(concat!(select_runs!(), " WHERE e.id = ?"))
            .bind(run.0)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound {
                entity: Entity::Run,
                id: run.to_string(),
            })?;
        let nodes: Vec<NodeRow> = sqlx::query_as(
            "SELECT node_id, status, resolved_parameters, rendered_sql, result_location,
                    result_meta, cache_key, from_cache, attempt, duration_ms, error_message
             FROM node_executions WHERE execution = ? ORDER BY id",
        )
        .bind(run.0)
        .fetch_all(self.pool())
        .await?;
        Ok(RunDetail {
            summary: row.into_summary()?,
            nodes: nodes
                .into_iter()
                .map(|node| node.into_record(run.0))
                .collect::<Result<_, _>>()?,
        })
    }
}

/// A node record as `record_nodes` hands it to SQLite: borrowed, not copied into JSON values
/// first. `input` and `meta` are also the log row's input and output data.
#[derive(serde::Serialize)]
struct RecordRow<'a> {
    node_id: &'a NodeId,
    status: NodeStatus,
    input: RecordInput<'a>,
    meta: RecordMeta<'a>,
    result_location: Option<&'a str>,
    cache_key: Option<&'a str>,
    from_cache: bool,
    attempt: u32,
    duration_ms: i64,
    error: Option<&'a str>,
    /// The log row's action and status.
    action: &'static str,
    log_status: &'static str,
}

#[derive(serde::Serialize)]
struct RecordInput<'a> {
    parameters: &'a BTreeMap<String, serde_json::Value>,
    sql: Option<&'a str>,
}

#[derive(serde::Serialize)]
struct RecordMeta<'a> {
    columns: &'a [ResultColumn],
    outcome: Option<NodeOutcome>,
    row_count: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    table_write: Option<&'a crate::model::TableWrite>,
    #[serde(skip_serializing_if = "Option::is_none")]
    made_at: Option<&'a str>,
}

impl<'a> RecordRow<'a> {
    fn of(r: &'a NodeRecord) -> Self {
        let (action, log_status) = match r.status {
            NodeStatus::Skipped => ("SKIP_NODE", "SKIPPED"),
            NodeStatus::Completed if r.from_cache => ("REUSE_RESULT", "SUCCESS"),
            NodeStatus::Completed => ("RUN_QUERY", "SUCCESS"),
            _ => ("RUN_QUERY", "FAILED"),
        };
        Self {
            node_id: &r.node_id,
            status: r.status,
            input: RecordInput {
                parameters: &r.parameters,
                sql: r.sql.as_deref(),
            },
            meta: RecordMeta {
                columns: &r.columns,
                outcome: r.outcome,
                row_count: r.row_count,
                table_write: r.table_write.as_ref(),
                made_at: r.made_at.as_deref(),
            },
            result_location: r.result_location.as_deref(),
            cache_key: r.cache_key.as_deref(),
            from_cache: r.from_cache,
            attempt: r.attempts,
            duration_ms: i64::try_from(r.duration_ms).unwrap_or(i64::MAX),
            error: r.error.as_deref(),
            action,
            log_status,
        }
    }
}

macro_rules! select_runs {
    () => {
        "SELECT e.id, c.composition_id, v.version, e.status, e.trigger_type, e.trigger_data, e.parameter_values,
                e.started_at, e.completed_at, e.error_message
         FROM flow_executions e
         JOIN compositions c ON c.id = e.composition
         LEFT JOIN composition_versions v ON v.id = e.version"
    };
}
use select_runs;

#[derive(sqlx::FromRow)]
struct RunRow {
    id: i64,
    composition_id: String,
    version: Option<u32>,
    status: String,
    trigger_type: String,
    trigger_data: Option<Json<serde_json::Value>>,
    parameter_values: Json<BTreeMap<String, serde_json::Value>>,
    started_at: Option<String>,
    completed_at: Option<String>,
    error_message: Option<String>,
}

impl RunRow {
    fn into_summary(self) -> Result<RunSummary, StoreError> {
        Ok(RunSummary {
            run_id: RunId(self.id),
            composition_id: CompositionId::new(self.composition_id),
            version: self.version,
            status: parse(&self.status, self.id)?,
            trigger: parse(&self.trigger_type, self.id)?,
            trigger_data: self.trigger_data.map(|d| d.0),
            parameters: self.parameter_values.0,
            started_at: self.started_at,
            completed_at: self.completed_at,
            error: self.error_message,
        })
    }
}

#[derive(sqlx::FromRow)]
struct NodeRow {
    node_id: String,
    status: String,
    resolved_parameters: Json<BTreeMap<String, serde_json::Value>>,
    rendered_sql: Option<String>,
    result_location: Option<String>,
    result_meta: Option<Json<ResultMeta>>,
    cache_key: Option<String>,
    from_cache: bool,
    attempt: u32,
    duration_ms: Option<i64>,
    error_message: Option<String>,
}

#[derive(serde::Deserialize, Default)]
struct ResultMeta {
    #[serde(default)]
    columns: Vec<ResultColumn>,
    row_count: Option<u64>,
    #[serde(default)]
    outcome: Option<NodeOutcome>,
    #[serde(default)]
    table_write: Option<crate::model::TableWrite>,
    #[serde(default)]
    made_at: Option<String>,
}

impl NodeRow {
    fn into_record(self, run: i64) -> Result<NodeRecord, StoreError> {
        let meta = self.result_meta.map(|m| m.0).unwrap_or_default();
        Ok(NodeRecord {
            node_id: NodeId::new(self.node_id),
            status: parse(&self.status, run)?,
            parameters: self.resolved_parameters.0,
            sql: self.rendered_sql,
            columns: meta.columns,
            row_count: meta.row_count,
            duration_ms: self
                .duration_ms
                .and_then(|d| u64::try_from(d).ok())
                .unwrap_or(0),
            attempts: self.attempt,
            result_location: self.result_location,
            cache_key: self.cache_key,
            from_cache: self.from_cache,
            made_at: meta.made_at,
            outcome: meta.outcome,
            table_write: meta.table_write,
            error: self.error_message,
        })
    }
}

/// A status or trigger read back; `run` names the run in the error.
fn parse<T: DeserializeOwned>(text: &str, run: i64) -> Result<T, StoreError> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).map_err(|source| {
        StoreError::Corrupt {
            entity: Entity::Run,
            id: run.to_string(),
            source,
        }
    })
}
