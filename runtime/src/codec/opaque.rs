//! `application/octet-stream` (42): the raw bytes of one Opaque resource or resource
//! instance (spec §4), no framing. Values of other types are refused both ways: the
//! decoder gives [`RawValue::Opaque`], which only an Opaque resource (or no model) takes.

use alloc::borrow::Cow;

use super::single::{self, SingleValue};
use super::{Error, ErrorKind, Output, RawValue, Sink};
use crate::{ContentFormat, Path, ValueRef};

/// The octet-stream format as a [`SingleValue`]: Opaque values only.
#[derive(Clone, Copy, Debug)]
pub struct Opaque;

impl SingleValue for Opaque {
    const FORMAT: ContentFormat = ContentFormat::Opaque;

    fn write_value<O: Output>(out: &mut O, value: ValueRef<'_>) -> Result<(), Error> {
        match value {
            ValueRef::Opaque(b) => out.write(b),
            _ => Err(Error::at(Self::FORMAT, out.len(), ErrorKind::Unsupported)),
        }
    }

    fn read_value(bytes: &[u8]) -> Result<RawValue<'_>, Error> {
        Ok(RawValue::Opaque(Cow::Borrowed(bytes)))
    }
}

/// An octet-stream encoder: takes exactly one Opaque `value` at a resource or
/// resource-instance path.
pub type OpaqueWriter<O> = single::SingleValueWriter<O, Opaque>;

/// Decodes an octet-stream payload addressed to a resource or resource-instance path,
/// feeding `sink` one [`RawValue::Opaque`].
pub fn decode<'a, S: Sink<'a> + ?Sized>(
    path: &Path,
    bytes: &'a [u8],
    sink: &mut S,
) -> Result<(), Error> {
    single::decode::<Opaque, _>(path, bytes, sink)
}
