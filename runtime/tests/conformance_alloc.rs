//! Hostile inputs must not make a decoder hold much more memory than the payload
//! justifies: the memory a decoded node (or an error) keeps is measured with a counting
//! allocator and bounded by a small multiple of the input length.

mod common;

use common::*;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use std::alloc::System;
use ucifi_runtime::codec;
use ucifi_runtime::{ContentFormat as F, Path};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Bytes allocated (counting growth by reallocation) while decoding `bytes`, and whether
/// the decoding succeeded.
fn allocated(format: F, path: &str, bytes: &[u8]) -> (usize, bool) {
    let path: Path = path.parse().unwrap();
    let types = spec_types();
    let region = Region::new(GLOBAL);
    let r = codec::decode(format, &path, bytes, &types);
    let s = region.change();
    (
        s.bytes_allocated + s.bytes_reallocated.max(0) as usize,
        r.is_ok(),
    )
}

fn tlv_empty_instances(n: u32) -> Vec<u8> {
    let mut b = Vec::new();
    for i in 0..n {
        if i < 256 {
            b.extend_from_slice(&[0x00, i as u8]);
        } else {
            b.extend_from_slice(&[0x20, (i >> 8) as u8, i as u8]);
        }
    }
    b
}

#[test]
fn many_small_containers_stay_proportionate() {
    let cases: Vec<(&str, F, &str, Vec<u8>)> = vec![
        (
            "tlv empty instances",
            F::Tlv,
            "/3",
            tlv_empty_instances(60_000),
        ),
        ("tlv one-resource instances", F::Tlv, "/9999", {
            let mut b = Vec::new();
            for i in 0..60_000u32 {
                b.extend_from_slice(&[0x28, (i >> 8) as u8, i as u8, 2, 0xC0, 0x00]);
            }
            b
        }),
        (
            "lwm2m-cbor indefinite empty instances",
            F::Lwm2mCbor,
            "/3",
            {
                let mut b = hex("BF 03 BF");
                for i in 0..60_000u32 {
                    b.extend_from_slice(&[0x19, (i >> 8) as u8, i as u8, 0xA0]);
                }
                b.extend_from_slice(&[0xFF, 0xFF]);
                b
            },
        ),
        ("lwm2m-cbor definite empty instances", F::Lwm2mCbor, "/3", {
            let mut b = hex("A1 03 B9 EA 60");
            for i in 0..60_000u32 {
                b.extend_from_slice(&[0x19, (i >> 8) as u8, i as u8, 0xA0]);
            }
            b
        }),
        ("lwm2m-cbor leaf per instance", F::Lwm2mCbor, "/9999", {
            let mut b = hex("BF");
            for i in 0..60_000u32 {
                b.extend_from_slice(&[
                    0x83,
                    0x19,
                    0x27,
                    0x0F,
                    0x19,
                    (i >> 8) as u8,
                    i as u8,
                    0x00,
                    0x60,
                ]);
            }
            b.push(0xFF);
            b
        }),
        ("senml-json record per instance", F::SenmlJson, "/9999", {
            let mut s = String::from("[");
            for i in 0..60_000u32 {
                if i > 0 {
                    s.push(',');
                }
                s.push_str(&format!("{{\"n\":\"/9999/{i}/0\",\"vs\":\"\"}}"));
            }
            s.push(']');
            s.into_bytes()
        }),
        ("senml-cbor record per instance", F::SenmlCbor, "/9999", {
            let mut b = hex("9F");
            for i in 0..60_000u32 {
                let n = format!("/9999/{i}/0");
                b.push(0xA2);
                b.push(0x00);
                b.push(0x60 + n.len() as u8);
                b.extend_from_slice(n.as_bytes());
                b.extend_from_slice(&[0x03, 0x60]);
            }
            b.push(0xFF);
            b
        }),
        ("lwm2m-json entry per instance", F::Lwm2mJson, "/9999", {
            let mut s = String::from("{\"e\":[");
            for i in 0..60_000u32 {
                if i > 0 {
                    s.push(',');
                }
                s.push_str(&format!("{{\"n\":\"/9999/{i}/0\",\"sv\":\"\"}}"));
            }
            s.push_str("]}");
            s.into_bytes()
        }),
        (
            "tlv out-of-order resources per instance",
            F::Tlv,
            "/7777",
            {
                let mut b = Vec::new();
                for i in 0..60_000u32 {
                    b.extend_from_slice(&[
                        0x28,
                        (i >> 8) as u8,
                        i as u8,
                        4,
                        0xC0,
                        0x01,
                        0xC0,
                        0x00,
                    ]);
                }
                b
            },
        ),
        ("tlv empty multiple resources", F::Tlv, "/7777/0", {
            let mut b = Vec::new();
            for r in 0..60_000u32 {
                b.extend_from_slice(&[0xA0, (r >> 8) as u8, r as u8]);
            }
            b
        }),
        (
            "lwm2m-cbor empty multiple resources",
            F::Lwm2mCbor,
            "/7777/0",
            {
                let mut b = hex("BF 82 19 1E 61 00 BF");
                for r in 0..60_000u32 {
                    b.extend_from_slice(&[0x19, (r >> 8) as u8, r as u8, 0xA0]);
                }
                b.extend_from_slice(&[0xFF, 0xFF]);
                b
            },
        ),
        (
            "senml-cbor resource instance per resource",
            F::SenmlCbor,
            "/7777/0",
            {
                let mut b = hex("9F");
                for r in 0..60_000u32 {
                    let n = format!("/7777/0/{r}/0");
                    b.push(0xA2);
                    b.push(0x00);
                    b.push(0x60 + n.len() as u8);
                    b.extend_from_slice(n.as_bytes());
                    b.extend_from_slice(&[0x03, 0x60]);
                }
                b.push(0xFF);
                b
            },
        ),
    ];
    for (name, f, path, bytes) in cases {
        let (total, ok) = allocated(f, path, &bytes);
        assert!(ok, "{name}");
        // The node takes about 40 bytes per resource or instance, each of which takes at
        // least 2 bytes of payload; lists grow by doubling, and the builder remembers each
        // container once to refuse a duplicate: 40 times the input bounds it all.
        assert!(
            total <= 40 * bytes.len() + (64 << 10),
            "{name}: {} bytes of input made the decoder allocate {total}",
            bytes.len()
        );
    }
}
