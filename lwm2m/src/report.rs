//! What a client reports on its own: Send (`/dp`) payloads and notifications, decoded
//! across objects into values typed by the object versions the client registered, with
//! their timestamps, and into the generated types of those versions.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::vec::Vec;

use ucifi_runtime::codec::{self, ErrorKind as CodecKind, RawValue, Sink};
use ucifi_runtime::typed::ObjectType;
use ucifi_runtime::{ContentFormat, DataType, Path, Registry, Value, Version};

use crate::write::check_depth;
use crate::{Error, ErrorKind, Registration};

/// One value a client reported, typed by the version of its object the client registered.
#[derive(Clone, Debug, PartialEq)]
pub struct Reading {
    /// The resource (`/O/I/R`) or resource instance (`/O/I/R/RI`).
    pub path: Path,
    /// The value, of the data type of the registered version.
    pub value: Value,
    /// The time the payload gave the value, in seconds, as resolved (SenML `bt` + `t`,
    /// LwM2M JSON): absolute, or relative to the moment of sending when below 2^28 (see
    /// `ucifi_runtime::codec::senml::resolve_time`). `None` when the payload has none.
    pub time: Option<f64>,
    /// The object version that typed the value.
    pub version: Version,
}

/// A decoded Send payload or notification ([`Registration::decode_report`]): its values in
/// payload order, and the object versions of the client that sent it.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// Every value, in payload order.
    pub readings: Vec<Reading>,
    /// The client's registered objects and versions when the payload was decoded.
    versions: Vec<(u16, Version)>,
}

/// One instance of a generated type in a [`Report`], with the time its values carry.
#[derive(Clone, Debug, PartialEq)]
pub struct Timed<T> {
    /// The object instance ID.
    pub instance: u16,
    /// The time shared by the values (as [`Reading::time`]).
    pub time: Option<f64>,
    /// The values of the instance at that time.
    pub value: T,
}

impl Report {
    /// The instances of `T`'s object in the report, `T` being the type of the version the
    /// client registered: one [`Timed`] per instance and time, in the order they first
    /// appear, holding the values the payload gave that instance at that time (a time
    /// series of one resource gives one entry per time).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NotFound`] or [`ErrorKind::VersionMismatch`] for a `T` the client did
    /// not register; [`ErrorKind::Codec`] when values do not make a `T`.
    pub fn instances<T: ObjectType>(&self) -> Result<Vec<Timed<T>>, Error> {
        let id = T::OBJECT_ID;
        let registered = self
            .versions
            .iter()
            .find(|(o, _)| *o == id)
            .map(|(_, v)| *v)
            .ok_or(ErrorKind::NotFound(Path::object(id)))?;
        if registered != T::VERSION {
            return Err(ErrorKind::VersionMismatch {
                id,
                registered,
                requested: T::VERSION,
            }
            .into());
        }
        // (instance, time) -> index in `groups`, in order of first appearance.
        let mut index: BTreeMap<(u16, Option<u64>), usize> = BTreeMap::new();
        let mut groups: Vec<Timed<T>> = Vec::new();
        for r in &self.readings {
            let (Some(o), Some(instance), Some(resource)) = (
                r.path.object_id(),
                r.path.instance_id(),
                r.path.resource_id(),
            ) else {
                continue;
            };
            if o != id {
                continue;
            }
            let key = (instance, r.time.map(f64::to_bits));
            let k = *index.entry(key).or_insert_with(|| {
                groups.push(Timed {
                    instance,
                    time: r.time,
                    value: T::default(),
                });
                groups.len() - 1
            });
            // The value is of `T`'s data type already: it goes into `T` as it is.
            groups[k]
                .value
                .set(resource, r.path.resource_instance_id(), &raw(&r.value))
                .map_err(|kind| codec::Error::at_path(r.path, kind))?;
        }
        Ok(groups)
    }
}

/// A typed value as a decoder hands it over.
fn raw(value: &Value) -> RawValue<'_> {
    match value {
        Value::String(s) => RawValue::Str(s.as_str().into()),
        Value::Integer(v) => RawValue::Integer((*v).into()),
        Value::UnsignedInteger(v) => RawValue::Integer((*v).into()),
        Value::Float(v) => RawValue::Float(*v),
        Value::Boolean(v) => RawValue::Boolean(*v),
        Value::Opaque(v) => RawValue::Opaque(v.as_slice().into()),
        Value::Time(t) => RawValue::Time(t.0),
        Value::Objlnk(l) => RawValue::Objlnk(*l),
        Value::Corelnk(l) => RawValue::Str(l.0.as_str().into()),
    }
}

impl Registration {
    /// Decodes a payload the client sent on its own, addressed to `path`: the root for a
    /// Send (`/dp`) or a composite notification, the observed path for a notification.
    /// Every value is typed by the model of its object at the version the client
    /// registered, from `registry`; nothing is typed by another version.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NotFound`] for a value of an object the client did not register (at
    /// the object) or of a resource its version does not define (at the resource);
    /// [`ErrorKind::UnknownModel`] for a registered version `registry` lacks;
    /// [`ErrorKind::Codec`] for a payload that does not decode: a value outside `path`
    /// (`OutsidePath`), of the wrong type (`Value`), at a path of the wrong depth for its
    /// resource (`NotSingle`, `NotMultiple`), for an executable resource (`Executable`),
    /// or repeating the path and time of another (`DuplicatePath`).
    pub fn decode_report(
        &self,
        registry: &Registry,
        path: &Path,
        format: ContentFormat,
        payload: &[u8],
    ) -> Result<Report, Error> {
        let mut sink = ReportSink {
            registration: self,
            registry,
            scope: *path,
            readings: Vec::new(),
            seen: BTreeSet::new(),
            failure: None,
        };
        let decoded = codec::decode_to(format, path, payload, &mut sink);
        if let Some(e) = sink.failure {
            return Err(e);
        }
        decoded?;
        Ok(Report {
            readings: sink.readings,
            versions: self.objects.iter().map(|o| (o.id, o.version)).collect(),
        })
    }
}

/// Collects the readings of a report, typing each value by its object's registered
/// version.
struct ReportSink<'a> {
    registration: &'a Registration,
    registry: &'a Registry,
    scope: Path,
    readings: Vec<Reading>,
    seen: BTreeSet<(Path, Option<u64>)>,
    // An error that is no codec error; the decoder is stopped with a codec error.
    failure: Option<Error>,
}

impl ReportSink<'_> {
    fn reading(&mut self, path: Path, raw: &RawValue<'_>, time: Option<f64>) -> Result<(), Error> {
        if !self.scope.contains(&path) {
            return Err(codec::Error::at_path(path, CodecKind::OutsidePath).into());
        }
        let (model, resource) = self.registration.resource_model(self.registry, &path)?;
        check_depth(&path, resource.multiple)?;
        if resource.data_type == DataType::None {
            return Err(codec::Error::at_path(path, CodecKind::Executable).into());
        }
        let value = raw
            .to_value(resource.data_type)
            .map_err(|e| codec::Error::at_path(path, CodecKind::Value(e)))?;
        if !self.seen.insert((path, time.map(f64::to_bits))) {
            return Err(codec::Error::at_path(path, CodecKind::DuplicatePath).into());
        }
        self.readings.push(Reading {
            path,
            value,
            time,
            version: model.version,
        });
        Ok(())
    }
}

impl<'p> Sink<'p> for ReportSink<'_> {
    fn value(
        &mut self,
        path: Path,
        value: &RawValue<'p>,
        time: Option<f64>,
    ) -> Result<(), codec::Error> {
        self.reading(path, value, time).map_err(|e| match e.kind() {
            ErrorKind::Codec(c) => c.clone(),
            _ => {
                // Stops the decoder; `decode_report` returns the error kept here.
                self.failure = Some(e);
                codec::Error::at_path(path, CodecKind::WrongTarget)
            }
        })
    }
}
