//! The build.rs-generated vendor object and fixture objects work like the shipped library.

use ucifi_example_vendor_object::fixtures::vendor::quirky_thing::{self, QuirkyThing};
use ucifi_example_vendor_object::x::bench_sensor::{self, BenchSensor};
use ucifi_example_vendor_object::{REGISTRY, fixtures};
use ucifi_runtime::codec::{InstanceSink, RawValue};
use ucifi_runtime::typed::{Instance, ObjectType, Problem};
use ucifi_runtime::{ContentFormat, ObjectLink, Path, Time};

/// `value` encoded in TLV and in LwM2M CBOR (the formats that carry every resource,
/// empty multiple ones too) and decoded back; both must agree.
fn round_trip<T: ObjectType>(value: &T) -> T {
    let path = Path::instance(T::OBJECT_ID, 0);
    let [a, b] = [ContentFormat::Tlv, ContentFormat::Lwm2mCbor].map(|f| {
        let bytes = value.encode(f, &path).unwrap();
        T::decode(f, &path, &bytes).unwrap()
    });
    assert_eq!(a, b);
    a
}

#[test]
fn vendor_object_round_trips_and_validates() {
    let bench = BenchSensor {
        occupied: true,
        seat_temperature: Some(21.5),
        port_power: [(0, 4.5), (1, 0.0)].into(),
        display_text: Some("Hello".into()),
        display_mode: Some(bench_sensor::DisplayModeValue::Message),
        occupancy_count: Some(12),
        last_occupied: Some(Time(1_700_000_000)),
    };
    assert_eq!(round_trip(&bench), bench);
    assert!(bench.validate().is_ok());
    let bad = BenchSensor {
        seat_temperature: Some(120.0),
        display_text: Some("x".repeat(65)),
        display_mode: Some(bench_sensor::DisplayModeValue::Other(9)),
        ..bench
    };
    let problems = bad.validate().unwrap_err();
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert!(matches!(
        problems[1].problem,
        Problem::BadLength { len: 65, .. }
    ));
    assert_eq!(REGISTRY.latest(26300).unwrap().name, "Bench Sensor");
    assert_eq!(
        bench_sensor::Execute::ALL,
        &[bench_sensor::Execute::ResetCounters]
    );
    assert_eq!(
        bench_sensor::Execute::from_id(5),
        Some(bench_sensor::Execute::ResetCounters)
    );
}

#[test]
fn quirky_fixture_covers_every_type() {
    let q = QuirkyThing {
        name: "thing".into(),
        count: Some(quirky_thing::CountValue::Other(-10)),
        big_count: Some(u64::MAX),
        type_: Some("keyword".into()),
        ratio: Some(0.5),
        enabled: Some(true),
        blob: Some(vec![0; 16]),
        stamp: Some(Time(-1)),
        link: Some(ObjectLink::new(3, 0)),
        links: Some(ucifi_runtime::CoreLink("</3/0>".into())),
        readings: [(0, 1.5), (7, -2.0)].into(),
        mode: Some(quirky_thing::ModeValue::Automatic),
        r_3_phase_active_power: Some(230.0),
        object_enabled_14: Some(true),
        object_enabled_15: Some(false),
        group_address: Some("239.0.0.1".into()),
        secret_key: Some(vec![1, 2, 3]),
        allowed_step: [(0, quirky_thing::AllowedStepValue::Other(2))].into(),
        level: Some(quirky_thing::LevelValue::High),
        self_: Some(1),
        active_energy_a_a_combined_total_22: Some(1.0),
        active_energy_a_a_combined_total_23: Some(2.0),
        quirky_thing: Some("same name as the object".into()),
    };
    assert_eq!(round_trip(&q), q);
    assert!(q.validate().is_ok(), "{:?}", q.validate());
    // Enumerations keep unknown values; value names (tests/fixtures/values) win over the
    // range's labels.
    let mut other = QuirkyThing::default();
    other.set(12, None, &RawValue::Integer(7)).unwrap();
    assert_eq!(other.mode, Some(quirky_thing::ModeValue::Other(7)));
    other.set(12, None, &RawValue::Integer(1)).unwrap();
    assert_eq!(other.mode, Some(quirky_thing::ModeValue::Other(1)));
    other.set(1, None, &RawValue::Integer(100)).unwrap();
    assert_eq!(other.count, Some(quirky_thing::CountValue::Full));
    // Each violation is reported, not only the first.
    let bad = QuirkyThing {
        count: Some(quirky_thing::CountValue::Other(101)),
        blob: Some(vec![0; 3]),
        allowed_step: [
            (0, quirky_thing::AllowedStepValue::Other(3)),
            (1, quirky_thing::AllowedStepValue::Other(4)),
        ]
        .into(),
        mode: Some(quirky_thing::ModeValue::Other(7)),
        ..q.clone()
    };
    assert_eq!(bad.validate().unwrap_err().len(), 5);
    // Executables are a typed list, not fields.
    assert_eq!(
        quirky_thing::Execute::ALL
            .iter()
            .map(|e| e.id())
            .collect::<Vec<_>>(),
        [4, 20]
    );
    // Objects sharing a name get their ID appended within a family.
    assert_eq!(
        <fixtures::vendor::Location26242 as Instance>::OBJECT_ID,
        26242
    );
    assert_eq!(<fixtures::other::Location as Instance>::OBJECT_ID, 26243);
    assert_eq!(fixtures::REGISTRY.len(), 6);
}
