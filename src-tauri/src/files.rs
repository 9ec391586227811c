//! Files the window reads or writes: only those the user chose.
//!
//! A command that imports or exports a file takes the path the UI hands it, and the web view
//! is not trusted with paths: a script in the page could name any file on the machine. So a
//! path reaches such a command only as the answer of a native file dialog that Rust opened
//! ([`choose_file`]) or as a file the user dropped on the window ([`dropped`]). Each answer is
//! kept here for the one use it was asked for ([`FileUse`]); the command finds it
//! ([`ChosenFiles::file`]) and spends it once it succeeded ([`ChosenFile::used`]). Any other
//! path, or a chosen one used for something else or a second time, is refused with
//! [`ErrorCode::FileNotChosen`] before the file is touched. A failed attempt keeps the choice,
//! so the same import can be retried (a conflict answered, a fixed file read again).

use crate::error::{AppError, ErrorCode};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tauri::Window;
use tauri_plugin_dialog::DialogExt;

/// What a file is chosen for: it decides the dialog (open or save, its title and filters)
/// and the one command that may use the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum FileUse {
    /// A flow file to import (`import_flow_file`).
    ImportFlow,
    /// A data file (CSV, JSON, JSON Lines, Parquet) to read into a table
    /// (`infer_table_schema`, `import_table_file`).
    ImportTable,
    /// A template pack to import (`import_template_pack`).
    ImportTemplates,
    /// Where to write a flow file (`export_flow_file`).
    ExportFlow,
    /// Where to write a node's result (`export_result`).
    ExportResult,
    /// Where to write a table's rows (`export_table_file`).
    ExportTable,
    /// Where to write a template pack (`export_template_pack`).
    ExportTemplates,
}

/// The extensions a data file to import may have (`flowloom_core::tables::import` reads them).
const TABLE_FILE_EXTENSIONS: [&str; 4] = ["csv", "json", "jsonl", "parquet"];

impl FileUse {
    /// The dialog's title (the end-to-end tests find the dialog by it).
    pub fn title(self) -> &'static str {
        match self {
            Self::ImportFlow => "Import a flow",
            Self::ImportTable => "Import a data file",
            Self::ImportTemplates => "Import a template pack",
            Self::ExportFlow => "Export the flow",
            Self::ExportResult => "Export the result",
            Self::ExportTable => "Export the table",
            Self::ExportTemplates => "Export templates",
        }
    }

    fn writes(self) -> bool {
        matches!(
            self,
            Self::ExportFlow | Self::ExportResult | Self::ExportTable | Self::ExportTemplates
        )
    }

    /// The dialog's file filter: a name and the extensions it shows. An export's format is the
    /// extension of the name it suggests.
    fn filter(self, suggested: Option<&str>) -> Option<(String, Vec<String>)> {
        let own = |name: &str, extensions: &[&str]| {
            let extensions = extensions.iter().map(|e| (*e).to_owned()).collect();
            Some((name.to_owned(), extensions))
        };
        match self {
            Self::ImportFlow | Self::ExportFlow => own("Flowloom flow", &["json"]),
            Self::ImportTemplates | Self::ExportTemplates => {
                own("Flowloom template pack", &["json"])
            }
            Self::ImportTable => own("Data file", &TABLE_FILE_EXTENSIONS),
            Self::ExportResult | Self::ExportTable => {
                let extension = Path::new(suggested?).extension()?.to_str()?.to_owned();
                Some((
                    format!("{} file", extension.to_uppercase()),
                    vec![extension],
                ))
            }
        }
    }
}

/// The files the user chose, each for one use; app state.
#[derive(Debug, Default)]
pub struct ChosenFiles {
    chosen: Mutex<HashMap<FileUse, Chosen>>,
}

#[derive(Debug, Clone)]
struct Chosen {
    /// The path as the UI was given it (and gives it back).
    shown: String,
    path: PathBuf,
}

impl ChosenFiles {
    /// Records `path`, chosen by the user for `purpose` (replacing an earlier choice for it);
    /// answers the path as the UI shows it and hands it back.
    pub fn choose(&self, purpose: FileUse, path: PathBuf) -> String {
        let shown = path.display().to_string();
        let chosen = Chosen {
            shown: shown.clone(),
            path,
        };
        self.lock().insert(purpose, chosen);
        shown
    }

    /// The file at `shown` if the user chose it for `purpose`, else `FileNotChosen`. The
    /// choice stays until [`ChosenFile::used`].
    pub fn file(&self, purpose: FileUse, shown: &str) -> Result<ChosenFile<'_>, FileError> {
        match self.lock().get(&purpose) {
            Some(chosen) if chosen.shown == shown => Ok(ChosenFile {
                files: self,
                purpose,
                chosen: chosen.clone(),
            }),
            _ => Err(FileError::NotChosen {
                purpose,
                shown: shown.to_owned(),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<FileUse, Chosen>> {
        // A panic while holding the lock leaves a map that is still whole.
        self.chosen
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Why a chosen file could not be used; becomes an [`AppError`] for the UI.
#[derive(Debug)]
pub enum FileError {
    /// The path was not chosen for this use (or its choice is spent).
    NotChosen { purpose: FileUse, shown: String },
    /// The chosen file could not be written.
    CannotWrite {
        shown: String,
        error: std::io::Error,
    },
}

impl From<FileError> for AppError {
    fn from(err: FileError) -> Self {
        match err {
            FileError::NotChosen { purpose, shown } => {
                let verb = if purpose.writes() { "write" } else { "read" };
                AppError::new(
                    ErrorCode::FileNotChosen,
                    format!(
                        "{shown} was not chosen in the \u{201c}{}\u{201d} file dialog: the app \
                         {verb}s only a file the user chose for this (in the dialog, or dropped \
                         on the window), once",
                        purpose.title()
                    ),
                )
            }
            FileError::CannotWrite { shown, error } => AppError::new(
                ErrorCode::Internal,
                format!("cannot write {shown}: {error}"),
            ),
        }
    }
}

/// A file the user chose, found for its use.
#[derive(Debug)]
pub struct ChosenFile<'a> {
    files: &'a ChosenFiles,
    purpose: FileUse,
    chosen: Chosen,
}

impl ChosenFile<'_> {
    pub fn path(&self) -> &Path {
        &self.chosen.path
    }

    /// The path as the UI shows it, for messages.
    pub fn shown(&self) -> &str {
        &self.chosen.shown
    }

    /// The use succeeded: the choice is spent (unless the user chose again meanwhile).
    pub fn used(self) {
        let mut chosen = self.files.lock();
        if chosen
            .get(&self.purpose)
            .is_some_and(|c| c.shown == self.chosen.shown)
        {
            chosen.remove(&self.purpose);
        }
    }

    /// Writes `contents` to the file, spending the choice when it is written.
    pub fn write(self, contents: impl AsRef<[u8]>) -> Result<(), FileError> {
        std::fs::write(self.path(), contents).map_err(|e| self.cannot_write(e))?;
        self.used();
        Ok(())
    }

    /// Creates (or truncates) the file to write to; the caller spends the choice once written.
    pub fn create(&self) -> Result<std::fs::File, FileError> {
        std::fs::File::create(self.path()).map_err(|e| self.cannot_write(e))
    }

    fn cannot_write(&self, error: std::io::Error) -> FileError {
        FileError::CannotWrite {
            shown: self.shown().to_owned(),
            error,
        }
    }
}

/// Opens the native file dialog for `purpose` (an open dialog to import, a save dialog
/// suggesting `suggested_name` to export) and answers the path the user chose, which the
/// command for `purpose` then accepts once; `null` if the user cancelled.
#[tauri::command]
#[specta::specta]
pub async fn choose_file(
    window: Window,
    chosen: tauri::State<'_, ChosenFiles>,
    purpose: FileUse,
    suggested_name: Option<String>,
) -> Result<Option<String>, AppError> {
    let picked = native_dialog(&window, purpose, suggested_name.as_deref()).await?;
    Ok(picked.map(|path| chosen.choose(purpose, path)))
}

/// Opens the native dialog for `purpose` above `window` and waits for the path the user
/// picks (`None`: cancelled).
async fn native_dialog(
    window: &Window,
    purpose: FileUse,
    suggested_name: Option<&str>,
) -> Result<Option<PathBuf>, AppError> {
    // Only a name: where to save is the user's to choose.
    let suggested = suggested_name
        .and_then(|name| Path::new(name).file_name())
        .and_then(|name| name.to_str())
        .map(str::to_owned);
    let mut dialog = window.dialog().file().set_title(purpose.title());
    if let Some((name, extensions)) = purpose.filter(suggested.as_deref()) {
        let extensions: Vec<&str> = extensions.iter().map(String::as_str).collect();
        dialog = dialog.add_filter(name, &extensions);
    }
    let (answer, answered) = tokio::sync::oneshot::channel();
    if purpose.writes() {
        // As the dialog plugin does: a save dialog stays above the window.
        dialog = dialog.set_parent(window);
        if let Some(name) = suggested {
            dialog = dialog.set_file_name(name);
        }
        dialog.save_file(move |path| {
            let _ = answer.send(path);
        });
    } else {
        dialog.pick_file(move |path| {
            let _ = answer.send(path);
        });
    }
    let picked = answered.await.map_err(|_| {
        AppError::new(
            ErrorCode::Internal,
            "The file dialog closed without an answer",
        )
    })?;
    let Some(picked) = picked else {
        return Ok(None);
    };
    let path = picked.into_path().map_err(|e| {
        AppError::new(
            ErrorCode::Internal,
            format!("The file dialog answered something that is not a path: {e}"),
        )
    })?;
    Ok(Some(path))
}

/// Files dropped on the window: the user chose them, for importing as flows (what the window
/// does with a dropped file).
pub fn dropped(chosen: &ChosenFiles, paths: &[PathBuf]) {
    // The window imports the first flow file among them.
    if let Some(path) = paths
        .iter()
        .find(|p| p.extension().is_some_and(|e| e == "json"))
    {
        chosen.choose(FileUse::ImportFlow, path.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The error the UI would see.
    trait ErrApp {
        fn refused(self, why: &str) -> AppError;
    }

    impl<T: std::fmt::Debug> ErrApp for Result<T, FileError> {
        fn refused(self, why: &str) -> AppError {
            self.expect_err(why).into()
        }
    }

    const USES: [FileUse; 7] = [
        FileUse::ImportFlow,
        FileUse::ImportTable,
        FileUse::ImportTemplates,
        FileUse::ExportFlow,
        FileUse::ExportResult,
        FileUse::ExportTable,
        FileUse::ExportTemplates,
    ];

    #[test]
    fn a_path_nobody_chose_is_refused_for_every_use_with_a_message_naming_it() {
        let chosen = ChosenFiles::default();
        for purpose in USES {
            let err = chosen
                .file(purpose, "/etc/passwd")
                .refused("nothing was chosen");
            assert_eq!(err.code, ErrorCode::FileNotChosen);
            assert!(
                err.message.contains("/etc/passwd") && err.message.contains(purpose.title()),
                "{}",
                err.message
            );
        }
    }

    #[test]
    fn a_chosen_file_serves_its_own_use_once() {
        let chosen = ChosenFiles::default();
        let shown = chosen.choose(
            FileUse::ExportFlow,
            PathBuf::from("/home/ana/top.flow.json"),
        );
        assert_eq!(shown, "/home/ana/top.flow.json");

        // Another use, or another path, is refused.
        for purpose in USES.into_iter().filter(|u| *u != FileUse::ExportFlow) {
            let err = chosen.file(purpose, &shown).refused("not chosen for this");
            assert_eq!(err.code, ErrorCode::FileNotChosen);
        }
        let other = chosen.file(FileUse::ExportFlow, "/home/ana/.bashrc");
        assert_eq!(other.refused("not chosen").code, ErrorCode::FileNotChosen);

        // Found, not used (the write failed): still there to try again.
        let file = chosen.file(FileUse::ExportFlow, &shown).expect("chosen");
        assert_eq!(file.path(), Path::new("/home/ana/top.flow.json"));
        drop(file);
        chosen
            .file(FileUse::ExportFlow, &shown)
            .expect("kept")
            .used();
        let again = chosen.file(FileUse::ExportFlow, &shown);
        assert_eq!(again.refused("spent").code, ErrorCode::FileNotChosen);
    }

    #[test]
    fn a_new_choice_replaces_the_last_one_for_its_use() {
        let chosen = ChosenFiles::default();
        let first = chosen.choose(FileUse::ImportTable, PathBuf::from("/data/a.csv"));
        let found = chosen.file(FileUse::ImportTable, &first).expect("chosen");
        let second = chosen.choose(FileUse::ImportTable, PathBuf::from("/data/b.csv"));
        // Spending the first does not spend the second.
        found.used();
        assert_eq!(
            chosen
                .file(FileUse::ImportTable, &first)
                .refused("replaced")
                .code,
            ErrorCode::FileNotChosen
        );
        chosen
            .file(FileUse::ImportTable, &second)
            .expect("still chosen");
    }

    #[test]
    fn a_write_spends_the_choice_and_a_failed_one_keeps_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let chosen = ChosenFiles::default();
        let missing = chosen.choose(FileUse::ExportTable, dir.path().join("no/such/t.csv"));
        let err = chosen
            .file(FileUse::ExportTable, &missing)
            .expect("chosen")
            .write("a\n")
            .refused("no such folder");
        assert_eq!(err.code, ErrorCode::Internal);
        assert!(err.message.contains(&missing), "{}", err.message);
        chosen.file(FileUse::ExportTable, &missing).expect("kept");

        let target = dir.path().join("t.csv");
        let shown = chosen.choose(FileUse::ExportTable, target.clone());
        chosen
            .file(FileUse::ExportTable, &shown)
            .expect("chosen")
            .write("a\n1\n")
            .expect("written");
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "a\n1\n");
        assert!(chosen.file(FileUse::ExportTable, &shown).is_err());
    }

    #[test]
    fn a_dropped_flow_file_is_chosen_for_importing_a_flow_only() {
        let chosen = ChosenFiles::default();
        dropped(
            &chosen,
            &[
                PathBuf::from("/x/notes.txt"),
                PathBuf::from("/x/a.flow.json"),
            ],
        );
        chosen
            .file(FileUse::ImportFlow, "/x/a.flow.json")
            .expect("dropped");
        assert!(chosen.file(FileUse::ImportFlow, "/x/notes.txt").is_err());
        assert!(
            chosen
                .file(FileUse::ImportTemplates, "/x/a.flow.json")
                .is_err()
        );
    }

    #[test]
    fn an_export_filter_is_the_suggested_name_s_format() {
        assert_eq!(
            FileUse::ExportResult.filter(Some("low_ctr-run-4.parquet")),
            Some(("PARQUET file".to_owned(), vec!["parquet".to_owned()]))
        );
        assert_eq!(FileUse::ExportTable.filter(None), None);
        assert_eq!(
            FileUse::ImportTable.filter(None).map(|(_, e)| e.len()),
            Some(4)
        );
    }
}
