//! `ucifi server` as a process on loopback UDP, driven through stdin and read from its JSON
//! lines, with a device made of `ucifi-lwm2m`'s client `Host` and `Endpoint` in the test:
//! register, read typed by the registered version, a write refused by the device's model,
//! observe with notifications, Send, bad commands and bad datagrams, de-register.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, UdpSocket};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value as Json;
use ucifi_lwm2m::transport::{Endpoint, Event, TransportConfig};
use ucifi_lwm2m::{Host, SendBuilder};
use ucifi_objects::oma::device::v1_1::Device;
use ucifi_objects::ucifi::outdoor_lamp_controller::v1_0::OutdoorLampController;
use ucifi_runtime::{ContentFormat, Path, Version};

/// Bound on every wait: the test fails rather than hang.
const PATIENCE: Duration = Duration::from_secs(10);

struct ServerProcess {
    child: Child,
    stdin: ChildStdin,
    lines: mpsc::Receiver<Json>,
    address: SocketAddr,
}

impl ServerProcess {
    fn start() -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ucifi"))
            .args(["server", "--listen", "127.0.0.1:0"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let json: Json = serde_json::from_str(&line)
                    .unwrap_or_else(|e| panic!("not a JSON line: {line:?}: {e}"));
                if tx.send(json).is_err() {
                    break;
                }
            }
        });
        let first = lines.recv_timeout(PATIENCE).unwrap();
        assert_eq!(first["event"], "listening", "{first}");
        let address = first["address"].as_str().unwrap().parse().unwrap();
        ServerProcess {
            child,
            stdin,
            lines,
            address,
        }
    }

    fn command(&mut self, line: &str) {
        writeln!(self.stdin, "{line}").unwrap();
        self.stdin.flush().unwrap();
    }
}

/// A device: a host of typed objects behind the CoAP message layer, on its own socket.
struct Client {
    host: Host,
    endpoint: Endpoint<SocketAddr>,
    socket: UdpSocket,
    server: SocketAddr,
    start: Instant,
}

impl Client {
    fn new(server: SocketAddr) -> Self {
        let mut host = Host::new("lamp-17", Version::new(1, 1));
        host.add(
            0,
            Device {
                manufacturer: Some("ucifi".into()),
                battery_level: Some(87),
                supported_binding_and_modes: "U".into(),
                ..Default::default()
            },
        )
        .unwrap();
        host.add(
            0,
            OutdoorLampController {
                command: 40,
                dimming_level: 40,
                light_color_temperature_command: Some("3000".into()),
                ..Default::default()
            },
        )
        .unwrap();
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        socket
            .set_read_timeout(Some(Duration::from_millis(20)))
            .unwrap();
        Client {
            host,
            endpoint: Endpoint::new(TransportConfig::default(), 7),
            socket,
            server,
            start: Instant::now(),
        }
    }

    fn now(&self) -> u64 {
        self.start.elapsed().as_millis() as u64
    }

    /// Moves datagrams for a while: answers requests through the host, sends due
    /// notifications; returns the responses to the device's own requests.
    fn pump(&mut self, for_: Duration) -> Vec<coap_lite::Packet> {
        let mut responses = Vec::new();
        let until = Instant::now() + for_;
        let mut buf = [0u8; 2048];
        while Instant::now() < until {
            let now = self.now();
            if let Ok((n, peer)) = self.socket.recv_from(&mut buf) {
                for event in self.endpoint.receive(peer, &buf[..n], now) {
                    match event {
                        Event::Request { id, request, .. } => {
                            if let Some(answer) = self.host.handle(&request, now / 1000) {
                                self.endpoint.respond(id, answer, now);
                            }
                        }
                        Event::Response { response, .. } => responses.push(response),
                        _ => {}
                    }
                }
            }
            for n in self.host.notifications(now / 1000) {
                self.endpoint.send(self.server, n, now);
            }
            self.endpoint.handle_timeout(now);
            while let Some((peer, bytes)) = self.endpoint.poll_transmit() {
                self.socket.send_to(&bytes, peer).unwrap();
            }
        }
        responses
    }

    fn request(&mut self, packet: coap_lite::Packet) -> coap_lite::Packet {
        let now = self.now();
        self.endpoint.request(self.server, packet, now);
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(r) = self.pump(Duration::from_millis(50)).pop() {
                return r;
            }
            assert!(Instant::now() < deadline, "no response from the server");
        }
    }
}

/// Pumps the device until the server prints a line with `event`; returns it.
fn expect(server: &ServerProcess, device: &mut Client, event: &str) -> Json {
    let deadline = Instant::now() + PATIENCE;
    loop {
        device.pump(Duration::from_millis(20));
        if let Ok(line) = server.lines.try_recv() {
            if line["event"] == event {
                return line;
            }
            panic!("expected a {event:?} line, got {line}");
        }
        assert!(Instant::now() < deadline, "no {event:?} line");
    }
}

#[test]
fn a_device_registers_is_read_written_observed_and_leaves() {
    let mut server = ServerProcess::start();
    let mut device = Client::new(server.address);

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
