//! `ucifi decode` / `ucifi encode` with link-format payloads (Register, Discover).

use assert_cmd::cargo::cargo_bin_cmd;

const REGISTER: &str = "</>;rt=\"oma.lwm2m\";ct=\"60 110 112 11542\",</1/0>,</3/0>,</3303/0>,</3303/1>,</3442>;ver=2.0,</3442/0>,</5>";

fn run(args: &[&str], stdin: &str) -> (bool, String, String) {
    let out = cargo_bin_cmd!("ucifi")
        .args(args)
        .write_stdin(stdin.as_bytes().to_vec())
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn register_payload_decodes_to_link_json_and_back() {
    let (ok, json, err) = run(
        &["decode", "--format", "link-format", "--path", "/"],
        REGISTER,
    );
    assert!(ok, "{err}");
    assert_eq!(
        json,
        concat!(
            r#"[{"params":[["rt","oma.lwm2m"],["ct","60 110 112 11542"]],"target":"/"},"#,
            r#"{"params":[],"target":"/1/0"},{"params":[],"target":"/3/0"},"#,
            r#"{"params":[],"target":"/3303/0"},{"params":[],"target":"/3303/1"},"#,
            r#"{"params":[["ver","2.0"]],"target":"/3442"},{"params":[],"target":"/3442/0"},"#,
            r#"{"params":[],"target":"/5"}]"#,
            "\n"
        )
    );
    let (ok, text, err) = run(&["encode", "--format", "40", "--path", "/"], &json);
    assert!(ok, "{err}");
    assert_eq!(text, format!("{REGISTER}\n"));
}

#[test]
fn discover_payload_round_trips() {
    let discover = "</3303/0>;pmin=10,</3303/0/5700>;gt=30;st=0.5,</3303/0/5701>,</3/0/6>;dim=2";
    let (ok, json, err) = run(
        &["decode", "-f", "link-format", "-p", "/3303/0", discover],
        "",
    );
    assert!(ok, "{err}");
    let (ok, text, err) = run(&["encode", "-f", "link-format", "-p", "/3303/0"], &json);
    assert!(ok, "{err}");
    assert_eq!(text, format!("{discover}\n"));
}

#[test]
fn bad_link_json_is_one_error_line() {
    let (ok, out, err) = run(
        &["encode", "-f", "link-format", "-p", "/"],
        r#"[{"target":"/3/0","params":{"pmin":"10"}}]"#,
    );
    assert!(!ok);
    assert_eq!(out, "");
    assert_eq!(
        err,
        "error: invalid link JSON: invalid type: map, expected a sequence at line 1 column 27 \
         (the form is [{\"target\": \"/3/0\", \"params\": [[\"pmin\", \"10\"]]}, ...])\n"
    );
}

#[test]
fn a_hundred_thousand_links_round_trip() {
    let text: Vec<String> = (0..100_000)
        .map(|i| format!("</3303/{i}>;pmin=10;rt=\"temp\""))
        .collect();
    let text = text.join(",");
    let (ok, json, err) = run(&["decode", "--format", "link-format", "--path", "/"], &text);
    assert!(ok, "{err}");
    assert!(json.starts_with(r#"[{"params":[["pmin","10"],["rt","temp"]],"target":"/3303/0"},"#));
    assert!(
        json.trim_end()
            .ends_with(r#"{"params":[["pmin","10"],["rt","temp"]],"target":"/3303/99999"}]"#)
    );
    let (ok, back, err) = run(&["encode", "--format", "link-format", "--path", "/"], &json);
    assert!(ok, "{err}");
    assert_eq!(back.trim_end(), text);
}

#[test]
fn lwm2m_attributes_and_rfc_syntax_are_checked() {
    for (payload, message) in [
        (
            "</3/0/6>;dim=256",
            "error: link-format at byte 9: invalid field\n",
        ),
        (
            "</0/0>;ssid=0",
            "error: link-format at byte 7: invalid field\n",
        ),
        (
            "</3/0>;pmin",
            "error: link-format at byte 7: invalid field\n",
        ),
        (
            "</%>",
            "error: link-format at byte 2: not a valid link (RFC 6690)\n",
        ),
        (
            "</é>",
            "error: link-format at byte 2: not a valid link (RFC 6690)\n",
        ),
        (
            "</3>;é=1",
            "error: link-format at byte 5: not a valid link (RFC 6690)\n",
        ),
    ] {
        let (ok, _, err) = run(
            &["decode", "--format", "link-format", "--path", "/"],
            payload,
        );
        assert!(!ok, "{payload}");
        assert_eq!(err, message, "{payload}");
    }
}
