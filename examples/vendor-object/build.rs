//! Generates the vendor object of `models/` into `OUT_DIR` (and, for the tests, the
//! generator's fixture models with their value names).

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo::rerun-if-changed=models");
    println!("cargo::rerun-if-changed=../../tests/fixtures/models");
    println!("cargo::rerun-if-changed=../../tests/fixtures/values");
    ucifi_codegen::Config::new()
        .models("models")
        .file_name("vendor_objects.rs")
        .serde_feature(Some("serde"))
        .generate()?;
    ucifi_codegen::Config::new()
        .models("../../tests/fixtures/models")
        .value_names("../../tests/fixtures/values")
        .file_name("fixture_objects.rs")
        .serde_feature(Some("serde"))
        .generate()?;
    Ok(())
}
