//! The shared shape of the single-value formats (text/plain, octet-stream, CBOR 60): one
//! value at a resource or resource-instance path, everything else refused. Each format
//! only says how it writes a value ([`SingleValue::write_value`]); the writer state, the
//! refusals and the node entry points live here once.

use alloc::vec::Vec;
use core::fmt;
use core::marker::PhantomData;

use super::{Error, FormatError, Output, SliceOutput, ValueRef, Writer};
use crate::{ContentFormat, Node, Path, ResourceValue};

/// A format that carries exactly one value.
pub trait SingleValue {
    /// The content format.
    const FORMAT: ContentFormat;
    /// Why anything but one value is refused, for a person.
    const REFUSAL: &'static str;

    /// Writes `value` to `out`; a value the format cannot carry is [`Self::refusal`].
    fn write_value<O: Output>(out: &mut O, value: ValueRef<'_>) -> Result<(), FormatError>;

    /// The refusal error at byte `offset`.
    fn refusal(offset: usize) -> FormatError {
        FormatError::new(Self::FORMAT, offset, Self::REFUSAL)
    }
}

/// The [`Writer`] of a single-value format `S`: takes exactly one `value` at a resource
/// or resource-instance path.
pub struct SingleValueWriter<O: Output, S: SingleValue> {
    out: O,
    target: usize,
    written: bool,
    format: PhantomData<fn() -> S>,
}

impl<O: Output + fmt::Debug, S: SingleValue> fmt::Debug for SingleValueWriter<O, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SingleValueWriter")
            .field("format", &S::FORMAT)
            .field("out", &self.out)
            .field("target", &self.target)
            .field("written", &self.written)
            .finish()
    }
}

impl<O: Output, S: SingleValue> SingleValueWriter<O, S> {
    /// An encoder for a payload addressed to `path`.
    pub fn new(path: &Path, out: O) -> Self {
        SingleValueWriter {
            out,
            target: path.len(),
            written: false,
            format: PhantomData,
        }
    }

    /// Checks that the value was written and returns the output.
    pub fn finish(self) -> Result<O, FormatError> {
        if !self.written {
            return Err(FormatError::new(S::FORMAT, 0, "no value was written"));
        }
        Ok(self.out)
    }

    fn refuse(&self) -> FormatError {
        S::refusal(self.out.len())
    }
}

impl<O: Output, S: SingleValue> Writer for SingleValueWriter<O, S> {
    type Error = FormatError;
    fn begin_instance(&mut self, _: u16) -> Result<(), FormatError> {
        Err(self.refuse())
    }
    fn end_instance(&mut self) -> Result<(), FormatError> {
        Err(self.refuse())
    }
    fn begin_multiple(&mut self, _: u16, _: usize) -> Result<(), FormatError> {
        Err(self.refuse())
    }
    fn end_multiple(&mut self) -> Result<(), FormatError> {
        Err(self.refuse())
    }
    fn value(&mut self, _id: u16, value: ValueRef<'_>) -> Result<(), FormatError> {
        if self.written || self.target < 3 {
            return Err(self.refuse());
        }
        S::write_value(&mut self.out, value)?;
        self.written = true;
        Ok(())
    }
}

/// Refuses nodes a single-value format cannot carry.
pub(crate) fn check_single(format: ContentFormat, node: &Node) -> Result<(), Error> {
    let what = match node {
        Node::Resource(r) if matches!(r.value, ResourceValue::Single(_)) => return Ok(()),
        Node::ResourceInstance(_) => return Ok(()),
        Node::Resource(_) => "a multiple-instance resource",
        Node::Instance(_) => "an object instance",
        Node::Object(_) => "an object",
    };
    Err(Error::Unsupported {
        format,
        what: what.into(),
    })
}

/// Encodes `node` (addressed to `path`) in format `S`, appending to `out`.
pub(crate) fn encode_to<S: SingleValue, O: Output>(
    path: &Path,
    node: &Node,
    out: O,
) -> Result<(), Error> {
    super::check_node_path(path, node)?;
    check_single(S::FORMAT, node)?;
    let mut w = SingleValueWriter::<O, S>::new(path, out);
    super::encode_node(node, &mut w)?;
    w.finish()?;
    Ok(())
}

/// Encodes `node` in format `S` into a new `Vec`.
pub(crate) fn encode<S: SingleValue>(path: &Path, node: &Node) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(super::size_hint(node));
    encode_to::<S, _>(path, node, &mut out)?;
    Ok(out)
}

/// Encodes `node` in format `S` into `buf` without allocating; returns the length.
pub(crate) fn encode_into<S: SingleValue>(
    path: &Path,
    node: &Node,
    buf: &mut [u8],
) -> Result<usize, Error> {
    let mut out = SliceOutput::new(buf);
    encode_to::<S, _>(path, node, &mut out)?;
    Ok(out.len())
}

/// Refuses object and instance targets before decoding a single-value payload.
pub(crate) fn check_decode_target(format: ContentFormat, path: &Path) -> Result<(), Error> {
    if path.len() < 3 {
        return Err(Error::Unsupported {
            format,
            what: "an object or object instance".into(),
        });
    }
    Ok(())
}
