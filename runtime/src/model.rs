//! Static descriptors of object and resource models.
//!
//! Generated code builds them as `const`s from borrowed data; definitions loaded at run
//! time build them from owned data. [`Cow`] serves both without leaking memory.

use alloc::borrow::Cow;

use crate::{DataType, Operations, Version};

/// The facts of one resource of an object model.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ResourceModel {
    /// Resource ID.
    pub id: u16,
    /// Human name as defined by the model (not unique; identify resources by ID).
    pub name: Cow<'static, str>,
    /// Allowed operations.
    pub operations: Operations,
    /// Whether the resource has resource instances.
    pub multiple: bool,
    /// Whether every object instance must expose it.
    pub mandatory: bool,
    /// Value type ([`DataType::None`] for executables).
    pub data_type: DataType,
    /// Range or enumeration text as written in the model (trimmed, may be empty).
    pub range: Cow<'static, str>,
    /// Unit symbol (trimmed, may be empty).
    pub units: Cow<'static, str>,
    /// The names of the codes of an enumerated resource, by code (empty for others; the
    /// generator fills them from value names or `N: LABEL` ranges).
    #[serde(default, skip_serializing_if = "<[ValueName]>::is_empty")]
    pub values: Cow<'static, [ValueName]>,
}

/// A named code of an enumerated resource: `0` is `normal` for Battery Status.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ValueName {
    /// The code.
    pub code: i64,
    /// Its `snake_case` name, as the generated enum's serde form writes it.
    pub name: Cow<'static, str>,
}

impl ValueName {
    /// A named code (`const`, for generated models).
    pub const fn new(code: i64, name: &'static str) -> Self {
        ValueName {
            code,
            name: Cow::Borrowed(name),
        }
    }
}

/// The facts of one object version.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ObjectModel {
    /// Object ID.
    pub id: u16,
    /// Human name.
    pub name: Cow<'static, str>,
    /// Object URN, e.g. `urn:oma:lwm2m:oma:3:1.2`.
    pub urn: Cow<'static, str>,
    /// Object version.
    pub version: Version,
    /// Minimum LwM2M enabler version.
    pub lwm2m_version: Version,
    /// Whether several instances may exist.
    pub multiple: bool,
    /// Whether every client must implement it.
    pub mandatory: bool,
    /// Resources, sorted by ID.
    pub resources: Cow<'static, [ResourceModel]>,
}

impl ObjectModel {
    /// The resource with this ID, if the model defines it.
    #[inline]
    pub fn resource(&self, id: u16) -> Option<&ResourceModel> {
        // Resource IDs are mostly dense from the first one: try the direct index first.
        let first = self.resources.first()?.id;
        if let Some(r) = self.resources.get(id.wrapping_sub(first) as usize)
            && r.id == id
        {
            return Some(r);
        }
        self.resources
            .binary_search_by_key(&id, |r| r.id)
            .ok()
            .map(|i| &self.resources[i])
    }
}
