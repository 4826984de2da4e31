//! serde for [`Enumeration`]s, written once for every generated enum: a named code is its
//! `snake_case` name, any other code its number.
//!
//! | value | serialized (JSON) |
//! |---|---|
//! | `BatteryStatusValue::ChargeComplete` | `"charge_complete"` |
//! | `BatteryStatusValue::Other(9)` | `9` |
//!
//! Deserializing accepts a name ([`Enumeration::from_name`]) or a number; a number that
//! has a name gives its named variant (`2` is `ChargeComplete`), one that does not the
//! fallback variant. An unknown name, a negative number for an Unsigned Integer
//! enumeration or a number out of the Rust type's range is an error. Deserializing asks
//! the format what it holds (`deserialize_any`), so it needs a self-describing format
//! (JSON, CBOR, TOML, ...).
//!
//! With the generator's serde feature, each generated enum has two short impls calling
//! [`serialize`] and [`deserialize`]:
//!
//! ```ignore
//! #[cfg(feature = "serde")]
//! impl Serialize for BatteryStatusValue {
//!     fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
//!         enumeration::serialize(self, serializer)
//!     }
//! }
//! ```

use core::fmt;
use core::marker::PhantomData;

use serde::de::{self, Unexpected};
use serde::{Deserializer, Serializer};

use super::Enumeration;
use crate::DataType;

/// Serializes `value` as its name, or as its number when the code has no name.
pub fn serialize<E: Enumeration, S: Serializer>(
    value: &E,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value.name() {
        Some(name) => serializer.serialize_str(name),
        // The fallback variant holds the Rust type of `DATA_TYPE`: the casts are exact.
        None => match E::DATA_TYPE {
            DataType::UnsignedInteger => serializer.serialize_u64(value.to_i128() as u64),
            _ => serializer.serialize_i64(value.to_i128() as i64),
        },
    }
}

/// Deserializes a name or a number (see the [module documentation](self)).
pub fn deserialize<'de, E: Enumeration, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<E, D::Error> {
    deserializer.deserialize_any(NameOrNumber(PhantomData))
}

struct NameOrNumber<E>(PhantomData<E>);

impl<E: Enumeration> NameOrNumber<E> {
    fn code<Er: de::Error>(&self, v: i128, unexpected: Unexpected<'_>) -> Result<E, Er> {
        let fits = match E::DATA_TYPE {
            DataType::UnsignedInteger => (0..=i128::from(u64::MAX)).contains(&v),
            _ => (i128::from(i64::MIN)..=i128::from(i64::MAX)).contains(&v),
        };
        if fits {
            Ok(E::from_i128(v))
        } else {
            Err(Er::invalid_value(unexpected, self))
        }
    }
}

impl<'de, E: Enumeration> de::Visitor<'de> for NameOrNumber<E> {
    type Value = E;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match E::DATA_TYPE {
            DataType::UnsignedInteger => f.write_str("a value name or an unsigned integer code"),
            _ => f.write_str("a value name or an integer code"),
        }
    }

    fn visit_str<Er: de::Error>(self, name: &str) -> Result<E, Er> {
        E::from_name(name).ok_or_else(|| Er::unknown_variant(name, E::NAMES))
    }

    fn visit_i64<Er: de::Error>(self, v: i64) -> Result<E, Er> {
        self.code(i128::from(v), Unexpected::Signed(v))
    }

    fn visit_u64<Er: de::Error>(self, v: u64) -> Result<E, Er> {
        self.code(i128::from(v), Unexpected::Unsigned(v))
    }

    fn visit_i128<Er: de::Error>(self, v: i128) -> Result<E, Er> {
        self.code(v, Unexpected::Other("a 128-bit integer"))
    }

    fn visit_u128<Er: de::Error>(self, v: u128) -> Result<E, Er> {
        let v = i128::try_from(v).unwrap_or(i128::MAX);
        self.code(v, Unexpected::Other("a 128-bit integer"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the generator writes for an Integer resource with codes 0 and 2 named.
    #[derive(Clone, Copy, Debug, Default, PartialEq)]
    enum Mode {
        #[default]
        Idle,
        FullPower,
        Other(i64),
    }

    impl Enumeration for Mode {
        const DATA_TYPE: DataType = DataType::Integer;
        const NAMES: &'static [&'static str] = &["idle", "full_power"];
        fn to_i128(self) -> i128 {
            match self {
                Mode::Idle => 0,
                Mode::FullPower => 2,
                Mode::Other(v) => v as i128,
            }
        }
        fn from_i128(v: i128) -> Self {
            match v {
                0 => Mode::Idle,
                2 => Mode::FullPower,
                v => Mode::Other(v as i64),
            }
        }
        fn name(self) -> Option<&'static str> {
            match self {
                Mode::Idle => Some("idle"),
                Mode::FullPower => Some("full_power"),
                Mode::Other(_) => None,
            }
        }
        fn from_name(name: &str) -> Option<Self> {
            match name {
                "idle" => Some(Mode::Idle),
                "full_power" => Some(Mode::FullPower),
                _ => None,
            }
        }
    }

    impl serde::Serialize for Mode {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serialize(self, serializer)
        }
    }

    impl<'de> serde::Deserialize<'de> for Mode {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserialize(deserializer)
        }
    }

    /// The same for an Unsigned Integer resource.
    #[derive(Clone, Copy, Debug, Default, PartialEq)]
    enum Level {
        #[default]
        Low,
        Other(u64),
    }

    impl Enumeration for Level {
        const DATA_TYPE: DataType = DataType::UnsignedInteger;
        const NAMES: &'static [&'static str] = &["low"];
        fn to_i128(self) -> i128 {
            match self {
                Level::Low => 0,
                Level::Other(v) => v as i128,
            }
        }
        fn from_i128(v: i128) -> Self {
            match v {
                0 => Level::Low,
                v => Level::Other(v as u64),
            }
        }
        fn name(self) -> Option<&'static str> {
            match self {
                Level::Low => Some("low"),
                Level::Other(_) => None,
            }
        }
        fn from_name(name: &str) -> Option<Self> {
            (name == "low").then_some(Level::Low)
        }
    }

    impl serde::Serialize for Level {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serialize(self, serializer)
        }
    }

    impl<'de> serde::Deserialize<'de> for Level {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserialize(deserializer)
        }
    }

    #[test]
    fn names_and_numbers() {
        let json = |m: Mode| serde_json::to_string(&m).unwrap();
        assert_eq!(json(Mode::FullPower), r#""full_power""#);
        assert_eq!(json(Mode::Other(-7)), "-7");
        let back = |s: &str| serde_json::from_str::<Mode>(s);
        assert_eq!(back(r#""idle""#).unwrap(), Mode::Idle);
        assert_eq!(back("2").unwrap(), Mode::FullPower);
        assert_eq!(back("-7").unwrap(), Mode::Other(-7));
        let e = back(r#""FullPower""#).unwrap_err().to_string();
        assert!(
            e.contains("unknown variant `FullPower`, expected `idle` or `full_power`"),
            "{e}"
        );
        assert!(back("9223372036854775808").is_err());
        assert!(back("1.5").is_err());
        assert!(back("true").is_err());
        let u = |s: &str| serde_json::from_str::<Level>(s);
        assert_eq!(
            serde_json::to_string(&Level::Other(u64::MAX)).unwrap(),
            "18446744073709551615"
        );
        assert_eq!(u("18446744073709551615").unwrap(), Level::Other(u64::MAX));
        assert_eq!(u(r#""low""#).unwrap(), Level::Low);
        let e = u("-1").unwrap_err().to_string();
        assert!(
            e.contains("expected a value name or an unsigned integer code"),
            "{e}"
        );
    }

    #[test]
    fn is_known_is_having_a_name() {
        assert!(Mode::Idle.is_known());
        assert!(!Mode::Other(1).is_known());
        assert_eq!(Mode::NAMES.len(), 2);
    }
}
