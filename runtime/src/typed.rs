//! What generated object code implements and calls.
//!
//! Generated code (see `ucifi-codegen`) emits, per object version:
//!
//! * an instance struct implementing [`Instance`] and [`ObjectType`]: it encodes itself by
//!   driving any format's [`Writer`] and decodes itself (whole or as a partial update) from
//!   any format's [`Reader`], with no detour through a [`Node`](crate::Node) tree;
//! * a write view implementing [`Instance`] that holds only the resources a server may write;
//! * one zero-sized marker type per resource implementing [`Resource`] (and [`Readable`],
//!   [`Writable`] or [`Executable`]) so single resources can be read and written with types
//!   ([`read()`], [`write()`]);
//! * Rust enums for enumerated resources, implementing [`Scalar`].
//!
//! The functions of this module ([`encode`], [`decode`], [`apply`], [`decode_instances`],
//! [`encode_instances`], [`read()`], [`write()`]) are the entry points for those types, and the
//! submodules [`field`] and [`check`] hold the helpers generated code calls so it stays small.

use alloc::borrow::Cow;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::ValueRef;
use crate::codec::{Error, ErrorKind, InstanceEvents, InstanceSink, RawValue, ValueError, Writer};

/// Why one decoded value could not be stored into a typed instance: the
/// [`ErrorKind`]s `Value`, `NotMultiple`, `NotSingle`, `NotWritable` and `Executable`.
pub type SetError = ErrorKind;
use crate::{
    CoreLink, DataType, InstanceMap, ObjectLink, ObjectModel, Operations, Path, ResourceModel, Time,
};
use crate::{Version, codec};

/// Re-exports generated code names by absolute path (`::ucifi_runtime::__private::...`), so
/// it compiles under `no_std` and without its own `serde` dependency. Not a public API.
#[doc(hidden)]
pub mod __private {
    pub use alloc::borrow::Cow;
    pub use alloc::collections::BTreeMap;
    pub use alloc::string::String;
    pub use alloc::vec::Vec;
    pub use serde;
}

/// Builds a [`ResourceModel`] in `const` context (generated `MODEL`s).
#[allow(clippy::too_many_arguments)]
pub const fn resource_model(
    id: u16,
    name: &'static str,
    operations: Operations,
    multiple: bool,
    mandatory: bool,
    data_type: DataType,
    range: &'static str,
    units: &'static str,
) -> ResourceModel {
    ResourceModel {
        id,
        name: Cow::Borrowed(name),
        operations,
        multiple,
        mandatory,
        data_type,
        range: Cow::Borrowed(range),
        units: Cow::Borrowed(units),
    }
}

/// Builds an [`ObjectModel`] in `const` context (generated `MODEL`s). `resources` must be
/// sorted by ID.
#[allow(clippy::too_many_arguments)]
pub const fn object_model(
    id: u16,
    name: &'static str,
    urn: &'static str,
    version: Version,
    lwm2m_version: Version,
    multiple: bool,
    mandatory: bool,
    resources: &'static [ResourceModel],
) -> ObjectModel {
    ObjectModel {
        id,
        name: Cow::Borrowed(name),
        urn: Cow::Borrowed(urn),
        version,
        lwm2m_version,
        multiple,
        mandatory,
        resources: Cow::Borrowed(resources),
    }
}

/// How a value measures against a model range (see [`check`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Measure {
    /// An integral number (Integer, Unsigned Integer, Time, enumerations).
    Int(i128),
    /// A float.
    Float(f64),
    /// A length in bytes (String, Opaque, Corelnk).
    Len(usize),
    /// Nothing to measure (Boolean, Objlnk).
    None,
}

/// A value type one resource (or resource instance) holds.
pub trait Scalar: Sized + Clone {
    /// The LwM2M data type it is encoded as.
    const DATA_TYPE: DataType;
    /// Reads a decoded payload value.
    fn from_raw(raw: &RawValue<'_>) -> Result<Self, ValueError>;
    /// Replaces `self` with a decoded payload value, reusing its buffer where it has one
    /// (strings, bytes). On error `self` is unchanged.
    #[inline]
    fn assign_raw(&mut self, raw: &RawValue<'_>) -> Result<(), ValueError> {
        *self = Self::from_raw(raw)?;
        Ok(())
    }
    /// Whether [`assign_raw`](Scalar::assign_raw) reuses something of the old value (a
    /// buffer). When not, setters store a new value read with
    /// [`from_raw`](Scalar::from_raw) whatever the slot held, in less code.
    const REUSES_BUFFER: bool = false;
    /// A borrowed view for encoding.
    fn to_value_ref(&self) -> ValueRef<'_>;
    /// How it measures against a range.
    fn measure(&self) -> Measure {
        Measure::None
    }
}

impl Scalar for String {
    const DATA_TYPE: DataType = DataType::String;
    const REUSES_BUFFER: bool = true;
    fn from_raw(raw: &RawValue<'_>) -> Result<Self, ValueError> {
        match raw {
            // Copied, then checked in place: the copy starts aligned, so `from_utf8` takes
            // its word-at-a-time path over ASCII from the first byte.
            RawValue::Bytes(b) => {
                String::from_utf8(b.to_vec()).map_err(|_| ValueError::InvalidUtf8)
            }
            _ => raw.as_str().map(|s| s.into_owned()),
        }
    }
    fn assign_raw(&mut self, raw: &RawValue<'_>) -> Result<(), ValueError> {
        // The same text again (a device's name, model, serial between two reads): equal
        // bytes are valid UTF-8 already, so there is nothing to check or copy.
        if let RawValue::Bytes(b) = raw
            && same_bytes(self.as_bytes(), b)
        {
            return Ok(());
        }
        assign_string(self, raw)
    }
    fn to_value_ref(&self) -> ValueRef<'_> {
        ValueRef::String(self)
    }
    fn measure(&self) -> Measure {
        Measure::Len(self.len())
    }
}

/// [`Scalar::assign_raw`] of a string whose text changes, out of line.
#[inline(never)]
fn assign_string(s: &mut String, raw: &RawValue<'_>) -> Result<(), ValueError> {
    let text = raw.as_str()?;
    if *s != *text {
        if s.capacity() < text.len() {
            // A new buffer of the exact size (an empty field in a fresh struct).
            *s = String::from(&*text);
        } else {
            s.clear();
            s.push_str(&text);
        }
    }
    Ok(())
}

/// `a == b`, without a call for the short texts resource values mostly are: eight bytes
/// at a time, the last (or only) word overlapping the one before.
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n > 64 {
        return a == b;
    }
    let word = |s: &[u8], i: usize| -> u64 {
        s.get(i..i + 8).map_or(0, |w| {
            u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]])
        })
    };
    let half = |s: &[u8], i: usize| -> u64 {
        s.get(i..i + 4)
            .map_or(0, |w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]) as u64)
    };
    if n >= 8 {
        let mut diff = word(a, n - 8) ^ word(b, n - 8);
        let mut i = 0;
        while i + 8 < n {
            diff |= word(a, i) ^ word(b, i);
            i += 8;
        }
        diff == 0
    } else if n >= 4 {
        (half(a, 0) ^ half(b, 0)) | (half(a, n - 4) ^ half(b, n - 4)) == 0
    } else {
        // Zero to three bytes: first, middle and last (repeats are harmless).
        n == 0 || (a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1])
    }
}

/// Bytes of a length the type does not allow (TLV, octet-stream).
#[cold]
#[inline(never)]
fn bad_length(data_type: DataType, len: usize) -> ValueError {
    ValueError::BadLength { data_type, len }
}

/// The conversions of values other than bytes, out of line: the scalars' `from_raw` take
/// bytes (TLV, octet-stream) in a few instructions and hand everything else over.
mod other {
    use super::*;

    #[inline(never)]
    pub(super) fn i64(raw: &RawValue<'_>) -> Result<i64, ValueError> {
        raw.as_i64()
    }
    #[inline(never)]
    pub(super) fn u64(raw: &RawValue<'_>) -> Result<u64, ValueError> {
        raw.as_u64()
    }
    #[inline(never)]
    pub(super) fn f64(raw: &RawValue<'_>) -> Result<f64, ValueError> {
        raw.as_f64()
    }
    #[inline(never)]
    pub(super) fn bool(raw: &RawValue<'_>) -> Result<bool, ValueError> {
        raw.as_bool()
    }
    #[inline(never)]
    pub(super) fn time(raw: &RawValue<'_>) -> Result<Time, ValueError> {
        raw.as_time()
    }
}

impl Scalar for i64 {
    const DATA_TYPE: DataType = DataType::Integer;
    #[inline]
    fn from_raw(raw: &RawValue<'_>) -> Result<Self, ValueError> {
        // `RawValue::as_i64`, bytes (TLV) and CBOR/JSON integers first.
        match raw {
            RawValue::Bytes(b) => {
                codec::be_int(b).ok_or_else(|| bad_length(DataType::Integer, b.len()))
            }
            RawValue::Integer(v) if let Ok(v) = i64::try_from(*v) => Ok(v),
            _ => other::i64(raw),
        }
    }
    fn to_value_ref(&self) -> ValueRef<'_> {
        ValueRef::Integer(*self)
    }
    fn measure(&self) -> Measure {
        Measure::Int(*self as i128)
    }
}

impl Scalar for u64 {
    const DATA_TYPE: DataType = DataType::UnsignedInteger;
    #[inline]
    fn from_raw(raw: &RawValue<'_>) -> Result<Self, ValueError> {
        // `RawValue::as_u64`, bytes (TLV) and CBOR/JSON integers first.
        match raw {
            RawValue::Bytes(b) => {
                codec::be_uint(b).ok_or_else(|| bad_length(DataType::UnsignedInteger, b.len()))
            }
            RawValue::Integer(v) if let Ok(v) = u64::try_from(*v) => Ok(v),
            _ => other::u64(raw),
        }
    }
    fn to_value_ref(&self) -> ValueRef<'_> {
        ValueRef::UnsignedInteger(*self)
    }
    fn measure(&self) -> Measure {
        Measure::Int(*self as i128)
    }
}

impl Scalar for f64 {
    const DATA_TYPE: DataType = DataType::Float;
    #[inline]
    fn from_raw(raw: &RawValue<'_>) -> Result<Self, ValueError> {
        // `RawValue::as_f64`, bytes first.
        match raw {
            RawValue::Bytes([a, b, c, d]) => Ok(f32::from_be_bytes([*a, *b, *c, *d]) as f64),
            RawValue::Bytes([a, b, c, d, e, f, g, h]) => {
                Ok(f64::from_be_bytes([*a, *b, *c, *d, *e, *f, *g, *h]))
            }
            RawValue::Bytes(b) => Err(bad_length(DataType::Float, b.len())),
            _ => other::f64(raw),
        }
    }
    fn to_value_ref(&self) -> ValueRef<'_> {
        ValueRef::Float(*self)
    }
    fn measure(&self) -> Measure {
        Measure::Float(*self)
    }
}

impl Scalar for bool {
    const DATA_TYPE: DataType = DataType::Boolean;
    #[inline]
    fn from_raw(raw: &RawValue<'_>) -> Result<Self, ValueError> {
        // `RawValue::as_bool`, bytes first.
        match raw {
            RawValue::Bytes([b]) if *b <= 1 => Ok(*b == 1),
            _ => other::bool(raw),
        }
    }
    fn to_value_ref(&self) -> ValueRef<'_> {
        ValueRef::Boolean(*self)
    }
}

impl Scalar for Vec<u8> {
    const DATA_TYPE: DataType = DataType::Opaque;
    const REUSES_BUFFER: bool = true;
    fn from_raw(raw: &RawValue<'_>) -> Result<Self, ValueError> {
        match raw {
            // A string where the model says Opaque: base64, as LwM2M JSON `sv` carries it
            // when the reader had no model.
            RawValue::Str(s) => RawValue::Text(s).as_bytes().map(|b| b.into_owned()),
            other => other.as_bytes().map(|b| b.into_owned()),
        }
    }
    fn assign_raw(&mut self, raw: &RawValue<'_>) -> Result<(), ValueError> {
        let text;
        let raw = match raw {
            RawValue::Str(s) => {
                text = RawValue::Text(s);
                &text
            }
            other => other,
        };
        let b = raw.as_bytes()?;
        self.clear();
        self.extend_from_slice(&b);
        Ok(())
    }
    fn to_value_ref(&self) -> ValueRef<'_> {
        ValueRef::Opaque(self)
    }
    fn measure(&self) -> Measure {
        Measure::Len(self.len())
    }
}

impl Scalar for Time {
    const DATA_TYPE: DataType = DataType::Time;
    #[inline]
    fn from_raw(raw: &RawValue<'_>) -> Result<Self, ValueError> {
        // `RawValue::as_time`, bytes (TLV) and CBOR/JSON integers first.
        match raw {
            RawValue::Bytes(b) => codec::be_int(b)
                .map(Time)
                .ok_or_else(|| bad_length(DataType::Time, b.len())),
            RawValue::Integer(v) if let Ok(v) = i64::try_from(*v) => Ok(Time(v)),
            _ => other::time(raw),
        }
    }
    fn to_value_ref(&self) -> ValueRef<'_> {
        ValueRef::Time(*self)
    }
    fn measure(&self) -> Measure {
        Measure::Int(self.0 as i128)
    }
}

impl Scalar for ObjectLink {
    const DATA_TYPE: DataType = DataType::Objlnk;
    fn from_raw(raw: &RawValue<'_>) -> Result<Self, ValueError> {
        raw.as_objlnk()
    }
    fn to_value_ref(&self) -> ValueRef<'_> {
        ValueRef::Objlnk(*self)
    }
}

impl Scalar for CoreLink {
    const DATA_TYPE: DataType = DataType::Corelnk;
    fn from_raw(raw: &RawValue<'_>) -> Result<Self, ValueError> {
        match raw.as_str() {
            Ok(s) => Ok(CoreLink(s.into_owned())),
            Err(ValueError::WrongType { found, .. }) => Err(ValueError::WrongType {
                expected: DataType::Corelnk,
                found,
            }),
            Err(e) => Err(e),
        }
    }
    fn to_value_ref(&self) -> ValueRef<'_> {
        ValueRef::Corelnk(&self.0)
    }
    fn measure(&self) -> Measure {
        Measure::Len(self.0.len())
    }
}

/// Enumerations generated from a `N: LABEL` range: every value maps to a variant, values the
/// model does not list to a fallback variant.
pub trait Enumeration: Copy {
    /// The numeric value.
    fn to_i128(self) -> i128;
    /// The variant for a value (the fallback variant when the model does not list it).
    fn from_i128(v: i128) -> Self;
    /// Whether the value is listed by the model.
    fn is_known(self) -> bool;
}

/// The whole value of one resource: a [`Scalar`] for a single-instance resource, a map of
/// resource-instance ID to value for a multiple-instance resource.
pub trait ResourceValue: Sized + Default {
    /// The element type.
    type Element: Scalar;
    /// Whether this is the multiple-instance form.
    const MULTIPLE: bool;
    /// Stores one decoded value (`instance` is the resource-instance ID, if any).
    fn put(&mut self, instance: Option<u16>, raw: &RawValue<'_>) -> Result<(), SetError>;
    /// Emits the value as resource `id`.
    fn emit<W: Writer>(&self, id: u16, w: &mut W) -> Result<(), Error>;
}

impl<T: Scalar + Default> ResourceValue for T {
    type Element = T;
    const MULTIPLE: bool = false;
    fn put(&mut self, instance: Option<u16>, raw: &RawValue<'_>) -> Result<(), SetError> {
        field::set(self, instance, raw).map(drop)
    }
    fn emit<W: Writer>(&self, id: u16, w: &mut W) -> Result<(), Error> {
        w.value(id, self.to_value_ref())
    }
}

impl<T: Scalar> ResourceValue for InstanceMap<T> {
    type Element = T;
    const MULTIPLE: bool = true;
    fn put(&mut self, instance: Option<u16>, raw: &RawValue<'_>) -> Result<(), SetError> {
        field::set_multi(self, instance, raw).map(drop)
    }
    fn emit<W: Writer>(&self, id: u16, w: &mut W) -> Result<(), Error> {
        field::multi(w, id, self, true)
    }
}

/// The content of one object instance: its resources, encoded and decoded field by field.
///
/// Implemented by generated instance structs and write views.
pub trait Instance: Default {
    /// The object ID.
    const OBJECT_ID: u16;
    /// Emits every present resource, in ID order (instance-level content).
    fn encode_resources<W: Writer>(&self, w: &mut W) -> Result<(), Error>;
    /// Stores one decoded value. Returns `Ok(false)` when the object version does not define
    /// `resource` (the value is then ignored).
    fn set_raw(
        &mut self,
        resource: u16,
        instance: Option<u16>,
        raw: &RawValue<'_>,
    ) -> Result<bool, SetError>;
    /// Empties multiple-instance resource `resource` before a payload replaces it. Refuses
    /// what [`set_raw`](Instance::set_raw) refuses for the resource's instances: a single,
    /// executable (or, in write views, read-only) resource; `Ok` for a resource the object
    /// version does not define (ignored).
    fn clear_multiple(&mut self, resource: u16) -> Result<(), SetError>;
}

/// A generated object version.
pub trait ObjectType: Instance + Clone + fmt::Debug + PartialEq + 'static {
    /// The object version.
    const VERSION: Version;
    /// The object model.
    const MODEL: &'static ObjectModel;
    /// Checks ranges, lengths and enumerations of the model; returns every violation.
    fn validate(&self) -> Result<(), Vec<Violation>>;
    /// Resets every resource not in `keep` to its default (`None`, empty, `Default`).
    fn reset_except(&mut self, keep: &ResourceSet);
}

/// Visits object version types generically (see the generated `visit_objects`), e.g. to
/// register handlers or run a test over every object of a library.
pub trait ObjectVisitor {
    /// Called once per object version type.
    fn visit<T: ObjectType>(&mut self);
}

/// A resource of an object version, as a zero-sized marker type.
///
/// Generated markers state the ID, object and value type; every other fact comes from the
/// object's `MODEL`, so markers and descriptors cannot disagree.
pub trait Resource {
    /// Resource ID.
    const ID: u16;
    /// The object version it belongs to.
    type Object: ObjectType;
    /// The Rust type of its whole value (`()` for executables).
    type Value;
    /// Its model descriptor.
    const MODEL: &'static ResourceModel = model_resource(Self::Object::MODEL, Self::ID);
    /// Name as defined by the model.
    const NAME: &'static str = static_str(&Self::MODEL.name);
    /// Allowed operations.
    const OPERATIONS: Operations = Self::MODEL.operations;
    /// Whether the resource has resource instances.
    const MULTIPLE: bool = Self::MODEL.multiple;
    /// Whether every instance must expose it.
    const MANDATORY: bool = Self::MODEL.mandatory;
    /// Data type ([`DataType::None`] for executables).
    const DATA_TYPE: DataType = Self::MODEL.data_type;
}

/// The resource `id` of a static model (`const`; panics at compile time when missing).
pub const fn model_resource(model: &'static ObjectModel, id: u16) -> &'static ResourceModel {
    let list: &'static [ResourceModel] = match &model.resources {
        Cow::Borrowed(list) => list,
        Cow::Owned(_) => panic!("a generated model is borrowed"),
    };
    let mut i = 0;
    while i < list.len() {
        if list[i].id == id {
            return &list[i];
        }
        i += 1;
    }
    panic!("resource not in its object model")
}

#[allow(clippy::ptr_arg)] // a `const fn` cannot deref a `Cow`
const fn static_str(s: &'static Cow<'static, str>) -> &'static str {
    match s {
        Cow::Borrowed(s) => s,
        Cow::Owned(_) => panic!("a generated model is borrowed"),
    }
}

/// A resource a server may read (`R`, `RW`).
pub trait Readable: Resource<Value: ResourceValue> {}
/// A resource a server may write (`W`, `RW`).
pub trait Writable: Resource<Value: ResourceValue> {}
/// A resource a server may execute (`E`).
pub trait Executable: Resource<Value = ()> {}

/// One range violation found by [`ObjectType::validate`].
#[derive(Clone, Debug, PartialEq)]
pub struct Violation {
    /// Resource ID.
    pub resource: u16,
    /// Resource-instance ID for multiple resources.
    pub instance: Option<u16>,
    /// What is wrong.
    pub problem: Problem,
}

/// What a [`Violation`] is about.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    /// A number outside `min..=max`.
    OutOfRange {
        /// The value.
        value: f64,
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
    /// A length outside `min..=max` bytes.
    BadLength {
        /// The length.
        len: usize,
        /// Minimum.
        min: u64,
        /// Maximum.
        max: u64,
    },
    /// A value not in the model's list or enumeration.
    NotAllowed {
        /// The value.
        value: i128,
    },
    /// A mandatory multiple-instance resource with no instance.
    Empty,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "resource {}", self.resource)?;
        if let Some(i) = self.instance {
            write!(f, "/{i}")?;
        }
        match &self.problem {
            Problem::OutOfRange { value, min, max } => {
                write!(f, ": {value} is outside {min}..{max}")
            }
            Problem::BadLength { len, min, max } => {
                write!(f, ": length {len} is outside {min}..{max} bytes")
            }
            Problem::NotAllowed { value } => write!(f, ": {value} is not an allowed value"),
            Problem::Empty => write!(f, ": mandatory resource has no instance"),
        }
    }
}

/// Field helpers called by generated `encode_resources`/`set_raw`.
pub mod field {
    use super::*;

    /// Emits a single value.
    #[inline]
    pub fn one<W: Writer, T: Scalar>(w: &mut W, id: u16, v: &T) -> Result<(), Error> {
        w.value(id, v.to_value_ref())
    }

    /// Emits an optional value when present.
    #[inline]
    pub fn opt<W: Writer, T: Scalar>(w: &mut W, id: u16, v: &Option<T>) -> Result<(), Error> {
        match v {
            Some(v) => w.value(id, v.to_value_ref()),
            None => Ok(()),
        }
    }

    /// Emits a multiple resource; an empty one only when `always` (mandatory resources).
    pub fn multi<W: Writer, T: Scalar>(
        w: &mut W,
        id: u16,
        v: &InstanceMap<T>,
        always: bool,
    ) -> Result<(), Error> {
        if v.is_empty() && !always {
            return Ok(());
        }
        w.begin_multiple(id, v.len())?;
        for (ri, x) in v.iter() {
            w.value(ri, x.to_value_ref())?;
        }
        w.end_multiple()
    }

    /// Emits an optional multiple resource (write views) when present.
    pub fn opt_multi<W: Writer, T: Scalar>(
        w: &mut W,
        id: u16,
        v: &Option<InstanceMap<T>>,
    ) -> Result<(), Error> {
        match v {
            Some(m) => multi(w, id, m, true),
            None => Ok(()),
        }
    }

    /// Stores a single value.
    pub fn set<T: Scalar>(
        slot: &mut T,
        instance: Option<u16>,
        raw: &RawValue<'_>,
    ) -> Result<bool, SetError> {
        if instance.is_some() {
            return Err(SetError::NotMultiple);
        }
        slot.assign_raw(raw)?;
        Ok(true)
    }

    /// Stores an optional value.
    pub fn set_opt<T: Scalar>(
        slot: &mut Option<T>,
        instance: Option<u16>,
        raw: &RawValue<'_>,
    ) -> Result<bool, SetError> {
        if instance.is_some() {
            return Err(SetError::NotMultiple);
        }
        match slot {
            Some(v) if T::REUSES_BUFFER => v.assign_raw(raw)?,
            _ => *slot = Some(T::from_raw(raw)?),
        }
        Ok(true)
    }

    /// Stores one resource instance.
    pub fn set_multi<T: Scalar>(
        slot: &mut InstanceMap<T>,
        instance: Option<u16>,
        raw: &RawValue<'_>,
    ) -> Result<bool, SetError> {
        let ri = instance.ok_or(SetError::NotSingle)?;
        // Instances in ascending order (as every format lists them) append; anything else
        // out of line.
        if slot.last().is_some_and(|(last, _)| last >= ri) {
            return set_listed(slot, ri, raw);
        }
        slot.push_above(ri, T::from_raw(raw)?);
        Ok(true)
    }

    /// [`set_multi`] of an instance at or below the highest one present.
    #[inline(never)]
    fn set_listed<T: Scalar>(
        slot: &mut InstanceMap<T>,
        ri: u16,
        raw: &RawValue<'_>,
    ) -> Result<bool, SetError> {
        match slot.get_mut(ri) {
            Some(v) => v.assign_raw(raw)?,
            None => {
                slot.insert(ri, T::from_raw(raw)?);
            }
        }
        Ok(true)
    }

    /// Stores one resource instance of an optional multiple resource (write views).
    pub fn set_opt_multi<T: Scalar>(
        slot: &mut Option<InstanceMap<T>>,
        instance: Option<u16>,
        raw: &RawValue<'_>,
    ) -> Result<bool, SetError> {
        set_multi(slot.get_or_insert_with(InstanceMap::new), instance, raw)
    }

    /// Reads an enumeration value through its numeric form.
    pub fn enum_from_raw<E: Enumeration>(
        raw: &RawValue<'_>,
        unsigned: bool,
    ) -> Result<E, ValueError> {
        Ok(E::from_i128(if unsigned {
            raw.as_u64()? as i128
        } else {
            raw.as_i64()? as i128
        }))
    }

    /// The encoding view of an enumeration value.
    pub fn enum_to_ref<E: Enumeration>(e: E, unsigned: bool) -> ValueRef<'static> {
        let v = e.to_i128();
        if unsigned {
            ValueRef::UnsignedInteger(v as u64)
        } else {
            ValueRef::Integer(v as i64)
        }
    }
}

/// Range checks called by generated `validate`.
pub mod check {
    use super::*;

    /// A model range rule.
    #[derive(Clone, Copy, Debug, PartialEq)]
    pub enum Rule {
        /// Integer interval (inclusive).
        Int(i128, i128),
        /// Float interval (inclusive).
        Float(f64, f64),
        /// Byte length interval (inclusive).
        Len(u64, u64),
        /// Allowed values.
        Discrete(&'static [i128]),
        /// Values of an enumeration must be listed.
        Enumerated,
    }

    /// The value of a single resource.
    pub fn one<T>(v: &T) -> impl Iterator<Item = (Option<u16>, &T)> {
        core::iter::once((None, v))
    }
    /// The value of an optional resource.
    pub fn opt<T>(v: &Option<T>) -> impl Iterator<Item = (Option<u16>, &T)> {
        v.iter().map(|x| (None, x))
    }
    /// The instances of a multiple resource.
    pub fn multi<T>(v: &InstanceMap<T>) -> impl Iterator<Item = (Option<u16>, &T)> {
        v.iter().map(|(k, x)| (Some(k), x))
    }

    /// Checks every value against `rule`, pushing violations to `out`.
    pub fn range<'a, T: Scalar + 'a>(
        out: &mut Vec<Violation>,
        resource: u16,
        values: impl Iterator<Item = (Option<u16>, &'a T)>,
        rule: Rule,
    ) {
        for (instance, v) in values {
            if let Some(problem) = problem(v.measure(), rule) {
                out.push(Violation {
                    resource,
                    instance,
                    problem,
                });
            }
        }
    }

    /// Checks enumeration values are listed.
    pub fn enumerated<'a, T: Enumeration + 'a>(
        out: &mut Vec<Violation>,
        resource: u16,
        values: impl Iterator<Item = (Option<u16>, &'a T)>,
    ) {
        for (instance, v) in values {
            if !v.is_known() {
                out.push(Violation {
                    resource,
                    instance,
                    problem: Problem::NotAllowed { value: v.to_i128() },
                });
            }
        }
    }

    fn problem(m: Measure, rule: Rule) -> Option<Problem> {
        let out_of = |value: f64, min: f64, max: f64| {
            (!(min..=max).contains(&value)).then_some(Problem::OutOfRange { value, min, max })
        };
        match (m, rule) {
            (Measure::Int(v), Rule::Int(min, max)) => {
                (!(min..=max).contains(&v)).then_some(Problem::OutOfRange {
                    value: v as f64,
                    min: min as f64,
                    max: max as f64,
                })
            }
            (Measure::Int(v), Rule::Float(min, max)) => out_of(v as f64, min, max),
            (Measure::Float(v), Rule::Float(min, max)) => out_of(v, min, max),
            (Measure::Float(v), Rule::Int(min, max)) => out_of(v, min as f64, max as f64),
            (Measure::Len(len), Rule::Len(min, max)) => (!(min..=max).contains(&(len as u64)))
                .then_some(Problem::BadLength { len, min, max }),
            (Measure::Int(v), Rule::Discrete(list)) => {
                (!list.contains(&v)).then_some(Problem::NotAllowed { value: v })
            }
            (Measure::Float(v), Rule::Discrete(list)) => (!list.iter().any(|x| *x as f64 == v))
                .then_some(Problem::OutOfRange {
                    value: v,
                    min: f64::NAN,
                    max: f64::NAN,
                }),
            _ => None,
        }
    }

    /// Flags a mandatory multiple resource without instances.
    pub fn non_empty<T>(out: &mut Vec<Violation>, resource: u16, v: &InstanceMap<T>) {
        if v.is_empty() {
            out.push(Violation {
                resource,
                instance: None,
                problem: Problem::Empty,
            });
        }
    }

    /// `Ok` when nothing was found.
    pub fn finish(out: Vec<Violation>) -> Result<(), Vec<Violation>> {
        if out.is_empty() { Ok(()) } else { Err(out) }
    }
}

/// Encodes one instance's resources (target `/O/I`).
pub fn encode<I: Instance, W: Writer>(instance: &I, w: &mut W) -> Result<(), Error> {
    instance.encode_resources(w)
}

/// Encodes several instances (target `/O`), in the iterator's order.
pub fn encode_instances<'i, I: Instance + 'i, W: Writer>(
    instances: impl IntoIterator<Item = (u16, &'i I)>,
    w: &mut W,
) -> Result<(), Error> {
    for (id, i) in instances {
        w.begin_instance(id)?;
        i.encode_resources(w)?;
        w.end_instance()?;
    }
    Ok(())
}

/// Encodes one resource value (target `/O/I/R`) of a writable resource. Writing a resource
/// that is not `W`/`RW` does not compile.
pub fn write<R: Writable, W: Writer>(value: &R::Value, w: &mut W) -> Result<(), Error> {
    value.emit(R::ID, w)
}

/// Decodes one instance from a payload of `format` addressed to `path` (`/O/I`; `/O/I/R` or
/// `/O/I/R/RI` give an instance holding only that resource).
pub fn decode<I: Instance>(
    format: crate::ContentFormat,
    path: &Path,
    bytes: &[u8],
) -> Result<I, Error> {
    let mut out = I::default();
    apply(format, path, bytes, &mut out)?;
    Ok(out)
}

/// Decodes a payload of `format` addressed to `path` into `instance`, replacing everything
/// it held, as [`decode`] would, but reusing its buffers: strings, byte values and
/// resource-instance maps keep their allocations and are overwritten in place. A server
/// decoding a stream of payloads of one object type into one struct decodes without heap
/// allocation once the buffers have grown. Resources the payload does not carry are reset;
/// a multiple resource the payload carries holds exactly the payload's instances. On error,
/// `instance` holds a mix of old and new values.
pub fn decode_into<I: ObjectType>(
    format: crate::ContentFormat,
    path: &Path,
    bytes: &[u8],
    instance: &mut I,
) -> Result<(), Error> {
    check_instance_path::<I>(path)?;
    let mut sink = Replace {
        inner: instance,
        seen: ResourceSet::default(),
    };
    codec::decode_to(
        format,
        path,
        bytes,
        &mut InstanceEvents::new(*path, &mut sink),
    )?;
    sink.inner.reset_except(&sink.seen);
    Ok(())
}

/// A set of resource IDs: what a payload decoded by [`decode_into`] carried.
#[derive(Clone, Debug, Default)]
pub struct ResourceSet {
    // Resources 0..64 (most objects), then the rest (IPSO 5xxx IDs) in a list.
    low: u64,
    high: Vec<u16>,
}

impl ResourceSet {
    /// Whether `id` is in the set.
    pub fn contains(&self, id: u16) -> bool {
        if id < 64 {
            self.low & (1 << id) != 0
        } else {
            self.high.contains(&id)
        }
    }

    /// Adds `id`; `true` when it was not in the set yet.
    pub fn insert(&mut self, id: u16) -> bool {
        if id < 64 {
            let fresh = self.low & (1 << id) == 0;
            self.low |= 1 << id;
            fresh
        } else if self.high.contains(&id) {
            false
        } else {
            self.high.push(id);
            true
        }
    }
}

/// An [`ObjectType`] being replaced: remembers which resources the payload set, and
/// clears a multiple resource when its first instance arrives without a container.
struct Replace<'i, I> {
    inner: &'i mut I,
    seen: ResourceSet,
}

impl<I: Instance> InstanceSink for Replace<'_, I> {
    fn clear_multiple(&mut self, resource: u16) -> Result<(), ErrorKind> {
        self.inner.clear_multiple(resource)?;
        self.seen.insert(resource);
        Ok(())
    }
    fn set(
        &mut self,
        resource: u16,
        instance: Option<u16>,
        raw: &RawValue<'_>,
    ) -> Result<(), ErrorKind> {
        if self.seen.insert(resource) && instance.is_some() {
            // Refused for a resource that is not multiple, as `set_raw` would refuse it.
            self.inner.clear_multiple(resource)?;
        }
        self.inner.set_raw(resource, instance, raw).map(drop)
    }
}

/// Applies a payload of `format` addressed to `path` (`/O/I`, `/O/I/R` or `/O/I/R/RI`) to
/// `instance` (partial update): resources in the payload replace the instance's values, a
/// multiple-resource container (TLV, LwM2M CBOR) replaces all its resource instances, and
/// resources the object version does not define are ignored.
pub fn apply<I: Instance>(
    format: crate::ContentFormat,
    path: &Path,
    bytes: &[u8],
    instance: &mut I,
) -> Result<(), Error> {
    check_instance_path::<I>(path)?;
    codec::decode_to(
        format,
        path,
        bytes,
        &mut InstanceEvents::new(*path, &mut Fields(instance)),
    )
}

/// An [`Instance`] seen as an [`InstanceSink`].
struct Fields<'i, I>(&'i mut I);

impl<I: Instance> InstanceSink for Fields<'_, I> {
    fn clear_multiple(&mut self, resource: u16) -> Result<(), ErrorKind> {
        self.0.clear_multiple(resource)
    }
    fn set(
        &mut self,
        resource: u16,
        instance: Option<u16>,
        raw: &RawValue<'_>,
    ) -> Result<(), ErrorKind> {
        self.0.set_raw(resource, instance, raw).map(drop)
    }
}

/// `Ok` for an instance, resource or resource-instance path of `I`'s object, else
/// [`ErrorKind::WrongTarget`].
fn check_instance_path<I: Instance>(path: &Path) -> Result<(), Error> {
    if path.object_id() != Some(I::OBJECT_ID) || path.len() < 2 {
        return Err(Error::at_path(*path, ErrorKind::WrongTarget));
    }
    Ok(())
}

/// Decodes every instance of a payload of `format` addressed to object path `/O`.
pub fn decode_instances<I: Instance>(
    format: crate::ContentFormat,
    path: &Path,
    bytes: &[u8],
) -> Result<BTreeMap<u16, I>, Error> {
    struct Instances<I>(Path, BTreeMap<u16, I>);
    impl<'a, I: Instance> codec::Sink<'a> for Instances<I> {
        fn event(&mut self, event: codec::Event<'a>) -> Result<(), Error> {
            let p = event.path();
            codec::inside(&self.0, &p)?;
            let Some(iid) = p.instance_id() else {
                return Err(Error::at_path(p, ErrorKind::Misplaced));
            };
            let scope = Path::instance(I::OBJECT_ID, iid);
            let mut fields = Fields(self.1.entry(iid).or_default());
            InstanceEvents::new(scope, &mut fields).event(event)
        }
    }
    if path.object_id() != Some(I::OBJECT_ID) || path.len() != 1 {
        return Err(Error::at_path(*path, ErrorKind::WrongTarget));
    }
    let mut sink = Instances(*path, BTreeMap::new());
    codec::decode_to(format, path, bytes, &mut sink)?;
    Ok(sink.1)
}

/// Reads one resource with its type from a payload of `format` addressed to `/O/I/R` of
/// resource `Res`.
pub fn read<Res: Readable>(
    format: crate::ContentFormat,
    path: &Path,
    bytes: &[u8],
) -> Result<Res::Value, Error> {
    struct One<V> {
        scope: Path,
        value: V,
        seen: bool,
    }
    impl<'a, V: ResourceValue> codec::Sink<'a> for One<V> {
        fn event(&mut self, event: codec::Event<'a>) -> Result<(), Error> {
            let p = event.path();
            codec::inside(&self.scope, &p)?;
            match event {
                codec::Event::Value { value, .. } => {
                    self.value
                        .put(p.resource_instance_id(), &value)
                        .map_err(|k| Error::at_path(p, k))?;
                }
                codec::Event::PathOnly(_) => {
                    return Err(Error::at_path(p, ErrorKind::PathWithoutValue));
                }
                _ => {}
            }
            self.seen = true;
            Ok(())
        }
    }
    if path.object_id() != Some(<Res::Object as Instance>::OBJECT_ID)
        || path.resource_id() != Some(Res::ID)
        || path.len() != 3
    {
        return Err(Error::at_path(*path, ErrorKind::WrongTarget));
    }
    let mut sink = One {
        scope: *path,
        value: Res::Value::default(),
        seen: false,
    };
    codec::decode_to(format, path, bytes, &mut sink)?;
    if !sink.seen && !<Res::Value as ResourceValue>::MULTIPLE {
        return Err(Error::at_path(*path, ErrorKind::NoValue));
    }
    Ok(sink.value)
}

/// A [`Writer`] that records what it is given as a flat list of (path, value) leaves; used
/// by tests and tools to compare typed encoders without a format.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Recorder {
    /// Object ID the leaves are placed under.
    pub object: u16,
    /// Instance ID used when no `begin_instance` was given.
    pub instance: u16,
    /// Leaves in emission order.
    pub leaves: Vec<(Path, crate::Value)>,
    /// Multiple resources announced (with their instance count).
    pub multiples: Vec<(Path, usize)>,
    current_instance: Option<u16>,
    current_multiple: Option<u16>,
}

impl Recorder {
    /// A recorder placing instance-level content under `/object/instance`.
    pub fn new(object: u16, instance: u16) -> Self {
        Recorder {
            object,
            instance,
            ..Recorder::default()
        }
    }
}

impl Writer for Recorder {
    fn begin_instance(&mut self, id: u16) -> Result<(), Error> {
        self.current_instance = Some(id);
        Ok(())
    }
    fn end_instance(&mut self) -> Result<(), Error> {
        self.current_instance = None;
        Ok(())
    }
    fn begin_multiple(&mut self, id: u16, count: usize) -> Result<(), Error> {
        self.current_multiple = Some(id);
        let i = self.current_instance.unwrap_or(self.instance);
        self.multiples
            .push((Path::resource(self.object, i, id), count));
        Ok(())
    }
    fn end_multiple(&mut self) -> Result<(), Error> {
        self.current_multiple = None;
        Ok(())
    }
    fn value(&mut self, id: u16, value: ValueRef<'_>) -> Result<(), Error> {
        let i = self.current_instance.unwrap_or(self.instance);
        let path = match self.current_multiple {
            Some(r) => Path::resource_instance(self.object, i, r, id),
            None => Path::resource(self.object, i, id),
        };
        self.leaves.push((path, value.to_owned_value()));
        Ok(())
    }
}

/// Encodes `instance` in `format` for a payload addressed to `path` (`/O/I`, or a
/// resource path for single-value formats holding one resource): one generated impl, every
/// format, no intermediate tree.
pub fn to_bytes<I: Instance>(
    format: crate::ContentFormat,
    path: &Path,
    instance: &I,
) -> Result<Vec<u8>, Error> {
    codec::encode_to(format, path, &AsEncode(instance), Vec::new())
}

/// Encodes `instance` like [`to_bytes`] into a caller's buffer, allocating nothing; the
/// number of bytes written.
pub fn to_slice<I: Instance>(
    format: crate::ContentFormat,
    path: &Path,
    instance: &I,
    buf: &mut [u8],
) -> Result<usize, Error> {
    codec::encode_to(
        format,
        path,
        &AsEncode(instance),
        codec::SliceOutput::new(buf),
    )
    .map(|o| codec::Output::len(&o))
}

/// An [`Instance`] as [`codec::Encode`] content.
struct AsEncode<'i, I>(&'i I);

impl<I: Instance> codec::Encode for AsEncode<'_, I> {
    fn encode_to<W: Writer>(&self, w: &mut W) -> Result<(), Error> {
        self.0.encode_resources(w)
    }
}
