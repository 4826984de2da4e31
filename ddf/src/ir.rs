//! The model IR: one [`ObjectDef`] per object version, with typed fields.
//!
//! The IR is what the validator checks and the generator reads. Facts are typed; text that
//! could not be understood (for example a free-text range) is kept verbatim, never dropped.

use std::path::PathBuf;

pub use ucifi_runtime::{DataType, Operations, Version};

/// Where something was defined: file, 1-based line and column.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    /// The file the definition was read from.
    pub file: PathBuf,
    /// 1-based line.
    pub line: u32,
    /// 1-based column (in characters).
    pub column: u32,
}

/// One object version, as read from a DDF `<Object>` element.
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectDef {
    /// `<ObjectID>`.
    pub id: u16,
    /// `<Name>`, trimmed.
    pub name: String,
    /// `<Description1>`, trimmed.
    pub description1: String,
    /// `<Description2>`, trimmed (often empty).
    pub description2: String,
    /// `<ObjectURN>`, trimmed.
    pub urn: String,
    /// `<LWM2MVersion>`; 1.0 when absent or empty.
    pub lwm2m_version: Version,
    /// Whether `<LWM2MVersion>` was given (absent or empty is `false`).
    pub lwm2m_version_given: bool,
    /// `<ObjectVersion>`; 1.0 when absent or empty.
    pub version: Version,
    /// Whether `<ObjectVersion>` was given (absent or empty is `false`).
    pub version_given: bool,
    /// `<MultipleInstances>` is `Multiple`.
    pub multiple: bool,
    /// `<Mandatory>` is `Mandatory`.
    pub mandatory: bool,
    /// Resources in file order.
    pub resources: Vec<ResourceDef>,
    /// Where the `<Object>` element starts.
    pub location: Location,
}

/// One resource, as read from a DDF `<Item>` element.
#[derive(Clone, Debug, PartialEq)]
pub struct ResourceDef {
    /// `ID` attribute.
    pub id: u16,
    /// `<Name>`, trimmed.
    pub name: String,
    /// `<Operations>`.
    pub operations: Operations,
    /// `<MultipleInstances>` is `Multiple` (Common.xml items: `false`).
    pub multiple: bool,
    /// `<Mandatory>` is `Mandatory` (Common.xml items: `false`).
    pub mandatory: bool,
    /// `<Type>`; [`DataType::None`] for an empty type and for every executable resource
    /// (a Type on an `E` resource is ignored, with an `executable-with-type` warning).
    pub data_type: DataType,
    /// `<RangeEnumeration>` parsed.
    pub range: Range,
    /// `<RangeEnumeration>` exactly as written, trimmed (empty when absent).
    pub range_text: String,
    /// `<Units>`, trimmed.
    pub units: String,
    /// `<Description>`, trimmed.
    pub description: String,
    /// The extra facts of a reusable resource (`Common.xml` items); `None` in object files.
    pub reusable: Option<Reusable>,
    /// Where the `<Item>` element starts.
    pub location: Location,
}

/// The children only reusable resources (`Common.xml`) have.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reusable {
    /// `<Submitter>`: the registering organisation, trimmed.
    pub submitter: String,
    /// `<TS>`: URL of the specification, trimmed (often empty).
    pub ts: String,
    /// `<TSLink>` is `1` (absent or `0`: `false`).
    pub ts_link: bool,
}

impl ResourceDef {
    /// Whether the resource is executable (operations contain `E`, whatever the type).
    pub fn is_executable(&self) -> bool {
        self.operations.executable()
    }
}

/// A parsed `<RangeEnumeration>`.
#[derive(Clone, Debug, PartialEq)]
pub enum Range {
    /// Empty or absent.
    None,
    /// An integer interval `min..max` (inclusive), e.g. `0..100`, `-1..1`, `0..18446744073709551615`.
    Integer {
        /// Lower bound.
        min: i128,
        /// Upper bound.
        max: i128,
    },
    /// A decimal interval `min..max` (inclusive) with at least one fractional bound.
    Float {
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
    /// A byte length: `N bytes` (min = max) or `a..b bytes` / `a-b bytes`.
    Length {
        /// Minimum number of bytes.
        min: u64,
        /// Maximum number of bytes.
        max: u64,
    },
    /// A list of allowed numbers, e.g. `1,2,5`.
    Discrete(Vec<i128>),
    /// Enumeration lines `N: LABEL`, one per line.
    Enumeration(Vec<EnumEntry>),
    /// Text that was not understood; kept verbatim (trimmed) and reported as a warning.
    Text(String),
}

/// One `N: LABEL` line of an enumeration range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumEntry {
    /// The numeric value.
    pub value: i64,
    /// The label, trimmed.
    pub label: String,
}
