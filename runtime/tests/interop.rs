//! What other LwM2M stacks send, read as they read it (Leshan where the established
//! implementations differ): each accepted form decodes to the node of the canonical form.

mod common;

use common::{hex, p, spec_types};

use ucifi_runtime::codec::{self, ErrorKind};
use ucifi_runtime::{ContentFormat, InstanceNode, Node, ObjectNode, ResourceNode, ResourceValue};

const MANY: [ContentFormat; 5] = [
    ContentFormat::Tlv,
    ContentFormat::SenmlJson,
    ContentFormat::SenmlCbor,
    ContentFormat::Lwm2mJson,
    ContentFormat::Lwm2mCbor,
];

#[test]
fn an_empty_payload_is_an_empty_object_instance_or_multiple_resource() {
    let types = spec_types();
    for f in MANY {
        let decode = |path: &str| codec::decode(f, &p(path), b"", &types);
        assert_eq!(
            decode("/3").unwrap(),
            Node::Object(ObjectNode {
                id: 3,
                instances: vec![]
            }),
            "{f}"
        );
        assert_eq!(
            decode("/3/0").unwrap(),
            Node::Instance(InstanceNode {
                id: 0,
                resources: vec![]
            }),
            "{f}"
        );
        // Resource 6 (Available Power Sources) is multiple: no instances.
        assert_eq!(
            decode("/3/0/6").unwrap(),
            Node::Resource(ResourceNode {
                id: 6,
                value: ResourceValue::Multiple(vec![])
            }),
            "{f}"
        );
        // A single resource needs its value.
        let e = decode("/3/0/9").unwrap_err();
        assert_eq!(e.kind(), &ErrorKind::NoValue, "{f}");
        assert_eq!(e.path(), Some(p("/3/0/9")), "{f}");
        // Each is what the format's own empty form gives.
        let canonical: &[u8] = match f {
            ContentFormat::SenmlJson => b"[]",
            ContentFormat::SenmlCbor => b"\x80",
            ContentFormat::Lwm2mJson => br#"{"e":[]}"#,
            ContentFormat::Lwm2mCbor => b"\xa0",
            _ => b"",
        };
        for path in ["/3", "/3/0", "/3/0/6"] {
            assert_eq!(
                codec::decode(f, &p(path), canonical, &types).unwrap(),
                decode(path).unwrap(),
                "{f} {path}"
            );
        }
    }
}

#[test]
fn lwm2m_json_base_names_without_a_leading_slash() {
    let types = spec_types();
    let canonical = codec::decode(
        ContentFormat::Lwm2mJson,
        &p("/3/0"),
        br#"{"bn":"/3/0/","e":[{"n":"9","v":87},{"n":"6/0","v":1}]}"#,
        &types,
    )
    .unwrap();
    for bn in ["3/0/", "3/0"] {
        let n9 = if bn.ends_with('/') { "9" } else { "/9" };
        let n6 = if bn.ends_with('/') { "6/0" } else { "/6/0" };
        let text = format!(r#"{{"bn":"{bn}","e":[{{"n":"{n9}","v":87}},{{"n":"{n6}","v":1}}]}}"#);
        let node = codec::decode(
            ContentFormat::Lwm2mJson,
            &p("/3/0"),
            text.as_bytes(),
            &types,
        );
        assert_eq!(node.unwrap(), canonical, "{text}");
    }
    // bn and n join as plain strings: "/3/0/1" + "1/0" is /3/0/11/0.
    let node = codec::decode(
        ContentFormat::Lwm2mJson,
        &p("/3/0"),
        br#"{"bn":"/3/0/1","e":[{"n":"1/0","v":5}]}"#,
        &types,
    )
    .unwrap();
    let Node::Instance(i) = node else { panic!() };
    assert_eq!(i.resources[0].id, 11);
}

#[test]
fn tlv_forms_of_the_c_and_java_stacks() {
    let types = spec_types();
    let tlv = |path: &str, h: &str| codec::decode(ContentFormat::Tlv, &p(path), &hex(h), &types);
    // Resource Instance TLVs without the Multiple Resource TLV around them.
    assert_eq!(
        tlv("/3/0/6", "41 00 01 41 01 05").unwrap(),
        tlv("/3/0/6", "86 06 41 00 01 41 01 05").unwrap()
    );
    // An Object Instance TLV of the path's instance around the resources.
    assert_eq!(
        tlv("/3/0", "08 00 03 C1 09 57").unwrap(),
        tlv("/3/0", "C1 09 57").unwrap()
    );
    // Resource TLVs at an object path: instance 0 (a Create without instance ID).
    assert_eq!(
        tlv("/3", "C1 09 57").unwrap(),
        tlv("/3", "08 00 03 C1 09 57").unwrap()
    );
    // Bare instances are still refused at an instance path, and for a single resource.
    assert_eq!(
        tlv("/3/0", "41 00 01").unwrap_err().kind_at(),
        (&ErrorKind::Misplaced, Some(0))
    );
    assert_eq!(
        tlv("/3/0/9", "41 00 01").unwrap_err().kind(),
        &ErrorKind::NotMultiple
    );
}

// ---- SenML names under the client's alternate path (Leshan's root path) ----

use ucifi_runtime::codec::senml::{self, Record, RecordSink};
use ucifi_runtime::codec::{NoModel, NodeBuilder, senml_cbor, senml_json};
use ucifi_runtime::{Path, Value};

const ROOT: &str = "/lwm2m/rootpath";

/// A SenML JSON or CBOR payload decoded under the alternate path `root` into a node.
fn decode_under(
    f: ContentFormat,
    root: &str,
    path: &str,
    bytes: &[u8],
) -> Result<Node, codec::Error> {
    let types = spec_types();
    let mut b = NodeBuilder::new(p(path), &types);
    match f {
        ContentFormat::SenmlJson => senml_json::decode_with_alternate_path(root, bytes, &mut b)?,
        _ => senml_cbor::decode_with_alternate_path(root, bytes, &mut b)?,
    }
    b.finish()
}

/// A payload decoded under the alternate path `root` into records.
fn records_under(f: ContentFormat, root: &str, bytes: &[u8]) -> Result<Vec<Record>, codec::Error> {
    let mut sink = RecordSink::new(&NoModel);
    match f {
        ContentFormat::SenmlJson => senml_json::decode_with_alternate_path(root, bytes, &mut sink)?,
        _ => senml_cbor::decode_with_alternate_path(root, bytes, &mut sink)?,
    }
    Ok(sink.into_records())
}

#[test]
fn senml_names_under_an_alternate_path_decode_as_the_canonical_names() {
    let types = spec_types();
    let json = br#"[{"bn":"/lwm2m/rootpath/3/0/","n":"0","vs":"ucifi"}]"#;
    let canonical = br#"[{"bn":"/3/0/","n":"0","vs":"ucifi"}]"#;
    let cbor = hex(
        "81 A3 21 74 2F 6C 77 6D 32 6D 2F 72 6F 6F 74 70 61 74 68 2F 33 2F 30 2F 00 61 30 03 65 75 63 69 66 69",
    );
    let cbor_canonical = hex("81 A3 21 65 2F 33 2F 30 2F 00 61 30 03 65 75 63 69 66 69");
    for path in ["/3/0/0", "/3/0", "/3"] {
        let want = codec::decode(ContentFormat::SenmlJson, &p(path), canonical, &types).unwrap();
        assert_eq!(
            decode_under(ContentFormat::SenmlJson, ROOT, path, json),
            Ok(want.clone())
        );
        let cbor_want = codec::decode(ContentFormat::SenmlCbor, &p(path), &cbor_canonical, &types);
        assert_eq!(cbor_want.as_ref(), Ok(&want));
        assert_eq!(
            decode_under(ContentFormat::SenmlCbor, ROOT, path, &cbor),
            Ok(want)
        );
    }
    // The root path in `n` alone, or split between `bn` and `n`; the alternate path alone
    // (in `bn`, with or without its `/`) is the root.
    for json in [
        r#"[{"n":"/lwm2m/rootpath/3/0/0","vs":"ucifi"}]"#,
        r#"[{"bn":"/lwm2m","n":"/rootpath/3/0/0","vs":"ucifi"}]"#,
        r#"[{"bn":"/lwm2m/rootpath","n":"/3/0/0","vs":"ucifi"}]"#,
    ] {
        let r = records_under(ContentFormat::SenmlJson, ROOT, json.as_bytes());
        assert_eq!(
            r,
            Ok(vec![Record::new(
                p("/3/0/0"),
                Value::String("ucifi".into())
            )]),
            "{json}"
        );
    }
    for json in [
        r#"[{"n":"/lwm2m/rootpath"}]"#,
        r#"[{"bn":"/lwm2m/rootpath/"}]"#,
    ] {
        let r = records_under(ContentFormat::SenmlJson, ROOT, json.as_bytes());
        assert_eq!(r, Ok(vec![Record::path_only(Path::ROOT)]), "{json}");
    }
    // No alternate path given (`""`): the names are read as they are.
    assert_eq!(
        records_under(ContentFormat::SenmlJson, "", canonical),
        Ok(vec![Record::new(
            p("/3/0/0"),
            Value::String("ucifi".into())
        )])
    );
}

#[test]
fn senml_records_encode_under_an_alternate_path() {
    let grouped = vec![
        Record::new(p("/3/0/0"), Value::String("ucifi".into())),
        Record::new(p("/3/0/9"), Value::Integer(87)),
    ];
    let series = vec![
        Record::timed(p("/3303/0/5700"), Value::Float(21.5), 1_700_000_000.0),
        Record::timed(p("/3303/0/5700"), Value::Float(21.75), 1_700_000_060.0),
    ];
    let paths = vec![
        Record::path_only(p("/3/0/9")),
        Record::path_only(p("/3303/0/5700")),
    ];
    for (root, records, json, cbor) in [
        (
            ROOT,
            &grouped,
            r#"[{"bn":"/lwm2m/rootpath/3/0/","n":"0","vs":"ucifi"},{"n":"9","v":87}]"#,
            "82 A3 21 74 2F 6C 77 6D 32 6D 2F 72 6F 6F 74 70 61 74 68 2F 33 2F 30 2F 00 61 30 03 65 75 63 69 66 69 A2 00 61 39 02 18 57",
        ),
        (
            "/lwm2m",
            &series,
            r#"[{"bn":"/lwm2m/3303/0/5700","bt":1700000000,"v":21.5},{"t":60,"v":21.75}]"#,
            "82 A3 21 72 2F 6C 77 6D 32 6D 2F 33 33 30 33 2F 30 2F 35 37 30 30 22 1A 65 53 F1 00 02 F9 4D 60 A2 06 18 3C 02 F9 4D 70",
        ),
        (
            "/lwm2m",
            &paths,
            r#"[{"n":"/lwm2m/3/0/9"},{"n":"/lwm2m/3303/0/5700"}]"#,
            "82 A1 00 6C 2F 6C 77 6D 32 6D 2F 33 2F 30 2F 39 A1 00 72 2F 6C 77 6D 32 6D 2F 33 33 30 33 2F 30 2F 35 37 30 30",
        ),
    ] {
        let j = senml_json::encode_records_with_alternate_path(root, records).unwrap();
        assert_eq!(String::from_utf8(j.clone()).unwrap(), json);
        let c = senml_cbor::encode_records_with_alternate_path(root, records).unwrap();
        assert_eq!(c, hex(cbor), "{json}");
        // Round trip under the same alternate path.
        assert_eq!(
            records_under(ContentFormat::SenmlJson, root, &j).as_ref(),
            Ok(records)
        );
        assert_eq!(
            records_under(ContentFormat::SenmlCbor, root, &c).as_ref(),
            Ok(records)
        );
        // Without an alternate path: the bytes of `encode_records`.
        let plain = senml_json::encode_records_with_alternate_path("", records);
        assert_eq!(plain, senml_json::encode_records(records));
        let plain = senml_cbor::encode_records_with_alternate_path("", records);
        assert_eq!(plain, senml_cbor::encode_records(records));
    }
}

#[test]
fn senml_names_outside_the_alternate_path_are_refused() {
    for (json, kind) in [
        // Another path, a plain LwM2M path, and a part of the alternate path only.
        (
            r#"[{"n":"/lwm2m/other/3/0/0","vs":"x"}]"#,
            ErrorKind::OutsidePath,
        ),
        (r#"[{"n":"/3/0/0","vs":"x"}]"#, ErrorKind::OutsidePath),
        (r#"[{"n":"/lwm2m","vs":"x"}]"#, ErrorKind::OutsidePath),
        (
            r#"[{"bn":"/lwm2m/rootpath/3/0/","n":"0","vs":"x"},{"bn":"/3/0/","n":"1","vs":"y"}]"#,
            ErrorKind::OutsidePath,
        ),
        // The alternate path followed by no `/`: no path.
        (
            r#"[{"n":"/lwm2m/rootpathx/3/0/0","vs":"x"}]"#,
            ErrorKind::NotAPath,
        ),
        (
            r#"[{"n":"/lwm2m/rootpath3/0/0","vs":"x"}]"#,
            ErrorKind::NotAPath,
        ),
    ] {
        let e = records_under(ContentFormat::SenmlJson, ROOT, json.as_bytes()).unwrap_err();
        let at = if json.contains(r#""bn":"/3/0/""#) {
            48
        } else {
            1
        };
        assert_eq!(e.kind_at(), (&kind, Some(at)), "{json}");
        assert_eq!(e.format(), Some(ContentFormat::SenmlJson));
    }
    // SenML CBOR: `/3/0/0` under `/lwm2m/rootpath`.
    let cbor = hex("81 A2 00 66 2F 33 2F 30 2F 30 03 61 78");
    let e = records_under(ContentFormat::SenmlCbor, ROOT, &cbor).unwrap_err();
    assert_eq!(e.kind_at(), (&ErrorKind::OutsidePath, Some(1)));
    assert_eq!(e.format(), Some(ContentFormat::SenmlCbor));
}

#[test]
fn bad_alternate_paths_are_refused() {
    let records = [Record::new(p("/3/0/9"), Value::Integer(87))];
    for root in [
        "/",
        "lwm2m",
        "/lwm2m/",
        "//lwm2m",
        "/lwm2m//rootpath",
        "/lw\"m2m",
        "/lw m2m",
        "/lwm2m?x",
        "/é",
    ] {
        assert_eq!(
            senml::check_alternate_path(root),
            Err(ErrorKind::NotAPath),
            "{root}"
        );
        for f in [ContentFormat::SenmlJson, ContentFormat::SenmlCbor] {
            let e = records_under(f, root, b"").unwrap_err();
            assert_eq!(e.kind_at(), (&ErrorKind::NotAPath, None), "{root}");
            assert_eq!(e.format(), Some(f));
        }
        let e = senml_json::encode_records_with_alternate_path(root, &records).unwrap_err();
        assert_eq!(
            (e.kind(), e.format()),
            (&ErrorKind::NotAPath, Some(ContentFormat::SenmlJson))
        );
        let e = senml_cbor::encode_records_with_alternate_path(root, &records).unwrap_err();
        assert_eq!(
            (e.kind(), e.format()),
            (&ErrorKind::NotAPath, Some(ContentFormat::SenmlCbor))
        );
    }
    for root in ["", "/lwm2m", "/lwm2m/rootpath", "/a-b_c.d~e/x:y@z"] {
        assert_eq!(senml::check_alternate_path(root), Ok(()), "{root}");
    }
}
