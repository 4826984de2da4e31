//! `ucifi generate --values`: value names turn coded Integer resources into enums, and a
//! table that does not fit its resource fails with a message naming it.

use std::path::PathBuf;

use assert_cmd::cargo::cargo_bin_cmd;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures")
}

#[test]
fn values_become_enums_and_misfits_are_named() {
    let base = std::env::temp_dir().join(format!("ucifi-cli-values-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let out = base.join("out");
    let run = |values: &PathBuf| {
        cargo_bin_cmd!("ucifi")
            .arg("generate")
            .arg("--models")
            .arg(fixtures().join("models/vendor"))
            .arg("--values")
            .arg(values)
            .arg("--out")
            .arg(&out)
            .arg("--single-file")
            .output()
            .unwrap()
    };
    let ok = run(&fixtures().join("values"));
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let code = std::fs::read_to_string(out.join("ucifi_generated.rs")).unwrap();
    assert!(code.contains("pub enum CountValue {"));
    assert!(code.contains("/// Full (`100`): The counter is at its limit."));
    // A table for the String resource 3 (Type) of object 26241.
    let bad = base.join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(
        bad.join("26241.toml"),
        "[values.3]\n0 = { name = \"Plain\", doc = \"A plain thing.\" }\n",
    )
    .unwrap();
    let failed = run(&bad);
    assert_eq!(failed.status.code(), Some(1));
    let err = String::from_utf8_lossy(&failed.stderr);
    assert!(
        err.contains(
            "26241.toml: [values.3]: resource 3 (Type) of object 26241 version 1.0 is a String; value names need an Integer or Unsigned Integer resource"
        ),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&base);
}
