//! SenML CBOR (`application/senml+cbor`, content format 112; RFC 8428 §6 with the LwM2M
//! text label `"vlo"`).
//!
//! * [`decode`] reads a pack (a CBOR array of record maps) and feeds one [`Event::Value`](super::Event::Value)
//!   (with its resolved time) or [`Event::PathOnly`](super::Event::PathOnly) per record to a [`Sink`];
//!   [`decode_with_alternate_path`] reads names under an alternate path (LwM2M 1.2);
//! * [`SenmlCborWriter`] implements [`Writer`] for one target path, into any [`Output`]
//!   (a caller's buffer through [`SliceOutput`](super::SliceOutput): nothing allocated);
//! * [`encode_records`] / [`encode_records_to`] / [`decode_records`] handle record lists:
//!   composite payloads, timestamped data and Read-Composite requests.
//!
//! Output is canonical: a definite-length array of definite-length maps, labels in the
//! order `bn`, `bt`, `n`, `t`, value; integral times as integers; values in the notation of
//! [`wire::cbor`](super::wire::cbor) (floats in the shortest exact width: 21.5 →
//! `F9 4D 60`). Integer, Unsigned Integer, Float and Time are `v` (2); String and Corelnk
//! `vs` (3); Boolean `vb` (4); Opaque `vd` (8), a byte string; Objlnk `"vlo"`. Input may use
//! indefinite-length arrays, maps and strings, any integer or float width, labels in any
//! integer width, tag 4 decimal fractions (Leshan writes `bt` so), tags 1/0 on values.
//! Text labels ending in `_` (must-understand) are refused ([`ErrorKind::InvalidField`]),
//! other unknown labels skipped (nested at most 16 deep); a base value `bv` other than 0 is
//! refused. See [`senml`] for naming and time rules. Errors carry the byte
//! offset of the offending item (of the record, for its name).

use alloc::borrow::Cow;
use alloc::vec::Vec;

use minicbor::data::Type;
use minicbor::encode::Write;
use minicbor::{Decoder, Encoder};

use super::senml::{Entry, Fields, Record, RecordPlan, RecordSink, Resolver, WriterNames};
use super::wire::cbor::{EncodeResult, Item, Reader, head, is_int};
use super::wire::cbor::{write_error, write_float, write_value};
use super::{CborOut, Error, ErrorKind, Output, RawValue, Sink, Syntax, TypeLookup};
use super::{Writer, senml};
use crate::{ContentFormat, ObjectLink, Path, Value, ValueRef};

const F: ContentFormat = ContentFormat::SenmlCbor;

/// Decodes a SenML CBOR (112) payload addressed to `path`, feeding `sink`. The payload
/// names its records itself: `path` is checked by the sink (the node builder refuses
/// records outside it).
pub fn decode<'a, S: Sink<'a> + ?Sized>(
    path: &Path,
    bytes: &'a [u8],
    sink: &mut S,
) -> Result<(), Error> {
    let _ = path;
    decode_with(Resolver::new(), bytes, sink)
}

/// [`decode`] of a payload whose names start with the client's alternate path (LwM2M 1.2,
/// e.g. `/lwm2m` for names like `/lwm2m/3/0/9`), which is removed. A name outside it is
/// [`ErrorKind::OutsidePath`] at its record.
pub fn decode_with_alternate_path<'a, S: Sink<'a> + ?Sized>(
    prefix: &str,
    bytes: &'a [u8],
    sink: &mut S,
) -> Result<(), Error> {
    decode_with(Resolver::new().with_alternate_path(prefix), bytes, sink)
}

/// Decodes `bytes` into resolved records, typing values through `types` where it knows
/// the resource.
pub fn decode_records(bytes: &[u8], types: &dyn TypeLookup) -> Result<Vec<Record>, Error> {
    let mut sink = RecordSink::new(types);
    decode(&Path::ROOT, bytes, &mut sink)?;
    Ok(sink.into_records())
}

fn decode_with<'a, S: Sink<'a> + ?Sized>(
    mut resolver: Resolver,
    bytes: &'a [u8],
    sink: &mut S,
) -> Result<(), Error> {
    let mut r = Reader::new(bytes, F);
    let mut left = match r.datatype()? {
        Type::Array | Type::ArrayIndef => r.run(|d| d.array())?,
        t => return Err(r.err(0, unexpected(t))),
    };
    while more(&mut r, &mut left) {
        let start = r.pos();
        let entry = read_record(&mut r, &mut resolver)?;
        let event = resolver
            .event(&entry.name, entry.time, entry.value)
            .map_err(|k| r.err(start, k))?;
        sink.event(event)
            .map_err(|e| e.in_format(F).or_offset(start))?;
    }
    if !r.at_end() {
        return Err(r.err(r.pos(), ErrorKind::TrailingBytes));
    }
    Ok(())
}

/// Whether a container with `left` items left (`None`: indefinite, until a break) has
/// another; counts it.
fn more(r: &mut Reader<'_>, left: &mut Option<u64>) -> bool {
    match left {
        Some(0) => false,
        Some(n) => {
            *n -= 1;
            true
        }
        None => !r.take_break(),
    }
}

/// Why an item of type `t` cannot be here: a reserved head is invalid CBOR, anything else
/// an unexpected value.
fn unexpected(t: Type) -> ErrorKind {
    match t {
        Type::Unknown(_) => ErrorKind::Syntax(Syntax::InvalidCbor),
        _ => ErrorKind::Syntax(Syntax::UnexpectedValue),
    }
}

/// Reads an item whose type `ok` accepts with `read`; any other is unexpected at its start.
fn expect<'a, T>(
    r: &mut Reader<'a>,
    ok: impl Fn(Type) -> bool,
    read: impl FnOnce(&mut Reader<'a>) -> Result<T, Error>,
) -> Result<T, Error> {
    let (at, t) = (r.pos(), r.datatype()?);
    if !ok(t) {
        return Err(r.err(at, unexpected(t)));
    }
    read(r)
}

fn text<'a>(r: &mut Reader<'a>) -> Result<Cow<'a, str>, Error> {
    expect(
        r,
        |t| matches!(t, Type::String | Type::StringIndef),
        Reader::text,
    )
}

/// A number (integer, float, decimal fraction, tagged time).
fn number<'a>(r: &mut Reader<'a>) -> Result<RawValue<'a>, Error> {
    let at = r.pos();
    match r.item()? {
        Item::Value(v @ (RawValue::Integer(_) | RawValue::Float(_) | RawValue::Time(_))) => Ok(v),
        _ => Err(r.err(at, ErrorKind::Syntax(Syntax::UnexpectedValue))),
    }
}

fn seconds(v: &RawValue<'_>) -> f64 {
    match *v {
        RawValue::Integer(i) => i as f64,
        RawValue::Time(t) => t as f64,
        RawValue::Float(f) => f,
        _ => 0.0,
    }
}

/// A record's label: -6..=8, 9 for `"vlo"`, `None` for a label to skip.
fn label(r: &mut Reader<'_>) -> Result<Option<i32>, Error> {
    let at = r.pos();
    match r.datatype()? {
        t if is_int(t) => Ok(Some(r.int()?)
            .filter(|k| (-6..=8).contains(k))
            .map(|k| k as i32)),
        Type::String | Type::StringIndef => match &*r.text()? {
            "vlo" => Ok(Some(9)),
            l if l.ends_with('_') => Err(r.err(at, ErrorKind::InvalidField)),
            _ => Ok(None),
        },
        t => Err(r.err(at, unexpected(t))),
    }
}

/// One record map; its `bn` and `bt` go to `resolver`.
fn read_record<'a>(r: &mut Reader<'a>, resolver: &mut Resolver) -> Result<Entry<'a>, Error> {
    let is_map = |t| matches!(t, Type::Map | Type::MapIndef);
    let mut left = expect(r, is_map, |r| r.run(|d| d.map()))?;
    let mut rec = Entry::default();
    let mut seen = 0u16;
    while more(r, &mut left) {
        let key_at = r.pos();
        let Some(label) = label(r)? else {
            r.skip()?;
            continue;
        };
        let bit = 1 << (label + 6);
        if seen & bit != 0 || (matches!(label, 2 | 3 | 4 | 8 | 9) && rec.value.is_some()) {
            return Err(r.err(key_at, ErrorKind::InvalidField));
        }
        seen |= bit;
        let at = r.pos();
        match label {
            -2 => resolver.set_base_name(text(r)?.as_bytes()),
            0 => {
                rec.name = match text(r)? {
                    Cow::Borrowed(s) => Cow::Borrowed(s.as_bytes()),
                    Cow::Owned(s) => Cow::Owned(s.into_bytes()),
                }
            }
            -3 => resolver.set_base_time(seconds(&number(r)?)),
            6 => rec.time = Some(seconds(&number(r)?)),
            -4 | 1 => drop(text(r)?),
            -5 => {
                if seconds(&number(r)?) != 0.0 {
                    return Err(r.err(at, ErrorKind::InvalidField));
                }
            }
            2 => rec.value = Some(number(r)?),
            3 => rec.value = Some(RawValue::Str(text(r)?)),
            4 => {
                let b = expect(r, |t| t == Type::Bool, |r| r.run(Decoder::bool))?;
                rec.value = Some(RawValue::Boolean(b));
            }
            8 => {
                let is_bytes = |t| matches!(t, Type::Bytes | Type::BytesIndef);
                rec.value = Some(RawValue::Opaque(expect(r, is_bytes, Reader::bytes)?));
            }
            9 => {
                let link: ObjectLink = text(r)?
                    .parse()
                    .map_err(|_| r.err(at, ErrorKind::InvalidObjectLink))?;
                rec.value = Some(RawValue::Objlnk(link));
            }
            // bver, bs, s, ut.
            _ => drop(number(r)?),
        }
    }
    Ok(rec)
}

/// Writes a time: an integer when integral, else a float.
fn write_time<W: Write>(e: &mut Encoder<W>, t: f64) -> EncodeResult<W> {
    match senml::exact_int(t) {
        Some(i) => e.i64(i).map(drop),
        None => write_float(e, t),
    }
}

/// Writes one record map: `bn`, `bt`, `n`, `t`, then the value, each when present.
fn write_record<W: Write>(
    e: &mut Encoder<W>,
    fields: &Fields,
    value: Option<ValueRef<'_>>,
) -> EncodeResult<W> {
    let present = [
        fields.bn.is_some(),
        fields.bt.is_some(),
        fields.n.is_some(),
        fields.t.is_some(),
        value.is_some(),
    ];
    e.map(present.iter().filter(|p| **p).count() as u64)?;
    if let Some(bn) = &fields.bn {
        e.i8(-2)?.str(bn.text().as_str())?;
    }
    if let Some(bt) = fields.bt {
        write_time(e.i8(-3)?, bt)?;
    }
    if let Some(n) = &fields.n {
        e.u8(0)?.str(n.text().as_str())?;
    }
    if let Some(t) = fields.t {
        write_time(e.u8(6)?, t)?;
    }
    if let Some(v) = value {
        match v {
            ValueRef::String(_) | ValueRef::Corelnk(_) => e.u8(3)?,
            ValueRef::Boolean(_) => e.u8(4)?,
            ValueRef::Opaque(_) => e.u8(8)?,
            ValueRef::Objlnk(_) => e.str("vlo")?,
            _ => e.u8(2)?,
        };
        write_value(e, v)?;
    }
    Ok(())
}

/// Encodes a list of records (composite, timestamped or path-only) as SenML CBOR, named
/// canonically (see [`senml`]).
pub fn encode_records(records: &[Record]) -> Result<Vec<u8>, Error> {
    encode_records_to(records, Vec::with_capacity(8 + 24 * records.len()))
}

/// [`encode_records`] into any [`Output`]: into a caller's buffer through
/// [`SliceOutput`](super::SliceOutput) nothing is allocated
/// ([`ErrorKind::BufferFull`] when the payload does not fit).
pub fn encode_records_to<O: Output>(records: &[Record], out: O) -> Result<O, Error> {
    let mut e = Encoder::new(CborOut(out));
    let mut plan = RecordPlan::new(records);
    let r = e.array(records.len() as u64).map(drop).and_then(|_| {
        records.iter().try_for_each(|r| {
            let value = r.value.as_ref().map(Value::as_value_ref);
            write_record(&mut e, &plan.next(r), value)
        })
    });
    r.map_err(|err| write_error(err).in_format(F))?;
    Ok(e.into_writer().0)
}

/// The SenML CBOR (112) encoder: one record per value, named as [`senml`]
/// describes (the target's one value with `bn` = its path, other values grouped by
/// instance). The array's count is fixed by [`finish`](SenmlCborWriter::finish).
#[derive(Debug)]
pub struct SenmlCborWriter<O: Output> {
    out: O,
    names: WriterNames,
    // Where the payload starts in `out`: error offsets count from there.
    start: usize,
    records: u64,
}

impl<O: Output> SenmlCborWriter<O> {
    /// An encoder for a payload addressed to `path` (any path but the root, which a
    /// writer cannot address: [`ErrorKind::Unsupported`]), writing into `out`.
    pub fn new(path: &Path, out: O) -> Result<Self, Error> {
        let names = WriterNames::new(path).map_err(|k| Error::at_path(*path, k).in_format(F))?;
        let mut w = SenmlCborWriter {
            start: out.len(),
            out,
            names,
            records: 0,
        };
        // An array of fewer than 24 records; `finish` fixes the count.
        w.encoder().array(0).map_err(write_error)?;
        Ok(w)
    }

    /// Writes the record count and returns the output; an instance or multiple resource
    /// left open is [`ErrorKind::WriterMisuse`].
    pub fn finish(mut self) -> Result<O, Error> {
        if self.names.walker().is_open() {
            return Err(self.fail(ErrorKind::WriterMisuse));
        }
        let (h, n) = head(false, self.records);
        if n > 1 {
            self.out
                .shift(self.start + 1, n as isize - 1)
                .map_err(|e| e.in_format(F))?;
        }
        self.out.patch(self.start, &h[..n]);
        Ok(self.out)
    }

    fn encoder(&mut self) -> Encoder<CborOut<&mut O>> {
        Encoder::new(CborOut(&mut self.out))
    }

    fn fail(&self, kind: ErrorKind) -> Error {
        Error::at(F, self.out.len() - self.start, kind)
    }
}

impl<O: Output> Writer for SenmlCborWriter<O> {
    fn begin_instance(&mut self, id: u16) -> Result<(), Error> {
        let r = self.names.walker().begin_instance(id);
        r.map_err(|k| self.fail(k))
    }
    fn end_instance(&mut self) -> Result<(), Error> {
        let r = self.names.walker().end_instance();
        r.map_err(|k| self.fail(k))
    }
    fn begin_multiple(&mut self, id: u16, _count: usize) -> Result<(), Error> {
        let r = self.names.walker().begin_multiple(id);
        r.map_err(|k| self.fail(k))
    }
    fn end_multiple(&mut self) -> Result<(), Error> {
        let r = self.names.walker().end_multiple();
        r.map_err(|k| self.fail(k))
    }
    fn value(&mut self, id: u16, value: ValueRef<'_>) -> Result<(), Error> {
        let fields = self.names.value(id).map_err(|k| self.fail(k))?;
        write_record(&mut self.encoder(), &fields, Some(value))
            .map_err(|e| write_error(e).in_format(F))?;
        self.records += 1;
        Ok(())
    }
}
