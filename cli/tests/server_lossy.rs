//! `ucifi server` and a device over a link that loses and repeats datagrams both ways
//! (every 4th lost, every 3rd sent twice): every exchange still completes exactly once,
//! by retransmission and duplicate detection on both sides.

mod common;

use std::time::{Duration, Instant};

use common::{Client, Loss, PATIENCE, ServerProcess};
use serde_json::Value as Json;
use ucifi_lwm2m::transport::TransportConfig;
use ucifi_objects::ucifi::outdoor_lamp_controller::v1_0::OutdoorLampController;

/// Steps the device until the server prints a line; returns it.
fn next_line(server: &ServerProcess, device: &mut Client) -> Json {
    let deadline = Instant::now() + PATIENCE * 3;
    loop {
        device.step();
        if let Ok(line) = server.lines.try_recv() {
            return line;
        }
        assert!(Instant::now() < deadline, "no line from the server");
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Steps the device for `for_` and returns every line the server printed meanwhile.
fn lines_for(server: &ServerProcess, device: &mut Client, for_: Duration) -> Vec<Json> {
    let until = Instant::now() + for_;
    let mut lines = Vec::new();
    while Instant::now() < until {
        device.step();
        while let Ok(line) = server.lines.try_recv() {
            lines.push(line);
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    lines
}

#[test]
fn every_exchange_completes_exactly_once_over_a_lossy_link() {
    // Short timeouts on both sides keep the retransmissions quick.
    let mut server = ServerProcess::start_with(&["--ack-timeout", "50"]);
    let fast = TransportConfig {
        ack_timeout_ms: 50,
        max_retransmit: 8,
        ..TransportConfig::default()
    };
    let mut device = Client::new(server.address, "lossy-1").with_config(fast);
    device.loss = Some(Loss::new(4, 3));

    let register = device.host.register_request(0, vec![]);
    let created = device.request(register);
    device.host.registered(&created).unwrap();
    let line = next_line(&server, &mut device);
    assert_eq!(line["event"], "registered", "{line}");

    // Ten reads and ten writes, one at a time: each answered once, in order.
    for i in 0..10 {
        server.command("read lossy-1 /3416/0/1");
        let line = next_line(&server, &mut device);
        assert_eq!(
            (line["event"].as_str(), line["code"].as_str()),
            (Some("response"), Some("2.05")),
            "{line}"
        );
        let value = 40 + i;
        server.command(&format!(
            r#"update lossy-1 /3416/0 [{{"n":"/3416/0/1","v":{value}}}]"#
        ));
        let line = next_line(&server, &mut device);
        assert_eq!(line["code"], "2.04", "{line}");
        assert_eq!(
            device
                .host
                .instance::<OutdoorLampController>(0)
                .unwrap()
                .command,
            value
        );
    }

    // Observe, then five changes: five notifications, each once, in order.
    server.command("observe lossy-1 /3416/0/3");
    let line = next_line(&server, &mut device);
    assert_eq!(line["command"], "observe", "{line}");
    let mut values = Vec::new();
    for level in 1..=5 {
        device
            .host
            .instance_mut::<OutdoorLampController>(0)
            .unwrap()
            .dimming_level = level;
        let line = next_line(&server, &mut device);
        assert_eq!(line["event"], "notify", "{line}");
        values.push(line["records"][0]["v"].as_i64().unwrap());
    }
    assert_eq!(values, [1, 2, 3, 4, 5]);

    // Nothing more arrives late: no duplicate line of any exchange.
    let late = lines_for(&server, &mut device, Duration::from_millis(1500));
    assert!(late.is_empty(), "{late:?}");

    let deregister = device.host.deregister_request(0, vec![]).unwrap();
    device.request(deregister);
    let line = next_line(&server, &mut device);
    assert_eq!(line["event"], "deregistered", "{line}");
    server.command("quit");
}
