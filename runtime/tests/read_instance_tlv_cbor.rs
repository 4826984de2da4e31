//! `Reader::read_instance` of the TLV and LwM2M CBOR readers (direct loops over the
//! payload) against the reference behaviour `codec::read_instance_events` (events through
//! `next_event`): the same result, the same error (offset and reason) and the same
//! `set` / `clear_multiple` calls in the same order, on the spec's examples, the
//! reference payloads, hand-made hostile payloads and random and mutated ones, for
//! instance, resource and resource-instance scopes.

mod common;

use common::recorder::*;
use common::*;
use proptest::prelude::*;
use ucifi_runtime::codec::lwm2m_cbor::Lwm2mCborReader;
use ucifi_runtime::codec::tlv::TlvReader;
use ucifi_runtime::codec::{self, Error, Reader};
use ucifi_runtime::{ContentFormat as F, Path};

/// TLV: the override against the events, the reader addressed to `scope`. Also checks
/// what the reader says afterwards when it ended cleanly or on a format error.
fn tlv_run(scope: &Path, bytes: &[u8], fail: Fail) -> Outcome {
    let mut a = TlvReader::new(scope, bytes);
    let want = run(fail, |s| codec::read_instance_events(&mut a, scope, s));
    let mut b = TlvReader::new(scope, bytes);
    let got = run(fail, |s| b.read_instance(scope, s));
    assert_eq!(got, want, "TLV {scope} {}", to_hex(bytes));
    if matches!(want.0, Ok(()) | Err(Error::Format(_))) {
        assert_eq!(
            b.next_event(),
            a.next_event(),
            "TLV {scope} {}: next event after read_instance",
            to_hex(bytes)
        );
    }
    want
}

/// LwM2M CBOR: the override against the events.
fn cbor_run(scope: &Path, bytes: &[u8], fail: Fail) -> Outcome {
    let mut a = Lwm2mCborReader::new(bytes);
    let want = run(fail, |s| codec::read_instance_events(&mut a, scope, s));
    let mut b = Lwm2mCborReader::new(bytes);
    let got = run(fail, |s| b.read_instance(scope, s));
    assert_eq!(got, want, "LwM2M CBOR {scope} {}", to_hex(bytes));
    if matches!(want.0, Ok(()) | Err(Error::Format(_))) {
        assert_eq!(
            b.next_event(),
            a.next_event(),
            "LwM2M CBOR {scope} {}: next event after read_instance",
            to_hex(bytes)
        );
    }
    want
}

fn tlv_same(scope: &Path, bytes: &[u8], fail: Fail) {
    let _ = tlv_run(scope, bytes, fail);
}

fn cbor_same(scope: &Path, bytes: &[u8], fail: Fail) {
    let _ = cbor_run(scope, bytes, fail);
}

/// Every scope of interest for a payload whose IDs come from `ids`.
fn scopes(o: u16, ids: &[u16]) -> Vec<Path> {
    let mut out = Vec::new();
    for &i in ids {
        out.push(Path::instance(o, i));
        for &r in ids {
            out.push(Path::resource(o, i, r));
            for &ri in ids {
                out.push(Path::resource_instance(o, i, r, ri));
            }
        }
    }
    out
}

fn tlv_all(scopes: &[Path], bytes: &[u8]) {
    for s in scopes {
        for f in FAILS {
            tlv_same(s, bytes, f);
        }
    }
}

fn cbor_all(scopes: &[Path], bytes: &[u8]) {
    for s in scopes {
        for f in FAILS {
            cbor_same(s, bytes, f);
        }
    }
}

fn device_tlv() -> Vec<u8> {
    codec::encode(F::Tlv, &p("/3/0"), &device()).unwrap()
}

#[test]
fn reference_payloads_decode_the_same() {
    let dev = device_tlv();
    assert_eq!(dev.len(), 137);
    let (res, calls) = tlv_run(&p("/3/0"), &dev, Fail::Never);
    res.unwrap();
    assert_eq!(calls.len(), 10 + 4 + 7);
    let lamp_tlv = codec::encode(F::Tlv, &p("/3416/0"), &lamp()).unwrap();
    tlv_run(&p("/3416/0"), &lamp_tlv, Fail::Never).0.unwrap();
    for f in FAILS {
        tlv_same(&p("/3/0"), &dev, f);
        tlv_same(&p("/3416/0"), &lamp_tlv, f);
    }
    // The instance at another path, or another scope than the reader's.
    for s in ["/3/1", "/3/0/6", "/3/0/9", "/4/0", "/3/0/6/1", "/3"] {
        tlv_same(&p(s), &dev, Fail::Never);
    }
    let cbor = codec::encode(F::Lwm2mCbor, &p("/3/0"), &device()).unwrap();
    cbor_run(&p("/3/0"), &cbor, Fail::Never).0.unwrap();
    let lamp_cbor = codec::encode(F::Lwm2mCbor, &p("/3416/0"), &lamp()).unwrap();
    cbor_run(&p("/3416/0"), &lamp_cbor, Fail::Never).0.unwrap();
    for f in FAILS {
        cbor_same(&p("/3/0"), &cbor, f);
        cbor_same(&p("/3416/0"), &lamp_cbor, f);
    }
    for s in [
        "/3/1", "/3/0/6", "/3/0/9", "/4/0", "/3/0/6/1", "/3", "/", "/3/0/6/0", "/3/0/99",
    ] {
        cbor_same(&p(s), &cbor, Fail::Never);
    }
}

#[test]
fn tlv_reader_addressed_elsewhere_falls_back() {
    let dev = device_tlv();
    // The reader's own path differs from the scope: the default decides.
    let mut a = TlvReader::new(&p("/3/0"), &dev);
    let want = run(Fail::Never, |s| {
        codec::read_instance_events(&mut a, &p("/3/1"), s)
    });
    let mut b = TlvReader::new(&p("/3/0"), &dev);
    let got = run(Fail::Never, |s| b.read_instance(&p("/3/1"), s));
    assert_eq!(got, want);
    // A reader that already gave events goes on from there.
    let mut a = TlvReader::new(&p("/3/0"), &dev);
    let mut b = TlvReader::new(&p("/3/0"), &dev);
    for _ in 0..3 {
        assert_eq!(a.next_event(), b.next_event());
    }
    let want = run(Fail::Never, |s| {
        codec::read_instance_events(&mut a, &p("/3/0"), s)
    });
    let got = run(Fail::Never, |s| b.read_instance(&p("/3/0"), s));
    assert_eq!(got, want);
    // The same for LwM2M CBOR.
    let cbor = codec::encode(F::Lwm2mCbor, &p("/3/0"), &device()).unwrap();
    let mut a = Lwm2mCborReader::new(&cbor);
    let mut b = Lwm2mCborReader::new(&cbor);
    for _ in 0..3 {
        assert_eq!(a.next_event(), b.next_event());
    }
    let want = run(Fail::Never, |s| {
        codec::read_instance_events(&mut a, &p("/3/0"), s)
    });
    let got = run(Fail::Never, |s| b.read_instance(&p("/3/0"), s));
    assert_eq!(got, want);
}

#[test]
fn spec_tlv_examples() {
    let cases: &[(&str, &str)] = &[
        ("/3/0/9", "C1 09 57"),
        ("/3303/0/5700", "E4 16 44 41 B4 00 00"),
        ("/3303/0/5700", "E8 16 44 08 40 36 80 00 00 00 00 00"),
        (
            "/4/0/4",
            "88 04 1A 48 00 09 31 39 32 2E 30 2E 32 2E 31 48 01 0B 32 30 30 31 3A 64 62 38 3A 3A 31",
        ),
        ("/4/0", "08 00 0E C1 00 06 86 01 41 00 06 41 01 07 C1 02 A3"),
        ("/4/0", "C1 00 06 86 01 41 00 06 41 01 07 C1 02 A3"),
        ("/9999/0/22", "C4 16 0C E7 00 00"),
        ("/9999/0/6", "C1 06 01"),
        ("/9999/0/0", "C0 00"),
        ("/9999/0/310/310", "61 01 36 01"),
        ("/3/0/6", "80 06"),
        (
            "/3303/1000",
            "28 03 E8 0D E4 16 44 41 B4 00 00 E3 16 45 43 65 6C",
        ),
    ];
    for (path, bytes) in cases {
        let path = p(path);
        let bytes = hex(bytes);
        let ids = path.ids();
        let (res, _) = tlv_run(&path, &bytes, Fail::Never);
        res.unwrap();
        // Every scope around the example's IDs.
        let mut around = vec![0, 1, 4, 6];
        around.extend_from_slice(&ids[1..]);
        tlv_all(&scopes(ids[0], &around), &bytes);
    }
}

#[test]
fn spec_lwm2m_cbor_examples() {
    let cases: &[(&str, &str)] = &[
        (
            "/3303/0",
            "A1 82 19 0C E7 00 A2 19 16 44 F9 4D A0 19 16 45 63 43 65 6C",
        ),
        ("/3/0/6", "A1 83 03 00 06 A2 00 01 01 05"),
        ("/3/0/9", "A1 83 03 00 09 18 57"),
        ("/3/0/9", "BF 83 03 00 09 18 57 FF"),
        ("/13/26/1", "BF 83 0D 18 1A 01 18 2A FF"),
        (
            "/3/0/9",
            "A2 03 A1 00 A1 09 18 57 19 0C E7 A1 00 A1 19 16 44 F9 4D A0",
        ),
        (
            "/3303/0",
            "A1 19 0C E7 A2 00 A2 19 16 44 F9 4D A0 19 16 45 63 43 65 6C 01 A2 19 16 44 F9 C4 40 19 16 45 63 43 65 6C",
        ),
    ];
    for (path, bytes) in cases {
        let path = p(path);
        let bytes = hex(bytes);
        let ids = path.ids();
        let mut around = vec![0, 1, 6, 9];
        around.extend_from_slice(&ids[1..]);
        cbor_all(&scopes(ids[0], &around), &bytes);
        cbor_all(&scopes(3, &around), &bytes);
    }
}

#[test]
fn hostile_tlv() {
    let cases: &[&str] = &[
        "",
        "00",
        "C1",
        "C1 09",
        "C8 09",
        "C8 09 05 01",
        "08 00 00",                         // empty wrapper
        "08 01 00",                         // wrapper of another instance
        "08 00 03 C1 09 57",                // wrapper
        "08 00 03 C1 09 57 C1 0A 01",       // wrapper beside a resource
        "C1 0A 01 08 00 03 C1 09 57",       // resource then wrapper
        "C1 0A 01 08 01 03 C1 09 57",       // resource then wrapper of another ID
        "08 00 04 C1 09 57",                // wrapper longer than the payload
        "08 00 02 C1 09 57",                // wrapper shorter than its content
        "08 00 05 08 00 02 C1 09",          // wrapper in a wrapper
        "08 00 03 41 00 01",                // resource instance in a wrapper
        "41 00 01",                         // resource instance at the top
        "C1 09 57 C1 09 58",                // duplicate
        "C1 09 57 C1 08 58 C1 09 01",       // duplicate out of order
        "C1 0A 57 C1 09 58 C1 0B 01",       // out of order, no duplicate
        "E1 FF FF 01",                      // ID 65535
        "A3 FF FF 41 00 01",                // multiple resource 65535
        "84 06 61 FF FF 01",                // resource instance 65535
        "86 06 41 00 01 41 00 05",          // duplicate resource instance
        "86 06 41 01 01 41 00 05",          // descending resource instances
        "85 06 41 00 01 41 01 05",          // multiple resource too short
        "87 06 41 00 01 41 01 05",          // multiple resource too long
        "84 06 C1 00 01",                   // resource inside a multiple resource
        "84 06 01 00 01",                   // instance inside a multiple resource
        "82 06 00 00",                      // empty instance in a multiple resource
        "80 06 80 06",                      // duplicate empty multiple resources
        "80 06 C0 06",                      // multiple then single of the same ID
        "C1 09 57 00",                      // trailing byte
        "C1 09 57 C1 0A 01",                // second resource
        "86 06 41 00 01 41 01 05 C1 09 57", // multiple then a resource
        "61 00 01",
        "61 01 01",
        "61 00 01 00",
        "61 00 01 61 01 02",
        "C1 00 01 C1 01 02 C1 02 03",
        "D0 00 00 00",       // two-byte length
        "D8 00 00 00 01 05", // three-byte length
        "F0 00 01 00 00",    // 16-bit ID and length
        "C8 00 00",          // one-byte length of zero
        "FF",
        "3F FF FF FF FF FF FF",
    ];
    let ids = [0u16, 1, 6, 9, 10, 65535];
    let sc = scopes(3, &ids);
    for c in cases {
        tlv_all(&sc, &hex(c));
    }
    // Many resources out of order (the duplicate bitmap), with a duplicate at the end.
    let mut many = Vec::new();
    for id in (0..100u16).rev() {
        many.extend_from_slice(&[0xC1, id as u8, 1]);
    }
    tlv_all(&scopes(3, &[0, 1]), &many);
    many.extend_from_slice(&[0xC1, 50, 1]);
    tlv_all(&scopes(3, &[0, 1]), &many);
    let mut multi = vec![0x88, 6, 0];
    for id in (0..60u16).rev() {
        multi.extend_from_slice(&[0x41, id as u8, 1]);
    }
    multi.extend_from_slice(&[0x41, 7, 1]);
    multi[2] = (multi.len() - 3) as u8;
    tlv_all(&scopes(3, &[0, 6, 7]), &multi);
    // A path holding ID 65535 (built without checks).
    for s in [
        Path::instance(3, 65535),
        Path::resource(3, 0, 65535),
        Path::resource_instance(3, 0, 6, 65535),
    ] {
        for c in [
            "08 FF FF 00",
            "28 FF FF 00",
            "E1 FF FF 01",
            "C1 09 57",
            "61 FF FF 01",
        ] {
            for f in FAILS {
                tlv_same(&s, &hex(c), f);
            }
        }
    }
}

#[test]
fn hostile_lwm2m_cbor() {
    let cases: &[&str] = &[
        "",
        "A0",
        "80",
        "01",
        "A1",
        "A1 00",
        "A1 00 A0",
        "A1 82 03 00 A0",
        "A1 82 03 00 A0 00",       // trailing byte
        "A1 82 03 00 A1 09 F6",    // null leaf
        "A1 82 03 00 F6",          // null at an instance path
        "A1 82 03 00 01",          // value at an instance path
        "A1 83 03 00 09 F6",       // null at a resource path
        "A1 82 03 01 A1 09 01",    // another instance
        "A1 82 04 00 A1 09 01",    // another object
        "A1 81 03 A1 00 A1 09 01", // one-element path key
        "A1 03 A1 00 A1 09 01",
        "A1 03 A1 01 A1 09 01",
        "A1 80 01",                         // empty path array
        "A1 84 03 00 06 00 01",             // resource instance path key
        "A1 85 03 00 06 00 01 01",          // five IDs
        "A1 84 03 00 06 00 A0",             // map below a resource instance
        "A1 82 03 00 A1 06 A1 00 A0",       // map below a resource instance
        "A1 82 03 00 A1 19 FF FF 01",       // ID 65535
        "A1 82 03 19 FF FF A0",             // instance ID 65535
        "A1 82 03 00 A1 61 61 01",          // text key
        "A1 82 03 00 A1 20 01",             // negative key
        "A1 82 03 00 A1 82 06 00 01",       // array key for a resource instance
        "A1 82 03 00 A1 82 06 61 01",       // array key with a text element
        "A1 82 03 00 A1 09 82 01 02",       // array value
        "A1 82 03 00 A1 09 C4 82 21 19 6A", // decimal fraction, truncated
        "A1 82 03 00 A1 09 C4 82 21 19 6A B3",
        "A1 82 03 00 A1 09 C1 1A 65 53 F1 00",
        "A1 82 03 00 A1 09 C1 61 61", // time tag on text
        "A1 82 03 00 A1 09 C0 61 61",
        "A1 82 03 00 A2 09 01 09 02", // duplicate key (the sink sees both)
        "A1 82 03 00 A2 06 A0 06 A0", // duplicate multiple resource
        "A1 82 03 00 A2 06 A1 00 01 06 A1 00 02",
        "A1 82 03 00 A1 06 A2 00 01 00 02",
        "A1 82 03 00 A1 06 A1 19 FF FF 01",
        "BF 82 03 00 BF 09 01 06 BF 00 01 FF FF FF",
        "BF 82 03 00 BF 09 01 06 BF 00 01 FF FF", // missing break
        "BF 82 03 00 BF 09 01 FF FF 00",          // trailing
        "BF 9F 03 00 FF BF 09 01 FF FF",          // indefinite path array
        "BF 9F FF 01 FF",                         // empty indefinite path array
        "A1 82 03 00 BF 09 FF",                   // break as a value
        "A1 82 03 00 A1 09 7F 61 61 61 62 FF",    // indefinite text
        "A1 82 03 00 A1 09 7F 61 61 41 62 FF",    // indefinite text, bytes chunk
        "A1 82 03 00 A1 09 5F 41 61 41 62 FF",    // indefinite bytes
        "A1 82 03 00 A1 09 1C",                   // reserved additional information
        "A1 82 03 00 A1 09 F8 20",                // simple value
        "A1 82 03 00 A1 09 F9 3C 00",             // half float
        "A1 82 03 00 A1 09 F5",                   // true
        "A1 82 03 00 A1 09 F7",                   // undefined
        "A1 82 03 00 A1 09 62 C3 28",             // invalid UTF-8
        "A1 82 03 00 A1 09 7B FF FF FF FF FF FF FF FF", // huge length
        "A1 82 03 00 BB FF FF FF FF FF FF FF FF 09 01", // huge map count
        "A1 83 03 00 06 A2 00 01 01 05",
        "A1 83 03 00 06 A2 01 01 00 05",
        "A2 83 03 00 06 A1 00 01 83 03 00 09 18 57",
        "A2 83 03 00 09 18 57 82 03 00 A1 0A 0F",
        "A1 82 03 00 A2 00 A1 00 01 09 02", // map at resource level then a value
        "A1 00 A1 00 A1 09 01",             // object 0
        "A1 03 A1 00 A1 09 A1 00 01",       // resource map via nested integer keys
        "A1 03 A1 00 A1 09 A1 00 A0",       // map below a resource instance, nested
        "A1 03 01",                         // value at an object path
        "A1 03 F6",
        "A1 C1 03 01", // tag as key
        "A1 F6 01",
        "A1 82 03 00 A1 09 D8 64 18 57", // unknown tag
        "A1 82 03 00 A1 09 C6 C6 01",
        "BF",
        "BF FF",
        "BF FF 00",
        "FF",
    ];
    let ids = [0u16, 1, 6, 9, 65535];
    let mut sc = scopes(3, &ids);
    sc.extend(scopes(0, &[0, 9]));
    for c in cases {
        cbor_all(&sc, &hex(c));
    }
}

// ---- random and mutated payloads ----

/// A TLV of a random kind and ID: a value, or children.
#[derive(Clone, Debug)]
enum Tlv {
    Leaf(u8, u16, Vec<u8>),
    Node(u8, u16, Vec<Tlv>),
}

fn tlv_id() -> impl Strategy<Value = u16> {
    prop_oneof![8 => 0u16..4, 1 => Just(65535u16), 1 => Just(300u16), 1 => Just(9u16)]
}

fn tlv_tree() -> impl Strategy<Value = Tlv> {
    let leaf = (0u8..4, tlv_id(), prop::collection::vec(any::<u8>(), 0..10))
        .prop_map(|(k, id, v)| Tlv::Leaf(k, id, v));
    leaf.prop_recursive(3, 24, 5, |inner| {
        (0u8..4, tlv_id(), prop::collection::vec(inner, 0..5))
            .prop_map(|(k, id, c)| Tlv::Node(k, id, c))
    })
}

fn put_tlv(out: &mut Vec<u8>, t: &Tlv, long: bool) {
    let (kind, id, body) = match t {
        Tlv::Leaf(k, id, v) => (*k, *id, v.clone()),
        Tlv::Node(k, id, c) => {
            let mut b = Vec::new();
            for x in c {
                put_tlv(&mut b, x, long);
            }
            (*k, *id, b)
        }
    };
    let mut t0 = kind << 6;
    let mut h = Vec::new();
    if id > 255 {
        t0 |= 0x20;
        h.extend_from_slice(&id.to_be_bytes());
    } else {
        h.push(id as u8);
    }
    if body.len() < 8 && !long {
        t0 |= body.len() as u8;
    } else if body.len() < 256 {
        t0 |= 0x08;
        h.push(body.len() as u8);
    } else {
        t0 |= 0x10;
        h.extend_from_slice(&(body.len() as u16).to_be_bytes());
    }
    out.push(t0);
    out.extend_from_slice(&h);
    out.extend_from_slice(&body);
}

fn tlv_payload() -> impl Strategy<Value = Vec<u8>> {
    (prop::collection::vec(tlv_tree(), 0..5), any::<bool>()).prop_map(|(ts, long)| {
        let mut out = Vec::new();
        for t in &ts {
            put_tlv(&mut out, t, long);
        }
        out
    })
}

/// A LwM2M CBOR data item: maps keyed by IDs or path arrays, leaves of many kinds.
#[derive(Clone, Debug)]
enum Cb {
    Raw(Vec<u8>),
    Map(bool, Vec<(Key, Cb)>),
}

#[derive(Clone, Debug)]
enum Key {
    Id(u16),
    Path(bool, Vec<u16>),
    Raw(Vec<u8>),
}

fn cbor_head(out: &mut Vec<u8>, major: u8, v: u64) {
    let m = major << 5;
    if v < 24 {
        out.push(m | v as u8);
    } else if v < 256 {
        out.extend_from_slice(&[m | 24, v as u8]);
    } else if v < 65536 {
        out.push(m | 25);
        out.extend_from_slice(&(v as u16).to_be_bytes());
    } else {
        out.push(m | 26);
        out.extend_from_slice(&(v as u32).to_be_bytes());
    }
}

fn put_cb(out: &mut Vec<u8>, c: &Cb) {
    match c {
        Cb::Raw(b) => out.extend_from_slice(b),
        Cb::Map(indef, entries) => {
            if *indef {
                out.push(0xBF);
            } else {
                cbor_head(out, 5, entries.len() as u64);
            }
            for (k, v) in entries {
                match k {
                    Key::Id(id) => cbor_head(out, 0, *id as u64),
                    Key::Path(indef, ids) => {
                        if *indef {
                            out.push(0x9F);
                        } else {
                            cbor_head(out, 4, ids.len() as u64);
                        }
                        for id in ids {
                            cbor_head(out, 0, *id as u64);
                        }
                        if *indef {
                            out.push(0xFF);
                        }
                    }
                    Key::Raw(b) => out.extend_from_slice(b),
                }
                put_cb(out, v);
            }
            if *indef {
                out.push(0xFF);
            }
        }
    }
}

fn cbor_leaf() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        (0u64..100_000).prop_map(|v| {
            let mut o = Vec::new();
            cbor_head(&mut o, 0, v);
            o
        }),
        (0u64..1000).prop_map(|v| {
            let mut o = Vec::new();
            cbor_head(&mut o, 1, v);
            o
        }),
        "[a-z]{0,6}".prop_map(|s| {
            let mut o = Vec::new();
            cbor_head(&mut o, 3, s.len() as u64);
            o.extend_from_slice(s.as_bytes());
            o
        }),
        prop::collection::vec(any::<u8>(), 0..5).prop_map(|b| {
            let mut o = Vec::new();
            cbor_head(&mut o, 2, b.len() as u64);
            o.extend_from_slice(&b);
            o
        }),
        prop::sample::select(vec![
            hex("F4"),
            hex("F5"),
            hex("F6"),
            hex("F9 3C 00"),
            hex("FA 41 B4 00 00"),
            hex("C1 1A 65 53 F1 00"),
            hex("C4 82 21 19 6A B3"),
            hex("82 01 02"),
            hex("FF"),
            hex("C0 61 61"),
            hex("7F 61 61 FF"),
        ]),
        prop::collection::vec(any::<u8>(), 0..4),
    ]
}

fn cbor_id() -> impl Strategy<Value = u16> {
    prop_oneof![8 => 0u16..4, 1 => Just(65535u16), 1 => Just(300u16), 1 => Just(9u16)]
}

fn cbor_key() -> impl Strategy<Value = Key> {
    prop_oneof![
        6 => cbor_id().prop_map(Key::Id),
        3 => (any::<bool>(), prop::collection::vec(cbor_id(), 0..4))
            .prop_map(|(i, ids)| Key::Path(i, ids)),
        1 => prop::sample::select(vec![hex("61 61"), hex("20"), hex("F6"), hex("C1 01"), hex("FF")])
            .prop_map(Key::Raw),
    ]
}

fn cbor_tree() -> impl Strategy<Value = Cb> {
    cbor_leaf()
        .prop_map(Cb::Raw)
        .prop_recursive(4, 32, 5, |inner| {
            (
                any::<bool>(),
                prop::collection::vec((cbor_key(), inner), 0..5),
            )
                .prop_map(|(i, e)| Cb::Map(i, e))
        })
}

/// A payload rooted at a map whose keys lead to object 3 (or elsewhere).
fn cbor_payload() -> impl Strategy<Value = Vec<u8>> {
    let top_key = prop_oneof![
        4 => prop::sample::select(vec![vec![3u16, 0], vec![3, 1], vec![3], vec![3, 0, 1], vec![3, 0, 1, 0]])
            .prop_map(|ids| Key::Path(false, ids)),
        1 => Just(Key::Id(3)),
        1 => cbor_key(),
    ];
    (
        any::<bool>(),
        prop::collection::vec((top_key, cbor_tree()), 0..3),
        prop::collection::vec(any::<u8>(), 0..2),
    )
        .prop_map(|(indef, entries, tail)| {
            let mut out = Vec::new();
            put_cb(&mut out, &Cb::Map(indef, entries));
            out.extend_from_slice(&tail);
            out
        })
}

/// A byte flip, insertion, deletion or truncation (by index modulo the length).
#[derive(Clone, Debug)]
enum Mutation {
    Set(usize, u8),
    Insert(usize, u8),
    Delete(usize),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Set(i, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Insert(i, b)),
        any::<usize>().prop_map(Mutation::Delete),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn mutate(mut b: Vec<u8>, ms: &[Mutation]) -> Vec<u8> {
    for m in ms {
        let n = b.len();
        match *m {
            Mutation::Set(i, x) if n > 0 => b[i % n] = x,
            Mutation::Insert(i, x) => b.insert(i % (n + 1), x),
            Mutation::Delete(i) if n > 0 => {
                b.remove(i % n);
            }
            Mutation::Truncate(i) => b.truncate(i % (n + 1)),
            _ => {}
        }
    }
    b
}

fn scope() -> impl Strategy<Value = Path> {
    let id = prop_oneof![6 => 0u16..3, 1 => Just(9u16), 1 => Just(65535u16)];
    prop_oneof![
        (id.clone()).prop_map(|i| Path::instance(3, i)),
        (id.clone(), id.clone()).prop_map(|(i, r)| Path::resource(3, i, r)),
        (id.clone(), id.clone(), id).prop_map(|(i, r, ri)| Path::resource_instance(3, i, r, ri)),
    ]
}

fn fail() -> impl Strategy<Value = Fail> {
    let e = prop::sample::select(vec![
        SetErr::Value,
        SetErr::NotMultiple,
        SetErr::NotSingle,
        SetErr::Executable,
    ]);
    prop_oneof![
        4 => Just(Fail::Never),
        1 => (0usize..6, e.clone()).prop_map(|(n, e)| Fail::Nth(n, e)),
        1 => (0u16..4, e).prop_map(|(r, e)| Fail::Resource(r, e)),
    ]
}

/// Payloads real encoders write (the device, the lamp), for mutation.
fn encoded(format: F) -> Vec<Vec<u8>> {
    vec![
        codec::encode(format, &p("/3/0"), &device()).unwrap(),
        codec::encode(format, &p("/3416/0"), &lamp()).unwrap(),
        codec::encode(
            format,
            &p("/3/0/6"),
            &ucifi_runtime::Node::Resource(multi(6, &[(0, int(1)), (1, int(5))])),
        )
        .unwrap(),
        codec::encode(
            format,
            &p("/3/0/9"),
            &ucifi_runtime::Node::Resource(single(9, int(87))),
        )
        .unwrap(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn tlv_random_structures(bytes in tlv_payload(), scope in scope(), fail in fail()) {
        tlv_same(&scope, &bytes, fail);
    }

    #[test]
    fn tlv_random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..48), scope in scope(), fail in fail()) {
        tlv_same(&scope, &bytes, fail);
    }

    #[test]
    fn tlv_mutated(
        which in 0usize..4,
        ms in prop::collection::vec(mutation(), 1..4),
        scope in scope(),
        fail in fail(),
    ) {
        let bytes = mutate(encoded(F::Tlv)[which].clone(), &ms);
        tlv_same(&scope, &bytes, fail);
        let own = match which { 1 => p("/3416/0"), 2 => p("/3/0/6"), 3 => p("/3/0/9"), _ => p("/3/0") };
        tlv_same(&own, &bytes, fail);
    }

    #[test]
    fn tlv_mutated_structures(bytes in tlv_payload(), ms in prop::collection::vec(mutation(), 1..3), scope in scope(), fail in fail()) {
        tlv_same(&scope, &mutate(bytes, &ms), fail);
    }

    #[test]
    fn cbor_random_structures(bytes in cbor_payload(), scope in scope(), fail in fail()) {
        cbor_same(&scope, &bytes, fail);
    }

    #[test]
    fn cbor_random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..48), scope in scope(), fail in fail()) {
        cbor_same(&scope, &bytes, fail);
    }

    #[test]
    fn cbor_mutated(
        which in 0usize..4,
        ms in prop::collection::vec(mutation(), 1..4),
        scope in scope(),
        fail in fail(),
    ) {
        let bytes = mutate(encoded(F::Lwm2mCbor)[which].clone(), &ms);
        cbor_same(&scope, &bytes, fail);
        let own = match which { 1 => p("/3416/0"), 2 => p("/3/0/6"), 3 => p("/3/0/9"), _ => p("/3/0") };
        cbor_same(&own, &bytes, fail);
    }

    #[test]
    fn cbor_mutated_structures(bytes in cbor_payload(), ms in prop::collection::vec(mutation(), 1..3), scope in scope(), fail in fail()) {
        cbor_same(&scope, &mutate(bytes, &ms), fail);
    }
}
