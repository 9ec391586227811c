//! Data sources from the window: the Data sources screen lists, adds, edits, tests and
//! removes them. Thin adapters over `flowloom_core::sources` and the store; a password
//! typed in the window goes to the OS keyring, never to the database.

use crate::error::{AppError, ErrorCode};
use flowloom_core::api::Runs;
use flowloom_core::model::{DataSource, SourceConfig, SourceDetail};
use flowloom_core::sources::{SecretError, SourceCheck, SourceError, secrets};
use flowloom_core::{SourceId, Workspace};
use tauri::State;

impl From<SourceError> for AppError {
    fn from(err: SourceError) -> Self {
        match err {
            SourceError::Store(err) => err.into(),
            other => Self::new(ErrorCode::SourceUnavailable, other),
        }
    }
}

#[tauri::command]
#[specta::specta]
pub async fn list_sources(workspace: State<'_, Workspace>) -> Result<Vec<SourceDetail>, AppError> {
    Ok(workspace.store().list_sources().await?)
}

/// Adds `source`; `password`, when given, is kept in the OS keyring.
#[tauri::command]
#[specta::specta]
pub async fn add_source(
    workspace: State<'_, Workspace>,
    source: DataSource,
    password: Option<String>,
) -> Result<SourceDetail, AppError> {
    keep_password(&source, password.as_deref())?;
    Ok(workspace.store().add_source(&source).await?)
}

/// Changes `source`'s name and how to reach it (its id and kind stay); `password`, when
/// given, replaces the one the keyring keeps.
#[tauri::command]
#[specta::specta]
pub async fn update_source(
    workspace: State<'_, Workspace>,
    source: DataSource,
    password: Option<String>,
) -> Result<SourceDetail, AppError> {
    keep_password(&source, password.as_deref())?;
    Ok(workspace.store().update_source(&source).await?)
}

/// Removes source `id`: refused while a template runs on it.
#[tauri::command]
#[specta::specta]
pub async fn remove_source(workspace: State<'_, Workspace>, id: SourceId) -> Result<(), AppError> {
    let store = workspace.store();
    let source = store.get_source(&id).await?.source;
    store.remove_source(&id).await?;
    if let SourceConfig::Postgres(pg) = &source.config {
        secrets::forget_password(pg);
    }
    Ok(())
}

/// Connects to `source` as the form holds it (saved or not; `password` as typed, else
/// where the source says) and asks the server its version.
#[tauri::command]
#[specta::specta]
pub async fn test_source(
    runs: State<'_, Runs>,
    source: DataSource,
    password: Option<String>,
) -> Result<SourceCheck, AppError> {
    Ok(runs.sources().test_with(&source, password).await?)
}

fn keep_password(source: &DataSource, password: Option<&str>) -> Result<(), AppError> {
    match (&source.config, password) {
        (SourceConfig::Postgres(pg), Some(password)) if !password.is_empty() => {
            secrets::keep_password(pg, password).map_err(not_kept)
        }
        _ => Ok(()),
    }
}

/// Why a typed password could not be kept, in the form's words: the form is the context (no
/// source id the user never saw), and the other two ways are named as the form and
/// PostgreSQL name them, the keyring's own reason last.
fn not_kept(err: SecretError) -> AppError {
    let why = match err {
        SecretError::NoKeyring { why } => why,
        other => other.to_string(),
    };
    AppError::new(
        ErrorCode::SourceUnavailable,
        format!(
            "This computer has no keyring to keep the password in. Choose “An environment \
             variable” and name one that holds the password, or put the password in a \
             PostgreSQL password file (PGPASSFILE, else ~/.pgpass). The keyring said: {why}"
        ),
    )
}
