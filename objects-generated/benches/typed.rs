//! Typed encode/decode of generated structs in every structured format: the reference
//! Device instance and an Outdoor lamp controller (3416) 2.0 instance. Also counts heap
//! allocations of encoding into a caller's buffer (target: zero) and of decoding into a
//! fresh and into a reused struct.

use std::alloc::System;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use ucifi_runtime::codec::{Error, Writer};
use ucifi_runtime::typed::{self, ObjectType};
use ucifi_runtime::{ContentFormat, Path, Time, ValueRef};

mod common;
use common::{device, lamp};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// A writer that only counts what it is given: the generated glue alone.
struct Count(usize);

impl Writer for Count {
    fn begin_instance(&mut self, _: u16) -> Result<(), Error> {
        Ok(())
    }
    fn end_instance(&mut self) -> Result<(), Error> {
        Ok(())
    }
    fn begin_multiple(&mut self, _: u16, n: usize) -> Result<(), Error> {
        self.0 += n;
        Ok(())
    }
    fn end_multiple(&mut self) -> Result<(), Error> {
        Ok(())
    }
    fn value(&mut self, id: u16, v: ValueRef<'_>) -> Result<(), Error> {
        self.0 += id as usize + black_box(&v).data_type() as usize;
        Ok(())
    }
}

const FORMATS: [(&str, ContentFormat); 5] = [
    ("tlv", ContentFormat::Tlv),
    ("senml-cbor", ContentFormat::SenmlCbor),
    ("senml-json", ContentFormat::SenmlJson),
    ("lwm2m-json", ContentFormat::Lwm2mJson),
    ("lwm2m-cbor", ContentFormat::Lwm2mCbor),
];

/// Heap allocations of 100 runs of `run`.
fn allocations(mut run: impl FnMut()) -> usize {
    let region = Region::new(GLOBAL);
    for _ in 0..100 {
        run();
    }
    region.change().allocations
}

fn bench_instance<I: ObjectType>(c: &mut Criterion, name: &str, value: &I) {
    let path = Path::instance(I::OBJECT_ID, 0);
    let mut g = c.benchmark_group(name);
    let mut buf = [0u8; 2048];

    g.bench_function("glue only (counting writer)", |b| {
        b.iter(|| {
            let mut w = Count(0);
            black_box(value).encode_resources(&mut w).unwrap();
            w.0
        })
    });
    for (label, format) in FORMATS {
        let bytes = value.encode(format, &path).unwrap();
        if (name, format) == ("device", ContentFormat::Tlv) {
            // The reference payload of the runtime issue.
            assert_eq!(bytes.len(), 137);
        }
        g.bench_function(format!("{label} encode (caller buffer)"), |b| {
            b.iter(|| {
                black_box(value)
                    .encode_into(format, &path, &mut buf)
                    .unwrap()
            })
        });
        g.bench_function(format!("{label} decode"), |b| {
            b.iter(|| I::decode(format, &path, black_box(&bytes)).unwrap())
        });
        let mut reused = value.clone();
        g.bench_function(format!("{label} decode_into (reused struct)"), |b| {
            b.iter(|| {
                reused
                    .decode_into(format, &path, black_box(&bytes))
                    .unwrap()
            })
        });
        assert_eq!(&reused, value);
        assert_eq!(&I::decode(format, &path, &bytes).unwrap(), value);

        let encode = allocations(|| {
            black_box(value.encode_into(format, &path, &mut buf).unwrap());
        });
        let fresh = allocations(|| {
            black_box(I::decode(format, &path, &bytes).unwrap());
        });
        let into = allocations(|| reused.decode_into(format, &path, &bytes).unwrap());
        eprintln!(
            "{name}: {label} heap allocations per 100: encode into a caller's buffer {encode}, fresh decode {fresh}, decode_into a reused struct {into}"
        );
    }
    g.finish();
}

fn single_resource(c: &mut Criterion) {
    use ucifi_objects::oma::device::v1_0::resources::CurrentTime;
    let path = Path::resource(3, 0, 13);
    c.bench_function("device/tlv typed write of Current Time", |b| {
        b.iter(|| {
            typed::write::<CurrentTime>(ContentFormat::Tlv, &path, black_box(&Time(1_367_491_215)))
                .unwrap()
        })
    });
}

fn typed_codecs(c: &mut Criterion) {
    single_resource(c);
    bench_instance(c, "device", &device());
    bench_instance(c, "lamp-3416-2.0", &lamp());
}

criterion_group!(benches, typed_codecs);
criterion_main!(benches);
