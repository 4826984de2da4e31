//! LwM2M CBOR (11544, spec §11): the worked examples both ways, key forms, the encoder's
//! layout, exact `(ErrorKind, offset)` of malformed payloads, composite payloads, hostile
//! and large inputs, and random nodes, payloads and mutations.

mod common;

use common::{hex, p, to_hex};

use proptest::prelude::*;
use ucifi_runtime::codec::{
    self, ErrorKind, Event, NoModel, RawValue, SliceOutput, TypeLookup, ValueError, Writer,
    lwm2m_cbor, lwm2m_cbor::Lwm2mCborWriter,
};
use ucifi_runtime::{
    ContentFormat as F, DataType, InstanceNode, Node, ObjectLink, ObjectNode, Path,
    ResourceInstanceNode, ResourceNode, ResourceValue, Time, Value, ValueRef,
};

/// Device (3), Temperature (3303), test object 9999 (resource ID = its use), and object
/// 7777 whose resource `r` has type `TYPES[r % 9]`, multiple from 10 on.
struct Types;

const TYPES: [DataType; 9] = [
    DataType::String,
    DataType::Integer,
    DataType::UnsignedInteger,
    DataType::Float,
    DataType::Boolean,
    DataType::Opaque,
    DataType::Time,
    DataType::Objlnk,
    DataType::Corelnk,
];

impl TypeLookup for Types {
    fn resource_type(&self, object: u16, resource: u16) -> Option<(DataType, bool)> {
        use DataType::*;
        Some(match (object, resource) {
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
            (9999, 4) => (Float, false),
            (7777, r) => (TYPES[r as usize % 9], r >= 10),
            _ => return Option::None,
        })
    }
}

fn int(v: i64) -> Value {
    Value::Integer(v)
}

fn single(id: u16, v: Value) -> ResourceNode {
    ResourceNode {
        id,
        value: ResourceValue::Single(v),
    }
}

fn multi(id: u16, items: &[(u16, Value)]) -> ResourceNode {
    ResourceNode {
        id,
        value: ResourceValue::Multiple(
            items
                .iter()
                .map(|(id, value)| ResourceInstanceNode {
                    id: *id,
                    value: value.clone(),
                })
                .collect(),
        ),
    }
}

fn canonical(mut n: Node) -> Node {
    n.canonicalize();
    n
}

fn dec(path: &str, bytes: &[u8]) -> Result<Node, codec::Error> {
    codec::decode(F::Lwm2mCbor, &p(path), bytes, &Types)
}

/// The leaves of a composite payload (decoded at the root), or the error's kind and offset.
type Leaves = Vec<(Path, Value)>;

fn composite(h: &str) -> Result<Leaves, (ErrorKind, Option<usize>)> {
    codec::decode_leaves(F::Lwm2mCbor, &Path::ROOT, &hex(h), &Types).map_err(|e| {
        let (k, o) = e.kind_at();
        (k.clone(), o)
    })
}

/// Encodes `node` at `path` to exactly `h`, and decodes `h` back to `node`.
#[track_caller]
fn both(path: &str, node: &Node, h: &str) {
    let got = codec::encode(F::Lwm2mCbor, &p(path), node).unwrap();
    assert_eq!(to_hex(&got), h, "encode {path}");
    let back = dec(path, &hex(h)).unwrap();
    assert_eq!(canonical(back), canonical(node.clone()), "decode {path}");
}

fn temp(id: u16, t: f64) -> InstanceNode {
    InstanceNode {
        id,
        resources: vec![
            single(5700, Value::Float(t)),
            single(5701, Value::String("Cel".into())),
        ],
    }
}

#[test]
fn spec_examples() {
    both(
        "/3303/0",
        &Node::Instance(temp(0, 22.5)),
        "A1 82 19 0C E7 00 A2 19 16 44 F9 4D A0 19 16 45 63 43 65 6C",
    );
    both(
        "/3303",
        &Node::Object(ObjectNode {
            id: 3303,
            instances: vec![temp(0, 22.5), temp(1, -4.25)],
        }),
        "A1 19 0C E7 A2 00 A2 19 16 44 F9 4D A0 19 16 45 63 43 65 6C \
         01 A2 19 16 44 F9 C4 40 19 16 45 63 43 65 6C",
    );
    both(
        "/3/0/6",
        &Node::Resource(multi(6, &[(0, int(1)), (1, int(5))])),
        "A1 83 03 00 06 A2 00 01 01 05",
    );
    let l4 = Node::Resource(single(9, int(87)));
    both("/3/0/9", &l4, "A1 83 03 00 09 18 57");
    assert_eq!(dec("/3/0/9", &hex("BF 83 03 00 09 18 57 FF")), Ok(l4));
    both(
        "/3/0/6/1",
        &Node::ResourceInstance(ResourceInstanceNode {
            id: 1,
            value: int(5),
        }),
        "A1 84 03 00 06 01 05",
    );
    // L5, both orders of the leaves.
    let l5 = "A2 03 A1 00 A1 09 18 57 19 0C E7 A1 00 A1 19 16 44 F9 4D A0";
    let leaves = vec![
        (p("/3/0/9"), int(87)),
        (p("/3303/0/5700"), Value::Float(22.5)),
    ];
    assert_eq!(to_hex(&lwm2m_cbor::encode_leaves(&leaves).unwrap()), l5);
    let reversed: Vec<_> = leaves.iter().rev().cloned().collect();
    assert_eq!(to_hex(&lwm2m_cbor::encode_leaves(&reversed).unwrap()), l5);
    assert_eq!(composite(l5), Ok(leaves));
    // Anjay's vector {[13, 26, 1]: 42}; our encoder writes the definite form.
    let n = codec::decode(
        F::Lwm2mCbor,
        &p("/13/26/1"),
        &hex("BF 83 0D 18 1A 01 18 2A FF"),
        &NoModel,
    )
    .unwrap();
    assert_eq!(n, Node::Resource(single(1, int(42))));
    let enc = codec::encode(F::Lwm2mCbor, &p("/13/26/1"), &n).unwrap();
    assert_eq!(to_hex(&enc), "A1 83 0D 18 1A 01 18 2A");
}

#[test]
fn every_value_type_in_a_resource() {
    // {[7777, 0, res]: value}, the value in the CBOR (60) notation.
    let types = Types;
    for (res, v, item) in [
        (0, Value::String("".into()), "60"),
        (1, int(-129), "38 80"),
        (1, int(i64::MIN), "3B 7F FF FF FF FF FF FF FF"),
        (
            2,
            Value::UnsignedInteger(u64::MAX),
            "1B FF FF FF FF FF FF FF FF",
        ),
        (3, Value::Float(22.5), "F9 4D A0"),
        (3, Value::Float(100000.0), "FA 47 C3 50 00"),
        (3, Value::Float(0.1), "FB 3F B9 99 99 99 99 99 9A"),
        (4, Value::Boolean(true), "F5"),
        (5, Value::Opaque(vec![1, 2]), "42 01 02"),
        (6, Value::Time(Time(1_700_000_000)), "1A 65 53 F1 00"),
        (
            7,
            Value::Objlnk(ObjectLink::NULL),
            "6B 36 35 35 33 35 3A 36 35 35 33 35",
        ),
        (
            8,
            Value::Corelnk(ucifi_runtime::CoreLink("</3>".into())),
            "64 3C 2F 33 3E",
        ),
    ] {
        let path = Path::resource(7777, 0, res);
        let node = Node::Resource(single(res, v.clone()));
        let enc = codec::encode(F::Lwm2mCbor, &path, &node).unwrap();
        let key = format!("A1 83 19 1E 61 00 {res:02X}");
        assert_eq!(to_hex(&enc), format!("{key} {item}"), "{v:?}");
        assert_eq!(codec::decode(F::Lwm2mCbor, &path, &enc, &types), Ok(node));
    }
    // Tagged and alternative forms of leaves.
    let one = |h: &str| composite(h).map(|mut l| l.remove(0).1);
    assert_eq!(
        one("A1 83 03 00 0D C1 1A 65 53 F1 00"),
        Ok(Value::Time(Time(1_700_000_000)))
    );
    assert_eq!(
        one("A1 84 03 00 16 00 66 33 33 30 33 3A 30"),
        Ok(Value::Objlnk(ObjectLink::new(3303, 0)))
    );
    assert_eq!(
        one("A1 83 19 0C E7 00 19 16 44 18 16"),
        Ok(Value::Float(22.0))
    );
    assert_eq!(one("A1 83 03 00 09 D8 64 18 57"), Ok(int(87)));
    assert_eq!(one("A1 83 03 00 09 C4 82 01 05"), Ok(int(50)));
    assert_eq!(
        // A value that does not fit the model: located at the value (byte 5).
        one("A1 83 03 00 09 63 43 65 6C"),
        Err((
            ErrorKind::Value(ValueError::WrongType {
                expected: DataType::Integer,
                found: "a string"
            }),
            Some(5)
        ))
    );
    assert_eq!(
        one("A1 83 03 00 09 F9 4D A0"),
        Err((
            ErrorKind::Value(ValueError::NotWhole(DataType::Integer)),
            Some(5)
        ))
    );
}

#[test]
fn map_counts_grow_with_their_content() {
    let types = Types;
    let path = p("/3/0/6");
    for (count, head) in [
        (0usize, "A0"),
        (1, "A1"),
        (23, "B7"),
        (24, "B8 18"),
        (255, "B8 FF"),
        (256, "B9 01 00"),
        (30_000, "B9 75 30"),
    ] {
        let items: Vec<(u16, Value)> = (0..count).map(|i| (i as u16, int(7))).collect();
        let node = Node::Resource(multi(6, &items));
        let enc = codec::encode(F::Lwm2mCbor, &path, &node).unwrap();
        let h = hex(head);
        assert_eq!(to_hex(&enc[5..5 + h.len()]), head, "{count} instances");
        assert_eq!(codec::decode(F::Lwm2mCbor, &path, &enc, &types), Ok(node));
        // The same into a caller's buffer of the exact size, and one byte short.
        let mut buf = vec![0u8; enc.len()];
        let n = codec::encode_into(
            F::Lwm2mCbor,
            &path,
            &Node::Resource(multi(6, &items)),
            &mut buf,
        );
        assert_eq!(n, Ok(enc.len()));
        assert_eq!(buf, enc);
        let mut short = vec![0u8; enc.len() - 1];
        let e = codec::encode_into(
            F::Lwm2mCbor,
            &path,
            &Node::Resource(multi(6, &items)),
            &mut short,
        )
        .unwrap_err();
        assert_eq!(e.kind(), &ErrorKind::BufferFull);
        assert_eq!(e.format(), Some(F::Lwm2mCbor));
    }
    // Nested maps whose counts all need a longer head.
    let object = Node::Object(ObjectNode {
        id: 7777,
        instances: (0..30)
            .map(|i| InstanceNode {
                id: i,
                resources: vec![multi(
                    18,
                    &(0..25)
                        .map(|k| (k, Value::String("x".into())))
                        .collect::<Vec<_>>(),
                )],
            })
            .collect(),
    });
    let enc = codec::encode(F::Lwm2mCbor, &p("/7777"), &object).unwrap();
    assert_eq!(to_hex(&enc[..8]), "A1 19 1E 61 B8 1E 00 A1");
    assert_eq!(to_hex(&enc[8..11]), "12 B8 19");
    let back = codec::decode(F::Lwm2mCbor, &p("/7777"), &enc, &types);
    assert!(back == Ok(object), "nested maps");
}

#[test]
fn key_forms_and_map_forms() {
    let want = Ok(vec![(p("/3/0/9"), int(87))]);
    for h in [
        "A1 83 03 00 09 18 57",             // L4
        "BF 83 03 00 09 18 57 FF",          // indefinite outer map
        "A1 03 A1 00 A1 09 18 57",          // one ID per level
        "A1 82 03 00 A1 09 18 57",          // array key then integer
        "A1 03 A1 82 00 09 18 57",          // integer then array
        "A1 81 03 A1 81 00 A1 81 09 18 57", // one-element arrays
        "A1 9F 03 00 09 FF 18 57",          // indefinite array key
        "A1 19 00 03 A1 1A 00 00 00 00 BF 1B 00 00 00 00 00 00 00 09 19 00 57 FF",
    ] {
        assert_eq!(composite(h), want, "{h}");
    }
    assert_eq!(
        composite("BF 83 0D 18 1A 01 18 2A FF"),
        Ok(vec![(p("/13/26/1"), int(42))])
    );
    assert_eq!(
        composite("A1 83 03 00 06 A2 00 01 01 05"),
        Ok(vec![(p("/3/0/6/0"), int(1)), (p("/3/0/6/1"), int(5))])
    );
    assert_eq!(
        composite("A1 84 03 00 06 01 05"),
        Ok(vec![(p("/3/0/6/1"), int(5))])
    );
    let mut mixed = composite("A2 83 03 00 09 18 57 03 A1 00 A1 06 A1 00 01").unwrap();
    mixed.sort_by_key(|(p, _)| *p);
    assert_eq!(mixed, vec![(p("/3/0/6/0"), int(1)), (p("/3/0/9"), int(87))]);
    // At /3/0: an indefinite map and keys out of order.
    let node = dec(
        "/3/0",
        &hex("BF 82 03 00 BF 09 18 57 06 BF 01 05 00 01 FF FF FF"),
    )
    .unwrap();
    let want = Node::Instance(InstanceNode {
        id: 0,
        resources: vec![multi(6, &[(0, int(1)), (1, int(5))]), single(9, int(87))],
    });
    assert_eq!(canonical(node), want);
    // A container after leaves below it is not a duplicate, in either order.
    for h in [
        "A2 84 03 00 06 00 02 83 03 00 06 A1 01 05",
        "A2 83 03 00 06 A1 01 05 84 03 00 06 00 02",
        "A2 83 03 00 09 18 57 82 03 00 A1 0A 01",
        "A2 82 03 00 A1 0A 01 83 03 00 09 18 57",
    ] {
        assert_eq!(composite(h).map(|l| l.len()), Ok(2), "{h}");
    }
    // Empty maps: empty instances and empty multiple resources are kept.
    assert_eq!(composite("A1 03 A1 00 A0"), Ok(vec![]));
    assert_eq!(
        dec("/3", &hex("A1 03 A1 00 A1 06 A0")),
        Ok(Node::Object(ObjectNode {
            id: 3,
            instances: vec![InstanceNode {
                id: 0,
                resources: vec![multi(6, &[])]
            }]
        }))
    );
    assert_eq!(
        dec("/3", &hex("BF 82 03 00 BF 09 18 57 FF FF")),
        Ok(Node::Object(ObjectNode {
            id: 3,
            instances: vec![InstanceNode {
                id: 0,
                resources: vec![single(9, int(87))]
            }]
        }))
    );
}

#[test]
fn nested_maps_for_deep_targets() {
    // A Read of a resource or resource instance answered with one ID per map level: the
    // ancestors' maps are containers, not content outside the target.
    let r9 = Ok(Node::Resource(single(9, int(87))));
    assert_eq!(dec("/3/0/9", &hex("A1 03 A1 00 A1 09 18 57")), r9);
    assert_eq!(dec("/3/0/9", &hex("A1 82 03 00 A1 09 18 57")), r9);
    assert_eq!(
        dec("/3/0/6/1", &hex("A1 03 A1 00 A1 06 A1 01 05")),
        Ok(Node::ResourceInstance(ResourceInstanceNode {
            id: 1,
            value: int(5)
        }))
    );
    assert_eq!(
        dec("/3/0", &hex("A1 03 A1 00 A1 09 18 57")),
        Ok(Node::Instance(InstanceNode {
            id: 0,
            resources: vec![single(9, int(87))]
        }))
    );
    // Siblings of the target are refused, at the byte of their key.
    let e = dec("/3/0/9", &hex("A1 03 A1 00 A2 09 18 57 0A 01")).unwrap_err();
    assert_eq!(e.kind_at(), (&ErrorKind::OutsidePath, Some(8)));
    assert_eq!(e.path(), Some(p("/3/0/10")));
    let e = dec("/3/0/9", &hex("A1 03 A1 01 A1 09 18 57")).unwrap_err();
    assert_eq!(e.kind_at(), (&ErrorKind::OutsidePath, Some(3)));
    let e = dec("/3/0/9", &hex("A1 83 03 01 09 18 57")).unwrap_err();
    assert_eq!(e.kind_at(), (&ErrorKind::OutsidePath, Some(1)));
    assert_eq!(e.path(), Some(p("/3/1/9")));
}

#[test]
fn malformed_payloads() {
    use ErrorKind::*;
    let invalid = Syntax(ucifi_runtime::codec::Syntax::InvalidCbor);
    let unexpected = Syntax(ucifi_runtime::codec::Syntax::UnexpectedValue);
    let cases: &[(&str, ErrorKind, usize)] = &[
        // Not a map at the top.
        ("81 01", unexpected.clone(), 0),
        ("18 57", unexpected.clone(), 0),
        ("83 03 00 09", unexpected.clone(), 0),
        ("FF", unexpected.clone(), 0),
        ("1C", invalid.clone(), 0),
        // Keys that are not IDs.
        ("A1 61 33 A0", NotAPath, 1),
        ("A1 61 61 00", NotAPath, 1),
        ("A1 20 A0", NotAPath, 1),
        ("A1 82 03 20 A0", NotAPath, 3),
        ("A1 82 03 61 61 A0", NotAPath, 3),
        ("A1 A0 A0", NotAPath, 1),
        ("A1 80 A0", NotAPath, 1),
        ("A1 80 01", NotAPath, 1),
        ("A1 9F FF 01", NotAPath, 1),
        ("A1 F6 A0", NotAPath, 1),
        ("A1 C1 03 01", NotAPath, 1),
        ("A1 1C 01", invalid.clone(), 1),
        ("A1 82 03 1C 01", invalid.clone(), 3),
        // ID 65535 (reserved) and above.
        ("A1 83 03 00 19 FF FF 01", ReservedId, 4),
        ("A1 19 FF FF A0", ReservedId, 1),
        ("A1 83 03 00 1A 00 01 00 00 01", NumberOutOfRange, 4),
        ("A1 1B FF FF FF FF FF FF FF FF A0", NumberOutOfRange, 1),
        // Deeper than four IDs: a fifth ID, or a map below a resource instance.
        ("A1 85 03 00 06 00 01 01", TooDeep, 6),
        ("A1 85 01 02 03 04 05 00", TooDeep, 6),
        ("A1 84 03 00 06 00 A0", TooDeep, 6),
        ("A1 84 01 02 03 04 A0", TooDeep, 6),
        ("A1 84 03 00 06 00 A1 00 01", TooDeep, 6),
        ("A1 00 A1 00 A1 09 A1 00 A0", TooDeep, 8),
        ("A1 03 A1 00 A1 09 A1 00 A0", NotMultiple, 5),
        ("A1 82 03 00 A1 82 06 00 A1 00 01", TooDeep, 8),
        // Values above resource depth, arrays as values.
        ("A1 82 03 00 05", Misplaced, 4),
        ("A1 82 03 00 01", Misplaced, 4),
        ("A1 03 05", Misplaced, 2),
        ("A1 03 F6", Misplaced, 2),
        ("A1 03 A1 00 F5", Misplaced, 4),
        ("A1 03 D8 64 01", Misplaced, 2),
        ("A1 83 03 00 09 81 01", Misplaced, 5),
        ("A1 83 03 00 09 82 01 02", Misplaced, 5),
        ("A1 83 03 00 09 D8 64 80", Misplaced, 7),
        // Leaves the notation refuses.
        ("A1 83 03 00 09 FF", invalid.clone(), 5),
        ("A1 82 03 00 BF 09 FF", invalid.clone(), 6),
        ("A1 83 03 00 09 F8 20", invalid.clone(), 5),
        ("A1 83 03 00 09 62 C3 28", InvalidUtf8, 5),
        ("A1 83 03 00 0D C1 61 61", InvalidTime, 5),
        // Trailing bytes.
        ("A1 83 03 00 09 18 57 00", TrailingBytes, 7),
        ("BF 83 03 00 09 18 57 FF FF", TrailingBytes, 8),
        ("BF FF 00", TrailingBytes, 2),
        // Truncated: a missing entry, a missing break, a cut head or string.
        ("A2 83 03 00 09 18 57", Truncated, 7),
        ("BF 83 03 00 09 18 57", Truncated, 7),
        ("A1", Truncated, 1),
        ("A1 83 03 00", Truncated, 4),
        ("A1 83 03 00 19", Truncated, 5),
        ("A1 83 03 00 09 19 00", Truncated, 6),
        ("A1 83 03 00 09 63 43", Truncated, 6),
        ("A1 82 03 00 A1 09 C4 82 21 19 6A", Truncated, 10),
        // Model and duplicate checks of the node builder, at the byte of the key.
        ("A2 83 03 00 09 01 83 03 00 09 02", DuplicatePath, 6),
        ("A2 03 A1 00 A1 09 01 83 03 00 09 02", DuplicatePath, 7),
        ("A2 83 03 00 06 01 84 03 00 06 00 02", NotSingle, 1),
        ("A2 83 03 00 06 A0 83 03 00 06 A0", DuplicatePath, 6),
        (
            "A2 83 03 00 06 A1 00 01 84 03 00 06 00 01",
            DuplicatePath,
            8,
        ),
        ("A2 83 19 1E 61 00 0A 01 83 19 1E 61 00 0A A0", NotSingle, 1),
        (
            "A2 83 19 1E 61 00 01 A0 83 19 1E 61 00 01 01",
            NotMultiple,
            1,
        ),
        (
            "A2 84 19 1E 61 00 12 00 60 84 19 1E 61 00 12 00 60",
            DuplicatePath,
            9,
        ),
        ("A2 82 03 00 A0 82 03 00 A0", DuplicatePath, 5),
        ("A1 83 03 00 09 F6", PathWithoutValue, 1),
        ("A1 84 03 00 06 00 F7", PathWithoutValue, 1),
    ];
    for (h, kind, at) in cases {
        let e = codec::decode_leaves(F::Lwm2mCbor, &Path::ROOT, &hex(h), &Types).unwrap_err();
        assert_eq!(e.kind_at(), (kind, Some(*at)), "{h}");
        assert_eq!(e.format(), Some(F::Lwm2mCbor), "{h}");
    }
    // Paths in errors of the node builder.
    let e = dec("/3/0", &hex("A2 83 03 00 18 32 01 83 03 00 18 32 A1 00 01")).unwrap_err();
    assert_eq!(e.kind_at(), (&ErrorKind::DuplicatePath, Some(7)));
    assert_eq!(e.path(), Some(p("/3/0/50")));
}

#[test]
fn events_in_payload_order() {
    let bytes = hex("BF 82 03 00 BF 09 18 57 06 A2 00 01 01 F6 FF 83 03 01 0D C1 01 FF");
    let mut events = Vec::new();
    lwm2m_cbor::decode(&Path::ROOT, &bytes, &mut events).unwrap();
    assert_eq!(
        events,
        vec![
            Event::Instance(p("/3/0")),
            Event::Value {
                path: p("/3/0/9"),
                value: RawValue::Integer(87),
                time: None
            },
            Event::MultipleResource(p("/3/0/6")),
            Event::Value {
                path: p("/3/0/6/0"),
                value: RawValue::Integer(1),
                time: None
            },
            Event::PathOnly(p("/3/0/6/1")),
            Event::Value {
                path: p("/3/1/13"),
                value: RawValue::Time(1),
                time: None
            },
        ]
    );
}

#[test]
fn writer_targets_and_misuse() {
    // The root is for composite payloads.
    let e = Lwm2mCborWriter::new(&Path::ROOT, Vec::new()).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::Unsupported);
    assert_eq!(e.format(), Some(F::Lwm2mCbor));
    // A resource target takes one value or one multiple resource.
    let mut w = Lwm2mCborWriter::new(&p("/3/0/9"), Vec::new()).unwrap();
    w.value(9, ValueRef::Integer(87)).unwrap();
    assert_eq!(
        w.value(9, ValueRef::Integer(1)).unwrap_err().kind_at(),
        (&ErrorKind::WriterMisuse, Some(7))
    );
    assert_eq!(w.finish().unwrap(), hex("A1 83 03 00 09 18 57"));
    let w = Lwm2mCborWriter::new(&p("/3/0/9"), Vec::new()).unwrap();
    assert_eq!(
        w.finish().unwrap_err().kind_at(),
        (&ErrorKind::NoValue, Some(5))
    );
    let mut w = Lwm2mCborWriter::new(&p("/3/0/6"), Vec::new()).unwrap();
    w.begin_multiple(6, 0).unwrap();
    assert_eq!(w.finish().unwrap_err().kind(), &ErrorKind::WriterMisuse);
    // An object target takes instances only.
    let mut w = Lwm2mCborWriter::new(&p("/3"), Vec::new()).unwrap();
    assert_eq!(
        w.value(9, ValueRef::Integer(1)).unwrap_err().kind(),
        &ErrorKind::WriterMisuse
    );
    assert_eq!(
        w.end_instance().unwrap_err().kind(),
        &ErrorKind::WriterMisuse
    );
    w.begin_instance(0).unwrap();
    assert_eq!(
        w.begin_instance(1).unwrap_err().kind(),
        &ErrorKind::WriterMisuse
    );
    assert_eq!(
        w.end_multiple().unwrap_err().kind(),
        &ErrorKind::WriterMisuse
    );
    w.begin_multiple(6, 1).unwrap();
    w.value(0, ValueRef::Integer(1)).unwrap();
    assert_eq!(
        w.end_instance().unwrap_err().kind(),
        &ErrorKind::WriterMisuse
    );
    w.end_multiple().unwrap();
    w.end_instance().unwrap();
    assert_eq!(w.finish().unwrap(), hex("A1 03 A1 00 A1 06 A1 00 01"));
    let mut w = Lwm2mCborWriter::new(&p("/3"), Vec::new()).unwrap();
    w.begin_instance(0).unwrap();
    assert_eq!(w.finish().unwrap_err().kind(), &ErrorKind::WriterMisuse);
    // An instance target takes resources.
    let mut w = Lwm2mCborWriter::new(&p("/3/0"), Vec::new()).unwrap();
    assert_eq!(
        w.begin_instance(0).unwrap_err().kind(),
        &ErrorKind::WriterMisuse
    );
    assert_eq!(w.finish().unwrap(), hex("A1 82 03 00 A0"));
    // Into a caller's buffer, allocating nothing.
    let mut buf = [0u8; 8];
    let mut w = Lwm2mCborWriter::new(&p("/3/0/9"), SliceOutput::new(&mut buf)).unwrap();
    w.value(9, ValueRef::Integer(87)).unwrap();
    assert_eq!(
        w.finish().unwrap().into_bytes(),
        hex("A1 83 03 00 09 18 57")
    );
    let mut buf = [0u8; 6];
    let mut w = Lwm2mCborWriter::new(&p("/3/0/9"), SliceOutput::new(&mut buf)).unwrap();
    let e = w.value(9, ValueRef::Integer(87)).unwrap_err();
    assert_eq!(e.kind_at(), (&ErrorKind::BufferFull, Some(5)));
    let mut buf = [0u8; 4];
    let e = Lwm2mCborWriter::new(&p("/3/0/9"), SliceOutput::new(&mut buf)).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::BufferFull);
}

#[test]
fn composite_leaves() {
    assert_eq!(lwm2m_cbor::encode_leaves(&[]).unwrap(), hex("A0"));
    let leaves = vec![
        (p("/3/0/6/1"), int(5)),
        (p("/3/0/6/0"), int(1)),
        (p("/3/1/9"), int(2)),
        (p("/3/0/9"), int(87)),
        (p("/4/0/1/0"), int(3)),
    ];
    let enc = lwm2m_cbor::encode_leaves(&leaves).unwrap();
    assert_eq!(
        to_hex(&enc),
        "A2 03 A2 00 A2 06 A2 00 01 01 05 09 18 57 01 A1 09 02 04 A1 00 A1 01 A1 00 03"
    );
    let mut sorted = leaves.clone();
    sorted.sort_by_key(|(p, _)| *p);
    let mut got = codec::decode_leaves(F::Lwm2mCbor, &Path::ROOT, &enc, &NoModel).unwrap();
    got.sort_by_key(|(p, _)| *p);
    assert_eq!(got, sorted);
    for (leaves, kind, at) in [
        (vec![(p("/3/0"), int(1))], ErrorKind::Misplaced, p("/3/0")),
        (
            vec![(p("/3/0/9"), int(1)), (p("/3/0/9"), int(2))],
            ErrorKind::DuplicatePath,
            p("/3/0/9"),
        ),
        (
            vec![(p("/3/0/6/0"), int(1)), (p("/3/0/6"), int(2))],
            ErrorKind::ValueAndInstances,
            p("/3/0/6/0"),
        ),
    ] {
        let e = lwm2m_cbor::encode_leaves(&leaves).unwrap_err();
        assert_eq!((e.kind(), e.path()), (&kind, Some(at)));
    }
}

#[test]
fn hostile_counts_and_nesting() {
    // Counts of 2^63 with three bytes of payload.
    for h in [
        "BB 80 00 00 00 00 00 00 00 03 00 01",
        "A1 9B 80 00 00 00 00 00 00 00 03 00 01",
        "A1 83 03 00 09 5B 80 00 00 00 00 00 00 00 01",
        "A1 03 BB 80 00 00 00 00 00 00 00 00 01",
        "A1 82 03 00 BB FF FF FF FF FF FF FF FF 09 01",
        "A1 82 03 00 A1 09 7B FF FF FF FF FF FF FF FF",
    ] {
        for path in ["/", "/3", "/3/0"] {
            assert!(dec(path, &hex(h)).is_err(), "{h} at {path}");
        }
    }
    // 10,000 nested maps and arrays: refused at the fourth level, no recursion.
    for (open, kind, at) in [
        (0xA1u8, ErrorKind::TooDeep, 8),
        (0xBF, ErrorKind::TooDeep, 8),
        (0x81, ErrorKind::Misplaced, 2),
        (0x9F, ErrorKind::Misplaced, 2),
    ] {
        let mut b = vec![0xA1];
        for _ in 0..10_000 {
            b.push(0x01);
            b.push(open);
        }
        let e = codec::decode_leaves(F::Lwm2mCbor, &Path::ROOT, &b, &NoModel).unwrap_err();
        assert_eq!(e.kind_at(), (&kind, Some(at)));
    }
    // Long tag chains on a leaf are a loop.
    let mut b = hex("A1 83 03 00 09");
    b.extend(std::iter::repeat_n(0xC6, 100_000));
    b.push(0x01);
    assert_eq!(dec("/3/0/9", &b), Ok(Node::Resource(single(9, int(1)))));
    // Payloads the decoders of the past read differently; each a result or an error.
    for h in HOSTILE {
        for path in [
            "/", "/0", "/3", "/3/0", "/3/1", "/3/0/9", "/3/0/6", "/3/0/6/0", "/0/0/9",
        ] {
            let _ = dec(path, &hex(h));
            let mut events = Vec::new();
            let _ = lwm2m_cbor::decode(&p(path), &hex(h), &mut events);
        }
    }
}

const HOSTILE: &[&str] = &[
    "",
    "A0",
    "80",
    "01",
    "A1",
    "A1 00",
    "A1 00 A0",
    "A1 82 03 00 A0",
    "A1 82 03 00 A0 00",
    "A1 82 03 00 A1 09 F6",
    "A1 82 03 00 F6",
    "A1 83 03 00 09 F6",
    "A1 82 03 01 A1 09 01",
    "A1 82 04 00 A1 09 01",
    "A1 03 A1 01 A1 09 01",
    "A1 82 03 00 A1 82 06 00 01",
    "A1 82 03 00 A1 82 06 61 01",
    "A1 82 03 00 A1 09 C4 82 21 19 6A B3",
    "A1 82 03 00 A1 09 C0 61 61",
    "A1 82 03 00 A2 09 01 09 02",
    "A1 82 03 00 A2 06 A1 00 01 06 A1 00 02",
    "A1 82 03 00 A1 06 A2 00 01 00 02",
    "A1 82 03 00 A1 06 A1 19 FF FF 01",
    "BF 82 03 00 BF 09 01 06 BF 00 01 FF FF FF",
    "BF 82 03 00 BF 09 01 06 BF 00 01 FF FF",
    "BF 9F 03 00 FF BF 09 01 FF FF",
    "A1 82 03 00 A1 09 7F 61 61 61 62 FF",
    "A1 82 03 00 A1 09 7F 61 61 41 62 FF",
    "A1 82 03 00 A1 09 5F 41 61 41 62 FF",
    "A1 82 03 00 A1 09 F9 3C 00",
    "A1 82 03 00 A2 00 A1 00 01 09 02",
    "A1 00 A1 00 A1 09 01",
    "A1 03 A1 00 A1 09 A1 00 01",
    "A1 82 03 00 A1 09 C6 C6 01",
    "BF",
    "BF FF",
];

#[test]
fn large_generated_payloads() {
    const N: u32 = 60_000;
    // `count` leaves {[ids…]: 0} in an indefinite map.
    let leaves = |ids: &dyn Fn(u32) -> Vec<u16>| {
        let mut b = hex("BF");
        for k in 0..N {
            let ids = ids(k);
            b.push(0x80 + ids.len() as u8);
            for id in ids {
                b.extend_from_slice(&[0x19, (id >> 8) as u8, id as u8]);
            }
            b.push(0x00);
        }
        b.push(0xFF);
        b
    };
    let d = |k: u32| (N - 1 - k) as u16;
    // Many objects, and IDs in descending order at each level.
    let b = leaves(&|k| vec![k as u16, 0, 0]);
    let got = codec::decode_leaves(F::Lwm2mCbor, &Path::ROOT, &b, &NoModel).unwrap();
    assert_eq!(got.len(), N as usize);
    assert_eq!(got[12_345], (Path::resource(12_345, 0, 0), int(0)));
    let b = leaves(&|k| vec![7777, d(k), 1]);
    match codec::decode(F::Lwm2mCbor, &p("/7777"), &b, &NoModel).unwrap() {
        Node::Object(o) => assert_eq!(o.instances.len(), N as usize),
        other => panic!("{other:?}"),
    }
    let b = leaves(&|k| vec![7777, 0, 0, d(k)]);
    match codec::decode(F::Lwm2mCbor, &p("/7777/0/0"), &b, &NoModel).unwrap() {
        Node::Resource(ResourceNode {
            value: ResourceValue::Multiple(l),
            ..
        }) => assert_eq!(l.len(), N as usize),
        other => panic!("{other:?}"),
    }
    // Alternating between two long lists, then a duplicate at the very end.
    let mut b = leaves(&|k| vec![7777, (k % 2) as u16, d(k / 2 * 2) / 2]);
    assert!(codec::decode(F::Lwm2mCbor, &p("/7777"), &b, &NoModel).is_ok());
    b.pop();
    let at = b.len();
    b.extend_from_slice(&hex("83 19 1E 61 01 19 00 05 00 FF"));
    let e = codec::decode(F::Lwm2mCbor, &p("/7777"), &b, &NoModel).unwrap_err();
    assert_eq!(e.kind_at(), (&ErrorKind::DuplicatePath, Some(at)));
    // 60,000 empty instances, definite and indefinite.
    for (mut b, end) in [
        (hex("A1 03 B9 EA 60"), &[][..]),
        (hex("BF 03 BF"), &[0xFF, 0xFF][..]),
    ] {
        for i in 0..N {
            b.extend_from_slice(&[0x19, (i >> 8) as u8, i as u8, 0xA0]);
        }
        b.extend_from_slice(end);
        match codec::decode(F::Lwm2mCbor, &p("/3"), &b, &NoModel).unwrap() {
            Node::Object(o) => assert_eq!(o.instances.len(), N as usize),
            other => panic!("{other:?}"),
        }
    }
}

// ---- random nodes, payloads and mutations ----

fn value_of(t: DataType) -> BoxedStrategy<Value> {
    match t {
        DataType::String => ".{0,12}".prop_map(Value::String).boxed(),
        DataType::Integer => prop_oneof![any::<i64>(), -300i64..300]
            .prop_map(Value::Integer)
            .boxed(),
        DataType::UnsignedInteger => any::<u64>().prop_map(Value::UnsignedInteger).boxed(),
        DataType::Float => prop_oneof![
            any::<f64>().prop_filter("not NaN", |f| !f.is_nan()),
            any::<f32>()
                .prop_filter("not NaN", |f| !f.is_nan())
                .prop_map(f64::from),
            (-2048i32..2048, 0u32..6).prop_map(|(m, e)| m as f64 / (1u32 << e) as f64),
        ]
        .prop_map(Value::Float)
        .boxed(),
        DataType::Boolean => any::<bool>().prop_map(Value::Boolean).boxed(),
        DataType::Opaque => prop::collection::vec(any::<u8>(), 0..40)
            .prop_map(Value::Opaque)
            .boxed(),
        DataType::Time => any::<i64>().prop_map(|t| Value::Time(Time(t))).boxed(),
        DataType::Objlnk => (any::<u16>(), any::<u16>())
            .prop_map(|(o, i)| Value::Objlnk(ObjectLink::new(o, i)))
            .boxed(),
        _ => "[ -~]{0,12}"
            .prop_map(|s| Value::Corelnk(ucifi_runtime::CoreLink(s)))
            .boxed(),
    }
}

fn id() -> impl Strategy<Value = u16> {
    prop_oneof![0u16..30, 0u16..65535]
}

fn resource() -> impl Strategy<Value = ResourceNode> {
    id().prop_flat_map(|r| {
        let t = TYPES[r as usize % 9];
        if r >= 10 {
            prop::collection::btree_map(id(), value_of(t), 0..4)
                .prop_map(move |m| {
                    let items: Vec<(u16, Value)> = m.into_iter().collect();
                    multi(r, &items)
                })
                .boxed()
        } else {
            value_of(t).prop_map(move |v| single(r, v)).boxed()
        }
    })
}

/// A random object 7777 and a target cut out of it (object, instance, resource or
/// resource instance), with its path.
fn target() -> impl Strategy<Value = (Path, Node)> {
    let instance = (id(), prop::collection::vec(resource(), 0..6)).prop_map(|(i, rs)| {
        let mut by_id = std::collections::BTreeMap::new();
        for r in rs {
            by_id.entry(r.id).or_insert(r);
        }
        InstanceNode {
            id: i,
            resources: by_id.into_values().collect(),
        }
    });
    let instances = prop::collection::vec(instance, 0..4);
    (instances, 0usize..4, any::<prop::sample::Index>()).prop_map(|(is, level, ix)| {
        let mut by_id = std::collections::BTreeMap::new();
        for i in is {
            by_id.entry(i.id).or_insert(i);
        }
        let o = ObjectNode {
            id: 7777,
            instances: by_id.into_values().collect(),
        };
        let inst = (!o.instances.is_empty()).then(|| ix.get(&o.instances).clone());
        let res = inst
            .as_ref()
            .filter(|i| !i.resources.is_empty())
            .map(|i| ix.get(&i.resources).clone());
        let ri = match res.as_ref().map(|r| &r.value) {
            Some(ResourceValue::Multiple(l)) if !l.is_empty() => Some(ix.get(l).clone()),
            _ => None,
        };
        match (level, inst, res, ri) {
            (3, Some(i), Some(r), Some(ri)) => (
                Path::resource_instance(7777, i.id, r.id, ri.id),
                Node::ResourceInstance(ri),
            ),
            (2.., Some(i), Some(r), _) => (Path::resource(7777, i.id, r.id), Node::Resource(r)),
            (1.., Some(i), _, _) => (Path::instance(7777, i.id), Node::Instance(i)),
            _ => (Path::object(7777), Node::Object(o)),
        }
    })
}

/// A map of random keys (IDs, ID arrays, junk) and values (leaves, junk, nested maps).
fn payload() -> impl Strategy<Value = Vec<u8>> {
    let leaf = prop::sample::select(vec![
        "00",
        "18 57",
        "20",
        "63 61 62 63",
        "42 01 02",
        "F4",
        "F5",
        "F6",
        "F9 3C 00",
        "FA 41 B4 00 00",
        "C1 1A 65 53 F1 00",
        "C4 82 21 19 6A B3",
        "82 01 02",
        "FF",
        "C0 61 61",
        "7F 61 61 FF",
        "1C",
        "",
    ])
    .prop_map(hex);
    let key = prop_oneof![
        6 => prop_oneof![8 => 0u8..4, 1 => Just(9u8)].prop_map(|k| vec![k]),
        3 => (any::<bool>(), prop::collection::vec(0u8..4, 0..5)).prop_map(|(indef, ids)| {
            let mut b = vec![if indef { 0x9F } else { 0x80 + ids.len() as u8 }];
            b.extend(ids);
            if indef {
                b.push(0xFF);
            }
            b
        }),
        1 => prop::sample::select(vec!["19 FF FF", "61 61", "20", "F6", "C1 01", "FF"]).prop_map(hex),
    ];
    leaf.prop_recursive(4, 32, 5, move |inner| {
        (
            any::<bool>(),
            prop::collection::vec((key.clone(), inner), 0..5),
        )
            .prop_map(|(indef, entries)| {
                let mut b = vec![if indef {
                    0xBF
                } else {
                    0xA0 + entries.len() as u8
                }];
                for (k, v) in entries {
                    b.extend(k);
                    b.extend(v);
                }
                if indef {
                    b.push(0xFF);
                }
                b
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn nodes_round_trip((path, node) in target(), spare in 0usize..3) {
        let enc = codec::encode(F::Lwm2mCbor, &path, &node).unwrap();
        let mut want = node.clone();
        want.canonicalize();
        for types in [&Types as &dyn TypeLookup, &NoModel] {
            let got = codec::decode(F::Lwm2mCbor, &path, &enc, types);
            if types.resource_type(7777, 0).is_some() {
                prop_assert_eq!(got.map(canonical), Ok(want.clone()));
            } else {
                prop_assert!(got.is_ok());
            }
        }
        // Through the object above, the same leaves.
        let obj = codec::decode(F::Lwm2mCbor, &Path::object(7777), &enc, &Types).unwrap();
        let (mut a, mut b) = (Vec::new(), Vec::new());
        obj.for_each_leaf(&Path::object(7777), |p, v| a.push((p, v.clone())));
        node.for_each_leaf(&path, |p, v| b.push((p, v.clone())));
        a.sort_by_key(|(p, _)| *p);
        b.sort_by_key(|(p, _)| *p);
        prop_assert_eq!(a, b);
        // The same bytes into a caller's buffer; one byte short fails.
        let mut buf = vec![0u8; enc.len() + spare];
        prop_assert_eq!(codec::encode_into(F::Lwm2mCbor, &path, &node, &mut buf), Ok(enc.len()));
        prop_assert_eq!(&buf[..enc.len()], &enc[..]);
        let mut short = vec![0u8; enc.len() - 1];
        prop_assert!(codec::encode_into(F::Lwm2mCbor, &path, &node, &mut short).is_err());
    }

    #[test]
    fn composite_round_trips((pa, na) in target(), (pb, nb) in target()) {
        let mut leaves = Vec::new();
        na.for_each_leaf(&pa, |p, v| leaves.push((p, v.clone())));
        // The second node moved to another object.
        nb.for_each_leaf(&pb, |p, v| {
            let mut moved = p.ids().to_vec();
            moved[0] = 7777 + 9;
            leaves.push((Path::from_ids(&moved).unwrap(), v.clone()));
        });
        let enc = lwm2m_cbor::encode_leaves(&leaves).unwrap();
        let mut got = codec::decode_leaves(F::Lwm2mCbor, &Path::ROOT, &enc, &NoModel).unwrap();
        got.sort_by_key(|(p, _)| *p);
        leaves.sort_by_key(|(p, _)| *p);
        // Without a model, values come back in their untyped kind.
        let untyped: Vec<(Path, Value)> = leaves.iter().map(|(p, v)| {
            let bytes = codec::encode(F::Cbor, &Path::resource(1, 0, 0), &Node::Resource(single(0, v.clone()))).unwrap();
            let back = codec::decode(F::Cbor, &Path::resource(1, 0, 0), &bytes, &NoModel).unwrap();
            match back {
                Node::Resource(ResourceNode { value: ResourceValue::Single(v), .. }) => (*p, v),
                other => panic!("{other:?}"),
            }
        }).collect();
        prop_assert_eq!(got, untyped);
    }

    #[test]
    fn random_payloads_never_panic(bytes in payload(), tail in prop::collection::vec(any::<u8>(), 0..2)) {
        let mut bytes = bytes;
        bytes.extend(tail);
        for path in ["/", "/3", "/3/0", "/3/0/1", "/3/0/1/0"] {
            let _ = dec(path, &bytes);
        }
    }

    #[test]
    fn mutated_payloads_never_panic(
        (path, node) in target(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..4),
    ) {
        let mut bytes = codec::encode(F::Lwm2mCbor, &path, &node).unwrap();
        for (ix, b, op) in &edits {
            if bytes.is_empty() {
                bytes.push(*b);
                continue;
            }
            let i = ix.index(bytes.len());
            match op {
                0 => bytes[i] = *b,
                1 => bytes.insert(i, *b),
                _ => {
                    bytes.remove(i);
                }
            }
        }
        for p in [path, path.parent().unwrap_or(path), Path::ROOT] {
            let _ = codec::decode(F::Lwm2mCbor, &p, &bytes, &Types);
            let _ = codec::decode_leaves(F::Lwm2mCbor, &p, &bytes, &NoModel);
        }
    }
}
