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
        .value_names(root.join("models/descriptions"))
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

/// Builds a fresh crate from the README's `build.rs` snippets (its `Cargo.toml`
/// dependencies, `build.rs` and `src/lib.rs`, with the vendor example's model) with
/// `-D warnings`: what a user copying them gets must build clean.
pub fn readme_crate(root: &Path) -> Result<(), String> {
    let readme =
        std::fs::read_to_string(root.join("README.md")).map_err(|e| format!("README.md: {e}"))?;
    let snippet = |fence: &str, first: &str| -> Result<String, String> {
        let start = readme
            .find(&format!("```{fence}\n{first}\n"))
            .ok_or_else(|| format!("README has no {fence} block starting with {first:?}"))?;
        let body = &readme[start + fence.len() + 4..];
        let end = body.find("\n```").ok_or("unterminated README block")?;
        Ok(body[..end + 1].to_string())
    };
    let repo = root
        .canonicalize()
        .map_err(|e| format!("{}: {e}", root.display()))?;
    let deps =
        snippet("toml", "# Cargo.toml")?.replace("\"../ucifi/", &format!("\"{}/", repo.display()));
    let out = root.join("target/readme-crate");
    let _ = std::fs::remove_dir_all(&out);
    let write = |rel: &str, text: &str| -> Result<(), String> {
        let p = out.join(rel);
        std::fs::create_dir_all(p.parent().unwrap_or(&out))
            .and_then(|()| std::fs::write(&p, text))
            .map_err(|e| format!("{}: {e}", p.display()))
    };
    write(
        "Cargo.toml",
        &format!(
            "[package]\nname = \"readme-crate\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n{deps}\n[workspace]\n"
        ),
    )?;
    write("build.rs", &snippet("rust", "// build.rs")?)?;
    write("src/lib.rs", &snippet("rust", "// src/lib.rs")?)?;
    let model = std::fs::read_to_string(root.join("examples/vendor-object/models/26300.xml"))
        .map_err(|e| format!("the vendor example's model: {e}"))?;
    write("models/26300.xml", &model)?;
    if let Ok(lock) = std::fs::read_to_string(root.join("Cargo.lock")) {
        write("Cargo.lock", &lock)?;
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let start = Instant::now();
    let status = Command::new(cargo)
        .args(["build", "--quiet"])
        .current_dir(&out)
        .env("RUSTFLAGS", "-D warnings")
        .env("CARGO_TARGET_DIR", root.join("target/readme-crate-target"))
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err(format!(
            "readme-crate: `cargo build` of {} with -D warnings failed ({status})",
            out.display()
        ));
    }
    eprintln!(
        "readme-crate: the README's build.rs snippets build warning-free ({:.1} s)",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
