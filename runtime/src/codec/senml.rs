//! The SenML record model shared by SenML JSON (110) and SenML CBOR (112).
//!
//! A SenML payload is a list of records; after resolution (RFC 8428 §4.6, LwM2M: base name
//! and base time persist until replaced, name = `bn` + `n` by plain concatenation, time =
//! `bt` + `t`) every record has a full LwM2M [`Path`], an optional value and an optional
//! time. That list is what Observe notifications, Send, composite Read/Write and
//! Read-Composite requests (paths only) carry, so besides the node-oriented
//! [`Writer`](crate::codec::Writer)/[`Reader`] API both SenML formats encode and
//! decode lists of [`Record`]s.
//!
//! Canonical output of both encoders (what the spec's examples show):
//! * records without any value (Read-Composite requests): no `bn`, `n` is the full path;
//! * records that all share one path (one resource, possibly a time series): the first
//!   record's `bn` is that path and no record has an `n`;
//! * otherwise records are grouped by object instance: a record whose instance differs
//!   from the previous one carries `bn` = `/O/I/`, and `n` is the rest (`R` or `R/RI`);
//! * when every record has an integral time, the first carries `bt` and later ones a
//!   relative `t` (omitted when 0); otherwise each timed record carries an absolute `t`.

use alloc::collections::BTreeSet;
use alloc::string::String;
use alloc::vec::Vec;

use super::{Error, Event, InstanceSink, RawValue, Reader, TypeLookup, ValueRef};
use crate::{DataType, Path, Value};

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

/// One SenML record with a borrowed value, for encoding without owning the data.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RecordRef<'a> {
    /// Full path.
    pub path: Path,
    /// The value, `None` for a path-only record.
    pub value: Option<ValueRef<'a>>,
    /// Time in seconds, if any.
    pub time: Option<f64>,
}

/// Anything the record encoders accept: [`Record`] and [`RecordRef`].
pub trait AsRecordRef {
    /// A borrowed view of the record.
    fn as_record_ref(&self) -> RecordRef<'_>;
}

impl AsRecordRef for Record {
    fn as_record_ref(&self) -> RecordRef<'_> {
        RecordRef {
            path: self.path,
            value: self.value.as_ref().map(Value::as_value_ref),
            time: self.time,
        }
    }
}

impl AsRecordRef for RecordRef<'_> {
    fn as_record_ref(&self) -> RecordRef<'_> {
        *self
    }
}

/// A record name (or base name) to write: path IDs joined by `/`, with an optional leading
/// and trailing slash. Rendered straight into the output, without allocation.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Name {
    ids: [u16; 4],
    len: u8,
    lead: bool,
    trail: bool,
}

impl Name {
    /// `/a/b` (+ `/` when `slash`); the root is `/`.
    #[inline]
    pub(crate) fn absolute(ids: &[u16], slash: bool) -> Self {
        let mut n = Name {
            ids: [0; 4],
            len: ids.len() as u8,
            lead: true,
            trail: slash || ids.is_empty(),
        };
        n.ids[..ids.len()].copy_from_slice(ids);
        n
    }

    /// `a/b` (relative, no leading slash).
    #[inline]
    pub(crate) fn relative(ids: &[u16]) -> Self {
        let mut n = Name::absolute(ids, false);
        n.lead = false;
        n.trail = false;
        n
    }

    /// Renders the text into `buf` (32 bytes hold the longest name); returns its length.
    #[cfg(test)]
    pub(crate) fn render(&self, buf: &mut [u8; 32]) -> usize {
        self.render_at(buf, 0)
    }

    /// Renders the text into `buf` from `start` (which must leave 25 bytes); returns its
    /// length.
    #[cfg(test)]
    pub(crate) fn render_at(&self, buf: &mut [u8], start: usize) -> usize {
        let mut at = start;
        for (i, &id) in self.ids[..self.len as usize].iter().enumerate() {
            if self.lead || i > 0 {
                buf[at] = b'/';
                at += 1;
            }
            at += write_u16(&mut buf[at..], id);
        }
        if self.trail {
            buf[at] = b'/';
            at += 1;
        }
        at - start
    }

    /// The IDs, their count, and whether the text has a leading and a trailing slash.
    #[inline(always)]
    pub(crate) fn parts(&self) -> (&[u16; 4], usize, bool, bool) {
        (&self.ids, (self.len as usize).min(4), self.lead, self.trail)
    }

    /// The text's length in bytes.
    #[inline]
    pub(crate) fn text_len(&self) -> usize {
        let ids = &self.ids[..self.len as usize];
        let mut n = ids.iter().map(|&id| digit_count(id)).sum::<usize>();
        n += ids.len().saturating_sub(1);
        n += usize::from(self.lead && !ids.is_empty()) + usize::from(self.trail);
        n
    }

    /// Hands the text to `put` byte by byte (no buffer, no copy).
    #[inline(always)]
    pub(crate) fn each_byte(&self, mut put: impl FnMut(u8)) {
        let len = (self.len as usize).min(4);
        if len > 0 {
            if self.lead {
                put(b'/');
            }
            each_digit(self.ids[0], &mut put);
            for &id in &self.ids[1..len] {
                put(b'/');
                each_digit(id, &mut put);
            }
        }
        if self.trail {
            put(b'/');
        }
    }

    #[cfg(test)]
    fn text(&self) -> alloc::string::String {
        let mut buf = [0u8; 32];
        let n = self.render(&mut buf);
        core::str::from_utf8(&buf[..n]).unwrap_or("").into()
    }
}

/// Bytes written into initialized room (an output vector's or a caller's buffer), the
/// position in a register: a length field updated per byte makes every byte wait for
/// the previous store. Callers reserve room for the whole record first.
pub(crate) struct Room<'b> {
    pub(crate) buf: &'b mut [u8],
    pub(crate) n: usize,
}

impl Room<'_> {
    #[inline(always)]
    pub(crate) fn byte(&mut self, b: u8) {
        self.buf[self.n] = b;
        self.n += 1;
    }

    #[inline(always)]
    pub(crate) fn bytes(&mut self, b: &[u8]) {
        let end = self.n + b.len();
        super::copy_short(&mut self.buf[self.n..end], b);
        self.n = end;
    }

    /// The first `len` bytes of `word` (little-endian): one 8-byte store, the room has
    /// slack for it.
    #[inline(always)]
    pub(crate) fn word(&mut self, word: u64, len: usize) {
        self.buf[self.n..self.n + 8].copy_from_slice(&word.to_le_bytes());
        self.n += len;
    }

    /// Runs `f` (an out-of-line writer) on the rest of the room. A `Room` passed by
    /// reference to a function that is not inlined lives in memory, and every write to it
    /// goes through the stack; the temporary one given to `f` keeps this one in registers.
    #[inline(always)]
    pub(crate) fn sub<R>(&mut self, f: impl FnOnce(&mut Room<'_>) -> R) -> R {
        let mut t = Room {
            buf: &mut self.buf[self.n..],
            n: 0,
        };
        let r = f(&mut t);
        self.n += t.n;
        r
    }
}

/// The decimal digits of `v` as little-endian bytes of a word, and their count.
#[inline(always)]
pub(crate) fn digits_word(v: u16) -> (u64, usize) {
    let v = u64::from(v);
    if v < 10 {
        return (0x30 + v, 1);
    }
    if v < 100 {
        return (0x3030 + v / 10 + ((v % 10) << 8), 2);
    }
    // Five digits, most significant in the lowest byte, then the leading zeros dropped.
    let w = (v / 10000)
        | ((v / 1000 % 10) << 8)
        | ((v / 100 % 10) << 16)
        | ((v / 10 % 10) << 24)
        | ((v % 10) << 32);
    let n = digit_count(v as u16);
    ((w >> (8 * (5 - n))) + (0x30_3030_3030 >> (8 * (5 - n))), n)
}

/// Number of decimal digits of `v`.
#[inline]
pub(crate) fn digit_count(v: u16) -> usize {
    match v {
        0..=9 => 1,
        10..=99 => 2,
        100..=999 => 3,
        1000..=9999 => 4,
        _ => 5,
    }
}

/// Hands the decimal digits of `v` to `put`, most significant first.
#[inline(always)]
pub(crate) fn each_digit(v: u16, put: &mut impl FnMut(u8)) {
    let d = |x: u16| b'0' + x as u8;
    match v {
        0..=9 => put(d(v)),
        10..=99 => {
            put(d(v / 10));
            put(d(v % 10));
        }
        100..=999 => {
            put(d(v / 100));
            put(d(v / 10 % 10));
            put(d(v % 10));
        }
        1000..=9999 => {
            put(d(v / 1000));
            put(d(v / 100 % 10));
            put(d(v / 10 % 10));
            put(d(v % 10));
        }
        _ => {
            put(d(v / 10000));
            put(d(v / 1000 % 10));
            put(d(v / 100 % 10));
            put(d(v / 10 % 10));
            put(d(v % 10));
        }
    }
}

/// Writes the decimal digits of `v` at the start of `buf` (at least 5 bytes); returns
/// their count.
#[inline]
pub(crate) fn write_u16(buf: &mut [u8], v: u16) -> usize {
    let n = match v {
        0..=9 => 1,
        10..=99 => 2,
        100..=999 => 3,
        1000..=9999 => 4,
        _ => 5,
    };
    let mut x = v;
    for i in (0..n).rev() {
        buf[i] = b'0' + (x % 10) as u8;
        x /= 10;
    }
    n
}

/// Decimal digits of `v` at the end of `buf` (which must hold 20 bytes for any u64).
pub(crate) fn write_u64(buf: &mut [u8], mut v: u64) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    &buf[i..]
}

/// How the encoder names records.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Naming {
    /// No `bn`; `n` is the full path.
    PathsOnly,
    /// First record: `bn` = the path; no `n` anywhere.
    Single(Path),
    /// `bn` = `/O/I/` whenever the instance changes; `n` = the rest.
    Grouped,
}

/// The name fields of one record.
pub(crate) struct Names {
    pub(crate) bn: Option<Name>,
    pub(crate) n: Option<Name>,
}

/// Tracks the current base name while records are written.
#[derive(Clone, Debug)]
pub(crate) struct Namer {
    naming: Naming,
    // Current base-name group: (number of IDs, object, instance); len 0xFF = none yet.
    group: (usize, u16, u16),
    started: bool,
}

impl Namer {
    pub(crate) fn new(naming: Naming) -> Self {
        Namer {
            naming,
            group: (usize::MAX, 0, 0),
            started: false,
        }
    }

    #[inline]
    pub(crate) fn names(&mut self, path: &Path) -> Names {
        let first = !self.started;
        self.started = true;
        match self.naming {
            Naming::PathsOnly => Names {
                bn: None,
                n: Some(Name::absolute(path.ids(), false)),
            },
            Naming::Single(p) => Names {
                bn: first.then(|| Name::absolute(p.ids(), false)),
                n: None,
            },
            Naming::Grouped => {
                let ids = path.ids();
                let cut = ids.len().min(2);
                let group = (
                    cut,
                    ids.first().copied().unwrap_or(0),
                    ids.get(1).copied().unwrap_or(0),
                );
                let bn = (self.group != group).then(|| {
                    self.group = group;
                    Name::absolute(&ids[..cut], true)
                });
                let n = (ids.len() > cut).then(|| Name::relative(&ids[cut..]));
                Names { bn, n }
            }
        }
    }
}

impl Namer {
    /// Names of a value record written through a streaming writer (grouped or single).
    #[inline]
    pub(crate) fn leaf_names(&mut self, leaf: &Leaf, target: &Path) -> Names {
        if let Naming::Single(_) = self.naming {
            let first = !self.started;
            self.started = true;
            return Names {
                bn: first.then(|| Name::absolute(target.ids(), false)),
                n: None,
            };
        }
        self.started = true;
        let group = (2, leaf.o, leaf.i);
        // Built field by field with constant indices (no variable-length copies).
        let bn = (self.group != group).then(|| {
            self.group = group;
            Name {
                ids: [leaf.o, leaf.i, 0, 0],
                len: 2,
                lead: true,
                trail: true,
            }
        });
        let n = Some(Name {
            ids: [leaf.r, leaf.ri.unwrap_or(0), 0, 0],
            len: if leaf.ri.is_some() { 2 } else { 1 },
            lead: false,
            trail: false,
        });
        Names { bn, n }
    }
}

/// The naming a batch of records gets (see the module docs).
pub(crate) fn plan_naming<R: AsRecordRef>(records: &[R]) -> Naming {
    if records.iter().all(|r| r.as_record_ref().value.is_none()) {
        return Naming::PathsOnly;
    }
    let first = records[0].as_record_ref().path;
    if first.len() >= 3 && records.iter().all(|r| r.as_record_ref().path == first) {
        Naming::Single(first)
    } else {
        Naming::Grouped
    }
}

/// Largest magnitude for which every integer is exact in an f64.
const EXACT: f64 = 9_007_199_254_740_992.0;

fn integral(t: f64) -> bool {
    t.is_finite() && (-EXACT..=EXACT).contains(&t) && (t as i64) as f64 == t
}

/// The base time of a batch: the first value record's time when every value record has
/// an integral time. (Path-only records carry no time: a decoder reports none for them.)
pub(crate) fn plan_base_time<R: AsRecordRef>(records: &[R]) -> Option<f64> {
    let mut values = records
        .iter()
        .map(AsRecordRef::as_record_ref)
        .filter(|r| r.value.is_some());
    let first = values.next()?.time?;
    values
        .all(|r| r.time.is_some_and(integral))
        .then_some(first)
        .filter(|f| integral(*f))
}

/// The time fields (`bt`, `t`) of one record given the batch base time; `first` is the
/// first record of the batch (which carries `bt`). Path-only records get no `t`.
pub(crate) fn time_fields(
    base: Option<f64>,
    first: bool,
    record: &RecordRef<'_>,
) -> (Option<f64>, Option<f64>) {
    let bt = if first { base } else { None };
    let time = if record.value.is_some() {
        record.time
    } else {
        None
    };
    match (base, time) {
        (Some(b), Some(t)) => (bt, Some(t - b).filter(|rel| *rel != 0.0)),
        (_, t) => (bt, t),
    }
}

/// Whether a time (or any number) is integral and exactly representable as i64; then
/// encoders write it as an integer.
pub(crate) fn as_exact_int(t: f64) -> Option<i64> {
    integral(t).then_some(t as i64)
}

/// The full path of a value as plain IDs (kept out of [`Path`] on the hot path).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Leaf {
    pub(crate) o: u16,
    pub(crate) i: u16,
    pub(crate) r: u16,
    pub(crate) ri: Option<u16>,
}

#[cfg(test)]
impl Leaf {
    /// The leaf's path.
    pub(crate) fn path(&self) -> Path {
        match self.ri {
            Some(ri) => Path::resource_instance(self.o, self.i, self.r, ri),
            None => Path::resource(self.o, self.i, self.r),
        }
    }
}

/// Tracks the full path of each value while a [`Writer`](super::Writer) is driven.
#[derive(Clone, Debug)]
pub(crate) struct Walker {
    target: Path,
    depth: usize,
    t: [u16; 4],
    instance: Option<u16>,
    multiple: Option<u16>,
    single_done: bool,
}

const BAD_ID: &str = "invalid ID 65535";

impl Walker {
    pub(crate) fn new(target: Path) -> Self {
        // ID by ID: a copy of variable length is a `memcpy` call, and reading the array
        // back as a whole right after its pieces were stored stalls.
        let ids = target.ids();
        let id = |k: usize| ids.get(k).copied().unwrap_or(0);
        let t = [id(0), id(1), id(2), id(3)];
        Walker {
            target,
            depth: target.len(),
            t,
            instance: None,
            multiple: None,
            single_done: false,
        }
    }

    pub(crate) fn target(&self) -> Path {
        self.target
    }

    pub(crate) fn begin_instance(&mut self, id: u16) -> Result<(), &'static str> {
        if self.depth != 1 || self.instance.is_some() {
            return Err("object instance outside an object target");
        }
        if id == u16::MAX {
            return Err(BAD_ID);
        }
        self.instance = Some(id);
        Ok(())
    }

    pub(crate) fn end_instance(&mut self) -> Result<(), &'static str> {
        if self.multiple.is_some() || self.instance.take().is_none() {
            return Err("end of an instance that was not begun");
        }
        Ok(())
    }

    #[inline]
    fn instance_id(&self) -> Result<u16, &'static str> {
        match self.depth {
            1 => self.instance.ok_or("resource outside an object instance"),
            _ => Ok(self.t[1]),
        }
    }

    pub(crate) fn begin_multiple(&mut self, id: u16) -> Result<(), &'static str> {
        if self.multiple.is_some() || self.depth == 0 || self.depth > 3 {
            return Err("multiple resource inside a resource");
        }
        self.instance_id()?;
        if id == u16::MAX || (self.depth == 3 && id != self.t[2]) {
            return Err("resource ID does not match the target path");
        }
        self.multiple = Some(id);
        Ok(())
    }

    pub(crate) fn end_multiple(&mut self) -> Result<(), &'static str> {
        self.multiple
            .take()
            .map(|_| ())
            .ok_or("end of a multiple resource that was not begun")
    }

    /// The full path of a value, and whether it is the (single-value) target itself.
    #[inline(always)]
    pub(crate) fn value(&mut self, id: u16) -> Result<(Leaf, bool), &'static str> {
        if id == u16::MAX {
            return Err(BAD_ID);
        }
        // An instance target (the common case), without the general dispatch below.
        if self.depth == 2 {
            let (o, i) = (self.t[0], self.t[1]);
            let (r, ri) = match self.multiple {
                Some(r) => (r, Some(id)),
                None => (id, None),
            };
            return Ok((Leaf { o, i, r, ri }, false));
        }
        let o = self.t[0];
        if let Some(r) = self.multiple {
            let i = self.instance_id()?;
            return Ok((
                Leaf {
                    o,
                    i,
                    r,
                    ri: Some(id),
                },
                false,
            ));
        }
        let leaf = match self.depth {
            1 | 2 => {
                let i = self.instance_id()?;
                return Ok((
                    Leaf {
                        o,
                        i,
                        r: id,
                        ri: None,
                    },
                    false,
                ));
            }
            3 if id == self.t[2] => Leaf {
                o,
                i: self.t[1],
                r: id,
                ri: None,
            },
            4 if id == self.t[3] => Leaf {
                o,
                i: self.t[1],
                r: self.t[2],
                ri: Some(id),
            },
            0 => return Err("value at the root path"),
            _ => return Err("resource ID does not match the target path"),
        };
        if self.single_done {
            return Err("more than one value for a single-value target");
        }
        self.single_done = true;
        Ok((leaf, true))
    }

    /// Begins multiple resource `id` (65535: ends it) without the checks of
    /// [`Walker::begin_multiple`], for a writer that made them.
    #[inline(always)]
    pub(crate) fn set_multiple(&mut self, id: u16) {
        self.multiple = (id != u16::MAX).then_some(id);
    }

    /// The multiple resource whose instances are being written, if any.
    #[inline(always)]
    pub(crate) fn multiple(&self) -> Option<u16> {
        self.multiple
    }

    /// The instance `(O, I)` values belong to when their full path follows from their ID
    /// and [`Walker::multiple`] alone (no check but the ID's): the target of an instance
    /// target, the current instance of an object target.
    #[inline]
    pub(crate) fn current_instance(&self) -> Option<(u16, u16)> {
        match self.depth {
            2 => Some((self.t[0], self.t[1])),
            1 => self.instance.map(|i| (self.t[0], i)),
            _ => None,
        }
    }

    /// Whether the writer is inside an unfinished container.
    pub(crate) fn open(&self) -> bool {
        self.instance.is_some() || self.multiple.is_some()
    }
}

/// Collects a reader's events into records, typing values through `types` where the model
/// knows the resource (fallback: [`RawValue::to_value_untyped`]). Rejects a record that
/// repeats the path and time of an earlier one.
pub(crate) fn collect_records<'a, R: Reader<'a>>(
    reader: &mut R,
    types: &dyn TypeLookup,
) -> Result<Vec<Record>, Error> {
    let mut out = Vec::new();
    let mut seen: BTreeSet<(Path, Option<u64>)> = BTreeSet::new();
    while let Some(ev) = reader.next_event().map_err(Into::into)? {
        let (path, value, time) = match ev {
            Event::Value { path, value, time } => (path, Some(value), time),
            Event::PathOnly(path) => (path, None, None),
            Event::MultipleResource(_) | Event::Instance(_) => continue,
        };
        if !seen.insert((path, time.map(f64::to_bits))) {
            return Err(Error::Path {
                path,
                reason: "duplicate path in payload",
            });
        }
        let value = match value {
            None => None,
            Some(raw) => Some(typed(&path, &raw, types)?),
        };
        out.push(Record { path, value, time });
    }
    Ok(out)
}

/// Builds the [`Node`](crate::Node) addressed to `target` from a SenML-like reader
/// (values only, no container events), with the checks and errors of
/// [`NodeBuilder`](super::NodeBuilder) but without its generality: one object, lists
/// searched only when IDs arrive out of order.
pub(crate) fn build_node<'a, R: RawRecords<'a> + Reader<'a>>(
    target: &Path,
    reader: &mut R,
    types: &dyn TypeLookup,
) -> Result<crate::Node, Error> {
    use crate::{InstanceNode, ResourceInstanceNode, ResourceNode, ResourceValue};
    if target.is_empty() {
        return super::decode_node(target, reader, types);
    }
    let path_err = |path: &Packed, reason: &'static str| {
        Err(Error::Path {
            path: path.path(),
            reason,
        })
    };
    let packed_target = Packed::from_path(target);
    let mut instances: Vec<InstanceNode> = Vec::new();
    // A target below the object has one instance: no list of instances to search.
    let one_instance = target.len() >= 2;
    let mut one = InstanceNode {
        id: packed_target.id(1),
        resources: Vec::new(),
    };
    let mut lk = super::Lookup::new();
    // One object: its model, when the lookup has one, answers every resource.
    let model = types.object_model(packed_target.id(0));
    let object_parent = Path::object(packed_target.id(0));
    let mut instance_parent = (
        packed_target.id(1),
        Path::instance(packed_target.id(0), packed_target.id(1)),
    );
    loop {
        let (p, value) = match reader.next_fast() {
            Some(r) => r,
            None => match reader.next_raw()? {
                Some(rec) => (rec.path, rec.value),
                None => break,
            },
        };
        let Some(raw) = value else {
            return path_err(&p, "path without a value");
        };
        if !packed_target.contains(&p) {
            return path_err(&p, "outside the requested path");
        }
        if p.len() < 3 {
            return path_err(&p, "value at an object or instance path");
        }
        let (i, r, ri) = (p.id(1), p.id(2), (p.len() == 4).then(|| p.id(3)));
        let v = match super::lookup(types, model, p.id(0), r) {
            Some((dt, multiple)) => {
                if multiple && ri.is_none() {
                    return path_err(&p, "single value for a multiple-instance resource");
                }
                if !multiple && ri.is_some() {
                    return path_err(&p, "resource instance of a single-instance resource");
                }
                // The common cases inline (same results as `to_value`), the rest through it.
                match (dt, &raw) {
                    (DataType::String, RawValue::Str(s)) => Value::String(String::from(&**s)),
                    (DataType::Integer, RawValue::Integer(v)) if i64::try_from(*v).is_ok() => {
                        Value::Integer(*v as i64)
                    }
                    (DataType::Time, RawValue::Integer(v)) if i64::try_from(*v).is_ok() => {
                        Value::Time(crate::Time(*v as i64))
                    }
                    (DataType::Float, RawValue::Float(f)) => Value::Float(*f),
                    (DataType::Boolean, RawValue::Boolean(b)) => Value::Boolean(*b),
                    _ => raw.to_value(dt).map_err(|source| Error::Value {
                        path: p.path(),
                        source,
                    })?,
                }
            }
            None => raw.to_value_untyped(),
        };
        // Ascending IDs need no search; see `Lookup`. (The parent paths are built once:
        // a path built and read back per record stalls the CPU's store forwarding.)
        let o = p.id(0);
        let parent = object_parent;
        let inst = if one_instance {
            // Every record lies in the target's instance (checked above).
            if one.resources.capacity() == 0 {
                one.resources.reserve_exact(super::RESOURCES_CAPACITY);
            }
            &mut one
        } else {
            match lk.find(&instances, parent, i) {
                Some(k) => &mut instances[k],
                None => {
                    let prev = instances.last().map(|l| l.id);
                    instances.push(InstanceNode {
                        id: i,
                        resources: Vec::with_capacity(super::resources_capacity(instances.len())),
                    });
                    lk.pushed(parent, prev, i, instances.len() - 1);
                    instances.last_mut().expect("just pushed")
                }
            }
        };
        if instance_parent.0 != i {
            instance_parent = (i, Path::instance(o, i));
        }
        let parent = instance_parent.1;
        match (lk.find(&inst.resources, parent, r), ri) {
            (None, ri) => {
                let prev = inst.resources.last().map(|l| l.id);
                inst.resources.push(ResourceNode {
                    id: r,
                    value: match ri {
                        None => ResourceValue::Single(v),
                        Some(ri) => ResourceValue::Multiple({
                            let mut l = Vec::with_capacity(4);
                            l.push(ResourceInstanceNode { id: ri, value: v });
                            l
                        }),
                    },
                });
                lk.pushed(parent, prev, r, inst.resources.len() - 1);
            }
            (Some(k), ri) => match (&mut inst.resources[k].value, ri) {
                (ResourceValue::Multiple(list), Some(ri)) => {
                    let parent = Path::resource(o, i, r);
                    if lk.find(list, parent, ri).is_some() {
                        return path_err(&p, "duplicate path in payload");
                    }
                    let prev = list.last().map(|l| l.id);
                    list.push(ResourceInstanceNode { id: ri, value: v });
                    lk.pushed(parent, prev, ri, list.len() - 1);
                }
                (ResourceValue::Single(_), None) => {
                    return path_err(&p, "duplicate path in payload");
                }
                _ => return path_err(&p, "value and resource instances at one resource"),
            },
        }
    }
    let shape = |reason: &str| Error::Shape {
        path: *target,
        reason: reason.into(),
    };
    let ids = target.ids();
    Ok(match ids.len() {
        1 => crate::Node::Object(crate::ObjectNode {
            id: ids[0],
            instances,
        }),
        2 => crate::Node::Instance(one),
        3 => crate::Node::Resource(match one.resources.pop() {
            Some(r) => r,
            // No record for a resource the model says is multiple: it has no instances
            // (what the encoders write for one, an empty pack).
            None if types
                .resource_type(ids[0], ids[2])
                .is_some_and(|(_, multiple)| multiple) =>
            {
                ResourceNode {
                    id: ids[2],
                    value: ResourceValue::Multiple(Vec::new()),
                }
            }
            None => return Err(shape("no value for the resource")),
        }),
        _ => {
            let res = one
                .resources
                .pop()
                .ok_or_else(|| shape("no value for the resource instance"))?;
            match res.value {
                ResourceValue::Multiple(mut l) if l.len() == 1 => {
                    crate::Node::ResourceInstance(l.remove(0))
                }
                _ => return Err(shape("no value for the resource instance")),
            }
        }
    })
}

fn typed(path: &Path, raw: &RawValue<'_>, types: &dyn TypeLookup) -> Result<Value, Error> {
    let ids = path.ids();
    if ids.len() >= 3
        && let Some((dt, _)) = types.resource_type(ids[0], ids[2])
    {
        return raw.to_value(dt).map_err(|source| Error::Value {
            path: *path,
            source,
        });
    }
    Ok(raw.to_value_untyped())
}

/// Parses `d/d/...` (1–5 digit IDs below 65535, optional trailing `/`) and appends the IDs;
/// `None` when the text is not of that form or there would be more than 4 IDs.
#[inline(always)]
fn parse_ids(text: &[u8], ids: &mut [u16; 4], len: &mut usize) -> Option<()> {
    let mut i = 0;
    while i < text.len() {
        let start = i;
        let mut v: u32 = 0;
        while i < text.len() && text[i].is_ascii_digit() {
            v = v * 10 + u32::from(text[i] - b'0');
            i += 1;
            if i - start > 5 {
                return None;
            }
        }
        if i == start || v >= 65535 || *len == 4 {
            return None;
        }
        ids[*len] = v as u16;
        *len += 1;
        if i < text.len() {
            if text[i] != b'/' {
                return None;
            }
            i += 1;
        }
    }
    Some(())
}

/// A path as IDs packed in one integer: written and read whole, where a [`Path`] built ID
/// by ID and then copied stalls the CPU's store forwarding on the decoding hot path.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Packed {
    ids: u64,
    // A full word: a byte-sized field read back as part of a wider load stalls too.
    len: u64,
}

impl Packed {
    #[inline]
    fn new(ids: &[u16; 4], len: usize) -> Self {
        Packed {
            ids: u64::from(ids[0])
                | u64::from(ids[1]) << 16
                | u64::from(ids[2]) << 32
                | u64::from(ids[3]) << 48,
            len: len as u64,
        }
    }

    #[inline]
    fn from_path(p: &Path) -> Self {
        let mut ids = [0u16; 4];
        ids[..p.len()].copy_from_slice(p.ids());
        Packed::new(&ids, p.len())
    }

    /// Number of IDs.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.len as usize
    }

    /// ID `k` (0 when absent).
    #[inline]
    pub(crate) fn id(&self, k: usize) -> u16 {
        (self.ids >> (16 * k)) as u16
    }

    /// Whether `other` equals this path or lies below it.
    #[inline]
    pub(crate) fn contains(&self, other: &Packed) -> bool {
        let mask = match self.len {
            0 => 0,
            4 => u64::MAX,
            n => (1u64 << (16 * n)) - 1,
        };
        other.len >= self.len && (self.ids ^ other.ids) & mask == 0
    }

    /// The path.
    #[inline]
    pub(crate) fn path(&self) -> Path {
        let id = |k| self.id(k);
        match self.len {
            0 => Path::ROOT,
            1 => Path::object(id(0)),
            2 => Path::instance(id(0), id(1)),
            3 => Path::resource(id(0), id(1), id(2)),
            _ => Path::resource_instance(id(0), id(1), id(2), id(3)),
        }
    }
}

/// One decoded record before typing.
#[derive(Clone, Debug)]
pub(crate) struct RawRecord<'a> {
    pub(crate) path: Packed,
    pub(crate) value: Option<RawValue<'a>>,
    pub(crate) time: Option<f64>,
}

impl<'a> RawRecord<'a> {
    #[inline]
    pub(crate) fn into_event(self) -> Event<'a> {
        let path = self.path.path();
        match self.value {
            Some(value) => Event::Value {
                path,
                value,
                time: self.time,
            },
            None => Event::PathOnly(path),
        }
    }
}

/// Feeds one record of a payload addressed to the instance-level `scope` to `sink`: what
/// [`sink_event`](super::sink_event) does with the record's event, without building it.
#[inline]
pub(crate) fn sink_record<S: InstanceSink + ?Sized>(
    scope: &Packed,
    rec: &RawRecord<'_>,
    sink: &mut S,
) -> Result<(), Error> {
    sink_value(scope, rec.path, rec.value.as_ref(), sink)
}

/// [`sink_record`] of a record's path and value.
#[inline(always)]
pub(crate) fn sink_value<S: InstanceSink + ?Sized>(
    scope: &Packed,
    p: Packed,
    value: Option<&RawValue<'_>>,
    sink: &mut S,
) -> Result<(), Error> {
    let Some(value) = value else {
        return Err(Error::Path {
            path: p.path(),
            reason: "path without a value",
        });
    };
    if !scope.contains(&p) {
        return Err(Error::Path {
            path: p.path(),
            reason: "outside the requested path",
        });
    }
    if p.len() < 3 {
        return Err(Error::Path {
            path: p.path(),
            reason: "value at an object or instance path",
        });
    }
    let ri = if p.len() == 4 { Some(p.id(3)) } else { None };
    sink.set(p.id(2), ri, value).map_err(|e| e.at(p.path()))
}

/// Whether [`sink_record`] can stand for the events of a payload addressed to `scope`
/// (`/O/I`, `/O/I/R` or `/O/I/R/RI`); other scopes go through the events.
#[inline]
pub(crate) fn instance_scope(scope: &Path) -> Option<Packed> {
    (2..=4)
        .contains(&scope.len())
        .then(|| Packed::from_path(scope))
}

/// The record-level interface of the SenML and LwM2M JSON readers.
pub(crate) trait RawRecords<'a> {
    /// The next record, `Ok(None)` at the end.
    fn next_raw(&mut self) -> Result<Option<RawRecord<'a>>, Error>;

    /// The next record's path and value when the reader can take it in a fast path
    /// (the same as [`next_raw`](Self::next_raw) would give, without its time); `None`
    /// leaves the reader as it was.
    #[inline(always)]
    fn next_fast(&mut self) -> Option<(Packed, Option<RawValue<'a>>)> {
        None
    }
}

/// Base-name and base-time state of a SenML decoder (RFC 8428 §4.6).
#[derive(Clone, Debug)]
pub(crate) struct Resolver {
    bn: [u8; 64],
    bn_len: usize,
    bn_too_long: bool,
    // The base name parsed as `/d/d` (`Some(trailing slash)`), when it has that form.
    bn_ids: [u16; 4],
    bn_ids_len: usize,
    bn_form: Option<bool>,
    bt: Option<f64>,
    // Alternate path every name must start with (LwM2M 1.2, e.g. `/lwm2m`).
    prefix: [u8; 32],
    prefix_len: usize,
}

impl Resolver {
    /// Names must start with `prefix` (an alternate path such as `/lwm2m`), which is
    /// removed before the rest is read as a path. Longer than 32 bytes: `false`.
    pub(crate) fn set_prefix(&mut self, prefix: &str) -> bool {
        let p = prefix.trim_end_matches('/').as_bytes();
        if p.len() > self.prefix.len() {
            return false;
        }
        self.prefix[..p.len()].copy_from_slice(p);
        self.prefix_len = p.len();
        true
    }

    pub(crate) fn new() -> Self {
        Resolver {
            bn: [0; 64],
            bn_len: 0,
            bn_too_long: false,
            bn_ids: [0; 4],
            bn_ids_len: 0,
            bn_form: None,
            bt: None,
            prefix: [0; 32],
            prefix_len: 0,
        }
    }

    pub(crate) fn set_base_name(&mut self, bn: &[u8]) {
        self.bn_form = None;
        if bn.len() > self.bn.len() {
            self.bn_too_long = true;
            self.bn_len = 0;
            return;
        }
        self.bn_too_long = false;
        self.bn[..bn.len()].copy_from_slice(bn);
        self.bn_len = bn.len();
        let b = bn;
        if let Some(rest) = b.strip_prefix(b"/") {
            self.bn_ids_len = 0;
            let trailing = rest.last() == Some(&b'/') || rest.is_empty();
            if parse_ids(rest, &mut self.bn_ids, &mut self.bn_ids_len).is_some() {
                self.bn_form = Some(trailing);
            }
        }
    }

    pub(crate) fn set_base_time(&mut self, bt: f64) {
        self.bt = Some(bt);
    }

    /// The record's path (`bn` + `n`) when the split falls on a `/` (Leshan's "/3/0/" +
    /// "9", Anjay's "/3/0" + "/9", or a full name without base) and both parts are plain
    /// IDs (ASCII then); `None` otherwise (see [`path`](Self::path)).
    #[inline(always)]
    pub(crate) fn path_split(&self, n: &[u8]) -> Option<Packed> {
        let rel = match (self.bn_len, self.bn_form) {
            _ if self.prefix_len > 0 => None,
            (0, _) if !self.bn_too_long => n.strip_prefix(b"/"),
            (_, Some(true)) if n.first() != Some(&b'/') => Some(n),
            (_, Some(false)) if n.is_empty() => Some(n),
            (_, Some(false)) => n.strip_prefix(b"/").filter(|r| !r.is_empty()),
            _ => None,
        }?;
        let mut ids = self.bn_ids;
        let mut len = if self.bn_len == 0 { 0 } else { self.bn_ids_len };
        parse_ids(rel, &mut ids, &mut len)?;
        // Built with constant indices: a path assembled element by element and then
        // copied whole stalls the CPU's store forwarding.
        Some(Packed::new(&ids, len))
    }

    /// The record's path (`bn` + `n`), or a reason.
    #[inline]
    pub(crate) fn path(&self, n: Option<&[u8]>) -> Result<Packed, &'static str> {
        let n = n.unwrap_or(b"");
        match self.path_split(n) {
            Some(p) => Ok(p),
            None => self.path_joined(n),
        }
    }

    /// [`path`](Self::path) when the split is not on a `/`: `bn` and `n` concatenated.
    #[inline(never)]
    fn path_joined(&self, n: &[u8]) -> Result<Packed, &'static str> {
        const BAD: &str = "name is not a LwM2M path (/O, /O/I, /O/I/R or /O/I/R/RI)";
        if self.bn_too_long {
            return Err(BAD);
        }
        if self.bn_len == 0 && n.is_empty() {
            return Err("record has no name (no bn and no n)");
        }
        let total = self.bn_len + n.len();
        if total > 64 {
            return Err(BAD);
        }
        let mut buf = [0u8; 64];
        buf[..self.bn_len].copy_from_slice(&self.bn[..self.bn_len]);
        buf[self.bn_len..total].copy_from_slice(n);
        let mut text = core::str::from_utf8(&buf[..total]).map_err(|_| BAD)?;
        if self.prefix_len > 0 {
            let rest = text
                .as_bytes()
                .strip_prefix(&self.prefix[..self.prefix_len])
                .ok_or("name outside the alternate path")?;
            text = &text[total - rest.len()..];
            if text.is_empty() {
                return Ok(Packed::from_path(&Path::ROOT));
            }
        }
        text.parse().map(|p| Packed::from_path(&p)).map_err(|_| BAD)
    }

    /// The record's resolved time.
    #[inline]
    pub(crate) fn time(&self, t: Option<f64>) -> Option<f64> {
        match (self.bt, t) {
            (None, None) => None,
            (b, t) => Some(b.unwrap_or(0.0) + t.unwrap_or(0.0)),
        }
    }
}

/// Defines a codec error type: a byte offset and a reason, convertible into
/// [`FormatError`](super::FormatError) / [`Error`](super::Error).
macro_rules! codec_error {
    ($(#[$doc:meta])* $name:ident, $format:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct $name {
            /// Byte offset into the payload (for JSON, of the offending token).
            pub offset: usize,
            /// The reason, for a person.
            pub reason: alloc::borrow::Cow<'static, str>,
        }

        impl $name {
            /// An error at `offset`.
            pub fn new(offset: usize, reason: impl Into<alloc::borrow::Cow<'static, str>>) -> Self {
                $name {
                    offset,
                    reason: reason.into(),
                }
            }
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                write!(f, "{} at byte {}: {}", $format, self.offset, self.reason)
            }
        }

        impl core::error::Error for $name {}

        impl From<$name> for $crate::codec::FormatError {
            fn from(e: $name) -> Self {
                $crate::codec::FormatError {
                    format: $format,
                    offset: e.offset,
                    reason: e.reason,
                }
            }
        }

        impl From<$name> for $crate::codec::Error {
            fn from(e: $name) -> Self {
                $crate::codec::Error::Format(e.into())
            }
        }
    };
}

pub(crate) use codec_error;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_render() {
        assert_eq!(Name::absolute(&[3, 0], true).text(), "/3/0/");
        assert_eq!(
            Name::absolute(&[3303, 0, 5700], false).text(),
            "/3303/0/5700"
        );
        assert_eq!(
            Name::absolute(&[65534, 65534, 65534, 65534], true).text(),
            "/65534/65534/65534/65534/"
        );
        assert_eq!(Name::relative(&[6, 0]).text(), "6/0");
        assert_eq!(Name::absolute(&[], false).text(), "/");
        for name in [
            Name::absolute(&[3, 0], true),
            Name::absolute(&[65534, 10, 100, 1000], false),
            Name::relative(&[6, 0]),
            Name::absolute(&[], false),
        ] {
            let mut v = alloc::vec::Vec::new();
            name.each_byte(|b| v.push(b));
            assert_eq!(v, name.text().as_bytes());
            assert_eq!(name.text_len(), v.len());
        }
    }

    #[test]
    fn resolver_concatenates() {
        let mut r = Resolver::new();
        assert!(r.path(None).map(|p| p.path()).is_err());
        r.set_base_name(b"/3/0");
        assert_eq!(
            r.path(Some(b"/9".as_slice())).map(|p| p.path()),
            Ok(Path::resource(3, 0, 9))
        );
        r.set_base_name(b"/3/0/");
        assert_eq!(
            r.path(Some(b"9".as_slice())).map(|p| p.path()),
            Ok(Path::resource(3, 0, 9))
        );
        assert_eq!(r.path(None).map(|p| p.path()), Ok(Path::instance(3, 0)));
        assert!(r.path(Some(b"x".as_slice())).map(|p| p.path()).is_err());
        assert_eq!(
            r.path(Some(b"6/0".as_slice())).map(|p| p.path()),
            Ok(Path::resource_instance(3, 0, 6, 0))
        );
        assert!(
            r.path(Some(b"6/0/1/2".as_slice()))
                .map(|p| p.path())
                .is_err()
        );
        assert!(r.path(Some(b"65535".as_slice())).map(|p| p.path()).is_err());
        r.set_base_name(b"/3/0/1");
        assert_eq!(
            r.path(Some(b"0".as_slice())).map(|p| p.path()),
            Ok(Path::resource(3, 0, 10))
        );
        assert_eq!(
            r.path(Some(b"/2".as_slice())).map(|p| p.path()),
            Ok(Path::resource_instance(3, 0, 1, 2))
        );
        r.set_base_name(b"/");
        assert_eq!(
            r.path(Some(b"3".as_slice())).map(|p| p.path()),
            Ok(Path::object(3))
        );
        assert_eq!(r.path(None).map(|p| p.path()), Ok(Path::ROOT));
        r.set_base_name(b"");
        assert_eq!(
            r.path(Some(b"/3/0/".as_slice())).map(|p| p.path()),
            Ok(Path::instance(3, 0))
        );
        assert!(r.path(Some(b"3/0".as_slice())).map(|p| p.path()).is_err());
        r.set_base_name(b"/lwm2m/");
        assert!(r.path(Some(b"3".as_slice())).map(|p| p.path()).is_err());
        assert!(r.set_prefix("/lwm2m/"));
        assert_eq!(
            r.path(Some(b"3/0/9".as_slice())).map(|p| p.path()),
            Ok(Path::resource(3, 0, 9))
        );
        r.set_base_name(b"/lwm2m");
        assert_eq!(r.path(None).map(|p| p.path()), Ok(Path::ROOT));
        assert_eq!(
            r.path(Some(b"/3".as_slice())).map(|p| p.path()),
            Ok(Path::object(3))
        );
        r.set_base_name(b"/3/0/");
        assert_eq!(
            r.path(Some(b"9".as_slice())).map(|p| p.path()),
            Err("name outside the alternate path")
        );
        assert_eq!(r.time(None), None);
        r.set_base_time(10.0);
        assert_eq!(r.time(Some(5.0)), Some(15.0));
        assert_eq!(r.time(None), Some(10.0));
    }

    #[test]
    fn walker_paths() {
        let mut w = Walker::new(Path::object(3));
        assert!(w.value(1).is_err());
        w.begin_instance(0).unwrap();
        assert_eq!(w.value(9).unwrap().0.path(), Path::resource(3, 0, 9));
        w.begin_multiple(6).unwrap();
        assert_eq!(
            w.value(1).unwrap(),
            (
                Leaf {
                    o: 3,
                    i: 0,
                    r: 6,
                    ri: Some(1)
                },
                false
            )
        );
        w.end_multiple().unwrap();
        w.end_instance().unwrap();
        let mut w = Walker::new(Path::resource(3, 0, 9));
        assert_eq!(w.value(9).unwrap().0.path(), Path::resource(3, 0, 9));
        assert!(w.value(9).unwrap_err().contains("more than one"));
        assert!(Walker::new(Path::resource(3, 0, 9)).value(8).is_err());
    }
}
