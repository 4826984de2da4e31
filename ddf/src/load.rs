//! Reading DDF files into the model IR, with validation and located diagnostics.
//!
//! * [`parse_ddf`] reads one document from memory; [`load_file`] reads one file;
//!   [`load_paths`] reads files and folders (recursively, every `*.xml`, in path order).
//! * [`dedup_versions`] merges the copies of one object version (the registry keeps each
//!   latest object both at the root and in `version_history/`).
//!
//! Documents recognised by their root element:
//!
//! | root | [`FileKind`] | what happens |
//! |---|---|---|
//! | `<LWM2M>` with `<Object ObjectType="MODefinition">` | [`FileKind::Objects`] | one [`ObjectDef`] per `<Object>` |
//! | `<LWM2M>` with `<Object ObjectType="CommonResources">` | [`FileKind::Common`] | reusable [`ResourceDef`]s (`Common.xml`) |
//! | `<DDFList>` | [`FileKind::Index`] | the registry index `DDF.xml`: checked to be XML, otherwise skipped |
//! | `<units>` | [`FileKind::Units`] | `LWM2M_senml_units.xml`: checked to be XML, otherwise skipped |
//! | anything else | [`FileKind::Invalid`] | an `unknown-root` error |
//!
//! Every field is read as text first, then converted; all conversion errors of a file are
//! collected. An object with at least one error is not returned (its diagnostics are);
//! warnings never drop anything.
//!
//! Why an event reader and not serde: `quick_xml::de` maps elements onto structs well, but
//! it forgets where each element was, and located diagnostics (`file:line:col` pointing at
//! the `<Type>` element or the `ID` attribute) are the point of the linter; it would also
//! stop at the first conversion error. So a small reader on `quick_xml::Reader` events
//! builds a tree of text-only elements, each with the byte offset of its `<`; this module
//! converts it field by field, and byte offsets are mapped to 1-based line and character
//! column (`\n`, `\r\n` and a lone `\r` end lines; a UTF-8 BOM is stripped first).
//!
//! Hostile input is bounded: files over [`MAX_FILE_SIZE`] are not read (nor FIFOs, which
//! would block), a `<!DOCTYPE>` is refused (so no entity can be declared or expanded and
//! no external entity is ever read), only the five predefined entities and character
//! references are resolved, nesting is bounded by [`MAX_DEPTH`] and the element count by
//! [`MAX_ELEMENTS`], and the reader is linear in the input (also for very long lines and
//! many diagnostics).
//!
//! Decided behaviours (pinned in `tests/tests/lint_hostile.rs`):
//!
//! * Encoding: UTF-8 only, with or without a BOM. UTF-16 (with or without a byte order
//!   mark), UTF-32 and a declared `encoding` other than UTF-8 are `invalid-utf8` errors at 1:1.
//!   The XML declaration must come first (after the BOM) and say version 1.0.
//! * Strict XML 1.0 where it costs nothing: characters XML forbids (raw or as references,
//!   e.g. `&#0;`, `&#1;`, `&#xFFFE;`), `]]>` in text, `--` in comments, invalid element or
//!   attribute names, `<` in attribute values, attributes not separated by whitespace and
//!   duplicate attributes are `malformed-xml`.
//! * IDs: the `ID` attribute and `<ObjectID>` are trimmed; plain decimal digits only (leading
//!   zeros allowed), 0..=65534 (65535 is reserved); `+5`, `-1`, `5.0`, `0x10` are `invalid-id`.
//! * Elements are matched by local name as written (a prefixed `<x:Name>` is another,
//!   unknown element); unknown elements are `unknown-element` warnings and ignored, an
//!   element given twice is a `duplicate-element` error. Unknown attributes and stray text
//!   directly inside container elements are ignored silently. Several `<Object>`s in one
//!   file are all read.
//!
//! Counting (used by `ucifi lint`): `files` counts every file read, including `DDF.xml`,
//! the units file and files that failed; `objects` counts returned [`ObjectDef`]s (one per
//! file copy, before [`dedup_versions`]); `resources` counts the resources of those
//! objects; `common_resources` counts the `Common.xml` items, which are not in `resources`.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, codes};
use crate::ir::{DataType, Location, ObjectDef, Operations, Range, ResourceDef, Reusable, Version};
use crate::range::{not_understood_hint, parse_range};
use crate::xml::{self, Element, LineIndex};

pub use crate::xml::{MAX_DEPTH, MAX_ELEMENTS};

/// Largest file read (bytes); larger files get a `file-too-large` error.
pub const MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

/// Deepest folder recursion of [`load_paths`].
const MAX_DIR_DEPTH: usize = 16;

/// What a file turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// Object definitions (`<LWM2M>` / `MODefinition`).
    Objects,
    /// Reusable resources (`Common.xml`, `CommonResources`).
    Common,
    /// The registry index (`DDF.xml`, root `<DDFList>`): recognised and skipped.
    Index,
    /// The extra SenML units (`LWM2M_senml_units.xml`, root `<units>`): recognised and skipped.
    Units,
    /// Unreadable, not XML, or an unknown document.
    Invalid,
}

/// The result of reading one file.
#[derive(Clone, Debug)]
pub struct LoadedFile {
    /// The file, as given.
    pub path: PathBuf,
    /// What the file is.
    pub kind: FileKind,
    /// Its object definitions (those without errors).
    pub objects: Vec<ObjectDef>,
    /// Its reusable resources (`Common.xml`).
    pub common: Vec<ResourceDef>,
    /// Everything found, ordered by position.
    pub diagnostics: Vec<Diagnostic>,
}

/// Per-file counts kept by [`Loaded`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileSummary {
    /// The file, as given.
    pub path: PathBuf,
    /// What the file is.
    pub kind: FileKind,
    /// Objects returned from it.
    pub objects: usize,
    /// Resources of those objects (or reusable resources for `Common.xml`).
    pub resources: usize,
    /// Error diagnostics.
    pub errors: usize,
    /// Warning diagnostics.
    pub warnings: usize,
}

/// Totals over everything loaded (see the module documentation for what is counted).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Files read (every kind).
    pub files: usize,
    /// Object definitions returned (before [`dedup_versions`]).
    pub objects: usize,
    /// Resources of those objects.
    pub resources: usize,
    /// Reusable resources from `Common.xml` files.
    pub common_resources: usize,
    /// Error diagnostics (including `version-conflict`).
    pub errors: usize,
    /// Warning diagnostics.
    pub warnings: usize,
}

/// Everything [`load_paths`] read.
#[derive(Clone, Debug, Default)]
pub struct Loaded {
    /// One summary per file, in path order.
    pub files: Vec<FileSummary>,
    /// Every object definition without errors, in path order (copies not merged: see
    /// [`dedup_versions`]).
    pub objects: Vec<ObjectDef>,
    /// The reusable resources of `Common.xml`.
    pub common: Vec<ResourceDef>,
    /// All diagnostics: per file in path order and position, then `version-conflict`s.
    pub diagnostics: Vec<Diagnostic>,
    /// Totals.
    pub counts: Counts,
}

impl Loaded {
    /// `N files, N objects, N resources: N errors, N warnings`.
    pub fn summary_line(&self) -> String {
        let c = &self.counts;
        format!(
            "{} files, {} objects, {} resources: {} errors, {} warnings",
            c.files, c.objects, c.resources, c.errors, c.warnings
        )
    }

    /// Whether any error was found.
    pub fn has_errors(&self) -> bool {
        self.counts.errors > 0
    }
}

/// Reads one file (bounded by [`MAX_FILE_SIZE`]). Never panics; problems are diagnostics.
pub fn load_file(path: &Path) -> LoadedFile {
    let at_start = Location {
        file: path.to_path_buf(),
        line: 1,
        column: 1,
    };
    let fail = |code, msg: String| LoadedFile {
        path: path.to_path_buf(),
        kind: FileKind::Invalid,
        objects: Vec::new(),
        common: Vec::new(),
        diagnostics: vec![Diagnostic::new(&at_start, code, msg)],
    };
    match std::fs::metadata(path) {
        Ok(m) if m.len() > MAX_FILE_SIZE => {
            return fail(
                codes::FILE_TOO_LARGE,
                format!("file has {} bytes, more than {MAX_FILE_SIZE}", m.len()),
            );
        }
        // Opening a FIFO blocks until a writer appears (a hang, not an error): refused.
        #[cfg(unix)]
        Ok(m) if std::os::unix::fs::FileTypeExt::is_fifo(&m.file_type()) => {
            return fail(
                codes::IO_ERROR,
                "cannot read: a FIFO (named pipe), not a file".into(),
            );
        }
        Ok(_) => {}
        Err(e) => return fail(codes::IO_ERROR, format!("cannot read: {e}")),
    }
    // Read at most one byte more than allowed: a device or FIFO reports length 0 but may
    // never end; parse_ddf then reports the oversize.
    let mut bytes = Vec::new();
    let read = std::fs::File::open(path).and_then(|f| {
        std::io::Read::read_to_end(&mut std::io::Read::take(f, MAX_FILE_SIZE + 1), &mut bytes)
    });
    match read {
        Ok(_) => parse_ddf(path, &bytes),
        Err(e) => fail(codes::IO_ERROR, format!("cannot read: {e}")),
    }
}

/// Reads files and folders. Folders are walked recursively (so `version_history/` is
/// included) and contribute every file ending in `.xml` (any case); files given directly
/// are always read. Files are read once each, sorted by path. Inside folders, symlinks
/// to files are read; symlinks to folders are not followed, and they, symlinks that lead
/// nowhere and FIFOs, sockets or devices named `*.xml` are `skipped-entry` warnings.
pub fn load_paths(paths: &[PathBuf]) -> Loaded {
    let mut loaded = Loaded::default();
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, 0, &mut files, &mut loaded.diagnostics);
        } else {
            files.push(p.clone());
        }
    }
    files.sort();
    files.dedup();
    for path in files {
        let f = load_file(&path);
        let errors = f.diagnostics.iter().filter(|d| d.is_error()).count();
        let resources = f.objects.iter().map(|o| o.resources.len()).sum::<usize>() + f.common.len();
        loaded.files.push(FileSummary {
            path: f.path,
            kind: f.kind,
            objects: f.objects.len(),
            resources,
            errors,
            warnings: f.diagnostics.len() - errors,
        });
        loaded.objects.extend(f.objects);
        loaded.common.extend(f.common);
        loaded.diagnostics.extend(f.diagnostics);
    }
    loaded
        .diagnostics
        .extend(version_conflicts(&loaded.objects));
    let c = &mut loaded.counts;
    c.files = loaded.files.len();
    c.objects = loaded.objects.len();
    c.resources = loaded.objects.iter().map(|o| o.resources.len()).sum();
    c.common_resources = loaded.common.len();
    c.errors = loaded.diagnostics.iter().filter(|d| d.is_error()).count();
    c.warnings = loaded.diagnostics.len() - c.errors;
    loaded
}

fn walk(dir: &Path, depth: usize, files: &mut Vec<PathBuf>, diags: &mut Vec<Diagnostic>) {
    let here = Location {
        file: dir.to_path_buf(),
        line: 1,
        column: 1,
    };
    if depth > MAX_DIR_DEPTH {
        diags.push(Diagnostic::new(
            &here,
            codes::IO_ERROR,
            format!("folders nested deeper than {MAX_DIR_DEPTH} levels; not read"),
        ));
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            diags.push(Diagnostic::new(
                &here,
                codes::IO_ERROR,
                format!("cannot read folder: {e}"),
            ));
            return;
        }
    };
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                diags.push(Diagnostic::new(
                    &here,
                    codes::IO_ERROR,
                    format!("cannot read folder: {e}"),
                ));
                continue;
            }
        };
        let path = entry.path();
        let skipped = |why: String| {
            let at = Location {
                file: path.clone(),
                line: 1,
                column: 1,
            };
            Diagnostic::new(&at, codes::SKIPPED_ENTRY, why)
        };
        let is_xml = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xml"));
        let Ok(own_type) = entry.file_type() else {
            diags.push(skipped("cannot tell what this entry is; not read".into()));
            continue;
        };
        if own_type.is_dir() {
            walk(&path, depth + 1, files, diags);
            continue;
        }
        // A symlink is followed to a file; never to a folder (a loop back up the tree
        // would never end), and one that leads nowhere is said.
        let target = if own_type.is_symlink() {
            match std::fs::metadata(&path) {
                Ok(m) if m.is_dir() => {
                    diags.push(skipped("a symlink to a folder; not followed".into()));
                    continue;
                }
                Ok(m) => m.file_type(),
                Err(e) => {
                    diags.push(skipped(format!(
                        "a symlink that cannot be followed (dangling or looping): {e}; not read"
                    )));
                    continue;
                }
            }
        } else {
            own_type
        };
        if !is_xml {
            continue;
        }
        if target.is_file() {
            files.push(path);
        } else {
            // A FIFO, socket or device named `*.xml` is not ours to open (a FIFO would
            // block until a writer appears).
            diags.push(skipped(
                "not a regular file (a FIFO, socket or device); not read".into(),
            ));
        }
    }
}

/// Reads one DDF document from memory. `file` is only used for locations. Never panics.
///
/// Accepts a UTF-8 BOM (not counted as a column), CRLF, a missing XML declaration, CDATA
/// and the predefined entity and character references; refuses DOCTYPE.
pub fn parse_ddf(file: &Path, bytes: &[u8]) -> LoadedFile {
    let mut out = LoadedFile {
        path: file.to_path_buf(),
        kind: FileKind::Invalid,
        objects: Vec::new(),
        common: Vec::new(),
        diagnostics: Vec::new(),
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // The size is checked before the line index is built: indexing costs memory in
    // proportion to the text.
    let too_large = bytes.len() as u64 > MAX_FILE_SIZE;
    let index = LineIndex::new(if too_large { &[] } else { bytes });
    let mut ctx = Ctx {
        file,
        index,
        diags: Vec::new(),
        errors: 0,
    };
    if too_large {
        ctx.report(
            0,
            codes::FILE_TOO_LARGE,
            format!("file has {} bytes, more than {MAX_FILE_SIZE}", bytes.len()),
        );
        out.diagnostics = ctx.diags;
        return out;
    }
    // UTF-16 (with or without a byte order mark) is named as such: decoding it as UTF-8
    // gave "invalid utf-8 sequence" or a confusing XML error about NUL characters.
    let utf16 = match bytes {
        // UTF-32 first: its little-endian BOM starts like UTF-16's.
        [0xFF, 0xFE, 0, 0, ..] => Some("UTF-32 little-endian (byte order mark FF FE 00 00)"),
        [0, 0, 0xFE, 0xFF, ..] => Some("UTF-32 big-endian (byte order mark 00 00 FE FF)"),
        [0xFF, 0xFE, ..] => Some("UTF-16 little-endian (byte order mark FF FE)"),
        [0xFE, 0xFF, ..] => Some("UTF-16 big-endian (byte order mark FE FF)"),
        [b'<', 0, ..] => Some("UTF-16 little-endian (no byte order mark)"),
        [0, b'<', ..] => Some("UTF-16 big-endian (no byte order mark)"),
        _ => None,
    };
    if let Some(what) = utf16 {
        ctx.report(
            0,
            codes::INVALID_UTF8,
            format!("the file is {what}: only UTF-8 is read; convert it to UTF-8"),
        );
        out.diagnostics = ctx.diags;
        return out;
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            // The located byte is named; std's message gives an index into the text
            // after the BOM, which is not the file offset and so misleading.
            let at = e.valid_up_to();
            ctx.report(
                at,
                codes::INVALID_UTF8,
                format!(
                    "not UTF-8: byte 0x{:02X} does not start a valid UTF-8 sequence here",
                    bytes.get(at).copied().unwrap_or(0)
                ),
            );
            out.diagnostics = ctx.diags;
            return out;
        }
    };
    match xml::parse(text) {
        Err(e) => ctx.report(e.offset, e.code, e.message),
        Ok(root) => match root.name.as_str() {
            "LWM2M" => read_lwm2m(&mut ctx, &root, &mut out),
            "DDFList" => out.kind = FileKind::Index,
            "units" => out.kind = FileKind::Units,
            other => ctx.report(
                root.offset,
                codes::UNKNOWN_ROOT,
                format!(
                    "unknown document <{other}>: expected <LWM2M> (object definitions), <DDFList> (DDF.xml) or <units>"
                ),
            ),
        },
    }
    ctx.diags.sort_by_key(|d| (d.line, d.column));
    out.diagnostics = ctx.diags;
    out
}

struct Ctx<'a> {
    file: &'a Path,
    index: LineIndex<'a>,
    diags: Vec<Diagnostic>,
    /// Errors in `diags`, kept as a count: `errors()` is asked once per item, and
    /// recounting every diagnostic each time was quadratic on files with many items.
    errors: usize,
}

impl Ctx<'_> {
    fn loc(&self, offset: usize) -> Location {
        let (line, column) = self.index.position(offset);
        Location {
            file: self.file.to_path_buf(),
            line,
            column,
        }
    }

    fn report(&mut self, offset: usize, code: &'static str, message: impl Into<String>) {
        let d = Diagnostic::new(&self.loc(offset), code, message);
        self.errors += usize::from(d.is_error());
        self.diags.push(d);
    }

    fn errors(&self) -> usize {
        self.errors
    }

    /// Text of a leaf element, trimmed; child elements are reported and ignored.
    fn text(&mut self, el: &Element) -> String {
        for c in &el.children {
            self.report(
                c.offset,
                codes::UNKNOWN_ELEMENT,
                format!(
                    "<{}> inside <{}> is not part of DDF; ignored",
                    c.name, el.name
                ),
            );
        }
        el.text.trim().to_string()
    }
}

/// The recognised children of an element, by name.
struct Children<'e> {
    found: Vec<(&'static str, &'e Element)>,
}

impl<'e> Children<'e> {
    fn collect(ctx: &mut Ctx<'_>, parent: &'e Element, known: &[&'static str]) -> Self {
        let mut found: Vec<(&'static str, &'e Element)> = Vec::new();
        for c in &parent.children {
            match known.iter().find(|k| **k == c.name) {
                Some(k) => {
                    if let Some((_, first)) = found.iter().find(|(n, _)| n == k) {
                        let (line, _) = ctx.index.position(first.offset);
                        ctx.report(
                            c.offset,
                            codes::DUPLICATE_ELEMENT,
                            format!("<{k}> given again (first on line {line})"),
                        );
                    } else {
                        found.push((k, c));
                    }
                }
                None => ctx.report(
                    c.offset,
                    codes::UNKNOWN_ELEMENT,
                    format!(
                        "<{}> is not a child of <{}> in DDF; ignored",
                        c.name, parent.name
                    ),
                ),
            }
        }
        Children { found }
    }

    fn get(&self, name: &str) -> Option<&'e Element> {
        self.found.iter().find(|(n, _)| *n == name).map(|(_, e)| *e)
    }

    /// A required child; reports `missing-element` at `parent` when absent.
    fn required(
        &self,
        ctx: &mut Ctx<'_>,
        parent: &Element,
        what: &str,
        name: &str,
    ) -> Option<&'e Element> {
        let el = self.get(name);
        if el.is_none() {
            ctx.report(
                parent.offset,
                codes::MISSING_ELEMENT,
                format!("{what} has no <{name}>"),
            );
        }
        el
    }
}

const OBJECT_CHILDREN: &[&str] = &[
    "Name",
    "Description1",
    "Description2",
    "ObjectID",
    "ObjectURN",
    "LWM2MVersion",
    "ObjectVersion",
    "MultipleInstances",
    "Mandatory",
    "Resources",
];

const ITEM_CHILDREN: &[&str] = &[
    "Name",
    "Operations",
    "MultipleInstances",
    "Mandatory",
    "Type",
    "RangeEnumeration",
    "Units",
    "Description",
    "Submitter",
    "TS",
    "TSLink",
];

fn read_lwm2m(ctx: &mut Ctx<'_>, root: &Element, out: &mut LoadedFile) {
    let mut any = false;
    for c in &root.children {
        if c.name != "Object" {
            ctx.report(
                c.offset,
                codes::UNKNOWN_ELEMENT,
                format!("<{}> is not a child of <LWM2M> in DDF; ignored", c.name),
            );
            continue;
        }
        any = true;
        let errors_before = ctx.errors();
        let object_type = c.attr("ObjectType").map(|a| a.value.trim().to_string());
        match object_type.as_deref() {
            Some("CommonResources") => {
                out.kind = FileKind::Common;
                out.common.extend(read_common(ctx, c));
            }
            other => {
                if out.kind != FileKind::Common {
                    out.kind = FileKind::Objects;
                }
                match other {
                    Some("MODefinition") => {}
                    Some(t) => ctx.report(
                        c.attr("ObjectType").map_or(c.offset, |a| a.offset),
                        codes::UNKNOWN_OBJECT_TYPE,
                        format!(
                            "ObjectType {} is neither MODefinition nor CommonResources",
                            short(t)
                        ),
                    ),
                    None => ctx.report(
                        c.offset,
                        codes::MISSING_ATTRIBUTE,
                        "<Object> has no ObjectType attribute (MODefinition assumed)",
                    ),
                }
                if let Some(o) = read_object(ctx, c)
                    && ctx.errors() == errors_before
                {
                    out.objects.push(o);
                }
            }
        }
    }
    if !any {
        ctx.report(
            root.offset,
            codes::MISSING_ELEMENT,
            "<LWM2M> has no <Object>",
        );
    }
}

/// `Single`/`Multiple` and `Mandatory`/`Optional`.
fn flag(
    ctx: &mut Ctx<'_>,
    el: Option<&Element>,
    yes: &str,
    no: &str,
    code: &'static str,
    field: &str,
) -> bool {
    let Some(el) = el else { return false };
    let t = ctx.text(el);
    if t == yes {
        true
    } else {
        if t != no {
            ctx.report(
                el.offset,
                code,
                format!("<{field}> is {}: expected {yes} or {no}", short(&t)),
            );
        }
        false
    }
}

/// An object or resource ID: plain decimal in `0..=65534`. 65535 is reserved: no LwM2M
/// path, TLV header or SenML name can carry it.
fn parse_id(text: &str) -> Option<u16> {
    let t = text.trim();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok().filter(|&id| id != u16::MAX)
}

/// A version element: `(version, given)`; empty means absent.
fn version(ctx: &mut Ctx<'_>, el: Option<&Element>) -> (Version, bool) {
    let Some(el) = el else {
        return (Version::V1_0, false);
    };
    let t = ctx.text(el);
    if t.is_empty() {
        return (Version::V1_0, false);
    }
    match t.parse::<Version>() {
        Ok(v) => (v, true),
        Err(_) => {
            // The runtime's message quotes the whole text; a clipped quote is enough.
            ctx.report(
                el.offset,
                codes::INVALID_VERSION,
                format!(
                    "<{}>: invalid version {}: expected MAJOR.MINOR with decimal numbers up to 65535",
                    el.name,
                    short(&t)
                ),
            );
            (Version::V1_0, false)
        }
    }
}

/// `urn:oma:lwm2m:{oma|ext|x}:ID[:MAJ.MIN]` → (label, ID, version).
fn parse_urn(urn: &str) -> Option<(&str, u16, Option<Version>)> {
    let rest = urn.strip_prefix("urn:oma:lwm2m:")?;
    let mut parts = rest.split(':');
    let label = parts.next()?;
    if !matches!(label, "oma" | "ext" | "x") {
        return None;
    }
    let id = parse_id(parts.next()?)?;
    let version = match parts.next() {
        None => None,
        Some(v) => Some(
            v.parse::<Version>()
                .ok()
                .filter(|_| !v.contains(char::is_whitespace))?,
        ),
    };
    if parts.next().is_some() {
        return None;
    }
    Some((label, id, version))
}

fn expected_label(id: u16) -> Option<&'static str> {
    match id {
        0..=1023 => Some("oma"),
        2048..=10240 => Some("ext"),
        10241..=32768 => Some("x"),
        _ => None,
    }
}

fn read_object(ctx: &mut Ctx<'_>, obj: &Element) -> Option<ObjectDef> {
    let errors_before = ctx.errors();
    let ch = Children::collect(ctx, obj, OBJECT_CHILDREN);
    let what = "<Object>";
    let name = ch.required(ctx, obj, what, "Name").map(|e| {
        let name = ctx.text(e);
        if name.is_empty() {
            ctx.report(
                e.offset,
                codes::EMPTY_NAME,
                "<Object> has an empty <Name>; generated code names it by its ID",
            );
        }
        name
    });
    let description1 = ch
        .required(ctx, obj, what, "Description1")
        .map(|e| ctx.text(e));
    let description2 = ch
        .get("Description2")
        .map(|e| ctx.text(e))
        .unwrap_or_default();
    let id = ch.required(ctx, obj, what, "ObjectID").and_then(|e| {
        let t = ctx.text(e);
        let id = parse_id(&t);
        if id.is_none() {
            ctx.report(
                e.offset,
                codes::INVALID_ID,
                format!(
                    "ObjectID {} is not a decimal number in 0..=65534 (65535 is reserved)",
                    short(&t)
                ),
            );
        }
        id
    });
    let lwm2m_el = ch.get("LWM2MVersion");
    let (lwm2m_version, lwm2m_version_given) = version(ctx, lwm2m_el);
    // An invalid (non-empty) version was already reported as an error.
    if !lwm2m_version_given && lwm2m_el.is_none_or(|e| e.text.trim().is_empty()) {
        let (at, how) = match lwm2m_el {
            Some(e) => (e.offset, "is empty"),
            None => (obj.offset, "is missing"),
        };
        ctx.report(
            at,
            codes::MISSING_LWM2M_VERSION,
            format!("<LWM2MVersion> {how}; LwM2M 1.0 assumed"),
        );
    }
    let version_el = ch.get("ObjectVersion");
    let (version, version_given) = version(ctx, version_el);
    let urn_el = ch.required(ctx, obj, what, "ObjectURN");
    let urn = urn_el.map(|e| ctx.text(e));
    if let (Some(e), Some(u)) = (urn_el, urn.as_deref()) {
        match parse_urn(u) {
            None => ctx.report(
                e.offset,
                codes::INVALID_URN,
                format!(
                    "ObjectURN {} does not follow urn:oma:lwm2m:{{oma|ext|x}}:ID[:MAJOR.MINOR]",
                    short(u)
                ),
            ),
            Some((label, urn_id, urn_version)) => {
                if let Some(id) = id {
                    if urn_id != id {
                        ctx.report(
                            e.offset,
                            codes::URN_ID_MISMATCH,
                            format!(
                                "ObjectURN {} names object {urn_id} but ObjectID is {id}",
                                short(u)
                            ),
                        );
                    } else if let Some(want) = expected_label(id)
                        && want != label
                    {
                        ctx.report(
                            e.offset,
                            codes::URN_LABEL_MISMATCH,
                            format!("ObjectURN label {label:?} does not fit object ID {id} (expected {want:?})"),
                        );
                    }
                }
                if let Some(v) = urn_version
                    && v != version
                {
                    ctx.report(
                        e.offset,
                        codes::URN_VERSION_MISMATCH,
                        format!(
                            "ObjectURN {} says version {v} but ObjectVersion is {version}",
                            short(u)
                        ),
                    );
                }
            }
        }
    }
    let multiple_el = ch.required(ctx, obj, what, "MultipleInstances");
    let mandatory_el = ch.required(ctx, obj, what, "Mandatory");
    let multiple = flag(
        ctx,
        multiple_el,
        "Multiple",
        "Single",
        codes::INVALID_MULTIPLE_INSTANCES,
        "MultipleInstances",
    );
    let mandatory = flag(
        ctx,
        mandatory_el,
        "Mandatory",
        "Optional",
        codes::INVALID_MANDATORY,
        "Mandatory",
    );
    let resources = ch
        .required(ctx, obj, what, "Resources")
        .map(|r| read_items(ctx, r, false))
        .unwrap_or_default();
    if ctx.errors() > errors_before {
        return None;
    }
    Some(ObjectDef {
        id: id?,
        name: name?,
        description1: description1?,
        description2,
        urn: urn?,
        lwm2m_version,
        lwm2m_version_given,
        version,
        version_given,
        multiple,
        mandatory,
        resources,
        location: ctx.loc(obj.offset),
    })
}

fn read_common(ctx: &mut Ctx<'_>, obj: &Element) -> Vec<ResourceDef> {
    let ch = Children::collect(ctx, obj, &["Resources"]);
    ch.required(
        ctx,
        obj,
        "<Object ObjectType=\"CommonResources\">",
        "Resources",
    )
    .map(|r| read_items(ctx, r, true))
    .unwrap_or_default()
}

/// The `<Item>`s of a `<Resources>` element; items with errors are left out.
fn read_items(ctx: &mut Ctx<'_>, resources: &Element, common: bool) -> Vec<ResourceDef> {
    let mut out: Vec<ResourceDef> = Vec::new();
    let mut ids: BTreeMap<u16, usize> = BTreeMap::new();
    let mut names: BTreeMap<String, (u16, usize)> = BTreeMap::new();
    for item in &resources.children {
        if item.name != "Item" {
            ctx.report(
                item.offset,
                codes::UNKNOWN_ELEMENT,
                format!(
                    "<{}> is not a child of <Resources> in DDF; ignored",
                    item.name
                ),
            );
            continue;
        }
        let Some((res, id_offset, name_offset)) = read_item(ctx, item, common) else {
            continue;
        };
        if let Some(first) = ids.get(&res.id) {
            let (line, _) = ctx.index.position(*first);
            ctx.report(
                id_offset,
                codes::DUPLICATE_RESOURCE_ID,
                format!("resource ID {} is already used on line {line}", res.id),
            );
            continue;
        }
        ids.insert(res.id, item.offset);
        {
            match names.get(&res.name) {
                Some((first_id, _)) => ctx.report(
                    name_offset,
                    codes::DUPLICATE_RESOURCE_NAME,
                    format!(
                        "resources {first_id} and {} are both named {:?}",
                        res.id, res.name
                    ),
                ),
                None => {
                    names.insert(res.name.clone(), (res.id, item.offset));
                }
            }
        }
        out.push(res);
    }
    // Warn only when there is no <Item> at all (items with errors were reported already).
    // Counting the errors of the whole file instead hid an empty second <Object>'s
    // warning whenever the first one had an error.
    if out.is_empty() && !common && !resources.children.iter().any(|c| c.name == "Item") {
        ctx.report(
            resources.offset,
            codes::NO_RESOURCES,
            "<Resources> has no <Item>",
        );
    }
    out
}

/// One `<Item>`; also returns the offsets of its `ID` attribute and `<Name>`.
fn read_item(
    ctx: &mut Ctx<'_>,
    item: &Element,
    common: bool,
) -> Option<(ResourceDef, usize, usize)> {
    let errors_before = ctx.errors();
    let id_attr = item.attr("ID");
    let id = match id_attr {
        None => {
            ctx.report(
                item.offset,
                codes::MISSING_ATTRIBUTE,
                "<Item> has no ID attribute",
            );
            None
        }
        Some(a) => {
            let id = parse_id(&a.value);
            if id.is_none() {
                ctx.report(
                    a.offset,
                    codes::INVALID_ID,
                    format!(
                        "resource ID {} is not a decimal number in 0..=65534 (65535 is reserved)",
                        short(a.value.trim())
                    ),
                );
            }
            id
        }
    };
    let what = match id {
        Some(id) => format!("<Item ID=\"{id}\">"),
        None => "<Item>".to_string(),
    };
    let ch = Children::collect(ctx, item, ITEM_CHILDREN);
    let name_el = ch.required(ctx, item, &what, "Name");
    let name = name_el.map(|e| {
        let name = ctx.text(e);
        if name.is_empty() {
            ctx.report(
                e.offset,
                codes::EMPTY_NAME,
                format!("{what} has an empty <Name>; generated code names it by its ID"),
            );
        }
        name
    });
    let operations = ch.required(ctx, item, &what, "Operations").and_then(|e| {
        let t = ctx.text(e);
        let ops = Operations::from_ddf(&t);
        if ops.is_none() {
            ctx.report(
                e.offset,
                codes::UNKNOWN_OPERATIONS,
                format!(
                    "{what}: unknown Operations {}: expected R, W, RW, E or empty",
                    short(&t)
                ),
            );
        }
        ops
    });
    let (multiple_el, mandatory_el) = if common {
        (ch.get("MultipleInstances"), ch.get("Mandatory"))
    } else {
        (
            ch.required(ctx, item, &what, "MultipleInstances"),
            ch.required(ctx, item, &what, "Mandatory"),
        )
    };
    let multiple = flag(
        ctx,
        multiple_el,
        "Multiple",
        "Single",
        codes::INVALID_MULTIPLE_INSTANCES,
        "MultipleInstances",
    );
    let mandatory = flag(
        ctx,
        mandatory_el,
        "Mandatory",
        "Optional",
        codes::INVALID_MANDATORY,
        "Mandatory",
    );
    let type_el = ch.required(ctx, item, &what, "Type");
    let mut data_type = type_el.and_then(|e| {
        let t = ctx.text(e);
        let d = DataType::from_ddf(&t);
        if d.is_none() {
            ctx.report(
                e.offset,
                codes::UNKNOWN_TYPE,
                format!(
                    "{what}: unknown Type {}: expected String, Integer, Unsigned Integer, Float, Boolean, Opaque, Time, Objlnk, Corelnk or empty", short(&t)
                ),
            );
        }
        d
    });
    if let (Some(ops), Some(d), Some(e)) = (operations, data_type, type_el) {
        if ops.executable() && d != DataType::None {
            ctx.report(
                e.offset,
                codes::EXECUTABLE_WITH_TYPE,
                format!(
                    "{what} is executable (E) but has Type {}; the Type is ignored",
                    d.ddf_name()
                ),
            );
            data_type = Some(DataType::None);
        } else if !ops.executable() && !ops.is_none() && d == DataType::None {
            ctx.report(
                e.offset,
                codes::READABLE_WITHOUT_TYPE,
                format!("{what} has Operations {} but an empty Type", ops.ddf_name()),
            );
        }
    }
    let range_el = ch.get("RangeEnumeration");
    let range_text = range_el.map(|e| ctx.text(e)).unwrap_or_default();
    let range = parse_range(&range_text);
    if let (Range::Text(t), Some(e)) = (&range, range_el) {
        ctx.report(
            e.offset,
            codes::RANGE_NOT_UNDERSTOOD,
            format!(
                "{what}: RangeEnumeration {} kept as text: {}",
                short(t),
                not_understood_hint(t)
            ),
        );
    }
    let units = ch.get("Units").map(|e| ctx.text(e)).unwrap_or_default();
    let description = ch
        .get("Description")
        .map(|e| ctx.text(e))
        .unwrap_or_default();
    let submitter = ch.get("Submitter").map(|e| ctx.text(e));
    let ts = ch.get("TS").map(|e| ctx.text(e));
    let ts_link = ch.get("TSLink").map(|e| {
        let t = ctx.text(e);
        match t.as_str() {
            "1" => true,
            "0" | "" => false,
            _ => {
                ctx.report(
                    e.offset,
                    codes::INVALID_TS_LINK,
                    format!("<TSLink> is {}: expected 0 or 1", short(&t)),
                );
                false
            }
        }
    });
    let reusable =
        (common || submitter.is_some() || ts.is_some() || ts_link.is_some()).then(|| Reusable {
            submitter: submitter.unwrap_or_default(),
            ts: ts.unwrap_or_default(),
            ts_link: ts_link.unwrap_or(false),
        });
    if ctx.errors() > errors_before {
        return None;
    }
    let res = ResourceDef {
        id: id?,
        name: name?,
        operations: operations?,
        multiple,
        mandatory,
        data_type: data_type?,
        range,
        range_text,
        units,
        description,
        reusable,
        location: ctx.loc(item.offset),
    };
    let id_offset = id_attr.map_or(item.offset, |a| a.offset);
    let name_offset = name_el.map_or(item.offset, |e| e.offset);
    Some((res, id_offset, name_offset))
}

/// `text` quoted, cut to about 40 characters (messages point at the text; they need not
/// hold all of it). Every quoted value in a message goes through it, so a hostile
/// multi-megabyte `<Type>` or `ID` does not become a multi-megabyte message line.
fn short(text: &str) -> String {
    clip(format!("{text:?}"))
}

fn clip(s: String) -> String {
    const MAX: usize = 42;
    if s.chars().count() <= MAX {
        s
    } else {
        let mut cut: String = s.chars().take(MAX - 2).collect();
        cut.push('…');
        cut
    }
}

/// The first fact in which two definitions of one object version differ (location
/// ignored), or `None` when they agree.
pub fn difference(a: &ObjectDef, b: &ObjectDef) -> Option<String> {
    macro_rules! cmp {
        ($($f:ident),*) => {$(
            if a.$f != b.$f {
                return Some(format!(
                    "{} differs ({} vs {})",
                    stringify!($f),
                    clip(format!("{:?}", a.$f)),
                    clip(format!("{:?}", b.$f))
                ));
            }
        )*};
    }
    cmp!(
        id,
        name,
        description1,
        description2,
        urn,
        lwm2m_version,
        version,
        multiple,
        mandatory
    );
    let by_id = |o: &ObjectDef| -> BTreeMap<u16, ResourceDef> {
        o.resources.iter().map(|r| (r.id, r.clone())).collect()
    };
    let (ra, rb) = (by_id(a), by_id(b));
    let ids_a: Vec<u16> = ra.keys().copied().collect();
    let ids_b: Vec<u16> = rb.keys().copied().collect();
    if ids_a != ids_b {
        return Some(format!("resource IDs differ ({ids_a:?} vs {ids_b:?})"));
    }
    for (id, x) in &ra {
        let Some(y) = rb.get(id) else { continue };
        macro_rules! rcmp {
            ($($f:ident),*) => {$(
                if x.$f != y.$f {
                    return Some(format!(
                        "resource {id} {} differs ({} vs {})",
                        stringify!($f),
                        clip(format!("{:?}", x.$f)),
                        clip(format!("{:?}", y.$f))
                    ));
                }
            )*};
        }
        rcmp!(
            name,
            operations,
            multiple,
            mandatory,
            data_type,
            range,
            range_text,
            units,
            description,
            reusable
        );
    }
    None
}

fn version_conflicts(objects: &[ObjectDef]) -> Vec<Diagnostic> {
    let mut seen: BTreeMap<(u16, Version), &ObjectDef> = BTreeMap::new();
    let mut out = Vec::new();
    for o in objects {
        match seen.entry((o.id, o.version)) {
            Entry::Vacant(v) => {
                v.insert(o);
            }
            Entry::Occupied(first) => {
                let first = *first.get();
                if let Some(diff) = difference(first, o) {
                    let l = &first.location;
                    out.push(Diagnostic::new(
                        &o.location,
                        codes::VERSION_CONFLICT,
                        format!(
                            "object {} version {} is also defined in {}:{}:{} with different facts: {diff}",
                            o.id,
                            o.version,
                            l.file.display(),
                            l.line,
                            l.column
                        ),
                    ));
                }
            }
        }
    }
    out
}

/// Merges identical copies of one object version.
///
/// Objects are keyed by (ObjectID, ObjectVersion). Copies whose facts agree (every field
/// but the location, resources compared by ID: see [`difference`]) become one; the first
/// in input order is kept (with [`load_paths`]' path order, a registry root file wins over
/// its `version_history/` copy). The result is sorted by (ID, version).
///
/// # Errors
///
/// When copies disagree: one `version-conflict` error per conflicting copy, located at
/// that copy and naming the file of the first one.
pub fn dedup_versions(objects: Vec<ObjectDef>) -> Result<Vec<ObjectDef>, Vec<Diagnostic>> {
    let conflicts = version_conflicts(&objects);
    if !conflicts.is_empty() {
        return Err(conflicts);
    }
    let mut map: BTreeMap<(u16, Version), ObjectDef> = BTreeMap::new();
    for o in objects {
        map.entry((o.id, o.version)).or_insert(o);
    }
    Ok(map.into_values().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes_at(f: &LoadedFile) -> Vec<(&'static str, u32, u32)> {
        f.diagnostics
            .iter()
            .map(|d| (d.code, d.line, d.column))
            .collect()
    }

    fn item(id: &str, name: &str, ops: &str, ty: &str, range: &str) -> String {
        format!(
            "<Item ID=\"{id}\"><Name>{name}</Name><Operations>{ops}</Operations>\
             <MultipleInstances>Single</MultipleInstances><Mandatory>Optional</Mandatory>\
             <Type>{ty}</Type><RangeEnumeration>{range}</RangeEnumeration><Units></Units>\
             <Description></Description></Item>"
        )
    }

    fn object(id: u16, urn: &str, items: &str) -> String {
        format!(
            "<LWM2M><Object ObjectType=\"MODefinition\"><Name>T</Name><Description1>d</Description1>\
             <ObjectID>{id}</ObjectID><ObjectURN>{urn}</ObjectURN><LWM2MVersion>1.1</LWM2MVersion>\
             <ObjectVersion>1.0</ObjectVersion><MultipleInstances>Single</MultipleInstances>\
             <Mandatory>Optional</Mandatory><Resources>{items}</Resources>\
             <Description2></Description2></Object></LWM2M>"
        )
    }

    #[test]
    fn oversized_text_is_refused_before_it_is_indexed() {
        // Line breaks only: the text whose line index would cost the most.
        let big = vec![b'\n'; MAX_FILE_SIZE as usize + 1];
        let f = parse_ddf(Path::new("big.xml"), &big);
        assert_eq!(codes_at(&f), [(codes::FILE_TOO_LARGE, 1, 1)]);
        assert_eq!(
            f.diagnostics[0].message,
            format!(
                "file has {} bytes, more than {MAX_FILE_SIZE}",
                MAX_FILE_SIZE + 1
            )
        );
        assert!(f.objects.is_empty());
    }

    #[test]
    fn real_world_quirks_are_accepted() {
        // BOM, no declaration (a comment first), CRLF, CDATA, entity and character
        // references, padded values, empty Operations, no RangeEnumeration, children out
        // of order, no LWM2MVersion/ObjectVersion.
        let doc = "\u{FEFF}<!-- licence -->\r\n<LWM2M>\r\n  <Object ObjectType=\"MODefinition\">\r\n\
            <Name> Caf\u{e9} &amp; Bar </Name>\r\n<Description2></Description2>\r\n\
            <Description1><![CDATA[a <b> c]]> &lt;d&gt; &#x41;</Description1>\r\n\
            <ObjectID> 3412 </ObjectID>\r\n<ObjectURN>urn:oma:lwm2m:ext:3412</ObjectURN>\r\n\
            <MultipleInstances>Multiple</MultipleInstances>\r\n<Mandatory>Optional</Mandatory>\r\n\
            <Resources>\r\n\
            <Item ID=\"0\"><Name>A</Name><Type> Unsigned Integer </Type><Operations></Operations>\
            <Mandatory>Mandatory</Mandatory><MultipleInstances>Multiple</MultipleInstances>\
            <Units> s </Units><Description>x</Description></Item>\r\n\
            <Item ID=\"1\"><Name>B</Name><Operations>E</Operations><MultipleInstances>Single</MultipleInstances>\
            <Mandatory>Optional</Mandatory><Type></Type><RangeEnumeration>\r\n\t0..10\r\n</RangeEnumeration>\
            <Units/><Description/></Item>\r\n\
            </Resources>\r\n</Object>\r\n</LWM2M>\r\n";
        let f = parse_ddf(Path::new("q.xml"), doc.as_bytes());
        assert_eq!(f.kind, FileKind::Objects);
        assert_eq!(codes_at(&f), [("missing-lwm2m-version", 3, 3)]);
        let o = &f.objects[0];
        assert_eq!(o.name, "Caf\u{e9} & Bar");
        assert_eq!(o.description1, "a <b> c <d> A");
        assert_eq!(
            (o.id, o.version, o.version_given),
            (3412, Version::V1_0, false)
        );
        assert_eq!(
            (o.lwm2m_version, o.lwm2m_version_given),
            (Version::V1_0, false)
        );
        assert!(o.multiple && !o.mandatory);
        assert_eq!(
            (o.location.line, o.location.column),
            (3, 3),
            "the BOM is not a column"
        );
        let a = &o.resources[0];
        assert!(a.operations.is_none() && a.multiple && a.mandatory);
        assert_eq!(a.data_type, DataType::UnsignedInteger);
        assert_eq!((a.units.as_str(), a.range.clone()), ("s", Range::None));
        let b = &o.resources[1];
        assert!(b.is_executable());
        assert_eq!(b.data_type, DataType::None);
        assert_eq!(b.range, Range::Integer { min: 0, max: 10 });
        assert_eq!(b.range_text, "0..10");
    }

    #[test]
    fn columns_count_characters_after_a_bom() {
        let doc = format!(
            "\u{FEFF}{}",
            object(
                3412,
                "urn:oma:lwm2m:ext:3412",
                &item("0", "\u{e9}\u{e9}", "R", "Int", "")
            )
        );
        let f = parse_ddf(Path::new("c.xml"), doc.as_bytes());
        let at = doc.find("<Type>").unwrap() - 3; // BOM bytes
        let col = doc[3..3 + at].chars().count() as u32 + 1;
        assert_eq!(codes_at(&f), [("unknown-type", 1, col)]);
        assert!(f.objects.is_empty());
    }

    #[test]
    fn all_conversion_errors_are_collected() {
        let items = [
            item("0", "A", "RX", "String", ""),
            item("1", "B", "R", "Text", ""),
            item("x1", "C", "R", "String", ""),
            item("3", "D", "R", "String", "1...5"),
            item("3", "E", "R", "String", ""),
            item("4", "D", "R", "", ""),
        ]
        .concat();
        let doc = object(7, "urn:oma:lwm2m:oma:8:2.0", &items);
        let f = parse_ddf(Path::new("e.xml"), doc.as_bytes());
        let got: Vec<&str> = f.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(
            got,
            [
                "urn-id-mismatch",
                "urn-version-mismatch",
                "unknown-operations",
                "unknown-type",
                "invalid-id",
                "range-not-understood",
                "duplicate-resource-id",
                "duplicate-resource-name",
                "readable-without-type",
            ]
        );
        assert!(f.objects.is_empty());
    }

    #[test]
    fn common_index_and_units_files() {
        let common = "<LWM2M><Object ObjectType=\"CommonResources\"><Resources>\
            <Item ID=\"4000\"><Name>H</Name><Operations>R</Operations><Type>Objlnk</Type>\
            <Submitter> OMA </Submitter><Description>d</Description><TS>http://x</TS><TSLink>1</TSLink></Item>\
            <Item ID=\"4001\"><Name>H2</Name><Operations>E</Operations><Type></Type><Units>s</Units></Item>\
            </Resources></Object></LWM2M>";
        let f = parse_ddf(Path::new("Common.xml"), common.as_bytes());
        assert_eq!((f.kind, f.diagnostics.len()), (FileKind::Common, 0));
        assert_eq!(f.common.len(), 2);
        let r = &f.common[0];
        assert!(!r.multiple && !r.mandatory);
        assert_eq!(
            r.reusable,
            Some(Reusable {
                submitter: "OMA".into(),
                ts: "http://x".into(),
                ts_link: true
            })
        );
        assert_eq!(f.common[1].reusable, Some(Reusable::default()));
        let idx = parse_ddf(
            Path::new("DDF.xml"),
            b"<DDFList><Item><TSLink>0</TSLink><TSLink>1</TSLink></Item></DDFList>",
        );
        assert_eq!((idx.kind, idx.diagnostics.len()), (FileKind::Index, 0));
        let units = parse_ddf(Path::new("u.xml"), b"<?xml version='1.0'?><units/>");
        assert_eq!((units.kind, units.diagnostics.len()), (FileKind::Units, 0));
    }

    #[test]
    fn dedup_merges_identical_copies_and_reports_conflicts() {
        let doc = object(
            3303,
            "urn:oma:lwm2m:ext:3303",
            &item("0", "A", "R", "Float", ""),
        );
        let a = parse_ddf(Path::new("3303.xml"), doc.as_bytes()).objects;
        // Same facts, other location (more whitespace, other file).
        let doc2 = doc.replace("<Resources>", "<Resources>\n\n");
        let b = parse_ddf(Path::new("h/3303-1_0.xml"), doc2.as_bytes()).objects;
        assert_ne!(a[0].resources[0].location, b[0].resources[0].location);
        let merged = dedup_versions([a.clone(), b].concat()).unwrap();
        assert_eq!(merged.len(), 1);
        assert_eq!(merged[0].location.file, Path::new("3303.xml"));
        let doc3 = doc.replace("<Units></Units>", "<Units>Cel</Units>");
        let c = parse_ddf(Path::new("h/3303-1_0.xml"), doc3.as_bytes()).objects;
        let errs = dedup_versions([a, c].concat()).unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(
            errs[0].to_string(),
            "h/3303-1_0.xml:1:8: error[version-conflict]: object 3303 version 1.0 is also \
             defined in 3303.xml:1:8 with different facts: resource 0 units differs (\"\" vs \"Cel\")"
        );
    }
}
