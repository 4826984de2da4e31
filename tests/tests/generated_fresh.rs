//! The checked-in object library (`objects-generated/src/generated/`) is what the generator
//! makes of `models/` now: regenerated in memory with the settings of `cargo xtask regen`
//! and compared file by file. When this fails, run `cargo xtask regen` and commit.

use std::path::Path;

use ucifi_codegen::Config;
use ucifi_codegen::config::check_files;
use ucifi_codegen::generator::Layout;

#[test]
fn generated_object_library_is_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let models = root.join("models");
    if !models.is_dir() {
        println!("skipped: no models folder at {}", models.display());
        return;
    }
    let out = root.join("objects-generated/src/generated");
    let mut config = Config::new();
    config
        .models(&models)
        .value_names(models.join("descriptions"))
        .out_dir(&out)
        .layout(Layout::Tree)
        .family_features(true)
        .serde_feature(Some("serde"));
    let files = config.render().expect("the models generate");
    let stale = check_files(&out, &files).expect("the generated folder reads");
    let Some(first) = stale.first() else {
        return;
    };
    let name = |p: &Path| p.strip_prefix(&root).unwrap_or(p).display().to_string();
    let wanted = files.iter().find(|f| out.join(&f.path) == *first);
    let found = std::fs::read_to_string(first).ok();
    let detail = match (wanted, found) {
        (None, _) => format!("{} is no longer generated", name(first)),
        (Some(_), None) => format!("{} is missing", name(first)),
        (Some(w), Some(found)) => {
            let line = w
                .contents
                .lines()
                .zip(found.lines())
                .position(|(a, b)| a != b)
                .unwrap_or_else(|| w.contents.lines().count().min(found.lines().count()));
            format!(
                "{}:{}: generated  `{}`\n  checked in `{}`",
                name(first),
                line + 1,
                w.contents.lines().nth(line).unwrap_or("(end of file)"),
                found.lines().nth(line).unwrap_or("(end of file)"),
            )
        }
    };
    panic!(
        "{} generated file(s) differ from what `cargo xtask regen` writes (the checked-in \
         files are formatted by rustfmt, which must be installed):\n  {}\nfirst difference: {detail}",
        stale.len(),
        stale
            .iter()
            .map(|p| name(p))
            .collect::<Vec<_>>()
            .join("\n  "),
    );
}
