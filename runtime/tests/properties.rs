//! Property tests: random nodes round-trip through every format that can carry them and
//! decode to the same node whichever format carried them; random and mutated bytes never
//! make a decoder panic.

mod common;

use std::collections::BTreeMap;

use common::*;
use proptest::prelude::*;
use ucifi_runtime::codec::{self, Error, ErrorKind, NoModel};
use ucifi_runtime::{
    ContentFormat, CoreLink, DataType, InstanceNode, Node, ObjectLink, ObjectNode, Path,
    ResourceInstanceNode, ResourceNode, ResourceValue, Time, Value,
};

fn data_type() -> impl Strategy<Value = DataType> {
    prop::sample::select(
        DataType::ALL
            .into_iter()
            .filter(|d| *d != DataType::None)
            .collect::<Vec<_>>(),
    )
}

fn finite_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>().prop_filter("finite", |f| f.is_finite()),
        any::<f32>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(f64::from),
        (-2048i32..2048, 0u32..6).prop_map(|(m, e)| m as f64 / (1u32 << e) as f64),
    ]
}

fn value_of(t: DataType) -> BoxedStrategy<Value> {
    match t {
        DataType::String => ".{0,12}".prop_map(Value::String).boxed(),
        DataType::Integer => prop_oneof![any::<i64>(), -300i64..300]
            .prop_map(Value::Integer)
            .boxed(),
        DataType::UnsignedInteger => prop_oneof![any::<u64>(), 0u64..70000]
            .prop_map(Value::UnsignedInteger)
            .boxed(),
        DataType::Float => finite_f64().prop_map(Value::Float).boxed(),
        DataType::Boolean => any::<bool>().prop_map(Value::Boolean).boxed(),
        DataType::Opaque => prop::collection::vec(any::<u8>(), 0..40)
            .prop_map(Value::Opaque)
            .boxed(),
        DataType::Time => any::<i64>().prop_map(|t| Value::Time(Time(t))).boxed(),
        DataType::Objlnk => (any::<u16>(), any::<u16>())
            .prop_map(|(o, i)| Value::Objlnk(ObjectLink::new(o, i)))
            .boxed(),
        DataType::Corelnk => "[ -~]{0,12}"
            .prop_map(|s| Value::Corelnk(CoreLink(s)))
            .boxed(),
        DataType::None => unreachable!(),
    }
}

fn id() -> impl Strategy<Value = u16> {
    prop_oneof![0u16..20, 0u16..65535]
}

/// A schema (resource → type, multiple) and an object following it.
fn object() -> impl Strategy<Value = (Types, ObjectNode)> {
    (
        id(),
        prop::collection::btree_map(id(), (data_type(), any::<bool>()), 1..8),
    )
        .prop_flat_map(|(oid, schema)| {
            let res: Vec<(u16, DataType, bool)> =
                schema.iter().map(|(r, (t, m))| (*r, *t, *m)).collect();
            let resource = prop::sample::select(res.clone()).prop_flat_map(|(rid, t, m)| {
                if m {
                    prop::collection::btree_map(id(), value_of(t), 0..4)
                        .prop_map(move |ris| ResourceNode {
                            id: rid,
                            value: ResourceValue::Multiple(
                                ris.into_iter()
                                    .map(|(id, value)| ResourceInstanceNode { id, value })
                                    .collect(),
                            ),
                        })
                        .boxed()
                } else {
                    value_of(t)
                        .prop_map(move |v| ResourceNode {
                            id: rid,
                            value: ResourceValue::Single(v),
                        })
                        .boxed()
                }
            });
            let instance = (id(), prop::collection::vec(resource, 0..8)).prop_map(|(iid, rs)| {
                let mut by_id = BTreeMap::new();
                for r in rs {
                    by_id.entry(r.id).or_insert(r);
                }
                InstanceNode {
                    id: iid,
                    resources: by_id.into_values().collect(),
                }
            });
            let mut types = Types::default();
            for (r, t, m) in &res {
                types = types.with(oid, *r, *t, *m);
            }
            (
                Just(types),
                prop::collection::vec(instance, 0..4).prop_map(move |is| {
                    let mut by_id = BTreeMap::new();
                    for i in is {
                        by_id.entry(i.id).or_insert(i);
                    }
                    ObjectNode {
                        id: oid,
                        instances: by_id.into_values().collect(),
                    }
                }),
            )
        })
}

/// A node at one of the four levels, cut out of a random object, with its path.
fn target() -> impl Strategy<Value = (Types, Path, Node)> {
    (object(), 0usize..4, any::<prop::sample::Index>()).prop_map(|((types, o), level, ix)| {
        let oid = o.id;
        let inst = (!o.instances.is_empty()).then(|| ix.get(&o.instances).clone());
        let res = inst
            .as_ref()
            .filter(|i| !i.resources.is_empty())
            .map(|i| ix.get(&i.resources).clone());
        let ri = match res.as_ref().map(|r| &r.value) {
            Some(ResourceValue::Multiple(l)) if !l.is_empty() => Some(ix.get(l).clone()),
            _ => None,
        };
        let (iid, rid) = (inst.as_ref().map(|i| i.id), res.as_ref().map(|r| r.id));
        match (level, inst, res, ri) {
            (3, Some(_), Some(_), Some(ri)) => (
                types,
                Path::resource_instance(oid, iid.unwrap(), rid.unwrap(), ri.id),
                Node::ResourceInstance(ri),
            ),
            (2.., Some(_), Some(r), _) => (
                types,
                Path::resource(oid, iid.unwrap(), r.id),
                Node::Resource(r),
            ),
            (1.., Some(i), _, _) => (types, Path::instance(oid, i.id), Node::Instance(i)),
            _ => (types, Path::object(oid), Node::Object(o)),
        }
    })
}

/// Formats that carry no empty containers (flat leaf lists).
fn flat(f: ContentFormat) -> bool {
    matches!(
        f,
        ContentFormat::SenmlJson | ContentFormat::SenmlCbor | ContentFormat::Lwm2mJson
    )
}

/// The node without empty instances and empty multiple resources (what flat formats can
/// carry), canonical.
fn without_empties(n: &Node) -> Node {
    let mut n = n.clone();
    let keep = |r: &ResourceNode| !matches!(&r.value, ResourceValue::Multiple(l) if l.is_empty());
    match &mut n {
        Node::Object(o) => {
            for i in &mut o.instances {
                i.resources.retain(keep);
            }
            o.instances.retain(|i| !i.resources.is_empty());
        }
        Node::Instance(i) => i.resources.retain(keep),
        _ => {}
    }
    n.canonicalize();
    n
}

fn canonical(n: &Node) -> Node {
    let mut n = n.clone();
    n.canonicalize();
    n
}

fn is_unsupported(e: &Error) -> bool {
    e.kind() == &ErrorKind::Unsupported
}

fn carries(f: ContentFormat, node: &Node) -> bool {
    match f {
        ContentFormat::LinkFormat => false,
        ContentFormat::Opaque => matches!(
            node,
            Node::Resource(ResourceNode {
                value: ResourceValue::Single(Value::Opaque(_)),
                ..
            }) | Node::ResourceInstance(ResourceInstanceNode {
                value: Value::Opaque(_),
                ..
            })
        ),
        _ => true,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn every_format_round_trips_to_the_same_node((types, path, node) in target()) {
        let want = canonical(&node);
        let mut carried = 0;
        for f in ContentFormat::ALL {
            if !carries(f, &node) {
                continue;
            }
            let mut leaves = 0;
            node.for_each_leaf(&path, |_, _| leaves += 1);
            if flat(f) && leaves == 0 && path.len() >= 3 {
                // Nothing to carry for a flat format: an empty multiple resource.
                continue;
            }
            let bytes = match codec::encode(f, &path, &node) {
                Ok(b) => b,
                Err(e) if is_unsupported(&e) => continue,
                Err(e) => return Err(TestCaseError::fail(format!("{f} encode {path}: {e}"))),
            };
            let got = codec::decode(f, &path, &bytes, &types)
                .map_err(|e| TestCaseError::fail(format!("{f} decode {path} {}: {e}", to_hex(&bytes))))?;
            let (got, want) = if flat(f) {
                (without_empties(&got), without_empties(&want))
            } else {
                (canonical(&got), want.clone())
            };
            prop_assert_eq!(got, want, "{} at {}", f, path);
            carried += 1;
        }
        // TLV and LwM2M CBOR carry every node.
        prop_assert!(carried >= 2);
    }

    #[test]
    fn model_backed_lookups_decode_the_same((types, path, node) in target()) {
        // Through an ObjectModel and a Registry (TypeLookup::object_model) as through the
        // plain table.
        let oid = path.object_id().unwrap();
        let model = model_of(&types, oid);
        let registry = ucifi_runtime::Registry::from_models([model.clone()]);
        for f in [ContentFormat::Tlv, ContentFormat::Lwm2mCbor, ContentFormat::SenmlCbor] {
            let Ok(bytes) = codec::encode(f, &path, &node) else { continue };
            let want = codec::decode(f, &path, &bytes, &types);
            prop_assert_eq!(&codec::decode(f, &path, &bytes, &model), &want);
            prop_assert_eq!(&codec::decode(f, &path, &bytes, &registry), &want);
        }
    }

    #[test]
    fn slice_and_vec_encoders_agree((_types, path, node) in target(), spare in 0usize..3) {
        for f in ContentFormat::ALL {
            let Ok(v) = codec::encode(f, &path, &node) else { continue };
            let mut buf = vec![0u8; v.len() + spare];
            let n = codec::encode_into(f, &path, &node, &mut buf).unwrap();
            prop_assert_eq!(&buf[..n], &v[..]);
            if !v.is_empty() {
                let mut small = vec![0u8; v.len() - 1];
                let e = codec::encode_into(f, &path, &node, &mut small).unwrap_err();
                prop_assert_eq!(e.kind(), &ErrorKind::BufferFull);
            }
        }
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..64), level in 1usize..5) {
        let path = Path::from_ids(&[3, 0, 6, 1][..level]).unwrap();
        let types = spec_types();
        for f in ContentFormat::ALL {
            let _ = codec::decode(f, &path, &bytes, &types);
            let _ = codec::decode(f, &path, &bytes, &NoModel);
        }
        for f in ContentFormat::ALL {
            let _ = codec::decode_leaves(f, &Path::ROOT, &bytes, &NoModel);
        }
    }

    #[test]
    fn mutated_payloads_never_panic(
        (types, path, node) in target(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..4),
    ) {
        for f in ContentFormat::ALL {
            let Ok(mut bytes) = codec::encode(f, &path, &node) else { continue };
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
            for g in ContentFormat::ALL {
                let _ = codec::decode(g, &path, &bytes, &types);
            }
            for p in [path, path.parent().unwrap_or(path)] {
                for g in ContentFormat::ALL {
                    let _ = codec::decode(g, &p, &bytes, &NoModel);
                }
            }
            let _ = codec::decode_leaves(f, &Path::ROOT, &bytes, &types);
        }
    }

    #[test]
    fn composite_round_trips(a in target(), b in target()) {
        // Two random targets of different objects (two schemas of one object would
        // contradict each other).
        let (ta, pa, na) = a;
        let (tb, pb, nb) = b;
        prop_assume!(pa.object_id() != pb.object_id());
        let items = [(pa, &na), (pb, &nb)];
        let mut types = ta.clone();
        types.0.extend(tb.0.clone());
        let mut want = Vec::new();
        for (p, n) in items {
            n.for_each_leaf(&p, |p, v| want.push((p, v.clone())));
        }
        match codec::lwm2m_cbor::encode_leaves(&want) {
            Ok(bytes) => {
                let leaves =
                    codec::decode_leaves(ContentFormat::Lwm2mCbor, &Path::ROOT, &bytes, &types).unwrap();
                want.sort_by_key(|(p, _)| *p);
                let mut got = leaves;
                got.sort_by_key(|(p, _)| *p);
                prop_assert_eq!(got, want);
            }
            Err(e) => return Err(TestCaseError::fail(format!("{e}"))),
        }
    }
}

#[test]
fn deep_and_long_inputs_do_not_overflow() {
    // Deeply nested CBOR maps, long tag chains, huge declared lengths.
    let mut deep = vec![0xA1u8, 0x01];
    for _ in 0..100_000 {
        deep.extend_from_slice(&[0xA1, 0x01]);
    }
    for f in ContentFormat::ALL {
        let _ = codec::decode(f, &"/1".parse().unwrap(), &deep, &NoModel);
    }
    let mut tags = vec![0xC6u8; 100_000];
    tags.push(0x01);
    let _ = codec::decode(
        ContentFormat::Cbor,
        &"/1/0/1".parse().unwrap(),
        &tags,
        &NoModel,
    );
    let huge = [0x5Bu8, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];
    assert!(
        codec::decode(
            ContentFormat::Cbor,
            &"/1/0/1".parse().unwrap(),
            &huge,
            &NoModel
        )
        .is_err()
    );
    let tlv = [0xD8u8, 0x01, 0xFF, 0xFF, 0xFF];
    assert!(
        codec::decode(
            ContentFormat::Tlv,
            &"/1/0/1".parse().unwrap(),
            &tlv,
            &NoModel
        )
        .is_err()
    );
    // Many siblings in descending order (bitmap duplicate check) stay fast.
    let node = Node::Resource(ResourceNode {
        id: 6,
        value: ResourceValue::Multiple(
            (0..20000u16)
                .rev()
                .map(|i| ResourceInstanceNode {
                    id: i,
                    value: Value::Integer(1),
                })
                .collect(),
        ),
    });
    let path: Path = "/3/0/6".parse().unwrap();
    for f in [ContentFormat::Tlv, ContentFormat::Lwm2mCbor] {
        let bytes = codec::encode(f, &path, &node).unwrap();
        let got = codec::decode(f, &path, &bytes, &spec_types()).unwrap();
        assert_eq!(canonical(&got), canonical(&node));
    }
}
