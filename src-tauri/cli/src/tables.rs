//! `flowloom tables …`: the workspace's data tables — list, show (schema and a page of rows),
//! create and alter from a schema file, infer a schema from a file, import and export rows,
//! and the schema history.

use crate::{Failure, json_text};
use flowloom_core::Workspace;
use flowloom_core::engine::export_table;
use flowloom_core::engine::results::Format;
use flowloom_core::model::{RowsQuery, SchemaChange, TableSchema, TableVersion};
use flowloom_core::tables::{TableError, import};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Subcommand)]
pub enum TablesCommand {
    /// One table per line: name, version, columns, rows.
    List {
        /// Print a JSON array instead of lines.
        #[arg(long)]
        json: bool,
    },
    /// A table's schema and a page of its rows.
    Show {
        name: String,
        #[arg(long, default_value_t = 0)]
        offset: u64,
        #[arg(long, default_value_t = 20)]
        limit: u64,
        /// Print `{"table": …, "schema": …, "rows": …}` instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Creates a table from a schema file: `{"columns": [{"name": …, "data_type": …}]}`.
    Create {
        name: String,
        #[arg(long, value_name = "FILE")]
        schema: PathBuf,
        #[arg(long, default_value = "")]
        display_name: String,
        /// Print the result as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Changes a table's schema to the one in a file (columns added, removed or modified,
    /// matched by name), or renames it. Refused when the stored rows would break it.
    Alter {
        name: String,
        #[arg(long, value_name = "FILE", required_unless_present = "rename")]
        schema: Option<PathBuf>,
        #[arg(long, value_name = "NEW_NAME", conflicts_with = "schema")]
        rename: Option<String>,
        /// Print the result as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// The schema a CSV, JSON or Parquet file suggests (types inferred), to adjust and pass
    /// to `tables create --schema`.
    Infer {
        file: PathBuf,
        /// How many rows to read to infer the types.
        #[arg(long, default_value_t = 10_000)]
        sample: usize,
    },
    /// Imports a CSV, JSON or Parquet file into a table (created with inferred types if it
    /// does not exist). Every row is checked: with a bad one nothing is imported and each
    /// problem is listed by line and column, unless --skip-invalid.
    Import {
        file: PathBuf,
        #[arg(long, value_name = "NAME")]
        table: String,
        /// Import the good rows; the others go to the report file.
        #[arg(long)]
        skip_invalid: bool,
        /// Where skipped rows are written, one JSON object per line (default: beside the
        /// file, `<file>.rejected.jsonl`).
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
        /// Print the result as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Writes every row of a table as CSV (default), JSON or Parquet.
    Export {
        name: String,
        #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
        format: ExportFormat,
        /// Write here instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Drops a table: its rows go, its history stays. Refused while another table refers to it.
    Drop {
        name: String,
        /// Print the result as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// The schema history, newest first; `--version N` prints that version's schema.
    History {
        name: String,
        #[arg(long)]
        version: Option<u32>,
        /// The history of the dropped tables that had this name (most recently dropped first).
        #[arg(long)]
        dropped: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ExportFormat {
    Csv,
    Json,
    Parquet,
}

/// Who a change is recorded as made by: the system user running the command.
fn read_schema(path: &Path) -> Result<TableSchema, Failure> {
    let text =
        flowloom_core::user_files::read_text(path, flowloom_core::flowfile::MAX_FILE_BYTES as u64)
            .map_err(Failure::unreadable)?;
    serde_json::from_str(&text)
        .map_err(|e| Failure::unreadable(format!("{} is not a table schema: {e}", path.display())))
}

/// A refusal with each problem on its own line.
fn refused(err: TableError) -> Failure {
    let lines: Vec<String> = match &err {
        TableError::Schema(problems) => problems.iter().map(ToString::to_string).collect(),
        TableError::Rows(problems) => problems.iter().map(ToString::to_string).collect(),
        TableError::Breaks { offending, sample } => {
            let mut lines = vec![format!(
                "{offending} row(s) would break the new schema; nothing was changed. For example:"
            )];
            lines.extend(
                sample
                    .iter()
                    .map(|p| format!("  {p} (row is the row's _id)")),
            );
            lines
        }
        _ => return Failure::refused(err),
    };
    Failure::refused(format!("refused:\n  {}", lines.join("\n  ")))
}

pub async fn tables(
    command: TablesCommand,
    workspace: &Workspace,
    out: &mut impl Write,
) -> Result<(), Failure> {
    let store = workspace.store();
    let write = |e: std::io::Error| Failure::refused(format!("could not write output: {e}"));
    match command {
        TablesCommand::List { json } => {
            let tables = store.list_tables().await.map_err(refused)?;
            if json {
                writeln!(out, "{}", json_text(&tables)).map_err(write)?;
            }
            for t in tables.iter().filter(|_| !json) {
                writeln!(
                    out,
                    "{}\tversion {}\t{} columns\t{} rows",
                    t.name, t.version, t.columns, t.rows
                )
                .map_err(write)?;
            }
        }
        TablesCommand::Show {
            name,
            offset,
            limit,
            json,
        } => {
            let table = store.get_table(&name).await.map_err(refused)?;
            let page = store
                .table_rows(&name, &RowsQuery::page(offset, limit))
                .await
                .map_err(refused)?;
            if json {
                let shown = serde_json::json!({
                    "table": table.summary, "schema": table.schema, "rows": page,
                });
                writeln!(out, "{}", json_text(&shown)).map_err(write)?;
                return Ok(());
            }
            let t = &table.summary;
            writeln!(out, "{} (version {}, {} rows)", t.name, t.version, t.rows).map_err(write)?;
            for column in &table.schema.columns {
                let rules = serde_json::to_value(column)
                    .ok()
                    .and_then(|mut v| {
                        let o = v.as_object_mut()?;
                        o.remove("name");
                        o.remove("data_type");
                        Some(v)
                    })
                    .filter(|v| v.as_object().is_some_and(|o| !o.is_empty()))
                    .map(|v| format!("\t{v}"))
                    .unwrap_or_default();
                writeln!(out, "  {}\t{:?}{rules}", column.name, column.data_type).map_err(write)?;
            }
            for row in &page.rows {
                writeln!(out, "{}", serde_json::Value::Object(row.clone())).map_err(write)?;
            }
        }
        TablesCommand::Create {
            name,
            schema,
            display_name,
            json,
        } => {
            let schema = read_schema(&schema)?;
            let created = store
                .create_table(&name, &display_name, &schema, Workspace::user().as_deref())
                .await
                .map_err(refused)?;
            if json {
                writeln!(out, "{}", json_text(&created)).map_err(write)?;
                return Ok(());
            }
            writeln!(out, "created {} (version 1)", created.summary.name).map_err(write)?;
        }
        TablesCommand::Alter {
            name,
            schema,
            rename,
            json,
        } => {
            let altered = match (schema, rename) {
                (_, Some(new_name)) => {
                    store
                        .rename_table(&name, &new_name, Workspace::user().as_deref())
                        .await
                }
                (Some(schema), None) => {
                    let schema = read_schema(&schema)?;
                    store
                        .alter_table(&name, &schema, Workspace::user().as_deref())
                        .await
                }
                (None, None) => {
                    return Err(Failure::unreadable(
                        "give --schema FILE or --rename NEW_NAME",
                    ));
                }
            }
            .map_err(refused)?;
            if json {
                writeln!(out, "{}", json_text(&altered)).map_err(write)?;
                return Ok(());
            }
            let t = &altered.summary;
            writeln!(out, "{} is at version {}", t.name, t.version).map_err(write)?;
        }
        TablesCommand::Infer { file, sample } => {
            let schema = import::infer(&file, sample).map_err(Failure::unreadable)?;
            writeln!(out, "{}", json_text(&schema)).map_err(write)?;
        }
        TablesCommand::Import {
            file,
            table,
            skip_invalid,
            report,
            json,
        } => {
            let user = Workspace::user();
            let done = store
                .import_file(
                    &file,
                    &table,
                    None,
                    skip_invalid,
                    report.as_deref(),
                    user.as_deref(),
                )
                .await
                .map_err(|err| match err {
                    TableError::Rows(problems) => Failure::refused(format!(
                        "nothing was imported; {} problem(s):\n  {}",
                        problems.len(),
                        problems
                            .iter()
                            .map(|p| format!(
                                "line {}, column `{}`: {}",
                                p.row, p.column, p.message
                            ))
                            .collect::<Vec<_>>()
                            .join("\n  ")
                    )),
                    TableError::Source(err) => Failure::unreadable(err),
                    other => refused(other),
                })?;
            if json {
                writeln!(out, "{}", json_text(&done)).map_err(write)?;
                return Ok(());
            }
            if done.created {
                writeln!(out, "created {table} with the file's columns").map_err(write)?;
            }
            writeln!(out, "imported {} row(s) into {table}", done.imported).map_err(write)?;
            if let Some(path) = &done.report {
                writeln!(
                    out,
                    "skipped {} invalid row(s), written to {path}",
                    done.skipped
                )
                .map_err(write)?;
            }
        }
        TablesCommand::Export {
            name,
            format,
            output,
        } => {
            let format = match format {
                ExportFormat::Csv => Format::Csv,
                ExportFormat::Json => Format::Json,
                ExportFormat::Parquet => Format::Parquet,
            };
            match output {
                Some(path) => {
                    let file = std::fs::File::create(&path).map_err(|e| {
                        Failure::refused(format!("could not create {}: {e}", path.display()))
                    })?;
                    let rows = export_table(store, &name, format, std::io::BufWriter::new(file))
                        .await
                        .map_err(refused)?;
                    eprintln!("wrote {rows} row(s) to {}", path.display());
                }
                None => {
                    let mut buffer = Vec::new();
                    export_table(store, &name, format, &mut buffer)
                        .await
                        .map_err(refused)?;
                    out.write_all(&buffer).map_err(write)?;
                }
            }
        }
        TablesCommand::Drop { name, json } => {
            store.drop_table(&name).await.map_err(refused)?;
            if json {
                writeln!(
                    out,
                    "{}",
                    json_text(&serde_json::json!({ "dropped": name }))
                )
                .map_err(write)?;
                return Ok(());
            }
            writeln!(out, "dropped {name}").map_err(write)?;
        }
        TablesCommand::History {
            name,
            version,
            dropped,
            json,
        } => {
            let tables: Vec<(Option<String>, Vec<TableVersion>)> = if dropped {
                let found = store.dropped_table_history(&name).await.map_err(refused)?;
                if found.is_empty() {
                    return Err(Failure::refused(format!(
                        "no dropped table was called `{name}`"
                    )));
                }
                if json && version.is_none() {
                    writeln!(out, "{}", json_text(&found)).map_err(write)?;
                    return Ok(());
                }
                found
                    .into_iter()
                    .map(|t| (Some(t.dropped_at), t.versions))
                    .collect()
            } else {
                match store.table_history(&name).await {
                    Ok(history) => vec![(None, history)],
                    Err(TableError::NotFound(_))
                        if !store
                            .dropped_table_history(&name)
                            .await
                            .map_err(refused)?
                            .is_empty() =>
                    {
                        return Err(Failure::refused(format!(
                            "there is no table `{name}`; a table of that name was dropped: its history is `tables history {name} --dropped`"
                        )));
                    }
                    Err(err) => return Err(refused(err)),
                }
            };
            let mut shown_any = false;
            let mut shown_all = Vec::new();
            for (dropped_at, history) in &tables {
                let shown: Vec<&TableVersion> = history
                    .iter()
                    .filter(|v| version.is_none_or(|n| v.version == n))
                    .collect();
                shown_any |= !shown.is_empty();
                if json {
                    shown_all.extend(shown);
                    continue;
                }
                if let Some(at) = dropped_at {
                    writeln!(out, "dropped {at}").map_err(write)?;
                }
                for v in shown {
                    let by = v.created_by.as_deref().unwrap_or("-");
                    writeln!(out, "version {}\t{}\t{by}", v.version, v.created_at)
                        .map_err(write)?;
                    for change in &v.changes {
                        writeln!(out, "  {}", describe(change)).map_err(write)?;
                    }
                    if version.is_some() {
                        writeln!(out, "{}", json_text(&v.new_schema)).map_err(write)?;
                    }
                }
            }
            if let Some(n) = version
                && !shown_any
            {
                return Err(Failure::refused(format!(
                    "table `{name}` has no version {n}"
                )));
            }
            if json {
                writeln!(out, "{}", json_text(&shown_all)).map_err(write)?;
            }
        }
    }
    Ok(())
}

fn describe(change: &SchemaChange) -> String {
    match change {
        SchemaChange::AddColumn { after } => format!("add_column {}", after.name),
        SchemaChange::RemoveColumn { before } => format!("remove_column {}", before.name),
        SchemaChange::ModifyColumn { after, .. } => format!("modify_column {}", after.name),
        SchemaChange::RenameTable { before, after } => format!("rename_table {before} → {after}"),
    }
}
