//! The direct TLV → `Node` decoder (`codec::tlv::decode`) against the event path
//! (`codec::tlv::decode_with_events`): the same node or the same error (offset and reason)
//! on random instances (many resources, many resource instances, sparse IDs, every data
//! type), on mutated encodings of them and on random bytes, with the types looked up
//! through a type table, through an object model and not at all. Floats compare by bits,
//! so NaNs do not hide a difference.
//!
//! Also the typed scalars' `from_raw` / `assign_raw` (which read TLV bytes first) against
//! the `RawValue` conversions they shortcut.

mod common;

use common::tlv_gen::*;
use common::*;
use proptest::prelude::*;
use ucifi_runtime::codec::{self, NoModel, RawValue, TypeLookup, ValueError};
use ucifi_runtime::typed::Scalar;
use ucifi_runtime::{
    ContentFormat, DataType, InstanceNode, Node, Path, ResourceInstanceNode, ResourceNode,
    ResourceValue, Time, Value,
};

/// Both decoders on `bytes` at `path`, with the types from a table, from a model and
/// without: the same node (floats by bits) or the same error.
fn agree(oid: u16, types: &Types, path: &Path, bytes: &[u8]) -> Result<(), TestCaseError> {
    let model = Model(model_of(types, oid));
    for t in [types as &dyn TypeLookup, &model, &NoModel] {
        let direct = codec::tlv::decode(path, bytes, t);
        let events = codec::tlv::decode_with_events(path, bytes, t);
        prop_assert_eq!(
            format!("{direct:?}"),
            format!("{events:?}"),
            "{} at {}",
            to_hex(bytes),
            path
        );
        prop_assert_eq!(float_bits(&direct), float_bits(&events));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn direct_decoder_matches_events_on_instances(
        (oid, types, inst) in instance(),
        pick in any::<usize>(),
    ) {
        let node = Node::Instance(inst.clone());
        let path = Path::instance(oid, inst.id);
        // Reserved IDs do not encode; the decoders still meet them in mutated bytes.
        let Ok(bytes) = codec::encode(ContentFormat::Tlv, &path, &node) else {
            return Ok(());
        };
        for p in paths(oid, &inst, pick) {
            agree(oid, &types, &p, &bytes)?;
        }
        // The same content wrapped in an Object Instance TLV (read at the object path).
        let object = Node::Object(ucifi_runtime::ObjectNode { id: oid, instances: vec![inst.clone()] });
        if let Ok(bytes) = codec::encode(ContentFormat::Tlv, &Path::object(oid), &object) {
            agree(oid, &types, &Path::object(oid), &bytes)?;
            agree(oid, &types, &path, &bytes)?;
        }
        // A resource alone, at its resource path.
        if let Some(r) = inst.resources.get(pick % inst.resources.len().max(1)) {
            let p = Path::resource(oid, inst.id, r.id);
            if let Ok(bytes) = codec::encode(ContentFormat::Tlv, &p, &Node::Resource(r.clone())) {
                agree(oid, &types, &p, &bytes)?;
            }
        }
    }

    #[test]
    fn direct_decoder_matches_events_on_mutated_instances(
        (oid, types, inst) in instance(),
        edits in edits(),
        pick in any::<usize>(),
    ) {
        let path = Path::instance(oid, inst.id);
        let Ok(mut bytes) = codec::encode(ContentFormat::Tlv, &path, &Node::Instance(inst.clone())) else {
            return Ok(());
        };
        mutate(&mut bytes, &edits);
        for p in paths(oid, &inst, pick) {
            agree(oid, &types, &p, &bytes)?;
        }
    }

    #[test]
    fn direct_decoder_matches_events_on_random_bytes(
        bytes in prop::collection::vec(any::<u8>(), 0..96),
        level in 1usize..5,
    ) {
        let types = spec_types();
        let path = Path::from_ids(&[3, 0, 6, 1][..level]).unwrap();
        agree(3, &types, &path, &bytes)?;
        let path = Path::from_ids(&[3416, 0, 13, 0][..level]).unwrap();
        agree(3416, &types, &path, &bytes)?;
    }

    #[test]
    fn scalars_read_raw_values_as_the_raw_conversions_do(raw in raw_value()) {
        prop_assert_eq!(i64::from_raw(&raw), raw.as_i64());
        prop_assert_eq!(u64::from_raw(&raw), raw.as_u64());
        prop_assert_eq!(
            f64::from_raw(&raw).map(f64::to_bits),
            raw.as_f64().map(f64::to_bits)
        );
        prop_assert_eq!(bool::from_raw(&raw), raw.as_bool());
        prop_assert_eq!(Time::from_raw(&raw), raw.as_time());
        prop_assert_eq!(String::from_raw(&raw), raw.as_str().map(|s| s.into_owned()));
        // Assigning gives what reading gives; a refused value leaves the old one.
        let mut n = 7i64;
        prop_assert_eq!(n.assign_raw(&raw), raw.as_i64().map(drop));
        prop_assert_eq!(n, raw.as_i64().unwrap_or(7));
        for old in ["", "x", "a longer old text"] {
            let mut s = String::from(old);
            prop_assert_eq!(s.assign_raw(&raw), raw.as_str().map(drop));
            prop_assert_eq!(s, raw.as_str().map_or(old.to_string(), |t| t.into_owned()));
        }
    }

    #[test]
    fn strings_assign_raw_values_as_reading_them_does(
        old in prop_oneof![".{0,70}", "[a-z]{0,70}"],
        bytes in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..70),
            "[a-z]{0,70}".prop_map(String::into_bytes),
        ],
        same in any::<bool>(),
        flip in any::<prop::sample::Index>(),
    ) {
        // The same bytes as the old text, the same but for one byte, or anything.
        let bytes = if same {
            let mut b = old.clone().into_bytes();
            if !b.is_empty() && flip.index(4) == 0 {
                let i = flip.index(b.len());
                b[i] ^= 1 << flip.index(8);
            }
            b
        } else {
            bytes
        };
        let raw = RawValue::Bytes(&bytes);
        let mut s = old.clone();
        let r = s.assign_raw(&raw);
        match std::str::from_utf8(&bytes) {
            Ok(text) => {
                prop_assert_eq!(r, Ok(()));
                prop_assert_eq!(s.as_str(), text);
            }
            Err(_) => {
                prop_assert_eq!(r, Err(ValueError::InvalidUtf8));
                prop_assert_eq!(&s, &old);
            }
        }
    }
}

/// Raw values of every kind, bytes of every length around the ones the types take.
fn raw_value() -> impl Strategy<Value = RawValue<'static>> {
    prop_oneof![
        4 => prop::collection::vec(any::<u8>(), 0..10)
            .prop_map(|b| RawValue::Bytes(Box::leak(b.into_boxed_slice()))),
        1 => prop::collection::vec(prop_oneof![0u8..2, any::<u8>()], 1..2)
            .prop_map(|b| RawValue::Bytes(Box::leak(b.into_boxed_slice()))),
        1 => "-?[0-9]{0,20}|[0-9.e+-]{0,8}|.{0,6}"
            .prop_map(|t| RawValue::Text(Box::leak(t.into_boxed_str()))),
        1 => any::<i128>().prop_map(RawValue::Integer),
        1 => (-1i128 << 64..1i128 << 64).prop_map(RawValue::Integer),
        1 => any::<f64>().prop_map(RawValue::Float),
        1 => any::<bool>().prop_map(RawValue::Boolean),
        1 => ".{0,8}".prop_map(|s| RawValue::Str(s.into())),
        1 => prop::collection::vec(any::<u8>(), 0..8).prop_map(|b| RawValue::Opaque(b.into())),
        1 => any::<i64>().prop_map(RawValue::Time),
        1 => (any::<u16>(), any::<u16>())
            .prop_map(|(o, i)| RawValue::Objlnk(ucifi_runtime::ObjectLink::new(o, i))),
    ]
}

/// The reference Device and lamp payloads decode alike through both paths, and to the
/// node they were encoded from.
#[test]
fn reference_payloads_decode_alike() {
    let types = spec_types();
    let device = hex(
        "C8 00 14 4F 70 65 6E 20 4D 6F 62 69 6C 65 20 41 6C 6C 69 61 6E 63 65
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
         C1 10 55",
    );
    assert_eq!(device.len(), 137);
    let path = Path::instance(3, 0);
    let model = Model(model_of(&types, 3));
    for t in [&types as &dyn TypeLookup, &model, &NoModel] {
        assert_eq!(
            codec::tlv::decode(&path, &device, t),
            codec::tlv::decode_with_events(&path, &device, t)
        );
    }
    let node = codec::tlv::decode(&path, &device, &types).unwrap();
    assert_eq!(codec::tlv::encode(&path, &node).unwrap(), device);
    let Node::Instance(i) = &node else {
        panic!("{node:?}")
    };
    assert_eq!(i.resources.len(), 14);
    assert_eq!(
        i.resources[0].value,
        ResourceValue::Single(Value::String("Open Mobile Alliance".into()))
    );
    assert_eq!(
        i.resources[5].value,
        ResourceValue::Multiple(vec![
            ResourceInstanceNode {
                id: 0,
                value: Value::Integer(3800)
            },
            ResourceInstanceNode {
                id: 1,
                value: Value::Integer(5000)
            },
        ])
    );
}

/// More resources and resource instances than the lists' first guesses (from the
/// payload's size) hold, with IDs the model's index does not find: the same nodes as the
/// event path, and lists no longer than half the payload's bytes.
#[test]
fn long_instances_and_multiple_resources() {
    let mut types = Types::default();
    let mut resources = Vec::new();
    for r in 0..60u16 {
        let id = if r < 50 { r } else { 5500 + r };
        let multiple = r % 7 == 3;
        types = types.with(77, id, DataType::Integer, multiple);
        let value = if multiple {
            ResourceValue::Multiple(
                (0..(r as i64 % 13))
                    .map(|k| ResourceInstanceNode {
                        id: k as u16 * 3,
                        value: Value::Integer(k - 7),
                    })
                    .collect(),
            )
        } else {
            ResourceValue::Single(Value::Integer(r as i64 - 30))
        };
        resources.push(ResourceNode { id, value });
    }
    let node = Node::Instance(InstanceNode { id: 4, resources });
    let path = Path::instance(77, 4);
    let bytes = codec::tlv::encode(&path, &node).unwrap();
    let model = Model(model_of(&types, 77));
    for t in [&types as &dyn TypeLookup, &model] {
        let back = codec::tlv::decode(&path, &bytes, t).unwrap();
        assert_eq!(back, node);
        assert_eq!(Ok(back), codec::tlv::decode_with_events(&path, &bytes, t));
        let Node::Instance(i) = codec::tlv::decode(&path, &bytes, t).unwrap() else {
            unreachable!()
        };
        assert!(i.resources.capacity() <= bytes.len() / 2);
        for r in &i.resources {
            if let ResourceValue::Multiple(l) = &r.value {
                assert!(
                    l.capacity() <= 3 * l.len().max(1),
                    "{} {}",
                    l.len(),
                    l.capacity()
                );
            }
        }
    }
    // Truncated in the last resource: the error of the event path.
    let cut = &bytes[..bytes.len() - 3];
    assert_eq!(
        codec::tlv::decode(&path, cut, &types),
        codec::tlv::decode_with_events(&path, cut, &types)
    );
    assert!(codec::tlv::decode(&path, cut, &types).is_err());
}

/// A large value (a firmware image) does not make the decoder reserve room for as many
/// resources as its bytes could hold.
#[test]
fn one_large_value_gets_a_short_list() {
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
    let back = codec::tlv::decode(&path, &bytes, &types).unwrap();
    assert_eq!(back, node);
    let Node::Instance(i) = back else {
        unreachable!()
    };
    assert!(i.resources.capacity() <= 64, "{}", i.resources.capacity());
}
