//! `ucifi diff OLD NEW`: every change between two sets of object definitions.
//!
//! Both sides are files or folders (folders are searched recursively, so a registry's
//! `version_history/` is included). Objects are matched by ID and compared version to
//! version (see `ucifi_codegen::diff`); each change is classified breaking, compatible or
//! cosmetic, and every version bump is checked against its changes.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ucifi_codegen::diff::{DiffReport, diff_sets};
use ucifi_codegen::ir::ObjectDef;
use ucifi_codegen::load::{dedup_versions, load_paths};

/// Output format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Markdown, for a pull-request comment.
    #[default]
    Markdown,
    /// `{"changes":[...],"version_check":[...],"removed_objects":[...],"added_objects":[...]}`.
    Json,
}

/// When to exit with status 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Any breaking change (a removed object counts as breaking).
    Breaking,
    /// A version bump that does not match its changes.
    Version,
}

/// Arguments of `ucifi diff`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Each change has an object, the version pair, a resource (or none for object-level
changes), a kind (resource-removed, type-changed, range-changed, ...), a class and a
detail. A breaking change needs a major version bump, any other fact change at least a
minor one; the version check says when a bump does not match.

Examples:
  ucifi diff registry/version_history/3410-1_0.xml registry/3410.xml
  ucifi diff old-models/ models/ --format json
  ucifi diff main-models/ models/ --fail-on breaking   # exit 1 on a breaking change")]
pub struct Args {
    /// The old definitions (DDF file or folder).
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The new definitions (DDF file or folder).
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Markdown)]
    pub format: Format,
    /// Exit with status 1 on a breaking change (`breaking`) or a failed version check
    /// (`version`); repeatable.
    #[arg(long, value_enum, value_name = "WHAT")]
    pub fail_on: Vec<FailOn>,
}

/// Loads one side: definitions with errors are left out (said on stderr), copies of one
/// object version must agree.
pub fn load_side(label: &str, path: &Path) -> Result<Vec<ObjectDef>, String> {
    if !path.exists() {
        return Err(format!(
            "{label} {}: no such file or folder",
            path.display()
        ));
    }
    let loaded = load_paths(&[path.to_path_buf()]);
    let conflict = |d: &ucifi_codegen::diagnostics::Diagnostic| d.code == "version-conflict";
    if let Some(d) = loaded
        .diagnostics
        .iter()
        .find(|d| d.is_error() && !conflict(d))
    {
        eprintln!(
            "warning: {label} {}: {} definition error(s), definitions with errors are left out; first: {d}",
            path.display(),
            loaded
                .diagnostics
                .iter()
                .filter(|d| d.is_error() && !conflict(d))
                .count()
        );
    }
    if loaded.objects.is_empty() {
        return Err(format!(
            "{label} {}: no object definitions found",
            path.display()
        ));
    }
    dedup_versions(loaded.objects).map_err(|diags| {
        format!(
            "{label} {}: {}",
            path.display(),
            diags.first().map(|d| d.to_string()).unwrap_or_default()
        )
    })
}

/// Renders the report.
pub fn render(report: &DiffReport, format: Format) -> Result<String, String> {
    Ok(match format {
        Format::Markdown => report.to_markdown(),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(report)
                .map_err(|e| format!("cannot render JSON: {e}"))?;
            s.push('\n');
            s
        }
    })
}

/// Runs the command.
pub fn run(args: Args) -> Result<ExitCode, String> {
    let old = load_side("OLD", &args.old)?;
    let new = load_side("NEW", &args.new)?;
    let report = diff_sets(&old, &new);
    let text = render(&report, args.format)?;
    crate::payload::write_stdout(text.as_bytes())?;
    let fail = args.fail_on.iter().any(|f| match f {
        FailOn::Breaking => report.has_breaking(),
        FailOn::Version => report.has_version_problems(),
    });
    Ok(if fail {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
