//! Leaf values as a payload carried them ([`RawValue`]), and their conversion to the
//! model's data types.

use alloc::borrow::Cow;

use super::ValueError;
use crate::{DataType, ObjectLink, Time, Value};

/// A leaf value as a payload carried it, before the model's data type is applied.
#[derive(Clone, Debug, PartialEq)]
pub enum RawValue<'a> {
    /// Untyped bytes whose meaning depends on the data type (TLV value, octet-stream).
    Bytes(&'a [u8]),
    /// Untyped text whose meaning depends on the data type (text/plain).
    Text(&'a str),
    /// A number that was written as an integer (CBOR major 0/1, integral JSON number).
    Integer(i128),
    /// A number that was written as a float (or a decimal fraction).
    Float(f64),
    /// A boolean (CBOR `F4`/`F5`, SenML `vb`, LwM2M JSON `bv`).
    Boolean(bool),
    /// A string (SenML `vs`, CBOR text, LwM2M JSON `sv`).
    Str(Cow<'a, str>),
    /// Bytes known to be opaque data (CBOR byte string, SenML `vd` after base64url).
    Opaque(Cow<'a, [u8]>),
    /// An object link (SenML `vlo`, LwM2M JSON `ov`).
    Objlnk(ObjectLink),
    /// A Time carried with a time tag (CBOR tag 1 / tag 0).
    Time(i64),
}

impl RawValue<'_> {
    fn kind(&self) -> &'static str {
        match self {
            RawValue::Bytes(_) => "bytes",
            RawValue::Text(_) => "text",
            RawValue::Integer(_) => "an integer",
            RawValue::Float(_) => "a float",
            RawValue::Boolean(_) => "a boolean",
            RawValue::Str(_) => "a string",
            RawValue::Opaque(_) => "opaque bytes",
            RawValue::Objlnk(_) => "an object link",
            RawValue::Time(_) => "a time",
        }
    }

    fn wrong(&self, expected: DataType) -> ValueError {
        ValueError::WrongType {
            expected,
            found: self.kind(),
        }
    }

    /// Reads the value as a signed integer (Integer resources).
    #[inline]
    pub fn as_i64(&self) -> Result<i64, ValueError> {
        const T: DataType = DataType::Integer;
        match self {
            RawValue::Bytes(b) => be_int(b).ok_or(ValueError::BadLength {
                data_type: T,
                len: b.len(),
            }),
            RawValue::Text(t) => parse_int_text(t).ok_or_else(|| not_an_integer(t, T)),
            RawValue::Integer(v) => i64::try_from(*v).map_err(|_| ValueError::OutOfRange(T)),
            RawValue::Float(f) => {
                whole(*f, T).and_then(|v| i64::try_from(v).map_err(|_| ValueError::OutOfRange(T)))
            }
            RawValue::Time(t) => Ok(*t),
            other => Err(other.wrong(T)),
        }
    }

    /// Reads the value as an unsigned integer (Unsigned Integer resources). TLV bytes are
    /// read as unsigned big-endian of 1, 2, 4 or 8 bytes.
    #[inline]
    pub fn as_u64(&self) -> Result<u64, ValueError> {
        const T: DataType = DataType::UnsignedInteger;
        match self {
            RawValue::Bytes(b) => be_uint(b).ok_or(ValueError::BadLength {
                data_type: T,
                len: b.len(),
            }),
            RawValue::Text(t) => parse_uint_text(t).ok_or_else(|| not_an_integer(t, T)),
            RawValue::Integer(v) => u64::try_from(*v).map_err(|_| ValueError::OutOfRange(T)),
            RawValue::Float(f) => {
                whole(*f, T).and_then(|v| u64::try_from(v).map_err(|_| ValueError::OutOfRange(T)))
            }
            other => Err(other.wrong(T)),
        }
    }

    /// Reads the value as a float (Float resources; integers are accepted).
    #[inline]
    pub fn as_f64(&self) -> Result<f64, ValueError> {
        const T: DataType = DataType::Float;
        match self {
            RawValue::Bytes(b) => match b.len() {
                4 => Ok(f32::from_be_bytes([b[0], b[1], b[2], b[3]]) as f64),
                8 => Ok(f64::from_be_bytes([
                    b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
                ])),
                len => Err(ValueError::BadLength { data_type: T, len }),
            },
            RawValue::Text(t) => parse_float_text(t).ok_or(ValueError::InvalidText(T)),
            RawValue::Integer(v) => Ok(*v as f64),
            RawValue::Float(f) => Ok(*f),
            other => Err(other.wrong(T)),
        }
    }

    /// Reads the value as a boolean.
    #[inline]
    pub fn as_bool(&self) -> Result<bool, ValueError> {
        const T: DataType = DataType::Boolean;
        match self {
            RawValue::Bytes([0]) => Ok(false),
            RawValue::Bytes([1]) => Ok(true),
            RawValue::Bytes([_]) => Err(ValueError::InvalidBoolean),
            RawValue::Bytes(b) => Err(ValueError::BadLength {
                data_type: T,
                len: b.len(),
            }),
            RawValue::Text("0") => Ok(false),
            RawValue::Text("1") => Ok(true),
            RawValue::Text(_) => Err(ValueError::InvalidText(T)),
            RawValue::Boolean(v) => Ok(*v),
            other => Err(other.wrong(T)),
        }
    }

    /// Reads the value as text (String and Corelnk resources).
    #[inline]
    pub fn as_str(&self) -> Result<Cow<'_, str>, ValueError> {
        match self {
            RawValue::Bytes(b) => core::str::from_utf8(b)
                .map(Cow::Borrowed)
                .map_err(|_| ValueError::InvalidUtf8),
            RawValue::Text(t) => Ok(Cow::Borrowed(t)),
            RawValue::Str(s) => Ok(Cow::Borrowed(s)),
            other => Err(other.wrong(DataType::String)),
        }
    }

    /// Reads the value as bytes (Opaque resources). Text/plain carries base64 with padding.
    #[inline]
    pub fn as_bytes(&self) -> Result<Cow<'_, [u8]>, ValueError> {
        match self {
            RawValue::Bytes(b) => Ok(Cow::Borrowed(b)),
            RawValue::Opaque(b) => Ok(Cow::Borrowed(b)),
            RawValue::Text(t) => {
                use base64::Engine as _;
                base64::engine::general_purpose::STANDARD
                    .decode(t.as_bytes())
                    .map(Cow::Owned)
                    .map_err(|_| ValueError::InvalidText(DataType::Opaque))
            }
            other => Err(other.wrong(DataType::Opaque)),
        }
    }

    /// Reads the value as Time (seconds since the epoch).
    #[inline]
    pub fn as_time(&self) -> Result<Time, ValueError> {
        match self {
            RawValue::Time(t) => Ok(Time(*t)),
            other => other.as_i64().map(Time).map_err(|e| match e {
                ValueError::WrongType { found, .. } => ValueError::WrongType {
                    expected: DataType::Time,
                    found,
                },
                ValueError::OutOfRange(_) => ValueError::OutOfRange(DataType::Time),
                ValueError::NotWhole(_) => ValueError::NotWhole(DataType::Time),
                ValueError::InvalidText(_) => ValueError::InvalidText(DataType::Time),
                ValueError::BadLength { len, .. } => ValueError::BadLength {
                    data_type: DataType::Time,
                    len,
                },
                e => e,
            }),
        }
    }

    /// Reads the value as an object link. Text forms (`"3303:0"`) are accepted from strings,
    /// as peers such as Leshan write links in `vs`/`sv`.
    #[inline]
    pub fn as_objlnk(&self) -> Result<ObjectLink, ValueError> {
        const T: DataType = DataType::Objlnk;
        match self {
            RawValue::Bytes([a, b, c, d]) => Ok(ObjectLink::new(
                u16::from_be_bytes([*a, *b]),
                u16::from_be_bytes([*c, *d]),
            )),
            RawValue::Bytes(b) => Err(ValueError::BadLength {
                data_type: T,
                len: b.len(),
            }),
            RawValue::Text(t) => t.parse().map_err(|_| ValueError::InvalidText(T)),
            RawValue::Str(s) => s.parse().map_err(|_| ValueError::InvalidText(T)),
            RawValue::Objlnk(l) => Ok(*l),
            other => Err(other.wrong(T)),
        }
    }

    /// Converts to an owned [`Value`] of the model's data type.
    pub fn to_value(&self, data_type: DataType) -> Result<Value, ValueError> {
        Ok(match data_type {
            DataType::String => Value::String(self.as_str()?.into_owned()),
            DataType::Integer => Value::Integer(self.as_i64()?),
            DataType::UnsignedInteger => Value::UnsignedInteger(self.as_u64()?),
            DataType::Float => Value::Float(self.as_f64()?),
            DataType::Boolean => Value::Boolean(self.as_bool()?),
            DataType::Opaque => Value::Opaque(self.as_bytes()?.into_owned()),
            DataType::Time => Value::Time(self.as_time()?),
            DataType::Objlnk => Value::Objlnk(self.as_objlnk()?),
            DataType::Corelnk => Value::Corelnk(crate::CoreLink(
                self.as_str()
                    .map_err(|e| retype(e, DataType::Corelnk))?
                    .into_owned(),
            )),
            DataType::None => return Err(ValueError::NoValue),
        })
    }

    /// Converts without a model. Self-describing values keep their kind (integers become
    /// Integer, or Unsigned Integer above `i64::MAX`; floats Float; strings String; opaque
    /// Opaque; links Objlnk; tagged times the Integer the encoders write for a Time, so
    /// that decode, encode and decode agree). Untyped bytes (TLV, octet-stream) become
    /// Opaque and untyped text (text/plain) becomes String: without a model nothing more
    /// can be known.
    pub fn to_value_untyped(&self) -> Value {
        match self {
            RawValue::Bytes(b) => Value::Opaque(b.to_vec()),
            RawValue::Text(t) => Value::String((*t).into()),
            RawValue::Integer(v) => match i64::try_from(*v) {
                Ok(i) => Value::Integer(i),
                Err(_) => match u64::try_from(*v) {
                    Ok(u) => Value::UnsignedInteger(u),
                    Err(_) => Value::Float(*v as f64),
                },
            },
            RawValue::Float(f) => Value::Float(*f),
            RawValue::Boolean(b) => Value::Boolean(*b),
            RawValue::Str(s) => Value::String(s.clone().into_owned()),
            RawValue::Opaque(b) => Value::Opaque(b.clone().into_owned()),
            RawValue::Objlnk(l) => Value::Objlnk(*l),
            // Every encoder writes Time as the plain integer (as Anjay does), so without a
            // model a tagged time reads as that Integer: decode, encode and decode agree.
            RawValue::Time(t) => Value::Integer(*t),
        }
    }
}

fn retype(e: ValueError, t: DataType) -> ValueError {
    match e {
        ValueError::WrongType { found, .. } => ValueError::WrongType { expected: t, found },
        e => e,
    }
}

/// Big-endian two's complement of 1, 2, 4 or 8 bytes.
#[inline]
fn be_int(b: &[u8]) -> Option<i64> {
    Some(match *b {
        [a] => a as i8 as i64,
        [a, b] => i16::from_be_bytes([a, b]) as i64,
        [a, b, c, d] => i32::from_be_bytes([a, b, c, d]) as i64,
        [a, b, c, d, e, f, g, h] => i64::from_be_bytes([a, b, c, d, e, f, g, h]),
        _ => return None,
    })
}

/// Big-endian unsigned of 1, 2, 4 or 8 bytes.
#[inline]
fn be_uint(b: &[u8]) -> Option<u64> {
    Some(match *b {
        [a] => a as u64,
        [a, b] => u16::from_be_bytes([a, b]) as u64,
        [a, b, c, d] => u32::from_be_bytes([a, b, c, d]) as u64,
        [a, b, c, d, e, f, g, h] => u64::from_be_bytes([a, b, c, d, e, f, g, h]),
        _ => return None,
    })
}

fn integral_f64(f: f64) -> Option<i128> {
    // 2^64 bounds the magnitudes any LwM2M integer type can hold; `as` saturates, so the
    // round trip only holds for integral values in range (no `fract` in `core`).
    const LIMIT: f64 = 18_446_744_073_709_551_616.0;
    if f.is_finite() && (-LIMIT..=LIMIT).contains(&f) && (f as i128) as f64 == f {
        Some(f as i128)
    } else {
        None
    }
}

/// `f` as a whole number: [`ValueError::NotWhole`] when it has a fraction,
/// [`ValueError::OutOfRange`] when no LwM2M integer holds it.
fn whole(f: f64, t: DataType) -> Result<i128, ValueError> {
    const LIMIT: f64 = 18_446_744_073_709_551_616.0;
    match integral_f64(f) {
        Some(v) => Ok(v),
        None if f.is_finite() && (-LIMIT..=LIMIT).contains(&f) => Err(ValueError::NotWhole(t)),
        None => Err(ValueError::OutOfRange(t)),
    }
}

/// Why integer text `s` does not read: a decimal with a fraction (`1.5`) is
/// [`ValueError::NotWhole`], anything else [`ValueError::InvalidText`].
fn not_an_integer(s: &str, t: DataType) -> ValueError {
    match s.parse::<f64>() {
        Ok(f) if matches!(whole(f, t), Err(ValueError::NotWhole(_))) => ValueError::NotWhole(t),
        _ => ValueError::InvalidText(t),
    }
}

fn parse_int_text(t: &str) -> Option<i64> {
    let digits = t.strip_prefix('-').unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

fn parse_uint_text(t: &str) -> Option<u64> {
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

/// `[-]d[.d][(e|E)[+-]d]`, finite only.
fn parse_float_text(t: &str) -> Option<f64> {
    let b = t.as_bytes();
    let mut i = 0;
    if b.first() == Some(&b'-') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let s = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i > s
    };
    if !digits(&mut i) {
        return None;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return None;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    t.parse::<f64>().ok().filter(|f| f.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_value_conversions() {
        assert_eq!(RawValue::Bytes(&[0xFF, 0x7F]).as_i64(), Ok(-129));
        assert_eq!(RawValue::Bytes(&[0xC8]).as_u64(), Ok(200));
        assert_eq!(
            RawValue::Bytes(&[0, 0, 0]).as_i64(),
            Err(ValueError::BadLength {
                data_type: DataType::Integer,
                len: 3
            })
        );
        assert_eq!(RawValue::Text("-93").as_i64(), Ok(-93));
        assert_eq!(
            RawValue::Text("+93").as_i64(),
            Err(ValueError::InvalidText(DataType::Integer))
        );
        assert_eq!(RawValue::Text("1.0E10").as_f64(), Ok(1.0e10));
        assert_eq!(
            RawValue::Text("1.").as_f64(),
            Err(ValueError::InvalidText(DataType::Float))
        );
        assert_eq!(
            RawValue::Text("NaN").as_f64(),
            Err(ValueError::InvalidText(DataType::Float))
        );
        assert_eq!(RawValue::Float(3.0).as_i64(), Ok(3));
        assert_eq!(
            RawValue::Float(3.5).as_i64(),
            Err(ValueError::NotWhole(DataType::Integer))
        );
        assert_eq!(
            RawValue::Float(1e300).as_i64(),
            Err(ValueError::OutOfRange(DataType::Integer))
        );
        assert_eq!(
            RawValue::Text("1.5").as_u64(),
            Err(ValueError::NotWhole(DataType::UnsignedInteger))
        );
        assert_eq!(
            RawValue::Float(-0.5).as_time(),
            Err(ValueError::NotWhole(DataType::Time))
        );
        assert_eq!(
            RawValue::Integer(-1).as_u64(),
            Err(ValueError::OutOfRange(DataType::UnsignedInteger))
        );
        assert_eq!(
            RawValue::Bytes(&[2]).as_bool(),
            Err(ValueError::InvalidBoolean)
        );
        assert_eq!(
            RawValue::Text("AQID+/8=").as_bytes().unwrap().as_ref(),
            &[1, 2, 3, 0xFB, 0xFF]
        );
        assert_eq!(
            RawValue::Str("3303:0".into()).as_objlnk(),
            Ok(ObjectLink::new(3303, 0))
        );
        assert_eq!(
            RawValue::Boolean(true).as_str(),
            Err(ValueError::WrongType {
                expected: DataType::String,
                found: "a boolean"
            })
        );
        assert_eq!(
            RawValue::Integer(u64::MAX as i128).to_value_untyped(),
            Value::UnsignedInteger(u64::MAX)
        );
    }
}
