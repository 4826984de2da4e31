//! No input makes the reader panic or hang: random bytes, and registry (or fixture) files
//! mutated by truncation, byte flips, insertions, deletions and duplications.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use ucifi_codegen::load::parse_ddf;

/// Seed documents: a sample of registry files when present, else the fixtures.
fn seeds() -> Vec<Vec<u8>> {
    let mut files: Vec<PathBuf> = Vec::new();
    if let Some(dir) = ucifi_tests::registry_dir("registry seeds for the fuzz test") {
        for name in [
            "3412.xml",
            "Common.xml",
            "3.xml",
            "version_history/12-1_0.xml",
            "10329.xml",
        ] {
            files.push(dir.join(name));
        }
    }
    let fixtures = ucifi_tests::repo_root().join("tests/fixtures/malformed");
    for name in [
        "unknown-type.xml",
        "bom-unknown-root.xml",
        "common-invalid-ts-link.xml",
    ] {
        files.push(fixtures.join(name));
    }
    files.iter().filter_map(|f| std::fs::read(f).ok()).collect()
}

fn check(bytes: &[u8]) {
    let f = parse_ddf(Path::new("fuzz.xml"), bytes);
    let lines = bytes.iter().filter(|&&b| b == b'\n' || b == b'\r').count() as u32 + 1;
    for d in &f.diagnostics {
        assert!(d.line >= 1 && d.column >= 1, "{d}");
        assert!(d.line <= lines, "{d} beyond {lines} lines");
        assert!(!d.message.is_empty());
    }
}

#[derive(Clone, Debug)]
enum Mutation {
    Truncate(usize),
    Flip(usize, u8),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Duplicate(usize, usize),
}

fn apply(mut doc: Vec<u8>, m: &Mutation) -> Vec<u8> {
    let n = doc.len().max(1);
    match m {
        Mutation::Truncate(at) => doc.truncate(at % n),
        Mutation::Flip(at, x) => {
            if let Some(b) = doc.get_mut(at % n) {
                *b ^= x | 1;
            }
        }
        Mutation::Insert(at, bytes) => {
            let at = (at % n).min(doc.len());
            doc.splice(at..at, bytes.iter().copied());
        }
        Mutation::Delete(at, len) => {
            let at = (at % n).min(doc.len());
            let end = (at + len % 512).min(doc.len());
            doc.drain(at..end);
        }
        Mutation::Duplicate(at, len) => {
            let at = (at % n).min(doc.len());
            let end = (at + len % 2048).min(doc.len());
            let chunk = doc[at..end].to_vec();
            doc.splice(at..at, chunk);
        }
    }
    doc
}

fn xmlish() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..16),
        Just(b"<".to_vec()),
        Just(b"</Item>".to_vec()),
        Just(b"<![CDATA[".to_vec()),
        Just(b"&amp;".to_vec()),
        Just(b"&#x0;".to_vec()),
        Just(b"&bogus;".to_vec()),
        Just(b"<!DOCTYPE x>".to_vec()),
        Just(b"\xEF\xBB\xBF".to_vec()),
        Just(b"<Item ID=\"99999\">".to_vec()),
        Just("<a>".repeat(40).into_bytes()),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), any::<u8>()).prop_map(|(a, x)| Mutation::Flip(a, x)),
        (any::<usize>(), xmlish()).prop_map(|(a, b)| Mutation::Insert(a, b)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, l)| Mutation::Delete(a, l)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, l)| Mutation::Duplicate(a, l)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        check(&bytes);
    }

    #[test]
    fn random_xmlish_never_panics(parts in proptest::collection::vec(xmlish(), 0..32)) {
        check(&parts.concat());
    }

    #[test]
    fn mutated_documents_never_panic(
        seed in any::<prop::sample::Index>(),
        mutations in proptest::collection::vec(mutation(), 1..6),
    ) {
        let seeds = seeds();
        prop_assume!(!seeds.is_empty());
        let mut doc = seeds[seed.index(seeds.len())].clone();
        for m in &mutations {
            doc = apply(doc, m);
        }
        check(&doc);
    }
}

#[test]
fn huge_nesting_and_entity_bombs_are_bounded() {
    let deep = "<a>".repeat(100_000);
    let f = parse_ddf(Path::new("deep.xml"), deep.as_bytes());
    assert_eq!(f.diagnostics.len(), 1);
    assert_eq!(f.diagnostics[0].code, "too-deep");
    let mut bomb = String::from("<!DOCTYPE LWM2M [<!ENTITY a \"x\">");
    for i in 1..30 {
        bomb.push_str(&format!("<!ENTITY a{i} \"&a{};&a{};\">", i - 1, i - 1));
    }
    bomb.push_str("]><LWM2M>&a29;</LWM2M>");
    let f = parse_ddf(Path::new("bomb.xml"), bomb.as_bytes());
    assert_eq!(f.diagnostics[0].code, "doctype-refused");
    let big = vec![b' '; 16 * 1024 * 1024 + 1];
    let f = parse_ddf(Path::new("big.xml"), &big);
    assert_eq!(f.diagnostics[0].code, "file-too-large");
}
