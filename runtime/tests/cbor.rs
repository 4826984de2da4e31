//! CBOR (60, spec §5): exact bytes both ways, boundary values, every accepted input form,
//! exact `(ErrorKind, offset)` of malformed payloads, hostile inputs.

mod common;

use common::{hex, p, to_hex};

use std::collections::HashMap;

use ucifi_runtime::codec::{
    self, ErrorKind, Event, RawValue, SliceOutput, Syntax, TypeLookup, ValueError, Writer,
    cbor::CborWriter,
};
use ucifi_runtime::{
    ContentFormat as F, CoreLink, DataType, Node, ObjectLink, Path, ResourceNode, ResourceValue,
    Time, Value, ValueRef,
};

/// Types of test object 9999 (resource ID = what the tests use it for).
struct Types(HashMap<u16, DataType>);

impl TypeLookup for Types {
    fn resource_type(&self, object: u16, resource: u16) -> Option<(DataType, bool)> {
        (object == 9999).then(|| self.0.get(&resource).map(|t| (*t, false)))?
    }
}

fn types() -> Types {
    use DataType::*;
    Types(HashMap::from([
        (0, String),
        (1, Opaque),
        (2, Integer),
        (3, UnsignedInteger),
        (4, Float),
        (5, Boolean),
        (7, Corelnk),
        (13, Time),
        (22, Objlnk),
        (255, Integer),
        (256, Integer),
    ]))
}

fn res(id: u16, v: Value) -> Node {
    Node::Resource(ResourceNode {
        id,
        value: ResourceValue::Single(v),
    })
}

fn int(v: i64) -> Value {
    Value::Integer(v)
}

fn s(v: &str) -> Value {
    Value::String(v.into())
}

/// The value `h` decodes to at `path`, or the error's kind and offset.
#[track_caller]
fn dec(path: &str, h: &str) -> Result<Value, (ErrorKind, Option<usize>)> {
    match codec::decode(F::Cbor, &p(path), &hex(h), &types()) {
        Ok(Node::Resource(ResourceNode {
            value: ResourceValue::Single(v),
            ..
        })) => Ok(v),
        Ok(Node::ResourceInstance(ri)) => Ok(ri.value),
        Ok(other) => panic!("not a leaf: {other:?}"),
        Err(e) => {
            assert_eq!(e.format(), Some(F::Cbor), "{e}");
            let (k, o) = e.kind_at();
            Err((k.clone(), o))
        }
    }
}

#[track_caller]
fn enc(path: &str, v: Value) -> String {
    let path = p(path);
    to_hex(&codec::encode(F::Cbor, &path, &res(path.resource_id().unwrap(), v)).unwrap())
}

const INVALID: ErrorKind = ErrorKind::Syntax(Syntax::InvalidCbor);

#[test]
fn spec_table_both_ways() {
    for (path, v, h) in [
        ("/9999/0/2", int(87), "18 57"),
        ("/9999/0/2", int(-93), "38 5C"),
        (
            "/9999/0/3",
            Value::UnsignedInteger(3_000_000_000),
            "1A B2 D0 5E 00",
        ),
        ("/9999/0/4", Value::Float(22.5), "F9 4D A0"),
        ("/9999/0/4", Value::Float(0.1), "FB 3F B9 99 99 99 99 99 9A"),
        ("/9999/0/5", Value::Boolean(true), "F5"),
        ("/9999/0/5", Value::Boolean(false), "F4"),
        ("/9999/0/0", s("Cel"), "63 43 65 6C"),
        ("/9999/0/1", Value::Opaque(vec![1, 2, 3]), "43 01 02 03"),
        (
            "/9999/0/13",
            Value::Time(Time(1_700_000_000)),
            "1A 65 53 F1 00",
        ),
        (
            "/9999/0/22",
            Value::Objlnk(ObjectLink::new(3303, 0)),
            "66 33 33 30 33 3A 30",
        ),
        (
            "/9999/0/22",
            Value::Objlnk(ObjectLink::NULL),
            "6B 36 35 35 33 35 3A 36 35 35 33 35",
        ),
    ] {
        assert_eq!(enc(path, v.clone()), h, "{v:?}");
        assert_eq!(dec(path, h), Ok(v.clone()), "{h}");
        // A resource-instance target carries the same item.
        let ri = Path::resource_instance(9999, 0, p(path).resource_id().unwrap(), 3);
        let node = codec::decode(F::Cbor, &ri, &hex(h), &codec::NoModel).unwrap();
        assert_eq!(
            codec::encode(F::Cbor, &ri, &node).map(|b| to_hex(&b)),
            Ok(h.into())
        );
    }
}

#[test]
fn golden_boundary_values() {
    use Value::*;
    for (res, v, h) in [
        (2, Integer(0), "00"),
        (2, Integer(-1), "20"),
        (2, Integer(23), "17"),
        (2, Integer(24), "18 18"),
        (2, Integer(-24), "37"),
        (2, Integer(-25), "38 18"),
        (2, Integer(127), "18 7F"),
        (2, Integer(-128), "38 7F"),
        (2, Integer(-129), "38 80"),
        (2, Integer(32767), "19 7F FF"),
        (2, Integer(32768), "19 80 00"),
        (2, Integer(65536), "1A 00 01 00 00"),
        (2, Integer(2_147_483_648), "1A 80 00 00 00"),
        (2, Integer(i64::MIN), "3B 7F FF FF FF FF FF FF FF"),
        (2, Integer(i64::MAX), "1B 7F FF FF FF FF FF FF FF"),
        (3, UnsignedInteger(0), "00"),
        (3, UnsignedInteger(255), "18 FF"),
        (3, UnsignedInteger(65535), "19 FF FF"),
        (3, UnsignedInteger(1 << 63), "1B 80 00 00 00 00 00 00 00"),
        (3, UnsignedInteger(u64::MAX), "1B FF FF FF FF FF FF FF FF"),
        (4, Float(0.0), "F9 00 00"),
        (4, Float(-4.25), "F9 C4 40"),
        (4, Float(100000.0), "FA 47 C3 50 00"),
        (4, Float(-1.5e-300), "FB 81 B0 12 97 D2 3A B6 83"),
        (0, String("".into()), "60"),
        (1, Opaque(vec![]), "40"),
        (1, Opaque(vec![0]), "41 00"),
        (
            7,
            Corelnk(CoreLink("</3/0>".into())),
            "66 3C 2F 33 2F 30 3E",
        ),
        (13, Time(ucifi_runtime::Time(0)), "00"),
        (13, Time(ucifi_runtime::Time(-1)), "20"),
        (22, Objlnk(ObjectLink::new(0, 0)), "63 30 3A 30"),
        (255, Integer(1), "01"),
        (256, Integer(1), "01"),
    ] {
        let path = format!("/9999/0/{res}");
        assert_eq!(enc(&path, v.clone()), h, "{v:?}");
        assert_eq!(dec(&path, h), Ok(v), "{h}");
    }
    let big = "a".repeat(70_000);
    let out = codec::encode(F::Cbor, &p("/9999/0/0"), &res(0, s(&big))).unwrap();
    assert_eq!(to_hex(&out[..5]), "7A 00 01 11 70");
    assert_eq!(dec("/9999/0/0", &to_hex(&out)), Ok(s(&big)));
}

#[test]
fn preferred_float_widths() {
    for (f, h) in [
        (22.5, "F9 4D A0"),
        (21.5, "F9 4D 60"),
        (0.0, "F9 00 00"),
        (-0.0, "F9 80 00"),
        (1.0, "F9 3C 00"),
        (65504.0, "F9 7B FF"),
        (5.960_464_477_539_063e-8, "F9 00 01"),
        (6.103_515_625e-5, "F9 04 00"),
        (f64::INFINITY, "F9 7C 00"),
        (f64::NEG_INFINITY, "F9 FC 00"),
        (f64::NAN, "F9 7E 00"),
        (65520.0, "FA 47 7F F0 00"),
        (65536.0, "FA 47 80 00 00"),
        (1.0 + 1.0 / 2048.0, "FA 3F 80 10 00"),
        (0.1, "FB 3F B9 99 99 99 99 99 9A"),
        (1.1, "FB 3F F1 99 99 99 99 99 9A"),
    ] {
        assert_eq!(enc("/9999/0/4", Value::Float(f)), h, "{f}");
        if !f.is_nan() {
            let Ok(Value::Float(back)) = dec("/9999/0/4", h) else {
                panic!("{h}")
            };
            assert_eq!(back.to_bits(), f.to_bits(), "{h}");
        }
    }
}

#[test]
fn integers_any_width() {
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
        assert_eq!(dec("/9999/0/2", h), Ok(int(87)), "{h}");
    }
    assert_eq!(dec("/9999/0/2", "C4 82 01 05"), Ok(int(50)));
    assert_eq!(dec("/9999/0/2", "39 00 5C"), Ok(int(-93)));
    assert_eq!(
        dec("/9999/0/2", "3B 7F FF FF FF FF FF FF FF"),
        Ok(int(i64::MIN))
    );
    let out_of_range = |t| Err((ErrorKind::Value(ValueError::OutOfRange(t)), Some(0)));
    assert_eq!(
        dec("/9999/0/2", "3B 80 00 00 00 00 00 00 00"),
        out_of_range(DataType::Integer)
    );
    assert_eq!(
        dec("/9999/0/2", "1B 80 00 00 00 00 00 00 00"),
        out_of_range(DataType::Integer)
    );
    // 22.5 has a fraction: not a whole number.
    assert_eq!(
        dec("/9999/0/2", "F9 4D A0"),
        Err((
            ErrorKind::Value(ValueError::NotWhole(DataType::Integer)),
            Some(0)
        ))
    );
    assert_eq!(
        dec("/9999/0/2", "F9 3E 00"),
        Err((
            ErrorKind::Value(ValueError::NotWhole(DataType::Integer)),
            Some(0)
        ))
    );
    assert_eq!(
        dec("/9999/0/3", "1B FF FF FF FF FF FF FF FF"),
        Ok(Value::UnsignedInteger(u64::MAX))
    );
    assert_eq!(
        dec("/9999/0/3", "20"),
        out_of_range(DataType::UnsignedInteger)
    );
    // The wrong major type for the resource's type.
    let wrong = |expected, found| {
        Err((
            ErrorKind::Value(ValueError::WrongType { expected, found }),
            Some(0),
        ))
    };
    assert_eq!(
        dec("/9999/0/2", "63 43 65 6C"),
        wrong(DataType::Integer, "a string")
    );
    assert_eq!(
        dec("/9999/0/2", "5F 41 57 FF"),
        wrong(DataType::Integer, "opaque bytes")
    );
    assert_eq!(
        dec("/9999/0/5", "01"),
        wrong(DataType::Boolean, "an integer")
    );
    assert_eq!(
        dec("/9999/0/1", "63 43 65 6C"),
        wrong(DataType::Opaque, "a string")
    );
}

#[test]
fn floats_any_width() {
    for h in [
        "F9 4D A0",
        "FA 41 B4 00 00",
        "FB 40 36 80 00 00 00 00 00",
        "C4 82 20 18 E1", // 225 × 10^-1
    ] {
        assert_eq!(dec("/9999/0/4", h), Ok(Value::Float(22.5)), "{h}");
    }
    assert_eq!(
        dec("/9999/0/4", "C4 82 21 19 6A B3"),
        Ok(Value::Float(273.15))
    );
    assert_eq!(dec("/9999/0/4", "18 57"), Ok(Value::Float(87.0)));
    assert_eq!(dec("/9999/0/4", "38 5C"), Ok(Value::Float(-93.0)));
    assert_eq!(
        dec("/9999/0/4", "F9 00 01"),
        Ok(Value::Float(5.960_464_477_539_063e-8))
    );
    assert_eq!(dec("/9999/0/4", "F9 7B FF"), Ok(Value::Float(65504.0)));
    let Ok(Value::Float(z)) = dec("/9999/0/4", "F9 80 00") else {
        panic!()
    };
    assert!(z == 0.0 && z.is_sign_negative());
    // A zero mantissa with a huge exponent is zero, not NaN (0 × 10^400).
    assert_eq!(dec("/9999/0/4", "C4 82 19 01 90 00"), Ok(Value::Float(0.0)));
    // A decimal fraction must be [integer exponent, integer mantissa].
    assert_eq!(dec("/9999/0/4", "C4 83 00 01 02"), Err((INVALID, Some(1))));
    assert_eq!(dec("/9999/0/4", "C4 9F 00 01 FF"), Err((INVALID, Some(1))));
    assert_eq!(
        dec("/9999/0/4", "C4 82 F9 3C 00 01"),
        Err((INVALID, Some(2)))
    );
    assert_eq!(dec("/9999/0/4", "C4 82 00 61 31"), Err((INVALID, Some(3))));
}

#[test]
fn strings_and_time() {
    assert_eq!(dec("/9999/0/0", "63 43 65 6C"), Ok(s("Cel")));
    assert_eq!(dec("/9999/0/0", "7F 61 43 62 65 6C FF"), Ok(s("Cel")));
    assert_eq!(dec("/9999/0/0", "7F FF"), Ok(s("")));
    assert_eq!(
        dec("/9999/0/1", "5F 41 01 42 02 03 FF"),
        Ok(Value::Opaque(vec![1, 2, 3]))
    );
    assert_eq!(dec("/9999/0/1", "5F FF"), Ok(Value::Opaque(vec![])));
    // Chunks of another type, or nested indefinite chunks, are malformed (RFC 8949 §3.2.3).
    assert_eq!(dec("/9999/0/0", "7F 41 43 FF"), Err((INVALID, Some(1))));
    assert_eq!(dec("/9999/0/0", "7F 7F FF FF"), Err((INVALID, Some(1))));
    assert_eq!(dec("/9999/0/1", "5F 61 43 FF"), Err((INVALID, Some(1))));
    // Invalid UTF-8, in a string or in a chunk.
    assert_eq!(
        dec("/9999/0/0", "62 C3 28"),
        Err((ErrorKind::InvalidUtf8, Some(0)))
    );
    assert_eq!(
        dec("/9999/0/0", "7F 61 41 62 C3 28 FF"),
        Err((ErrorKind::InvalidUtf8, Some(3)))
    );
    // Time: tag 1 (Leshan), untagged (Anjay), tag 1 on an integral float, tag 0 (RFC 3339).
    let t = Ok(Value::Time(Time(1_700_000_000)));
    assert_eq!(dec("/9999/0/13", "C1 1A 65 53 F1 00"), t);
    assert_eq!(dec("/9999/0/13", "1A 65 53 F1 00"), t);
    assert_eq!(dec("/9999/0/13", "C1 FB 41 D9 54 FC 40 00 00 00"), t);
    let rfc = |text: &str| {
        let mut b = vec![0xC0, 0x78, text.len() as u8];
        b.extend_from_slice(text.as_bytes());
        dec("/9999/0/13", &to_hex(&b))
    };
    assert_eq!(rfc("2023-11-14T22:13:20Z"), t);
    assert_eq!(rfc("2023-11-15T00:13:20.5+02:00"), t);
    assert_eq!(rfc("1970-01-01T00:00:00Z"), Ok(Value::Time(Time(0))));
    assert_eq!(rfc("1969-12-31T23:59:59z"), Ok(Value::Time(Time(-1))));
    for bad in [
        "2023-13-01T00:00:00Z",
        "2023-11-14 22:13:20",
        "2023-11-14T22:13:20.Z",
    ] {
        assert_eq!(rfc(bad), Err((ErrorKind::InvalidTime, Some(0))), "{bad}");
    }
    // Tag 1 around a string, tag 0 around a number, tag 1 beyond i64: not a time.
    assert_eq!(
        dec("/9999/0/13", "C1 61 31"),
        Err((ErrorKind::InvalidTime, Some(0)))
    );
    assert_eq!(
        dec("/9999/0/13", "C1 61 41"),
        Err((ErrorKind::InvalidTime, Some(0)))
    );
    assert_eq!(
        dec("/9999/0/13", "C0 01"),
        Err((ErrorKind::InvalidTime, Some(0)))
    );
    assert_eq!(
        dec("/9999/0/13", "C1 1B 80 00 00 00 00 00 00 00"),
        Err((ErrorKind::InvalidTime, Some(1)))
    );
    // The innermost tag counts.
    assert_eq!(dec("/9999/0/13", "D8 64 C1 01"), Ok(Value::Time(Time(1))));
    // Tag 1 holds a number and tag 0 a text string, never another tag (RFC 8949).
    for h in ["C1 D8 64 01", "C1 C1 00", "C0 C1 00"] {
        assert_eq!(
            dec("/9999/0/13", h),
            Err((ErrorKind::InvalidTime, Some(0))),
            "{h}"
        );
    }
    // Fractional tagged seconds stay a number (not an integer time).
    assert_eq!(
        dec("/9999/0/13", "C1 F9 3E 00"),
        Err((
            ErrorKind::Value(ValueError::NotWhole(DataType::Time)),
            Some(0)
        ))
    );
    assert_eq!(
        dec("/9999/0/22", "66 33 33 30 33 3A 30"),
        Ok(Value::Objlnk(ObjectLink::new(3303, 0)))
    );
}

#[test]
fn framing_errors() {
    let cases: &[(&str, &str, ErrorKind, usize)] = &[
        ("/9999/0/2", "", ErrorKind::Truncated, 0),
        ("/9999/0/2", "19 00", ErrorKind::Truncated, 1),
        ("/9999/0/2", "1B 00", ErrorKind::Truncated, 1),
        ("/9999/0/2", "38", ErrorKind::Truncated, 1),
        ("/9999/0/0", "65 41 42", ErrorKind::Truncated, 1),
        ("/9999/0/0", "63 43 65", ErrorKind::Truncated, 1),
        (
            "/9999/0/0",
            "7B FF FF FF FF FF FF FF FF 41",
            ErrorKind::Truncated,
            9,
        ),
        ("/9999/0/0", "7F 61 41", ErrorKind::Truncated, 3),
        ("/9999/0/2", "C1", ErrorKind::Truncated, 1),
        ("/9999/0/2", "18 57 00", ErrorKind::TrailingBytes, 2),
        ("/9999/0/2", "81 01", ErrorKind::Misplaced, 0),
        ("/9999/0/2", "A0", ErrorKind::Misplaced, 0),
        ("/9999/0/2", "A1 00 00", ErrorKind::Misplaced, 0),
        ("/9999/0/2", "D8 64 80", ErrorKind::Misplaced, 2),
        ("/9999/0/2", "1C", INVALID, 0),
        ("/9999/0/2", "1F", INVALID, 0),
        ("/9999/0/2", "FF", INVALID, 0),
        ("/9999/0/2", "F0", INVALID, 0),
        ("/9999/0/2", "F8 20", INVALID, 0),
        ("/9999/0/2", "FC", INVALID, 0),
        ("/9999/0/2", "F6", ErrorKind::PathWithoutValue, 0),
        ("/9999/0/2", "F7", ErrorKind::PathWithoutValue, 0),
    ];
    for (path, h, kind, at) in cases {
        assert_eq!(dec(path, h), Err((kind.clone(), Some(*at))), "{h}");
    }
    // `null` names the target.
    let e = codec::decode(F::Cbor, &p("/9999/0/2"), &[0xF6], &types()).unwrap_err();
    assert_eq!(e.path(), Some(p("/9999/0/2")));
}

#[test]
fn targets_it_cannot_carry() {
    let t = types();
    for path in ["/9999", "/9999/0"] {
        let e = codec::decode(F::Cbor, &p(path), &[0], &t).unwrap_err();
        assert_eq!(e.kind(), &ErrorKind::Unsupported);
        assert_eq!(e.path(), Some(p(path)));
        assert!(CborWriter::new(&p(path), Vec::new()).is_err());
    }
    let multiple = Node::Resource(ResourceNode {
        id: 6,
        value: ResourceValue::Multiple(vec![]),
    });
    let e = codec::encode(F::Cbor, &p("/3/0/6"), &multiple).unwrap_err();
    assert_eq!(e.kind_at(), (&ErrorKind::Unsupported, Some(0)));
    // One value, then nothing.
    let mut w = CborWriter::new(&p("/9999/0/2"), Vec::new()).unwrap();
    w.value(2, ValueRef::Integer(87)).unwrap();
    assert_eq!(
        w.value(2, ValueRef::Integer(1)).unwrap_err().kind_at(),
        (&ErrorKind::WriterMisuse, Some(2))
    );
    assert_eq!(w.finish().unwrap(), hex("18 57"));
    let w = CborWriter::new(&p("/9999/0/2"), Vec::new()).unwrap();
    assert_eq!(w.finish().unwrap_err().kind(), &ErrorKind::NoValue);
}

#[test]
fn events_and_caller_buffers() {
    let bytes = hex("63 43 65 6C");
    let mut events = Vec::new();
    codec::cbor::decode(&p("/9999/0/0"), &bytes, &mut events).unwrap();
    assert_eq!(
        events,
        vec![Event::Value {
            path: p("/9999/0/0"),
            value: RawValue::Str("Cel".into()),
            time: None
        }]
    );
    // Into a caller's buffer: exact fit, and one byte short.
    let node = res(0, s("Cel"));
    let mut buf = [0u8; 4];
    assert_eq!(
        codec::encode_into(F::Cbor, &p("/9999/0/0"), &node, &mut buf),
        Ok(4)
    );
    assert_eq!(buf, *b"\x63Cel");
    let mut small = [0u8; 3];
    let e = codec::encode_into(F::Cbor, &p("/9999/0/0"), &node, &mut small).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::BufferFull);
    assert_eq!(e.format(), Some(F::Cbor));
    let mut w = CborWriter::new(&p("/9999/0/5"), SliceOutput::new(&mut small)).unwrap();
    w.value(5, ValueRef::Boolean(true)).unwrap();
    assert_eq!(w.finish().unwrap().into_bytes(), [0xF5]);
}

#[test]
fn hostile_inputs() {
    let t = types();
    // Strings claiming 2^64-1 and 4 GiB bytes with nothing behind.
    for (h, at) in [
        ("5B FF FF FF FF FF FF FF FF 00", 9),
        ("7A FF FF FF FF 00", 5),
        ("5F 5B 7F FF FF FF FF FF FF FF FF", 10),
    ] {
        let e = codec::decode(F::Cbor, &p("/9999/0/1"), &hex(h), &t).unwrap_err();
        assert_eq!(e.kind_at(), (&ErrorKind::Truncated, Some(at)), "{h}");
    }
    // 10,000 nested tags are a loop, not recursion.
    let mut deep = [0xD8, 0x64].repeat(10_000);
    deep.extend_from_slice(&[0x18, 0x57]);
    assert_eq!(
        codec::decode(F::Cbor, &p("/9999/0/2"), &deep, &t),
        Ok(res(2, int(87)))
    );
    // A large indefinite string of one-byte chunks: linear, and the exact result.
    let n = 200_000;
    let mut big = vec![0x7F];
    big.extend(std::iter::repeat_n([0x61, b'a'], n).flatten());
    big.push(0xFF);
    assert_eq!(
        codec::decode(F::Cbor, &p("/9999/0/0"), &big, &t),
        Ok(res(0, s(&"a".repeat(n))))
    );
    // Every truncation and every single-byte change of valid payloads: an error or a
    // value, never a panic.
    for h in [
        "C0 74 32 30 32 33 2D 31 31 2D 31 34 54 32 32 3A 31 33 3A 32 30 5A",
        "C4 82 20 18 E1",
        "7F 61 43 62 65 6C FF",
        "FB 3F B9 99 99 99 99 99 9A",
    ] {
        let b = hex(h);
        for path in ["/9999/0/0", "/9999/0/4", "/9999/0/13"] {
            for cut in 0..b.len() {
                assert!(codec::decode(F::Cbor, &p(path), &b[..cut], &t).is_err());
            }
            for i in 0..b.len() {
                for x in [0x00, 0x1F, 0x5F, 0x7F, 0x9F, 0xBF, 0xC4, 0xFF] {
                    let mut m = b.clone();
                    m[i] = x;
                    let _ = codec::decode(F::Cbor, &p(path), &m, &t);
                }
            }
        }
    }
}
