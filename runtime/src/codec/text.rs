//! `text/plain` (0): the value of one single-instance resource or one resource instance
//! (spec §3).
//!
//! Integer, Unsigned Integer and Time as ASCII decimal; Float as the shortest decimal
//! that reads back to the same double, without exponent (Rust's `Display`, as the spec
//! asks); NaN and infinities are refused. Boolean `0`/`1`; Opaque as standard base64
//! with padding; Objlnk `oid:iid`; String and Corelnk as is. The decoder checks UTF-8 and
//! leaves the parsing to the model's type ([`RawValue::Text`]): decimal accepts
//! `[-]d[.d][e|E[±]d]`, integers refuse `+`, spaces and overflow.
//!
//! [`parse_execute_args`] reads the plain-text arguments an Execute request may carry
//! (`0='on',1`), which are not a value format.

use alloc::vec::Vec;
use core::fmt::Write as _;

use super::{Error, Event, FormatError, Output, RawValue, Reader, TypeLookup, ValueRef};
use crate::{ContentFormat, Node, Path};

const F: ContentFormat = ContentFormat::Text;

/// The error type of the text/plain codec: byte offset and reason.
pub type TextError = FormatError;

struct Fmt<'o, O: Output>(&'o mut O, bool);

impl<O: Output> core::fmt::Write for Fmt<'_, O> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        self.0.write(s.as_bytes()).map_err(|_| {
            self.1 = true;
            core::fmt::Error
        })
    }
}

/// The text/plain format as a [`SingleValue`](super::single::SingleValue).
#[derive(Clone, Copy, Debug)]
pub struct PlainText;

impl super::single::SingleValue for PlainText {
    const FORMAT: ContentFormat = F;
    const REFUSAL: &'static str =
        "text/plain carries the value of one resource or resource instance only";
    fn write_value<O: Output>(out: &mut O, value: ValueRef<'_>) -> Result<(), FormatError> {
        let full = |o: &O| FormatError::buffer_full(F, o.len());
        match value {
            ValueRef::String(s) | ValueRef::Corelnk(s) => {
                out.write(s.as_bytes()).map_err(|_| full(out))?
            }
            ValueRef::Opaque(b) => {
                use base64::Engine as _;
                let engine = &base64::engine::general_purpose::STANDARD;
                let mut chunk = [0u8; 64];
                for part in b.chunks(48) {
                    let n = engine
                        .encode_slice(part, &mut chunk)
                        .map_err(|_| full(out))?;
                    out.write(&chunk[..n]).map_err(|_| full(out))?;
                }
            }
            ValueRef::Float(f) if !f.is_finite() => {
                return Err(FormatError::new(
                    F,
                    out.len(),
                    "text/plain cannot carry NaN or infinity",
                ));
            }
            other => {
                let mut w = Fmt(out, false);
                let r = match other {
                    ValueRef::Integer(i) => write!(w, "{i}"),
                    ValueRef::UnsignedInteger(u) => write!(w, "{u}"),
                    ValueRef::Time(t) => write!(w, "{}", t.0),
                    ValueRef::Float(f) => write!(w, "{f}"),
                    ValueRef::Boolean(b) => w.write_str(if b { "1" } else { "0" }),
                    ValueRef::Objlnk(l) => write!(w, "{l}"),
                    _ => Ok(()),
                };
                if r.is_err() {
                    return Err(full(out));
                }
            }
        }
        Ok(())
    }
}

/// A text/plain encoder: takes exactly one `value` at a resource or resource-instance
/// path.
pub type TextWriter<O> = super::single::SingleValueWriter<O, PlainText>;

/// Encodes a single resource or resource instance as text.
pub fn encode(path: &Path, node: &Node) -> Result<Vec<u8>, Error> {
    super::single::encode::<PlainText>(path, node)
}

/// Encodes into `buf` without allocating; returns the length.
pub fn encode_into(path: &Path, node: &Node, buf: &mut [u8]) -> Result<usize, Error> {
    super::single::encode_into::<PlainText>(path, node, buf)
}

/// Encodes, appending to any [`Output`].
pub fn encode_to<O: Output>(path: &Path, node: &Node, out: O) -> Result<(), Error> {
    super::single::encode_to::<PlainText, O>(path, node, out)
}

/// Decodes a text/plain payload addressed to a resource or resource-instance path.
pub fn decode(path: &Path, bytes: &[u8], types: &dyn TypeLookup) -> Result<Node, Error> {
    super::single::check_decode_target(F, path)?;
    super::decode_node(path, &mut TextReader::new(path, bytes), types)
}

/// A pull decoder of one text/plain payload: one value event.
#[derive(Debug)]
pub struct TextReader<'a> {
    path: Path,
    bytes: &'a [u8],
    done: bool,
}

impl<'a> TextReader<'a> {
    /// A reader of `bytes` addressed to `path` (a resource or resource instance).
    pub fn new(path: &Path, bytes: &'a [u8]) -> Self {
        TextReader {
            path: *path,
            bytes,
            done: false,
        }
    }
}

impl<'a> Reader<'a> for TextReader<'a> {
    type Error = TextError;
    fn next_event(&mut self) -> Result<Option<Event<'a>>, TextError> {
        if self.done {
            return Ok(None);
        }
        self.done = true;
        if self.path.len() < 3 {
            return Err(FormatError::new(
                F,
                0,
                "text/plain carries one resource value only",
            ));
        }
        let text = core::str::from_utf8(self.bytes).map_err(|e| {
            FormatError::new(F, e.valid_up_to(), "text/plain payload is not valid UTF-8")
        })?;
        Ok(Some(Event::Value {
            path: self.path,
            value: RawValue::Text(text),
            time: None,
        }))
    }
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
/// agrees). `0='on',1` gives two arguments. An empty payload has none; an argument number
/// given twice is an error. Errors carry the byte offset of the offending character.
pub fn parse_execute_args(text: &str) -> Result<Vec<ExecuteArg<'_>>, TextError> {
    let b = text.as_bytes();
    let mut out: Vec<ExecuteArg<'_>> = Vec::new();
    if b.is_empty() {
        return Ok(out);
    }
    let mut i = 0;
    loop {
        let id = match b.get(i) {
            Some(d @ b'0'..=b'9') => d - b'0',
            _ => return Err(FormatError::new(F, i, "expected an argument digit")),
        };
        if out.iter().any(|a| a.id == id) {
            return Err(FormatError::new(F, i, "argument given twice"));
        }
        i += 1;
        let mut value = None;
        if b.get(i) == Some(&b'=') {
            if b.get(i + 1) != Some(&b'\'') {
                return Err(FormatError::new(F, i + 1, "expected ' after ="));
            }
            let start = i + 2;
            let mut j = start;
            while let Some(&c) = b.get(j) {
                match c {
                    b'\'' => break,
                    0x21..=0x7E if !matches!(c, b'"' | b'\\') => j += 1,
                    _ => return Err(FormatError::new(F, j, "invalid character in argument")),
                }
            }
            if j == b.len() {
                return Err(FormatError::new(
                    F,
                    start - 1,
                    "unterminated argument value",
                ));
            }
            value = Some(&text[start..j]);
            i = j + 1;
        }
        out.push(ExecuteArg { id, value });
        match b.get(i) {
            None => return Ok(out),
            Some(b',') => i += 1,
            Some(_) => return Err(FormatError::new(F, i, "expected ',' between arguments")),
        }
    }
}
