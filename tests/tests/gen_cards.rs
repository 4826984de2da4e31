//! One reviewable model card per shipped object version (models/), with the value names of
//! models/descriptions/: a model change shows up as a small diff of its card.

use ucifi_codegen::Config;
use ucifi_codegen::generator;

#[test]
fn model_card_per_shipped_object_version() {
    let root = ucifi_tests::repo_root();
    let mut config = Config::new();
    config
        .models(root.join("models"))
        .value_names(root.join("models/descriptions"));
    let inputs = config.load().expect("models/ loads without errors");
    let cards = generator::model_cards(&inputs).unwrap();
    assert_eq!(cards.len(), inputs.len());
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path("snapshots/cards");
    settings.bind(|| {
        for (key, card) in &cards {
            insta::assert_snapshot!(key.replace('/', "__"), card);
        }
    });
    // A card whose object version is gone (or renamed) is stale.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/cards");
    let wanted: Vec<String> = cards
        .iter()
        .map(|(k, _)| format!("{}.snap", k.replace('/', "__")))
        .collect();
    let stale: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".snap") && !wanted.contains(n))
        .collect();
    assert!(
        stale.is_empty(),
        "stale model cards in {}: {stale:?}",
        dir.display()
    );
}
