//! `ucifi encode` and `convert` refuse values outside the model's range (one error line,
//! exit 1) unless `--no-validate`.

use assert_cmd::cargo::cargo_bin_cmd;

fn run(args: &[&str], stdin: &str) -> (Option<i32>, String, String) {
    let out = cargo_bin_cmd!("ucifi")
        .args(args)
        .write_stdin(stdin.as_bytes().to_vec())
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn out_of_range_values_are_refused_unless_asked() {
    // Outdoor lamp controller Command (3416/0/1) is 0..100.
    let json = r#"[{"n":"/3416/0/1","v":150}]"#;
    let (code, out, err) = run(&["encode", "-f", "tlv", "-p", "/3416/0"], json);
    assert_eq!(code, Some(1));
    assert!(out.is_empty());
    assert_eq!(
        err,
        "error: /3416/0/1: 150 is outside 0..100 (the model's range; --no-validate encodes it anyway)\n"
    );
    let (code, out, err) = run(
        &["encode", "-f", "tlv", "-p", "/3416/0", "--no-validate"],
        json,
    );
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(out, "c2010096\n");
    let (code, out, _) = run(
        &["encode", "-f", "tlv", "-p", "/3416/0"],
        r#"[{"n":"/3416/0/1","v":100}]"#,
    );
    assert_eq!((code, out.as_str()), (Some(0), "c10164\n"));
    // A TLV byte 0x96 for Command reads as -106: convert refuses it too.
    let (code, _, err) = run(
        &[
            "convert",
            "--from",
            "tlv",
            "--to",
            "senml-json",
            "-p",
            "/3416/0",
            "c10196",
        ],
        "",
    );
    assert_eq!(code, Some(1));
    assert_eq!(
        err,
        "error: /3416/0/1: -106 is outside 0..100 (the model's range; --no-validate encodes it anyway)\n"
    );
    let (code, out, _) = run(
        &[
            "convert",
            "--from",
            "tlv",
            "--to",
            "senml-json",
            "-p",
            "/3416/0",
            "c10196",
            "--no-validate",
        ],
        "",
    );
    assert_eq!(
        (code, out.trim_end()),
        (Some(0), r#"[{"bn":"/3416/0/","n":"1","v":-106}]"#)
    );
}
