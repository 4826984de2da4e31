//! The registration server: Register, Update, De-register and Send requests answered
//! with their codes and options, registrations kept by endpoint and expired by lifetime.
#![cfg(feature = "coap")]

use coap_lite::{CoapOption, MessageClass, Packet, RequestType, ResponseType};
use ucifi_lwm2m::{ResponseCode, Server, ServerEvent};
use ucifi_runtime::{Path, Value, Version};

type Peer = u32;

fn request(method: RequestType, path: &[&str], query: &[&str], payload: &[u8]) -> Packet {
    let mut p = Packet::new();
    p.header.code = MessageClass::Request(method);
    p.header.message_id = 0x0101;
    p.set_token(vec![0x7a]);
    for s in path {
        p.add_option(CoapOption::UriPath, s.as_bytes().to_vec());
    }
    for q in query {
        p.add_option(CoapOption::UriQuery, q.as_bytes().to_vec());
    }
    p.payload = payload.to_vec();
    p
}

fn code(p: &Packet) -> ResponseCode {
    ResponseCode::from_byte(u8::from(p.header.code)).unwrap()
}

fn location(p: &Packet) -> Vec<String> {
    p.get_option(CoapOption::LocationPath)
        .map(|l| {
            l.iter()
                .map(|s| String::from_utf8(s.clone()).unwrap())
                .collect()
        })
        .unwrap_or_default()
}

fn register(server: &mut Server<Peer>, peer: Peer, ep: &str, now: u64) -> Packet {
    let ep = format!("ep={ep}");
    let r = request(
        RequestType::Post,
        &["rd"],
        &[&ep, "lt=60", "lwm2m=1.1", "b=U"],
        b"</1/0>,</3/0>,</3416>;ver=1.0,</3416/0>",
    );
    let (response, event) = server.handle(peer, &r, now);
    assert!(
        matches!(event, Some(ServerEvent::Registered { .. })),
        "{event:?}"
    );
    response
}

#[test]
fn register_update_and_deregister() {
    let mut server = Server::new(ucifi_objects::REGISTRY.clone());
    let response = register(&mut server, 7, "lamp-17", 1_000);
    assert_eq!(code(&response), ResponseCode::Created);
    assert_eq!(location(&response), ["rd", "1"]);
    assert_eq!(response.get_token(), [0x7a]);
    // 2.01, token 7a, Location-Path "rd" "1" (the message layer sets type and ID).
    assert_eq!(
        response.to_bytes().unwrap(),
        [0x41, 0x41, 0x00, 0x00, 0x7a, 0x82, b'r', b'd', 0x01, b'1']
    );
    let client = server.client("lamp-17").unwrap();
    assert_eq!(
        (client.peer, client.expires_at, client.registration.lifetime),
        (7, 61_000, 60)
    );
    assert_eq!(
        client.registration.object(3416).unwrap().version,
        Version::new(1, 0)
    );
    assert_eq!(server.client_at(&7).unwrap().location, "1");

    // Update from another address: a new lifetime and objects.
    let update = request(
        RequestType::Post,
        &["rd", "1"],
        &["lt=600"],
        b"</1/0>,</3/0>,</3416>;ver=2.0,</3416/0>",
    );
    let (response, event) = server.handle(8, &update, 30_000);
    assert_eq!(code(&response), ResponseCode::Changed);
    assert_eq!(
        event,
        Some(ServerEvent::Updated {
            endpoint: "lamp-17".into()
        })
    );
    let client = server.client("lamp-17").unwrap();
    assert_eq!((client.peer, client.expires_at), (8, 630_000));
    assert_eq!(
        client.registration.object(3416).unwrap().version,
        Version::new(2, 0)
    );

    // An Update may not rename the endpoint: 4.00, nothing changes.
    let rename = request(RequestType::Post, &["rd", "1"], &["ep=other"], b"");
    let (response, event) = server.handle(8, &rename, 40_000);
    assert_eq!((code(&response), event), (ResponseCode::BadRequest, None));
    assert_eq!(server.client("lamp-17").unwrap().expires_at, 630_000);

    // De-register, then the location is gone.
    let delete = request(RequestType::Delete, &["rd", "1"], &[], b"");
    let (response, event) = server.handle(8, &delete, 50_000);
    assert_eq!(code(&response), ResponseCode::Deleted);
    let Some(ServerEvent::Deregistered(r)) = event else {
        panic!("{event:?}")
    };
    assert_eq!(r.endpoint, "lamp-17");
    assert!(server.client("lamp-17").is_none());
    let (response, _) = server.handle(8, &delete, 50_001);
    assert_eq!(code(&response), ResponseCode::NotFound);
    let (response, _) = server.handle(8, &update, 50_002);
    assert_eq!(code(&response), ResponseCode::NotFound);
}

#[test]
fn registrations_expire_and_a_new_register_replaces_the_old() {
    let mut server = Server::new(ucifi_objects::REGISTRY.clone());
    register(&mut server, 1, "a", 0);
    register(&mut server, 2, "b", 10_000);
    assert_eq!(server.next_expiry(), Some(60_000));
    assert!(server.expire(59_999).is_empty());
    let gone = server.expire(60_000);
    assert!(matches!(&gone[..], [ServerEvent::Expired(r)] if r.endpoint == "a"));
    assert_eq!(server.clients().count(), 1);
    // "b" registers again: a new location, the old one answers 4.04.
    let again = register(&mut server, 3, "b", 20_000);
    assert_eq!(location(&again), ["rd", "3"]);
    let old = request(RequestType::Post, &["rd", "2"], &[], b"");
    assert_eq!(
        code(&server.handle(3, &old, 21_000).0),
        ResponseCode::NotFound
    );
    assert_eq!(server.client("b").unwrap().expires_at, 80_000);
}

#[test]
fn send_is_typed_by_the_versions_the_client_registered() {
    let mut server = Server::new(ucifi_objects::REGISTRY.clone());
    register(&mut server, 9, "lamp-17", 0);
    let mut send = request(
        RequestType::Post,
        &["dp"],
        &[],
        br#"[{"bn":"/3416/0/","bt":1700000000,"n":"39","vs":"3000"}]"#,
    );
    send.add_option(CoapOption::ContentFormat, vec![110]); // SenML JSON
    let (response, event) = server.handle(9, &send, 1_000);
    assert_eq!(code(&response), ResponseCode::Changed);
    let Some(ServerEvent::Send { endpoint, report }) = event else {
        panic!("{event:?}")
    };
    assert_eq!(endpoint, "lamp-17");
    assert_eq!(report.readings[0].path, Path::resource(3416, 0, 39));
    assert_eq!(report.readings[0].value, Value::String("3000".into()));
    assert_eq!(report.readings[0].time, Some(1_700_000_000.0));
    // From an address no client registered from: 4.04.
    let (response, event) = server.handle(10, &send, 1_000);
    assert_eq!((code(&response), event), (ResponseCode::NotFound, None));
}

#[test]
fn bad_requests_get_their_codes() {
    let mut server = Server::<Peer>::new(ucifi_objects::REGISTRY.clone());
    // No endpoint name; a lifetime that is no number; a Register payload that is none.
    for (query, payload) in [
        (&["lt=60"][..], &b"</3/0>"[..]),
        (&["ep=a", "lt=x"][..], &b"</3/0>"[..]),
        (&["ep=a"][..], &b"<3/0"[..]),
    ] {
        let r = request(RequestType::Post, &["rd"], query, payload);
        let (response, event) = server.handle(1, &r, 0);
        assert_eq!((code(&response), event), (ResponseCode::BadRequest, None));
        assert!(response.get_option(CoapOption::LocationPath).is_none());
    }
    assert_eq!(server.clients().count(), 0);
    // Another resource, another method.
    let r = request(RequestType::Post, &["bs"], &[], b"");
    assert_eq!(code(&server.handle(1, &r, 0).0), ResponseCode::NotFound);
    let r = request(RequestType::Get, &["rd"], &[], b"");
    assert_eq!(
        code(&server.handle(1, &r, 0).0),
        ResponseCode::MethodNotAllowed
    );
    // A response is no request.
    let mut r = Packet::new();
    r.header.code = MessageClass::Response(ResponseType::Content);
    assert_eq!(
        code(&server.handle(1, &r, 0).0),
        ResponseCode::InternalServerError
    );
}

#[test]
fn registers_as_the_established_clients_write_them() {
    let mut server = Server::<Peer>::new(ucifi_objects::REGISTRY.clone());
    // As Wakaama's 1.1 client registers: the root link announces SenML JSON only, and a
    // test object the models do not know.
    let wakaama = request(
        RequestType::Post,
        &["rd"],
        &["ep=testlwm2mclient", "lt=300", "lwm2m=1.1", "b=U"],
        br#"</>;rt="oma.lwm2m";ct=110,</1/0>,</2/0>,</3/0>,</4/0>,</5/0>,</6/0>,</7/0>,</31024/10>,</31024/11>"#,
    );
    let (response, _) = server.handle(1, &wakaama, 0);
    assert_eq!(code(&response), ResponseCode::Created);
    let r = &server.client("testlwm2mclient").unwrap().registration;
    assert_eq!(r.content_formats, [110]);
    assert_eq!(
        r.preferred_format(),
        ucifi_runtime::ContentFormat::SenmlJson
    );
    assert_eq!(r.object(3).unwrap().version, Version::new(1, 1));
    assert_eq!(r.object(31024).unwrap().instances, [10, 11]);
    let unknown = r.models(server.registry()).unknown;
    assert_eq!(
        unknown
            .iter()
            .map(|u| (u.id, u.version))
            .collect::<Vec<_>>(),
        [(31024, Version::new(1, 0))]
    );
    // As Leshan's demo client registers: every format announced, `ver` on objects.
    let leshan = request(
        RequestType::Post,
        &["rd"],
        &["ep=leshan-demo", "lt=300", "lwm2m=1.1", "b=U"],
        br#"</>;rt="oma.lwm2m";ct="60 110 112 11542 11543",</1>;ver=1.1,</1/0>,</3>;ver=1.1,</3/0>,</6/0>,</3303>;ver=1.1,</3303/0>"#,
    );
    let (response, _) = server.handle(2, &leshan, 0);
    assert_eq!(code(&response), ResponseCode::Created);
    let r = &server.client("leshan-demo").unwrap().registration;
    assert_eq!(r.content_formats, [60, 110, 112, 11542, 11543]);
    assert_eq!(
        r.preferred_format(),
        ucifi_runtime::ContentFormat::SenmlCbor
    );
    assert_eq!(r.object(3303).unwrap().version, Version::new(1, 1));
    assert!(r.models(server.registry()).unknown.is_empty());
}
