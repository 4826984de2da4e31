//! The LwM2M node tree borrowing its payload: strings, core links and opaque values are
//! slices of the decoded bytes ([`ValueRef`]), so that decoding allocates only the lists
//! of children.
//!
//! It mirrors [`crate::node`] level by level; [`NodeRef::to_node`] gives the owned tree.

use alloc::vec::Vec;

use crate::ValueRef;
use crate::{InstanceNode, Node, ObjectNode, ResourceInstanceNode, ResourceNode, ResourceValue};

/// One resource instance of a multiple-instance resource, borrowing its value.
#[derive(Clone, Debug, PartialEq)]
pub struct ResourceInstanceRef<'a> {
    /// Resource instance ID.
    pub id: u16,
    /// Its value.
    pub value: ValueRef<'a>,
}

/// The value side of a borrowed resource: one value or a list of resource instances.
#[derive(Clone, Debug, PartialEq)]
pub enum ResourceValueRef<'a> {
    /// A single-instance resource.
    Single(ValueRef<'a>),
    /// A multiple-instance resource (possibly empty).
    Multiple(Vec<ResourceInstanceRef<'a>>),
}

/// A resource of an object instance, borrowing its values.
#[derive(Clone, Debug, PartialEq)]
pub struct ResourceRef<'a> {
    /// Resource ID.
    pub id: u16,
    /// Its value(s).
    pub value: ResourceValueRef<'a>,
}

/// An object instance and its resources, borrowing their values.
#[derive(Clone, Debug, PartialEq)]
pub struct InstanceRef<'a> {
    /// Object instance ID.
    pub id: u16,
    /// Resources of the instance.
    pub resources: Vec<ResourceRef<'a>>,
}

/// An object and its instances, borrowing their values.
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectRef<'a> {
    /// Object ID.
    pub id: u16,
    /// Instances of the object.
    pub instances: Vec<InstanceRef<'a>>,
}

/// The content of a payload addressed to one path, borrowing the payload: its level
/// follows the path's depth, as for [`Node`].
#[derive(Clone, Debug, PartialEq)]
pub enum NodeRef<'a> {
    /// Payload for `/O`.
    Object(ObjectRef<'a>),
    /// Payload for `/O/I`.
    Instance(InstanceRef<'a>),
    /// Payload for `/O/I/R`.
    Resource(ResourceRef<'a>),
    /// Payload for `/O/I/R/RI`.
    ResourceInstance(ResourceInstanceRef<'a>),
}

impl ResourceInstanceRef<'_> {
    /// An owned copy.
    pub fn to_node(&self) -> ResourceInstanceNode {
        ResourceInstanceNode {
            id: self.id,
            value: self.value.to_owned_value(),
        }
    }
}

impl ResourceValueRef<'_> {
    /// An owned copy.
    pub fn to_node(&self) -> ResourceValue {
        match self {
            ResourceValueRef::Single(v) => ResourceValue::Single(v.to_owned_value()),
            ResourceValueRef::Multiple(list) => {
                ResourceValue::Multiple(list.iter().map(ResourceInstanceRef::to_node).collect())
            }
        }
    }
}

impl ResourceRef<'_> {
    /// An owned copy.
    pub fn to_node(&self) -> ResourceNode {
        ResourceNode {
            id: self.id,
            value: self.value.to_node(),
        }
    }
}

impl InstanceRef<'_> {
    /// An owned copy.
    pub fn to_node(&self) -> InstanceNode {
        InstanceNode {
            id: self.id,
            resources: self.resources.iter().map(ResourceRef::to_node).collect(),
        }
    }
}

impl ObjectRef<'_> {
    /// An owned copy.
    pub fn to_node(&self) -> ObjectNode {
        ObjectNode {
            id: self.id,
            instances: self.instances.iter().map(InstanceRef::to_node).collect(),
        }
    }
}

impl NodeRef<'_> {
    /// The ID of the node's own level (object, instance, resource or resource-instance ID).
    pub fn id(&self) -> u16 {
        match self {
            NodeRef::Object(o) => o.id,
            NodeRef::Instance(i) => i.id,
            NodeRef::Resource(r) => r.id,
            NodeRef::ResourceInstance(r) => r.id,
        }
    }

    /// An owned copy: the [`Node`] the owned decoder gives for the same payload.
    pub fn to_node(&self) -> Node {
        match self {
            NodeRef::Object(o) => Node::Object(o.to_node()),
            NodeRef::Instance(i) => Node::Instance(i.to_node()),
            NodeRef::Resource(r) => Node::Resource(r.to_node()),
            NodeRef::ResourceInstance(r) => Node::ResourceInstance(r.to_node()),
        }
    }
}
