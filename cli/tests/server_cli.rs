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
