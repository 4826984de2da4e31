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

/// Option numbers this endpoint understands; an unknown critical (odd) one in a
/// request is answered 4.02 Bad Option.
const KNOWN_OPTIONS: [u16; 20] = [
    1, 3, 4, 5, 6, 7, 8, 11, 12, 14, 15, 17, 20, 23, 27, 28, 35, 39, 60, 258,
];
const OBSERVE: u16 = 6;
const BLOCK2: u16 = 23;
const BLOCK1: u16 = 27;
const SIZE2: u16 = 28;
const SIZE1: u16 = 60;
const PROXY_URI: u16 = 35;
const PROXY_SCHEME: u16 = 39;

const CONTINUE: u8 = 0x5f; // 2.31
const BAD_REQUEST: u8 = 0x80; // 4.00
const BAD_OPTION: u8 = 0x82; // 4.02
const METHOD_NOT_ALLOWED: u8 = 0x85; // 4.05
const INCOMPLETE: u8 = 0x88; // 4.08
const TOO_LARGE: u8 = 0x8d; // 4.13
const PROXYING_NOT_SUPPORTED: u8 = 0xa5; // 5.05

/// A Block1 or Block2 option value (RFC 7959 §2.2).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Block {
    num: u32,
    more: bool,
    szx: u8,
}

impl Block {
    fn size(self) -> usize {
        16 << self.szx
    }
    fn encode(self) -> Vec<u8> {
        uint(self.num << 4 | u32::from(self.more) << 3 | u32::from(self.szx))
    }
    /// `None` for a value longer than 3 bytes or the reserved SZX 7.
    fn decode(v: &[u8]) -> Option<Block> {
        let n = if v.len() <= 3 {
            read_uint(v)?
        } else {
            return None;
        };
        let szx = (n & 7) as u8;
        (szx < 7).then_some(Block {
            num: n >> 4,
            more: n & 8 != 0,
            szx,
        })
    }
    /// The block at byte `offset` of `size`, if such a block exists.
    fn at(offset: usize, szx: u8) -> Option<Block> {
        let num = u32::try_from(offset >> (szx + 4)).ok()?;
        (num < 1 << 20).then_some(Block {
            num,
            more: false,
            szx,
        })
    }
}

/// SZX of a block size (clamped to 16..=1024).
fn szx_of(size: usize) -> u8 {
    let size = size.clamp(16, 1024);
    (usize::BITS - 1 - size.leading_zeros()) as u8 - 4
}

/// Option `number`'s first value.
fn option(p: &Packet, number: u16) -> Option<&Vec<u8>> {
    p.get_option(CoapOption::from(number))?.front()
}

/// Block option `number`: `Ok(None)` when absent, `Err` when invalid.
fn block(p: &Packet, number: u16) -> Result<Option<Block>, ()> {
    option(p, number)
        .map(|v| Block::decode(v).ok_or(()))
        .transpose()
}

/// `p` without options `numbers` (`Packet::clear_option` would leave them, empty).
fn without(p: &Packet, numbers: &[u16]) -> Packet {
    let mut q = Packet::new();
    q.header = p.header.clone();
    q.set_token(p.get_token().to_vec());
    for (&n, values) in p.options() {
        if !numbers.contains(&n) {
            q.set_option(CoapOption::from(n), values.clone());
        }
    }
    q.payload = p.payload.clone();
    q
}

fn code(p: &Packet) -> u8 {
    u8::from(p.header.code)
}

/// What identifies a request across its blocks: its code and options, without the
/// block, size and Observe options.
fn request_key(p: &Packet) -> Vec<u8> {
    let mut key = alloc::vec![code(p)];
    for (&n, values) in p.options() {
        if matches!(n, OBSERVE | BLOCK1 | BLOCK2 | SIZE1 | SIZE2) {
            continue;
        }
        for v in values {
            key.extend_from_slice(&n.to_be_bytes());
            key.extend_from_slice(&(v.len() as u32).to_be_bytes());
            key.extend_from_slice(v);
        }
    }
    key
}

/// Whether Observe sequence number `v2` received at `t2` is newer than `v1` at `t1`
/// (RFC 7641 §3.4; times in ms).
fn fresher(v1: u32, t1: u64, v2: u32, t2: u64) -> bool {
    (v1 < v2 && v2 - v1 < 1 << 23)
        || (v1 > v2 && v1 - v2 > 1 << 23)
        || t2 > t1.saturating_add(128_000)
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

    fn request_in(&mut self, peer: P, mut request: Packet, now: u64, events: &mut Vec<Event<P>>) {
        let numbers: Vec<u16> = request.options().map(|(&n, _)| n).collect();
        if numbers
            .iter()
            .any(|n| n % 2 == 1 && !KNOWN_OPTIONS.contains(n))
        {
            return self.answer(peer, &request, BAD_OPTION, &[]);
        }
        if numbers.contains(&PROXY_URI) || numbers.contains(&PROXY_SCHEME) {
            return self.answer(peer, &request, PROXYING_NOT_SUPPORTED, &[]);
        }
        if matches!(request.header.code, MessageClass::Reserved(_)) {
            return self.answer(peer, &request, METHOD_NOT_ALLOWED, &[]);
        }
        let (Ok(block1), Ok(block2)) = (block(&request, BLOCK1), block(&request, BLOCK2)) else {
            return self.answer(peer, &request, BAD_REQUEST, &[]);
        };
        let key = request_key(&request);
        if let Some(b2) = block2
            && b2.num > 0
            && self.serve_block(peer.clone(), &request, &key, b2, now)
        {
            return;
        }
        if let Some(b1) = block1 {
            let Some(body) = self.assemble(peer.clone(), &request, &key, b1, now) else {
                return;
            };
            request.payload = body;
            request = without(&request, &[BLOCK1, SIZE1]);
        }
        let id = IncomingId(self.next_request_id().0);
        while self.incoming.len() >= self.config.max_pending.max(1) {
            self.incoming.pop_first();
        }
        let message_id = request.header.message_id;
        self.incoming.insert(
            id,
            Incoming {
                peer: peer.clone(),
                message_id,
                confirmable: request.header.get_type() == MessageType::Confirmable,
                acknowledged: false,
                token: request.get_token().to_vec(),
                key,
                block1: block1.map(|b| Block { more: false, ..b }),
                block2,
                expires_at: self.lifetime_end(now),
            },
        );
        if let Some(seen) = self.seen.get_mut(&(peer.clone(), message_id)) {
            seen.incoming = Some(id);
        }
        events.push(Event::Request { peer, id, request });
    }

    /// Answers a follow-up request for block `b2` of a stored response; `false` when
    /// there is none (the application answers it).
    fn serve_block(&mut self, peer: P, request: &Packet, key: &[u8], b2: Block, now: u64) -> bool {
        let k = (peer.clone(), key.to_vec());
        let Some(body) = self.downloads.get_mut(&k) else {
            return false;
        };
        let Some(template) = body.response.clone() else {
            return false;
        };
        let offset = (b2.num as usize) << (b2.szx + 4);
        if offset >= body.data.len() {
            return false;
        }
        body.expires_at = now.saturating_add(self.config.exchange_lifetime_ms);
        let end = body.data.len().min(offset + b2.size());
        let more = end < body.data.len();
        let payload = body.data[offset..end].to_vec();
        if !more {
            self.downloads.remove(&k);
        }
        let mut p = template;
        p.set_token(request.get_token().to_vec());
        p.add_option(CoapOption::Block2, Block { more, ..b2 }.encode());
        p.payload = payload;
        self.send_answer(
            peer,
            request.header.message_id,
            request.header.get_type(),
            false,
            p,
            now,
        );
        true
    }

    /// Takes Block1 block `b1` of a request; the whole body when it is the last,
    /// otherwise `None` (the endpoint answered 2.31, 4.08 or 4.13).
    fn assemble(
        &mut self,
        peer: P,
        request: &Packet,
        key: &[u8],
        b1: Block,
        now: u64,
    ) -> Option<Vec<u8>> {
        let k = (peer.clone(), key.to_vec());
        let max = self.config.max_body;
        let too_large = |this: &mut Self| {
            this.uploads.remove(&k);
            let size1 = uint(u32::try_from(max).unwrap_or(u32::MAX));
            this.answer(peer.clone(), request, TOO_LARGE, &[(SIZE1, size1)]);
            None
        };
        if option(request, SIZE1)
            .and_then(|v| read_uint(v))
            .is_some_and(|s| s as usize > max)
        {
            return too_large(self);
        }
        let offset = (b1.num as usize) << (b1.szx + 4);
        if b1.num == 0 {
            self.store(true, k.clone(), Vec::new(), None, now);
        }
        let Some(body) = self.uploads.get_mut(&k) else {
            self.answer(peer, request, INCOMPLETE, &[]);
            return None;
        };
        if body.data.len() != offset || (b1.more && request.payload.len() != b1.size()) {
            self.uploads.remove(&k);
            self.answer(peer, request, INCOMPLETE, &[]);
            return None;
        }
        if offset + request.payload.len() > max {
            return too_large(self);
        }
        body.data.extend_from_slice(&request.payload);
        body.expires_at = now.saturating_add(self.config.exchange_lifetime_ms);
        if b1.more {
            // A smaller block size of our own is what the peer uses from the next block.
            let szx = b1.szx.min(self.block_szx());
            let answer = Block { szx, ..b1 };
            self.answer(peer, request, CONTINUE, &[(BLOCK1, answer.encode())]);
            return None;
        }
        self.uploads.remove(&k).map(|b| b.data)
    }

    /// Stores a body, evicting the oldest beyond `max_bodies`.
    fn store(
        &mut self,
        upload: bool,
        k: (P, Vec<u8>),
        data: Vec<u8>,
        response: Option<Packet>,
        now: u64,
    ) {
        let cap = self.config.max_bodies.max(1);
        let map = if upload {
            &mut self.uploads
        } else {
            &mut self.downloads
        };
        map.remove(&k);
        while map.len() >= cap {
            let oldest = map
                .iter()
                .min_by_key(|(_, b)| b.expires_at)
                .map(|(k, _)| k.clone());
            match oldest {
                Some(o) => map.remove(&o),
                None => break,
            };
        }
        let expires_at = now.saturating_add(self.config.exchange_lifetime_ms);
        map.insert(
            k,
            Body {
                data,
                response,
                expires_at,
            },
        );
    }

    /// Sends the answer `p` (token and options set) to request `message_id`: piggybacked
    /// on the ACK of a confirmable request, a separate confirmable response once an
    /// empty ACK went out, non-confirmable for a non-confirmable request.
    fn send_answer(
        &mut self,
        peer: P,
        message_id: u16,
        kind: MessageType,
        acknowledged: bool,
        mut p: Packet,
        now: u64,
    ) {
        if kind == MessageType::Confirmable && !acknowledged {
            p.header.set_type(MessageType::Acknowledgement);
            p.header.message_id = message_id;
            if let Ok(bytes) = p.to_bytes_unlimited() {
                self.reply(peer, message_id, bytes);
            }
        } else {
            if kind == MessageType::Confirmable {
                p.header.set_type(MessageType::Confirmable);
            } else {
                p.header.set_type(MessageType::NonConfirmable);
            }
            if let Some(seen) = self.seen.get_mut(&(peer.clone(), message_id)) {
                seen.incoming = None;
            }
            // Only a non-confirmable send can fail (to encode): nobody to tell.
            let _ = self.transmit(peer, p, None, false, now);
        }
    }

    /// Answers a [`Event::Request`] with `response` (its code, options and payload; type,
    /// message ID and token are set here): piggybacked on the ACK of a confirmable
    /// request, unless a duplicate already got an empty ACK (then a separate confirmable
    /// response). A payload above `block_size`, or a request for a later block, is
    /// served Block2; the later blocks come from a stored copy the peer's follow-up
    /// requests hit. An unknown or expired `incoming` is ignored.
    pub fn respond(&mut self, incoming: IncomingId, response: Packet, now: u64) {
        let Some(inc) = self.incoming.remove(&incoming) else {
            return;
        };
        let mut p = response;
        p.set_token(inc.token.clone());
        if let Some(b1) = inc.block1 {
            p.set_option(CoapOption::Block1, [b1.encode()].into_iter().collect());
        }
        let szx = inc
            .block2
            .map_or(self.block_szx(), |b| b.szx.min(self.block_szx()));
        let size = 16usize << szx;
        let offset = inc.block2.map_or(0, |b| (b.num as usize) << (b.szx + 4));
        if p.payload.len() > size || offset > 0 {
            let body = core::mem::take(&mut p.payload);
            let Some(b2) = Block::at(offset, szx).filter(|_| offset < body.len()) else {
                let mut bad = Packet::new();
                bad.header.code = MessageClass::from(BAD_REQUEST);
                bad.set_token(inc.token.clone());
                let kind = if inc.confirmable {
                    MessageType::Confirmable
                } else {
                    MessageType::NonConfirmable
                };
                return self.send_answer(
                    inc.peer,
                    inc.message_id,
                    kind,
                    inc.acknowledged,
                    bad,
                    now,
                );
            };
            let end = body.len().min(offset + size);
            let more = end < body.len();
            p.payload = body[offset..end].to_vec();
            p = without(&p, &[BLOCK2, SIZE2]);
            if more {
                let mut template = without(&p, &[BLOCK1, OBSERVE]);
                template.payload.clear();
                self.store(
                    false,
                    (inc.peer.clone(), inc.key.clone()),
                    body.clone(),
                    Some(template),
                    now,
                );
            }
            p.add_option(CoapOption::Block2, Block { more, ..b2 }.encode());
            if b2.num == 0 {
                p.add_option(
                    CoapOption::Size2,
                    uint(u32::try_from(body.len()).unwrap_or(u32::MAX)),
                );
            }
        }
        let kind = if inc.confirmable {
            MessageType::Confirmable
        } else {
            MessageType::NonConfirmable
        };
        self.send_answer(inc.peer, inc.message_id, kind, inc.acknowledged, p, now);
    }

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

    /// Sends a request to `peer`: confirmable unless the packet says non-confirmable;
    /// the message ID, and a token when the packet has none, are assigned here. A payload
    /// above `block_size` goes out Block1, each block waiting for 2.31 Continue. A
    /// request with Observe 0 stays open for [`Event::Notification`]s once answered
    /// with an Observe option. A request with the token of an open one to the same peer
    /// (such as a GET with Observe 1 to cancel an observation) replaces it.
    pub fn request(&mut self, peer: P, request: Packet, now: u64) -> RequestId {
        let id = self.next_request_id();
        let mut p = request;
        if p.header.get_type() != MessageType::NonConfirmable {
            p.header.set_type(MessageType::Confirmable);
        }
        if p.get_token().is_empty() {
            p.set_token(self.random().to_be_bytes()[..4].to_vec());
        }
        let token = p.get_token().to_vec();
        if let Some(old) = self.tokens.insert((peer.clone(), token.clone()), id) {
            self.close(old);
        }
        let observe = option(&p, OBSERVE).is_some_and(|v| read_uint(v) == Some(0));
        let mut exchange = Exchange {
            peer: peer.clone(),
            token,
            request: p.clone(),
            message_id: 0,
            upload: None,
            body: Vec::new(),
            observe: observe.then_some(u32::MAX),
            observing: None,
            expires_at: Some(self.lifetime_end(now)),
        };
        let szx = self.block_szx();
        if p.payload.len() > 16 << szx {
            let payload = core::mem::take(&mut p.payload);
            p.payload = payload[..16 << szx].to_vec();
            p.add_option(
                CoapOption::Block1,
                Block {
                    num: 0,
                    more: true,
                    szx,
                }
                .encode(),
            );
            p.add_option(
                CoapOption::Size1,
                uint(u32::try_from(payload.len()).unwrap_or(u32::MAX)),
            );
            exchange.upload = Some((payload, 0, szx));
        }
        match self.transmit(peer.clone(), p, Some(id), true, now) {
            Ok(message_id) => {
                exchange.message_id = message_id;
                self.exchanges.insert(id, exchange);
            }
            Err(()) => {
                self.tokens.remove(&(peer.clone(), exchange.token));
                self.deferred.push(Event::Failed {
                    peer,
                    id,
                    reason: Failure::Encoding,
                });
            }
        }
        id
    }

    /// Sends an unsolicited message, such as a notification: non-confirmable as given,
    /// confirmable ones retransmitted until acknowledged ([`Event::Failed`] with
    /// [`Failure::Timeout`] when not, [`Failure::Reset`] when the peer resets it, also a
    /// non-confirmable one). The message ID is assigned here; the token is the packet's.
    pub fn send(&mut self, peer: P, packet: Packet, now: u64) -> RequestId {
        let id = self.next_request_id();
        if self
            .transmit(peer.clone(), packet, Some(id), false, now)
            .is_err()
        {
            self.deferred.push(Event::Failed {
                peer,
                id,
                reason: Failure::Encoding,
            });
        }
        id
    }

    /// Forgets an outgoing request or observation: its later responses are reset (a
    /// confirmable one) or dropped, which ends an observation at the peer (RFC 7641
    /// §3.6).
    pub fn forget(&mut self, id: RequestId) {
        self.close(id);
    }

    fn close(&mut self, id: RequestId) -> Option<Exchange<P>> {
        let ex = self.exchanges.remove(&id)?;
        let key = (ex.peer.clone(), ex.token.clone());
        if self.tokens.get(&key) == Some(&id) {
            self.tokens.remove(&key);
        }
        if self
            .unacked
            .get(&(ex.peer.clone(), ex.message_id))
            .is_some_and(|u| u.owner == Some(id))
        {
            self.unacked.remove(&(ex.peer.clone(), ex.message_id));
        }
        Some(ex)
    }

    fn fail(&mut self, id: RequestId, peer: P, reason: Failure, events: &mut Vec<Event<P>>) {
        self.close(id);
        events.push(Event::Failed { peer, id, reason });
    }

    fn acknowledgement(&mut self, peer: P, packet: Packet, now: u64, events: &mut Vec<Event<P>>) {
        let message_id = packet.header.message_id;
        let reset = packet.header.get_type() == MessageType::Reset;
        // A Reset is empty; an acknowledgement is empty or carries a response.
        if (reset && code(&packet) != 0) || (code(&packet) >> 5 == 0 && code(&packet) != 0) {
            return;
        }
        let Some(unacked) = self.unacked.remove(&(peer.clone(), message_id)) else {
            if reset
                && let Some(i) = self
                    .sent_non
                    .iter()
                    .position(|(_, p, m, ..)| *p == peer && *m == message_id)
                && let Some((_, _, _, id, request)) = self.sent_non.remove(i)
                // A request answered already is done with.
                && (!request || self.exchanges.contains_key(&id))
            {
                self.fail(id, peer, Failure::Reset, events);
            }
            return;
        };
        let Some(id) = unacked.owner else {
            return;
        };
        if reset {
            return self.fail(id, peer, Failure::Reset, events);
        }
        if code(&packet) == 0 {
            return; // the response comes separately
        }
        // Once observing, the answer came already (separately, overtaking this ACK).
        if self
            .exchanges
            .get(&id)
            .is_some_and(|e| e.token == packet.get_token() && e.observing.is_none())
        {
            self.response(id, packet, true, now, events);
        }
    }

    /// A confirmable or non-confirmable response (not piggybacked).
    fn separate_response(&mut self, peer: P, packet: Packet, now: u64, events: &mut Vec<Event<P>>) {
        let confirmable = packet.header.get_type() == MessageType::Confirmable;
        let message_id = packet.header.message_id;
        let unknown_critical = packet
            .options()
            .any(|(n, _)| n % 2 == 1 && !KNOWN_OPTIONS.contains(n));
        let id = self
            .tokens
            .get(&(peer.clone(), packet.get_token().to_vec()))
            .copied();
        let Some(id) = id.filter(|_| !unknown_critical) else {
            if confirmable {
                self.reset(peer, message_id, now);
            }
            return;
        };
        if confirmable {
            self.reply(
                peer.clone(),
                message_id,
                empty_message(MessageType::Acknowledgement, message_id),
            );
        }
        // The response also acknowledges the request it answers.
        if let Some(ex) = self.exchanges.get(&id)
            && ex.observing.is_none()
        {
            self.unacked.remove(&(peer, ex.message_id));
        }
        self.response(id, packet, false, now, events);
    }

    /// A response for exchange `id`.
    fn response(
        &mut self,
        id: RequestId,
        mut packet: Packet,
        piggybacked: bool,
        now: u64,
        events: &mut Vec<Event<P>>,
    ) {
        let Some(ex) = self.exchanges.get_mut(&id) else {
            return;
        };
        let peer = ex.peer.clone();
        let success = code(&packet) >> 5 == 2;
        if let Some((last, at)) = ex.observing
            && !piggybacked
        {
            let seq = option(&packet, OBSERVE).and_then(|v| read_uint(v));
            match seq {
                Some(seq) if success => {
                    if fresher(last, at, seq, now) {
                        ex.observing = Some((seq, now));
                        events.push(Event::Notification {
                            peer,
                            id,
                            response: packet,
                        });
                    }
                }
                _ => {
                    // An error or a response without Observe ends the observation.
                    self.close(id);
                    events.push(Event::Notification {
                        peer,
                        id,
                        response: packet,
                    });
                }
            }
            return;
        }
        if let Some((payload, offset, szx)) = &mut ex.upload {
            if code(&packet) == CONTINUE {
                let Ok(Some(b1)) = block(&packet, BLOCK1) else {
                    return self.fail(id, peer, Failure::BadBlock, events);
                };
                // The block sent last was whole; the peer may ask for smaller blocks
                // from the next one on (RFC 7959 §2.3).
                let start = *offset + (16usize << *szx);
                *szx = (*szx).min(b1.szx);
                let szx = *szx;
                if start >= payload.len() {
                    return self.fail(id, peer, Failure::BadBlock, events);
                }
                let end = payload.len().min(start + (16 << szx));
                let Some(block) = Block::at(start, szx) else {
                    return self.fail(id, peer, Failure::BadBlock, events);
                };
                let more = end < payload.len();
                let mut p = ex.request.clone();
                p.payload = payload[start..end].to_vec();
                p.add_option(CoapOption::Block1, Block { more, ..block }.encode());
                *offset = start;
                return self.follow_up(id, p, now, events);
            }
            ex.upload = None;
        }
        if let Ok(Some(b2)) = block(&packet, BLOCK2) {
            if b2.num == 0 {
                ex.body.clear();
                if ex.observe.is_some() {
                    ex.observe = option(&packet, OBSERVE)
                        .and_then(|v| read_uint(v))
                        .or(Some(u32::MAX));
                }
            }
            let too_large = option(&packet, SIZE2)
                .and_then(|v| read_uint(v))
                .is_some_and(|s| s as usize > self.config.max_body)
                || ex.body.len() + packet.payload.len() > self.config.max_body;
            if too_large {
                return self.fail(id, peer, Failure::TooLarge, events);
            }
            if (b2.num as usize) << (b2.szx + 4) != ex.body.len() {
                return self.fail(id, peer, Failure::BadBlock, events);
            }
            ex.body.extend_from_slice(&packet.payload);
            if b2.more {
                let Some(next) = Block::at(ex.body.len(), b2.szx) else {
                    return self.fail(id, peer, Failure::BadBlock, events);
                };
                let mut p = without(&ex.request, &[BLOCK1, BLOCK2, SIZE1, OBSERVE]);
                p.payload.clear();
                p.add_option(CoapOption::Block2, next.encode());
                return self.follow_up(id, p, now, events);
            }
            packet.payload = core::mem::take(&mut ex.body);
            packet = without(&packet, &[BLOCK2, SIZE2]);
            if let Some(seq) = ex.observe.filter(|&s| s != u32::MAX) {
                packet.set_option(CoapOption::Observe, [uint(seq)].into_iter().collect());
            }
        } else if ex.observe.is_some() {
            ex.observe = option(&packet, OBSERVE)
                .and_then(|v| read_uint(v))
                .or(Some(u32::MAX));
        }
        match ex.observe.filter(|&s| s != u32::MAX && success) {
            Some(seq) => {
                ex.observing = Some((seq, now));
                ex.expires_at = None;
            }
            None => {
                self.close(id);
            }
        }
        events.push(Event::Response {
            peer,
            id,
            response: packet,
        });
    }

    /// Sends the next message of exchange `id` (same token, new message ID).
    fn follow_up(&mut self, id: RequestId, p: Packet, now: u64, events: &mut Vec<Event<P>>) {
        let Some(peer) = self.exchanges.get(&id).map(|e| e.peer.clone()) else {
            return;
        };
        match self.transmit(peer.clone(), p, Some(id), true, now) {
            Ok(message_id) => {
                let end = self.lifetime_end(now);
                if let Some(ex) = self.exchanges.get_mut(&id) {
                    ex.message_id = message_id;
                    if ex.observing.is_none() {
                        ex.expires_at = Some(end);
                    }
                }
            }
            Err(()) => self.fail(id, peer, Failure::Encoding, events),
        }
    }

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

/// An empty message (ACK or RST) with `message_id`.
fn empty_message(kind: MessageType, message_id: u16) -> Vec<u8> {
    let t = match kind {
        MessageType::Acknowledgement => 2,
        _ => 3,
    };
    let [hi, lo] = message_id.to_be_bytes();
    alloc::vec![0x40 | t << 4, 0, hi, lo]
}
