//! Reads and validates the whole OMA registry (`load_paths` over the root and
//! `version_history/`), then merges copies with `dedup_versions`.
//!
//! Run: `cargo bench -p ucifi-codegen --bench registry`. The registry is found at
//! `$LWM2M_REGISTRY`, else `../shared/lwm2m-registry` beside the repository; without it
//! the benchmark prints that it was skipped.
#![allow(missing_docs)]

use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use ucifi_codegen::load::{dedup_versions, load_paths};

fn registry() -> Option<PathBuf> {
    let dir = match std::env::var_os("LWM2M_REGISTRY") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/lwm2m-registry"),
    };
    dir.is_dir().then_some(dir)
}

fn bench(c: &mut Criterion) {
    let Some(dir) = registry() else {
        eprintln!("skipped registry benchmark: no registry (set LWM2M_REGISTRY)");
        return;
    };
    let paths = vec![dir];
    c.bench_function("load_and_validate_registry", |b| {
        b.iter(|| {
            let loaded = load_paths(std::hint::black_box(&paths));
            assert_eq!(loaded.counts.errors, 0);
            loaded
        })
    });
    c.bench_function("load_validate_dedup_registry", |b| {
        b.iter(|| {
            let loaded = load_paths(std::hint::black_box(&paths));
            dedup_versions(loaded.objects).map(|v| v.len())
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
