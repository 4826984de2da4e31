//! OMA LwM2M JSON (`application/vnd.oma.lwm2m+json`, content format 11543; LwM2M 1.0).
//!
//! One object `{"bn": base name, "bt": base time, "e": [entries]}`; an entry has an
//! optional name `n` (appended to `bn` by plain concatenation), exactly one of `v`
//! (Integer, Unsigned Integer, Float, Time), `bv` (Boolean), `sv` (String, Corelnk, and
//! Opaque as standard base64 with padding) or `ov` (Objlnk `"oid:iid"`), and an optional
//! time `t` (absolute time = `bt` + `t`).
//!
//! * [`Lwm2mJsonWriter`] implements [`Writer`]: `bn` is the target path followed by `/`
//!   and entries are named relative to it, except for a single-value target (`bn` is the
//!   full path, entries have no `n`).
//! * [`Lwm2mJsonReader`] implements [`Reader`]. It accepts the keys in any order (`e`
//!   before `bn` too). Given a model ([`Lwm2mJsonReader::with_types`]) it decodes `sv` of
//!   Opaque resources from base64; Objlnk resources accept `sv` as well as `ov` (Leshan
//!   writes links in `sv`).
//! * [`encode_records`] / [`decode_records`] carry timestamped data.

use alloc::borrow::Cow;
use alloc::vec::Vec;

use base64::Engine as _;

use super::senml::{
    self, AsRecordRef, RawRecord, RawRecords, Record, Resolver, Walker, codec_error,
};
use super::senml_json::{
    B64STD_LENIENT, Json, JsonErr, push_base64, push_f64, push_i64, push_str, push_time, push_u64,
};
use super::{Error, Event, NoModel, RawValue, Reader, TypeLookup, ValueRef, Writer};
use crate::{ContentFormat, DataType, Node, ObjectLink, Path};

codec_error!(
    /// A LwM2M JSON encoding or decoding error.
    Lwm2mJsonError,
    ContentFormat::Lwm2mJson
);

/// Appends the text of `ids` (`a/b/c`), with a leading `/` when `absolute` and a trailing
/// one when `slash`.
fn push_ids(out: &mut Vec<u8>, ids: &[u16], absolute: bool, slash: bool) {
    let name = if absolute {
        senml::Name::absolute(ids, slash)
    } else {
        senml::Name::relative(ids)
    };
    name.each_byte(|b| out.push(b));
}

fn write_entry(
    out: &mut Vec<u8>,
    first: bool,
    n: Option<&[u16]>,
    value: Option<ValueRef<'_>>,
    t: Option<f64>,
) -> Result<(), &'static str> {
    out.extend_from_slice(if first { b"{" } else { b",{" });
    let mut sep: &[u8] = b"";
    if let Some(n) = n {
        out.extend_from_slice(b"\"n\":\"");
        push_ids(out, n, false, false);
        out.push(b'"');
        sep = b",";
    }
    if let Some(v) = value {
        out.extend_from_slice(sep);
        sep = b",";
        match v {
            ValueRef::String(s) | ValueRef::Corelnk(s) => {
                out.extend_from_slice(b"\"sv\":");
                push_str(out, s);
            }
            ValueRef::Opaque(b) => {
                out.extend_from_slice(b"\"sv\":\"");
                push_base64(out, &base64::engine::general_purpose::STANDARD, true, b);
                out.push(b'"');
            }
            ValueRef::Integer(v) => {
                out.extend_from_slice(b"\"v\":");
                push_i64(out, v);
            }
            ValueRef::Time(v) => {
                out.extend_from_slice(b"\"v\":");
                push_i64(out, v.0);
            }
            ValueRef::UnsignedInteger(v) => {
                out.extend_from_slice(b"\"v\":");
                push_u64(out, v);
            }
            ValueRef::Float(v) => {
                out.extend_from_slice(b"\"v\":");
                push_f64(out, v)?;
            }
            ValueRef::Boolean(v) => {
                out.extend_from_slice(if v { b"\"bv\":true" } else { b"\"bv\":false" });
            }
            ValueRef::Objlnk(l) => {
                out.extend_from_slice(b"\"ov\":\"");
                push_u64(out, u64::from(l.object_id));
                out.push(b':');
                push_u64(out, u64::from(l.instance_id));
                out.push(b'"');
            }
        }
    }
    if let Some(t) = t {
        out.extend_from_slice(sep);
        out.extend_from_slice(b"\"t\":");
        push_time(out, t)?;
    }
    out.push(b'}');
    Ok(())
}

fn write_header(
    out: &mut Vec<u8>,
    bn: Option<(&[u16], bool)>,
    bt: Option<f64>,
) -> Result<(), &'static str> {
    out.push(b'{');
    if let Some((ids, slash)) = bn {
        out.extend_from_slice(b"\"bn\":\"");
        push_ids(out, ids, true, slash);
        out.extend_from_slice(b"\",");
    }
    if let Some(bt) = bt {
        out.extend_from_slice(b"\"bt\":");
        push_time(out, bt)?;
        out.push(b',');
    }
    out.extend_from_slice(b"\"e\":[");
    Ok(())
}

/// A streaming LwM2M JSON encoder for one target path.
///
/// Drive it through [`Writer`], then call [`finish`](Lwm2mJsonWriter::finish).
#[derive(Clone, Debug)]
pub struct Lwm2mJsonWriter {
    out: Vec<u8>,
    walker: Walker,
    // Whether the single-value form (bn = full path, no names) was chosen.
    single: Option<bool>,
    entries: usize,
}

impl Lwm2mJsonWriter {
    /// An encoder for a payload addressed to `path`.
    pub fn new(path: Path) -> Self {
        Lwm2mJsonWriter {
            out: Vec::with_capacity(256),
            walker: Walker::new(path),
            single: None,
            entries: 0,
        }
    }

    fn err(&self, reason: &'static str) -> Lwm2mJsonError {
        Lwm2mJsonError::new(self.out.len(), reason)
    }

    /// Closes the payload and returns it.
    pub fn finish(mut self) -> Result<Vec<u8>, Lwm2mJsonError> {
        if self.walker.open() {
            return Err(self.err("unfinished instance or multiple resource"));
        }
        if self.single.is_none() {
            let t = self.walker.target();
            write_header(&mut self.out, Some((t.ids(), true)), None).map_err(|r| self.err(r))?;
        }
        self.out.extend_from_slice(b"]}");
        Ok(self.out)
    }
}

impl Writer for Lwm2mJsonWriter {
    type Error = Lwm2mJsonError;

    fn begin_instance(&mut self, id: u16) -> Result<(), Self::Error> {
        self.walker.begin_instance(id).map_err(|r| self.err(r))
    }

    fn end_instance(&mut self) -> Result<(), Self::Error> {
        self.walker.end_instance().map_err(|r| self.err(r))
    }

    fn begin_multiple(&mut self, id: u16, _count: usize) -> Result<(), Self::Error> {
        self.walker.begin_multiple(id).map_err(|r| self.err(r))
    }

    fn end_multiple(&mut self) -> Result<(), Self::Error> {
        self.walker.end_multiple().map_err(|r| self.err(r))
    }

    fn value(&mut self, id: u16, value: ValueRef<'_>) -> Result<(), Self::Error> {
        let (leaf, is_target) = self.walker.value(id).map_err(|r| self.err(r))?;
        let target = self.walker.target();
        let at = self.out.len();
        if self.single.is_none() {
            self.single = Some(is_target);
            write_header(&mut self.out, Some((target.ids(), !is_target)), None)
                .map_err(|r| Lwm2mJsonError::new(at, r))?;
        }
        let full = [leaf.o, leaf.i, leaf.r, leaf.ri.unwrap_or(0)];
        let depth = if leaf.ri.is_some() { 4 } else { 3 };
        let n = (!is_target).then(|| &full[target.len()..depth]);
        let first = self.entries == 0;
        self.entries += 1;
        write_entry(&mut self.out, first, n, Some(value), None)
            .map_err(|r| Lwm2mJsonError::new(at, r))
    }
}

/// Encodes `node` (addressed to `path`) as LwM2M JSON.
pub fn encode(path: &Path, node: &Node) -> Result<Vec<u8>, Lwm2mJsonError> {
    let mut w = Lwm2mJsonWriter::new(*path);
    super::encode_node(node, &mut w)?;
    w.finish()
}

/// Encodes records (one base name for all: their common path; timestamps as `bt` + `t`
/// when every record has an integral time, else absolute `t`).
pub fn encode_records<R: AsRecordRef>(records: &[R]) -> Result<Vec<u8>, Lwm2mJsonError> {
    let mut out = Vec::with_capacity(32 + 32 * records.len());
    let err = |out: &Vec<u8>, r| Lwm2mJsonError::new(out.len(), r);
    let Some(first) = records.first() else {
        out.extend_from_slice(b"{\"e\":[]}");
        return Ok(out);
    };
    let first = first.as_record_ref().path;
    let mut common = first.len();
    let mut same = true;
    for r in records {
        let p = r.as_record_ref().path;
        same &= p == first;
        let k = p
            .ids()
            .iter()
            .zip(first.ids())
            .take_while(|(a, b)| a == b)
            .count();
        common = common.min(k);
    }
    let single = same && first.len() >= 3;
    let base = senml::plan_base_time(records);
    write_header(&mut out, Some((&first.ids()[..common], !single)), base)
        .map_err(|r| err(&out, r))?;
    for (i, r) in records.iter().enumerate() {
        let r = r.as_record_ref();
        let (_, t) = senml::time_fields(base, i == 0, &r);
        let rest = &r.path.ids()[common..];
        let n = (!single && !rest.is_empty()).then_some(rest);
        let at = out.len();
        write_entry(&mut out, i == 0, n, r.value, t).map_err(|e| Lwm2mJsonError::new(at, e))?;
    }
    out.extend_from_slice(b"]}");
    Ok(out)
}

/// Decodes `bytes` into a [`Node`] addressed to `path`, typing values through `types`.
pub fn decode(path: &Path, bytes: &[u8], types: &dyn TypeLookup) -> Result<Node, Error> {
    senml::build_node(path, &mut Lwm2mJsonReader::with_types(bytes, types), types)
}

/// Decodes `bytes` into resolved records (values typed through `types` where known).
pub fn decode_records(bytes: &[u8], types: &dyn TypeLookup) -> Result<Vec<Record>, Error> {
    senml::collect_records(&mut Lwm2mJsonReader::with_types(bytes, types), types)
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum State {
    Start,
    First,
    Next,
    Done,
}

/// A pull decoder for LwM2M JSON: one [`Event::Value`] (with its resolved time) per entry
/// ([`Event::PathOnly`] for an entry without value).
pub struct Lwm2mJsonReader<'a, 't> {
    json: Json<'a>,
    state: State,
    res: Resolver,
    types: &'t dyn TypeLookup,
}

impl core::fmt::Debug for Lwm2mJsonReader<'_, '_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Lwm2mJsonReader")
            .field("pos", &self.json.pos)
            .field("state", &self.state)
            .finish()
    }
}

impl<'a> Lwm2mJsonReader<'a, 'static> {
    /// A reader without a model: `sv` is always a string.
    pub fn new(bytes: &'a [u8]) -> Self {
        Lwm2mJsonReader::with_types(bytes, &NoModel)
    }
}

impl<'a, 't> Lwm2mJsonReader<'a, 't> {
    /// A reader that decodes `sv` of Opaque resources (per `types`) from base64.
    pub fn with_types(bytes: &'a [u8], types: &'t dyn TypeLookup) -> Self {
        Lwm2mJsonReader {
            json: Json::new(bytes),
            state: State::Start,
            res: Resolver::new(),
            types,
        }
    }

    /// Reads the top-level object: `bn`, `bt` and where `e` starts; checks the whole
    /// payload's syntax.
    fn start(&mut self) -> Result<(), JsonErr> {
        let j = &mut self.json;
        j.expect(b'{', "expected '{' (LwM2M JSON is an object)")?;
        let mut e_at = None;
        let mut seen = 0u8;
        if !j.eat(b'}') {
            loop {
                j.peek();
                let key_at = j.pos;
                let key = j.key()?;
                j.expect(b':', "expected ':' after a key")?;
                let bit = match *key {
                    [b'b', b'n'] => 1,
                    [b'b', b't'] => 2,
                    [b'e'] => 4,
                    _ => 0,
                };
                if seen & bit != 0 {
                    return Err((key_at, "key appears twice"));
                }
                seen |= bit;
                j.peek();
                let at = j.pos;
                match bit {
                    1 => {
                        let bn = j.string()?;
                        self.res.set_base_name(bn.as_bytes());
                    }
                    2 => self.res.set_base_time(j.number()?.to_f64()),
                    4 => {
                        if j.peek() != Some(b'[') {
                            return Err((at, "e must be an array"));
                        }
                        e_at = Some(at);
                        j.skip_value()?;
                    }
                    _ => j.skip_value()?,
                }
                if j.eat(b',') {
                    continue;
                }
                j.expect(b'}', "expected ',' or '}'")?;
                break;
            }
        }
        j.end()?;
        let e_at = e_at.ok_or((0, "missing the e array"))?;
        self.json.pos = e_at + 1;
        Ok(())
    }

    fn entry(&mut self) -> Result<RawRecord<'a>, JsonErr> {
        let j = &mut self.json;
        j.peek();
        let start = j.pos;
        j.expect(b'{', "expected an entry object")?;
        let mut seen = 0u8;
        let mut n: Option<Cow<'a, str>> = None;
        let mut t: Option<f64> = None;
        // The value, and for `sv` where its string token starts.
        let mut value: Option<(RawValue<'a>, usize)> = None;
        if !j.eat(b'}') {
            loop {
                j.peek();
                let key_at = j.pos;
                let key = j.key()?;
                j.expect(b':', "expected ':' after a key")?;
                let bit: u8 = match *key {
                    [b'n'] => 1,
                    [b't'] => 2,
                    [b'v'] => 4,
                    [b'b', b'v'] => 8,
                    [b's', b'v'] => 16,
                    [b'o', b'v'] => 32,
                    _ => {
                        j.skip_value()?;
                        0
                    }
                };
                if bit != 0 {
                    if seen & bit != 0 {
                        return Err((key_at, "key appears twice in one entry"));
                    }
                    seen |= bit;
                    if bit >= 4 && value.is_some() {
                        return Err((key_at, "entry has more than one value"));
                    }
                    j.peek();
                    let at = j.pos;
                    match bit {
                        1 => n = Some(j.string()?),
                        2 => t = Some(j.number()?.to_f64()),
                        4 => value = Some((j.number()?.raw(), at)),
                        8 => value = Some((RawValue::Boolean(j.boolean()?), at)),
                        16 => value = Some((RawValue::Str(j.string()?), at)),
                        _ => {
                            let s = j.string()?;
                            let l: ObjectLink = s
                                .parse()
                                .map_err(|_| (at, "ov is not an object link OID:IID"))?;
                            value = Some((RawValue::Objlnk(l), at));
                        }
                    }
                }
                if j.eat(b',') {
                    continue;
                }
                j.expect(b'}', "expected ',' or '}' in an entry")?;
                break;
            }
        }
        let path = self
            .res
            .path(n.as_deref().map(str::as_bytes))
            .map_err(|r| (start, r))?;
        let time = self.res.time(t);
        let Some((mut value, at)) = value else {
            return Ok(RawRecord {
                path,
                value: None,
                time,
            });
        };
        if let RawValue::Str(s) = &value
            && path.len() >= 3
            && let Some((DataType::Opaque, _)) = self.types.resource_type(path.id(0), path.id(2))
        {
            let bytes = B64STD_LENIENT
                .decode(s.as_bytes())
                .map_err(|_| (at, "sv of an Opaque resource is not valid base64"))?;
            value = RawValue::Opaque(Cow::Owned(bytes));
        }
        Ok(RawRecord {
            path,
            value: Some(value),
            time,
        })
    }

    fn fail(&mut self, (offset, reason): JsonErr) -> Lwm2mJsonError {
        self.state = State::Done;
        Lwm2mJsonError::new(offset, reason)
    }

    fn step(&mut self) -> Result<Option<RawRecord<'a>>, JsonErr> {
        match self.state {
            State::Done => return Ok(None),
            State::Start => {
                self.start()?;
                self.state = State::First;
                if self.json.eat(b']') {
                    self.state = State::Done;
                    return Ok(None);
                }
            }
            State::First => {}
            State::Next => {
                if self.json.eat(b']') {
                    self.state = State::Done;
                    return Ok(None);
                }
                self.json
                    .expect(b',', "expected ',' or ']' after an entry")?;
            }
        }
        self.state = State::Next;
        self.entry().map(Some)
    }
}

impl<'a> Reader<'a> for Lwm2mJsonReader<'a, '_> {
    type Error = Lwm2mJsonError;

    fn next_event(&mut self) -> Result<Option<Event<'a>>, Self::Error> {
        match self.step() {
            Ok(r) => Ok(r.map(RawRecord::into_event)),
            Err(e) => Err(self.fail(e)),
        }
    }
}

impl<'a> RawRecords<'a> for Lwm2mJsonReader<'a, '_> {
    #[inline]
    fn next_raw(&mut self) -> Result<Option<RawRecord<'a>>, Error> {
        self.step().map_err(|e| self.fail(e).into())
    }
}
