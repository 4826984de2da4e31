//! Malformed payloads and bad arguments: exactly one `error: ...` line on stderr (with the
//! byte offset, JSON position or path, and the reason), exit status 1, nothing on stdout.

use std::path::PathBuf;

use assert_cmd::cargo::cargo_bin_cmd;

fn models() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../models")
        .display()
        .to_string()
}

/// (arguments, stdin, the exact stderr line without `error: ` and the newline).
const CASES: &[(&[&str], &str, &str)] = &[
    // TLV
    (
        &["decode", "-f", "tlv", "-p", "/3/0/9", "c109"],
        "",
        "tlv at byte 0: the payload ends early",
    ),
    (
        &["decode", "-f", "tlv", "-p", "/3/0/9", "c10957ff"],
        "",
        "tlv at byte 3: bytes after the end of the payload's data",
    ),
    (
        &["decode", "-f", "tlv", "-p", "/3/0", "c109578800"],
        "",
        "tlv at byte 3: the payload ends early",
    ),
    (
        &["decode", "-f", "tlv", "-p", "/3/0/9", "c30957000000"],
        "",
        "tlv at byte 2: /3/0/9: invalid length 3 for type Integer",
    ),
    // CBOR
    (
        &["decode", "-f", "cbor", "-p", "/3/0/9", "63414243"],
        "",
        "cbor at byte 0: /3/0/9: expected a value of type Integer, found a string",
    ),
    (
        &["decode", "-f", "cbor", "-p", "/3/0/9", "1857ff"],
        "",
        "cbor at byte 2: bytes after the end of the payload's data",
    ),
    (
        &["decode", "-f", "60", "-p", "/3/0/9", "1a"],
        "",
        "cbor at byte 1: the payload ends early",
    ),
    // text/plain and octet-stream
    (
        &["decode", "-f", "text", "-p", "/3/0/9", "8x7"],
        "",
        "text at byte 0: /3/0/9: invalid Integer text",
    ),
    (
        &["decode", "-f", "text", "-p", "/3/0", "87"],
        "",
        "text: /3/0: the format cannot carry this target",
    ),
    (
        &["decode", "-f", "opaque", "-p", "/3/0/9", "57"],
        "",
        "opaque at byte 0: /3/0/9: expected a value of type Integer, found opaque bytes",
    ),
    // LwM2M CBOR
    (
        &["decode", "-f", "lwm2m-cbor", "-p", "/3/0", "a183030009"],
        "",
        "lwm2m-cbor at byte 5: the payload ends early",
    ),
    (
        &["decode", "-f", "lwm2m-cbor", "-p", "/3/0", "83030009"],
        "",
        "lwm2m-cbor at byte 0: a value of another kind than the format allows here",
    ),
    // SenML JSON and CBOR
    (
        &["decode", "-f", "senml-json", "-p", "/3/0"],
        r#"[{"n":"/3/0/9","v":87}"#,
        "senml-json at byte 22: the payload ends early",
    ),
    (
        &["decode", "-f", "senml-json", "-p", "/3/0"],
        r#"[{"n":"/3/0/9","vs":87}]"#,
        "senml-json at byte 20: a value of another kind than the format allows here",
    ),
    (
        &["decode", "-f", "senml-json", "-p", "/3/0"],
        r#"[{"n":"/3/0/9","vs":"87"}]"#,
        "senml-json at byte 20: /3/0/9: expected a value of type Integer, found a string",
    ),
    (
        &["decode", "-f", "lwm2m-cbor", "-p", "/3/0", "a1830300096141"],
        "",
        "lwm2m-cbor at byte 5: /3/0/9: expected a value of type Integer, found a string",
    ),
    (
        &["decode", "-f", "senml-json", "-p", "/3/0"],
        r#"[{"n":"/3/1/9","v":87}]"#,
        "senml-json at byte 1: /3/1/9: outside the requested path",
    ),
    (
        &["decode", "-f", "senml-json", "-p", "/3/0"],
        r#"[{"n":"/3/0/9","v":87},{"n":"/3/0/9","v":88}]"#,
        "senml-json at byte 23: /3/0/9: duplicate path in payload",
    ),
    (
        &["decode", "-f", "senml-json", "-p", "/3/0"],
        r#"[{"n":"/3/0/6","v":87}]"#,
        "senml-json at byte 1: /3/0/6: single value for a multiple-instance resource",
    ),
    (
        &["decode", "-f", "senml-cbor", "-p", "/3/0", "81a2006139"],
        "",
        "senml-cbor at byte 5: the payload ends early",
    ),
    (
        &["decode", "-f", "senml-cbor", "-p", "/3/0/9", ""],
        "",
        "senml-cbor: /3/0/9: no value for the target",
    ),
    // LwM2M JSON
    (
        &["decode", "-f", "lwm2m-json", "-p", "/3/0"],
        r#"{"bn":"/3/0/","e":[{"n":"9","sv":87}]}"#,
        "lwm2m-json at byte 33: a value of another kind than the format allows here",
    ),
    (
        &["decode", "-f", "11543", "-p", "/3/0"],
        r#"{"bn":"/3/0/","e":[{"n":"9","v":87}"#,
        "lwm2m-json at byte 35: the payload ends early",
    ),
    (
        &["decode", "-f", "lwm2m-json", "-p", "/3/0", "[]"],
        "",
        "lwm2m-json at byte 0: a value of another kind than the format allows here",
    ),
    // encode input
    (
        &["encode", "-f", "tlv", "-p", "/3/0"],
        "nope",
        "senml-json at byte 0: a value of another kind than the format allows here",
    ),
    (
        &["encode", "-f", "tlv", "-p", "/3/0"],
        r#"[{"n":"/3/0/9","vb":true}]"#,
        "senml-json at byte 20: /3/0/9: expected a value of type Integer, found a boolean",
    ),
    (
        &["encode", "-f", "text", "-p", "/3/0"],
        r#"[{"n":"/3/0/9","v":87}]"#,
        "text: /3/0: the format cannot carry this target",
    ),
    // hex input
    (
        &["decode", "-f", "tlv", "-p", "/3/0/9", "c1095"],
        "",
        "invalid hex input: odd number of hex digits (5)",
    ),
    (
        &["decode", "-f", "tlv", "-p", "/3/0/9"],
        "c1 xx 57",
        "invalid hex input at character 3: 'x' is not a hex digit",
    ),
    // arguments
    (
        &["decode", "-f", "xml", "-p", "/3/0/9", "57"],
        "",
        "unknown content format \"xml\": expected text, opaque, cbor, tlv, senml-json, senml-cbor, lwm2m-json, lwm2m-cbor, link-format or a CoAP number (0, 42, 60, 11542, 110, 112, 11543, 11544, 40)",
    ),
    (
        &["decode", "-f", "tlv", "-p", "3/0/9", "57"],
        "",
        "invalid path \"3/0/9\": path must start with '/'",
    ),
    (
        &["decode", "-f", "tlv", "-p", "/", "57"],
        "",
        "tlv cannot carry a composite payload (path /): give an object, instance, resource or resource instance path, or use senml-json, senml-cbor, lwm2m-json or lwm2m-cbor",
    ),
    (
        &["decode", "-f", "tlv", "-p", "/3/0/9/1/2", "57"],
        "",
        "invalid path \"/3/0/9/1/2\": path has more than four segments",
    ),
    (
        &["decode", "-f", "tlv", "-p", "/3/65535", "57"],
        "",
        "invalid path \"/3/65535\": path segment 1 is out of range: IDs go from 0 to 65534",
    ),
    (
        &[
            "convert",
            "--from",
            "senml-json",
            "--to",
            "lwm2m-cbor",
            "-p",
            "/",
        ],
        r#"[{"n":"/3303/0/5700","v":22.5,"t":1700000000}]"#,
        "lwm2m-cbor cannot carry timestamps (the payload has times; use senml-json, senml-cbor or lwm2m-json)",
    ),
    (
        &[
            "convert",
            "--from",
            "link-format",
            "--to",
            "tlv",
            "-p",
            "/3",
            "</3/0>",
        ],
        "",
        "link-format carries links, not values: it converts to and from no value format",
    ),
    (
        &["decode", "-f", "link-format", "-p", "/", "</3/0>;pmin=\"10"],
        "",
        "link-format at byte 12: not a valid link (RFC 6690)",
    ),
];

#[test]
fn malformed_payloads_give_one_exact_error_line() {
    assert!(CASES.len() >= 10);
    for (args, stdin, want) in CASES {
        let out = cargo_bin_cmd!("ucifi")
            .args(*args)
            .arg("--models")
            .arg(models())
            .write_stdin(stdin.as_bytes().to_vec())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err, format!("error: {want}\n"), "ucifi {args:?}");
        assert_eq!(out.status.code(), Some(1), "ucifi {args:?}");
        assert!(out.stdout.is_empty(), "ucifi {args:?} wrote to stdout");
    }
}

#[test]
fn missing_models_folder_is_an_error() {
    let out = cargo_bin_cmd!("ucifi")
        .args(["decode", "-f", "tlv", "-p", "/3/0/9", "c10957"])
        .args(["--models", "/nonexistent/ucifi-models"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: --models /nonexistent/ucifi-models: no such file or folder\n"
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
}

#[test]
fn definitions_with_errors_are_refused() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad-models");
    let out = cargo_bin_cmd!("ucifi")
        .args(["decode", "-f", "tlv", "-p", "/3/0/9", "c10957", "--models"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "error: --models: 2 error(s) in the definitions, first: {}:19:9: error[unknown-type]: <Item ID=\"0\">: unknown Type \"Int\": expected String, Integer, Unsigned Integer, Float, Boolean, Opaque, Time, Objlnk, Corelnk or empty\n",
            dir.join("33001-1_0.xml").display()
        )
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
}

#[test]
fn random_bytes_never_panic() {
    // A small deterministic generator: every format, every target level, short payloads.
    let mut seed: u64 = 0x5EED_1234_ABCD_0001;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let formats = ["tlv", "cbor", "senml-cbor", "lwm2m-cbor", "opaque"];
    let paths = ["/3", "/3/0", "/3/0/9", "/3/0/6", "/3/0/6/1", "/3416/0"];
    for round in 0..40 {
        let len = (next() % 12) as usize;
        let bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        let f = formats[round % formats.len()];
        let p = paths[(next() % paths.len() as u64) as usize];
        let out = cargo_bin_cmd!("ucifi")
            .args(["decode", "--format", f, "--path", p, "--raw", "--models"])
            .arg(models())
            .write_stdin(bytes.clone())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        match out.status.code() {
            Some(0) => assert!(err.is_empty()),
            Some(1) => {
                assert!(
                    err.starts_with("error: ") && err.lines().count() == 1,
                    "{err}"
                );
                assert!(out.stdout.is_empty());
            }
            other => panic!("{f} {p} {bytes:02x?}: status {other:?}, stderr {err}"),
        }
    }
}
