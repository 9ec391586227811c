//! Schedules and triggers (seeds 002, 003): what starts a flow besides a click, and what a
//! run remembers of what started it.

use crate::ids::CompositionId;
use crate::model::{RunStatus, Trigger};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What makes a schedule fire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ScheduleTrigger {
    /// A five-field cron expression (minute hour day-of-month month day-of-week), read in
    /// `timezone` (an IANA name such as `Europe/Paris`).
    Cron {
        expression: String,
        timezone: String,
    },
    /// A file or folder (or a glob such as `data/*.csv`) changing; changes close together
    /// fire once, with every changed path.
    FileChange { path: String },
    /// Another flow's run ending with `status`.
    FlowCompleted {
        flow: CompositionId,
        status: RunStatus,
    },
}

/// Whether a schedule that fires while its flow still runs waits its turn or lets it pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum OverlapPolicy {
    #[default]
    Skip,
    Queue,
}

/// A schedule as written by the user: it targets exactly one flow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ScheduleSpec {
    pub name: String,
    pub composition_id: CompositionId,
    pub trigger: ScheduleTrigger,
    /// A CEL condition over `trigger` (the trigger data) and `params`: false, no run.
    #[serde(default)]
    pub condition: Option<String>,
    /// Values for the flow's global parameters, over their defaults.
    #[serde(default)]
    pub parameters: BTreeMap<String, serde_json::Value>,
    /// Run once at start-up when runs were missed while nothing was running the schedule.
    #[serde(default)]
    pub catch_up: bool,
    #[serde(default)]
    pub overlap: OverlapPolicy,
    #[serde(default = "yes")]
    pub enabled: bool,
}

fn yes() -> bool {
    true
}

/// A stored schedule, with when it ran and will run, and how its last run ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Schedule {
    pub id: i64,
    #[serde(flatten)]
    pub spec: ScheduleSpec,
    pub last_run_at: Option<String>,
    /// For a cron schedule: when it fires next (UTC).
    pub next_run_at: Option<String>,
    pub last_status: Option<RunStatus>,
}

/// What started a run, as its history keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct RunOrigin {
    pub trigger: Trigger,
    /// What the trigger saw: the time a schedule was due, the paths that changed, the run
    /// that completed.
    pub data: Option<serde_json::Value>,
    /// The schedule that fired, if one did.
    pub schedule: Option<i64>,
}

impl From<Trigger> for RunOrigin {
    fn from(trigger: Trigger) -> Self {
        Self {
            trigger,
            data: None,
            schedule: None,
        }
    }
}
