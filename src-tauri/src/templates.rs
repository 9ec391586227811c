//! The template library from the window: save a template (a change is a new version), read
//! its versions, make it active or not, see its SQL's problems while typing, test-run it
//! alone with sample values or ask its source for its columns without running it, list the
//! tables its source has, and move templates in and out as packs. Thin adapters over the
//! core.

use crate::error::{AppError, ErrorCode};
use crate::files::{ChosenFiles, FileUse};
use crate::runs::ResultPage;
use flowloom_core::api::Runs;
use flowloom_core::authoring::{self, SqlProblem, TestRunError};
use flowloom_core::engine::{EngineError, TableShape};
use flowloom_core::flowfile::{self, OnConflict, PackOutcome};
use flowloom_core::model::{OutputColumn, Template, TemplateDetail};
use flowloom_core::user_files;
use flowloom_core::{SourceId, TemplateId, Workspace};
use serde::Serialize;
use std::collections::BTreeMap;
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn save_template(
    workspace: State<'_, Workspace>,
    template: Template,
) -> Result<TemplateDetail, AppError> {
    Ok(workspace.store().save_template(&template).await?)
}

/// Every version template `id` has had, newest first.
#[tauri::command]
#[specta::specta]
pub async fn template_versions(
    workspace: State<'_, Workspace>,
    id: TemplateId,
) -> Result<Vec<Template>, AppError> {
    Ok(workspace.store().template_versions(&id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_template_active(
    workspace: State<'_, Workspace>,
    id: TemplateId,
    active: bool,
) -> Result<(), AppError> {
    Ok(workspace.store().set_template_active(&id, active).await?)
}

/// The problems of a template's SQL against its parameters, as the editor marks them.
#[tauri::command]
#[specta::specta]
pub fn template_problems(template: Template) -> Vec<SqlProblem> {
    authoring::sql_problems(&template)
}

/// What a test run of a template gave: its first rows, its columns as the engine typed
/// them and as output columns to declare, and the SQL as run.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct TemplateTestRun {
    pub page: ResultPage,
    pub output_columns: Vec<OutputColumn>,
    pub sql: String,
}

/// Runs `template` alone with `values` (by parameter; defaults fill the rest), keeping the
/// first `limit` rows.
#[tauri::command]
#[specta::specta]
pub async fn test_run_template(
    runs: State<'_, Runs>,
    template: Template,
    values: BTreeMap<String, serde_json::Value>,
    limit: u32,
) -> Result<TemplateTestRun, AppError> {
    let connector = runs.connector_for(&template.source_id).await?;
    let run = authoring::test_run(connector.as_ref(), &template, &values, limit as usize)
        .await
        .map_err(authoring_error)?;
    Ok(TemplateTestRun {
        page: ResultPage::of(&run.page, 0).map_err(|e| AppError::new(ErrorCode::Internal, e))?,
        output_columns: run.columns,
        sql: run.sql,
    })
}

/// The output columns `template` returns on its source, from the source's description of
/// its SQL, without running it; `values` as for a test run (a parameter without one NULL).
#[tauri::command]
#[specta::specta]
pub async fn template_output_columns(
    runs: State<'_, Runs>,
    template: Template,
    values: BTreeMap<String, serde_json::Value>,
) -> Result<Vec<OutputColumn>, AppError> {
    let connector = runs.connector_for(&template.source_id).await?;
    let described = authoring::output_columns(connector.as_ref(), &template, &values);
    described.await.map_err(authoring_error)
}

/// The tables a template on `source` can read, with their columns' types as a run reads
/// them: the workspace's data files (a CSV file's types inferred from every row, its
/// missing-value markers, or why it cannot be read) and data tables, or a database's
/// tables and views, named as the SQL writes them.
#[tauri::command]
#[specta::specta]
pub async fn readable_tables(
    runs: State<'_, Runs>,
    source: SourceId,
) -> Result<Vec<TableShape>, AppError> {
    let connector = runs.connector_for(&source).await?;
    connector.shapes().await.map_err(engine_error)
}

/// A test run's or a description's failure: a source that cannot be reached is
/// `source_unavailable`, anything else (values, SQL, the engine's refusal) `invalid_input`.
fn authoring_error(err: TestRunError) -> AppError {
    match err {
        TestRunError::Engine(err) => engine_error(err),
        other => AppError::new(ErrorCode::InvalidInput, other),
    }
}

fn engine_error(err: EngineError) -> AppError {
    let code = match err {
        EngineError::Connection { .. } => ErrorCode::SourceUnavailable,
        _ => ErrorCode::InvalidInput,
    };
    AppError::new(code, err)
}

/// Imports the template pack at `path` (chosen in the dialog, `FileUse::ImportTemplates`; any
/// other path is refused).
#[tauri::command]
#[specta::specta]
pub async fn import_template_pack(
    workspace: State<'_, Workspace>,
    chosen: State<'_, ChosenFiles>,
    runs: State<'_, Runs>,
    path: String,
    on_conflict: OnConflict,
) -> Result<PackOutcome, AppError> {
    let file = chosen.file(FileUse::ImportTemplates, &path)?;
    let text = user_files::read_text(file.path(), flowfile::MAX_FILE_BYTES as u64)
        .map_err(|e| AppError::unreadable_file(e.to_string()))?;
    let store = workspace.store();
    let import = flowfile::import_templates_checked(store, &text, on_conflict, Some(&*runs));
    let outcome = import.await?;
    file.used();
    Ok(outcome)
}

/// Writes templates `ids` (all when empty) as a template pack at `path` (chosen in the save
/// dialog, `FileUse::ExportTemplates`; any other path is refused).
#[tauri::command]
#[specta::specta]
pub async fn export_template_pack(
    workspace: State<'_, Workspace>,
    chosen: State<'_, ChosenFiles>,
    ids: Vec<TemplateId>,
    path: String,
) -> Result<(), AppError> {
    let file = chosen.file(FileUse::ExportTemplates, &path)?;
    let text = flowfile::export_templates(workspace.store(), &ids)
        .await?
        .to_text();
    Ok(file.write(text)?)
}
