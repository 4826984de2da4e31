//! `ucifi server` under load, on loopback: 1,000 devices register, each is observed, and
//! each reports 10 changes; the server prints every registration and all 10,000
//! notifications, each exactly once.

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use common::{Client, ServerProcess};
use serde_json::Value as Json;
use ucifi_objects::oma::device::v1_1::Device;

const CLIENTS: usize = 1_000;
const ROUNDS: i64 = 10;
/// Devices whose values change at once.
const WAVE: usize = 250;
/// Bound on the whole test: it fails rather than hang.
const BUDGET: Duration = Duration::from_secs(120);

/// Steps every device until the server has printed `count` lines of `event`; the lines.
fn collect(
    server: &ServerProcess,
    clients: &mut [Client],
    event: &str,
    count: usize,
    deadline: Instant,
) -> Vec<Json> {
    let mut found = Vec::new();
    while found.len() < count {
        for c in clients.iter_mut() {
            c.step();
        }
        while let Ok(line) = server.lines.try_recv() {
            assert_ne!(line["event"], "error", "{line}");
            if line["event"] == event {
                found.push(line);
            }
        }
        assert!(
            Instant::now() < deadline,
            "{} of {count} {event:?} lines",
            found.len()
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    found
}

#[test]
fn a_thousand_devices_register_and_none_of_their_notifications_is_lost() {
    let deadline = Instant::now() + BUDGET;
    let mut server = ServerProcess::start();
    let mut clients: Vec<Client> = (0..CLIENTS)
        .map(|i| Client::new(server.address, &format!("load-{i}")))
        .collect();

    for c in &mut clients {
        let register = c.host.register_request(0, vec![]);
        let now = c.now();
        c.endpoint.request(c.server, register, now);
    }
    let registered = collect(&server, &mut clients, "registered", CLIENTS, deadline);
    let mut names: Vec<&str> = registered
        .iter()
        .map(|l| l["endpoint"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), CLIENTS);

    for i in 0..CLIENTS {
        server.command(&format!("observe load-{i} /3/0/9"));
    }
    let observed = collect(&server, &mut clients, "response", CLIENTS, deadline);
    assert!(observed.iter().all(|l| l["code"] == "2.05"));

    // Each round changes every battery level once, a wave of WAVE devices at a time;
    // every change is notified.
    let mut seen: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for round in 1..=ROUNDS {
        for wave in 0..CLIENTS / WAVE {
            for c in &mut clients[wave * WAVE..(wave + 1) * WAVE] {
                c.host.instance_mut::<Device>(0).unwrap().battery_level = Some(round);
            }
            for line in collect(&server, &mut clients, "notify", WAVE, deadline) {
                let endpoint = line["endpoint"].as_str().unwrap().to_string();
                let value = line["records"][0]["v"].as_i64().unwrap();
                seen.entry(endpoint).or_default().push(value);
            }
        }
    }
    assert_eq!(seen.len(), CLIENTS);
    let expected: Vec<i64> = (1..=ROUNDS).collect();
    assert!(seen.values().all(|v| *v == expected));
    assert_eq!(seen.values().map(Vec::len).sum::<usize>(), 10_000);
    server.command("quit");
}
