//! `ucifi client --server ADDR --endpoint NAME [--objects 3,3416@1.0,...]`: a simulated
//! LwM2M device on CoAP/UDP (NoSec), one JSON line per event on stdout.

mod device;

use std::collections::{BTreeMap, VecDeque};
use std::net::{SocketAddr, ToSocketAddrs};
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use coap_lite::{CoapOption, MessageClass, Packet, RequestType};
use serde_json::{Value as Json, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::UdpSocket;
use tokio::time::Instant;
use ucifi_lwm2m::transport::{Endpoint, Event, Failure, RequestId, TransportConfig};
use ucifi_runtime::{Path, Version};

use device::{Config, Device};

/// Arguments of `ucifi client`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
The device hosts Security (0), Server (1) and Device (3) plus the objects of --objects:
ID for the latest version, ID@VERSION for another one (registered with its ver where
that is not the default). The Outdoor lamp controller (3416) simulates its lamp: the
dimming level follows Command, operating hours and energy count while it is on. CoAP
over UDP in NoSec mode.

stdin, one command per line:
  set PATH VALUE        set a resource from text (e.g. set /3416/0/1 50)
  send PATH [PATH...]   Send (POST /dp) the current values, SenML CBOR
  quit                  De-register and exit (so do SIGINT and SIGTERM)

stdout: one JSON object per line: listening, registered, updated, request, execute,
notify, set, send, deregistered, error.

Example:
  ucifi client --server 127.0.0.1:5683 --endpoint lamp-17 --objects 3416@1.0")]
pub struct Args {
    /// The LwM2M server, HOST:PORT.
    #[arg(long, value_name = "ADDR")]
    pub server: String,
    /// The endpoint name the device registers with.
    #[arg(long, value_name = "NAME")]
    pub endpoint: String,
    /// Objects to host besides 0, 1 and 3: ID or ID@VERSION, comma separated.
    #[arg(long, value_name = "LIST", default_value = "")]
    pub objects: String,
    /// Registration lifetime, seconds.
    #[arg(long, value_name = "S", default_value_t = 300)]
    pub lifetime: u32,
    /// LwM2M enabler version: 1.1 or 1.2.
    #[arg(long, value_name = "V", default_value = "1.1")]
    pub lwm2m: String,
    /// The local address to bind (default: any port on the address family of the server).
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,
}

/// Runs the client until it is told to stop.
pub fn run(args: Args) -> Result<ExitCode, String> {
    let lwm2m: Version = match args.lwm2m.as_str() {
        "1.1" => Version::new(1, 1),
        "1.2" => Version::new(1, 2),
        other => return Err(format!("--lwm2m must be 1.1 or 1.2, not {other:?}")),
    };
    if args.lifetime == 0 {
        return Err("--lifetime must be at least 1 second".into());
    }
    if args.endpoint.is_empty() {
        return Err("--endpoint must not be empty".into());
    }
    let server = resolve(&args.server, "--server")?;
    let listen = match &args.listen {
        Some(a) => resolve(a, "--listen")?,
        None if server.is_ipv6() => SocketAddr::from(([0u16; 8], 0)),
        None => SocketAddr::from(([0u8; 4], 0)),
    };
    let config = Config {
        endpoint: args.endpoint,
        lwm2m,
        lifetime: args.lifetime,
        server_uri: format!("coap://{server}"),
        objects: device::parse_objects(&args.objects)?,
    };
    let device = Device::new(&config, unix_now())?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    let result = runtime.block_on(async move {
        let socket = UdpSocket::bind(listen)
            .await
            .map_err(|e| format!("cannot bind {listen}: {e}"))?;
        let local = socket
            .local_addr()
            .map_err(|e| format!("cannot read the local address: {e}"))?;
        emit(json!({"event": "listening", "address": local.to_string()}));
        Client::new(device, socket, server, config.lifetime)
            .run()
            .await
    });
    // Reading stdin blocks a thread of the runtime: do not wait for it.
    runtime.shutdown_background();
    result?;
    Ok(ExitCode::SUCCESS)
}

/// The first address `text` (HOST:PORT) names.
fn resolve(text: &str, what: &str) -> Result<SocketAddr, String> {
    text.to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .ok_or_else(|| format!("bad {what} address {text:?} (expected HOST:PORT)"))
}

/// Seconds since 1970 by the system clock.
fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Prints one event line (a closed stdout is no reason to stop the device).
fn emit(event: Json) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{event}").and_then(|()| out.flush());
}

/// Prints an `error` line.
fn error(message: impl Into<String>) {
    emit(json!({"event": "error", "message": message.into()}));
}

/// A CoAP code byte as `c.dd`.
fn code_text(byte: u8) -> String {
    format!("{}.{:02}", byte >> 5, byte & 0x1f)
}

/// The Uri-Path of a request as an LwM2M path text (`/3/0`).
fn uri_path(p: &Packet) -> String {
    let segments: Vec<String> = p
        .get_option(CoapOption::UriPath)
        .into_iter()
        .flatten()
        .map(|s| String::from_utf8_lossy(s).into_owned())
        .collect();
    format!("/{}", segments.join("/"))
}

/// The method of a request (`GET`), or its code as `c.dd`.
fn method_text(p: &Packet) -> String {
    match p.header.code {
        MessageClass::Request(RequestType::Get) => "GET".into(),
        MessageClass::Request(RequestType::Post) => "POST".into(),
        MessageClass::Request(RequestType::Put) => "PUT".into(),
        MessageClass::Request(RequestType::Delete) => "DELETE".into(),
        MessageClass::Request(RequestType::Fetch) => "FETCH".into(),
        MessageClass::Request(RequestType::Patch) => "PATCH".into(),
        MessageClass::Request(RequestType::IPatch) => "iPATCH".into(),
        other => code_text(u8::from(other)),
    }
}

/// The value of the Observe option, if any.
fn observe_value(p: &Packet) -> Option<u32> {
    let v = p.get_option(CoapOption::Observe)?.front()?;
    (v.len() <= 3).then(|| v.iter().fold(0u32, |n, b| n << 8 | u32::from(*b)))
}

/// What an outgoing request or message was for.
enum Pending {
    /// The Register.
    Register,
    /// An Update.
    Update,
    /// The De-register.
    Deregister,
    /// A Send of these paths.
    Send(Vec<String>),
    /// A notification, with its token (a Reset ends the observation it belongs to).
    Notify(Vec<u8>),
}

/// Where the registration stands.
#[derive(Clone, Copy, Debug, PartialEq)]
enum State {
    /// Not registered; the next Register goes out at this time (ms).
    Unregistered { retry_at: u64 },
    /// A Register is on its way.
    Registering,
    /// Registered; the next Update goes out at this time (ms).
    Registered { update_at: u64 },
    /// A De-register is on its way; give up at this time (ms).
    Leaving { until: u64 },
}

/// The client's state around its device.
struct Client {
    /// The simulated device.
    device: Device,
    /// The UDP socket.
    socket: UdpSocket,
    /// The server's address.
    server: SocketAddr,
    /// The CoAP message layer.
    endpoint: Endpoint<SocketAddr>,
    /// When the client started: the transport's and the host's clocks count from here.
    start: Instant,
    /// Where the registration stands.
    state: State,
    /// The lifetime registered, seconds.
    lifetime: u32,
    /// The wait before the next Register attempt, ms.
    backoff_ms: u64,
    /// The client's requests and messages in flight.
    pending: BTreeMap<RequestId, Pending>,
    /// The notifications sent, oldest first, that a Reset may still name.
    notifications: VecDeque<RequestId>,
    /// Open observations by token: the observed path.
    observations: BTreeMap<Vec<u8>, String>,
    /// The Register payload last sent, to Update when the objects change.
    payload: String,
    /// When the next simulation step is due, ms.
    next_step: u64,
    /// When the last simulation step ran, ms.
    last_step: u64,
}

/// The first wait before a Register is sent again, ms.
const FIRST_BACKOFF_MS: u64 = 2_000;
/// The longest wait between Register attempts, ms.
const MAX_BACKOFF_MS: u64 = 60_000;
/// How many notifications a Reset may still cancel an observation by.
const MAX_NOTIFICATIONS: usize = 1024;
/// How long the De-register may take before the client exits anyway, ms.
const LEAVE_MS: u64 = 10_000;

impl Client {
    /// A client of `device` talking to `server` over `socket`.
    fn new(device: Device, socket: UdpSocket, server: SocketAddr, lifetime: u32) -> Client {
        let seed = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64);
        let payload = device.host.register_payload();
        Client {
            device,
            socket,
            server,
            endpoint: Endpoint::new(TransportConfig::default(), seed),
            start: Instant::now(),
            state: State::Unregistered { retry_at: 0 },
            lifetime,
            backoff_ms: FIRST_BACKOFF_MS,
            pending: BTreeMap::new(),
            notifications: VecDeque::new(),
            observations: BTreeMap::new(),
            payload,
            next_step: 1_000,
            last_step: 0,
        }
    }

    /// Milliseconds since the client started (the transport's clock).
    fn now_ms(&self) -> u64 {
        self.start.elapsed().as_millis() as u64
    }

    /// The event loop: datagrams, stdin lines, signals and timers, until the
    /// De-register is done.
    async fn run(mut self) -> Result<(), String> {
        let mut stdin = BufReader::new(tokio::io::stdin()).split(b'\n');
        let mut stdin_open = true;
        let mut buf = vec![0u8; 65_536];
        let mut stop = Stop::new()?;
        loop {
            let now = self.now_ms();
            self.tick(now);
            self.flush().await;
            if self.done(now) {
                if self
                    .pending
                    .values()
                    .any(|p| matches!(p, Pending::Deregister))
                {
                    error("de-register unanswered: exiting");
                }
                return Ok(());
            }
            let wake = self.next_wake(now);
            let sleep = tokio::time::sleep_until(self.start + Duration::from_millis(wake));
            tokio::select! {
                received = self.socket.recv_from(&mut buf) => match received {
                    Ok((n, peer)) => {
                        let now = self.now_ms();
                        let events = self.endpoint.receive(peer, &buf[..n], now);
                        self.events(events, now);
                    }
                    // ICMP errors (port unreachable) surface here on some systems.
                    Err(e) => error(format!("receive: {e}")),
                },
                line = stdin.next_segment(), if stdin_open => match line {
                    Ok(Some(line)) => self.command(&String::from_utf8_lossy(&line)),
                    Ok(None) => stdin_open = false,
                    Err(e) => {
                        error(format!("stdin: {e}"));
                        stdin_open = false;
                    }
                },
                () = stop.signal() => self.leave(),
                () = sleep => {}
            }
        }
    }

    /// Whether the client is finished: a De-register answered, failed or timed out.
    fn done(&self, now: u64) -> bool {
        match self.state {
            State::Leaving { until } => {
                now >= until
                    || !self
                        .pending
                        .values()
                        .any(|p| matches!(p, Pending::Deregister))
            }
            _ => false,
        }
    }

    /// When something is next due, ms.
    fn next_wake(&self, now: u64) -> u64 {
        let mut wake = self.next_step;
        if let Some(t) = self.endpoint.next_timeout() {
            wake = wake.min(t);
        }
        if let Some(due) = self.device.host.next_due(now / 1000) {
            wake = wake.min(due.saturating_mul(1000));
        }
        match self.state {
            State::Unregistered { retry_at } => wake = wake.min(retry_at),
            State::Registered { update_at } => wake = wake.min(update_at),
            State::Leaving { until } => wake = wake.min(until),
            State::Registering => {}
        }
        wake.max(now)
    }

    /// Runs what is due at `now`.
    fn tick(&mut self, now: u64) {
        let events = self.endpoint.handle_timeout(now);
        self.events(events, now);
        if now >= self.next_step {
            let unix = unix_now();
            // Simulated time runs with the clock, at most a minute per step.
            let seconds = now.saturating_sub(self.last_step).min(60_000) as f64 / 1000.0;
            self.last_step = now;
            self.device.step(seconds, unix);
            self.next_step = now + 1_000;
        }
        match self.state {
            State::Unregistered { retry_at } if now >= retry_at => self.register(now),
            State::Registered { update_at } => {
                let lifetime = self.device.server_lifetime().unwrap_or(self.lifetime);
                let payload = self.device.host.register_payload();
                if lifetime != self.lifetime && lifetime > 0 {
                    self.lifetime = lifetime;
                    self.device.host.set_lifetime(lifetime);
                    self.update(now, true);
                } else if payload != self.payload || now >= update_at {
                    // The objects changed, or the lifetime is 80 % gone.
                    self.update(now, false);
                }
            }
            _ => {}
        }
        self.notify(now);
    }

    /// Sends the Register.
    fn register(&mut self, now: u64) {
        let mut request = self.device.host.register_request(0, Vec::new());
        self.payload = self.device.host.register_payload();
        request.payload = self.payload.clone().into_bytes();
        let id = self.endpoint.request(self.server, request, now);
        self.pending.insert(id, Pending::Register);
        self.state = State::Registering;
    }

    /// Sends an Update: with `lt` when the lifetime changed, with the objects when they
    /// changed.
    fn update(&mut self, now: u64, lifetime_changed: bool) {
        let payload = self.device.host.register_payload();
        let with_objects = payload != self.payload;
        let Some(mut request) = self.device.host.update_request(with_objects, 0, Vec::new()) else {
            return;
        };
        if with_objects {
            request.payload = payload.clone().into_bytes();
        }
        if lifetime_changed {
            let query = format!("lt={}", self.lifetime);
            request.add_option(CoapOption::UriQuery, query.into_bytes());
        }
        self.payload = payload;
        let id = self.endpoint.request(self.server, request, now);
        self.pending.insert(id, Pending::Update);
        // The next Update is scheduled by the answer; until then none is due.
        self.state = State::Registered {
            update_at: u64::MAX,
        };
    }

    /// Starts leaving: De-register when registered, otherwise stop at once.
    fn leave(&mut self) {
        let now = self.now_ms();
        if matches!(self.state, State::Leaving { .. }) {
            return;
        }
        match self.device.host.deregister_request(0, Vec::new()) {
            Some(request) => {
                let id = self.endpoint.request(self.server, request, now);
                self.pending.insert(id, Pending::Deregister);
            }
            None => emit(json!({"event": "deregistered", "registered": false})),
        }
        self.state = State::Leaving {
            until: now + LEAVE_MS,
        };
    }

    /// Sends the notifications due.
    fn notify(&mut self, now: u64) {
        if matches!(self.state, State::Leaving { .. }) {
            return;
        }
        for packet in self.device.host.notifications(now / 1000) {
            let token = packet.get_token().to_vec();
            let path = self.observations.get(&token).cloned().unwrap_or_default();
            let code = u8::from(packet.header.code);
            let mut line = json!({
                "event": "notify",
                "path": path,
                "code": code_text(code),
            });
            if let Some(seq) = observe_value(&packet) {
                line["observe"] = json!(seq);
            } else {
                // An error notification ends the observation.
                self.observations.remove(&token);
            }
            emit(line);
            let token = packet.get_token().to_vec();
            let id = self.endpoint.send(self.server, packet, now);
            self.pending.insert(id, Pending::Notify(token));
            self.notifications.push_back(id);
            // A notification nobody resets is forgotten after a while: keep the latest.
            while self.notifications.len() > MAX_NOTIFICATIONS {
                if let Some(old) = self.notifications.pop_front() {
                    self.pending.remove(&old);
                }
            }
        }
    }

    /// Puts the endpoint's datagrams on the wire.
    async fn flush(&mut self) {
        while let Some((peer, bytes)) = self.endpoint.poll_transmit() {
            if let Err(e) = self.socket.send_to(&bytes, peer).await {
                error(format!("send to {peer}: {e}"));
            }
        }
    }

    /// Handles the transport's events: requests answered by the host, responses and
    /// failures of the client's own requests.
    fn events(&mut self, events: Vec<Event<SocketAddr>>, now: u64) {
        for event in events {
            match event {
                Event::Request { id, request, .. } => {
                    let response = self.device.host.handle(&request, now / 1000);
                    for line in self.device.log.borrow_mut().drain(..) {
                        emit(line);
                    }
                    let Some(response) = response else {
                        continue;
                    };
                    let code = u8::from(response.header.code);
                    let path = uri_path(&request);
                    let mut line = json!({
                        "event": "request",
                        "method": method_text(&request),
                        "path": path,
                        "code": code_text(code),
                    });
                    if let Some(observe) = observe_value(&request) {
                        line["observe"] = json!(observe);
                        let token = request.get_token().to_vec();
                        if observe == 0 && observe_value(&response).is_some() {
                            self.observations.insert(token, path);
                        } else if observe == 1 {
                            self.observations.remove(&token);
                        }
                    }
                    emit(line);
                    self.endpoint.respond(id, response, now);
                }
                Event::Response { id, response, .. } => self.response(id, &response, now),
                Event::Notification { .. } => {}
                Event::Failed { id, reason, .. } => self.failed(id, reason, now),
            }
        }
    }

    /// The server's answer to one of the client's requests.
    fn response(&mut self, id: RequestId, response: &Packet, now: u64) {
        let Some(pending) = self.pending.remove(&id) else {
            return;
        };
        let code = u8::from(response.header.code);
        match pending {
            Pending::Register => match self.device.host.registered(response) {
                Ok(()) => {
                    let location = self.location();
                    emit(json!({
                        "event": "registered",
                        "location": location,
                        "lifetime": self.lifetime,
                    }));
                    self.backoff_ms = FIRST_BACKOFF_MS;
                    self.state = State::Registered {
                        update_at: now + self.update_period(),
                    };
                }
                Err(e) => {
                    error(format!("register refused ({}): {e}", code_text(code)));
                    self.retry_later(now);
                }
            },
            Pending::Update if code >> 5 == 2 => {
                emit(json!({"event": "updated", "location": self.location()}));
                if !matches!(self.state, State::Leaving { .. }) {
                    self.state = State::Registered {
                        update_at: now + self.update_period(),
                    };
                }
            }
            Pending::Update => {
                error(format!(
                    "update refused ({}): registering again",
                    code_text(code)
                ));
                if !matches!(self.state, State::Leaving { .. }) {
                    self.state = State::Unregistered { retry_at: now };
                }
            }
            Pending::Deregister => {
                emit(json!({"event": "deregistered", "code": code_text(code)}));
            }
            Pending::Send(paths) => {
                emit(json!({"event": "send", "paths": paths, "code": code_text(code)}));
            }
            Pending::Notify(_) => {}
        }
    }

    /// One of the client's requests or messages failed.
    fn failed(&mut self, id: RequestId, reason: Failure, now: u64) {
        let Some(pending) = self.pending.remove(&id) else {
            return;
        };
        let why = format!("{reason:?}").to_lowercase();
        match pending {
            Pending::Register => {
                error(format!(
                    "register failed ({why}): retrying in {} s",
                    self.backoff_ms / 1000
                ));
                self.retry_later(now);
            }
            Pending::Update => {
                error(format!("update failed ({why}): registering again"));
                if !matches!(self.state, State::Leaving { .. }) {
                    self.state = State::Unregistered { retry_at: now };
                }
            }
            Pending::Deregister => error(format!("de-register failed ({why})")),
            Pending::Send(paths) => error(format!("send of {} failed ({why})", paths.join(" "))),
            Pending::Notify(token) => {
                if reason == Failure::Reset {
                    // The server rejected the notification: its observation ends.
                    self.device.host.cancel_observation(&token);
                }
            }
        }
    }

    /// Schedules the next Register after the backoff, and doubles the backoff.
    fn retry_later(&mut self, now: u64) {
        if matches!(self.state, State::Leaving { .. }) {
            return;
        }
        self.state = State::Unregistered {
            retry_at: now + self.backoff_ms,
        };
        self.backoff_ms = (self.backoff_ms * 2).min(MAX_BACKOFF_MS);
    }

    /// When to Update after a registration or Update: at 80 % of the lifetime.
    fn update_period(&self) -> u64 {
        u64::from(self.lifetime) * 800
    }

    /// The registration's location as a path (`/rd/ab12`).
    fn location(&self) -> String {
        let segments = self.device.host.location().unwrap_or_default();
        format!("/{}", segments.join("/"))
    }

    /// One stdin command; a bad one gets an `error` line.
    fn command(&mut self, line: &str) {
        let words: Vec<&str> = line.split_whitespace().collect();
        let result = match words.as_slice() {
            [] => Ok(()),
            ["quit"] => {
                self.leave();
                Ok(())
            }
            ["set", path, value @ ..] if !value.is_empty() => self.set(path, &value.join(" ")),
            ["send", paths @ ..] if !paths.is_empty() => self.send(paths),
            _ => Err(format!(
                "unknown command {line:?} (set PATH VALUE, send PATH [PATH...], quit)"
            )),
        };
        if let Err(message) = result {
            error(message);
        }
    }

    /// `set PATH VALUE`.
    fn set(&mut self, path: &str, value: &str) -> Result<(), String> {
        let p: Path = path
            .parse()
            .map_err(|e| format!("bad path {path:?}: {e}"))?;
        self.device.set(&p, value.as_bytes())?;
        emit(json!({"event": "set", "path": p.to_string(), "value": value}));
        Ok(())
    }

    /// `send PATH [PATH...]`.
    fn send(&mut self, paths: &[&str]) -> Result<(), String> {
        if !matches!(self.state, State::Registered { .. }) {
            return Err("send: not registered".into());
        }
        let parsed = paths
            .iter()
            .map(|p| {
                p.parse::<Path>()
                    .map_err(|e| format!("bad path {p:?}: {e}"))
            })
            .collect::<Result<Vec<Path>, String>>()?;
        let builder = self.device.send(&parsed, unix_now())?;
        let request = builder
            .request(None, 0, Vec::new())
            .map_err(|e| format!("send: {e}"))?;
        let now = self.now_ms();
        let id = self.endpoint.request(self.server, request, now);
        let names = parsed.iter().map(Path::to_string).collect();
        self.pending.insert(id, Pending::Send(names));
        Ok(())
    }
}

/// SIGINT and SIGTERM.
struct Stop {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Stop {
    /// Watches both signals.
    fn new() -> Result<Stop, String> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let watch = |kind| signal(kind).map_err(|e| format!("cannot watch signals: {e}"));
            Ok(Stop {
                interrupt: watch(SignalKind::interrupt())?,
                terminate: watch(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Stop {})
    }

    /// Completes when either signal arrives.
    async fn signal(&mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
    }
}
