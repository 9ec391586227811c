//! Shared test fixtures.

use flowloom_core::engine::run::{FlowRun, RunContext, RunOptions};
use flowloom_core::engine::{LocalEngine, history};
use flowloom_core::model::{RunId, Trigger};
use flowloom_core::validation::{Catalog, ValidatedFlow};
use flowloom_core::workspace::starter_content;
use flowloom_core::{Flow, Store, StoreError, Template, Workspace};
use std::sync::Arc;
use tempfile::TempDir;

/// A fresh, empty store in its own temporary folder (kept alive by the returned guard).
pub async fn empty_store() -> (Store, TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("flowloom.db"))
        .await
        .expect("open store");
    (store, dir)
}

/// A store holding the starter templates (and no flows).
pub async fn store_with_templates() -> (Store, TempDir) {
    let (store, dir) = empty_store().await;
    for template in starter_templates() {
        store
            .insert_template(&template)
            .await
            .expect("insert starter template");
    }
    (store, dir)
}

pub fn starter_templates() -> Vec<Template> {
    starter_content().expect("starter content parses").0
}

/// The example flow `comp_campaign_deep_dive`: four nodes, four connections.
pub fn deep_dive() -> Flow {
    example("comp_campaign_deep_dive")
}

pub fn example(id: &str) -> Flow {
    starter_content()
        .expect("starter content parses")
        .1
        .into_iter()
        .find(|f| f.composition.composition_id.as_str() == id)
        .unwrap_or_else(|| panic!("no example flow {id}"))
}

/// Runs SQL the store API does not offer (yet), mapping errors as the store does. Test SQL
/// is written by the tests themselves, never taken from input.
pub async fn exec(store: &Store, sql: impl Into<String>) -> Result<(), StoreError> {
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.into()))
        .execute(store.pool())
        .await
        .map(drop)
        .map_err(StoreError::from)
}

pub async fn count(store: &Store, sql: impl Into<String>) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.into()))
        .fetch_one(store.pool())
        .await
        .expect("count query")
}

/// Asserts that `result` failed on the named schema rule.
#[track_caller]
pub fn assert_constraint<T: std::fmt::Debug>(result: Result<T, StoreError>, constraint: &str) {
    match result {
        Err(err) => assert_eq!(err.constraint(), Some(constraint), "wrong error: {err}"),
        Ok(value) => {
            panic!("expected constraint `{constraint}` to refuse the write, got {value:?}")
        }
    }
}

/// A new workspace (sample data, starter templates, example flows), its engine and catalogue.
pub async fn sample_workspace() -> (Workspace, Arc<LocalEngine>, Catalog, TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let workspace = Workspace::open(dir.path()).await.expect("workspace");
    let engine = Arc::new(
        LocalEngine::for_workspace(&workspace)
            .await
            .expect("engine"),
    );
    let catalog =
        Catalog::from_details(workspace.store().list_templates().await.expect("templates"));
    (workspace, engine, catalog, dir)
}

/// Runs `flow` as a user's "Run" does (manual trigger, default options), recorded in the
/// workspace's history.
pub async fn run_manually(
    workspace: &Workspace,
    engine: &Arc<LocalEngine>,
    flow: &ValidatedFlow,
) -> (RunId, FlowRun) {
    let quiet = |_| {};
    history::run_recorded(
        workspace,
        flow,
        RunContext::new(engine.clone()),
        &RunOptions::default(),
        Trigger::Manual,
        &quiet,
    )
    .await
    .expect("runs")
}

/// Compares `actual` with the file at `path`, or rewrites the file when `UPDATE_EXPECT` is set.
#[track_caller]
pub fn expect_file(path: &std::path::Path, actual: &str) {
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(path, actual).expect("write expectation");
        return;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        expected == actual,
        "{} differs (rerun with UPDATE_EXPECT=1 to accept):\n--- expected\n{expected}\n--- actual\n{actual}",
        path.display()
    );
}

/// A run of `flow` that another live process is running: a RUNNING row in the history and
/// its run lock held (as that process holds it) until the returned file is dropped — the
/// process dying.
pub async fn run_elsewhere(workspace: &Workspace, flow: &str) -> (RunId, std::fs::File) {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO flow_executions (composition, status, started_at)
         SELECT id, 'RUNNING', '2026-11-24T10:00:00Z' FROM compositions WHERE composition_id = ?
         RETURNING id",
    )
    .bind(flow)
    .fetch_one(workspace.store().pool())
    .await
    .expect("a run elsewhere");
    let runs = workspace.root().join("runs");
    std::fs::create_dir_all(&runs).expect("runs folder");
    let lock = std::fs::File::create(runs.join(format!("{id}.lock"))).expect("lock file");
    lock.lock().expect("locked");
    (RunId(id), lock)
}
