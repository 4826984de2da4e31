//! The typed layer (`ucifi_runtime::typed`) on a hand-written instance as the generator
//! would emit it: encoding into a recording writer, decoding from the events a decoder
//! feeds, validation, models and markers. The last test goes through a real format.

use std::borrow::Cow;

use ucifi_runtime::codec::{Error, ErrorKind, Event, InstanceEvents, InstanceSink, RawValue};
use ucifi_runtime::codec::{Sink, ValueError, WriteMode, Writer};
use ucifi_runtime::typed::check::{Check, Rule};
use ucifi_runtime::typed::*;
use ucifi_runtime::{ContentFormat, DataType, InstanceMap, ObjectModel, Operations, Path};
use ucifi_runtime::{ResourceModel, ValueRef, Version};

/// `/9/I/0` Integer 0..10 (mandatory), `/9/I/1` String (optional), `/9/I/2` Float
/// (multiple, optional), `/9/I/3` executable.
#[derive(Clone, Debug, Default, PartialEq)]
struct Demo {
    a: i64,
    b: Option<String>,
    c: InstanceMap<f64>,
}

impl InstanceSink for Demo {
    fn set(
        &mut self,
        resource: u16,
        instance: Option<u16>,
        raw: &RawValue<'_>,
    ) -> Result<(), ErrorKind> {
        match resource {
            0 => field::set(&mut self.a, instance, raw),
            1 => field::set_opt(&mut self.b, instance, raw),
            2 => field::set(&mut self.c, instance, raw),
            3 => Err(ErrorKind::Executable),
            _ => Ok(()),
        }
    }
    fn clear_multiple(&mut self, resource: u16) -> Result<(), ErrorKind> {
        match resource {
            2 => self.c.clear(),
            0 | 1 => return Err(ErrorKind::NotMultiple),
            3 => return Err(ErrorKind::Executable),
            _ => {}
        }
        Ok(())
    }
}

impl Instance for Demo {
    const OBJECT_ID: u16 = 9;
    fn encode_resources<W: Writer + ?Sized>(&self, w: &mut W) -> Result<(), Error> {
        field::emit(w, 0, &self.a)?;
        field::emit_opt(w, 1, &self.b)?;
        field::emit_non_empty(w, 2, &self.c)
    }
    fn reset_except(&mut self, keep: &ResourceSet) {
        if !keep.contains(0) {
            self.a = Default::default();
        }
        if !keep.contains(1) {
            self.b = None;
        }
        if !keep.contains(2) {
            self.c.clear();
        }
    }
    fn validate(&self) -> Result<(), Vec<Violation>> {
        let mut check = Check::new();
        check.range(0, &self.a, Rule::Int(0, 10));
        check.finish()
    }
}

/// The write view of `Demo`: resource 0, the one writable resource, checked by its rule.
#[derive(Clone, Debug, Default, PartialEq)]
struct DemoWrite {
    a: Option<i64>,
}

impl InstanceSink for DemoWrite {
    fn set(
        &mut self,
        resource: u16,
        instance: Option<u16>,
        raw: &RawValue<'_>,
    ) -> Result<(), ErrorKind> {
        match resource {
            0 => field::set_checked(&mut self.a, instance, raw, Rule::Int(0, 10)),
            1 | 2 => Err(ErrorKind::NotWritable),
            3 => Err(ErrorKind::Executable),
            _ => Ok(()),
        }
    }
    fn clear_multiple(&mut self, resource: u16) -> Result<(), ErrorKind> {
        Err(match resource {
            0 => ErrorKind::NotMultiple,
            3 => ErrorKind::Executable,
            _ => ErrorKind::NotWritable,
        })
    }
}

impl Instance for DemoWrite {
    const OBJECT_ID: u16 = 9;
    fn encode_resources<W: Writer + ?Sized>(&self, w: &mut W) -> Result<(), Error> {
        field::emit_opt(w, 0, &self.a)
    }
    fn reset_except(&mut self, keep: &ResourceSet) {
        if !keep.contains(0) {
            self.a = None;
        }
    }
    fn validate(&self) -> Result<(), Vec<Violation>> {
        let mut check = Check::new();
        check.range(0, &self.a, Rule::Int(0, 10));
        check.finish()
    }
}

impl WriteView for DemoWrite {
    type Target = Demo;
    fn apply_to(&self, target: &mut Demo) {
        if let Some(v) = self.a {
            target.a = v;
        }
    }
}

const RESOURCES: &[ResourceModel] = &[
    ResourceModel::new(0, "A", Operations::RW, DataType::Integer)
        .mandatory()
        .range("0..10"),
    ResourceModel::new(1, "B", Operations::R, DataType::String).units("m"),
    ResourceModel::new(2, "C", Operations::R, DataType::Float).multiple(),
    ResourceModel::new(3, "Go", Operations::E, DataType::None),
];
const MODEL: ObjectModel = ObjectModel {
    id: 9,
    name: Cow::Borrowed("Demo"),
    urn: Cow::Borrowed("urn:oma:lwm2m:x:9"),
    version: Version::new(1, 0),
    lwm2m_version: Version::new(1, 1),
    multiple: true,
    mandatory: false,
    resources: Cow::Borrowed(RESOURCES),
};

impl ObjectType for Demo {
    const VERSION: Version = Version::new(1, 0);
    const MODEL: &'static ObjectModel = &MODEL;
    type Write = DemoWrite;
}

struct A;
impl Resource for A {
    const ID: u16 = 0;
    type Object = Demo;
    type Value = i64;
}
impl Readable for A {}
impl Writable for A {}

struct C;
impl Resource for C {
    const ID: u16 = 2;
    type Object = Demo;
    type Value = InstanceMap<f64>;
}
impl Readable for C {}

fn demo() -> Demo {
    Demo {
        a: 12,
        b: Some("x".into()),
        c: [(0, 1.5), (3, 2.0)].into(),
    }
}

/// A writer that turns what it is given into the events a decoder would feed (a format
/// with multiple-resource and instance containers, like TLV).
struct Events {
    scope: Path,
    instance: Option<u16>,
    multiple: Option<u16>,
    out: Vec<Event<'static>>,
}

impl Events {
    fn new(scope: Path) -> Self {
        Events {
            scope,
            instance: None,
            multiple: None,
            out: Vec::new(),
        }
    }
    fn at(&self) -> Path {
        match self.instance {
            Some(i) => Path::instance(self.scope.object_id().unwrap_or(0), i),
            None => self.scope,
        }
    }
}

impl Writer for Events {
    fn begin_instance(&mut self, id: u16) -> Result<(), Error> {
        self.instance = Some(id);
        self.out.push(Event::Instance(self.at()));
        Ok(())
    }
    fn end_instance(&mut self) -> Result<(), Error> {
        self.instance = None;
        Ok(())
    }
    fn begin_multiple(&mut self, id: u16, _: usize) -> Result<(), Error> {
        self.multiple = Some(id);
        self.out
            .push(Event::MultipleResource(self.at().child(id).unwrap()));
        Ok(())
    }
    fn end_multiple(&mut self) -> Result<(), Error> {
        self.multiple = None;
        Ok(())
    }
    fn value(&mut self, id: u16, value: ValueRef<'_>) -> Result<(), Error> {
        let path = match self.multiple {
            Some(r) => self.at().child(r).and_then(|p| p.child(id)),
            None => self.at().child(id),
        };
        let value = match value {
            ValueRef::String(s) | ValueRef::Corelnk(s) => RawValue::Str(String::from(s).into()),
            ValueRef::Integer(v) => RawValue::Integer(v.into()),
            ValueRef::UnsignedInteger(v) => RawValue::Integer(v.into()),
            ValueRef::Float(v) => RawValue::Float(v),
            ValueRef::Boolean(v) => RawValue::Boolean(v),
            ValueRef::Opaque(b) => RawValue::Opaque(b.to_vec().into()),
            ValueRef::Time(t) => RawValue::Time(t.0),
            ValueRef::Objlnk(l) => RawValue::Objlnk(l),
        };
        self.out.push(Event::Value {
            path: path.unwrap(),
            value,
            time: None,
        });
        Ok(())
    }
}

fn value(path: Path, value: RawValue<'static>) -> Event<'static> {
    Event::Value {
        path,
        value,
        time: None,
    }
}

/// Feeds `events` to `sink` as a decoder would.
fn feed<'a>(sink: &mut impl Sink<'a>, events: Vec<Event<'a>>) -> Result<(), Error> {
    events.into_iter().try_for_each(|e| sink.event(e))
}

fn merge(d: &mut Demo, path: Path, events: Vec<Event<'static>>) -> Result<(), Error> {
    feed(&mut InstanceEvents::new(path, d), events)
}

#[test]
fn encode_then_decode_through_events() {
    let d = demo();
    let path = Path::instance(9, 1);
    let mut events = Events::new(path);
    d.encode_resources(&mut events).unwrap();
    let values = events
        .out
        .iter()
        .filter(|e| matches!(e, Event::Value { .. }));
    assert_eq!(values.count(), 4);
    let containers: Vec<_> = events
        .out
        .iter()
        .filter(|e| matches!(e, Event::MultipleResource(_)))
        .collect();
    assert_eq!(
        containers,
        [&Event::MultipleResource(Path::resource(9, 1, 2))]
    );
    let mut back = Demo::default();
    merge(&mut back, path, events.out).unwrap();
    assert_eq!(back, d);
}

#[test]
fn merge_replaces_what_the_payload_holds() {
    let mut d = demo();
    let path = Path::instance(9, 1);
    merge(
        &mut d,
        path,
        vec![
            Event::MultipleResource(Path::resource(9, 1, 2)),
            value(Path::resource_instance(9, 1, 2, 5), RawValue::Float(9.0)),
            value(Path::resource(9, 1, 0), RawValue::Integer(3)),
            // Not in the object version: ignored.
            value(Path::resource(9, 1, 77), RawValue::Integer(3)),
        ],
    )
    .unwrap();
    assert_eq!(d.a, 3);
    assert_eq!(d.b.as_deref(), Some("x"));
    assert_eq!(d.c, [(5, 9.0)].into());
    // Without a container, resource instances add to those present.
    let ri = Path::resource_instance(9, 1, 2, 1);
    merge(&mut d, path, vec![value(ri, RawValue::Integer(4))]).unwrap();
    assert_eq!(d.c, [(1, 4.0), (5, 9.0)].into());
}

#[test]
fn refusals_name_the_path() {
    let mut d = demo();
    let path = Path::instance(9, 1);
    let cases = [
        (
            Path::resource(9, 2, 0),
            RawValue::Integer(1),
            ErrorKind::OutsidePath,
        ),
        (
            Path::resource(9, 1, 3),
            RawValue::Integer(1),
            ErrorKind::Executable,
        ),
        (
            Path::resource(9, 1, 2),
            RawValue::Float(1.0),
            ErrorKind::NotSingle,
        ),
        (
            Path::resource_instance(9, 1, 0, 0),
            RawValue::Integer(1),
            ErrorKind::NotMultiple,
        ),
        (
            Path::resource(9, 1, 0),
            RawValue::Str("x".into()),
            ErrorKind::Value(ValueError::WrongType {
                expected: DataType::Integer,
                found: "a string",
            }),
        ),
    ];
    for (at, raw, kind) in cases {
        let e = merge(&mut d, path, vec![value(at, raw)]).unwrap_err();
        assert_eq!((e.kind(), e.path()), (&kind, Some(at)), "{at}");
    }
    // A container for a single or executable resource is refused, even empty.
    for (r, kind) in [(1, ErrorKind::NotMultiple), (3, ErrorKind::Executable)] {
        let at = Path::resource(9, 1, r);
        let e = merge(&mut d, path, vec![Event::MultipleResource(at)]).unwrap_err();
        assert_eq!(e.kind(), &kind);
    }
    let e = merge(&mut d, path, vec![Event::PathOnly(Path::resource(9, 1, 0))]).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::PathWithoutValue);
    // Nothing refused changed the instance.
    assert_eq!(d, demo());
}

#[test]
fn paths_of_another_object_or_level_are_refused_before_decoding() {
    let wrong = [Path::instance(8, 0), Path::object(9)];
    for path in wrong {
        for format in [ContentFormat::Tlv, ContentFormat::SenmlJson] {
            let e = Demo::decode(format, &path, b"").unwrap_err();
            assert_eq!(e.kind(), &ErrorKind::WrongTarget);
            assert_eq!(e.path(), Some(path));
            let e = demo().encode(format, &path).unwrap_err();
            assert_eq!(e.kind(), &ErrorKind::WrongTarget);
        }
    }
    let e = decode_instances::<Demo>(ContentFormat::Tlv, &Path::instance(9, 0), b"");
    assert_eq!(e.unwrap_err().kind(), &ErrorKind::WrongTarget);
    let e = encode_instances::<Demo>(ContentFormat::Tlv, &Path::object(8), []);
    assert_eq!(e.unwrap_err().kind(), &ErrorKind::WrongTarget);
    for path in [
        Path::resource(9, 0, 1),
        Path::instance(9, 0),
        Path::resource(3, 0, 0),
    ] {
        let e = read::<A>(ContentFormat::Tlv, &path, b"").unwrap_err();
        assert_eq!(e.kind(), &ErrorKind::WrongTarget, "{path}");
        let e = write::<A>(ContentFormat::Tlv, &path, &1).unwrap_err();
        assert_eq!(e.kind(), &ErrorKind::WrongTarget, "{path}");
    }
}

#[test]
fn set_leaves_a_field_unchanged_on_error() {
    let mut b: Option<String> = None;
    let bad = RawValue::Bytes(&[0xff]);
    let utf8 = ErrorKind::Value(ValueError::InvalidUtf8);
    assert_eq!(field::set_opt(&mut b, None, &bad), Err(utf8.clone()));
    assert_eq!(b, None);
    assert_eq!(
        field::set_opt(&mut b, Some(0), &RawValue::Text("x")),
        Err(ErrorKind::NotMultiple)
    );
    assert_eq!(b, None);
    let mut m: Option<InstanceMap<String>> = None;
    assert_eq!(
        field::set_opt(&mut m, None, &RawValue::Text("x")),
        Err(ErrorKind::NotSingle)
    );
    assert_eq!(m, None);
    field::set_opt(&mut m, Some(2), &RawValue::Text("x")).unwrap();
    assert_eq!(m, Some([(2, String::from("x"))].into()));
    let mut s = String::from("kept");
    assert_eq!(field::set(&mut s, None, &bad), Err(utf8));
    assert_eq!(s, "kept");
}

#[test]
fn assign_raw_reuses_and_checks() {
    let mut s = String::from("Open Mobile Alliance");
    let cap = s.capacity();
    s.assign_raw(&RawValue::Bytes(b"Open Mobile Alliance"))
        .unwrap();
    assert_eq!(s, "Open Mobile Alliance");
    s.assign_raw(&RawValue::Bytes(b"U")).unwrap();
    assert_eq!((s.as_str(), s.capacity()), ("U", cap));
    // Invalid UTF-8 is refused and leaves the value as it was.
    assert_eq!(
        s.assign_raw(&RawValue::Bytes(&[0xff])),
        Err(ValueError::InvalidUtf8)
    );
    assert_eq!(s, "U");
    s.assign_raw(&RawValue::Str("vs".into())).unwrap();
    assert_eq!(s, "vs");
    assert!(s.assign_raw(&RawValue::Integer(1)).is_err());
    let mut b: Vec<u8> = vec![1, 2, 3];
    b.assign_raw(&RawValue::Opaque((&[9u8][..]).into()))
        .unwrap();
    assert_eq!(b, [9]);
    // A string where the model says Opaque is base64.
    b.assign_raw(&RawValue::Str("AQI=".into())).unwrap();
    assert_eq!(b, [1, 2]);
    let mut n = 5i64;
    n.assign_raw(&RawValue::Bytes(&[0x01, 0x00])).unwrap();
    assert_eq!(n, 256);
    assert_eq!(
        n.assign_raw(&RawValue::Bytes(&[0, 0, 0])),
        Err(ValueError::BadLength {
            data_type: DataType::Integer,
            len: 3
        })
    );
    assert_eq!(n, 256);
}

/// An enumeration as the generator emits it (an Unsigned Integer resource).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
enum Mode {
    #[default]
    Off,
    On,
    Other(u64),
}

impl Enumeration for Mode {
    const DATA_TYPE: DataType = DataType::UnsignedInteger;
    const NAMES: &'static [&'static str] = &["off", "on"];
    fn to_i128(self) -> i128 {
        match self {
            Mode::Off => 0,
            Mode::On => 1,
            Mode::Other(v) => v.into(),
        }
    }
    fn from_i128(v: i128) -> Self {
        match v {
            0 => Mode::Off,
            1 => Mode::On,
            v => Mode::Other(v as u64),
        }
    }
    fn name(self) -> Option<&'static str> {
        match self {
            Mode::Off => Some("off"),
            Mode::On => Some("on"),
            Mode::Other(_) => None,
        }
    }
    fn from_name(name: &str) -> Option<Self> {
        match name {
            "off" => Some(Mode::Off),
            "on" => Some(Mode::On),
            _ => None,
        }
    }
}

#[test]
fn enumerations_are_scalars() {
    assert_eq!(Mode::from_raw(&RawValue::Bytes(&[1])), Ok(Mode::On));
    assert_eq!(
        Mode::from_raw(&RawValue::Integer(200)),
        Ok(Mode::Other(200))
    );
    assert!(Mode::from_raw(&RawValue::Integer(-1)).is_err());
    assert_eq!(
        Mode::Other(200).to_value_ref(),
        ValueRef::UnsignedInteger(200)
    );
    assert_eq!(<Mode as Scalar>::DATA_TYPE, DataType::UnsignedInteger);
    let mut check = Check::new();
    let modes = InstanceMap::from([(0, Mode::On), (1, Mode::Other(9))]);
    check.range(5, &modes, Rule::Named);
    let found = check.finish().unwrap_err();
    assert_eq!(found[0].instance, Some(1));
    assert_eq!(found[0].problem, Problem::NotAllowed { value: 9 });
}

#[test]
fn range_rules() {
    let mut check = Check::new();
    check.range(0, &11i64, Rule::Int(0, 10));
    check.range(1, &Some(String::from("abc")), Rule::Len(0, 2));
    check.range(
        2,
        &InstanceMap::from([(0, 0.5f64), (1, 2.5)]),
        Rule::Float(0.0, 1.0),
    );
    check.range(3, &4i64, Rule::Discrete(&[1, 2, 5]));
    check.range(4, &5i64, Rule::Discrete(&[1, 2, 5]));
    check.range(5, &None::<i64>, Rule::Int(0, 1));
    let found = check.finish().unwrap_err();
    assert_eq!(found.len(), 4, "{found:?}");
    assert_eq!(found[2].instance, Some(1));
    assert_eq!(format!("{}", found[0]), "resource 0: 11 is outside 0..10");
    assert_eq!(
        format!("{}", found[1]),
        "resource 1: length 3 is outside 0..2 bytes"
    );
    assert_eq!(format!("{}", found[2]), "resource 2/1: 2.5 is outside 0..1");
    assert!(Check::new().finish().is_ok());
    assert!(Demo::default().validate().is_ok());
    assert_eq!(demo().validate().unwrap_err().len(), 1);
}

#[test]
fn models_and_markers() {
    assert_eq!(A::NAME, "A");
    assert_eq!((A::MANDATORY, A::MULTIPLE), (true, false));
    assert_eq!(A::MODEL.range, "0..10");
    assert_eq!(A::OPERATIONS, Operations::RW);
    assert_eq!((C::MANDATORY, C::MULTIPLE), (false, true));
    assert_eq!(RESOURCES[1].units, "m");
    assert_eq!(RESOURCES[3].data_type, DataType::None);
    let mut set = ResourceSet::default();
    for id in [0, 63, 64, 5700] {
        assert!(!set.contains(id));
        assert!(set.insert(id));
        assert!(!set.insert(id));
        assert!(set.contains(id));
    }
}

// The same through a real format: they need the TLV codec, which is merged separately.

#[test]

fn tlv_round_trip() {
    let path = Path::instance(9, 1);
    let d = demo();
    let bytes = d.encode(ContentFormat::Tlv, &path).unwrap();
    assert_eq!(
        Demo::decode(ContentFormat::Tlv, &path, &bytes),
        Ok(d.clone())
    );
    let mut buf = [0u8; 64];
    let n = d.encode_into(ContentFormat::Tlv, &path, &mut buf).unwrap();
    assert_eq!(&buf[..n], &bytes[..]);
    let e = d
        .encode_into(ContentFormat::Tlv, &path, &mut buf[..3])
        .unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::BufferFull);
    let mut used = Demo {
        a: 1,
        b: None,
        c: [(9, 9.0)].into(),
    };
    used.decode_into(ContentFormat::Tlv, &path, &bytes).unwrap();
    assert_eq!(used, d);
    // Resource 9/1/0 = 3 applied on top.
    let mut applied = d.clone();
    applied
        .merge(ContentFormat::Tlv, &path, &[0xC1, 0x00, 0x03])
        .unwrap();
    assert_eq!(applied, Demo { a: 3, ..d.clone() });

    let all = encode_instances(ContentFormat::Tlv, &Path::object(9), [(4, &d), (7, &d)]).unwrap();
    let back = decode_instances::<Demo>(ContentFormat::Tlv, &Path::object(9), &all).unwrap();
    assert_eq!(back.len(), 2);
    assert_eq!(back[&7], d);

    let at = Path::resource(9, 1, 0);
    let one = write::<A>(ContentFormat::Tlv, &at, &4).unwrap();
    assert_eq!(one, [0xC1, 0x00, 0x04]);
    assert_eq!(read::<A>(ContentFormat::Tlv, &at, &one), Ok(4));
}

#[test]
fn write_views_check_values_and_writes_are_all_or_nothing() {
    let path = Path::instance(9, 1);
    let mut d = demo();
    // 9/1/0 = 11: outside 0..10, refused at its TLV; nothing changes.
    let e = d
        .write(
            WriteMode::PartialUpdate,
            ContentFormat::Tlv,
            &path,
            &[0xC1, 0x00, 0x0B],
        )
        .unwrap_err();
    let outside = Problem::OutOfRange {
        value: 11.0,
        min: 0.0,
        max: 10.0,
    };
    assert_eq!(e.kind_at(), (&ErrorKind::Invalid(outside), Some(0)));
    assert_eq!(d, demo());
    // 9/1/1 is read-only.
    let e = d
        .write(
            WriteMode::Replace,
            ContentFormat::Tlv,
            &path,
            &[0xC1, 0x01, 0x61],
        )
        .unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::NotWritable);
    // A replace sets 9/1/0; the read-only resources keep their values.
    d.write(
        WriteMode::Replace,
        ContentFormat::Tlv,
        &path,
        &[0xC1, 0x00, 0x03],
    )
    .unwrap();
    assert_eq!(d, Demo { a: 3, ..demo() });

    // `set_checked` by an enumeration's names; a refused value leaves the field as it was.
    let mut modes = None::<InstanceMap<Mode>>;
    let e = field::set_checked(&mut modes, Some(0), &RawValue::Integer(9), Rule::Named);
    assert_eq!(e, Err(ErrorKind::Invalid(Problem::NotAllowed { value: 9 })));
    assert_eq!(modes, None);
    field::set_checked(&mut modes, Some(4), &RawValue::Integer(1), Rule::Named).unwrap();
    assert_eq!(modes, Some(InstanceMap::from([(4, Mode::On)])));
    let mut one = None::<i64>;
    let e = field::set_checked(&mut one, Some(1), &RawValue::Integer(1), Rule::Int(0, 9));
    assert_eq!((e, one), (Err(ErrorKind::NotMultiple), None));
}
