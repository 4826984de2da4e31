//! Conformance vectors for SenML JSON (110) / SenML CBOR (112) (spec §9, RFC 8428) and
//! LwM2M JSON (11543, spec §8): label handling, base-name/base-time resolution, value
//! types, JSON syntax corners, and hostile inputs.

mod common;

use common::*;
use ucifi_runtime::codec::senml::Record;
use ucifi_runtime::codec::{self, Error, FormatError, ValueError, senml_cbor, senml_json};
use ucifi_runtime::{
    ContentFormat as F, DataType, InstanceNode, Node, ObjectLink, Path, ResourceValue, Value,
};

fn p(s: &str) -> Path {
    s.parse().unwrap()
}

fn records(json: &str) -> Result<Vec<Record>, Error> {
    senml_json::decode_records(json.as_bytes(), &spec_types())
}

fn crecords(h: &str) -> Result<Vec<Record>, Error> {
    senml_cbor::decode_records(&hex(h), &spec_types())
}

/// (path, value) of every record.
fn leaves(r: Vec<Record>) -> Vec<(Path, Value)> {
    r.into_iter()
        .map(|r| (r.path, r.value.expect("a value")))
        .collect()
}

#[track_caller]
fn json_err(json: &str) -> FormatError {
    match records(json) {
        Err(Error::Format(e)) => e,
        other => panic!("expected a format error for {json}, got {other:?}"),
    }
}

#[track_caller]
fn cbor_err(h: &str) -> FormatError {
    match crecords(h) {
        Err(Error::Format(e)) => e,
        other => panic!("expected a format error for {h}, got {other:?}"),
    }
}

#[track_caller]
fn value_err(r: Result<Vec<Record>, Error>) -> ValueError {
    match r {
        Err(Error::Value { source, .. }) => source,
        other => panic!("expected a value error, got {other:?}"),
    }
}

fn one(json: &str) -> Result<Value, Error> {
    records(json).map(|mut r| r.remove(0).value.expect("a value"))
}

// ---------------------------------------------------------------------------------------
// §9.2 resolution

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
    // Double slash and a name that is not a path are errors at the record.
    assert_eq!(json_err(r#"[{"bn":"/3/0/","n":"/9","v":87}]"#).offset, 1);
    // ("/3/0" + "9" is "/3/09": read like Leshan's parser, as /3/9.)
    assert_eq!(
        leaves(records(r#"[{"bn":"/3/0","n":"9","v":87}]"#).unwrap()),
        vec![(p("/3/9"), int(87))]
    );
    assert_eq!(json_err(r#"[{"v":87}]"#).offset, 1);
    assert_eq!(json_err(r#"[{"n":"3/0/9","v":87}]"#).offset, 1);
    assert_eq!(json_err(r#"[{"n":"/3/0/65535","v":87}]"#).offset, 1);
    assert_eq!(json_err(r#"[{"n":"/3/0/6/0/1","v":87}]"#).offset, 1);
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
        vec![
            Some(1_700_000_000.5),
            Some(1_700_000_000.75),
            Some(1_700_000_000.0),
            Some(10.0),
            Some(70.0)
        ]
    );
    // t without bt; no time at all.
    let r = records(r#"[{"n":"/3/0/9","t":1.5e9,"v":1},{"n":"/3/0/10","v":2}]"#).unwrap();
    assert_eq!(r[0].time, Some(1.5e9));
    assert_eq!(r[1].time, None);
    // The same path at two times is a series, at the same time a duplicate.
    assert_eq!(
        records(r#"[{"n":"/3/0/9","t":1,"v":1},{"n":"/3/0/9","t":2,"v":2}]"#)
            .unwrap()
            .len(),
        2
    );
    assert!(matches!(
        records(r#"[{"n":"/3/0/9","v":1},{"n":"/3/0/9","v":2}]"#),
        Err(Error::Path { .. })
    ));
    // Duplicate resolved path in a node decode → 4.00.
    assert!(matches!(
        codec::decode(
            F::SenmlJson,
            &p("/3/0"),
            br#"[{"bn":"/3/0/","n":"9","v":1},{"bn":"/3/0","n":"/9","v":2}]"#,
            &spec_types()
        ),
        Err(Error::Path { .. })
    ));
}

// ---------------------------------------------------------------------------------------
// §9.1 labels and values

#[test]
fn labels() {
    // Unknown labels are ignored whatever their value.
    assert_eq!(
        one(r#"[{"n":"/3/0/9","x":{"a":[1,{"b":null}],"c":"\u00e9"},"v":87,"y":[]}]"#).unwrap(),
        int(87)
    );
    // RFC 8428 base/other fields that LwM2M does not use are accepted.
    assert_eq!(
        one(r#"[{"bver":10,"bu":"Cel","u":"Cel","bs":0,"s":1,"ut":5,"n":"/3/0/9","v":87}]"#)
            .unwrap(),
        int(87)
    );
    // Must-understand labels (ending in `_`) are rejected at the label.
    let e = json_err(r#"[{"n":"/3/0/9","v":87,"foo_":1}]"#);
    assert_eq!(e.offset, 22);
    let e = json_err(r#"[{"bn_":"/3/0/","n":"9","v":87}]"#);
    assert_eq!(e.offset, 2);
    // Duplicate labels in one record.
    assert_eq!(json_err(r#"[{"n":"/3/0/9","v":1,"v":2}]"#).offset, 21);
    assert_eq!(
        json_err(r#"[{"n":"/3/0/9","n":"/3/0/9","v":2}]"#).offset,
        15
    );
    // Two different value fields.
    assert_eq!(json_err(r#"[{"n":"/3/0/9","v":1,"vs":"1"}]"#).offset, 21);
}

#[test]
fn values_by_type() {
    // Integer: integral numbers in any notation; 1.5 and out-of-range are 4.00.
    for j in ["87", "87.0", "8.7e1", "870e-1", "0.87E2"] {
        assert_eq!(
            one(&format!(r#"[{{"n":"/9999/0/2","v":{j}}}]"#)).unwrap(),
            int(87),
            "{j}"
        );
    }
    assert_eq!(one(r#"[{"n":"/9999/0/2","v":-0}]"#).unwrap(), int(0));
    assert_eq!(one(r#"[{"n":"/9999/0/2","v":-0.0}]"#).unwrap(), int(0));
    assert_eq!(one(r#"[{"n":"/9999/0/2","v":1e2}]"#).unwrap(), int(100));
    for j in ["1.5", "9223372036854775808", "1e19", "-9223372036854775809"] {
        assert_eq!(
            value_err(records(&format!(r#"[{{"n":"/9999/0/2","v":{j}}}]"#))),
            ValueError::OutOfRange(DataType::Integer),
            "{j}"
        );
    }
    assert_eq!(
        one(r#"[{"n":"/9999/0/2","v":-9223372036854775808}]"#).unwrap(),
        int(i64::MIN)
    );
    // Unsigned.
    assert_eq!(
        one(r#"[{"n":"/9999/0/3","v":18446744073709551615}]"#).unwrap(),
        Value::UnsignedInteger(u64::MAX)
    );
    assert_eq!(
        value_err(records(r#"[{"n":"/9999/0/3","v":-1}]"#)),
        ValueError::OutOfRange(DataType::UnsignedInteger)
    );
    // Float: integers accepted, tiny exponents underflow to 0, huge ones are errors.
    assert_eq!(
        one(r#"[{"n":"/9999/0/4","v":87}]"#).unwrap(),
        Value::Float(87.0)
    );
    assert_eq!(
        one(r#"[{"n":"/9999/0/4","v":1e-400}]"#).unwrap(),
        Value::Float(0.0)
    );
    assert_eq!(
        one(r#"[{"n":"/9999/0/4","v":123456789012345678901234567890}]"#).unwrap(),
        Value::Float(1.2345678901234568e29)
    );
    assert_eq!(json_err(r#"[{"n":"/9999/0/4","v":1e400}]"#).offset, 22);
    // JSON number syntax errors.
    for (j, at) in [
        ("01", 23),
        ("+1", 22),
        (".5", 22),
        ("1.", 22),
        ("1e", 22),
        ("NaN", 22),
        ("0x10", 23),
    ] {
        assert_eq!(
            json_err(&format!(r#"[{{"n":"/9999/0/4","v":{j}}}]"#)).offset,
            at,
            "{j}"
        );
    }
    // Boolean only from vb.
    assert_eq!(
        one(r#"[{"n":"/9999/0/5","vb":true}]"#).unwrap(),
        Value::Boolean(true)
    );
    assert!(matches!(
        value_err(records(r#"[{"n":"/9999/0/5","v":1}]"#)),
        ValueError::WrongType { .. }
    ));
    assert_eq!(json_err(r#"[{"n":"/9999/0/5","vb":1}]"#).offset, 23);
    // Strings with escapes.
    assert_eq!(
        one(r#"[{"n":"/9999/0/0","vs":"caf\u00e9 \ud83d\ude00 \"q\" \\ \/ \b\f\n\r\t"}]"#).unwrap(),
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
            json_err(&format!(r#"[{{"n":"/9999/0/0","vs":{j}}}]"#)).offset,
            24,
            "{j}"
        );
    }
    // Raw control characters are not allowed in strings.
    assert_eq!(
        json_err("[{\"n\":\"/9999/0/0\",\"vs\":\"a\tb\"}]").offset,
        25
    );
    // Invalid UTF-8 in a string.
    assert!(
        senml_json::decode_records(b"[{\"n\":\"/9999/0/0\",\"vs\":\"\xFF\"}]", &spec_types())
            .is_err()
    );
}

#[test]
fn opaque_vd_alphabets() {
    // base64url without padding (spec), with padding, and — leniently — the standard
    // alphabet with or without padding. One value must use one alphabet.
    let want = Value::Opaque(vec![1, 2, 3, 0xFB, 0xFF]);
    for vd in ["AQID-_8", "AQID-_8=", "AQID+/8=", "AQID+/8"] {
        assert_eq!(
            one(&format!(r#"[{{"n":"/9999/0/1","vd":"{vd}"}}]"#)).unwrap(),
            want,
            "{vd}"
        );
    }
    assert_eq!(
        one(r#"[{"n":"/9999/0/1","vd":""}]"#).unwrap(),
        Value::Opaque(vec![])
    );
    for vd in ["AQID-/8", "AQID+_8", "A", "AQID-_8==", "AQ ID", "AQID-_9"] {
        assert_eq!(
            json_err(&format!(r#"[{{"n":"/9999/0/1","vd":"{vd}"}}]"#)).offset,
            23,
            "{vd}"
        );
    }
    // Encoder: base64url without padding.
    let node = Node::Resource(single(1, Value::Opaque(vec![1, 2, 3, 0xFB, 0xFF])));
    assert_eq!(
        String::from_utf8(codec::encode(F::SenmlJson, &p("/9999/0/1"), &node).unwrap()).unwrap(),
        r#"[{"bn":"/9999/0/1","vd":"AQID-_8"}]"#
    );
}

#[test]
fn objlnk_vlo_and_vs() {
    let want = Value::Objlnk(ObjectLink::new(3303, 0));
    assert_eq!(
        one(r#"[{"bn":"/3/0/","n":"22/0","vlo":"3303:0"}]"#).unwrap(),
        want
    );
    assert_eq!(
        one(r#"[{"bn":"/3/0/","n":"22/0","vs":"3303:0"}]"#).unwrap(),
        want
    );
    assert_eq!(
        one(r#"[{"n":"/9999/0/22","vlo":"65535:65535"}]"#).unwrap(),
        Value::Objlnk(ObjectLink::new(65535, 65535))
    );
    assert_eq!(
        json_err(r#"[{"n":"/9999/0/22","vlo":"65536:0"}]"#).offset,
        25
    );
    assert!(matches!(
        value_err(records(r#"[{"n":"/9999/0/22","vs":"3303"}]"#)),
        ValueError::InvalidText(DataType::Objlnk)
    ));
    // Encoder: vlo.
    let node = Node::Resource(single(22, want));
    assert_eq!(
        String::from_utf8(codec::encode(F::SenmlJson, &p("/9999/0/22"), &node).unwrap()).unwrap(),
        r#"[{"bn":"/9999/0/22","vlo":"3303:0"}]"#
    );
}

#[test]
fn json_framing() {
    assert_eq!(records("[]").unwrap(), vec![]);
    assert_eq!(records(" [ ] \n").unwrap(), vec![]);
    assert_eq!(json_err("").offset, 0);
    assert_eq!(json_err("{}").offset, 0);
    assert_eq!(json_err("[] []").offset, 3);
    assert_eq!(json_err(r#"[{"n":"/3/0/9","v":1},]"#).offset, 22);
    assert_eq!(json_err(r#"[{"n":"/3/0/9","v":1,}]"#).offset, 21);
    assert_eq!(json_err(r#"[{"n":"/3/0/9","v":1}"#).offset, 21);
    assert_eq!(json_err(r#"[{"n":"/3/0/9" "v":1}]"#).offset, 15);
    assert_eq!(json_err("[1]").offset, 1);
    // Read-Composite: names and no values.
    assert_eq!(
        records(r#"[{"n":"/3/0/9"},{"n":"/3303/0/5700"},{"n":"/3"},{"n":"/3/0"}]"#)
            .unwrap()
            .into_iter()
            .map(|r| (r.path, r.value))
            .collect::<Vec<_>>(),
        vec![
            (p("/3/0/9"), None),
            (p("/3303/0/5700"), None),
            (p("/3"), None),
            (p("/3/0"), None)
        ]
    );
}

#[test]
fn json_hostile() {
    // 1 MB of '[' fails at the second byte (a record must be an object).
    let deep = "[".repeat(1 << 20);
    assert_eq!(json_err(&deep).offset, 1);
    // Deeply nested unknown label values are refused, not recursed into.
    let mut j = String::from(r#"[{"n":"/3/0/9","x":"#);
    j.push_str(&"[".repeat(10_000));
    j.push_str(&"]".repeat(10_000));
    j.push_str(r#","v":1}]"#);
    assert!(records(&j).is_err());
    let mut j = String::from(r#"[{"n":"/3/0/9","x":"#);
    j.push_str(&r#"{"a":"#.repeat(10_000));
    assert!(records(&j).is_err());
    // Very long numbers and strings are parsed in linear time.
    let long = format!(r#"[{{"n":"/9999/0/4","v":{}}}]"#, "9".repeat(100_000));
    assert!(records(&long).is_err() || records(&long).is_ok());
    let unterminated = format!(r#"[{{"n":"/9999/0/0","vs":"{}"#, "\\n".repeat(100_000));
    assert!(records(&unterminated).is_err());
}

#[test]
fn node_decode_of_example_a() {
    let j = r#"[{"bn":"/3/0/","n":"0","vs":"ACME"},{"n":"6/0","v":1},{"n":"6/1","v":5},{"n":"9","v":87},{"n":"13","v":1700000000}]"#;
    let got = codec::decode(F::SenmlJson, &p("/3/0"), j.as_bytes(), &spec_types()).unwrap();
    assert_eq!(
        got,
        Node::Instance(InstanceNode {
            id: 0,
            resources: vec![
                single(0, s("ACME")),
                multi(6, &[(0, int(1)), (1, int(5))]),
                single(9, int(87)),
                single(13, Value::Time(ucifi_runtime::Time(1_700_000_000))),
            ]
        })
    );
    // Records outside the target path are refused.
    assert!(matches!(
        codec::decode(F::SenmlJson, &p("/3/1"), j.as_bytes(), &spec_types()),
        Err(Error::Path { .. })
    ));
    // A single value for a multi-instance resource, and the reverse.
    assert!(matches!(
        codec::decode(
            F::SenmlJson,
            &p("/3/0"),
            br#"[{"n":"/3/0/6","v":1}]"#,
            &spec_types()
        ),
        Err(Error::Path { .. })
    ));
    assert!(matches!(
        codec::decode(
            F::SenmlJson,
            &p("/3/0"),
            br#"[{"n":"/3/0/9/0","v":1}]"#,
            &spec_types()
        ),
        Err(Error::Path { .. })
    ));
    // Resource-instance target.
    let got = codec::decode(
        F::SenmlJson,
        &p("/3/0/6/1"),
        br#"[{"bn":"/3/0/6/1","v":5}]"#,
        &spec_types(),
    )
    .unwrap();
    assert!(matches!(got, Node::ResourceInstance(ri) if ri.id == 1 && ri.value == int(5)));
    let _ = ResourceValue::Single(int(0));
}

// ---------------------------------------------------------------------------------------
// SenML CBOR

#[test]
fn senml_cbor_examples() {
    // Example B.
    let b = "83 A3 21 65 2F 31 2F 30 2F 00 61 36 04 F5
             A3 21 65 2F 33 2F 30 2F 00 64 32 32 2F 30 63 76 6C 6F 66 33 33 30 33 3A 30
             A3 21 66 2F 31 39 2F 30 2F 00 63 30 2F 30 08 45 01 02 03 FB FF";
    assert_eq!(
        leaves(crecords(b).unwrap()),
        vec![
            (p("/1/0/6"), Value::Boolean(true)),
            (p("/3/0/22/0"), Value::Objlnk(ObjectLink::new(3303, 0))),
            (p("/19/0/0/0"), Value::Opaque(vec![1, 2, 3, 0xFB, 0xFF])),
        ]
    );
    // Example C: times, half floats.
    let c = "83 A3 21 6C 2F 33 33 30 33 2F 30 2F 35 37 30 30 22 1A 65 53 F1 00 02 F9 4D 60
             A2 06 18 3C 02 F9 4D 70 A2 06 18 78 02 F9 4D A0";
    let r = crecords(c).unwrap();
    assert_eq!(
        r.iter().map(|r| r.time).collect::<Vec<_>>(),
        vec![
            Some(1_700_000_000.0),
            Some(1_700_000_060.0),
            Some(1_700_000_120.0)
        ]
    );
    // Leshan: bt as a tag-4 decimal fraction, bn + bt repeated in every record.
    let r = crecords(
        "82 A3 21 66 2F 30 2F 30 2F 30 22 C4 82 00 1A 1D CD 65 04 03 61 78
            A3 21 66 2F 30 2F 30 2F 31 22 C4 82 21 1A 1D CD 65 04 04 F5",
    )
    .unwrap();
    assert_eq!(r[0].path, p("/0/0/0"));
    assert_eq!(r[0].time, Some(500_000_004.0));
    assert_eq!(r[1].time, Some(5_000_000.04));
}

#[test]
fn senml_cbor_input_forms() {
    let want = vec![(p("/3/0/9"), int(87))];
    for h in [
        "81 A2 00 66 2F 33 2F 30 2F 39 02 18 57",
        // Indefinite array, map and name string.
        "9F BF 00 7F 63 2F 33 2F 63 30 2F 39 FF 02 18 57 FF FF",
        // Labels in non-minimal integer forms.
        "81 A2 18 00 66 2F 33 2F 30 2F 39 19 00 02 18 57",
        "81 A3 38 01 65 2F 33 2F 30 2F 18 00 61 39 02 18 57",
        // Integer value in non-minimal width, as a decimal fraction, as an integral float.
        "81 A2 00 66 2F 33 2F 30 2F 39 02 1B 00 00 00 00 00 00 00 57",
        "81 A2 00 66 2F 33 2F 30 2F 39 02 C4 82 00 18 57",
        "81 A2 00 66 2F 33 2F 30 2F 39 02 F9 55 70",
        // Unknown labels: integers (positive, negative) and text, with nested values.
        "81 A4 00 66 2F 33 2F 30 2F 39 18 64 82 A0 80 63 66 6F 6F BF 01 02 FF 02 18 57",
        "81 A3 00 66 2F 33 2F 30 2F 39 38 63 C1 01 02 18 57",
        // Definite array with the Anjay split.
        "81 A3 21 64 2F 33 2F 30 00 62 2F 39 02 18 57",
    ] {
        assert_eq!(leaves(crecords(h).unwrap()), want, "{h}");
    }
    // Tag 1 around v for a Time resource.
    assert_eq!(
        leaves(crecords("81 A2 00 67 2F 33 2F 30 2F 31 33 02 C1 1A 65 53 F1 00").unwrap()),
        vec![(
            p("/3/0/13"),
            Value::Time(ucifi_runtime::Time(1_700_000_000))
        )]
    );
    // Single and double precision.
    for v in ["FA 41 B4 00 00", "FB 40 36 80 00 00 00 00 00"] {
        let h = format!("81 A2 00 6C 2F 33 33 30 33 2F 30 2F 35 37 30 30 02 {v}");
        assert_eq!(
            leaves(crecords(&h).unwrap()),
            vec![(p("/3303/0/5700"), Value::Float(22.5))]
        );
    }
}

#[test]
fn senml_cbor_errors() {
    // Must-understand text label.
    assert_eq!(
        cbor_err("81 A3 00 66 2F 33 2F 30 2F 39 02 01 64 66 6F 6F 5F 01").offset,
        12
    );
    // Duplicate labels, also in different widths; two value fields.
    assert_eq!(
        cbor_err("81 A3 00 66 2F 33 2F 30 2F 39 02 01 02 02").offset,
        12
    );
    assert_eq!(
        cbor_err("81 A3 00 66 2F 33 2F 30 2F 39 02 01 18 02 02").offset,
        12
    );
    assert_eq!(
        cbor_err("81 A3 00 66 2F 33 2F 30 2F 39 02 01 03 61 31").offset,
        12
    );
    // Map or array as a label.
    assert_eq!(cbor_err("81 A2 00 66 2F 33 2F 30 2F 39 A0 01").offset, 10);
    assert_eq!(cbor_err("81 A2 00 66 2F 33 2F 30 2F 39 80 01").offset, 10);
    // Wrong value types for labels.
    assert_eq!(cbor_err("81 A1 00 01").offset, 3);
    assert_eq!(cbor_err("81 A2 00 66 2F 33 2F 30 2F 39 04 01").offset, 11);
    assert_eq!(
        cbor_err("81 A2 00 66 2F 33 2F 30 2F 39 08 61 41").offset,
        11
    );
    // Not an array, not maps, trailing bytes, truncated.
    assert_eq!(cbor_err("A0").offset, 0);
    assert_eq!(cbor_err("81 01").offset, 1);
    assert_eq!(
        cbor_err("81 A2 00 66 2F 33 2F 30 2F 39 02 01 00").offset,
        12
    );
    assert_eq!(cbor_err("82 A2 00 66 2F 33 2F 30 2F 39 02 01").offset, 12);
    assert_eq!(cbor_err("9F A2 00 66 2F 33 2F 30 2F 39 02 01").offset, 12);
    // Stray break inside a definite map.
    assert_eq!(cbor_err("81 A2 00 66 2F 33 2F 30 2F 39 FF").offset, 10);
    // Empty array.
    assert_eq!(crecords("80").unwrap(), vec![]);
    assert_eq!(crecords("9F FF").unwrap(), vec![]);
}

#[test]
fn senml_cbor_hostile() {
    for h in [
        "9B 80 00 00 00 00 00 00 00 A0",
        "81 BB 80 00 00 00 00 00 00 00 00",
        "81 A1 00 7B 80 00 00 00 00 00 00 00 2F",
        "81 A1 08 5B 80 00 00 00 00 00 00 00 01",
        "81 A1 18 64 9B 80 00 00 00 00 00 00 00 01",
        "81 A1 18 64 BB 80 00 00 00 00 00 00 00 01",
    ] {
        assert!(crecords(h).is_err(), "{h}");
        assert!(
            codec::decode(F::SenmlCbor, &p("/3/0"), &hex(h), &spec_types()).is_err(),
            "{h}"
        );
    }
    // 10,000 nested arrays/maps inside an unknown label; 1 MB of 0x9F.
    for open in [0x81u8, 0x9F, 0xA1, 0xBF] {
        let mut b = hex("81 A2 00 66 2F 33 2F 30 2F 39 18 64");
        for _ in 0..10_000 {
            b.push(open);
            if open == 0xA1 || open == 0xBF {
                b.push(0x01);
            }
        }
        assert!(senml_cbor::decode_records(&b, &spec_types()).is_err());
    }
    assert!(senml_cbor::decode_records(&vec![0x9F; 1 << 20], &spec_types()).is_err());
}

// ---------------------------------------------------------------------------------------
// §8 LwM2M JSON

fn lj(path: &str, j: &str) -> Result<Node, Error> {
    codec::decode(F::Lwm2mJson, &p(path), j.as_bytes(), &spec_types())
}

#[test]
fn lwm2m_json_example_and_quirks() {
    let want = Node::Instance(InstanceNode {
        id: 0,
        resources: vec![
            single(0, s("ACME")),
            multi(6, &[(0, int(1))]),
            single(9, int(87)),
            multi(22, &[(0, Value::Objlnk(ObjectLink::new(3303, 0)))]),
            single(13, Value::Time(ucifi_runtime::Time(1_700_000_000))),
        ],
    });
    let j = r#"{"bn":"/3/0/","e":[{"n":"0","sv":"ACME"},{"n":"6/0","v":1},{"n":"9","v":87},{"n":"22/0","ov":"3303:0"},{"n":"13","v":1700000000}]}"#;
    let norm = |n: Node| {
        let mut n = n;
        n.canonicalize();
        n
    };
    assert_eq!(norm(lj("/3/0", j).unwrap()), norm(want.clone()));
    // Leshan writes links in sv; keys in any order; whitespace.
    let j2 = r#" { "e" : [ {"n":"0","sv":"ACME"},{"n":"6/0","v":1.0},{"n":"9","v":8.7e1},
                 {"n":"22/0","sv":"3303:0"},{"n":"13","v":1700000000}] , "bn" : "/3/0/" } "#;
    assert_eq!(norm(lj("/3/0", j2).unwrap()), norm(want));
    // No bn: full names.
    assert_eq!(
        lj("/3/0/9", r#"{"e":[{"n":"/3/0/9","v":87}]}"#).unwrap(),
        Node::Resource(single(9, int(87)))
    );
    // Opaque in sv as standard base64 with padding.
    assert_eq!(
        lj("/9999/0/1", r#"{"bn":"/9999/0/1","e":[{"sv":"AQID+/8="}]}"#).unwrap(),
        Node::Resource(single(1, Value::Opaque(vec![1, 2, 3, 0xFB, 0xFF])))
    );
    // Boolean bv.
    assert_eq!(
        lj("/9999/0/5", r#"{"bn":"/9999/0/5","e":[{"bv":false}]}"#).unwrap(),
        Node::Resource(single(5, Value::Boolean(false)))
    );
    // Time resolution: bt + t, or t alone.
    let r = codec::lwm2m_json::decode_records(
        br#"{"bn":"/3303/0/5700","bt":1700000000,"e":[{"v":21.5},{"v":21.75,"t":60}]}"#,
        &spec_types(),
    )
    .unwrap();
    assert_eq!(
        r.iter().map(|r| r.time).collect::<Vec<_>>(),
        vec![Some(1_700_000_000.0), Some(1_700_000_060.0)]
    );
}

#[test]
fn lwm2m_json_errors() {
    let err = |j: &str| match lj("/3/0", j) {
        Err(Error::Format(e)) => e.offset,
        other => panic!("expected a format error for {j}, got {other:?}"),
    };
    assert_eq!(err("{}"), 0);
    assert_eq!(err(r#"{"e":{}}"#), 5);
    assert_eq!(err(r#"{"e":[],"e":[]}"#), 8);
    assert_eq!(err(r#"{"bn":"/3/0/","e":[{"n":"9","v":1,"sv":"1"}]}"#), 34);
    assert_eq!(err(r#"{"bn":"/3/0/","e":[{"n":"9","v":1,"v":1}]}"#), 34);
    assert_eq!(err(r#"{"bn":"/3/0/","e":[]} x"#), 22);
    assert_eq!(err("["), 0);
    assert!(matches!(
        lj("/3/0", r#"{"bn":"/3/0/","e":[{"n":"9","v":1.5}]}"#),
        Err(Error::Value { .. })
    ));
    // 1 MB of '[' inside e.
    let deep = format!(r#"{{"e":{}"#, "[".repeat(1 << 20));
    assert!(lj("/3/0", &deep).is_err());
}

#[test]
fn senml_cbor_time_tags() {
    // Time values as tag 1 (epoch) and tag 0 (RFC 3339 text), spec §2 CBOR column.
    let t = Value::Time(ucifi_runtime::Time(1_700_000_000));
    assert_eq!(
        leaves(crecords("81 A2 00 67 2F 33 2F 30 2F 31 33 02 C1 1A 65 53 F1 00").unwrap()),
        vec![(p("/3/0/13"), t.clone())]
    );
    let rfc3339 = "C0 74 32 30 32 33 2D 31 31 2D 31 34 54 32 32 3A 31 33 3A 32 30 5A";
    assert_eq!(
        leaves(crecords(&format!("81 A2 00 67 2F 33 2F 30 2F 31 33 02 {rfc3339}")).unwrap()),
        vec![(p("/3/0/13"), t)]
    );
    // A tag-0 bt.
    let r = crecords(&format!("81 A3 00 66 2F 33 2F 30 2F 39 22 {rfc3339} 02 01")).unwrap();
    assert_eq!(r[0].time, Some(1_700_000_000.0));
    // Tag 0 on a non-text, or text that is not a date.
    assert_eq!(
        cbor_err("81 A2 00 67 2F 33 2F 30 2F 31 33 02 C0 01").offset,
        13
    );
    assert_eq!(
        cbor_err("81 A2 00 67 2F 33 2F 30 2F 31 33 02 C0 61 31").offset,
        12
    );
}
