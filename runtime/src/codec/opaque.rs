//! `application/octet-stream` (42): the raw bytes of one Opaque resource or resource
//! instance (spec §4), no framing. Values of other types are refused both ways.

use alloc::borrow::Cow;
use alloc::vec::Vec;

use super::{Error, Event, FormatError, Output, RawValue, Reader, TypeLookup, ValueRef};
use crate::{ContentFormat, Node, Path};

const F: ContentFormat = ContentFormat::Opaque;

/// The error type of the octet-stream codec: byte offset and reason.
pub type OpaqueError = FormatError;

/// The octet-stream format as a [`SingleValue`](super::single::SingleValue): Opaque
/// values only.
#[derive(Clone, Copy, Debug)]
pub struct OctetStream;

impl super::single::SingleValue for OctetStream {
    const FORMAT: ContentFormat = F;
    const REFUSAL: &'static str =
        "octet-stream carries the value of one Opaque resource or resource instance only";
    fn write_value<O: Output>(out: &mut O, value: ValueRef<'_>) -> Result<(), FormatError> {
        match value {
            ValueRef::Opaque(b) => out
                .write(b)
                .map_err(|_| FormatError::buffer_full(F, out.len())),
            _ => Err(Self::refusal(out.len())),
        }
    }
}

/// An octet-stream encoder: takes exactly one Opaque `value` at a resource or
/// resource-instance path.
pub type OpaqueWriter<O> = super::single::SingleValueWriter<O, OctetStream>;

/// Encodes a single resource or resource instance (Opaque only).
pub fn encode(path: &Path, node: &Node) -> Result<Vec<u8>, Error> {
    super::single::encode::<OctetStream>(path, node)
}

/// Encodes into `buf` without allocating; returns the length.
pub fn encode_into(path: &Path, node: &Node, buf: &mut [u8]) -> Result<usize, Error> {
    super::single::encode_into::<OctetStream>(path, node, buf)
}

/// Encodes, appending to any [`Output`].
pub fn encode_to<O: Output>(path: &Path, node: &Node, out: O) -> Result<(), Error> {
    super::single::encode_to::<OctetStream, O>(path, node, out)
}

/// Decodes an octet-stream payload addressed to a resource or resource-instance path.
pub fn decode(path: &Path, bytes: &[u8], types: &dyn TypeLookup) -> Result<Node, Error> {
    super::single::check_decode_target(F, path)?;
    super::decode_node(path, &mut OpaqueReader::new(path, bytes), types)
}

/// A pull decoder of one octet-stream payload: one Opaque value event.
#[derive(Debug)]
pub struct OpaqueReader<'a> {
    path: Path,
    bytes: &'a [u8],
    done: bool,
}

impl<'a> OpaqueReader<'a> {
    /// A reader of `bytes` addressed to `path` (a resource or resource instance).
    pub fn new(path: &Path, bytes: &'a [u8]) -> Self {
        OpaqueReader {
            path: *path,
            bytes,
            done: false,
        }
    }
}

impl<'a> Reader<'a> for OpaqueReader<'a> {
    type Error = OpaqueError;
    fn next_event(&mut self) -> Result<Option<Event<'a>>, OpaqueError> {
        if self.done {
            return Ok(None);
        }
        self.done = true;
        if self.path.len() < 3 {
            return Err(FormatError::new(
                F,
                0,
                "octet-stream carries one resource value only",
            ));
        }
        Ok(Some(Event::Value {
            path: self.path,
            value: RawValue::Opaque(Cow::Borrowed(self.bytes)),
            time: None,
        }))
    }
}
