//! Snapshots of the generator on the fixture models (tests/fixtures/models/), which cover
//! every quirk: executables, multi-instance, enums, keywords, digits, duplicate names,
//! non-ASCII, empty operations and every data type.

use std::path::PathBuf;

use ucifi_codegen::Config;
use ucifi_codegen::generator::{self, Layout};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/models")
}

fn config() -> Config {
    let mut c = Config::new();
    c.models(fixtures()).layout(Layout::Tree);
    c
}

#[test]
fn generated_code() {
    let files = config().render().expect("fixtures generate");
    let mut all = String::new();
    for f in &files {
        all.push_str(&format!("=== {}\n{}\n", f.path.display(), f.contents));
    }
    insta::assert_snapshot!("fixtures_generated", all);
}

#[test]
fn model_cards() {
    let inputs = config().load().expect("fixtures load");
    let cards = generator::model_cards(&inputs).unwrap();
    let text: String = cards
        .iter()
        .map(|(k, c)| format!("## {k}\n{c}\n"))
        .collect();
    insta::assert_snapshot!("fixtures_cards", text);
}

#[test]
fn deterministic() {
    let a = config().render().unwrap();
    let b = config().render().unwrap();
    assert_eq!(a, b);
}

#[test]
fn identical_copies_collapse_and_conflicts_name_both_files() {
    let dir = std::env::temp_dir().join(format!("ucifi-gen-dups-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("a")).unwrap();
    std::fs::create_dir_all(dir.join("b")).unwrap();
    let src = fixtures().join("vendor/26242.xml");
    let text = std::fs::read_to_string(&src).unwrap();
    std::fs::write(dir.join("a/26242.xml"), &text).unwrap();
    std::fs::write(dir.join("b/26242.xml"), &text).unwrap();
    let mut c = Config::new();
    c.models(&dir).families_from_urn(true);
    assert_eq!(c.load().expect("identical copies collapse").len(), 1);
    std::fs::write(
        dir.join("b/26242.xml"),
        text.replace("<Units>lat</Units>", "<Units>deg</Units>"),
    )
    .unwrap();
    let err = c.load().unwrap_err().to_string();
    assert!(err.contains("version-conflict"), "{err}");
    assert!(
        err.contains("a/26242.xml") && err.contains("b/26242.xml"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
