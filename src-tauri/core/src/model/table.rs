//! Data tables ("FlexDB", seeds 000 and 001): tables users define at runtime, their typed
//! columns with rules, and the history of their schema.

use serde::{Deserialize, Serialize};

/// The type of a table column (seed 001's FlexDataType).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    specta::Type,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ColumnType {
    /// Short text (a name, a code).
    String,
    /// Long text.
    Text,
    Integer,
    Decimal,
    Boolean,
    /// `YYYY-MM-DD`.
    Date,
    /// `YYYY-MM-DDTHH:MM:SS[.fff]Z`, in UTC.
    Datetime,
    Json,
    /// A row of another table (`validation.target_table`), by its `_id`.
    Reference,
}

/// What deleting a referenced row does to the rows referring to it.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    specta::Type,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum OnDelete {
    /// They are deleted too.
    Cascade,
    /// Their reference is emptied.
    #[serde(alias = "set_null")]
    SetNull,
    /// The delete is refused while any refers to it.
    #[default]
    Restrict,
}

/// A column's rules beyond its type (seed 001's validation object).
#[derive(
    Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type, schemars::JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct Validation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u32>,
    /// A regular expression the whole value must match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// The only values allowed.
    #[serde(default, rename = "enum", skip_serializing_if = "Option::is_none")]
    pub allowed: Option<Vec<serde_json::Value>>,
    /// The smallest value allowed: a number, or a date / datetime for those types.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<serde_json::Value>,
    /// For a reference column: the table it refers to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_table: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_delete: Option<OnDelete>,
    /// An expression over other columns that gives this one its value (read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub computed: Option<String>,
}

impl Validation {
    fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// One column of a table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Column {
    /// Lowercase snake_case, unique in its table.
    pub name: String,
    pub data_type: ColumnType,
    /// A decimal's digits in all (1–38; default 38), as SQL's `DECIMAL(precision, scale)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<u8>,
    /// A decimal's digits after the point (0–precision; default 10, or 0 with a precision).
    /// A value with more is refused, never rounded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<u8>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub display_name: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unique: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub indexed: bool,
    /// The value a row gets when it gives none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_value: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Validation::is_empty")]
    pub validation: Validation,
}

/// A table's schema (seed 001's FlexTableSchema): its columns, and which version it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TableSchema {
    pub columns: Vec<Column>,
    #[serde(default = "first_version")]
    pub version: u32,
}

impl TableSchema {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The columns rows give values to: all but the computed ones, in order.
    pub fn stored_columns(&self) -> impl Iterator<Item = &Column> {
        self.columns.iter().filter(|c| !c.is_computed())
    }
}

/// Precision and scale of a `decimal` column that declares neither: SQL's bare `DECIMAL`
/// as DataFusion reads it, and a data file's bare `decimal`.
pub const DEFAULT_DECIMAL: (u8, u8) = (38, 10);

impl Column {
    /// A decimal column's precision and scale: as declared, [`DEFAULT_DECIMAL`] when neither
    /// is (a scale alone has precision 38; a precision alone scale 0, as SQL's `DECIMAL(p)`).
    pub fn decimal_shape(&self) -> (u8, u8) {
        match (self.precision, self.scale) {
            (None, None) => DEFAULT_DECIMAL,
            (precision, scale) => (precision.unwrap_or(38), scale.unwrap_or(0)),
        }
    }

    /// Whether its value is computed from the row's other columns (read-only).
    pub fn is_computed(&self) -> bool {
        self.validation.computed.is_some()
    }
}

fn first_version() -> u32 {
    1
}

/// A table as the workspace lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct TableSummary {
    pub name: String,
    pub display_name: String,
    pub version: u32,
    pub columns: u32,
    pub rows: u64,
    pub created_at: String,
    pub updated_at: String,
}

/// A table with its whole schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct TableDetail {
    pub summary: TableSummary,
    pub schema: TableSchema,
}

/// One difference between two schemas (seed 000's `computeSchemaChanges`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, schemars::JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SchemaChange {
    AddColumn {
        after: Column,
    },
    RemoveColumn {
        before: Column,
    },
    ModifyColumn {
        before: Box<Column>,
        after: Box<Column>,
    },
    /// The table's name changed.
    RenameTable {
        before: String,
        after: String,
    },
}

/// One entry of a table's schema history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct TableVersion {
    pub version: u32,
    pub previous_schema: Option<TableSchema>,
    pub new_schema: TableSchema,
    pub changes: Vec<SchemaChange>,
    pub created_by: Option<String>,
    pub created_at: String,
}

/// Which rows of a table to show, and how: a page, in an order, through filters (all must
/// hold). Without a sort, rows come in the order they were written.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, specta::Type)]
#[serde(deny_unknown_fields)]
pub struct RowsQuery {
    #[serde(default)]
    pub offset: u64,
    #[serde(default = "page_size")]
    pub limit: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<RowSort>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub filters: Vec<RowFilter>,
}

impl RowsQuery {
    /// Rows `offset..offset + limit`, in the order they were written.
    pub fn page(offset: u64, limit: u64) -> Self {
        Self {
            offset,
            limit,
            ..Self::default()
        }
    }
}

fn page_size() -> u64 {
    100
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(deny_unknown_fields)]
pub struct RowSort {
    /// A column of the table, or `_id` (the order rows were written in).
    pub column: String,
    #[serde(default)]
    pub descending: bool,
}

/// One condition on a column: `value` is read as the column's type (not needed by
/// `is_null` / `is_not_null`; `contains` matches text anywhere, ignoring ASCII case).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(deny_unknown_fields)]
pub struct RowFilter {
    pub column: String,
    pub op: FilterOp,
    #[serde(default)]
    pub value: serde_json::Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum FilterOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Contains,
    IsNull,
    IsNotNull,
}

/// How a write puts rows into a table (a data-table node's `mode`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum WriteMode {
    /// Adds the rows after the ones the table has.
    #[default]
    Append,
    /// Makes the rows the table's only rows: a stored row whose unique key a new row keeps is
    /// updated in place (its `_id`, and the rows referring to it, stay), the others deleted.
    Replace,
    /// Updates the stored row with each new row's unique key (its `_id` stays), adds the
    /// others; no row is deleted.
    Upsert,
}

impl std::fmt::Display for WriteMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Append => "append",
            Self::Replace => "replace",
            Self::Upsert => "upsert",
        })
    }
}

/// What a write did to a table: rows added, updated in place, deleted, and rows of other
/// tables deleted with them through an `on_delete: cascade` reference.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct TableWrite {
    pub table: String,
    pub mode: WriteMode,
    pub inserted: u64,
    pub updated: u64,
    pub deleted: u64,
    /// Rows of other tables (or of this one, referring to a deleted row) deleted by cascade.
    pub cascaded: u64,
}

impl std::fmt::Display for TableWrite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} `{}`: {} inserted, {} updated, {} deleted, {} deleted by cascade",
            self.mode, self.table, self.inserted, self.updated, self.deleted, self.cascaded
        )
    }
}

/// A dropped table's history: when it went, and its schema versions, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct DroppedTable {
    pub name: String,
    pub dropped_at: String,
    pub versions: Vec<TableVersion>,
}
