//! `ucifi decode`, `encode` and `convert` as a binary: exact payloads of every format for
//! real objects (a Device 1.2 instance, an Outdoor lamp controller 2.0 instance with
//! multiple-instance resources, single resources and resource instances), round trips,
//! conversions between every pair of formats that can carry the node, timestamps and the
//! input forms (argument, hex or text on stdin, raw bytes).

use std::path::PathBuf;

use assert_cmd::cargo::cargo_bin_cmd;

fn models() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../models")
        .display()
        .to_string()
}

/// Runs `ucifi ARGS --models ../models` with `stdin`; returns (status, stdout, stderr).
fn ucifi(args: &[&str], stdin: &[u8]) -> (i32, Vec<u8>, String) {
    let out = cargo_bin_cmd!("ucifi")
        .args(args)
        .arg("--models")
        .arg(models())
        .write_stdin(stdin.to_vec())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs and expects success; returns stdout as text.
fn ok(args: &[&str], stdin: &[u8]) -> String {
    let (code, out, err) = ucifi(args, stdin);
    assert_eq!(code, 0, "ucifi {args:?} failed: {err}");
    assert_eq!(err, "", "ucifi {args:?} wrote to stderr");
    String::from_utf8(out).unwrap()
}

/// A node and its exact payload in every format that can carry it.
struct Case {
    path: &'static str,
    /// Canonical SenML JSON, as `ucifi decode` prints it.
    canonical: &'static str,
    /// (format, payload as printed: hex for binary formats, text for text formats).
    payloads: &'static [(&'static str, &'static str)],
}

const DEVICE_INPUT: &str = r#"[{"bn":"/3/0/","n":"0","vs":"ACME Lighting"},{"n":"1","vs":"SL-200"},{"n":"2","vs":"SN-0042"},{"n":"3","vs":"2.4.1"},
{"n":"6/0","v":1},{"n":"6/1","v":5},{"n":"7/0","v":3800},{"n":"7/1","v":5000},{"n":"8/0","v":125},{"n":"8/1","v":900},
{"n":"9","v":87},{"n":"10","v":15},{"n":"11/0","v":0},{"n":"13","v":1700000000},{"n":"14","vs":"+01:00"},{"n":"15","vs":"Europe/Paris"},
{"n":"16","vs":"UQ"},{"n":"17","vs":"streetlight controller"},{"n":"18","vs":"rev B"},{"n":"19","vs":"1.0.7"},{"n":"20","v":0},{"n":"21","v":128},{"n":"22/0","vlo":"3303:0"},{"n":"22/1","vlo":"3416:0"}]
"#;

const DEVICE: Case = Case {
    path: "/3/0",
    canonical: r#"[
  {"n":"/3/0/0","vs":"ACME Lighting"},
  {"n":"/3/0/1","vs":"SL-200"},
  {"n":"/3/0/2","vs":"SN-0042"},
  {"n":"/3/0/3","vs":"2.4.1"},
  {"n":"/3/0/6/0","v":1},
  {"n":"/3/0/6/1","v":5},
  {"n":"/3/0/7/0","v":3800},
  {"n":"/3/0/7/1","v":5000},
  {"n":"/3/0/8/0","v":125},
  {"n":"/3/0/8/1","v":900},
  {"n":"/3/0/9","v":87},
  {"n":"/3/0/10","v":15},
  {"n":"/3/0/11/0","v":0},
  {"n":"/3/0/13","v":1700000000},
  {"n":"/3/0/14","vs":"+01:00"},
  {"n":"/3/0/15","vs":"Europe/Paris"},
  {"n":"/3/0/16","vs":"UQ"},
  {"n":"/3/0/17","vs":"streetlight controller"},
  {"n":"/3/0/18","vs":"rev B"},
  {"n":"/3/0/19","vs":"1.0.7"},
  {"n":"/3/0/20","v":0},
  {"n":"/3/0/21","v":128},
  {"n":"/3/0/22/0","vlo":"3303:0"},
  {"n":"/3/0/22/1","vlo":"3416:0"}
]
"#,
    payloads: &[
        (
            "tlv",
            "c8000d41434d45204c69676874696e67c601534c2d323030c702534e2d30303432c503322e342e31860641000141010588070842000ed842011388870841007d42010384c10957c10a0f830b410000c40d6553f100c60e2b30313a3030c80f0c4575726f70652f5061726973c2105551c811167374726565746c6967687420636f6e74726f6c6c6572c5127265762042c513312e302e37c11400c215008088160c44000ce7000044010d580000",
        ),
        (
            "senml-json",
            r#"[{"bn":"/3/0/","n":"0","vs":"ACME Lighting"},{"n":"1","vs":"SL-200"},{"n":"2","vs":"SN-0042"},{"n":"3","vs":"2.4.1"},{"n":"6/0","v":1},{"n":"6/1","v":5},{"n":"7/0","v":3800},{"n":"7/1","v":5000},{"n":"8/0","v":125},{"n":"8/1","v":900},{"n":"9","v":87},{"n":"10","v":15},{"n":"11/0","v":0},{"n":"13","v":1700000000},{"n":"14","vs":"+01:00"},{"n":"15","vs":"Europe/Paris"},{"n":"16","vs":"UQ"},{"n":"17","vs":"streetlight controller"},{"n":"18","vs":"rev B"},{"n":"19","vs":"1.0.7"},{"n":"20","v":0},{"n":"21","v":128},{"n":"22/0","vlo":"3303:0"},{"n":"22/1","vlo":"3416:0"}]"#,
        ),
        (
            "senml-cbor",
            "9818a321652f332f302f006130036d41434d45204c69676874696e67a20061310366534c2d323030a20061320367534e2d30303432a20061330365322e342e31a20063362f300201a20063362f310205a20063372f3002190ed8a20063372f3102191388a20063382f3002187da20063382f3102190384a2006139021857a200623130020fa2006431312f300200a200623133021a6553f100a20062313403662b30313a3030a200623135036c4575726f70652f5061726973a20062313603625551a20062313703767374726565746c6967687420636f6e74726f6c6c6572a20062313803657265762042a2006231390365312e302e37a2006232300200a200623231021880a2006432322f3063766c6f66333330333a30a2006432322f3163766c6f66333431363a30",
        ),
        (
            "lwm2m-cbor",
            "a1820300b4006d41434d45204c69676874696e670166534c2d3230300267534e2d303034320365322e342e3106a20001010507a200190ed80119138808a200187d011903840918570a0f0ba100000d1a6553f1000e662b30313a30300f6c4575726f70652f50617269731062555111767374726565746c6967687420636f6e74726f6c6c6572126572657620421365312e302e37140015188016a20066333330333a300166333431363a30",
        ),
        (
            "lwm2m-json",
            r#"{"bn":"/3/0/","e":[{"n":"0","sv":"ACME Lighting"},{"n":"1","sv":"SL-200"},{"n":"2","sv":"SN-0042"},{"n":"3","sv":"2.4.1"},{"n":"6/0","v":1},{"n":"6/1","v":5},{"n":"7/0","v":3800},{"n":"7/1","v":5000},{"n":"8/0","v":125},{"n":"8/1","v":900},{"n":"9","v":87},{"n":"10","v":15},{"n":"11/0","v":0},{"n":"13","v":1700000000},{"n":"14","sv":"+01:00"},{"n":"15","sv":"Europe/Paris"},{"n":"16","sv":"UQ"},{"n":"17","sv":"streetlight controller"},{"n":"18","sv":"rev B"},{"n":"19","sv":"1.0.7"},{"n":"20","v":0},{"n":"21","v":128},{"n":"22/0","ov":"3303:0"},{"n":"22/1","ov":"3416:0"}]}"#,
        ),
    ],
};

const LAMP_INPUT: &str = r#"[{"bn":"/3416/0/","n":"1","v":2},{"n":"3","v":80},{"n":"4","v":100},{"n":"5","vb":false},{"n":"13/0","v":1},{"n":"13/1","v":4},{"n":"13/2","v":7},
{"n":"15","v":1234.5},{"n":"17","v":1700000000},{"n":"21","v":41.25},{"n":"29","vb":true},{"n":"35/0","v":0},{"n":"35/1","v":3},{"n":"36","v":60},{"n":"58","vs":"05012345678900"},{"n":"60","vs":"3.2.0"}]
"#;

const LAMP: Case = Case {
    path: "/3416/0",
    canonical: r#"[
  {"n":"/3416/0/1","v":2},
  {"n":"/3416/0/3","v":80},
  {"n":"/3416/0/4","v":100},
  {"n":"/3416/0/5","vb":false},
  {"n":"/3416/0/13/0","v":1},
  {"n":"/3416/0/13/1","v":4},
  {"n":"/3416/0/13/2","v":7},
  {"n":"/3416/0/15","v":1234.5},
  {"n":"/3416/0/17","v":1700000000},
  {"n":"/3416/0/21","v":41.25},
  {"n":"/3416/0/29","vb":true},
  {"n":"/3416/0/35/0","v":0},
  {"n":"/3416/0/35/1","v":3},
  {"n":"/3416/0/36","v":60},
  {"n":"/3416/0/58","vs":"05012345678900"},
  {"n":"/3416/0/60","vs":"3.2.0"}
]
"#,
    payloads: &[
        (
            "tlv",
            "c10102c10350c10464c10500880d09410001410104410207c40f449a5000c4116553f100c41542250000c11d018623410000410103c1243cc83a0e3035303132333435363738393030c53c332e322e30",
        ),
        (
            "senml-json",
            r#"[{"bn":"/3416/0/","n":"1","v":2},{"n":"3","v":80},{"n":"4","v":100},{"n":"5","vb":false},{"n":"13/0","v":1},{"n":"13/1","v":4},{"n":"13/2","v":7},{"n":"15","v":1234.5},{"n":"17","v":1700000000},{"n":"21","v":41.25},{"n":"29","vb":true},{"n":"35/0","v":0},{"n":"35/1","v":3},{"n":"36","v":60},{"n":"58","vs":"05012345678900"},{"n":"60","vs":"3.2.0"}]"#,
        ),
        (
            "senml-cbor",
            "90a321682f333431362f302f0061310202a2006133021850a2006134021864a200613504f4a2006431332f300201a2006431332f310204a2006431332f320207a20062313502fa449a5000a200623137021a6553f100a20062323102f95128a20062323904f5a2006433352f300200a2006433352f310203a20062333602183ca200623538036e3035303132333435363738393030a2006236300365332e322e30",
        ),
        (
            "lwm2m-cbor",
            "a182190d5800ad010203185004186405f40da30001010402070ffa449a5000111a6553f10015f95128181df51823a2000001031824183c183a6e3035303132333435363738393030183c65332e322e30",
        ),
        (
            "lwm2m-json",
            r#"{"bn":"/3416/0/","e":[{"n":"1","v":2},{"n":"3","v":80},{"n":"4","v":100},{"n":"5","bv":false},{"n":"13/0","v":1},{"n":"13/1","v":4},{"n":"13/2","v":7},{"n":"15","v":1234.5},{"n":"17","v":1700000000},{"n":"21","v":41.25},{"n":"29","bv":true},{"n":"35/0","v":0},{"n":"35/1","v":3},{"n":"36","v":60},{"n":"58","sv":"05012345678900"},{"n":"60","sv":"3.2.0"}]}"#,
        ),
    ],
};

/// Battery Level, a single Integer resource: every value format carries it.
const BATTERY: Case = Case {
    path: "/3/0/9",
    canonical: "[\n  {\"n\":\"/3/0/9\",\"v\":87}\n]\n",
    payloads: &[
        ("text", "87"),
        ("cbor", "1857"),
        ("tlv", "c10957"),
        ("senml-json", r#"[{"bn":"/3/0/9","v":87}]"#),
        ("senml-cbor", "81a221662f332f302f39021857"),
        ("lwm2m-cbor", "a1830300091857"),
        ("lwm2m-json", r#"{"bn":"/3/0/9","e":[{"v":87}]}"#),
    ],
};

/// Firmware Package, an Opaque resource: octet-stream carries it too.
const PACKAGE: Case = Case {
    path: "/5/0/0",
    canonical: "[\n  {\"n\":\"/5/0/0\",\"vd\":\"AQID-_8\"}\n]\n",
    payloads: &[
        ("opaque", "010203fbff"),
        ("text", "AQID+/8="),
        ("cbor", "45010203fbff"),
        ("tlv", "c500010203fbff"),
        ("senml-json", r#"[{"bn":"/5/0/0","vd":"AQID-_8"}]"#),
        ("senml-cbor", "81a221662f352f302f300845010203fbff"),
        ("lwm2m-cbor", "a18305000045010203fbff"),
        ("lwm2m-json", r#"{"bn":"/5/0/0","e":[{"sv":"AQID+/8="}]}"#),
    ],
};

/// Scheduler ID of the lamp controller, a multiple-instance resource.
const SCHEDULERS: Case = Case {
    path: "/3416/0/13",
    canonical: "[\n  {\"n\":\"/3416/0/13/0\",\"v\":1},\n  {\"n\":\"/3416/0/13/1\",\"v\":4}\n]\n",
    payloads: &[
        ("tlv", "860d410001410104"),
        (
            "senml-json",
            r#"[{"bn":"/3416/0/","n":"13/0","v":1},{"n":"13/1","v":4}]"#,
        ),
        (
            "senml-cbor",
            "82a321682f333431362f302f006431332f300201a2006431332f310204",
        ),
        ("lwm2m-cbor", "a183190d58000da200010104"),
        (
            "lwm2m-json",
            r#"{"bn":"/3416/0/13/","e":[{"n":"0","v":1},{"n":"1","v":4}]}"#,
        ),
    ],
};

/// One resource instance of it.
const SCHEDULER: Case = Case {
    path: "/3416/0/13/1",
    canonical: "[\n  {\"n\":\"/3416/0/13/1\",\"v\":4}\n]\n",
    payloads: &[
        ("text", "4"),
        ("cbor", "04"),
        ("tlv", "410104"),
        ("senml-json", r#"[{"bn":"/3416/0/13/1","v":4}]"#),
        ("senml-cbor", "81a2216c2f333431362f302f31332f310204"),
        ("lwm2m-cbor", "a184190d58000d0104"),
        ("lwm2m-json", r#"{"bn":"/3416/0/13/1","e":[{"v":4}]}"#),
    ],
};

/// Two Device resources addressed to the object.
const DEVICE_OBJECT: Case = Case {
    path: "/3",
    canonical: "[\n  {\"n\":\"/3/0/0\",\"vs\":\"X\"},\n  {\"n\":\"/3/0/9\",\"v\":87}\n]\n",
    payloads: &[
        ("tlv", "0600c10058c10957"),
        (
            "senml-json",
            r#"[{"bn":"/3/0/","n":"0","vs":"X"},{"n":"9","v":87}]"#,
        ),
        ("senml-cbor", "82a321652f332f302f006130036158a2006139021857"),
        ("lwm2m-cbor", "a103a100a2006158091857"),
        (
            "lwm2m-json",
            r#"{"bn":"/3/","e":[{"n":"0/0","sv":"X"},{"n":"0/9","v":87}]}"#,
        ),
    ],
};

/// A composite payload (Send, Read-Composite response) addressed to the root.
const COMPOSITE: Case = Case {
    path: "/",
    canonical: "[\n  {\"n\":\"/3/0/9\",\"v\":87},\n  {\"n\":\"/3303/0/5700\",\"v\":22.5}\n]\n",
    payloads: &[
        (
            "senml-json",
            r#"[{"bn":"/3/0/","n":"9","v":87},{"bn":"/3303/0/","n":"5700","v":22.5}]"#,
        ),
        (
            "senml-cbor",
            "82a321652f332f302f006139021857a321682f333330332f302f00643537303002f94da0",
        ),
        ("lwm2m-cbor", "a203a100a1091857190ce7a100a1191644f94da0"),
        (
            "lwm2m-json",
            r#"{"bn":"/","e":[{"n":"3/0/9","v":87},{"n":"3303/0/5700","v":22.5}]}"#,
        ),
    ],
};

const CASES: &[&Case] = &[
    &COMPOSITE,
    &DEVICE,
    &LAMP,
    &BATTERY,
    &PACKAGE,
    &SCHEDULERS,
    &SCHEDULER,
    &DEVICE_OBJECT,
];

#[test]
fn encode_gives_the_exact_payload_in_every_format() {
    for (case, input) in [(&DEVICE, DEVICE_INPUT), (&LAMP, LAMP_INPUT)] {
        for (format, payload) in case.payloads {
            let got = ok(
                &["encode", "--format", format, "--path", case.path],
                input.as_bytes(),
            );
            assert_eq!(got, format!("{payload}\n"), "{} as {format}", case.path);
        }
    }
    for case in CASES {
        for (format, payload) in case.payloads {
            // The canonical output of `decode` is valid `encode` input.
            let got = ok(
                &["encode", "--format", format, "--path", case.path],
                case.canonical.as_bytes(),
            );
            assert_eq!(got, format!("{payload}\n"), "{} as {format}", case.path);
        }
    }
}

#[test]
fn decode_gives_canonical_senml_json_for_every_format() {
    for case in CASES {
        for (format, payload) in case.payloads {
            let got = ok(
                &["decode", "--format", format, "--path", case.path, payload],
                b"",
            );
            assert_eq!(got, case.canonical, "{} from {format}", case.path);
        }
    }
}

#[test]
fn convert_between_every_pair_of_formats() {
    let mut pairs = 0;
    for case in CASES {
        for (from, input) in case.payloads {
            for (to, want) in case.payloads {
                if from == to {
                    continue;
                }
                let got = ok(
                    &[
                        "convert", "--from", from, "--to", to, "--path", case.path, input,
                    ],
                    b"",
                );
                assert_eq!(got, format!("{want}\n"), "{} {from} -> {to}", case.path);
                pairs += 1;
            }
        }
    }
    // Device, lamp, Scheduler IDs, the object: 5 formats; Battery Level and one Scheduler
    // ID: 7; Firmware Package: 8; the composite: 4.
    assert_eq!(pairs, 4 * 5 * 4 + 2 * 7 * 6 + 8 * 7 + 4 * 3);
}

#[test]
fn content_format_numbers_work_like_names() {
    let got = ok(
        &[
            "convert", "--from", "11542", "--to", "11544", "--path", "/3/0/9", "c10957",
        ],
        b"",
    );
    assert_eq!(got, "a1830300091857\n");
    let got = ok(
        &["decode", "--format", "60", "--path", "/3/0/9", "1857"],
        b"",
    );
    assert_eq!(got, BATTERY.canonical);
    let got = ok(
        &["encode", "--format", "0", "--path", "/3/0/9"],
        BATTERY.canonical.as_bytes(),
    );
    assert_eq!(got, "87\n");
}

#[test]
fn input_forms() {
    // Hex on stdin, any case and spacing.
    let got = ok(
        &["decode", "--format", "tlv", "--path", "/3/0/9"],
        b"C1 09\n57\n",
    );
    assert_eq!(got, BATTERY.canonical);
    // Raw bytes on stdin.
    let got = ok(
        &["decode", "--format", "tlv", "--path", "/3/0/9", "--raw"],
        &[0xC1, 0x09, 0x57],
    );
    assert_eq!(got, BATTERY.canonical);
    // Text formats: the text itself; one trailing newline on stdin is not part of it.
    let got = ok(&["decode", "--format", "text", "--path", "/3/0/9"], b"87\n");
    assert_eq!(got, BATTERY.canonical);
    // --hex: a text format given as hex.
    let got = ok(
        &[
            "decode",
            "--format",
            "senml-json",
            "--path",
            "/3/0/9",
            "--hex",
            "5b7b226e223a222f332f302f39222c2276223a38377d5d",
        ],
        b"",
    );
    assert_eq!(got, BATTERY.canonical);
    let got = ok(
        &[
            "convert", "--from", "110", "--to", "0", "--path", "/3/0/9", "--hex",
        ],
        b"5b7b226e223a222f332f302f39222c2276223a38377d5d\n",
    );
    assert_eq!(got, "87\n");
    // Raw output.
    let (code, out, _) = ucifi(
        &["encode", "--format", "opaque", "--path", "/5/0/0", "--raw"],
        PACKAGE.canonical.as_bytes(),
    );
    assert_eq!((code, out), (0, vec![1, 2, 3, 0xFB, 0xFF]));
    let (code, out, _) = ucifi(
        &[
            "convert",
            "--from",
            "senml-json",
            "--to",
            "tlv",
            "--path",
            "/3/0/9",
            "--raw-out",
        ],
        BATTERY.canonical.as_bytes(),
    );
    assert_eq!((code, out), (0, vec![0xC1, 0x09, 0x57]));
}

#[test]
fn timestamps_are_kept_by_senml() {
    let input =
        r#"[{"bn":"/3303/0/5700","bt":1700000000,"v":21.5},{"t":60,"v":21.75},{"t":120,"v":22.5}]"#;
    let canonical = "[\n  {\"n\":\"/3303/0/5700\",\"v\":21.5,\"t\":1700000000},\n  {\"n\":\"/3303/0/5700\",\"v\":21.75,\"t\":1700000060},\n  {\"n\":\"/3303/0/5700\",\"v\":22.5,\"t\":1700000120}\n]\n";
    let cbor =
        "83a3216c2f333330332f302f35373030221a6553f10002f94d60a206183c02f94d70a206187802f94da0";
    let path = "/3303/0/5700";
    assert_eq!(
        ok(
            &["decode", "--format", "senml-json", "--path", path, input],
            b""
        ),
        canonical
    );
    assert_eq!(
        ok(
            &["encode", "--format", "senml-cbor", "--path", path],
            canonical.as_bytes()
        ),
        format!("{cbor}\n")
    );
    assert_eq!(
        ok(
            &["decode", "--format", "senml-cbor", "--path", path, cbor],
            b""
        ),
        canonical
    );
    assert_eq!(
        ok(
            &[
                "convert",
                "--from",
                "senml-cbor",
                "--to",
                "senml-json",
                "--path",
                path,
                cbor
            ],
            b""
        ),
        format!("{input}\n")
    );
    assert_eq!(
        ok(
            &[
                "convert",
                "--from",
                "senml-cbor",
                "--to",
                "lwm2m-json",
                "--path",
                path,
                cbor
            ],
            b""
        ),
        "{\"bn\":\"/3303/0/5700\",\"bt\":1700000000,\"e\":[{\"v\":21.5},{\"v\":21.75,\"t\":60},{\"v\":22.5,\"t\":120}]}\n"
    );
    assert_eq!(
        ok(
            &[
                "decode",
                "--format",
                "11543",
                "--path",
                path,
                r#"{"bn":"/3303/0/5700","bt":1700000000,"e":[{"v":21.5},{"v":21.75,"t":60},{"v":22.5,"t":120}]}"#
            ],
            b""
        ),
        canonical
    );
    // A format without times refuses rather than dropping them.
    let (code, out, err) = ucifi(
        &[
            "convert",
            "--from",
            "senml-cbor",
            "--to",
            "tlv",
            "--path",
            path,
            cbor,
        ],
        b"",
    );
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert_eq!(
        err,
        "error: tlv cannot carry timestamps (the payload has times; use senml-json, senml-cbor or lwm2m-json)\n"
    );
}

#[test]
fn empty_instance_and_unknown_object() {
    assert_eq!(
        ok(
            &["decode", "--format", "senml-json", "--path", "/3/0", "[]"],
            b""
        ),
        "[]\n"
    );
    // No model for object 32000: values keep the kind the payload gave them.
    let got = ok(
        &[
            "decode",
            "--format",
            "senml-json",
            "--path",
            "/32000/0",
            r#"[{"n":"/32000/0/1","v":5},{"n":"/32000/0/2","vs":"a\"b"},{"n":"/32000/0/3","vb":true}]"#,
        ],
        b"",
    );
    assert_eq!(
        got,
        "[\n  {\"n\":\"/32000/0/1\",\"v\":5},\n  {\"n\":\"/32000/0/2\",\"vs\":\"a\\\"b\"},\n  {\"n\":\"/32000/0/3\",\"vb\":true}\n]\n"
    );
}

#[test]
fn built_in_registry_works_from_anywhere() {
    // No --models, run from the filesystem root: the generated registry types the values.
    let out = cargo_bin_cmd!("ucifi")
        .args([
            "decode",
            "--format",
            "tlv",
            "--path",
            "/3/0",
            "c10957c40d6553f100",
        ])
        .current_dir("/")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "[\n  {\"n\":\"/3/0/9\",\"v\":87},\n  {\"n\":\"/3/0/13\",\"v\":1700000000}\n]\n"
    );
}

#[test]
fn models_loaded_at_run_time_type_the_values() {
    let fixture = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diff");
    let decode = |models: &str| {
        let out = cargo_bin_cmd!("ucifi")
            .args(["decode", "--format", "tlv", "--path", "/33000/0"])
            .arg("c8000840091eb851eb851fc10302")
            .arg("--models")
            .arg(fixture.join(models))
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // Version 1.1 of the made-up object: Counter (0) is a Float, Mode (3) an Integer.
    assert_eq!(
        decode("new"),
        (
            Some(0),
            "[\n  {\"n\":\"/33000/0/0\",\"v\":3.14},\n  {\"n\":\"/33000/0/3\",\"v\":2}\n]\n".into(),
            String::new()
        )
    );
    // Version 1.0 has an Integer Counter: eight bytes read as an integer.
    assert_eq!(
        decode("old"),
        (
            Some(0),
            "[\n  {\"n\":\"/33000/0/0\",\"v\":4614253070214989087},\n  {\"n\":\"/33000/0/3\",\"vd\":\"Ag\"}\n]\n"
                .into(),
            String::new()
        )
    );
}
