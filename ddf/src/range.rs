//! Parsing `<RangeEnumeration>` text into [`Range`].
//!
//! Understood forms (after trimming):
//!
//! | text | result |
//! |---|---|
//! | empty | [`Range::None`] |
//! | `0..100`, `-1..1`, `0-50` | [`Range::Integer`] (inclusive) |
//! | `0.000001..1.0`, `-40.5..85` | [`Range::Float`] |
//! | `32 bytes`, `0..255 Bytes`, `0-255 bytes`, `1 byte` | [`Range::Length`] |
//! | `1,2,5`, `5, 10, 15` | [`Range::Discrete`] |
//! | lines `0: CONFIGURED_ON` / `1: FULL_ON` … | [`Range::Enumeration`] |
//!
//! Everything else (a bare `255`, which could be a maximum or a length; `1...15`;
//! `0 or 26 Bytes`; prose) becomes [`Range::Text`] with the trimmed text kept verbatim,
//! and the caller reports a `range-not-understood` warning.

use crate::ir::{EnumEntry, Range};

#[derive(Clone, Copy)]
enum Num {
    Int(i128),
    Float(f64),
}

impl Num {
    fn as_f64(self) -> f64 {
        match self {
            // Precision loss is irrelevant for range bounds that are also floats.
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
        }
    }
}

/// `-?\d+(\.\d+)?`
fn number(s: &str) -> Option<Num> {
    let s = s.trim();
    let digits = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int) {
        return None;
    }
    match frac {
        None => s.parse::<i128>().ok().map(Num::Int),
        // A bound too large for f64 parses as infinity, which no generated Rust literal
        // can spell: such text is not understood (kept as text) instead.
        Some(f) if all_digits(f) => s
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .map(Num::Float),
        Some(_) => None,
    }
}

fn interval(a: Num, b: Num) -> Option<Range> {
    match (a, b) {
        (Num::Int(min), Num::Int(max)) if min <= max => Some(Range::Integer { min, max }),
        (Num::Int(_), Num::Int(_)) => None,
        _ => {
            let (min, max) = (a.as_f64(), b.as_f64());
            (min <= max).then_some(Range::Float { min, max })
        }
    }
}

/// `a..b` or `a-b` (a dash that is not the sign of the first number).
fn pair(t: &str) -> Option<(Num, Num)> {
    if let Some((a, b)) = t.split_once("..") {
        return Some((number(a)?, number(b)?));
    }
    t.char_indices()
        .filter(|&(i, c)| c == '-' && i > 0)
        .find_map(|(i, _)| Some((number(t.get(..i)?)?, number(t.get(i + 1..)?)?)))
}

fn length(body: &str) -> Option<Range> {
    let as_len = |n: Num| match n {
        Num::Int(i) => u64::try_from(i).ok(),
        Num::Float(_) => None,
    };
    if let Some(n) = number(body) {
        let n = as_len(n)?;
        return Some(Range::Length { min: n, max: n });
    }
    let (a, b) = pair(body)?;
    let (min, max) = (as_len(a)?, as_len(b)?);
    (min <= max).then_some(Range::Length { min, max })
}

fn enumeration(t: &str) -> Option<Range> {
    let mut entries = Vec::new();
    for line in t.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (value, label) = line.split_once(':')?;
        let value = match number(value)? {
            Num::Int(i) => i64::try_from(i).ok()?,
            Num::Float(_) => return None,
        };
        let label = label.trim();
        if label.is_empty() {
            return None;
        }
        entries.push(EnumEntry {
            value,
            label: label.to_string(),
        });
    }
    (!entries.is_empty()).then_some(Range::Enumeration(entries))
}

/// Parses a `<RangeEnumeration>` text. Never fails: text that is not understood is
/// returned as [`Range::Text`] (trimmed).
pub fn parse_range(text: &str) -> Range {
    let t = text.trim();
    if t.is_empty() {
        return Range::None;
    }
    understood(t).unwrap_or_else(|| Range::Text(t.to_string()))
}

fn understood(t: &str) -> Option<Range> {
    if let Some(r) = enumeration(t) {
        return Some(r);
    }
    let lower = t.to_ascii_lowercase();
    for unit in ["bytes", "byte"] {
        if lower.ends_with(unit) {
            return length(t.get(..t.len() - unit.len())?.trim());
        }
    }
    if let Some((a, b)) = pair(t) {
        return interval(a, b);
    }
    let items: Vec<&str> = t.split(',').collect();
    if items.len() >= 2 {
        let values = items
            .iter()
            .map(|s| match number(s)? {
                Num::Int(i) => Some(i),
                Num::Float(_) => None,
            })
            .collect::<Option<Vec<i128>>>()?;
        return Some(Range::Discrete(values));
    }
    None
}

/// Why a [`Range::Text`] was not understood, for the warning message.
pub fn not_understood_hint(text: &str) -> &'static str {
    if number(text).is_some() {
        "a bare number is ambiguous (maximum value or length?)"
    } else if pair(text.trim()).is_some() {
        "the minimum is greater than the maximum"
    } else if text.contains("...") {
        "three dots; a range is written min..max"
    } else {
        "expected min..max, N bytes, a..b bytes, a list 1,2,5 or lines N: LABEL"
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn constraints_by_data_type_and_their_violations() {
        use ucifi_runtime::{DataType as T, Value};
        let c = |text: &str, t| constraint(&parse_range(text), t);
        assert_eq!(c("0..100", T::Integer), Some(Constraint::Int(0, 100)));
        // As wide as the type: nothing to check.
        assert_eq!(c("0..18446744073709551615", T::UnsignedInteger), None);
        assert_eq!(c("0..255", T::String), Some(Constraint::Len(0, 255)));
        assert_eq!(c("32 bytes", T::Opaque), Some(Constraint::Len(32, 32)));
        assert_eq!(
            c("1,2,5", T::Integer),
            Some(Constraint::Discrete(vec![1, 2, 5]))
        );
        assert_eq!(
            c("-40.5..85", T::Float),
            Some(Constraint::Float(-40.5, 85.0))
        );
        assert_eq!(c("prose", T::Integer), None);
        let v = |c: Constraint, value: Value| c.violation(&value);
        assert_eq!(
            v(Constraint::Int(0, 100), Value::Integer(150)).as_deref(),
            Some("150 is outside 0..100")
        );
        assert_eq!(v(Constraint::Int(0, 100), Value::Integer(100)), None);
        assert_eq!(
            v(Constraint::Len(0, 3), Value::String("long".into())).as_deref(),
            Some("its length 4 is outside 0..3 bytes")
        );
        assert_eq!(
            v(Constraint::Discrete(vec![1, 2]), Value::UnsignedInteger(3)).as_deref(),
            Some("3 is not an allowed value")
        );
        assert_eq!(
            v(Constraint::Float(-40.5, 85.0), Value::Float(90.0)).as_deref(),
            Some("90 is outside -40.5..85")
        );
        // Another kind of value is not the constraint's business.
        assert_eq!(v(Constraint::Int(0, 1), Value::Boolean(true)), None);
    }
    use super::*;

    fn e(v: i64, l: &str) -> EnumEntry {
        EnumEntry {
            value: v,
            label: l.into(),
        }
    }

    #[test]
    fn understood_forms() {
        use Range::*;
        let cases: Vec<(&str, Range)> = vec![
            ("", None),
            ("  \r\n\t", None),
            ("0..100", Integer { min: 0, max: 100 }),
            (" -1 .. 1 ", Integer { min: -1, max: 1 }),
            (
                "0..18446744073709551615",
                Integer {
                    min: 0,
                    max: 18446744073709551615,
                },
            ),
            ("0-50", Integer { min: 0, max: 50 }),
            ("-5--1", Integer { min: -5, max: -1 }),
            (
                "0.000001..1.0",
                Float {
                    min: 0.000001,
                    max: 1.0,
                },
            ),
            (
                "-40..85.5",
                Float {
                    min: -40.0,
                    max: 85.5,
                },
            ),
            ("32 bytes", Length { min: 32, max: 32 }),
            ("1 byte", Length { min: 1, max: 1 }),
            ("0..255 Bytes", Length { min: 0, max: 255 }),
            ("0-255 bytes", Length { min: 0, max: 255 }),
            ("1,2,5", Discrete(vec![1, 2, 5])),
            ("5, 10, 15, 20", Discrete(vec![5, 10, 15, 20])),
            (
                "0: CONFIGURED_ON\n\t\t1: FULL_ON\r\n\t2: RECALL",
                Enumeration(vec![e(0, "CONFIGURED_ON"), e(1, "FULL_ON"), e(2, "RECALL")]),
            ),
            ("255: STUCK", Enumeration(vec![e(255, "STUCK")])),
        ];
        for (text, want) in cases {
            assert_eq!(parse_range(text), want, "{text:?}");
        }
    }

    #[test]
    fn kept_verbatim() {
        let too_big = format!("0.0..1{}.0", "0".repeat(400));
        for t in [
            "255",
            "1...15",
            "0 or 26 Bytes",
            "16-32-48 bytes",
            "0..247, 255",
            "0; 3.8..20.5",
            "[1:4]",
            "8-Bits",
            "2 Instances",
            "ON;OFF",
            "<7 to >12.5",
            "10..1",
            "1.5,2",
            // An f64 bound would be infinite.
            &too_big,
            "0:",
            "bytes",
        ] {
            assert_eq!(parse_range(t), Range::Text(t.into()), "{t:?}");
        }
        assert_eq!(parse_range("  x \n"), Range::Text("x".into()));
        assert!(not_understood_hint("255").contains("ambiguous"));
        assert!(not_understood_hint("-30..-120").contains("greater"));
    }
}

/// What a model's range allows a resource's values, by its data type: the one decision
/// the generated `validate` and the command line's checks share.
#[derive(Clone, Debug, PartialEq)]
pub enum Constraint {
    /// Whole numbers in `min..=max`.
    Int(i128, i128),
    /// Numbers in `min..=max`.
    Float(f64, f64),
    /// Byte (text: UTF-8 byte) lengths in `min..=max`.
    Len(u64, u64),
    /// One of these numbers.
    Discrete(Vec<i128>),
}

/// The constraint `range` puts on values of `data_type`, if any: a number range on a
/// numeric type (one as wide as the Rust type is none), a list or `N: LABEL` codes on a
/// numeric type, a byte length (or an integer range read as one) on a String, Opaque or
/// Corelnk. Text not understood constrains nothing.
pub fn constraint(range: &Range, data_type: ucifi_runtime::DataType) -> Option<Constraint> {
    use ucifi_runtime::DataType as T;
    let numeric = matches!(
        data_type,
        T::Integer | T::UnsignedInteger | T::Float | T::Time
    );
    let bytes = matches!(data_type, T::String | T::Opaque | T::Corelnk);
    Some(match (range, numeric, bytes) {
        (Range::Integer { min, max }, true, _)
            if (data_type == T::UnsignedInteger && *min <= 0 && *max >= u64::MAX as i128)
                || (matches!(data_type, T::Integer | T::Time)
                    && *min <= i64::MIN as i128
                    && *max >= i64::MAX as i128) =>
        {
            return None;
        }
        (Range::Integer { min, max }, true, _) => Constraint::Int(*min, *max),
        (Range::Float { min, max }, true, _) if min.is_finite() && max.is_finite() => {
            Constraint::Float(*min, *max)
        }
        (Range::Discrete(list), true, _) => Constraint::Discrete(list.clone()),
        (Range::Enumeration(entries), true, _) => {
            Constraint::Discrete(entries.iter().map(|e| i128::from(e.value)).collect())
        }
        (Range::Length { min, max }, _, true) => Constraint::Len(*min, *max),
        (Range::Integer { min, max }, _, true) if *min >= 0 && *max <= u64::MAX as i128 => {
            Constraint::Len(*min as u64, *max as u64)
        }
        _ => return None,
    })
}

impl Constraint {
    /// Why `value` breaks the constraint, in words (`150 is outside 0..100`), or `None`.
    /// Values of another kind than the constraint's are not its business.
    pub fn violation(&self, value: &ucifi_runtime::Value) -> Option<String> {
        use ucifi_runtime::Value as V;
        let number = match value {
            V::Integer(v) | V::Time(ucifi_runtime::Time(v)) => Some(*v as f64),
            V::UnsignedInteger(v) => Some(*v as f64),
            V::Float(v) => Some(*v),
            _ => None,
        };
        let whole = match value {
            V::Integer(v) | V::Time(ucifi_runtime::Time(v)) => Some(i128::from(*v)),
            V::UnsignedInteger(v) => Some(i128::from(*v)),
            _ => None,
        };
        let len = match value {
            V::String(s) => Some(s.len()),
            V::Corelnk(l) => Some(l.0.len()),
            V::Opaque(b) => Some(b.len()),
            _ => None,
        };
        match self {
            Constraint::Int(min, max) => match (whole, number) {
                (Some(v), _) if !(*min..=*max).contains(&v) => {
                    Some(format!("{v} is outside {min}..{max}"))
                }
                (None, Some(v)) if !((*min as f64)..=(*max as f64)).contains(&v) => {
                    Some(format!("{v} is outside {min}..{max}"))
                }
                _ => None,
            },
            Constraint::Float(min, max) => number
                .filter(|v| !(*min..=*max).contains(v))
                .map(|v| format!("{v} is outside {min}..{max}")),
            Constraint::Len(min, max) => len
                .filter(|l| !(*min..=*max).contains(&(*l as u64)))
                .map(|l| format!("its length {l} is outside {min}..{max} bytes")),
            Constraint::Discrete(list) => match (whole, number) {
                (Some(v), _) if !list.contains(&v) => Some(format!("{v} is not an allowed value")),
                (None, Some(v)) if !list.iter().any(|x| *x as f64 == v) => {
                    Some(format!("{v} is not an allowed value"))
                }
                _ => None,
            },
        }
    }
}
