//! Conformance vectors for text/plain (spec §3), octet-stream (§4) and OMA TLV (§7),
//! written from the reference text as an outside suite would: exact bytes, exact error
//! kinds and offsets.

mod common;

use common::*;
use ucifi_runtime::codec::{self, Error, FormatError, ValueError};
use ucifi_runtime::{
    ContentFormat as F, DataType, InstanceNode, Node, ObjectLink, Path, ResourceValue, Time, Value,
};

fn p(s: &str) -> Path {
    s.parse().unwrap()
}

fn dec(format: F, path: &str, bytes: &[u8]) -> Result<Node, Error> {
    codec::decode(format, &p(path), bytes, &spec_types())
}

/// The single value of a decoded resource or resource instance.
#[track_caller]
fn value(format: F, path: &str, bytes: &[u8]) -> Result<Value, Error> {
    dec(format, path, bytes).map(|n| match n {
        Node::Resource(r) => match r.value {
            ResourceValue::Single(v) => v,
            other => panic!("not a single value: {other:?}"),
        },
        Node::ResourceInstance(ri) => ri.value,
        other => panic!("not a leaf: {other:?}"),
    })
}

#[track_caller]
fn value_err(format: F, path: &str, bytes: &[u8]) -> ValueError {
    match dec(format, path, bytes) {
        Err(Error::Value { source, .. }) => source,
        other => panic!("expected a value error, got {other:?}"),
    }
}

#[track_caller]
fn format_err(format: F, path: &str, bytes: &[u8]) -> FormatError {
    match dec(format, path, bytes) {
        Err(Error::Format(e)) => e,
        other => panic!(
            "expected a format error for {}, got {other:?}",
            to_hex(bytes)
        ),
    }
}

fn text(path: &str, t: &str) -> Result<Value, Error> {
    value(F::Text, path, t.as_bytes())
}

// ---------------------------------------------------------------------------------------
// §3 text/plain

#[test]
fn text_integer_rules() {
    // /9999/0/2 Integer, /3 UnsignedInteger, /13 Time.
    assert_eq!(text("/9999/0/2", "-93").unwrap(), Value::Integer(-93));
    assert_eq!(text("/9999/0/2", "0").unwrap(), Value::Integer(0));
    assert_eq!(text("/9999/0/2", "-0").unwrap(), Value::Integer(0));
    // Leading zeros are still ASCII digits.
    assert_eq!(text("/9999/0/2", "007").unwrap(), Value::Integer(7));
    assert_eq!(
        text("/9999/0/2", "-9223372036854775808").unwrap(),
        Value::Integer(i64::MIN)
    );
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
    assert_eq!(
        text("/9999/0/3", "18446744073709551615").unwrap(),
        Value::UnsignedInteger(u64::MAX)
    );
    for t in ["18446744073709551616", "-1", "+1"] {
        assert_eq!(
            value_err(F::Text, "/9999/0/3", t.as_bytes()),
            ValueError::InvalidText(DataType::UnsignedInteger),
            "{t:?}"
        );
    }
    assert_eq!(
        text("/9999/0/13", "1700000000").unwrap(),
        Value::Time(Time(1_700_000_000))
    );
    assert_eq!(
        value_err(F::Text, "/9999/0/13", b"1700000000.5"),
        ValueError::InvalidText(DataType::Time)
    );
}

#[test]
fn text_float_rules() {
    let f = |t: &str| text("/9999/0/4", t);
    assert_eq!(f("22.5").unwrap(), Value::Float(22.5));
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
    // Encoder: plain shortest round-trip decimal, no exponent.
    let enc = |v: f64| {
        String::from_utf8(
            codec::encode(
                F::Text,
                &p("/9999/0/4"),
                &Node::Resource(single(4, Value::Float(v))),
            )
            .unwrap(),
        )
        .unwrap()
    };
    assert_eq!(enc(22.5), "22.5");
    assert_eq!(enc(6.667e-11), "0.00000000006667");
    assert_eq!(enc(1e10), "10000000000");
    assert_eq!(enc(-4.25), "-4.25");
    assert!(
        codec::encode(
            F::Text,
            &p("/9999/0/4"),
            &Node::Resource(single(4, Value::Float(f64::NAN)))
        )
        .is_err()
    );
}

#[test]
fn text_boolean_objlnk_opaque() {
    assert_eq!(text("/9999/0/5", "1").unwrap(), Value::Boolean(true));
    assert_eq!(text("/9999/0/5", "0").unwrap(), Value::Boolean(false));
    for t in ["true", "false", "2", "01", " 1", "1\n", ""] {
        assert_eq!(
            value_err(F::Text, "/9999/0/5", t.as_bytes()),
            ValueError::InvalidText(DataType::Boolean),
            "{t:?}"
        );
    }
    assert_eq!(
        text("/9999/0/22", "3303:0").unwrap(),
        Value::Objlnk(ObjectLink::new(3303, 0))
    );
    assert_eq!(
        text("/9999/0/22", "65535:65535").unwrap(),
        Value::Objlnk(ObjectLink::new(65535, 65535))
    );
    for t in [
        "65536:0", "0:65536", "3303", "3303:", ":0", "3303:0:1", "-1:0", " 1:0",
    ] {
        assert_eq!(
            value_err(F::Text, "/9999/0/22", t.as_bytes()),
            ValueError::InvalidText(DataType::Objlnk),
            "{t:?}"
        );
    }
    // Opaque: standard base64 with padding.
    assert_eq!(
        text("/9999/0/1", "AQID+/8=").unwrap(),
        Value::Opaque(vec![1, 2, 3, 0xFB, 0xFF])
    );
    assert_eq!(text("/9999/0/1", "").unwrap(), Value::Opaque(vec![]));
    for t in ["AQID+/8", "AQID-_8=", "AQID+/8==", "A"] {
        assert_eq!(
            value_err(F::Text, "/9999/0/1", t.as_bytes()),
            ValueError::InvalidText(DataType::Opaque),
            "{t:?}"
        );
    }
    assert_eq!(
        codec::encode(
            F::Text,
            &p("/9999/0/1"),
            &Node::Resource(single(1, Value::Opaque(vec![1, 2, 3, 0xFB, 0xFF])))
        )
        .unwrap(),
        b"AQID+/8="
    );
    // Empty String is a valid String.
    assert_eq!(text("/9999/0/0", "").unwrap(), s(""));
    // Invalid UTF-8 is a format error at the first bad byte.
    let e = format_err(F::Text, "/9999/0/0", b"ab\xFFc");
    assert_eq!(e.offset, 2);
}

#[test]
fn text_targets() {
    // Objects, instances and multi-instance resources cannot be text.
    assert!(matches!(
        dec(F::Text, "/3/0", b"1"),
        Err(Error::Unsupported { .. })
    ));
    assert!(matches!(
        dec(F::Text, "/3/0/6", b"1"),
        Err(Error::Path { .. })
    ));
    assert_eq!(value(F::Text, "/3/0/6/1", b"5").unwrap(), Value::Integer(5));
    let multi_node = Node::Resource(multi(6, &[(0, int(1))]));
    assert!(matches!(
        codec::encode(F::Text, &p("/3/0/6"), &multi_node),
        Err(Error::Unsupported { .. })
    ));
}

// ---------------------------------------------------------------------------------------
// §4 octet-stream

#[test]
fn octet_stream() {
    assert_eq!(
        value(F::Opaque, "/9999/0/1", &[0, 0xFF, 1]).unwrap(),
        Value::Opaque(vec![0, 0xFF, 1])
    );
    assert_eq!(
        value(F::Opaque, "/9999/0/1", &[]).unwrap(),
        Value::Opaque(vec![])
    );
    // Only for Opaque resources.
    assert!(matches!(
        value_err(F::Opaque, "/9999/0/2", &[1]),
        ValueError::WrongType { .. }
    ));
    assert!(matches!(
        dec(F::Opaque, "/9999/0", &[1]),
        Err(Error::Unsupported { .. })
    ));
}

// ---------------------------------------------------------------------------------------
// §7 TLV

fn tlv(path: &str, bytes: &[u8]) -> Result<Node, Error> {
    dec(F::Tlv, path, bytes)
}

#[track_caller]
fn tlv_err(path: &str, bytes: &str) -> FormatError {
    format_err(F::Tlv, path, &hex(bytes))
}

#[test]
fn tlv_non_minimal_headers_accepted() {
    let want = Node::Resource(single(9, int(87)));
    for h in [
        "C1 09 57",          // minimal
        "E1 00 09 57",       // 16-bit ID for a small ID
        "C8 09 01 57",       // 8-bit length field for a 1-byte value
        "D0 09 00 01 57",    // 16-bit length field
        "D8 09 00 00 01 57", // 24-bit length field
        "F8 00 09 00 00 01 57",
        "C9 09 01 57", // b2..b0 ignored when a length field is present
        "CF 09 01 57",
    ] {
        assert_eq!(tlv("/3/0/9", &hex(h)).unwrap(), want, "{h}");
    }
    // Containers in non-minimal forms too.
    let inst = Node::Instance(InstanceNode {
        id: 0,
        resources: vec![single(9, int(87))],
    });
    assert_eq!(tlv("/3/0", &hex("18 00 00 00 03 C1 09 57")).unwrap(), inst);
    assert_eq!(tlv("/3/0", &hex("28 00 00 03 C1 09 57")).unwrap(), inst);
    assert_eq!(
        tlv("/3/0/6", &hex("98 06 00 00 03 41 00 01")).unwrap(),
        Node::Resource(multi(6, &[(0, int(1))]))
    );
}

#[test]
fn tlv_long_lengths() {
    // 300-byte Opaque as Resource 1: `D0 01 01 2C`; 70000 bytes: `D8 01 01 11 70`.
    for (n, h) in [(300usize, "C8 01"), (70000, "D8 01 01 11 70")] {
        let payload: Vec<u8> = (0..n).map(|i| i as u8).collect();
        let node = Node::Resource(single(1, Value::Opaque(payload.clone())));
        let got = codec::encode(F::Tlv, &p("/9999/0/1"), &node).unwrap();
        if n == 300 {
            assert_eq!(to_hex(&got[..4]), "D0 01 01 2C");
        } else {
            assert_eq!(to_hex(&got[..5]), h);
        }
        assert_eq!(
            value(F::Tlv, "/9999/0/1", &got).unwrap(),
            Value::Opaque(payload)
        );
    }
    // Object Instance 1000 holding 13 bytes: `28 03 E8 0D`.
    let node = Node::Object(ucifi_runtime::ObjectNode {
        id: 3303,
        instances: vec![InstanceNode {
            id: 1000,
            resources: vec![single(5700, Value::Float(22.5)), single(5701, s("Cel"))],
        }],
    });
    let got = codec::encode(F::Tlv, &p("/3303"), &node).unwrap();
    assert_eq!(
        to_hex(&got),
        "28 03 E8 0D E4 16 44 41 B4 00 00 E3 16 45 43 65 6C"
    );
}

#[test]
fn tlv_integer_widths() {
    let enc = |v: i64| {
        to_hex(&codec::encode(F::Tlv, &p("/9999/0/2"), &Node::Resource(single(2, int(v)))).unwrap())
    };
    for (v, h) in [
        (0, "C1 02 00"),
        (127, "C1 02 7F"),
        (128, "C2 02 00 80"),
        (-128, "C1 02 80"),
        (-129, "C2 02 FF 7F"),
        (32767, "C2 02 7F FF"),
        (32768, "C4 02 00 00 80 00"),
        (-93, "C1 02 A3"),
        (1_700_000_000, "C4 02 65 53 F1 00"),
        (2_147_483_648, "C8 02 08 00 00 00 00 80 00 00 00"),
    ] {
        assert_eq!(enc(v), h, "{v}");
        assert_eq!(value(F::Tlv, "/9999/0/2", &hex(h)).unwrap(), int(v));
    }
    // Decoder: lengths 1, 2, 4, 8 only (Anjay); 3 → 4.00.
    for (bytes, len) in [
        ("C3 02 00 00 01", 3),
        ("C0 02", 0),
        ("C5 02 00 00 00 00 01", 5),
    ] {
        assert_eq!(
            value_err(F::Tlv, "/9999/0/2", &hex(bytes)),
            ValueError::BadLength {
                data_type: DataType::Integer,
                len
            }
        );
    }
    // Sign extension of each width.
    assert_eq!(
        value(F::Tlv, "/9999/0/2", &hex("C4 02 FF FF FF A3")).unwrap(),
        int(-93)
    );
    assert_eq!(
        value(
            F::Tlv,
            "/9999/0/13",
            &hex("C8 0D 08 FF FF FF FF FF FF FF A3")
        )
        .unwrap(),
        Value::Time(Time(-93))
    );
}

#[test]
fn tlv_unsigned() {
    // Decoded as unsigned (spec, Anjay): C8 = 200, also 8-byte values above 2^63.
    assert_eq!(
        value(F::Tlv, "/9999/0/3", &hex("C1 03 C8")).unwrap(),
        Value::UnsignedInteger(200)
    );
    assert_eq!(
        value(F::Tlv, "/9999/0/3", &hex("C2 03 00 C8")).unwrap(),
        Value::UnsignedInteger(200)
    );
    assert_eq!(
        value(
            F::Tlv,
            "/9999/0/3",
            &hex("C8 03 08 FF FF FF FF FF FF FF FF")
        )
        .unwrap(),
        Value::UnsignedInteger(u64::MAX)
    );
    // Encoded with the top bit clear.
    let enc = |v: u64| {
        to_hex(
            &codec::encode(
                F::Tlv,
                &p("/9999/0/3"),
                &Node::Resource(single(3, Value::UnsignedInteger(v))),
            )
            .unwrap(),
        )
    };
    assert_eq!(enc(200), "C2 03 00 C8");
    assert_eq!(enc(65535), "C4 03 00 00 FF FF");
    assert_eq!(enc(127), "C1 03 7F");
    assert_eq!(enc(1 << 63), "C8 03 08 80 00 00 00 00 00 00 00");
}

#[test]
fn tlv_float_boolean_objlnk_string() {
    assert_eq!(
        value(F::Tlv, "/3303/0/5700", &hex("E4 16 44 41 B4 00 00")).unwrap(),
        Value::Float(22.5)
    );
    assert_eq!(
        value(
            F::Tlv,
            "/3303/0/5700",
            &hex("E8 16 44 08 40 36 80 00 00 00 00 00")
        )
        .unwrap(),
        Value::Float(22.5)
    );
    for (b, len) in [("E2 16 44 4D A0", 2), ("E1 16 44 01", 1), ("E0 16 44", 0)] {
        assert_eq!(
            value_err(F::Tlv, "/3303/0/5700", &hex(b)),
            ValueError::BadLength {
                data_type: DataType::Float,
                len
            },
            "{b}"
        );
    }
    assert_eq!(
        value(F::Tlv, "/9999/0/5", &hex("C1 05 01")).unwrap(),
        Value::Boolean(true)
    );
    assert_eq!(
        value(F::Tlv, "/9999/0/5", &hex("C1 05 00")).unwrap(),
        Value::Boolean(false)
    );
    assert_eq!(
        value_err(F::Tlv, "/9999/0/5", &hex("C1 05 02")),
        ValueError::InvalidBoolean
    );
    assert_eq!(
        value_err(F::Tlv, "/9999/0/5", &hex("C2 05 00 01")),
        ValueError::BadLength {
            data_type: DataType::Boolean,
            len: 2
        }
    );
    assert_eq!(
        value(F::Tlv, "/9999/0/22", &hex("C4 16 0C E7 00 00")).unwrap(),
        Value::Objlnk(ObjectLink::new(3303, 0))
    );
    assert_eq!(
        value(F::Tlv, "/9999/0/22", &hex("C4 16 FF FF FF FF")).unwrap(),
        Value::Objlnk(ObjectLink::new(65535, 65535))
    );
    assert_eq!(
        value_err(F::Tlv, "/9999/0/22", &hex("C3 16 0C E7 00")),
        ValueError::BadLength {
            data_type: DataType::Objlnk,
            len: 3
        }
    );
    assert_eq!(value(F::Tlv, "/9999/0/0", &hex("C0 00")).unwrap(), s(""));
    assert_eq!(
        value_err(F::Tlv, "/9999/0/0", &hex("C2 00 C3 28")),
        ValueError::InvalidUtf8
    );
    assert_eq!(
        value_err(F::Tlv, "/9999/0/7", &hex("C1 07 FF")),
        ValueError::InvalidUtf8
    );
    // Resource Instance 310 = 1 → `61 01 36 01`.
    assert_eq!(
        value(F::Tlv, "/9999/0/310/310", &hex("61 01 36 01")).unwrap(),
        int(1)
    );
}

#[test]
fn tlv_targets_and_wrappers() {
    let t4 = "08 00 0E C1 00 06 86 01 41 00 06 41 01 07 C1 02 A3";
    let inst = InstanceNode {
        id: 0,
        resources: vec![
            single(0, int(6)),
            multi(1, &[(0, int(6)), (1, int(7))]),
            single(2, int(-93)),
        ],
    };
    // /4/0 without and with the (matching) kind-00 wrapper.
    assert_eq!(
        tlv("/4/0", &hex(&t4[9..])).unwrap(),
        Node::Instance(inst.clone())
    );
    assert_eq!(tlv("/4/0", &hex(t4)).unwrap(), Node::Instance(inst.clone()));
    // Wrapper whose ID does not match the path.
    assert_eq!(tlv_err("/4/1", t4).offset, 0);
    // Bare resources at an object path: instance 0.
    assert_eq!(
        tlv("/4", &hex(&t4[9..])).unwrap(),
        Node::Object(ucifi_runtime::ObjectNode {
            id: 4,
            instances: vec![inst.clone()]
        })
    );
    // Empty multiple resource `80 06`.
    assert_eq!(
        tlv("/3/0/6", &hex("80 06")).unwrap(),
        Node::Resource(multi(6, &[]))
    );
}

#[test]
fn tlv_reject_rules() {
    // Duplicate IDs at one level (resources, instances, resource instances).
    assert_eq!(tlv_err("/3/0", "C1 09 57 C1 09 58").offset, 3);
    assert_eq!(tlv_err("/3/0", "C1 0A 01 C1 09 57 C1 0A 02").offset, 6);
    assert_eq!(tlv_err("/3", "00 00 00 00").offset, 2);
    assert_eq!(tlv_err("/3/0/6", "86 06 41 00 01 41 00 02").offset, 5);
    // Kind 01 outside kind 10.
    assert_eq!(tlv_err("/3/0", "41 00 01").offset, 0);
    assert_eq!(tlv_err("/3", "41 00 01").offset, 0);
    assert_eq!(tlv_err("/3", "03 00 41 00 01").offset, 2);
    assert_eq!(tlv_err("/3/0/6", "41 00 01").offset, 0);
    // Kind 01 as the single TLV of a resource-instance target is fine; anything else not.
    assert_eq!(tlv_err("/3/0/6/0", "C1 06 01").offset, 0);
    assert_eq!(tlv_err("/3/0/6/0", "41 01 01").offset, 0);
    // Kind 00 nested in kind 00, in kind 10, or at a resource path.
    assert_eq!(tlv_err("/3", "02 00 00 01").offset, 2);
    assert_eq!(tlv_err("/3/0/6", "82 06 00 00").offset, 2);
    assert_eq!(tlv_err("/3/0/6", "82 06 C0 00").offset, 2);
    assert_eq!(tlv_err("/3/0/9", "00 09").offset, 0);
    // Resource at a resource path with another ID.
    assert_eq!(tlv_err("/3/0/9", "C1 0A 01").offset, 0);
    // Containers not exactly filled: child runs past the end of its container.
    assert_eq!(tlv_err("/3", "02 00 C1 09 57").offset, 2);
    assert_eq!(tlv_err("/3/0/6", "82 06 41 00 01").offset, 2);
    // Truncated header / value; length over remaining bytes.
    assert_eq!(tlv_err("/3/0/9", "C1").offset, 0);
    assert_eq!(tlv_err("/3/0/9", "E1 00").offset, 0);
    assert_eq!(tlv_err("/3/0/9", "C8 09").offset, 0);
    assert_eq!(tlv_err("/3/0/9", "C2 09 57").offset, 0);
    assert_eq!(tlv_err("/3/0/9", "D8 09 FF FF FF 57").offset, 0);
    assert_eq!(tlv_err("/3/0", "C1 09 57 C1").offset, 3);
    // Trailing garbage after a single target.
    assert_eq!(tlv_err("/3/0/9", "C1 09 57 00").offset, 3);
    // ID 65535 is reserved.
    assert_eq!(tlv_err("/3", "20 FF FF 00").offset, 0);
    assert_eq!(tlv_err("/3/0", "E1 FF FF 00").offset, 0);
    assert_eq!(tlv_err("/3/0/6", "84 06 61 FF FF 00").offset, 2);
    // The root cannot be addressed.
    assert!(codec::decode(F::Tlv, &Path::ROOT, &hex("C1 09 57"), &spec_types()).is_err());
}

#[test]
fn tlv_type_mismatch_with_model() {
    // A single value for a multiple-instance resource and the reverse.
    assert!(matches!(
        tlv("/3/0", &hex("C1 06 01")),
        Err(Error::Path { .. })
    ));
    assert!(matches!(
        tlv("/3/0", &hex("83 09 41 00 01")),
        Err(Error::Path { .. })
    ));
}

#[test]
fn tlv_hostile_lengths_fail_fast() {
    // 24-bit lengths claiming 16 MiB with a few bytes present.
    for h in [
        "F8 00 09 FF FF FF 00",
        "18 00 FF FF FF",
        "98 06 FF FF FF 41 00 01",
    ] {
        assert!(tlv("/3/0", &hex(h)).is_err(), "{h}");
        assert!(tlv("/3", &hex(h)).is_err(), "{h}");
    }
}

#[test]
fn legacy_content_format_numbers() {
    // Spec §1 / quirk 9: pre-IANA numbers map on input, are never emitted.
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
    for (t, at) in [
        ("10", 1),
        ("a", 0),
        ("0=on", 2),
        ("0='on", 2),
        ("0='o n'", 4),
        ("0='o\"n'", 4),
        ("0,", 2),
        (",0", 0),
        ("0,0", 2),
        ("0 ,1", 1),
        ("0='x'y", 5),
    ] {
        assert_eq!(parse_execute_args(t).unwrap_err().offset, at, "{t}");
    }
}
