//! The SenML worked examples of the formats reference (§9.3 A–D, §13 item 10), in both
//! SenML JSON and SenML CBOR, encoded and decoded byte for byte.

use ucifi_runtime::codec::senml::Record;
use ucifi_runtime::codec::{NoModel, senml_cbor, senml_json};
use ucifi_runtime::{
    InstanceNode, Node, ObjectLink, Path, ResourceInstanceNode, ResourceNode, ResourceValue, Value,
};

fn hex(s: &str) -> Vec<u8> {
    s.split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).unwrap())
        .collect()
}

fn single(id: u16, v: Value) -> ResourceNode {
    ResourceNode {
        id,
        value: ResourceValue::Single(v),
    }
}

fn multiple(id: u16, list: &[(u16, Value)]) -> ResourceNode {
    ResourceNode {
        id,
        value: ResourceValue::Multiple(
            list.iter()
                .map(|(id, value)| ResourceInstanceNode {
                    id: *id,
                    value: value.clone(),
                })
                .collect(),
        ),
    }
}

fn example_a_node() -> Node {
    Node::Instance(InstanceNode {
        id: 0,
        resources: vec![
            single(0, Value::String("ACME".into())),
            multiple(6, &[(0, Value::Integer(1)), (1, Value::Integer(5))]),
            single(9, Value::Integer(87)),
            single(13, Value::Integer(1_700_000_000)),
        ],
    })
}

const A_JSON: &str = r#"[{"bn":"/3/0/","n":"0","vs":"ACME"},{"n":"6/0","v":1},{"n":"6/1","v":5},{"n":"9","v":87},{"n":"13","v":1700000000}]"#;
const A_CBOR: &str = "85
 A3 21 65 2F 33 2F 30 2F 00 61 30 03 64 41 43 4D 45
 A2 00 63 36 2F 30 02 01
 A2 00 63 36 2F 31 02 05
 A2 00 61 39 02 18 57
 A2 00 62 31 33 02 1A 65 53 F1 00";

#[test]
fn example_a_read_instance() {
    let path = Path::instance(3, 0);
    let node = example_a_node();
    assert_eq!(
        String::from_utf8(senml_json::encode(&path, &node).unwrap()).unwrap(),
        A_JSON
    );
    let cbor = senml_cbor::encode(&path, &node).unwrap();
    assert_eq!(cbor.len(), 52);
    assert_eq!(cbor, hex(A_CBOR));
    assert_eq!(
        senml_json::decode(&path, A_JSON.as_bytes(), &NoModel).unwrap(),
        node
    );
    assert_eq!(
        senml_cbor::decode(&path, &hex(A_CBOR), &NoModel).unwrap(),
        node
    );

    // No heap: the same bytes into a caller's buffer.
    let mut buf = [0u8; 64];
    let n = senml_cbor::encode_into(&path, &node, &mut buf).unwrap();
    assert_eq!(&buf[..n], &hex(A_CBOR)[..]);
    let mut small = [0u8; 51];
    let err = senml_cbor::encode_into(&path, &node, &mut small).unwrap_err();
    assert_eq!(err.reason, "output buffer full");
}

#[test]
fn example_a_anjay_style_names_decode_the_same() {
    // Anjay splits the name as "/3/0" + "/9".
    let json = r#"[{"bn":"/3/0","n":"/0","vs":"ACME"},{"n":"/6/0","v":1},{"n":"/6/1","v":5},{"n":"/9","v":87},{"n":"/13","v":1700000000}]"#;
    assert_eq!(
        senml_json::decode(&Path::instance(3, 0), json.as_bytes(), &NoModel).unwrap(),
        example_a_node()
    );
}

fn example_b_records() -> Vec<Record> {
    vec![
        Record::new(Path::resource(1, 0, 6), Value::Boolean(true)),
        Record::new(
            Path::resource_instance(3, 0, 22, 0),
            Value::Objlnk(ObjectLink::new(3303, 0)),
        ),
        Record::new(
            Path::resource_instance(19, 0, 0, 0),
            Value::Opaque(vec![0x01, 0x02, 0x03, 0xFB, 0xFF]),
        ),
    ]
}

const B_JSON: &str = r#"[{"bn":"/1/0/","n":"6","vb":true},{"bn":"/3/0/","n":"22/0","vlo":"3303:0"},{"bn":"/19/0/","n":"0/0","vd":"AQID-_8"}]"#;
const B_CBOR: &str = "83
 A3 21 65 2F 31 2F 30 2F 00 61 36 04 F5
 A3 21 65 2F 33 2F 30 2F 00 64 32 32 2F 30 63 76 6C 6F 66 33 33 30 33 3A 30
 A3 21 66 2F 31 39 2F 30 2F 00 63 30 2F 30 08 45 01 02 03 FB FF";

#[test]
fn example_b_boolean_objlnk_opaque() {
    let records = example_b_records();
    assert_eq!(
        String::from_utf8(senml_json::encode_records(&records).unwrap()).unwrap(),
        B_JSON
    );
    assert_eq!(senml_cbor::encode_records(&records).unwrap(), hex(B_CBOR));
    assert_eq!(
        senml_json::decode_records(B_JSON.as_bytes(), &NoModel).unwrap(),
        records
    );
    assert_eq!(
        senml_cbor::decode_records(&hex(B_CBOR), &NoModel).unwrap(),
        records
    );
    let mut buf = [0u8; 80];
    let n = senml_cbor::encode_records_into(&records, &mut buf).unwrap();
    assert_eq!(&buf[..n], &hex(B_CBOR)[..]);
    // vd with padding is accepted too.
    let padded = B_JSON.replace("AQID-_8", "AQID-_8=");
    assert_eq!(
        senml_json::decode_records(padded.as_bytes(), &NoModel).unwrap(),
        records
    );
}

fn example_c_records() -> Vec<Record> {
    let p = Path::resource(3303, 0, 5700);
    vec![
        Record::timed(p, Value::Float(21.5), 1_700_000_000.0),
        Record::timed(p, Value::Float(21.75), 1_700_000_060.0),
        Record::timed(p, Value::Float(22.5), 1_700_000_120.0),
    ]
}

const C_JSON: &str =
    r#"[{"bn":"/3303/0/5700","bt":1700000000,"v":21.5},{"t":60,"v":21.75},{"t":120,"v":22.5}]"#;
const C_CBOR: &str = "83 A3 21 6C 2F 33 33 30 33 2F 30 2F 35 37 30 30 22 1A 65 53 F1 00 02 F9 4D 60
 A2 06 18 3C 02 F9 4D 70 A2 06 18 78 02 F9 4D A0";

#[test]
fn example_c_timestamped_send() {
    let records = example_c_records();
    assert_eq!(
        String::from_utf8(senml_json::encode_records(&records).unwrap()).unwrap(),
        C_JSON
    );
    assert_eq!(senml_cbor::encode_records(&records).unwrap(), hex(C_CBOR));
    assert_eq!(
        senml_json::decode_records(C_JSON.as_bytes(), &NoModel).unwrap(),
        records
    );
    assert_eq!(
        senml_cbor::decode_records(&hex(C_CBOR), &NoModel).unwrap(),
        records
    );
}

#[test]
fn example_c_reader_yields_times() {
    use ucifi_runtime::codec::{Event, RawValue, Reader};
    let bytes = hex(C_CBOR);
    let mut r = senml_cbor::SenmlCborReader::new(&bytes);
    let mut times = Vec::new();
    while let Some(ev) = r.next_event().unwrap() {
        match ev {
            Event::Value {
                path,
                value: RawValue::Float(_),
                time,
            } => {
                assert_eq!(path, Path::resource(3303, 0, 5700));
                times.push(time.unwrap());
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(times, [1_700_000_000.0, 1_700_000_060.0, 1_700_000_120.0]);
    // The same payload as a node is a duplicate path.
    let err = senml_cbor::decode(&Path::resource(3303, 0, 5700), &bytes, &NoModel).unwrap_err();
    assert_eq!(err.to_string(), "/3303/0/5700: duplicate path in payload");
}

const D_JSON: &str = r#"[{"n":"/3/0/9"},{"n":"/3303/0/5700"}]"#;
const D_CBOR: &str = "82 A1 00 66 2F 33 2F 30 2F 39 A1 00 6C 2F 33 33 30 33 2F 30 2F 35 37 30 30";

#[test]
fn example_d_read_composite_request() {
    let records = vec![
        Record::path_only(Path::resource(3, 0, 9)),
        Record::path_only(Path::resource(3303, 0, 5700)),
    ];
    assert_eq!(
        String::from_utf8(senml_json::encode_records(&records).unwrap()).unwrap(),
        D_JSON
    );
    assert_eq!(senml_cbor::encode_records(&records).unwrap(), hex(D_CBOR));
    assert_eq!(
        senml_json::decode_records(D_JSON.as_bytes(), &NoModel).unwrap(),
        records
    );
    assert_eq!(
        senml_cbor::decode_records(&hex(D_CBOR), &NoModel).unwrap(),
        records
    );
}

/// §13 item 10: Leshan writes `bt` as a tag-4 decimal fraction and repeats `bn` + `bt`.
const LESHAN: &str = "82
 A3 21 66 2F 30 2F 30 2F 30 22 C4 82 00 1A 1D CD 65 04 03 63 61 62 63
 A3 21 66 2F 30 2F 30 2F 31 22 C4 82 20 19 13 88 04 F5";

#[test]
fn leshan_decimal_fraction_base_time() {
    let records = senml_cbor::decode_records(&hex(LESHAN), &NoModel).unwrap();
    assert_eq!(
        records,
        vec![
            Record::timed(
                Path::resource(0, 0, 0),
                Value::String("abc".into()),
                500_000_004.0
            ),
            // 4([-1, 5000]) = 500.0
            Record::timed(Path::resource(0, 0, 1), Value::Boolean(true), 500.0),
        ]
    );
    // Our encoder writes the same records canonically (integers, relative t).
    assert_eq!(
        senml_cbor::encode_records(&records).unwrap(),
        hex(
            "82 A4 21 65 2F 30 2F 30 2F 22 1A 1D CD 65 04 00 61 30 03 63 61 62 63
             A3 00 61 31 06 3A 1D CD 63 0F 04 F5"
        )
    );
    // A fractional decimal fraction stays exact where binary allows it: 4([-1, 215]) = 21.5.
    let v = hex("81 A2 00 66 2F 33 2F 30 2F 39 02 C4 82 20 18 D7");
    assert_eq!(
        senml_cbor::decode_records(&v, &NoModel).unwrap(),
        vec![Record::new(Path::resource(3, 0, 9), Value::Float(21.5))]
    );
}

#[test]
fn indefinite_arrays_and_maps_are_accepted() {
    let v = hex("9F BF 21 65 2F 33 2F 30 2F 00 61 39 02 18 57 FF FF");
    assert_eq!(
        senml_cbor::decode_records(&v, &NoModel).unwrap(),
        vec![Record::new(Path::resource(3, 0, 9), Value::Integer(87))]
    );
}

/// §9.2: with an alternate path (LwM2M 1.2) names carry its prefix.
#[test]
fn alternate_path_prefix() {
    use ucifi_runtime::codec::decode_node;
    let json = br#"[{"bn":"/lwm2m/3/0/","n":"9","v":87}]"#;
    let expected = Node::Resource(single(9, Value::Integer(87)));
    let p = Path::resource(3, 0, 9);
    let mut r = senml_json::SenmlJsonReader::new(json).with_alternate_path("/lwm2m");
    assert_eq!(decode_node(&p, &mut r, &NoModel).unwrap(), expected);
    let cbor = hex("81 A3 21 6A 2F 6C 77 6D 32 6D 2F 33 2F 30 00 62 2F 39 02 18 57");
    let mut r = senml_cbor::SenmlCborReader::new(&cbor).with_alternate_path("/lwm2m/");
    assert_eq!(decode_node(&p, &mut r, &NoModel).unwrap(), expected);
    // Without the prefix configured the names are not paths; with it, plain names are
    // outside the alternate path.
    assert!(senml_json::decode(&p, json, &NoModel).is_err());
    let plain = br#"[{"n":"/3/0/9","v":87}]"#;
    let mut r = senml_json::SenmlJsonReader::new(plain).with_alternate_path("/lwm2m");
    assert_eq!(
        decode_node(&p, &mut r, &NoModel).unwrap_err().to_string(),
        "senml-json at byte 1: name outside the alternate path"
    );
}
