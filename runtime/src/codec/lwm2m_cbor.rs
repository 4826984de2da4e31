//! LwM2M CBOR (`application/vnd.oma.lwm2m+cbor`, 11544), LwM2M 1.2 (spec §11).
//!
//! A payload is one CBOR map whose keys are path IDs (an unsigned integer, or an array of
//! unsigned integers for several consecutive IDs) and whose values are nested maps or leaf
//! values (notation of [`wire::cbor`](super::wire::cbor)). The encoder writes
//! definite-length maps, each head written for the count announced (multiple resources) or
//! none, and fixed when the map ends if it differs (no look-ahead, no allocation into a
//! [`SliceOutput`](super::SliceOutput)):
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
use minicbor::encode::write::Cursor;

use super::wire::cbor::{HEAD_MAX, Item, Reader, head, write_error, write_head, write_value};
use super::{CborOut, Error, ErrorKind, Output, Sink, Syntax, Writer};
use crate::{ContentFormat, Path, Value, ValueRef};

const F: ContentFormat = ContentFormat::Lwm2mCbor;

/// Decodes a LwM2M CBOR payload addressed to `path`, feeding `sink`: an
/// [`Sink::instance`] for a map at an instance path, [`Sink::multiple`] for a map at a
/// resource path, [`Sink::value`] per leaf and [`Sink::path_only`] per `null` leaf. Errors
/// of the sink are located at the byte of their key.
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
    map(&mut r, Path::ROOT, count, sink)?;
    if !r.at_end() {
        return Err(r.err(r.pos(), ErrorKind::TrailingBytes));
    }
    Ok(())
}

/// Reads the `left` entries (`None`: indefinite) of the map at `base`, feeding `sink`. Each
/// key adds at least one ID and no map opens below a resource: maps nest four deep at most.
fn map<'a, S: Sink<'a> + ?Sized>(
    r: &mut Reader<'a>,
    base: Path,
    mut left: Option<u64>,
    sink: &mut S,
) -> Result<(), Error> {
    loop {
        match &mut left {
            Some(0) => return Ok(()),
            Some(n) => *n -= 1,
            None if r.take_break() => return Ok(()),
            None => {}
        }
        // The key: one ID (the common case) or an array of them.
        let key_at = r.pos();
        // (The type first: a read of the wrong type costs minicbor an allocated message.)
        let path = match r.datatype()? {
            Type::U8 | Type::U16 | Type::U32 | Type::U64 => {
                let id = r.run(|d| d.u64())?;
                child(r, base, id, key_at)?
            }
            t => ids(r, base, key_at, t)?,
        };
        let at = r.pos();
        let value = match r.item()? {
            Item::Map(map_at, _) if path.len() >= 4 => {
                return Err(r.err(map_at, ErrorKind::TooDeep));
            }
            Item::Map(_, n) => {
                let opened = match path.len() {
                    2 => sink.instance(path),
                    3 => sink.multiple(path),
                    _ => Ok(()),
                };
                opened.map_err(|e| e.in_format(F).or_offset(key_at))?;
                map(r, path, n, sink)?;
                continue;
            }
            Item::Array(array_at) => return Err(r.err(array_at, ErrorKind::Misplaced)),
            _ if path.len() < 3 => return Err(r.err(at, ErrorKind::Misplaced)),
            Item::Value(value) => sink.value(path, &value, None),
            Item::Null => sink.path_only(path),
        };
        value.map_err(|e| super::locate(e, F, key_at, at))?;
    }
}

/// A key at `at` that is not one ID, of type `t`: an array of IDs extending `base`.
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
        let id = r.run(|d| d.u64())?;
        path = child(r, path, id, id_at)?;
        n += 1;
    }
    if n == 0 {
        return Err(r.err(at, ErrorKind::NotAPath));
    }
    Ok(path)
}

/// `path` extended by `id`, the unsigned integer read at `at`.
#[inline]
fn child(r: &Reader<'_>, path: Path, id: u64, at: usize) -> Result<Path, Error> {
    let kind = match id {
        65535 => ErrorKind::ReservedId,
        65536.. => ErrorKind::NumberOutOfRange,
        // One constructor per level: cheaper than a child of any path.
        id => match *path.ids() {
            [] => return Ok(Path::object(id as u16)),
            [o] => return Ok(Path::instance(o, id as u16)),
            [o, i] => return Ok(Path::resource(o, i, id as u16)),
            [o, i, r] => return Ok(Path::resource_instance(o, i, r, id as u16)),
            _ => ErrorKind::TooDeep,
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

/// An open map: where its head is, the count that head was written for, how many entries
/// it has so far.
#[derive(Clone, Copy, Debug)]
struct OpenMap {
    start: usize,
    guess: u64,
    count: u64,
    level: Level,
}

/// Where a key and the head after it are gathered, to reach the output in one write: a
/// 16-bit key (3 bytes) and at most [`HEAD_MAX`] bytes.
type Staged = Encoder<Cursor<[u8; 3 + HEAD_MAX]>>;

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
            guess: 0,
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
        // The outer map and the path: at most 14 bytes, the map of a short path after.
        let mut s = Encoder::new(Cursor::new([0; 16]));
        s.map(1).map_err(|_| w.misuse())?;
        if ids.len() > 1 {
            s.array(ids.len() as u64).map_err(|_| w.misuse())?;
        }
        for &id in ids {
            s.u16(id).map_err(|_| w.misuse())?;
        }
        match ids.len() {
            1 => w.open(s, Level::Instances, 0)?,
            2 => w.open(s, Level::Resources, 0)?,
            _ => w.write(s, &[])?,
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

    fn misuse(&self) -> Error {
        Error::at(F, self.out.len(), ErrorKind::WriterMisuse)
    }

    fn top(&self) -> Option<Level> {
        self.depth.checked_sub(1).map(|d| self.stack[d].level)
    }

    /// Writes the bytes gathered in `s`, then `content` (a string's).
    fn write<const N: usize>(
        &mut self,
        s: Encoder<Cursor<[u8; N]>>,
        content: &[u8],
    ) -> Result<(), Error> {
        let c = s.into_writer();
        self.out.write(&c.get_ref()[..c.position()])?;
        if !content.is_empty() {
            self.out.write(content)?;
        }
        Ok(())
    }

    /// Writes what `s` gathered and the head of a map at `level`, for `guess` entries (the
    /// count announced, else 0); `close` fixes it when the count differs.
    fn open<const N: usize>(
        &mut self,
        mut s: Encoder<Cursor<[u8; N]>>,
        level: Level,
        guess: u64,
    ) -> Result<(), Error> {
        let start = self.out.len() + s.writer().position();
        let slot =
            self.stack
                .get_mut(self.depth)
                .ok_or(Error::at(F, start, ErrorKind::WriterMisuse))?;
        *slot = OpenMap {
            start,
            guess,
            count: 0,
            level,
        };
        self.depth += 1;
        s.map(guess).map_err(|_| self.misuse())?;
        self.write(s, &[])
    }

    /// Closes the innermost map, which must be at `level`, writing its final count when
    /// its head was written for another.
    fn close(&mut self, level: Level) -> Result<(), Error> {
        if self.top() != Some(level) {
            return Err(self.misuse());
        }
        let m = self.stack[self.depth - 1];
        if m.count != m.guess {
            let (h, n) = head(true, m.count);
            let was = head(true, m.guess).1;
            if n != was {
                self.out.shift(m.start + was, n as isize - was as isize)?;
            }
            self.out.patch(m.start, &h[..n]);
        }
        self.depth -= 1;
        Ok(())
    }

    /// Counts an entry of the innermost map and stages its key `id` in `s`.
    fn key(&mut self, s: &mut Staged, id: u16) -> Result<(), Error> {
        self.stack[self.depth - 1].count += 1;
        s.u16(id).map_err(|_| self.misuse())?;
        Ok(())
    }
}

impl<O: Output> Writer for Lwm2mCborWriter<O> {
    fn begin_instance(&mut self, id: u16) -> Result<(), Error> {
        if self.top() != Some(Level::Instances) {
            return Err(self.misuse());
        }
        let mut s = Encoder::new(Cursor::new([0; 3 + HEAD_MAX]));
        self.key(&mut s, id)?;
        self.open(s, Level::Resources, 0)
    }

    fn end_instance(&mut self) -> Result<(), Error> {
        if self.target != 1 {
            return Err(self.misuse());
        }
        self.close(Level::Resources)
    }

    fn begin_multiple(&mut self, id: u16, count: usize) -> Result<(), Error> {
        let mut s = Encoder::new(Cursor::new([0; 3 + HEAD_MAX]));
        match self.top() {
            Some(Level::Resources) => self.key(&mut s, id)?,
            None if self.target == 3 && !self.written => self.written = true,
            _ => return Err(self.misuse()),
        }
        self.open(s, Level::Multiple, count as u64)
    }

    fn end_multiple(&mut self) -> Result<(), Error> {
        self.close(Level::Multiple)
    }

    fn value(&mut self, id: u16, value: ValueRef<'_>) -> Result<(), Error> {
        let mut s = Encoder::new(Cursor::new([0; 3 + HEAD_MAX]));
        match self.top() {
            Some(Level::Resources | Level::Multiple) => self.key(&mut s, id)?,
            None if self.target >= 3 && !self.written => self.written = true,
            _ => return Err(self.misuse()),
        }
        let content = write_head(&mut s, value).map_err(|_| self.misuse())?;
        self.write(s, content)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::SliceOutput;

    /// The payload of instance `/3/0` holding resource 7 with `n` instances announced as
    /// `announced`, and resources 100.. up to `extra` more.
    fn instance(n: u16, announced: usize, extra: u16) -> Vec<u8> {
        let mut w = Lwm2mCborWriter::new(&Path::instance(3, 0), Vec::new()).unwrap();
        w.begin_multiple(7, announced).unwrap();
        for i in 0..n {
            w.value(i, ValueRef::Integer(i64::from(i) * 1000)).unwrap();
        }
        w.end_multiple().unwrap();
        for r in 0..extra {
            w.value(100 + r, ValueRef::String("x")).unwrap();
        }
        w.finish().unwrap()
    }

    #[test]
    fn map_heads_are_fixed_whatever_count_was_announced() {
        for n in [0, 1, 23, 24, 300] {
            let right = instance(n, n as usize, 30);
            let mut back = Vec::new();
            decode(&Path::instance(3, 0), &right, &mut back).unwrap();
            assert_eq!(back.len(), 2 + n as usize + 30);
            for announced in [0, 5, 24, 1000] {
                assert_eq!(
                    instance(n, announced, 30),
                    right,
                    "{n} announced as {announced}"
                );
            }
        }
    }

    #[test]
    fn a_caller_buffer_gets_the_same_bytes() {
        let right = instance(30, 30, 25);
        let mut buf = [0u8; 512];
        let mut w =
            Lwm2mCborWriter::new(&Path::instance(3, 0), SliceOutput::new(&mut buf)).unwrap();
        w.begin_multiple(7, 2).unwrap();
        for i in 0..30 {
            w.value(i, ValueRef::Integer(i64::from(i) * 1000)).unwrap();
        }
        w.end_multiple().unwrap();
        for r in 0..25 {
            w.value(100 + r, ValueRef::String("x")).unwrap();
        }
        assert_eq!(w.finish().unwrap().into_bytes(), &right[..]);
    }
}
