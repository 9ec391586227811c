//! `flowloom sources`: the workspace's data sources, where templates run (`src_local`, the
//! workspace's own engine, and the analyst's databases).

use crate::{Failure, json_text};
use clap::{Args, Subcommand};
use flowloom_core::engine::{LocalEngine, TableShape};
use flowloom_core::model::{DataSource, PostgresConfig, SourceConfig, SourceDetail, SslMode};
use flowloom_core::sources::{SecretError, Sources, secrets};
use flowloom_core::{SourceId, Workspace};
use std::io::{Read, Write};

#[derive(Debug, Subcommand)]
pub enum SourcesCommand {
    /// Every source: id, kind, where it is, how many templates run on it.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Adds a source named NAME (its id: `src_` and the name's words, `Sales DB` →
    /// `src_sales_db`). The password is never given on the command line: pipe it to
    /// --password-stdin (kept in the OS keyring), name an environment variable holding it
    /// (--password-env), or keep it in PostgreSQL's password file (PGPASSFILE, ~/.pgpass).
    Add(Box<AddSource>),
    /// Connects to source ID and prints the server's version and one round trip's time.
    Test {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// The tables a template on source ID can read, each with its columns and their types
    /// as a run reads them: on a database, the tables and views of the schemas on its search
    /// path (every schema but the system's when it sets none), named as the SQL writes them;
    /// on `src_local`, the data files and data tables (as `flowloom data list` shows them).
    Tables {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Removes source ID (refused while a template runs on it) and forgets the password the
    /// keyring keeps for it.
    Remove {
        id: String,
        #[arg(long)]
        json: bool,
    },
}

/// `sources add`: a PostgreSQL source and how to reach it.
#[derive(Debug, Args)]
pub struct AddSource {
    pub name: String,
    /// The kind of database: `postgres`.
    #[arg(long, value_parser = ["postgres"])]
    pub kind: String,
    #[arg(long)]
    pub host: String,
    #[arg(long, default_value_t = 5432)]
    pub port: u16,
    #[arg(long)]
    pub database: String,
    #[arg(long)]
    pub user: String,
    /// disable, prefer, require (encrypted, the certificate not checked), verify-ca (signed
    /// by a trusted authority) or verify-full (and naming the host).
    #[arg(long, default_value = "prefer", value_parser = ["disable", "prefer", "require", "verify-ca", "verify-full"])]
    pub sslmode: String,
    /// The certificate authorities (a PEM file) verify-ca and verify-full trust; without it,
    /// the system's.
    #[arg(long)]
    pub ssl_root_cert: Option<std::path::PathBuf>,
    /// The schemas unqualified names are looked up in (`analytics, public`).
    #[arg(long)]
    pub search_path: Option<String>,
    /// The most connections kept open to the server.
    #[arg(long, default_value_t = 4)]
    pub pool_size: u32,
    /// The server stops a query running longer (milliseconds).
    #[arg(long)]
    pub statement_timeout_ms: Option<u32>,
    /// The environment variable holding the password.
    #[arg(long, conflicts_with = "password_stdin")]
    pub password_env: Option<String>,
    /// Read the password from standard input and keep it in the OS keyring.
    #[arg(long)]
    pub password_stdin: bool,
    /// Reuse a node's result an earlier run kept when it is younger than this
    /// (`10m`, `2h`, `1d`); without it, nodes on the source always run.
    #[arg(long)]
    pub reuse_for: Option<String>,
    #[arg(long)]
    pub json: bool,
}

pub async fn sources(
    command: SourcesCommand,
    workspace: &Workspace,
    out: &mut impl Write,
) -> Result<(), Failure> {
    let store = workspace.store();
    let write = |e: std::io::Error| Failure::refused(format!("could not write output: {e}"));
    match command {
        SourcesCommand::List { json } => {
            let sources = store.list_sources().await.map_err(Failure::refused)?;
            if json {
                writeln!(out, "{}", json_text(&sources)).map_err(write)?;
                return Ok(());
            }
            for source in &sources {
                writeln!(out, "{}", source_line(source)).map_err(write)?;
            }
        }
        SourcesCommand::Add(add) => {
            let AddSource {
                name,
                kind: _,
                host,
                port,
                database,
                user,
                sslmode,
                ssl_root_cert,
                search_path,
                pool_size,
                statement_timeout_ms,
                password_env,
                password_stdin,
                reuse_for,
                json,
            } = *add;
            if let Some(reuse_for) = &reuse_for {
                flowloom_core::model::parse_duration(reuse_for)
                    .map_err(|why| Failure::unreadable(format!("--reuse-for: {why}")))?;
            }
            let pg = PostgresConfig {
                host,
                port,
                database,
                user,
                sslmode: sslmode.parse::<SslMode>().map_err(Failure::unreadable)?,
                ssl_root_cert: ssl_root_cert.map(|path| root_cert(&path)).transpose()?,
                search_path,
                pool_size,
                statement_timeout_ms,
                password_env,
                reuse_for,
            };
            let existing = store.list_sources().await.map_err(Failure::refused)?;
            if let Some(same) = existing
                .iter()
                .find(|d| d.source.name.trim().eq_ignore_ascii_case(name.trim()))
            {
                return Err(Failure::refused(format!(
                    "data source `{}` is already named `{}`: choose another name",
                    same.source.source_id, same.source.name
                )));
            }
            let taken: Vec<SourceId> = existing.into_iter().map(|d| d.source.source_id).collect();
            let id = source_id(&name, &taken);
            if password_stdin {
                let mut password = String::new();
                std::io::stdin()
                    .read_to_string(&mut password)
                    .map_err(|e| {
                        Failure::unreadable(format!("could not read the password: {e}"))
                    })?;
                let password = password.trim_end_matches(['\n', '\r']);
                secrets::keep_password(&pg, password).map_err(|err| not_kept(&id, err))?;
            }
            let source = DataSource {
                source_id: id,
                name,
                config: SourceConfig::Postgres(pg),
            };
            let added = store.add_source(&source).await.map_err(Failure::refused)?;
            if json {
                writeln!(out, "{}", json_text(&added)).map_err(write)?;
            } else {
                writeln!(out, "added {}", source_line(&added)).map_err(write)?;
            }
        }
        SourcesCommand::Test { id, json } => {
            let id = SourceId::new(id);
            let source = store
                .get_source(&id)
                .await
                .map_err(Failure::refused)?
                .source;
            let check = Sources::new(store.clone())
                .test_with(&source, None)
                .await
                .map_err(Failure::refused)?;
            if json {
                writeln!(out, "{}", json_text(&check)).map_err(write)?;
            } else {
                writeln!(
                    out,
                    "{id}: connected in {:.1} ms: {}",
                    check.latency_ms, check.version
                )
                .map_err(write)?;
            }
        }
        SourcesCommand::Tables { id, json } => {
            let id = SourceId::new(id);
            let shapes = tables_of(workspace, &id).await?;
            if json {
                writeln!(out, "{}", json_text(&shapes)).map_err(write)?;
            } else {
                for shape in &shapes {
                    crate::data::show(shape, out).map_err(write)?;
                }
            }
        }
        SourcesCommand::Remove { id, json } => {
            let id = SourceId::new(id);
            let source = store
                .get_source(&id)
                .await
                .map_err(Failure::refused)?
                .source;
            store.remove_source(&id).await.map_err(Failure::refused)?;
            if let SourceConfig::Postgres(pg) = &source.config {
                secrets::forget_password(pg);
            }
            let said = match json {
                true => json_text(&serde_json::json!({ "removed": id })),
                false => format!("removed {id}"),
            };
            writeln!(out, "{said}").map_err(write)?;
        }
    }
    Ok(())
}

/// The tables source `id` has, as a template's SQL on it reads them.
async fn tables_of(workspace: &Workspace, id: &SourceId) -> Result<Vec<TableShape>, Failure> {
    if id.is_local() {
        let engine = LocalEngine::for_workspace(workspace)
            .await
            .map_err(Failure::refused)?;
        return Ok(engine.shapes().await);
    }
    let connector = Sources::new(workspace.store().clone())
        .connector(id)
        .await
        .map_err(Failure::refused)?;
    connector
        .shapes()
        .await
        .map_err(|err| Failure::refused(format!("data source `{id}`: {err}")))
}

/// A source's id made of its name, as flows' ids are (`Sales DB` → `src_sales_db`).
/// Why `--password-stdin` kept no password, in the command line's words.
fn not_kept(id: &SourceId, err: SecretError) -> Failure {
    Failure::refused(match err {
        SecretError::NoKeyring { why } => format!(
            "data source `{id}`: this computer has no keyring Flowloom can use ({why}): add the source with `--password-env VAR` (the variable holding the password), or put the password in a PostgreSQL password file (`PGPASSFILE`, else ~/.pgpass); nothing was added"
        ),
        other => format!("data source `{id}`: {other}; nothing was added"),
    })
}

/// `--ssl-root-cert`'s file as an absolute path (the app connects from elsewhere), refused
/// when it cannot be read.
fn root_cert(path: &std::path::Path) -> Result<String, Failure> {
    let absolute = std::fs::canonicalize(path)
        .and_then(|absolute| std::fs::File::open(&absolute).map(|_| absolute))
        .map_err(|e| Failure::unreadable(format!("--ssl-root-cert {}: {e}", path.display())))?;
    Ok(absolute.display().to_string())
}

/// `src_` and the name's words (`Sales DB` → `src_sales_db`; `source` when it has none in
/// ASCII letters or digits), with `_2`, `_3`… while `taken` holds it, as the app makes it.
fn source_id(name: &str, taken: &[SourceId]) -> SourceId {
    let words: Vec<String> = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let base = match words.is_empty() {
        true => format!("{}source", SourceId::PREFIX),
        false => format!("{}{}", SourceId::PREFIX, words.join("_")),
    };
    let free =
        |id: &str| id != SourceId::local().as_str() && taken.iter().all(|t| t.as_str() != id);
    let id = std::iter::once(base.clone())
        .chain((2..).map(|n| format!("{base}_{n}")))
        .find(|id| free(id))
        .expect("some suffix is free");
    SourceId::new(id)
}

fn source_line(detail: &SourceDetail) -> String {
    let source = &detail.source;
    let place = match &source.config {
        SourceConfig::Local => "the workspace's data files and data tables".to_owned(),
        SourceConfig::Postgres(pg) => {
            format!("{}@{}:{}/{}", pg.user, pg.host, pg.port, pg.database)
        }
    };
    format!(
        "{}\t{}\t{}\t{}\t{} template(s)",
        source.source_id,
        source.kind(),
        source.name,
        place,
        detail.template_count
    )
}
