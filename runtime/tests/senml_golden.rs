//! Golden tables at boundary values for SenML JSON, SenML CBOR and LwM2M JSON, and the
//! decoders' error cases (exact offsets and reasons).

use ucifi_runtime::codec::senml::Record;
use ucifi_runtime::codec::{
    Error, NoModel, TypeLookup, ValueError, lwm2m_json, senml_cbor, senml_json,
};
use ucifi_runtime::{CoreLink, DataType, ObjectLink, Path, Time, Value};

struct One(DataType);

impl TypeLookup for One {
    fn resource_type(&self, _: u16, _: u16) -> Option<(DataType, bool)> {
        Some((self.0, false))
    }
}

fn hex(s: &str) -> Vec<u8> {
    s.split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).unwrap())
        .collect()
}

/// (value, SenML JSON field, SenML CBOR label+value, LwM2M JSON field)
fn table() -> Vec<(Value, &'static str, &'static str, &'static str)> {
    use Value::*;
    vec![
        (Integer(0), r#""v":0"#, "02 00", r#""v":0"#),
        (Integer(-1), r#""v":-1"#, "02 20", r#""v":-1"#),
        (Integer(23), r#""v":23"#, "02 17", r#""v":23"#),
        (Integer(24), r#""v":24"#, "02 18 18", r#""v":24"#),
        (Integer(127), r#""v":127"#, "02 18 7F", r#""v":127"#),
        (Integer(128), r#""v":128"#, "02 18 80", r#""v":128"#),
        (Integer(-129), r#""v":-129"#, "02 38 80", r#""v":-129"#),
        (
            Integer(65536),
            r#""v":65536"#,
            "02 1A 00 01 00 00",
            r#""v":65536"#,
        ),
        (
            Integer(i64::MIN),
            r#""v":-9223372036854775808"#,
            "02 3B 7F FF FF FF FF FF FF FF",
            r#""v":-9223372036854775808"#,
        ),
        (
            Integer(i64::MAX),
            r#""v":9223372036854775807"#,
            "02 1B 7F FF FF FF FF FF FF FF",
            r#""v":9223372036854775807"#,
        ),
        (UnsignedInteger(0), r#""v":0"#, "02 00", r#""v":0"#),
        (
            UnsignedInteger(u64::MAX),
            r#""v":18446744073709551615"#,
            "02 1B FF FF FF FF FF FF FF FF",
            r#""v":18446744073709551615"#,
        ),
        (Float(21.5), r#""v":21.5"#, "02 F9 4D 60", r#""v":21.5"#),
        (Float(1.0), r#""v":1.0"#, "02 F9 3C 00", r#""v":1.0"#),
        (Float(-0.0), r#""v":-0.0"#, "02 F9 80 00", r#""v":-0.0"#),
        (
            Float(100000.0),
            r#""v":100000.0"#,
            "02 FA 47 C3 50 00",
            r#""v":100000.0"#,
        ),
        (
            Float(3.4028234663852886e38),
            r#""v":3.4028234663852886e38"#,
            "02 FA 7F 7F FF FF",
            r#""v":3.4028234663852886e38"#,
        ),
        (
            Float(0.1),
            r#""v":0.1"#,
            "02 FB 3F B9 99 99 99 99 99 9A",
            r#""v":0.1"#,
        ),
        (
            Float(1e300),
            r#""v":1e300"#,
            "02 FB 7E 37 E4 3C 88 00 75 9C",
            r#""v":1e300"#,
        ),
        (Boolean(false), r#""vb":false"#, "04 F4", r#""bv":false"#),
        (Boolean(true), r#""vb":true"#, "04 F5", r#""bv":true"#),
        (String("".into()), r#""vs":"""#, "03 60", r#""sv":"""#),
        (
            String("a\"\\\n\u{1}é".into()),
            r#""vs":"a\"\\\n\u0001é""#,
            "03 67 61 22 5C 0A 01 C3 A9",
            r#""sv":"a\"\\\n\u0001é""#,
        ),
        (Opaque(vec![]), r#""vd":"""#, "08 40", r#""sv":"""#),
        (
            Opaque(vec![0xFF]),
            r#""vd":"_w""#,
            "08 41 FF",
            r#""sv":"/w==""#,
        ),
        (
            Opaque(vec![0xFB, 0xFF, 0xBF]),
            r#""vd":"-_-_""#,
            "08 43 FB FF BF",
            r#""sv":"+/+/""#,
        ),
        (
            Time(ucifi_runtime::Time(0)),
            r#""v":0"#,
            "02 00",
            r#""v":0"#,
        ),
        (
            Time(ucifi_runtime::Time(-1_700_000_000)),
            r#""v":-1700000000"#,
            "02 3A 65 53 F0 FF",
            r#""v":-1700000000"#,
        ),
        (
            Objlnk(ObjectLink::new(0, 0)),
            r#""vlo":"0:0""#,
            "63 76 6C 6F 63 30 3A 30",
            r#""ov":"0:0""#,
        ),
        (
            Objlnk(ObjectLink::NULL),
            r#""vlo":"65535:65535""#,
            "63 76 6C 6F 6B 36 35 35 33 35 3A 36 35 35 33 35",
            r#""ov":"65535:65535""#,
        ),
        (
            Corelnk(CoreLink("</1>".into())),
            r#""vs":"</1>""#,
            "03 64 3C 2F 31 3E",
            r#""sv":"</1>""#,
        ),
    ]
}

#[test]
fn golden_values() {
    let path = Path::resource(1, 0, 1);
    for (value, json, cbor, lwjson) in table() {
        let types = One(value.data_type());
        let records = vec![Record::new(path, value.clone())];

        let j = senml_json::encode_records(&records).unwrap();
        let expected = format!(r#"[{{"bn":"/1/0/1",{json}}}]"#);
        assert_eq!(String::from_utf8(j.clone()).unwrap(), expected, "{value:?}");
        assert_eq!(
            senml_json::decode_records(&j, &types).unwrap(),
            records,
            "{value:?}"
        );

        let c = senml_cbor::encode_records(&records).unwrap();
        let mut expected = hex("81 A2 21 66 2F 31 2F 30 2F 31");
        expected.extend(hex(cbor));
        assert_eq!(c, expected, "{value:?}");
        assert_eq!(
            senml_cbor::decode_records(&c, &types).unwrap(),
            records,
            "{value:?}"
        );

        let l = lwm2m_json::encode_records(&records).unwrap();
        let expected = format!(r#"{{"bn":"/1/0/1","e":[{{{lwjson}}}]}}"#);
        assert_eq!(String::from_utf8(l.clone()).unwrap(), expected, "{value:?}");
        assert_eq!(
            lwm2m_json::decode_records(&l, &types).unwrap(),
            records,
            "{value:?}"
        );
    }
}

#[test]
fn longest_names() {
    let p = Path::resource_instance(65534, 65534, 65534, 65534);
    let r = [Record::new(p, Value::Boolean(true))];
    let c = senml_cbor::encode_records(&r).unwrap();
    let mut expected = hex("81 A2 21 78 18");
    expected.extend(b"/65534/65534/65534/65534");
    expected.extend(hex("04 F5"));
    assert_eq!(c, expected);
    assert_eq!(senml_cbor::decode_records(&c, &NoModel).unwrap(), r);
    let j = senml_json::encode_records(&r).unwrap();
    assert_eq!(j, br#"[{"bn":"/65534/65534/65534/65534","vb":true}]"#);
    let q = [Record::path_only(p), Record::path_only(Path::object(1))];
    let c = senml_cbor::encode_records(&q).unwrap();
    assert_eq!(senml_cbor::decode_records(&c, &NoModel).unwrap(), q);
}

#[test]
fn non_finite_floats() {
    let r = [Record::new(Path::resource(1, 0, 1), Value::Float(f64::NAN))];
    let e = senml_json::encode_records(&r).unwrap_err();
    assert_eq!(
        e.to_string(),
        "senml-json at byte 0: JSON cannot carry NaN or infinite numbers"
    );
    assert!(lwm2m_json::encode_records(&r).is_err());
    assert_eq!(
        senml_cbor::encode_records(&r).unwrap()[10..],
        hex("02 F9 7E 00")[..]
    );
    let inf = [Record::new(
        Path::resource(1, 0, 1),
        Value::Float(f64::NEG_INFINITY),
    )];
    let c = senml_cbor::encode_records(&inf).unwrap();
    assert_eq!(c[10..], hex("02 F9 FC 00")[..]);
    assert_eq!(senml_cbor::decode_records(&c, &NoModel).unwrap(), inf);
}

#[test]
fn numbers_of_any_width_are_accepted() {
    // 87 as a non-preferred 8-byte integer, and 21.5 as a double.
    let v = hex(
        "81 A3 21 66 2F 31 2F 30 2F 31 02 1B 00 00 00 00 00 00 00 57 06 FB 40 35 80 00 00 00 00 00",
    );
    let r = senml_cbor::decode_records(&v, &One(DataType::Integer)).unwrap();
    assert_eq!(
        r,
        [Record::timed(
            Path::resource(1, 0, 1),
            Value::Integer(87),
            21.5
        )]
    );
    // Integral floats for Integer resources, integers for Float resources.
    let j = br#"[{"n":"/1/0/1","v":5.0}]"#;
    assert_eq!(
        senml_json::decode_records(j, &One(DataType::Integer)).unwrap()[0].value,
        Some(Value::Integer(5))
    );
    let j = br#"[{"n":"/1/0/1","v":5}]"#;
    assert_eq!(
        senml_json::decode_records(j, &One(DataType::Float)).unwrap()[0].value,
        Some(Value::Float(5.0))
    );
    let j = br#"[{"n":"/1/0/1","v":5.5}]"#;
    assert_eq!(
        senml_json::decode_records(j, &One(DataType::Integer)).unwrap_err(),
        Error::Value {
            path: Path::resource(1, 0, 1),
            source: ValueError::OutOfRange(DataType::Integer)
        }
    );
    // Objlnk written as vs (Leshan) is accepted for an Objlnk resource.
    let j = br#"[{"n":"/1/0/1","vs":"3303:1"}]"#;
    assert_eq!(
        senml_json::decode_records(j, &One(DataType::Objlnk)).unwrap()[0].value,
        Some(Value::Objlnk(ObjectLink::new(3303, 1)))
    );
    // Base time as a float, tag 1 on a value.
    let c = hex("81 A3 00 66 2F 31 2F 30 2F 31 22 FB 41 D9 54 FC 40 00 00 00 02 C1 1A 65 53 F1 00");
    let r = senml_cbor::decode_records(&c, &NoModel).unwrap();
    assert_eq!(
        r,
        [Record::timed(
            Path::resource(1, 0, 1),
            Value::Time(Time(1_700_000_000)),
            1_700_000_000.0
        )]
    );
}

fn json_err(payload: &str) -> (usize, String) {
    match senml_json::decode_records(payload.as_bytes(), &NoModel).unwrap_err() {
        Error::Format(e) => (e.offset, e.reason.into_owned()),
        other => panic!("{other}"),
    }
}

fn cbor_err(payload: &str) -> (usize, String) {
    match senml_cbor::decode_records(&hex(payload), &NoModel).unwrap_err() {
        Error::Format(e) => (e.offset, e.reason.into_owned()),
        other => panic!("{other}"),
    }
}

#[test]
fn senml_json_errors() {
    let cases: &[(&str, usize, &str)] = &[
        ("", 0, "expected '[' (a SenML pack is an array)"),
        ("{}", 0, "expected '[' (a SenML pack is an array)"),
        ("[", 1, "expected a record object"),
        ("[] x", 3, "unexpected data after the JSON value"),
        (
            r#"[{"n":"/3/0/9","v":1}"#,
            21,
            "expected ',' or ']' after a record",
        ),
        (r#"[{"n":"/3/0/9","v":"1"}]"#, 19, "expected a number"),
        (r#"[{"n":"/3/0/9","vb":1}]"#, 20, "expected true or false"),
        (
            r#"[{"n":"/3/0/9","v":1,"vs":"x"}]"#,
            21,
            "record has more than one value",
        ),
        (
            r#"[{"n":"/3/0/9","n":"/3/0/8"}]"#,
            15,
            "label appears twice in one record",
        ),
        (
            r#"[{"n":"/3/0/9","v":1,"x_":2}]"#,
            21,
            "unsupported must-understand label",
        ),
        (
            r#"[{"bn":"/3/0/","n":"x","v":1}]"#,
            1,
            "name is not a LwM2M path (/O, /O/I, /O/I/R or /O/I/R/RI)",
        ),
        (r#"[{"v":1}]"#, 1, "record has no name (no bn and no n)"),
        (
            r#"[{"n":"/3/0/9","vlo":"3303"}]"#,
            21,
            "vlo is not an object link OID:IID",
        ),
        (
            r#"[{"n":"/3/0/9","vd":"A*"}]"#,
            20,
            "vd is not valid base64url",
        ),
        (
            r#"[{"n":"/3/0/9","bv":2,"v":1}]"#,
            20,
            "base value (bv) is not supported",
        ),
        (r#"[{"n":"/3/0/9","v":1e999}]"#, 19, "number out of range"),
        (
            r#"[{"n":"/3/0/9","v":01}]"#,
            20,
            "expected ',' or '}' in a record",
        ),
        (
            "[{\"n\":\"/3/0/\u{1}\"}]",
            12,
            "control character in string",
        ),
        (
            r#"[{"n":"/3/0/9","x":[[[[]]]],"v":1}"#,
            34,
            "expected ',' or ']' after a record",
        ),
    ];
    for &(payload, offset, reason) in cases {
        assert_eq!(json_err(payload), (offset, reason.into()), "{payload}");
    }
    // Unknown labels (with nested values) are ignored.
    let ok = r#"[{"n":"/3/0/9","x":{"a":[1,{"b":null}]},"v":1,"u":"%","bver":10}]"#;
    assert_eq!(
        senml_json::decode_records(ok.as_bytes(), &NoModel).unwrap(),
        [Record::new(Path::resource(3, 0, 9), Value::Integer(1))]
    );
    // Deep nesting in an unknown label is refused, not recursed into.
    let deep = format!(r#"[{{"n":"/3/0/9","x":{}}}]"#, "[".repeat(200));
    assert_eq!(json_err(&deep).1, "JSON nested too deeply");
    // Invalid UTF-8 inside a string.
    let mut bad = br#"[{"n":"/3/0/9","vs":"xx"}]"#.to_vec();
    bad[21] = 0xFF;
    match senml_json::decode_records(&bad, &NoModel).unwrap_err() {
        Error::Format(e) => assert_eq!((e.offset, &*e.reason), (20, "invalid UTF-8 in string")),
        other => panic!("{other}"),
    }
}

#[test]
fn senml_cbor_errors() {
    let cases: &[(&str, usize, &str)] = &[
        ("", 0, "unexpected end of payload"),
        ("A0", 0, "expected an array of SenML records"),
        ("81", 1, "unexpected end of payload"),
        ("80 00", 1, "unexpected data after the SenML array"),
        ("81 01", 1, "expected a record map"),
        ("81 A1 00 01", 3, "n must be a text string"),
        ("81 A1 00 7A FF FF FF FF", 3, "length exceeds the payload"),
        (
            "81 BB FF FF FF FF FF FF FF FF",
            10,
            "unexpected end of payload",
        ),
        (
            "9B FF FF FF FF FF FF FF FF A0",
            9,
            "record has no name (no bn and no n)",
        ),
        ("81 A2 00 61 39 02 61 31", 6, "v must be a number"),
        ("81 A2 00 61 39 04 00", 6, "vb must be true or false"),
        ("81 A2 00 61 39 08 61 31", 6, "vd must be a byte string"),
        (
            "81 A2 00 61 39 00 61 38",
            5,
            "label appears twice in one record",
        ),
        (
            "81 A3 00 61 39 02 01 03 60",
            7,
            "record has more than one value",
        ),
        (
            "81 A2 00 61 39 62 78 5F 01",
            5,
            "unsupported must-understand label",
        ),
        (
            "81 A2 00 61 39 41 00 01",
            5,
            "record label must be an integer or a text",
        ),
        ("81 A1 00 1C", 3, "reserved CBOR additional information"),
        (
            "81 A2 00 66 2F 33 2F 30 2F 39 02 C4 82 00 61 31",
            14,
            "expected an integer in a decimal fraction",
        ),
        (
            "81 A2 00 66 2F 33 2F 30 2F 39 02 C4 81 00",
            11,
            "decimal fraction must be an array of two integers",
        ),
        (
            "81 A2 00 66 2F 33 2F 30 2F 39 02 C4 82 18 30 01",
            11,
            "decimal fraction out of range",
        ),
        (
            "81 A2 00 66 2F 33 2F 30 2F 39 63 76 6C 6F 61 31",
            14,
            "vlo is not an object link OID:IID",
        ),
        ("81 A1 00 62 C3 28", 3, "invalid UTF-8 in text string"),
        ("81 A1 00 5F 41 00 FF", 3, "n must be a text string"),
        (
            "81 A2 00 66 2F 33 2F 30 2F 39 18 63 9F 9F 9F 9F 9F 9F 9F 9F 9F 9F 9F 9F 9F 9F 9F 9F 9F",
            28,
            "CBOR nested too deeply",
        ),
        (
            "81 A1 00 7F 61 2F 41 33 FF",
            6,
            "invalid chunk in an indefinite-length string",
        ),
    ];
    for &(payload, offset, reason) in cases {
        assert_eq!(cbor_err(payload), (offset, reason.into()), "{payload}");
    }
    // Labels in a longer form than needed are still understood.
    let long = hex("81 A2 18 00 66 2F 33 2F 30 2F 39 18 02 19 00 57");
    assert_eq!(
        senml_cbor::decode_records(&long, &NoModel).unwrap(),
        [Record::new(Path::resource(3, 0, 9), Value::Integer(87))]
    );
    // Indefinite text chunks and unknown labels of any kind are accepted.
    let ok = hex("81 A4 00 7F 62 2F 33 64 2F 30 2F 39 FF 18 63 A1 01 82 40 F6 01 61 25 02 01");
    assert_eq!(
        senml_cbor::decode_records(&ok, &NoModel).unwrap(),
        [Record::new(Path::resource(3, 0, 9), Value::Integer(1))]
    );
}

#[test]
fn node_decoding_rejects_duplicates_outside_paths_and_path_only_records() {
    let p = Path::instance(3, 0);
    let dup = br#"[{"bn":"/3/0/","n":"9","v":1},{"n":"9","v":2}]"#;
    assert_eq!(
        senml_json::decode(&p, dup, &NoModel)
            .unwrap_err()
            .to_string(),
        "/3/0/9: duplicate path in payload"
    );
    let outside = br#"[{"n":"/3/1/9","v":1}]"#;
    assert_eq!(
        senml_json::decode(&p, outside, &NoModel)
            .unwrap_err()
            .to_string(),
        "/3/1/9: outside the requested path"
    );
    let path_only = br#"[{"n":"/3/0/9"}]"#;
    assert_eq!(
        senml_json::decode(&p, path_only, &NoModel)
            .unwrap_err()
            .to_string(),
        "/3/0/9: path without a value"
    );
    // A boolean where the model says Integer.
    let wrong = hex("81 A2 00 66 2F 33 2F 30 2F 39 04 F5");
    assert_eq!(
        senml_cbor::decode(&p, &wrong, &One(DataType::Integer))
            .unwrap_err()
            .to_string(),
        "/3/0/9: expected a value of type Integer, found a boolean"
    );
    // Records repeating path and time are refused as records too.
    let twice = br#"[{"n":"/3/0/9","v":1,"t":5},{"n":"/3/0/9","v":2,"t":5}]"#;
    assert_eq!(
        senml_json::decode_records(twice, &NoModel)
            .unwrap_err()
            .to_string(),
        "/3/0/9: duplicate path in payload"
    );
}

#[test]
fn out_of_order_ids_are_merged_and_duplicates_found() {
    use ucifi_runtime::ResourceValue::{Multiple, Single};
    use ucifi_runtime::{InstanceNode, Node, ObjectNode, ResourceInstanceNode, ResourceNode};
    let p = Path::object(1);
    let j = br#"[{"n":"/1/1/0","vs":""},{"n":"/1/0/0","vs":""},{"n":"/1/1/3/7","v":0}]"#;
    assert_eq!(
        senml_json::decode(&p, j, &NoModel).unwrap(),
        Node::Object(ObjectNode {
            id: 1,
            instances: vec![
                InstanceNode {
                    id: 1,
                    resources: vec![
                        ResourceNode {
                            id: 0,
                            value: Single(Value::String("".into()))
                        },
                        ResourceNode {
                            id: 3,
                            value: Multiple(vec![ResourceInstanceNode {
                                id: 7,
                                value: Value::Integer(0)
                            }])
                        }
                    ]
                },
                InstanceNode {
                    id: 0,
                    resources: vec![ResourceNode {
                        id: 0,
                        value: Single(Value::String("".into()))
                    }]
                }
            ]
        })
    );
    for dup in [
        &br#"[{"n":"/1/0/5","v":1},{"n":"/1/0/1","v":1},{"n":"/1/0/5","v":2}]"#[..],
        br#"[{"n":"/1/0/2/5","v":1},{"n":"/1/0/2/1","v":1},{"n":"/1/0/2/5","v":2}]"#,
        br#"[{"n":"/1/1/2","v":1},{"n":"/1/0/2","v":1},{"n":"/1/1/2","v":2}]"#,
    ] {
        assert_eq!(
            senml_json::decode(&p, dup, &NoModel)
                .unwrap_err()
                .to_string()
                .split(": ")
                .nth(1),
            Some("duplicate path in payload")
        );
    }
}

#[test]
fn writer_misuse_and_small_buffers() {
    use ucifi_runtime::codec::{ValueRef, Writer};
    let mut w = senml_json::SenmlJsonWriter::new(Path::resource(3, 0, 9));
    assert_eq!(
        w.value(8, ValueRef::Integer(1)).unwrap_err().reason,
        "resource ID does not match the target path"
    );
    let mut w = senml_cbor::SenmlCborWriter::new(Path::instance(3, 0));
    w.begin_multiple(6, 1).unwrap();
    w.value(0, ValueRef::Integer(1)).unwrap();
    assert_eq!(
        w.finish().unwrap_err().reason,
        "unfinished instance or multiple resource"
    );
    let mut buf = [0u8; 4];
    let w = senml_cbor::SenmlCborWriter::with_buffer(Path::instance(3, 0), &mut buf);
    assert_eq!(w.finish().unwrap_err().reason, "output buffer full");
    let mut buf = [0u8; 9];
    let w = senml_cbor::SenmlCborWriter::with_buffer(Path::instance(3, 0), &mut buf);
    assert_eq!(w.finish().unwrap(), [0x80]);
    let mut buf = [0u8; 11];
    let r = [Record::new(Path::resource(1, 0, 1), Value::Integer(0))];
    assert_eq!(
        senml_cbor::encode_records_into(&r, &mut buf)
            .unwrap_err()
            .reason,
        "output buffer full"
    );
}
