//! Resource values.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::str::FromStr;

use crate::DataType;

/// A Time value: signed seconds since 1970-01-01T00:00:00Z.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(transparent)]
pub struct Time(pub i64);

/// An object link (`Objlnk`): an object ID and an instance ID. `65535:65535` is the null link.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectLink {
    /// Object ID.
    pub object_id: u16,
    /// Object instance ID.
    pub instance_id: u16,
}

impl ObjectLink {
    /// The null link `65535:65535`.
    pub const NULL: ObjectLink = ObjectLink {
        object_id: u16::MAX,
        instance_id: u16::MAX,
    };

    /// Builds a link.
    pub const fn new(object_id: u16, instance_id: u16) -> Self {
        ObjectLink {
            object_id,
            instance_id,
        }
    }
    /// Whether this is the null link.
    pub const fn is_null(&self) -> bool {
        self.object_id == u16::MAX && self.instance_id == u16::MAX
    }
}

impl Default for ObjectLink {
    /// The null link.
    fn default() -> Self {
        ObjectLink::NULL
    }
}

impl fmt::Display for ObjectLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.object_id, self.instance_id)
    }
}

/// Text that is not `oid:iid` with two decimal numbers up to 65535.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid object link: expected OID:IID with decimal numbers from 0 to 65535")]
pub struct ObjectLinkError;

impl FromStr for ObjectLink {
    type Err = ObjectLinkError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (o, i) = s.split_once(':').ok_or(ObjectLinkError)?;
        let num = |p: &str| -> Result<u16, ObjectLinkError> {
            if p.is_empty() || p.len() > 5 || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(ObjectLinkError);
            }
            p.parse().map_err(|_| ObjectLinkError)
        };
        Ok(ObjectLink::new(num(o)?, num(i)?))
    }
}

impl serde::Serialize for ObjectLink {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for ObjectLink {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <alloc::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A CoRE link-format value (`Corelnk`, RFC 6690), kept as text.
#[derive(
    Clone,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(transparent)]
pub struct CoreLink(pub String);

/// One resource (or resource instance) value, tagged with its LwM2M data type.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Value {
    /// UTF-8 text.
    String(String),
    /// Signed integer.
    Integer(i64),
    /// Unsigned integer.
    UnsignedInteger(u64),
    /// Floating point number.
    Float(f64),
    /// Boolean.
    Boolean(bool),
    /// Bytes.
    Opaque(Vec<u8>),
    /// Unix time in seconds.
    Time(Time),
    /// Object link.
    Objlnk(ObjectLink),
    /// CoRE link-format text.
    Corelnk(CoreLink),
}

impl Value {
    /// The data type this value carries.
    pub fn data_type(&self) -> DataType {
        match self {
            Value::String(_) => DataType::String,
            Value::Integer(_) => DataType::Integer,
            Value::UnsignedInteger(_) => DataType::UnsignedInteger,
            Value::Float(_) => DataType::Float,
            Value::Boolean(_) => DataType::Boolean,
            Value::Opaque(_) => DataType::Opaque,
            Value::Time(_) => DataType::Time,
            Value::Objlnk(_) => DataType::Objlnk,
            Value::Corelnk(_) => DataType::Corelnk,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_link_text() {
        assert_eq!("3303:0".parse(), Ok(ObjectLink::new(3303, 0)));
        assert!("65535:65535".parse::<ObjectLink>().unwrap().is_null());
        for bad in [
            "", "3303", "3303:", ":0", "65536:0", "1:2:3", "-1:0", "1 :0",
        ] {
            assert_eq!(bad.parse::<ObjectLink>(), Err(ObjectLinkError), "{bad:?}");
        }
        assert_eq!(alloc::format!("{}", ObjectLink::new(3, 1)), "3:1");
    }
}

/// A borrowed view of a value to encode.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ValueRef<'a> {
    /// UTF-8 text.
    String(&'a str),
    /// Signed integer.
    Integer(i64),
    /// Unsigned integer.
    UnsignedInteger(u64),
    /// Floating point.
    Float(f64),
    /// Boolean.
    Boolean(bool),
    /// Bytes.
    Opaque(&'a [u8]),
    /// Unix time in seconds.
    Time(Time),
    /// Object link.
    Objlnk(ObjectLink),
    /// CoRE link-format text.
    Corelnk(&'a str),
}

impl ValueRef<'_> {
    /// The data type of the value.
    pub fn data_type(&self) -> DataType {
        match self {
            ValueRef::String(_) => DataType::String,
            ValueRef::Integer(_) => DataType::Integer,
            ValueRef::UnsignedInteger(_) => DataType::UnsignedInteger,
            ValueRef::Float(_) => DataType::Float,
            ValueRef::Boolean(_) => DataType::Boolean,
            ValueRef::Opaque(_) => DataType::Opaque,
            ValueRef::Time(_) => DataType::Time,
            ValueRef::Objlnk(_) => DataType::Objlnk,
            ValueRef::Corelnk(_) => DataType::Corelnk,
        }
    }

    /// An owned copy.
    pub fn to_owned_value(&self) -> Value {
        match *self {
            ValueRef::String(s) => Value::String(s.into()),
            ValueRef::Integer(v) => Value::Integer(v),
            ValueRef::UnsignedInteger(v) => Value::UnsignedInteger(v),
            ValueRef::Float(v) => Value::Float(v),
            ValueRef::Boolean(v) => Value::Boolean(v),
            ValueRef::Opaque(b) => Value::Opaque(b.into()),
            ValueRef::Time(t) => Value::Time(t),
            ValueRef::Objlnk(l) => Value::Objlnk(l),
            ValueRef::Corelnk(s) => Value::Corelnk(CoreLink(s.into())),
        }
    }
}

impl Value {
    /// A borrowed view for encoding.
    pub fn as_value_ref(&self) -> ValueRef<'_> {
        match self {
            Value::String(s) => ValueRef::String(s),
            Value::Integer(v) => ValueRef::Integer(*v),
            Value::UnsignedInteger(v) => ValueRef::UnsignedInteger(*v),
            Value::Float(v) => ValueRef::Float(*v),
            Value::Boolean(v) => ValueRef::Boolean(*v),
            Value::Opaque(b) => ValueRef::Opaque(b),
            Value::Time(t) => ValueRef::Time(*t),
            Value::Objlnk(l) => ValueRef::Objlnk(*l),
            Value::Corelnk(c) => ValueRef::Corelnk(&c.0),
        }
    }
}
