//! The shipped object definitions in `models/`:
//!
//! * the set of files is exactly the expected (family, ID, version) list;
//! * every file loads through the project's reader with 0 errors, and keeps exactly the
//!   warnings the registry file itself carries;
//! * with the registry present: every fact equals the registry's, the expected list equals
//!   what the registry publishes, and no description is registry text (equal after
//!   whitespace normalisation, or sharing a run of 12 words).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use ucifi_codegen::ir::{ObjectDef, ResourceDef};
use ucifi_codegen::load::{load_file, load_paths};

/// OMA core objects 0..=7: every published version.
const OMA: &[(u16, &str)] = &[
    (0, "1_0"),
    (0, "1_1"),
    (0, "1_2"),
    (1, "1_0"),
    (1, "1_1"),
    (1, "1_2"),
    (2, "1_0"),
    (2, "1_1"),
    (3, "1_0"),
    (3, "1_1"),
    (3, "1_2"),
    (4, "1_0"),
    (4, "1_1"),
    (4, "1_2"),
    (4, "1_3"),
    (5, "1_0"),
    (5, "1_1"),
    (5, "1_2"),
    (6, "1_0"),
    (7, "1_0"),
];

/// uCIFI objects 3410..=3439 and 3445..=3461: every published version.
const UCIFI: &[(u16, &str)] = &[
    (3410, "1_0"),
    (3410, "2_0"),
    (3411, "1_0"),
    (3411, "1_1"),
    (3412, "1_0"),
    (3413, "1_0"),
    (3413, "1_1"),
    (3414, "1_0"),
    (3414, "2_0"),
    (3415, "1_0"),
    (3415, "2_0"),
    (3416, "1_0"),
    (3416, "2_0"),
    (3417, "1_0"),
    (3418, "1_0"),
    (3418, "2_0"),
    (3419, "1_0"),
    (3419, "1_1"),
    (3420, "1_0"),
    (3421, "1_0"),
    (3421, "2_0"),
    (3422, "1_0"),
    (3423, "1_0"),
    (3423, "1_1"),
    (3424, "1_0"),
    (3424, "1_1"),
    (3425, "1_0"),
    (3425, "1_1"),
    (3426, "1_0"),
    (3426, "1_1"),
    (3427, "1_0"),
    (3427, "1_1"),
    (3428, "1_0"),
    (3428, "2_0"),
    (3429, "1_0"),
    (3429, "1_1"),
    (3430, "1_0"),
    (3430, "2_0"),
    (3431, "1_0"),
    (3431, "1_1"),
    (3432, "1_0"),
    (3432, "2_0"),
    (3433, "1_0"),
    (3433, "1_1"),
    (3434, "1_0"),
    (3434, "1_1"),
    (3435, "1_0"),
    (3435, "2_0"),
    (3436, "1_0"),
    (3437, "1_0"),
    (3438, "1_0"),
    (3439, "1_0"),
    (3445, "1_0"),
    (3446, "1_0"),
    (3447, "1_0"),
    (3448, "1_0"),
    (3449, "1_0"),
    (3450, "1_0"),
    (3451, "1_0"),
    (3452, "1_0"),
    (3453, "1_0"),
    (3454, "1_0"),
    (3455, "1_0"),
    (3456, "1_0"),
    (3457, "1_0"),
    (3458, "1_0"),
    (3459, "1_0"),
    (3460, "1_0"),
    (3461, "1_0"),
];

/// IPSO objects used beside uCIFI devices: the latest version of each.
const IPSO: &[(u16, &str)] = &[
    (3300, "1_1"),
    (3303, "1_1"),
    (3304, "1_1"),
    (3311, "1_0"),
    (3315, "1_1"),
    (3316, "1_1"),
    (3317, "1_1"),
    (3328, "1_1"),
    (3331, "1_1"),
    (3342, "1_1"),
    (3347, "1_1"),
    (3348, "1_1"),
];

const FAMILIES: &[(&str, &[(u16, &str)])] = &[("oma", OMA), ("ucifi", UCIFI), ("ipso", IPSO)];

fn models_dir() -> PathBuf {
    ucifi_tests::repo_root().join("models")
}

fn expected() -> BTreeSet<(String, u16, String)> {
    FAMILIES
        .iter()
        .flat_map(|(fam, list)| {
            list.iter()
                .map(move |(id, v)| (fam.to_string(), *id, v.to_string()))
        })
        .collect()
}

/// Every `*.xml` under `models/` (any folder) as (folder, ID, version tag, path).
fn model_files() -> Vec<(String, u16, String, PathBuf)> {
    let mut out = Vec::new();
    let mut stack = vec![models_dir()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let Some(stem) = name.strip_suffix(".xml") else {
                continue;
            };
            let rel = p.strip_prefix(models_dir()).unwrap();
            let folder = rel
                .parent()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default();
            let (id, tag) = stem
                .split_once('-')
                .unwrap_or_else(|| panic!("{}: name is not <ID>-<MAJ>_<MIN>.xml", rel.display()));
            let id = id
                .parse()
                .unwrap_or_else(|_| panic!("{}: bad object ID in the name", rel.display()));
            out.push((folder, id, tag.to_string(), p));
        }
    }
    out.sort();
    out
}

#[test]
fn model_set_is_exactly_the_expected_list() {
    assert_eq!(OMA.len(), 20);
    assert_eq!(UCIFI.len(), 69);
    assert_eq!(IPSO.len(), 12);
    let present: BTreeSet<(String, u16, String)> = model_files()
        .into_iter()
        .map(|(f, id, v, _)| (f, id, v))
        .collect();
    let want = expected();
    let missing: Vec<_> = want.difference(&present).collect();
    let extra: Vec<_> = present.difference(&want).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "models/ differs from the expected set\n missing: {missing:?}\n extra: {extra:?}"
    );
}

fn only_object(path: &Path) -> (ObjectDef, Vec<ucifi_codegen::diagnostics::Diagnostic>) {
    let f = load_file(path);
    let errors: Vec<String> = f
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_string())
        .collect();
    assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
    assert_eq!(
        f.objects.len(),
        1,
        "{}: expected one object",
        path.display()
    );
    (f.objects.into_iter().next().unwrap(), f.diagnostics)
}

#[test]
fn every_model_loads_without_errors_and_matches_its_file_name() {
    let loaded = load_paths(&[models_dir()]);
    let errors: Vec<String> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(loaded.objects.len(), OMA.len() + UCIFI.len() + IPSO.len());
    for (_, id, tag, path) in model_files() {
        let (o, _) = only_object(&path);
        assert_eq!(o.id, id, "{}", path.display());
        assert_eq!(
            format!("{}_{}", o.version.major, o.version.minor),
            tag,
            "{}",
            path.display()
        );
        assert!(
            !o.description1.is_empty(),
            "{}: no description",
            path.display()
        );
        for r in &o.resources {
            assert!(
                !r.description.is_empty() && r.description != r.name,
                "{} resource {}: the description must say more than the name",
                path.display(),
                r.id
            );
        }
    }
}

/// The registry file of one model: `version_history/<ID>-<MAJ>_<MIN>.xml`.
fn registry_file(reg: &Path, id: u16, tag: &str) -> PathBuf {
    reg.join("version_history").join(format!("{id}-{tag}.xml"))
}

/// The facts the models must keep, as comparable text.
fn object_facts(o: &ObjectDef) -> Vec<(String, String)> {
    vec![
        ("ObjectID".into(), o.id.to_string()),
        ("Name".into(), o.name.clone()),
        ("ObjectURN".into(), o.urn.clone()),
        (
            "LWM2MVersion".into(),
            format!("{} given={}", o.lwm2m_version, o.lwm2m_version_given),
        ),
        (
            "ObjectVersion".into(),
            format!("{} given={}", o.version, o.version_given),
        ),
        ("MultipleInstances".into(), o.multiple.to_string()),
        ("Mandatory".into(), o.mandatory.to_string()),
    ]
}

fn resource_facts(r: &ResourceDef) -> Vec<(&'static str, String)> {
    vec![
        ("Name", r.name.clone()),
        ("Operations", format!("{:?}", r.operations)),
        ("MultipleInstances", r.multiple.to_string()),
        ("Mandatory", r.mandatory.to_string()),
        ("Type", format!("{:?}", r.data_type)),
        ("RangeEnumeration", r.range_text.clone()),
        ("Units", r.units.clone()),
    ]
}

#[test]
fn facts_equal_the_registry() {
    let Some(reg) = ucifi_tests::registry_dir("models facts test") else {
        return;
    };
    let mut problems = Vec::new();
    for (_, id, tag, path) in model_files() {
        let (ours, _) = only_object(&path);
        let rf = registry_file(&reg, id, &tag);
        let (theirs, _) = only_object(&rf);
        let name = path
            .strip_prefix(models_dir())
            .unwrap()
            .display()
            .to_string();
        for ((k, a), (_, b)) in object_facts(&ours).iter().zip(object_facts(&theirs)) {
            if *a != b {
                problems.push(format!("{name}: {k} is {a:?}, registry has {b:?}"));
            }
        }
        let a: BTreeMap<u16, &ResourceDef> = ours.resources.iter().map(|r| (r.id, r)).collect();
        let b: BTreeMap<u16, &ResourceDef> = theirs.resources.iter().map(|r| (r.id, r)).collect();
        let (ka, kb): (BTreeSet<_>, BTreeSet<_>) = (a.keys().collect(), b.keys().collect());
        if ka != kb {
            problems.push(format!("{name}: resource IDs {ka:?}, registry has {kb:?}"));
        }
        for (rid, ra) in &a {
            let Some(rb) = b.get(rid) else { continue };
            for ((k, x), (_, y)) in resource_facts(ra).iter().zip(resource_facts(rb)) {
                if *x != y {
                    problems.push(format!(
                        "{name}: resource {rid} {k} is {x:?}, registry has {y:?}"
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn expected_list_is_what_the_registry_publishes() {
    let Some(reg) = ucifi_tests::registry_dir("models registry-set test") else {
        return;
    };
    let mut published: BTreeSet<(u16, String)> = BTreeSet::new();
    for entry in std::fs::read_dir(reg.join("version_history"))
        .unwrap()
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some((id, tag)) = name.strip_suffix(".xml").and_then(|s| s.split_once('-'))
            && let Ok(id) = id.parse::<u16>()
        {
            published.insert((id, tag.to_string()));
        }
    }
    // OMA and uCIFI: every published version of the IDs, and the uCIFI IDs are exactly
    // those in 3410..=3439, 3445..=3461 whose definition names the uCIFI Alliance.
    for (fam, list, ids) in [
        ("oma", OMA, (0..=7).collect::<Vec<u16>>()),
        (
            "ucifi",
            UCIFI,
            (3410..=3439).chain(3445..=3461).collect::<Vec<u16>>(),
        ),
    ] {
        let want: BTreeSet<(u16, String)> = published
            .iter()
            .filter(|(id, _)| ids.contains(id))
            .filter(|(id, _)| {
                fam != "ucifi"
                    || std::fs::read_to_string(reg.join(format!("{id}.xml")))
                        .map(|t| t.to_lowercase().contains("ucifi"))
                        .unwrap_or(false)
            })
            .cloned()
            .collect();
        let have: BTreeSet<(u16, String)> = list.iter().map(|(i, v)| (*i, v.to_string())).collect();
        assert_eq!(have, want, "{fam}: expected list differs from the registry");
    }
    // IPSO: the latest version (root file) of each.
    for (id, tag) in IPSO {
        let (o, _) = only_object(&reg.join(format!("{id}.xml")));
        assert_eq!(
            format!("{}_{}", o.version.major, o.version.minor),
            *tag,
            "IPSO {id}: not the latest version"
        );
    }
}

#[test]
fn warnings_are_exactly_those_the_registry_carries() {
    let Some(reg) = ucifi_tests::registry_dir("models warnings test") else {
        return;
    };
    let mut problems = Vec::new();
    for (_, id, tag, path) in model_files() {
        let key = |d: &ucifi_codegen::diagnostics::Diagnostic| format!("{}: {}", d.code, d.message);
        let (_, ours) = only_object(&path);
        let (_, theirs) = only_object(&registry_file(&reg, id, &tag));
        let ours: BTreeSet<String> = ours.iter().filter(|d| !d.is_error()).map(key).collect();
        // Item children in a non-schema order or unknown elements are layout, not facts:
        // the models use the schema layout, so those registry warnings disappear.
        let theirs: BTreeSet<String> = theirs
            .iter()
            .filter(|d| !d.is_error() && d.code != "unknown-element")
            .map(key)
            .collect();
        if ours != theirs {
            problems.push(format!(
                "{id}-{tag}: model warnings {ours:#?}\n registry warnings {theirs:#?}"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Lowercase `[a-z0-9]+` words.
fn words(s: &str) -> Vec<String> {
    s.to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

const RUN: usize = 12;

fn runs(s: &str) -> Vec<String> {
    let w = words(s);
    if w.len() < RUN {
        return Vec::new();
    }
    (0..=w.len() - RUN)
        .map(|i| w[i..i + RUN].join(" "))
        .collect()
}

fn normalise(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn descriptions_are_our_own_words() {
    let Some(reg) = ucifi_tests::registry_dir("models descriptions test") else {
        return;
    };
    // Every description of the registry, and every 12-word run in them.
    let loaded = load_paths(std::slice::from_ref(&reg));
    let mut reg_runs: HashMap<String, String> = HashMap::new();
    let mut reg_texts: BTreeSet<String> = BTreeSet::new();
    let mut add = |text: &str, origin: String| {
        let n = normalise(text);
        if n.is_empty() {
            return;
        }
        for r in runs(&n) {
            reg_runs.entry(r).or_insert_with(|| origin.clone());
        }
        reg_texts.insert(n);
    };
    for o in &loaded.objects {
        add(&o.description1, format!("object {}", o.id));
        add(&o.description2, format!("object {}", o.id));
        for r in &o.resources {
            add(&r.description, format!("object {} resource {}", o.id, r.id));
        }
    }
    for r in &loaded.common {
        add(&r.description, format!("Common.xml resource {}", r.id));
    }
    assert!(
        reg_texts.len() > 1000,
        "registry descriptions were not read"
    );

    let mut problems = Vec::new();
    let mut check = |what: String, text: &str| {
        let n = normalise(text);
        if reg_texts.contains(&n) {
            problems.push(format!("{what}: equals a registry description"));
        }
        if let Some(r) = runs(&n).into_iter().find(|r| reg_runs.contains_key(r)) {
            problems.push(format!(
                "{what}: shares \"{r}\" with the registry ({})",
                reg_runs[&r]
            ));
        }
    };
    for (_, id, tag, path) in model_files() {
        let (o, _) = only_object(&path);
        check(format!("{id}-{tag} object"), &o.description1);
        check(format!("{id}-{tag} Description2"), &o.description2);
        for r in &o.resources {
            check(format!("{id}-{tag} resource {}", r.id), &r.description);
        }
    }
    // The description sources too (models/descriptions/*.toml), line by line.
    for entry in std::fs::read_dir(models_dir().join("descriptions"))
        .unwrap()
        .flatten()
    {
        let text = std::fs::read_to_string(entry.path()).unwrap();
        for (i, line) in text.lines().enumerate() {
            check(
                format!("{}:{}", entry.path().display(), i + 1),
                line.split_once('=').map_or(line, |(_, v)| v),
            );
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Reads the simple `key = "text"` lines of a description file (the only form used for
/// descriptions there); the `[values.N]` tables (value names, read by the generator) are
/// skipped.
fn description_entries(text: &str) -> (Option<String>, BTreeMap<u16, String>) {
    let mut object = None;
    let mut resources = BTreeMap::new();
    let mut in_resources = false;
    let mut in_values = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_resources = line == "[resources]";
            in_values = line.starts_with("[values.");
            continue;
        }
        if in_values {
            continue;
        }
        let Some((key, value)) = line.split_once(" = ") else {
            continue;
        };
        let Some(value) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) else {
            panic!("unexpected description line {line:?}");
        };
        let value = value.replace("\\\"", "\"").replace("\\\\", "\\");
        if in_resources {
            resources.insert(key.parse().expect("resource ID key"), value);
        } else if key == "object" {
            object = Some(value);
        }
    }
    (object, resources)
}

#[test]
fn models_are_in_sync_with_the_description_sources() {
    let dir = models_dir().join("descriptions");
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap_or_default();
    let (_, common) = description_entries(&read("common.toml"));
    let mut problems = Vec::new();
    for (_, id, tag, path) in model_files() {
        let (o, _) = only_object(&path);
        let (object, own) = description_entries(&read(&format!("{id}.toml")));
        if object.as_deref() != Some(o.description1.as_str()) {
            problems.push(format!(
                "{id}-{tag}: object description differs from {id}.toml"
            ));
        }
        for r in &o.resources {
            let want = own.get(&r.id).or_else(|| common.get(&r.id));
            if want != Some(&r.description) {
                problems.push(format!(
                    "{id}-{tag}: resource {} description differs from the sources",
                    r.id
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "re-run `cargo xtask import-model` after editing models/descriptions/:\n{}",
        problems.join("\n")
    );
}
