//! `flowloom data …`: the tables a template's SQL can read — the data folder's files and the
//! data tables — with their columns as the engine reads them: for a CSV file the types
//! inferred from the whole file and the cells read as missing.

use crate::{Failure, json_text};
use flowloom_core::Workspace;
use flowloom_core::engine::{LocalEngine, TableShape};
use std::io::Write;

#[derive(Debug, clap::Subcommand)]
pub enum DataCommand {
    /// One table per line: name, where it is read from (a file, or `data table`), columns.
    List {
        /// Print a JSON array instead of lines.
        #[arg(long)]
        json: bool,
    },
    /// A table's columns and their types (a CSV file's inferred from every row), and for a
    /// CSV file the cells read as missing values. Exit 1 when the table cannot be read.
    Show {
        name: String,
        /// Print the table as a JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
}

pub async fn data(
    command: DataCommand,
    workspace: &Workspace,
    out: &mut impl Write,
) -> Result<(), Failure> {
    let write = |e: std::io::Error| Failure::refused(format!("could not write output: {e}"));
    let engine = LocalEngine::for_workspace(workspace)
        .await
        .map_err(Failure::refused)?;
    let shapes = engine.shapes().await;
    match command {
        DataCommand::List { json: true } => {
            writeln!(out, "{}", json_text(&shapes)).map_err(write)?;
        }
        DataCommand::List { json: false } => {
            for shape in &shapes {
                let state = match &shape.problem {
                    Some(problem) => format!("cannot be read: {problem}"),
                    None => format!("{} columns", shape.columns.len()),
                };
                writeln!(out, "{}\t{}\t{state}", shape.name, source(shape)).map_err(write)?;
            }
        }
        DataCommand::Show { name, json } => {
            let Some(shape) = shapes.iter().find(|s| s.name == name) else {
                let known: Vec<&str> = shapes.iter().map(|s| s.name.as_str()).collect();
                return Err(Failure::refused(format!(
                    "no table `{name}` in the workspace (it has: {})",
                    known.join(", ")
                )));
            };
            if json {
                writeln!(out, "{}", json_text(shape)).map_err(write)?;
            } else {
                show(shape, out).map_err(write)?;
            }
            if let Some(problem) = &shape.problem {
                return Err(Failure::refused(problem));
            }
        }
    }
    Ok(())
}

/// Where a table is read from, in words: its file, or what it is.
fn source(shape: &TableShape) -> String {
    shape
        .file
        .clone()
        .unwrap_or_else(|| shape.kind.words().to_owned())
}

/// A table's name and kind, then one line per column with its type.
pub(crate) fn show(shape: &TableShape, out: &mut impl Write) -> std::io::Result<()> {
    writeln!(out, "{} ({})", shape.name, source(shape))?;
    let width = shape
        .columns
        .iter()
        .map(|c| c.name.len())
        .max()
        .unwrap_or(0);
    for column in &shape.columns {
        writeln!(out, "  {:width$}  {}", column.name, column.type_name)?;
    }
    if let Some(missing) = &shape.missing {
        // Each as written in the file, between quotes (the empty cell is "").
        let markers: Vec<String> = missing.iter().map(|m| format!("\"{m}\"")).collect();
        writeln!(out, "missing values: {}", markers.join(", "))?;
    }
    Ok(())
}
