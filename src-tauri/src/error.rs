//! The one error type that crosses into the UI: a stable `code` to branch on, a sentence for
//! people, and the flow parts it concerns so the canvas can point at them.

use flowloom_core::engine::history::HistoryError;
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
    /// A rule of the data model refused the change; `constraint` names it.
    Constraint,
    /// The flow or flow file has problems; `diagnostics` lists every one.
    InvalidFlow,
    /// What was asked does not fit the flow: a parameter value of the wrong type, a
    /// parameter or node it does not have.
    InvalidInput,
    /// A table definition has problems; `schema_problems` lists every one.
    InvalidTable,
    /// Rows were refused (a write, an import, a schema change the rows would break);
    /// `row_problems` lists every one (a sample for a schema change).
    InvalidRows,
    /// The file could not be read at all (missing, too large, not JSON).
    UnreadableFile,
    /// Anything the user cannot fix from the UI (I/O, a broken database).
    Internal,
}

#[derive(Debug, Clone, Serialize, specta::Type, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub constraint: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub node_ids: Vec<NodeId>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub connection_ids: Vec<ConnectionId>,
    /// For `invalid_flow`: every problem, sorted by where it is.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub diagnostics: Vec<Diagnostic>,
    /// For `invalid_table`: every problem of the definition, by column.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub schema_problems: Vec<SchemaProblem>,
    /// For `invalid_rows`: the refused rows' problems, by row (an import's: by line) and column.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub row_problems: Vec<RowProblem>,
    /// For `invalid_input` of a schedule: every problem with its definition.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

impl AppError {
    pub(crate) fn new(code: ErrorCode, message: impl ToString) -> Self {
        Self {
            code,
            message: message.to_string(),
            constraint: None,
            node_ids: Vec::new(),
            connection_ids: Vec::new(),
            diagnostics: Vec::new(),
            schema_problems: Vec::new(),
            row_problems: Vec::new(),
            problems: Vec::new(),
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
        let mut err = Self::new(ErrorCode::InvalidFlow, message);
        for d in diagnostics.iter().filter(|d| d.is_error()) {
            err.node_ids.extend(d.node_ids.iter().cloned());
            err.connection_ids.extend(d.connection_ids.iter().cloned());
        }
        err.node_ids.sort();
        err.node_ids.dedup();
        err.connection_ids.sort();
        err.connection_ids.dedup();
        err.diagnostics = diagnostics;
        err
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
            ImportError::Conflicts(ds) => {
                let mut err = Self::new(ErrorCode::Conflict, ImportError::Conflicts(ds.clone()));
                err.diagnostics = ds;
                err
            }
        }
    }
}

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> Self {
        let code = match &err {
            StoreError::NotFound { .. } => ErrorCode::NotFound,
            StoreError::Conflict { .. } => ErrorCode::Conflict,
            StoreError::Constraint { .. } => ErrorCode::Constraint,
            _ => ErrorCode::Internal,
        };
        Self {
            constraint: err.constraint().map(str::to_owned),
            ..Self::new(code, &err)
        }
    }
}

impl From<HistoryError> for AppError {
    fn from(err: HistoryError) -> Self {
        match err {
            HistoryError::Store(err) => err.into(),
            HistoryError::Run(err) => err.into(),
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
            TableError::Schema(problems) => Self {
                schema_problems: problems,
                ..Self::new(ErrorCode::InvalidTable, message)
            },
            TableError::Rows(problems)
            | TableError::Breaks {
                sample: problems, ..
            } => Self {
                row_problems: problems,
                ..Self::new(ErrorCode::InvalidRows, message)
            },
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
            ScheduleError::Invalid(problems) => Self {
                message: format!("the schedule has {} problem(s)", problems.len()),
                problems,
                ..Self::new(ErrorCode::InvalidInput, "")
            },
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
