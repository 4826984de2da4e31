//! The borrowed TLV decoder (`codec::tlv::decode_ref`) against the owned one
//! (`codec::tlv::decode`): the reference Device payload gives the expected tree of slices
//! of the payload, and on random instances, mutated encodings of them and random bytes,
//! at every level (object, instance, resource, resource instance), with the types from a
//! table, from an object model and without, `to_node` of the borrowed tree is the owned
//! node (floats by bits) or the error is the same.

mod common;

use common::tlv_gen::*;
use common::*;
use proptest::prelude::*;
use ucifi_runtime::codec::{self, NoModel, TypeLookup, ValueRef};
use ucifi_runtime::{
    ContentFormat, DataType, InstanceNode, InstanceRef, Node, NodeRef, ObjectLink, ObjectNode,
    ObjectRef, Path, ResourceInstanceRef, ResourceNode, ResourceRef, ResourceValue,
    ResourceValueRef, Time, Value,
};

const DEVICE: &str = "C8 00 14 4F 70 65 6E 20 4D 6F 62 69 6C 65 20 41 6C 6C 69 61 6E 63 65
     C8 01 16 4C 69 67 68 74 77 65 69 67 68 74 20 4D 32 4D 20 43 6C 69 65 6E 74
     C8 02 09 33 34 35 30 30 30 31 32 33
     C3 03 31 2E 30
     86 06 41 00 01 41 01 05
     88 07 08 42 00 0E D8 42 01 13 88
     87 08 41 00 7D 42 01 03 84
     C1 09 64
     C1 0A 0F
     83 0B 41 00 00
     C4 0D 51 82 42 8F
     C6 0E 2B 30 32 3A 30 30
     C8 0F 0D 45 75 72 6F 70 65 2F 42 65 72 6C 69 6E
     C1 10 55";

fn one(id: u16, value: ValueRef<'_>) -> ResourceRef<'_> {
    ResourceRef {
        id,
        value: ResourceValueRef::Single(value),
    }
}

fn many<'a>(id: u16, items: &[(u16, ValueRef<'a>)]) -> ResourceRef<'a> {
    ResourceRef {
        id,
        value: ResourceValueRef::Multiple(
            items
                .iter()
                .map(|&(id, value)| ResourceInstanceRef { id, value })
                .collect(),
        ),
    }
}

/// Whether every string and opaque value of `node` is a slice of `bytes`.
fn borrows_from(node: &NodeRef<'_>, bytes: &[u8]) -> bool {
    let range = bytes.as_ptr_range();
    let inside = |v: &ValueRef<'_>| match v {
        ValueRef::String(s) | ValueRef::Corelnk(s) => {
            range.contains(&s.as_ptr()) && s.len() <= range.end as usize - s.as_ptr() as usize
        }
        ValueRef::Opaque(b) => {
            b.is_empty()
                || range.contains(&b.as_ptr())
                    && b.len() <= range.end as usize - b.as_ptr() as usize
        }
        _ => true,
    };
    let NodeRef::Instance(i) = node else {
        return false;
    };
    i.resources.iter().all(|r| match &r.value {
        ResourceValueRef::Single(v) => inside(v),
        ResourceValueRef::Multiple(l) => l.iter().all(|ri| inside(&ri.value)),
    })
}

/// The reference Device /3/0 (137 bytes): the expected borrowed tree, its strings slices
/// of the payload, and the owned node through `to_node`.
#[test]
fn reference_device_gives_the_expected_borrowed_tree() {
    let types = spec_types();
    let bytes = hex(DEVICE);
    assert_eq!(bytes.len(), 137);
    let path = Path::instance(3, 0);
    let i = ValueRef::Integer;
    let expected = NodeRef::Instance(InstanceRef {
        id: 0,
        resources: vec![
            one(0, ValueRef::String("Open Mobile Alliance")),
            one(1, ValueRef::String("Lightweight M2M Client")),
            one(2, ValueRef::String("345000123")),
            one(3, ValueRef::String("1.0")),
            many(6, &[(0, i(1)), (1, i(5))]),
            many(7, &[(0, i(3800)), (1, i(5000))]),
            many(8, &[(0, i(125)), (1, i(900))]),
            one(9, i(100)),
            one(10, i(15)),
            many(11, &[(0, i(0))]),
            one(13, ValueRef::Time(Time(1_367_491_215))),
            one(14, ValueRef::String("+02:00")),
            one(15, ValueRef::String("Europe/Berlin")),
            one(16, ValueRef::String("U")),
        ],
    });
    let model = Model(model_of(&types, 3));
    for t in [&types as &dyn TypeLookup, &model] {
        let node = codec::tlv::decode_ref(&path, &bytes, t).unwrap();
        assert_eq!(node, expected);
        assert_eq!(node.id(), 0);
        assert!(borrows_from(&node, &bytes));
        assert_eq!(node.to_node(), device());
        assert_eq!(Ok(node.to_node()), codec::tlv::decode(&path, &bytes, t));
    }

    // Without a model every value is the opaque slice of its bytes.
    let node = codec::tlv::decode_ref(&path, &bytes, &NoModel).unwrap();
    assert!(borrows_from(&node, &bytes));
    let NodeRef::Instance(inst) = &node else {
        panic!("{node:?}")
    };
    assert_eq!(
        inst.resources[0],
        one(0, ValueRef::Opaque(b"Open Mobile Alliance"))
    );
    assert_eq!(
        inst.resources[5],
        many(
            7,
            &[
                (0, ValueRef::Opaque(&[0x0E, 0xD8])),
                (1, ValueRef::Opaque(&[0x13, 0x88]))
            ]
        )
    );
    assert_eq!(
        inst.resources[10],
        one(13, ValueRef::Opaque(&[0x51, 0x82, 0x42, 0x8F]))
    );
    assert_eq!(
        Ok(node.to_node()),
        codec::tlv::decode(&path, &bytes, &NoModel)
    );
}

/// Every level of the tree, and the values the decoder does not take in line (unsigned,
/// object and core links, opaque), borrow from the payload alike.
#[test]
fn every_level_and_every_data_type() {
    let types = spec_types();
    let inst = InstanceNode {
        id: 1,
        resources: vec![
            ResourceNode {
                id: 0,
                value: ResourceValue::Single(Value::String("tëxt".into())),
            },
            ResourceNode {
                id: 1,
                value: ResourceValue::Single(Value::Opaque(vec![0, 1, 2, 255])),
            },
            ResourceNode {
                id: 3,
                value: ResourceValue::Single(Value::UnsignedInteger(u64::MAX)),
            },
            ResourceNode {
                id: 4,
                value: ResourceValue::Single(Value::Float(-0.5)),
            },
            ResourceNode {
                id: 5,
                value: ResourceValue::Single(Value::Boolean(true)),
            },
            ResourceNode {
                id: 7,
                value: ResourceValue::Single(Value::Corelnk(ucifi_runtime::CoreLink(
                    "</3/0>".into(),
                ))),
            },
            ResourceNode {
                id: 22,
                value: ResourceValue::Single(Value::Objlnk(ObjectLink::new(3, 7))),
            },
            ResourceNode {
                id: 310,
                value: ResourceValue::Multiple(vec![ucifi_runtime::ResourceInstanceNode {
                    id: 4,
                    value: Value::Integer(-9),
                }]),
            },
        ],
    };
    let object = Node::Object(ObjectNode {
        id: 9999,
        instances: vec![inst.clone()],
    });
    let bytes = codec::tlv::encode(&Path::object(9999), &object).unwrap();
    let node = codec::tlv::decode_ref(&Path::object(9999), &bytes, &types).unwrap();
    let NodeRef::Object(ObjectRef {
        id: 9999,
        instances,
    }) = &node
    else {
        panic!("{node:?}")
    };
    assert_eq!(instances.len(), 1);
    let r = &instances[0].resources;
    assert_eq!(
        r[0].value,
        ResourceValueRef::Single(ValueRef::String("tëxt"))
    );
    assert_eq!(
        r[1].value,
        ResourceValueRef::Single(ValueRef::Opaque(&[0, 1, 2, 255]))
    );
    assert_eq!(
        r[2].value,
        ResourceValueRef::Single(ValueRef::UnsignedInteger(u64::MAX))
    );
    assert_eq!(r[3].value, ResourceValueRef::Single(ValueRef::Float(-0.5)));
    assert_eq!(
        r[4].value,
        ResourceValueRef::Single(ValueRef::Boolean(true))
    );
    assert_eq!(
        r[5].value,
        ResourceValueRef::Single(ValueRef::Corelnk("</3/0>"))
    );
    assert_eq!(
        r[6].value,
        ResourceValueRef::Single(ValueRef::Objlnk(ObjectLink::new(3, 7)))
    );
    assert_eq!(node.to_node(), object);

    let p = Path::resource(9999, 1, 7);
    let bytes = codec::tlv::encode(&p, &Node::Resource(inst.resources[5].clone())).unwrap();
    assert_eq!(
        codec::tlv::decode_ref(&p, &bytes, &types),
        Ok(NodeRef::Resource(ResourceRef {
            id: 7,
            value: ResourceValueRef::Single(ValueRef::Corelnk("</3/0>")),
        }))
    );
    let p = Path::resource_instance(9999, 1, 310, 4);
    let bytes = [0x41, 0x04, 0xF7];
    assert_eq!(
        codec::tlv::decode_ref(&p, &bytes, &types),
        Ok(NodeRef::ResourceInstance(ResourceInstanceRef {
            id: 4,
            value: ValueRef::Integer(-9),
        }))
    );
    // Invalid UTF-8 in a string: the owned decoder's error.
    let p = Path::instance(9999, 1);
    let bytes = [0xC1, 0x00, 0xFF];
    let err = codec::tlv::decode_ref(&p, &bytes, &types).unwrap_err();
    assert_eq!(Err(err), codec::tlv::decode(&p, &bytes, &types));
}

/// A large value (a firmware image) is one slice, and the resource list stays short.
#[test]
fn one_large_value_is_one_slice() {
    let types = Types::default().with(5, 0, DataType::Opaque, false);
    let path = Path::instance(5, 0);
    let node = Node::Instance(InstanceNode {
        id: 0,
        resources: vec![ResourceNode {
            id: 0,
            value: ResourceValue::Single(Value::Opaque(vec![7; 100_000])),
        }],
    });
    let bytes = codec::tlv::encode(&path, &node).unwrap();
    let back = codec::tlv::decode_ref(&path, &bytes, &types).unwrap();
    assert!(borrows_from(&back, &bytes));
    assert_eq!(back.to_node(), node);
    let NodeRef::Instance(i) = back else {
        unreachable!()
    };
    assert!(i.resources.capacity() <= 64, "{}", i.resources.capacity());
}

/// Both decoders on `bytes` at `path`, with the types from a table, from a model and
/// without: `to_node` of the borrowed tree is the owned node (floats by bits), or both
/// give the same error.
fn agree(oid: u16, types: &Types, path: &Path, bytes: &[u8]) -> Result<(), TestCaseError> {
    let model = Model(model_of(types, oid));
    for t in [types as &dyn TypeLookup, &model, &NoModel] {
        let borrowed = codec::tlv::decode_ref(path, bytes, t).map(|n| n.to_node());
        let owned = codec::tlv::decode(path, bytes, t);
        prop_assert_eq!(
            format!("{borrowed:?}"),
            format!("{owned:?}"),
            "{} at {}",
            to_hex(bytes),
            path
        );
        prop_assert_eq!(float_bits(&borrowed), float_bits(&owned));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn borrowed_decoder_matches_owned_on_instances(
        (oid, types, inst) in instance(),
        pick in any::<usize>(),
    ) {
        let path = Path::instance(oid, inst.id);
        // Reserved IDs do not encode; the decoders still meet them in mutated bytes.
        let Ok(bytes) = codec::encode(ContentFormat::Tlv, &path, &Node::Instance(inst.clone()))
        else {
            return Ok(());
        };
        for p in paths(oid, &inst, pick) {
            agree(oid, &types, &p, &bytes)?;
        }
        let object = Node::Object(ObjectNode { id: oid, instances: vec![inst.clone()] });
        if let Ok(bytes) = codec::encode(ContentFormat::Tlv, &Path::object(oid), &object) {
            agree(oid, &types, &Path::object(oid), &bytes)?;
            agree(oid, &types, &path, &bytes)?;
        }
        if let Some(r) = inst.resources.get(pick % inst.resources.len().max(1)) {
            let p = Path::resource(oid, inst.id, r.id);
            if let Ok(bytes) = codec::encode(ContentFormat::Tlv, &p, &Node::Resource(r.clone())) {
                agree(oid, &types, &p, &bytes)?;
            }
            if let ResourceValue::Multiple(l) = &r.value
                && let Some(ri) = l.last()
            {
                let p = Path::resource_instance(oid, inst.id, r.id, ri.id);
                let node = Node::ResourceInstance(ri.clone());
                if let Ok(bytes) = codec::encode(ContentFormat::Tlv, &p, &node) {
                    agree(oid, &types, &p, &bytes)?;
                }
            }
        }
    }

    #[test]
    fn borrowed_decoder_matches_owned_on_mutated_instances(
        (oid, types, inst) in instance(),
        edits in edits(),
        pick in any::<usize>(),
        wrap in any::<bool>(),
    ) {
        let path = Path::instance(oid, inst.id);
        let encoded = if wrap {
            let object = Node::Object(ObjectNode { id: oid, instances: vec![inst.clone()] });
            codec::encode(ContentFormat::Tlv, &Path::object(oid), &object)
        } else {
            codec::encode(ContentFormat::Tlv, &path, &Node::Instance(inst.clone()))
        };
        let Ok(mut bytes) = encoded else {
            return Ok(());
        };
        mutate(&mut bytes, &edits);
        for p in paths(oid, &inst, pick) {
            agree(oid, &types, &p, &bytes)?;
        }
    }

    #[test]
    fn borrowed_decoder_matches_owned_on_random_bytes(
        bytes in prop::collection::vec(any::<u8>(), 0..96),
        level in 0usize..5,
    ) {
        let types = spec_types();
        for ids in [[3, 0, 6, 1], [3416, 0, 13, 0], [9999, 1, 310, 2]] {
            let path = Path::from_ids(&ids[..level]).unwrap();
            agree(ids[0], &types, &path, &bytes)?;
        }
    }
}
