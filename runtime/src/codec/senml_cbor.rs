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
use minicbor::encode::write::Cursor;
use minicbor::encode::{self, Write};
use minicbor::{Decoder, Encoder};

use super::output::{STAGE, Staged};
use super::senml::{
    Entry, Fields, NameText, Record, RecordName, RecordPlan, RecordSink, Resolver, WriterNames,
};
use super::wire::cbor::{EncodeResult, HEAD_MAX, Item, Reader, head, is_int};
use super::wire::cbor::{write_float, write_head};
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
/// [`ErrorKind::OutsidePath`] at its record, a bad prefix [`ErrorKind::NotAPath`].
pub fn decode_with_alternate_path<'a, S: Sink<'a> + ?Sized>(
    prefix: &str,
    bytes: &'a [u8],
    sink: &mut S,
) -> Result<(), Error> {
    senml::check_alternate_path(prefix).map_err(|k| Error::new(k).in_format(F))?;
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

/// minicbor's encoder over a record being staged: it cannot fail.
type Stage<'o, O> = Encoder<Staged<'o, O>>;

/// What writing into a [`Stage`] returns.
type Written = Result<(), encode::Error<Infallible>>;

/// Writes the alternate path `root` and a name text as one text string.
fn write_text<O: Output + ?Sized>(e: &mut Stage<'_, O>, root: &[u8], t: &NameText) -> Written {
    e.str_len((root.len() + t.as_bytes().len()) as u64)?;
    e.writer_mut().put(root);
    e.writer_mut().put_name(t);
    Ok(())
}

/// A short item encoded by minicbor once, written as a fixed-size copy.
#[derive(Clone, Copy, Debug)]
struct Fixed {
    bytes: [u8; 4],
    len: usize,
}

impl Fixed {
    /// The bytes `encode` writes (at most 4).
    fn of(
        encode: impl FnOnce(&mut Encoder<Cursor<[u8; 4]>>) -> EncodeResult<Cursor<[u8; 4]>>,
    ) -> Self {
        let mut e = Encoder::new(Cursor::new([0; 4]));
        // Our items fit.
        let _ = encode(&mut e);
        let c = e.into_writer();
        Fixed {
            len: c.position(),
            bytes: c.into_inner(),
        }
    }
}

/// The items records repeat, encoded once per writer or record list: the opening of a
/// record named by `n` alone (a map of two, the key of `n`) and the label of each kind of
/// value.
#[derive(Clone, Copy, Debug)]
struct Items {
    open: Fixed,
    number: Fixed,
    string: Fixed,
    boolean: Fixed,
    opaque: Fixed,
    objlnk: Fixed,
}

impl Items {
    fn new() -> Self {
        Items {
            open: Fixed::of(|e| e.map(2)?.u8(0).map(drop)),
            number: Fixed::of(|e| e.u8(2).map(drop)),
            string: Fixed::of(|e| e.u8(3).map(drop)),
            boolean: Fixed::of(|e| e.u8(4).map(drop)),
            opaque: Fixed::of(|e| e.u8(8).map(drop)),
            objlnk: Fixed::of(|e| e.str("vlo").map(drop)),
        }
    }
}

/// Writes a pre-encoded item.
#[inline]
fn put<O: Output + ?Sized>(e: &mut Stage<'_, O>, item: &Fixed) {
    e.writer_mut().put_short(&item.bytes, item.len);
}

/// Writes the value field of a record: its label, then the value.
#[inline]
fn write_field<O: Output + ?Sized>(
    e: &mut Stage<'_, O>,
    items: &Items,
    v: ValueRef<'_>,
) -> Written {
    let label = match v {
        ValueRef::String(_) | ValueRef::Corelnk(_) => &items.string,
        ValueRef::Boolean(_) => &items.boolean,
        ValueRef::Opaque(_) => &items.opaque,
        ValueRef::Objlnk(_) => &items.objlnk,
        _ => &items.number,
    };
    put(e, label);
    // The value's head through minicbor into a small array (where its writes compile to
    // stores), then copied whole; a string's content after it.
    let mut head = Encoder::new(Cursor::new([0; 16]));
    let content = write_head(&mut head, v).unwrap_or_default();
    let head = head.into_writer();
    let w = e.writer_mut();
    w.put_short(head.get_ref(), head.position());
    // (An empty copy is still a call to memcpy.)
    if !content.is_empty() {
        w.put(content);
    }
    Ok(())
}

/// Writes one record map: `bn`, `bt`, `n`, `t`, then the value, each when present.
fn write_record<O: Output + ?Sized>(
    e: &mut Stage<'_, O>,
    items: &Items,
    root: &[u8],
    fields: &Fields,
    value: Option<ValueRef<'_>>,
) -> Written {
    let present = [
        fields.bn.is_some(),
        fields.bt.is_some(),
        fields.n.is_some(),
        fields.t.is_some(),
        value.is_some(),
    ];
    e.map(present.iter().filter(|p| **p).count() as u64)?;
    if let Some(bn) = &fields.bn {
        write_text(e.i8(-2)?, root, &bn.text())?;
    }
    if let Some(bt) = fields.bt {
        write_time(e.i8(-3)?, bt)?;
    }
    if let Some(n) = &fields.n {
        write_text(e.u8(0)?, if n.lead { root } else { b"" }, &n.text())?;
    }
    if let Some(t) = fields.t {
        write_time(e.u8(6)?, t)?;
    }
    if let Some(v) = value {
        write_field(e, items, v)?;
    }
    Ok(())
}

/// Writes the record of a writer's value: `bn` and `n` when present, then the value.
#[inline]
fn write_entry<O: Output + ?Sized>(
    e: &mut Stage<'_, O>,
    items: &Items,
    name: &RecordName<'_>,
    value: ValueRef<'_>,
) -> Written {
    match name.bn {
        None => put(e, &items.open),
        Some(bn) => {
            e.map(2 + u64::from(name.n.is_some()))?;
            write_text(e.i8(-2)?, b"", bn)?;
            if name.n.is_some() {
                e.u8(0)?;
            }
        }
    }
    if let Some((prefix, id)) = name.n {
        let mut digits = itoa::Buffer::new();
        let digits = digits.format(id).as_bytes();
        e.str_len((prefix.as_bytes().len() + digits.len()) as u64)?;
        let w = e.writer_mut();
        w.put_name(prefix);
        w.put_small(digits);
    }
    write_field(e, items, value)
}

/// Lets minicbor's encoder write into a record being gathered (see [`Staged`]).
impl<O: Output + ?Sized> Write for Staged<'_, O> {
    // A failure of the output is returned by `Staged::flush`.
    type Error = Infallible;
    #[inline]
    fn write_all(&mut self, buf: &[u8]) -> Result<(), Infallible> {
        // Heads and labels (most writes) are short.
        if buf.len() <= HEAD_MAX {
            self.put_small(buf);
        } else {
            self.put(buf);
        }
        Ok(())
    }
}

/// Writes a record into `out`, gathered in a buffer and written in one piece.
fn put_record<O: Output + ?Sized>(
    out: &mut O,
    items: &Items,
    root: &[u8],
    fields: &Fields,
    value: Option<ValueRef<'_>>,
) -> Result<(), Error> {
    let mut stage = [0; STAGE];
    let mut e = Encoder::new(Staged::new(out, &mut stage));
    // Writing into the buffer cannot fail.
    if let Err(err) = write_record(&mut e, items, root, fields, value) {
        drop(err);
    }
    e.into_writer().flush()
}

/// Encodes a list of records (composite, timestamped or path-only) as SenML CBOR, named
/// canonically (see [`senml`]).
pub fn encode_records(records: &[Record]) -> Result<Vec<u8>, Error> {
    encode_records_with_alternate_path("", records)
}

/// [`encode_records`] for a client with an alternate path (LwM2M 1.2; Leshan's root path),
/// such as `/lwm2m`, that every `bn` and full-path `n` starts with (see
/// [`check_alternate_path`](senml::check_alternate_path)).
pub fn encode_records_with_alternate_path(prefix: &str, r: &[Record]) -> Result<Vec<u8>, Error> {
    senml::check_alternate_path(prefix).map_err(|k| Error::new(k).in_format(F))?;
    encode_under(prefix.as_bytes(), r, Vec::with_capacity(8 + 24 * r.len()))
}

/// [`encode_records`] into any [`Output`]: into a caller's buffer through
/// [`SliceOutput`](super::SliceOutput) nothing is allocated
/// ([`ErrorKind::BufferFull`] when the payload does not fit).
pub fn encode_records_to<O: Output>(records: &[Record], out: O) -> Result<O, Error> {
    encode_under(b"", records, out)
}

fn encode_under<O: Output>(root: &[u8], records: &[Record], mut out: O) -> Result<O, Error> {
    let mut plan = RecordPlan::new(records);
    let items = Items::new();
    let (h, n) = head(false, records.len() as u64);
    let r = out.write(&h[..n]).and_then(|()| {
        records.iter().try_for_each(|r| {
            let value = r.value.as_ref().map(Value::as_value_ref);
            put_record(&mut out, &items, root, &plan.next(r), value)
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
    items: Items,
    // The record being written (see `Staged`).
    stage: [u8; STAGE],
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
            items: Items::new(),
            stage: [0; STAGE],
            records: 0,
        })
    }

    /// Writes the record count and returns the output; an instance or multiple resource
    /// left open is [`ErrorKind::WriterMisuse`].
    pub fn finish(mut self) -> Result<O, Error> {
        if self.names.is_open() {
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
        self.names.begin_instance(id).map_err(|k| self.fail(k))
    }
    fn end_instance(&mut self) -> Result<(), Error> {
        self.names.end_instance().map_err(|k| self.fail(k))
    }
    fn begin_multiple(&mut self, id: u16, _count: usize) -> Result<(), Error> {
        self.names.begin_multiple(id).map_err(|k| self.fail(k))
    }
    fn end_multiple(&mut self) -> Result<(), Error> {
        self.names.end_multiple().map_err(|k| self.fail(k))
    }
    fn value(&mut self, id: u16, value: ValueRef<'_>) -> Result<(), Error> {
        let at = self.out.len() - self.start;
        let name = self.names.value(id).map_err(|k| Error::at(F, at, k))?;
        let mut e = Encoder::new(Staged::new(&mut self.out, &mut self.stage));
        // Writing into the stage cannot fail (the error dropped on its own path: dropping
        // the whole result is a call).
        if let Err(err) = write_entry(&mut e, &self.items, &name, value) {
            drop(err);
        }
        e.into_writer().flush().map_err(|e| e.in_format(F))?;
        self.records += 1;
        Ok(())
    }
}
