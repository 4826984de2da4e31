//! Typed decoding of hand-made payloads (exact bytes) into generated structs, typed
//! single-resource reads and writes, write views and validation.

use ucifi_objects::oma::device;
use ucifi_objects::oma::device::v1_0::{
    AvailablePowerSourcesValue as Power, Device, ErrorCodeValue,
};
use ucifi_runtime::codec::ErrorKind;
use ucifi_runtime::typed::{self, Instance, ObjectType, Problem, WriteView};
use ucifi_runtime::{ContentFormat, Path, Time};

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// The Device instance of the LwM2M TLV example (TS Core, appendix: TLV), byte for byte.
const DEVICE_TLV: &str = "
    C8 00 14 4F 70 65 6E 20 4D 6F 62 69 6C 65 20 41 6C 6C 69 61 6E 63 65
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
    C1 10 55";

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
        supported_binding_and_modes: "U".into(),
        ..Device::default()
    }
}

#[test]
fn tlv_device_decodes_and_reencodes_byte_for_byte() {
    let bytes = hex(DEVICE_TLV);
    let path = Path::instance(3, 0);
    let decoded = Device::decode(ContentFormat::Tlv, &path, &bytes).unwrap();
    assert_eq!(decoded, reference_device());
    assert!(decoded.validate().is_ok(), "{:?}", decoded.validate());
    assert_eq!(decoded.encode(ContentFormat::Tlv, &path).unwrap(), bytes);
}

#[test]
fn senml_json_partial_update() {
    let payload = br#"[{"bn":"/3/0/","n":"9","v":42},{"n":"13","v":1700000000},{"n":"6/0","v":7}]"#;
    let path = Path::instance(3, 0);
    let mut d = reference_device();
    d.merge(ContentFormat::SenmlJson, &path, payload).unwrap();
    assert_eq!(d.battery_level, Some(42));
    assert_eq!(d.current_time, Some(Time(1_700_000_000)));
    // SenML has no multiple-resource container: instance 0 is updated, instance 1 kept.
    assert_eq!(
        d.available_power_sources,
        [(0, Power::Solar), (1, Power::Usb)].into()
    );
    assert_eq!(d.manufacturer.as_deref(), Some("Open Mobile Alliance"));
}

#[test]
fn typed_single_resource_read_and_write() {
    // /3/0/9 = 100 in TLV.
    let path = Path::resource(3, 0, 9);
    let bytes = hex("C1 09 64");
    let level: i64 =
        typed::read::<device::v1_0::resources::BatteryLevel>(ContentFormat::Tlv, &path, &bytes)
            .unwrap();
    assert_eq!(level, 100);
    // A multiple resource reads as a map.
    let path = Path::resource(3, 0, 6);
    let bytes = hex("86 06 41 00 01 41 01 05");
    let sources = typed::read::<device::v1_0::resources::AvailablePowerSources>(
        ContentFormat::Tlv,
        &path,
        &bytes,
    )
    .unwrap();
    assert_eq!(
        sources,
        [(0, Power::InternalBattery), (1, Power::Usb)].into()
    );
    // Writing a writable resource (reading-only ones do not compile: see ucifi-objects docs).
    let path = Path::resource(3, 0, 13);
    let bytes = typed::write::<device::v1_0::resources::CurrentTime>(
        ContentFormat::Tlv,
        &path,
        &Time(1_367_491_215),
    )
    .unwrap();
    assert_eq!(bytes, hex("C4 0D 51 82 42 8F"));
}

#[test]
fn write_view_refuses_read_only_resources() {
    let path = Path::instance(3, 0);
    // Current Time (13, RW) and UTC Offset (14, RW): accepted.
    let ok = hex("C4 0D 51 82 42 8F C6 0E 2B 30 32 3A 30 30");
    let w = device::v1_0::DeviceWrite::decode(ContentFormat::Tlv, &path, &ok).unwrap();
    assert_eq!(w.current_time, Some(Time(1_367_491_215)));
    let mut d = Device::default();
    w.apply_to(&mut d);
    assert_eq!(d.utc_offset.as_deref(), Some("+02:00"));
    // Battery Level (9, R): refused.
    let bad = hex("C1 09 64");
    let err = device::v1_0::DeviceWrite::decode(ContentFormat::Tlv, &path, &bad).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::NotWritable);
    assert_eq!(err.path(), Some(Path::resource(3, 0, 9)));
    assert_eq!(err.offset(), Some(0));
    // Executable resources carry no value.
    let exec = hex("C1 04 01");
    let err = Device::decode(ContentFormat::Tlv, &path, &exec).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::Executable);
}

#[test]
fn validate_reports_every_violation() {
    let d = Device {
        battery_level: Some(150),
        ..reference_device()
    };
    let found = d.validate().unwrap_err();
    assert!(
        found
            .iter()
            .any(|v| v.resource == 9 && matches!(v.problem, Problem::OutOfRange { .. })),
        "{found:?}"
    );
}

#[test]
fn registry_lookups() {
    use ucifi_objects::REGISTRY;
    let latest = REGISTRY.latest(3).unwrap();
    assert_eq!(latest.name, "Device");
    assert_eq!(REGISTRY.get(3, ucifi_runtime::Version::V1_0).unwrap().id, 3);
    assert_eq!(
        REGISTRY.by_urn(&latest.urn).unwrap().version,
        latest.version
    );
    assert_eq!(
        <Device as ObjectType>::MODEL.resource(9).unwrap().name,
        "Battery Level"
    );
    assert_eq!(<Device as Instance>::OBJECT_ID, 3);
    // Resource markers carry the model's facts as constants.
    use ucifi_runtime::typed::Resource;
    assert_eq!(device::resources::BatteryLevel::ID, 9);
    assert_eq!(device::resources::BatteryLevel::NAME, "Battery Level");
    assert_eq!(
        device::resources::BatteryLevel::OPERATIONS,
        ucifi_runtime::Operations::R
    );
    const {
        assert!(
            !device::resources::BatteryLevel::MULTIPLE && device::resources::ErrorCode::MULTIPLE
        )
    };
    assert_eq!(
        device::resources::Reboot::DATA_TYPE,
        ucifi_runtime::DataType::None
    );
    assert_eq!(
        device::resources::CurrentTime::MODEL.data_type,
        ucifi_runtime::DataType::Time
    );
    // Family re-exports point to the latest version.
    assert_eq!(
        <ucifi_objects::oma::Device as ObjectType>::VERSION,
        latest.version
    );
}

#[test]
fn senml_cbor_hand_made_bytes() {
    // [{-2: "/3/0/", 0: "9", 2: 100}, {0: "14", 3: "+02:00"}]
    let bytes = hex("82 A3 21 65 2F 33 2F 30 2F 00 61 39 02 18 64
            A2 00 62 31 34 03 66 2B 30 32 3A 30 30");
    let path = Path::instance(3, 0);
    let d = Device::decode(ContentFormat::SenmlCbor, &path, &bytes).unwrap();
    assert_eq!(
        d,
        Device {
            battery_level: Some(100),
            utc_offset: Some("+02:00".into()),
            ..Device::default()
        }
    );
    // A Boolean where the model says Integer is refused with the path.
    let wrong = hex("81 A3 21 65 2F 33 2F 30 2F 00 61 39 04 F5");
    let err = Device::decode(ContentFormat::SenmlCbor, &path, &wrong).unwrap_err();
    assert_eq!(err.path(), Some(Path::resource(3, 0, 9)));
    assert!(matches!(err.kind(), ErrorKind::Value(_)), "{err}");
}

/// An empty multiple resource read at its own path: SenML and LwM2M JSON can only say
/// so with an empty pack, which the encoders write and, with a model that knows the
/// resource is multiple, the decoders read back (found by fuzzing: they refused it).
#[test]
fn empty_multiple_resource_round_trips_through_senml_and_lwm2m_json() {
    use ucifi_objects::REGISTRY;
    use ucifi_runtime::codec::{self, NoModel};
    use ucifi_runtime::{Node, ResourceNode, ResourceValue};
    let path = Path::resource(3, 0, 6);
    let empty = Node::Resource(ResourceNode {
        id: 6,
        value: ResourceValue::Multiple(Vec::new()),
    });
    let json = codec::encode(ContentFormat::SenmlJson, &path, &empty).unwrap();
    assert_eq!(json, b"[]");
    let cbor = codec::encode(ContentFormat::SenmlCbor, &path, &empty).unwrap();
    assert_eq!(cbor, [0x80]);
    let lwm2m = codec::encode(ContentFormat::Lwm2mJson, &path, &empty).unwrap();
    for (f, bytes) in [
        (ContentFormat::SenmlJson, &json),
        (ContentFormat::SenmlCbor, &cbor),
        (ContentFormat::Lwm2mJson, &lwm2m),
    ] {
        assert_eq!(codec::decode(f, &path, bytes, &REGISTRY).unwrap(), empty);
    }
    // Without a model, or for a single resource (9, Battery Level), nothing says what an
    // empty pack is: still refused.
    let e = codec::decode(ContentFormat::SenmlJson, &path, &json, &NoModel).unwrap_err();
    assert_eq!((e.kind(), e.path()), (&ErrorKind::NoValue, Some(path)));
    let single = Path::resource(3, 0, 9);
    let e = codec::decode(ContentFormat::SenmlJson, &single, b"[]", &REGISTRY).unwrap_err();
    assert_eq!((e.kind(), e.path()), (&ErrorKind::NoValue, Some(single)));
}
