//! OMA LwM2M JSON (`application/vnd.oma.lwm2m+json`, content format 11543; LwM2M 1.0).
//!
//! One object `{"bn": base name, "bt": base time, "e": [entries]}`; an entry has an
//! optional name `n` (appended to `bn` by plain concatenation), one of `v` (Integer,
//! Unsigned Integer, Float, Time), `bv` (Boolean), `sv` (String, Corelnk, and Opaque as
//! standard base64 with padding) or `ov` (Objlnk `"oid:iid"`), and an optional time `t`
//! (resolved time = `bt` + `t`). Names and times resolve as in SenML
//! ([`senml`](super::senml)).
//!
//! * [`decode`] accepts the keys in any order (`e` before `bn` too) and hands each entry
//!   to a [`Sink`]: its value ([`Sink::value`]), or its path alone for an entry without
//!   value ([`Sink::path_only`]). `v` arrives as [`RawValue::Integer`] or
//!   [`RawValue::Float`], `bv` as [`RawValue::Boolean`], `ov` as [`RawValue::Objlnk`] and
//!   `sv` as [`RawValue::Text`], with text/plain's meaning for the model's type (Opaque is
//!   base64 with padding; Objlnk `O:I`, as Leshan writes links): the parser needs no
//!   model. An `sv` with JSON escapes arrives as [`RawValue::Str`] (a string only);
//! * [`Lwm2mJsonWriter`] implements [`Writer`]: `bn` is the target path followed by `/`
//!   and entries are named relative to it, except for the one value of a resource or
//!   resource-instance target (`bn` is its path, the entry has no `n`);
//! * [`encode_records`] / [`decode_records`] carry timestamped data.

use alloc::borrow::Cow;
use alloc::vec::Vec;

use base64::engine::GeneralPurpose;
use base64::engine::general_purpose::STANDARD;

use super::output::{STAGE, Staged};
use super::senml::{
    Entry, Fields, Name, NameText, Record, RecordName, RecordPlan, RecordSink, Resolver,
    WriterNames,
};
use super::senml_json::{
    Labels, check, check_value, field, write_name, write_value, write_value_record,
};
use super::wire::json::{self, Json, JsonError};
use super::{Error, ErrorKind, Output, RawValue, Sink, Syntax, TypeLookup, Writer};
use crate::{ContentFormat, ObjectLink, Path, Value, ValueRef};

const F: ContentFormat = ContentFormat::Lwm2mJson;

/// LwM2M JSON's value labels.
struct Lwm2mLabels;

impl Labels for Lwm2mLabels {
    // The header opens the entries' array.
    const FIRST: &'static [u8] = b"";
    const NUMBER: &'static [u8] = b"\"v\":";
    const STRING: &'static [u8] = b"\"sv\":";
    const BOOLEAN: &'static [u8] = b"\"bv\":";
    const OBJLNK: &'static [u8] = b"\"ov\":";
    const OPAQUE: &'static [u8] = b"\"sv\":";
    const BASE64: GeneralPurpose = STANDARD;
}

/// Decodes a LwM2M JSON (11543) payload addressed to `path`, feeding `sink`. The payload
/// names its entries itself: `path` is checked by the sink.
pub fn decode<'a, S: Sink<'a> + ?Sized>(
    path: &Path,
    bytes: &'a [u8],
    sink: &mut S,
) -> Result<(), Error> {
    let _ = path;
    let fail = |(kind, at): JsonError| Error::at(F, at, kind);
    let mut j = Json::new(bytes);
    let mut resolver = Resolver::new();
    // The header first (keys in any order; its `bn` and `bt` go to the resolver); the
    // entries are read after it.
    let e_at = read_header(&mut j, &mut resolver).map_err(fail)?;
    j.pos = e_at + 1;
    if j.eat(b']') {
        return Ok(());
    }
    loop {
        j.peek();
        let start = j.pos;
        let entry = read_entry(&mut j).map_err(fail)?;
        resolver.feed(&entry, start, F, sink)?;
        if !j.eat(b',') {
            // What follows the entries was checked with the header.
            return j.expect(b']').map_err(fail);
        }
    }
}

/// Decodes `bytes` into resolved records, typing values through `types` where it knows
/// the resource.
pub fn decode_records(bytes: &[u8], types: &dyn TypeLookup) -> Result<Vec<Record>, Error> {
    let mut sink = RecordSink::new(types);
    decode(&Path::ROOT, bytes, &mut sink)?;
    Ok(sink.into_records())
}

/// The top-level object: its `bn` and `bt` (given to `resolver`) and where the `e` array
/// starts. Checks the syntax of all but the entries (the `e` array is skipped by its
/// brackets, unless it does not close or nests too deep: then checked, for the error).
fn read_header(j: &mut Json<'_>, resolver: &mut Resolver) -> Result<usize, JsonError> {
    j.expect(b'{')?;
    let (mut bn, mut bt, mut e_at) = (false, false, None);
    if !j.eat(b'}') {
        loop {
            j.peek();
            let key_at = j.pos;
            let key = j.label()?;
            let twice = match &*key {
                b"bn" => {
                    let name = j.name()?;
                    // LwM2M JSON allows `bn` without its leading `/` (`"bn":"3/0/"`);
                    // Leshan and Wakaama read it as the path.
                    match name.first() {
                        Some(b'/') | None => resolver.set_base_name(&name),
                        Some(_) => resolver.set_base_name(&[b"/", &name[..]].concat()),
                    }
                    core::mem::replace(&mut bn, true)
                }
                b"bt" => {
                    resolver.set_base_time(j.float()?);
                    core::mem::replace(&mut bt, true)
                }
                b"e" => {
                    if j.peek() != Some(b'[') {
                        return Err((ErrorKind::Syntax(Syntax::UnexpectedValue), j.pos));
                    }
                    let at = j.pos;
                    // The entries are checked when they are read.
                    if !j.skip_brackets() {
                        j.skip_value()?;
                    }
                    e_at.replace(at).is_some()
                }
                _ => {
                    j.skip_value()?;
                    false
                }
            };
            if twice {
                return Err((ErrorKind::InvalidField, key_at));
            }
            if !j.next_in_object()? {
                break;
            }
        }
    }
    j.end()?;
    e_at.ok_or((ErrorKind::InvalidField, 0))
}

/// One entry object.
fn read_entry<'a>(j: &mut Json<'a>) -> Result<Entry<'a>, JsonError> {
    j.expect(b'{')?;
    let mut rec = Entry::default();
    if j.eat(b'}') {
        return Ok(rec);
    }
    let mut seen = 0u8;
    loop {
        j.peek();
        let key_at = j.pos;
        let key = j.label()?;
        let k = match &*key {
            b"n" => 0,
            b"t" => 1,
            b"v" => 2,
            b"bv" => 3,
            b"sv" => 4,
            b"ov" => 5,
            _ => {
                j.skip_value()?;
                if !j.next_in_object()? {
                    return Ok(rec);
                }
                continue;
            }
        };
        if seen & (1 << k) != 0 || (k >= 2 && rec.value.is_some()) {
            return Err((ErrorKind::InvalidField, key_at));
        }
        seen |= 1 << k;
        j.peek();
        let at = j.pos;
        if k >= 2 {
            rec.value_at = at;
        }
        match k {
            0 => rec.name = j.name()?,
            1 => rec.time = Some(j.float()?),
            2 => rec.value = Some(j.number()?),
            3 => rec.value = Some(RawValue::Boolean(j.boolean()?)),
            4 => {
                rec.value = Some(match j.string()? {
                    Cow::Borrowed(s) => RawValue::Text(s),
                    owned => RawValue::Str(owned),
                })
            }
            _ => {
                let link: ObjectLink = j
                    .string()?
                    .parse()
                    .map_err(|_| (ErrorKind::InvalidObjectLink, at))?;
                rec.value = Some(RawValue::Objlnk(link));
            }
        }
        if !j.next_in_object()? {
            return Ok(rec);
        }
    }
}

/// Writes `{"bn":"...","bt":...,"e":[`.
#[cold]
fn write_header<O: Output + ?Sized>(
    out: &mut O,
    bn: Option<&NameText>,
    bt: Option<f64>,
) -> Result<(), Error> {
    if let Some(bt) = bt {
        json::finite(bt)?;
    }
    let mut stage = [0; STAGE];
    let mut out = Staged::new(out, &mut stage);
    out.put(b"{");
    if let Some(bn) = bn {
        out.put(b"\"bn\":\"");
        out.put_name(bn);
        out.put(b"\",");
    }
    if let Some(bt) = bt {
        out.put(b"\"bt\":");
        json::write_time(&mut out, bt);
        out.put(b",");
    }
    out.put(b"\"e\":[");
    out.flush()
}

/// Writes one entry (`{...}` when `first`, else `,{...}`): `n`, the value, `t`, each when
/// present.
fn write_entry<O: Output + ?Sized>(
    out: &mut O,
    first: bool,
    n: Option<&Name>,
    value: Option<ValueRef<'_>>,
    t: Option<f64>,
) -> Result<(), Error> {
    check(
        &Fields {
            t,
            ..Fields::default()
        },
        value,
    )?;
    let mut stage = [0; STAGE];
    let mut out = Staged::new(out, &mut stage);
    out.put(if first { b"{" } else { b",{" });
    let mut none = true;
    if let Some(n) = n {
        field(&mut out, &mut none, b"\"n\":");
        write_name(&mut out, b"", n);
    }
    if let Some(v) = value {
        field(&mut out, &mut none, b"");
        write_value::<Lwm2mLabels, _>(&mut out, v);
    }
    if let Some(t) = t {
        field(&mut out, &mut none, b"\"t\":");
        json::write_time(&mut out, t);
    }
    out.put(b"}");
    out.flush()
}

/// Encodes records: `bn` is their longest common path (the path itself, without `/`, when
/// all share one path of a resource or resource instance), entries are named relative to
/// it; times as `bt` + `t` when every value record has an integral time, else absolute
/// `t`.
pub fn encode_records(records: &[Record]) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(32 + 32 * records.len());
    let Some(first) = records.first().map(|r| r.path) else {
        out.extend_from_slice(b"{\"e\":[]}");
        return Ok(out);
    };
    let (mut common, mut same) = (first.len(), true);
    for r in records {
        same &= r.path == first;
        let k = r
            .path
            .ids()
            .iter()
            .zip(first.ids())
            .take_while(|(a, b)| a == b);
        common = common.min(k.count());
    }
    let single = same && first.len() >= 3;
    let plan = RecordPlan::new(records);
    let bn = Name::absolute(&first.ids()[..common], !single);
    write_header(&mut out, Some(&bn.text()), plan.base_time())
        .map_err(|e| e.in_format(F).or_offset(0))?;
    for (i, r) in records.iter().enumerate() {
        let at = out.len();
        let rest = &r.path.ids()[common..];
        let n = (!single && !rest.is_empty()).then(|| Name::relative(rest));
        let value = r.value.as_ref().map(Value::as_value_ref);
        write_entry(&mut out, i == 0, n.as_ref(), value, plan.relative_time(r))
            .map_err(|e| e.in_format(F).or_offset(at))?;
    }
    out.extend_from_slice(b"]}");
    Ok(out)
}

/// The LwM2M JSON (11543) encoder.
#[derive(Debug)]
pub struct Lwm2mJsonWriter<O: Output> {
    out: O,
    names: WriterNames,
    // The record being written (see `Staged`).
    stage: [u8; STAGE],
    // Where the payload starts in `out`: error offsets count from there.
    start: usize,
    entries: usize,
}

impl<O: Output> Lwm2mJsonWriter<O> {
    /// An encoder for a payload addressed to `path` (any path but the root, which a
    /// writer cannot address: [`ErrorKind::Unsupported`]), writing into `out`.
    pub fn new(path: &Path, out: O) -> Result<Self, Error> {
        let names = WriterNames::relative_to_target(path)
            .map_err(|k| Error::at_path(*path, k).in_format(F))?;
        Ok(Lwm2mJsonWriter {
            start: out.len(),
            out,
            names,
            stage: [0; STAGE],
            entries: 0,
        })
    }

    /// Closes the payload and returns the output; an instance or multiple resource left
    /// open is [`ErrorKind::WriterMisuse`].
    pub fn finish(mut self) -> Result<O, Error> {
        if self.names.is_open() {
            return Err(self.fail(ErrorKind::WriterMisuse));
        }
        let r = if self.entries == 0 {
            let bn = Name::absolute(self.names.target().ids(), true);
            write_header(&mut self.out, Some(&bn.text()), None)
        } else {
            Ok(())
        };
        r.and_then(|()| self.out.write(b"]}"))
            .map_err(|e| e.in_format(F))?;
        Ok(self.out)
    }

    fn fail(&self, kind: ErrorKind) -> Error {
        Error::at(F, self.out.len() - self.start, kind)
    }
}

impl<O: Output> Writer for Lwm2mJsonWriter<O> {
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
        check_value(value).map_err(|k| Error::at(F, at, k))?;
        // The first entry opens the payload: the base name goes in the header, written
        // first.
        let first = self.entries == 0;
        if first {
            write_header(&mut self.out, Some(name.base), None)
                .map_err(|e| e.in_format(F).or_offset(at))?;
        }
        let mut out = Staged::new(&mut self.out, &mut self.stage);
        let entry = RecordName { bn: None, ..name };
        write_value_record::<Lwm2mLabels, _>(&mut out, first, &entry, value);
        out.flush().map_err(|e| e.in_format(F).or_offset(at))?;
        self.entries += 1;
        Ok(())
    }
}
