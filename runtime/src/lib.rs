//! `ucifi-runtime`: what generated ucifi object code stands on.
//!
//! * the LwM2M data model: [`Path`], [`Version`], [`DataType`], [`Operations`], [`Value`]
//!   and the node tree ([`Node`], [`ObjectNode`], [`InstanceNode`], [`ResourceNode`]), owned
//!   or borrowing its payload ([`NodeRef`]);
//! * static object/resource descriptors ([`ObjectModel`], [`ResourceModel`]) and the
//!   [`Registry`] that generated code and run-time loaded definitions share;
//! * the LwM2M content formats ([`ContentFormat`]).
//!
//! The crate is `no_std` + `alloc`; the default `std` feature only adds conveniences.
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

pub mod codec;
mod content_format;
mod data_type;
mod instance_map;
mod model;
mod node;
mod node_ref;
mod operations;
mod path;
mod registry;
pub mod typed;
mod value;
mod version;

pub use content_format::{ContentFormat, UnknownContentFormat};
pub use data_type::{DataType, UnknownDataType};
pub use instance_map::{InstanceMap, Iter as InstanceMapIter};
pub use model::{ObjectModel, ResourceModel};
pub use node::{InstanceNode, Node, ObjectNode, ResourceInstanceNode, ResourceNode, ResourceValue};
pub use node_ref::{
    InstanceRef, NodeRef, ObjectRef, ResourceInstanceRef, ResourceRef, ResourceValueRef,
};
pub use operations::{Operations, UnknownOperations};
pub use path::{Path, PathError};
pub use registry::Registry;
#[doc(hidden)]
pub use typed::__private;
pub use value::{CoreLink, ObjectLink, ObjectLinkError, Time, Value, ValueRef};
pub use version::{Version, VersionError};
