//! `flowloom run`: runs a flow file (without importing it) or a stored flow on the
//! workspace's data, printing each node as it finishes.

use crate::{Failure, WorkspaceArg};
use flowloom_core::api::{RunRequest, Runs, RunsError};
use flowloom_core::engine::LocalEngine;
use flowloom_core::engine::plan_check::{self, Checker};
use flowloom_core::engine::run::{
    self, CancellationToken, NodeStatus, RunError, RunEvent, RunStatus,
};
use flowloom_core::flowfile::{self, FlowFile};
use flowloom_core::model::Trigger;
use flowloom_core::validation::{self, Catalog, Diagnostic, ValidatedFlow};
use flowloom_core::workspace::{CSV_CACHE_DIR, DATA_DIR};
use flowloom_core::{CompositionId, Flow, NodeId, Workspace};
use serde_json::json;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// A flow file (`*.flow.json`), run as it is, or the id of a stored flow.
    flow: String,
    /// A global parameter value, parsed by its type (lists: comma-separated or a JSON array).
    #[arg(long = "param", value_name = "NAME=VALUE")]
    params: Vec<String>,
    /// How many nodes may run at once (default: the number of cores).
    #[arg(long, value_name = "N")]
    max_parallel: Option<u32>,
    /// Run only this node and the nodes it needs ("run to here").
    #[arg(long, value_name = "NODE_ID")]
    to: Option<String>,
    /// Rerun this node and everything downstream of it, reusing kept results upstream ("run
    /// from here"; stored flows only).
    #[arg(long, value_name = "NODE_ID")]
    from: Option<String>,
    /// Run every node, even those whose kept result could be reused.
    #[arg(long)]
    no_cache: bool,
    /// Print one JSON object per event instead of text.
    #[arg(long)]
    json: bool,
}

/// Runs the flow; the exit code is 0 when it completed and 1 when it failed. A stored flow's
/// run is kept in the workspace's history, and reuses the results kept there when nothing
/// they depend on changed; a file's run is not kept, and runs every node.
pub async fn run(args: RunArgs, workspace: WorkspaceArg) -> Result<u8, Failure> {
    let dir = Workspace::resolve_dir(workspace.workspace.as_deref()).map_err(Failure::refused)?;
    // The engine reads the data folder on another worker while the workspace opens and the
    // flow loads. (Sample files a new workspace is seeded with meanwhile, and its data tables,
    // are found when the run starts: every run first brings the engine's tables up to date.)
    let engine = tokio::spawn({
        let (data_dir, csv_cache) = (dir.join(DATA_DIR), dir.join(CSV_CACHE_DIR));
        async move { LocalEngine::open_with_cache(&data_dir, &csv_cache).await }
    });
    let workspace = &Workspace::open(&dir).await.map_err(Failure::refused)?;
    let (flow, catalog, stored) = load(&args.flow, workspace).await?;
    if args.from.is_some() && !stored {
        return Err(Failure::unreadable(
            "--from reuses the results a stored flow's runs keep, and a file's run keeps none: import the flow first (flowloom import)",
        ));
    }
    let request = RunRequest {
        parameters: parameters(&args.params)?,
        to: args.to.as_deref().map(NodeId::from),
        from: args.from.as_deref().map(NodeId::from),
        no_cache: args.no_cache,
        max_parallel: args.max_parallel,
    };
    // A value given here does not reach a node that sets the parameter itself (default →
    // global → override → mapping): say so before the run, so no one reads its result as
    // made with it.
    for shadowed in
        run::shadowed_globals(flow.flow(), request.parameters.keys().map(String::as_str))
    {
        eprintln!("warning: --param {}: {shadowed}", shadowed.global);
    }
    // Ctrl-C or SIGTERM cancels the run: running queries stop, the history says CANCELLED.
    let stop = CancellationToken::new();
    tokio::spawn({
        let stop = stop.clone();
        async move {
            crate::stop::requested().await;
            stop.cancel();
        }
    });
    let engine = engine
        .await
        .expect("building the engine never panics")
        .map_err(Failure::refused)?
        .with_data_tables(workspace.store().clone());
    // A file's data-table nodes work on the workspace's data tables, as a stored flow's do.
    let runs = Runs::new(workspace.clone(), Arc::new(engine));
    // A file's SQL is planned where it runs before anything runs, as `validate --workspace`
    // plans it (a stored flow's was, when it was imported).
    if !stored {
        runs.refresh_tables().await;
        let planned = plan_check::problems(flow.flow(), &catalog, &runs).await;
        if planned.iter().any(Diagnostic::is_error) {
            return Err(problems(&planned));
        }
    }

    let json = args.json;
    let started = Instant::now();
    let printer = Printer::start(json);
    let print = |event: RunEvent| printer.print(event);
    let (run_id, report) = if stored {
        let (id, report) = runs
            .start_until(&flow, &request, Trigger::Cli, &print, &stop)
            .await
            .map_err(refused)?;
        (Some(id), report)
    } else {
        let report = runs
            .run_unrecorded(&flow, &request, &print, &stop)
            .await
            .map_err(refused)?;
        (None, report)
    };

    // Every node's line is out before the run's own.
    drop(printer);
    let status = report.status;
    let mut out = std::io::stdout().lock();
    let elapsed = started.elapsed();
    // What each data-table write did (rows inserted, updated, deleted, cascaded).
    for node in report.nodes.iter().filter(|_| !json) {
        if let Some(write) = &node.table_write {
            let _ = writeln!(out, "{}: {write}", node.node_id);
        }
    }
    let _ = if json {
        writeln!(
            out,
            "{}",
            json!({
                "event": "run_finished",
                "run_id": run_id,
                "status": status,
                // To the microsecond: a run that reuses every result takes a few ms, and
                // whole ms would round away a quarter of it.
                "duration_ms": (elapsed.as_secs_f64() * 1e6).round() / 1e3,
            })
        )
    } else {
        let kept = run_id.map_or_else(
            || " (a file's run is not kept in history)".to_owned(),
            |id| format!(" (run {id})"),
        );
        writeln!(
            out,
            "{status}: {} in {:.2} s{kept}",
            tally(status, report.nodes.iter().map(|n| n.status)),
            elapsed.as_secs_f64()
        )
    };
    Ok(if report.status == RunStatus::Completed {
        0
    } else {
        1
    })
}

/// The run's progress on standard output, written on a thread of its own, off the run's way:
/// the events of a burst (a run reusing every result finishes hundreds of nodes at once) go
/// out in one write, each as soon as no other is waiting behind it. Dropping it waits until
/// every event is out.
struct Printer {
    events: Option<std::sync::mpsc::Sender<RunEvent>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Printer {
    fn start(json: bool) -> Self {
        let (events, waiting) = std::sync::mpsc::channel::<RunEvent>();
        let thread = std::thread::spawn(move || {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            while let Ok(event) = waiting.recv() {
                print_event(&mut out, event, json);
                while let Ok(next) = waiting.try_recv() {
                    print_event(&mut out, next, json);
                }
                // A closed stdout (`| head`) must not stop the run: the outcome is the exit
                // code.
                let _ = out.flush();
            }
        });
        Self {
            events: Some(events),
            thread: Some(thread),
        }
    }

    fn print(&self, event: RunEvent) {
        if let Some(events) = &self.events {
            // The thread only stops once this sender is dropped.
            let _ = events.send(event);
        }
    }
}

impl Drop for Printer {
    fn drop(&mut self) {
        self.events.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A node's progress: a line when it finishes, or every event as JSON.
fn print_event(out: &mut impl Write, event: RunEvent, json: bool) {
    // A closed stdout (`| head`) must not stop the run: the outcome is the exit code.
    let _ = match event {
        event if json => writeln!(out, "{}", serde_json::to_string(&event).unwrap_or_default()),
        RunEvent::NodeStarted { .. } => Ok(()),
        RunEvent::NodeFinished {
            node_id,
            status,
            row_count,
            duration_ms,
            from_cache,
            error,
        } => writeln!(
            out,
            "{}",
            node_line(
                node_id.as_str(),
                status,
                row_count,
                duration_ms,
                from_cache,
                error
            )
        ),
    };
}

/// Why the run did not happen, as the command says it: a value `--param` gave that does not
/// fit is named by its flag.
fn refused(err: RunsError) -> Failure {
    match err {
        RunsError::Run(err) => Failure::unreadable(match &err {
            RunError::BadParameter { name, why } => format!("--param {name}: {why}"),
            RunError::UnknownParameter { name, .. } => format!("--param {name}: {err}"),
            _ => err.to_string(),
        }),
        RunsError::Invalid(diagnostics) => problems(&diagnostics),
        other => Failure::refused(other),
    }
}

/// What the run's nodes came to, led by what decided its status: "2 of 5 nodes failed, 3
/// skipped" (never "5 node(s)" after FAILED, which reads as five failures).
fn tally(status: RunStatus, nodes: impl Iterator<Item = NodeStatus>) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut total = 0;
    for node in nodes {
        total += 1;
        let word = match node {
            NodeStatus::Completed => "completed",
            NodeStatus::Failed => "failed",
            NodeStatus::Skipped => "skipped",
            NodeStatus::Cancelled => "cancelled",
            NodeStatus::Pending | NodeStatus::Running => "not run",
        };
        *counts.entry(word).or_default() += 1;
    }
    let lead = match status {
        RunStatus::Failed => "failed",
        RunStatus::Cancelled => "cancelled",
        _ => "completed",
    };
    let nodes = if total == 1 { "node" } else { "nodes" };
    let mut parts = vec![format!(
        "{} of {total} {nodes} {lead}",
        counts.remove(lead).unwrap_or(0)
    )];
    for word in ["completed", "failed", "skipped", "cancelled", "not run"] {
        if let Some(n) = counts.get(word) {
            parts.push(format!("{n} {word}"));
        }
    }
    parts.join(", ")
}

fn node_line(
    node_id: &str,
    status: NodeStatus,
    rows: Option<usize>,
    duration_ms: u64,
    from_cache: bool,
    error: Option<String>,
) -> String {
    match status {
        NodeStatus::Completed if from_cache => format!(
            "cached   {node_id}: {} row(s), reused from an earlier run",
            rows.unwrap_or(0)
        ),
        NodeStatus::Completed => format!(
            "ok       {node_id}: {} row(s) in {duration_ms} ms",
            rows.unwrap_or(0)
        ),
        NodeStatus::Skipped => format!("skipped  {node_id}: {}", error.unwrap_or_default()),
        NodeStatus::Failed => format!("FAILED   {node_id}: {}", error.unwrap_or_default()),
        NodeStatus::Cancelled => format!("cancelled {node_id}"),
        NodeStatus::Pending | NodeStatus::Running => format!("{status} {node_id}"),
    }
}

/// The flow to run, the templates it was validated with, and whether it is a stored one: a file as it is (its own templates), or
/// a stored flow with the workspace's templates. An invalid flow is refused with every
/// problem (exit 2).
async fn load(
    flow: &str,
    workspace: &Workspace,
) -> Result<(ValidatedFlow, Catalog, bool), Failure> {
    let stored = !(flow.ends_with(".json") || Path::new(flow).is_file());
    let (flow, catalog): (Flow, Catalog) = if !stored {
        let text = crate::files::read(Path::new(flow))?;
        let file = FlowFile::read(&text).map_err(|err| problems(&err.diagnostics()))?;
        // The templates it carries, over those the workspace has.
        let (flow, _) = file.clone().into_parts();
        let workspace = workspace
            .store()
            .catalog_for(&flow)
            .await
            .map_err(Failure::refused)?;
        flowfile::with_workspace(file, &workspace)
    } else {
        let stored = workspace
            .store()
            .get_flow(&CompositionId::from(flow))
            .await
            .map_err(Failure::refused)?;
        let catalog = workspace
            .store()
            .catalog_for(&stored.flow)
            .await
            .map_err(Failure::refused)?;
        (stored.flow, catalog)
    };
    let flow =
        validation::validate(flow, &catalog).map_err(|diagnostics| problems(&diagnostics))?;
    Ok((flow, catalog, stored))
}

fn problems(diagnostics: &[Diagnostic]) -> Failure {
    let lines: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
    Failure::unreadable(format!(
        "the flow cannot run, it has problems:\n{}",
        lines.join("\n")
    ))
}

/// `--param name=value` pairs, as text: the run reads each by its parameter's type.
fn parameters(given: &[String]) -> Result<BTreeMap<String, serde_json::Value>, Failure> {
    let mut values = BTreeMap::new();
    for pair in given {
        let Some((name, text)) = pair.split_once('=') else {
            return Err(Failure::unreadable(format!(
                "--param {pair}: write it as NAME=VALUE"
            )));
        };
        values.insert(name.to_owned(), serde_json::Value::String(text.to_owned()));
    }
    Ok(values)
}
