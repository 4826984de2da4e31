//! LwM2M JSON (11543): the examples of the formats reference §8 (exact bytes both ways),
//! golden values, interop quirks, errors with exact `(ErrorKind, offset)` pairs, and a
//! large generated input.

mod common;

use common::p;

use ucifi_runtime::codec::lwm2m_json::{self, Lwm2mJsonWriter};
use ucifi_runtime::codec::senml::Record;
use ucifi_runtime::codec::{
    self, ErrorKind, Event, NoModel, RawValue, Syntax, TypeLookup, ValueError, Writer,
};
use ucifi_runtime::{
    ContentFormat as F, CoreLink, DataType, InstanceNode, Node, ObjectLink, ObjectNode, Path,
    ResourceInstanceNode, ResourceNode, ResourceValue, Time, Value, ValueRef,
};

/// A model where every resource has one type (single-instance).
struct AllOf(DataType);

impl TypeLookup for AllOf {
    fn resource_type(&self, _: u16, _: u16) -> Option<(DataType, bool)> {
        Some((self.0, false))
    }
}

/// Device (3) and Temperature (3303) resources the examples use.
struct Spec;

impl TypeLookup for Spec {
    fn resource_type(&self, o: u16, r: u16) -> Option<(DataType, bool)> {
        Some(match (o, r) {
            (3, 0) => (DataType::String, false),
            (3, 6) => (DataType::Integer, true),
            (3, 9) => (DataType::Integer, false),
            (3, 13) => (DataType::Time, false),
            (3, 22) => (DataType::Objlnk, true),
            (3303, 5700) => (DataType::Float, false),
            _ => return None,
        })
    }
}

fn single(id: u16, v: Value) -> ResourceNode {
    ResourceNode {
        id,
        value: ResourceValue::Single(v),
    }
}

fn multiple(id: u16, ri: u16, v: Value) -> ResourceNode {
    ResourceNode {
        id,
        value: ResourceValue::Multiple(vec![ResourceInstanceNode { id: ri, value: v }]),
    }
}

fn text(b: Vec<u8>) -> String {
    String::from_utf8(b).unwrap()
}

fn decode(path: &str, j: &str, types: &dyn TypeLookup) -> Result<Node, codec::Error> {
    codec::decode(F::Lwm2mJson, &p(path), j.as_bytes(), types)
}

#[track_caller]
fn err(path: &str, j: &str) -> (ErrorKind, Option<usize>) {
    let e = decode(path, j, &NoModel).unwrap_err();
    assert_eq!(e.format(), Some(F::Lwm2mJson));
    (e.kind().clone(), e.offset())
}

const READ_3_0: &str = r#"{"bn":"/3/0/","e":[{"n":"0","sv":"ACME"},{"n":"6/0","v":1},{"n":"9","v":87},{"n":"22/0","ov":"3303:0"},{"n":"13","v":1700000000}]}"#;

fn read_3_0_node(time: Value) -> Node {
    Node::Instance(InstanceNode {
        id: 0,
        resources: vec![
            single(0, Value::String("ACME".into())),
            multiple(6, 0, Value::Integer(1)),
            single(9, Value::Integer(87)),
            multiple(22, 0, Value::Objlnk(ObjectLink::new(3303, 0))),
            single(13, time),
        ],
    })
}

#[test]
fn read_instance_example() {
    let path = p("/3/0");
    let node = read_3_0_node(Value::Integer(1_700_000_000));
    let bytes = codec::encode(F::Lwm2mJson, &path, &node).unwrap();
    assert_eq!(text(bytes), READ_3_0);
    assert_eq!(decode("/3/0", READ_3_0, &NoModel).unwrap(), node);
    let typed = read_3_0_node(Value::Time(Time(1_700_000_000)));
    assert_eq!(decode("/3/0", READ_3_0, &Spec).unwrap(), typed);
    // Leshan writes links in sv; keys in any order; whitespace; integral floats.
    let j = r#" { "e" : [ {"n":"0","sv":"ACME"},{"n":"6/0","v":1.0},{"n":"9","v":8.7e1},
                 {"n":"22/0","sv":"3303:0"},{"n":"13","v":1700000000}] , "bn" : "/3/0/" } "#;
    assert_eq!(decode("/3/0", j, &Spec).unwrap(), typed);
    // No bn: full names.
    assert_eq!(
        decode("/3/0/9", r#"{"e":[{"n":"/3/0/9","v":87}]}"#, &NoModel).unwrap(),
        Node::Resource(single(9, Value::Integer(87)))
    );
    // The events: sv is text/plain text.
    let mut events = Vec::new();
    lwm2m_json::decode(&path, READ_3_0.as_bytes(), &mut events).unwrap();
    assert_eq!(
        events[0],
        Event::Value {
            path: p("/3/0/0"),
            value: RawValue::Text("ACME"),
            time: None
        }
    );
    assert_eq!(
        events[3],
        Event::Value {
            path: p("/3/0/22/0"),
            value: RawValue::Objlnk(ObjectLink::new(3303, 0)),
            time: None
        }
    );
}

const HISTORY: &str =
    r#"{"bn":"/3303/0/5700","bt":1700000000,"e":[{"v":21.5},{"v":21.75,"t":60}]}"#;

#[test]
fn notification_with_history_example() {
    let path = p("/3303/0/5700");
    let records = vec![
        Record::timed(path, Value::Float(21.5), 1_700_000_000.0),
        Record::timed(path, Value::Float(21.75), 1_700_000_060.0),
    ];
    assert_eq!(text(lwm2m_json::encode_records(&records).unwrap()), HISTORY);
    assert_eq!(
        lwm2m_json::decode_records(HISTORY.as_bytes(), &NoModel).unwrap(),
        records
    );
    // Keys in another order resolve the same.
    let reordered =
        r#"{"e":[{"t":0,"v":21.5},{"t":60,"v":21.75}],"bt":1700000000,"bn":"/3303/0/5700"}"#;
    assert_eq!(
        lwm2m_json::decode_records(reordered.as_bytes(), &NoModel).unwrap(),
        records
    );
    // Non-integral times: absolute t, no bt.
    let r = vec![Record::timed(path, Value::Float(1.0), 1.5)];
    assert_eq!(
        text(lwm2m_json::encode_records(&r).unwrap()),
        r#"{"bn":"/3303/0/5700","e":[{"v":1.0,"t":1.5}]}"#
    );
    assert_eq!(
        text(lwm2m_json::encode_records(&[]).unwrap()),
        r#"{"e":[]}"#
    );
    // Records of several paths: the common prefix as bn; path-only records.
    let r = vec![
        Record::new(p("/3/0/9"), Value::Integer(1)),
        Record::new(p("/3/1/9"), Value::Integer(2)),
        Record::path_only(p("/3")),
    ];
    let j = lwm2m_json::encode_records(&r).unwrap();
    assert_eq!(
        text(j.clone()),
        r#"{"bn":"/3/","e":[{"n":"0/9","v":1},{"n":"1/9","v":2},{}]}"#
    );
    assert_eq!(lwm2m_json::decode_records(&j, &NoModel).unwrap(), r);
}

#[test]
fn single_resource_and_object_targets() {
    let path = p("/3/0/9");
    let node = Node::Resource(single(9, Value::Integer(87)));
    let bytes = codec::encode(F::Lwm2mJson, &path, &node).unwrap();
    assert_eq!(bytes, br#"{"bn":"/3/0/9","e":[{"v":87}]}"#);
    assert_eq!(decode("/3/0/9", &text(bytes), &NoModel).unwrap(), node);

    let path = p("/3303");
    let node = Node::Object(ObjectNode {
        id: 3303,
        instances: vec![
            InstanceNode {
                id: 0,
                resources: vec![single(5700, Value::Float(22.5))],
            },
            InstanceNode {
                id: 1,
                resources: vec![single(5700, Value::Float(-4.25))],
            },
        ],
    });
    let bytes = codec::encode(F::Lwm2mJson, &path, &node).unwrap();
    assert_eq!(
        bytes,
        br#"{"bn":"/3303/","e":[{"n":"0/5700","v":22.5},{"n":"1/5700","v":-4.25}]}"#
    );
    assert_eq!(decode("/3303", &text(bytes), &NoModel).unwrap(), node);
    // A multiple resource, a resource instance, an empty multiple resource.
    let m = Node::Resource(multiple(6, 1, Value::Integer(5)));
    assert_eq!(
        codec::encode(F::Lwm2mJson, &p("/3/0/6"), &m).unwrap(),
        br#"{"bn":"/3/0/6/","e":[{"n":"1","v":5}]}"#
    );
    let ri = Node::ResourceInstance(ResourceInstanceNode {
        id: 1,
        value: Value::Integer(5),
    });
    assert_eq!(
        codec::encode(F::Lwm2mJson, &p("/3/0/6/1"), &ri).unwrap(),
        br#"{"bn":"/3/0/6/1","e":[{"v":5}]}"#
    );
    let empty = Node::Resource(ResourceNode {
        id: 6,
        value: ResourceValue::Multiple(vec![]),
    });
    assert_eq!(
        codec::encode(F::Lwm2mJson, &p("/3/0/6"), &empty).unwrap(),
        br#"{"bn":"/3/0/6/","e":[]}"#
    );
}

/// (value, LwM2M JSON field)
fn table() -> Vec<(Value, &'static str)> {
    use Value::*;
    vec![
        (Integer(-129), r#""v":-129"#),
        (Integer(i64::MIN), r#""v":-9223372036854775808"#),
        (UnsignedInteger(u64::MAX), r#""v":18446744073709551615"#),
        (Float(21.5), r#""v":21.5"#),
        (Float(-0.0), r#""v":-0.0"#),
        (Float(3.4028234663852886e38), r#""v":3.4028234663852886e38"#),
        (Float(1e300), r#""v":1e300"#),
        (Boolean(false), r#""bv":false"#),
        (Boolean(true), r#""bv":true"#),
        (String("".into()), r#""sv":"""#),
        (String("a\"\\\n\u{1}é".into()), r#""sv":"a\"\\\n\u0001é""#),
        (Opaque(vec![]), r#""sv":"""#),
        (Opaque(vec![0xFF]), r#""sv":"/w==""#),
        (Opaque(vec![0xFB, 0xFF, 0xBF]), r#""sv":"+/+/""#),
        (
            Time(ucifi_runtime::Time(-1_700_000_000)),
            r#""v":-1700000000"#,
        ),
        (Objlnk(ObjectLink::new(0, 0)), r#""ov":"0:0""#),
        (Objlnk(ObjectLink::NULL), r#""ov":"65535:65535""#),
        (Corelnk(CoreLink("</1>".into())), r#""sv":"</1>""#),
    ]
}

#[test]
fn golden_values() {
    let path = p("/1/0/1");
    for (value, field) in table() {
        let records = vec![Record::new(path, value.clone())];
        let l = lwm2m_json::encode_records(&records).unwrap();
        assert_eq!(
            text(l.clone()),
            format!(r#"{{"bn":"/1/0/1","e":[{{{field}}}]}}"#)
        );
        let types = AllOf(value.data_type());
        assert_eq!(
            lwm2m_json::decode_records(&l, &types).unwrap(),
            records,
            "{value:?}"
        );
        let node = Node::Resource(single(1, value.clone()));
        assert_eq!(codec::encode(F::Lwm2mJson, &path, &node).unwrap(), l);
    }
    let nan = [Record::new(path, Value::Float(f64::NAN))];
    let e = lwm2m_json::encode_records(&nan).unwrap_err();
    assert_eq!(e.kind_at(), (&ErrorKind::NumberOutOfRange, Some(20)));
    let nan = Node::Resource(single(1, Value::Float(f64::NAN)));
    let e = codec::encode(F::Lwm2mJson, &path, &nan).unwrap_err();
    assert_eq!(e.kind_at(), (&ErrorKind::NumberOutOfRange, Some(0)));
}

#[test]
fn opaque_is_standard_base64_with_padding() {
    let path = p("/19/0/0");
    let node = Node::Resource(single(0, Value::Opaque(vec![1, 2, 3, 0xFB, 0xFF])));
    let bytes = codec::encode(F::Lwm2mJson, &path, &node).unwrap();
    assert_eq!(bytes, br#"{"bn":"/19/0/0","e":[{"sv":"AQID+/8="}]}"#);
    assert_eq!(
        decode("/19/0/0", &text(bytes.clone()), &AllOf(DataType::Opaque)).unwrap(),
        node
    );
    // Without a model the text stays a string.
    assert_eq!(
        decode("/19/0/0", &text(bytes), &NoModel).unwrap(),
        Node::Resource(single(0, Value::String("AQID+/8=".into())))
    );
    // Not base64: a value error at the value.
    let e = decode(
        "/19/0/0",
        r#"{"bn":"/19/0/0","e":[{"sv":"A*=="}]}"#,
        &AllOf(DataType::Opaque),
    )
    .unwrap_err();
    assert_eq!(
        e.kind_at(),
        (
            &ErrorKind::Value(ValueError::InvalidText(DataType::Opaque)),
            Some(27)
        )
    );
    assert_eq!(e.path(), Some(path));
}

#[test]
fn leshan_writes_objlnk_in_sv() {
    let payload = r#"{"bn":"/3/0/22","e":[{"sv":"3303:0"}]}"#;
    assert_eq!(
        decode("/3/0/22", payload, &AllOf(DataType::Objlnk)).unwrap(),
        Node::Resource(single(22, Value::Objlnk(ObjectLink::new(3303, 0))))
    );
}

#[test]
fn errors_carry_kinds_and_offsets() {
    const UNEXPECTED_VALUE: ErrorKind = ErrorKind::Syntax(Syntax::UnexpectedValue);
    for (j, want) in [
        ("[", (UNEXPECTED_VALUE, Some(0))),
        ("{}", (ErrorKind::InvalidField, Some(0))),
        (r#"{"bn":"/3/0/"}"#, (ErrorKind::InvalidField, Some(0))),
        (r#"{"e":{}}"#, (UNEXPECTED_VALUE, Some(5))),
        (r#"{"e":[],"e":[]}"#, (ErrorKind::InvalidField, Some(8))),
        (
            r#"{"bn":"/3/0/","bn":"/3/0/","e":[]}"#,
            (ErrorKind::InvalidField, Some(14)),
        ),
        (
            r#"{"bn":"/3/0/","e":[{"n":"9","v":1,"sv":"1"}]}"#,
            (ErrorKind::InvalidField, Some(34)),
        ),
        (
            r#"{"bn":"/3/0/","e":[{"n":"9","v":1,"v":1}]}"#,
            (ErrorKind::InvalidField, Some(34)),
        ),
        (
            r#"{"bn":"/3/0/","e":[{"n":"0","v":1,"bv":true}]}"#,
            (ErrorKind::InvalidField, Some(34)),
        ),
        (
            r#"{"bn":"/3/0/","e":[{"n":"0","sv":1}]}"#,
            (UNEXPECTED_VALUE, Some(33)),
        ),
        (
            r#"{"bn":"/3/0/","e":[{"n":"0","ov":"3303"}]}"#,
            (ErrorKind::InvalidObjectLink, Some(33)),
        ),
        (
            r#"{"bn":"/3/0/","e":[]} x"#,
            (ErrorKind::TrailingBytes, Some(22)),
        ),
        (
            r#"{"bn":"/3/0/","e":[{"n":"x","v":1}]}"#,
            (ErrorKind::NotAPath, Some(19)),
        ),
        (
            r#"{"bn":"/3/0/","e":[{"n":"9","v":1}"#,
            (ErrorKind::Truncated, Some(34)),
        ),
        (
            r#"{"bn":"/3/0/","e":[{"n":"9","v":1},]}"#,
            (ErrorKind::Syntax(Syntax::UnexpectedByte), Some(35)),
        ),
    ] {
        assert_eq!(err("/3/0", j), want, "{j}");
    }
    // 1 MB of '[' inside e.
    let deep = format!(r#"{{"e":{}"#, "[".repeat(1 << 20));
    assert_eq!(err("/3/0", &deep), (ErrorKind::TooDeep, Some(5 + 64)));
    // Unknown keys are skipped, in the header and in entries.
    assert_eq!(
        decode(
            "/3/0/9",
            r#"{"x":[1],"e":[{"y":{"z":null},"n":"/3/0/9","v":87}]}"#,
            &NoModel
        )
        .unwrap(),
        Node::Resource(single(9, Value::Integer(87)))
    );
    // Values against the model, at the value.
    let e = decode("/3/0", r#"{"bn":"/3/0/","e":[{"n":"9","v":1.5}]}"#, &Spec).unwrap_err();
    assert_eq!(
        e.kind_at(),
        (
            &ErrorKind::Value(ValueError::NotWhole(DataType::Integer)),
            Some(32)
        )
    );
    let e = decode(
        "/3/0",
        r#"{"bn":"/3/0/","e":[{"n":"9","bv":true}]}"#,
        &AllOf(DataType::Integer),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "lwm2m-json at byte 33: /3/0/9: expected a value of type Integer, found a boolean"
    );
    // Outside the requested path.
    let e = decode("/3/0", r#"{"bn":"/3/1/","e":[{"n":"9","v":87}]}"#, &NoModel).unwrap_err();
    assert_eq!(e.kind_at(), (&ErrorKind::OutsidePath, Some(19)));
    assert_eq!(e.path(), Some(p("/3/1/9")));
}

/// An empty multiple resource: an empty `e`, read back where the model says multiple.
#[test]
fn empty_multiple_resource_round_trips() {
    let empty = Node::Resource(ResourceNode {
        id: 6,
        value: ResourceValue::Multiple(vec![]),
    });
    let j = codec::encode(F::Lwm2mJson, &p("/3/0/6"), &empty).unwrap();
    assert_eq!(decode("/3/0/6", &text(j.clone()), &Spec).unwrap(), empty);
    let e = decode("/3/0/6", &text(j), &NoModel).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::NoValue);
}

#[test]
fn writer_misuse() {
    let e = Lwm2mJsonWriter::new(&Path::ROOT, Vec::new()).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::Unsupported);
    let mut w = Lwm2mJsonWriter::new(&p("/3/0/9"), Vec::new()).unwrap();
    assert_eq!(
        w.value(8, ValueRef::Integer(1)).unwrap_err().kind(),
        &ErrorKind::IdMismatch
    );
    w.value(9, ValueRef::Integer(1)).unwrap();
    assert_eq!(
        w.value(9, ValueRef::Integer(1)).unwrap_err().kind_at(),
        (&ErrorKind::WriterMisuse, Some(27))
    );
    let mut w = Lwm2mJsonWriter::new(&p("/3"), Vec::new()).unwrap();
    w.begin_instance(0).unwrap();
    assert_eq!(
        w.finish().unwrap_err().kind_at(),
        (&ErrorKind::WriterMisuse, Some(0))
    );
}

#[test]
fn hundred_thousand_entries_with_distinct_times() {
    const N: usize = 100_000;
    let path = p("/3303/0/5700");
    let records: Vec<Record> = (0..N)
        .map(|k| Record::timed(path, Value::Float(k as f64 / 8.0), 1.7e9 + k as f64))
        .collect();
    let j = lwm2m_json::encode_records(&records).unwrap();
    assert!(
        j.starts_with(br#"{"bn":"/3303/0/5700","bt":1700000000,"e":[{"v":0.0},{"v":0.125,"t":1},"#)
    );
    assert_eq!(lwm2m_json::decode_records(&j, &Spec).unwrap(), records);
}

mod props {
    use super::*;
    use proptest::prelude::*;

    /// Every resource ID says its type.
    struct ByResource;

    impl TypeLookup for ByResource {
        fn resource_type(&self, _: u16, r: u16) -> Option<(DataType, bool)> {
            Some((dtype(r), false))
        }
    }

    fn dtype(r: u16) -> DataType {
        use DataType::*;
        [
            String,
            Integer,
            UnsignedInteger,
            Float,
            Boolean,
            Opaque,
            Time,
            Objlnk,
            Corelnk,
        ][usize::from(r % 9)]
    }

    fn value(dt: DataType) -> BoxedStrategy<Value> {
        match dt {
            DataType::String => any::<String>().prop_map(Value::String).boxed(),
            DataType::Integer => any::<i64>().prop_map(Value::Integer).boxed(),
            DataType::UnsignedInteger => any::<u64>().prop_map(Value::UnsignedInteger).boxed(),
            DataType::Float => any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::Float)
                .boxed(),
            DataType::Boolean => any::<bool>().prop_map(Value::Boolean).boxed(),
            DataType::Opaque => prop::collection::vec(any::<u8>(), 0..12)
                .prop_map(Value::Opaque)
                .boxed(),
            DataType::Time => any::<i64>().prop_map(|t| Value::Time(Time(t))).boxed(),
            DataType::Objlnk => (any::<u16>(), any::<u16>())
                .prop_map(|(o, i)| Value::Objlnk(ObjectLink::new(o, i)))
                .boxed(),
            _ => "[a-z</>;=]{0,20}"
                .prop_map(|s| Value::Corelnk(CoreLink(s)))
                .boxed(),
        }
    }

    fn record() -> impl Strategy<Value = Record> {
        let id = || prop_oneof![4 => 0u16..4, 1 => 0u16..65535];
        (
            id(),
            id(),
            id(),
            prop::option::of(id()),
            prop::option::of(-(1i64 << 40)..(1i64 << 40)),
        )
            .prop_flat_map(|(o, i, r, ri, t)| {
                let path = match ri {
                    Some(ri) => Path::resource_instance(o, i, r, ri),
                    None => Path::resource(o, i, r),
                };
                value(dtype(r)).prop_map(move |v| Record {
                    path,
                    value: Some(v),
                    time: t.map(|t| t as f64),
                })
            })
    }

    proptest! {
        /// Record lists round-trip (sv strings with escapes come back as strings).
        #[test]
        fn records_round_trip(mut list in prop::collection::vec(record(), 0..8)) {
            let mut seen = std::collections::HashSet::new();
            list.retain(|r| seen.insert((r.path, r.time.map(f64::to_bits))));
            let l = lwm2m_json::encode_records(&list).unwrap();
            prop_assert_eq!(&lwm2m_json::decode_records(&l, &ByResource).unwrap(), &list, "{}", String::from_utf8_lossy(&l));
        }

        /// Mutated payloads never panic.
        #[test]
        fn mutated_payloads_never_panic(seed in 0usize..2, edits in prop::collection::vec((any::<usize>(), any::<u8>(), 0u8..3), 1..6)) {
            let mut b = [READ_3_0, HISTORY][seed].as_bytes().to_vec();
            for (i, x, how) in edits {
                let n = b.len();
                match how {
                    0 if n > 0 => b[i % n] ^= x.max(1),
                    1 => b.insert(i % (n + 1), x),
                    _ => b.truncate(i % (n + 1)),
                }
            }
            let _ = lwm2m_json::decode_records(&b, &Spec);
            for t in [p("/3/0"), p("/3/0/9"), p("/3303/0/5700")] {
                let _ = codec::decode(F::Lwm2mJson, &t, &b, &Spec);
            }
        }
    }
}

/// Without a model every value is typed from its field, as SenML JSON types the same
/// field: `sv` String, `v` Integer when the number is written without fraction or
/// exponent (Unsigned Integer above `i64::MAX`) and Float otherwise, `bv` Boolean, `ov`
/// Object link.
#[test]
fn untyped_values_follow_their_field() {
    use Value::*;
    for (field, senml, want) in [
        (r#""sv":"ACME""#, r#""vs":"ACME""#, String("ACME".into())),
        (r#""sv":"a\"b""#, r#""vs":"a\"b""#, String("a\"b".into())),
        (r#""sv":"87""#, r#""vs":"87""#, String("87".into())),
        (
            r#""sv":"3303:0""#,
            r#""vs":"3303:0""#,
            String("3303:0".into()),
        ),
        (r#""v":87"#, r#""v":87"#, Integer(87)),
        (r#""v":-5"#, r#""v":-5"#, Integer(-5)),
        (r#""v":0"#, r#""v":0"#, Integer(0)),
        (
            r#""v":9223372036854775807"#,
            r#""v":9223372036854775807"#,
            Integer(i64::MAX),
        ),
        (
            r#""v":18446744073709551615"#,
            r#""v":18446744073709551615"#,
            UnsignedInteger(u64::MAX),
        ),
        (r#""v":21.5"#, r#""v":21.5"#, Float(21.5)),
        (r#""v":21.0"#, r#""v":21.0"#, Float(21.0)),
        (r#""v":1e2"#, r#""v":1e2"#, Float(100.0)),
        (r#""v":-0.25"#, r#""v":-0.25"#, Float(-0.25)),
        (r#""bv":true"#, r#""vb":true"#, Boolean(true)),
        (r#""bv":false"#, r#""vb":false"#, Boolean(false)),
        (
            r#""ov":"3303:0""#,
            r#""vlo":"3303:0""#,
            Objlnk(ObjectLink::new(3303, 0)),
        ),
        (
            r#""ov":"65535:65535""#,
            r#""vlo":"65535:65535""#,
            Objlnk(ObjectLink::new(65535, 65535)),
        ),
    ] {
        let node = Node::Resource(single(1, want));
        let j = format!(r#"{{"bn":"/1234/0/1","e":[{{{field}}}]}}"#);
        assert_eq!(decode("/1234/0/1", &j, &NoModel), Ok(node.clone()), "{j}");
        let s = format!(r#"[{{"n":"/1234/0/1",{senml}}}]"#);
        let senml = codec::decode(F::SenmlJson, &p("/1234/0/1"), s.as_bytes(), &NoModel);
        assert_eq!(senml, Ok(node), "{s}");
    }
    // Several fields in one instance, through the untyped decode of the whole payload.
    let j = r#"{"bn":"/1234/0/","e":[{"n":"0","sv":"x"},{"n":"1","v":2},{"n":"2","v":2.5},{"n":"3","bv":true},{"n":"4/7","ov":"3:0"}]}"#;
    assert_eq!(
        decode("/1234/0", j, &NoModel).unwrap(),
        Node::Instance(InstanceNode {
            id: 0,
            resources: vec![
                single(0, String("x".into())),
                single(1, Integer(2)),
                single(2, Float(2.5)),
                single(3, Boolean(true)),
                multiple(4, 7, Objlnk(ObjectLink::new(3, 0))),
            ],
        })
    );
}
