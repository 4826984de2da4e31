//! Value names: what the codes of an Integer or Unsigned Integer resource mean, given to
//! the generator beside the definitions.
//!
//! The OMA registry writes most enumerations as a numeric range (`0..6`) with the meanings
//! in prose, which no program can read. A value table names the codes instead; the
//! generator turns it into a Rust enum with one variant per named code and the fallback
//! `Other(i64)` (`Other(u64)`) for the rest ([`Config::value_names`], `ucifi generate
//! --values DIR`).
//!
//! Tables live in TOML files named `<ObjectID>.toml`, one per object, or `common.toml` for
//! reusable resources shared by every object that has them (an object's own table for the
//! same resource wins). The files may hold other keys this module ignores (`object` and
//! `[resources]`, the descriptions `cargo xtask import-model` reads), so the project's
//! `models/descriptions/` is such a folder:
//!
//! ```toml
//! [values.20]   # resource 20, Battery Status
//! 0 = { name = "Normal", doc = "Running on the battery, not charging." }
//! 1 = { name = "Charging", doc = "Being charged." }
//!
//! [values.3]
//! versions = ["2.0"]   # only where the resource is an integer (default: every version)
//! 1 = { name = "Hourly", doc = "Once an hour." }
//! ```
//!
//! Rules, each checked with an error naming the file, the table and what is wrong:
//!
//! * a key of `[values]` is a resource ID; a key of a table is a code (a decimal integer,
//!   `-1` allowed) or `versions`; a code's entry has exactly `name` and `doc`;
//! * `name` is an `UpperCamelCase` identifier, the variant (`ChargeComplete`), other than
//!   `Other` and `Self`, unique in its table also in `snake_case` (`charge_complete`, the
//!   serde name); `doc` is a non-empty sentence;
//! * a table applies to every version of its object that has the resource (or to the
//!   versions listed in `versions`), and each of those must have it as an Integer or
//!   Unsigned Integer, readable or writable resource;
//! * a version whose range (`0..9`, `1,2,5`) excludes a code, or an Unsigned Integer
//!   version and a negative code, leaves that code out of its enum; a code that no version
//!   can hold is an error;
//! * a table for a resource that no loaded version of its object has, or a `versions`
//!   entry naming a version that is not loaded, is an error. Tables of objects not being
//!   generated are ignored.
//!
//! [`Config::value_names`]: crate::Config::value_names

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use heck::ToSnakeCase;

use crate::ir::{DataType, ObjectDef, Range, ResourceDef, Version};

/// One named code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedValue {
    /// The code.
    pub code: i64,
    /// The variant name, `UpperCamelCase` (`ChargeComplete`).
    pub name: String,
    /// One sentence saying what the code means.
    pub doc: String,
}

impl NamedValue {
    /// The name in `snake_case` (`charge_complete`), as serde writes it.
    pub fn snake_name(&self) -> String {
        self.name.to_snake_case()
    }
}

/// Whose resource a table names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// A resource of one object (`<ObjectID>.toml`).
    Object(u16),
    /// A reusable resource, for every object that has it (`common.toml`).
    Common,
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::Object(id) => write!(f, "object {id}"),
            Scope::Common => f.write_str("common"),
        }
    }
}

/// The value table of one resource (`[values.N]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    /// The file it was read from.
    pub file: PathBuf,
    /// The resource ID.
    pub resource: u16,
    /// The object versions it is limited to (`versions = [...]`); `None`: every version.
    pub versions: Option<Vec<Version>>,
    /// The named codes, sorted by code.
    pub values: Vec<NamedValue>,
}

impl Table {
    /// Whether the table applies to object version `v`.
    pub fn applies_to(&self, v: Version) -> bool {
        self.versions.as_ref().is_none_or(|list| list.contains(&v))
    }

    fn at(&self) -> String {
        format!("{}: [values.{}]", self.file.display(), self.resource)
    }
}

/// A problem with a value-names file or table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValuesError {
    /// The file (or folder) concerned.
    pub file: PathBuf,
    /// What is wrong, with the table (`[values.20]`) when known.
    pub message: String,
}

impl fmt::Display for ValuesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file.display(), self.message)
    }
}

impl std::error::Error for ValuesError {}

/// Every value table read, by scope and resource ID.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ValueNames {
    tables: BTreeMap<(Scope, u16), Table>,
}

/// The scope a file name gives: `<ObjectID>.toml` or `common.toml`.
pub fn scope_of_file(path: &Path) -> Option<Scope> {
    let stem = path
        .file_name()?
        .to_str()?
        .strip_suffix(".toml")?
        .to_string();
    if stem == "common" {
        return Some(Scope::Common);
    }
    if stem.is_empty() || !stem.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    stem.parse().ok().map(Scope::Object)
}

impl ValueNames {
    /// Reads a folder (every `*.toml` in it, not its sub-folders) or one file. Files are
    /// named `<ObjectID>.toml` or `common.toml`.
    pub fn load(path: &Path) -> Result<Self, ValuesError> {
        let err = |message: String| ValuesError {
            file: path.to_path_buf(),
            message,
        };
        let mut files = Vec::new();
        if path.is_dir() {
            let rd = std::fs::read_dir(path).map_err(|e| err(e.to_string()))?;
            for entry in rd.flatten() {
                let p = entry.path();
                if p.is_file() && p.extension().is_some_and(|x| x == "toml") {
                    files.push(p);
                }
            }
            files.sort();
        } else {
            files.push(path.to_path_buf());
        }
        let mut names = ValueNames::default();
        for file in files {
            let text = std::fs::read_to_string(&file).map_err(|e| ValuesError {
                file: file.clone(),
                message: e.to_string(),
            })?;
            names.merge(ValueNames::parse(&file, &text)?)?;
        }
        Ok(names)
    }

    /// Reads the `[values]` tables of one file's text; `file` names the scope
    /// (`<ObjectID>.toml` or `common.toml`). The keys `object` and `resources` (the
    /// project's descriptions) are ignored; any other key is an error.
    pub fn parse(file: &Path, text: &str) -> Result<Self, ValuesError> {
        let err = |message: String| ValuesError {
            file: file.to_path_buf(),
            message,
        };
        let scope = scope_of_file(file)
            .ok_or_else(|| err("the file name must be <ObjectID>.toml or common.toml".into()))?;
        let doc: toml::Table = toml::from_str(text).map_err(|e| err(e.to_string()))?;
        let mut names = ValueNames::default();
        for (key, value) in &doc {
            match key.as_str() {
                "object" | "resources" => {}
                "values" => {
                    let toml::Value::Table(tables) = value else {
                        return Err(err(
                            "`values` must hold tables: [values.<ResourceID>]".into()
                        ));
                    };
                    for (rid, t) in tables {
                        let table = parse_table(file, rid, t)?;
                        names.tables.insert((scope, table.resource), table);
                    }
                }
                other => {
                    return Err(err(format!(
                        "unknown key `{other}` (expected [values.<ResourceID>] tables)"
                    )));
                }
            }
        }
        Ok(names)
    }

    /// Adds the tables of `other`; the same resource twice is an error.
    pub fn merge(&mut self, other: ValueNames) -> Result<(), ValuesError> {
        for (key, table) in other.tables {
            if let Some(first) = self.tables.get(&key) {
                return Err(ValuesError {
                    file: table.file.clone(),
                    message: format!(
                        "[values.{}] of {} is also given in {}",
                        key.1,
                        key.0,
                        first.file.display()
                    ),
                });
            }
            self.tables.insert(key, table);
        }
        Ok(())
    }

    /// The table of `resource` of `scope`.
    pub fn table(&self, scope: Scope, resource: u16) -> Option<&Table> {
        self.tables.get(&(scope, resource))
    }

    /// Every table, by scope and resource ID.
    pub fn tables(&self) -> impl Iterator<Item = (Scope, &Table)> {
        self.tables.iter().map(|((s, _), t)| (*s, t))
    }

    /// Whether no table was read.
    pub fn is_empty(&self) -> bool {
        self.tables.is_empty()
    }

    /// The table that governs `resource` of object `object`: its own, else the common one.
    pub fn governing(&self, object: u16, resource: u16) -> Option<&Table> {
        self.table(Scope::Object(object), resource)
            .or_else(|| self.table(Scope::Common, resource))
    }

    /// The named codes of every resource of every definition (in the order of `defs`),
    /// checked against the definitions per the [module rules](self). Errors are sorted.
    pub fn resolve(
        &self,
        defs: &[&ObjectDef],
    ) -> Result<Vec<BTreeMap<u16, Vec<NamedValue>>>, Vec<String>> {
        let mut errors = BTreeSet::new();
        let mut out = Vec::with_capacity(defs.len());
        // Per table: whether some version has the resource, and the codes some version keeps.
        let mut seen: BTreeMap<(Scope, u16), BTreeSet<i64>> = BTreeMap::new();
        let mut misfits: BTreeSet<(Scope, u16)> = BTreeSet::new();
        for def in defs {
            let mut per_resource = BTreeMap::new();
            for r in &def.resources {
                let own = self.table(Scope::Object(def.id), r.id);
                let Some(table) = self.governing(def.id, r.id) else {
                    continue;
                };
                let scope = if own.is_some() {
                    Scope::Object(def.id)
                } else {
                    Scope::Common
                };
                if !table.applies_to(def.version) {
                    continue;
                }
                let kept = seen.entry((scope, r.id)).or_default();
                if let Err(e) = fits(table, def, r) {
                    errors.insert(e);
                    misfits.insert((scope, r.id));
                    continue;
                }
                let values: Vec<NamedValue> = table
                    .values
                    .iter()
                    .filter(|v| holds(r, v.code))
                    .cloned()
                    .collect();
                kept.extend(values.iter().map(|v| v.code));
                if !values.is_empty() {
                    per_resource.insert(r.id, values);
                }
            }
            out.push(per_resource);
        }
        let loaded: BTreeMap<u16, Vec<Version>> = defs.iter().fold(BTreeMap::new(), |mut m, d| {
            m.entry(d.id).or_insert_with(Vec::new).push(d.version);
            m
        });
        for (scope, table) in self.tables() {
            let Scope::Object(object) = scope else {
                continue;
            };
            let Some(versions) = loaded.get(&object) else {
                continue; // an object that is not being generated
            };
            for v in table.versions.iter().flatten() {
                if !versions.contains(v) {
                    errors.insert(format!(
                        "{}: object {object} has no version {v} here (loaded: {})",
                        table.at(),
                        join(versions)
                    ));
                }
            }
            match seen.get(&(scope, table.resource)) {
                None => {
                    errors.insert(format!(
                        "{}: no loaded version of object {object} that the table applies to has resource {}",
                        table.at(),
                        table.resource
                    ));
                }
                Some(_) if misfits.contains(&(scope, table.resource)) => {}
                Some(kept) => unused_codes(table, kept, &mut errors),
            }
        }
        for (scope, table) in self.tables() {
            if scope == Scope::Common
                && !misfits.contains(&(scope, table.resource))
                && let Some(kept) = seen.get(&(scope, table.resource))
            {
                unused_codes(table, kept, &mut errors);
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors.into_iter().collect())
        }
    }
}

fn join(versions: &[Version]) -> String {
    versions
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Codes of `table` that no version it applies to can hold.
fn unused_codes(table: &Table, kept: &BTreeSet<i64>, errors: &mut BTreeSet<String>) {
    for v in &table.values {
        if !kept.contains(&v.code) {
            errors.insert(format!(
                "{}: code {} ({}) is outside the range of resource {} in every version it applies to",
                table.at(),
                v.code,
                v.name,
                table.resource
            ));
        }
    }
}

/// The message when `table` names the codes of a resource that holds no integer.
pub fn type_error(
    table: &Table,
    object: u16,
    version: &str,
    resource: &str,
    data_type: &str,
) -> String {
    format!(
        "{}: resource {} of object {object} version {version} is {data_type}; value names need an Integer or Unsigned Integer resource (list the versions where it is one with versions = [...])",
        table.at(),
        resource,
    )
}

/// Whether the definition's resource can carry named codes.
fn fits(table: &Table, def: &ObjectDef, r: &ResourceDef) -> Result<(), String> {
    let integer = matches!(r.data_type, DataType::Integer | DataType::UnsignedInteger);
    if integer && !r.is_executable() {
        return Ok(());
    }
    let data_type = if r.is_executable() {
        "executable".to_string()
    } else if r.data_type == DataType::None {
        "without a type".to_string()
    } else {
        format!("a {}", r.data_type.ddf_name())
    };
    Err(type_error(
        table,
        def.id,
        &def.version.to_string(),
        &format!("{} ({})", r.id, r.name),
        &data_type,
    ))
}

/// Whether the resource's type and range admit `code`.
fn holds(r: &ResourceDef, code: i64) -> bool {
    if r.data_type == DataType::UnsignedInteger && code < 0 {
        return false;
    }
    match &r.range {
        Range::Integer { min, max } => (*min..=*max).contains(&i128::from(code)),
        Range::Discrete(list) => list.contains(&i128::from(code)),
        Range::Float { min, max } => (*min..=*max).contains(&(code as f64)),
        _ => true,
    }
}

fn parse_table(file: &Path, key: &str, value: &toml::Value) -> Result<Table, ValuesError> {
    let err = |message: String| ValuesError {
        file: file.to_path_buf(),
        message: format!("[values.{key}]: {message}"),
    };
    let resource: u16 = key
        .parse()
        .map_err(|_| err("the key is not a resource ID (0..65535)".into()))?;
    let toml::Value::Table(entries) = value else {
        return Err(err(
            "must be a table of codes: 0 = { name = \"...\", doc = \"...\" }".into(),
        ));
    };
    let mut versions = None;
    let mut values = Vec::new();
    for (k, v) in entries {
        if k == "versions" {
            let list = v
                .as_array()
                .ok_or_else(|| err("versions must be a list such as [\"1.0\", \"2.0\"]".into()))?;
            let mut parsed = Vec::new();
            for item in list {
                let text = item
                    .as_str()
                    .ok_or_else(|| err("versions must be a list of strings".into()))?;
                let version: Version = text
                    .parse()
                    .map_err(|e: ucifi_runtime::VersionError| err(e.to_string()))?;
                parsed.push(version);
            }
            if parsed.is_empty() {
                return Err(err("versions is empty".into()));
            }
            versions = Some(parsed);
            continue;
        }
        let code = parse_code(k).ok_or_else(|| {
            err(format!(
                "`{k}` is neither a code (a decimal integer) nor `versions`"
            ))
        })?;
        values.push(parse_value(code, v).map_err(|m| err(format!("code {k}: {m}")))?);
    }
    if values.is_empty() {
        return Err(err("names no code".into()));
    }
    values.sort_by_key(|v| v.code);
    for w in values.windows(2) {
        if w[0].code == w[1].code {
            return Err(err(format!("code {} is given twice", w[0].code)));
        }
    }
    let mut names: BTreeMap<String, i64> = BTreeMap::new();
    for v in &values {
        for n in [v.name.clone(), v.snake_name()] {
            if let Some(first) = names.insert(n.clone(), v.code)
                && first != v.code
            {
                return Err(err(format!(
                    "codes {first} and {} have the same name {n}",
                    v.code
                )));
            }
        }
    }
    Ok(Table {
        file: file.to_path_buf(),
        resource,
        versions,
        values,
    })
}

/// A decimal integer code (`-1`, `255`), no leading `+` or zeros.
fn parse_code(k: &str) -> Option<i64> {
    let digits = k.strip_prefix('-').unwrap_or(k);
    if digits.is_empty()
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || (digits.len() > 1 && digits.starts_with('0'))
    {
        return None;
    }
    k.parse().ok()
}

fn parse_value(code: i64, v: &toml::Value) -> Result<NamedValue, String> {
    let toml::Value::Table(t) = v else {
        return Err("must be { name = \"...\", doc = \"...\" }".into());
    };
    for k in t.keys() {
        if k != "name" && k != "doc" {
            return Err(format!("unknown key `{k}` (expected name and doc)"));
        }
    }
    let text = |k: &str| -> Result<String, String> {
        let s = t
            .get(k)
            .ok_or_else(|| format!("no {k}"))?
            .as_str()
            .ok_or_else(|| format!("{k} is not a string"))?;
        let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
        if s.is_empty() {
            Err(format!("{k} is empty"))
        } else {
            Ok(s)
        }
    };
    let name = text("name")?;
    let camel = name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.bytes().all(|b| b.is_ascii_alphanumeric());
    if !camel {
        return Err(format!(
            "name {name:?} is not an UpperCamelCase identifier such as ChargeComplete"
        ));
    }
    if name == "Other" || name == "Self" {
        return Err(format!(
            "name {name} is reserved (Other is the variant of unnamed codes)"
        ));
    }
    Ok(NamedValue {
        code,
        name,
        doc: text("doc")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(name: &str, text: &str) -> Result<ValueNames, String> {
        ValueNames::parse(Path::new(name), text).map_err(|e| e.to_string())
    }

    #[test]
    fn reads_tables_and_ignores_descriptions() {
        let v = parse(
            "3.toml",
            "object = \"x\"\n[resources]\n20 = \"y\"\n[values.20]\n\
             1 = { name = \"Charging\", doc = \"Being  charged.\" }\n\
             0 = { name = \"Normal\", doc = \"Fine.\" }\n\
             [values.7]\nversions = [\"2.0\"]\n-1 = { name = \"Unknown\", doc = \"Not known.\" }\n",
        )
        .unwrap();
        let t = v.table(Scope::Object(3), 20).unwrap();
        assert_eq!(t.versions, None);
        assert_eq!(
            t.values
                .iter()
                .map(|n| (n.code, n.name.as_str(), n.doc.as_str()))
                .collect::<Vec<_>>(),
            [(0, "Normal", "Fine."), (1, "Charging", "Being charged.")]
        );
        let t = v.table(Scope::Object(3), 7).unwrap();
        assert_eq!(t.versions, Some(vec![Version::new(2, 0)]));
        assert!(t.applies_to(Version::new(2, 0)) && !t.applies_to(Version::V1_0));
        assert_eq!(t.values[0].code, -1);
        let c = parse(
            "common.toml",
            "[values.6042]\n0 = { name = \"Unchecked\", doc = \"x\" }",
        )
        .unwrap();
        assert!(c.table(Scope::Common, 6042).is_some());
    }

    #[test]
    fn mistakes_are_named() {
        let one = |t: &str| parse("3.toml", t).unwrap_err();
        let e = |t: &str, want: &str| {
            let got = one(t);
            assert!(got.contains(want), "{t:?}: {got}");
        };
        e("[value.20]\n", "unknown key `value`");
        e(
            "[values.x]\n0 = { name = \"A\", doc = \"a\" }",
            "[values.x]: the key is not a resource ID",
        );
        e(
            "[values.20]\nfoo = 1",
            "[values.20]: `foo` is neither a code",
        );
        e(
            "[values.20]\n007 = { name = \"A\", doc = \"a\" }",
            "`007` is neither a code",
        );
        e("[values.20]\n0 = { name = \"A\" }", "code 0: no doc");
        e(
            "[values.20]\n0 = { name = \"A\", doc = \"a\", unit = \"V\" }",
            "unknown key `unit`",
        );
        e(
            "[values.20]\n0 = { name = \"low battery\", doc = \"a\" }",
            "not an UpperCamelCase",
        );
        e(
            "[values.20]\n0 = { name = \"Other\", doc = \"a\" }",
            "reserved",
        );
        e(
            "[values.20]\n0 = { name = \"AB\", doc = \"a\" }\n1 = { name = \"Ab\", doc = \"b\" }",
            "codes 0 and 1 have the same name ab",
        );
        e(
            "[values.20]\nversions = [\"2\"]\n0 = { name = \"A\", doc = \"a\" }",
            "invalid version",
        );
        e("[values.20]\nversions = []", "versions is empty");
        e("[values.20]\n", "names no code");
        e("values = 3", "`values` must hold tables");
        let e = parse("vendor.toml", "").unwrap_err();
        assert!(e.contains("<ObjectID>.toml or common.toml"), "{e}");
    }

    /// A definition of object `id` version `version` with resources (ID, type, range, ops).
    fn def(id: u16, version: &str, resources: &[(u16, &str, &str, &str)]) -> ObjectDef {
        let items: String = resources
            .iter()
            .map(|(rid, t, range, ops)| {
                format!(
                    "<Item ID=\"{rid}\"><Name>R{rid}</Name><Operations>{ops}</Operations>\
                     <MultipleInstances>Single</MultipleInstances><Mandatory>Optional</Mandatory>\
                     <Type>{t}</Type><RangeEnumeration>{range}</RangeEnumeration><Units></Units>\
                     <Description>d</Description></Item>"
                )
            })
            .collect();
        let xml = format!(
            "<LWM2M><Object ObjectType=\"MODefinition\"><Name>T</Name><Description1>d</Description1>\
             <ObjectID>{id}</ObjectID><ObjectURN>urn:oma:lwm2m:x:{id}:{version}</ObjectURN>\
             <LWM2MVersion>1.1</LWM2MVersion><ObjectVersion>{version}</ObjectVersion>\
             <MultipleInstances>Multiple</MultipleInstances><Mandatory>Optional</Mandatory>\
             <Resources>{items}</Resources></Object></LWM2M>"
        );
        let f = crate::load::parse_ddf(Path::new("t.xml"), xml.as_bytes());
        assert!(f.objects.len() == 1, "{:?}", f.diagnostics);
        f.objects.into_iter().next().unwrap()
    }

    fn codes(m: &BTreeMap<u16, Vec<NamedValue>>, r: u16) -> Vec<i64> {
        m.get(&r)
            .map(|v| v.iter().map(|n| n.code).collect())
            .unwrap_or_default()
    }

    #[test]
    fn tables_follow_each_version() {
        let mut names = parse(
            "30000.toml",
            "[values.1]\n0 = { name = \"Idle\", doc = \"a\" }\n10 = { name = \"Late\", doc = \"b\" }\n\
             [values.2]\nversions = [\"2.0\"]\n1 = { name = \"Hourly\", doc = \"c\" }\n\
             [values.6042]\n0 = { name = \"Own\", doc = \"d\" }\n",
        )
        .unwrap();
        names
            .merge(
                parse(
                    "common.toml",
                    "[values.6042]\n0 = { name = \"Unchecked\", doc = \"e\" }\n",
                )
                .unwrap(),
            )
            .unwrap();
        let v1 = def(
            30000,
            "1.0",
            &[(1, "Integer", "0..9", "R"), (2, "String", "", "RW")],
        );
        let v2 = def(
            30000,
            "2.0",
            &[
                (1, "Integer", "0..11", "R"),
                (2, "Unsigned Integer", "", "RW"),
                (6042, "Integer", "0..23", "R"),
            ],
        );
        let other = def(30001, "1.0", &[(6042, "Integer", "0..23", "R")]);
        let got = names.resolve(&[&v1, &v2, &other]).unwrap();
        // 10 is outside 1.0's range; the String resource 2 of 1.0 is not in `versions`.
        assert_eq!(codes(&got[0], 1), [0]);
        assert_eq!(codes(&got[0], 2), Vec::<i64>::new());
        assert_eq!(codes(&got[1], 1), [0, 10]);
        assert_eq!(codes(&got[1], 2), [1]);
        // The object's own table wins over common.toml; other objects get the common one.
        assert_eq!(got[1][&6042][0].name, "Own");
        assert_eq!(got[2][&6042][0].name, "Unchecked");
        // Objects not being generated: their tables are ignored.
        assert!(names.resolve(&[&other]).is_ok());
    }

    #[test]
    fn tables_that_do_not_fit_are_named() {
        let names = parse(
            "30000.toml",
            "[values.2]\n1 = { name = \"Hourly\", doc = \"c\" }\n\
             [values.1]\nversions = [\"3.0\"]\n0 = { name = \"Idle\", doc = \"a\" }\n\
             [values.4]\n0 = { name = \"A\", doc = \"a\" }\n\
             [values.5]\n0 = { name = \"Go\", doc = \"a\" }\n\
             [values.7]\n-1 = { name = \"Minus\", doc = \"a\" }\n50 = { name = \"Far\", doc = \"a\" }\n",
        )
        .unwrap();
        let v1 = def(
            30000,
            "1.0",
            &[
                (1, "Integer", "", "R"),
                (2, "String", "", "RW"),
                (5, "", "", "E"),
                (7, "Unsigned Integer", "0..9", "R"),
            ],
        );
        let v2 = def(30000, "2.0", &[(2, "Unsigned Integer", "", "RW")]);
        let errors = names.resolve(&[&v1, &v2]).unwrap_err();
        let want = [
            "30000.toml: [values.1]: no loaded version of object 30000 that the table applies to has resource 1",
            "30000.toml: [values.1]: object 30000 has no version 3.0 here (loaded: 1.0, 2.0)",
            "30000.toml: [values.2]: resource 2 (R2) of object 30000 version 1.0 is a String; value names need an Integer or Unsigned Integer resource (list the versions where it is one with versions = [...])",
            "30000.toml: [values.4]: no loaded version of object 30000 that the table applies to has resource 4",
            "30000.toml: [values.5]: resource 5 (R5) of object 30000 version 1.0 is executable; value names need an Integer or Unsigned Integer resource (list the versions where it is one with versions = [...])",
            "30000.toml: [values.7]: code -1 (Minus) is outside the range of resource 7 in every version it applies to",
            "30000.toml: [values.7]: code 50 (Far) is outside the range of resource 7 in every version it applies to",
        ];
        assert_eq!(errors, want);
    }
}
