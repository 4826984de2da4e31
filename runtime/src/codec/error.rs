//! The one error type of every codec: what went wrong ([`ErrorKind`]), in which format, at
//! which byte of the payload and at which LwM2M path, as far as each is known.

use alloc::borrow::Cow;
use core::fmt;

use crate::{ContentFormat, DataType, Path};

/// A decoding or encoding failure: an [`ErrorKind`] with the content format, the byte offset
/// into the payload (for JSON, of the offending token; for encoders, the bytes written so
/// far) and the LwM2M path, where known.
#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    kind: ErrorKind,
    format: Option<ContentFormat>,
    offset: Option<usize>,
    path: Option<Path>,
}

/// What went wrong. Decoders, encoders and typed sinks report these; tests and callers
/// match on them (the [`Display`](fmt::Display) text is for people).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ErrorKind {
    // ---- payload syntax ----
    /// The payload ends inside a header, value or container.
    Truncated,
    /// Bytes follow the payload's last data item.
    TrailingBytes,
    /// Syntax the format does not allow.
    Syntax(Syntax),
    /// Text that must be UTF-8 is not.
    InvalidUtf8,
    /// Containers nest deeper than an LwM2M path allows.
    TooDeep,
    /// A value or container is longer than the format can carry.
    TooLong,
    /// A number or count in the payload is out of the range the format allows.
    NumberOutOfRange,
    /// A base64 or base64url text does not decode.
    InvalidBase64,
    /// An object link text is not `OID:IID` with two 16-bit IDs.
    InvalidObjectLink,
    /// A time field or time-tagged value is not a valid time.
    InvalidTime,
    /// A record carries a field of the wrong type, a field twice, or a field that must be
    /// understood and is not (SenML labels ending in `_`).
    InvalidField,
    /// The announced number of entries differs from the entries present.
    CountMismatch,

    // ---- paths and structure ----
    /// A name or key is not a LwM2M path (`/O`, `/O/I`, `/O/I/R`, `/O/I/R/RI`).
    NotAPath,
    /// ID 65535 is reserved and never names an object, instance or resource.
    ReservedId,
    /// The same path twice in one payload.
    DuplicatePath,
    /// An ID in the payload differs from the one the request path names.
    IdMismatch,
    /// A path outside the path the payload is addressed to.
    OutsidePath,
    /// A value or container at a level where the payload's structure does not allow it
    /// (a value at an object or instance path, an instance inside an instance, ...).
    Misplaced,
    /// A path without a value (a Read-Composite request record) where values are expected.
    PathWithoutValue,
    /// Both a value and resource instances for one resource.
    ValueAndInstances,
    /// The payload holds no value for a resource or resource-instance target.
    NoValue,

    // ---- values against the model ----
    /// A value does not fit the model's data type.
    Value(ValueError),
    /// A resource instance of a single-instance resource.
    NotMultiple,
    /// A single value for a multiple-instance resource.
    NotSingle,
    /// The resource may not be written.
    NotWritable,
    /// The resource is executable and carries no value.
    Executable,
    /// A value the model does not allow: outside its range, of a length it does not allow,
    /// or not one of its values (write views check every value they decode).
    Invalid(crate::typed::Problem),

    // ---- encoding and targets ----
    /// The format cannot carry this target (text/plain for an instance, TLV at the root,
    /// link-format values, ...).
    Unsupported,
    /// A node or typed instance does not fit the target path (level, object or ID).
    WrongTarget,
    /// The caller's output buffer has no room left.
    BufferFull,
    /// The encoder was driven out of order (a value after the target's one value, an
    /// instance left open, ...).
    WriterMisuse,
}

/// Syntax errors, per wire notation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Syntax {
    /// JSON: a byte that cannot start or continue the expected token.
    UnexpectedByte,
    /// JSON: an invalid number.
    InvalidNumber,
    /// JSON: an invalid escape sequence or a control character in a string.
    InvalidString,
    /// JSON: another value than the structure requires (an object where an array must
    /// be, ...).
    UnexpectedValue,
    /// CBOR: a reserved additional-information value, an unexpected break or a simple
    /// value LwM2M does not use.
    InvalidCbor,
    /// TLV: a TLV that runs past the end of the container holding it (a container's
    /// children must fill it exactly).
    InvalidTlv,
    /// Link format: a link or parameter RFC 6690 does not allow.
    InvalidLink,
    /// Text: a value text that does not parse.
    InvalidText,
}

/// Why a raw value could not be read as the model's data type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueError {
    /// The payload carried another kind of value than the resource's type.
    WrongType {
        /// The model's type.
        expected: DataType,
        /// What the payload held, in words.
        found: &'static str,
    },
    /// A number does not fit the type.
    OutOfRange(DataType),
    /// A number with a fraction (`1.5`) for an integer type.
    NotWhole(DataType),
    /// A binary value has a length the type does not allow.
    BadLength {
        /// The model's type.
        data_type: DataType,
        /// The length found.
        len: usize,
    },
    /// Text that should be UTF-8 is not.
    InvalidUtf8,
    /// Text that does not parse as the type (number, boolean, link, base64).
    InvalidText(DataType),
    /// Boolean byte other than 0 or 1.
    InvalidBoolean,
    /// An executable resource carries no value.
    NoValue,
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValueError::WrongType { expected, found } => {
                write!(f, "expected a value of type {expected}, found {found}")
            }
            ValueError::OutOfRange(t) => write!(f, "number out of range for type {t}"),
            ValueError::NotWhole(t) => write!(f, "{t} needs a whole number, not a fraction"),
            ValueError::BadLength { data_type, len } => {
                write!(f, "invalid length {len} for type {data_type}")
            }
            ValueError::InvalidUtf8 => f.write_str("invalid UTF-8 text"),
            ValueError::InvalidText(t) => write!(f, "invalid {t} text"),
            ValueError::InvalidBoolean => f.write_str("boolean value must be 0 or 1"),
            ValueError::NoValue => f.write_str("executable resources carry no value"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for ValueError {}

impl Error {
    /// An error of `kind`, nothing located yet.
    pub const fn new(kind: ErrorKind) -> Self {
        Error {
            kind,
            format: None,
            offset: None,
            path: None,
        }
    }

    /// An error of `kind` at byte `offset` of a `format` payload.
    pub const fn at(format: ContentFormat, offset: usize, kind: ErrorKind) -> Self {
        Error {
            kind,
            format: Some(format),
            offset: Some(offset),
            path: None,
        }
    }

    /// An error of `kind` at LwM2M path `path`.
    pub const fn at_path(path: Path, kind: ErrorKind) -> Self {
        Error {
            kind,
            format: None,
            offset: None,
            path: Some(path),
        }
    }

    /// The same error, with the path set.
    pub const fn with_path(mut self, path: Path) -> Self {
        self.path = Some(path);
        self
    }

    /// The same error, with the format set where it was not known.
    pub const fn in_format(mut self, format: ContentFormat) -> Self {
        if self.format.is_none() {
            self.format = Some(format);
        }
        self
    }

    /// The same error, with the byte offset set where it was not known.
    pub const fn or_offset(mut self, offset: usize) -> Self {
        if self.offset.is_none() {
            self.offset = Some(offset);
        }
        self
    }

    /// What went wrong.
    pub const fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The content format, when the error comes from a payload or an encoder.
    pub const fn format(&self) -> Option<ContentFormat> {
        self.format
    }

    /// The byte offset into the payload (or the bytes written, for encoders).
    pub const fn offset(&self) -> Option<usize> {
        self.offset
    }

    /// The LwM2M path the error is about.
    pub const fn path(&self) -> Option<Path> {
        self.path
    }

    /// `(kind, offset)`, the pair tests most often compare.
    pub fn kind_at(&self) -> (&ErrorKind, Option<usize>) {
        (&self.kind, self.offset)
    }
}

impl From<ValueError> for ErrorKind {
    fn from(e: ValueError) -> Self {
        ErrorKind::Value(e)
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error::new(kind)
    }
}

impl ErrorKind {
    /// A short description for people.
    pub fn describe(&self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            ErrorKind::Truncated => "the payload ends early",
            ErrorKind::TrailingBytes => "bytes after the end of the payload's data",
            ErrorKind::Syntax(s) => match s {
                Syntax::UnexpectedByte => "unexpected character",
                Syntax::InvalidNumber => "invalid number",
                Syntax::InvalidString => "invalid string (escape or control character)",
                Syntax::UnexpectedValue => "a value of another kind than the format allows here",
                Syntax::InvalidCbor => "invalid CBOR",
                Syntax::InvalidTlv => "TLV runs past the end of its container",
                Syntax::InvalidLink => "not a valid link (RFC 6690)",
                Syntax::InvalidText => "invalid value text",
            },
            ErrorKind::InvalidUtf8 => "invalid UTF-8",
            ErrorKind::TooDeep => "nested deeper than a path allows",
            ErrorKind::TooLong => "value or container too long for the format",
            ErrorKind::NumberOutOfRange => "number out of range",
            ErrorKind::InvalidBase64 => "invalid base64",
            ErrorKind::InvalidObjectLink => "object link is not OID:IID",
            ErrorKind::InvalidTime => "invalid time",
            ErrorKind::InvalidField => "invalid field",
            ErrorKind::CountMismatch => "entry count differs from the announced count",
            ErrorKind::NotAPath => "not a LwM2M path",
            ErrorKind::ReservedId => "ID 65535 is reserved",
            ErrorKind::DuplicatePath => "duplicate path in payload",
            ErrorKind::IdMismatch => "ID does not match the path",
            ErrorKind::OutsidePath => "outside the requested path",
            ErrorKind::Misplaced => "value or container at a level that does not allow it",
            ErrorKind::PathWithoutValue => "path without a value",
            ErrorKind::ValueAndInstances => "value and resource instances at one resource",
            ErrorKind::NoValue => "no value for the target",
            ErrorKind::Value(e) => return Cow::Owned(alloc::format!("{e}")),
            ErrorKind::Invalid(p) => return Cow::Owned(alloc::format!("{p}")),
            ErrorKind::NotMultiple => "resource instance of a single-instance resource",
            ErrorKind::NotSingle => "single value for a multiple-instance resource",
            ErrorKind::NotWritable => "resource is not writable",
            ErrorKind::Executable => "executable resources carry no value",
            ErrorKind::Unsupported => "the format cannot carry this target",
            ErrorKind::WrongTarget => "does not fit the target path",
            ErrorKind::BufferFull => "output buffer full",
            ErrorKind::WriterMisuse => "encoder driven out of order",
        })
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(format) = self.format {
            write!(f, "{format}")?;
            if let Some(offset) = self.offset {
                write!(f, " at byte {offset}")?;
            }
            f.write_str(": ")?;
        }
        if let Some(path) = self.path {
            write!(f, "{path}: ")?;
        }
        write!(f, "{}", self.kind)
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Error {}
