//! PostgreSQL result columns as Arrow: each column's type read from the statement's
//! description, each value decoded from PostgreSQL's binary format into its Arrow builder.
//!
//! | PostgreSQL | Arrow |
//! |---|---|
//! | int2 / int4 / int8 | Int16 / Int32 / Int64 |
//! | float4 / float8 | Float32 / Float64 |
//! | numeric(p, s) | Decimal128(min(p, 38), s) for a table column; without a declared scale (an expression, a bare `numeric` column) Decimal128(38, the most places a value of the first batch has): a later value with more places is refused, never rounded |
//! | bool | Boolean |
//! | text, varchar, char(n), name | Utf8 |
//! | json, jsonb, uuid | Utf8 (their text) |
//! | date | Date32 |
//! | timestamp / timestamptz | Timestamp(µs) / Timestamp(µs, "UTC") |
//! | a one-dimensional array of the above | List of it |
//!
//! Any other type is refused with the column's name and type, and how to cast it.

use super::bind::{PG_EPOCH_DAYS, PG_EPOCH_MICROS};
use super::oids;
use crate::engine::arrow::array::{
    ArrayBuilder, ArrayRef, BooleanBuilder, Date32Builder, Decimal128Builder, Float32Builder,
    Float64Builder, Int16Builder, Int32Builder, Int64Builder, ListBuilder, StringBuilder,
    TimestampMicrosecondBuilder, make_builder,
};
use crate::engine::arrow::datatypes::{DataType, Field, TimeUnit};

/// Arrow's widest decimal holds 38 digits.
const MAX_PRECISION: u8 = 38;

/// How one column's values are read.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Kind {
    Int2,
    Int4,
    Int8,
    Float4,
    Float8,
    /// `scale` is `None` until the values say it (no declared scale).
    Numeric {
        precision: u8,
        scale: Option<i8>,
    },
    Bool,
    Text,
    /// jsonb's binary form is a version byte and the text.
    Jsonb,
    Uuid,
    Date,
    Timestamp,
    Timestamptz,
    Array(Box<Kind>),
}

impl Kind {
    /// The kind of a column of type `oid` (`typmod` as the column declares it, -1 when not),
    /// or `None` for a type Flowloom does not read.
    pub fn of(oid: u32, typmod: i32) -> Option<Kind> {
        Some(match oid {
            oids::INT2 => Kind::Int2,
            oids::INT4 => Kind::Int4,
            oids::INT8 => Kind::Int8,
            oids::FLOAT4 => Kind::Float4,
            oids::FLOAT8 => Kind::Float8,
            oids::NUMERIC => {
                // numeric(p, s): typmod = (p << 16 | s) + 4.
                if typmod >= 4 {
                    let precision = ((typmod - 4) >> 16) & 0xffff;
                    // The scale is an 11-bit signed number since PostgreSQL 15.
                    let raw = (typmod - 4) & 0x7ff;
                    let scale = if raw > 1023 { raw - 2048 } else { raw };
                    Kind::Numeric {
                        precision: u8::try_from(precision)
                            .unwrap_or(MAX_PRECISION)
                            .min(MAX_PRECISION),
                        scale: i8::try_from(scale).ok(),
                    }
                } else {
                    Kind::Numeric {
                        precision: MAX_PRECISION,
                        scale: None,
                    }
                }
            }
            oids::BOOL => Kind::Bool,
            oids::TEXT | oids::VARCHAR | oids::BPCHAR | oids::NAME | oids::JSON => Kind::Text,
            oids::JSONB => Kind::Jsonb,
            oids::UUID => Kind::Uuid,
            oids::DATE => Kind::Date,
            oids::TIMESTAMP => Kind::Timestamp,
            oids::TIMESTAMPTZ => Kind::Timestamptz,
            array => {
                let element = oids::element_of(array)?;
                Kind::Array(Box::new(Kind::of(element, typmod)?))
            }
        })
    }

    /// Whether a numeric's scale still waits for the values.
    pub fn needs_scale(&self) -> bool {
        match self {
            Kind::Numeric { scale: None, .. } => true,
            Kind::Array(element) => element.needs_scale(),
            _ => false,
        }
    }

    /// This kind with a numeric's missing scale set to `scale`.
    pub fn with_scale(&self, found: i8) -> Kind {
        match self {
            Kind::Numeric {
                precision,
                scale: None,
            } => Kind::Numeric {
                precision: *precision,
                scale: Some(found),
            },
            Kind::Array(element) => Kind::Array(Box::new(element.with_scale(found))),
            other => other.clone(),
        }
    }

    /// The Arrow type of its column. A numeric whose scale is unknown is read at scale 0
    /// here (the editor's column list); a run sets it from the values first.
    pub fn data_type(&self) -> DataType {
        match self {
            Kind::Int2 => DataType::Int16,
            Kind::Int4 => DataType::Int32,
            Kind::Int8 => DataType::Int64,
            Kind::Float4 => DataType::Float32,
            Kind::Float8 => DataType::Float64,
            Kind::Numeric { precision, scale } => {
                let scale = scale.unwrap_or(0);
                // Arrow's precision counts the places too.
                let precision = (*precision)
                    .max(u8::try_from(scale.max(0)).unwrap_or(0))
                    .clamp(1, MAX_PRECISION);
                DataType::Decimal128(precision, scale)
            }
            Kind::Bool => DataType::Boolean,
            Kind::Text | Kind::Jsonb | Kind::Uuid => DataType::Utf8,
            Kind::Date => DataType::Date32,
            Kind::Timestamp => DataType::Timestamp(TimeUnit::Microsecond, None),
            Kind::Timestamptz => DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
            Kind::Array(element) => DataType::List(std::sync::Arc::new(Field::new(
                "item",
                element.data_type(),
                true,
            ))),
        }
    }
}

/// The most decimal places a numeric value (binary format) shows, including inside an
/// array; `None` for NULL or a value of another kind.
pub(super) fn places(kind: &Kind, bytes: &[u8]) -> Option<i8> {
    match kind {
        Kind::Numeric { .. } => {
            let dscale = u16::from_be_bytes([*bytes.get(6)?, *bytes.get(7)?]);
            Some(i8::try_from(dscale).unwrap_or(i8::MAX))
        }
        Kind::Array(element) => {
            let mut most = None;
            for item in array_items(bytes).ok()?.into_iter().flatten() {
                most = most.max(places(element, item));
            }
            most
        }
        _ => None,
    }
}

/// Why a value could not be read: what the caller puts the column's name to.
type Problem = String;

/// A column's builder.
pub(super) struct Column {
    pub kind: Kind,
    pub builder: Box<dyn ArrayBuilder>,
}

impl Column {
    pub fn new(kind: Kind, capacity: usize) -> Self {
        let builder = make_builder(&kind.data_type(), capacity);
        Self { kind, builder }
    }

    pub fn append(&mut self, value: Option<&[u8]>) -> Result<(), Problem> {
        append(&self.kind, self.builder.as_mut(), value)
    }

    pub fn finish(&mut self) -> ArrayRef {
        self.builder.finish()
    }
}

fn builder<T: 'static>(builder: &mut dyn ArrayBuilder) -> Result<&mut T, Problem> {
    builder
        .as_any_mut()
        .downcast_mut::<T>()
        .ok_or_else(|| "the column's builder does not match its type".to_owned())
}

fn fixed<const N: usize>(bytes: &[u8]) -> Result<[u8; N], Problem> {
    bytes
        .try_into()
        .map_err(|_| format!("a value of {} bytes where {N} were expected", bytes.len()))
}

/// Appends one value (`None`: NULL) in the binary format of `kind` to `out`.
fn append(kind: &Kind, out: &mut dyn ArrayBuilder, value: Option<&[u8]>) -> Result<(), Problem> {
    match kind {
        Kind::Int2 => builder::<Int16Builder>(out)?
            .append_option(value.map(fixed).transpose()?.map(i16::from_be_bytes)),
        Kind::Int4 => builder::<Int32Builder>(out)?
            .append_option(value.map(fixed).transpose()?.map(i32::from_be_bytes)),
        Kind::Int8 => builder::<Int64Builder>(out)?
            .append_option(value.map(fixed).transpose()?.map(i64::from_be_bytes)),
        Kind::Float4 => builder::<Float32Builder>(out)?
            .append_option(value.map(fixed).transpose()?.map(f32::from_be_bytes)),
        Kind::Float8 => builder::<Float64Builder>(out)?
            .append_option(value.map(fixed).transpose()?.map(f64::from_be_bytes)),
        Kind::Bool => {
            builder::<BooleanBuilder>(out)?.append_option(value.map(|b| b.first() == Some(&1)))
        }
        Kind::Text => {
            let text = value
                .map(std::str::from_utf8)
                .transpose()
                .map_err(|e| e.to_string())?;
            builder::<StringBuilder>(out)?.append_option(text);
        }
        Kind::Jsonb => {
            let text = value
                .map(|b| match b.split_first() {
                    Some((1, rest)) => std::str::from_utf8(rest).map_err(|e| e.to_string()),
                    _ => Err("a jsonb value in a format this version cannot read".to_owned()),
                })
                .transpose()?;
            builder::<StringBuilder>(out)?.append_option(text);
        }
        Kind::Uuid => {
            let text = value
                .map(|b| fixed::<16>(b).map(|u| uuid_text(&u)))
                .transpose()?;
            builder::<StringBuilder>(out)?.append_option(text);
        }
        Kind::Date => {
            let days = value
                .map(|b| {
                    let days = i32::from_be_bytes(fixed(b)?);
                    if days == i32::MAX || days == i32::MIN {
                        return Err("the date is infinity, which Arrow cannot hold".to_owned());
                    }
                    i32::try_from(i64::from(days) + PG_EPOCH_DAYS)
                        .map_err(|_| "the date is out of range".to_owned())
                })
                .transpose()?;
            builder::<Date32Builder>(out)?.append_option(days);
        }
        Kind::Timestamp | Kind::Timestamptz => {
            let micros = value
                .map(|b| {
                    let micros = i64::from_be_bytes(fixed(b)?);
                    if micros == i64::MAX || micros == i64::MIN {
                        return Err("the time is infinity, which Arrow cannot hold".to_owned());
                    }
                    micros
                        .checked_add(PG_EPOCH_MICROS)
                        .ok_or_else(|| "the time is out of range".to_owned())
                })
                .transpose()?;
            builder::<TimestampMicrosecondBuilder>(out)?.append_option(micros);
        }
        Kind::Numeric { precision, scale } => {
            let scale = scale.unwrap_or(0);
            let unscaled = value
                .map(|b| numeric_at(b, scale, *precision))
                .transpose()?;
            builder::<Decimal128Builder>(out)?.append_option(unscaled);
        }
        Kind::Array(element) => {
            let list = builder::<ListBuilder<Box<dyn ArrayBuilder>>>(out)?;
            match value {
                None => list.append(false),
                Some(bytes) => {
                    for item in array_items(bytes)? {
                        append(element, list.values().as_mut(), item)?;
                    }
                    list.append(true);
                }
            }
        }
    }
    Ok(())
}

fn uuid_text(u: &[u8; 16]) -> String {
    let hex: String = u.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

fn read_i32(bytes: &[u8], at: usize) -> Result<i32, Problem> {
    bytes
        .get(at..at + 4)
        .and_then(|b| b.try_into().ok())
        .map(i32::from_be_bytes)
        .ok_or_else(|| "an array value cut short".to_owned())
}

/// The elements of a one-dimensional array in binary format (`None`: a NULL element).
fn array_items(bytes: &[u8]) -> Result<Vec<Option<&[u8]>>, Problem> {
    let dimensions = read_i32(bytes, 0)?;
    if dimensions == 0 {
        return Ok(Vec::new());
    }
    if dimensions != 1 {
        return Err(format!(
            "an array of {dimensions} dimensions; only one-dimensional arrays are read"
        ));
    }
    let len = usize::try_from(read_i32(bytes, 12)?).map_err(|_| "a negative array length")?;
    let mut at = 20;
    let mut items = Vec::with_capacity(len);
    for _ in 0..len {
        let n = read_i32(bytes, at)?;
        at += 4;
        if n < 0 {
            items.push(None);
        } else {
            let n = usize::try_from(n).unwrap_or(0);
            let item = bytes
                .get(at..at + n)
                .ok_or_else(|| "an array value cut short".to_owned())?;
            items.push(Some(item));
            at += n;
        }
    }
    Ok(items)
}

/// A binary `numeric` as the unscaled integer of a decimal at `scale`, refused when it has
/// more places than that (nothing is rounded) or more digits than `precision`.
pub(super) fn numeric_at(bytes: &[u8], scale: i8, precision: u8) -> Result<i128, Problem> {
    let word = |i: usize| -> Result<i16, Problem> {
        bytes
            .get(i..i + 2)
            .map(|b| i16::from_be_bytes([b[0], b[1]]))
            .ok_or_else(|| "a numeric value cut short".to_owned())
    };
    let ndigits = usize::try_from(word(0)?).map_err(|_| "a negative digit count")?;
    let weight = i32::from(word(2)?);
    let sign = word(4)? as u16;
    match sign {
        0xC000 => return Err("the value is NaN, which a decimal cannot hold".to_owned()),
        0xD000 | 0xF000 => {
            return Err("the value is infinity, which a decimal cannot hold".to_owned());
        }
        _ => {}
    }
    let too_big = || format!("the value has more than {precision} digits");
    let mut unscaled: i128 = 0;
    for i in 0..ndigits {
        let digit = i128::from(word(8 + 2 * i)?);
        // This digit counts 10000^(weight - i); at `scale` that is 10^(4 (weight - i) + scale).
        let exponent = 4 * (weight - i32::try_from(i).unwrap_or(i32::MAX)) + i32::from(scale);
        if exponent >= 0 {
            let factor = 10_i128
                .checked_pow(u32::try_from(exponent).unwrap_or(u32::MAX))
                .ok_or_else(too_big)?;
            unscaled = digit
                .checked_mul(factor)
                .and_then(|d| unscaled.checked_add(d))
                .ok_or_else(too_big)?;
        } else if digit != 0 {
            let places = || {
                format!(
                    "the value has more than {scale} decimal places; cast the column to \
                     numeric(p, s) with the places it needs"
                )
            };
            let e = u32::try_from(-exponent).unwrap_or(u32::MAX);
            if e >= 5 {
                return Err(places());
            }
            let divisor = 10_i128.pow(e);
            if digit % divisor != 0 {
                return Err(places());
            }
            unscaled = unscaled.checked_add(digit / divisor).ok_or_else(too_big)?;
        }
    }
    if unscaled >= 10_i128.pow(u32::from(precision)) {
        return Err(too_big());
    }
    Ok(if sign == 0x4000 { -unscaled } else { unscaled })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::postgres::bind::numeric;

    #[test]
    fn numerics_read_back_at_their_scale_or_are_refused() {
        for (unscaled, scale) in [
            (123_456_789_i128, 4_i8),
            (-5, 2),
            (0, 2),
            (10_000, 0),
            (1, 10),
        ] {
            assert_eq!(
                numeric_at(&numeric(unscaled, scale), scale, 38),
                Ok(unscaled)
            );
        }
        assert_eq!(numeric_at(&numeric(-5, 2), 4, 38), Ok(-500));
        assert!(numeric_at(&numeric(12_345, 3), 2, 38).is_err());
        assert!(numeric_at(&numeric(12_345, 0), 0, 4).is_err());
    }

    #[test]
    fn a_numeric_typmod_gives_precision_and_scale() {
        let typmod = ((12 << 16) | 2) + 4;
        assert_eq!(
            Kind::of(oids::NUMERIC, typmod),
            Some(Kind::Numeric {
                precision: 12,
                scale: Some(2)
            })
        );
        assert_eq!(
            Kind::of(oids::NUMERIC, typmod).map(|k| k.data_type()),
            Some(DataType::Decimal128(12, 2))
        );
        assert!(Kind::of(oids::NUMERIC, -1).is_some_and(|k| k.needs_scale()));
        assert_eq!(Kind::of(790, -1), None, "money is not read");
    }
}
