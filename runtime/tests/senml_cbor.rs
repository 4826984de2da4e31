//! SenML CBOR (112, spec §9, RFC 8428 §6): the worked examples both ways, golden values,
//! input forms, exact `(ErrorKind, offset)` of malformed payloads, times, the writer,
//! hostile and large inputs, random record lists and mutations.

mod common;

use common::{hex, p, to_hex};

use proptest::prelude::*;
use ucifi_runtime::codec::senml::Record;
use ucifi_runtime::codec::{
    self, ErrorKind, Event, NoModel, RawValue, SliceOutput, TypeLookup, ValueError, Writer,
    senml_cbor, senml_cbor::SenmlCborWriter,
};
use ucifi_runtime::{
    ContentFormat as F, CoreLink, DataType, InstanceNode, Node, ObjectLink, Path,
    ResourceInstanceNode, ResourceNode, ResourceValue, Time, Value, ValueRef,
};

/// Every resource has type `TYPES[r % 9]`, single-instance.
struct Model;

const TYPES: [DataType; 9] = [
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

impl TypeLookup for Model {
    fn resource_type(&self, _: u16, r: u16) -> Option<(DataType, bool)> {
        Some((TYPES[usize::from(r % 9)], false))
    }
}

/// One type for every resource.
struct One(DataType);

impl TypeLookup for One {
    fn resource_type(&self, _: u16, _: u16) -> Option<(DataType, bool)> {
        Some((self.0, false))
    }
}

fn int(v: i64) -> Value {
    Value::Integer(v)
}

fn single(id: u16, v: Value) -> ResourceNode {
    ResourceNode {
        id,
        value: ResourceValue::Single(v),
    }
}

fn multi(id: u16, items: &[(u16, Value)]) -> ResourceNode {
    ResourceNode {
        id,
        value: ResourceValue::Multiple(
            items
                .iter()
                .map(|(id, value)| ResourceInstanceNode {
                    id: *id,
                    value: value.clone(),
                })
                .collect(),
        ),
    }
}

fn records(h: &str) -> Result<Vec<Record>, (ErrorKind, Option<usize>)> {
    senml_cbor::decode_records(&hex(h), &NoModel).map_err(|e| {
        assert_eq!(e.format(), Some(F::SenmlCbor), "{e}");
        let (k, o) = e.kind_at();
        (k.clone(), o)
    })
}

/// The leaves of `h`, typed by [`Model`] in object 1, /3/0/9 as an Integer.
fn leaves(h: &str) -> Vec<(Path, Value)> {
    struct Object1;
    impl TypeLookup for Object1 {
        fn resource_type(&self, o: u16, r: u16) -> Option<(DataType, bool)> {
            match (o, r) {
                (1, _) => Model.resource_type(o, r),
                (3, 9) => Some((DataType::Integer, false)),
                _ => None,
            }
        }
    }
    let r = senml_cbor::decode_records(&hex(h), &Object1).unwrap();
    r.into_iter().map(|r| (r.path, r.value.unwrap())).collect()
}

// ---- §9.3 examples ----

const A_CBOR: &str = "85
 A3 21 65 2F 33 2F 30 2F 00 61 30 03 64 41 43 4D 45
 A2 00 63 36 2F 30 02 01
 A2 00 63 36 2F 31 02 05
 A2 00 61 39 02 18 57
 A2 00 62 31 33 02 1A 65 53 F1 00";

#[test]
fn example_a_read_instance() {
    let path = p("/3/0");
    let node = Node::Instance(InstanceNode {
        id: 0,
        resources: vec![
            single(0, Value::String("ACME".into())),
            multi(6, &[(0, int(1)), (1, int(5))]),
            single(9, int(87)),
            single(13, int(1_700_000_000)),
        ],
    });
    let cbor = codec::encode(F::SenmlCbor, &path, &node).unwrap();
    assert_eq!(cbor.len(), 52);
    assert_eq!(to_hex(&cbor), to_hex(&hex(A_CBOR)));
    assert_eq!(
        codec::decode(F::SenmlCbor, &path, &hex(A_CBOR), &NoModel),
        Ok(node.clone())
    );
    // The same bytes into a caller's buffer; one byte short is BufferFull.
    let mut buf = [0u8; 64];
    assert_eq!(
        codec::encode_into(F::SenmlCbor, &path, &node, &mut buf),
        Ok(52)
    );
    assert_eq!(buf[..52], hex(A_CBOR)[..]);
    let mut small = [0u8; 51];
    let e = codec::encode_into(F::SenmlCbor, &path, &node, &mut small).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::BufferFull);
    assert_eq!(e.format(), Some(F::SenmlCbor));
    // Anjay splits names as "/3/0" + "/9".
    let anjay = hex(
        "85 A3 21 64 2F 33 2F 30 00 62 2F 30 03 64 41 43 4D 45 A2 00 64 2F 36 2F 30 02 01
         A2 00 64 2F 36 2F 31 02 05 A2 00 62 2F 39 02 18 57 A2 00 63 2F 31 33 02 1A 65 53 F1 00",
    );
    assert_eq!(
        codec::decode(F::SenmlCbor, &path, &anjay, &NoModel),
        Ok(node)
    );
}

const B_CBOR: &str = "83
 A3 21 65 2F 31 2F 30 2F 00 61 36 04 F5
 A3 21 65 2F 33 2F 30 2F 00 64 32 32 2F 30 63 76 6C 6F 66 33 33 30 33 3A 30
 A3 21 66 2F 31 39 2F 30 2F 00 63 30 2F 30 08 45 01 02 03 FB FF";

#[test]
fn example_b_boolean_objlnk_opaque() {
    let list = vec![
        Record::new(p("/1/0/6"), Value::Boolean(true)),
        Record::new(p("/3/0/22/0"), Value::Objlnk(ObjectLink::new(3303, 0))),
        Record::new(p("/19/0/0/0"), Value::Opaque(vec![1, 2, 3, 0xFB, 0xFF])),
    ];
    let enc = senml_cbor::encode_records(&list).unwrap();
    assert_eq!(to_hex(&enc), to_hex(&hex(B_CBOR)));
    assert_eq!(records(B_CBOR), Ok(list.clone()));
    let mut buf = [0u8; 80];
    let out = senml_cbor::encode_records_to(&list, SliceOutput::new(&mut buf)).unwrap();
    assert_eq!(out.into_bytes(), &hex(B_CBOR)[..]);
}

const C_CBOR: &str = "83 A3 21 6C 2F 33 33 30 33 2F 30 2F 35 37 30 30 22 1A 65 53 F1 00 02 F9 4D 60
 A2 06 18 3C 02 F9 4D 70 A2 06 18 78 02 F9 4D A0";

#[test]
fn example_c_timestamped_send() {
    let t = p("/3303/0/5700");
    let list = vec![
        Record::timed(t, Value::Float(21.5), 1_700_000_000.0),
        Record::timed(t, Value::Float(21.75), 1_700_000_060.0),
        Record::timed(t, Value::Float(22.5), 1_700_000_120.0),
    ];
    assert_eq!(
        to_hex(&senml_cbor::encode_records(&list).unwrap()),
        to_hex(&hex(C_CBOR))
    );
    assert_eq!(records(C_CBOR), Ok(list));
    // As events: one value per record, with its resolved time.
    let bytes = hex(C_CBOR);
    let mut events = Vec::new();
    senml_cbor::decode(&Path::ROOT, &bytes, &mut events).unwrap();
    let times: Vec<_> = events
        .iter()
        .map(|e| match e {
            Event::Value {
                path,
                value: RawValue::Float(_),
                time,
            } if *path == t => time.unwrap(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(times, [1_700_000_000.0, 1_700_000_060.0, 1_700_000_120.0]);
    // As a node, the same path three times is a duplicate (at the second record).
    let e = codec::decode(F::SenmlCbor, &t, &bytes, &NoModel).unwrap_err();
    assert_eq!(e.kind_at(), (&ErrorKind::DuplicatePath, Some(26)));
    assert_eq!(e.path(), Some(t));
}

#[test]
fn example_d_read_composite_request() {
    let d = "82 A1 00 66 2F 33 2F 30 2F 39 A1 00 6C 2F 33 33 30 33 2F 30 2F 35 37 30 30";
    let list = vec![
        Record::path_only(p("/3/0/9")),
        Record::path_only(p("/3303/0/5700")),
    ];
    assert_eq!(
        to_hex(&senml_cbor::encode_records(&list).unwrap()),
        to_hex(&hex(d))
    );
    assert_eq!(records(d), Ok(list));
    // Path-only records are not values for a node.
    let e = codec::decode(F::SenmlCbor, &p("/3/0/9"), &hex(d), &NoModel).unwrap_err();
    assert_eq!(e.kind_at(), (&ErrorKind::PathWithoutValue, Some(1)));
}

#[test]
fn leshan_decimal_fraction_base_time() {
    // §13: Leshan writes `bt` as a tag-4 decimal fraction and repeats `bn` + `bt`.
    let leshan = "82 A3 21 66 2F 30 2F 30 2F 30 22 C4 82 00 1A 1D CD 65 04 03 63 61 62 63
                  A3 21 66 2F 30 2F 30 2F 31 22 C4 82 20 19 13 88 04 F5";
    let list = vec![
        Record::timed(p("/0/0/0"), Value::String("abc".into()), 500_000_004.0),
        Record::timed(p("/0/0/1"), Value::Boolean(true), 500.0),
    ];
    assert_eq!(records(leshan), Ok(list.clone()));
    // Written back canonically: integers, relative `t`.
    assert_eq!(
        to_hex(&senml_cbor::encode_records(&list).unwrap()),
        "82 A4 21 65 2F 30 2F 30 2F 22 1A 1D CD 65 04 00 61 30 03 63 61 62 63 \
         A3 00 61 31 06 3A 1D CD 63 0F 04 F5"
    );
    let r = records(
        "82 A3 21 66 2F 30 2F 30 2F 30 22 C4 82 00 1A 1D CD 65 04 03 61 78
            A3 21 66 2F 30 2F 30 2F 31 22 C4 82 21 1A 1D CD 65 04 04 F5",
    )
    .unwrap();
    assert_eq!(r[1].time, Some(5_000_000.04));
    // 4([-1, 215]) = 21.5.
    assert_eq!(
        records("81 A2 00 66 2F 33 2F 30 2F 39 02 C4 82 20 18 D7"),
        Ok(vec![Record::new(p("/3/0/9"), Value::Float(21.5))])
    );
}

#[test]
fn alternate_path() {
    let cbor = hex("81 A3 21 6A 2F 6C 77 6D 32 6D 2F 33 2F 30 00 62 2F 39 02 18 57");
    let mut events = Vec::new();
    senml_cbor::decode_with_alternate_path("/lwm2m", &cbor, &mut events).unwrap();
    assert_eq!(
        events,
        vec![Event::Value {
            path: p("/3/0/9"),
            value: RawValue::Integer(87),
            time: None
        }]
    );
    // Without the prefix the names are not paths; with it, plain names are outside it.
    assert_eq!(
        records("81 A3 21 6A 2F 6C 77 6D 32 6D 2F 33 2F 30 00 62 2F 39 02 18 57"),
        Err((ErrorKind::NotAPath, Some(1)))
    );
    let plain = hex("81 A2 00 66 2F 33 2F 30 2F 39 02 01");
    let e = senml_cbor::decode_with_alternate_path("/lwm2m", &plain, &mut Vec::new()).unwrap_err();
    assert_eq!(e.kind_at(), (&ErrorKind::OutsidePath, Some(1)));
}

// ---- golden values ----

#[test]
fn golden_values() {
    use Value::*;
    let path = p("/1/0/1");
    for (value, field) in [
        (Integer(0), "02 00"),
        (Integer(-1), "02 20"),
        (Integer(23), "02 17"),
        (Integer(24), "02 18 18"),
        (Integer(-129), "02 38 80"),
        (Integer(65536), "02 1A 00 01 00 00"),
        (Integer(i64::MIN), "02 3B 7F FF FF FF FF FF FF FF"),
        (Integer(i64::MAX), "02 1B 7F FF FF FF FF FF FF FF"),
        (UnsignedInteger(u64::MAX), "02 1B FF FF FF FF FF FF FF FF"),
        (Float(21.5), "02 F9 4D 60"),
        (Float(1.0), "02 F9 3C 00"),
        (Float(-0.0), "02 F9 80 00"),
        (Float(100000.0), "02 FA 47 C3 50 00"),
        (Float(3.4028234663852886e38), "02 FA 7F 7F FF FF"),
        (Float(0.1), "02 FB 3F B9 99 99 99 99 99 9A"),
        (Float(1e300), "02 FB 7E 37 E4 3C 88 00 75 9C"),
        (Float(f64::NEG_INFINITY), "02 F9 FC 00"),
        (Boolean(false), "04 F4"),
        (Boolean(true), "04 F5"),
        (String("".into()), "03 60"),
        (String("a\"\\\n\u{1}é".into()), "03 67 61 22 5C 0A 01 C3 A9"),
        (Opaque(vec![]), "08 40"),
        (Opaque(vec![0xFB, 0xFF, 0xBF]), "08 43 FB FF BF"),
        (Time(ucifi_runtime::Time(0)), "02 00"),
        (
            Time(ucifi_runtime::Time(-1_700_000_000)),
            "02 3A 65 53 F0 FF",
        ),
        (Objlnk(ObjectLink::new(0, 0)), "63 76 6C 6F 63 30 3A 30"),
        (
            Objlnk(ObjectLink::NULL),
            "63 76 6C 6F 6B 36 35 35 33 35 3A 36 35 35 33 35",
        ),
        (Corelnk(CoreLink("</1>".into())), "03 64 3C 2F 31 3E"),
    ] {
        let list = vec![Record::new(path, value.clone())];
        let enc = senml_cbor::encode_records(&list).unwrap();
        assert_eq!(
            to_hex(&enc),
            format!("81 A2 21 66 2F 31 2F 30 2F 31 {field}")
        );
        let types = One(value.data_type());
        assert_eq!(
            senml_cbor::decode_records(&enc, &types),
            Ok(list),
            "{field}"
        );
    }
    // NaN is written as the canonical half NaN.
    let nan = [Record::new(path, Float(f64::NAN))];
    assert_eq!(
        senml_cbor::encode_records(&nan).unwrap()[10..],
        hex("02 F9 7E 00")[..]
    );
    // The longest names.
    let long = p("/65534/65534/65534/65534");
    let r = [Record::new(long, Boolean(true))];
    let enc = senml_cbor::encode_records(&r).unwrap();
    assert_eq!(enc[..5], hex("81 A2 21 78 18")[..]);
    assert_eq!(&enc[5..29], b"/65534/65534/65534/65534");
    assert_eq!(senml_cbor::decode_records(&enc, &NoModel), Ok(r.to_vec()));
    let q = [Record::path_only(long), Record::path_only(Path::object(1))];
    let enc = senml_cbor::encode_records(&q).unwrap();
    assert_eq!(senml_cbor::decode_records(&enc, &NoModel), Ok(q.to_vec()));
    assert_eq!(senml_cbor::encode_records(&[]).unwrap(), hex("80"));
}

#[test]
fn input_forms() {
    let want = vec![(p("/3/0/9"), int(87))];
    for h in [
        "81 A2 00 66 2F 33 2F 30 2F 39 02 18 57",
        // Indefinite array, map and name string.
        "9F BF 00 7F 63 2F 33 2F 63 30 2F 39 FF 02 18 57 FF FF",
        "9F BF 21 65 2F 33 2F 30 2F 00 61 39 02 18 57 FF FF",
        // Labels in non-minimal integer forms.
        "81 A2 18 00 66 2F 33 2F 30 2F 39 19 00 02 18 57",
        "81 A3 38 01 65 2F 33 2F 30 2F 18 00 61 39 02 18 57",
        // The value in a non-minimal width, as a decimal fraction, as an integral float.
        "81 A2 00 66 2F 33 2F 30 2F 39 02 1B 00 00 00 00 00 00 00 57",
        "81 A2 00 66 2F 33 2F 30 2F 39 02 C4 82 00 18 57",
        "81 A2 00 66 2F 33 2F 30 2F 39 02 F9 55 70",
        // Unknown labels: integers (positive, negative, long) and text, any value.
        "81 A4 00 66 2F 33 2F 30 2F 39 18 64 82 A0 80 63 66 6F 6F BF 01 02 FF 02 18 57",
        "81 A3 00 66 2F 33 2F 30 2F 39 38 63 C1 01 02 18 57",
        "81 A3 00 66 2F 33 2F 30 2F 39 1B FF FF FF FF FF FF FF FF 5F 41 01 FF 02 18 57",
        // RFC 8428 fields LwM2M does not use; bv only as 0.
        "81 A9 20 0A 23 63 43 65 6C 01 63 43 65 6C 25 00 05 01 07 05 24 00 \
         00 66 2F 33 2F 30 2F 39 02 18 57",
        "81 A4 00 7F 62 2F 33 64 2F 30 2F 39 FF 18 63 A1 01 82 40 F6 01 61 25 02 18 57",
    ] {
        assert_eq!(leaves(h), want, "{h}");
    }
    // Floats of any width, integers for Float.
    for v in ["FA 41 B4 00 00", "FB 40 36 80 00 00 00 00 00", "F9 4D A0"] {
        let h = format!("81 A2 00 66 2F 31 2F 30 2F 33 02 {v}");
        assert_eq!(leaves(&h), vec![(p("/1/0/3"), Value::Float(22.5))]);
    }
    assert_eq!(
        leaves("81 A2 00 66 2F 31 2F 30 2F 33 02 05"),
        vec![(p("/1/0/3"), Value::Float(5.0))]
    );
    // A string link for an Objlnk resource (Leshan).
    assert_eq!(
        leaves("81 A2 00 66 2F 31 2F 30 2F 37 03 66 33 33 30 33 3A 31"),
        vec![(p("/1/0/7"), Value::Objlnk(ObjectLink::new(3303, 1)))]
    );
    // Numbers of any width: a long integer value and a double time.
    let v =
        "81 A3 21 66 2F 31 2F 30 2F 31 02 1B 00 00 00 00 00 00 00 57 06 FB 40 35 80 00 00 00 00 00";
    assert_eq!(
        senml_cbor::decode_records(&hex(v), &One(DataType::Integer)),
        Ok(vec![Record::timed(p("/1/0/1"), int(87), 21.5)])
    );
    // Empty packs.
    assert_eq!(records("80"), Ok(vec![]));
    assert_eq!(records("9F FF"), Ok(vec![]));
}

#[test]
fn time_fields_and_tags() {
    let t = Value::Time(Time(1_700_000_000));
    let rfc3339 = "C0 74 32 30 32 33 2D 31 31 2D 31 34 54 32 32 3A 31 33 3A 32 30 5A";
    for v in ["C1 1A 65 53 F1 00", rfc3339] {
        let h = format!("81 A2 00 66 2F 31 2F 30 2F 36 02 {v}");
        assert_eq!(leaves(&h), vec![(p("/1/0/6"), t.clone())], "{v}");
    }
    // Base time as a float, tag 1 on a value; a tag-0 base time.
    let r =
        records("81 A3 00 66 2F 31 2F 30 2F 31 22 FB 41 D9 54 FC 40 00 00 00 02 C1 1A 65 53 F1 00");
    // /1/0/1 has no model here: the tagged time reads as the Integer encoders write.
    assert_eq!(
        r,
        Ok(vec![Record::timed(
            p("/1/0/1"),
            Value::Integer(1_700_000_000),
            1_700_000_000.0
        )])
    );
    let r = records(&format!("81 A3 00 66 2F 33 2F 30 2F 39 22 {rfc3339} 02 01")).unwrap();
    assert_eq!(r[0].time, Some(1_700_000_000.0));
    // Tag 0 on a non-text, or text that is not a date.
    assert_eq!(
        records("81 A2 00 66 2F 33 2F 30 2F 39 02 C0 01"),
        Err((ErrorKind::InvalidTime, Some(11)))
    );
    assert_eq!(
        records("81 A2 00 66 2F 33 2F 30 2F 39 02 C0 61 31"),
        Err((ErrorKind::InvalidTime, Some(11)))
    );
    // Relative times (RFC 8428 §4.5.3) are kept as resolved; `absolute_time` applies them.
    let r = records(
        "82 A3 21 6C 2F 33 33 30 33 2F 30 2F 35 37 30 30 22 38 3B 02 F9 4D 60
            A2 06 18 1E 02 F9 4D 70",
    )
    .unwrap();
    let now = 1_700_000_000.0;
    let times: Vec<_> = r.iter().map(|r| (r.time, r.absolute_time(now))).collect();
    assert_eq!(
        times,
        [
            (Some(-60.0), Some(1_699_999_940.0)),
            (Some(-30.0), Some(1_699_999_970.0))
        ]
    );
    // Times written: integral ones as integers (relative to the first), others absolute.
    let q = p("/1/0/3");
    let list = [
        Record::timed(q, Value::Float(1.0), 10.5),
        Record::timed(q, Value::Float(2.0), 11.0),
    ];
    assert_eq!(
        to_hex(&senml_cbor::encode_records(&list).unwrap()),
        "82 A3 21 66 2F 31 2F 30 2F 33 06 F9 49 40 02 F9 3C 00 A2 06 0B 02 F9 40 00"
    );
    assert_eq!(
        senml_cbor::decode_records(&senml_cbor::encode_records(&list).unwrap(), &NoModel),
        Ok(list.to_vec())
    );
}

#[test]
fn malformed_payloads() {
    use ErrorKind::*;
    let unexpected = Syntax(codec::Syntax::UnexpectedValue);
    let invalid = Syntax(codec::Syntax::InvalidCbor);
    let cases: &[(&str, ErrorKind, usize)] = &[
        // The pack.
        ("A0", unexpected.clone(), 0),
        ("1C", invalid.clone(), 0),
        ("81", Truncated, 1),
        ("80 00", TrailingBytes, 1),
        ("81 01", unexpected.clone(), 1),
        ("81 1C", invalid.clone(), 1),
        ("82 A2 00 66 2F 33 2F 30 2F 39 02 01", Truncated, 12),
        ("9F A2 00 66 2F 33 2F 30 2F 39 02 01", Truncated, 12),
        ("81 A2 00 66 2F 33 2F 30 2F 39 02 01 00", TrailingBytes, 12),
        ("81 BB FF FF FF FF FF FF FF FF", Truncated, 10),
        ("9B FF FF FF FF FF FF FF FF A0", NotAPath, 9),
        ("81 A0", NotAPath, 1),
        // Labels.
        ("81 A2 00 66 2F 33 2F 30 2F 39 FF", unexpected.clone(), 10),
        (
            "81 A2 00 66 2F 33 2F 30 2F 39 A0 01",
            unexpected.clone(),
            10,
        ),
        (
            "81 A2 00 66 2F 33 2F 30 2F 39 80 01",
            unexpected.clone(),
            10,
        ),
        ("81 A2 00 61 39 41 00 01", unexpected.clone(), 5),
        ("81 A2 00 61 39 C1 00 01", unexpected.clone(), 5),
        ("81 A2 00 61 39 62 78 5F 01", InvalidField, 5),
        (
            "81 A3 00 66 2F 33 2F 30 2F 39 02 01 64 66 6F 6F 5F 01",
            InvalidField,
            12,
        ),
        ("81 A2 00 61 39 00 61 38", InvalidField, 5),
        (
            "81 A3 00 66 2F 33 2F 30 2F 39 02 01 02 02",
            InvalidField,
            12,
        ),
        (
            "81 A3 00 66 2F 33 2F 30 2F 39 02 01 18 02 02",
            InvalidField,
            12,
        ),
        (
            "81 A3 00 66 2F 33 2F 30 2F 39 02 01 03 61 31",
            InvalidField,
            12,
        ),
        ("81 A3 00 61 39 02 01 03 60", InvalidField, 7),
        (
            "81 A3 00 66 2F 33 2F 30 2F 39 24 01 02 01",
            InvalidField,
            11,
        ),
        // Values of the wrong type.
        ("81 A1 00 01", unexpected.clone(), 3),
        ("81 A1 00 5F 41 00 FF", unexpected.clone(), 3),
        ("81 A1 21 F6", unexpected.clone(), 3),
        ("81 A2 00 61 39 02 61 31", unexpected.clone(), 6),
        ("81 A2 00 61 39 02 F6", unexpected.clone(), 6),
        ("81 A2 00 61 39 02 80", unexpected.clone(), 6),
        ("81 A2 00 61 39 04 00", unexpected.clone(), 6),
        ("81 A2 00 61 39 08 61 31", unexpected.clone(), 6),
        ("81 A2 00 61 39 06 61 31", unexpected.clone(), 6),
        ("81 A2 00 61 39 01 02", unexpected.clone(), 6),
        (
            "81 A2 00 66 2F 33 2F 30 2F 39 63 76 6C 6F 61 31",
            InvalidObjectLink,
            14,
        ),
        // The notation.
        ("81 A1 00 1C", invalid.clone(), 3),
        ("81 A1 00 62 C3 28", InvalidUtf8, 3),
        ("81 A1 00 7F 61 2F 41 33 FF", invalid.clone(), 6),
        ("81 A1 00 7A FF FF FF FF", Truncated, 8),
        (
            "81 A2 00 66 2F 33 2F 30 2F 39 02 C4 82 00 61 31",
            invalid.clone(),
            14,
        ),
        (
            "81 A2 00 66 2F 33 2F 30 2F 39 02 C4 81 00",
            invalid.clone(),
            12,
        ),
        (
            "81 A2 00 66 2F 33 2F 30 2F 39 18 64 FF",
            invalid.clone(),
            12,
        ),
        (
            "81 A2 00 66 2F 33 2F 30 2F 39 18 63 9F 9F 9F 9F 9F 9F 9F 9F 9F 9F 9F 9F 9F 9F 9F 9F 9F",
            TooDeep,
            28,
        ),
        // Names.
        (
            "81 A2 00 6A 2F 33 2F 30 2F 36 35 35 33 35 02 01",
            NotAPath,
            1,
        ),
        (
            "81 A2 00 6A 2F 33 2F 30 2F 39 2F 31 2F 31 02 01",
            NotAPath,
            1,
        ),
    ];
    for (h, kind, at) in cases {
        assert_eq!(records(h), Err((kind.clone(), Some(*at))), "{h}");
    }
    // A decimal fraction with a large exponent is a (large) float.
    let r = records("81 A2 00 66 2F 33 2F 30 2F 39 02 C4 82 18 30 01").unwrap();
    assert_eq!(r[0].value, Some(ucifi_runtime::Value::Float(1e48)));
}

#[test]
fn node_decoding() {
    let path = p("/3/0");
    let dec = |h: &str, types: &dyn TypeLookup| {
        codec::decode(F::SenmlCbor, &path, &hex(h), types).map_err(|e| {
            let (k, o) = e.kind_at();
            (k.clone(), o, e.path())
        })
    };
    // A boolean where the model says Integer: located at the value (byte 11).
    assert_eq!(
        dec(
            "81 A2 00 66 2F 33 2F 30 2F 39 04 F5",
            &One(DataType::Integer)
        ),
        Err((
            ErrorKind::Value(ValueError::WrongType {
                expected: DataType::Integer,
                found: "a boolean"
            }),
            Some(11),
            Some(p("/3/0/9"))
        ))
    );
    // Outside the target, twice the same path.
    assert_eq!(
        dec("81 A2 00 66 2F 33 2F 31 2F 39 02 01", &NoModel),
        Err((ErrorKind::OutsidePath, Some(1), Some(p("/3/1/9"))))
    );
    assert_eq!(
        dec(
            "82 A3 21 65 2F 33 2F 30 2F 00 61 39 02 01 A2 00 61 39 02 02",
            &NoModel
        ),
        Err((ErrorKind::DuplicatePath, Some(14), Some(p("/3/0/9"))))
    );
    // Records repeating path and time are duplicates as records too.
    assert_eq!(
        records("82 A3 00 66 2F 33 2F 30 2F 39 06 05 02 01 A3 00 66 2F 33 2F 30 2F 39 06 05 02 02"),
        Err((ErrorKind::DuplicatePath, Some(14)))
    );
    // Out-of-order IDs are merged.
    let node = dec(
        "83 A2 00 66 2F 33 2F 30 2F 39 02 01 A2 00 66 2F 33 2F 30 2F 30 03 60
            A2 00 68 2F 33 2F 30 2F 36 2F 31 02 05",
        &NoModel,
    )
    .unwrap();
    assert_eq!(
        node,
        Node::Instance(InstanceNode {
            id: 0,
            resources: vec![
                single(9, int(1)),
                single(0, Value::String("".into())),
                multi(6, &[(1, int(5))])
            ]
        })
    );
}

#[test]
fn writer() {
    // The target's one value: bn = its path, no n.
    let mut w = SenmlCborWriter::new(&p("/3/0/9"), Vec::new()).unwrap();
    w.value(9, ValueRef::Integer(87)).unwrap();
    assert_eq!(
        to_hex(&w.finish().unwrap()),
        "81 A2 21 66 2F 33 2F 30 2F 39 02 18 57"
    );
    // A multiple resource at its own path: grouped names; empty: an empty pack.
    let node = Node::Resource(multi(6, &[(0, int(1)), (1, int(5))]));
    assert_eq!(
        to_hex(&codec::encode(F::SenmlCbor, &p("/3/0/6"), &node).unwrap()),
        "82 A3 21 65 2F 33 2F 30 2F 00 63 36 2F 30 02 01 A2 00 63 36 2F 31 02 05"
    );
    let empty = Node::Resource(multi(6, &[]));
    assert_eq!(
        codec::encode(F::SenmlCbor, &p("/3/0/6"), &empty).unwrap(),
        hex("80")
    );
    // An object: bn per instance.
    let obj = Node::Object(ucifi_runtime::ObjectNode {
        id: 3,
        instances: vec![
            InstanceNode {
                id: 0,
                resources: vec![single(9, int(1))],
            },
            InstanceNode {
                id: 1,
                resources: vec![single(9, int(2))],
            },
        ],
    });
    assert_eq!(
        to_hex(&codec::encode(F::SenmlCbor, &p("/3"), &obj).unwrap()),
        "82 A3 21 65 2F 33 2F 30 2F 00 61 39 02 01 A3 21 65 2F 33 2F 31 2F 00 61 39 02 02"
    );
    // The record count grows past one-byte heads: the payload moves.
    for n in [23u16, 24, 255, 256, 1000] {
        let inst = Node::Instance(InstanceNode {
            id: 0,
            resources: (0..n).map(|r| single(r, int(r.into()))).collect(),
        });
        let enc = codec::encode(F::SenmlCbor, &p("/7/0"), &inst).unwrap();
        let head = match n {
            0..24 => format!("{:02X}", 0x80 + n),
            24..256 => format!("98 {n:02X}"),
            _ => format!("99 {:02X} {:02X}", n >> 8, n & 0xFF),
        };
        assert!(
            to_hex(&enc).starts_with(&format!("{head} A3 21 65 2F 37 2F 30 2F 00 61 30 02 00"))
        );
        assert_eq!(
            codec::decode(F::SenmlCbor, &p("/7/0"), &enc, &NoModel),
            Ok(inst.clone())
        );
        let mut buf = vec![0u8; enc.len()];
        assert_eq!(
            codec::encode_into(F::SenmlCbor, &p("/7/0"), &inst, &mut buf),
            Ok(enc.len())
        );
        assert_eq!(buf, enc);
        let mut short = vec![0u8; enc.len() - 1];
        let e = codec::encode_into(F::SenmlCbor, &p("/7/0"), &inst, &mut short).unwrap_err();
        assert_eq!(e.kind(), &ErrorKind::BufferFull);
    }
    // After what the output already holds.
    let mut out = b"xx".to_vec();
    let mut w = SenmlCborWriter::new(&p("/3/0/9"), &mut out).unwrap();
    w.value(9, ValueRef::Boolean(true)).unwrap();
    w.finish().unwrap();
    assert_eq!(to_hex(&out), "78 78 81 A2 21 66 2F 33 2F 30 2F 39 04 F5");
}

#[test]
fn writer_misuse_and_small_buffers() {
    let e = SenmlCborWriter::new(&Path::ROOT, Vec::new()).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::Unsupported);
    assert_eq!(e.format(), Some(F::SenmlCbor));
    let mut w = SenmlCborWriter::new(&p("/3/0/9"), Vec::new()).unwrap();
    assert_eq!(
        w.value(8, ValueRef::Integer(1)).unwrap_err().kind_at(),
        (&ErrorKind::IdMismatch, Some(1))
    );
    w.value(9, ValueRef::Integer(1)).unwrap();
    assert_eq!(
        w.value(9, ValueRef::Integer(1)).unwrap_err().kind_at(),
        (&ErrorKind::WriterMisuse, Some(12))
    );
    let mut w = SenmlCborWriter::new(&p("/3/0"), Vec::new()).unwrap();
    assert_eq!(
        w.begin_instance(0).unwrap_err().kind(),
        &ErrorKind::WriterMisuse
    );
    assert_eq!(
        w.value(u16::MAX, ValueRef::Integer(1)).unwrap_err().kind(),
        &ErrorKind::ReservedId
    );
    w.begin_multiple(6, 1).unwrap();
    w.value(0, ValueRef::Integer(1)).unwrap();
    assert_eq!(w.finish().unwrap_err().kind(), &ErrorKind::WriterMisuse);
    let mut w = SenmlCborWriter::new(&p("/3"), Vec::new()).unwrap();
    assert_eq!(
        w.value(1, ValueRef::Integer(1)).unwrap_err().kind(),
        &ErrorKind::WriterMisuse
    );
    assert_eq!(
        w.end_instance().unwrap_err().kind(),
        &ErrorKind::WriterMisuse
    );
    // Buffers too small: BufferFull at the bytes that fitted.
    let mut buf = [0u8; 0];
    let e = SenmlCborWriter::new(&p("/3/0"), SliceOutput::new(&mut buf)).unwrap_err();
    assert_eq!(e.kind_at(), (&ErrorKind::BufferFull, Some(0)));
    let mut buf = [0u8; 1];
    let w = SenmlCborWriter::new(&p("/3/0"), SliceOutput::new(&mut buf)).unwrap();
    assert_eq!(w.finish().unwrap().into_bytes(), [0x80]);
    let mut buf = [0u8; 11];
    let r = [Record::new(p("/1/0/1"), int(0))];
    let e = senml_cbor::encode_records_to(&r, SliceOutput::new(&mut buf)).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::BufferFull);
    assert_eq!(e.format(), Some(F::SenmlCbor));
}

#[test]
fn hostile_and_large_inputs() {
    for h in [
        "9B 80 00 00 00 00 00 00 00 A0",
        "81 BB 80 00 00 00 00 00 00 00 00",
        "81 A1 00 7B 80 00 00 00 00 00 00 00 2F",
        "81 A1 08 5B 80 00 00 00 00 00 00 00 01",
        "81 A1 18 64 9B 80 00 00 00 00 00 00 00 01",
        "81 A1 18 64 BB 80 00 00 00 00 00 00 00 01",
    ] {
        assert!(records(h).is_err(), "{h}");
        assert!(codec::decode(F::SenmlCbor, &p("/3/0"), &hex(h), &NoModel).is_err());
    }
    // 10,000 nested containers inside an unknown label: refused at the 17th.
    for open in [0x81u8, 0x9F, 0xA1, 0xBF] {
        let mut b = hex("81 A2 00 66 2F 33 2F 30 2F 39 18 64");
        for _ in 0..10_000 {
            b.push(open);
            if open == 0xA1 || open == 0xBF {
                b.push(0x01);
            }
        }
        let e = senml_cbor::decode_records(&b, &NoModel).unwrap_err();
        let step = if open >= 0xA0 { 2 } else { 1 };
        assert_eq!(e.kind_at(), (&ErrorKind::TooDeep, Some(12 + 16 * step)));
    }
    // 1 MB of 0x9F.
    assert!(senml_cbor::decode_records(&vec![0x9F; 1 << 20], &NoModel).is_err());
    // 100,000 records with a name each, and a duplicate at the end.
    let n = 100_000u32;
    let mut b = hex("9F");
    for i in 0..n {
        let name = format!("/9999/{}/{}", i / 1000, i % 1000);
        b.extend_from_slice(&[0xA2, 0x00, 0x60 + name.len() as u8]);
        b.extend_from_slice(name.as_bytes());
        b.extend_from_slice(&[0x03, 0x60]);
    }
    b.push(0xFF);
    let got = senml_cbor::decode_records(&b, &NoModel).unwrap();
    assert_eq!(got.len(), n as usize);
    assert_eq!(
        got[54_321],
        Record::new(p("/9999/54/321"), Value::String("".into()))
    );
    match codec::decode(F::SenmlCbor, &p("/9999"), &b, &NoModel).unwrap() {
        Node::Object(o) => assert_eq!(o.instances.len(), 100),
        other => panic!("{other:?}"),
    }
    b.pop();
    let at = b.len();
    b.extend_from_slice(&hex("A2 00 69 2F 39 39 39 39 2F 30 2F 30 03 60 FF"));
    let e = codec::decode(F::SenmlCbor, &p("/9999"), &b, &NoModel).unwrap_err();
    assert_eq!(e.kind_at(), (&ErrorKind::DuplicatePath, Some(at)));
}

// ---- random record lists, bytes and mutations ----

fn value(dt: DataType) -> BoxedStrategy<Value> {
    match dt {
        DataType::String => any::<String>().prop_map(Value::String).boxed(),
        DataType::Integer => any::<i64>().prop_map(Value::Integer).boxed(),
        DataType::UnsignedInteger => any::<u64>().prop_map(Value::UnsignedInteger).boxed(),
        DataType::Float => any::<f64>()
            .prop_filter("not NaN", |f| !f.is_nan())
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
            value(TYPES[usize::from(r % 9)]).prop_map(move |v| Record { path, value: Some(v), time: t })
        }),
        1 => proptest::collection::vec(id(), 1..=4).prop_map(|ids| Record::path_only(Path::from_ids(&ids).unwrap())),
    ]
}

fn record_list() -> impl Strategy<Value = Vec<Record>> {
    proptest::collection::vec(record(), 0..8).prop_map(|mut list| {
        let mut seen = std::collections::HashSet::new();
        list.retain(|r| seen.insert((r.path, r.time.map(f64::to_bits))));
        list
    })
}

fn decode_all(bytes: &[u8]) {
    let _ = senml_cbor::decode_records(bytes, &NoModel);
    let _ = senml_cbor::decode_records(bytes, &Model);
    for path in ["/3", "/3/0", "/3/0/9", "/3/0/6/1"] {
        let _ = codec::decode(F::SenmlCbor, &p(path), bytes, &NoModel);
        let _ = codec::decode(F::SenmlCbor, &p(path), bytes, &Model);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn records_round_trip(list in record_list()) {
        let c = senml_cbor::encode_records(&list).unwrap();
        prop_assert_eq!(&senml_cbor::decode_records(&c, &Model).unwrap(), &list);
        let mut buf = [0u8; 2048];
        let out = senml_cbor::encode_records_to(&list, SliceOutput::new(&mut buf)).unwrap();
        prop_assert_eq!(out.into_bytes(), &c[..]);
    }

    #[test]
    fn writer_and_node_decoding_agree(list in record_list()) {
        // The values of one object instance through the writer, back as the same node.
        let mut inst = InstanceNode { id: 0, resources: Vec::new() };
        for r in list.iter().filter(|r| r.value.is_some() && r.path.len() == 3) {
            let rid = r.path.resource_id().unwrap();
            if inst.resources.iter().all(|x| x.id != rid) {
                inst.resources.push(single(rid, r.value.clone().unwrap()));
            }
        }
        let node = Node::Instance(inst);
        let c = codec::encode(F::SenmlCbor, &p("/5/0"), &node).unwrap();
        prop_assert_eq!(codec::decode(F::SenmlCbor, &p("/5/0"), &c, &Model), Ok(node));
    }

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        decode_all(&bytes);
    }

    #[test]
    fn mutated_encodings_never_panic(
        list in record_list(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..4), 1..6),
    ) {
        let mut b = senml_cbor::encode_records(&list).unwrap();
        for (ix, x, op) in &edits {
            if b.is_empty() {
                b.push(*x);
                continue;
            }
            let i = ix.index(b.len());
            match op {
                0 => b[i] ^= x.max(&1),
                1 => b.insert(i, *x),
                2 => { b.remove(i); }
                _ => b.truncate(i),
            }
        }
        decode_all(&b);
    }
}
