//! The CoAP message layer: exact datagrams on a fake clock.
#![cfg(feature = "coap")]

use coap_lite::{CoapOption, MessageClass, MessageType, Packet, RequestType, ResponseType};
use ucifi_lwm2m::transport::{Endpoint, Event, Failure, IncomingId, RequestId, TransportConfig};

/// Peers are small numbers: 1 is the client, 2 the server.
const CLIENT: u8 = 1;
const SERVER: u8 = 2;

fn get(path: &[&str], token: &[u8]) -> Packet {
    let mut p = Packet::new();
    p.header.code = MessageClass::Request(RequestType::Get);
    p.set_token(token.to_vec());
    for s in path {
        p.add_option(CoapOption::UriPath, s.as_bytes().to_vec());
    }
    p
}

fn content(payload: &[u8]) -> Packet {
    let mut p = Packet::new();
    p.header.code = MessageClass::Response(ResponseType::Content);
    p.payload = payload.to_vec();
    p
}

fn drain(ep: &mut Endpoint<u8>) -> Vec<(u8, Vec<u8>)> {
    core::iter::from_fn(|| ep.poll_transmit()).collect()
}

/// The one datagram `ep` has to send, to `to`.
fn one(ep: &mut Endpoint<u8>, to: u8) -> Vec<u8> {
    let out = drain(ep);
    assert_eq!(out.len(), 1, "{out:x?}");
    assert_eq!(out[0].0, to);
    out[0].1.clone()
}

fn request_event(events: Vec<Event<u8>>) -> (IncomingId, Packet) {
    match <[Event<u8>; 1]>::try_from(events) {
        Ok([Event::Request { id, request, .. }]) => (id, request),
        other => panic!("{other:?}"),
    }
}

fn response_event(events: Vec<Event<u8>>) -> (RequestId, Packet) {
    match <[Event<u8>; 1]>::try_from(events) {
        Ok([Event::Response { id, response, .. }]) => (id, response),
        other => panic!("{other:?}"),
    }
}

/// GET /3/0, CON, message ID 0x1234, token 0xaa.
const GET_3_0: [u8; 9] = [0x41, 0x01, 0x12, 0x34, 0xaa, 0xb1, b'3', 0x01, b'0'];

#[test]
fn confirmable_request_is_retransmitted_with_doubling_timeouts_then_fails() {
    let mut client = Endpoint::new(TransportConfig::default(), 0x1234);
    let id = client.request(SERVER, get(&["3", "0"], &[0xaa]), 0);
    assert_eq!(one(&mut client, SERVER), GET_3_0);
    let t = client.next_timeout().unwrap();
    assert!((2000..=3000).contains(&t), "{t}");
    assert!(client.handle_timeout(t - 1).is_empty());
    assert!(drain(&mut client).is_empty());
    // Sent again at T, 3T, 7T, 15T: the same bytes each time.
    let mut at = t;
    for n in 1..=4u64 {
        assert!(client.handle_timeout(at).is_empty());
        assert_eq!(one(&mut client, SERVER), GET_3_0);
        at += t << n;
        assert_eq!(client.next_timeout(), Some(at));
    }
    assert_eq!(at, 31 * t);
    assert_eq!(
        client.handle_timeout(at),
        [Event::Failed {
            peer: SERVER,
            id,
            reason: Failure::Timeout
        }]
    );
    assert!(drain(&mut client).is_empty());
    assert_eq!(client.next_timeout(), None);
}

#[test]
fn initial_timeouts_are_jittered_within_ack_timeout_and_its_random_factor() {
    let timeouts: Vec<u64> = (0..200)
        .map(|seed| {
            let mut ep = Endpoint::new(TransportConfig::default(), seed);
            ep.request(SERVER, get(&["3"], &[1]), 1000);
            ep.next_timeout().unwrap() - 1000
        })
        .collect();
    assert!(timeouts.iter().all(|t| (2000..=3000).contains(t)));
    assert!(timeouts.iter().min().unwrap() < &2100);
    assert!(timeouts.iter().max().unwrap() > &2900);
}

#[test]
fn piggybacked_response_and_a_duplicate_request_answered_with_the_same_bytes() {
    let mut client = Endpoint::new(TransportConfig::default(), 0x1234);
    let mut server = Endpoint::new(TransportConfig::default(), 0x7000);
    let rid = client.request(SERVER, get(&["3", "0"], &[0xaa]), 0);
    let wire = one(&mut client, SERVER);
    let (iid, request) = request_event(server.receive(CLIENT, &wire, 10));
    assert_eq!(request.to_bytes().unwrap(), GET_3_0);
    server.respond(iid, content(b"hi"), 20);
    let ack = one(&mut server, CLIENT);
    assert_eq!(ack, [0x61, 0x45, 0x12, 0x34, 0xaa, 0xff, b'h', b'i']);
    // The request again (its ACK was lost): the same answer, no event.
    assert!(server.receive(CLIENT, &wire, 30).is_empty());
    assert_eq!(one(&mut server, CLIENT), ack);
    let (id, response) = response_event(client.receive(SERVER, &ack, 40));
    assert_eq!(id, rid);
    assert_eq!(response.payload, b"hi");
    // Answered: nothing left to send or wait for; the second copy is no event.
    assert!(client.receive(SERVER, &ack, 41).is_empty());
    assert_eq!(client.next_timeout(), None);
    assert!(client.handle_timeout(100_000).is_empty());
    assert!(drain(&mut client).is_empty());
}

#[test]
fn separate_response_after_an_empty_ack() {
    let mut client = Endpoint::new(TransportConfig::default(), 0x1234);
    let mut server = Endpoint::new(TransportConfig::default(), 0x7000);
    let rid = client.request(SERVER, get(&["3", "0"], &[0xaa]), 0);
    let wire = one(&mut client, SERVER);
    let (iid, _) = request_event(server.receive(CLIENT, &wire, 0));
    // The client retransmits before the application answers: an empty ACK.
    client.handle_timeout(3000);
    assert_eq!(one(&mut client, SERVER), wire);
    assert!(server.receive(CLIENT, &wire, 3000).is_empty());
    let empty_ack = one(&mut server, CLIENT);
    assert_eq!(empty_ack, [0x60, 0x00, 0x12, 0x34]);
    assert!(client.receive(SERVER, &empty_ack, 3001).is_empty());
    // No more retransmissions; the request waits for its response.
    assert_eq!(client.next_timeout(), Some(247_000));
    // The answer comes as a confirmable response with the server's message ID.
    server.respond(iid, content(b"hi"), 5000);
    let separate = one(&mut server, CLIENT);
    assert_eq!(separate, [0x41, 0x45, 0x70, 0x00, 0xaa, 0xff, b'h', b'i']);
    let (id, response) = response_event(client.receive(SERVER, &separate, 5001));
    assert_eq!((id, response.payload.as_slice()), (rid, &b"hi"[..]));
    let ack = one(&mut client, SERVER);
    assert_eq!(ack, [0x60, 0x00, 0x70, 0x00]);
    // A duplicate of the response is acknowledged again, and is no event.
    assert!(client.receive(SERVER, &separate, 5002).is_empty());
    assert_eq!(one(&mut client, SERVER), ack);
    assert!(server.receive(CLIENT, &ack, 5003).is_empty());
    // Acknowledged: the server does not send it again.
    assert!(server.handle_timeout(20_000).is_empty());
    assert!(drain(&mut server).is_empty());
}

#[test]
fn reset_fails_the_request() {
    let mut client = Endpoint::new(TransportConfig::default(), 0x1234);
    let id = client.request(SERVER, get(&["3", "0"], &[0xaa]), 0);
    drain(&mut client);
    assert_eq!(
        client.receive(SERVER, &[0x70, 0x00, 0x12, 0x34], 5),
        [Event::Failed {
            peer: SERVER,
            id,
            reason: Failure::Reset
        }]
    );
    assert_eq!(client.next_timeout(), None);
}

/// A small deterministic generator for the lossy link.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn percent(&mut self) -> u64 {
        self.next() % 100
    }
}

#[test]
fn every_exchange_completes_exactly_once_over_a_lossy_duplicating_link() {
    for seed in [0x5eed, 1, 0xdead_beef, 42] {
        lossy_link(seed);
    }
}

/// 40 requests over a link that drops 20 % of the datagrams and duplicates 20 %.
fn lossy_link(seed: u64) {
    let config = TransportConfig {
        max_retransmit: 10,
        ..Default::default()
    };
    let mut client = Endpoint::new(config.clone(), 1);
    let mut server = Endpoint::new(config, 2);
    let mut rng = Rng(seed);
    const N: usize = 40;
    // Requests carrying their number; every fourth one a 3000-byte write (Block1),
    // every fifth one answered with 2500 bytes (Block2).
    let mut ids = Vec::new();
    for n in 0..N {
        // Each to a resource of its own: block-wise transfers are told apart by URI.
        let mut p = get(&["3442", "0", &n.to_string()], &[]);
        p.header.code = MessageClass::Request(RequestType::Put);
        p.payload = n.to_string().into_bytes();
        if n.is_multiple_of(4) {
            p.payload.resize(3000, b'.');
        }
        ids.push(client.request(SERVER, p, 0));
    }
    let mut requests_seen = vec![0; N];
    let mut responses = std::collections::BTreeMap::new();
    let mut now = 0;
    let link = |rng: &mut Rng, out: Vec<(u8, Vec<u8>)>| -> Vec<Vec<u8>> {
        let mut delivered = Vec::new();
        for (_, d) in out {
            match rng.percent() {
                0..20 => {}
                20..40 => delivered.extend([d.clone(), d]),
                _ => delivered.push(d),
            }
        }
        delivered
    };
    for _ in 0..100_000 {
        let mut quiet = true;
        for d in link(&mut rng, drain(&mut client)) {
            quiet = false;
            for e in server.receive(CLIENT, &d, now) {
                let Event::Request { id, request, .. } = e else {
                    panic!("{e:?}")
                };
                let text = String::from_utf8_lossy(&request.payload).into_owned();
                let n: usize = text.trim_end_matches('.').parse().unwrap();
                assert_eq!(
                    request.payload.len(),
                    if n.is_multiple_of(4) {
                        3000
                    } else {
                        text.len()
                    }
                );
                requests_seen[n] += 1;
                let mut answer = content(format!("answer {n}").as_bytes());
                if n.is_multiple_of(5) {
                    answer.payload.resize(2500, b'!');
                }
                server.respond(id, answer, now);
            }
        }
        for d in link(&mut rng, drain(&mut server)) {
            quiet = false;
            for e in client.receive(SERVER, &d, now) {
                let Event::Response { id, response, .. } = e else {
                    panic!("{e:?}")
                };
                assert!(responses.insert(id, response).is_none(), "{id:?} twice");
            }
        }
        if responses.len() == N {
            break;
        }
        if quiet {
            now = client
                .next_timeout()
                .into_iter()
                .chain(server.next_timeout())
                .min()
                .unwrap();
            let mut timeouts = client.handle_timeout(now);
            timeouts.extend(server.handle_timeout(now));
            assert_eq!(timeouts, []);
        }
    }
    assert_eq!(requests_seen, vec![1; N]);
    assert_eq!(responses.len(), N);
    for (n, id) in ids.iter().enumerate() {
        let payload = &responses[id].payload;
        let text = format!("answer {n}");
        assert!(payload.starts_with(text.as_bytes()));
        assert_eq!(
            payload.len(),
            if n.is_multiple_of(5) {
                2500
            } else {
                text.len()
            }
        );
    }
}

#[test]
fn block2_response_of_5000_bytes() {
    let mut client = Endpoint::new(TransportConfig::default(), 0x1234);
    let mut server = Endpoint::new(TransportConfig::default(), 0x7000);
    let body: Vec<u8> = (0..5000u32).map(|i| (i % 251) as u8).collect();
    let rid = client.request(SERVER, get(&["3", "0"], &[0x01]), 0);
    let wire = one(&mut client, SERVER);
    let (iid, _) = request_event(server.receive(CLIENT, &wire, 0));
    server.respond(iid, content(&body), 0);
    let mut received = None;
    for num in 0..5u16 {
        let response = one(&mut server, CLIENT);
        let [hi, lo] = (0x1234 + num).to_be_bytes();
        let more = num < 4;
        let block = (num as u8) << 4 | u8::from(more) << 3 | 6;
        let mut expected = vec![0x61, 0x45, hi, lo, 0x01, 0xd1, 0x0a, block];
        if num == 0 {
            // Size2 5000.
            expected.extend([0x52, 0x13, 0x88]);
        }
        expected.push(0xff);
        expected.extend(&body[num as usize * 1024..(5000).min(num as usize * 1024 + 1024)]);
        assert_eq!(response, expected, "block {num}");
        let events = client.receive(SERVER, &response, 0);
        if more {
            assert!(events.is_empty());
            // The follow-up: same token, next message ID, Block2 of the next block.
            let [hi, lo] = (0x1235 + num).to_be_bytes();
            let next = ((num as u8) + 1) << 4 | 6;
            let follow_up = one(&mut client, SERVER);
            assert_eq!(
                follow_up,
                [0x41, 0x01, hi, lo, 0x01, 0xb1, b'3', 0x01, b'0', 0xc1, next]
            );
            // Answered by the server's endpoint from its copy, no event.
            assert!(server.receive(CLIENT, &follow_up, 0).is_empty());
        } else {
            received = Some(response_event(events));
        }
    }
    let (id, response) = received.unwrap();
    assert_eq!(id, rid);
    assert_eq!(response.payload, body);
    assert_eq!(response.get_option(CoapOption::Block2), None);
}

#[test]
fn block2_response_above_max_body_fails() {
    let config = TransportConfig {
        max_body: 2048,
        ..Default::default()
    };
    let mut client = Endpoint::new(config, 0x1234);
    let mut server = Endpoint::new(TransportConfig::default(), 0x7000);
    let rid = client.request(SERVER, get(&["3", "0"], &[0x01]), 0);
    let (iid, _) = request_event(server.receive(CLIENT, &one(&mut client, SERVER), 0));
    server.respond(iid, content(&[7; 5000]), 0);
    // Size2 announces 5000 bytes: given up at once.
    assert_eq!(
        client.receive(SERVER, &one(&mut server, CLIENT), 0),
        [Event::Failed {
            peer: SERVER,
            id: rid,
            reason: Failure::TooLarge
        }]
    );
    assert!(drain(&mut client).is_empty());
}

#[test]
fn block1_request_of_5000_bytes() {
    let mut client = Endpoint::new(TransportConfig::default(), 0x1234);
    let mut server = Endpoint::new(TransportConfig::default(), 0x7000);
    let body: Vec<u8> = (0..5000u32).map(|i| (i % 241) as u8).collect();
    let mut put = get(&["3", "0"], &[0x02]);
    put.header.code = MessageClass::Request(RequestType::Put);
    put.payload = body.clone();
    let rid = client.request(SERVER, put, 0);
    let mut incoming = None;
    for num in 0..5u16 {
        let wire = one(&mut client, SERVER);
        let [hi, lo] = (0x1234 + num).to_be_bytes();
        let more = num < 4;
        let block = (num as u8) << 4 | u8::from(more) << 3 | 6;
        // Uri-Path 3/0, Block1 (27), on the first block Size1 (60) 5000.
        let mut expected = vec![
            0x41, 0x03, hi, lo, 0x02, 0xb1, b'3', 0x01, b'0', 0xd1, 0x03, block,
        ];
        if num == 0 {
            expected.extend([0xd2, 0x14, 0x13, 0x88]);
        }
        expected.push(0xff);
        expected.extend(&body[num as usize * 1024..(5000).min(num as usize * 1024 + 1024)]);
        assert_eq!(wire, expected, "block {num}");
        let events = server.receive(CLIENT, &wire, 0);
        if more {
            assert!(events.is_empty());
            // 2.31 Continue echoing the block, from the server's endpoint.
            let cont = one(&mut server, CLIENT);
            assert_eq!(cont, [0x61, 0x5f, hi, lo, 0x02, 0xd1, 0x0e, block]);
            assert!(client.receive(SERVER, &cont, 0).is_empty());
        } else {
            incoming = Some(request_event(events));
        }
    }
    let (iid, request) = incoming.unwrap();
    assert_eq!(request.payload, body);
    assert_eq!(request.get_option(CoapOption::Block1), None);
    let mut changed = Packet::new();
    changed.header.code = MessageClass::Response(ResponseType::Changed);
    server.respond(iid, changed, 0);
    // 2.04 with the last Block1 (num 4, M 0).
    let last = one(&mut server, CLIENT);
    assert_eq!(last, [0x61, 0x44, 0x12, 0x38, 0x02, 0xd1, 0x0e, 0x46]);
    let (id, response) = response_event(client.receive(SERVER, &last, 0));
    assert_eq!(id, rid);
    assert_eq!(
        response.header.code,
        MessageClass::Response(ResponseType::Changed)
    );
}

/// A confirmable PUT /5 block of a Block1 stream, token 0x05, without Size1.
fn put_block(message_id: u16, num: u8, more: bool, len: usize) -> Vec<u8> {
    let [hi, lo] = message_id.to_be_bytes();
    let block = num << 4 | u8::from(more) << 3 | 6;
    let mut d = vec![
        0x41, 0x03, hi, lo, 0x05, 0xb1, b'5', 0xd1, 0x03, block, 0xff,
    ];
    d.extend(vec![0x55; len]);
    d
}

#[test]
fn block1_stream_above_max_body_is_refused_413() {
    let config = TransportConfig {
        max_body: 4096,
        ..Default::default()
    };
    let mut server = Endpoint::new(config, 0x7000);
    for num in 0..4u8 {
        let wire = put_block(0x100 + u16::from(num), num, true, 1024);
        assert!(server.receive(CLIENT, &wire, 0).is_empty());
        let [hi, lo] = (0x100 + u16::from(num)).to_be_bytes();
        assert_eq!(
            one(&mut server, CLIENT),
            [0x61, 0x5f, hi, lo, 0x05, 0xd1, 0x0e, num << 4 | 0x0e]
        );
    }
    // The fifth block would exceed 4096 bytes: 4.13 with Size1 4096.
    assert!(
        server
            .receive(CLIENT, &put_block(0x104, 4, true, 1024), 0)
            .is_empty()
    );
    assert_eq!(
        one(&mut server, CLIENT),
        [0x61, 0x8d, 0x01, 0x04, 0x05, 0xd2, 0x2f, 0x10, 0x00]
    );
    // The reassembly is gone: the next block is out of sequence, 4.08.
    assert!(
        server
            .receive(CLIENT, &put_block(0x105, 5, true, 1024), 0)
            .is_empty()
    );
    assert_eq!(one(&mut server, CLIENT), [0x61, 0x88, 0x01, 0x05, 0x05]);
    // A Size1 above the limit is refused on the first block.
    let mut announced = put_block(0x106, 0, true, 1024);
    announced.splice(10..10, [0xd2, 0x14, 0x27, 0x10]); // Size1 10000
    assert!(server.receive(CLIENT, &announced, 0).is_empty());
    assert_eq!(
        one(&mut server, CLIENT),
        [0x61, 0x8d, 0x01, 0x06, 0x05, 0xd2, 0x2f, 0x10, 0x00]
    );
}

#[test]
fn block1_out_of_order_is_refused_408() {
    let mut server = Endpoint::new(TransportConfig::default(), 0x7000);
    assert!(
        server
            .receive(CLIENT, &put_block(0x200, 0, true, 1024), 0)
            .is_empty()
    );
    drain(&mut server);
    assert!(
        server
            .receive(CLIENT, &put_block(0x201, 2, false, 10), 0)
            .is_empty()
    );
    assert_eq!(one(&mut server, CLIENT), [0x61, 0x88, 0x02, 0x01, 0x05]);
}

/// A notification: 2.05, token 0x0b, Observe `seq`, payload `value`.
fn notification(confirmable: bool, seq: u8, value: &[u8]) -> Packet {
    let mut p = content(value);
    p.header.set_type(if confirmable {
        MessageType::Confirmable
    } else {
        MessageType::NonConfirmable
    });
    p.set_token(vec![0x0b]);
    p.add_option(CoapOption::Observe, vec![seq]);
    p
}

#[test]
fn observe_notifications_in_sequence_con_ones_acked_unknown_tokens_reset() {
    let mut client = Endpoint::new(TransportConfig::default(), 0x1234);
    let mut server = Endpoint::new(TransportConfig::default(), 0x7000);
    let mut observe = get(&["3", "0", "9"], &[0x0b]);
    observe.add_option(CoapOption::Observe, vec![]);
    let rid = client.request(SERVER, observe, 0);
    let wire = one(&mut client, SERVER);
    assert_eq!(
        wire,
        [
            0x41, 0x01, 0x12, 0x34, 0x0b, 0x60, 0x51, b'3', 0x01, b'0', 0x01, b'9'
        ]
    );
    let (iid, _) = request_event(server.receive(CLIENT, &wire, 0));
    let mut first = content(b"87");
    first.add_option(CoapOption::Observe, vec![5]);
    server.respond(iid, first, 0);
    let (id, response) = response_event(client.receive(SERVER, &one(&mut server, CLIENT), 0));
    assert_eq!((id, response.payload.as_slice()), (rid, &b"87"[..]));
    // The observation stays open without a timer.
    assert_eq!(client.next_timeout(), None);

    // A non-confirmable notification, sequence 6.
    server.send(CLIENT, notification(false, 6, b"86"), 1000);
    let n6 = one(&mut server, CLIENT);
    assert_eq!(
        n6,
        [0x51, 0x45, 0x70, 0x00, 0x0b, 0x61, 0x06, 0xff, b'8', b'6']
    );
    let events = client.receive(SERVER, &n6, 1000);
    let [
        Event::Notification {
            peer: SERVER,
            id,
            response,
        },
    ] = &events[..]
    else {
        panic!("{events:?}")
    };
    assert_eq!((*id, response.payload.as_slice()), (rid, &b"86"[..]));
    assert!(drain(&mut client).is_empty());
    // Sequence 4 arrives late: older, dropped.
    server.send(CLIENT, notification(false, 4, b"88"), 2000);
    assert!(
        client
            .receive(SERVER, &one(&mut server, CLIENT), 2000)
            .is_empty()
    );
    // A confirmable one, sequence 7: acknowledged.
    let sid = server.send(CLIENT, notification(true, 7, b"85"), 3000);
    let n7 = one(&mut server, CLIENT);
    assert_eq!(
        n7,
        [0x41, 0x45, 0x70, 0x02, 0x0b, 0x61, 0x07, 0xff, b'8', b'5']
    );
    let events = client.receive(SERVER, &n7, 3000);
    let [Event::Notification { id, response, .. }] = &events[..] else {
        panic!("{events:?}")
    };
    assert_eq!((*id, response.payload.as_slice()), (rid, &b"85"[..]));
    let ack = one(&mut client, SERVER);
    assert_eq!(ack, [0x60, 0x00, 0x70, 0x02]);
    assert!(server.receive(CLIENT, &ack, 3001).is_empty());
    assert!(server.handle_timeout(100_000).is_empty());
    assert!(drain(&mut server).is_empty());

    // Once the client forgets the observation, a confirmable notification is reset and
    // the server learns of it.
    client.forget(rid);
    let sid2 = server.send(CLIENT, notification(true, 8, b"84"), 4000);
    assert_ne!(sid, sid2);
    assert!(
        client
            .receive(SERVER, &one(&mut server, CLIENT), 4000)
            .is_empty()
    );
    let rst = one(&mut client, SERVER);
    assert_eq!(rst, [0x70, 0x00, 0x70, 0x03]);
    assert_eq!(
        server.receive(CLIENT, &rst, 4001),
        [Event::Failed {
            peer: CLIENT,
            id: sid2,
            reason: Failure::Reset
        }]
    );
    // A non-confirmable one with an unknown token is dropped.
    server.send(CLIENT, notification(false, 9, b"83"), 5000);
    assert!(
        client
            .receive(SERVER, &one(&mut server, CLIENT), 5000)
            .is_empty()
    );
    assert!(drain(&mut client).is_empty());
}

#[test]
fn unknown_critical_option_is_answered_402_and_an_elective_one_ignored() {
    let mut server = Endpoint::new(TransportConfig::default(), 0x7000);
    let mut p = get(&["3"], &[0x0c]);
    p.header.set_type(MessageType::Confirmable);
    p.header.message_id = 0x0300;
    p.add_option(CoapOption::Unknown(2049), vec![1]);
    assert!(server.receive(CLIENT, &p.to_bytes().unwrap(), 0).is_empty());
    assert_eq!(one(&mut server, CLIENT), [0x61, 0x82, 0x03, 0x00, 0x0c]);
    let mut p = get(&["3"], &[0x0c]);
    p.header.message_id = 0x0301;
    p.add_option(CoapOption::Unknown(2048), vec![1]);
    request_event(server.receive(CLIENT, &p.to_bytes().unwrap(), 0));
}

#[test]
fn malformed_datagrams_are_dropped_or_reset() {
    let mut server = Endpoint::new(TransportConfig::default(), 0x7000);
    // Version 2: dropped.
    assert!(
        server
            .receive(CLIENT, &[0x81, 0x01, 0x00, 0x01], 0)
            .is_empty()
    );
    assert!(drain(&mut server).is_empty());
    // A confirmable message whose options do not parse (delta 15): reset.
    assert!(
        server
            .receive(CLIENT, &[0x40, 0x01, 0x00, 0x02, 0xf1, 0x00], 0)
            .is_empty()
    );
    assert_eq!(one(&mut server, CLIENT), [0x70, 0x00, 0x00, 0x02]);
    // The same, non-confirmable: dropped.
    assert!(
        server
            .receive(CLIENT, &[0x50, 0x01, 0x00, 0x03, 0xf1, 0x00], 0)
            .is_empty()
    );
    assert!(drain(&mut server).is_empty());
    // A CoAP ping (empty confirmable): reset.
    assert!(
        server
            .receive(CLIENT, &[0x40, 0x00, 0x00, 0x04], 0)
            .is_empty()
    );
    assert_eq!(one(&mut server, CLIENT), [0x70, 0x00, 0x00, 0x04]);
    // An empty message with a token: a format error, reset.
    assert!(
        server
            .receive(CLIENT, &[0x41, 0x00, 0x00, 0x05, 0x01], 0)
            .is_empty()
    );
    assert_eq!(one(&mut server, CLIENT), [0x70, 0x00, 0x00, 0x05]);
    // An ACK or Reset nobody waits for: ignored.
    assert!(
        server
            .receive(CLIENT, &[0x60, 0x00, 0x00, 0x06], 0)
            .is_empty()
    );
    assert!(
        server
            .receive(CLIENT, &[0x70, 0x00, 0x00, 0x07], 0)
            .is_empty()
    );
    assert!(drain(&mut server).is_empty());
    // A reserved Block2 SZX in a request: 4.00.
    let mut p = get(&["3"], &[0x0d]);
    p.header.message_id = 8;
    p.add_option(CoapOption::Block2, vec![0x07]);
    assert!(server.receive(CLIENT, &p.to_bytes().unwrap(), 0).is_empty());
    assert_eq!(one(&mut server, CLIENT), [0x61, 0x80, 0x00, 0x08, 0x0d]);
}

#[test]
fn random_and_truncated_datagrams_never_panic() {
    let mut server = Endpoint::new(TransportConfig::default(), 0x7000);
    let mut client = Endpoint::new(TransportConfig::default(), 0x1234);
    client.request(SERVER, get(&["3", "0"], &[0xaa]), 0);
    let mut rng = Rng(0xbad);
    for i in 0..20_000u64 {
        let len = (rng.next() % 40) as usize;
        let mut d: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        if i % 2 == 0 && !d.is_empty() {
            d[0] = 0x40 | (d[0] & 0x3f); // version 1, so the parser goes further
        }
        for e in server
            .receive(CLIENT, &d, i)
            .into_iter()
            .chain(client.receive(SERVER, &d, i))
        {
            // Whatever parses as a request may be one; nothing else is an event.
            assert!(
                matches!(
                    e,
                    Event::Request { .. } | Event::Response { .. } | Event::Failed { .. }
                ),
                "{e:?}"
            );
        }
        drain(&mut server);
        drain(&mut client);
    }
    let mut big = get(&["3442", "0", "1"], &[1, 2, 3, 4]);
    big.header.message_id = 0x4242;
    big.add_option(CoapOption::Block2, vec![0x16]);
    big.payload = vec![9; 100];
    let bytes = big.to_bytes().unwrap();
    for end in 0..bytes.len() {
        server.receive(3, &bytes[..end], 0);
        drain(&mut server);
    }
}

#[test]
fn remembered_message_ids_are_capped() {
    let config = TransportConfig {
        max_pending: 16,
        ..Default::default()
    };
    let mut server = Endpoint::new(config, 0x7000);
    let datagram = |id: u16| {
        let mut p = get(&["3"], &[]);
        p.header.set_type(MessageType::NonConfirmable);
        p.header.message_id = id;
        p.to_bytes().unwrap()
    };
    for id in 0..5000u16 {
        request_event(server.receive(CLIENT, &datagram(id), 0));
    }
    // The last 16 are remembered: duplicates.
    for id in 4984..5000u16 {
        assert!(server.receive(CLIENT, &datagram(id), 1).is_empty());
    }
    // The first ones are forgotten (the cap held): a new request again.
    request_event(server.receive(CLIENT, &datagram(0), 2));
    // Remembered IDs expire after the exchange lifetime.
    server.handle_timeout(247_000);
    request_event(server.receive(CLIENT, &datagram(4999), 247_000));
}

#[test]
fn block1_continues_in_the_smaller_blocks_the_server_asks_for() {
    let mut client = Endpoint::new(TransportConfig::default(), 0x1234);
    let small = TransportConfig {
        block_size: 256,
        ..Default::default()
    };
    let mut server = Endpoint::new(small, 0x7000);
    let body: Vec<u8> = (0..3000u32).map(|i| (i % 239) as u8).collect();
    let mut put = get(&["3", "0"], &[0x03]);
    put.header.code = MessageClass::Request(RequestType::Put);
    put.payload = body.clone();
    client.request(SERVER, put, 0);
    // Block 0 of 1024 bytes; the server answers 2.31 asking for 256-byte blocks (SZX 4).
    let first = one(&mut client, SERVER);
    assert_eq!(first[9..16], [0xd1, 0x03, 0x0e, 0xd2, 0x14, 0x0b, 0xb8]);
    assert!(server.receive(CLIENT, &first, 0).is_empty());
    let cont = one(&mut server, CLIENT);
    assert_eq!(cont, [0x61, 0x5f, 0x12, 0x34, 0x03, 0xd1, 0x0e, 0x0c]);
    assert!(client.receive(SERVER, &cont, 0).is_empty());
    // The rest from byte 1024 on, 256 bytes each: blocks 4 to 11.
    let mut incoming = None;
    for num in 4..12u8 {
        let wire = one(&mut client, SERVER);
        let more = num < 11;
        let block = num << 4 | u8::from(more) << 3 | 4;
        let [hi, lo] = (0x1231 + u16::from(num)).to_be_bytes();
        let start = usize::from(num) * 256;
        let mut expected = vec![
            0x41, 0x03, hi, lo, 0x03, 0xb1, b'3', 0x01, b'0', 0xd1, 0x03, block, 0xff,
        ];
        expected.extend(&body[start..3000.min(start + 256)]);
        assert_eq!(wire, expected, "block {num}");
        let events = server.receive(CLIENT, &wire, 0);
        if more {
            assert!(
                client
                    .receive(SERVER, &one(&mut server, CLIENT), 0)
                    .is_empty()
            );
        } else {
            incoming = Some(request_event(events));
        }
    }
    let (iid, request) = incoming.unwrap();
    assert_eq!(request.payload, body);
    let mut changed = Packet::new();
    changed.header.code = MessageClass::Response(ResponseType::Changed);
    server.respond(iid, changed, 0);
    assert_eq!(
        one(&mut server, CLIENT),
        [0x61, 0x44, 0x12, 0x3c, 0x03, 0xd1, 0x0e, 0xb4]
    );
}

#[test]
fn block2_in_the_smaller_blocks_the_client_asks_for() {
    let mut client = Endpoint::new(TransportConfig::default(), 0x1234);
    let mut server = Endpoint::new(TransportConfig::default(), 0x7000);
    let body: Vec<u8> = (0..200u8).collect();
    let mut request = get(&["3"], &[0x04]);
    request.add_option(CoapOption::Block2, vec![0x02]); // block 0 of 64 bytes
    let rid = client.request(SERVER, request, 0);
    let (iid, _) = request_event(server.receive(CLIENT, &one(&mut client, SERVER), 0));
    server.respond(iid, content(&body), 0);
    let first = one(&mut server, CLIENT);
    let mut expected = vec![
        0x61, 0x45, 0x12, 0x34, 0x04, 0xd1, 0x0a, 0x0a, 0x51, 200, 0xff,
    ];
    expected.extend(&body[..64]);
    assert_eq!(first, expected);
    assert!(client.receive(SERVER, &first, 0).is_empty());
    let follow_up = one(&mut client, SERVER);
    assert_eq!(
        follow_up,
        [0x41, 0x01, 0x12, 0x35, 0x04, 0xb1, b'3', 0xc1, 0x12]
    );
    let mut events = server.receive(CLIENT, &follow_up, 0);
    assert!(events.is_empty());
    for _ in 0..3 {
        events = client.receive(SERVER, &one(&mut server, CLIENT), 0);
        if let Some((_, d)) = client.poll_transmit() {
            assert!(server.receive(CLIENT, &d, 0).is_empty());
        }
    }
    let (id, response) = response_event(events);
    assert_eq!((id, response.payload), (rid, body));
}

#[test]
fn non_confirmable_request_gets_a_non_confirmable_response() {
    let mut client = Endpoint::new(TransportConfig::default(), 0x1234);
    let mut server = Endpoint::new(TransportConfig::default(), 0x7000);
    let mut request = get(&["3"], &[0x06]);
    request.header.set_type(MessageType::NonConfirmable);
    let rid = client.request(SERVER, request, 0);
    let wire = one(&mut client, SERVER);
    assert_eq!(wire, [0x51, 0x01, 0x12, 0x34, 0x06, 0xb1, b'3']);
    // Not retransmitted; it waits for its response up to the exchange lifetime.
    assert_eq!(client.next_timeout(), Some(247_000));
    let (iid, _) = request_event(server.receive(CLIENT, &wire, 0));
    // A duplicate non-confirmable request is ignored.
    assert!(server.receive(CLIENT, &wire, 0).is_empty());
    assert!(drain(&mut server).is_empty());
    server.respond(iid, content(b"ok"), 0);
    let response = one(&mut server, CLIENT);
    assert_eq!(response, [0x51, 0x45, 0x70, 0x00, 0x06, 0xff, b'o', b'k']);
    let (id, _) = response_event(client.receive(SERVER, &response, 0));
    assert_eq!(id, rid);
    assert!(drain(&mut client).is_empty());
    // Unanswered, a non-confirmable request times out at the exchange lifetime.
    let mut lonely = get(&["4"], &[0x07]);
    lonely.header.set_type(MessageType::NonConfirmable);
    let lid = client.request(SERVER, lonely, 1000);
    assert_eq!(
        client.handle_timeout(248_000),
        [Event::Failed {
            peer: SERVER,
            id: lid,
            reason: Failure::Timeout
        }]
    );
}

#[test]
fn separate_response_stands_for_a_lost_acknowledgement() {
    let mut client = Endpoint::new(TransportConfig::default(), 0x1234);
    let mut server = Endpoint::new(TransportConfig::default(), 0x7000);
    let rid = client.request(SERVER, get(&["3", "0"], &[0xaa]), 0);
    let wire = one(&mut client, SERVER);
    let (iid, _) = request_event(server.receive(CLIENT, &wire, 0));
    assert!(server.receive(CLIENT, &wire, 2500).is_empty());
    // The empty ACK is lost on the way.
    assert_eq!(one(&mut server, CLIENT), [0x60, 0x00, 0x12, 0x34]);
    server.respond(iid, content(b"hi"), 2600);
    let (id, _) = response_event(client.receive(SERVER, &one(&mut server, CLIENT), 2600));
    assert_eq!(id, rid);
    assert_eq!(one(&mut client, SERVER), [0x60, 0x00, 0x70, 0x00]);
    // The request is not sent again.
    assert!(client.handle_timeout(100_000).is_empty());
    assert!(drain(&mut client).is_empty());
}

#[test]
fn reset_of_a_non_confirmable_message_fails_it() {
    let mut server = Endpoint::new(TransportConfig::default(), 0x7000);
    let id = server.send(CLIENT, notification(false, 3, b"1"), 0);
    assert_eq!(one(&mut server, CLIENT)[..4], [0x51, 0x45, 0x70, 0x00]);
    assert_eq!(
        server.receive(CLIENT, &[0x70, 0x00, 0x70, 0x00], 10),
        [Event::Failed {
            peer: CLIENT,
            id,
            reason: Failure::Reset
        }]
    );
    // Once: a second Reset is nothing.
    assert!(
        server
            .receive(CLIENT, &[0x70, 0x00, 0x70, 0x00], 11)
            .is_empty()
    );
}

#[test]
fn extreme_clock_and_configuration_values_never_panic() {
    let config = TransportConfig {
        ack_timeout_ms: u64::MAX / 2,
        ack_random_factor: 1e30,
        exchange_lifetime_ms: u64::MAX,
        block_size: 3, // not a power of two: 16-byte blocks
        max_pending: 0,
        max_bodies: 0,
        ..Default::default()
    };
    let mut ep = Endpoint::new(config, u64::MAX);
    let now = u64::MAX - 5;
    let mut put = get(&["3"], &[]);
    put.payload = vec![1; 40];
    ep.request(SERVER, put, now);
    let first = one(&mut ep, SERVER);
    // Block1 of 16 bytes (SZX 0), message ID 0xffff (the seed's low bits).
    assert_eq!(first[..3], [0x44, 0x01, 0xff]);
    assert!(ep.next_timeout().is_some());
    ep.handle_timeout(u64::MAX);
    ep.receive(SERVER, &put_block(1, 0, true, 16), u64::MAX);
    ep.receive(SERVER, &put_block(2, 0, true, 16), u64::MAX);
    ep.handle_timeout(u64::MAX);
}

#[test]
fn an_older_notification_is_taken_after_128_seconds() {
    let mut client = Endpoint::new(TransportConfig::default(), 0x1234);
    let mut observe = get(&["3", "0", "9"], &[0x0b]);
    observe.add_option(CoapOption::Observe, vec![]);
    client.request(SERVER, observe, 0);
    drain(&mut client);
    let mut first = notification(false, 200, b"87");
    first.header.set_type(MessageType::Acknowledgement);
    first.header.message_id = 0x1234;
    response_event(client.receive(SERVER, &first.to_bytes().unwrap(), 0));
    let mut older = notification(false, 3, b"86");
    older.header.message_id = 0x7000;
    assert!(
        client
            .receive(SERVER, &older.to_bytes().unwrap(), 100_000)
            .is_empty()
    );
    older.header.message_id = 0x7001;
    let events = client.receive(SERVER, &older.to_bytes().unwrap(), 128_001);
    assert!(
        matches!(&events[..], [Event::Notification { .. }]),
        "{events:?}"
    );
}
