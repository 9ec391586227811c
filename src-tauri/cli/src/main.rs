//! `flowloom`: Flowloom without a window. It works on the same workspaces, through the same
//! core, as the desktop app; it never links Tauri.
//!
//! Exit codes: 0 success (a valid file may have warnings), 1 problems found or the request
//! refused, 2 the input cannot be read at all or the command line is wrong.

mod data;
mod files;
mod output;
mod run;
mod runs;
mod schedules;
mod sources;
mod stop;
mod tables;
mod versions;

use clap::{Parser, Subcommand};
use flowloom_core::flowfile::NewerTemplates;
use flowloom_core::workspace::WORKSPACE_ENV;
use flowloom_core::{FlowQuery, Workspace};
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

// Large flows allocate many small strings; mimalloc keeps that cheap (see docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// Check a flow file: every problem, with its JSON path. Exit 0 valid, 1 problems, 2 unreadable.
    Validate {
        file: PathBuf,
        /// Print `{"valid": …, "diagnostics": […]}` instead of text.
        #[arg(long)]
        json: bool,
        /// Check against this workspace as `import` would (the file need not carry the
        /// templates it has; older versions than the workspace's warn `template_changed`;
        /// each node's SQL is planned against its data files and data tables). Without it,
        /// the file is checked alone, with the built-in data-table template.
        #[arg(long, value_name = "DIR")]
        workspace: Option<PathBuf>,
        /// With --workspace: what `import` would be told to do when the workspace has a
        /// template or flow of the same id with other content (`fail` reports them).
        #[arg(long, value_enum, default_value_t = files::Conflict::Fail, requires = "workspace")]
        on_conflict: files::Conflict,
    },
    /// Import a flow file (with its templates) into a workspace.
    Import {
        file: PathBuf,
        /// When the workspace has a template or flow of the same id with other content.
        #[arg(long, value_enum, default_value_t = files::Conflict::Fail)]
        on_conflict: files::Conflict,
        /// Move nodes on an older template version than the workspace's onto the current
        /// one (refused if the flow is not valid there).
        #[arg(long, conflicts_with = "keep_templates")]
        update_templates: bool,
        /// Keep nodes on their older template version, declining the workspace's current one
        /// (no `template_changed` warning until a later version).
        #[arg(long)]
        keep_templates: bool,
        #[command(flatten)]
        workspace: WorkspaceArg,
    },
    /// Export a stored flow, with every template it uses, as a flow file.
    Export {
        composition_id: String,
        /// Write here instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        #[command(flatten)]
        workspace: WorkspaceArg,
    },
    /// Print the flow file JSON Schema.
    Schema,
    /// A node's stored result from a run: rows as CSV (default), JSON or Parquet.
    Results {
        #[command(flatten)]
        args: runs::ResultsArgs,
        #[command(flatten)]
        workspace: WorkspaceArg,
    },
    /// The run history: `runs list`, `runs show RUN_ID`.
    Runs {
        #[command(subcommand)]
        command: runs::RunsCommand,
        #[command(flatten)]
        workspace: WorkspaceArg,
    },
    /// Data tables: `tables list | show | create | alter | infer | import | export | drop | history`.
    Tables {
        #[command(subcommand)]
        command: tables::TablesCommand,
        #[command(flatten)]
        workspace: WorkspaceArg,
    },
    /// What template SQL can read: `data list`, `data show NAME` (columns and their types; a
    /// CSV file's missing-value markers).
    Data {
        #[command(subcommand)]
        command: data::DataCommand,
        #[command(flatten)]
        workspace: WorkspaceArg,
    },
    /// The flow gallery: `gallery list`, `gallery use ID` (makes your own flow from it).
    Gallery {
        #[command(subcommand)]
        command: GalleryCommand,
        #[command(flatten)]
        workspace: WorkspaceArg,
    },
    /// Data sources, where templates run: `sources list | add | test | remove`.
    Sources {
        #[command(subcommand)]
        command: sources::SourcesCommand,
        #[command(flatten)]
        workspace: WorkspaceArg,
    },
    /// Schedules: `schedules list | create | delete | preview`.
    Schedules {
        #[command(subcommand)]
        command: schedules::SchedulesCommand,
        #[command(flatten)]
        workspace: WorkspaceArg,
    },
    /// Runs the workspace's schedules and triggers without the window, until stopped.
    Scheduler {
        #[command(flatten)]
        workspace: WorkspaceArg,
    },
    /// A stored flow's versions: `versions list | diff | restore`.
    Versions {
        #[command(subcommand)]
        command: versions::VersionsCommand,
        #[command(flatten)]
        workspace: WorkspaceArg,
    },
    /// Run a flow file (as it is, without importing it) or a stored flow on the workspace's
    /// data. Exit 0 completed, 1 failed, 2 the flow cannot run or bad usage.
    Run {
        #[command(flatten)]
        args: run::RunArgs,
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
enum GalleryCommand {
    /// One gallery flow per line: id, category, name, goal.
    List,
    /// Makes your own flow from gallery flow ID; prints its composition_id.
    Use { id: String },
}

#[derive(Debug, Subcommand)]
pub enum TemplatesCommand {
    /// One template per line: template_id, a tab, its name.
    List,
    /// Writes templates (all, or the ids given) as a template pack.
    Export {
        ids: Vec<String>,
        /// Write here instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Imports a template pack (`*.templates.json`).
    Import {
        file: PathBuf,
        /// When the workspace has a template of the same id with other content.
        #[arg(long, value_enum, default_value_t = files::Conflict::Fail)]
        on_conflict: files::Conflict,
    },
}

/// A failed command: what to tell the user and how to exit.
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub code: u8,
}

impl Failure {
    /// The request was understood but refused or found problems (exit 1).
    pub fn refused(message: impl ToString) -> Self {
        Self {
            message: message.to_string(),
            code: 1,
        }
    }

    /// The input could not be read at all (exit 2).
    pub fn unreadable(message: impl ToString) -> Self {
        Self {
            message: message.to_string(),
            code: 2,
        }
    }
}

fn main() -> ExitCode {
    // A command lives for milliseconds to minutes and touches tens of MiB: a 2 MiB page zeroed
    // whole on first touch costs it more than the TLB saves (docs/performance.md). mimalloc is
    // built not to ask for them (`no_thp`: its first arena pages are touched before `main`);
    // this also keeps kernels set to THP "always" from giving them. Where the kernel refuses,
    // the command runs as it would have.
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
    let cli = Cli::parse();
    // Multi-threaded: a run's nodes execute in parallel on it.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => return fail(&Failure::refused(format!("could not start: {err}"))),
    };
    // The command runs as a task on a worker thread, not on the thread that waits for it: a
    // run's node tasks then start and report back on the worker they were spawned from,
    // rather than waking another thread twice per node (docs/performance.md).
    let outcome = runtime.block_on(async { tokio::spawn(run(cli)).await });
    // Everything the command writes was written before its task returned: the process need
    // not wait for idle worker and blocking-pool threads to be woken and joined (~1-2 ms).
    runtime.shutdown_background();
    match outcome {
        Ok(Ok(code)) => ExitCode::from(code),
        Ok(Err(failure)) => fail(&failure),
        Err(panicked) => std::panic::resume_unwind(panicked.into_panic()),
    }
}

/// Runs a command; `Ok` carries the exit code of a command that reported on its own.
async fn run(cli: Cli) -> Result<u8, Failure> {
    let mut out = output::Stdout;
    let io_error = |e: io::Error| Failure::refused(format!("could not write output: {e}"));
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
                .map_err(Failure::refused)?;
            for flow in flows {
                writeln!(out, "{}\t{}", flow.composition_id, flow.name).map_err(io_error)?;
            }
        }
        Command::Templates { command, workspace } => {
            let workspace = open(workspace).await?;
            files::templates(command, &workspace, &mut out).await?;
        }
        Command::Validate {
            file,
            json,
            workspace,
            on_conflict,
        } => {
            return files::validate(&file, json, workspace.as_deref(), on_conflict, &mut out).await;
        }
        Command::Import {
            file,
            on_conflict,
            update_templates,
            keep_templates,
            workspace,
        } => {
            let text = files::read(&file)?;
            let workspace = open(workspace).await?;
            let newer = match (update_templates, keep_templates) {
                (true, _) => NewerTemplates::Update,
                (false, true) => NewerTemplates::Keep,
                (false, false) => NewerTemplates::Warn,
            };
            files::import(&workspace, &text, on_conflict, newer, &mut out).await?;
        }
        Command::Export {
            composition_id,
            output,
            workspace,
        } => {
            let workspace = open(workspace).await?;
            files::export(&workspace, &composition_id, output.as_deref(), &mut out).await?;
        }
        Command::Results { args, workspace } => {
            let workspace = open(workspace).await?;
            runs::results(args, &workspace).await?;
        }
        Command::Runs { command, workspace } => {
            let workspace = open(workspace).await?;
            runs::runs(command, &workspace, &mut out).await?;
        }
        Command::Tables { command, workspace } => {
            let workspace = open(workspace).await?;
            tables::tables(command, &workspace, &mut out).await?;
        }
        Command::Data { command, workspace } => {
            let workspace = open(workspace).await?;
            data::data(command, &workspace, &mut out).await?;
        }
        Command::Gallery { command, workspace } => {
            let workspace = open(workspace).await?;
            let store = workspace.store();
            match command {
                GalleryCommand::List => {
                    for entry in store.list_gallery().await.map_err(Failure::refused)? {
                        writeln!(
                            out,
                            "{}\t{}\t{}\t{}",
                            entry.id, entry.category, entry.name, entry.goal
                        )
                        .map_err(io_error)?;
                    }
                }
                GalleryCommand::Use { id } => {
                    let made = flowloom_core::gallery::use_flow(store, &id)
                        .await
                        .map_err(Failure::refused)?;
                    writeln!(out, "{}", made.composition_id).map_err(io_error)?;
                }
            }
        }
        Command::Sources { command, workspace } => {
            let workspace = open(workspace).await?;
            sources::sources(command, &workspace, &mut out).await?;
        }
        Command::Schedules { command, workspace } => {
            let workspace = open(workspace).await?;
            schedules::schedules(command, &workspace, &mut out).await?;
        }
        Command::Scheduler { workspace } => {
            let workspace = open(workspace).await?;
            schedules::scheduler(&workspace, &mut out).await?;
        }
        Command::Versions { command, workspace } => {
            let workspace = open(workspace).await?;
            versions::versions(command, &workspace, &mut out).await?;
        }
        Command::Run { args, workspace } => return run::run(args, workspace).await,
        Command::Schema => {
            out.write_all(flowloom_core::flowfile::schema::flow_file_schema_text().as_bytes())
                .map_err(io_error)?;
        }
    }
    Ok(0)
}

async fn open(arg: WorkspaceArg) -> Result<Workspace, Failure> {
    let dir = Workspace::resolve_dir(arg.workspace.as_deref()).map_err(Failure::refused)?;
    Workspace::open(&dir).await.map_err(Failure::refused)
}

/// `value` as indented JSON, for `--json` output.
pub fn json_text(value: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

fn fail(failure: &Failure) -> ExitCode {
    // The reader of standard output went away (`| head`): what it did not read was not
    // wanted, and nobody is there to be told.
    if output::closed() {
        return ExitCode::SUCCESS;
    }
    eprintln!("flowloom: {}", failure.message);
    ExitCode::from(failure.code)
}
