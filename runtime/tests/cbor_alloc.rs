//! Memory of the CBOR formats, measured with a counting allocator (one test, so that no
//! other test allocates meanwhile): encoding CBOR, LwM2M CBOR and SenML CBOR into a
//! caller's buffer allocates nothing, and hostile payloads of many small containers make
//! the decoders hold memory in proportion to their length only.

mod common;

use common::hex;

use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use std::alloc::System;
use ucifi_runtime::codec::senml::Record;
use ucifi_runtime::codec::{self, NoModel, SliceOutput, senml_cbor};
use ucifi_runtime::{
    ContentFormat as F, InstanceNode, Node, ObjectLink, ObjectNode, Path, ResourceInstanceNode,
    ResourceNode, ResourceValue, Time, Value,
};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn single(id: u16, value: Value) -> ResourceNode {
    ResourceNode {
        id,
        value: ResourceValue::Single(value),
    }
}

/// An object with every value type, a multiple resource and 30 instances (counts that
/// need two-byte heads).
fn object() -> Node {
    let instance = |id| InstanceNode {
        id,
        resources: vec![
            single(0, Value::String("ACME Corporation".into())),
            single(1, Value::Integer(-93)),
            single(2, Value::UnsignedInteger(3_000_000_000)),
            single(3, Value::Float(22.5)),
            single(4, Value::Float(0.1)),
            single(5, Value::Boolean(true)),
            single(6, Value::Opaque(vec![1, 2, 3])),
            single(7, Value::Time(Time(1_700_000_000))),
            single(8, Value::Objlnk(ObjectLink::new(3303, 0))),
            ResourceNode {
                id: 9,
                value: ResourceValue::Multiple(
                    (0..30)
                        .map(|id| ResourceInstanceNode {
                            id,
                            value: Value::Integer(id.into()),
                        })
                        .collect(),
                ),
            },
        ],
    };
    Node::Object(ObjectNode {
        id: 7777,
        instances: (0..30).map(instance).collect(),
    })
}

/// Bytes allocated (with growth by reallocation) while `f` runs.
fn allocated<T>(f: impl FnOnce() -> T) -> (usize, T) {
    let region = Region::new(GLOBAL);
    let r = f();
    let s = region.change();
    (s.bytes_allocated + s.bytes_reallocated.max(0) as usize, r)
}

fn encoding_into_a_buffer_allocates_nothing() {
    let node = object();
    let records: Vec<Record> = {
        let mut v = Vec::new();
        node.for_each_leaf(&Path::object(7777), |p, value| {
            v.push(Record::timed(
                p,
                value.clone(),
                1_700_000_000.0 + v.len() as f64,
            ));
        });
        v
    };
    let leaf = Node::Resource(single(3, Value::Float(22.5)));
    let mut buf = vec![0u8; 1 << 20];
    for (format, path, node) in [
        (F::Lwm2mCbor, Path::object(7777), &node),
        (F::SenmlCbor, Path::object(7777), &node),
        (F::Cbor, Path::resource(7777, 0, 3), &leaf),
        (F::Lwm2mCbor, Path::resource(7777, 0, 3), &leaf),
        (F::SenmlCbor, Path::resource(7777, 0, 3), &leaf),
    ] {
        let bytes = (0..3)
            .map(|_| {
                let (bytes, n) = allocated(|| codec::encode_into(format, &path, node, &mut buf));
                assert!(n.unwrap() > 0);
                bytes
            })
            .min();
        assert_eq!(bytes, Some(0), "{format} at {path}");
    }
    // The counting allocator sees every thread: the test harness may allocate while this
    // runs, so the least of three runs is what the encoder itself allocated.
    let bytes = (0..3)
        .map(|_| {
            let (bytes, out) =
                allocated(|| senml_cbor::encode_records_to(&records, SliceOutput::new(&mut buf)));
            assert!(!out.unwrap().into_bytes().is_empty());
            bytes
        })
        .min();
    assert_eq!(bytes, Some(0), "SenML CBOR records");
}

fn many_small_containers_stay_proportionate() {
    let n = 60_000u32;
    let cases: Vec<(&str, F, &str, Vec<u8>)> = vec![
        (
            "lwm2m-cbor indefinite empty instances",
            F::Lwm2mCbor,
            "/3",
            {
                let mut b = hex("BF 03 BF");
                for i in 0..n {
                    b.extend_from_slice(&[0x19, (i >> 8) as u8, i as u8, 0xA0]);
                }
                b.extend_from_slice(&[0xFF, 0xFF]);
                b
            },
        ),
        ("lwm2m-cbor definite empty instances", F::Lwm2mCbor, "/3", {
            let mut b = hex("A1 03 B9 EA 60");
            for i in 0..n {
                b.extend_from_slice(&[0x19, (i >> 8) as u8, i as u8, 0xA0]);
            }
            b
        }),
        ("lwm2m-cbor leaf per instance", F::Lwm2mCbor, "/9999", {
            let mut b = hex("BF");
            for i in 0..n {
                b.extend_from_slice(&[0x83, 0x19, 0x27, 0x0F, 0x19, (i >> 8) as u8, i as u8]);
                b.extend_from_slice(&[0x00, 0x60]);
            }
            b.push(0xFF);
            b
        }),
        (
            "lwm2m-cbor empty multiple resources",
            F::Lwm2mCbor,
            "/7777/0",
            {
                let mut b = hex("BF 82 19 1E 61 00 BF");
                for r in 0..n {
                    b.extend_from_slice(&[0x19, (r >> 8) as u8, r as u8, 0xA0]);
                }
                b.extend_from_slice(&[0xFF, 0xFF]);
                b
            },
        ),
        ("senml-cbor record per instance", F::SenmlCbor, "/9999", {
            let mut b = hex("9F");
            for i in 0..n {
                let name = format!("/9999/{i}/0");
                b.extend_from_slice(&[0xA2, 0x00, 0x60 + name.len() as u8]);
                b.extend_from_slice(name.as_bytes());
                b.extend_from_slice(&[0x03, 0x60]);
            }
            b.push(0xFF);
            b
        }),
        (
            "senml-cbor resource instance per resource",
            F::SenmlCbor,
            "/7777/0",
            {
                let mut b = hex("9F");
                for r in 0..n {
                    let name = format!("/7777/0/{r}/0");
                    b.extend_from_slice(&[0xA2, 0x00, 0x60 + name.len() as u8]);
                    b.extend_from_slice(name.as_bytes());
                    b.extend_from_slice(&[0x03, 0x60]);
                }
                b.push(0xFF);
                b
            },
        ),
    ];
    for (name, format, path, bytes) in cases {
        let path: Path = path.parse().unwrap();
        let (total, r) = allocated(|| codec::decode(format, &path, &bytes, &NoModel));
        assert!(r.is_ok(), "{name}: {r:?}");
        // A node takes a few dozen bytes per resource or instance, and each of those
        // takes at least 2 bytes of payload.
        assert!(
            total <= 32 * bytes.len() + (64 << 10),
            "{name}: {} bytes of input made the decoder allocate {total}",
            bytes.len()
        );
    }
}

#[test]
fn memory() {
    encoding_into_a_buffer_allocates_nothing();
    many_small_containers_stay_proportionate();
}
