//! `flowloom`: Flowloom without a window. It works on the same workspaces, through the same
//! core, as the desktop app; it never links Tauri.
//!
//! Exit codes: 0 success, 1 the request could not be done (a missing flow, a broken rule),
//! 2 bad usage (clap's own code).

use clap::{Parser, Subcommand};
use flowloom_core::workspace::WORKSPACE_ENV;
use flowloom_core::{FlowQuery, Workspace};
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "flowloom",
    version,
    about = "Compose, validate and run SQL query flows from the command line"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Args)]
struct WorkspaceArg {
    /// The workspace folder; created and seeded with sample data and examples if new.
    /// Defaults to $FLOWLOOM_WORKSPACE, then the OS app-data folder.
    #[arg(long, value_name = "DIR", env = WORKSPACE_ENV, global = true)]
    workspace: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Flows in a workspace.
    Flows {
        #[command(subcommand)]
        command: FlowsCommand,
        #[command(flatten)]
        workspace: WorkspaceArg,
    },
    /// Query templates in a workspace.
    Templates {
        #[command(subcommand)]
        command: TemplatesCommand,
        #[command(flatten)]
        workspace: WorkspaceArg,
    },
}

#[derive(Debug, Subcommand)]
enum FlowsCommand {
    /// One flow per line: composition_id, a tab, its name.
    List {
        /// Only flows whose name, description or id contains this text.
        #[arg(long)]
        search: Option<String>,
        /// Only flows with this tag.
        #[arg(long)]
        tag: Option<String>,
        /// Only favourite flows.
        #[arg(long)]
        favorites: bool,
    },
}

#[derive(Debug, Subcommand)]
enum TemplatesCommand {
    /// One template per line: template_id, a tab, its name.
    List,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => return fail(&format!("could not start: {err}")),
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => fail(&message),
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let mut out = io::stdout().lock();
    match cli.command {
        Command::Flows {
            command:
                FlowsCommand::List {
                    search,
                    tag,
                    favorites,
                },
            workspace,
        } => {
            let workspace = open(workspace).await?;
            let query = FlowQuery {
                text: search,
                tag,
                favorites_only: favorites,
            };
            let flows = workspace
                .store()
                .list_flows(&query)
                .await
                .map_err(|e| e.to_string())?;
            for flow in flows {
                writeln!(out, "{}\t{}", flow.composition_id, flow.name)
                    .map_err(|e| e.to_string())?;
            }
        }
        Command::Templates {
            command: TemplatesCommand::List,
            workspace,
        } => {
            let workspace = open(workspace).await?;
            let templates = workspace
                .store()
                .list_templates()
                .await
                .map_err(|e| e.to_string())?;
            for detail in templates {
                let template = detail.template;
                writeln!(out, "{}\t{}", template.template_id, template.name)
                    .map_err(|e| e.to_string())?;
            }
        }
    }
    Ok(())
}

async fn open(arg: WorkspaceArg) -> Result<Workspace, String> {
    let dir = Workspace::resolve_dir(arg.workspace.as_deref()).map_err(|e| e.to_string())?;
    Workspace::open(&dir).await.map_err(|e| e.to_string())
}

fn fail(message: &str) -> ExitCode {
    eprintln!("flowloom: {message}");
    ExitCode::FAILURE
}
