//! A workspace is a folder: `flowloom.db` (the store), `data/` (files the data engine reads
//! as tables) and `runs/` (locks of the runs in progress). This module finds it, opens it
//! (marking runs cut off by a crash as interrupted) and, on first start, seeds it with the
//! sample dataset, the starter templates and the example flows.
//!
//! Invariant: opening an existing workspace never re-seeds it or overwrites a user's file.

use crate::flowfile::{FlowFile, ReadError, TemplatePack};
use crate::model::{Flow, Template};
use crate::sample_data;
use crate::store::{Store, StoreError};
use crate::validation::{self, Catalog, Diagnostic};
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

/// Selects a workspace folder when `--workspace` is not given.
pub const WORKSPACE_ENV: &str = "FLOWLOOM_WORKSPACE";
pub const DATABASE_FILE: &str = "flowloom.db";
/// Held (an OS file lock) by whoever is opening the workspace: creating, migrating and
/// seeding happen once, however many processes open a new workspace at once.
pub const OPENING_LOCK_FILE: &str = "flowloom.lock";
pub const DATA_DIR: &str = "data";
/// Where the engine keeps the Parquet copy of each CSV data file (`engine/csv_files.rs`).
pub const CSV_CACHE_DIR: &str = "cache/csv";

/// The starter content, embedded from `examples/` so every build seeds the same workspace.
const STARTER_TEMPLATES: (&str, &str) = (
    "starter.templates.json",
    include_str!("../../../examples/starter.templates.json"),
);
const EXAMPLE_FLOWS: [(&str, &str); 3] = [
    (
        "campaign-deep-dive.flow.json",
        include_str!("../../../examples/campaign-deep-dive.flow.json"),
    ),
    (
        "low-ctr-review.flow.json",
        include_str!("../../../examples/low-ctr-review.flow.json"),
    ),
    (
        "product-drilldown.flow.json",
        include_str!("../../../examples/product-drilldown.flow.json"),
    ),
];

/// A workspace folder opened: cheap to clone (its store is a pool handle).
#[derive(Debug, Clone)]
pub struct Workspace {
    root: PathBuf,
    store: Store,
}

#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    #[error(
        "no workspace given and this system has no app-data folder; pass --workspace DIR or set {WORKSPACE_ENV}"
    )]
    NoDefaultDir,
    #[error("could not prepare workspace folder {}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error(
        "{} is empty (0 bytes), so it is no Flowloom database; nothing was changed. Restore \
         it from a backup, or remove it to start a new workspace in this folder",
        path.display()
    )]
    EmptyDatabase { path: PathBuf },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Gallery(#[from] crate::gallery::GalleryError),
    #[error("starter file {file} is broken: {source}")]
    StarterFile {
        file: &'static str,
        source: ReadError,
    },
    #[error("starter file {file} carries template `{template_id}` with content that differs from {}", STARTER_TEMPLATES.0)]
    StarterTemplateMismatch {
        file: &'static str,
        template_id: String,
    },
    #[error("starter flow {file} does not validate: {}", diagnostics.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    StarterFlowInvalid {
        file: &'static str,
        diagnostics: Vec<Diagnostic>,
    },
}

impl Workspace {
    /// The folder to use: the explicit one, else `$FLOWLOOM_WORKSPACE`, else the OS
    /// app-data folder's `flowloom`.
    pub fn resolve_dir(explicit: Option<&Path>) -> Result<PathBuf, WorkspaceError> {
        if let Some(dir) = explicit {
            return Ok(dir.to_owned());
        }
        if let Some(dir) = std::env::var_os(WORKSPACE_ENV).filter(|d| !d.is_empty()) {
            return Ok(PathBuf::from(dir));
        }
        dirs::data_dir()
            .map(|d| d.join("flowloom"))
            .ok_or(WorkspaceError::NoDefaultDir)
    }

    /// Opens the workspace at `root`, creating and seeding it if it has never been seeded,
    /// and brings its flow gallery up to this build's.
    pub async fn open(root: &Path) -> Result<Self, WorkspaceError> {
        std::fs::create_dir_all(root).map_err(|source| WorkspaceError::Io {
            path: root.to_owned(),
            source,
        })?;
        let root = &canonical(root);
        let _opening = lock_for_opening(root).await?;
        let database = root.join(DATABASE_FILE);
        // Only a missing file means "create": an empty one is something else's (or a crash
        // of a tool that is not Flowloom), and seeding over it would hide that.
        if std::fs::metadata(&database).is_ok_and(|m| m.is_file() && m.len() == 0) {
            return Err(WorkspaceError::EmptyDatabase { path: database });
        }
        let store = Store::open(&database)
            .await?
            .with_data_dir(root.join(DATA_DIR));
        let workspace = Self {
            root: root.to_owned(),
            store,
        };
        if workspace.store.seeded_at().await?.is_none() {
            workspace.seed().await?;
        }
        crate::gallery::refresh(&workspace.store).await?;
        crate::run_locks::recover_interrupted(&workspace.store, root).await?;
        Ok(workspace)
    }

    /// The workspace's folder, spelled one way however it was given (see [`canonical`]).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the data engine finds file tables (`data/<table>.csv`, `.parquet`, `.json`).
    pub fn data_dir(&self) -> PathBuf {
        self.root.join(DATA_DIR)
    }

    /// Where the engine keeps its parsed copies of the CSV data files (`cache/csv`).
    pub fn csv_cache_dir(&self) -> PathBuf {
        self.root.join(CSV_CACHE_DIR)
    }

    /// Who is working here, for the "who" of history entries: the operating system's user.
    pub fn user() -> Option<String> {
        crate::store::os_user()
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    async fn seed(&self) -> Result<(), WorkspaceError> {
        let data_dir = self.data_dir();
        sample_data::write_missing(&data_dir).map_err(|source| WorkspaceError::Io {
            path: data_dir,
            source,
        })?;
        let (templates, flows) = starter_content()?;
        self.store.seed(&templates, &flows).await?;
        Ok(())
    }
}

/// Waits for, then holds, the workspace's opening lock (released when the file is dropped).
async fn lock_for_opening(root: &Path) -> Result<std::fs::File, WorkspaceError> {
    let path = root.join(OPENING_LOCK_FILE);
    let locking = path.clone();
    let locked = tokio::task::spawn_blocking(move || {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&locking)?;
        file.lock()?;
        Ok(file)
    })
    .await
    .unwrap_or_else(|join| Err(io::Error::other(join)));
    locked.map_err(|source| WorkspaceError::Io { path, source })
}

/// The starter templates and example flows, checked to agree with each other: a template
/// an example carries must be the starter pack's template, word for word.
pub fn starter_content() -> Result<(Vec<Template>, Vec<Flow>), WorkspaceError> {
    let (pack_file, pack_text) = STARTER_TEMPLATES;
    let pack = TemplatePack::read(pack_text).map_err(|source| WorkspaceError::StarterFile {
        file: pack_file,
        source,
    })?;
    let by_id: BTreeMap<_, _> = pack
        .templates
        .iter()
        .map(|t| (t.template_id.clone(), t))
        .collect();
    let mut flows = Vec::with_capacity(EXAMPLE_FLOWS.len());
    for (file, text) in EXAMPLE_FLOWS {
        let (flow, carried) = FlowFile::read(text)
            .map_err(|source| WorkspaceError::StarterFile { file, source })?
            .into_parts();
        if let Some(t) = carried
            .iter()
            .find(|t| by_id.get(&t.template_id) != Some(t))
        {
            return Err(WorkspaceError::StarterTemplateMismatch {
                file,
                template_id: t.template_id.to_string(),
            });
        }
        let planned = validation::validate(flow, &Catalog::from_templates(carried))
            .map_err(|diagnostics| WorkspaceError::StarterFlowInvalid { file, diagnostics })?
            .into_planned_flow();
        flows.push(planned);
    }
    Ok((pack.templates, flows))
}

/// `path` spelled one way, however it was given (`ws`, `./ws`, `/tmp//ws`, through a
/// link): absolute, without `.` or `..`, links resolved. A path that does not exist (yet)
/// is made absolute as written. What a run keys its results on (data files' paths) is
/// spelled so, so that every spelling of a workspace reuses the same results.
pub fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_owned())
}
