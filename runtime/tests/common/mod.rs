//! Shared helpers of the runtime's integration tests.
#![allow(dead_code)]

use std::collections::HashMap;

use ucifi_runtime::codec::TypeLookup;
use ucifi_runtime::{
    DataType, InstanceNode, Node, ObjectLink, ResourceInstanceNode, ResourceNode, ResourceValue,
    Time, Value,
};

/// Hex text (spaces ignored) to bytes.
pub fn hex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    assert!(digits.len().is_multiple_of(2), "odd hex {s:?}");
    digits
        .chunks(2)
        .map(|c| u8::from_str_radix(std::str::from_utf8(c).unwrap(), 16).unwrap())
        .collect()
}

/// Bytes to spaced upper-case hex, for messages.
pub fn to_hex(b: &[u8]) -> String {
    b.iter()
        .map(|x| format!("{x:02X}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A path from its text.
pub fn p(s: &str) -> ucifi_runtime::Path {
    s.parse().unwrap()
}

/// A type table: (object, resource) → (type, multiple).
#[derive(Clone, Debug, Default)]
pub struct Types(pub HashMap<(u16, u16), (DataType, bool)>);

impl Types {
    pub fn with(mut self, o: u16, r: u16, t: DataType, multiple: bool) -> Self {
        self.0.insert((o, r), (t, multiple));
        self
    }
}

impl TypeLookup for Types {
    fn resource_type(&self, object: u16, resource: u16) -> Option<(DataType, bool)> {
        self.0.get(&(object, resource)).copied()
    }
}

/// Types of the objects the spec's examples use: Device (3), Connectivity Monitoring (4),
/// Temperature (3303), the lamp controller (3416) and a test object 9999.
pub fn spec_types() -> Types {
    use DataType::*;
    let mut t = Types::default();
    for (r, ty, m) in [
        (0, String, false),
        (1, String, false),
        (2, String, false),
        (3, String, false),
        (4, None, false),
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
        (22, Objlnk, true),
    ] {
        t = t.with(3, r, ty, m);
    }
    t = t
        .with(4, 0, Integer, false)
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
        .with(9999, 300, Integer, false)
        .with(9999, 310, Integer, true);
    for (r, ty, m) in lamp_types() {
        t = t.with(3416, r, ty, m);
    }
    t
}

/// Resource types of Outdoor lamp controller (3416) v2.0 used by the lamp instance.
pub fn lamp_types() -> Vec<(u16, DataType, bool)> {
    use DataType::*;
    vec![
        (1, Integer, false),
        (2, Integer, false),
        (3, Integer, false),
        (4, Integer, false),
        (5, Boolean, false),
        (6, Integer, false),
        (7, Boolean, false),
        (13, Integer, true),
        (15, Float, false),
        (17, Time, false),
        (18, Integer, false),
        (21, Float, false),
        (35, Integer, true),
        (36, Integer, false),
        (44, Float, false),
        (45, Float, false),
        (46, Float, false),
        (47, Float, false),
        (58, String, false),
        (59, String, false),
        (60, String, false),
        (61, String, false),
        (62, Float, false),
        (5518, Time, false),
    ]
}

pub fn single(id: u16, v: Value) -> ResourceNode {
    ResourceNode {
        id,
        value: ResourceValue::Single(v),
    }
}

pub fn multi(id: u16, items: &[(u16, Value)]) -> ResourceNode {
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

pub fn s(v: &str) -> Value {
    Value::String(v.into())
}

pub fn int(v: i64) -> Value {
    Value::Integer(v)
}

/// The reference Device instance /3/0 of the spec.
pub fn device() -> Node {
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

/// A realistic Outdoor lamp controller (3416 v2.0) instance /3416/0.
pub fn lamp() -> Node {
    let f = Value::Float;
    Node::Instance(InstanceNode {
        id: 0,
        resources: vec![
            single(1, int(2)),
            single(2, int(2)),
            single(3, int(80)),
            single(4, int(100)),
            single(5, Value::Boolean(false)),
            single(6, int(0)),
            single(7, Value::Boolean(false)),
            multi(13, &[(0, int(1)), (1, int(4)), (2, int(7))]),
            single(15, f(12873.5)),
            single(17, Value::Time(Time(1_700_000_000))),
            single(18, int(4211)),
            single(21, f(41.25)),
            multi(35, &[(0, int(0)), (1, int(2))]),
            single(36, int(150)),
            single(44, f(229.7)),
            single(45, f(0.652)),
            single(46, f(149.8)),
            single(47, f(1_931_774.25)),
            single(58, s("05412345000013")),
            single(59, s("SN-2023-000417")),
            single(60, s("3.2.1")),
            single(61, s("DALI-2")),
            single(62, f(23.5)),
            single(5518, Value::Time(Time(1_700_003_600))),
        ],
    })
}

pub fn link(o: u16, i: u16) -> Value {
    Value::Objlnk(ObjectLink::new(o, i))
}

/// An [`ObjectModel`](ucifi_runtime::ObjectModel) of object `id` built from a type table,
/// so that tests also go through model-backed lookups ([`TypeLookup::object_model`]).
pub fn model_of(types: &Types, id: u16) -> ucifi_runtime::ObjectModel {
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
