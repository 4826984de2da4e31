//! Typed round trips of every shipped object version through every content format, with
//! generated values that exercise each field (property tests), driven only by the
//! generated `Instance` glue and the codecs.

use std::collections::BTreeMap;

use proptest::prelude::*;
use proptest::test_runner::{Config as PtConfig, TestRunner};
use ucifi_runtime::codec::{self, RawValue};
use ucifi_runtime::typed::{ObjectType, ObjectVisitor};
use ucifi_runtime::{
    ContentFormat, DataType, Node, ObjectLink, Path, ResourceNode, ResourceValue, Value,
};

/// Formats that carry a whole instance.
const INSTANCE_FORMATS: [ContentFormat; 5] = [
    ContentFormat::Tlv,
    ContentFormat::SenmlJson,
    ContentFormat::SenmlCbor,
    ContentFormat::Lwm2mCbor,
    ContentFormat::Lwm2mJson,
];

/// Formats that carry one resource value.
const SINGLE_FORMATS: [ContentFormat; 3] = [
    ContentFormat::Text,
    ContentFormat::Cbor,
    ContentFormat::Opaque,
];

/// One value to store: (resource, resource instance, value).
type Leaf = (u16, Option<u16>, Value);

fn value_strategy(dt: DataType) -> BoxedStrategy<Value> {
    match dt {
        DataType::String => "[ -~\u{e9}\u{4e2d}]{0,12}".prop_map(Value::String).boxed(),
        DataType::Integer => {
            prop_oneof![any::<i64>(), -300i64..300, Just(i64::MIN), Just(i64::MAX)]
                .prop_map(Value::Integer)
                .boxed()
        }
        DataType::UnsignedInteger => prop_oneof![any::<u64>(), 0u64..300, Just(u64::MAX)]
            .prop_map(Value::UnsignedInteger)
            .boxed(),
        DataType::Float => prop_oneof![
            any::<f64>().prop_filter("finite", |f| f.is_finite()),
            (-1000i32..1000).prop_map(|i| i as f64 / 4.0),
            Just(0.1),
        ]
        .prop_map(Value::Float)
        .boxed(),
        DataType::Boolean => any::<bool>().prop_map(Value::Boolean).boxed(),
        DataType::Opaque => proptest::collection::vec(any::<u8>(), 0..20)
            .prop_map(Value::Opaque)
            .boxed(),
        DataType::Time => prop_oneof![0i64..4_000_000_000, any::<i32>().prop_map(i64::from)]
            .prop_map(|t| Value::Time(ucifi_runtime::Time(t)))
            .boxed(),
        DataType::Objlnk => (any::<u16>(), any::<u16>())
            .prop_map(|(o, i)| Value::Objlnk(ObjectLink::new(o, i)))
            .boxed(),
        DataType::Corelnk => "(</[0-9]{1,4}/[0-9]{1,2}>,){0,2}</[0-9]{1,4}>"
            .prop_map(|s| Value::Corelnk(ucifi_runtime::CoreLink(s)))
            .boxed(),
        DataType::None => Just(Value::Boolean(false)).boxed(),
    }
}

/// Values for every resource of `T` that carries one: mandatory ones always, optional ones
/// mostly, multiple ones with 0..5 instances (more than `InstanceMap` keeps inline).
fn leaves_strategy<T: ObjectType>() -> BoxedStrategy<Vec<Leaf>> {
    let mut parts: Vec<BoxedStrategy<Vec<Leaf>>> = Vec::new();
    for r in T::MODEL.resources.iter() {
        if r.data_type == DataType::None || r.operations.executable() {
            continue;
        }
        let id = r.id;
        let v = value_strategy(r.data_type);
        let s = if r.multiple {
            proptest::collection::btree_map(0u16..8, v, 0..5)
                .prop_map(move |m| m.into_iter().map(|(ri, v)| (id, Some(ri), v)).collect())
                .boxed()
        } else if r.mandatory {
            v.prop_map(move |v| vec![(id, None, v)]).boxed()
        } else {
            proptest::option::weighted(0.8, v)
                .prop_map(move |v| v.map(|v| vec![(id, None, v)]).unwrap_or_default())
                .boxed()
        };
        parts.push(s);
    }
    parts
        .prop_map(|v: Vec<Vec<Leaf>>| v.into_iter().flatten().collect())
        .boxed()
}

fn raw(v: &Value) -> RawValue<'_> {
    match v {
        Value::String(s) => RawValue::Str(s.as_str().into()),
        Value::Integer(i) => RawValue::Integer(*i as i128),
        Value::UnsignedInteger(u) => RawValue::Integer(*u as i128),
        Value::Float(f) => RawValue::Float(*f),
        Value::Boolean(b) => RawValue::Boolean(*b),
        Value::Opaque(b) => RawValue::Opaque(b.as_slice().into()),
        Value::Time(t) => RawValue::Time(t.0),
        Value::Objlnk(l) => RawValue::Objlnk(*l),
        Value::Corelnk(c) => RawValue::Str(c.0.as_str().into()),
    }
}

/// The typed instance holding `leaves`, built through the generated `InstanceSink::set`.
fn build<T: ObjectType>(leaves: &[Leaf]) -> T {
    let mut t = T::default();
    for (r, ri, v) in leaves {
        assert_eq!(t.set(*r, *ri, &raw(v)), Ok(()), "set {}/{r}", T::OBJECT_ID);
    }
    t
}

/// The leaves of `t`, through LwM2M CBOR (which carries every value) typed by its model.
fn leaves_of<T: ObjectType>(t: &T) -> Vec<(Path, Value)> {
    let path = Path::instance(T::OBJECT_ID, 0);
    let bytes = t.encode(ContentFormat::Lwm2mCbor, &path).unwrap();
    codec::decode_leaves(ContentFormat::Lwm2mCbor, &path, &bytes, T::MODEL).unwrap()
}

struct RoundTrip {
    cases: u32,
    checked: usize,
    failures: Vec<String>,
}

impl ObjectVisitor for RoundTrip {
    fn visit<T: ObjectType>(&mut self) {
        self.checked += 1;
        let mut runner = TestRunner::new(PtConfig {
            cases: self.cases,
            failure_persistence: None,
            ..PtConfig::default()
        });
        let path = Path::instance(T::OBJECT_ID, 0);
        // The previous case's value: decoding into it must give exactly the new one.
        let previous = std::cell::RefCell::new(T::default());
        let result = runner.run(&leaves_strategy::<T>(), |leaves| {
            let original: T = build(&leaves);
            // Whole instance, every instance-level format.
            for f in INSTANCE_FORMATS {
                let bytes = original
                    .encode(f, &path)
                    .map_err(|e| TestCaseError::fail(format!("{f} encode: {e}")))?;
                let mut back = T::default();
                back.merge(f, &path, &bytes)
                    .map_err(|e| TestCaseError::fail(format!("{f} decode: {e}")))?;
                prop_assert_eq!(&back, &original, "{} via {}", T::MODEL.name, f);
                let mut used = previous.borrow().clone();
                used.decode_into(f, &path, &bytes)
                    .map_err(|e| TestCaseError::fail(format!("{f} decode_into: {e}")))?;
                prop_assert_eq!(&used, &original, "{} decode_into via {}", T::MODEL.name, f);
            }
            *previous.borrow_mut() = original.clone();
            // Each single-instance value alone, through the single-value formats.
            for (leaf_path, value) in leaves_of(&original) {
                if leaf_path.len() != 3 {
                    continue;
                }
                for f in SINGLE_FORMATS {
                    if f == ContentFormat::Opaque && value.data_type() != DataType::Opaque {
                        continue;
                    }
                    let one = Node::Resource(ResourceNode {
                        id: leaf_path.ids()[2],
                        value: ResourceValue::Single(value.clone()),
                    });
                    let bytes = codec::encode(f, &leaf_path, &one)
                        .map_err(|e| TestCaseError::fail(format!("{f} encode {leaf_path}: {e}")))?;
                    let mut back = T::default();
                    back.merge(f, &leaf_path, &bytes)
                        .map_err(|e| TestCaseError::fail(format!("{f} decode {leaf_path}: {e}")))?;
                    let got = leaves_of(&back)
                        .into_iter()
                        .find(|(p, _)| *p == leaf_path)
                        .map(|(_, v)| v);
                    prop_assert_eq!(got, Some(value.clone()), "{} via {}", leaf_path, f);
                }
            }
            Ok(())
        });
        if let Err(e) = result {
            self.failures
                .push(format!("{} {}: {e}", T::MODEL.name, T::VERSION));
        }
    }
}

#[test]
fn every_object_version_round_trips_through_every_format() {
    let mut rt = RoundTrip {
        cases: 24,
        checked: 0,
        failures: Vec::new(),
    };
    ucifi_objects::visit_objects(&mut rt);
    assert_eq!(rt.checked, ucifi_objects::REGISTRY.len());
    assert!(
        rt.failures.is_empty(),
        "{} of {} object versions failed:\n{}",
        rt.failures.len(),
        rt.checked,
        rt.failures.join("\n")
    );
}

#[test]
fn generated_values_cover_every_field() {
    // Mandatory multiples and optionals may be empty in a case; with enough cases every
    // resource that carries a value is present at least once.
    struct Coverage(Vec<String>);
    impl ObjectVisitor for Coverage {
        fn visit<T: ObjectType>(&mut self) {
            let mut runner = TestRunner::deterministic();
            let mut seen = BTreeMap::new();
            for _ in 0..64 {
                let leaves = leaves_strategy::<T>()
                    .new_tree(&mut runner)
                    .unwrap()
                    .current();
                for (r, _, _) in leaves {
                    seen.insert(r, ());
                }
            }
            for r in T::MODEL.resources.iter() {
                if r.data_type != DataType::None
                    && !r.operations.executable()
                    && !seen.contains_key(&r.id)
                {
                    self.0.push(format!("{} /{}", T::MODEL.name, r.id));
                }
            }
        }
    }
    let mut c = Coverage(Vec::new());
    ucifi_objects::visit_objects(&mut c);
    assert!(c.0.is_empty(), "never generated: {:?}", c.0);
}

/// Every object version's JSON form (serde) gives back the same value, and writes no
/// `null`: an absent value is left out.
struct SerdeRoundTrip {
    checked: usize,
    failures: Vec<String>,
}

impl ucifi_runtime::typed::SerdeObjectVisitor for SerdeRoundTrip {
    fn visit<T: ObjectType + serde::Serialize + serde::de::DeserializeOwned>(&mut self) {
        self.checked += 1;
        let mut runner = TestRunner::new(PtConfig {
            cases: 24,
            failure_persistence: None,
            ..PtConfig::default()
        });
        let result = runner.run(&leaves_strategy::<T>(), |leaves| {
            let original: T = build(&leaves);
            let json = serde_json::to_string(&original).unwrap();
            prop_assert!(!json.contains("null"), "{json}");
            let back: T = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(&back, &original, "{}", json);
            Ok(())
        });
        // A document that omits every resource is the default instance.
        let empty: Result<T, _> = serde_json::from_str("{}");
        match (result, empty) {
            (Ok(()), Ok(e)) if e == T::default() => {}
            (r, e) => self.failures.push(format!(
                "{} {}: {r:?} / {:?}",
                T::MODEL.name,
                T::VERSION,
                e.map(|_| "not the default")
            )),
        }
    }
}

#[test]
fn every_object_version_round_trips_through_serde_json() {
    let mut rt = SerdeRoundTrip {
        checked: 0,
        failures: Vec::new(),
    };
    ucifi_objects::visit_serde_objects(&mut rt);
    assert_eq!(rt.checked, ucifi_objects::REGISTRY.len());
    assert!(rt.failures.is_empty(), "{}", rt.failures.join("\n"));
}

#[test]
fn a_lamp_in_json_lists_only_what_it_holds() {
    use ucifi_objects::ucifi::outdoor_lamp_controller::v2_0::OutdoorLampController;
    let lamp = OutdoorLampController {
        command: 80,
        dimming_level: 75,
        lamp_failure: Some(false),
        ..Default::default()
    };
    let json = serde_json::to_string(&lamp).unwrap();
    assert_eq!(
        json,
        r#"{"command":80,"dimming_level":75,"lamp_failure":false}"#
    );
    let back: OutdoorLampController =
        serde_json::from_str(r#"{"command":80,"dimming_level":75,"lamp_failure":false}"#).unwrap();
    assert_eq!(back, lamp);
}
