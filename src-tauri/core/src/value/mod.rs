//! Typed parameter values: what a JSON value from a flow, an override, a `--param` or an
//! upstream result becomes once its declared type is known. Rendering binds these; nothing
//! here is ever written into SQL text.

use crate::model::ScalarType;
use crate::validation::values::check_value;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use serde_json::Value as Json;

mod exact;
use exact::decimal;
pub use exact::{
    MAX_DECIMAL_DIGITS, decimal_json, decimal_parts, decimal_text, exact_numbers, parse_decimal,
    rescale,
};

/// One typed value, or a list of them.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    String(String),
    Integer(i64),
    /// Exact: `unscaled / 10^scale` (so `12.5` is `125` at scale 1).
    Decimal {
        unscaled: i128,
        scale: i8,
    },
    Boolean(bool),
    Date(NaiveDate),
    /// A date-time without a zone is taken as UTC.
    Datetime(DateTime<FixedOffset>),
    /// JSON, bound as its text.
    Json(String),
    List(Vec<Value>),
}

impl Value {
    /// `json` as a value of `value_type` (a list of them when `list`), or why it is not one.
    /// A decimal may come as its exact digits in a JSON string too ([`decimal_json`]).
    pub fn from_json(value_type: ScalarType, list: bool, json: &Json) -> Result<Value, String> {
        if json.is_null() {
            return Ok(Value::Null);
        }
        if list {
            let Some(items) = json.as_array() else {
                // Says what was expected instead.
                return Err(check_value(value_type, true, &[], json)
                    .err()
                    .unwrap_or_else(|| format!("{json} is not a list")));
            };
            return items
                .iter()
                .enumerate()
                .map(|(i, item)| one(value_type, item).map_err(|why| format!("item {i}: {why}")))
                .collect::<Result<_, _>>()
                .map(Value::List);
        }
        one(value_type, json)
    }
}

/// One value (not a list) of `value_type`. `check_value` says why a value does not fit
/// (an integer out of range, a decimal of more digits than it holds), so nothing is rounded.
fn one(value_type: ScalarType, json: &Json) -> Result<Value, String> {
    check_value(value_type, false, &[], json)?;
    if value_type == ScalarType::Decimal
        && let Some(text) = json.as_str()
    {
        return decimal(text.trim()).ok_or_else(|| format!("{json} is not a valid decimal"));
    }
    scalar(value_type, json)
}

/// The JSON a command-line value (`--param k=v`) stands for, given the type it should have:
/// lists are comma-separated (or a JSON array), strings and dates are written bare. Unchecked:
/// the caller types it with [`Value::from_json`].
pub fn json_from_text(value_type: ScalarType, list: bool, text: &str) -> Json {
    if list {
        match serde_json::from_str::<Json>(&exact_numbers(text)) {
            Ok(array @ Json::Array(_)) => array,
            _ => Json::Array(
                text.split(',')
                    .map(|item| text_json(value_type, item.trim()))
                    .collect(),
            ),
        }
    } else {
        text_json(value_type, text)
    }
}

/// The JSON a bare command-line word stands for, given the type it should have.
fn text_json(value_type: ScalarType, text: &str) -> Json {
    match value_type {
        // Exact: `12345678901234567.89` has more digits than a JSON number keeps.
        ScalarType::Decimal => decimal_json(text).unwrap_or_else(|| Json::String(text.to_owned())),
        // A whole number past `i64` stays its digits, for the check to name it out of range
        // (as a JSON number it would be rounded to a double first).
        ScalarType::Integer => match text.trim().parse::<i64>() {
            Ok(n) => Json::from(n),
            Err(_) => serde_json::from_str(&exact_numbers(text))
                .unwrap_or_else(|_| Json::String(text.to_owned())),
        },
        ScalarType::Boolean | ScalarType::Json => serde_json::from_str(&exact_numbers(text))
            .unwrap_or_else(|_| Json::String(text.to_owned())),
        ScalarType::String | ScalarType::Date | ScalarType::Datetime => {
            Json::String(text.to_owned())
        }
    }
}

/// A checked scalar; `check_value` has already said it fits.
fn scalar(value_type: ScalarType, json: &Json) -> Result<Value, String> {
    let bad = || format!("{json} is not a valid {value_type:?}");
    Ok(match value_type {
        ScalarType::String => Value::String(json.as_str().ok_or_else(bad)?.to_owned()),
        ScalarType::Integer => Value::Integer(json.as_i64().ok_or_else(bad)?),
        ScalarType::Decimal => decimal(&json.to_string()).ok_or_else(bad)?,
        ScalarType::Boolean => Value::Boolean(json.as_bool().ok_or_else(bad)?),
        ScalarType::Date => Value::Date(
            NaiveDate::parse_from_str(json.as_str().ok_or_else(bad)?, "%Y-%m-%d")
                .map_err(|_| bad())?,
        ),
        ScalarType::Datetime => {
            Value::Datetime(parse_datetime(json.as_str().ok_or_else(bad)?).ok_or_else(bad)?)
        }
        ScalarType::Json => Value::Json(json.to_string()),
    })
}

/// A date-time as users write it: RFC 3339 (`2026-03-02T10:00:00Z`), a space for the `T`
/// (`2026-03-02 10:00:00+01:00`, as databases and spreadsheets write them), seconds and
/// fractions optional; without an offset it is UTC. Parameters and data tables read
/// date-times alike through this.
pub(crate) fn parse_datetime(text: &str) -> Option<DateTime<FixedOffset>> {
    let text = text.trim();
    let text = text.replacen(' ', "T", 1);
    DateTime::parse_from_rfc3339(&text).ok().or_else(|| {
        ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"]
            .iter()
            .find_map(|format| NaiveDateTime::parse_from_str(&text, format).ok())
            .map(|naive| naive.and_utc().fixed_offset())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_values_take_their_declared_type() {
        let date = NaiveDate::from_ymd_opt(2026, 6, 1).expect("date");
        assert_eq!(
            Value::from_json(ScalarType::Date, false, &json!("2026-06-01")),
            Ok(Value::Date(date))
        );
        assert_eq!(
            Value::from_json(ScalarType::Decimal, false, &json!(12.5)),
            Ok(Value::Decimal {
                unscaled: 125,
                scale: 1
            })
        );
        assert_eq!(
            Value::from_json(ScalarType::Integer, true, &json!([1, 2])),
            Ok(Value::List(vec![Value::Integer(1), Value::Integer(2)]))
        );
        assert_eq!(
            Value::from_json(ScalarType::Datetime, false, &json!("2026-06-01 12:30")),
            Ok(Value::Datetime(
                date.and_hms_opt(12, 30, 0)
                    .expect("time")
                    .and_utc()
                    .fixed_offset()
            ))
        );
        assert!(Value::from_json(ScalarType::Integer, false, &json!("20")).is_err());
    }

    #[test]
    fn datetimes_are_read_as_users_write_them() {
        let ten = DateTime::parse_from_rfc3339("2026-03-02T10:00:00Z").expect("a time");
        for text in [
            "2026-03-02T10:00:00Z",
            "2026-03-02 10:00:00",
            "2026-03-02 10:00",
            "2026-03-02T10:00",
            "2026-03-02 10:00:00.000",
            "2026-03-02 11:00:00+01:00",
            "2026-03-02T11:00:00+01:00",
        ] {
            assert_eq!(parse_datetime(text), Some(ten), "{text:?}");
            assert_eq!(
                parse_text(ScalarType::Datetime, false, text),
                Ok(Value::Datetime(ten)),
                "--param at={text}"
            );
        }
        for text in ["2026-03-02", "10:00", "2026-03-02 25:00:00", "soon"] {
            assert_eq!(parse_datetime(text), None, "{text:?}");
        }
    }

    fn parse_text(value_type: ScalarType, list: bool, text: &str) -> Result<Value, String> {
        Value::from_json(value_type, list, &json_from_text(value_type, list, text))
    }

    #[test]
    fn command_line_text_is_parsed_by_type() {
        assert_eq!(
            parse_text(ScalarType::Integer, false, "20"),
            Ok(Value::Integer(20))
        );
        assert_eq!(
            parse_text(ScalarType::String, true, "a, b"),
            Ok(Value::List(vec![
                Value::String("a".into()),
                Value::String("b".into())
            ]))
        );
        assert_eq!(
            parse_text(ScalarType::Decimal, false, "1e3"),
            Ok(Value::Decimal {
                unscaled: 1000,
                scale: 0
            })
        );
        // More digits than an f64 keeps: still exact.
        assert_eq!(
            parse_text(ScalarType::Decimal, false, "12345678901234567.89"),
            Ok(Value::Decimal {
                unscaled: 1_234_567_890_123_456_789,
                scale: 2
            })
        );
        let err = parse_text(ScalarType::Date, false, "yesterday").expect_err("not a date");
        assert!(err.contains("YYYY-MM-DD"), "{err}");
    }

    #[test]
    fn decimals_travel_as_json_exactly() {
        assert_eq!(decimal_json("45894.67"), Some(json!(45894.67)));
        assert_eq!(decimal_json("0.30"), Some(json!(0.3)));
        assert_eq!(
            decimal_json("12345678901234567.89"),
            Some(json!("12345678901234567.89"))
        );
        assert_eq!(decimal_json("abc"), None);
        let exact = Value::Decimal {
            unscaled: 1_234_567_890_123_456_789,
            scale: 2,
        };
        assert_eq!(
            Value::from_json(ScalarType::Decimal, false, &json!("12345678901234567.89")),
            Ok(exact.clone())
        );
        assert_eq!(
            Value::from_json(
                ScalarType::Decimal,
                true,
                &json!([1.5, "12345678901234567.89"])
            ),
            Ok(Value::List(vec![
                Value::Decimal {
                    unscaled: 15,
                    scale: 1
                },
                exact
            ]))
        );
        assert!(Value::from_json(ScalarType::Decimal, false, &json!("lots")).is_err());
        assert!(Value::from_json(ScalarType::Integer, false, &json!("12")).is_err());
        for (unscaled, scale, text) in [
            (125, 1, "12.5"),
            (-5, 2, "-0.05"),
            (5, -2, "500"),
            (0, 0, "0"),
            (4_589_467, 2, "45894.67"),
        ] {
            assert_eq!(decimal_text(unscaled, scale), text);
            if unscaled != 0 && scale >= 0 {
                assert_eq!(decimal_parts(text), Some((unscaled, scale)));
            }
        }
    }

    #[test]
    fn decimals_are_read_digit_for_digit_or_refused_with_the_reason() {
        let max38 = "99999999999999999999999999999999999999";
        for (text, exact) in [
            ("12.50", (125, 1)),
            ("-0.05", (-5, 2)),
            ("+.5", (5, 1)),
            ("1e3", (1000, 0)),
            ("1.5E-3", (15, 4)),
            ("000.000", (0, 0)),
            (max38, (max38.parse::<i128>().expect("38 nines"), 0)),
            ("0.00000000000000000000000000000000000001", (1, 38)),
        ] {
            assert_eq!(parse_decimal(text), Ok(exact), "{text}");
        }
        for (text, why) in [
            (
                "170141183460469231731687303715884105727",
                "has 39 significant digits",
            ),
            ("1e38", "has 39 significant digits"),
            (
                "0.000000000000000000000000000000000000001",
                "has 39 digits after the point",
            ),
            ("1.2.3", "is not a number"),
            ("", "is not a number"),
            ("1e", "is not a number"),
            ("-", "is not a number"),
            ("0x10", "is not a number"),
        ] {
            let err = parse_decimal(text).expect_err(text);
            assert!(err.contains(why), "{text}: {err}");
        }
    }

    #[test]
    fn rescaling_rounds_half_to_even() {
        assert_eq!(rescale(125, 1, 3), Some(12_500));
        for (unscaled, to, rounded) in [
            (125, 0, 12),
            (135, 0, 14),
            (-125, 0, -12),
            (-135, 0, -14),
            (126, 0, 13),
            (124, 0, 12),
        ] {
            assert_eq!(rescale(unscaled, 1, to), Some(rounded), "{unscaled}");
        }
        assert_eq!(rescale(1, 0, 39), None);
    }

    #[test]
    fn json_numbers_a_double_would_change_are_kept_as_their_digits() {
        for kept in [
            r#"{"a": 0.1, "b": 45894.67, "c": 1e3, "d": -12, "e": 18446744073709551615}"#,
            r#"["x1234567890123456789012"]"#,
        ] {
            assert_eq!(exact_numbers(kept), kept);
        }
        assert_eq!(
            exact_numbers(
                r#"{"d": 12345678901234567890.12, "s": "9.99999999999999999999", "i": [170141183460469231731687303715884105727]}"#
            ),
            r#"{"d": "12345678901234567890.12", "s": "9.99999999999999999999", "i": ["170141183460469231731687303715884105727"]}"#
        );
        // Read as the parameter types them: exact, or refused by range.
        let json: Json =
            serde_json::from_str(&exact_numbers("[12345678901234567890.12]")).expect("json");
        assert_eq!(
            Value::from_json(ScalarType::Decimal, true, &json),
            Ok(Value::List(vec![Value::Decimal {
                unscaled: 1_234_567_890_123_456_789_012,
                scale: 2
            }]))
        );
        let err = Value::from_json(
            ScalarType::Integer,
            false,
            &serde_json::json!(9_223_372_036_854_775_808u64),
        )
        .expect_err("past i64");
        assert!(
            err.contains(
                "out of range for an integer (-9223372036854775808 to 9223372036854775807)"
            ),
            "{err}"
        );
    }
}
