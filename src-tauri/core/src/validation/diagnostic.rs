//! What validation reports: a diagnostic with a stable code, a severity, a sentence, and
//! the flow parts it concerns, so the canvas can point at them and a file reader can find them.

use crate::ids::{ConnectionId, NodeId};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Stable diagnostic codes; documented in `docs/diagnostics.md`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, specta::Type,
)]
#[serde(rename_all = "snake_case")]
pub enum Code {
    /// The file is not a flow file this build can read (JSON syntax, format, version, size).
    BadFile,
    /// The file's structure breaks the flow file JSON Schema.
    SchemaViolation,
    EmptyFlow,
    BadIdFormat,
    DuplicateId,
    DanglingConnection,
    Cycle,
    UnknownTemplate,
    /// A node built on a version of its template that the catalog does not have.
    UnknownTemplateVersion,
    /// A node built on an older version of its template than the current one.
    TemplateChanged,
    InactiveTemplate,
    /// A node's template SQL cannot be rendered: a placeholder no parameter declares, one
    /// inside a longer quoted text, a `{{` never closed.
    BadTemplateSql,
    MissingParameter,
    UnknownParameter,
    TypeMismatch,
    UnknownColumn,
    /// A for-each node's template already returns a column named after its for-each
    /// parameter, which the node adds to its rows.
    DuplicateColumn,
    BadCondition,
    UnreachableConditionInput,
    /// A template the file carries that no node uses, or a global parameter no node reads.
    UnusedOutput,
    /// A connection that maps no column: it only orders the run.
    EmptyConnection,
    /// A data-table node asks for something that cannot work (a bad table name or
    /// columns, a write with no one node to write from, a for-each).
    BadTableNode,
    /// A data-table node names a table that a data file of the workspace also names:
    /// queries would read the file, not the table.
    TableNameTakenByFile,
    /// A node's template SQL is not one statement the engine parses.
    SqlSyntax,
    /// A node reads or writes a table the workspace does not have (template SQL planned
    /// against the workspace's tables, a data-table node's table, a reference's target).
    UnknownTable,
    /// A name (the flow's, a carried template's) or a template's SQL is empty or blank.
    BlankText,
    /// A carried template differs from the workspace's template of that id and version,
    /// and the import would refuse it (`--on-conflict fail`).
    TemplateConflict,
    /// The workspace has a flow of the file's id, and the import would refuse it
    /// (`--on-conflict fail`).
    FlowConflict,
    /// A node whose SQL calls a function whose value changes between runs: never reused,
    /// nor is anything after it.
    NotReusable,
    UnknownSource,
    SourceCannotRun,
}

impl Code {
    /// Every code, in declaration order (a new variant belongs here too: the fixture and
    /// documentation tests walk this list).
    pub const ALL: [Code; 31] = [
        Self::BadFile,
        Self::SchemaViolation,
        Self::EmptyFlow,
        Self::BadIdFormat,
        Self::DuplicateId,
        Self::DanglingConnection,
        Self::Cycle,
        Self::UnknownTemplate,
        Self::UnknownTemplateVersion,
        Self::TemplateChanged,
        Self::InactiveTemplate,
        Self::BadTemplateSql,
        Self::MissingParameter,
        Self::UnknownParameter,
        Self::TypeMismatch,
        Self::UnknownColumn,
        Self::DuplicateColumn,
        Self::BadCondition,
        Self::UnreachableConditionInput,
        Self::UnusedOutput,
        Self::EmptyConnection,
        Self::BadTableNode,
        Self::TableNameTakenByFile,
        Self::SqlSyntax,
        Self::UnknownTable,
        Self::BlankText,
        Self::TemplateConflict,
        Self::FlowConflict,
        Self::NotReusable,
        Self::UnknownSource,
        Self::SourceCannotRun,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::BadFile => "bad_file",
            Self::SchemaViolation => "schema_violation",
            Self::EmptyFlow => "empty_flow",
            Self::BadIdFormat => "bad_id_format",
            Self::DuplicateId => "duplicate_id",
            Self::DanglingConnection => "dangling_connection",
            Self::Cycle => "cycle",
            Self::UnknownTemplate => "unknown_template",
            Self::UnknownTemplateVersion => "unknown_template_version",
            Self::TemplateChanged => "template_changed",
            Self::InactiveTemplate => "inactive_template",
            Self::BadTemplateSql => "bad_template_sql",
            Self::MissingParameter => "missing_parameter",
            Self::UnknownParameter => "unknown_parameter",
            Self::TypeMismatch => "type_mismatch",
            Self::UnknownColumn => "unknown_column",
            Self::DuplicateColumn => "duplicate_column",
            Self::BadCondition => "bad_condition",
            Self::UnreachableConditionInput => "unreachable_condition_input",
            Self::UnusedOutput => "unused_output",
            Self::EmptyConnection => "empty_connection",
            Self::BadTableNode => "bad_table_node",
            Self::TableNameTakenByFile => "table_name_taken_by_file",
            Self::SqlSyntax => "sql_syntax",
            Self::UnknownTable => "unknown_table",
            Self::BlankText => "blank_text",
            Self::TemplateConflict => "template_conflict",
            Self::FlowConflict => "flow_conflict",
            Self::NotReusable => "not_reusable",
            Self::UnknownSource => "unknown_source",
            Self::SourceCannotRun => "source_cannot_run",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, specta::Type,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, with everything needed to show it where it is.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, specta::Type,
)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// Where it is in the flow file layout, as a JSON pointer (`/nodes/3/parameter_overrides/x`).
    /// Stored flows use the same layout, so the path means the same thing everywhere.
    pub path: String,
    pub node_ids: Vec<NodeId>,
    pub connection_ids: Vec<ConnectionId>,
    /// The parameter concerned, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    /// The column concerned, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// For `cycle`: the node ids around the cycle, first repeated last.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cycle: Vec<NodeId>,
}

impl Diagnostic {
    pub fn error(code: Code, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, path, message)
    }

    pub fn warning(code: Code, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Warning, path, message)
    }

    fn new(
        code: Code,
        severity: Severity,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            code,
            severity,
            message: message.into(),
            path: path.into(),
            node_ids: Vec::new(),
            connection_ids: Vec::new(),
            parameter: None,
            column: None,
            cycle: Vec::new(),
        }
    }

    pub fn node(mut self, id: &NodeId) -> Self {
        self.node_ids.push(id.clone());
        self
    }

    pub fn connection(mut self, id: &ConnectionId) -> Self {
        self.connection_ids.push(id.clone());
        self
    }

    pub fn parameter(mut self, name: &str) -> Self {
        self.parameter = Some(name.to_owned());
        self
    }

    pub fn column(mut self, name: &str) -> Self {
        self.column = Some(name.to_owned());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{severity}[{}] {}: {}",
            self.code,
            if self.path.is_empty() {
                "/"
            } else {
                &self.path
            },
            self.message
        )
    }
}

/// Escapes one JSON pointer segment (RFC 6901).
pub fn pointer_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}
