//! Running flows from the window: start one (its progress reaches the UI as typed
//! [`RunProgress`] events while it runs), cancel it, read the history. Thin adapters over
//! `flowloom_core::engine`; one run per flow at a time.

use crate::error::{AppError, ErrorCode};
use flowloom_core::engine::LocalEngine;
use flowloom_core::engine::history;
use flowloom_core::engine::run::{CancellationToken, RunEvent, RunOptions};
use flowloom_core::model::{RunDetail, RunId, RunSummary, Trigger};
use flowloom_core::validation::{self, Catalog};
use flowloom_core::{CompositionId, Workspace};
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

/// A run's progress, as it happens.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, Event)]
pub struct RunProgress {
    pub composition_id: CompositionId,
    pub event: RunEvent,
}

/// Runs a stored flow with `parameters` over its global defaults, keeps it in the history,
/// and resolves when it ends (with its outcome); `RunProgress` events stream meanwhile.
#[tauri::command]
#[specta::specta]
pub async fn run_flow(
    app: AppHandle,
    workspace: State<'_, Workspace>,
    engine: State<'_, Engine>,
    active: State<'_, ActiveRuns>,
    composition_id: CompositionId,
    parameters: BTreeMap<String, serde_json::Value>,
) -> Result<RunSummary, AppError> {
    let flow = workspace.store().get_flow(&composition_id).await?.flow;
    let catalog = Catalog::from_details(workspace.store().list_templates().await?);
    let flow = validation::validate(flow, &catalog).map_err(AppError::cannot_run)?;
    let options = RunOptions {
        parameters,
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

/// One run with every node's record.
#[tauri::command]
#[specta::specta]
pub async fn get_run(
    workspace: State<'_, Workspace>,
    run_id: RunId,
) -> Result<RunDetail, AppError> {
    Ok(workspace.store().get_run(run_id).await?)
}
