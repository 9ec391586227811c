//! Tauri commands: thin, typed adapters from the UI to the core. No SQL, no graph logic here.

use crate::error::{AppError, ErrorCode};
use crate::files::{ChosenFiles, FileUse};
use flowloom_core::api::{Runs, SavedFlow};
use flowloom_core::engine::plan_check;
use flowloom_core::flowfile::{self, ImportOutcome, NewerTemplates, OnConflict};
use flowloom_core::gallery;
use flowloom_core::model::{FlowChange, FlowVersion, GalleryFlow};
use flowloom_core::user_files;
use flowloom_core::validation::Diagnostic;
use flowloom_core::{
    CompositionId, Flow, FlowDetail, FlowQuery, FlowSummary, TemplateDetail, Workspace,
};
use serde::Serialize;
use tauri::State;

/// Where the app is working, for the title bar and the empty states.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct WorkspaceInfo {
    pub root: String,
    pub data_dir: String,
}

#[tauri::command]
#[specta::specta]
pub fn workspace_info(workspace: State<'_, Workspace>) -> WorkspaceInfo {
    WorkspaceInfo {
        root: workspace.root().display().to_string(),
        data_dir: workspace.data_dir().display().to_string(),
    }
}

#[tauri::command]
#[specta::specta]
pub async fn list_flows(
    workspace: State<'_, Workspace>,
    query: FlowQuery,
) -> Result<Vec<FlowSummary>, AppError> {
    Ok(workspace.store().list_flows(&query).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_flow(
    workspace: State<'_, Workspace>,
    composition_id: CompositionId,
) -> Result<FlowDetail, AppError> {
    // Opening a flow is using it (the gallery and the home list show when it was last used).
    workspace.store().mark_used(&composition_id).await?;
    Ok(workspace.store().get_flow(&composition_id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn list_templates(
    workspace: State<'_, Workspace>,
) -> Result<Vec<TemplateDetail>, AppError> {
    Ok(workspace.store().list_templates().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_favorite(
    workspace: State<'_, Workspace>,
    composition_id: CompositionId,
    favorite: bool,
) -> Result<(), AppError> {
    Ok(workspace
        .store()
        .set_favorite(&composition_id, favorite)
        .await?)
}

/// Every problem of a flow as drawn, checked against the workspace's templates.
#[tauri::command]
#[specta::specta]
pub async fn validate_flow(
    workspace: State<'_, Workspace>,
    runs: State<'_, Runs>,
    flow: Flow,
) -> Result<Vec<Diagnostic>, AppError> {
    let catalog = workspace.store().catalog_for(&flow).await?;
    Ok(plan_check::check_in_workspace(&flow, &catalog, &*runs).await)
}

/// Saves the flow being edited (a new version when it changed), valid or not: a flow is
/// drawn one step at a time. Answers with its problems, so the canvas marks them at once.
#[tauri::command]
#[specta::specta]
pub async fn save_flow(runs: State<'_, Runs>, flow: Flow) -> Result<SavedFlow, AppError> {
    Ok(runs.save(flow).await?.0)
}

/// A flow's name as typed, trimmed; `None` when there is none.
fn flow_name(name: &str) -> Option<&str> {
    Some(name.trim()).filter(|name| !name.is_empty())
}

fn no_name() -> AppError {
    AppError::new(ErrorCode::InvalidInput, "a flow needs a name")
}

/// Creates an empty flow named `name`, with an id made from the name.
#[tauri::command]
#[specta::specta]
pub async fn create_flow(
    workspace: State<'_, Workspace>,
    name: String,
) -> Result<FlowDetail, AppError> {
    let name = flow_name(&name).ok_or_else(no_name)?;
    let store = workspace.store();
    let flow = Flow::empty(store.fresh_flow_id(name).await?, name);
    store.create_flow(&flow).await?;
    Ok(store.get_flow(&flow.composition.composition_id).await?)
}

/// Copies flow `composition_id` (nodes, connections, parameters, tags) as a new flow `name`.
#[tauri::command]
#[specta::specta]
pub async fn duplicate_flow(
    workspace: State<'_, Workspace>,
    composition_id: CompositionId,
    name: String,
) -> Result<FlowDetail, AppError> {
    let name = flow_name(&name).ok_or_else(no_name)?;
    let store = workspace.store();
    let copy = store.duplicate_flow(&composition_id, name).await?;
    Ok(store.get_flow(&copy).await?)
}

/// Deletes flow `composition_id` with its versions and run history (the UI asks first).
#[tauri::command]
#[specta::specta]
pub async fn delete_flow(
    workspace: State<'_, Workspace>,
    composition_id: CompositionId,
) -> Result<(), AppError> {
    Ok(workspace.store().delete_flow(&composition_id).await?)
}

/// Imports the flow file at `path` (chosen by the user in the dialog or dropped on the
/// window, `FileUse::ImportFlow`; any other path is refused).
#[tauri::command]
#[specta::specta]
pub async fn import_flow_file(
    workspace: State<'_, Workspace>,
    chosen: State<'_, ChosenFiles>,
    runs: State<'_, Runs>,
    path: String,
    on_conflict: OnConflict,
) -> Result<ImportOutcome, AppError> {
    let file = chosen.file(FileUse::ImportFlow, &path)?;
    let text = user_files::read_text(file.path(), flowfile::MAX_FILE_BYTES as u64)
        .map_err(|e| AppError::unreadable_file(e.to_string()))?;
    let (store, newer) = (workspace.store(), NewerTemplates::Warn);
    let import = flowfile::import_checked(store, &text, on_conflict, newer, Some(&*runs));
    let outcome = import.await?;
    file.used();
    Ok(outcome)
}

/// Writes a stored flow, with its templates, as a flow file at `path` (chosen in the save
/// dialog, `FileUse::ExportFlow`; any other path is refused).
#[tauri::command]
#[specta::specta]
pub async fn export_flow_file(
    workspace: State<'_, Workspace>,
    chosen: State<'_, ChosenFiles>,
    composition_id: CompositionId,
    path: String,
) -> Result<(), AppError> {
    let file = chosen.file(FileUse::ExportFlow, &path)?;
    let text = flowfile::export(workspace.store(), &composition_id)
        .await?
        .to_text();
    Ok(file.write(text)?)
}

/// Flow `composition_id`'s versions, newest first, with what changed in each.
#[tauri::command]
#[specta::specta]
pub async fn list_versions(
    workspace: State<'_, Workspace>,
    composition_id: CompositionId,
) -> Result<Vec<FlowVersion>, AppError> {
    Ok(workspace.store().list_versions(&composition_id).await?)
}

/// The flow as version `version` held it (to draw it beside another).
#[tauri::command]
#[specta::specta]
pub async fn get_version(
    workspace: State<'_, Workspace>,
    composition_id: CompositionId,
    version: u32,
) -> Result<Flow, AppError> {
    Ok(workspace
        .store()
        .get_version(&composition_id, version)
        .await?)
}

/// What changed from version `from` to version `to`.
#[tauri::command]
#[specta::specta]
pub async fn diff_versions(
    workspace: State<'_, Workspace>,
    composition_id: CompositionId,
    from: u32,
    to: u32,
) -> Result<Vec<FlowChange>, AppError> {
    Ok(workspace
        .store()
        .diff_versions(&composition_id, from, to)
        .await?)
}

/// Makes the flow what version `version` was, as a new version; answers with the flow now.
#[tauri::command]
#[specta::specta]
pub async fn restore_version(
    workspace: State<'_, Workspace>,
    composition_id: CompositionId,
    version: u32,
) -> Result<FlowDetail, AppError> {
    let store = workspace.store();
    store.restore_version(&composition_id, version).await?;
    Ok(store.get_flow(&composition_id).await?)
}

/// The flow gallery: whole flows to start from, by category.
#[tauri::command]
#[specta::specta]
pub async fn list_gallery(workspace: State<'_, Workspace>) -> Result<Vec<GalleryFlow>, AppError> {
    Ok(workspace.store().list_gallery().await?)
}

/// "Use this flow": makes the user's own flow from gallery flow `id`; answers with it.
#[tauri::command]
#[specta::specta]
pub async fn use_gallery_flow(
    workspace: State<'_, Workspace>,
    id: String,
) -> Result<FlowDetail, AppError> {
    let store = workspace.store();
    let made = gallery::use_flow(store, &id).await?;
    Ok(store.get_flow(&made.composition_id).await?)
}
