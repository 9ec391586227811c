//! A cell of a data table: a JSON value read as its column's type, in the form it is stored
//! (SQLite: INTEGER, REAL or TEXT; a decimal as the TEXT of its exact digits), and the
//! column's rules checked against it.

use crate::model::{Column, ColumnType};
use serde_json::Value;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

/// A value as stored.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    /// Exact: `unscaled / 10^scale`, trailing zeros dropped (so one value has one form);
    /// stored as its text (`12.5`).
    Decimal(i128, i8),
}

impl Cell {
    /// A decimal's text as stored: its digits exactly, `-0.05`, `12.5`, `1000`.
    pub fn decimal_text(unscaled: i128, scale: i8) -> String {
        crate::value::decimal_text(unscaled, scale)
    }
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
        // Exactly as written: a JSON number's digits (as read), or a string of them; never
        // through a double.
        T::Decimal => {
            let text = match value {
                Value::Number(n) => n.to_string(),
                Value::String(s) => s.trim().to_owned(),
                _ => return Err(wrong()),
            };
            match crate::value::parse_decimal(&text) {
                Ok((unscaled, scale)) => Ok(Cell::Decimal(unscaled, scale)),
                Err(why) if value.is_number() || text.bytes().any(|b| b.is_ascii_digit()) => {
                    Err(format!("{} {why}", describe(value)))
                }
                Err(_) => Err(wrong()),
            }
        }
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
        (Cell::Decimal(x, xs), Cell::Decimal(y, ys)) => {
            Some(compare_decimals((*x, *xs), (*y, *ys)))
        }
        (Cell::Decimal(..), Cell::Integer(y)) => compare(a, &Cell::Decimal(i128::from(*y), 0)),
        (Cell::Integer(x), Cell::Decimal(..)) => compare(&Cell::Decimal(i128::from(*x), 0), b),
        (Cell::Decimal(x, s), Cell::Real(y)) => decimal_f64(*x, *s).partial_cmp(y),
        (Cell::Real(x), Cell::Decimal(y, s)) => x.partial_cmp(&decimal_f64(*y, *s)),
        _ => None,
    }
}

/// Two exact decimals in order: at one scale when that fits an `i128`, else the one that
/// does not fit is the larger in size.
fn compare_decimals(a: (i128, i8), b: (i128, i8)) -> Ordering {
    let scale = a.1.max(b.1);
    let at = |(unscaled, s): (i128, i8)| crate::value::rescale(unscaled, s, scale);
    match (at(a), at(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        // Only a value of 39 digits or more at the common scale overflows: the larger one.
        (None, _) => a.0.signum().cmp(&0),
        (_, None) => 0.cmp(&b.0.signum()),
    }
}

/// A decimal as a double (for a computed column, which SQLite computes in doubles).
pub fn decimal_f64(unscaled: i128, scale: i8) -> f64 {
    crate::value::decimal_text(unscaled, scale)
        .parse()
        .unwrap_or(f64::NAN)
}

/// Why decimal `cell` does not fit `column`'s precision and scale, if it does not: more
/// digits after the point than its scale (never rounded away), or more before it than
/// precision − scale.
pub fn decimal_misfit(column: &Column, cell: &Cell) -> Option<String> {
    let Cell::Decimal(unscaled, scale) = *cell else {
        return None;
    };
    let (precision, declared) = column.decimal_shape();
    let shape = format!("decimal({precision},{declared})");
    if scale > declared as i8 {
        return Some(format!(
            "{} has {scale} digits after the point; the column is {shape}, which keeps {declared}",
            crate::value::decimal_text(unscaled, scale)
        ));
    }
    let whole = unscaled.unsigned_abs() / 10u128.pow(u32::try_from(scale.max(0)).unwrap_or(0));
    let whole = if whole == 0 {
        0
    } else {
        whole.to_string().len()
    };
    let room = usize::from(precision - declared);
    (whole > room).then(|| {
        format!(
            "{} has {whole} digits before the point; the column is {shape}, which keeps {room}",
            crate::value::decimal_text(unscaled, scale)
        )
    })
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
        if let Some(pattern) = &rules.pattern {
            match compiled_pattern(pattern) {
                Ok(re) if re.is_match(text) => {}
                Ok(_) => broken.push(format!("does not match pattern `{pattern}`")),
                // The schema check refuses such a pattern; a stored one is never let pass.
                Err(err) => broken.push(format!("pattern `{pattern}` cannot be checked: {err}")),
            }
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

/// How many compiled patterns are kept; past it the cache starts again (patterns are few).
const PATTERN_CACHE: usize = 256;

type Compiled = Result<Arc<regex::Regex>, String>;

static PATTERNS: LazyLock<Mutex<HashMap<String, Compiled>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// The form a `pattern` rule is enforced in: the whole value must match, every alternative
/// of `a|b` included. The pattern may set flags (`(?i)`, `(?x)`); a verbose pattern's
/// comment runs to the end of its line, so the wrapper's tail starts on a new line, in
/// verbose mode (its `(?x)` is scoped to the group, after the pattern: the newline is then
/// whitespace whatever the pattern's own flags).
pub fn anchored(pattern: &str) -> String {
    format!("^(?:{pattern}(?x)\n)$")
}

/// `pattern` compiled as it is enforced ([`anchored`]), or why it cannot be: compiled once
/// per pattern text and shared, by the schema check and by every value checked after it.
pub fn compiled_pattern(pattern: &str) -> Compiled {
    let mut cache = PATTERNS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(compiled) = cache.get(pattern) {
        return compiled.clone();
    }
    // On its own too: a pattern that only compiles wrapped (`a)(?:b`) would escape the
    // wrapper.
    let compiled = regex::Regex::new(pattern)
        .and_then(|_| regex::Regex::new(&anchored(pattern)))
        .map(Arc::new)
        .map_err(|e| e.to_string());
    if cache.len() >= PATTERN_CACHE {
        cache.clear();
    }
    cache.insert(pattern.to_owned(), compiled.clone());
    compiled
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pattern_is_compiled_once_and_shared() {
        let pattern = "(?x)[a-z]+  # a pattern only this test uses";
        let first = compiled_pattern(pattern).expect("compiles");
        let again = compiled_pattern(pattern).expect("compiles");
        assert!(Arc::ptr_eq(&first, &again), "compiled twice");
    }

    #[test]
    fn patterns_match_the_whole_value_whatever_their_flags() {
        for (pattern, matching, refused) in [
            ("[a-z]+", &["abc"][..], &["abc1", "1abc", "", "abc\n"][..]),
            (
                "(?x)[a-z]+  # letters",
                &["abc"],
                &["ab c", "abc1", "abc\n"],
            ),
            (
                "(?x) [0-9]{3} - [0-9]{4}  # phone",
                &["555-1234"],
                &["555 - 1234", "x555-1234"],
            ),
            ("(?i)abc", &["ABC", "abc"], &["abcd", "xabc"]),
            ("a|b", &["a", "b"], &["ab", "ba", "xa", "bx"]),
            ("cat|dog(?x) # pets", &["cat", "dog"], &["cats", "hotdog"]),
            ("a b", &["a b"], &["ab"]),
        ] {
            let re = compiled_pattern(pattern).unwrap_or_else(|e| panic!("{pattern}: {e}"));
            for text in matching {
                assert!(re.is_match(text), "{pattern} should match {text:?}");
            }
            for text in refused {
                assert!(!re.is_match(text), "{pattern} should refuse {text:?}");
            }
        }
    }

    #[test]
    fn a_pattern_that_only_compiles_wrapped_is_refused() {
        for pattern in ["a)(?:b", "(", "[a-z", "a\\", "(?x)a # c\n)"] {
            assert!(compiled_pattern(pattern).is_err(), "{pattern} compiled");
        }
    }
}
