//! The server side with generated types: Write, Create and Write-Composite requests built
//! from typed content and checked against the object versions a client registered.

use ucifi_lwm2m::{Error, ErrorKind, Operation, Registration, WriteMode};
use ucifi_objects::REGISTRY;
use ucifi_objects::oma::device::v1_1 as device_1_1;
use ucifi_objects::ucifi::outdoor_lamp_controller::{v1_0, v2_0};
use ucifi_runtime::codec::{ErrorKind as CodecKind, ValueError};
use ucifi_runtime::{ContentFormat, DataType, Path, Time, Value, Version};

fn v(major: u16, minor: u16) -> Version {
    Version::new(major, minor)
}

fn text(s: &str) -> Value {
    Value::String(s.into())
}

fn register(query: &[&str], payload: &str) -> Registration {
    Registration::from_register(query.iter().copied(), payload.as_bytes()).unwrap()
}

/// A LwM2M 1.1 client with Device 1.1 and the Outdoor lamp controller 1.0.
fn lamp_1_0() -> Registration {
    register(&["ep=a", "lwm2m=1.1"], "</3/0>,</3416>;ver=1.0,</3416/0>")
}

fn codec_error(e: &Error) -> (&CodecKind, Option<Path>) {
    let ErrorKind::Codec(c) = e.kind() else {
        panic!("{e:?}")
    };
    (c.kind(), c.path())
}

#[test]
fn the_default_format_follows_the_client() {
    // 1.0: TLV; 1.1 and later: SenML CBOR unless the client announced others.
    assert_eq!(
        register(&["ep=a"], "</3/0>").preferred_format(),
        ContentFormat::Tlv
    );
    assert_eq!(lamp_1_0().preferred_format(), ContentFormat::SenmlCbor);
    let r = register(
        &["ep=a", "lwm2m=1.2"],
        r#"</>;rt="oma.lwm2m";ct="110 11542",</3/0>"#,
    );
    assert_eq!(r.preferred_format(), ContentFormat::Tlv);
    assert_eq!(r.preferred_composite_format(), ContentFormat::SenmlJson);
    assert_eq!(
        lamp_1_0().preferred_composite_format(),
        ContentFormat::SenmlCbor
    );
}

#[test]
fn a_partial_update_from_a_write_view() {
    let r = lamp_1_0();
    let write = v1_0::OutdoorLampControllerWrite {
        command: Some(50),
        ..Default::default()
    };
    let request = r
        .write_request::<v1_0::OutdoorLampController>(
            WriteMode::Update,
            &Path::instance(3416, 0),
            &write,
            None,
            0x21,
            vec![0xa1],
        )
        .unwrap();
    // CON POST /3416/0, Content-Format: SenML CBOR (112), [{-2: "/3416/0/", 0: "1", 2: 50}].
    assert_eq!(
        request.to_bytes().unwrap(),
        [
            0x41, 0x02, 0x00, 0x21, 0xa1, 0xb4, b'3', b'4', b'1', b'6', 0x01, b'0', 0x11, 0x70,
            0xff, 0x81, 0xa3, 0x21, 0x68, b'/', b'3', b'4', b'1', b'6', b'/', b'0', b'/', 0x00,
            0x61, b'1', 0x02, 0x18, 0x32,
        ]
    );
}

#[test]
fn a_replacing_write_from_a_struct_sends_its_writable_resources() {
    let r = lamp_1_0();
    let lamp = v1_0::OutdoorLampController {
        command: 80,
        // Read-only: not sent.
        dimming_level: 40,
        light_color_temperature_command: Some("3000".into()),
        ..Default::default()
    };
    let request = r
        .write_request::<v1_0::OutdoorLampController>(
            WriteMode::Replace,
            &Path::instance(3416, 0),
            &lamp,
            Some(ContentFormat::Tlv),
            0x22,
            vec![0xa2],
        )
        .unwrap();
    // CON PUT /3416/0, Content-Format: TLV (11542), resource 1 = 80, resource 39 = "3000".
    assert_eq!(
        request.to_bytes().unwrap(),
        [
            0x41, 0x03, 0x00, 0x22, 0xa2, 0xb4, b'3', b'4', b'1', b'6', 0x01, b'0', 0x12, 0x2d,
            0x16, 0xff, 0xc1, 0x01, 0x50, 0xc4, 0x27, b'3', b'0', b'0', b'0',
        ]
    );
    // One resource of the struct, as text.
    let request = r
        .write_request::<v1_0::OutdoorLampController>(
            WriteMode::Replace,
            &Path::resource(3416, 0, 39),
            &lamp,
            Some(ContentFormat::Text),
            0x23,
            vec![0xa3],
        )
        .unwrap();
    assert_eq!(
        request.to_bytes().unwrap(),
        [
            0x41, 0x03, 0x00, 0x23, 0xa3, 0xb4, b'3', b'4', b'1', b'6', 0x01, b'0', 0x02, b'3',
            b'9', 0x10, 0xff, b'3', b'0', b'0', b'0',
        ]
    );
    // The same as an operation, without CoAP.
    let op = r
        .write_operation::<v1_0::OutdoorLampController>(
            WriteMode::Replace,
            &Path::resource(3416, 0, 39),
            &lamp,
            Some(ContentFormat::Text),
        )
        .unwrap();
    assert_eq!(
        op,
        Operation::Write {
            mode: WriteMode::Replace,
            format: ContentFormat::Text,
            payload: b"3000".to_vec()
        }
    );
}

#[test]
fn typed_writes_are_refused_before_anything_is_sent() {
    let r = lamp_1_0();
    let lamp = v1_0::OutdoorLampController::default();
    let write = |path: Path, format| {
        r.write_operation::<v1_0::OutdoorLampController>(WriteMode::Replace, &path, &lamp, format)
            .unwrap_err()
    };
    // A read-only resource: 4.05.
    let e = write(Path::resource(3416, 0, 3), None);
    assert_eq!(
        codec_error(&e),
        (&CodecKind::NotWritable, Some(Path::resource(3416, 0, 3)))
    );
    assert_eq!(
        e.response_code(),
        ucifi_lwm2m::ResponseCode::MethodNotAllowed
    );
    // A resource the struct does not hold, another object's path, a format that cannot
    // carry an instance.
    let e = write(Path::resource(3416, 0, 39), None);
    assert_eq!(
        codec_error(&e),
        (&CodecKind::NoValue, Some(Path::resource(3416, 0, 39)))
    );
    let e = write(Path::instance(3, 0), None);
    assert_eq!(
        codec_error(&e),
        (&CodecKind::WrongTarget, Some(Path::instance(3, 0)))
    );
    let e = write(Path::instance(3416, 0), Some(ContentFormat::Text));
    assert_eq!(codec_error(&e).0, &CodecKind::Unsupported);
    // The 2.0 type for a 1.0 client, a type of an object the client did not register.
    let e = r
        .write_operation::<v2_0::OutdoorLampController>(
            WriteMode::Replace,
            &Path::instance(3416, 0),
            &v2_0::OutdoorLampControllerWrite::default(),
            None,
        )
        .unwrap_err();
    assert_eq!(
        e.kind(),
        &ErrorKind::VersionMismatch {
            id: 3416,
            registered: v(1, 0),
            requested: v(2, 0)
        }
    );
    let none = register(&["ep=c"], "</3/0>");
    let e = none
        .create_operation::<v1_0::OutdoorLampController>(1, &lamp, None)
        .unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::NotFound(Path::object(3416)));
    // Content of another object than the type named.
    let e = r
        .write_operation::<v1_0::OutdoorLampController>(
            WriteMode::Update,
            &Path::instance(3416, 0),
            &device_1_1::Device::default(),
            None,
        )
        .unwrap_err();
    assert_eq!(codec_error(&e).0, &CodecKind::WrongTarget);
}

#[test]
fn a_create_carries_the_instance_id_in_its_payload() {
    // LwM2M 1.0: TLV.
    let r = register(&["ep=a"], "</3/0>,</3416>;ver=1.0");
    let write = v1_0::OutdoorLampControllerWrite {
        command: Some(50),
        ..Default::default()
    };
    let request = r
        .create_request::<v1_0::OutdoorLampController>(2, &write, None, 0x24, vec![0xa4])
        .unwrap();
    // CON POST /3416, Content-Format: TLV, object instance 2 holding resource 1 = 50.
    assert_eq!(
        request.to_bytes().unwrap(),
        [
            0x41, 0x02, 0x00, 0x24, 0xa4, 0xb4, b'3', b'4', b'1', b'6', 0x12, 0x2d, 0x16, 0xff,
            0x03, 0x02, 0xc1, 0x01, 0x32,
        ]
    );
}

#[test]
fn a_write_composite_of_typed_values() {
    let r = lamp_1_0();
    let values = [
        (Path::resource(3416, 0, 39), Value::String("2700".into())),
        (Path::resource(3, 0, 13), Value::Time(Time(1_700_000_000))),
    ];
    let request = r
        .write_composite_request(
            &REGISTRY,
            &values,
            Some(ContentFormat::SenmlJson),
            0x25,
            vec![0xa5],
        )
        .unwrap();
    let mut bytes = vec![0x41, 0x07, 0x00, 0x25, 0xa5, 0xc1, 0x6e, 0xff];
    bytes.extend_from_slice(
        br#"[{"bn":"/3416/0/","n":"39","vs":"2700"},{"bn":"/3/0/","n":"13","v":1700000000}]"#,
    );
    assert_eq!(request.to_bytes().unwrap(), bytes);
    // Each value is checked against the registered version.
    let composite = |values: &[(Path, Value)], format| {
        r.write_composite_operation(&REGISTRY, values, format)
            .unwrap_err()
    };
    let at = Path::resource(3416, 0, 39);
    // Resource 39 is a String in 1.0: an Integer is refused.
    let e = composite(&[(at, Value::Integer(3000))], None);
    assert_eq!(
        codec_error(&e),
        (
            &CodecKind::Value(ValueError::WrongType {
                expected: DataType::String,
                found: "an integer"
            }),
            Some(at)
        )
    );
    let e = composite(&[(Path::resource(3416, 0, 3), Value::Integer(1))], None);
    assert_eq!(codec_error(&e).0, &CodecKind::NotWritable);
    let e = composite(&[(Path::resource(3, 0, 4), Value::Integer(1))], None);
    assert_eq!(codec_error(&e).0, &CodecKind::Executable);
    let e = composite(
        &[(Path::resource_instance(3416, 0, 39, 0), text("x"))],
        None,
    );
    assert_eq!(codec_error(&e).0, &CodecKind::NotMultiple);
    let e = composite(&[(Path::instance(3416, 0), Value::Integer(1))], None);
    assert_eq!(codec_error(&e).0, &CodecKind::Misplaced);
    let e = composite(&[(at, text("1")), (at, text("2"))], None);
    assert_eq!(codec_error(&e), (&CodecKind::DuplicatePath, Some(at)));
    let e = composite(&[(Path::resource(3303, 0, 5700), Value::Float(1.0))], None);
    assert_eq!(e.kind(), &ErrorKind::NotFound(Path::object(3303)));
    let e = composite(&[(Path::resource(3416, 0, 900), Value::Integer(1))], None);
    assert_eq!(e.kind(), &ErrorKind::NotFound(Path::resource(3416, 0, 900)));
    let e = composite(&[(at, text("1"))], Some(ContentFormat::Tlv));
    assert_eq!(e.kind(), &ErrorKind::UnsupportedContentFormat(11542));
    let unknown = register(&["ep=a"], "</3416>;ver=1.7");
    let e = unknown
        .write_composite_operation(&REGISTRY, &[(at, text("1"))], None)
        .unwrap_err();
    assert_eq!(
        e.kind(),
        &ErrorKind::UnknownModel {
            id: 3416,
            version: v(1, 7)
        }
    );
}
