//! Semantic diff of object models, for reviewers.
//!
//! Objects are matched by ID and compared version to version: every version present on
//! both sides is compared with itself (a change there is a change without a version bump),
//! and when the new side has a later version than the old side's latest, the old latest is
//! compared with the new latest. Each change is classified:
//!
//! * **breaking**: wire or generated API no longer compatible (resource removed, type or
//!   multiplicity changed, operations removed, optional -> mandatory, an ID reused for a
//!   different resource, a rename that changes the generated identifier, a narrowed range,
//!   changed units, ...);
//! * **compatible**: an optional resource added, an operation added, a range widened, ...;
//! * **cosmetic**: descriptions, and name spellings that leave the generated identifier as
//!   it is.
//!
//! The version check then compares each bump with the changes: a breaking change needs a
//! major bump, any other fact change at least a minor bump.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use heck::ToSnakeCase;
use serde::Serialize;

use crate::ir::{ObjectDef, Range, ResourceDef, Version};

/// How a change affects users of the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeClass {
    /// Wire or generated API no longer compatible.
    Breaking,
    /// Existing users keep working.
    Compatible,
    /// Documentation only.
    Cosmetic,
}

impl ChangeClass {
    /// `breaking`, `compatible` or `cosmetic`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeClass::Breaking => "breaking",
            ChangeClass::Compatible => "compatible",
            ChangeClass::Cosmetic => "cosmetic",
        }
    }
}

/// One difference between two object versions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Object ID.
    pub object: u16,
    /// Version on the old side.
    pub from_version: String,
    /// Version on the new side.
    pub to_version: String,
    /// Resource ID, for resource-level changes.
    pub resource: Option<u16>,
    /// Stable kebab-case kind, e.g. `resource-removed`, `type-changed`.
    pub kind: &'static str,
    /// Classification.
    pub class: ChangeClass,
    /// What changed, for a person.
    pub detail: String,
}

/// What kind of version bump a set of changes requires.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bump {
    /// No fact changed.
    None,
    /// Compatible changes: at least a minor bump.
    Minor,
    /// Breaking changes: a major bump.
    Major,
}

/// The verdict on one version pair.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VersionCheck {
    /// Object ID.
    pub object: u16,
    /// Old version.
    pub from_version: String,
    /// New version.
    pub to_version: String,
    /// The bump the changes require.
    pub required: Bump,
    /// The bump that was made.
    pub actual: Bump,
    /// Whether the bump is sufficient.
    pub ok: bool,
    /// Explanation.
    pub message: String,
}

/// Objects present on one side only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unmatched {
    /// Object ID.
    pub object: u16,
    /// Versions on that side.
    pub versions: Vec<String>,
    /// Object name.
    pub name: String,
}

/// The result of comparing two sets of object definitions.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DiffReport {
    /// Every change, ordered by object, version pair, resource.
    pub changes: Vec<Change>,
    /// One verdict per compared version pair.
    pub version_check: Vec<VersionCheck>,
    /// Objects only in the old set (removed).
    pub removed_objects: Vec<Unmatched>,
    /// Objects only in the new set (added).
    pub added_objects: Vec<Unmatched>,
}

impl DiffReport {
    /// Whether any change is breaking (a removed object counts as breaking).
    pub fn has_breaking(&self) -> bool {
        !self.removed_objects.is_empty()
            || self
                .changes
                .iter()
                .any(|c| c.class == ChangeClass::Breaking)
    }

    /// Whether any version check failed.
    pub fn has_version_problems(&self) -> bool {
        self.version_check.iter().any(|v| !v.ok)
    }

    /// The report as Markdown, for a pull-request comment.
    pub fn to_markdown(&self) -> String {
        let mut out = String::from("# Model diff\n");
        let count = |c: ChangeClass| self.changes.iter().filter(|x| x.class == c).count();
        let _ = writeln!(
            out,
            "\n{} breaking, {} compatible, {} cosmetic change(s); {} object(s) added, {} removed.",
            count(ChangeClass::Breaking),
            count(ChangeClass::Compatible),
            count(ChangeClass::Cosmetic),
            self.added_objects.len(),
            self.removed_objects.len()
        );
        for (title, list) in [
            ("Removed objects", &self.removed_objects),
            ("Added objects", &self.added_objects),
        ] {
            if !list.is_empty() {
                let _ = writeln!(out, "\n## {title}\n");
                for u in list {
                    let _ = writeln!(out, "- {} {} ({})", u.object, u.name, u.versions.join(", "));
                }
            }
        }
        let mut groups: BTreeMap<(u16, &str, &str), Vec<&Change>> = BTreeMap::new();
        for c in &self.changes {
            groups
                .entry((c.object, &c.from_version, &c.to_version))
                .or_default()
                .push(c);
        }
        for ((object, from, to), list) in groups {
            let _ = writeln!(out, "\n## Object {object}: {from} -> {to}\n");
            out.push_str("| class | resource | change | detail |\n|---|---|---|---|\n");
            for c in list {
                let res = c
                    .resource
                    .map(|r| r.to_string())
                    .unwrap_or_else(|| "-".into());
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    c.class.as_str(),
                    res,
                    c.kind,
                    md_cell(&c.detail)
                );
            }
        }
        if !self.version_check.is_empty() {
            out.push_str("\n## Version check\n\n");
            for v in &self.version_check {
                let mark = if v.ok { "ok" } else { "PROBLEM" };
                let _ = writeln!(
                    out,
                    "- {mark}: object {} {} -> {}: {}",
                    v.object, v.from_version, v.to_version, v.message
                );
            }
        }
        out
    }
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// Compares two sets of definitions (see the module docs for how versions are paired).
/// Each set should hold one definition per (ID, version); a later duplicate is ignored.
pub fn diff_sets(old: &[ObjectDef], new: &[ObjectDef]) -> DiffReport {
    let (old_ix, new_ix) = (index_versions(old), index_versions(new));
    let mut report = DiffReport::default();
    let unmatched = |versions: &BTreeMap<Version, &ObjectDef>| {
        let latest = versions
            .values()
            .next_back()
            .expect("non-empty version map");
        Unmatched {
            object: latest.id,
            versions: versions.keys().map(|v| v.to_string()).collect(),
            name: latest.name.clone(),
        }
    };
    for (id, old_versions) in &old_ix {
        let Some(new_versions) = new_ix.get(id) else {
            report.removed_objects.push(unmatched(old_versions));
            continue;
        };
        let mut pairs: Vec<(&ObjectDef, &ObjectDef)> = old_versions
            .iter()
            .filter_map(|(v, o)| new_versions.get(v).map(|n| (*o, *n)))
            .collect();
        let (old_latest, new_latest) = (
            old_versions.values().next_back(),
            new_versions.values().next_back(),
        );
        if let (Some(o), Some(n)) = (old_latest, new_latest)
            && n.version != o.version
            && !old_versions.contains_key(&n.version)
        {
            pairs.push((o, n));
        }
        for (o, n) in pairs {
            let changes = diff_objects(o, n);
            report.version_check.push(check_version(o, n, &changes));
            report.changes.extend(changes);
        }
    }
    for (id, new_versions) in &new_ix {
        if !old_ix.contains_key(id) {
            report.added_objects.push(unmatched(new_versions));
        }
    }
    // A same-version pair without any change is not worth a line.
    report
        .version_check
        .retain(|v| !(v.from_version == v.to_version && v.required == Bump::None));
    report
}

type VersionIndex<'a> = BTreeMap<u16, BTreeMap<Version, &'a ObjectDef>>;

fn index_versions(set: &[ObjectDef]) -> VersionIndex<'_> {
    let mut m: VersionIndex<'_> = BTreeMap::new();
    for o in set {
        m.entry(o.id).or_default().entry(o.version).or_insert(o);
    }
    m
}

fn check_version(old: &ObjectDef, new: &ObjectDef, changes: &[Change]) -> VersionCheck {
    let required = if changes.iter().any(|c| c.class == ChangeClass::Breaking) {
        Bump::Major
    } else if changes.iter().any(|c| c.class == ChangeClass::Compatible) {
        Bump::Minor
    } else {
        Bump::None
    };
    let (a, b) = (old.version, new.version);
    let actual = if b.major > a.major {
        Bump::Major
    } else if b > a {
        Bump::Minor
    } else {
        Bump::None
    };
    let n = |c: ChangeClass| changes.iter().filter(|x| x.class == c).count();
    let (ok, message) = if b < a {
        (false, format!("version goes backwards ({a} -> {b})"))
    } else if actual >= required {
        let what = match required {
            Bump::Major => format!(
                "{} breaking change(s) under a major bump",
                n(ChangeClass::Breaking)
            ),
            Bump::Minor => format!(
                "{} compatible change(s) under a {} bump",
                n(ChangeClass::Compatible),
                bump_name(actual)
            ),
            Bump::None if actual == Bump::None => "no fact changed".to_string(),
            Bump::None => format!("{} bump with only cosmetic changes", bump_name(actual)),
        };
        (true, what)
    } else {
        match (required, actual) {
            (Bump::Major, Bump::Minor) => (
                false,
                format!(
                    "minor bump {a} -> {b} hides {} breaking change(s): a major bump is needed",
                    n(ChangeClass::Breaking)
                ),
            ),
            (Bump::Major, _) => (
                false,
                format!(
                    "{} breaking change(s) without a version bump: a major bump is needed",
                    n(ChangeClass::Breaking)
                ),
            ),
            _ => (
                false,
                format!(
                    "{} compatible change(s) without a version bump: a minor bump is needed",
                    n(ChangeClass::Compatible)
                ),
            ),
        }
    };
    VersionCheck {
        object: new.id,
        from_version: a.to_string(),
        to_version: b.to_string(),
        required,
        actual,
        ok,
        message,
    }
}

fn bump_name(b: Bump) -> &'static str {
    match b {
        Bump::None => "no",
        Bump::Minor => "minor",
        Bump::Major => "major",
    }
}

/// The identifier the generator derives from a name, for deciding whether a rename breaks
/// the generated API. Mirrors the folding rules of the generator (snake case of the ASCII
/// alphanumeric words).
fn ident_key(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    cleaned.to_snake_case()
}

/// Every change between two versions of one object.
pub fn diff_objects(old: &ObjectDef, new: &ObjectDef) -> Vec<Change> {
    let mut out = Vec::new();
    let mut push =
        |resource: Option<u16>, kind: &'static str, class: ChangeClass, detail: String| {
            out.push(Change {
                object: new.id,
                from_version: old.version.to_string(),
                to_version: new.version.to_string(),
                resource,
                kind,
                class,
                detail,
            })
        };
    use ChangeClass::*;
    if old.name != new.name {
        let (class, note) = if ident_key(&old.name) == ident_key(&new.name) {
            (Cosmetic, "generated type name unchanged")
        } else {
            (
                Breaking,
                "generated type name changes (wire compatible, API break)",
            )
        };
        push(
            None,
            "object-renamed",
            class,
            format!("{:?} -> {:?}: {note}", old.name, new.name),
        );
    }
    if old.multiple != new.multiple {
        push(
            None,
            "object-multiplicity-changed",
            Breaking,
            format!("{} -> {}", multi(old.multiple), multi(new.multiple)),
        );
    }
    if old.mandatory != new.mandatory {
        let class = if new.mandatory { Breaking } else { Compatible };
        push(
            None,
            "object-mandatory-changed",
            class,
            format!("{} -> {}", mand(old.mandatory), mand(new.mandatory)),
        );
    }
    if old.lwm2m_version != new.lwm2m_version {
        // Neither the wire form nor the generated API changes: a client on an older
        // enabler keeps implementing the previous object version.
        let why = if new.lwm2m_version > old.lwm2m_version {
            "needs a newer enabler; older clients keep the previous object version"
        } else {
            "older clients can now implement it"
        };
        push(
            None,
            "lwm2m-version-changed",
            Compatible,
            format!(
                "LWM2MVersion {} -> {}: {why}",
                old.lwm2m_version, new.lwm2m_version
            ),
        );
    }
    let expected_urn_change = old.version != new.version;
    if old.urn != new.urn && !expected_urn_change {
        push(
            None,
            "urn-changed",
            Breaking,
            format!("{} -> {}", old.urn, new.urn),
        );
    }
    if old.description1 != new.description1 || old.description2 != new.description2 {
        push(
            None,
            "object-description-changed",
            Cosmetic,
            "object description text changed".into(),
        );
    }
    let by_id = |list: &[ResourceDef]| -> BTreeMap<u16, ResourceDef> {
        list.iter().map(|r| (r.id, r.clone())).collect()
    };
    let (old_res, new_res) = (by_id(&old.resources), by_id(&new.resources));
    for (id, o) in &old_res {
        match new_res.get(id) {
            None => push(
                Some(*id),
                "resource-removed",
                Breaking,
                format!("{:?} removed", o.name),
            ),
            Some(n) => diff_resource(o, n, &mut |kind, class, detail| {
                push(Some(*id), kind, class, detail)
            }),
        }
    }
    for (id, n) in &new_res {
        if !old_res.contains_key(id) {
            let (class, why) = if n.mandatory {
                (Breaking, "mandatory: every implementation must add it")
            } else {
                (Compatible, "optional")
            };
            push(
                Some(*id),
                "resource-added",
                class,
                format!(
                    "{:?} ({}, {}, {}) added, {why}",
                    n.name,
                    n.data_type,
                    n.operations,
                    multi(n.multiple)
                ),
            );
        }
    }
    out
}

fn multi(m: bool) -> &'static str {
    if m { "multiple" } else { "single" }
}

fn mand(m: bool) -> &'static str {
    if m { "mandatory" } else { "optional" }
}

fn diff_resource(
    o: &ResourceDef,
    n: &ResourceDef,
    push: &mut dyn FnMut(&'static str, ChangeClass, String),
) {
    use ChangeClass::*;
    let renamed = ident_key(&o.name) != ident_key(&n.name);
    if renamed && o.data_type != n.data_type {
        push(
            "id-reused",
            Breaking,
            format!(
                "ID now names a different resource: {:?} ({}) -> {:?} ({})",
                o.name, o.data_type, n.name, n.data_type
            ),
        );
        return;
    }
    if o.name != n.name {
        if renamed {
            push(
                "resource-renamed",
                Breaking,
                format!(
                    "{:?} -> {:?}: wire compatible, but the generated identifier changes (API break)",
                    o.name, n.name
                ),
            );
        } else {
            push(
                "resource-renamed",
                Cosmetic,
                format!(
                    "{:?} -> {:?}: spelling only, generated identifier unchanged",
                    o.name, n.name
                ),
            );
        }
    }
    if o.data_type != n.data_type {
        push(
            "type-changed",
            Breaking,
            format!("{} -> {}", o.data_type, n.data_type),
        );
    }
    if o.multiple != n.multiple {
        push(
            "multiplicity-changed",
            Breaking,
            format!("{} -> {}", multi(o.multiple), multi(n.multiple)),
        );
    }
    if o.operations != n.operations {
        let (a, b) = (o.operations, n.operations);
        let removed = (a.readable() && !b.readable())
            || (a.writable() && !b.writable())
            || (a.executable() && !b.executable());
        let (kind, class) = if removed {
            ("operations-removed", Breaking)
        } else {
            ("operations-added", Compatible)
        };
        push(kind, class, format!("{} -> {}", a, b));
    }
    if o.mandatory != n.mandatory {
        if n.mandatory {
            push(
                "optional-to-mandatory",
                Breaking,
                "optional -> mandatory: every implementation must now provide it".into(),
            );
        } else {
            push(
                "mandatory-to-optional",
                Compatible,
                "mandatory -> optional: servers can no longer rely on it".into(),
            );
        }
    }
    if o.units != n.units {
        let (class, what) = units_change(&o.units, &n.units);
        push(
            "units-changed",
            class,
            format!("{:?} -> {:?}: {what}", o.units, n.units),
        );
    }
    if o.range_text != n.range_text {
        let (class, what) = range_change(
            &as_length(&o.range, o.data_type),
            &as_length(&n.range, n.data_type),
        );
        push(
            "range-changed",
            class,
            format!("{:?} -> {:?}: {what}", o.range_text, n.range_text),
        );
    }
    if o.description != n.description {
        push(
            "description-changed",
            Cosmetic,
            "description text changed".into(),
        );
    }
}

/// For text and bytes (String, Opaque, Corelnk) a numeric range bounds the length: `6`
/// and `6 bytes`, `1..32` and `1..32 Bytes` say the same.
fn as_length(range: &Range, data_type: crate::ir::DataType) -> Range {
    use crate::ir::DataType as T;
    if !matches!(data_type, T::String | T::Opaque | T::Corelnk) {
        return range.clone();
    }
    let len = |v: i128| u64::try_from(v).ok();
    match range {
        Range::Integer { min, max } => match (len(*min), len(*max)) {
            (Some(min), Some(max)) => Range::Length { min, max },
            _ => range.clone(),
        },
        Range::Discrete(list) if list.len() == 1 => match len(list[0]) {
            Some(n) => Range::Length { min: n, max: n },
            None => range.clone(),
        },
        // A bare number (kept as text by the range parser: for numbers it could be a
        // maximum) is a length here.
        Range::Text(t) => match t.trim().parse::<u64>() {
            Ok(n) => Range::Length { min: n, max: n },
            Err(_) => range.clone(),
        },
        other => other.clone(),
    }
}

/// Spellings of one unit: SenML symbols and the forms registry files use for them.
const UNIT_ALIASES: &[&[&str]] = &[&["%", "/100"], &["Cel", "°C"], &["s", "sec"]];

/// How a change of the `<Units>` text affects users.
fn units_change(o: &str, n: &str) -> (ChangeClass, &'static str) {
    let same = UNIT_ALIASES
        .iter()
        .any(|group| group.contains(&o) && group.contains(&n));
    if same {
        (ChangeClass::Cosmetic, "same unit, spelled differently")
    } else if o.is_empty() {
        (ChangeClass::Compatible, "unit now stated")
    } else if n.is_empty() {
        (
            ChangeClass::Compatible,
            "unit no longer stated; values unchanged on the wire",
        )
    } else {
        (ChangeClass::Breaking, "values change meaning")
    }
}

fn range_change(o: &Range, n: &Range) -> (ChangeClass, &'static str) {
    use ChangeClass::*;
    let widen = |contains: bool, contained: bool| match (contains, contained) {
        (true, true) => (Cosmetic, "same range, written differently"),
        (true, false) => (Compatible, "widened"),
        (false, true) => (Breaking, "narrowed"),
        (false, false) => (Breaking, "moved: some old values are no longer allowed"),
    };
    match (o, n) {
        (_, Range::None) => (Compatible, "constraint removed"),
        (Range::None, _) => (Breaking, "constraint added"),
        (Range::Integer { min: a, max: b }, Range::Integer { min: c, max: d }) => {
            widen(c <= a && d >= b, a <= c && b >= d)
        }
        (Range::Length { min: a, max: b }, Range::Length { min: c, max: d }) => {
            widen(c <= a && d >= b, a <= c && b >= d)
        }
        (Range::Float { min: a, max: b }, Range::Float { min: c, max: d }) => {
            widen(c <= a && d >= b, a <= c && b >= d)
        }
        (Range::Integer { min: a, max: b }, Range::Float { min: c, max: d }) => widen(
            *c <= *a as f64 && *d >= *b as f64,
            *a as f64 <= *c && *b as f64 >= *d,
        ),
        (Range::Float { min: a, max: b }, Range::Integer { min: c, max: d }) => widen(
            *c as f64 <= *a && *d as f64 >= *b,
            *a <= *c as f64 && *b >= *d as f64,
        ),
        (Range::Discrete(a), Range::Discrete(b)) => widen(
            a.iter().all(|x| b.contains(x)),
            b.iter().all(|x| a.contains(x)),
        ),
        (Range::Enumeration(a), Range::Enumeration(b)) => {
            let keys = |l: &[crate::ir::EnumEntry]| l.iter().map(|e| e.value).collect::<Vec<_>>();
            let (ka, kb) = (keys(a), keys(b));
            widen(
                ka.iter().all(|x| kb.contains(x)),
                kb.iter().all(|x| ka.contains(x)),
            )
        }
        _ => (Breaking, "changed: review by hand"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{DataType, Location, Operations};

    fn res(id: u16, name: &str, t: DataType, ops: Operations) -> ResourceDef {
        ResourceDef {
            id,
            name: name.into(),
            operations: ops,
            multiple: false,
            mandatory: false,
            data_type: t,
            range: Range::None,
            range_text: String::new(),
            units: String::new(),
            description: String::new(),
            reusable: None,
            location: Location::default(),
        }
    }

    fn obj(v: Version, resources: Vec<ResourceDef>) -> ObjectDef {
        ObjectDef {
            id: 3410,
            name: "Thing".into(),
            description1: String::new(),
            description2: String::new(),
            urn: format!("urn:oma:lwm2m:ext:3410:{v}"),
            lwm2m_version: Version::V1_0,
            lwm2m_version_given: true,
            version: v,
            version_given: true,
            multiple: true,
            mandatory: false,
            resources,
            location: Location::default(),
        }
    }

    #[test]
    fn classifies_and_checks_bump() {
        let mut widened = res(2, "Level", DataType::Integer, Operations::R);
        widened.range = Range::Integer { min: 0, max: 200 };
        widened.range_text = "0..200".into();
        let mut narrow = widened.clone();
        narrow.range = Range::Integer { min: 0, max: 100 };
        narrow.range_text = "0..100".into();
        let old = obj(
            Version::V1_0,
            vec![
                res(0, "Name", DataType::String, Operations::RW),
                res(1, "Gone", DataType::Integer, Operations::R),
                narrow,
                res(3, "Battery level", DataType::Integer, Operations::R),
                res(4, "Old thing", DataType::Integer, Operations::R),
            ],
        );
        let mut added = res(9, "Extra", DataType::Float, Operations::R);
        added.mandatory = false;
        let new = obj(
            Version::V1_1,
            vec![
                res(0, "Name", DataType::String, Operations::R),
                widened,
                res(3, "Battery Level", DataType::Integer, Operations::RW),
                res(4, "New thing", DataType::Boolean, Operations::R),
                added,
            ],
        );
        let report = diff_sets(&[old], &[new]);
        let got: Vec<(Option<u16>, &str, ChangeClass)> = report
            .changes
            .iter()
            .map(|c| (c.resource, c.kind, c.class))
            .collect();
        assert_eq!(
            got,
            vec![
                (Some(0), "operations-removed", ChangeClass::Breaking),
                (Some(1), "resource-removed", ChangeClass::Breaking),
                (Some(2), "range-changed", ChangeClass::Compatible),
                (Some(3), "resource-renamed", ChangeClass::Cosmetic),
                (Some(3), "operations-added", ChangeClass::Compatible),
                (Some(4), "id-reused", ChangeClass::Breaking),
                (Some(9), "resource-added", ChangeClass::Compatible),
            ]
        );
        assert_eq!(report.version_check.len(), 1);
        let v = &report.version_check[0];
        assert!(!v.ok);
        assert_eq!(
            v.message,
            "minor bump 1.0 -> 1.1 hides 3 breaking change(s): a major bump is needed"
        );
        assert!(report.has_breaking());
    }

    #[test]
    fn unit_spellings() {
        assert_eq!(units_change("%", "/100").0, ChangeClass::Cosmetic);
        assert_eq!(units_change("Cel", "°C").0, ChangeClass::Cosmetic);
        assert_eq!(units_change("", "s").0, ChangeClass::Compatible);
        assert_eq!(units_change("s", "ms").0, ChangeClass::Breaking);
        assert_eq!(units_change("s", "").0, ChangeClass::Compatible);
    }

    #[test]
    fn byte_ranges_of_text_and_bytes() {
        let mut a = res(0, "Key", DataType::Opaque, Operations::RW);
        a.range = Range::Length { min: 6, max: 6 };
        a.range_text = "6 bytes".into();
        let mut b = a.clone();
        b.range = Range::Text("6".into());
        b.range_text = "6".into();
        let mut c = a.clone();
        c.range = Range::Integer { min: 1, max: 32 };
        c.range_text = "1..32".into();
        let old = obj(Version::V1_0, vec![a]);
        let same = obj(Version::V1_1, vec![b]);
        let wider = obj(Version::V1_1, vec![c]);
        let classes = |n: &ObjectDef| -> Vec<ChangeClass> {
            diff_objects(&old, n).iter().map(|c| c.class).collect()
        };
        assert_eq!(classes(&same), vec![ChangeClass::Cosmetic]);
        assert_eq!(classes(&wider), vec![ChangeClass::Compatible]);
        // For numbers, 6 is a value, not a length.
        let mut n = res(0, "Count", DataType::Integer, Operations::R);
        n.range = Range::Discrete(vec![6]);
        n.range_text = "6".into();
        let mut m = n.clone();
        m.range = Range::Length { min: 6, max: 6 };
        m.range_text = "6 bytes".into();
        let report = diff_objects(&obj(Version::V1_0, vec![n]), &obj(Version::V1_1, vec![m]));
        assert_eq!(report[0].class, ChangeClass::Breaking);
    }

    #[test]
    fn same_version_change_needs_a_bump() {
        let a = obj(
            Version::V1_0,
            vec![res(0, "A", DataType::String, Operations::R)],
        );
        let mut b = a.clone();
        b.resources
            .push(res(1, "B", DataType::String, Operations::R));
        let r = diff_sets(std::slice::from_ref(&a), &[b]);
        assert_eq!(
            r.version_check[0].message,
            "1 compatible change(s) without a version bump: a minor bump is needed"
        );
        let same = diff_sets(std::slice::from_ref(&a), std::slice::from_ref(&a));
        assert!(same.changes.is_empty() && same.version_check.is_empty());
    }
}
