//! `ucifi diff` as a binary: the registry's real history (pinned by snapshots), the
//! version check on a crafted fixture whose minor bump hides breaking changes, JSON output
//! and `--fail-on`.

use std::path::PathBuf;

use assert_cmd::cargo::cargo_bin_cmd;

fn registry() -> Option<PathBuf> {
    let dir = match std::env::var_os("LWM2M_REGISTRY") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/lwm2m-registry"),
    };
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "skipped registry diff: no registry at {} (set LWM2M_REGISTRY)",
            dir.display()
        );
        None
    }
}

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diff")
}

/// Runs `ucifi diff ARGS`; returns (status, stdout, stderr).
fn diff(args: &[&std::ffi::OsStr]) -> (i32, String, String) {
    let out = cargo_bin_cmd!("ucifi")
        .arg("diff")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn registry_3410_1_0_to_2_0() {
    let Some(r) = registry() else { return };
    let (old, new) = (r.join("version_history/3410-1_0.xml"), r.join("3410.xml"));
    let (code, md, err) = diff(&[old.as_os_str(), new.as_os_str()]);
    assert_eq!((code, err.as_str()), (0, ""));
    insta::assert_snapshot!("registry_3410_markdown", md);
    let (code, json, _) = diff(&[
        old.as_os_str(),
        new.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("registry_3410_json", json);
    // Only compatible changes under a major bump: nothing to fail on.
    let (code, _, _) = diff(&[
        old.as_os_str(),
        new.as_os_str(),
        "--fail-on".as_ref(),
        "breaking".as_ref(),
    ]);
    assert_eq!(code, 0);
}

#[test]
fn registry_device_1_1_to_1_2() {
    let Some(r) = registry() else { return };
    let (old, new) = (
        r.join("version_history/3-1_1.xml"),
        r.join("version_history/3-1_2.xml"),
    );
    let (code, md, err) = diff(&[old.as_os_str(), new.as_os_str()]);
    assert_eq!((code, err.as_str()), (0, ""));
    insta::assert_snapshot!("registry_device_markdown", md);
    let (code, json, _) = diff(&[
        old.as_os_str(),
        new.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("registry_device_json", json);
}

#[test]
fn fixture_minor_bump_hiding_a_breaking_change_is_flagged() {
    let (old, new) = (fixtures().join("old"), fixtures().join("new"));
    let (code, md, err) = diff(&[old.as_os_str(), new.as_os_str()]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(
        md,
        "# Model diff

1 breaking, 2 compatible, 2 cosmetic change(s); 0 object(s) added, 0 removed.

## Object 33000: 1.0 -> 1.1

| class | resource | change | detail |
|---|---|---|---|
| breaking | 0 | type-changed | Integer -> Float |
| cosmetic | 0 | description-changed | description text changed |
| compatible | 1 | range-changed | \"0..32 bytes\" -> \"0..64 bytes\": widened |
| cosmetic | 2 | units-changed | \"%\" -> \"/100\": same unit, spelled differently |
| compatible | 3 | resource-added | \"Mode\" (Integer, RW, single) added, optional |

## Version check

- PROBLEM: object 33000 1.0 -> 1.1: minor bump 1.0 -> 1.1 hides 1 breaking change(s): a major bump is needed
"
    );
    let (code, json, _) = diff(&[
        old.as_os_str(),
        new.as_os_str(),
        "--format".as_ref(),
        "json".as_ref(),
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        v["changes"][0],
        serde_json::json!({
            "object": 33000, "from_version": "1.0", "to_version": "1.1", "resource": 0,
            "kind": "type-changed", "class": "breaking", "detail": "Integer -> Float"
        })
    );
    assert_eq!(v["changes"].as_array().unwrap().len(), 5);
    assert_eq!(
        v["version_check"],
        serde_json::json!([{
            "object": 33000, "from_version": "1.0", "to_version": "1.1",
            "required": "major", "actual": "minor", "ok": false,
            "message": "minor bump 1.0 -> 1.1 hides 1 breaking change(s): a major bump is needed"
        }])
    );
    for (what, want) in [("breaking", 1), ("version", 1)] {
        let (code, out, _) = diff(&[
            old.as_os_str(),
            new.as_os_str(),
            "--fail-on".as_ref(),
            what.as_ref(),
        ]);
        assert_eq!(code, want, "--fail-on {what}");
        assert_eq!(out, md, "the report is printed whatever the status");
    }
    // Reversed, the same facts are a downgrade.
    let (code, md, _) = diff(&[new.as_os_str(), old.as_os_str()]);
    assert_eq!(code, 0);
    assert!(
        md.ends_with("- PROBLEM: object 33000 1.1 -> 1.0: version goes backwards (1.1 -> 1.0)\n"),
        "{md}"
    );
}

#[test]
fn same_models_have_no_changes() {
    let old = fixtures().join("old");
    let (code, md, _) = diff(&[
        old.as_os_str(),
        old.as_os_str(),
        "--fail-on".as_ref(),
        "breaking".as_ref(),
        "--fail-on".as_ref(),
        "version".as_ref(),
    ]);
    assert_eq!(code, 0);
    assert_eq!(
        md,
        "# Model diff\n\n0 breaking, 0 compatible, 0 cosmetic change(s); 0 object(s) added, 0 removed.\n"
    );
}

#[test]
fn missing_side_is_an_error() {
    let old = fixtures().join("old");
    let (code, out, err) = diff(&[old.as_os_str(), "/nonexistent/ucifi-new".as_ref()]);
    assert_eq!(code, 1);
    assert_eq!(out, "");
    assert_eq!(
        err,
        "error: NEW /nonexistent/ucifi-new: no such file or folder\n"
    );
}
