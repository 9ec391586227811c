//! Data tables from the window: list, define and change them, browse and edit their rows,
//! import files into them and export them. Thin adapters over the core's store; a refused
//! change comes back with every problem (`AppError::details`: schema or row problems).

use crate::error::{AppError, ErrorCode};
use crate::files::{ChosenFiles, FileUse};
use flowloom_core::Workspace;
use flowloom_core::engine::export_table;
use flowloom_core::engine::results::Format;
use flowloom_core::model::{
    DroppedTable, RowsQuery, TableDetail, TableSchema, TableSummary, TableVersion,
};
use flowloom_core::store::{FileImport, RowsPage};
use flowloom_core::tables::import;
use serde_json::{Map, Value};
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn list_tables(workspace: State<'_, Workspace>) -> Result<Vec<TableSummary>, AppError> {
    Ok(workspace.store().list_tables().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_table(
    workspace: State<'_, Workspace>,
    name: String,
) -> Result<TableDetail, AppError> {
    Ok(workspace.store().get_table(&name).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn create_table(
    workspace: State<'_, Workspace>,
    name: String,
    display_name: String,
    schema: TableSchema,
) -> Result<TableDetail, AppError> {
    let user = Workspace::user();
    Ok(workspace
        .store()
        .create_table(&name, display_name.trim(), &schema, user.as_deref())
        .await?)
}

/// Changes table `name`'s columns to `schema`'s, its rows with them, as a new version.
#[tauri::command]
#[specta::specta]
pub async fn alter_table(
    workspace: State<'_, Workspace>,
    name: String,
    schema: TableSchema,
) -> Result<TableDetail, AppError> {
    let user = Workspace::user();
    Ok(workspace
        .store()
        .alter_table(&name, &schema, user.as_deref())
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn rename_table(
    workspace: State<'_, Workspace>,
    name: String,
    new_name: String,
) -> Result<TableDetail, AppError> {
    let user = Workspace::user();
    Ok(workspace
        .store()
        .rename_table(&name, new_name.trim(), user.as_deref())
        .await?)
}

/// Drops table `name` and its rows (the UI asks first); its history stays.
#[tauri::command]
#[specta::specta]
pub async fn drop_table(workspace: State<'_, Workspace>, name: String) -> Result<(), AppError> {
    Ok(workspace.store().drop_table(&name).await?)
}

/// Table `name`'s schema versions, newest first.
#[tauri::command]
#[specta::specta]
pub async fn table_history(
    workspace: State<'_, Workspace>,
    name: String,
) -> Result<Vec<TableVersion>, AppError> {
    Ok(workspace.store().table_history(&name).await?)
}

/// The history of each dropped table that was called `name`, most recently dropped first.
#[tauri::command]
#[specta::specta]
pub async fn dropped_table_history(
    workspace: State<'_, Workspace>,
    name: String,
) -> Result<Vec<DroppedTable>, AppError> {
    Ok(workspace.store().dropped_table_history(&name).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn table_rows(
    workspace: State<'_, Workspace>,
    name: String,
    query: RowsQuery,
) -> Result<RowsPage, AppError> {
    Ok(workspace.store().table_rows(&name, &query).await?)
}

/// Adds one row; answers with its `_id`.
#[tauri::command]
#[specta::specta]
pub async fn insert_table_row(
    workspace: State<'_, Workspace>,
    name: String,
    values: Map<String, Value>,
) -> Result<i64, AppError> {
    let ids = workspace.store().insert_rows(&name, &[values]).await?;
    Ok(ids.first().copied().unwrap_or_default())
}

#[tauri::command]
#[specta::specta]
pub async fn update_table_row(
    workspace: State<'_, Workspace>,
    name: String,
    id: i64,
    values: Map<String, Value>,
) -> Result<(), AppError> {
    Ok(workspace.store().update_row(&name, id, &values).await?)
}

/// Deletes rows by `_id` (referring rows follow their `on_delete`); answers how many went.
#[tauri::command]
#[specta::specta]
pub async fn delete_table_rows(
    workspace: State<'_, Workspace>,
    name: String,
    ids: Vec<i64>,
) -> Result<u64, AppError> {
    Ok(workspace.store().delete_rows(&name, &ids).await?)
}

/// The table a file would make: its columns and inferred types, for the import wizard to
/// show and adjust before anything is written. `path` was chosen in the dialog
/// (`FileUse::ImportTable`; any other path is refused); reading it does not spend the choice.
#[tauri::command]
#[specta::specta]
pub async fn infer_table_schema(
    chosen: State<'_, ChosenFiles>,
    path: String,
) -> Result<TableSchema, AppError> {
    let path = chosen.file(FileUse::ImportTable, &path)?.path().to_owned();
    tauri::async_runtime::spawn_blocking(move || import::infer(&path, 10_000))
        .await
        .map_err(|e| AppError::new(ErrorCode::Internal, e))?
        .map_err(AppError::unreadable_file)
}

/// Imports the file at `path` (chosen in the dialog, `FileUse::ImportTable`; any other path
/// is refused) into table `table`, making it (with `schema`, or the inferred one) when it
/// does not exist. Refused rows fail it with every problem, unless `skip_invalid`: then they
/// are left out and written to a report file beside the source.
#[tauri::command]
#[specta::specta]
pub async fn import_table_file(
    workspace: State<'_, Workspace>,
    chosen: State<'_, ChosenFiles>,
    path: String,
    table: String,
    schema: Option<TableSchema>,
    skip_invalid: bool,
) -> Result<FileImport, AppError> {
    let file = chosen.file(FileUse::ImportTable, &path)?;
    let (store, user, skip) = (workspace.store(), Workspace::user(), skip_invalid);
    let (source, schema) = (file.path(), schema.as_ref());
    let import = store.import_file(source, &table, schema, skip, None, user.as_deref());
    let imported = import.await?;
    file.used();
    Ok(imported)
}

/// Writes every row of table `name` to `path` (chosen in the save dialog,
/// `FileUse::ExportTable`; any other path is refused); answers how many.
#[tauri::command]
#[specta::specta]
pub async fn export_table_file(
    workspace: State<'_, Workspace>,
    chosen: State<'_, ChosenFiles>,
    name: String,
    format: Format,
    path: String,
) -> Result<u64, AppError> {
    let target = chosen.file(FileUse::ExportTable, &path)?;
    let file = std::io::BufWriter::new(target.create()?);
    let rows = export_table(workspace.store(), &name, format, file).await?;
    target.used();
    Ok(rows)
}
