//! A fresh typed decode of the reference Device against what its `String` fields cost
//! alone, timed with the plain system allocator (the `typed` bench counts allocations
//! through an instrumented one, which adds to every allocation).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ucifi_objects::oma::device::v1_0::Device;
use ucifi_runtime::typed::Instance;
use ucifi_runtime::{ContentFormat, Path};

mod common;
use common::{device, device_texts};

/// What any decode into a fresh `Device` must do for its seven `String` fields, and
/// nothing else: validate each text of the reference payload, copy it into an allocation
/// of its own, and free it when the struct is dropped.
fn fresh_decode(c: &mut Criterion) {
    let texts = device_texts();
    c.bench_function(
        "device/floor of a fresh decode: its 7 Strings made and dropped",
        |b| {
            b.iter(|| -> [String; 7] {
                core::array::from_fn(|i| String::from_utf8(black_box(&texts[i]).to_vec()).unwrap())
            })
        },
    );

    let path = Path::instance(3, 0);
    let value = device();
    let tlv = value.encode(ContentFormat::Tlv, &path).unwrap();
    assert_eq!(tlv.len(), 137);
    c.bench_function("device/tlv decode (fresh struct)", |b| {
        b.iter(|| Device::decode(ContentFormat::Tlv, &path, black_box(&tlv)).unwrap())
    });
    let mut reused = value.clone();
    c.bench_function("device/tlv decode_into (reused struct)", |b| {
        b.iter(|| {
            reused
                .decode_into(ContentFormat::Tlv, &path, black_box(&tlv))
                .unwrap()
        })
    });
    assert_eq!(reused, value);
}

criterion_group!(benches, fresh_decode);
criterion_main!(benches);
