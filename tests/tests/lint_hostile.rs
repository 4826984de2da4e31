//! Hostile and odd inputs to the DDF reader: XML features, IDs, structure, truncation,
//! encodings, DTDs, size bounds and located positions. Each case pins the decided
//! behaviour (code, line, column); the base document is `tests/fixtures/hostile/valid.xml`
//! (one object, one `<Item ID="0">` on line 13, its `<Name>Level</Name>` at 14:9).

use std::path::Path;

use ucifi_codegen::load::{FileKind, LoadedFile, load_file, load_paths, parse_ddf};

fn valid() -> Vec<u8> {
    std::fs::read(ucifi_tests::repo_root().join("tests/fixtures/hostile/valid.xml")).unwrap()
}

/// `doc` with the first `old` replaced by `new`.
fn with(doc: &[u8], old: &str, new: &[u8]) -> Vec<u8> {
    let old = old.as_bytes();
    let i = doc
        .windows(old.len())
        .position(|w| w == old)
        .unwrap_or_else(|| panic!("{:?} not in the document", String::from_utf8_lossy(old)));
    [&doc[..i], new, &doc[i + old.len()..]].concat()
}

/// The valid document with `old` replaced by `new`.
fn edit(old: &str, new: &str) -> Vec<u8> {
    with(&valid(), old, new.as_bytes())
}

const NAME: &str = "<Name>Level</Name>";

fn parse(bytes: &[u8]) -> LoadedFile {
    parse_ddf(Path::new("h.xml"), bytes)
}

fn diags(bytes: &[u8]) -> Vec<(&'static str, u32, u32)> {
    parse(bytes)
        .diagnostics
        .iter()
        .map(|d| (d.code, d.line, d.column))
        .collect()
}

/// The name of resource 0 of the only object; panics when the file has diagnostics.
fn clean_name(bytes: &[u8]) -> String {
    let f = parse(bytes);
    assert!(f.diagnostics.is_empty(), "{:#?}", f.diagnostics);
    f.objects[0].resources[0].name.clone()
}

fn message(bytes: &[u8]) -> String {
    parse(bytes).diagnostics[0].message.clone()
}

#[test]
fn the_base_document_is_clean() {
    let f = parse(&valid());
    assert_eq!((f.kind, f.diagnostics.len()), (FileKind::Objects, 0));
    assert_eq!(f.objects[0].resources[0].name, "Level");
}

#[test]
fn text_features_are_resolved() {
    // CDATA split across sections, mixed with text, comments and processing instructions.
    let cases = [
        ("<Name><![CDATA[Le]]><![CDATA[vel]]></Name>", "Level"),
        ("<Name>L<![CDATA[e]]>v<!-- c -->e<?pi x?>l</Name>", "Level"),
        (
            "<Name>&#65;&#x41;&amp;&lt;&gt;&quot;&apos;</Name>",
            "AA&<>\"'",
        ),
        ("<Name><![CDATA[a&amp;<b>]]></Name>", "a&amp;<b>"),
        // Interior line ends are normalised to \n (CRLF and a lone CR); ends are trimmed.
        ("<Name>\tA\nB\r\nC\rD </Name>", "A\nB\nC\nD"),
        ("<Name>A&#9;B&#13;</Name>", "A\tB"),
        // A no-break space is kept (the registry has `Group\u{a0} Address`).
        ("<Name>Group\u{a0} Address</Name>", "Group\u{a0} Address"),
    ];
    for (name, want) in cases {
        assert_eq!(clean_name(&edit(NAME, name)), want, "{name}");
    }
    // Comments and processing instructions between items and elements are ignored.
    let doc = edit("</Item>", "</Item><?foo bar?><!-- x --><!---->");
    assert_eq!(clean_name(&doc), "Level");
}

#[test]
fn bad_references_are_malformed_at_the_ampersand() {
    for name in [
        "<Name>L&#0;</Name>",
        "<Name>L&#1;</Name>",
        "<Name>L&#xD800;</Name>",
        "<Name>L&#xFFFE;</Name>",
        "<Name>L&#x110000;</Name>",
        "<Name>L&#xZZ;</Name>",
        "<Name>L&foo;</Name>",
        "<Name>L&nbsp;</Name>",
        "<Name>L& b</Name>",
        "<Name>L&amp b</Name>",
    ] {
        assert_eq!(
            diags(&edit(NAME, name)),
            [("malformed-xml", 14, 16)],
            "{name}"
        );
    }
    assert!(message(&edit(NAME, "<Name>L&foo;</Name>")).contains("&foo;"));
}

#[test]
fn raw_characters_xml_forbids_are_refused() {
    for (raw, col) in [
        ("\u{1}", 16),
        ("\u{0}", 16),
        ("\u{FFFF}", 16),
        ("\u{1F}", 16),
    ] {
        let doc = edit(NAME, &format!("<Name>L{raw}</Name>"));
        assert_eq!(diags(&doc), [("malformed-xml", 14, col)], "{raw:?}");
    }
    assert!(message(&edit(NAME, "<Name>L\u{1}</Name>")).contains("U+0001"));
    // Also in a comment (a raw NUL is never XML).
    let doc = edit("<Resources>", "<!-- \u{0} --><Resources>");
    assert_eq!(diags(&doc), [("malformed-xml", 12, 10)]);
}

#[test]
fn id_attribute_values() {
    // Decided: the value is trimmed (like every element text) and leading zeros are
    // accepted; anything else that is not plain decimal 0..=65534 is `invalid-id` at the
    // attribute name (13:13). 65535 is reserved: no LwM2M path can carry it.
    let ok = [
        ("\" 5 \"", 5),
        ("\"05\"", 5),
        ("\"65534\"", 65534),
        ("'7'", 7),
        ("\"&#48;\"", 0),
        ("\"\n1\t\"", 1),
    ];
    for (v, want) in ok {
        let f = parse(&edit("ID=\"0\"", &format!("ID={v}")));
        assert!(f.diagnostics.is_empty(), "{v}: {:?}", f.diagnostics);
        assert_eq!(f.objects[0].resources[0].id, want, "{v}");
    }
    for v in [
        "+5", "5.0", "-1", "65535", "65536", "0x10", "", " ", "1e3", "٣",
    ] {
        assert_eq!(
            diags(&edit("ID=\"0\"", &format!("ID=\"{v}\""))),
            [("invalid-id", 13, 13)],
            "{v:?}"
        );
    }
}

#[test]
fn attribute_syntax() {
    // Whitespace around `=` and single quotes are XML.
    assert_eq!(clean_name(&edit("ID=\"0\"", "ID \t=\r\n '0'")), "Level");
    // Unknown attributes are ignored (the root carries xmlns:xsi and a schema location).
    assert_eq!(
        clean_name(&edit("ID=\"0\"", "ID=\"0\" foo=\"bar\" x:y='z'")),
        "Level"
    );
    let cases = [
        // Duplicate attribute: at the second one.
        ("ID=\"0\" ID=\"1\"", 13, 20),
        // No whitespace between attributes: at the second name.
        ("ID=\"0\"x=\"1\"", 13, 19),
        // A raw `<` in a value: at the `<`.
        ("ID=\"<0\"", 13, 17),
        // Unquoted, unclosed, valueless.
        ("ID=0", 13, 13),
        ("ID", 13, 13),
        // References in values: undefined entity, forbidden characters.
        ("ID=\"&foo;\"", 13, 13),
        ("ID=\"&#0;\"", 13, 13),
        ("ID=\"&#1;\"", 13, 13),
        ("ID=\"&#xD800;\"", 13, 13),
        // Not a name.
        ("ID=\"0\" 1a=\"2\"", 13, 20),
        // A `/` inside a start tag, before another attribute.
        ("ID=\"0\"/x=\"1\"", 13, 19),
        ("ID=\"0\" / x=\"1\"", 13, 20),
    ];
    for (attr, line, col) in cases {
        assert_eq!(
            diags(&edit("ID=\"0\"", attr)),
            [("malformed-xml", line, col)],
            "{attr}"
        );
    }
}

#[test]
fn element_names() {
    // A namespace prefix makes another element: `<x:Name>` is unknown (warning) and the
    // Item lacks its <Name> (error).
    assert_eq!(
        diags(&edit(NAME, "<x:Name>Level</x:Name>")),
        [("missing-element", 13, 7), ("unknown-element", 14, 9)]
    );
    // A default namespace on the root is ignored (names are matched locally as written).
    assert_eq!(
        clean_name(&edit("<LWM2M>", "<LWM2M xmlns=\"urn:x\">")),
        "Level"
    );
    for bad in ["<>a</>", "<1x/>", "<-x/>", "<a\"b/>"] {
        assert_eq!(
            diags(&edit(NAME, &format!("{NAME}{bad}"))),
            [("malformed-xml", 14, 27)],
            "{bad}"
        );
    }
    // `< Name>`: a space after `<` is not a tag.
    assert_eq!(diags(&edit(NAME, "< Name>a</Name>"))[0].0, "malformed-xml");
}

#[test]
fn structure() {
    // Children are matched by name, any order.
    let doc = with(
        &edit("<Name>Test</Name>", ""),
        "<Description2>",
        b"<Name>Test</Name><Description2>",
    );
    assert!(parse(&doc).diagnostics.is_empty());
    // A repeated element is an error (which one is meant?), at the second one.
    assert_eq!(
        diags(&edit(NAME, "<Name>Level</Name><Name>L2</Name>")),
        [("duplicate-element", 14, 27)]
    );
    // Unknown children are a warning and ignored, in containers and in leaves.
    assert_eq!(
        diags(&edit("<Units></Units>", "<Units></Units><Foo/>")),
        [("unknown-element", 20, 24)]
    );
    assert_eq!(
        diags(&edit(NAME, "<Name>Le<b>x</b>vel</Name>")),
        [("unknown-element", 14, 17)]
    );
    assert_eq!(
        clean_name(&edit("<Description2>", "<!-- c --><Description2>")),
        "Level"
    );
    // Stray text directly in a container element is ignored (documented).
    assert_eq!(
        clean_name(&edit("<Resources>", "<Resources>stray")),
        "Level"
    );
    // Empty <Resources/>: a warning, the object is kept.
    let empty = valid();
    let start = empty.windows(11).position(|w| w == b"<Resources>").unwrap();
    let end = empty
        .windows(12)
        .position(|w| w == b"</Resources>")
        .unwrap()
        + 12;
    let doc = [&empty[..start], b"<Resources/>".as_slice(), &empty[end..]].concat();
    let f = parse(&doc);
    assert_eq!(
        f.diagnostics
            .iter()
            .map(|d| (d.code, d.line, d.column))
            .collect::<Vec<_>>(),
        [("no-resources", 12, 5)]
    );
    assert_eq!(f.objects.len(), 1);
    // No <Resources> at all: an error at the <Object>.
    let doc = [&empty[..start], &empty[end..]].concat();
    assert_eq!(diags(&doc), [("missing-element", 3, 3)]);
    // Two <Object>s in one file (the XSD allows 1..n): both are read.
    let v = valid();
    let obj_start = v.windows(7).position(|w| w == b"<Object").unwrap();
    let obj_end = v.windows(9).position(|w| w == b"</Object>").unwrap() + 9;
    let second = String::from_utf8(v[obj_start..obj_end].to_vec())
        .unwrap()
        .replace("32001", "32002");
    let doc = with(&v, "</LWM2M>", format!("{second}</LWM2M>").as_bytes());
    let f = parse(&doc);
    assert!(f.diagnostics.is_empty(), "{:?}", f.diagnostics);
    let ids: Vec<u16> = f.objects.iter().map(|o| o.id).collect();
    assert_eq!(ids, [32001, 32002]);
    // The second one empty, the first one with an error: both reported.
    let second = second.replace(
        &second[second.find("<Resources>").unwrap()..second.find("</Resources>").unwrap() + 12],
        "<Resources/>",
    );
    let doc = with(
        &edit("<Type>Integer", "<Type>Int"),
        "</LWM2M>",
        format!("{second}</LWM2M>").as_bytes(),
    );
    let got = diags(&doc);
    assert_eq!(got, [("unknown-type", 18, 9), ("no-resources", 35, 5)]);
    // An invalid version: quoted and clipped in the message.
    let doc = edit(
        "<ObjectVersion>1.0",
        &format!("<ObjectVersion>{}", "9".repeat(100_000)),
    );
    assert_eq!(diags(&doc), [("invalid-version", 9, 5)]);
    assert!(message(&doc).len() < 200);
}

#[test]
fn document_level_errors() {
    let v = valid();
    let cases: Vec<(&str, Vec<u8>, u32, u32)> = vec![
        (
            "text after the root",
            [v.clone(), b"junk".to_vec()].concat(),
            27,
            1,
        ),
        (
            "second root",
            [v.clone(), b"<LWM2M/>".to_vec()].concat(),
            27,
            1,
        ),
        (
            "CDATA after the root",
            [v.clone(), b"<![CDATA[x]]>".to_vec()].concat(),
            27,
            1,
        ),
        (
            "text before the root",
            with(&v, "<LWM2M>", b"x<LWM2M>"),
            2,
            1,
        ),
        ("unclosed <Units>", edit("</Units>", ""), 22, 7),
        ("mismatched end tag", edit("</Units>", "</Unit>"), 20, 16),
        (
            "end tag without start",
            [v.clone(), b"</LWM2M>".to_vec()].concat(),
            27,
            1,
        ),
        ("unclosed comment", edit(NAME, "<!-- x"), 14, 9),
        (
            "unclosed CDATA",
            edit(NAME, "<Name><![CDATA[x</Name>"),
            14,
            15,
        ),
        ("`]]>` in text", edit(NAME, "<Name>a]]>b</Name>"), 14, 16),
        ("`--` in a comment", edit(NAME, "<!-- a -- b -->"), 14, 16),
        ("empty", Vec::new(), 1, 1),
        (
            "only a declaration",
            b"<?xml version=\"1.0\"?>".to_vec(),
            1,
            22,
        ),
        ("only whitespace", b"  \n ".to_vec(), 2, 2),
        // Only XML whitespace may surround the root (not U+00A0 or U+3000).
        (
            "no-break space after the root",
            [v.clone(), "\u{a0}".as_bytes().to_vec()].concat(),
            27,
            1,
        ),
        (
            "ideographic space before the root",
            with(&v, "<LWM2M>", "\u{3000}<LWM2M>".as_bytes()),
            2,
            1,
        ),
    ];
    for (what, doc, line, col) in cases {
        assert_eq!(diags(&doc), [("malformed-xml", line, col)], "{what}");
    }
    assert!(
        message(&edit("</Units>", "")).ends_with("(<Units> opened on line 20)"),
        "{}",
        message(&edit("</Units>", ""))
    );
}

#[test]
fn truncated_at_every_byte() {
    // The plain document, and one with a BOM, CRLF line ends and multi-byte names (so that
    // cuts also fall inside a UTF-8 sequence and inside a CRLF).
    let plain = valid();
    let crlf: Vec<u8> = plain
        .iter()
        .flat_map(|&b| {
            if b == b'\n' {
                vec![b'\r', b'\n']
            } else {
                vec![b]
            }
        })
        .collect();
    let odd = [
        b"\xEF\xBB\xBF".as_slice(),
        &with(&crlf, "Level", "Caf\u{e9} \u{2603} \u{1D11E}".as_bytes()),
    ]
    .concat();
    for doc in [plain, odd] {
        let end = doc.iter().rposition(|&b| b == b'>').unwrap() + 1;
        for n in 0..end {
            let f = parse(&doc[..n]);
            assert!(
                f.diagnostics.iter().any(|d| d.is_error()),
                "prefix of {n} bytes gave no error"
            );
            let prefix = doc[..n].strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&doc[..n]);
            // CRLF and a lone CR (a cut CRLF) are each one line break.
            let text = String::from_utf8_lossy(prefix)
                .replace("\r\n", "\n")
                .replace('\r', "\n");
            let lines: Vec<&str> = text.split('\n').collect();
            for d in &f.diagnostics {
                let line = d.line as usize;
                assert!(line >= 1 && line <= lines.len(), "{n}: {d}");
                // The column is inside the line or just after its end.
                let max = lines[line - 1].chars().count() + 1;
                assert!(d.column >= 1 && d.column as usize <= max, "{n}: {d}");
            }
        }
        assert!(parse(&doc[..end]).diagnostics.is_empty());
    }
}

#[test]
fn encodings() {
    let v = valid();
    // Invalid UTF-8: located at the bad byte, in a name and in a comment.
    assert_eq!(
        diags(
            &edit(NAME, "<Name>L\u{1}</Name>")
                .iter()
                .map(|&b| if b == 1 { 0xFF } else { b })
                .collect::<Vec<_>>()
        ),
        [("invalid-utf8", 14, 16)]
    );
    assert_eq!(
        diags(&with(&v, "<Resources>", b"<!-- \xFE --><Resources>")),
        [("invalid-utf8", 12, 10)]
    );
    // An encoded surrogate, an overlong NUL, a cut sequence: at their first byte.
    for bad in [
        &b"\xED\xA0\x80"[..],
        b"\xC0\x80",
        b"\xE2\x82",
        b"\xF5\x80\x80\x80",
    ] {
        let doc = with(&v, NAME, &[b"<Name>".as_slice(), bad, b"</Name>"].concat());
        assert_eq!(diags(&doc), [("invalid-utf8", 14, 15)], "{bad:?}");
    }
    // After a BOM the column does not count it.
    assert_eq!(
        diags(&[b"\xEF\xBB\xBF\xC3".as_slice()].concat()),
        [("invalid-utf8", 1, 1)]
    );
    let m = message(&with(&v, "<Resources>", b"<!-- \xFE --><Resources>"));
    assert!(m.contains("0xFE"), "{m}");
    // UTF-16 with or without a byte order mark: one clear error at 1:1.
    let le: Vec<u8> = v.iter().flat_map(|&b| [b, 0]).collect();
    let be: Vec<u8> = v.iter().flat_map(|&b| [0, b]).collect();
    for (what, doc) in [
        (
            "UTF-16 little-endian (byte order mark FF FE)",
            [b"\xFF\xFE".as_slice(), &le].concat(),
        ),
        (
            "UTF-16 big-endian (byte order mark FE FF)",
            [b"\xFE\xFF".as_slice(), &be].concat(),
        ),
        ("UTF-16 little-endian (no byte order mark)", le.clone()),
        ("UTF-16 big-endian (no byte order mark)", be.clone()),
        (
            "UTF-32 little-endian",
            [
                b"\xFF\xFE\0\0".as_slice(),
                &v.iter().flat_map(|&b| [b, 0, 0, 0]).collect::<Vec<u8>>(),
            ]
            .concat(),
        ),
        (
            "UTF-32 big-endian",
            [
                b"\0\0\xFE\xFF".as_slice(),
                &v.iter().flat_map(|&b| [0, 0, 0, b]).collect::<Vec<u8>>(),
            ]
            .concat(),
        ),
    ] {
        let f = parse(&doc);
        assert_eq!(
            f.diagnostics
                .iter()
                .map(|d| (d.code, d.line, d.column))
                .collect::<Vec<_>>(),
            [("invalid-utf8", 1, 1)]
        );
        assert!(
            f.diagnostics[0].message.contains(what),
            "{}",
            f.diagnostics[0]
        );
    }
    // A UTF-8 BOM, then whitespace, then the root: fine. Then the declaration: refused,
    // the declaration must come first.
    let body = &v[39..]; // without the declaration line
    assert!(
        parse(&[b"\xEF\xBB\xBF \r\n".as_slice(), body].concat())
            .diagnostics
            .is_empty()
    );
    assert_eq!(
        diags(&[b"\xEF\xBB\xBF \r\n".as_slice(), &v].concat()),
        [("malformed-xml", 2, 1)]
    );
    assert_eq!(
        diags(&[b"<!-- c -->".as_slice(), &v].concat()),
        [("malformed-xml", 1, 11)]
    );
    assert_eq!(
        diags(&edit("<Resources>", "<?xml version=\"1.0\"?><Resources>")),
        [("malformed-xml", 12, 5)]
    );
    assert_eq!(
        diags(&edit("<Resources>", "<?XML x?><Resources>")),
        [("malformed-xml", 12, 5)]
    );
    // XML 1.1 is refused (other line ends and characters), only 1.0 is read.
    assert_eq!(
        diags(&edit("version=\"1.0\"", "version=\"1.1\"")),
        [("malformed-xml", 1, 1)]
    );
    // Encodings: UTF-8 in any case is fine; any other declared encoding is refused
    // (the bytes would be misread as UTF-8), even when the text happens to be ASCII.
    assert!(parse(&edit("UTF-8", "utf-8")).diagnostics.is_empty());
    assert!(
        parse(&edit("encoding=\"UTF-8\"", "encoding='utf-8'"))
            .diagnostics
            .is_empty()
    );
    assert!(
        parse(&edit(" encoding=\"UTF-8\"", ""))
            .diagnostics
            .is_empty()
    );
    for enc in ["ISO-8859-1", "US-ASCII", "UTF-16", "windows-1252"] {
        let doc = edit("UTF-8", enc);
        assert_eq!(diags(&doc), [("invalid-utf8", 1, 1)], "{enc}");
        assert!(message(&doc).contains(enc));
        let doc = with(&doc, NAME, b"<Name>Caf\xE9</Name>");
        assert_eq!(diags(&doc)[0].0, "invalid-utf8");
    }
}

#[test]
fn doctype_and_external_entities_are_refused_unread() {
    let body = &valid()[39..];
    let laughs = "<!DOCTYPE LWM2M [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\
        <!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">]>";
    let xxe = "<!DOCTYPE LWM2M [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>";
    let ext = "<!DOCTYPE LWM2M SYSTEM \"file:///etc/passwd\">";
    for dt in [laughs, xxe, ext] {
        let doc = [dt.as_bytes(), body].concat();
        let doc = with(&doc, NAME, b"<Name>&d;&x;</Name>");
        let f = parse(&doc);
        assert_eq!(
            f.diagnostics
                .iter()
                .map(|d| (d.code, d.line, d.column))
                .collect::<Vec<_>>(),
            [("doctype-refused", 1, 1)]
        );
        assert!(!f.diagnostics[0].message.contains("root:"));
    }
    // After a declaration: located on its line.
    let doc = [
        b"<?xml version=\"1.0\"?>\n".as_slice(),
        ext.as_bytes(),
        body,
    ]
    .concat();
    assert_eq!(diags(&doc), [("doctype-refused", 2, 1)]);
    // Spelled in lower case: not a DOCTYPE to XML, still never processed.
    let doc = [
        b"<!doctype LWM2M [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>".as_slice(),
        body,
    ]
    .concat();
    let got = diags(&doc);
    assert_eq!(got.len(), 1);
    assert!(
        matches!(got[0], ("doctype-refused" | "malformed-xml", 1, 1)),
        "{got:?}"
    );
    // A DOCTYPE inside the document is refused as well, where it is.
    assert_eq!(
        diags(&edit(NAME, "<!DOCTYPE x>")),
        [("doctype-refused", 14, 9)]
    );
}

/// Runs one bounded-input case. Speed is not asserted here (timed tests are flaky on a
/// loaded machine and the project keeps speed in benchmarks); a quadratic regression on
/// these inputs shows up as a test that takes minutes instead of seconds.
fn quick<T>(_what: &str, f: impl FnOnce() -> T) -> T {
    f()
}

#[test]
fn bounded_inputs() {
    // 100,000 nested elements: too-deep at the 33rd level, no stack overflow.
    let deep = format!("<LWM2M>{}", "<a>".repeat(100_000));
    let got = quick("deep", || diags(deep.as_bytes()));
    assert_eq!(got, [("too-deep", 1, 101)]);
    // 100,000 unknown siblings on one line: one warning each, linear time.
    let wide = edit(
        "<Description2>",
        &format!("{}<Description2>", "<a/>".repeat(100_000)),
    );
    let f = quick("wide", || parse(&wide));
    assert_eq!(f.diagnostics.len(), 100_000);
    assert_eq!(
        f.diagnostics.last().map(|d| (d.line, d.column)),
        Some((24, 400_001))
    );
    // More elements than the bound: file-too-large at the first one over.
    let many = edit(
        "<Description2>",
        &format!("{}<Description2>", "<a/>".repeat(200_000)),
    );
    let got = quick("many", || diags(&many));
    assert_eq!(got, [("file-too-large", 24, 5 + 4 * (200_000 - 20))]);
    // 100,000 attributes on one tag: linear.
    let attrs: String = (0..100_000).map(|i| format!(" a{i}=\"{i}\"")).collect();
    let doc = edit("ID=\"0\"", &format!("ID=\"0\"{attrs}"));
    assert!(quick("attributes", || parse(&doc)).diagnostics.is_empty());
    // A 5 MB description on one line, with 10,000 errors after it: fine and fast.
    let long = "é".repeat(2_500_000);
    let items: String = (1..=10_000)
        .map(|i| format!("<Item ID=\"{i}\"><Name>N{i}</Name><Operations>R</Operations><MultipleInstances>Single</MultipleInstances><Mandatory>Optional</Mandatory><Type>Bad</Type></Item>"))
        .collect();
    let doc = edit(
        "<Description>x</Description>",
        &format!(
            "<Description>{long}</Description></Item>{items}<Item ID=\"10001\"><Name>Z</Name>\
             <Operations>R</Operations><MultipleInstances>Single</MultipleInstances>\
             <Mandatory>Optional</Mandatory><Type>String</Type>"
        ),
    );
    let f = quick("long line", || parse(&doc));
    assert_eq!(f.diagnostics.len(), 10_000);
    assert!(
        f.diagnostics
            .iter()
            .all(|d| d.code == "unknown-type" && d.line == 21)
    );
    let text = std::str::from_utf8(&doc).unwrap();
    let at = text.find("<Type>Bad").unwrap();
    let line_start = text[..at].rfind('\n').unwrap() + 1;
    let column = text[line_start..at].chars().count() as u32 + 1;
    assert!(column > 2_500_000);
    assert_eq!(f.diagnostics[0].column, column);
}

#[test]
fn files_over_the_size_bound_are_not_read() {
    let dir = std::env::temp_dir().join(format!("ucifi-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let big = dir.join("big.xml");
    let mut doc = valid();
    doc.resize(20 * 1024 * 1024, b' ');
    std::fs::write(&big, &doc).unwrap();
    let f = quick("20 MB", || load_file(&big));
    let _ = std::fs::remove_dir_all(&dir);
    let got: Vec<(&str, u32, u32)> = f
        .diagnostics
        .iter()
        .map(|d| (d.code, d.line, d.column))
        .collect();
    assert_eq!(got, [("file-too-large", 1, 1)]);
}

#[test]
fn positions_count_characters_and_line_breaks() {
    let v = valid();
    let bad_type = |doc: &[u8]| diags(doc);
    // Multi-byte UTF-8 (2, 3 and 4 bytes) before the error: one column each.
    let doc = with(
        &v,
        "        <Type>Integer",
        "<!--é€𝄞-->\t<Type>Int".as_bytes(),
    );
    assert_eq!(bad_type(&doc), [("unknown-type", 18, 12)]);
    // A tab is one column.
    let doc = with(&v, "        <Type>Integer", b"\t\t<Type>Int");
    assert_eq!(bad_type(&doc), [("unknown-type", 18, 3)]);
    // CRLF is one line break; so is a lone CR; LF CR is two.
    let crlf: Vec<u8> = v
        .iter()
        .flat_map(|&b| {
            if b == b'\n' {
                vec![b'\r', b'\n']
            } else {
                vec![b]
            }
        })
        .collect();
    assert_eq!(
        bad_type(&with(&crlf, "<Type>Integer", b"<Type>Int")),
        [("unknown-type", 18, 9)]
    );
    let cr: Vec<u8> = v
        .iter()
        .map(|&b| if b == b'\n' { b'\r' } else { b })
        .collect();
    assert_eq!(
        bad_type(&with(&cr, "<Type>Integer", b"<Type>Int")),
        [("unknown-type", 18, 9)]
    );
    let lfcr: Vec<u8> = v
        .iter()
        .flat_map(|&b| {
            if b == b'\n' {
                vec![b'\n', b'\r']
            } else {
                vec![b]
            }
        })
        .collect();
    assert_eq!(
        bad_type(&with(&lfcr, "<Type>Integer", b"<Type>Int")),
        [("unknown-type", 35, 9)]
    );
    // A BOM is not a column.
    let bom = [
        b"\xEF\xBB\xBF".as_slice(),
        &with(&v, "<Type>Integer", b"<Type>Int"),
    ]
    .concat();
    assert_eq!(bad_type(&bom), [("unknown-type", 18, 9)]);
    // Multi-byte characters before a syntax error on the same line.
    let doc = edit(NAME, "<Name>€€€&bad;</Name>");
    assert_eq!(diags(&doc), [("malformed-xml", 14, 18)]);
}

#[test]
fn lint_counts_over_paths() {
    let dir = std::env::temp_dir().join(format!("ucifi-hostile-paths-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("empty")).unwrap();
    // An empty folder: nothing read, no error.
    let l = load_paths(&[dir.join("empty")]);
    assert_eq!(
        l.summary_line(),
        "0 files, 0 objects, 0 resources: 0 errors, 0 warnings"
    );
    // A file that is not *.xml is read when given explicitly, skipped in a folder walk.
    std::fs::write(dir.join("v.txt"), valid()).unwrap();
    let l = load_paths(&[dir.join("v.txt")]);
    assert_eq!(
        l.summary_line(),
        "1 files, 1 objects, 1 resources: 0 errors, 0 warnings"
    );
    let l = load_paths(std::slice::from_ref(&dir));
    assert_eq!(
        l.summary_line(),
        "0 files, 0 objects, 0 resources: 0 errors, 0 warnings"
    );
    // A folder symlink loop is not followed, and says so.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&dir, dir.join("empty/up")).unwrap();
        std::fs::write(dir.join("A.XML"), valid()).unwrap();
        let l = load_paths(std::slice::from_ref(&dir));
        assert_eq!(
            l.summary_line(),
            "1 files, 1 objects, 1 resources: 0 errors, 1 warnings"
        );
        assert_eq!(
            skipped(&l),
            [(
                dir.join("empty/up"),
                "a symlink to a folder; not followed".to_string()
            )]
        );
        std::fs::remove_file(dir.join("empty/up")).unwrap();
        // A dangling symlink and two file symlinks pointing at each other: warnings.
        std::os::unix::fs::symlink(dir.join("gone.xml"), dir.join("empty/dangling.xml")).unwrap();
        std::os::unix::fs::symlink(dir.join("empty/b.xml"), dir.join("empty/a.xml")).unwrap();
        std::os::unix::fs::symlink(dir.join("empty/a.xml"), dir.join("empty/b.xml")).unwrap();
        let l = load_paths(&[dir.join("empty")]);
        assert_eq!(l.counts.files, 0);
        let got: Vec<_> = skipped(&l).into_iter().map(|(p, _)| p).collect();
        assert_eq!(
            got,
            ["a.xml", "b.xml", "dangling.xml"].map(|f| dir.join("empty").join(f))
        );
        assert!(
            skipped(&l)[0]
                .1
                .starts_with("a symlink that cannot be followed (dangling or looping)")
        );
        for f in ["a.xml", "b.xml", "dangling.xml"] {
            std::fs::remove_file(dir.join("empty").join(f)).unwrap();
        }
    }
    // A FIFO named *.xml: a skipped-entry warning in a folder, an io-error when given
    // (opening it would block until a writer appears).
    #[cfg(unix)]
    if std::process::Command::new("mkfifo")
        .arg(dir.join("empty/pipe.xml"))
        .status()
        .is_ok_and(|s| s.success())
    {
        let l = load_paths(&[dir.join("empty")]);
        assert_eq!(l.counts.files, 0);
        assert_eq!(
            skipped(&l),
            [(
                dir.join("empty/pipe.xml"),
                "not a regular file (a FIFO, socket or device); not read".to_string()
            )]
        );
        let l = load_paths(&[dir.join("empty/pipe.xml")]);
        assert_eq!(
            l.summary_line(),
            "1 files, 0 objects, 0 resources: 1 errors, 0 warnings"
        );
        assert!(
            l.diagnostics[0].message.contains("FIFO"),
            "{}",
            l.diagnostics[0]
        );
    }
    // A nonexistent path: one io-error at 1:1.
    let l = load_paths(&[dir.join("nope.xml")]);
    assert_eq!(
        l.summary_line(),
        "1 files, 0 objects, 0 resources: 1 errors, 0 warnings"
    );
    assert_eq!(l.diagnostics[0].code, "io-error");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The `skipped-entry` warnings of a load, as (path, message), sorted.
fn skipped(l: &ucifi_codegen::load::Loaded) -> Vec<(std::path::PathBuf, String)> {
    let mut v: Vec<_> = l
        .diagnostics
        .iter()
        .filter(|d| d.code == "skipped-entry")
        .inspect(|d| assert_eq!(d.severity, ucifi_codegen::diagnostics::Severity::Warning))
        .map(|d| (d.file.clone(), d.message.clone()))
        .collect();
    v.sort();
    v
}

#[test]
fn empty_names_are_warnings() {
    // One empty resource name (two would also be `duplicate-resource-name`): generated
    // code names it by its ID, and lint says so at the <Name>.
    let f = parse(&edit(NAME, "<Name>  </Name>"));
    assert_eq!(
        diags(&edit(NAME, "<Name>  </Name>")),
        [("empty-name", 14, 9)]
    );
    assert_eq!(f.objects[0].resources[0].name, "");
    assert_eq!(
        f.diagnostics[0].message,
        "<Item ID=\"0\"> has an empty <Name>; generated code names it by its ID"
    );
    assert_eq!(
        diags(&edit("<Name>Test</Name>", "<Name/>")),
        [("empty-name", 4, 5)]
    );
}
