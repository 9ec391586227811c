//! Tauri commands: thin, typed adapters from the UI to the core. No SQL, no graph logic here.

use crate::error::AppError;
use flowloom_core::{CompositionId, FlowDetail, FlowQuery, FlowSummary, TemplateDetail, Workspace};
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
