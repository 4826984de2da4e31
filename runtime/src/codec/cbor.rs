//! CBOR (`application/cbor`, 60): one CBOR data item, the value of one resource or resource
//! instance (spec §5). The notation is [`wire::cbor`](super::wire::cbor): preferred
//! serialization on output (22.5 → `F9 4D A0`, Objlnk as `"3303:0"`, Time untagged); on
//! input any integer or float width, definite and indefinite strings, tags 1/0 for Time,
//! tag 4 for numbers, other tags skipped. `null` is a path without a value; a map or array
//! is not a value; anything after the item is an error.

use minicbor::Encoder;

use super::wire::cbor::{Item, Reader, write_error, write_value};
use super::{CborOut, Error, ErrorKind, Output, RawValue, Sink, single};
use crate::{ContentFormat, Path, ValueRef};

const F: ContentFormat = ContentFormat::Cbor;

/// CBOR (60) as a [`SingleValue`](single::SingleValue) format.
#[derive(Clone, Copy, Debug)]
pub struct Cbor;

impl single::SingleValue for Cbor {
    const FORMAT: ContentFormat = F;

    fn write_value<O: Output>(out: &mut O, value: ValueRef<'_>) -> Result<(), Error> {
        write_value(&mut Encoder::new(CborOut(out)), value).map_err(write_error)
    }

    fn read_value(bytes: &[u8]) -> Result<RawValue<'_>, Error> {
        let mut r = Reader::new(bytes, F);
        let value = match r.item()? {
            Item::Value(v) => v,
            Item::Null => return Err(r.err(0, ErrorKind::PathWithoutValue)),
            Item::Map(at, _) | Item::Array(at) => return Err(r.err(at, ErrorKind::Misplaced)),
        };
        if !r.at_end() {
            return Err(r.err(r.pos(), ErrorKind::TrailingBytes));
        }
        Ok(value)
    }
}

/// The CBOR (60) encoder: exactly one `value` at a resource or resource-instance path.
pub type CborWriter<O> = single::SingleValueWriter<O, Cbor>;

/// Decodes a CBOR (60) payload addressed to a resource or resource-instance `path`,
/// feeding `sink` one value.
pub fn decode<'a, S: Sink<'a> + ?Sized>(
    path: &Path,
    bytes: &'a [u8],
    sink: &mut S,
) -> Result<(), Error> {
    single::decode::<Cbor, S>(path, bytes, sink).map_err(|e| match e.kind() {
        // `null`: the target's path without a value.
        ErrorKind::PathWithoutValue => e.with_path(*path),
        _ => e,
    })
}
