//! Hostile payloads whose shape (not size) used to cost quadratic time: they must decode
//! (or fail) in time proportional to their length. No timing is asserted; before the
//! fixes each case took seconds in a debug build.

mod common;

use common::*;
use ucifi_runtime::codec::{self, NoModel, lwm2m_cbor, senml_json};
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
        lwm2m_cbor::decode_composite(&b, &NoModel).unwrap().len(),
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
    let leaves = codec::decode_leaves(
        &mut senml_json::SenmlJsonReader::new(s.as_bytes()),
        &NoModel,
    )
    .unwrap();
    assert_eq!(leaves.len(), N as usize);
    let _ = p("/3");
    let _ = F::Tlv;
}
