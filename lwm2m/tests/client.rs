//! The client side: a host of typed instances registering, answering a server's requests
//! and notifying observations, checked on the CoAP wire byte for byte.

use coap_lite::{CoapOption, MessageClass, MessageType, Packet, RequestType};
use ucifi_example_vendor_object::x::BenchSensor;
use ucifi_lwm2m::{Host, ResponseCode};
use ucifi_objects::ipso::temperature::v1_1::Temperature;
use ucifi_objects::oma::device::v1_2::{self as device, Device};
use ucifi_objects::ucifi::outdoor_lamp_controller::v2_0::OutdoorLampController;
use ucifi_runtime::{Path, Version};

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

#[test]
fn explore() {
    let mut h = host();
    println!("{}", h.register_payload());
    let r = request(RequestType::Get, "/3416/0/1", &[], b"");
    println!("{:02x?}", r.to_bytes().unwrap());
    let a = answer(&mut h, &r);
    println!("{:02x?}", a.to_bytes().unwrap());
    let r = request(RequestType::Get, "/3", &[(CoapOption::Accept, &[40])], b"");
    let a = answer(&mut h, &r);
    println!("{}", String::from_utf8_lossy(&a.payload));
    let r = request(RequestType::Get, "/3/0", &[], b"");
    let a = answer(&mut h, &r);
    println!("{:?} {:02x?}", code(&a), a.to_bytes().unwrap());
    let _ = device::Execute::from_id(4);
    let _ = Temperature::default();
    let _ = Path::ROOT;
}
