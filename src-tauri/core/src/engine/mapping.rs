//! What a connection carries: a column of an upstream result, through the connection's
//! transformation, as the JSON value the downstream parameter is then typed from.
//!
//! Decimals stay exact: a decimal cell is a JSON number when an `f64` carries its digits
//! exactly, else its digits as text (`value::decimal_json`), and `sum` adds exactly.

use crate::model::{ScalarType, Transformation};
use crate::value::{decimal_json, decimal_parts, decimal_text};
use datafusion::arrow::datatypes::Schema;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::common::ScalarValue;
use serde_json::{Number, Value as Json};
use std::collections::HashSet;

/// Every value of `column` in the result, in row order.
pub fn column_values(
    schema: &Schema,
    batches: &[RecordBatch],
    column: &str,
) -> Result<Vec<Json>, String> {
    let index = schema
        .index_of(column)
        .map_err(|_| format!("the upstream result has no column `{column}`"))?;
    let mut values = Vec::with_capacity(batches.iter().map(RecordBatch::num_rows).sum());
    for batch in batches {
        let array = batch.column(index);
        for row in 0..array.len() {
            let scalar = ScalarValue::try_from_array(array, row).map_err(|e| e.to_string())?;
            values.push(json_of(&scalar));
        }
    }
    Ok(values)
}

/// `values` through `transformation`.
pub fn transform(values: Vec<Json>, transformation: Transformation) -> Result<Json, String> {
    let present = || values.iter().filter(|v| !v.is_null());
    Ok(match transformation {
        Transformation::List => Json::Array(present().cloned().collect()),
        Transformation::DistinctList => {
            let mut seen = HashSet::new();
            Json::Array(
                present()
                    .filter(|v| seen.insert(v.to_string()))
                    .cloned()
                    .collect(),
            )
        }
        Transformation::First => values.first().cloned().unwrap_or(Json::Null),
        Transformation::Count => Json::from(present().count()),
        Transformation::Sum => sum(present())?,
        Transformation::Min => extreme(present(), std::cmp::Ordering::Less),
        Transformation::Max => extreme(present(), std::cmp::Ordering::Greater),
        Transformation::Cast(to) => {
            Json::Array(present().map(|v| cast(v, to)).collect::<Result<_, _>>()?)
        }
    })
}

/// What several connections into one list parameter carry, as one list: a set union in
/// connection order (the connections' ids), then order of first appearance, each value
/// once (as `distinct_list` keeps it); a NULL (`first` of no rows) adds nothing, and the
/// union of nothing but NULLs is NULL (no value, as one such connection gives).
pub fn combine(each: Vec<Json>) -> Json {
    if each.iter().all(Json::is_null) {
        return Json::Null;
    }
    let mut seen = HashSet::new();
    let items = each
        .into_iter()
        .flat_map(|value| match value {
            Json::Array(items) => items,
            Json::Null => Vec::new(),
            one => vec![one],
        })
        .filter(|v| !v.is_null() && seen.insert(v.to_string()));
    Json::Array(items.collect())
}

/// The exact sum, as decimals are added on paper: `0.1 + 0.2` is `0.3`. Integers sum to an
/// integer; a sum past 38 digits falls back to floating point.
fn sum<'a>(values: impl Iterator<Item = &'a Json>) -> Result<Json, String> {
    let mut whole: Option<i64> = Some(0);
    let mut exact: Option<(i128, i8)> = Some((0, 0));
    let mut real = 0.0;
    for value in values {
        let text = match value {
            Json::Number(n) => n.to_string(),
            // A decimal with more digits than a JSON number keeps.
            Json::String(s) if decimal_parts(s).is_some() => s.clone(),
            _ => return Err(format!("`sum` needs numbers, found {value}")),
        };
        whole = whole
            .zip(value.as_i64())
            .and_then(|(a, b)| a.checked_add(b));
        exact = exact
            .zip(decimal_parts(&text))
            .and_then(|(a, b)| add_exactly(a, b));
        real += text.parse::<f64>().unwrap_or(0.0);
    }
    Ok(match (whole, exact) {
        (Some(total), _) => Json::from(total),
        (None, Some((unscaled, scale))) => {
            decimal_json(&decimal_text(unscaled, scale)).unwrap_or(Json::Null)
        }
        (None, None) => Number::from_f64(real).map_or(Json::Null, Json::Number),
    })
}

/// `a + b` for decimals as (unscaled, scale), or `None` when it needs more than 38 digits.
fn add_exactly(a: (i128, i8), b: (i128, i8)) -> Option<(i128, i8)> {
    let scale = a.1.max(b.1).max(0);
    let align = |(unscaled, s): (i128, i8)| {
        10i128
            .checked_pow(u32::try_from(i16::from(scale) - i16::from(s)).ok()?)
            .and_then(|factor| unscaled.checked_mul(factor))
    };
    Some((align(a)?.checked_add(align(b)?)?, scale))
}

/// The smallest (`Less`) or largest (`Greater`) value: numbers by value, the rest by text
/// (ISO dates and times sort correctly as text).
fn extreme<'a>(values: impl Iterator<Item = &'a Json>, wanted: std::cmp::Ordering) -> Json {
    let order = |a: &Json, b: &Json| match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        _ => text(a).cmp(&text(b)),
    };
    values
        .fold(None::<&Json>, |best, v| match best {
            Some(b) if order(v, b) != wanted => Some(b),
            _ => Some(v),
        })
        .cloned()
        .unwrap_or(Json::Null)
}

fn text(value: &Json) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned)
}

/// One value as `to`, for `cast:<type>`.
fn cast(value: &Json, to: ScalarType) -> Result<Json, String> {
    let failed = || {
        format!(
            "cannot cast {value} to {}",
            crate::validation::values::type_name(to, false)
        )
    };
    Ok(match to {
        ScalarType::String | ScalarType::Date | ScalarType::Datetime => Json::String(text(value)),
        ScalarType::Integer => match value {
            Json::Number(n) => n
                .as_i64()
                .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
                .map(Json::from)
                .ok_or_else(failed)?,
            Json::String(s) => Json::from(s.trim().parse::<i64>().map_err(|_| failed())?),
            Json::Bool(b) => Json::from(i64::from(*b)),
            _ => return Err(failed()),
        },
        ScalarType::Decimal => match value {
            Json::Number(_) => value.clone(),
            Json::String(s) => decimal_json(s.trim()).ok_or_else(failed)?,
            _ => return Err(failed()),
        },
        ScalarType::Boolean => match value {
            Json::Bool(_) => value.clone(),
            Json::Number(n) => Json::Bool(n.as_f64() != Some(0.0)),
            Json::String(s) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "t" | "1" | "yes" => Json::Bool(true),
                "false" | "f" | "0" | "no" => Json::Bool(false),
                _ => return Err(failed()),
            },
            _ => return Err(failed()),
        },
        ScalarType::Json => value.clone(),
    })
}

/// A result cell as JSON: numbers as numbers, dates and times as ISO text.
fn json_of(scalar: &ScalarValue) -> Json {
    if scalar.is_null() {
        return Json::Null;
    }
    match scalar {
        ScalarValue::Boolean(Some(b)) => Json::Bool(*b),
        ScalarValue::Int8(Some(v)) => Json::from(*v),
        ScalarValue::Int16(Some(v)) => Json::from(*v),
        ScalarValue::Int32(Some(v)) => Json::from(*v),
        ScalarValue::Int64(Some(v)) => Json::from(*v),
        ScalarValue::UInt8(Some(v)) => Json::from(*v),
        ScalarValue::UInt16(Some(v)) => Json::from(*v),
        ScalarValue::UInt32(Some(v)) => Json::from(*v),
        ScalarValue::UInt64(Some(v)) => Json::from(*v),
        ScalarValue::Float32(Some(v)) => {
            Number::from_f64(f64::from(*v)).map_or(Json::Null, Json::Number)
        }
        ScalarValue::Float64(Some(v)) => Number::from_f64(*v).map_or(Json::Null, Json::Number),
        ScalarValue::Decimal128(Some(v), _, scale) => {
            let exact = decimal_text(*v, *scale);
            decimal_json(&exact).unwrap_or(Json::String(exact))
        }
        ScalarValue::Utf8(Some(s))
        | ScalarValue::LargeUtf8(Some(s))
        | ScalarValue::Utf8View(Some(s)) => Json::String(s.clone()),
        ScalarValue::TimestampSecond(Some(v), zone) => date_time(*v, 0, zone.is_some()),
        ScalarValue::TimestampMillisecond(Some(v), zone) => date_time(
            v.div_euclid(1_000),
            v.rem_euclid(1_000) * 1_000_000,
            zone.is_some(),
        ),
        ScalarValue::TimestampMicrosecond(Some(v), zone) => date_time(
            v.div_euclid(1_000_000),
            v.rem_euclid(1_000_000) * 1_000,
            zone.is_some(),
        ),
        ScalarValue::TimestampNanosecond(Some(v), zone) => date_time(
            v.div_euclid(1_000_000_000),
            v.rem_euclid(1_000_000_000),
            zone.is_some(),
        ),
        other => Json::String(other.to_string()),
    }
}

/// The instant `seconds` + `nanos` after 1970 UTC as a date-time parameter reads it: ending
/// in `Z` when the column has a zone (an instant), without one when it has none (a wall-clock
/// time, read as UTC).
fn date_time(seconds: i64, nanos: i64, zoned: bool) -> Json {
    let Some(at) = u32::try_from(nanos)
        .ok()
        .and_then(|nanos| chrono::DateTime::from_timestamp(seconds, nanos))
    else {
        return Json::Null;
    };
    Json::String(match zoned {
        true => at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
        false => at.naive_utc().format("%Y-%m-%dT%H:%M:%S%.f").to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn transformations_shape_a_column() {
        let values = vec![json!(3), json!(1), json!(3), Json::Null, json!(2)];
        let t = |t| transform(values.clone(), t).expect("transforms");
        assert_eq!(t(Transformation::List), json!([3, 1, 3, 2]));
        assert_eq!(t(Transformation::DistinctList), json!([3, 1, 2]));
        assert_eq!(t(Transformation::First), json!(3));
        assert_eq!(t(Transformation::Count), json!(4));
        assert_eq!(t(Transformation::Sum), json!(9));
        assert_eq!(t(Transformation::Min), json!(1));
        assert_eq!(t(Transformation::Max), json!(3));
        assert_eq!(
            t(Transformation::Cast(ScalarType::String)),
            json!(["3", "1", "3", "2"])
        );
        assert_eq!(transform(vec![], Transformation::First), Ok(Json::Null));
        assert_eq!(
            transform(
                vec![json!("2026-06-02"), json!("2026-05-30")],
                Transformation::Max
            ),
            Ok(json!("2026-06-02"))
        );
        assert!(transform(vec![json!("a")], Transformation::Sum).is_err());
    }

    #[test]
    fn connections_into_one_list_are_a_union_in_their_order() {
        assert_eq!(
            combine(vec![json!([3, 1, 3]), json!([2, 1]), json!(4), Json::Null]),
            json!([3, 1, 2, 4])
        );
        assert_eq!(combine(vec![json!([]), Json::Null]), json!([]));
        assert_eq!(combine(vec![Json::Null, Json::Null]), Json::Null);
    }

    #[test]
    fn decimals_are_carried_and_summed_exactly() {
        let sum = |values: Vec<Json>| transform(values, Transformation::Sum).expect("sums");
        assert_eq!(sum(vec![json!(0.1), json!(0.2)]), json!(0.3));
        assert_eq!(sum(vec![json!(45_000.55), json!(894.12)]), json!(45_894.67));
        assert_eq!(
            sum(vec![json!("12345678901234567.89"), json!(0.01)]),
            json!("12345678901234567.90")
        );
        assert_eq!(
            sum(vec![json!(i64::MAX), json!(1)]),
            json!("9223372036854775808")
        );

        // A decimal cell as JSON: a number where an f64 keeps every digit, else the digits.
        let cell = |unscaled: i128, scale: i8| {
            json_of(&ScalarValue::Decimal128(Some(unscaled), 38, scale))
        };
        assert_eq!(cell(4_589_467, 2), json!(45_894.67));
        assert_eq!(
            cell(1_234_567_890_123_456_789, 2),
            json!("12345678901234567.89")
        );
    }
}
