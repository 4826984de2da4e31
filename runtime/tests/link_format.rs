//! Link format (40, spec §6, RFC 6690): the spec's Register, Discover and
//! Bootstrap-Discover examples both ways, parsing rules (quoting, escapes, whitespace),
//! typed LwM2M attributes, and every error as an exact `(ErrorKind, offset)`; hostile
//! and large inputs parse or fail in linear time.

mod common;

use common::p;

use std::borrow::Cow;

use ucifi_runtime::codec::link_format::{
    self, Attribute, Link, LinkEntry, Param, RegisterObject, RegisterPayload, parse, parse_discover,
};
use ucifi_runtime::codec::{ErrorKind, Syntax};
use ucifi_runtime::{ContentFormat, Path, Version};

#[test]
fn quoted_values_do_not_split() {
    let links = parse(r#"</3/0>;title="a,b;c\"d",</4/0>;x="",</5>"#).unwrap();
    assert_eq!(links.len(), 3);
    assert_eq!(links[0].params.len(), 1);
    assert_eq!(links[0].params[0].value.as_deref(), Some("a,b;c\"d"));
    assert!(links[0].params[0].quoted);
    assert_eq!(links[1].params[0].value.as_deref(), Some(""));
    assert_eq!(links[2].target, "/5");
    // Bare parameter names.
    let l = parse("</3/0>;obs;pmin=10").unwrap();
    assert_eq!(l[0].params[0].value, None);
    assert_eq!(l[0].params[1].value.as_deref(), Some("10"));
}

#[test]
fn malformed_links() {
    for (t, at) in [
        ("/3/0", 0),
        ("</3/0", 0),
        ("</3/0>;", 7),
        ("</3/0>;pmin=", 12),
        ("</3/0>;rt=\"abc", 10),
        ("</3/0>x", 6),
        ("</3/0>,", 7),
        ("</3/0>;=1", 7),
    ] {
        let e = parse(t).unwrap_err();
        assert_eq!(e.kind_at(), (&INVALID, Some(at)), "{t}");
        assert_eq!(e.format(), Some(ContentFormat::LinkFormat));
    }
    assert_eq!(parse("").unwrap(), vec![]);
}

#[test]
fn attributes_typed() {
    let e = parse_discover(
        r#"</3303/0>;pmin=10;pmax=60,</3303/0/5700>;gt=30;lt=-5.5;st=0.5;epmin=1;epmax=2,</3/0/6>;dim=2,</3303>;ver=1.1,</3442>;ver="2.0""#,
    )
    .unwrap();
    assert_eq!(
        e[0],
        LinkEntry::new(p("/3303/0"))
            .with(Attribute::Pmin(10))
            .with(Attribute::Pmax(60))
    );
    assert_eq!(
        e[1].attributes,
        vec![
            Attribute::Gt(30.0),
            Attribute::Lt(-5.5),
            Attribute::St(0.5),
            Attribute::Epmin(1),
            Attribute::Epmax(2)
        ]
    );
    assert_eq!(e[2].attributes, vec![Attribute::Dim(2)]);
    assert_eq!(e[3].attributes, vec![Attribute::Ver(Version::new(1, 1))]);
    assert_eq!(e[4].attributes, vec![Attribute::Ver(Version::new(2, 0))]);
    // Out-of-range or malformed attribute values.
    for t in [
        "</3/0/6>;dim=256",
        "</0/0>;ssid=0",
        "</0/0>;ssid=65535",
        "</3/0>;pmin=-1",
        "</3/0>;pmin=1.5",
        "</3/0>;gt=abc",
        "</3>;ver=1",
        "</3/0>;edge=2",
        "</>;ct=\"60 x\"",
    ] {
        assert!(parse_discover(t).is_err(), "{t}");
    }
    // Bootstrap-Discover.
    let e = parse_discover(
        r#"</>;lwm2m=1.1,</0/0>,</0/1>;ssid=101;uri="coaps://lw.example.com:5684",</1/0>;ssid=101,</3/0>"#,
    )
    .unwrap();
    assert_eq!(e[0].path, Path::ROOT);
    assert_eq!(e[0].attributes, vec![Attribute::Lwm2m(Version::new(1, 1))]);
    assert_eq!(
        e[2].attributes,
        vec![
            Attribute::Ssid(101),
            Attribute::Uri("coaps://lw.example.com:5684".into())
        ]
    );
    // 1.0 style quoted lwm2m.
    assert_eq!(
        parse_discover(r#"</>;lwm2m="1.0""#).unwrap()[0].attributes,
        vec![Attribute::Lwm2m(Version::new(1, 0))]
    );
}

#[test]
fn register_payload() {
    let text = r#"</>;rt="oma.lwm2m";ct="60 110 112 11542",</1/0>,</3/0>,</3303/0>,</3303/1>,</3442>;ver=2.0,</3442/0>,</5>"#;
    let r = RegisterPayload::parse(text).unwrap();
    assert_eq!(r.alternate_path, None);
    assert_eq!(r.content_formats, vec![60, 110, 112, 11542]);
    assert_eq!(
        r.objects,
        vec![
            RegisterObject {
                id: 1,
                version: None,
                instances: vec![0]
            },
            RegisterObject {
                id: 3,
                version: None,
                instances: vec![0]
            },
            RegisterObject {
                id: 3303,
                version: None,
                instances: vec![0, 1]
            },
            RegisterObject {
                id: 3442,
                version: Some(Version::new(2, 0)),
                instances: vec![0]
            },
            RegisterObject {
                id: 5,
                version: None,
                instances: vec![]
            },
        ]
    );
    assert_eq!(r.to_payload(), text);
    // ct as one unquoted number; the root link without rt (only ct).
    let r = RegisterPayload::parse("</>;ct=110,</1/0>").unwrap();
    assert_eq!(r.content_formats, vec![110]);
    assert_eq!(r.objects.len(), 1);
    // Alternate path.
    let r = RegisterPayload::parse(r#"</lwm2m>;rt="oma.lwm2m",</lwm2m/1/0>,</lwm2m/3/0>"#).unwrap();
    assert_eq!(r.alternate_path.as_deref(), Some("/lwm2m"));
    assert_eq!(r.objects.len(), 2);
    assert!(RegisterPayload::parse(r#"</lwm2m>;rt="oma.lwm2m",</1/0>"#).is_err());
    // 1.0 style quoted ver.
    let r = RegisterPayload::parse(r#"</3442>;ver="2.0",</3442/0>"#).unwrap();
    assert_eq!(r.objects[0].version, Some(Version::new(2, 0)));
}

#[test]
fn hostile_link_format() {
    // Long runs without structure fail or parse in linear time.
    let t = "<".repeat(1 << 20);
    assert!(parse(&t).is_err());
    let t = format!("</3/0>;rt=\"{}", "\\\"".repeat(100_000));
    assert!(parse(&t).is_err());
    let t = "</3/0>;a=1,".repeat(50_000) + "</3/0>";
    assert_eq!(parse(&t).unwrap().len(), 50_001);
    let t = ",".repeat(1 << 20);
    assert!(parse(&t).is_err());
    let _ = link_format::serialize(&[]);
}

#[test]
fn register_listing_many_objects() {
    // Linear time for a payload naming every object ID once, then again with instances.
    let mut t = String::new();
    for o in 1..60_000u32 {
        t.push_str(&format!("</{o}>,"));
    }
    for o in 1..60_000u32 {
        t.push_str(&format!("</{o}/0>,"));
    }
    t.pop();
    let r = RegisterPayload::parse(&t).unwrap();
    assert_eq!(r.objects.len(), 59_999);
    assert!(r.objects.iter().all(|o| o.instances == [0]));
}

const REGISTER: &str = r#"</>;rt="oma.lwm2m";ct="60 110 112 11542",</1/0>,</3/0>,</3303/0>,</3303/1>,</3442>;ver=2.0,</3442/0>,</5>"#;

fn obj(id: u16, version: Option<Version>, instances: &[u16]) -> RegisterObject {
    RegisterObject {
        id,
        version,
        instances: instances.to_vec(),
    }
}

#[test]
fn register_payload_example() {
    let payload = RegisterPayload {
        alternate_path: None,
        content_formats: vec![60, 110, 112, 11542],
        objects: vec![
            obj(0, None, &[0, 1]),
            obj(1, None, &[0]),
            obj(3, None, &[0]),
            obj(3303, None, &[0, 1]),
            obj(3442, Some(Version::new(2, 0)), &[0]),
            obj(5, None, &[]),
            obj(21, None, &[0]),
        ],
    };
    assert_eq!(payload.to_payload(), REGISTER);
    let parsed = RegisterPayload::parse(REGISTER).unwrap();
    let mut expected = payload.clone();
    expected.objects.retain(|o| o.id != 0 && o.id != 21);
    assert_eq!(parsed, expected);
    assert_eq!(parsed.to_payload(), REGISTER);
}

#[test]
fn register_with_alternate_path() {
    let payload = RegisterPayload {
        alternate_path: Some("/lwm2m".into()),
        content_formats: vec![],
        objects: vec![obj(1, None, &[0]), obj(3, None, &[0])],
    };
    let text = r#"</lwm2m>;rt="oma.lwm2m",</lwm2m/1/0>,</lwm2m/3/0>"#;
    assert_eq!(payload.to_payload(), text);
    assert_eq!(RegisterPayload::parse(text).unwrap(), payload);
    // Without root link, alternate path or ct: plain 1.0 payload.
    let plain = RegisterPayload {
        objects: vec![obj(1, None, &[0])],
        ..Default::default()
    };
    assert_eq!(plain.to_payload(), "</1/0>");
    let err = RegisterPayload::parse(r#"</lwm2m>;rt="oma.lwm2m",</1/0>"#).unwrap_err();
    assert_eq!(err.kind_at(), (&ErrorKind::OutsidePath, Some(24)));
}

const DISCOVER: &str =
    "</3303/0>;pmin=10,</3303/0/5700>;gt=30;st=0.5,</3303/0/5701>,</3/0/6>;dim=2";

#[test]
fn discover_example() {
    let entries = vec![
        LinkEntry::new(Path::instance(3303, 0)).with(Attribute::Pmin(10)),
        LinkEntry::new(Path::resource(3303, 0, 5700))
            .with(Attribute::Gt(30.0))
            .with(Attribute::St(0.5)),
        LinkEntry::new(Path::resource(3303, 0, 5701)),
        LinkEntry::new(Path::resource(3, 0, 6)).with(Attribute::Dim(2)),
    ];
    assert_eq!(link_format::discover_payload(&entries), DISCOVER);
    assert_eq!(link_format::parse_discover(DISCOVER).unwrap(), entries);
}

const BOOTSTRAP: &str = r#"</>;lwm2m=1.1,</0/0>,</0/1>;ssid=101;uri="coaps://lw.example.com:5684",</1/0>;ssid=101,</3/0>"#;

#[test]
fn bootstrap_discover_example() {
    let entries = vec![
        LinkEntry::new(Path::instance(0, 0)),
        LinkEntry::new(Path::instance(0, 1))
            .with(Attribute::Ssid(101))
            .with(Attribute::Uri("coaps://lw.example.com:5684".into())),
        LinkEntry::new(Path::instance(1, 0)).with(Attribute::Ssid(101)),
        LinkEntry::new(Path::instance(3, 0)),
    ];
    assert_eq!(
        link_format::bootstrap_discover_payload(Some(Version::V1_1), &entries),
        BOOTSTRAP
    );
    let parsed = link_format::parse_discover(BOOTSTRAP).unwrap();
    assert_eq!(
        parsed[0],
        LinkEntry::new(Path::ROOT).with(Attribute::Lwm2m(Version::V1_1))
    );
    assert_eq!(parsed[1..], entries[..]);
}

#[test]
fn quoted_and_unquoted_values() {
    // 1.0 quotes ver and lwm2m; 1.1 does not. Both type the same.
    let links = link_format::parse(r#"</3442>;ver="2.0",</3442>;ver=2.0,</>;lwm2m="1.0""#).unwrap();
    assert_eq!(
        links[0].attributes().unwrap(),
        [Attribute::Ver(Version::new(2, 0))]
    );
    assert_eq!(
        links[1].attributes().unwrap(),
        [Attribute::Ver(Version::new(2, 0))]
    );
    assert_eq!(
        links[2].attributes().unwrap(),
        [Attribute::Lwm2m(Version::V1_0)]
    );
    assert!(links[0].params[0].quoted);
    assert!(!links[1].params[0].quoted);
    // Commas and semicolons inside quotes do not split; escapes are undone.
    let text = r#"</a>;title="x, y; z";foo="q\"uote",</b>;bare;n=v"#;
    let links = link_format::parse(text).unwrap();
    assert_eq!(links.len(), 2);
    assert_eq!(links[0].params[0].value.as_deref(), Some("x, y; z"));
    assert_eq!(links[0].params[1].value.as_deref(), Some("q\"uote"));
    assert_eq!(
        links[1].params,
        [
            Param {
                name: Cow::Borrowed("bare"),
                value: None,
                quoted: false,
                offset: 40
            },
            Param {
                name: Cow::Borrowed("n"),
                value: Some(Cow::Borrowed("v")),
                quoted: false,
                offset: 45
            }
        ]
    );
    // Unknown parameters survive a round trip as written.
    assert_eq!(link_format::serialize(&links), text);
    assert_eq!(
        links[0].attributes().unwrap()[0],
        Attribute::Other {
            name: "title".into(),
            value: Some("x, y; z".into()),
            quoted: true
        }
    );
    // Whitespace after separators (pretty-printed payloads) is tolerated.
    let spaced = link_format::parse("</1/0>, </3/0> ;pmin=5").unwrap();
    assert_eq!(spaced[1].attributes().unwrap(), [Attribute::Pmin(5)]);
    assert_eq!(link_format::parse("").unwrap(), Vec::<Link<'_>>::new());
}

#[test]
fn every_lwm2m_attribute_round_trips() {
    let all = vec![
        Attribute::Pmin(0),
        Attribute::Pmax(4294967295),
        Attribute::Gt(-1.5),
        Attribute::Lt(100.0),
        Attribute::St(0.25),
        Attribute::Epmin(1),
        Attribute::Epmax(60),
        Attribute::Edge(true),
        Attribute::Con(false),
        Attribute::Hqmax(10),
        Attribute::Dim(255),
        Attribute::Ver(Version::new(1, 2)),
        Attribute::Ssid(65534),
        Attribute::Uri("coap://[::1]:5683".into()),
        Attribute::Lwm2m(Version::V1_2),
        Attribute::Rt("oma.lwm2m".into()),
        Attribute::Ct(vec![110]),
        Attribute::Ct(vec![60, 112]),
    ];
    let text = link_format::discover_payload(&[LinkEntry {
        path: Path::resource(3303, 0, 5700),
        attributes: all.clone(),
    }]);
    assert_eq!(
        text,
        r#"</3303/0/5700>;pmin=0;pmax=4294967295;gt=-1.5;lt=100;st=0.25;epmin=1;epmax=60;edge=1;con=0;hqmax=10;dim=255;ver=1.2;ssid=65534;uri="coap://[::1]:5683";lwm2m=1.2;rt="oma.lwm2m";ct=110;ct="60 112""#
    );
    assert_eq!(
        link_format::parse_discover(&text).unwrap()[0].attributes,
        all
    );
}

const INVALID: ErrorKind = ErrorKind::Syntax(Syntax::InvalidLink);

#[test]
fn errors_have_kinds_and_offsets() {
    let err = |t: &str| {
        let e = link_format::parse(t).unwrap_err();
        (e.kind().clone(), e.offset().unwrap())
    };
    for (t, at) in [
        ("/3/0", 0),                // expected '<' starting a link
        ("</3/0", 0),               // no closing '>'
        ("</3 /0>", 3),             // space in the target
        ("<</3/0>", 1),             // '<' in the target
        (r#"</3/0>;a="x"#, 9),      // unterminated quoted string
        (r#"</3/0>;a="x\"#, 9),     // ... ending in an escape
        ("</3/0>;=1", 7),           // empty parameter name
        ("</3/0>;pmin=", 12),       // empty parameter value
        ("</3/0>;pmin=x\"y", 13),   // quote inside a token
        ("</3/0>;pmin=\"x\"y", 15), // text after a quoted string
        ("</3/0> x", 7),            // expected ';' or ','
        ("</3/0>,", 7),             // a link after ','
    ] {
        assert_eq!(err(t), (INVALID, at), "{t}");
    }
    let typed = |t: &str| {
        let e = link_format::parse_discover(t).unwrap_err();
        (e.kind().clone(), e.offset().unwrap())
    };
    for (t, at) in [
        ("</3/0>;pmin=-1", 7),
        ("</3/0>;pmin=1.5", 7),
        ("</3/0>;pmax=4294967296", 7),
        ("</3/0>;dim=256", 7),
        ("</0/0>;ssid=0", 7),
        ("</0/0>;ssid=65535", 7),
        ("</3/0>;gt=1e5", 7),
        ("</3/0>;gt=abc", 7),
        ("</3/0>;lt=.5", 7),
        ("</3>;ver=1", 5),
        ("</3/0>;ver=2", 7),
        ("</3/0>;edge=2", 7),
        ("</3/0>;con=true", 7),
        ("</3/0>;pmin", 7),
        ("</3/0>;hqmax=x", 7),
        ("</>;lwm2m=x", 4),
        ("</>;ct=\"60 x\"", 4),
        ("</>;ct=\"\"", 4),
    ] {
        assert_eq!(typed(t), (ErrorKind::InvalidField, at), "{t}");
    }
    assert_eq!(typed("</x>"), (ErrorKind::NotAPath, 0));
    // `//` is no path, a trailing `/` is not LwM2M's, a leading zero would alias.
    assert_eq!(typed("<//>"), (ErrorKind::NotAPath, 0));
    assert_eq!(typed("</1/0>,</3/0/>"), (ErrorKind::NotAPath, 7));
    assert_eq!(typed("</3/00/1>"), (ErrorKind::NotAPath, 0));
    assert_eq!(parse_discover("</>").unwrap()[0].path, Path::ROOT);
    assert_eq!(typed("</1/0>,</3/0/0/0/0>"), (ErrorKind::NotAPath, 7));
    let reg = |t: &str| {
        let e = RegisterPayload::parse(t).unwrap_err();
        (e.kind().clone(), e.offset().unwrap())
    };
    assert_eq!(reg("</1/0>,</3/0/1>"), (ErrorKind::NotAPath, 7));
    assert_eq!(reg("</1/0>,<x>"), (ErrorKind::NotAPath, 7));
    assert_eq!(
        RegisterPayload::parse("</>,</1/0>").unwrap().objects.len(),
        1
    );
    assert_eq!(reg("</3442>;ver=x"), (ErrorKind::InvalidField, 8));
    assert_eq!(reg("</>;ct=x,</1/0>"), (ErrorKind::InvalidField, 4));
}

#[test]
fn targets_names_and_tokens_follow_the_rfcs() {
    // RFC 3986: a target is ASCII URI-reference text, `%` starts two hex digits.
    for (t, at) in [
        ("</%>", 2),
        ("</%1g>", 2),
        ("</3/%4>", 4),
        ("</ü>", 2),
        ("</a b>", 3),
        ("</a\"b>", 3),
        ("</a{b}>", 3),
        ("</a\\b>", 3),
    ] {
        assert_eq!(parse(t).unwrap_err().kind_at(), (&INVALID, Some(at)), "{t}");
    }
    let ok = parse("</a%2Fb-._~:@!$&'()*+=?#[x]>,<coap://h:5683/x?q=1>").unwrap();
    assert_eq!(ok[0].target, "/a%2Fb-._~:@!$&'()*+=?#[x]");
    assert_eq!(ok[1].target, "coap://h:5683/x?q=1");
    // RFC 6690 parmname (RFC 5987 attr-chars, `*` ending an extended name) and ptoken.
    for (t, at) in [
        ("</3>;pmín=1", 7),
        ("</3>;a/b=1", 6),
        ("</3>;a*b=1", 6),
        ("</3>;x=é", 7),
        ("</3>;x=a\\b", 8),
    ] {
        assert_eq!(parse(t).unwrap_err().kind_at(), (&INVALID, Some(at)), "{t}");
    }
    let l = parse("</3>;title*=UTF-8'en'x;x=<a>/b?c;q=\"é, ok\"").unwrap();
    let got: Vec<_> = l[0]
        .params
        .iter()
        .map(|p| (&*p.name, p.value.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("title*", Some("UTF-8'en'x")),
            ("x", Some("<a>/b?c")),
            ("q", Some("é, ok"))
        ]
    );
}
