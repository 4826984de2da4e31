//! Encode and decode through the format-generic node API (`codec::encode` /
//! `codec::decode` with a [`Registry`] as the type lookup): the reference Device instance
//! `/3/0` and an Outdoor lamp controller instance `/3416/0` (object 3416 v2.0) in every
//! format that carries an instance, and time series (SenML JSON, SenML CBOR and LwM2M JSON
//! payloads of records with distinct times) in records/s.
//!
//! `cargo bench -p ucifi-runtime --bench codecs -- --warm-up-time 1 --measurement-time 2`

use std::borrow::Cow;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ucifi_runtime::codec::{self, senml::Record};
use ucifi_runtime::{
    ContentFormat, DataType, InstanceNode, Node, ObjectModel, Operations, Path, Registry,
    ResourceInstanceNode, ResourceModel, ResourceNode, ResourceValue, Time, Value, Version,
};

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

fn s(t: &str) -> Value {
    Value::String(t.into())
}

/// The reference Device instance `/3/0` (137 bytes of TLV).
fn device() -> Node {
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

/// A realistic Outdoor lamp controller `/3416/0` (object 3416 v2.0): command and dimming
/// state, failure flags, the multi-instance Scheduler ID (13) and Control type (35),
/// operating hours, electrical measurements, identity strings and timestamps.
fn lamp() -> Node {
    let i = Value::Integer;
    let f = Value::Float;
    let b = Value::Boolean;
    Node::Instance(InstanceNode {
        id: 0,
        resources: vec![
            single(1, i(2)),
            single(2, i(2)),
            single(3, i(80)),
            single(4, i(100)),
            single(5, b(false)),
            single(6, i(0)),
            single(7, b(false)),
            single(9, b(false)),
            single(10, b(false)),
            multiple(13, &[(0, i(1)), (1, i(4)), (2, i(7))]),
            single(15, f(12873.5)),
            single(17, Value::Time(Time(1_700_000_000))),
            single(18, i(4211)),
            single(21, f(41.25)),
            multiple(35, &[(0, i(0)), (1, i(2))]),
            single(36, i(150)),
            single(44, f(229.7)),
            single(45, f(0.652)),
            single(46, f(149.8)),
            single(47, f(1_931_774.25)),
            single(58, s("05412345000013")),
            single(59, s("SN-2023-000417")),
            single(60, s("3.2.1")),
            single(61, s("DALI-2")),
            single(62, f(23.5)),
            single(5518, Value::Time(Time(1_700_003_600))),
        ],
    })
}

fn model(
    id: u16,
    name: &'static str,
    version: Version,
    res: &[(u16, DataType, bool)],
) -> ObjectModel {
    ObjectModel {
        id,
        name: Cow::Borrowed(name),
        urn: Cow::Owned(format!("urn:oma:lwm2m:oma:{id}")),
        version,
        lwm2m_version: Version::V1_0,
        multiple: id != 3,
        mandatory: false,
        resources: Cow::Owned(
            res.iter()
                .map(|&(id, data_type, multiple)| ResourceModel {
                    id,
                    name: Cow::Borrowed(""),
                    operations: Operations::R,
                    multiple,
                    mandatory: false,
                    data_type,
                    range: Cow::Borrowed(""),
                    units: Cow::Borrowed(""),
                    values: Cow::Borrowed(&[]),
                })
                .collect(),
        ),
    }
}

fn registry() -> Registry {
    use DataType::*;
    let device = model(
        3,
        "Device",
        Version::V1_0,
        &[
            (0, String, false),
            (1, String, false),
            (2, String, false),
            (3, String, false),
            (4, None, false),
            (5, None, false),
            (6, Integer, true),
            (7, Integer, true),
            (8, Integer, true),
            (9, Integer, false),
            (10, Integer, false),
            (11, Integer, true),
            (12, None, false),
            (13, Time, false),
            (14, String, false),
            (15, String, false),
            (16, String, false),
            (17, String, false),
            (18, String, false),
            (19, String, false),
            (20, Integer, false),
            (21, Integer, false),
        ],
    );
    let lamp = model(
        3416,
        "Outdoor lamp controller",
        Version::new(2, 0),
        &[
            (1, Integer, false),
            (2, Integer, false),
            (3, Integer, false),
            (4, Integer, false),
            (5, Boolean, false),
            (6, Integer, false),
            (7, Boolean, false),
            (8, Integer, false),
            (9, Boolean, false),
            (10, Boolean, false),
            (11, Boolean, false),
            (12, Boolean, false),
            (13, Integer, true),
            (14, Boolean, false),
            (15, Float, false),
            (16, None, false),
            (17, Time, false),
            (18, Integer, false),
            (19, None, false),
            (20, Integer, false),
            (21, Float, false),
            (22, Boolean, false),
            (23, Integer, false),
            (24, None, false),
            (25, Boolean, false),
            (26, Integer, false),
            (27, None, false),
            (28, Integer, false),
            (29, Boolean, false),
            (30, Boolean, false),
            (31, Boolean, false),
            (32, Integer, false),
            (33, Integer, false),
            (34, Time, false),
            (35, Integer, true),
            (36, Integer, false),
            (37, Integer, false),
            (38, Integer, false),
            (39, Integer, false),
            (40, Integer, false),
            (41, Integer, false),
            (42, Float, false),
            (43, Float, false),
            (44, Float, false),
            (45, Float, false),
            (46, Float, false),
            (47, Float, false),
            (48, Float, false),
            (49, Float, false),
            (50, Time, false),
            (51, Time, false),
            (52, Float, false),
            (53, Integer, false),
            (54, Boolean, false),
            (55, Integer, false),
            (56, Float, false),
            (57, None, false),
            (58, String, false),
            (59, String, false),
            (60, String, false),
            (61, String, false),
            (62, Float, false),
            (63, Integer, false),
            (5518, Time, false),
            (6042, Integer, false),
            (6049, Integer, false),
            (6050, Float, false),
        ],
    );
    Registry::from_models([device, lamp])
}

/// The formats that carry an object instance.
const FORMATS: [ContentFormat; 5] = [
    ContentFormat::Tlv,
    ContentFormat::Lwm2mCbor,
    ContentFormat::SenmlJson,
    ContentFormat::SenmlCbor,
    ContentFormat::Lwm2mJson,
];

fn nodes(c: &mut Criterion) {
    let registry = registry();
    for (name, path, node) in [
        ("device", Path::instance(3, 0), device()),
        ("lamp", Path::instance(3416, 0), lamp()),
    ] {
        let mut g = c.benchmark_group(format!("node/{name}"));
        g.throughput(Throughput::Elements(1));
        for f in FORMATS {
            let bytes = codec::encode(f, &path, &node).unwrap();
            g.bench_function(format!("{}/encode", f.name()), |b| {
                b.iter(|| codec::encode(f, &path, black_box(&node)).unwrap())
            });
            g.bench_function(format!("{}/decode", f.name()), |b| {
                b.iter(|| codec::decode(f, &path, black_box(&bytes), &registry).unwrap())
            });
        }
        g.finish();
    }
}

/// `n` readings of one temperature, one per second.
fn series(n: usize) -> Vec<Record> {
    let path = Path::resource(3303, 0, 5700);
    (0..n)
        .map(|k| {
            Record::timed(
                path,
                Value::Float(20.0 + (k % 100) as f64 / 8.0),
                1.7e9 + k as f64,
            )
        })
        .collect()
}

fn timeseries(c: &mut Criterion) {
    const N: usize = 10_000;
    let records = series(N);
    let registry = registry();
    let mut g = c.benchmark_group("timeseries");
    g.throughput(Throughput::Elements(N as u64));
    type Encode = fn(&[Record]) -> Result<Vec<u8>, codec::Error>;
    type Decode = fn(&[u8], &dyn codec::TypeLookup) -> Result<Vec<Record>, codec::Error>;
    let formats: [(&str, Encode, Decode); 3] = [
        (
            "senml-json",
            codec::senml_json::encode_records,
            codec::senml_json::decode_records,
        ),
        (
            "senml-cbor",
            codec::senml_cbor::encode_records,
            codec::senml_cbor::decode_records,
        ),
        (
            "lwm2m-json",
            codec::lwm2m_json::encode_records,
            codec::lwm2m_json::decode_records,
        ),
    ];
    for (name, encode, decode) in formats {
        let bytes = encode(&records).unwrap();
        g.bench_function(format!("{name}/encode"), |b| {
            b.iter(|| encode(black_box(&records)).unwrap())
        });
        g.bench_function(format!("{name}/decode"), |b| {
            b.iter(|| decode(black_box(&bytes), &registry).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, nodes, timeseries);
criterion_main!(benches);
