//! The LwM2M node tree: what a payload at a given path holds.
//!
//! Children are kept in the order a payload gave them; [`Node::canonicalize`] sorts every
//! level by ID so that nodes decoded from different formats compare equal.

use alloc::vec::Vec;

use crate::{Path, Value};

/// One resource instance of a multiple-instance resource.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ResourceInstanceNode {
    /// Resource instance ID.
    pub id: u16,
    /// Its value.
    pub value: Value,
}

/// The value side of a resource: one value or a list of resource instances.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum ResourceValue {
    /// A single-instance resource.
    Single(Value),
    /// A multiple-instance resource (possibly empty).
    Multiple(Vec<ResourceInstanceNode>),
}

/// A resource of an object instance.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ResourceNode {
    /// Resource ID.
    pub id: u16,
    /// Its value(s).
    pub value: ResourceValue,
}

/// An object instance and its resources.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct InstanceNode {
    /// Object instance ID.
    pub id: u16,
    /// Resources of the instance.
    pub resources: Vec<ResourceNode>,
}

/// An object and its instances.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ObjectNode {
    /// Object ID.
    pub id: u16,
    /// Instances of the object.
    pub instances: Vec<InstanceNode>,
}

/// The content of a payload addressed to one path: its level follows the path's depth.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Node {
    /// Payload for `/O`.
    Object(ObjectNode),
    /// Payload for `/O/I`.
    Instance(InstanceNode),
    /// Payload for `/O/I/R`.
    Resource(ResourceNode),
    /// Payload for `/O/I/R/RI`.
    ResourceInstance(ResourceInstanceNode),
}

impl ResourceValue {
    fn canonicalize(&mut self) {
        if let ResourceValue::Multiple(list) = self {
            list.sort_by_key(|r| r.id);
        }
    }
}

impl Node {
    /// The ID of the node's own level (object, instance, resource or resource-instance ID).
    pub fn id(&self) -> u16 {
        match self {
            Node::Object(o) => o.id,
            Node::Instance(i) => i.id,
            Node::Resource(r) => r.id,
            Node::ResourceInstance(r) => r.id,
        }
    }

    /// Sorts every level of the tree by ID (stable), giving one canonical form.
    pub fn canonicalize(&mut self) {
        fn instance(i: &mut InstanceNode) {
            i.resources.sort_by_key(|r| r.id);
            for r in &mut i.resources {
                r.value.canonicalize();
            }
        }
        match self {
            Node::Object(o) => {
                o.instances.sort_by_key(|i| i.id);
                o.instances.iter_mut().for_each(instance);
            }
            Node::Instance(i) => instance(i),
            Node::Resource(r) => r.value.canonicalize(),
            Node::ResourceInstance(_) => {}
        }
    }

    /// Calls `f` with the full path and value of every leaf, in tree order. `base` is the
    /// path the node was addressed to (its last ID is the node's own ID).
    pub fn for_each_leaf<'a>(&'a self, base: &Path, mut f: impl FnMut(Path, &'a Value)) {
        fn res<'a>(p: Path, r: &'a ResourceNode, f: &mut impl FnMut(Path, &'a Value)) {
            match &r.value {
                ResourceValue::Single(v) => f(p, v),
                ResourceValue::Multiple(list) => {
                    for ri in list {
                        if let Some(c) = p.child(ri.id) {
                            f(c, &ri.value)
                        }
                    }
                }
            }
        }
        fn inst<'a>(p: Path, i: &'a InstanceNode, f: &mut impl FnMut(Path, &'a Value)) {
            for r in &i.resources {
                if let Some(c) = p.child(r.id) {
                    res(c, r, f)
                }
            }
        }
        match self {
            Node::Object(o) => {
                for i in &o.instances {
                    if let Some(c) = base.child(i.id) {
                        inst(c, i, &mut f)
                    }
                }
            }
            Node::Instance(i) => inst(*base, i, &mut f),
            Node::Resource(r) => res(*base, r, &mut f),
            Node::ResourceInstance(ri) => f(*base, &ri.value),
        }
    }
}
