//! The server side with generated types: Write, Create and Write-Composite requests built
//! from typed content and checked against the object versions a client registered; Send
//! payloads and notifications decoded by those versions, with their timestamps.

use coap_lite::Packet;
use ucifi_lwm2m::{Error, ErrorKind, Operation, Reading, Registration, Timed, WriteMode};
use ucifi_objects::REGISTRY;
use ucifi_objects::oma::device::{v1_0 as device_1_0, v1_1 as device_1_1};
use ucifi_objects::ucifi::outdoor_lamp_controller::{v1_0, v2_0};
use ucifi_runtime::codec::{ErrorKind as CodecKind, ValueError};
use ucifi_runtime::typed::Problem;
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
        .write_request(
            WriteMode::PartialUpdate,
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
fn a_replacing_write_of_an_instance_and_of_one_resource() {
    let r = lamp_1_0();
    let lamp = v1_0::OutdoorLampControllerWrite {
        command: Some(80),
        light_color_temperature_command: Some("3000".into()),
        ..Default::default()
    };
    let request = r
        .write_request(
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
    // One resource of the view, as text.
    let request = r
        .write_request(
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
        .write_operation(
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
    let lamp = v1_0::OutdoorLampControllerWrite::default();
    let write = |path: Path, format| {
        r.write_operation(WriteMode::Replace, &path, &lamp, format)
            .unwrap_err()
    };
    // A read-only resource (Dimming level): 4.05; an executable one too.
    let e = write(Path::resource(3416, 0, 3), None);
    assert_eq!(
        codec_error(&e),
        (&CodecKind::NotWritable, Some(Path::resource(3416, 0, 3)))
    );
    assert_eq!(
        e.response_code(),
        ucifi_lwm2m::ResponseCode::MethodNotAllowed
    );
    let e = write(Path::resource(3416, 0, 16), None);
    assert_eq!(codec_error(&e).0, &CodecKind::Executable);
    // A resource the view does not hold, another object's path, a format that cannot
    // carry an instance.
    let e = write(Path::resource(3416, 0, 39), None);
    assert_eq!(
        codec_error(&e),
        (&CodecKind::NoValue, Some(Path::resource(3416, 0, 39)))
    );
    let e = write(Path::instance(3, 0), None);
    assert_eq!(codec_error(&e).0, &CodecKind::WrongTarget);
    let e = write(Path::instance(3416, 0), Some(ContentFormat::Text));
    assert_eq!(codec_error(&e).0, &CodecKind::Unsupported);
    // A value the model does not allow (Command is 0..100): 4.00, nothing encoded.
    let loud = v1_0::OutdoorLampControllerWrite {
        command: Some(555),
        ..Default::default()
    };
    let e = r
        .write_operation(
            WriteMode::PartialUpdate,
            &Path::instance(3416, 0),
            &loud,
            None,
        )
        .unwrap_err();
    assert_eq!(
        codec_error(&e),
        (
            &CodecKind::Invalid(Problem::OutOfRange {
                value: 555.0,
                min: 0.0,
                max: 100.0
            }),
            Some(Path::resource(3416, 0, 1))
        )
    );
    assert_eq!(e.response_code(), ucifi_lwm2m::ResponseCode::BadRequest);
    let e = r.create_operation(1, &loud, None).unwrap_err();
    assert_eq!(codec_error(&e).1, Some(Path::resource(3416, 1, 1)));
    // The 2.0 view for a 1.0 client, a view of an object the client did not register.
    let e = r
        .write_operation(
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
    let e = none.create_operation(1, &lamp, None).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::NotFound(Path::object(3416)));
}

#[test]
fn a_create_carries_the_instance_id_in_its_payload() {
    // LwM2M 1.0: TLV.
    let r = register(&["ep=a"], "</3/0>,</3416>;ver=1.0");
    let write = v1_0::OutdoorLampControllerWrite {
        command: Some(50),
        ..Default::default()
    };
    let request = r.create_request(2, &write, None, 0x24, vec![0xa4]).unwrap();
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

/// A Send payload mixing Device (resources 9 and 13) and the lamp (resource 39, twice,
/// 60 s apart), as SenML JSON.
const SEND: &str = r#"[{"bn":"/3/0/","bt":1700000000,"n":"9","v":87},{"n":"13","v":1700000000},{"bn":"/3416/0/","n":"39","vs":"3000"},{"n":"39","t":60,"vs":"3100"}]"#;

#[test]
fn a_send_payload_decodes_by_the_registered_versions() {
    let r = lamp_1_0();
    let report = r
        .decode_report(
            &REGISTRY,
            &Path::ROOT,
            ContentFormat::SenmlJson,
            SEND.as_bytes(),
        )
        .unwrap();
    let t0 = Some(1_700_000_000.0);
    let t1 = Some(1_700_000_060.0);
    let reading = |path, value, time, version| Reading {
        path,
        value,
        time,
        version,
    };
    assert_eq!(
        report.readings,
        [
            reading(Path::resource(3, 0, 9), Value::Integer(87), t0, v(1, 1)),
            reading(
                Path::resource(3, 0, 13),
                Value::Time(Time(1_700_000_000)),
                t0,
                v(1, 1)
            ),
            reading(Path::resource(3416, 0, 39), text("3000"), t0, v(1, 0)),
            reading(Path::resource(3416, 0, 39), text("3100"), t1, v(1, 0)),
        ]
    );
    // Typed: the Device 1.1 instance and the lamp 1.0 instance at each time.
    let devices = report.instances::<device_1_1::Device>().unwrap();
    assert_eq!(devices.len(), 1);
    assert_eq!((devices[0].instance, devices[0].time), (0, t0));
    assert_eq!(devices[0].value.battery_level, Some(87));
    assert_eq!(devices[0].value.current_time, Some(Time(1_700_000_000)));
    let lamps = report.instances::<v1_0::OutdoorLampController>().unwrap();
    let colour = |t: &Timed<v1_0::OutdoorLampController>| {
        (
            t.instance,
            t.time,
            t.value.light_color_temperature_command.clone(),
        )
    };
    assert_eq!(
        lamps.iter().map(colour).collect::<Vec<_>>(),
        [(0, t0, Some("3000".into())), (0, t1, Some("3100".into()))]
    );
    // Types of other versions than registered are refused.
    let e = report
        .instances::<v2_0::OutdoorLampController>()
        .unwrap_err();
    assert_eq!(
        e.kind(),
        &ErrorKind::VersionMismatch {
            id: 3416,
            registered: v(1, 0),
            requested: v(2, 0)
        }
    );
    let e = report.instances::<device_1_0::Device>().unwrap_err();
    assert_eq!(
        e.kind(),
        &ErrorKind::VersionMismatch {
            id: 3,
            registered: v(1, 1),
            requested: v(1, 0)
        }
    );
}

#[test]
fn with_lamp_2_0_registered_resource_39_is_an_integer() {
    let r = register(&["ep=b", "lwm2m=1.1"], "</3/0>,</3416>;ver=2.0,</3416/0>");
    // The String "3000" is no Integer: refused, never read as another type.
    let e = r
        .decode_report(
            &REGISTRY,
            &Path::ROOT,
            ContentFormat::SenmlJson,
            SEND.as_bytes(),
        )
        .unwrap_err();
    let (kind, path) = codec_error(&e);
    assert_eq!(
        (kind, path),
        (
            &CodecKind::Value(ValueError::WrongType {
                expected: DataType::Integer,
                found: "a string"
            }),
            Some(Path::resource(3416, 0, 39))
        )
    );
    // What a 2.0 client sends: the Integer 3000.
    let payload = br#"[{"bn":"/3416/0/","bt":1700000000,"n":"39","v":3000}]"#;
    let report = r
        .decode_report(&REGISTRY, &Path::ROOT, ContentFormat::SenmlJson, payload)
        .unwrap();
    assert_eq!(report.readings[0].value, Value::Integer(3000));
    assert_eq!(report.readings[0].version, v(2, 0));
    let lamps = report.instances::<v2_0::OutdoorLampController>().unwrap();
    assert_eq!(lamps[0].value.light_color_temperature_command, Some(3000));
    assert_eq!(lamps[0].time, Some(1_700_000_000.0));
}

#[test]
fn reports_name_only_what_the_client_registered() {
    let r = lamp_1_0();
    let decode = |payload: &str| {
        r.decode_report(
            &REGISTRY,
            &Path::ROOT,
            ContentFormat::SenmlJson,
            payload.as_bytes(),
        )
        .unwrap_err()
    };
    let e = decode(r#"[{"n":"/3303/0/5700","v":21.5}]"#);
    assert_eq!(e.kind(), &ErrorKind::NotFound(Path::object(3303)));
    let e = decode(r#"[{"n":"/3416/0/900","v":1}]"#);
    assert_eq!(e.kind(), &ErrorKind::NotFound(Path::resource(3416, 0, 900)));
    let e = decode(r#"[{"n":"/3/0/4","v":1}]"#);
    assert_eq!(
        codec_error(&e),
        (&CodecKind::Executable, Some(Path::resource(3, 0, 4)))
    );
    let e = decode(r#"[{"n":"/3/0/9","v":1},{"n":"/3/0/9","v":2}]"#);
    assert_eq!(
        codec_error(&e),
        (&CodecKind::DuplicatePath, Some(Path::resource(3, 0, 9)))
    );
    let e = decode(r#"[{"n":"/3/0/9/0","v":1}]"#);
    assert_eq!(codec_error(&e).0, &CodecKind::NotMultiple);
    let unknown = register(&["ep=a", "lwm2m=1.1"], "</3/0>,</3416>;ver=1.7");
    let e = unknown
        .decode_report(
            &REGISTRY,
            &Path::ROOT,
            ContentFormat::SenmlJson,
            SEND.as_bytes(),
        )
        .unwrap_err();
    assert_eq!(
        e.kind(),
        &ErrorKind::UnknownModel {
            id: 3416,
            version: v(1, 7)
        }
    );
    // A report without the object: its instances are none; an object not registered is
    // refused.
    let report = r
        .decode_report(
            &REGISTRY,
            &Path::ROOT,
            ContentFormat::SenmlJson,
            br#"[{"n":"/3/0/9","v":1}]"#,
        )
        .unwrap();
    assert_eq!(
        report.instances::<v1_0::OutdoorLampController>().unwrap(),
        []
    );
    let none = register(&["ep=c"], "</3/0>");
    let report = none
        .decode_report(&REGISTRY, &Path::ROOT, ContentFormat::SenmlJson, b"[]")
        .unwrap();
    let e = report
        .instances::<v1_0::OutdoorLampController>()
        .unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::NotFound(Path::object(3416)));
}

#[test]
fn a_send_request_on_the_wire() {
    // CON POST /dp, Content-Format: SenML JSON (110), the payload above.
    let mut bytes = vec![
        0x42, 0x02, 0x01, 0x00, 0x0a, 0x0b, 0xb2, b'd', b'p', 0x11, 0x6e, 0xff,
    ];
    bytes.extend_from_slice(SEND.as_bytes());
    let request = Packet::from_bytes(&bytes).unwrap();
    let report = lamp_1_0().send_report(&REGISTRY, &request).unwrap();
    assert_eq!(report.readings.len(), 4);
    assert_eq!(report.readings[2].value, text("3000"));
    // Without Content-Format: text/plain, which cannot carry a Send payload.
    let bare = Packet::from_bytes(&[0x40, 0x02, 0x01, 0x00, 0xb2, b'd', b'p']).unwrap();
    let e = lamp_1_0().send_report(&REGISTRY, &bare).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Codec(_)), "{e:?}");
}

#[test]
fn a_notification_decodes_at_the_observed_path() {
    let r = lamp_1_0();
    let path = Path::resource(3416, 0, 39);
    // NON 2.05, token 0x0c, Observe: 5, Content-Format: SenML CBOR (112),
    // [{-2: "/3416/0/39", -3: 1700000000, 3: "3000"}].
    let mut bytes = vec![
        0x51, 0x45, 0x00, 0x30, 0x0c, 0x61, 0x05, 0x61, 0x70, 0xff, 0x81, 0xa3, 0x21, 0x6a,
    ];
    bytes.extend_from_slice(b"/3416/0/39");
    bytes.extend_from_slice(&[0x22, 0x1a, 0x65, 0x53, 0xf1, 0x00, 0x03, 0x64]);
    bytes.extend_from_slice(b"3000");
    let response = Packet::from_bytes(&bytes).unwrap();
    let n = r.notification(&REGISTRY, &path, &response).unwrap();
    assert_eq!(n.observe, Some(5));
    assert_eq!(
        n.report.readings,
        [Reading {
            path,
            value: text("3000"),
            time: Some(1_700_000_000.0),
            version: v(1, 0)
        }]
    );
    let lamps = n.report.instances::<v1_0::OutdoorLampController>().unwrap();
    assert_eq!(
        lamps[0].value.light_color_temperature_command.as_deref(),
        Some("3000")
    );
    // A value outside the observed path.
    let e = r
        .notification(&REGISTRY, &Path::resource(3416, 0, 1), &response)
        .unwrap_err();
    assert_eq!(codec_error(&e), (&CodecKind::OutsidePath, Some(path)));
    // The answer without Observe (the observation was not established, or ended).
    let mut last = response.clone();
    last.clear_option(coap_lite::CoapOption::Observe);
    let n = r.notification(&REGISTRY, &path, &last).unwrap();
    assert_eq!((n.observe, n.report.readings.len()), (None, 1));
    // An error response.
    let refused = Packet::from_bytes(&[0x61, 0x84, 0x00, 0x31, 0x0d]).unwrap();
    let e = r.notification(&REGISTRY, &path, &refused).unwrap_err();
    assert_eq!(
        e.kind(),
        &ErrorKind::Response(ucifi_lwm2m::ResponseCode::NotFound)
    );
    // An Observe value that does not fit.
    let mut long = Packet::new();
    long.header.code = coap_lite::MessageClass::Response(coap_lite::ResponseType::Content);
    long.add_option(coap_lite::CoapOption::Observe, vec![1, 2, 3, 4, 5]);
    let e = r.notification(&REGISTRY, &path, &long).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::InvalidOption(6));
    assert_eq!(e.response_code(), ucifi_lwm2m::ResponseCode::BadOption);
}
