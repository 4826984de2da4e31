//! SenML JSON (`application/senml+json`, content format 110; RFC 8428 with the LwM2M
//! `vlo` field).
//!
//! * [`SenmlJsonWriter`] implements [`Writer`] for one target path; [`encode`] drives it
//!   from a [`Node`].
//! * [`SenmlJsonReader`] implements [`Reader`]; [`decode`] builds a [`Node`].
//! * [`encode_records`] / [`decode_records`] handle record lists: composite payloads,
//!   timestamped data (Send, notifications with history) and Read-Composite requests.
//!
//! Field rules: Integer, Unsigned Integer, Float and Time are `v`; String and Corelnk `vs`;
//! Boolean `vb`; Opaque `vd` (base64url without padding; on input padding is optional
//! and, leniently, the standard alphabet `+/` is accepted too, but one value must use one
//! alphabet; non-zero trailing bits are refused, RFC 4648 §3.5);
//! Objlnk `vlo` (a `vs` is accepted when the model says Objlnk). Labels ending in `_`
//! (must-understand) are rejected, other unknown labels are ignored. See
//! [`senml`] for naming and time rules. The JSON parser is iterative with a
//! nesting limit of 64; errors carry the byte offset of the offending token.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

use base64::Engine as _;

use super::senml::{
    self, AsRecordRef, Namer, Names, Naming, Packed, RawRecord, RawRecords, Record, Resolver, Room,
    Walker, codec_error, digits_word,
};
use super::{Error, Event, InstanceSink, RawValue, Reader, TypeLookup, ValueRef, Writer};
use crate::{ContentFormat, Node, ObjectLink, Path, ResourceNode, ResourceValue};

codec_error!(
    /// A SenML JSON encoding or decoding error.
    SenmlJsonError,
    ContentFormat::SenmlJson
);

/// Maximum JSON nesting the parser accepts (only unknown labels can nest at all).
pub(crate) const MAX_DEPTH: u32 = 64;

/// A JSON parse failure: offset and reason.
pub(crate) type JsonErr = (usize, &'static str);

/// A JSON number as written: integral (no fraction, no exponent) or not.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Num {
    /// Integral literal that fits an i128.
    Int(i128),
    /// Any other number.
    Float(f64),
}

impl Num {
    pub(crate) fn to_f64(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
        }
    }

    pub(crate) fn raw(self) -> RawValue<'static> {
        match self {
            Num::Int(i) => RawValue::Integer(i),
            Num::Float(f) => RawValue::Float(f),
        }
    }
}

/// A small, iterative JSON tokenizer over bytes with exact offsets.
#[derive(Clone, Debug)]
pub(crate) struct Json<'a> {
    pub(crate) src: &'a [u8],
    pub(crate) pos: usize,
}

impl<'a> Json<'a> {
    pub(crate) fn new(src: &'a [u8]) -> Self {
        Json { src, pos: 0 }
    }

    /// The next non-whitespace byte (not consumed).
    pub(crate) fn peek(&mut self) -> Option<u8> {
        while let Some(&b) = self.src.get(self.pos) {
            if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                self.pos += 1;
            } else {
                return Some(b);
            }
        }
        None
    }

    /// Consumes `b` if it is next.
    pub(crate) fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    pub(crate) fn expect(&mut self, b: u8, reason: &'static str) -> Result<(), JsonErr> {
        if self.eat(b) {
            Ok(())
        } else {
            Err((self.pos, reason))
        }
    }

    /// After the top-level value: only whitespace may follow.
    pub(crate) fn end(&mut self) -> Result<(), JsonErr> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err((self.pos, "unexpected data after the JSON value")),
        }
    }

    /// A string token (the next non-whitespace byte must be `"`).
    pub(crate) fn string(&mut self) -> Result<Cow<'a, str>, JsonErr> {
        if self.peek() != Some(b'"') {
            return Err((self.pos, "expected a string"));
        }
        let start = self.pos;
        let src = self.src;
        let mut i = start + 1;
        while let Some(&b) = src.get(i) {
            match b {
                b'"' => {
                    let s = core::str::from_utf8(&src[start + 1..i])
                        .map_err(|_| (start, "invalid UTF-8 in string"))?;
                    self.pos = i + 1;
                    return Ok(Cow::Borrowed(s));
                }
                b'\\' => break,
                0..=0x1F => return Err((i, "control character in string")),
                _ => i += 1,
            }
        }
        let mut out: Vec<u8> = src[start + 1..i.min(src.len())].to_vec();
        loop {
            match src.get(i) {
                None => return Err((start, "unterminated string")),
                Some(b'"') => {
                    i += 1;
                    break;
                }
                Some(b'\\') => {
                    let esc = i;
                    let c = match src.get(i + 1) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            let hi = hex4(src, i + 2).ok_or((esc, "invalid \\u escape"))?;
                            i += 4;
                            if (0xD800..0xDC00).contains(&hi) {
                                if src.get(i + 2) != Some(&b'\\') || src.get(i + 3) != Some(&b'u') {
                                    return Err((esc, "unpaired surrogate in \\u escape"));
                                }
                                let lo = hex4(src, i + 4).ok_or((esc, "invalid \\u escape"))?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return Err((esc, "unpaired surrogate in \\u escape"));
                                }
                                i += 6;
                                char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                                    .ok_or((esc, "invalid \\u escape"))?
                            } else {
                                char::from_u32(hi)
                                    .ok_or((esc, "unpaired surrogate in \\u escape"))?
                            }
                        }
                        _ => return Err((esc, "invalid escape in string")),
                    };
                    i += 2;
                    let mut tmp = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
                }
                Some(&b) if b < 0x20 => return Err((i, "control character in string")),
                Some(&b) => {
                    out.push(b);
                    i += 1;
                }
            }
        }
        let s = String::from_utf8(out).map_err(|_| (start, "invalid UTF-8 in string"))?;
        self.pos = i;
        Ok(Cow::Owned(s))
    }

    /// An object key as bytes: borrowed (and not UTF-8 checked, it is only compared with
    /// ASCII labels) when it has no escapes, else decoded like [`string`](Self::string).
    #[inline]
    pub(crate) fn key(&mut self) -> Result<Cow<'a, [u8]>, JsonErr> {
        if self.peek() != Some(b'"') {
            return Err((self.pos, "expected a string"));
        }
        let src = self.src;
        let start = self.pos + 1;
        let mut i = start;
        while let Some(&b) = src.get(i) {
            match b {
                b'"' => {
                    self.pos = i + 1;
                    return Ok(Cow::Borrowed(&src[start..i]));
                }
                b'\\' | 0..=0x1F => break,
                _ => i += 1,
            }
        }
        Ok(match self.string()? {
            Cow::Borrowed(s) => Cow::Borrowed(s.as_bytes()),
            Cow::Owned(s) => Cow::Owned(s.into_bytes()),
        })
    }

    /// A number token.
    pub(crate) fn number(&mut self) -> Result<Num, JsonErr> {
        self.peek();
        let start = self.pos;
        let b = self.src;
        let mut i = start;
        let bad = (start, "invalid number");
        let negative = b.get(i) == Some(&b'-');
        if negative {
            i += 1;
        }
        // The integer part's value while it has at most 18 digits (no overflow).
        let mut small: u64 = 0;
        let int_start = i;
        match b.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                while let Some(&d) = b.get(i).filter(|d| d.is_ascii_digit()) {
                    small = small.wrapping_mul(10).wrapping_add(u64::from(d - b'0'));
                    i += 1;
                }
            }
            _ => {
                return Err(if i == start {
                    (start, "expected a number")
                } else {
                    bad
                });
            }
        }
        let mut float = false;
        if b.get(i) == Some(&b'.') {
            i += 1;
            float = true;
            if !b.get(i).is_some_and(u8::is_ascii_digit) {
                return Err(bad);
            }
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1;
            float = true;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            if !b.get(i).is_some_and(u8::is_ascii_digit) {
                return Err(bad);
            }
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
        if !float && i - int_start <= 18 {
            self.pos = i;
            let v = i128::from(small);
            return Ok(Num::Int(if negative { -v } else { v }));
        }
        let text = core::str::from_utf8(&b[start..i]).map_err(|_| bad)?;
        self.pos = i;
        if !float && let Ok(v) = text.parse::<i128>() {
            return Ok(Num::Int(v));
        }
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Num::Float(f)),
            _ => Err((start, "number out of range")),
        }
    }

    /// `true` or `false`.
    pub(crate) fn boolean(&mut self) -> Result<bool, JsonErr> {
        self.peek();
        let rest = &self.src[self.pos..];
        if rest.starts_with(b"true") {
            self.pos += 4;
            Ok(true)
        } else if rest.starts_with(b"false") {
            self.pos += 5;
            Ok(false)
        } else {
            Err((self.pos, "expected true or false"))
        }
    }

    /// Skips one JSON value of any kind, iteratively, up to [`MAX_DEPTH`] levels.
    pub(crate) fn skip_value(&mut self) -> Result<(), JsonErr> {
        let mut stack: u64 = 0; // bit set = object
        let mut depth: u32 = 0;
        loop {
            match self.peek() {
                Some(open @ (b'[' | b'{')) => {
                    if depth >= MAX_DEPTH {
                        return Err((self.pos, "JSON nested too deeply"));
                    }
                    self.pos += 1;
                    let obj = open == b'{';
                    if !self.eat(if obj { b'}' } else { b']' }) {
                        stack = (stack << 1) | u64::from(obj);
                        depth += 1;
                        if obj {
                            self.string()?;
                            self.expect(b':', "expected ':' after a key")?;
                        }
                        continue;
                    }
                }
                Some(b'"') => {
                    self.string()?;
                }
                Some(b't' | b'f') => {
                    self.boolean()?;
                }
                Some(b'n') => self.null()?,
                Some(_) => {
                    self.number()?;
                }
                None => return Err((self.pos, "unexpected end of JSON")),
            }
            loop {
                if depth == 0 {
                    return Ok(());
                }
                let obj = stack & 1 == 1;
                if self.eat(b',') {
                    if obj {
                        self.string()?;
                        self.expect(b':', "expected ':' after a key")?;
                    }
                    break;
                }
                if self.eat(if obj { b'}' } else { b']' }) {
                    depth -= 1;
                    stack >>= 1;
                    continue;
                }
                return Err((self.pos, "expected ',' or a closing bracket"));
            }
        }
    }

    /// `null`.
    pub(crate) fn null(&mut self) -> Result<(), JsonErr> {
        self.peek();
        if self.src[self.pos..].starts_with(b"null") {
            self.pos += 4;
            Ok(())
        } else {
            Err((self.pos, "invalid literal"))
        }
    }
}

fn hex4(src: &[u8], at: usize) -> Option<u32> {
    let h = src.get(at..at + 4)?;
    let mut v = 0u32;
    for &c in h {
        v = v * 16 + (c as char).to_digit(16)?;
    }
    Some(v)
}

/// The high bit of every byte of `x` that JSON strings escape (`"`, `\\`, control
/// characters), give or take bits above one that is set: zero exactly when no byte needs
/// an escape.
#[inline(always)]
fn escape_bits(x: u64) -> u64 {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    // Bytes below 0x21 after flipping bit 1 are the control characters and `"` (0x22
    // becomes 0x20; 0x20 becomes 0x22); `\\` is a zero byte after an XOR. `y - n` borrows
    // into the high bit of a byte below `n` (n ≤ 0x80) that `y` lacks; borrows only reach
    // bytes above one that matched.
    let y = x ^ (LO * 0x02);
    let z = x ^ (LO * u64::from(b'\\'));
    ((y.wrapping_sub(LO * 0x21) & !y) | (z.wrapping_sub(LO) & !z)) & HI
}

/// Whether `b` holds a byte that JSON strings escape (`"`, `\\`, control characters),
/// checked eight bytes at a time (the last word overlapping the one before; strings
/// shorter than 8 bytes are read as one word padded with copies of their own bytes).
#[inline]
fn needs_escape(b: &[u8]) -> bool {
    let word = |c: &[u8]| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
    let n = b.len();
    if n >= 8 {
        let mut i = 0;
        while i + 8 < n {
            if escape_bits(word(&b[i..i + 8])) != 0 {
                return true;
            }
            i += 8;
        }
        escape_bits(word(&b[n - 8..])) != 0
    } else if n >= 4 {
        let lo = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        let hi = u32::from_le_bytes([b[n - 4], b[n - 3], b[n - 2], b[n - 1]]);
        escape_bits(u64::from(lo) | u64::from(hi) << 32) != 0
    } else if n > 0 {
        let x = u64::from(b[0]) | u64::from(b[n / 2]) << 8 | u64::from(b[n - 1]) << 16;
        escape_bits(x | x << 24 | (x & 0xFFFF) << 48) != 0
    } else {
        false
    }
}

/// Appends `s` as a JSON string literal.
#[inline]
pub(crate) fn push_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    if !needs_escape(bytes) {
        out.extend_from_slice(bytes);
        out.push(b'"');
        return;
    }
    escape(bytes, |b| out.extend_from_slice(b));
    out.push(b'"');
}

/// Hands the JSON string text of `bytes` (without quotes) to `put` piece by piece:
/// runs of bytes as they are, escapes (`\"`, `\\`, `\n`, `\u001f`, ...) between them.
fn escape(bytes: &[u8], mut put: impl FnMut(&[u8])) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut last = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let short: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0C => b"\\f",
            0..=0x1F => b"",
            _ => continue,
        };
        put(&bytes[last..i]);
        if short.is_empty() {
            put(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 15)],
            ]);
        } else {
            put(short);
        }
        last = i + 1;
    }
    put(&bytes[last..]);
}

/// Appends a signed integer.
#[inline(always)]
pub(crate) fn push_i64(out: &mut Vec<u8>, v: i64) {
    if v < 0 {
        out.push(b'-');
    }
    push_u64(out, v.unsigned_abs());
}

/// Appends an unsigned integer.
#[inline(always)]
pub(crate) fn push_u64(out: &mut Vec<u8>, v: u64) {
    if v <= u64::from(u16::MAX) {
        senml::each_digit(v as u16, &mut |b| out.push(b));
    } else {
        let mut buf = [0u8; 20];
        for &b in senml::write_u64(&mut buf, v) {
            out.push(b);
        }
    }
}

/// Appends a finite float in shortest round-trip form (`21.5`, `1.0`, `1e-7`), the text
/// of `{v:?}`, through the same formatter as the direct node encoder.
pub(crate) fn push_f64(out: &mut Vec<u8>, v: f64) -> Result<(), &'static str> {
    let mut buf = [0u8; FLOAT_ROOM];
    let n = f64_into(&mut buf, v)?;
    out.extend_from_slice(&buf[..n]);
    Ok(())
}

/// Appends a time: integral values as integers, others as floats.
pub(crate) fn push_time(out: &mut Vec<u8>, t: f64) -> Result<(), &'static str> {
    match senml::as_exact_int(t) {
        Some(i) => {
            push_i64(out, i);
            Ok(())
        }
        None => push_f64(out, t),
    }
}

/// Appends `bytes` in base64 with `engine`.
pub(crate) fn push_base64(
    out: &mut Vec<u8>,
    engine: &base64::engine::GeneralPurpose,
    pad: bool,
    bytes: &[u8],
) {
    let at = out.len();
    let len = base64::encoded_len(bytes.len(), pad).unwrap_or(0);
    out.resize(at + len, 0);
    let _ = engine.encode_slice(bytes, &mut out[at..]);
}

/// base64url without padding (encoding); decoding accepts padding too.
pub(crate) const B64URL: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    base64::engine::general_purpose::NO_PAD_INDIFFERENT,
);

/// Standard base64, padding optional on input.
pub(crate) const B64STD_LENIENT: base64::engine::GeneralPurpose =
    base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::general_purpose::PAD_INDIFFERENT,
    );

impl Room<'_> {
    #[inline(always)]
    fn name(&mut self, name: &senml::Name) {
        let (ids, len, lead, trail) = name.parts();
        for (k, &id) in ids[..len].iter().enumerate() {
            let (w, l) = digits_word(id);
            if lead || k > 0 {
                self.word(u64::from(b'/') | w << 8, l + 1);
            } else {
                self.word(w, l);
            }
        }
        if trail {
            self.byte(b'/');
        }
    }

    /// Decimal digits; the room has 32 bytes for them.
    #[inline(always)]
    fn u64(&mut self, v: u64) {
        if v < 100_000_000 {
            let (w, l) = small_digits(v as u32);
            self.word(w, l);
        } else {
            self.sub(|t| t.n = u64_into(t.buf, v));
        }
    }

    #[inline(always)]
    fn i64(&mut self, v: i64) {
        if v < 0 {
            self.byte(b'-');
        }
        self.u64(v.unsigned_abs());
    }

    /// A finite float in shortest round-trip form (at most [`FLOAT_ROOM`] bytes).
    #[inline(never)]
    fn f64(&mut self, v: f64) -> Result<(), &'static str> {
        let mut buf = [0; FLOAT_ROOM];
        let n = f64_into(&mut buf, v)?;
        self.bytes(&buf[..n]);
        Ok(())
    }

    #[inline(always)]
    fn time(&mut self, t: f64) -> Result<(), &'static str> {
        match senml::as_exact_int(t) {
            Some(i) => {
                self.i64(i);
                Ok(())
            }
            None => self.sub(|r| r.f64(t)),
        }
    }

    /// A JSON string literal; `escaped` says whether `s` needs escapes.
    #[inline(always)]
    fn str(&mut self, s: &str, escaped: bool) {
        self.byte(b'"');
        if escaped {
            self.sub(|t| t.escaped(s));
        } else {
            self.bytes(s.as_bytes());
        }
        self.byte(b'"');
    }

    /// The text of a string that needs escapes (the room has six bytes per byte).
    #[inline(never)]
    fn escaped(&mut self, s: &str) {
        escape(s.as_bytes(), |b| self.bytes(b));
    }
}

/// Room for the float text [`f64_into`] writes: at most 24 bytes
/// (`-2.2250738585072014e-308`), and [`short_decimal`] writes words of 8 bytes.
const FLOAT_ROOM: usize = 40;

/// Writes a finite float as `{v:?}` does (shortest round-trip form: `21.5`, `1.0`,
/// `1e-7`) at the start of `buf` (at least [`FLOAT_ROOM`] bytes); returns the length.
#[inline(never)]
fn f64_into(buf: &mut [u8], v: f64) -> Result<usize, &'static str> {
    use core::fmt::Write as _;
    let Some(buf) = buf.first_chunk_mut::<FLOAT_ROOM>() else {
        return Err("output room");
    };
    if !v.is_finite() {
        return Err("JSON cannot carry NaN or infinite numbers");
    }
    if let Some(n) = short_decimal(buf, v) {
        return Ok(n);
    }
    let mut w = ArrayWrite {
        buf: [0; FLOAT_ROOM],
        n: 0,
    };
    write!(w, "{v:?}").map_err(|_| "formatting failed")?;
    buf[..w.n].copy_from_slice(&w.buf[..w.n]);
    Ok(w.n)
}

/// `{v:?}` of the floats most payloads carry, without `core::fmt`: `v` with `10^-4 ≤ |v|
/// < 2^52` (which `{v:?}` writes in decimal notation, never with an exponent), not a
/// power of two below 1. `None` for any other `v` (and when `v` lies halfway between two
/// shortest decimals); the caller formats those with `core::fmt`.
///
/// `{v:?}` writes the shortest decimal that reads back as `v`, the one nearest to `v`
/// among several. With `v = mant · 2^-s` exactly, the decimal `m / 10^k` nearest to `v`
/// reads back as `v` exactly when it lies within half an ulp of it: when `x = mant · 10^k`
/// is within `10^k / 2` of a multiple of `2^s` (`≤` when `mant` is even: ties round to
/// even), computed exactly in `u128`. The first `k` (digits after the point) where it
/// does gives the shortest decimal: shorter ones have fewer digits after the point at the
/// same magnitude, and a rounder one (`10.0` for `9.99`) is tried at a smaller `k`. Below
/// 1 the interval of a power of two is lopsided (the nearest `m` could fail while the
/// next one passes): those take the general path.
fn short_decimal(buf: &mut [u8; FLOAT_ROOM], v: f64) -> Option<usize> {
    const MANT_BITS: u32 = 52;
    const E8: u64 = 100_000_000;
    let bits = v.to_bits();
    let exp = ((bits >> MANT_BITS) & 0x7FF) as i32;
    let frac = bits & ((1 << MANT_BITS) - 1);
    // Zero and subnormals, infinities and NaN, |v| ≥ 2^52, |v| < 10^-4.
    if exp == 0 || !(1e-4..4_503_599_627_370_496.0).contains(&v.abs()) {
        return None;
    }
    let mant = frac | (1 << MANT_BITS);
    // v = mant · 2^-s, 1 ≤ s ≤ 66 in this range.
    let s = (1075 - exp) as u32;
    let (m, k) = if s <= MANT_BITS && mant & ((1 << s) - 1) == 0 {
        // An integer below 2^52: the only one within half an ulp (at most 1/2) of v.
        (mant >> s, 0)
    } else {
        if frac == 0 {
            return None;
        }
        let even = mant & 1 == 0;
        let one = 1u128 << s;
        let half = one >> 1;
        let mut x = u128::from(mant); // mant · 10^k
        let mut p = 1u128; // 10^k
        let mut k = 0;
        loop {
            // x / 2^s and its distance to the nearest integer, in units of 2^-s.
            let below = x & (one - 1);
            let dist = if below >= half { one - below } else { below };
            if 2 * dist < p || (2 * dist == p && even) {
                // Halfway between two decimals, both read back as `v`.
                if below == half {
                    return None;
                }
                let m = (x >> s) + u128::from(below > half);
                break (u64::try_from(m).ok()?, k);
            }
            k += 1;
            if k > 21 {
                return None;
            }
            x *= 10;
            p *= 10;
        }
    };
    // The integer part, the point, the fraction: k digits with leading zeros (at most
    // 16: more are rare, for numbers below 0.1 with 17 significant digits), or `0`.
    let p10 = *POW10.get(k as usize)?;
    let (int, fraction) = (m / p10, m % p10);
    let mut n = usize::from(v < 0.0);
    buf[0] = b'-';
    let mut put = |w: u64, l: usize| {
        let i = n & 31;
        buf[i..i + 8].copy_from_slice(&w.to_le_bytes());
        n += l;
    };
    if int < E8 {
        let (w, l) = small_digits(int as u32);
        put(w, l);
    } else {
        let (w, l) = small_digits((int / E8) as u32);
        put(w, l);
        put(digits8((int % E8) as u32), 8);
    }
    let k = k as usize;
    if k == 0 {
        put(u64::from_le_bytes(*b".0\0\0\0\0\0\0"), 2);
    } else if k <= 8 {
        put(u64::from(b'.'), 1);
        put(digits8(fraction as u32) >> (8 * (8 - k)), k);
    } else {
        put(u64::from(b'.'), 1);
        put(digits8((fraction / E8) as u32) >> (8 * (16 - k)), k - 8);
        put(digits8((fraction % E8) as u32), 8);
    }
    Some(n)
}

/// 10^k for k ≤ 16.
const POW10: [u64; 17] = {
    let mut t = [1u64; 17];
    let mut k = 1;
    while k < 17 {
        t[k] = t[k - 1] * 10;
        k += 1;
    }
    t
};

/// A `fmt::Write` into a fixed array.
struct ArrayWrite {
    buf: [u8; FLOAT_ROOM],
    n: usize,
}

impl core::fmt::Write for ArrayWrite {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let end = self.n + s.len();
        self.buf
            .get_mut(self.n..end)
            .ok_or(core::fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.n = end;
        Ok(())
    }
}

/// The room a value needs at most, and whether it is a string that needs escapes.
#[inline(always)]
fn value_room(value: &ValueRef<'_>) -> (usize, bool) {
    match value {
        ValueRef::String(s) | ValueRef::Corelnk(s) => {
            if needs_escape(s.as_bytes()) {
                (6 * s.len() + 8, true)
            } else {
                (s.len() + 8, false)
            }
        }
        ValueRef::Opaque(b) => (4 * b.len().div_ceil(3) + 8, false),
        _ => (FLOAT_ROOM + 8, false),
    }
}

/// The value label and value of a record.
#[inline(always)]
fn value_field(r: &mut Room<'_>, v: ValueRef<'_>, escaped: bool) -> Result<(), &'static str> {
    match v {
        ValueRef::String(s) | ValueRef::Corelnk(s) => {
            r.bytes(b"\"vs\":");
            r.str(s, escaped);
        }
        ValueRef::Integer(v) => {
            r.bytes(b"\"v\":");
            r.i64(v);
        }
        ValueRef::Time(v) => {
            r.bytes(b"\"v\":");
            r.i64(v.0);
        }
        ValueRef::UnsignedInteger(v) => {
            r.bytes(b"\"v\":");
            r.u64(v);
        }
        ValueRef::Float(v) => {
            r.bytes(b"\"v\":");
            r.sub(|t| t.f64(v))?;
        }
        ValueRef::Boolean(v) => {
            r.bytes(if v { b"\"vb\":true" } else { b"\"vb\":false" });
        }
        ValueRef::Opaque(b) => {
            r.bytes(b"\"vd\":\"");
            let at = r.n;
            let len = base64::encoded_len(b.len(), false).unwrap_or(0);
            let _ = B64URL.encode_slice(b, &mut r.buf[at..at + len]);
            r.n = at + len;
            r.byte(b'"');
        }
        ValueRef::Objlnk(l) => {
            r.bytes(b"\"vlo\":\"");
            r.u64(u64::from(l.object_id));
            r.byte(b':');
            r.u64(u64::from(l.instance_id));
            r.byte(b'"');
        }
    }
    Ok(())
}

/// Room a record needs besides its names and value: `,{`, labels, quotes, `}`.
const RECORD_FIXED: usize = 48;

/// Writes one record at `pos` of `out` (whose length is its initialized room, grown here
/// as needed); returns the new position. Nothing is written on error.
#[inline]
fn write_record(
    out: &mut Vec<u8>,
    pos: usize,
    names: &Names,
    bt: Option<f64>,
    t: Option<f64>,
    value: Option<ValueRef<'_>>,
) -> Result<usize, &'static str> {
    // An upper bound of the record's length: names at most 25 bytes, numbers at most
    // FLOAT_ROOM.
    let (value_room, escaped) = value.as_ref().map_or((0, false), value_room);
    let need = RECORD_FIXED
        + value_room
        + (names.bn.is_some() as usize + names.n.is_some() as usize) * 25
        + (bt.is_some() as usize + t.is_some() as usize) * FLOAT_ROOM;
    if out.len() < pos + need {
        grow(out, pos + need);
    }
    let mut r = Room {
        buf: out.as_mut_slice(),
        n: pos,
    };
    r.bytes(if pos == 0 { b"[{" } else { b",{" });
    let mut sep = false;
    if let Some(bn) = &names.bn {
        r.bytes(b"\"bn\":\"");
        r.name(bn);
        r.byte(b'"');
        sep = true;
    }
    if let Some(bt) = bt {
        r.bytes(if sep { b",\"bt\":" } else { b"\"bt\":" });
        r.time(bt)?;
        sep = true;
    }
    if let Some(n) = &names.n {
        r.bytes(if sep { b",\"n\":\"" } else { b"\"n\":\"" });
        r.name(n);
        r.byte(b'"');
        sep = true;
    }
    if let Some(t) = t {
        r.bytes(if sep { b",\"t\":" } else { b"\"t\":" });
        r.time(t)?;
        sep = true;
    }
    if let Some(v) = value {
        if sep {
            r.byte(b',');
        }
        value_field(&mut r, v, escaped)?;
    }
    r.byte(b'}');
    Ok(r.n)
}

/// Grows the initialized room of `out` to at least `min` bytes (doubling).
#[cold]
#[inline(never)]
fn grow(out: &mut Vec<u8>, min: usize) {
    let len = min.max(2 * out.len());
    out.resize(len, 0);
}

/// `len` bytes of initialized room. (Zeros would become a `calloc`, which glibc serves
/// without its per-thread cache: `malloc` and a `memset` are cheaper.)
fn room(len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len);
    out.resize(len, b' ');
    out
}

/// The error of a value or an instance with ID 65535.
const BAD_ID: &str = "invalid ID 65535";

/// A streaming SenML JSON encoder for one target path.
///
/// Drive it through [`Writer`], then call [`finish`](SenmlJsonWriter::finish).
#[derive(Clone, Debug)]
pub struct SenmlJsonWriter {
    // Initialized room; the payload is `out[..pos]`.
    out: Vec<u8>,
    pos: usize,
    walker: Walker,
    // Naming of a single-value target (decided by the first value); `None` while values
    // are grouped by instance (or before the first).
    namer: Option<Namer>,
    // The instance whose base name `/O/I/` was written last (grouped naming).
    group: Option<(u16, u16)>,
    // Which values take the fast path, a record `,{"n":"R",...}` (`value`, `FAST_ONE`)
    // or `,{"n":"R/RI",...}` (`instance_value`, `fast_multiple(R)`) of the current
    // instance that needs no check but its IDs'. `SLOW` before the first record of an instance
    // of an object target (its base name), outside an instance, always for resource and
    // resource-instance targets: values go through the walker.
    state: u32,
    // Where the records of an instance target start: its base name `[{"bn":"/O/I/` is
    // written up front, and `finish` turns the first record's `,{` into `",` (see
    // `preset_head`). 0 for other targets.
    start: usize,
}

const FAST_ONE: u32 = 0;
const SLOW: u32 = u32::MAX;

/// The fast state inside multiple resource `r`.
#[inline(always)]
const fn fast_multiple(r: u16) -> u32 {
    0x1_0000 | r as u32
}

impl SenmlJsonWriter {
    /// An encoder for a payload addressed to `path`.
    pub fn new(path: Path) -> Self {
        // Instances and objects: room for a typical instance, so that the vector rarely
        // grows; a resource or resource instance: room for a few records.
        Self::with_capacity(path, if path.len() < 3 { 768 } else { 384 })
    }

    /// Like [`new`](Self::new), reserving `capacity` output bytes up front.
    pub fn with_capacity(path: Path, capacity: usize) -> Self {
        let mut out = room(capacity.max(HEAD_ROOM));
        let (start, group, state) = match *path.ids() {
            [o, i] => (preset_head(&mut out, o, i), Some((o, i)), FAST_ONE),
            _ => (0, None, SLOW),
        };
        SenmlJsonWriter {
            out,
            pos: start,
            walker: Walker::new(path),
            namer: None,
            group,
            state,
            start,
        }
    }

    /// An error at `at` (a position in `out`).
    #[inline]
    fn err_at(&self, at: usize, reason: &'static str) -> SenmlJsonError {
        SenmlJsonError::new(offset(at, self.start), reason)
    }

    fn err(&self, reason: &'static str) -> SenmlJsonError {
        self.err_at(self.pos, reason)
    }

    /// Closes the array and returns the payload.
    pub fn finish(self) -> Result<Vec<u8>, SenmlJsonError> {
        if self.walker.open() {
            return Err(self.err("unfinished instance or multiple resource"));
        }
        Ok(close(self.out, self.start, self.pos))
    }
}

/// Room for the longest preset base name.
const HEAD_ROOM: usize = 32;

/// Writes `[{"bn":"/O/I/` at the start of `out` (at least [`HEAD_ROOM`] bytes); returns
/// its length, where the records of instance `/O/I` start. The payload is the same as
/// with the base name in the first record (`[{"bn":"/O/I/","n":...`) once [`close`]
/// turns that record's `,{` into `",`, and so is the offset of every error but one at
/// the first record's start (see [`offset`]).
#[inline]
fn preset_head(out: &mut [u8], o: u16, i: u16) -> usize {
    let Some(head) = out.first_chunk_mut::<HEAD_ROOM>() else {
        return 0;
    };
    head[..8].copy_from_slice(b"[{\"bn\":\"");
    let mut n = 8;
    for id in [o, i] {
        let (w, l) = small_digits(id.into());
        let k = n & 15;
        head[k..k + 8].copy_from_slice(&(u64::from(b'/') | (w << 8)).to_le_bytes());
        n += l + 1;
    }
    head[n & 31] = b'/';
    n + 1
}

/// The offset an error at `at` reports: records written from `start` (see
/// [`preset_head`]) begin at 0 as far as errors tell.
#[inline]
fn offset(at: usize, start: usize) -> usize {
    if at == start { 0 } else { at }
}

/// The payload `out[..pos]` with the array closed; records from `start` (see
/// [`preset_head`]).
#[inline]
fn close(mut out: Vec<u8>, start: usize, mut pos: usize) -> Vec<u8> {
    if start > 0 {
        match out.get_mut(start..start + 2) {
            Some(sep) if pos > start => sep.copy_from_slice(b"\","),
            _ => pos = 0,
        }
    }
    out.truncate(pos);
    if out.is_empty() {
        out.push(b'[');
    }
    out.push(b']');
    out
}

impl Writer for SenmlJsonWriter {
    type Error = SenmlJsonError;

    #[inline]
    fn begin_instance(&mut self, id: u16) -> Result<(), Self::Error> {
        // The first value of the instance goes through the walker (and `refresh`).
        self.state = SLOW;
        self.walker.begin_instance(id).map_err(|r| self.err(r))
    }

    #[inline]
    fn end_instance(&mut self) -> Result<(), Self::Error> {
        self.state = SLOW;
        self.walker.end_instance().map_err(|r| self.err(r))
    }

    #[inline]
    fn begin_multiple(&mut self, id: u16, _count: usize) -> Result<(), Self::Error> {
        // In an instance, outside a multiple resource (`FAST_ONE`), the walker would only
        // check the ID.
        if self.state == FAST_ONE && id != u16::MAX {
            self.walker.set_multiple(id);
            self.state = fast_multiple(id);
            return Ok(());
        }
        // Neither the instance nor the base name change (see `refresh`): still slow.
        self.walker.begin_multiple(id).map_err(|r| self.err(r))
    }

    #[inline]
    fn end_multiple(&mut self) -> Result<(), Self::Error> {
        if self.state > FAST_ONE && self.state != SLOW {
            self.walker.set_multiple(u16::MAX);
            self.state = FAST_ONE;
            return Ok(());
        }
        self.walker.end_multiple().map_err(|r| self.err(r))
    }

    #[inline(always)]
    fn value(&mut self, id: u16, value: ValueRef<'_>) -> Result<(), Self::Error> {
        // Inlined into the caller: generated code passes constant IDs and value kinds, so
        // that the name's digits and the value's dispatch fold away.
        if self.state != FAST_ONE || id == u16::MAX {
            return self.value_slow(id, value);
        }
        let at = self.pos;
        match grouped_record(
            &mut self.out,
            at,
            None,
            small_digits(id.into()),
            None,
            value,
        ) {
            Ok(end) => {
                self.pos = end;
                Ok(())
            }
            Err(e) => Err(self.err_at(at, e)),
        }
    }

    #[inline(always)]
    fn instance_value(&mut self, r: u16, ri: u16, value: ValueRef<'_>) -> Result<(), Self::Error> {
        if self.state != fast_multiple(r) || ri == u16::MAX {
            return self.value_slow(ri, value);
        }
        let at = self.pos;
        match grouped_record(
            &mut self.out,
            at,
            None,
            small_digits(r.into()),
            Some(ri),
            value,
        ) {
            Ok(end) => {
                self.pos = end;
                Ok(())
            }
            Err(e) => Err(self.err_at(at, e)),
        }
    }
}

impl SenmlJsonWriter {
    /// Sets `state` from the walker's and the base name's.
    #[inline]
    fn refresh(&mut self) {
        let current = self.walker.current_instance();
        self.state = if current.is_none() || self.group != current {
            SLOW
        } else if let Some(r) = self.walker.multiple() {
            fast_multiple(r)
        } else {
            FAST_ONE
        };
    }

    /// A value through the walker: checks, the first record of an instance (with its
    /// base name), single-value targets.
    #[inline(never)]
    fn value_slow(&mut self, id: u16, value: ValueRef<'_>) -> Result<(), SenmlJsonError> {
        let (leaf, is_target) = match self.walker.value(id) {
            Ok(v) => v,
            Err(r) => return Err(self.err(r)),
        };
        // The first value decides the naming (as `Namer` does): single when it is the
        // target itself, else grouped (`bn` = `/O/I/` when the instance changes, `n` =
        // `R` or `R/RI`).
        if self.namer.is_some() || (is_target && self.group.is_none()) {
            return self.single_value(leaf, value);
        }
        let at = self.pos;
        let group = (leaf.o, leaf.i);
        let head = (self.group != Some(group)).then_some(group);
        let name = small_digits(leaf.r.into());
        self.pos = grouped_record(&mut self.out, at, head, name, leaf.ri, value)
            .map_err(|e| self.err_at(at, e))?;
        self.group = Some(group);
        self.refresh();
        Ok(())
    }

    /// A value of a single-value target (one record, `bn` = the target, no `n`).
    #[inline(never)]
    fn single_value(
        &mut self,
        leaf: senml::Leaf,
        value: ValueRef<'_>,
    ) -> Result<(), SenmlJsonError> {
        let at = self.pos;
        let target = self.walker.target();
        let namer = self
            .namer
            .get_or_insert_with(|| Namer::new(Naming::Single(target)));
        let names = namer.leaf_names(&leaf, &target);
        self.pos = write_record(&mut self.out, at, &names, None, None, Some(value))
            .map_err(|r| SenmlJsonError::new(at, r))?;
        Ok(())
    }
}

/// `,{"n":"` (7 bytes) as a little-endian word.
const NEXT_HEAD: u64 = u64::from_le_bytes(*b",{\"n\":\"\0");
/// `","vs":"` as a little-endian word.
const VS_LABEL: u64 = u64::from_le_bytes(*b"\",\"vs\":\"");

/// Writes a grouped value record at `at` of `out` (whose length is its initialized
/// room, grown here as needed): `,{"n":"R",` or `,{"n":"R/RI",`, the value field and
/// `}`; `r` is the resource ID as [`small_digits`]. `head` is the instance `(O, I)` when
/// this is its first record: then `"bn":"/O/I/",` comes before `"n"`, and at the start of
/// the payload `[{` replaces `,{`. Returns the new position; nothing is written on error.
///
/// The head and common values are written in a fixed window (no bounds checks); long
/// strings, strings with escapes, floats and opaque values by [`value_tail`].
#[inline(always)]
fn grouped_record(
    out: &mut Vec<u8>,
    at: usize,
    head: Option<(u16, u16)>,
    r: (u64, usize),
    ri: Option<u16>,
    value: ValueRef<'_>,
) -> Result<usize, &'static str> {
    let Some(w) = window(out, at) else {
        return Err("output room");
    };
    let mut win = Win { w, n: 0 };
    match head {
        None => win.word(NEXT_HEAD, 7),
        Some((o, i)) => win.group_head(at == 0, o, i),
    }
    win.word(r.0, r.1);
    if let Some(ri) = ri {
        let (w, l) = small_digits(u32::from(ri));
        win.word(u64::from(b'/') | (w << 8), l + 1);
    }
    match value {
        ValueRef::String(s) | ValueRef::Corelnk(s) if s.len() <= WIN_STR => {
            win.word(VS_LABEL, 8);
            if win.plain(s.as_bytes()) {
                win.bytes(b"\"}");
                return Ok(at + win.n);
            }
            win.n -= 8;
        }
        ValueRef::Integer(v) | ValueRef::Time(crate::Time(v)) => {
            win.word(V_LABEL, 6);
            if v < 0 {
                win.byte(b'-');
            }
            win.u64(v.unsigned_abs());
            win.byte(b'}');
            return Ok(at + win.n);
        }
        ValueRef::UnsignedInteger(v) => {
            win.word(V_LABEL, 6);
            win.u64(v);
            win.byte(b'}');
            return Ok(at + win.n);
        }
        ValueRef::Float(v) => {
            win.word(V_LABEL, 6);
            let i = win.n & WIN_MASK;
            win.n += f64_into(&mut win.w[i..i + FLOAT_ROOM], v)?;
            win.byte(b'}');
            return Ok(at + win.n);
        }
        ValueRef::Boolean(v) => {
            if v {
                win.bytes(b"\",\"vb\":true}");
            } else {
                win.bytes(b"\",\"vb\":false}");
            }
            return Ok(at + win.n);
        }
        ValueRef::Objlnk(l) => {
            win.bytes(b"\",\"vlo\":\"");
            let (w, n) = small_digits(l.object_id.into());
            win.word(w, n);
            win.byte(b':');
            let (w, n) = small_digits(l.instance_id.into());
            win.word(w, n);
            win.bytes(b"\"}");
            return Ok(at + win.n);
        }
        _ => {}
    }
    let k = win.n;
    value_tail(out, at + k, value)
}

/// The [`WIN`] bytes of room from `at` of `out` (grown as needed).
#[inline(always)]
fn window(out: &mut Vec<u8>, at: usize) -> Option<&mut [u8; WIN]> {
    // The check repeats on the way out, where the compiler drops it.
    let end = at.checked_add(WIN)?;
    if out.len() < end {
        grow(out, end);
    }
    out.get_mut(at..end)?.try_into().ok()
}

/// `","v":` (6 bytes) as a little-endian word.
const V_LABEL: u64 = u64::from_le_bytes(*b"\",\"v\":\0\0");

/// Writes `",`, the value field and `}` of a record at `at` of `out` (grown as needed);
/// returns the new position. For values that do not fit [`grouped_record`]'s window:
/// long strings, strings with escapes, floats, opaque values.
#[inline(never)]
fn value_tail(out: &mut Vec<u8>, at: usize, value: ValueRef<'_>) -> Result<usize, &'static str> {
    let (value_room, escaped) = value_room(&value);
    let need = at + value_room + 16;
    if out.len() < need {
        grow(out, need);
    }
    let mut r = Room {
        buf: out.as_mut_slice(),
        n: at,
    };
    r.bytes(b"\",");
    value_field(&mut r, value, escaped)?;
    r.byte(b'}');
    Ok(r.n)
}

/// The window a grouped record's head and small values are written in.
const WIN: usize = 256;
/// Positions in the window are masked with this (a no-op: records written in the window
/// stay below 128 bytes), which proves every fixed-size write in bounds.
const WIN_MASK: usize = 127;
/// Longest string written in the window (the head takes at most 47 bytes, the value's
/// label, quotes and `}` 10 more).
const WIN_STR: usize = 64;

/// A record written into a fixed window with masked positions (see [`WIN_MASK`]).
struct Win<'b> {
    w: &'b mut [u8; WIN],
    n: usize,
}

impl Win<'_> {
    #[inline(always)]
    fn byte(&mut self, b: u8) {
        self.w[self.n & WIN_MASK] = b;
        self.n += 1;
    }

    #[inline(always)]
    fn bytes<const K: usize>(&mut self, b: &[u8; K]) {
        let i = self.n & WIN_MASK;
        self.w[i..i + K].copy_from_slice(b);
        self.n += K;
    }

    #[inline(always)]
    fn word(&mut self, word: u64, len: usize) {
        let i = self.n & WIN_MASK;
        self.w[i..i + 8].copy_from_slice(&word.to_le_bytes());
        self.n += len;
    }

    /// Runs `f` on 32 bytes of the window from the position; `f` returns how many it
    /// wrote. (Passing the window itself to a function that is not inlined would keep
    /// the position in memory.)
    #[inline(always)]
    fn sub(&mut self, f: impl FnOnce(&mut [u8]) -> usize) {
        let i = self.n & WIN_MASK;
        self.n += f(&mut self.w[i..i + 32]);
    }

    #[inline(always)]
    fn u64(&mut self, v: u64) {
        if v < 100_000_000 {
            let (w, l) = small_digits(v as u32);
            self.word(w, l);
        } else {
            self.sub(|b| u64_into(b, v));
        }
    }

    /// `[{` (`first`) or `,{`, then `"bn":"/O/I/","n":"`.
    #[inline(always)]
    fn group_head(&mut self, first: bool, o: u16, i: u16) {
        self.word(
            u64::from_le_bytes(if first {
                *b"[{\"bn\":\""
            } else {
                *b",{\"bn\":\""
            }),
            8,
        );
        for id in [o, i] {
            let (w, l) = small_digits(id.into());
            self.word(u64::from(b'/') | (w << 8), l + 1);
        }
        self.word(u64::from_le_bytes(*b"/\",\"n\":\""), 8);
    }

    /// Copies `s` (at most [`WIN_STR`] bytes) to the position, checking it for bytes that
    /// need escapes on the way, eight at a time; on success moves past it. If it needs
    /// escapes, the position stays and the bytes after it are garbage.
    #[inline(always)]
    fn plain(&mut self, s: &[u8]) -> bool {
        let i = self.n & WIN_MASK;
        let Some(dst) = self.w[i..].first_chunk_mut::<WIN_STR>() else {
            return false;
        };
        let n = s.len();
        let word = |c: &[u8]| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        if n > WIN_STR {
            return false;
        }
        let bad = if n >= 8 {
            let mut bad = 0;
            let mut k = 0;
            while k + 8 < n {
                let x = word(&s[k..k + 8]);
                dst[k..k + 8].copy_from_slice(&x.to_le_bytes());
                bad |= escape_bits(x);
                k += 8;
            }
            let x = word(&s[n - 8..]);
            dst[n - 8..n].copy_from_slice(&x.to_le_bytes());
            bad | escape_bits(x)
        } else if n >= 4 {
            let lo = u32::from_le_bytes([s[0], s[1], s[2], s[3]]);
            let hi = u32::from_le_bytes([s[n - 4], s[n - 3], s[n - 2], s[n - 1]]);
            dst[..4].copy_from_slice(&lo.to_le_bytes());
            dst[n - 4..n].copy_from_slice(&hi.to_le_bytes());
            escape_bits(u64::from(lo) | u64::from(hi) << 32)
        } else if n > 0 {
            dst[0] = s[0];
            dst[n / 2] = s[n / 2];
            dst[n - 1] = s[n - 1];
            let x = u64::from(s[0]) | u64::from(s[n / 2]) << 8 | u64::from(s[n - 1]) << 16;
            escape_bits(x | x << 24 | (x & 0xFFFF) << 48)
        } else {
            0
        };
        if bad != 0 {
            return false;
        }
        self.n += n;
        true
    }
}

/// The eight decimal digits of `v` (below 10^8, zero-padded) as ASCII bytes of a
/// little-endian word, the most significant first: both halves of four digits are split
/// into pairs and the pairs into digits in parallel, each division by 100 or 10 a
/// multiplication and a shift that is exact in this range.
#[inline(always)]
fn digits8(v: u32) -> u64 {
    let v = u64::from(v);
    let hi = v / 10_000;
    // Four-digit halves in 32-bit lanes.
    let x = hi | ((v - hi * 10_000) << 32);
    // x / 100 per lane: ⌊x · 10486 / 2^20⌋ is exact for x < 10^4.
    let q = ((x * 10_486) >> 20) & 0x0000_007F_0000_007F;
    // Pairs in 16-bit lanes.
    let x = q | ((x - q * 100) << 16);
    // x / 10 per lane: ⌊x · 103 / 2^10⌋ is exact for x < 100.
    let q = ((x * 103) >> 10) & 0x000F_000F_000F_000F;
    (q | ((x - q * 10) << 8)) | 0x3030_3030_3030_3030
}

/// The decimal digits of `v` (below 10^8) as ASCII bytes of a little-endian word, the
/// most significant first, and their count.
#[inline(always)]
fn small_digits(v: u32) -> (u64, usize) {
    if v < 10 {
        return (0x30 + u64::from(v), 1);
    }
    if v < 100 {
        let v = u64::from(v);
        return (0x3030 + v / 10 + ((v % 10) << 8), 2);
    }
    if v < 10_000 {
        let w = digits4(v);
        return if v < 1000 { (w >> 8, 3) } else { (w, 4) };
    }
    let w = digits8(v);
    // Leading zeros are the low bytes equal to `0`: at most 3 of them, as v ≥ 10^4.
    let zeros = ((w & 0x0F0F_0F0F_0F0F_0F0F) | (1 << 56)).trailing_zeros() as usize / 8;
    (w >> (8 * zeros), 8 - zeros)
}

/// The four decimal digits of `v` (below 10^4, zero-padded) as ASCII bytes of a
/// little-endian word, the most significant first (see [`digits8`]).
#[inline(always)]
fn digits4(v: u32) -> u64 {
    let x = u64::from(v);
    let q = (x * 10_486) >> 20;
    let x = q | ((x - q * 100) << 16);
    let q = ((x * 103) >> 10) & 0x000F_000F;
    (q | ((x - q * 10) << 8)) | 0x3030_3030
}

/// Writes the decimal digits of `v` (at least 10^8, at most 20 digits) at the start of
/// `buf` (at least 32 bytes); returns their count.
#[inline(never)]
fn u64_into(buf: &mut [u8], v: u64) -> usize {
    const E8: u64 = 100_000_000;
    let Some(buf) = buf.first_chunk_mut::<32>() else {
        return 0;
    };
    if v >= E8 * E8 {
        return long_u64_into(buf, v);
    }
    // 9 to 16 digits: timestamps, mostly.
    let (w, l) = small_digits((v / E8) as u32);
    buf[..8].copy_from_slice(&w.to_le_bytes());
    buf[l..l + 8].copy_from_slice(&digits8((v % E8) as u32).to_le_bytes());
    l + 8
}

/// [`u64_into`] of 17 to 20 digits.
#[cold]
#[inline(never)]
fn long_u64_into(buf: &mut [u8; 32], v: u64) -> usize {
    const E8: u64 = 100_000_000;
    let (head, rest) = (v / (E8 * E8), v % (E8 * E8));
    let (w, l) = small_digits(head as u32);
    buf[..8].copy_from_slice(&w.to_le_bytes());
    buf[l..l + 8].copy_from_slice(&digits8((rest / E8) as u32).to_le_bytes());
    buf[l + 8..l + 16].copy_from_slice(&digits8((rest % E8) as u32).to_le_bytes());
    l + 16
}

/// Encodes `node` (addressed to `path`) as SenML JSON.
pub fn encode(path: &Path, node: &Node) -> Result<Vec<u8>, SenmlJsonError> {
    // An instance or an object: its records straight from the tree (what the writer
    // does, without a walker per value).
    match (node, path.ids()) {
        (Node::Instance(inst), &[o, i]) => {
            let mut out = room(initial_room(inst.resources.len()));
            let start = preset_head(&mut out, o, i);
            let (end, _) = instance_records(&mut out, start, None, &inst.resources)
                .map_err(|(at, e)| SenmlJsonError::new(offset(at, start), e))?;
            Ok(close(out, start, end))
        }
        (Node::Object(obj), &[o]) => {
            let resources = obj.instances.iter().map(|i| i.resources.len()).sum();
            let mut out = room(initial_room(resources));
            let mut group = None;
            let mut at = 0;
            for inst in &obj.instances {
                if inst.id == u16::MAX {
                    return Err(SenmlJsonError::new(at, BAD_ID));
                }
                let head = (group != Some((o, inst.id))).then_some((o, inst.id));
                let (end, any) = instance_records(&mut out, at, head, &inst.resources)
                    .map_err(|(at, e)| SenmlJsonError::new(at, e))?;
                if any {
                    group = Some((o, inst.id));
                }
                at = end;
            }
            Ok(close(out, 0, at))
        }
        _ => {
            let mut w = SenmlJsonWriter::with_capacity(*path, 768);
            super::encode_node(node, &mut w)?;
            w.finish()
        }
    }
}

/// Room to start with for `resources` resources: enough for most, so that the output
/// rarely grows (which copies it).
#[inline]
fn initial_room(resources: usize) -> usize {
    (WIN + 32 * resources).max(768)
}

/// Writes the records of `resources` from `at` of `out` (as the writer names them), the
/// first with the base name of instance `head` when given. Returns the new position and
/// whether there was a record, or where and why it failed.
#[inline(always)]
fn instance_records(
    out: &mut Vec<u8>,
    mut at: usize,
    mut head: Option<(u16, u16)>,
    resources: &[ResourceNode],
) -> Result<(usize, bool), (usize, &'static str)> {
    let from = at;
    for res in resources {
        match &res.value {
            ResourceValue::Single(v) => {
                if res.id == u16::MAX {
                    return Err((at, BAD_ID));
                }
                let name = small_digits(res.id.into());
                at = grouped_record(out, at, head, name, None, v.as_value_ref())
                    .map_err(|e| (at, e))?;
                head = None;
            }
            ResourceValue::Multiple(list) => {
                if res.id == u16::MAX {
                    return Err((at, "resource ID does not match the target path"));
                }
                let name = small_digits(res.id.into());
                for ri in list {
                    if ri.id == u16::MAX {
                        return Err((at, BAD_ID));
                    }
                    let v = ri.value.as_value_ref();
                    at =
                        grouped_record(out, at, head, name, Some(ri.id), v).map_err(|e| (at, e))?;
                    head = None;
                }
            }
        }
    }
    Ok((at, at > from))
}

/// Encodes a list of records (composite, timestamped or path-only) as SenML JSON, in
/// canonical form (see [`senml`]).
pub fn encode_records<R: AsRecordRef>(records: &[R]) -> Result<Vec<u8>, SenmlJsonError> {
    if records.is_empty() {
        return Ok(b"[]".to_vec());
    }
    let mut out = alloc::vec![0; 16 + 32 * records.len()];
    let mut pos = 0;
    let mut namer = Namer::new(senml::plan_naming(records));
    let base = senml::plan_base_time(records);
    for (i, r) in records.iter().enumerate() {
        let r = r.as_record_ref();
        let names = namer.names(&r.path);
        let (bt, t) = senml::time_fields(base, i == 0, &r);
        pos = write_record(&mut out, pos, &names, bt, t, r.value)
            .map_err(|e| SenmlJsonError::new(pos, e))?;
    }
    out.truncate(pos);
    out.push(b']');
    Ok(out)
}

/// Decodes `bytes` into a [`Node`] addressed to `path`, typing values through `types`.
pub fn decode(path: &Path, bytes: &[u8], types: &dyn TypeLookup) -> Result<Node, Error> {
    senml::build_node(path, &mut SenmlJsonReader::new(bytes), types)
}

/// Decodes `bytes` into resolved records (values typed through `types` where known).
pub fn decode_records(bytes: &[u8], types: &dyn TypeLookup) -> Result<Vec<Record>, Error> {
    senml::collect_records(&mut SenmlJsonReader::new(bytes), types)
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum State {
    Start,
    First,
    Next,
    Done,
}

/// A pull decoder for SenML JSON: one [`Event::Value`] (with its resolved time) or
/// [`Event::PathOnly`] per record.
#[derive(Clone, Debug)]
pub struct SenmlJsonReader<'a> {
    json: Json<'a>,
    state: State,
    res: Resolver,
}

impl<'a> SenmlJsonReader<'a> {
    /// Expects every name to start with the client's alternate path (LwM2M 1.2, e.g.
    /// `/lwm2m` for names like `/lwm2m/3/0/9`) and removes it. A prefix longer than 32
    /// bytes is ignored.
    pub fn with_alternate_path(mut self, prefix: &str) -> Self {
        self.res.set_prefix(prefix);
        self
    }

    /// A reader over a whole payload.
    pub fn new(bytes: &'a [u8]) -> Self {
        SenmlJsonReader {
            json: Json::new(bytes),
            state: State::Start,
            res: Resolver::new(),
        }
    }

    fn record(&mut self) -> Result<RawRecord<'a>, JsonErr> {
        let j = &mut self.json;
        j.peek();
        let start = j.pos;
        j.expect(b'{', "expected a record object")?;
        let mut seen: u32 = 0;
        let mut n: Option<Cow<'a, str>> = None;
        let mut t: Option<f64> = None;
        let mut value: Option<RawValue<'a>> = None;
        if !j.eat(b'}') {
            loop {
                j.peek();
                let key_at = j.pos;
                let key = j.key()?;
                j.expect(b':', "expected ':' after a key")?;
                let bit = match *key {
                    [b'b', b'v', b'e', b'r'] => 0,
                    [b'b', b'n'] => 1,
                    [b'b', b't'] => 2,
                    [b'b', b'u'] => 3,
                    [b'b', b'v'] => 4,
                    [b'b', b's'] => 5,
                    [b'n'] => 6,
                    [b'u'] => 7,
                    [b'v'] => 8,
                    [b'v', b's'] => 9,
                    [b'v', b'b'] => 10,
                    [b's'] => 11,
                    [b't'] => 12,
                    [b'u', b't'] => 13,
                    [b'v', b'd'] => 14,
                    [b'v', b'l', b'o'] => 15,
                    [.., b'_'] => {
                        return Err((key_at, "unsupported must-understand label"));
                    }
                    _ => {
                        j.skip_value()?;
                        16
                    }
                };
                if bit < 16 {
                    if seen & (1 << bit) != 0 {
                        return Err((key_at, "label appears twice in one record"));
                    }
                    seen |= 1 << bit;
                    if ((8..=10).contains(&bit) || bit >= 14) && value.is_some() {
                        return Err((key_at, "record has more than one value"));
                    }
                    j.peek();
                    let at = j.pos;
                    match bit {
                        1 => self.res.set_base_name(j.string()?.as_bytes()),
                        2 => self.res.set_base_time(j.number()?.to_f64()),
                        3 | 7 => {
                            j.string()?;
                        }
                        4 => {
                            if j.number()?.to_f64() != 0.0 {
                                return Err((at, "base value (bv) is not supported"));
                            }
                        }
                        0 | 5 | 11 | 13 => {
                            j.number()?;
                        }
                        6 => n = Some(j.string()?),
                        8 => value = Some(j.number()?.raw()),
                        9 => value = Some(RawValue::Str(j.string()?)),
                        10 => value = Some(RawValue::Boolean(j.boolean()?)),
                        12 => t = Some(j.number()?.to_f64()),
                        14 => {
                            let s = j.string()?;
                            let bytes = B64URL
                                .decode(s.as_bytes())
                                .or_else(|_| B64STD_LENIENT.decode(s.as_bytes()))
                                .map_err(|_| (at, "vd is not valid base64url"))?;
                            value = Some(RawValue::Opaque(Cow::Owned(bytes)));
                        }
                        _ => {
                            let s = j.string()?;
                            let l: ObjectLink = s
                                .parse()
                                .map_err(|_| (at, "vlo is not an object link OID:IID"))?;
                            value = Some(RawValue::Objlnk(l));
                        }
                    }
                }
                if j.eat(b',') {
                    continue;
                }
                j.expect(b'}', "expected ',' or '}' in a record")?;
                break;
            }
        }
        let path = self
            .res
            .path(n.as_deref().map(str::as_bytes))
            .map_err(|r| (start, r))?;
        let time = self.res.time(t);
        Ok(RawRecord { path, value, time })
    }

    fn step(&mut self) -> Result<Option<RawRecord<'a>>, JsonErr> {
        match self.state {
            State::Done => return Ok(None),
            State::Start => {
                self.json
                    .expect(b'[', "expected '[' (a SenML pack is an array)")?;
                self.state = State::First;
                if self.json.eat(b']') {
                    self.state = State::Done;
                    self.json.end()?;
                    return Ok(None);
                }
            }
            State::First => {}
            State::Next => {
                if self.json.eat(b']') {
                    self.state = State::Done;
                    self.json.end()?;
                    return Ok(None);
                }
                self.json
                    .expect(b',', "expected ',' or ']' after a record")?;
            }
        }
        self.state = State::Next;
        let start = self.json.pos;
        if let Some((path, value)) = self.record_fast() {
            let time = self.res.time(None);
            return Ok(Some(RawRecord { path, value, time }));
        }
        self.json.pos = start;
        self.record().map(Some)
    }

    /// The common record form, decoded without the general machinery: an object without
    /// whitespace whose keys are among `bn`, `n`, `v`, `vs` and `vb`, each once, with
    /// strings without escapes, integers of at most 18 digits and booleans. `None` for
    /// anything else, valid or not, and for names that do not resolve: the caller then
    /// reads the record again from its start with [`record`](Self::record), which gives
    /// the same result for what this accepts and the exact error for the rest. (Setting
    /// the base name before giving up is harmless: `record` sets it again from the same
    /// bytes.)
    #[inline(always)]
    fn record_fast(&mut self) -> Option<(Packed, Option<RawValue<'a>>)> {
        let src = self.json.src;
        let mut i = self.json.pos;
        if src.get(i) != Some(&b'{') || src.get(i + 1) != Some(&b'"') {
            return None;
        }
        i += 1;
        let mut seen = 0u32;
        let mut bn: Option<&'a [u8]> = None;
        let mut n: Option<&'a [u8]> = None;
        let mut value: Option<RawValue<'a>> = None;
        loop {
            // `"key":`
            let (label, len) = match src.get(i..i + 5)? {
                [b'"', b'b', b'n', b'"', b':'] => (0u8, 5),
                [b'"', b'n', b'"', b':', _] => (1, 4),
                [b'"', b'v', b'"', b':', _] => (2, 4),
                [b'"', b'v', b's', b'"', b':'] => (3, 5),
                [b'"', b'v', b'b', b'"', b':'] => (4, 5),
                _ => return None,
            };
            i += len;
            if seen & (1 << label) != 0 || (label >= 2 && value.is_some()) {
                return None;
            }
            seen |= 1 << label;
            match label {
                0 | 1 | 3 => {
                    if src.get(i) != Some(&b'"') {
                        return None;
                    }
                    let start = i + 1;
                    let mut k = start;
                    loop {
                        match *src.get(k)? {
                            b'"' => break,
                            b'\\' | 0..=0x1F => return None,
                            _ => k += 1,
                        }
                    }
                    let text = &src[start..k];
                    i = k + 1;
                    match label {
                        0 => bn = Some(text),
                        1 => n = Some(text),
                        _ => {
                            let s = core::str::from_utf8(text).ok()?;
                            value = Some(RawValue::Str(Cow::Borrowed(s)));
                        }
                    }
                }
                2 => {
                    let negative = src.get(i) == Some(&b'-');
                    if negative {
                        i += 1;
                    }
                    let first = i;
                    let mut v: u64 = 0;
                    while let Some(&d) = src.get(i).filter(|d| d.is_ascii_digit()) {
                        v = v * 10 + u64::from(d - b'0');
                        i += 1;
                        if i - first > 18 {
                            return None;
                        }
                    }
                    // Digits, without a leading zero unless the number is 0.
                    if i == first || (src[first] == b'0' && i - first > 1) {
                        return None;
                    }
                    let v = i128::from(v);
                    value = Some(RawValue::Integer(if negative { -v } else { v }));
                }
                _ => {
                    let rest = src.get(i..)?;
                    let b = if rest.starts_with(b"true") {
                        i += 4;
                        true
                    } else if rest.starts_with(b"false") {
                        i += 5;
                        false
                    } else {
                        return None;
                    };
                    value = Some(RawValue::Boolean(b));
                }
            }
            match src.get(i) {
                Some(b',') => i += 1,
                Some(b'}') => {
                    i += 1;
                    break;
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
        self.json.pos = i;
        Some((path, value))
    }

    fn fail(&mut self, (offset, reason): JsonErr) -> SenmlJsonError {
        self.state = State::Done;
        SenmlJsonError::new(offset, reason)
    }
}

impl<'a> Reader<'a> for SenmlJsonReader<'a> {
    type Error = SenmlJsonError;

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
            // Records in their common form: parsed and handed over in place; anything
            // else (and the end) through `step`.
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

impl<'a> RawRecords<'a> for SenmlJsonReader<'a> {
    #[inline]
    fn next_raw(&mut self) -> Result<Option<RawRecord<'a>>, Error> {
        self.step().map_err(|e| self.fail(e).into())
    }

    /// The next record when it is in its common form (`,` and the record without
    /// whitespace, see [`record_fast`](SenmlJsonReader::record_fast)).
    #[inline(always)]
    fn next_fast(&mut self) -> Option<(Packed, Option<RawValue<'a>>)> {
        let sep = match self.state {
            State::First => 0,
            State::Next if self.json.src.get(self.json.pos) == Some(&b',') => 1,
            _ => return None,
        };
        let start = self.json.pos;
        self.json.pos += sep;
        match self.record_fast() {
            Some(r) => {
                self.state = State::Next;
                Some(r)
            }
            None => {
                self.json.pos = start;
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
    fn slow_step<'a>(r: &mut SenmlJsonReader<'a>) -> Result<Option<RawRecord<'a>>, JsonErr> {
        match r.state {
            State::Done => return Ok(None),
            State::Start => {
                r.json
                    .expect(b'[', "expected '[' (a SenML pack is an array)")?;
                r.state = State::First;
                if r.json.eat(b']') {
                    r.state = State::Done;
                    r.json.end()?;
                    return Ok(None);
                }
            }
            State::First => {}
            State::Next => {
                if r.json.eat(b']') {
                    r.state = State::Done;
                    r.json.end()?;
                    return Ok(None);
                }
                r.json.expect(b',', "expected ',' or ']' after a record")?;
            }
        }
        r.state = State::Next;
        r.record().map(Some)
    }

    /// The records (or the error) of `bytes` through `step` and through `slow_step`.
    fn same_records(bytes: &[u8]) {
        let mut a = SenmlJsonReader::new(bytes);
        let mut b = SenmlJsonReader::new(bytes);
        for _ in 0..=bytes.len() {
            let x = a.step();
            let y = slow_step(&mut b);
            assert_eq!(
                format!("{x:?}"),
                format!("{y:?}"),
                "{:?}",
                String::from_utf8_lossy(bytes)
            );
            assert_eq!(a.json.pos, b.json.pos);
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
        "\\u0039",
        "9\\/",
    ];

    /// A name field, mostly resolvable.
    fn name_field(key: &'static str) -> impl Strategy<Value = String> {
        let good = prop::sample::select(alloc::vec!["/3/0/", "/3/0/9", "9", "6/0", "13"]);
        prop_oneof![3 => good, 1 => prop::sample::select(NAMES)]
            .prop_map(move |n| alloc::format!("\"{key}\":\"{n}\""))
    }

    /// One other field, valid or not.
    fn field() -> impl Strategy<Value = String> {
        prop::sample::select(alloc::vec![
            r#""v":1"#,
            r#""v":-5"#,
            r#""v":0"#,
            r#""v":-0"#,
            r#""v":01"#,
            r#""v":1.5"#,
            r#""v":1e3"#,
            r#""v":123456789012345678"#,
            r#""v":1234567890123456789"#,
            r#""v":99999999999999999999999999"#,
            r#""v":-"#,
            r#""v":"1""#,
            r#""v":true"#,
            r#""v": 1"#,
            r#""v":1 "#,
            r#""vs":"abc""#,
            r#""vs":"a\"b""#,
            r#""vs":"é""#,
            r#""vs":"""#,
            r#""vs":1"#,
            r#""vb":true"#,
            r#""vb":false"#,
            r#""vb":tru"#,
            r#""vb":truex"#,
            r#""vd":"AQID""#,
            r#""vlo":"1:2""#,
            r#""t":5"#,
            r#""bt":1"#,
            r#""u":"x""#,
            r#""x":[1,{"a":null}]"#,
            r#""x_":1"#,
            r#""bv":0"#,
            r#" "v":1"#,
            r#""v" :1"#,
        ])
        .prop_map(String::from)
    }

    fn record_text() -> impl Strategy<Value = String> {
        (
            prop::option::of(name_field("bn")),
            prop::option::weighted(0.8, name_field("n")),
            prop::collection::vec(field(), 0..3),
            any::<prop::sample::Index>(),
            0u8..10,
        )
            .prop_map(|(bn, n, mut fields, at, k)| {
                let mut names: Vec<String> = bn.into_iter().chain(n).collect();
                if k < 7 {
                    names.extend(fields);
                    fields = names;
                } else {
                    for x in names {
                        let i = at.index(fields.len() + 1);
                        fields.insert(i, x);
                    }
                }
                let sep = if k == 8 { ", " } else { "," };
                alloc::format!("{{{}}}", fields.join(sep))
            })
    }

    fn any_value() -> impl Strategy<Value = crate::Value> {
        use crate::Value;
        prop_oneof![
            any::<String>().prop_map(Value::String),
            "[a-zA-Z0-9 .:+-]{0,80}".prop_map(Value::String),
            prop::sample::select(alloc::vec![
                0i64,
                9,
                10,
                99,
                100,
                65535,
                65536,
                -1,
                -65536,
                i64::MIN,
                i64::MAX
            ])
            .prop_map(Value::Integer),
            any::<i64>().prop_map(Value::Integer),
            any::<u64>().prop_map(Value::UnsignedInteger),
            any::<f64>().prop_map(Value::Float),
            any::<bool>().prop_map(Value::Boolean),
            prop::collection::vec(any::<u8>(), 0..40).prop_map(Value::Opaque),
            any::<i64>().prop_map(|t| Value::Time(crate::Time(t))),
            (any::<u16>(), any::<u16>()).prop_map(|(o, i)| Value::Objlnk(ObjectLink::new(o, i))),
            "[a-z<>;=\"/,]{0,30}".prop_map(|c| Value::Corelnk(crate::CoreLink(c))),
        ]
    }

    fn id() -> impl Strategy<Value = u16> {
        prop_oneof![4 => 0u16..12, 1 => any::<u16>()]
    }

    /// A random instance: resources with single values or resource instances.
    fn instance() -> impl Strategy<Value = crate::InstanceNode> {
        use crate::{InstanceNode, ResourceInstanceNode, ResourceNode, ResourceValue};
        let res = (
            id(),
            prop_oneof![
                2 => any_value().prop_map(ResourceValue::Single),
                1 => prop::collection::vec((id(), any_value()), 0..4).prop_map(|l| {
                    ResourceValue::Multiple(
                        l.into_iter()
                            .map(|(id, value)| ResourceInstanceNode { id, value })
                            .collect(),
                    )
                }),
            ],
        )
            .prop_map(|(id, value)| ResourceNode { id, value });
        (id(), prop::collection::vec(res, 0..8))
            .prop_map(|(id, resources)| InstanceNode { id, resources })
    }

    /// The node's leaves as records, in order.
    fn leaves(o: u16, i: &crate::InstanceNode) -> Vec<Record> {
        let mut out = Vec::new();
        for r in &i.resources {
            match &r.value {
                crate::ResourceValue::Single(v) => {
                    out.push(Record::new(Path::resource(o, i.id, r.id), v.clone()))
                }
                crate::ResourceValue::Multiple(l) => {
                    for ri in l {
                        out.push(Record::new(
                            Path::resource_instance(o, i.id, r.id, ri.id),
                            ri.value.clone(),
                        ));
                    }
                }
            }
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        /// The writer's grouped records (fixed window, checked room) are the bytes the
        /// record encoder writes for the same leaves, and the same errors.
        #[test]
        fn writer_equals_record_encoder(o in id(), inst in instance(), obj in any::<bool>()) {
            let recs = leaves(o, &inst);
            let (path, node) = if obj {
                (Path::object(o), Node::Object(crate::ObjectNode { id: o, instances: alloc::vec![inst] }))
            } else {
                (Path::instance(o, inst.id), Node::Instance(inst))
            };
            let got = encode(&path, &node);
            let ids_ok = recs.iter().all(|r| !r.path.ids().contains(&u16::MAX));
            // One path throughout: the record encoder names it once (single naming).
            let one_path = recs.iter().all(|r| r.path == recs[0].path);
            if recs.len() >= 2 && ids_ok && !one_path {
                let want = encode_records(&recs);
                prop_assert_eq!(got.as_ref().map_err(|e| e.reason.clone()), want.as_ref().map_err(|e| e.reason.clone()));
                if let (Err(a), Err(b)) = (&got, &want) {
                    prop_assert_eq!(a.offset, b.offset);
                }
                let c = super::super::senml_cbor::encode(&path, &node).map_err(|e| e.reason);
                let cw = super::super::senml_cbor::encode_records(&recs).map_err(|e| e.reason);
                prop_assert_eq!(c, cw);
                let mut buf = [0u8; 1024];
                let ci = super::super::senml_cbor::encode_into(&path, &node, &mut buf)
                    .map(|n| buf[..n].to_vec())
                    .map_err(|e| e.reason);
                let cw = super::super::senml_cbor::encode_records(&recs).map_err(|e| e.reason);
                if cw.as_ref().is_ok_and(|b| b.len() <= 1024) {
                    prop_assert_eq!(ci, cw);
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn fast_records_equal_general_ones(
            recs in prop::collection::vec(record_text(), 0..5),
            cut in any::<usize>(),
            flip in any::<(usize, u8)>(),
            mode in 0u8..4,
        ) {
            let mut bytes = alloc::format!("[{}]", recs.join(",")).into_bytes();
            same_records(&bytes);
            match mode {
                0 => bytes.truncate(cut % (bytes.len() + 1)),
                1 => {
                    let n = bytes.len();
                    bytes[flip.0 % n] ^= flip.1.max(1);
                }
                2 => bytes.insert(flip.0 % (bytes.len() + 1), b' '),
                _ => {}
            }
            same_records(&bytes);
        }
    }

    proptest! {
        /// The LwM2M JSON and event-writer float text is `{v:?}`, for any finite float
        /// (bits drawn uniformly, so subnormals, huge and tiny exponents all occur).
        #[test]
        fn push_f64_is_debug_text(bits in any::<u64>(), plain in -1e9f64..1e9) {
            for v in [f64::from_bits(bits), plain] {
                let mut out = b"x".to_vec();
                match push_f64(&mut out, v) {
                    Ok(()) => {
                        let text = format!("{v:?}");
                        prop_assert_eq!(&out[1..], text.as_bytes());
                    }
                    Err(e) => {
                        prop_assert!(!v.is_finite());
                        prop_assert_eq!(e, "JSON cannot carry NaN or infinite numbers");
                        prop_assert_eq!(&out, b"x");
                    }
                }
            }
        }
    }

    #[test]
    fn push_f64_edge_values() {
        for v in [
            0.0,
            -0.0,
            1.0,
            21.5,
            -4.25,
            0.1,
            1e-7,
            1e-4,
            9.999e-5,
            1e16,
            4503599627370496.0,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
            123456.789,
        ] {
            let mut out = Vec::new();
            push_f64(&mut out, v).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), format!("{v:?}"));
        }
        assert!(push_f64(&mut Vec::new(), f64::NAN).is_err());
        assert!(push_f64(&mut Vec::new(), f64::NEG_INFINITY).is_err());
    }

    fn parse_str(s: &str) -> Result<Cow<'_, str>, JsonErr> {
        Json::new(s.as_bytes()).string()
    }

    #[test]
    fn strings() {
        assert_eq!(parse_str(r#""abc""#), Ok(Cow::Borrowed("abc")));
        assert_eq!(
            parse_str(r#""a\"b\\\/\n\u00e9\ud83d\ude00""#).unwrap(),
            "a\"b\\/\né😀"
        );
        assert_eq!(
            parse_str(r#""\ud83d""#),
            Err((1, "unpaired surrogate in \\u escape"))
        );
        assert_eq!(
            parse_str("\"a\u{1}\""),
            Err((2, "control character in string"))
        );
        assert_eq!(parse_str(r#""abc"#), Err((0, "unterminated string")));
        assert_eq!(parse_str(r#""\x""#), Err((1, "invalid escape in string")));
        let mut out = Vec::new();
        push_str(&mut out, "a\"\\\n\u{1}é");
        assert_eq!(String::from_utf8(out).unwrap(), r#""a\"\\\n\u0001é""#);
    }

    #[test]
    fn escape_check_matches_bytewise() {
        let naive = |b: &[u8]| b.iter().any(|&c| c < 0x20 || c == b'"' || c == b'\\');
        let alphabet = [
            b'a', b'"', b'\\', 0x1F, 0x20, 0x7F, 0x80, 0xFF, 0x00, b'!', b'#', 0x5B,
        ];
        for len in 0..20 {
            for (k, &special) in alphabet.iter().enumerate() {
                for at in 0..len.max(1) {
                    let mut b = alloc::vec![b'a' + (k as u8 % 3); len];
                    if len > 0 {
                        b[at] = special;
                    }
                    assert_eq!(needs_escape(&b), naive(&b), "{b:?}");
                }
            }
        }
        for v in [0u16, 9, 10, 99, 100, 999, 1000, 9999, 10000, 65535] {
            let (w, n) = digits_word(v);
            assert_eq!(&w.to_le_bytes()[..n], v.to_string().as_bytes());
        }
    }

    #[test]
    fn numbers() {
        let n = |s: &str| Json::new(s.as_bytes()).number();
        assert_eq!(n("0"), Ok(Num::Int(0)));
        assert_eq!(n("-9223372036854775808"), Ok(Num::Int(i64::MIN as i128)));
        assert_eq!(n("18446744073709551615"), Ok(Num::Int(u64::MAX as i128)));
        assert_eq!(n("21.5"), Ok(Num::Float(21.5)));
        assert_eq!(n("1e2"), Ok(Num::Float(100.0)));
        assert_eq!(n("-"), Err((0, "invalid number")));
        assert_eq!(n("01"), Ok(Num::Int(0)));
        assert_eq!(n("1."), Err((0, "invalid number")));
        assert_eq!(n("1e999"), Err((0, "number out of range")));
        assert_eq!(n("x"), Err((0, "expected a number")));
    }

    #[test]
    fn skip_nested() {
        let mut j = Json::new(br#"{"a":[1,{"b":null},[]],"c":"x"} ,"#);
        j.skip_value().unwrap();
        assert_eq!(j.peek(), Some(b','));
        let deep = "[".repeat(100);
        assert_eq!(
            Json::new(deep.as_bytes()).skip_value(),
            Err((64, "JSON nested too deeply"))
        );
        assert!(Json::new(b"[1,]").skip_value().is_err());
    }
}
