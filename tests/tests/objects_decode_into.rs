//! `Instance::decode_into`: decoding into a used struct gives exactly what `Instance::decode`
//! gives into a fresh one, in every format, whatever the struct held before.

use proptest::prelude::*;
use ucifi_objects::oma::device::v1_0::{
    AvailablePowerSourcesValue as Power, Device, ErrorCodeValue,
};
use ucifi_objects::ucifi::outdoor_lamp_controller::v2_0::OutdoorLampController;
use ucifi_runtime::codec::ErrorKind;
use ucifi_runtime::typed::{Enumeration, Instance, ObjectType};
use ucifi_runtime::{ContentFormat, InstanceMap, ObjectLink, Path, Time};

const FORMATS: [ContentFormat; 5] = [
    ContentFormat::Tlv,
    ContentFormat::SenmlJson,
    ContentFormat::SenmlCbor,
    ContentFormat::Lwm2mCbor,
    ContentFormat::Lwm2mJson,
];

fn reference_device() -> Device {
    Device {
        manufacturer: Some("Open Mobile Alliance".into()),
        model_number: Some("Lightweight M2M Client".into()),
        serial_number: Some("345000123".into()),
        firmware_version: Some("1.0".into()),
        available_power_sources: [(0, Power::InternalBattery), (1, Power::Usb)].into(),
        power_source_voltage: [(0, 3800), (1, 5000)].into(),
        power_source_current: [(0, 125), (1, 900)].into(),
        battery_level: Some(100),
        memory_free: Some(15),
        error_code: [(0, ErrorCodeValue::NoError)].into(),
        current_time: Some(Time(1_367_491_215)),
        utc_offset: Some("+02:00".into()),
        timezone: Some("Europe/Berlin".into()),
        supported_binding_and_modes: "U".into(),
        ..Device::default()
    }
}

/// A struct full of values the payloads below do not all carry: longer strings, more
/// resource instances (spilled out of the inline map), resources the payload lacks.
fn stale_device() -> Device {
    Device {
        manufacturer: Some("A much longer manufacturer name than the payload's".into()),
        model_number: Some("m".into()),
        serial_number: None,
        firmware_version: Some("9.9.9".into()),
        available_power_sources: [
            (0, Power::Solar),
            (1, Power::AcMains),
            (2, Power::Usb),
            (3, Power::PowerOverEthernet),
        ]
        .into(),
        power_source_voltage: [(4, 1)].into(),
        power_source_current: InstanceMap::new(),
        battery_level: Some(3),
        memory_free: None,
        error_code: [
            (0, ErrorCodeValue::LowBattery),
            (5, ErrorCodeValue::ExternalPowerOff),
            (9, ErrorCodeValue::Other(33)),
        ]
        .into(),
        current_time: None,
        utc_offset: Some("-11:00".into()),
        timezone: Some("Pacific/Pago_Pago".into()),
        supported_binding_and_modes: "UQS".into(),
        device_type: Some("streetlight".into()),
        hardware_version: Some("rev B".into()),
        software_version: Some("2.1".into()),
        battery_status: Some(ucifi_objects::oma::device::v1_0::BatteryStatusValue::Low),
        memory_total: Some(512),
        ext_dev_info: [(0, ObjectLink::new(3, 1))].into(),
    }
}

fn check_replaces<T: ObjectType>(stale: &T, wanted: &T, path: &Path) {
    for f in FORMATS {
        let bytes = wanted.encode(f, path).unwrap();
        let fresh = T::decode(f, path, &bytes).unwrap();
        let mut used = stale.clone();
        used.decode_into(f, path, &bytes).unwrap();
        assert_eq!(used, fresh, "{f}");
        assert_eq!(&used, wanted, "{f}");
    }
}

#[test]
fn decode_into_a_used_struct_equals_a_fresh_decode() {
    let path = Path::instance(3, 0);
    check_replaces(&stale_device(), &reference_device(), &path);
    check_replaces(&reference_device(), &stale_device(), &path);
    check_replaces(&stale_device(), &Device::default(), &path);
    let lamp = OutdoorLampController {
        command: 80,
        dimming_level: 75,
        scheduler_id: [(0, 1), (1, 2), (2, 3)].into(),
        lamp_operating_hours: Some(12345.5),
        ..OutdoorLampController::default()
    };
    let other = OutdoorLampController {
        command: 1,
        scheduler_id: [(7, 9)].into(),
        standby_mode: Some(true),
        ..OutdoorLampController::default()
    };
    let path = Path::instance(3416, 2);
    check_replaces(&other, &lamp, &path);
    check_replaces(&lamp, &other, &path);
}

#[test]
fn senml_multiple_resource_holds_exactly_the_payload_instances() {
    // SenML has no container for a multiple resource: the first instance of a resource in
    // the payload drops the instances the struct had (unlike `apply`, a partial update).
    let payload = br#"[{"bn":"/3/0/","n":"6/3","v":2},{"n":"16","vs":"U"}]"#;
    let path = Path::instance(3, 0);
    let mut d = stale_device();
    d.decode_into(ContentFormat::SenmlJson, &path, payload)
        .unwrap();
    assert_eq!(
        d,
        Device {
            available_power_sources: [(3, Power::ExternalBattery)].into(),
            supported_binding_and_modes: "U".into(),
            ..Device::default()
        }
    );
}

#[test]
fn decode_into_reports_the_same_errors_as_decode() {
    let path = Path::instance(3, 0);
    for payload in [
        &br#"[{"bn":"/3/0/","n":"9","vs":"x"}]"#[..],
        br#"[{"bn":"/3/1/","n":"9","v":1}]"#,
        br#"[{"bn":"/3/0/","n":"4","v":1}]"#,
        br#"[{"bn":"/3/0/","n":"9/0","v":1}]"#,
    ] {
        let fresh = Device::decode(ContentFormat::SenmlJson, &path, payload).unwrap_err();
        let mut d = stale_device();
        let used = d
            .decode_into(ContentFormat::SenmlJson, &path, payload)
            .unwrap_err();
        assert_eq!(used, fresh);
    }
}

/// Any codes, named or not, as enum values.
fn codes<E: Enumeration>(m: std::collections::BTreeMap<u16, i64>) -> InstanceMap<E> {
    m.into_iter()
        .map(|(ri, v)| (ri, E::from_i128(v.into())))
        .collect()
}

fn device_strategy() -> impl Strategy<Value = Device> {
    let s = || proptest::option::of("[ -~]{0,30}");
    let m = || proptest::collection::btree_map(0u16..6, -5000i64..5000, 0..5);
    (
        (s(), s(), s(), s(), s(), s()),
        (m(), m(), m(), m()),
        (
            proptest::option::of(0i64..=100),
            proptest::option::of(any::<i64>()),
            proptest::option::of(0i64..2_000_000_000),
            "[ -~]{0,4}",
        ),
    )
        .prop_map(
            |((a, b, c, d, e, f), (m6, m7, m8, m11), (bl, mf, t, binding))| Device {
                manufacturer: a,
                model_number: b,
                serial_number: c,
                firmware_version: d,
                utc_offset: e,
                timezone: f,
                available_power_sources: codes(m6),
                power_source_voltage: m7.into(),
                power_source_current: m8.into(),
                error_code: codes(m11),
                battery_level: bl,
                memory_free: mf,
                current_time: t.map(Time),
                supported_binding_and_modes: binding,
                ..Device::default()
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn decode_into_any_used_struct(stale in device_strategy(), wanted in device_strategy()) {
        let path = Path::instance(3, 0);
        for f in FORMATS {
            let bytes = wanted.encode(f, &path).unwrap();
            let mut used = stale.clone();
            used.decode_into(f, &path, &bytes).unwrap();
            prop_assert_eq!(&used, &wanted, "{}", f);
        }
    }
}

/// A multiple-resource container (TLV kind 10, a LwM2M CBOR map) for a resource that is not
/// a multiple resource the struct takes is refused like its instances would be, empty or
/// not, by `decode`, `decode_into` and `apply`: `decode_into` used to drop it and keep
/// the struct's old value (found by fuzzing).
#[test]
fn containers_of_single_resources_are_refused() {
    use ucifi_objects::oma::device::v1_0::DeviceWrite;
    let at_instance = Path::instance(3, 0);
    /// (format, target, payload, the error's path and kind, or none).
    type Case<'p> = (
        ContentFormat,
        &'p Path,
        &'static str,
        Option<(Path, ErrorKind)>,
    );
    let cases: [Case; 8] = [
        // Manufacturer (0, single): an empty container, and one with an instance.
        (
            ContentFormat::Tlv,
            &at_instance,
            "80 00",
            Some((p("/3/0/0"), ErrorKind::NotMultiple)),
        ),
        (
            ContentFormat::Tlv,
            &at_instance,
            "83 00 41 00 61",
            Some((p("/3/0/0"), ErrorKind::NotMultiple)),
        ),
        // Reboot (4, executable).
        (
            ContentFormat::Tlv,
            &at_instance,
            "80 04",
            Some((p("/3/0/4"), ErrorKind::Executable)),
        ),
        // At a resource path.
        (
            ContentFormat::Tlv,
            &Path::resource(3, 0, 9),
            "80 09",
            Some((p("/3/0/9"), ErrorKind::NotMultiple)),
        ),
        // LwM2M CBOR: {[3,0]: {0: {}}} and {[3,0,0]: {}}, and {[3,0]: {4: {}}}.
        (
            ContentFormat::Lwm2mCbor,
            &at_instance,
            "A1 82 03 00 A1 00 A0",
            Some((p("/3/0/0"), ErrorKind::NotMultiple)),
        ),
        (
            ContentFormat::Lwm2mCbor,
            &at_instance,
            "A1 83 03 00 00 A0",
            Some((p("/3/0/0"), ErrorKind::NotMultiple)),
        ),
        (
            ContentFormat::Lwm2mCbor,
            &at_instance,
            "A1 82 03 00 A1 04 A0",
            Some((p("/3/0/4"), ErrorKind::Executable)),
        ),
        // A container of a multiple resource is still fine (checked below): 6 emptied.
        (ContentFormat::Tlv, &at_instance, "80 06", None),
    ];
    for (format, path, hex, want) in cases {
        let bytes = hex_bytes(hex);
        let fresh = Device::decode(format, path, &bytes);
        let mut used = stale_device();
        let into = used.decode_into(format, path, &bytes);
        let mut applied = stale_device();
        let apply = applied.merge(format, path, &bytes);
        let Some((at, kind)) = want else {
            assert_eq!(fresh.unwrap(), Device::default(), "{format} {hex}");
            into.unwrap();
            assert!(used.available_power_sources.is_empty(), "{format} {hex}");
            apply.unwrap();
            assert!(applied.available_power_sources.is_empty(), "{format} {hex}");
            assert_eq!(applied.manufacturer, stale_device().manufacturer);
            continue;
        };
        for (what, e) in [
            ("decode", fresh.unwrap_err()),
            ("decode_into", into.unwrap_err()),
            ("apply", apply.unwrap_err()),
        ] {
            assert_eq!(
                (e.kind(), e.path()),
                (&kind, Some(at)),
                "{format} {hex} {what}"
            );
        }
    }
    // Write views: a container of a read-only resource (Error Code, 11, multiple) is
    // refused as not writable, of a writable single one (UTC Offset, 14) as single.
    for (hex, (at, kind)) in [
        ("80 0B", (p("/3/0/11"), ErrorKind::NotWritable)),
        ("80 0E", (p("/3/0/14"), ErrorKind::NotMultiple)),
    ] {
        let err =
            DeviceWrite::decode(ContentFormat::Tlv, &at_instance, &hex_bytes(hex)).unwrap_err();
        assert_eq!((err.kind(), err.path()), (&kind, Some(at)), "{hex}");
    }
}

fn p(s: &str) -> Path {
    s.parse().unwrap()
}

fn hex_bytes(s: &str) -> Vec<u8> {
    s.split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).unwrap())
        .collect()
}

/// Resource instances listed in descending order (every ID of a resource, as a hostile
/// payload can): each lands below all the others. They used to be inserted into a sorted
/// `Vec` one by one, quadratic in the count (1.7 s for a 1 MiB TLV, found by fuzzing).
#[test]
fn descending_resource_instances_decode_in_order() {
    const N: u16 = 65_535;
    let mut body = Vec::new();
    for ri in (0..N).rev() {
        // Resource instance TLV, 16-bit ID, one-byte value.
        body.extend([0x61, (ri >> 8) as u8, ri as u8, (ri % 8) as u8]);
    }
    let len = body.len();
    let mut tlv = vec![0x98, 6, (len >> 16) as u8, (len >> 8) as u8, len as u8];
    tlv.extend(body);
    let path = Path::instance(3, 0);
    let want: InstanceMap<Power> = (0..N)
        .map(|ri| (ri, Power::from_i128((ri % 8).into())))
        .collect();
    let fresh = Device::decode(ContentFormat::Tlv, &path, &tlv).unwrap();
    assert_eq!(fresh.available_power_sources, want);
    let mut used = stale_device();
    used.decode_into(ContentFormat::Tlv, &path, &tlv).unwrap();
    assert_eq!(used.available_power_sources, want);
    // Encoded again, in ascending order.
    let again = fresh.encode(ContentFormat::Tlv, &path).unwrap();
    let back = Device::decode(ContentFormat::Tlv, &path, &again).unwrap();
    assert_eq!(back, fresh);
}

#[test]
fn an_empty_payload_empties_the_instance_or_the_multiple_resource() {
    let path = Path::instance(3, 0);
    for f in FORMATS {
        assert_eq!(
            Device::decode(f, &path, b"").unwrap(),
            Device::default(),
            "{f}"
        );
        let mut d = reference_device();
        d.decode_into(f, &path, b"").unwrap();
        assert_eq!(d, Device::default(), "{f}");
        // A Write of nothing to a multiple resource leaves it without instances.
        let mut d = reference_device();
        d.decode_into(f, &Path::resource(3, 0, 6), b"").unwrap();
        assert!(d.available_power_sources.is_empty(), "{f}");
    }
}

#[test]
fn one_resource_of_a_filled_struct_encodes_alone() {
    let d = reference_device();
    for f in FORMATS {
        // /3/0/9: the Battery Level alone, as a payload for that path.
        let path = Path::resource(3, 0, 9);
        let bytes = d.encode(f, &path).unwrap();
        let back = Device::decode(f, &path, &bytes).unwrap();
        assert_eq!(
            back,
            Device {
                battery_level: Some(100),
                ..Device::default()
            },
            "{f}"
        );
        // /3/0/7: a multiple resource with its instances; /3/0/7/1: one instance.
        let path = Path::resource(3, 0, 7);
        let back = Device::decode(f, &path, &d.encode(f, &path).unwrap()).unwrap();
        assert_eq!(back.power_source_voltage, d.power_source_voltage, "{f}");
        assert_eq!(back.battery_level, None, "{f}");
        let path = Path::resource_instance(3, 0, 7, 1);
        let back = Device::decode(f, &path, &d.encode(f, &path).unwrap()).unwrap();
        assert_eq!(back.power_source_voltage, [(1, 5000)].into(), "{f}");
        // A resource the struct does not hold: no value to answer with.
        for path in [
            Path::resource(3, 0, 17),
            Path::resource_instance(3, 0, 7, 5),
        ] {
            let e = d.encode(f, &path).unwrap_err();
            assert_eq!(e.kind(), &ErrorKind::NoValue, "{f} {path}");
            assert_eq!(e.path(), Some(path));
        }
    }
    // Exact bytes: TLV of /3/0/9 is the one resource TLV; text/plain works too.
    assert_eq!(
        d.encode(ContentFormat::Tlv, &Path::resource(3, 0, 9))
            .unwrap(),
        [0xc1, 0x09, 100]
    );
    assert_eq!(
        d.encode(ContentFormat::Text, &Path::resource(3, 0, 9))
            .unwrap(),
        b"100"
    );
    assert_eq!(
        d.encode(ContentFormat::Text, &Path::resource_instance(3, 0, 7, 0))
            .unwrap(),
        b"3800"
    );
}
