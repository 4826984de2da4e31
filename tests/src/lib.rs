//! Shared helpers of the integration suite.
#![forbid(unsafe_code)]

use std::path::PathBuf;

/// The real OMA registry: `$LWM2M_REGISTRY` if set, else `../shared/lwm2m-registry` beside
/// the repository. `None` (and a note on stderr naming `what` was skipped) when neither exists.
pub fn registry_dir(what: &str) -> Option<PathBuf> {
    let candidate = match std::env::var_os("LWM2M_REGISTRY") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/lwm2m-registry"),
    };
    if candidate.is_dir() {
        Some(candidate)
    } else {
        eprintln!(
            "skipped {what}: no registry at {} (set LWM2M_REGISTRY)",
            candidate.display()
        );
        None
    }
}

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}
