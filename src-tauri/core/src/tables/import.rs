//! Files read into data tables: CSV (with a header line), JSON (an array of objects, or one
//! object per line) and Parquet, row by row as JSON objects that remember where they came
//! from, so every problem names its line. And a table's schema inferred from a file.

use crate::model::{Column, ColumnType, TableSchema, Validation};
use crate::tables::schema::MAX_NAME;
use serde_json::{Map, Value};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

/// One row of a source file and where it is: the line of a CSV or JSON-lines file, the
/// position of an object in a JSON array or of a row in a Parquet file (from 1).
#[derive(Debug, Clone, PartialEq)]
pub struct SourceRow {
    pub line: u64,
    pub values: Map<String, Value>,
}

/// A file that cannot be read as rows.
#[derive(Debug, thiserror::Error)]
#[error("{}: {message}", path.display())]
pub struct SourceError {
    pub path: PathBuf,
    pub message: String,
}

/// The formats a file can be imported from, by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    Csv,
    Json,
    Parquet,
}

impl SourceFormat {
    pub fn of(path: &Path) -> Option<Self> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "csv" => Some(Self::Csv),
            "json" | "jsonl" | "ndjson" => Some(Self::Json),
            "parquet" => Some(Self::Parquet),
            _ => None,
        }
    }
}

/// The rows of the file at `path`, one at a time (a JSON array is read whole). CSV cells
/// come as text (an empty one as null), to be read by their column's type (`typed`).
pub fn rows(
    path: &Path,
) -> Result<Box<dyn Iterator<Item = Result<SourceRow, SourceError>> + Send>, SourceError> {
    let failed = |message: String| SourceError {
        path: path.to_owned(),
        message,
    };
    let format = SourceFormat::of(path)
        .ok_or_else(|| failed("not a .csv, .json, .jsonl or .parquet file".into()))?;
    crate::user_files::regular(path).map_err(|e| failed(e.to_string()))?;
    let file = File::open(path).map_err(|e| failed(e.to_string()))?;
    let owned = path.to_owned();
    let error = move |message: String| SourceError {
        path: owned.clone(),
        message,
    };
    match format {
        SourceFormat::Csv => {
            let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(file);
            let headers = reader.headers().map_err(|e| failed(e.to_string()))?.clone();
            distinct_columns(headers.iter()).map_err(failed)?;
            Ok(Box::new(reader.into_records().map(move |record| {
                let record = record.map_err(|e| error(e.to_string()))?;
                let line = record.position().map_or(0, |p| p.line());
                let values = headers
                    .iter()
                    .zip(record.iter())
                    .map(|(name, cell)| {
                        let value = if cell.is_empty() {
                            Value::Null
                        } else {
                            Value::String(cell.to_owned())
                        };
                        (name.to_owned(), value)
                    })
                    .collect();
                Ok(SourceRow { line, values })
            })))
        }
        SourceFormat::Json => {
            let mut reader = BufReader::new(file);
            let starts_array = loop {
                let buffer = reader.fill_buf().map_err(|e| failed(e.to_string()))?;
                match buffer.iter().position(|b| !b.is_ascii_whitespace()) {
                    Some(at) => {
                        let array = buffer[at] == b'[';
                        break array;
                    }
                    None if buffer.is_empty() => break false,
                    None => {
                        let length = buffer.len();
                        reader.consume(length);
                    }
                }
            };
            if starts_array {
                let mut text = String::new();
                std::io::Read::read_to_string(&mut reader, &mut text)
                    .map_err(|e| failed(format!("not JSON: {e}")))?;
                let all: Vec<Value> = serde_json::from_str(&crate::value::exact_numbers(&text))
                    .map_err(|e| failed(format!("not JSON: {e}")))?;
                Ok(Box::new((1u64..).zip(all).map(
                    move |(line, value)| match value {
                        Value::Object(values) => Ok(SourceRow { line, values }),
                        other => Err(error(format!("item {line} is not an object: {other}"))),
                    },
                )))
            } else {
                Ok(Box::new((1u64..).zip(reader.lines()).filter_map(
                    move |(line, text)| {
                        let text = match text {
                            Ok(text) if text.trim().is_empty() => return None,
                            Ok(text) => text,
                            Err(e) => return Some(Err(error(e.to_string()))),
                        };
                        Some(
                            match serde_json::from_str::<Value>(&crate::value::exact_numbers(&text))
                            {
                                Ok(Value::Object(values)) => Ok(SourceRow { line, values }),
                                Ok(other) => {
                                    Err(error(format!("line {line} is not an object: {other}")))
                                }
                                Err(e) => Err(error(format!("line {line} is not JSON: {e}"))),
                            },
                        )
                    },
                )))
            }
        }
        SourceFormat::Parquet => {
            use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
            let builder = ParquetRecordBatchReaderBuilder::try_new(file)
                .map_err(|e| failed(e.to_string()))?;
            distinct_columns(builder.schema().fields().iter().map(|f| f.name().as_str()))
                .map_err(failed)?;
            let reader = builder
                .with_batch_size(8192)
                .build()
                .map_err(|e| failed(e.to_string()))?;
            let mut next_line = 1u64;
            Ok(Box::new(reader.flat_map(move |batch| {
                let rows = batch.map_err(|e| error(e.to_string())).and_then(|batch| {
                    let mut buffer = Vec::new();
                    let mut writer = datafusion::arrow::json::ArrayWriter::new(&mut buffer);
                    writer
                        .write(&batch)
                        .and_then(|()| writer.finish())
                        .map_err(|e| error(e.to_string()))?;
                    if buffer.is_empty() {
                        return Ok(Vec::new());
                    }
                    // Decimals written by Arrow with more digits than a double keeps stay
                    // exact.
                    let text = String::from_utf8_lossy(&buffer);
                    serde_json::from_str::<Vec<Map<String, Value>>>(&crate::value::exact_numbers(
                        &text,
                    ))
                    .map_err(|e| error(e.to_string()))
                });
                let out: Vec<Result<SourceRow, SourceError>> = match rows {
                    Ok(rows) => rows
                        .into_iter()
                        .map(|values| {
                            let line = next_line;
                            next_line += 1;
                            Ok(SourceRow { line, values })
                        })
                        .collect(),
                    Err(err) => vec![Err(err)],
                };
                out
            })))
        }
    }
}

/// Whether a file's column names are distinct, as they are and as table columns
/// (`column_name`): two columns of one name would leave one of them out, unseen.
fn distinct_columns<'a>(names: impl Iterator<Item = &'a str>) -> Result<(), String> {
    let mut seen: std::collections::HashMap<String, &str> = std::collections::HashMap::new();
    for name in names {
        let key = if name == ROW_ID {
            name.to_owned()
        } else {
            column_name(name)
        };
        if let Some(first) = seen.insert(key.clone(), name) {
            return Err(if first == name {
                format!("the header names column `{name}` twice; rename one of them")
            } else {
                format!(
                    "the header's columns `{first}` and `{name}` both make column `{key}`; \
                     rename one of them"
                )
            });
        }
    }
    Ok(())
}

/// A file's value read as a `kind` value where it reads as one: a CSV cell's text (`"42"` →
/// 42, `"yes"` → true), a number or true/false in a text column as its text (inference
/// makes a column of mixed values text, so each of them must fit), and a text in a `json`
/// column as the JSON it spells (what an export writes), or why it is not JSON. Anything
/// else is left as it is, for the column's check to refuse with the value shown.
pub fn typed(kind: ColumnType, value: Value) -> Result<Value, String> {
    if matches!(kind, ColumnType::String | ColumnType::Text) {
        return Ok(match value {
            Value::Number(n) => Value::String(n.to_string()),
            Value::Bool(b) => Value::String(b.to_string()),
            Value::Array(_) | Value::Object(_) => Value::String(value.to_string()),
            other => other,
        });
    }
    let Value::String(text) = &value else {
        return Ok(value);
    };
    if kind == ColumnType::Json {
        return serde_json::from_str(text).map_err(|e| format!("is not valid JSON ({e}): {text}"));
    }
    let text = text.trim();
    let parsed = match kind {
        ColumnType::Integer | ColumnType::Reference => text.parse::<i64>().ok().map(Value::from),
        // The digits as written (the column reads them exactly), never through a double.
        ColumnType::Decimal => crate::value::parse_decimal(text)
            .is_ok()
            .then(|| Value::String(text.to_owned())),
        ColumnType::Boolean => match text.to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => Some(Value::Bool(true)),
            "false" | "no" | "0" => Some(Value::Bool(false)),
            _ => None,
        },
        // Inference reads dates and datetimes trimmed: so does the import.
        ColumnType::Date | ColumnType::Datetime => Some(Value::String(text.to_owned())),
        _ => None,
    };
    Ok(parsed.unwrap_or(value))
}

/// A file's column name as a table column name: lowercase snake_case (`Order Date` →
/// `order_date`, `2024` → `c_2024`).
pub fn column_name(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    let out = out.trim_end_matches('_').to_owned();
    let out = match out.chars().next() {
        Some(c) if c.is_ascii_lowercase() => out,
        Some(_) => format!("c_{out}"),
        None => "column".to_owned(),
    };
    out.chars().take(MAX_NAME).collect()
}

/// What a column's values so far allow it to be, from the narrowest type up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Seen {
    Nothing,
    Boolean,
    Integer,
    Decimal,
    Date,
    Datetime,
    Json,
    Text,
}

fn seen(value: &Value) -> Seen {
    match value {
        Value::Null => Seen::Nothing,
        Value::Bool(_) => Seen::Boolean,
        Value::Number(n) if n.is_i64() => Seen::Integer,
        Value::Number(_) => Seen::Decimal,
        Value::Array(_) | Value::Object(_) => Seen::Json,
        Value::String(text) => {
            let text = text.trim();
            if text.parse::<i64>().is_ok() {
                Seen::Integer
            } else if text.parse::<f64>().is_ok_and(f64::is_finite) {
                Seen::Decimal
            } else if matches!(text.to_ascii_lowercase().as_str(), "true" | "false") {
                Seen::Boolean
            } else if chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok() {
                Seen::Date
            } else if crate::value::parse_datetime(text).is_some() {
                Seen::Datetime
            } else {
                Seen::Text
            }
        }
    }
}

/// How many digits after the point a number is written with (`10.50`: 2, `1.5e-3`: 4, `12`:
/// 0), at most 38.
fn written_scale(text: &str) -> u8 {
    let (mantissa, exponent) = match text.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i64>().unwrap_or(0)),
        None => (text, 0),
    };
    let fraction = mantissa.split_once('.').map_or(0, |(_, f)| f.len());
    let places = i64::try_from(fraction)
        .unwrap_or(i64::MAX)
        .saturating_sub(exponent);
    u8::try_from(places.clamp(0, crate::value::MAX_DECIMAL_DIGITS as i64)).unwrap_or(0)
}

/// Two observations of one column joined: numbers widen to decimals, anything else that
/// disagrees is text.
fn join(a: Seen, b: Seen) -> Seen {
    match (a, b) {
        (Seen::Nothing, x) | (x, Seen::Nothing) => x,
        (x, y) if x == y => x,
        (Seen::Integer, Seen::Decimal) | (Seen::Decimal, Seen::Integer) => Seen::Decimal,
        _ => Seen::Text,
    }
}

/// The columns of a CSV (its header) or Parquet file (its schema), in the file's order; none
/// for JSON, whose objects have no order.
fn file_columns(path: &Path) -> Option<Vec<String>> {
    let file = File::open(path).ok()?;
    match SourceFormat::of(path)? {
        SourceFormat::Csv => {
            let headers = csv::Reader::from_reader(file).headers().ok()?.clone();
            Some(headers.iter().map(str::to_owned).collect())
        }
        SourceFormat::Parquet => {
            use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
            let builder = ParquetRecordBatchReaderBuilder::try_new(file).ok()?;
            Some(
                builder
                    .schema()
                    .fields()
                    .iter()
                    .map(|f| f.name().clone())
                    .collect(),
            )
        }
        SourceFormat::Json => None,
    }
}

/// A file's column that holds each row's `_id` (an exported table's): the rows' ids, not a
/// column of the table.
pub const ROW_ID: &str = "_id";

/// The schema a file's rows suggest, from its first `sample` rows: each column (named as
/// `column_name` makes it, in the file's order, or by name for JSON) typed by what all its
/// values read as, none of them required, so the user can adjust it before the table is
/// created. A `_id` column is the rows' ids (see [`ROW_ID`]), not a column.
pub fn infer(path: &Path, sample: usize) -> Result<TableSchema, SourceError> {
    // Looked at before anything opens it: opening a named pipe would wait for a writer.
    crate::user_files::regular(path).map_err(|e| SourceError {
        path: path.to_owned(),
        message: e.to_string(),
    })?;
    // Per column: what its values read as, the longest text, the most digits after a point.
    let mut columns: Vec<(String, Seen, usize, u8)> = file_columns(path)
        .unwrap_or_default()
        .iter()
        .filter(|name| *name != ROW_ID)
        .map(|name| (column_name(name), Seen::Nothing, 0, 0))
        .collect();
    for row in rows(path)?.take(sample) {
        let row = row?;
        for (name, value) in row.values.iter().filter(|(name, _)| *name != ROW_ID) {
            let name = column_name(name);
            let kind = seen(value);
            let length = value.as_str().map_or(0, |s| s.chars().count());
            let places = match value {
                Value::Number(n) => written_scale(&n.to_string()),
                Value::String(s) => written_scale(s.trim()),
                _ => 0,
            };
            match columns.iter_mut().find(|(n, ..)| *n == name) {
                Some((_, so_far, longest, most)) => {
                    *so_far = join(*so_far, kind);
                    *longest = (*longest).max(length);
                    *most = (*most).max(places);
                }
                None => columns.push((name, kind, length, places)),
            }
        }
    }
    Ok(TableSchema {
        columns: columns
            .into_iter()
            .map(|(name, kind, longest, places)| Column {
                name,
                // As many digits after the point as the sample writes (`10.50`: 2), so none
                // is refused and an export writes them as the file did.
                precision: None,
                scale: (kind == Seen::Decimal).then_some(places),
                data_type: match kind {
                    Seen::Boolean => ColumnType::Boolean,
                    Seen::Integer => ColumnType::Integer,
                    Seen::Decimal => ColumnType::Decimal,
                    Seen::Date => ColumnType::Date,
                    Seen::Datetime => ColumnType::Datetime,
                    Seen::Json => ColumnType::Json,
                    Seen::Text if longest > 255 => ColumnType::Text,
                    Seen::Nothing | Seen::Text => ColumnType::String,
                },
                display_name: String::new(),
                required: false,
                unique: false,
                indexed: false,
                default_value: None,
                validation: Validation::default(),
            })
            .collect(),
        version: 1,
    })
}
