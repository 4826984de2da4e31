//! Property tests: SenML JSON, SenML CBOR, LwM2M JSON and link-format decoders never panic
//! on random or mutated input; random record lists round-trip through every record codec.

use proptest::prelude::*;
use ucifi_runtime::codec::senml::Record;
use ucifi_runtime::codec::{NoModel, TypeLookup, link_format, lwm2m_json, senml_cbor, senml_json};
use ucifi_runtime::{ContentFormat, CoreLink, DataType, ObjectLink, Path, Time, Value, codec};

/// Every resource ID has a fixed type, so generated values and decoding agree.
fn dtype(r: u16) -> DataType {
    const T: [DataType; 9] = [
        DataType::String,
        DataType::Integer,
        DataType::UnsignedInteger,
        DataType::Float,
        DataType::Boolean,
        DataType::Opaque,
        DataType::Time,
        DataType::Objlnk,
        DataType::Corelnk,
    ];
    T[usize::from(r % 9)]
}

struct Model;

impl TypeLookup for Model {
    fn resource_type(&self, _: u16, r: u16) -> Option<(DataType, bool)> {
        Some((dtype(r), false))
    }
}

fn value(dt: DataType) -> BoxedStrategy<Value> {
    match dt {
        DataType::String => any::<String>().prop_map(Value::String).boxed(),
        DataType::Integer => any::<i64>().prop_map(Value::Integer).boxed(),
        DataType::UnsignedInteger => any::<u64>().prop_map(Value::UnsignedInteger).boxed(),
        DataType::Float => any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::Float)
            .boxed(),
        DataType::Boolean => any::<bool>().prop_map(Value::Boolean).boxed(),
        DataType::Opaque => proptest::collection::vec(any::<u8>(), 0..12)
            .prop_map(Value::Opaque)
            .boxed(),
        DataType::Time => any::<i64>().prop_map(|t| Value::Time(Time(t))).boxed(),
        DataType::Objlnk => (any::<u16>(), any::<u16>())
            .prop_map(|(o, i)| Value::Objlnk(ObjectLink::new(o, i)))
            .boxed(),
        _ => any::<String>()
            .prop_map(|s| Value::Corelnk(CoreLink(s)))
            .boxed(),
    }
}

fn id() -> impl Strategy<Value = u16> {
    prop_oneof![4 => 0u16..4, 1 => 0u16..65535]
}

fn time() -> impl Strategy<Value = Option<f64>> {
    prop_oneof![
        2 => Just(None),
        2 => (-(1i64 << 40)..(1i64 << 40)).prop_map(|t| Some(t as f64)),
        1 => any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Some),
    ]
}

fn record() -> impl Strategy<Value = Record> {
    prop_oneof![
        3 => (id(), id(), id(), proptest::option::of(id()), time()).prop_flat_map(|(o, i, r, ri, t)| {
            let path = match ri {
                Some(ri) => Path::resource_instance(o, i, r, ri),
                None => Path::resource(o, i, r),
            };
            value(dtype(r)).prop_map(move |v| Record { path, value: Some(v), time: t })
        }),
        1 => proptest::collection::vec(id(), 1..=4).prop_map(|ids| Record {
            path: Path::from_ids(&ids).unwrap(),
            value: None,
            time: None,
        }),
    ]
}

fn records() -> impl Strategy<Value = Vec<Record>> {
    proptest::collection::vec(record(), 0..8).prop_map(|mut list| {
        let mut seen = std::collections::HashSet::new();
        list.retain(|r| seen.insert((r.path, r.time.map(f64::to_bits))));
        list
    })
}

/// Decoders that must not panic, whatever the input.
fn decode_all(bytes: &[u8]) {
    let _ = senml_json::decode_records(bytes, &NoModel);
    let _ = senml_json::decode_records(bytes, &Model);
    let _ = senml_cbor::decode_records(bytes, &NoModel);
    let _ = senml_cbor::decode_records(bytes, &Model);
    let _ = lwm2m_json::decode_records(bytes, &Model);
    for path in [
        Path::object(3),
        Path::instance(3, 0),
        Path::resource(3, 0, 9),
        Path::resource_instance(3, 0, 6, 1),
    ] {
        for f in [
            ContentFormat::SenmlJson,
            ContentFormat::SenmlCbor,
            ContentFormat::Lwm2mJson,
        ] {
            let _ = codec::decode(f, &path, bytes, &NoModel);
            let _ = codec::decode(f, &path, bytes, &Model);
        }
    }
    let text = String::from_utf8_lossy(bytes);
    if let Ok(links) = link_format::parse(&text) {
        for l in &links {
            let _ = l.attributes();
        }
        let _ = link_format::serialize(&links);
    }
    let _ = link_format::RegisterPayload::parse(&text);
    let _ = link_format::parse_discover(&text);
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

const SEEDS: &[&[u8]] = &[
    br#"[{"bn":"/3/0/","n":"0","vs":"ACME"},{"n":"6/0","v":1},{"n":"6/1","v":5},{"n":"9","v":87},{"n":"13","v":1700000000}]"#,
    br#"[{"bn":"/1/0/","n":"6","vb":true},{"bn":"/3/0/","n":"22/0","vlo":"3303:0"},{"bn":"/19/0/","n":"0/0","vd":"AQID-_8"}]"#,
    br#"[{"bn":"/3303/0/5700","bt":1700000000,"v":21.5},{"t":60,"v":21.75},{"t":120,"v":22.5}]"#,
    br#"{"bn":"/3/0/","e":[{"n":"0","sv":"ACME"},{"n":"6/0","v":1},{"n":"9","v":87},{"n":"22/0","ov":"3303:0"},{"n":"13","v":1700000000}]}"#,
    br#"</>;rt="oma.lwm2m";ct="60 110 112 11542",</1/0>,</3/0>,</3303/0>,</3303/1>,</3442>;ver=2.0,</3442/0>,</5>"#,
    br#"</>;lwm2m=1.1,</0/0>,</0/1>;ssid=101;uri="coaps://lw.example.com:5684",</1/0>;ssid=101,</3/0>"#,
    &[
        0x83, 0xA3, 0x21, 0x65, 0x2F, 0x31, 0x2F, 0x30, 0x2F, 0x00, 0x61, 0x36, 0x04, 0xF5, 0xA3,
        0x21, 0x65, 0x2F, 0x33, 0x2F, 0x30, 0x2F, 0x00, 0x64, 0x32, 0x32, 0x2F, 0x30, 0x63, 0x76,
        0x6C, 0x6F, 0x66, 0x33, 0x33, 0x30, 0x33, 0x3A, 0x30, 0xA3, 0x21, 0x66, 0x2F, 0x31, 0x39,
        0x2F, 0x30, 0x2F, 0x00, 0x63, 0x30, 0x2F, 0x30, 0x08, 0x45, 0x01, 0x02, 0x03, 0xFB, 0xFF,
    ],
    &[
        0x82, 0xA3, 0x21, 0x66, 0x2F, 0x30, 0x2F, 0x30, 0x2F, 0x30, 0x22, 0xC4, 0x82, 0x00, 0x1A,
        0x1D, 0xCD, 0x65, 0x04, 0x03, 0x63, 0x61, 0x62, 0x63, 0x9F, 0xBF, 0x00, 0x61, 0x31, 0xFF,
        0xFF,
    ],
];

/// Records of one object with few IDs: many merges, revisits and duplicates.
fn dense_records() -> impl Strategy<Value = Vec<Record>> {
    let rec = (0u16..3, 0u16..5, proptest::option::of(0u16..3)).prop_flat_map(|(i, r, ri)| {
        let path = match ri {
            Some(ri) => Path::resource_instance(1, i, r, ri),
            None => Path::resource(1, i, r),
        };
        value(dtype(r)).prop_map(move |v| Record::new(path, v))
    });
    proptest::collection::vec(rec, 0..12)
}

proptest! {
    #[test]
    fn direct_node_builder_matches_the_generic_one_on_dense_input(list in dense_records()) {
        let Ok(j) = senml_json::encode_records(&list) else { return Ok(()) };
        let c = senml_cbor::encode_records(&list).unwrap();
        let models: [&dyn TypeLookup; 2] = [&NoModel, &Model];
        for target in [Path::object(1), Path::instance(1, 0), Path::resource(1, 0, 1)] {
            for types in models {
                let direct = senml_json::decode(&target, &j, types);
                let generic =
                    codec::decode_node(&target, &mut senml_json::SenmlJsonReader::new(&j), types);
                prop_assert_eq!(direct, generic);
                let direct = senml_cbor::decode(&target, &c, types);
                let generic =
                    codec::decode_node(&target, &mut senml_cbor::SenmlCborReader::new(&c), types);
                prop_assert_eq!(direct, generic);
            }
        }
    }


    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        decode_all(&bytes);
    }

    #[test]
    fn mutated_payloads_never_panic(
        seed in 0..SEEDS.len(),
        ms in proptest::collection::vec(mutation(), 1..6),
    ) {
        decode_all(&mutate(SEEDS[seed].to_vec(), &ms));
    }

    #[test]
    fn mutated_encodings_never_panic(
        list in records(),
        ms in proptest::collection::vec(mutation(), 1..6),
    ) {
        if let Ok(j) = senml_json::encode_records(&list) {
            decode_all(&mutate(j, &ms));
        }
        decode_all(&mutate(senml_cbor::encode_records(&list).unwrap(), &ms));
    }

    #[test]
    fn records_round_trip(list in records()) {
        let j = senml_json::encode_records(&list).unwrap();
        prop_assert_eq!(&senml_json::decode_records(&j, &Model).unwrap(), &list,
            "{}", String::from_utf8_lossy(&j));
        let c = senml_cbor::encode_records(&list).unwrap();
        prop_assert_eq!(&senml_cbor::decode_records(&c, &Model).unwrap(), &list);
        let mut buf = [0u8; 2048];
        let n = senml_cbor::encode_records_into(&list, &mut buf).unwrap();
        prop_assert_eq!(&buf[..n], &c[..]);
        let l = lwm2m_json::encode_records(&list).unwrap();
        prop_assert_eq!(&lwm2m_json::decode_records(&l, &Model).unwrap(), &list,
            "{}", String::from_utf8_lossy(&l));
    }

    #[test]
    fn direct_node_builder_matches_the_generic_one(list in records(), depth in 1usize..=4) {
        let Ok(j) = senml_json::encode_records(&list) else { return Ok(()) };
        let c = senml_cbor::encode_records(&list).unwrap();
        let target = list
            .first()
            .map(|r| Path::from_ids(&r.path.ids()[..depth.min(r.path.len())]).unwrap())
            .unwrap_or(Path::object(0));
        let models: [&dyn TypeLookup; 2] = [&NoModel, &Model];
        for types in models {
            let direct = senml_json::decode(&target, &j, types);
            let generic = codec::decode_node(&target, &mut senml_json::SenmlJsonReader::new(&j), types);
            prop_assert_eq!(direct, generic);
            let direct = senml_cbor::decode(&target, &c, types);
            let generic = codec::decode_node(&target, &mut senml_cbor::SenmlCborReader::new(&c), types);
            prop_assert_eq!(direct, generic);
        }
    }

    #[test]
    fn link_format_round_trips(
        links in proptest::collection::vec(
            (proptest::collection::vec(id(), 0..=4),
             proptest::collection::vec(("[a-z]{1,6}", proptest::option::of(("[ -~]{0,8}", any::<bool>()))), 0..4)),
            0..5)
    ) {
        let built: Vec<link_format::Link<'static>> = links
            .iter()
            .map(|(ids, params)| {
                let mut l = link_format::Link::new(format!("{}", Path::from_ids(ids).unwrap()));
                for (name, v) in params {
                    l.params.push(match v {
                        // An unquoted value must be a non-empty token.
                        Some((v, quoted)) if *quoted || (!v.is_empty() && !v.contains([' ', ';', ',', '"'])) => {
                            if *quoted {
                                link_format::Param::quoted(name.clone(), v.clone())
                            } else {
                                link_format::Param::token(name.clone(), v.clone())
                            }
                        }
                        _ => link_format::Param {
                            name: name.clone().into(),
                            value: None,
                            quoted: false,
                            offset: 0,
                        },
                    });
                }
                l
            })
            .collect();
        let text = link_format::serialize(&built);
        let parsed = link_format::parse(&text).unwrap();
        prop_assert_eq!(&link_format::serialize(&parsed), &text);
        prop_assert_eq!(parsed.len(), built.len());
        for (p, b) in parsed.iter().zip(&built) {
            prop_assert_eq!(&p.target, &b.target);
            prop_assert_eq!(p.params.len(), b.params.len());
            for (pp, bp) in p.params.iter().zip(&b.params) {
                prop_assert_eq!((&pp.name, &pp.value, pp.quoted), (&bp.name, &bp.value, bp.quoted));
            }
        }
    }
}
