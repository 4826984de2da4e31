//! [`Config`]: generate typed objects from DDF folders, for `build.rs`, `cargo xtask regen`
//! and `ucifi generate`.
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     println!("cargo::rerun-if-changed=models");
//!     ucifi_codegen::Config::new().models("models").generate()?;
//!     Ok(())
//! }
//! // src/lib.rs: include!(concat!(env!("OUT_DIR"), "/ucifi_generated.rs"));
//! ```

use std::fmt;
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;
use crate::generator::{self, GenError, GeneratedFile, Input, Layout, Options};
use crate::load;
use crate::values::ValueNames;

/// Generation settings, built like `prost_build::Config`.
#[derive(Clone, Debug)]
pub struct Config {
    models: Vec<PathBuf>,
    value_names: Vec<PathBuf>,
    out_dir: Option<PathBuf>,
    options: Options,
    families_from_urn: bool,
}

/// Why generation failed.
#[derive(Debug)]
pub enum Error {
    /// The definitions have errors (only error diagnostics are kept).
    Load(Vec<Diagnostic>),
    /// The generator failed.
    Gen(GenError),
    /// A file could not be read or written.
    Io(PathBuf, std::io::Error),
    /// No output folder: neither [`Config::out_dir`] nor `$OUT_DIR`.
    NoOutDir,
    /// The value names ([`Config::value_names`]) cannot be read or do not fit the
    /// definitions: one message per problem, naming the file and table.
    Values(Vec<String>),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Load(d) => {
                write!(f, "{} error(s) in the definitions:", d.len())?;
                for x in d {
                    write!(f, "\n  {x}")?;
                }
                Ok(())
            }
            Error::Gen(e) => write!(f, "{e}"),
            Error::Io(p, e) => write!(f, "{}: {e}", p.display()),
            Error::NoOutDir => write!(f, "no output folder: call out_dir() or set OUT_DIR"),
            Error::Values(problems) => {
                write!(f, "{} problem(s) with the value names:", problems.len())?;
                for p in problems {
                    write!(f, "\n  {p}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Error {}

impl From<GenError> for Error {
    fn from(e: GenError) -> Self {
        Error::Gen(e)
    }
}

impl Default for Config {
    fn default() -> Self {
        Config::new()
    }
}

impl Config {
    /// Defaults: single-file output (`ucifi_generated.rs`) into `$OUT_DIR`, no serde
    /// derives (see [`serde_feature`](Config::serde_feature)), no family features,
    /// families from sub-folders.
    pub fn new() -> Self {
        Config {
            models: Vec::new(),
            value_names: Vec::new(),
            out_dir: None,
            options: Options {
                layout: Layout::SingleFile,
                ..Options::default()
            },
            families_from_urn: false,
        }
    }

    /// Adds a folder (walked recursively) or file of DDF definitions. A definition in a
    /// sub-folder `F` of a given folder goes to family module `F`; one directly in the folder
    /// to the family of its URN label (`oma`, `ext`, `x`).
    pub fn models(&mut self, path: impl AsRef<Path>) -> &mut Self {
        self.models.push(path.as_ref().to_path_buf());
        self
    }

    /// Adds a folder of value names (`<ObjectID>.toml` files and `common.toml`) or one such
    /// file: `[values.N]` tables naming the codes of Integer and Unsigned Integer resources,
    /// which then get a Rust enum (format and rules: [`crate::values`]). The object library
    /// reads `models/descriptions/`. Tables of objects not being generated are ignored.
    ///
    /// ```no_run
    /// ucifi_codegen::Config::new()
    ///     .models("models")
    ///     .value_names("models/values")
    ///     .generate()?;
    /// # Ok::<(), ucifi_codegen::config::Error>(())
    /// ```
    pub fn value_names(&mut self, path: impl AsRef<Path>) -> &mut Self {
        self.value_names.push(path.as_ref().to_path_buf());
        self
    }

    /// Where to write (default: `$OUT_DIR`).
    pub fn out_dir(&mut self, path: impl AsRef<Path>) -> &mut Self {
        self.out_dir = Some(path.as_ref().to_path_buf());
        self
    }

    /// Files per module ([`Layout::Tree`]) or one file ([`Layout::SingleFile`], the default).
    pub fn layout(&mut self, layout: Layout) -> &mut Self {
        self.options.layout = layout;
        self
    }

    /// The file name of single-file output.
    pub fn file_name(&mut self, name: &str) -> &mut Self {
        self.options.single_file_name = name.into();
        self
    }

    /// Gates each family module behind a cargo feature of the same name.
    pub fn family_features(&mut self, on: bool) -> &mut Self {
        self.options.family_features = on;
        self
    }

    /// Serde derives under `cfg_attr(feature = NAME)`, or never (`None`, the default).
    /// The crate including the generated code then declares the feature
    /// (`[features] serde = []`); `ucifi-runtime` re-exports serde for the derives.
    /// Enums get `Serialize` and `Deserialize` impls under `cfg(feature = NAME)` instead: a
    /// named code is its `snake_case` name, any other code its number
    /// (`ucifi_runtime::typed::enumeration`).
    pub fn serde_feature(&mut self, feature: Option<&str>) -> &mut Self {
        self.options.serde_feature = feature.map(Into::into);
        self
    }

    /// Families from the URN label (`oma`, `ext`, `x`) even for definitions in sub-folders
    /// (for the OMA registry layout, whose `version_history/` is no family).
    pub fn families_from_urn(&mut self, on: bool) -> &mut Self {
        self.families_from_urn = on;
        self
    }

    /// Reads, checks and de-duplicates the definitions.
    pub fn load(&self) -> Result<Vec<Input>, Error> {
        let loaded = load::load_paths(&self.models);
        if loaded.has_errors() {
            return Err(Error::Load(
                loaded
                    .diagnostics
                    .into_iter()
                    .filter(|d| d.is_error())
                    .collect(),
            ));
        }
        let objects = load::dedup_versions(loaded.objects).map_err(Error::Load)?;
        let values = self.resolve_values(&objects)?;
        Ok(objects
            .into_iter()
            .zip(values)
            .map(|(def, values)| {
                let (family, source) = self.place(&def.location.file, &def);
                Input {
                    def,
                    family,
                    source,
                    values,
                }
            })
            .collect())
    }

    /// The named codes of each definition's resources, in the order of `defs`.
    fn resolve_values(
        &self,
        defs: &[crate::ir::ObjectDef],
    ) -> Result<Vec<std::collections::BTreeMap<u16, Vec<crate::values::NamedValue>>>, Error> {
        let mut names = ValueNames::default();
        for path in &self.value_names {
            let more = ValueNames::load(path).map_err(|e| Error::Values(vec![e.to_string()]))?;
            names
                .merge(more)
                .map_err(|e| Error::Values(vec![e.to_string()]))?;
        }
        let refs: Vec<&crate::ir::ObjectDef> = defs.iter().collect();
        names.resolve(&refs).map_err(Error::Values)
    }

    fn place(&self, file: &Path, def: &crate::ir::ObjectDef) -> (String, String) {
        for root in &self.models {
            if let Ok(rel) = file.strip_prefix(root) {
                let parts: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                let root_name = root
                    .canonicalize()
                    .ok()
                    .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                    .unwrap_or_else(|| "models".into());
                let source = std::iter::once(root_name)
                    .chain(parts.iter().cloned())
                    .collect::<Vec<_>>()
                    .join("/");
                let family = if parts.len() > 1 && !self.families_from_urn {
                    parts[0].clone()
                } else {
                    urn_label(def)
                };
                return (family, source);
            }
        }
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        (urn_label(def), name)
    }

    /// The files generation produces (nothing is written).
    pub fn render(&self) -> Result<Vec<GeneratedFile>, Error> {
        let inputs = self.load()?;
        Ok(generator::generate(&inputs, &self.options)?)
    }

    fn dir(&self) -> Result<PathBuf, Error> {
        match &self.out_dir {
            Some(d) => Ok(d.clone()),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or(Error::NoOutDir),
        }
    }

    /// Generates and writes the files (unchanged files are not rewritten; stale generated
    /// files in the folder are removed). Returns the paths of the generated files.
    ///
    /// Nothing in the output folder changes unless every file could be written: the
    /// files are written into a staging folder beside it first (`.NAME.staging-PID`,
    /// removed afterwards), then moved into place.
    pub fn generate(&self) -> Result<Vec<PathBuf>, Error> {
        let files = self.render()?;
        let dir = self.dir()?;
        let prune = self.options.layout == Layout::Tree;
        write_staged(&dir, &files, prune.then_some(Path::new("")))
    }

    /// Compares the output folder with what generation would write; returns the stale
    /// files (different, missing, or generated files that should not exist), sorted.
    pub fn check(&self) -> Result<Vec<PathBuf>, Error> {
        let files = self.render()?;
        let dir = self.dir()?;
        if self.options.layout == Layout::SingleFile {
            let mut stale: Vec<PathBuf> = files
                .iter()
                .filter(|f| {
                    !std::fs::read_to_string(dir.join(&f.path)).is_ok_and(|c| c == f.contents)
                })
                .map(|f| dir.join(&f.path))
                .collect();
            stale.sort();
            return Ok(stale);
        }
        check_files(&dir, &files)
    }

    /// Writes a complete crate: `Cargo.toml` (depending on `ucifi-runtime` at
    /// `runtime_path`, features `std` and `serde`) and `src/` with the generated tree.
    pub fn write_crate(&self, name: &str, runtime_path: &Path) -> Result<Vec<PathBuf>, Error> {
        let dir = self.dir()?;
        let mut opts = self.clone();
        opts.options.layout = Layout::Tree;
        let mut files = opts.render()?;
        for f in &mut files {
            f.path = Path::new("src/generated").join(&f.path);
        }
        let serde = match &self.options.serde_feature {
            Some(feature) => format!("{feature} = []\n"),
            None => String::new(),
        };
        let manifest = format!(
            "# @generated by ucifi-codegen. Do not edit.\n[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\nucifi-runtime = {{ path = \"{}\", default-features = false }}\n\n[features]\ndefault = [\"std\"]\nstd = [\"ucifi-runtime/std\"]\n{serde}\n[workspace]\n",
            runtime_path.display().to_string().replace('\\', "/")
        );
        let lib = "// @generated by ucifi-codegen. Do not edit.\n//! Generated LwM2M objects and their model registry.\n#![cfg_attr(not(feature = \"std\"), no_std)]\n#![forbid(unsafe_code)]\n\n#[rustfmt::skip]\nmod generated;\npub use generated::*;\n";
        for (p, c) in [("Cargo.toml", manifest), ("src/lib.rs", lib.to_string())] {
            files.push(GeneratedFile {
                path: p.into(),
                contents: c,
            });
        }
        write_staged(&dir, &files, Some(Path::new("src/generated")))
    }
}

fn urn_label(def: &crate::ir::ObjectDef) -> String {
    let label = def
        .urn
        .strip_prefix("urn:oma:lwm2m:")
        .and_then(|r| r.split(':').next())
        .unwrap_or("");
    match label {
        "oma" | "ext" | "x" => label.into(),
        _ => match def.id {
            0..=2047 => "oma".into(),
            2048..=10240 => "ext".into(),
            _ => "x".into(),
        },
    }
}

/// A folder beside the output folder where a generation is written first, removed when
/// dropped (whether the generation was moved into place or failed).
struct Staging(PathBuf);

impl Staging {
    /// A fresh staging folder beside `dir` (same file system, so files move by rename).
    fn beside(dir: &Path) -> Result<Self, Error> {
        let io = |e| Error::Io(dir.to_path_buf(), e);
        let abs = std::path::absolute(dir).map_err(io)?;
        let (Some(parent), Some(name)) = (abs.parent(), abs.file_name()) else {
            return Err(io(std::io::Error::other(
                "no folder to stage the output beside",
            )));
        };
        let mut staged = std::ffi::OsString::from(".");
        staged.push(name);
        staged.push(format!(".staging-{}", std::process::id()));
        let path = parent.join(staged);
        let _ = std::fs::remove_dir_all(&path); // a leftover of a killed run
        std::fs::create_dir_all(&path).map_err(|e| Error::Io(path.clone(), e))?;
        Ok(Staging(path))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Writes `files` under `dir`, all or nothing as far as the file system allows: every
/// file is first written into a staging folder beside `dir`, so that a file that cannot
/// be written (an over-long name, a full disk) fails the generation before `dir` is
/// touched. Then generated files under `prune` that are no longer produced are removed and
/// each changed file moves into place by rename (unchanged files are left alone, so their
/// times do not trigger rebuilds). Returns the paths of all files.
fn write_staged(
    dir: &Path,
    files: &[GeneratedFile],
    prune: Option<&Path>,
) -> Result<Vec<PathBuf>, Error> {
    let staging = Staging::beside(dir)?;
    for f in files {
        write_new(&staging.0.join(&f.path), &f.contents)?;
    }
    let wanted: Vec<PathBuf> = files.iter().map(|f| dir.join(&f.path)).collect();
    if let Some(prune) = prune {
        let under = dir.join(prune);
        for old in existing_generated(&under) {
            if !wanted.contains(&old) {
                std::fs::remove_file(&old).map_err(|e| Error::Io(old.clone(), e))?;
            }
        }
        remove_empty_dirs(&under);
    }
    for (f, path) in files.iter().zip(&wanted) {
        if std::fs::read_to_string(path).is_ok_and(|c| c == f.contents) {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::Io(parent.to_path_buf(), e))?;
        }
        std::fs::rename(staging.0.join(&f.path), path).map_err(|e| Error::Io(path.clone(), e))?;
    }
    Ok(wanted)
}

/// Writes a file, creating its folders.
fn write_new(path: &Path, contents: &str) -> Result<(), Error> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::Io(parent.to_path_buf(), e))?;
    }
    std::fs::write(path, contents).map_err(|e| Error::Io(path.to_path_buf(), e))
}

/// Every `.rs` file under `dir` that starts with the `@generated` header.
fn existing_generated(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs")
                && std::fs::read_to_string(&p).is_ok_and(|c| generator::is_generated(&c))
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Writes `files` under `dir` (staged beside it first, see [`Config::generate`]),
/// removing generated files that are no longer produced.
pub fn write_files(dir: &Path, files: &[GeneratedFile]) -> Result<Vec<PathBuf>, Error> {
    write_staged(dir, files, Some(Path::new("")))
}

/// Removes folders under `dir` left empty by pruning (not `dir` itself).
fn remove_empty_dirs(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            remove_empty_dirs(&p);
            let _ = std::fs::remove_dir(&p); // fails, as wanted, unless empty
        }
    }
}

/// The stale files of `dir` compared with `files`.
pub fn check_files(dir: &Path, files: &[GeneratedFile]) -> Result<Vec<PathBuf>, Error> {
    let mut stale = Vec::new();
    let wanted: Vec<PathBuf> = files.iter().map(|f| dir.join(&f.path)).collect();
    for (f, path) in files.iter().zip(&wanted) {
        if !std::fs::read_to_string(path).is_ok_and(|c| c == f.contents) {
            stale.push(path.clone());
        }
    }
    for old in existing_generated(dir) {
        if !wanted.contains(&old) {
            stale.push(old);
        }
    }
    stale.sort();
    Ok(stale)
}
