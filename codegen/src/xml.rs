//! A small positioned XML tree built on `quick_xml::Reader` events.
//!
//! Why not serde: `quick_xml::de` maps elements onto structs well, but it forgets where
//! each element was, and located diagnostics (`file:line:col` pointing at the `<Type>`
//! element or the `ID` attribute) are the point of the linter. It would also stop at the
//! first conversion error. So the reader builds this tiny tree of text-only elements, each
//! with the byte offset of its `<`, and [`crate::load`] converts it field by field,
//! collecting every error. Byte offsets are mapped to 1-based line and character column by
//! [`LineIndex`].
//!
//! Hostile input is bounded: a `<!DOCTYPE>` is refused (so no entity can be declared or
//! expanded), only the five predefined entities and character references are resolved,
//! nesting is bounded by [`MAX_DEPTH`], and the reader is linear in the input.

use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use crate::diagnostics::codes;

/// Deepest element nesting accepted (DDF needs 4).
pub const MAX_DEPTH: usize = 32;

/// One element: its name, attributes, child elements and direct text (text, CDATA and
/// references concatenated, line ends normalised to `\n`).
#[derive(Debug, Default)]
pub(crate) struct Element {
    pub name: String,
    /// Byte offset of the `<` of the start tag.
    pub offset: usize,
    pub attrs: Vec<Attr>,
    pub children: Vec<Element>,
    pub text: String,
}

/// One attribute with the byte offset of its name.
#[derive(Debug)]
pub(crate) struct Attr {
    pub name: String,
    pub value: String,
    pub offset: usize,
}

impl Element {
    /// The attribute called `name`.
    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.name == name)
    }
}

/// Why a document could not be read as XML.
#[derive(Debug)]
pub(crate) struct XmlError {
    pub offset: usize,
    pub code: &'static str,
    pub message: String,
}

fn err(offset: usize, code: &'static str, message: impl Into<String>) -> XmlError {
    XmlError {
        offset,
        code,
        message: message.into(),
    }
}

/// Parses `text` into its root element.
pub(crate) fn parse(text: &str) -> Result<Element, XmlError> {
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let start = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(e) => {
                let at = usize::try_from(reader.error_position()).unwrap_or(start);
                return Err(err(at, codes::MALFORMED_XML, e.to_string()));
            }
        };
        match event {
            Event::Start(_) | Event::Empty(_) if root.is_some() && stack.is_empty() => {
                return Err(err(
                    start,
                    codes::MALFORMED_XML,
                    "a second root element after the document element",
                ));
            }
            Event::Start(e) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(err(
                        start,
                        codes::TOO_DEEP,
                        format!("elements nested deeper than {MAX_DEPTH} levels"),
                    ));
                }
                stack.push(element(&e, start)?);
            }
            Event::Empty(e) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(err(
                        start,
                        codes::TOO_DEEP,
                        format!("elements nested deeper than {MAX_DEPTH} levels"),
                    ));
                }
                let el = element(&e, start)?;
                close(&mut stack, &mut root, el);
            }
            Event::End(_) => match stack.pop() {
                Some(el) => close(&mut stack, &mut root, el),
                None => {
                    return Err(err(
                        start,
                        codes::MALFORMED_XML,
                        "end tag without start tag",
                    ));
                }
            },
            Event::Text(t) => {
                let content = t.xml10_content();
                match stack.last_mut() {
                    Some(top) => top.text.push_str(&content),
                    None if content.trim().is_empty() => {}
                    None => {
                        return Err(err(
                            start,
                            codes::MALFORMED_XML,
                            "text outside the document element",
                        ));
                    }
                }
            }
            Event::CData(c) => match stack.last_mut() {
                Some(top) => top.text.push_str(&c.xml10_content()),
                None => {
                    return Err(err(
                        start,
                        codes::MALFORMED_XML,
                        "CDATA outside the document element",
                    ));
                }
            },
            Event::GeneralRef(r) => {
                let resolved: String = if r.is_char_ref() {
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        _ => {
                            return Err(err(
                                start,
                                codes::MALFORMED_XML,
                                format!("invalid character reference &{};", &*r),
                            ));
                        }
                    }
                } else {
                    match &*r {
                        "lt" => "<".into(),
                        "gt" => ">".into(),
                        "amp" => "&".into(),
                        "apos" => "'".into(),
                        "quot" => "\"".into(),
                        other => {
                            return Err(err(
                                start,
                                codes::MALFORMED_XML,
                                format!(
                                    "undefined entity &{other};: only the predefined XML entities are accepted"
                                ),
                            ));
                        }
                    }
                };
                match stack.last_mut() {
                    Some(top) => top.text.push_str(&resolved),
                    None => {
                        return Err(err(
                            start,
                            codes::MALFORMED_XML,
                            "reference outside the document element",
                        ));
                    }
                }
            }
            Event::DocType(_) => {
                return Err(err(
                    start,
                    codes::DOCTYPE_REFUSED,
                    "DOCTYPE declarations are refused (no DTD, no entity declarations)",
                ));
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => {
                if let Some(open) = stack.last() {
                    return Err(err(
                        open.offset,
                        codes::MALFORMED_XML,
                        format!("<{}> is not closed before the end of the file", open.name),
                    ));
                }
                return root
                    .ok_or_else(|| err(text.len(), codes::MALFORMED_XML, "no document element"));
            }
        }
    }
}

fn close(stack: &mut [Element], root: &mut Option<Element>, el: Element) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(el),
        None => *root = Some(el),
    }
}

fn element(e: &BytesStart<'_>, start: usize) -> Result<Element, XmlError> {
    let name = e.name().0.to_string();
    let raw = e.attributes_raw();
    let raw_offset = start + 1 + name.len();
    Ok(Element {
        attrs: attributes(raw, raw_offset)?,
        name,
        offset: start,
        children: Vec::new(),
        text: String::new(),
    })
}

/// Scans `name="value"` pairs, keeping the offset of each name.
fn attributes(raw: &str, base: usize) -> Result<Vec<Attr>, XmlError> {
    let bytes = raw.as_bytes();
    let mut out: Vec<Attr> = Vec::new();
    let mut i = 0;
    let ws = |b: u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    loop {
        while i < bytes.len() && (ws(bytes[i]) || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() {
            return Ok(out);
        }
        let name_start = i;
        while i < bytes.len() && !ws(bytes[i]) && bytes[i] != b'=' {
            i += 1;
        }
        let name = raw.get(name_start..i).unwrap_or_default().to_string();
        while i < bytes.len() && ws(bytes[i]) {
            i += 1;
        }
        if i >= bytes.len() || bytes[i] != b'=' {
            return Err(err(
                base + name_start,
                codes::MALFORMED_XML,
                format!("attribute {name} has no value"),
            ));
        }
        i += 1;
        while i < bytes.len() && ws(bytes[i]) {
            i += 1;
        }
        let quote = match bytes.get(i) {
            Some(q @ (b'"' | b'\'')) => *q,
            _ => {
                return Err(err(
                    base + name_start,
                    codes::MALFORMED_XML,
                    format!("value of attribute {name} is not quoted"),
                ));
            }
        };
        i += 1;
        let value_start = i;
        while i < bytes.len() && bytes[i] != quote {
            i += 1;
        }
        if i >= bytes.len() {
            return Err(err(
                base + name_start,
                codes::MALFORMED_XML,
                format!("value of attribute {name} is not closed"),
            ));
        }
        let raw_value = raw.get(value_start..i).unwrap_or_default();
        i += 1;
        let value = match quick_xml::escape::unescape(raw_value) {
            Ok(v) => v.into_owned(),
            Err(e) => {
                return Err(err(
                    base + name_start,
                    codes::MALFORMED_XML,
                    format!("value of attribute {name}: {e}"),
                ));
            }
        };
        if out.iter().any(|a| a.name == name) {
            return Err(err(
                base + name_start,
                codes::MALFORMED_XML,
                format!("attribute {name} given twice"),
            ));
        }
        out.push(Attr {
            name,
            value,
            offset: base + name_start,
        });
    }
}

/// Maps byte offsets of a text to 1-based (line, character column).
///
/// Line ends are `\n`, `\r\n` and a lone `\r`.
pub(crate) struct LineIndex<'a> {
    text: &'a [u8],
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes `text`.
    pub fn new(text: &'a [u8]) -> Self {
        let mut starts = vec![0];
        for (i, &b) in text.iter().enumerate() {
            if b == b'\n' || (b == b'\r' && text.get(i + 1) != Some(&b'\n')) {
                starts.push(i + 1);
            }
        }
        LineIndex { text, starts }
    }

    /// The 1-based line and character column of byte `offset` (clamped to the text).
    pub fn position(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1) - 1;
        let start = self.starts.get(line).copied().unwrap_or(0);
        let column = self
            .text
            .get(start..offset)
            .unwrap_or_default()
            .iter()
            .filter(|&&b| b & 0xC0 != 0x80)
            .count();
        (
            u32::try_from(line + 1).unwrap_or(u32::MAX),
            u32::try_from(column + 1).unwrap_or(u32::MAX),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions() {
        let t = "ab\r\ncé\nx\ry";
        let idx = LineIndex::new(t.as_bytes());
        assert_eq!(idx.position(0), (1, 1));
        assert_eq!(idx.position(1), (1, 2));
        assert_eq!(idx.position(4), (2, 1));
        assert_eq!(idx.position(7), (2, 3)); // after the two-byte é
        assert_eq!(idx.position(8), (3, 1));
        assert_eq!(idx.position(10), (4, 1));
        assert_eq!(idx.position(999), (4, 2));
    }

    #[test]
    fn tree_text_and_attributes() {
        let t = "<?xml version=\"1.0\"?>\r\n<!-- c --><a  x = 'v&amp;1'><b>1 &lt; 2 &#65;<![CDATA[<z>]]>\r\nq</b><c/></a>";
        let root = parse(t).unwrap();
        assert_eq!(root.name, "a");
        assert_eq!(root.offset, 33);
        let x = root.attr("x").unwrap();
        assert_eq!((x.value.as_str(), x.offset), ("v&1", 37));
        assert_eq!(root.children[0].text, "1 < 2 A<z>\nq");
        assert_eq!(root.children[1].name, "c");
    }

    #[test]
    fn refusals() {
        let e = parse("<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>").unwrap_err();
        assert_eq!((e.code, e.offset), (codes::DOCTYPE_REFUSED, 0));
        let e = parse("<a>&x;</a>").unwrap_err();
        assert_eq!(e.code, codes::MALFORMED_XML);
        let deep = "<a>".repeat(MAX_DEPTH + 1);
        let e = parse(&deep).unwrap_err();
        assert_eq!((e.code, e.offset), (codes::TOO_DEEP, 3 * MAX_DEPTH));
        let e = parse("<a><b></a>").unwrap_err();
        assert_eq!(e.code, codes::MALFORMED_XML);
        let e = parse("<a><b>").unwrap_err();
        assert_eq!((e.code, e.offset), (codes::MALFORMED_XML, 3));
        assert!(parse("").is_err());
        assert!(parse("<a/><b/>").is_err());
    }
}
