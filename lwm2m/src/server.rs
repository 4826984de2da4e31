//! The server end of the registration and information-reporting interfaces, sans-IO: a
//! [`Server`] answers Register, Update and De-register (`/rd`) and Send (`/dp`) requests,
//! keeps each client's [`Registration`] with the peer it talks from, and says when a
//! registration has outlived its lifetime. Requests to clients are built from their
//! registrations ([`Registration::request`] and the typed builders); the caller moves the
//! messages and passes the time.

use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use coap_lite::{CoapOption, MessageClass, Packet, RequestType};
use ucifi_runtime::Registry;

use crate::coap::options;
use crate::{Error, ErrorKind, Registration, Report, ResponseCode};

/// A registered client as the [`Server`] keeps it.
#[derive(Clone, Debug, PartialEq)]
pub struct RegisteredClient<P> {
    /// What the client's Register (and later Updates) said.
    pub registration: Registration,
    /// The location the server gave it: `/rd/{location}`.
    pub location: String,
    /// Where its last registration message came from.
    pub peer: P,
    /// When the registration expires (the caller's clock, milliseconds): the last
    /// Register or Update plus the lifetime.
    pub expires_at: u64,
}

/// What a request to the [`Server`] changed.
#[derive(Clone, Debug, PartialEq)]
pub enum ServerEvent {
    /// A client registered (again, when it was registered already under its endpoint).
    Registered {
        /// Its endpoint name.
        endpoint: String,
    },
    /// A client updated its registration.
    Updated {
        /// Its endpoint name.
        endpoint: String,
    },
    /// A client de-registered; its registration as it was.
    Deregistered(Registration),
    /// A registration outlived its lifetime without an Update; its registration as it was.
    Expired(Registration),
    /// A client sent values (`POST /dp`), typed by the versions it registered.
    Send {
        /// Its endpoint name.
        endpoint: String,
        /// The values.
        report: Report,
    },
}

/// The registrations of an LwM2M server, by endpoint name, with the models that type
/// what clients send.
#[derive(Clone, Debug)]
pub struct Server<P> {
    registry: Registry,
    /// Clients by endpoint name.
    clients: BTreeMap<String, RegisteredClient<P>>,
    /// Endpoint names by location.
    locations: BTreeMap<String, String>,
    next_location: u64,
}

impl<P: Clone + PartialEq> Server<P> {
    /// A server typing payloads by the models of `registry`.
    pub fn new(registry: Registry) -> Self {
        Server {
            registry,
            clients: BTreeMap::new(),
            locations: BTreeMap::new(),
            next_location: 0,
        }
    }

    /// The models.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// The client registered under `endpoint`.
    pub fn client(&self, endpoint: &str) -> Option<&RegisteredClient<P>> {
        self.clients.get(endpoint)
    }

    /// Every registered client, by endpoint name.
    pub fn clients(&self) -> impl Iterator<Item = &RegisteredClient<P>> {
        self.clients.values()
    }

    /// The registered client talking from `peer` (the last to register from there).
    pub fn client_at(&self, peer: &P) -> Option<&RegisteredClient<P>> {
        self.clients.values().find(|c| &c.peer == peer)
    }

    /// Answers a request from `peer` at `now` (milliseconds, the caller's clock):
    /// `POST /rd?ep=...` registers (2.01 Created, Location-Path `rd/{location}`),
    /// `POST /rd/{location}` updates (2.04 Changed), `DELETE /rd/{location}`
    /// de-registers (2.02 Deleted), `POST /dp` reports values (2.04 Changed). The
    /// response carries the request's token and code, options and payload; the message
    /// layer sets its type and message ID. A request that fails gets the code of its
    /// [`Error`] and changes nothing.
    pub fn handle(&mut self, peer: P, request: &Packet, now: u64) -> (Packet, Option<ServerEvent>) {
        let mut response = Packet::new();
        response.set_token(request.get_token().to_vec());
        let (code, event) = match self.answer(peer, request, now, &mut response) {
            Ok((code, event)) => (code, event),
            Err(e) => {
                response.clear_all_options();
                response.payload.clear();
                (e.response_code(), None)
            }
        };
        response.header.code = MessageClass::from(code.byte());
        (response, event)
    }

    fn answer(
        &mut self,
        peer: P,
        request: &Packet,
        now: u64,
        response: &mut Packet,
    ) -> Result<(ResponseCode, Option<ServerEvent>), Error> {
        let MessageClass::Request(method) = request.header.code else {
            return Err(ErrorKind::InvalidResponseCode(u8::from(request.header.code)).into());
        };
        let segments: Vec<&[u8]> = options(request, CoapOption::UriPath)
            .map(Vec::as_slice)
            .collect();
        let not_found = || Error::new(ErrorKind::NotFound(ucifi_runtime::Path::ROOT));
        match (method, segments.as_slice()) {
            (RequestType::Post, [b"rd"]) => {
                let registration = Registration::from_register_packet(request)?;
                let endpoint = registration.endpoint.clone();
                // A client registering again replaces its registration and location.
                if let Some(old) = self.clients.remove(&endpoint) {
                    self.locations.remove(&old.location);
                }
                let location = self.new_location();
                response.add_option(CoapOption::LocationPath, b"rd".to_vec());
                response.add_option(CoapOption::LocationPath, location.as_bytes().to_vec());
                let expires_at = expiry(now, registration.lifetime);
                self.locations.insert(location.clone(), endpoint.clone());
                self.clients.insert(
                    endpoint.clone(),
                    RegisteredClient {
                        registration,
                        location,
                        peer,
                        expires_at,
                    },
                );
                Ok((
                    ResponseCode::Created,
                    Some(ServerEvent::Registered { endpoint }),
                ))
            }
            (RequestType::Post, [b"rd", location]) => {
                let endpoint = self.endpoint_at(location).ok_or_else(not_found)?;
                let client = self.clients.get_mut(&endpoint).ok_or_else(not_found)?;
                let mut updated = client.registration.clone();
                update(&mut updated, request)?;
                client.expires_at = expiry(now, updated.lifetime);
                client.registration = updated;
                client.peer = peer;
                Ok((
                    ResponseCode::Changed,
                    Some(ServerEvent::Updated { endpoint }),
                ))
            }
            (RequestType::Delete, [b"rd", location]) => {
                let endpoint = self.endpoint_at(location).ok_or_else(not_found)?;
                self.locations
                    .remove(&String::from_utf8_lossy(location).into_owned());
                let client = self.clients.remove(&endpoint).ok_or_else(not_found)?;
                Ok((
                    ResponseCode::Deleted,
                    Some(ServerEvent::Deregistered(client.registration)),
                ))
            }
            (RequestType::Post, [b"dp"]) => {
                let client = self.client_at(&peer).ok_or_else(not_found)?;
                let report = client.registration.send_report(&self.registry, request)?;
                Ok((
                    ResponseCode::Changed,
                    Some(ServerEvent::Send {
                        endpoint: client.registration.endpoint.clone(),
                        report,
                    }),
                ))
            }
            (RequestType::Post | RequestType::Delete, _) => Err(not_found()),
            _ => Err(ErrorKind::MethodNotAllowed(ucifi_runtime::Path::ROOT).into()),
        }
    }

    /// Removes the registrations that expired at `now`.
    pub fn expire(&mut self, now: u64) -> Vec<ServerEvent> {
        let gone: Vec<String> = self
            .clients
            .iter()
            .filter(|(_, c)| c.expires_at <= now)
            .map(|(e, _)| e.clone())
            .collect();
        gone.into_iter()
            .filter_map(|e| self.clients.remove(&e))
            .map(|c| {
                self.locations.remove(&c.location);
                ServerEvent::Expired(c.registration)
            })
            .collect()
    }

    /// When the next registration expires.
    pub fn next_expiry(&self) -> Option<u64> {
        self.clients.values().map(|c| c.expires_at).min()
    }

    fn new_location(&mut self) -> String {
        loop {
            self.next_location += 1;
            let location = self.next_location.to_string();
            if !self.locations.contains_key(&location) {
                return location;
            }
        }
    }

    fn endpoint_at(&self, location: &[u8]) -> Option<String> {
        let location = core::str::from_utf8(location).ok()?;
        self.locations.get(location).cloned()
    }
}

/// `now` plus `lifetime` seconds, in milliseconds.
fn expiry(now: u64, lifetime: u32) -> u64 {
    now.saturating_add(u64::from(lifetime) * 1000)
}

/// Applies an Update request: its query (`lt`, `b`, `sms`, `Q`) and, when it has one, its
/// link-format payload (the objects).
fn update(registration: &mut Registration, request: &Packet) -> Result<(), Error> {
    for q in options(request, CoapOption::UriQuery) {
        let text = core::str::from_utf8(q)
            .map_err(|_| ErrorKind::InvalidQuery(String::from_utf8_lossy(q).into_owned()))?;
        let invalid = || Error::new(ErrorKind::InvalidQuery(text.to_string()));
        match text.split_once('=') {
            Some(("lt", v)) => {
                registration.lifetime = v
                    .parse()
                    .ok()
                    .filter(|_| v.bytes().all(|b| b.is_ascii_digit()))
                    .ok_or_else(invalid)?;
            }
            Some(("b", v)) if !v.is_empty() => registration.binding = v.to_string(),
            Some(("sms", v)) => registration.sms = Some(v.to_string()),
            None if text == "Q" => registration.queue_mode = true,
            // The endpoint name and the enabler version are the Register's to give.
            _ => return Err(invalid()),
        }
    }
    if !request.payload.is_empty() {
        registration.set_links(&request.payload)?;
    }
    Ok(())
}
