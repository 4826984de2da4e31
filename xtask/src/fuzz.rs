//! `cargo xtask fuzz [--seconds N] [TARGET...]`: writes the seed corpus, then runs each
//! fuzz target of `fuzz/` (all, or the ones named) for N seconds, one after the other.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Seconds per target when `--seconds` is not given.
const DEFAULT_SECONDS: u64 = 60;

/// Per-input time limit (seconds): a slower input is reported as a finding (`timeout-*`).
const INPUT_TIMEOUT: u64 = 10;

pub fn run(args: &[String], root: &Path) -> Result<(), String> {
    let mut seconds = DEFAULT_SECONDS;
    let mut named = Vec::new();
    let mut args = args.iter();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--seconds" => {
                seconds = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|&n| n > 0)
                    .ok_or("--seconds takes a positive number")?;
            }
            s if s.starts_with('-') => return Err(format!("fuzz: unknown option {s}")),
            name => named.push(name.to_string()),
        }
    }
    let fuzz = root.join("fuzz");
    let all = targets(&fuzz)?;
    let unknown: Vec<&String> = named.iter().filter(|n| !all.contains(*n)).collect();
    if !unknown.is_empty() {
        return Err(format!(
            "fuzz: no target {}; targets: {}",
            unknown
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            all.iter().cloned().collect::<Vec<_>>().join(" ")
        ));
    }
    let run: Vec<String> = if named.is_empty() {
        all.into_iter().collect()
    } else {
        named
    };
    check_tools()?;

    // Seeds: fuzz/seeds/<target>/, rewritten on every run.
    let mut seeds = vec![
        "run".to_string(),
        "--quiet".into(),
        "--manifest-path".into(),
        "fuzz/Cargo.toml".into(),
        "--example".into(),
        "seeds".into(),
        "--".into(),
        "fuzz/seeds".into(),
    ];
    let spec = root.join("../shared/spec/formats.md");
    if let Ok(spec) = spec.canonicalize() {
        seeds.push(spec.display().to_string());
    } else {
        eprintln!(
            "fuzz: no {}: seeds without the spec's examples",
            spec.display()
        );
    }
    nightly(root, &seeds)?;
    // One build of every target (`cargo fuzz build` takes one target or all).
    nightly(root, &["fuzz".into(), "build".into()])?;

    let mut findings = Vec::new();
    for target in &run {
        let artifacts = fuzz.join("artifacts").join(target);
        let before = files(&artifacts);
        let corpus = format!("fuzz/corpus/{target}");
        std::fs::create_dir_all(root.join(&corpus)).map_err(|e| format!("{corpus}: {e}"))?;
        let status = nightly_status(
            root,
            &[
                "fuzz",
                "run",
                target,
                &corpus,
                &format!("fuzz/seeds/{target}"),
                "--",
                &format!("-max_total_time={seconds}"),
                &format!("-timeout={INPUT_TIMEOUT}"),
                "-print_final_stats=1",
            ],
        )?;
        let new: Vec<PathBuf> = files(&artifacts).difference(&before).cloned().collect();
        if !new.is_empty() {
            for a in &new {
                let a = a.strip_prefix(root).unwrap_or(a);
                eprintln!("fuzz: {target} failed on {}", a.display());
                findings.push(format!("{target}: {}", a.display()));
            }
        } else if !status.success() {
            return Err(format!("fuzz: `cargo fuzz run {target}` failed ({status})"));
        } else {
            eprintln!("fuzz: {target}: no finding in {seconds} s");
        }
    }
    if findings.is_empty() {
        eprintln!("fuzz: {} target(s), no finding", run.len());
        Ok(())
    } else {
        Err(format!(
            "fuzz: {} finding(s) (reproduce with `cargo +nightly fuzz run TARGET ARTIFACT`):\n  {}",
            findings.len(),
            findings.join("\n  ")
        ))
    }
}

/// The target names: the files of `fuzz/fuzz_targets/`.
fn targets(fuzz: &Path) -> Result<BTreeSet<String>, String> {
    let dir = fuzz.join("fuzz_targets");
    let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(entries
        .filter_map(|e| {
            let p = e.ok()?.path();
            (p.extension()? == "rs").then(|| p.file_stem()?.to_str().map(String::from))?
        })
        .collect())
}

fn files(dir: &Path) -> BTreeSet<PathBuf> {
    std::fs::read_dir(dir)
        .map(|e| e.filter_map(|e| Some(e.ok()?.path())).collect())
        .unwrap_or_default()
}

/// `cargo +nightly ...` through rustup's `cargo` (the `CARGO` that runs xtask is a
/// toolchain's own binary, which does not take `+nightly`).
fn nightly_command(root: &Path, args: &[&str]) -> Command {
    let mut c = Command::new("cargo");
    c.arg("+nightly")
        .args(args)
        .current_dir(root)
        .env_remove("RUSTUP_TOOLCHAIN");
    c
}

fn nightly_status(root: &Path, args: &[&str]) -> Result<std::process::ExitStatus, String> {
    eprintln!("$ cargo +nightly {}", args.join(" "));
    nightly_command(root, args)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))
}

fn nightly(root: &Path, args: &[String]) -> Result<(), String> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let status = nightly_status(root, &args)?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "`cargo +nightly {}` failed ({status})",
            args.join(" ")
        ))
    }
}

/// A clear error when the nightly toolchain or cargo-fuzz is missing.
fn check_tools() -> Result<(), String> {
    let works = |args: &[&str]| {
        nightly_command(Path::new("."), args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if !works(&["--version"]) {
        return Err(
            "fuzz: needs the nightly toolchain (`rustup toolchain install nightly`) and \
                    rustup's `cargo` on the PATH"
                .into(),
        );
    }
    if !works(&["fuzz", "--version"]) {
        return Err("fuzz: needs cargo-fuzz (`cargo install cargo-fuzz`)".into());
    }
    Ok(())
}
