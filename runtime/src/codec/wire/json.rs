//! The JSON notation shared by SenML JSON and LwM2M JSON: a tokenizer over bytes that
//! reports exact byte offsets ([`Json`]), and the writing helpers (strings, floats, times)
//! into a record staged on the stack before it goes to an [`Output`].
//!
//! The tokenizer is iterative: nested values (only unknown labels can nest) are skipped
//! with an explicit depth counter, at most [`MAX_DEPTH`] levels.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

use crate::codec::output::Staged;
use crate::codec::{ErrorKind, Output, RawValue, Syntax};

/// Deepest nesting [`Json::skip_value`] accepts.
pub const MAX_DEPTH: u32 = 64;

/// A tokenizer failure: what, and the byte offset.
pub type JsonError = (ErrorKind, usize);

/// A JSON tokenizer over a whole payload; `pos` is the next byte to read.
#[derive(Clone, Debug)]
pub struct Json<'a> {
    /// The payload.
    pub src: &'a [u8],
    /// The position.
    pub pos: usize,
}

fn syntax(s: Syntax, at: usize) -> JsonError {
    (ErrorKind::Syntax(s), at)
}

impl<'a> Json<'a> {
    /// A tokenizer at the start of `src`.
    pub fn new(src: &'a [u8]) -> Self {
        Json { src, pos: 0 }
    }

    /// The next non-whitespace byte (not consumed); `pos` moves to it.
    #[inline]
    pub fn peek(&mut self) -> Option<u8> {
        match self.src.get(self.pos) {
            // Encoders write no whitespace between tokens: one compare, inlined.
            Some(&b) if b > b' ' => Some(b),
            _ => self.skip_space(),
        }
    }

    /// [`peek`](Self::peek) past whitespace.
    #[inline(never)]
    fn skip_space(&mut self) -> Option<u8> {
        while let Some(&b) = self.src.get(self.pos) {
            if !matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                return Some(b);
            }
            self.pos += 1;
        }
        None
    }

    /// Consumes `b` if it comes next.
    #[inline]
    pub fn eat(&mut self, b: u8) -> bool {
        let next = self.peek() == Some(b);
        self.pos += usize::from(next);
        next
    }

    /// The error for the next token when it is not what the structure requires: the end
    /// of the payload ([`ErrorKind::Truncated`]), another JSON value
    /// ([`Syntax::UnexpectedValue`]) or a byte that starts none
    /// ([`Syntax::UnexpectedByte`]).
    #[cold]
    pub fn unexpected(&mut self) -> JsonError {
        match self.peek() {
            None => (ErrorKind::Truncated, self.pos),
            Some(b'{' | b'[' | b'"' | b't' | b'f' | b'n' | b'-' | b'0'..=b'9') => {
                syntax(Syntax::UnexpectedValue, self.pos)
            }
            Some(_) => syntax(Syntax::UnexpectedByte, self.pos),
        }
    }

    /// Consumes `b`, which must come next.
    #[inline]
    pub fn expect(&mut self, b: u8) -> Result<(), JsonError> {
        if self.eat(b) {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    /// After the top-level value: only whitespace may follow.
    pub fn end(&mut self) -> Result<(), JsonError> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err((ErrorKind::TrailingBytes, self.pos)),
        }
    }

    /// The body of the string token at `pos` when it is plain, with no escape and no
    /// control byte (what encoders write): `pos` moves past it. `None`, nothing read, for
    /// any other token.
    #[inline]
    fn plain(&mut self) -> Option<&'a [u8]> {
        self.plain_of(|b| matches!(b, b'"' | b'\\' | 0..=0x1F))
    }

    /// [`plain`](Self::plain) of a string whose body has no byte that `stop` takes (`stop`
    /// takes `"`, `\` and control bytes, and may take more).
    #[inline]
    fn plain_of(&mut self, stop: impl Fn(u8) -> bool) -> Option<&'a [u8]> {
        let src = self.src;
        let body = src.get(self.pos..)?.strip_prefix(b"\"")?;
        let len = body.iter().position(|&b| stop(b))?;
        if body[len] != b'"' {
            return None;
        }
        self.pos += len + 2;
        Some(&body[..len])
    }

    /// The text of the string token at `pos` (found by `peek`), borrowed when it has no
    /// escapes; not checked to be UTF-8. `pos` moves past it.
    #[inline]
    fn string_bytes(&mut self) -> Result<Cow<'a, [u8]>, JsonError> {
        match self.plain() {
            Some(body) => Ok(Cow::Borrowed(body)),
            None => self.escaped_string(),
        }
    }

    /// [`string_bytes`](Self::string_bytes) of any string token (with escapes, or not
    /// one): out of line, the plain case stays small enough to inline.
    #[inline(never)]
    fn escaped_string(&mut self) -> Result<Cow<'a, [u8]>, JsonError> {
        if self.peek() != Some(b'"') {
            return Err(self.unexpected());
        }
        let (src, start) = (self.src, self.pos);
        let mut i = start + 1;
        let mut out = Vec::new();
        loop {
            match src.get(i) {
                None => return Err((ErrorKind::Truncated, start)),
                Some(b'"') => break,
                Some(b'\\') => {
                    let c = escape(src, &mut i).ok_or(syntax(Syntax::InvalidString, i))?;
                    out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                }
                Some(0..=0x1F) => return Err(syntax(Syntax::InvalidString, i)),
                Some(&b) => {
                    out.push(b);
                    i += 1;
                }
            }
        }
        self.pos = i + 1;
        Ok(Cow::Owned(out))
    }

    /// A string token, borrowed when it has no escapes.
    #[inline]
    pub fn string(&mut self) -> Result<Cow<'a, str>, JsonError> {
        self.peek();
        let start = self.pos;
        let utf8 = (ErrorKind::InvalidUtf8, start);
        match self.plain() {
            Some(body) => core::str::from_utf8(body)
                .map(Cow::Borrowed)
                .map_err(|_| utf8),
            None => self.escaped_text(),
        }
    }

    /// [`string`](Self::string) of a token that is not a plain string: out of line, the
    /// plain case stays small enough to inline.
    #[inline(never)]
    fn escaped_text(&mut self) -> Result<Cow<'a, str>, JsonError> {
        let utf8 = (ErrorKind::InvalidUtf8, self.pos);
        match self.escaped_string()? {
            Cow::Borrowed(b) => core::str::from_utf8(b).map(Cow::Borrowed).map_err(|_| utf8),
            Cow::Owned(b) => String::from_utf8(b).map(Cow::Owned).map_err(|_| utf8),
        }
    }

    /// A string token as bytes (names, which are read as paths): checked to be UTF-8
    /// like [`string`](Self::string), borrowed when it has no escapes.
    #[inline]
    pub fn name(&mut self) -> Result<Cow<'a, [u8]>, JsonError> {
        // Most names: plain printable ASCII (which is UTF-8), tested in one pass.
        self.peek();
        match self.plain_of(|b| !matches!(b, b' '..=b'~') || b == b'"' || b == b'\\') {
            Some(name) => Ok(Cow::Borrowed(name)),
            None => self.any_name(),
        }
    }

    /// [`name`](Self::name) of any string token: out of line, the plain case stays small
    /// enough to inline.
    #[inline(never)]
    fn any_name(&mut self) -> Result<Cow<'a, [u8]>, JsonError> {
        let start = self.pos;
        let bytes = self.string_bytes()?;
        // ASCII is UTF-8 (most names are).
        if !bytes.is_ascii() && core::str::from_utf8(&bytes).is_err() {
            return Err((ErrorKind::InvalidUtf8, start));
        }
        Ok(bytes)
    }

    /// Skips a string token, checked like [`string`](Self::string).
    fn skip_string(&mut self) -> Result<(), JsonError> {
        self.name().map(drop)
    }

    /// An object key as bytes: borrowed and not UTF-8 checked (keys are only compared with
    /// ASCII labels) when it has no escapes, else read like [`string`](Self::string).
    #[inline]
    pub fn key(&mut self) -> Result<Cow<'a, [u8]>, JsonError> {
        self.peek();
        let start = self.pos;
        match self.string_bytes()? {
            Cow::Owned(b) if core::str::from_utf8(&b).is_err() => {
                Err((ErrorKind::InvalidUtf8, start))
            }
            key => Ok(key),
        }
    }

    /// A key and the `:` after it.
    #[inline]
    pub fn label(&mut self) -> Result<Cow<'a, [u8]>, JsonError> {
        // Most keys: plain, the `:` right after.
        self.peek();
        let start = self.pos;
        if let Some(key) = self.plain()
            && self.src.get(self.pos) == Some(&b':')
        {
            self.pos += 1;
            return Ok(Cow::Borrowed(key));
        }
        self.pos = start;
        self.any_label()
    }

    /// [`label`](Self::label) of any key: out of line, the plain case stays small enough
    /// to inline.
    #[inline(never)]
    fn any_label(&mut self) -> Result<Cow<'a, [u8]>, JsonError> {
        let key = self.key()?;
        self.expect(b':')?;
        Ok(key)
    }

    /// A number token: [`RawValue::Integer`] for an integral literal that fits an i128,
    /// else [`RawValue::Float`]; a number too large for an f64 is
    /// [`ErrorKind::NumberOutOfRange`].
    #[inline]
    pub fn number(&mut self) -> Result<RawValue<'static>, JsonError> {
        if !matches!(self.peek(), Some(b'-' | b'0'..=b'9')) {
            return Err(self.unexpected());
        }
        let (b, start) = (self.src, self.pos);
        let negative = b[start] == b'-';
        let int_at = start + usize::from(negative);
        // The integer part (no leading zero), summed as it is read.
        let (mut v, mut i) = (0u64, int_at);
        match b.get(int_at) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                while let Some(d) = b.get(i).map(|c| c.wrapping_sub(b'0')).filter(|d| *d < 10) {
                    v = v.wrapping_mul(10).wrapping_add(u64::from(d));
                    i += 1;
                }
            }
            _ => return Err(syntax(Syntax::InvalidNumber, start)),
        }
        // Up to 19 digits fit the sum; fractions, exponents and longer integers are parsed.
        if i - int_at > 19 || matches!(b.get(i), Some(b'.' | b'e' | b'E')) {
            return self.parse_number(start, i);
        }
        self.pos = i;
        let v = i128::from(v);
        Ok(RawValue::Integer(if negative { -v } else { v }))
    }

    /// [`number`](Self::number) of a number starting at `start` whose integer part ends at
    /// `int_end`, with a fraction or an exponent, or of more than 19 digits.
    #[inline(never)]
    fn parse_number(
        &mut self,
        start: usize,
        int_end: usize,
    ) -> Result<RawValue<'static>, JsonError> {
        let b = self.src;
        let digits = |mut i: usize| {
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            i
        };
        let bad = syntax(Syntax::InvalidNumber, start);
        let mut i = int_end;
        if b.get(i) == Some(&b'.') {
            let end = digits(i + 1);
            if end == i + 1 {
                return Err(bad);
            }
            i = end;
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1 + usize::from(matches!(b.get(i + 1), Some(b'+' | b'-')));
            let end = digits(i);
            if end == i {
                return Err(bad);
            }
            i = end;
        }
        self.pos = i;
        // ASCII digits and signs only.
        let text = core::str::from_utf8(&b[start..i]).map_err(|_| bad)?;
        if i == int_end
            && let Ok(v) = text.parse::<i128>()
        {
            return Ok(RawValue::Integer(v));
        }
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(RawValue::Float(f)),
            _ => Err((ErrorKind::NumberOutOfRange, start)),
        }
    }

    /// A number token as a float (times).
    pub fn float(&mut self) -> Result<f64, JsonError> {
        // Integers and floats both read as f64.
        self.number().map(|n| n.as_f64().unwrap_or_default())
    }

    /// `true` or `false`.
    pub fn boolean(&mut self) -> Result<bool, JsonError> {
        self.peek();
        let rest = &self.src[self.pos..];
        for (word, v) in [(&b"true"[..], true), (b"false", false)] {
            if rest.starts_with(word) {
                self.pos += word.len();
                return Ok(v);
            }
        }
        Err(self.unexpected())
    }

    /// After a value inside an object: `,` (`true`: a key follows) or `}` (`false`).
    #[inline]
    pub fn next_in_object(&mut self) -> Result<bool, JsonError> {
        if self.eat(b',') {
            return Ok(true);
        }
        self.expect(b'}').map(|()| false)
    }

    /// Skips the array or object at `pos` by its brackets and strings alone, checking
    /// nothing else: for a value read and checked again later. `false` (nothing skipped)
    /// when it does not close in the payload or nests deeper than [`MAX_DEPTH`] levels:
    /// [`skip_value`](Self::skip_value) then says why.
    pub fn skip_brackets(&mut self) -> bool {
        let mut rest = self.src.get(self.pos..).unwrap_or_default().iter();
        let mut depth = 0u32;
        while let Some(&c) = rest.next() {
            match c {
                b'"' => loop {
                    // To the closing quote, past escaped characters.
                    match rest.next() {
                        Some(b'"') => break,
                        Some(b'\\') => drop(rest.next()),
                        Some(_) => {}
                        None => return false,
                    }
                },
                b'[' | b'{' if depth == MAX_DEPTH => return false,
                b'[' | b'{' => depth += 1,
                b']' | b'}' if depth == 1 => {
                    self.pos = self.src.len() - rest.len();
                    return true;
                }
                b']' | b'}' if depth == 0 => return false,
                b']' | b'}' => depth -= 1,
                _ => {}
            }
        }
        false
    }

    /// Skips one JSON value of any kind, iteratively, up to [`MAX_DEPTH`] levels.
    pub fn skip_value(&mut self) -> Result<(), JsonError> {
        // Bit k set: level k is an object.
        let mut stack: u64 = 0;
        let mut depth: u32 = 0;
        loop {
            match self.peek() {
                Some(open @ (b'[' | b'{')) => {
                    if depth >= MAX_DEPTH {
                        return Err((ErrorKind::TooDeep, self.pos));
                    }
                    self.pos += 1;
                    let obj = open == b'{';
                    if !self.eat(if obj { b'}' } else { b']' }) {
                        stack = (stack << 1) | u64::from(obj);
                        depth += 1;
                        if obj {
                            self.label()?;
                        }
                        continue;
                    }
                }
                Some(b'"') => self.skip_string()?,
                Some(b't' | b'f') => {
                    self.boolean()?;
                }
                Some(b'n') => {
                    if !self.src[self.pos..].starts_with(b"null") {
                        return Err(syntax(Syntax::UnexpectedByte, self.pos));
                    }
                    self.pos += 4;
                }
                _ => {
                    self.number()?;
                }
            }
            // After a value: close the containers it ends, or go on to the next item.
            loop {
                if depth == 0 {
                    return Ok(());
                }
                let obj = stack & 1 == 1;
                if self.eat(b',') {
                    if obj {
                        self.label()?;
                    }
                    break;
                }
                self.expect(if obj { b'}' } else { b']' })?;
                depth -= 1;
                stack >>= 1;
            }
        }
    }
}

/// The character of the escape at `src[*i]` (a `\`); moves `i` past it. `None` when it
/// is not a valid escape (a `\u` surrogate must be paired).
fn escape(src: &[u8], i: &mut usize) -> Option<char> {
    let hex4 = |at: usize| {
        let h = src.get(at..at + 4)?;
        h.iter()
            .try_fold(0u32, |v, &c| Some(v * 16 + (c as char).to_digit(16)?))
    };
    let (c, len) = match src.get(*i + 1)? {
        b'"' => ('"', 2),
        b'\\' => ('\\', 2),
        b'/' => ('/', 2),
        b'b' => ('\u{8}', 2),
        b'f' => ('\u{c}', 2),
        b'n' => ('\n', 2),
        b'r' => ('\r', 2),
        b't' => ('\t', 2),
        b'u' => {
            let hi = hex4(*i + 2)?;
            if !(0xD800..0xDC00).contains(&hi) {
                (char::from_u32(hi)?, 6)
            } else if src.get(*i + 6..*i + 8)? == b"\\u" {
                let lo = hex4(*i + 8).filter(|lo| (0xDC00..0xE000).contains(lo))?;
                (
                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))?,
                    12,
                )
            } else {
                return None;
            }
        }
        _ => return None,
    };
    *i += len;
    Some(c)
}

// ---------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------

/// How each byte is written inside a JSON string: 0 as is, `u` as `\u00XX`, else `\` and
/// that byte (the serde_json table).
static ESCAPE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = b'u';
        b += 1;
    }
    t[0x08] = b'b';
    t[0x09] = b't';
    t[0x0A] = b'n';
    t[0x0C] = b'f';
    t[0x0D] = b'r';
    t[b'"' as usize] = b'"';
    t[b'\\' as usize] = b'\\';
    t
};

/// Writes the text of `s` in a JSON string literal (without its quotes).
#[inline]
pub(crate) fn write_str<O: Output + ?Sized>(out: &mut Staged<'_, O>, s: &str) {
    let bytes = s.as_bytes();
    // Most strings need no escape: one check of all bytes, then one piece.
    if bytes.iter().all(|&b| ESCAPE[usize::from(b)] == 0) {
        out.put(bytes);
    } else {
        out.put(&escape_str(bytes));
    }
}

/// The text of a JSON string literal of `bytes` without the quotes, for the rare strings
/// with bytes to escape (an allocation is fine here).
#[cold]
fn escape_str(bytes: &[u8]) -> Vec<u8> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut text = Vec::with_capacity(bytes.len() + 8);
    for &b in bytes {
        match ESCAPE[usize::from(b)] {
            0 => text.push(b),
            b'u' => text.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 15)],
            ]),
            esc => text.extend_from_slice(&[b'\\', esc]),
        }
    }
    text
}

/// Whether JSON can carry `v` (NaN and infinities it cannot).
pub fn finite(v: f64) -> Result<(), ErrorKind> {
    if v.is_finite() {
        Ok(())
    } else {
        Err(ErrorKind::NumberOutOfRange)
    }
}

/// Writes a finite float (the caller checked it with [`finite`]) as Rust's `{:?}` does
/// (the wire text of every earlier version): the shortest decimal that reads back as
/// `v`, `21.5`, `1.0`, `1e-7`, `1e300`.
///
/// zmij writes the same digits with three differences, handled by one rule: it writes
/// `1e+300` (an exponent sign), it keeps the plain notation down to 1e-5 where `{:?}`
/// switches to an exponent below 1e-4, and on an exact tie between two shortest decimals
/// (possible only with 16 or 17 significant digits) it picks the even last digit where
/// `{:?}` rounds up. Its text is used when none of these can apply (plain notation, at
/// least 1e-4, at most 15 significant digits: every value a sensor sends); the others
/// are written by `core::fmt`.
#[inline]
pub(crate) fn write_f64<O: Output + ?Sized>(out: &mut Staged<'_, O>, v: f64) {
    debug_assert!(v.is_finite());
    let mut buf = zmij::Buffer::new();
    match shortest(&mut buf, v) {
        Some(text) => out.put(text.as_bytes()),
        // Rare: an allocation is fine here.
        None => out.put(alloc::format!("{v:?}").as_bytes()),
    }
}

/// zmij's text of `v` when it is the one of `{:?}` (see [`write_f64`]).
fn shortest(buf: &mut zmij::Buffer, v: f64) -> Option<&str> {
    let text = buf.format_finite(v);
    let significant = text
        .bytes()
        .skip_while(|&b| matches!(b, b'-' | b'0' | b'.'))
        .filter(u8::is_ascii_digit)
        .count();
    (!text.contains('e') && (v == 0.0 || v.abs() >= 1e-4) && significant <= 15).then_some(text)
}

/// Writes a finite time: integral values as integers, others as floats.
#[inline]
pub(crate) fn write_time<O: Output + ?Sized>(out: &mut Staged<'_, O>, t: f64) {
    match crate::codec::senml::exact_int(t) {
        Some(i) => out.put_int(i),
        None => write_f64(out, t),
    }
}

/// Writes `bytes` in base64 with `engine` (the text holds no byte JSON escapes).
#[inline]
pub(crate) fn write_base64<O: Output + ?Sized>(
    out: &mut Staged<'_, O>,
    engine: &base64::engine::GeneralPurpose,
    bytes: &[u8],
) {
    use base64::Engine as _;
    // In chunks of 48 bytes (64 characters): no allocation.
    let mut text = [0u8; 64];
    // Every chunk but the last is whole groups of 3 bytes: only the last can be padded.
    for chunk in bytes.chunks(48) {
        // 64 bytes hold the text of 48: this cannot fail.
        let n = engine.encode_slice(chunk, &mut text).unwrap_or(0);
        out.put(&text[..n]);
    }
}
