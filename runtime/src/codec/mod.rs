//! The LwM2M content formats.
//!
//! Every format has one decoder and one encoder:
//!
//! * decoding is a push parser, `FORMAT::decode(path, bytes, sink)`, that reads a payload
//!   addressed to `path` and hands its values and containers to a [`Sink`]: the node tree
//!   ([`NodeBuilder`]), a generated struct ([`typed`](crate::typed)) or a collector. Leaf
//!   values arrive as [`RawValue`]s, what the wire said; the sink applies the model's data
//!   type ([`RawValue::to_value`]) or, without a model, the untyped fallback;
//! * encoding goes through the format's [`Writer`], driven by a [`Node`](crate::Node)
//!   ([`encode_node`]) or by generated code, into an [`Output`] (a `Vec<u8>` or a caller's
//!   buffer through [`SliceOutput`]).
//!
//! [`decode`], [`decode_to`], [`encode`] and [`encode_into`] dispatch on the
//! [`ContentFormat`]. Every failure is one [`Error`]: an [`ErrorKind`] with the format, the
//! byte offset and the path where known.
//!
//! | format | module | carries |
//! |---|---|---|
//! | text/plain (0) | [`text`] | one resource or resource instance |
//! | octet-stream (42) | [`opaque`] | one Opaque resource or resource instance |
//! | CBOR (60) | [`cbor`] | one resource or resource instance |
//! | TLV (11542) | [`tlv`] | any target but the root |
//! | SenML JSON / CBOR (110 / 112) | [`senml_json`], [`senml_cbor`] | any target, composite, timestamps |
//! | LwM2M JSON (11543) | [`lwm2m_json`] | any target, timestamps |
//! | LwM2M CBOR (11544) | [`lwm2m_cbor`] | any target, composite |
//! | link-format (40) | [`link_format`] | links and attributes (Register, Discover) |
//!
//! Decoders never panic, never recurse without bound and never reserve memory from a
//! length field before the bytes are there.

use alloc::vec::Vec;

use crate::{ContentFormat, DataType, ObjectModel, Path, Registry, Value, ValueRef};

mod build;
mod error;
mod output;
mod raw;
mod sink;

pub use build::NodeBuilder;
pub use error::{Error, ErrorKind, Syntax, ValueError};
pub use output::{CborOut, Output, SliceOutput};
pub use raw::RawValue;
pub use sink::{Event, InstanceEvents, InstanceSink, Sink};
pub(crate) use sink::{inside, locate};

pub mod cbor;
pub mod link_format;
pub mod lwm2m_cbor;
pub mod lwm2m_json;
pub mod opaque;
pub mod senml;
pub mod senml_cbor;
pub mod senml_json;
pub mod single;
pub mod text;
pub mod tlv;
pub mod wire;

/// A push encoder for one target path.
///
/// The caller emits, in order, what the target holds: for an object target one
/// `begin_instance`/`end_instance` pair per instance; for an instance target resources
/// directly; for a multiple resource `begin_multiple`, then one `value` per resource
/// instance, then `end_multiple`. `value` IDs are resource IDs, or resource-instance IDs
/// inside a multiple resource. A resource-instance target takes exactly one `value`.
/// Each format's writer also has `new(path, out)` and `finish(self) -> Result<O, Error>`.
pub trait Writer {
    /// Starts object instance `id` (object targets only).
    fn begin_instance(&mut self, id: u16) -> Result<(), Error>;
    /// Ends the current object instance.
    fn end_instance(&mut self) -> Result<(), Error>;
    /// Starts multiple-instance resource `id` holding `count` instances.
    fn begin_multiple(&mut self, id: u16, count: usize) -> Result<(), Error>;
    /// Ends the current multiple-instance resource.
    fn end_multiple(&mut self) -> Result<(), Error>;
    /// Writes one resource or resource-instance value.
    fn value(&mut self, id: u16, value: ValueRef<'_>) -> Result<(), Error>;
}

impl<W: Writer + ?Sized> Writer for &mut W {
    fn begin_instance(&mut self, id: u16) -> Result<(), Error> {
        (**self).begin_instance(id)
    }
    fn end_instance(&mut self) -> Result<(), Error> {
        (**self).end_instance()
    }
    fn begin_multiple(&mut self, id: u16, count: usize) -> Result<(), Error> {
        (**self).begin_multiple(id, count)
    }
    fn end_multiple(&mut self) -> Result<(), Error> {
        (**self).end_multiple()
    }
    fn value(&mut self, id: u16, value: ValueRef<'_>) -> Result<(), Error> {
        (**self).value(id, value)
    }
}

/// Content that can drive a [`Writer`]: a [`Node`](crate::Node), or a generated struct.
pub trait Encode {
    /// Emits the content into `w`.
    fn encode_to<W: Writer>(&self, w: &mut W) -> Result<(), Error>;
}

impl Encode for crate::Node {
    fn encode_to<W: Writer>(&self, w: &mut W) -> Result<(), Error> {
        encode_node(self, w)
    }
}

/// Where decoders look up a resource's data type and multiplicity.
pub trait TypeLookup {
    /// The model facts of resource `resource` of object `object`, if known.
    fn resource_type(&self, object: u16, resource: u16) -> Option<(DataType, bool)>;
}

impl TypeLookup for ObjectModel {
    fn resource_type(&self, object: u16, resource: u16) -> Option<(DataType, bool)> {
        (object == self.id).then(|| self.resource(resource).map(|r| (r.data_type, r.multiple)))?
    }
}

/// Uses the latest version of each object.
impl TypeLookup for Registry {
    fn resource_type(&self, object: u16, resource: u16) -> Option<(DataType, bool)> {
        self.latest(object)?.resource_type(object, resource)
    }
}

/// Uses the version the selection names for each object.
impl TypeLookup for crate::Selection<'_> {
    fn resource_type(&self, object: u16, resource: u16) -> Option<(DataType, bool)> {
        self.model(object)?.resource_type(object, resource)
    }
}

/// No model: every format's untyped fallback applies.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoModel;

impl TypeLookup for NoModel {
    fn resource_type(&self, _: u16, _: u16) -> Option<(DataType, bool)> {
        None
    }
}

/// Whether a Write replaces its target or updates part of it.
///
/// LwM2M carries the difference in the CoAP method, not in the payload: `PUT` replaces
/// (resources of the instance that the payload does not name are removed or reset; a
/// multiple-instance resource keeps only the instances sent), `POST` updates partially
/// (only what the payload names changes; resource instances are added or overwritten).
/// Every format encodes both the same way; [`apply_write`] applies a decoded payload to a
/// stored node under either mode. Formats that can only address one resource (text/plain,
/// octet-stream, CBOR) behave the same under both modes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum WriteMode {
    /// `PUT`: the payload becomes the target's whole new content.
    #[default]
    Replace,
    /// `POST` (or iPATCH for composite writes): only the named parts change.
    PartialUpdate,
}

impl WriteMode {
    /// The CoAP method code LwM2M uses for this mode on a single target (`PUT` = 0.03,
    /// `POST` = 0.02), as the code's detail number.
    pub const fn coap_method(self) -> u8 {
        match self {
            WriteMode::Replace => 3,
            WriteMode::PartialUpdate => 2,
        }
    }
}

/// Applies a decoded Write payload `update` to the stored `target` (both addressed to the
/// same path) under `mode`.
///
/// Replace: the target's content becomes the update's (at an object instance, resources
/// not in the payload are removed; at a multiple resource, instances not in the payload
/// are removed). Partial update: resources and resource instances of the update are
/// inserted or overwritten, everything else is kept. The result is canonical (sorted).
pub fn apply_write(
    target: &mut crate::Node,
    update: crate::Node,
    mode: WriteMode,
) -> Result<(), Error> {
    use crate::{Node, ResourceNode, ResourceValue};
    /// Merges `u` into `t` by ID: the target is sorted once and searched by bisection (a
    /// scan per updated item made large writes quadratic); new items are appended.
    fn merge_by_id<T: build::HasId>(
        t: &mut Vec<T>,
        mut u: Vec<T>,
        mut merge: impl FnMut(&mut T, T),
    ) {
        t.sort_by_key(build::HasId::id);
        u.sort_by_key(build::HasId::id);
        let n = t.len();
        for x in u {
            // Items new to the target arrive sorted: a repeated ID merges into the last.
            if t.len() > n
                && let Some(last) = t.last_mut().filter(|l| l.id() == x.id())
            {
                merge(last, x);
                continue;
            }
            match t[..n].binary_search_by_key(&x.id(), build::HasId::id) {
                Ok(k) => merge(&mut t[k], x),
                Err(_) => t.push(x),
            }
        }
    }
    fn merge_resource(t: &mut ResourceNode, u: ResourceNode) {
        match (&mut t.value, u.value) {
            (ResourceValue::Multiple(tl), ResourceValue::Multiple(ul)) => {
                merge_by_id(tl, ul, |x, ri| x.value = ri.value);
            }
            (slot, v) => *slot = v,
        }
    }
    fn merge_instance(t: &mut crate::InstanceNode, u: crate::InstanceNode) {
        merge_by_id(&mut t.resources, u.resources, merge_resource);
    }
    if core::mem::discriminant(target) != core::mem::discriminant(&update)
        || target.id() != update.id()
    {
        return Err(Error::new(ErrorKind::WrongTarget));
    }
    match mode {
        WriteMode::Replace => *target = update,
        WriteMode::PartialUpdate => match (&mut *target, update) {
            (Node::Object(t), Node::Object(u)) => {
                merge_by_id(&mut t.instances, u.instances, merge_instance);
            }
            (Node::Instance(t), Node::Instance(u)) => merge_instance(t, u),
            (Node::Resource(t), Node::Resource(u)) => merge_resource(t, u),
            (t, u) => *t = u,
        },
    }
    target.canonicalize();
    Ok(())
}

/// Checks that `node` is the content of `path`: same level and same last ID
/// ([`ErrorKind::WrongTarget`] at `path` otherwise).
pub fn check_node_path(path: &Path, node: &crate::Node) -> Result<(), Error> {
    use crate::Node;
    let level = match node {
        Node::Object(_) => 1,
        Node::Instance(_) => 2,
        Node::Resource(_) => 3,
        Node::ResourceInstance(_) => 4,
    };
    if path.len() != level || path.ids()[level - 1] != node.id() {
        return Err(Error::at_path(*path, ErrorKind::WrongTarget));
    }
    Ok(())
}

/// Drives `writer` with the content of `node`.
pub fn encode_node<W: Writer + ?Sized>(node: &crate::Node, writer: &mut W) -> Result<(), Error> {
    use crate::{Node, ResourceValue};
    fn resource<W: Writer + ?Sized>(r: &crate::ResourceNode, w: &mut W) -> Result<(), Error> {
        match &r.value {
            ResourceValue::Single(v) => w.value(r.id, v.as_value_ref()),
            ResourceValue::Multiple(list) => {
                w.begin_multiple(r.id, list.len())?;
                for ri in list {
                    w.value(ri.id, ri.value.as_value_ref())?;
                }
                w.end_multiple()
            }
        }
    }
    match node {
        Node::Object(o) => {
            for i in &o.instances {
                writer.begin_instance(i.id)?;
                for r in &i.resources {
                    resource(r, writer)?;
                }
                writer.end_instance()?;
            }
            Ok(())
        }
        Node::Instance(i) => i.resources.iter().try_for_each(|r| resource(r, writer)),
        Node::Resource(r) => resource(r, writer),
        Node::ResourceInstance(ri) => writer.value(ri.id, ri.value.as_value_ref()),
    }
}

/// Decodes a payload of `format` addressed to `path`, feeding `sink`.
///
/// Link-format carries no values: [`ErrorKind::Unsupported`]. An empty payload of a format
/// that carries many values (TLV, SenML, LwM2M JSON and CBOR) feeds nothing: an empty
/// object, instance or multiple resource.
pub fn decode_to<'a, S: Sink<'a> + ?Sized>(
    format: ContentFormat,
    path: &Path,
    bytes: &'a [u8],
    sink: &mut S,
) -> Result<(), Error> {
    use ContentFormat as F;
    let many = matches!(
        format,
        F::Tlv | F::SenmlJson | F::SenmlCbor | F::Lwm2mJson | F::Lwm2mCbor
    );
    if many && bytes.is_empty() {
        // No values at all, as Leshan reads it: an empty object, instance or multiple
        // resource (a 2.05 Content or a Write with an empty payload).
        return Ok(());
    }
    let r = match format {
        F::Tlv => tlv::decode(path, bytes, sink),
        F::Text => text::decode(path, bytes, sink),
        F::Opaque => opaque::decode(path, bytes, sink),
        F::Cbor => cbor::decode(path, bytes, sink),
        F::SenmlJson => senml_json::decode(path, bytes, sink),
        F::SenmlCbor => senml_cbor::decode(path, bytes, sink),
        F::Lwm2mJson => lwm2m_json::decode(path, bytes, sink),
        F::Lwm2mCbor => lwm2m_cbor::decode(path, bytes, sink),
        F::LinkFormat => Err(Error::new(ErrorKind::Unsupported)),
    };
    r.map_err(|e| e.in_format(format))
}

/// Decodes a payload of `format` addressed to `path` into a [`Node`](crate::Node), typing
/// values through `types`.
pub fn decode(
    format: ContentFormat,
    path: &Path,
    bytes: &[u8],
    types: &dyn TypeLookup,
) -> Result<crate::Node, Error> {
    let mut b = NodeBuilder::new(*path, types);
    decode_to(format, path, bytes, &mut b)?;
    b.finish().map_err(|e| e.in_format(format))
}

/// Decodes a composite payload (Read-Composite response, Send, Write-Composite: `path` is
/// usually the root) into a flat list of (path, value) leaves, typed through `types`.
pub fn decode_leaves(
    format: ContentFormat,
    path: &Path,
    bytes: &[u8],
    types: &dyn TypeLookup,
) -> Result<Vec<(Path, Value)>, Error> {
    let mut b = NodeBuilder::new(*path, types);
    decode_to(format, path, bytes, &mut b)?;
    Ok(b.into_leaves())
}

/// Encodes `content` (a [`Node`](crate::Node) or a generated struct) addressed to `path` in
/// `format` into `out`.
///
/// Text/plain, octet-stream and CBOR carry one resource or resource instance only, TLV no
/// root, link-format no values ([`ErrorKind::Unsupported`]).
pub fn encode_to<O: Output, E: Encode + ?Sized>(
    format: ContentFormat,
    path: &Path,
    content: &E,
    out: O,
) -> Result<O, Error> {
    use ContentFormat as F;
    // The writer is created, driven and finished in place (writers are a few hundred
    // bytes: each move is a copy).
    fn run<W: Writer, E: Encode + ?Sized, O>(
        w: Result<W, Error>,
        content: &E,
        finish: fn(W) -> Result<O, Error>,
    ) -> Result<O, Error> {
        let mut w = w?;
        content.encode_to(&mut w)?;
        finish(w)
    }
    let r = match format {
        F::Tlv => run(
            tlv::TlvWriter::new(path, out),
            content,
            tlv::TlvWriter::finish,
        ),
        F::Text => run(
            text::TextWriter::new(path, out),
            content,
            text::TextWriter::finish,
        ),
        F::Opaque => run(
            opaque::OpaqueWriter::new(path, out),
            content,
            opaque::OpaqueWriter::finish,
        ),
        F::Cbor => run(
            cbor::CborWriter::new(path, out),
            content,
            cbor::CborWriter::finish,
        ),
        F::SenmlJson => run(
            senml_json::SenmlJsonWriter::new(path, out),
            content,
            senml_json::SenmlJsonWriter::finish,
        ),
        F::SenmlCbor => run(
            senml_cbor::SenmlCborWriter::new(path, out),
            content,
            senml_cbor::SenmlCborWriter::finish,
        ),
        F::Lwm2mJson => run(
            lwm2m_json::Lwm2mJsonWriter::new(path, out),
            content,
            lwm2m_json::Lwm2mJsonWriter::finish,
        ),
        F::Lwm2mCbor => run(
            lwm2m_cbor::Lwm2mCborWriter::new(path, out),
            content,
            lwm2m_cbor::Lwm2mCborWriter::finish,
        ),
        F::LinkFormat => Err(Error::new(ErrorKind::Unsupported)),
    };
    r.map_err(|e| e.in_format(format))
}

/// Encodes `node`, addressed to `path`, in `format`.
pub fn encode(format: ContentFormat, path: &Path, node: &crate::Node) -> Result<Vec<u8>, Error> {
    check_node_path(path, node)?;
    encode_to(format, path, node, Vec::new())
}

/// Encodes `node`, addressed to `path`, in `format` into `buf`, allocating nothing; the
/// number of bytes written, or [`ErrorKind::BufferFull`].
pub fn encode_into(
    format: ContentFormat,
    path: &Path,
    node: &crate::Node,
    buf: &mut [u8],
) -> Result<usize, Error> {
    check_node_path(path, node)?;
    encode_to(format, path, node, SliceOutput::new(buf)).map(|o| o.len())
}
