//! Every worked example of the format reference (spec §3, §5, §7.4, §11), encode and
//! decode, exact bytes.

mod common;

use common::*;
use ucifi_runtime::codec::{self, NoModel, lwm2m_cbor};
use ucifi_runtime::{
    ContentFormat as F, InstanceNode, Node, ObjectNode, Path, ResourceInstanceNode, ResourceNode,
    ResourceValue, Time, Value,
};

fn p(s: &str) -> Path {
    s.parse().unwrap()
}

/// Encodes `node` at `path` to exactly `bytes`, and decodes `bytes` back to `node`.
#[track_caller]
fn both(format: F, path: &str, node: &Node, bytes: &[u8]) {
    let path = p(path);
    let got = codec::encode(format, &path, node).unwrap();
    assert_eq!(to_hex(&got), to_hex(bytes), "{format} encode {path}");
    decodes(format, &path.to_string(), bytes, node);
}

#[track_caller]
fn decodes(format: F, path: &str, bytes: &[u8], node: &Node) {
    let mut got = codec::decode(format, &p(path), bytes, &spec_types())
        .unwrap_or_else(|e| panic!("{format} decode {path} {}: {e}", to_hex(bytes)));
    let mut want = node.clone();
    got.canonicalize();
    want.canonicalize();
    assert_eq!(got, want, "{format} decode {path}");
}

fn res(id: u16, v: Value) -> Node {
    Node::Resource(single(id, v))
}

fn temp_instances() -> Vec<InstanceNode> {
    vec![
        InstanceNode {
            id: 0,
            resources: vec![single(5700, Value::Float(22.5)), single(5701, s("Cel"))],
        },
        InstanceNode {
            id: 1,
            resources: vec![single(5700, Value::Float(-4.25)), single(5701, s("Cel"))],
        },
    ]
}

fn conn_instance() -> InstanceNode {
    InstanceNode {
        id: 0,
        resources: vec![
            single(0, int(6)),
            multi(1, &[(0, int(6)), (1, int(7))]),
            single(2, int(-93)),
        ],
    }
}

// ---- §3 text/plain ----

#[test]
fn text_examples() {
    both(F::Text, "/9999/0/2", &res(2, int(-93)), b"-93");
    both(
        F::Text,
        "/3303/0/5700",
        &res(5700, Value::Float(22.5)),
        b"22.5",
    );
    both(
        F::Text,
        "/9999/0/13",
        &res(13, Value::Time(Time(1_700_000_000))),
        b"1700000000",
    );
    both(
        F::Text,
        "/9999/0/1",
        &res(1, Value::Opaque(vec![1, 2, 3, 0xFB, 0xFF])),
        b"AQID+/8=",
    );
    both(F::Text, "/9999/0/22", &res(22, link(3303, 0)), b"3303:0");
    both(F::Text, "/9999/0/5", &res(5, Value::Boolean(true)), b"1");
    both(F::Text, "/9999/0/0", &res(0, s("")), b"");
    // The OMA example's plain decimal and the exponent forms peers send.
    decodes(
        F::Text,
        "/9999/0/4",
        b"0.00000000006667",
        &res(4, Value::Float(6.667e-11)),
    );
    decodes(F::Text, "/9999/0/4", b"1.0E10", &res(4, Value::Float(1e10)));
    decodes(
        F::Text,
        "/9999/0/4",
        b"6.667e-11",
        &res(4, Value::Float(6.667e-11)),
    );
    // A resource instance target.
    both(
        F::Text,
        "/3/0/6/1",
        &Node::ResourceInstance(ResourceInstanceNode {
            id: 1,
            value: int(5),
        }),
        b"5",
    );
}

// ---- §4 octet-stream ----

#[test]
fn opaque_examples() {
    both(
        F::Opaque,
        "/9999/0/1",
        &res(1, Value::Opaque(vec![1, 2, 3, 0xFB, 0xFF])),
        &hex("01 02 03 FB FF"),
    );
    both(F::Opaque, "/9999/0/1", &res(1, Value::Opaque(vec![])), &[]);
}

// ---- §5 CBOR ----

#[test]
fn cbor_examples() {
    both(F::Cbor, "/9999/0/2", &res(2, int(87)), &hex("18 57"));
    both(F::Cbor, "/9999/0/2", &res(2, int(-93)), &hex("38 5C"));
    both(
        F::Cbor,
        "/9999/0/3",
        &res(3, Value::UnsignedInteger(3_000_000_000)),
        &hex("1A B2 D0 5E 00"),
    );
    let f = res(4, Value::Float(22.5));
    both(F::Cbor, "/9999/0/4", &f, &hex("F9 4D A0"));
    decodes(F::Cbor, "/9999/0/4", &hex("FA 41 B4 00 00"), &f);
    decodes(F::Cbor, "/9999/0/4", &hex("FB 40 36 80 00 00 00 00 00"), &f);
    both(
        F::Cbor,
        "/9999/0/4",
        &res(4, Value::Float(0.1)),
        &hex("FB 3F B9 99 99 99 99 99 9A"),
    );
    both(
        F::Cbor,
        "/9999/0/5",
        &res(5, Value::Boolean(true)),
        &hex("F5"),
    );
    both(
        F::Cbor,
        "/9999/0/5",
        &res(5, Value::Boolean(false)),
        &hex("F4"),
    );
    both(F::Cbor, "/9999/0/0", &res(0, s("Cel")), &hex("63 43 65 6C"));
    both(
        F::Cbor,
        "/9999/0/1",
        &res(1, Value::Opaque(vec![1, 2, 3])),
        &hex("43 01 02 03"),
    );
    let t = res(13, Value::Time(Time(1_700_000_000)));
    both(F::Cbor, "/9999/0/13", &t, &hex("1A 65 53 F1 00"));
    decodes(F::Cbor, "/9999/0/13", &hex("C1 1A 65 53 F1 00"), &t);
    both(
        F::Cbor,
        "/9999/0/22",
        &res(22, link(3303, 0)),
        &hex("66 33 33 30 33 3A 30"),
    );
    // Tag 0 (RFC 3339) for Time, tag 4 (decimal fraction) for numbers, unknown tags skipped.
    let mut rfc = vec![0xC0, 0x74];
    rfc.extend_from_slice(b"2023-11-14T22:13:20Z");
    decodes(F::Cbor, "/9999/0/13", &rfc, &t);
    decodes(
        F::Cbor,
        "/9999/0/4",
        &hex("C4 82 21 19 6A B3"),
        &res(4, Value::Float(273.15)),
    );
    decodes(F::Cbor, "/9999/0/2", &hex("C4 82 01 05"), &res(2, int(50)));
    decodes(F::Cbor, "/9999/0/2", &hex("D8 64 18 57"), &res(2, int(87)));
    // Integers are accepted for floats; trailing bytes are not.
    decodes(
        F::Cbor,
        "/9999/0/4",
        &hex("18 57"),
        &res(4, Value::Float(87.0)),
    );
    let e = codec::decode(F::Cbor, &p("/9999/0/2"), &hex("18 57 00"), &spec_types()).unwrap_err();
    assert_eq!(e.kind_at(), (&codec::ErrorKind::TrailingBytes, Some(2)));
}

// ---- §7 TLV ----

#[test]
fn tlv_t1_integer() {
    both(F::Tlv, "/3/0/9", &res(9, int(87)), &hex("C1 09 57"));
}

#[test]
fn tlv_t2_float() {
    let f = res(5700, Value::Float(22.5));
    both(F::Tlv, "/3303/0/5700", &f, &hex("E4 16 44 41 B4 00 00"));
    decodes(
        F::Tlv,
        "/3303/0/5700",
        &hex("E8 16 44 08 40 36 80 00 00 00 00 00"),
        &f,
    );
}

#[test]
fn tlv_t3_multiple_strings() {
    both(
        F::Tlv,
        "/4/0/4",
        &Node::Resource(multi(4, &[(0, s("192.0.2.1")), (1, s("2001:db8::1"))])),
        &hex(
            "88 04 1A 48 00 09 31 39 32 2E 30 2E 32 2E 31 48 01 0B 32 30 30 31 3A 64 62 38 3A 3A 31",
        ),
    );
}

#[test]
fn tlv_t4_object_and_instance() {
    let object = Node::Object(ObjectNode {
        id: 4,
        instances: vec![conn_instance()],
    });
    both(
        F::Tlv,
        "/4",
        &object,
        &hex("08 00 0E C1 00 06 86 01 41 00 06 41 01 07 C1 02 A3"),
    );
    let inst = Node::Instance(conn_instance());
    both(
        F::Tlv,
        "/4/0",
        &inst,
        &hex("C1 00 06 86 01 41 00 06 41 01 07 C1 02 A3"),
    );
    // Lenient input: a kind-00 wrapper whose ID matches an instance path; bare resources
    // at an object path (instance 0).
    decodes(
        F::Tlv,
        "/4/0",
        &hex("08 00 0E C1 00 06 86 01 41 00 06 41 01 07 C1 02 A3"),
        &inst,
    );
    decodes(
        F::Tlv,
        "/4",
        &hex("C1 00 06 86 01 41 00 06 41 01 07 C1 02 A3"),
        &object,
    );
}

#[test]
fn tlv_t5_two_instances() {
    let object = Node::Object(ObjectNode {
        id: 3303,
        instances: temp_instances(),
    });
    both(
        F::Tlv,
        "/3303",
        &object,
        &hex(
            "08 00 0D E4 16 44 41 B4 00 00 E3 16 45 43 65 6C 08 01 0D E4 16 44 C0 88 00 00 E3 16 45 43 65 6C",
        ),
    );
    // A lone instance at an object path is wrapped too.
    let one = Node::Object(ObjectNode {
        id: 3303,
        instances: temp_instances()[..1].to_vec(),
    });
    both(
        F::Tlv,
        "/3303",
        &one,
        &hex("08 00 0D E4 16 44 41 B4 00 00 E3 16 45 43 65 6C"),
    );
}

#[test]
fn tlv_t6_other_values() {
    both(
        F::Tlv,
        "/9999/0/22",
        &res(22, link(3303, 0)),
        &hex("C4 16 0C E7 00 00"),
    );
    both(
        F::Tlv,
        "/9999/0/22",
        &res(22, Value::Objlnk(ucifi_runtime::ObjectLink::NULL)),
        &hex("C4 16 FF FF FF FF"),
    );
    both(
        F::Tlv,
        "/9999/0/6",
        &res(6, Value::Boolean(true)),
        &hex("C1 06 01"),
    );
    both(
        F::Tlv,
        "/9999/0/13",
        &res(13, Value::Time(Time(1_700_000_000))),
        &hex("C4 0D 65 53 F1 00"),
    );
    both(F::Tlv, "/9999/0/0", &res(0, s("")), &hex("C0 00"));
    both(
        F::Tlv,
        "/9999/0/310/310",
        &Node::ResourceInstance(ResourceInstanceNode {
            id: 310,
            value: int(1),
        }),
        &hex("61 01 36 01"),
    );
    // The empty multiple resource of §7.3.
    both(
        F::Tlv,
        "/3/0/6",
        &Node::Resource(multi(6, &[])),
        &hex("80 06"),
    );
}

#[test]
fn tlv_length_forms() {
    let big = |n: usize| res(1, Value::Opaque(vec![0xAB; n]));
    let enc = codec::encode(F::Tlv, &p("/9999/0/1"), &big(300)).unwrap();
    assert_eq!(to_hex(&enc[..4]), "D0 01 01 2C");
    assert_eq!(enc.len(), 304);
    let zero = res(0, Value::String("x".repeat(300)));
    let enc = codec::encode(F::Tlv, &p("/9999/0/0"), &zero).unwrap();
    assert_eq!(to_hex(&enc[..4]), "D0 00 01 2C");
    let zero = res(0, Value::String("x".repeat(70000)));
    let enc = codec::encode(F::Tlv, &p("/9999/0/0"), &zero).unwrap();
    assert_eq!(to_hex(&enc[..5]), "D8 00 01 11 70");
    decodes(F::Tlv, "/9999/0/0", &enc, &zero);
    // Object Instance 1000 holding 13 bytes.
    let object = Node::Object(ObjectNode {
        id: 3303,
        instances: vec![InstanceNode {
            id: 1000,
            resources: temp_instances()[0].resources.clone(),
        }],
    });
    both(
        F::Tlv,
        "/3303",
        &object,
        &hex("28 03 E8 0D E4 16 44 41 B4 00 00 E3 16 45 43 65 6C"),
    );
}

#[test]
fn tlv_reference_device_is_137_bytes() {
    let dev = device();
    let enc = codec::encode(F::Tlv, &p("/3/0"), &dev).unwrap();
    assert_eq!(enc.len(), 137, "{}", to_hex(&enc));
    assert_eq!(
        to_hex(&enc),
        to_hex(&hex(concat!(
            "C8 00 14 4F 70 65 6E 20 4D 6F 62 69 6C 65 20 41 6C 6C 69 61 6E 63 65 ",
            "C8 01 16 4C 69 67 68 74 77 65 69 67 68 74 20 4D 32 4D 20 43 6C 69 65 6E 74 ",
            "C8 02 09 33 34 35 30 30 30 31 32 33 ",
            "C3 03 31 2E 30 ",
            "86 06 41 00 01 41 01 05 ",
            "88 07 08 42 00 0E D8 42 01 13 88 ",
            "87 08 41 00 7D 42 01 03 84 ",
            "C1 09 64 ",
            "C1 0A 0F ",
            "83 0B 41 00 00 ",
            "C4 0D 51 82 42 8F ",
            "C6 0E 2B 30 32 3A 30 30 ",
            "C8 0F 0D 45 75 72 6F 70 65 2F 42 65 72 6C 69 6E ",
            "C1 10 55"
        )))
    );
    decodes(F::Tlv, "/3/0", &enc, &dev);
    // Into a caller's buffer: exact fit works, one byte less is "buffer full".
    let mut buf = [0u8; 137];
    assert_eq!(
        codec::encode_into(F::Tlv, &p("/3/0"), &dev, &mut buf).unwrap(),
        137
    );
    assert_eq!(&buf[..], &enc[..]);
    let mut small = [0u8; 136];
    let e = codec::encode_into(F::Tlv, &p("/3/0"), &dev, &mut small).unwrap_err();
    assert_eq!(e.kind_at(), (&codec::ErrorKind::BufferFull, Some(136)));
}

// ---- §11 LwM2M CBOR ----

#[test]
fn lwm2m_cbor_l1_instance() {
    both(
        F::Lwm2mCbor,
        "/3303/0",
        &Node::Instance(temp_instances().remove(0)),
        &hex("A1 82 19 0C E7 00 A2 19 16 44 F9 4D A0 19 16 45 63 43 65 6C"),
    );
}

#[test]
fn lwm2m_cbor_l2_object() {
    both(
        F::Lwm2mCbor,
        "/3303",
        &Node::Object(ObjectNode {
            id: 3303,
            instances: temp_instances(),
        }),
        &hex(
            "A1 19 0C E7 A2 00 A2 19 16 44 F9 4D A0 19 16 45 63 43 65 6C 01 A2 19 16 44 F9 C4 40 19 16 45 63 43 65 6C",
        ),
    );
}

#[test]
fn lwm2m_cbor_l3_multiple() {
    both(
        F::Lwm2mCbor,
        "/3/0/6",
        &Node::Resource(multi(6, &[(0, int(1)), (1, int(5))])),
        &hex("A1 83 03 00 06 A2 00 01 01 05"),
    );
}

#[test]
fn lwm2m_cbor_l4_single() {
    let n = res(9, int(87));
    both(F::Lwm2mCbor, "/3/0/9", &n, &hex("A1 83 03 00 09 18 57"));
    decodes(F::Lwm2mCbor, "/3/0/9", &hex("BF 83 03 00 09 18 57 FF"), &n);
}

fn leaf(n: &Node) -> Value {
    match n {
        Node::Resource(ResourceNode {
            value: ResourceValue::Single(v),
            ..
        }) => v.clone(),
        _ => unreachable!("a single resource"),
    }
}

#[test]
fn lwm2m_cbor_l5_composite() {
    let a = res(9, int(87));
    let b = res(5700, Value::Float(22.5));
    let bytes = hex("A2 03 A1 00 A1 09 18 57 19 0C E7 A1 00 A1 19 16 44 F9 4D A0");
    let (a, b) = (leaf(&a), leaf(&b));
    let enc =
        lwm2m_cbor::encode_leaves(&[(p("/3/0/9"), a.clone()), (p("/3303/0/5700"), b.clone())])
            .unwrap();
    assert_eq!(to_hex(&enc), to_hex(&bytes));
    // Order of the items does not matter.
    let enc = lwm2m_cbor::encode_leaves(&[(p("/3303/0/5700"), b), (p("/3/0/9"), a)]).unwrap();
    assert_eq!(to_hex(&enc), to_hex(&bytes));
    let leaves = codec::decode_leaves(F::Lwm2mCbor, &Path::ROOT, &bytes, &spec_types()).unwrap();
    assert_eq!(
        leaves,
        vec![
            (p("/3/0/9"), int(87)),
            (p("/3303/0/5700"), Value::Float(22.5))
        ]
    );
    assert_eq!(
        lwm2m_cbor::encode_leaves(&leaves).unwrap(),
        bytes,
        "leaf list API"
    );
}

#[test]
fn lwm2m_cbor_anjay_vector() {
    let bytes = hex("BF 83 0D 18 1A 01 18 2A FF");
    let n = codec::decode(F::Lwm2mCbor, &p("/13/26/1"), &bytes, &NoModel).unwrap();
    assert_eq!(n, res(1, int(42)));
    // Our encoder writes the definite-length form of the same map.
    let enc = codec::encode(F::Lwm2mCbor, &p("/13/26/1"), &n).unwrap();
    assert_eq!(to_hex(&enc), "A1 83 0D 18 1A 01 18 2A");
}
