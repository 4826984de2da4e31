//! `--object-version ID=VERSION`: a payload typed by the object version its device uses.
//! Resource 39 of the Outdoor lamp controller (3416) is a String in 1.0 and an Integer in
//! 2.0; the TLV bytes of "3000" read as an integer when the wrong version types them.

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

const TLV_3000: &str = "c42733303030";

#[test]
fn a_payload_decodes_by_the_version_its_device_uses() {
    let decode = |extra: &[&str]| {
        let args = [
            &["decode", "-f", "tlv", "-p", "/3416/0", TLV_3000][..],
            extra,
        ]
        .concat();
        run(&args, "")
    };
    let (code, out, err) = decode(&["--object-version", "3416=1.0"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(out, "[\n  {\"n\":\"/3416/0/39\",\"vs\":\"3000\"}\n]\n");
    // The latest version (2.0) reads the same bytes as an Integer.
    let (code, out, _) = decode(&[]);
    assert_eq!(code, Some(0));
    assert_eq!(out, "[\n  {\"n\":\"/3416/0/39\",\"v\":858796080}\n]\n");
    // Versions of other objects change nothing here; an unknown version is an error.
    let (code, out, _) = decode(&["--object-version", "3=1.0", "--object-version", "3416=1.0"]);
    assert_eq!((code, out.contains("\"vs\":\"3000\"")), (Some(0), true));
    let (code, out, err) = decode(&["--object-version", "3416=1.7"]);
    assert_eq!(code, Some(1));
    assert!(out.is_empty());
    assert_eq!(
        err,
        "error: --object-version: object 3416 version 1.7 is not in the registry\n"
    );
    let (code, _, err) = decode(&["--object-version", "3416"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("\"3416\": expected ID=VERSION, e.g. 3416=1.0"),
        "{err}"
    );
}

#[test]
fn encode_and_convert_use_the_version_too() {
    let (code, out, err) = run(
        &[
            "encode",
            "-f",
            "tlv",
            "-p",
            "/3416/0",
            "--object-version",
            "3416=1.0",
        ],
        r#"[{"n":"/3416/0/39","vs":"3000"}]"#,
    );
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(out.trim_end(), TLV_3000);
    let (code, out, err) = run(
        &[
            "convert",
            "--from",
            "tlv",
            "--to",
            "senml-json",
            "-p",
            "/3416/0",
            "--object-version",
            "3416=1.0",
            TLV_3000,
        ],
        "",
    );
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        out.trim_end(),
        r#"[{"bn":"/3416/0/","n":"39","vs":"3000"}]"#
    );
}
