//! Conformance vectors for CBOR (60, spec §5) and LwM2M CBOR (11544, spec §11): exact
//! bytes, exact error kinds and offsets, and hostile inputs that must fail fast.

mod common;

use common::*;
use ucifi_runtime::codec::{self, Error, FormatError, ValueError, lwm2m_cbor};
use ucifi_runtime::{
    ContentFormat as F, DataType, Node, ObjectLink, Path, ResourceValue, Time, Value,
};

fn p(s: &str) -> Path {
    s.parse().unwrap()
}

fn dec(format: F, path: &str, bytes: &[u8]) -> Result<Node, Error> {
    codec::decode(format, &p(path), bytes, &spec_types())
}

#[track_caller]
fn cbor(path: &str, h: &str) -> Result<Value, Error> {
    dec(F::Cbor, path, &hex(h)).map(|n| match n {
        Node::Resource(r) => match r.value {
            ResourceValue::Single(v) => v,
            other => panic!("not a single value: {other:?}"),
        },
        Node::ResourceInstance(ri) => ri.value,
        other => panic!("not a leaf: {other:?}"),
    })
}

#[track_caller]
fn cbor_value_err(path: &str, h: &str) -> ValueError {
    match dec(F::Cbor, path, &hex(h)) {
        Err(Error::Value { source, .. }) => source,
        other => panic!("expected a value error for {h}, got {other:?}"),
    }
}

#[track_caller]
fn format_err(format: F, path: &str, h: &str) -> FormatError {
    match dec(format, path, &hex(h)) {
        Err(Error::Format(e)) => e,
        other => panic!("expected a format error for {h}, got {other:?}"),
    }
}

#[track_caller]
fn enc(path: &str, v: Value) -> String {
    let id = *p(path).ids().last().unwrap();
    to_hex(&codec::encode(F::Cbor, &p(path), &Node::Resource(single(id, v))).unwrap())
}

// ---------------------------------------------------------------------------------------
// §5 application/cbor

#[test]
fn cbor_encoder_table() {
    assert_eq!(enc("/9999/0/2", int(87)), "18 57");
    assert_eq!(enc("/9999/0/2", int(-93)), "38 5C");
    assert_eq!(
        enc("/9999/0/3", Value::UnsignedInteger(3_000_000_000)),
        "1A B2 D0 5E 00"
    );
    assert_eq!(enc("/9999/0/4", Value::Float(22.5)), "F9 4D A0");
    assert_eq!(
        enc("/9999/0/4", Value::Float(0.1)),
        "FB 3F B9 99 99 99 99 99 9A"
    );
    assert_eq!(enc("/9999/0/5", Value::Boolean(true)), "F5");
    assert_eq!(enc("/9999/0/5", Value::Boolean(false)), "F4");
    assert_eq!(enc("/9999/0/0", s("Cel")), "63 43 65 6C");
    assert_eq!(
        enc("/9999/0/1", Value::Opaque(vec![1, 2, 3])),
        "43 01 02 03"
    );
    assert_eq!(
        enc("/9999/0/13", Value::Time(Time(1_700_000_000))),
        "1A 65 53 F1 00"
    );
    assert_eq!(
        enc("/9999/0/22", Value::Objlnk(ObjectLink::new(3303, 0))),
        "66 33 33 30 33 3A 30"
    );
    assert_eq!(
        enc("/9999/0/22", Value::Objlnk(ObjectLink::new(65535, 65535))),
        "6B 36 35 35 33 35 3A 36 35 35 33 35"
    );
}

#[test]
fn cbor_integers_any_width() {
    for h in [
        "18 57",
        "19 00 57",
        "1A 00 00 00 57",
        "1B 00 00 00 00 00 00 00 57",
        "D8 64 18 57",    // unknown tag 100 skipped
        "C4 82 00 18 57", // decimal fraction 87 × 10^0
        "FA 42 AE 00 00", // integral float 87.0
        "F9 55 70",       // half 87.0
    ] {
        assert_eq!(cbor("/9999/0/2", h).unwrap(), int(87), "{h}");
    }
    assert_eq!(cbor("/9999/0/2", "39 00 5C").unwrap(), int(-93));
    assert_eq!(
        cbor("/9999/0/2", "3B 7F FF FF FF FF FF FF FF").unwrap(),
        int(i64::MIN)
    );
    assert_eq!(
        cbor_value_err("/9999/0/2", "3B 80 00 00 00 00 00 00 00"),
        ValueError::OutOfRange(DataType::Integer)
    );
    assert_eq!(
        cbor_value_err("/9999/0/2", "1B 80 00 00 00 00 00 00 00"),
        ValueError::OutOfRange(DataType::Integer)
    );
    assert_eq!(
        cbor_value_err("/9999/0/2", "F9 4D A0"),
        ValueError::OutOfRange(DataType::Integer)
    );
    // Unsigned: full u64, negatives rejected.
    assert_eq!(
        cbor("/9999/0/3", "1B FF FF FF FF FF FF FF FF").unwrap(),
        Value::UnsignedInteger(u64::MAX)
    );
    assert_eq!(
        cbor_value_err("/9999/0/3", "20"),
        ValueError::OutOfRange(DataType::UnsignedInteger)
    );
    // Wrong major type for the resource type.
    assert!(matches!(
        cbor_value_err("/9999/0/2", "63 43 65 6C"),
        ValueError::WrongType { .. }
    ));
    assert!(matches!(
        cbor_value_err("/9999/0/5", "01"),
        ValueError::WrongType { .. }
    ));
    assert!(matches!(
        cbor_value_err("/9999/0/1", "63 43 65 6C"),
        ValueError::WrongType { .. }
    ));
}

#[test]
fn cbor_floats() {
    for h in [
        "F9 4D A0",
        "FA 41 B4 00 00",
        "FB 40 36 80 00 00 00 00 00",
        "C4 82 20 18 E1", // 225 × 10^-1
    ] {
        assert_eq!(cbor("/9999/0/4", h).unwrap(), Value::Float(22.5), "{h}");
    }
    // Integers for Float.
    assert_eq!(cbor("/9999/0/4", "18 57").unwrap(), Value::Float(87.0));
    assert_eq!(cbor("/9999/0/4", "38 5C").unwrap(), Value::Float(-93.0));
    // Half-precision specials: subnormal, negative zero, max.
    assert_eq!(
        cbor("/9999/0/4", "F9 00 01").unwrap(),
        Value::Float(5.960_464_477_539_063e-8)
    );
    assert_eq!(
        cbor("/9999/0/4", "F9 7B FF").unwrap(),
        Value::Float(65504.0)
    );
    match cbor("/9999/0/4", "F9 80 00").unwrap() {
        Value::Float(f) => assert!(f == 0.0 && f.is_sign_negative()),
        other => panic!("{other:?}"),
    }
    // A zero mantissa with a huge exponent is zero, not NaN (0 × 10^400).
    assert_eq!(
        cbor("/9999/0/4", "C4 82 19 01 90 00").unwrap(),
        Value::Float(0.0)
    );
}

#[test]
fn cbor_strings_and_time() {
    assert_eq!(cbor("/9999/0/0", "63 43 65 6C").unwrap(), s("Cel"));
    assert_eq!(cbor("/9999/0/0", "7F 61 43 62 65 6C FF").unwrap(), s("Cel"));
    assert_eq!(cbor("/9999/0/0", "7F FF").unwrap(), s(""));
    assert_eq!(
        cbor("/9999/0/1", "5F 41 01 42 02 03 FF").unwrap(),
        Value::Opaque(vec![1, 2, 3])
    );
    // Chunks of another type, or nested indefinite chunks, are malformed (RFC 8949 §3.2.3).
    assert_eq!(format_err(F::Cbor, "/9999/0/0", "7F 41 43 FF").offset, 1);
    assert_eq!(format_err(F::Cbor, "/9999/0/0", "7F 7F FF FF").offset, 1);
    // Invalid UTF-8 in a text string.
    assert_eq!(format_err(F::Cbor, "/9999/0/0", "62 C3 28").offset, 0);
    // Time: tag 1 (Leshan), untagged (Anjay), tag 1 on an integral float, tag 0 (RFC 3339).
    let t = Value::Time(Time(1_700_000_000));
    assert_eq!(cbor("/9999/0/13", "C1 1A 65 53 F1 00").unwrap(), t);
    assert_eq!(cbor("/9999/0/13", "1A 65 53 F1 00").unwrap(), t);
    assert_eq!(
        cbor("/9999/0/13", "C1 FB 41 D9 54 FC 40 00 00 00").unwrap(),
        t
    );
    let rfc3339 = "C0 74 32 30 32 33 2D 31 31 2D 31 34 54 32 32 3A 31 33 3A 32 30 5A";
    assert_eq!(cbor("/9999/0/13", rfc3339).unwrap(), t);
    // Tag 1 around a string, tag 0 around a number: wrong type.
    assert_eq!(format_err(F::Cbor, "/9999/0/13", "C1 61 31").offset, 0);
    assert_eq!(format_err(F::Cbor, "/9999/0/13", "C0 01").offset, 0);
    // Objlnk as text.
    assert_eq!(
        cbor("/9999/0/22", "66 33 33 30 33 3A 30").unwrap(),
        Value::Objlnk(ObjectLink::new(3303, 0))
    );
}

#[test]
fn cbor_framing_errors() {
    // Trailing bytes after the item.
    assert_eq!(format_err(F::Cbor, "/9999/0/2", "18 57 00").offset, 2);
    // A map or array is not a value.
    assert_eq!(format_err(F::Cbor, "/9999/0/2", "81 01").offset, 0);
    assert_eq!(format_err(F::Cbor, "/9999/0/2", "A0").offset, 0);
    // Truncated heads and strings; reserved additional information; stray break.
    assert_eq!(format_err(F::Cbor, "/9999/0/2", "19 00").offset, 1);
    assert_eq!(format_err(F::Cbor, "/9999/0/0", "63 43 65").offset, 1);
    assert_eq!(format_err(F::Cbor, "/9999/0/2", "1C").offset, 0);
    assert_eq!(format_err(F::Cbor, "/9999/0/2", "FF").offset, 0);
    assert_eq!(format_err(F::Cbor, "/9999/0/2", "").offset, 0);
    // Indefinite length on an integer.
    assert_eq!(format_err(F::Cbor, "/9999/0/2", "1F").offset, 0);
    // Only one resource (instance).
    assert!(matches!(
        dec(F::Cbor, "/9999/0", &hex("18 57")),
        Err(Error::Unsupported { .. })
    ));
}

#[test]
fn cbor_hostile_lengths() {
    // Strings claiming 2^64-1 and 4 GiB bytes with nothing behind.
    for h in [
        "5B FF FF FF FF FF FF FF FF 00",
        "7A FF FF FF FF 00",
        "5F 5B 7F FF FF FF FF FF FF FF FF",
    ] {
        assert!(dec(F::Cbor, "/9999/0/1", &hex(h)).is_err(), "{h}");
    }
    // 10,000 nested tags are a loop, not recursion.
    let mut deep = [0xD8, 0x64].repeat(10_000);
    deep.extend_from_slice(&[0x18, 0x57]);
    assert!(codec::decode(F::Cbor, &p("/9999/0/2"), &deep, &spec_types()).is_ok());
}

// ---------------------------------------------------------------------------------------
// §11 LwM2M CBOR

fn composite(h: &str) -> Result<Vec<(Path, Value)>, Error> {
    lwm2m_cbor::decode_composite(&hex(h), &spec_types())
}

#[track_caller]
fn composite_err(h: &str) -> FormatError {
    match composite(h) {
        Err(Error::Format(e)) => e,
        other => panic!("expected a format error for {h}, got {other:?}"),
    }
}

#[test]
fn lwm2m_cbor_examples_and_key_forms() {
    let want = vec![(p("/3/0/9"), int(87))];
    for h in [
        "A1 83 03 00 09 18 57",             // L4
        "BF 83 03 00 09 18 57 FF",          // indefinite outer map
        "A1 03 A1 00 A1 09 18 57",          // one ID per level
        "A1 82 03 00 A1 09 18 57",          // array key then integer
        "A1 03 A1 82 00 09 18 57",          // integer then array
        "A1 81 03 A1 81 00 A1 81 09 18 57", // one-element arrays
        "A1 9F 03 00 09 FF 18 57",          // indefinite array key
        "A1 19 00 03 A1 1A 00 00 00 00 BF 1B 00 00 00 00 00 00 00 09 19 00 57 FF",
    ] {
        assert_eq!(composite(h).unwrap(), want, "{h}");
    }
    // Anjay's vector {[13, 26, 1]: 42}.
    assert_eq!(
        composite("BF 83 0D 18 1A 01 18 2A FF").unwrap(),
        vec![(p("/13/26/1"), Value::Integer(42))]
    );
    // L3 multi-instance resource and a resource-instance key.
    assert_eq!(
        composite("A1 83 03 00 06 A2 00 01 01 05").unwrap(),
        vec![(p("/3/0/6/0"), int(1)), (p("/3/0/6/1"), int(5))]
    );
    assert_eq!(
        composite("A1 84 03 00 06 01 05").unwrap(),
        vec![(p("/3/0/6/1"), int(5))]
    );
    // Mixed depth in one map.
    let mut mixed = composite("A2 83 03 00 09 18 57 03 A1 00 A1 06 A1 00 01").unwrap();
    mixed.sort_by_key(|(p, _)| *p);
    assert_eq!(mixed, vec![(p("/3/0/6/0"), int(1)), (p("/3/0/9"), int(87))]);
    // Node decoding at /3/0 with an indefinite map and reversed keys.
    let node = dec(
        F::Lwm2mCbor,
        "/3/0",
        &hex("BF 82 03 00 BF 09 18 57 06 BF 01 05 00 01 FF FF FF"),
    )
    .unwrap();
    let mut want = Node::Instance(ucifi_runtime::InstanceNode {
        id: 0,
        resources: vec![multi(6, &[(0, int(1)), (1, int(5))]), single(9, int(87))],
    });
    let mut got = node;
    got.canonicalize();
    want.canonicalize();
    assert_eq!(got, want);
}

#[test]
fn lwm2m_cbor_decoder_errors() {
    // Non-map top level.
    assert_eq!(composite_err("81 01").offset, 0);
    assert_eq!(composite_err("18 57").offset, 0);
    // Keys that are not uint / array of uint.
    assert_eq!(composite_err("A1 61 33 A0").offset, 1);
    assert_eq!(composite_err("A1 20 A0").offset, 1);
    assert_eq!(composite_err("A1 82 03 20 A0").offset, 3);
    assert_eq!(composite_err("A1 A0 A0").offset, 1);
    assert_eq!(composite_err("A1 80 A0").offset, 1);
    assert_eq!(composite_err("A1 F6 A0").offset, 1);
    // ID 65535 and above.
    assert_eq!(composite_err("A1 83 03 00 19 FF FF 01").offset, 4);
    assert_eq!(composite_err("A1 83 03 00 1A 00 01 00 00 01").offset, 4);
    assert_eq!(composite_err("A1 19 FF FF A0").offset, 1);
    // Depth > 4: a fifth ID, or a map below a resource instance.
    assert_eq!(composite_err("A1 85 03 00 06 00 01 01").offset, 6);
    assert_eq!(composite_err("A1 84 03 00 06 00 A0").offset, 6);
    assert_eq!(composite_err("A1 84 03 00 06 00 A1 00 01").offset, 6);
    // Value at depth < 3.
    assert_eq!(composite_err("A1 82 03 00 05").offset, 4);
    assert_eq!(composite_err("A1 03 05").offset, 2);
    assert_eq!(composite_err("A1 03 A1 00 F5").offset, 4);
    // Arrays are not values.
    assert_eq!(composite_err("A1 83 03 00 09 81 01").offset, 5);
    // Trailing bytes.
    assert_eq!(composite_err("A1 83 03 00 09 18 57 00").offset, 7);
    assert_eq!(composite_err("BF 83 03 00 09 18 57 FF FF").offset, 8);
    // Truncated.
    assert_eq!(composite_err("A2 83 03 00 09 18 57").offset, 7);
    assert_eq!(composite_err("BF 83 03 00 09 18 57").offset, 7);
    // Duplicate path, a leaf and a map for one path.
    for h in [
        "A2 83 03 00 09 01 83 03 00 09 02",
        "A2 03 A1 00 A1 09 01 83 03 00 09 02",
        "A2 83 03 00 06 01 84 03 00 06 00 02",
        "A2 83 03 00 06 A0 83 03 00 06 01",
        "A2 83 19 1E 61 00 01 01 83 19 1E 61 00 01 A0",
        "A2 83 19 1E 61 00 01 A0 83 19 1E 61 00 01 01",
        "A2 82 03 00 A0 82 03 00 A0",
        "A2 83 03 00 06 A0 83 03 00 06 A0",
    ] {
        assert!(
            matches!(composite(h), Err(Error::Path { .. })),
            "{h}: {:?}",
            composite(h)
        );
    }
    // A container after leaves below it is not a duplicate: the same paths are accepted
    // in either order.
    for h in [
        "A2 84 03 00 06 00 02 83 03 00 06 A1 01 05",
        "A2 83 03 00 06 A1 01 05 84 03 00 06 00 02",
        "A2 83 03 00 09 18 57 82 03 00 A1 0A 01",
        "A2 82 03 00 A1 0A 01 83 03 00 09 18 57",
    ] {
        let mut l = composite(h).unwrap();
        l.sort_by_key(|(p, _)| *p);
        assert_eq!(l.len(), 2, "{h}");
    }
    // Empty maps for empty instances are tolerated.
    assert_eq!(composite("A1 03 A1 00 A0").unwrap(), vec![]);
}

#[test]
fn lwm2m_cbor_leaf_types() {
    let one = |h: &str| composite(h).map(|mut l| l.remove(0).1);
    // Time with tag 1 and tag 0, Objlnk as text, Float from an integer, none as null.
    assert_eq!(
        one("A1 83 03 00 0D C1 1A 65 53 F1 00").unwrap(),
        Value::Time(Time(1_700_000_000))
    );
    assert_eq!(
        one("A1 84 03 00 16 00 66 33 33 30 33 3A 30").unwrap(),
        Value::Objlnk(ObjectLink::new(3303, 0))
    );
    assert_eq!(
        one("A1 83 19 0C E7 00 19 16 44 18 16").unwrap(),
        Value::Float(22.0)
    );
    // Wrong types.
    assert!(matches!(
        one("A1 83 03 00 09 63 43 65 6C"),
        Err(Error::Value { .. })
    ));
    assert!(matches!(
        one("A1 83 03 00 09 F9 4D A0"),
        Err(Error::Value { .. })
    ));
}

#[test]
fn lwm2m_cbor_hostile() {
    // Counts of 2^63 with three bytes of payload.
    for h in [
        "BB 80 00 00 00 00 00 00 00 03 00 01",
        "A1 9B 80 00 00 00 00 00 00 00 03 00 01",
        "A1 83 03 00 09 5B 80 00 00 00 00 00 00 00 01",
        "A1 03 BB 80 00 00 00 00 00 00 00 00 01",
    ] {
        assert!(composite(h).is_err(), "{h}");
        assert!(dec(F::Lwm2mCbor, "/3", &hex(h)).is_err(), "{h}");
        assert!(dec(F::Lwm2mCbor, "/3/0", &hex(h)).is_err(), "{h}");
    }
    // 10,000 nested maps and arrays.
    for open in [0xA1u8, 0xBF, 0x81, 0x9F] {
        let mut b = vec![0xA1];
        for _ in 0..10_000 {
            b.push(0x01);
            b.push(open);
        }
        assert!(composite(&to_hex(&b)).is_err());
    }
}

#[test]
fn lwm2m_cbor_nested_maps_for_deep_targets() {
    // A Read of a resource or resource instance answered with one ID per map level (the
    // ancestors' maps are containers, not content outside the target).
    assert_eq!(
        dec(F::Lwm2mCbor, "/3/0/9", &hex("A1 03 A1 00 A1 09 18 57")).unwrap(),
        Node::Resource(single(9, int(87)))
    );
    assert_eq!(
        dec(F::Lwm2mCbor, "/3/0/9", &hex("A1 82 03 00 A1 09 18 57")).unwrap(),
        Node::Resource(single(9, int(87)))
    );
    assert_eq!(
        dec(F::Lwm2mCbor, "/3/0/6/1", &hex("A1 03 A1 00 A1 06 A1 01 05")).unwrap(),
        Node::ResourceInstance(ucifi_runtime::ResourceInstanceNode {
            id: 1,
            value: int(5)
        })
    );
    assert_eq!(
        dec(F::Lwm2mCbor, "/3/0", &hex("A1 03 A1 00 A1 09 18 57")).unwrap(),
        Node::Instance(ucifi_runtime::InstanceNode {
            id: 0,
            resources: vec![single(9, int(87))]
        })
    );
    // Siblings of the target are still refused.
    assert!(matches!(
        dec(
            F::Lwm2mCbor,
            "/3/0/9",
            &hex("A1 03 A1 00 A2 09 18 57 0A 01")
        ),
        Err(Error::Path { .. })
    ));
    assert!(matches!(
        dec(F::Lwm2mCbor, "/3/0/9", &hex("A1 03 A1 01 A1 09 18 57")),
        Err(Error::Path { .. })
    ));
}
