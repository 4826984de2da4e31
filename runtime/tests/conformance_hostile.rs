//! Hostile payloads whose shape (not size) used to cost quadratic time: they must decode
//! (or fail) in time proportional to their length. No timing is asserted; before the
//! fixes each case took seconds in a debug build.

mod common;

use common::*;
use ucifi_runtime::codec::{self, ErrorKind, NoModel};
use ucifi_runtime::{ContentFormat as F, Path};

const N: u32 = 60_000;

fn p(s: &str) -> Path {
    s.parse().unwrap()
}

#[test]
fn composite_naming_many_objects() {
    let mut b = hex("BF");
    for o in 0..N {
        b.extend_from_slice(&[0x83, 0x19, (o >> 8) as u8, o as u8, 0x00, 0x00, 0x00]);
    }
    b.push(0xFF);
    assert_eq!(
        codec::decode_leaves(F::Lwm2mCbor, &Path::ROOT, &b, &NoModel)
            .unwrap()
            .len(),
        N as usize
    );
    let mut s = String::from("[");
    for o in 0..N {
        if o > 0 {
            s.push(',');
        }
        s.push_str(&format!("{{\"n\":\"/{o}/0/0\",\"v\":0}}"));
    }
    s.push(']');
    let leaves = codec::decode_leaves(F::SenmlJson, &Path::ROOT, s.as_bytes(), &NoModel).unwrap();
    assert_eq!(leaves.len(), N as usize);
}

/// `count` LwM2M CBOR leaves `{[path ids…]: 0}` in an indefinite map, from `ids(k)`.
fn cbor_leaves(count: u32, ids: impl Fn(u32) -> Vec<u16>) -> Vec<u8> {
    let mut b = hex("BF");
    for k in 0..count {
        let ids = ids(k);
        b.push(0x80 + ids.len() as u8);
        for id in ids {
            b.extend_from_slice(&[0x19, (id >> 8) as u8, id as u8]);
        }
        b.push(0x00);
    }
    b.push(0xFF);
    b
}

#[test]
fn ids_in_descending_order() {
    let d = |k: u32| (N - 1 - k) as u16;
    // Instances, resources and resource instances, each in descending order.
    let b = cbor_leaves(N, |k| vec![7777, d(k), 0]);
    assert_eq!(
        codec::decode_leaves(F::Lwm2mCbor, &Path::ROOT, &b, &NoModel)
            .unwrap()
            .len(),
        N as usize
    );
    match codec::decode(F::Lwm2mCbor, &p("/7777"), &b, &NoModel).unwrap() {
        ucifi_runtime::Node::Object(o) => assert_eq!(o.instances.len(), N as usize),
        other => panic!("{other:?}"),
    }
    let b = cbor_leaves(N, |k| vec![7777, 0, d(k)]);
    assert!(codec::decode(F::Lwm2mCbor, &p("/7777/0"), &b, &NoModel).is_ok());
    let b = cbor_leaves(N, |k| vec![7777, 0, 0, d(k)]);
    assert!(codec::decode(F::Lwm2mCbor, &p("/7777/0/0"), &b, &NoModel).is_ok());
    // Alternating between two long lists, and a duplicate at the very end.
    let mut b = cbor_leaves(N, |k| vec![7777, (k % 2) as u16, d(k / 2 * 2) / 2]);
    assert!(codec::decode(F::Lwm2mCbor, &p("/7777"), &b, &NoModel).is_ok());
    b.pop();
    b.extend_from_slice(&hex("83 19 1E 61 01 19 00 05 00 FF"));
    assert!(matches!(
        codec::decode(F::Lwm2mCbor, &p("/7777"), &b, &NoModel),
        Err(e) if e.kind() == &ErrorKind::DuplicatePath
    ));
    // SenML JSON records (node decoding has its own builder).
    type Name = fn(u32) -> String;
    let names: [(&str, Name); 3] = [
        ("/7777", |k| format!("/7777/{}/0", N - 1 - k)),
        ("/7777/0", |k| format!("/7777/0/{}", N - 1 - k)),
        ("/7777/0/0", |k| format!("/7777/0/0/{}", N - 1 - k)),
    ];
    for (target, name) in names {
        let mut s = String::from("[");
        for k in 0..N {
            if k > 0 {
                s.push(',');
            }
            s.push_str(&format!("{{\"n\":\"{}\",\"v\":0}}", name(k)));
        }
        s.push(']');
        assert!(
            codec::decode(F::SenmlJson, &p(target), s.as_bytes(), &NoModel).is_ok(),
            "{target}"
        );
        // The same with a duplicate of the first record at the end.
        s.pop();
        s.push_str(&format!(",{{\"n\":\"{}\",\"v\":1}}]", name(0)));
        assert!(
            matches!(
                codec::decode(F::SenmlJson, &p(target), s.as_bytes(), &NoModel),
                Err(e) if e.kind() == &ErrorKind::DuplicatePath
            ),
            "{target}"
        );
    }
}

#[test]
fn partial_update_of_many_resources() {
    use ucifi_runtime::codec::{WriteMode, apply_write};
    use ucifi_runtime::{InstanceNode, Node, Value};
    const M: u32 = 30_000;
    let inst = |ids: &mut dyn Iterator<Item = u32>, v: i64| {
        Node::Instance(InstanceNode {
            id: 0,
            resources: ids.map(|r| single(r as u16, Value::Integer(v))).collect(),
        })
    };
    let mut target = inst(&mut (0..M).rev(), 1);
    // Half the IDs exist, half are new; both in descending order.
    let update = inst(&mut (M / 2..M + M / 2).rev(), 2);
    apply_write(&mut target, update, WriteMode::PartialUpdate).unwrap();
    match target {
        Node::Instance(i) => {
            assert_eq!(i.resources.len(), (M + M / 2) as usize);
            assert!(i.resources.windows(2).all(|w| w[0].id < w[1].id));
            assert_eq!(i.resources[0], single(0, Value::Integer(1)));
            assert_eq!(
                i.resources[(M / 2) as usize],
                single((M / 2) as u16, Value::Integer(2))
            );
        }
        other => panic!("{other:?}"),
    }
}
