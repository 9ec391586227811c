//! Schedules in the store (`schedules`): written as the user defines them (checked by
//! `crate::schedule` first), read back with how their last run ended, and stamped by the
//! scheduler with when they ran and will run next.

use super::{Entity, Store, StoreError};
use crate::ids::CompositionId;
use crate::model::{OverlapPolicy, RunId, RunStatus, Schedule, ScheduleSpec, ScheduleTrigger};
use sqlx::query::QueryScalar;
use sqlx::sqlite::{Sqlite, SqliteArguments};
use sqlx::types::Json;
use std::collections::BTreeMap;

macro_rules! select_schedules {
    () => {
        "SELECT s.id, s.name, c.composition_id, s.trigger_type, s.cron_expression, s.timezone,
                s.watch_path, w.composition_id AS watched, s.watched_status,
                s.condition_expression, s.parameter_values, s.catch_up, s.overlap_policy,
                s.is_enabled, s.last_run_at, s.next_run_at,
                (SELECT e.status FROM flow_executions e WHERE e.schedule = s.id
                 ORDER BY e.id DESC LIMIT 1) AS last_status
         FROM schedules s
         JOIN compositions c ON c.id = s.composition
         LEFT JOIN compositions w ON w.id = s.watched_composition"
    };
}

#[derive(sqlx::FromRow)]
struct ScheduleRow {
    id: i64,
    name: String,
    composition_id: String,
    trigger_type: String,
    cron_expression: Option<String>,
    timezone: String,
    watch_path: Option<String>,
    watched: Option<String>,
    watched_status: Option<String>,
    condition_expression: Option<String>,
    parameter_values: Json<BTreeMap<String, serde_json::Value>>,
    catch_up: bool,
    overlap_policy: String,
    is_enabled: bool,
    last_run_at: Option<String>,
    next_run_at: Option<String>,
    last_status: Option<String>,
}

impl ScheduleRow {
    fn into_schedule(self) -> Result<Schedule, StoreError> {
        let corrupt = |what: &str| StoreError::Corrupt {
            entity: Entity::Schedule,
            id: self.id.to_string(),
            source: serde::de::Error::custom(format!("{what} is missing or unknown")),
        };
        let status = |text: &str| -> Option<RunStatus> {
            serde_json::from_value(serde_json::Value::String(text.to_owned())).ok()
        };
        let trigger = match self.trigger_type.as_str() {
            "cron" => ScheduleTrigger::Cron {
                expression: self
                    .cron_expression
                    .clone()
                    .ok_or_else(|| corrupt("cron"))?,
                timezone: self.timezone.clone(),
            },
            "file_change" => ScheduleTrigger::FileChange {
                path: self
                    .watch_path
                    .clone()
                    .ok_or_else(|| corrupt("watch_path"))?,
            },
            "flow_completed" => ScheduleTrigger::FlowCompleted {
                flow: CompositionId::new(self.watched.clone().ok_or_else(|| corrupt("flow"))?),
                status: self
                    .watched_status
                    .as_deref()
                    .and_then(status)
                    .ok_or_else(|| corrupt("watched_status"))?,
            },
            _ => return Err(corrupt("trigger_type")),
        };
        Ok(Schedule {
            id: self.id,
            spec: ScheduleSpec {
                name: self.name,
                composition_id: CompositionId::new(self.composition_id),
                trigger,
                condition: self.condition_expression,
                parameters: self.parameter_values.0,
                catch_up: self.catch_up,
                overlap: if self.overlap_policy == "queue" {
                    OverlapPolicy::Queue
                } else {
                    OverlapPolicy::Skip
                },
                enabled: self.is_enabled,
            },
            last_run_at: self.last_run_at,
            next_run_at: self.next_run_at,
            last_status: self.last_status.as_deref().and_then(status),
        })
    }
}

/// A finished run, as `flow_completed` triggers see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinishedRun {
    pub run_id: RunId,
    pub composition_id: CompositionId,
    pub status: RunStatus,
}

impl Store {
    /// Stores a new schedule (checked by `schedule::check`), due first at `next_run_at`.
    pub async fn insert_schedule(
        &self,
        spec: &ScheduleSpec,
        next_run_at: Option<&str>,
    ) -> Result<Schedule, StoreError> {
        let insert = sqlx::query_scalar(
            "INSERT INTO schedules (name, composition, trigger_type, cron_expression, timezone,
                 watch_path, watched_composition, watched_status, condition_expression,
                 parameter_values, catch_up, overlap_policy, is_enabled, next_run_at)
             SELECT ?, (SELECT id FROM compositions WHERE composition_id = ?), ?, ?, ?, ?,
                    (SELECT id FROM compositions WHERE composition_id = ?), ?, ?, ?, ?, ?, ?, ?
             RETURNING id",
        );
        let id: i64 = bind_spec(insert, spec, next_run_at)
            .fetch_one(self.pool())
            .await?;
        self.get_schedule(id).await
    }

    /// Replaces schedule `id`'s definition; it is next due at `next_run_at`.
    pub async fn update_schedule(
        &self,
        id: i64,
        spec: &ScheduleSpec,
        next_run_at: Option<&str>,
    ) -> Result<Schedule, StoreError> {
        let update = sqlx::query_scalar(
            "UPDATE schedules SET name = ?,
                 composition = (SELECT id FROM compositions WHERE composition_id = ?),
                 trigger_type = ?, cron_expression = ?, timezone = ?, watch_path = ?,
                 watched_composition = (SELECT id FROM compositions WHERE composition_id = ?),
                 watched_status = ?, condition_expression = ?, parameter_values = ?,
                 catch_up = ?, overlap_policy = ?, is_enabled = ?, next_run_at = ?
             WHERE id = ? RETURNING id",
        );
        let updated: Option<i64> = bind_spec(update, spec, next_run_at)
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        if updated.is_none() {
            return Err(not_found(id));
        }
        self.get_schedule(id).await
    }

    pub async fn delete_schedule(&self, id: i64) -> Result<(), StoreError> {
        let deleted = sqlx::query("DELETE FROM schedules WHERE id = ?")
            .bind(id)
            .execute(self.pool())
            .await?;
        if deleted.rows_affected() == 0 {
            return Err(not_found(id));
        }
        Ok(())
    }

    pub async fn get_schedule(&self, id: i64) -> Result<Schedule, StoreError> {
        let row: Option<ScheduleRow> =
            sqlx::query_as(concat!(select_schedules!(), " WHERE s.id = ?"))
                .bind(id)
                .fetch_optional(self.pool())
                .await?;
        row.ok_or_else(|| not_found(id))?.into_schedule()
    }

    /// Every schedule, by name.
    pub async fn list_schedules(&self) -> Result<Vec<Schedule>, StoreError> {
        let rows: Vec<ScheduleRow> =
            sqlx::query_as(concat!(select_schedules!(), " ORDER BY s.name, s.id"))
                .fetch_all(self.pool())
                .await?;
        rows.into_iter().map(ScheduleRow::into_schedule).collect()
    }

    /// Stamps schedule `id` after it fired (`ran_at`) and with when it is next due.
    pub async fn schedule_times(
        &self,
        id: i64,
        ran_at: Option<&str>,
        next_run_at: Option<&str>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE schedules SET last_run_at = coalesce(?, last_run_at), next_run_at = ?
             WHERE id = ?",
        )
        .bind(ran_at)
        .bind(next_run_at)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Runs that ended after run `after` (by id), oldest first: what `flow_completed`
    /// triggers look at.
    pub async fn runs_finished_after(&self, after: i64) -> Result<Vec<FinishedRun>, StoreError> {
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT e.id, c.composition_id, e.status FROM flow_executions e
             JOIN compositions c ON c.id = e.composition
             WHERE e.id > ? AND e.completed_at IS NOT NULL ORDER BY e.id",
        )
        .bind(after)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, flow, status)| {
                let status = serde_json::from_value(serde_json::Value::String(status)).ok()?;
                Some(FinishedRun {
                    run_id: RunId(id),
                    composition_id: CompositionId::new(flow),
                    status,
                })
            })
            .collect())
    }

    /// The newest run's id (0: none yet): where watching for finished runs starts.
    pub async fn last_run_id(&self) -> Result<i64, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT coalesce(max(id), 0) FROM flow_executions")
                .fetch_one(self.pool())
                .await?,
        )
    }

    /// Whether flow `id` has a run going.
    pub async fn is_running(&self, id: &CompositionId) -> Result<bool, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM flow_executions e
                 JOIN compositions c ON c.id = e.composition
                 WHERE c.composition_id = ? AND e.status IN ('PENDING', 'RUNNING'))",
        )
        .bind(id.as_str())
        .fetch_one(self.pool())
        .await?)
    }
}

/// `query` with a schedule's fields bound in the order `insert_schedule` and
/// `update_schedule` name them.
fn bind_spec<'q>(
    query: QueryScalar<'q, Sqlite, i64, SqliteArguments>,
    spec: &'q ScheduleSpec,
    next_run_at: Option<&'q str>,
) -> QueryScalar<'q, Sqlite, i64, SqliteArguments> {
    query
        .bind(&spec.name)
        .bind(spec.composition_id.as_str())
        .bind(trigger_type(&spec.trigger))
        .bind(cron(&spec.trigger).map(|(expression, _)| expression))
        .bind(cron(&spec.trigger).map_or("UTC", |(_, zone)| zone))
        .bind(watch_path(&spec.trigger))
        .bind(watched(&spec.trigger).map(|(flow, _)| flow.as_str()))
        .bind(watched(&spec.trigger).map(|(_, status)| status.to_string()))
        .bind(spec.condition.as_deref())
        .bind(Json(&spec.parameters))
        .bind(spec.catch_up)
        .bind(overlap(spec.overlap))
        .bind(spec.enabled)
        .bind(next_run_at)
}

fn not_found(id: i64) -> StoreError {
    StoreError::NotFound {
        entity: Entity::Schedule,
        id: id.to_string(),
    }
}

fn trigger_type(trigger: &ScheduleTrigger) -> &'static str {
    match trigger {
        ScheduleTrigger::Cron { .. } => "cron",
        ScheduleTrigger::FileChange { .. } => "file_change",
        ScheduleTrigger::FlowCompleted { .. } => "flow_completed",
    }
}

fn cron(trigger: &ScheduleTrigger) -> Option<(&str, &str)> {
    match trigger {
        ScheduleTrigger::Cron {
            expression,
            timezone,
        } => Some((expression, timezone)),
        _ => None,
    }
}

fn watch_path(trigger: &ScheduleTrigger) -> Option<&str> {
    match trigger {
        ScheduleTrigger::FileChange { path } => Some(path),
        _ => None,
    }
}

fn watched(trigger: &ScheduleTrigger) -> Option<(&CompositionId, RunStatus)> {
    match trigger {
        ScheduleTrigger::FlowCompleted { flow, status } => Some((flow, *status)),
        _ => None,
    }
}

fn overlap(policy: OverlapPolicy) -> &'static str {
    match policy {
        OverlapPolicy::Skip => "skip",
        OverlapPolicy::Queue => "queue",
    }
}
