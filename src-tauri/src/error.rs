//! The one error type that crosses into the UI: a stable `code` to branch on, a sentence for
//! people, and the flow parts it concerns so the canvas can point at them.

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
}

impl AppError {
    fn new(code: ErrorCode, message: impl ToString) -> Self {
        Self {
            code,
            message: message.to_string(),
            constraint: None,
            node_ids: Vec::new(),
            connection_ids: Vec::new(),
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

impl From<WorkspaceError> for AppError {
    fn from(err: WorkspaceError) -> Self {
        match err {
            WorkspaceError::Store(err) => err.into(),
            other => Self::new(ErrorCode::Internal, other),
        }
    }
}
