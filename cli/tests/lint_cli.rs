//! `ucifi lint` as a binary: output lines, summary, JSON, exit codes.

use std::path::PathBuf;

use assert_cmd::cargo::cargo_bin_cmd;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/malformed")
}

fn registry() -> Option<PathBuf> {
    let dir = match std::env::var_os("LWM2M_REGISTRY") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/lwm2m-registry"),
    };
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped registry lint: no registry at {}", dir.display());
        None
    }
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn error_fixture_exits_1_with_located_line() {
    let file = fixtures().join("unknown-type.xml");
    let out = cargo_bin_cmd!("ucifi")
        .arg("lint")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let want = format!(
        "{}:18:9: error[unknown-type]: <Item ID=\"0\">: unknown Type \"Int\": expected String, Integer, Unsigned Integer, Float, Boolean, Opaque, Time, Objlnk, Corelnk or empty\n\
         1 files, 0 objects, 0 resources: 1 errors, 0 warnings\n",
        file.display()
    );
    assert_eq!(text, want);
    assert!(out.stderr.is_empty());
}

#[test]
fn warning_fixture_exits_0() {
    let file = fixtures().join("executable-with-type.xml");
    let out = cargo_bin_cmd!("ucifi")
        .arg("lint")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].ends_with(
        ":28:9: warning[executable-with-type]: <Item ID=\"1\"> is executable (E) but has Type String; the Type is ignored"
    ));
    assert_eq!(
        lines[1],
        "1 files, 1 objects, 2 resources: 0 errors, 1 warnings"
    );
}

#[test]
fn json_format() {
    let file = fixtures().join("duplicate-resource-name.xml");
    let out = cargo_bin_cmd!("ucifi")
        .args(["lint", "--format", "json"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v,
        serde_json::json!({
            "files": 1,
            "objects": 1,
            "resources": 2,
            "errors": 0,
            "warnings": 1,
            "diagnostics": [{
                "file": file.display().to_string(),
                "line": 24,
                "column": 9,
                "severity": "warning",
                "code": "duplicate-resource-name",
                "message": "resources 0 and 1 are both named \"Level\"",
            }],
        })
    );
}

#[test]
fn fixture_folder_exits_1() {
    // 28 one-defect error files, plus 11 version conflicts: the 12 warning fixtures all
    // define object 32001 version 1.0 with different facts.
    let out = cargo_bin_cmd!("ucifi")
        .arg("lint")
        .arg(fixtures())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.ends_with("40 files, 12 objects, 22 resources: 39 errors, 12 warnings\n"),
        "{text}"
    );
}

#[test]
fn version_conflict_names_both_files() {
    let dir = std::env::temp_dir().join(format!("ucifi-lint-conflict-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("version_history")).unwrap();
    let base = std::fs::read_to_string(fixtures().join("reversed-range.xml")).unwrap();
    let good = base.replace("100..0", "0..100");
    let other = base.replace("100..0", "0..50");
    std::fs::write(dir.join("32001.xml"), &good).unwrap();
    std::fs::write(dir.join("version_history/32001-1_0.xml"), &other).unwrap();
    let out = cargo_bin_cmd!("ucifi")
        .arg("lint")
        .arg(&dir)
        .output()
        .unwrap();
    let text = stdout(&out);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let line = text
        .lines()
        .find(|l| l.contains("version-conflict"))
        .unwrap();
    let second = dir
        .join("version_history/32001-1_0.xml")
        .display()
        .to_string();
    let first = dir.join("32001.xml").display().to_string();
    assert!(line.starts_with(&format!("{second}:3:3: error[version-conflict]: object 32001 version 1.0 is also defined in {first}:3:3 with different facts")), "{line}");
    assert!(
        text.ends_with("2 files, 2 objects, 4 resources: 1 errors, 0 warnings\n"),
        "{text}"
    );
}

#[test]
fn usage_errors() {
    let out = cargo_bin_cmd!("ucifi").arg("lint").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = cargo_bin_cmd!("ucifi")
        .args(["lint", "--format", "xml", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn whole_registry_is_clean() {
    let Some(dir) = registry() else { return };
    let out = cargo_bin_cmd!("ucifi")
        .arg("lint")
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert_eq!(
        text.lines().last(),
        Some("754 files, 751 objects, 7970 resources: 0 errors, 122 warnings")
    );
    let out = cargo_bin_cmd!("ucifi")
        .args(["lint", "--format", "json"])
        .arg(&dir)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["files"], 754);
    assert_eq!(v["errors"], 0);
    assert_eq!(v["diagnostics"].as_array().map(Vec::len), Some(122));
}
