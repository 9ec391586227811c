//! Type rules for parameter values and mappings.

use crate::model::{ParamSpec, ScalarType, Transformation};
use serde_json::Value;

pub fn type_name(value_type: ScalarType, list: bool) -> String {
    let name = serde_json::to_value(value_type)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    if list {
        format!("list of {name}")
    } else {
        name
    }
}

/// Why `value` is not a valid value of `spec`, if it is not.
pub fn check_value(
    value_type: ScalarType,
    list: bool,
    allowed: &[Value],
    value: &Value,
) -> Result<(), String> {
    if list {
        let Value::Array(items) = value else {
            return Err(format!(
                "expected a {}, found {}",
                type_name(value_type, true),
                describe(value)
            ));
        };
        for (i, item) in items.iter().enumerate() {
            check_scalar(value_type, allowed, item).map_err(|why| format!("item {i}: {why}"))?;
        }
        return Ok(());
    }
    check_scalar(value_type, allowed, value)
}

pub fn check_param_value(spec: &ParamSpec, value: &Value) -> Result<(), String> {
    check_value(spec.value_type, spec.list, &spec.allowed_values, value)
}

fn check_scalar(value_type: ScalarType, allowed: &[Value], value: &Value) -> Result<(), String> {
    if value_type == ScalarType::Integer
        && let Some(text) = out_of_range(value)
    {
        return Err(format!(
            "{text} is out of range for an integer ({} to {})",
            i64::MIN,
            i64::MAX
        ));
    }
    let exact = match value_type {
        ScalarType::Decimal => exact_decimal(value).transpose()?,
        _ => None,
    };
    let fits = match value_type {
        ScalarType::String => value.is_string(),
        ScalarType::Integer => value.is_i64(),
        ScalarType::Decimal => exact.is_some(),
        ScalarType::Boolean => value.is_boolean(),
        ScalarType::Date => value.as_str().is_some_and(is_date),
        ScalarType::Datetime => value.as_str().is_some_and(is_datetime),
        ScalarType::Json => true,
    };
    if !fits {
        let expected = match value_type {
            ScalarType::Date => "a date (YYYY-MM-DD)".to_owned(),
            ScalarType::Datetime => {
                "a date-time (YYYY-MM-DDTHH:MM:SS, optionally with a zone)".to_owned()
            }
            other => with_article(&type_name(other, false)),
        };
        return Err(format!("expected {expected}, found {}", describe(value)));
    }
    let listed = |v: &Value| match exact {
        // `12.50`, `"12.5"` and `12.5` are one decimal.
        Some(exact) => exact_decimal(v).and_then(Result::ok) == Some(exact),
        None => v == value,
    };
    if !allowed.is_empty() && !allowed.iter().any(listed) {
        let list: Vec<String> = allowed.iter().map(Value::to_string).collect();
        return Err(format!(
            "{value} is not one of the allowed values {}",
            list.join(", ")
        ));
    }
    Ok(())
}

/// A whole number too large for an integer parameter (a JSON number past `i64`, or the
/// digits of one kept as text so that none is lost), as written.
fn out_of_range(value: &Value) -> Option<String> {
    match value {
        Value::Number(n) if n.is_u64() && !n.is_i64() => Some(n.to_string()),
        Value::Number(n)
            if n.as_f64()
                .is_some_and(|f| f.is_finite() && f.fract() == 0.0) =>
        {
            (!n.is_i64() && !n.is_u64()).then(|| n.to_string())
        }
        Value::String(s) => {
            let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
            (!digits.is_empty()
                && digits.bytes().all(|b| b.is_ascii_digit())
                && s.parse::<i64>().is_err())
            .then(|| s.clone())
        }
        _ => None,
    }
}

/// A decimal's exact value (a JSON number, or its digits as a string), `Some(Err)` when it
/// is a number a decimal cannot hold (too many digits), `None` when it is no number.
fn exact_decimal(value: &Value) -> Option<Result<(i128, i8), String>> {
    let text = match value {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.trim().to_owned(),
        _ => return None,
    };
    match crate::value::parse_decimal(&text) {
        Ok(exact) => Some(Ok(exact)),
        Err(_) if !looks_numeric(&text) => None,
        Err(why) => Some(Err(format!("{text} {why}"))),
    }
}

/// Whether `text` is written as a number at all (a sign, digits, a point, an exponent).
fn looks_numeric(text: &str) -> bool {
    text.bytes().any(|b| b.is_ascii_digit())
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'))
}

pub fn with_article(noun: &str) -> String {
    let article = if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {noun}")
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) => format!("number {n}"),
        Value::String(s) => format!("string {s:?}"),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
    }
}

pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| {
        s.get(r)
            .filter(|p| p.bytes().all(|c| c.is_ascii_digit()))?
            .parse::<u32>()
            .ok()
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

pub fn is_datetime(s: &str) -> bool {
    // Everything valid is ASCII; checking that first keeps the slicing below on char boundaries.
    if !s.is_ascii()
        || s.len() < 16
        || !is_date(&s[..10])
        || !matches!(s.as_bytes()[10], b'T' | b' ')
    {
        return false;
    }
    let time = &s[11..];
    let (clock, zone) = match time.find(['Z', '+', '-']) {
        Some(i) => time.split_at(i),
        None => (time, ""),
    };
    let zone_ok = zone.is_empty() || zone == "Z" || {
        let z = zone.as_bytes();
        z.len() == 6
            && z[3] == b':'
            && zone[1..3].parse::<u8>().is_ok_and(|h| h < 24)
            && zone[4..].parse::<u8>().is_ok_and(|m| m < 60)
    };
    let mut parts = clock.split(':');
    let (Some(h), Some(m)) = (parts.next(), parts.next()) else {
        return false;
    };
    let seconds = parts.next();
    let two_digits = |p: &str, max: u8| p.len() == 2 && p.parse::<u8>().is_ok_and(|v| v <= max);
    let seconds_ok = seconds.is_none_or(|sec| {
        let (whole, frac) = sec.split_once('.').unwrap_or((sec, "0"));
        two_digits(whole, 60) && !frac.is_empty() && frac.bytes().all(|c| c.is_ascii_digit())
    });
    zone_ok && parts.next().is_none() && two_digits(h, 23) && two_digits(m, 59) && seconds_ok
}

/// Whether a value of type `from` may feed a parameter of type `to`.
pub fn assignable(from: ScalarType, to: ScalarType) -> bool {
    from == to
        || to == ScalarType::Json
        || (from == ScalarType::Integer && to == ScalarType::Decimal)
}

/// What a mapping delivers: (element type if known, is a list), or why the transformation
/// cannot apply to the column.
pub fn transformed(
    column: Option<ScalarType>,
    transformation: Transformation,
) -> Result<(Option<ScalarType>, bool), String> {
    Ok(match transformation {
        Transformation::List | Transformation::DistinctList => (column, true),
        Transformation::Cast(to) => (Some(to), true),
        Transformation::First | Transformation::Min | Transformation::Max => (column, false),
        Transformation::Count => (Some(ScalarType::Integer), false),
        Transformation::Sum => match column {
            Some(t @ (ScalarType::Integer | ScalarType::Decimal)) | Some(t @ ScalarType::Json) => {
                (Some(t), false)
            }
            None => (None, false),
            Some(other) => {
                return Err(format!(
                    "`sum` needs a number column, not {}",
                    type_name(other, false)
                ));
            }
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dates_and_datetimes_are_checked_for_real() {
        assert!(is_date("2026-02-28") && is_date("2024-02-29"));
        assert!(
            !is_date("2026-02-29")
                && !is_date("2026-13-01")
                && !is_date("26-01-01")
                && !is_date("2026-1-01")
        );
        for ok in [
            "2026-06-01T12:30",
            "2026-06-01 12:30:59",
            "2026-06-01T12:30:59.123Z",
            "2026-06-01T12:30:00+02:00",
        ] {
            assert!(is_datetime(ok), "{ok}");
        }
        for bad in [
            "2026-06-01",
            "2026-06-01T24:00",
            "2026-06-01T12:3",
            "2026-06-01T12:30+2",
            "2026-06-01X12:30",
            "2026-06-0€T12:30",
            "2026-06-01T12:30+€:",
        ] {
            assert!(!is_datetime(bad), "{bad}");
        }
    }

    #[test]
    fn values_are_checked_against_type_list_and_allowed_values() {
        assert!(check_value(ScalarType::Integer, false, &[], &json!(20)).is_ok());
        assert_eq!(
            check_value(ScalarType::Integer, false, &[], &json!("20")),
            Err("expected an integer, found string \"20\"".into())
        );
        assert!(check_value(ScalarType::String, true, &[], &json!(["a", "b"])).is_ok());
        assert_eq!(
            check_value(ScalarType::String, true, &[], &json!(["a", 1])),
            Err("item 1: expected a string, found number 1".into())
        );
        assert!(check_value(ScalarType::String, false, &[json!("EU")], &json!("US")).is_err());
        assert!(check_value(ScalarType::Decimal, false, &[], &json!(3)).is_ok());
    }
}
