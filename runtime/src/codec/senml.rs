//! The SenML record model shared by SenML JSON (110) and SenML CBOR (112), and by LwM2M
//! JSON (11543) where its rules are the same. API stable since commit 604f51c.
//!
//! * [`Record`] and [`resolve_time`]: a resolved record, what each format's
//!   `encode_records` / `decode_records` take and give;
//! * decoding: a [`Resolver`] keeps the base name and base time across records (RFC 8428
//!   §4.6) and turns each record ([`RawRecord`]: `bn`, `n`, `bt`, `t`, raw value, what the
//!   wire said) into a path and a time for the [`Sink`] (or an [`Event`]); the notations
//!   hand it each `bn` and `bt` as they read them. [`RecordSink`] collects the records;
//! * encoding: [`LeafWalker`] follows a [`Writer`](super::Writer)'s calls and gives each
//!   value's full path; [`WriterNames`] says which `bn` and `n` ([`RecordName`]) each
//!   record of a writer gets, rendered once per container, and [`RecordPlan`] which
//!   `bn`/`n`/`bt`/`t` ([`Fields`]) each record of a list gets; [`Name`] renders them.
//!   The writers gather each record in a buffer and write it in one piece.
//!
//! Resolution: a record's name is `bn` + `n` by plain concatenation (`"/3/0/"+"9"` as
//! Leshan writes it, `"/3/0"+"/9"` as Anjay does) read as a LwM2M path; its time is `bt` +
//! `t` when either is present. Base name and base time persist until replaced.
//!
//! Canonical output (what the spec's examples show):
//! * records without any value (Read-Composite requests): no `bn`, `n` is the full path;
//! * records that all share one path, or the one value of a resource or resource-instance
//!   target: the first record's `bn` is that path and no record has an `n`;
//! * otherwise records are grouped by object instance: a record whose instance differs from
//!   the previous one carries `bn` = `/O/I/`, and `n` is the rest (`R` or `R/RI`);
//! * when every value record has an integral time, the first record carries `bt` (the first
//!   value record's time) and later ones a relative `t` (omitted when 0); otherwise each
//!   timed record carries an absolute `t`. Path-only records carry no time.
//!
//! Every step costs O(1) per record (O(log n) for duplicate detection in [`RecordSink`]):
//! thousands of distinct base names or times decode and encode in linear time.

use alloc::borrow::Cow;
use alloc::collections::BTreeSet;
use alloc::string::String;
use alloc::vec::Vec;

use super::{Error, ErrorKind, Event, RawValue, Sink, TypeLookup};
use crate::{ContentFormat, Path, Value};

/// One resolved SenML record with an owned value.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// Full path (`/O/I/R` or `/O/I/R/RI` for values; any level for path-only records).
    pub path: Path,
    /// The value, `None` for a path-only record (Read-Composite request).
    pub value: Option<Value>,
    /// Resolved time in seconds (`bt` + `t`), if the record has one. Encoders write no
    /// time for path-only records.
    pub time: Option<f64>,
}

impl Record {
    /// A value record without time.
    pub fn new(path: Path, value: Value) -> Self {
        Record {
            path,
            value: Some(value),
            time: None,
        }
    }

    /// A value record with a time in seconds.
    pub fn timed(path: Path, value: Value, time: f64) -> Self {
        Record {
            path,
            value: Some(value),
            time: Some(time),
        }
    }

    /// A path-only record (Read-Composite / Observe-Composite request).
    pub fn path_only(path: Path) -> Self {
        Record {
            path,
            value: None,
            time: None,
        }
    }

    /// The record's time as Unix seconds, given the receiver's current time `now`
    /// (RFC 8428 §4.5.3): a resolved time below 2^28 (about 8.5 years) is relative to
    /// now, negative meaning in the past, larger ones are absolute. LwM2M encoders send
    /// absolute times, but a SenML sender may count back from the moment it sends; the
    /// decoders keep [`time`](Record::time) as resolved and leave this choice to the
    /// caller. `None` when the record has no time.
    pub fn absolute_time(&self, now: f64) -> Option<f64> {
        self.time.map(|t| resolve_time(t, now))
    }
}

/// RFC 8428 §4.5.3: a resolved SenML time `t` below 2^28 counts from `now` (both in
/// seconds); `t` itself otherwise. See [`Record::absolute_time`].
pub fn resolve_time(t: f64, now: f64) -> f64 {
    /// Times below this are relative (RFC 8428 §4.5.3).
    const RELATIVE_BELOW: f64 = (1u64 << 28) as f64;
    if t < RELATIVE_BELOW { now + t } else { t }
}

/// One record as the wire carried it, in any notation, before resolution.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawRecord<'a> {
    /// `bn`, if the record has one.
    pub base_name: Option<Cow<'a, str>>,
    /// `n`, if the record has one.
    pub name: Option<Cow<'a, str>>,
    /// `bt`, if the record has one.
    pub base_time: Option<f64>,
    /// `t`, if the record has one.
    pub time: Option<f64>,
    /// The value field, `None` for a path-only record.
    pub value: Option<RawValue<'a>>,
}

/// A record's name, time and value as a decoder reads them; its `bn` and `bt` go to the
/// [`Resolver`] as they are read.
#[derive(Debug, Default)]
pub(crate) struct Entry<'a> {
    /// `n` (empty when none).
    pub name: Cow<'a, [u8]>,
    /// `t`.
    pub time: Option<f64>,
    /// The value field, `None` for a path-only record.
    pub value: Option<RawValue<'a>>,
    /// Where the value field's value starts in the payload.
    pub value_at: usize,
}

/// Longest resolved name (`bn` + `n`, alternate path included) read; longer are no paths.
const NAME_MAX: usize = 128;

/// The base-name and base-time state of a SenML decoder (RFC 8428 §4.6).
///
/// The base name is read once, when it arrives, into the state of a name reader; each
/// record's name continues from a copy of that state. The result is the one of reading
/// `bn` and `n` joined, without joining them.
#[derive(Clone, Debug, Default)]
pub struct Resolver {
    base_name: NameReader,
    base_len: usize,
    base_time: Option<f64>,
    // Alternate path every name starts with (LwM2M 1.2, e.g. `/lwm2m`), without a
    // trailing `/`; empty when none.
    prefix: String,
}

impl Resolver {
    /// No base name, no base time, no alternate path.
    pub fn new() -> Self {
        Self::default()
    }

    /// Names must start with the alternate path `prefix` (LwM2M 1.2, e.g. `/lwm2m` for
    /// names like `/lwm2m/3/0/9`), which is removed before the rest is read as a path.
    pub fn with_alternate_path(mut self, prefix: &str) -> Self {
        self.prefix = prefix.trim_end_matches('/').into();
        self
    }

    /// Applies the record's `bn` and `bt`, then resolves its name and time into an event:
    /// [`Event::Value`] with the resolved time, or [`Event::PathOnly`] for a record without
    /// a value. A name that is not a LwM2M path (or a record with neither `bn` nor `n`
    /// ever) is [`ErrorKind::NotAPath`]; a name outside the alternate path
    /// [`ErrorKind::OutsidePath`].
    pub fn resolve<'a>(&mut self, record: RawRecord<'a>) -> Result<Event<'a>, ErrorKind> {
        if let Some(bn) = &record.base_name {
            self.set_base_name(bn.as_bytes());
        }
        if let Some(bt) = record.base_time {
            self.set_base_time(bt);
        }
        let name = record.name.as_deref().unwrap_or("").as_bytes();
        let (path, time) = self.locate(name, record.time)?;
        Ok(match record.value {
            Some(value) => Event::Value { path, value, time },
            None => Event::PathOnly(path),
        })
    }

    /// A record's `bn` (the decoders apply it as soon as they read it).
    pub(crate) fn set_base_name(&mut self, bn: &[u8]) {
        self.base_name = NameReader::default();
        self.base_name.read(self.prefix.as_bytes(), bn);
        self.base_len = bn.len();
    }

    /// A record's `bt`.
    pub(crate) fn set_base_time(&mut self, bt: f64) {
        self.base_time = Some(bt);
    }

    /// The path and time of a record with name `n` (empty when none) and time `t`, under
    /// the base name and time (see [`resolve`](Self::resolve)).
    #[inline]
    fn locate(&self, n: &[u8], t: Option<f64>) -> Result<(Path, Option<f64>), ErrorKind> {
        let total = self.base_len + n.len();
        // A base name may end with `/` (`/3/0/`); a name other than the root `/` that
        // does (`/16/0/0/3/`) is no path.
        if total == 0 || total > NAME_MAX || (n.len() > 1 && n.last() == Some(&b'/')) {
            return Err(ErrorKind::NotAPath);
        }
        let mut name = self.base_name;
        let prefix = self.prefix.as_bytes();
        name.read(prefix, n);
        let path = name.path(prefix)?;
        let time = match (self.base_time, t) {
            (None, None) => None,
            (b, t) => Some(b.unwrap_or(0.0) + t.unwrap_or(0.0)),
        };
        Ok((path, time))
    }

    /// Resolves `entry`, the record at byte `start` of a `format` payload, and hands it to
    /// `sink`: its value, or its path alone. Errors of the name are located at the record,
    /// the sink's as [`locate`](super::locate) says.
    #[inline]
    pub(crate) fn feed<'a, S: Sink<'a> + ?Sized>(
        &self,
        entry: &Entry<'a>,
        start: usize,
        format: ContentFormat,
        sink: &mut S,
    ) -> Result<(), Error> {
        let (path, time) = self
            .locate(&entry.name, entry.time)
            .map_err(|k| Error::at(format, start, k))?;
        match &entry.value {
            Some(value) => sink.value(path, value, time),
            None => sink.path_only(path),
        }
        .map_err(|e| super::locate(e, format, start, entry.value_at))
    }
}

/// Checks an alternate path `p` (LwM2M 1.2; Leshan's root path), such as `/lwm2m`: `/` and
/// non-empty segments of URI path characters joined by `/`, no trailing `/`; `""` is none.
/// [`ErrorKind::NotAPath`] otherwise (`/`, `lwm2m`, `/lwm2m/`, `/a//b`, `/"`).
pub fn check_alternate_path(p: &str) -> Result<(), ErrorKind> {
    let pchar = |b: u8| b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&b);
    let segment = |s: &str| !s.is_empty() && s.bytes().all(pchar);
    let ok = p.is_empty() || matches!(p.strip_prefix('/'), Some(r) if r.split('/').all(segment));
    ok.then_some(()).ok_or(ErrorKind::NotAPath)
}

/// Where a [`NameReader`] is in a name, after the alternate path.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
enum NameAt {
    /// Before the leading `/`.
    #[default]
    Lead,
    /// After the leading `/`.
    Root,
    /// After `//` (still the root, as for `Path`'s `FromStr`).
    RootSlash,
    /// In an ID.
    Id,
    /// After the `/` that ended an ID.
    Slash,
    /// Not a path.
    NotAPath,
    /// Outside the alternate path.
    Outside,
}

/// Reads a name as a LwM2M path byte by byte, so that it can stop after the base name
/// and continue with each record's name: the alternate path (if any), then what `Path`'s
/// `FromStr` accepts: `/`, then up to four IDs below 65535 of at most five digits joined
/// by `/`, with one optional trailing `/` (`/` and `//` are the root). A record's `n` may
/// not end with `/` (see `Resolver::locate`).
#[derive(Clone, Copy, Debug, Default)]
struct NameReader {
    // Bytes of the alternate path read.
    matched: usize,
    at: NameAt,
    ids: [u16; 4],
    len: u8,
    // The ID being read and its digits so far.
    id: u32,
    digits: u8,
}

impl NameReader {
    /// Reads `bytes` of a name starting with `prefix` (empty: none).
    #[inline]
    fn read(&mut self, prefix: &[u8], mut bytes: &[u8]) {
        if let Some(rest) = prefix.get(self.matched..).filter(|r| !r.is_empty()) {
            let n = rest.len().min(bytes.len());
            if bytes[..n] != rest[..n] {
                self.at = NameAt::Outside;
            }
            self.matched += n;
            bytes = &bytes[n..];
        }
        // In locals, kept in registers.
        let (mut at, mut id, mut digits) = (self.at, self.id, self.digits);
        for &b in bytes {
            at = match (at, b) {
                (NameAt::Id, b'0'..=b'9') if digits < 5 => {
                    (id, digits) = (id * 10 + u32::from(b - b'0'), digits + 1);
                    continue;
                }
                (NameAt::Root | NameAt::Slash, b'0'..=b'9') => {
                    (id, digits) = (u32::from(b - b'0'), 1);
                    NameAt::Id
                }
                (NameAt::Id, b'/') => self.end_id(id),
                (NameAt::Lead, b'/') => NameAt::Root,
                (NameAt::Root, b'/') => NameAt::RootSlash,
                (NameAt::Outside, _) => break,
                _ => NameAt::NotAPath,
            };
            if at == NameAt::NotAPath {
                break;
            }
        }
        (self.at, self.id, self.digits) = (at, id, digits);
    }

    /// Ends ID `id`: [`NameAt::Slash`] unless it is out of range or a fifth one.
    fn end_id(&mut self, id: u32) -> NameAt {
        match self.ids.get_mut(usize::from(self.len)) {
            Some(slot) if id < u32::from(Path::MAX_ID) => {
                *slot = id as u16;
                self.len += 1;
                NameAt::Slash
            }
            _ => NameAt::NotAPath,
        }
    }

    /// The path read, once the whole name is.
    fn path(mut self, prefix: &[u8]) -> Result<Path, ErrorKind> {
        let at = match self.at {
            NameAt::Id => self.end_id(self.id),
            at => at,
        };
        match at {
            _ if self.matched < prefix.len() => return Err(ErrorKind::OutsidePath),
            NameAt::Outside => return Err(ErrorKind::OutsidePath),
            // Nothing but the alternate path: its root.
            NameAt::Lead if !prefix.is_empty() => {}
            NameAt::Lead | NameAt::NotAPath => return Err(ErrorKind::NotAPath),
            _ => {}
        }
        let i = self.ids;
        Ok(match self.len {
            0 => Path::ROOT,
            1 => Path::object(i[0]),
            2 => Path::instance(i[0], i[1]),
            3 => Path::resource(i[0], i[1], i[2]),
            _ => Path::resource_instance(i[0], i[1], i[2], i[3]),
        })
    }
}

/// A [`Sink`] collecting resolved [`Record`]s, typing values through a [`TypeLookup`]
/// where it knows the resource (fallback: [`RawValue::to_value_untyped`]). A record that
/// repeats the path and time of an earlier one is [`ErrorKind::DuplicatePath`]. Containers
/// carry nothing for records and are skipped.
pub struct RecordSink<'t> {
    types: &'t dyn TypeLookup,
    records: Vec<Record>,
    seen: BTreeSet<(Path, Option<u64>)>,
}

impl<'t> RecordSink<'t> {
    /// An empty collector typing through `types`.
    pub fn new(types: &'t dyn TypeLookup) -> Self {
        RecordSink {
            types,
            records: Vec::new(),
            seen: BTreeSet::new(),
        }
    }

    /// The records collected, in payload order.
    pub fn into_records(self) -> Vec<Record> {
        self.records
    }
}

impl RecordSink<'_> {
    /// Records the value `raw` (`None`: a path-only record) at `path`, typed.
    fn push(
        &mut self,
        path: Path,
        raw: Option<&RawValue<'_>>,
        time: Option<f64>,
    ) -> Result<(), Error> {
        if !self.seen.insert((path, time.map(f64::to_bits))) {
            return Err(Error::at_path(path, ErrorKind::DuplicatePath));
        }
        let ids = path.ids();
        let model = (ids.len() >= 3)
            .then(|| self.types.resource_type(ids[0], ids[2]))
            .flatten();
        let value = match (raw, model) {
            (None, _) => None,
            (Some(raw), None) => Some(raw.to_value_untyped()),
            (Some(raw), Some((dt, _))) => Some(
                raw.to_value(dt)
                    .map_err(|e| Error::at_path(path, ErrorKind::Value(e)))?,
            ),
        };
        self.records.push(Record { path, value, time });
        Ok(())
    }
}

/// Container calls carry nothing for records and are ignored.
impl<'a> Sink<'a> for RecordSink<'_> {
    fn value(&mut self, path: Path, value: &RawValue<'a>, time: Option<f64>) -> Result<(), Error> {
        self.push(path, Some(value), time)
    }
    fn path_only(&mut self, path: Path) -> Result<(), Error> {
        self.push(path, None, None)
    }
}

/// A record name or base name: path IDs joined by `/`, with an optional leading and
/// trailing slash (`/3/0/`, `6/0`, `/3303/0/5700`; the root is `/`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Name {
    ids: [u16; 4],
    len: u8,
    pub(crate) lead: bool,
    trail: bool,
}

impl Name {
    /// `/a/b`, with a trailing `/` when `slash`; the root is `/`.
    #[inline]
    pub fn absolute(ids: &[u16], slash: bool) -> Self {
        // Element by element: a copy of a few bytes of unknown length is a call to memcpy.
        let mut copy = [0; 4];
        for (k, id) in copy.iter_mut().enumerate() {
            *id = ids.get(k).copied().unwrap_or(0);
        }
        Name {
            ids: copy,
            len: ids.len().min(4) as u8,
            lead: true,
            trail: slash || ids.is_empty(),
        }
    }

    /// `a/b` (relative: no leading or trailing slash).
    #[inline]
    pub fn relative(ids: &[u16]) -> Self {
        Name {
            lead: false,
            trail: false,
            ..Name::absolute(ids, false)
        }
    }

    /// The text, rendered on the stack.
    pub fn text(&self) -> NameText {
        let mut t = NameText::default();
        for (k, &id) in self.ids[..usize::from(self.len)].iter().enumerate() {
            if self.lead || k > 0 {
                t.push(b"/");
            }
            t.push(itoa::Buffer::new().format(id).as_bytes());
        }
        if self.trail {
            t.push(b"/");
        }
        t
    }
}

/// Room for the longest name text, `/65535/65535/65535/65535/` (25 bytes), and more: a
/// whole [`NameText`] is copied as a fixed-size array.
const NAME_TEXT_MAX: usize = 32;

/// The text of a [`Name`].
#[derive(Clone, Copy, Debug, Default)]
pub struct NameText {
    buf: [u8; NAME_TEXT_MAX],
    len: usize,
}

impl NameText {
    /// The text.
    pub fn as_str(&self) -> &str {
        // Digits and slashes only.
        core::str::from_utf8(self.as_bytes()).unwrap_or("")
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    fn push(&mut self, piece: &[u8]) {
        // Byte by byte: a copy of a few bytes of unknown length is a call to memcpy.
        for &b in piece {
            self.buf[self.len] = b;
            self.len += 1;
        }
    }

    /// The text as the first bytes of a fixed-size array, and its length (for
    /// [`Staged::put_short`](super::output::Staged::put_short)).
    pub(crate) fn fixed(&self) -> (&[u8; NAME_TEXT_MAX], usize) {
        (&self.buf, self.len)
    }

    /// Appends `id` and a `/`.
    fn push_id(&mut self, id: u16) {
        self.push(itoa::Buffer::new().format(id).as_bytes());
        self.push(b"/");
    }
}

/// The naming and time fields of one record, in the order SenML JSON writes them.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Fields {
    /// `bn`.
    pub bn: Option<Name>,
    /// `bt`.
    pub bt: Option<f64>,
    /// `n`.
    pub n: Option<Name>,
    /// `t`.
    pub t: Option<f64>,
}

/// Follows the calls of a [`Writer`](super::Writer) addressed to a target path and gives
/// the full path of each value (shared by the SenML and LwM2M JSON writers).
#[derive(Clone, Debug)]
pub struct LeafWalker {
    target: Path,
    instance: Option<u16>,
    multiple: Option<u16>,
    single_done: bool,
}

impl LeafWalker {
    /// A walker for values written to `target` (any level but the root, which a writer
    /// cannot address: [`ErrorKind::Unsupported`]).
    pub fn new(target: &Path) -> Result<Self, ErrorKind> {
        if target.is_empty() {
            return Err(ErrorKind::Unsupported);
        }
        Ok(LeafWalker {
            target: *target,
            instance: None,
            multiple: None,
            single_done: false,
        })
    }

    /// The target path.
    pub fn target(&self) -> Path {
        self.target
    }

    /// Whether an instance or a multiple resource is still open.
    pub fn is_open(&self) -> bool {
        self.instance.is_some() || self.multiple.is_some()
    }

    /// `Writer::begin_instance`.
    pub fn begin_instance(&mut self, id: u16) -> Result<(), ErrorKind> {
        ensure(self.target.len() == 1 && self.instance.is_none())?;
        self.instance = Some(not_reserved(id)?);
        Ok(())
    }

    /// `Writer::end_instance`.
    pub fn end_instance(&mut self) -> Result<(), ErrorKind> {
        ensure(self.multiple.is_none() && self.instance.take().is_some())
    }

    /// The instance values belong to.
    #[inline]
    fn instance_id(&self) -> Result<u16, ErrorKind> {
        match self.target.instance_id() {
            Some(i) => Ok(i),
            None => self.instance.ok_or(ErrorKind::WriterMisuse),
        }
    }

    /// `Writer::begin_multiple`.
    pub fn begin_multiple(&mut self, id: u16) -> Result<(), ErrorKind> {
        ensure(self.multiple.is_none() && self.target.len() <= 3)?;
        self.instance_id()?;
        not_reserved(id)?;
        if self.target.resource_id().is_some_and(|r| r != id) {
            return Err(ErrorKind::IdMismatch);
        }
        self.multiple = Some(id);
        Ok(())
    }

    /// `Writer::end_multiple`.
    pub fn end_multiple(&mut self) -> Result<(), ErrorKind> {
        ensure(self.multiple.take().is_some())
    }

    /// The full path of the value `id` (`Writer::value`), and whether it is the target
    /// itself (the one value of a resource or resource-instance target).
    #[inline]
    pub fn value(&mut self, id: u16) -> Result<(Path, bool), ErrorKind> {
        if !self.place(id)? {
            return Ok((self.target, true));
        }
        let (t, i) = (self.target.ids(), self.instance_id()?);
        Ok(match self.multiple {
            Some(r) => (Path::resource_instance(t[0], i, r, id), false),
            None => (Path::resource(t[0], i, id), false),
        })
    }

    /// Checks value `id` as [`value`](Self::value) does: `true` for a value of an instance
    /// or of one of its multiple resources, `false` for the target's one value.
    #[inline]
    fn place(&mut self, id: u16) -> Result<bool, ErrorKind> {
        not_reserved(id)?;
        let t = self.target.len();
        let in_instance = t >= 2 || self.instance.is_some();
        if in_instance && (self.multiple.is_some() || t <= 2) {
            return Ok(true);
        }
        self.target_value(id).map(|()| false)
    }

    /// [`place`](Self::place) of a resource or resource-instance target, or the error.
    fn target_value(&mut self, id: u16) -> Result<(), ErrorKind> {
        let t = self.target.ids();
        match t.len() {
            // No instance is open.
            _ if self.multiple.is_some() => Err(ErrorKind::WriterMisuse),
            1 | 2 => Err(ErrorKind::WriterMisuse),
            3 if id == t[2] => self.single(),
            4 if id == t[3] => self.single(),
            _ => Err(ErrorKind::IdMismatch),
        }
    }

    /// The target's one value.
    fn single(&mut self) -> Result<(), ErrorKind> {
        ensure(!core::mem::replace(&mut self.single_done, true))
    }
}

/// [`ErrorKind::WriterMisuse`] unless `ok`.
#[inline]
fn ensure(ok: bool) -> Result<(), ErrorKind> {
    ok.then_some(()).ok_or(ErrorKind::WriterMisuse)
}

/// `id`, unless it is the reserved 65535 ([`ErrorKind::ReservedId`]).
#[inline]
fn not_reserved(id: u16) -> Result<u16, ErrorKind> {
    (id != Path::MAX_ID)
        .then_some(id)
        .ok_or(ErrorKind::ReservedId)
}

/// The names of a writer's records, rendered once per container rather than per value.
///
/// A value's name is its path cut in two: the base name `bn` (the first IDs, with a
/// trailing `/`) and `n` (the rest). SenML ([`new`](Self::new)) cuts after the instance:
/// records are grouped by instance, the first record of a group carries `bn` = `/O/I/`
/// and every record `n` = `R` or `R/RI`. LwM2M JSON
/// ([`relative_to_target`](Self::relative_to_target)) cuts after the target: its one `bn`
/// is the target path. Either way the target's one value (a resource or resource-instance
/// target) is named by `bn` = its path alone.
///
/// The base name is rendered when its instance begins, the part of `n` before the value's
/// own ID (`6/` in multiple resource 6) when a container begins or ends: a value costs the
/// text of its own ID.
#[derive(Clone, Debug)]
pub struct WriterNames {
    walker: LeafWalker,
    // How many IDs of a value's path the base name holds.
    cut: usize,
    base: NameText,
    // `n` before the value's own ID: of the values of the instance, and now.
    inner: NameText,
    prefix: NameText,
    // The last ID of the base name, that of the base name the last record carried, and
    // whether the next record carries the base name (they differ).
    group: Option<u16>,
    written: Option<u16>,
    due: bool,
}

/// The name fields of one record of a writer, borrowed from its [`WriterNames`].
#[derive(Clone, Copy, Debug)]
pub struct RecordName<'a> {
    /// The base name of the record's group (the target path for the target's one value).
    pub base: &'a NameText,
    /// `bn`, when the record carries one: the base name, on the first record of a group.
    pub bn: Option<&'a NameText>,
    /// `n`: its text before the value's own ID, and that ID; `None` for the target's one
    /// value.
    pub n: Option<(&'a NameText, u16)>,
}

impl WriterNames {
    /// SenML names for values written to `target`, grouped by instance (not the root:
    /// [`ErrorKind::Unsupported`]).
    pub fn new(target: &Path) -> Result<Self, ErrorKind> {
        Self::cut_after(target, 2)
    }

    /// LwM2M JSON names for values written to `target`: relative to it.
    pub fn relative_to_target(target: &Path) -> Result<Self, ErrorKind> {
        Self::cut_after(target, target.len())
    }

    fn cut_after(target: &Path, cut: usize) -> Result<Self, ErrorKind> {
        let mut names = WriterNames {
            walker: LeafWalker::new(target)?,
            cut,
            base: NameText::default(),
            inner: NameText::default(),
            prefix: NameText::default(),
            group: None,
            written: None,
            due: false,
        };
        // A resource target's ID is part of the names of its instances.
        if let Some(r) = target.ids().get(cut..3).and_then(<[u16]>::first) {
            names.inner.push_id(*r);
        }
        names.prefix = names.inner;
        if target.len() >= cut {
            names.set_base(&target.ids()[..cut]);
        }
        Ok(names)
    }

    /// Renders `/a/b/`, the base name of `ids`.
    fn set_base(&mut self, ids: &[u16]) {
        self.base = NameText::default();
        self.base.push(b"/");
        for &id in ids {
            self.base.push_id(id);
        }
        self.group = ids.last().copied();
        self.due = self.written != self.group;
    }

    /// The target path.
    pub fn target(&self) -> Path {
        self.walker.target()
    }

    /// Whether an instance or a multiple resource is still open.
    pub fn is_open(&self) -> bool {
        self.walker.is_open()
    }

    /// `Writer::begin_instance`.
    pub fn begin_instance(&mut self, id: u16) -> Result<(), ErrorKind> {
        self.walker.begin_instance(id)?;
        // An object target: the instance is in the base name, or in `n`.
        if self.cut == 2 {
            self.set_base(&[self.walker.target.ids()[0], id]);
        } else {
            self.inner = NameText::default();
            self.inner.push_id(id);
            self.prefix = self.inner;
        }
        Ok(())
    }

    /// `Writer::end_instance`.
    pub fn end_instance(&mut self) -> Result<(), ErrorKind> {
        self.walker.end_instance()
    }

    /// `Writer::begin_multiple`.
    pub fn begin_multiple(&mut self, id: u16) -> Result<(), ErrorKind> {
        self.walker.begin_multiple(id)?;
        // In the names of its instances unless it is the target (or in the base name).
        if self.walker.target.len() < 3 {
            self.prefix = self.inner;
            self.prefix.push_id(id);
        }
        Ok(())
    }

    /// `Writer::end_multiple`.
    pub fn end_multiple(&mut self) -> Result<(), ErrorKind> {
        self.walker.end_multiple()?;
        self.prefix = self.inner;
        Ok(())
    }

    /// The name fields of the record of value `id` (`Writer::value`); the record must
    /// then be written (the base name it carries is remembered).
    #[inline]
    pub fn value(&mut self, id: u16) -> Result<RecordName<'_>, ErrorKind> {
        if !self.walker.place(id)? {
            return Ok(self.target_value());
        }
        if core::mem::take(&mut self.due) {
            return Ok(self.first_of_group(id));
        }
        Ok(RecordName {
            base: &self.base,
            bn: None,
            n: Some((&self.prefix, id)),
        })
    }

    /// The name of the first value of a group: it carries the base name.
    #[cold]
    fn first_of_group(&mut self, id: u16) -> RecordName<'_> {
        self.written = self.group;
        RecordName {
            base: &self.base,
            bn: Some(&self.base),
            n: Some((&self.prefix, id)),
        }
    }

    /// The name of the target's one value: its path.
    #[cold]
    fn target_value(&mut self) -> RecordName<'_> {
        self.base = Name::absolute(self.walker.target.ids(), false).text();
        RecordName {
            base: &self.base,
            bn: Some(&self.base),
            n: None,
        }
    }
}

/// The names of `path` grouped by instance: `bn` = `/O/I/` (or the shorter path, with a
/// trailing `/`) when it differs from `group`, which it then becomes; `n` = the rest.
fn grouped(group: &mut Option<Path>, path: &Path) -> (Option<Name>, Option<Name>) {
    let ids = path.ids();
    let cut = ids.len().min(2);
    let head = Some(match *ids {
        [] => Path::ROOT,
        [o] => Path::object(o),
        [o, i, ..] => Path::instance(o, i),
    });
    let bn = (*group != head).then(|| {
        *group = head;
        Name::absolute(&ids[..cut], true)
    });
    (bn, (ids.len() > cut).then(|| Name::relative(&ids[cut..])))
}

/// How a record list is named (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Naming {
    PathsOnly,
    Single,
    Grouped,
}

/// The name and time fields of each record of a list (see the module docs), decided once
/// for the list and then given record by record.
#[derive(Clone, Debug)]
pub struct RecordPlan {
    naming: Naming,
    base_time: Option<f64>,
    // The path of the current base name (see `grouped`).
    group: Option<Path>,
    first: bool,
}

impl RecordPlan {
    /// The plan for `records`.
    pub fn new(records: &[Record]) -> Self {
        let naming = match records.first() {
            _ if records.iter().all(|r| r.value.is_none()) => Naming::PathsOnly,
            Some(f) if f.path.len() >= 3 && records.iter().all(|r| r.path == f.path) => {
                Naming::Single
            }
            _ => Naming::Grouped,
        };
        RecordPlan {
            naming,
            base_time: plan_base_time(records),
            group: None,
            first: true,
        }
    }

    /// The base time written in the first record, if any (LwM2M JSON writes it in its
    /// header).
    pub fn base_time(&self) -> Option<f64> {
        self.base_time
    }

    /// The fields of the next record (`record`).
    pub fn next(&mut self, record: &Record) -> Fields {
        let first = core::mem::replace(&mut self.first, false);
        let ids = record.path.ids();
        let (bn, n) = match self.naming {
            Naming::PathsOnly => (None, Some(Name::absolute(ids, false))),
            Naming::Single => (first.then(|| Name::absolute(ids, false)), None),
            Naming::Grouped => grouped(&mut self.group, &record.path),
        };
        Fields {
            bn,
            bt: if first { self.base_time } else { None },
            n,
            t: self.relative_time(record),
        }
    }

    /// The `t` of `record`: relative to the base time (omitted when 0) or absolute.
    /// Path-only records carry none.
    pub fn relative_time(&self, record: &Record) -> Option<f64> {
        let t = record.time.filter(|_| record.value.is_some())?;
        match self.base_time {
            Some(b) => Some(t - b).filter(|rel| *rel != 0.0),
            None => Some(t),
        }
    }
}

/// Largest magnitude for which every integer is exact in an f64.
const EXACT: f64 = 9_007_199_254_740_992.0;

/// `t` as an integer when it is integral and exact (encoders then write an integer).
pub fn exact_int(t: f64) -> Option<i64> {
    (t.is_finite() && (-EXACT..=EXACT).contains(&t) && (t as i64) as f64 == t).then_some(t as i64)
}

/// The base time of a list: the first value record's time when every value record has
/// an integral time.
fn plan_base_time(records: &[Record]) -> Option<f64> {
    let mut values = records.iter().filter(|r| r.value.is_some());
    let first = values.next()?.time?;
    (exact_int(first).is_some() && values.all(|r| r.time.and_then(exact_int).is_some()))
        .then_some(first)
}
