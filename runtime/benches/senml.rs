//! SenML JSON / SenML CBOR (and LwM2M JSON) encode and decode of the reference Device
//! `/3/0` through the generic node API (`codec::encode` / `codec::decode`), in ops/s
//! (`Throughput::Elements(1)`), plus heap allocations per operation counted by an
//! instrumented global allocator and printed before the measurements.

use std::alloc::System;
use std::borrow::Cow;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use ucifi_runtime::codec::{self, TypeLookup};
use ucifi_runtime::{
    ContentFormat, DataType, InstanceNode, Node, ObjectModel, Operations, Path,
    ResourceInstanceNode, ResourceModel, ResourceNode, ResourceValue, Time, Value, Version,
};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn single(id: u16, v: Value) -> ResourceNode {
    ResourceNode {
        id,
        value: ResourceValue::Single(v),
    }
}

fn multiple(id: u16, list: &[(u16, Value)]) -> ResourceNode {
    ResourceNode {
        id,
        value: ResourceValue::Multiple(
            list.iter()
                .map(|(id, value)| ResourceInstanceNode {
                    id: *id,
                    value: value.clone(),
                })
                .collect(),
        ),
    }
}

/// The reference Device instance `/3/0`.
fn device() -> Node {
    let s = |t: &str| Value::String(t.into());
    let i = Value::Integer;
    Node::Instance(InstanceNode {
        id: 0,
        resources: vec![
            single(0, s("Open Mobile Alliance")),
            single(1, s("Lightweight M2M Client")),
            single(2, s("345000123")),
            single(3, s("1.0")),
            multiple(6, &[(0, i(1)), (1, i(5))]),
            multiple(7, &[(0, i(3800)), (1, i(5000))]),
            multiple(8, &[(0, i(125)), (1, i(900))]),
            single(9, i(100)),
            single(10, i(15)),
            multiple(11, &[(0, i(0))]),
            single(13, Value::Time(Time(1_367_491_215))),
            single(14, s("+02:00")),
            single(15, s("Europe/Berlin")),
            single(16, s("U")),
        ],
    })
}

/// The Device object's model, for typed decoding.
fn device_model() -> ObjectModel {
    let r = |id: u16, data_type: DataType, multiple: bool| ResourceModel {
        id,
        name: Cow::Borrowed(""),
        operations: Operations::R,
        multiple,
        mandatory: false,
        data_type,
        range: Cow::Borrowed(""),
        units: Cow::Borrowed(""),
    };
    use DataType::{Integer, String as Str, Time as T};
    ObjectModel {
        id: 3,
        name: Cow::Borrowed("Device"),
        urn: Cow::Borrowed("urn:oma:lwm2m:oma:3"),
        version: Version::V1_0,
        lwm2m_version: Version::V1_0,
        multiple: false,
        mandatory: true,
        resources: Cow::Owned(vec![
            r(0, Str, false),
            r(1, Str, false),
            r(2, Str, false),
            r(3, Str, false),
            r(6, Integer, true),
            r(7, Integer, true),
            r(8, Integer, true),
            r(9, Integer, false),
            r(10, Integer, false),
            r(11, Integer, true),
            r(13, T, false),
            r(14, Str, false),
            r(15, Str, false),
            r(16, Str, false),
        ]),
    }
}

fn allocations(label: &str, mut f: impl FnMut()) {
    f();
    let reg = Region::new(GLOBAL);
    const N: usize = 100;
    for _ in 0..N {
        f();
    }
    let s = reg.change();
    println!(
        "allocations {label}: {:.1} allocs/op, {:.0} bytes/op",
        s.allocations as f64 / N as f64,
        s.bytes_allocated as f64 / N as f64
    );
}

fn bench(c: &mut Criterion) {
    let path = Path::instance(3, 0);
    let node = device();
    let model = device_model();
    let types: &dyn TypeLookup = &model;
    let mut g = c.benchmark_group("senml");
    g.throughput(Throughput::Elements(1));
    for (name, format) in [
        ("senml_json", ContentFormat::SenmlJson),
        ("senml_cbor", ContentFormat::SenmlCbor),
        ("lwm2m_json", ContentFormat::Lwm2mJson),
    ] {
        let Ok(bytes) = codec::encode(format, &path, &node) else {
            continue;
        };
        let decoded = codec::decode(format, &path, &bytes, types).expect("decodes");
        let mut expected = node.clone();
        expected.canonicalize();
        assert_eq!(decoded, expected, "{name} round trip");
        println!("{name}: {} bytes", bytes.len());
        allocations(&format!("{name} encode"), || {
            black_box(codec::encode(format, &path, &node).unwrap());
        });
        allocations(&format!("{name} decode"), || {
            black_box(codec::decode(format, &path, &bytes, types).unwrap());
        });
        g.bench_function(format!("{name}/encode"), |b| {
            b.iter(|| codec::encode(format, black_box(&path), black_box(&node)).unwrap())
        });
        g.bench_function(format!("{name}/decode"), |b| {
            b.iter(|| codec::decode(format, black_box(&path), black_box(&bytes), types).unwrap())
        });
    }
    // SenML CBOR into a caller's buffer: no heap allocation at all.
    let mut buf = [0u8; 512];
    allocations("senml_cbor encode_into", || {
        black_box(codec::senml_cbor::encode_into(&path, &node, &mut buf).unwrap());
    });
    g.bench_function("senml_cbor/encode_into", |b| {
        b.iter(|| {
            codec::senml_cbor::encode_into(black_box(&path), black_box(&node), &mut buf).unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
