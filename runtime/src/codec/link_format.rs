//! CoRE link format (`application/link-format`, content format 40; RFC 6690) with the
//! LwM2M attributes.
//!
//! * [`parse`] reads `</3/0>;pmin=10,</3303/0>;rt="x"` into [`Link`]s keeping every
//!   parameter as written (quoted or not; commas and semicolons inside quotes do not
//!   split); [`serialize`] writes links back.
//! * [`Attribute`] types the LwM2M attributes (`pmin`, `pmax`, `gt`, `lt`, `st`, `epmin`,
//!   `epmax`, `edge`, `con`, `hqmax`, `dim`, `ver`, `ssid`, `uri`, `lwm2m`, `rt`, `ct`);
//!   others are kept as [`Attribute::Other`].
//! * Typed payloads: [`RegisterPayload`] (Register/Update), [`discover_payload`] /
//!   [`parse_discover`] (Discover) and [`bootstrap_discover_payload`]
//!   (Bootstrap-Discover).
//!
//! Serialization is canonical: `rt`, `uri` and a `ct` list are quoted, the other LwM2M
//! attributes are not (`ver=2.0`, `lwm2m=1.1`), unknown parameters keep their quoting.
//! Errors carry the byte offset of the offending character: [`Syntax::InvalidLink`] for
//! the link syntax, [`ErrorKind::InvalidField`] for an attribute value that does not fit
//! the attribute, [`ErrorKind::NotAPath`] and [`ErrorKind::OutsidePath`] for link targets
//! the typed payloads cannot take.
//!
//! Link format carries no resource values: it is not part of [`decode`](super::decode) and
//! [`encode`](super::encode).

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;

use super::{Error, ErrorKind, Syntax};
use crate::{ContentFormat, Path, Version};

const F: ContentFormat = ContentFormat::LinkFormat;

fn invalid(at: usize) -> Error {
    Error::at(F, at, ErrorKind::Syntax(Syntax::InvalidLink))
}

/// One parameter of a link, as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param<'a> {
    /// Parameter name.
    pub name: Cow<'a, str>,
    /// Value, unquoted and unescaped; `None` for a bare name.
    pub value: Option<Cow<'a, str>>,
    /// Whether the value was (or is to be) written as a quoted string.
    pub quoted: bool,
    /// Byte offset of the parameter name in the parsed text (0 for built links).
    pub offset: usize,
}

impl<'a> Param<'a> {
    /// A parameter with an unquoted value.
    pub fn token(name: impl Into<Cow<'a, str>>, value: impl Into<Cow<'a, str>>) -> Self {
        Param {
            name: name.into(),
            value: Some(value.into()),
            quoted: false,
            offset: 0,
        }
    }

    /// A parameter with a quoted value.
    pub fn quoted(name: impl Into<Cow<'a, str>>, value: impl Into<Cow<'a, str>>) -> Self {
        Param {
            quoted: true,
            ..Param::token(name, value)
        }
    }
}

/// One link: a target URI and its parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link<'a> {
    /// The URI between `<` and `>`.
    pub target: Cow<'a, str>,
    /// Parameters in order.
    pub params: Vec<Param<'a>>,
    /// Byte offset of the `<` in the parsed text (0 for built links).
    pub offset: usize,
}

impl<'a> Link<'a> {
    /// A link without parameters.
    pub fn new(target: impl Into<Cow<'a, str>>) -> Self {
        Link {
            target: target.into(),
            params: Vec::new(),
            offset: 0,
        }
    }

    /// A link to a LwM2M path with typed attributes.
    pub fn with_attributes(path: &Path, attributes: &[Attribute]) -> Link<'static> {
        Link {
            target: Cow::Owned(alloc::format!("{path}")),
            params: attributes.iter().map(Attribute::to_param).collect(),
            offset: 0,
        }
    }

    /// The first parameter named `name`.
    pub fn param(&self, name: &str) -> Option<&Param<'a>> {
        self.params.iter().find(|p| p.name == name)
    }

    /// The target as a LwM2M path (`/`, `/O`, ... `/O/I/R/RI`), if it is one.
    pub fn path(&self) -> Option<Path> {
        self.target.parse().ok()
    }

    /// The parameters as typed attributes.
    pub fn attributes(&self) -> Result<Vec<Attribute>, Error> {
        self.params.iter().map(Attribute::from_param).collect()
    }
}

/// A typed link attribute.
#[derive(Clone, Debug, PartialEq)]
pub enum Attribute {
    /// Minimum period in seconds.
    Pmin(u32),
    /// Maximum period in seconds.
    Pmax(u32),
    /// Greater-than threshold.
    Gt(f64),
    /// Less-than threshold.
    Lt(f64),
    /// Step.
    St(f64),
    /// Minimum evaluation period (1.1).
    Epmin(u32),
    /// Maximum evaluation period (1.1).
    Epmax(u32),
    /// Edge (1.2).
    Edge(bool),
    /// Confirmable notifications (1.2).
    Con(bool),
    /// Maximum historical queue (1.2).
    Hqmax(u32),
    /// Number of resource instances.
    Dim(u8),
    /// Object version.
    Ver(Version),
    /// Short server ID (Bootstrap-Discover).
    Ssid(u16),
    /// Server URI (Bootstrap-Discover).
    Uri(String),
    /// Enabler version on the root link (Bootstrap-Discover).
    Lwm2m(Version),
    /// Resource type (`oma.lwm2m` marks the root / alternate path).
    Rt(String),
    /// Content formats the client supports.
    Ct(Vec<u16>),
    /// Any other parameter, kept as written.
    Other {
        /// Name.
        name: String,
        /// Value, if any.
        value: Option<String>,
        /// Whether the value is quoted.
        quoted: bool,
    },
}

/// The LwM2M attribute names [`Attribute`] types.
const KNOWN: [&str; 17] = [
    "pmin", "pmax", "gt", "lt", "st", "epmin", "epmax", "edge", "con", "hqmax", "dim", "ver",
    "ssid", "uri", "lwm2m", "rt", "ct",
];

/// ASCII digits only (no sign), in range.
fn num<T: core::str::FromStr>(v: &str) -> Option<T> {
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    v.parse().ok()
}

/// `[-]d[.d]`, finite.
fn decimal(v: &str) -> Option<f64> {
    let body = v.strip_prefix('-').unwrap_or(v);
    let (int, frac) = body.split_once('.').unwrap_or((body, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || !digits(frac) {
        return None;
    }
    v.parse().ok().filter(|f: &f64| f.is_finite())
}

fn int_text(v: impl itoa::Integer) -> String {
    itoa::Buffer::new().format(v).into()
}

/// The plain decimal text of `x` (text/plain's form: `100`, `0.25`, no exponent).
fn decimal_text(x: f64) -> String {
    let mut out = Vec::new();
    // A NaN or infinite threshold writes nothing, which no reader takes.
    let _ = super::text::write_float(&mut out, x);
    String::from_utf8(out).unwrap_or_default()
}

impl Attribute {
    /// Types one parameter: a known attribute without a value, or with a value that does
    /// not fit it, is [`ErrorKind::InvalidField`] at the parameter.
    pub fn from_param(p: &Param<'_>) -> Result<Attribute, Error> {
        let name = &*p.name;
        if !KNOWN.contains(&name) {
            return Ok(Attribute::Other {
                name: name.into(),
                value: p.value.clone().map(Cow::into_owned),
                quoted: p.quoted,
            });
        }
        let bad = || Error::at(F, p.offset, ErrorKind::InvalidField);
        let v = p.value.as_deref().ok_or_else(bad)?;
        let flag = |v: &str| match v {
            "0" => Some(false),
            "1" => Some(true),
            _ => None,
        };
        Ok(match name {
            "pmin" => Attribute::Pmin(num(v).ok_or_else(bad)?),
            "pmax" => Attribute::Pmax(num(v).ok_or_else(bad)?),
            "epmin" => Attribute::Epmin(num(v).ok_or_else(bad)?),
            "epmax" => Attribute::Epmax(num(v).ok_or_else(bad)?),
            "hqmax" => Attribute::Hqmax(num(v).ok_or_else(bad)?),
            "gt" => Attribute::Gt(decimal(v).ok_or_else(bad)?),
            "lt" => Attribute::Lt(decimal(v).ok_or_else(bad)?),
            "st" => Attribute::St(decimal(v).ok_or_else(bad)?),
            "edge" => Attribute::Edge(flag(v).ok_or_else(bad)?),
            "con" => Attribute::Con(flag(v).ok_or_else(bad)?),
            "dim" => Attribute::Dim(num(v).ok_or_else(bad)?),
            "ver" => Attribute::Ver(v.parse().map_err(|_| bad())?),
            "lwm2m" => Attribute::Lwm2m(v.parse().map_err(|_| bad())?),
            "ssid" => Attribute::Ssid(num(v).filter(|s| (1..=65534).contains(s)).ok_or_else(bad)?),
            "uri" => Attribute::Uri(v.into()),
            "rt" => Attribute::Rt(v.into()),
            _ => Attribute::Ct(
                v.split(' ')
                    .map(num)
                    .collect::<Option<Vec<u16>>>()
                    .ok_or_else(bad)?,
            ),
        })
    }

    /// The parameter as serialized (canonical quoting).
    pub fn to_param(&self) -> Param<'static> {
        let t = |n: &'static str, v: String| Param::token(n, v);
        let flag = |b: bool| String::from(if b { "1" } else { "0" });
        match self {
            Attribute::Pmin(v) => t("pmin", int_text(*v)),
            Attribute::Pmax(v) => t("pmax", int_text(*v)),
            Attribute::Gt(v) => t("gt", decimal_text(*v)),
            Attribute::Lt(v) => t("lt", decimal_text(*v)),
            Attribute::St(v) => t("st", decimal_text(*v)),
            Attribute::Epmin(v) => t("epmin", int_text(*v)),
            Attribute::Epmax(v) => t("epmax", int_text(*v)),
            Attribute::Edge(v) => t("edge", flag(*v)),
            Attribute::Con(v) => t("con", flag(*v)),
            Attribute::Hqmax(v) => t("hqmax", int_text(*v)),
            Attribute::Dim(v) => t("dim", int_text(*v)),
            Attribute::Ver(v) => t("ver", alloc::format!("{v}")),
            Attribute::Ssid(v) => t("ssid", int_text(*v)),
            Attribute::Uri(v) => Param::quoted("uri", v.clone()),
            Attribute::Lwm2m(v) => t("lwm2m", alloc::format!("{v}")),
            Attribute::Rt(v) => Param::quoted("rt", v.clone()),
            Attribute::Ct(list) => {
                let s = list
                    .iter()
                    .map(|c| int_text(*c))
                    .collect::<Vec<_>>()
                    .join(" ");
                if list.len() == 1 {
                    t("ct", s)
                } else {
                    Param::quoted("ct", s)
                }
            }
            Attribute::Other {
                name,
                value,
                quoted,
            } => Param {
                name: Cow::Owned(name.clone()),
                value: value.clone().map(Cow::Owned),
                quoted: *quoted,
                offset: 0,
            },
        }
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Parses a link-format document (errors: [`Syntax::InvalidLink`] at the offending
/// byte). Targets must be RFC 3986 URI references (ASCII, `%` followed by two hex
/// digits), parameter names RFC 6690 `parmname`s and unquoted values `ptoken`s; quoted
/// values take any text. Whitespace around `,` and `;` is tolerated.
pub fn parse(text: &str) -> Result<Vec<Link<'_>>, Error> {
    let b = text.as_bytes();
    let mut links = Vec::new();
    let skip = |i: &mut usize| {
        while b.get(*i).is_some_and(|&c| is_space(c)) {
            *i += 1;
        }
    };
    // The end of a token (name or unquoted value) starting at `i`.
    let token = |mut i: usize, stop: &[u8]| {
        while b
            .get(i)
            .is_some_and(|&c| !stop.contains(&c) && !is_space(c))
        {
            i += 1;
        }
        i
    };
    let mut i = 0;
    skip(&mut i);
    if i == b.len() {
        return Ok(links);
    }
    loop {
        skip(&mut i);
        if b.get(i) != Some(&b'<') {
            return Err(invalid(i));
        }
        let start = i;
        let end = start + 1 + text[start + 1..].find('>').ok_or_else(|| invalid(start))?;
        let target = &text[start + 1..end];
        if let Some(bad) = uri_reference_error(target) {
            return Err(invalid(start + 1 + bad));
        }
        i = end + 1;
        let mut link = Link {
            target: Cow::Borrowed(target),
            params: Vec::new(),
            offset: start,
        };
        loop {
            skip(&mut i);
            match b.get(i) {
                Some(b';') => {
                    i += 1;
                    skip(&mut i);
                    let name_at = i;
                    i = token(i, b"=;,\"");
                    if i == name_at {
                        return Err(invalid(name_at));
                    }
                    if let Some(bad) = parmname_error(&b[name_at..i]) {
                        return Err(invalid(name_at + bad));
                    }
                    let mut param = Param {
                        name: Cow::Borrowed(&text[name_at..i]),
                        value: None,
                        quoted: false,
                        offset: name_at,
                    };
                    if b.get(i) == Some(&b'=') {
                        i += 1;
                        if b.get(i) == Some(&b'"') {
                            let (value, next) = quoted(text, i)?;
                            param.value = Some(value);
                            param.quoted = true;
                            i = next;
                        } else {
                            let vstart = i;
                            i = token(i, b";,\"");
                            if i == vstart {
                                return Err(invalid(vstart));
                            }
                            if let Some(bad) = b[vstart..i].iter().position(|&c| !is_ptoken(c)) {
                                return Err(invalid(vstart + bad));
                            }
                            param.value = Some(Cow::Borrowed(&text[vstart..i]));
                        }
                    }
                    link.params.push(param);
                }
                Some(b',') => {
                    i += 1;
                    links.push(link);
                    break;
                }
                None => {
                    links.push(link);
                    return Ok(links);
                }
                Some(_) => return Err(invalid(i)),
            }
        }
    }
}

/// The offset of the first byte of a link target that RFC 3986 does not allow in a
/// URI reference (outside its character set, or a `%` not followed by two hex digits).
fn uri_reference_error(target: &str) -> Option<usize> {
    let b = target.as_bytes();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        let ok = match c {
            b'%' => b
                .get(i + 1..i + 3)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)),
            c if c.is_ascii_alphanumeric() => true,
            // unreserved, gen-delims and sub-delims
            _ => b"-._~:/?#[]@!$&'()*+,;=".contains(&c),
        };
        if !ok {
            return Some(i);
        }
        i += if c == b'%' { 3 } else { 1 };
    }
    None
}

/// The offset of the first byte of a parameter name outside RFC 6690's `parmname`
/// (RFC 5987 attr-chars), with the `*` of an extended name allowed at the end.
fn parmname_error(name: &[u8]) -> Option<usize> {
    let body = name
        .strip_suffix(b"*")
        .filter(|b| !b.is_empty())
        .unwrap_or(name);
    body.iter()
        .position(|&c| !(c.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&c)))
}

/// Whether RFC 6690 allows `c` in an unquoted parameter value (`ptokenchar`).
fn is_ptoken(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"!#$%&'()*+-./:<=>?@[]^_`{|}~".contains(&c)
}

/// The quoted string opening at `q`, unescaped (borrowed when it has no escapes), and
/// the offset after its closing quote.
fn quoted(text: &str, q: usize) -> Result<(Cow<'_, str>, usize), Error> {
    let start = q + 1;
    let mut owned: Option<String> = None;
    let mut chars = text[start..].char_indices();
    while let Some((k, c)) = chars.next() {
        match c {
            '"' => {
                let value = owned.map_or(Cow::Borrowed(&text[start..start + k]), Cow::Owned);
                return Ok((value, start + k + 1));
            }
            // A backslash takes the next character as it is.
            '\\' => match chars.next() {
                Some((_, e)) => owned
                    .get_or_insert_with(|| text[start..start + k].into())
                    .push(e),
                None => break,
            },
            c => {
                if let Some(s) = owned.as_mut() {
                    s.push(c);
                }
            }
        }
    }
    Err(invalid(q))
}

fn push_quoted(out: &mut String, v: &str) {
    out.push('"');
    for c in v.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
}

/// Writes one link.
pub fn write_link(out: &mut String, link: &Link<'_>) {
    out.push('<');
    out.push_str(&link.target);
    out.push('>');
    for p in &link.params {
        out.push(';');
        out.push_str(&p.name);
        if let Some(v) = &p.value {
            out.push('=');
            if p.quoted {
                push_quoted(out, v);
            } else {
                out.push_str(v);
            }
        }
    }
}

/// Serializes links separated by `,`.
pub fn serialize(links: &[Link<'_>]) -> String {
    let mut out = String::new();
    for (i, l) in links.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_link(&mut out, l);
    }
    out
}

/// One object of a Register/Update payload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegisterObject {
    /// Object ID.
    pub id: u16,
    /// `ver` to announce: set it when the object version differs from 1.0 (or, for core
    /// objects, from the default of the client's LwM2M version).
    pub version: Option<Version>,
    /// Instance IDs.
    pub instances: Vec<u16>,
}

/// The Register/Update payload (`POST /rd?ep=...`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegisterPayload {
    /// Alternate path (e.g. `/lwm2m`); every link is prefixed with it.
    pub alternate_path: Option<String>,
    /// Content formats announced with `ct` on the root link (1.1).
    pub content_formats: Vec<u16>,
    /// Objects in the order to list them. Objects 0 (Security) and 21 (OSCORE) are never
    /// listed.
    pub objects: Vec<RegisterObject>,
}

impl RegisterPayload {
    /// The links: `</>;rt="oma.lwm2m";ct=...` (when an alternate path or content formats
    /// are set), then per object an object link when it has no instances or a `ver`,
    /// followed by one link per instance.
    pub fn links(&self) -> Vec<Link<'static>> {
        let prefix = self.alternate_path.as_deref().unwrap_or("");
        let mut links = Vec::new();
        if self.alternate_path.is_some() || !self.content_formats.is_empty() {
            let mut root = Link::new(String::from(if prefix.is_empty() { "/" } else { prefix }));
            root.params.push(Param::quoted("rt", "oma.lwm2m"));
            if !self.content_formats.is_empty() {
                root.params
                    .push(Attribute::Ct(self.content_formats.clone()).to_param());
            }
            links.push(root);
        }
        for o in self.objects.iter().filter(|o| o.id != 0 && o.id != 21) {
            if o.instances.is_empty() || o.version.is_some() {
                let mut l = Link::new(alloc::format!("{prefix}/{}", o.id));
                if let Some(v) = o.version {
                    l.params.push(Attribute::Ver(v).to_param());
                }
                links.push(l);
            }
            for i in &o.instances {
                links.push(Link::new(alloc::format!("{prefix}/{}/{i}", o.id)));
            }
        }
        links
    }

    /// The payload text.
    pub fn to_payload(&self) -> String {
        serialize(&self.links())
    }

    /// Reads a Register/Update payload (server side). The root link is the one with
    /// `rt="oma.lwm2m"`; its target, when not `/`, is the alternate path. A link outside
    /// the alternate path is [`ErrorKind::OutsidePath`], one that is not `/O` or `/O/I`
    /// [`ErrorKind::NotAPath`], both at the link's `<`.
    pub fn parse(text: &str) -> Result<RegisterPayload, Error> {
        let links = parse(text)?;
        let mut out = RegisterPayload::default();
        // The root link: marked by `rt="oma.lwm2m"`, or `</>` itself, which some clients
        // send with `ct` only (`</>;ct=110,</1/0>,…`) and which can never be an object.
        let is_root = |l: &Link<'_>| {
            l.target == "/" || l.param("rt").and_then(|p| p.value.as_deref()) == Some("oma.lwm2m")
        };
        for l in links.iter().filter(|l| is_root(l)) {
            // `<>` and `</>` (or `<//>`) name no alternate path: the root is the root.
            let alternate = l.target.trim_end_matches('/');
            if !alternate.is_empty() {
                out.alternate_path = Some(alternate.into());
            }
            for a in l.attributes()? {
                if let Attribute::Ct(list) = a {
                    out.content_formats = list;
                }
            }
        }
        let prefix = out.alternate_path.clone().unwrap_or_default();
        // Positions by object ID: a scan per link made a payload listing thousands of
        // objects quadratic.
        let mut positions = alloc::collections::BTreeMap::new();
        for l in links.iter().filter(|l| !is_root(l)) {
            let at = |kind| Error::at(F, l.offset, kind);
            let rest = l
                .target
                .strip_prefix(prefix.as_str())
                .ok_or_else(|| at(ErrorKind::OutsidePath))?;
            let path: Path = rest.parse().map_err(|_| at(ErrorKind::NotAPath))?;
            let ids = path.ids();
            if ids.is_empty() || ids.len() > 2 {
                return Err(at(ErrorKind::NotAPath));
            }
            let pos = match out.objects.last() {
                Some(o) if o.id == ids[0] => out.objects.len() - 1,
                _ => *positions.entry(ids[0]).or_insert_with(|| {
                    out.objects.push(RegisterObject {
                        id: ids[0],
                        version: None,
                        instances: Vec::new(),
                    });
                    out.objects.len() - 1
                }),
            };
            let obj = &mut out.objects[pos];
            match ids.get(1) {
                Some(&i) => obj.instances.push(i),
                None => {
                    for a in l.attributes()? {
                        if let Attribute::Ver(v) = a {
                            obj.version = Some(v);
                        }
                    }
                }
            }
        }
        Ok(out)
    }
}

/// One link of a Discover or Bootstrap-Discover payload: a path and its attributes.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkEntry {
    /// The path (the root `/` for the Bootstrap-Discover root link).
    pub path: Path,
    /// Attributes in order.
    pub attributes: Vec<Attribute>,
}

impl LinkEntry {
    /// An entry without attributes.
    pub fn new(path: Path) -> Self {
        LinkEntry {
            path,
            attributes: Vec::new(),
        }
    }

    /// Adds an attribute.
    pub fn with(mut self, a: Attribute) -> Self {
        self.attributes.push(a);
        self
    }
}

/// A Discover response: `</3303/0>;pmin=10,</3303/0/5700>;gt=30;st=0.5,...`.
pub fn discover_payload(entries: &[LinkEntry]) -> String {
    let links: Vec<Link<'static>> = entries
        .iter()
        .map(|e| Link::with_attributes(&e.path, &e.attributes))
        .collect();
    serialize(&links)
}

/// Reads a Discover or Bootstrap-Discover response into typed entries (a link target
/// that is not a LwM2M path is [`ErrorKind::NotAPath`] at its `<`).
pub fn parse_discover(text: &str) -> Result<Vec<LinkEntry>, Error> {
    parse(text)?
        .iter()
        .map(|l| {
            // A LwM2M path has no trailing `/` (but the root is `/`).
            let path = l
                .path()
                .filter(|_| l.target == "/" || !l.target.ends_with('/'));
            Ok(LinkEntry {
                path: path.ok_or_else(|| Error::at(F, l.offset, ErrorKind::NotAPath))?,
                attributes: l.attributes()?,
            })
        })
        .collect()
}

/// A Bootstrap-Discover response: `</>;lwm2m=1.1` (when `lwm2m` is given), then the
/// entries (`</0/1>;ssid=101;uri="coaps://..."`).
pub fn bootstrap_discover_payload(lwm2m: Option<Version>, entries: &[LinkEntry]) -> String {
    let mut all = Vec::with_capacity(entries.len() + 1);
    if let Some(v) = lwm2m {
        all.push(LinkEntry::new(Path::ROOT).with(Attribute::Lwm2m(v)));
    }
    all.extend(entries.iter().cloned());
    discover_payload(&all)
}
