//! The client side: a [`Host`] of typed object instances that registers with a server,
//! answers its requests and notifies its observations, sans-IO (the caller moves the
//! CoAP messages and passes the time).

mod observe;
mod register;
mod send;
mod store;
mod wire;

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use ucifi_runtime::codec::link_format::{Attribute, LinkEntry, discover_payload};
use ucifi_runtime::codec::{self, WriteMode};
use ucifi_runtime::typed::ObjectType;
use ucifi_runtime::{ContentFormat, DataType, Path, Version};

pub use observe::NotificationAttributes;
pub use send::SendBuilder;

use crate::{Error, ErrorKind, ResponseCode, default_version};
use observe::Last;
use store::{Store, TypedStore};

/// An LwM2M client's objects: typed instances of generated object types (and of vendor
/// types generated the same way), the Register payload they make, and the answers to a
/// server's requests.
///
/// * The application adds instances ([`add`](Host::add)), declares objects it hosts
///   without instances ([`declare`](Host::declare)), and changes values through
///   [`instance_mut`](Host::instance_mut).
/// * [`register_request`](Host::register_request), [`registered`](Host::registered),
///   [`update_request`](Host::update_request) and
///   [`deregister_request`](Host::deregister_request) speak to the registration
///   interface (`/rd`).
/// * [`handle`](Host::handle) answers a server's request: Read, Discover, Write (replace
///   and partial update), Write-Attributes, Execute, Create, Delete, Observe and its
///   cancellation, Read-Composite, Observe-Composite and Write-Composite.
/// * [`notifications`](Host::notifications) gives the notifications due at a time,
///   [`next_due`](Host::next_due) when the next one will be.
///
/// Read and Observe answer in the format the Accept option names; without one, in
/// text/plain for a single-value resource (application/octet-stream for an Opaque one)
/// and otherwise in TLV for an LwM2M 1.0 host and SenML CBOR from 1.1 on: the formats
/// every server of that version reads.
pub struct Host {
    endpoint: String,
    lwm2m: Version,
    lifetime: u32,
    binding: String,
    content_formats: Vec<u16>,
    objects: BTreeMap<u16, Box<dyn Store>>,
    attributes: BTreeMap<Path, NotificationAttributes>,
    observations: BTreeMap<Vec<u8>, Observation>,
    location: Option<Vec<String>>,
    message_id: u16,
}

impl core::fmt::Debug for Host {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Host")
            .field("endpoint", &self.endpoint)
            .field("lwm2m", &self.lwm2m)
            .field("objects", &self.register_payload())
            .field("observations", &self.observations.len())
            .field("location", &self.location)
            .finish_non_exhaustive()
    }
}

/// One observation: its target, format and what it last notified.
struct Observation {
    path: Path,
    format: ContentFormat,
    // For an Observe-Composite: the format and payload of its path list.
    composite: Option<(ContentFormat, Vec<u8>)>,
    sequence: u32,
    last: Last,
    // The message ID of the last notification, which a Reset names.
    message_id: Option<u16>,
}

impl Host {
    /// A host for endpoint `endpoint` speaking LwM2M `lwm2m` (1.0, 1.1, 1.2), with the
    /// default lifetime (86400 s), binding `U` and no objects.
    pub fn new(endpoint: impl Into<String>, lwm2m: Version) -> Host {
        Host {
            endpoint: endpoint.into(),
            lwm2m,
            lifetime: crate::DEFAULT_LIFETIME,
            binding: "U".into(),
            content_formats: Vec::new(),
            objects: BTreeMap::new(),
            attributes: BTreeMap::new(),
            observations: BTreeMap::new(),
            location: None,
            message_id: 0,
        }
    }

    /// Sets the lifetime announced at registration (`lt`), in seconds.
    pub fn set_lifetime(&mut self, seconds: u32) {
        self.lifetime = seconds;
    }

    /// Sets the binding announced at registration (`b`).
    pub fn set_binding(&mut self, binding: impl Into<String>) {
        self.binding = binding.into();
    }

    /// Announces content formats at registration (`</>;rt="oma.lwm2m";ct=...`); none by
    /// default.
    pub fn announce_content_formats(&mut self, formats: &[ContentFormat]) {
        self.content_formats = formats.iter().map(|f| f.number()).collect();
    }

    /// Sets the message ID the host gives the next message it starts itself (a
    /// notification, a response to a non-confirmable request); it counts up from there.
    pub fn set_message_id(&mut self, id: u16) {
        self.message_id = id;
    }

    fn next_message_id(&mut self) -> u16 {
        let id = self.message_id;
        self.message_id = id.wrapping_add(1);
        id
    }

    /// The LwM2M enabler version the host speaks.
    pub fn lwm2m_version(&self) -> Version {
        self.lwm2m
    }

    /// The store of `T`, created when the object has none yet.
    fn store_mut<T: ObjectType>(&mut self) -> Result<&mut TypedStore<T>, Error> {
        let store = self
            .objects
            .entry(T::OBJECT_ID)
            .or_insert_with(|| Box::new(TypedStore::<T>::new()));
        let registered = store.model().version;
        store
            .as_any_mut()
            .downcast_mut::<TypedStore<T>>()
            .ok_or_else(|| {
                ErrorKind::VersionMismatch {
                    id: T::OBJECT_ID,
                    registered,
                    requested: T::VERSION,
                }
                .into()
            })
    }

    fn store<T: ObjectType>(&self) -> Option<&TypedStore<T>> {
        self.objects
            .get(&T::OBJECT_ID)?
            .as_any()
            .downcast_ref::<TypedStore<T>>()
    }

    /// Hosts object `T` without instances (it registers as `</O>`); nothing happens when
    /// it is hosted already.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::VersionMismatch`] when the host has the object at another version.
    pub fn declare<T: ObjectType>(&mut self) -> Result<(), Error> {
        self.store_mut::<T>().map(|_| ())
    }

    /// Adds instance `id` of `T`, or replaces it; the instance it replaces.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::VersionMismatch`] when the host has the object at another version.
    pub fn add<T: ObjectType>(&mut self, id: u16, instance: T) -> Result<Option<T>, Error> {
        Ok(self.store_mut::<T>()?.instances.insert(id, instance))
    }

    /// Removes instance `id` of `T`, with its attributes and observations.
    pub fn remove<T: ObjectType>(&mut self, id: u16) -> Option<T> {
        let removed = self.store_mut::<T>().ok()?.instances.remove(&id);
        if removed.is_some() {
            self.forget(&Path::instance(T::OBJECT_ID, id));
        }
        removed
    }

    /// Instance `id` of `T`.
    pub fn instance<T: ObjectType>(&self, id: u16) -> Option<&T> {
        self.store::<T>()?.instances.get(&id)
    }

    /// Instance `id` of `T`, to change its values (observations see the change at the
    /// next [`notifications`](Host::notifications)).
    pub fn instance_mut<T: ObjectType>(&mut self, id: u16) -> Option<&mut T> {
        self.store_mut::<T>().ok()?.instances.get_mut(&id)
    }

    /// Every instance of `T`, by ID.
    pub fn instances<T: ObjectType>(&self) -> impl Iterator<Item = (u16, &T)> {
        self.store::<T>()
            .into_iter()
            .flat_map(|s| s.instances.iter().map(|(id, i)| (*id, i)))
    }

    /// Sets what an Execute on an executable resource of `T` runs: `handler(instance,
    /// instance_id, resource_id, arguments)`, the generated `Execute::from_id` naming the
    /// resource. An `Err` is the code the host answers with. Without a handler, an
    /// Execute answers 4.04 (the executable resources are not implemented).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::VersionMismatch`] when the host has the object at another version.
    pub fn on_execute<T: ObjectType>(
        &mut self,
        handler: impl FnMut(&mut T, u16, u16, &str) -> Result<(), ResponseCode> + 'static,
    ) -> Result<(), Error> {
        self.store_mut::<T>()?.execute = Some(Box::new(handler));
        Ok(())
    }

    /// The notification attributes set on `path` itself (not inherited).
    pub fn attributes(&self, path: &Path) -> NotificationAttributes {
        self.attributes.get(path).copied().unwrap_or_default()
    }

    /// The attributes in force at `path`: its own, completed by those of the levels above
    /// (resource, instance, object), then by the server's defaults: the Default Minimum
    /// and Maximum Period (resources 2 and 3) of the first LwM2M Server instance (object
    /// 1) the host holds.
    pub fn effective_attributes(&self, path: &Path) -> NotificationAttributes {
        let mut out = self.attributes(path);
        let mut at = *path;
        while let Some(parent) = at.parent().filter(|p| !p.is_empty()) {
            out = out.inherit(&self.attributes(&parent));
            at = parent;
        }
        out.inherit(&self.server_defaults())
    }

    /// `pmin` and `pmax` from the first LwM2M Server instance, where it has them.
    fn server_defaults(&self) -> NotificationAttributes {
        let Some(i) = self
            .objects
            .get(&1)
            .and_then(|s| s.instance_ids().first().copied())
        else {
            return NotificationAttributes::default();
        };
        let period = |r: u16| -> Option<u32> {
            let (_, text) = self
                .read(&Path::resource(1, i, r), Some(ContentFormat::Text))
                .ok()?;
            core::str::from_utf8(&text).ok()?.parse().ok()
        };
        NotificationAttributes {
            pmin: period(2),
            pmax: period(3),
            ..NotificationAttributes::default()
        }
    }

    /// Drops the attributes and observations at and below `path` (a deleted instance).
    fn forget(&mut self, path: &Path) {
        self.attributes.retain(|p, _| !path.contains(p));
        self.observations.retain(|_, o| !path.contains(&o.path));
    }

    /// The format a Read or Observe of `path` answers in without an Accept option.
    pub fn default_format(&self, path: &Path) -> ContentFormat {
        let single = path.len() == 4
            || (path.len() == 3 && self.resource_model(path).is_some_and(|r| !r.multiple));
        if single {
            let opaque = self
                .resource_model(path)
                .is_some_and(|r| r.data_type == DataType::Opaque);
            return if opaque {
                ContentFormat::Opaque
            } else {
                ContentFormat::Text
            };
        }
        if self.lwm2m == Version::V1_0 {
            ContentFormat::Tlv
        } else {
            ContentFormat::SenmlCbor
        }
    }

    fn resource_model(&self, path: &Path) -> Option<&'static ucifi_runtime::ResourceModel> {
        let model = self.objects.get(&path.object_id()?)?.model();
        model.resource(path.resource_id()?)
    }

    fn object(&self, path: &Path) -> Result<&dyn Store, Error> {
        let id = path.object_id().ok_or(ErrorKind::MethodNotAllowed(*path))?;
        self.objects
            .get(&id)
            .map(|s| &**s)
            .ok_or_else(|| ErrorKind::NotFound(Path::object(id)).into())
    }

    fn object_mut(&mut self, path: &Path) -> Result<&mut dyn Store, Error> {
        let id = path.object_id().ok_or(ErrorKind::MethodNotAllowed(*path))?;
        match self.objects.get_mut(&id) {
            Some(s) => Ok(&mut **s),
            None => Err(ErrorKind::NotFound(Path::object(id)).into()),
        }
    }

    /// Reads `path` (`/O`, `/O/I`, `/O/I/R`, `/O/I/R/RI`) in `format`, else the
    /// [`default_format`](Host::default_format): the readable resources only.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NotFound`] for a target that does not exist (an absent optional
    /// resource too); [`ErrorKind::MethodNotAllowed`] for a resource that is not readable
    /// or the root; [`ErrorKind::Codec`] `Unsupported` (4.06) for a format that cannot
    /// carry the target.
    pub fn read(
        &self,
        path: &Path,
        format: Option<ContentFormat>,
    ) -> Result<(ContentFormat, Vec<u8>), Error> {
        let format = format.unwrap_or_else(|| self.default_format(path));
        let bytes = self.object(path)?.read(path, format)?;
        Ok((format, bytes))
    }

    /// Discover of `path` (`/O`, `/O/I`, `/O/I/R`), as link format: the object (with
    /// `ver` when not the default), its instances and the resources each holds (`dim`
    /// for a multiple resource), below the target, each with the attributes set on it.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NotFound`] for a target that does not exist;
    /// [`ErrorKind::MethodNotAllowed`] for the root or a resource instance.
    pub fn discover(&self, path: &Path) -> Result<String, Error> {
        let store = self.object(path)?;
        if path.len() > 3 {
            return Err(ErrorKind::MethodNotAllowed(*path).into());
        }
        let model = store.model();
        let o = model.id;
        let entry = |p: Path, first: Option<Attribute>| {
            let mut e = LinkEntry::new(p);
            e.attributes.extend(first);
            e.attributes.extend(self.attributes(&p).to_attributes());
            e
        };
        let mut entries = Vec::new();
        if path.len() == 1 {
            let ver = (model.version != default_version(o, self.lwm2m)).then_some(model.version);
            entries.push(entry(*path, ver.map(Attribute::Ver)));
        }
        let instances = match path.instance_id() {
            Some(i) if store.contains(i) => alloc::vec![i],
            Some(_) => return Err(ErrorKind::NotFound(*path).into()),
            None => store.instance_ids(),
        };
        for i in instances {
            if path.len() <= 2 {
                entries.push(entry(Path::instance(o, i), None));
            }
            let mut found = false;
            for (r, dim) in store.present(i) {
                if path.resource_id().is_some_and(|want| want != r) {
                    continue;
                }
                found = true;
                let dim = dim.map(|n| Attribute::Dim(u8::try_from(n).unwrap_or(u8::MAX)));
                entries.push(entry(Path::resource(o, i, r), dim));
            }
            if path.len() == 3 && !found {
                return Err(ErrorKind::NotFound(*path).into());
            }
        }
        Ok(discover_payload(&entries))
    }

    /// A server's Write of `bytes` in `format` to `path` (`/O/I`, `/O/I/R`,
    /// `/O/I/R/RI`), checked by the model and applied all or nothing
    /// ([`ObjectType::write`]).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NotFound`]; [`ErrorKind::MethodNotAllowed`] at the root or an object;
    /// [`ErrorKind::UnsupportedContentFormat`] for a format that cannot carry the target;
    /// [`ErrorKind::Codec`]: `NotWritable`, `Executable` (4.05), `Invalid`, `Value` and
    /// the payload's own errors (4.00).
    pub fn write(
        &mut self,
        mode: WriteMode,
        path: &Path,
        format: ContentFormat,
        bytes: &[u8],
    ) -> Result<(), Error> {
        if path.len() < 2 {
            self.object(path)?;
            return Err(ErrorKind::MethodNotAllowed(*path).into());
        }
        if !writable_format(format) {
            return Err(ErrorKind::UnsupportedContentFormat(format.number()).into());
        }
        self.object_mut(path)?.write(mode, format, path, bytes)
    }

    /// A server's Create in object `object` from `bytes` in `format`: the instance ID the
    /// payload names, or for an empty payload or a TLV payload of bare resources the
    /// lowest free one. The payload is checked like a Write.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NotFound`] for an object not hosted; [`ErrorKind::MethodNotAllowed`]
    /// for a single-instance object that has its instance; [`ErrorKind::Codec`]
    /// `DuplicatePath` for an instance that exists, `CountMismatch` for a payload of no
    /// or several instances, and the errors of a Write.
    pub fn create(
        &mut self,
        object: u16,
        format: ContentFormat,
        bytes: &[u8],
    ) -> Result<u16, Error> {
        if !writable_format(format) {
            return Err(ErrorKind::UnsupportedContentFormat(format.number()).into());
        }
        self.object_mut(&Path::object(object))?
            .create(format, bytes)
    }

    /// A server's Delete of `path`, an instance; its attributes and observations go too.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NotFound`]; [`ErrorKind::MethodNotAllowed`] for a path that is no
    /// instance.
    pub fn delete(&mut self, path: &Path) -> Result<(), Error> {
        let store = self.object_mut(path)?;
        let Some(id) = path.instance_id().filter(|_| path.len() == 2) else {
            return Err(ErrorKind::MethodNotAllowed(*path).into());
        };
        if !store.delete(id) {
            return Err(ErrorKind::NotFound(*path).into());
        }
        self.forget(path);
        Ok(())
    }

    /// A server's Execute of resource `path` (`/O/I/R`) with `arguments`, through the
    /// handler set with [`on_execute`](Host::on_execute).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NotFound`] (also without a handler); [`ErrorKind::MethodNotAllowed`]
    /// for a path that is no resource or a resource that is not executable;
    /// [`ErrorKind::Response`] with the handler's code.
    pub fn execute(&mut self, path: &Path, arguments: &str) -> Result<(), Error> {
        let store = self.object_mut(path)?;
        let (Some(i), Some(r), 3) = (path.instance_id(), path.resource_id(), path.len()) else {
            return Err(ErrorKind::MethodNotAllowed(*path).into());
        };
        store.execute(i, r, arguments)
    }

    /// A server's Write-Attributes on `path` from its Uri-Query options
    /// ([`NotificationAttributes::apply_query`]); `gt`, `lt` and `st` only on a numeric
    /// resource.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NotFound`] for a target the host does not have (a resource the model
    /// does not define); [`ErrorKind::InvalidQuery`] (4.00) for attributes that are not
    /// valid there; nothing changes then.
    pub fn write_attributes<'q>(
        &mut self,
        path: &Path,
        query: impl IntoIterator<Item = &'q str>,
    ) -> Result<(), Error> {
        let store = self.object(path)?;
        if let Some(i) = path.instance_id()
            && !store.contains(i)
        {
            return Err(ErrorKind::NotFound(*path).into());
        }
        let numeric = match path.resource_id() {
            Some(r) => {
                let model = store
                    .model()
                    .resource(r)
                    .ok_or(ErrorKind::NotFound(*path))?;
                if path.len() == 4 && !model.multiple {
                    return Err(ErrorKind::NotFound(*path).into());
                }
                matches!(
                    model.data_type,
                    DataType::Integer | DataType::UnsignedInteger | DataType::Float
                )
            }
            None => false,
        };
        let mut a = self.attributes(path);
        a.apply_query(query)?;
        if a.has_thresholds() && !numeric {
            return Err(
                ErrorKind::InvalidQuery("gt, lt and st need a numeric resource".into()).into(),
            );
        }
        if a.is_empty() {
            self.attributes.remove(path);
        } else {
            self.attributes.insert(*path, a);
        }
        Ok(())
    }

    /// A server's Read-Composite: `request` lists paths (SenML records without values,
    /// in `format`, SenML JSON or CBOR); the answer holds the readable values at and
    /// below each, in `accept` (SenML JSON, SenML CBOR or LwM2M CBOR), else in `format`.
    /// A path the host does not have contributes nothing.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::UnsupportedContentFormat`] for a request in another format;
    /// [`ErrorKind::NotAcceptable`] for another `accept`; [`ErrorKind::Codec`] for a
    /// request that does not decode or carries values (4.00).
    pub fn read_composite(
        &self,
        format: ContentFormat,
        request: &[u8],
        accept: Option<ContentFormat>,
    ) -> Result<(ContentFormat, Vec<u8>), Error> {
        let paths = self.decode_records(format, request)?;
        let answer = accept.unwrap_or(format);
        if !matches!(
            answer,
            ContentFormat::SenmlJson | ContentFormat::SenmlCbor | ContentFormat::Lwm2mCbor
        ) {
            return Err(ErrorKind::NotAcceptable(answer.number()).into());
        }
        let mut records = Vec::new();
        for r in paths {
            if r.value.is_some() {
                return Err(codec::Error::at_path(r.path, codec::ErrorKind::Misplaced).into());
            }
            if let Some(store) = r.path.object_id().and_then(|o| self.objects.get(&o)) {
                records.extend(store.records(&r.path));
            }
        }
        let payload = match answer {
            ContentFormat::SenmlJson => codec::senml_json::encode_records(&records)?,
            ContentFormat::SenmlCbor => codec::senml_cbor::encode_records(&records)?,
            _ => {
                let leaves: Vec<(Path, ucifi_runtime::Value)> = records
                    .into_iter()
                    .filter_map(|r| Some((r.path, r.value?)))
                    .collect();
                codec::lwm2m_cbor::encode_leaves(&leaves)?
            }
        };
        Ok((answer, payload))
    }

    /// A server's Write-Composite: values at resource and resource-instance paths of
    /// several instances (SenML JSON or CBOR), each instance's checked by the model like
    /// a partial-update Write, applied only when all pass.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::UnsupportedContentFormat`] for another format;
    /// [`ErrorKind::NotFound`] for an object or instance the host does not have; the
    /// errors of [`write`](Host::write); nothing changes then.
    pub fn write_composite(&mut self, format: ContentFormat, payload: &[u8]) -> Result<(), Error> {
        // The values of each instance, as one SenML CBOR payload for its Write.
        let mut by_instance: BTreeMap<Path, Vec<codec::senml::Record>> = BTreeMap::new();
        for r in self.decode_records(format, payload)? {
            let ids = r.path.ids();
            if ids.len() < 3 || r.value.is_none() {
                return Err(codec::Error::at_path(r.path, codec::ErrorKind::Misplaced).into());
            }
            by_instance
                .entry(Path::instance(ids[0], ids[1]))
                .or_default()
                .push(r);
        }
        let mut writes = Vec::with_capacity(by_instance.len());
        for (at, records) in by_instance {
            let bytes = codec::senml_cbor::encode_records(&records)?;
            let store = self.object(&at)?;
            store.check_write(
                WriteMode::PartialUpdate,
                ContentFormat::SenmlCbor,
                &at,
                &bytes,
            )?;
            writes.push((at, bytes));
        }
        for (at, bytes) in writes {
            self.object_mut(&at)?.write(
                WriteMode::PartialUpdate,
                ContentFormat::SenmlCbor,
                &at,
                &bytes,
            )?;
        }
        Ok(())
    }

    /// The records of a composite payload, typed by the hosted models.
    fn decode_records(
        &self,
        format: ContentFormat,
        payload: &[u8],
    ) -> Result<Vec<codec::senml::Record>, Error> {
        let types = HostedTypes(&self.objects);
        match format {
            ContentFormat::SenmlJson => Ok(codec::senml_json::decode_records(payload, &types)?),
            ContentFormat::SenmlCbor => Ok(codec::senml_cbor::decode_records(payload, &types)?),
            other => Err(ErrorKind::UnsupportedContentFormat(other.number()).into()),
        }
    }

    /// The value of a single numeric resource at `path` (for `gt`, `lt`, `st`).
    fn number(&self, path: &Path) -> Option<f64> {
        let model = self.resource_model(path)?;
        let numeric = matches!(
            model.data_type,
            DataType::Integer | DataType::UnsignedInteger | DataType::Float
        );
        if !numeric || (path.len() == 3 && model.multiple) {
            return None;
        }
        let (_, text) = self.read(path, Some(ContentFormat::Text)).ok()?;
        core::str::from_utf8(&text).ok()?.parse().ok()
    }

    /// The number of observations.
    pub fn observation_count(&self) -> usize {
        self.observations.len()
    }

    /// Ends the observation whose notifications carry `token`: the server rejected one
    /// (a Reset the message layer reported) or it could not be delivered. Whether there
    /// was one.
    pub fn cancel_observation(&mut self, token: &[u8]) -> bool {
        self.observations.remove(token).is_some()
    }
}

/// The data types of the hosted objects' resources.
struct HostedTypes<'a>(&'a BTreeMap<u16, Box<dyn Store>>);

impl codec::TypeLookup for HostedTypes<'_> {
    fn resource_type(&self, object: u16, resource: u16) -> Option<(DataType, bool)> {
        let r = self.0.get(&object)?.model().resource(resource)?;
        Some((r.data_type, r.multiple))
    }
}

/// The formats a Write or Create payload may come in.
fn writable_format(format: ContentFormat) -> bool {
    !matches!(format, ContentFormat::LinkFormat)
}
