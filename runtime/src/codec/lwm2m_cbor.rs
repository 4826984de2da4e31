//! LwM2M CBOR (`application/vnd.oma.lwm2m+cbor`, 11544), LwM2M 1.2 (spec §11).
//!
//! A payload is one CBOR map whose keys are path IDs (an unsigned integer, or an array of
//! unsigned integers for several consecutive IDs) and whose values are nested maps or
//! leaf values. The encoder writes definite-length maps (counts fixed when a map ends, so
//! it needs no look-ahead and no allocation with a [`SliceOutput`]):
//!
//! * a single target: `{<target path>: <content>}`, the target path as one key (a plain
//!   integer for `/O`, an array for deeper paths), then one integer key per level below
//!   (examples L1–L4);
//! * a composite payload ([`encode_composite`], [`encode_leaves`]): the paths merged into
//!   a tree with one integer key per level (example L5).
//!
//! The decoder accepts definite and indefinite maps, integer and array keys at any level,
//! tags 1/0/4 on values, and rejects: a non-map top level, text keys (LwM2M gateway
//! prefixes are not supported), IDs of 65535 and more, paths deeper than four IDs, values
//! above resource depth, duplicate paths (through [`super::NodeBuilder`]) and trailing bytes.
//! Keys of any form may lead to a deeper target (`{3: {0: {9: 87}}}` answers a Read of
//! `/3/0/9` as well as `{[3, 0, 9]: 87}`), and a map may follow leaves below it
//! (`{[3, 0, 9]: 87, [3, 0]: {10: 15}}`): only a path given twice is a duplicate.

use alloc::borrow::Cow;
use alloc::vec::Vec;

use super::cbor::{Chunk, Decoder, Item, head, push_value, write_value};
use super::{
    Error, Event, FormatError, InstanceSink, Output, RawValue, Reader, SliceOutput, TypeLookup,
    ValueRef, Writer,
};
use crate::{ContentFormat, Node, ObjectNode, Path, Value};

const F: ContentFormat = ContentFormat::Lwm2mCbor;

/// The error type of the LwM2M CBOR codec: byte offset and reason.
pub type Lwm2mCborError = FormatError;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum MapKind {
    #[default]
    Instances,
    Resources,
    Multiple,
}

#[derive(Clone, Copy, Debug, Default)]
struct OpenMap {
    start: usize,
    count: u64,
    kind: MapKind,
}

/// A LwM2M CBOR encoder for one target path, writing into an [`Output`].
#[derive(Debug)]
pub struct Lwm2mCborWriter<O: Output> {
    out: O,
    target: usize,
    stack: [OpenMap; 3],
    depth: usize,
    written: bool,
    failed: Option<Lwm2mCborError>,
}

fn full(at: usize) -> Lwm2mCborError {
    FormatError::buffer_full(F, at)
}

impl<O: Output> Lwm2mCborWriter<O> {
    /// An encoder for a payload addressed to `path` (not the root); writes the outer map
    /// and the path key at once.
    pub fn new(path: &Path, out: O) -> Self {
        let mut w = Lwm2mCborWriter {
            out,
            target: path.len(),
            stack: [OpenMap::default(); 3],
            depth: 0,
            written: false,
            failed: None,
        };
        if let Err(e) = w.start(path) {
            w.failed = Some(e);
        }
        w
    }

    fn start(&mut self, path: &Path) -> Result<(), Lwm2mCborError> {
        let ids = path.ids();
        if ids.is_empty() {
            return Err(FormatError::new(
                F,
                0,
                "a single-target payload cannot address the root (use encode_composite)",
            ));
        }
        let mut hdr = [0u8; 16];
        hdr[0] = 0xA1;
        let mut n = 1;
        if ids.len() > 1 {
            hdr[1] = 0x80 | ids.len() as u8;
            n = 2;
        }
        for &id in ids {
            let (h, k) = head(0, id as u64);
            hdr[n..n + k].copy_from_slice(&h[..k]);
            n += k;
        }
        self.put(&hdr[..n])?;
        match ids.len() {
            1 => self.open(MapKind::Instances),
            2 => self.open(MapKind::Resources),
            _ => Ok(()),
        }
    }

    #[inline]
    fn put(&mut self, b: &[u8]) -> Result<(), Lwm2mCborError> {
        let at = self.out.len();
        self.out.write(b).map_err(|_| full(at))
    }

    fn open(&mut self, kind: MapKind) -> Result<(), Lwm2mCborError> {
        let start = self.out.len();
        let slot = self
            .stack
            .get_mut(self.depth)
            .ok_or_else(|| FormatError::new(F, start, "maps nested too deep"))?;
        *slot = OpenMap {
            start,
            count: 0,
            kind,
        };
        self.depth += 1;
        // Guess fewer than 24 entries; `close` fixes the head.
        self.put(&[0xA0])
    }

    fn close(&mut self, kind: MapKind) -> Result<(), Lwm2mCborError> {
        let top = match self.depth.checked_sub(1) {
            Some(d) if self.stack[d].kind == kind => self.stack[d],
            _ => {
                return Err(FormatError::new(
                    F,
                    self.out.len(),
                    "end of a container that was not begun",
                ));
            }
        };
        let (h, n) = head(5, top.count);
        if n > 1 {
            self.out
                .shift(top.start + 1, n as isize - 1)
                .map_err(|_| full(self.out.len()))?;
        }
        self.out.patch(top.start, &h[..n]);
        self.depth -= 1;
        Ok(())
    }

    fn key(&mut self, id: u16) -> Result<(), Lwm2mCborError> {
        if let Some(d) = self.depth.checked_sub(1) {
            self.stack[d].count += 1;
        }
        let (h, n) = head(0, id as u64);
        self.put(&h[..n])
    }

    fn top(&self) -> Option<MapKind> {
        self.depth.checked_sub(1).map(|d| self.stack[d].kind)
    }

    fn check(&self) -> Result<(), Lwm2mCborError> {
        match &self.failed {
            Some(e) => Err(e.clone()),
            None => Ok(()),
        }
    }

    fn misuse(&self, reason: &'static str) -> Lwm2mCborError {
        FormatError::new(F, self.out.len(), reason)
    }

    /// Closes the target's maps and returns the output.
    pub fn finish(mut self) -> Result<O, Lwm2mCborError> {
        self.check()?;
        match self.target {
            1 => self.close(MapKind::Instances)?,
            2 => self.close(MapKind::Resources)?,
            _ if !self.written => return Err(self.misuse("no value was written")),
            _ => {}
        }
        if self.depth != 0 {
            return Err(self.misuse("a container was not closed"));
        }
        Ok(self.out)
    }
}

impl<O: Output> Writer for Lwm2mCborWriter<O> {
    type Error = Lwm2mCborError;

    fn begin_instance(&mut self, id: u16) -> Result<(), Lwm2mCborError> {
        self.check()?;
        if self.top() != Some(MapKind::Instances) {
            return Err(self.misuse("object instances can only be written at an object path"));
        }
        self.key(id)?;
        self.open(MapKind::Resources)
    }

    fn end_instance(&mut self) -> Result<(), Lwm2mCborError> {
        self.check()?;
        if self.target != 1 {
            return Err(self.misuse("end of an instance that was not begun"));
        }
        self.close(MapKind::Resources)
    }

    fn begin_multiple(&mut self, id: u16, _count: usize) -> Result<(), Lwm2mCborError> {
        self.check()?;
        match self.top() {
            Some(MapKind::Resources) => self.key(id)?,
            None if self.target == 3 && !self.written => self.written = true,
            _ => return Err(self.misuse("a multiple resource is not allowed here")),
        }
        self.open(MapKind::Multiple)
    }

    fn end_multiple(&mut self) -> Result<(), Lwm2mCborError> {
        self.check()?;
        self.close(MapKind::Multiple)
    }

    #[inline]
    fn value(&mut self, id: u16, value: ValueRef<'_>) -> Result<(), Lwm2mCborError> {
        self.check()?;
        let mut c = Chunk::default();
        match self.top() {
            Some(MapKind::Resources | MapKind::Multiple) => {
                self.stack[self.depth - 1].count += 1;
                c.head(0, id as u64);
            }
            None if self.target >= 3 && !self.written => self.written = true,
            Some(MapKind::Instances) => {
                return Err(self.misuse("a value at an object path needs an object instance"));
            }
            None => return Err(self.misuse("a second value for a single target")),
        }
        let tail = push_value(&mut c, &value);
        let at = self.out.len();
        c.write(&mut self.out).map_err(|_| full(at))?;
        if !tail.is_empty() {
            self.out.write(tail).map_err(|_| full(at))?;
        }
        Ok(())
    }
}

/// Encodes `node` addressed to `path` (examples L1–L4).
pub fn encode(path: &Path, node: &Node) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(super::capacity_guess(node));
    encode_to(path, node, &mut out)?;
    Ok(out)
}

/// Encodes into `buf` without allocating; returns the length.
pub fn encode_into(path: &Path, node: &Node, buf: &mut [u8]) -> Result<usize, Error> {
    let mut out = SliceOutput::new(buf);
    encode_to(path, node, &mut out)?;
    Ok(out.len())
}

/// Encodes, appending to any [`Output`].
pub fn encode_to<O: Output>(path: &Path, node: &Node, out: O) -> Result<(), Error> {
    super::check_node_path(path, node)?;
    let mut w = Lwm2mCborWriter::new(path, out);
    super::encode_node(node, &mut w)?;
    w.finish()?;
    Ok(())
}

/// Encodes several nodes, each addressed to its path, as one composite payload (Read-
/// Composite response, Send, Write-Composite): all leaves merged into one tree of maps
/// with one integer key per level (example L5). Empty instances and empty multiple
/// resources have no leaf and are left out. A path given twice is an error.
pub fn encode_composite(items: &[(Path, &Node)]) -> Result<Vec<u8>, Error> {
    let mut leaves: Vec<(Path, ValueRef<'_>)> = Vec::new();
    for (p, n) in items {
        super::check_node_path(p, n)?;
        n.for_each_leaf(p, |p, v| leaves.push((p, v.as_value_ref())));
    }
    encode_leaf_refs(leaves)
}

/// Encodes a list of (resource or resource-instance path, value) as one composite
/// payload (see [`encode_composite`]).
pub fn encode_leaves(leaves: &[(Path, Value)]) -> Result<Vec<u8>, Error> {
    encode_leaf_refs(leaves.iter().map(|(p, v)| (*p, v.as_value_ref())).collect())
}

fn encode_leaf_refs(mut leaves: Vec<(Path, ValueRef<'_>)>) -> Result<Vec<u8>, Error> {
    for (p, _) in &leaves {
        if p.len() < 3 {
            return Err(Error::Path {
                path: *p,
                reason: "a value needs a resource or resource-instance path",
            });
        }
    }
    leaves.sort_by_key(|(p, _)| *p);
    for w in leaves.windows(2) {
        if w[0].0.contains(&w[1].0) {
            return Err(Error::Path {
                path: w[1].0,
                reason: "path given twice (or a value and resource instances at one resource)",
            });
        }
    }
    let mut out = Vec::with_capacity(16 + leaves.len() * 12);
    emit_level(&mut out, &leaves, 0);
    Ok(out)
}

/// Writes the map of the IDs at `level` of `leaves` (sorted, all sharing their first
/// `level` IDs). Recursion depth is at most four.
fn emit_level(out: &mut Vec<u8>, leaves: &[(Path, ValueRef<'_>)], level: usize) {
    let id_at = |p: &Path| p.ids()[level];
    let mut groups = 0u64;
    let mut prev = None;
    for (p, _) in leaves {
        if prev != Some(id_at(p)) {
            groups += 1;
            prev = Some(id_at(p));
        }
    }
    let (h, n) = head(5, groups);
    out.extend_from_slice(&h[..n]);
    let mut i = 0;
    while i < leaves.len() {
        let id = id_at(&leaves[i].0);
        let mut j = i + 1;
        while j < leaves.len() && id_at(&leaves[j].0) == id {
            j += 1;
        }
        let (h, n) = head(0, id as u64);
        out.extend_from_slice(&h[..n]);
        let group = &leaves[i..j];
        if group.len() == 1 && group[0].0.len() == level + 1 {
            // Infallible on a Vec.
            let _ = write_value(out, &group[0].1);
        } else {
            emit_level(out, group, level + 1);
        }
        i = j;
    }
}

/// Decodes a LwM2M CBOR payload addressed to `path`.
///
/// Payloads in the shape this crate's encoder writes for an object or instance path
/// (definite maps, integer keys in ascending order, the path as the one outer key) are
/// read straight into the node; anything else, and every error, goes through
/// [`Lwm2mCborReader`] and [`super::NodeBuilder`] (a property test holds both equal).
pub fn decode(path: &Path, bytes: &[u8], types: &dyn TypeLookup) -> Result<Node, Error> {
    if let Some(node) = fast::decode(path, bytes, types) {
        return Ok(node);
    }
    decode_with_events(path, bytes, types)
}

/// Decodes through the event API only (the reference of the fast path of [`decode`]).
pub fn decode_with_events(
    path: &Path,
    bytes: &[u8],
    types: &dyn TypeLookup,
) -> Result<Node, Error> {
    super::decode_node(path, &mut Lwm2mCborReader::new(bytes), types)
}

/// The fast path of [`decode`]: `None` whenever the payload is not in the canonical shape
/// or anything is wrong, so that the general decoder gives the answer (or the error).
mod fast {
    use alloc::vec::Vec;

    use super::super::cbor::{Decoder, Item};
    use super::super::{RawValue, TypeLookup};
    use super::F;
    use crate::{
        InstanceNode, Node, ObjectNode, Path, ResourceInstanceNode, ResourceNode, ResourceValue,
        Value,
    };

    /// A definite map's entry count, bounded by the bytes left (each entry takes two).
    #[inline]
    fn map(d: &mut Decoder<'_>) -> Option<usize> {
        let h = d.head().ok()?;
        if h.major != 5 || h.indefinite() {
            return None;
        }
        let n = usize::try_from(h.arg).ok()?;
        (n <= (d.buf.len() - d.pos) / 2).then_some(n)
    }

    #[inline]
    fn uint(d: &mut Decoder<'_>) -> Option<u16> {
        let h = d.head().ok()?;
        (h.major == 0 && h.arg < u16::MAX as u64).then_some(h.arg as u16)
    }

    #[inline]
    fn leaf(d: &mut Decoder<'_>, ty: Option<(crate::DataType, bool)>) -> Option<Value> {
        use crate::DataType as T;
        // Common cases inline: integers for integer types, definite text for strings.
        let start = d.pos;
        if let (Some((dt, _)), Ok(h)) = (ty, d.head()) {
            match (h.major, dt) {
                (0, T::Integer) if h.arg <= i64::MAX as u64 => {
                    return Some(Value::Integer(h.arg as i64));
                }
                (1, T::Integer) if h.arg <= i64::MAX as u64 => {
                    return Some(Value::Integer(-1 - h.arg as i64));
                }
                (0, T::Time) if h.arg <= i64::MAX as u64 => {
                    return Some(Value::Time(crate::Time(h.arg as i64)));
                }
                (0, T::UnsignedInteger) => return Some(Value::UnsignedInteger(h.arg)),
                (3, T::String) if !h.indefinite() => {
                    let n = usize::try_from(h.arg).ok()?;
                    let end = d.pos.checked_add(n).filter(|&e| e <= d.buf.len())?;
                    let s = core::str::from_utf8(&d.buf[d.pos..end]).ok()?;
                    d.pos = end;
                    return Some(Value::String(s.into()));
                }
                _ => {}
            }
        }
        d.pos = start;
        let Ok(Item::Value(raw)) = d.item() else {
            return None;
        };
        match ty {
            Some((dt, _)) => raw.to_value(dt).ok(),
            None => Some(RawValue::to_value_untyped(&raw)),
        }
    }

    /// The resources of instance `o`/`i`: a definite map with ascending integer keys.
    fn resources(d: &mut Decoder<'_>, o: u16, types: &dyn TypeLookup) -> Option<Vec<ResourceNode>> {
        let n = map(d)?;
        let model = types.object_model(o);
        let mut list = Vec::with_capacity(n);
        let mut last = None;
        for _ in 0..n {
            let r = uint(d)?;
            if last.is_some_and(|l| l >= r) {
                return None;
            }
            last = Some(r);
            let ty = super::super::lookup(types, model, o, r);
            let value = if d.peek()? >> 5 == 5 {
                if let Some((_, false)) = ty {
                    return None;
                }
                let m = map(d)?;
                let mut ris = Vec::with_capacity(m);
                let mut last = None;
                for _ in 0..m {
                    let ri = uint(d)?;
                    if last.is_some_and(|l| l >= ri) {
                        return None;
                    }
                    last = Some(ri);
                    ris.push(ResourceInstanceNode {
                        id: ri,
                        value: leaf(d, ty)?,
                    });
                }
                ResourceValue::Multiple(ris)
            } else {
                if let Some((_, true)) = ty {
                    return None;
                }
                ResourceValue::Single(leaf(d, ty)?)
            };
            list.push(ResourceNode { id: r, value });
        }
        Some(list)
    }

    pub(super) fn decode(path: &Path, bytes: &[u8], types: &dyn TypeLookup) -> Option<Node> {
        let ids = path.ids();
        let mut d = Decoder::new(bytes, F);
        if d.head().ok()?
            != (super::super::cbor::Head {
                major: 5,
                info: 1,
                arg: 1,
                offset: 0,
            })
        {
            return None;
        }
        let node = match ids.len() {
            1 => {
                if uint(&mut d)? != ids[0] {
                    return None;
                }
                let n = map(&mut d)?;
                let mut instances = Vec::with_capacity(n);
                let mut last = None;
                for _ in 0..n {
                    let i = uint(&mut d)?;
                    if last.is_some_and(|l| l >= i) {
                        return None;
                    }
                    last = Some(i);
                    let resources = resources(&mut d, ids[0], types)?;
                    instances.push(InstanceNode { id: i, resources });
                }
                Node::Object(ObjectNode {
                    id: ids[0],
                    instances,
                })
            }
            2 => {
                let h = d.head().ok()?;
                if h.major != 4 || h.arg != 2 || uint(&mut d)? != ids[0] || uint(&mut d)? != ids[1]
                {
                    return None;
                }
                Node::Instance(InstanceNode {
                    id: ids[1],
                    resources: resources(&mut d, ids[0], types)?,
                })
            }
            _ => return None,
        };
        d.at_end().then_some(node)
    }
}

/// Decodes a composite payload into its leaves, grouped by object, instance and resource.
pub fn decode_composite(bytes: &[u8], types: &dyn TypeLookup) -> Result<Vec<(Path, Value)>, Error> {
    super::decode_leaves(&mut Lwm2mCborReader::new(bytes), types)
}

/// Decodes a composite payload into one node per object, in order of appearance
/// (empty instances and empty multiple resources included).
pub fn decode_composite_objects(
    bytes: &[u8],
    types: &dyn TypeLookup,
) -> Result<Vec<ObjectNode>, Error> {
    let mut r = Lwm2mCborReader::new(bytes);
    let mut b = super::NodeBuilder::new(Path::ROOT);
    b.feed(&mut r, types)?;
    Ok(b.finish_objects())
}

#[derive(Clone, Copy, Debug)]
struct MapFrame {
    /// Entries left; `None` for an indefinite map.
    remaining: Option<u64>,
    base: Path,
}

/// A pull decoder of one LwM2M CBOR payload. Events carry full paths; map values at
/// instance depth give [`Event::Instance`], at resource depth [`Event::MultipleResource`],
/// and `null` leaves [`Event::PathOnly`].
#[derive(Debug)]
pub struct Lwm2mCborReader<'a> {
    dec: Decoder<'a>,
    frames: [MapFrame; 4],
    depth: usize,
    started: bool,
    failed: Option<Lwm2mCborError>,
}

impl<'a> Lwm2mCborReader<'a> {
    /// A reader of `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        Lwm2mCborReader {
            dec: Decoder::new(bytes, F),
            frames: [MapFrame {
                remaining: None,
                base: Path::ROOT,
            }; 4],
            depth: 0,
            started: false,
            failed: None,
        }
    }

    fn push_map(&mut self, h: super::cbor::Head, base: Path) -> Result<(), Lwm2mCborError> {
        let slot = self.frames.get_mut(self.depth).ok_or_else(|| {
            self.dec
                .err(h.offset, "maps nested deeper than a path allows")
        })?;
        *slot = MapFrame {
            remaining: (!h.indefinite()).then_some(h.arg),
            base,
        };
        self.depth += 1;
        Ok(())
    }

    #[inline]
    fn key(&mut self, base: Path) -> Result<Path, Lwm2mCborError> {
        let h = self.dec.head()?;
        let push = |p: Path, id: u64, off: usize| -> Result<Path, Lwm2mCborError> {
            if id >= u16::MAX as u64 {
                return Err(FormatError::new(F, off, "path ID above 65534"));
            }
            p.child(id as u16)
                .ok_or_else(|| FormatError::new(F, off, "path deeper than four IDs"))
        };
        match h.major {
            0 => push(base, h.arg, h.offset),
            4 => {
                let mut p = base;
                let mut n = 0u64;
                loop {
                    if h.indefinite() {
                        if self.dec.take_break() {
                            break;
                        }
                    } else if n == h.arg {
                        break;
                    }
                    let id = self.dec.head()?;
                    if id.major != 0 {
                        return Err(self
                            .dec
                            .err(id.offset, "path array elements must be unsigned integers"));
                    }
                    p = push(p, id.arg, id.offset)?;
                    n += 1;
                }
                if n == 0 {
                    return Err(self.dec.err(h.offset, "empty path array key"));
                }
                Ok(p)
            }
            3 => Err(self.dec.err(
                h.offset,
                "text keys (LwM2M gateway prefixes) are not supported",
            )),
            _ => Err(self.dec.err(
                h.offset,
                "map key must be an unsigned integer or an array of them",
            )),
        }
    }

    #[inline]
    fn step(&mut self) -> Result<Option<Event<'a>>, Lwm2mCborError> {
        if !self.started {
            self.started = true;
            let h = self.dec.head()?;
            if h.major != 5 {
                return Err(self.dec.err(h.offset, "LwM2M CBOR payload must be a map"));
            }
            self.push_map(h, Path::ROOT)?;
        }
        loop {
            let Some(d) = self.depth.checked_sub(1) else {
                if !self.dec.at_end() {
                    return Err(self
                        .dec
                        .err(self.dec.pos, "trailing bytes after the LwM2M CBOR map"));
                }
                return Ok(None);
            };
            let f = self.frames[d];
            match f.remaining {
                Some(0) => {
                    self.depth = d;
                    continue;
                }
                None if self.dec.take_break() => {
                    self.depth = d;
                    continue;
                }
                Some(n) => self.frames[d].remaining = Some(n - 1),
                None => {}
            }
            let path = self.key(f.base)?;
            let at = self.dec.pos;
            match self.dec.item()? {
                Item::Map(h) => {
                    if path.len() >= 4 {
                        return Err(self
                            .dec
                            .err(h.offset, "map below a resource instance (depth > 4)"));
                    }
                    self.push_map(h, path)?;
                    match path.len() {
                        2 => return Ok(Some(Event::Instance(path))),
                        3 => return Ok(Some(Event::MultipleResource(path))),
                        _ => continue,
                    }
                }
                Item::Array(h) => {
                    return Err(self.dec.err(h.offset, "an array is not a resource value"));
                }
                _ if path.len() < 3 => {
                    return Err(self
                        .dec
                        .err(at, "value above resource depth (path of fewer than 3 IDs)"));
                }
                Item::Value(value) => {
                    return Ok(Some(Event::Value {
                        path,
                        value,
                        time: None,
                    }));
                }
                Item::Null => return Ok(Some(Event::PathOnly(path))),
            }
        }
    }

    /// The byte offset reached.
    pub fn offset(&self) -> usize {
        self.dec.pos
    }

    /// [`Reader::read_instance`] without events: the walk of [`Lwm2mCborReader::step`]
    /// with the checks of [`super::sink_event`], in the same order, one call per map
    /// (at most four deep, as in `step`). Keys that are one small integer, and values
    /// that are integers, short definite text or small definite maps, are read inline
    /// without building paths; anything else (and every error) goes through the same
    /// [`Decoder`] methods `step` uses, at the same offset.
    fn walk<S: InstanceSink + ?Sized>(&mut self, scope: &Path, sink: &mut S) -> Result<(), Error> {
        let h = self.dec.head()?;
        if h.major != 5 {
            return Err(self
                .dec
                .err(h.offset, "LwM2M CBOR payload must be a map")
                .into());
        }
        let root = Open {
            remaining: h.arg,
            indefinite: h.indefinite(),
            inside: scope.is_empty(),
            len: 0,
            resource: 0,
            base: Path::ROOT,
        };
        self.entries(scope, sink, root, 1)?;
        if !self.dec.at_end() {
            return Err(self
                .dec
                .err(self.dec.pos, "trailing bytes after the LwM2M CBOR map")
                .into());
        }
        Ok(())
    }

    /// The entries of map `m`, the `depth`-th map open. Inside an instance or multiple
    /// resource in scope, entries of a small integer key and an integer, short text or
    /// small map value are read here; any other entry by [`Lwm2mCborReader::entry`]
    /// from its first byte.
    fn entries<S: InstanceSink + ?Sized>(
        &mut self,
        scope: &Path,
        sink: &mut S,
        m: Open,
        depth: usize,
    ) -> Result<(), Error> {
        let mut remaining = m.remaining;
        // Leaves here have resource or resource-instance paths inside the scope.
        let fast = m.len >= 2 && m.inside;
        let buf = self.dec.buf;
        loop {
            if m.indefinite {
                if self.dec.take_break() {
                    return Ok(());
                }
            } else if remaining == 0 {
                return Ok(());
            } else {
                remaining -= 1;
            }
            let at = self.dec.pos;
            if let (true, Some(&[k, b])) = (fast, buf.get(at..at + 2)) {
                let id = k as u16;
                let (resource, instance) = if m.len == 3 {
                    (m.resource, Some(id))
                } else {
                    (id, None)
                };
                let info = b & 0x1F;
                let leaf = match b >> 5 {
                    0 if k < 0x18 && info < 24 => {
                        self.dec.pos = at + 2;
                        Some(RawValue::Integer(info as i128))
                    }
                    0 if k < 0x18 && info < 27 => {
                        let n = 1 << (info - 24);
                        let v = match buf.get(at + 2..at + 2 + n) {
                            Some(&[a]) => a as u64,
                            Some(&[a, b]) => u16::from_be_bytes([a, b]) as u64,
                            Some(&[a, b, c, d]) => u32::from_be_bytes([a, b, c, d]) as u64,
                            _ => u64::MAX,
                        };
                        (v != u64::MAX).then(|| {
                            self.dec.pos = at + 2 + n;
                            RawValue::Integer(v as i128)
                        })
                    }
                    3 if k < 0x18 && info < 24 => {
                        let end = at + 2 + info as usize;
                        match buf.get(at + 2..end).map(core::str::from_utf8) {
                            Some(Ok(t)) => {
                                self.dec.pos = end;
                                Some(RawValue::Str(Cow::Borrowed(t)))
                            }
                            _ => None,
                        }
                    }
                    5 if k < 0x18 && info < 24 && m.len == 2 && depth < 4 => {
                        // A multiple resource in scope.
                        self.dec.pos = at + 2;
                        if let Err(e) = sink.clear_multiple(id) {
                            return Err(e.at(m.base.child(id).unwrap_or(m.base)));
                        }
                        let inner = Open {
                            remaining: info as u64,
                            indefinite: false,
                            inside: true,
                            len: 3,
                            resource: id,
                            base: m.base.child(id).unwrap_or(m.base),
                        };
                        self.entries(scope, sink, inner, depth + 1)?;
                        continue;
                    }
                    _ => None,
                };
                // Integers and borrowed text own nothing: no drop glue after the call.
                if let Some(v) = leaf.map(core::mem::ManuallyDrop::new) {
                    if let Err(e) = sink.set(resource, instance, &v) {
                        let p = m.base.child(id).unwrap_or(m.base);
                        return Err(e.at(p));
                    }
                    continue;
                }
                self.dec.pos = at;
            }
            self.entry(scope, sink, &m, depth)?;
        }
    }

    /// One entry of map `m` (the `depth`-th map open), from its key.
    #[inline(never)]
    fn entry<S: InstanceSink + ?Sized>(
        &mut self,
        scope: &Path,
        sink: &mut S,
        m: &Open,
        depth: usize,
    ) -> Result<(), Error> {
        let buf = self.dec.buf;
        let key = match buf.get(self.dec.pos) {
            Some(&id) if id < 0x18 => {
                self.dec.pos += 1;
                Key::Below(id as u16)
            }
            _ => Key::Path(self.key_slow(m.base)?),
        };
        // Where the key led: the number of IDs, the resource and resource-instance IDs.
        let (len, resource, instance) = match key {
            Key::Below(id) if m.len == 3 => (4, m.resource, Some(id)),
            Key::Below(id) => (m.len + 1, id, None),
            Key::Path(p) => (
                p.len() as u8,
                p.resource_id().unwrap_or(0),
                p.resource_instance_id(),
            ),
        };
        let path = || match key {
            Key::Below(id) => m.base.child(id).unwrap_or(m.base),
            Key::Path(p) => p,
        };
        let inside = || m.inside || scope.contains(&path());
        let start = self.dec.pos;
        let b = buf.get(start).copied().unwrap_or(0xFF);
        let info = b & 0x1F;
        // A leaf read inline; `None` when it takes the general path.
        let leaf = match b >> 5 {
            0 | 1 if info < 28 => {
                // An integer head is the whole item (no tag before it).
                let n = match info {
                    0..24 => 0,
                    _ => 1 << (info - 24),
                };
                buf.get(start + 1..start + 1 + n).map(|arg| {
                    let v = match *arg {
                        [] => info as u64,
                        [a] => a as u64,
                        [a, b] => u16::from_be_bytes([a, b]) as u64,
                        [a, b, c, d] => u32::from_be_bytes([a, b, c, d]) as u64,
                        _ => arg.iter().fold(0u64, |a, &x| a << 8 | x as u64),
                    };
                    self.dec.pos = start + 1 + n;
                    RawValue::Integer(if b >> 5 == 0 {
                        v as i128
                    } else {
                        -1 - v as i128
                    })
                })
            }
            3 if info < 24 => {
                let end = start + 1 + info as usize;
                match buf.get(start + 1..end).map(core::str::from_utf8) {
                    Some(Ok(t)) => {
                        self.dec.pos = end;
                        Some(RawValue::Str(Cow::Borrowed(t)))
                    }
                    _ => None,
                }
            }
            5 if info < 24 => {
                self.dec.pos = start + 1;
                let h = super::cbor::Head {
                    major: 5,
                    info,
                    arg: info as u64,
                    offset: start,
                };
                self.map(scope, sink, h, len, resource, path(), inside, depth)?;
                return Ok(());
            }
            _ => None,
        };
        // Integers and borrowed text own nothing: no drop glue after the call.
        if let Some(v) = leaf.map(core::mem::ManuallyDrop::new) {
            if len < 3 {
                return Err(self
                    .dec
                    .err(
                        start,
                        "value above resource depth (path of fewer than 3 IDs)",
                    )
                    .into());
            }
            if !inside() {
                return Err(outside(path()));
            }
            if let Err(e) = sink.set(resource, instance, &v) {
                return Err(e.at(path()));
            }
            return Ok(());
        }
        match self.item_slow()? {
            Item::Map(h) => self.map(scope, sink, h, len, resource, path(), inside, depth),
            Item::Array(h) => Err(self
                .dec
                .err(h.offset, "an array is not a resource value")
                .into()),
            _ if len < 3 => Err(self
                .dec
                .err(
                    start,
                    "value above resource depth (path of fewer than 3 IDs)",
                )
                .into()),
            Item::Value(v) => {
                if !inside() {
                    return Err(outside(path()));
                }
                sink.set(resource, instance, &v).map_err(|e| e.at(path()))
            }
            Item::Null => Err(Error::Path {
                path: path(),
                reason: "path without a value",
            }),
        }
    }

    /// [`Lwm2mCborReader::key`] out of the hot loop.
    #[inline(never)]
    fn key_slow(&mut self, base: Path) -> Result<Path, Lwm2mCborError> {
        self.key(base)
    }

    /// [`Decoder::item`] out of the hot loop.
    #[inline(never)]
    fn item_slow(&mut self) -> Result<Item<'a>, Lwm2mCborError> {
        self.dec.item()
    }

    /// A map value at `path` (`len` IDs, resource `resource`): an instance map must lie
    /// in `scope`, a multiple-resource map too and clears the resource; then its entries.
    #[allow(clippy::too_many_arguments)]
    #[inline(never)]
    fn map<S: InstanceSink + ?Sized>(
        &mut self,
        scope: &Path,
        sink: &mut S,
        h: super::cbor::Head,
        len: u8,
        resource: u16,
        path: Path,
        inside: impl Fn() -> bool,
        depth: usize,
    ) -> Result<(), Error> {
        if len >= 4 {
            return Err(self
                .dec
                .err(h.offset, "map below a resource instance (depth > 4)")
                .into());
        }
        if depth >= 4 {
            return Err(self
                .dec
                .err(h.offset, "maps nested deeper than a path allows")
                .into());
        }
        let inside = inside();
        if len >= 2 {
            if !inside {
                return Err(outside(path));
            }
            if len == 3 {
                sink.clear_multiple(resource).map_err(|e| e.at(path))?;
            }
        }
        let m = Open {
            remaining: h.arg,
            indefinite: h.indefinite(),
            inside,
            len,
            resource,
            base: path,
        };
        self.entries(scope, sink, m, depth + 1)
    }
}

/// What a key of [`Lwm2mCborReader::entries`] said.
#[derive(Clone, Copy)]
enum Key {
    /// One ID below the map's path (which is at most three deep).
    Below(u16),
    /// Any other key: the whole path.
    Path(Path),
}

/// A map [`Lwm2mCborReader::walk`] is in.
#[derive(Clone, Copy)]
struct Open {
    /// Entries left (definite maps).
    remaining: u64,
    indefinite: bool,
    /// Whether the scope contains `base` (then it contains everything below).
    inside: bool,
    /// The number of IDs of `base`.
    len: u8,
    /// The resource ID of `base` when it is a resource path.
    resource: u16,
    base: Path,
}

fn outside(path: Path) -> Error {
    Error::Path {
        path,
        reason: "outside the requested path",
    }
}

impl<'a> Reader<'a> for Lwm2mCborReader<'a> {
    type Error = Lwm2mCborError;

    #[inline]
    fn next_event(&mut self) -> Result<Option<Event<'a>>, Lwm2mCborError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let r = self.step();
        if let Err(e) = &r {
            self.failed = Some(e.clone());
        }
        r
    }

    /// A direct walk of the maps (no events) when nothing was read yet; otherwise the
    /// default. Afterwards the reader is at the end of the payload (or failed with the
    /// format error).
    fn read_instance<S: InstanceSink + ?Sized>(
        &mut self,
        scope: &Path,
        sink: &mut S,
    ) -> Result<(), Error> {
        if self.started || self.failed.is_some() {
            return super::read_instance_events(self, scope, sink);
        }
        self.started = true;
        let r = self.walk(scope, sink);
        match &r {
            Ok(()) => self.depth = 0,
            Err(Error::Format(e)) => self.failed = Some(e.clone()),
            Err(_) => {}
        }
        r
    }
}
