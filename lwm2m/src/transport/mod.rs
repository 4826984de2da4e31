//! CoAP message layer (RFC 7252 §4, RFC 7959, RFC 7641), sans-IO: an [`Endpoint`] takes
//! datagrams and the caller's clock in, and gives datagrams to send and [`Event`]s out.
//!
//! What it does for both sides of an exchange:
//!
//! * Confirmable messages are retransmitted (initial timeout random in
//!   `[ack_timeout, ack_timeout × ack_random_factor]`, doubled each time,
//!   `max_retransmit` times) until acknowledged or reset.
//! * Responses are matched to requests by peer and token (a piggybacked one also by
//!   message ID); a separate confirmable response is acknowledged.
//! * Duplicates (same peer and message ID within `exchange_lifetime`) are not events
//!   again; a duplicate confirmable request gets the cached answer, or an empty
//!   acknowledgement while the application has not answered yet (the answer then goes
//!   out as a separate confirmable response).
//! * Block-wise transfers (RFC 7959): large request payloads go out Block1, large
//!   responses Block2; received blocks are reassembled, so the application only sees
//!   whole bodies.
//! * Observe (RFC 7641): after a `GET` with Observe 0 is answered with an Observe option,
//!   later responses with its token are [`Event::Notification`]s, older ones (by sequence
//!   number, §3.4) dropped; a confirmable response with an unknown token is reset.
//!
//! Limits, stated rather than handled:
//!
//! * A request is answered piggybacked when the application answers before a duplicate
//!   arrives; there is no timer that sends an empty ACK on its own.
//! * A notification is delivered as it comes: one carrying Block2 with more blocks is not
//!   completed. An observation stays open until [`Endpoint::forget`], a request with its
//!   token, or a notification that ends it (an error, or no Observe option).
//! * [`Endpoint::send`] sends a message whole, whatever its size.
//! * Concurrent block-wise transfers of the same resource between the same two
//!   endpoints are not told apart (blocks are matched by method and options, as RFC 7959
//!   allows, without Request-Tag).
//! * Stored bodies (Block1 reassemblies, Block2 responses being served) are capped at
//!   `max_bodies`, each at most `max_body` bytes; remembered message IDs and unanswered
//!   requests at `max_pending`, the oldest forgotten first.
//!
//! A server reads `/3/0/9` from a client; the answer is piggybacked on the ACK:
//!
//! ```
//! use coap_lite::{CoapOption, MessageClass, Packet, RequestType, ResponseType};
//! use ucifi_lwm2m::transport::{Endpoint, Event, TransportConfig};
//!
//! // Peers are named by the caller: here 1 is the client, 2 the server.
//! let mut server = Endpoint::new(TransportConfig::default(), 0x1000);
//! let mut client = Endpoint::new(TransportConfig::default(), 0x2000);
//! let mut read = Packet::new();
//! read.header.code = MessageClass::Request(RequestType::Get);
//! read.set_token(vec![0x42]);
//! for segment in ["3", "0", "9"] {
//!     read.add_option(CoapOption::UriPath, segment.as_bytes().to_vec());
//! }
//! let id = server.request(1, read, 0);
//! let (to, datagram) = server.poll_transmit().unwrap();
//! assert_eq!(to, 1);
//! // CON GET, message ID 0x1000 (the seed), token 0x42, Uri-Path 3/0/9.
//! assert_eq!(datagram, [0x41, 0x01, 0x10, 0x00, 0x42, 0xb1, b'3', 0x01, b'0', 0x01, b'9']);
//!
//! let events = client.receive(2, &datagram, 5);
//! let [Event::Request { id: incoming, .. }] = &events[..] else { panic!() };
//! let mut answer = Packet::new();
//! answer.header.code = MessageClass::Response(ResponseType::Content);
//! answer.payload = b"87".to_vec();
//! client.respond(*incoming, answer, 6);
//! let (_, ack) = client.poll_transmit().unwrap();
//! assert_eq!(ack, [0x61, 0x45, 0x10, 0x00, 0x42, 0xff, b'8', b'7']);
//!
//! let events = server.receive(1, &ack, 10);
//! let [Event::Response { id: answered, response, .. }] = &events[..] else { panic!() };
//! assert_eq!((*answered, response.payload.as_slice()), (id, &b"87"[..]));
//! assert_eq!(server.next_timeout(), None); // nothing left to retransmit
//! ```
//!
//! The block logic is written here rather than taken from `coap_lite::BlockHandler`,
//! which needs `std` and a cache crate; this crate is `no_std` and bounds its own memory.

use alloc::collections::{BTreeMap, VecDeque};
use alloc::vec::Vec;

use coap_lite::{CoapOption, MessageClass, MessageType, Packet};

use crate::coap::{read_uint, uint};

mod incoming;
mod options;
mod outgoing;

use options::*;

/// Transmission parameters and limits; [`Default`] gives RFC 7252's values.
#[derive(Clone, Debug, PartialEq)]
pub struct TransportConfig {
    /// ACK_TIMEOUT, ms: the least initial retransmission timeout (2000).
    pub ack_timeout_ms: u64,
    /// ACK_RANDOM_FACTOR: the initial timeout is at most `ack_timeout_ms` times this (1.5).
    pub ack_random_factor: f64,
    /// MAX_RETRANSMIT: retransmissions of a confirmable message before giving up (4).
    pub max_retransmit: u32,
    /// Payload bytes per block, a power of two from 16 to 1024 (1024); a payload above
    /// it is sent block-wise.
    pub block_size: usize,
    /// EXCHANGE_LIFETIME, ms: how long a message ID is remembered for deduplication, and
    /// how long a request waits for its response (247 000).
    pub exchange_lifetime_ms: u64,
    /// The largest body reassembled from blocks, bytes (65 536).
    pub max_body: usize,
    /// Cap on remembered message IDs and on requests waiting for the application's
    /// answer (1024); the oldest entry goes first.
    pub max_pending: usize,
    /// Cap on stored bodies: Block1 reassemblies and Block2 responses being served (16).
    pub max_bodies: usize,
}

impl Default for TransportConfig {
    fn default() -> Self {
        TransportConfig {
            ack_timeout_ms: 2000,
            ack_random_factor: 1.5,
            max_retransmit: 4,
            block_size: 1024,
            exchange_lifetime_ms: 247_000,
            max_body: 65_536,
            max_pending: 1024,
            max_bodies: 16,
        }
    }
}

/// An outgoing request or message ([`Endpoint::request`], [`Endpoint::send`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RequestId(u64);

/// A received request waiting for [`Endpoint::respond`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IncomingId(u64);

/// Why an outgoing request or message failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Failure {
    /// No acknowledgement after the last retransmission, or no response within the
    /// exchange lifetime.
    Timeout,
    /// The peer answered with a Reset.
    Reset,
    /// A block-wise response exceeded `max_body`.
    TooLarge,
    /// The peer's blocks did not follow each other.
    BadBlock,
    /// The packet could not be encoded.
    Encoding,
}

impl core::fmt::Display for Failure {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Failure::Timeout => "no answer from the peer",
            Failure::Reset => "the peer reset the message",
            Failure::TooLarge => "the answer is larger than this endpoint takes",
            Failure::BadBlock => "the peer's blocks do not follow each other",
            Failure::Encoding => "the message cannot be encoded",
        })
    }
}

/// What an [`Endpoint`] reports.
#[derive(Clone, Debug, PartialEq)]
pub enum Event<P> {
    /// A request, deduplicated and with its Block1 payload reassembled; answer it with
    /// [`Endpoint::respond`].
    Request {
        /// Who sent it.
        peer: P,
        /// The handle to answer it with.
        id: IncomingId,
        /// The request (without Block1 and Size1 options when it came in blocks).
        request: Packet,
    },
    /// The response to a request, with its Block2 payload reassembled.
    Response {
        /// Who answered.
        peer: P,
        /// The request it answers.
        id: RequestId,
        /// The response (without Block2 and Size2 options when it came in blocks).
        response: Packet,
    },
    /// A later response to an Observe request, newer than the ones before.
    Notification {
        /// Who sent it.
        peer: P,
        /// The Observe request.
        id: RequestId,
        /// The notification.
        response: Packet,
    },
    /// An outgoing request or message that failed.
    Failed {
        /// The peer it was for.
        peer: P,
        /// The request or message.
        id: RequestId,
        /// Why.
        reason: Failure,
    },
}

/// A message ID seen from a peer.
struct Seen {
    expires_at: u64,
    /// The answer sent to it (ACK, RST or piggybacked response), sent again for a
    /// duplicate.
    reply: Option<Vec<u8>>,
    /// The request still waiting for the application's answer.
    incoming: Option<IncomingId>,
}

/// A request given to the application.
struct Incoming<P> {
    peer: P,
    message_id: u16,
    confirmable: bool,
    /// An empty ACK went out: the answer is a separate confirmable response.
    acknowledged: bool,
    token: Vec<u8>,
    key: Vec<u8>,
    /// Block1 of the last block, echoed in the answer.
    block1: Option<Block>,
    /// The Block2 the request asked for.
    block2: Option<Block>,
    expires_at: u64,
}

/// A stored body: a Block1 request being reassembled, or a Block2 response being served
/// (then with the response it came in, payload and block options removed).
struct Body {
    data: Vec<u8>,
    response: Option<Packet>,
    expires_at: u64,
}

/// A confirmable message waiting for its acknowledgement.
struct Unacked {
    bytes: Vec<u8>,
    timeout: u64,
    next_at: u64,
    retransmissions: u32,
    owner: Option<RequestId>,
}

/// An outgoing request.
struct Exchange<P> {
    peer: P,
    token: Vec<u8>,
    /// The request as given, for follow-up blocks.
    request: Packet,
    /// The message ID of the last message sent for it.
    message_id: u16,
    /// The rest of a Block1 upload: the whole payload and the offset sent last.
    upload: Option<(Vec<u8>, usize, u8)>,
    /// The Block2 body received so far.
    body: Vec<u8>,
    /// The first block's response had Observe (value) and the request asked for it.
    observe: Option<u32>,
    /// An established observation: the last sequence number and when it came.
    observing: Option<(u32, u64)>,
    /// `None` while observing.
    expires_at: Option<u64>,
}

/// A CoAP endpoint over an unreliable datagram transport, sans-IO; `P` is the peer
/// address. Both sides of a conversation: it sends requests and receives their
/// responses, and receives requests and sends the application's answers.
pub struct Endpoint<P: Ord + Clone> {
    config: TransportConfig,
    rng: u64,
    message_id: u16,
    next_id: u64,
    outbox: VecDeque<(P, Vec<u8>)>,
    deferred: Vec<Event<P>>,
    seen: BTreeMap<(P, u16), Seen>,
    seen_order: VecDeque<(u64, (P, u16))>,
    incoming: BTreeMap<IncomingId, Incoming<P>>,
    uploads: BTreeMap<(P, Vec<u8>), Body>,
    downloads: BTreeMap<(P, Vec<u8>), Body>,
    unacked: BTreeMap<(P, u16), Unacked>,
    /// Non-confirmable messages sent (expiry, peer, message ID, owner, whether a
    /// request), for a Reset that rejects one.
    sent_non: VecDeque<(u64, P, u16, RequestId, bool)>,
    exchanges: BTreeMap<RequestId, Exchange<P>>,
    tokens: BTreeMap<(P, Vec<u8>), RequestId>,
}

impl<P: Ord + Clone> Endpoint<P> {
    /// An endpoint; `seed` is the first message ID (its low 16 bits) and seeds the
    /// generator of tokens and retransmission jitter.
    pub fn new(config: TransportConfig, seed: u64) -> Self {
        Endpoint {
            config,
            rng: seed,
            message_id: seed as u16,
            next_id: 0,
            outbox: VecDeque::new(),
            deferred: Vec::new(),
            seen: BTreeMap::new(),
            seen_order: VecDeque::new(),
            incoming: BTreeMap::new(),
            uploads: BTreeMap::new(),
            downloads: BTreeMap::new(),
            unacked: BTreeMap::new(),
            sent_non: VecDeque::new(),
            exchanges: BTreeMap::new(),
            tokens: BTreeMap::new(),
        }
    }

    /// SplitMix64.
    fn random(&mut self) -> u64 {
        self.rng = self.rng.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn next_message_id(&mut self) -> u16 {
        let id = self.message_id;
        self.message_id = self.message_id.wrapping_add(1);
        id
    }

    fn next_request_id(&mut self) -> RequestId {
        self.next_id += 1;
        RequestId(self.next_id)
    }

    /// When something remembered at `now` expires.
    fn lifetime_end(&self, now: u64) -> u64 {
        now.saturating_add(self.config.exchange_lifetime_ms)
    }

    fn block_szx(&self) -> u8 {
        szx_of(self.config.block_size)
    }

    /// A datagram from `peer` at `now` (ms, the caller's monotonic clock). Datagrams that
    /// are not CoAP 1 are dropped; a confirmable one whose header parses but the rest
    /// does not is reset.
    pub fn receive(&mut self, peer: P, datagram: &[u8], now: u64) -> Vec<Event<P>> {
        let mut events = Vec::new();
        if datagram.len() < 4 || datagram[0] >> 6 != 1 {
            return events;
        }
        let kind = datagram[0] >> 4 & 3;
        let message_id = u16::from_be_bytes([datagram[2], datagram[3]]);
        let empty = datagram[1] == 0;
        let packet = match Packet::from_bytes(datagram) {
            // An empty message is only the 4 header bytes.
            Ok(p) if !(empty && datagram.len() > 4) => p,
            _ => {
                if kind == 0 {
                    self.reset(peer, message_id, now);
                }
                return events;
            }
        };
        match packet.header.get_type() {
            MessageType::Acknowledgement | MessageType::Reset => {
                self.acknowledgement(peer, packet, now, &mut events)
            }
            MessageType::Confirmable | MessageType::NonConfirmable => {
                let confirmable = packet.header.get_type() == MessageType::Confirmable;
                let key = (peer.clone(), message_id);
                if let Some(seen) = self.seen.get_mut(&key)
                    && seen.expires_at > now
                {
                    if confirmable {
                        let reply = match &seen.reply {
                            Some(r) => r.clone(),
                            None => {
                                if let Some(inc) =
                                    seen.incoming.and_then(|i| self.incoming.get_mut(&i))
                                {
                                    inc.acknowledged = true;
                                }
                                empty_message(MessageType::Acknowledgement, message_id)
                            }
                        };
                        self.outbox.push_back((peer, reply));
                    }
                    return events;
                }
                self.remember(key, now);
                match code(&packet) >> 5 {
                    _ if empty => {
                        if confirmable {
                            self.reset(peer, message_id, now);
                        }
                    }
                    0 => self.request_in(peer, packet, now, &mut events),
                    2 | 4 | 5 => self.separate_response(peer, packet, now, &mut events),
                    _ => {
                        if confirmable {
                            self.reset(peer, message_id, now);
                        }
                    }
                }
            }
        }
        events
    }

    /// Remembers a message ID from a peer, forgetting the oldest beyond the cap.
    fn remember(&mut self, key: (P, u16), now: u64) {
        self.forget_seen(now);
        let expires_at = self.lifetime_end(now);
        while self.seen.len() >= self.config.max_pending.max(1) {
            let Some((at, old)) = self.seen_order.pop_front() else {
                break;
            };
            if self.seen.get(&old).is_some_and(|s| s.expires_at == at) {
                self.seen.remove(&old);
            }
        }
        self.seen_order.push_back((expires_at, key.clone()));
        self.seen.insert(
            key,
            Seen {
                expires_at,
                reply: None,
                incoming: None,
            },
        );
    }

    /// Forgets the message IDs remembered until `now`.
    fn forget_seen(&mut self, now: u64) {
        while let Some((at, key)) = self.seen_order.front()
            && *at <= now
        {
            if self.seen.get(key).is_some_and(|s| s.expires_at == *at) {
                self.seen.remove(key);
            }
            self.seen_order.pop_front();
        }
    }

    /// Sends `bytes` as the answer to message `message_id` of `peer`, kept for duplicates.
    fn reply(&mut self, peer: P, message_id: u16, bytes: Vec<u8>) {
        if let Some(seen) = self.seen.get_mut(&(peer.clone(), message_id)) {
            seen.reply = Some(bytes.clone());
            seen.incoming = None;
        }
        self.outbox.push_back((peer, bytes));
    }

    fn reset(&mut self, peer: P, message_id: u16, _now: u64) {
        self.reply(
            peer,
            message_id,
            empty_message(MessageType::Reset, message_id),
        );
    }

    /// Answers `request` with `code` and `options`, from the endpoint itself.
    fn answer(&mut self, peer: P, request: &Packet, code: u8, options: &[(u16, Vec<u8>)]) {
        let mut p = Packet::new();
        p.header.code = MessageClass::from(code);
        p.set_token(request.get_token().to_vec());
        for (n, v) in options {
            p.add_option(CoapOption::from(*n), v.clone());
        }
        let id = request.header.message_id;
        if request.header.get_type() == MessageType::Confirmable {
            p.header.set_type(MessageType::Acknowledgement);
            p.header.message_id = id;
            if let Ok(bytes) = p.to_bytes_unlimited() {
                self.reply(peer, id, bytes);
            }
        } else {
            p.header.set_type(MessageType::NonConfirmable);
            p.header.message_id = self.next_message_id();
            if let Ok(bytes) = p.to_bytes_unlimited() {
                self.outbox.push_back((peer, bytes));
            }
        }
    }

    // Receiving requests and answering them: `incoming.rs`.

    /// Puts `packet` on the wire with a new message ID; a confirmable one is
    /// retransmitted until acknowledged. `owner` is told of a failure; `request` when it
    /// is a request of an exchange. `Err` when it does not encode.
    fn transmit(
        &mut self,
        peer: P,
        mut packet: Packet,
        owner: Option<RequestId>,
        request: bool,
        now: u64,
    ) -> Result<u16, ()> {
        let message_id = self.next_message_id();
        packet.header.message_id = message_id;
        let bytes = packet.to_bytes_unlimited().map_err(|_| ())?;
        if packet.header.get_type() == MessageType::Confirmable {
            let span = (self.config.ack_timeout_ms as f64 * (self.config.ack_random_factor - 1.0))
                .max(0.0) as u64;
            let jitter = self.random() % span.saturating_add(1);
            let timeout = self.config.ack_timeout_ms.saturating_add(jitter);
            self.unacked.insert(
                (peer.clone(), message_id),
                Unacked {
                    bytes: bytes.clone(),
                    timeout,
                    next_at: now.saturating_add(timeout),
                    retransmissions: 0,
                    owner,
                },
            );
        } else if let Some(id) = owner {
            while self.sent_non.len() >= self.config.max_pending.max(1) {
                self.sent_non.pop_front();
            }
            self.sent_non.push_back((
                self.lifetime_end(now),
                peer.clone(),
                message_id,
                id,
                request,
            ));
        }
        self.outbox.push_back((peer, bytes));
        Ok(message_id)
    }

    // Sending requests and receiving their responses: `outgoing.rs`.

    /// The next datagram to put on the wire, and its destination.
    pub fn poll_transmit(&mut self) -> Option<(P, Vec<u8>)> {
        self.outbox.pop_front()
    }

    /// Runs what is due at `now`: retransmissions (a confirmable message unacknowledged
    /// after `max_retransmit` of them fails with [`Failure::Timeout`]), requests whose
    /// response did not come within the exchange lifetime ([`Failure::Timeout`]), and the
    /// expiry of remembered message IDs, unanswered requests and stored bodies.
    pub fn handle_timeout(&mut self, now: u64) -> Vec<Event<P>> {
        let mut events = core::mem::take(&mut self.deferred);
        let due: Vec<(P, u16)> = self
            .unacked
            .iter()
            .filter(|(_, u)| u.next_at <= now)
            .map(|(k, _)| k.clone())
            .collect();
        for key in due {
            let Some(u) = self.unacked.get_mut(&key) else {
                continue;
            };
            if u.retransmissions < self.config.max_retransmit {
                u.retransmissions += 1;
                u.timeout = u.timeout.saturating_mul(2);
                u.next_at = now.saturating_add(u.timeout);
                self.outbox.push_back((key.0.clone(), u.bytes.clone()));
            } else if let Some(u) = self.unacked.remove(&key)
                && let Some(id) = u.owner
            {
                self.fail(id, key.0, Failure::Timeout, &mut events);
            }
        }
        let expired: Vec<(RequestId, P)> = self
            .exchanges
            .iter()
            .filter(|(_, e)| e.expires_at.is_some_and(|t| t <= now))
            .map(|(id, e)| (*id, e.peer.clone()))
            .collect();
        for (id, peer) in expired {
            self.fail(id, peer, Failure::Timeout, &mut events);
        }
        self.forget_seen(now);
        self.incoming.retain(|_, i| i.expires_at > now);
        self.uploads.retain(|_, b| b.expires_at > now);
        self.downloads.retain(|_, b| b.expires_at > now);
        while self.sent_non.front().is_some_and(|(at, ..)| *at <= now) {
            self.sent_non.pop_front();
        }
        events
    }

    /// When [`Endpoint::handle_timeout`] next has work, on the caller's clock.
    pub fn next_timeout(&self) -> Option<u64> {
        if !self.deferred.is_empty() {
            return Some(0);
        }
        let retransmit = self.unacked.values().map(|u| u.next_at);
        let exchanges = self.exchanges.values().filter_map(|e| e.expires_at);
        let seen = self.seen_order.front().map(|(at, _)| *at);
        let incoming = self.incoming.values().map(|i| i.expires_at);
        let bodies = self
            .uploads
            .values()
            .chain(self.downloads.values())
            .map(|b| b.expires_at);
        let sent = self.sent_non.front().map(|(at, ..)| *at);
        retransmit
            .chain(exchanges)
            .chain(seen)
            .chain(incoming)
            .chain(bodies)
            .chain(sent)
            .min()
    }
}
