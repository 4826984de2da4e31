//! What the tests of `ucifi server` share: the server as a process (stdin commands, JSON
//! lines out) and a device made of `ucifi-lwm2m`'s client `Host` and `Endpoint` on a
//! loopback UDP socket.
#![allow(dead_code)] // each test file uses part of it

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, UdpSocket};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value as Json;
use ucifi_lwm2m::Host;
use ucifi_lwm2m::transport::{Endpoint, Event, TransportConfig};
use ucifi_objects::oma::device::v1_1::Device;
use ucifi_objects::ucifi::outdoor_lamp_controller::v1_0::OutdoorLampController;
use ucifi_runtime::Version;

/// Bound on every wait: the test fails rather than hang.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// `ucifi ARGS` as a process: stdin to write commands to, its JSON lines on a channel.
pub struct Process {
    pub child: Child,
    pub stdin: ChildStdin,
    pub lines: mpsc::Receiver<Json>,
}

impl Process {
    pub fn spawn(args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ucifi"))
            .args(args)
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
        Process {
            child,
            stdin,
            lines,
        }
    }

    /// Writes one line to the process's stdin.
    pub fn command(&mut self, line: &str) {
        writeln!(self.stdin, "{line}").unwrap();
        self.stdin.flush().unwrap();
    }
}

/// `ucifi server` on loopback, its address read from its first line.
pub struct ServerProcess {
    pub process: Process,
    pub address: SocketAddr,
}

impl std::ops::Deref for ServerProcess {
    type Target = Process;
    fn deref(&self) -> &Process {
        &self.process
    }
}

impl std::ops::DerefMut for ServerProcess {
    fn deref_mut(&mut self) -> &mut Process {
        &mut self.process
    }
}

impl ServerProcess {
    pub fn start() -> Self {
        Self::start_with(&[])
    }

    /// The server with more options.
    pub fn start_with(options: &[&str]) -> Self {
        let mut args = vec!["server"];
        if !options.contains(&"--listen") {
            args.extend(["--listen", "127.0.0.1:0"]);
        }
        args.extend(options);
        let process = Process::spawn(&args);
        let first = process.lines.recv_timeout(PATIENCE).unwrap();
        assert_eq!(first["event"], "listening", "{first}");
        let address = first["address"].as_str().unwrap().parse().unwrap();
        ServerProcess { process, address }
    }
}

/// A seed no other device of this process has.
fn seed() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    t ^ n.wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// A device: a host of typed objects behind the CoAP message layer, on its own socket.
pub struct Client {
    pub host: Host,
    pub endpoint: Endpoint<SocketAddr>,
    pub socket: UdpSocket,
    pub server: SocketAddr,
    pub start: Instant,
    /// Datagrams lost and repeated on the way, both directions.
    pub loss: Option<Loss>,
}

/// A link that loses every `drop`-th datagram and sends every `repeat`-th twice, in each
/// direction (a fixed pattern: the test is the same every run).
pub struct Loss {
    pub drop: usize,
    pub repeat: usize,
    sent: usize,
    received: usize,
}

impl Loss {
    pub fn new(drop: usize, repeat: usize) -> Self {
        Loss {
            drop,
            repeat,
            sent: 0,
            received: 0,
        }
    }
}

impl Client {
    pub fn new(server: SocketAddr, name: &str) -> Self {
        let mut host = Host::new(name, Version::new(1, 1));
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
        let local = if server.is_ipv6() {
            "[::1]:0"
        } else {
            "127.0.0.1:0"
        };
        let socket = UdpSocket::bind(local).unwrap();
        socket.set_nonblocking(true).unwrap();
        Client {
            host,
            // A seed of its own: a new device on a reused port must not repeat an old
            // device's first message ID, which the server would take for a duplicate.
            endpoint: Endpoint::new(TransportConfig::default(), seed()),
            socket,
            server,
            start: Instant::now(),
            loss: None,
        }
    }

    /// The same device with a message layer of `config`.
    pub fn with_config(mut self, config: TransportConfig) -> Self {
        self.endpoint = Endpoint::new(config, seed());
        self
    }

    pub fn now(&self) -> u64 {
        self.start.elapsed().as_millis() as u64
    }

    /// Moves datagrams for a while: answers requests through the host, sends due
    /// notifications; returns the responses to the device's own requests.
    pub fn pump(&mut self, for_: Duration) -> Vec<coap_lite::Packet> {
        let mut responses = Vec::new();
        let until = Instant::now() + for_;
        while Instant::now() < until {
            responses.extend(self.step());
            std::thread::sleep(Duration::from_millis(1));
        }
        responses
    }

    /// Handles the datagrams waiting on the socket, sends what is due (notifications as
    /// confirmable messages, retransmitted until acknowledged) and returns the responses
    /// to the device's own requests. Does not wait.
    pub fn step(&mut self) -> Vec<coap_lite::Packet> {
        let mut responses = Vec::new();
        let mut buf = [0u8; 2048];
        let now = self.now();
        while let Ok((n, peer)) = self.socket.recv_from(&mut buf) {
            let mut times = 1;
            if let Some(loss) = &mut self.loss {
                loss.received += 1;
                if loss.received % loss.drop == 0 {
                    continue;
                }
                if loss.received % loss.repeat == 0 {
                    times = 2;
                }
            }
            for _ in 0..times {
                self.receive(peer, &buf[..n], now, &mut responses);
            }
        }
        for mut n in self.host.notifications(now / 1000) {
            n.header.set_type(coap_lite::MessageType::Confirmable);
            self.endpoint.send(self.server, n, now);
        }
        self.endpoint.handle_timeout(now);
        while let Some((peer, bytes)) = self.endpoint.poll_transmit() {
            let mut times = 1;
            if let Some(loss) = &mut self.loss {
                loss.sent += 1;
                if loss.sent % loss.drop == 0 {
                    continue;
                }
                if loss.sent % loss.repeat == 0 {
                    times = 2;
                }
            }
            for _ in 0..times {
                self.socket.send_to(&bytes, peer).unwrap();
            }
        }
        responses
    }

    fn receive(
        &mut self,
        peer: SocketAddr,
        datagram: &[u8],
        now: u64,
        responses: &mut Vec<coap_lite::Packet>,
    ) {
        for event in self.endpoint.receive(peer, datagram, now) {
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

    pub fn request(&mut self, packet: coap_lite::Packet) -> coap_lite::Packet {
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
pub fn expect(server: &ServerProcess, device: &mut Client, event: &str) -> Json {
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
