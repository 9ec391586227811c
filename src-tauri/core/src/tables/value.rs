//! A cell of a data table: a JSON value read as its column's type, in the form it is stored
//! (SQLite: INTEGER, REAL or TEXT), and the column's rules checked against it.

use crate::model::{Column, ColumnType};
use serde_json::Value;
use std::cmp::Ordering;

/// A value as stored.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
}

/// `value` read as a `kind`: strings for text, dates (`YYYY-MM-DD`) and datetimes (RFC 3339,
/// stored in UTC as `YYYY-MM-DDTHH:MM:SS.fffZ`); numbers for integers, decimals and references;
/// true/false for booleans; anything for json (stored as its text). Null stays null.
pub fn convert(kind: ColumnType, value: &Value) -> Result<Cell, String> {
    use ColumnType as T;
    if value.is_null() {
        return Ok(Cell::Null);
    }
    let wrong = || format!("expected {}, got {}", expected(kind), describe(value));
    match kind {
        T::String | T::Text => value
            .as_str()
            .map(|s| Cell::Text(s.to_owned()))
            .ok_or_else(wrong),
        T::Integer | T::Reference => value.as_i64().map(Cell::Integer).ok_or_else(wrong),
        T::Decimal => value
            .as_f64()
            .filter(|f| f.is_finite())
            .map(Cell::Real)
            .ok_or_else(wrong),
        T::Boolean => value
            .as_bool()
            .map(|b| Cell::Integer(i64::from(b)))
            .ok_or_else(wrong),
        T::Date => {
            let text = value.as_str().ok_or_else(wrong)?;
            chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(|d| Cell::Text(d.format("%Y-%m-%d").to_string()))
                .map_err(|_| format!("expected a date (YYYY-MM-DD), got \"{text}\""))
        }
        T::Datetime => {
            let text = value.as_str().ok_or_else(wrong)?;
            crate::value::parse_datetime(text)
                .map(|d| {
                    let utc = d.with_timezone(&chrono::Utc);
                    Cell::Text(utc.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
                })
                .ok_or_else(|| {
                    format!(
                        "expected a datetime (e.g. 2026-06-01T09:30:00Z or 2026-06-01 09:30:00), got \"{text}\""
                    )
                })
        }
        T::Json => Ok(Cell::Text(value.to_string())),
    }
}

fn expected(kind: ColumnType) -> &'static str {
    match kind {
        ColumnType::String | ColumnType::Text => "text",
        ColumnType::Integer => "a whole number",
        ColumnType::Reference => "a row id (a whole number)",
        ColumnType::Decimal => "a number",
        ColumnType::Boolean => "true or false",
        ColumnType::Date | ColumnType::Datetime => "text",
        ColumnType::Json => "JSON",
    }
}

fn describe(value: &Value) -> String {
    match value {
        Value::String(s) => format!("\"{s}\""),
        other => other.to_string(),
    }
}

/// How two cells of one column order (none for cells that do not compare).
pub fn compare(a: &Cell, b: &Cell) -> Option<Ordering> {
    match (a, b) {
        (Cell::Integer(x), Cell::Integer(y)) => Some(x.cmp(y)),
        (Cell::Real(x), Cell::Real(y)) => x.partial_cmp(y),
        (Cell::Integer(x), Cell::Real(y)) => (*x as f64).partial_cmp(y),
        (Cell::Real(x), Cell::Integer(y)) => x.partial_cmp(&(*y as f64)),
        (Cell::Text(x), Cell::Text(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// Every rule of `column` that `cell` (not null) breaks, in words.
pub fn broken_rules(column: &Column, cell: &Cell) -> Vec<String> {
    let rules = &column.validation;
    let mut broken = Vec::new();
    if let Cell::Text(text) = cell
        && matches!(column.data_type, ColumnType::String | ColumnType::Text)
    {
        let length = text.chars().count();
        if let Some(max) = rules.max_length
            && length > max as usize
        {
            broken.push(format!(
                "longer than max_length {max} ({length} characters)"
            ));
        }
        if let Some(min) = rules.min_length
            && length < min as usize
        {
            broken.push(format!(
                "shorter than min_length {min} ({length} characters)"
            ));
        }
        if let Some(pattern) = &rules.pattern
            && let Ok(re) = regex::Regex::new(&format!("^(?:{pattern})$"))
            && !re.is_match(text)
        {
            broken.push(format!("does not match pattern `{pattern}`"));
        }
    }
    for (rule, bound, refused) in [
        ("min", &rules.min, Ordering::Less),
        ("max", &rules.max, Ordering::Greater),
    ] {
        if let Some(bound) = bound
            && let Ok(limit) = convert(column.data_type, bound)
            && compare(cell, &limit) == Some(refused)
        {
            broken.push(format!(
                "{} {rule} {bound}",
                if refused == Ordering::Less {
                    "below"
                } else {
                    "above"
                }
            ));
        }
    }
    if let Some(allowed) = &rules.allowed {
        let listed = allowed
            .iter()
            .filter_map(|v| convert(column.data_type, v).ok())
            .any(|v| v == *cell);
        if !listed {
            let values: Vec<String> = allowed.iter().map(Value::to_string).collect();
            broken.push(format!("not one of the enum values {}", values.join(", ")));
        }
    }
    broken
}
