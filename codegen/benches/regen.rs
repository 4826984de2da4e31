//! Regeneration of the whole OMA registry: parse, validate, generate and format.
//!
//! Skipped (with a message) when the registry is absent (`$LWM2M_REGISTRY`, else
//! `../shared/lwm2m-registry`). Target: at most 1 s per run.

use std::path::PathBuf;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use ucifi_codegen::Config;
use ucifi_codegen::generator::{self, Layout, Options};

fn registry() -> Option<PathBuf> {
    let p = match std::env::var_os("LWM2M_REGISTRY") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/lwm2m-registry"),
    };
    p.is_dir().then_some(p)
}

fn regen(c: &mut Criterion) {
    let Some(dir) = registry() else {
        eprintln!("regen bench skipped: no registry (set LWM2M_REGISTRY)");
        return;
    };
    let mut config = Config::new();
    config
        .models(&dir)
        .families_from_urn(true)
        .layout(Layout::Tree);
    let start = Instant::now();
    let files = config.render().expect("registry generates");
    let bytes: usize = files.iter().map(|f| f.contents.len()).sum();
    eprintln!(
        "registry: {} files, {} bytes of Rust, first run {:.0} ms",
        files.len(),
        bytes,
        start.elapsed().as_secs_f64() * 1000.0
    );
    let mut group = c.benchmark_group("regen");
    group.sample_size(10);
    group.bench_function("registry: parse+validate+generate+format", |b| {
        b.iter(|| config.render().expect("registry generates").len())
    });
    let inputs = config.load().expect("registry loads");
    let options = Options::default();
    group.bench_function("registry: generate+format only", |b| {
        b.iter(|| generator::generate(&inputs, &options).unwrap().len())
    });
    group.finish();
}

criterion_group!(benches, regen);
criterion_main!(benches);
