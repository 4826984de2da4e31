//! Link format (40): the examples of the formats reference §6, parsing rules and errors.

use std::borrow::Cow;

use ucifi_runtime::codec::link_format::{
    self, Attribute, Link, LinkEntry, Param, RegisterObject, RegisterPayload,
};
use ucifi_runtime::{Path, Version};

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
    assert_eq!(
        err.to_string(),
        "link-format at byte 24: link outside the alternate path"
    );
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

#[test]
fn errors_have_offsets_and_reasons() {
    let err = |t: &str| link_format::parse(t).unwrap_err().to_string();
    assert_eq!(
        err("/3/0"),
        "link-format at byte 0: expected '<' starting a link"
    );
    assert_eq!(
        err("</3/0"),
        "link-format at byte 0: link target without closing '>'"
    );
    assert_eq!(
        err(r#"</3/0>;a="x"#),
        "link-format at byte 9: unterminated quoted string"
    );
    assert_eq!(
        err("</3/0>;=1"),
        "link-format at byte 7: empty parameter name"
    );
    assert_eq!(
        err("</3/0>;pmin="),
        "link-format at byte 12: empty parameter value"
    );
    assert_eq!(
        err("</3/0> x"),
        "link-format at byte 7: expected ';' or ',' after a link"
    );
    assert_eq!(
        err("</3/0>,"),
        "link-format at byte 7: expected '<' starting a link"
    );
    let typed = |t: &str| link_format::parse_discover(t).unwrap_err().to_string();
    assert_eq!(
        typed("</3/0>;pmin=-1"),
        "link-format at byte 7: pmin must be whole seconds"
    );
    assert_eq!(
        typed("</3/0>;dim=256"),
        "link-format at byte 7: dim must be from 0 to 255"
    );
    assert_eq!(
        typed("</0/0>;ssid=0"),
        "link-format at byte 7: ssid must be from 1 to 65534"
    );
    assert_eq!(
        typed("</3/0>;gt=1e5"),
        "link-format at byte 7: gt must be a decimal number"
    );
    assert_eq!(
        typed("</3/0>;ver=2"),
        "link-format at byte 7: ver must be MAJOR.MINOR"
    );
    assert_eq!(
        typed("</3/0>;edge=2"),
        "link-format at byte 7: edge must be 0 or 1"
    );
    assert_eq!(
        typed("</3/0>;pmin"),
        "link-format at byte 7: attribute needs a value"
    );
    assert_eq!(
        typed("</>;ct=\"60 x\""),
        "link-format at byte 4: ct must be content-format numbers separated by spaces"
    );
    assert_eq!(
        typed("</x>"),
        "link-format at byte 0: link target is not a LwM2M path"
    );
}
