//! SenML CBOR (`application/senml+cbor`, content format 112; RFC 8428 §6 with the LwM2M
//! text label `"vlo"`).
//!
//! * [`SenmlCborWriter`] implements [`Writer`] into a `Vec<u8>` ([`SenmlCborWriter::new`])
//!   or into a caller's buffer without any heap allocation
//!   ([`SenmlCborWriter::with_buffer`]); [`encode`] drives it from a [`Node`].
//! * [`SenmlCborReader`] implements [`Reader`]; [`decode`] builds a [`Node`].
//! * [`encode_records`], [`encode_records_into`] and [`decode_records`] handle record
//!   lists (composite, timestamped, path-only).
//!
//! Output is canonical: a definite-length array of definite-length maps, labels in the
//! order `bn`, `bt`, `n`, `t`, value; integers and lengths in their shortest form; floats
//! in the shortest of half, single or double precision that keeps the value exactly
//! (21.5 → `F9 4D 60`). Input may use indefinite-length arrays, maps and strings, any
//! integer or float width, tag 4 decimal fractions for numbers (Leshan writes `bt` that
//! way), tag 1 around values; other tags are skipped. Counts from the payload never size
//! an allocation, and nesting (only possible inside unknown labels) is limited to 16.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

use super::senml::{
    self, AsRecordRef, Namer, Names, Naming, Packed, RawRecord, RawRecords, Record, Resolver, Room,
    Walker, codec_error, digits_word,
};
use super::{Error, Event, InstanceSink, RawValue, Reader, TypeLookup, ValueRef, Writer};
use crate::{ContentFormat, Node, ObjectLink, Path};

codec_error!(
    /// A SenML CBOR encoding or decoding error.
    SenmlCborError,
    ContentFormat::SenmlCbor
);

/// Where a [`SenmlCborWriter`] puts its bytes: a `Vec<u8>` or a [`SliceSink`].
pub trait CborSink {
    /// Bytes written so far.
    fn written(&self) -> usize;
    /// Appends bytes; `false` when there is no room.
    fn put(&mut self, bytes: &[u8]) -> bool;
    /// Appends one byte; `false` when there is no room.
    fn put_byte(&mut self, b: u8) -> bool {
        self.put(&[b])
    }
    /// Replaces the `gap` bytes reserved at `start` by `head` (not longer than `gap`),
    /// moving what follows.
    fn close_gap(&mut self, start: usize, gap: usize, head: &[u8]);
    /// The free room after what was written, when the sink is a fixed buffer: records are
    /// then written into it with a position kept in a register (a length field updated
    /// per byte makes every byte wait for the previous store) and [`advance`](Self::advance)
    /// commits them.
    #[doc(hidden)]
    fn spare(&mut self) -> Option<&mut [u8]> {
        None
    }
    /// Marks `n` bytes of [`spare`](Self::spare) as written.
    #[doc(hidden)]
    fn advance(&mut self, n: usize) {
        let _ = n;
    }
    /// Initialized room of at least `need` bytes after what was written (`None` when there
    /// is none): a record is written into it with the position in a register, then
    /// [`commit`](Self::commit) keeps what was used.
    #[doc(hidden)]
    fn room(&mut self, need: usize) -> Option<&mut [u8]> {
        let _ = need;
        None
    }
    /// Keeps `n` bytes of the [`room`](Self::room) taken when `start` bytes were written.
    #[doc(hidden)]
    fn commit(&mut self, start: usize, n: usize) {
        let _ = (start, n);
    }
}

impl CborSink for Vec<u8> {
    #[inline]
    fn put_byte(&mut self, b: u8) -> bool {
        self.push(b);
        true
    }
    fn written(&self) -> usize {
        self.len()
    }
    fn put(&mut self, bytes: &[u8]) -> bool {
        self.extend_from_slice(bytes);
        true
    }
    fn close_gap(&mut self, start: usize, gap: usize, head: &[u8]) {
        let skip = gap - head.len();
        self[start + skip..start + gap].copy_from_slice(head);
        self.drain(start..start + skip);
    }
    #[inline(always)]
    fn room(&mut self, need: usize) -> Option<&mut [u8]> {
        let at = self.len();
        if need <= ROOM_CHUNK {
            // A constant-size copy (inline stores) rather than a variable `memset`.
            self.extend_from_slice(&[0; ROOM_CHUNK]);
        } else {
            self.resize(at + need, 0);
        }
        Some(&mut self[at..])
    }
    #[inline(always)]
    fn commit(&mut self, start: usize, n: usize) {
        self.truncate(start + n);
    }
}

/// Room a `Vec<u8>` sink adds with one constant-size copy.
const ROOM_CHUNK: usize = 96;

/// A caller's fixed buffer, filled from its start.
#[derive(Debug)]
pub struct SliceSink<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl<'b> SliceSink<'b> {
    /// Writes into `buf`.
    pub fn new(buf: &'b mut [u8]) -> Self {
        SliceSink { buf, len: 0 }
    }

    /// The bytes written, for the buffer's lifetime.
    pub fn into_bytes(self) -> &'b [u8] {
        &self.buf[..self.len]
    }
}

impl CborSink for SliceSink<'_> {
    fn written(&self) -> usize {
        self.len
    }
    #[inline]
    fn put_byte(&mut self, b: u8) -> bool {
        match self.buf.get_mut(self.len) {
            Some(x) => {
                *x = b;
                self.len += 1;
                true
            }
            None => false,
        }
    }
    fn put(&mut self, bytes: &[u8]) -> bool {
        match self.buf.get_mut(self.len..self.len + bytes.len()) {
            Some(dst) => {
                dst.copy_from_slice(bytes);
                self.len += bytes.len();
                true
            }
            None => false,
        }
    }
    fn close_gap(&mut self, start: usize, gap: usize, head: &[u8]) {
        let skip = gap - head.len();
        self.buf[start + skip..start + gap].copy_from_slice(head);
        self.buf.copy_within(start + skip..self.len, start);
        self.len -= skip;
    }
    #[inline(always)]
    fn spare(&mut self) -> Option<&mut [u8]> {
        self.buf.get_mut(self.len..)
    }
    #[inline(always)]
    fn advance(&mut self, n: usize) {
        self.len += n;
    }
    #[inline(always)]
    fn room(&mut self, need: usize) -> Option<&mut [u8]> {
        self.buf.get_mut(self.len..).filter(|b| b.len() >= need)
    }
    #[inline(always)]
    fn commit(&mut self, start: usize, n: usize) {
        self.len = start + n;
    }
}

/// A CBOR data-item head (major type and argument) in its shortest form.
fn head(major: u8, n: u64) -> ([u8; 9], usize) {
    let m = major << 5;
    let mut b = [0u8; 9];
    let len = if n < 24 {
        b[0] = m | n as u8;
        1
    } else if n < 0x100 {
        b[0] = m | 24;
        b[1] = n as u8;
        2
    } else if n < 0x1_0000 {
        b[0] = m | 25;
        b[1..3].copy_from_slice(&(n as u16).to_be_bytes());
        3
    } else if n < 0x1_0000_0000 {
        b[0] = m | 26;
        b[1..5].copy_from_slice(&(n as u32).to_be_bytes());
        5
    } else {
        b[0] = m | 27;
        b[1..9].copy_from_slice(&n.to_be_bytes());
        9
    };
    (b, len)
}

/// The IEEE half-precision bits of `x` when the conversion is exact.
fn f32_to_f16_exact(x: f32) -> Option<u16> {
    let bits = x.to_bits();
    let sign = ((bits >> 16) & 0x8000) as u16;
    let exp = ((bits >> 23) & 0xFF) as i32;
    let mant = bits & 0x7F_FFFF;
    if exp == 0xFF {
        return if mant == 0 { Some(sign | 0x7C00) } else { None };
    }
    if exp == 0 {
        return (mant == 0).then_some(sign);
    }
    let e = exp - 127;
    if (-14..=15).contains(&e) {
        if mant & 0x1FFF != 0 {
            return None;
        }
        return Some(sign | (((e + 15) as u16) << 10) | (mant >> 13) as u16);
    }
    if (-24..-14).contains(&e) {
        let full = 0x80_0000 | mant;
        let shift = (-e - 1) as u32;
        if full & ((1 << shift) - 1) != 0 {
            return None;
        }
        return Some(sign | (full >> shift) as u16);
    }
    None
}

/// Decodes IEEE half-precision bits.
pub(crate) fn f16_to_f64(h: u16) -> f64 {
    let sign = if h & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = ((h >> 10) & 0x1F) as i32;
    let mant = (h & 0x3FF) as f64;
    let mag = match exp {
        0 => mant * (1.0 / 16_777_216.0), // 2^-24
        31 => {
            if mant == 0.0 {
                f64::INFINITY
            } else {
                f64::NAN
            }
        }
        e => {
            let m = 1.0 + mant / 1024.0;
            let mut p = 1.0f64;
            if e >= 15 {
                for _ in 0..(e - 15) {
                    p *= 2.0;
                }
            } else {
                for _ in 0..(15 - e) {
                    p /= 2.0;
                }
            }
            m * p
        }
    };
    sign * mag
}

/// The preferred (shortest exact) encoding of a float: `F9`+2, `FA`+4 or `FB`+8 bytes.
fn float_bytes(v: f64) -> ([u8; 9], usize) {
    let mut b = [0u8; 9];
    if v.is_nan() {
        b[..3].copy_from_slice(&[0xF9, 0x7E, 0x00]);
        return (b, 3);
    }
    let f = v as f32;
    if f as f64 == v {
        if let Some(h) = f32_to_f16_exact(f) {
            b[0] = 0xF9;
            b[1..3].copy_from_slice(&h.to_be_bytes());
            return (b, 3);
        }
        b[0] = 0xFA;
        b[1..5].copy_from_slice(&f.to_bits().to_be_bytes());
        return (b, 5);
    }
    b[0] = 0xFB;
    b[1..9].copy_from_slice(&v.to_bits().to_be_bytes());
    (b, 9)
}

/// Writes one record's small items byte by byte straight into the sink: short copies of
/// variable length are library calls, and bytes gathered in a buffer and then copied
/// whole stall the CPU's store forwarding.
struct Rec<'s, S: CborSink> {
    out: &'s mut S,
    full: bool,
}

/// Where [`record_fields`] puts bytes: a sink byte by byte ([`Rec`]) or a fixed buffer's
/// free room with the position in a register ([`SpareRec`]).
trait RecordBytes {
    fn byte(&mut self, x: u8);
    fn long(&mut self, data: &[u8]);
}

impl<S: CborSink> RecordBytes for Rec<'_, S> {
    #[inline]
    fn byte(&mut self, x: u8) {
        if !self.out.put_byte(x) {
            self.full = true;
        }
    }
    #[inline]
    fn long(&mut self, data: &[u8]) {
        if !self.out.put(data) {
            self.full = true;
        }
    }
}

/// A record written into the free room of a fixed buffer; `full` when it does not fit
/// (the record is then written again through [`Rec`], for the exact error).
struct SpareRec<'b> {
    buf: &'b mut [u8],
    n: usize,
    full: bool,
}

impl RecordBytes for SpareRec<'_> {
    #[inline(always)]
    fn byte(&mut self, x: u8) {
        match self.buf.get_mut(self.n) {
            Some(b) => {
                *b = x;
                self.n += 1;
            }
            None => self.full = true,
        }
    }
    #[inline(always)]
    fn long(&mut self, data: &[u8]) {
        match self.buf.get_mut(self.n..self.n + data.len()) {
            Some(dst) => {
                super::copy_short(dst, data);
                self.n += data.len();
            }
            None => self.full = true,
        }
    }
}

/// The CBOR items of a record, over [`RecordBytes`].
trait RecordItems: RecordBytes {
    #[inline(always)]
    fn head(&mut self, major: u8, v: u64) {
        let m = major << 5;
        if v < 24 {
            self.byte(m | v as u8);
        } else if v < 0x100 {
            self.byte(m | 24);
            self.byte(v as u8);
        } else if v < 0x1_0000 {
            self.byte(m | 25);
            for x in (v as u16).to_be_bytes() {
                self.byte(x);
            }
        } else if v < 0x1_0000_0000 {
            self.byte(m | 26);
            for x in (v as u32).to_be_bytes() {
                self.byte(x);
            }
        } else {
            self.byte(m | 27);
            for x in v.to_be_bytes() {
                self.byte(x);
            }
        }
    }

    #[inline(always)]
    fn int(&mut self, v: i64) {
        if v >= 0 {
            self.head(0, v as u64)
        } else {
            self.head(1, !(v as u64))
        }
    }

    #[inline(always)]
    fn float(&mut self, v: f64) {
        let (b, l) = float_bytes(v);
        for &x in &b[..l] {
            self.byte(x);
        }
    }

    #[inline(always)]
    fn time(&mut self, t: f64) {
        match senml::as_exact_int(t) {
            Some(i) => self.int(i),
            None => self.float(t),
        }
    }

    /// A label byte and a short text (at most 25 bytes).
    #[inline(always)]
    fn short_text(&mut self, label: &[u8], text: &[u8]) {
        for &x in label {
            self.byte(x);
        }
        self.head(3, text.len() as u64);
        for &x in text {
            self.byte(x);
        }
    }

    /// A label byte and a name as a text string.
    #[inline(always)]
    fn name(&mut self, label: u8, name: &senml::Name) {
        self.byte(label);
        self.head(3, name.text_len() as u64);
        name.each_byte(|b| self.byte(b));
    }
}

impl<T: RecordBytes> RecordItems for T {}

#[inline]
fn put<S: CborSink>(out: &mut S, b: &[u8]) -> Result<(), SenmlCborError> {
    if out.put(b) {
        Ok(())
    } else {
        Err(SenmlCborError::new(out.written(), "output buffer full"))
    }
}

#[inline]
fn write_record<S: CborSink>(
    out: &mut S,
    names: &Names,
    bt: Option<f64>,
    t: Option<f64>,
    value: Option<ValueRef<'_>>,
) -> Result<(), SenmlCborError> {
    if let Some(buf) = out.spare() {
        let mut e = SpareRec {
            buf,
            n: 0,
            full: false,
        };
        record_fields(&mut e, names, bt, t, value);
        if !e.full {
            let n = e.n;
            out.advance(n);
            return Ok(());
        }
    }
    // A growable sink, or a record that does not fit (written as far as it goes).
    let mut e = Rec { out, full: false };
    record_fields(&mut e, names, bt, t, value);
    if e.full {
        return Err(SenmlCborError::new(out_len(e.out), "output buffer full"));
    }
    Ok(())
}

#[inline(always)]
fn record_fields<E: RecordItems>(
    e: &mut E,
    names: &Names,
    bt: Option<f64>,
    t: Option<f64>,
    value: Option<ValueRef<'_>>,
) {
    let count = names.bn.is_some() as u8
        + bt.is_some() as u8
        + names.n.is_some() as u8
        + t.is_some() as u8
        + value.is_some() as u8;
    e.byte(0xA0 | count);
    if let Some(bn) = &names.bn {
        e.name(0x21, bn);
    }
    if let Some(bt) = bt {
        e.byte(0x22);
        e.time(bt);
    }
    if let Some(n) = &names.n {
        e.name(0x00, n);
    }
    if let Some(t) = t {
        e.byte(0x06);
        e.time(t);
    }
    match value {
        None => {}
        Some(ValueRef::String(s) | ValueRef::Corelnk(s)) => {
            e.byte(0x03);
            e.head(3, s.len() as u64);
            e.long(s.as_bytes());
        }
        Some(ValueRef::Integer(v)) => {
            e.byte(0x02);
            e.int(v);
        }
        Some(ValueRef::Time(v)) => {
            e.byte(0x02);
            e.int(v.0);
        }
        Some(ValueRef::UnsignedInteger(v)) => {
            e.byte(0x02);
            e.head(0, v);
        }
        Some(ValueRef::Float(v)) => {
            e.byte(0x02);
            e.float(v);
        }
        Some(ValueRef::Boolean(v)) => {
            e.byte(0x04);
            e.byte(if v { 0xF5 } else { 0xF4 });
        }
        Some(ValueRef::Opaque(b)) => {
            e.byte(0x08);
            e.head(2, b.len() as u64);
            e.long(b);
        }
        Some(ValueRef::Objlnk(l)) => {
            let mut buf = [0u8; 12];
            let mut len = senml::write_u16(&mut buf, l.object_id);
            buf[len] = b':';
            len += 1;
            len += senml::write_u16(&mut buf[len..], l.instance_id);
            e.short_text(&[0x63, b'v', b'l', b'o'], &buf[..len]);
        }
    }
}

fn out_len<S: CborSink>(out: &S) -> usize {
    out.written()
}

/// Room reserved for the array head, fixed by `finish` once the record count is known.
const GAP: usize = 9;

/// A streaming SenML CBOR encoder for one target path.
///
/// Drive it through [`Writer`], then call `finish`. With [`with_buffer`](Self::with_buffer)
/// nothing is allocated; a payload that does not fit fails with "output buffer full".
#[derive(Debug)]
pub struct SenmlCborWriter<S: CborSink> {
    out: S,
    start: usize,
    records: u64,
    // Record count announced up front (array head already written).
    expected: Option<u64>,
    walker: Walker,
    // Naming of a single-value target (decided by the first value); `None` while values
    // are grouped by instance (or before the first).
    namer: Option<Namer>,
    // The instance whose base name `/O/I/` was written last (grouped naming).
    group: Option<(u16, u16)>,
    failed: Option<SenmlCborError>,
}

impl SenmlCborWriter<Vec<u8>> {
    /// An encoder into a new `Vec<u8>`.
    pub fn new(path: Path) -> Self {
        Self::with_sink(path, Vec::with_capacity(320))
    }

    /// Finishes the payload and returns it.
    pub fn finish(self) -> Result<Vec<u8>, SenmlCborError> {
        self.close().map(|(out, _)| out)
    }
}

impl<'b> SenmlCborWriter<SliceSink<'b>> {
    /// An encoder into `buf` (no heap allocation).
    pub fn with_buffer(path: Path, buf: &'b mut [u8]) -> Self {
        Self::with_sink(path, SliceSink::new(buf))
    }

    /// Finishes the payload and returns the written part of the buffer.
    pub fn finish(self) -> Result<&'b [u8], SenmlCborError> {
        self.close().map(|(out, _)| out.into_bytes())
    }
}

impl<S: CborSink> SenmlCborWriter<S> {
    /// An encoder appending to any sink (a fixed buffer needs at least 9 bytes: the
    /// array head is reserved at its largest and moved into place by `close`).
    pub fn with_sink(path: Path, out: S) -> Self {
        Self::with_sink_count(path, out, None)
    }

    /// With the record count known up front the array head is written at once (no gap
    /// to close); `close` checks the count.
    fn with_sink_count(path: Path, mut out: S, count: Option<u64>) -> Self {
        let start = out.written();
        let (h, l) = head(4, count.unwrap_or(0));
        let reserve: &[u8] = match count {
            Some(_) => &h[..l],
            None => &[0; GAP],
        };
        let failed = (!out.put(reserve)).then(|| SenmlCborError::new(start, "output buffer full"));
        SenmlCborWriter {
            out,
            start,
            records: 0,
            expected: count,
            walker: Walker::new(path),
            namer: None,
            group: None,
            failed,
        }
    }

    /// Finishes the payload: returns the sink and the payload's length.
    pub fn close(mut self) -> Result<(S, usize), SenmlCborError> {
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        if self.walker.open() {
            return Err(self.err("unfinished instance or multiple resource"));
        }
        match self.expected {
            Some(n) if n != self.records => {
                return Err(self.err("record count differs from the announced count"));
            }
            Some(_) => {}
            None => {
                let (h, l) = head(4, self.records);
                self.out.close_gap(self.start, GAP, &h[..l]);
            }
        }
        let len = self.out.written() - self.start;
        Ok((self.out, len))
    }

    fn gap(&self) -> usize {
        if self.expected.is_some() { 0 } else { GAP }
    }

    fn err(&self, reason: &'static str) -> SenmlCborError {
        SenmlCborError::new(self.out.written().saturating_sub(self.gap()), reason)
    }

    fn check(&mut self, r: Result<(), &'static str>) -> Result<(), SenmlCborError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        r.map_err(|reason| self.err(reason))
    }
}

impl<S: CborSink> Writer for SenmlCborWriter<S> {
    type Error = SenmlCborError;

    fn begin_instance(&mut self, id: u16) -> Result<(), Self::Error> {
        let r = self.walker.begin_instance(id);
        self.check(r)
    }

    fn end_instance(&mut self) -> Result<(), Self::Error> {
        let r = self.walker.end_instance();
        self.check(r)
    }

    fn begin_multiple(&mut self, id: u16, _count: usize) -> Result<(), Self::Error> {
        let r = self.walker.begin_multiple(id);
        self.check(r)
    }

    fn end_multiple(&mut self) -> Result<(), Self::Error> {
        let r = self.walker.end_multiple();
        self.check(r)
    }

    #[inline(always)]
    fn value(&mut self, id: u16, value: ValueRef<'_>) -> Result<(), Self::Error> {
        // Inlined into the caller: generated code passes constant IDs and value kinds, so
        // that the name's digits and the value's dispatch fold away.
        let (leaf, is_target) = match self.walker.value(id) {
            Ok(v) if self.failed.is_none() => v,
            Ok(_) => return self.check(Ok(())),
            Err(e) => return self.check(Err(e)),
        };
        // The first value decides the naming (as `Namer` does): single when it is the
        // target itself, else grouped.
        if self.namer.is_some() || (is_target && self.group.is_none()) {
            return self.single_value(leaf, value);
        }
        self.records += 1;
        let group = (leaf.o, leaf.i);
        let bn = self.group != Some(group);
        self.group = Some(group);
        let extra = match value {
            ValueRef::String(s) | ValueRef::Corelnk(s) => s.len(),
            ValueRef::Opaque(b) => b.len(),
            _ => 0,
        };
        let need = GROUPED_ROOM + extra;
        let start = self.out.written();
        if let Some(buf) = self.out.room(need) {
            let n = grouped_record(buf, &leaf, bn, value);
            self.out.commit(start, n);
            return Ok(());
        }
        self.grouped_value(leaf, bn, value)
    }
}

impl<S: CborSink> SenmlCborWriter<S> {
    /// A value of a single-value target (one record, `bn` = the target, no `n`).
    #[inline(never)]
    fn single_value(
        &mut self,
        leaf: senml::Leaf,
        value: ValueRef<'_>,
    ) -> Result<(), SenmlCborError> {
        let target = self.walker.target();
        let namer = self
            .namer
            .get_or_insert_with(|| Namer::new(Naming::Single(target)));
        let names = namer.leaf_names(&leaf, &target);
        self.records += 1;
        self.write_names(&names, value)
    }

    /// A grouped value that does not fit the sink's room: written as far as it goes.
    #[inline(never)]
    fn grouped_value(
        &mut self,
        leaf: senml::Leaf,
        bn: bool,
        value: ValueRef<'_>,
    ) -> Result<(), SenmlCborError> {
        let names = Names {
            bn: bn.then(|| senml::Name::absolute(&[leaf.o, leaf.i], true)),
            n: Some(match leaf.ri {
                Some(ri) => senml::Name::relative(&[leaf.r, ri]),
                None => senml::Name::relative(&[leaf.r]),
            }),
        };
        self.write_names(&names, value)
    }

    fn write_names(&mut self, names: &Names, value: ValueRef<'_>) -> Result<(), SenmlCborError> {
        let r = write_record(&mut self.out, names, None, None, Some(value));
        let gap = self.gap();
        if let Err(e) = &r {
            self.failed = Some(SenmlCborError::new(
                e.offset.saturating_sub(gap),
                e.reason.clone(),
            ));
        }
        r.map_err(|e| SenmlCborError::new(e.offset.saturating_sub(gap), e.reason))
    }
}

/// Room [`grouped_record`] needs besides a string's or bytes' content: map head (1),
/// `bn` (at most 2 + 13), `n` (at most 2 + 11), the value's label (at most 4, `"vlo"`)
/// and head or float (at most 9) or link text (at most 12), and 8 bytes of slack for
/// word-sized stores.
const GROUPED_ROOM: usize = 56;

/// Writes a grouped record (`bn` = `/O/I/` when `bn`, `n` = `R` or `R/RI`) at the start
/// of `buf`, which holds at least [`GROUPED_ROOM`] bytes more than a string's or bytes'
/// content; returns its length.
#[inline(always)]
fn grouped_record(buf: &mut [u8], leaf: &senml::Leaf, bn: bool, value: ValueRef<'_>) -> usize {
    let mut r = Room { buf, n: 0 };
    if bn {
        r.sub(|t| base_name(t, leaf.o, leaf.i));
    } else {
        r.byte(0xA2);
    }
    // `n`: the text head is written once the text's length is known.
    r.byte(0x00);
    let h = r.n;
    r.n += 1;
    let (w, l) = digits_word(leaf.r);
    r.word(w, l);
    if let Some(ri) = leaf.ri {
        let (w, l) = digits_word(ri);
        r.word(u64::from(b'/') | (w << 8), l + 1);
    }
    r.buf[h] = 0x60 | (r.n - h - 1) as u8;
    match value {
        ValueRef::String(s) | ValueRef::Corelnk(s) => {
            r.byte(0x03);
            cbor_head(&mut r, 3, s.len() as u64);
            r.bytes(s.as_bytes());
        }
        ValueRef::Integer(v) => {
            r.byte(0x02);
            cbor_int(&mut r, v);
        }
        ValueRef::Time(v) => {
            r.byte(0x02);
            cbor_int(&mut r, v.0);
        }
        ValueRef::UnsignedInteger(v) => {
            r.byte(0x02);
            cbor_head(&mut r, 0, v);
        }
        ValueRef::Float(v) => {
            r.byte(0x02);
            let (b, l) = float_bytes(v);
            r.buf[r.n..r.n + 9].copy_from_slice(&b);
            r.n += l;
        }
        ValueRef::Boolean(v) => {
            r.byte(0x04);
            r.byte(if v { 0xF5 } else { 0xF4 });
        }
        ValueRef::Opaque(b) => {
            r.byte(0x08);
            cbor_head(&mut r, 2, b.len() as u64);
            r.bytes(b);
        }
        ValueRef::Objlnk(l) => r.sub(|t| objlnk(t, l)),
    }
    r.n
}

/// The map head of a record with `bn` and `bn` = `/O/I/`.
#[inline(never)]
fn base_name(r: &mut Room<'_>, o: u16, i: u16) {
    r.byte(0xA3);
    r.byte(0x21);
    let h = r.n;
    r.n += 1;
    for id in [o, i] {
        let (w, l) = digits_word(id);
        r.word(u64::from(b'/') | (w << 8), l + 1);
    }
    r.byte(b'/');
    r.buf[h] = 0x60 | (r.n - h - 1) as u8;
}

/// `"vlo"` and the link text.
#[inline(never)]
fn objlnk(r: &mut Room<'_>, l: ObjectLink) {
    r.bytes(&[0x63, b'v', b'l', b'o']);
    let h = r.n;
    r.n += 1;
    let (w, n) = digits_word(l.object_id);
    r.word(w, n);
    let (w, n) = digits_word(l.instance_id);
    r.word(u64::from(b':') | (w << 8), n + 1);
    r.buf[h] = 0x60 | (r.n - h - 1) as u8;
}

/// A CBOR head in its shortest form.
#[inline(always)]
fn cbor_head(r: &mut Room<'_>, major: u8, v: u64) {
    let m = major << 5;
    if v < 24 {
        r.byte(m | v as u8);
    } else if v < 0x100 {
        r.bytes(&[m | 24, v as u8]);
    } else if v < 0x1_0000 {
        let [a, b] = (v as u16).to_be_bytes();
        r.bytes(&[m | 25, a, b]);
    } else if v < 0x1_0000_0000 {
        let [a, b, c, d] = (v as u32).to_be_bytes();
        r.bytes(&[m | 26, a, b, c, d]);
    } else {
        r.byte(m | 27);
        r.bytes(&v.to_be_bytes());
    }
}

/// A signed integer.
#[inline(always)]
fn cbor_int(r: &mut Room<'_>, v: i64) {
    if v >= 0 {
        cbor_head(r, 0, v as u64)
    } else {
        cbor_head(r, 1, !(v as u64))
    }
}

/// Encodes `node` (addressed to `path`) as SenML CBOR.
pub fn encode(path: &Path, node: &Node) -> Result<Vec<u8>, SenmlCborError> {
    let mut w =
        SenmlCborWriter::with_sink_count(*path, Vec::with_capacity(320), Some(leaf_count(node)));
    super::encode_node(node, &mut w)?;
    w.finish()
}

/// The number of values (records) in a node.
fn leaf_count(node: &Node) -> u64 {
    use crate::{InstanceNode, ResourceNode, ResourceValue};
    fn res(r: &ResourceNode) -> u64 {
        match &r.value {
            ResourceValue::Single(_) => 1,
            ResourceValue::Multiple(l) => l.len() as u64,
        }
    }
    fn inst(i: &InstanceNode) -> u64 {
        i.resources.iter().map(res).sum()
    }
    match node {
        Node::Object(o) => o.instances.iter().map(inst).sum(),
        Node::Instance(i) => inst(i),
        Node::Resource(r) => res(r),
        Node::ResourceInstance(_) => 1,
    }
}

/// Encodes `node` (addressed to `path`) into `buf` without allocating; returns the length.
pub fn encode_into(path: &Path, node: &Node, buf: &mut [u8]) -> Result<usize, SenmlCborError> {
    let mut w =
        SenmlCborWriter::with_sink_count(*path, SliceSink::new(buf), Some(leaf_count(node)));
    super::encode_node(node, &mut w)?;
    w.finish().map(<[u8]>::len)
}

fn records_to<S: CborSink, R: AsRecordRef>(
    out: &mut S,
    records: &[R],
) -> Result<(), SenmlCborError> {
    let (h, l) = head(4, records.len() as u64);
    put(out, &h[..l])?;
    if records.is_empty() {
        return Ok(());
    }
    let mut namer = Namer::new(senml::plan_naming(records));
    let base = senml::plan_base_time(records);
    for (i, r) in records.iter().enumerate() {
        let r = r.as_record_ref();
        let names = namer.names(&r.path);
        let (bt, t) = senml::time_fields(base, i == 0, &r);
        write_record(out, &names, bt, t, r.value)?;
    }
    Ok(())
}

/// Encodes a list of records (composite, timestamped or path-only) as SenML CBOR, in
/// canonical form (see [`senml`]).
pub fn encode_records<R: AsRecordRef>(records: &[R]) -> Result<Vec<u8>, SenmlCborError> {
    let mut out = Vec::with_capacity(8 + 24 * records.len());
    records_to(&mut out, records)?;
    Ok(out)
}

/// Encodes a list of records into `buf` without allocating; returns the length.
pub fn encode_records_into<R: AsRecordRef>(
    records: &[R],
    buf: &mut [u8],
) -> Result<usize, SenmlCborError> {
    let mut out = SliceSink::new(buf);
    records_to(&mut out, records)?;
    Ok(out.len)
}

/// Decodes `bytes` into a [`Node`] addressed to `path`, typing values through `types`.
pub fn decode(path: &Path, bytes: &[u8], types: &dyn TypeLookup) -> Result<Node, Error> {
    senml::build_node(path, &mut SenmlCborReader::new(bytes), types)
}

/// Decodes `bytes` into resolved records (values typed through `types` where known).
pub fn decode_records(bytes: &[u8], types: &dyn TypeLookup) -> Result<Vec<Record>, Error> {
    senml::collect_records(&mut SenmlCborReader::new(bytes), types)
}

// ---------------------------------------------------------------------------------------
// Decoding

type CErr = (usize, &'static str);

/// Maximum nesting inside skipped (unknown) values.
const MAX_DEPTH: usize = 16;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Head {
    Uint(u64),
    Nint(u64),
    Bytes(Option<u64>),
    Text(Option<u64>),
    Array(Option<u64>),
    Map(Option<u64>),
    Tag(u64),
    Bool(bool),
    Null,
    Simple,
    Float(f64),
    Break,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Num {
    Int(i128),
    Float(f64),
    Time(i64),
}

impl Num {
    fn to_f64(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
            Num::Time(t) => t as f64,
        }
    }
}

/// A minimal CBOR pull parser over bytes.
#[derive(Clone, Debug)]
struct Cbor<'a> {
    src: &'a [u8],
    pos: usize,
}

impl<'a> Cbor<'a> {
    fn take(&mut self, n: u64, at: usize) -> Result<&'a [u8], CErr> {
        let rest = self.src.len() - self.pos;
        if n > rest as u64 {
            return Err((at, "length exceeds the payload"));
        }
        let s = &self.src[self.pos..self.pos + n as usize];
        self.pos += n as usize;
        Ok(s)
    }

    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn head(&mut self) -> Result<(Head, usize), CErr> {
        let at = self.pos;
        let b = *self.src.get(at).ok_or((at, "unexpected end of payload"))?;
        self.pos += 1;
        let major = b >> 5;
        let ai = b & 31;
        let arg = |s: &mut Self, len: u64| -> Result<u64, CErr> {
            let bytes = s.take(len, at)?;
            Ok(bytes.iter().fold(0u64, |acc, &x| (acc << 8) | u64::from(x)))
        };
        let n = match ai {
            0..=23 => Some(u64::from(ai)),
            24 => Some(arg(self, 1)?),
            25 => Some(arg(self, 2)?),
            26 => Some(arg(self, 4)?),
            27 => Some(arg(self, 8)?),
            28..=30 => return Err((at, "reserved CBOR additional information")),
            _ => None,
        };
        let h = match (major, n) {
            (0, Some(n)) => Head::Uint(n),
            (1, Some(n)) => Head::Nint(n),
            (2, n) => Head::Bytes(n),
            (3, n) => Head::Text(n),
            (4, n) => Head::Array(n),
            (5, n) => Head::Map(n),
            (6, Some(n)) => Head::Tag(n),
            (7, None) => Head::Break,
            (7, Some(n)) => match ai {
                20 => Head::Bool(false),
                21 => Head::Bool(true),
                22 => Head::Null,
                25 => Head::Float(f16_to_f64(n as u16)),
                26 => Head::Float(f32::from_bits(n as u32) as f64),
                27 => Head::Float(f64::from_bits(n)),
                24 if n < 32 => return Err((at, "invalid simple value encoding")),
                _ => Head::Simple,
            },
            _ => return Err((at, "indefinite length not allowed for this CBOR major type")),
        };
        Ok((h, at))
    }

    /// A definite or indefinite byte/text string's content.
    fn string_body(
        &mut self,
        len: Option<u64>,
        major: u8,
        at: usize,
    ) -> Result<Cow<'a, [u8]>, CErr> {
        match len {
            Some(n) => self.take(n, at).map(Cow::Borrowed),
            None => {
                let mut out = Vec::new();
                loop {
                    let (h, cat) = self.head()?;
                    match (h, major) {
                        (Head::Break, _) => return Ok(Cow::Owned(out)),
                        (Head::Bytes(Some(n)), 2) | (Head::Text(Some(n)), 3) => {
                            out.extend_from_slice(self.take(n, cat)?);
                        }
                        _ => return Err((cat, "invalid chunk in an indefinite-length string")),
                    }
                }
            }
        }
    }

    fn text(&mut self, what: &'static str) -> Result<Cow<'a, str>, CErr> {
        let (h, at) = self.head()?;
        let Head::Text(len) = h else {
            return Err((at, what));
        };
        match self.string_body(len, 3, at)? {
            Cow::Borrowed(b) => core::str::from_utf8(b)
                .map(Cow::Borrowed)
                .map_err(|_| (at, "invalid UTF-8 in text string")),
            Cow::Owned(v) => String::from_utf8(v)
                .map(Cow::Owned)
                .map_err(|_| (at, "invalid UTF-8 in text string")),
        }
    }

    /// A text string's bytes, not checked for UTF-8.
    #[inline]
    fn text_bytes(&mut self, what: &'static str) -> Result<Cow<'a, [u8]>, CErr> {
        let at = self.pos;
        if let Some(b @ 0x60..=0x77) = self.peek() {
            self.pos += 1;
            return self.take(u64::from(b - 0x60), at).map(Cow::Borrowed);
        }
        let (h, at) = self.head()?;
        let Head::Text(len) = h else {
            return Err((at, what));
        };
        self.string_body(len, 3, at)
    }

    fn bytes(&mut self, what: &'static str) -> Result<Cow<'a, [u8]>, CErr> {
        let (h, at) = self.head()?;
        let Head::Bytes(len) = h else {
            return Err((at, what));
        };
        self.string_body(len, 2, at)
    }

    fn int(&mut self) -> Result<i128, CErr> {
        match self.head()? {
            (Head::Uint(n), _) => Ok(i128::from(n)),
            (Head::Nint(n), _) => Ok(-1 - i128::from(n)),
            (_, at) => Err((at, "expected an integer in a decimal fraction")),
        }
    }

    /// A number: integer, float, tag-4 decimal fraction; tag 1 marks a time, tag 0 an RFC
    /// 3339 time; other tags are skipped.
    fn number(&mut self, what: &'static str) -> Result<Num, CErr> {
        let mut time = false;
        for _ in 0..8 {
            let (h, at) = self.head()?;
            return match h {
                Head::Uint(n) => Ok(if time && n <= i64::MAX as u64 {
                    Num::Time(n as i64)
                } else {
                    Num::Int(i128::from(n))
                }),
                Head::Nint(n) => Ok(if time && n <= i64::MAX as u64 {
                    Num::Time(-1 - n as i64)
                } else {
                    Num::Int(-1 - i128::from(n))
                }),
                Head::Float(f) => Ok(Num::Float(f)),
                Head::Tag(4) => {
                    if self.head()?.0 != Head::Array(Some(2)) {
                        return Err((at, "decimal fraction must be an array of two integers"));
                    }
                    let e = self.int()?;
                    let m = self.int()?;
                    decimal(e, m).ok_or((at, "decimal fraction out of range"))
                }
                Head::Tag(1) => {
                    time = true;
                    continue;
                }
                // Spec §2: Time in any CBOR format may be a tag-0 RFC 3339 string.
                Head::Tag(0) => {
                    let s = self.text("tag 0 must hold an RFC 3339 text string")?;
                    super::cbor::parse_rfc3339(&s)
                        .map(Num::Time)
                        .ok_or((at, "tag 0 text is not an RFC 3339 date-time"))
                }
                Head::Tag(_) => continue,
                _ => Err((at, what)),
            };
        }
        Err((self.pos, "too many nested tags"))
    }

    /// Skips one data item of any kind, iteratively.
    fn skip(&mut self) -> Result<(), CErr> {
        let mut remaining = [0u64; MAX_DEPTH + 1];
        let mut indefinite = [false; MAX_DEPTH + 1];
        let mut depth = 0usize;
        remaining[0] = 1;
        'items: loop {
            let (h, at) = self.head()?;
            match h {
                Head::Tag(_) => continue,
                Head::Array(n) | Head::Map(n) => {
                    let count = match (h, n) {
                        (_, None) => None,
                        (Head::Map(_), Some(n)) => {
                            Some(n.checked_mul(2).ok_or((at, "length exceeds the payload"))?)
                        }
                        (_, Some(n)) => Some(n),
                    };
                    if count != Some(0) {
                        if depth == MAX_DEPTH {
                            return Err((at, "CBOR nested too deeply"));
                        }
                        depth += 1;
                        remaining[depth] = count.unwrap_or(0);
                        indefinite[depth] = count.is_none();
                        continue;
                    }
                }
                Head::Break => {
                    if depth == 0 || !indefinite[depth] {
                        return Err((at, "unexpected break"));
                    }
                    depth -= 1;
                }
                Head::Bytes(n) => {
                    self.string_body(n, 2, at)?;
                }
                Head::Text(n) => {
                    self.string_body(n, 3, at)?;
                }
                _ => {}
            }
            loop {
                if indefinite[depth] {
                    continue 'items;
                }
                remaining[depth] -= 1;
                if remaining[depth] != 0 {
                    continue 'items;
                }
                if depth == 0 {
                    return Ok(());
                }
                depth -= 1;
            }
        }
    }
}

/// `m × 10^e` as an exact integer when possible, else a float.
fn decimal(e: i128, m: i128) -> Option<Num> {
    // A zero mantissa is zero whatever the exponent.
    if m == 0 {
        return Some(Num::Int(0));
    }
    if (0..=38).contains(&e) {
        let mut v = m;
        for _ in 0..e {
            v = v.checked_mul(10)?;
        }
        return Some(Num::Int(v));
    }
    if e > 0 {
        return None;
    }
    let k = e.unsigned_abs().min(400);
    let mut p = 1.0f64;
    for _ in 0..k {
        p *= 10.0;
    }
    Some(Num::Float(m as f64 / p))
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum State {
    Start,
    Records(Option<u64>),
    Done,
}

/// A pull decoder for SenML CBOR: one [`Event::Value`] (with its resolved time) or
/// [`Event::PathOnly`] per record.
#[derive(Clone, Debug)]
pub struct SenmlCborReader<'a> {
    c: Cbor<'a>,
    state: State,
    res: Resolver,
}

impl<'a> SenmlCborReader<'a> {
    /// Expects every name to start with the client's alternate path (LwM2M 1.2, e.g.
    /// `/lwm2m` for names like `/lwm2m/3/0/9`) and removes it. A prefix longer than 32
    /// bytes is ignored.
    pub fn with_alternate_path(mut self, prefix: &str) -> Self {
        self.res.set_prefix(prefix);
        self
    }

    /// A reader over a whole payload.
    pub fn new(bytes: &'a [u8]) -> Self {
        SenmlCborReader {
            c: Cbor { src: bytes, pos: 0 },
            state: State::Start,
            res: Resolver::new(),
        }
    }

    fn end(&mut self) -> Result<Option<RawRecord<'a>>, CErr> {
        self.state = State::Done;
        if self.c.pos != self.c.src.len() {
            return Err((self.c.pos, "unexpected data after the SenML array"));
        }
        Ok(None)
    }

    fn step(&mut self) -> Result<Option<RawRecord<'a>>, CErr> {
        match self.state {
            State::Done => return Ok(None),
            State::Start => {
                let (h, at) = self.c.head()?;
                let Head::Array(n) = h else {
                    return Err((at, "expected an array of SenML records"));
                };
                self.state = State::Records(n);
            }
            State::Records(_) => {}
        }
        match self.state {
            State::Records(Some(0)) => return self.end(),
            State::Records(Some(n)) => self.state = State::Records(Some(n - 1)),
            _ => {
                if self.c.peek() == Some(0xFF) {
                    self.c.pos += 1;
                    return self.end();
                }
            }
        }
        let start = self.c.pos;
        if let Some((path, value)) = self.record_fast() {
            let time = self.res.time(None);
            return Ok(Some(RawRecord { path, value, time }));
        }
        self.c.pos = start;
        self.record().map(Some)
    }

    /// The common record forms, decoded without the general machinery: a definite map of
    /// at most 23 one-byte labels among `bn`, `n`, `v`, `vs` and `vb`, each once, with
    /// short text heads, plain integers, floats and booleans. `None` for anything else,
    /// valid or not, and for names that do not resolve: the caller then reads the record
    /// again from its start with [`record`](Self::record), which gives the same result for
    /// what this accepts and the exact error for the rest. (Setting the base name before
    /// giving up is harmless: `record` sets it again from the same bytes.)
    #[inline(always)]
    fn record_fast(&mut self) -> Option<(Packed, Option<RawValue<'a>>)> {
        let src = self.c.src;
        let mut i = self.c.pos;
        let count = src.get(i)?.checked_sub(0xA0).filter(|&c| c < 24)?;
        i += 1;
        let mut seen = 0u32;
        let mut bn: Option<&'a [u8]> = None;
        let mut n: Option<&'a [u8]> = None;
        let mut value: Option<RawValue<'a>> = None;
        for _ in 0..count {
            let label = *src.get(i)?;
            i += 1;
            let bit = 1u32 << (label & 0x1F);
            if seen & bit != 0 {
                return None;
            }
            seen |= bit;
            match label {
                0x21 | 0x00 | 0x03 => {
                    let (len, at) = match *src.get(i)? {
                        h @ 0x60..=0x77 => (usize::from(h - 0x60), i + 1),
                        0x78 => (usize::from(*src.get(i + 1)?), i + 2),
                        _ => return None,
                    };
                    let text = src.get(at..at + len)?;
                    i = at + len;
                    match label {
                        0x21 => bn = Some(text),
                        0x00 => n = Some(text),
                        _ => {
                            if value.is_some() {
                                return None;
                            }
                            let s = core::str::from_utf8(text).ok()?;
                            value = Some(RawValue::Str(Cow::Borrowed(s)));
                        }
                    }
                }
                0x02 => {
                    if value.is_some() {
                        return None;
                    }
                    let b = *src.get(i)?;
                    let ai = b & 0x1F;
                    let (arg, len) = match ai {
                        0..=23 => (u64::from(ai), 1),
                        24..=27 => {
                            let k = 1usize << (ai - 24);
                            let bytes = src.get(i + 1..i + 1 + k)?;
                            let v = bytes.iter().fold(0u64, |acc, &x| (acc << 8) | u64::from(x));
                            (v, 1 + k)
                        }
                        _ => return None,
                    };
                    value = Some(match (b >> 5, ai) {
                        (0, _) => RawValue::Integer(i128::from(arg)),
                        (1, _) => RawValue::Integer(-1 - i128::from(arg)),
                        (7, 25) => RawValue::Float(f16_to_f64(arg as u16)),
                        (7, 26) => RawValue::Float(f32::from_bits(arg as u32) as f64),
                        (7, 27) => RawValue::Float(f64::from_bits(arg)),
                        _ => return None,
                    });
                    i += len;
                }
                0x04 => {
                    if value.is_some() {
                        return None;
                    }
                    value = Some(RawValue::Boolean(match *src.get(i)? {
                        0xF4 => false,
                        0xF5 => true,
                        _ => return None,
                    }));
                    i += 1;
                }
                _ => return None,
            }
        }
        if let Some(bn) = bn {
            self.res.set_base_name(bn);
        }
        // Only names that are plain IDs split on a `/` (ASCII, so valid text for `record`
        // too); the rest goes through `record`.
        let path = self.res.path_split(n.unwrap_or(b""))?;
        self.c.pos = i;
        Some((path, value))
    }

    /// A label that is not a one-byte integer: other integers and text labels are
    /// unknown (100) except `"vlo"` (9); text labels ending in `_` must be understood.
    fn label(&mut self) -> Result<i32, CErr> {
        let (key, key_at) = self.c.head()?;
        Ok(match key {
            // Integer labels in a longer form than needed.
            Head::Uint(k) if k <= 8 => k as i32,
            Head::Nint(k) if k < 6 => -1 - k as i32,
            Head::Uint(_) | Head::Nint(_) => 100,
            Head::Text(len) => {
                let name = self.c.string_body(len, 3, key_at)?;
                match &*name {
                    b"vlo" => 9,
                    k if k.ends_with(b"_") => {
                        return Err((key_at, "unsupported must-understand label"));
                    }
                    _ => 100,
                }
            }
            _ => return Err((key_at, "record label must be an integer or a text")),
        })
    }

    fn record(&mut self) -> Result<RawRecord<'a>, CErr> {
        let (h, start) = self.c.head()?;
        let Head::Map(count) = h else {
            return Err((start, "expected a record map"));
        };
        let mut left = count;
        let mut seen: u32 = 0;
        // The name as bytes and where it starts: UTF-8 is only checked when the name is not
        // a plain path (which is ASCII).
        let mut n: Option<(Cow<'a, [u8]>, usize)> = None;
        let mut t: Option<f64> = None;
        let mut value: Option<RawValue<'a>> = None;
        loop {
            match left {
                Some(0) => break,
                Some(k) => left = Some(k - 1),
                None => {
                    if self.c.peek() == Some(0xFF) {
                        self.c.pos += 1;
                        break;
                    }
                }
            }
            // Labels 0..=8 and -1..=-6 are one byte.
            let key_at = self.c.pos;
            let label: i32 = match self.c.peek() {
                Some(b @ 0x00..=0x08) => {
                    self.c.pos += 1;
                    i32::from(b)
                }
                Some(b @ 0x20..=0x25) => {
                    self.c.pos += 1;
                    -1 - i32::from(b - 0x20)
                }
                _ => self.label()?,
            };
            if label == 100 {
                self.c.skip()?;
                continue;
            }
            let bit = (label + 6) as u32;
            if seen & (1 << bit) != 0 {
                return Err((key_at, "label appears twice in one record"));
            }
            seen |= 1 << bit;
            if matches!(label, 2 | 3 | 4 | 8 | 9) && value.is_some() {
                return Err((key_at, "record has more than one value"));
            }
            let at = self.c.pos;
            match label {
                -2 => {
                    let bn = self.c.text("bn must be a text string")?;
                    self.res.set_base_name(bn.as_bytes());
                }
                -3 => {
                    let bt = self.c.number("bt must be a number")?;
                    self.res.set_base_time(bt.to_f64());
                }
                -4 | 1 => {
                    self.c.text("unit must be a text string")?;
                }
                -5 => {
                    if self.c.number("bv must be a number")?.to_f64() != 0.0 {
                        return Err((at, "base value (bv) is not supported"));
                    }
                }
                -1 | -6 | 5 | 7 => {
                    self.c.number("expected a number")?;
                }
                0 => n = Some((self.c.text_bytes("n must be a text string")?, at)),
                2 => {
                    value = Some(match self.c.number("v must be a number")? {
                        Num::Int(i) => RawValue::Integer(i),
                        Num::Float(f) => RawValue::Float(f),
                        Num::Time(t) => RawValue::Time(t),
                    })
                }
                3 => value = Some(RawValue::Str(self.c.text("vs must be a text string")?)),
                4 => match self.c.head()? {
                    (Head::Bool(b), _) => value = Some(RawValue::Boolean(b)),
                    (_, at) => return Err((at, "vb must be true or false")),
                },
                6 => t = Some(self.c.number("t must be a number")?.to_f64()),
                8 => value = Some(RawValue::Opaque(self.c.bytes("vd must be a byte string")?)),
                _ => {
                    let s = self.c.text("vlo must be a text string")?;
                    let l: ObjectLink = s
                        .parse()
                        .map_err(|_| (at, "vlo is not an object link OID:IID"))?;
                    value = Some(RawValue::Objlnk(l));
                }
            }
        }
        let path = match self.res.path(n.as_ref().map(|(b, _)| &**b)) {
            Ok(p) => p,
            Err(r) => {
                if let Some((b, at)) = &n
                    && core::str::from_utf8(b).is_err()
                {
                    return Err((*at, "invalid UTF-8 in text string"));
                }
                return Err((start, r));
            }
        };
        let time = self.res.time(t);
        Ok(RawRecord { path, value, time })
    }

    fn fail(&mut self, (offset, reason): CErr) -> SenmlCborError {
        self.state = State::Done;
        SenmlCborError::new(offset, reason)
    }
}

impl<'a> Reader<'a> for SenmlCborReader<'a> {
    type Error = SenmlCborError;

    fn next_event(&mut self) -> Result<Option<Event<'a>>, Self::Error> {
        match self.step() {
            Ok(r) => Ok(r.map(RawRecord::into_event)),
            Err(e) => Err(self.fail(e)),
        }
    }

    /// Records straight into the sink: no events, no paths unless an error names one.
    fn read_instance<S: InstanceSink + ?Sized>(
        &mut self,
        scope: &Path,
        sink: &mut S,
    ) -> Result<(), Error> {
        let Some(scope) = senml::instance_scope(scope) else {
            return super::read_instance_events(self, scope, sink);
        };
        loop {
            // Records of a definite-length array in their common form: parsed and handed
            // over in place; anything else (and the end) through `step`.
            if let Some((path, value)) = self.next_fast() {
                senml::sink_value(&scope, path, value.as_ref(), sink)?;
                continue;
            }
            match self.step() {
                Ok(Some(rec)) => senml::sink_record(&scope, &rec, sink)?,
                Ok(None) => return Ok(()),
                Err(e) => return Err(self.fail(e).into()),
            }
        }
    }
}

impl<'a> RawRecords<'a> for SenmlCborReader<'a> {
    #[inline]
    fn next_raw(&mut self) -> Result<Option<RawRecord<'a>>, Error> {
        self.step().map_err(|e| self.fail(e).into())
    }

    /// The next record of a definite-length array when it is in its common form (see
    /// [`record_fast`](SenmlCborReader::record_fast)).
    #[inline(always)]
    fn next_fast(&mut self) -> Option<(Packed, Option<RawValue<'a>>)> {
        let State::Records(Some(k @ 1..)) = self.state else {
            return None;
        };
        let start = self.c.pos;
        match self.record_fast() {
            Some(r) => {
                self.state = State::Records(Some(k - 1));
                Some(r)
            }
            None => {
                self.c.pos = start;
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `step` reading every record with `record` only (no fast path).
    fn slow_step<'a>(r: &mut SenmlCborReader<'a>) -> Result<Option<RawRecord<'a>>, CErr> {
        match r.state {
            State::Done => return Ok(None),
            State::Start => {
                let (h, at) = r.c.head()?;
                let Head::Array(n) = h else {
                    return Err((at, "expected an array of SenML records"));
                };
                r.state = State::Records(n);
            }
            State::Records(_) => {}
        }
        match r.state {
            State::Records(Some(0)) => return r.end(),
            State::Records(Some(n)) => r.state = State::Records(Some(n - 1)),
            _ => {
                if r.c.peek() == Some(0xFF) {
                    r.c.pos += 1;
                    return r.end();
                }
            }
        }
        r.record().map(Some)
    }

    /// The records (or the error) of `bytes` through `step` and through `slow_step`.
    fn same_records(bytes: &[u8]) {
        let mut a = SenmlCborReader::new(bytes);
        let mut b = SenmlCborReader::new(bytes);
        for _ in 0..=bytes.len() {
            let x = a.step();
            let y = slow_step(&mut b);
            assert_eq!(format!("{x:?}"), format!("{y:?}"), "{bytes:02X?}");
            assert_eq!(a.c.pos, b.c.pos);
            if !matches!(x, Ok(Some(_))) {
                return;
            }
        }
    }

    const NAMES: &[&str] = &[
        "/3/0/",
        "/3/0",
        "/3/1/",
        "/",
        "",
        "9",
        "/9",
        "6/0",
        "0",
        "/3/0/9",
        "/3/0/6/0",
        "x",
        "65535",
        "65534",
        "/3/0/6/0/1",
        "/lwm2m/3/0/",
        "3/0/9",
        "9/",
        "/3/0//",
        "\u{e9}",
    ];

    fn text(t: &[u8]) -> Vec<u8> {
        let mut v = if t.len() < 24 {
            alloc::vec![0x60 + t.len() as u8]
        } else {
            alloc::vec![0x78, t.len() as u8]
        };
        v.extend_from_slice(t);
        v
    }

    /// One label and value, valid or not.
    fn item() -> impl Strategy<Value = Vec<u8>> {
        let name = prop::sample::select(NAMES).prop_map(|n| n.as_bytes().to_vec());
        let value = prop::sample::select(alloc::vec![
            alloc::vec![0x01u8],
            alloc::vec![0x17],
            alloc::vec![0x18, 0x64],
            alloc::vec![0x18, 0x05],
            alloc::vec![0x19, 0x0E, 0xD8],
            alloc::vec![0x1A, 0x51, 0x82, 0x2F, 0x8F],
            alloc::vec![0x1B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF],
            alloc::vec![0x20],
            alloc::vec![0x38, 0xFF],
            alloc::vec![0x3B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF],
            alloc::vec![0x1C],
            alloc::vec![0xF9, 0x4D, 0x60],
            alloc::vec![0xF9, 0x7E, 0x00],
            alloc::vec![0xFA, 0x47, 0xC3, 0x50, 0x00],
            alloc::vec![0xFB, 0x3F, 0xF1, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9A],
            alloc::vec![0xF4],
            alloc::vec![0xF5],
            alloc::vec![0xF6],
            alloc::vec![0xF8, 0x20],
            alloc::vec![0x61, 0x61],
            alloc::vec![0x62, 0xC3, 0x28],
            alloc::vec![0x62, 0xC3, 0xA9],
            alloc::vec![0x78, 0x01, 0x61],
            alloc::vec![0x7F, 0x61, 0x61, 0xFF],
            alloc::vec![0x41, 0x01],
            alloc::vec![0xC1, 0x01],
            alloc::vec![0xC4, 0x82, 0x20, 0x18, 0xD7],
            alloc::vec![0x80],
            alloc::vec![0xA0],
        ]);
        prop_oneof![
            3 => (prop::sample::select(alloc::vec![0x21u8, 0x00, 0x03]), name.clone())
                .prop_map(|(l, n)| {
                    let mut v = alloc::vec![l];
                    v.extend(text(&n));
                    v
                }),
            3 => (
                prop::sample::select(alloc::vec![0x02u8, 0x03, 0x04, 0x06, 0x22, 0x08, 0x20, 0x25]),
                value,
            )
                .prop_map(|(l, x)| {
                    let mut v = alloc::vec![l];
                    v.extend(x);
                    v
                }),
            1 => name.prop_map(|n| {
                let mut v = text(b"vlo");
                v.extend(text(&n));
                v
            }),
            1 => Just(alloc::vec![0x18, 0x64, 0x01]),
        ]
    }

    /// A name item (`bn` or `n`), mostly resolvable.
    fn name_item(label: u8) -> impl Strategy<Value = Vec<u8>> {
        let good = prop::sample::select(alloc::vec!["/3/0/", "/3/0/9", "9", "6/0", "13"]);
        prop_oneof![3 => good, 1 => prop::sample::select(NAMES)].prop_map(move |n| {
            let mut v = alloc::vec![label];
            v.extend(text(n.as_bytes()));
            v
        })
    }

    fn record_bytes() -> impl Strategy<Value = Vec<u8>> {
        (
            prop::option::of(name_item(0x21)),
            prop::option::weighted(0.8, name_item(0x00)),
            prop::collection::vec(item(), 0..3),
            any::<prop::sample::Index>(),
            0u8..10,
        )
            .prop_map(|(bn, n, mut items, at, k)| {
                // Names first (usual) or anywhere.
                let mut names: Vec<Vec<u8>> = bn.into_iter().chain(n).collect();
                if k < 7 {
                    names.extend(items);
                    items = names;
                } else {
                    for x in names {
                        let i = at.index(items.len() + 1);
                        items.insert(i, x);
                    }
                }
                let count = if k == 0 { items.len() + 1 } else { items.len() };
                let mut v = alloc::vec![0xA0 + count as u8];
                if k == 1 {
                    v = alloc::vec![0xBF];
                }
                for i in items {
                    v.extend(i);
                }
                if k == 1 {
                    v.push(0xFF);
                }
                v
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn fast_records_equal_general_ones(
            recs in prop::collection::vec(record_bytes(), 0..5),
            cut in any::<usize>(),
            flip in any::<(usize, u8)>(),
            mode in 0u8..4,
        ) {
            let mut bytes = alloc::vec![0x80 + recs.len() as u8];
            for r in &recs {
                bytes.extend(r);
            }
            same_records(&bytes);
            match mode {
                0 => bytes.truncate(cut % (bytes.len() + 1)),
                1 => {
                    let n = bytes.len();
                    bytes[flip.0 % n] ^= flip.1.max(1);
                }
                2 => {
                    bytes[0] = 0x9F;
                    bytes.push(0xFF);
                }
                _ => {}
            }
            same_records(&bytes);
        }
    }

    #[test]
    fn preferred_floats() {
        let enc = |v: f64| {
            let (b, l) = float_bytes(v);
            b[..l].to_vec()
        };
        assert_eq!(enc(21.5), [0xF9, 0x4D, 0x60]);
        assert_eq!(enc(0.0), [0xF9, 0x00, 0x00]);
        assert_eq!(enc(-0.0), [0xF9, 0x80, 0x00]);
        assert_eq!(enc(1.0), [0xF9, 0x3C, 0x00]);
        assert_eq!(enc(65504.0), [0xF9, 0x7B, 0xFF]);
        assert_eq!(enc(65536.0), [0xFA, 0x47, 0x80, 0x00, 0x00]);
        assert_eq!(enc(5.960464477539063e-8), [0xF9, 0x00, 0x01]);
        assert_eq!(enc(0.00006103515625), [0xF9, 0x04, 0x00]);
        assert_eq!(enc(f64::INFINITY), [0xF9, 0x7C, 0x00]);
        assert_eq!(enc(f64::NAN), [0xF9, 0x7E, 0x00]);
        assert_eq!(enc(100000.0), [0xFA, 0x47, 0xC3, 0x50, 0x00]);
        assert_eq!(
            enc(1.1),
            [0xFB, 0x3F, 0xF1, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9A]
        );
        for h in [
            0x0001u16, 0x03FF, 0x0400, 0x3C00, 0x4D60, 0x7BFF, 0xC400, 0x7C00,
        ] {
            let v = f16_to_f64(h);
            assert_eq!(f32_to_f16_exact(v as f32), Some(h), "{h:04x}");
        }
    }

    #[test]
    fn skip_items() {
        let mut c = Cbor {
            src: &[
                0x9F, 0xA1, 0x01, 0x5F, 0x41, 0x00, 0xFF, 0xC1, 0x01, 0xFF, 0x07,
            ],
            pos: 0,
        };
        c.skip().unwrap();
        assert_eq!(c.pos, 10);
        let deep = [0x81u8; 40];
        assert_eq!(
            Cbor { src: &deep, pos: 0 }.skip(),
            Err((16, "CBOR nested too deeply"))
        );
        let huge = [0x9B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00];
        assert_eq!(
            Cbor { src: &huge, pos: 0 }.skip(),
            Err((10, "unexpected end of payload"))
        );
    }
}
