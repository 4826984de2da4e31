//! The LwM2M content formats and the streaming API every format implements.
//!
//! Encoding is push-based: a caller (generated code, or [`encode_node`] for a generic
//! [`Node`](crate::Node)) drives a format's [`Writer`] with container and value events for one target
//! path. Decoding is pull-based: a format's [`Reader`] yields [`Event`]s whose leaf values
//! are [`RawValue`]s, i.e. what the wire said before the model's data type is applied.
//! The model (a generated struct, or an [`ObjectModel`] through [`TypeLookup`]) then
//! converts each raw value with [`RawValue::to_value`] or one of its typed getters; when no
//! model is known a format's documented fallback applies ([`RawValue::to_value_untyped`]).
//!
//! Every format has its own error type carrying a byte offset (or a JSON position) and a
//! reason; [`Error`] wraps them for the format-generic entry points.
//!
//! Entry points for a whole [`Node`](crate::Node): [`encode`] and [`decode`] dispatch on the
//! [`ContentFormat`](crate::ContentFormat); each format module also has `encode_into`
//! (a caller's buffer, no heap allocation, "output buffer full" when it does not fit) and
//! `encode_to` (any [`Output`]). Composite payloads (several paths): [`decode_leaves`],
//! [`lwm2m_cbor::encode_composite`] / [`lwm2m_cbor::decode_composite`]. Write semantics:
//! [`WriteMode`] and [`apply_write`].
//!
//! | format | module | carries |
//! |---|---|---|
//! | text/plain (0) | [`text`] | one resource or resource instance |
//! | octet-stream (42) | [`opaque`] | one Opaque resource or resource instance |
//! | CBOR (60) | [`cbor`] | one resource or resource instance |
//! | TLV (11542) | [`tlv`] | any target but the root |
//! | LwM2M CBOR (11544) | [`lwm2m_cbor`] | any target, composite |
//! | SenML JSON / CBOR (110 / 112), LwM2M JSON (11543), link-format (40) | [`senml_json`], [`senml_cbor`], [`lwm2m_json`], [`link_format`] | see their modules |
//!
//! Decoders never panic, never recurse without bound and never reserve memory from a
//! length field before the bytes are there (the property tests feed them random and
//! mutated payloads).

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::{DataType, ObjectLink, ObjectModel, Path, Registry, Time, Value};

pub mod cbor;
pub mod link_format;
pub mod lwm2m_cbor;
pub mod lwm2m_json;
pub mod opaque;
pub mod senml;
pub mod senml_cbor;
pub mod senml_json;
pub mod single;
pub mod text;
pub mod tlv;

/// A borrowed view of a value to encode.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ValueRef<'a> {
    /// UTF-8 text.
    String(&'a str),
    /// Signed integer.
    Integer(i64),
    /// Unsigned integer.
    UnsignedInteger(u64),
    /// Floating point.
    Float(f64),
    /// Boolean.
    Boolean(bool),
    /// Bytes.
    Opaque(&'a [u8]),
    /// Unix time in seconds.
    Time(Time),
    /// Object link.
    Objlnk(ObjectLink),
    /// CoRE link-format text.
    Corelnk(&'a str),
}

impl ValueRef<'_> {
    /// The data type of the value.
    pub fn data_type(&self) -> DataType {
        match self {
            ValueRef::String(_) => DataType::String,
            ValueRef::Integer(_) => DataType::Integer,
            ValueRef::UnsignedInteger(_) => DataType::UnsignedInteger,
            ValueRef::Float(_) => DataType::Float,
            ValueRef::Boolean(_) => DataType::Boolean,
            ValueRef::Opaque(_) => DataType::Opaque,
            ValueRef::Time(_) => DataType::Time,
            ValueRef::Objlnk(_) => DataType::Objlnk,
            ValueRef::Corelnk(_) => DataType::Corelnk,
        }
    }

    /// An owned copy.
    pub fn to_owned_value(&self) -> Value {
        match *self {
            ValueRef::String(s) => Value::String(s.into()),
            ValueRef::Integer(v) => Value::Integer(v),
            ValueRef::UnsignedInteger(v) => Value::UnsignedInteger(v),
            ValueRef::Float(v) => Value::Float(v),
            ValueRef::Boolean(v) => Value::Boolean(v),
            ValueRef::Opaque(b) => Value::Opaque(b.into()),
            ValueRef::Time(t) => Value::Time(t),
            ValueRef::Objlnk(l) => Value::Objlnk(l),
            ValueRef::Corelnk(s) => Value::Corelnk(crate::CoreLink(s.into())),
        }
    }
}

impl Value {
    /// A borrowed view for encoding.
    pub fn as_value_ref(&self) -> ValueRef<'_> {
        match self {
            Value::String(s) => ValueRef::String(s),
            Value::Integer(v) => ValueRef::Integer(*v),
            Value::UnsignedInteger(v) => ValueRef::UnsignedInteger(*v),
            Value::Float(v) => ValueRef::Float(*v),
            Value::Boolean(v) => ValueRef::Boolean(*v),
            Value::Opaque(b) => ValueRef::Opaque(b),
            Value::Time(t) => ValueRef::Time(*t),
            Value::Objlnk(l) => ValueRef::Objlnk(*l),
            Value::Corelnk(c) => ValueRef::Corelnk(&c.0),
        }
    }
}

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

/// Why a raw value could not be read as the model's data type.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    /// The payload carried another kind of value than the resource's type.
    #[error("expected a value of type {expected}, found {found}")]
    WrongType {
        /// The model's type.
        expected: DataType,
        /// What the payload held, in words.
        found: &'static str,
    },
    /// A number does not fit the type (or is not integral for an integer type).
    #[error("number out of range for type {0}")]
    OutOfRange(DataType),
    /// A binary value has a length the type does not allow.
    #[error("invalid length {len} for type {data_type}")]
    BadLength {
        /// The model's type.
        data_type: DataType,
        /// The length found.
        len: usize,
    },
    /// Text that should be UTF-8 is not.
    #[error("invalid UTF-8 text")]
    InvalidUtf8,
    /// Text that does not parse as the type (number, boolean, link, base64).
    #[error("invalid {0} text")]
    InvalidText(DataType),
    /// Boolean byte other than 0 or 1.
    #[error("boolean value must be 0 or 1")]
    InvalidBoolean,
    /// An executable resource carries no value.
    #[error("executable resources carry no value")]
    NoValue,
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
            RawValue::Text(t) => parse_int_text(t).ok_or(ValueError::InvalidText(T)),
            RawValue::Integer(v) => i64::try_from(*v).map_err(|_| ValueError::OutOfRange(T)),
            RawValue::Float(f) => integral_f64(*f)
                .and_then(|v| i64::try_from(v).ok())
                .ok_or(ValueError::OutOfRange(T)),
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
            RawValue::Text(t) => parse_uint_text(t).ok_or(ValueError::InvalidText(T)),
            RawValue::Integer(v) => u64::try_from(*v).map_err(|_| ValueError::OutOfRange(T)),
            RawValue::Float(f) => integral_f64(*f)
                .and_then(|v| u64::try_from(v).ok())
                .ok_or(ValueError::OutOfRange(T)),
            other => Err(other.wrong(T)),
        }
    }

    /// Reads the value as a float (Float resources; integers are accepted).
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
    pub fn as_time(&self) -> Result<Time, ValueError> {
        match self {
            RawValue::Time(t) => Ok(Time(*t)),
            other => other.as_i64().map(Time).map_err(|e| match e {
                ValueError::WrongType { found, .. } => ValueError::WrongType {
                    expected: DataType::Time,
                    found,
                },
                ValueError::OutOfRange(_) => ValueError::OutOfRange(DataType::Time),
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
    /// Opaque; links Objlnk; tagged times Time). Untyped bytes (TLV, octet-stream) become
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
            RawValue::Time(t) => Value::Time(Time(*t)),
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
pub(crate) fn be_int(b: &[u8]) -> Option<i64> {
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
pub(crate) fn be_uint(b: &[u8]) -> Option<u64> {
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

/// One event of a decoded payload.
#[derive(Clone, Debug, PartialEq)]
pub enum Event<'a> {
    /// A value at a resource (`/O/I/R`) or resource-instance (`/O/I/R/RI`) path, with the
    /// resolved time in seconds when the format carries one (SenML, LwM2M JSON).
    Value {
        /// Full path of the leaf.
        path: Path,
        /// The value as carried.
        value: RawValue<'a>,
        /// Resolved timestamp, if any.
        time: Option<f64>,
    },
    /// A multiple-instance resource container began (TLV, LwM2M CBOR); lets an empty
    /// multiple resource be seen. Formats without containers never emit it.
    MultipleResource(Path),
    /// An object instance container began (TLV object-instance TLV, LwM2M CBOR map);
    /// lets an empty instance be seen.
    Instance(Path),
    /// A path without a value (SenML Read-Composite requests).
    PathOnly(Path),
}

/// Why one decoded value could not be stored into a typed instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SetError {
    /// The value does not fit the resource's type.
    Value(ValueError),
    /// A resource-instance value for a single-instance resource.
    NotMultiple,
    /// A single value for a multiple-instance resource.
    NotSingle,
    /// The resource may not be written (write views only).
    NotWritable,
    /// The resource is executable and carries no value.
    Executable,
}

impl From<ValueError> for SetError {
    fn from(e: ValueError) -> Self {
        SetError::Value(e)
    }
}

impl SetError {
    /// The decoding error for this failure at `path`.
    pub fn at(self, path: Path) -> Error {
        match self {
            SetError::Value(source) => Error::Value { path, source },
            SetError::NotMultiple => Error::Path {
                path,
                reason: "resource instance of a single-instance resource",
            },
            SetError::NotSingle => Error::Path {
                path,
                reason: "single value for a multiple-instance resource",
            },
            SetError::NotWritable => Error::Path {
                path,
                reason: "resource is not writable",
            },
            SetError::Executable => Error::Value {
                path,
                source: ValueError::NoValue,
            },
        }
    }
}

/// Receives the values of one object instance by resource and resource-instance ID: what
/// typed decoders (generated structs) implement so a [`Reader`] can feed their fields
/// directly (see [`Reader::read_instance`]).
pub trait InstanceSink {
    /// A multiple-resource container for `resource` begins (TLV, LwM2M CBOR): the instances
    /// it replaces are dropped. Refused (as [`set`](InstanceSink::set) would refuse its
    /// instances) when `resource` is not a multiple resource the sink may take: the
    /// reader fails with the error at the resource's path, even for an empty container.
    fn clear_multiple(&mut self, resource: u16) -> Result<(), SetError>;
    /// Stores the value of `resource`, or of its resource instance `instance`. Resources
    /// the sink does not know are ignored (`Ok`).
    fn set(
        &mut self,
        resource: u16,
        instance: Option<u16>,
        raw: &RawValue<'_>,
    ) -> Result<(), SetError>;
}

/// Feeds the events of `reader` to `sink`: the reference behaviour of
/// [`Reader::read_instance`], which direct implementations must match error for error.
pub fn read_instance_events<'a, R: Reader<'a> + ?Sized, S: InstanceSink + ?Sized>(
    reader: &mut R,
    scope: &Path,
    sink: &mut S,
) -> Result<(), Error> {
    while let Some(ev) = reader.next_event().map_err(Into::into)? {
        sink_event(scope, ev, sink)?;
    }
    Ok(())
}

/// `Ok` when `p` lies within `scope`, else the "outside the requested path" error.
pub(crate) fn inside(scope: &Path, p: &Path) -> Result<(), Error> {
    if scope.contains(p) {
        Ok(())
    } else {
        Err(Error::Path {
            path: *p,
            reason: "outside the requested path",
        })
    }
}

/// Feeds one event of a payload addressed to `scope` to `sink` (see [`read_instance_events`]).
pub fn sink_event<S: InstanceSink + ?Sized>(
    scope: &Path,
    ev: Event<'_>,
    sink: &mut S,
) -> Result<(), Error> {
    match ev {
        Event::Value { path, value, .. } => {
            inside(scope, &path)?;
            let ids = path.ids();
            if ids.len() < 3 {
                return Err(Error::Path {
                    path,
                    reason: "value at an object or instance path",
                });
            }
            sink.set(ids[2], ids.get(3).copied(), &value)
                .map_err(|e| e.at(path))
        }
        Event::MultipleResource(path) => {
            inside(scope, &path)?;
            match path.resource_id() {
                Some(r) => sink.clear_multiple(r).map_err(|e| e.at(path)),
                None => Ok(()),
            }
        }
        Event::Instance(path) => inside(scope, &path),
        Event::PathOnly(path) => Err(Error::Path {
            path,
            reason: "path without a value",
        }),
    }
}

/// A pull decoder for one payload. The generic [`decode_node`] and generated code consume it.
pub trait Reader<'a> {
    /// The format's error type.
    type Error: Into<Error>;
    /// The next event, `Ok(None)` at the end of the payload.
    fn next_event(&mut self) -> Result<Option<Event<'a>>, Self::Error>;

    /// Decodes the rest of a payload addressed to `scope` (`/O/I`, `/O/I/R` or
    /// `/O/I/R/RI`) into `sink`: values outside `scope` and paths without values are
    /// errors, multiple-resource containers clear what they replace.
    ///
    /// The default drives [`next_event`](Reader::next_event) through
    /// [`read_instance_events`]; readers override it with a direct loop (no paths, no
    /// events) that accepts and refuses exactly the same payloads with the same errors.
    fn read_instance<S: InstanceSink + ?Sized>(
        &mut self,
        scope: &Path,
        sink: &mut S,
    ) -> Result<(), Error>
    where
        Self: Sized,
    {
        read_instance_events(self, scope, sink)
    }
}

/// A push encoder for one target path.
///
/// The caller emits, in order, what the target holds: for an object target one
/// `begin_instance`/`end_instance` pair per instance; for an instance target resources
/// directly; for a multiple resource `begin_multiple`, then one `value` per resource
/// instance, then `end_multiple`. `value` IDs are resource IDs, or resource-instance IDs
/// inside a multiple resource. A resource-instance target takes exactly one `value`.
pub trait Writer {
    /// The format's error type.
    type Error: Into<Error>;
    /// Starts object instance `id` (object targets only).
    fn begin_instance(&mut self, id: u16) -> Result<(), Self::Error>;
    /// Ends the current object instance.
    fn end_instance(&mut self) -> Result<(), Self::Error>;
    /// Starts multiple-instance resource `id` holding `count` instances.
    fn begin_multiple(&mut self, id: u16, count: usize) -> Result<(), Self::Error>;
    /// Ends the current multiple-instance resource.
    fn end_multiple(&mut self) -> Result<(), Self::Error>;
    /// Writes one resource or resource-instance value.
    fn value(&mut self, id: u16, value: ValueRef<'_>) -> Result<(), Self::Error>;
    /// Writes resource instance `ri` of the multiple resource `r` begun last: the same as
    /// `value(ri, value)` (the default), for callers that know `r` at hand. A writer may
    /// override it to skip looking the resource up; it must give the same result, and
    /// whatever `value` does when `r` is not the resource begun.
    #[inline(always)]
    fn instance_value(&mut self, r: u16, ri: u16, value: ValueRef<'_>) -> Result<(), Self::Error> {
        let _ = r;
        self.value(ri, value)
    }
    /// Writes multiple-instance resource `id` with all its instances at once: exactly
    /// what [`begin_multiple`](Writer::begin_multiple), one
    /// [`instance_value`](Writer::instance_value) per instance and
    /// [`end_multiple`](Writer::end_multiple) write, with the same errors.
    /// Formats that can size the container before writing it override this (TLV writes
    /// the container's header once, in its final form).
    #[inline(always)]
    fn multiple<'v, I>(&mut self, id: u16, instances: I) -> Result<(), Self::Error>
    where
        I: ExactSizeIterator<Item = (u16, ValueRef<'v>)> + Clone,
        Self: Sized,
    {
        self.begin_multiple(id, instances.len())?;
        for (ri, v) in instances {
            self.instance_value(id, ri, v)?;
        }
        self.end_multiple()
    }
}

/// Where decoders look up a resource's data type and multiplicity.
pub trait TypeLookup {
    /// The model facts of resource `resource` of object `object`, if known.
    fn resource_type(&self, object: u16, resource: u16) -> Option<(DataType, bool)>;

    /// The model of object `object`, when the lookup is backed by one. Decoders then look
    /// every resource of an instance up in it directly instead of calling
    /// [`TypeLookup::resource_type`] each time; an implementation that returns a model must
    /// give the same facts through both. Default: none.
    fn object_model(&self, object: u16) -> Option<&ObjectModel> {
        let _ = object;
        None
    }
}

impl TypeLookup for ObjectModel {
    fn resource_type(&self, object: u16, resource: u16) -> Option<(DataType, bool)> {
        (object == self.id).then(|| self.resource(resource).map(|r| (r.data_type, r.multiple)))?
    }
    fn object_model(&self, object: u16) -> Option<&ObjectModel> {
        (object == self.id).then_some(self)
    }
}

/// Uses the latest version of each object.
impl TypeLookup for Registry {
    fn resource_type(&self, object: u16, resource: u16) -> Option<(DataType, bool)> {
        self.latest(object)?.resource_type(object, resource)
    }
    fn object_model(&self, object: u16) -> Option<&ObjectModel> {
        self.latest(object)
    }
}

/// The facts of `resource` through `model` when there is one, else through `types`.
#[inline]
pub(crate) fn lookup(
    types: &dyn TypeLookup,
    model: Option<&ObjectModel>,
    object: u16,
    resource: u16,
) -> Option<(DataType, bool)> {
    match model {
        Some(m) => m.resource(resource).map(|r| (r.data_type, r.multiple)),
        None => types.resource_type(object, resource),
    }
}

/// No model: every format's untyped fallback applies.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoModel;

impl TypeLookup for NoModel {
    fn resource_type(&self, _: u16, _: u16) -> Option<(DataType, bool)> {
        None
    }
}

/// Any codec's error, for the format-generic entry points.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum Error {
    /// The format cannot carry this target or node (e.g. text/plain for an instance).
    #[error("{format} cannot carry {what}")]
    Unsupported {
        /// The format.
        format: crate::ContentFormat,
        /// What was asked, in words.
        what: String,
    },
    /// A value did not match the model at `path`.
    #[error("{path}: {source}")]
    Value {
        /// The leaf's path.
        path: Path,
        /// Why.
        source: ValueError,
    },
    /// The node does not fit the target path (wrong level or ID).
    #[error("node does not match path {path}: {reason}")]
    Shape {
        /// The target path.
        path: Path,
        /// Why.
        reason: String,
    },
    /// The payload holds a path outside the requested one, or twice the same path.
    #[error("{path}: {reason}")]
    Path {
        /// The offending path.
        path: Path,
        /// Why.
        reason: &'static str,
    },
    /// A format-specific error (offset and reason).
    #[error("{0}")]
    Format(FormatError),
}

/// A decoding or encoding failure located in the payload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatError {
    /// The format.
    pub format: crate::ContentFormat,
    /// Byte offset into the payload (for JSON: the byte offset of the offending token).
    pub offset: usize,
    /// The reason, for a person.
    pub reason: Cow<'static, str>,
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at byte {}: {}",
            self.format, self.offset, self.reason
        )
    }
}

impl From<FormatError> for Error {
    fn from(e: FormatError) -> Self {
        Error::Format(e)
    }
}

/// Where the binary encoders ([`tlv::TlvWriter`], [`cbor::CborWriter`],
/// [`lwm2m_cbor::Lwm2mCborWriter`]) put their bytes: a growable `Vec<u8>`, or a caller's
/// fixed buffer through [`SliceOutput`] (no heap allocation at all).
///
/// Containers whose size is only known at their end (TLV lengths, CBOR map counts) are
/// written with a guessed header that is fixed afterwards, moving the content by
/// [`Output::shift`] when the guess was wrong.
pub trait Output {
    /// Bytes written so far.
    fn len(&self) -> usize;
    /// Whether nothing was written yet.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Appends bytes.
    fn write(&mut self, bytes: &[u8]) -> Result<(), OutputFull>;
    /// Appends the first `n` (at most 16) bytes of `chunk`. Encoders build headers and
    /// small values in such chunks; implementations may copy all 16 bytes and keep `n`,
    /// which is much cheaper than a variable-length copy.
    #[inline]
    fn write_small(&mut self, chunk: &[u8; 16], n: usize) -> Result<(), OutputFull> {
        self.write(&chunk[..n.min(16)])
    }
    /// Appends the first `n` (at most 16) bytes of `hi` then `lo`, both big-endian: like
    /// [`write_small`](Output::write_small) with the chunk in two registers, which
    /// implementations store as two words (a chunk built in registers, stored to the
    /// stack and copied with one 16-byte load stalls the CPU's store forwarding).
    #[inline]
    fn write_words(&mut self, hi: u64, lo: u64, n: usize) -> Result<(), OutputFull> {
        let mut chunk = [0u8; 16];
        chunk[..8].copy_from_slice(&hi.to_be_bytes());
        chunk[8..].copy_from_slice(&lo.to_be_bytes());
        self.write_small(&chunk, n)
    }
    /// Moves the bytes from `at` to the end by `delta` (right when positive, opening a gap
    /// of unspecified bytes; left when negative, dropping the `-delta` bytes before `at`).
    fn shift(&mut self, at: usize, delta: isize) -> Result<(), OutputFull>;
    /// Overwrites already written bytes at `at`.
    fn patch(&mut self, at: usize, bytes: &[u8]);
}

/// A fixed output buffer has no room left.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutputFull;

impl Output for Vec<u8> {
    #[inline]
    fn len(&self) -> usize {
        Vec::len(self)
    }
    #[inline(always)]
    fn write_small(&mut self, chunk: &[u8; 16], n: usize) -> Result<(), OutputFull> {
        let end = Vec::len(self) + n.min(16);
        self.extend_from_slice(chunk);
        self.truncate(end);
        Ok(())
    }
    #[inline(always)]
    fn write_words(&mut self, hi: u64, lo: u64, n: usize) -> Result<(), OutputFull> {
        let end = Vec::len(self) + n.min(16);
        self.extend_from_slice(&hi.to_be_bytes());
        if n > 8 {
            self.extend_from_slice(&lo.to_be_bytes());
        }
        self.truncate(end);
        Ok(())
    }
    #[inline(always)]
    fn write(&mut self, bytes: &[u8]) -> Result<(), OutputFull> {
        self.extend_from_slice(bytes);
        Ok(())
    }
    fn shift(&mut self, at: usize, delta: isize) -> Result<(), OutputFull> {
        let end = Vec::len(self);
        if delta > 0 {
            self.resize(end + delta as usize, 0);
            self.copy_within(at..end, at + delta as usize);
        } else if delta < 0 {
            let d = delta.unsigned_abs();
            self.copy_within(at..end, at - d);
            self.truncate(end - d);
        }
        Ok(())
    }
    #[inline]
    fn patch(&mut self, at: usize, bytes: &[u8]) {
        copy_short(&mut self[at..at + bytes.len()], bytes);
    }
}

/// An [`Output`] over a caller's buffer: encoding allocates nothing, and fails with a
/// "buffer full" error when the payload does not fit.
#[derive(Debug)]
pub struct SliceOutput<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl<'a> SliceOutput<'a> {
    /// Writes into `buf` from its start.
    pub fn new(buf: &'a mut [u8]) -> Self {
        SliceOutput { buf, len: 0 }
    }
    /// The bytes written so far.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
    /// The bytes written, for the buffer's lifetime.
    pub fn into_bytes(self) -> &'a [u8] {
        &self.buf[..self.len]
    }
}

impl SliceOutput<'_> {
    /// [`Output::write_words`] within 16 bytes of the buffer's end.
    #[cold]
    #[inline(never)]
    fn write_words_tail(&mut self, hi: u64, lo: u64, n: usize) -> Result<(), OutputFull> {
        let mut chunk = [0u8; 16];
        chunk[..8].copy_from_slice(&hi.to_be_bytes());
        chunk[8..].copy_from_slice(&lo.to_be_bytes());
        self.write(&chunk[..n])
    }
}

impl Output for SliceOutput<'_> {
    #[inline]
    fn len(&self) -> usize {
        self.len
    }
    #[inline(always)]
    fn write_small(&mut self, chunk: &[u8; 16], n: usize) -> Result<(), OutputFull> {
        let n = n.min(16);
        if let Some(dst) = self.buf.get_mut(self.len..self.len + 16) {
            dst.copy_from_slice(chunk);
            self.len += n;
            Ok(())
        } else {
            self.write(&chunk[..n])
        }
    }
    #[inline(always)]
    fn write_words(&mut self, hi: u64, lo: u64, n: usize) -> Result<(), OutputFull> {
        let n = n.min(16);
        if let Some(dst) = self.buf.get_mut(self.len..self.len + 16) {
            dst[..8].copy_from_slice(&hi.to_be_bytes());
            dst[8..].copy_from_slice(&lo.to_be_bytes());
            self.len += n;
            Ok(())
        } else {
            self.write_words_tail(hi, lo, n)
        }
    }
    #[inline(always)]
    fn write(&mut self, bytes: &[u8]) -> Result<(), OutputFull> {
        let end = self.len + bytes.len();
        let dst = self.buf.get_mut(self.len..end).ok_or(OutputFull)?;
        copy_short(dst, bytes);
        self.len = end;
        Ok(())
    }
    fn shift(&mut self, at: usize, delta: isize) -> Result<(), OutputFull> {
        let end = self.len;
        if delta > 0 {
            let d = delta as usize;
            if end + d > self.buf.len() {
                return Err(OutputFull);
            }
            self.buf.copy_within(at..end, at + d);
            self.len = end + d;
        } else if delta < 0 {
            let d = delta.unsigned_abs();
            self.buf.copy_within(at..end, at - d);
            self.len = end - d;
        }
        Ok(())
    }
    #[inline(always)]
    fn patch(&mut self, at: usize, bytes: &[u8]) {
        copy_short(&mut self.buf[at..at + bytes.len()], bytes);
    }
}

/// Copies `src` into `dst` (same length): up to 32 bytes with two overlapping fixed-size
/// copies each (inline moves, no library call), longer ones through `copy_from_slice`.
#[inline(always)]
pub(crate) fn copy_short(dst: &mut [u8], src: &[u8]) {
    let n = src.len();
    if n > 32 || dst.len() != n {
        dst.copy_from_slice(src);
    } else if n >= 16 {
        dst[..16].copy_from_slice(&src[..16]);
        dst[n - 16..].copy_from_slice(&src[n - 16..]);
    } else if n >= 8 {
        dst[..8].copy_from_slice(&src[..8]);
        dst[n - 8..].copy_from_slice(&src[n - 8..]);
    } else if n >= 4 {
        dst[..4].copy_from_slice(&src[..4]);
        dst[n - 4..].copy_from_slice(&src[n - 4..]);
    } else if n > 0 {
        // 1 to 3 bytes: first, middle and last (a loop here would become a memcpy call).
        dst[0] = src[0];
        dst[n / 2] = src[n / 2];
        dst[n - 1] = src[n - 1];
    }
}

impl<O: Output + ?Sized> Output for &mut O {
    #[inline(always)]
    fn len(&self) -> usize {
        (**self).len()
    }
    #[inline(always)]
    fn write_small(&mut self, chunk: &[u8; 16], n: usize) -> Result<(), OutputFull> {
        (**self).write_small(chunk, n)
    }
    #[inline(always)]
    fn write_words(&mut self, hi: u64, lo: u64, n: usize) -> Result<(), OutputFull> {
        (**self).write_words(hi, lo, n)
    }
    #[inline(always)]
    fn write(&mut self, bytes: &[u8]) -> Result<(), OutputFull> {
        (**self).write(bytes)
    }
    fn shift(&mut self, at: usize, delta: isize) -> Result<(), OutputFull> {
        (**self).shift(at, delta)
    }
    #[inline(always)]
    fn patch(&mut self, at: usize, bytes: &[u8]) {
        (**self).patch(at, bytes)
    }
}

impl FormatError {
    /// An error of `format` at byte `offset`.
    pub fn new(
        format: crate::ContentFormat,
        offset: usize,
        reason: impl Into<Cow<'static, str>>,
    ) -> Self {
        FormatError {
            format,
            offset,
            reason: reason.into(),
        }
    }

    /// The "output buffer full" error of an encoder that had written `offset` bytes.
    pub fn buffer_full(format: crate::ContentFormat, offset: usize) -> Self {
        FormatError::new(format, offset, "output buffer full")
    }
}

#[cfg(feature = "std")]
impl std::error::Error for FormatError {}

/// Whether a Write replaces its target or updates part of it.
///
/// LwM2M carries the difference in the CoAP method, not in the payload: `PUT` replaces
/// (resources of the instance that the payload does not name are removed or reset; a
/// multiple-instance resource keeps only the instances sent), `POST` updates partially
/// (only what the payload names changes; resource instances are added or overwritten).
/// Every format encodes both the same way; [`apply_write`] applies a decoded payload to a
/// stored node under either mode. Formats that can only address one resource (text/plain,
/// octet-stream, CBOR) behave the same under both modes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum WriteMode {
    /// `PUT`: the payload becomes the target's whole new content.
    #[default]
    Replace,
    /// `POST` (or iPATCH for composite writes): only the named parts change.
    PartialUpdate,
}

impl WriteMode {
    /// The CoAP method code LwM2M uses for this mode on a single target (`PUT` = 0.03,
    /// `POST` = 0.02), as the code's detail number.
    pub const fn coap_method(self) -> u8 {
        match self {
            WriteMode::Replace => 3,
            WriteMode::PartialUpdate => 2,
        }
    }
}

/// Applies a decoded Write payload `update` to the stored `target` (both addressed to the
/// same path) under `mode`.
///
/// Replace: the target's content becomes the update's (at an object instance, resources
/// not in the payload are removed; at a multiple resource, instances not in the payload
/// are removed). Partial update: resources and resource instances of the update are
/// inserted or overwritten, everything else is kept. The result is canonical (sorted).
pub fn apply_write(
    target: &mut crate::Node,
    update: crate::Node,
    mode: WriteMode,
) -> Result<(), Error> {
    use crate::{Node, ResourceNode, ResourceValue};
    /// Merges `u` into `t` by ID: the target is sorted once and searched by bisection (a
    /// scan per updated item made large writes quadratic); new items are appended.
    fn merge_by_id<T: HasId>(t: &mut Vec<T>, mut u: Vec<T>, mut merge: impl FnMut(&mut T, T)) {
        t.sort_by_key(HasId::id);
        u.sort_by_key(HasId::id);
        let n = t.len();
        for x in u {
            // Items new to the target arrive sorted: a repeated ID merges into the last.
            if t.len() > n
                && let Some(last) = t.last_mut().filter(|l| l.id() == x.id())
            {
                merge(last, x);
                continue;
            }
            match t[..n].binary_search_by_key(&x.id(), HasId::id) {
                Ok(k) => merge(&mut t[k], x),
                Err(_) => t.push(x),
            }
        }
    }
    fn merge_resource(t: &mut ResourceNode, u: ResourceNode) {
        match (&mut t.value, u.value) {
            (ResourceValue::Multiple(tl), ResourceValue::Multiple(ul)) => {
                merge_by_id(tl, ul, |x, ri| x.value = ri.value);
            }
            (slot, v) => *slot = v,
        }
    }
    fn merge_instance(t: &mut crate::InstanceNode, u: crate::InstanceNode) {
        merge_by_id(&mut t.resources, u.resources, merge_resource);
    }
    if core::mem::discriminant(target) != core::mem::discriminant(&update)
        || target.id() != update.id()
    {
        return Err(Error::Shape {
            path: Path::ROOT,
            reason: "update and target are not the same node".into(),
        });
    }
    match mode {
        WriteMode::Replace => *target = update,
        WriteMode::PartialUpdate => match (&mut *target, update) {
            (Node::Object(t), Node::Object(u)) => {
                merge_by_id(&mut t.instances, u.instances, merge_instance);
            }
            (Node::Instance(t), Node::Instance(u)) => merge_instance(t, u),
            (Node::Resource(t), Node::Resource(u)) => merge_resource(t, u),
            (t, u) => *t = u,
        },
    }
    target.canonicalize();
    Ok(())
}

/// A capacity guess for encoding `node`: a little more than its binary size, so that an
/// encoder's output vector is allocated once.
pub fn size_hint(node: &crate::Node) -> usize {
    use crate::{Node, ResourceValue};
    fn value(v: &Value) -> usize {
        12 + match v {
            Value::String(s) => s.len(),
            Value::Opaque(b) => b.len() + b.len() / 2,
            Value::Corelnk(c) => c.0.len(),
            _ => 9,
        }
    }
    fn resource(r: &crate::ResourceNode) -> usize {
        match &r.value {
            ResourceValue::Single(v) => value(v),
            ResourceValue::Multiple(l) => 8 + l.iter().map(|ri| value(&ri.value)).sum::<usize>(),
        }
    }
    fn instance(i: &crate::InstanceNode) -> usize {
        8 + i.resources.iter().map(resource).sum::<usize>()
    }
    16 + match node {
        Node::Object(o) => o.instances.iter().map(instance).sum(),
        Node::Instance(i) => instance(i),
        Node::Resource(r) => resource(r),
        Node::ResourceInstance(ri) => value(&ri.value),
    }
}

/// A first capacity for the output vector from the node's shape alone (no walk over the
/// values): most resources take well under 24 bytes; longer strings make the vector grow.
pub(crate) fn capacity_guess(node: &crate::Node) -> usize {
    use crate::Node;
    use crate::ResourceValue;
    let resource = |r: &crate::ResourceNode| match &r.value {
        ResourceValue::Single(_) => 24,
        ResourceValue::Multiple(l) => 8 + 16 * l.len(),
    };
    64 + match node {
        Node::Object(o) => o.instances.iter().map(|i| 8 + 24 * i.resources.len()).sum(),
        Node::Instance(i) => 24 * i.resources.len(),
        Node::Resource(r) => resource(r),
        Node::ResourceInstance(_) => 0,
    } + match node {
        Node::Resource(crate::ResourceNode {
            value: ResourceValue::Single(v),
            ..
        })
        | Node::ResourceInstance(crate::ResourceInstanceNode { value: v, .. }) => match v {
            crate::Value::String(s) => s.len(),
            crate::Value::Opaque(b) => b.len(),
            crate::Value::Corelnk(c) => c.0.len(),
            _ => 0,
        },
        _ => 0,
    }
}

/// Checks that `node` is the content of `path`: same level and same last ID.
pub fn check_node_path(path: &Path, node: &crate::Node) -> Result<(), Error> {
    use crate::Node;
    let level = match node {
        Node::Object(_) => 1,
        Node::Instance(_) => 2,
        Node::Resource(_) => 3,
        Node::ResourceInstance(_) => 4,
    };
    if path.len() != level {
        return Err(Error::Shape {
            path: *path,
            reason: alloc::format!(
                "a {} node needs a path of {level} IDs",
                ["object", "instance", "resource", "resource instance"][level - 1]
            ),
        });
    }
    if path.ids()[level - 1] != node.id() {
        return Err(Error::Shape {
            path: *path,
            reason: alloc::format!("the node's ID is {}", node.id()),
        });
    }
    Ok(())
}

/// Encodes `node`, addressed to `path`, in `format`.
///
/// Text/plain, octet-stream and CBOR carry one resource or resource instance only
/// ([`Error::Unsupported`] otherwise); link-format carries no values.
pub fn encode(
    format: crate::ContentFormat,
    path: &Path,
    node: &crate::Node,
) -> Result<Vec<u8>, Error> {
    use crate::ContentFormat as F;
    check_node_path(path, node)?;
    match format {
        F::Tlv => tlv::encode(path, node),
        F::Text => text::encode(path, node),
        F::Opaque => opaque::encode(path, node),
        F::Cbor => cbor::encode(path, node),
        F::Lwm2mCbor => lwm2m_cbor::encode(path, node),
        // --- formats of the SenML / LwM2M JSON / link-format engineer ---
        F::SenmlJson => senml_json::encode(path, node).map_err(Into::into),
        F::SenmlCbor => senml_cbor::encode(path, node).map_err(Into::into),
        F::Lwm2mJson => lwm2m_json::encode(path, node).map_err(Into::into),
        F::LinkFormat => Err(Error::Unsupported {
            format,
            what: "encoding (codec not available yet)".into(),
        }),
    }
}

/// Decodes a payload of `format` addressed to `path`, typing values through `types`.
pub fn decode(
    format: crate::ContentFormat,
    path: &Path,
    bytes: &[u8],
    types: &dyn TypeLookup,
) -> Result<crate::Node, Error> {
    use crate::ContentFormat as F;
    match format {
        F::Tlv => tlv::decode(path, bytes, types),
        F::Text => text::decode(path, bytes, types),
        F::Opaque => opaque::decode(path, bytes, types),
        F::Cbor => cbor::decode(path, bytes, types),
        F::Lwm2mCbor => lwm2m_cbor::decode(path, bytes, types),
        // --- formats of the SenML / LwM2M JSON / link-format engineer ---
        F::SenmlJson => senml_json::decode(path, bytes, types),
        F::SenmlCbor => senml_cbor::decode(path, bytes, types),
        F::Lwm2mJson => lwm2m_json::decode(path, bytes, types),
        F::LinkFormat => Err(Error::Unsupported {
            format,
            what: "decoding (codec not available yet)".into(),
        }),
    }
}

/// Collects a reader's events into a flat list of (path, value) leaves (composite
/// payloads: Read-Composite responses, Send, Write-Composite), typed through `types`.
/// Rejects a path given twice, and a value and resource instances at the same resource.
pub fn decode_leaves<'a, R: Reader<'a>>(
    reader: &mut R,
    types: &dyn TypeLookup,
) -> Result<Vec<(Path, Value)>, Error> {
    let mut b = NodeBuilder::new(Path::ROOT);
    b.feed(reader, types)?;
    Ok(b.into_leaves())
}

/// Drives `writer` with the content of `node` (addressed to `path`).
pub fn encode_node<W: Writer>(node: &crate::Node, writer: &mut W) -> Result<(), W::Error> {
    use crate::{Node, ResourceValue};
    fn resource<W: Writer>(r: &crate::ResourceNode, w: &mut W) -> Result<(), W::Error> {
        match &r.value {
            ResourceValue::Single(v) => w.value(r.id, v.as_value_ref()),
            ResourceValue::Multiple(list) => {
                w.begin_multiple(r.id, list.len())?;
                for ri in list {
                    w.value(ri.id, ri.value.as_value_ref())?;
                }
                w.end_multiple()
            }
        }
    }
    match node {
        Node::Object(o) => {
            for i in &o.instances {
                writer.begin_instance(i.id)?;
                for r in &i.resources {
                    resource(r, writer)?;
                }
                writer.end_instance()?;
            }
            Ok(())
        }
        Node::Instance(i) => i.resources.iter().try_for_each(|r| resource(r, writer)),
        Node::Resource(r) => resource(r, writer),
        Node::ResourceInstance(ri) => writer.value(ri.id, ri.value.as_value_ref()),
    }
}

/// Collects a reader's events into a [`Node`](crate::Node) addressed to `path`, typing values through
/// `types` (fallback: [`RawValue::to_value_untyped`]). Rejects events outside `path`,
/// duplicate paths, and a value where the model says multiple (or the reverse).
pub fn decode_node<'a, R: Reader<'a>>(
    path: &Path,
    reader: &mut R,
    types: &dyn TypeLookup,
) -> Result<crate::Node, Error> {
    let mut b = NodeBuilder::new(*path);
    b.feed(reader, types)?;
    b.finish()
}

/// Builds a [`Node`](crate::Node) from decoded events (used by [`decode_node`]; public so formats and
/// tools can feed it events of their own).
///
/// The tree is built while events arrive. Duplicate detection costs O(1) per leaf when a
/// payload lists IDs in ascending order at each level (what every encoder does) and a scan
/// of the siblings otherwise.
#[derive(Debug)]
pub struct NodeBuilder {
    path: Path,
    // Instances of the first object seen (the only one unless the path is the root).
    object: Option<u16>,
    instances: Vec<crate::InstanceNode>,
    // Further objects (composite payloads addressed to the root only).
    others: Vec<crate::ObjectNode>,
    // Finds children by ID (ascending lists need no search; see `Lookup`).
    lookup: Lookup,
    // The last type lookup: (object, resource, result).
    last_type: Option<(u16, u16, ModelFacts)>,
    // Paths opened by container events (`Instance`, `MultipleResource`). A container seen
    // twice is a duplicate; a container whose node already exists because leaves below it
    // came first (LwM2M CBOR `{[3,0,9]: 1, [3,0]: {6: {...}}}`) is not: the same paths in
    // the other order are accepted too.
    containers: alloc::collections::BTreeSet<Path>,
    // Object ID → position in `others`.
    others_index: alloc::collections::BTreeMap<u16, usize>,
}

/// What a [`TypeLookup`] says about one resource.
type ModelFacts = Option<(DataType, bool)>;

impl NodeBuilder {
    /// A builder for a payload addressed to `path` (`/O`, `/O/I`, `/O/I/R` or `/O/I/R/RI`).
    pub fn new(path: Path) -> Self {
        NodeBuilder {
            path,
            object: path.object_id(),
            instances: Vec::new(),
            others: Vec::new(),
            lookup: Lookup::new(),
            last_type: None,
            containers: alloc::collections::BTreeSet::new(),
            others_index: alloc::collections::BTreeMap::new(),
        }
    }

    /// Adds one event.
    #[inline]
    pub fn push(&mut self, ev: Event<'_>, types: &dyn TypeLookup) -> Result<(), Error> {
        self.push_ref(&ev, types)
    }

    /// Adds every event of `reader`.
    #[inline]
    pub fn feed<'a, R: Reader<'a>>(
        &mut self,
        reader: &mut R,
        types: &dyn TypeLookup,
    ) -> Result<(), Error> {
        loop {
            // Matched in place: moving events costs more than handling them.
            let next = reader.next_event();
            match &next {
                Ok(Some(ev)) => self.push_ref(ev, types)?,
                Ok(None) => return Ok(()),
                Err(_) => return next.map(|_| ()).map_err(Into::into),
            }
        }
    }

    /// Adds one event, borrowed (saves moving the event around).
    #[inline]
    pub fn push_ref(&mut self, ev: &Event<'_>, types: &dyn TypeLookup) -> Result<(), Error> {
        use crate::{ResourceInstanceNode, ResourceValue};
        match *ev {
            Event::Value {
                path, ref value, ..
            } => {
                self.check_inside(&path)?;
                let ids = path.ids();
                if ids.len() < 3 {
                    return Err(Error::Path {
                        path,
                        reason: "value at an object or instance path",
                    });
                }
                let (o, i, r) = (ids[0], ids[1], ids[2]);
                // Resource instances of one resource arrive together: look the type up once.
                let ty = match self.last_type {
                    Some((lo, lr, t)) if lo == o && lr == r => t,
                    _ => {
                        let t = types.resource_type(o, r);
                        self.last_type = Some((o, r, t));
                        t
                    }
                };
                let v = match ty {
                    Some((dt, multiple)) => {
                        if multiple && ids.len() == 3 {
                            return Err(Error::Path {
                                path,
                                reason: "single value for a multiple-instance resource",
                            });
                        }
                        if !multiple && ids.len() == 4 {
                            return Err(Error::Path {
                                path,
                                reason: "resource instance of a single-instance resource",
                            });
                        }
                        value
                            .to_value(dt)
                            .map_err(|source| Error::Value { path, source })?
                    }
                    None => value.to_value_untyped(),
                };
                let (list, lk) = self.instances_of(o);
                let inst = instance_of(list, o, i, lk);
                let parent = Path::instance(o, i);
                let found = lk.find(&inst.resources, parent, r);
                match (found, ids.get(3)) {
                    (None, ri) => {
                        let prev = inst.resources.last().map(|l| l.id);
                        inst.resources.push(crate::ResourceNode {
                            id: r,
                            value: match ri {
                                None => ResourceValue::Single(v),
                                // Room for a few more instances without reallocating.
                                Some(&ri) => ResourceValue::Multiple({
                                    let mut l = Vec::with_capacity(4);
                                    l.push(ResourceInstanceNode { id: ri, value: v });
                                    l
                                }),
                            },
                        });
                        lk.pushed(parent, prev, r, inst.resources.len() - 1);
                    }
                    (Some(k), ri) => match (&mut inst.resources[k].value, ri) {
                        (ResourceValue::Multiple(list), Some(&ri)) => {
                            let parent = Path::resource(o, i, r);
                            if lk.find(list, parent, ri).is_some() {
                                return Err(Error::Path {
                                    path,
                                    reason: "duplicate path in payload",
                                });
                            }
                            let prev = list.last().map(|l| l.id);
                            list.push(ResourceInstanceNode { id: ri, value: v });
                            lk.pushed(parent, prev, ri, list.len() - 1);
                        }
                        (ResourceValue::Single(_), None) => {
                            return Err(Error::Path {
                                path,
                                reason: "duplicate path in payload",
                            });
                        }
                        _ => {
                            return Err(Error::Path {
                                path,
                                reason: "value and resource instances at one resource",
                            });
                        }
                    },
                }
            }
            Event::MultipleResource(path) => {
                if self.is_ancestor(&path) {
                    return Ok(());
                }
                self.check_inside(&path)?;
                let ids = path.ids();
                if ids.len() != 3 {
                    return Err(Error::Path {
                        path,
                        reason: "multiple-instance resource container at a non-resource path",
                    });
                }
                if let Some((_, false)) = types.resource_type(ids[0], ids[2]) {
                    return Err(Error::Path {
                        path,
                        reason: "resource instances for a single-instance resource",
                    });
                }
                if !self.containers.insert(path) {
                    return Err(Error::Path {
                        path,
                        reason: "duplicate path in payload",
                    });
                }
                let (list, lk) = self.instances_of(ids[0]);
                let inst = instance_of(list, ids[0], ids[1], lk);
                let parent = Path::instance(ids[0], ids[1]);
                if let Some(k) = lk.find(&inst.resources, parent, ids[2]) {
                    // Resource instances arrived before the container: nothing to add.
                    if let ResourceValue::Multiple(_) = inst.resources[k].value {
                        return Ok(());
                    }
                    return Err(Error::Path {
                        path,
                        reason: "duplicate path in payload",
                    });
                }
                let prev = inst.resources.last().map(|l| l.id);
                inst.resources.push(crate::ResourceNode {
                    id: ids[2],
                    value: ResourceValue::Multiple(Vec::new()),
                });
                lk.pushed(parent, prev, ids[2], inst.resources.len() - 1);
            }
            Event::Instance(path) => {
                if self.is_ancestor(&path) {
                    return Ok(());
                }
                self.check_inside(&path)?;
                let ids = path.ids();
                if ids.len() != 2 {
                    return Err(Error::Path {
                        path,
                        reason: "object instance container at a non-instance path",
                    });
                }
                if !self.containers.insert(path) {
                    return Err(Error::Path {
                        path,
                        reason: "duplicate path in payload",
                    });
                }
                let (list, lk) = self.instances_of(ids[0]);
                let parent = Path::object(ids[0]);
                if lk.find(list, parent, ids[1]).is_some() {
                    // Leaves of the instance arrived before its container.
                    return Ok(());
                }
                let prev = list.last().map(|l| l.id);
                // No capacity up front: the container may stay empty (hostile payloads
                // list thousands of empty instances in two bytes each).
                list.push(crate::InstanceNode {
                    id: ids[1],
                    resources: Vec::new(),
                });
                lk.pushed(parent, prev, ids[1], list.len() - 1);
            }
            Event::PathOnly(path) => {
                return Err(Error::Path {
                    path,
                    reason: "path without a value",
                });
            }
        }
        Ok(())
    }

    #[inline]
    fn instances_of(&mut self, object: u16) -> (&mut Vec<crate::InstanceNode>, &mut Lookup) {
        match self.object {
            Some(o) if o == object => return (&mut self.instances, &mut self.lookup),
            None => {
                self.object = Some(object);
                return (&mut self.instances, &mut self.lookup);
            }
            Some(_) => {}
        }
        // The object of the previous leaf, else an index: a scan of `others` per leaf made
        // a composite payload naming thousands of objects quadratic (seconds for 500 KB).
        let k = match self.others.last() {
            Some(o) if o.id == object => self.others.len() - 1,
            _ => match self.others_index.get(&object) {
                Some(&k) => k,
                None => {
                    self.others.push(crate::ObjectNode {
                        id: object,
                        instances: Vec::new(),
                    });
                    self.others_index.insert(object, self.others.len() - 1);
                    self.others.len() - 1
                }
            },
        };
        (&mut self.others[k].instances, &mut self.lookup)
    }

    /// Every object received, in arrival order (for payloads addressed to the root, such
    /// as composite operations and Send).
    pub fn finish_objects(self) -> Vec<crate::ObjectNode> {
        let mut out = Vec::with_capacity(1 + self.others.len());
        if let Some(id) = self.object {
            out.push(crate::ObjectNode {
                id,
                instances: self.instances,
            });
        }
        out.extend(self.others);
        out
    }

    /// Every leaf received as (path, value), grouped by object, instance and resource.
    pub fn into_leaves(self) -> Vec<(Path, Value)> {
        use crate::ResourceValue;
        let mut out = Vec::new();
        for o in self.finish_objects() {
            for i in o.instances {
                for r in i.resources {
                    let p = Path::resource(o.id, i.id, r.id);
                    match r.value {
                        ResourceValue::Single(v) => out.push((p, v)),
                        ResourceValue::Multiple(list) => out.extend(list.into_iter().map(|ri| {
                            (Path::resource_instance(o.id, i.id, r.id, ri.id), ri.value)
                        })),
                    }
                }
            }
        }
        out
    }

    /// Whether `p` lies strictly above the builder's path: a container event there (LwM2M
    /// CBOR `{3: {0: {9: 87}}}` answering a Read of `/3/0/9`) only leads to the target
    /// and adds nothing to it.
    #[inline]
    fn is_ancestor(&self, p: &Path) -> bool {
        p.len() < self.path.len() && p.contains(&self.path)
    }

    fn check_inside(&self, p: &Path) -> Result<(), Error> {
        if self.path.contains(p) {
            Ok(())
        } else {
            Err(Error::Path {
                path: *p,
                reason: "outside the requested path",
            })
        }
    }

    /// The node addressed to the builder's path.
    pub fn finish(mut self) -> Result<crate::Node, Error> {
        use crate::{InstanceNode, Node, ObjectNode, ResourceValue};
        let path = self.path;
        let shape = |reason: &str| Error::Shape {
            path,
            reason: reason.into(),
        };
        let ids = path.ids();
        Ok(match ids.len() {
            1 => Node::Object(ObjectNode {
                id: ids[0],
                instances: self.instances,
            }),
            2 => Node::Instance(self.instances.pop().unwrap_or(InstanceNode {
                id: ids[1],
                resources: Vec::new(),
            })),
            3 => {
                let mut inst = self
                    .instances
                    .pop()
                    .ok_or_else(|| shape("no value for the resource"))?;
                Node::Resource(
                    inst.resources
                        .pop()
                        .ok_or_else(|| shape("no value for the resource"))?,
                )
            }
            4 => {
                let res = self
                    .instances
                    .pop()
                    .and_then(|mut i| i.resources.pop())
                    .ok_or_else(|| shape("no value for the resource instance"))?;
                match res.value {
                    ResourceValue::Multiple(mut l) if l.len() == 1 => {
                        Node::ResourceInstance(l.remove(0))
                    }
                    _ => return Err(shape("no value for the resource instance")),
                }
            }
            _ => return Err(shape("root path")),
        })
    }
}

/// First capacity of an instance's resource list: most instances have a handful to a few
/// dozen resources, so this saves the first reallocations. Only the first instance of a
/// payload gets it ([`resources_capacity`]).
pub(crate) const RESOURCES_CAPACITY: usize = 16;

/// The first capacity of the resource list of a new instance, `instances` being the
/// number of instances already built: the first one gets [`RESOURCES_CAPACITY`], later
/// ones start small, so that a payload listing many instances with a resource each does
/// not make the decoder hold 16 resource slots per few bytes of input.
#[inline]
pub(crate) fn resources_capacity(instances: usize) -> usize {
    if instances == 0 {
        RESOURCES_CAPACITY
    } else {
        1
    }
}

/// Something with an ID in a list a decoder builds.
pub(crate) trait HasId {
    /// The ID.
    fn id(&self) -> u16;
}

impl HasId for crate::InstanceNode {
    #[inline]
    fn id(&self) -> u16 {
        self.id
    }
}

impl HasId for crate::ResourceNode {
    #[inline]
    fn id(&self) -> u16 {
        self.id
    }
}

impl HasId for crate::ResourceInstanceNode {
    #[inline]
    fn id(&self) -> u16 {
        self.id
    }
}

/// Finds children by ID in the lists a decoder builds (instances of an object, resources
/// of an instance, instances of a resource).
///
/// While every list has received its IDs in ascending order (what encoders do), "not after
/// the last one" proves absence without a search. After the first out-of-order ID, short
/// lists are scanned and longer ones looked up in an index of child paths, filled for a
/// list the first time it is searched and kept up to date by [`Lookup::pushed`]: scanning
/// made payloads listing thousands of IDs in descending order quadratic.
#[derive(Debug)]
pub(crate) struct Lookup {
    ordered: bool,
    // Child path → position in its list, for the lists whose parent is in `filled`.
    index: alloc::collections::BTreeMap<Path, usize>,
    filled: alloc::collections::BTreeSet<Path>,
}

impl Lookup {
    /// Lists up to this long are scanned rather than indexed.
    const SCAN: usize = 16;

    pub(crate) fn new() -> Self {
        Lookup {
            ordered: true,
            index: alloc::collections::BTreeMap::new(),
            filled: alloc::collections::BTreeSet::new(),
        }
    }

    /// The position of child `id` in `list`, the children of `parent`.
    #[inline]
    pub(crate) fn find<T: HasId>(&mut self, list: &[T], parent: Path, id: u16) -> Option<usize> {
        match list.last() {
            None => None,
            Some(last) if last.id() == id => Some(list.len() - 1),
            Some(last) if self.ordered && last.id() < id => None,
            _ => self.search(list, parent, id),
        }
    }

    #[inline(never)]
    fn search<T: HasId>(&mut self, list: &[T], parent: Path, id: u16) -> Option<usize> {
        let key = match parent.child(id) {
            Some(key) if list.len() > Self::SCAN => key,
            _ => return list.iter().position(|x| x.id() == id),
        };
        if self.filled.insert(parent) {
            for (k, x) in list.iter().enumerate() {
                if let Some(p) = parent.child(x.id()) {
                    self.index.insert(p, k);
                }
            }
        }
        self.index.get(&key).copied()
    }

    /// Records that child `id` was appended at `pos` to the list of `parent`, whose last
    /// child was `prev` before.
    #[inline]
    pub(crate) fn pushed(&mut self, parent: Path, prev: Option<u16>, id: u16, pos: usize) {
        if prev.is_some_and(|l| l > id) {
            self.ordered = false;
        }
        if !self.filled.is_empty()
            && self.filled.contains(&parent)
            && let Some(p) = parent.child(id)
        {
            self.index.insert(p, pos);
        }
    }
}

#[inline]
fn instance_of<'a>(
    list: &'a mut Vec<crate::InstanceNode>,
    object: u16,
    id: u16,
    lk: &mut Lookup,
) -> &'a mut crate::InstanceNode {
    let parent = Path::object(object);
    let k = match lk.find(list, parent, id) {
        Some(k) => k,
        None => {
            let prev = list.last().map(|l| l.id);
            list.push(crate::InstanceNode {
                id,
                resources: Vec::with_capacity(resources_capacity(list.len())),
            });
            lk.pushed(parent, prev, id, list.len() - 1);
            list.len() - 1
        }
    };
    &mut list[k]
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
            Err(ValueError::OutOfRange(DataType::Integer))
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
