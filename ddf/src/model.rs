//! IR -> runtime descriptors: turns loaded definitions into [`ObjectModel`]s, so tools can
//! decode payloads for objects loaded at run time (no recompilation), with the same facts
//! the generated code carries.

use std::borrow::Cow;

use ucifi_runtime::{ObjectModel, Registry, ResourceModel};

use crate::ir::{ObjectDef, ResourceDef};

/// The runtime descriptor of one resource definition.
pub fn resource_model(def: &ResourceDef) -> ResourceModel {
    ResourceModel {
        id: def.id,
        name: Cow::Owned(def.name.clone()),
        operations: def.operations,
        multiple: def.multiple,
        mandatory: def.mandatory,
        data_type: def.data_type,
        range: Cow::Owned(def.range_text.clone()),
        units: Cow::Owned(def.units.clone()),
        values: Cow::Borrowed(&[]),
    }
}

/// The runtime descriptor of one object definition; resources sorted by ID.
pub fn object_model(def: &ObjectDef) -> ObjectModel {
    let mut resources: Vec<ResourceModel> = def.resources.iter().map(resource_model).collect();
    resources.sort_by_key(|r| r.id);
    ObjectModel {
        id: def.id,
        name: Cow::Owned(def.name.clone()),
        urn: Cow::Owned(def.urn.clone()),
        version: def.version,
        lwm2m_version: def.lwm2m_version,
        multiple: def.multiple,
        mandatory: def.mandatory,
        resources: Cow::Owned(resources),
    }
}

/// Adds run-time loaded definitions to `registry` (a definition replaces a built-in model
/// of the same ID and version).
pub fn extend_registry(registry: &mut Registry, defs: &[ObjectDef]) {
    registry.extend(defs.iter().map(object_model));
}
