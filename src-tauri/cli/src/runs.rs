//! `flowloom runs list | show` and `flowloom results`: the workspace's run history and the
//! results it keeps.

use crate::Failure;
use flowloom_core::api;
use flowloom_core::engine::results::{self, Format};
use flowloom_core::model::{NodeStatus, RunDetail, RunId, RunSummary};
use flowloom_core::{CompositionId, NodeId, Workspace};
use std::io::Write;

#[derive(Debug, clap::Subcommand)]
pub enum RunsCommand {
    /// Runs, newest first: id, flow, status, trigger, start time.
    List {
        /// Only the runs of this flow.
        #[arg(long, value_name = "COMPOSITION_ID")]
        flow: Option<String>,
        /// Print a JSON array instead of lines.
        #[arg(long)]
        json: bool,
    },
    /// Deletes old runs and their kept results: each flow keeps its newest N finished runs.
    Prune {
        /// How many finished runs each flow keeps.
        #[arg(long, value_name = "N")]
        keep: u32,
    },
    /// One run: each node with its status, rows, duration, parameters and SQL.
    Show {
        run_id: i64,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

pub async fn runs(
    command: RunsCommand,
    workspace: &Workspace,
    out: &mut impl Write,
) -> Result<(), Failure> {
    let written = match command {
        RunsCommand::List { flow, json } => {
            let flow = flow.map(CompositionId::new);
            let runs = workspace
                .store()
                .list_runs(flow.as_ref())
                .await
                .map_err(Failure::refused)?;
            if json {
                writeln!(out, "{}", to_json(&runs))
            } else {
                runs.iter()
                    .try_for_each(|run| writeln!(out, "{}", line(run)))
            }
        }
        RunsCommand::Prune { keep } => {
            let pruned = workspace
                .store()
                .prune_runs(keep)
                .await
                .map_err(Failure::refused)?;
            for run in &pruned {
                results::remove_run(workspace.root(), *run).map_err(|e| {
                    Failure::refused(format!(
                        "run {run} was deleted but its results were not: {e}"
                    ))
                })?;
            }
            writeln!(out, "deleted {} run(s) and their results", pruned.len())
        }
        RunsCommand::Show { run_id, json } => {
            let run = workspace
                .store()
                .get_run(RunId(run_id))
                .await
                .map_err(Failure::refused)?;
            if json {
                writeln!(out, "{}", to_json(&run))
            } else {
                write!(out, "{}", detail(&run))
            }
        }
    };
    written.map_err(|e| Failure::refused(format!("could not write output: {e}")))
}

fn to_json(value: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(value).expect("run history serialises")
}

/// `run_id<TAB>composition_id<TAB>status<TAB>trigger<TAB>started_at`
fn line(run: &RunSummary) -> String {
    format!(
        "{}\t{}\t{}\t{}\t{}",
        run.run_id,
        run.composition_id,
        run.status,
        run.trigger,
        run.started_at.as_deref().unwrap_or("-")
    )
}

fn detail(run: &RunDetail) -> String {
    let s = &run.summary;
    let mut text = format!(
        "run {} of {} (version {}): {}, {}\nstarted {}, finished {}\n",
        s.run_id,
        s.composition_id,
        s.version.map_or("-".to_owned(), |v| v.to_string()),
        s.status,
        s.trigger,
        s.started_at.as_deref().unwrap_or("-"),
        s.completed_at.as_deref().unwrap_or("-"),
    );
    if let Some(error) = &s.error {
        text.push_str(&format!("error: {error}\n"));
    }
    for node in &run.nodes {
        text.push_str(&format!(
            "\n{} {}: {} row(s) in {} ms{}\n",
            node.status,
            node.node_id,
            node.row_count.unwrap_or(0),
            node.duration_ms,
            match (node.from_cache, &node.made_at) {
                (true, Some(made_at)) => format!(" (reused: made at {made_at})"),
                (true, None) => " (reused from an earlier run)".to_owned(),
                (false, _) => String::new(),
            }
        ));
        if let Some(outcome) = node.outcome {
            text.push_str(&format!("  outcome: {outcome}\n"));
        }
        if let Some(error) = &node.error {
            // A skipped node's text is why it was skipped, not an error.
            let label = if node.status == NodeStatus::Skipped {
                "skipped"
            } else {
                "error"
            };
            text.push_str(&format!("  {label}: {error}\n"));
        }
        if let Some(write) = &node.table_write {
            text.push_str(&format!("  wrote: {write}\n"));
        }
        for (name, value) in &node.parameters {
            let shown = value.to_string();
            let shown = if shown.len() > 120 {
                format!(
                    "{}… ({} characters)",
                    &shown[..shown.floor_char_boundary(120)],
                    shown.len()
                )
            } else {
                shown
            };
            text.push_str(&format!("  {name} = {shown}\n"));
        }
        if let Some(sql) = &node.sql {
            for line in sql.lines() {
                text.push_str(&format!("  | {line}\n"));
            }
        }
    }
    text
}

#[derive(Debug, clap::Args)]
pub struct ResultsArgs {
    run_id: i64,
    node_id: String,
    /// Rows to skip.
    #[arg(long, default_value_t = 0)]
    offset: usize,
    /// At most this many rows (default: all).
    #[arg(long)]
    limit: Option<usize>,
    /// csv, json or parquet.
    #[arg(long, default_value = "csv")]
    format: Format,
    /// Write here instead of standard output (required for Parquet).
    #[arg(short, long, value_name = "FILE")]
    output: Option<std::path::PathBuf>,
}

/// Writes a page of a node's stored result.
pub async fn results(args: ResultsArgs, workspace: &Workspace) -> Result<(), Failure> {
    let node = NodeId::from(args.node_id.as_str());
    let location = api::kept_result(workspace, RunId(args.run_id), &node)
        .await
        .map_err(Failure::refused)?;
    let location = location.as_str();
    let page = results::page(workspace.root(), location, args.offset, args.limit)
        .map_err(Failure::refused)?;
    let format = args.format;
    match &args.output {
        Some(path) => {
            let file = std::fs::File::create(path)
                .map_err(|e| Failure::refused(format!("cannot write {}: {e}", path.display())))?;
            results::export(&page, format, std::io::BufWriter::new(file))
        }
        None if format == Format::Parquet => {
            return Err(Failure::unreadable(
                "Parquet is binary: give a file with -o FILE",
            ));
        }
        None => results::export(&page, format, crate::output::Stdout),
    }
    .map_err(|e| Failure::refused(format!("could not write the result: {e}")))
}
