//! `cargo xtask import-model`: builds `models/<family>/<ID>-<MAJ>_<MIN>.xml` from the facts of a
//! registry file and the project's own descriptions in `models/descriptions/`.
//!
//! Registry description text is never read (see [`crate::import_ddf`]); when one of our
//! descriptions is missing the import fails with the list of what to write, and nothing is
//! written.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use ucifi_codegen::values::{self, ValueNames};

use crate::import_ddf::{self, RegObject};

const USAGE: &str =
    "usage: cargo xtask import-model --registry DIR [--out DIR] [--descriptions DIR] \
[--latest] [--family NAME] [--check] SPEC...
  SPEC: ID (every version in DIR/version_history, or DIR/ID.xml with --latest),
        FIRST..LAST (a range of IDs; IDs without a file are skipped),
        ID-MAJ_MIN (one version), or a path to a .xml file";

/// The header comment of every generated model file.
pub const HEADER: &str = "<!-- ucifi model: facts from the OMA LwM2M registry; descriptions written by the ucifi project. -->";

/// Options of one import run.
#[derive(Debug, Default)]
pub struct Options {
    /// The registry folder.
    pub registry: PathBuf,
    /// Where model files go (`models/`).
    pub out: PathBuf,
    /// Where our descriptions live (`models/descriptions/`).
    pub descriptions: PathBuf,
    /// For bare IDs, import only the latest (root) file.
    pub latest: bool,
    /// Force the family folder instead of deriving it.
    pub family: Option<String>,
    /// Compare with the files on disk instead of writing.
    pub check: bool,
    /// What to import.
    pub specs: Vec<String>,
}

/// Entry point of `cargo xtask import-model`.
pub fn run(args: &[String], root: &Path) -> Result<(), String> {
    let opts = parse_args(args, root)?;
    let written = import(&opts)?;
    let base = root.join("models");
    for p in &written {
        let shown = p
            .strip_prefix(&base)
            .map(|r| Path::new("models").join(r))
            .unwrap_or_else(|_| p.clone());
        eprintln!(
            "{} {}",
            if opts.check { "up to date" } else { "wrote" },
            shown.display()
        );
    }
    Ok(())
}

fn parse_args(args: &[String], root: &Path) -> Result<Options, String> {
    let mut o = Options {
        out: root.join("models"),
        descriptions: root.join("models/descriptions"),
        ..Options::default()
    };
    let mut registry = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |flag: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))
        };
        match a.as_str() {
            "--registry" => registry = Some(PathBuf::from(value(a)?)),
            "--out" => o.out = PathBuf::from(value(a)?),
            "--descriptions" => o.descriptions = PathBuf::from(value(a)?),
            "--family" => o.family = Some(value(a)?),
            "--latest" => o.latest = true,
            "--check" => o.check = true,
            "-h" | "--help" => return Err(USAGE.into()),
            s if s.starts_with("--") => return Err(format!("unknown option {s}\n{USAGE}")),
            s => o.specs.push(s.to_string()),
        }
    }
    o.registry = registry.ok_or_else(|| format!("--registry is required\n{USAGE}"))?;
    if o.specs.is_empty() {
        return Err(format!("nothing to import\n{USAGE}"));
    }
    Ok(o)
}

/// Resolves the specs to registry files, in order, without duplicates.
pub fn resolve(opts: &Options) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for spec in &opts.specs {
        if spec.ends_with(".xml") {
            files.push(PathBuf::from(spec));
        } else if let Some((a, b)) = spec.split_once("..") {
            let (a, b) = (parse_id(a)?, parse_id(b)?);
            for id in a..=b {
                files.extend(files_of(opts, id));
            }
        } else if let Some((id, tag)) = spec.split_once('-') {
            parse_id(id)?;
            let p = opts
                .registry
                .join("version_history")
                .join(format!("{id}-{tag}.xml"));
            if !p.is_file() {
                return Err(format!("no registry file {}", p.display()));
            }
            files.push(p);
        } else {
            let found = files_of(opts, parse_id(spec)?);
            if found.is_empty() {
                return Err(format!("no registry file for object {spec}"));
            }
            files.extend(found);
        }
    }
    let mut seen = std::collections::HashSet::new();
    files.retain(|p| seen.insert(p.clone()));
    Ok(files)
}

fn parse_id(s: &str) -> Result<u16, String> {
    s.trim()
        .parse()
        .map_err(|_| format!("not an object ID: {s:?}\n{USAGE}"))
}

fn files_of(opts: &Options, id: u16) -> Vec<PathBuf> {
    if opts.latest {
        let p = opts.registry.join(format!("{id}.xml"));
        return if p.is_file() { vec![p] } else { vec![] };
    }
    let prefix = format!("{id}-");
    let mut v: Vec<PathBuf> = std::fs::read_dir(opts.registry.join("version_history"))
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".xml"))
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Imports every resolved file. All descriptions are checked before anything is written.
pub fn import(opts: &Options) -> Result<Vec<PathBuf>, String> {
    let files = resolve(opts)?;
    let descriptions = Descriptions::load(&opts.descriptions)?;
    let mut outputs = Vec::new();
    let mut missing = Vec::new();
    let mut misfits = Vec::new();
    for f in &files {
        let obj = import_ddf::read_file(f)?;
        misfits.extend(value_misfits(&obj, &descriptions.values));
        let family = opts.family.clone().unwrap_or_else(|| family_of(&obj));
        let path = opts
            .out
            .join(family)
            .join(format!("{}-{}.xml", obj.id, obj.version_tag()));
        match render(&obj, &descriptions) {
            Ok(text) => outputs.push((path, text)),
            Err(m) => missing.extend(m),
        }
    }
    if !misfits.is_empty() {
        misfits.sort();
        misfits.dedup();
        return Err(format!(
            "{} value table(s) do not fit the definitions; nothing was written:\n  {}",
            misfits.len(),
            misfits.join("\n  ")
        ));
    }
    if !missing.is_empty() {
        missing.sort();
        missing.dedup();
        return Err(format!(
            "{} description(s) missing in {}; nothing was written:\n  {}",
            missing.len(),
            opts.descriptions.display(),
            missing.join("\n  ")
        ));
    }
    let mut stale = Vec::new();
    for (path, text) in &outputs {
        if opts.check {
            if std::fs::read_to_string(path).ok().as_deref() != Some(text.as_str()) {
                stale.push(path.display().to_string());
            }
        } else {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
            std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    if !stale.is_empty() {
        return Err(format!("out of date: {}", stale.join(", ")));
    }
    Ok(outputs.into_iter().map(|(p, _)| p).collect())
}

/// The folder an object goes to: `oma` (IDs 0..=1023), `ucifi` (its definition names the
/// uCIFI Alliance), `ipso` (IPSO Alliance range 3200..=3399), else the URN label (`ext`, `x`).
pub fn family_of(obj: &RegObject) -> String {
    if obj.id <= 1023 {
        "oma".into()
    } else if obj.names_ucifi {
        "ucifi".into()
    } else if (3200..=3399).contains(&obj.id) {
        "ipso".into()
    } else {
        obj.urn.split(':').nth(3).unwrap_or("ext").to_string()
    }
}

/// The value tables that name codes of a resource `obj` does not hold as an integer: one
/// message each (see [`ucifi_codegen::values`]).
pub fn value_misfits(obj: &RegObject, names: &ValueNames) -> Vec<String> {
    let version = obj
        .object_version
        .as_deref()
        .filter(|v| !v.is_empty())
        .unwrap_or("1.0");
    let parsed = version.parse().unwrap_or_default();
    let mut out = Vec::new();
    for it in &obj.items {
        let Some(table) = names.governing(obj.id, it.id) else {
            continue;
        };
        if !table.applies_to(parsed) {
            continue;
        }
        let data_type = if it.operations.contains('E') {
            "executable".to_string()
        } else if it.data_type.is_empty() {
            "without a type".to_string()
        } else if matches!(it.data_type.as_str(), "Integer" | "Unsigned Integer") {
            continue;
        } else {
            format!("a {}", it.data_type)
        };
        out.push(values::type_error(
            table,
            obj.id,
            version,
            &format!("{} ({})", it.id, it.name),
            &data_type,
        ));
    }
    out
}

/// The project's descriptions: one TOML file per object (`<ID>.toml` with `object = "..."`,
/// a `[resources]` table keyed by resource ID and `[values.<ResourceID>]` tables naming
/// codes) plus `common.toml` for reusable resources.
#[derive(Debug, Default)]
pub struct Descriptions {
    objects: BTreeMap<u16, String>,
    resources: BTreeMap<(u16, u16), String>,
    common: BTreeMap<u16, String>,
    /// The value tables (read and checked by `ucifi_codegen::values`).
    pub values: ValueNames,
}

impl Descriptions {
    /// Loads every `*.toml` of `dir`.
    pub fn load(dir: &Path) -> Result<Self, String> {
        let mut d = Descriptions::default();
        let rd = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in rd.flatten() {
            let path = entry.path();
            let Some(stem) = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".toml"))
            else {
                continue;
            };
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let table: toml::Table =
                toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            let at = |what: &str| format!("{}: {what}", path.display());
            let resources = match table.get("resources") {
                None => BTreeMap::new(),
                Some(toml::Value::Table(t)) => {
                    let mut m = BTreeMap::new();
                    for (k, v) in t {
                        let id: u16 = k.parse().map_err(|_| at(&format!("bad resource ID {k}")))?;
                        let s = v
                            .as_str()
                            .ok_or_else(|| at(&format!("resource {k} is not a string")))?;
                        m.insert(id, s.trim().to_string());
                    }
                    m
                }
                Some(_) => return Err(at("[resources] must be a table")),
            };
            for k in table.keys() {
                if k != "object" && k != "resources" && k != "values" {
                    return Err(at(&format!("unknown key {k}")));
                }
            }
            d.values
                .merge(ValueNames::parse(&path, &text).map_err(|e| e.to_string())?)
                .map_err(|e| e.to_string())?;
            if stem == "common" {
                if table.contains_key("object") {
                    return Err(at("common.toml has no object description"));
                }
                d.common = resources;
                continue;
            }
            let id: u16 = stem
                .parse()
                .map_err(|_| at("file name must be <ObjectID>.toml or common.toml"))?;
            if let Some(o) = table.get("object") {
                let s = o.as_str().ok_or_else(|| at("object is not a string"))?;
                d.objects.insert(id, s.trim().to_string());
            }
            for (rid, s) in resources {
                d.resources.insert((id, rid), s);
            }
        }
        Ok(d)
    }

    /// Our description of an object.
    pub fn object(&self, id: u16) -> Option<&str> {
        self.objects
            .get(&id)
            .map(String::as_str)
            .filter(|s| !s.is_empty())
    }

    /// Our description of a resource: the object's own, else the common one.
    pub fn resource(&self, object: u16, resource: u16) -> Option<&str> {
        self.resources
            .get(&(object, resource))
            .or_else(|| self.common.get(&resource))
            .map(String::as_str)
            .filter(|s| !s.is_empty())
    }
}

/// Renders one model file, or lists the descriptions that are missing.
pub fn render(obj: &RegObject, d: &Descriptions) -> Result<String, Vec<String>> {
    let mut missing = Vec::new();
    let object_desc = d.object(obj.id).unwrap_or_else(|| {
        missing.push(format!("{}.toml: object = \"...\" ({})", obj.id, obj.name));
        ""
    });
    let mut s = String::new();
    let schema = if obj.schema_location.is_empty() {
        "http://www.openmobilealliance.org/tech/profiles/LWM2M.xsd"
    } else {
        &obj.schema_location
    };
    s.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    s.push_str(HEADER);
    s.push('\n');
    let _ = writeln!(
        s,
        "<LWM2M xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:noNamespaceSchemaLocation=\"{}\">",
        escape_attr(schema)
    );
    s.push_str("  <Object ObjectType=\"MODefinition\">\n");
    elem(&mut s, 4, "Name", &obj.name);
    elem(&mut s, 4, "Description1", object_desc);
    elem(&mut s, 4, "ObjectID", &obj.id.to_string());
    elem(&mut s, 4, "ObjectURN", &obj.urn);
    if let Some(v) = &obj.lwm2m_version {
        elem(&mut s, 4, "LWM2MVersion", v);
    }
    if let Some(v) = &obj.object_version {
        elem(&mut s, 4, "ObjectVersion", v);
    }
    elem(&mut s, 4, "MultipleInstances", &obj.multiple_instances);
    elem(&mut s, 4, "Mandatory", &obj.mandatory);
    s.push_str("    <Resources>\n");
    for it in &obj.items {
        let desc = d.resource(obj.id, it.id).unwrap_or_else(|| {
            missing.push(format!(
                "{}.toml: [resources] {} ({})",
                obj.id, it.id, it.name
            ));
            ""
        });
        let _ = writeln!(s, "      <Item ID=\"{}\">", it.id);
        elem(&mut s, 8, "Name", &it.name);
        elem(&mut s, 8, "Operations", &it.operations);
        elem(&mut s, 8, "MultipleInstances", &it.multiple_instances);
        elem(&mut s, 8, "Mandatory", &it.mandatory);
        elem(&mut s, 8, "Type", &it.data_type);
        elem(&mut s, 8, "RangeEnumeration", &it.range);
        elem(&mut s, 8, "Units", &it.units);
        elem(&mut s, 8, "Description", desc);
        s.push_str("      </Item>\n");
    }
    s.push_str("    </Resources>\n");
    elem(&mut s, 4, "Description2", "");
    s.push_str("  </Object>\n</LWM2M>\n");
    if missing.is_empty() {
        Ok(s)
    } else {
        Err(missing)
    }
}

fn elem(s: &mut String, indent: usize, name: &str, text: &str) {
    let _ = writeln!(s, "{:indent$}<{name}>{}</{name}>", "", escape(text));
}

/// Escapes text for XML element content (`&`, `<`, `>`).
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Escapes text for a double-quoted XML attribute.
pub fn escape_attr(text: &str) -> String {
    escape(text).replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    const REGISTRY_PROSE: &str = "Registry prose that must never reach the models folder";

    fn fixture(name: &str) -> (PathBuf, Options) {
        let dir = std::env::temp_dir().join(format!("ucifi-import-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let reg = dir.join("registry");
        std::fs::create_dir_all(reg.join("version_history")).unwrap();
        let file = |ver: &str, extra: &str| {
            format!(
                "<?xml version=\"1.0\"?><!-- licence text --><LWM2M xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
                 xsi:noNamespaceSchemaLocation=\"http://www.openmobilealliance.org/tech/profiles/LWM2M-v1_1.xsd\">\
                 <Object ObjectType=\"MODefinition\"><Name>Widget</Name><Description1>{REGISTRY_PROSE} (uCIFI).</Description1>\
                 <ObjectID>3999</ObjectID><ObjectURN>urn:oma:lwm2m:ext:3999{}</ObjectURN><LWM2MVersion>1.1</LWM2MVersion>\
                 <ObjectVersion>{ver}</ObjectVersion><MultipleInstances>Multiple</MultipleInstances><Mandatory>Optional</Mandatory>\
                 <Resources><Item ID=\"1\"><Name>Level &lt;raw&gt; </Name><Type>Integer</Type><Operations>RW</Operations>\
                 <MultipleInstances>Single</MultipleInstances><Mandatory>Mandatory</Mandatory><Units>/100</Units>\
                 <Description>{REGISTRY_PROSE}.</Description></Item>\
                 <Item ID=\"5518\"><Name>Timestamp</Name><Operations>R</Operations><MultipleInstances>Single</MultipleInstances>\
                 <Mandatory>Optional</Mandatory><Type>Time</Type><RangeEnumeration></RangeEnumeration><Units></Units>\
                 <Description>{REGISTRY_PROSE}.</Description></Item>{extra}</Resources><Description2></Description2></Object></LWM2M>",
                if ver == "1.0" {
                    String::new()
                } else {
                    format!(":{ver}")
                }
            )
        };
        std::fs::write(reg.join("version_history/3999-1_0.xml"), file("1.0", "")).unwrap();
        let v2 = file(
            "2.0",
            "<Item ID=\"2\"><Name>Reset</Name><Operations>E</Operations><MultipleInstances>Single</MultipleInstances>\
             <Mandatory>Optional</Mandatory><Type></Type><RangeEnumeration></RangeEnumeration><Units></Units>\
             <Description>x</Description></Item>",
        );
        std::fs::write(reg.join("version_history/3999-2_0.xml"), &v2).unwrap();
        std::fs::write(reg.join("3999.xml"), &v2).unwrap();
        let desc = dir.join("descriptions");
        std::fs::create_dir_all(&desc).unwrap();
        std::fs::write(
            desc.join("3999.toml"),
            "object = \"Our widget & its \\\"level\\\".\"\n[resources]\n1 = \"Level in percent, 0..100.\"\n",
        )
        .unwrap();
        std::fs::write(
            desc.join("common.toml"),
            "[resources]\n5518 = \"When the value was measured.\"\n",
        )
        .unwrap();
        let opts = Options {
            registry: reg,
            out: dir.join("models"),
            descriptions: desc,
            specs: vec!["3999".into()],
            ..Options::default()
        };
        (dir, opts)
    }

    #[test]
    fn missing_description_fails_and_writes_nothing() {
        let (dir, opts) = fixture("missing");
        let err = import(&opts).unwrap_err();
        assert!(err.contains("3999.toml: [resources] 2 (Reset)"), "{err}");
        assert!(!opts.out.exists());
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn imports_every_version_with_our_descriptions_only() {
        let (dir, opts) = fixture("ok");
        let mut toml = std::fs::read_to_string(opts.descriptions.join("3999.toml")).unwrap();
        toml.push_str("2 = \"Execute to restart the widget.\"\n");
        std::fs::write(opts.descriptions.join("3999.toml"), toml).unwrap();
        let written = import(&opts).unwrap();
        assert_eq!(
            written,
            vec![
                opts.out.join("ucifi/3999-1_0.xml"),
                opts.out.join("ucifi/3999-2_0.xml")
            ]
        );
        let v2 = std::fs::read_to_string(&written[1]).unwrap();
        assert!(!v2.contains("Registry prose"));
        assert!(!v2.contains("licence"));
        assert!(v2.contains(HEADER));
        assert!(v2.contains("<Description1>Our widget &amp; its \"level\".</Description1>"));
        assert!(v2.contains("<Name>Level &lt;raw&gt;</Name>"));
        assert!(v2.contains("<ObjectURN>urn:oma:lwm2m:ext:3999:2.0</ObjectURN>"));
        assert!(v2.contains("<Description>When the value was measured.</Description>"));
        assert!(v2.contains("<Units>/100</Units>"));
        // The written file reads back to the same facts.
        let back = import_ddf::read_file(&written[1]).unwrap();
        let orig = import_ddf::read_file(&opts.registry.join("3999.xml")).unwrap();
        assert_eq!(
            RegObject {
                names_ucifi: false,
                ..back
            },
            RegObject {
                names_ucifi: false,
                ..orig
            }
        );
        // --check passes right after writing, and fails once a file changed.
        let check = Options {
            check: true,
            registry: opts.registry.clone(),
            out: opts.out.clone(),
            descriptions: opts.descriptions.clone(),
            specs: vec!["3999-2_0".into()],
            ..Options::default()
        };
        import(&check).unwrap();
        std::fs::write(&written[1], "changed").unwrap();
        assert!(import(&check).unwrap_err().contains("out of date"));
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn value_tables_are_accepted_and_checked() {
        let (dir, opts) = fixture("values");
        let base = std::fs::read_to_string(opts.descriptions.join("3999.toml")).unwrap()
            + "2 = \"Execute to restart the widget.\"\n";
        let write = |extra: &str| {
            std::fs::write(
                opts.descriptions.join("3999.toml"),
                format!("{base}{extra}"),
            )
            .unwrap()
        };
        // Value names are read, but the model files hold only facts and descriptions.
        write("\n[values.1] # Level\n0 = { name = \"Off\", doc = \"Nothing.\" }\n");
        let written = import(&opts).unwrap();
        let v2 = std::fs::read_to_string(&written[1]).unwrap();
        assert!(!v2.contains("Off") && !v2.contains("Nothing."));
        // Unknown keys, at the top or in a value, fail.
        write("\n[value.1]\n0 = { name = \"Off\", doc = \"Nothing.\" }\n");
        assert!(import(&opts).unwrap_err().contains("unknown key value"));
        write("\n[values.1]\n0 = { name = \"Off\", doc = \"Nothing.\", unit = \"V\" }\n");
        let err = import(&opts).unwrap_err();
        assert!(
            err.contains("3999.toml: [values.1]: code 0: unknown key `unit`"),
            "{err}"
        );
        // A table on a resource that holds no integer fails, naming object, resource and
        // version, and nothing is written.
        let _ = std::fs::remove_dir_all(&opts.out);
        write("\n[values.5518]\n0 = { name = \"Epoch\", doc = \"The start of 1970.\" }\n");
        let err = import(&opts).unwrap_err();
        assert!(
            err.contains("2 value table(s) do not fit the definitions; nothing was written"),
            "{err}"
        );
        assert!(
            err.contains(
                "3999.toml: [values.5518]: resource 5518 (Timestamp) of object 3999 version 2.0 is a Time; value names need an Integer or Unsigned Integer resource"
            ),
            "{err}"
        );
        assert!(err.contains("object 3999 version 1.0 is a Time"), "{err}");
        assert!(!opts.out.exists());
        // So does a table on an executable resource.
        write("\n[values.2]\n0 = { name = \"Now\", doc = \"At once.\" }\n");
        let err = import(&opts).unwrap_err();
        assert!(
            err.contains("resource 2 (Reset) of object 3999 version 2.0 is executable"),
            "{err}"
        );
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn latest_and_ranges_resolve() {
        let (dir, mut opts) = fixture("resolve");
        opts.latest = true;
        assert_eq!(
            resolve(&opts).unwrap(),
            vec![opts.registry.join("3999.xml")]
        );
        opts.latest = false;
        opts.specs = vec!["3990..3999".into(), "3999-1_0".into()];
        assert_eq!(resolve(&opts).unwrap().len(), 2);
        opts.specs = vec!["3998".into()];
        assert!(resolve(&opts).is_err());
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn families() {
        let mut o = RegObject {
            id: 3,
            urn: "urn:oma:lwm2m:oma:3".into(),
            ..RegObject::default()
        };
        assert_eq!(family_of(&o), "oma");
        o.id = 3303;
        assert_eq!(family_of(&o), "ipso");
        o.id = 3416;
        o.names_ucifi = true;
        assert_eq!(family_of(&o), "ucifi");
        o.id = 10250;
        o.names_ucifi = false;
        o.urn = "urn:oma:lwm2m:x:10250".into();
        assert_eq!(family_of(&o), "x");
    }

    #[test]
    fn escapes() {
        assert_eq!(escape("a<b>&\"'"), "a&lt;b&gt;&amp;\"'");
        assert_eq!(escape_attr("a&\""), "a&amp;&quot;");
    }
}
