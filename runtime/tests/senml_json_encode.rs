//! SenML JSON encoding: the direct node encoder (`senml_json::encode` of an instance or
//! an object), the streaming writer (`SenmlJsonWriter`, what generated code drives) and
//! the record encoder (`encode_records`) give the same bytes and the same errors for the
//! same data; number and string formatting against `std`.

use proptest::prelude::*;
use ucifi_runtime::codec::senml::Record;
use ucifi_runtime::codec::senml_json::{self, SenmlJsonError, SenmlJsonWriter};
use ucifi_runtime::codec::{self, ValueRef, Writer};
use ucifi_runtime::{
    ContentFormat, CoreLink, InstanceNode, Node, ObjectLink, ObjectNode, Path,
    ResourceInstanceNode, ResourceNode, ResourceValue, Time, Value,
};

/// Integers around every power of ten and the extremes.
fn edge_int() -> impl Strategy<Value = i64> {
    (0u32..19, -2i64..=2, any::<bool>()).prop_map(|(k, d, neg)| {
        let v = 10i64.pow(k).saturating_add(d);
        if neg { -v } else { v }
    })
}

fn text() -> BoxedStrategy<String> {
    prop_oneof![
        "[a-zA-Z0-9 .:+-]{0,12}",
        "[a-zA-Z0-9 .:+/-]{8,80}",
        "[ -~]{0,70}",
        "[a-z\"\\\\\u{0}-\u{1f}\u{7f}é€😀]{0,20}",
        any::<String>(),
        "[a-z]{60,300}",
        "[a-z]{0,300}\"",
    ]
    .boxed()
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        3 => text().prop_map(Value::String),
        2 => edge_int().prop_map(Value::Integer),
        1 => any::<i64>().prop_map(Value::Integer),
        1 => (0i64..100_000).prop_map(Value::Integer),
        1 => any::<u64>().prop_map(Value::UnsignedInteger),
        1 => edge_int().prop_map(|v| Value::UnsignedInteger(v.unsigned_abs())),
        1 => any::<f64>().prop_map(Value::Float),
        1 => (-1_000_000i64..1_000_000, 0u32..6)
            .prop_map(|(m, k)| Value::Float(m as f64 / 10f64.powi(k as i32))),
        1 => any::<bool>().prop_map(Value::Boolean),
        1 => prop::collection::vec(any::<u8>(), 0..70).prop_map(Value::Opaque),
        1 => prop_oneof![edge_int(), any::<i64>()].prop_map(|t| Value::Time(Time(t))),
        1 => (id(), id()).prop_map(|(o, i)| Value::Objlnk(ObjectLink::new(o, i))),
        1 => text().prop_map(|c| Value::Corelnk(CoreLink(c))),
    ]
}

/// Floats of every kind: any bits, short decimals, their neighbours a few ulps away,
/// powers of two and their neighbours, halfway cases.
fn float() -> impl Strategy<Value = f64> {
    let nudge = |v: f64, d: i64| f64::from_bits((v.to_bits() as i64).wrapping_add(d) as u64);
    prop_oneof![
        any::<f64>(),
        (any::<i64>(), 0u32..20)
            .prop_map(|(m, k)| (m % 10_000_000_000) as f64 / 10f64.powi(k as i32)),
        (-1_000_000i64..1_000_000, 0u32..8, -3i64..=3)
            .prop_map(move |(m, k, d)| nudge(m as f64 / 10f64.powi(k as i32), d)),
        (-1074i32..1024, -2i64..=2, any::<bool>()).prop_map(move |(e, d, neg)| {
            let v = nudge(2f64.powi(e), d);
            if neg { -v } else { v }
        }),
        (0u64..1 << 20, 1i32..60).prop_map(|(n, e)| (n as f64 + 0.25) * 2f64.powi(e - 20)),
    ]
}

/// Mostly small IDs, sometimes any (65535 is invalid).
fn id() -> impl Strategy<Value = u16> {
    prop_oneof![6 => 0u16..12, 2 => 0u16..10_000, 1 => any::<u16>(), 1 => Just(u16::MAX)]
}

fn resource() -> impl Strategy<Value = ResourceNode> {
    (
        id(),
        prop_oneof![
            2 => value().prop_map(ResourceValue::Single),
            1 => prop::collection::vec((id(), value()), 0..5).prop_map(|l| {
                ResourceValue::Multiple(
                    l.into_iter()
                        .map(|(id, value)| ResourceInstanceNode { id, value })
                        .collect(),
                )
            }),
        ],
    )
        .prop_map(|(id, value)| ResourceNode { id, value })
}

fn instance() -> impl Strategy<Value = InstanceNode> {
    (
        prop_oneof![3 => 0u16..3, 1 => id()],
        prop::collection::vec(resource(), 0..14),
    )
        .prop_map(|(id, resources)| InstanceNode { id, resources })
}

/// An instance or an object node (several instances, possibly repeated IDs) with its
/// path.
fn target() -> impl Strategy<Value = (Path, Node)> {
    prop_oneof![
        (id(), instance()).prop_map(|(o, i)| (Path::instance(o, i.id), Node::Instance(i))),
        (id(), prop::collection::vec(instance(), 0..4)).prop_map(|(o, instances)| (
            Path::object(o),
            Node::Object(ObjectNode { id: o, instances })
        )),
    ]
}

/// Bytes or (offset, reason).
fn show(r: Result<Vec<u8>, SenmlJsonError>) -> Result<String, (usize, String)> {
    r.map(|b| String::from_utf8(b).expect("JSON is UTF-8"))
        .map_err(|e| (e.offset, e.reason.to_string()))
}

/// The node through the streaming writer.
fn via_writer(path: &Path, node: &Node) -> Result<Vec<u8>, SenmlJsonError> {
    let mut w = SenmlJsonWriter::new(*path);
    codec::encode_node(node, &mut w)?;
    w.finish()
}

/// The leaves of `node` as records.
fn leaves(path: &Path, node: &Node) -> Vec<Record> {
    let mut out = Vec::new();
    node.for_each_leaf(path, |p, v| out.push(Record::new(p, v.clone())));
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// The direct encoder and the writer agree, bytes and errors; with valid IDs and
    /// values the payload is the record encoder's and parses as JSON.
    #[test]
    fn direct_equals_writer_and_records((path, node) in target()) {
        let direct = show(senml_json::encode(&path, &node));
        let writer = show(via_writer(&path, &node));
        prop_assert_eq!(&direct, &writer);
        let generic = codec::encode(ContentFormat::SenmlJson, &path, &node);
        prop_assert_eq!(generic.ok(), direct.clone().ok().map(String::into_bytes));
        let recs = leaves(&path, &node);
        let one_path = recs.iter().all(|r| r.path == recs[0].path);
        if ids_valid(&node) && recs.len() >= 2 && !one_path {
            let want = show(senml_json::encode_records(&recs));
            prop_assert_eq!(&direct, &want);
        }
        if let Ok(text) = &direct {
            let parsed: serde_json::Value = serde_json::from_str(text).expect("valid JSON");
            prop_assert!(parsed.is_array());
        }
    }

    /// Values handed to the writer one by one (as generated code does, constant or not;
    /// resource instances through `value` or `instance_value`, with the right resource ID
    /// or another) give the direct encoder's bytes.
    #[test]
    fn writer_values_equal_direct(
        (o, instances) in (0u16..10_000, prop::collection::vec(instance(), 1..3)),
        object in any::<bool>(),
        how in 0u8..3,
    ) {
        let (path, node) = if object {
            (Path::object(o), Node::Object(ObjectNode { id: o, instances: instances.clone() }))
        } else {
            (Path::instance(o, instances[0].id), Node::Instance(instances[0].clone()))
        };
        let mut w = SenmlJsonWriter::with_capacity(path, 16);
        let resources = |w: &mut SenmlJsonWriter, inst: &InstanceNode| {
            inst.resources.iter().try_for_each(|r| match &r.value {
                ResourceValue::Single(v) => w.value(r.id, v.as_value_ref()),
                ResourceValue::Multiple(l) => {
                    w.begin_multiple(r.id, l.len())?;
                    for ri in l {
                        let v = ri.value.as_value_ref();
                        match how {
                            0 => w.value(ri.id, v)?,
                            1 => w.instance_value(r.id, ri.id, v)?,
                            _ => w.instance_value(r.id.wrapping_add(1), ri.id, v)?,
                        }
                    }
                    w.end_multiple()
                }
            })
        };
        let res = if object {
            instances.iter().try_for_each(|i| {
                w.begin_instance(i.id)?;
                resources(&mut w, i)?;
                w.end_instance()
            })
        } else {
            resources(&mut w, &instances[0])
        };
        let got = show(res.and_then(|()| w.finish()));
        prop_assert_eq!(got, show(senml_json::encode(&path, &node)));
    }

    /// Integers as `std` formats them.
    #[test]
    fn integers(v in prop_oneof![edge_int(), any::<i64>()], u in any::<u64>()) {
        let path = Path::instance(1, 0);
        let mut w = SenmlJsonWriter::new(path);
        w.value(0, ValueRef::Integer(v)).unwrap();
        w.value(1, ValueRef::UnsignedInteger(u)).unwrap();
        w.value(2, ValueRef::Time(Time(v))).unwrap();
        let got = String::from_utf8(w.finish().unwrap()).unwrap();
        prop_assert_eq!(
            got,
            format!(r#"[{{"bn":"/1/0/","n":"0","v":{v}}},{{"n":"1","v":{u}}},{{"n":"2","v":{v}}}]"#)
        );
    }

    /// Floats as `{:?}` formats them (the shortest decimal that reads back as the same
    /// number), through the record window and through the record encoder.
    #[test]
    fn floats(v in float()) {
        prop_assume!(v.is_finite());
        let path = Path::instance(1, 0);
        let mut w = SenmlJsonWriter::new(path);
        w.value(0, ValueRef::Float(v)).unwrap();
        let got = String::from_utf8(w.finish().unwrap()).unwrap();
        prop_assert_eq!(got, format!(r#"[{{"bn":"/1/0/","n":"0","v":{v:?}}}]"#));
        let recs = [Record::new(Path::resource(1, 0, 0), Value::Float(v))];
        let got = String::from_utf8(senml_json::encode_records(&recs).unwrap()).unwrap();
        prop_assert_eq!(got, format!(r#"[{{"bn":"/1/0/0","v":{v:?}}}]"#));
    }

    /// Strings as `serde_json` escapes them (it escapes the same characters, `\u00XX`
    /// in lower case), IDs as `std` formats them.
    #[test]
    fn strings_and_ids(s in text(), r in 0u16..u16::MAX, ri in 0u16..u16::MAX) {
        let path = Path::instance(7, 3);
        let mut w = SenmlJsonWriter::new(path);
        w.value(r, ValueRef::String(&s)).unwrap();
        w.begin_multiple(r, 1).unwrap();
        w.value(ri, ValueRef::Corelnk(&s)).unwrap();
        w.end_multiple().unwrap();
        let got = String::from_utf8(w.finish().unwrap()).unwrap();
        let q = serde_json::to_string(&s).unwrap();
        prop_assert_eq!(
            got,
            format!(r#"[{{"bn":"/7/3/","n":"{r}","vs":{q}}},{{"n":"{r}/{ri}","vs":{q}}}]"#)
        );
    }
}

/// Whether no ID in `node` is 65535 (the encoders refuse it).
fn ids_valid(node: &Node) -> bool {
    let ok = |i: &InstanceNode| {
        i.resources.iter().all(|r| {
            r.id != u16::MAX
                && match &r.value {
                    ResourceValue::Single(_) => true,
                    ResourceValue::Multiple(l) => l.iter().all(|ri| ri.id != u16::MAX),
                }
        })
    };
    match node {
        Node::Object(o) => o.instances.iter().all(|i| i.id != u16::MAX && ok(i)),
        Node::Instance(i) => ok(i),
        _ => true,
    }
}

/// The reference Device: pinned bytes through all three paths.
#[test]
fn reference_device() {
    let s = |t: &str| Value::String(t.into());
    let single = |id, v| ResourceNode {
        id,
        value: ResourceValue::Single(v),
    };
    let multi = |id, l: &[(u16, i64)]| ResourceNode {
        id,
        value: ResourceValue::Multiple(
            l.iter()
                .map(|&(id, v)| ResourceInstanceNode {
                    id,
                    value: Value::Integer(v),
                })
                .collect(),
        ),
    };
    let inst = InstanceNode {
        id: 0,
        resources: vec![
            single(0, s("Open Mobile Alliance")),
            single(1, s("Lightweight M2M Client")),
            single(2, s("345000123")),
            single(3, s("1.0")),
            multi(6, &[(0, 1), (1, 5)]),
            multi(7, &[(0, 3800), (1, 5000)]),
            multi(8, &[(0, 125), (1, 900)]),
            single(9, Value::Integer(100)),
            single(10, Value::Integer(15)),
            multi(11, &[(0, 0)]),
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
    let path = Path::instance(3, 0);
    let node = Node::Instance(inst.clone());
    assert_eq!(senml_json::encode(&path, &node).unwrap(), want.as_bytes());
    assert_eq!(via_writer(&path, &node).unwrap(), want.as_bytes());
    let obj = Node::Object(ObjectNode {
        id: 3,
        instances: vec![inst.clone(), InstanceNode { id: 1, ..inst }],
    });
    let two = senml_json::encode(&Path::object(3), &obj).unwrap();
    let text = String::from_utf8(two).unwrap();
    assert_eq!(text.matches(r#""bn":"/3/0/""#).count(), 1);
    assert_eq!(text.matches(r#""bn":"/3/1/""#).count(), 1);
    assert_eq!(text.len(), 2 * 416 - 1);
    assert_eq!(via_writer(&Path::object(3), &obj).unwrap(), text.as_bytes());
}

/// Errors: where and why, the same through both paths.
#[test]
fn errors() {
    let node = |value| {
        Node::Instance(InstanceNode {
            id: 0,
            resources: vec![
                ResourceNode {
                    id: 1,
                    value: ResourceValue::Single(Value::Integer(1)),
                },
                ResourceNode { id: 2, value },
            ],
        })
    };
    let path = Path::instance(5, 0);
    for (value, reason) in [
        (
            ResourceValue::Single(Value::Float(f64::NAN)),
            "JSON cannot carry NaN or infinite numbers",
        ),
        (
            ResourceValue::Multiple(vec![ResourceInstanceNode {
                id: u16::MAX,
                value: Value::Boolean(true),
            }]),
            "invalid ID 65535",
        ),
    ] {
        let n = node(value);
        let e = senml_json::encode(&path, &n).unwrap_err();
        assert_eq!((e.offset, &*e.reason), (29, reason));
        let w = via_writer(&path, &n).unwrap_err();
        assert_eq!((w.offset, w.reason), (e.offset, e.reason));
    }
}
