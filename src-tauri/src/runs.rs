//! Running flows from the window: start one (its progress reaches the UI as typed
//! [`RunProgress`] events while it runs), cancel it, read the history. Thin adapters over
//! `flowloom_core::engine`; one run per flow at a time.

use crate::error::{AppError, ErrorCode};
use crate::files::{ChosenFiles, FileUse};
use flowloom_core::api::{self, ActiveRun, RunNotice, RunOutcome, RunRequest, Runs};
use flowloom_core::engine::LocalEngine;
use flowloom_core::engine::results::{self, Format};
use flowloom_core::engine::run::{self, RunEvent, ShadowedGlobal};
use flowloom_core::model::{ResultColumn, RunDetail, RunId, RunSummary, Trigger};
use flowloom_core::{CompositionId, Flow, NodeId, Workspace};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tauri::{AppHandle, State};
use tauri_specta::Event;

/// The data engine the app tests templates on.
#[derive(Debug, Clone)]
pub struct Engine(pub Arc<LocalEngine>);

/// Where each of the flow's global parameters does not reach a node, because the node sets
/// that parameter itself by an override or a mapping (default → global → override →
/// mapping): the run dialog says which of the values given there a node will not use.
#[tauri::command]
#[specta::specta]
pub fn shadowed_globals(flow: Flow) -> Vec<ShadowedGlobal> {
    let names = flow
        .composition
        .global_parameters
        .iter()
        .map(|g| g.name.as_str());
    run::shadowed_globals(&flow, names)
}

/// A run's progress, as it happens (every run's, the scheduler's included).
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, Event)]
pub struct RunProgress {
    pub composition_id: CompositionId,
    pub event: RunEvent,
}

/// A run started or ended, whoever started it: the window shows a schedule's run of the
/// open flow as it shows its own, and can cancel it.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, Event)]
pub struct RunActivity {
    pub notice: RunNotice,
}

/// Sends what happens to the workspace's runs to the window as events.
pub fn forward_to_window(runs: &Runs, app: AppHandle) {
    runs.listen(move |notice| {
        // A window that is gone cannot hear; the run goes on and is recorded.
        let _ = match notice {
            RunNotice::Progress {
                composition_id,
                event,
            } => RunProgress {
                composition_id: composition_id.clone(),
                event: event.clone(),
            }
            .emit(&app),
            other => RunActivity {
                notice: other.clone(),
            }
            .emit(&app),
        };
    });
}

/// Runs a stored flow as `request` asks (with the window's unsaved `edits`, saved first),
/// keeps it in the history, and resolves when it ends with its outcome, the flow's history
/// and bookkeeping; `RunProgress` events stream meanwhile.
#[tauri::command]
#[specta::specta]
pub async fn run_flow(
    runs: State<'_, Runs>,
    composition_id: CompositionId,
    request: RunRequest,
    edits: Option<Flow>,
) -> Result<RunOutcome, AppError> {
    let (flow, saved) = runs.flow_to_run(&composition_id, edits).await?;
    let (run, _) = runs
        .start(&flow, &request, Trigger::Manual, &|_| {})
        .await?;
    let outcome = runs.outcome(&composition_id, run).await?;
    Ok(RunOutcome { saved, ..outcome })
}

/// Cancels the flow's run in progress, whoever started it; says whether there was one.
#[tauri::command]
#[specta::specta]
pub fn cancel_run(runs: State<'_, Runs>, composition_id: CompositionId) -> bool {
    runs.cancel(&composition_id)
}

/// The runs in progress (the window's, the scheduler's).
#[tauri::command]
#[specta::specta]
pub fn active_runs(runs: State<'_, Runs>) -> Vec<ActiveRun> {
    runs.active()
}

/// The flow's runs, newest first.
#[tauri::command]
#[specta::specta]
pub async fn list_runs(
    workspace: State<'_, Workspace>,
    composition_id: CompositionId,
) -> Result<Vec<RunSummary>, AppError> {
    Ok(workspace.store().list_runs(Some(&composition_id)).await?)
}

/// A page of a node's stored result, for the results table.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ResultPage {
    pub columns: Vec<ResultColumn>,
    pub rows: Vec<serde_json::Map<String, serde_json::Value>>,
    pub offset: u32,
    pub total_rows: u32,
}

impl ResultPage {
    /// `page` (starting at row `offset` of its result) as the results table reads it.
    pub fn of(page: &results::Page, offset: u32) -> Result<Self, results::ResultError> {
        Ok(Self {
            columns: page
                .schema
                .fields()
                .iter()
                .map(|f| ResultColumn {
                    name: f.name().clone(),
                    data_type: f.data_type().to_string(),
                })
                .collect(),
            rows: page.rows()?,
            offset,
            total_rows: u32::try_from(page.total_rows).unwrap_or(u32::MAX),
        })
    }
}

/// Rows `offset..offset + limit` of a node's result in a run.
#[tauri::command]
#[specta::specta]
pub async fn result_page(
    workspace: State<'_, Workspace>,
    run_id: RunId,
    node_id: NodeId,
    offset: u32,
    limit: u32,
) -> Result<ResultPage, AppError> {
    let location = api::kept_result(&workspace, run_id, &node_id).await?;
    let page = results::page(
        workspace.root(),
        &location,
        offset as usize,
        Some(limit as usize),
    )
    .map_err(|e| AppError::new(ErrorCode::Internal, e))?;
    ResultPage::of(&page, offset).map_err(|e| AppError::new(ErrorCode::Internal, e))
}

/// Writes a node's whole result in a run to `path` (chosen in the save dialog,
/// `FileUse::ExportResult`; any other path is refused).
#[tauri::command]
#[specta::specta]
pub async fn export_result(
    workspace: State<'_, Workspace>,
    chosen: State<'_, ChosenFiles>,
    run_id: RunId,
    node_id: NodeId,
    format: Format,
    path: String,
) -> Result<(), AppError> {
    let target = chosen.file(FileUse::ExportResult, &path)?;
    let location = api::kept_result(&workspace, run_id, &node_id).await?;
    let page = results::page(workspace.root(), &location, 0, None)
        .map_err(|e| AppError::new(ErrorCode::Internal, e))?;
    let file = target.create()?;
    results::export(&page, format, std::io::BufWriter::new(file))
        .map_err(|e| AppError::new(ErrorCode::Internal, e))?;
    target.used();
    Ok(())
}

/// One run with every node's record.
#[tauri::command]
#[specta::specta]
pub async fn get_run(
    workspace: State<'_, Workspace>,
    run_id: RunId,
) -> Result<RunDetail, AppError> {
    Ok(workspace.store().get_run(run_id).await?)
}
