//! SenML JSON (`application/senml+json`, content format 110; RFC 8428 with the LwM2M
//! `vlo` field).
//!
//! * [`decode`] reads a pack (a JSON array of records) and hands each record to a
//!   [`Sink`]: its value with its resolved time ([`Sink::value`]), or its path alone
//!   ([`Sink::path_only`]);
//!   [`decode_with_alternate_path`] reads names under an alternate path (LwM2M 1.2);
//! * [`SenmlJsonWriter`] implements [`Writer`] for one target path;
//! * [`encode_records`] / [`decode_records`] handle record lists: composite payloads,
//!   timestamped data (Send, notifications with history) and Read-Composite requests.
//!
//! Field rules: Integer, Unsigned Integer, Float and Time are `v`; String and Corelnk `vs`;
//! Boolean `vb`; Opaque `vd` (base64url without padding; on input padding is optional
//! and, leniently, the standard alphabet `+/` is accepted too, but one value must use one
//! alphabet; non-zero trailing bits are refused, RFC 4648 §3.5); Objlnk `vlo` (a model
//! that says Objlnk also takes `vs`). Labels ending in `_` (must-understand) are refused
//! ([`ErrorKind::InvalidField`]), other unknown labels are skipped; a base value `bv`
//! other than 0 is refused. See [`senml`](super::senml) for naming and time rules. Errors
//! carry the byte offset of the offending token (of the record, for its name).

use alloc::vec::Vec;

use base64::engine::general_purpose::{GeneralPurpose, NO_PAD_INDIFFERENT, PAD_INDIFFERENT};
use base64::{Engine as _, alphabet};

use super::output::{STAGE, Staged};
use super::senml::{
    Entry, Fields, Name, Record, RecordName, RecordPlan, RecordSink, Resolver, WriterNames,
};
use super::wire::json::{self, Json, JsonError};
use super::{Error, ErrorKind, Output, RawValue, Sink, TypeLookup, Writer};
use crate::{ContentFormat, ObjectLink, Path, Value, ValueRef};

const F: ContentFormat = ContentFormat::SenmlJson;

/// base64url without padding (what `vd` carries); padding optional on input.
pub(crate) const BASE64URL: GeneralPurpose =
    GeneralPurpose::new(&alphabet::URL_SAFE, NO_PAD_INDIFFERENT);

/// Standard base64, padding optional on input.
const BASE64_LENIENT: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, PAD_INDIFFERENT);

/// Decodes a SenML JSON (110) payload addressed to `path`, feeding `sink`. The payload
/// names its records itself: `path` is checked by the sink (the node builder refuses
/// records outside it).
pub fn decode<'a, S: Sink<'a> + ?Sized>(
    path: &Path,
    bytes: &'a [u8],
    sink: &mut S,
) -> Result<(), Error> {
    let _ = path;
    decode_records_with(Resolver::new(), bytes, sink)
}

/// [`decode`] of a payload whose names start with the client's alternate path (LwM2M 1.2,
/// e.g. `/lwm2m` for names like `/lwm2m/3/0/9`), which is removed. A name outside it is
/// [`ErrorKind::OutsidePath`] at its record, a bad prefix [`ErrorKind::NotAPath`].
pub fn decode_with_alternate_path<'a, S: Sink<'a> + ?Sized>(
    prefix: &str,
    bytes: &'a [u8],
    sink: &mut S,
) -> Result<(), Error> {
    super::senml::check_alternate_path(prefix).map_err(|k| Error::new(k).in_format(F))?;
    decode_records_with(Resolver::new().with_alternate_path(prefix), bytes, sink)
}

/// Decodes `bytes` into resolved records, typing values through `types` where it knows
/// the resource.
pub fn decode_records(bytes: &[u8], types: &dyn TypeLookup) -> Result<Vec<Record>, Error> {
    let mut sink = RecordSink::new(types);
    decode(&Path::ROOT, bytes, &mut sink)?;
    Ok(sink.into_records())
}

fn decode_records_with<'a, S: Sink<'a> + ?Sized>(
    mut resolver: Resolver,
    bytes: &'a [u8],
    sink: &mut S,
) -> Result<(), Error> {
    let fail = |(kind, at): JsonError| Error::at(F, at, kind);
    let mut j = Json::new(bytes);
    j.expect(b'[').map_err(fail)?;
    if !j.eat(b']') {
        loop {
            j.peek();
            let start = j.pos;
            let entry = read_record(&mut j, &mut resolver).map_err(fail)?;
            resolver.feed(&entry, start, F, sink)?;
            if !j.eat(b',') {
                j.expect(b']').map_err(fail)?;
                break;
            }
        }
    }
    j.end().map_err(fail)
}

/// The labels a record may carry.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Label {
    Bver,
    Bn,
    Bt,
    Bu,
    Bv,
    Bs,
    N,
    U,
    V,
    Vs,
    Vb,
    S,
    T,
    Ut,
    Vd,
    Vlo,
}

impl Label {
    fn of(key: &[u8]) -> Option<Label> {
        use Label::*;
        Some(match key {
            b"bver" => Bver,
            b"bn" => Bn,
            b"bt" => Bt,
            b"bu" => Bu,
            b"bv" => Bv,
            b"bs" => Bs,
            b"n" => N,
            b"u" => U,
            b"v" => V,
            b"vs" => Vs,
            b"vb" => Vb,
            b"s" => S,
            b"t" => T,
            b"ut" => Ut,
            b"vd" => Vd,
            b"vlo" => Vlo,
            _ => return None,
        })
    }

    /// Whether the label is a value field.
    fn is_value(self) -> bool {
        use Label::*;
        matches!(self, V | Vs | Vb | Vd | Vlo)
    }
}

/// One record object; its `bn` and `bt` go to `resolver`.
#[inline]
fn read_record<'a>(j: &mut Json<'a>, resolver: &mut Resolver) -> Result<Entry<'a>, JsonError> {
    j.expect(b'{')?;
    let mut rec = Entry::default();
    if j.eat(b'}') {
        return Ok(rec);
    }
    let mut seen = 0u32;
    loop {
        j.peek();
        let key_at = j.pos;
        let key = j.label()?;
        match Label::of(&key) {
            None if key.ends_with(b"_") => return Err((ErrorKind::InvalidField, key_at)),
            None => j.skip_value()?,
            Some(label) => {
                let bit = 1 << label as u32;
                if seen & bit != 0 || (label.is_value() && rec.value.is_some()) {
                    return Err((ErrorKind::InvalidField, key_at));
                }
                seen |= bit;
                j.peek();
                let at = j.pos;
                if label.is_value() {
                    rec.value_at = at;
                }
                match label {
                    Label::Bn => resolver.set_base_name(&j.name()?),
                    Label::N => rec.name = j.name()?,
                    Label::Bt => resolver.set_base_time(j.float()?),
                    Label::T => rec.time = Some(j.float()?),
                    Label::Bu | Label::U => {
                        j.string()?;
                    }
                    Label::Bv => {
                        if j.float()? != 0.0 {
                            return Err((ErrorKind::InvalidField, at));
                        }
                    }
                    Label::V => rec.value = Some(j.number()?),
                    Label::Vs => rec.value = Some(RawValue::Str(j.string()?)),
                    Label::Vb => rec.value = Some(RawValue::Boolean(j.boolean()?)),
                    Label::Vd => {
                        let s = j.string()?;
                        let bytes = BASE64URL
                            .decode(s.as_bytes())
                            .or_else(|_| BASE64_LENIENT.decode(s.as_bytes()))
                            .map_err(|_| (ErrorKind::InvalidBase64, at))?;
                        rec.value = Some(RawValue::Opaque(bytes.into()));
                    }
                    Label::Vlo => {
                        let link: ObjectLink = j
                            .string()?
                            .parse()
                            .map_err(|_| (ErrorKind::InvalidObjectLink, at))?;
                        rec.value = Some(RawValue::Objlnk(link));
                    }
                    Label::Bver | Label::Bs | Label::S | Label::Ut => {
                        j.number()?;
                    }
                }
            }
        }
        if !j.next_in_object()? {
            return Ok(rec);
        }
    }
}

/// The value labels of the JSON formats: SenML JSON's or LwM2M JSON's (constants, so
/// that writing one is a fixed-size copy).
pub(crate) trait Labels {
    /// What comes before the first record (the array of SenML JSON opens there).
    const FIRST: &'static [u8];
    /// Numbers (`"v":`).
    const NUMBER: &'static [u8];
    /// Strings and Corelnk.
    const STRING: &'static [u8];
    /// Booleans.
    const BOOLEAN: &'static [u8];
    /// Object links.
    const OBJLNK: &'static [u8];
    /// Opaque values.
    const OPAQUE: &'static [u8];
    /// The base64 opaque values are written in.
    const BASE64: GeneralPurpose;
}

/// SenML JSON's value labels.
struct SenmlLabels;

impl Labels for SenmlLabels {
    const FIRST: &'static [u8] = b"[";
    const NUMBER: &'static [u8] = b"\"v\":";
    const STRING: &'static [u8] = b"\"vs\":";
    const BOOLEAN: &'static [u8] = b"\"vb\":";
    const OBJLNK: &'static [u8] = b"\"vlo\":";
    const OPAQUE: &'static [u8] = b"\"vd\":";
    const BASE64: GeneralPurpose = BASE64URL;
}

/// Refuses what a JSON record cannot carry (NaN and infinite numbers) before any of it
/// is written.
#[inline]
pub(crate) fn check(fields: &Fields, value: Option<ValueRef<'_>>) -> Result<(), ErrorKind> {
    value.map_or(Ok(()), check_value)?;
    match (fields.bt, fields.t) {
        (None, None) => Ok(()),
        (bt, t) => [bt, t].into_iter().flatten().try_for_each(json::finite),
    }
}

/// [`check`] of a value alone.
#[inline]
pub(crate) fn check_value(value: ValueRef<'_>) -> Result<(), ErrorKind> {
    match value {
        ValueRef::Float(v) => json::finite(v),
        _ => Ok(()),
    }
}

/// Writes the value field of a record with the labels `L` (a float must be finite:
/// [`check`]).
#[inline]
pub(crate) fn write_value<L: Labels, O: Output + ?Sized>(
    out: &mut Staged<'_, O>,
    value: ValueRef<'_>,
) {
    match value {
        ValueRef::String(s) | ValueRef::Corelnk(s) => {
            out.put(L::STRING);
            out.put(b"\"");
            json::write_str(out, s);
            out.put(b"\"");
        }
        ValueRef::Integer(v) | ValueRef::Time(crate::Time(v)) => {
            out.put(L::NUMBER);
            out.put_int(v);
        }
        ValueRef::UnsignedInteger(v) => {
            out.put(L::NUMBER);
            out.put_int(v);
        }
        ValueRef::Float(v) => {
            out.put(L::NUMBER);
            json::write_f64(out, v);
        }
        ValueRef::Boolean(v) => {
            out.put(L::BOOLEAN);
            out.put(if v { b"true" } else { b"false" });
        }
        ValueRef::Opaque(b) => {
            out.put(L::OPAQUE);
            out.put(b"\"");
            json::write_base64(out, &L::BASE64, b);
            out.put(b"\"");
        }
        ValueRef::Objlnk(l) => {
            out.put(L::OBJLNK);
            out.put(b"\"");
            out.put_int(l.object_id);
            out.put(b":");
            out.put_int(l.instance_id);
            out.put(b"\"");
        }
    }
}

/// Writes `"name"`, a full path after the alternate path `root` (names hold no byte JSON
/// escapes).
pub(crate) fn write_name<O: Output + ?Sized>(out: &mut Staged<'_, O>, root: &[u8], n: &Name) {
    out.put(b"\"");
    out.put(if n.lead { root } else { b"" });
    out.put_name(&n.text());
    out.put(b"\"");
}

/// Writes a writer's record, `{` after [`Labels::FIRST`] (the `first`) or `,`, then its `bn` and `n` fields
/// (when present), its value with the labels `L` and `}` (a float must be finite:
/// [`check`]).
#[inline]
pub(crate) fn write_value_record<L: Labels, O: Output + ?Sized>(
    out: &mut Staged<'_, O>,
    first: bool,
    name: &RecordName<'_>,
    value: ValueRef<'_>,
) {
    match (name.bn, name.n) {
        // Most records: in a few pieces of constant length.
        (None, Some((prefix, id))) => {
            if first {
                out.put(L::FIRST);
                out.put(b"{\"n\":\"");
            } else {
                out.put(b",{\"n\":\"");
            }
            out.put_name(prefix);
            out.put_int(id);
            out.put(b"\",");
        }
        (bn, n) => {
            out.put(if first { L::FIRST } else { b"," });
            out.put(b"{");
            if let Some(bn) = bn {
                out.put(b"\"bn\":\"");
                out.put_name(bn);
                out.put(b"\",");
            }
            if let Some((prefix, id)) = n {
                out.put(b"\"n\":\"");
                out.put_name(prefix);
                out.put_int(id);
                out.put(b"\",");
            }
        }
    }
    write_value::<L, _>(out, value);
    out.put(b"}");
}

/// Starts a field of a record with its `label`, after a comma unless it is the first
/// (`first` then becomes false).
#[inline]
pub(crate) fn field<O: Output + ?Sized>(out: &mut Staged<'_, O>, first: &mut bool, label: &[u8]) {
    if !core::mem::replace(first, false) {
        out.put(b",");
    }
    out.put(label);
}

/// Writes one record (`[{...}` when `first`, else `,{...}`): `bn`, `bt`, `n`, `t`, then
/// the value, each when present.
fn write_record<O: Output + ?Sized>(
    out: &mut O,
    first: bool,
    root: &[u8],
    fields: &Fields,
    value: Option<ValueRef<'_>>,
) -> Result<(), Error> {
    check(fields, value)?;
    let mut stage = [0; STAGE];
    let mut out = Staged::new(out, &mut stage);
    out.put(if first { b"[{" } else { b",{" });
    let mut none = true;
    if let Some(bn) = &fields.bn {
        field(&mut out, &mut none, b"\"bn\":");
        write_name(&mut out, root, bn);
    }
    if let Some(bt) = fields.bt {
        field(&mut out, &mut none, b"\"bt\":");
        json::write_time(&mut out, bt);
    }
    if let Some(n) = &fields.n {
        field(&mut out, &mut none, b"\"n\":");
        write_name(&mut out, root, n);
    }
    if let Some(t) = fields.t {
        field(&mut out, &mut none, b"\"t\":");
        json::write_time(&mut out, t);
    }
    if let Some(v) = value {
        field(&mut out, &mut none, b"");
        write_value::<SenmlLabels, _>(&mut out, v);
    }
    out.put(b"}");
    out.flush()
}

/// Encodes a list of records (composite, timestamped or path-only) as SenML JSON, named
/// canonically (see [`senml`](super::senml)). An error is located at the start of the
/// record that could not be written.
pub fn encode_records(records: &[Record]) -> Result<Vec<u8>, Error> {
    encode_records_with_alternate_path("", records)
}

/// [`encode_records`] for a client with an alternate path (LwM2M 1.2; Leshan's root path),
/// such as `/lwm2m`, that every `bn` and full-path `n` starts with (see
/// [`check_alternate_path`](super::senml::check_alternate_path)).
pub fn encode_records_with_alternate_path(prefix: &str, r: &[Record]) -> Result<Vec<u8>, Error> {
    super::senml::check_alternate_path(prefix).map_err(|k| Error::new(k).in_format(F))?;
    let (root, records) = (prefix.as_bytes(), r);
    let mut out = Vec::with_capacity(16 + 32 * records.len());
    let mut plan = RecordPlan::new(records);
    for (i, r) in records.iter().enumerate() {
        let at = out.len();
        let fields = plan.next(r);
        let value = r.value.as_ref().map(Value::as_value_ref);
        let r = write_record(&mut out, i == 0, root, &fields, value);
        r.map_err(|e| e.in_format(F).or_offset(at))?;
    }
    out.extend_from_slice(if records.is_empty() { b"[]" } else { b"]" });
    Ok(out)
}

/// The SenML JSON (110) encoder: one record per value, named as
/// [`senml`](super::senml) describes (the target's one value with `bn` = its path, other
/// values grouped by instance).
#[derive(Debug)]
pub struct SenmlJsonWriter<O: Output> {
    out: O,
    names: WriterNames,
    // The record being written (see `Staged`).
    stage: [u8; STAGE],
    // Where the payload starts in `out`: error offsets count from there.
    start: usize,
    records: usize,
}

impl<O: Output> SenmlJsonWriter<O> {
    /// An encoder for a payload addressed to `path` (any path but the root, which a
    /// writer cannot address: [`ErrorKind::Unsupported`]), writing into `out`.
    pub fn new(path: &Path, out: O) -> Result<Self, Error> {
        let names = WriterNames::new(path).map_err(|k| Error::at_path(*path, k).in_format(F))?;
        Ok(SenmlJsonWriter {
            start: out.len(),
            out,
            names,
            stage: [0; STAGE],
            records: 0,
        })
    }

    /// Closes the pack and returns the output; an instance or multiple resource left
    /// open is [`ErrorKind::WriterMisuse`].
    pub fn finish(mut self) -> Result<O, Error> {
        if self.names.is_open() {
            return Err(self.fail(ErrorKind::WriterMisuse));
        }
        let end: &[u8] = if self.records == 0 { b"[]" } else { b"]" };
        self.out.write(end).map_err(|e| e.in_format(F))?;
        Ok(self.out)
    }

    fn fail(&self, kind: ErrorKind) -> Error {
        Error::at(F, self.out.len() - self.start, kind)
    }
}

impl<O: Output> Writer for SenmlJsonWriter<O> {
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
        check_value(value).map_err(|k| Error::at(F, at, k))?;
        let name = self.names.value(id).map_err(|k| Error::at(F, at, k))?;
        let mut out = Staged::new(&mut self.out, &mut self.stage);
        write_value_record::<SenmlLabels, _>(&mut out, self.records == 0, &name, value);
        out.flush().map_err(|e| e.in_format(F).or_offset(at))?;
        self.records += 1;
        Ok(())
    }
}
