//! `ucifi client` and `ucifi server` talking to each other over loopback UDP, each a
//! process driven through stdin and read from its JSON lines: register; reads of Device
//! and lamp in every format, the lamp hosted at 1.0 and read by the 1.0 model; write and
//! read back; a write out of range refused with 4.00; execute; create and delete an
//! instance; observe with two notifications; Send; de-register.

mod common;

use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{PATIENCE, Process, ServerProcess};
use serde_json::{Value as Json, json};

/// `ucifi client` as a process, registering with `server`.
fn start_client(server: &str, objects: &str) -> Process {
    Process::spawn(&[
        "client",
        "--server",
        server,
        "--endpoint",
        "lamp-17",
        "--objects",
        objects,
        "--lifetime",
        "60",
    ])
}

/// The next line of `lines` whose event is `event` (lines of other events are skipped).
fn next(lines: &mpsc::Receiver<Json>, event: &str) -> Json {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = lines
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("no {event:?} line"));
        if line["event"] == event {
            return line;
        }
        assert_ne!(line["event"], "error", "{line}");
    }
}

/// The server's answer to `command`: its `response` or `error` line.
fn ask(server: &mut ServerProcess, command: &str) -> Json {
    server.command(command);
    let deadline = Instant::now() + PATIENCE;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = server
            .lines
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("no answer to {command:?}"));
        if line["event"] == "response" || line["event"] == "error" {
            return line;
        }
    }
}

#[test]
fn client_and_server_over_loopback() {
    let mut server = ServerProcess::start();
    let mut client = start_client(&server.address.to_string(), "3416@1.0");
    assert_eq!(next(&client.lines, "listening")["event"], "listening");

    // Register: the lamp at 1.0.
    let registered = next(&server.lines, "registered");
    assert_eq!(registered["endpoint"], "lamp-17");
    let objects = registered["objects"].as_array().unwrap();
    assert!(objects.contains(&json!({"id": 3416, "version": "1.0", "instances": [0]})));
    assert!(objects.contains(&json!({"id": 3, "version": "1.1", "instances": [0]})));
    next(&client.lines, "registered");

    // Device and lamp read in every format give the same records.
    for path in ["/3/0", "/3416/0"] {
        let mut answers = Vec::new();
        for format in [
            "tlv",
            "senml-json",
            "senml-cbor",
            "lwm2m-cbor",
            "lwm2m-json",
        ] {
            let line = ask(&mut server, &format!("read lamp-17 {path} {format}"));
            assert_eq!(line["code"], "2.05", "{format}: {line}");
            // The lamp's time and counters move between reads: compare what does not.
            let records: Vec<Json> = line["records"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|r| {
                    !["/3/0/13", "/3416/0/15", "/3416/0/8", "/3416/0/17"]
                        .contains(&r["n"].as_str().unwrap())
                })
                .cloned()
                .collect();
            answers.push(records);
        }
        assert!(
            answers.windows(2).all(|w| w[0] == w[1]),
            "{path}: {answers:?}"
        );
        assert!(!answers[0].is_empty());
    }
    // Text cannot carry an instance: 4.06.
    let line = ask(&mut server, "read lamp-17 /3/0 text");
    assert_eq!(
        (line["event"].as_str(), line["code"].as_str()),
        (Some("error"), Some("4.06"))
    );

    // The lamp at 1.0: resource 39 is a String.
    let line = ask(&mut server, "read lamp-17 /3416/0/39");
    assert_eq!(line["records"], json!([{"n": "/3416/0/39", "vs": "3000"}]));

    // Write, then read back; a value out of range is refused with 4.00.
    let line = ask(
        &mut server,
        r#"update lamp-17 /3416/0 [{"n":"/3416/0/1","v":30}]"#,
    );
    assert_eq!(line["code"], "2.04", "{line}");
    let line = ask(&mut server, "read lamp-17 /3416/0/1");
    assert_eq!(line["records"], json!([{"n": "/3416/0/1", "v": 30}]));
    let line = ask(
        &mut server,
        r#"update lamp-17 /3416/0 [{"n":"/3416/0/1","v":150}]"#,
    );
    assert_eq!(
        (line["event"].as_str(), line["code"].as_str()),
        (Some("error"), Some("4.00"))
    );
    let line = ask(&mut server, "read lamp-17 /3416/0/1");
    assert_eq!(line["records"], json!([{"n": "/3416/0/1", "v": 30}]));

    // Execute Reboot.
    let line = ask(&mut server, "exec lamp-17 /3/0/4");
    assert_eq!(line["code"], "2.04", "{line}");
    assert_eq!(next(&client.lines, "execute")["path"], "/3/0/4");

    // Create and delete a lamp instance.
    let line = ask(
        &mut server,
        r#"create lamp-17 /3416 [{"n":"/3416/1/1","v":10}]"#,
    );
    assert_eq!(
        (line["code"].as_str(), line["location"].as_str()),
        (Some("2.01"), Some("/3416/1")),
        "{line}"
    );
    let line = ask(&mut server, "read lamp-17 /3416/1/1");
    assert_eq!(line["records"], json!([{"n": "/3416/1/1", "v": 10}]));
    let line = ask(&mut server, "delete lamp-17 /3416/1");
    assert_eq!(line["code"], "2.02", "{line}");
    let line = ask(&mut server, "read lamp-17 /3416/1/1");
    assert_eq!(
        (line["event"].as_str(), line["code"].as_str()),
        (Some("error"), Some("4.04"))
    );

    // Observe Command; two changes on the device, two notifications.
    let line = ask(&mut server, "observe lamp-17 /3416/0/1");
    assert_eq!(line["records"], json!([{"n": "/3416/0/1", "v": 30}]));
    for value in [60, 70] {
        client.command(&format!("set /3416/0/1 {value}"));
        let line = next(&server.lines, "notify");
        assert_eq!(line["records"], json!([{"n": "/3416/0/1", "v": value}]));
    }
    let line = ask(&mut server, "cancel lamp-17 /3416/0/1");
    assert_eq!(line["command"], "cancel");

    // Send.
    client.command("send /3/0/9 /3416/0/39");
    let line = next(&server.lines, "send");
    let names: Vec<&str> = line["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["n"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["/3/0/9", "/3416/0/39"]);
    assert_eq!(line["records"][1]["vs"], "3000");

    // De-register.
    client.command("quit");
    assert_eq!(next(&server.lines, "deregistered")["endpoint"], "lamp-17");
    let deadline = Instant::now() + PATIENCE;
    while client.child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "the client did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(client.child.wait().unwrap().success());
    server.command("quit");
}
