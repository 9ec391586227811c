//! `flowloom versions`: a stored flow's versions, what changed between any two, and
//! restoring an old one (as a new version: the history keeps every one).

use crate::{Failure, json_text};
use clap::Subcommand;
use flowloom_core::model::FlowChange;
use flowloom_core::{CompositionId, Workspace};
use std::io::Write;

#[derive(Debug, Subcommand)]
pub enum VersionsCommand {
    /// Newest first: version, when, who, whether it ran, and its changes.
    List {
        composition_id: String,
        #[arg(long)]
        json: bool,
    },
    /// What changed from version FROM to version TO.
    Diff {
        composition_id: String,
        from: u32,
        to: u32,
        #[arg(long)]
        json: bool,
    },
    /// Make the flow what version VERSION was, as a new version.
    Restore {
        composition_id: String,
        version: u32,
    },
}

pub async fn versions(
    command: VersionsCommand,
    workspace: &Workspace,
    out: &mut impl Write,
) -> Result<(), Failure> {
    let store = workspace.store();
    let write = |e: std::io::Error| Failure::refused(format!("could not write output: {e}"));
    match command {
        VersionsCommand::List {
            composition_id,
            json,
        } => {
            let id = CompositionId::new(composition_id);
            let versions = store.list_versions(&id).await.map_err(Failure::refused)?;
            if json {
                writeln!(out, "{}", json_text(&versions)).map_err(write)?;
                return Ok(());
            }
            for v in versions {
                let ran = if v.has_run { "\tran" } else { "" };
                let by = v.created_by.as_deref().unwrap_or("-");
                writeln!(out, "version {}\t{}\t{by}{ran}", v.version, v.created_at)
                    .map_err(write)?;
                for change in &v.changes {
                    writeln!(out, "  {}", describe(change)).map_err(write)?;
                }
            }
        }
        VersionsCommand::Diff {
            composition_id,
            from,
            to,
            json,
        } => {
            let id = CompositionId::new(composition_id);
            let changes = store
                .diff_versions(&id, from, to)
                .await
                .map_err(Failure::refused)?;
            if json {
                writeln!(out, "{}", json_text(&changes)).map_err(write)?;
                return Ok(());
            }
            if changes.is_empty() {
                writeln!(out, "versions {from} and {to} are the same flow").map_err(write)?;
            }
            for change in &changes {
                writeln!(out, "{}", describe(change)).map_err(write)?;
            }
        }
        VersionsCommand::Restore {
            composition_id,
            version,
        } => {
            let id = CompositionId::new(composition_id);
            let new = store
                .restore_version(&id, version)
                .await
                .map_err(Failure::refused)?;
            writeln!(out, "{id} is version {version} again, as version {new}").map_err(write)?;
        }
    }
    Ok(())
}

/// A change as one line: `+` added, `-` removed, `~` modified (with the fields).
fn describe(change: &FlowChange) -> String {
    use FlowChange as C;
    let fields = |fields: &[String]| fields.join(", ");
    match change {
        C::NodeAdded { node_id } => format!("+ node {node_id}"),
        C::NodeRemoved { node_id } => format!("- node {node_id}"),
        C::NodeModified { node_id, fields: f } => format!("~ node {node_id}: {}", fields(f)),
        C::ConnectionAdded { connection_id } => format!("+ connection {connection_id}"),
        C::ConnectionRemoved { connection_id } => format!("- connection {connection_id}"),
        C::ConnectionModified {
            connection_id,
            fields: f,
        } => format!("~ connection {connection_id}: {}", fields(f)),
        C::ParameterAdded { name } => format!("+ parameter {name}"),
        C::ParameterRemoved { name } => format!("- parameter {name}"),
        C::ParameterModified { name, fields: f } => format!("~ parameter {name}: {}", fields(f)),
        C::FlowModified { fields: f } => format!("~ flow: {}", fields(f)),
    }
}
