//! OMA TLV (11542, spec §7): the spec's worked examples T1–T6 both ways with exact bytes,
//! value encodings, header forms, every refusal as an exact `(ErrorKind, offset)`, the
//! events of the push parser, the writer's state rules, hostile and large inputs, and
//! property tests (round trips, fixed buffers, mutated and random bytes).

mod common;

use common::{hex, p, to_hex};

use std::collections::{BTreeMap, HashMap};

use proptest::prelude::*;
use ucifi_runtime::codec::{
    self, Error, ErrorKind, Event, NoModel, RawValue, SliceOutput, Syntax, TypeLookup, ValueError,
    Writer, tlv, tlv::TlvWriter,
};
use ucifi_runtime::{
    ContentFormat as F, DataType, InstanceNode, Node, ObjectLink, ObjectNode, Path,
    ResourceInstanceNode, ResourceNode, ResourceValue, Time, Value, ValueRef,
};

// ---- helpers ----

/// A type table: (object, resource) → (type, multiple).
#[derive(Clone, Debug, Default)]
struct Types(HashMap<(u16, u16), (DataType, bool)>);

impl Types {
    fn with(mut self, o: u16, r: u16, t: DataType, multiple: bool) -> Self {
        self.0.insert((o, r), (t, multiple));
        self
    }
}

impl TypeLookup for Types {
    fn resource_type(&self, object: u16, resource: u16) -> Option<(DataType, bool)> {
        self.0.get(&(object, resource)).copied()
    }
}

/// Device (3), Connectivity Monitoring (4), Temperature (3303) and a test object 9999.
fn spec_types() -> Types {
    use DataType::*;
    let mut t = Types::default();
    for (r, ty, m) in [
        (0, String, false),
        (1, String, false),
        (2, String, false),
        (3, String, false),
        (6, Integer, true),
        (7, Integer, true),
        (8, Integer, true),
        (9, Integer, false),
        (10, Integer, false),
        (11, Integer, true),
        (13, Time, false),
        (14, String, false),
        (15, String, false),
        (16, String, false),
    ] {
        t = t.with(3, r, ty, m);
    }
    t.with(4, 0, Integer, false)
        .with(4, 1, Integer, true)
        .with(4, 2, Integer, false)
        .with(4, 4, String, true)
        .with(3303, 5700, Float, false)
        .with(3303, 5701, String, false)
        .with(9999, 0, String, false)
        .with(9999, 1, Opaque, false)
        .with(9999, 2, Integer, false)
        .with(9999, 3, UnsignedInteger, false)
        .with(9999, 4, Float, false)
        .with(9999, 5, Boolean, false)
        .with(9999, 6, Boolean, false)
        .with(9999, 7, Corelnk, false)
        .with(9999, 13, Time, false)
        .with(9999, 22, Objlnk, false)
        .with(9999, 255, Integer, false)
        .with(9999, 256, Integer, false)
        .with(9999, 310, Integer, true)
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
                .map(|(i, v)| ResourceInstanceNode {
                    id: *i,
                    value: v.clone(),
                })
                .collect(),
        ),
    }
}

fn s(v: &str) -> Value {
    Value::String(v.into())
}

fn int(v: i64) -> Value {
    Value::Integer(v)
}

fn res(id: u16, v: Value) -> Node {
    Node::Resource(single(id, v))
}

fn dec(path: &str, bytes: &[u8]) -> Result<Node, Error> {
    codec::decode(F::Tlv, &p(path), bytes, &spec_types())
}

fn enc(path: &str, node: &Node) -> Result<Vec<u8>, Error> {
    codec::encode(F::Tlv, &p(path), node)
}

/// Encodes `node` at `path` to exactly `bytes`, and decodes `bytes` back to `node`.
#[track_caller]
fn both(path: &str, node: &Node, bytes: &str) {
    assert_eq!(
        to_hex(&enc(path, node).unwrap()),
        to_hex(&hex(bytes)),
        "{path}"
    );
    assert_eq!(dec(path, &hex(bytes)).unwrap(), *node, "{path}");
}

/// The `(kind, offset)` of decoding `bytes` at `path`.
#[track_caller]
fn fails(path: &str, bytes: &str) -> (ErrorKind, Option<usize>) {
    let e = dec(path, &hex(bytes)).unwrap_err();
    assert_eq!(e.format(), Some(F::Tlv), "{e}");
    (e.kind().clone(), e.offset())
}

const TRUNCATED: ErrorKind = ErrorKind::Truncated;
const PAST_CONTAINER: ErrorKind = ErrorKind::Syntax(Syntax::InvalidTlv);
const MISPLACED: ErrorKind = ErrorKind::Misplaced;
const DUPLICATE: ErrorKind = ErrorKind::DuplicatePath;

fn value_err(path: &str, bytes: &str) -> ValueError {
    match dec(path, &hex(bytes)).unwrap_err().kind() {
        ErrorKind::Value(v) => v.clone(),
        other => panic!("expected a value error, got {other:?}"),
    }
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

/// The reference Device instance /3/0 of the spec.
fn device() -> Node {
    Node::Instance(InstanceNode {
        id: 0,
        resources: vec![
            single(0, s("Open Mobile Alliance")),
            single(1, s("Lightweight M2M Client")),
            single(2, s("345000123")),
            single(3, s("1.0")),
            multi(6, &[(0, int(1)), (1, int(5))]),
            multi(7, &[(0, int(3800)), (1, int(5000))]),
            multi(8, &[(0, int(125)), (1, int(900))]),
            single(9, int(100)),
            single(10, int(15)),
            multi(11, &[(0, int(0))]),
            single(13, Value::Time(Time(1_367_491_215))),
            single(14, s("+02:00")),
            single(15, s("Europe/Berlin")),
            single(16, s("U")),
        ],
    })
}

const DEVICE: &str = concat!(
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
);

/// The events of `bytes` at `path` (no model).
fn events<'a>(path: &str, bytes: &'a [u8]) -> Result<Vec<Event<'a>>, Error> {
    let mut ev = Vec::new();
    tlv::decode(&p(path), bytes, &mut ev)?;
    Ok(ev)
}

// ---- §7.4 worked examples ----

#[test]
fn t1_integer() {
    both("/3/0/9", &res(9, int(87)), "C1 09 57");
}

#[test]
fn t2_float() {
    let f = res(5700, Value::Float(22.5));
    both("/3303/0/5700", &f, "E4 16 44 41 B4 00 00");
    assert_eq!(
        dec("/3303/0/5700", &hex("E8 16 44 08 40 36 80 00 00 00 00 00")).unwrap(),
        f
    );
}

#[test]
fn t3_multiple_strings() {
    both(
        "/4/0/4",
        &Node::Resource(multi(4, &[(0, s("192.0.2.1")), (1, s("2001:db8::1"))])),
        "88 04 1A 48 00 09 31 39 32 2E 30 2E 32 2E 31 48 01 0B 32 30 30 31 3A 64 62 38 3A 3A 31",
    );
}

#[test]
fn t4_object_and_instance() {
    let t4 = "08 00 0E C1 00 06 86 01 41 00 06 41 01 07 C1 02 A3";
    let object = Node::Object(ObjectNode {
        id: 4,
        instances: vec![conn_instance()],
    });
    both("/4", &object, t4);
    let inst = Node::Instance(conn_instance());
    both("/4/0", &inst, &t4[9..]);
    // Lenient input: a kind-00 wrapper whose ID matches an instance path; bare resources
    // at an object path (instance 0).
    assert_eq!(dec("/4/0", &hex(t4)).unwrap(), inst);
    assert_eq!(dec("/4", &hex(&t4[9..])).unwrap(), object);
    // The wrapper's ID differs from the path's.
    assert_eq!(fails("/4/1", t4), (ErrorKind::IdMismatch, Some(0)));
}

#[test]
fn t5_two_instances() {
    let object = Node::Object(ObjectNode {
        id: 3303,
        instances: temp_instances(),
    });
    both(
        "/3303",
        &object,
        "08 00 0D E4 16 44 41 B4 00 00 E3 16 45 43 65 6C 08 01 0D E4 16 44 C0 88 00 00 E3 16 45 43 65 6C",
    );
    // A lone instance at an object path is wrapped too.
    let one = Node::Object(ObjectNode {
        id: 3303,
        instances: temp_instances()[..1].to_vec(),
    });
    both(
        "/3303",
        &one,
        "08 00 0D E4 16 44 41 B4 00 00 E3 16 45 43 65 6C",
    );
}

#[test]
fn t6_other_values() {
    both(
        "/9999/0/22",
        &res(22, Value::Objlnk(ObjectLink::new(3303, 0))),
        "C4 16 0C E7 00 00",
    );
    both(
        "/9999/0/22",
        &res(22, Value::Objlnk(ObjectLink::NULL)),
        "C4 16 FF FF FF FF",
    );
    both("/9999/0/6", &res(6, Value::Boolean(true)), "C1 06 01");
    both(
        "/9999/0/13",
        &res(13, Value::Time(Time(1_700_000_000))),
        "C4 0D 65 53 F1 00",
    );
    both("/9999/0/0", &res(0, s("")), "C0 00");
    both(
        "/9999/0/310/310",
        &Node::ResourceInstance(ResourceInstanceNode {
            id: 310,
            value: int(1),
        }),
        "61 01 36 01",
    );
    // The empty multiple resource of §7.3.
    both("/3/0/6", &Node::Resource(multi(6, &[])), "80 06");
}

#[test]
fn reference_device_is_137_bytes() {
    let enc = enc("/3/0", &device()).unwrap();
    assert_eq!(to_hex(&enc), to_hex(&hex(DEVICE)));
    assert_eq!(enc.len(), 137);
    assert_eq!(dec("/3/0", &enc).unwrap(), device());
    assert_eq!(
        codec::decode(F::Tlv, &p("/3/0"), &enc, &model_of(&spec_types(), 3)).unwrap(),
        device()
    );
    // Into a caller's buffer: an exact fit works, one byte less is "buffer full".
    let mut buf = [0u8; 137];
    assert_eq!(
        codec::encode_into(F::Tlv, &p("/3/0"), &device(), &mut buf).unwrap(),
        137
    );
    assert_eq!(&buf[..], &enc[..]);
    let mut small = [0u8; 136];
    let e = codec::encode_into(F::Tlv, &p("/3/0"), &device(), &mut small).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::BufferFull);
    assert_eq!(e.format(), Some(F::Tlv));
    // Without a model every value is opaque bytes.
    let Node::Instance(i) = codec::decode(F::Tlv, &p("/3/0"), &enc, &NoModel).unwrap() else {
        panic!()
    };
    assert_eq!(
        i.resources[0].value,
        ResourceValue::Single(Value::Opaque(b"Open Mobile Alliance".to_vec()))
    );
}

// ---- value encodings (§7.2) ----

#[test]
fn value_table() {
    use Value::*;
    for (r, v, h) in [
        (2, Integer(0), "C1 02 00"),
        (2, Integer(-1), "C1 02 FF"),
        (2, Integer(127), "C1 02 7F"),
        (2, Integer(128), "C2 02 00 80"),
        (2, Integer(-128), "C1 02 80"),
        (2, Integer(-129), "C2 02 FF 7F"),
        (2, Integer(32767), "C2 02 7F FF"),
        (2, Integer(32768), "C4 02 00 00 80 00"),
        (2, Integer(-93), "C1 02 A3"),
        (2, Integer(65536), "C4 02 00 01 00 00"),
        (2, Integer(1_700_000_000), "C4 02 65 53 F1 00"),
        (
            2,
            Integer(2_147_483_648),
            "C8 02 08 00 00 00 00 80 00 00 00",
        ),
        (2, Integer(i64::MIN), "C8 02 08 80 00 00 00 00 00 00 00"),
        (2, Integer(i64::MAX), "C8 02 08 7F FF FF FF FF FF FF FF"),
        // Unsigned Integer: the top bit stays clear below 2^63.
        (3, UnsignedInteger(0), "C1 03 00"),
        (3, UnsignedInteger(127), "C1 03 7F"),
        (3, UnsignedInteger(200), "C2 03 00 C8"),
        (3, UnsignedInteger(255), "C2 03 00 FF"),
        (3, UnsignedInteger(65535), "C4 03 00 00 FF FF"),
        (
            3,
            UnsignedInteger(1 << 63),
            "C8 03 08 80 00 00 00 00 00 00 00",
        ),
        (
            3,
            UnsignedInteger(u64::MAX),
            "C8 03 08 FF FF FF FF FF FF FF FF",
        ),
        // Float: binary32 when lossless.
        (4, Float(0.0), "C4 04 00 00 00 00"),
        (4, Float(22.5), "C4 04 41 B4 00 00"),
        (4, Float(-4.25), "C4 04 C0 88 00 00"),
        (4, Float(100000.0), "C4 04 47 C3 50 00"),
        (4, Float(0.1), "C8 04 08 3F B9 99 99 99 99 99 9A"),
        (4, Float(-1.5e-300), "C8 04 08 81 B0 12 97 D2 3A B6 83"),
        (4, Float(f64::INFINITY), "C4 04 7F 80 00 00"),
        (5, Boolean(false), "C1 05 00"),
        (5, Boolean(true), "C1 05 01"),
        (0, s(""), "C0 00"),
        (0, s("Cel"), "C3 00 43 65 6C"),
        (1, Opaque(vec![]), "C0 01"),
        (1, Opaque(vec![0]), "C1 01 00"),
        (1, Opaque(vec![1, 2]), "C2 01 01 02"),
        (
            7,
            Corelnk(ucifi_runtime::CoreLink("</3/0>".into())),
            "C6 07 3C 2F 33 2F 30 3E",
        ),
        (13, Time(ucifi_runtime::Time(0)), "C1 0D 00"),
        (13, Time(ucifi_runtime::Time(-1)), "C1 0D FF"),
        (22, Objlnk(ObjectLink::new(0, 0)), "C4 16 00 00 00 00"),
        // 8-bit and 16-bit IDs.
        (255, Integer(1), "C1 FF 01"),
        (256, Integer(1), "E1 01 00 01"),
    ] {
        both(&format!("/9999/0/{r}"), &res(r, v), h);
    }
    // NaN takes 8 bytes and keeps its bits.
    let nan = f64::from_bits(0x7FF8_0000_0000_0001);
    let bytes = enc("/9999/0/4", &res(4, Value::Float(nan))).unwrap();
    assert_eq!(to_hex(&bytes), "C8 04 08 7F F8 00 00 00 00 00 01");
    let Node::Resource(r) = dec("/9999/0/4", &bytes).unwrap() else {
        panic!()
    };
    assert!(
        matches!(r.value, ResourceValue::Single(Value::Float(f)) if f.to_bits() == nan.to_bits())
    );
}

#[test]
fn value_readings() {
    let v = |path: &str, h: &str| match dec(path, &hex(h)).unwrap() {
        Node::Resource(ResourceNode {
            value: ResourceValue::Single(v),
            ..
        }) => v,
        Node::ResourceInstance(ri) => ri.value,
        other => panic!("{other:?}"),
    };
    // Unsigned: read as unsigned (spec, Anjay) from any width; Leshan's `00 C8` agrees.
    assert_eq!(v("/9999/0/3", "C1 03 C8"), Value::UnsignedInteger(200));
    assert_eq!(v("/9999/0/3", "C2 03 00 C8"), Value::UnsignedInteger(200));
    assert_eq!(
        v("/9999/0/3", "C8 03 08 FF FF FF FF FF FF FF FF"),
        Value::UnsignedInteger(u64::MAX)
    );
    // Sign extension of each width.
    assert_eq!(v("/9999/0/2", "C4 02 FF FF FF A3"), int(-93));
    assert_eq!(v("/9999/0/13", "C2 0D FF FF"), Value::Time(Time(-1)));
    assert_eq!(
        v("/9999/0/13", "C8 0D 08 FF FF FF FF FF FF FF A3"),
        Value::Time(Time(-93))
    );
    assert_eq!(
        v("/3303/0/5700", "E8 16 44 08 40 36 80 00 00 00 00 00"),
        Value::Float(22.5)
    );
    assert_eq!(
        v("/9999/0/22", "C4 16 FF FF FF FF"),
        Value::Objlnk(ObjectLink::NULL)
    );
    assert_eq!(v("/9999/0/310/310", "61 01 36 01"), int(1));
    let bad = |data_type, len| ValueError::BadLength { data_type, len };
    // Integers of 1, 2, 4 or 8 bytes only (Anjay).
    for (h, len) in [
        ("C3 02 00 00 01", 3),
        ("C0 02", 0),
        ("C5 02 00 00 00 00 01", 5),
    ] {
        assert_eq!(
            value_err("/9999/0/2", h),
            bad(DataType::Integer, len),
            "{h}"
        );
    }
    for (h, len) in [("E2 16 44 4D A0", 2), ("E1 16 44 01", 1), ("E0 16 44", 0)] {
        assert_eq!(
            value_err("/3303/0/5700", h),
            bad(DataType::Float, len),
            "{h}"
        );
    }
    assert_eq!(
        value_err("/9999/0/4", "C3 04 00 00 00"),
        bad(DataType::Float, 3)
    );
    assert_eq!(
        value_err("/9999/0/5", "C1 05 02"),
        ValueError::InvalidBoolean
    );
    assert_eq!(
        value_err("/9999/0/5", "C2 05 00 01"),
        bad(DataType::Boolean, 2)
    );
    assert_eq!(
        value_err("/9999/0/22", "C3 16 0C E7 00"),
        bad(DataType::Objlnk, 3)
    );
    assert_eq!(
        value_err("/9999/0/0", "C2 00 C3 28"),
        ValueError::InvalidUtf8
    );
    assert_eq!(value_err("/9999/0/7", "C1 07 FF"), ValueError::InvalidUtf8);
    // A value error names the leaf and the offset of the value (the TLV starts at 3).
    let e = dec("/9999/0", &hex("C1 02 07 C1 05 02")).unwrap_err();
    assert_eq!(e.path(), Some(p("/9999/0/5")));
    assert_eq!(e.offset(), Some(5));
}

// ---- headers (§7.1) ----

#[test]
fn non_minimal_headers_are_accepted() {
    let want = res(9, int(87));
    for h in [
        "C1 09 57",             // minimal
        "E1 00 09 57",          // 16-bit ID for a small ID
        "C8 09 01 57",          // 8-bit length field for a 1-byte value
        "D0 09 00 01 57",       // 16-bit length field
        "D8 09 00 00 01 57",    // 24-bit length field
        "F8 00 09 00 00 01 57", // both
        "E8 00 09 01 57",
        "C9 09 01 57", // b2..b0 ignored when a length field is present
        "CF 09 01 57",
    ] {
        assert_eq!(dec("/3/0/9", &hex(h)).unwrap(), want, "{h}");
    }
    let inst = Node::Instance(InstanceNode {
        id: 0,
        resources: vec![single(9, int(87))],
    });
    assert_eq!(dec("/3/0", &hex("18 00 00 00 03 C1 09 57")).unwrap(), inst);
    assert_eq!(dec("/3/0", &hex("28 00 00 03 C1 09 57")).unwrap(), inst);
    assert_eq!(
        dec("/3/0/6", &hex("98 06 00 00 03 41 00 01")).unwrap(),
        Node::Resource(multi(6, &[(0, int(1))]))
    );
    for (h, n) in [
        ("D0 00 00 00", 1),
        ("D8 00 00 00 01 05", 1),
        ("F0 00 01 00 00", 1),
        ("C8 00 00", 1),
    ] {
        assert_eq!(events("/3/0", &hex(h)).unwrap().len(), n, "{h}");
    }
}

#[test]
fn length_field_forms() {
    for (n, header) in [
        (0usize, "C0 00"),
        (7, "C7 00"),
        (8, "C8 00 08"),
        (255, "C8 00 FF"),
        (256, "D0 00 01 00"),
        (300, "D0 00 01 2C"),
        (65535, "D0 00 FF FF"),
        (65536, "D8 00 01 00 00"),
        (70000, "D8 00 01 11 70"),
    ] {
        let node = res(0, Value::String("a".repeat(n)));
        let bytes = enc("/9999/0/0", &node).unwrap();
        let h = hex(header);
        assert_eq!(to_hex(&bytes[..h.len()]), header, "length {n}");
        assert_eq!(bytes.len(), h.len() + n);
        assert_eq!(dec("/9999/0/0", &bytes).unwrap(), node);
    }
    // Object Instance 1000 holding 13 bytes.
    let object = Node::Object(ObjectNode {
        id: 3303,
        instances: vec![InstanceNode {
            id: 1000,
            resources: temp_instances()[0].resources.clone(),
        }],
    });
    both(
        "/3303",
        &object,
        "28 03 E8 0D E4 16 44 41 B4 00 00 E3 16 45 43 65 6C",
    );
    // Containers whose length changes the header size are fixed when they close.
    for count in [1usize, 2, 3, 40, 100, 30000] {
        let items: Vec<(u16, Value)> = (0..count).map(|i| (i as u16, int(7))).collect();
        let node = Node::Resource(multi(6, &items));
        let bytes = enc("/3/0/6", &node).unwrap();
        assert_eq!(dec("/3/0/6", &bytes).unwrap(), node, "{count} instances");
        let object = Node::Object(ObjectNode {
            id: 3,
            instances: vec![InstanceNode {
                id: 7,
                resources: vec![multi(6, &items), single(9, int(1))],
            }],
        });
        let bytes = enc("/3", &object).unwrap();
        assert_eq!(dec("/3", &bytes).unwrap(), object, "{count} instances");
    }
}

#[test]
fn values_over_16_mib_are_refused() {
    let big = res(0, Value::String("a".repeat(0x100_0000)));
    let e = enc("/9999/0/0", &big).unwrap_err();
    assert_eq!(e.kind_at(), (&ErrorKind::TooLong, Some(0)));
    assert_eq!(e.format(), Some(F::Tlv));
    let max = res(0, Value::String("a".repeat(tlv::MAX_LENGTH)));
    let bytes = enc("/9999/0/0", &max).unwrap();
    assert_eq!(to_hex(&bytes[..5]), "D8 00 FF FF FF");
    assert_eq!(dec("/9999/0/0", &bytes).unwrap(), max);
    // A container whose content exceeds it.
    let two = Node::Instance(InstanceNode {
        id: 0,
        resources: vec![
            single(0, Value::String("a".repeat(0x80_0000))),
            single(1, Value::String("a".repeat(0x80_0000))),
        ],
    });
    let object = Node::Object(ObjectNode {
        id: 9999,
        instances: vec![match two {
            Node::Instance(i) => i,
            _ => unreachable!(),
        }],
    });
    let e = enc("/9999", &object).unwrap_err();
    assert_eq!(e.kind_at(), (&ErrorKind::TooLong, Some(0)));
}

// ---- structure and refusals (§7.3) ----

#[test]
fn refusals() {
    let cases: &[(&str, &str, ErrorKind, usize)] = &[
        // Truncated headers and values, lengths over the remaining bytes.
        ("/3/0/9", "C1", TRUNCATED, 0),
        ("/3/0/9", "E1 00", TRUNCATED, 0),
        ("/3/0/9", "C8 09", TRUNCATED, 0),
        ("/3/0/9", "C2 09 57", TRUNCATED, 0),
        ("/3/0/9", "D8 09 FF FF FF 57", TRUNCATED, 0),
        ("/3/0", "C1 09 57 C1", TRUNCATED, 3),
        // Trailing bytes after a single target.
        ("/3/0/9", "C1 09 57 00", ErrorKind::TrailingBytes, 3),
        ("/3/0/6/0", "41 00 01 41 01 02", ErrorKind::TrailingBytes, 3),
        ("/3/0/6", "80 06 C1 09 57", ErrorKind::TrailingBytes, 2),
        // IDs that differ from the path's.
        ("/3/0/9", "C1 0A 57", ErrorKind::IdMismatch, 0),
        ("/3/0/6/0", "41 01 01", ErrorKind::IdMismatch, 0),
        ("/4/0", "08 01 03 C1 00 06", ErrorKind::IdMismatch, 0),
        (
            "/3/0",
            "C1 0A 01 08 01 03 C1 09 57",
            ErrorKind::IdMismatch,
            3,
        ),
        // Duplicate IDs at one level: resources, instances, resource instances.
        ("/3/0", "C1 09 57 C1 09 58", DUPLICATE, 3),
        ("/3/0", "C1 0A 01 C1 09 57 C1 0A 02", DUPLICATE, 6),
        ("/3/0", "C1 0A 01 C1 09 57 C1 0E 02 C1 0A 02", DUPLICATE, 9),
        ("/9999/0", "C1 09 57 C1 08 58 C1 09 01", DUPLICATE, 6),
        ("/3/0", "86 06 41 00 01 41 00 05", DUPLICATE, 5),
        ("/3/0", "80 06 80 06", DUPLICATE, 2),
        ("/3/0", "80 06 C0 06", DUPLICATE, 2),
        ("/3", "00 00 00 00", DUPLICATE, 2),
        ("/3", "08 00 03 C1 09 01 08 00 03 C1 09 01", DUPLICATE, 6),
        ("/3/0/6", "86 06 41 00 01 41 00 02", DUPLICATE, 5),
        // Kind 01 outside kind 10 (but as the single TLV of a resource-instance path).
        ("/3/0", "41 00 01", MISPLACED, 0),
        ("/3/0", "41 09 57", MISPLACED, 0),
        ("/3", "41 00 01", MISPLACED, 0),
        ("/3", "03 00 41 00 01", MISPLACED, 2),
        // ("/3/0/6", "41 00 01") is read: bare instances of the multiple resource
        // (tests/interop.rs).
        ("/3/0", "08 00 03 41 00 01", MISPLACED, 3),
        // Anything else at a resource-instance path.
        ("/3/0/6/0", "C1 06 01", MISPLACED, 0),
        // Kind 00 nested in kind 00 or in kind 10, at a resource path, beside resources.
        ("/3", "02 00 00 01", MISPLACED, 2),
        ("/3", "08 00 02 00 01", MISPLACED, 3),
        ("/3/0", "08 00 05 08 00 02 C1 09", MISPLACED, 3),
        ("/3/0/6", "82 06 00 00", MISPLACED, 2),
        ("/3/0", "82 06 00 01", MISPLACED, 2),
        ("/3/0/6", "82 06 C0 00", MISPLACED, 2),
        ("/3/0/9", "00 09", MISPLACED, 0),
        ("/4/0", "08 00 03 C1 00 06 C1 02 A3", MISPLACED, 0),
        ("/3/0", "08 00 02 C1 09 57", MISPLACED, 0),
        ("/3/0", "C1 0A 01 08 00 03 C1 09 57", MISPLACED, 3),
        // Resources beside object instances at an object path.
        ("/3", "08 00 03 C1 09 01 C1 0A 01", MISPLACED, 6),
        // Children that run past their container, containers past the payload.
        ("/3", "02 00 C1 09 57", PAST_CONTAINER, 2),
        ("/3/0/6", "82 06 41 00 01", PAST_CONTAINER, 2),
        ("/3/0", "84 06 41 00 01 41 01 05", PAST_CONTAINER, 5),
        ("/3/0", "85 06 41 00 01 42 01 05", PAST_CONTAINER, 5),
        ("/3/0", "87 06 41 00 01 41 01 05", TRUNCATED, 0),
        ("/3/0", "08 00 04 C1 09 57", TRUNCATED, 0),
        // ID 65535 is reserved.
        ("/3", "20 FF FF 00", ErrorKind::ReservedId, 0),
        ("/3/0", "E1 FF FF 00", ErrorKind::ReservedId, 0),
        ("/3/0", "A3 FF FF 41 00 01", ErrorKind::ReservedId, 0),
        ("/3/0/6", "84 06 61 FF FF 00", ErrorKind::ReservedId, 2),
    ];
    for (path, bytes, kind, at) in cases {
        assert_eq!(
            fails(path, bytes),
            (kind.clone(), Some(*at)),
            "{path} {bytes}"
        );
    }
    // The root cannot be addressed, either way.
    let e = codec::decode(F::Tlv, &Path::ROOT, &hex("C1 09 57"), &spec_types()).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::Unsupported);
    assert!(TlvWriter::new(&Path::ROOT, Vec::new()).is_err());
}

#[test]
fn model_checks_through_the_node_builder() {
    // A single value for a multiple-instance resource and the reverse, located.
    let e = dec("/3/0", &hex("C1 09 01 C1 06 01")).unwrap_err();
    assert_eq!(e.kind_at(), (&ErrorKind::NotSingle, Some(3)));
    assert_eq!(e.path(), Some(p("/3/0/6")));
    let e = dec("/3/0", &hex("83 09 41 00 01")).unwrap_err();
    assert_eq!(e.kind_at(), (&ErrorKind::NotMultiple, Some(0)));
    assert_eq!(e.path(), Some(p("/3/0/9")));
    // No TLV for a resource target.
    let e = dec("/3/0/9", &[]).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::NoValue);
    assert_eq!(e.path(), Some(p("/3/0/9")));
    assert_eq!(events("/3/0/9", &[]).unwrap(), vec![]);
}

#[test]
fn push_parser_events() {
    let t4 = hex("08 00 0E C1 00 06 86 01 41 00 06 41 01 07 C1 02 A3");
    let v = |path: &str, b: &'static [u8]| Event::Value {
        path: p(path),
        value: RawValue::Bytes(b),
        time: None,
    };
    let inner = vec![
        v("/4/0/0", &[6]),
        Event::MultipleResource(p("/4/0/1")),
        v("/4/0/1/0", &[6]),
        v("/4/0/1/1", &[7]),
        v("/4/0/2", &[0xA3]),
    ];
    let mut want = vec![Event::Instance(p("/4/0"))];
    want.extend(inner.clone());
    assert_eq!(events("/4", &t4).unwrap(), want);
    // The wrapper at an instance path, bare resources at an object path: the same events.
    assert_eq!(events("/4/0", &t4).unwrap(), want);
    assert_eq!(events("/4", &t4[3..]).unwrap(), want);
    // Bare resources at an instance path: no instance event.
    assert_eq!(events("/4/0", &t4[3..]).unwrap(), inner);
    assert_eq!(
        events("/3/0/6", &hex("80 06")).unwrap(),
        vec![Event::MultipleResource(p("/3/0/6"))]
    );
    assert_eq!(
        events("/3/0/6/1", &hex("41 01 05")).unwrap(),
        vec![v("/3/0/6/1", &[5])]
    );
    // A sink's error stops the parser, located at the TLV the event came from.
    struct Refuse;
    impl<'a> codec::Sink<'a> for Refuse {
        fn value(&mut self, path: Path, _: &RawValue<'a>, _: Option<f64>) -> Result<(), Error> {
            match path.resource_id() {
                Some(2) => Err(Error::at_path(path, ErrorKind::NotWritable)),
                _ => Ok(()),
            }
        }
    }
    let e = tlv::decode(&p("/4"), &t4, &mut Refuse).unwrap_err();
    assert_eq!(e.kind_at(), (&ErrorKind::NotWritable, Some(14)));
    assert_eq!(e.format(), Some(F::Tlv));
}

/// Hand-made hostile payloads at an instance path: the parser's verdict (the number of
/// events, or the error) for each.
#[test]
fn hostile_payloads_at_an_instance_path() {
    use ErrorKind::*;
    let ok = |n: usize| Ok::<usize, (ErrorKind, usize)>(n);
    let no = |k: ErrorKind, at: usize| Err::<usize, _>((k, at));
    let cases = [
        ("", ok(0)),
        ("00", no(Truncated, 0)),
        ("C1", no(Truncated, 0)),
        ("C1 09", no(Truncated, 0)),
        ("C8 09", no(Truncated, 0)),
        ("C8 09 05 01", no(Truncated, 0)),
        ("08 00 00", ok(1)),
        ("08 01 00", no(IdMismatch, 0)),
        ("08 00 03 C1 09 57", ok(2)),
        ("08 00 03 C1 09 57 C1 0A 01", no(Misplaced, 0)),
        ("08 00 04 C1 09 57", no(Truncated, 0)),
        ("08 00 02 C1 09 57", no(Misplaced, 0)),
        ("C1 0A 57 C1 09 58 C1 0B 01", ok(3)),
        ("86 06 41 01 01 41 00 05", ok(3)),
        ("85 06 41 00 01 41 01 05", no(PAST_CONTAINER, 5)),
        ("84 06 C1 00 01", no(Truncated, 0)),
        ("84 06 01 00 01", no(Truncated, 0)),
        ("C1 09 57 00", no(Truncated, 3)),
        ("C1 09 57 C1 0A 01", ok(2)),
        ("86 06 41 00 01 41 01 05 C1 09 57", ok(4)),
        ("61 00 01", no(Truncated, 0)),
        ("61 00 01 61 01 02", no(Misplaced, 0)),
        ("C1 00 01 C1 01 02 C1 02 03", ok(3)),
        ("FF", no(Truncated, 0)),
        ("3F FF FF FF FF FF FF", no(Truncated, 0)),
    ];
    for (bytes, want) in cases {
        let got = events("/3/0", &hex(bytes))
            .map(|e| e.len())
            .map_err(|e| (e.kind().clone(), e.offset().unwrap()));
        assert_eq!(got, want, "{bytes}");
    }
    // Paths holding ID 65535 (built without checks) meet TLVs of that ID.
    let p65535 = Path::resource(3, 0, 65535);
    let (a, b) = (hex("E1 FF FF 01"), hex("28 FF FF 00"));
    let mut ev = Vec::new();
    tlv::decode(&p65535, &a, &mut ev).unwrap();
    assert_eq!(ev.len(), 1);
    tlv::decode(&Path::instance(3, 65535), &b, &mut ev).unwrap();
    assert_eq!(ev[1], Event::Instance(Path::instance(3, 65535)));
}

/// Large generated payloads: thousands of IDs in descending order at every level, with
/// and without a duplicate at the end, and many empty instances.
#[test]
fn large_generated_payloads() {
    // 50 000 resources, descending 16-bit IDs.
    let mut bytes = Vec::new();
    for id in (0..50_000u16).rev() {
        bytes.extend_from_slice(&[0xE1, (id >> 8) as u8, id as u8, 1]);
    }
    let node = codec::decode(F::Tlv, &p("/77/0"), &bytes, &NoModel).unwrap();
    let Node::Instance(i) = &node else { panic!() };
    assert_eq!(i.resources.len(), 50_000);
    let at = bytes.len();
    bytes.extend_from_slice(&[0xE1, 0x30, 0x39, 1]);
    let e = events("/77/0", &bytes).unwrap_err();
    assert_eq!(e.kind_at(), (&DUPLICATE, Some(at)));
    // 60 000 resource instances of one resource, descending.
    let mut content = Vec::new();
    for id in (0..60_000u16).rev() {
        content.extend_from_slice(&[0x61, (id >> 8) as u8, id as u8, 9]);
    }
    let mut multi = vec![0x98, 6];
    multi.extend_from_slice(&(content.len() as u32).to_be_bytes()[1..]);
    multi.extend_from_slice(&content);
    let ev = events("/3/0/6", &multi).unwrap();
    assert_eq!(ev.len(), 60_001);
    // 60 000 empty object instances, descending, then the first again.
    let mut object = Vec::new();
    for id in (0..60_000u16).rev() {
        object.extend_from_slice(&[0x20, (id >> 8) as u8, id as u8]);
    }
    let node = codec::decode(F::Tlv, &p("/77"), &object, &NoModel).unwrap();
    let Node::Object(o) = &node else { panic!() };
    assert_eq!(o.instances.len(), 60_000);
    object.extend_from_slice(&[0x20, 0xEA, 0x5F]);
    let e = events("/77", &object).unwrap_err();
    assert_eq!(e.kind_at(), (&DUPLICATE, Some(180_000)));
    // Instances each holding two resources out of order (a small set per level).
    let mut hostile = Vec::new();
    for id in 0..20_000u16 {
        hostile.extend_from_slice(&[0x24, (id >> 8) as u8, id as u8, 0xC0, 1, 0xC0, 0]);
    }
    assert_eq!(events("/77", &hostile).unwrap().len(), 60_000);
    // Hostile 24-bit lengths with a few bytes present fail at once.
    for h in [
        "F8 00 09 FF FF FF 00",
        "18 00 FF FF FF",
        "98 06 FF FF FF 41 00 01",
    ] {
        assert_eq!(fails("/3/0", h), (TRUNCATED, Some(0)), "{h}");
        assert_eq!(fails("/3", h), (TRUNCATED, Some(0)), "{h}");
    }
}

// ---- the writer ----

#[test]
fn writer_sequences() {
    // The Device's Available Power Sources and Power Source Voltage at /3/0: a Multiple
    // Resource TLV of 6 bytes (inline length) and one of 8 (a length byte of its own).
    let mut w = TlvWriter::new(&p("/3/0"), Vec::new()).unwrap();
    for (r, items) in [(6, [1, 5]), (7, [3800, 5000])] {
        w.begin_multiple(r, 2).unwrap();
        for (k, v) in items.into_iter().enumerate() {
            w.value(k as u16, ValueRef::Integer(v)).unwrap();
        }
        w.end_multiple().unwrap();
    }
    assert_eq!(
        to_hex(&w.finish().unwrap()),
        "86 06 41 00 01 41 01 05 88 07 08 42 00 0E D8 42 01 13 88"
    );
    // One byte short: the content of resource 7 fits under the guessed header, its length
    // byte does not.
    let write = |room: usize| {
        let mut buf = vec![0u8; room];
        let mut w = TlvWriter::new(&p("/3/0"), SliceOutput::new(&mut buf))?;
        w.begin_multiple(7, 2)?;
        w.value(0, ValueRef::Integer(3800))?;
        w.value(1, ValueRef::Integer(5000))?;
        w.end_multiple()?;
        w.finish().map(|o| o.into_bytes().to_vec())
    };
    let e = write(10).unwrap_err();
    assert_eq!(e.kind_at(), (&ErrorKind::BufferFull, Some(10)));
    assert_eq!(e.format(), Some(F::Tlv));
    assert_eq!(write(11).unwrap().len(), 11);
    // Announced counts larger than the content: the header shrinks when it closes.
    let mut w = TlvWriter::new(&p("/3/0/6"), Vec::new()).unwrap();
    w.begin_multiple(6, 1000).unwrap();
    w.value(0, ValueRef::Integer(1)).unwrap();
    w.end_multiple().unwrap();
    assert_eq!(to_hex(&w.finish().unwrap()), "83 06 41 00 01");
}

#[test]
fn writer_misuse() {
    type Script<'s> = dyn Fn(&mut TlvWriter<Vec<u8>>) -> Result<(), Error> + 's;
    let misuse = |path: &str, script: &Script<'_>| {
        let mut w = TlvWriter::new(&p(path), Vec::new()).unwrap();
        let e = script(&mut w)
            .and_then(|()| w.finish().map(drop))
            .unwrap_err();
        assert_eq!(e.kind(), &ErrorKind::WriterMisuse, "{path}");
        assert_eq!(e.format(), Some(F::Tlv));
        e.offset()
    };
    let one = ValueRef::Integer(1);
    // A value at an object path needs an instance; instances only there, and not nested.
    assert_eq!(misuse("/3", &|w| w.value(9, one)), Some(0));
    assert_eq!(misuse("/3/0", &|w| w.begin_instance(0)), Some(0));
    assert_eq!(
        misuse("/3", &|w| {
            w.begin_instance(0)?;
            w.begin_instance(1)
        }),
        Some(2)
    );
    // A second value for a single target, a multiple resource at a resource instance.
    assert_eq!(
        misuse("/3/0/9", &|w| {
            w.value(9, one)?;
            w.value(9, one)
        }),
        Some(3)
    );
    assert_eq!(
        misuse("/3/0/6", &|w| {
            w.begin_multiple(6, 0)?;
            w.end_multiple()?;
            w.begin_multiple(6, 0)
        }),
        Some(2)
    );
    assert_eq!(misuse("/3/0/6/0", &|w| w.begin_multiple(6, 0)), Some(0));
    // Multiple resources do not nest; ends must match their beginnings.
    assert_eq!(
        misuse("/3/0", &|w| {
            w.begin_multiple(6, 0)?;
            w.begin_multiple(7, 0)
        }),
        Some(2)
    );
    assert_eq!(misuse("/3/0", &|w| w.end_multiple()), Some(0));
    assert_eq!(
        misuse("/3", &|w| {
            w.begin_instance(0)?;
            w.end_multiple()
        }),
        Some(2)
    );
    // A container left open.
    assert_eq!(misuse("/3/0", &|w| w.begin_multiple(6, 2)), Some(2));
    // Targets the encoders refuse: a node at another path.
    let e = enc("/3", &device()).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::WrongTarget);
}

// ---- properties ----

/// An object model of object `id` built from a type table (lookups through
/// `TypeLookup::object_model`).
fn model_of(types: &Types, id: u16) -> ucifi_runtime::ObjectModel {
    use std::borrow::Cow;
    let mut res: Vec<ucifi_runtime::ResourceModel> = types
        .0
        .iter()
        .filter(|((o, _), _)| *o == id)
        .map(|((_, r), (t, m))| ucifi_runtime::ResourceModel {
            id: *r,
            name: Cow::Borrowed(""),
            operations: ucifi_runtime::Operations::RW,
            multiple: *m,
            mandatory: false,
            data_type: *t,
            range: Cow::Borrowed(""),
            units: Cow::Borrowed(""),
            values: Cow::Borrowed(&[]),
        })
        .collect();
    res.sort_by_key(|r| r.id);
    ucifi_runtime::ObjectModel {
        id,
        name: Cow::Borrowed("test"),
        urn: Cow::Owned(format!("urn:oma:lwm2m:x:{id}")),
        version: ucifi_runtime::Version::V1_0,
        lwm2m_version: ucifi_runtime::Version::V1_0,
        multiple: true,
        mandatory: false,
        resources: Cow::Owned(res),
    }
}

/// A value of `t`, any bits for floats.
fn value_of(t: DataType) -> BoxedStrategy<Value> {
    match t {
        DataType::String => ".{0,24}".prop_map(Value::String).boxed(),
        DataType::Integer | DataType::None => prop_oneof![any::<i64>(), -300i64..300]
            .prop_map(Value::Integer)
            .boxed(),
        DataType::UnsignedInteger => prop_oneof![any::<u64>(), 0u64..70000]
            .prop_map(Value::UnsignedInteger)
            .boxed(),
        DataType::Float => prop_oneof![
            any::<u64>().prop_map(f64::from_bits),
            any::<u32>().prop_map(|b| f32::from_bits(b) as f64),
        ]
        .prop_map(Value::Float)
        .boxed(),
        DataType::Boolean => any::<bool>().prop_map(Value::Boolean).boxed(),
        DataType::Opaque => prop::collection::vec(any::<u8>(), 0..300)
            .prop_map(Value::Opaque)
            .boxed(),
        DataType::Time => any::<i64>().prop_map(|t| Value::Time(Time(t))).boxed(),
        DataType::Objlnk => (any::<u16>(), any::<u16>())
            .prop_map(|(o, i)| Value::Objlnk(ObjectLink::new(o, i)))
            .boxed(),
        DataType::Corelnk => "[ -~]{0,12}"
            .prop_map(|s| Value::Corelnk(ucifi_runtime::CoreLink(s)))
            .boxed(),
    }
}

/// An instance of up to 40 resources of every type (no executables), its type table,
/// multiple resources of up to 12 instances, IDs dense or sparse (16-bit).
fn instance() -> impl Strategy<Value = (Types, InstanceNode)> {
    let types: Vec<DataType> = DataType::ALL
        .into_iter()
        .filter(|t| *t != DataType::None)
        .collect();
    let resource = (
        prop_oneof![4 => 0u16..48, 1 => 200u16..60000],
        prop::sample::select(types),
        any::<bool>(),
    )
        .prop_flat_map(|(id, t, m)| {
            let value = if m {
                prop::collection::btree_map(prop_oneof![0u16..12, 0u16..65535], value_of(t), 0..12)
                    .prop_map(|ris| {
                        ResourceValue::Multiple(
                            ris.into_iter()
                                .map(|(id, value)| ResourceInstanceNode { id, value })
                                .collect(),
                        )
                    })
                    .boxed()
            } else {
                value_of(t).prop_map(ResourceValue::Single).boxed()
            };
            (
                Just((t, m)),
                value.prop_map(move |value| ResourceNode { id, value }),
            )
        });
    (0u16..65535, prop::collection::vec(resource, 0..40)).prop_map(|(iid, rs)| {
        let mut by_id = BTreeMap::new();
        let mut types = Types::default();
        for ((t, m), r) in rs {
            if let std::collections::btree_map::Entry::Vacant(e) = by_id.entry(r.id) {
                types = types.with(77, r.id, t, m);
                e.insert(r);
            }
        }
        (
            types,
            InstanceNode {
                id: iid,
                resources: by_id.into_values().collect(),
            },
        )
    })
}

/// Nodes compared with floats by bits (NaN equals itself).
fn key(n: &Node) -> String {
    format!("{n:?}")
}

/// Byte edits: (where, byte, 0 replace / 1 insert / 2 delete).
fn edits() -> impl Strategy<Value = Vec<(prop::sample::Index, u8, u8)>> {
    prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..5)
}

fn mutate(bytes: &mut Vec<u8>, edits: &[(prop::sample::Index, u8, u8)]) {
    for (ix, b, op) in edits {
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
}

/// Every way of decoding `bytes` at `path`: never a panic; errors located inside the
/// payload; events inside the path.
fn decode_any(types: &Types, path: &Path, bytes: &[u8]) -> Result<(), TestCaseError> {
    let model = model_of(types, 77);
    for t in [types as &dyn TypeLookup, &model, &NoModel] {
        if let Err(e) = codec::decode(F::Tlv, path, bytes, t) {
            prop_assert!(e.offset().is_none_or(|o| o <= bytes.len()), "{e}");
        }
    }
    let mut ev = Vec::new();
    match tlv::decode(path, bytes, &mut ev) {
        Ok(()) => prop_assert!(
            ev.iter()
                .all(|e| path.contains(&e.path()) || e.path().len() == 2)
        ),
        Err(e) => prop_assert!(e.offset().is_some_and(|o| o <= bytes.len()), "{e}"),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn instances_round_trip_at_every_level((types, inst) in instance()) {
        let model = model_of(&types, 77);
        let path = Path::instance(77, inst.id);
        let node = Node::Instance(inst.clone());
        let bytes = codec::encode(F::Tlv, &path, &node).unwrap();
        for t in [&types as &dyn TypeLookup, &model] {
            prop_assert_eq!(key(&codec::decode(F::Tlv, &path, &bytes, t).unwrap()), key(&node));
        }
        // Re-encoding what was decoded gives the same bytes.
        let back = codec::decode(F::Tlv, &path, &bytes, &types).unwrap();
        prop_assert_eq!(codec::encode(F::Tlv, &path, &back).unwrap(), bytes.clone());
        // The same instance wrapped at the object path, and at the instance path.
        let object = Node::Object(ObjectNode { id: 77, instances: vec![inst.clone()] });
        let wrapped = codec::encode(F::Tlv, &Path::object(77), &object).unwrap();
        prop_assert_eq!(
            key(&codec::decode(F::Tlv, &Path::object(77), &wrapped, &types).unwrap()),
            key(&object)
        );
        prop_assert_eq!(
            key(&codec::decode(F::Tlv, &path, &wrapped, &types).unwrap()),
            key(&node)
        );
        // Each resource alone at its path.
        for r in &inst.resources {
            let rp = Path::resource(77, inst.id, r.id);
            let one = Node::Resource(r.clone());
            let bytes = codec::encode(F::Tlv, &rp, &one).unwrap();
            prop_assert_eq!(key(&codec::decode(F::Tlv, &rp, &bytes, &types).unwrap()), key(&one));
        }
    }

    #[test]
    fn fixed_buffers_give_the_same_bytes_or_buffer_full(
        (_types, inst) in instance(),
        room in 0usize..2000,
    ) {
        let path = Path::instance(77, inst.id);
        let node = Node::Instance(inst);
        let want = codec::encode(F::Tlv, &path, &node).unwrap();
        let mut buf = vec![0u8; room];
        match codec::encode_into(F::Tlv, &path, &node, &mut buf) {
            Ok(n) => prop_assert_eq!(&buf[..n], &want[..]),
            Err(e) => {
                prop_assert!(room < want.len());
                prop_assert_eq!(e.kind(), &ErrorKind::BufferFull);
                prop_assert!(e.offset().is_some_and(|o| o <= room));
            }
        }
    }

    #[test]
    fn mutated_encodings_never_panic(
        (types, inst) in instance(),
        edits in edits(),
        level in 1usize..5,
    ) {
        let path = Path::instance(77, inst.id);
        let mut bytes = codec::encode(F::Tlv, &path, &Node::Instance(inst.clone())).unwrap();
        mutate(&mut bytes, &edits);
        let first = inst.resources.first().map_or(0, |r| r.id);
        let at = Path::from_ids(&[77, inst.id, first, 0][..level]).unwrap();
        decode_any(&types, &at, &bytes)?;
    }

    #[test]
    fn random_bytes_never_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..96),
        level in 1usize..5,
    ) {
        let path = Path::from_ids(&[77, 0, 6, 1][..level]).unwrap();
        let types = Types::default()
            .with(77, 6, DataType::Integer, true)
            .with(77, 9, DataType::String, false);
        decode_any(&types, &path, &bytes)?;
    }
}
