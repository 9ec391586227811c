//! The scheduler: on each tick of its clock it fires what is due — cron schedules whose time
//! has come, file triggers whose files changed and then stayed quiet for a moment, and
//! flow-completed triggers for runs that ended since the last tick — each after its condition
//! holds, and runs the schedule's flow in the background with the trigger recorded. A flow
//! still running is not started twice: the schedule's overlap policy skips the new run or
//! queues it until the flow is free. At start it reports the cron runs missed while nothing
//! was running it, and runs a schedule once that asks to catch up.
//!
//! The clock is given ([`SystemClock`] in the app and `flowloom scheduler`, a test's own
//! otherwise), so schedules are tested without waiting.

use super::clock::Clock;
use super::cron::CronSchedule;
use super::watch::{self, Watch};
use super::{parse_stamp, stamp};
use crate::api::{RunRequest, Runs, RunsError};
use crate::condition::Condition;
use crate::engine::run::CancellationToken;
use crate::ids::CompositionId;
use crate::model::{OverlapPolicy, RunOrigin, Schedule, ScheduleTrigger, Trigger};
use crate::store::StoreError;
use crate::workspace::Workspace;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Value as Json, json};
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::task::JoinSet;

/// How long a schedule's condition may take to decide (its steps are bounded too:
/// `condition::MAX_STEPS`).
pub const CONDITION_TIMEOUT: Duration = Duration::from_secs(5);

/// A schedule that fired, and what came of it.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Fired {
    pub schedule: i64,
    pub name: String,
    pub composition_id: CompositionId,
    pub outcome: FiredOutcome,
    /// What the trigger saw (recorded on the run as its trigger data).
    pub data: Json,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "kind", content = "reason", rename_all = "snake_case")]
pub enum FiredOutcome {
    /// The flow's run started.
    Started,
    /// The flow is still running; the run waits for it (overlap policy `queue`).
    Queued,
    /// Not run, and why: its condition is false, or its flow is still running (overlap
    /// policy `skip`).
    Skipped(String),
    /// Not run: the flow cannot run (it has problems, or its condition cannot be decided).
    Failed(String),
}

/// Cron runs that were due while nothing was running the schedule.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct Missed {
    pub schedule: i64,
    pub name: String,
    /// How many times it should have run (counted up to 1,000).
    pub missed: u32,
    /// The first of them (UTC).
    pub since: String,
    /// Whether it ran once to catch up.
    pub caught_up: bool,
}

/// What the scheduler remembers between ticks.
#[derive(Default)]
struct State {
    /// Runs up to this id have been seen by flow-completed triggers.
    seen_run: i64,
    /// Per file-change schedule: the watched files' modification times, and the paths that
    /// changed since it last fired with when the last change was seen.
    files: HashMap<i64, Watch>,
    /// Flows running from here.
    running: BTreeSet<CompositionId>,
    /// Runs waiting for their flow to be free, by flow.
    queued: HashMap<CompositionId, VecDeque<Start>>,
}

/// A run to start: which schedule, with what trigger and data.
#[derive(Debug, Clone)]
struct Start {
    schedule: Schedule,
    trigger: Trigger,
    data: Json,
}

/// Fires a workspace's schedules on a clock; their runs start in the background through the
/// workspace's [`Runs`], so the window sees and can cancel them, and a flow running anywhere
/// is not started twice.
pub struct Scheduler {
    workspace: Workspace,
    runs: Runs,
    clock: Arc<dyn Clock>,
    state: Arc<Mutex<State>>,
    /// The background tasks running its flows.
    tasks: tokio::sync::Mutex<JoinSet<()>>,
    /// Cancelled when the scheduler shuts down: every run it started is a child of it.
    stopping: CancellationToken,
}

impl std::fmt::Debug for Scheduler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scheduler").finish_non_exhaustive()
    }
}

impl Scheduler {
    pub fn new(runs: Runs, clock: Arc<dyn Clock>) -> Self {
        Self {
            workspace: runs.workspace().clone(),
            runs,
            clock,
            state: Arc::default(),
            tasks: tokio::sync::Mutex::new(JoinSet::new()),
            stopping: CancellationToken::new(),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // A poisoned lock only means a panic elsewhere mid-update; the state is still usable.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Starts watching: runs that ended before now and files as they are now are the
    /// baseline. Reports the cron runs missed since each schedule was last due, runs once
    /// those that ask to catch up, and sets when each is next due.
    pub async fn start(&self) -> Result<(Vec<Missed>, Vec<Fired>), StoreError> {
        let store = self.workspace.store();
        let now = self.clock.now();
        let seen = store.last_run_id().await?;
        self.state().seen_run = seen;
        let mut missed = Vec::new();
        let mut fired = Vec::new();
        for schedule in store.list_schedules().await? {
            if !schedule.spec.enabled {
                continue;
            }
            match &schedule.spec.trigger {
                ScheduleTrigger::FileChange { path } => {
                    let watch = self.new_watch(path).await;
                    self.state().files.insert(schedule.id, watch);
                }
                ScheduleTrigger::Cron {
                    expression,
                    timezone,
                } => {
                    let Ok(cron) = CronSchedule::parse(expression, timezone) else {
                        continue;
                    };
                    let due = schedule.next_run_at.as_deref().and_then(parse_stamp);
                    if let Some(due) = due.filter(|due| *due <= now) {
                        let count = std::iter::successors(Some(due), |t| cron.next_after(*t))
                            .take_while(|t| *t <= now)
                            .take(1_000)
                            .count();
                        let caught_up = schedule.spec.catch_up;
                        if caught_up {
                            let data = json!({ "scheduled_for": stamp(due), "missed": count });
                            fired.push(self.fire(&schedule, Trigger::Schedule, data).await);
                        }
                        missed.push(Missed {
                            schedule: schedule.id,
                            name: schedule.spec.name.clone(),
                            missed: u32::try_from(count).unwrap_or(u32::MAX),
                            since: stamp(due),
                            caught_up,
                        });
                    }
                    let next = cron.next_after(now).map(stamp);
                    let ran = fired
                        .iter()
                        .any(|f| f.schedule == schedule.id)
                        .then(|| stamp(now));
                    store
                        .schedule_times(schedule.id, ran.as_deref(), next.as_deref())
                        .await?;
                }
                ScheduleTrigger::FlowCompleted { .. } => {}
            }
        }
        Ok((missed, fired))
    }

    /// Fires everything due at the clock's time: cron schedules, quiet file changes,
    /// runs that ended; and starts queued runs whose flow is free.
    pub async fn tick(&self) -> Result<Vec<Fired>, StoreError> {
        let store = self.workspace.store();
        let now = self.clock.now();
        let schedules: Vec<Schedule> = store
            .list_schedules()
            .await?
            .into_iter()
            .filter(|s| s.spec.enabled)
            .collect();
        let mut due: Vec<(Schedule, Trigger, Json)> = Vec::new();
        // Watches of schedules deleted, disabled or changed to another trigger stop.
        self.state().files.retain(|id, _| {
            schedules.iter().any(|s| {
                s.id == *id && matches!(s.spec.trigger, ScheduleTrigger::FileChange { .. })
            })
        });

        let seen = self.state().seen_run;
        let finished = store.runs_finished_after(seen).await?;
        if let Some(last) = finished.last() {
            self.state().seen_run = last.run_id.0;
        }
        for schedule in &schedules {
            match &schedule.spec.trigger {
                ScheduleTrigger::Cron {
                    expression,
                    timezone,
                } => {
                    let Some(at) = schedule.next_run_at.as_deref().and_then(parse_stamp) else {
                        continue;
                    };
                    if at > now {
                        continue;
                    }
                    let next = CronSchedule::parse(expression, timezone)
                        .ok()
                        .and_then(|cron| cron.next_after(now))
                        .map(stamp);
                    store
                        .schedule_times(schedule.id, Some(&stamp(now)), next.as_deref())
                        .await?;
                    let data = json!({ "scheduled_for": stamp(at) });
                    due.push((schedule.clone(), Trigger::Schedule, data));
                }
                ScheduleTrigger::FileChange { path } => {
                    if let Some(paths) = self.files_settled(schedule.id, path, now).await {
                        store
                            .schedule_times(schedule.id, Some(&stamp(now)), None)
                            .await?;
                        let data = json!({ "paths": paths });
                        due.push((schedule.clone(), Trigger::FileChange, data));
                    }
                }
                ScheduleTrigger::FlowCompleted { flow, status } => {
                    for run in finished
                        .iter()
                        .filter(|r| &r.composition_id == flow && r.status == *status)
                    {
                        store
                            .schedule_times(schedule.id, Some(&stamp(now)), None)
                            .await?;
                        let data = json!({
                            "run_id": run.run_id.0,
                            "flow": run.composition_id,
                            "status": run.status,
                        });
                        due.push((schedule.clone(), Trigger::FlowCompleted, data));
                    }
                }
            }
        }
        let mut fired = Vec::new();
        for (schedule, trigger, data) in due {
            fired.push(self.fire(&schedule, trigger, data).await);
        }
        self.start_queued().await?;
        Ok(fired)
    }

    /// Runs schedule `id` now, as "run now" in the Schedules screen asks (its condition
    /// and overlap policy still apply).
    pub async fn run_now(&self, id: i64) -> Result<Fired, StoreError> {
        let schedule = self.workspace.store().get_schedule(id).await?;
        let data = json!({ "requested_at": stamp(self.clock.now()) });
        Ok(self.fire(&schedule, Trigger::Manual, data).await)
    }

    /// Waits until every run started so far has ended (queued ones included).
    pub async fn idle(&self) {
        let mut tasks = self.tasks.lock().await;
        while tasks.join_next().await.is_some() {}
    }

    /// Shuts down: the runs in progress are cancelled (their queries stop, the history says
    /// CANCELLED), queued ones are dropped, nothing new starts; returns once every run is
    /// recorded.
    pub async fn shutdown(&self) {
        self.stopping.cancel();
        self.state().queued.clear();
        self.idle().await;
    }

    /// Ticks every `every` until `stop` is cancelled; what fires goes to `report`.
    pub async fn run_until(
        &self,
        every: Duration,
        stop: CancellationToken,
        report: impl Fn(&Fired),
    ) -> Result<(), StoreError> {
        loop {
            tokio::select! {
                () = stop.cancelled() => return Ok(()),
                () = tokio::time::sleep(every) => {}
            }
            for fired in self.tick().await? {
                report(&fired);
            }
        }
    }

    /// A watch over `path` whose baseline is its files as they are now, told of changes by
    /// the OS where it can be.
    async fn new_watch(&self, path: &str) -> Watch {
        let notifier = watch::Notifier::new(self.clock.clone()).map(Arc::new);
        let files = watch::look(path, notifier.clone())
            .await
            .unwrap_or_default();
        Watch::new(files, notifier)
    }

    /// The changed paths of a file-change schedule, once they have been quiet long enough.
    /// Its files are looked at only when the OS said something changed (or cannot say).
    async fn files_settled(&self, id: i64, path: &str, now: DateTime<Utc>) -> Option<Vec<String>> {
        let known = self
            .state()
            .files
            .get(&id)
            .map(|watch| (watch.due(), watch.notifier()));
        let Some((due, notifier)) = known else {
            // A schedule created since the start: its files as they are now are its baseline.
            let watch = self.new_watch(path).await;
            self.state().files.insert(id, watch);
            return None;
        };
        let files = if due {
            Some(watch::look(path, notifier).await?)
        } else {
            None
        };
        self.state().files.get_mut(&id)?.settled(files, now)
    }

    /// Fires `schedule`: checks its condition, then starts, queues or skips its flow's run.
    async fn fire(&self, schedule: &Schedule, trigger: Trigger, data: Json) -> Fired {
        let fired = |outcome| Fired {
            schedule: schedule.id,
            name: schedule.spec.name.clone(),
            composition_id: schedule.spec.composition_id.clone(),
            outcome,
            data: data.clone(),
        };
        if let Some(text) = &schedule.spec.condition {
            let holds = match Condition::compile(text) {
                Err(why) => Err(why.to_string()),
                // Decided off the runtime's threads, within a time limit: the tick only
                // waits for it, and a shutdown stops it.
                Ok(condition) => {
                    let decide = Arc::new(condition)
                        .decide_trigger(data.clone(), schedule.spec.parameters.clone());
                    tokio::select! {
                        holds = tokio::time::timeout(CONDITION_TIMEOUT, decide) => {
                            holds.unwrap_or_else(|_| {
                                Err(format!("timed out after {} s", CONDITION_TIMEOUT.as_secs()))
                            })
                        }
                        () = self.stopping.cancelled() => {
                            Err("the scheduler is shutting down".to_owned())
                        }
                    }
                }
            };
            match holds {
                Ok(true) => {}
                Ok(false) => {
                    return fired(FiredOutcome::Skipped(format!(
                        "its condition `{text}` is false"
                    )));
                }
                Err(why) => {
                    return fired(FiredOutcome::Failed(format!("condition `{text}`: {why}")));
                }
            }
        }
        let flow = &schedule.spec.composition_id;
        let here = self.state().running.contains(flow);
        let busy = here || self.runs.is_running(flow).await.unwrap_or(false);
        let start = Start {
            schedule: schedule.clone(),
            trigger,
            data: data.clone(),
        };
        if busy {
            return match schedule.spec.overlap {
                OverlapPolicy::Skip => fired(FiredOutcome::Skipped(format!(
                    "flow `{flow}` is still running"
                ))),
                OverlapPolicy::Queue => {
                    self.state()
                        .queued
                        .entry(flow.clone())
                        .or_default()
                        .push_back(start);
                    fired(FiredOutcome::Queued)
                }
            };
        }
        self.state().running.insert(flow.clone());
        self.spawn(flow.clone(), start).await;
        fired(FiredOutcome::Started)
    }

    /// Starts the queued runs of flows nothing runs any more (a run elsewhere ended).
    async fn start_queued(&self) -> Result<(), StoreError> {
        let waiting: Vec<CompositionId> = {
            let state = self.state();
            state
                .queued
                .iter()
                .filter(|(flow, queue)| !queue.is_empty() && !state.running.contains(*flow))
                .map(|(flow, _)| flow.clone())
                .collect()
        };
        for flow in waiting {
            if self.runs.is_running(&flow).await.unwrap_or(true) {
                continue;
            }
            let next = {
                let mut state = self.state();
                let next = state.queued.get_mut(&flow).and_then(VecDeque::pop_front);
                if next.is_some() {
                    state.running.insert(flow.clone());
                }
                next
            };
            if let Some(start) = next {
                self.spawn(flow, start).await;
            }
        }
        Ok(())
    }

    /// Runs `first`, then the flow's queued runs one after another, in the background.
    async fn spawn(&self, flow: CompositionId, first: Start) {
        let runs = self.runs.clone();
        let state = self.state.clone();
        let stopping = self.stopping.clone();
        self.tasks.lock().await.spawn(async move {
            let mut next = Some(first);
            while let Some(start) = next.take().filter(|_| !stopping.is_cancelled()) {
                run(&runs, start, &stopping).await;
                let mut state = state
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                next = state.queued.get_mut(&flow).and_then(VecDeque::pop_front);
                if next.is_none() {
                    state.running.remove(&flow);
                }
            }
        });
    }
}

/// Runs a schedule's flow as stored now, recording the trigger. A turn that cannot start
/// (the flow has problems, the schedule's parameters do not fit it) is recorded as a FAILED
/// run saying why; a turn that finds the flow started meanwhile by someone else passes, as
/// a busy flow's turn does. Only a workspace that cannot record anything is left to
/// standard error.
async fn run(runs: &Runs, start: Start, stop: &CancellationToken) {
    let spec = &start.schedule.spec;
    let request = RunRequest {
        parameters: spec.parameters.clone(),
        ..RunRequest::default()
    };
    let origin = RunOrigin {
        trigger: start.trigger,
        data: Some(start.data.clone()),
        schedule: Some(start.schedule.id),
    };
    let quiet = |_| {};
    let flow = &spec.composition_id;
    let started = match runs.validated_flow(flow).await {
        Ok(valid) => {
            runs.start_until(&valid, &request, origin.clone(), &quiet, stop)
                .await
        }
        Err(err) => Err(err),
    };
    let refused = match started {
        // A run that fails once started is in the history with its error.
        Ok(_) | Err(RunsError::AlreadyRunning { .. }) => return,
        Err(err @ (RunsError::Invalid(_) | RunsError::Run(_))) => {
            let why = format!("schedule {} could not start it: {err}", start.schedule.id);
            runs.record_refused(flow, &request, origin, &why).await
        }
        Err(err) => Err(err),
    };
    if let Err(err) = refused {
        let id = start.schedule.id;
        eprintln!("flowloom: schedule {id} could not run flow `{flow}`: {err}");
    }
}
