//! Conformance vectors for link-format (40, spec §6, RFC 6690).

use ucifi_runtime::Path;
use ucifi_runtime::Version;
use ucifi_runtime::codec::link_format::{
    self, Attribute, LinkEntry, RegisterObject, RegisterPayload, parse, parse_discover,
};

fn p(s: &str) -> Path {
    s.parse().unwrap()
}

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
        assert_eq!(parse(t).unwrap_err().offset, at, "{t}");
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
