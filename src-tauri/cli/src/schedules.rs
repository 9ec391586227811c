//! `flowloom schedules` defines schedules; `flowloom scheduler` runs them without the window
//! (the same scheduler the app runs while it is open), until Ctrl-C or SIGTERM.

use crate::{Failure, json_text};
use clap::Subcommand;
use flowloom_core::api::Runs;
use flowloom_core::engine::LocalEngine;
use flowloom_core::engine::run::CancellationToken;
use flowloom_core::model::{OverlapPolicy, RunStatus, Schedule, ScheduleSpec, ScheduleTrigger};
use flowloom_core::schedule::cron::CronSchedule;
use flowloom_core::schedule::{
    self, Clock, Fired, FiredOutcome, ScheduleError, Scheduler, SystemClock,
};
use flowloom_core::value::json_from_text;
use flowloom_core::{CompositionId, Workspace};
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Subcommand)]
pub enum SchedulesCommand {
    /// Every schedule: id, name, flow, trigger, next and last run, last status.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Adds a schedule running FLOW: give one of --cron, --watch or --after.
    Create {
        /// The schedule's name.
        name: String,
        /// The flow it runs.
        #[arg(long)]
        flow: String,
        /// A cron expression: minute hour day-of-month month day-of-week.
        #[arg(long, group = "trigger")]
        cron: Option<String>,
        /// The cron expression's time zone (an IANA name).
        #[arg(long, default_value = "UTC")]
        timezone: String,
        /// A file, folder or glob whose changes run the flow.
        #[arg(long, group = "trigger")]
        watch: Option<String>,
        /// Another flow whose run ending runs this one.
        #[arg(long, group = "trigger")]
        after: Option<String>,
        /// How that flow's run must end: COMPLETED, FAILED or CANCELLED.
        #[arg(long, default_value = "COMPLETED")]
        status: String,
        /// A CEL condition over `trigger` and `params`.
        #[arg(long)]
        condition: Option<String>,
        /// A global parameter value for the runs, parsed by its type.
        #[arg(long = "param", value_name = "NAME=VALUE")]
        params: Vec<String>,
        /// Run once at start-up when runs were missed.
        #[arg(long)]
        catch_up: bool,
        /// Queue a run that fires while the flow still runs (default: skip it).
        #[arg(long)]
        queue: bool,
        #[arg(long)]
        json: bool,
    },
    /// Deletes a schedule (its runs stay in the history).
    Delete { id: i64 },
    /// A cron expression in words and its next five times.
    Preview {
        expression: String,
        #[arg(long, default_value = "UTC")]
        timezone: String,
    },
}

pub async fn schedules(
    command: SchedulesCommand,
    workspace: &Workspace,
    out: &mut impl Write,
) -> Result<(), Failure> {
    let store = workspace.store();
    let write = |e: std::io::Error| Failure::refused(format!("could not write output: {e}"));
    match command {
        SchedulesCommand::List { json } => {
            let schedules = store.list_schedules().await.map_err(Failure::refused)?;
            if json {
                writeln!(out, "{}", json_text(&schedules)).map_err(write)?;
                return Ok(());
            }
            for s in &schedules {
                writeln!(out, "{}", schedule_line(s)).map_err(write)?;
            }
        }
        SchedulesCommand::Create {
            name,
            flow,
            cron,
            timezone,
            watch,
            after,
            status,
            condition,
            params,
            catch_up,
            queue,
            json,
        } => {
            let trigger = match (cron, watch, after) {
                (Some(expression), None, None) => ScheduleTrigger::Cron {
                    expression,
                    timezone,
                },
                (None, Some(path), None) => ScheduleTrigger::FileChange { path },
                (None, None, Some(watched)) => ScheduleTrigger::FlowCompleted {
                    flow: CompositionId::new(watched),
                    status: serde_json::from_value(serde_json::Value::String(status.clone()))
                        .map_err(|_| {
                            Failure::unreadable(format!(
                                "--status {status}: use COMPLETED, FAILED or CANCELLED"
                            ))
                        })?,
                },
                _ => {
                    return Err(Failure::unreadable(
                        "give one of --cron, --watch or --after",
                    ));
                }
            };
            let id = CompositionId::new(flow);
            let spec = ScheduleSpec {
                name,
                parameters: parameters(workspace, &id, &params).await?,
                composition_id: id,
                trigger,
                condition,
                catch_up,
                overlap: if queue {
                    OverlapPolicy::Queue
                } else {
                    OverlapPolicy::Skip
                },
                enabled: true,
            };
            let created = schedule::create(store, &spec, SystemClock.now())
                .await
                .map_err(refused)?;
            if json {
                writeln!(out, "{}", json_text(&created)).map_err(write)?;
            } else {
                writeln!(out, "{}", schedule_line(&created)).map_err(write)?;
            }
        }
        SchedulesCommand::Delete { id } => {
            store.delete_schedule(id).await.map_err(Failure::refused)?;
            writeln!(out, "deleted schedule {id}").map_err(write)?;
        }
        SchedulesCommand::Preview {
            expression,
            timezone,
        } => {
            let cron = CronSchedule::parse(&expression, &timezone).map_err(Failure::refused)?;
            let now = SystemClock.now();
            let preview = cron.preview(now);
            writeln!(out, "{} ({})", preview.description, cron.zone().name()).map_err(write)?;
            // Each time on the schedule's own clock, and in UTC beside it.
            for time in cron.upcoming(now, preview.next.len()) {
                writeln!(out, "  {}", cron.when(time)).map_err(write)?;
            }
        }
    }
    Ok(())
}

/// Runs the workspace's schedules until Ctrl-C or SIGTERM, a line per fired schedule.
pub async fn scheduler(workspace: &Workspace, out: &mut impl Write) -> Result<(), Failure> {
    let engine = LocalEngine::for_workspace(workspace)
        .await
        .map_err(Failure::refused)?;
    let runs = Runs::new(workspace.clone(), Arc::new(engine));
    let scheduler = Scheduler::new(runs, Arc::new(SystemClock));
    let write = |e: std::io::Error| Failure::refused(format!("could not write output: {e}"));
    let (missed, fired) = scheduler.start().await.map_err(Failure::refused)?;
    for m in &missed {
        let what = if m.caught_up {
            "ran once to catch up"
        } else {
            "not run"
        };
        writeln!(
            out,
            "missed: schedule {} ({}) was due {} time(s) since {}; {what}",
            m.schedule, m.name, m.missed, m.since
        )
        .map_err(write)?;
    }
    for f in &fired {
        writeln!(out, "{}", fired_line(f)).map_err(write)?;
    }
    let count = workspace
        .store()
        .list_schedules()
        .await
        .map_err(Failure::refused)?
        .iter()
        .filter(|s| s.spec.enabled)
        .count();
    writeln!(out, "scheduler: watching {count} schedule(s); Ctrl-C stops").map_err(write)?;
    out.flush().map_err(write)?;

    let stop = CancellationToken::new();
    let stopping = stop.clone();
    tokio::spawn(async move {
        crate::stop::requested().await;
        stopping.cancel();
    });
    scheduler
        .run_until(Duration::from_secs(1), stop, |f| {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{}", fired_line(f));
            let _ = out.flush();
        })
        .await
        .map_err(Failure::refused)?;
    // Runs in progress are cancelled, and recorded so, before the scheduler goes.
    scheduler.shutdown().await;
    Ok(())
}

fn refused(err: ScheduleError) -> Failure {
    Failure::refused(err)
}

/// `--param k=v` values for flow `id`'s global parameters, typed by them.
async fn parameters(
    workspace: &Workspace,
    id: &CompositionId,
    given: &[String],
) -> Result<std::collections::BTreeMap<String, serde_json::Value>, Failure> {
    let mut values = std::collections::BTreeMap::new();
    if given.is_empty() {
        return Ok(values);
    }
    let flow = workspace
        .store()
        .get_flow(id)
        .await
        .map_err(Failure::refused)?
        .flow;
    for pair in given {
        let (name, text) = pair
            .split_once('=')
            .ok_or_else(|| Failure::unreadable(format!("--param {pair}: write NAME=VALUE")))?;
        let global = flow
            .composition
            .global_parameters
            .iter()
            .find(|g| g.name == name)
            .ok_or_else(|| {
                Failure::refused(format!("flow `{id}` has no global parameter `{name}`"))
            })?;
        values.insert(
            name.to_owned(),
            json_from_text(global.value_type, global.list, text),
        );
    }
    Ok(values)
}

fn schedule_line(s: &Schedule) -> String {
    let trigger = match &s.spec.trigger {
        ScheduleTrigger::Cron {
            expression,
            timezone,
        } => format!("cron `{expression}` ({timezone})"),
        ScheduleTrigger::FileChange { path } => format!("when `{path}` changes"),
        ScheduleTrigger::FlowCompleted { flow, status } => {
            format!("after {flow} ends {status}")
        }
    };
    let state = if s.spec.enabled { "" } else { " [disabled]" };
    let status = s
        .last_status
        .map_or("-".to_owned(), |st: RunStatus| st.to_string());
    format!(
        "{}\t{}\t{}\t{trigger}\tnext {}\tlast {} {status}{state}",
        s.id,
        s.spec.name,
        s.spec.composition_id,
        s.next_run_at.as_deref().unwrap_or("-"),
        s.last_run_at.as_deref().unwrap_or("-"),
    )
}

fn fired_line(f: &Fired) -> String {
    let outcome = match &f.outcome {
        FiredOutcome::Started => "started".to_owned(),
        FiredOutcome::Queued => "queued".to_owned(),
        FiredOutcome::Skipped(why) => format!("skipped: {why}"),
        FiredOutcome::Failed(why) => format!("not run: {why}"),
    };
    format!(
        "schedule {} ({}) → {}: {outcome} {}",
        f.schedule, f.name, f.composition_id, f.data
    )
}
