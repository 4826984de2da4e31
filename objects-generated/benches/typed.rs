//! Typed encode/decode of generated structs through the codecs' Writer/Reader traits: the
//! reference Device instance and an Outdoor lamp controller (3416) 2.0 instance, per
//! format. Also counts heap allocations when encoding TLV and SenML CBOR into a caller's
//! buffer (target: zero).

use std::alloc::System;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use ucifi_runtime::codec::lwm2m_cbor::{Lwm2mCborReader, Lwm2mCborWriter};
use ucifi_runtime::codec::senml_cbor::{SenmlCborReader, SenmlCborWriter};
use ucifi_runtime::codec::senml_json::{SenmlJsonReader, SenmlJsonWriter};
use ucifi_runtime::codec::tlv::{TlvReader, TlvWriter};
use ucifi_runtime::codec::{Reader, SliceOutput};
use ucifi_runtime::typed::{self, Instance, ObjectType};
use ucifi_runtime::{ContentFormat, Path, Time};

mod common;
use common::{device, lamp};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// A writer that counts what it is given.
struct Count(usize);

impl ucifi_runtime::codec::Writer for Count {
    type Error = ucifi_runtime::codec::Error;
    fn begin_instance(&mut self, _: u16) -> Result<(), Self::Error> {
        Ok(())
    }
    fn end_instance(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }
    fn begin_multiple(&mut self, _: u16, n: usize) -> Result<(), Self::Error> {
        self.0 += n;
        Ok(())
    }
    fn end_multiple(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }
    fn value(&mut self, id: u16, v: ucifi_runtime::codec::ValueRef<'_>) -> Result<(), Self::Error> {
        self.0 += id as usize + black_box(&v).data_type() as usize;
        Ok(())
    }
}

fn decode<'a, I: Instance, R: Reader<'a>>(path: &Path, mut r: R) -> I {
    typed::decode(path, &mut r).unwrap()
}

/// Decodes into a struct that already holds a decoded instance (buffers reused).
fn decode_into<'a, I: ObjectType, R: Reader<'a>>(path: &Path, into: &mut I, mut r: R) {
    typed::decode_into(into, path, &mut r).unwrap()
}

/// Runs a decode into a fresh default struct.
fn decode_fresh<I: ObjectType>(run: &mut dyn FnMut(&mut I)) -> I {
    let mut i = I::default();
    run(&mut i);
    i
}

fn bench_instance<I: ObjectType>(c: &mut Criterion, name: &str, value: &I) {
    let path = Path::instance(I::OBJECT_ID, 0);
    let mut g = c.benchmark_group(name);
    let mut buf = [0u8; 2048];

    // The generated glue alone: a writer that only counts values.
    g.bench_function("glue only (counting writer)", |b| {
        b.iter(|| {
            let mut w = Count(0);
            typed::encode(black_box(value), &mut w).unwrap();
            w.0
        })
    });

    // TLV.
    g.bench_function("tlv encode (caller buffer)", |b| {
        b.iter(|| {
            let mut w = TlvWriter::new(&path, SliceOutput::new(&mut buf));
            typed::encode(black_box(value), &mut w).unwrap();
            w.finish().unwrap().as_bytes().len()
        })
    });
    let mut w = TlvWriter::new(&path, Vec::new());
    typed::encode(value, &mut w).unwrap();
    let tlv = w.finish().unwrap();
    if name == "device" {
        // The reference payload of the runtime issue.
        assert_eq!(tlv.len(), 137);
    }
    g.bench_function("tlv decode", |b| {
        b.iter(|| decode::<I, _>(&path, TlvReader::new(&path, black_box(&tlv))))
    });
    let mut reused = value.clone();
    g.bench_function("tlv decode_into (reused struct)", |b| {
        b.iter(|| decode_into(&path, &mut reused, TlvReader::new(&path, black_box(&tlv))))
    });
    assert_eq!(&reused, value);
    assert_eq!(&decode::<I, _>(&path, TlvReader::new(&path, &tlv)), value);

    // SenML CBOR.
    g.bench_function("senml-cbor encode (caller buffer)", |b| {
        b.iter(|| {
            let mut w = SenmlCborWriter::with_buffer(path, &mut buf);
            typed::encode(black_box(value), &mut w).unwrap();
            w.finish().unwrap().len()
        })
    });
    let mut w = SenmlCborWriter::new(path);
    typed::encode(value, &mut w).unwrap();
    let senml_cbor = w.finish().unwrap();
    g.bench_function("senml-cbor decode", |b| {
        b.iter(|| decode::<I, _>(&path, SenmlCborReader::new(black_box(&senml_cbor))))
    });
    let mut reused = value.clone();
    g.bench_function("senml-cbor decode_into (reused struct)", |b| {
        b.iter(|| {
            decode_into(
                &path,
                &mut reused,
                SenmlCborReader::new(black_box(&senml_cbor)),
            )
        })
    });
    assert_eq!(&reused, value);

    // SenML JSON.
    g.bench_function("senml-json encode", |b| {
        b.iter(|| {
            let mut w = SenmlJsonWriter::new(path);
            typed::encode(black_box(value), &mut w).unwrap();
            w.finish().unwrap().len()
        })
    });
    let mut w = SenmlJsonWriter::new(path);
    typed::encode(value, &mut w).unwrap();
    let senml_json = w.finish().unwrap();
    g.bench_function("senml-json decode", |b| {
        b.iter(|| decode::<I, _>(&path, SenmlJsonReader::new(black_box(&senml_json))))
    });
    let mut reused = value.clone();
    g.bench_function("senml-json decode_into (reused struct)", |b| {
        b.iter(|| {
            decode_into(
                &path,
                &mut reused,
                SenmlJsonReader::new(black_box(&senml_json)),
            )
        })
    });
    assert_eq!(&reused, value);

    // LwM2M JSON.
    g.bench_function("lwm2m-json encode", |b| {
        b.iter(|| typed::to_bytes(ContentFormat::Lwm2mJson, &path, black_box(value)).unwrap())
    });
    let lwm2m_json = typed::to_bytes(ContentFormat::Lwm2mJson, &path, value).unwrap();
    g.bench_function("lwm2m-json decode", |b| {
        b.iter(|| {
            typed::from_bytes::<I>(ContentFormat::Lwm2mJson, &path, black_box(&lwm2m_json)).unwrap()
        })
    });

    // LwM2M CBOR.
    g.bench_function("lwm2m-cbor encode (caller buffer)", |b| {
        b.iter(|| {
            let mut w = Lwm2mCborWriter::new(&path, SliceOutput::new(&mut buf));
            typed::encode(black_box(value), &mut w).unwrap();
            w.finish().unwrap().as_bytes().len()
        })
    });
    let mut w = Lwm2mCborWriter::new(&path, Vec::new());
    typed::encode(value, &mut w).unwrap();
    let lwm2m_cbor = w.finish().unwrap();
    g.bench_function("lwm2m-cbor decode", |b| {
        b.iter(|| decode::<I, _>(&path, Lwm2mCborReader::new(black_box(&lwm2m_cbor))))
    });
    let mut reused = value.clone();
    g.bench_function("lwm2m-cbor decode_into (reused struct)", |b| {
        b.iter(|| {
            decode_into(
                &path,
                &mut reused,
                Lwm2mCborReader::new(black_box(&lwm2m_cbor)),
            )
        })
    });
    assert_eq!(&reused, value);
    g.finish();

    // Heap allocations of encoding into a caller's buffer.
    let region = Region::new(GLOBAL);
    for _ in 0..100 {
        let mut w = TlvWriter::new(&path, SliceOutput::new(&mut buf));
        typed::encode(value, &mut w).unwrap();
        black_box(w.finish().unwrap().as_bytes().len());
    }
    let tlv_allocs = region.change().allocations;
    let region = Region::new(GLOBAL);
    for _ in 0..100 {
        let mut w = SenmlCborWriter::with_buffer(path, &mut buf);
        typed::encode(value, &mut w).unwrap();
        black_box(w.finish().unwrap().len());
    }
    let cbor_allocs = region.change().allocations;
    eprintln!(
        "{name}: heap allocations per 100 encodes into a caller's buffer: TLV {tlv_allocs}, SenML CBOR {cbor_allocs}"
    );

    // Heap allocations of decoding, into a fresh struct and into a reused one.
    let mut reused = value.clone();
    let mut count = |what: &str, run: &mut dyn FnMut(&mut I)| {
        let region = Region::new(GLOBAL);
        for _ in 0..100 {
            black_box(decode_fresh(&mut *run));
        }
        let fresh = region.change().allocations;
        let region = Region::new(GLOBAL);
        for _ in 0..100 {
            run(&mut reused);
        }
        let into = region.change().allocations;
        eprintln!(
            "{name}: {what} heap allocations per 100 decodes: fresh {fresh}, reused struct {into}"
        );
    };
    count("TLV", &mut |i| {
        typed::decode_into(i, &path, &mut TlvReader::new(&path, &tlv)).unwrap()
    });
    count("SenML CBOR", &mut |i| {
        typed::decode_into(i, &path, &mut SenmlCborReader::new(&senml_cbor)).unwrap()
    });
    count("SenML JSON", &mut |i| {
        typed::decode_into(i, &path, &mut SenmlJsonReader::new(&senml_json)).unwrap()
    });
    count("LwM2M CBOR", &mut |i| {
        typed::decode_into(i, &path, &mut Lwm2mCborReader::new(&lwm2m_cbor)).unwrap()
    });
}

fn single_resource(c: &mut Criterion) {
    use ucifi_objects::oma::device::v1_0::CurrentTime;
    let path = Path::resource(3, 0, 13);
    let mut buf = [0u8; 16];
    c.bench_function(
        "device/tlv typed write of Current Time (caller buffer)",
        |b| {
            b.iter(|| {
                let mut w = TlvWriter::new(&path, SliceOutput::new(&mut buf));
                typed::write::<CurrentTime, _>(black_box(&Time(1_367_491_215)), &mut w).unwrap();
                w.finish().unwrap().as_bytes().len()
            })
        },
    );
}

fn typed_codecs(c: &mut Criterion) {
    single_resource(c);
    bench_instance(c, "device", &device());
    bench_instance(c, "lamp-3416-2.0", &lamp());
}

criterion_group!(benches, typed_codecs);
criterion_main!(benches);
