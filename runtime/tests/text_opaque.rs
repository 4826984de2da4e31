//! text/plain (0, spec §3) and octet-stream (42, spec §4): the spec's examples both ways,
//! the value text rules per data type, targets, exact errors, Execute arguments, and the
//! float text (shortest round trip, no exponent) against Rust's own `Display`.

mod common;

use common::p;

use std::collections::HashMap;

use proptest::prelude::*;
use ucifi_runtime::codec::{
    self, Error, ErrorKind, Event, RawValue, SliceOutput, TypeLookup, ValueError, Writer, opaque,
    text,
};
use ucifi_runtime::{
    ContentFormat as F, DataType, Node, ObjectLink, ResourceInstanceNode, ResourceNode,
    ResourceValue, Value, ValueRef,
};

#[derive(Clone, Debug, Default)]
struct Types(HashMap<(u16, u16), (DataType, bool)>);

impl TypeLookup for Types {
    fn resource_type(&self, object: u16, resource: u16) -> Option<(DataType, bool)> {
        self.0.get(&(object, resource)).copied()
    }
}

/// Test object 9999 (one resource per type) and Device's multiple resource 6.
fn types() -> Types {
    use DataType::*;
    let mut t = Types::default();
    for (r, ty) in [
        (0, String),
        (1, Opaque),
        (2, Integer),
        (3, UnsignedInteger),
        (4, Float),
        (5, Boolean),
        (7, Corelnk),
        (13, Time),
        (22, Objlnk),
    ] {
        t.0.insert((9999, r), (ty, false));
    }
    t.0.insert((3, 6), (Integer, true));
    t.0.insert((3303, 5700), (Float, false));
    t
}

fn res(id: u16, v: Value) -> Node {
    Node::Resource(ResourceNode {
        id,
        value: ResourceValue::Single(v),
    })
}

fn dec(format: F, path: &str, bytes: &[u8]) -> Result<Node, Error> {
    codec::decode(format, &p(path), bytes, &types())
}

/// The single value of a decoded resource or resource instance.
#[track_caller]
fn value(format: F, path: &str, bytes: &[u8]) -> Result<Value, Error> {
    dec(format, path, bytes).map(|n| match n {
        Node::Resource(ResourceNode {
            value: ResourceValue::Single(v),
            ..
        }) => v,
        Node::ResourceInstance(ri) => ri.value,
        other => panic!("not a leaf: {other:?}"),
    })
}

fn text(path: &str, t: &str) -> Result<Value, Error> {
    value(F::Text, path, t.as_bytes())
}

#[track_caller]
fn value_err(format: F, path: &str, bytes: &[u8]) -> ValueError {
    match dec(format, path, bytes).unwrap_err().kind() {
        ErrorKind::Value(v) => v.clone(),
        other => panic!("expected a value error, got {other:?}"),
    }
}

fn enc(format: F, path: &str, node: &Node) -> Result<Vec<u8>, Error> {
    codec::encode(format, &p(path), node)
}

/// Encodes `node` at `path` to exactly `bytes`, and decodes `bytes` back to `node`.
#[track_caller]
fn both(format: F, path: &str, node: &Node, bytes: &[u8]) {
    assert_eq!(enc(format, path, node).unwrap(), bytes, "{format} {path}");
    assert_eq!(dec(format, path, bytes).unwrap(), *node, "{format} {path}");
}

// ---- §3 text/plain ----

#[test]
fn text_examples_and_golden_values() {
    use Value::*;
    for (r, v, t) in [
        (2, Integer(-93), "-93"),
        (2, Integer(0), "0"),
        (2, Integer(i64::MIN), "-9223372036854775808"),
        (2, Integer(i64::MAX), "9223372036854775807"),
        (3, UnsignedInteger(u64::MAX), "18446744073709551615"),
        (4, Float(22.5), "22.5"),
        (4, Float(-4.25), "-4.25"),
        (4, Float(0.0), "0"),
        (4, Float(100000.0), "100000"),
        (4, Float(0.1), "0.1"),
        (4, Float(6.667e-11), "0.00000000006667"),
        (4, Float(1e10), "10000000000"),
        (5, Boolean(true), "1"),
        (5, Boolean(false), "0"),
        (0, s(""), ""),
        (0, s("Cel"), "Cel"),
        (1, Opaque(vec![1, 2, 3, 0xFB, 0xFF]), "AQID+/8="),
        (1, Opaque(vec![]), ""),
        (1, Opaque(vec![0]), "AA=="),
        (1, Opaque(vec![1, 2]), "AQI="),
        (
            7,
            Corelnk(ucifi_runtime::CoreLink("</3/0>".into())),
            "</3/0>",
        ),
        (13, Time(ucifi_runtime::Time(1_700_000_000)), "1700000000"),
        (13, Time(ucifi_runtime::Time(-1)), "-1"),
        (22, Objlnk(ObjectLink::new(3303, 0)), "3303:0"),
        (22, Objlnk(ObjectLink::NULL), "65535:65535"),
    ] {
        both(F::Text, &format!("/9999/0/{r}"), &res(r, v), t.as_bytes());
    }
    // A resource instance target.
    both(
        F::Text,
        "/3/0/6/1",
        &Node::ResourceInstance(ResourceInstanceNode {
            id: 1,
            value: Value::Integer(5),
        }),
        b"5",
    );
    // Long opaque values (more than one base64 chunk).
    let long: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
    let b64 = enc(F::Text, "/9999/0/1", &res(1, Value::Opaque(long.clone()))).unwrap();
    assert_eq!(b64.len(), 1336);
    assert_eq!(
        text("/9999/0/1", std::str::from_utf8(&b64).unwrap()).unwrap(),
        Value::Opaque(long)
    );
}

#[test]
fn text_integer_rules() {
    assert_eq!(text("/9999/0/2", "-0").unwrap(), Value::Integer(0));
    // Leading zeros are still ASCII digits.
    assert_eq!(text("/9999/0/2", "007").unwrap(), Value::Integer(7));
    let bad = ValueError::InvalidText(DataType::Integer);
    for t in [
        "+5",
        " 5",
        "5 ",
        "5\n",
        "",
        "-",
        "1e2",
        "1.0",
        "0x10",
        "9223372036854775808",
        "--1",
        "١",
    ] {
        assert_eq!(value_err(F::Text, "/9999/0/2", t.as_bytes()), bad, "{t:?}");
    }
    for t in ["18446744073709551616", "-1", "+1"] {
        assert_eq!(
            value_err(F::Text, "/9999/0/3", t.as_bytes()),
            ValueError::InvalidText(DataType::UnsignedInteger),
            "{t:?}"
        );
    }
    // A fraction is named as such: the text is a number, just not a whole one.
    assert_eq!(
        value_err(F::Text, "/9999/0/13", b"1700000000.5"),
        ValueError::NotWhole(DataType::Time)
    );
    assert_eq!(
        value_err(F::Text, "/9999/0/2", b"1.5"),
        ValueError::NotWhole(DataType::Integer)
    );
}

#[test]
fn text_float_rules() {
    let f = |t: &str| text("/9999/0/4", t);
    assert_eq!(f("0.00000000006667").unwrap(), Value::Float(6.667e-11));
    assert_eq!(f("1.0E10").unwrap(), Value::Float(1.0e10));
    assert_eq!(f("6.667e-11").unwrap(), Value::Float(6.667e-11));
    assert_eq!(f("1e+2").unwrap(), Value::Float(100.0));
    assert_eq!(f("-3").unwrap(), Value::Float(-3.0));
    // Anjay's %.17g output.
    assert_eq!(f("0.10000000000000001").unwrap(), Value::Float(0.1));
    for t in [
        "NaN", "nan", "inf", "-inf", "Infinity", "1.", ".5", "+1.5", "1e", "1e400", " 1.5", "1.5 ",
        "1,5", "",
    ] {
        assert_eq!(
            value_err(F::Text, "/9999/0/4", t.as_bytes()),
            ValueError::InvalidText(DataType::Float),
            "{t:?}"
        );
    }
    // NaN and infinities cannot be written.
    for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let e = enc(F::Text, "/9999/0/4", &res(4, Value::Float(v))).unwrap_err();
        assert_eq!(e.kind_at(), (&ErrorKind::NumberOutOfRange, Some(0)));
        assert_eq!(e.format(), Some(F::Text));
    }
    // -873.00592041015625 (an f32) lies halfway between two shortest decimals: as `{}`.
    let t = enc(
        F::Text,
        "/9999/0/4",
        &res(4, Value::Float(-(873.0 + 97.0 / 16384.0))),
    )
    .unwrap();
    assert_eq!(t, b"-873.0059204101563");
    // Extremes, written in full.
    for v in [
        f64::MAX,
        f64::MIN_POSITIVE,
        5e-324,
        -0.0,
        1e16,
        1e-7,
        123456789.125,
    ] {
        let t = enc(F::Text, "/9999/0/4", &res(4, Value::Float(v))).unwrap();
        assert_eq!(std::str::from_utf8(&t).unwrap(), format!("{v}"));
    }
}

#[test]
fn text_boolean_objlnk_string() {
    for t in ["true", "false", "2", "01", " 1", "1\n", ""] {
        assert_eq!(
            value_err(F::Text, "/9999/0/5", t.as_bytes()),
            ValueError::InvalidText(DataType::Boolean),
            "{t:?}"
        );
    }
    for t in [
        "65536:0", "0:65536", "3303", "3303:", ":0", "3303:0:1", "-1:0", " 1:0",
    ] {
        assert_eq!(
            value_err(F::Text, "/9999/0/22", t.as_bytes()),
            ValueError::InvalidText(DataType::Objlnk),
            "{t:?}"
        );
    }
    for t in ["AQID+/8", "AQID-_8=", "AQID+/8==", "A"] {
        assert_eq!(
            value_err(F::Text, "/9999/0/1", t.as_bytes()),
            ValueError::InvalidText(DataType::Opaque),
            "{t:?}"
        );
    }
    // Invalid UTF-8 is an error at the first bad byte, for any resource.
    for path in ["/9999/0/0", "/9999/0/2", "/77/0/1"] {
        let e = dec(F::Text, path, b"ab\xFFc").unwrap_err();
        assert_eq!(e.kind_at(), (&ErrorKind::InvalidUtf8, Some(2)), "{path}");
        assert_eq!(e.format(), Some(F::Text));
    }
    // Without a model the text stays a string.
    assert_eq!(text("/77/0/1", "12").unwrap(), s("12"));
}

#[test]
fn text_targets() {
    // Objects and instances cannot be text; multiple resources only by instance.
    for path in ["/3", "/3/0"] {
        let e = dec(F::Text, path, b"1").unwrap_err();
        assert_eq!(e.kind(), &ErrorKind::Unsupported, "{path}");
        assert_eq!(e.format(), Some(F::Text));
        assert!(codec::text::TextWriter::new(&p(path), Vec::new()).is_err());
    }
    let e = dec(F::Text, "/3/0/6", b"1").unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::NotSingle);
    assert_eq!(e.path(), Some(p("/3/0/6")));
    assert_eq!(text("/3/0/6/1", "5").unwrap(), Value::Integer(5));
    let multi = Node::Resource(ResourceNode {
        id: 6,
        value: ResourceValue::Multiple(vec![ResourceInstanceNode {
            id: 0,
            value: Value::Integer(1),
        }]),
    });
    let e = enc(F::Text, "/3/0/6", &multi).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::Unsupported);
    // The writer takes one value.
    let mut w = codec::text::TextWriter::new(&p("/9999/0/2"), Vec::new()).unwrap();
    w.value(2, ValueRef::Integer(1)).unwrap();
    let e = w.value(2, ValueRef::Integer(2)).unwrap_err();
    assert_eq!(e.kind_at(), (&ErrorKind::WriterMisuse, Some(1)));
    assert_eq!(w.finish().unwrap(), b"1");
    let w = codec::text::TextWriter::new(&p("/9999/0/2"), Vec::new()).unwrap();
    assert_eq!(w.finish().unwrap_err().kind(), &ErrorKind::NoValue);
    // Into a caller's buffer.
    let mut buf = [0u8; 3];
    let mut w = codec::text::TextWriter::new(&p("/9999/0/2"), SliceOutput::new(&mut buf)).unwrap();
    let e = w.value(2, ValueRef::Integer(-9300)).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::BufferFull);
    assert_eq!(e.format(), Some(F::Text));
}

#[test]
fn text_events() {
    let mut ev = Vec::new();
    text::decode(&p("/9999/0/4"), b"22.5", &mut ev).unwrap();
    assert_eq!(
        ev,
        vec![Event::Value {
            path: p("/9999/0/4"),
            value: RawValue::Text("22.5"),
            time: None
        }]
    );
}

#[test]
fn execute_arguments() {
    use ucifi_runtime::codec::text::{ExecuteArg, parse_execute_args};
    let a = |id, value| ExecuteArg { id, value };
    assert_eq!(
        parse_execute_args("0='on',1").unwrap(),
        vec![a(0, Some("on")), a(1, None)]
    );
    assert_eq!(parse_execute_args("").unwrap(), vec![]);
    assert_eq!(parse_execute_args("9").unwrap(), vec![a(9, None)]);
    assert_eq!(
        parse_execute_args("2='',3='a=b,c'").unwrap(),
        vec![a(2, Some("")), a(3, Some("a=b,c"))]
    );
    let syntax = ErrorKind::Syntax(codec::Syntax::InvalidText);
    for (t, at) in [
        ("10", 1),
        ("a", 0),
        ("0=on", 2),
        ("0='on", 2),
        ("0='o n'", 4),
        ("0='o\"n'", 4),
        ("0='o\\n'", 4),
        ("0,", 2),
        (",0", 0),
        ("0 ,1", 1),
        ("0='x'y", 5),
    ] {
        let e = parse_execute_args(t).unwrap_err();
        assert_eq!(e.kind_at(), (&syntax, Some(at)), "{t}");
    }
    // An argument given twice.
    let e = parse_execute_args("0,0").unwrap_err();
    assert_eq!(e.kind_at(), (&ErrorKind::InvalidField, Some(2)));
}

// ---- §4 octet-stream ----

#[test]
fn octet_stream() {
    both(
        F::Opaque,
        "/9999/0/1",
        &res(1, Value::Opaque(vec![1, 2, 3, 0xFB, 0xFF])),
        &[1, 2, 3, 0xFB, 0xFF],
    );
    both(F::Opaque, "/9999/0/1", &res(1, Value::Opaque(vec![])), &[]);
    assert_eq!(
        value(F::Opaque, "/9999/0/1", &[0, 0xFF, 1]).unwrap(),
        Value::Opaque(vec![0, 0xFF, 1])
    );
    // Without a model: opaque.
    assert_eq!(
        value(F::Opaque, "/77/0/1", b"A").unwrap(),
        Value::Opaque(b"A".to_vec())
    );
    // Only for Opaque resources, both ways.
    for r in [0, 2, 4] {
        let e = value_err(F::Opaque, &format!("/9999/0/{r}"), b"A");
        assert!(
            matches!(
                e,
                ValueError::WrongType {
                    found: "opaque bytes",
                    ..
                }
            ),
            "{e:?}"
        );
    }
    let e = enc(F::Opaque, "/9999/0/0", &res(0, s("x"))).unwrap_err();
    assert_eq!(e.kind_at(), (&ErrorKind::Unsupported, Some(0)));
    assert_eq!(e.format(), Some(F::Opaque));
    for path in ["/9999", "/9999/0"] {
        let e = dec(F::Opaque, path, &[1]).unwrap_err();
        assert_eq!(e.kind(), &ErrorKind::Unsupported, "{path}");
    }
    let mut ev = Vec::new();
    opaque::decode(&p("/5/0/0"), &[7, 8], &mut ev).unwrap();
    assert_eq!(
        ev,
        vec![Event::Value {
            path: p("/5/0/0"),
            value: RawValue::Opaque(vec![7, 8].into()),
            time: None
        }]
    );
}

#[test]
fn legacy_content_format_numbers() {
    // Spec §1: pre-IANA numbers map on input, are never emitted.
    for (n, f) in [
        (1541, F::Text),
        (1542, F::Tlv),
        (1543, F::Lwm2mJson),
        (1544, F::Opaque),
        (0, F::Text),
        (40, F::LinkFormat),
        (42, F::Opaque),
        (60, F::Cbor),
        (110, F::SenmlJson),
        (112, F::SenmlCbor),
        (11542, F::Tlv),
        (11543, F::Lwm2mJson),
        (11544, F::Lwm2mCbor),
    ] {
        assert_eq!(F::from_number(n), Some(f), "{n}");
    }
    for f in [F::Text, F::Tlv, F::Lwm2mJson, F::Opaque] {
        assert!(f.number() < 1541 || f.number() > 1544);
    }
    assert_eq!(F::from_number(41), None);
}

fn s(v: &str) -> Value {
    Value::String(v.into())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Floats are written as the shortest decimal that reads back to the same double,
    /// without exponent: as Rust's `Display` writes them, but for the last digit of values
    /// exactly halfway between two shortest decimals (f32 values such as
    /// -873.00592041015625, where zmij rounds to even).
    #[test]
    fn floats_write_as_display_and_round_trip(
        f in prop_oneof![
            any::<f64>(),
            any::<f32>().prop_map(f64::from),
            (-1_000_000i64..1_000_000, 0u32..12).prop_map(|(m, e)| m as f64 / 10f64.powi(e as i32)),
        ]
    ) {
        prop_assume!(f.is_finite());
        let t = enc(F::Text, "/9999/0/4", &res(4, Value::Float(f))).unwrap();
        let t = String::from_utf8(t).unwrap();
        let display = format!("{f}");
        prop_assert_eq!(t.len(), display.len());
        prop_assert!(!t.contains(['e', 'E']));
        prop_assert_eq!(t.parse::<f64>().unwrap().to_bits(), f.to_bits());
        prop_assert_eq!(text("/9999/0/4", &t).unwrap(), Value::Float(f));
    }

    #[test]
    fn integers_and_opaque_round_trip(i in any::<i64>(), u in any::<u64>(), b in prop::collection::vec(any::<u8>(), 0..200)) {
        for (r, v) in [(2, Value::Integer(i)), (3, Value::UnsignedInteger(u)), (1, Value::Opaque(b.clone()))] {
            let path = format!("/9999/0/{r}");
            let t = enc(F::Text, &path, &res(r, v.clone())).unwrap();
            prop_assert_eq!(value(F::Text, &path, &t).unwrap(), v);
        }
        let t = enc(F::Opaque, "/9999/0/1", &res(1, Value::Opaque(b.clone()))).unwrap();
        prop_assert_eq!(&t, &b);
    }

    #[test]
    fn random_text_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..40), r in prop::sample::select(vec![0u16, 1, 2, 3, 4, 5, 7, 13, 22, 99])) {
        let path = format!("/9999/0/{r}");
        if let Err(e) = dec(F::Text, &path, &bytes) {
            prop_assert!(e.offset().is_none_or(|o| o <= bytes.len()));
        }
    }
}
