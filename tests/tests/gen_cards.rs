//! One reviewable model card per shipped object version (models/): a model change shows
//! up as a small diff of its card.

use ucifi_codegen::Config;
use ucifi_codegen::generator;

#[test]
fn model_card_per_shipped_object_version() {
    let root = ucifi_tests::repo_root();
    let mut config = Config::new();
    config.models(root.join("models"));
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
}
