//! `ucifi server`: an LwM2M server on CoAP/UDP (NoSec). Clients register with it; commands
//! on stdin act on them; every event and every answer is one JSON object on stdout.
//!
//! The protocol lives in `ucifi-lwm2m`, sans-IO: its `Server` keeps the registrations and
//! answers `/rd` and `/dp`, its `transport::Endpoint` is the CoAP message layer
//! (retransmission, deduplication, block-wise transfers, Observe). This module is the
//! socket loop around them ([`serve`]) and the state that ties commands to the requests
//! they send and the answers to the commands ([`App`]).

mod command;

use std::collections::BTreeMap;
use std::io::Write as _;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Instant;

use coap_lite::{CoapOption, MessageClass, Packet};
use serde_json::{Value as Json, json};
use ucifi_lwm2m::transport::{Endpoint, Event, RequestId, TransportConfig};
use ucifi_lwm2m::{Operation, RegisteredClient, Registration, ResponseCode, Server, ServerEvent};
use ucifi_runtime::{ContentFormat, Path, Registry};

use crate::payload::{self, Leaf, ModelArgs};
use command::Command;

const EXAMPLES: &str = "\
Examples:
  ucifi server                               # listen on 127.0.0.1:5683
  ucifi server --listen [::1]:5683 --models vendor/
  then, on stdin:
    list
    read lamp-17 /3416/0 senml-json
    update lamp-17 /3416/0 [{\"n\":\"/3416/0/1\",\"v\":50}]
    attr lamp-17 /3416/0/3 pmin=10&pmax=60
    observe lamp-17 /3416/0/3
    exec lamp-17 /3/0/4
    quit";

/// `ucifi server` options.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// The UDP address to listen on, IPv4 or IPv6 (port 0: any free port; the first
    /// output line says which).
    #[arg(long, default_value = "127.0.0.1:5683", value_name = "ADDR")]
    pub listen: SocketAddr,
    /// CoAP ACK_TIMEOUT in milliseconds: how long a confirmable request waits before its
    /// first retransmission (RFC 7252: 2000; each later wait doubles).
    #[arg(long = "ack-timeout", value_name = "MS", default_value_t = 2000,
        value_parser = clap::value_parser!(u64).range(1..=60_000))]
    pub ack_timeout: u64,
    /// `--models`.
    #[command(flatten)]
    pub models: ModelArgs,
}

/// Runs the command.
pub fn run(args: Args) -> Result<ExitCode, String> {
    let registry = payload::load_registry(&args.models.models)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the event loop: {e}"))?;
    let transport = TransportConfig {
        ack_timeout_ms: args.ack_timeout,
        ..TransportConfig::default()
    };
    let result = runtime.block_on(serve(args.listen, registry, transport));
    // The stdin reader may be blocked in a read: do not wait for it.
    runtime.shutdown_background();
    result
}

/// The socket loop: datagrams, stdin lines and timers in, datagrams and JSON lines out,
/// until `quit`, Ctrl-C or SIGTERM.
async fn serve(
    listen: SocketAddr,
    registry: Registry,
    transport: TransportConfig,
) -> Result<ExitCode, String> {
    use tokio::io::AsyncBufReadExt as _;

    let socket = bind(listen).map_err(|e| format!("--listen {listen}: {e}"))?;
    let local = socket
        .local_addr()
        .map_err(|e| format!("--listen {listen}: {e}"))?;
    let start = Instant::now();
    let seed = u64::from(std::process::id()) ^ start.elapsed().as_nanos() as u64;
    let mut app = App::new(registry, transport, seed);
    app.emit(json!({"event": "listening", "address": local.to_string()}));
    app.flush()?;

    let (lines_tx, mut lines) = tokio::sync::mpsc::channel::<String>(64);
    tokio::spawn(async move {
        let mut stdin = tokio::io::BufReader::new(tokio::io::stdin()).lines();
        while let Ok(Some(line)) = stdin.next_line().await {
            if lines_tx.send(line).await.is_err() {
                break;
            }
        }
    });
    let mut stdin_open = true;
    let mut terminate = terminate_signal()?;
    let mut buf = vec![0u8; 65_536];
    let now = || u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
    loop {
        let wake = app
            .next_deadline()
            .map(|at| start + std::time::Duration::from_millis(at));
        tokio::select! {
            received = socket.recv_from(&mut buf) => {
                // An error is an ICMP report for an earlier datagram (a client gone):
                // nothing to do.
                if let Ok((n, peer)) = received {
                    app.datagram(peer, &buf[..n], now());
                    // Take what else has arrived before writing anything: many clients
                    // at once fill the socket's buffer faster than one line at a time.
                    for _ in 0..256 {
                        let Ok((n, peer)) = socket.try_recv_from(&mut buf) else { break };
                        app.datagram(peer, &buf[..n], now());
                    }
                }
            }
            line = lines.recv(), if stdin_open => match line {
                Some(line) => {
                    if app.command(&line, now()) {
                        break;
                    }
                }
                // stdin closed: keep serving the clients.
                None => stdin_open = false,
            },
            () = sleep_until(wake) => app.timers(now()),
            _ = tokio::signal::ctrl_c() => break,
            _ = terminate.recv() => break,
        }
        while let Some((peer, bytes)) = app.endpoint.poll_transmit() {
            if let Err(e) = socket.send_to(&bytes, peer).await {
                app.emit(json!({"event": "error", "message": format!("sending to {peer}: {e}")}));
            }
        }
        app.flush()?;
    }
    app.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// A UDP socket on `listen` with a receive buffer for bursts from many clients (4 MiB,
/// or what the system allows).
fn bind(listen: SocketAddr) -> std::io::Result<tokio::net::UdpSocket> {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket = Socket::new(
        Domain::for_address(listen),
        Type::DGRAM,
        Some(Protocol::UDP),
    )?;
    // Best effort: the system caps the size, and the default still works.
    let _ = socket.set_recv_buffer_size(4 << 20);
    socket.set_nonblocking(true)?;
    socket.bind(&listen.into())?;
    tokio::net::UdpSocket::from_std(socket.into())
}

/// Sleeps until `at`, or forever.
async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at.into()).await,
        None => std::future::pending().await,
    }
}

#[cfg(unix)]
fn terminate_signal() -> Result<tokio::signal::unix::Signal, String> {
    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .map_err(|e| format!("cannot watch SIGTERM: {e}"))
}

#[cfg(not(unix))]
fn terminate_signal() -> Result<NoSignal, String> {
    Ok(NoSignal)
}

/// Where there is no SIGTERM: a signal that never comes.
#[cfg(not(unix))]
struct NoSignal;

#[cfg(not(unix))]
impl NoSignal {
    async fn recv(&mut self) -> Option<()> {
        std::future::pending().await
    }
}

/// A request sent for a command, waiting for its answer.
struct Pending {
    command: &'static str,
    endpoint: String,
    path: Path,
}

/// An observation the server holds: who, what, and the token its notifications carry.
struct Observation {
    endpoint: String,
    path: Path,
    token: Vec<u8>,
}

/// The server's state: registrations, the message layer, the requests waiting for
/// answers, the observations, and the JSON lines not yet written.
struct App {
    server: Server<SocketAddr>,
    endpoint: Endpoint<SocketAddr>,
    pending: BTreeMap<RequestId, Pending>,
    observations: BTreeMap<RequestId, Observation>,
    next_token: u64,
    out: Vec<Json>,
}

impl App {
    fn new(registry: Registry, transport: TransportConfig, seed: u64) -> Self {
        App {
            server: Server::new(registry),
            endpoint: Endpoint::new(transport, seed),
            pending: BTreeMap::new(),
            observations: BTreeMap::new(),
            next_token: seed,
            out: Vec::new(),
        }
    }

    fn emit(&mut self, line: Json) {
        self.out.push(line);
    }

    /// Writes the pending JSON lines to stdout.
    fn flush(&mut self) -> Result<(), String> {
        if self.out.is_empty() {
            return Ok(());
        }
        let mut text = String::new();
        for line in self.out.drain(..) {
            text.push_str(&line.to_string());
            text.push('\n');
        }
        let mut stdout = std::io::stdout().lock();
        stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush())
            .map_err(|e| format!("writing stdout: {e}"))
    }

    /// When the message layer or a registration next needs attention.
    fn next_deadline(&self) -> Option<u64> {
        match (self.endpoint.next_timeout(), self.server.next_expiry()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn datagram(&mut self, peer: SocketAddr, bytes: &[u8], now: u64) {
        for event in self.endpoint.receive(peer, bytes, now) {
            self.event(event, now);
        }
    }

    fn timers(&mut self, now: u64) {
        for event in self.endpoint.handle_timeout(now) {
            self.event(event, now);
        }
        for event in self.server.expire(now) {
            self.server_event(event);
        }
    }

    fn event(&mut self, event: Event<SocketAddr>, now: u64) {
        match event {
            Event::Request { peer, id, request } => {
                let (response, event) = self.server.handle(peer, &request, now);
                self.endpoint.respond(id, response, now);
                if let Some(event) = event {
                    self.server_event(event);
                }
            }
            Event::Response { id, response, .. } => {
                if let Some(pending) = self.pending.remove(&id) {
                    self.answer(pending, id, &response);
                }
            }
            Event::Notification { id, response, .. } => self.notification(id, &response),
            Event::Failed { id, reason, .. } => {
                let ended = self.observations.remove(&id);
                let (command, endpoint, path) = match (self.pending.remove(&id), ended) {
                    (Some(p), _) => (p.command, p.endpoint, p.path),
                    (None, Some(o)) => ("observe", o.endpoint, o.path),
                    (None, None) => return,
                };
                let message = reason.to_string();
                self.emit(
                    json!({"event": "error", "command": command, "endpoint": endpoint,
                    "path": path.to_string(), "message": message}),
                );
            }
        }
    }

    fn server_event(&mut self, event: ServerEvent) {
        match event {
            ServerEvent::Registered { endpoint } => self.registration_line("registered", &endpoint),
            ServerEvent::Updated { endpoint } => self.registration_line("updated", &endpoint),
            ServerEvent::Deregistered(r) => self.left("deregistered", &r.endpoint),
            ServerEvent::Expired(r) => self.left("expired", &r.endpoint),
            ServerEvent::Send { endpoint, report } => {
                let leaves: Vec<Leaf> = report
                    .readings
                    .into_iter()
                    .map(|r| Leaf {
                        path: r.path,
                        value: r.value,
                        time: r.time,
                    })
                    .collect();
                let line = match records(&leaves) {
                    Ok(records) => {
                        json!({"event": "send", "endpoint": endpoint, "records": records})
                    }
                    Err(message) => {
                        json!({"event": "error", "endpoint": endpoint, "message": message})
                    }
                };
                self.emit(line);
            }
        }
    }

    /// A `registered` or `updated` line.
    fn registration_line(&mut self, event: &str, endpoint: &str) {
        if let Some(client) = self.server.client(endpoint) {
            let mut line = registration_json(client, self.server.registry());
            line["event"] = json!(event);
            self.emit(line);
        }
    }

    /// A `deregistered` or `expired` line; the client's observations end.
    fn left(&mut self, event: &str, endpoint: &str) {
        self.end_observations(endpoint);
        self.emit(json!({"event": event, "endpoint": endpoint}));
    }

    /// Forgets the observations of a client that left.
    fn end_observations(&mut self, endpoint: &str) {
        let ids: Vec<RequestId> = self
            .observations
            .iter()
            .filter(|(_, o)| o.endpoint == endpoint)
            .map(|(id, _)| *id)
            .collect();
        for id in ids {
            self.end_observation(id);
        }
    }

    /// Runs one command line; `true` for `quit`.
    fn command(&mut self, line: &str, now: u64) -> bool {
        if line.trim().is_empty() {
            return false;
        }
        let command = match command::parse(line) {
            Ok(c) => c,
            Err(message) => {
                self.emit(json!({"event": "error", "message": message}));
                return false;
            }
        };
        let name = command.name();
        match self.run_command(command, now) {
            Ok(quit) => quit,
            Err(message) => {
                self.emit(json!({"event": "error", "command": name, "message": message}));
                false
            }
        }
    }

    fn run_command(&mut self, command: Command, now: u64) -> Result<bool, String> {
        let name = command.name();
        let (endpoint, path, operation) = match command {
            Command::Quit => return Ok(true),
            Command::List => {
                let registry = self.server.registry();
                let clients: Vec<Json> = self
                    .server
                    .clients()
                    .map(|c| registration_json(c, registry))
                    .collect();
                self.emit(json!({"event": "response", "command": "list", "clients": clients}));
                return Ok(false);
            }
            Command::Read {
                endpoint,
                path,
                format,
            } => (endpoint, path, Operation::Read { accept: format }),
            Command::Discover { endpoint, path } => (endpoint, path, Operation::Discover),
            Command::Write {
                endpoint,
                path,
                mode,
                senml,
            } => {
                let client = self.client(&endpoint)?;
                let (format, payload) = self.encode_for(&client.registration, &path, &senml)?;
                (
                    endpoint,
                    path,
                    Operation::Write {
                        mode,
                        format,
                        payload,
                    },
                )
            }
            Command::Attributes {
                endpoint,
                path,
                attributes,
            } => (endpoint, path, Operation::WriteAttributes(attributes)),
            Command::Execute {
                endpoint,
                path,
                arguments,
            } => (endpoint, path, Operation::Execute { arguments }),
            Command::Create {
                endpoint,
                path,
                senml,
            } => {
                let client = self.client(&endpoint)?;
                let (format, payload) = self.encode_for(&client.registration, &path, &senml)?;
                (endpoint, path, Operation::Create { format, payload })
            }
            Command::Delete { endpoint, path } => (endpoint, path, Operation::Delete),
            Command::Observe { endpoint, path } => {
                if self.observation(&endpoint, &path).is_some() {
                    return Err(format!("{endpoint} {path} is observed already"));
                }
                (endpoint, path, Operation::Observe { accept: None })
            }
            Command::Cancel { endpoint, path } => {
                if self.observation(&endpoint, &path).is_none() {
                    return Err(format!("{endpoint} {path} is not observed"));
                }
                (
                    endpoint,
                    path,
                    Operation::CancelObservation { accept: None },
                )
            }
        };
        // A cancelling GET takes the observation's token, which ends it here and in the
        // message layer; every other request a fresh one.
        let token = match &operation {
            Operation::CancelObservation { .. } => self
                .observation(&endpoint, &path)
                .and_then(|id| self.observations.remove(&id))
                .map_or_else(|| self.token(), |o| o.token),
            _ => self.token(),
        };
        let client = self.client(&endpoint)?;
        let peer = client.peer;
        let request = client
            .registration
            .request(&operation, &path, 0, token.clone());
        let id = self.endpoint.request(peer, request, now);
        if matches!(operation, Operation::Observe { .. }) {
            self.observations.insert(
                id,
                Observation {
                    endpoint: endpoint.clone(),
                    path,
                    token,
                },
            );
        }
        self.pending.insert(
            id,
            Pending {
                command: name,
                endpoint,
                path,
            },
        );
        Ok(false)
    }

    fn client(&self, endpoint: &str) -> Result<RegisteredClient<SocketAddr>, String> {
        self.server
            .client(endpoint)
            .cloned()
            .ok_or_else(|| format!("no client {endpoint:?} is registered"))
    }

    fn observation(&self, endpoint: &str, path: &Path) -> Option<RequestId> {
        self.observations
            .iter()
            .find(|(_, o)| o.endpoint == endpoint && o.path == *path)
            .map(|(id, _)| *id)
    }

    /// A fresh 8-byte token.
    fn token(&mut self) -> Vec<u8> {
        self.next_token = self.next_token.wrapping_add(1);
        self.next_token.to_be_bytes().to_vec()
    }

    /// SenML JSON values, typed by the client's versions, in the format the client
    /// reads best.
    fn encode_for(
        &self,
        registration: &Registration,
        path: &Path,
        senml: &str,
    ) -> Result<(ContentFormat, Vec<u8>), String> {
        let models = registration.models(self.server.registry());
        let leaves = payload::decode(
            ContentFormat::SenmlJson,
            path,
            senml.as_bytes(),
            &models.selection,
            "",
        )?;
        let format = registration.preferred_format();
        let bytes = payload::encode(format, path, leaves, &models.selection, "")?;
        Ok((format, bytes))
    }

    /// The line answering a command.
    fn answer(&mut self, pending: Pending, id: RequestId, response: &Packet) {
        let Pending {
            command,
            endpoint,
            path,
        } = pending;
        let byte = u8::from(response.header.code);
        let code = ResponseCode::from_byte(byte);
        let code_text = code.map_or_else(|| format!("0x{byte:02x}"), |c| c.to_string());
        // An observation stays only when its answer is 2.05 with an Observe option.
        if code != Some(ResponseCode::Content) || response.get_option(CoapOption::Observe).is_none()
        {
            self.end_observation(id);
        }
        if !code.is_some_and(ResponseCode::is_success) {
            // The client's diagnostic payload, else the code's name.
            let message = match (response.payload.is_empty(), code) {
                (true, Some(code)) => code.reason().to_string(),
                _ => String::from_utf8_lossy(&response.payload).into_owned(),
            };
            self.emit(
                json!({"event": "error", "command": command, "endpoint": endpoint,
                "path": path.to_string(), "code": code_text, "message": message}),
            );
            return;
        }
        let mut line = json!({"event": "response", "command": command, "endpoint": endpoint,
            "path": path.to_string(), "code": code_text});
        if let Some(location) = response.get_option(CoapOption::LocationPath) {
            let segments: Vec<String> = location
                .iter()
                .map(|s| String::from_utf8_lossy(s).into_owned())
                .collect();
            line["location"] = json!(format!("/{}", segments.join("/")));
        }
        if code == Some(ResponseCode::Content) {
            match self.content(&endpoint, &path, response) {
                Ok((key, value)) => line[key] = value,
                Err(message) => {
                    self.end_observation(id);
                    self.emit(json!({"event": "error", "command": command,
                        "endpoint": endpoint, "path": path.to_string(), "code": code_text,
                        "message": message}));
                    return;
                }
            }
        }
        self.emit(line);
    }

    /// Ends an observation the server holds (if `id` is one): its later notifications
    /// are reset, which ends it at the client too.
    fn end_observation(&mut self, id: RequestId) {
        if self.observations.remove(&id).is_some() {
            self.endpoint.forget(id);
        }
    }

    /// A 2.05's content: `records` typed by the client's versions, or the `links` of a
    /// Discover.
    fn content(
        &self,
        endpoint: &str,
        path: &Path,
        response: &Packet,
    ) -> Result<(&'static str, Json), String> {
        let format = content_format(response)?;
        if format == ContentFormat::LinkFormat {
            let text = String::from_utf8_lossy(&response.payload).into_owned();
            return Ok(("links", json!(text)));
        }
        let client = self.client(endpoint)?;
        let models = client.registration.models(self.server.registry());
        let leaves = payload::decode(format, path, &response.payload, &models.selection, "")?;
        Ok(("records", records(&leaves)?))
    }

    fn notification(&mut self, id: RequestId, response: &Packet) {
        let Some(o) = self.observations.get(&id) else {
            return;
        };
        let (endpoint, path) = (o.endpoint.clone(), o.path);
        let observe = response
            .get_option(CoapOption::Observe)
            .and_then(|v| v.front())
            .map(|v| v.iter().fold(0u32, |n, b| n << 8 | u32::from(*b)));
        let line = match self.content(&endpoint, &path, response) {
            Ok((key, value)) => {
                json!({"event": "notify", "endpoint": endpoint, "path": path.to_string(),
                    "observe": observe, key: value})
            }
            Err(message) => json!({"event": "error", "command": "observe",
                "endpoint": endpoint, "path": path.to_string(), "message": message}),
        };
        if !matches!(response.header.code, MessageClass::Response(_))
            || ResponseCode::from_byte(u8::from(response.header.code))
                != Some(ResponseCode::Content)
        {
            // An error notification ends the observation.
            self.observations.remove(&id);
        }
        self.emit(line);
    }
}

/// The Content-Format of a response (text/plain without one, as CoAP says).
fn content_format(response: &Packet) -> Result<ContentFormat, String> {
    let Some(value) = response
        .get_option(CoapOption::ContentFormat)
        .and_then(|v| v.front())
    else {
        return Ok(ContentFormat::Text);
    };
    let number = value.iter().fold(0u32, |n, b| n << 8 | u32::from(*b));
    u16::try_from(number)
        .ok()
        .and_then(ContentFormat::from_number)
        .ok_or_else(|| format!("content format {number} is not one LwM2M uses"))
}

/// The canonical SenML JSON records of `leaves`, as `ucifi decode` prints them.
fn records(leaves: &[Leaf]) -> Result<Json, String> {
    let text = payload::senml_json(leaves)?;
    serde_json::from_str(&text).map_err(|e| format!("records: {e}"))
}

/// A client's registration as a JSON object.
fn registration_json(client: &RegisteredClient<SocketAddr>, registry: &Registry) -> Json {
    let r = &client.registration;
    let models = r.models(registry);
    let objects: Vec<Json> = r
        .objects
        .iter()
        .map(|o| json!({"id": o.id, "version": o.version.to_string(), "instances": o.instances}))
        .collect();
    let unknown: Vec<String> = models
        .unknown
        .iter()
        .map(|u| format!("{}@{}", u.id, u.version))
        .collect();
    let mut line = json!({
        "endpoint": r.endpoint,
        "location": format!("/rd/{}", client.location),
        "address": client.peer.to_string(),
        "lwm2m": r.lwm2m_version.to_string(),
        "lifetime": r.lifetime,
        "binding": r.binding,
        "objects": objects,
    });
    if !unknown.is_empty() {
        line["unknown_models"] = json!(unknown);
    }
    line
}
