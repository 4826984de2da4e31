//! `application/cbor` (60): one CBOR data item, the value of one resource or resource
//! instance (spec §5), plus the CBOR primitives LwM2M CBOR (11544) shares.
//!
//! Encoding follows RFC 8949 preferred serialization: integers in the shortest head,
//! floats in the shortest width that holds the value exactly (half, single or double:
//! 22.5 → `F9 4D A0`), Objlnk as the text `"oid:iid"`, Time as a plain integer (Anjay's
//! choice; tag 1 is accepted on input).
//!
//! Decoding accepts any integer or float width, definite and indefinite strings, tag 1
//! (epoch seconds) and tag 0 (RFC 3339 text) for Time, tag 4 (decimal fraction) for
//! numbers, and skips other tags. `null` reads as "no value". Anything after the data item
//! is an error. Lengths are checked against the bytes present before anything is read.

use alloc::borrow::Cow;
use alloc::vec::Vec;

use super::{
    Error, Event, FormatError, Output, OutputFull, RawValue, Reader, TypeLookup, ValueRef,
};
use crate::{ContentFormat, Node, Path};

/// The error type of the CBOR codec: byte offset and reason.
pub type CborError = FormatError;

// ---------------------------------------------------------------------------------------
// Encoding primitives
// ---------------------------------------------------------------------------------------

/// The head of a data item of `major` type with argument `n`, shortest form.
#[inline]
pub(crate) fn head(major: u8, n: u64) -> ([u8; 9], usize) {
    let mut h = [0u8; 9];
    let m = major << 5;
    let len = if n < 24 {
        h[0] = m | n as u8;
        1
    } else if n <= 0xFF {
        h[0] = m | 24;
        h[1] = n as u8;
        2
    } else if n <= 0xFFFF {
        h[0] = m | 25;
        h[1..3].copy_from_slice(&(n as u16).to_be_bytes());
        3
    } else if n <= 0xFFFF_FFFF {
        h[0] = m | 26;
        h[1..5].copy_from_slice(&(n as u32).to_be_bytes());
        5
    } else {
        h[0] = m | 27;
        h[1..9].copy_from_slice(&n.to_be_bytes());
        9
    };
    (h, len)
}

/// IEEE binary16 bits of `f` when the conversion is exact.
pub(crate) fn f16_exact(f: f64) -> Option<u16> {
    if f.is_nan() {
        return Some(0x7E00);
    }
    let s = f as f32;
    if s as f64 != f {
        return None;
    }
    let bits = s.to_bits();
    let sign = ((bits >> 16) & 0x8000) as u16;
    let exp = ((bits >> 23) & 0xFF) as i32;
    let man = bits & 0x7F_FFFF;
    if exp == 0xFF {
        return Some(sign | 0x7C00);
    }
    if exp == 0 {
        return (man == 0).then_some(sign);
    }
    let e = exp - 127;
    if (-14..=15).contains(&e) {
        return (man & 0x1FFF == 0).then(|| sign | (((e + 15) as u16) << 10) | (man >> 13) as u16);
    }
    if (-24..-14).contains(&e) {
        let full = 0x80_0000 | man;
        let shift = (13 + (-14 - e)) as u32;
        return (full & ((1 << shift) - 1) == 0).then(|| sign | (full >> shift) as u16);
    }
    None
}

/// binary16 bits to a double.
pub(crate) fn f16_to_f64(h: u16) -> f64 {
    let sign = if h & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = (h >> 10) & 0x1F;
    let man = (h & 0x3FF) as f64;
    // 2^-24 and friends are exact in binary64.
    const TWO_M24: f64 = 1.0 / 16_777_216.0;
    match exp {
        0 => sign * man * TWO_M24,
        31 if man == 0.0 => sign * f64::INFINITY,
        31 => f64::NAN,
        e => {
            let mut scale = 1.0f64;
            let p = e as i32 - 25;
            // (1024 + man) * 2^(e - 25)
            if p >= 0 {
                scale = (1u64 << p) as f64;
            } else {
                scale /= (1u64 << -p) as f64;
            }
            sign * (1024.0 + man) * scale
        }
    }
}

/// Up to 16 bytes built in a register (no byte-wise stores that a 16-byte copy would then
/// stall on), written with one [`Output::write_words`].
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Chunk {
    bits: u128,
    n: usize,
}

impl Chunk {
    /// Appends the low `k` bytes of `bits`, big-endian.
    #[inline]
    pub fn push(&mut self, bits: u64, k: usize) {
        self.bits = if k == 16 { 0 } else { self.bits << (8 * k) } | bits as u128;
        self.n += k;
    }

    /// Appends the shortest head of `major` with argument `arg`.
    #[inline]
    pub fn head(&mut self, major: u8, arg: u64) {
        let m = (major as u64) << 5;
        if arg < 24 {
            self.push(m | arg, 1);
        } else if arg <= 0xFF {
            self.push((m | 24) << 8 | arg, 2);
        } else if arg <= 0xFFFF {
            self.push((m | 25) << 16 | arg, 3);
        } else if arg <= 0xFFFF_FFFF {
            self.push((m | 26) << 32 | arg, 5);
        } else {
            self.push(m | 27, 1);
            self.push(arg, 8);
        }
    }

    /// Writes the chunk.
    #[inline]
    pub fn write<O: Output + ?Sized>(&self, out: &mut O) -> Result<(), OutputFull> {
        if self.n == 0 {
            return Ok(());
        }
        let bits = self.bits << (128 - 8 * self.n.min(16) as u32);
        out.write_words((bits >> 64) as u64, bits as u64, self.n)
    }
}

/// Appends the data item for `v` to `c` (LwM2M CBOR column of spec §2): everything but
/// the content of a text or byte string, which is returned to be written after the chunk.
/// Needs at most 12 free bytes in the chunk.
#[inline]
pub(crate) fn push_value<'a>(c: &mut Chunk, v: &ValueRef<'a>) -> &'a [u8] {
    let int = |c: &mut Chunk, i: i64| {
        if i >= 0 {
            c.head(0, i as u64)
        } else {
            c.head(1, !i as u64)
        }
    };
    match *v {
        ValueRef::String(s) | ValueRef::Corelnk(s) => {
            c.head(3, s.len() as u64);
            return s.as_bytes();
        }
        ValueRef::Opaque(b) => {
            c.head(2, b.len() as u64);
            return b;
        }
        ValueRef::Integer(i) => int(c, i),
        ValueRef::Time(t) => int(c, t.0),
        ValueRef::UnsignedInteger(u) => c.head(0, u),
        ValueRef::Float(f) => {
            if let Some(h) = f16_exact(f) {
                c.push(0xF9 << 16 | h as u64, 3);
            } else if (f as f32) as f64 == f {
                c.push(0xFA << 32 | (f as f32).to_bits() as u64, 5);
            } else {
                c.push(0xFB, 1);
                c.push(f.to_bits(), 8);
            }
        }
        ValueRef::Boolean(b) => c.push(if b { 0xF5 } else { 0xF4 }, 1),
        ValueRef::Objlnk(l) => {
            let (o, on) = digits(l.object_id);
            let (i, inn) = digits(l.instance_id);
            c.push(0x60 | (on + inn + 1) as u64, 1);
            c.push(o, on);
            c.push(b':' as u64, 1);
            c.push(i, inn);
        }
    }
    &[]
}

/// The decimal digits of `v` as big-endian ASCII bytes in a `u64`, and their count.
#[inline]
fn digits(mut v: u16) -> (u64, usize) {
    let mut bits = 0u64;
    let mut n = 0;
    loop {
        bits |= ((b'0' + (v % 10) as u8) as u64) << (8 * n);
        n += 1;
        v /= 10;
        if v == 0 {
            return (bits, n);
        }
    }
}

/// Writes one data item for `v` (LwM2M CBOR column of spec §2).
#[inline]
pub(crate) fn write_value<O: Output>(out: &mut O, v: &ValueRef<'_>) -> Result<(), OutputFull> {
    let mut c = Chunk::default();
    let tail = push_value(&mut c, v);
    c.write(out)?;
    if !tail.is_empty() {
        out.write(tail)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Decoding primitives
// ---------------------------------------------------------------------------------------

/// A data item's head.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Head {
    pub major: u8,
    pub info: u8,
    /// The argument (length, value, tag number, float bits); 0 when indefinite.
    pub arg: u64,
    /// Offset of the head.
    pub offset: usize,
}

impl Head {
    pub fn indefinite(&self) -> bool {
        self.info == 31
    }
}

/// What a value position held.
#[derive(Debug)]
pub(crate) enum Item<'a> {
    /// A data item that is a value.
    Value(RawValue<'a>),
    /// `null` (or `undefined`): no value.
    Null,
    /// A map head (entries follow).
    Map(Head),
    /// An array head that was not a decimal fraction (elements follow).
    Array(Head),
}

/// A CBOR byte cursor reporting errors of `format`.
#[derive(Clone, Debug)]
pub(crate) struct Decoder<'a> {
    pub buf: &'a [u8],
    pub pos: usize,
    pub format: ContentFormat,
}

impl<'a> Decoder<'a> {
    pub fn new(buf: &'a [u8], format: ContentFormat) -> Self {
        Decoder {
            buf,
            pos: 0,
            format,
        }
    }

    pub fn err(&self, offset: usize, reason: &'static str) -> FormatError {
        FormatError::new(self.format, offset, reason)
    }

    pub fn at_end(&self) -> bool {
        self.pos >= self.buf.len()
    }

    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], FormatError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.buf.len())
            .ok_or_else(|| self.err(self.pos, what))?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    pub fn peek(&self) -> Option<u8> {
        self.buf.get(self.pos).copied()
    }

    /// Reads a head.
    #[inline]
    pub fn head(&mut self) -> Result<Head, FormatError> {
        let offset = self.pos;
        let b = *self
            .buf
            .get(self.pos)
            .ok_or_else(|| self.err(offset, "unexpected end of CBOR data"))?;
        self.pos += 1;
        let major = b >> 5;
        let info = b & 0x1F;
        let arg = match info {
            0..=23 => info as u64,
            24 => self.take(1, "truncated CBOR head")?[0] as u64,
            25 => {
                let s = self.take(2, "truncated CBOR head")?;
                u16::from_be_bytes([s[0], s[1]]) as u64
            }
            26 => {
                let s = self.take(4, "truncated CBOR head")?;
                u32::from_be_bytes([s[0], s[1], s[2], s[3]]) as u64
            }
            27 => {
                let s = self.take(8, "truncated CBOR head")?;
                u64::from_be_bytes([s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]])
            }
            31 if matches!(major, 2..=5 | 7) => 0,
            _ => return Err(self.err(offset, "reserved CBOR additional information")),
        };
        Ok(Head {
            major,
            info,
            arg,
            offset,
        })
    }

    /// Whether the next byte is a "break" (`FF`); consumes it if so.
    pub fn take_break(&mut self) -> bool {
        if self.peek() == Some(0xFF) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// The body of a string whose head is `h` (major 2 or 3).
    fn string_body(&mut self, h: Head) -> Result<Cow<'a, [u8]>, FormatError> {
        if !h.indefinite() {
            let n = usize::try_from(h.arg).unwrap_or(usize::MAX);
            return self
                .take(n, "truncated CBOR string: its length exceeds the payload")
                .map(Cow::Borrowed);
        }
        let mut all = Vec::new();
        loop {
            if self.take_break() {
                return Ok(Cow::Owned(all));
            }
            let c = self.head()?;
            if c.major != h.major || c.indefinite() {
                return Err(self.err(
                    c.offset,
                    "indefinite-length string chunk of another type or itself indefinite",
                ));
            }
            let n = usize::try_from(c.arg).unwrap_or(usize::MAX);
            all.extend_from_slice(
                self.take(n, "truncated CBOR string: its length exceeds the payload")?,
            );
        }
    }

    fn text_body(&mut self, h: Head) -> Result<Cow<'a, str>, FormatError> {
        let offset = h.offset;
        match self.string_body(h)? {
            Cow::Borrowed(b) => core::str::from_utf8(b)
                .map(Cow::Borrowed)
                .map_err(|_| self.err(offset, "text string is not valid UTF-8")),
            Cow::Owned(v) => alloc::string::String::from_utf8(v)
                .map(Cow::Owned)
                .map_err(|_| self.err(offset, "text string is not valid UTF-8")),
        }
    }

    /// An integer item (major 0/1), for decimal fractions and keys.
    fn int(&mut self, what: &'static str) -> Result<i128, FormatError> {
        let h = self.head()?;
        match h.major {
            0 => Ok(h.arg as i128),
            1 => Ok(-1 - h.arg as i128),
            _ => Err(self.err(h.offset, what)),
        }
    }

    /// Reads the item at a value position: a leaf value, `null`, or the head of a map or
    /// array. Tags are applied (1, 0, 4) or skipped.
    pub fn item(&mut self) -> Result<Item<'a>, FormatError> {
        let mut tag: Option<(u64, usize)> = None;
        let h = loop {
            let h = self.head()?;
            if h.major == 6 {
                tag = Some((h.arg, h.offset));
                continue;
            }
            break h;
        };
        let raw = match h.major {
            0 => RawValue::Integer(h.arg as i128),
            1 => RawValue::Integer(-1 - h.arg as i128),
            2 => RawValue::Opaque(self.string_body(h)?),
            3 => RawValue::Str(self.text_body(h)?),
            4 if matches!(tag, Some((4, _))) => {
                if h.indefinite() || h.arg != 2 {
                    return Err(self.err(h.offset, "decimal fraction must be a 2-element array"));
                }
                let e = self.int("decimal fraction exponent must be an integer")?;
                let m = self.int("decimal fraction mantissa must be an integer")?;
                return Ok(Item::Value(decimal_fraction(e, m)));
            }
            4 => return Ok(Item::Array(h)),
            5 => return Ok(Item::Map(h)),
            _ => match h.info {
                20 => RawValue::Boolean(false),
                21 => RawValue::Boolean(true),
                22 | 23 => return Ok(Item::Null),
                25 => RawValue::Float(f16_to_f64(h.arg as u16)),
                26 => RawValue::Float(f32::from_bits(h.arg as u32) as f64),
                27 => RawValue::Float(f64::from_bits(h.arg)),
                31 => return Err(self.err(h.offset, "unexpected CBOR break")),
                _ => return Err(self.err(h.offset, "unsupported CBOR simple value")),
            },
        };
        Ok(Item::Value(match (tag, raw) {
            (Some((1, _)), RawValue::Integer(v)) => match i64::try_from(v) {
                Ok(t) => RawValue::Time(t),
                Err(_) => return Err(self.err(h.offset, "epoch time out of range")),
            },
            (Some((1, _)), RawValue::Float(f)) => match super::integral_f64(f) {
                Some(v) => match i64::try_from(v) {
                    Ok(t) => RawValue::Time(t),
                    Err(_) => return Err(self.err(h.offset, "epoch time out of range")),
                },
                // Fractional seconds: keep the number, Time readers truncate nothing.
                None => RawValue::Float(f),
            },
            (Some((0, off)), RawValue::Str(s)) => match parse_rfc3339(&s) {
                Some(t) => RawValue::Time(t),
                None => return Err(self.err(off, "tag 0 text is not an RFC 3339 date-time")),
            },
            (Some((0 | 1, off)), _) => {
                return Err(self.err(off, "time tag on a value of the wrong type"));
            }
            (_, raw) => raw,
        }))
    }
}

/// `m × 10^e` as a raw number: an integer when exact, else a float.
fn decimal_fraction(e: i128, m: i128) -> RawValue<'static> {
    // A zero mantissa is zero whatever the exponent (10^400 overflows to infinity below,
    // and 0 × ∞ would be NaN).
    if m == 0 {
        return RawValue::Integer(0);
    }
    if (0..=38).contains(&e)
        && let Some(v) = 10i128.checked_pow(e as u32).and_then(|p| p.checked_mul(m))
    {
        return RawValue::Integer(v);
    }
    let e = e.clamp(-400, 400) as i32;
    let mut p = 1.0f64;
    for _ in 0..e.unsigned_abs() {
        p *= 10.0;
    }
    RawValue::Float(if e >= 0 { m as f64 * p } else { m as f64 / p })
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)` to epoch seconds (fraction dropped).
pub(crate) fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let num = |r: core::ops::Range<usize>| -> Option<i64> {
        let d = b.get(r)?;
        d.iter()
            .all(u8::is_ascii_digit)
            .then(|| d.iter().fold(0i64, |a, &c| a * 10 + (c - b'0') as i64))
    };
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let s = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == s {
            return None;
        }
    }
    let offset = match b.get(i)? {
        b'Z' | b'z' if i + 1 == b.len() => 0,
        c @ (b'+' | b'-') if i + 6 == b.len() && b[i + 3] == b':' => {
            let (oh, om) = (num(i + 1..i + 3)?, num(i + 4..i + 6)?);
            if oh > 23 || om > 59 {
                return None;
            }
            let o = oh * 3600 + om * 60;
            if *c == b'-' { -o } else { o }
        }
        _ => return None,
    };
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + sec - offset)
}

// ---------------------------------------------------------------------------------------
// Content format 60
// ---------------------------------------------------------------------------------------

const F: ContentFormat = ContentFormat::Cbor;

/// CBOR (60) as a [`SingleValue`](super::single::SingleValue).
#[derive(Clone, Copy, Debug)]
pub struct Cbor60;

impl super::single::SingleValue for Cbor60 {
    const FORMAT: ContentFormat = F;
    const REFUSAL: &'static str =
        "CBOR carries the value of one resource or resource instance only";
    fn write_value<O: Output>(out: &mut O, value: ValueRef<'_>) -> Result<(), FormatError> {
        write_value(out, &value).map_err(|_| FormatError::buffer_full(F, 0))
    }
}

/// A CBOR (60) encoder: takes exactly one `value` at a resource or resource-instance path.
pub type CborWriter<O> = super::single::SingleValueWriter<O, Cbor60>;

/// Encodes a single resource or resource instance as CBOR.
pub fn encode(path: &Path, node: &Node) -> Result<Vec<u8>, Error> {
    super::single::encode::<Cbor60>(path, node)
}

/// Encodes into `buf` without allocating; returns the length.
pub fn encode_into(path: &Path, node: &Node, buf: &mut [u8]) -> Result<usize, Error> {
    super::single::encode_into::<Cbor60>(path, node, buf)
}

/// Encodes, appending to any [`Output`].
pub fn encode_to<O: Output>(path: &Path, node: &Node, out: O) -> Result<(), Error> {
    super::single::encode_to::<Cbor60, O>(path, node, out)
}

/// Decodes a CBOR (60) payload addressed to a resource or resource-instance path.
pub fn decode(path: &Path, bytes: &[u8], types: &dyn TypeLookup) -> Result<Node, Error> {
    super::single::check_decode_target(F, path)?;
    super::decode_node(path, &mut CborReader::new(path, bytes), types)
}

/// A pull decoder of one CBOR (60) payload: one value event.
#[derive(Debug)]
pub struct CborReader<'a> {
    path: Path,
    dec: Decoder<'a>,
    done: bool,
}

impl<'a> CborReader<'a> {
    /// A reader of `bytes` addressed to `path` (a resource or resource instance).
    pub fn new(path: &Path, bytes: &'a [u8]) -> Self {
        CborReader {
            path: *path,
            dec: Decoder::new(bytes, F),
            done: false,
        }
    }
}

impl<'a> Reader<'a> for CborReader<'a> {
    type Error = CborError;
    fn next_event(&mut self) -> Result<Option<Event<'a>>, CborError> {
        if self.done {
            return Ok(None);
        }
        self.done = true;
        if self.path.len() < 3 {
            return Err(self.dec.err(0, "CBOR carries one resource value only"));
        }
        let start = self.dec.pos;
        let ev = match self.dec.item()? {
            Item::Value(value) => Event::Value {
                path: self.path,
                value,
                time: None,
            },
            Item::Null => Event::PathOnly(self.path),
            Item::Map(_) | Item::Array(_) => {
                return Err(self.dec.err(
                    start,
                    "a map or array is not a resource value (CBOR carries one value)",
                ));
            }
        };
        if !self.dec.at_end() {
            return Err(self
                .dec
                .err(self.dec.pos, "trailing bytes after the CBOR data item"));
        }
        Ok(Some(ev))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_floats() {
        for (f, h) in [
            (22.5, 0x4DA0u16),
            (-4.25, 0xC440),
            (0.0, 0),
            (-0.0, 0x8000),
            (1.0, 0x3C00),
            (65504.0, 0x7BFF),
            (5.960_464_477_539_063e-8, 1),
            (6.103_515_625e-5, 0x0400),
            (f64::INFINITY, 0x7C00),
        ] {
            assert_eq!(f16_exact(f), Some(h), "{f}");
            assert_eq!(f16_to_f64(h).to_bits(), f.to_bits(), "{h:x}");
        }
        assert_eq!(f16_exact(0.1), None);
        assert_eq!(f16_exact(65520.0), None);
        assert_eq!(f16_exact(100000.0), None);
        assert_eq!(f16_exact(1.0 + 1.0 / 2048.0), None);
    }

    #[test]
    fn rfc3339() {
        assert_eq!(parse_rfc3339("2023-11-14T22:13:20Z"), Some(1_700_000_000));
        assert_eq!(
            parse_rfc3339("2023-11-15T00:13:20.5+02:00"),
            Some(1_700_000_000)
        );
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("1969-12-31T23:59:59Z"), Some(-1));
        assert_eq!(parse_rfc3339("2023-13-01T00:00:00Z"), None);
        assert_eq!(parse_rfc3339("2023-11-14 22:13:20"), None);
    }
}
