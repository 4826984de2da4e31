//! The CBOR notation shared by CBOR (60), SenML CBOR (112) and LwM2M CBOR (11544), on
//! `minicbor`: a `Reader` that reads data items into [`RawValue`]s with byte offsets for
//! errors, and `write_value`, which writes a value in preferred serialization (shortest
//! heads, floats in the shortest width that holds them exactly: 22.5 → `F9 4D A0`, Objlnk as
//! the text `"oid:iid"`, Time as a plain integer).
//!
//! Values read: integers of any width, half/single/double floats, definite and indefinite
//! strings, `true`/`false`, `null`/`undefined` (no value), tag 1 (epoch seconds) and
//! tag 0 (RFC 3339 text) for Time, tag 4 (decimal fraction) for numbers; other tags are
//! skipped. Lengths never size an allocation: minicbor checks them against the bytes present.

use alloc::borrow::Cow;
use alloc::vec::Vec;

use minicbor::data::Type;
use minicbor::encode::write::Cursor;
use minicbor::encode::{self, Write};
use minicbor::{Decoder, Encoder};

use crate::codec::{Error, ErrorKind, RawValue, Syntax};
use crate::{ContentFormat, ValueRef};

type DResult<T> = Result<T, minicbor::decode::Error>;

/// Whether an item of type `t` is an integer.
pub(crate) fn is_int(t: Type) -> bool {
    use Type::*;
    matches!(t, U8 | U16 | U32 | U64 | I8 | I16 | I32 | I64 | Int)
}

/// How deep [`Reader::skip`] follows nested containers.
pub(crate) const MAX_NESTING: usize = 16;

const INVALID: ErrorKind = ErrorKind::Syntax(Syntax::InvalidCbor);

/// What a value position held.
#[derive(Debug)]
pub(crate) enum Item<'b> {
    /// A leaf value.
    Value(RawValue<'b>),
    /// `null` or `undefined`: no value.
    Null,
    /// A map head at this offset, with its entry count (`None`: indefinite).
    Map(usize, Option<u64>),
    /// An array head at this offset (not a decimal fraction).
    Array(usize),
}

/// A CBOR cursor reporting errors of one content format.
#[derive(Debug)]
pub(crate) struct Reader<'b> {
    d: Decoder<'b>,
    format: ContentFormat,
}

impl<'b> Reader<'b> {
    /// A reader of `bytes` whose errors name `format`.
    pub(crate) fn new(bytes: &'b [u8], format: ContentFormat) -> Self {
        Reader {
            d: Decoder::new(bytes),
            format,
        }
    }

    /// The offset of the next byte.
    #[inline]
    pub(crate) fn pos(&self) -> usize {
        self.d.position()
    }

    /// Whether every byte was read.
    pub(crate) fn at_end(&self) -> bool {
        self.pos() >= self.d.input().len()
    }

    /// An error of `kind` at `offset`.
    // Cold: error paths stay out of the inlined reads.
    #[cold]
    pub(crate) fn err(&self, offset: usize, kind: ErrorKind) -> Error {
        Error::at(self.format, offset, kind)
    }

    /// Runs a minicbor read; its failures become [`ErrorKind::Truncated`] where the missing
    /// bytes begin, [`Syntax::InvalidCbor`] for an item of the wrong type (a reserved or
    /// misplaced head), else `other` where minicbor says (invalid UTF-8 in text).
    #[inline]
    fn run_as<T>(
        &mut self,
        other: ErrorKind,
        f: impl FnOnce(&mut Decoder<'b>) -> DResult<T>,
    ) -> Result<T, Error> {
        match f(&mut self.d) {
            Ok(v) => Ok(v),
            Err(e) => Err(self.failed(e, other)),
        }
    }

    /// The error of a failed minicbor read (see [`Reader::run_as`]).
    #[cold]
    fn failed(&self, e: minicbor::decode::Error, other: ErrorKind) -> Error {
        match e {
            e if e.is_end_of_input() => self.err(self.pos(), ErrorKind::Truncated),
            e if e.is_type_mismatch() => self.err(e.position().unwrap_or(self.pos()), INVALID),
            e => self.err(e.position().unwrap_or(self.pos()), other),
        }
    }

    /// Runs a minicbor read of anything but text (see [`Reader::run_as`]).
    #[inline]
    pub(crate) fn run<T>(
        &mut self,
        f: impl FnOnce(&mut Decoder<'b>) -> DResult<T>,
    ) -> Result<T, Error> {
        // Other failures: a length beyond the address space (16/32-bit targets).
        self.run_as(ErrorKind::Truncated, f)
    }

    /// The type of the next item (the head is not consumed).
    #[inline]
    pub(crate) fn datatype(&self) -> Result<Type, Error> {
        // Fails only when the head itself is cut short: the bytes end at the input's end.
        match self.d.datatype() {
            Ok(t) => Ok(t),
            Err(e) => Err(self.cut_short(e)),
        }
    }

    /// The error of a head cut short by the end of the input.
    #[cold]
    fn cut_short(&self, _: minicbor::decode::Error) -> Error {
        self.err(self.d.input().len(), ErrorKind::Truncated)
    }

    /// Consumes a "break" (`FF`) if one is next.
    #[inline]
    pub(crate) fn take_break(&mut self) -> bool {
        let brk = matches!(self.d.datatype(), Ok(Type::Break));
        if brk {
            self.d.set_position(self.pos() + 1);
        }
        brk
    }

    /// A text string, definite or in chunks (each chunk valid UTF-8, RFC 8949 §3.2.3).
    pub(crate) fn text(&mut self) -> Result<Cow<'b, str>, Error> {
        let utf8 = ErrorKind::InvalidUtf8;
        if self.datatype()? == Type::String {
            return self.run_as(utf8, |d| d.str()).map(Cow::Borrowed);
        }
        self.run_as(utf8, |d| d.str_iter()?.collect())
            .map(Cow::Owned)
    }

    /// [`Reader::run_as`] of a read that expects one type without asking the item's type
    /// first (the common case of a format): `None`, nothing read, when the item is of
    /// another type (the caller then looks at it).
    #[inline]
    pub(crate) fn try_run_as<T>(
        &mut self,
        other: ErrorKind,
        f: impl FnOnce(&mut Decoder<'b>) -> DResult<T>,
    ) -> Result<Option<T>, Error> {
        let at = self.pos();
        let mut mismatch = false;
        let read = self.run_as(other, |d| match f(d) {
            Err(e) if e.is_type_mismatch() => {
                mismatch = true;
                Ok(None)
            }
            read => read.map(Some),
        });
        if mismatch {
            self.d.set_position(at);
        }
        read
    }

    /// A byte string, definite or in chunks.
    pub(crate) fn bytes(&mut self) -> Result<Cow<'b, [u8]>, Error> {
        if self.datatype()? == Type::Bytes {
            return self.run(|d| d.bytes()).map(Cow::Borrowed);
        }
        let all = self.run(|d| {
            d.bytes_iter()?.try_fold(Vec::new(), |mut all, c| {
                all.extend_from_slice(c?);
                Ok(all)
            })
        });
        all.map(Cow::Owned)
    }

    /// An integer of either sign.
    pub(crate) fn int(&mut self) -> Result<i128, Error> {
        if !is_int(self.datatype()?) {
            return Err(self.err(self.pos(), INVALID));
        }
        self.run(|d| d.int()).map(i128::from)
    }

    /// Skips one data item of any kind (SenML labels it does not know), its containers
    /// nested at most [`MAX_NESTING`] deep ([`ErrorKind::TooDeep`]).
    pub(crate) fn skip(&mut self) -> Result<(), Error> {
        // Items left in each open container (`None`: indefinite); level 0 is the item.
        let mut open = [Some(1u64); MAX_NESTING + 1];
        let mut depth = 0;
        loop {
            match open[depth] {
                Some(0) if depth == 0 => return Ok(()),
                Some(0) => depth -= 1,
                None if self.take_break() => depth -= 1,
                left => {
                    open[depth] = left.map(|n| n - 1);
                    while self.datatype()? == Type::Tag {
                        self.run(|d| d.tag())?;
                    }
                    let at = self.pos();
                    let n = match self.datatype()? {
                        Type::Array | Type::ArrayIndef => self.run(|d| d.array())?,
                        Type::Map | Type::MapIndef => {
                            self.run(|d| d.map())?.map(|n| n.saturating_mul(2))
                        }
                        Type::Break => return Err(self.err(at, INVALID)),
                        _ => {
                            self.run(|d| d.skip())?;
                            continue;
                        }
                    };
                    if depth == MAX_NESTING {
                        return Err(self.err(at, ErrorKind::TooDeep));
                    }
                    depth += 1;
                    open[depth] = n;
                }
            }
        }
    }

    /// The item at a value position: a leaf value, `null`, or the head of a map or array.
    /// Tags are applied (the innermost one: 1 and 0 for Time, 4 for decimal fractions) or
    /// skipped, in a loop.
    #[inline]
    pub(crate) fn item(&mut self) -> Result<Item<'b>, Error> {
        let at = self.pos();
        let ty = self.datatype()?;
        self.untagged(at, ty, false)
    }

    /// The item at `at`, of type `ty` (read once: the reads below do not look at it again);
    /// under tag 4 (`fraction`), an array is a decimal fraction. The common types are read
    /// here, the others (tags too) by [`Reader::uncommon`], out of line.
    #[inline]
    fn untagged(&mut self, at: usize, ty: Type, fraction: bool) -> Result<Item<'b>, Error> {
        let raw = match ty {
            ty if is_int(ty) => RawValue::Integer(self.run(|d| d.int())?.into()),
            Type::String => RawValue::Str(Cow::Borrowed(
                self.run_as(ErrorKind::InvalidUtf8, |d| d.str())?,
            )),
            Type::F16 | Type::F32 | Type::F64 => RawValue::Float(self.run(|d| d.f64())?),
            Type::Bool => RawValue::Boolean(self.run(|d| d.bool())?),
            Type::Map | Type::MapIndef => return Ok(Item::Map(at, self.run(|d| d.map())?)),
            ty => return self.uncommon(at, ty, fraction),
        };
        Ok(Item::Value(raw))
    }

    /// The item at `at` of a type [`Reader::untagged`] leaves.
    fn uncommon(&mut self, at: usize, ty: Type, fraction: bool) -> Result<Item<'b>, Error> {
        let raw = match ty {
            Type::Tag => return self.tagged(),
            Type::Null | Type::Undefined => {
                self.d.set_position(at + 1);
                return Ok(Item::Null);
            }
            Type::Bytes | Type::BytesIndef => RawValue::Opaque(self.bytes()?),
            Type::StringIndef => RawValue::Str(self.text()?),
            Type::Array | Type::ArrayIndef if fraction => {
                if self.run(|d| d.array())? != Some(2) {
                    return Err(self.err(at, INVALID));
                }
                let e = self.int()?;
                decimal_fraction(e, self.int()?)
            }
            Type::Array | Type::ArrayIndef => return Ok(Item::Array(at)),
            // Breaks out of place, simple values, reserved additional information.
            _ => return Err(self.err(at, INVALID)),
        };
        Ok(Item::Value(raw))
    }

    /// A tagged item (see [`Reader::item`]): rare, kept out of the common path.
    #[cold]
    fn tagged(&mut self) -> Result<Item<'b>, Error> {
        // The innermost tag so far and where it starts.
        let mut inner: Option<(u64, usize)> = None;
        let (at, ty) = loop {
            let at = self.pos();
            match (self.datatype()?, inner) {
                // RFC 8949: tag 0 holds a text string and tag 1 a number, not another tag.
                (Type::Tag, Some((0 | 1, off))) => {
                    return Err(self.err(off, ErrorKind::InvalidTime));
                }
                (Type::Tag, _) => inner = Some((self.run(|d| d.tag())?.as_u64(), at)),
                (ty, _) => break (at, ty),
            }
        };
        let (tag, off) = inner.unwrap_or((u64::MAX, at));
        let raw = match self.untagged(at, ty, tag == 4)? {
            Item::Value(raw) => raw,
            other => return Ok(other),
        };
        let time = |t: Option<i128>| match t.and_then(|t| i64::try_from(t).ok()) {
            Some(t) => Ok(RawValue::Time(t)),
            None => Err(self.err(at, ErrorKind::InvalidTime)),
        };
        Ok(Item::Value(match (tag, raw) {
            (1, RawValue::Integer(v)) => time(Some(v))?,
            // Fractional seconds: the number is kept.
            (1, RawValue::Float(f)) if integral(f).is_none() => RawValue::Float(f),
            (1, RawValue::Float(f)) => time(integral(f))?,
            (0, RawValue::Str(s)) => match parse_rfc3339(&s) {
                Some(t) => RawValue::Time(t),
                None => return Err(self.err(off, ErrorKind::InvalidTime)),
            },
            (0 | 1, _) => return Err(self.err(off, ErrorKind::InvalidTime)),
            (_, raw) => raw,
        }))
    }
}

/// `f` as an integer when it is one (no `fract` in `core`; `as` saturates).
fn integral(f: f64) -> Option<i128> {
    (f.is_finite() && (f as i128) as f64 == f).then_some(f as i128)
}

/// `m × 10^e` as a raw number: an integer when exact, else a float.
fn decimal_fraction(e: i128, m: i128) -> RawValue<'static> {
    // A zero mantissa is zero whatever the exponent (0 × ∞ would be NaN).
    if m == 0 {
        return RawValue::Integer(0);
    }
    if let Some(v) = u32::try_from(e)
        .ok()
        .and_then(|e| 10i128.checked_pow(e)?.checked_mul(m))
    {
        return RawValue::Integer(v);
    }
    let e = e.clamp(-400, 400) as i32;
    let p = (0..e.unsigned_abs()).fold(1.0f64, |p, _| p * 10.0);
    RawValue::Float(if e >= 0 { m as f64 * p } else { m as f64 / p })
}

/// `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)` to epoch seconds (the fraction dropped).
pub(crate) fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let num = |i: usize| -> Option<i64> {
        let d = b.get(i..i + if i == 0 { 4 } else { 2 })?;
        let ok = d.iter().all(u8::is_ascii_digit);
        ok.then(|| d.iter().fold(0, |a, &c| a * 10 + i64::from(c - b'0')))
    };
    let sep = |i: usize, c: &[u8]| b.get(i).is_some_and(|x| c.contains(x));
    let seps = [(4, b"-"), (7, b"-"), (10, b"T"), (13, b":"), (16, b":")];
    let (Some(y), Some(mo), Some(d), Some(h), Some(mi), Some(sec)) =
        (num(0), num(5), num(8), num(11), num(14), num(17))
    else {
        return None;
    };
    let in_range = (1..=12).contains(&mo) && (1..=31).contains(&d) && h < 24 && mi < 60;
    if !seps
        .iter()
        .all(|&(i, c)| sep(i, c) || (i == 10 && sep(i, b"t ")))
        || !in_range
        || sec > 60
    {
        return None;
    }
    // An optional fraction, then the zone.
    let frac = match b.get(19) {
        Some(b'.') => 1 + b[20..].iter().take_while(|c| c.is_ascii_digit()).count(),
        _ => 0,
    };
    let z = 19 + frac;
    let offset = match &b[z..] {
        _ if frac == 1 => return None,
        [b'Z' | b'z'] => 0,
        [c @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (oh, om) = (num(z + 1)?, num(z + 4)?);
            if oh > 23 || om > 59 {
                return None;
            }
            (oh * 3600 + om * 60) * if *c == b'-' { -1 } else { 1 }
        }
        _ => return None,
    };
    // Days since 1970-01-01 of the proleptic Gregorian date.
    let y = if mo <= 2 { y - 1 } else { y };
    let (era, yoe) = (y.div_euclid(400), y.rem_euclid(400));
    let doy = (153 * ((mo + 9) % 12) + 2) / 5 + d - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    Some(days * 86_400 + h * 3600 + mi * 60 + sec - offset)
}

/// What minicbor's encoder returns.
pub(crate) type EncodeResult<W> = Result<(), encode::Error<<W as Write>::Error>>;

/// The codec error inside a minicbor encode error (only writes fail for our items).
pub(crate) fn write_error(e: encode::Error<Error>) -> Error {
    e.into_write()
        .unwrap_or(Error::new(ErrorKind::WriterMisuse))
}

/// Writes `f` in the shortest of half, single or double precision that holds it exactly
/// (NaN as `F9 7E 00`).
pub(crate) fn write_float<W: Write>(e: &mut Encoder<W>, f: f64) -> EncodeResult<W> {
    let s = f as f32;
    if f.is_nan() {
        e.f16(f32::NAN)?;
    } else if f64::from(s) != f {
        e.f64(f)?;
    } else if half_exact(s) {
        e.f16(s)?;
    } else {
        e.f32(s)?;
    }
    Ok(())
}

/// Whether `s` survives a round trip through binary16 (minicbor converts both ways).
fn half_exact(s: f32) -> bool {
    let mut c = Cursor::new([0u8; 3]);
    Encoder::new(&mut c).f16(s).is_ok()
        && Decoder::new(c.get_ref())
            .f16()
            .is_ok_and(|h| h.to_bits() == s.to_bits())
}

/// Writes the data item of `v`: integers in their shortest head, floats by
/// [`write_float`], Objlnk as the text `"oid:iid"`, Time as a plain integer.
pub(crate) fn write_value<W: Write>(e: &mut Encoder<W>, v: ValueRef<'_>) -> EncodeResult<W> {
    let content = write_head(e, v)?;
    if !content.is_empty() {
        e.writer_mut()
            .write_all(content)
            .map_err(encode::Error::write)?;
    }
    Ok(())
}

/// Writes the data item of `v` as [`write_value`] does, but for the content of a text or
/// byte string, which it returns for the caller to write after: what it writes fits in
/// [`HEAD_MAX`] bytes, so that it can be gathered in a small buffer and written at once.
pub(crate) fn write_head<'v, W: Write>(
    e: &mut Encoder<W>,
    v: ValueRef<'v>,
) -> Result<&'v [u8], encode::Error<W::Error>> {
    match v {
        ValueRef::String(s) | ValueRef::Corelnk(s) => {
            e.str_len(s.len() as u64)?;
            return Ok(s.as_bytes());
        }
        ValueRef::Opaque(b) => {
            e.bytes_len(b.len() as u64)?;
            return Ok(b);
        }
        ValueRef::Integer(i) | ValueRef::Time(crate::Time(i)) => {
            e.i64(i)?;
        }
        ValueRef::UnsignedInteger(u) => {
            e.u64(u)?;
        }
        ValueRef::Float(f) => write_float(e, f)?,
        ValueRef::Boolean(b) => {
            e.bool(b)?;
        }
        ValueRef::Objlnk(l) => {
            let (mut a, mut b) = (itoa::Buffer::new(), itoa::Buffer::new());
            let (o, i) = (a.format(l.object_id), b.format(l.instance_id));
            e.str_len((o.len() + 1 + i.len()) as u64)?;
            let w = e.writer_mut();
            for part in [o, ":", i] {
                w.write_all(part.as_bytes()).map_err(encode::Error::write)?;
            }
        }
    }
    Ok(&[])
}

/// The most bytes [`write_head`] writes: a 9-byte head (integer, double, string length),
/// or an object link, `"65535:65535"` (12 bytes).
pub(crate) const HEAD_MAX: usize = 12;

/// The head of an array (`map` false) or map of `n` items, shortest form: what a
/// container's count is fixed to once known.
pub(crate) fn head(map: bool, n: u64) -> ([u8; 9], usize) {
    let mut c = Cursor::new([0u8; 9]);
    let mut e = Encoder::new(&mut c);
    let _ = if map { e.map(n) } else { e.array(n) };
    let len = c.position();
    (c.into_inner(), len)
}
