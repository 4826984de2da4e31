//! OMA TLV (`application/vnd.oma.lwm2m+tlv`, 11542; spec §7).
//!
//! A TLV is a header (kind, ID, length) and a value: kind 00 an Object Instance holding
//! resource TLVs, 01 a Resource Instance value, 10 a Multiple Resource holding kind-01
//! TLVs, 11 a single Resource value.
//!
//! Encoding ([`TlvWriter`]):
//! * Integer and Time: the smallest of 1/2/4/8 bytes, two's complement.
//! * Unsigned Integer: the smallest width whose top bit stays clear (255 → `00 FF`), so
//!   that readers taking it as signed (Leshan) and as unsigned (Anjay, the spec) agree;
//!   8 bytes for values ≥ 2^63.
//! * Float: 4 bytes (binary32) when that is lossless, else 8 (Anjay's choice, spec T5).
//! * Boolean one byte, Object Link 4 bytes, String, Core Link and Opaque as their bytes.
//! * 16-bit IDs only above 255, the shortest length form; an object path wraps every
//!   instance in an Object Instance TLV, even a lone one.
//!
//! Decoding ([`decode`]) feeds every value as [`RawValue::Bytes`] (the sink applies the
//! model's type), a kind-00 TLV as [`Sink::instance`] and a kind-10 TLV as
//! [`Sink::multiple`]. It accepts non-minimal headers, a kind-00 wrapper whose
//! ID matches an instance path, bare resources at an object path (instance 0) and bare
//! kind-01 TLVs at a resource path (the instances of that multiple resource), and
//! refuses what §7.3 lists: duplicate IDs at one level, kind-01 TLVs elsewhere outside a
//! Multiple Resource TLV (or the single TLV of a resource-instance path), kind-00 TLVs inside
//! containers, IDs that differ from the path's, children that run past their container,
//! truncated headers and values, and trailing bytes.

use alloc::collections::BTreeSet;
use core::mem::ManuallyDrop;

use super::{Error, ErrorKind, Output, RawValue, Sink, Syntax, Writer};
use crate::{ContentFormat, Path, ValueRef};

const F: ContentFormat = ContentFormat::Tlv;

/// Largest value or container length a TLV header can state (24-bit field).
pub const MAX_LENGTH: usize = 0xFF_FFFF;

const INSTANCE: u8 = 0;
const RESOURCE_INSTANCE: u8 = 1;
const MULTIPLE: u8 = 2;
const RESOURCE: u8 = 3;

fn err(at: usize, kind: ErrorKind) -> Error {
    Error::at(F, at, kind)
}

// ---- decoding ----

/// One TLV read within its container.
struct Tlv<'a> {
    kind: u8,
    id: u16,
    /// Where the value starts.
    body: usize,
    /// Where the value, and the TLV, end.
    end: usize,
    value: &'a [u8],
}

/// Reads the TLV at `at` of `bytes`, which end where the TLV's container ends: a TLV that
/// runs past them is a structure error when the container is a TLV (`nested`), else a
/// truncated payload.
#[inline]
fn read(bytes: &[u8], at: usize, nested: bool) -> Result<Tlv<'_>, Error> {
    let overrun = || {
        let kind = if nested {
            ErrorKind::Syntax(Syntax::InvalidTlv)
        } else {
            ErrorKind::Truncated
        };
        err(at, kind)
    };
    // The type byte, then the ID (1 or 2 bytes), then the length (in the type byte, or in
    // 1 to 3 bytes), big-endian.
    let t = bytes[at];
    let id_len = 1 + usize::from(t >> 5 & 1);
    let body = at + 1 + id_len + usize::from(t >> 3 & 3);
    let Some(fields) = bytes.get(at + 1..body) else {
        return Err(overrun());
    };
    let (id, len) = fields.split_at(id_len);
    let id = match *id {
        [a, b] => u16::from_be_bytes([a, b]),
        [a, ..] => u16::from(a),
        [] => 0,
    };
    let len = match *len {
        [] => usize::from(t & 7),
        [a] => usize::from(a),
        [a, b] => usize::from(u16::from_be_bytes([a, b])),
        [a, b, c, ..] => usize::from(a) << 16 | usize::from(u16::from_be_bytes([b, c])),
    };
    let end = body + len;
    let Some(value) = bytes.get(body..end) else {
        return Err(overrun());
    };
    Ok(Tlv {
        kind: t >> 6,
        id,
        body,
        end,
        value,
    })
}

/// The IDs met at one level. Encoders write them ascending, which costs one compare per
/// TLV. An ID out of order is looked for among the level's earlier TLVs (reading their
/// headers again): by a scan while the level has few TLVs, else through a set of their IDs
/// built once, so that neither short levels allocate nor long ones turn quadratic.
struct Seen {
    start: usize,
    // The last ID plus one.
    next: u32,
    // TLVs recorded so far.
    count: usize,
    set: Option<BTreeSet<u16>>,
}

impl Seen {
    /// Levels up to this many TLVs are scanned.
    const SCAN: usize = 16;

    fn new(start: usize) -> Self {
        Seen {
            start,
            next: 0,
            count: 0,
            set: None,
        }
    }

    /// Records `id` of the TLV at `at`; `false` when the level had it already.
    #[inline]
    fn insert(&mut self, id: u16, bytes: &[u8], at: usize) -> bool {
        if self.set.is_none() && id as u32 >= self.next {
            self.count += 1;
            self.next = id as u32 + 1;
            return true;
        }
        self.insert_out_of_order(id, bytes, at)
    }

    /// [`insert`](Seen::insert) of an ID that is not above the level's earlier ones.
    fn insert_out_of_order(&mut self, id: u16, bytes: &[u8], at: usize) -> bool {
        self.count += 1;
        if let Some(set) = &mut self.set {
            return set.insert(id);
        }
        // The TLVs before `at` were read (and checked) already.
        let before = &bytes[..at];
        let next = |t: &Tlv<'_>| (t.end < at).then(|| read(before, t.end, true).ok())?;
        let mut earlier =
            core::iter::successors(read(before, self.start, true).ok(), next).map(|t| t.id);
        if self.count <= Self::SCAN {
            return !earlier.any(|x| x == id);
        }
        let mut set: BTreeSet<u16> = earlier.collect();
        let fresh = set.insert(id);
        self.set = Some(set);
        fresh
    }
}

/// Locates an error the sink returned for the container TLV at `at` (see
/// [`locate`](super::locate)).
fn container_error(at: usize) -> impl FnOnce(Error) -> Error {
    move |e| super::locate(e, F, at, at)
}

/// Decodes a TLV (11542) payload addressed to `path` (any path but the root), feeding
/// `sink`.
pub fn decode<'a, S: Sink<'a> + ?Sized>(
    path: &Path,
    bytes: &'a [u8],
    sink: &mut S,
) -> Result<(), Error> {
    let end = bytes.len();
    let ids = path.ids();
    match ids.len() {
        0 => Err(err(0, ErrorKind::Unsupported).with_path(*path)),
        1 => instances(bytes, *path, sink),
        2 => {
            // One Object Instance TLV of the path's instance, alone, wraps the resources.
            if end > 0 {
                let t = read(bytes, 0, false)?;
                if t.kind == INSTANCE && t.id == ids[1] && t.end == end {
                    sink.instance(*path).map_err(container_error(0))?;
                    return level(bytes, t.body, end, *path, Place::Nested, sink);
                }
            }
            level(bytes, 0, end, *path, Place::Top, sink)
        }
        // Resource Instance TLVs with no Multiple Resource TLV around them (as C and Java
        // stacks send a multiple resource): the instances of the target.
        3 if end > 0 && read(bytes, 0, false)?.kind == RESOURCE_INSTANCE => {
            sink.multiple(*path).map_err(container_error(0))?;
            level(bytes, 0, end, *path, Place::Nested, sink)
        }
        // One TLV of the target; none leaves the sink without a value.
        n => {
            let parent = path.parent().unwrap_or(Path::ROOT);
            level(bytes, 0, end, parent, Place::Target(ids[n - 1]), sink)
        }
    }
}

// Each level of the payload is a loop: the Object Instance TLVs of an object path
// (`instances`), the resources of an instance and the resource instances of a Multiple
// Resource TLV (`level`). Each reads a TLV, checks that its kind belongs at that level,
// then its ID (`check_id`), and builds its path from the parent's IDs.

/// Checks the ID of the TLV at `at`: an error when it is the reserved one or was met
/// before at this level (`seen`).
#[inline]
fn check_id(id: u16, seen: &mut Seen, bytes: &[u8], at: usize) -> Result<(), Error> {
    if id == Path::MAX_ID {
        return Err(err(at, ErrorKind::ReservedId));
    }
    if !seen.insert(id, bytes, at) {
        return Err(err(at, ErrorKind::DuplicatePath));
    }
    Ok(())
}

/// Decodes the Object Instance TLVs of a payload addressed to `object`, or its bare
/// resources (those of instance 0: spec §7.3, lenient).
fn instances<'a, S: Sink<'a> + ?Sized>(
    bytes: &'a [u8],
    object: Path,
    sink: &mut S,
) -> Result<(), Error> {
    let o = object.ids()[0];
    let mut seen = Seen::new(0);
    let mut at = 0;
    while at < bytes.len() {
        let t = read(bytes, at, false)?;
        match t.kind {
            INSTANCE => {}
            RESOURCE | MULTIPLE if at == 0 => {
                let p = Path::instance(o, 0);
                sink.instance(p).map_err(container_error(0))?;
                return level(bytes, 0, bytes.len(), p, Place::Nested, sink);
            }
            _ => return Err(err(at, ErrorKind::Misplaced)),
        }
        check_id(t.id, &mut seen, bytes, at)?;
        let path = Path::instance(o, t.id);
        sink.instance(path).map_err(container_error(at))?;
        level(bytes, t.body, t.end, path, Place::Nested, sink)?;
        at = t.end;
    }
    Ok(())
}

/// Where the TLVs of a [`level`] stand, for the checks beyond each one's kind.
#[derive(Clone, Copy, PartialEq)]
enum Place {
    /// In a container TLV, or bare resources at an object path.
    Nested,
    /// The resources at the top of a payload addressed to their instance: an Object
    /// Instance TLV of another ID is an ID mismatch.
    Top,
    /// The one TLV of a payload addressed to a resource or resource instance, of this ID.
    Target(u16),
}

/// Decodes the TLVs of `bytes[start..end]`, the content of `parent`: the resources of an
/// instance (`/O/I`), or the resource instances of a Multiple Resource TLV (`/O/I/R`,
/// read by a nested call); `place` says where they stand. Every value reaches the sink
/// from here.
fn level<'a, S: Sink<'a> + ?Sized>(
    bytes: &'a [u8],
    start: usize,
    end: usize,
    parent: Path,
    place: Place,
    sink: &mut S,
) -> Result<(), Error> {
    let ids = parent.ids();
    let (o, i, multiple) = (ids[0], ids[1], ids.get(2).copied());
    let mut seen = Seen::new(start);
    // The TLVs end with their container.
    let within = &bytes[..end];
    let nested = end < bytes.len();
    let mut at = start;
    while at < end {
        if matches!(place, Place::Target(_)) && at > start {
            return Err(err(at, ErrorKind::TrailingBytes));
        }
        let t = read(within, at, nested)?;
        let path = match (multiple, t.kind) {
            (None, RESOURCE | MULTIPLE) => Path::resource(o, i, t.id),
            (Some(r), RESOURCE_INSTANCE) => Path::resource_instance(o, i, r, t.id),
            (None, INSTANCE) if place == Place::Top && t.id != i => {
                return Err(err(at, ErrorKind::IdMismatch));
            }
            _ => return Err(err(at, ErrorKind::Misplaced)),
        };
        match place {
            Place::Target(id) if t.id != id => return Err(err(at, ErrorKind::IdMismatch)),
            // The request path's ID, alone: neither reserved nor repeated here.
            Place::Target(_) => {}
            _ => check_id(t.id, &mut seen, bytes, at)?,
        }
        if t.kind == MULTIPLE {
            sink.multiple(path).map_err(container_error(at))?;
            level(bytes, t.body, t.end, path, Place::Nested, sink)?;
        } else {
            // `Bytes` borrows: nothing to drop (no test of the variant after the call).
            let value = ManuallyDrop::new(RawValue::Bytes(t.value));
            sink.value(path, &value, None)
                .map_err(|e| super::locate(e, F, at, t.body))?;
        }
        at = t.end;
    }
    Ok(())
}

// ---- encoding ----

/// The header of a TLV of `kind`, `id` and a value of `len` bytes (at most
/// [`MAX_LENGTH`]) in its shortest form: its bytes, big-endian in the top of a `u64`
/// (built in a register, for one write with the value), and their count (2 to 6).
fn header(kind: u8, id: u16, len: usize) -> (u64, usize) {
    // Type byte and ID, right-aligned; the type byte starts at bit `at`.
    let (bits, at) = if id > 255 {
        (((kind as u64) << 6 | 0x20) << 16 | id as u64, 16)
    } else {
        ((kind as u64) << 14 | id as u64, 8)
    };
    // The length: in the type byte's low bits below 8, else in a field of 1 to 3 bytes
    // (their count in bits 3-4 of the type byte).
    let (bits, field) = match len {
        0..8 => (bits | (len as u64) << at, 0),
        8..0x100 => ((bits | 1 << (at + 3)) << 8 | len as u64, 1),
        0x100..0x1_0000 => ((bits | 2 << (at + 3)) << 16 | len as u64, 2),
        _ => ((bits | 3 << (at + 3)) << 24 | len as u64, 3),
    };
    let n = at / 8 + 1 + field;
    (bits << (64 - 8 * n), n)
}

/// The value bytes of a number, boolean or link, big-endian in the top of a `u64`, and
/// their count.
#[inline]
fn scalar(v: ValueRef<'_>) -> (u64, usize) {
    fn int(v: i64) -> (u64, usize) {
        let n = if v as i8 as i64 == v {
            1
        } else if v as i16 as i64 == v {
            2
        } else if v as i32 as i64 == v {
            4
        } else {
            8
        };
        ((v as u64) << (64 - 8 * n), n)
    }
    match v {
        ValueRef::Integer(i) | ValueRef::Time(crate::Time(i)) => int(i),
        ValueRef::UnsignedInteger(u) => match i64::try_from(u) {
            Ok(i) => int(i),
            Err(_) => (u, 8),
        },
        ValueRef::Float(f) if (f as f32) as f64 == f => (((f as f32).to_bits() as u64) << 32, 4),
        ValueRef::Float(f) => (f.to_bits(), 8),
        ValueRef::Boolean(b) => ((b as u64) << 56, 1),
        ValueRef::Objlnk(l) => ((l.object_id as u64) << 48 | (l.instance_id as u64) << 32, 4),
        // Text and bytes are written as they are.
        ValueRef::String(_) | ValueRef::Corelnk(_) | ValueRef::Opaque(_) => (0, 0),
    }
}

/// Writes `head` (bytes big-endian in the top of a `u64`, as [`header`] gives them) and
/// then `value` (the same) as one piece of `n` bytes.
fn write_head<O: Output>(
    out: &mut O,
    head: u64,
    value: u64,
    head_len: usize,
    n: usize,
) -> Result<(), Error> {
    // The head takes 2 to 6 bytes: the value starts in the first word, ends in the second.
    let shift = 8 * head_len as u32;
    let piece = ((head | value >> shift) as u128) << 64 | (value << (64 - shift)) as u128;
    out.write_short(&piece.to_be_bytes(), n)
        .map_err(|e| e.in_format(F))
}

/// A container the writer is inside.
#[derive(Clone, Copy, Debug, Default)]
struct Open {
    start: usize,
    // Header bytes written when it opened.
    head: usize,
    kind: u8,
    id: u16,
    // The kind of TLV a value takes after it closes.
    outer: u8,
}

/// The TLV (11542) encoder, for any target but the root.
///
/// A container's header is written when it opens, in the shortest form for the length
/// expected (none for an instance; two bytes per announced resource instance, the least
/// they take), and fixed when it closes, moving its content when the final length needs
/// another header size ([`Output::shift`]).
#[derive(Debug)]
pub struct TlvWriter<O: Output> {
    out: O,
    target: usize,
    open: [Open; 2],
    depth: usize,
    // The kind of TLV a value takes now, or `NO_VALUE`, and whether it is the one TLV of
    // a resource or resource-instance target (none may follow it): set as containers open
    // and close, so that `value` tests bytes.
    value_kind: u8,
    single: bool,
}

/// [`TlvWriter`]'s `value_kind` where no value is allowed.
const NO_VALUE: u8 = 0xFF;

impl<O: Output> TlvWriter<O> {
    /// An encoder for a payload addressed to `path`, writing into `out`; the root is
    /// [`ErrorKind::Unsupported`].
    pub fn new(path: &Path, out: O) -> Result<Self, Error> {
        let value_kind = match path.len() {
            0 => return Err(Error::at_path(*path, ErrorKind::Unsupported).in_format(F)),
            // Values go in the instances of an object.
            1 => NO_VALUE,
            2 | 3 => RESOURCE,
            _ => RESOURCE_INSTANCE,
        };
        Ok(TlvWriter {
            out,
            target: path.len(),
            open: [Open::default(); 2],
            depth: 0,
            value_kind,
            single: path.len() >= 3,
        })
    }

    /// Checks that every container was closed ([`ErrorKind::WriterMisuse`] otherwise) and
    /// returns the output.
    pub fn finish(self) -> Result<O, Error> {
        if self.depth != 0 {
            return Err(self.misuse());
        }
        Ok(self.out)
    }

    fn misuse(&self) -> Error {
        err(self.out.len(), ErrorKind::WriterMisuse)
    }

    /// The kind of TLV a value takes now, if a value is allowed.
    fn kind(&self) -> Result<u8, Error> {
        match self.value_kind {
            NO_VALUE => Err(self.misuse()),
            kind => Ok(kind),
        }
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.out.write(bytes).map_err(|e| e.in_format(F))
    }

    /// Opens a container of `kind` whose values take `inner` TLVs, its header written for
    /// `guess` bytes.
    fn open(&mut self, kind: u8, id: u16, guess: usize, inner: u8) -> Result<(), Error> {
        if self.depth == self.open.len() {
            return Err(err(self.out.len(), ErrorKind::TooDeep));
        }
        let start = self.out.len();
        let (h, head) = header(kind, id, guess.min(MAX_LENGTH));
        write_head(&mut self.out, h, 0, head, head)?;
        // The one TLV of a resource target: nothing may follow the container.
        let outer = if self.single {
            NO_VALUE
        } else {
            self.value_kind
        };
        self.open[self.depth] = Open {
            start,
            head,
            kind,
            id,
            outer,
        };
        self.depth += 1;
        (self.value_kind, self.single) = (inner, false);
        Ok(())
    }

    fn close(&mut self, kind: u8) -> Result<(), Error> {
        let Some(d) = self
            .depth
            .checked_sub(1)
            .filter(|&d| self.open[d].kind == kind)
        else {
            return Err(self.misuse());
        };
        let o = self.open[d];
        let body = o.start + o.head;
        let len = self.out.len() - body;
        if len > MAX_LENGTH {
            return Err(err(o.start, ErrorKind::TooLong));
        }
        let (h, n) = header(o.kind, o.id, len);
        if n != o.head {
            let delta = n as isize - o.head as isize;
            self.out.shift(body, delta).map_err(|e| e.in_format(F))?;
        }
        self.out.patch(o.start, &h.to_be_bytes()[..n]);
        (self.depth, self.value_kind) = (d, o.outer);
        Ok(())
    }
}

impl<O: Output> Writer for TlvWriter<O> {
    fn begin_instance(&mut self, id: u16) -> Result<(), Error> {
        if self.target != 1 || self.depth != 0 {
            return Err(self.misuse());
        }
        self.open(INSTANCE, id, 0, RESOURCE)
    }

    fn end_instance(&mut self) -> Result<(), Error> {
        self.close(INSTANCE)
    }

    fn begin_multiple(&mut self, id: u16, count: usize) -> Result<(), Error> {
        // Allowed exactly where a value would be a Resource TLV.
        if self.value_kind != RESOURCE {
            return Err(self.misuse());
        }
        self.open(MULTIPLE, id, count.saturating_mul(2), RESOURCE_INSTANCE)
    }

    fn end_multiple(&mut self) -> Result<(), Error> {
        self.close(MULTIPLE)
    }

    // Small, so that it inlines where the generated code knows the value's type: the
    // value's bytes are worked out there, the TLV written out of line.
    #[inline]
    fn value(&mut self, id: u16, value: ValueRef<'_>) -> Result<(), Error> {
        match value {
            ValueRef::String(s) | ValueRef::Corelnk(s) => self.bytes(id, s.as_bytes()),
            ValueRef::Opaque(b) => self.bytes(id, b),
            v => {
                let (bits, n) = scalar(v);
                self.scalar(id, bits, n)
            }
        }
    }
}

impl<O: Output> TlvWriter<O> {
    /// Counts a value TLV written: a resource or resource-instance target takes one.
    fn wrote_value(&mut self) {
        if self.single {
            (self.value_kind, self.single) = (NO_VALUE, false);
        }
    }

    /// Writes the value TLV of a number, boolean or link: its `n` bytes big-endian in the
    /// top of `bits` (see [`scalar`]).
    fn scalar(&mut self, id: u16, bits: u64, n: usize) -> Result<(), Error> {
        let kind = self.kind()?;
        // Header and value in one write: a full buffer fails at the TLV's start.
        let (h, hn) = header(kind, id, n);
        write_head(&mut self.out, h, bits, hn, hn + n)?;
        self.wrote_value();
        Ok(())
    }

    /// Writes a value TLV of text or opaque bytes.
    fn bytes(&mut self, id: u16, value: &[u8]) -> Result<(), Error> {
        let kind = self.kind()?;
        if value.len() > MAX_LENGTH {
            return Err(err(self.out.len(), ErrorKind::TooLong));
        }
        let (h, n) = header(kind, id, value.len());
        write_head(&mut self.out, h, 0, n, n)?;
        self.write(value)?;
        self.wrote_value();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_read_back() {
        for kind in 0..4 {
            for id in [0u16, 1, 255, 256, 65534] {
                for len in [0usize, 7, 8, 255, 256, 65535, 65536, MAX_LENGTH] {
                    let (h, n) = header(kind, id, len);
                    let mut bytes = h.to_be_bytes()[..n].to_vec();
                    bytes.resize(n + len, 0);
                    let t = read(&bytes, 0, false).unwrap();
                    assert_eq!((t.kind, t.id, t.body, t.end), (kind, id, n, n + len));
                    // One byte short: the header or value is truncated.
                    let Err(e) = read(&bytes[..n + len - 1], 0, false) else {
                        panic!("{kind} {id} {len}")
                    };
                    assert_eq!(e.kind_at(), (&ErrorKind::Truncated, Some(0)));
                }
            }
        }
        let bytes = |(h, n): (u64, usize)| h.to_be_bytes()[..n].to_vec();
        assert_eq!(bytes(header(3, 9, 1)), [0xC1, 9]);
        assert_eq!(bytes(header(0, 1000, 13)), [0x28, 3, 0xE8, 13]);
        assert_eq!(bytes(header(3, 0, 70000)), [0xD8, 0, 1, 0x11, 0x70]);
    }

    #[test]
    fn scalars() {
        let bytes = |v| {
            let (b, n) = scalar(v);
            u64::to_be_bytes(b)[..n].to_vec()
        };
        assert_eq!(bytes(ValueRef::Integer(-129)), [0xFF, 0x7F]);
        assert_eq!(bytes(ValueRef::UnsignedInteger(200)), [0, 0xC8]);
        assert_eq!(bytes(ValueRef::UnsignedInteger(u64::MAX)), [0xFF; 8]);
        assert_eq!(bytes(ValueRef::Float(22.5)), [0x41, 0xB4, 0, 0]);
        assert_eq!(bytes(ValueRef::Float(0.1)).len(), 8);
        assert_eq!(bytes(ValueRef::Boolean(true)), [1]);
        let link = crate::ObjectLink::new(3303, 0);
        assert_eq!(bytes(ValueRef::Objlnk(link)), [0x0C, 0xE7, 0, 0]);
    }
}
