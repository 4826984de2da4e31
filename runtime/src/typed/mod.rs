//! Typed objects: what generated object code implements, and the API it gives.
//!
//! Generated code (see `ucifi-codegen` and the `ucifi-objects` crate) emits, per object
//! version:
//!
//! * an instance struct (`Device`) implementing [`Instance`] and [`ObjectType`], with one
//!   field per resource;
//! * a write view (`DeviceWrite`) implementing [`Instance`] and [`WriteView`] that holds
//!   only the resources a server may write and checks each value against the model as it
//!   decodes it;
//! * one zero-sized marker type per resource implementing [`Resource`] (and [`Readable`],
//!   [`Writable`] or [`Executable`]), so single resources are read and written with types
//!   ([`read()`], [`write()`]);
//! * Rust enums for enumerated resources, implementing [`Enumeration`].
//!
//! Every [`Instance`] encodes to and decodes from every content format through its one
//! generated impl, with no detour through a [`Node`](crate::Node) tree:
//!
//! | | |
//! |---|---|
//! | [`Instance::decode`] | a new value from a payload |
//! | [`Instance::decode_into`] | the same into an existing value, reusing its buffers |
//! | [`Instance::merge`] | what a payload holds, on top of the values there |
//! | [`ObjectType::write`] | a server's Write, as the model allows it, all or nothing |
//! | [`Instance::encode`], [`Instance::encode_into`] | a payload, in a `Vec` or a caller's buffer |
//! | [`Instance::validate`], [`Instance::encode_checked`] | the model's ranges, lengths and enumerations |
//! | [`decode_instances`], [`encode_instances`] | every instance of an object (`/O`) |
//! | [`read()`], [`write()`] | one resource, typed by its marker |
//!
//! The submodules [`field`], [`check`] and [`enumeration`] hold the helpers generated code
//! calls, and [`prelude`] the names it imports.

use alloc::borrow::Cow;
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::vec::Vec;
use core::fmt;

use crate::codec::{self, Error, ErrorKind, InstanceEvents, InstanceSink, RawValue};
use crate::codec::{Encode, SliceOutput, WriteMode, Writer};
use crate::{ContentFormat, DataType, ObjectModel, Operations, Path, ResourceModel, Version};

pub mod check;
pub mod enumeration;
pub mod field;
mod scalar;

pub use check::{Problem, Violation};
pub use field::ResourceValue;
pub use scalar::{Enumeration, Measure, Scalar};

/// The names generated code uses: `use ucifi_runtime::typed::prelude::*;` opens every
/// generated module. Also handy in code using generated types (it brings [`Instance`]'s
/// methods into scope).
pub mod prelude {
    pub use alloc::borrow::Cow;
    pub use alloc::string::String;
    pub use alloc::vec::Vec;
    pub use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub use super::check::{Check, Rule};
    pub use super::{
        Enumeration, Executable, Instance, ObjectType, ObjectVisitor, Readable, Resource,
        ResourceSet, Violation, Writable, WriteView, enumeration, field,
    };
    pub use crate::codec::{Error, ErrorKind, InstanceSink, RawValue, Writer};
    pub use crate::{
        ContentFormat, CoreLink, DataType, InstanceMap, ObjectLink, ObjectModel, Operations, Path,
        Registry, ResourceModel, Time, ValueName, Version,
    };
}

/// The `serde` generated derives name in `#[serde(crate = ...)]`, so generated crates need
/// no `serde` dependency of their own. Not a public API.
#[doc(hidden)]
pub mod __private {
    pub use serde;
}

/// The content of one object instance, as a generated struct or write view: it encodes
/// itself by driving a format's [`Writer`] and stores decoded values as an
/// [`InstanceSink`]. The provided methods are the typed API.
///
/// Every method taking a `path` checks that it addresses this object: `/O/I`, or for
/// payloads holding one resource `/O/I/R` or `/O/I/R/RI` ([`ErrorKind::WrongTarget`]
/// otherwise). The instance ID is the caller's to keep.
pub trait Instance: InstanceSink + Default {
    /// The object ID.
    const OBJECT_ID: u16;

    /// Emits every present resource, in ID order (instance-level content).
    fn encode_resources<W: Writer + ?Sized>(&self, w: &mut W) -> Result<(), Error>;

    /// Resets every resource not in `keep` to its default (`None`, empty, `Default`).
    fn reset_except(&mut self, keep: &ResourceSet);

    /// Checks the model's ranges, lengths and enumerations; returns every violation.
    fn validate(&self) -> Result<(), Vec<Violation>>;

    /// Decodes an instance from a payload of `format` addressed to `path` (`/O/I/R` or
    /// `/O/I/R/RI` give an instance holding only that resource).
    fn decode(format: ContentFormat, path: &Path, bytes: &[u8]) -> Result<Self, Error> {
        let mut out = Self::default();
        out.merge(format, path, bytes)?;
        Ok(out)
    }

    /// Decodes a payload into `self`, replacing everything it held, as [`decode`] would,
    /// but reusing its buffers: strings, byte values and resource-instance maps keep their
    /// allocations and are overwritten in place, so decoding a stream of payloads of one
    /// object type into one value allocates nothing once the buffers have grown. Resources
    /// the payload does not carry are reset; a multiple resource the payload carries holds
    /// exactly the payload's instances. On error, `self` holds a mix of old and new values.
    ///
    /// [`decode`]: Instance::decode
    fn decode_into(
        &mut self,
        format: ContentFormat,
        path: &Path,
        bytes: &[u8],
    ) -> Result<(), Error> {
        check_instance_path::<Self>(path)?;
        let mut replace = Replace::new(self);
        codec::decode_to(
            format,
            path,
            bytes,
            &mut InstanceEvents::new(*path, &mut replace),
        )?;
        replace.finish();
        Ok(())
    }

    /// Merges a payload into `self`: resources in the payload replace their values, a
    /// multiple-resource container (TLV, LwM2M CBOR) replaces all its resource instances,
    /// other resources keep theirs, and resources the object version does not define are
    /// ignored. This takes every resource, read-only ones too (what a client reports: a
    /// notification of one resource merged into a server's copy); a server's Write to a
    /// client goes through [`ObjectType::write`], which the model checks. On error, `self`
    /// holds what came before the failure.
    fn merge(&mut self, format: ContentFormat, path: &Path, bytes: &[u8]) -> Result<(), Error> {
        check_instance_path::<Self>(path)?;
        codec::decode_to(format, path, bytes, &mut InstanceEvents::new(*path, self))
    }

    /// Encodes `self` in `format`, addressed to `path`: the whole instance for `/O/I`;
    /// only resource `R` for `/O/I/R` and only one resource instance for `/O/I/R/RI` (the
    /// answer to a Read of one resource), [`ErrorKind::NoValue`] when `self` does not hold
    /// it.
    fn encode(&self, format: ContentFormat, path: &Path) -> Result<Vec<u8>, Error> {
        check_instance_path::<Self>(path)?;
        codec::encode_to(
            format,
            path,
            &Content {
                instance: self,
                path: *path,
            },
            Vec::new(),
        )
    }

    /// Encodes `self` like [`encode`](Instance::encode) into `buf`, allocating nothing;
    /// the number of bytes written, or [`ErrorKind::BufferFull`].
    fn encode_into(
        &self,
        format: ContentFormat,
        path: &Path,
        buf: &mut [u8],
    ) -> Result<usize, Error> {
        check_instance_path::<Self>(path)?;
        let out = codec::encode_to(
            format,
            path,
            &Content {
                instance: self,
                path: *path,
            },
            SliceOutput::new(buf),
        )?;
        Ok(codec::Output::len(&out))
    }

    /// Encodes `self` like [`encode`](Instance::encode) when it passes
    /// [`validate`](Instance::validate) as far as `path` reaches; otherwise
    /// [`ErrorKind::Invalid`] at the path of the first violation.
    fn encode_checked(&self, format: ContentFormat, path: &Path) -> Result<Vec<u8>, Error> {
        check_instance_path::<Self>(path)?;
        first_violation::<Self>(self.validate(), path)?;
        self.encode(format, path)
    }
}

/// A generated object version (the instance struct, not its write view).
pub trait ObjectType: Instance + Clone + fmt::Debug + PartialEq + 'static {
    /// The object version.
    const VERSION: Version;
    /// The object model.
    const MODEL: &'static ObjectModel;
    /// The write view: the resources a server may write.
    type Write: WriteView<Target = Self>;

    /// Applies a server's Write of `format` addressed to `path`, all or nothing: the payload
    /// is decoded into the write view first, which refuses read-only resources
    /// ([`ErrorKind::NotWritable`]), executable ones ([`ErrorKind::Executable`]) and values
    /// the model does not allow ([`ErrorKind::Invalid`]); on any error `self` is unchanged.
    ///
    /// [`WriteMode::Replace`] (`PUT`) first resets what the write reaches: at `/O/I` every
    /// writable resource, at `/O/I/R` that resource. [`WriteMode::PartialUpdate`] (`POST`)
    /// changes only what the payload holds, adding or replacing resource instances.
    fn write(
        &mut self,
        mode: WriteMode,
        format: ContentFormat,
        path: &Path,
        bytes: &[u8],
    ) -> Result<(), Error> {
        let view = Self::Write::decode(format, path, bytes)?;
        self.apply_write(&view, mode, path)
    }

    /// Applies `view` as a Write addressed to `path` under `mode`, as
    /// [`write`](ObjectType::write) does after decoding: everything the view holds is
    /// applied, so a view holding any value the model does not allow is refused
    /// ([`ErrorKind::Invalid`], at the path of the first violation) and nothing changes.
    fn apply_write(
        &mut self,
        view: &Self::Write,
        mode: WriteMode,
        path: &Path,
    ) -> Result<(), Error> {
        check_instance_path::<Self>(path)?;
        let instance = Path::instance(Self::OBJECT_ID, path.instance_id().unwrap_or(0));
        first_violation::<Self>(view.validate(), &instance)?;
        if mode == WriteMode::Replace && path.resource_instance_id().is_none() {
            let mut keep = ResourceSet::default();
            for r in Self::MODEL.resources.iter() {
                let reached = path.resource_id().is_none_or(|id| id == r.id);
                if !(reached && r.operations.writable()) {
                    keep.insert(r.id);
                }
            }
            self.reset_except(&keep);
        }
        view.apply_to(self);
        Ok(())
    }
}

/// Visits object version types generically (see the generated `visit_objects`), e.g. to
/// register handlers or run a test over every object of a library.
pub trait ObjectVisitor {
    /// Called once per object version type.
    fn visit<T: ObjectType>(&mut self);
}

/// Visits object version types that derive serde's traits (see the generated
/// `visit_serde_objects`, there when the generator's serde feature is on), e.g. to check
/// every object's JSON form.
pub trait SerdeObjectVisitor {
    /// Called once per object version type.
    fn visit<T: ObjectType + serde::Serialize + serde::de::DeserializeOwned>(&mut self);
}

/// A resource of an object version, as a zero-sized marker type.
///
/// Generated markers state the ID, object and value type; every other fact comes from the
/// object's `MODEL`, so markers and descriptors cannot disagree.
pub trait Resource {
    /// Resource ID.
    const ID: u16;
    /// The object version it belongs to.
    type Object: ObjectType;
    /// The Rust type of its whole value (`()` for executables).
    type Value;
    /// Its model descriptor.
    const MODEL: &'static ResourceModel = model_resource(Self::Object::MODEL, Self::ID);
    /// Name as defined by the model.
    const NAME: &'static str = static_str(&Self::MODEL.name);
    /// Allowed operations.
    const OPERATIONS: Operations = Self::MODEL.operations;
    /// Whether the resource has resource instances.
    const MULTIPLE: bool = Self::MODEL.multiple;
    /// Whether every instance must expose it.
    const MANDATORY: bool = Self::MODEL.mandatory;
    /// Data type ([`DataType::None`] for executables).
    const DATA_TYPE: DataType = Self::MODEL.data_type;
}

/// A resource a server may read (`R`, `RW`).
pub trait Readable: Resource<Value: ResourceValue> {}
/// A resource a server may write (`W`, `RW`).
pub trait Writable: Resource<Value: ResourceValue> {}
/// A resource a server may execute (`E`).
pub trait Executable: Resource<Value = ()> {}

/// The resource `id` of a static model (`const`; fails to compile when missing).
const fn model_resource(model: &'static ObjectModel, id: u16) -> &'static ResourceModel {
    let list: &'static [ResourceModel] = match &model.resources {
        Cow::Borrowed(list) => list,
        Cow::Owned(_) => panic!("a generated model is borrowed"),
    };
    let mut i = 0;
    while i < list.len() {
        if list[i].id == id {
            return &list[i];
        }
        i += 1;
    }
    panic!("resource not in its object model")
}

#[allow(clippy::ptr_arg)] // a `const fn` cannot deref a `Cow`
const fn static_str(s: &'static Cow<'static, str>) -> &'static str {
    match s {
        Cow::Borrowed(s) => s,
        Cow::Owned(_) => panic!("a generated model is borrowed"),
    }
}

/// `const` builders for the resource models generated code declares:
/// `ResourceModel::new(6, "Available Power Sources", Operations::R, DataType::Integer).multiple().range("0..7")`.
impl ResourceModel {
    /// A single-instance, optional resource without range or units.
    pub const fn new(
        id: u16,
        name: &'static str,
        operations: Operations,
        data_type: DataType,
    ) -> Self {
        ResourceModel {
            id,
            name: Cow::Borrowed(name),
            operations,
            multiple: false,
            mandatory: false,
            data_type,
            range: Cow::Borrowed(""),
            units: Cow::Borrowed(""),
            values: Cow::Borrowed(&[]),
        }
    }

    /// The same resource, with resource instances.
    pub const fn multiple(mut self) -> Self {
        self.multiple = true;
        self
    }

    /// The same resource, mandatory.
    pub const fn mandatory(mut self) -> Self {
        self.mandatory = true;
        self
    }

    /// The same resource, with its range or enumeration text.
    pub const fn range(mut self, range: &'static str) -> Self {
        // A `const fn` cannot drop the text replaced (the empty one `new` sets): forget it.
        core::mem::forget(core::mem::replace(&mut self.range, Cow::Borrowed(range)));
        self
    }

    /// The same resource, with its unit symbol.
    pub const fn units(mut self, units: &'static str) -> Self {
        core::mem::forget(core::mem::replace(&mut self.units, Cow::Borrowed(units)));
        self
    }

    /// The same resource, with the names of its codes.
    pub const fn values(mut self, values: &'static [crate::ValueName]) -> Self {
        core::mem::forget(core::mem::replace(&mut self.values, Cow::Borrowed(values)));
        self
    }
}

/// A generated write view (`DeviceWrite`): an [`Instance`] holding only the resources a
/// server may write, each optional, that refuses any other resource and any value the
/// model does not allow as it decodes.
pub trait WriteView: Instance {
    /// The object version it writes to.
    type Target: ObjectType;
    /// Copies every present value into `target` (resource instances are added or
    /// replaced), unchecked: [`ObjectType::write`] decodes and applies a payload checked.
    fn apply_to(&self, target: &mut Self::Target);
}

/// A set of resource IDs: what a payload decoded by [`Instance::decode_into`] carried.
#[derive(Clone, Debug, Default)]
pub struct ResourceSet {
    // Resources 0..64 (most objects) in a word, the rest (IPSO 5xxx IDs, and whatever IDs
    // a payload makes up) in a tree.
    low: u64,
    high: BTreeSet<u16>,
}

impl ResourceSet {
    /// Whether `id` is in the set.
    #[inline]
    pub fn contains(&self, id: u16) -> bool {
        if id < 64 {
            self.low & (1 << id) != 0
        } else {
            self.high.contains(&id)
        }
    }

    /// Adds `id`; `true` when it was not in the set yet.
    #[inline]
    pub fn insert(&mut self, id: u16) -> bool {
        if id < 64 {
            let fresh = self.low & (1 << id) == 0;
            self.low |= 1 << id;
            fresh
        } else {
            self.high.insert(id)
        }
    }
}

/// An [`Instance`] being replaced ([`Instance::decode_into`]): remembers which resources the
/// payload set, and empties a multiple resource when its first instance arrives without
/// a container, so it ends up holding exactly the payload's instances.
struct Replace<'i, I> {
    inner: &'i mut I,
    seen: ResourceSet,
}

impl<'i, I: Instance> Replace<'i, I> {
    fn new(inner: &'i mut I) -> Self {
        Replace {
            inner,
            seen: ResourceSet::default(),
        }
    }

    /// Resets what the payload did not carry.
    fn finish(self) {
        self.inner.reset_except(&self.seen);
    }
}

impl<I: Instance> InstanceSink for Replace<'_, I> {
    #[inline]
    fn clear_multiple(&mut self, resource: u16) -> Result<(), ErrorKind> {
        self.inner.clear_multiple(resource)?;
        self.seen.insert(resource);
        Ok(())
    }
    #[inline]
    fn set(
        &mut self,
        resource: u16,
        instance: Option<u16>,
        raw: &RawValue<'_>,
    ) -> Result<(), ErrorKind> {
        if self.seen.insert(resource) && instance.is_some() {
            // Refused for a resource that is not multiple, as `set` would refuse it.
            self.inner.clear_multiple(resource)?;
        }
        self.inner.set(resource, instance, raw)
    }
}

/// An [`Instance`] as [`Encode`] content addressed to `path`: the whole instance for
/// `/O/I`; only resource `R` for `/O/I/R`, only resource instance `RI` for `/O/I/R/RI`
/// (a Read of one resource answered from a filled struct).
struct Content<'i, I> {
    instance: &'i I,
    path: Path,
}

impl<I: Instance> Encode for Content<'_, I> {
    fn encode_to<W: Writer>(&self, w: &mut W) -> Result<(), Error> {
        let ids = self.path.ids();
        let Some(&resource) = ids.get(2) else {
            return self.instance.encode_resources(w);
        };
        let mut only = OneResource {
            w,
            resource,
            instance: ids.get(3).copied(),
            inside: None,
            found: false,
        };
        self.instance.encode_resources(&mut only)?;
        if only.found {
            Ok(())
        } else {
            Err(Error::at_path(self.path, ErrorKind::NoValue))
        }
    }
}

/// A [`Writer`] passing on only one resource (or one resource instance) of an instance.
struct OneResource<'w, W> {
    w: &'w mut W,
    resource: u16,
    instance: Option<u16>,
    // Inside a multiple resource: whether it is the one passed on.
    inside: Option<bool>,
    found: bool,
}

impl<W: Writer> Writer for OneResource<'_, W> {
    fn begin_instance(&mut self, id: u16) -> Result<(), Error> {
        self.w.begin_instance(id)
    }
    fn end_instance(&mut self) -> Result<(), Error> {
        self.w.end_instance()
    }
    fn begin_multiple(&mut self, id: u16, count: usize) -> Result<(), Error> {
        let ours = id == self.resource;
        self.inside = Some(ours);
        if ours && self.instance.is_none() {
            self.found = true;
            return self.w.begin_multiple(id, count);
        }
        Ok(())
    }
    fn end_multiple(&mut self) -> Result<(), Error> {
        let ours = self.inside.take() == Some(true);
        if ours && self.instance.is_none() {
            return self.w.end_multiple();
        }
        Ok(())
    }
    fn value(&mut self, id: u16, value: crate::ValueRef<'_>) -> Result<(), Error> {
        let pass = match (self.inside, self.instance) {
            // The resource itself, single.
            (None, None) => id == self.resource,
            // Every instance of the multiple resource asked for.
            (Some(ours), None) => ours,
            // One resource instance of it.
            (Some(ours), Some(ri)) => ours && id == ri,
            (None, Some(_)) => false,
        };
        if pass {
            self.found = true;
            return self.w.value(id, value);
        }
        Ok(())
    }
}

/// `Ok` for an instance, resource or resource-instance path of `I`'s object, else
/// [`ErrorKind::WrongTarget`].
/// The first of `found` within `path`, as [`ErrorKind::Invalid`] at its resource path.
fn first_violation<I: Instance>(
    found: Result<(), Vec<Violation>>,
    path: &Path,
) -> Result<(), Error> {
    let (o, i) = (I::OBJECT_ID, path.instance_id().unwrap_or(0));
    for v in found.err().unwrap_or_default() {
        let at = match v.instance {
            Some(ri) => Path::resource_instance(o, i, v.resource, ri),
            None => Path::resource(o, i, v.resource),
        };
        if path.contains(&at) {
            return Err(Error::at_path(at, ErrorKind::Invalid(v.problem)));
        }
    }
    Ok(())
}

fn check_instance_path<I: Instance>(path: &Path) -> Result<(), Error> {
    if path.object_id() != Some(I::OBJECT_ID) || path.len() < 2 {
        return Err(Error::at_path(*path, ErrorKind::WrongTarget));
    }
    Ok(())
}

/// `Ok` for object path `/O` of `I`'s object, else [`ErrorKind::WrongTarget`].
fn check_object_path<I: Instance>(path: &Path) -> Result<(), Error> {
    if path.object_id() != Some(I::OBJECT_ID) || path.len() != 1 {
        return Err(Error::at_path(*path, ErrorKind::WrongTarget));
    }
    Ok(())
}

/// `Ok` for resource path `/O/I/R` of resource `R`, else [`ErrorKind::WrongTarget`].
fn check_resource_path<R: Resource>(path: &Path) -> Result<(), Error> {
    if path.object_id() != Some(<R::Object as Instance>::OBJECT_ID)
        || path.resource_id() != Some(R::ID)
        || path.len() != 3
    {
        return Err(Error::at_path(*path, ErrorKind::WrongTarget));
    }
    Ok(())
}

/// Decodes every instance of a payload of `format` addressed to object path `/O`, by
/// instance ID.
pub fn decode_instances<I: Instance>(
    format: ContentFormat,
    path: &Path,
    bytes: &[u8],
) -> Result<BTreeMap<u16, I>, Error> {
    check_object_path::<I>(path)?;
    let mut sink = Instances::new(*path);
    codec::decode_to(format, path, bytes, &mut sink)?;
    Ok(sink.instances)
}

/// The instances of an object-level payload ([`decode_instances`]).
struct Instances<I> {
    scope: Path,
    instances: BTreeMap<u16, I>,
}

impl<I> Instances<I> {
    fn new(scope: Path) -> Self {
        Instances {
            scope,
            instances: BTreeMap::new(),
        }
    }
}

impl<I: Instance> Instances<I> {
    /// The sink of the instance `p` lies in, created on first use (an instance container
    /// without resources still gives an instance).
    fn events(&mut self, p: &Path) -> Result<InstanceEvents<'_, I>, Error> {
        codec::inside(&self.scope, p)?;
        let Some(iid) = p.instance_id() else {
            return Err(Error::at_path(*p, ErrorKind::Misplaced));
        };
        let instance = self.instances.entry(iid).or_default();
        Ok(InstanceEvents::new(
            Path::instance(I::OBJECT_ID, iid),
            instance,
        ))
    }
}

impl<'a, I: Instance> codec::Sink<'a> for Instances<I> {
    fn value(&mut self, path: Path, value: &RawValue<'a>, time: Option<f64>) -> Result<(), Error> {
        self.events(&path)?.value(path, value, time)
    }
    fn instance(&mut self, path: Path) -> Result<(), Error> {
        self.events(&path)?.instance(path)
    }
    fn multiple(&mut self, path: Path) -> Result<(), Error> {
        self.events(&path)?.multiple(path)
    }
    fn path_only(&mut self, path: Path) -> Result<(), Error> {
        self.events(&path)?.path_only(path)
    }
}

/// Encodes several instances in `format`, addressed to object path `/O`, in the
/// iterator's order.
pub fn encode_instances<'i, I: Instance + 'i>(
    format: ContentFormat,
    path: &Path,
    instances: impl IntoIterator<Item = (u16, &'i I)> + Clone,
) -> Result<Vec<u8>, Error> {
    struct All<It>(It);
    impl<'i, I: Instance + 'i, It: IntoIterator<Item = (u16, &'i I)> + Clone> Encode for All<It> {
        fn encode_to<W: Writer>(&self, w: &mut W) -> Result<(), Error> {
            for (id, i) in self.0.clone() {
                w.begin_instance(id)?;
                i.encode_resources(w)?;
                w.end_instance()?;
            }
            Ok(())
        }
    }
    check_object_path::<I>(path)?;
    codec::encode_to(format, path, &All(instances), Vec::new())
}

/// Reads one resource with its type from a payload of `format` addressed to its path
/// `/O/I/R`.
pub fn read<R: Readable>(
    format: ContentFormat,
    path: &Path,
    bytes: &[u8],
) -> Result<R::Value, Error> {
    check_resource_path::<R>(path)?;
    let mut sink = ReadOne::new(*path);
    codec::decode_to(format, path, bytes, &mut sink)?;
    sink.finish()
}

/// The value of one resource ([`read()`]).
struct ReadOne<V> {
    scope: Path,
    value: V,
    seen: bool,
}

impl<V: ResourceValue> ReadOne<V> {
    fn new(scope: Path) -> Self {
        ReadOne {
            scope,
            value: V::default(),
            seen: false,
        }
    }

    /// The value; a single resource must have had one.
    fn finish(self) -> Result<V, Error> {
        if !self.seen && !V::MULTIPLE {
            return Err(Error::at_path(self.scope, ErrorKind::NoValue));
        }
        Ok(self.value)
    }
}

impl<'a, V: ResourceValue> codec::Sink<'a> for ReadOne<V> {
    fn value(&mut self, path: Path, value: &RawValue<'a>, _: Option<f64>) -> Result<(), Error> {
        codec::inside(&self.scope, &path)?;
        self.value
            .put(path.resource_instance_id(), value)
            .map_err(|k| Error::at_path(path, k))?;
        self.seen = true;
        Ok(())
    }
    fn instance(&mut self, path: Path) -> Result<(), Error> {
        codec::inside(&self.scope, &path)?;
        self.seen = true;
        Ok(())
    }
    fn multiple(&mut self, path: Path) -> Result<(), Error> {
        self.instance(path)
    }
    fn path_only(&mut self, path: Path) -> Result<(), Error> {
        codec::inside(&self.scope, &path)?;
        Err(Error::at_path(path, ErrorKind::PathWithoutValue))
    }
}

/// Encodes one value of a writable resource in `format`, addressed to its path `/O/I/R`.
/// Writing a resource that is not `W`/`RW` does not compile.
pub fn write<R: Writable>(
    format: ContentFormat,
    path: &Path,
    value: &R::Value,
) -> Result<Vec<u8>, Error> {
    struct One<'v, V>(u16, &'v V);
    impl<V: ResourceValue> Encode for One<'_, V> {
        fn encode_to<W: Writer>(&self, w: &mut W) -> Result<(), Error> {
            self.1.emit(self.0, w)
        }
    }
    check_resource_path::<R>(path)?;
    codec::encode_to(format, path, &One(R::ID, value), Vec::new())
}

#[cfg(test)]
mod tests {
    //! The sinks behind `decode_into`, `decode_instances` and `read`, fed events directly
    //! (the rest of the typed layer is tested through the public API in `tests/typed.rs`).

    use alloc::string::String;
    use alloc::vec;

    use super::*;
    use crate::InstanceMap;
    use crate::codec::{Event, Sink};

    /// `/9/I/0` String (optional), `/9/I/1` Integer (multiple).
    #[derive(Clone, Debug, Default, PartialEq)]
    struct Pair {
        name: Option<alloc::string::String>,
        list: InstanceMap<i64>,
    }

    impl InstanceSink for Pair {
        fn set(&mut self, r: u16, ri: Option<u16>, raw: &RawValue<'_>) -> Result<(), ErrorKind> {
            match r {
                0 => field::set_opt(&mut self.name, ri, raw),
                1 => field::set(&mut self.list, ri, raw),
                _ => Ok(()),
            }
        }
        #[inline]
        fn clear_multiple(&mut self, r: u16) -> Result<(), ErrorKind> {
            match r {
                0 => return Err(ErrorKind::NotMultiple),
                1 => self.list.clear(),
                _ => {}
            }
            Ok(())
        }
    }

    impl Instance for Pair {
        const OBJECT_ID: u16 = 9;
        fn encode_resources<W: Writer + ?Sized>(&self, w: &mut W) -> Result<(), Error> {
            field::emit_opt(w, 0, &self.name)?;
            field::emit(w, 1, &self.list)
        }
        fn reset_except(&mut self, keep: &ResourceSet) {
            if !keep.contains(0) {
                self.name = None;
            }
            if !keep.contains(1) {
                self.list.clear();
            }
        }
        fn validate(&self) -> Result<(), Vec<Violation>> {
            Ok(())
        }
    }

    fn value(path: Path, value: RawValue<'static>) -> Event<'static> {
        Event::Value {
            path,
            value,
            time: None,
        }
    }

    fn feed<'a>(sink: &mut impl Sink<'a>, events: Vec<Event<'a>>) -> Result<(), Error> {
        events.into_iter().try_for_each(|e| sink.event(e))
    }

    #[test]
    fn replace_resets_what_the_payload_lacks_and_reuses_buffers() {
        let at = Path::instance(9, 1);
        let name = String::from("a longer text than the next one");
        let (ptr, cap) = (name.as_ptr(), name.capacity());
        let mut p = Pair {
            name: Some(name),
            list: [(0, 1), (1, 2), (2, 3)].into(),
        };
        let mut replace = Replace::new(&mut p);
        let events = vec![
            value(Path::resource(9, 1, 0), RawValue::Str("short".into())),
            // No container: the first instance replaces those present.
            value(Path::resource_instance(9, 1, 1, 7), RawValue::Integer(7)),
        ];
        feed(&mut InstanceEvents::new(at, &mut replace), events).unwrap();
        replace.finish();
        assert_eq!(p.list, [(7, 7)].into());
        let name = p.name.as_ref().unwrap();
        assert_eq!(
            (name.as_str(), name.as_ptr(), name.capacity()),
            ("short", ptr, cap)
        );
        // An empty payload resets everything.
        let mut replace = Replace::new(&mut p);
        feed(&mut InstanceEvents::new(at, &mut replace), vec![]).unwrap();
        replace.finish();
        assert_eq!(p, Pair::default());
        // Instances of a single resource are refused before anything is cleared.
        let mut replace = Replace::new(&mut p);
        let e = replace.set(0, Some(1), &RawValue::Integer(1)).unwrap_err();
        assert_eq!(e, ErrorKind::NotMultiple);
    }

    #[test]
    fn many_resources_and_instances_take_linear_time() {
        // Every resource ID a payload can name, unknown ones included, then the instances of
        // resource 1 in descending order.
        let at = Path::instance(9, 0);
        let mut events: Vec<Event<'static>> = (2..u16::MAX)
            .map(|r| value(Path::resource(9, 0, r), RawValue::Integer(1)))
            .collect();
        events.extend(
            (0..u16::MAX)
                .rev()
                .map(|ri| value(Path::resource_instance(9, 0, 1, ri), RawValue::Integer(2))),
        );
        let mut p = Pair::default();
        let mut replace = Replace::new(&mut p);
        feed(&mut InstanceEvents::new(at, &mut replace), events).unwrap();
        assert_eq!(replace.seen.high.len(), usize::from(u16::MAX) - 64);
        replace.finish();
        assert_eq!((p.name, p.list.len()), (None, usize::from(u16::MAX)));
        assert_eq!(p.list.first(), Some((0, &2)));
    }

    #[test]
    fn instances_by_id_with_empty_ones() {
        let mut all = Instances::<Pair>::new(Path::object(9));
        let events = vec![
            Event::Instance(Path::instance(9, 4)),
            value(Path::resource(9, 4, 0), RawValue::Str("x".into())),
            Event::Instance(Path::instance(9, 7)),
        ];
        feed(&mut all, events).unwrap();
        assert_eq!(all.instances.keys().copied().collect::<Vec<_>>(), [4, 7]);
        assert_eq!(all.instances[&4].name.as_deref(), Some("x"));
        assert_eq!(all.instances[&7], Pair::default());
        let e = feed(&mut all, vec![Event::Instance(Path::instance(8, 0))]).unwrap_err();
        assert_eq!(e.kind(), &ErrorKind::OutsidePath);
        let e = feed(&mut all, vec![Event::MultipleResource(Path::object(9))]).unwrap_err();
        assert_eq!(e.kind(), &ErrorKind::Misplaced);
    }

    #[test]
    fn read_one_resource() {
        let at = Path::resource(9, 0, 0);
        let mut one = ReadOne::<String>::new(at);
        feed(&mut one, vec![value(at, RawValue::Text("x"))]).unwrap();
        assert_eq!(one.finish(), Ok(String::from("x")));
        let e = ReadOne::<i64>::new(at).finish().unwrap_err();
        assert_eq!((e.kind(), e.path()), (&ErrorKind::NoValue, Some(at)));
        // A multiple resource may have no instance.
        let at = Path::resource(9, 0, 1);
        assert_eq!(
            ReadOne::<InstanceMap<i64>>::new(at).finish(),
            Ok(InstanceMap::new())
        );
        let mut many = ReadOne::<InstanceMap<i64>>::new(at);
        let ri = Path::resource_instance(9, 0, 1, 4);
        let events = vec![Event::MultipleResource(at), value(ri, RawValue::Integer(5))];
        feed(&mut many, events).unwrap();
        assert_eq!(many.finish(), Ok([(4, 5)].into()));
        let mut other = ReadOne::<i64>::new(at);
        let e = feed(
            &mut other,
            vec![value(Path::resource(9, 0, 0), RawValue::Integer(1))],
        );
        assert_eq!(e.unwrap_err().kind(), &ErrorKind::OutsidePath);
        let e = feed(&mut other, vec![Event::PathOnly(at)]).unwrap_err();
        assert_eq!(e.kind(), &ErrorKind::PathWithoutValue);
    }
}
