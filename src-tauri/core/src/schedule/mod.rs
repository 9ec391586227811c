//! Schedules and triggers (seeds 002, 003): a flow run by a cron schedule, by files changing,
//! or by another flow's run ending. `cron` reads cron expressions; this module checks a
//! schedule before it is stored and says when a new one is first due; `scheduler` fires due
//! triggers on a clock it is given (the system's, or a test's); `watch` polls the files of
//! file-change triggers.

mod clock;
pub mod cron;
mod scheduler;
mod watch;

pub use clock::{Clock, SystemClock};
pub use scheduler::{CONDITION_TIMEOUT, Fired, FiredOutcome, Missed, Scheduler};
pub use watch::{MAX_DEPTH, MAX_FILES};

use crate::condition::Condition;
use crate::model::{Schedule, ScheduleSpec, ScheduleTrigger};
use crate::store::{Store, StoreError};
use crate::value::Value;
use chrono::{DateTime, SecondsFormat, Utc};
use cron::CronSchedule;

#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    /// Every problem with a schedule's definition.
    #[error("the schedule has {} problem(s): {}", .0.len(), .0.join("; "))]
    Invalid(Vec<String>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Every problem with `spec` (none: it can be stored): a name, a target flow that exists,
/// a trigger that can fire, a condition that compiles, parameters the flow has, typed.
pub async fn check(store: &Store, spec: &ScheduleSpec) -> Result<(), ScheduleError> {
    let mut problems = Vec::new();
    if spec.name.trim().is_empty() {
        problems.push("a schedule needs a name".to_owned());
    }
    let target = match store.get_flow(&spec.composition_id).await {
        Ok(detail) => Some(detail.flow),
        Err(StoreError::NotFound { .. }) => {
            problems.push(format!("there is no flow `{}` to run", spec.composition_id));
            None
        }
        Err(err) => return Err(err.into()),
    };
    match &spec.trigger {
        ScheduleTrigger::Cron {
            expression,
            timezone,
        } => {
            match CronSchedule::parse(expression, timezone) {
                Err(why) => problems.push(why.to_string()),
                // `0 9 31 2 *` (31 February) parses, and never comes.
                Ok(cron) if cron.next_after(Utc::now()).is_none() => problems.push(format!(
                    "`{expression}` is never due: no date has those fields"
                )),
                Ok(_) => {}
            }
        }
        ScheduleTrigger::FileChange { path } => {
            if path.trim().is_empty() {
                problems.push("a file trigger needs a path or a glob to watch".to_owned());
            } else if let Err(err) = glob::Pattern::new(path) {
                problems.push(format!("`{path}` is not a path or glob: {err}"));
            } else {
                let path = path.clone();
                match tokio::task::spawn_blocking(move || watch::scan(&path)).await {
                    Ok(Err(too_big)) => problems.push(too_big.to_string()),
                    Ok(Ok(_)) => {}
                    Err(err) => problems.push(format!("could not look at the watched path: {err}")),
                }
            }
        }
        ScheduleTrigger::FlowCompleted { flow, .. } => {
            if *flow == spec.composition_id {
                problems.push("a flow cannot be started by its own run ending".to_owned());
            }
            match store.get_flow(flow).await {
                Ok(_) => {}
                Err(StoreError::NotFound { .. }) => {
                    problems.push(format!("there is no flow `{flow}` to watch"));
                }
                Err(err) => return Err(err.into()),
            }
        }
    }
    if let Some(text) = &spec.condition
        && let Err(err) = Condition::compile(text)
    {
        problems.push(format!("condition `{text}`: {err}"));
    }
    if let Some(flow) = &target {
        let globals = &flow.composition.global_parameters;
        for (name, value) in &spec.parameters {
            match globals.iter().find(|g| &g.name == name) {
                None => problems.push(format!(
                    "flow `{}` has no global parameter `{name}`",
                    spec.composition_id
                )),
                Some(global) => {
                    if let Err(why) = Value::from_json(global.value_type, global.list, value) {
                        problems.push(format!("parameter `{name}`: {why}"));
                    }
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ScheduleError::Invalid(problems))
    }
}

/// When a schedule defined at `now` is first due: a cron schedule's next time (an enabled
/// one; other triggers are not due at a time).
pub fn first_due(spec: &ScheduleSpec, now: DateTime<Utc>) -> Option<String> {
    match &spec.trigger {
        ScheduleTrigger::Cron {
            expression,
            timezone,
        } if spec.enabled => CronSchedule::parse(expression, timezone)
            .ok()?
            .next_after(now)
            .map(stamp),
        _ => None,
    }
}

/// `spec` as stored: a time zone typed in any case under its IANA name.
fn canonical(spec: &ScheduleSpec) -> ScheduleSpec {
    let mut spec = spec.clone();
    if let ScheduleTrigger::Cron { timezone, .. } = &mut spec.trigger
        && let Some(zone) = cron::zone(timezone)
    {
        *timezone = zone.name().to_owned();
    }
    spec
}

/// Checks and stores a new schedule, due first after `now`.
pub async fn create(
    store: &Store,
    spec: &ScheduleSpec,
    now: DateTime<Utc>,
) -> Result<Schedule, ScheduleError> {
    let spec = &canonical(spec);
    check(store, spec).await?;
    Ok(store
        .insert_schedule(spec, first_due(spec, now).as_deref())
        .await?)
}

/// Checks and stores schedule `id`'s new definition, due next after `now`.
pub async fn update(
    store: &Store,
    id: i64,
    spec: &ScheduleSpec,
    now: DateTime<Utc>,
) -> Result<Schedule, ScheduleError> {
    let spec = &canonical(spec);
    check(store, spec).await?;
    Ok(store
        .update_schedule(id, spec, first_due(spec, now).as_deref())
        .await?)
}

/// A time as schedules store it: UTC, RFC 3339, whole seconds.
pub fn stamp(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A stored time read back.
pub fn parse_stamp(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}
