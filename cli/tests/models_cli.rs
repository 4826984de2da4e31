//! `ucifi models` as a binary (the list and model cards, with `--models` loaded at run
//! time), and `--help` of every command.

use std::path::PathBuf;

use assert_cmd::cargo::cargo_bin_cmd;

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = cargo_bin_cmd!("ucifi").args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn list_has_one_line_per_object_version() {
    let models = manifest().join("../models").display().to_string();
    let (code, out, err) = run(&["models", "--models", &models]);
    assert_eq!((code, err.as_str()), (0, ""));
    let lines: Vec<&str> = out.lines().collect();
    // At least every shipped version (the built-in registry may add nothing more).
    assert!(lines.len() >= 101, "{}", lines.len());
    let line = |id: &str, v: &str| {
        lines
            .iter()
            .find(|l| {
                let mut w = l.split_whitespace();
                w.next() == Some(id) && w.next() == Some(v)
            })
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .unwrap_or_else(|| panic!("no line for {id} {v}"))
    };
    assert_eq!(
        line("3", "1.2"),
        "3 1.2 Device urn:oma:lwm2m:oma:3:1.2 23 resources"
    );
    assert_eq!(
        line("3416", "2.0"),
        "3416 2.0 Outdoor lamp controller urn:oma:lwm2m:ext:3416:2.0 67 resources"
    );
}

#[test]
fn fixture_models_list_and_card() {
    let old = manifest()
        .join("tests/fixtures/diff/old")
        .display()
        .to_string();
    let new = manifest()
        .join("tests/fixtures/diff/new")
        .display()
        .to_string();
    let (code, out, _) = run(&["models", "--models", &old, "--models", &new]);
    assert_eq!(code, 0);
    // Columns are aligned over every known object: compare the words.
    let last: Vec<String> = out
        .lines()
        .rev()
        .take(2)
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        last,
        [
            "33000 1.1 Test Widget urn:oma:lwm2m:x:33000:1.1 4 resources",
            "33000 1.0 Test Widget urn:oma:lwm2m:x:33000 3 resources",
        ]
    );
    let (code, card, _) = run(&["models", "33000", "--models", &old, "--models", &new]);
    assert_eq!(code, 0);
    assert_eq!(
        card,
        "33000 Test Widget (version 1.1)
URN:       urn:oma:lwm2m:x:33000:1.1
LwM2M:     1.1
instances: multiple
mandatory: no
versions:  1.0, 1.1
resources: 4

ID  name     ops  instances  mandatory  type     range        units
 0  Counter  R    single     yes        Float
 1  Label    RW   single     no         String   0..64 bytes
 2  Level    R    single     no         Integer  0..100       /100
 3  Mode     RW   single     no         Integer  0..3
"
    );
    let (code, card, _) = run(&[
        "models",
        "33000",
        "--object-version",
        "1.0",
        "--models",
        &old,
        "--models",
        &new,
    ]);
    assert_eq!(code, 0);
    assert!(
        card.starts_with("33000 Test Widget (version 1.0)\n"),
        "{card}"
    );
    assert!(
        card.contains("\n 2  Level    R    single     no         Integer  0..100       %\n"),
        "{card}"
    );
}

#[test]
fn real_model_card() {
    let models = manifest().join("../models").display().to_string();
    let (code, card, err) = run(&["models", "3412", "--models", &models]);
    assert_eq!((code, err.as_str()), (0, ""));
    insta::assert_snapshot!("model_card_3412", card);
}

#[test]
fn cards_name_the_codes_of_enumerated_resources() {
    let (code, card, err) = run(&["models", "3"]);
    assert_eq!((code, err.as_str()), (0, ""));
    let named = card
        .split("\nnamed values:\n")
        .nth(1)
        .expect("a named values section");
    let lines: Vec<&str> = named.lines().collect();
    // Available Power Sources (6), Error Code (11), Battery Status (20), by resource ID.
    assert_eq!(lines.len(), 3, "{named}");
    assert!(lines[0].starts_with("    6 Available Power Sources: 0 dc, 1 internal_battery,"));
    assert!(lines[0].ends_with(", 7 solar"), "{}", lines[0]);
    assert!(
        lines[1].starts_with("   11 Error Code: 0 no_error,"),
        "{}",
        lines[1]
    );
    assert!(lines[2].starts_with("   20 Battery Status: 0 normal, 1 charging,"));
    assert!(lines[2].ends_with(", 6 unknown"), "{}", lines[2]);
}

#[test]
fn unknown_object_and_version() {
    let old = manifest()
        .join("tests/fixtures/diff/old")
        .display()
        .to_string();
    assert_eq!(
        run(&["models", "33001", "--models", &old]),
        (
            1,
            String::new(),
            "error: object 33001 is not known (built-in registry plus --models)\n".into()
        )
    );
    assert_eq!(
        run(&[
            "models",
            "33000",
            "--object-version",
            "2.0",
            "--models",
            &old
        ]),
        (
            1,
            String::new(),
            "error: object 33000 has no version 2.0 (known: 1.0)\n".into()
        )
    );
}

#[test]
fn every_command_has_help_with_an_example() {
    for cmd in ["decode", "encode", "convert", "diff", "models"] {
        let (code, out, _) = run(&[cmd, "--help"]);
        assert_eq!(code, 0, "{cmd} --help");
        assert!(out.contains("Usage: ucifi "), "{cmd}: {out}");
        let examples = out.split("Examples:\n").nth(1).unwrap_or("");
        assert!(
            examples.contains(&format!("ucifi {cmd} ")),
            "{cmd}: no example in {out}"
        );
    }
    let (code, out, _) = run(&["--help"]);
    assert_eq!(code, 0);
    for cmd in ["decode", "encode", "convert", "diff", "models", "lint"] {
        assert!(
            out.contains(&format!("\n  {cmd} ")),
            "{cmd} missing in {out}"
        );
    }
}
