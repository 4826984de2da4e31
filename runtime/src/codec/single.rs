//! The shared shape of the single-value formats (text/plain, octet-stream, CBOR 60): one
//! value at a resource or resource-instance path, everything else refused. Each format
//! says how it writes one value ([`SingleValue::write_value`]) and reads one
//! ([`SingleValue::read_value`]); the writer state, the refusals and the decoder's target
//! check live here once.

use core::fmt;
use core::marker::PhantomData;

use super::{Error, ErrorKind, Output, RawValue, Sink, Writer};
use crate::{ContentFormat, Path, ValueRef};

/// A format that carries exactly one value.
pub trait SingleValue {
    /// The content format.
    const FORMAT: ContentFormat;
    /// Writes `value` to `out`; a value the format cannot carry is
    /// [`ErrorKind::Unsupported`].
    fn write_value<O: Output>(out: &mut O, value: ValueRef<'_>) -> Result<(), Error>;
    /// Reads the payload's one value (errors located at their byte offset).
    fn read_value(bytes: &[u8]) -> Result<RawValue<'_>, Error>;
}

/// Decodes a single-value payload of format `S` addressed to `path` (a resource or
/// resource-instance path; anything shallower is [`ErrorKind::Unsupported`]).
pub fn decode<'a, S: SingleValue, K: Sink<'a> + ?Sized>(
    path: &Path,
    bytes: &'a [u8],
    sink: &mut K,
) -> Result<(), Error> {
    if path.len() < 3 {
        return Err(Error::at_path(*path, ErrorKind::Unsupported).in_format(S::FORMAT));
    }
    let value = S::read_value(bytes).map_err(|e| e.in_format(S::FORMAT))?;
    sink.value(*path, &value, None)
        .map_err(|e| e.in_format(S::FORMAT).or_offset(0))
}

/// The [`Writer`] of a single-value format `S`: takes exactly one `value` at a resource
/// or resource-instance path.
pub struct SingleValueWriter<O: Output, S: SingleValue> {
    out: O,
    written: bool,
    format: PhantomData<fn() -> S>,
}

impl<O: Output + fmt::Debug, S: SingleValue> fmt::Debug for SingleValueWriter<O, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SingleValueWriter")
            .field("format", &S::FORMAT)
            .field("out", &self.out)
            .field("written", &self.written)
            .finish()
    }
}

impl<O: Output, S: SingleValue> SingleValueWriter<O, S> {
    /// An encoder for a payload addressed to `path`: a resource or resource-instance path
    /// ([`ErrorKind::Unsupported`] otherwise).
    pub fn new(path: &Path, out: O) -> Result<Self, Error> {
        if path.len() < 3 {
            return Err(Error::at_path(*path, ErrorKind::Unsupported).in_format(S::FORMAT));
        }
        Ok(SingleValueWriter {
            out,
            written: false,
            format: PhantomData,
        })
    }

    /// Checks that the value was written ([`ErrorKind::NoValue`] otherwise) and returns
    /// the output.
    pub fn finish(self) -> Result<O, Error> {
        if !self.written {
            return Err(Error::at(S::FORMAT, 0, ErrorKind::NoValue));
        }
        Ok(self.out)
    }

    fn refuse(&self) -> Error {
        Error::at(S::FORMAT, self.out.len(), ErrorKind::Unsupported)
    }
}

impl<O: Output, S: SingleValue> Writer for SingleValueWriter<O, S> {
    fn begin_instance(&mut self, _: u16) -> Result<(), Error> {
        Err(self.refuse())
    }
    fn end_instance(&mut self) -> Result<(), Error> {
        Err(self.refuse())
    }
    fn begin_multiple(&mut self, _: u16, _: usize) -> Result<(), Error> {
        Err(self.refuse())
    }
    fn end_multiple(&mut self) -> Result<(), Error> {
        Err(self.refuse())
    }
    fn value(&mut self, _id: u16, value: ValueRef<'_>) -> Result<(), Error> {
        if self.written {
            return Err(Error::at(
                S::FORMAT,
                self.out.len(),
                ErrorKind::WriterMisuse,
            ));
        }
        S::write_value(&mut self.out, value).map_err(|e| e.in_format(S::FORMAT))?;
        self.written = true;
        Ok(())
    }
}
