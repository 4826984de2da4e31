//! [`Scalar`]: the value types a resource (or resource instance) holds, and
//! [`Enumeration`]s, the Rust enums generated for enumerated resources.

use alloc::string::String;
use alloc::vec::Vec;

use crate::codec::{RawValue, ValueError};
use crate::{CoreLink, DataType, ObjectLink, Time, ValueRef};

/// How a value measures against a model range (see [`check`](super::check)).
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
pub trait Scalar: Sized + Clone + Default {
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
    /// A borrowed view for encoding.
    fn to_value_ref(&self) -> ValueRef<'_>;
    /// How it measures against a range.
    fn measure(&self) -> Measure {
        Measure::None
    }
    /// Whether the value is one its type names: for an [`Enumeration`], a named variant
    /// (not the fallback); any value of another type.
    fn is_named(&self) -> bool {
        true
    }
}

impl Scalar for String {
    const DATA_TYPE: DataType = DataType::String;
    #[inline]
    fn from_raw(raw: &RawValue<'_>) -> Result<Self, ValueError> {
        raw.as_str().map(|s| s.into_owned())
    }
    #[inline]
    fn assign_raw(&mut self, raw: &RawValue<'_>) -> Result<(), ValueError> {
        let text = raw.as_str()?;
        self.clear();
        self.push_str(&text);
        Ok(())
    }
    #[inline]
    fn to_value_ref(&self) -> ValueRef<'_> {
        ValueRef::String(self)
    }
    fn measure(&self) -> Measure {
        Measure::Len(self.len())
    }
}

impl Scalar for i64 {
    const DATA_TYPE: DataType = DataType::Integer;
    #[inline]
    fn from_raw(raw: &RawValue<'_>) -> Result<Self, ValueError> {
        raw.as_i64()
    }
    #[inline]
    fn to_value_ref(&self) -> ValueRef<'_> {
        ValueRef::Integer(*self)
    }
    fn measure(&self) -> Measure {
        Measure::Int(i128::from(*self))
    }
}

impl Scalar for u64 {
    const DATA_TYPE: DataType = DataType::UnsignedInteger;
    #[inline]
    fn from_raw(raw: &RawValue<'_>) -> Result<Self, ValueError> {
        raw.as_u64()
    }
    #[inline]
    fn to_value_ref(&self) -> ValueRef<'_> {
        ValueRef::UnsignedInteger(*self)
    }
    fn measure(&self) -> Measure {
        Measure::Int(i128::from(*self))
    }
}

impl Scalar for f64 {
    const DATA_TYPE: DataType = DataType::Float;
    #[inline]
    fn from_raw(raw: &RawValue<'_>) -> Result<Self, ValueError> {
        raw.as_f64()
    }
    #[inline]
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
        raw.as_bool()
    }
    #[inline]
    fn to_value_ref(&self) -> ValueRef<'_> {
        ValueRef::Boolean(*self)
    }
}

/// A string where the model says Opaque is base64, as LwM2M JSON `sv` carries it when the
/// peer had no model.
fn opaque_bytes<'r>(raw: &'r RawValue<'_>) -> Result<alloc::borrow::Cow<'r, [u8]>, ValueError> {
    match raw {
        RawValue::Str(s) => RawValue::Text(s).as_bytes().map(|b| b.into_owned().into()),
        other => other.as_bytes(),
    }
}

impl Scalar for Vec<u8> {
    const DATA_TYPE: DataType = DataType::Opaque;
    #[inline]
    fn from_raw(raw: &RawValue<'_>) -> Result<Self, ValueError> {
        opaque_bytes(raw).map(|b| b.into_owned())
    }
    #[inline]
    fn assign_raw(&mut self, raw: &RawValue<'_>) -> Result<(), ValueError> {
        let bytes = opaque_bytes(raw)?;
        self.clear();
        self.extend_from_slice(&bytes);
        Ok(())
    }
    #[inline]
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
        raw.as_time()
    }
    #[inline]
    fn to_value_ref(&self) -> ValueRef<'_> {
        ValueRef::Time(*self)
    }
    fn measure(&self) -> Measure {
        Measure::Int(i128::from(self.0))
    }
}

impl Scalar for ObjectLink {
    const DATA_TYPE: DataType = DataType::Objlnk;
    #[inline]
    fn from_raw(raw: &RawValue<'_>) -> Result<Self, ValueError> {
        raw.as_objlnk()
    }
    #[inline]
    fn to_value_ref(&self) -> ValueRef<'_> {
        ValueRef::Objlnk(*self)
    }
}

impl Scalar for CoreLink {
    const DATA_TYPE: DataType = DataType::Corelnk;
    #[inline]
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
    #[inline]
    fn to_value_ref(&self) -> ValueRef<'_> {
        ValueRef::Corelnk(&self.0)
    }
    fn measure(&self) -> Measure {
        Measure::Len(self.0.len())
    }
}

/// The Rust enums generated for enumerated Integer and Unsigned Integer resources.
///
/// The generator makes one when value names are given for a resource (the `[values.N]`
/// tables of `models/descriptions/`, or of a folder passed to `Config::value_names` or
/// `ucifi generate --values`) or when the model's range is written as `N: LABEL` lines;
/// value names take precedence. Each named code is a variant, e.g. `BatteryStatusValue::Normal`
/// for `0`, and every other code is kept in the fallback variant `Other(i64)` (`Other(u64)`
/// for Unsigned Integer resources): decoding never fails on, and encoding never loses, a
/// code nobody named. Every enumeration is a [`Scalar`] carried as its number.
///
/// Each named variant also has a name in `snake_case` ([`name`](Enumeration::name), the
/// variant `ChargeComplete` is `"charge_complete"`). With the generator's serde feature an
/// enumeration serializes as that name, and a code without a name as its number;
/// deserializing accepts both forms (see [`enumeration`](super::enumeration)).
///
/// ```
/// use ucifi_runtime::typed::Enumeration;
/// # #[derive(Clone, Copy, Debug, Default, PartialEq)]
/// # enum Delivery { #[default] Pull, Push, Other(i64) }
/// # impl Enumeration for Delivery {
/// #     const DATA_TYPE: ucifi_runtime::DataType = ucifi_runtime::DataType::Integer;
/// #     const NAMES: &'static [&'static str] = &["pull", "push"];
/// #     fn to_i128(self) -> i128 { match self { Delivery::Pull => 0, Delivery::Push => 1, Delivery::Other(v) => v as i128 } }
/// #     fn from_i128(v: i128) -> Self { match v { 0 => Delivery::Pull, 1 => Delivery::Push, v => Delivery::Other(v as i64) } }
/// #     fn name(self) -> Option<&'static str> { match self { Delivery::Pull => Some("pull"), Delivery::Push => Some("push"), Delivery::Other(_) => None } }
/// #     fn from_name(name: &str) -> Option<Self> { match name { "pull" => Some(Delivery::Pull), "push" => Some(Delivery::Push), _ => None } }
/// # }
/// // `Delivery` stands for a generated enum: variants Pull (0), Push (1) and Other(i64).
/// assert_eq!(Delivery::from_i128(1), Delivery::Push);
/// assert_eq!(Delivery::from_i128(7), Delivery::Other(7));
/// assert_eq!(Delivery::Other(7).to_i128(), 7);
/// assert_eq!(Delivery::Push.name(), Some("push"));
/// assert_eq!(Delivery::from_name("pull"), Some(Delivery::Pull));
/// assert!(!Delivery::Other(7).is_known());
/// ```
pub trait Enumeration: Copy + Default + 'static {
    /// [`DataType::Integer`] or [`DataType::UnsignedInteger`].
    const DATA_TYPE: DataType;
    /// The names of the named variants, in the order of their codes.
    const NAMES: &'static [&'static str];
    /// The numeric value.
    fn to_i128(self) -> i128;
    /// The variant for a value (the fallback variant for a code without a name).
    fn from_i128(v: i128) -> Self;
    /// The `snake_case` name of a named variant; `None` for the fallback variant.
    fn name(self) -> Option<&'static str>;
    /// The variant with this name (exactly as [`name`](Enumeration::name) writes it).
    fn from_name(name: &str) -> Option<Self>;
    /// Whether the code has a name (is not the fallback variant).
    fn is_known(self) -> bool {
        self.name().is_some()
    }
}

impl<E: Enumeration> Scalar for E {
    const DATA_TYPE: DataType = E::DATA_TYPE;
    #[inline]
    fn from_raw(raw: &RawValue<'_>) -> Result<Self, ValueError> {
        let v = match E::DATA_TYPE {
            DataType::UnsignedInteger => i128::from(raw.as_u64()?),
            _ => i128::from(raw.as_i64()?),
        };
        Ok(E::from_i128(v))
    }
    #[inline]
    fn to_value_ref(&self) -> ValueRef<'_> {
        // The fallback variant holds the Rust type of `DATA_TYPE`: the casts are exact.
        match E::DATA_TYPE {
            DataType::UnsignedInteger => ValueRef::UnsignedInteger(self.to_i128() as u64),
            _ => ValueRef::Integer(self.to_i128() as i64),
        }
    }
    fn measure(&self) -> Measure {
        Measure::Int(self.to_i128())
    }
    fn is_named(&self) -> bool {
        self.is_known()
    }
}
