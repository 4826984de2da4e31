//! Resource operations (`R`, `W`, `RW`, `E`, or none).

use core::fmt;
use core::str::FromStr;

/// What a LwM2M server may do with a resource, as a small set of flags.
///
/// An empty set is legal in DDF: such resources are touched only by the bootstrap server
/// or the client itself.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(into = "alloc::string::String", try_from = "alloc::string::String")]
pub struct Operations(u8);

impl Operations {
    const READ: u8 = 1;
    const WRITE: u8 = 2;
    const EXECUTE: u8 = 4;

    /// No operation (empty `<Operations>`).
    pub const NONE: Operations = Operations(0);
    /// Read only.
    pub const R: Operations = Operations(Self::READ);
    /// Write only.
    pub const W: Operations = Operations(Self::WRITE);
    /// Read and write.
    pub const RW: Operations = Operations(Self::READ | Self::WRITE);
    /// Execute.
    pub const E: Operations = Operations(Self::EXECUTE);

    /// Whether Read is allowed.
    pub const fn readable(self) -> bool {
        self.0 & Self::READ != 0
    }
    /// Whether Write is allowed.
    pub const fn writable(self) -> bool {
        self.0 & Self::WRITE != 0
    }
    /// Whether Execute is allowed.
    pub const fn executable(self) -> bool {
        self.0 & Self::EXECUTE != 0
    }
    /// Whether no operation is allowed.
    pub const fn is_none(self) -> bool {
        self.0 == 0
    }

    /// The DDF spelling: `R`, `W`, `RW`, `E` or `""`.
    pub const fn ddf_name(self) -> &'static str {
        match self.0 {
            0 => "",
            Self::READ => "R",
            Self::WRITE => "W",
            3 => "RW",
            Self::EXECUTE => "E",
            // Not constructible through the public API.
            _ => "?",
        }
    }

    /// Parses a DDF `<Operations>` value (trimmed; empty means none).
    pub fn from_ddf(text: &str) -> Option<Operations> {
        Some(match text.trim() {
            "" => Operations::NONE,
            "R" => Operations::R,
            "W" => Operations::W,
            "RW" => Operations::RW,
            "E" => Operations::E,
            _ => return None,
        })
    }
}

impl fmt::Display for Operations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.is_none() {
            "none"
        } else {
            self.ddf_name()
        })
    }
}

/// An `<Operations>` text other than `R`, `W`, `RW`, `E` or empty.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown operations {0:?}: expected R, W, RW, E or empty")]
pub struct UnknownOperations(pub alloc::string::String);

impl FromStr for Operations {
    type Err = UnknownOperations;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Operations::from_ddf(s).ok_or_else(|| UnknownOperations(s.trim().into()))
    }
}

impl From<Operations> for alloc::string::String {
    fn from(o: Operations) -> Self {
        o.ddf_name().into()
    }
}

impl TryFrom<alloc::string::String> for Operations {
    type Error = UnknownOperations;
    fn try_from(s: alloc::string::String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_flags() {
        let rw: Operations = " RW ".parse().unwrap();
        assert!(rw.readable() && rw.writable() && !rw.executable());
        assert!(Operations::from_ddf("").unwrap().is_none());
        assert_eq!(Operations::E.ddf_name(), "E");
        assert_eq!(
            "WR".parse::<Operations>(),
            Err(UnknownOperations("WR".into()))
        );
    }
}
