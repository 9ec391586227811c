//! Column types a data file carries beside it ("column-type hints"): `data/<name>.schema.json`
//! next to `data/<name>.csv` (or `.json`) names the columns whose inferred type is not the
//! one wanted, in the product's type names:
//!
//! ```json
//! {"columns": {"spend": "decimal(12,2)", "day": "date", "campaign_id": "integer"}}
//! ```
//!
//! The other columns keep the type inferred from the file. A CSV file's sidecar may also say
//! which cells mean "no value" (`csv_files.rs`), replacing the default markers (the empty
//! cell, `NA`, `N/A`, `NULL`, `\N`, `NaN`):
//!
//! ```json
//! {"columns": {"spend": "decimal(12,2)"}, "missing": ["", "-", "n/a"]}
//! ```
//! Money read as `decimal(p,s)` stays
//! exact through sums, kept results and exports, where an inferred `Float64` would not.
//!
//! A value with more digits after the point than its column's scale, or more before it than
//! precision − scale, is refused, never cut off or rounded: the table is unreadable with an
//! error naming the file, the line and the column (`check_decimals`, once per change of the
//! file, as it is registered).
//!
//! Invariant: a sidecar that cannot be read, that names a column the file does not have or a
//! type the product does not know is a problem of its table, naming the sidecar and every
//! column at fault; it never panics and never leaves the table registered with half its types.

use datafusion::arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What ends the name of a data file's column types: `orders.schema.json` for `orders.csv`.
pub const SUFFIX: &str = ".schema.json";

/// A sidecar larger than this is not a list of column types.
const MAX_BYTES: u64 = 1 << 20;

/// Decimal precision and scale of a bare `decimal`: SQL's `DECIMAL`, as DataFusion reads it.
const DEFAULT_DECIMAL: (u8, i8) = (38, 10);

/// The type names a sidecar may use.
const KNOWN: &str =
    "string, text, integer, float, decimal, decimal(p,s), boolean, date, datetime, json";

/// A missing-value marker longer than this is a cell's text, not a marker.
const MAX_MARKER_CHARS: usize = 64;

/// The sidecar of the data file at `data`: `<dir>/<stem>.schema.json`.
pub fn sidecar_of(data: &Path) -> Option<PathBuf> {
    let stem = data.file_stem()?.to_str()?;
    Some(data.with_file_name(format!("{stem}{SUFFIX}")))
}

/// Whether `path` is a sidecar (never a table of its own).
pub fn is_sidecar(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(SUFFIX))
}

/// A sidecar as written: column name → type name.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Sidecar {
    #[serde(default)]
    columns: BTreeMap<String, String>,
    /// The cells that mean "no value" in a CSV file, replacing the default markers.
    #[serde(default)]
    missing: Option<Vec<String>>,
}

/// The column types a sidecar asks for, read but not yet checked against the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnTypes {
    columns: BTreeMap<String, String>,
    missing: Option<Vec<String>>,
}

impl ColumnTypes {
    /// Reads the sidecar at `path`, or says why it cannot be read.
    pub fn read(path: &Path) -> Result<Self, String> {
        Self::parse(&Self::read_text(path)?)
    }

    /// The sidecar's text, within its size limit.
    pub fn read_text(path: &Path) -> Result<String, String> {
        let size = std::fs::metadata(path).map_err(|e| e.to_string())?.len();
        if size > MAX_BYTES {
            return Err(format!(
                "{size} bytes is too large for a list of column types"
            ));
        }
        std::fs::read_to_string(path).map_err(|e| e.to_string())
    }

    /// `text` as column types: `{"columns": {"<column>": "<type>", …}, "missing": [...]}`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let sidecar: Sidecar = serde_json::from_str(text).map_err(|e| {
            format!(
                "{e}; expected {{\"columns\": {{\"<column>\": \"<type>\"}}, \"missing\": \
                 [\"<marker>\", …]}} (both optional)"
            )
        })?;
        if let Some(long) = sidecar
            .missing
            .iter()
            .flatten()
            .find(|m| m.chars().count() > MAX_MARKER_CHARS)
        {
            return Err(format!(
                "missing-value marker `{long}` is longer than {MAX_MARKER_CHARS} characters"
            ));
        }
        Ok(Self {
            columns: sidecar.columns,
            missing: sidecar.missing,
        })
    }

    /// The cells that mean "no value", when the sidecar lists them.
    pub fn missing(&self) -> Option<&[String]> {
        self.missing.as_deref()
    }

    /// `inferred` (the data file's schema as read from it, `file` its name) with the named
    /// columns' types replaced; every column the file lacks and every unknown type at once.
    pub fn apply(&self, inferred: &Schema, file: &str) -> Result<Schema, String> {
        let mut problems = Vec::new();
        let mut types = BTreeMap::new();
        for (column, name) in &self.columns {
            if inferred.field_with_name(column).is_err() {
                let known: Vec<_> = inferred
                    .fields()
                    .iter()
                    .map(|f| f.name().as_str())
                    .collect();
                problems.push(format!(
                    "column `{column}`: {file} has no such column (it has: {})",
                    known.join(", ")
                ));
            }
            match arrow_type(name) {
                Ok(data_type) => {
                    types.insert(column.as_str(), data_type);
                }
                Err(why) => problems.push(format!("column `{column}`: {why}")),
            }
        }
        if !problems.is_empty() {
            return Err(problems.join("; "));
        }
        let fields: Vec<Field> = inferred
            .fields()
            .iter()
            .map(|field| match types.get(field.name().as_str()) {
                Some(data_type) => field.as_ref().clone().with_data_type(data_type.clone()),
                None => field.as_ref().clone(),
            })
            .collect();
        Ok(Schema::new_with_metadata(
            fields,
            inferred.metadata().clone(),
        ))
    }
}

/// How many misfit decimals a refusal lists (it counts them all).
const SHOWN_PROBLEMS: usize = 5;

/// Every value of the decimal columns of `schema` (the file's schema with its sidecar's
/// types) in the data file at `path` checked to fit its column's precision and scale, or
/// the first few that do not, by line and column (and how many there are in all). Reads
/// only when `schema` has a decimal column; a value that is no number is left to the
/// reader, which refuses it itself.
pub fn check_decimals(path: &Path, schema: &Schema) -> Result<(), String> {
    let decimals: BTreeMap<&str, (u8, i8)> = schema
        .fields()
        .iter()
        .filter_map(|f| match f.data_type() {
            DataType::Decimal128(p, s) => Some((f.name().as_str(), (*p, *s))),
            _ => None,
        })
        .collect();
    if decimals.is_empty() {
        return Ok(());
    }
    let file = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let mut problems = Vec::new();
    let mut count = 0u64;
    let mut note = |line: u64, column: &str, text: &str, (precision, scale): (u8, i8)| {
        if let Some(why) = misfit(text, precision, scale) {
            count += 1;
            if problems.len() < SHOWN_PROBLEMS {
                problems.push(format!("line {line}, column `{column}`: {why}"));
            }
        }
    };
    let opened = std::fs::File::open(path).map_err(|e| e.to_string())?;
    if path.extension().is_some_and(|e| e == "csv") {
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(opened);
        let headers = reader.byte_headers().map_err(|e| e.to_string())?.clone();
        let wanted: Vec<(usize, &str, (u8, i8))> = headers
            .iter()
            .enumerate()
            .filter_map(|(i, h)| {
                let name = std::str::from_utf8(h).ok()?;
                decimals.get(name).map(|shape| (i, name, *shape))
            })
            .collect();
        let mut record = csv::ByteRecord::new();
        loop {
            match reader.read_byte_record(&mut record) {
                Ok(true) => {}
                Ok(false) => break,
                // The reader says what is wrong with the file's shape.
                Err(_) => return Ok(()),
            }
            let line = record.position().map_or(0, |p| p.line());
            for (i, name, shape) in &wanted {
                if let Some(cell) = record.get(*i).and_then(|c| std::str::from_utf8(c).ok()) {
                    note(line, name, cell, *shape);
                }
            }
        }
    } else {
        use std::io::{BufRead, Read};
        let mut text = String::new();
        std::io::BufReader::new(opened)
            .read_to_string(&mut text)
            .map_err(|e| e.to_string())?;
        let exact = crate::value::exact_numbers(&text);
        let rows: Vec<(u64, serde_json::Value)> = if text.trim_start().starts_with('[') {
            match serde_json::from_str::<Vec<serde_json::Value>>(&exact) {
                Ok(items) => (1u64..).zip(items).collect(),
                Err(_) => return Ok(()),
            }
        } else {
            exact
                .as_bytes()
                .lines()
                .enumerate()
                .filter_map(|(i, l)| {
                    let line = l.ok()?;
                    let value = serde_json::from_str(&line).ok()?;
                    Some((i as u64 + 1, value))
                })
                .collect()
        };
        for (line, row) in rows {
            for (name, shape) in &decimals {
                let text = match row.get(*name) {
                    Some(serde_json::Value::Number(n)) => n.to_string(),
                    Some(serde_json::Value::String(s)) => s.clone(),
                    _ => continue,
                };
                note(line, name, &text, *shape);
            }
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    let more = count.saturating_sub(problems.len() as u64);
    Err(format!(
        "{file}: {count} value(s) do not fit their decimal column, nothing is cut off or rounded \
         (declare a larger scale or precision in the sidecar, or round the values): {}{}",
        problems.join("; "),
        if more > 0 {
            format!("; and {more} more")
        } else {
            String::new()
        }
    ))
}

/// Why `text` does not fit `decimal(precision, scale)`, if it is a number that does not.
fn misfit(text: &str, precision: u8, scale: i8) -> Option<String> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let shape = format!("decimal({precision},{scale})");
    let (unscaled, own) = match crate::value::parse_decimal(text) {
        Ok(exact) => exact,
        Err(why) if text.bytes().any(|b| b.is_ascii_digit()) && !why.contains("not a number") => {
            return Some(format!("{text} {why}; the column is {shape}"));
        }
        Err(_) => return None,
    };
    if own > scale {
        return Some(format!(
            "{text} has {own} digits after the point; the column is {shape}, which keeps {scale}"
        ));
    }
    let whole = unscaled.unsigned_abs() / 10u128.pow(u32::try_from(own.max(0)).unwrap_or(0));
    let whole = if whole == 0 {
        0
    } else {
        whole.to_string().len()
    };
    let room = usize::from(precision).saturating_sub(usize::try_from(scale).unwrap_or(0));
    (whole > room).then(|| {
        format!(
            "{text} has {whole} digits before the point; the column is {shape}, which keeps {room}"
        )
    })
}

/// A product type name as the Arrow type a column of it is read as.
pub fn arrow_type(name: &str) -> Result<DataType, String> {
    let unknown = || format!("unknown type `{name}` (known: {KNOWN})");
    let lower = name.trim().to_ascii_lowercase();
    Ok(match lower.as_str() {
        "string" | "text" | "json" => DataType::Utf8,
        "integer" => DataType::Int64,
        "float" => DataType::Float64,
        "boolean" => DataType::Boolean,
        "date" => DataType::Date32,
        "datetime" => DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())),
        "decimal" => DataType::Decimal128(DEFAULT_DECIMAL.0, DEFAULT_DECIMAL.1),
        other => {
            let args = other
                .strip_prefix("decimal")
                .map(str::trim_start)
                .and_then(|rest| rest.strip_prefix('('))
                .and_then(|rest| rest.strip_suffix(')'))
                .ok_or_else(unknown)?;
            let (precision, scale) = decimal_args(args).ok_or_else(|| {
                format!(
                    "`{name}` is not a decimal type: write decimal(p,s) with a precision p \
                     of 1 to 38 digits and a scale s of 0 to p"
                )
            })?;
            DataType::Decimal128(precision, scale)
        }
    })
}

/// `p,s` (or `p` alone, scale 0) with `1 <= p <= 38` and `0 <= s <= p`.
fn decimal_args(args: &str) -> Option<(u8, i8)> {
    let (precision, scale) = match args.split_once(',') {
        Some((p, s)) => (p.trim().parse::<u8>().ok()?, s.trim().parse::<i8>().ok()?),
        None => (args.trim().parse::<u8>().ok()?, 0),
    };
    let fits = (1..=38).contains(&precision) && (0..=precision as i8).contains(&scale);
    fits.then_some((precision, scale))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_type_names_read_as_arrow_types() {
        assert_eq!(arrow_type("decimal(12,2)"), Ok(DataType::Decimal128(12, 2)));
        assert_eq!(
            arrow_type("Decimal( 12 , 2 )"),
            Ok(DataType::Decimal128(12, 2))
        );
        assert_eq!(arrow_type("decimal(9)"), Ok(DataType::Decimal128(9, 0)));
        assert_eq!(arrow_type("decimal"), Ok(DataType::Decimal128(38, 10)));
        assert_eq!(arrow_type("integer"), Ok(DataType::Int64));
        assert_eq!(arrow_type("date"), Ok(DataType::Date32));
        for bad in [
            "money",
            "decimal(40,2)",
            "decimal(4,5)",
            "decimal(",
            "decimal(a,b)",
        ] {
            let err = arrow_type(bad).expect_err(bad);
            assert!(err.contains(bad), "{err}");
        }
    }

    #[test]
    fn every_problem_of_a_sidecar_is_named() {
        let inferred = Schema::new(vec![
            Field::new("day", DataType::Date32, true),
            Field::new("spend", DataType::Float64, true),
        ]);
        let types = ColumnTypes::parse(
            r#"{"columns": {"spend": "decimal(12,2)", "cost": "decimal(12,2)", "day": "money"}}"#,
        )
        .expect("well-formed");
        let err = types.apply(&inferred, "ads.csv").expect_err("two problems");
        assert!(err.contains("column `cost`: ads.csv has no such column (it has: day, spend)"));
        assert!(err.contains("column `day`: unknown type `money`"), "{err}");

        let good = ColumnTypes::parse(r#"{"columns": {"spend": "decimal(12,2)"}}"#)
            .expect("well-formed")
            .apply(&inferred, "ads.csv")
            .expect("applies");
        assert_eq!(
            good.field_with_name("spend").expect("spend").data_type(),
            &DataType::Decimal128(12, 2)
        );
        assert_eq!(good.field(0).data_type(), &DataType::Date32);
        assert!(ColumnTypes::parse(r#"{"colums": {}}"#).is_err());
    }
}
