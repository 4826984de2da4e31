//! `ucifi lint PATH...`: read and validate DDF files and folders.
//!
//! Folders are walked recursively (so `version_history/` is included) and contribute every
//! `*.xml` file. Text output is one `file:line:col: severity[code]: message` line per
//! diagnostic and a summary line `N files, N objects, N resources: N errors, N warnings`;
//! `--format json` prints one JSON object instead. `files` counts every file read,
//! including the recognised and skipped `DDF.xml` and units file. Exit status: 1 when
//! there is an error (including a `version-conflict` between two copies of one object
//! version), 0 otherwise.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use ucifi_codegen::load::{Loaded, load_paths};

/// Output format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// `file:line:col: severity[code]: message` lines and a summary line.
    #[default]
    Text,
    /// One JSON object with counts and diagnostics.
    Json,
}

/// Arguments of `ucifi lint`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// DDF files or folders (folders are searched recursively for `*.xml`).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Renders the text report: one line per diagnostic, then the summary line.
pub fn render_text(loaded: &Loaded) -> String {
    let mut out = String::new();
    for d in &loaded.diagnostics {
        out.push_str(&d.to_string());
        out.push('\n');
    }
    out.push_str(&loaded.summary_line());
    out.push('\n');
    out
}

/// Renders the JSON report.
pub fn render_json(loaded: &Loaded) -> serde_json::Value {
    let diagnostics: Vec<serde_json::Value> = loaded
        .diagnostics
        .iter()
        .map(|d| {
            serde_json::json!({
                "file": d.file.display().to_string(),
                "line": d.line,
                "column": d.column,
                "severity": d.severity.as_str(),
                "code": d.code,
                "message": d.message,
            })
        })
        .collect();
    let c = &loaded.counts;
    serde_json::json!({
        "files": c.files,
        "objects": c.objects,
        "resources": c.resources,
        "errors": c.errors,
        "warnings": c.warnings,
        "diagnostics": diagnostics,
    })
}

/// Runs the command.
pub fn run(args: Args) -> Result<ExitCode, String> {
    let loaded = load_paths(&args.paths);
    let text = match args.format {
        Format::Text => render_text(&loaded),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&render_json(&loaded))
                .map_err(|e| format!("cannot render JSON: {e}"))?;
            s.push('\n');
            s
        }
    };
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (e.g. `| head`) is not an error worth a panic.
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
    Ok(if loaded.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
