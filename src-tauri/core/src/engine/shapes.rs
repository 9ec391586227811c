//! What a query can read, as a user sees it: each table the engine has (a data file or a
//! data table, or a database's table or view) with its columns and their types as the
//! engine reads them — for a CSV file the types inferred from the whole file and the cells
//! read as missing. `flowloom data show` and `flowloom sources tables` print them; the app
//! lists them beside the template editor.

use datafusion::arrow::datatypes::{DataType, Schema};
use serde::Serialize;

/// One table a query can read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct TableShape {
    /// The name as the SQL writes it (on a database, bare when the source's search path
    /// finds it, else `schema.table`).
    pub name: String,
    pub kind: TableKind,
    /// The data file it is read from (`ads.csv`); none for a data table.
    pub file: Option<String>,
    pub columns: Vec<ColumnShape>,
    /// For a CSV file, the cells read as missing (NULL), as the reader matches them.
    pub missing: Option<Vec<String>>,
    /// Why the table cannot be read, when it cannot (then it has no columns).
    pub problem: Option<String>,
}

/// What a readable table is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum TableKind {
    /// A file in the workspace's data folder.
    DataFile,
    /// A data table of the workspace.
    DataTable,
    /// A database's table (a partitioned or foreign one too).
    Table,
    /// A database's view or materialized view.
    View,
}

impl TableKind {
    /// The kind in words, as the CLI prints it.
    pub fn words(self) -> &'static str {
        match self {
            Self::DataFile => "data file",
            Self::DataTable => "data table",
            Self::Table => "table",
            Self::View => "view",
        }
    }
}

/// One column: its name and its type in words (`integer`, `float`, `decimal(12,2)`, `text`,
/// `boolean`, `date`, `datetime`, `datetime (UTC)`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct ColumnShape {
    pub name: String,
    #[serde(rename = "type")]
    pub type_name: String,
}

/// `schema`'s columns, each with its type in words.
pub fn columns(schema: &Schema) -> Vec<ColumnShape> {
    schema
        .fields()
        .iter()
        .map(|f| ColumnShape {
            name: f.name().clone(),
            type_name: type_name(f.data_type()),
        })
        .collect()
}

/// An Arrow type in the words of the product's types (`column_types.rs` reads them back).
pub fn type_name(data_type: &DataType) -> String {
    use DataType as D;
    match data_type {
        D::Int8 | D::Int16 | D::Int32 | D::Int64 | D::UInt8 | D::UInt16 | D::UInt32 | D::UInt64 => {
            "integer".to_owned()
        }
        D::Float16 | D::Float32 | D::Float64 => "float".to_owned(),
        D::Decimal128(p, s) | D::Decimal256(p, s) => format!("decimal({p},{s})"),
        D::Utf8 | D::LargeUtf8 | D::Utf8View => "text".to_owned(),
        D::Boolean => "boolean".to_owned(),
        D::Date32 | D::Date64 => "date".to_owned(),
        D::Timestamp(_, None) => "datetime".to_owned(),
        D::Timestamp(_, Some(zone)) => format!("datetime ({zone})"),
        D::Null => "null".to_owned(),
        D::List(item) | D::LargeList(item) => format!("list of {}", type_name(item.data_type())),
        other => other.to_string(),
    }
}
