//! What `ucifi decode`, `encode` and `convert` share: the registry (built-in models plus
//! `--models`), reading payloads (hex, text or raw bytes), decoding any content format into
//! a flat list of timestamped leaves, encoding leaves back, and the canonical SenML JSON
//! the CLI prints.
//!
//! Decoding goes through the push decoders of `ucifi-runtime`. Payloads of the formats
//! that carry times (SenML JSON, SenML CBOR, LwM2M JSON) and composite payloads are read
//! event by event: leaves are grouped by their time, each group is checked and typed by
//! the runtime's [`NodeBuilder`] (so one path may appear once per time, as in a time
//! series), and the leaves keep their time. Other formats are decoded with
//! [`codec::decode`].

use std::io::{Read, Write};
use std::path::PathBuf;

use base64::Engine as _;

use ucifi_runtime::codec::{self, NodeBuilder, RawValue, Sink, TypeLookup, senml_cbor, senml_json};
use ucifi_runtime::{ContentFormat, Node, Path, Registry, Selection, Value, Version};

/// One decoded value: full path, typed value and the time the payload gave it.
#[derive(Clone, Debug, PartialEq)]
pub struct Leaf {
    /// `/O/I/R` or `/O/I/R/RI`.
    pub path: Path,
    /// The value, typed by the model when the registry knows the resource.
    pub value: Value,
    /// Resolved time in seconds (SenML `bt` + `t`, LwM2M JSON `bt` + `t`), if any.
    pub time: Option<f64>,
}

/// The options every payload command shares.
#[derive(Debug, Clone, clap::Args)]
pub struct ModelArgs {
    /// Extra DDF object definitions (file or folder, repeatable), added to the built-in
    /// registry at run time; a definition replaces a built-in one of the same ID and version.
    #[arg(long = "models", value_name = "DIR|FILE")]
    pub models: Vec<PathBuf>,
}

/// The options of the payload commands (`decode`, `encode`, `convert`): the models, and
/// the versions a device uses.
#[derive(Debug, Clone, clap::Args)]
pub struct TypeArgs {
    /// `--models`.
    #[command(flatten)]
    pub models: ModelArgs,
    /// The version of an object the payload's device uses, as its Register payload says
    /// (`</3416>;ver=1.0`); repeatable. Other objects are typed by their latest version.
    #[arg(long = "object-version", value_name = "ID=VERSION", value_parser = parse_object_version)]
    pub object_versions: Vec<(u16, Version)>,
    /// The device's alternate path, as its Register payload says (`</lwm2m>;rt="oma.lwm2m"`;
    /// Leshan calls it the root path): SenML JSON and SenML CBOR names of the device's
    /// payloads start with it (`/lwm2m/3/0/9`). Formats without names do not carry it;
    /// LwM2M JSON under an alternate path is not supported.
    #[arg(long = "root-path", value_name = "PATH", value_parser = parse_root_path)]
    pub root_path: Option<String>,
}

/// The models a payload is typed by: the registry and the versions the device uses.
pub struct Types {
    registry: Registry,
    versions: Vec<(u16, Version)>,
}

impl TypeArgs {
    /// `--root-path`, or `""` when none is given.
    pub fn root_path(&self) -> &str {
        self.root_path.as_deref().unwrap_or("")
    }

    /// Loads the models (see [`load_registry`]) and checks the versions against them.
    ///
    /// # Errors
    ///
    /// As [`load_registry`]; an object version the models do not hold.
    pub fn load(&self) -> Result<Types, String> {
        let types = Types {
            registry: load_registry(&self.models.models)?,
            versions: self.object_versions.clone(),
        };
        types.selection()?;
        Ok(types)
    }
}

impl Types {
    /// The lookup decoding and encoding use.
    pub fn selection(&self) -> Result<Selection<'_>, String> {
        self.registry
            .select(self.versions.iter().copied())
            .map_err(|e| format!("--object-version: {e}"))
    }
}

/// Checks every leaf against its model's range (numbers, lengths, allowed codes), as the
/// generated `validate` does; leaves of resources the models do not know are not checked.
///
/// # Errors
///
/// The first value out of its range, named by path.
pub fn validate(leaves: &[Leaf], types: &Selection<'_>) -> Result<(), String> {
    // Each resource's range text is parsed once, whatever the number of values.
    let mut constraints = std::collections::HashMap::new();
    for leaf in leaves {
        let ids = leaf.path.ids();
        let (object, resource) = (ids[0], ids[2]);
        let constraint = constraints.entry((object, resource)).or_insert_with(|| {
            let r = types.model(object)?.resource(resource)?;
            let range = ucifi_codegen::range::parse_range(&r.range);
            ucifi_codegen::range::constraint(&range, r.data_type)
        });
        if let Some(why) = constraint.as_ref().and_then(|c| c.violation(&leaf.value)) {
            return Err(format!(
                "{}: {why} (the model's range; --no-validate encodes it anyway)",
                leaf.path
            ));
        }
    }
    Ok(())
}

/// Parses `--root-path`: `/` and non-empty segments joined by `/`, no trailing `/`.
fn parse_root_path(s: &str) -> Result<String, String> {
    match codec::senml::check_alternate_path(s) {
        Ok(()) if !s.is_empty() => Ok(s.into()),
        _ => Err(format!(
            "{s:?}: expected / and non-empty path segments, without a trailing /, e.g. /lwm2m"
        )),
    }
}

/// Parses `ID=VERSION` (`3416=1.0`).
fn parse_object_version(s: &str) -> Result<(u16, Version), String> {
    let (id, version) = s
        .split_once('=')
        .ok_or_else(|| format!("{s:?}: expected ID=VERSION, e.g. 3416=1.0"))?;
    let id = id
        .parse()
        .map_err(|_| format!("{s:?}: the object ID {id:?} is not a number in 0..=65534"))?;
    let version = version
        .parse()
        .map_err(|_| format!("{s:?}: the version {version:?} is not MAJOR.MINOR"))?;
    Ok((id, version))
}

/// The built-in object models: the generated object library's registry (every object
/// version under `models/` when the binary was built).
pub fn builtin_registry() -> Registry {
    ucifi_objects::REGISTRY.clone()
}

/// The built-in registry plus the definitions under `paths`.
///
/// # Errors
///
/// A definition with an error (the first is named) or two different copies of one
/// object version.
pub fn load_registry(paths: &[PathBuf]) -> Result<Registry, String> {
    let mut registry = builtin_registry();
    if paths.is_empty() {
        return Ok(registry);
    }
    for p in paths {
        if !p.exists() {
            return Err(format!("--models {}: no such file or folder", p.display()));
        }
    }
    let loaded = ucifi_codegen::load::load_paths(paths);
    if let Some(d) = loaded.diagnostics.iter().find(|d| d.is_error()) {
        return Err(format!(
            "--models: {} error(s) in the definitions, first: {d}",
            loaded.counts.errors
        ));
    }
    let defs = ucifi_codegen::load::dedup_versions(loaded.objects).map_err(|diags| {
        format!(
            "--models: {}",
            diags.first().map(|d| d.to_string()).unwrap_or_default()
        )
    })?;
    ucifi_codegen::model::extend_registry(&mut registry, &defs);
    Ok(registry)
}

/// Parses `--format` values: a name (`tlv`, `senml-json`, ...) or a CoAP number.
pub fn parse_format(s: &str) -> Result<ContentFormat, String> {
    s.parse::<ContentFormat>().map_err(|e| e.to_string())
}

/// Parses `--path` values: `/O`, `/O/I`, `/O/I/R`, `/O/I/R/RI`, or `/` for composite
/// payloads (Send, Read-Composite responses) of the formats that can address several
/// objects.
pub fn parse_path(s: &str) -> Result<Path, String> {
    s.parse().map_err(|e| format!("invalid path {s:?}: {e}"))
}

/// Whether `format` can carry a composite payload (several objects, path `/`).
pub fn carries_composite(format: ContentFormat) -> bool {
    matches!(
        format,
        ContentFormat::SenmlJson
            | ContentFormat::SenmlCbor
            | ContentFormat::Lwm2mJson
            | ContentFormat::Lwm2mCbor
    )
}

fn check_root(format: ContentFormat, path: &Path) -> Result<(), String> {
    if path.is_empty() && !carries_composite(format) {
        return Err(format!(
            "{format} cannot carry a composite payload (path /): give an object, instance, resource or resource instance path, or use senml-json, senml-cbor, lwm2m-json or lwm2m-cbor"
        ));
    }
    Ok(())
}

/// How the input payload is given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputForm {
    /// Hex for binary formats, the text itself for text formats.
    Natural,
    /// Hex whatever the format (`--hex`).
    Hex,
    /// The payload bytes on stdin exactly (`--raw`).
    Raw,
}

impl InputForm {
    /// From the `--raw` and `--hex` flags.
    pub fn from_flags(raw: bool, hex: bool) -> Self {
        match (raw, hex) {
            (true, _) => InputForm::Raw,
            (false, true) => InputForm::Hex,
            (false, false) => InputForm::Natural,
        }
    }
}

/// Reads the input payload of `format`.
///
/// * `arg` given: hex for binary formats (and with [`InputForm::Hex`]), the payload text
///   itself for text formats;
/// * otherwise stdin: with [`InputForm::Raw`] the bytes as they are; else hex text, or for
///   text formats the payload text (one trailing newline removed).
pub fn read_input(
    format: ContentFormat,
    arg: Option<&str>,
    form: InputForm,
) -> Result<Vec<u8>, String> {
    let as_text = format.is_text() && form == InputForm::Natural;
    if let Some(a) = arg {
        return if as_text {
            Ok(a.as_bytes().to_vec())
        } else {
            parse_hex(a)
        };
    }
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read stdin: {e}"))?;
    if form == InputForm::Raw {
        return Ok(bytes);
    }
    if as_text {
        strip_newline(&mut bytes);
        Ok(bytes)
    } else {
        let text = std::str::from_utf8(&bytes)
            .map_err(|e| format!("invalid hex input at byte {}: not text", e.valid_up_to()))?;
        parse_hex(text)
    }
}

fn strip_newline(bytes: &mut Vec<u8>) {
    if bytes.last() == Some(&b'\n') {
        bytes.pop();
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
    }
}

/// Hex digits to bytes; ASCII whitespace between digits is ignored, case does not matter.
///
/// # Errors
///
/// A character that is no hex digit (with its position, counted from 0) or an odd number
/// of digits.
pub fn parse_hex(text: &str) -> Result<Vec<u8>, String> {
    // Positions in `text` of the characters kept, to name an offending one.
    let kept: Vec<(usize, char)> = text
        .char_indices()
        .filter(|(_, c)| !c.is_ascii_whitespace())
        .collect();
    if let Some(&(position, c)) = kept.iter().find(|(_, c)| !c.is_ascii_hexdigit()) {
        return Err(format!(
            "invalid hex input at character {position}: {c:?} is not a hex digit"
        ));
    }
    let digits: String = kept.iter().map(|&(_, c)| c).collect();
    hex::decode(&digits).map_err(|_| {
        format!(
            "invalid hex input: odd number of hex digits ({})",
            kept.len()
        )
    })
}

/// Bytes as lowercase hex without separators.
pub fn to_hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

/// Decodes a payload of `format` addressed to `path` into leaves sorted by (path, time);
/// SenML names start with the device's alternate path `root` (`""`: none).
///
/// # Errors
///
/// The runtime's error (format, byte offset and reason; wrong type; path outside the
/// target or the alternate path; duplicate path; ...), rendered for a person.
pub fn decode(
    format: ContentFormat,
    path: &Path,
    bytes: &[u8],
    types: &dyn TypeLookup,
    root: &str,
) -> Result<Vec<Leaf>, String> {
    if format == ContentFormat::LinkFormat {
        return Err(
            "link-format carries links, not values: it converts to and from no value format".into(),
        );
    }
    check_root(format, path)?;
    check_root_path(format, root)?;
    let leaves = if has_times(format) || path.is_empty() {
        let mut sink = TimedLeaves::new(*path, types);
        let r = match format {
            _ if root.is_empty() || bytes.is_empty() => {
                codec::decode_to(format, path, bytes, &mut sink)
            }
            ContentFormat::SenmlJson => {
                senml_json::decode_with_alternate_path(root, bytes, &mut sink)
            }
            ContentFormat::SenmlCbor => {
                senml_cbor::decode_with_alternate_path(root, bytes, &mut sink)
            }
            _ => codec::decode_to(format, path, bytes, &mut sink),
        };
        r.map_err(|e| e.to_string())?;
        let mut leaves = sink.finish().map_err(|e| e.in_format(format).to_string())?;
        sort_leaves(&mut leaves);
        no_repeated_leaf(format, &leaves)?;
        leaves
    } else {
        let node = codec::decode(format, path, bytes, types).map_err(|e| e.to_string())?;
        let mut leaves = flatten(path, &node, None);
        sort_leaves(&mut leaves);
        leaves
    };
    Ok(leaves)
}

/// Refuses an alternate path for LwM2M JSON, whose names ucifi reads and writes without
/// one; the other formats have no names to carry it, or carry it (SenML).
fn check_root_path(format: ContentFormat, root: &str) -> Result<(), String> {
    if !root.is_empty() && format == ContentFormat::Lwm2mJson {
        return Err(format!(
            "{format} names under an alternate path (--root-path) are not supported; use senml-json or senml-cbor"
        ));
    }
    Ok(())
}

/// Whether `format` carries times (SenML JSON and CBOR, LwM2M JSON).
fn has_times(format: ContentFormat) -> bool {
    matches!(
        format,
        ContentFormat::SenmlJson | ContentFormat::SenmlCbor | ContentFormat::Lwm2mJson
    )
}

fn sort_leaves(leaves: &mut [Leaf]) {
    leaves.sort_unstable_by(|a, b| {
        a.path.cmp(&b.path).then(
            a.time
                .unwrap_or(f64::NEG_INFINITY)
                .total_cmp(&b.time.unwrap_or(f64::NEG_INFINITY)),
        )
    });
}

/// The leaves of `node` (addressed to `path`), all with time `time`.
fn flatten(path: &Path, node: &Node, time: Option<f64>) -> Vec<Leaf> {
    let mut out = Vec::new();
    node.for_each_leaf(path, |p, v| {
        out.push(Leaf {
            path: p,
            value: v.clone(),
            time,
        })
    });
    out
}

/// A [`Sink`] that collects leaves with their times. The records of one time come
/// together in practice (a time series lists one time after another): each run of records
/// with one time goes through one [`NodeBuilder`], which types the values and checks the
/// shape as for a payload without times, and leaves the builder as leaves when the time
/// changes. Memory stays one [`Leaf`] per value whatever the number of distinct times; a
/// (path, time) repeated in two runs is found after sorting ([`no_repeated_leaf`]).
struct TimedLeaves<'t> {
    path: Path,
    types: &'t dyn TypeLookup,
    run: Option<(Option<f64>, NodeBuilder<'t>)>,
    leaves: Vec<Leaf>,
}

impl<'t> TimedLeaves<'t> {
    fn new(path: Path, types: &'t dyn TypeLookup) -> Self {
        TimedLeaves {
            path,
            types,
            run: None,
            leaves: Vec::new(),
        }
    }

    /// Keeps the leaves of the current run.
    fn flush(&mut self) -> Result<(), codec::Error> {
        let Some((time, b)) = self.run.take() else {
            return Ok(());
        };
        if self.path.is_empty() {
            // A composite payload: every leaf, whatever its object.
            let leaves = b.into_leaves().into_iter();
            self.leaves
                .extend(leaves.map(|(path, value)| Leaf { path, value, time }));
        } else {
            let node = b.finish()?;
            self.leaves.extend(flatten(&self.path, &node, time));
        }
        Ok(())
    }

    /// Every leaf, in payload order.
    fn finish(mut self) -> Result<Vec<Leaf>, codec::Error> {
        if self.run.is_none() && self.leaves.is_empty() {
            // No record at all: what a payload without values gives.
            self.run = Some((None, NodeBuilder::new(self.path, self.types)));
        }
        self.flush()?;
        Ok(self.leaves)
    }
}

impl<'t> TimedLeaves<'t> {
    /// The builder of the run with time `time`: the current one, or a new one after the
    /// current run's leaves are kept.
    fn run(&mut self, time: Option<f64>) -> Result<&mut NodeBuilder<'t>, codec::Error> {
        let same = |t: Option<f64>| t.map(f64::to_bits) == time.map(f64::to_bits);
        if !self.run.as_ref().is_some_and(|(t, _)| same(*t)) {
            self.flush()?;
        }
        let (_, b) = self
            .run
            .get_or_insert_with(|| (time, NodeBuilder::new(self.path, self.types)));
        Ok(b)
    }
}

/// Containers and path-only records belong to the untimed run.
impl<'a> Sink<'a> for TimedLeaves<'_> {
    fn value(
        &mut self,
        path: Path,
        value: &RawValue<'a>,
        time: Option<f64>,
    ) -> Result<(), codec::Error> {
        self.run(time)?.value(path, value, time)
    }
    fn instance(&mut self, path: Path) -> Result<(), codec::Error> {
        self.run(None)?.instance(path)
    }
    fn multiple(&mut self, path: Path) -> Result<(), codec::Error> {
        self.run(None)?.multiple(path)
    }
    fn path_only(&mut self, path: Path) -> Result<(), codec::Error> {
        self.run(None)?.path_only(path)
    }
}

/// Refuses a path given twice at one time (leaves sorted by path and time), as the
/// decoders refuse a path given twice in one payload.
fn no_repeated_leaf(format: ContentFormat, leaves: &[Leaf]) -> Result<(), String> {
    let twice = leaves.windows(2).find(|w| {
        w[0].path == w[1].path && w[0].time.map(f64::to_bits) == w[1].time.map(f64::to_bits)
    });
    match twice {
        Some(w) => Err(
            codec::Error::at_path(w[0].path, codec::ErrorKind::DuplicatePath)
                .in_format(format)
                .to_string(),
        ),
        None => Ok(()),
    }
}

/// Encodes leaves addressed to `path` in `format`; SenML names start with the device's
/// alternate path `root` (`""`: none).
///
/// Leaves with times need a format that carries times; they, composite payloads and SenML
/// under an alternate path are encoded as records. Otherwise the leaves become one node
/// (checked against `path` and typed through `types`) for [`codec::encode`].
///
/// # Errors
///
/// A leaf outside `path`, a duplicate path, a format that cannot carry the node or the
/// times, or the encoder's error.
pub fn encode(
    format: ContentFormat,
    path: &Path,
    leaves: Vec<Leaf>,
    types: &dyn TypeLookup,
    root: &str,
) -> Result<Vec<u8>, String> {
    check_root(format, path)?;
    check_root_path(format, root)?;
    let senml = matches!(format, ContentFormat::SenmlJson | ContentFormat::SenmlCbor);
    if leaves.iter().any(|l| l.time.is_some()) || path.is_empty() || (senml && !root.is_empty()) {
        if let Some(l) = leaves.iter().find(|l| !path.contains(&l.path)) {
            return Err(format!("{}: outside the requested path {path}", l.path));
        }
        return match encode_timed(format, leaves, root) {
            Some(r) => r,
            None => Err(format!(
                "{format} cannot carry timestamps (the payload has times; use senml-json, senml-cbor or lwm2m-json)"
            )),
        };
    }
    let node = to_node(path, &leaves, types).map_err(|e| e.to_string())?;
    codec::encode(format, path, &node).map_err(|e| e.to_string())
}

/// Encodes timestamped leaves in a format that carries times (SenML names under the
/// alternate path `root`); `None` for other formats. The leaves become the records in
/// place (no second copy of every value).
fn encode_timed(
    format: ContentFormat,
    leaves: Vec<Leaf>,
    root: &str,
) -> Option<Result<Vec<u8>, String>> {
    use codec::senml::Record;
    if format == ContentFormat::Lwm2mCbor && leaves.iter().all(|l| l.time.is_none()) {
        let list: Vec<(Path, Value)> = leaves.into_iter().map(|l| (l.path, l.value)).collect();
        return Some(codec::lwm2m_cbor::encode_leaves(&list).map_err(|e| e.to_string()));
    }
    let encode = match format {
        ContentFormat::SenmlJson => senml_json::encode_records_with_alternate_path,
        ContentFormat::SenmlCbor => senml_cbor::encode_records_with_alternate_path,
        ContentFormat::Lwm2mJson => |_: &str, r: &[Record]| codec::lwm2m_json::encode_records(r),
        _ => return None,
    };
    let records: Vec<Record> = leaves
        .into_iter()
        .map(|l| Record {
            path: l.path,
            value: Some(l.value),
            time: l.time,
        })
        .collect();
    Some(encode(root, &records).map_err(|e| e.to_string()))
}

/// Builds the node addressed to `path` from untimed leaves.
pub fn to_node(path: &Path, leaves: &[Leaf], types: &dyn TypeLookup) -> Result<Node, codec::Error> {
    let mut b = NodeBuilder::new(*path, types);
    for l in leaves {
        b.value(l.path, &raw_of(&l.value), None)?;
    }
    b.finish()
}

/// The raw form of a typed value, which types back to the same value.
fn raw_of(v: &Value) -> RawValue<'_> {
    use std::borrow::Cow;
    match v {
        Value::String(s) => RawValue::Str(Cow::Borrowed(s)),
        Value::Integer(i) => RawValue::Integer(i128::from(*i)),
        Value::UnsignedInteger(u) => RawValue::Integer(i128::from(*u)),
        Value::Float(f) => RawValue::Float(*f),
        Value::Boolean(b) => RawValue::Boolean(*b),
        Value::Opaque(b) => RawValue::Opaque(Cow::Borrowed(b)),
        Value::Time(t) => RawValue::Time(t.0),
        Value::Objlnk(l) => RawValue::Objlnk(*l),
        Value::Corelnk(c) => RawValue::Str(Cow::Borrowed(&c.0)),
    }
}

/// The canonical SenML JSON of `leaves`: one record per line, `n` = full path, one of
/// `v`/`vs`/`vb`/`vd`/`vlo`, and `t` when the leaf has a time. Ends with a newline.
///
/// # Errors
///
/// A float that JSON cannot hold (NaN, infinity).
pub fn senml_json(leaves: &[Leaf]) -> Result<String, String> {
    if leaves.is_empty() {
        return Ok("[]\n".into());
    }
    let mut out = String::from("[\n");
    for (i, l) in leaves.iter().enumerate() {
        out.push_str("  {\"n\":");
        out.push_str(&json_string(&l.path.to_string()));
        out.push(',');
        match &l.value {
            Value::String(s) => push_field(&mut out, "vs", &json_string(s)),
            Value::Corelnk(c) => push_field(&mut out, "vs", &json_string(&c.0)),
            Value::Integer(v) => push_field(&mut out, "v", &v.to_string()),
            Value::UnsignedInteger(v) => push_field(&mut out, "v", &v.to_string()),
            Value::Time(t) => push_field(&mut out, "v", &t.0.to_string()),
            Value::Float(f) => {
                let n = json_float(*f)
                    .ok_or_else(|| format!("{}: {f} cannot be written in JSON", l.path))?;
                push_field(&mut out, "v", &n)
            }
            Value::Boolean(b) => push_field(&mut out, "vb", if *b { "true" } else { "false" }),
            Value::Opaque(b) => push_field(
                &mut out,
                "vd",
                &json_string(&base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)),
            ),
            Value::Objlnk(o) => push_field(&mut out, "vlo", &json_string(&o.to_string())),
        }
        if let Some(t) = l.time {
            let n = json_time(t)
                .ok_or_else(|| format!("{}: time {t} cannot be written in JSON", l.path))?;
            out.push(',');
            push_field(&mut out, "t", &n);
        }
        out.push('}');
        if i + 1 < leaves.len() {
            out.push(',');
        }
        out.push('\n');
    }
    out.push_str("]\n");
    Ok(out)
}

fn push_field(out: &mut String, key: &str, value: &str) {
    out.push('"');
    out.push_str(key);
    out.push_str("\":");
    out.push_str(value);
}

fn json_string(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

/// A float as JSON: shortest round-trip form, always with a fraction or exponent.
fn json_float(f: f64) -> Option<String> {
    serde_json::Number::from_f64(f).map(|n| n.to_string())
}

/// A time as JSON: integral seconds without a fraction.
fn json_time(t: f64) -> Option<String> {
    if t.is_finite() && t.fract() == 0.0 && t.abs() < 9.0e15 {
        Some(format!("{}", t as i64))
    } else {
        json_float(t)
    }
}

/// Writes an encoded payload to stdout: exact bytes with `raw`; otherwise text formats as
/// text and binary formats as hex, each followed by a newline.
pub fn write_output(format: ContentFormat, bytes: &[u8], raw: bool) -> Result<(), String> {
    let out: Vec<u8> = if raw {
        bytes.to_vec()
    } else if format.is_text() {
        let mut v = bytes.to_vec();
        v.push(b'\n');
        v
    } else {
        let mut v = to_hex(bytes).into_bytes();
        v.push(b'\n');
        v
    };
    write_stdout(&out)
}

/// Writes everything at once to stdout (a closed pipe is not an error).
pub fn write_stdout(bytes: &[u8]) -> Result<(), String> {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(bytes);
    let _ = stdout.flush();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex() {
        assert_eq!(parse_hex("C1 09 57").unwrap(), vec![0xC1, 0x09, 0x57]);
        assert_eq!(parse_hex("c10957\n").unwrap(), vec![0xC1, 0x09, 0x57]);
        assert_eq!(
            parse_hex("C1 0G").unwrap_err(),
            "invalid hex input at character 4: 'G' is not a hex digit"
        );
        assert_eq!(
            parse_hex("C1 0").unwrap_err(),
            "invalid hex input: odd number of hex digits (3)"
        );
        assert_eq!(
            parse_hex("C1 é0").unwrap_err(),
            "invalid hex input at character 3: 'é' is not a hex digit"
        );
        assert_eq!(to_hex(&[0xC1, 0x09, 0x57]), "c10957");
    }

    #[test]
    fn numbers() {
        assert_eq!(json_float(22.5).unwrap(), "22.5");
        assert_eq!(json_float(1.0).unwrap(), "1.0");
        assert_eq!(json_float(f64::NAN), None);
        assert_eq!(json_time(1700000000.0).unwrap(), "1700000000");
        assert_eq!(json_time(1.5).unwrap(), "1.5");
    }
}
