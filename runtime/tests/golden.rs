//! Golden tables: boundary values per type in every single-value format, TLV length and
//! ID forms, and the exact errors (offset and reason) of malformed payloads.

mod common;

use common::*;
use ucifi_runtime::codec::{self, Error, ErrorKind, Syntax, ValueError};
use ucifi_runtime::{ContentFormat as F, DataType, Node, ObjectLink, Path, Value};

fn p(s: &str) -> Path {
    s.parse().unwrap()
}

struct Row {
    res: u16,
    value: Value,
    tlv: &'static str,
    cbor: &'static str,
    text: &'static str,
}

fn row(res: u16, value: Value, tlv: &'static str, cbor: &'static str, text: &'static str) -> Row {
    Row {
        res,
        value,
        tlv,
        cbor,
        text,
    }
}

fn table() -> Vec<Row> {
    use Value::*;
    vec![
        // Integer
        row(2, Integer(0), "C1 02 00", "00", "0"),
        row(2, Integer(-1), "C1 02 FF", "20", "-1"),
        row(2, Integer(127), "C1 02 7F", "18 7F", "127"),
        row(2, Integer(128), "C2 02 00 80", "18 80", "128"),
        row(2, Integer(-128), "C1 02 80", "38 7F", "-128"),
        row(2, Integer(-129), "C2 02 FF 7F", "38 80", "-129"),
        row(2, Integer(23), "C1 02 17", "17", "23"),
        row(2, Integer(24), "C1 02 18", "18 18", "24"),
        row(2, Integer(-24), "C1 02 E8", "37", "-24"),
        row(2, Integer(-25), "C1 02 E7", "38 18", "-25"),
        row(2, Integer(32767), "C2 02 7F FF", "19 7F FF", "32767"),
        row(2, Integer(32768), "C4 02 00 00 80 00", "19 80 00", "32768"),
        row(
            2,
            Integer(65536),
            "C4 02 00 01 00 00",
            "1A 00 01 00 00",
            "65536",
        ),
        row(
            2,
            Integer(2_147_483_648),
            "C8 02 08 00 00 00 00 80 00 00 00",
            "1A 80 00 00 00",
            "2147483648",
        ),
        row(
            2,
            Integer(i64::MIN),
            "C8 02 08 80 00 00 00 00 00 00 00",
            "3B 7F FF FF FF FF FF FF FF",
            "-9223372036854775808",
        ),
        row(
            2,
            Integer(i64::MAX),
            "C8 02 08 7F FF FF FF FF FF FF FF",
            "1B 7F FF FF FF FF FF FF FF",
            "9223372036854775807",
        ),
        // Unsigned Integer: TLV keeps the top bit clear below 2^63.
        row(3, UnsignedInteger(0), "C1 03 00", "00", "0"),
        row(3, UnsignedInteger(127), "C1 03 7F", "18 7F", "127"),
        row(3, UnsignedInteger(200), "C2 03 00 C8", "18 C8", "200"),
        row(3, UnsignedInteger(255), "C2 03 00 FF", "18 FF", "255"),
        row(
            3,
            UnsignedInteger(65535),
            "C4 03 00 00 FF FF",
            "19 FF FF",
            "65535",
        ),
        row(
            3,
            UnsignedInteger(1 << 63),
            "C8 03 08 80 00 00 00 00 00 00 00",
            "1B 80 00 00 00 00 00 00 00",
            "9223372036854775808",
        ),
        row(
            3,
            UnsignedInteger(u64::MAX),
            "C8 03 08 FF FF FF FF FF FF FF FF",
            "1B FF FF FF FF FF FF FF FF",
            "18446744073709551615",
        ),
        // Float: TLV binary32 when lossless; CBOR shortest exact width.
        row(4, Float(0.0), "C4 04 00 00 00 00", "F9 00 00", "0"),
        row(4, Float(22.5), "C4 04 41 B4 00 00", "F9 4D A0", "22.5"),
        row(4, Float(-4.25), "C4 04 C0 88 00 00", "F9 C4 40", "-4.25"),
        row(
            4,
            Float(100000.0),
            "C4 04 47 C3 50 00",
            "FA 47 C3 50 00",
            "100000",
        ),
        row(
            4,
            Float(0.1),
            "C8 04 08 3F B9 99 99 99 99 99 9A",
            "FB 3F B9 99 99 99 99 99 9A",
            "0.1",
        ),
        row(
            4,
            Float(-1.5e-300),
            "C8 04 08 81 B0 12 97 D2 3A B6 83",
            "FB 81 B0 12 97 D2 3A B6 83",
            "",
        ),
        // Boolean
        row(5, Boolean(false), "C1 05 00", "F4", "0"),
        row(5, Boolean(true), "C1 05 01", "F5", "1"),
        // String, Opaque, Corelnk: empty and short
        row(0, String("".into()), "C0 00", "60", ""),
        row(
            0,
            String("Cel".into()),
            "C3 00 43 65 6C",
            "63 43 65 6C",
            "Cel",
        ),
        row(1, Opaque(vec![]), "C0 01", "40", ""),
        row(1, Opaque(vec![0]), "C1 01 00", "41 00", "AA=="),
        row(1, Opaque(vec![1, 2]), "C2 01 01 02", "42 01 02", "AQI="),
        row(
            7,
            Corelnk(ucifi_runtime::CoreLink("</3/0>".into())),
            "C6 07 3C 2F 33 2F 30 3E",
            "66 3C 2F 33 2F 30 3E",
            "</3/0>",
        ),
        // Time
        row(13, Time(ucifi_runtime::Time(0)), "C1 0D 00", "00", "0"),
        row(13, Time(ucifi_runtime::Time(-1)), "C1 0D FF", "20", "-1"),
        // Objlnk
        row(
            22,
            Objlnk(ObjectLink::new(0, 0)),
            "C4 16 00 00 00 00",
            "63 30 3A 30",
            "0:0",
        ),
        row(
            22,
            Objlnk(ObjectLink::NULL),
            "C4 16 FF FF FF FF",
            "6B 36 35 35 33 35 3A 36 35 35 33 35",
            "65535:65535",
        ),
        // 8-bit vs 16-bit IDs
        row(255, Integer(1), "C1 FF 01", "01", "1"),
        row(256, Integer(1), "E1 01 00 01", "01", "1"),
    ]
}

#[test]
fn golden_values_every_single_value_format() {
    let types = spec_types();
    for r in table() {
        let path = Path::resource(9999, 0, r.res);
        let node = Node::Resource(single(r.res, r.value.clone()));
        let mut cases = vec![(F::Tlv, hex(r.tlv)), (F::Cbor, hex(r.cbor))];
        // LwM2M CBOR: {[9999, 0, res]: value}.
        let mut l = hex("A1 83 19 27 0F 00");
        let id = r.res;
        l.extend(if id < 24 {
            vec![id as u8]
        } else if id < 256 {
            vec![0x18, id as u8]
        } else {
            vec![0x19, (id >> 8) as u8, id as u8]
        });
        l.extend(hex(r.cbor));
        cases.push((F::Lwm2mCbor, l));
        if !(r.text.is_empty() && matches!(r.value, Value::Float(_))) {
            cases.push((F::Text, r.text.as_bytes().to_vec()));
        }
        if let Value::Opaque(b) = &r.value {
            cases.push((F::Opaque, b.clone()));
        }
        for (format, bytes) in cases {
            let enc = codec::encode(format, &path, &node).unwrap();
            assert_eq!(
                to_hex(&enc),
                to_hex(&bytes),
                "{format} encode {:?}",
                r.value
            );
            let dec = codec::decode(format, &path, &bytes, &types)
                .unwrap_or_else(|e| panic!("{format} decode {:?}: {e}", r.value));
            assert_eq!(dec, node, "{format} decode {:?}", r.value);
        }
    }
}

/// Where an expected error is located: a byte offset, or a path.
enum At {
    Byte(usize, ErrorKind),
    Path(&'static str, ErrorKind),
}

impl At {
    fn check(&self, e: &Error, context: &str) {
        match self {
            At::Byte(offset, kind) => {
                assert_eq!(e.kind_at(), (kind, Some(*offset)), "{context}: {e}")
            }
            At::Path(path, kind) => {
                assert_eq!(
                    (e.kind(), e.path()),
                    (kind, Some(p(path))),
                    "{context}: {e}"
                )
            }
        }
    }
}

fn fails(format: F, path: &str, bytes: &str, want: At) {
    let e = codec::decode(format, &p(path), &hex(bytes), &spec_types()).unwrap_err();
    want.check(&e, &format!("{format} {path} {bytes}"));
}

#[test]
fn cbor_errors() {
    let c = F::Cbor;
    fails(c, "/9999/0/2", "", At::Byte(0, ErrorKind::Truncated));
    fails(c, "/9999/0/2", "1B 00", At::Byte(1, ErrorKind::Truncated));
    fails(
        c,
        "/9999/0/2",
        "1C",
        At::Byte(0, ErrorKind::Syntax(Syntax::InvalidCbor)),
    );
    fails(
        c,
        "/9999/0/2",
        "FF",
        At::Byte(0, ErrorKind::Syntax(Syntax::InvalidCbor)),
    );
    fails(
        c,
        "/9999/0/0",
        "65 41 42",
        At::Byte(1, ErrorKind::Truncated),
    );
    fails(
        c,
        "/9999/0/0",
        "7B FF FF FF FF FF FF FF FF 41",
        At::Byte(9, ErrorKind::Truncated),
    );
    fails(
        c,
        "/9999/0/0",
        "7F 61 41",
        At::Byte(3, ErrorKind::Truncated),
    );
    fails(
        c,
        "/9999/0/0",
        "7F 41 41 FF",
        At::Byte(1, ErrorKind::Syntax(Syntax::InvalidCbor)),
    );
    fails(
        c,
        "/9999/0/0",
        "62 C3 28",
        At::Byte(0, ErrorKind::InvalidUtf8),
    );
    fails(
        c,
        "/9999/0/2",
        "A1 00 00",
        At::Byte(0, ErrorKind::Misplaced),
    );
    fails(
        c,
        "/9999/0/13",
        "C1 61 41",
        At::Byte(0, ErrorKind::InvalidTime),
    );
    fails(
        c,
        "/9999/0/2",
        "F9 3E 00",
        At::Path(
            "/9999/0/2",
            ErrorKind::Value(ValueError::NotWhole(DataType::Integer)),
        ),
    );
    fails(
        c,
        "/9999/0/2",
        "63 43 65 6C",
        At::Path(
            "/9999/0/2",
            ErrorKind::Value(ValueError::WrongType {
                expected: DataType::Integer,
                found: "a string",
            }),
        ),
    );
    fails(
        c,
        "/9999/0/2",
        "F6",
        At::Path("/9999/0/2", ErrorKind::PathWithoutValue),
    );
    // Decoded the same whatever the width.
    let types = spec_types();
    for h in [
        "18 57",
        "19 00 57",
        "1A 00 00 00 57",
        "1B 00 00 00 00 00 00 00 57",
        "5F 41 57 FF",
    ] {
        let r = codec::decode(c, &p("/9999/0/2"), &hex(h), &types);
        if h.starts_with("5F") {
            assert!(r.is_err());
        } else {
            assert_eq!(r.unwrap(), Node::Resource(single(2, int(87))), "{h}");
        }
    }
    let n = codec::decode(c, &p("/9999/0/0"), &hex("7F 61 43 62 65 6C FF"), &types).unwrap();
    assert_eq!(n, Node::Resource(single(0, s("Cel"))));
}

#[test]
fn lwm2m_cbor_errors() {
    let l = F::Lwm2mCbor;
    fails(
        l,
        "/3/0/9",
        "83 03 00 09",
        At::Byte(0, ErrorKind::Syntax(Syntax::UnexpectedValue)),
    );
    fails(l, "/3/0/9", "A1 61 61 00", At::Byte(1, ErrorKind::NotAPath));
    fails(
        l,
        "/3",
        "A1 19 FF FF A0",
        At::Byte(1, ErrorKind::ReservedId),
    );
    fails(
        l,
        "/1",
        "A1 84 01 02 03 04 A0",
        At::Byte(6, ErrorKind::TooDeep),
    );
    fails(
        l,
        "/1",
        "A1 85 01 02 03 04 05 00",
        At::Byte(6, ErrorKind::TooDeep),
    );
    fails(
        l,
        "/3/0",
        "A1 82 03 00 01",
        At::Byte(4, ErrorKind::Misplaced),
    );
    fails(l, "/3/0", "A1 80 01", At::Byte(1, ErrorKind::NotAPath));
    fails(
        l,
        "/3/0",
        "A2 83 03 00 09 01 83 03 00 09 02",
        At::Path("/3/0/9", ErrorKind::DuplicatePath),
    );
    fails(
        l,
        "/3/0",
        "A2 83 03 00 18 32 01 83 03 00 18 32 A1 00 01",
        At::Path("/3/0/50", ErrorKind::DuplicatePath),
    );
    fails(
        l,
        "/3/0",
        "A2 83 03 00 06 A1 00 01 84 03 00 06 00 01",
        At::Path("/3/0/6/0", ErrorKind::DuplicatePath),
    );
    fails(
        l,
        "/3/0/9",
        "A1 83 03 00 09 18 57 00",
        At::Byte(7, ErrorKind::TrailingBytes),
    );
    fails(
        l,
        "/3/0/9",
        "BF 83 03 00 09 18 57",
        At::Byte(7, ErrorKind::Truncated),
    );
    fails(
        l,
        "/3/0/9",
        "A2 83 03 00 09 18 57",
        At::Byte(7, ErrorKind::Truncated),
    );
    fails(
        l,
        "/3/0/9",
        "A1 83 03 00 09 82 01 02",
        At::Byte(5, ErrorKind::Misplaced),
    );
    fails(
        l,
        "/3/0/9",
        "A1 83 03 01 09 18 57",
        At::Path("/3/1/9", ErrorKind::OutsidePath),
    );
    // Empty maps: an empty instance and an empty multiple resource are kept.
    let types = spec_types();
    let n = codec::decode(l, &p("/3"), &hex("A1 03 A1 00 A1 06 A0"), &types).unwrap();
    assert_eq!(
        n,
        Node::Object(ucifi_runtime::ObjectNode {
            id: 3,
            instances: vec![ucifi_runtime::InstanceNode {
                id: 0,
                resources: vec![multi(6, &[])]
            }]
        })
    );
    // Array keys at any level, indefinite maps inside.
    let n = codec::decode(l, &p("/3"), &hex("BF 82 03 00 BF 09 18 57 FF FF"), &types).unwrap();
    assert_eq!(
        n,
        Node::Object(ucifi_runtime::ObjectNode {
            id: 3,
            instances: vec![ucifi_runtime::InstanceNode {
                id: 0,
                resources: vec![single(9, int(87))]
            }]
        })
    );
}

#[test]
fn shape_errors() {
    let e = codec::encode(F::Tlv, &p("/3"), &device()).unwrap_err();
    assert_eq!(
        (e.kind(), e.path()),
        (&ErrorKind::WrongTarget, Some(p("/3")))
    );
    let e = codec::encode(F::Tlv, &p("/3/1"), &device()).unwrap_err();
    assert_eq!(
        (e.kind(), e.path()),
        (&ErrorKind::WrongTarget, Some(p("/3/1")))
    );
}
