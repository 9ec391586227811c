//! `flowloom runs list | show`: the workspace's run history.

use crate::Failure;
use flowloom_core::model::{RunDetail, RunId, RunSummary};
use flowloom_core::{CompositionId, Workspace};
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
            "\n{} {}: {} row(s) in {} ms\n",
            node.status,
            node.node_id,
            node.row_count.unwrap_or(0),
            node.duration_ms
        ));
        if let Some(error) = &node.error {
            text.push_str(&format!("  error: {error}\n"));
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
