//! `ucifi-runtime`: the LwM2M data model and every LwM2M content format, `no_std` + `alloc`.
//!
//! Decode a payload into a tree typed by a model, change it, encode it in another format:
//!
//! ```
//! use ucifi_runtime::codec::{self, NoModel};
//! use ucifi_runtime::{ContentFormat, Node, Path, Value};
//!
//! // A Read of /3/0/9 (Battery Level) answered in TLV: resource 9 = 87.
//! let path: Path = "/3/0/9".parse()?;
//! let node = codec::decode(ContentFormat::Tlv, &path, &[0xC1, 0x09, 0x57], &NoModel)?;
//! // Without a model TLV bytes stay opaque; a model (an `ObjectModel`, a `Registry`) types them.
//! let Node::Resource(r) = &node else { unreachable!() };
//! assert_eq!(r.id, 9);
//! let json = codec::encode(ContentFormat::SenmlJson, &path, &node)?;
//! assert_eq!(json, br#"[{"bn":"/3/0/9","vd":"Vw"}]"#);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! What is here:
//!
//! * the data model: [`Path`], [`Version`], [`DataType`], [`Operations`], [`Value`] and
//!   [`ValueRef`], the node tree ([`Node`], [`ObjectNode`], [`InstanceNode`],
//!   [`ResourceNode`]), static object and resource descriptors ([`ObjectModel`],
//!   [`ResourceModel`]) and the [`Registry`] that generated code and models loaded at run
//!   time share. None of it depends on the codecs;
//! * [`codec`]: one push decoder and one encoder per [`ContentFormat`], with one error type;
//! * [`typed`]: the traits generated object types implement (see the `ucifi-objects` crate),
//!   which give every object type `decode`, `encode`, `encode_into` and `decode_into`.
//!
//! The default `std` feature only adds `std::error::Error` implementations.
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

pub mod codec;
mod content_format;
mod data_type;
mod instance_map;
mod model;
mod node;
mod operations;
mod path;
mod registry;
pub mod typed;
mod value;
mod version;

pub use content_format::{ContentFormat, UnknownContentFormat};
pub use data_type::{DataType, UnknownDataType};
pub use instance_map::{InstanceMap, Iter as InstanceMapIter};
pub use model::{ObjectModel, ResourceModel, ValueName};
pub use node::{InstanceNode, Node, ObjectNode, ResourceInstanceNode, ResourceNode, ResourceValue};
pub use operations::{Operations, UnknownOperations};
pub use path::{Path, PathError};
pub use registry::{Registry, Selection, UnknownModel};
#[doc(hidden)]
pub use typed::__private;
pub use value::{CoreLink, ObjectLink, ObjectLinkError, Time, Value, ValueRef};
pub use version::{Version, VersionError};
