//! Running flows from the window: start one (its progress reaches the UI as typed
//! [`RunProgress`] events while it runs), cancel it, read the history. Thin adapters over
//! `flowloom_core::engine`; one run per flow at a time.

use crate::error::{AppError, ErrorCode};
use crate::files::{ChosenFiles, FileUse};
use flowloom_core::engine::LocalEngine;
use flowloom_core::engine::history;
use flowloom_core::engine::results::{self, Format};
use flowloom_core::engine::run::{self, CancellationToken, RunEvent, RunOptions, ShadowedGlobal};
use flowloom_core::model::{ResultColumn, RunDetail, RunId, RunSummary, Trigger};
use flowloom_core::validation;
use flowloom_core::{CompositionId, Flow, NodeId, Workspace};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use tauri::{AppHandle, State};
use tauri_specta::Event;

/// The data engine the app runs flows on.
#[derive(Debug, Clone)]
pub struct Engine(pub Arc<LocalEngine>);

/// The runs in progress, by flow, with what cancels each.
#[derive(Debug, Default)]
pub struct ActiveRuns(Mutex<HashMap<CompositionId, CancellationToken>>);

impl ActiveRuns {
    fn tokens(&self) -> std::sync::MutexGuard<'_, HashMap<CompositionId, CancellationToken>> {
        // A poisoned map only means a thread panicked mid-insert; the map itself is fine.
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

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

/// A run's progress, as it happens.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, Event)]
pub struct RunProgress {
    pub composition_id: CompositionId,
    pub event: RunEvent,
}

/// How to run a flow, as the run dialog (and the canvas's "run to / from here") asks.
#[derive(Debug, Clone, Default, Serialize, Deserialize, specta::Type)]
#[serde(default)]
pub struct RunRequest {
    /// Global parameter values as typed in the dialog, parsed by each parameter's type (lists
    /// comma-separated or a JSON array); a parameter left out keeps its default.
    pub parameters: BTreeMap<String, String>,
    /// Run only this node and what it needs.
    pub to: Option<NodeId>,
    /// Rerun this node and everything downstream, reusing kept results upstream.
    pub from: Option<NodeId>,
    /// Run every node even when an unchanged result could be reused.
    pub no_cache: bool,
}

/// Runs a stored flow as `request` asks, keeps it in the history, and resolves when it ends
/// (with its outcome); `RunProgress` events stream meanwhile.
#[tauri::command]
#[specta::specta]
pub async fn run_flow(
    app: AppHandle,
    workspace: State<'_, Workspace>,
    engine: State<'_, Engine>,
    active: State<'_, ActiveRuns>,
    composition_id: CompositionId,
    request: RunRequest,
) -> Result<RunSummary, AppError> {
    let flow = workspace.store().get_flow(&composition_id).await?.flow;
    let catalog = workspace.store().catalog_for(&flow).await?;
    let flow = validation::validate(flow, &catalog).map_err(AppError::cannot_run)?;
    let given = request
        .parameters
        .iter()
        .map(|(name, text)| (name.as_str(), text.as_str()));
    let options = RunOptions {
        parameters: run::parameters_from_text(flow.flow(), given)?,
        to: request.to,
        from: request.from,
        no_cache: request.no_cache,
        ..RunOptions::default()
    };
    {
        let mut tokens = active.tokens();
        if tokens.contains_key(&composition_id) {
            return Err(AppError::new(
                ErrorCode::Conflict,
                format!("flow `{composition_id}` is already running"),
            ));
        }
        tokens.insert(composition_id.clone(), options.cancel.clone());
    }
    let emit = |event: RunEvent| {
        let progress = RunProgress {
            composition_id: composition_id.clone(),
            event,
        };
        // A window that is gone cannot hear progress; the run goes on and is recorded.
        let _ = progress.emit(&app);
    };
    let outcome = history::run_recorded(
        &workspace,
        &flow,
        engine.0.clone(),
        &options,
        Trigger::Manual,
        &emit,
    )
    .await;
    active.tokens().remove(&composition_id);
    let (run_id, _) = outcome?;
    Ok(workspace.store().get_run(run_id).await?.summary)
}

/// Cancels the flow's run in progress, if any; says whether there was one.
#[tauri::command]
#[specta::specta]
pub fn cancel_run(active: State<'_, ActiveRuns>, composition_id: CompositionId) -> bool {
    active
        .tokens()
        .get(&composition_id)
        .map(CancellationToken::cancel)
        .is_some()
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
    let location = stored_result(&workspace, run_id, &node_id).await?;
    let page = results::page(
        workspace.root(),
        &location,
        offset as usize,
        Some(limit as usize),
    )
    .map_err(|e| AppError::new(ErrorCode::Internal, e))?;
    ResultPage::of(&page, offset).map_err(|e| AppError::new(ErrorCode::Internal, e))
}

/// How a result is exported.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Csv,
    Json,
    Parquet,
}

impl From<ExportFormat> for Format {
    fn from(format: ExportFormat) -> Self {
        match format {
            ExportFormat::Csv => Format::Csv,
            ExportFormat::Json => Format::Json,
            ExportFormat::Parquet => Format::Parquet,
        }
    }
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
    format: ExportFormat,
    path: String,
) -> Result<(), AppError> {
    let target = chosen.file(FileUse::ExportResult, &path)?;
    let location = stored_result(&workspace, run_id, &node_id).await?;
    let page = results::page(workspace.root(), &location, 0, None)
        .map_err(|e| AppError::new(ErrorCode::Internal, e))?;
    let file = target.create()?;
    results::export(&page, format.into(), std::io::BufWriter::new(file))
        .map_err(|e| AppError::new(ErrorCode::Internal, e))?;
    target.used();
    Ok(())
}

async fn stored_result(
    workspace: &Workspace,
    run_id: RunId,
    node_id: &NodeId,
) -> Result<String, AppError> {
    let run = workspace.store().get_run(run_id).await?;
    run.nodes
        .into_iter()
        .find(|n| &n.node_id == node_id)
        .and_then(|n| n.result_location)
        .ok_or_else(|| {
            AppError::new(
                ErrorCode::NotFound,
                format!("run {run_id} kept no result for node `{node_id}`"),
            )
        })
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
