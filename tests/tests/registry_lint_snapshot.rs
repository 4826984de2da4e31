//! The lint report over the whole registry, as `ucifi lint` prints it, with paths made
//! relative to the registry root so the snapshot does not depend on where it lives.

use ucifi_codegen::load::load_paths;

#[test]
fn registry_lint_report() {
    let Some(dir) = ucifi_tests::registry_dir("registry lint snapshot") else {
        return;
    };
    let loaded = load_paths(std::slice::from_ref(&dir));
    let mut report = String::new();
    for d in &loaded.diagnostics {
        report.push_str(&d.relative_to(&dir).to_string());
        report.push('\n');
    }
    report.push_str(&loaded.summary_line());
    report.push('\n');
    insta::assert_snapshot!("registry_lint_report", report);
}
