//! LwM2M resource data types.

use core::fmt;
use core::str::FromStr;

/// The data type of a resource, as written in a DDF `<Type>` element.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum DataType {
    /// UTF-8 text.
    String,
    /// Signed integer (up to 64 bits).
    Integer,
    /// Unsigned integer (up to 64 bits), LwM2M 1.1+.
    UnsignedInteger,
    /// IEEE 754 binary32 or binary64.
    Float,
    /// `true` / `false`.
    Boolean,
    /// A byte sequence.
    Opaque,
    /// Signed Unix time in seconds.
    Time,
    /// Object link: (object ID, instance ID).
    Objlnk,
    /// CoRE link-format text (RFC 6690), LwM2M 1.1+.
    Corelnk,
    /// No value: executable resources (empty `<Type>`).
    None,
}

impl DataType {
    /// Every data type, in declaration order.
    pub const ALL: [DataType; 10] = [
        DataType::String,
        DataType::Integer,
        DataType::UnsignedInteger,
        DataType::Float,
        DataType::Boolean,
        DataType::Opaque,
        DataType::Time,
        DataType::Objlnk,
        DataType::Corelnk,
        DataType::None,
    ];

    /// The spelling used in DDF files (`""` for [`DataType::None`]).
    pub const fn ddf_name(self) -> &'static str {
        match self {
            DataType::String => "String",
            DataType::Integer => "Integer",
            DataType::UnsignedInteger => "Unsigned Integer",
            DataType::Float => "Float",
            DataType::Boolean => "Boolean",
            DataType::Opaque => "Opaque",
            DataType::Time => "Time",
            DataType::Objlnk => "Objlnk",
            DataType::Corelnk => "Corelnk",
            DataType::None => "",
        }
    }

    /// Parses a DDF `<Type>` value. Surrounding whitespace is ignored; an empty text is
    /// [`DataType::None`]. Matching is exact otherwise (the registry has no case variants).
    pub fn from_ddf(text: &str) -> Option<DataType> {
        let t = text.trim();
        DataType::ALL.into_iter().find(|d| d.ddf_name() == t)
    }
}

impl fmt::Display for DataType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DataType::None => "none",
            other => other.ddf_name(),
        })
    }
}

/// A `<Type>` text that names no LwM2M data type.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown data type {0:?}: expected one of String, Integer, Unsigned Integer, Float, Boolean, Opaque, Time, Objlnk, Corelnk or empty"
)]
pub struct UnknownDataType(pub alloc::string::String);

impl FromStr for DataType {
    type Err = UnknownDataType;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DataType::from_ddf(s).ok_or_else(|| UnknownDataType(s.trim().into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ddf_names_round_trip() {
        for d in DataType::ALL {
            assert_eq!(DataType::from_ddf(d.ddf_name()), Some(d));
        }
        assert_eq!(
            DataType::from_ddf(" Unsigned Integer\r\n"),
            Some(DataType::UnsignedInteger)
        );
        assert_eq!(DataType::from_ddf("  "), Some(DataType::None));
        assert_eq!(DataType::from_ddf("integer"), None);
        assert_eq!(
            "Int".parse::<DataType>(),
            Err(UnknownDataType("Int".into()))
        );
    }
}
