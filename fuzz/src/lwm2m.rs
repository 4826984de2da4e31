//! The LwM2M protocol targets. Their inputs are sequences of records `[ctl] len bytes`
//! ([`records`]): `len` is one byte below 0x80, else two (`0x80 | high`, low), and a
//! record cut short by the end of the input takes what is left. `ctl` carries the clock
//! step and, for the message layer, the peer and what the record does.
//!
//! * `coap_endpoint`: `[config] record...` ([`endpoint_config`], [`coap_endpoint`]);
//! * `lwm2m_server`, `lwm2m_host`: records whose bytes are CoAP messages;
//! * `lwm2m_register`: `query \0 payload`, the query split at `&`.

use coap_lite::{CoapOption, MessageClass, Packet, RequestType, ResponseType};
use ucifi_lwm2m::transport::{Endpoint, Event, TransportConfig};
use ucifi_lwm2m::{Host, Registration, ResponseCode, Server};
use ucifi_objects::REGISTRY;
use ucifi_objects::oma::device::v1_2::Device as Device12;
use ucifi_runtime::Version;

use crate::Lamp;

/// The records of `data`: `(ctl, bytes)`.
pub fn records(mut data: &[u8]) -> impl Iterator<Item = (u8, &[u8])> {
    core::iter::from_fn(move || {
        let (&ctl, rest) = data.split_first()?;
        let (len, rest) = match rest {
            [l, rest @ ..] if l & 0x80 == 0 => (usize::from(*l), rest),
            [h, l, rest @ ..] => (usize::from(h & 0x7f) << 8 | usize::from(*l), rest),
            rest => (rest.len(), rest),
        };
        let (bytes, rest) = rest.split_at(len.min(rest.len()));
        data = rest;
        Some((ctl, bytes))
    })
}

/// One record, as [`records`] reads it.
pub fn record(ctl: u8, bytes: &[u8]) -> Vec<u8> {
    let mut out = vec![ctl];
    let len = bytes.len().min(0x7fff);
    if len < 0x80 {
        out.push(len as u8);
    } else {
        out.extend([0x80 | (len >> 8) as u8, len as u8]);
    }
    out.extend_from_slice(&bytes[..len]);
    out
}

/// The message layer's configuration byte: `cfg % 7` picks the block size (16 << n);
/// bit 3 caps remembered message IDs and unanswered requests at 2, bit 4 stored bodies
/// at 1, bit 5 reassembled bodies at 256 bytes; bit 6 retransmits at most once.
pub fn endpoint_config(cfg: u8) -> TransportConfig {
    let d = TransportConfig::default();
    TransportConfig {
        block_size: 16 << (cfg % 7),
        max_pending: if cfg & 0x08 != 0 { 2 } else { d.max_pending },
        max_bodies: if cfg & 0x10 != 0 { 1 } else { d.max_bodies },
        max_body: if cfg & 0x20 != 0 { 256 } else { d.max_body },
        max_retransmit: if cfg & 0x40 != 0 { 1 } else { d.max_retransmit },
        ..d
    }
}

/// The record's action in `coap_endpoint`: bits 1-2 of `ctl`.
pub const RECEIVE: u8 = 0;
/// The endpoint sends `GET /3/0` with Observe 0 (token: the record's first 8 bytes).
pub const OBSERVE: u8 = 4;
/// The endpoint sends `PUT /3/0/14` with the record as payload (block-wise when larger
/// than the block size).
pub const PUT: u8 = 6;

/// `ctl` of a `coap_endpoint` record: peer 1 or 2, action, clock step (`step² × 250` ms,
/// `step` < 32).
pub fn endpoint_ctl(peer: u8, action: u8, step: u8) -> u8 {
    (peer - 1) & 1 | action & 6 | step << 3
}

/// The answer to every request: 2.05 Content with the request's payload for a request
/// that has one, else `message ID % 256 × 8` bytes (block-wise when large).
pub fn answer_requests(ep: &mut Endpoint<u8>, events: &[Event<u8>], now: u64) {
    for e in events {
        if let Event::Request { id, request, .. } = e {
            let mut r = Packet::new();
            r.header.code = MessageClass::Response(ResponseType::Content);
            r.payload = if request.payload.is_empty() {
                vec![b'x'; usize::from(request.header.message_id as u8) * 8]
            } else {
                request.payload.clone()
            };
            ep.respond(*id, r, now);
        }
    }
}

/// The request of action `action` (not [`RECEIVE`]) of a record.
pub fn endpoint_request(action: u8, bytes: &[u8]) -> Packet {
    let mut p = Packet::new();
    p.add_option(CoapOption::UriPath, b"3".to_vec());
    p.add_option(CoapOption::UriPath, b"0".to_vec());
    if action == OBSERVE {
        p.header.code = MessageClass::Request(RequestType::Get);
        p.set_token(bytes[..bytes.len().min(8)].to_vec());
        p.add_option(CoapOption::Observe, vec![]);
    } else {
        p.header.code = MessageClass::Request(RequestType::Put);
        p.add_option(CoapOption::UriPath, b"14".to_vec());
        p.payload = bytes.to_vec();
    }
    p
}

/// Every datagram `ep` has to send goes to peer 1 or 2 and parses as CoAP.
fn drain(ep: &mut Endpoint<u8>, out: &mut Vec<(u8, Vec<u8>)>) {
    while let Some((peer, d)) = ep.poll_transmit() {
        assert!(peer == 1 || peer == 2, "a datagram for peer {peer}");
        if let Err(e) = Packet::from_bytes(&d) {
            panic!("the endpoint sends {d:02X?}, which is not CoAP: {e:?}");
        }
        out.push((peer, d));
    }
}

/// An `Endpoint<u8>` fed `[config] record...`: each record a datagram from peer 1 or 2,
/// or a request of its own to one of them, at a clock that advances; `handle_timeout`
/// after each, every request answered. Never panics; what it sends is CoAP. Gives the
/// datagrams it sent, by peer.
pub fn coap_endpoint(data: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let mut sent = Vec::new();
    let Some((&cfg, rest)) = data.split_first() else {
        return sent;
    };
    let mut ep = Endpoint::new(endpoint_config(cfg), 0x5a00 | u64::from(cfg));
    let mut now = 0u64;
    for (ctl, bytes) in records(rest) {
        now += u64::from(ctl >> 3).pow(2) * 250;
        let peer = 1 + (ctl & 1);
        let mut events = match ctl & 6 {
            OBSERVE | PUT => {
                ep.request(peer, endpoint_request(ctl & 6, bytes), now);
                Vec::new()
            }
            _ => ep.receive(peer, bytes, now),
        };
        events.extend(ep.handle_timeout(now));
        for e in &events {
            let (Event::Request { peer: p, .. }
            | Event::Response { peer: p, .. }
            | Event::Notification { peer: p, .. }
            | Event::Failed { peer: p, .. }) = e;
            assert!(*p == 1 || *p == 2, "an event from peer {p}: {e:?}");
        }
        answer_requests(&mut ep, &events, now);
        drain(&mut ep, &mut sent);
    }
    sent
}

/// A packet's code is a known response code.
fn check_code(p: &Packet, request: &Packet) -> ResponseCode {
    let byte = u8::from(p.header.code);
    ResponseCode::from_byte(byte)
        .unwrap_or_else(|| panic!("{request:?} answered with code {byte:#04x}: {p:?}"))
}

/// A registration `Server<u8>` fed CoAP messages (records: `ctl` = peer in bits 0-1,
/// clock step `(ctl >> 2)²` s): `handle` then `expire`. Never panics; every response has
/// a known code.
pub fn lwm2m_server(data: &[u8]) {
    let mut server: Server<u8> = Server::new(REGISTRY.clone());
    let mut now = 0u64;
    for (ctl, bytes) in records(data) {
        now += u64::from(ctl >> 2).pow(2) * 1000;
        let Ok(request) = Packet::from_bytes(bytes) else {
            continue;
        };
        let (response, _) = server.handle(ctl & 3, &request, now);
        check_code(&response, &request);
        assert_eq!(response.get_token(), request.get_token());
        server.expire(now);
        if let Some(t) = server.next_expiry() {
            assert!(
                t > now,
                "a registration expiring at {t} outlived expire({now})"
            );
        }
    }
}

/// The Device 1.2 instance of the `lwm2m_host` target.
pub fn host_device() -> Device12 {
    Device12 {
        manufacturer: Some("Open Mobile Alliance".into()),
        model_number: Some("Lightweight M2M Client".into()),
        serial_number: Some("345000123".into()),
        firmware_version: Some("1.0".into()),
        battery_level: Some(100),
        memory_free: Some(15),
        utc_offset: Some("+02:00".into()),
        timezone: Some("Europe/Berlin".into()),
        supported_binding_and_modes: "U".into(),
        ..Device12::default()
    }
}

/// The `lwm2m_host` target's client: Device 1.2 `/3/0`, Outdoor lamp controller 2.0
/// `/3416/0` and `/3416/1`.
pub fn host() -> Host {
    let mut host = Host::new("fuzz", Version::new(1, 2));
    host.add(0, host_device()).expect("Device 1.2");
    host.add(0, crate::reference_lamp()).expect("lamp");
    host.add(
        1,
        Lamp {
            command: 0,
            dimming_level: 0,
            ..crate::reference_lamp()
        },
    )
    .expect("lamp");
    host
}

fn instances(host: &Host) -> String {
    let devices: Vec<(u16, &Device12)> = host.instances::<Device12>().collect();
    let lamps: Vec<(u16, &Lamp)> = host.instances::<Lamp>().collect();
    // Through Debug, so that NaN equals NaN.
    format!("{devices:?} {lamps:?}")
}

/// A [`host`] fed CoAP messages (records: `ctl` = clock step in seconds): `handle`, then
/// `notifications` and `next_due`. Never panics; a request answered 4.xx changes no
/// instance.
pub fn lwm2m_host(data: &[u8]) {
    let mut host = host();
    let mut now = 0u64;
    for (ctl, bytes) in records(data) {
        now += u64::from(ctl);
        let Ok(request) = Packet::from_bytes(bytes) else {
            continue;
        };
        let before = instances(&host);
        if let Some(response) = host.handle(&request, now) {
            let code = check_code(&response, &request);
            if code.byte() >> 5 == 4 {
                let after = instances(&host);
                assert!(
                    before == after,
                    "{request:?} answered {code} but changed\n{before}\ninto\n{after}"
                );
            }
        }
        for n in host.notifications(now) {
            check_code(&n, &request);
        }
        host.next_due(now);
    }
}

/// `Registration::from_register` on `query \0 payload`; what it reads resolves its models.
pub fn lwm2m_register(data: &[u8]) {
    let (query, payload) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let Ok(query) = core::str::from_utf8(query) else {
        return;
    };
    let query = query.split('&').filter(|q| !q.is_empty());
    if let Ok(reg) = Registration::from_register(query, payload) {
        reg.models(&REGISTRY);
    }
}
