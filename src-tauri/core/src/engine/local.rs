//! The embedded engine: DataFusion over the workspace's `data/` folder, where every
//! `.parquet`, `.csv` and `.json` (newline-delimited) file is a table named by its stem.
//!
//! A data file may carry column types in a sidecar, `<name>.schema.json` beside it
//! (`column_types.rs`): the file is read with its inferred schema, those columns' types
//! replaced. A sidecar is never a table of its own.
//!
//! A CSV file is parsed once per fingerprint into a Parquet copy in the engine's cache
//! folder, and its table reads the copy (`csv_files.rs`: missing-value markers, types
//! inferred from every row); the cache fingerprint of a query stays the CSV's own.
//!
//! Tables are registered when the engine opens and, when a file was added, changed (size or
//! modification time) or removed, re-registered by `refresh`, which every run calls as it
//! starts: a run reads the data folder as it was then. Values reach DataFusion as bound
//! parameters (`binding.rs`). Template SQL may only read: DDL, DML and session statements are refused.
//!
//! A statement text is parsed and planned once (`plans.rs`); running it again binds the new
//! values into that plan.
//!
//! Opened on a workspace (`for_workspace`), the engine also reads its data tables ("FlexDB",
//! `data_tables.rs`) by name; when a data file and a data table share a name, neither is read
//! under it, and a query naming it is told to rename one.

use super::binding::BoundLists;
use super::column_types::{self, ColumnTypes};
use super::csv_files::{self, CsvProblem};
use super::data_tables::DataTableProvider;
use super::executor;
use super::plans::Planner;
use super::shapes::{self, TableKind, TableShape};
use super::{Connector, EngineError, PlanProblem, ResultStream, plain_message};
use crate::render::Statement;
use crate::store::Store;
use crate::workspace::Workspace;
use datafusion::arrow::datatypes::Schema;
use datafusion::common::SchemaError;
use datafusion::error::DataFusionError;
use datafusion::execution::TaskContext;
use datafusion::physical_plan::ExecutionPlan;
use datafusion::prelude::{CsvReadOptions, JsonReadOptions, ParquetReadOptions, SessionContext};
use futures::future::BoxFuture;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::SystemTime;
use tokio::sync::Mutex;

/// What a data file looked like when it was registered, to notice when it changes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Registered {
    path: PathBuf,
    len: u64,
    modified: Option<SystemTime>,
    /// Its column types (`<name>.schema.json`), when it has them: part of what it looked like.
    column_types: Option<Stamp>,
}

/// A file's path, size and modification time.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    path: PathBuf,
    len: u64,
    modified: Option<SystemTime>,
}

impl Stamp {
    fn of(path: PathBuf) -> Option<Self> {
        let meta = std::fs::metadata(&path).ok().filter(|m| m.is_file())?;
        Some(Self {
            path,
            len: meta.len(),
            modified: meta.modified().ok(),
        })
    }

    /// One fingerprint line: path, size, modification time in nanoseconds.
    fn line(&self) -> String {
        let modified = self
            .modified
            .and_then(|m| m.duration_since(SystemTime::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        format!("{}\t{}\t{modified}\n", self.path.display(), self.len)
    }
}

/// A data file and, when it could not be read as a table, why.
#[derive(Debug)]
struct DataTable {
    file: Registered,
    problem: Option<EngineError>,
    /// A data table has its name too: neither is read under it until one is renamed.
    shadowed: bool,
}

/// Where the Parquet copies of CSV files are kept: the workspace's cache folder, or, for an
/// engine over a bare data folder, a folder of its own removed with it.
#[derive(Debug)]
enum CsvCache {
    Folder(PathBuf),
    Own(tempfile::TempDir),
}

impl CsvCache {
    fn dir(&self) -> &Path {
        match self {
            Self::Folder(dir) => dir,
            Self::Own(dir) => dir.path(),
        }
    }
}

pub struct LocalEngine {
    ctx: SessionContext,
    data_dir: PathBuf,
    csv_cache: CsvCache,
    tables: Mutex<BTreeMap<String, DataTable>>,
    /// The workspace's store, whose data tables the engine reads too.
    store: Option<Store>,
    /// The data tables registered, by name, with the schema version they were registered at.
    data_tables: Mutex<BTreeMap<String, u32>>,
    next_list: Arc<AtomicU64>,
    /// The session queries are planned in, and the plans kept (see `plans.rs`).
    planner: Arc<Planner>,
}

impl std::fmt::Debug for LocalEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalEngine")
            .field("data_dir", &self.data_dir)
            .finish_non_exhaustive()
    }
}

impl LocalEngine {
    /// An engine over the data files in `data_dir` (which need not exist yet), keeping the
    /// copies of its CSV files in a folder of its own for as long as it lives.
    pub async fn open(data_dir: &Path) -> Result<Self, EngineError> {
        let own = tempfile::Builder::new()
            .prefix("flowloom-csv-")
            .tempdir()
            .map_err(|e| EngineError::Query {
                message: format!("cannot make a folder for the copies of CSV files: {e}"),
            })?;
        Self::open_with(data_dir, CsvCache::Own(own)).await
    }

    /// An engine over the data files in `data_dir`, keeping the Parquet copies of its CSV
    /// files in `csv_cache` (a workspace's `cache/csv`), where other processes find them.
    pub async fn open_with_cache(data_dir: &Path, csv_cache: &Path) -> Result<Self, EngineError> {
        Self::open_with(data_dir, CsvCache::Folder(csv_cache.to_owned())).await
    }

    async fn open_with(data_dir: &Path, csv_cache: CsvCache) -> Result<Self, EngineError> {
        let ctx = SessionContext::new();
        let engine = Self {
            planner: Arc::new(Planner::new(&ctx)),
            ctx,
            // Spelled one way, however it was given (`ws/data`, `./ws/data`, a link): the
            // files' paths are part of the result cache's keys.
            data_dir: crate::workspace::canonical(data_dir),
            csv_cache,
            tables: Mutex::new(BTreeMap::new()),
            store: None,
            data_tables: Mutex::new(BTreeMap::new()),
            next_list: Arc::new(AtomicU64::new(0)),
        };
        engine.refresh().await;
        Ok(engine)
    }

    /// An engine over a workspace: its data files and its data tables.
    pub async fn for_workspace(workspace: &Workspace) -> Result<Self, EngineError> {
        let engine = Self::open_with_cache(&workspace.data_dir(), &workspace.csv_cache_dir())
            .await?
            .with_data_tables(workspace.store().clone());
        if engine.refresh_data_tables().await {
            engine.planner.renew(&engine.ctx, true);
        }
        Ok(engine)
    }

    /// This engine reading the data tables of `store`'s workspace too, from its next
    /// [`refresh`](Self::refresh) on (every run starts with one). Building the engine over
    /// the data files first lets it read them while the workspace opens.
    pub fn with_data_tables(mut self, store: Store) -> Self {
        self.store = Some(store);
        self
    }

    /// The tables the data folder holds, by name (those that could be read).
    pub async fn tables(&self) -> Vec<String> {
        let tables = self.tables.lock().await;
        tables
            .iter()
            .filter(|(_, table)| table.problem.is_none())
            .map(|(name, _)| name.clone())
            .collect()
    }

    /// Every table a query can read now — data files and data tables, in name order — with
    /// its columns as the engine reads them (a CSV file's inferred types and its
    /// missing-value markers); a data file that cannot be read, with why.
    pub async fn shapes(&self) -> Vec<TableShape> {
        self.refresh_tables().await;
        let files = self.tables.lock().await;
        let data_tables = self.data_tables.lock().await;
        let mut shapes = Vec::new();
        for (name, table) in files.iter() {
            let csv = table.file.path.extension().is_some_and(|e| e == "csv");
            let missing = csv.then(|| {
                let types = table
                    .file
                    .column_types
                    .as_ref()
                    .and_then(|s| ColumnTypes::read(&s.path).ok());
                types
                    .as_ref()
                    .and_then(ColumnTypes::missing)
                    .map(<[String]>::to_vec)
                    .unwrap_or_else(|| {
                        csv_files::DEFAULT_MISSING
                            .iter()
                            .map(|m| (*m).to_owned())
                            .collect()
                    })
            });
            let (columns, problem) = match &table.problem {
                Some(problem) => (Vec::new(), Some(problem.to_string())),
                None => match self.ctx.table_provider(name.as_str()).await {
                    Ok(provider) => (shapes::columns(&provider.schema()), None),
                    Err(err) => (Vec::new(), Some(plain_message(&err.strip_backtrace()))),
                },
            };
            shapes.push(TableShape {
                name: name.clone(),
                kind: TableKind::DataFile,
                file: Some(file_name(&table.file.path)),
                columns,
                missing,
                problem,
            });
        }
        for name in data_tables.keys() {
            if let Ok(provider) = self.ctx.table_provider(name.as_str()).await {
                shapes.push(TableShape {
                    name: name.clone(),
                    kind: TableKind::DataTable,
                    file: None,
                    columns: shapes::columns(&provider.schema()),
                    missing: None,
                    problem: None,
                });
            }
        }
        shapes.sort_by(|a, b| a.name.cmp(&b.name));
        shapes
    }

    /// Brings the registered tables in line with the data folder's files. A file that cannot
    /// be read as a table is kept aside with its problem, which a query reading it reports;
    /// the other tables stay usable.
    pub async fn refresh(&self) {
        self.sync(true).await;
    }

    /// Brings the registered tables in line with the data folder and the data tables, as
    /// [`refresh`](Self::refresh) does, but keeps the session queries plan in unless a table
    /// changed: a run in progress keeps its `now()`. Validation calls it before it plans.
    pub async fn refresh_tables(&self) {
        self.sync(false).await;
    }

    async fn sync(&self, renew: bool) {
        let found = scan(&self.data_dir);
        let mut tables = self.tables.lock().await;
        let before = tables.len();
        tables.retain(|name, table| {
            let keep = found.contains_key(name);
            if !keep {
                // Deregistering a name that is (or is not) registered cannot fail.
                let _ = self.ctx.deregister_table(name.as_str());
                // A CSV file gone from the folder: its parsed copy goes too.
                if table.file.path.extension().is_some_and(|e| e == "csv") {
                    csv_files::forget(&table.file.path, self.csv_cache.dir());
                }
            }
            keep
        });
        let mut changed = tables.len() != before;
        let mut new = Vec::new();
        for (name, file) in found {
            if tables
                .get(&name)
                .is_some_and(|table| table.file == file && !table.shadowed)
            {
                continue;
            }
            if tables.remove(&name).is_some() {
                let _ = self.ctx.deregister_table(name.as_str());
            }
            new.push((name, file));
        }
        // Files new or changed are read at once: parsing CSV files into their copies takes
        // every core there is.
        let registered = futures::future::join_all(
            new.iter()
                .map(|(name, file)| async move { self.register(name, file).await.err() }),
        )
        .await;
        for ((name, file), problem) in new.into_iter().zip(registered) {
            tables.insert(
                name,
                DataTable {
                    file,
                    problem,
                    shadowed: false,
                },
            );
            changed = true;
        }
        drop(tables);
        changed |= self.refresh_data_tables().await;
        if renew || changed {
            self.planner.renew(&self.ctx, changed);
        }
    }

    /// Registers each data table whose name no data file has, again when its schema changed;
    /// its rows are read when a query scans it. Left as they were if the store cannot answer.
    /// Whether any table was registered or dropped.
    async fn refresh_data_tables(&self) -> bool {
        let Some(store) = &self.store else {
            return false;
        };
        let Ok(stamps) = store.table_stamps().await else {
            return false;
        };
        let mut files = self.tables.lock().await;
        let mut registered = self.data_tables.lock().await;
        let before = registered.len();
        // A data file and a data table of one name: the file used to win without a word
        // (a file copied into data/ after the table was made). Now neither is read under
        // that name, and a query naming it is told why.
        let mut changed = false;
        for (name, ..) in &stamps {
            if let Some(file) = files.get_mut(name)
                && !file.shadowed
            {
                let _ = self.ctx.deregister_table(name.as_str());
                file.shadowed = true;
                file.problem = Some(EngineError::DataFile {
                    file: file_name(&file.file.path),
                    message: format!(
                        "a data table is also named `{name}`: rename the file, or the table \
                         (flowloom tables alter {name} --rename NEW)"
                    ),
                });
                changed = true;
            }
        }
        registered.retain(|name, _| {
            let keep = !files.contains_key(name) && stamps.iter().any(|(n, ..)| n == name);
            if !keep {
                let _ = self.ctx.deregister_table(name.as_str());
            }
            keep
        });
        changed |= registered.len() != before;
        for (name, version, _) in stamps {
            if files.contains_key(&name) || registered.get(&name) == Some(&version) {
                continue;
            }
            changed = true;
            let Ok(table) = store.get_table(&name).await else {
                continue;
            };
            let _ = self.ctx.deregister_table(name.as_str());
            let provider = DataTableProvider::new(store.clone(), &name, table.schema);
            if self
                .ctx
                .register_table(name.as_str(), Arc::new(provider))
                .is_ok()
            {
                registered.insert(name, version);
            }
        }
        changed
    }

    /// Registers the data file as table `name`, with the column types its sidecar gives,
    /// or says why it cannot be read (the sidecar's problems name the sidecar). Nothing stays
    /// registered under `name` when it fails.
    async fn register(&self, name: &str, file: &Registered) -> Result<(), EngineError> {
        let problem = |path: &Path, message: String| EngineError::DataFile {
            file: file_name(path),
            message,
        };
        if file.path.extension().is_some_and(|e| e == "csv") {
            return self.register_csv(name, file).await;
        }
        let Some(sidecar) = &file.column_types else {
            return self
                .register_file(name, &file.path, None)
                .await
                .map_err(|err| problem(&file.path, plain_message(&err.strip_backtrace())));
        };
        let types = ColumnTypes::read(&sidecar.path).map_err(|why| problem(&sidecar.path, why))?;
        if types.missing().is_some() {
            return Err(problem(
                &sidecar.path,
                "missing-value markers are for CSV files; a JSON file writes a missing value as \
                 null"
                    .to_owned(),
            ));
        }
        if file.path.extension().is_some_and(|e| e == "parquet") {
            return Err(problem(
                &sidecar.path,
                format!(
                    "a Parquet file carries its own column types; remove this file or write {} \
                     with the types wanted",
                    file_name(&file.path)
                ),
            ));
        }
        // Read once to infer the schema, then again as the sidecar says.
        self.register_file(name, &file.path, None)
            .await
            .map_err(|err| problem(&file.path, plain_message(&err.strip_backtrace())))?;
        let inferred = self
            .ctx
            .table_provider(name)
            .await
            .map(|table| table.schema())
            .map_err(|err| problem(&file.path, plain_message(&err.strip_backtrace())));
        let _ = self.ctx.deregister_table(name);
        let schema = types
            .apply(inferred?.as_ref(), &file_name(&file.path))
            .map_err(|why| problem(&sidecar.path, why))?;
        // The reader would cut a decimal's extra digits off silently: every value is
        // checked to fit first (once per change of the file).
        let (path, checked) = (file.path.clone(), schema.clone());
        tokio::task::spawn_blocking(move || column_types::check_decimals(&path, &checked))
            .await
            .map_err(|err| problem(&file.path, err.to_string()))?
            .map_err(|why| problem(&file.path, why))?;
        self.register_file(name, &file.path, Some(&schema))
            .await
            .map_err(|err| problem(&file.path, plain_message(&err.strip_backtrace())))
    }

    /// Registers the CSV file as table `name` over its Parquet copy, written first unless the
    /// cache has one of the file as it is now (`csv_files.rs`).
    async fn register_csv(&self, name: &str, file: &Registered) -> Result<(), EngineError> {
        let (path, len, modified) = (file.path.clone(), file.len, file.modified);
        let sidecar = file.column_types.as_ref().map(|s| s.path.clone());
        let cache = self.csv_cache.dir().to_owned();
        let copied = tokio::task::spawn_blocking(move || {
            csv_files::copy_of(&path, len, modified, sidecar.as_deref(), &cache)
        })
        .await
        .map_err(|err| EngineError::DataFile {
            file: file_name(&file.path),
            message: err.to_string(),
        })?;
        let (copy, schema) = copied.map_err(|problem| match (problem, &file.column_types) {
            (CsvProblem::Sidecar(message), Some(sidecar)) => EngineError::DataFile {
                file: file_name(&sidecar.path),
                message,
            },
            (CsvProblem::Sidecar(message) | CsvProblem::File(message), _) => {
                EngineError::DataFile {
                    file: file_name(&file.path),
                    message,
                }
            }
        })?;
        // With the schema it was written with: text stays `Utf8`, as the file's own reader
        // gave it, rather than the Parquet reader's view type.
        self.register_file(name, &copy, Some(&schema))
            .await
            .map_err(|err| EngineError::DataFile {
                file: file_name(&file.path),
                message: plain_message(&err.strip_backtrace()),
            })
    }

    /// Registers one data file, with `schema` or with the schema inferred from it.
    async fn register_file(
        &self,
        name: &str,
        path: &Path,
        schema: Option<&Schema>,
    ) -> datafusion::error::Result<()> {
        // A path is a path, never a glob: handed over as a file URL, its `*`, `?` and `[`
        // (a workspace may sit in such a folder) are the characters they are.
        let location = std::path::absolute(path)
            .ok()
            .and_then(|absolute| url::Url::from_file_path(absolute).ok())
            .map_or_else(|| path.to_string_lossy().into_owned(), String::from);
        let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        match extension {
            "csv" => {
                let mut options = CsvReadOptions::new();
                options.schema = schema;
                self.ctx
                    .register_csv(name, location.as_str(), options)
                    .await
            }
            "parquet" => {
                let options = ParquetReadOptions {
                    schema,
                    ..ParquetReadOptions::default()
                };
                self.ctx
                    .register_parquet(name, location.as_str(), options)
                    .await
            }
            _ => {
                let mut options = JsonReadOptions::default().file_extension(".json");
                options.schema = schema;
                // Newline-delimited JSON, or one JSON array of objects.
                options.newline_delimited = !starts_with_array(path);
                self.ctx
                    .register_json(name, location.as_str(), options)
                    .await
            }
        }
    }

    async fn start(&self, statement: &Statement) -> Result<ResultStream, EngineError> {
        let in_flight = executor::InFlight::start();
        let planning = Planning {
            ctx: self.ctx.clone(),
            planner: self.planner.clone(),
            next_list: self.next_list.clone(),
            statement: statement.clone(),
        };
        // Planning recurses over the statement's expressions: on the query runtime, whose
        // threads have a stack sized for the limits template SQL is held to.
        let planned = planning.plan(in_flight.cores());
        let (physical, task) = match executor::on_query_runtime(planned).await?? {
            Ok(planned) => planned,
            Err(err) => return Err(self.explain(err).await),
        };
        let schema = physical.schema();
        let physical = executor::cooperative(physical)?;
        let batches = executor::execute(physical, task, in_flight)?;
        Ok(ResultStream { schema, batches })
    }

    /// Plans `statement` as [`start`](Self::start) does, up to the check of its types, on
    /// the query runtime, and says what planning refused; nothing is read or executed. The
    /// answer for a statement text (with its parameters' types) is kept until a table is
    /// registered again: the app validates a flow on every edit.
    async fn check_statement(&self, statement: &Statement) -> Option<PlanProblem> {
        let types: Vec<_> = statement
            .scalars
            .iter()
            .map(|(_, t, _)| *t)
            .chain(statement.lists.iter().map(|l| l.value_type))
            .collect();
        let key = format!("{statement}\u{0}{types:?}");
        let generation = match self.planner.checked(&key) {
            Ok(known) => return known,
            Err(generation) => generation,
        };
        let planning = Planning {
            ctx: self.ctx.clone(),
            planner: self.planner.clone(),
            next_list: self.next_list.clone(),
            statement: statement.clone(),
        };
        let problem = match executor::on_query_runtime(planning.describe()).await {
            // The query threads could not take it: nothing is known about the statement.
            Err(err) | Ok(Err(err)) => return Some(PlanProblem::Other(err.to_string())),
            Ok(Ok(Ok(_))) => None,
            Ok(Ok(Err(err))) => Some(self.classify(err).await),
        };
        self.planner.keep_checked(key, generation, problem.clone());
        problem
    }

    /// The columns `statement` would return, with their types, from its plan (planned and
    /// type-checked as [`check_statement`](Self::check_statement) does, on the query
    /// runtime); nothing is read or executed.
    async fn describe_statement(&self, statement: &Statement) -> Result<Schema, EngineError> {
        let planning = Planning {
            ctx: self.ctx.clone(),
            planner: self.planner.clone(),
            next_list: self.next_list.clone(),
            statement: statement.clone(),
        };
        match executor::on_query_runtime(planning.describe()).await?? {
            Ok(schema) => Ok(schema),
            Err(err) => Err(self.explain(err).await),
        }
    }

    /// A planning error by what the user fixes.
    async fn classify(&self, err: DataFusionError) -> PlanProblem {
        let root = err.find_root();
        let syntax = matches!(root, DataFusionError::SQL(..));
        let unknown_column = matches!(
            root,
            DataFusionError::SchemaError(e, _) if matches!(**e, SchemaError::FieldNotFound { .. })
        );
        let unknown_table = matches!(
            root,
            DataFusionError::Plan(m) if m.starts_with("table '") && m.ends_with("' not found")
        );
        let explained = self.explain(err).await;
        let message = one_line(&explained.to_string());
        match explained {
            EngineError::DataFile { .. } => PlanProblem::Other(message),
            _ if syntax => PlanProblem::Syntax(message),
            _ if unknown_column => PlanProblem::UnknownColumn(message),
            _ if unknown_table => PlanProblem::UnknownTable(message),
            _ => PlanProblem::Other(message),
        }
    }

    /// A planning error, or, when the query names a data file that could not be read as a
    /// table, that file's problem (rather than "table not found").
    async fn explain(&self, err: datafusion::error::DataFusionError) -> EngineError {
        let message = plain_message(&err.strip_backtrace());
        let tables = self.tables.lock().await;
        for (name, table) in tables.iter() {
            if let Some(EngineError::DataFile { file, message: why }) = &table.problem
                && (message.contains(&format!("'{name}'"))
                    || message.contains(&format!(".{name}'")))
            {
                return EngineError::DataFile {
                    file: file.clone(),
                    message: why.clone(),
                };
            }
        }
        EngineError::Query { message }
    }

    /// The data files `statement` reads, each as name, size and modification time; `None`
    /// when it calls a function whose value can change between runs (`random()`, `now()`).
    async fn data_fingerprint(&self, statement: &Statement) -> Result<Option<String>, EngineError> {
        let shape = self.planner.shape(&statement.shape())?;
        if shape.changing {
            return Ok(None);
        }
        let tables = self.tables.lock().await;
        let data_tables = self.data_tables.lock().await;
        let reads_data_table = shape
            .tables
            .iter()
            .any(|t| data_tables.contains_key(t.table()));
        let stamps = match &self.store {
            Some(store) if reads_data_table => store.table_stamps().await.ok(),
            _ => None,
        };
        let mut fingerprint = String::new();
        for table in &shape.tables {
            if data_tables.contains_key(table.table()) {
                // A data table: known by its schema version and count of writes, or, when
                // the store cannot say, not at all (the node then always runs).
                let stamp = stamps
                    .as_ref()
                    .and_then(|s| s.iter().find(|(name, ..)| name == table.table()));
                let Some((name, version, writes)) = stamp else {
                    return Ok(None);
                };
                let _ = writeln!(fingerprint, "table\t{name}\t{version}\t{writes}");
            } else if let Some(DataTable { file, .. }) = tables.get(table.table()) {
                // The file, and its column types: a changed type changes the values read.
                let modified = file
                    .modified
                    .and_then(|m| m.duration_since(SystemTime::UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos());
                let _ = writeln!(
                    fingerprint,
                    "{}\t{}\t{modified}",
                    file.path.display(),
                    file.len
                );
                if let Some(types) = &file.column_types {
                    fingerprint.push_str(&types.line());
                }
            }
        }
        Ok(Some(fingerprint))
    }
}

impl Connector for LocalEngine {
    fn run<'a>(
        &'a self,
        statement: &'a Statement,
    ) -> BoxFuture<'a, Result<ResultStream, EngineError>> {
        Box::pin(self.start(statement))
    }

    fn fingerprint<'a>(
        &'a self,
        statement: &'a Statement,
    ) -> BoxFuture<'a, Result<Option<String>, EngineError>> {
        Box::pin(self.data_fingerprint(statement))
    }

    fn refresh(&self) -> BoxFuture<'_, ()> {
        Box::pin(LocalEngine::refresh(self))
    }

    fn refresh_tables(&self) -> BoxFuture<'_, ()> {
        Box::pin(LocalEngine::refresh_tables(self))
    }

    fn check<'a>(&'a self, statement: &'a Statement) -> BoxFuture<'a, Option<PlanProblem>> {
        Box::pin(self.check_statement(statement))
    }

    fn describe<'a>(
        &'a self,
        statement: &'a Statement,
    ) -> BoxFuture<'a, Result<Schema, EngineError>> {
        Box::pin(self.describe_statement(statement))
    }

    fn shapes(&self) -> BoxFuture<'_, Result<Vec<TableShape>, EngineError>> {
        Box::pin(async { Ok(LocalEngine::shapes(self).await) })
    }
}

/// What planning a statement needs, owned, so that it can plan on the query runtime.
struct Planning {
    ctx: SessionContext,
    planner: Arc<Planner>,
    next_list: Arc<AtomicU64>,
    statement: Statement,
}

/// A planned statement: its physical plan and the task context it executes in.
type Planned = (Arc<dyn ExecutionPlan>, Arc<TaskContext>);

impl Planning {
    /// The physical plan of the statement with its values bound, for `cores` query threads;
    /// an error DataFusion gave while planning is returned inside, for the engine to explain.
    async fn plan(self, cores: usize) -> Result<Result<Planned, DataFusionError>, EngineError> {
        let statement = &self.statement;
        let mut bound = BoundLists::register(&self.ctx, &self.next_list, statement)?;
        let sql = statement.sql_with(|i| format!("${}", i + 1), |i| bound.sql[i].clone());
        let scalars = std::mem::take(&mut bound.params);
        let session = self.planner.session();
        let planned = if scalars.is_empty() && bound.tables.is_empty() {
            self.planner.optimized(&session, &sql).await
        } else {
            // A statement reading lists as tables names tables of its own: never planned
            // twice. Values are bound before the plan is optimized, which folds them.
            let plan = self
                .planner
                .plan(&session, &sql, bound.tables.is_empty())
                .await;
            plan.and_then(|plan| session.state.optimize(&plan.with_param_values(scalars)?))
        };
        let plan = match planned {
            Ok(plan) => plan,
            Err(err) => return Ok(Err(err)),
        };
        let narrow = session.for_cores(cores);
        let (state, task) = narrow
            .as_deref()
            .map_or((&session.state, &session.task), |(state, task)| {
                (state, task)
            });
        let physical = state
            .query_planner()
            .create_physical_plan(&plan, state)
            .await?;
        // The physical plan holds the list tables it reads, so they leave the catalog now.
        drop(bound);
        Ok(Ok((physical, task.clone())))
    }
}

impl Planning {
    /// The statement planned with typed values bound and its types checked (DataFusion's
    /// analyzer), as far as a run goes before it optimizes and executes, and the columns
    /// its plan returns; a planning error is returned inside.
    async fn describe(self) -> Result<Result<Schema, DataFusionError>, EngineError> {
        let statement = &self.statement;
        let mut bound = BoundLists::register(&self.ctx, &self.next_list, statement)?;
        let sql = statement.sql_with(|i| format!("${}", i + 1), |i| bound.sql[i].clone());
        let scalars = std::mem::take(&mut bound.params);
        let session = self.planner.session();
        let reusable = bound.tables.is_empty();
        let described = async {
            let plan = self.planner.plan(&session, &sql, reusable).await?;
            let plan = plan.with_param_values(scalars)?;
            let plan = session.state.analyzer().execute_and_check(
                plan,
                session.state.config_options(),
                |_, _| {},
            )?;
            Ok::<Schema, DataFusionError>(plan.schema().as_arrow().clone())
        }
        .await;
        drop(bound);
        Ok(described)
    }
}

/// A planning error as one line a user reads: what wraps DataFusion's "no function matches"
/// answer to a type mistake left out, and its words about itself (`plain_message`).
fn one_line(message: &str) -> String {
    let message = message
        .find("No function matches")
        .map_or(message, |at| &message[at..]);
    plain_message(message)
}

/// Whether the file's first non-blank character opens a JSON array.
fn starts_with_array(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 256];
    let read = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    head[..read]
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'[')
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The data files in `dir` by table name, each with its sidecar of column types; the first
/// file of a name wins, in name order. Sidecars (`*.schema.json`) are not tables.
fn scan(dir: &Path) -> BTreeMap<String, Registered> {
    let mut found = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let supported = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "csv" | "parquet" | "json"))
            && !column_types::is_sidecar(&path);
        let (Some(stem), Ok(meta)) = (
            path.file_stem().and_then(|s| s.to_str()).map(str::to_owned),
            std::fs::metadata(&path),
        ) else {
            continue;
        };
        if supported && meta.is_file() && !found.contains_key(&stem) {
            let column_types = column_types::sidecar_of(&path).and_then(Stamp::of);
            found.insert(
                stem,
                Registered {
                    path,
                    len: meta.len(),
                    modified: meta.modified().ok(),
                    column_types,
                },
            );
        }
    }
    found
}
