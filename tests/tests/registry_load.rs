//! Reads the whole real OMA registry and checks facts of the IR and the lint result.
//! Skipped (passes with a note) when the registry is absent.

use std::path::{Path, PathBuf};

use ucifi_codegen::diagnostics::Diagnostic;
use ucifi_codegen::ir::{DataType, EnumEntry, ObjectDef, Operations, Range, Version};
use ucifi_codegen::load::{FileKind, Loaded, dedup_versions, load_paths};

fn load(what: &str) -> Option<(PathBuf, Loaded)> {
    let dir = ucifi_tests::registry_dir(what)?;
    let loaded = load_paths(std::slice::from_ref(&dir));
    Some((dir, loaded))
}

fn object<'a>(loaded: &'a Loaded, root: &Path, file: &str) -> &'a ObjectDef {
    loaded
        .objects
        .iter()
        .find(|o| o.location.file == root.join(file))
        .unwrap_or_else(|| panic!("no object from {file}"))
}

fn diags(loaded: &Loaded, root: &Path, code: &str) -> Vec<String> {
    loaded
        .diagnostics
        .iter()
        .filter(|d| d.code == code)
        .map(|d: &Diagnostic| {
            let d = d.relative_to(root);
            format!("{}:{}:{}", d.file.display(), d.line, d.column)
        })
        .collect()
}

#[test]
fn whole_registry_counts() {
    let Some((root, loaded)) = load("registry counts") else {
        return;
    };
    assert_eq!(
        loaded.summary_line(),
        "754 files, 751 objects, 7970 resources: 0 errors, 122 warnings"
    );
    assert_eq!(loaded.counts.common_resources, 177);
    let kind = |name: &str| {
        loaded
            .files
            .iter()
            .find(|f| f.path == root.join(name))
            .map(|f| f.kind)
    };
    assert_eq!(kind("DDF.xml"), Some(FileKind::Index));
    assert_eq!(kind("LWM2M_senml_units.xml"), Some(FileKind::Units));
    assert_eq!(kind("Common.xml"), Some(FileKind::Common));
    assert_eq!(kind("3412.xml"), Some(FileKind::Objects));
    let objects = loaded
        .files
        .iter()
        .filter(|f| f.kind == FileKind::Objects)
        .count();
    assert_eq!(objects, 751);
    let mut codes = std::collections::BTreeMap::new();
    for d in &loaded.diagnostics {
        *codes.entry(d.code).or_insert(0) += 1;
    }
    assert_eq!(
        codes.into_iter().collect::<Vec<_>>(),
        [
            ("duplicate-resource-name", 26),
            ("executable-with-type", 1),
            ("missing-lwm2m-version", 6),
            ("range-not-understood", 87),
            ("readable-without-type", 2),
        ]
    );
}

#[test]
fn named_registry_defects() {
    let Some((root, loaded)) = load("registry defects") else {
        return;
    };
    assert_eq!(
        diags(&loaded, &root, "executable-with-type"),
        ["version_history/10260-1_0.xml:86:9"]
    );
    assert_eq!(
        diags(&loaded, &root, "readable-without-type"),
        ["10482.xml:101:5", "version_history/10482-1_0.xml:101:5"]
    );
    assert_eq!(
        diags(&loaded, &root, "missing-lwm2m-version"),
        [
            "version_history/0-1_0.xml:64:3",
            "version_history/1-1_0.xml:64:3",
            "version_history/12-1_0.xml:71:3",
            "version_history/15-1_0.xml:66:2",
            "version_history/3-1_0.xml:62:2",
            "version_history/4-1_1.xml:62:2",
        ]
    );
    let dup = diags(&loaded, &root, "duplicate-resource-name");
    assert!(dup.contains(&"3392.xml:186:5".to_string()), "{dup:?}");
    assert!(
        dup.contains(&"version_history/12-1_0.xml:508:18".to_string()),
        "{dup:?}"
    );
    let msg = loaded
        .diagnostics
        .iter()
        .find(|d| d.code == "executable-with-type")
        .map(|d| d.message.clone());
    assert_eq!(
        msg.as_deref(),
        Some("<Item ID=\"3\"> is executable (E) but has Type String; the Type is ignored")
    );
}

#[test]
fn ir_facts_on_a_sample() {
    let Some((root, loaded)) = load("registry IR facts") else {
        return;
    };
    let lpwan = object(&loaded, &root, "3412.xml");
    assert_eq!(lpwan.id, 3412);
    assert_eq!(lpwan.name, "LPWAN Communication");
    assert_eq!(lpwan.urn, "urn:oma:lwm2m:ext:3412");
    assert_eq!(lpwan.resources.len(), 24);
    assert!(lpwan.multiple && !lpwan.mandatory);
    let r6 = lpwan.resources.iter().find(|r| r.id == 6).unwrap();
    assert_eq!(r6.name, "MAC address");
    assert_eq!(r6.operations, Operations::RW);
    assert!(!r6.multiple && r6.mandatory);
    assert_eq!(r6.data_type, DataType::String);
    assert_eq!(r6.range, Range::None);
    assert!(r6.reusable.is_none());
    assert_eq!((r6.location.line, r6.location.column), (95, 4));

    let device = object(&loaded, &root, "3.xml");
    assert_eq!(device.name, "Device");
    assert_eq!(
        (device.version, device.lwm2m_version),
        (Version::V1_2, Version::V1_1)
    );
    assert!(device.version_given && device.lwm2m_version_given);
    assert!(!device.multiple && device.mandatory);
    assert_eq!(device.resources.len(), 23);

    // Empty <LWM2MVersion /> and <ObjectVersion /> mean 1.0, not given.
    let wlan = object(&loaded, &root, "version_history/12-1_0.xml");
    assert_eq!((wlan.version, wlan.version_given), (Version::V1_0, false));
    assert_eq!(
        (wlan.lwm2m_version, wlan.lwm2m_version_given),
        (Version::V1_0, false)
    );

    // The executable with a Type is normalised to no type.
    let e = object(&loaded, &root, "version_history/10260-1_0.xml");
    let unset = e.resources.iter().find(|r| r.id == 3).unwrap();
    assert!(unset.is_executable());
    assert_eq!(unset.data_type, DataType::None);

    // Ranges.
    let lum = object(&loaded, &root, "3396.xml");
    let range = |o: &ObjectDef, id: u16| {
        o.resources
            .iter()
            .find(|r| r.id == id)
            .unwrap()
            .range
            .clone()
    };
    assert_eq!(
        range(lum, 103),
        Range::Float {
            min: 0.000001,
            max: 1.0
        }
    );
    assert_eq!(
        range(lum, 110),
        Range::Enumeration(vec![
            EnumEntry {
                value: 0,
                label: "CONFIGURED_ON".into()
            },
            EnumEntry {
                value: 1,
                label: "FULL_ON".into()
            },
            EnumEntry {
                value: 2,
                label: "RECALL".into()
            },
        ])
    );
    assert_eq!(range(lum, 908), Range::Length { min: 1, max: 64 });
    let wifi = object(&loaded, &root, "19.xml");
    assert_eq!(range(wifi, 3), Range::Length { min: 32, max: 32 });

    // Common.xml: reusable resources with Submitter/TS/TSLink, no multiplicity.
    assert_eq!(loaded.common.len(), 177);
    let first = &loaded.common[0];
    assert_eq!(
        (first.id, first.name.as_str()),
        (4000, "ObjectInstanceHandle")
    );
    assert_eq!(first.data_type, DataType::Objlnk);
    let reusable = first.reusable.as_ref().unwrap();
    assert_eq!(reusable.submitter, "OMA");
    let ids: Vec<u16> = loaded.common.iter().map(|r| r.id).collect();
    assert_eq!(
        (ids.iter().min(), ids.iter().max()),
        (Some(&4000), Some(&6057))
    );
    assert_eq!(
        loaded
            .common
            .iter()
            .filter(|r| r.reusable.as_ref().is_some_and(|x| x.ts_link))
            .count(),
        8
    );
}

#[test]
fn quirks_are_accepted() {
    let Some((root, loaded)) = load("registry quirks") else {
        return;
    };
    // Files with a BOM parse, and their line-1 positions do not count it.
    let mut bom_files = 0;
    for f in &loaded.files {
        let bytes = std::fs::read(&f.path).unwrap();
        if bytes.starts_with(b"\xEF\xBB\xBF") {
            bom_files += 1;
            assert_eq!(f.errors, 0, "{}", f.path.display());
        }
    }
    assert_eq!(bom_files, 44);
    // Empty Operations (Security object) are read as no operation.
    let security = object(&loaded, &root, "0.xml");
    assert!(security.resources.iter().all(|r| r.operations.is_none()));
    // Out-of-order uCIFI items without RangeEnumeration.
    let ucifi = object(&loaded, &root, "3412.xml");
    assert!(ucifi.resources.iter().all(|r| r.range_text.is_empty()));
}

#[test]
fn dedup_gives_424_versions() {
    let Some((_, loaded)) = load("registry dedup") else {
        return;
    };
    let distinct = dedup_versions(loaded.objects.clone()).expect("no conflicts");
    assert_eq!(distinct.len(), 424);
    let ids: std::collections::BTreeSet<u16> = distinct.iter().map(|o| o.id).collect();
    assert_eq!(ids.len(), 327);
    // Sorted by (id, version), unique.
    for w in distinct.windows(2) {
        assert!((w[0].id, w[0].version) < (w[1].id, w[1].version));
    }
    let device: Vec<String> = distinct
        .iter()
        .filter(|o| o.id == 3)
        .map(|o| o.version.to_string())
        .collect();
    assert_eq!(device, ["1.0", "1.1", "1.2"]);
}

#[test]
fn a_conflicting_copy_names_both_files() {
    let Some((root, loaded)) = load("registry conflict") else {
        return;
    };
    let mut objects = loaded.objects.clone();
    let mut copy = object(&loaded, &root, "3412.xml").clone();
    copy.location.file = PathBuf::from("elsewhere/3412.xml");
    copy.resources[6].data_type = DataType::Integer;
    objects.push(copy);
    let errs = dedup_versions(objects).unwrap_err();
    assert_eq!(errs.len(), 1);
    let e = &errs[0];
    assert_eq!(e.code, "version-conflict");
    assert!(e.to_string().starts_with("elsewhere/3412.xml:"), "{e}");
    let first = root.join("3412.xml").display().to_string();
    assert!(e.message.contains(&first), "{e}");
    assert!(e.message.contains("data_type"), "{e}");
}

#[test]
fn version_history_alone_has_every_version_once() {
    let Some(dir) = ucifi_tests::registry_dir("registry version_history") else {
        return;
    };
    let history = dir.join("version_history");
    // The folder given twice and one of its files given again: each file is read once.
    let loaded = load_paths(&[history.clone(), history.clone(), history.join("3-1_0.xml")]);
    assert_eq!(loaded.counts.files, 424);
    assert_eq!(loaded.counts.objects, 424);
    assert_eq!(loaded.counts.errors, 0);
    let distinct = dedup_versions(loaded.objects).expect("no conflicts");
    assert_eq!(distinct.len(), 424);
    let ids: std::collections::BTreeSet<u16> = distinct.iter().map(|o| o.id).collect();
    assert_eq!(ids.len(), 327);
    // The file name version always equals ObjectVersion.
    for o in &distinct {
        let name = o
            .location
            .file
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let want = format!("{}-{}_{}.xml", o.id, o.version.major, o.version.minor);
        assert_eq!(name, want);
    }
}
