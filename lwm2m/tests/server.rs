//! The server side: Register requests read into registrations whose objects keep the
//! versions the client declared; Read requests and typed responses by those versions;
//! every error's CoAP response code.

use coap_lite::{CoapOption, MessageClass, Packet, ResponseType};
use ucifi_lwm2m::{
    Error, ErrorKind, RegisteredObject, Registration, ResponseCode, default_version,
};
use ucifi_objects::ucifi::outdoor_lamp_controller::{v1_0, v2_0};
use ucifi_runtime::codec::{self, ErrorKind as CodecKind, Syntax, ValueError};
use ucifi_runtime::{ContentFormat, DataType, Path, UnknownModel, Version};

fn v(major: u16, minor: u16) -> Version {
    Version::new(major, minor)
}

fn register(query: &[&str], payload: &str) -> Result<Registration, Error> {
    Registration::from_register(query.iter().copied(), payload.as_bytes())
}

#[test]
fn a_register_request_reads_into_a_registration() {
    let r = register(
        &["ep=lamp-17", "lt=300", "lwm2m=1.2.1", "b=UQ", "sms=+4912345", "vendor=acme", "x"],
        r#"</lwm2m>;rt="oma.lwm2m";ct="60 110 112 11542",</lwm2m/1/0>,</lwm2m/3/0>,</lwm2m/3416>;ver=1.0,</lwm2m/3416/0>,</lwm2m/3416/1>,</lwm2m/26300/0>"#,
    )
    .unwrap();
    assert_eq!(r.endpoint, "lamp-17");
    assert_eq!(r.lifetime, 300);
    assert_eq!(r.lwm2m_version, v(1, 2));
    assert_eq!(r.binding, "UQ");
    // From 1.1 on, queue mode is the Q parameter, not a letter of the binding.
    assert!(!r.queue_mode);
    assert_eq!(r.sms.as_deref(), Some("+4912345"));
    assert_eq!(
        r.other_parameters,
        [("vendor".into(), Some("acme".into())), ("x".into(), None)]
    );
    assert_eq!(r.alternate_path.as_deref(), Some("/lwm2m"));
    assert_eq!(r.content_formats, [60, 110, 112, 11542]);
    let obj = |id, version, instances: &[u16]| RegisteredObject {
        id,
        version,
        instances: instances.to_vec(),
    };
    // Core objects without `ver` take the versions of LwM2M 1.2; others 1.0.
    assert_eq!(
        r.objects,
        [
            obj(1, v(1, 2), &[0]),
            obj(3, v(1, 2), &[0]),
            obj(3416, v(1, 0), &[0, 1]),
            obj(26300, v(1, 0), &[0]),
        ]
    );
    // Defaults: lifetime one day, LwM2M 1.0, binding U; 1.0 writes queue mode as UQ.
    let r = register(&["ep=a", "b=UQ"], "</3/0>").unwrap();
    assert_eq!(
        (r.lifetime, r.lwm2m_version, r.queue_mode),
        (86_400, v(1, 0), true)
    );
    assert_eq!(r.objects, [obj(3, v(1, 0), &[0])]);
    let r = register(&["ep=a", "lwm2m=1.1", "Q"], "</3/0>,</4/0>").unwrap();
    assert!(r.queue_mode);
    assert_eq!(r.objects, [obj(3, v(1, 1), &[0]), obj(4, v(1, 2), &[0])]);
}

#[test]
fn core_objects_default_to_their_enabler_versions() {
    for (lwm2m, id, want) in [
        (v(1, 0), 3, v(1, 0)),
        (v(1, 1), 0, v(1, 1)),
        (v(1, 1), 2, v(1, 0)),
        (v(1, 1), 3, v(1, 1)),
        (v(1, 1), 4, v(1, 2)),
        (v(1, 1), 5, v(1, 0)),
        (v(1, 2), 1, v(1, 2)),
        (v(1, 2), 2, v(1, 1)),
        (v(1, 2), 4, v(1, 3)),
        (v(1, 2), 5, v(1, 1)),
        (v(1, 2), 21, v(2, 0)),
        (v(1, 2), 3416, v(1, 0)),
    ] {
        assert_eq!(default_version(id, lwm2m), want, "{id} in LwM2M {lwm2m}");
    }
}

#[test]
fn bad_register_requests_answer_4_00() {
    for (query, payload, kind) in [
        (&["lt=60"][..], "</3/0>", ErrorKind::MissingEndpoint),
        (
            &["ep="][..],
            "</3/0>",
            ErrorKind::InvalidQuery("ep=".into()),
        ),
        (
            &["ep=a", "ep=b"][..],
            "</3/0>",
            ErrorKind::InvalidQuery("ep=b".into()),
        ),
        (
            &["ep=a", "lt=-1"][..],
            "</3/0>",
            ErrorKind::InvalidQuery("lt=-1".into()),
        ),
        (
            &["ep=a", "lt=1e3"][..],
            "</3/0>",
            ErrorKind::InvalidQuery("lt=1e3".into()),
        ),
        (
            &["ep=a", "lwm2m=1"][..],
            "</3/0>",
            ErrorKind::InvalidQuery("lwm2m=1".into()),
        ),
        (
            &["ep=a", "Q=1"][..],
            "</3/0>",
            ErrorKind::InvalidQuery("Q=1".into()),
        ),
    ] {
        let e = register(query, payload).unwrap_err();
        assert_eq!(e.kind(), &kind, "{query:?}");
        assert_eq!(e.response_code(), ResponseCode::BadRequest);
    }
    let e = register(&["ep=a"], "</3/0").unwrap_err();
    let ErrorKind::Codec(c) = e.kind() else {
        panic!("{e:?}")
    };
    assert_eq!(
        c.kind_at(),
        (&CodecKind::Syntax(Syntax::InvalidLink), Some(0))
    );
    assert_eq!(e.response_code(), ResponseCode::BadRequest);
}

#[test]
fn unknown_object_versions_are_reported_never_guessed() {
    let r = register(
        &["ep=a", "lwm2m=1.1"],
        "</3/0>,</3416>;ver=1.7,</3416/0>,</26300/0>",
    )
    .unwrap();
    let models = r.models(&ucifi_objects::REGISTRY);
    assert_eq!(
        models.unknown,
        [
            UnknownModel {
                id: 3416,
                version: v(1, 7)
            },
            UnknownModel {
                id: 26300,
                version: v(1, 0)
            }
        ]
    );
    assert_eq!(models.selection.model(3).unwrap().version, v(1, 1));
}

/// A 2.05 Content response carrying `payload` in `format`.
fn content(format: Option<&[u8]>, payload: &[u8]) -> Packet {
    let mut p = Packet::new();
    p.header.code = MessageClass::Response(ResponseType::Content);
    if let Some(f) = format {
        p.add_option(CoapOption::ContentFormat, f.to_vec());
    }
    p.payload = payload.to_vec();
    p
}

/// Resource 39 of the lamp as "3000" in TLV: a String in 1.0, an Integer in 2.0.
const LAMP_TLV: &[u8] = &[0xc4, 0x27, b'3', b'0', b'0', b'0'];
const TLV: &[u8] = &[0x2d, 0x16];

#[test]
fn a_read_decodes_by_the_version_the_client_registered() {
    let path = Path::instance(3416, 0);
    let old = register(&["ep=a"], "</3416>;ver=1.0,</3416/0>").unwrap();
    let lamp: v1_0::OutdoorLampController = old
        .read_response(&path, &content(Some(TLV), LAMP_TLV))
        .unwrap();
    assert_eq!(
        lamp.light_color_temperature_command.as_deref(),
        Some("3000")
    );
    // The 2.0 type for a 1.0 client is refused: its resource 39 would read 858796080.
    let e = old
        .read_response::<v2_0::OutdoorLampController>(&path, &content(Some(TLV), LAMP_TLV))
        .unwrap_err();
    assert_eq!(
        e.kind(),
        &ErrorKind::VersionMismatch {
            id: 3416,
            registered: v(1, 0),
            requested: v(2, 0)
        }
    );
    let new = register(&["ep=b"], "</3416>;ver=2.0,</3416/0>").unwrap();
    let lamp: v2_0::OutdoorLampController = new
        .read_response(&path, &content(Some(TLV), LAMP_TLV))
        .unwrap();
    assert_eq!(lamp.light_color_temperature_command, Some(858_796_080));
    // A client that did not register the object.
    let none = register(&["ep=c"], "</3/0>").unwrap();
    let e = none
        .read_response::<v2_0::OutdoorLampController>(&path, &content(Some(TLV), LAMP_TLV))
        .unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::NotFound(Path::object(3416)));
}

#[test]
fn read_requests_and_responses_on_the_wire() {
    let r = register(
        &["ep=a"],
        r#"</dm>;rt="oma.lwm2m",</dm/3416>;ver=1.0,</dm/3416/0>"#,
    )
    .unwrap();
    let path = Path::resource(3416, 0, 39);
    // CON GET /dm/3416/0/39, token 0xbeef, Accept: SenML CBOR (112).
    let request = r.read_request(&path, Some(ContentFormat::SenmlCbor), 7, vec![0xbe, 0xef]);
    assert_eq!(
        request.to_bytes().unwrap(),
        [
            0x42, 0x01, 0x00, 0x07, 0xbe, 0xef, 0xb2, b'd', b'm', 0x04, b'3', b'4', b'1', b'6',
            0x01, b'0', 0x02, b'3', b'9', 0x61, 0x70
        ]
    );
    // Without Accept, no option.
    let bytes = r
        .read_request(&Path::object(3416), None, 1, vec![])
        .to_bytes()
        .unwrap();
    assert_eq!(
        bytes,
        [
            0x40, 0x01, 0x00, 0x01, 0xb2, b'd', b'm', 0x04, b'3', b'4', b'1', b'6'
        ]
    );
    // A 4.04 answer is an error carrying its code.
    let mut not_found = Packet::new();
    not_found.header.code = MessageClass::Response(ResponseType::NotFound);
    let e = r
        .read_response::<v1_0::OutdoorLampController>(&Path::instance(3416, 0), &not_found)
        .unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::Response(ResponseCode::NotFound));
    assert_eq!(e.response_code(), ResponseCode::NotFound);
    // A format nobody speaks, and a payload that does not decode.
    let e = r
        .read_response::<v1_0::OutdoorLampController>(
            &Path::instance(3416, 0),
            &content(Some(&[0x01, 0x00]), b""),
        )
        .unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::UnsupportedContentFormat(256));
    assert_eq!(e.response_code(), ResponseCode::UnsupportedContentFormat);
    let e = r
        .read_response::<v1_0::OutdoorLampController>(
            &Path::instance(3416, 0),
            &content(Some(TLV), &[0xc4, 0x27]),
        )
        .unwrap_err();
    let ErrorKind::Codec(c) = e.kind() else {
        panic!("{e:?}")
    };
    assert_eq!(c.kind_at(), (&CodecKind::Truncated, Some(0)));
}

#[test]
fn a_register_packet_reads_into_a_registration() {
    // CON POST /rd?ep=dev1&lt=60&lwm2m=1.1 with a link-format payload.
    let mut bytes = vec![
        0x44, 0x02, 0x00, 0x2a, 0x01, 0x02, 0x03, 0x04, 0xb2, b'r', b'd', 0x11, 0x28, 0x37, b'e',
        b'p', b'=', b'd', b'e', b'v', b'1', 0x05, b'l', b't', b'=', b'6', b'0', 0x09, b'l', b'w',
        b'm', b'2', b'm', b'=', b'1', b'.', b'1', 0xff,
    ];
    bytes.extend_from_slice(b"</1/0>,</3/0>");
    let packet = Packet::from_bytes(&bytes).unwrap();
    let r = Registration::from_register_packet(&packet).unwrap();
    assert_eq!(
        (r.endpoint.as_str(), r.lifetime, r.lwm2m_version),
        ("dev1", 60, v(1, 1))
    );
    assert_eq!(r.objects.len(), 2);
}

#[test]
fn every_error_has_its_response_code() {
    let codec = |k: CodecKind| Error::from(codec::Error::new(k)).response_code();
    use ResponseCode::*;
    for (kind, code) in [
        (CodecKind::Truncated, BadRequest),
        (CodecKind::TrailingBytes, BadRequest),
        (CodecKind::Syntax(Syntax::InvalidTlv), BadRequest),
        (CodecKind::InvalidUtf8, BadRequest),
        (CodecKind::TooDeep, BadRequest),
        (CodecKind::TooLong, BadRequest),
        (CodecKind::NumberOutOfRange, BadRequest),
        (CodecKind::InvalidBase64, BadRequest),
        (CodecKind::InvalidObjectLink, BadRequest),
        (CodecKind::InvalidTime, BadRequest),
        (CodecKind::InvalidField, BadRequest),
        (CodecKind::CountMismatch, BadRequest),
        (CodecKind::NotAPath, BadRequest),
        (CodecKind::ReservedId, BadRequest),
        (CodecKind::DuplicatePath, BadRequest),
        (CodecKind::IdMismatch, BadRequest),
        (CodecKind::OutsidePath, BadRequest),
        (CodecKind::Misplaced, BadRequest),
        (CodecKind::PathWithoutValue, BadRequest),
        (CodecKind::ValueAndInstances, BadRequest),
        (CodecKind::NoValue, BadRequest),
        (
            CodecKind::Value(ValueError::OutOfRange(DataType::Integer)),
            BadRequest,
        ),
        (CodecKind::NotMultiple, BadRequest),
        (CodecKind::NotSingle, BadRequest),
        (CodecKind::WrongTarget, BadRequest),
        (
            CodecKind::Invalid(ucifi_runtime::typed::Problem::NotAllowed { value: 7 }),
            BadRequest,
        ),
        (CodecKind::NotWritable, MethodNotAllowed),
        (CodecKind::Executable, MethodNotAllowed),
        (CodecKind::Unsupported, NotAcceptable),
        (CodecKind::BufferFull, InternalServerError),
        (CodecKind::WriterMisuse, InternalServerError),
    ] {
        assert_eq!(codec(kind.clone()), code, "{kind:?}");
    }
    for (kind, code) in [
        (ErrorKind::MissingEndpoint, BadRequest),
        (ErrorKind::InvalidQuery("lt=x".into()), BadRequest),
        (ErrorKind::NotFound(Path::instance(3, 1)), NotFound),
        (
            ErrorKind::UnknownModel {
                id: 3416,
                version: v(1, 7),
            },
            NotFound,
        ),
        (ErrorKind::Response(Forbidden), Forbidden),
        (
            ErrorKind::UnsupportedContentFormat(9),
            UnsupportedContentFormat,
        ),
        (
            ErrorKind::VersionMismatch {
                id: 3416,
                registered: v(1, 0),
                requested: v(2, 0),
            },
            InternalServerError,
        ),
        (ErrorKind::InvalidResponseCode(0x01), InternalServerError),
        (ErrorKind::InvalidOption(6), BadOption),
        (
            ErrorKind::MethodNotAllowed(Path::object(3)),
            MethodNotAllowed,
        ),
        (ErrorKind::NotAcceptable(9999), NotAcceptable),
    ] {
        assert_eq!(Error::from(kind.clone()).response_code(), code, "{kind:?}");
    }
}

#[test]
fn every_operation_on_the_wire() {
    use ucifi_lwm2m::{Operation, WriteMode};
    use ucifi_runtime::codec::link_format::Attribute;
    let r = register(&["ep=a"], "</3/0>,</3303/0>,</3416/0>").unwrap();
    let tlv_dimming = vec![0xc1, 0x01, 0x50];
    let cases: Vec<(&str, Operation, Path, ResponseCode, Vec<u8>)> = vec![
        (
            "read",
            Operation::Read {
                accept: Some(ContentFormat::Text),
            },
            Path::resource(3, 0, 9),
            ResponseCode::Content,
            vec![
                0x41, 0x01, 0x00, 0x01, 0x01, 0xb1, 0x33, 0x01, 0x30, 0x01, 0x39, 0x60,
            ],
        ),
        (
            "discover",
            Operation::Discover,
            Path::instance(3, 0),
            ResponseCode::Content,
            vec![
                0x41, 0x01, 0x00, 0x02, 0x02, 0xb1, 0x33, 0x01, 0x30, 0x61, 0x28,
            ],
        ),
        (
            "write (replace)",
            Operation::Write {
                mode: WriteMode::Replace,
                format: ContentFormat::Text,
                payload: b"1700000000".to_vec(),
            },
            Path::resource(3, 0, 13),
            ResponseCode::Changed,
            vec![
                0x41, 0x03, 0x00, 0x03, 0x03, 0xb1, 0x33, 0x01, 0x30, 0x02, 0x31, 0x33, 0x10, 0xff,
                0x31, 0x37, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30,
            ],
        ),
        (
            "write (update)",
            Operation::Write {
                mode: WriteMode::PartialUpdate,
                format: ContentFormat::Tlv,
                payload: tlv_dimming.clone(),
            },
            Path::instance(3416, 0),
            ResponseCode::Changed,
            vec![
                0x41, 0x02, 0x00, 0x04, 0x04, 0xb4, 0x33, 0x34, 0x31, 0x36, 0x01, 0x30, 0x12, 0x2d,
                0x16, 0xff, 0xc1, 0x01, 0x50,
            ],
        ),
        (
            "write-attributes",
            Operation::WriteAttributes(vec![
                Attribute::Pmin(10),
                Attribute::Pmax(60),
                Attribute::St(0.5),
            ]),
            Path::resource(3303, 0, 5700),
            ResponseCode::Changed,
            vec![
                0x41, 0x03, 0x00, 0x05, 0x05, 0xb4, 0x33, 0x33, 0x30, 0x33, 0x01, 0x30, 0x04, 0x35,
                0x37, 0x30, 0x30, 0x47, 0x70, 0x6d, 0x69, 0x6e, 0x3d, 0x31, 0x30, 0x07, 0x70, 0x6d,
                0x61, 0x78, 0x3d, 0x36, 0x30, 0x06, 0x73, 0x74, 0x3d, 0x30, 0x2e, 0x35,
            ],
        ),
        (
            "execute",
            Operation::Execute { arguments: None },
            Path::resource(3, 0, 4),
            ResponseCode::Changed,
            vec![
                0x41, 0x02, 0x00, 0x06, 0x06, 0xb1, 0x33, 0x01, 0x30, 0x01, 0x34,
            ],
        ),
        (
            "execute with arguments",
            Operation::Execute {
                arguments: Some("0='on',1".into()),
            },
            Path::resource(3416, 0, 5),
            ResponseCode::Changed,
            vec![
                0x41, 0x02, 0x00, 0x07, 0x07, 0xb4, 0x33, 0x34, 0x31, 0x36, 0x01, 0x30, 0x01, 0x35,
                0xff, 0x30, 0x3d, 0x27, 0x6f, 0x6e, 0x27, 0x2c, 0x31,
            ],
        ),
        (
            "create",
            Operation::Create {
                format: ContentFormat::Tlv,
                payload: tlv_dimming,
            },
            Path::object(3416),
            ResponseCode::Created,
            vec![
                0x41, 0x02, 0x00, 0x08, 0x08, 0xb4, 0x33, 0x34, 0x31, 0x36, 0x12, 0x2d, 0x16, 0xff,
                0xc1, 0x01, 0x50,
            ],
        ),
        (
            "delete",
            Operation::Delete,
            Path::instance(3416, 1),
            ResponseCode::Deleted,
            vec![
                0x41, 0x04, 0x00, 0x09, 0x09, 0xb4, 0x33, 0x34, 0x31, 0x36, 0x01, 0x31,
            ],
        ),
        (
            "observe",
            Operation::Observe {
                accept: Some(ContentFormat::SenmlCbor),
            },
            Path::resource(3303, 0, 5700),
            ResponseCode::Content,
            vec![
                0x41, 0x01, 0x00, 0x0a, 0x0a, 0x60, 0x54, 0x33, 0x33, 0x30, 0x33, 0x01, 0x30, 0x04,
                0x35, 0x37, 0x30, 0x30, 0x61, 0x70,
            ],
        ),
        (
            "cancel observation",
            Operation::CancelObservation { accept: None },
            Path::resource(3303, 0, 5700),
            ResponseCode::Content,
            vec![
                0x41, 0x01, 0x00, 0x0b, 0x0b, 0x61, 0x01, 0x54, 0x33, 0x33, 0x30, 0x33, 0x01, 0x30,
                0x04, 0x35, 0x37, 0x30, 0x30,
            ],
        ),
        (
            "read-composite",
            Operation::ReadComposite {
                format: ContentFormat::SenmlJson,
                payload: br#"[{"n":"/3/0/9"},{"n":"/3303/0/5700"}]"#.to_vec(),
                accept: Some(ContentFormat::SenmlJson),
            },
            Path::ROOT,
            ResponseCode::Content,
            vec![
                0x41, 0x05, 0x00, 0x0c, 0x0c, 0xc1, 0x6e, 0x51, 0x6e, 0xff, 0x5b, 0x7b, 0x22, 0x6e,
                0x22, 0x3a, 0x22, 0x2f, 0x33, 0x2f, 0x30, 0x2f, 0x39, 0x22, 0x7d, 0x2c, 0x7b, 0x22,
                0x6e, 0x22, 0x3a, 0x22, 0x2f, 0x33, 0x33, 0x30, 0x33, 0x2f, 0x30, 0x2f, 0x35, 0x37,
                0x30, 0x30, 0x22, 0x7d, 0x5d,
            ],
        ),
        (
            "write-composite",
            Operation::WriteComposite {
                format: ContentFormat::SenmlJson,
                payload: br#"[{"n":"/3416/0/1","v":50}]"#.to_vec(),
            },
            Path::ROOT,
            ResponseCode::Changed,
            vec![
                0x41, 0x07, 0x00, 0x0d, 0x0d, 0xc1, 0x6e, 0xff, 0x5b, 0x7b, 0x22, 0x6e, 0x22, 0x3a,
                0x22, 0x2f, 0x33, 0x34, 0x31, 0x36, 0x2f, 0x30, 0x2f, 0x31, 0x22, 0x2c, 0x22, 0x76,
                0x22, 0x3a, 0x35, 0x30, 0x7d, 0x5d,
            ],
        ),
    ];
    for (n, (name, op, path, success, bytes)) in cases.into_iter().enumerate() {
        let id = n as u16 + 1;
        let packet = r.request(&op, &path, id, vec![id as u8]);
        assert_eq!(packet.to_bytes().unwrap(), bytes, "{name}");
        assert_eq!(op.success(), success, "{name}");
        // The client's answer with that code passes; another code is the error it carries.
        let mut ok = Packet::new();
        ok.header.code = MessageClass::Response(match success {
            ResponseCode::Content => ResponseType::Content,
            ResponseCode::Changed => ResponseType::Changed,
            ResponseCode::Created => ResponseType::Created,
            _ => ResponseType::Deleted,
        });
        assert!(r.check_response(&op, &ok).is_ok(), "{name}");
        let mut refused = Packet::new();
        refused.header.code = MessageClass::Response(ResponseType::MethodNotAllowed);
        let e = r.check_response(&op, &refused).unwrap_err();
        assert_eq!(e.response_code(), ResponseCode::MethodNotAllowed, "{name}");
    }
}
