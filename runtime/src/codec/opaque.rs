//! `application/octet-stream` (42): the raw bytes of one Opaque resource or resource
//! instance (spec §4), no framing. Values of other types are refused both ways.

use alloc::borrow::Cow;
use alloc::vec::Vec;

use super::{
    Error, Event, FormatError, Output, RawValue, Reader, SliceOutput, TypeLookup, ValueRef, Writer,
};
use crate::{ContentFormat, Node, Path};

const F: ContentFormat = ContentFormat::Opaque;

/// The error type of the octet-stream codec: byte offset and reason.
pub type OpaqueError = FormatError;

/// An octet-stream encoder: takes exactly one Opaque `value` at a resource or
/// resource-instance path.
#[derive(Debug)]
pub struct OpaqueWriter<O: Output> {
    out: O,
    target: usize,
    written: bool,
}

impl<O: Output> OpaqueWriter<O> {
    /// An encoder for a payload addressed to `path`.
    pub fn new(path: &Path, out: O) -> Self {
        OpaqueWriter {
            out,
            target: path.len(),
            written: false,
        }
    }

    /// Checks that the value was written and returns the output.
    pub fn finish(self) -> Result<O, OpaqueError> {
        if !self.written {
            return Err(FormatError::new(F, 0, "no value was written"));
        }
        Ok(self.out)
    }

    fn refuse(&self) -> OpaqueError {
        FormatError::new(
            F,
            self.out.len(),
            "octet-stream carries the value of one Opaque resource or resource instance only",
        )
    }
}

impl<O: Output> Writer for OpaqueWriter<O> {
    type Error = OpaqueError;
    fn begin_instance(&mut self, _: u16) -> Result<(), OpaqueError> {
        Err(self.refuse())
    }
    fn end_instance(&mut self) -> Result<(), OpaqueError> {
        Err(self.refuse())
    }
    fn begin_multiple(&mut self, _: u16, _: usize) -> Result<(), OpaqueError> {
        Err(self.refuse())
    }
    fn end_multiple(&mut self) -> Result<(), OpaqueError> {
        Err(self.refuse())
    }
    fn value(&mut self, _id: u16, value: ValueRef<'_>) -> Result<(), OpaqueError> {
        match value {
            ValueRef::Opaque(b) if !self.written && self.target >= 3 => {
                self.out
                    .write(b)
                    .map_err(|_| FormatError::buffer_full(F, self.out.len()))?;
                self.written = true;
                Ok(())
            }
            _ => Err(self.refuse()),
        }
    }
}

/// Encodes a single Opaque resource or resource instance.
pub fn encode(path: &Path, node: &Node) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(super::size_hint(node));
    encode_to(path, node, &mut out)?;
    Ok(out)
}

/// Encodes into `buf` without allocating; returns the length.
pub fn encode_into(path: &Path, node: &Node, buf: &mut [u8]) -> Result<usize, Error> {
    let mut out = SliceOutput::new(buf);
    encode_to(path, node, &mut out)?;
    Ok(out.len())
}

/// Encodes, appending to any [`Output`].
pub fn encode_to<O: Output>(path: &Path, node: &Node, out: O) -> Result<(), Error> {
    super::check_node_path(path, node)?;
    super::cbor::check_single(F, node)?;
    let mut w = OpaqueWriter::new(path, out);
    super::encode_node(node, &mut w)?;
    w.finish()?;
    Ok(())
}

/// Decodes an octet-stream payload addressed to a resource or resource-instance path.
pub fn decode(path: &Path, bytes: &[u8], types: &dyn TypeLookup) -> Result<Node, Error> {
    if path.len() < 3 {
        return Err(Error::Unsupported {
            format: F,
            what: "an object or object instance".into(),
        });
    }
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
