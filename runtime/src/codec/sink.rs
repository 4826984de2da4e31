//! What decoders produce: one push parser per content format reads `(path, bytes)` and
//! hands each value, container and path-only record to a [`Sink`], one call each
//! ([`Event`] is the recorded form of a call). The node tree
//! ([`NodeBuilder`](super::NodeBuilder)), generated structs (through [`InstanceEvents`]
//! and [`InstanceSink`]) and collectors of leaves are sinks.

use super::{Error, ErrorKind, RawValue};
use crate::{ContentFormat, Path};

/// One event of a decoded payload.
#[derive(Clone, Debug, PartialEq)]
pub enum Event<'a> {
    /// A value at a resource (`/O/I/R`) or resource-instance (`/O/I/R/RI`) path, with the
    /// resolved time in seconds when the format carries one (SenML, LwM2M JSON).
    Value {
        /// Full path of the leaf.
        path: Path,
        /// The value as carried.
        value: RawValue<'a>,
        /// Resolved timestamp, if any.
        time: Option<f64>,
    },
    /// A multiple-instance resource container began (TLV, LwM2M CBOR); lets an empty
    /// multiple resource be seen. Formats without containers never emit it.
    MultipleResource(Path),
    /// An object instance container began (TLV object-instance TLV, LwM2M CBOR map);
    /// lets an empty instance be seen.
    Instance(Path),
    /// A path without a value (SenML Read-Composite requests).
    PathOnly(Path),
}

impl Event<'_> {
    /// The path the event is about.
    #[inline]
    pub fn path(&self) -> Path {
        match self {
            Event::Value { path, .. }
            | Event::MultipleResource(path)
            | Event::Instance(path)
            | Event::PathOnly(path) => *path,
        }
    }
}

/// Receives what a decoder reads, in payload order: one call per value, container or
/// path-only record. An error stops the decoder, which returns it (located at the byte
/// where the call came from, when the sink did not say).
///
/// Values arrive by reference with their path by value: a sink takes what it needs from
/// them without the decoder building an [`Event`]. [`Event`]s are the recorded form of the
/// same calls ([`Sink::event`] replays one; `Vec<Event>` records them).
pub trait Sink<'a> {
    /// Takes the value at `path` (`/O/I/R` or `/O/I/R/RI` in a well-formed payload), with
    /// the resolved time in seconds when the format carries one (SenML, LwM2M JSON).
    fn value(&mut self, path: Path, value: &RawValue<'a>, time: Option<f64>) -> Result<(), Error>;

    /// An object instance container began at `path` (TLV object-instance TLV, LwM2M CBOR
    /// map); lets an empty instance be seen. Sinks of values alone ignore it (the default).
    fn instance(&mut self, path: Path) -> Result<(), Error> {
        let _ = path;
        Ok(())
    }

    /// A multiple-instance resource container began at `path` (TLV, LwM2M CBOR); lets an
    /// empty multiple resource be seen. Formats without containers never call it. Sinks of
    /// values alone ignore it (the default).
    fn multiple(&mut self, path: Path) -> Result<(), Error> {
        let _ = path;
        Ok(())
    }

    /// A path without a value (SenML Read-Composite requests, LwM2M CBOR `null`). Refused
    /// by default ([`ErrorKind::PathWithoutValue`]).
    fn path_only(&mut self, path: Path) -> Result<(), Error> {
        Err(Error::at_path(path, ErrorKind::PathWithoutValue))
    }

    /// Takes a recorded event: calls the method it stands for.
    fn event(&mut self, event: Event<'a>) -> Result<(), Error> {
        match event {
            Event::Value { path, value, time } => self.value(path, &value, time),
            Event::MultipleResource(path) => self.multiple(path),
            Event::Instance(path) => self.instance(path),
            Event::PathOnly(path) => self.path_only(path),
        }
    }
}

/// Records the calls as events (tests, tools).
impl<'a> Sink<'a> for alloc::vec::Vec<Event<'a>> {
    fn value(&mut self, path: Path, value: &RawValue<'a>, time: Option<f64>) -> Result<(), Error> {
        self.push(Event::Value {
            path,
            value: value.clone(),
            time,
        });
        Ok(())
    }
    fn instance(&mut self, path: Path) -> Result<(), Error> {
        self.push(Event::Instance(path));
        Ok(())
    }
    fn multiple(&mut self, path: Path) -> Result<(), Error> {
        self.push(Event::MultipleResource(path));
        Ok(())
    }
    fn path_only(&mut self, path: Path) -> Result<(), Error> {
        self.push(Event::PathOnly(path));
        Ok(())
    }
}

/// Receives the values of one object instance by resource and resource-instance ID: what
/// generated structs implement (see [`InstanceEvents`]).
pub trait InstanceSink {
    /// A multiple-resource container for `resource` begins (TLV, LwM2M CBOR): the instances
    /// it replaces are dropped. Refused (as [`set`](InstanceSink::set) would refuse its
    /// instances) when `resource` is not a multiple resource the sink may take, even for
    /// an empty container.
    fn clear_multiple(&mut self, resource: u16) -> Result<(), ErrorKind>;
    /// Stores the value of `resource`, or of its resource instance `instance`. Resources
    /// the sink does not know are ignored (`Ok`).
    fn set(
        &mut self,
        resource: u16,
        instance: Option<u16>,
        raw: &RawValue<'_>,
    ) -> Result<(), ErrorKind>;
}

/// A [`Sink`] feeding one object instance's [`InstanceSink`] from a payload addressed to
/// `scope` (`/O/I`, `/O/I/R` or `/O/I/R/RI`): values outside `scope` and paths without
/// values are errors, multiple-resource containers clear what they replace.
#[derive(Debug)]
pub struct InstanceEvents<'s, S: ?Sized> {
    scope: Path,
    sink: &'s mut S,
}

impl<'s, S: InstanceSink + ?Sized> InstanceEvents<'s, S> {
    /// Feeds `sink` with the events of a payload addressed to `scope`.
    pub fn new(scope: Path, sink: &'s mut S) -> Self {
        InstanceEvents { scope, sink }
    }
}

/// Locates an error a sink returned for an event of a `format` payload, when the sink did
/// not: a value that does not fit the model at the value's bytes (`value`), anything else
/// at the item that named the path (`item`: a TLV header, a CBOR key, a SenML record).
pub(crate) fn locate(e: Error, format: ContentFormat, item: usize, value: usize) -> Error {
    let at = if matches!(e.kind(), ErrorKind::Value(_)) {
        value
    } else {
        item
    };
    e.in_format(format).or_offset(at)
}

/// `Ok` when `p` lies within `scope`, else [`ErrorKind::OutsidePath`] at `p`.
#[inline]
pub(crate) fn inside(scope: &Path, p: &Path) -> Result<(), Error> {
    if scope.contains(p) {
        Ok(())
    } else {
        Err(at_path(*p, ErrorKind::OutsidePath))
    }
}

/// [`Error::at_path`], out of line: the sinks' common path stays small enough to inline
/// into the decoders.
#[cold]
#[inline(never)]
fn at_path(path: Path, kind: ErrorKind) -> Error {
    Error::at_path(path, kind)
}

impl<'a, S: InstanceSink + ?Sized> Sink<'a> for InstanceEvents<'_, S> {
    #[inline]
    fn value(&mut self, path: Path, value: &RawValue<'a>, _: Option<f64>) -> Result<(), Error> {
        inside(&self.scope, &path)?;
        let Some(resource) = path.resource_id() else {
            return Err(at_path(path, ErrorKind::Misplaced));
        };
        self.sink
            .set(resource, path.resource_instance_id(), value)
            .map_err(|k| at_path(path, k))
    }
    fn instance(&mut self, path: Path) -> Result<(), Error> {
        inside(&self.scope, &path)
    }
    #[inline]
    fn multiple(&mut self, path: Path) -> Result<(), Error> {
        inside(&self.scope, &path)?;
        match path.resource_id() {
            Some(r) => self.sink.clear_multiple(r).map_err(|k| at_path(path, k)),
            None => Ok(()),
        }
    }
}
