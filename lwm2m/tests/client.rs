//! The client side: a host of typed instances registering, answering a server's requests
//! and notifying observations, checked on the CoAP wire byte for byte.

use std::cell::RefCell;
use std::rc::Rc;

use coap_lite::{CoapOption, MessageClass, MessageType, Packet, RequestType};
use ucifi_example_vendor_object::x::BenchSensor;
use ucifi_lwm2m::WriteMode;
use ucifi_lwm2m::{
    ErrorKind, Host, NotificationAttributes, Operation, Registration, ResponseCode, SendBuilder,
};
use ucifi_objects::ipso::temperature::v1_1::Temperature;
use ucifi_objects::oma::device::v1_2::{self as device, Device};
use ucifi_objects::ucifi::outdoor_lamp_controller::v2_0::OutdoorLampController;
use ucifi_runtime::codec::ErrorKind as CodecKind;
use ucifi_runtime::{ContentFormat, Path, Value, Version};

fn v(major: u16, minor: u16) -> Version {
    Version::new(major, minor)
}

fn device() -> Device {
    Device {
        manufacturer: Some("ucifi".into()),
        battery_level: Some(87),
        supported_binding_and_modes: "U".into(),
        ..Default::default()
    }
}

fn lamp() -> OutdoorLampController {
    OutdoorLampController {
        command: 50,
        dimming_level: 48,
        ..Default::default()
    }
}

/// A LwM2M 1.1 host with Device 1.2, the Outdoor lamp controller 2.0 and the vendor's
/// Bench Sensor 1.0, one instance each.
fn host() -> Host {
    let mut h = Host::new("lamp-17", v(1, 1));
    h.add(0, device()).unwrap();
    h.add(0, lamp()).unwrap();
    h.add(
        0,
        BenchSensor {
            occupied: true,
            ..Default::default()
        },
    )
    .unwrap();
    h
}

/// A confirmable request with message ID 0x0101 and token 0x7e, options as given.
fn request(
    method: RequestType,
    path: &str,
    options: &[(CoapOption, &[u8])],
    payload: &[u8],
) -> Packet {
    let mut p = Packet::new();
    p.header.set_type(MessageType::Confirmable);
    p.header.code = MessageClass::Request(method);
    p.header.message_id = 0x0101;
    p.set_token(vec![0x7e]);
    for s in path.split('/').filter(|s| !s.is_empty()) {
        p.add_option(CoapOption::UriPath, s.as_bytes().to_vec());
    }
    for (o, v) in options {
        p.add_option(*o, v.to_vec());
    }
    p.payload = payload.to_vec();
    p
}

fn answer(h: &mut Host, request: &Packet) -> Packet {
    h.handle(request, 0).expect("a request is answered")
}

fn code(p: &Packet) -> ResponseCode {
    ResponseCode::from_byte(u8::from(p.header.code)).unwrap()
}

/// `head` (header, token, options) then the payload marker and `payload`.
fn bytes(head: &[&[u8]], payload: &[u8]) -> Vec<u8> {
    let mut out = head.concat();
    if !payload.is_empty() {
        out.push(0xff);
        out.extend_from_slice(payload);
    }
    out
}

/// The acknowledgement of [`request`]'s message with `code` and no options.
fn ack(code: u8) -> Vec<u8> {
    vec![0x61, code, 0x01, 0x01, 0x7e]
}

#[test]
fn the_register_payload_byte_for_byte() {
    let mut h = host();
    // Device 1.2 is not the default of LwM2M 1.1 (1.1); the lamp 2.0 is not 1.0; the
    // vendor object is at 1.0. An object without instances is listed alone.
    h.declare::<Temperature>().unwrap();
    assert_eq!(
        h.register_payload(),
        "</3>;ver=1.2,</3/0>,</3303>;ver=1.1,</3416>;ver=2.0,</3416/0>,</26300/0>"
    );
    // With LwM2M 1.2, Device 1.2 is the default; announced formats open the payload.
    let mut h = Host::new("lamp-17", v(1, 2));
    h.add(0, device()).unwrap();
    h.add(3, lamp()).unwrap();
    h.add(1, lamp()).unwrap();
    h.announce_content_formats(&[ContentFormat::SenmlCbor, ContentFormat::Tlv]);
    assert_eq!(
        h.register_payload(),
        r#"</>;rt="oma.lwm2m";ct="112 11542",</3/0>,</3416>;ver=2.0,</3416/1>,</3416/3>"#
    );
    // One object type per object ID.
    let e = h
        .add(
            2,
            ucifi_objects::ucifi::outdoor_lamp_controller::v1_0::OutdoorLampController::default(),
        )
        .unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::VersionMismatch { id: 3416, .. }),
        "{e:?}"
    );
}

#[test]
fn register_update_and_deregister_on_the_wire() {
    let mut h = host();
    h.set_lifetime(300);
    let payload = h.register_payload();
    assert_eq!(
        h.register_request(0x0001, vec![0x01]).to_bytes().unwrap(),
        bytes(
            &[
                &[0x41, 0x02, 0x00, 0x01, 0x01],
                &[0xb2],
                b"rd",
                &[0x11, 40],
                &[0x3a],
                b"ep=lamp-17",
                &[0x06],
                b"lt=300",
                &[0x09],
                b"lwm2m=1.1",
                &[0x03],
                b"b=U",
            ],
            payload.as_bytes(),
        )
    );
    assert_eq!(h.update_request(false, 2, vec![2]), None);
    // The server answers 2.01 Created at /rd/5a3f.
    let mut created = Packet::new();
    created.header.set_type(MessageType::Acknowledgement);
    created.header.code = MessageClass::from(0x41);
    created.add_option(CoapOption::LocationPath, b"rd".to_vec());
    created.add_option(CoapOption::LocationPath, b"5a3f".to_vec());
    h.registered(&created).unwrap();
    assert_eq!(h.location().unwrap(), ["rd", "5a3f"]);
    let location: &[&[u8]] = &[&[0xb2], b"rd", &[0x04], b"5a3f"];
    assert_eq!(
        h.update_request(false, 2, vec![2])
            .unwrap()
            .to_bytes()
            .unwrap(),
        bytes(
            &[&[&[0x41, 0x02, 0x00, 0x02, 0x02][..]], location].concat(),
            b""
        )
    );
    assert_eq!(
        h.update_request(true, 3, vec![3])
            .unwrap()
            .to_bytes()
            .unwrap(),
        bytes(
            &[
                &[&[0x41, 0x02, 0x00, 0x03, 0x03][..]],
                location,
                &[&[0x11, 40][..]]
            ]
            .concat(),
            payload.as_bytes()
        )
    );
    assert_eq!(
        h.deregister_request(4, vec![4])
            .unwrap()
            .to_bytes()
            .unwrap(),
        bytes(
            &[&[&[0x41, 0x04, 0x00, 0x04, 0x04][..]], location].concat(),
            b""
        )
    );
    assert_eq!(h.location(), None);
    // A refusal is the server's code.
    let mut refused = created.clone();
    refused.header.code = MessageClass::from(0x83);
    let e = h.registered(&refused).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::Response(ResponseCode::Forbidden));
}

#[test]
fn reads_in_the_format_asked_for_or_the_default() {
    let mut h = host();
    // One resource, no Accept: text/plain (Content-Format 0 is the empty option value).
    let read = request(RequestType::Get, "/3416/0/1", &[], b"");
    assert_eq!(
        read.to_bytes().unwrap(),
        bytes(
            &[
                &[0x41, 0x01, 0x01, 0x01, 0x7e, 0xb4],
                b"3416",
                &[0x01],
                b"0",
                &[0x01],
                b"1"
            ],
            b""
        )
    );
    assert_eq!(
        answer(&mut h, &read).to_bytes().unwrap(),
        bytes(&[&[0x61, 0x45, 0x01, 0x01, 0x7e, 0xc0]], b"50")
    );
    // The instance in TLV, as asked: the readable resources it holds.
    let tlv = request(
        RequestType::Get,
        "/3416/0",
        &[(CoapOption::Accept, &[0x2d, 0x16])],
        b"",
    );
    assert_eq!(
        answer(&mut h, &tlv).to_bytes().unwrap(),
        bytes(
            &[&[0x61, 0x45, 0x01, 0x01, 0x7e, 0xc2, 0x2d, 0x16]],
            &[0xc1, 0x01, 0x32, 0xc1, 0x03, 0x30]
        )
    );
    // No Accept on an instance: SenML CBOR for LwM2M 1.1 ...
    let r = answer(&mut h, &request(RequestType::Get, "/3/0", &[], b""));
    assert_eq!(
        r.to_bytes().unwrap(),
        bytes(
            &[&[0x61, 0x45, 0x01, 0x01, 0x7e, 0xc1, 0x70]],
            &[
                0x83, 0xa3, 0x21, 0x65, b'/', b'3', b'/', b'0', b'/', 0x00, 0x61, b'0', 0x03, 0x65,
                b'u', b'c', b'i', b'f', b'i', 0xa2, 0x00, 0x61, b'9', 0x02, 0x18, 0x57, 0xa2, 0x00,
                0x62, b'1', b'6', 0x03, 0x61, b'U',
            ]
        )
    );
    // ... TLV for LwM2M 1.0.
    let mut old = Host::new("old", v(1, 0));
    old.add(0, lamp()).unwrap();
    let r = answer(&mut old, &request(RequestType::Get, "/3416", &[], b""));
    assert_eq!(
        r.to_bytes().unwrap(),
        bytes(
            &[&[0x61, 0x45, 0x01, 0x01, 0x7e, 0xc2, 0x2d, 0x16]],
            &[0x06, 0x00, 0xc1, 0x01, 0x32, 0xc1, 0x03, 0x30]
        )
    );
    // Errors: a format that cannot carry the target (4.06), one not spoken (4.06), an
    // absent optional resource and an unknown instance or object (4.04), an executable
    // resource (4.05), the root (4.05), a path that is no LwM2M path (4.04).
    for (path, accept, code) in [
        ("/3416/0", Some(&[0x00][..]), 0x86),
        ("/3416/0", Some(&[0x27, 0x0f][..]), 0x86),
        ("/3416/0/2", None, 0x84),
        ("/3416/9", None, 0x84),
        ("/3416/0/9999", None, 0x84),
        ("/4", None, 0x84),
        ("/3/0/4", None, 0x85),
        ("/", None, 0x85),
        ("/3/x", None, 0x84),
    ] {
        let options: Vec<(CoapOption, &[u8])> = accept
            .map(|a| (CoapOption::Accept, a))
            .into_iter()
            .collect();
        let r = answer(&mut h, &request(RequestType::Get, path, &options, b""));
        assert_eq!(r.to_bytes().unwrap(), ack(code), "{path}");
    }
}

#[test]
fn discover_lists_resources_with_dim_and_attributes() {
    let mut h = host();
    h.instance_mut::<OutdoorLampController>(0)
        .unwrap()
        .scheduler_id = [(0, 7), (1, 9)].into();
    h.write_attributes(&Path::instance(3416, 0), ["pmin=10"])
        .unwrap();
    h.write_attributes(&Path::resource(3416, 0, 1), ["gt=80", "st=5"])
        .unwrap();
    let discover = request(
        RequestType::Get,
        "/3416",
        &[(CoapOption::Accept, &[40])],
        b"",
    );
    assert_eq!(
        discover.to_bytes().unwrap(),
        bytes(
            &[&[0x41, 0x01, 0x01, 0x01, 0x7e, 0xb4], b"3416", &[0x61, 40]],
            b""
        )
    );
    let r = answer(&mut h, &discover);
    let payload =
        "</3416>;ver=2.0,</3416/0>;pmin=10,</3416/0/1>;gt=80;st=5,</3416/0/3>,</3416/0/13>;dim=2";
    assert_eq!(
        r.to_bytes().unwrap(),
        bytes(
            &[&[0x61, 0x45, 0x01, 0x01, 0x7e, 0xc1, 40]],
            payload.as_bytes()
        )
    );
    assert_eq!(
        h.discover(&Path::resource(3416, 0, 13)).unwrap(),
        "</3416/0/13>;dim=2"
    );
    // Executable resources are listed once the application handles them.
    h.on_execute::<Device>(|_, _, _, _| Ok(())).unwrap();
    assert_eq!(
        h.discover(&Path::instance(3, 0)).unwrap(),
        "</3/0>,</3/0/0>,</3/0/4>,</3/0/5>,</3/0/9>,</3/0/11>;dim=0,</3/0/12>,</3/0/16>"
    );
    let e = h.discover(&Path::resource(3416, 0, 2)).unwrap_err();
    assert_eq!(e.response_code(), ResponseCode::NotFound);
}

#[test]
fn writes_follow_the_model_all_or_nothing() {
    let mut h = host();
    let tlv: &[(CoapOption, &[u8])] = &[(CoapOption::ContentFormat, &[0x2d, 0x16])];
    // Partial update: Command 20, Default dimming level 70.
    let update = request(
        RequestType::Post,
        "/3416/0",
        tlv,
        &[0xc1, 0x01, 0x14, 0xc1, 0x04, 0x46],
    );
    assert_eq!(
        update.to_bytes().unwrap(),
        bytes(
            &[
                &[0x41, 0x02, 0x01, 0x01, 0x7e, 0xb4],
                b"3416",
                &[0x01],
                b"0",
                &[0x12, 0x2d, 0x16]
            ],
            &[0xc1, 0x01, 0x14, 0xc1, 0x04, 0x46]
        )
    );
    assert_eq!(answer(&mut h, &update).to_bytes().unwrap(), ack(0x44));
    let lamp_now = h.instance::<OutdoorLampController>(0).unwrap().clone();
    assert_eq!(
        (lamp_now.command, lamp_now.default_dimming_level),
        (20, Some(70))
    );
    // One value out of range (Default dimming level 120) among valid ones: 4.00, nothing
    // changes.
    let bad = request(
        RequestType::Post,
        "/3416/0",
        tlv,
        &[0xc1, 0x01, 0x1e, 0xc1, 0x04, 0x78],
    );
    assert_eq!(answer(&mut h, &bad).to_bytes().unwrap(), ack(0x80));
    assert_eq!(h.instance::<OutdoorLampController>(0), Some(&lamp_now));
    // A read-only resource (Dimming level) with a writable one: 4.05, nothing changes.
    let read_only = request(
        RequestType::Put,
        "/3416/0",
        tlv,
        &[0xc1, 0x01, 0x1e, 0xc1, 0x03, 0x10],
    );
    assert_eq!(answer(&mut h, &read_only).to_bytes().unwrap(), ack(0x85));
    let read_only = request(
        RequestType::Put,
        "/3416/0/3",
        &[(CoapOption::ContentFormat, &[])],
        b"16",
    );
    assert_eq!(answer(&mut h, &read_only).to_bytes().unwrap(), ack(0x85));
    assert_eq!(h.instance::<OutdoorLampController>(0), Some(&lamp_now));
    // A payload that does not decode, a value of the wrong type: 4.00.
    let truncated = request(RequestType::Post, "/3416/0", tlv, &[0xc1, 0x01]);
    assert_eq!(answer(&mut h, &truncated).to_bytes().unwrap(), ack(0x80));
    let text = request(
        RequestType::Put,
        "/3416/0/1",
        &[(CoapOption::ContentFormat, &[])],
        b"x",
    );
    assert_eq!(answer(&mut h, &text).to_bytes().unwrap(), ack(0x80));
    // A Content-Format not spoken, or one that cannot carry the target: 4.15.
    for cf in [&[40][..], &[0x27, 0x0f], &[]] {
        let r = request(
            RequestType::Put,
            "/3416/0",
            &[(CoapOption::ContentFormat, cf)],
            b"50",
        );
        assert_eq!(answer(&mut h, &r).to_bytes().unwrap(), ack(0x8f), "{cf:?}");
    }
    // No such instance or resource: 4.04.
    let missing = request(
        RequestType::Put,
        "/3416/4/1",
        &[(CoapOption::ContentFormat, &[])],
        b"5",
    );
    assert_eq!(answer(&mut h, &missing).to_bytes().unwrap(), ack(0x84));
    assert_eq!(h.instance::<OutdoorLampController>(0), Some(&lamp_now));
    // A replacing Write of the instance resets the writable resources it lacks.
    let replace = request(RequestType::Put, "/3416/0", tlv, &[0xc1, 0x01, 0x0a]);
    assert_eq!(answer(&mut h, &replace).to_bytes().unwrap(), ack(0x44));
    let l = h.instance::<OutdoorLampController>(0).unwrap();
    assert_eq!(
        (l.command, l.default_dimming_level, l.dimming_level),
        (10, None, 48)
    );
    // One resource in text/plain.
    let one = request(
        RequestType::Put,
        "/3416/0/1",
        &[(CoapOption::ContentFormat, &[])],
        b"75",
    );
    assert_eq!(answer(&mut h, &one).to_bytes().unwrap(), ack(0x44));
    assert_eq!(h.instance::<OutdoorLampController>(0).unwrap().command, 75);
}

#[test]
fn write_attributes_are_validated() {
    let mut h = host();
    let wa = request(
        RequestType::Put,
        "/3416/0/44",
        &[
            (CoapOption::UriQuery, b"pmin=10"),
            (CoapOption::UriQuery, b"pmax=60"),
            (CoapOption::UriQuery, b"st=0.5"),
        ],
        b"",
    );
    assert_eq!(
        wa.to_bytes().unwrap(),
        bytes(
            &[
                &[0x41, 0x03, 0x01, 0x01, 0x7e, 0xb4],
                b"3416",
                &[0x01],
                b"0",
                &[0x02],
                b"44",
                &[0x47],
                b"pmin=10",
                &[0x07],
                b"pmax=60",
                &[0x06],
                b"st=0.5",
            ],
            b""
        )
    );
    assert_eq!(answer(&mut h, &wa).to_bytes().unwrap(), ack(0x44));
    let set = NotificationAttributes {
        pmin: Some(10),
        pmax: Some(60),
        st: Some(0.5),
        ..Default::default()
    };
    let at = Path::resource(3416, 0, 44);
    assert_eq!(h.attributes(&at), set);
    // Bad values, attributes that are not notification attributes, thresholds on a
    // boolean or at an instance, contradictions: 4.00 and nothing changes.
    for (path, q) in [
        ("/3416/0/44", &["pmin=abc"][..]),
        ("/3416/0/44", &["pmin=-1"]),
        ("/3416/0/44", &["st=-1"]),
        ("/3416/0/44", &["ver=1.0"]),
        ("/3416/0/44", &["foo=1"]),
        ("/3416/0/44", &["pmin=70"]),
        ("/3416/0/44", &["gt=10", "lt=20"]),
        ("/3416/0/44", &["lt=10", "gt=10.5"]),
        ("/3416/0/44", &["epmin=5", "epmax=2"]),
        ("/3416/0/5", &["gt=1"]),
        ("/3416/0", &["st=1"]),
    ] {
        let options: Vec<(CoapOption, &[u8])> = q
            .iter()
            .map(|q| (CoapOption::UriQuery, q.as_bytes()))
            .collect();
        let r = answer(&mut h, &request(RequestType::Put, path, &options, b""));
        assert_eq!(r.to_bytes().unwrap(), ack(0x80), "{path} {q:?}");
    }
    assert_eq!(h.attributes(&at), set);
    assert_eq!(
        h.attributes(&Path::instance(3416, 0)),
        NotificationAttributes::default()
    );
    // A bare name removes the attribute; an unknown target is 4.04.
    h.write_attributes(&at, ["st", "epmin=1", "epmax=5"])
        .unwrap();
    assert_eq!(
        h.attributes(&at),
        NotificationAttributes {
            pmin: Some(10),
            pmax: Some(60),
            epmin: Some(1),
            epmax: Some(5),
            ..Default::default()
        }
    );
    let e = h
        .write_attributes(&Path::resource(3416, 7, 44), ["pmin=1"])
        .unwrap_err();
    assert_eq!(e.response_code(), ResponseCode::NotFound);
    // Instance-level attributes are inherited where the resource sets none.
    h.write_attributes(&Path::object(3416), ["pmax=300", "pmin=1"])
        .unwrap();
    h.write_attributes(&Path::instance(3416, 0), ["pmin=5"])
        .unwrap();
    let e = h.effective_attributes(&Path::resource(3416, 0, 1));
    assert_eq!((e.pmin, e.pmax), (Some(5), Some(300)));
    let e = h.effective_attributes(&at);
    assert_eq!((e.pmin, e.pmax), (Some(10), Some(60)));
}

#[test]
fn execute_reaches_the_application_with_its_arguments() {
    let mut h = host();
    let calls: Rc<RefCell<Vec<(device::Execute, u16, String)>>> = Rc::default();
    let seen = calls.clone();
    h.on_execute::<Device>(move |d, instance, resource, arguments| {
        let what = device::Execute::from_id(resource).ok_or(ResponseCode::MethodNotAllowed)?;
        if what == device::Execute::FactoryReset {
            return Err(ResponseCode::InternalServerError);
        }
        d.battery_level = Some(100);
        seen.borrow_mut().push((what, instance, arguments.into()));
        Ok(())
    })
    .unwrap();
    let reboot = request(RequestType::Post, "/3/0/4", &[], b"0='now'");
    assert_eq!(
        reboot.to_bytes().unwrap(),
        bytes(
            &[
                &[0x41, 0x02, 0x01, 0x01, 0x7e, 0xb1],
                b"3",
                &[0x01],
                b"0",
                &[0x01],
                b"4"
            ],
            b"0='now'"
        )
    );
    assert_eq!(answer(&mut h, &reboot).to_bytes().unwrap(), ack(0x44));
    assert_eq!(
        *calls.borrow(),
        [(device::Execute::Reboot, 0, "0='now'".to_string())]
    );
    assert_eq!(h.instance::<Device>(0).unwrap().battery_level, Some(100));
    // The handler's own refusal.
    let reset = request(RequestType::Post, "/3/0/5", &[], b"");
    assert_eq!(answer(&mut h, &reset).to_bytes().unwrap(), ack(0xa0));
    // Not executable (Battery Level, Command): 4.05; no such instance: 4.04; an
    // executable resource without a handler: 4.04; a POST on an instance without
    // Content-Format is a Write in text/plain, which cannot carry an instance: 4.15.
    for (path, code) in [
        ("/3/0/9", 0x85),
        ("/3416/0/1", 0x85),
        ("/3/1/4", 0x84),
        ("/26300/0/5", 0x84),
        ("/3/0", 0x8f),
    ] {
        let r = answer(&mut h, &request(RequestType::Post, path, &[], b""));
        assert_eq!(r.to_bytes().unwrap(), ack(code), "{path}");
    }
    assert_eq!(calls.borrow().len(), 1);
}

#[test]
fn create_and_delete_instances() {
    let mut h = host();
    let tlv: &[(CoapOption, &[u8])] = &[(CoapOption::ContentFormat, &[0x2d, 0x16])];
    // Instance 1 (Command 20) in an instance TLV.
    let create = request(
        RequestType::Post,
        "/3416",
        tlv,
        &[0x03, 0x01, 0xc1, 0x01, 0x14],
    );
    assert_eq!(
        create.to_bytes().unwrap(),
        bytes(
            &[
                &[0x41, 0x02, 0x01, 0x01, 0x7e, 0xb4],
                b"3416",
                &[0x12, 0x2d, 0x16]
            ],
            &[0x03, 0x01, 0xc1, 0x01, 0x14]
        )
    );
    assert_eq!(
        answer(&mut h, &create).to_bytes().unwrap(),
        bytes(
            &[
                &[0x61, 0x41, 0x01, 0x01, 0x7e, 0x84],
                b"3416",
                &[0x01],
                b"1"
            ],
            b""
        )
    );
    assert_eq!(h.instance::<OutdoorLampController>(1).unwrap().command, 20);
    // Bare resources: the lowest free ID, 2.
    let bare = request(RequestType::Post, "/3416", tlv, &[0xc1, 0x01, 0x15]);
    let r = answer(&mut h, &bare);
    assert_eq!(code(&r), ResponseCode::Created);
    assert_eq!(h.instance::<OutdoorLampController>(2).unwrap().command, 21);
    // No payload: the lowest free ID, 3, with default values.
    let empty = request(RequestType::Post, "/3416", tlv, b"");
    assert_eq!(
        answer(&mut h, &empty).to_bytes().unwrap(),
        bytes(
            &[
                &[0x61, 0x41, 0x01, 0x01, 0x7e, 0x84],
                b"3416",
                &[0x01],
                b"3"
            ],
            b""
        )
    );
    assert_eq!(
        h.remove::<OutdoorLampController>(3),
        Some(OutdoorLampController::default())
    );
    // An instance that exists, an invalid value, a read-only resource, a single-instance
    // object that has its instance, an object not hosted.
    for (path, payload, code) in [
        ("/3416", &[0x03, 0x01, 0xc1, 0x01, 0x14][..], 0x80),
        ("/3416", &[0x03, 0x05, 0xc1, 0x01, 0x65], 0x80),
        ("/3416", &[0x03, 0x05, 0xc1, 0x03, 0x10], 0x85),
        ("/3", &[0x03, 0x01, 0xc1, 0x0e, 0x30], 0x85),
        ("/3303", &[0x03, 0x01, 0xc1, 0x0e, 0x30], 0x84),
    ] {
        let r = answer(&mut h, &request(RequestType::Post, path, tlv, payload));
        assert_eq!(r.to_bytes().unwrap(), ack(code), "{path} {payload:02x?}");
    }
    assert_eq!(
        h.instances::<OutdoorLampController>()
            .map(|(id, _)| id)
            .collect::<Vec<_>>(),
        [0, 1, 2]
    );
    // Delete.
    let delete = request(RequestType::Delete, "/3416/1", &[], b"");
    assert_eq!(
        delete.to_bytes().unwrap(),
        bytes(
            &[
                &[0x41, 0x04, 0x01, 0x01, 0x7e, 0xb4],
                b"3416",
                &[0x01],
                b"1"
            ],
            b""
        )
    );
    assert_eq!(answer(&mut h, &delete).to_bytes().unwrap(), ack(0x42));
    assert_eq!(answer(&mut h, &delete).to_bytes().unwrap(), ack(0x84));
    let r = answer(&mut h, &request(RequestType::Delete, "/3416", &[], b""));
    assert_eq!(r.to_bytes().unwrap(), ack(0x85));
    assert_eq!(
        h.instances::<OutdoorLampController>()
            .map(|(id, _)| id)
            .collect::<Vec<_>>(),
        [0, 2]
    );
}

fn set_voltage(h: &mut Host, volts: f64) {
    h.instance_mut::<OutdoorLampController>(0)
        .unwrap()
        .light_source_voltage = Some(volts);
}

/// The notifications due at `now`: (Observe sequence number, payload text).
fn due(h: &mut Host, now: u64) -> Vec<(u32, String)> {
    h.notifications(now)
        .iter()
        .map(|p| {
            let seq = p.get_first_option(CoapOption::Observe).unwrap();
            let seq = seq.iter().fold(0, |acc, b| acc << 8 | u32::from(*b));
            (seq, String::from_utf8(p.payload.clone()).unwrap())
        })
        .collect()
}

#[test]
fn observe_honours_pmin_pmax_and_step() {
    let mut h = host();
    h.set_message_id(0x2000);
    set_voltage(&mut h, 230.0);
    h.write_attributes(
        &Path::resource(3416, 0, 44),
        ["pmin=10", "pmax=60", "st=0.5"],
    )
    .unwrap();
    let observe = request(
        RequestType::Get,
        "/3416/0/44",
        &[(CoapOption::Observe, &[])],
        b"",
    );
    assert_eq!(
        observe.to_bytes().unwrap(),
        bytes(
            &[
                &[0x41, 0x01, 0x01, 0x01, 0x7e, 0x60, 0x54],
                b"3416",
                &[0x01],
                b"0",
                &[0x02],
                b"44"
            ],
            b""
        )
    );
    // The current value, with Observe 0.
    assert_eq!(
        h.handle(&observe, 0).unwrap().to_bytes().unwrap(),
        bytes(&[&[0x61, 0x45, 0x01, 0x01, 0x7e, 0x60, 0x60]], b"230")
    );
    assert_eq!(h.next_due(0), Some(60));
    // A change of a whole volt at 5 s waits for pmin.
    set_voltage(&mut h, 231.0);
    assert_eq!(due(&mut h, 5), []);
    assert_eq!(h.next_due(5), Some(10));
    assert_eq!(due(&mut h, 9), []);
    let sent = h.notifications(10);
    assert_eq!(
        sent.iter()
            .map(|p| p.to_bytes().unwrap())
            .collect::<Vec<_>>(),
        [bytes(
            &[&[0x51, 0x45, 0x20, 0x00, 0x7e, 0x61, 0x01, 0x60]],
            b"231"
        )]
    );
    assert_eq!(due(&mut h, 11), []);
    // Changes below the step (0.3, then 0.4 in all from the last value notified) are not
    // notified; pmax is, 60 s after the last notification, without a change.
    set_voltage(&mut h, 231.3);
    assert_eq!(due(&mut h, 20), []);
    assert_eq!(h.next_due(20), Some(70));
    set_voltage(&mut h, 231.4);
    assert_eq!(due(&mut h, 69), []);
    assert_eq!(due(&mut h, 70), [(2, "231.4".to_string())]);
    assert_eq!(due(&mut h, 129), []);
    assert_eq!(due(&mut h, 130), [(3, "231.4".to_string())]);
    // A step of exactly 0.5 is notified once pmin has passed.
    set_voltage(&mut h, 230.9);
    assert_eq!(h.next_due(135), Some(140));
    assert_eq!(due(&mut h, 139), []);
    assert_eq!(due(&mut h, 140), [(4, "230.9".to_string())]);
    // Cancelled with Observe 1: answered once more, then no more notifications.
    let cancel = request(
        RequestType::Get,
        "/3416/0/44",
        &[(CoapOption::Observe, &[1])],
        b"",
    );
    let r = h.handle(&cancel, 150).unwrap();
    assert_eq!(
        r.to_bytes().unwrap(),
        bytes(&[&[0x61, 0x45, 0x01, 0x01, 0x7e, 0xc0]], b"230.9")
    );
    assert_eq!(h.observation_count(), 0);
    assert_eq!(due(&mut h, 500), []);
    assert_eq!(h.next_due(500), None);
}

#[test]
fn observe_thresholds_resets_and_deleted_targets() {
    let mut h = host();
    h.set_message_id(0x10);
    set_voltage(&mut h, 100.0);
    // gt on the resource; pmin inherited from the object.
    h.write_attributes(&Path::object(3416), ["pmin=2"]).unwrap();
    h.write_attributes(&Path::resource(3416, 0, 44), ["gt=200"])
        .unwrap();
    let observe = request(
        RequestType::Get,
        "/3416/0/44",
        &[(CoapOption::Observe, &[])],
        b"",
    );
    assert_eq!(code(&h.handle(&observe, 0).unwrap()), ResponseCode::Content);
    set_voltage(&mut h, 150.0);
    assert_eq!(due(&mut h, 5), []);
    set_voltage(&mut h, 201.0);
    assert_eq!(due(&mut h, 5), [(1, "201".to_string())]);
    set_voltage(&mut h, 250.0);
    assert_eq!(due(&mut h, 10), []);
    set_voltage(&mut h, 199.0);
    assert_eq!(due(&mut h, 10), [(2, "199".to_string())]);
    // Without thresholds, an instance observation notifies any change, after pmin.
    let mut instance = request(
        RequestType::Get,
        "/3416/0",
        &[(CoapOption::Observe, &[])],
        b"",
    );
    instance.set_token(vec![0x01, 0x02]);
    let r = h.handle(&instance, 10).unwrap();
    assert_eq!(
        r.get_first_option(CoapOption::ContentFormat),
        Some(&vec![0x70])
    );
    h.instance_mut::<OutdoorLampController>(0).unwrap().command = 60;
    assert_eq!(h.next_due(11), Some(12));
    let sent = h.notifications(12);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].get_token(), [0x01, 0x02]);
    // A Reset of that notification cancels its observation.
    let mut reset = Packet::new();
    reset.header.set_type(MessageType::Reset);
    reset.header.message_id = sent[0].header.message_id;
    assert_eq!(h.handle(&reset, 13), None);
    assert_eq!(h.observation_count(), 1);
    // Removing an instance ends the observations inside it.
    h.remove::<OutdoorLampController>(0);
    assert_eq!(h.observation_count(), 0);
    // A resource that goes away ends its observation with a 4.04 notification.
    let observe_battery = request(
        RequestType::Get,
        "/3/0/9",
        &[(CoapOption::Observe, &[])],
        b"",
    );
    h.handle(&observe_battery, 20).unwrap();
    assert_eq!(h.notifications(20), []);
    h.instance_mut::<Device>(0).unwrap().battery_level = None;
    assert_eq!(h.next_due(31), Some(31));
    let sent = h.notifications(31);
    assert_eq!(
        sent.iter()
            .map(|p| p.to_bytes().unwrap())
            .collect::<Vec<_>>(),
        [vec![0x51, 0x84, 0x00, 0x13, 0x7e]]
    );
    assert_eq!(h.observation_count(), 0);
}

#[test]
fn a_send_of_typed_values() {
    let send = SendBuilder::new().value(Path::resource(3, 0, 9), Value::Integer(87), Some(1.7e9));
    assert_eq!(
        send.request(None, 9, vec![9]).unwrap().to_bytes().unwrap(),
        bytes(
            &[&[0x41, 0x02, 0x00, 0x09, 0x09, 0xb2], b"dp", &[0x11, 0x70]],
            &[
                0x81, 0xa3, 0x21, 0x66, b'/', b'3', b'/', b'0', b'/', b'9', 0x22, 0x1a, 0x65, 0x53,
                0xf1, 0x00, 0x02, 0x18, 0x57,
            ]
        )
    );
    // A whole instance, timed, decodes on the server side by the registered versions.
    let mut l = lamp();
    l.scheduler_id = [(0, 7)].into();
    let send = SendBuilder::new()
        .instance(0, &l, Some(1_700_000_000.0))
        .unwrap()
        .value(
            Path::resource(3, 0, 9),
            Value::Integer(87),
            Some(1_700_000_060.0),
        );
    let request = send
        .request(Some(ContentFormat::SenmlJson), 1, vec![])
        .unwrap();
    let reg = Registration::from_register(
        ["ep=lamp-17", "lwm2m=1.1"],
        host().register_payload().as_bytes(),
    )
    .unwrap();
    let report = reg.send_report(&ucifi_objects::REGISTRY, &request).unwrap();
    let lamps = report.instances::<OutdoorLampController>().unwrap();
    assert_eq!((lamps.len(), lamps[0].time), (1, Some(1_700_000_000.0)));
    assert_eq!(lamps[0].value, l);
    let devices = report.instances::<Device>().unwrap();
    assert_eq!(devices[0].value.battery_level, Some(87));
    assert_eq!(devices[0].time, Some(1_700_000_060.0));
    // Only formats that carry times; only resource paths.
    let e = send.payload(ContentFormat::Tlv).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::UnsupportedContentFormat(11542));
    let e = SendBuilder::new()
        .value(Path::instance(3, 0), Value::Integer(1), None)
        .payload(ContentFormat::SenmlCbor);
    assert_eq!(e.unwrap_err().response_code(), ResponseCode::BadRequest);
}

#[test]
fn non_requests_and_non_confirmable_requests() {
    let mut h = host();
    h.set_message_id(0x0500);
    let mut non = request(RequestType::Get, "/3416/0/1", &[], b"");
    non.header.set_type(MessageType::NonConfirmable);
    // A non-confirmable request is answered in a message of its own.
    assert_eq!(
        h.handle(&non, 0).unwrap().to_bytes().unwrap(),
        bytes(&[&[0x51, 0x45, 0x05, 0x00, 0x7e, 0xc0]], b"50")
    );
    // An error takes one message ID too.
    let mut missing = request(RequestType::Get, "/3416/0/2", &[], b"");
    missing.header.set_type(MessageType::NonConfirmable);
    assert_eq!(
        h.handle(&missing, 0).unwrap().to_bytes().unwrap(),
        [0x51, 0x84, 0x05, 0x01, 0x7e]
    );
    assert_eq!(h.handle(&non, 0).unwrap().header.message_id, 0x0502);
    let mut ack_message = Packet::new();
    ack_message.header.set_type(MessageType::Acknowledgement);
    assert_eq!(h.handle(&ack_message, 0), None);
    // FETCH and iPATCH address the root only.
    let fetch = request(
        RequestType::Fetch,
        "/3",
        &[(CoapOption::ContentFormat, &[0x70])],
        &[0x80],
    );
    assert_eq!(answer(&mut h, &fetch).to_bytes().unwrap(), ack(0x85));
}

#[test]
fn read_and_write_composite() {
    let mut h = host();
    let cbor: &[(CoapOption, &[u8])] = &[(CoapOption::ContentFormat, &[0x70])];
    // Battery Level, the lamp's Command, and a path the host does not have.
    let paths = bytes(
        &[
            &[0x83, 0xa1, 0x00, 0x66],
            b"/3/0/9",
            &[0xa1, 0x00, 0x69],
            b"/3416/0/1",
            &[0xa1, 0x00, 0x64],
            b"/7/0",
        ],
        b"",
    );
    let fetch = request(RequestType::Fetch, "/", cbor, &paths);
    assert_eq!(
        fetch.to_bytes().unwrap(),
        bytes(&[&[0x41, 0x05, 0x01, 0x01, 0x7e, 0xc1, 0x70]], &paths)
    );
    // The values in SenML CBOR, grouped by instance.
    assert_eq!(
        answer(&mut h, &fetch).to_bytes().unwrap(),
        bytes(
            &[&[0x61, 0x45, 0x01, 0x01, 0x7e, 0xc1, 0x70]],
            &bytes(
                &[
                    &[0x82, 0xa3, 0x21, 0x65],
                    b"/3/0/",
                    &[0x00, 0x61, b'9', 0x02, 0x18, 0x57],
                    &[0xa3, 0x21, 0x68],
                    b"/3416/0/",
                    &[0x00, 0x61, b'1', 0x02, 0x18, 0x32],
                ],
                b""
            )
        )
    );
    // In SenML JSON, as the Accept option asks; a whole instance expands to its values.
    let (format, payload) = h
        .read_composite(
            ContentFormat::SenmlJson,
            br#"[{"n":"/3416/0"}]"#,
            Some(ContentFormat::SenmlJson),
        )
        .unwrap();
    assert_eq!(format, ContentFormat::SenmlJson);
    assert_eq!(
        String::from_utf8(payload).unwrap(),
        r#"[{"bn":"/3416/0/","n":"1","v":50},{"n":"3","v":48}]"#
    );
    let e = h
        .read_composite(ContentFormat::SenmlCbor, &paths, Some(ContentFormat::Tlv))
        .unwrap_err();
    assert_eq!(e.response_code(), ResponseCode::NotAcceptable);
    let e = h
        .read_composite(ContentFormat::Tlv, &paths, None)
        .unwrap_err();
    assert_eq!(e.response_code(), ResponseCode::UnsupportedContentFormat);

    // Write-Composite: the lamp's Command and the Device's UTC Offset.
    let values = bytes(
        &[
            &[0x82, 0xa2, 0x00, 0x69],
            b"/3416/0/1",
            &[0x02, 0x18, 0x1e],
            &[0xa2, 0x00, 0x67],
            b"/3/0/14",
            &[0x03, 0x66],
            b"+02:00",
        ],
        b"",
    );
    let patch = request(RequestType::IPatch, "/", cbor, &values);
    assert_eq!(
        patch.to_bytes().unwrap(),
        bytes(&[&[0x41, 0x07, 0x01, 0x01, 0x7e, 0xc1, 0x70]], &values)
    );
    assert_eq!(answer(&mut h, &patch).to_bytes().unwrap(), ack(0x44));
    assert_eq!(h.instance::<OutdoorLampController>(0).unwrap().command, 30);
    assert_eq!(
        h.instance::<Device>(0).unwrap().utc_offset.as_deref(),
        Some("+02:00")
    );
    // One value out of range in the second instance: 4.00, the first unchanged too; a
    // read-only resource: 4.05; an instance the host does not have: 4.04.
    let (lamp_before, device_before) = (
        h.instance::<OutdoorLampController>(0).cloned(),
        h.instance::<Device>(0).cloned(),
    );
    for (values, code) in [
        (
            bytes(
                &[
                    &[0x82, 0xa2, 0x00, 0x67],
                    b"/3/0/14",
                    &[0x03, 0x66],
                    b"+01:00",
                    &[0xa2, 0x00, 0x69],
                    b"/3416/0/4",
                    &[0x02, 0x18, 0x78],
                ],
                b"",
            ),
            0x80,
        ),
        (
            bytes(&[&[0x81, 0xa2, 0x00, 0x66], b"/3/0/9", &[0x02, 0x05]], b""),
            0x85,
        ),
        (
            bytes(
                &[&[0x81, 0xa2, 0x00, 0x69], b"/3416/9/1", &[0x02, 0x05]],
                b"",
            ),
            0x84,
        ),
        (bytes(&[&[0x81, 0xa1, 0x00, 0x66], b"/3/0/9"], b""), 0x80),
    ] {
        let r = answer(&mut h, &request(RequestType::IPatch, "/", cbor, &values));
        assert_eq!(r.to_bytes().unwrap(), ack(code), "{values:02x?}");
    }
    assert_eq!(h.instance::<OutdoorLampController>(0).cloned(), lamp_before);
    assert_eq!(h.instance::<Device>(0).cloned(), device_before);
}

fn codec_kind(e: &ucifi_lwm2m::Error) -> (&CodecKind, Option<Path>) {
    let ErrorKind::Codec(c) = e.kind() else {
        panic!("{e:?}")
    };
    (c.kind(), c.path())
}

#[test]
fn operations_fail_with_exact_kinds() {
    let mut h = host();
    let tlv = ContentFormat::Tlv;
    let lamp = Path::instance(3416, 0);
    // Out of range at the resource that is; read-only; executable.
    let e = h
        .write(
            WriteMode::PartialUpdate,
            &lamp,
            tlv,
            &[0xc1, 0x01, 0x14, 0xc1, 0x04, 0x78],
        )
        .unwrap_err();
    assert!(
        matches!(codec_kind(&e), (CodecKind::Invalid(_), Some(p)) if p == Path::resource(3416, 0, 4)),
        "{e:?}"
    );
    let e = h
        .write(WriteMode::Replace, &lamp, tlv, &[0xc1, 0x03, 0x10])
        .unwrap_err();
    assert_eq!(codec_kind(&e).0, &CodecKind::NotWritable);
    let device = Path::resource(3, 0, 4);
    let e = h
        .write(WriteMode::Replace, &device, ContentFormat::Text, b"1")
        .unwrap_err();
    assert_eq!(codec_kind(&e).0, &CodecKind::Executable);
    // Not found, not allowed, not spoken.
    let e = h
        .write(WriteMode::Replace, &Path::instance(3416, 8), tlv, &[])
        .unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::NotFound(Path::instance(3416, 8)));
    let e = h
        .write(WriteMode::Replace, &Path::object(3416), tlv, &[])
        .unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::MethodNotAllowed(Path::object(3416)));
    let e = h
        .write(WriteMode::Replace, &lamp, ContentFormat::LinkFormat, b"")
        .unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::UnsupportedContentFormat(40));
    let e = h.execute(&Path::resource(3, 0, 9), "").unwrap_err();
    assert_eq!(
        e.kind(),
        &ErrorKind::MethodNotAllowed(Path::resource(3, 0, 9))
    );
    let e = h.execute(&Path::resource(3, 0, 4), "").unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::NotFound(Path::resource(3, 0, 4)));
    let e = h.read(&Path::resource(3416, 0, 2), None).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::NotFound(Path::resource(3416, 0, 2)));
    let e = h.read(&lamp, Some(ContentFormat::Text)).unwrap_err();
    assert_eq!(codec_kind(&e).0, &CodecKind::Unsupported);
    let e = h.create(3, tlv, &[]).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::MethodNotAllowed(Path::object(3)));
    let e = h
        .create(3416, tlv, &[0x03, 0x00, 0xc1, 0x01, 0x14])
        .unwrap_err();
    assert_eq!(codec_kind(&e), (&CodecKind::DuplicatePath, Some(lamp)));
    let e = h.delete(&Path::resource(3416, 0, 1)).unwrap_err();
    assert_eq!(
        e.kind(),
        &ErrorKind::MethodNotAllowed(Path::resource(3416, 0, 1))
    );
    let e = h.write_attributes(&lamp, ["pmin=x"]).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::InvalidQuery("pmin=x".into()));
    let e = h
        .write_attributes(&Path::resource(3416, 0, 44), ["gt=1", "lt=2"])
        .unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::InvalidQuery("lt>=gt".into()));
    // The default formats.
    assert_eq!(
        h.default_format(&Path::resource(3416, 0, 1)),
        ContentFormat::Text
    );
    assert_eq!(
        h.default_format(&Path::resource(3416, 0, 13)),
        ContentFormat::SenmlCbor
    );
    assert_eq!(
        h.default_format(&Path::resource_instance(3416, 0, 13, 0)),
        ContentFormat::Text
    );
    assert_eq!(
        Host::new("x", v(1, 0)).default_format(&lamp),
        ContentFormat::Tlv
    );
}

#[test]
fn observe_composite_notifies_when_any_listed_value_changes() {
    let mut h = host();
    // The server's Observe-Composite of Battery Level and the lamp's Command, in SenML
    // JSON: FETCH / with Observe 0, Content-Format and Accept 110.
    let paths = br#"[{"n":"/3/0/9"},{"n":"/3416/0/1"}]"#.to_vec();
    let op = Operation::ObserveComposite {
        format: ContentFormat::SenmlJson,
        payload: paths.clone(),
        accept: Some(ContentFormat::SenmlJson),
    };
    let reg = Registration::from_register(["ep=lamp-17", "lwm2m=1.1"], b"</3/0>").unwrap();
    let fetch = reg.request(&op, &Path::ROOT, 0x0101, vec![0x7e]);
    assert_eq!(
        fetch.to_bytes().unwrap(),
        bytes(
            &[&[0x41, 0x05, 0x01, 0x01, 0x7e, 0x60, 0x61, 0x6e, 0x51, 0x6e]],
            &paths
        )
    );
    let first = answer(&mut h, &fetch);
    assert_eq!(
        first.to_bytes().unwrap(),
        bytes(
            &[&[0x61, 0x45, 0x01, 0x01, 0x7e, 0x60, 0x61, 0x6e]],
            br#"[{"bn":"/3/0/","n":"9","v":87},{"bn":"/3416/0/","n":"1","v":50}]"#
        )
    );
    assert!(h.notifications(1).is_empty());
    // A change of either value is notified, with both values.
    h.instance_mut::<OutdoorLampController>(0).unwrap().command = 60;
    let n = h.notifications(2);
    assert_eq!(n.len(), 1);
    assert_eq!(
        n[0].payload,
        br#"[{"bn":"/3/0/","n":"9","v":87},{"bn":"/3416/0/","n":"1","v":60}]"#
    );
    assert_eq!(
        n[0].get_option(CoapOption::Observe).unwrap().front(),
        Some(&vec![1])
    );
    // Cancelled with Observe 1 and the same token.
    let cancel = Operation::CancelObserveComposite {
        format: ContentFormat::SenmlJson,
        payload: paths,
        accept: Some(ContentFormat::SenmlJson),
    };
    let fetch = reg.request(&cancel, &Path::ROOT, 0x0102, vec![0x7e]);
    assert_eq!(code(&h.handle(&fetch, 3).unwrap()), ResponseCode::Content);
    h.instance_mut::<Device>(0).unwrap().battery_level = Some(10);
    assert!(h.notifications(4).is_empty());
    assert_eq!(h.observation_count(), 0);
}

#[test]
fn a_rejected_notification_ends_its_observation() {
    let mut h = host();
    let observe = request(
        RequestType::Get,
        "/3/0/9",
        &[(CoapOption::Observe, &[])],
        b"",
    );
    assert_eq!(code(&answer(&mut h, &observe)), ResponseCode::Content);
    h.instance_mut::<Device>(0).unwrap().battery_level = Some(50);
    let n = h.notifications(1);
    assert_eq!(n.len(), 1);
    // The message layer reports that the server reset it: the observation ends.
    assert!(h.cancel_observation(n[0].get_token()));
    assert!(!h.cancel_observation(n[0].get_token()));
    h.instance_mut::<Device>(0).unwrap().battery_level = Some(40);
    assert!(h.notifications(2).is_empty());
    assert_eq!(h.observation_count(), 0);
}

#[test]
fn the_server_objects_default_periods_apply_where_no_attribute_is_set() {
    use ucifi_objects::oma::lwm2m_server::v1_1::Lwm2mServer;
    let mut h = host();
    h.add(
        0,
        Lwm2mServer {
            short_server_id: 1,
            lifetime: 300,
            default_minimum_period: Some(10),
            default_maximum_period: Some(60),
            binding: "U".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let defaults = h.effective_attributes(&Path::resource(3, 0, 9));
    assert_eq!((defaults.pmin, defaults.pmax), (Some(10), Some(60)));
    let observe = request(
        RequestType::Get,
        "/3/0/9",
        &[(CoapOption::Observe, &[])],
        b"",
    );
    assert_eq!(code(&answer(&mut h, &observe)), ResponseCode::Content);
    // A change at 1 s waits for the default pmin; nothing else comes before pmax.
    h.instance_mut::<Device>(0).unwrap().battery_level = Some(50);
    assert!(h.notifications(1).is_empty());
    assert_eq!(h.next_due(1), Some(10));
    assert_eq!(h.notifications(10).len(), 1);
    assert_eq!(h.next_due(11), Some(70));
    // An attribute written on the path wins over the default.
    h.write_attributes(&Path::resource(3, 0, 9), ["pmin=2"])
        .unwrap();
    h.instance_mut::<Device>(0).unwrap().battery_level = Some(40);
    assert_eq!(h.next_due(11), Some(12));
}
