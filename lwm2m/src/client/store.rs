//! The instances of one object type, behind a dyn-safe trait so a host keeps objects of
//! any generated type side by side.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use core::any::Any;

use ucifi_runtime::codec::senml::Record;
use ucifi_runtime::codec::{self, Encode, ErrorKind as CodecKind, WriteMode, Writer};
use ucifi_runtime::typed::{self, Instance, ObjectType, WriteView};
use ucifi_runtime::{ContentFormat, ObjectModel, Path, ValueRef};

use crate::{Error, ErrorKind, ResponseCode};

/// A [`Writer`] turning the resources of instance `at` into records, with `time`.
pub(crate) struct Values<'r> {
    at: Path,
    multiple: Option<u16>,
    records: &'r mut Vec<Record>,
    pub(crate) time: Option<f64>,
}

impl<'r> Values<'r> {
    /// Records of instance `at` (`/O/I`), appended to `records`.
    pub(crate) fn new(at: Path, records: &'r mut Vec<Record>) -> Self {
        Values {
            at,
            multiple: None,
            records,
            time: None,
        }
    }
}

impl Writer for Values<'_> {
    fn begin_instance(&mut self, _: u16) -> Result<(), codec::Error> {
        Ok(())
    }
    fn end_instance(&mut self) -> Result<(), codec::Error> {
        Ok(())
    }
    fn begin_multiple(&mut self, id: u16, _: usize) -> Result<(), codec::Error> {
        self.multiple = Some(id);
        Ok(())
    }
    fn end_multiple(&mut self) -> Result<(), codec::Error> {
        self.multiple = None;
        Ok(())
    }
    fn value(&mut self, id: u16, value: ValueRef<'_>) -> Result<(), codec::Error> {
        let ids = self.at.ids();
        let (o, i) = (ids[0], ids.get(1).copied().unwrap_or_default());
        let path = match self.multiple {
            Some(r) => Path::resource_instance(o, i, r, id),
            None => Path::resource(o, i, id),
        };
        self.records.push(Record {
            path,
            value: Some(value.to_owned_value()),
            time: self.time,
        });
        Ok(())
    }
}

/// What the application runs for an Execute: the instance, its ID, the resource ID and
/// the argument text. An `Err` is the code the host answers with.
pub(crate) type ExecuteFn<T> = Box<dyn FnMut(&mut T, u16, u16, &str) -> Result<(), ResponseCode>>;

/// One resource an instance holds: its ID, and for a multiple resource its number of
/// resource instances.
pub(crate) type Present = (u16, Option<usize>);

/// The operations a host runs on the instances of one object, whatever their type.
pub(crate) trait Store: Any {
    /// The object model of the hosted version.
    fn model(&self) -> &'static ObjectModel;
    /// The instance IDs, ascending.
    fn instance_ids(&self) -> Vec<u16>;
    /// Whether instance `id` exists.
    fn contains(&self, id: u16) -> bool;
    /// Encodes the readable content at `path` (`/O`, `/O/I`, `/O/I/R`, `/O/I/R/RI`).
    fn read(&self, path: &Path, format: ContentFormat) -> Result<Vec<u8>, Error>;
    /// The resources instance `id` holds, by ID, with the executable resources when an
    /// Execute handler is set.
    fn present(&self, id: u16) -> Vec<Present>;
    /// A server's Write at `path` (`/O/I` or below), all or nothing.
    fn write(
        &mut self,
        mode: WriteMode,
        format: ContentFormat,
        path: &Path,
        bytes: &[u8],
    ) -> Result<(), Error>;
    /// Whether [`write`](Store::write) would succeed, changing nothing.
    fn check_write(
        &self,
        mode: WriteMode,
        format: ContentFormat,
        path: &Path,
        bytes: &[u8],
    ) -> Result<(), Error>;
    /// The readable values at and below `path` (`/O`, `/O/I`, `/O/I/R`, `/O/I/R/RI`), as
    /// records without time; none for a target that does not exist.
    fn records(&self, path: &Path) -> Vec<Record>;
    /// A server's Create: the new instance's ID.
    fn create(&mut self, format: ContentFormat, bytes: &[u8]) -> Result<u16, Error>;
    /// Removes instance `id`; whether it existed.
    fn delete(&mut self, id: u16) -> bool;
    /// Runs the Execute handler on resource `resource` of instance `id`.
    fn execute(&mut self, id: u16, resource: u16, arguments: &str) -> Result<(), Error>;
    /// The store as `Any`, to reach its typed instances.
    fn as_any(&self) -> &dyn Any;
    /// The store as `Any`, mutable.
    fn as_any_mut(&mut self) -> &mut dyn Any;
}

/// The instances of object type `T`, by ID.
pub(crate) struct TypedStore<T: ObjectType> {
    pub(crate) instances: BTreeMap<u16, T>,
    pub(crate) execute: Option<ExecuteFn<T>>,
}

impl<T: ObjectType> TypedStore<T> {
    pub(crate) fn new() -> Self {
        TypedStore {
            instances: BTreeMap::new(),
            execute: None,
        }
    }

    fn instance(&self, path: &Path) -> Result<&T, Error> {
        let id = path.instance_id().unwrap_or_default();
        self.instances
            .get(&id)
            .ok_or_else(|| ErrorKind::NotFound(Path::instance(T::OBJECT_ID, id)).into())
    }
}

/// The model of the resource `path` names, when `T` defines it (and a resource instance
/// only of a multiple resource).
fn check_resource<T: ObjectType>(
    path: &Path,
) -> Result<&'static ucifi_runtime::ResourceModel, Error> {
    let id = path.resource_id().unwrap_or_default();
    let r = T::MODEL.resource(id).ok_or_else(|| {
        Error::new(ErrorKind::NotFound(Path::resource(
            T::OBJECT_ID,
            path.instance_id().unwrap_or_default(),
            id,
        )))
    })?;
    if path.resource_instance_id().is_some() && !r.multiple {
        return Err(ErrorKind::NotFound(*path).into());
    }
    Ok(r)
}

impl<T: ObjectType> Store for TypedStore<T> {
    fn model(&self) -> &'static ObjectModel {
        T::MODEL
    }

    fn instance_ids(&self) -> Vec<u16> {
        self.instances.keys().copied().collect()
    }

    fn contains(&self, id: u16) -> bool {
        self.instances.contains_key(&id)
    }

    fn read(&self, path: &Path, format: ContentFormat) -> Result<Vec<u8>, Error> {
        let readable = Readable::<T> {
            model: T::MODEL,
            one: None,
            all: &self.instances,
        };
        if path.len() == 1 {
            return Ok(codec::encode_to(format, path, &readable, Vec::new())?);
        }
        let instance = self.instance(path)?;
        if path.len() == 2 {
            let one = Readable {
                one: Some(instance),
                ..readable
            };
            return Ok(codec::encode_to(format, path, &one, Vec::new())?);
        }
        if !check_resource::<T>(path)?.operations.readable() {
            return Err(ErrorKind::MethodNotAllowed(*path).into());
        }
        instance.encode(format, path).map_err(|e| match e.kind() {
            CodecKind::NoValue => ErrorKind::NotFound(*path).into(),
            _ => e.into(),
        })
    }

    fn present(&self, id: u16) -> Vec<Present> {
        let mut found = PresentResources::default();
        if let Some(i) = self.instances.get(&id) {
            // The collecting writer fails on nothing.
            let _ = i.encode_resources(&mut found);
        }
        if self.execute.is_some() {
            found.list.extend(
                T::MODEL
                    .resources
                    .iter()
                    .filter(|r| r.operations.executable())
                    .map(|r| (r.id, None)),
            );
            found.list.sort_by_key(|p| p.0);
        }
        found.list
    }

    fn write(
        &mut self,
        mode: WriteMode,
        format: ContentFormat,
        path: &Path,
        bytes: &[u8],
    ) -> Result<(), Error> {
        self.instance(path)?;
        if path.len() >= 3 {
            check_resource::<T>(path)?;
        }
        let id = path.instance_id().unwrap_or_default();
        let Some(instance) = self.instances.get_mut(&id) else {
            return Err(ErrorKind::NotFound(*path).into());
        };
        instance
            .write(mode, format, path, bytes)
            .map_err(|e| write_error(e, format))
    }

    fn check_write(
        &self,
        mode: WriteMode,
        format: ContentFormat,
        path: &Path,
        bytes: &[u8],
    ) -> Result<(), Error> {
        let mut copy = TypedStore::<T>::new();
        let id = path.instance_id().unwrap_or_default();
        if let Some(i) = self.instances.get(&id) {
            copy.instances.insert(id, i.clone());
        }
        copy.write(mode, format, path, bytes)
    }

    fn records(&self, path: &Path) -> Vec<Record> {
        let mut out = Vec::new();
        let chosen = self
            .instances
            .iter()
            .filter(|(id, _)| path.instance_id().is_none_or(|want| want == **id));
        for (&id, instance) in chosen {
            let mut values = Values::new(Path::instance(T::OBJECT_ID, id), &mut out);
            let mut only = OnlyReadable {
                w: &mut values,
                model: T::MODEL,
                inside: None,
            };
            // Collecting records fails on nothing.
            let _ = instance.encode_resources(&mut only);
        }
        out.retain(|r| path.contains(&r.path));
        out
    }

    fn create(&mut self, format: ContentFormat, bytes: &[u8]) -> Result<u16, Error> {
        let object = Path::object(T::OBJECT_ID);
        if !T::MODEL.multiple && !self.instances.is_empty() {
            return Err(ErrorKind::MethodNotAllowed(object).into());
        }
        let free = (0..=u16::MAX - 1)
            .find(|id| !self.instances.contains_key(id))
            .ok_or(ErrorKind::MethodNotAllowed(object))?;
        // No payload, or a TLV payload of resources without an instance around them: the
        // lowest free ID.
        let bare_tlv = format == ContentFormat::Tlv && bytes.first().is_some_and(|b| b >> 6 != 0);
        let (id, view) = if bytes.is_empty() {
            (free, T::Write::default())
        } else if bare_tlv {
            let at = Path::instance(T::OBJECT_ID, free);
            let view = T::Write::decode(format, &at, bytes).map_err(|e| write_error(e, format))?;
            (free, view)
        } else {
            let mut views = typed::decode_instances::<T::Write>(format, &object, bytes)
                .map_err(|e| write_error(e, format))?;
            let first = views.pop_first();
            match first {
                Some((id, view)) if views.is_empty() => (id, view),
                // None, or more than one instance: not a Create.
                _ => return Err(codec::Error::at_path(object, CodecKind::CountMismatch).into()),
            }
        };
        if id == u16::MAX {
            return Err(codec::Error::at_path(object, CodecKind::ReservedId).into());
        }
        if self.instances.contains_key(&id) {
            return Err(codec::Error::at_path(
                Path::instance(T::OBJECT_ID, id),
                CodecKind::DuplicatePath,
            )
            .into());
        }
        let mut instance = T::default();
        view.apply_to(&mut instance);
        self.instances.insert(id, instance);
        Ok(id)
    }

    fn delete(&mut self, id: u16) -> bool {
        self.instances.remove(&id).is_some()
    }

    fn execute(&mut self, id: u16, resource: u16, arguments: &str) -> Result<(), Error> {
        let path = Path::resource(T::OBJECT_ID, id, resource);
        let instance = self
            .instances
            .get_mut(&id)
            .ok_or(ErrorKind::NotFound(Path::instance(T::OBJECT_ID, id)))?;
        if !check_resource::<T>(&path)?.operations.executable() {
            return Err(ErrorKind::MethodNotAllowed(path).into());
        }
        let handler = self.execute.as_mut().ok_or(ErrorKind::NotFound(path))?;
        handler(instance, id, resource, arguments).map_err(|code| ErrorKind::Response(code).into())
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

/// A payload a Write cannot take in its Content-Format is 4.15, not 4.06.
fn write_error(e: codec::Error, format: ContentFormat) -> Error {
    match e.kind() {
        CodecKind::Unsupported => ErrorKind::UnsupportedContentFormat(format.number()).into(),
        _ => e.into(),
    }
}

/// The readable resources of one instance (`one`) or of every instance (`all`).
struct Readable<'a, T> {
    model: &'static ObjectModel,
    one: Option<&'a T>,
    all: &'a BTreeMap<u16, T>,
}

impl<T: Instance> Encode for Readable<'_, T> {
    fn encode_to<W: Writer>(&self, w: &mut W) -> Result<(), codec::Error> {
        let mut only = OnlyReadable {
            w,
            model: self.model,
            inside: None,
        };
        if let Some(i) = self.one {
            return i.encode_resources(&mut only);
        }
        for (id, i) in self.all {
            only.w.begin_instance(*id)?;
            i.encode_resources(&mut only)?;
            only.w.end_instance()?;
        }
        Ok(())
    }
}

/// A [`Writer`] passing on the resources the model lets a server read.
struct OnlyReadable<'w, W> {
    w: &'w mut W,
    model: &'static ObjectModel,
    // Inside a multiple resource: whether it is passed on.
    inside: Option<bool>,
}

impl<W: Writer> OnlyReadable<'_, W> {
    fn readable(&self, id: u16) -> bool {
        self.model
            .resource(id)
            .is_some_and(|r| r.operations.readable())
    }
}

impl<W: Writer> Writer for OnlyReadable<'_, W> {
    fn begin_instance(&mut self, id: u16) -> Result<(), codec::Error> {
        self.w.begin_instance(id)
    }
    fn end_instance(&mut self) -> Result<(), codec::Error> {
        self.w.end_instance()
    }
    fn begin_multiple(&mut self, id: u16, count: usize) -> Result<(), codec::Error> {
        let pass = self.readable(id);
        self.inside = Some(pass);
        if pass {
            return self.w.begin_multiple(id, count);
        }
        Ok(())
    }
    fn end_multiple(&mut self) -> Result<(), codec::Error> {
        if self.inside.take() == Some(true) {
            return self.w.end_multiple();
        }
        Ok(())
    }
    fn value(&mut self, id: u16, value: ValueRef<'_>) -> Result<(), codec::Error> {
        let pass = match self.inside {
            Some(pass) => pass,
            None => self.readable(id),
        };
        if pass {
            return self.w.value(id, value);
        }
        Ok(())
    }
}

/// A [`Writer`] noting which resources an instance holds.
#[derive(Default)]
struct PresentResources {
    list: Vec<Present>,
    inside: bool,
}

impl Writer for PresentResources {
    fn begin_instance(&mut self, _: u16) -> Result<(), codec::Error> {
        Ok(())
    }
    fn end_instance(&mut self) -> Result<(), codec::Error> {
        Ok(())
    }
    fn begin_multiple(&mut self, id: u16, count: usize) -> Result<(), codec::Error> {
        self.inside = true;
        self.list.push((id, Some(count)));
        Ok(())
    }
    fn end_multiple(&mut self) -> Result<(), codec::Error> {
        self.inside = false;
        Ok(())
    }
    fn value(&mut self, id: u16, _: ValueRef<'_>) -> Result<(), codec::Error> {
        if !self.inside {
            self.list.push((id, None));
        }
        Ok(())
    }
}
