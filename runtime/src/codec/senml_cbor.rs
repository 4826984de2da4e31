//! SenML CBOR (`application/senml+cbor`, content format 112; RFC 8428 §6 with the LwM2M
//! text label `"vlo"`).
//!
//! * [`decode`] reads a pack (a CBOR array of record maps) and hands each record to a
//!   [`Sink`]: its value with its resolved time ([`Sink::value`]), or its path alone
//!   ([`Sink::path_only`]);
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
use core::convert::Infallible;

use minicbor::data::Type;
use minicbor::encode::{self, Write};
use minicbor::{Decoder, Encoder};

use super::senml::{
    Entry, Fields, Name, Record, RecordPlan, RecordSink, Resolver, Staged, WriterNames,
};
use super::wire::cbor::{EncodeResult, Item, Reader, head, is_int};
use super::wire::cbor::{write_float, write_value};
use super::{Error, ErrorKind, Output, RawValue, Sink, Syntax, TypeLookup};
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
        record(&mut r, &mut resolver, sink)?;
    }
    if !r.at_end() {
        return Err(r.err(r.pos(), ErrorKind::TrailingBytes));
    }
    Ok(())
}

/// Whether a container with `left` items left (`None`: indefinite, until a break) has
/// another; counts it.
#[inline]
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

#[inline]
fn text<'a>(r: &mut Reader<'a>) -> Result<Cow<'a, str>, Error> {
    // Most are definite.
    match r.try_run_as(ErrorKind::InvalidUtf8, |d| d.str())? {
        Some(s) => Ok(Cow::Borrowed(s)),
        None => any_text(r),
    }
}

/// [`text`] of an indefinite string, or the error for another item.
#[inline(never)]
fn any_text<'a>(r: &mut Reader<'a>) -> Result<Cow<'a, str>, Error> {
    expect(
        r,
        |t| matches!(t, Type::String | Type::StringIndef),
        Reader::text,
    )
}

/// An integer, if the next item is one (nothing read otherwise).
#[inline]
fn int(r: &mut Reader<'_>) -> Result<Option<i128>, Error> {
    let int = r.try_run_as(ErrorKind::Truncated, |d| d.int())?;
    Ok(int.map(i128::from))
}

/// A number (integer, float, decimal fraction, tagged time).
#[inline]
fn number<'a>(r: &mut Reader<'a>) -> Result<RawValue<'a>, Error> {
    // The type first (a read of the wrong type costs minicbor an allocated message, and
    // floats are common); most are plain integers.
    if is_int(r.datatype()?) {
        return Ok(RawValue::Integer(r.run(|d| d.int())?.into()));
    }
    any_number(r)
}

/// [`number`] of an item that is not a plain integer.
#[inline(never)]
fn any_number<'a>(r: &mut Reader<'a>) -> Result<RawValue<'a>, Error> {
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
#[inline]
fn label(r: &mut Reader<'_>) -> Result<Option<i32>, Error> {
    // Most are integers.
    match int(r)? {
        Some(k) => Ok((-6..=8).contains(&k).then_some(k as i32)),
        None => text_label(r),
    }
}

/// [`label`] of an item that is not an integer: `"vlo"`, a label to skip, or an error.
#[inline(never)]
fn text_label(r: &mut Reader<'_>) -> Result<Option<i32>, Error> {
    let at = r.pos();
    match r.datatype()? {
        Type::String | Type::StringIndef => match &*text(r)? {
            "vlo" => Ok(Some(9)),
            l if l.ends_with('_') => Err(r.err(at, ErrorKind::InvalidField)),
            _ => Ok(None),
        },
        t => Err(r.err(at, unexpected(t))),
    }
}

/// Reads one record map and hands it to `sink`; its `bn` and `bt` go to `resolver` first.
fn record<'a, S: Sink<'a> + ?Sized>(
    r: &mut Reader<'a>,
    resolver: &mut Resolver,
    sink: &mut S,
) -> Result<(), Error> {
    let start = r.pos();
    let mut left = match r.try_run_as(ErrorKind::Truncated, |d| d.map())? {
        Some(left) => left,
        None => {
            let is_map = |t| matches!(t, Type::Map | Type::MapIndef);
            expect(r, is_map, |r| r.run(|d| d.map()))?
        }
    };
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
        if matches!(label, 2 | 3 | 4 | 8 | 9) {
            rec.value_at = at;
        }
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
    resolver.feed(&rec, start, F, sink)
}

/// Writes a time: an integer when integral, else a float.
fn write_time<W: Write>(e: &mut Encoder<W>, t: f64) -> EncodeResult<W> {
    match senml::exact_int(t) {
        Some(i) => e.i64(i).map(drop),
        None => write_float(e, t),
    }
}

/// Writes a name as a text string, its text straight into the writer.
fn write_name<W: Write>(e: &mut Encoder<W>, name: &Name) -> EncodeResult<W> {
    e.str_len(name.text_len() as u64)?;
    let (w, mut written) = (e.writer_mut(), Ok(()));
    name.write(|piece| {
        if written.is_ok() {
            written = w.write_all(piece);
        }
    });
    written.map_err(encode::Error::write)
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
        write_name(e.i8(-2)?, bn)?;
    }
    if let Some(bt) = fields.bt {
        write_time(e.i8(-3)?, bt)?;
    }
    if let Some(n) = &fields.n {
        write_name(e.u8(0)?, n)?;
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

/// Lets minicbor's encoder write into a record staged on the stack (see [`Staged`]).
impl<O: Output + ?Sized> Write for Staged<'_, O> {
    // A failure of the output is returned by `Staged::flush`.
    type Error = Infallible;
    fn write_all(&mut self, buf: &[u8]) -> Result<(), Infallible> {
        self.put(buf);
        Ok(())
    }
}

/// Writes a record into `out`, staged on the stack and written in one piece.
fn put_record<O: Output + ?Sized>(
    out: &mut O,
    fields: &Fields,
    value: Option<ValueRef<'_>>,
) -> Result<(), Error> {
    let mut staged = Staged::new(out);
    // Writing on the stack cannot fail; neither can our items.
    let written = write_record(&mut Encoder::new(&mut staged), fields, value);
    written.map_err(|_| Error::new(ErrorKind::WriterMisuse))?;
    staged.flush()
}

/// Encodes a list of records (composite, timestamped or path-only) as SenML CBOR, named
/// canonically (see [`senml`]).
pub fn encode_records(records: &[Record]) -> Result<Vec<u8>, Error> {
    encode_records_to(records, Vec::with_capacity(8 + 24 * records.len()))
}

/// [`encode_records`] into any [`Output`]: into a caller's buffer through
/// [`SliceOutput`](super::SliceOutput) nothing is allocated
/// ([`ErrorKind::BufferFull`] when the payload does not fit).
pub fn encode_records_to<O: Output>(records: &[Record], mut out: O) -> Result<O, Error> {
    let mut plan = RecordPlan::new(records);
    let (h, n) = head(false, records.len() as u64);
    let r = out.write(&h[..n]).and_then(|()| {
        records.iter().try_for_each(|r| {
            let value = r.value.as_ref().map(Value::as_value_ref);
            put_record(&mut out, &plan.next(r), value)
        })
    });
    r.map_err(|e| e.in_format(F))?;
    Ok(out)
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
    pub fn new(path: &Path, mut out: O) -> Result<Self, Error> {
        let names = WriterNames::new(path).map_err(|k| Error::at_path(*path, k).in_format(F))?;
        let start = out.len();
        // An array of fewer than 24 records; `finish` fixes the count.
        let (h, n) = head(false, 0);
        out.write(&h[..n])?;
        Ok(SenmlCborWriter {
            start,
            out,
            names,
            records: 0,
        })
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
        let fields = self.names.name(id, |bn, n| Fields {
            bn,
            n,
            ..Fields::default()
        });
        let fields = fields.map_err(|k| self.fail(k))?;
        put_record(&mut self.out, &fields, Some(value)).map_err(|e| e.in_format(F))?;
        self.records += 1;
        Ok(())
    }
}
