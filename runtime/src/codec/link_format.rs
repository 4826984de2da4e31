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
//! Errors carry the byte offset of the offending character.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write as _;

use super::senml::codec_error;
use crate::{ContentFormat, Path, Version};

codec_error!(
    /// A link-format parsing error.
    LinkFormatError,
    ContentFormat::LinkFormat
);

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
    pub fn attributes(&self) -> Result<Vec<Attribute>, LinkFormatError> {
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

fn num<T: core::str::FromStr>(v: &str) -> Option<T> {
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    v.parse().ok()
}

fn decimal(v: &str) -> Option<f64> {
    let body = v.strip_prefix('-').unwrap_or(v);
    let (int, frac) = body.split_once('.').unwrap_or((body, "0"));
    if int.is_empty()
        || frac.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    v.parse().ok().filter(|f: &f64| f.is_finite())
}

impl Attribute {
    /// Types one parameter (errors point at the parameter).
    pub fn from_param(p: &Param<'_>) -> Result<Attribute, LinkFormatError> {
        let known = matches!(
            &*p.name,
            "pmin"
                | "pmax"
                | "gt"
                | "lt"
                | "st"
                | "epmin"
                | "epmax"
                | "edge"
                | "con"
                | "hqmax"
                | "dim"
                | "ver"
                | "ssid"
                | "uri"
                | "lwm2m"
                | "rt"
                | "ct"
        );
        if !known {
            return Ok(Attribute::Other {
                name: p.name.clone().into_owned(),
                value: p.value.clone().map(Cow::into_owned),
                quoted: p.quoted,
            });
        }
        let fail = |what: &'static str| LinkFormatError::new(p.offset, what);
        let v = p
            .value
            .as_deref()
            .ok_or_else(|| fail("attribute needs a value"))?;
        let flag = |v: &str| match v {
            "0" => Some(false),
            "1" => Some(true),
            _ => None,
        };
        Ok(match &*p.name {
            "pmin" => Attribute::Pmin(num(v).ok_or_else(|| fail("pmin must be whole seconds"))?),
            "pmax" => Attribute::Pmax(num(v).ok_or_else(|| fail("pmax must be whole seconds"))?),
            "epmin" => Attribute::Epmin(num(v).ok_or_else(|| fail("epmin must be whole seconds"))?),
            "epmax" => Attribute::Epmax(num(v).ok_or_else(|| fail("epmax must be whole seconds"))?),
            "hqmax" => Attribute::Hqmax(num(v).ok_or_else(|| fail("hqmax must be an integer"))?),
            "gt" => Attribute::Gt(decimal(v).ok_or_else(|| fail("gt must be a decimal number"))?),
            "lt" => Attribute::Lt(decimal(v).ok_or_else(|| fail("lt must be a decimal number"))?),
            "st" => Attribute::St(decimal(v).ok_or_else(|| fail("st must be a decimal number"))?),
            "edge" => Attribute::Edge(flag(v).ok_or_else(|| fail("edge must be 0 or 1"))?),
            "con" => Attribute::Con(flag(v).ok_or_else(|| fail("con must be 0 or 1"))?),
            "dim" => Attribute::Dim(num(v).ok_or_else(|| fail("dim must be from 0 to 255"))?),
            "ver" => Attribute::Ver(v.parse().map_err(|_| fail("ver must be MAJOR.MINOR"))?),
            "lwm2m" => Attribute::Lwm2m(v.parse().map_err(|_| fail("lwm2m must be MAJOR.MINOR"))?),
            "ssid" => Attribute::Ssid(
                num(v)
                    .filter(|s| (1..=65534).contains(s))
                    .ok_or_else(|| fail("ssid must be from 1 to 65534"))?,
            ),
            "uri" => Attribute::Uri(v.into()),
            "rt" => Attribute::Rt(v.into()),
            _ => Attribute::Ct(
                v.split(' ')
                    .map(num)
                    .collect::<Option<Vec<u16>>>()
                    .filter(|l| !l.is_empty())
                    .ok_or_else(|| fail("ct must be content-format numbers separated by spaces"))?,
            ),
        })
    }

    /// The parameter as serialized (canonical quoting).
    pub fn to_param(&self) -> Param<'static> {
        let t = |n: &'static str, v: String| Param::token(n, v);
        let q = |n: &'static str, v: String| Param::quoted(n, v);
        let f = |x: f64| alloc::format!("{x}");
        match self {
            Attribute::Pmin(v) => t("pmin", alloc::format!("{v}")),
            Attribute::Pmax(v) => t("pmax", alloc::format!("{v}")),
            Attribute::Gt(v) => t("gt", f(*v)),
            Attribute::Lt(v) => t("lt", f(*v)),
            Attribute::St(v) => t("st", f(*v)),
            Attribute::Epmin(v) => t("epmin", alloc::format!("{v}")),
            Attribute::Epmax(v) => t("epmax", alloc::format!("{v}")),
            Attribute::Edge(v) => t("edge", String::from(if *v { "1" } else { "0" })),
            Attribute::Con(v) => t("con", String::from(if *v { "1" } else { "0" })),
            Attribute::Hqmax(v) => t("hqmax", alloc::format!("{v}")),
            Attribute::Dim(v) => t("dim", alloc::format!("{v}")),
            Attribute::Ver(v) => t("ver", alloc::format!("{v}")),
            Attribute::Ssid(v) => t("ssid", alloc::format!("{v}")),
            Attribute::Uri(v) => q("uri", v.clone()),
            Attribute::Lwm2m(v) => t("lwm2m", alloc::format!("{v}")),
            Attribute::Rt(v) => q("rt", v.clone()),
            Attribute::Ct(list) => {
                let mut s = String::new();
                for (i, c) in list.iter().enumerate() {
                    if i > 0 {
                        s.push(' ');
                    }
                    let _ = write!(s, "{c}");
                }
                if list.len() == 1 {
                    t("ct", s)
                } else {
                    q("ct", s)
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

/// Parses a link-format document. Whitespace around `,` and `;` is tolerated.
pub fn parse(text: &str) -> Result<Vec<Link<'_>>, LinkFormatError> {
    let b = text.as_bytes();
    let mut i = 0;
    let mut links = Vec::new();
    let skip = |i: &mut usize| {
        while *i < b.len() && is_space(b[*i]) {
            *i += 1;
        }
    };
    skip(&mut i);
    if i == b.len() {
        return Ok(links);
    }
    loop {
        skip(&mut i);
        if b.get(i) != Some(&b'<') {
            return Err(LinkFormatError::new(i, "expected '<' starting a link"));
        }
        let start = i;
        let end = text[i + 1..]
            .find('>')
            .ok_or_else(|| LinkFormatError::new(i, "link target without closing '>'"))?
            + i
            + 1;
        let target = &text[i + 1..end];
        if let Some(bad) = target.find(|c: char| c == '<' || c.is_ascii_whitespace()) {
            return Err(LinkFormatError::new(
                i + 1 + bad,
                "invalid character in link target",
            ));
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
                    while i < b.len()
                        && !matches!(b[i], b'=' | b';' | b',' | b'"')
                        && !is_space(b[i])
                    {
                        i += 1;
                    }
                    if i == name_at {
                        return Err(LinkFormatError::new(name_at, "empty parameter name"));
                    }
                    let name = &text[name_at..i];
                    let mut param = Param {
                        name: Cow::Borrowed(name),
                        value: None,
                        quoted: false,
                        offset: name_at,
                    };
                    if b.get(i) == Some(&b'=') {
                        i += 1;
                        if b.get(i) == Some(&b'"') {
                            let q = i;
                            i += 1;
                            let vstart = i;
                            let mut owned: Option<String> = None;
                            loop {
                                match b.get(i) {
                                    None => {
                                        return Err(LinkFormatError::new(
                                            q,
                                            "unterminated quoted string",
                                        ));
                                    }
                                    Some(b'"') => break,
                                    Some(b'\\') if i + 1 < b.len() => {
                                        let s = owned.get_or_insert_with(|| text[vstart..i].into());
                                        let c = text[i + 1..].chars().next().unwrap_or('\\');
                                        s.push(c);
                                        i += 1 + c.len_utf8();
                                    }
                                    Some(_) => {
                                        let c = text[i..].chars().next().unwrap_or(' ');
                                        if let Some(s) = owned.as_mut() {
                                            s.push(c);
                                        }
                                        i += c.len_utf8();
                                    }
                                }
                            }
                            param.value = Some(match owned {
                                Some(s) => Cow::Owned(s),
                                None => Cow::Borrowed(&text[vstart..i]),
                            });
                            param.quoted = true;
                            i += 1;
                        } else {
                            let vstart = i;
                            while i < b.len()
                                && !matches!(b[i], b';' | b',' | b'"')
                                && !is_space(b[i])
                            {
                                i += 1;
                            }
                            if i == vstart {
                                return Err(LinkFormatError::new(vstart, "empty parameter value"));
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
                Some(_) => return Err(LinkFormatError::new(i, "expected ';' or ',' after a link")),
            }
        }
    }
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
            let mut root = Link::new(if prefix.is_empty() {
                String::from("/")
            } else {
                String::from(prefix)
            });
            root.params.push(Param::quoted("rt", "oma.lwm2m"));
            if !self.content_formats.is_empty() {
                root.params
                    .push(Attribute::Ct(self.content_formats.clone()).to_param());
            }
            links.push(root);
        }
        for o in &self.objects {
            if o.id == 0 || o.id == 21 {
                continue;
            }
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
    /// `rt="oma.lwm2m"`; its target, when not `/`, is the alternate path.
    pub fn parse(text: &str) -> Result<RegisterPayload, LinkFormatError> {
        let links = parse(text)?;
        let mut out = RegisterPayload::default();
        // The root link: marked by `rt="oma.lwm2m"`, or `</>` itself, which some clients
        // send with `ct` only (`</>;ct=110,</1/0>,…`) and which can never be an object.
        let is_root = |l: &Link<'_>| {
            l.target == "/" || l.param("rt").and_then(|p| p.value.as_deref()) == Some("oma.lwm2m")
        };
        for l in &links {
            if is_root(l) {
                if l.target != "/" {
                    out.alternate_path = Some(l.target.trim_end_matches('/').into());
                }
                for a in l.attributes()? {
                    if let Attribute::Ct(list) = a {
                        out.content_formats = list;
                    }
                }
            }
        }
        let prefix = out.alternate_path.clone().unwrap_or_default();
        let mut positions = alloc::collections::BTreeMap::new();
        for l in &links {
            if is_root(l) {
                continue;
            }
            let rest = l
                .target
                .strip_prefix(prefix.as_str())
                .ok_or_else(|| LinkFormatError::new(l.offset, "link outside the alternate path"))?;
            let path: Path = rest
                .parse()
                .map_err(|_| LinkFormatError::new(l.offset, "link target is not /O or /O/I"))?;
            let ids = path.ids();
            if ids.is_empty() || ids.len() > 2 {
                return Err(LinkFormatError::new(
                    l.offset,
                    "link target is not /O or /O/I",
                ));
            }
            // Positions by object ID: a scan per link made a payload listing thousands of
            // objects quadratic.
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

/// Reads a Discover or Bootstrap-Discover response into typed entries.
pub fn parse_discover(text: &str) -> Result<Vec<LinkEntry>, LinkFormatError> {
    parse(text)?
        .iter()
        .map(|l| {
            Ok(LinkEntry {
                path: l.path().ok_or_else(|| {
                    LinkFormatError::new(l.offset, "link target is not a LwM2M path")
                })?,
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
