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

/// User + system CPU time of this process (Linux), to tell the generator's cost from the
/// machine's load.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
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
    let cpu = cpu_seconds();
    let files = config.render().expect("registry generates");
    let cpu = cpu_seconds().zip(cpu).map(|(b, a)| b - a);
    let bytes: usize = files.iter().map(|f| f.contents.len()).sum();
    eprintln!(
        "registry: {} files, {} bytes of Rust, first run {:.0} ms wall, {} ms CPU (all threads)",
        files.len(),
        bytes,
        start.elapsed().as_secs_f64() * 1000.0,
        cpu.map_or("?".into(), |c| format!("{:.0}", c * 1000.0))
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
