//! Random LwM2M instances, their TLV encodings mutated, and helpers to compare decoded
//! nodes: shared by the TLV decoder tests (`tlv_decode_direct`, `tlv_decode_ref`).

use std::collections::BTreeMap;

use proptest::prelude::*;
use ucifi_runtime::codec::{Error, TypeLookup};
use ucifi_runtime::{
    DataType, InstanceNode, Node, ObjectModel, Path, ResourceInstanceNode, ResourceNode,
    ResourceValue, Time, Value,
};

use super::Types;

/// Looks types up through an object model (`TypeLookup::object_model`).
pub struct Model(pub ObjectModel);

impl TypeLookup for Model {
    fn resource_type(&self, object: u16, resource: u16) -> Option<(DataType, bool)> {
        self.0.resource_type(object, resource)
    }
    fn object_model(&self, object: u16) -> Option<&ObjectModel> {
        self.0.object_model(object)
    }
}

pub fn data_type() -> impl Strategy<Value = DataType> {
    prop::sample::select(DataType::ALL.to_vec())
}

/// A value of `t`, any bits for floats (NaNs included); `None` gets an integer, which the
/// decoders refuse for an executable resource.
pub fn value_of(t: DataType) -> BoxedStrategy<Value> {
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
        DataType::Opaque => prop::collection::vec(any::<u8>(), 0..20)
            .prop_map(Value::Opaque)
            .boxed(),
        DataType::Time => any::<i64>().prop_map(|t| Value::Time(Time(t))).boxed(),
        DataType::Objlnk => (any::<u16>(), any::<u16>())
            .prop_map(|(o, i)| Value::Objlnk(ucifi_runtime::ObjectLink::new(o, i)))
            .boxed(),
        DataType::Corelnk => "[ -~]{0,12}"
            .prop_map(|s| Value::Corelnk(ucifi_runtime::CoreLink(s)))
            .boxed(),
    }
}

/// Resource IDs: mostly dense from a small first ID (the model lookup's index), some
/// sparse (its search), some the reserved 65535.
pub fn resource_id() -> impl Strategy<Value = u16> {
    prop_oneof![
        8 => 0u16..48,
        1 => 5500u16..5530,
        1 => Just(u16::MAX),
    ]
}

/// An object ID, a type table and an instance of up to 40 resources (more than the
/// decoder's first guess of 16), multiple resources of up to 9 instances (more than 4).
pub fn instance() -> impl Strategy<Value = (u16, Types, InstanceNode)> {
    (
        0u16..4000,
        prop::collection::btree_map(resource_id(), (data_type(), any::<bool>()), 1..48),
    )
        .prop_flat_map(|(oid, schema)| {
            let res: Vec<(u16, DataType, bool)> =
                schema.iter().map(|(r, (t, m))| (*r, *t, *m)).collect();
            let resource = prop::sample::select(res.clone()).prop_flat_map(|(rid, t, m)| {
                // The payload's shape sometimes disagrees with the model.
                (any::<u8>(), Just((rid, t, m))).prop_flat_map(|(flip, (rid, t, m))| {
                    let m = if flip < 20 { !m } else { m };
                    if m {
                        prop::collection::btree_map(
                            prop_oneof![0u16..12, any::<u16>()],
                            value_of(t),
                            0..10,
                        )
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
                })
            });
            let types = res
                .iter()
                .fold(Types::default(), |t, (r, ty, m)| t.with(oid, *r, *ty, *m));
            (
                Just(oid),
                Just(types),
                (0u16..3, prop::collection::vec(resource, 0..48)).prop_map(|(iid, rs)| {
                    let mut by_id = BTreeMap::new();
                    for r in rs {
                        by_id.entry(r.id).or_insert(r);
                    }
                    InstanceNode {
                        id: iid,
                        resources: by_id.into_values().collect(),
                    }
                }),
            )
        })
}

/// The float values of a decoded node, by bits.
pub fn float_bits(r: &Result<Node, Error>) -> Vec<u64> {
    let mut out = Vec::new();
    if let Ok(n) = r {
        // The base path only names the leaves; any path of the node's depth does.
        let base = match n {
            Node::Object(_) => Path::object(1),
            Node::Instance(_) => Path::instance(1, 1),
            Node::Resource(_) => Path::resource(1, 1, 1),
            Node::ResourceInstance(_) => Path::resource_instance(1, 1, 1, 1),
        };
        n.for_each_leaf(&base, |_, v| {
            if let Value::Float(f) = v {
                out.push(f.to_bits());
            }
        });
    }
    out
}

/// The paths a payload of `node`'s instance can be read at: the instance, its object,
/// and a resource and resource instance of it (where it has them).
pub fn paths(oid: u16, i: &InstanceNode, pick: usize) -> Vec<Path> {
    let mut out = vec![Path::instance(oid, i.id), Path::object(oid)];
    if let Some(r) = i.resources.get(pick % i.resources.len().max(1)) {
        out.push(Path::resource(oid, i.id, r.id));
        if let ResourceValue::Multiple(l) = &r.value
            && let Some(ri) = l.first()
        {
            out.push(Path::resource_instance(oid, i.id, r.id, ri.id));
        }
    }
    out
}

/// Byte edits of an encoding: (where, byte, 0 replace / 1 insert / 2 delete).
pub fn edits() -> impl Strategy<Value = Vec<(prop::sample::Index, u8, u8)>> {
    prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..5)
}

/// Applies [`edits`] to `bytes` (an empty payload gets the byte).
pub fn mutate(bytes: &mut Vec<u8>, edits: &[(prop::sample::Index, u8, u8)]) {
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
