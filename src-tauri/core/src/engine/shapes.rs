//! What a query can read, as a user sees it: each table the engine has (a data file or a
//! data table) with its columns and their types as the engine reads them — for a CSV file
//! the types inferred from the whole file and the cells read as missing. `flowloom data
//! show` prints one; the app lists them beside the template editor.

use datafusion::arrow::datatypes::{DataType, Schema};
use serde::Serialize;

/// One table a query can read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct TableShape {
    pub name: String,
    /// The data file it is read from (`ads.csv`); none for a data table.
    pub file: Option<String>,
    pub columns: Vec<ColumnShape>,
    /// For a CSV file, the cells read as missing (NULL), as the reader matches them.
    pub missing: Option<Vec<String>>,
    /// Why the table cannot be read, when it cannot (then it has no columns).
    pub problem: Option<String>,
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
        other => other.to_string(),
    }
}
