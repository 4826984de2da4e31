//! Time series through `ucifi decode` / `encode` / `convert`: records with distinct times
//! stay linear in time and memory (one leaf per value), and a path given twice at one
//! time is refused wherever the two records are.

use assert_cmd::cargo::cargo_bin_cmd;

fn run(args: &[&str], stdin: &[u8]) -> (bool, Vec<u8>, String) {
    let out = cargo_bin_cmd!("ucifi")
        .args(args)
        .write_stdin(stdin.to_vec())
        .output()
        .unwrap();
    (
        out.status.success(),
        out.stdout,
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// `n` temperature readings of /3303/0/5700, one per second.
fn series(n: usize) -> String {
    let mut s = String::from(r#"[{"bn":"/3303/0/","bt":1700000000,"n":"5700","v":20.5}"#);
    for i in 1..n {
        s.push_str(&format!(r#",{{"n":"5700","t":{i},"v":{}.5}}"#, 20 + i % 7));
    }
    s.push(']');
    s
}

#[test]
fn a_hundred_thousand_timed_records_decode_encode_and_convert() {
    let n = 100_000;
    let input = series(n);
    let (ok, out, err) = run(
        &["decode", "--format", "senml-json", "--path", "/3303/0"],
        input.as_bytes(),
    );
    assert!(ok, "{err}");
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), n + 2, "one record per line between [ and ]");
    assert_eq!(
        lines[1],
        r#"  {"n":"/3303/0/5700","v":20.5,"t":1700000000},"#
    );
    assert_eq!(
        lines[n],
        r#"  {"n":"/3303/0/5700","v":24.5,"t":1700099999}"#
    );
    // To SenML CBOR, on to LwM2M JSON, and back to the same canonical records.
    let (ok, cbor, err) = run(
        &[
            "encode",
            "--format",
            "senml-cbor",
            "--path",
            "/3303/0",
            "--raw",
        ],
        input.as_bytes(),
    );
    assert!(ok, "{err}");
    let (ok, json, err) = run(
        &[
            "convert",
            "--from",
            "senml-cbor",
            "--to",
            "lwm2m-json",
            "--path",
            "/3303/0",
            "--raw",
        ],
        &cbor,
    );
    assert!(ok, "{err}");
    let (ok, back, err) = run(
        &["decode", "--format", "lwm2m-json", "--path", "/3303/0"],
        &json,
    );
    assert!(ok, "{err}");
    assert_eq!(String::from_utf8(back).unwrap(), text);
}

#[test]
fn a_path_twice_at_one_time_is_refused_wherever_it_is() {
    // Next to each other: the decoder's error, at the second record.
    let (ok, _, err) = run(
        &["decode", "--format", "senml-json", "--path", "/3303/0"],
        br#"[{"n":"/3303/0/5700","t":1,"v":1},{"n":"/3303/0/5700","t":1,"v":2}]"#,
    );
    assert!(!ok);
    assert_eq!(
        err,
        "error: senml-json at byte 34: /3303/0/5700: duplicate path in payload\n"
    );
    // Apart, with another time between them.
    let (ok, _, err) = run(
        &["decode", "--format", "senml-json", "--path", "/3303/0"],
        br#"[{"n":"/3303/0/5700","t":1,"v":1},{"n":"/3303/0/5700","t":2,"v":2},{"n":"/3303/0/5700","t":1,"v":3}]"#,
    );
    assert!(!ok);
    assert_eq!(
        err,
        "error: senml-json: /3303/0/5700: duplicate path in payload\n"
    );
    // Different times: a series.
    let (ok, out, err) = run(
        &["decode", "--format", "senml-json", "--path", "/3303/0"],
        br#"[{"n":"/3303/0/5700","t":2,"v":2},{"n":"/3303/0/5700","t":1,"v":1}]"#,
    );
    assert!(ok, "{err}");
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "[\n  {\"n\":\"/3303/0/5700\",\"v\":1.0,\"t\":1},\n  {\"n\":\"/3303/0/5700\",\"v\":2.0,\"t\":2}\n]\n"
    );
}
