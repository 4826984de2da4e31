//! Every file in `tests/fixtures/malformed/` has exactly one defect; this table pins the
//! diagnostic (code, line, column) each one must produce.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use ucifi_codegen::diagnostics::{CODES, Severity, severity_of};
use ucifi_codegen::load::{FileKind, load_file, load_paths};

const EXPECTED: &[(&str, &str, u32, u32)] = &[
    ("malformed-mismatched-end-tag.xml", "malformed-xml", 14, 20),
    ("malformed-unclosed-element.xml", "malformed-xml", 13, 7),
    ("malformed-undefined-entity.xml", "malformed-xml", 21, 33),
    ("malformed-unquoted-attribute.xml", "malformed-xml", 13, 13),
    ("doctype-entity-expansion.xml", "doctype-refused", 2, 1),
    ("too-deep.xml", "too-deep", 21, 103),
    ("missing-object-urn.xml", "missing-element", 3, 3),
    ("missing-item-type.xml", "missing-element", 13, 7),
    ("no-object.xml", "missing-element", 2, 1),
    ("item-without-id.xml", "missing-attribute", 13, 7),
    ("missing-object-type.xml", "missing-attribute", 3, 3),
    ("object-id-not-numeric.xml", "invalid-id", 6, 5),
    ("resource-id-out-of-range.xml", "invalid-id", 13, 13),
    ("duplicate-resource-id.xml", "duplicate-resource-id", 23, 13),
    ("unknown-type.xml", "unknown-type", 18, 9),
    ("crlf-unknown-type.xml", "unknown-type", 18, 9),
    ("unknown-operations.xml", "unknown-operations", 15, 9),
    (
        "invalid-multiple-instances.xml",
        "invalid-multiple-instances",
        16,
        9,
    ),
    ("invalid-mandatory.xml", "invalid-mandatory", 11, 5),
    ("invalid-object-version.xml", "invalid-version", 9, 5),
    ("invalid-urn.xml", "invalid-urn", 7, 5),
    ("urn-id-mismatch.xml", "urn-id-mismatch", 7, 5),
    ("duplicate-element.xml", "duplicate-element", 20, 28),
    ("unknown-root.xml", "unknown-root", 2, 1),
    ("bom-unknown-root.xml", "unknown-root", 1, 1),
    ("invalid-utf8.xml", "invalid-utf8", 4, 19),
    ("unknown-object-type.xml", "unknown-object-type", 3, 11),
    ("common-invalid-ts-link.xml", "invalid-ts-link", 14, 9),
    // warnings
    ("missing-lwm2m-version.xml", "missing-lwm2m-version", 3, 3),
    ("empty-lwm2m-version.xml", "missing-lwm2m-version", 8, 5),
    ("urn-version-mismatch.xml", "urn-version-mismatch", 7, 5),
    ("urn-label-mismatch.xml", "urn-label-mismatch", 7, 5),
    (
        "duplicate-resource-name.xml",
        "duplicate-resource-name",
        24,
        9,
    ),
    ("executable-with-type.xml", "executable-with-type", 28, 9),
    ("readable-without-type.xml", "readable-without-type", 18, 9),
    ("range-not-understood.xml", "range-not-understood", 19, 9),
    ("reversed-range.xml", "range-not-understood", 19, 9),
    ("unknown-element.xml", "unknown-element", 20, 9),
    ("no-resources.xml", "no-resources", 12, 5),
    ("empty-name.xml", "empty-name", 24, 9),
];

fn dir() -> PathBuf {
    ucifi_tests::repo_root().join("tests/fixtures/malformed")
}

#[test]
fn each_fixture_gives_exactly_its_diagnostic() {
    let mut failures = Vec::new();
    for (name, code, line, column) in EXPECTED {
        let f = load_file(&dir().join(name));
        let got: Vec<(&str, u32, u32)> = f
            .diagnostics
            .iter()
            .map(|d| (d.code, d.line, d.column))
            .collect();
        if got != [(*code, *line, *column)] {
            failures.push(format!(
                "{name}: expected [({code}, {line}, {column})], got {got:?}"
            ));
            continue;
        }
        let d = &f.diagnostics[0];
        assert_eq!(Some(d.severity), severity_of(code), "{name}");
        assert_eq!(d.file, dir().join(name));
        assert!(!d.message.is_empty());
        // Objects with an error are not returned; warnings drop nothing.
        if d.severity == Severity::Warning {
            let returned = f.objects.len() + f.common.len();
            assert!(returned >= 1, "{name}: a warning dropped the definition");
        } else {
            assert!(
                f.objects.is_empty(),
                "{name}: object with an error returned"
            );
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn table_covers_every_fixture_and_every_file_level_code() {
    let on_disk: BTreeSet<String> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let in_table: BTreeSet<String> = EXPECTED.iter().map(|e| e.0.to_string()).collect();
    assert_eq!(on_disk, in_table);
    let covered: BTreeSet<&str> = EXPECTED.iter().map(|e| e.1).collect();
    // Codes that need a missing file, a huge file or two files are tested elsewhere.
    let elsewhere = [
        "io-error",
        "file-too-large",
        "version-conflict",
        "skipped-entry",
    ];
    for (code, _) in CODES {
        assert!(
            covered.contains(code) || elsewhere.contains(code),
            "no fixture for {code}"
        );
    }
}

#[test]
fn the_folder_as_a_whole() {
    let loaded = load_paths(&[dir()]);
    let errors = EXPECTED
        .iter()
        .filter(|e| severity_of(e.1) == Some(Severity::Error))
        .count();
    let warnings = EXPECTED.len() - errors;
    // Every warning fixture is a usable definition of object 32001 version 1.0, each with
    // different facts: the first in path order is kept and each other copy is a conflict.
    let conflicts = warnings - 1;
    assert_eq!(loaded.counts.files, EXPECTED.len());
    assert_eq!(loaded.counts.errors, errors + conflicts);
    assert_eq!(loaded.counts.warnings, warnings);
    assert_eq!(loaded.counts.objects, warnings);
    let conflict_lines: Vec<_> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.code == "version-conflict")
        .collect();
    assert_eq!(conflict_lines.len(), conflicts);
    let first = dir().join("duplicate-resource-name.xml");
    assert!(
        conflict_lines[0]
            .message
            .contains(&format!("also defined in {}:3:3", first.display())),
        "{}",
        conflict_lines[0]
    );
    // Per-file diagnostics come in path order, conflicts after them.
    let files: Vec<&Path> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.code != "version-conflict")
        .map(|d| d.file.as_path())
        .collect();
    let mut sorted = files.clone();
    sorted.sort();
    assert_eq!(files, sorted);
    let kinds = |name: &str| {
        loaded
            .files
            .iter()
            .find(|f| f.path.ends_with(name))
            .map(|f| f.kind)
    };
    assert_eq!(kinds("unknown-root.xml"), Some(FileKind::Invalid));
    assert_eq!(kinds("common-invalid-ts-link.xml"), Some(FileKind::Common));
    assert_eq!(kinds("no-resources.xml"), Some(FileKind::Objects));
}

#[test]
fn missing_path_is_an_io_error() {
    let loaded = load_paths(&[dir().join("does-not-exist.xml")]);
    let got: Vec<(&str, u32, u32)> = loaded
        .diagnostics
        .iter()
        .map(|d| (d.code, d.line, d.column))
        .collect();
    assert_eq!(got, [("io-error", 1, 1)]);
    assert_eq!(
        loaded.summary_line(),
        "1 files, 0 objects, 0 resources: 1 errors, 0 warnings"
    );
}

#[test]
fn endless_input_is_bounded() {
    // A character device reports length 0 and never ends.
    let zero = Path::new("/dev/zero");
    if !zero.exists() {
        return;
    }
    let f = load_file(zero);
    let got: Vec<&str> = f.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(got, ["file-too-large"]);
}

#[cfg(unix)]
#[test]
fn symlinked_folders_are_not_followed() {
    let root = std::env::temp_dir().join(format!("ucifi-symlink-loop-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    std::fs::copy(dir().join("executable-with-type.xml"), root.join("a.xml")).unwrap();
    std::os::unix::fs::symlink(&root, root.join("loop")).unwrap();
    std::os::unix::fs::symlink(root.join("a.xml"), root.join("b.xml")).unwrap();
    let loaded = load_paths(std::slice::from_ref(&root));
    let _ = std::fs::remove_dir_all(&root);
    // a.xml and the file symlink b.xml; the folder symlink is skipped with a warning.
    assert_eq!(loaded.counts.files, 2);
    assert_eq!(loaded.counts.errors, 0);
    let codes: Vec<_> = loaded.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(
        codes,
        [
            "skipped-entry",
            "executable-with-type",
            "executable-with-type"
        ]
    );
    assert_eq!(loaded.diagnostics[0].file, root.join("loop"));
}
