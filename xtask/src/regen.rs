//! `cargo xtask regen [--check]` and `cargo xtask registry-check`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use ucifi_codegen::Config;
use ucifi_codegen::generator::Layout;

/// Where the object library's generated code lives, relative to the repository.
pub const OUT: &str = "objects-generated/src/generated";

/// The settings of the object library; `tests/tests/generated_fresh.rs` regenerates with the
/// same ones in `cargo test`.
fn library_config(root: &Path) -> Config {
    let mut c = Config::new();
    c.models(root.join("models"))
        .out_dir(root.join(OUT))
        .layout(Layout::Tree)
        .family_features(true)
        .serde_feature(Some("serde"));
    c
}

/// Regenerates the object library from `models/`; with `check`, fails listing stale files.
pub fn regen(root: &Path, check: bool) -> Result<(), String> {
    let config = library_config(root);
    if check {
        let stale = config.check().map_err(|e| e.to_string())?;
        if stale.is_empty() {
            eprintln!("regen --check: {OUT} is up to date");
            return Ok(());
        }
        let list: Vec<String> = stale
            .iter()
            .map(|p| {
                let p = p.strip_prefix(root).unwrap_or(p);
                format!("  {}", p.display())
            })
            .collect();
        return Err(format!(
            "regen --check: {} stale generated file(s); run `cargo xtask regen`:\n{}",
            stale.len(),
            list.join("\n")
        ));
    }
    let start = Instant::now();
    let written = config.generate().map_err(|e| e.to_string())?;
    eprintln!(
        "regen: {} files in {OUT} ({:.0} ms)",
        written.len(),
        start.elapsed().as_secs_f64() * 1000.0
    );
    Ok(())
}

/// The real OMA registry: `$LWM2M_REGISTRY`, else `../shared/lwm2m-registry`.
fn registry_dir(root: &Path) -> Option<PathBuf> {
    let p = match std::env::var_os("LWM2M_REGISTRY") {
        Some(p) => PathBuf::from(p),
        None => root.join("../shared/lwm2m-registry"),
    };
    p.is_dir().then_some(p)
}

/// Generates one crate from the whole registry (with `version_history/`) into
/// `target/registry-crate` and runs `cargo check` on it with the workspace's target dir.
pub fn registry_check(root: &Path) -> Result<(), String> {
    let Some(registry) = registry_dir(root) else {
        eprintln!(
            "registry-check skipped: no registry at ../shared/lwm2m-registry (set LWM2M_REGISTRY)"
        );
        return Ok(());
    };
    let start = Instant::now();
    let loaded = ucifi_codegen::load::load_paths(std::slice::from_ref(&registry));
    let definitions = loaded.objects.len();
    let out = root.join("target/registry-crate");
    let mut config = Config::new();
    config
        .models(&registry)
        .families_from_urn(true)
        .out_dir(&out);
    let inputs = config.load().map_err(|e| e.to_string())?;
    let runtime = root
        .join("runtime")
        .canonicalize()
        .map_err(|e| format!("runtime: {e}"))?;
    config
        .write_crate("ucifi-registry-objects", &runtime)
        .map_err(|e| e.to_string())?;
    eprintln!(
        "registry-check: {definitions} definitions, {} distinct (ID, version) pairs, generated in {:.0} ms",
        inputs.len(),
        start.elapsed().as_secs_f64() * 1000.0
    );
    if let Ok(lock) = std::fs::read(root.join("Cargo.lock")) {
        let _ = std::fs::write(out.join("Cargo.lock"), lock);
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let start = Instant::now();
    let status = Command::new(cargo)
        .args(["check", "--quiet"])
        .current_dir(&out)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!(
            "registry-check: `cargo check` of {} failed ({status})",
            out.display()
        ));
    }
    eprintln!(
        "registry-check: cargo check passed in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
