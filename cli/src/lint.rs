//! `ucifi lint PATH...`: read and validate DDF files and folders.
//!
//! Folders are walked recursively (so `version_history/` is included) and contribute every
//! `*.xml` file. Text output is one `file:line:col: severity[code]: message` line per
//! diagnostic and a summary line `N files, N objects, N resources: N errors, N warnings`;
//! `--format json` prints one JSON object instead. `files` counts every file read,
//! including the recognised and skipped `DDF.xml` and units file. Exit status: 1 when
//! there is an error (including a `version-conflict` between two copies of one object
//! version), 0 otherwise (also when no file was found, e.g. an empty folder); usage
//! errors exit 2. A control character in a text line (a newline in a file name, say) is
//! written escaped (`\n`), so each diagnostic stays one line; JSON escapes it as JSON does.

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
#[command(after_help = "\
Output: one `file:line:col: severity[code]: message` line per diagnostic, then
`N files, N objects, N resources: N errors, N warnings` (--format json: one JSON object).
Exit status 1 when there is an error, 0 otherwise (warnings included); 2 on usage errors.

Examples:
  ucifi lint models/
  ucifi lint vendor/3416-2_0.xml vendor/34000-1_0.xml
  ucifi lint --format json ../lwm2m-registry > report.json")]
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
        // One diagnostic is one line: a control character (a newline in a file name, say)
        // is written escaped, as `\n` or `\u{1b}`, so that it cannot split or forge lines.
        for c in d.to_string().chars() {
            if c.is_control() {
                out.extend(c.escape_default());
            } else {
                out.push(c);
            }
        }
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
    Ok(ExitCode::from(status(&loaded)))
}

/// The exit status: 1 when there is an error, 0 otherwise (also when no file was found).
/// Usage errors exit 2 (clap), as does a failure to render the report.
pub fn status(loaded: &Loaded) -> u8 {
    u8::from(loaded.has_errors())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;
    use std::path::Path;
    use ucifi_codegen::diagnostics::{Diagnostic, codes};
    use ucifi_codegen::ir::Location;

    #[derive(Debug, clap::Parser)]
    struct Cli {
        #[command(flatten)]
        args: Args,
    }

    #[test]
    fn usage_errors_exit_2() {
        for argv in [
            &["lint"][..],
            &["lint", "--format", "yaml", "x.xml"],
            &["lint", "--bogus", "x.xml"],
        ] {
            let e = Cli::try_parse_from(argv).unwrap_err();
            assert_eq!(e.exit_code(), 2, "{argv:?}");
        }
        let ok = Cli::try_parse_from(["lint", "--format", "json", "a", "b"]).unwrap();
        assert_eq!(ok.args.paths.len(), 2);
        assert_eq!(ok.args.format, Format::Json);
    }

    #[test]
    fn status_and_summary() {
        let mut loaded = Loaded::default();
        assert_eq!(status(&loaded), 0);
        assert_eq!(
            render_text(&loaded),
            "0 files, 0 objects, 0 resources: 0 errors, 0 warnings\n"
        );
        let at = Location {
            file: "a.xml".into(),
            line: 2,
            column: 3,
        };
        loaded
            .diagnostics
            .push(Diagnostic::new(&at, codes::NO_RESOURCES, "w"));
        loaded.counts.warnings = 1;
        assert_eq!(status(&loaded), 0);
        loaded
            .diagnostics
            .push(Diagnostic::new(&at, codes::MALFORMED_XML, "e"));
        loaded.counts.errors = 1;
        loaded.counts.files = 1;
        assert_eq!(status(&loaded), 1);
        assert_eq!(
            render_text(&loaded),
            "a.xml:2:3: warning[no-resources]: w\n\
             a.xml:2:3: error[malformed-xml]: e\n\
             1 files, 0 objects, 0 resources: 1 errors, 1 warnings\n"
        );
    }

    #[test]
    fn text_lines_escape_control_characters() {
        let at = Location {
            file: "a\nb.xml".into(),
            line: 1,
            column: 1,
        };
        let mut loaded = Loaded::default();
        loaded
            .diagnostics
            .push(Diagnostic::new(&at, codes::MALFORMED_XML, "x\u{1b}[2Jy"));
        assert_eq!(
            render_text(&loaded),
            "a\\nb.xml:1:1: error[malformed-xml]: x\\u{1b}[2Jy\n\
             0 files, 0 objects, 0 resources: 0 errors, 0 warnings\n"
        );
    }

    #[test]
    fn json_escapes_odd_file_names_and_messages() {
        let odd = "d\"ir\\we\tird\nnäme\u{1}\u{7f}\u{2028}.xml";
        let msg = "bad \"x\" \\ \u{0} \u{1b}[31m é";
        let at = Location {
            file: odd.into(),
            line: 1,
            column: 1,
        };
        let mut loaded = Loaded::default();
        loaded
            .diagnostics
            .push(Diagnostic::new(&at, codes::MALFORMED_XML, msg));
        let text = serde_json::to_string_pretty(&render_json(&loaded)).unwrap();
        // One JSON document; control characters are escaped, never raw.
        assert!(!text.contains('\u{1}') && !text.contains('\u{0}') && !text.contains('\u{1b}'));
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["diagnostics"][0]["file"], odd);
        assert_eq!(back["diagnostics"][0]["message"], msg);
        assert_eq!(
            Path::new(back["diagnostics"][0]["file"].as_str().unwrap()),
            Path::new(odd)
        );
    }
}
