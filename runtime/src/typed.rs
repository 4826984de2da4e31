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

pub use crate::codec::SetError;
use crate::codec::{Error, Event, InstanceSink, RawValue, Reader, ValueError, ValueRef, Writer};
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
    fn emit<W: Writer>(&self, id: u16, w: &mut W) -> Result<(), W::Error>;
}

impl<T: Scalar + Default> ResourceValue for T {
    type Element = T;
    const MULTIPLE: bool = false;
    fn put(&mut self, instance: Option<u16>, raw: &RawValue<'_>) -> Result<(), SetError> {
        field::set(self, instance, raw).map(drop)
    }
    fn emit<W: Writer>(&self, id: u16, w: &mut W) -> Result<(), W::Error> {
        w.value(id, self.to_value_ref())
    }
}

impl<T: Scalar> ResourceValue for InstanceMap<T> {
    type Element = T;
    const MULTIPLE: bool = true;
    fn put(&mut self, instance: Option<u16>, raw: &RawValue<'_>) -> Result<(), SetError> {
        field::set_multi(self, instance, raw).map(drop)
    }
    fn emit<W: Writer>(&self, id: u16, w: &mut W) -> Result<(), W::Error> {
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
    fn encode_resources<W: Writer>(&self, w: &mut W) -> Result<(), W::Error>;
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
    pub fn one<W: Writer, T: Scalar>(w: &mut W, id: u16, v: &T) -> Result<(), W::Error> {
        w.value(id, v.to_value_ref())
    }

    /// Emits an optional value when present.
    #[inline]
    pub fn opt<W: Writer, T: Scalar>(w: &mut W, id: u16, v: &Option<T>) -> Result<(), W::Error> {
        match v {
            Some(v) => w.value(id, v.to_value_ref()),
            None => Ok(()),
        }
    }

    /// Emits a multiple resource; an empty one only when `always` (mandatory resources).
    #[inline(always)]
    pub fn multi<W: Writer, T: Scalar>(
        w: &mut W,
        id: u16,
        v: &InstanceMap<T>,
        always: bool,
    ) -> Result<(), W::Error> {
        if v.is_empty() && !always {
            return Ok(());
        }
        // A slice iterates without a branch per entry; a tree (see `InstanceMap`) rarely.
        match v.slice() {
            Some(s) => w.multiple(id, s.iter().map(|(ri, x)| (*ri, x.to_value_ref()))),
            None => w.multiple(id, v.iter().map(|(ri, x)| (ri, x.to_value_ref()))),
        }
    }

    /// Emits an optional multiple resource (write views) when present.
    pub fn opt_multi<W: Writer, T: Scalar>(
        w: &mut W,
        id: u16,
        v: &Option<InstanceMap<T>>,
    ) -> Result<(), W::Error> {
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
pub fn encode<I: Instance, W: Writer>(instance: &I, w: &mut W) -> Result<(), W::Error> {
    instance.encode_resources(w)
}

/// Encodes several instances (target `/O`), in the iterator's order.
pub fn encode_instances<'i, I: Instance + 'i, W: Writer>(
    instances: impl IntoIterator<Item = (u16, &'i I)>,
    w: &mut W,
) -> Result<(), W::Error> {
    for (id, i) in instances {
        w.begin_instance(id)?;
        i.encode_resources(w)?;
        w.end_instance()?;
    }
    Ok(())
}

/// Encodes one resource value (target `/O/I/R`) of a writable resource. Writing a resource
/// that is not `W`/`RW` does not compile.
pub fn write<R: Writable, W: Writer>(value: &R::Value, w: &mut W) -> Result<(), W::Error> {
    value.emit(R::ID, w)
}

/// Decodes one instance from a payload addressed to `path` (`/O/I`; `/O/I/R` or
/// `/O/I/R/RI` give an instance holding only that resource).
pub fn decode<'a, I: Instance, R: Reader<'a>>(path: &Path, reader: &mut R) -> Result<I, Error> {
    // Decoded where it is returned: no copy of the struct on the way out.
    let mut out = Ok(I::default());
    if let Ok(i) = &mut out
        && let Err(e) = apply(i, path, reader)
    {
        out = Err(e);
    }
    out
}

/// Decodes a payload addressed to `path` into `instance`, replacing everything it held,
/// as [`decode`] would, but reusing its buffers: strings, byte values and resource-instance
/// maps keep their allocations and are overwritten in place. A server decoding a stream of
/// payloads of one object type into one struct decodes without heap allocation once the
/// buffers have grown. Resources the payload does not carry are reset; a multiple resource
/// the payload carries holds exactly the payload's instances. On error, `instance` holds a
/// mix of old and new values.
pub fn decode_into<'a, I: ObjectType, R: Reader<'a>>(
    instance: &mut I,
    path: &Path,
    reader: &mut R,
) -> Result<(), Error> {
    let mut sink = Replace {
        inner: instance,
        seen: ResourceSet::default(),
    };
    apply_with::<I, _, _>(&mut sink, path, reader)?;
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
    #[inline(always)]
    pub fn contains(&self, id: u16) -> bool {
        if id < 64 {
            self.low & (1 << id) != 0
        } else {
            self.high.contains(&id)
        }
    }

    /// Adds `id`; `true` when it was not in the set yet.
    #[inline(always)]
    pub fn insert(&mut self, id: u16) -> bool {
        if id < 64 {
            let fresh = self.low & (1 << id) == 0;
            self.low |= 1 << id;
            fresh
        } else {
            self.insert_high(id)
        }
    }

    #[inline(never)]
    fn insert_high(&mut self, id: u16) -> bool {
        if self.high.contains(&id) {
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
    #[inline]
    fn clear_multiple(&mut self, resource: u16) -> Result<(), SetError> {
        self.inner.clear_multiple(resource)?;
        self.seen.insert(resource);
        Ok(())
    }
    #[inline]
    fn set(
        &mut self,
        resource: u16,
        instance: Option<u16>,
        raw: &RawValue<'_>,
    ) -> Result<(), SetError> {
        if self.seen.insert(resource) && instance.is_some() {
            // Refused for a resource that is not multiple, as `set_raw` would refuse it.
            self.inner.clear_multiple(resource)?;
        }
        self.inner.set_raw(resource, instance, raw).map(drop)
    }
}

/// Applies a payload addressed to `path` (`/O/I`, `/O/I/R` or `/O/I/R/RI`) to `instance`
/// (partial update): resources in the payload replace the instance's values, a
/// multiple-resource container (TLV, LwM2M CBOR) replaces all its resource instances, and
/// resources the object version does not define are ignored.
pub fn apply<'a, I: Instance, R: Reader<'a>>(
    instance: &mut I,
    path: &Path,
    reader: &mut R,
) -> Result<(), Error> {
    apply_with::<I, _, _>(&mut Fields(instance), path, reader)
}

fn apply_with<'a, I: Instance, S: InstanceSink, R: Reader<'a>>(
    sink: &mut S,
    path: &Path,
    reader: &mut R,
) -> Result<(), Error> {
    check_object::<I>(path)?;
    if path.len() < 2 {
        return Err(Error::Shape {
            path: *path,
            reason: "expected an instance, resource or resource-instance path".into(),
        });
    }
    reader.read_instance(path, sink)
}

/// An [`Instance`] seen as the [`InstanceSink`] readers feed.
struct Fields<'i, I>(&'i mut I);

impl<I: Instance> InstanceSink for Fields<'_, I> {
    #[inline]
    fn clear_multiple(&mut self, resource: u16) -> Result<(), SetError> {
        self.0.clear_multiple(resource)
    }
    #[inline]
    fn set(
        &mut self,
        resource: u16,
        instance: Option<u16>,
        raw: &RawValue<'_>,
    ) -> Result<(), SetError> {
        self.0.set_raw(resource, instance, raw).map(drop)
    }
}

fn check_object<I: Instance>(path: &Path) -> Result<(), Error> {
    if path.object_id() != Some(I::OBJECT_ID) {
        return Err(Error::Shape {
            path: *path,
            reason: alloc::format!("expected a path in object {}", I::OBJECT_ID),
        });
    }
    Ok(())
}

fn apply_event<I: Instance>(i: &mut I, scope: &Path, ev: Event<'_>) -> Result<(), Error> {
    codec::sink_event(scope, ev, &mut Fields(i))
}

/// Decodes every instance of a payload addressed to object path `/O`.
pub fn decode_instances<'a, I: Instance, R: Reader<'a>>(
    path: &Path,
    reader: &mut R,
) -> Result<BTreeMap<u16, I>, Error> {
    check_object::<I>(path)?;
    let mut out: BTreeMap<u16, I> = BTreeMap::new();
    while let Some(ev) = reader.next_event().map_err(Into::into)? {
        let p = match &ev {
            Event::Value { path, .. }
            | Event::MultipleResource(path)
            | Event::Instance(path)
            | Event::PathOnly(path) => *path,
        };
        codec::inside(path, &p)?;
        let Some(iid) = p.instance_id() else {
            return Err(Error::Path {
                path: p,
                reason: "value at an object path",
            });
        };
        let scope = Path::instance(I::OBJECT_ID, iid);
        apply_event(out.entry(iid).or_default(), &scope, ev)?;
    }
    Ok(out)
}

/// Reads one resource with its type: a payload addressed to `/O/I/R` of resource `R`.
///
/// ```ignore
/// let level: i64 = ucifi_runtime::typed::read::<device::BatteryLevel, _>(&path, &mut reader)?;
/// ```
pub fn read<'a, Res: Readable, R: Reader<'a>>(
    path: &Path,
    reader: &mut R,
) -> Result<Res::Value, Error> {
    if path.object_id() != Some(<Res::Object as Instance>::OBJECT_ID)
        || path.resource_id() != Some(Res::ID)
        || path.len() != 3
    {
        return Err(Error::Shape {
            path: *path,
            reason: alloc::format!("expected a path to resource {}", Res::ID),
        });
    }
    let mut value = Res::Value::default();
    let mut seen = false;
    while let Some(ev) = reader.next_event().map_err(Into::into)? {
        match ev {
            Event::Value {
                path: p,
                value: raw,
                ..
            } => {
                codec::inside(path, &p)?;
                value
                    .put(p.resource_instance_id(), &raw)
                    .map_err(|e| e.at(p))?;
                seen = true;
            }
            Event::MultipleResource(p) | Event::Instance(p) => {
                codec::inside(path, &p)?;
                seen = true;
            }
            Event::PathOnly(p) => {
                return Err(Error::Path {
                    path: p,
                    reason: "path without a value",
                });
            }
        }
    }
    if !seen && !<Res::Value as ResourceValue>::MULTIPLE {
        return Err(Error::Shape {
            path: *path,
            reason: "no value for the resource".into(),
        });
    }
    Ok(value)
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
    type Error = Error;
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

/// A [`Reader`] replaying a list of events (tests, tools).
#[derive(Clone, Debug, Default)]
pub struct Replay<'a> {
    events: alloc::collections::VecDeque<Event<'a>>,
}

impl<'a> Replay<'a> {
    /// Replays `events` in order.
    pub fn new(events: impl IntoIterator<Item = Event<'a>>) -> Self {
        Replay {
            events: events.into_iter().collect(),
        }
    }

    /// The events a [`Recorder`] saw, as typed raw values (containers included).
    pub fn from_recorder(r: &'a Recorder) -> Self {
        let mut events = Vec::new();
        for (p, n) in &r.multiples {
            let _ = n;
            events.push(Event::MultipleResource(*p));
        }
        for (p, v) in &r.leaves {
            events.push(Event::Value {
                path: *p,
                value: raw_of(v),
                time: None,
            });
        }
        Replay::new(events)
    }
}

fn raw_of(v: &crate::Value) -> RawValue<'_> {
    use crate::Value;
    match v {
        Value::String(s) => RawValue::Str(s.as_str().into()),
        Value::Integer(i) => RawValue::Integer(*i as i128),
        Value::UnsignedInteger(u) => RawValue::Integer(*u as i128),
        Value::Float(f) => RawValue::Float(*f),
        Value::Boolean(b) => RawValue::Boolean(*b),
        Value::Opaque(b) => RawValue::Opaque(b.as_slice().into()),
        Value::Time(t) => RawValue::Time(t.0),
        Value::Objlnk(l) => RawValue::Objlnk(*l),
        Value::Corelnk(c) => RawValue::Str(c.0.as_str().into()),
    }
}

impl<'a> Reader<'a> for Replay<'a> {
    type Error = codec::Error;
    fn next_event(&mut self) -> Result<Option<Event<'a>>, codec::Error> {
        Ok(self.events.pop_front())
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
    use crate::ContentFormat as F;
    use codec::*;
    fn run<W: Writer, I: Instance>(mut w: W, i: &I) -> Result<W, Error> {
        i.encode_resources(&mut w).map_err(Into::into)?;
        Ok(w)
    }
    match format {
        F::Tlv => run(tlv::TlvWriter::new(path, Vec::new()), instance)?
            .finish()
            .map_err(Into::into),
        F::Lwm2mCbor => run(lwm2m_cbor::Lwm2mCborWriter::new(path, Vec::new()), instance)?
            .finish()
            .map_err(Into::into),
        F::SenmlJson => run(senml_json::SenmlJsonWriter::new(*path), instance)?
            .finish()
            .map_err(Into::into),
        F::SenmlCbor => run(senml_cbor::SenmlCborWriter::new(*path), instance)?
            .finish()
            .map_err(Into::into),
        F::Text => run(text::TextWriter::new(path, Vec::new()), instance)?
            .finish()
            .map_err(Into::into),
        F::Cbor => run(cbor::CborWriter::new(path, Vec::new()), instance)?
            .finish()
            .map_err(Into::into),
        F::Opaque => run(opaque::OpaqueWriter::new(path, Vec::new()), instance)?
            .finish()
            .map_err(Into::into),
        F::Lwm2mJson => run(lwm2m_json::Lwm2mJsonWriter::new(*path), instance)?
            .finish()
            .map_err(Into::into),
        F::LinkFormat => Err(Error::Unsupported {
            format,
            what: "typed encoding".into(),
        }),
    }
}

/// Something to do with the reader of one format (see [`with_reader`]).
trait UseReader {
    fn run<'a, R: Reader<'a>>(self, path: &Path, reader: &mut R) -> Result<(), Error>;
}

/// Runs `u` with the reader of `format` over `bytes`.
fn with_reader<U: UseReader>(
    format: crate::ContentFormat,
    path: &Path,
    bytes: &[u8],
    u: U,
) -> Result<(), Error> {
    use crate::ContentFormat as F;
    use codec::*;
    match format {
        F::Tlv => u.run(path, &mut tlv::TlvReader::new(path, bytes)),
        F::Lwm2mCbor => u.run(path, &mut lwm2m_cbor::Lwm2mCborReader::new(bytes)),
        F::SenmlJson => u.run(path, &mut senml_json::SenmlJsonReader::new(bytes)),
        F::SenmlCbor => u.run(path, &mut senml_cbor::SenmlCborReader::new(bytes)),
        F::Text => u.run(path, &mut text::TextReader::new(path, bytes)),
        F::Cbor => u.run(path, &mut cbor::CborReader::new(path, bytes)),
        F::Opaque => u.run(path, &mut opaque::OpaqueReader::new(path, bytes)),
        F::Lwm2mJson => u.run(path, &mut lwm2m_json::Lwm2mJsonReader::new(bytes)),
        F::LinkFormat => Err(Error::Unsupported {
            format,
            what: "typed decoding".into(),
        }),
    }
}

/// Applies a payload of `format` addressed to `path` to `instance` (see [`apply`]).
pub fn apply_bytes<I: Instance>(
    format: crate::ContentFormat,
    path: &Path,
    bytes: &[u8],
    instance: &mut I,
) -> Result<(), Error> {
    struct Apply<'i, I>(&'i mut I);
    impl<I: Instance> UseReader for Apply<'_, I> {
        fn run<'a, R: Reader<'a>>(self, path: &Path, reader: &mut R) -> Result<(), Error> {
            apply(self.0, path, reader)
        }
    }
    with_reader(format, path, bytes, Apply(instance))
}

/// Decodes a payload of `format` addressed to `path` into `instance`, replacing its content
/// and reusing its buffers (see [`decode_into`]).
pub fn decode_into_bytes<I: ObjectType>(
    format: crate::ContentFormat,
    path: &Path,
    bytes: &[u8],
    instance: &mut I,
) -> Result<(), Error> {
    struct Replacing<'i, I>(&'i mut I);
    impl<I: ObjectType> UseReader for Replacing<'_, I> {
        fn run<'a, R: Reader<'a>>(self, path: &Path, reader: &mut R) -> Result<(), Error> {
            decode_into(self.0, path, reader)
        }
    }
    with_reader(format, path, bytes, Replacing(instance))
}

/// Decodes a payload of `format` addressed to `path` into a new instance.
pub fn from_bytes<I: Instance>(
    format: crate::ContentFormat,
    path: &Path,
    bytes: &[u8],
) -> Result<I, Error> {
    let mut i = I::default();
    apply_bytes(format, path, bytes, &mut i)?;
    Ok(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hand-written instance as the generator would emit it: /9/I/0 Integer 0..10
    /// (mandatory), /9/I/1 String (optional), /9/I/2 Float (multiple).
    #[derive(Clone, Debug, Default, PartialEq)]
    struct Demo {
        a: i64,
        b: Option<String>,
        c: InstanceMap<f64>,
    }

    impl Instance for Demo {
        const OBJECT_ID: u16 = 9;
        fn encode_resources<W: Writer>(&self, w: &mut W) -> Result<(), W::Error> {
            field::one(w, 0, &self.a)?;
            field::opt(w, 1, &self.b)?;
            field::multi(w, 2, &self.c, false)
        }
        fn set_raw(
            &mut self,
            resource: u16,
            instance: Option<u16>,
            raw: &RawValue<'_>,
        ) -> Result<bool, SetError> {
            match resource {
                0 => field::set(&mut self.a, instance, raw),
                1 => field::set_opt(&mut self.b, instance, raw),
                2 => field::set_multi(&mut self.c, instance, raw),
                3 => Err(SetError::Executable),
                _ => Ok(false),
            }
        }
        fn clear_multiple(&mut self, resource: u16) -> Result<(), SetError> {
            match resource {
                2 => self.c.clear(),
                0 | 1 => return Err(SetError::NotMultiple),
                3 => return Err(SetError::Executable),
                _ => {}
            }
            Ok(())
        }
    }

    fn demo() -> Demo {
        Demo {
            a: 12,
            b: Some("x".into()),
            c: [(0, 1.5), (3, 2.0)].into(),
        }
    }

    #[test]
    fn encode_decode_through_events() {
        let d = demo();
        let mut rec = Recorder::new(9, 1);
        encode(&d, &mut rec).unwrap();
        assert_eq!(rec.leaves.len(), 4);
        let path = Path::instance(9, 1);
        let back: Demo = decode(&path, &mut Replay::from_recorder(&rec)).unwrap();
        assert_eq!(back, d);
        // Object-level payloads give one instance per ID.
        let mut rec = Recorder::new(9, 0);
        encode_instances([(4, &d), (7, &Demo::default())], &mut rec).unwrap();
        let all: BTreeMap<u16, Demo> =
            decode_instances(&Path::object(9), &mut Replay::from_recorder(&rec)).unwrap();
        assert_eq!(all.keys().copied().collect::<Vec<_>>(), [4, 7]);
        assert_eq!(all[&4], d);
    }

    #[test]
    fn apply_is_a_partial_update_and_checks_paths() {
        let mut d = demo();
        let path = Path::instance(9, 1);
        let ev = |p: Path, v: RawValue<'static>| Event::Value {
            path: p,
            value: v,
            time: None,
        };
        apply(
            &mut d,
            &path,
            &mut Replay::new([
                Event::MultipleResource(Path::resource(9, 1, 2)),
                ev(Path::resource_instance(9, 1, 2, 5), RawValue::Float(9.0)),
                ev(Path::resource(9, 1, 0), RawValue::Integer(3)),
                ev(Path::resource(9, 1, 77), RawValue::Integer(3)),
            ]),
        )
        .unwrap();
        assert_eq!(d.a, 3);
        assert_eq!(d.b.as_deref(), Some("x"));
        assert_eq!(d.c, [(5, 9.0)].into());
        let outside = apply(
            &mut d,
            &path,
            &mut Replay::new([ev(Path::resource(9, 2, 0), RawValue::Integer(1))]),
        );
        assert!(matches!(outside, Err(Error::Path { .. })));
        let exec = apply(
            &mut d,
            &path,
            &mut Replay::new([ev(Path::resource(9, 1, 3), RawValue::Integer(1))]),
        );
        assert!(matches!(exec, Err(Error::Value { .. })));
        let single_as_multi = apply(
            &mut d,
            &path,
            &mut Replay::new([ev(Path::resource(9, 1, 2), RawValue::Float(1.0))]),
        );
        assert!(matches!(single_as_multi, Err(Error::Path { .. })));
        let wrong_object: Result<Demo, _> = decode(&Path::instance(8, 0), &mut Replay::new([]));
        assert!(matches!(wrong_object, Err(Error::Shape { .. })));
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
        let mut n = 5i64;
        n.assign_raw(&RawValue::Bytes(&[0x01, 0x00])).unwrap();
        assert_eq!(n, 256);
    }

    #[test]
    fn range_rules() {
        let mut v = Vec::new();
        check::range(&mut v, 0, check::one(&11i64), check::Rule::Int(0, 10));
        check::range(
            &mut v,
            1,
            check::opt(&Some(String::from("abc"))),
            check::Rule::Len(0, 2),
        );
        check::range(
            &mut v,
            2,
            check::multi(&InstanceMap::from([(0u16, 0.5f64), (1, 2.5)])),
            check::Rule::Float(0.0, 1.0),
        );
        check::range(
            &mut v,
            3,
            check::one(&4i64),
            check::Rule::Discrete(&[1, 2, 5]),
        );
        check::range(
            &mut v,
            4,
            check::one(&5i64),
            check::Rule::Discrete(&[1, 2, 5]),
        );
        assert_eq!(v.len(), 4, "{v:?}");
        assert_eq!(v[2].instance, Some(1));
        assert_eq!(
            alloc::format!("{}", v[0]),
            "resource 0: 11 is outside 0..10"
        );
        assert_eq!(
            alloc::format!("{}", v[1]),
            "resource 1: length 3 is outside 0..2 bytes"
        );
        assert!(check::finish(Vec::new()).is_ok());
    }
}
