//! SenML CBOR (112). Placeholder: the decoder and the encoder are not written yet.

use super::{Error, ErrorKind, Output, Sink, Writer};
use crate::{Path, ValueRef};

/// Decodes a SenML CBOR (112) payload addressed to `path`, feeding `sink`.
pub fn decode<'a, S: Sink<'a> + ?Sized>(
    path: &Path,
    bytes: &'a [u8],
    sink: &mut S,
) -> Result<(), Error> {
    let _ = (path, bytes, sink);
    Err(Error::new(ErrorKind::Unsupported))
}

/// The SenML CBOR (112) encoder.
#[derive(Debug)]
pub struct SenmlCborWriter<O: Output> {
    out: O,
}

impl<O: Output> SenmlCborWriter<O> {
    /// An encoder for a payload addressed to `path`, writing into `out`.
    pub fn new(path: &Path, out: O) -> Result<Self, Error> {
        let _ = path;
        Ok(SenmlCborWriter { out })
    }
    /// Checks that the payload is complete and returns the output.
    pub fn finish(self) -> Result<O, Error> {
        Ok(self.out)
    }
}

impl<O: Output> Writer for SenmlCborWriter<O> {
    fn begin_instance(&mut self, _id: u16) -> Result<(), Error> {
        Err(Error::new(ErrorKind::Unsupported))
    }
    fn end_instance(&mut self) -> Result<(), Error> {
        Err(Error::new(ErrorKind::Unsupported))
    }
    fn begin_multiple(&mut self, _id: u16, _count: usize) -> Result<(), Error> {
        Err(Error::new(ErrorKind::Unsupported))
    }
    fn end_multiple(&mut self) -> Result<(), Error> {
        Err(Error::new(ErrorKind::Unsupported))
    }
    fn value(&mut self, _id: u16, _value: ValueRef<'_>) -> Result<(), Error> {
        Err(Error::new(ErrorKind::Unsupported))
    }
}
