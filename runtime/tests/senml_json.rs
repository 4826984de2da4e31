//! SenML JSON (110): the worked examples of the formats reference (§9.3 A–D, exact bytes
//! both ways), golden values at boundaries, resolution rules, labels and values, JSON
//! syntax corners with exact `(ErrorKind, offset)` pairs, the writer's errors, and large
//! generated inputs.

mod common;

use common::p;

use ucifi_runtime::codec::senml::Record;
use ucifi_runtime::codec::senml_json::{self, SenmlJsonWriter};
use ucifi_runtime::codec::{
    self, ErrorKind, Event, NoModel, RawValue, SliceOutput, Syntax, TypeLookup, ValueError, Writer,
};
use ucifi_runtime::{
    ContentFormat as F, CoreLink, DataType, InstanceNode, Node, ObjectLink, ObjectNode, Path,
    ResourceInstanceNode, ResourceNode, ResourceValue, Time, Value, ValueRef,
};

// ---- helpers ----

fn single(id: u16, v: Value) -> ResourceNode {
    ResourceNode {
        id,
        value: ResourceValue::Single(v),
    }
}

fn multi(id: u16, list: &[(u16, Value)]) -> ResourceNode {
    ResourceNode {
        id,
        value: ResourceValue::Multiple(
            list.iter()
                .map(|(id, value)| ResourceInstanceNode {
                    id: *id,
                    value: value.clone(),
                })
                .collect(),
        ),
    }
}

fn int(v: i64) -> Value {
    Value::Integer(v)
}

fn s(v: &str) -> Value {
    Value::String(v.into())
}

/// Every resource has one type (single-instance).
struct One(DataType);

impl TypeLookup for One {
    fn resource_type(&self, _: u16, _: u16) -> Option<(DataType, bool)> {
        Some((self.0, false))
    }
}

/// Types of the objects the examples use: Device (3), Temperature (3303), a test object
/// 9999 whose resource IDs say their type.
struct Spec;

impl TypeLookup for Spec {
    fn resource_type(&self, o: u16, r: u16) -> Option<(DataType, bool)> {
        use DataType::{Float, Integer, Objlnk, Opaque, String, Time, UnsignedInteger};
        Some(match (o, r) {
            (3, 0..=3 | 14..=16) => (String, false),
            (3, 6..=8 | 11) => (Integer, true),
            (3, 9 | 10) => (Integer, false),
            (3, 13) => (Time, false),
            (3, 22) => (Objlnk, true),
            (3303, 5700) => (Float, false),
            (3303, 5701) => (String, false),
            (9999, 0) => (String, false),
            (9999, 1) => (Opaque, false),
            (9999, 2) => (Integer, false),
            (9999, 3) => (UnsignedInteger, false),
            (9999, 4) => (Float, false),
            (9999, 5) => (DataType::Boolean, false),
            (9999, 22) => (Objlnk, false),
            _ => return None,
        })
    }
}

fn text(b: Vec<u8>) -> String {
    String::from_utf8(b).unwrap()
}

fn records(json: &str) -> Result<Vec<Record>, codec::Error> {
    senml_json::decode_records(json.as_bytes(), &Spec)
}

/// (path, value) of every record.
fn leaves(r: Vec<Record>) -> Vec<(Path, Value)> {
    r.into_iter()
        .map(|r| (r.path, r.value.expect("a value")))
        .collect()
}

fn one(json: &str) -> Value {
    records(json).unwrap().remove(0).value.expect("a value")
}

/// The error's kind and offset.
#[track_caller]
fn err(json: &str) -> (ErrorKind, Option<usize>) {
    let e = records(json).unwrap_err();
    assert_eq!(e.format(), Some(F::SenmlJson), "{json}");
    (e.kind().clone(), e.offset())
}

#[track_caller]
fn value_err(json: &str) -> ValueError {
    match records(json).unwrap_err().kind() {
        ErrorKind::Value(v) => v.clone(),
        other => panic!("expected a value error for {json}, got {other:?}"),
    }
}

const UNEXPECTED_VALUE: ErrorKind = ErrorKind::Syntax(Syntax::UnexpectedValue);
const UNEXPECTED_BYTE: ErrorKind = ErrorKind::Syntax(Syntax::UnexpectedByte);
const INVALID_NUMBER: ErrorKind = ErrorKind::Syntax(Syntax::InvalidNumber);
const INVALID_STRING: ErrorKind = ErrorKind::Syntax(Syntax::InvalidString);

fn via_writer(path: &Path, node: &Node) -> Result<Vec<u8>, codec::Error> {
    let mut w = SenmlJsonWriter::new(path, Vec::new())?;
    codec::encode_node(node, &mut w)?;
    w.finish()
}

// ---- §9.3 examples ----

fn example_a_node() -> Node {
    Node::Instance(InstanceNode {
        id: 0,
        resources: vec![
            single(0, s("ACME")),
            multi(6, &[(0, int(1)), (1, int(5))]),
            single(9, int(87)),
            single(13, int(1_700_000_000)),
        ],
    })
}

const A_JSON: &str = r#"[{"bn":"/3/0/","n":"0","vs":"ACME"},{"n":"6/0","v":1},{"n":"6/1","v":5},{"n":"9","v":87},{"n":"13","v":1700000000}]"#;

#[test]
fn example_a_read_instance() {
    let path = p("/3/0");
    let node = example_a_node();
    assert_eq!(
        text(codec::encode(F::SenmlJson, &path, &node).unwrap()),
        A_JSON
    );
    assert_eq!(text(via_writer(&path, &node).unwrap()), A_JSON);
    assert_eq!(
        codec::decode(F::SenmlJson, &path, A_JSON.as_bytes(), &NoModel).unwrap(),
        node
    );
    // Into a caller's buffer: the same bytes; one byte short is BufferFull.
    let mut buf = [0u8; 200];
    let n = codec::encode_into(F::SenmlJson, &path, &node, &mut buf).unwrap();
    assert_eq!(&buf[..n], A_JSON.as_bytes());
    let mut small = vec![0u8; A_JSON.len() - 1];
    let e = codec::encode_into(F::SenmlJson, &path, &node, &mut small).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::BufferFull);
    // With the model: Time, multiple resources.
    let typed = codec::decode(F::SenmlJson, &path, A_JSON.as_bytes(), &Spec).unwrap();
    let Node::Instance(i) = typed else { panic!() };
    assert_eq!(i.resources[3], single(13, Value::Time(Time(1_700_000_000))));
}

#[test]
fn example_a_anjay_style_names_decode_the_same() {
    // Anjay splits the name as "/3/0" + "/9".
    let json = r#"[{"bn":"/3/0","n":"/0","vs":"ACME"},{"n":"/6/0","v":1},{"n":"/6/1","v":5},{"n":"/9","v":87},{"n":"/13","v":1700000000}]"#;
    assert_eq!(
        codec::decode(F::SenmlJson, &p("/3/0"), json.as_bytes(), &NoModel).unwrap(),
        example_a_node()
    );
}

fn example_b_records() -> Vec<Record> {
    vec![
        Record::new(p("/1/0/6"), Value::Boolean(true)),
        Record::new(p("/3/0/22/0"), Value::Objlnk(ObjectLink::new(3303, 0))),
        Record::new(p("/19/0/0/0"), Value::Opaque(vec![1, 2, 3, 0xFB, 0xFF])),
    ]
}

const B_JSON: &str = r#"[{"bn":"/1/0/","n":"6","vb":true},{"bn":"/3/0/","n":"22/0","vlo":"3303:0"},{"bn":"/19/0/","n":"0/0","vd":"AQID-_8"}]"#;

#[test]
fn example_b_boolean_objlnk_opaque() {
    let records = example_b_records();
    assert_eq!(text(senml_json::encode_records(&records).unwrap()), B_JSON);
    assert_eq!(
        senml_json::decode_records(B_JSON.as_bytes(), &NoModel).unwrap(),
        records
    );
    // vd with padding is accepted too.
    let padded = B_JSON.replace("AQID-_8", "AQID-_8=");
    assert_eq!(
        senml_json::decode_records(padded.as_bytes(), &NoModel).unwrap(),
        records
    );
}

const C_JSON: &str =
    r#"[{"bn":"/3303/0/5700","bt":1700000000,"v":21.5},{"t":60,"v":21.75},{"t":120,"v":22.5}]"#;

#[test]
fn example_c_timestamped_send() {
    let path = p("/3303/0/5700");
    let records = vec![
        Record::timed(path, Value::Float(21.5), 1_700_000_000.0),
        Record::timed(path, Value::Float(21.75), 1_700_000_060.0),
        Record::timed(path, Value::Float(22.5), 1_700_000_120.0),
    ];
    assert_eq!(text(senml_json::encode_records(&records).unwrap()), C_JSON);
    assert_eq!(
        senml_json::decode_records(C_JSON.as_bytes(), &NoModel).unwrap(),
        records
    );
    // The events carry the resolved times.
    let mut events = Vec::new();
    senml_json::decode(&path, C_JSON.as_bytes(), &mut events).unwrap();
    let times: Vec<_> = events
        .iter()
        .map(|e| match e {
            Event::Value {
                path: p,
                value: RawValue::Float(_),
                time,
            } if *p == path => time.unwrap(),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(times, [1_700_000_000.0, 1_700_000_060.0, 1_700_000_120.0]);
    // The same payload as a node is a duplicate path, located at the second record.
    let e = codec::decode(F::SenmlJson, &path, C_JSON.as_bytes(), &NoModel).unwrap_err();
    assert_eq!(e.kind_at(), (&ErrorKind::DuplicatePath, Some(48)));
    assert_eq!(e.path(), Some(path));
}

const D_JSON: &str = r#"[{"n":"/3/0/9"},{"n":"/3303/0/5700"}]"#;

#[test]
fn example_d_read_composite_request() {
    let records = vec![
        Record::path_only(p("/3/0/9")),
        Record::path_only(p("/3303/0/5700")),
    ];
    assert_eq!(text(senml_json::encode_records(&records).unwrap()), D_JSON);
    assert_eq!(
        senml_json::decode_records(D_JSON.as_bytes(), &NoModel).unwrap(),
        records
    );
    let mut events = Vec::new();
    senml_json::decode(&Path::ROOT, D_JSON.as_bytes(), &mut events).unwrap();
    assert_eq!(
        events,
        [
            Event::PathOnly(p("/3/0/9")),
            Event::PathOnly(p("/3303/0/5700"))
        ]
    );
}

/// §9.2: with an alternate path (LwM2M 1.2) names carry its prefix.
#[test]
fn alternate_path_prefix() {
    let json = br#"[{"bn":"/lwm2m/3/0/","n":"9","v":87}]"#;
    let mut events = Vec::new();
    senml_json::decode_with_alternate_path("/lwm2m", json, &mut events).unwrap();
    assert_eq!(
        events,
        [Event::Value {
            path: p("/3/0/9"),
            value: RawValue::Integer(87),
            time: None
        }]
    );
    let mut events = Vec::new();
    senml_json::decode_with_alternate_path("/lwm2m", br#"[{"bn":"/lwm2m"}]"#, &mut events).unwrap();
    assert_eq!(events, [Event::PathOnly(Path::ROOT)]);
    // Without the prefix configured the names are not paths; with it, plain names are
    // outside the alternate path.
    let e = codec::decode(F::SenmlJson, &p("/3/0/9"), json, &NoModel).unwrap_err();
    assert_eq!(e.kind_at(), (&ErrorKind::NotAPath, Some(1)));
    let e = senml_json::decode_with_alternate_path(
        "/lwm2m",
        br#"[{"n":"/3/0/9","v":87}]"#,
        &mut Vec::new(),
    )
    .unwrap_err();
    assert_eq!(e.kind_at(), (&ErrorKind::OutsidePath, Some(1)));
}

// ---- golden values ----

/// (value, SenML JSON field)
fn table() -> Vec<(Value, &'static str)> {
    use Value::*;
    vec![
        (Integer(0), r#""v":0"#),
        (Integer(-1), r#""v":-1"#),
        (Integer(65536), r#""v":65536"#),
        (Integer(i64::MIN), r#""v":-9223372036854775808"#),
        (Integer(i64::MAX), r#""v":9223372036854775807"#),
        (UnsignedInteger(0), r#""v":0"#),
        (UnsignedInteger(u64::MAX), r#""v":18446744073709551615"#),
        (Float(21.5), r#""v":21.5"#),
        (Float(1.0), r#""v":1.0"#),
        (Float(-0.0), r#""v":-0.0"#),
        (Float(100000.0), r#""v":100000.0"#),
        (Float(3.4028234663852886e38), r#""v":3.4028234663852886e38"#),
        (Float(0.1), r#""v":0.1"#),
        (Float(1e300), r#""v":1e300"#),
        (Float(1e-7), r#""v":1e-7"#),
        (Float(1.5e-5), r#""v":1.5e-5"#),
        (Float(1e-4), r#""v":0.0001"#),
        (Float(1e16), r#""v":1e16"#),
        (
            Float(1125899906842624.0 + 0.25),
            r#""v":1125899906842624.3"#,
        ),
        (Boolean(false), r#""vb":false"#),
        (Boolean(true), r#""vb":true"#),
        (String("".into()), r#""vs":"""#),
        (String("a\"\\\n\u{1}é".into()), r#""vs":"a\"\\\n\u0001é""#),
        (Opaque(vec![]), r#""vd":"""#),
        (Opaque(vec![0xFF]), r#""vd":"_w""#),
        (Opaque(vec![0xFB, 0xFF, 0xBF]), r#""vd":"-_-_""#),
        (Time(ucifi_runtime::Time(0)), r#""v":0"#),
        (
            Time(ucifi_runtime::Time(-1_700_000_000)),
            r#""v":-1700000000"#,
        ),
        (Objlnk(ObjectLink::new(0, 0)), r#""vlo":"0:0""#),
        (Objlnk(ObjectLink::NULL), r#""vlo":"65535:65535""#),
        (Corelnk(CoreLink("</1>".into())), r#""vs":"</1>""#),
    ]
}

#[test]
fn golden_values() {
    let path = p("/1/0/1");
    for (value, json) in table() {
        let types = One(value.data_type());
        let records = vec![Record::new(path, value.clone())];
        let j = senml_json::encode_records(&records).unwrap();
        assert_eq!(text(j.clone()), format!(r#"[{{"bn":"/1/0/1",{json}}}]"#));
        assert_eq!(
            senml_json::decode_records(&j, &types).unwrap(),
            records,
            "{value:?}"
        );
        // The writer of a resource target writes the same.
        let node = Node::Resource(single(1, value.clone()));
        assert_eq!(codec::encode(F::SenmlJson, &path, &node).unwrap(), j);
    }
    // The longest name.
    let r = [Record::new(
        p("/65534/65534/65534/65534"),
        Value::Boolean(true),
    )];
    let j = senml_json::encode_records(&r).unwrap();
    assert_eq!(j, br#"[{"bn":"/65534/65534/65534/65534","vb":true}]"#);
    assert_eq!(senml_json::decode_records(&j, &NoModel).unwrap(), r);
    // A long opaque value (base64 written in chunks).
    let long: Vec<u8> = (0..=255).collect();
    let r = [Record::new(p("/1/0/1"), Value::Opaque(long))];
    let j = senml_json::encode_records(&r).unwrap();
    assert_eq!(
        senml_json::decode_records(&j, &One(DataType::Opaque)).unwrap(),
        r
    );
}

#[test]
fn non_finite_numbers_are_refused_before_the_record() {
    for f in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let r = [Record::new(p("/1/0/1"), Value::Float(f))];
        let e = senml_json::encode_records(&r).unwrap_err();
        assert_eq!(e.kind_at(), (&ErrorKind::NumberOutOfRange, Some(0)));
        let r = [
            Record::new(p("/1/0/1"), int(1)),
            Record::timed(p("/1/0/2"), int(1), f),
        ];
        let e = senml_json::encode_records(&r).unwrap_err();
        assert_eq!(e.kind_at(), (&ErrorKind::NumberOutOfRange, Some(29)));
    }
}

// ---- §9.2 resolution ----

#[test]
fn base_name_splits_and_inheritance() {
    let want = vec![(p("/3/0/9"), int(87))];
    for j in [
        r#"[{"bn":"/3/0/","n":"9","v":87}]"#, // Leshan
        r#"[{"bn":"/3/0","n":"/9","v":87}]"#, // Anjay
        r#"[{"bn":"/3/0/9","v":87}]"#,        // bn alone
        r#"[{"n":"/3/0/9","v":87}]"#,         // n alone
        r#"[{"bn":"/3/","n":"0/9","v":87}]"#,
        r#"[{"bn":"/","n":"3/0/9","v":87}]"#,
        r#"[{"bn":"/3/0/9","n":"","v":87}]"#,
        r#"[{"n":"9","v":87,"bn":"/3/0/"}]"#, // bn after n in the same record
        "[ {\n\t\"bn\" : \"/3/0/\" ,\r\n \"n\":\"9\" , \"v\" : 87 } ]\n",
        r#"[{"bn":"\/3\/0\/","n":"\u0039","v":87}]"#,
    ] {
        assert_eq!(leaves(records(j).unwrap()), want, "{j}");
    }
    // Plain concatenation: "/3/0/1" + "0" is /3/0/10.
    assert_eq!(
        leaves(records(r#"[{"bn":"/3/0/1","n":"0","v":15}]"#).unwrap()),
        vec![(p("/3/0/10"), int(15))]
    );
    // bn applies to the record carrying it and all following until replaced.
    let got = leaves(
        records(
            r#"[{"bn":"/3/0/","n":"9","v":87},{"n":"10","v":15},
               {"bn":"/3303/0","n":"/5700","v":22.5},{"n":"/5701","vs":"Cel"},
               {"bn":"/3/0/","n":"6/1","v":5}]"#,
        )
        .unwrap(),
    );
    assert_eq!(
        got,
        vec![
            (p("/3/0/9"), int(87)),
            (p("/3/0/10"), int(15)),
            (p("/3303/0/5700"), Value::Float(22.5)),
            (p("/3303/0/5701"), s("Cel")),
            (p("/3/0/6/1"), int(5)),
        ]
    );
    // ("/3/0" + "9" is "/3/09": read like Leshan's parser, as /3/9.)
    assert_eq!(
        leaves(records(r#"[{"bn":"/3/0","n":"9","v":87}]"#).unwrap()),
        vec![(p("/3/9"), int(87))]
    );
    // Double slash and names that are not paths are errors at the record.
    for j in [
        r#"[{"bn":"/3/0/","n":"/9","v":87}]"#,
        r#"[{"v":87}]"#,
        r#"[{"n":"3/0/9","v":87}]"#,
        r#"[{"n":"/3/0/65535","v":87}]"#,
        r#"[{"n":"/3/0/6/0/1","v":87}]"#,
        r#"[{"bn":"/3/0/","n":"x","v":1}]"#,
        r#"[{"bn":"/3/0/","n":"9x","v":1}]"#,
        r#"[{"bn":"/3/0/","n":"099999","v":1}]"#,
        r#"[{"bn":"/3/0//","n":"9","v":1}]"#,
        "[{\"bn\":\"/3/0/\",\"n\":\"9\u{e9}\",\"v\":1}]",
    ] {
        assert_eq!(err(j), (ErrorKind::NotAPath, Some(1)), "{j}");
    }
    // A base name longer than any path spoils the names until the next one.
    let long = format!("/3/0/{}/", "x".repeat(80));
    let j = format!(
        r#"[{{"bn":"/3/0/","n":"9","v":1}},{{"bn":"{long}","n":"9","v":1}},{{"bn":"/3/0/","n":"10","v":1}}]"#
    );
    assert_eq!(err(&j), (ErrorKind::NotAPath, Some(30)));
}

#[test]
fn base_time_arithmetic() {
    let got: Vec<Option<f64>> = records(
        r#"[{"bn":"/3303/0/5700","bt":1700000000.5,"v":21.5},{"t":0.25,"v":21.75},
            {"t":-0.5,"v":1},{"bt":10,"v":2},{"t":60,"v":3}]"#,
    )
    .unwrap()
    .into_iter()
    .map(|r| r.time)
    .collect();
    assert_eq!(
        got,
        [
            Some(1_700_000_000.5),
            Some(1_700_000_000.75),
            Some(1_700_000_000.0),
            Some(10.0),
            Some(70.0)
        ]
    );
    // t without bt; no time at all.
    let r = records(r#"[{"n":"/3/0/9","t":1.5e9,"v":1},{"n":"/3/0/10","v":2}]"#).unwrap();
    assert_eq!((r[0].time, r[1].time), (Some(1.5e9), None));
    // The same path at two times is a series, at the same time a duplicate.
    let series = r#"[{"n":"/3/0/9","t":1,"v":1},{"n":"/3/0/9","t":2,"v":2}]"#;
    assert_eq!(records(series).unwrap().len(), 2);
    let e = records(r#"[{"n":"/3/0/9","v":1,"t":5},{"n":"/3/0/9","v":2,"t":5}]"#).unwrap_err();
    assert_eq!(e.kind_at(), (&ErrorKind::DuplicatePath, Some(28)));
    assert_eq!(e.path(), Some(p("/3/0/9")));
    // Duplicate resolved path in a node decode.
    let e = codec::decode(
        F::SenmlJson,
        &p("/3/0"),
        br#"[{"bn":"/3/0/","n":"9","v":1},{"bn":"/3/0","n":"/9","v":2}]"#,
        &Spec,
    )
    .unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::DuplicatePath);
    // Times out of range.
    assert_eq!(
        err(r#"[{"n":"/3/0/9","t":1e999,"v":1}]"#),
        (ErrorKind::NumberOutOfRange, Some(19))
    );
    assert_eq!(
        err(r#"[{"bn":"/3/0/9","bt":1.5,"v":1},{"t":-1,"v":2},{"t":"x","v":3}]"#),
        (UNEXPECTED_VALUE, Some(52))
    );
}

/// RFC 8428 §4.5.3 relative times: the decoders keep resolved times as sent and
/// `Record::absolute_time` applies the rule.
#[test]
fn relative_times_count_from_now() {
    const NOW: f64 = 1_700_000_000.0;
    let json = br#"[{"bn":"/3303/0/5700","bt":-60,"v":21.5},{"t":30,"v":21.75}]"#;
    let r = senml_json::decode_records(json, &NoModel).unwrap();
    let times: Vec<_> = r.iter().map(|r| (r.time, r.absolute_time(NOW))).collect();
    assert_eq!(
        times,
        [
            (Some(-60.0), Some(1_699_999_940.0)),
            (Some(-30.0), Some(1_699_999_970.0))
        ]
    );
    let r = senml_json::decode_records(C_JSON.as_bytes(), &NoModel).unwrap();
    assert!(r.iter().all(|r| r.absolute_time(NOW) == r.time));
}

// ---- §9.1 labels and values ----

#[test]
fn labels() {
    // Unknown labels are skipped whatever their value.
    assert_eq!(
        one(r#"[{"n":"/3/0/9","x":{"a":[1,{"b":null}],"c":"\u00e9"},"v":87,"y":[]}]"#),
        int(87)
    );
    // RFC 8428 fields that LwM2M does not use are accepted; bv only as 0.
    assert_eq!(
        one(r#"[{"bver":10,"bu":"Cel","u":"Cel","bs":0,"s":1,"ut":5,"bv":0,"n":"/3/0/9","v":87}]"#),
        int(87)
    );
    for (j, want) in [
        // Must-understand labels are refused at the label.
        (
            r#"[{"n":"/3/0/9","v":87,"foo_":1}]"#,
            (ErrorKind::InvalidField, Some(22)),
        ),
        (
            r#"[{"bn_":"/3/0/","n":"9","v":87}]"#,
            (ErrorKind::InvalidField, Some(2)),
        ),
        // A label twice, two value fields.
        (
            r#"[{"n":"/3/0/9","v":1,"v":2}]"#,
            (ErrorKind::InvalidField, Some(21)),
        ),
        (
            r#"[{"n":"/3/0/9","n":"/3/0/8"}]"#,
            (ErrorKind::InvalidField, Some(15)),
        ),
        (
            r#"[{"bn":"/3/0/","bn":"/3/0/","n":"9","v":1}]"#,
            (ErrorKind::InvalidField, Some(15)),
        ),
        (
            r#"[{"n":"/3/0/9","v":1,"vs":"x"}]"#,
            (ErrorKind::InvalidField, Some(21)),
        ),
        // A base value other than 0, at the value.
        (
            r#"[{"n":"/3/0/9","bv":2,"v":1}]"#,
            (ErrorKind::InvalidField, Some(20)),
        ),
        // Fields of the wrong JSON type.
        (r#"[{"n":"/3/0/9","v":"1"}]"#, (UNEXPECTED_VALUE, Some(19))),
        (r#"[{"n":"/3/0/9","vb":1}]"#, (UNEXPECTED_VALUE, Some(20))),
        (r#"[{"n":"/3/0/9","vb":tru}]"#, (UNEXPECTED_VALUE, Some(20))),
        (r#"[{"n":"/3/0/9","vs":1}]"#, (UNEXPECTED_VALUE, Some(20))),
        (r#"[{"n":"/3/0/9","v":null}]"#, (UNEXPECTED_VALUE, Some(19))),
        (
            r#"[{"n":"/3/0/9","v":1,"u":1}]"#,
            (UNEXPECTED_VALUE, Some(25)),
        ),
        (r#"[{"n":9,"v":1}]"#, (UNEXPECTED_VALUE, Some(6))),
    ] {
        assert_eq!(err(j), want, "{j}");
    }
}

#[test]
fn values_by_type() {
    // Integer: integral numbers in any notation; 1.5 and out-of-range are value errors.
    for j in ["87", "87.0", "8.7e1", "870e-1", "0.87E2"] {
        assert_eq!(
            one(&format!(r#"[{{"n":"/9999/0/2","v":{j}}}]"#)),
            int(87),
            "{j}"
        );
    }
    assert_eq!(one(r#"[{"n":"/9999/0/2","v":-0}]"#), int(0));
    assert_eq!(one(r#"[{"n":"/9999/0/2","v":-0.0}]"#), int(0));
    for j in ["9223372036854775808", "1e19", "-9223372036854775809"] {
        assert_eq!(
            value_err(&format!(r#"[{{"n":"/9999/0/2","v":{j}}}]"#)),
            ValueError::OutOfRange(DataType::Integer),
            "{j}"
        );
    }
    // A fraction is no whole number (not out of range).
    assert_eq!(
        value_err(r#"[{"n":"/9999/0/2","v":1.5}]"#),
        ValueError::NotWhole(DataType::Integer)
    );
    // Located at the value.
    let e = records(r#"[{"n":"/9999/0/2","v":1.5}]"#).unwrap_err();
    assert_eq!((e.offset(), e.path()), (Some(22), Some(p("/9999/0/2"))));
    assert_eq!(
        one(r#"[{"n":"/9999/0/2","v":-9223372036854775808}]"#),
        int(i64::MIN)
    );
    // Unsigned.
    assert_eq!(
        one(r#"[{"n":"/9999/0/3","v":18446744073709551615}]"#),
        Value::UnsignedInteger(u64::MAX)
    );
    assert_eq!(
        value_err(r#"[{"n":"/9999/0/3","v":-1}]"#),
        ValueError::OutOfRange(DataType::UnsignedInteger)
    );
    // Float: integers accepted, tiny exponents underflow to 0, huge ones are errors.
    assert_eq!(one(r#"[{"n":"/9999/0/4","v":87}]"#), Value::Float(87.0));
    assert_eq!(one(r#"[{"n":"/9999/0/4","v":1e-400}]"#), Value::Float(0.0));
    assert_eq!(
        one(r#"[{"n":"/9999/0/4","v":123456789012345678901234567890}]"#),
        Value::Float(1.2345678901234568e29)
    );
    assert_eq!(
        one(r#"[{"n":"/9999/0/4","v":1234567890123456789012345678901234567890123}]"#),
        Value::Float(1.2345678901234568e42)
    );
    assert_eq!(
        err(r#"[{"n":"/9999/0/4","v":1e400}]"#),
        (ErrorKind::NumberOutOfRange, Some(22))
    );
    // JSON number syntax errors.
    for (j, want) in [
        ("01", (UNEXPECTED_VALUE, Some(23))),
        ("-", (INVALID_NUMBER, Some(22))),
        ("+1", (UNEXPECTED_BYTE, Some(22))),
        (".5", (UNEXPECTED_BYTE, Some(22))),
        ("1.", (INVALID_NUMBER, Some(22))),
        ("1e", (INVALID_NUMBER, Some(22))),
        ("NaN", (UNEXPECTED_BYTE, Some(22))),
        ("0x10", (UNEXPECTED_BYTE, Some(23))),
    ] {
        assert_eq!(
            err(&format!(r#"[{{"n":"/9999/0/4","v":{j}}}]"#)),
            want,
            "{j}"
        );
    }
    // Boolean only from vb.
    assert_eq!(
        one(r#"[{"n":"/9999/0/5","vb":true}]"#),
        Value::Boolean(true)
    );
    assert!(matches!(
        value_err(r#"[{"n":"/9999/0/5","v":1}]"#),
        ValueError::WrongType { .. }
    ));
    // Strings with escapes.
    assert_eq!(
        one(r#"[{"n":"/9999/0/0","vs":"caf\u00e9 \ud83d\ude00 \"q\" \\ \/ \b\f\n\r\t"}]"#),
        s("café 😀 \"q\" \\ / \u{8}\u{c}\n\r\t")
    );
    for j in [
        r#""\ud83d""#,
        r#""\ude00""#,
        r#""\ud83d\u0041""#,
        r#""\ud83dx""#,
        r#""\u12""#,
        r#""\x""#,
    ] {
        assert_eq!(
            err(&format!(r#"[{{"n":"/9999/0/0","vs":{j}}}]"#)),
            (INVALID_STRING, Some(24)),
            "{j}"
        );
    }
    // Raw control characters are not allowed in strings.
    assert_eq!(
        err("[{\"n\":\"/9999/0/0\",\"vs\":\"a\tb\"}]"),
        (INVALID_STRING, Some(25))
    );
    assert_eq!(err("[{\"n\":\"/3/0/\u{1}\"}]"), (INVALID_STRING, Some(12)));
    // Invalid UTF-8 in a string, with and without escapes: at the string.
    for bad in [
        &b"[{\"n\":\"/9999/0/0\",\"vs\":\"\xFF\"}]"[..],
        b"[{\"n\":\"/9999/0/0\",\"vs\":\"\\n\xFF\"}]",
    ] {
        let e = senml_json::decode_records(bad, &Spec).unwrap_err();
        assert_eq!(e.kind_at(), (&ErrorKind::InvalidUtf8, Some(23)));
    }
}

#[test]
fn opaque_vd_alphabets() {
    // base64url without padding (spec), with padding, and, leniently, the standard
    // alphabet with or without padding. One value must use one alphabet.
    let want = Value::Opaque(vec![1, 2, 3, 0xFB, 0xFF]);
    for vd in ["AQID-_8", "AQID-_8=", "AQID+/8=", "AQID+/8"] {
        assert_eq!(
            one(&format!(r#"[{{"n":"/9999/0/1","vd":"{vd}"}}]"#)),
            want,
            "{vd}"
        );
    }
    assert_eq!(one(r#"[{"n":"/9999/0/1","vd":""}]"#), Value::Opaque(vec![]));
    for vd in [
        "AQID-/8",
        "AQID+_8",
        "A",
        "AQID-_8==",
        "AQ ID",
        "AQID-_9",
        "A*",
    ] {
        assert_eq!(
            err(&format!(r#"[{{"n":"/9999/0/1","vd":"{vd}"}}]"#)),
            (ErrorKind::InvalidBase64, Some(23)),
            "{vd}"
        );
    }
    // Encoder: base64url without padding.
    let node = Node::Resource(single(1, want));
    assert_eq!(
        text(codec::encode(F::SenmlJson, &p("/9999/0/1"), &node).unwrap()),
        r#"[{"bn":"/9999/0/1","vd":"AQID-_8"}]"#
    );
}

#[test]
fn objlnk_vlo_and_vs() {
    let want = Value::Objlnk(ObjectLink::new(3303, 0));
    assert_eq!(one(r#"[{"bn":"/3/0/","n":"22/0","vlo":"3303:0"}]"#), want);
    // Leshan writes links in vs: taken where the model says Objlnk.
    assert_eq!(one(r#"[{"bn":"/3/0/","n":"22/0","vs":"3303:0"}]"#), want);
    assert_eq!(
        one(r#"[{"n":"/9999/0/22","vlo":"65535:65535"}]"#),
        Value::Objlnk(ObjectLink::NULL)
    );
    for j in [
        r#"[{"n":"/9999/0/22","vlo":"65536:0"}]"#,
        r#"[{"n":"/9999/0/22","vlo":"3303"}]"#,
    ] {
        assert_eq!(err(j), (ErrorKind::InvalidObjectLink, Some(25)), "{j}");
    }
    assert_eq!(
        value_err(r#"[{"n":"/9999/0/22","vs":"3303"}]"#),
        ValueError::InvalidText(DataType::Objlnk)
    );
    let node = Node::Resource(single(22, want));
    assert_eq!(
        text(codec::encode(F::SenmlJson, &p("/9999/0/22"), &node).unwrap()),
        r#"[{"bn":"/9999/0/22","vlo":"3303:0"}]"#
    );
}

// ---- JSON syntax ----

#[test]
fn json_framing() {
    assert_eq!(records("[]").unwrap(), vec![]);
    assert_eq!(records(" [ ] \n").unwrap(), vec![]);
    for (j, want) in [
        ("{}", (UNEXPECTED_VALUE, Some(0))),
        ("]", (UNEXPECTED_BYTE, Some(0))),
        ("[", (ErrorKind::Truncated, Some(1))),
        ("[] x", (ErrorKind::TrailingBytes, Some(3))),
        ("[] []", (ErrorKind::TrailingBytes, Some(3))),
        ("[{},]", (ErrorKind::NotAPath, Some(1))),
        (r#"[{"n":"/3/0/9","v":1},]"#, (UNEXPECTED_BYTE, Some(22))),
        (r#"[{"n":"/3/0/9","v":1,}]"#, (UNEXPECTED_BYTE, Some(21))),
        (r#"[{"n":"/3/0/9","v":1}"#, (ErrorKind::Truncated, Some(21))),
        (r#"[{"n":"/3/0/9" "v":1}]"#, (UNEXPECTED_VALUE, Some(15))),
        (r#"[{"n":"/3/0/9":"v":1}]"#, (UNEXPECTED_BYTE, Some(14))),
        (
            r#"[{"n":"/3/0/9","v":1}{"n":"/3/0/10","v":1}]"#,
            (UNEXPECTED_VALUE, Some(21)),
        ),
        (r#"[{n:"/3/0/9","v":1}]"#, (UNEXPECTED_VALUE, Some(2))),
        (r#"[{x:"/3/0/9","v":1}]"#, (UNEXPECTED_BYTE, Some(2))),
        (r#"[[{"n":"/3/0/9","v":1}]]"#, (UNEXPECTED_VALUE, Some(1))),
        ("[1]", (UNEXPECTED_VALUE, Some(1))),
        (r#"[{"n":"/3/0/9","v":1},1]"#, (UNEXPECTED_VALUE, Some(22))),
        (
            "[{\"n\":\"/3/0/9\",\"vs\":\"abc",
            (ErrorKind::Truncated, Some(20)),
        ),
        (
            "[{\"n\":\"/3/0/9\",\"v\":",
            (ErrorKind::Truncated, Some(19)),
        ),
        (
            r#"[{"n":"/3/0/9","x":[[[[]]]],"v":1}"#,
            (ErrorKind::Truncated, Some(34)),
        ),
    ] {
        assert_eq!(err(j), want, "{j}");
    }
    // Read-Composite: names and no values, at any level.
    assert_eq!(
        records(r#"[{"n":"/3/0/9"},{"n":"/3303/0/5700"},{"n":"/3"},{"n":"/3/0"},{"n":"/"}]"#)
            .unwrap(),
        ["/3/0/9", "/3303/0/5700", "/3", "/3/0", "/"]
            .map(|s| Record::path_only(p(s)))
            .to_vec()
    );
}

#[test]
fn json_hostile() {
    // 1 MB of '[' fails at the second byte (a record must be an object).
    let deep = "[".repeat(1 << 20);
    assert_eq!(err(&deep), (UNEXPECTED_VALUE, Some(1)));
    // Deeply nested unknown label values are refused, not recursed into.
    let mut j = String::from(r#"[{"n":"/3/0/9","x":"#);
    j.push_str(&"[".repeat(10_000));
    j.push_str(&"]".repeat(10_000));
    j.push_str(r#","v":1}]"#);
    assert_eq!(err(&j), (ErrorKind::TooDeep, Some(83)));
    let mut j = String::from(r#"[{"n":"/3/0/9","x":"#);
    j.push_str(&r#"{"a":"#.repeat(10_000));
    assert_eq!(err(&j), (ErrorKind::TooDeep, Some(19 + 64 * 5)));
    // 64 levels are fine.
    let ok = format!(
        r#"[{{"n":"/3/0/9","x":{}{},"v":1}}]"#,
        "[".repeat(64),
        "]".repeat(64)
    );
    assert_eq!(one(&ok), int(1));
    // Very long numbers and strings are read in linear time.
    let long = format!(r#"[{{"n":"/9999/0/4","v":{}}}]"#, "9".repeat(100_000));
    assert_eq!(err(&long), (ErrorKind::NumberOutOfRange, Some(22)));
    let unterminated = format!(r#"[{{"n":"/9999/0/0","vs":"{}"#, "\\n".repeat(100_000));
    assert_eq!(err(&unterminated), (ErrorKind::Truncated, Some(23)));
}

/// Hostile payloads of every kind through the node builder at several targets and
/// through the records collector: errors, never a panic.
#[test]
fn hostile_payloads_never_panic() {
    let cases: &[&str] = &[
        "",
        "[",
        "]",
        "[]",
        "[] ",
        "[]x",
        "{}",
        "[{}]",
        "[{},]",
        r#"[{"n":"/3/0/9","v":1},{"n":"/3/0/9","v":2}]"#,
        r#"[{"bn":"/3/0/","n":"6/0","v":1},{"n":"6/0","v":2}]"#,
        r#"[{"n":"/3/1/9","v":1}]"#,
        r#"[{"n":"/3/0","v":1}]"#,
        r#"[{"n":"/3","v":1}]"#,
        r#"[{"n":"/","v":1}]"#,
        r#"[{"bn":"/3/0","v":1}]"#,
        r#"[{"bn":"/3/0/6/0","v":1},{"bn":"/3/0/6/1","v":2}]"#,
        r#"[{"bn":"/3/0/","v":1}]"#,
        r#"[{"bn":"","n":"/3/0/9","v":1}]"#,
        r#"[{"bn":"3/0/","n":"9","v":1}]"#,
        r#"[{"bn":"/3/0/","n":"65534","v":1}]"#,
        r#"[{"bn":"/3/0/","n":"9/","v":1}]"#,
        r#"[{"bn":"/3/0/","n":"9//","v":1}]"#,
        r#"[{"n":"/3/0/9","v":1},{"n":"/3/0/10"}]"#,
        r#"[{"bn":"/3/0/9"}]"#,
        r#"[{"bt":10,"n":"/3/0/9","v":1},{"t":5,"n":"/3/0/9","v":2}]"#,
        r#"[{"n":"/3/0/9","bt":1e999,"v":1}]"#,
        r#"[{"n":"/3/0/9","vd":"AQID-_8"}]"#,
        r#"[{"n":"/3/0/9","vlo":"3303:0"}]"#,
    ];
    let targets = [
        p("/3"),
        p("/3/0"),
        p("/3/1"),
        p("/3/0/9"),
        p("/3/0/6"),
        p("/3/0/6/1"),
        p("/3/0/65534"),
    ];
    for c in cases {
        let mut bytes = c.as_bytes().to_vec();
        for _ in 0..2 {
            let _ = senml_json::decode_records(&bytes, &Spec);
            for t in &targets {
                let _ = codec::decode(F::SenmlJson, t, &bytes, &NoModel);
                let _ = codec::decode(F::SenmlJson, t, &bytes, &Spec);
            }
            // Again with invalid UTF-8 in a name.
            match bytes.iter().position(|&b| b == b'9') {
                Some(k) => bytes[k] = 0xFF,
                None => break,
            }
        }
    }
}

// ---- node decoding ----

#[test]
fn node_decoding_checks_the_target() {
    let t = p("/3/0");
    let e = |j: &[u8]| codec::decode(F::SenmlJson, &t, j, &NoModel).unwrap_err();
    let dup = e(br#"[{"bn":"/3/0/","n":"9","v":1},{"n":"9","v":2}]"#);
    assert_eq!(
        dup.to_string(),
        "senml-json at byte 30: /3/0/9: duplicate path in payload"
    );
    let outside = e(br#"[{"n":"/3/1/9","v":1}]"#);
    assert_eq!(outside.kind_at(), (&ErrorKind::OutsidePath, Some(1)));
    assert_eq!(outside.path(), Some(p("/3/1/9")));
    let path_only = e(br#"[{"n":"/3/0/9"}]"#);
    assert_eq!(path_only.kind_at(), (&ErrorKind::PathWithoutValue, Some(1)));
    // A single value for a multi-instance resource, and the reverse.
    let e = codec::decode(F::SenmlJson, &t, br#"[{"n":"/3/0/6","v":1}]"#, &Spec).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::NotSingle);
    let e = codec::decode(F::SenmlJson, &t, br#"[{"n":"/3/0/9/0","v":1}]"#, &Spec).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::NotMultiple);
    // A boolean where the model says Integer.
    let e = codec::decode(F::SenmlJson, &t, br#"[{"n":"/3/0/9","vb":true}]"#, &Spec).unwrap_err();
    assert_eq!(
        e.to_string(),
        "senml-json at byte 20: /3/0/9: expected a value of type Integer, found a boolean"
    );
    // Resource-instance target.
    let got = codec::decode(
        F::SenmlJson,
        &p("/3/0/6/1"),
        br#"[{"bn":"/3/0/6/1","v":5}]"#,
        &Spec,
    )
    .unwrap();
    assert_eq!(
        got,
        Node::ResourceInstance(ResourceInstanceNode {
            id: 1,
            value: int(5)
        })
    );
    // An empty pack at a resource is no value.
    let e = codec::decode(F::SenmlJson, &p("/3/0/9"), b"[]", &Spec).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::NoValue);
}

#[test]
fn out_of_order_ids_are_merged_and_duplicates_found() {
    let t = p("/1");
    let j = br#"[{"n":"/1/1/0","vs":""},{"n":"/1/0/0","vs":""},{"n":"/1/1/3/7","v":0}]"#;
    assert_eq!(
        codec::decode(F::SenmlJson, &t, j, &NoModel).unwrap(),
        Node::Object(ObjectNode {
            id: 1,
            instances: vec![
                InstanceNode {
                    id: 1,
                    resources: vec![single(0, s("")), multi(3, &[(7, int(0))])]
                },
                InstanceNode {
                    id: 0,
                    resources: vec![single(0, s(""))]
                }
            ]
        })
    );
    for dup in [
        &br#"[{"n":"/1/0/5","v":1},{"n":"/1/0/1","v":1},{"n":"/1/0/5","v":2}]"#[..],
        br#"[{"n":"/1/0/2/5","v":1},{"n":"/1/0/2/1","v":1},{"n":"/1/0/2/5","v":2}]"#,
        br#"[{"n":"/1/1/2","v":1},{"n":"/1/0/2","v":1},{"n":"/1/1/2","v":2}]"#,
    ] {
        let e = codec::decode(F::SenmlJson, &t, dup, &NoModel).unwrap_err();
        assert_eq!(e.kind(), &ErrorKind::DuplicatePath);
    }
}

/// An empty multiple resource read at its own path: SenML can only say so with an empty
/// pack, which the writer writes and, with a model that knows the resource is multiple,
/// the node builder reads back. Without a model, or for a single resource, refused.
#[test]
fn empty_multiple_resource_round_trips() {
    let path = p("/3/0/6");
    let empty = Node::Resource(multi(6, &[]));
    let json = codec::encode(F::SenmlJson, &path, &empty).unwrap();
    assert_eq!(json, b"[]");
    assert_eq!(
        codec::decode(F::SenmlJson, &path, &json, &Spec).unwrap(),
        empty
    );
    let e = codec::decode(F::SenmlJson, &path, &json, &NoModel).unwrap_err();
    assert_eq!((e.kind(), e.path()), (&ErrorKind::NoValue, Some(path)));
    let e = codec::decode(F::SenmlJson, &p("/3/0/9"), b"[]", &Spec).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::NoValue);
}

// ---- the writer ----

/// The reference Device: pinned bytes, as an instance and as an object of two instances.
#[test]
fn reference_device() {
    let multi_i =
        |id, l: &[(u16, i64)]| multi(id, &l.iter().map(|&(i, v)| (i, int(v))).collect::<Vec<_>>());
    let inst = InstanceNode {
        id: 0,
        resources: vec![
            single(0, s("Open Mobile Alliance")),
            single(1, s("Lightweight M2M Client")),
            single(2, s("345000123")),
            single(3, s("1.0")),
            multi_i(6, &[(0, 1), (1, 5)]),
            multi_i(7, &[(0, 3800), (1, 5000)]),
            multi_i(8, &[(0, 125), (1, 900)]),
            single(9, int(100)),
            single(10, int(15)),
            multi_i(11, &[(0, 0)]),
            single(13, Value::Time(Time(1_367_491_215))),
            single(14, s("+02:00")),
            single(15, s("Europe/Berlin")),
            single(16, s("U")),
        ],
    };
    let want = concat!(
        r#"[{"bn":"/3/0/","n":"0","vs":"Open Mobile Alliance"},"#,
        r#"{"n":"1","vs":"Lightweight M2M Client"},{"n":"2","vs":"345000123"},"#,
        r#"{"n":"3","vs":"1.0"},{"n":"6/0","v":1},{"n":"6/1","v":5},"#,
        r#"{"n":"7/0","v":3800},{"n":"7/1","v":5000},{"n":"8/0","v":125},"#,
        r#"{"n":"8/1","v":900},{"n":"9","v":100},{"n":"10","v":15},{"n":"11/0","v":0},"#,
        r#"{"n":"13","v":1367491215},{"n":"14","vs":"+02:00"},"#,
        r#"{"n":"15","vs":"Europe/Berlin"},{"n":"16","vs":"U"}]"#
    );
    assert_eq!(want.len(), 416);
    let node = Node::Instance(inst.clone());
    assert_eq!(
        text(codec::encode(F::SenmlJson, &p("/3/0"), &node).unwrap()),
        want
    );
    let obj = Node::Object(ObjectNode {
        id: 3,
        instances: vec![inst.clone(), InstanceNode { id: 1, ..inst }],
    });
    let two = text(codec::encode(F::SenmlJson, &p("/3"), &obj).unwrap());
    assert_eq!(two.matches(r#""bn":"/3/0/""#).count(), 1);
    assert_eq!(two.matches(r#""bn":"/3/1/""#).count(), 1);
    assert_eq!(two.len(), 2 * 416 - 1);
    assert_eq!(
        codec::decode(F::SenmlJson, &p("/3"), two.as_bytes(), &NoModel).map(|_| ()),
        Ok(())
    );
}

#[test]
fn writer_targets_and_multiple_resources() {
    // A multiple resource at its own path: grouped names; empty: an empty pack.
    let node = Node::Resource(multi(6, &[(0, int(1)), (1, int(5))]));
    assert_eq!(
        text(codec::encode(F::SenmlJson, &p("/3/0/6"), &node).unwrap()),
        r#"[{"bn":"/3/0/","n":"6/0","v":1},{"n":"6/1","v":5}]"#
    );
    let empty = Node::Resource(multi(6, &[]));
    assert_eq!(
        codec::encode(F::SenmlJson, &p("/3/0/6"), &empty).unwrap(),
        b"[]"
    );
    // A resource instance.
    let ri = Node::ResourceInstance(ResourceInstanceNode {
        id: 1,
        value: int(5),
    });
    assert_eq!(
        text(codec::encode(F::SenmlJson, &p("/3/0/6/1"), &ri).unwrap()),
        r#"[{"bn":"/3/0/6/1","v":5}]"#
    );
    // An object with an empty instance: nothing for it.
    let obj = Node::Object(ObjectNode {
        id: 3,
        instances: vec![
            InstanceNode {
                id: 0,
                resources: vec![],
            },
            InstanceNode {
                id: 1,
                resources: vec![single(9, int(1))],
            },
        ],
    });
    assert_eq!(
        text(codec::encode(F::SenmlJson, &p("/3"), &obj).unwrap()),
        r#"[{"bn":"/3/1/","n":"9","v":1}]"#
    );
    // Into a buffer that already holds bytes: appended.
    let mut out = b"xx".to_vec();
    let mut w = SenmlJsonWriter::new(&p("/3/0/9"), &mut out).unwrap();
    w.value(9, ValueRef::Integer(1)).unwrap();
    w.finish().unwrap();
    assert_eq!(out, br#"xx[{"bn":"/3/0/9","v":1}]"#);
}

#[test]
fn writer_misuse_and_small_buffers() {
    let e = SenmlJsonWriter::new(&Path::ROOT, Vec::new()).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::Unsupported);
    let mut w = SenmlJsonWriter::new(&p("/3/0/9"), Vec::new()).unwrap();
    assert_eq!(
        w.value(8, ValueRef::Integer(1)).unwrap_err().kind_at(),
        (&ErrorKind::IdMismatch, Some(0))
    );
    w.value(9, ValueRef::Integer(1)).unwrap();
    assert_eq!(
        w.value(9, ValueRef::Integer(1)).unwrap_err().kind_at(),
        (&ErrorKind::WriterMisuse, Some(22))
    );
    let mut w = SenmlJsonWriter::new(&p("/3/0"), Vec::new()).unwrap();
    assert_eq!(
        w.begin_instance(0).unwrap_err().kind(),
        &ErrorKind::WriterMisuse
    );
    assert_eq!(
        w.value(u16::MAX, ValueRef::Integer(1)).unwrap_err().kind(),
        &ErrorKind::ReservedId
    );
    w.begin_multiple(6, 1).unwrap();
    w.value(0, ValueRef::Integer(1)).unwrap();
    assert_eq!(
        w.finish().unwrap_err().kind_at(),
        (&ErrorKind::WriterMisuse, Some(31))
    );
    let mut w = SenmlJsonWriter::new(&p("/3"), Vec::new()).unwrap();
    assert_eq!(
        w.value(1, ValueRef::Integer(1)).unwrap_err().kind(),
        &ErrorKind::WriterMisuse
    );
    assert_eq!(
        w.end_instance().unwrap_err().kind(),
        &ErrorKind::WriterMisuse
    );
    assert_eq!(
        w.begin_instance(u16::MAX).unwrap_err().kind(),
        &ErrorKind::ReservedId
    );
    assert_eq!(
        w.end_multiple().unwrap_err().kind(),
        &ErrorKind::WriterMisuse
    );
    let mut w = SenmlJsonWriter::new(&p("/3/0/6"), Vec::new()).unwrap();
    assert_eq!(
        w.begin_multiple(7, 1).unwrap_err().kind(),
        &ErrorKind::IdMismatch
    );
    // Buffers too small: BufferFull at the bytes that fitted.
    let mut buf = [0u8; 1];
    let w = SenmlJsonWriter::new(&p("/3/0"), SliceOutput::new(&mut buf)).unwrap();
    assert_eq!(
        w.finish().unwrap_err().kind_at(),
        (&ErrorKind::BufferFull, Some(0))
    );
    let mut buf = [0u8; 2];
    let w = SenmlJsonWriter::new(&p("/3/0"), SliceOutput::new(&mut buf)).unwrap();
    assert_eq!(w.finish().unwrap().into_bytes(), b"[]");
}

/// Errors: where and why, for values the format cannot carry and reserved IDs.
#[test]
fn encode_errors_at_the_record() {
    let node = |value| {
        Node::Instance(InstanceNode {
            id: 0,
            resources: vec![single(1, int(1)), ResourceNode { id: 2, value }],
        })
    };
    for (value, kind) in [
        (
            ResourceValue::Single(Value::Float(f64::NAN)),
            ErrorKind::NumberOutOfRange,
        ),
        (
            ResourceValue::Multiple(vec![ResourceInstanceNode {
                id: u16::MAX,
                value: Value::Boolean(true),
            }]),
            ErrorKind::ReservedId,
        ),
    ] {
        let e = codec::encode(F::SenmlJson, &p("/5/0"), &node(value)).unwrap_err();
        assert_eq!(e.kind_at(), (&kind, Some(29)));
    }
}

// ---- large generated inputs (linear cost) ----

#[test]
fn hundred_thousand_records_with_distinct_times_and_base_names() {
    const N: usize = 100_000;
    // Distinct instances (a base name each) and distinct, non-integral times (absolute t).
    let records: Vec<Record> = (0..N)
        .map(|k| {
            let path = Path::resource(3303, (k % 60_000) as u16, 5700 + (k / 60_000) as u16);
            Record::timed(path, Value::Float(k as f64 / 4.0), 1.5e9 + k as f64 + 0.5)
        })
        .collect();
    let j = senml_json::encode_records(&records).unwrap();
    assert!(j.starts_with(
        br#"[{"bn":"/3303/0/","n":"5700","t":1500000000.5,"v":0.0},{"bn":"/3303/1/""#
    ));
    assert_eq!(senml_json::decode_records(&j, &NoModel).unwrap(), records);
    // The same through the node builder at the object, and base times record by record.
    let node = codec::decode(F::SenmlJson, &p("/3303"), &j, &NoModel).unwrap();
    let Node::Object(o) = node else { panic!() };
    assert_eq!(o.instances.len(), 60_000);
    let mut bt = String::from("[");
    for k in 0..N {
        if k > 0 {
            bt.push(',');
        }
        bt.push_str(&format!(
            r#"{{"bn":"/1/{}/","bt":{k},"n":"1","v":{k}}}"#,
            k % 65_000
        ));
    }
    bt.push(']');
    let r = senml_json::decode_records(bt.as_bytes(), &NoModel).unwrap();
    assert_eq!(r.len(), N);
    assert_eq!(
        r[N - 1],
        Record::timed(p("/1/34999/1"), int(N as i64 - 1), (N - 1) as f64)
    );
}

// ---- properties ----

mod props {
    use super::*;
    use proptest::prelude::*;

    fn id() -> impl Strategy<Value = u16> {
        prop_oneof![6 => 0u16..12, 2 => 0u16..10_000, 1 => 0u16..u16::MAX]
    }

    fn text_value() -> BoxedStrategy<String> {
        prop_oneof![
            "[a-zA-Z0-9 .:+-]{0,12}",
            "[ -~]{0,70}",
            "[a-z\"\\\\\u{0}-\u{1f}\u{7f}é€😀]{0,20}",
            any::<String>(),
        ]
        .boxed()
    }

    /// Floats of every kind: any bits, short decimals, their neighbours, powers of two,
    /// halfway cases.
    fn float() -> impl Strategy<Value = f64> {
        let nudge = |v: f64, d: i64| f64::from_bits((v.to_bits() as i64).wrapping_add(d) as u64);
        prop_oneof![
            any::<f64>(),
            (any::<i64>(), 0u32..20)
                .prop_map(|(m, k)| (m % 10_000_000_000) as f64 / 10f64.powi(k as i32)),
            (-1_000_000i64..1_000_000, 0u32..8, -3i64..=3)
                .prop_map(move |(m, k, d)| nudge(m as f64 / 10f64.powi(k as i32), d)),
            (-1074i32..1024, -2i64..=2).prop_map(move |(e, d)| nudge(2f64.powi(e), d)),
            (0u64..1 << 20, 1i32..60).prop_map(|(n, e)| (n as f64 + 0.25) * 2f64.powi(e - 20)),
            (1u64..1 << 53, -60i32..0).prop_map(|(m, e)| m as f64 * 2f64.powi(e)),
        ]
    }

    fn value() -> impl Strategy<Value = Value> {
        prop_oneof![
            3 => text_value().prop_map(Value::String),
            2 => any::<i64>().prop_map(Value::Integer),
            1 => any::<u64>().prop_map(Value::UnsignedInteger),
            1 => float().prop_filter("finite", |f| f.is_finite()).prop_map(Value::Float),
            1 => any::<bool>().prop_map(Value::Boolean),
            1 => prop::collection::vec(any::<u8>(), 0..70).prop_map(Value::Opaque),
            1 => any::<i64>().prop_map(|t| Value::Time(Time(t))),
            1 => (any::<u16>(), any::<u16>()).prop_map(|(o, i)| Value::Objlnk(ObjectLink::new(o, i))),
            1 => text_value().prop_map(|c| Value::Corelnk(CoreLink(c))),
        ]
    }

    fn instance() -> impl Strategy<Value = InstanceNode> {
        let res = (
            id(),
            prop_oneof![
                2 => value().prop_map(ResourceValue::Single),
                1 => prop::collection::vec((id(), value()), 0..4).prop_map(|l| {
                    ResourceValue::Multiple(
                        l.into_iter().map(|(id, value)| ResourceInstanceNode { id, value }).collect(),
                    )
                }),
            ],
        )
            .prop_map(|(id, value)| ResourceNode { id, value });
        (
            prop_oneof![3 => 0u16..3, 1 => id()],
            prop::collection::vec(res, 0..10),
        )
            .prop_map(|(id, resources)| InstanceNode { id, resources })
    }

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

    fn typed_value(dt: DataType) -> BoxedStrategy<Value> {
        match dt {
            DataType::String => any::<String>().prop_map(Value::String).boxed(),
            DataType::Integer => any::<i64>().prop_map(Value::Integer).boxed(),
            DataType::UnsignedInteger => any::<u64>().prop_map(Value::UnsignedInteger).boxed(),
            DataType::Float => float()
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
            _ => any::<String>()
                .prop_map(|s| Value::Corelnk(CoreLink(s)))
                .boxed(),
        }
    }

    fn time() -> impl Strategy<Value = Option<f64>> {
        prop_oneof![
            2 => Just(None),
            2 => (-(1i64 << 40)..(1i64 << 40)).prop_map(|t| Some(t as f64)),
            1 => float().prop_filter("finite", |f| f.is_finite()).prop_map(Some),
        ]
    }

    /// A value record, or a path-only record at any level.
    fn record() -> impl Strategy<Value = Record> {
        let id = || prop_oneof![4 => 0u16..4, 1 => 0u16..65535];
        prop_oneof![
            3 => (id(), id(), id(), prop::option::of(id()), time()).prop_flat_map(|(o, i, r, ri, t)| {
                let path = match ri {
                    Some(ri) => Path::resource_instance(o, i, r, ri),
                    None => Path::resource(o, i, r),
                };
                typed_value(dtype(r)).prop_map(move |v| Record { path, value: Some(v), time: t })
            }),
            1 => prop::collection::vec(id(), 0..=4).prop_map(|ids| Record::path_only(Path::from_ids(&ids).unwrap())),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        /// The writer names grouped records as the record encoder does: the same bytes
        /// for the same leaves, valid JSON.
        #[test]
        fn writer_equals_record_encoder(o in id(), instances in prop::collection::vec(instance(), 1..3), object in any::<bool>()) {
            let (path, node) = if object {
                (Path::object(o), Node::Object(ObjectNode { id: o, instances }))
            } else {
                (Path::instance(o, instances[0].id), Node::Instance(instances[0].clone()))
            };
            let got = codec::encode(F::SenmlJson, &path, &node).unwrap();
            let mut recs = Vec::new();
            node.for_each_leaf(&path, |p, v| recs.push(Record::new(p, v.clone())));
            if recs.len() >= 2 && recs.iter().any(|r| r.path != recs[0].path) {
                prop_assert_eq!(&got, &senml_json::encode_records(&recs).unwrap());
            }
            let parsed: serde_json::Value = serde_json::from_slice(&got).expect("valid JSON");
            prop_assert!(parsed.is_array());
        }

        /// Integers as `std` formats them, floats as `{:?}` does, strings as serde_json
        /// escapes them, IDs as `std` formats them.
        #[test]
        fn numbers_strings_and_ids(v in any::<i64>(), u in any::<u64>(), f in float(), st in text_value(), r in 0u16..u16::MAX, ri in 0u16..u16::MAX) {
            prop_assume!(f.is_finite());
            let mut w = SenmlJsonWriter::new(&Path::instance(7, 3), Vec::new()).unwrap();
            w.value(0, ValueRef::Integer(v)).unwrap();
            w.value(1, ValueRef::UnsignedInteger(u)).unwrap();
            w.value(2, ValueRef::Float(f)).unwrap();
            w.value(r, ValueRef::String(&st)).unwrap();
            w.begin_multiple(r, 1).unwrap();
            w.value(ri, ValueRef::Corelnk(&st)).unwrap();
            w.end_multiple().unwrap();
            let got = text(w.finish().unwrap());
            let q = serde_json::to_string(&st).unwrap();
            prop_assert_eq!(
                got,
                format!(r#"[{{"bn":"/7/3/","n":"0","v":{v}}},{{"n":"1","v":{u}}},{{"n":"2","v":{f:?}}},{{"n":"{r}","vs":{q}}},{{"n":"{r}/{ri}","vs":{q}}}]"#)
            );
        }

        /// Any float and any time round-trip through the record codec.
        #[test]
        fn floats_and_times_round_trip(f in float(), t in float()) {
            prop_assume!(f.is_finite() && t.is_finite());
            let r = vec![Record::timed(p("/1/0/1"), Value::Float(f), t)];
            let j = senml_json::encode_records(&r).unwrap();
            let back = senml_json::decode_records(&j, &One(DataType::Float)).unwrap();
            prop_assert_eq!(back[0].value.clone(), Some(Value::Float(f)));
            prop_assert_eq!(back[0].time, Some(t));
        }

        /// Record lists round-trip; random bytes never panic.
        #[test]
        fn records_round_trip(mut list in prop::collection::vec(record(), 0..8), bytes in prop::collection::vec(any::<u8>(), 0..200)) {
            let mut seen = std::collections::HashSet::new();
            list.retain(|r| seen.insert((r.path, r.time.map(f64::to_bits))));
            let j = senml_json::encode_records(&list).unwrap();
            prop_assert_eq!(&senml_json::decode_records(&j, &ByResource).unwrap(), &list, "{}", String::from_utf8_lossy(&j));
            let _ = senml_json::decode_records(&bytes, &ByResource);
            let _ = codec::decode(F::SenmlJson, &p("/3/0"), &bytes, &Spec);
        }

        /// Mutated payloads never panic.
        #[test]
        fn mutated_payloads_never_panic(seed in 0usize..4, edits in prop::collection::vec((any::<usize>(), any::<u8>(), 0u8..3), 1..6)) {
            let seeds = [A_JSON, B_JSON, C_JSON, D_JSON];
            let mut b = seeds[seed].as_bytes().to_vec();
            for (i, x, how) in edits {
                let n = b.len();
                match how {
                    0 if n > 0 => b[i % n] ^= x.max(1),
                    1 => b.insert(i % (n + 1), x),
                    _ => b.truncate(i % (n + 1)),
                }
            }
            let _ = senml_json::decode_records(&b, &Spec);
            for t in [p("/3/0"), p("/3/0/9"), p("/3303/0/5700")] {
                let _ = codec::decode(F::SenmlJson, &t, &b, &Spec);
            }
        }
    }
}
