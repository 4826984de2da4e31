//! `ucifi decode`, `encode` and `convert` of a time series of 10^6 records with distinct
//! times (one temperature reading per second), end to end through the command line, in
//! records/s. The payload is written to a file once; each iteration runs the binary.
//!
//! `cargo bench -p ucifi --bench timeseries`

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const RECORDS: usize = 1_000_000;

/// SenML JSON: a base name and time, then one record per second.
fn series(n: usize) -> String {
    let mut s = String::from(r#"[{"bn":"/3303/0/","bt":1700000000,"n":"5700","v":20.5}"#);
    for i in 1..n {
        s.push_str(&format!(r#",{{"n":"5700","t":{i},"v":{}.5}}"#, 20 + i % 7));
    }
    s.push(']');
    s
}

/// Runs `ucifi ARGS < input` and returns its stdout; panics on failure.
fn ucifi(args: &[&str], input: &Path) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_ucifi"))
        .args(args)
        .stdin(std::fs::File::open(input).unwrap())
        .stderr(Stdio::inherit())
        .output()
        .unwrap();
    assert!(out.status.success(), "ucifi {args:?} failed");
    out.stdout
}

fn timeseries(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("ucifi-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = |name: &str| -> PathBuf { dir.join(name) };
    std::fs::write(file("series.json"), series(RECORDS)).unwrap();
    let path = ["--path", "/3303/0"];
    let cbor = ucifi(
        &[&["encode", "--format", "senml-cbor", "--raw"][..], &path].concat(),
        &file("series.json"),
    );
    std::fs::write(file("series.cbor"), cbor).unwrap();

    let mut g = c.benchmark_group("cli-timeseries");
    g.sample_size(10);
    g.throughput(Throughput::Elements(RECORDS as u64));
    let runs: [(&str, &[&str], &str); 3] = [
        (
            "decode senml-json",
            &["decode", "--format", "senml-json"],
            "series.json",
        ),
        (
            "encode senml-cbor",
            &["encode", "--format", "senml-cbor"],
            "series.json",
        ),
        (
            "convert senml-cbor to lwm2m-json",
            &[
                "convert",
                "--from",
                "senml-cbor",
                "--to",
                "lwm2m-json",
                "--raw",
            ],
            "series.cbor",
        ),
    ];
    for (name, args, input) in runs {
        let args = [args, &path].concat();
        g.bench_function(name, |b| b.iter(|| ucifi(&args, &file(input))));
    }
    g.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, timeseries);
criterion_main!(benches);
