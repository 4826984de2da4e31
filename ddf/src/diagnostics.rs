//! Located diagnostics: every problem found while reading or validating definitions.
//!
//! A [`Diagnostic`] has a file, a 1-based line and column (columns count characters, a
//! UTF-8 BOM does not count), a [`Severity`], a stable [`code`](Diagnostic::code) and a
//! message. `Display` prints the conventional one-line form
//! `file:line:col: severity[code]: message`.
//!
//! # Codes
//!
//! Codes are stable, descriptive kebab-case strings; they never change meaning once
//! published. [`CODES`] lists them all with their severity.
//!
//! | code | severity | meaning |
//! |---|---|---|
//! | `io-error` | error | the file or folder cannot be read |
//! | `file-too-large` | error | the file exceeds [`MAX_FILE_SIZE`](crate::load::MAX_FILE_SIZE) bytes or [`MAX_ELEMENTS`](crate::load::MAX_ELEMENTS) elements |
//! | `invalid-utf8` | error | the file is not UTF-8 (invalid bytes, UTF-16 or UTF-32, or a declared `encoding` other than UTF-8) |
//! | `malformed-xml` | error | not well-formed XML 1.0 (syntax, mismatched tags, bad references, characters XML forbids, a misplaced or non-1.0 declaration, …) |
//! | `doctype-refused` | error | a `<!DOCTYPE>` (and so any entity declaration) is present |
//! | `too-deep` | error | elements nested deeper than [`MAX_DEPTH`](crate::load::MAX_DEPTH) |
//! | `unknown-root` | error | the root element is not `LWM2M`, `DDFList` or `units` |
//! | `missing-element` | error | a required element is absent |
//! | `missing-attribute` | error | a required attribute (`ObjectType`, `ID`) is absent |
//! | `duplicate-element` | error | an element that may occur once occurs twice |
//! | `unknown-object-type` | error | `ObjectType` is not `MODefinition` or `CommonResources` |
//! | `invalid-id` | error | an `ObjectID` or `ID` that is not a decimal number in 0..=65534 (65535 is reserved: no path can carry it) |
//! | `duplicate-resource-id` | error | two `<Item>`s of one object share an `ID` |
//! | `unknown-type` | error | `<Type>` is not a LwM2M data type |
//! | `unknown-operations` | error | `<Operations>` is not `R`, `W`, `RW`, `E` or empty |
//! | `invalid-multiple-instances` | error | `<MultipleInstances>` is not `Single` or `Multiple` |
//! | `invalid-mandatory` | error | `<Mandatory>` is not `Mandatory` or `Optional` |
//! | `invalid-version` | error | `<LWM2MVersion>`/`<ObjectVersion>` is not `MAJOR.MINOR` |
//! | `invalid-urn` | error | `<ObjectURN>` does not follow `urn:oma:lwm2m:{oma,ext,x}:ID[:MAJ.MIN]` |
//! | `urn-id-mismatch` | error | the ID inside `<ObjectURN>` differs from `<ObjectID>` |
//! | `invalid-ts-link` | error | `<TSLink>` is not `0` or `1` |
//! | `version-conflict` | error | one (ObjectID, ObjectVersion) defined twice with different facts |
//! | `missing-lwm2m-version` | warning | `<LWM2MVersion>` absent or empty (1.0 assumed) |
//! | `urn-version-mismatch` | warning | the URN version suffix differs from `<ObjectVersion>` |
//! | `urn-label-mismatch` | warning | the URN label (`oma`/`ext`/`x`) does not fit the ObjectID range |
//! | `duplicate-resource-name` | warning | two resources of one object share a `<Name>` |
//! | `executable-with-type` | warning | an `E` resource has a `<Type>` (ignored: executables carry none) |
//! | `readable-without-type` | warning | an `R`/`W`/`RW` resource has an empty `<Type>` |
//! | `range-not-understood` | warning | `<RangeEnumeration>` text kept verbatim, not parsed |
//! | `unknown-element` | warning | an element the schema does not define here (ignored) |
//! | `no-resources` | warning | an object with no `<Item>` |
//! | `empty-name` | warning | an object's or resource's `<Name>` is empty (generated code names it by its ID) |
//! | `skipped-entry` | warning | an entry of a folder that is not read: a symlink to a folder (not followed), a dangling or looping symlink, or a FIFO, socket or device named `*.xml` |

use std::fmt;
use std::path::{Path, PathBuf};

use crate::ir::Location;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The definition is unusable or wrong; `ucifi lint` exits 1.
    Error,
    /// A real defect that does not prevent using the definition.
    Warning,
}

impl Severity {
    /// `"error"` or `"warning"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One located problem.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Diagnostic {
    /// The file, as it was given (not canonicalised).
    pub file: PathBuf,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// Error or warning.
    pub severity: Severity,
    /// A stable code from [`CODES`].
    pub code: &'static str,
    /// Human-readable explanation.
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic at `location`; the severity is the one [`CODES`] gives `code`
    /// (error for an unlisted code).
    pub fn new(location: &Location, code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            file: location.file.clone(),
            line: location.line,
            column: location.column,
            severity: severity_of(code).unwrap_or(Severity::Error),
            code,
            message: message.into(),
        }
    }

    /// The same diagnostic with `file` made relative to `base` when it lies under it
    /// (useful for stable snapshots and reports).
    pub fn relative_to(&self, base: &Path) -> Diagnostic {
        let mut d = self.clone();
        if let Ok(rel) = self.file.strip_prefix(base) {
            d.file = rel.to_path_buf();
        }
        d
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The location of this diagnostic.
    pub fn location(&self) -> Location {
        Location {
            file: self.file.clone(),
            line: self.line,
            column: self.column,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}[{}]: {}",
            self.file.display(),
            self.line,
            self.column,
            self.severity,
            self.code,
            self.message
        )
    }
}

/// The stable diagnostic codes.
pub mod codes {
    /// The file or folder cannot be read.
    pub const IO_ERROR: &str = "io-error";
    /// The file exceeds the size bound.
    pub const FILE_TOO_LARGE: &str = "file-too-large";
    /// The file is not UTF-8.
    pub const INVALID_UTF8: &str = "invalid-utf8";
    /// Not well-formed XML.
    pub const MALFORMED_XML: &str = "malformed-xml";
    /// A DOCTYPE (DTD, entity declarations) is present and refused.
    pub const DOCTYPE_REFUSED: &str = "doctype-refused";
    /// Elements nested too deeply.
    pub const TOO_DEEP: &str = "too-deep";
    /// The root element is not a known DDF document.
    pub const UNKNOWN_ROOT: &str = "unknown-root";
    /// A required element is absent.
    pub const MISSING_ELEMENT: &str = "missing-element";
    /// A required attribute is absent.
    pub const MISSING_ATTRIBUTE: &str = "missing-attribute";
    /// An element that may occur once occurs again.
    pub const DUPLICATE_ELEMENT: &str = "duplicate-element";
    /// `ObjectType` is not `MODefinition` or `CommonResources`.
    pub const UNKNOWN_OBJECT_TYPE: &str = "unknown-object-type";
    /// A non-numeric or out-of-range object or resource ID.
    pub const INVALID_ID: &str = "invalid-id";
    /// Two resources of one object share an ID.
    pub const DUPLICATE_RESOURCE_ID: &str = "duplicate-resource-id";
    /// `<Type>` is not a LwM2M data type.
    pub const UNKNOWN_TYPE: &str = "unknown-type";
    /// `<Operations>` is not R, W, RW, E or empty.
    pub const UNKNOWN_OPERATIONS: &str = "unknown-operations";
    /// `<MultipleInstances>` is not Single or Multiple.
    pub const INVALID_MULTIPLE_INSTANCES: &str = "invalid-multiple-instances";
    /// `<Mandatory>` is not Mandatory or Optional.
    pub const INVALID_MANDATORY: &str = "invalid-mandatory";
    /// A version that is not MAJOR.MINOR.
    pub const INVALID_VERSION: &str = "invalid-version";
    /// An `<ObjectURN>` outside the grammar.
    pub const INVALID_URN: &str = "invalid-urn";
    /// The URN's object ID differs from `<ObjectID>`.
    pub const URN_ID_MISMATCH: &str = "urn-id-mismatch";
    /// `<TSLink>` is not 0 or 1.
    pub const INVALID_TS_LINK: &str = "invalid-ts-link";
    /// One (ID, version) defined twice with different facts.
    pub const VERSION_CONFLICT: &str = "version-conflict";
    /// `<LWM2MVersion>` absent or empty.
    pub const MISSING_LWM2M_VERSION: &str = "missing-lwm2m-version";
    /// The URN version differs from `<ObjectVersion>`.
    pub const URN_VERSION_MISMATCH: &str = "urn-version-mismatch";
    /// The URN label does not fit the ObjectID range.
    pub const URN_LABEL_MISMATCH: &str = "urn-label-mismatch";
    /// Two resources of one object share a name.
    pub const DUPLICATE_RESOURCE_NAME: &str = "duplicate-resource-name";
    /// An executable resource has a Type.
    pub const EXECUTABLE_WITH_TYPE: &str = "executable-with-type";
    /// A readable or writable resource has an empty Type.
    pub const READABLE_WITHOUT_TYPE: &str = "readable-without-type";
    /// `<RangeEnumeration>` text not understood.
    pub const RANGE_NOT_UNDERSTOOD: &str = "range-not-understood";
    /// An element not defined at that place (ignored).
    pub const UNKNOWN_ELEMENT: &str = "unknown-element";
    /// An object without resources.
    pub const NO_RESOURCES: &str = "no-resources";
    /// An object or resource `<Name>` is empty.
    pub const EMPTY_NAME: &str = "empty-name";
    /// A folder entry that is not read (symlink to a folder, dangling or looping
    /// symlink, FIFO, socket or device).
    pub const SKIPPED_ENTRY: &str = "skipped-entry";
}

/// Every code with its severity, in documentation order.
pub const CODES: &[(&str, Severity)] = &[
    (codes::IO_ERROR, Severity::Error),
    (codes::FILE_TOO_LARGE, Severity::Error),
    (codes::INVALID_UTF8, Severity::Error),
    (codes::MALFORMED_XML, Severity::Error),
    (codes::DOCTYPE_REFUSED, Severity::Error),
    (codes::TOO_DEEP, Severity::Error),
    (codes::UNKNOWN_ROOT, Severity::Error),
    (codes::MISSING_ELEMENT, Severity::Error),
    (codes::MISSING_ATTRIBUTE, Severity::Error),
    (codes::DUPLICATE_ELEMENT, Severity::Error),
    (codes::UNKNOWN_OBJECT_TYPE, Severity::Error),
    (codes::INVALID_ID, Severity::Error),
    (codes::DUPLICATE_RESOURCE_ID, Severity::Error),
    (codes::UNKNOWN_TYPE, Severity::Error),
    (codes::UNKNOWN_OPERATIONS, Severity::Error),
    (codes::INVALID_MULTIPLE_INSTANCES, Severity::Error),
    (codes::INVALID_MANDATORY, Severity::Error),
    (codes::INVALID_VERSION, Severity::Error),
    (codes::INVALID_URN, Severity::Error),
    (codes::URN_ID_MISMATCH, Severity::Error),
    (codes::INVALID_TS_LINK, Severity::Error),
    (codes::VERSION_CONFLICT, Severity::Error),
    (codes::MISSING_LWM2M_VERSION, Severity::Warning),
    (codes::URN_VERSION_MISMATCH, Severity::Warning),
    (codes::URN_LABEL_MISMATCH, Severity::Warning),
    (codes::DUPLICATE_RESOURCE_NAME, Severity::Warning),
    (codes::EXECUTABLE_WITH_TYPE, Severity::Warning),
    (codes::READABLE_WITHOUT_TYPE, Severity::Warning),
    (codes::RANGE_NOT_UNDERSTOOD, Severity::Warning),
    (codes::UNKNOWN_ELEMENT, Severity::Warning),
    (codes::NO_RESOURCES, Severity::Warning),
    (codes::EMPTY_NAME, Severity::Warning),
    (codes::SKIPPED_ENTRY, Severity::Warning),
];

/// The severity of a known code.
pub fn severity_of(code: &str) -> Option<Severity> {
    CODES.iter().find(|(c, _)| *c == code).map(|(_, s)| *s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_form() {
        let loc = Location {
            file: PathBuf::from("a/3412.xml"),
            line: 7,
            column: 13,
        };
        let d = Diagnostic::new(&loc, codes::UNKNOWN_TYPE, "unknown data type \"Int\"");
        assert_eq!(
            d.to_string(),
            "a/3412.xml:7:13: error[unknown-type]: unknown data type \"Int\""
        );
        let w = Diagnostic::new(&loc, codes::RANGE_NOT_UNDERSTOOD, "x");
        assert_eq!(w.severity, Severity::Warning);
        assert_eq!(
            w.relative_to(Path::new("a")).to_string(),
            "3412.xml:7:13: warning[range-not-understood]: x"
        );
    }

    #[test]
    fn codes_are_unique_and_pinned() {
        let mut seen = std::collections::BTreeSet::new();
        for (c, _) in CODES {
            assert!(seen.insert(*c), "{c} listed twice");
        }
        let pinned: Vec<&str> = CODES.iter().map(|(c, _)| *c).collect();
        assert_eq!(
            pinned,
            [
                "io-error",
                "file-too-large",
                "invalid-utf8",
                "malformed-xml",
                "doctype-refused",
                "too-deep",
                "unknown-root",
                "missing-element",
                "missing-attribute",
                "duplicate-element",
                "unknown-object-type",
                "invalid-id",
                "duplicate-resource-id",
                "unknown-type",
                "unknown-operations",
                "invalid-multiple-instances",
                "invalid-mandatory",
                "invalid-version",
                "invalid-urn",
                "urn-id-mismatch",
                "invalid-ts-link",
                "version-conflict",
                "missing-lwm2m-version",
                "urn-version-mismatch",
                "urn-label-mismatch",
                "duplicate-resource-name",
                "executable-with-type",
                "readable-without-type",
                "range-not-understood",
                "unknown-element",
                "no-resources",
                "empty-name",
                "skipped-entry",
            ]
        );
    }
}
