//! CSV data files as analysts get them, parsed once.
//!
//! A CSV file is read whole, once per fingerprint — its canonical path, size and
//! modification time, and its sidecar's text (`column_types.rs`) — into a Parquet copy in
//! the engine's cache folder (`<workspace>/cache/csv/<path hash>-<fingerprint hash>.parquet`),
//! and the table is read from that copy: every node of a run, every later run and every
//! process (the app, `flowloom run`, `flowloom scheduler`) reads the copy rather than the
//! text. A copy is written to a temporary file and renamed into place, so a reader never
//! sees half of one; the copies of a file's earlier fingerprints are removed when its new
//! one is written, and its copy when it leaves the data folder. The path is its folder's
//! canonical path and its name, so every spelling of a workspace shares one copy.
//!
//! Reading the text:
//! - **Missing values.** A cell that is exactly one of the markers (by default the empty
//!   cell, `NA`, `N/A`, `NULL`, `\N` and `NaN`, as R and pandas write them; a sidecar's
//!   `"missing"` replaces the list) is NULL, in every column, and tells inference nothing.
//! - **Types from the whole file.** Every cell is looked at, so a column's first missing
//!   value or first disagreeing row may come anywhere; a column widens rather than fails:
//!   integers → float → text, date → datetime → text, anything else mixed → text. A column
//!   of missing values only is text. The same file always gives the same types.
//! - **Dates and times.** `YYYY-MM-DD` is a date; `YYYY-MM-DD HH:MM:SS[.fff…]`, with a
//!   `T` or a space, is a datetime, kept to the millisecond (finer when a value has more
//!   places); when a value of the column carries a zone (`Z`, `+02:00`) the column is in
//!   UTC, each value converted, and a value without one is read as UTC.
//! - A sidecar's column types replace inferred ones, as for every data file.
//!
//! Invariant: what inference calls a column, the reader parses every cell of it as (the
//! same parsers decide both), so a copy is written whole or not at all.

use super::column_types::{self, ColumnTypes};
use datafusion::arrow::array::types::Date32Type;
use datafusion::arrow::compute::kernels::cast_utils::{Parser, string_to_datetime};
use datafusion::arrow::csv::ReaderBuilder;
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::basic::Compression;
use datafusion::parquet::file::properties::WriterProperties;
use std::collections::HashSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

/// What a CSV cell that means "no value" is, unless its sidecar says otherwise.
pub const DEFAULT_MISSING: [&str; 6] = ["", "NA", "N/A", "NULL", "\\N", "NaN"];

/// Changes whenever what a copy holds for the same file would change (inference, reading):
/// copies written by an older build are then written again.
const COPY_FORMAT: &str = "flowloom-csv-copy-1";

/// Rows per Parquet row group: a query scans row groups in parallel.
const ROW_GROUP_ROWS: usize = 64 * 1024;

/// Rows the reader parses at a time.
const BATCH_ROWS: usize = 8 * 1024;

/// Why a CSV file could not be read as a table: its sidecar's fault or the file's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CsvProblem {
    Sidecar(String),
    File(String),
}

/// The CSV file at `path` as the table's Parquet copy in `cache_dir` and the schema it was
/// written with, written now unless a copy of the file as it is (`len`, `modified`, and
/// `sidecar`'s text) is there already. Blocking: it may read the whole file.
pub fn copy_of(
    path: &Path,
    len: u64,
    modified: Option<SystemTime>,
    sidecar: Option<&Path>,
    cache_dir: &Path,
) -> Result<(PathBuf, SchemaRef), CsvProblem> {
    let file = file_name(path);
    let sidecar_text = match sidecar {
        Some(sidecar) => Some(ColumnTypes::read_text(sidecar).map_err(CsvProblem::Sidecar)?),
        None => None,
    };
    let types = sidecar_text
        .as_deref()
        .map(ColumnTypes::parse)
        .transpose()
        .map_err(CsvProblem::Sidecar)?;
    let canonical = canonical(path).map_err(|e| CsvProblem::File(e.to_string()))?;
    let modified_nanos = modified
        .and_then(|m| m.duration_since(SystemTime::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    let mut key = blake3::Hasher::new();
    key.update(COPY_FORMAT.as_bytes());
    key.update(canonical.as_os_str().as_encoded_bytes());
    key.update(format!("\0{len}\0{modified_nanos}\0").as_bytes());
    key.update(sidecar_text.as_deref().unwrap_or("").as_bytes());
    let prefix = copies_prefix(&canonical);
    let name = format!(
        "{prefix}{}.parquet",
        &key.finalize().to_hex().as_str()[..32]
    );
    let copy = cache_dir.join(&name);
    // A copy that cannot be read (cut short by a full disk, say) is written again.
    if let Some(schema) = written_schema(&copy) {
        return Ok((copy, schema));
    }
    let missing = match types.as_ref().and_then(ColumnTypes::missing) {
        Some(markers) => markers.to_vec(),
        None => DEFAULT_MISSING.iter().map(|m| (*m).to_owned()).collect(),
    };
    let inferred =
        infer(path, &missing).map_err(|why| CsvProblem::File(format!("{file}: {why}")))?;
    let schema = match &types {
        Some(types) => types.apply(&inferred, &file).map_err(CsvProblem::Sidecar)?,
        None => inferred,
    };
    // The reader would cut a decimal's extra digits off silently: every value is checked to
    // fit first.
    column_types::check_decimals(path, &schema).map_err(CsvProblem::File)?;
    std::fs::create_dir_all(cache_dir).map_err(|e| {
        CsvProblem::File(format!(
            "cannot make the cache folder {}: {e}",
            cache_dir.display()
        ))
    })?;
    // Another process, or another engine of this one, may be writing the same copy: each
    // writes its own temporary file, and the last rename leaves one whole copy.
    static WRITING: AtomicU64 = AtomicU64::new(0);
    let temporary = cache_dir.join(format!(
        ".{name}.{}-{}.tmp",
        std::process::id(),
        WRITING.fetch_add(1, Ordering::Relaxed)
    ));
    let schema = Arc::new(schema);
    let written = write_copy(path, schema.clone(), &missing, &temporary);
    if let Err(why) = written {
        let _ = std::fs::remove_file(&temporary);
        return Err(CsvProblem::File(format!("{file}: {why}")));
    }
    // The file changed while it was read: the copy is not of the file the key names.
    let now = std::fs::metadata(path).ok();
    if now.as_ref().map(std::fs::Metadata::len) != Some(len)
        || now.and_then(|m| m.modified().ok()) != modified
    {
        let _ = std::fs::remove_file(&temporary);
        return Err(CsvProblem::File(format!(
            "{file} changed while it was read; it is read again when the next run starts"
        )));
    }
    std::fs::rename(&temporary, &copy).map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        CsvProblem::File(format!(
            "cannot keep the copy of {file} in {}: {e}",
            cache_dir.display()
        ))
    })?;
    remove_older_copies(cache_dir, &prefix, &name);
    Ok((copy, schema))
}

/// The Arrow schema a copy was written with, if it is there and readable.
fn written_schema(copy: &Path) -> Option<SchemaRef> {
    use datafusion::parquet::arrow::arrow_reader::{ArrowReaderMetadata, ArrowReaderOptions};
    let file = std::fs::File::open(copy).ok()?;
    let metadata = ArrowReaderMetadata::load(&file, ArrowReaderOptions::default()).ok()?;
    Some(metadata.schema().clone())
}

/// The file at `path` as one spelling of it: its folder's canonical path (`ws`, `./ws` and
/// `/tmp//ws` are one folder) and its name. Known after the file is gone, to forget its copy.
fn canonical(path: &Path) -> std::io::Result<PathBuf> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other("a data file has a name"))?;
    Ok(std::fs::canonicalize(folder)?.join(name))
}

/// How the names of the copies of the file at `canonical` start, whatever its fingerprint.
fn copies_prefix(canonical: &Path) -> String {
    let hash = blake3::hash(canonical.as_os_str().as_encoded_bytes()).to_hex();
    format!("{}-", &hash.as_str()[..16])
}

/// Removes the copies of the CSV file at `path`, which the data folder no longer has.
pub fn forget(path: &Path, cache_dir: &Path) {
    if let Ok(canonical) = canonical(path) {
        remove_older_copies(cache_dir, &copies_prefix(&canonical), "");
    }
}

/// The copies of earlier versions of a file (same path, other fingerprint): nothing reads
/// them again. A copy another process still reads stays readable where the OS allows it.
fn remove_older_copies(cache_dir: &Path, prefix: &str, keep: &str) {
    let Ok(entries) = std::fs::read_dir(cache_dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(prefix) && name.ends_with(".parquet") && name != keep {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The missing-value markers as the reader's pattern: a whole cell equal to one of them.
fn missing_pattern(missing: &[String]) -> Result<regex::Regex, String> {
    let alternatives: Vec<String> = missing.iter().map(|m| regex::escape(m)).collect();
    regex::Regex::new(&format!("^(?:{})$", alternatives.join("|")))
        .map_err(|e| format!("the missing-value markers do not make a pattern: {e}"))
}

/// Reads the CSV at `path` with `schema` and writes it as Parquet to `out`.
fn write_copy(
    path: &Path,
    schema: SchemaRef,
    missing: &[String],
    out: &Path,
) -> Result<(), String> {
    let input = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let reader = ReaderBuilder::new(schema.clone())
        .with_header(true)
        .with_null_regex(missing_pattern(missing)?)
        .with_batch_size(BATCH_ROWS)
        .build(std::io::BufReader::with_capacity(1 << 20, input))
        .map_err(|e| e.to_string())?;
    let output = std::fs::File::create(out).map_err(|e| e.to_string())?;
    let properties = WriterProperties::builder()
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .set_compression(Compression::UNCOMPRESSED)
        .build();
    let mut writer =
        ArrowWriter::try_new(std::io::BufWriter::new(output), schema, Some(properties))
            .map_err(|e| e.to_string())?;
    for batch in reader {
        let batch = batch.map_err(|e| super::plain_message(&e.to_string()))?;
        writer.write(&batch).map_err(|e| e.to_string())?;
    }
    let mut output = writer.into_inner().map_err(|e| e.to_string())?;
    output.flush().map_err(|e| e.to_string())?;
    output
        .into_inner()
        .map_err(|e| e.to_string())?
        .sync_all()
        .map_err(|e| e.to_string())
}

/// What the cells of one column were, as far as seen.
#[derive(Debug, Default, Clone)]
struct Seen {
    boolean: bool,
    integer: bool,
    float: bool,
    date: bool,
    datetime: bool,
    text: bool,
    /// A datetime value carried a zone.
    zoned: bool,
    /// The most places after the seconds' point.
    places: usize,
}

impl Seen {
    fn note(&mut self, cell: &str) {
        if self.text {
            return;
        }
        let bytes = cell.as_bytes();
        if cell.eq_ignore_ascii_case("true") || cell.eq_ignore_ascii_case("false") {
            self.boolean = true;
        } else if is_integer(bytes) {
            // Past i64 it is no integer the reader takes: text (never a rounded float).
            if cell.parse::<i64>().is_ok() {
                self.integer = true;
            } else {
                self.text = true;
            }
        } else if is_float(bytes) || matches!(cell, "NaN" | "nan" | "inf" | "-inf") {
            self.float = true;
        } else if bytes.len() == 10 && looks_like_date(bytes) && Date32Type::parse(cell).is_some() {
            self.date = true;
        } else if bytes.len() > 10
            && looks_like_date(bytes)
            && matches!(bytes[10], b'T' | b't' | b' ')
            && string_to_datetime(&chrono::Utc, cell).is_ok()
        {
            self.datetime = true;
            let time = &bytes[11..];
            let digits_or_colon = time
                .iter()
                .take_while(|b| b.is_ascii_digit() || **b == b':')
                .count();
            let mut rest = &time[digits_or_colon..];
            if let Some(fraction) = rest.strip_prefix(b".") {
                let places = fraction.iter().take_while(|b| b.is_ascii_digit()).count();
                self.places = self.places.max(places);
                rest = &fraction[places..];
            }
            self.zoned |= !rest.is_empty();
        } else {
            self.text = true;
        }
    }

    /// The column's type: the narrowest every cell fits.
    fn data_type(&self) -> DataType {
        let kinds = [
            self.boolean,
            self.integer || self.float,
            self.date || self.datetime,
        ];
        if self.text || kinds.iter().filter(|k| **k).count() != 1 {
            return DataType::Utf8;
        }
        if self.boolean {
            DataType::Boolean
        } else if self.float {
            DataType::Float64
        } else if self.integer {
            DataType::Int64
        } else if self.datetime {
            let unit = match self.places {
                0..=3 => TimeUnit::Millisecond,
                4..=6 => TimeUnit::Microsecond,
                _ => TimeUnit::Nanosecond,
            };
            DataType::Timestamp(unit, self.zoned.then(|| "UTC".into()))
        } else {
            DataType::Date32
        }
    }
}

/// `-?[0-9]+`.
fn is_integer(bytes: &[u8]) -> bool {
    let digits = bytes.strip_prefix(b"-").unwrap_or(bytes);
    !digits.is_empty() && digits.iter().all(u8::is_ascii_digit)
}

/// `-?` then digits with one point (a digit on either side) and an optional exponent, or
/// digits with an exponent.
fn is_float(bytes: &[u8]) -> bool {
    let body = bytes.strip_prefix(b"-").unwrap_or(bytes);
    let (mantissa, exponent) = match body.iter().position(|b| matches!(b, b'e' | b'E')) {
        Some(at) => (&body[..at], Some(&body[at + 1..])),
        None => (body, None),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e
            .strip_prefix(b"-")
            .or_else(|| e.strip_prefix(b"+"))
            .unwrap_or(e);
        !e.is_empty() && e.iter().all(u8::is_ascii_digit)
    });
    let (whole, fraction) = match mantissa.iter().position(|b| *b == b'.') {
        Some(at) => (&mantissa[..at], Some(&mantissa[at + 1..])),
        None => (mantissa, None),
    };
    let digits = |d: &[u8]| d.iter().all(u8::is_ascii_digit);
    let mantissa_ok = match fraction {
        Some(fraction) => {
            digits(whole) && digits(fraction) && !(whole.is_empty() && fraction.is_empty())
        }
        // Digits alone are an integer: a float only with an exponent.
        None => !whole.is_empty() && digits(whole) && exponent.is_some(),
    };
    mantissa_ok && exponent_ok
}

/// `YYYY-MM-DD` at the start.
fn looks_like_date(bytes: &[u8]) -> bool {
    bytes.len() >= 10
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'-'
        && bytes[5..7].iter().all(u8::is_ascii_digit)
        && bytes[7] == b'-'
        && bytes[8..10].iter().all(u8::is_ascii_digit)
}

/// The schema of the CSV at `path` from every one of its rows, `missing` cells left out.
pub fn infer(path: &Path, missing: &[String]) -> Result<Schema, String> {
    let input = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(std::io::BufReader::with_capacity(1 << 20, input));
    let headers = reader.headers().map_err(|e| e.to_string())?.clone();
    if headers.is_empty() {
        return Err("the file has no header row naming its columns".to_owned());
    }
    let mut names = HashSet::new();
    for name in &headers {
        if !names.insert(name) {
            return Err(format!("the header row names column `{name}` twice"));
        }
    }
    let missing: HashSet<&str> = missing.iter().map(String::as_str).collect();
    let mut seen = vec![Seen::default(); headers.len()];
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(err) => return Err(csv_error(&err)),
        }
        for (column, cell) in seen.iter_mut().zip(record.iter()) {
            if !missing.contains(cell) {
                column.note(cell);
            }
        }
    }
    let fields: Vec<Field> = headers
        .iter()
        .zip(&seen)
        .map(|(name, seen)| Field::new(name, seen.data_type(), true))
        .collect();
    Ok(Schema::new(fields))
}

/// A CSV reader's error by line, in words.
fn csv_error(err: &csv::Error) -> String {
    let line = err.position().map(|p| format!("line {}: ", p.line()));
    let what = match err.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} fields where the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "not UTF-8 text".to_owned(),
        _ => err.to_string(),
    };
    format!("{}{what}", line.unwrap_or_default())
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn type_of(cells: &[&str]) -> DataType {
        let mut seen = Seen::default();
        for cell in cells {
            seen.note(cell);
        }
        seen.data_type()
    }

    #[test]
    fn a_column_widens_rather_than_fails() {
        assert_eq!(type_of(&["1", "-2"]), DataType::Int64);
        assert_eq!(type_of(&["1", "2.5"]), DataType::Float64);
        assert_eq!(type_of(&["1", "1e3", ".5", "5."]), DataType::Float64);
        assert_eq!(type_of(&["1", "2.5", "n/a"]), DataType::Utf8);
        assert_eq!(type_of(&["99999999999999999999"]), DataType::Utf8);
        assert_eq!(type_of(&["true", "FALSE"]), DataType::Boolean);
        assert_eq!(type_of(&["true", "1"]), DataType::Utf8);
        assert_eq!(type_of(&[]), DataType::Utf8);
        assert_eq!(type_of(&["1.2.3", "-", "e5", "1e"]), DataType::Utf8);
    }

    #[test]
    fn dates_and_datetimes_in_their_common_forms() {
        assert_eq!(type_of(&["2024-01-05", "1999-12-31"]), DataType::Date32);
        assert_eq!(type_of(&["2024-02-30"]), DataType::Utf8);
        assert_eq!(
            type_of(&["2024-01-05 10:00:00", "2024-01-05T10:00:59"]),
            DataType::Timestamp(TimeUnit::Millisecond, None)
        );
        assert_eq!(
            type_of(&["2024-01-05", "2024-01-05 10:00:00.123456"]),
            DataType::Timestamp(TimeUnit::Microsecond, None)
        );
        assert_eq!(
            type_of(&["2024-01-05T10:00:00Z", "2024-01-05T10:00:00+02:00"]),
            DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into()))
        );
        assert_eq!(type_of(&["2024-01-05", "5"]), DataType::Utf8);
        // Without seconds the reader does not take it: text, never a failed query.
        assert_eq!(type_of(&["2024-01-05T10:00"]), DataType::Utf8);
    }
}
