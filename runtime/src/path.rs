//! LwM2M paths: `/O`, `/O/I`, `/O/I/R`, `/O/I/R/RI`.

use core::fmt;
use core::str::FromStr;

/// A LwM2M data-model path of one to four IDs. The root path `/` has no IDs.
///
/// Every ID is a `u16` below 65535: 65535 (`MAX_ID`) is reserved by the specification.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Path {
    ids: [u16; 4],
    len: u8,
}

/// Why a path could not be built or parsed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    /// The text does not start with `/`.
    #[error("path must start with '/'")]
    MissingSlash,
    /// A segment is empty or not a decimal number.
    #[error("path segment {index} is not a decimal ID")]
    NotANumber {
        /// Zero-based segment index.
        index: usize,
    },
    /// A segment is above 65534 (65535 is reserved).
    #[error("path segment {index} is out of range: IDs go from 0 to 65534")]
    OutOfRange {
        /// Zero-based segment index.
        index: usize,
    },
    /// More than four segments.
    #[error("path has more than four segments")]
    TooLong,
    /// A segment has a leading zero (`/3/00`, `/03`): it would alias another path.
    #[error("path segment {index} has a leading zero")]
    LeadingZero {
        /// Zero-based segment index.
        index: usize,
    },
}

impl Path {
    /// The reserved ID 65535.
    pub const MAX_ID: u16 = u16::MAX;

    /// The root path `/`.
    pub const ROOT: Path = Path {
        ids: [0; 4],
        len: 0,
    };

    /// `/O`.
    pub const fn object(o: u16) -> Path {
        Path {
            ids: [o, 0, 0, 0],
            len: 1,
        }
    }
    /// `/O/I`.
    pub const fn instance(o: u16, i: u16) -> Path {
        Path {
            ids: [o, i, 0, 0],
            len: 2,
        }
    }
    /// `/O/I/R`.
    pub const fn resource(o: u16, i: u16, r: u16) -> Path {
        Path {
            ids: [o, i, r, 0],
            len: 3,
        }
    }
    /// `/O/I/R/RI`.
    pub const fn resource_instance(o: u16, i: u16, r: u16, ri: u16) -> Path {
        Path {
            ids: [o, i, r, ri],
            len: 4,
        }
    }

    /// Builds a path from 0..=4 IDs, checking the reserved value.
    pub fn from_ids(ids: &[u16]) -> Result<Path, PathError> {
        if ids.len() > 4 {
            return Err(PathError::TooLong);
        }
        let mut p = Path::ROOT;
        for (index, &id) in ids.iter().enumerate() {
            if id == Self::MAX_ID {
                return Err(PathError::OutOfRange { index });
            }
            p.ids[index] = id;
        }
        p.len = ids.len() as u8;
        Ok(p)
    }

    /// The IDs of this path.
    #[inline]
    pub fn ids(&self) -> &[u16] {
        &self.ids[..self.len as usize]
    }
    /// Number of IDs (0 for the root).
    pub const fn len(&self) -> usize {
        self.len as usize
    }
    /// Whether this is the root path.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// Object ID, if present.
    #[inline]
    pub fn object_id(&self) -> Option<u16> {
        self.ids().first().copied()
    }
    /// Object instance ID, if present.
    #[inline]
    pub fn instance_id(&self) -> Option<u16> {
        self.ids().get(1).copied()
    }
    /// Resource ID, if present.
    #[inline]
    pub fn resource_id(&self) -> Option<u16> {
        self.ids().get(2).copied()
    }
    /// Resource instance ID, if present.
    #[inline]
    pub fn resource_instance_id(&self) -> Option<u16> {
        self.ids().get(3).copied()
    }
    /// This path extended by one ID; `None` when already four deep or the ID is 65535.
    #[inline]
    pub fn child(&self, id: u16) -> Option<Path> {
        if self.len >= 4 || id == Self::MAX_ID {
            return None;
        }
        // Element-wise selects keep the path in registers (a store at a computed index
        // followed by a whole-path load stalls store forwarding).
        let k = self.len as usize;
        let pick = |i: usize| if i == k { id } else { self.ids[i] };
        Some(Path {
            ids: [pick(0), pick(1), pick(2), pick(3)],
            len: self.len + 1,
        })
    }
    /// The parent path (`None` for the root).
    #[inline]
    pub fn parent(&self) -> Option<Path> {
        if self.len == 0 {
            return None;
        }
        let mut p = *self;
        p.len -= 1;
        p.ids[p.len as usize] = 0;
        Some(p)
    }
    /// Whether `other` equals this path or lies below it.
    #[inline]
    pub fn contains(&self, other: &Path) -> bool {
        // IDs past `len` are always 0, so comparing fixed positions avoids a slice compare.
        other.len >= self.len
            && (0..4).all(|i| i >= self.len as usize || self.ids[i] == other.ids[i])
    }
}

impl Default for Path {
    /// The root path `/`.
    fn default() -> Self {
        Path::ROOT
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.len == 0 {
            return f.write_str("/");
        }
        for id in self.ids() {
            write!(f, "/{id}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Path({self})")
    }
}

impl FromStr for Path {
    type Err = PathError;

    /// Parses `/`, `/O`, `/O/I`, `/O/I/R` or `/O/I/R/RI`: decimal IDs without leading
    /// zeros (`0` itself is fine), one trailing `/` allowed after an ID (`/3/0/`, not
    /// `//`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let rest = s.strip_prefix('/').ok_or(PathError::MissingSlash)?;
        let mut p = Path::ROOT;
        if rest.is_empty() {
            return Ok(p);
        }
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        for (index, seg) in rest.split('/').enumerate() {
            if index >= 4 {
                return Err(PathError::TooLong);
            }
            if seg.len() > 1 && seg.starts_with('0') && seg.bytes().all(|b| b.is_ascii_digit()) {
                return Err(PathError::LeadingZero { index });
            }
            if seg.is_empty() || seg.len() > 5 || !seg.bytes().all(|b| b.is_ascii_digit()) {
                return Err(
                    if seg.len() > 5 && seg.bytes().all(|b| b.is_ascii_digit()) {
                        PathError::OutOfRange { index }
                    } else {
                        PathError::NotANumber { index }
                    },
                );
            }
            let v: u32 = seg.parse().map_err(|_| PathError::NotANumber { index })?;
            if v >= u32::from(Self::MAX_ID) {
                return Err(PathError::OutOfRange { index });
            }
            p.ids[index] = v as u16;
            p.len = index as u8 + 1;
        }
        Ok(p)
    }
}

impl serde::Serialize for Path {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Path {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <alloc::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn parse_display() {
        for s in [
            "/",
            "/3",
            "/3/0",
            "/3/0/7",
            "/3/0/7/1",
            "/65534/65534/65534/65534",
        ] {
            assert_eq!(s.parse::<Path>().unwrap().to_string(), s);
        }
        assert_eq!("/3/0/".parse::<Path>().unwrap(), Path::instance(3, 0));
        assert_eq!("3/0".parse::<Path>(), Err(PathError::MissingSlash));
        assert_eq!(
            "/3//0".parse::<Path>(),
            Err(PathError::NotANumber { index: 1 })
        );
        assert_eq!(
            "/3/65535".parse::<Path>(),
            Err(PathError::OutOfRange { index: 1 })
        );
        assert_eq!(
            "/3/9999999999".parse::<Path>(),
            Err(PathError::OutOfRange { index: 1 })
        );
        assert_eq!("/1/2/3/4/5".parse::<Path>(), Err(PathError::TooLong));
        assert_eq!(
            "/+3".parse::<Path>(),
            Err(PathError::NotANumber { index: 0 })
        );
        // Leading zeros would alias another path; an empty path between slashes is none.
        assert_eq!(
            "/3/00/0".parse::<Path>(),
            Err(PathError::LeadingZero { index: 1 })
        );
        assert_eq!(
            "/03".parse::<Path>(),
            Err(PathError::LeadingZero { index: 0 })
        );
        assert_eq!("/3/0/0".parse::<Path>().unwrap(), Path::resource(3, 0, 0));
        assert_eq!(
            "//".parse::<Path>(),
            Err(PathError::NotANumber { index: 0 })
        );
        assert_eq!(
            "/3//".parse::<Path>(),
            Err(PathError::NotANumber { index: 1 })
        );
        assert!(Path::object(3).contains(&Path::resource(3, 0, 1)));
        assert!(!Path::object(3).contains(&Path::object(30)));
    }
}
