//! `ucifi client` against a fake LwM2M server in the test: a UDP socket on loopback
//! speaking CoAP through coap-lite. Every exchange is bounded by timeouts.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, UdpSocket};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use coap_lite::{CoapOption, MessageClass, MessageType, Packet, RequestType, ResponseType};
use serde_json::Value as Json;
use ucifi_runtime::typed::Instance;
use ucifi_runtime::{ContentFormat, Path, Value};

const WAIT: Duration = Duration::from_secs(10);

/// A running `ucifi client`, its stdout lines on a channel.
struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
}

impl Client {
    fn start(args: &[&str]) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ucifi"))
            .arg("client")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let stdin = child.stdin.take();
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Client {
            child,
            stdin,
            lines,
        }
    }

    /// The next stdout line, as JSON.
    fn line(&self) -> Json {
        let line = self
            .lines
            .recv_timeout(WAIT)
            .expect("a line from the client");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{line:?}: {e}"))
    }

    /// The next line, which must be event `event`.
    fn expect(&self, event: &str) -> Json {
        let line = self.line();
        assert_eq!(line["event"], event, "{line}");
        line
    }

    fn say(&mut self, command: &str) {
        let stdin = self.stdin.as_mut().unwrap();
        writeln!(stdin, "{command}").unwrap();
        stdin.flush().unwrap();
    }

    /// Waits for the process to exit; its status code.
    fn wait(&mut self) -> Option<i32> {
        for _ in 0..100 {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("the client did not exit");
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The fake server.
struct Server {
    socket: UdpSocket,
    client: Option<SocketAddr>,
    message_id: u16,
}

impl Server {
    fn new() -> Server {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        socket.set_read_timeout(Some(WAIT)).unwrap();
        Server {
            socket,
            client: None,
            message_id: 0x4000,
        }
    }

    fn address(&self) -> String {
        self.socket.local_addr().unwrap().to_string()
    }

    fn recv(&self) -> (Packet, SocketAddr) {
        let mut buf = [0u8; 4096];
        let (n, peer) = self.socket.recv_from(&mut buf).expect("a datagram");
        (Packet::from_bytes(&buf[..n]).unwrap(), peer)
    }

    fn send(&self, p: &Packet) {
        let to = self.client.unwrap();
        self.socket.send_to(&p.to_bytes().unwrap(), to).unwrap();
    }

    /// Acknowledges `request` with `code` (piggybacked), with Location-Path segments.
    fn answer(&self, request: &Packet, code: ResponseType, location: &[&str]) {
        let mut p = Packet::new();
        p.header.set_type(MessageType::Acknowledgement);
        p.header.message_id = request.header.message_id;
        p.header.code = MessageClass::Response(code);
        p.set_token(request.get_token().to_vec());
        for s in location {
            p.add_option(CoapOption::LocationPath, s.as_bytes().to_vec());
        }
        self.send(&p);
    }

    /// Sends a confirmable request and returns the piggybacked response.
    fn request(
        &mut self,
        method: RequestType,
        path: &str,
        options: &[(CoapOption, Vec<u8>)],
        payload: &[u8],
    ) -> Packet {
        self.message_id += 1;
        let mut p = Packet::new();
        p.header.set_type(MessageType::Confirmable);
        p.header.code = MessageClass::Request(method);
        p.header.message_id = self.message_id;
        p.set_token(self.message_id.to_be_bytes().to_vec());
        for s in path.split('/').filter(|s| !s.is_empty()) {
            p.add_option(CoapOption::UriPath, s.as_bytes().to_vec());
        }
        for (o, v) in options {
            p.add_option(*o, v.clone());
        }
        p.payload = payload.to_vec();
        self.send(&p);
        let (response, _) = self.recv();
        assert_eq!(response.header.get_type(), MessageType::Acknowledgement);
        assert_eq!(response.header.message_id, self.message_id);
        assert_eq!(response.get_token(), p.get_token());
        response
    }

    /// Receives the Register and answers 2.01 at `/rd/ab12`.
    fn accept_register(&mut self, client: &Client, query: &[&str], payload: &str) {
        let (register, peer) = self.recv();
        self.client = Some(peer);
        assert_eq!(register.header.get_type(), MessageType::Confirmable);
        assert_eq!(
            register.header.code,
            MessageClass::Request(RequestType::Post)
        );
        assert_eq!(strings(&register, CoapOption::UriPath), ["rd"]);
        assert_eq!(strings(&register, CoapOption::UriQuery), query);
        assert_eq!(String::from_utf8_lossy(&register.payload), payload);
        self.answer(&register, ResponseType::Created, &["rd", "ab12"]);
        let line = client.expect("registered");
        assert_eq!(line["location"], "/rd/ab12");
    }
}

fn strings(p: &Packet, option: CoapOption) -> Vec<String> {
    p.get_option(option)
        .into_iter()
        .flatten()
        .map(|v| String::from_utf8_lossy(v).into_owned())
        .collect()
}

fn uint(n: u32) -> Vec<u8> {
    let bytes = n.to_be_bytes();
    let skip = bytes.iter().take_while(|b| **b == 0).count();
    bytes[skip..].to_vec()
}

fn code(p: &Packet) -> String {
    let b = u8::from(p.header.code);
    format!("{}.{:02}", b >> 5, b & 0x1f)
}

fn start(server: &Server, objects: &str) -> (Client, SocketAddr) {
    let client = Client::start(&[
        "--server",
        &server.address(),
        "--endpoint",
        "test-lamp",
        "--objects",
        objects,
        "--lifetime",
        "300",
        "--listen",
        "127.0.0.1:0",
    ]);
    let line = client.expect("listening");
    let address = line["address"].as_str().unwrap().parse().unwrap();
    (client, address)
}

#[test]
fn a_device_registers_answers_notifies_sends_and_deregisters() {
    let mut server = Server::new();
    let (mut client, address) = start(&server, "3416@1.0");
    assert_eq!(address.ip().to_string(), "127.0.0.1");
    server.accept_register(
        &client,
        &["ep=test-lamp", "lt=300", "lwm2m=1.1", "b=U"],
        "</1/0>,</3/0>,</3416/0>",
    );
    assert_eq!(server.client, Some(address));

    // Read the Device in TLV.
    let tlv = uint(u32::from(ContentFormat::Tlv.number()));
    let r = server.request(
        RequestType::Get,
        "/3/0",
        &[(CoapOption::Accept, tlv.clone())],
        b"",
    );
    assert_eq!(code(&r), "2.05");
    assert_eq!(
        r.get_option(CoapOption::ContentFormat).unwrap().front(),
        Some(&tlv)
    );
    let device = ucifi_objects::oma::device::v1_1::Device::decode(
        ContentFormat::Tlv,
        &Path::instance(3, 0),
        &r.payload,
    )
    .unwrap();
    assert_eq!(device.manufacturer.as_deref(), Some("ucifi"));
    assert_eq!(device.serial_number.as_deref(), Some("SIM-test-lamp"));
    assert_eq!(device.battery_level, Some(87));
    assert_eq!(device.supported_binding_and_modes, "U");
    let line = client.expect("request");
    assert_eq!(
        (&line["method"], &line["path"], &line["code"]),
        (&"GET".into(), &"/3/0".into(), &"2.05".into())
    );

    // Resource 39 of the lamp is a String under 1.0.
    let r = server.request(
        RequestType::Get,
        "/3416/0/39",
        &[(CoapOption::Accept, tlv)],
        b"",
    );
    assert_eq!(code(&r), "2.05");
    let lamp = ucifi_objects::ucifi::outdoor_lamp_controller::v1_0::OutdoorLampController::decode(
        ContentFormat::Tlv,
        &Path::resource(3416, 0, 39),
        &r.payload,
    )
    .unwrap();
    assert_eq!(
        lamp.light_color_temperature_command.as_deref(),
        Some("3000")
    );
    assert_eq!(client.expect("request")["path"], "/3416/0/39");

    // A Command out of range (0..100) is refused.
    let text = (CoapOption::ContentFormat, Vec::new());
    let r = server.request(
        RequestType::Put,
        "/3416/0/1",
        std::slice::from_ref(&text),
        b"120",
    );
    assert_eq!(code(&r), "4.00");
    let line = client.expect("request");
    assert_eq!(
        (&line["method"], &line["code"]),
        (&"PUT".into(), &"4.00".into())
    );

    // Reboot.
    let r = server.request(RequestType::Post, "/3/0/4", &[], b"");
    assert_eq!(code(&r), "2.04");
    let line = client.expect("execute");
    assert_eq!(line["path"], "/3/0/4");
    let line = client.expect("request");
    assert_eq!(
        (&line["path"], &line["code"]),
        (&"/3/0/4".into(), &"2.04".into())
    );

    // Observe the Command with pmin=1&pmax=60, then change it twice.
    let query = [
        (CoapOption::UriQuery, b"pmin=1".to_vec()),
        (CoapOption::UriQuery, b"pmax=60".to_vec()),
    ];
    let r = server.request(RequestType::Put, "/3416/0/1", &query, b"");
    assert_eq!(code(&r), "2.04");
    assert_eq!(client.expect("request")["code"], "2.04");
    let r = server.request(
        RequestType::Get,
        "/3416/0/1",
        &[(CoapOption::Observe, vec![])],
        b"",
    );
    assert_eq!(code(&r), "2.05");
    assert_eq!(
        r.get_option(CoapOption::Observe).unwrap().front(),
        Some(&vec![])
    );
    assert_eq!(r.payload, b"100");
    let token = r.get_token().to_vec();
    let line = client.expect("request");
    assert_eq!(
        (&line["path"], &line["observe"]),
        (&"/3416/0/1".into(), &0.into())
    );
    for (value, sequence) in [("50", 1), ("60", 2)] {
        client.say(&format!("set /3416/0/1 {value}"));
        let line = client.expect("set");
        assert_eq!(
            (&line["path"], &line["value"]),
            (&"/3416/0/1".into(), &value.into())
        );
        let (n, _) = server.recv();
        assert_eq!(n.header.get_type(), MessageType::NonConfirmable);
        assert_eq!(code(&n), "2.05");
        assert_eq!(n.get_token(), token);
        assert_eq!(
            n.get_option(CoapOption::Observe).unwrap().front(),
            Some(&uint(sequence))
        );
        assert_eq!(n.payload, value.as_bytes());
        let line = client.expect("notify");
        assert_eq!(
            (&line["path"], &line["observe"]),
            (&"/3416/0/1".into(), &sequence.into())
        );
    }

    // Send the battery level and the Command.
    client.say("send /3/0/9 /3416/0/1");
    let (send, _) = server.recv();
    assert_eq!(send.header.get_type(), MessageType::Confirmable);
    assert_eq!(send.header.code, MessageClass::Request(RequestType::Post));
    assert_eq!(strings(&send, CoapOption::UriPath), ["dp"]);
    assert_eq!(
        send.get_option(CoapOption::ContentFormat).unwrap().front(),
        Some(&uint(u32::from(ContentFormat::SenmlCbor.number())))
    );
    let records =
        ucifi_runtime::codec::senml_cbor::decode_records(&send.payload, &ucifi_objects::REGISTRY)
            .unwrap();
    let values: Vec<(String, Option<Value>)> = records
        .iter()
        .map(|r| (r.path.to_string(), r.value.clone()))
        .collect();
    assert_eq!(
        values,
        [
            ("/3/0/9".to_string(), Some(Value::Integer(87))),
            ("/3416/0/1".to_string(), Some(Value::Integer(60))),
        ]
    );
    assert!(records.iter().all(|r| r.time.is_some_and(|t| t > 1.6e9)));
    server.answer(&send, ResponseType::Changed, &[]);
    let line = client.expect("send");
    assert_eq!(line["code"], "2.04");
    assert_eq!(line["paths"], serde_json::json!(["/3/0/9", "/3416/0/1"]));

    // A bad command is an error line; the client goes on.
    client.say("frobnicate /3/0");
    client.expect("error");
    client.say("set /3416/0/1 lots");
    client.expect("error");

    // quit: De-register at the location, then exit 0.
    client.say("quit");
    let (bye, _) = server.recv();
    assert_eq!(bye.header.code, MessageClass::Request(RequestType::Delete));
    assert_eq!(strings(&bye, CoapOption::UriPath), ["rd", "ab12"]);
    server.answer(&bye, ResponseType::Deleted, &[]);
    assert_eq!(client.expect("deregistered")["code"], "2.02");
    assert_eq!(client.wait(), Some(0));
}

#[test]
fn bad_datagrams_do_not_stop_the_client() {
    let mut server = Server::new();
    let (client, address) = start(&server, "3416");
    server.accept_register(
        &client,
        &["ep=test-lamp", "lt=300", "lwm2m=1.1", "b=U"],
        "</1/0>,</3/0>,</3416>;ver=2.0,</3416/0>",
    );
    let mut get = Packet::new();
    get.header.set_type(MessageType::Confirmable);
    get.header.code = MessageClass::Request(RequestType::Get);
    get.header.message_id = 7;
    get.set_token(vec![1, 2, 3, 4, 5, 6, 7, 8]);
    get.add_option(CoapOption::UriPath, b"3".to_vec());
    let whole = get.to_bytes().unwrap();
    // Random bytes, a truncated request, a header only, nothing at all.
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for len in [1usize, 3, 17, 200, 1400] {
        let junk: Vec<u8> = (0..len)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed as u8
            })
            .collect();
        server.socket.send_to(&junk, address).unwrap();
    }
    server.socket.send_to(&whole[..6], address).unwrap();
    server.socket.send_to(&whole[..4], address).unwrap();
    server.socket.send_to(&[], address).unwrap();
    // What comes back is a Reset for each confirmable message that does not parse.
    server
        .socket
        .set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let mut buf = [0u8; 2048];
    while let Ok((n, _)) = server.socket.recv_from(&mut buf) {
        let p = Packet::from_bytes(&buf[..n]).unwrap();
        assert_eq!(p.header.get_type(), MessageType::Reset);
        assert_eq!(p.header.code, MessageClass::Empty);
    }
    server.socket.set_read_timeout(Some(WAIT)).unwrap();
    // The client still answers.
    let r = server.request(RequestType::Get, "/3/0/0", &[], b"");
    assert_eq!(code(&r), "2.05");
    assert_eq!(r.payload, b"ucifi");
    let line = client.expect("request");
    assert_eq!(line["path"], "/3/0/0");
}

fn fails(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_ucifi"))
        .arg("client")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{args:?}");
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    err
}

#[test]
fn bad_arguments_are_one_line_errors() {
    let base = ["--server", "127.0.0.1:5683", "--endpoint", "x"];
    fn with<'a>(base: &[&'a str], extra: &[&'a str]) -> Vec<&'a str> {
        [base, extra].concat()
    }
    assert_eq!(
        fails(&with(&base, &["--objects", "9999"])),
        "error: unknown object 9999\n"
    );
    assert_eq!(
        fails(&with(&base, &["--objects", "3416@1.7"])),
        "error: object 3416 has no version 1.7 (known: 1.0, 2.0)\n"
    );
    assert_eq!(
        fails(&with(&base, &["--objects", "3416@x"])),
        "error: bad version \"x\" for object 3416 in --objects\n"
    );
    assert_eq!(
        fails(&with(&base, &["--lwm2m", "1.0"])),
        "error: --lwm2m must be 1.1 or 1.2, not \"1.0\"\n"
    );
    assert_eq!(
        fails(&["--server", "127.0.0.1", "--endpoint", "x"]),
        "error: bad --server address \"127.0.0.1\" (expected HOST:PORT)\n"
    );
    assert_eq!(
        fails(&["--server", "127.0.0.1:99999", "--endpoint", "x"]),
        "error: bad --server address \"127.0.0.1:99999\" (expected HOST:PORT)\n"
    );
}

/// Reads `path` as text.
fn read_text(server: &mut Server, path: &str) -> String {
    let r = server.request(RequestType::Get, path, &[], b"");
    assert_eq!(code(&r), "2.05", "{path}");
    String::from_utf8(r.payload).unwrap()
}

#[test]
fn the_lamp_follows_its_command_and_counts() {
    let mut server = Server::new();
    let (client, _) = start(&server, "3416");
    server.accept_register(
        &client,
        &["ep=test-lamp", "lt=300", "lwm2m=1.1", "b=U"],
        "</1/0>,</3/0>,</3416>;ver=2.0,</3416/0>",
    );
    // Command 40: the dimming level moves there from 100, 20 points a second.
    let text = (CoapOption::ContentFormat, Vec::new());
    let r = server.request(RequestType::Put, "/3416/0/1", &[text], b"40");
    assert_eq!(code(&r), "2.04");
    let mut levels = Vec::new();
    for _ in 0..50 {
        let level: i64 = read_text(&mut server, "/3416/0/3").parse().unwrap();
        if levels.last() != Some(&level) {
            levels.push(level);
        }
        if level == 40 {
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(levels.last(), Some(&40), "{levels:?}");
    assert!(levels.windows(2).all(|w| w[0] > w[1]), "{levels:?}");
    // Power at 40 % of 60 W; energy and operating hours grew while on.
    assert_eq!(read_text(&mut server, "/3416/0/46"), "24");
    let energy: f64 = read_text(&mut server, "/3416/0/47").parse().unwrap();
    assert!(energy > 0.0, "{energy}");
    let hours: f64 = read_text(&mut server, "/3416/0/15").parse().unwrap();
    assert!(hours > 0.0 && hours < 0.01, "{hours}");
    // Lamp operating hours reset.
    let r = server.request(RequestType::Post, "/3416/0/16", &[], b"");
    assert_eq!(code(&r), "2.04");
    let hours: f64 = read_text(&mut server, "/3416/0/15").parse().unwrap();
    assert!(hours < 0.001, "{hours}");
    // Every exchange is a line: the write, the reads, the execute.
    let mut events = Vec::new();
    while let Ok(line) = client.lines.recv_timeout(Duration::from_millis(200)) {
        let line: Json = serde_json::from_str(&line).unwrap();
        events.push(line["event"].as_str().unwrap().to_string());
    }
    assert_eq!(events.first().map(String::as_str), Some("request"));
    assert!(events.contains(&"execute".to_string()), "{events:?}");
}

#[test]
fn a_refused_register_is_tried_again() {
    let mut server = Server::new();
    let (client, _) = start(&server, "");
    let (first, peer) = server.recv();
    server.client = Some(peer);
    server.answer(&first, ResponseType::BadRequest, &[]);
    let line = client.expect("error");
    assert!(
        line["message"]
            .as_str()
            .unwrap()
            .starts_with("register refused (4.00)"),
        "{line}"
    );
    // Two seconds later, the same Register again.
    server.accept_register(
        &client,
        &["ep=test-lamp", "lt=300", "lwm2m=1.1", "b=U"],
        "</1/0>,</3/0>",
    );
}

#[cfg(unix)]
#[test]
fn sigterm_deregisters() {
    let mut server = Server::new();
    let (mut client, _) = start(&server, "");
    server.accept_register(
        &client,
        &["ep=test-lamp", "lt=300", "lwm2m=1.1", "b=U"],
        "</1/0>,</3/0>",
    );
    let status = Command::new("kill")
        .args(["-TERM", &client.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let (bye, _) = server.recv();
    assert_eq!(bye.header.code, MessageClass::Request(RequestType::Delete));
    assert_eq!(strings(&bye, CoapOption::UriPath), ["rd", "ab12"]);
    server.answer(&bye, ResponseType::Deleted, &[]);
    client.expect("deregistered");
    assert_eq!(client.wait(), Some(0));
}

#[test]
fn a_new_lifetime_and_a_new_instance_are_updated() {
    let mut server = Server::new();
    let (client, _) = start(&server, "3416");
    server.accept_register(
        &client,
        &["ep=test-lamp", "lt=300", "lwm2m=1.1", "b=U"],
        "</1/0>,</3/0>,</3416>;ver=2.0,</3416/0>",
    );
    // The server writes the lifetime: an Update with lt follows.
    let text = (CoapOption::ContentFormat, Vec::new());
    let r = server.request(
        RequestType::Put,
        "/1/0/1",
        std::slice::from_ref(&text),
        b"120",
    );
    assert_eq!(code(&r), "2.04");
    assert_eq!(client.expect("request")["path"], "/1/0/1");
    let (update, _) = server.recv();
    assert_eq!(update.header.code, MessageClass::Request(RequestType::Post));
    assert_eq!(strings(&update, CoapOption::UriPath), ["rd", "ab12"]);
    assert_eq!(strings(&update, CoapOption::UriQuery), ["lt=120"]);
    assert!(update.payload.is_empty());
    server.answer(&update, ResponseType::Changed, &[]);
    assert_eq!(client.expect("updated")["location"], "/rd/ab12");
    // The server creates a lamp instance: an Update with the objects follows.
    let r = server.request(RequestType::Post, "/3416", &[text], b"");
    assert_eq!(code(&r), "2.01");
    assert_eq!(strings(&r, CoapOption::LocationPath), ["3416", "1"]);
    assert_eq!(client.expect("request")["code"], "2.01");
    let (update, _) = server.recv();
    assert_eq!(strings(&update, CoapOption::UriPath), ["rd", "ab12"]);
    assert_eq!(
        String::from_utf8_lossy(&update.payload),
        "</1/0>,</3/0>,</3416>;ver=2.0,</3416/0>,</3416/1>"
    );
    server.answer(&update, ResponseType::Changed, &[]);
    client.expect("updated");
}

#[test]
fn ipv6_loopback_works_too() {
    // Machines without IPv6 have nothing to test here.
    let Ok(socket) = UdpSocket::bind("[::1]:0") else {
        return;
    };
    socket.set_read_timeout(Some(WAIT)).unwrap();
    let mut server = Server {
        socket,
        client: None,
        message_id: 1,
    };
    let client = Client::start(&[
        "--server",
        &server.address(),
        "--endpoint",
        "test-lamp",
        "--lwm2m",
        "1.2",
        "--listen",
        "[::1]:0",
    ]);
    let line = client.expect("listening");
    assert!(
        line["address"].as_str().unwrap().starts_with("[::1]:"),
        "{line}"
    );
    server.accept_register(
        &client,
        &["ep=test-lamp", "lt=300", "lwm2m=1.2", "b=U"],
        "</1/0>,</3/0>",
    );
    assert_eq!(read_text(&mut server, "/1/0/0"), "1");
    assert_eq!(client.expect("request")["path"], "/1/0/0");
}

#[test]
fn every_object_reads_in_every_format() {
    let mut server = Server::new();
    let ids: Vec<u16> = ucifi_objects::REGISTRY
        .ids()
        .into_iter()
        .filter(|&id| id > 3)
        .collect();
    let list: Vec<String> = ids.iter().map(u16::to_string).collect();
    let (client, _) = start(&server, &list.join(","));
    let (register, peer) = server.recv();
    server.client = Some(peer);
    server.answer(&register, ResponseType::Created, &["rd", "x"]);
    client.expect("registered");
    for id in [1, 3].into_iter().chain(ids) {
        for format in ContentFormat::ALL {
            let accept = (CoapOption::Accept, uint(u32::from(format.number())));
            let r = server.request(RequestType::Get, &format!("/{id}/0"), &[accept], b"");
            // Content, or Not Acceptable for a format that cannot carry an instance.
            assert!(
                ["2.05", "4.06"].contains(&code(&r).as_str()),
                "/{id}/0 in {format:?}: {}",
                code(&r)
            );
            client.expect("request");
        }
    }
}

#[test]
fn an_update_goes_out_before_the_lifetime_runs_out() {
    let mut server = Server::new();
    let client = Client::start(&[
        "--server",
        &server.address(),
        "--endpoint",
        "short",
        "--lifetime",
        "2",
        "--listen",
        "127.0.0.1:0",
    ]);
    client.expect("listening");
    server.accept_register(
        &client,
        &["ep=short", "lt=2", "lwm2m=1.1", "b=U"],
        "</1/0>,</3/0>",
    );
    let registered = std::time::Instant::now();
    for _ in 0..2 {
        let (update, _) = server.recv();
        let after = registered.elapsed();
        assert_eq!(update.header.code, MessageClass::Request(RequestType::Post));
        assert_eq!(strings(&update, CoapOption::UriPath), ["rd", "ab12"]);
        assert!(update.payload.is_empty());
        server.answer(&update, ResponseType::Changed, &[]);
        client.expect("updated");
        assert!(after < Duration::from_secs(4), "{after:?}");
    }
}
