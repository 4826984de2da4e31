//! Object and enabler versions (`MAJOR.MINOR`).

use core::fmt;
use core::str::FromStr;

/// A `MAJOR.MINOR` version, as used by `ObjectVersion`, `LWM2MVersion` and the `ver`
/// link-format attribute. Ordered numerically (`1.10` > `1.9`).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(into = "alloc::string::String", try_from = "alloc::string::String")]
pub struct Version {
    /// Major version: a bump means an incompatible change.
    pub major: u16,
    /// Minor version: a bump adds compatible things.
    pub minor: u16,
}

impl Version {
    /// Version 1.0, the default when a definition states none.
    pub const V1_0: Version = Version::new(1, 0);
    /// Version 1.1.
    pub const V1_1: Version = Version::new(1, 1);
    /// Version 1.2.
    pub const V1_2: Version = Version::new(1, 2);

    /// Builds a version from its parts.
    pub const fn new(major: u16, minor: u16) -> Self {
        Version { major, minor }
    }
}

impl Default for Version {
    fn default() -> Self {
        Version::V1_0
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// Why a text is not a `MAJOR.MINOR` version.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid version {text:?}: expected MAJOR.MINOR with decimal numbers up to 65535")]
pub struct VersionError {
    /// The text that was rejected (trimmed).
    pub text: alloc::string::String,
}

impl FromStr for Version {
    type Err = VersionError;

    /// Parses `MAJOR.MINOR` (surrounding whitespace allowed). A bare `MAJOR` is rejected:
    /// LwM2M always writes both parts.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let err = || VersionError { text: t.into() };
        let (major, minor) = t.split_once('.').ok_or_else(err)?;
        let num = |p: &str| -> Result<u16, VersionError> {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err());
            }
            p.parse().map_err(|_| err())
        };
        Ok(Version::new(num(major)?, num(minor)?))
    }
}

impl From<Version> for alloc::string::String {
    fn from(v: Version) -> Self {
        alloc::format!("{v}")
    }
}

impl TryFrom<alloc::string::String> for Version {
    type Error = VersionError;
    fn try_from(s: alloc::string::String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_orders() {
        assert_eq!(" 1.2 ".parse::<Version>().unwrap(), Version::new(1, 2));
        assert!("1.10".parse::<Version>().unwrap() > "1.9".parse().unwrap());
        assert_eq!(alloc::format!("{}", Version::new(2, 0)), "2.0");
        for bad in [
            "", "1", "1.", ".1", "1.2.3", "a.b", "-1.0", "70000.0", "1 .0",
        ] {
            assert!(bad.parse::<Version>().is_err(), "{bad:?} accepted");
        }
    }
}
