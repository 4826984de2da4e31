//! `Writer::multiple` (a whole multiple resource in one call, which the TLV writer
//! overrides to write the container's header once) against the general sequence
//! `begin_multiple`, `value` per instance, `end_multiple`: the same bytes, the same errors
//! (buffer full at the same offset, misuse at the same place), and the same writer state
//! afterwards, in every format writer, at every target level, in buffers of every size.

use proptest::prelude::*;
use ucifi_runtime::codec::lwm2m_cbor::Lwm2mCborWriter;
use ucifi_runtime::codec::senml_cbor::SenmlCborWriter;
use ucifi_runtime::codec::senml_json::SenmlJsonWriter;
use ucifi_runtime::codec::tlv::TlvWriter;
use ucifi_runtime::codec::{Error, SliceOutput, ValueRef, Writer};
use ucifi_runtime::{ObjectLink, Path, Time};

/// An owned value a test case holds; borrowed as a [`ValueRef`] when written.
#[derive(Clone, Debug)]
enum V {
    Str(String),
    Int(i64),
    Uint(u64),
    Float(f64),
    Bool(bool),
    Bytes(Vec<u8>),
    Time(i64),
    Link(u16, u16),
}

impl V {
    fn as_ref(&self) -> ValueRef<'_> {
        match self {
            V::Str(s) => ValueRef::String(s),
            V::Int(i) => ValueRef::Integer(*i),
            V::Uint(u) => ValueRef::UnsignedInteger(*u),
            V::Float(f) => ValueRef::Float(*f),
            V::Bool(b) => ValueRef::Boolean(*b),
            V::Bytes(b) => ValueRef::Opaque(b),
            V::Time(t) => ValueRef::Time(Time(*t)),
            V::Link(o, i) => ValueRef::Objlnk(ObjectLink {
                object_id: *o,
                instance_id: *i,
            }),
        }
    }
}

fn value() -> impl Strategy<Value = V> {
    prop_oneof![
        // Lengths around the TLV length-field boundaries (7/8, 255/256).
        (0usize..300).prop_map(|n| V::Str("x".repeat(n))),
        any::<i64>().prop_map(V::Int),
        (-200i64..70_000).prop_map(V::Int),
        any::<u64>().prop_map(V::Uint),
        prop_oneof![Just(1.5f64), Just(0.1), any::<f64>()].prop_map(V::Float),
        any::<bool>().prop_map(V::Bool),
        prop::collection::vec(any::<u8>(), 0..20).prop_map(V::Bytes),
        any::<i64>().prop_map(V::Time),
        (any::<u16>(), any::<u16>()).prop_map(|(o, i)| V::Link(o, i)),
    ]
}

/// Instances with ascending IDs (sometimes above 255: two-byte IDs in TLV).
fn instances() -> impl Strategy<Value = Vec<(u16, V)>> {
    prop::collection::vec((0u16..400, value()), 0..12).prop_map(|mut v| {
        v.sort_by_key(|(id, _)| *id);
        v.dedup_by_key(|(id, _)| *id);
        v
    })
}

/// How a case writes: the target (object, instance or resource path), the resource IDs
/// of the multiple resource and of a single resource written before and after it.
#[derive(Clone, Debug)]
struct Case {
    target: Path,
    resource: u16,
    before: Option<V>,
    after: Option<V>,
    instances: Vec<(u16, V)>,
}

fn case() -> impl Strategy<Value = Case> {
    (
        0u8..3,
        prop_oneof![Just(6u16), Just(300u16)],
        prop::option::of(value()),
        prop::option::of(value()),
        instances(),
    )
        .prop_map(|(level, resource, before, after, instances)| Case {
            target: match level {
                0 => Path::object(3),
                1 => Path::instance(3, 0),
                _ => Path::resource(3, 0, resource),
            },
            resource,
            before,
            after,
            instances,
        })
}

/// Writes `case` through `w`, with the multiple resource in one call (`whole`) or as
/// the general sequence, up to the first error (a writer that failed is not used again).
fn script<W: Writer>(w: &mut W, case: &Case, whole: bool) -> Result<(), Error> {
    if case.target.len() == 1 {
        w.begin_instance(0).map_err(Into::into)?;
    }
    if let Some(v) = &case.before {
        w.value(1, v.as_ref()).map_err(Into::into)?;
    }
    let items = case.instances.iter().map(|(id, v)| (*id, v.as_ref()));
    if whole {
        w.multiple(case.resource, items).map_err(Into::into)?;
    } else {
        w.begin_multiple(case.resource, items.len())
            .map_err(Into::into)?;
        for (id, v) in items {
            w.value(id, v).map_err(Into::into)?;
        }
        w.end_multiple().map_err(Into::into)?;
    }
    if let Some(v) = &case.after {
        w.value(500, v.as_ref()).map_err(Into::into)?;
    }
    if case.target.len() == 1 {
        w.end_instance().map_err(Into::into)?;
    }
    Ok(())
}

/// TLV into a fixed buffer of `room` bytes.
fn tlv(case: &Case, room: usize, whole: bool) -> Result<Vec<u8>, Error> {
    let mut buf = vec![0u8; room];
    let mut w = TlvWriter::new(&case.target, SliceOutput::new(&mut buf));
    script(&mut w, case, whole)?;
    Ok(w.finish()?.as_bytes().to_vec())
}

/// `make`'s writer through `script`, then `finish`.
fn run<W: Writer, T>(
    case: &Case,
    whole: bool,
    make: impl Fn() -> W,
    finish: impl Fn(W) -> Result<T, Error>,
) -> Result<T, Error> {
    let mut w = make();
    script(&mut w, case, whole)?;
    finish(w)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn tlv_whole_multiple_is_the_general_sequence(c in case(), room in 0usize..1200) {
        prop_assert_eq!(tlv(&c, room, true), tlv(&c, room, false));
    }

    #[test]
    fn tlv_whole_multiple_into_a_vec(c in case()) {
        let tlv = |whole| run(
            &c,
            whole,
            || TlvWriter::new(&c.target, Vec::new()),
            |w| w.finish().map_err(Error::from),
        );
        prop_assert_eq!(tlv(true), tlv(false));
    }

    #[test]
    fn other_writers_whole_multiple_is_the_general_sequence(c in case()) {
        let senml_json = |whole| run(
            &c,
            whole,
            || SenmlJsonWriter::new(c.target),
            |w| w.finish().map_err(Error::from),
        );
        prop_assert_eq!(senml_json(true), senml_json(false));
        let senml_cbor = |whole| run(
            &c,
            whole,
            || SenmlCborWriter::new(c.target),
            |w| w.finish().map_err(Error::from),
        );
        prop_assert_eq!(senml_cbor(true), senml_cbor(false));
        let lwm2m_cbor = |whole| run(
            &c,
            whole,
            || Lwm2mCborWriter::new(&c.target, Vec::new()),
            |w| w.finish().map_err(Error::from),
        );
        prop_assert_eq!(lwm2m_cbor(true), lwm2m_cbor(false));
    }
}

/// The Device's Available Power Sources `{0: 1, 1: 5}` at `/3/0`: a Multiple Resource TLV
/// `86 06` holding `41 00 01` and `41 01 05` (6 bytes: the inline length form), and
/// Power Source Voltage `{0: 3800, 1: 5000}`: 8 bytes of content, so the length takes a
/// byte of its own (`88 07 08`).
#[test]
fn tlv_multiple_exact_bytes() {
    let mut w = TlvWriter::new(&Path::instance(3, 0), Vec::new());
    w.multiple(
        6,
        [(0, ValueRef::Integer(1)), (1, ValueRef::Integer(5))].into_iter(),
    )
    .unwrap();
    w.multiple(
        7,
        [(0, ValueRef::Integer(3800)), (1, ValueRef::Integer(5000))].into_iter(),
    )
    .unwrap();
    assert_eq!(
        w.finish().unwrap(),
        [
            0x86, 0x06, 0x41, 0x00, 0x01, 0x41, 0x01, 0x05, // 6
            0x88, 0x07, 0x08, 0x42, 0x00, 0x0E, 0xD8, 0x42, 0x01, 0x13, 0x88, // 7
        ]
    );
}

/// One byte short of that payload: the instances of resource 7 fit with the inline
/// length guessed when the container opens, but the container's length byte does not.
/// Both ways fail with the general sequence's error: at the end of the written bytes.
#[test]
fn tlv_multiple_buffer_full_offset() {
    let case = Case {
        target: Path::instance(3, 0),
        resource: 7,
        before: None,
        after: None,
        instances: vec![(0, V::Int(3800)), (1, V::Int(5000))],
    };
    let general = tlv(&case, 10, false).unwrap_err();
    assert_eq!(general.to_string(), "tlv at byte 10: output buffer full");
    assert_eq!(tlv(&case, 10, true).unwrap_err(), general);
    assert_eq!(tlv(&case, 11, true).unwrap().len(), 11);
}
