//! `cargo xtask`: project automation.
//!
//! * `cargo xtask regen [--check]`: regenerate `objects-generated/src/generated/` from `models/`.
//! * `cargo xtask registry-check`: generate one crate from the whole OMA registry into
//!   `target/registry-crate` and `cargo check` it (skipped when the registry is absent).
//! * `cargo xtask test`: the whole suite (fmt, clippy, no_std builds of the runtime and of
//!   each object family, warning-free docs, tests, registry check, a fresh crate built from
//!   the README's `build.rs` snippets with `-D warnings`, regen check).
//! * `cargo xtask fuzz [--seconds N] [TARGET...]`: write the seed corpus, then run the
//!   cargo-fuzz targets of `fuzz/` (all, or those named) N seconds each (default 60), one
//!   after the other; fails on a finding, naming the target and the artifact. Needs the
//!   nightly toolchain and cargo-fuzz; not part of `test`.

mod fuzz;
mod import;
mod import_ddf;
mod regen;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("test") => test(),
        Some("import-model") => import::run(&args[1..], &root()),
        Some("regen") => regen(args[1..].iter().any(|a| a == "--check")),
        Some("registry-check") => regen::registry_check(&root()),
        Some("readme-crate") => regen::readme_crate(&root()),
        Some("fuzz") => fuzz::run(&args[1..], &root()),
        _ => {
            eprintln!(
                "usage: cargo xtask <regen [--check] | registry-check | readme-crate | test | fuzz [--seconds N] [TARGET...] | import-model ...>"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn cargo(args: &[&str]) -> Result<(), String> {
    cargo_env(args, &[])
}

fn cargo_env(args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    eprintln!("$ cargo {}", args.join(" "));
    let status = Command::new(cargo)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(root())
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`cargo {}` failed ({status})", args.join(" ")))
    }
}

fn test() -> Result<(), String> {
    cargo(&["fmt", "--all", "--check"])?;
    cargo(&[
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ])?;
    cargo(&["build", "-p", "ucifi-runtime", "--no-default-features"])?;
    cargo(&["build", "-p", "ucifi-lwm2m", "--no-default-features"])?;
    // Firmware builds one family without std: each family alone must compile.
    for family in ["oma", "ipso", "ucifi"] {
        cargo(&[
            "check",
            "-p",
            "ucifi-objects",
            "--no-default-features",
            "--features",
            family,
        ])?;
    }
    cargo_env(
        &["doc", "--workspace", "--no-deps"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    )?;
    cargo(&["test", "--workspace"])?;
    regen::registry_check(&root())?;
    regen::readme_crate(&root())?;
    regen(true)
}

fn regen(check: bool) -> Result<(), String> {
    regen::regen(&root(), check)
}
