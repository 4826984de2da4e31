//! What decoders produce: one push parser per content format reads `(path, bytes)` and
//! feeds [`Event`]s to a [`Sink`]. The node tree ([`NodeBuilder`](super::NodeBuilder)),
//! generated structs (through [`InstanceSink`] adapters in [`typed`](crate::typed)) and
//! collectors of leaves are sinks.

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

/// Receives the events of a payload, in payload order. An error stops the decoder, which
/// returns it (located at the byte where the event came from, when the sink did not say).
pub trait Sink<'a> {
    /// Takes one event.
    fn event(&mut self, event: Event<'a>) -> Result<(), Error>;
}

/// Collects the events themselves (tests, tools).
impl<'a> Sink<'a> for alloc::vec::Vec<Event<'a>> {
    fn event(&mut self, event: Event<'a>) -> Result<(), Error> {
        self.push(event);
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
        Err(Error::at_path(*p, ErrorKind::OutsidePath))
    }
}

impl<'a, S: InstanceSink + ?Sized> Sink<'a> for InstanceEvents<'_, S> {
    fn event(&mut self, event: Event<'a>) -> Result<(), Error> {
        match event {
            Event::Value { path, value, .. } => {
                inside(&self.scope, &path)?;
                let ids = path.ids();
                if ids.len() < 3 {
                    return Err(Error::at_path(path, ErrorKind::Misplaced));
                }
                self.sink
                    .set(ids[2], ids.get(3).copied(), &value)
                    .map_err(|k| Error::at_path(path, k))
            }
            Event::MultipleResource(path) => {
                inside(&self.scope, &path)?;
                match path.resource_id() {
                    Some(r) => self
                        .sink
                        .clear_multiple(r)
                        .map_err(|k| Error::at_path(path, k)),
                    None => Ok(()),
                }
            }
            Event::Instance(path) => inside(&self.scope, &path),
            Event::PathOnly(path) => Err(Error::at_path(path, ErrorKind::PathWithoutValue)),
        }
    }
}
