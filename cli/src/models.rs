//! `ucifi models [ID]`: the known object versions, or one object's model card.
//!
//! Known means the built-in registry plus the definitions given with `--models`.

use std::fmt::Write as _;
use std::process::ExitCode;

use ucifi_runtime::{ObjectModel, Registry, Version};

use crate::payload::{self, ModelArgs};

/// Arguments of `ucifi models`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Without an ID: one line per known object version (ID, version, name, URN, resource
count). With an ID: the model card of its latest version (or --object-version V): the
object's facts and one line per resource (ID, name, operations, instances, mandatory,
type, range, units).

Examples:
  ucifi models
  ucifi models 3412
  ucifi models 3 --object-version 1.1
  ucifi models --models my-models/ 34000")]
pub struct Args {
    /// Object ID whose model card to print.
    #[arg(value_name = "ID")]
    pub id: Option<u16>,
    /// Version of the object for the model card (default: the latest).
    #[arg(long, value_name = "V", requires = "id")]
    pub object_version: Option<String>,
    #[command(flatten)]
    pub models: ModelArgs,
}

/// One line per object version, columns aligned.
pub fn list(registry: &Registry) -> String {
    let rows: Vec<[String; 5]> = registry
        .objects()
        .iter()
        .map(|o| {
            [
                o.id.to_string(),
                o.version.to_string(),
                o.name.to_string(),
                o.urn.to_string(),
                format!(
                    "{} resource{}",
                    o.resources.len(),
                    if o.resources.len() == 1 { "" } else { "s" }
                ),
            ]
        })
        .collect();
    table(&rows, &[true, false, false, false, true])
}

/// Left- or right-aligned columns separated by two spaces, no trailing blanks.
fn table<const N: usize>(rows: &[[String; N]], right: &[bool; N]) -> String {
    let mut widths = [0usize; N];
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    for r in rows {
        let mut line = String::new();
        for (k, c) in r.iter().enumerate() {
            if k > 0 {
                line.push_str("  ");
            }
            let pad = widths[k] - c.chars().count();
            if right[k] {
                line.extend(std::iter::repeat_n(' ', pad));
                line.push_str(c);
            } else {
                line.push_str(c);
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The model card of one object version.
pub fn card(model: &ObjectModel, all_versions: &[ObjectModel]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} (version {})",
        model.id, model.name, model.version
    );
    let _ = writeln!(out, "URN:       {}", model.urn);
    let _ = writeln!(out, "LwM2M:     {}", model.lwm2m_version);
    let _ = writeln!(
        out,
        "instances: {}",
        if model.multiple { "multiple" } else { "single" }
    );
    let _ = writeln!(
        out,
        "mandatory: {}",
        if model.mandatory { "yes" } else { "no" }
    );
    let versions: Vec<String> = all_versions.iter().map(|o| o.version.to_string()).collect();
    let _ = writeln!(out, "versions:  {}", versions.join(", "));
    let _ = writeln!(out, "resources: {}", model.resources.len());
    out.push('\n');
    let mut rows = vec![[
        "ID".to_string(),
        "name".into(),
        "ops".into(),
        "instances".into(),
        "mandatory".into(),
        "type".into(),
        "range".into(),
        "units".into(),
    ]];
    for r in model.resources.iter() {
        rows.push([
            r.id.to_string(),
            r.name.to_string(),
            r.operations.to_string(),
            if r.multiple { "multiple" } else { "single" }.into(),
            if r.mandatory { "yes" } else { "no" }.into(),
            r.data_type.to_string(),
            one_line(&r.range),
            r.units.to_string(),
        ]);
    }
    out.push_str(&table(
        &rows,
        &[true, false, false, false, false, false, false, false],
    ));
    let named: Vec<_> = model
        .resources
        .iter()
        .filter(|r| !r.values.is_empty())
        .collect();
    if !named.is_empty() {
        out.push_str("\nnamed values:\n");
        for r in named {
            let codes: Vec<String> = r
                .values
                .iter()
                .map(|v| format!("{} {}", v.code, v.name))
                .collect();
            let _ = writeln!(out, "{:>5} {}: {}", r.id, r.name, codes.join(", "));
        }
    }
    out
}

/// Multi-line ranges (enumerations) on one line, entries separated by `; `.
fn one_line(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Runs the command.
pub fn run(args: Args) -> Result<ExitCode, String> {
    let registry = payload::load_registry(&args.models.models)?;
    let text = match args.id {
        None => {
            if registry.is_empty() {
                return Err(
                    "no object models known: give definitions with --models DIR|FILE".into(),
                );
            }
            list(&registry)
        }
        Some(id) => {
            let versions = registry.versions(id);
            if versions.is_empty() {
                return Err(format!(
                    "object {id} is not known (built-in registry plus --models)"
                ));
            }
            let model = match &args.object_version {
                None => versions.last().expect("non-empty"),
                Some(v) => {
                    let v: Version = v
                        .parse()
                        .map_err(|e| format!("invalid --object-version {v:?}: {e}"))?;
                    registry.get(id, v).ok_or_else(|| {
                        let known: Vec<String> =
                            versions.iter().map(|o| o.version.to_string()).collect();
                        format!(
                            "object {id} has no version {v} (known: {})",
                            known.join(", ")
                        )
                    })?
                }
            };
            card(model, versions)
        }
    };
    payload::write_stdout(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
