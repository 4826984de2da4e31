//! `--root-path PATH`: SenML names under the device's alternate path (`</lwm2m>;rt="oma.lwm2m"`
//! in its Register payload), read by `decode` and `convert` and written by `encode` and
//! `convert`.

use assert_cmd::cargo::cargo_bin_cmd;

fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let out = cargo_bin_cmd!("ucifi").args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

const UNDER_ROOT: &str = r#"[{"bn":"/lwm2m/rootpath/3/0/","n":"0","vs":"ucifi"},{"n":"9","v":87}]"#;
const CANONICAL: &str = r#"[{"bn":"/3/0/","n":"0","vs":"ucifi"},{"n":"9","v":87}]"#;
/// `UNDER_ROOT` in SenML CBOR.
const UNDER_ROOT_CBOR: &str =
    "82a321742f6c776d326d2f726f6f74706174682f332f302f00613003657563696669a2006139021857";

#[test]
fn decode_reads_names_under_the_root_path() {
    let root = ["--root-path", "/lwm2m/rootpath"];
    let want = "[\n  {\"n\":\"/3/0/0\",\"vs\":\"ucifi\"},\n  {\"n\":\"/3/0/9\",\"v\":87}\n]\n";
    for (format, payload) in [("senml-json", UNDER_ROOT), ("senml-cbor", UNDER_ROOT_CBOR)] {
        let (code, out, err) =
            run(&[&["decode", "-f", format, "-p", "/3/0", payload][..], &root].concat());
        assert_eq!((code, out.as_str()), (Some(0), want), "{format}: {err}");
    }
    // The canonical payload without the option.
    let (code, out, _) = run(&["decode", "-f", "senml-json", "-p", "/3/0", CANONICAL]);
    assert_eq!((code, out.as_str()), (Some(0), want));
    // A name outside the root path.
    let (code, out, err) = run(&[
        &["decode", "-f", "senml-json", "-p", "/3/0", CANONICAL][..],
        &root,
    ]
    .concat());
    assert_eq!((code, out.as_str()), (Some(1), ""));
    assert_eq!(
        err,
        "error: senml-json at byte 1: outside the requested path\n"
    );
}

#[test]
fn encode_and_convert_write_names_under_the_root_path() {
    let root = ["--root-path", "/lwm2m/rootpath"];
    let (code, out, err) = run(&[
        &["encode", "-f", "senml-json", "-p", "/3/0", CANONICAL][..],
        &root,
    ]
    .concat());
    assert_eq!(
        (code, out.as_str()),
        (Some(0), &*format!("{UNDER_ROOT}\n")),
        "{err}"
    );
    let (code, out, err) = run(&[
        &["encode", "-f", "senml-cbor", "-p", "/3/0", CANONICAL][..],
        &root,
    ]
    .concat());
    assert_eq!(
        (code, out.as_str()),
        (Some(0), &*format!("{UNDER_ROOT_CBOR}\n")),
        "{err}"
    );
    // Both sides of a conversion; formats without names ignore it.
    let (code, out, err) = run(&[
        &[
            "convert",
            "--from",
            "senml-cbor",
            "--to",
            "senml-json",
            "-p",
            "/3/0",
            UNDER_ROOT_CBOR,
        ][..],
        &root,
    ]
    .concat());
    assert_eq!(
        (code, out.as_str()),
        (Some(0), &*format!("{UNDER_ROOT}\n")),
        "{err}"
    );
    let (code, out, err) = run(&[
        &[
            "convert",
            "--from",
            "tlv",
            "--to",
            "senml-json",
            "-p",
            "/3/0/9",
            "c10957",
        ][..],
        &root,
    ]
    .concat());
    assert_eq!(
        (code, out.as_str()),
        (Some(0), "[{\"bn\":\"/lwm2m/rootpath/3/0/9\",\"v\":87}]\n"),
        "{err}"
    );
    let (code, out, err) = run(&[
        &[
            "convert",
            "--from",
            "senml-json",
            "--to",
            "tlv",
            "-p",
            "/3/0",
            UNDER_ROOT,
        ][..],
        &root,
    ]
    .concat());
    assert_eq!(
        (code, out.as_str()),
        (Some(0), "c5007563696669c10957\n"),
        "{err}"
    );
    // A time series (a Send).
    let series = r#"[{"n":"/3303/0/5700","v":21.5,"t":1700000000},{"n":"/3303/0/5700","v":21.75,"t":1700000060}]"#;
    let (code, out, err) = run(&[
        "encode",
        "-f",
        "senml-json",
        "-p",
        "/",
        "--root-path",
        "/lwm2m",
        series,
    ]);
    assert_eq!(
        (code, out.as_str()),
        (
            Some(0),
            "[{\"bn\":\"/lwm2m/3303/0/5700\",\"bt\":1700000000,\"v\":21.5},{\"t\":60,\"v\":21.75}]\n"
        ),
        "{err}"
    );
}

#[test]
fn bad_root_paths_and_lwm2m_json_are_refused() {
    for bad in ["/", "lwm2m", "/lwm2m/", "/a//b", "/lw\"m2m"] {
        let (code, out, err) = run(&[
            "decode",
            "-f",
            "senml-json",
            "-p",
            "/3/0",
            "--root-path",
            bad,
            CANONICAL,
        ]);
        assert_eq!((code, out.as_str()), (Some(2), ""), "{bad}");
        assert!(
            err.contains("expected / and non-empty path segments, without a trailing /"),
            "{bad}: {err}"
        );
    }
    let (code, out, err) = run(&[
        "decode",
        "-f",
        "lwm2m-json",
        "-p",
        "/3/0",
        "--root-path",
        "/lwm2m",
        r#"{"bn":"/lwm2m/3/0/","e":[]}"#,
    ]);
    assert_eq!((code, out.as_str()), (Some(1), ""));
    assert_eq!(
        err,
        "error: lwm2m-json names under an alternate path (--root-path) are not supported; use senml-json or senml-cbor\n"
    );
}
