//! Decimals written exactly: a decimal's text read without rounding (`parse_decimal`),
//! written back (`decimal_text`), rescaled half to even, and JSON numbers an `f64` would
//! change kept as their digits (`exact_numbers`).

use super::Value;
use serde_json::{Number, Value as Json};

/// Exact decimal digits (`"45894.67"`, `"1e3"`) as JSON: a number when a JSON number (an
/// `f64`) reads back as exactly these digits, else the digits as a string, which
/// [`Value::from_json`] reads as the same exact decimal. `None` when `text` is not a number.
pub fn decimal_json(text: &str) -> Option<Json> {
    let exact = decimal(text)?;
    let number = text.parse::<f64>().ok().and_then(Number::from_f64);
    Some(match number {
        Some(n) if decimal(&n.to_string()).as_ref() == Some(&exact) => Json::Number(n),
        _ => Json::String(text.to_owned()),
    })
}

/// The exact value of a decimal's text or a JSON number: unscaled digits and scale
/// (`12.5` → `(125, 1)`), trailing zeros dropped.
pub fn decimal_parts(text: &str) -> Option<(i128, i8)> {
    match decimal(text)? {
        Value::Decimal { unscaled, scale } => Some((unscaled, scale)),
        _ => None,
    }
}

/// `unscaled / 10^scale` written out exactly: `(125, 1)` → `12.5`, `(-5, 2)` → `-0.05`.
pub fn decimal_text(unscaled: i128, scale: i8) -> String {
    let digits = unscaled.unsigned_abs().to_string();
    let sign = if unscaled < 0 { "-" } else { "" };
    let Ok(scale) = usize::try_from(scale) else {
        return format!(
            "{sign}{digits}{}",
            "0".repeat(usize::from(scale.unsigned_abs()))
        );
    };
    if scale == 0 {
        return format!("{sign}{digits}");
    }
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (whole, fraction) = padded.split_at(padded.len() - scale);
    format!("{sign}{whole}.{fraction}")
}

/// JSON text with every number a JSON number would not carry exactly (more digits than an
/// `f64` keeps, a whole number past `u64`) written as a string of its digits instead, so
/// that reading it loses nothing: a decimal parameter reads such a string as its exact
/// value, an integer parameter names it out of range. Numbers an `f64` carries exactly
/// (`0.1`, `45894.67`, `1e3`) are left as they are; so is everything else.
pub fn exact_numbers(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                i += 1;
                while i < bytes.len()
                    && matches!(bytes[i], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
                {
                    i += 1;
                }
                let number = &text[start..i];
                if !carried_exactly(number) {
                    let out = out.get_or_insert_with(|| String::with_capacity(text.len() + 8));
                    out.push_str(&text[copied..start]);
                    out.push('"');
                    out.push_str(number);
                    out.push('"');
                    copied = i;
                }
            }
            _ => i += 1,
        }
    }
    match out {
        None => std::borrow::Cow::Borrowed(text),
        Some(mut out) => {
            out.push_str(&text[copied..]);
            std::borrow::Cow::Owned(out)
        }
    }
}

/// Whether the JSON number `number` reads back as the same value (an `i64`, a `u64`, or an
/// `f64` whose shortest form has the same decimal value). Not a number: left alone.
fn carried_exactly(number: &str) -> bool {
    if number.parse::<i64>().is_ok() || number.parse::<u64>().is_ok() {
        return true;
    }
    let Ok(exact) = parse_decimal(number) else {
        // Too many digits for a decimal too: a string names it whole; not a number at all:
        // the JSON reader says so.
        return !looks_like_number(number);
    };
    let Some(read) = serde_json::from_str::<Number>(number).ok() else {
        return true;
    };
    parse_decimal(&read.to_string()).ok() == Some(exact)
}

fn looks_like_number(text: &str) -> bool {
    serde_json::from_str::<Number>(text).is_ok()
}

/// The most significant digits an exact decimal holds, and the most after its point:
/// Arrow's `Decimal128`, SQL's `DECIMAL(38, s)`.
pub const MAX_DECIMAL_DIGITS: usize = 38;

/// `12.5` → 125 at scale 1; exponents are expanded, trailing zeros dropped.
pub(super) fn decimal(text: &str) -> Option<Value> {
    parse_decimal(text)
        .ok()
        .map(|(unscaled, scale)| Value::Decimal { unscaled, scale })
}

/// The exact value of a decimal's text (`-12.50`, `1e3`, `.5`): unscaled digits and scale,
/// trailing zeros dropped (`12.50` → `(125, 1)`), or why it is not one: not a number, or
/// more than [`MAX_DECIMAL_DIGITS`] significant digits or digits after the point. Never
/// rounded: a value it returns is the text's value exactly.
pub fn parse_decimal(text: &str) -> Result<(i128, i8), String> {
    let not_a_number = || "is not a number".to_owned();
    let text = text.trim();
    let (negative, unsigned) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i64>().map_err(|_| not_a_number())?),
        None => (unsigned, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !all_digits(whole) || !all_digits(fraction) {
        return Err(not_a_number());
    }
    let digits = format!("{whole}{fraction}");
    let significant = digits.trim_start_matches('0');
    let mut scale = i64::try_from(fraction.len()).map_err(|_| not_a_number())? - exponent;
    let kept = significant.trim_end_matches('0');
    scale -= i64::try_from(significant.len() - kept.len()).map_err(|_| not_a_number())?;
    if kept.is_empty() {
        return Ok((0, 0));
    }
    let width = i64::try_from(kept.len()).unwrap_or(i64::MAX);
    // Digits before the point: the significant ones plus the zeros an exponent adds.
    let whole_digits = width.saturating_sub(scale);
    let max = MAX_DECIMAL_DIGITS as i64;
    if whole_digits.max(width) > max {
        return Err(format!(
            "has {} significant digits; a decimal holds at most {MAX_DECIMAL_DIGITS}",
            whole_digits.max(width)
        ));
    }
    if scale > max {
        return Err(format!(
            "has {scale} digits after the point; a decimal holds at most {MAX_DECIMAL_DIGITS}"
        ));
    }
    let mut unscaled: i128 = kept.parse().map_err(|_| not_a_number())?;
    while scale < 0 {
        unscaled *= 10;
        scale += 1;
    }
    if negative {
        unscaled = -unscaled;
    }
    Ok((unscaled, i8::try_from(scale).map_err(|_| not_a_number())?))
}

/// `unscaled / 10^scale` at scale `to` (`(125, 1)` at 2 → 1250), rounding half to even when
/// `to` is smaller; `None` when it does not fit an `i128`.
pub fn rescale(unscaled: i128, scale: i8, to: i8) -> Option<i128> {
    if to >= scale {
        let factor = 10i128.checked_pow(u32::try_from(to - scale).ok()?)?;
        return unscaled.checked_mul(factor);
    }
    let factor = 10i128.checked_pow(u32::try_from(scale - to).ok()?)?;
    let (quotient, remainder) = (unscaled / factor, unscaled % factor);
    let twice = remainder.unsigned_abs() * 2;
    let half = factor.unsigned_abs();
    let away = twice > half || (twice == half && quotient % 2 != 0);
    Some(if !away {
        quotient
    } else if unscaled < 0 {
        quotient - 1
    } else {
        quotient + 1
    })
}
