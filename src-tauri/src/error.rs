//! The one error type that crosses into the UI: a stable `code` to branch on, a sentence for
//! people, and the flow parts it concerns so the canvas can point at them.

use flowloom_core::api::RunsError;
use flowloom_core::engine::run::RunError;
use flowloom_core::flowfile::{ImportError, ReadError};
use flowloom_core::gallery::GalleryError;
use flowloom_core::schedule::ScheduleError;
use flowloom_core::tables::{RowProblem, SchemaProblem, TableError};
use flowloom_core::validation::Diagnostic;
use flowloom_core::{ConnectionId, NodeId, StoreError, WorkspaceError};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The thing asked for does not exist (any more).
    NotFound,
    /// An id the user chose is already taken.
    Conflict,
    /// A rule of the data model refused the change; `details.constraint` names it.
    Constraint,
    /// The flow or flow file has problems; `details.diagnostics` lists every one.
    InvalidFlow,
    /// What was asked does not fit the flow: a parameter value of the wrong type, a
    /// parameter or node it does not have.
    InvalidInput,
    /// A table definition has problems; `details.problems` lists every one.
    InvalidTable,
    /// Rows were refused (a write, an import, a schema change the rows would break);
    /// `details.problems` lists every one (a sample for a schema change).
    InvalidRows,
    /// The file could not be read at all (missing, too large, not JSON).
    UnreadableFile,
    /// A file command was given a path the user did not choose for it in a file dialog (or
    /// drop on the window): the window reads and writes no other file (`files.rs`).
    FileNotChosen,
    /// A data source could not be reached or opened: its server, its password, its keyring.
    SourceUnavailable,
    /// Anything the user cannot fix from the UI (I/O, a broken database).
    Internal,
}

#[derive(Debug, Clone, Serialize, specta::Type, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
    /// What the UI can point at, by kind of problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<ErrorDetails>,
}

/// The parts of an error the UI shows beside its message: one variant per kind of problem
/// list, so a new feature adds a variant, not a field every error carries.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ErrorDetails {
    /// For `constraint`: the rule of the data model that refused the change.
    Constraint { constraint: String },
    /// For `invalid_flow`: every problem, sorted by where it is, and the nodes and
    /// connections the errors among them concern (for the canvas).
    Flow {
        diagnostics: Vec<Diagnostic>,
        node_ids: Vec<NodeId>,
        connection_ids: Vec<ConnectionId>,
    },
    /// For `invalid_table`: every problem of the definition, by column.
    Schema { problems: Vec<SchemaProblem> },
    /// For `invalid_rows`: the refused rows' problems, by row (an import's: by line) and
    /// column.
    Rows { problems: Vec<RowProblem> },
    /// For `invalid_input` of a definition (a schedule): every problem with it, in words.
    Problems { problems: Vec<String> },
}

impl AppError {
    pub(crate) fn new(code: ErrorCode, message: impl ToString) -> Self {
        Self {
            code,
            message: message.to_string(),
            details: None,
        }
    }

    fn with(self, details: ErrorDetails) -> Self {
        Self {
            details: Some(details),
            ..self
        }
    }

    pub fn unreadable_file(message: impl ToString) -> Self {
        Self::new(ErrorCode::UnreadableFile, message)
    }

    /// A flow that does not validate cannot run; every problem is attached.
    pub(crate) fn cannot_run(diagnostics: Vec<Diagnostic>) -> Self {
        Self::invalid(
            format!(
                "the flow has {} problem(s) and cannot run",
                diagnostics.len()
            ),
            diagnostics,
        )
    }

    fn invalid(message: impl ToString, diagnostics: Vec<Diagnostic>) -> Self {
        let mut node_ids = Vec::new();
        let mut connection_ids = Vec::new();
        for d in diagnostics.iter().filter(|d| d.is_error()) {
            node_ids.extend(d.node_ids.iter().cloned());
            connection_ids.extend(d.connection_ids.iter().cloned());
        }
        node_ids.sort();
        node_ids.dedup();
        connection_ids.sort();
        connection_ids.dedup();
        Self::new(ErrorCode::InvalidFlow, message).with(ErrorDetails::Flow {
            diagnostics,
            node_ids,
            connection_ids,
        })
    }
}

impl From<ImportError> for AppError {
    fn from(err: ImportError) -> Self {
        match err {
            ImportError::Read(ReadError::Unreadable(d)) => Self::unreadable_file(d.message),
            ImportError::Read(ReadError::Invalid(ds)) | ImportError::Invalid(ds) => Self::invalid(
                format!(
                    "the flow file has {} problem(s); nothing was imported",
                    ds.len()
                ),
                ds,
            ),
            ImportError::Store(err) => err.into(),
            ImportError::Conflicts(ds) => Self {
                code: ErrorCode::Conflict,
                message: ImportError::Conflicts(ds.clone()).to_string(),
                ..Self::invalid("", ds)
            },
        }
    }
}

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> Self {
        let code = match &err {
            StoreError::NotFound { .. } => ErrorCode::NotFound,
            StoreError::Conflict { .. } => ErrorCode::Conflict,
            StoreError::Constraint { .. } => ErrorCode::Constraint,
            StoreError::InUse { .. } => ErrorCode::Constraint,
            _ => ErrorCode::Internal,
        };
        let error = Self::new(code, &err);
        match err.constraint() {
            Some(constraint) => error.with(ErrorDetails::Constraint {
                constraint: constraint.to_owned(),
            }),
            None => error,
        }
    }
}

impl From<RunsError> for AppError {
    fn from(err: RunsError) -> Self {
        match err {
            RunsError::Invalid(diagnostics) => Self::cannot_run(diagnostics),
            RunsError::Run(err) => err.into(),
            RunsError::Store(err) => err.into(),
            busy @ RunsError::AlreadyRunning { .. } => Self::new(ErrorCode::Conflict, busy),
            other @ RunsError::NotThisFlow { .. } => Self::new(ErrorCode::InvalidInput, other),
            missing @ (RunsError::NoResult { .. } | RunsError::NoSuchNode { .. }) => {
                Self::new(ErrorCode::NotFound, missing)
            }
        }
    }
}

impl From<RunError> for AppError {
    fn from(err: RunError) -> Self {
        Self::new(ErrorCode::InvalidInput, err)
    }
}

impl From<WorkspaceError> for AppError {
    fn from(err: WorkspaceError) -> Self {
        match err {
            WorkspaceError::Store(err) => err.into(),
            other => Self::new(ErrorCode::Internal, other),
        }
    }
}

impl From<TableError> for AppError {
    fn from(err: TableError) -> Self {
        let message = err.to_string();
        match err {
            TableError::NotFound(_) | TableError::RowNotFound { .. } => {
                Self::new(ErrorCode::NotFound, message)
            }
            TableError::Exists(_) | TableError::NameTakenByFile { .. } => {
                Self::new(ErrorCode::Conflict, message)
            }
            TableError::WouldCascade { .. } => Self::new(ErrorCode::Constraint, message),
            TableError::Key(_) => Self::new(ErrorCode::InvalidInput, message),
            TableError::Schema(problems) => {
                Self::new(ErrorCode::InvalidTable, message).with(ErrorDetails::Schema { problems })
            }
            TableError::Rows(problems)
            | TableError::Breaks {
                sample: problems, ..
            } => Self::new(ErrorCode::InvalidRows, message).with(ErrorDetails::Rows { problems }),
            TableError::Referenced(_) | TableError::ReferencedBy { .. } => {
                Self::new(ErrorCode::Constraint, message)
            }
            TableError::Query(_) => Self::new(ErrorCode::InvalidInput, message),
            TableError::Source(_) => Self::unreadable_file(message),
            TableError::Export(_) => Self::new(ErrorCode::Internal, message),
            TableError::Store(err) => err.into(),
        }
    }
}

impl From<ScheduleError> for AppError {
    fn from(err: ScheduleError) -> Self {
        match err {
            ScheduleError::Invalid(problems) => Self::new(
                ErrorCode::InvalidInput,
                format!("the schedule has {} problem(s)", problems.len()),
            )
            .with(ErrorDetails::Problems { problems }),
            ScheduleError::Store(err) => err.into(),
        }
    }
}

impl From<GalleryError> for AppError {
    fn from(err: GalleryError) -> Self {
        match err {
            GalleryError::Import(err) => err.into(),
            GalleryError::Store(err) => err.into(),
            broken @ GalleryError::Broken { .. } => Self::new(ErrorCode::Internal, broken),
        }
    }
}
