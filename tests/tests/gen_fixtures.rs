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
