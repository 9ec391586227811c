//! Node results kept in the workspace: each completed node run's result is written as
//! Parquet to `results/<run_id>/<node_id>.parquet` (the location the history records), read
//! back a page at a time, and exported as CSV, JSON (an array of objects) or Parquet.

use super::report::NodeResult;
use crate::ids::NodeId;
use crate::model::RunId;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The folder of stored results in a workspace.
pub const RESULTS_DIR: &str = "results";

/// How a result is written out (exported from the window, `flowloom results --format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Csv,
    Json,
    Parquet,
}

impl std::str::FromStr for Format {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "csv" => Ok(Self::Csv),
            "json" => Ok(Self::Json),
            "parquet" => Ok(Self::Parquet),
            other => Err(format!("`{other}` is not a format: csv, json or parquet")),
        }
    }
}

/// Rows `offset..offset + limit` of a stored result, and how many it has in all.
#[derive(Debug)]
pub struct Page {
    pub schema: SchemaRef,
    pub batches: Vec<RecordBatch>,
    pub total_rows: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum ResultError {
    #[error("the result file {} could not be read: {message}", path.display())]
    Read { path: PathBuf, message: String },
    #[error("the result could not be written to {}: {message}", path.display())]
    Write { path: PathBuf, message: String },
    #[error("the result could not be written out: {message}")]
    Convert { message: String },
    /// Writing was stopped (the run was cancelled); nothing is left of the file.
    #[error("cancelled while its result was being kept")]
    Stopped,
}

/// Where a node run's result is kept, relative to the workspace.
pub fn location(run: RunId, node: &NodeId) -> String {
    format!("{RESULTS_DIR}/{run}/{node}.parquet")
}

/// Removes every result a run kept.
pub fn remove_run(root: &Path, run: RunId) -> std::io::Result<()> {
    match std::fs::remove_dir_all(root.join(RESULTS_DIR).join(run.to_string())) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => Err(err),
        _ => Ok(()),
    }
}

/// Writes `result` to `location` under `root`.
/// Writing stops between two batches once `stopped` says so: the partial file is removed.
pub fn write(
    root: &Path,
    location: &str,
    result: &NodeResult,
    stopped: &dyn Fn() -> bool,
) -> Result<(), ResultError> {
    let path = root.join(location);
    let failed = |message: String| ResultError::Write {
        path: path.clone(),
        message,
    };
    let file = create(&path).map_err(|e| failed(e.to_string()))?;
    let mut writer = ArrowWriter::try_new(file, result.schema.clone(), None)
        .map_err(|e| failed(e.to_string()))?;
    for batch in &result.batches {
        if stopped() {
            drop(writer);
            let _ = std::fs::remove_file(&path);
            return Err(ResultError::Stopped);
        }
        writer.write(batch).map_err(|e| failed(e.to_string()))?;
    }
    writer.close().map_err(|e| failed(e.to_string()))?;
    Ok(())
}

/// Creates the file at `path`, and its folder when it has none yet (once per run, not once
/// per result).
fn create(path: &Path) -> std::io::Result<File> {
    match File::create(path) {
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            File::create(path)
        }
        created => created,
    }
}

/// Keeps the result kept at `kept` at `location` too, without copying its bytes where the
/// file system allows (a hard link): each run keeps its own results, whatever is pruned.
pub fn reuse(root: &Path, kept: &str, location: &str) -> Result<(), ResultError> {
    let (from, to) = (root.join(kept), root.join(location));
    let failed = |message: String| ResultError::Write {
        path: to.clone(),
        message,
    };
    // The run's folder is made by its first result, not looked for by every one.
    let linked = match std::fs::hard_link(&from, &to) {
        Err(err) if err.kind() == std::io::ErrorKind::NotFound && from.exists() => {
            match to.parent().map(std::fs::create_dir_all) {
                Some(Err(err)) => Err(err),
                _ => std::fs::hard_link(&from, &to),
            }
        }
        linked => linked,
    };
    linked
        .or_else(|_| std::fs::copy(&from, &to).map(drop))
        .map_err(|e| failed(e.to_string()))
}

/// Reads rows `offset..offset + limit` (all from `offset` when `limit` is `None`).
pub fn page(
    root: &Path,
    location: &str,
    offset: usize,
    limit: Option<usize>,
) -> Result<Page, ResultError> {
    let (builder, shape) = footer(root, location)?;
    let mut builder = builder.with_offset(offset);
    if let Some(limit) = limit {
        builder = builder.with_limit(limit);
    }
    let failed = |e: &dyn std::fmt::Display| read_error(root, location, e);
    let reader = builder.build().map_err(|e| failed(&e))?;
    let batches = reader
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| failed(&e))?;
    Ok(Page { batches, ..shape })
}

/// A kept result's columns and row count, from its footer alone: no rows are read.
pub fn shape(root: &Path, location: &str) -> Result<Page, ResultError> {
    footer(root, location).map(|(_, shape)| shape)
}

/// A kept result's reader with its footer read, and what the footer says (as a page
/// without rows).
fn footer(
    root: &Path,
    location: &str,
) -> Result<(ParquetRecordBatchReaderBuilder<File>, Page), ResultError> {
    let failed = |e: &dyn std::fmt::Display| read_error(root, location, e);
    let file = File::open(root.join(location)).map_err(|e| failed(&e))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| failed(&e))?;
    let shape = Page {
        total_rows: u64::try_from(builder.metadata().file_metadata().num_rows()).unwrap_or(0),
        schema: builder.schema().clone(),
        batches: Vec::new(),
    };
    Ok((builder, shape))
}

fn read_error(root: &Path, location: &str, error: &dyn std::fmt::Display) -> ResultError {
    ResultError::Read {
        path: root.join(location),
        message: error.to_string(),
    }
}

impl Page {
    /// The page's rows as JSON objects (for a table on screen). Decimals are strings of
    /// their exact digits (`"45894.60"`): a JSON number would reach the screen as an `f64`,
    /// losing digits past the 15th and the scale's trailing zeros.
    pub fn rows(&self) -> Result<Vec<serde_json::Map<String, serde_json::Value>>, ResultError> {
        let failed = |e: datafusion::arrow::error::ArrowError| ResultError::Convert {
            message: e.to_string(),
        };
        let texts: Vec<RecordBatch> = self
            .batches
            .iter()
            .map(decimals_as_text)
            .collect::<Result<_, _>>()
            .map_err(failed)?;
        let shown = Page {
            schema: texts
                .first()
                .map_or_else(|| self.schema.clone(), RecordBatch::schema),
            batches: texts,
            total_rows: self.total_rows,
        };
        let mut buffer = Vec::new();
        export(&shown, Format::Json, &mut buffer)?;
        if buffer.is_empty() {
            return Ok(Vec::new());
        }
        serde_json::from_slice(&buffer).map_err(|e| ResultError::Convert {
            message: e.to_string(),
        })
    }
}

/// `batch` with its decimal columns as text, digit for digit.
fn decimals_as_text(
    batch: &RecordBatch,
) -> Result<RecordBatch, datafusion::arrow::error::ArrowError> {
    use datafusion::arrow::datatypes::{DataType, Field, Schema};
    let schema = batch.schema();
    if !schema.fields().iter().any(|f| f.data_type().is_decimal()) {
        return Ok(batch.clone());
    }
    let mut fields = Vec::with_capacity(schema.fields().len());
    let mut columns = Vec::with_capacity(schema.fields().len());
    for (field, column) in schema.fields().iter().zip(batch.columns()) {
        if field.data_type().is_decimal() {
            columns.push(datafusion::arrow::compute::cast(column, &DataType::Utf8)?);
            fields.push(Field::new(
                field.name(),
                DataType::Utf8,
                field.is_nullable(),
            ));
        } else {
            columns.push(column.clone());
            fields.push(field.as_ref().clone());
        }
    }
    RecordBatch::try_new(std::sync::Arc::new(Schema::new(fields)), columns)
}

/// Writes `page` to `out` in `format`.
pub fn export(page: &Page, format: Format, out: impl Write + Send) -> Result<(), ResultError> {
    let failed = |message: String| ResultError::Convert { message };
    match format {
        Format::Csv => {
            let mut writer = datafusion::arrow::csv::Writer::new(out);
            // An empty result still gets its header line.
            let empty = [RecordBatch::new_empty(page.schema.clone())];
            let batches = if page.batches.is_empty() {
                &empty[..]
            } else {
                &page.batches[..]
            };
            for batch in batches {
                writer.write(batch).map_err(|e| failed(e.to_string()))?;
            }
            Ok(())
        }
        Format::Json => {
            let mut writer = datafusion::arrow::json::ArrayWriter::new(out);
            for batch in &page.batches {
                writer.write(batch).map_err(|e| failed(e.to_string()))?;
            }
            writer.finish().map_err(|e| failed(e.to_string()))?;
            // A text file, and a command's output, ends its last line (`| jq`, `cat`).
            let mut out = writer.into_inner();
            out.write_all(b"\n")
                .and_then(|()| out.flush())
                .map_err(|e| failed(e.to_string()))
        }
        Format::Parquet => {
            let mut writer = ArrowWriter::try_new(out, page.schema.clone(), None)
                .map_err(|e| failed(e.to_string()))?;
            for batch in &page.batches {
                writer.write(batch).map_err(|e| failed(e.to_string()))?;
            }
            writer.close().map(drop).map_err(|e| failed(e.to_string()))
        }
    }
}
