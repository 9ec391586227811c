//! A rendered [`Statement`] in PostgreSQL's terms: its text with `$n` for each bound value,
//! and the values themselves, each encoded in PostgreSQL's binary format with the type its
//! parameter declares. A list is ONE array parameter: the template's `x IN ({{ids}})` is
//! sent as `x = ANY($n)` (`NOT IN` as `<> ALL($n)`), so a list of any length is one value,
//! never SQL text; after a comparison (`x = {{ids}}`, a for-each node's one value) it is
//! `x = ANY($n)` (`<>`: `ALL`); anywhere else (`unnest({{ids}})`) the array itself.
//!
//! The text sent keeps, per character, where it came from in the statement's parts, so a
//! position the server reports maps back into the template's SQL ([`ServerPosition`]).

use super::oids;
use crate::engine::{EngineError, ServerPosition};
use crate::model::ScalarType;
use crate::render::{Part, Statement};
use crate::value::Value;
use chrono::NaiveDate;
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::types::Oid;
use sqlx::postgres::{PgArgumentBuffer, PgTypeInfo, Postgres};
use std::sync::LazyLock;

/// The statement as PostgreSQL receives it.
#[derive(Debug, Clone)]
pub(super) struct Bound {
    pub sql: String,
    pub params: Vec<Param>,
    /// Where each run of characters of `sql` came from: (first character in `sql`, length
    /// in characters, part of the statement, first character in that part).
    segments: Vec<(usize, usize, usize, usize)>,
}

impl Bound {
    /// The parameters' types, in order (`$1` first), for preparing the statement.
    pub fn types(&self) -> Vec<PgTypeInfo> {
        self.params.iter().map(|p| type_info(p.oid)).collect()
    }

    /// Where the server's 1-based character `position` in [`Self::sql`] stands in the
    /// statement's parts; a position inside a bound value names the value's part.
    pub fn locate(&self, position: usize) -> Option<ServerPosition> {
        let at = position.checked_sub(1)?;
        let mut last = None;
        for &(start, len, part, offset) in &self.segments {
            if at < start {
                break;
            }
            if at < start + len {
                return Some(ServerPosition {
                    part,
                    offset: offset + (at - start),
                    template: None,
                });
            }
            last = Some((part, offset + len));
        }
        // Past the last character (an unexpected end of input): the end of the last text.
        last.map(|(part, offset)| ServerPosition {
            part,
            offset,
            template: None,
        })
    }
}

/// One bound value in PostgreSQL's binary format, with its type.
#[derive(Debug, Clone)]
pub(super) struct Param {
    pub oid: u32,
    /// `None` binds SQL NULL.
    pub bytes: Option<Vec<u8>>,
}

impl sqlx::Type<Postgres> for Param {
    fn type_info() -> PgTypeInfo {
        type_info(oids::TEXT)
    }

    fn compatible(_ty: &PgTypeInfo) -> bool {
        true
    }
}

impl<'q> sqlx::Encode<'q, Postgres> for Param {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        match &self.bytes {
            Some(bytes) => {
                buf.extend_from_slice(bytes);
                Ok(IsNull::No)
            }
            None => Ok(IsNull::Yes),
        }
    }

    fn produces(&self) -> Option<PgTypeInfo> {
        Some(type_info(self.oid))
    }

    fn size_hint(&self) -> usize {
        self.bytes.as_ref().map_or(0, Vec::len)
    }
}

pub(super) fn type_info(oid: u32) -> PgTypeInfo {
    PgTypeInfo::with_oid(Oid(oid))
}

/// `NOT IN (` / `IN (` right before a list placeholder.
static IN_BEFORE: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"(?i)(\bNOT\s+)?\bIN\s*\(\s*$").expect("a valid pattern"));
/// A comparison right before a list placeholder (`x = {{ids}}`, how a for-each node's
/// template compares its one value): the list is compared with `ANY` (`ALL` for `<>`).
static COMPARISON_BEFORE: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"(?:^|[^<>=!~@#%^&|*+\-/])(=|<>|!=|<=|>=|<|>)\s*$").expect("a valid pattern")
});
/// The `)` closing `IN (` right after it.
static CLOSE_AFTER: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"^\s*\)").expect("a valid pattern"));

/// `statement` as PostgreSQL receives it: every value bound, none pasted.
pub(super) fn bind(statement: &Statement) -> Result<Bound, EngineError> {
    let mut params = statement
        .scalars
        .iter()
        .map(|(name, value_type, value)| {
            scalar(*value_type, value).map_err(|why| misfit(name, why))
        })
        .collect::<Result<Vec<_>, _>>()?;
    for list in &statement.lists {
        params.push(array(list.value_type, &list.values).map_err(|why| misfit(&list.name, why))?);
    }
    let scalars = statement.scalars.len();
    let mut sql = String::new();
    let mut chars = 0;
    let mut segments: Vec<(usize, usize, usize, usize)> = Vec::new();
    // Characters of the next text part to leave out: the `)` of an `IN (…)` rewritten.
    let mut skip_next = 0;
    for (index, part) in statement.parts.iter().enumerate() {
        match part {
            Part::Text(text) => {
                let kept = &text[skip_next..];
                let offset = text[..skip_next].chars().count();
                skip_next = 0;
                let len = kept.chars().count();
                segments.push((chars, len, index, offset));
                sql.push_str(kept);
                chars += len;
            }
            Part::Scalar(i) => {
                let reference = format!("${}", i + 1);
                push_value(&mut sql, &mut chars, &mut segments, index, &reference);
            }
            Part::List(i) => {
                let n = scalars + i + 1;
                let next = match statement.parts.get(index + 1) {
                    Some(Part::Text(after)) => CLOSE_AFTER.find(after).map(|m| m.end()),
                    _ => None,
                };
                let before = IN_BEFORE
                    .captures(&sql)
                    .map(|c| (c.get(0), c.get(1).is_some()));
                match (before, next) {
                    (Some((Some(found), negated)), Some(close)) => {
                        let cut = found.start();
                        let removed = sql[cut..].chars().count();
                        sql.truncate(cut);
                        chars -= removed;
                        trim_segments(&mut segments, chars);
                        let reference = if negated {
                            format!("<> ALL(${n})")
                        } else {
                            format!("= ANY(${n})")
                        };
                        push_value(&mut sql, &mut chars, &mut segments, index, &reference);
                        skip_next = close;
                    }
                    _ => {
                        let reference = match COMPARISON_BEFORE
                            .captures(&sql)
                            .and_then(|c| c.get(1))
                        {
                            Some(op) if matches!(op.as_str(), "<>" | "!=") => format!(" ALL(${n})"),
                            Some(_) => format!(" ANY(${n})"),
                            None => format!("${n}"),
                        };
                        push_value(&mut sql, &mut chars, &mut segments, index, &reference);
                    }
                }
            }
        }
    }
    Ok(Bound {
        sql,
        params,
        segments,
    })
}

fn push_value(
    sql: &mut String,
    chars: &mut usize,
    segments: &mut Vec<(usize, usize, usize, usize)>,
    part: usize,
    text: &str,
) {
    let len = text.chars().count();
    segments.push((*chars, len, part, 0));
    sql.push_str(text);
    *chars += len;
}

/// Shortens the segments so that none reaches past character `end`.
fn trim_segments(segments: &mut Vec<(usize, usize, usize, usize)>, end: usize) {
    segments.retain(|s| s.0 < end || s.1 == 0 && s.0 == end);
    for segment in segments.iter_mut() {
        if segment.0 + segment.1 > end {
            segment.1 = end - segment.0;
        }
    }
}

fn misfit(name: &str, why: String) -> EngineError {
    EngineError::Query {
        message: format!("parameter `{name}` cannot be sent to PostgreSQL: {why}"),
    }
}

/// The element type a parameter of `value_type` is sent as, and its array type.
fn oids_of(value_type: ScalarType) -> (u32, u32) {
    match value_type {
        ScalarType::String => (oids::TEXT, oids::TEXT_ARRAY),
        ScalarType::Integer => (oids::INT8, oids::INT8_ARRAY),
        ScalarType::Decimal => (oids::NUMERIC, oids::NUMERIC_ARRAY),
        ScalarType::Boolean => (oids::BOOL, oids::BOOL_ARRAY),
        ScalarType::Date => (oids::DATE, oids::DATE_ARRAY),
        ScalarType::Datetime => (oids::TIMESTAMPTZ, oids::TIMESTAMPTZ_ARRAY),
        ScalarType::Json => (oids::JSONB, oids::JSONB_ARRAY),
    }
}

/// One value of a parameter declared `value_type`.
fn scalar(value_type: ScalarType, value: &Value) -> Result<Param, String> {
    Ok(Param {
        oid: oids_of(value_type).0,
        bytes: encode(value_type, value)?,
    })
}

/// A list's values as one array of its declared type.
fn array(value_type: ScalarType, values: &[Value]) -> Result<Param, String> {
    let (element, array) = oids_of(value_type);
    let items = values
        .iter()
        .map(|v| encode(value_type, v))
        .collect::<Result<Vec<_>, _>>()?;
    let mut out = Vec::with_capacity(
        20 + items
            .iter()
            .map(|i| 4 + i.as_ref().map_or(0, Vec::len))
            .sum::<usize>(),
    );
    let len = i32::try_from(items.len()).map_err(|_| "too many values for one list".to_owned())?;
    if items.is_empty() {
        // No dimension at all: PostgreSQL's empty array.
        out.extend_from_slice(&0_i32.to_be_bytes());
        out.extend_from_slice(&0_i32.to_be_bytes());
        out.extend_from_slice(&element.to_be_bytes());
    } else {
        out.extend_from_slice(&1_i32.to_be_bytes());
        out.extend_from_slice(&i32::from(items.iter().any(Option::is_none)).to_be_bytes());
        out.extend_from_slice(&element.to_be_bytes());
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(&1_i32.to_be_bytes());
        for item in &items {
            match item {
                Some(bytes) => {
                    let n =
                        i32::try_from(bytes.len()).map_err(|_| "a value too long".to_owned())?;
                    out.extend_from_slice(&n.to_be_bytes());
                    out.extend_from_slice(bytes);
                }
                None => out.extend_from_slice(&(-1_i32).to_be_bytes()),
            }
        }
    }
    Ok(Param {
        oid: array,
        bytes: Some(out),
    })
}

/// Days from 1970-01-01 to PostgreSQL's epoch, 2000-01-01.
pub(super) const PG_EPOCH_DAYS: i64 = 10_957;
/// Microseconds from 1970-01-01 to 2000-01-01.
pub(super) const PG_EPOCH_MICROS: i64 = 946_684_800_000_000;

/// `value` in the binary format of `value_type`'s PostgreSQL type; `None` for NULL.
fn encode(value_type: ScalarType, value: &Value) -> Result<Option<Vec<u8>>, String> {
    let epoch = NaiveDate::from_ymd_opt(2000, 1, 1).expect("the epoch is a date");
    Ok(Some(match (value_type, value) {
        (_, Value::Null) => return Ok(None),
        (_, Value::List(_)) => {
            return Err("a list was bound where a single value belongs".to_owned());
        }
        (ScalarType::String, Value::String(s)) => s.as_bytes().to_vec(),
        (ScalarType::Json, Value::Json(s) | Value::String(s)) => {
            let mut bytes = vec![1];
            bytes.extend_from_slice(s.as_bytes());
            bytes
        }
        (ScalarType::Integer, Value::Integer(i)) => i.to_be_bytes().to_vec(),
        (ScalarType::Decimal, Value::Decimal { unscaled, scale }) => numeric(*unscaled, *scale),
        (ScalarType::Decimal, Value::Integer(i)) => numeric(i128::from(*i), 0),
        (ScalarType::Boolean, Value::Boolean(b)) => vec![u8::from(*b)],
        (ScalarType::Date, Value::Date(d)) => {
            let days = i32::try_from((*d - epoch).num_days())
                .map_err(|_| format!("the date {d} is out of range"))?;
            days.to_be_bytes().to_vec()
        }
        (ScalarType::Datetime, Value::Datetime(t)) => {
            let micros = t.timestamp_micros() - PG_EPOCH_MICROS;
            micros.to_be_bytes().to_vec()
        }
        (expected, other) => {
            return Err(format!("{other:?} is not a value of type {expected:?}"));
        }
    }))
}

/// `unscaled / 10^scale` in PostgreSQL's binary `numeric`: base-10000 digits with a weight.
pub(super) fn numeric(unscaled: i128, scale: i8) -> Vec<u8> {
    let negative = unscaled < 0;
    let mut digits = unscaled.unsigned_abs().to_string();
    let (scale, dscale) = if scale < 0 {
        digits.extend(std::iter::repeat_n('0', usize::from(scale.unsigned_abs())));
        (0, 0)
    } else {
        (
            usize::from(scale.unsigned_abs()),
            u16::from(scale.unsigned_abs()),
        )
    };
    if digits.len() <= scale {
        digits = format!("{}{digits}", "0".repeat(scale + 1 - digits.len()));
    }
    let (int, frac) = digits.split_at(digits.len() - scale);
    // Whole part padded on the left, fraction on the right, to groups of four.
    let int = format!("{}{int}", "0".repeat((4 - int.len() % 4) % 4));
    let frac = format!("{frac}{}", "0".repeat((4 - frac.len() % 4) % 4));
    let group = |s: &str| -> Vec<i16> {
        s.as_bytes()
            .chunks(4)
            .map(|c| {
                std::str::from_utf8(c)
                    .ok()
                    .and_then(|g| g.parse().ok())
                    .unwrap_or(0)
            })
            .collect()
    };
    let int_groups = group(&int);
    let mut all = int_groups.clone();
    all.extend(group(&frac));
    let mut weight = i16::try_from(int_groups.len()).unwrap_or(i16::MAX) - 1;
    // Leading zero groups lower the weight; trailing ones are implied.
    while all.first() == Some(&0) {
        all.remove(0);
        weight -= 1;
    }
    while all.last() == Some(&0) {
        all.pop();
    }
    if all.is_empty() {
        weight = 0;
    }
    let mut out = Vec::with_capacity(8 + 2 * all.len());
    out.extend_from_slice(&i16::try_from(all.len()).unwrap_or(i16::MAX).to_be_bytes());
    out.extend_from_slice(&weight.to_be_bytes());
    out.extend_from_slice(
        &(if negative && !all.is_empty() {
            0x4000_u16
        } else {
            0
        })
        .to_be_bytes(),
    );
    out.extend_from_slice(&dscale.to_be_bytes());
    for digit in all {
        out.extend_from_slice(&digit.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::BoundList;

    fn text(s: &str) -> Part {
        Part::Text(s.to_owned())
    }

    #[test]
    fn a_list_in_parentheses_becomes_one_array_compared_with_any_or_all() {
        let statement = Statement {
            parts: vec![
                text("SELECT * FROM t WHERE a = "),
                Part::Scalar(0),
                text(" AND b IN ( "),
                Part::List(0),
                text(" ) AND c not  in ("),
                Part::List(1),
                text(") AND d = ANY("),
                Part::List(0),
                text(") AND e = "),
                Part::List(0),
                text(" AND f <>"),
                Part::List(1),
            ],
            scalars: vec![("a".into(), ScalarType::Integer, Value::Integer(1))],
            lists: vec![
                BoundList {
                    name: "ids".into(),
                    value_type: ScalarType::String,
                    values: vec![Value::String("x".into())],
                },
                BoundList {
                    name: "no".into(),
                    value_type: ScalarType::Integer,
                    values: vec![],
                },
            ],
        };
        let bound = bind(&statement).expect("binds");
        assert_eq!(
            bound.sql,
            "SELECT * FROM t WHERE a = $1 AND b = ANY($2) AND c <> ALL($3) AND d = ANY($2) \
             AND e =  ANY($2) AND f <> ALL($3)"
        );
        assert_eq!(bound.params.len(), 3);
        assert_eq!(bound.params[1].oid, oids::TEXT_ARRAY);
        // `t` in `FROM t` is character 15 of the first part.
        let at = bound.sql.find(" t ").expect("t") + 2;
        let position = bound.locate(at).expect("located");
        assert_eq!((position.part, position.offset), (0, 14));
        // `AND c` after the first list: part 4, after the skipped `)`.
        let at = bound.sql.find("AND c").expect("c") + 1;
        let position = bound.locate(at).expect("located");
        assert_eq!(position.part, 4);
        assert_eq!(
            &" ) AND c not  in ("[position.offset..position.offset + 5],
            "AND c"
        );
    }

    #[test]
    fn numerics_are_base_ten_thousand_digits() {
        // 12345.6789 = [1, 2345, 6789], weight 1, dscale 4.
        assert_eq!(
            numeric(123_456_789, 4),
            [0, 3, 0, 1, 0, 0, 0, 4, 0, 1, 0x09, 0x29, 0x1a, 0x85]
        );
        // -0.05 = [500] weight -1, dscale 2.
        assert_eq!(
            numeric(-5, 2),
            [0, 1, 0xff, 0xff, 0x40, 0, 0, 2, 0x01, 0xf4]
        );
        assert_eq!(numeric(0, 2), [0, 0, 0, 0, 0, 0, 0, 2]);
        // 10000 = [1] weight 1.
        assert_eq!(numeric(10_000, 0), [0, 1, 0, 1, 0, 0, 0, 0, 0, 1]);
    }
}
