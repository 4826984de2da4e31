//! `Reader::read_instance` of the SenML JSON and SenML CBOR readers (records straight into
//! the sink) against the reference behaviour `codec::read_instance_events` (events through
//! `next_event`): the same result, the same error (offset and reason) and the same
//! `set` / `clear_multiple` calls in the same order, on the spec's worked examples, the
//! reference payloads, hand-made hostile payloads and random and mutated ones, for
//! instance, resource and resource-instance scopes (and the scopes that fall back).

mod common;

use common::recorder::*;
use common::*;
use proptest::prelude::*;
use ucifi_runtime::codec::senml::Record;
use ucifi_runtime::codec::senml_cbor::SenmlCborReader;
use ucifi_runtime::codec::senml_json::SenmlJsonReader;
use ucifi_runtime::codec::{self, Reader, senml_cbor, senml_json};
use ucifi_runtime::{ContentFormat as F, ObjectLink, Path, Time, Value};

/// SenML JSON: the override against the events. Also checks what the reader says
/// afterwards (the end, or the record after the one the sink refused).
fn json_run(scope: &Path, bytes: &[u8], fail: Fail) -> Outcome {
    let mut a = SenmlJsonReader::new(bytes);
    let want = run(fail, |s| codec::read_instance_events(&mut a, scope, s));
    let mut b = SenmlJsonReader::new(bytes);
    let got = run(fail, |s| b.read_instance(scope, s));
    assert_eq!(
        got,
        want,
        "SenML JSON {scope} {:?}",
        String::from_utf8_lossy(bytes)
    );
    assert_eq!(
        b.next_event(),
        a.next_event(),
        "SenML JSON {scope} {:?}: next event after read_instance",
        String::from_utf8_lossy(bytes)
    );
    want
}

/// SenML CBOR: the override against the events.
fn cbor_run(scope: &Path, bytes: &[u8], fail: Fail) -> Outcome {
    let mut a = SenmlCborReader::new(bytes);
    let want = run(fail, |s| codec::read_instance_events(&mut a, scope, s));
    let mut b = SenmlCborReader::new(bytes);
    let got = run(fail, |s| b.read_instance(scope, s));
    assert_eq!(got, want, "SenML CBOR {scope} {}", to_hex(bytes));
    assert_eq!(
        b.next_event(),
        a.next_event(),
        "SenML CBOR {scope} {}: next event after read_instance",
        to_hex(bytes)
    );
    want
}

/// Every scope of interest for a payload whose IDs come from `ids`.
fn scopes(o: u16, ids: &[u16]) -> Vec<Path> {
    let mut out = Vec::new();
    for &i in ids {
        out.push(Path::instance(o, i));
        for &r in ids {
            out.push(Path::resource(o, i, r));
            for &ri in ids {
                out.push(Path::resource_instance(o, i, r, ri));
            }
        }
    }
    out
}

fn json_all(scopes: &[Path], bytes: &[u8]) {
    for s in scopes {
        for f in FAILS {
            let _ = json_run(s, bytes, f);
        }
    }
}

fn cbor_all(scopes: &[Path], bytes: &[u8]) {
    for s in scopes {
        for f in FAILS {
            let _ = cbor_run(s, bytes, f);
        }
    }
}

/// Scopes that stay at a few hundred runs per payload: instance and resource scopes of
/// the IDs, resource-instance scopes of the first two, and two that fall back.
fn some_scopes(o: u16, ids: &[u16]) -> Vec<Path> {
    let mut out = vec![Path::object(o), Path::ROOT];
    for &i in ids {
        out.push(Path::instance(o, i));
        for &r in ids {
            out.push(Path::resource(o, i, r));
        }
        for &ri in &ids[..ids.len().min(2)] {
            out.push(Path::resource_instance(o, i, 6, ri));
        }
    }
    out
}

#[test]
fn reference_payloads_decode_the_same() {
    for (path, node, records) in [("/3/0", device(), 17), ("/3416/0", lamp(), 0)] {
        let path = p(path);
        for f in [F::SenmlJson, F::SenmlCbor] {
            let bytes = codec::encode(f, &path, &node).unwrap();
            let (res, calls) = if f == F::SenmlJson {
                json_run(&path, &bytes, Fail::Never)
            } else {
                cbor_run(&path, &bytes, Fail::Never)
            };
            res.unwrap();
            if records > 0 {
                assert_eq!(calls.len(), records);
            }
            let ids = path.ids();
            let mut sc = vec![
                Path::instance(ids[0], 1),
                Path::resource(ids[0], 0, 6),
                Path::resource(ids[0], 0, 9),
                Path::instance(4, 0),
                Path::resource_instance(ids[0], 0, 6, 1),
                Path::resource_instance(ids[0], 0, 6, 0),
                Path::resource(ids[0], 0, 99),
                Path::object(ids[0]),
                Path::ROOT,
            ];
            sc.push(path);
            for s in &sc {
                for fl in FAILS {
                    if f == F::SenmlJson {
                        let _ = json_run(s, &bytes, fl);
                    } else {
                        let _ = cbor_run(s, &bytes, fl);
                    }
                }
            }
        }
    }
}

/// The spec's worked examples (LwM2M 1.2 Transport/Core, SenML JSON and CBOR sections).
const JSON_EXAMPLES: &[&str] = &[
    r#"[{"bn":"/3/0/","n":"0","vs":"ACME"},{"n":"6/0","v":1},{"n":"6/1","v":5},{"n":"9","v":87},{"n":"13","v":1700000000}]"#,
    r#"[{"bn":"/3/0","n":"/0","vs":"ACME"},{"n":"/6/0","v":1},{"n":"/6/1","v":5},{"n":"/9","v":87},{"n":"/13","v":1700000000}]"#,
    r#"[{"bn":"/1/0/","n":"6","vb":true},{"bn":"/3/0/","n":"22/0","vlo":"3303:0"},{"bn":"/19/0/","n":"0/0","vd":"AQID-_8"}]"#,
    r#"[{"bn":"/3303/0/5700","bt":1700000000,"v":21.5},{"t":60,"v":21.75},{"t":120,"v":22.5}]"#,
    r#"[{"n":"/3/0/9"},{"n":"/3303/0/5700"}]"#,
    r#"[{"bn":"/3/0/","n":"0","vs":"Open Mobile Alliance"},{"n":"1","vs":"Lightweight M2M Client"},{"n":"2","vs":"345000123"},{"n":"3","vs":"1.0"},{"n":"6/0","v":1},{"n":"6/1","v":5},{"n":"7/0","v":3800},{"n":"7/1","v":5000},{"n":"8/0","v":125},{"n":"8/1","v":900},{"n":"9","v":100},{"n":"10","v":15},{"n":"11/0","v":0},{"n":"13","v":1367491215},{"n":"14","vs":"+02:00"},{"n":"16","vs":"U"}]"#,
    r#"[{"bn":"/3/0/9","v":87}]"#,
    r#"[{"bn":"/3/0/6/1","v":5}]"#,
    r#"[{"bn":"/3/0/6/","n":"0","v":1},{"n":"1","v":5}]"#,
    r#"[{"bn":"/lwm2m/3/0/","n":"9","v":87}]"#,
];

const CBOR_EXAMPLES: &[&str] = &[
    "85 A3 21 65 2F 33 2F 30 2F 00 61 30 03 64 41 43 4D 45 A2 00 63 36 2F 30 02 01
     A2 00 63 36 2F 31 02 05 A2 00 61 39 02 18 57 A2 00 62 31 33 02 1A 65 53 F1 00",
    "81 A2 00 66 2F 33 2F 30 2F 39 02 C4 82 20 18 D7",
    "9F BF 21 65 2F 33 2F 30 2F 00 61 39 02 18 57 FF FF",
    "81 A3 21 6A 2F 6C 77 6D 32 6D 2F 33 2F 30 00 62 2F 39 02 18 57",
    "83 A3 21 65 2F 31 2F 30 2F 00 61 36 04 F5 A3 21 65 2F 33 2F 30 2F 00 64 32 32 2F 30 63
     76 6C 6F 66 33 33 30 33 3A 30 A3 21 66 2F 31 39 2F 30 2F 00 63 30 2F 30 08 45 01 02 03
     FB FF",
    "82 A3 21 66 2F 30 2F 30 2F 30 22 C4 82 00 1A 1D CD 65 04 03 63 61 62 63 9F BF 00 61 31
     FF FF",
];

#[test]
fn spec_examples_decode_the_same() {
    let mut sc = some_scopes(3, &[0, 1, 6, 9]);
    sc.extend(scopes(3, &[0, 6, 9]));
    sc.extend(some_scopes(3303, &[0, 5700]));
    sc.extend(some_scopes(1, &[0, 6]));
    for j in JSON_EXAMPLES {
        json_all(&sc, j.as_bytes());
    }
    for c in CBOR_EXAMPLES {
        cbor_all(&sc, &hex(c));
    }
    // The examples as records, in both formats.
    for j in JSON_EXAMPLES {
        if let Ok(records) = senml_json::decode_records(j.as_bytes(), &codec::NoModel) {
            let c = senml_cbor::encode_records(&records).unwrap();
            cbor_all(&sc, &c);
        }
    }
}

#[test]
fn hostile_json() {
    let cases: &[&str] = &[
        "",
        "[",
        "]",
        "[]",
        "[] ",
        "[]x",
        "{}",
        "[{}]",
        "[{},]",
        r#"[{"n":"/3/0/9","v":1}"#,
        r#"[{"n":"/3/0/9","v":1},]"#,
        r#"[{"n":"/3/0/9","v":1}] x"#,
        r#" [ { "n" : "/3/0/9" , "v" : 1 } , { "n" : "/3/0/10" , "v" : 2 } ] "#,
        // Duplicates (the sink sees both).
        r#"[{"n":"/3/0/9","v":1},{"n":"/3/0/9","v":2}]"#,
        r#"[{"bn":"/3/0/","n":"6/0","v":1},{"n":"6/0","v":2}]"#,
        r#"[{"n":"/3/0/9","v":1,"v":2}]"#,
        r#"[{"n":"/3/0/9","n":"/3/0/9","v":1}]"#,
        r#"[{"n":"/3/0/9","v":1,"vs":"a"}]"#,
        r#"[{"bn":"/3/0/","bn":"/3/0/","n":"9","v":1}]"#,
        // Outside the scope, at other levels.
        r#"[{"n":"/3/1/9","v":1}]"#,
        r#"[{"n":"/4/0/9","v":1}]"#,
        r#"[{"n":"/3/0/9","v":1},{"n":"/3/1/9","v":1}]"#,
        r#"[{"n":"/3/0","v":1}]"#,
        r#"[{"n":"/3","v":1}]"#,
        r#"[{"n":"/","v":1}]"#,
        r#"[{"bn":"/3/0","v":1}]"#,
        r#"[{"bn":"/","n":"3/0/9","v":1}]"#,
        r#"[{"bn":"/3/0/6/0","v":1},{"bn":"/3/0/6/1","v":2}]"#,
        r#"[{"n":"/3/0/6/0/1","v":1}]"#,
        // Base names and names.
        r#"[{"bn":"/3/0/","n":"9","v":1},{"n":"10","v":2},{"bn":"/3/1/","n":"9","v":3}]"#,
        r#"[{"bn":"/3/0","n":"9","v":1}]"#,
        r#"[{"bn":"/3/0/","n":"/9","v":1}]"#,
        r#"[{"bn":"/3/0/1","n":"0","v":1}]"#,
        r#"[{"bn":"/3/0/1","n":"/0","v":1}]"#,
        r#"[{"bn":"/3/0/","v":1}]"#,
        r#"[{"bn":"","n":"/3/0/9","v":1}]"#,
        r#"[{"bn":"3/0/","n":"9","v":1}]"#,
        r#"[{"n":"3/0/9","v":1}]"#,
        r#"[{"v":1}]"#,
        r#"[{"bn":"/3/0/","n":"x","v":1}]"#,
        r#"[{"bn":"/3/0/","n":"9x","v":1}]"#,
        r#"[{"bn":"/3/0/","n":"65535","v":1}]"#,
        r#"[{"bn":"/3/0/","n":"65534","v":1}]"#,
        r#"[{"bn":"/3/0/","n":"099999","v":1}]"#,
        r#"[{"bn":"/3/0/","n":"9/","v":1}]"#,
        r#"[{"bn":"/3/0/","n":"9//","v":1}]"#,
        r#"[{"bn":"/3/0//","n":"9","v":1}]"#,
        r#"[{"bn":"/3/0/","n":"\u0039","v":1}]"#,
        r#"[{"bn":"\/3\/0\/","n":"9","v":1}]"#,
        r#"[{"bn":"/3/0/","n":"9","v":1},{"bn":"/3/0/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx/","n":"9","v":1}]"#,
        r#"[{"bn":"/3/0/","n":"9","v":1},{"bn":"/3/0/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx/","n":"9","v":1},{"bn":"/3/0/","n":"10","v":1}]"#,
        r#"[{"bn":"/lwm2m/3/0/","n":"9","v":1}]"#,
        "[{\"bn\":\"/3/0/\",\"n\":\"9\u{e9}\",\"v\":1}]",
        // Values.
        r#"[{"n":"/3/0/9","v":1.5}]"#,
        r#"[{"n":"/3/0/9","v":-0}]"#,
        r#"[{"n":"/3/0/9","v":1e400}]"#,
        r#"[{"n":"/3/0/9","v":123456789012345678901234567890}]"#,
        r#"[{"n":"/3/0/9","v":01}]"#,
        r#"[{"n":"/3/0/9","v":-}]"#,
        r#"[{"n":"/3/0/9","v":"1"}]"#,
        r#"[{"n":"/3/0/9","vs":1}]"#,
        r#"[{"n":"/3/0/9","vs":"a\"b\\c\u00e9"}]"#,
        r#"[{"n":"/3/0/9","vs":"a\x"}]"#,
        r#"[{"n":"/3/0/9","vb":true}]"#,
        r#"[{"n":"/3/0/9","vb":1}]"#,
        r#"[{"n":"/3/0/9","vb":tru}]"#,
        r#"[{"n":"/3/0/9","vd":"AQID-_8"}]"#,
        r#"[{"n":"/3/0/9","vd":"AQID+/8="}]"#,
        r#"[{"n":"/3/0/9","vd":"A"}]"#,
        r#"[{"n":"/3/0/9","vlo":"3303:0"}]"#,
        r#"[{"n":"/3/0/9","vlo":"3303"}]"#,
        r#"[{"n":"/3/0/9","v":null}]"#,
        r#"[{"n":"/3/0/9","bv":0,"v":1}]"#,
        r#"[{"n":"/3/0/9","bv":1,"v":1}]"#,
        r#"[{"n":"/3/0/9","v":1,"u":"Cel","bu":"Cel","bver":10,"s":1,"bs":2,"ut":3}]"#,
        r#"[{"n":"/3/0/9","v":1,"x":{"a":[1,2,{"b":null}]},"y":"z"}]"#,
        r#"[{"n":"/3/0/9","v":1,"x_":1}]"#,
        r#"[{"n":"/3/0/9","v":1,"u":1}]"#,
        // Path-only records and timestamps.
        r#"[{"n":"/3/0/9"}]"#,
        r#"[{"n":"/3/0/9","v":1},{"n":"/3/0/10"}]"#,
        r#"[{"bn":"/3/0/9"}]"#,
        r#"[{"n":"/3/1/9"}]"#,
        r#"[{"bt":10,"n":"/3/0/9","v":1},{"t":5,"n":"/3/0/9","v":2}]"#,
        r#"[{"bn":"/3/0/9","bt":1.5,"v":1},{"t":-1,"v":2},{"t":"x","v":3}]"#,
        r#"[{"n":"/3/0/9","t":1e999,"v":1}]"#,
        r#"[{"n":"/3/0/9","bt":1e999,"v":1}]"#,
        // Structure.
        r#"[{"n":"/3/0/9" "v":1}]"#,
        r#"[{"n":"/3/0/9":"v":1}]"#,
        r#"[{"n":"/3/0/9","v":1}{"n":"/3/0/10","v":1}]"#,
        r#"[{"n":"/3/0/9","v":1},1]"#,
        r#"[[{"n":"/3/0/9","v":1}]]"#,
        r#"[{n:"/3/0/9","v":1}]"#,
        r#"[{"n":"/3/0/9","v":1,}]"#,
        "[{\"n\":\"/3/0/9\",\"vs\":\"a\u{1}\"}]",
        "[{\"n\":\"/3/0/9\",\"vs\":\"abc",
        "[{\"n\":\"/3/0/9\",\"v\":1",
        "[{\"n\":\"/3/0/9\",\"v\":",
    ];
    let mut sc = some_scopes(3, &[0, 1, 6, 9, 10]);
    sc.push(Path::resource(3, 0, 65534));
    sc.push(Path::instance(3, 65535));
    sc.push(Path::resource(3, 0, 65535));
    sc.push(Path::resource_instance(3, 0, 6, 65535));
    for c in cases {
        json_all(&sc, c.as_bytes());
        // With invalid UTF-8 in a name.
        let mut bad = c.as_bytes().to_vec();
        if let Some(k) = bad.iter().position(|&b| b == b'9') {
            bad[k] = 0xFF;
            json_all(&sc, &bad);
        }
    }
}

// ---- CBOR building blocks ----

fn head(major: u8, n: u64) -> Vec<u8> {
    let m = major << 5;
    if n < 24 {
        vec![m | n as u8]
    } else if n < 0x100 {
        vec![m | 24, n as u8]
    } else if n < 0x1_0000 {
        let mut v = vec![m | 25];
        v.extend((n as u16).to_be_bytes());
        v
    } else if n < 0x1_0000_0000 {
        let mut v = vec![m | 26];
        v.extend((n as u32).to_be_bytes());
        v
    } else {
        let mut v = vec![m | 27];
        v.extend(n.to_be_bytes());
        v
    }
}

fn ctext(s: &[u8]) -> Vec<u8> {
    let mut v = head(3, s.len() as u64);
    v.extend_from_slice(s);
    v
}

fn cint(i: i64) -> Vec<u8> {
    if i >= 0 {
        head(0, i as u64)
    } else {
        head(1, !(i as u64))
    }
}

/// A record map from (label, value) items, as hex text fragments.
fn cmap(items: &[&str]) -> String {
    let mut s = to_hex(&head(5, items.len() as u64));
    for i in items {
        s.push(' ');
        s.push_str(i);
    }
    s
}

fn carray(records: &[String]) -> String {
    let mut s = to_hex(&head(4, records.len() as u64));
    for r in records {
        s.push(' ');
        s.push_str(r);
    }
    s
}

fn n(name: &str) -> String {
    format!("00 {}", to_hex(&ctext(name.as_bytes())))
}

fn bn(name: &str) -> String {
    format!("21 {}", to_hex(&ctext(name.as_bytes())))
}

fn v(i: i64) -> String {
    format!("02 {}", to_hex(&cint(i)))
}

#[test]
fn hostile_cbor() {
    let r = |items: &[&str]| cmap(items);
    let one = |items: &[&str]| carray(&[cmap(items)]);
    let two = |a: &[&str], b: &[&str]| carray(&[cmap(a), cmap(b)]);
    let mut cases: Vec<String> = vec![
        "".into(),
        "80".into(),
        "80 00".into(),
        "9F FF".into(),
        "9F FF 00".into(),
        "9F".into(),
        "A0".into(),
        "81".into(),
        "81 A0".into(),
        "81 80".into(),
        "82 A0".into(),
        "FF".into(),
        "9B FF FF FF FF FF FF FF FF A0".into(),
        "81 BB FF FF FF FF FF FF FF FF 00 61 39".into(),
    ];
    for (a, b) in [
        // Duplicates (the sink sees both).
        (vec![n("/3/0/9"), v(1)], vec![n("/3/0/9"), v(2)]),
        (vec![bn("/3/0/"), n("6/0"), v(1)], vec![n("6/0"), v(2)]),
        // Outside the scope.
        (vec![n("/3/0/9"), v(1)], vec![n("/3/1/9"), v(1)]),
        (vec![n("/4/0/9"), v(1)], vec![n("/3/0/9"), v(1)]),
        (vec![n("/3/0"), v(1)], vec![n("/3"), v(1)]),
        (vec![bn("/3/0"), v(1)], vec![bn("/"), n("3/0/9"), v(1)]),
        (vec![bn("/3/0/6/0"), v(1)], vec![bn("/3/0/6/1"), v(2)]),
        // Base names and names.
        (vec![bn("/3/0/"), n("9"), v(1)], vec![n("10"), v(2)]),
        (
            vec![bn("/3/0"), n("9"), v(1)],
            vec![bn("/3/0/"), n("/9"), v(1)],
        ),
        (vec![bn("/3/0/1"), n("0"), v(1)], vec![n("/0"), v(1)]),
        (vec![bn("/3/0/"), v(1)], vec![bn(""), n("/3/0/9"), v(1)]),
        (vec![bn("3/0/"), n("9"), v(1)], vec![n("3/0/9"), v(1)]),
        (vec![v(1)], vec![n("/3/0/9"), v(1)]),
        (vec![bn("/3/0/"), n("x"), v(1)], vec![n("65535"), v(1)]),
        (vec![bn("/3/0/"), n("65534"), v(1)], vec![n("9/"), v(1)]),
        (vec![bn("/3/0/"), n("9//"), v(1)], vec![n("099999"), v(1)]),
        (
            vec![bn("/lwm2m/3/0/"), n("9"), v(1)],
            vec![n("/3/0/6/0/1"), v(1)],
        ),
        (
            vec![
                bn("/3/0/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx/"),
                n("9"),
                v(1),
            ],
            vec![bn("/3/0/"), n("9"), v(1)],
        ),
        // Path-only records and timestamps.
        (vec![n("/3/0/9")], vec![n("/3/0/10"), v(1)]),
        (vec![n("/3/0/9"), v(1)], vec![n("/3/1/10")]),
        (
            vec!["22 0A".into(), n("/3/0/9"), v(1)],
            vec!["06 05".into(), n("/3/0/9"), v(2)],
        ),
        (
            vec!["22 F9 3E 00".into(), bn("/3/0/9"), v(1)],
            vec!["06 61 78".into(), v(2)],
        ),
        (
            vec!["22 C4 82 21 19 6A B3".into(), bn("/3/0/9"), v(1)],
            vec!["06 C1 01".into(), v(2)],
        ),
        (
            vec!["22 C4 82 18 64 01".into(), bn("/3/0/9"), v(1)],
            vec!["06 F6".into(), v(2)],
        ),
    ] {
        cases.push(two(
            &a.iter().map(String::as_str).collect::<Vec<_>>(),
            &b.iter().map(String::as_str).collect::<Vec<_>>(),
        ));
    }
    let nm = n("/3/0/9");
    let nm = nm.as_str();
    for items in [
        // Values of every kind, good and bad.
        vec![nm, "02 F9 3E 00"],
        vec![nm, "02 FA 47 C3 50 00"],
        vec![nm, "02 FB 3F F1 99 99 99 99 99 9A"],
        vec![nm, "02 3B FF FF FF FF FF FF FF FF"],
        vec![nm, "02 1B FF FF FF FF FF FF FF FF"],
        vec![nm, "02 C4 82 20 18 D7"],
        vec![nm, "02 C4 82 18 64 18 D7"],
        vec![nm, "02 C4 83 20 18 D7 00"],
        vec![nm, "02 C1 1A 65 53 F1 00"],
        vec![nm, "02 C1 3A 65 53 F1 00"],
        vec![
            nm,
            "02 C0 74 32 30 32 33 2D 31 31 2D 31 34 54 32 32 3A 31 33 3A 32 30 5A",
        ],
        vec![nm, "02 C0 61 78"],
        vec![nm, "02 D8 64 01"],
        vec![nm, "02 C6 C6 C6 C6 C6 C6 C6 C6 C6 01"],
        vec![nm, "02 61 31"],
        vec![nm, "02 F5"],
        vec![nm, "03 63 61 62 63"],
        vec![nm, "03 7F 61 61 61 62 FF"],
        vec![nm, "03 7F 61 61 41 62 FF"],
        vec![nm, "03 62 C3 28"],
        vec![nm, "03 01"],
        vec![nm, "04 F5"],
        vec![nm, "04 F4"],
        vec![nm, "04 01"],
        vec![nm, "08 43 01 02 03"],
        vec![nm, "08 5F 41 01 41 02 FF"],
        vec![nm, "08 63 61 62 63"],
        vec![nm, "63 76 6C 6F 66 33 33 30 33 3A 30"],
        vec![nm, "63 76 6C 6F 64 33 33 30 33"],
        vec![nm, "63 76 6C 6F 01"],
        vec![nm, "02 01", "02 02"],
        vec![nm, "02 01", "03 61 61"],
        vec![nm, nm, "02 01"],
        vec![nm, "02 01", "21 65 2F 33 2F 30 2F", "21 65 2F 33 2F 30 2F"],
        vec![nm, "02 01", "24 00"],
        vec![nm, "02 01", "24 01"],
        vec![
            nm, "02 01", "20 0A", "23 61 61", "25 01", "01 61 61", "05 01", "07 02",
        ],
        vec![nm, "02 01", "23 01"],
        vec![nm, "02 01", "18 64 A1 01 82 01 02"],
        vec![nm, "02 01", "61 78 9F 01 FF"],
        vec![nm, "02 01", "62 78 5F 01"],
        vec![nm, "02 01", "18 02 01"],
        vec![nm, "02 01", "38 01 01"],
        vec![nm, "02 01", "F6 01"],
        vec![nm, "02 01", "81 01 01"],
        vec![nm, "02 01", "1C"],
        vec![nm, "02"],
        vec![nm],
        vec!["00 7F 62 2F 33 64 2F 30 2F 39 FF", "02 01"],
        vec!["00 7F 62 2F 33 44 2F 30 2F 39 FF", "02 01"],
        vec!["00 66 2F 33 2F 30 2F FF", "02 01"],
        vec!["00 01", "02 01"],
    ] {
        cases.push(one(&items));
        // The same record in an indefinite-length map and array.
        let mut indef = String::from("9F BF");
        for i in &items {
            indef.push(' ');
            indef.push_str(i);
        }
        indef.push_str(" FF FF");
        cases.push(indef);
    }
    // Truncations of a good payload.
    let good = two(&[&bn("/3/0/"), &n("9"), &v(1)], &[&n("6/0"), &v(100000)]);
    let bytes = hex(&good);
    for k in 0..bytes.len() {
        cases.push(to_hex(&bytes[..k]));
    }
    let _ = r(&[]);
    let mut sc = some_scopes(3, &[0, 1, 6, 9, 10]);
    sc.push(Path::resource(3, 0, 65534));
    sc.push(Path::instance(3, 65535));
    sc.push(Path::resource_instance(3, 0, 6, 65535));
    for c in &cases {
        cbor_all(&sc, &hex(c));
    }
}

#[test]
fn reader_that_already_gave_events_goes_on() {
    let bytes = codec::encode(F::SenmlJson, &p("/3/0"), &device()).unwrap();
    let mut a = SenmlJsonReader::new(&bytes);
    let mut b = SenmlJsonReader::new(&bytes);
    for _ in 0..3 {
        assert_eq!(a.next_event(), b.next_event());
    }
    let want = run(Fail::Never, |s| {
        codec::read_instance_events(&mut a, &p("/3/0"), s)
    });
    let got = run(Fail::Never, |s| b.read_instance(&p("/3/0"), s));
    assert_eq!(got, want);
    let bytes = codec::encode(F::SenmlCbor, &p("/3/0"), &device()).unwrap();
    let mut a = SenmlCborReader::new(&bytes);
    let mut b = SenmlCborReader::new(&bytes);
    for _ in 0..3 {
        assert_eq!(a.next_event(), b.next_event());
    }
    let want = run(Fail::Never, |s| {
        codec::read_instance_events(&mut a, &p("/3/0"), s)
    });
    let got = run(Fail::Never, |s| b.read_instance(&p("/3/0"), s));
    assert_eq!(got, want);
}

// ---- random and mutated payloads ----

/// A value as a record carries it.
#[derive(Clone, Debug)]
enum V {
    Int(i64),
    Float(f64),
    Str(String),
    Bool(bool),
    Data(Vec<u8>),
    Link(u16, u16),
    /// A label the reader must skip.
    Unknown,
}

/// One record: optional base name, name, base time, time, value.
#[derive(Clone, Debug)]
struct Rec {
    bn: Option<String>,
    n: Option<String>,
    bt: Option<i64>,
    t: Option<f64>,
    v: Option<V>,
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "/3/0/", "/3/0", "/3/1/", "/3/", "/3", "/", "", "9", "/9", "6/0", "6/1", "0", "10",
            "/3/0/9", "/3/0/6/0", "/3/0/6/1", "/3/0/6", "/4/0/1", "x", "65535", "/3/0/6/0/1",
            "/lwm2m/3/0/", "3/0/9", "9/", "/3/0/6/", "/3/0//", "/3/1/9",
        ])
        .prop_map(String::from),
        1 => (0u16..12, 0u16..3, 0u16..12, prop::option::of(0u16..3), any::<bool>()).prop_map(
            |(o, i, r, ri, rel)| {
                let mut s = if rel { format!("{r}") } else { format!("/{o}/{i}/{r}") };
                if let Some(ri) = ri {
                    s.push_str(&format!("/{ri}"));
                }
                s
            }
        ),
    ]
}

fn val() -> impl Strategy<Value = V> {
    prop_oneof![
        3 => (-3i64..200).prop_map(V::Int),
        1 => any::<i64>().prop_map(V::Int),
        1 => prop::sample::select(vec![0.5f64, -21.75, 1e300, 1.1]).prop_map(V::Float),
        2 => "[a-z\"\\\\é]{0,6}".prop_map(V::Str),
        1 => any::<bool>().prop_map(V::Bool),
        1 => prop::collection::vec(any::<u8>(), 0..5).prop_map(V::Data),
        1 => (0u16..5, 0u16..5).prop_map(|(o, i)| V::Link(o, i)),
        1 => Just(V::Unknown),
    ]
}

fn rec() -> impl Strategy<Value = Rec> {
    (
        prop::option::weighted(0.4, name()),
        prop::option::weighted(0.8, name()),
        prop::option::weighted(0.1, -5i64..5),
        prop::option::weighted(0.15, prop::sample::select(vec![0.0f64, 1.0, -2.5])),
        prop::option::weighted(0.9, val()),
    )
        .prop_map(|(bn, n, bt, t, v)| Rec { bn, n, bt, t, v })
}

fn json_of(recs: &[Rec]) -> Vec<u8> {
    let mut out = String::from("[");
    for (k, r) in recs.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        let mut fields = Vec::new();
        if let Some(b) = &r.bn {
            fields.push(format!("\"bn\":{}", serde_json::to_string(b).unwrap()));
        }
        if let Some(b) = r.bt {
            fields.push(format!("\"bt\":{b}"));
        }
        if let Some(n) = &r.n {
            fields.push(format!("\"n\":{}", serde_json::to_string(n).unwrap()));
        }
        if let Some(t) = r.t {
            fields.push(format!("\"t\":{t:?}"));
        }
        match &r.v {
            None => {}
            Some(V::Int(i)) => fields.push(format!("\"v\":{i}")),
            Some(V::Float(f)) => fields.push(format!("\"v\":{f:?}")),
            Some(V::Str(s)) => fields.push(format!("\"vs\":{}", serde_json::to_string(s).unwrap())),
            Some(V::Bool(b)) => fields.push(format!("\"vb\":{b}")),
            Some(V::Data(d)) => {
                use std::fmt::Write as _;
                // Not base64 at all for odd lengths: a refused value.
                let mut s = String::new();
                for x in d {
                    let _ = write!(s, "{}", (b'A' + x % 26) as char);
                }
                fields.push(format!("\"vd\":\"{s}\""));
            }
            Some(V::Link(o, i)) => fields.push(format!("\"vlo\":\"{o}:{i}\"")),
            Some(V::Unknown) => fields.push("\"foo\":[1,{\"a\":null}]".into()),
        }
        out.push('{');
        out.push_str(&fields.join(","));
        out.push('}');
    }
    out.push(']');
    out.into_bytes()
}

fn cbor_of(recs: &[Rec]) -> Vec<u8> {
    let mut out = head(4, recs.len() as u64);
    for r in recs {
        let mut items: Vec<Vec<u8>> = Vec::new();
        if let Some(b) = &r.bn {
            let mut x = vec![0x21];
            x.extend(ctext(b.as_bytes()));
            items.push(x);
        }
        if let Some(b) = r.bt {
            let mut x = vec![0x22];
            x.extend(cint(b));
            items.push(x);
        }
        if let Some(n) = &r.n {
            let mut x = vec![0x00];
            x.extend(ctext(n.as_bytes()));
            items.push(x);
        }
        if let Some(t) = r.t {
            let mut x = vec![0x06, 0xFB];
            x.extend(t.to_bits().to_be_bytes());
            items.push(x);
        }
        match &r.v {
            None => {}
            Some(V::Int(i)) => {
                let mut x = vec![0x02];
                x.extend(cint(*i));
                items.push(x);
            }
            Some(V::Float(f)) => {
                let mut x = vec![0x02, 0xFB];
                x.extend(f.to_bits().to_be_bytes());
                items.push(x);
            }
            Some(V::Str(s)) => {
                let mut x = vec![0x03];
                x.extend(ctext(s.as_bytes()));
                items.push(x);
            }
            Some(V::Bool(b)) => items.push(vec![0x04, if *b { 0xF5 } else { 0xF4 }]),
            Some(V::Data(d)) => {
                let mut x = vec![0x08];
                x.extend(head(2, d.len() as u64));
                x.extend(d);
                items.push(x);
            }
            Some(V::Link(o, i)) => {
                let mut x = ctext(b"vlo");
                x.extend(ctext(format!("{o}:{i}").as_bytes()));
                items.push(x);
            }
            Some(V::Unknown) => items.push(hex("18 64 82 01 A1 01 F6")),
        }
        out.extend(head(5, items.len() as u64));
        for i in items {
            out.extend(i);
        }
    }
    out
}

#[derive(Clone, Debug)]
enum Mutation {
    Flip(usize, u8),
    Insert(usize, u8),
    Delete(usize),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Insert(i, b)),
        any::<usize>().prop_map(Mutation::Delete),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn mutate(mut bytes: Vec<u8>, ms: &[Mutation]) -> Vec<u8> {
    for m in ms {
        let n = bytes.len();
        match *m {
            Mutation::Flip(i, b) if n > 0 => bytes[i % n] ^= b.max(1),
            Mutation::Insert(i, b) => bytes.insert(i % (n + 1), b),
            Mutation::Delete(i) if n > 0 => {
                bytes.remove(i % n);
            }
            Mutation::Truncate(i) => bytes.truncate(i % (n + 1)),
            _ => {}
        }
    }
    bytes
}

fn scope() -> impl Strategy<Value = Path> {
    prop_oneof![
        3 => Just(Path::instance(3, 0)),
        1 => Just(Path::instance(3, 1)),
        1 => (0u16..12).prop_map(|r| Path::resource(3, 0, r)),
        1 => (0u16..3).prop_map(|ri| Path::resource_instance(3, 0, 6, ri)),
        1 => Just(Path::object(3)),
    ]
}

fn fail() -> impl Strategy<Value = Fail> {
    prop::sample::select(FAILS.to_vec())
}

/// The reference payloads and record lists the mutations start from.
fn seeds() -> Vec<(Vec<u8>, Vec<u8>)> {
    let dev = device();
    let path = p("/3/0");
    let records = vec![
        Record::new(Path::resource(3, 0, 9), Value::Integer(87)),
        Record::timed(
            Path::resource_instance(3, 0, 6, 1),
            Value::Time(Time(5)),
            10.0,
        ),
        Record::new(
            Path::resource(3, 0, 22),
            Value::Objlnk(ObjectLink::new(3303, 0)),
        ),
        Record::new(Path::resource(3, 0, 1), Value::Opaque(vec![1, 2, 3])),
        Record::path_only(Path::resource(3, 0, 2)),
    ];
    vec![
        (
            codec::encode(F::SenmlJson, &path, &dev).unwrap(),
            codec::encode(F::SenmlCbor, &path, &dev).unwrap(),
        ),
        (
            senml_json::encode_records(&records).unwrap(),
            senml_cbor::encode_records(&records).unwrap(),
        ),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_records_decode_the_same(recs in prop::collection::vec(rec(), 0..6), sc in scope(), f in fail()) {
        let _ = json_run(&sc, &json_of(&recs), f);
        let _ = cbor_run(&sc, &cbor_of(&recs), f);
    }

    #[test]
    fn mutated_records_decode_the_same(
        recs in prop::collection::vec(rec(), 1..5),
        ms in prop::collection::vec(mutation(), 1..4),
        sc in scope(),
        f in fail(),
    ) {
        let _ = json_run(&sc, &mutate(json_of(&recs), &ms), f);
        let _ = cbor_run(&sc, &mutate(cbor_of(&recs), &ms), f);
    }

    #[test]
    fn mutated_reference_payloads_decode_the_same(
        k in 0usize..2,
        ms in prop::collection::vec(mutation(), 1..4),
        sc in scope(),
        f in fail(),
    ) {
        let (j, c) = &seeds()[k];
        let _ = json_run(&sc, &mutate(j.clone(), &ms), f);
        let _ = cbor_run(&sc, &mutate(c.clone(), &ms), f);
    }

    #[test]
    fn random_bytes_decode_the_same(bytes in prop::collection::vec(any::<u8>(), 0..64), sc in scope()) {
        let _ = json_run(&sc, &bytes, Fail::Never);
        let _ = cbor_run(&sc, &bytes, Fail::Never);
    }
}
