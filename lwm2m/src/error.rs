//! The one error type of LwM2M interactions and the one mapping from errors to CoAP
//! response codes ([`Error::response_code`]).

use alloc::string::String;
use core::fmt;

use ucifi_runtime::codec::{self, ErrorKind as CodecKind};
use ucifi_runtime::{Path, Version};

use crate::ResponseCode;

/// What went wrong in an LwM2M interaction, with [`response_code`](Error::response_code)
/// giving the CoAP code an endpoint answers it with.
#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    kind: ErrorKind,
}

/// The kinds of [`Error`].
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A payload that does not decode, or a value that does not fit the model.
    Codec(codec::Error),
    /// A Register or Update request without the `ep` (endpoint name) parameter.
    MissingEndpoint,
    /// A query parameter the request does not allow, given twice, or with a value that
    /// does not fit it (`lt=abc`, `lwm2m=x`, `Q=1`).
    InvalidQuery(String),
    /// A request to an object, instance or resource the endpoint does not have.
    NotFound(Path),
    /// An object version the models do not hold: never guessed.
    UnknownModel {
        /// Object ID.
        id: u16,
        /// The version the client declared.
        version: Version,
    },
    /// A typed read with a type of another version than the client registered.
    VersionMismatch {
        /// Object ID.
        id: u16,
        /// The version the client registered.
        registered: Version,
        /// The version of the type asked for.
        requested: Version,
    },
    /// A response that reports a failure (4.xx, 5.xx), or a success code other than the
    /// operation's.
    Response(ResponseCode),
    /// A response code byte that is no response code.
    InvalidResponseCode(u8),
    /// A Content-Format this side does not speak.
    UnsupportedContentFormat(u16),
    /// A CoAP option (by number: 6 is Observe) whose value does not fit it.
    InvalidOption(u16),
    /// An operation the target does not allow: Read of a resource that is not readable,
    /// Execute of one that is not executable, Delete of a path that is no instance,
    /// Create in a single-instance object that has its instance, any operation on the
    /// root.
    MethodNotAllowed(Path),
    /// An Accept option naming a content format this side does not speak.
    NotAcceptable(u16),
}

impl Error {
    /// An error of `kind`.
    pub fn new(kind: ErrorKind) -> Self {
        Error { kind }
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The CoAP response code an endpoint answers this error with:
    ///
    /// | error | code |
    /// |---|---|
    /// | a payload that does not decode, a value of the wrong type or out of range, a bad query | 4.00 |
    /// | writing a read-only resource, a value for an executable one, an operation the target does not allow | 4.05 |
    /// | a target that does not exist, an object version not known | 4.04 |
    /// | an Accept format that cannot carry the target, or not spoken | 4.06 |
    /// | a Content-Format not spoken | 4.15 |
    /// | an option value that does not fit its option | 4.02 |
    /// | a response that is itself an error | that code |
    /// | a typed read of the wrong version, a response code that is none | 5.00 |
    pub fn response_code(&self) -> ResponseCode {
        match &self.kind {
            ErrorKind::Codec(e) => codec_code(e.kind()),
            ErrorKind::MissingEndpoint | ErrorKind::InvalidQuery(_) => ResponseCode::BadRequest,
            ErrorKind::NotFound(_) | ErrorKind::UnknownModel { .. } => ResponseCode::NotFound,
            ErrorKind::Response(code) => *code,
            ErrorKind::UnsupportedContentFormat(_) => ResponseCode::UnsupportedContentFormat,
            ErrorKind::InvalidOption(_) => ResponseCode::BadOption,
            ErrorKind::MethodNotAllowed(_) => ResponseCode::MethodNotAllowed,
            ErrorKind::NotAcceptable(_) => ResponseCode::NotAcceptable,
            ErrorKind::VersionMismatch { .. } | ErrorKind::InvalidResponseCode(_) => {
                ResponseCode::InternalServerError
            }
        }
    }
}

/// The code of a codec error: everything about the payload is 4.00, except what the
/// model forbids doing (4.05) and a target the format cannot carry (4.06).
fn codec_code(kind: &CodecKind) -> ResponseCode {
    match kind {
        CodecKind::NotWritable | CodecKind::Executable => ResponseCode::MethodNotAllowed,
        CodecKind::Unsupported => ResponseCode::NotAcceptable,
        CodecKind::BufferFull | CodecKind::WriterMisuse => ResponseCode::InternalServerError,
        // Syntax, truncation, values that do not fit the model, paths outside the target,
        // duplicates: the request is wrong. A kind added later is about the payload too.
        _ => ResponseCode::BadRequest,
    }
}

impl From<codec::Error> for Error {
    fn from(e: codec::Error) -> Self {
        Error::new(ErrorKind::Codec(e))
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error::new(kind)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::Codec(e) => write!(f, "{e}"),
            ErrorKind::MissingEndpoint => f.write_str("the request has no endpoint name (ep)"),
            ErrorKind::InvalidQuery(p) => write!(f, "invalid query parameter {p:?}"),
            ErrorKind::NotFound(p) => write!(f, "{p} does not exist"),
            ErrorKind::UnknownModel { id, version } => {
                write!(f, "object {id} version {version} is not in the models")
            }
            ErrorKind::VersionMismatch {
                id,
                registered,
                requested,
            } => write!(
                f,
                "object {id}: the client registered version {registered}, not {requested}"
            ),
            ErrorKind::Response(code) => write!(f, "the response is {code}"),
            ErrorKind::InvalidResponseCode(b) => write!(f, "0x{b:02x} is no response code"),
            ErrorKind::UnsupportedContentFormat(cf) => {
                write!(f, "content format {cf} is not supported")
            }
            ErrorKind::InvalidOption(o) => write!(f, "the value of option {o} does not fit it"),
            ErrorKind::MethodNotAllowed(p) => write!(f, "the operation is not allowed on {p}"),
            ErrorKind::NotAcceptable(cf) => write!(f, "content format {cf} cannot be answered"),
        }
    }
}

impl core::error::Error for Error {}
