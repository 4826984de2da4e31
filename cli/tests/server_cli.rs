//! `ucifi server` as a process on loopback UDP, driven through stdin and read from its JSON
//! lines, with a device made of `ucifi-lwm2m`'s client `Host` and `Endpoint` in the test:
//! register, read typed by the registered version, a write refused by the device's model,
//! observe with notifications, Send, bad commands and bad datagrams, de-register.

mod common;

use std::net::UdpSocket;
use std::time::{Duration, Instant};

use common::{Client, PATIENCE, ServerProcess, expect};
use ucifi_lwm2m::SendBuilder;
use ucifi_objects::ucifi::outdoor_lamp_controller::v1_0::OutdoorLampController;
use ucifi_runtime::{ContentFormat, Path};

#[test]
fn a_device_registers_is_read_written_observed_and_leaves() {
    let mut server = ServerProcess::start();
    let mut device = Client::new(server.address, "lamp-17");

    // Register.
    let request = device.host.register_request(0, vec![]);
    let response = device.request(request);
    device.host.registered(&response).unwrap();
    let line = expect(&server, &mut device, "registered");
    assert_eq!(line["endpoint"], "lamp-17");
    assert_eq!(line["location"], "/rd/1");
    assert_eq!(line["lwm2m"], "1.1");
    let objects = line["objects"].as_array().unwrap();
    assert!(objects.contains(&serde_json::json!({"id": 3416, "version": "1.0", "instances": [0]})));

    // Read typed by the registered version: resource 39 is a String in 1.0.
    server.command("read lamp-17 /3416/0/39");
    let line = expect(&server, &mut device, "response");
    assert_eq!(line["code"], "2.05");
    assert_eq!(
        line["records"],
        serde_json::json!([{"n": "/3416/0/39", "vs": "3000"}])
    );
    server.command("read lamp-17 /3/0 senml-json");
    let line = expect(&server, &mut device, "response");
    assert_eq!(
        line["records"][0],
        serde_json::json!({"n": "/3/0/0", "vs": "ucifi"})
    );

    // A write the device's model refuses (Command is 0..100): 4.00, nothing changes.
    server.command(r#"update lamp-17 /3416/0 [{"n":"/3416/0/1","v":150}]"#);
    let line = expect(&server, &mut device, "error");
    assert_eq!(
        (line["command"].as_str(), line["code"].as_str()),
        (Some("update"), Some("4.00"))
    );
    server.command(r#"update lamp-17 /3416/0 [{"n":"/3416/0/1","v":55}]"#);
    let line = expect(&server, &mut device, "response");
    assert_eq!(line["code"], "2.04");
    let lamp = device.host.instance::<OutdoorLampController>(0).unwrap();
    assert_eq!(lamp.command, 55);

    // Observe; a change notifies.
    server.command("observe lamp-17 /3416/0/1");
    let line = expect(&server, &mut device, "response");
    assert_eq!(
        line["records"],
        serde_json::json!([{"n": "/3416/0/1", "v": 55}])
    );
    device
        .host
        .instance_mut::<OutdoorLampController>(0)
        .unwrap()
        .command = 70;
    let line = expect(&server, &mut device, "notify");
    assert_eq!(
        line["records"],
        serde_json::json!([{"n": "/3416/0/1", "v": 70}])
    );
    server.command("cancel lamp-17 /3416/0/1");
    let line = expect(&server, &mut device, "response");
    assert_eq!(line["command"], "cancel");

    // Send.
    let send = SendBuilder::new()
        .value(
            Path::resource(3, 0, 9),
            ucifi_runtime::Value::Integer(86),
            Some(1_700_000_000.0),
        )
        .request(Some(ContentFormat::SenmlCbor), 0, vec![])
        .unwrap();
    let response = device.request(send);
    assert_eq!(u8::from(response.header.code), 0x44);
    let line = expect(&server, &mut device, "send");
    assert_eq!(
        line["records"],
        serde_json::json!([{"n": "/3/0/9", "v": 86, "t": 1700000000}])
    );

    // Bad commands get error lines; bad datagrams change nothing.
    server.command("read nobody /3/0");
    let line = expect(&server, &mut device, "error");
    assert!(
        line["message"].as_str().unwrap().contains("nobody"),
        "{line}"
    );
    server.command("frobnicate");
    expect(&server, &mut device, "error");
    let junk = UdpSocket::bind("127.0.0.1:0").unwrap();
    for datagram in [
        &b"\xff\x00"[..],
        b"\x40\x01",
        b"\x44\x01\x00\x01\x01\x02\x03",
        b"",
    ] {
        junk.send_to(datagram, server.address).unwrap();
    }
    server.command("list");
    let line = expect(&server, &mut device, "response");
    assert_eq!(line["clients"].as_array().unwrap().len(), 1);

    // De-register; then quit.
    let request = device.host.deregister_request(0, vec![]).unwrap();
    let response = device.request(request);
    assert_eq!(u8::from(response.header.code), 0x42);
    let line = expect(&server, &mut device, "deregistered");
    assert_eq!(line["endpoint"], "lamp-17");
    server.command("quit");
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            assert!(status.success());
            break;
        }
        assert!(Instant::now() < deadline, "the server did not quit");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn ipv6_clients_register_and_are_read() {
    let mut server = ServerProcess::start_with(&["--listen", "[::1]:0"]);
    assert!(server.address.is_ipv6());
    let mut device = Client::new(server.address, "v6");
    let request = device.host.register_request(0, vec![]);
    let response = device.request(request);
    device.host.registered(&response).unwrap();
    let line = expect(&server, &mut device, "registered");
    assert!(
        line["address"].as_str().unwrap().starts_with("[::1]:"),
        "{line}"
    );
    server.command("read v6 /3/0/9");
    let line = expect(&server, &mut device, "response");
    assert_eq!(
        line["records"],
        serde_json::json!([{"n": "/3/0/9", "v": 87}])
    );
    server.command("quit");
}

#[test]
fn bad_datagrams_are_answered_or_dropped_and_the_server_keeps_serving() {
    let mut server = ServerProcess::start();
    let mut device = Client::new(server.address, "steady");
    let request = device.host.register_request(0, vec![]);
    let created = device.request(request);
    device.host.registered(&created).unwrap();
    expect(&server, &mut device, "registered");

    let junk = UdpSocket::bind("127.0.0.1:0").unwrap();
    junk.set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let answer = |datagram: &[u8]| -> Option<Vec<u8>> {
        junk.send_to(datagram, server.address).unwrap();
        let mut buf = [0u8; 2048];
        junk.recv_from(&mut buf)
            .ok()
            .map(|(n, _)| buf[..n].to_vec())
    };
    // A confirmable GET /rd with an unknown critical option (13, odd): 4.02 Bad Option,
    // piggybacked on the ACK of message 0x1234, token 0x55.
    let bad_option = [0x41, 0x01, 0x12, 0x34, 0x55, 0xb2, b'r', b'd', 0x20];
    assert_eq!(
        answer(&bad_option),
        Some(vec![0x61, 0x82, 0x12, 0x34, 0x55])
    );
    // A confirmable message whose options do not parse: Reset.
    assert_eq!(
        answer(&[0x40, 0x01, 0x12, 0x35, 0xdd]),
        Some(vec![0x70, 0x00, 0x12, 0x35])
    );
    // Text that reads as a confirmable header (`G` is version 1, CON) with a body that
    // is no CoAP: Reset too, with its message ID ("T ").
    assert_eq!(
        answer(b"GET / HTTP/1.1\r\n"),
        Some(vec![0x70, 0x00, b'T', b' '])
    );
    // Another version, too short, empty: dropped.
    for datagram in [&b"\x80\x01\x00\x01"[..], b"\x40", b""] {
        assert_eq!(answer(datagram), None, "{datagram:?}");
    }
    // A Register of 60,000 bytes that is no link format: 4.00.
    let mut big = vec![0x41, 0x02, 0x12, 0x36, 0x56, 0xb2, b'r', b'd', 0xff];
    big.extend(std::iter::repeat_n(b'x', 60_000));
    let reply = answer(&big).unwrap();
    assert_eq!(&reply[..5], [0x61, 0x80, 0x12, 0x36, 0x56]);
    // Random bytes, many of them.
    let mut x: u32 = 0x2545_f491;
    for _ in 0..2_000 {
        let len = (x % 40) as usize;
        let datagram: Vec<u8> = (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect();
        junk.send_to(&datagram, server.address).unwrap();
    }
    // The registered device is still served.
    while server.lines.try_recv().is_ok() {}
    server.command("read steady /3/0/9");
    let line = expect(&server, &mut device, "response");
    assert_eq!(
        line["records"],
        serde_json::json!([{"n": "/3/0/9", "v": 87}])
    );
    server.command("quit");
}

#[test]
fn a_registration_that_outlives_its_lifetime_expires() {
    let server = ServerProcess::start();
    let mut device = Client::new(server.address, "brief");
    device.host.set_lifetime(1);
    let request = device.host.register_request(0, vec![]);
    let created = device.request(request);
    device.host.registered(&created).unwrap();
    let line = expect(&server, &mut device, "registered");
    assert_eq!(line["lifetime"], 1);
    // No Update comes: about a second later the server lets it go.
    let start = Instant::now();
    let line = expect(&server, &mut device, "expired");
    assert_eq!(line["endpoint"], "brief");
    assert!(start.elapsed() < Duration::from_secs(3));
}
