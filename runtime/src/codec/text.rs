//! `text/plain` (0): the value of one single-instance resource or one resource instance
//! (spec §3).
//!
//! Integer, Unsigned Integer and Time as ASCII decimal; Float as the shortest decimal that
//! reads back to the same double, without exponent (`0.00000000006667`, `10000000000`);
//! NaN and infinities are refused. Boolean `0`/`1`; Opaque as standard base64 with
//! padding; Object Link `oid:iid`; String and Core Link as they are. The decoder checks
//! UTF-8 and leaves the parsing to the model's type ([`RawValue::Text`]).
//!
//! [`parse_execute_args`] reads the plain-text arguments an Execute request may carry
//! (`0='on',1`), which are not a value format.

use alloc::vec::Vec;

use core::fmt;

use super::single::{self, SingleValue};
use super::{Error, ErrorKind, Output, RawValue, Sink, Syntax};
use crate::{ContentFormat, Path, ValueRef};

const F: ContentFormat = ContentFormat::Text;

/// The text/plain format as a [`SingleValue`].
#[derive(Clone, Copy, Debug)]
pub struct Text;

impl SingleValue for Text {
    const FORMAT: ContentFormat = F;

    fn write_value<O: Output>(out: &mut O, value: ValueRef<'_>) -> Result<(), Error> {
        let mut int = itoa::Buffer::new();
        match value {
            ValueRef::String(s) | ValueRef::Corelnk(s) => out.write(s.as_bytes()),
            ValueRef::Opaque(b) => {
                use base64::Engine as _;
                let engine = &base64::engine::general_purpose::STANDARD;
                // 48 bytes give 64 characters without padding but at the very end.
                let mut chunk = [0u8; 64];
                for part in b.chunks(48) {
                    let n = engine.encode_slice(part, &mut chunk).unwrap_or_default();
                    out.write(&chunk[..n])?;
                }
                Ok(())
            }
            ValueRef::Integer(i) | ValueRef::Time(crate::Time(i)) => {
                out.write(int.format(i).as_bytes())
            }
            ValueRef::UnsignedInteger(u) => out.write(int.format(u).as_bytes()),
            ValueRef::Float(f) => write_float(out, f),
            ValueRef::Boolean(b) => out.write(if b { b"1" } else { b"0" }),
            ValueRef::Objlnk(l) => {
                out.write(int.format(l.object_id).as_bytes())?;
                out.write(b":")?;
                out.write(int.format(l.instance_id).as_bytes())
            }
        }
    }

    fn read_value(bytes: &[u8]) -> Result<RawValue<'_>, Error> {
        core::str::from_utf8(bytes)
            .map(RawValue::Text)
            .map_err(|e| Error::at(F, e.valid_up_to(), ErrorKind::InvalidUtf8))
    }
}

/// Writes `f` as the shortest decimal that reads back to it, without exponent (`22.5`,
/// `100`, `0.0001`): what `core::fmt` writes for `{}`. NaN and the infinities are
/// [`ErrorKind::NumberOutOfRange`].
pub(crate) fn write_float<O: Output>(out: &mut O, f: f64) -> Result<(), Error> {
    /// `core::fmt` output into an [`Output`], keeping its error.
    struct Text<'o, O> {
        out: &'o mut O,
        failed: Option<Error>,
    }
    impl<O: Output> fmt::Write for Text<'_, O> {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            self.out.write(s.as_bytes()).map_err(|e| {
                self.failed = Some(e);
                fmt::Error
            })
        }
    }
    if !f.is_finite() {
        return Err(Error::at(F, out.len(), ErrorKind::NumberOutOfRange));
    }
    let mut text = Text { out, failed: None };
    match fmt::Write::write_fmt(&mut text, format_args!("{f}")) {
        Ok(()) => Ok(()),
        Err(_) => Err(text.failed.unwrap_or(Error::new(ErrorKind::BufferFull))),
    }
}

/// A text/plain encoder: takes exactly one `value` at a resource or resource-instance
/// path.
pub type TextWriter<O> = single::SingleValueWriter<O, Text>;

/// Decodes a text/plain payload addressed to a resource or resource-instance path,
/// feeding `sink` one [`RawValue::Text`].
pub fn decode<'a, S: Sink<'a> + ?Sized>(
    path: &Path,
    bytes: &'a [u8],
    sink: &mut S,
) -> Result<(), Error> {
    single::decode::<Text, _>(path, bytes, sink)
}

/// One argument of an Execute request's plain-text payload (spec §3): a digit, with an
/// optional quoted value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExecuteArg<'a> {
    /// The argument number, 0–9.
    pub id: u8,
    /// The text between the single quotes of `N='…'`, if given.
    pub value: Option<&'a str>,
}

/// Parses Execute arguments: `arg *("," arg)`, `arg = DIGIT ["=" "'" *CHAR "'"]`, where
/// `CHAR` is printable ASCII other than space, `"`, `'` and `\` (OMA TS; Leshan's parser
/// agrees). `0='on',1` gives two arguments; an empty payload none. Errors are
/// [`Syntax::InvalidText`] ([`ErrorKind::InvalidField`] for an argument given twice) at
/// the offending character.
pub fn parse_execute_args(text: &str) -> Result<Vec<ExecuteArg<'_>>, Error> {
    let b = text.as_bytes();
    let fail = |at: usize| Error::at(F, at, ErrorKind::Syntax(Syntax::InvalidText));
    let mut out: Vec<ExecuteArg<'_>> = Vec::new();
    if b.is_empty() {
        return Ok(out);
    }
    let mut i = 0;
    loop {
        let id = match b.get(i) {
            Some(d @ b'0'..=b'9') => d - b'0',
            _ => return Err(fail(i)),
        };
        if out.iter().any(|a| a.id == id) {
            return Err(Error::at(F, i, ErrorKind::InvalidField));
        }
        i += 1;
        let mut value = None;
        if b.get(i) == Some(&b'=') {
            if b.get(i + 1) != Some(&b'\'') {
                return Err(fail(i + 1));
            }
            let start = i + 2;
            let len = b[start..].iter().position(|&c| c == b'\'');
            let end = start + len.unwrap_or(b.len() - start);
            if let Some(k) = b[start..end]
                .iter()
                .position(|&c| !(0x21..=0x7E).contains(&c) || c == b'"' || c == b'\\')
            {
                return Err(fail(start + k));
            }
            if len.is_none() {
                // Unterminated: at the opening quote.
                return Err(fail(start - 1));
            }
            value = Some(&text[start..end]);
            i = end + 1;
        }
        out.push(ExecuteArg { id, value });
        match b.get(i) {
            None => return Ok(out),
            Some(b',') => i += 1,
            Some(_) => return Err(fail(i)),
        }
    }
}
