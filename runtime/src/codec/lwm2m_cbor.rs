//! LwM2M CBOR (`application/vnd.oma.lwm2m+cbor`, 11544), LwM2M 1.2 (spec §11).
//!
//! A payload is one CBOR map whose keys are path IDs (an unsigned integer, or an array of
//! unsigned integers for several consecutive IDs) and whose values are nested maps or leaf
//! values (notation of [`wire::cbor`](super::wire::cbor)). The encoder writes
//! definite-length maps, their counts fixed when a map ends (no look-ahead, no allocation
//! into a [`SliceOutput`](super::SliceOutput)):
//!
//! * a single target ([`Lwm2mCborWriter`]): `{<target path>: <content>}`, the target path as
//!   one key (an integer for `/O`, an array for deeper paths), then one integer key per
//!   level below (examples L1–L4);
//! * a composite payload ([`encode_leaves`]): the paths merged into a tree with one integer
//!   key per level (example L5).
//!
//! The decoder accepts definite and indefinite maps, integer and array keys at any level
//! (`{3: {0: {9: 87}}}` answers a Read of `/3/0/9` as well as `{[3, 0, 9]: 87}`), and
//! refuses: a top level that is not a map, keys that are not IDs (text keys, the LwM2M
//! gateway prefixes, are not supported), ID 65535 and above, paths deeper than four IDs,
//! values above resource depth, arrays as values and trailing bytes. Duplicate paths and
//! paths outside the target are the sink's to refuse ([`NodeBuilder`](super::NodeBuilder)
//! does). Composite payloads are decoded at the root path.

use alloc::vec::Vec;

use minicbor::Encoder;
use minicbor::data::Type;

use super::wire::cbor::{Item, Reader, head, write_error, write_value};
use super::{CborOut, Error, ErrorKind, Event, Output, Sink, Syntax, Writer};
use crate::{ContentFormat, Path, Value, ValueRef};

const F: ContentFormat = ContentFormat::Lwm2mCbor;

/// Decodes a LwM2M CBOR payload addressed to `path`, feeding `sink`: an
/// [`Event::Instance`] for a map at an instance path, an [`Event::MultipleResource`] for a
/// map at a resource path, an [`Event::Value`] per leaf and an [`Event::PathOnly`] per
/// `null` leaf. Events of the sink are located at the byte of their key.
pub fn decode<'a, S: Sink<'a> + ?Sized>(
    path: &Path,
    bytes: &'a [u8],
    sink: &mut S,
) -> Result<(), Error> {
    // Whether the payload stays within `path` is the sink's check.
    let _ = path;
    let mut r = Reader::new(bytes, F);
    let count = match r.datatype()? {
        Type::Map | Type::MapIndef => r.run(|d| d.map())?,
        Type::Unknown(_) => return Err(r.err(0, ErrorKind::Syntax(Syntax::InvalidCbor))),
        _ => return Err(r.err(0, ErrorKind::Syntax(Syntax::UnexpectedValue))),
    };
    // The open maps: their path and entries left (`None`: indefinite). Each key adds at
    // least one ID and no map opens below a resource, so four levels are enough.
    let mut open = [(Path::ROOT, count); 4];
    let mut depth = 1;
    while depth > 0 {
        let (base, left) = &mut open[depth - 1];
        let base = *base;
        match left {
            Some(0) => {
                depth -= 1;
                continue;
            }
            Some(n) => *n -= 1,
            None if r.take_break() => {
                depth -= 1;
                continue;
            }
            None => {}
        }
        let key_at = r.pos();
        let path = key(&mut r, base)?;
        let at = r.pos();
        let event = match r.item()? {
            Item::Map(map_at, _) if path.len() >= 4 => {
                return Err(r.err(map_at, ErrorKind::TooDeep));
            }
            Item::Map(_, n) => {
                open[depth] = (path, n);
                depth += 1;
                match path.len() {
                    2 => Event::Instance(path),
                    3 => Event::MultipleResource(path),
                    _ => continue,
                }
            }
            Item::Array(array_at) => return Err(r.err(array_at, ErrorKind::Misplaced)),
            _ if path.len() < 3 => return Err(r.err(at, ErrorKind::Misplaced)),
            Item::Value(value) => Event::Value {
                path,
                value,
                time: None,
            },
            Item::Null => Event::PathOnly(path),
        };
        sink.event(event)
            .map_err(|e| e.in_format(F).or_offset(key_at))?;
    }
    if !r.at_end() {
        return Err(r.err(r.pos(), ErrorKind::TrailingBytes));
    }
    Ok(())
}

/// A map key: `base` extended by one ID or by an array of them.
#[inline]
fn key(r: &mut Reader<'_>, base: Path) -> Result<Path, Error> {
    let at = r.pos();
    match r.datatype()? {
        // The common case: one ID.
        Type::U8 | Type::U16 | Type::U32 | Type::U64 => id(r, base, at),
        t => ids(r, base, at, t),
    }
}

/// A key at `at` of type `t` that is not an integer: an array of IDs extending `base`.
fn ids(r: &mut Reader<'_>, base: Path, at: usize, t: Type) -> Result<Path, Error> {
    let len = match t {
        Type::Array | Type::ArrayIndef => r.run(|d| d.array())?,
        t => return Err(r.err(at, key_kind(t))),
    };
    let mut path = base;
    let mut n = 0u64;
    loop {
        match len {
            Some(len) if n == len => break,
            None if r.take_break() => break,
            _ => {}
        }
        let id_at = r.pos();
        let t = r.datatype()?;
        if !matches!(t, Type::U8 | Type::U16 | Type::U32 | Type::U64) {
            return Err(r.err(id_at, key_kind(t)));
        }
        path = id(r, path, id_at)?;
        n += 1;
    }
    if n == 0 {
        return Err(r.err(at, ErrorKind::NotAPath));
    }
    Ok(path)
}

/// `path` extended by the unsigned integer at `at`, the next item.
#[inline]
fn id(r: &mut Reader<'_>, path: Path, at: usize) -> Result<Path, Error> {
    let kind = match r.run(|d| d.u64())? {
        65535 => ErrorKind::ReservedId,
        65536.. => ErrorKind::NumberOutOfRange,
        id => match path.child(id as u16) {
            Some(p) => return Ok(p),
            None => ErrorKind::TooDeep,
        },
    };
    Err(r.err(at, kind))
}

/// Why an item of type `t` is not an ID.
fn key_kind(t: Type) -> ErrorKind {
    match t {
        Type::Unknown(_) => ErrorKind::Syntax(Syntax::InvalidCbor),
        _ => ErrorKind::NotAPath,
    }
}

/// The maps a [`Lwm2mCborWriter`] can have open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Level {
    Instances,
    Resources,
    Multiple,
}

/// An open map: where its head is, how many entries it has so far.
#[derive(Clone, Copy, Debug)]
struct OpenMap {
    start: usize,
    count: u64,
    level: Level,
}

/// The LwM2M CBOR encoder for one target path (not the root: composite payloads go
/// through [`encode_leaves`]).
#[derive(Debug)]
pub struct Lwm2mCborWriter<O: Output> {
    out: O,
    target: usize,
    stack: [OpenMap; 3],
    depth: usize,
    written: bool,
}

impl<O: Output> Lwm2mCborWriter<O> {
    /// An encoder for a payload addressed to `path`; writes the outer map and the path key
    /// at once. The root is [`ErrorKind::Unsupported`].
    pub fn new(path: &Path, out: O) -> Result<Self, Error> {
        let ids = path.ids();
        if ids.is_empty() {
            return Err(Error::at_path(*path, ErrorKind::Unsupported).in_format(F));
        }
        let unused = OpenMap {
            start: 0,
            count: 0,
            level: Level::Instances,
        };
        let mut w = Lwm2mCborWriter {
            out,
            target: ids.len(),
            stack: [unused; 3],
            depth: 0,
            written: false,
        };
        let mut e = w.encoder();
        e.map(1).map_err(write_error)?;
        if ids.len() > 1 {
            e.array(ids.len() as u64).map_err(write_error)?;
        }
        for &id in ids {
            e.u16(id).map_err(write_error)?;
        }
        match ids.len() {
            1 => w.open(Level::Instances)?,
            2 => w.open(Level::Resources)?,
            _ => {}
        }
        Ok(w)
    }

    /// Closes the target's maps and returns the output; [`ErrorKind::NoValue`] when a
    /// resource or resource-instance target got no value, [`ErrorKind::WriterMisuse`] when
    /// a map is left open.
    pub fn finish(mut self) -> Result<O, Error> {
        match self.target {
            1 => self.close(Level::Instances)?,
            2 => self.close(Level::Resources)?,
            _ if !self.written => return Err(Error::at(F, self.out.len(), ErrorKind::NoValue)),
            _ => {}
        }
        if self.depth != 0 {
            return Err(self.misuse());
        }
        Ok(self.out)
    }

    fn encoder(&mut self) -> Encoder<CborOut<&mut O>> {
        Encoder::new(CborOut(&mut self.out))
    }

    fn misuse(&self) -> Error {
        Error::at(F, self.out.len(), ErrorKind::WriterMisuse)
    }

    fn top(&self) -> Option<Level> {
        self.depth.checked_sub(1).map(|d| self.stack[d].level)
    }

    /// Opens a map, its head written for fewer than 24 entries; `close` fixes it.
    fn open(&mut self, level: Level) -> Result<(), Error> {
        let start = self.out.len();
        let slot =
            self.stack
                .get_mut(self.depth)
                .ok_or(Error::at(F, start, ErrorKind::WriterMisuse))?;
        *slot = OpenMap {
            start,
            count: 0,
            level,
        };
        self.depth += 1;
        self.encoder().map(0).map_err(write_error)?;
        Ok(())
    }

    /// Closes the innermost map, which must be at `level`, writing its final count.
    fn close(&mut self, level: Level) -> Result<(), Error> {
        if self.top() != Some(level) {
            return Err(self.misuse());
        }
        let m = self.stack[self.depth - 1];
        let (h, n) = head(true, m.count);
        if n > 1 {
            self.out.shift(m.start + 1, n as isize - 1)?;
        }
        self.out.patch(m.start, &h[..n]);
        self.depth -= 1;
        Ok(())
    }

    /// Writes key `id` into the innermost map.
    fn key(&mut self, id: u16) -> Result<(), Error> {
        self.stack[self.depth - 1].count += 1;
        self.encoder().u16(id).map_err(write_error)?;
        Ok(())
    }
}

impl<O: Output> Writer for Lwm2mCborWriter<O> {
    fn begin_instance(&mut self, id: u16) -> Result<(), Error> {
        if self.top() != Some(Level::Instances) {
            return Err(self.misuse());
        }
        self.key(id)?;
        self.open(Level::Resources)
    }

    fn end_instance(&mut self) -> Result<(), Error> {
        if self.target != 1 {
            return Err(self.misuse());
        }
        self.close(Level::Resources)
    }

    fn begin_multiple(&mut self, id: u16, _count: usize) -> Result<(), Error> {
        match self.top() {
            Some(Level::Resources) => self.key(id)?,
            None if self.target == 3 && !self.written => self.written = true,
            _ => return Err(self.misuse()),
        }
        self.open(Level::Multiple)
    }

    fn end_multiple(&mut self) -> Result<(), Error> {
        self.close(Level::Multiple)
    }

    fn value(&mut self, id: u16, value: ValueRef<'_>) -> Result<(), Error> {
        match self.top() {
            Some(Level::Resources | Level::Multiple) => self.key(id)?,
            None if self.target >= 3 && !self.written => self.written = true,
            _ => return Err(self.misuse()),
        }
        write_value(&mut self.encoder(), value).map_err(write_error)
    }
}

/// Encodes (resource or resource-instance path, value) leaves as one composite payload
/// (Read-Composite response, Send, Write-Composite): the paths merged into one tree of maps
/// with one integer key per level, IDs ascending (example L5). A path above resource depth
/// is [`ErrorKind::Misplaced`], a path given twice [`ErrorKind::DuplicatePath`], a value
/// and instances of one resource [`ErrorKind::ValueAndInstances`].
pub fn encode_leaves(leaves: &[(Path, Value)]) -> Result<Vec<u8>, Error> {
    let mut refs: Vec<(Path, ValueRef<'_>)> =
        leaves.iter().map(|(p, v)| (*p, v.as_value_ref())).collect();
    if let Some((p, _)) = refs.iter().find(|(p, _)| p.len() < 3) {
        return Err(Error::at_path(*p, ErrorKind::Misplaced).in_format(F));
    }
    refs.sort_by_key(|(p, _)| *p);
    for w in refs.windows(2) {
        if w[0].0.contains(&w[1].0) {
            let same = w[0].0 == w[1].0;
            let kind = if same {
                ErrorKind::DuplicatePath
            } else {
                ErrorKind::ValueAndInstances
            };
            return Err(Error::at_path(w[1].0, kind).in_format(F));
        }
    }
    let mut e = Encoder::new(CborOut(Vec::with_capacity(16 + 12 * refs.len())));
    level(&mut e, &refs, 0).map_err(write_error)?;
    Ok(e.into_writer().0)
}

/// Writes the map of the IDs at `depth` of `leaves` (sorted, all sharing their first
/// `depth` IDs). Recursion depth is at most four.
fn level(
    e: &mut Encoder<CborOut<Vec<u8>>>,
    leaves: &[(Path, ValueRef<'_>)],
    depth: usize,
) -> Result<(), minicbor::encode::Error<Error>> {
    let id = |k: usize| leaves[k].0.ids()[depth];
    let groups = 1 + (1..leaves.len()).filter(|&k| id(k) != id(k - 1)).count();
    e.map(if leaves.is_empty() { 0 } else { groups as u64 })?;
    let mut i = 0;
    while i < leaves.len() {
        let j = (i..leaves.len())
            .find(|&k| id(k) != id(i))
            .unwrap_or(leaves.len());
        e.u16(id(i))?;
        match &leaves[i..j] {
            [(p, v)] if p.len() == depth + 1 => write_value(e, *v)?,
            group => level(e, group, depth + 1)?,
        }
        i = j;
    }
    Ok(())
}
