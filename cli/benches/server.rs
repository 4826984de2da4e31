//! `ucifi server` on loopback UDP: registrations/s and notifications/s, with devices made
//! of `ucifi-lwm2m`'s client `Host` and `Endpoint` in this process (the ones the tests
//! use). Each registration and each notification is counted when the server has printed
//! its JSON line.
//!
//! `cargo bench -p ucifi --bench server`

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::{Client, ServerProcess};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ucifi_objects::oma::device::v1_1::Device;

/// Devices per iteration.
const DEVICES: usize = 250;

/// Steps the devices until the server has printed `count` lines of `event`.
fn wait_for(server: &ServerProcess, clients: &mut [Client], event: &str, count: usize) {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut found = 0;
    while found < count {
        for c in clients.iter_mut() {
            c.step();
        }
        while let Ok(line) = server.lines.try_recv() {
            if line["event"] == event {
                found += 1;
            }
        }
        assert!(
            Instant::now() < deadline,
            "{found} of {count} {event:?} lines"
        );
    }
}

fn register_all(server: &ServerProcess, clients: &mut [Client]) {
    for c in clients.iter_mut() {
        let register = c.host.register_request(0, vec![]);
        let now = c.now();
        c.endpoint.request(c.server, register, now);
    }
    wait_for(server, clients, "registered", clients.len());
}

fn server(c: &mut Criterion) {
    let mut server = ServerProcess::start();
    let mut group = c.benchmark_group("server");
    group.sample_size(10);
    group.throughput(Throughput::Elements(DEVICES as u64));
    let mut batch = 0;
    group.bench_function("registrations", |b| {
        b.iter_custom(|iterations| {
            let mut total = Duration::ZERO;
            for _ in 0..iterations {
                batch += 1;
                let mut clients: Vec<Client> = (0..DEVICES)
                    .map(|i| Client::new(server.address, &format!("r{batch}-{i}")))
                    .collect();
                let start = Instant::now();
                register_all(&server, &mut clients);
                total += start.elapsed();
            }
            total
        })
    });

    // One set of observed devices; each iteration changes every value once.
    let mut clients: Vec<Client> = (0..DEVICES)
        .map(|i| Client::new(server.address, &format!("n-{i}")))
        .collect();
    register_all(&server, &mut clients);
    for i in 0..DEVICES {
        server.command(&format!("observe n-{i} /3/0/9"));
    }
    wait_for(&server, &mut clients, "response", DEVICES);
    let mut level = 0;
    group.bench_function("notifications", |b| {
        b.iter_custom(|iterations| {
            let mut total = Duration::ZERO;
            for _ in 0..iterations {
                level = (level + 1) % 100;
                let start = Instant::now();
                for c in clients.iter_mut() {
                    c.host.instance_mut::<Device>(0).unwrap().battery_level = Some(level);
                }
                wait_for(&server, &mut clients, "notify", DEVICES);
                total += start.elapsed();
            }
            total
        })
    });
    group.finish();
    server.command("quit");
}

criterion_group!(benches, server);
criterion_main!(benches);
