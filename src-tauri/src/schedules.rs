//! Schedules from the window: the scheduler runs while the app is open (started with it,
//! ticking every second), and the Schedules screen lists, defines, enables and runs them.
//! Thin adapters over `flowloom_core::schedule`.

use crate::error::{AppError, ErrorCode};
use flowloom_core::Workspace;
use flowloom_core::model::{Schedule, ScheduleSpec};
use flowloom_core::schedule::cron::{CronPreview, CronSchedule};
use flowloom_core::schedule::{self, Clock, Fired, Missed, Scheduler, SystemClock};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tauri::State;

/// The app's scheduler, and what it found missed when it started.
#[derive(Debug)]
pub struct Schedules {
    pub scheduler: Arc<Scheduler>,
    missed: Mutex<Vec<Missed>>,
}

impl Schedules {
    pub fn new(scheduler: Scheduler) -> Self {
        Self {
            scheduler: Arc::new(scheduler),
            missed: Mutex::new(Vec::new()),
        }
    }

    fn missed(&self) -> std::sync::MutexGuard<'_, Vec<Missed>> {
        self.missed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Runs the app's scheduler until the app ends: the runs missed while it was closed are kept
/// for the Schedules screen, then it ticks every second.
pub async fn run(schedules: Arc<Schedules>) {
    match schedules.scheduler.start().await {
        Ok((missed, _)) => *schedules.missed() = missed,
        Err(err) => eprintln!("flowloom-desktop: the scheduler could not start: {err}"),
    }
    let forever = flowloom_core::engine::run::CancellationToken::new();
    if let Err(err) = schedules
        .scheduler
        .run_until(Duration::from_secs(1), forever, |_| {})
        .await
    {
        eprintln!("flowloom-desktop: the scheduler stopped: {err}");
    }
}

#[tauri::command]
#[specta::specta]
pub async fn list_schedules(workspace: State<'_, Workspace>) -> Result<Vec<Schedule>, AppError> {
    Ok(workspace.store().list_schedules().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn create_schedule(
    workspace: State<'_, Workspace>,
    spec: ScheduleSpec,
) -> Result<Schedule, AppError> {
    Ok(schedule::create(workspace.store(), &spec, SystemClock.now()).await?)
}

/// Replaces schedule `id`'s definition (enabling or disabling it too).
#[tauri::command]
#[specta::specta]
pub async fn update_schedule(
    workspace: State<'_, Workspace>,
    id: i64,
    spec: ScheduleSpec,
) -> Result<Schedule, AppError> {
    Ok(schedule::update(workspace.store(), id, &spec, SystemClock.now()).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn delete_schedule(workspace: State<'_, Workspace>, id: i64) -> Result<(), AppError> {
    Ok(workspace.store().delete_schedule(id).await?)
}

/// Fires schedule `id` now ("Run now"); its run goes on in the background.
#[tauri::command]
#[specta::specta]
pub async fn run_schedule_now(
    schedules: State<'_, Arc<Schedules>>,
    id: i64,
) -> Result<Fired, AppError> {
    Ok(schedules.scheduler.run_now(id).await?)
}

/// A cron expression in words and its next five times, while the user types it.
#[tauri::command]
#[specta::specta]
pub async fn preview_cron(expression: String, timezone: String) -> Result<CronPreview, AppError> {
    CronSchedule::parse(&expression, &timezone)
        .map(|cron| cron.preview(SystemClock.now()))
        .map_err(|why| AppError::new(ErrorCode::InvalidInput, why))
}

/// The cron runs missed while the app was closed, as found when it opened.
#[tauri::command]
#[specta::specta]
pub fn missed_schedules(schedules: State<'_, Arc<Schedules>>) -> Vec<Missed> {
    schedules.missed().clone()
}
