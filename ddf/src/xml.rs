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
//! nesting is bounded by [`MAX_DEPTH`], the element count by [`MAX_ELEMENTS`], and the
//! reader is linear in the input.

use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use crate::diagnostics::codes;

/// Deepest element nesting accepted (DDF needs 4).
pub const MAX_DEPTH: usize = 32;

/// Most elements accepted in one document (the registry's largest, `DDF.xml`, has about
/// 5,300). Bounds memory: a tree element costs ~30 times the 4 bytes of `<a/>`, so a 16 MB
/// file of empty elements would otherwise need ~500 MB (and one diagnostic each).
pub const MAX_ELEMENTS: usize = 200_000;

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
    // Characters XML 1.0 forbids anywhere (control characters, U+FFFE/U+FFFF) are
    // refused up front; quick_xml does not check them, and a raw U+0001 would otherwise
    // end up in a name.
    check_chars(text)?;
    let mut reader = Reader::from_str(text);
    // `--` inside a comment is not well-formed XML; quick_xml only checks it on request.
    reader.config_mut().check_comments = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut elements = 0usize;
    loop {
        let start = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(e) => {
                let at = usize::try_from(reader.error_position()).unwrap_or(start);
                let mut message = e.to_string();
                // A mismatched end tag is located where it is found; also name the line
                // of the start tag it should have closed (often the real mistake).
                if let quick_xml::Error::IllFormed(
                    quick_xml::errors::IllFormedError::MismatchedEndTag { .. },
                ) = e
                    && let Some(open) = stack.last()
                {
                    let (line, _) = LineIndex::new(text.as_bytes()).position(open.offset);
                    message.push_str(&format!(" (<{}> opened on line {line})", open.name));
                }
                return Err(err(at, codes::MALFORMED_XML, message));
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
            Event::Start(_) | Event::Empty(_) if elements >= MAX_ELEMENTS => {
                return Err(err(
                    start,
                    codes::FILE_TOO_LARGE,
                    format!("more than {MAX_ELEMENTS} elements"),
                ));
            }
            Event::Start(e) => {
                elements += 1;
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
                elements += 1;
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
                // `]]>` may not appear in text (XML 1.0 §2.4); quick_xml passes it.
                if let Some(i) = t.find("]]>") {
                    return Err(err(
                        start + i,
                        codes::MALFORMED_XML,
                        "`]]>` in text: it only ends a CDATA section (write `]]&gt;`)",
                    ));
                }
                let content = t.xml10_content();
                match stack.last_mut() {
                    Some(top) => top.text.push_str(&content),
                    // Only XML whitespace may surround the root (`str::trim` would also
                    // accept e.g. U+00A0 or U+3000 there).
                    None if content.trim_matches(XML_WS).is_empty() => {}
                    None => {
                        // Located at the text itself, not at the whitespace before it.
                        let lead = t.len() - t.trim_start_matches(XML_WS).len();
                        return Err(err(
                            start + lead,
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
                        // A reference must name a character XML allows (not &#1;, &#xFFFE;).
                        Ok(Some(c)) if is_xml_char(c) => c.to_string(),
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
            Event::Decl(d) => {
                // Only allowed as the very first thing (after the BOM, already stripped):
                // not after whitespace, a comment or inside the document.
                if start != 0 {
                    return Err(err(
                        start,
                        codes::MALFORMED_XML,
                        "the XML declaration must be at the very start of the file",
                    ));
                }
                declaration(&d)?;
            }
            Event::PI(p) if p.target().eq_ignore_ascii_case("xml") => {
                return Err(err(
                    start,
                    codes::MALFORMED_XML,
                    "the processing instruction target `xml` is reserved",
                ));
            }
            Event::PI(_) | Event::Comment(_) => {}
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

/// Checks the version and encoding of `<?xml ...?>`: XML 1.0 only (1.1 has other line
/// ends and characters), and UTF-8 only (the bytes were decoded as UTF-8, so a file
/// declaring another encoding would be misread; it is refused, not guessed at).
fn declaration(d: &quick_xml::events::BytesDecl<'_>) -> Result<(), XmlError> {
    match d.version() {
        Ok(v) if v == "1.0" => {}
        Ok(v) => {
            return Err(err(
                0,
                codes::MALFORMED_XML,
                format!("XML version {v:?} is not supported: only 1.0"),
            ));
        }
        Err(e) => return Err(err(0, codes::MALFORMED_XML, e.to_string())),
    }
    match d.encoding() {
        None => Ok(()),
        Some(Ok(enc)) if enc.eq_ignore_ascii_case("utf-8") || enc.eq_ignore_ascii_case("utf8") => {
            Ok(())
        }
        Some(Ok(enc)) => Err(err(
            0,
            codes::INVALID_UTF8,
            format!("the file declares encoding {enc:?}: only UTF-8 is read; convert it to UTF-8"),
        )),
        Some(Err(e)) => Err(err(0, codes::MALFORMED_XML, e.to_string())),
    }
}

/// Whether XML 1.0 allows `c` (the `Char` production; surrogates cannot occur in `char`).
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

fn check_chars(text: &str) -> Result<(), XmlError> {
    match text.char_indices().find(|&(_, c)| !is_xml_char(c)) {
        None => Ok(()),
        Some((at, c)) => Err(err(
            at,
            codes::MALFORMED_XML,
            format!("character U+{:04X} is not allowed in XML", u32::from(c)),
        )),
    }
}

/// Whether `name` is an acceptable XML name: not empty, not starting with a digit, `-`
/// or `.`, and without characters that cannot be in a name (quick_xml takes anything up
/// to whitespace or `>` as the name, e.g. `<>` or `<1x>`).
fn is_xml_name(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let bad = |c: char| {
        c.is_whitespace() || c.is_control() || "!\"#$%&'()*+,/;<=>?@[\\]^`{|}~".contains(c)
    };
    !(first.is_ascii_digit() || first == '-' || first == '.' || bad(first) || chars.any(bad))
}

/// The XML whitespace characters (`S` production).
const XML_WS: [char; 4] = [' ', '\t', '\r', '\n'];

fn close(stack: &mut [Element], root: &mut Option<Element>, el: Element) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(el),
        None => *root = Some(el),
    }
}

fn element(e: &BytesStart<'_>, start: usize) -> Result<Element, XmlError> {
    let name = e.name().0.to_string();
    if !is_xml_name(&name) {
        return Err(err(
            start,
            codes::MALFORMED_XML,
            format!("{name:?} is not a valid element name"),
        ));
    }
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
    // Names seen so far: a set, so that a tag with many attributes stays linear.
    let mut seen = std::collections::HashSet::new();
    let mut i = 0;
    let ws = |b: u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    loop {
        // A `/` is only skipped when nothing but whitespace follows it (the `/` of `<a x="1"/>`):
        // `<a x="1"/y="2">` is not XML.
        let final_slash = |i: usize| {
            bytes[i] == b'/' && bytes.get(i + 1..).is_some_and(|r| r.iter().all(|&b| ws(b)))
        };
        while i < bytes.len() && (ws(bytes[i]) || final_slash(i)) {
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
        if !is_xml_name(&name) {
            return Err(err(
                base + name_start,
                codes::MALFORMED_XML,
                format!("{name:?} is not a valid attribute name"),
            ));
        }
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
        // Attributes must be separated by whitespace (`a="1"b="2"` is not XML).
        if i < bytes.len() && !ws(bytes[i]) && !final_slash(i) {
            return Err(err(
                base + i,
                codes::MALFORMED_XML,
                format!("no whitespace after the value of attribute {name}"),
            ));
        }
        // A literal `<` may not appear in an attribute value (XML 1.0 §3.1).
        if let Some(lt) = raw_value.find('<') {
            return Err(err(
                base + value_start + lt,
                codes::MALFORMED_XML,
                format!("`<` in the value of attribute {name} (write `&lt;`)"),
            ));
        }
        // Attribute-value normalisation (XML 1.0 §3.3.3): each literal line end, tab or
        // newline becomes one space (character references are kept).
        let normalised;
        let raw_value = if raw_value.contains(['\t', '\n', '\r']) {
            normalised = raw_value
                .replace("\r\n", " ")
                .replace(['\t', '\n', '\r'], " ");
            normalised.as_str()
        } else {
            raw_value
        };
        let value = match quick_xml::escape::unescape(raw_value) {
            // Only a character reference can bring in a character XML forbids here.
            Ok(v) if v.chars().all(is_xml_char) => v.into_owned(),
            Ok(_) => {
                return Err(err(
                    base + name_start,
                    codes::MALFORMED_XML,
                    format!(
                        "value of attribute {name}: a character reference to a character XML does not allow"
                    ),
                ));
            }
            Err(e) => {
                return Err(err(
                    base + name_start,
                    codes::MALFORMED_XML,
                    format!("value of attribute {name}: {e}"),
                ));
            }
        };
        if !seen.insert(name.clone()) {
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
    /// Byte offsets of the line starts: `u32` (files are capped far below 4 GiB) and
    /// counted first, so a file of line breaks costs four bytes per byte, not sixteen.
    starts: Vec<u32>,
    /// `chars[k]`: characters in `text[..k * CHECKPOINT]`. Counting a column from the
    /// line start was linear in the line length, so a one-line file with many diagnostics
    /// was quadratic (100,000 elements on one line took minutes); with checkpoints a
    /// position costs at most `2 * CHECKPOINT` bytes of counting.
    chars: Vec<usize>,
}

const CHECKPOINT: usize = 1024;

fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

impl<'a> LineIndex<'a> {
    /// Indexes `text`.
    pub fn new(text: &'a [u8]) -> Self {
        let breaks = || {
            text.iter()
                .enumerate()
                .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && text.get(i + 1) != Some(&b'\n')))
                .map(|(i, _)| u32::try_from(i + 1).unwrap_or(u32::MAX))
        };
        let mut starts = Vec::with_capacity(breaks().count() + 1);
        starts.push(0);
        starts.extend(breaks());
        let chars = std::iter::once(0)
            .chain(text.chunks(CHECKPOINT).scan(0, |n, c| {
                *n += count_chars(c);
                Some(*n)
            }))
            .collect();
        LineIndex {
            text,
            starts,
            chars,
        }
    }

    /// Characters in `text[..offset]`.
    fn chars_before(&self, offset: usize) -> usize {
        let k = offset / CHECKPOINT;
        self.chars.get(k).copied().unwrap_or(0)
            + count_chars(self.text.get(k * CHECKPOINT..offset).unwrap_or_default())
    }

    /// The 1-based line and character column of byte `offset` (clamped to the text).
    pub fn position(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let line = self
            .starts
            .partition_point(|&s| s as usize <= offset)
            .max(1)
            - 1;
        let start = self.starts.get(line).map_or(0, |&s| s as usize);
        let column = self.chars_before(offset) - self.chars_before(start);
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
    fn line_starts_are_counted_before_they_are_stored() {
        // One line start per break, in exactly the room they need (no doubling slack).
        let t = "\n".repeat(5000) + "x\r\ny\rz";
        let idx = LineIndex::new(t.as_bytes());
        assert_eq!(idx.starts.len(), 5003);
        assert_eq!(idx.starts.capacity(), 5003);
        assert_eq!(idx.position(4999), (5000, 1));
        assert_eq!(idx.position(5003), (5002, 1));
        assert_eq!(idx.position(5005), (5003, 1));
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
