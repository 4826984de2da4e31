//! OMA TLV (`application/vnd.oma.lwm2m+tlv`, 11542).
//!
//! Encoding ([`TlvWriter`]) writes into any [`Output`]: a `Vec<u8>` ([`encode`]) or a
//! caller's buffer without heap allocation ([`encode_into`], [`SliceOutput`]).
//! Container lengths are fixed when the container ends, moving its content when the
//! length field needs another size than guessed.
//!
//! Choices (spec §7, §13):
//! * Integer and Time: smallest of 1/2/4/8 bytes, two's complement.
//! * Unsigned Integer: the smallest width whose top bit stays clear (255 → `00 FF`), so
//!   that readers taking it as signed (Leshan) and as unsigned (Anjay, the spec) agree;
//!   8 bytes for values ≥ 2^63. Read back as unsigned.
//! * Float: 4 bytes (binary32) when that is lossless, else 8 (Anjay's choice; the spec's
//!   T5 example). The decoder accepts both.
//! * An object path wraps every instance in an Object Instance TLV, even a lone one. At an
//!   instance path resources stand bare; on input a single Object Instance TLV whose ID
//!   matches the path is accepted too, and at an object path bare resources are read as
//!   instance 0 (the spec's lenient rules).
//!
//! The decoder ([`TlvReader`]) validates everything §7.3 lists: duplicate IDs at one level,
//! kind-01 TLVs outside a Multiple Resource TLV (or the single TLV of a resource-instance
//! path), Object Instance TLVs inside containers, containers whose children do not
//! exactly fill them, truncated headers and values, and trailing bytes. It never allocates
//! from a length field; nesting is at most three levels by construction.

use alloc::boxed::Box;
use alloc::vec::Vec;

use super::{
    Error, Event, FormatError, InstanceSink, Output, RawValue, Reader, SliceOutput, TypeLookup,
    ValueRef, Writer,
};
use crate::{ContentFormat, Node, NodeRef, Path};

const F: ContentFormat = ContentFormat::Tlv;

/// The error type of the TLV codec: byte offset and reason.
pub type TlvError = FormatError;

fn err(offset: usize, reason: &'static str) -> TlvError {
    FormatError::new(F, offset, reason)
}

/// Largest value or container length a TLV header can state (24-bit field).
pub const MAX_LENGTH: usize = 0xFF_FFFF;

const KIND_INSTANCE: u8 = 0;
const KIND_RESOURCE_INSTANCE: u8 = 1;
const KIND_MULTIPLE: u8 = 2;
const KIND_RESOURCE: u8 = 3;

/// The header of [`header`] as big-endian bytes in the top of a `u64` (register-built:
/// no byte-wise stores), and its length.
#[inline(always)]
fn header_bits(kind: u8, id: u16, len: usize) -> (u64, usize) {
    let mut t = (kind as u64) << 6;
    let (mut bits, mut n) = if id > 255 {
        t |= 0x20;
        (id as u64, 3)
    } else {
        (id as u64, 2)
    };
    if len < 8 {
        t |= len as u64;
    } else if len < 0x100 {
        t |= 0x08;
        bits = bits << 8 | len as u64;
        n += 1;
    } else if len < 0x1_0000 {
        t |= 0x10;
        bits = bits << 16 | len as u64;
        n += 2;
    } else {
        t |= 0x18;
        bits = bits << 24 | (len as u64 & 0xFF_FFFF);
        n += 3;
    }
    bits |= t << (8 * (n - 1));
    (bits << (64 - 8 * n), n)
}

/// [`header_bits`] for a value shorter than 256 bytes (of at most 8 bytes for inline
/// values: only 8 needs a length byte).
#[inline(always)]
fn inline_header_bits(kind: u8, id: u16, len: usize) -> (u64, usize) {
    let wide = id > 255;
    let idn = 1 + wide as usize;
    let t = (kind as u64) << 6 | (wide as u64) << 5;
    let (bits, n) = if len < 8 {
        ((t | len as u64) << (8 * idn) | id as u64, 1 + idn)
    } else {
        (
            ((t | 0x08) << (8 * idn) | id as u64) << 8 | len as u64,
            2 + idn,
        )
    };
    (bits << (64 - 8 * n), n)
}

/// [`header_bits`] for a value shorter than 256 bytes (at most one length byte): the
/// same computation as [`inline_header_bits`].
#[inline(always)]
fn short_header_bits(kind: u8, id: u16, len: usize) -> (u64, usize) {
    debug_assert!(len < 0x100);
    inline_header_bits(kind, id, len)
}

/// The header of a TLV of `kind` with `id` and a value of `len` bytes, shortest form.
#[cfg(test)]
fn header(kind: u8, id: u16, len: usize) -> ([u8; 6], usize) {
    let mut h = [0u8; 6];
    let mut t = kind << 6;
    let mut n = if id > 255 {
        t |= 0x20;
        h[1..3].copy_from_slice(&id.to_be_bytes());
        3
    } else {
        h[1] = id as u8;
        2
    };
    if len < 8 {
        t |= len as u8;
    } else if len < 0x100 {
        t |= 0x08;
        h[n] = len as u8;
        n += 1;
    } else if len < 0x1_0000 {
        t |= 0x10;
        h[n..n + 2].copy_from_slice(&(len as u16).to_be_bytes());
        n += 2;
    } else {
        t |= 0x18;
        let b = (len as u32).to_be_bytes();
        h[n..n + 3].copy_from_slice(&b[1..]);
        n += 3;
    }
    h[0] = t;
    (h, n)
}

/// The smallest of 1/2/4/8 big-endian two's complement bytes holding `v`, left-aligned.
#[inline(always)]
fn int_bytes(v: i64) -> ([u8; 8], usize) {
    let n = if v as i8 as i64 == v {
        1
    } else if v as i16 as i64 == v {
        2
    } else if v as i32 as i64 == v {
        4
    } else {
        8
    };
    (((v as u64) << (64 - 8 * n as u32) as u64).to_be_bytes(), n)
}

/// The value bytes of `v`: borrowed, or up to 8 bytes left-aligned in a small buffer.
enum ValueBytes<'a> {
    Borrowed(&'a [u8]),
    Inline([u8; 8], usize),
}

#[inline(always)]
fn value_bytes<'a>(v: &ValueRef<'a>) -> ValueBytes<'a> {
    let int = |v: i64| {
        let (b, n) = int_bytes(v);
        ValueBytes::Inline(b, n)
    };
    match *v {
        ValueRef::String(s) | ValueRef::Corelnk(s) => ValueBytes::Borrowed(s.as_bytes()),
        ValueRef::Opaque(b) => ValueBytes::Borrowed(b),
        ValueRef::Integer(i) => int(i),
        ValueRef::Time(t) => int(t.0),
        ValueRef::UnsignedInteger(u) => {
            if u <= i64::MAX as u64 {
                int(u as i64)
            } else {
                ValueBytes::Inline(u.to_be_bytes(), 8)
            }
        }
        ValueRef::Float(f) => {
            let s = f as f32;
            if s as f64 == f {
                ValueBytes::Inline(((s.to_bits() as u64) << 32).to_be_bytes(), 4)
            } else {
                ValueBytes::Inline(f.to_be_bytes(), 8)
            }
        }
        ValueRef::Boolean(b) => ValueBytes::Inline([b as u8, 0, 0, 0, 0, 0, 0, 0], 1),
        ValueRef::Objlnk(l) => ValueBytes::Inline(
            (((l.object_id as u64) << 48) | ((l.instance_id as u64) << 32)).to_be_bytes(),
            4,
        ),
    }
}

#[derive(Clone, Copy, Debug, Default)]
struct Open {
    start: usize,
    reserved: u8,
    kind: u8,
    id: u16,
}

/// [`TlvWriter::value_kind`] beyond the four TLV kinds: why no value is allowed now.
const REFUSE_NEEDS_INSTANCE: u8 = 4;
const REFUSE_SECOND_VALUE: u8 = 5;

/// A TLV encoder for one target path, writing into an [`Output`].
#[derive(Debug)]
pub struct TlvWriter<O: Output> {
    out: O,
    target: u8,
    stack: [Open; 2],
    depth: u8,
    top_items: u32,
    // The kind of TLV `value` writes in the current state, or a `REFUSE_*` reason; kept
    // up to date by every state change so that `value` tests one byte.
    value_kind: u8,
}

impl<O: Output> TlvWriter<O> {
    /// An encoder for a payload addressed to `path` (not the root).
    pub fn new(path: &Path, out: O) -> Self {
        let mut w = TlvWriter {
            out,
            target: path.len() as u8,
            stack: [Open::default(); 2],
            depth: 0,
            top_items: 0,
            value_kind: 0,
        };
        w.value_kind = w.compute_value_kind();
        w
    }

    /// What `value` writes in the current state (see `value_kind`).
    #[inline]
    fn compute_value_kind(&self) -> u8 {
        match (self.target, self.current_kind()) {
            (_, Some(KIND_MULTIPLE)) => KIND_RESOURCE_INSTANCE,
            (1, Some(KIND_INSTANCE)) | (2, None) => KIND_RESOURCE,
            (3, None) if self.top_items == 0 => KIND_RESOURCE,
            (4, None) if self.top_items == 0 => KIND_RESOURCE_INSTANCE,
            (1, None) => REFUSE_NEEDS_INSTANCE,
            _ => REFUSE_SECOND_VALUE,
        }
    }

    #[cold]
    #[inline(never)]
    fn refuse_value(&self) -> TlvError {
        self.misuse(if self.value_kind == REFUSE_NEEDS_INSTANCE {
            "a value at an object path needs an object instance"
        } else {
            "a second value for a single target"
        })
    }

    /// Checks that every container was closed and returns the output.
    pub fn finish(self) -> Result<O, TlvError> {
        if self.depth != 0 {
            return Err(err(self.out.len(), "a container was not closed"));
        }
        Ok(self.out)
    }

    fn misuse(&self, reason: &'static str) -> TlvError {
        err(self.out.len(), reason)
    }

    #[inline(always)]
    fn open(&mut self, kind: u8, id: u16) -> Result<(), TlvError> {
        let start = self.out.len();
        let depth = self.depth as usize;
        if depth >= self.stack.len() {
            return Err(err(start, "containers nested too deep"));
        }
        // Guess the inline length form (the shortest header, so that a fixed buffer never
        // needs more room than the final payload); `close` fixes the header.
        let (h, n) = short_header_bits(kind, id, 0);
        self.out
            .write_words(h, 0, n)
            .map_err(|_| FormatError::buffer_full(F, start))?;
        self.stack[depth] = Open {
            start,
            reserved: n as u8,
            kind,
            id,
        };
        self.depth += 1;
        if depth == 0 {
            self.top_items += 1;
        }
        // Inside a multiple resource values are resource instances; inside an object
        // instance (opened at an object path only) resources.
        self.value_kind = if kind == KIND_MULTIPLE {
            KIND_RESOURCE_INSTANCE
        } else {
            KIND_RESOURCE
        };
        debug_assert_eq!(self.value_kind, self.compute_value_kind());
        Ok(())
    }

    #[inline(always)]
    fn close(&mut self, kind: u8) -> Result<(), TlvError> {
        let top = match self.depth.checked_sub(1) {
            Some(d) if self.stack[d as usize].kind == kind => self.stack[d as usize],
            _ => return Err(self.misuse("end of a container that was not begun")),
        };
        let body = top.start + top.reserved as usize;
        let content = self.out.len() - body;
        if content > MAX_LENGTH {
            return Err(err(top.start, "container longer than 16 MiB - 1"));
        }
        let (h, n) = if content < 0x100 {
            short_header_bits(top.kind, top.id, content)
        } else {
            header_bits(top.kind, top.id, content)
        };
        if n != top.reserved as usize {
            self.move_content(body, n as isize - top.reserved as isize)?;
        }
        self.out.patch(top.start, &h.to_be_bytes()[..n]);
        self.depth -= 1;
        // After a multiple resource: resources again, except after the single multiple
        // resource of a resource path.
        self.value_kind = if kind == KIND_MULTIPLE && self.target <= 2 {
            KIND_RESOURCE
        } else {
            self.compute_value_kind()
        };
        debug_assert_eq!(self.value_kind, self.compute_value_kind());
        Ok(())
    }

    /// Makes room for a longer container header than guessed.
    #[cold]
    #[inline(never)]
    fn move_content(&mut self, body: usize, delta: isize) -> Result<(), TlvError> {
        self.out
            .shift(body, delta)
            .map_err(|_| FormatError::buffer_full(F, self.out.len()))
    }

    fn current_kind(&self) -> Option<u8> {
        self.depth
            .checked_sub(1)
            .map(|d| self.stack[d as usize].kind)
    }
}

impl<O: Output> Writer for TlvWriter<O> {
    type Error = TlvError;

    fn begin_instance(&mut self, id: u16) -> Result<(), TlvError> {
        if self.target != 1 || self.depth != 0 {
            return Err(self.misuse("object instances can only be written at an object path"));
        }
        self.open(KIND_INSTANCE, id)
    }

    fn end_instance(&mut self) -> Result<(), TlvError> {
        self.close(KIND_INSTANCE)
    }

    #[inline(always)]
    fn begin_multiple(&mut self, id: u16, _count: usize) -> Result<(), TlvError> {
        // Allowed exactly where a value would be a resource TLV.
        if self.value_kind != KIND_RESOURCE {
            return Err(self.misuse("a multiple resource is not allowed here"));
        }
        self.open(KIND_MULTIPLE, id)
    }

    #[inline(always)]
    fn end_multiple(&mut self) -> Result<(), TlvError> {
        self.close(KIND_MULTIPLE)
    }

    // Inlined into generated code, where the value's variant and the ID are constants.
    #[inline(always)]
    fn value(&mut self, id: u16, value: ValueRef<'_>) -> Result<(), TlvError> {
        let kind = self.value_kind;
        if kind > KIND_RESOURCE {
            return Err(self.refuse_value());
        }
        self.put(kind, id, &value)?;
        // Only a single target (resource or resource-instance path) counts its top-level
        // items: a second value is refused there.
        if self.target >= 3 && self.depth == 0 {
            self.top_items += 1;
            self.value_kind = self.compute_value_kind();
        }
        Ok(())
    }

    // The container's length is the sum of its instances' sizes, known before writing:
    // its header is written once in its final form (no guess to patch or move).
    #[inline(always)]
    fn multiple<'v, I>(&mut self, id: u16, instances: I) -> Result<(), TlvError>
    where
        I: ExactSizeIterator<Item = (u16, ValueRef<'v>)> + Clone,
    {
        let start = self.out.len();
        if self.value_kind == KIND_RESOURCE && (self.depth as usize) < self.stack.len() {
            let content = instances.clone().fold(0usize, |sum, (ri, v)| {
                let n = value_len(&v);
                sum.saturating_add(n + header_len(ri, n))
            });
            if content <= MAX_LENGTH && self.put_multiple(id, content, instances.clone()).is_ok() {
                // The state `begin_multiple` + `end_multiple` leave behind.
                if self.depth == 0 {
                    self.top_items += 1;
                }
                self.value_kind = if self.target <= 2 {
                    KIND_RESOURCE
                } else {
                    self.compute_value_kind()
                };
                debug_assert_eq!(self.value_kind, self.compute_value_kind());
                return Ok(());
            }
            // No room (or too long): undo, and fail exactly where the general path fails.
            let written = self.out.len() - start;
            let _ = self.out.shift(self.out.len(), -(written as isize));
        }
        self.begin_multiple(id, instances.len())?;
        for (ri, v) in instances {
            self.value(ri, v)?;
        }
        self.end_multiple()
    }
}

impl<O: Output> TlvWriter<O> {
    /// Writes one value TLV of `kind`.
    #[inline(always)]
    fn put(&mut self, kind: u8, id: u16, value: &ValueRef<'_>) -> Result<(), TlvError> {
        let at = self.out.len();
        let full = |_| FormatError::buffer_full(F, at);
        match value_bytes(value) {
            ValueBytes::Inline(b, n) => {
                // Header and value (together at most 12 bytes) in two words.
                let (h, hn) = inline_header_bits(kind, id, n);
                let v = u64::from_be_bytes(b);
                let hi = h | v >> (8 * hn);
                let lo = v << (64 - 8 * hn);
                self.out.write_words(hi, lo, hn + n).map_err(full)?;
            }
            ValueBytes::Borrowed(bytes) => {
                let (h, hn) = if bytes.len() < 0x100 {
                    short_header_bits(kind, id, bytes.len())
                } else if bytes.len() > MAX_LENGTH {
                    return Err(self.misuse("value longer than 16 MiB - 1"));
                } else {
                    header_bits(kind, id, bytes.len())
                };
                self.out.write_words(h, 0, hn).map_err(full)?;
                self.out.write(bytes).map_err(full)?;
            }
        }
        Ok(())
    }

    /// A Multiple Resource TLV of `content` bytes (at most [`MAX_LENGTH`]) and its
    /// resource instances; any error leaves the output to be undone by the caller.
    #[inline(always)]
    fn put_multiple<'v>(
        &mut self,
        id: u16,
        content: usize,
        instances: impl Iterator<Item = (u16, ValueRef<'v>)>,
    ) -> Result<(), TlvError> {
        let (h, n) = if content < 0x100 {
            short_header_bits(KIND_MULTIPLE, id, content)
        } else {
            header_bits(KIND_MULTIPLE, id, content)
        };
        let at = self.out.len();
        self.out
            .write_words(h, 0, n)
            .map_err(|_| FormatError::buffer_full(F, at))?;
        for (ri, v) in instances {
            self.put(KIND_RESOURCE_INSTANCE, ri, &v)?;
        }
        Ok(())
    }
}

/// The size of the bytes [`value_bytes`] gives for `v`.
#[inline(always)]
fn value_len(v: &ValueRef<'_>) -> usize {
    match value_bytes(v) {
        ValueBytes::Inline(_, n) => n,
        ValueBytes::Borrowed(b) => b.len(),
    }
}

/// The size of a TLV header for `id` and a value of `len` bytes (at most [`MAX_LENGTH`];
/// larger lengths give a size all the same, their TLV is refused elsewhere).
#[inline(always)]
fn header_len(id: u16, len: usize) -> usize {
    2 + (id > 255) as usize
        + match len {
            0..8 => 0,
            8..0x100 => 1,
            0x100..0x1_0000 => 2,
            _ => 3,
        }
}

/// Encodes `node` addressed to `path` as TLV.
///
/// Container sizes are computed first, so every header is written once in its final
/// form; the vector is allocated once for a typical payload of the node's shape.
// `vec![0; cap]` allocates through calloc, which takes the allocator's slow path.
#[allow(clippy::slow_vector_initialization)]
pub fn encode(path: &Path, node: &Node) -> Result<Vec<u8>, Error> {
    super::check_node_path(path, node)?;
    // Into a zeroed vector of the guessed size through a slice (each header and short
    // value one store, no capacity checks); when that is too small (or anything fails),
    // again into a growing vector, which gives the same bytes or the same error.
    let cap = super::capacity_guess(node);
    let mut buf = Vec::with_capacity(cap);
    buf.resize(cap, 0);
    let mut slice = SliceOutput::new(&mut buf);
    if write(node, &mut slice).is_ok() {
        let n = slice.len();
        buf.truncate(n);
        return Ok(buf);
    }
    let mut out = Vec::with_capacity(cap);
    write(node, &mut out)?;
    Ok(out)
}

/// Encodes `node` addressed to `path` into `buf` without allocating; returns the length
/// ("output buffer full" when it does not fit).
pub fn encode_into(path: &Path, node: &Node, buf: &mut [u8]) -> Result<usize, Error> {
    let mut out = SliceOutput::new(buf);
    encode_to(path, node, &mut out)?;
    Ok(out.len())
}

/// Encodes `node` addressed to `path`, appending to any [`Output`].
pub fn encode_to<O: Output>(path: &Path, node: &Node, mut out: O) -> Result<(), Error> {
    super::check_node_path(path, node)?;
    write(node, &mut out)
}

fn write<O: Output>(node: &Node, out: &mut O) -> Result<(), Error> {
    direct_enc::write_node(node, out).map_err(|e| {
        match e {
            direct_enc::WriteError::Full => FormatError::buffer_full(F, out.len()),
            direct_enc::WriteError::TooLong => {
                err(out.len(), "value or container longer than 16 MiB - 1")
            }
        }
        .into()
    })
}

/// Encodes through [`TlvWriter`] (the push API generated code uses): the reference the
/// direct encoder of [`encode`] is tested against.
pub fn encode_with_writer(path: &Path, node: &Node) -> Result<Vec<u8>, Error> {
    super::check_node_path(path, node)?;
    let mut w = TlvWriter::new(path, Vec::with_capacity(super::size_hint(node)));
    super::encode_node(node, &mut w)?;
    Ok(w.finish()?)
}

/// The direct Node → TLV encoder: lengths first, then one pass of final headers.
mod direct_enc {
    use super::{
        Error, KIND_INSTANCE, KIND_MULTIPLE, KIND_RESOURCE, KIND_RESOURCE_INSTANCE, MAX_LENGTH,
        ValueBytes, err, header_bits, header_len, inline_header_bits, value_bytes,
    };
    use crate::codec::{Output, OutputFull};
    use crate::{InstanceNode, Node, ResourceNode, ResourceValue, Value};

    #[inline]
    fn int_len(v: i64) -> usize {
        if v as i8 as i64 == v {
            1
        } else if v as i16 as i64 == v {
            2
        } else if v as i32 as i64 == v {
            4
        } else {
            8
        }
    }

    /// The value size [`value_bytes`] gives, without building the bytes.
    #[inline]
    fn value_len(v: &Value) -> usize {
        match v {
            Value::String(s) => s.len(),
            Value::Corelnk(c) => c.0.len(),
            Value::Opaque(b) => b.len(),
            Value::Integer(i) => int_len(*i),
            Value::Time(t) => int_len(t.0),
            Value::UnsignedInteger(u) if *u <= i64::MAX as u64 => int_len(*u as i64),
            Value::UnsignedInteger(_) => 8,
            Value::Float(f) if (*f as f32) as f64 == *f => 4,
            Value::Float(_) => 8,
            Value::Boolean(_) => 1,
            Value::Objlnk(_) => 4,
        }
    }

    #[inline]
    fn tlv_len(id: u16, len: usize) -> Result<usize, Error> {
        if len > MAX_LENGTH {
            return Err(err(0, "value or container longer than 16 MiB - 1").into());
        }
        Ok(header_len(id, len) + len)
    }

    fn multiple_content(list: &[crate::ResourceInstanceNode]) -> Result<usize, Error> {
        list.iter()
            .try_fold(0, |a, ri| Ok(a + tlv_len(ri.id, value_len(&ri.value))?))
    }

    fn resource_len(r: &ResourceNode) -> Result<usize, Error> {
        match &r.value {
            ResourceValue::Single(v) => tlv_len(r.id, value_len(v)),
            ResourceValue::Multiple(list) => tlv_len(r.id, multiple_content(list)?),
        }
    }

    fn instance_content(i: &InstanceNode) -> Result<usize, Error> {
        i.resources
            .iter()
            .try_fold(0, |a, r| Ok(a + resource_len(r)?))
    }

    /// Why writing stopped.
    pub(super) enum WriteError {
        /// The output has no room.
        Full,
        /// A value or container is longer than a TLV length field can state.
        TooLong,
    }

    impl From<OutputFull> for WriteError {
        fn from(_: OutputFull) -> Self {
            WriteError::Full
        }
    }

    #[inline(always)]
    fn header<O: Output>(out: &mut O, kind: u8, id: u16, len: usize) -> Result<(), WriteError> {
        let (h, n) = if len < 0x100 {
            inline_header_bits(kind, id, len)
        } else if len > MAX_LENGTH {
            return Err(WriteError::TooLong);
        } else {
            header_bits(kind, id, len)
        };
        Ok(out.write_words(h, 0, n)?)
    }

    #[inline(always)]
    fn value<O: Output>(out: &mut O, kind: u8, id: u16, v: &Value) -> Result<(), WriteError> {
        match value_bytes(&v.as_value_ref()) {
            ValueBytes::Inline(b, n) => {
                let (h, hn) = inline_header_bits(kind, id, n);
                let v = u64::from_be_bytes(b);
                Ok(out.write_words(h | v >> (8 * hn), v << (64 - 8 * hn), hn + n)?)
            }
            ValueBytes::Borrowed(bytes) => {
                header(out, kind, id, bytes.len())?;
                Ok(out.write(bytes)?)
            }
        }
    }

    #[inline(always)]
    fn resource<O: Output>(out: &mut O, r: &ResourceNode) -> Result<(), WriteError> {
        match &r.value {
            ResourceValue::Single(v) => value(out, KIND_RESOURCE, r.id, v),
            ResourceValue::Multiple(list) => {
                let content = multiple_content(list).map_err(|_| WriteError::TooLong)?;
                header(out, KIND_MULTIPLE, r.id, content)?;
                for ri in list {
                    value(out, KIND_RESOURCE_INSTANCE, ri.id, &ri.value)?;
                }
                Ok(())
            }
        }
    }

    /// Writes `node`, checking lengths on the way.
    pub(super) fn write_node<O: Output>(node: &Node, out: &mut O) -> Result<(), WriteError> {
        match node {
            Node::Object(o) => {
                for i in &o.instances {
                    let content = instance_content(i).map_err(|_| WriteError::TooLong)?;
                    header(out, KIND_INSTANCE, i.id, content)?;
                    for r in &i.resources {
                        resource(out, r)?;
                    }
                }
                Ok(())
            }
            Node::Instance(i) => i.resources.iter().try_for_each(|r| resource(out, r)),
            Node::Resource(r) => resource(out, r),
            Node::ResourceInstance(ri) => value(out, KIND_RESOURCE_INSTANCE, ri.id, &ri.value),
        }
    }
}

/// Decodes a TLV payload addressed to `path`.
///
/// This builds the node directly (no events), with exactly the checks and errors of
/// [`TlvReader`] followed by [`super::NodeBuilder`]; a property test holds the two equal.
pub fn decode(path: &Path, bytes: &[u8], types: &dyn TypeLookup) -> Result<Node, Error> {
    direct::decode::<direct::Owned>(path, bytes, types)
}

/// Decodes a TLV payload addressed to `path` into a tree borrowing `bytes`: strings, core
/// links and opaque values are slices of the payload (UTF-8 checked in place), so only
/// the lists of children are allocated.
///
/// The same parser as [`decode`]: the same payloads are accepted, with the same typing,
/// and refused with the same errors; [`NodeRef::to_node`] of the result equals what
/// [`decode`] gives.
pub fn decode_ref<'a>(
    path: &Path,
    bytes: &'a [u8],
    types: &dyn TypeLookup,
) -> Result<NodeRef<'a>, Error> {
    direct::decode::<direct::Borrowed>(path, bytes, types)
}

/// Decodes through the event API ([`TlvReader`] and [`super::decode_node`]): the
/// reference the direct decoder is tested against.
pub fn decode_with_events(
    path: &Path,
    bytes: &[u8],
    types: &dyn TypeLookup,
) -> Result<Node, Error> {
    super::decode_node(path, &mut TlvReader::new(path, bytes), types)
}

/// The direct TLV → [`Node`] / [`NodeRef`] decoder: one parser, generic over the
/// [`Tree`] it builds.
mod direct {
    use alloc::string::String;
    use alloc::vec::Vec;

    use super::{
        Error, Hdr, Ids, KIND_INSTANCE, KIND_MULTIPLE, KIND_RESOURCE, KIND_RESOURCE_INSTANCE, Tlv,
        err, header_error, header_fast, tlv_in,
    };
    use crate::codec::{RawValue, TypeLookup, ValueError, ValueRef};
    use crate::{
        DataType, InstanceNode, InstanceRef, Node, NodeRef, ObjectModel, ObjectNode, ObjectRef,
        Path, ResourceInstanceNode, ResourceInstanceRef, ResourceModel, ResourceNode, ResourceRef,
        ResourceValue, ResourceValueRef, Time, Value,
    };

    /// How the decoder builds values and nodes from the payload's bytes (`'a`): owned
    /// ([`Owned`]) or borrowing them ([`Borrowed`]).
    pub(super) trait Tree<'a> {
        /// A value.
        type Value;
        /// A resource instance.
        type ResourceInstance;
        /// A resource.
        type Resource;
        /// An object instance.
        type Instance;
        /// The tree at the path's level.
        type Node;

        /// An Integer.
        fn integer(v: i64) -> Self::Value;
        /// A Time.
        fn time(v: i64) -> Self::Value;
        /// A Float.
        fn float(v: f64) -> Self::Value;
        /// A Boolean.
        fn boolean(v: bool) -> Self::Value;
        /// Untyped bytes (no model): Opaque.
        fn untyped(bytes: &'a [u8]) -> Self::Value;
        /// A String, or `None` when `bytes` are not UTF-8.
        fn string(bytes: &'a [u8]) -> Option<Self::Value>;
        /// Any other value of `dt` (and every error) as [`RawValue::to_value`] gives it.
        fn other(bytes: &'a [u8], dt: DataType) -> Result<Self::Value, ValueError>;
        /// A resource instance.
        fn resource_instance(id: u16, value: Self::Value) -> Self::ResourceInstance;
        /// A single-instance resource.
        fn single(id: u16, value: Self::Value) -> Self::Resource;
        /// A multiple-instance resource.
        fn multiple(id: u16, list: Vec<Self::ResourceInstance>) -> Self::Resource;
        /// An object instance.
        fn instance(id: u16, resources: Vec<Self::Resource>) -> Self::Instance;
        /// The node of an object path.
        fn object_node(id: u16, instances: Vec<Self::Instance>) -> Self::Node;
        /// The node of an instance path.
        fn instance_node(i: Self::Instance) -> Self::Node;
        /// The node of a resource path.
        fn resource_node(r: Self::Resource) -> Self::Node;
        /// The node of a resource instance path.
        fn resource_instance_node(r: Self::ResourceInstance) -> Self::Node;
    }

    /// Builds a [`Node`].
    pub(super) enum Owned {}

    impl<'a> Tree<'a> for Owned {
        type Value = Value;
        type ResourceInstance = ResourceInstanceNode;
        type Resource = ResourceNode;
        type Instance = InstanceNode;
        type Node = Node;

        #[inline(always)]
        fn integer(v: i64) -> Value {
            Value::Integer(v)
        }
        #[inline(always)]
        fn time(v: i64) -> Value {
            Value::Time(Time(v))
        }
        #[inline(always)]
        fn float(v: f64) -> Value {
            Value::Float(v)
        }
        #[inline(always)]
        fn boolean(v: bool) -> Value {
            Value::Boolean(v)
        }
        #[inline(always)]
        fn untyped(bytes: &'a [u8]) -> Value {
            // `RawValue::to_value_untyped` of bytes.
            Value::Opaque(bytes.to_vec())
        }
        #[inline(always)]
        fn string(bytes: &'a [u8]) -> Option<Value> {
            // Copied, then checked in place: the copy starts aligned, so `from_utf8`
            // takes its word-at-a-time path over ASCII from the first byte.
            String::from_utf8(bytes.to_vec()).ok().map(Value::String)
        }
        #[inline(never)]
        fn other(bytes: &'a [u8], dt: DataType) -> Result<Value, ValueError> {
            RawValue::Bytes(bytes).to_value(dt)
        }
        #[inline(always)]
        fn resource_instance(id: u16, value: Value) -> ResourceInstanceNode {
            ResourceInstanceNode { id, value }
        }
        #[inline(always)]
        fn single(id: u16, value: Value) -> ResourceNode {
            ResourceNode {
                id,
                value: ResourceValue::Single(value),
            }
        }
        #[inline(always)]
        fn multiple(id: u16, list: Vec<ResourceInstanceNode>) -> ResourceNode {
            ResourceNode {
                id,
                value: ResourceValue::Multiple(list),
            }
        }
        #[inline(always)]
        fn instance(id: u16, resources: Vec<ResourceNode>) -> InstanceNode {
            InstanceNode { id, resources }
        }
        #[inline(always)]
        fn object_node(id: u16, instances: Vec<InstanceNode>) -> Node {
            Node::Object(ObjectNode { id, instances })
        }
        #[inline(always)]
        fn instance_node(i: InstanceNode) -> Node {
            Node::Instance(i)
        }
        #[inline(always)]
        fn resource_node(r: ResourceNode) -> Node {
            Node::Resource(r)
        }
        #[inline(always)]
        fn resource_instance_node(r: ResourceInstanceNode) -> Node {
            Node::ResourceInstance(r)
        }
    }

    /// Builds a [`NodeRef`] borrowing the payload.
    pub(super) enum Borrowed {}

    impl<'a> Tree<'a> for Borrowed {
        type Value = ValueRef<'a>;
        type ResourceInstance = ResourceInstanceRef<'a>;
        type Resource = ResourceRef<'a>;
        type Instance = InstanceRef<'a>;
        type Node = NodeRef<'a>;

        #[inline(always)]
        fn integer(v: i64) -> ValueRef<'a> {
            ValueRef::Integer(v)
        }
        #[inline(always)]
        fn time(v: i64) -> ValueRef<'a> {
            ValueRef::Time(Time(v))
        }
        #[inline(always)]
        fn float(v: f64) -> ValueRef<'a> {
            ValueRef::Float(v)
        }
        #[inline(always)]
        fn boolean(v: bool) -> ValueRef<'a> {
            ValueRef::Boolean(v)
        }
        #[inline(always)]
        fn untyped(bytes: &'a [u8]) -> ValueRef<'a> {
            ValueRef::Opaque(bytes)
        }
        #[inline(always)]
        fn string(bytes: &'a [u8]) -> Option<ValueRef<'a>> {
            core::str::from_utf8(bytes).ok().map(ValueRef::String)
        }
        #[inline(never)]
        fn other(bytes: &'a [u8], dt: DataType) -> Result<ValueRef<'a>, ValueError> {
            match dt {
                DataType::Opaque => return Ok(ValueRef::Opaque(bytes)),
                DataType::String | DataType::Corelnk => {
                    if let Ok(s) = core::str::from_utf8(bytes) {
                        return Ok(if dt == DataType::String {
                            ValueRef::String(s)
                        } else {
                            ValueRef::Corelnk(s)
                        });
                    }
                }
                _ => {}
            }
            // The values that borrow nothing, and every error, from the owned conversion.
            Ok(match RawValue::Bytes(bytes).to_value(dt)? {
                Value::Integer(v) => ValueRef::Integer(v),
                Value::UnsignedInteger(v) => ValueRef::UnsignedInteger(v),
                Value::Float(v) => ValueRef::Float(v),
                Value::Boolean(v) => ValueRef::Boolean(v),
                Value::Time(t) => ValueRef::Time(t),
                Value::Objlnk(l) => ValueRef::Objlnk(l),
                // Taken above (valid text and any bytes are never refused there).
                Value::String(_) | Value::Opaque(_) | Value::Corelnk(_) => ValueRef::Opaque(bytes),
            })
        }
        #[inline(always)]
        fn resource_instance(id: u16, value: ValueRef<'a>) -> ResourceInstanceRef<'a> {
            ResourceInstanceRef { id, value }
        }
        #[inline(always)]
        fn single(id: u16, value: ValueRef<'a>) -> ResourceRef<'a> {
            ResourceRef {
                id,
                value: ResourceValueRef::Single(value),
            }
        }
        #[inline(always)]
        fn multiple(id: u16, list: Vec<ResourceInstanceRef<'a>>) -> ResourceRef<'a> {
            ResourceRef {
                id,
                value: ResourceValueRef::Multiple(list),
            }
        }
        #[inline(always)]
        fn instance(id: u16, resources: Vec<ResourceRef<'a>>) -> InstanceRef<'a> {
            InstanceRef { id, resources }
        }
        #[inline(always)]
        fn object_node(id: u16, instances: Vec<InstanceRef<'a>>) -> NodeRef<'a> {
            NodeRef::Object(ObjectRef { id, instances })
        }
        #[inline(always)]
        fn instance_node(i: InstanceRef<'a>) -> NodeRef<'a> {
            NodeRef::Instance(i)
        }
        #[inline(always)]
        fn resource_node(r: ResourceRef<'a>) -> NodeRef<'a> {
            NodeRef::Resource(r)
        }
        #[inline(always)]
        fn resource_instance_node(r: ResourceInstanceRef<'a>) -> NodeRef<'a> {
            NodeRef::ResourceInstance(r)
        }
    }

    /// A resource's model facts: data type and whether it has instances.
    type Ty = Option<(DataType, bool)>;

    use crate::codec::RESOURCES_CAPACITY;

    /// Where the resources of one object are looked up: [`crate::codec::lookup`] with the
    /// model's resource list at hand, so that the common case (IDs dense from the first
    /// one) is an index and one compare.
    struct Facts<'t> {
        types: &'t dyn TypeLookup,
        model: Option<&'t ObjectModel>,
        object: u16,
        list: &'t [ResourceModel],
        first: u16,
    }

    impl<'t> Facts<'t> {
        fn new(types: &'t dyn TypeLookup, object: u16) -> Self {
            let model = types.object_model(object);
            let list = model.map_or(&[][..], |m| &m.resources[..]);
            Facts {
                types,
                model,
                object,
                list,
                first: list.first().map_or(0, |r| r.id),
            }
        }

        /// The facts of resource `id`, as [`crate::codec::lookup`] gives them.
        #[inline(always)]
        fn get(&self, id: u16) -> Ty {
            match self.list.get(id.wrapping_sub(self.first) as usize) {
                Some(r) if r.id == id => Some((r.data_type, r.multiple)),
                _ => self.other(id),
            }
        }

        #[inline(never)]
        fn other(&self, id: u16) -> Ty {
            crate::codec::lookup(self.types, self.model, self.object, id)
        }
    }

    #[inline(always)]
    fn parse_header(buf: &[u8], pos: usize, limit: usize) -> Result<Hdr, Error> {
        match header_fast(buf, pos, limit) {
            Some(h) => Ok(h),
            None => Err(header_error(buf, pos, limit).into()),
        }
    }

    /// The TLV at `pos` of container `cont` (`buf` up to the container's end).
    #[inline(always)]
    fn next<'a>(buf: &[u8], cont: &'a [u8], pos: usize) -> Result<Tlv<'a>, Error> {
        tlv_in(buf, cont, pos).map_err(Error::from)
    }

    /// `buf` up to `end` (a container's end, never past the payload's).
    #[inline(always)]
    fn container(buf: &[u8], end: usize) -> &[u8] {
        buf.get(..end).unwrap_or_default()
    }

    /// The first capacity of the list of the TLVs in `len` bytes: the count for TLVs of
    /// `typical` bytes, from `least` to `most`, and never more than the bytes can hold
    /// (each TLV takes two bytes or more). A container of smaller TLVs grows its list as
    /// usual; one of a few large values (a firmware image) gets no more than `most`.
    #[inline(always)]
    fn capacity(len: usize, typical: usize, least: usize, most: usize) -> usize {
        (len / typical).clamp(least, most).min(len / 2)
    }

    fn child(p: &Path, id: u16, pos: usize) -> Result<Path, Error> {
        p.child(id)
            .ok_or_else(|| err(pos, "ID 65535 is reserved").into())
    }

    #[inline(always)]
    fn check_id(id: u16, pos: usize) -> Result<(), Error> {
        if id == u16::MAX {
            return Err(err(pos, "ID 65535 is reserved").into());
        }
        Ok(())
    }

    /// The value of `bytes` typed by `ty`: the common types in line, everything else (and
    /// every error) through [`Tree::other`] ([`RawValue::to_value`]); the leaf's path is
    /// only built for an error.
    #[inline(always)]
    fn convert<'a, T: Tree<'a>>(
        bytes: &'a [u8],
        ty: Ty,
        path: impl FnOnce() -> Path,
    ) -> Result<T::Value, Error> {
        let Some((dt, _)) = ty else {
            return Ok(T::untyped(bytes));
        };
        match dt {
            DataType::Integer => {
                if let Some(v) = crate::codec::be_int(bytes) {
                    return Ok(T::integer(v));
                }
            }
            DataType::Time => {
                if let Some(v) = crate::codec::be_int(bytes) {
                    return Ok(T::time(v));
                }
            }
            DataType::String => {
                if let Some(v) = T::string(bytes) {
                    return Ok(v);
                }
            }
            DataType::Float => match *bytes {
                [a, b, c, d] => {
                    return Ok(T::float(f32::from_be_bytes([a, b, c, d]) as f64));
                }
                [a, b, c, d, e, f, g, h] => {
                    return Ok(T::float(f64::from_be_bytes([a, b, c, d, e, f, g, h])));
                }
                _ => {}
            },
            DataType::Boolean => {
                if let [b @ (0 | 1)] = *bytes {
                    return Ok(T::boolean(b == 1));
                }
            }
            _ => {}
        }
        T::other(bytes, dt).map_err(|source| Error::Value {
            path: path(),
            source,
        })
    }

    /// The resource instances of a Multiple Resource TLV spanning `start..end`; `path`
    /// builds the resource's path (for errors only).
    fn multiple<'a, T: Tree<'a>>(
        buf: &'a [u8],
        start: usize,
        end: usize,
        path: impl Fn() -> Path,
        ty: Ty,
    ) -> Result<Vec<T::ResourceInstance>, Error> {
        if let Some((_, false)) = ty {
            return Err(Error::Path {
                path: path(),
                reason: "resource instances for a single-instance resource",
            });
        }
        let cont = container(buf, end);
        // Resource instances of small integers take three bytes each.
        let mut list = Vec::with_capacity(capacity(end - start, 3, 1, 16));
        let mut seen = Ids::at(start);
        let mut pos = start;
        while pos < end {
            let t = next(buf, cont, pos)?;
            if t.kind != KIND_RESOURCE_INSTANCE {
                return Err(err(
                    pos,
                    "only resource instance TLVs may appear inside a multiple resource TLV",
                )
                .into());
            }
            check_id(t.id, pos)?;
            if !seen.insert(t.id, buf, pos) {
                return Err(err(pos, "duplicate ID at one level").into());
            }
            let id = t.id;
            let value = convert::<T>(t.value, ty, || {
                let p = path();
                p.child(id).unwrap_or(p)
            })?;
            list.push(T::resource_instance(id, value));
            pos = t.stop;
        }
        Ok(list)
    }

    /// How kind-00 TLVs among resources are refused.
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Level {
        /// Inside an Object Instance TLV (or bare resources at an object path).
        Inside,
        /// Top level at an instance path.
        Top,
    }

    /// The error of a kind-00 or kind-01 TLV among resources.
    #[cold]
    #[inline(never)]
    fn misplaced(path: &Path, kind: u8, id: u16, pos: usize, level: Level) -> Error {
        err(
            pos,
            if kind == KIND_RESOURCE_INSTANCE {
                "resource instance TLV outside a multiple resource TLV"
            } else if level == Level::Inside {
                "object instance TLV inside an object instance"
            } else if Some(id) != path.instance_id() {
                "object instance TLV whose ID does not match the path"
            } else {
                "object instance TLV beside other TLVs at an instance path"
            },
        )
        .into()
    }

    /// The resources spanning `start..end` of instance `path`.
    fn resources<'a, T: Tree<'a>>(
        buf: &'a [u8],
        start: usize,
        end: usize,
        path: Path,
        level: Level,
        types: &dyn TypeLookup,
    ) -> Result<Vec<T::Resource>, Error> {
        let facts = Facts::new(types, path.ids()[0]);
        let cont = container(buf, end);
        // Resources of small values take about six bytes each (an integer three or four, a
        // float six or ten, a short string ten or more).
        let mut list = Vec::with_capacity(capacity(end - start, 6, RESOURCES_CAPACITY, 64));
        let mut seen = Ids::at(start);
        let mut pos = start;
        while pos < end {
            let t = next(buf, cont, pos)?;
            if t.kind < KIND_MULTIPLE {
                return Err(misplaced(&path, t.kind, t.id, pos, level));
            }
            check_id(t.id, pos)?;
            if !seen.insert(t.id, buf, pos) {
                return Err(err(pos, "duplicate ID at one level").into());
            }
            let id = t.id;
            let ty = facts.get(id);
            let p = || path.child(id).unwrap_or(path);
            let resource = if t.kind == KIND_RESOURCE {
                if let Some((_, true)) = ty {
                    return Err(Error::Path {
                        path: p(),
                        reason: "single value for a multiple-instance resource",
                    });
                }
                T::single(id, convert::<T>(t.value, ty, p)?)
            } else {
                T::multiple(id, multiple::<T>(buf, t.body, t.stop, p, ty)?)
            };
            list.push(resource);
            pos = t.stop;
        }
        Ok(list)
    }

    pub(super) fn decode<'a, T: Tree<'a>>(
        path: &Path,
        buf: &'a [u8],
        types: &dyn TypeLookup,
    ) -> Result<T::Node, Error> {
        let ids = path.ids();
        let end = buf.len();
        let shape = |reason: &str| Error::Shape {
            path: *path,
            reason: reason.into(),
        };
        match ids.len() {
            1 => {
                let mut instances = Vec::new();
                let mut seen = Ids::at(0);
                let mut pos = 0;
                while pos < end {
                    let h = parse_header(buf, pos, end)?;
                    let body = h.body(pos);
                    match h.kind {
                        KIND_INSTANCE => {}
                        KIND_RESOURCE | KIND_MULTIPLE if pos == 0 => {
                            // Bare resources at an object path: instance 0 (lenient).
                            let p = path.child(0).unwrap_or(*path);
                            let resources = resources::<T>(buf, 0, end, p, Level::Inside, types)?;
                            instances.push(T::instance(0, resources));
                            break;
                        }
                        KIND_RESOURCE | KIND_MULTIPLE => {
                            return Err(err(
                                pos,
                                "resource TLV beside object instance TLVs at an object path",
                            )
                            .into());
                        }
                        _ => {
                            return Err(err(
                                pos,
                                "resource instance TLV outside a multiple resource TLV",
                            )
                            .into());
                        }
                    }
                    let p = child(path, h.id, pos)?;
                    if !seen.insert(h.id, buf, pos) {
                        return Err(err(pos, "duplicate ID at one level").into());
                    }
                    let stop = h.end(pos);
                    let resources = resources::<T>(buf, body, stop, p, Level::Inside, types)?;
                    instances.push(T::instance(h.id, resources));
                    pos = stop;
                }
                Ok(T::object_node(ids[0], instances))
            }
            2 => {
                if end > 0 {
                    let h = parse_header(buf, 0, end)?;
                    if h.kind == KIND_INSTANCE
                        && Some(h.id) == path.instance_id()
                        && h.end(0) == end
                    {
                        let resources =
                            resources::<T>(buf, h.body(0), end, *path, Level::Inside, types)?;
                        return Ok(T::instance_node(T::instance(ids[1], resources)));
                    }
                }
                let resources = resources::<T>(buf, 0, end, *path, Level::Top, types)?;
                Ok(T::instance_node(T::instance(ids[1], resources)))
            }
            3 | 4 => {
                if end == 0 {
                    return Err(shape(if ids.len() == 3 {
                        "no value for the resource"
                    } else {
                        "no value for the resource instance"
                    }));
                }
                let h = parse_header(buf, 0, end)?;
                let body = h.body(0);
                let stop = h.end(0);
                let node = if ids.len() == 3 {
                    if !matches!(h.kind, KIND_RESOURCE | KIND_MULTIPLE) {
                        return Err(err(
                            0,
                            "a resource path needs a resource or multiple resource TLV",
                        )
                        .into());
                    }
                    if Some(h.id) != path.resource_id() {
                        return Err(err(0, "resource TLV whose ID does not match the path").into());
                    }
                    let ty = types.resource_type(ids[0], ids[2]);
                    if h.kind == KIND_RESOURCE {
                        if let Some((_, true)) = ty {
                            return Err(Error::Path {
                                path: *path,
                                reason: "single value for a multiple-instance resource",
                            });
                        }
                        let value = convert::<T>(&buf[body..stop], ty, || *path)?;
                        T::resource_node(T::single(h.id, value))
                    } else {
                        let list = multiple::<T>(buf, body, stop, || *path, ty)?;
                        T::resource_node(T::multiple(h.id, list))
                    }
                } else {
                    if h.kind != KIND_RESOURCE_INSTANCE {
                        return Err(err(
                            0,
                            "a resource instance path needs one resource instance TLV",
                        )
                        .into());
                    }
                    if Some(h.id) != path.resource_instance_id() {
                        return Err(err(
                            0,
                            "resource instance TLV whose ID does not match the path",
                        )
                        .into());
                    }
                    let ty = types.resource_type(ids[0], ids[2]);
                    if let Some((_, false)) = ty {
                        return Err(Error::Path {
                            path: *path,
                            reason: "resource instance of a single-instance resource",
                        });
                    }
                    let value = convert::<T>(&buf[body..stop], ty, || *path)?;
                    T::resource_instance_node(T::resource_instance(h.id, value))
                };
                if stop != end {
                    return Err(err(stop, "trailing bytes after the TLV of a single target").into());
                }
                Ok(node)
            }
            _ => Err(err(0, "TLV cannot address the root path").into()),
        }
    }
}

/// One decoded TLV header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    /// Identifier kind: 0 object instance, 1 resource instance, 2 multiple resource,
    /// 3 resource with value.
    pub kind: u8,
    /// The identifier.
    pub id: u16,
    /// Size of the header in bytes.
    pub header_len: usize,
    /// Length of the value.
    pub len: usize,
}

/// Parses the header at `pos`, checking that header and value end by `limit`.
#[inline]
pub fn parse_header(buf: &[u8], pos: usize, limit: usize) -> Result<Header, TlvError> {
    match header_at(buf, pos, limit) {
        Some(h) => Ok(Header {
            kind: h.kind,
            id: h.id,
            header_len: h.header_len as usize,
            len: h.len as usize,
        }),
        None => Err(header_error(buf, pos, limit)),
    }
}

/// A header in registers.
#[derive(Clone, Copy)]
struct Hdr {
    kind: u8,
    header_len: u8,
    id: u16,
    len: u32,
}

impl Hdr {
    #[inline(always)]
    fn body(&self, pos: usize) -> usize {
        pos + self.header_len as usize
    }
    #[inline(always)]
    fn end(&self, pos: usize) -> usize {
        pos + self.header_len as usize + self.len as usize
    }
}

/// [`parse_header`] without the error: `None` when header or value do not fit.
#[inline(always)]
fn header_at(buf: &[u8], pos: usize, limit: usize) -> Option<Hdr> {
    let limit = limit.min(buf.len());
    let avail = limit.saturating_sub(pos);
    // Fast path: six bytes (the longest header) are there.
    let h: [u8; 6] = match buf.get(pos..pos + 6) {
        Some(b) if avail >= 6 => [b[0], b[1], b[2], b[3], b[4], b[5]],
        _ => {
            let mut h = [0u8; 6];
            let have = avail.min(6);
            h[..have].copy_from_slice(&buf[pos..pos + have]);
            h
        }
    };
    let t = h[0];
    let id_len = 1 + ((t >> 5) & 1) as usize;
    let len_len = ((t >> 3) & 3) as usize;
    let header_len = 1 + id_len + len_len;
    if avail < header_len {
        return None;
    }
    let id = if id_len == 2 {
        u16::from_be_bytes([h[1], h[2]])
    } else {
        h[1] as u16
    };
    let f = 1 + id_len;
    let len = match len_len {
        0 => (t & 7) as u32,
        1 => h[f] as u32,
        2 => u16::from_be_bytes([h[f], h[f + 1]]) as u32,
        _ => u32::from_be_bytes([0, h[f], h[f + 1], h[f + 2]]),
    };
    if avail - header_len < len as usize {
        return None;
    }
    Some(Hdr {
        kind: t >> 6,
        header_len: header_len as u8,
        id,
        len,
    })
}

/// Where a header's fields sit in the big-endian word [`word_at`] reads, for one type
/// byte: each field is `(word >> shift) & mask`.
#[derive(Clone, Copy)]
struct Shape {
    /// Header length.
    len: u8,
    id_shift: u8,
    value_len_shift: u8,
    id_mask: u16,
    value_len_mask: u32,
}

/// The [`Shape`] of every type byte.
static HEADER_SHAPE: [Shape; 256] = header_shapes();

const fn header_shapes() -> [Shape; 256] {
    let mut table = [Shape {
        len: 0,
        id_shift: 0,
        value_len_shift: 0,
        id_mask: 0,
        value_len_mask: 0,
    }; 256];
    let mut t = 0;
    while t < 256 {
        let idn = 1 + ((t >> 5) & 1) as u32;
        let lln = ((t >> 3) & 3) as u32;
        let (value_len_shift, value_len_mask) = if lln == 0 {
            // The three low bits of the type byte.
            (56, 7)
        } else {
            (64 - 8 * (1 + idn + lln), (1u32 << (8 * lln)) - 1)
        };
        table[t] = Shape {
            len: (1 + idn + lln) as u8,
            id_shift: (64 - 8 * (1 + idn)) as u8,
            value_len_shift: value_len_shift as u8,
            id_mask: ((1u32 << (8 * idn)) - 1) as u16,
            value_len_mask,
        };
        t += 1;
    }
    table
}

/// The eight bytes at `pos` as a big-endian word; bytes past the payload read as zero.
#[inline(always)]
fn word_at(buf: &[u8], pos: usize) -> u64 {
    match buf.get(pos..pos + 8) {
        Some(b) => u64::from_be_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]),
        None => tail_word(buf, pos),
    }
}

/// The header in `w` (read by [`word_at`]): kind, ID, header length and value length,
/// before any check that they fit.
#[inline(always)]
fn decode_word(w: u64) -> (u8, u16, usize, usize) {
    let t = (w >> 56) as u8;
    let shape = &HEADER_SHAPE[t as usize];
    let id = (w >> (shape.id_shift & 0x3F)) as u16 & shape.id_mask;
    let len = (w >> (shape.value_len_shift & 0x3F)) as u32 & shape.value_len_mask;
    (t >> 6, id, shape.len as usize, len as usize)
}

/// [`header_at`], reading the header from one big-endian word when eight bytes are there
/// (any TLV header fits in six).
#[inline(always)]
fn header_fast(buf: &[u8], pos: usize, limit: usize) -> Option<Hdr> {
    // Bytes past the payload read as zero, as in `header_at`; only the header's own bytes
    // count, and only when they are all before `limit`.
    let (kind, id, hl, len) = decode_word(word_at(buf, pos));
    (hl + len <= limit.min(buf.len()).saturating_sub(pos)).then_some(Hdr {
        kind,
        header_len: hl as u8,
        id,
        len: len as u32,
    })
}

/// A TLV read within its container: kind, ID, value, and where its value and the next
/// TLV start.
#[derive(Clone, Copy)]
struct Tlv<'a> {
    kind: u8,
    id: u16,
    body: usize,
    stop: usize,
    value: &'a [u8],
}

/// The TLV at `pos` (below `cont.len()`) in container `cont`, which is `buf` up to the
/// container's end: [`header_fast`] and the value in one bounds check, with
/// [`header_error`]'s errors.
#[inline(always)]
fn tlv_in<'a>(buf: &[u8], cont: &'a [u8], pos: usize) -> Result<Tlv<'a>, TlvError> {
    let (kind, id, hl, len) = decode_word(word_at(buf, pos));
    let body = pos + hl;
    let stop = body + len;
    match cont.get(body..stop) {
        Some(value) => Ok(Tlv {
            kind,
            id,
            body,
            stop,
            value,
        }),
        None => Err(header_error(buf, pos, cont.len())),
    }
}

/// The bytes from `pos` to the payload's end (fewer than eight) as the top of a
/// big-endian word.
#[inline(never)]
fn tail_word(buf: &[u8], pos: usize) -> u64 {
    let rest = buf.get(pos..).unwrap_or_default();
    let mut w = [0u8; 8];
    let n = rest.len().min(8);
    w[..n].copy_from_slice(&rest[..n]);
    u64::from_be_bytes(w)
}

/// The IDs seen at one level: ascending IDs are one compare; the first out-of-order ID
/// hands over to [`Seen`].
struct Ids {
    start: usize,
    // The last ID plus one (0 before the first); `u32::MAX` once `slow` took over.
    last: u32,
    slow: Option<Seen>,
}

impl Ids {
    #[inline(always)]
    fn at(start: usize) -> Self {
        Ids {
            start,
            last: 0,
            slow: None,
        }
    }

    /// Records `id` of the TLV at `pos`; `false` when it was seen before.
    #[inline(always)]
    fn insert(&mut self, id: u16, buf: &[u8], pos: usize) -> bool {
        if id as u32 >= self.last {
            self.last = id as u32 + 1;
            return true;
        }
        self.insert_slow(id, buf, pos)
    }

    #[cold]
    #[inline(never)]
    fn insert_slow(&mut self, id: u16, buf: &[u8], pos: usize) -> bool {
        let (start, last) = (self.start, self.last);
        self.last = u32::MAX;
        let seen = self.slow.get_or_insert_with(|| {
            // The level's TLVs so far, all valid and ascending.
            let mut count = 0;
            let mut p = start;
            while p < pos {
                let Some(h) = header_at(buf, p, pos) else {
                    break;
                };
                count += 1;
                p = h.end(p);
            }
            Seen {
                start,
                last: last.checked_sub(1).map(|l| l as u16),
                count,
                bits: None,
            }
        });
        seen.insert(id, buf, pos)
    }
}

/// Why [`header_at`] refused the header at `pos`.
#[cold]
#[inline(never)]
fn header_error(buf: &[u8], pos: usize, limit: usize) -> TlvError {
    let limit = limit.min(buf.len());
    let avail = limit.saturating_sub(pos);
    let t = buf.get(pos).copied().unwrap_or(0);
    let header_len = 2 + ((t >> 5) & 1) as usize + ((t >> 3) & 3) as usize;
    if avail < header_len {
        short_header(buf, pos, limit)
    } else {
        short_value(buf, pos, limit)
    }
}

#[cold]
fn short_header(buf: &[u8], pos: usize, limit: usize) -> TlvError {
    err(
        pos,
        if pos >= limit {
            "missing TLV header"
        } else if limit < buf.len() {
            "TLV header runs past the end of its container"
        } else {
            "truncated TLV header"
        },
    )
}

#[cold]
fn short_value(buf: &[u8], pos: usize, limit: usize) -> TlvError {
    err(
        pos,
        if limit < buf.len() {
            "TLV value runs past the end of its container"
        } else {
            "truncated TLV value: the header states more bytes than the payload has"
        },
    )
}

/// IDs seen at one level: ascending IDs cost nothing; the first out-of-order ID fills a
/// bitmap by rescanning the level's earlier headers.
#[derive(Debug, Default)]
struct Seen {
    start: usize,
    last: Option<u16>,
    count: u32,
    bits: Option<Box<[u64]>>,
}

impl Seen {
    fn at(start: usize) -> Self {
        Seen {
            start,
            ..Seen::default()
        }
    }

    /// Records `id` of the TLV at `pos`; `false` when it was seen before.
    #[inline]
    fn insert(&mut self, id: u16, buf: &[u8], pos: usize) -> bool {
        self.count += 1;
        if self.bits.is_none() {
            match self.last {
                Some(l) if l >= id => {}
                _ => {
                    self.last = Some(id);
                    return true;
                }
            }
        }
        self.insert_slow(id, buf, pos)
    }

    #[cold]
    fn insert_slow(&mut self, id: u16, buf: &[u8], pos: usize) -> bool {
        // While the level holds few TLVs, look `id` up among their headers: no 8 KiB
        // bitmap for a level a hostile payload makes out of order in a few bytes (a
        // bitmap per instance of `C0 01 C0 00` made the decoder allocate ~1000× its
        // input, if only briefly).
        const SCAN_LIMIT: u32 = 32;
        if self.bits.is_none() && self.count <= SCAN_LIMIT {
            let mut p = self.start;
            while p < pos {
                // Already validated when first read.
                let Ok(h) = parse_header(buf, p, pos) else {
                    break;
                };
                if h.id == id {
                    return false;
                }
                p += h.header_len + h.len;
            }
            return true;
        }
        let bits = self.bits.get_or_insert_with(|| {
            let mut bits = alloc::vec![0u64; 1024].into_boxed_slice();
            let mut p = self.start;
            while p < pos {
                // Already validated when first read.
                let Ok(h) = parse_header(buf, p, pos) else {
                    break;
                };
                bits[(h.id >> 6) as usize] |= 1 << (h.id & 63);
                p += h.header_len + h.len;
            }
            bits
        });
        let (w, m) = ((id >> 6) as usize, 1u64 << (id & 63));
        let fresh = bits[w] & m == 0;
        bits[w] |= m;
        fresh
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Ctx {
    #[default]
    /// Top level at an object path: Object Instance TLVs.
    Object,
    /// Resources of an instance (top level at an instance path, or inside kind 00).
    Instance,
    /// Top level at an instance path: bare resources or one matching kind-00 wrapper.
    InstanceTop,
    /// Resource instances inside a Multiple Resource TLV.
    Multiple,
    /// Top level at a resource path: one kind-11 or kind-10 TLV.
    Resource,
    /// Top level at a resource-instance path: one kind-01 TLV.
    ResourceInstance,
}

#[derive(Debug, Default)]
struct Frame {
    ctx: Ctx,
    end: usize,
    path: Path,
    seen: Seen,
}

/// A pull decoder of one TLV payload addressed to a path.
#[derive(Debug)]
pub struct TlvReader<'a> {
    buf: &'a [u8],
    pos: usize,
    path: Path,
    // The container stack, built by the first `next_event` (the direct `read_instance`
    // needs none, so creating a reader for it costs next to nothing).
    walk: Option<Walk>,
    failed: Option<TlvError>,
}

/// The containers [`TlvReader::next_event`] is inside.
#[derive(Debug)]
struct Walk {
    // Nesting is at most three levels: target, instance, multiple resource.
    frames: [Frame; 3],
    depth: usize,
}

impl<'a> TlvReader<'a> {
    /// A reader of `bytes` addressed to `path`.
    #[inline]
    pub fn new(path: &Path, bytes: &'a [u8]) -> Self {
        TlvReader {
            buf: bytes,
            pos: 0,
            path: *path,
            walk: None,
            failed: path
                .is_empty()
                .then(|| err(0, "TLV cannot address the root path")),
        }
    }

    #[inline]
    fn step(&mut self) -> Result<Option<Event<'a>>, TlvError> {
        let (buf, path) = (self.buf, self.path);
        self.walk
            .get_or_insert_with(|| Walk::new(&path, buf.len()))
            .step(buf, &mut self.pos)
    }
}

impl Walk {
    /// The stack at the start of a payload of `len` bytes addressed to `path`.
    fn new(path: &Path, len: usize) -> Self {
        let ctx = match path.len() {
            1 => Some(Ctx::Object),
            2 => Some(Ctx::InstanceTop),
            3 => Some(Ctx::Resource),
            4 => Some(Ctx::ResourceInstance),
            _ => None,
        };
        let mut frames: [Frame; 3] = Default::default();
        if let Some(ctx) = ctx {
            frames[0] = Frame {
                ctx,
                end: len,
                path: *path,
                seen: Seen::at(0),
            };
        }
        Walk {
            frames,
            depth: ctx.is_some() as usize,
        }
    }

    fn push(&mut self, pos: usize, frame: Frame) -> Result<(), TlvError> {
        let slot = self
            .frames
            .get_mut(self.depth)
            .ok_or_else(|| err(pos, "TLV nested too deep"))?;
        *slot = frame;
        self.depth += 1;
        Ok(())
    }

    #[inline]
    fn step<'a>(
        &mut self,
        buf: &'a [u8],
        cursor: &mut usize,
    ) -> Result<Option<Event<'a>>, TlvError> {
        while self.depth > 1 && self.frames[self.depth - 1].end == *cursor {
            self.depth -= 1;
        }
        let Some(frame) = self.depth.checked_sub(1).map(|d| &mut self.frames[d]) else {
            return Err(err(0, "TLV cannot address the root path"));
        };
        if *cursor == buf.len() {
            return Ok(None);
        }
        let pos = *cursor;
        if matches!(frame.ctx, Ctx::Resource | Ctx::ResourceInstance) && frame.seen.count != 0 {
            return Err(err(pos, "trailing bytes after the TLV of a single target"));
        }
        let h = parse_header(buf, pos, frame.end)?;
        let body = pos + h.header_len;
        let end = body + h.len;
        let value = &buf[body..end];
        let child = |p: &Path| {
            p.child(h.id)
                .ok_or_else(|| err(pos, "ID 65535 is reserved"))
        };
        let ctx = frame.ctx;
        // What the TLV is here.
        let (path, push) = match (ctx, h.kind) {
            (Ctx::Object, KIND_INSTANCE) => (child(&frame.path)?, Some(Ctx::Instance)),
            (Ctx::Object, KIND_RESOURCE | KIND_MULTIPLE) if frame.seen.count == 0 => {
                // Bare resources at an object path: instance 0 (spec §7.3, lenient).
                let p = frame.path.child(0).unwrap_or(frame.path);
                frame.seen.count = 1;
                self.push(
                    *cursor,
                    Frame {
                        ctx: Ctx::Instance,
                        end: buf.len(),
                        path: p,
                        seen: Seen::at(pos),
                    },
                )?;
                return Ok(Some(Event::Instance(p)));
            }
            (Ctx::Object, KIND_RESOURCE | KIND_MULTIPLE) => {
                return Err(err(
                    pos,
                    "resource TLV beside object instance TLVs at an object path",
                ));
            }
            (Ctx::InstanceTop, KIND_INSTANCE) => {
                if Some(h.id) != frame.path.instance_id() {
                    return Err(err(
                        pos,
                        "object instance TLV whose ID does not match the path",
                    ));
                }
                if frame.seen.count != 0 || end != frame.end {
                    return Err(err(
                        pos,
                        "object instance TLV beside other TLVs at an instance path",
                    ));
                }
                frame.seen.count = 1;
                let p = frame.path;
                self.push(
                    *cursor,
                    Frame {
                        ctx: Ctx::Instance,
                        end,
                        path: p,
                        seen: Seen::at(body),
                    },
                )?;
                *cursor = body;
                return Ok(Some(Event::Instance(p)));
            }
            (Ctx::Instance | Ctx::InstanceTop, KIND_RESOURCE) => (child(&frame.path)?, None),
            (Ctx::Instance | Ctx::InstanceTop, KIND_MULTIPLE) => {
                (child(&frame.path)?, Some(Ctx::Multiple))
            }
            (Ctx::Instance, KIND_INSTANCE) => {
                return Err(err(pos, "object instance TLV inside an object instance"));
            }
            (Ctx::Instance | Ctx::InstanceTop | Ctx::Object, _) => {
                return Err(err(
                    pos,
                    "resource instance TLV outside a multiple resource TLV",
                ));
            }
            (Ctx::Multiple, KIND_RESOURCE_INSTANCE) => (child(&frame.path)?, None),
            (Ctx::Multiple, _) => {
                return Err(err(
                    pos,
                    "only resource instance TLVs may appear inside a multiple resource TLV",
                ));
            }
            (Ctx::Resource, KIND_RESOURCE | KIND_MULTIPLE) => {
                if Some(h.id) != frame.path.resource_id() {
                    return Err(err(pos, "resource TLV whose ID does not match the path"));
                }
                let push = (h.kind == KIND_MULTIPLE).then_some(Ctx::Multiple);
                (frame.path, push)
            }
            (Ctx::Resource, _) => {
                return Err(err(
                    pos,
                    "a resource path needs a resource or multiple resource TLV",
                ));
            }
            (Ctx::ResourceInstance, KIND_RESOURCE_INSTANCE) => {
                if Some(h.id) != frame.path.resource_instance_id() {
                    return Err(err(
                        pos,
                        "resource instance TLV whose ID does not match the path",
                    ));
                }
                (frame.path, None)
            }
            (Ctx::ResourceInstance, _) => {
                return Err(err(
                    pos,
                    "a resource instance path needs one resource instance TLV",
                ));
            }
        };
        if !frame.seen.insert(h.id, buf, pos) {
            return Err(err(pos, "duplicate ID at one level"));
        }
        match push {
            Some(ctx) => {
                self.push(
                    *cursor,
                    Frame {
                        ctx,
                        end,
                        path,
                        seen: Seen::at(body),
                    },
                )?;
                *cursor = body;
                Ok(Some(match ctx {
                    Ctx::Multiple => Event::MultipleResource(path),
                    _ => Event::Instance(path),
                }))
            }
            None => {
                *cursor = end;
                Ok(Some(Event::Value {
                    path,
                    value: RawValue::Bytes(value),
                    time: None,
                }))
            }
        }
    }
}

impl TlvReader<'_> {
    /// The byte offset of the next TLV.
    pub fn offset(&self) -> usize {
        self.pos
    }
}

impl<'a> Reader<'a> for TlvReader<'a> {
    type Error = TlvError;

    #[inline]
    fn next_event(&mut self) -> Result<Option<Event<'a>>, TlvError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let r = self.step();
        if let Err(e) = &r {
            self.failed = Some(e.clone());
        }
        r
    }

    /// A direct loop over the TLV headers (no paths, no events) when `scope` is the
    /// reader's own instance, resource or resource-instance path and nothing was read yet;
    /// otherwise the default. Afterwards the reader is at the end of the payload (or
    /// failed with the format error).
    fn read_instance<S: InstanceSink + ?Sized>(
        &mut self,
        scope: &Path,
        sink: &mut S,
    ) -> Result<(), Error> {
        if self.pos != 0
            || self.walk.is_some()
            || self.failed.is_some()
            || scope.len() < 2
            || self.path != *scope
        {
            return super::read_instance_events(self, scope, sink);
        }
        let r = sink::read(self.buf, scope, sink);
        self.pos = self.buf.len();
        if let Err(Error::Format(e)) = &r {
            self.failed = Some(e.clone());
        }
        r
    }
}

/// [`TlvReader::read_instance`]: the checks and errors of [`TlvReader::step`] followed
/// by [`super::sink_event`], in the same order, for a payload addressed to an instance,
/// resource or resource-instance path.
mod sink {
    use super::{
        Ids, KIND_INSTANCE, KIND_MULTIPLE, KIND_RESOURCE, KIND_RESOURCE_INSTANCE, Tlv, err, tlv_in,
    };
    use core::mem::ManuallyDrop;

    use crate::Path;
    use crate::codec::{Error, InstanceSink, RawValue};

    /// The TLV at `pos` of container `cont` (`buf` up to the container's end).
    #[inline(always)]
    fn next<'a>(buf: &[u8], cont: &'a [u8], pos: usize) -> Result<Tlv<'a>, Error> {
        tlv_in(buf, cont, pos).map_err(Error::from)
    }

    /// The value of `t` (bytes: nothing to drop, so no drop check after the sink call).
    #[inline(always)]
    fn value<'a>(t: &Tlv<'a>) -> ManuallyDrop<RawValue<'a>> {
        ManuallyDrop::new(RawValue::Bytes(t.value))
    }

    /// `buf` up to `end` (a container's end, never past the payload's).
    #[inline(always)]
    fn container(buf: &[u8], end: usize) -> &[u8] {
        buf.get(..end).unwrap_or_default()
    }

    /// The resource instances of the Multiple Resource TLV of `resource` spanning
    /// `start..end`; `path` builds the resource's path (for errors only).
    #[inline(always)]
    fn multiple<S: InstanceSink + ?Sized>(
        buf: &[u8],
        start: usize,
        end: usize,
        resource: u16,
        path: impl Fn() -> Path,
        sink: &mut S,
    ) -> Result<(), Error> {
        let cont = container(buf, end);
        let mut seen = Ids::at(start);
        let mut pos = start;
        while pos < end {
            let t = next(buf, cont, pos)?;
            if t.kind != KIND_RESOURCE_INSTANCE {
                return Err(err(
                    pos,
                    "only resource instance TLVs may appear inside a multiple resource TLV",
                )
                .into());
            }
            if t.id == u16::MAX {
                return Err(err(pos, "ID 65535 is reserved").into());
            }
            if !seen.insert(t.id, buf, pos) {
                return Err(err(pos, "duplicate ID at one level").into());
            }
            if let Err(e) = sink.set(resource, Some(t.id), &value(&t)) {
                let p = path();
                return Err(e.at(p.child(t.id).unwrap_or(p)));
            }
            pos = t.stop;
        }
        Ok(())
    }

    /// The resources of instance `path` spanning `start..end`; `top` when they stand at
    /// the top level of an instance path (where a kind-00 TLV gets its own errors).
    #[inline]
    fn resources<S: InstanceSink + ?Sized>(
        buf: &[u8],
        start: usize,
        end: usize,
        path: &Path,
        top: bool,
        sink: &mut S,
    ) -> Result<(), Error> {
        let cont = container(buf, end);
        let mut seen = Ids::at(start);
        let mut pos = start;
        while pos < end {
            let t = next(buf, cont, pos)?;
            if t.kind < KIND_MULTIPLE {
                return Err(misplaced(path, t.kind, t.id, pos, top));
            }
            if t.id == u16::MAX {
                return Err(err(pos, "ID 65535 is reserved").into());
            }
            if !seen.insert(t.id, buf, pos) {
                return Err(err(pos, "duplicate ID at one level").into());
            }
            let id = t.id;
            let child = || path.child(id).unwrap_or(*path);
            if t.kind == KIND_RESOURCE {
                if let Err(e) = sink.set(t.id, None, &value(&t)) {
                    return Err(e.at(child()));
                }
            } else {
                if let Err(e) = sink.clear_multiple(t.id) {
                    return Err(e.at(child()));
                }
                multiple(buf, t.body, t.stop, t.id, child, sink)?;
            }
            pos = t.stop;
        }
        Ok(())
    }

    /// The error of a kind-00 or kind-01 TLV among resources.
    #[cold]
    #[inline(never)]
    fn misplaced(path: &Path, kind: u8, id: u16, pos: usize, top: bool) -> Error {
        err(
            pos,
            if kind == KIND_RESOURCE_INSTANCE {
                "resource instance TLV outside a multiple resource TLV"
            } else if !top {
                "object instance TLV inside an object instance"
            } else if Some(id) != path.instance_id() {
                "object instance TLV whose ID does not match the path"
            } else {
                "object instance TLV beside other TLVs at an instance path"
            },
        )
        .into()
    }

    /// Reads `buf` addressed to `path` (two to four IDs) into `sink`.
    pub(super) fn read<S: InstanceSink + ?Sized>(
        buf: &[u8],
        path: &Path,
        sink: &mut S,
    ) -> Result<(), Error> {
        let end = buf.len();
        if end == 0 {
            return Ok(());
        }
        let ids = path.ids();
        if ids.len() == 2 {
            if buf[0] >> 6 == KIND_INSTANCE {
                // One Object Instance TLV of the path's instance, alone.
                let t = next(buf, buf, 0)?;
                if Some(t.id) != path.instance_id() {
                    return Err(
                        err(0, "object instance TLV whose ID does not match the path").into(),
                    );
                }
                if t.stop != end {
                    return Err(err(
                        0,
                        "object instance TLV beside other TLVs at an instance path",
                    )
                    .into());
                }
                return resources(buf, t.body, end, path, false, sink);
            }
            return resources(buf, 0, end, path, true, sink);
        }
        let t = next(buf, buf, 0)?;
        let resource = ids[2];
        if ids.len() == 3 {
            if t.kind < KIND_MULTIPLE {
                return Err(err(
                    0,
                    "a resource path needs a resource or multiple resource TLV",
                )
                .into());
            }
            if t.id != resource {
                return Err(err(0, "resource TLV whose ID does not match the path").into());
            }
            if t.kind == KIND_RESOURCE {
                sink.set(resource, None, &value(&t))
                    .map_err(|e| e.at(*path))?;
            } else {
                sink.clear_multiple(resource).map_err(|e| e.at(*path))?;
                multiple(buf, t.body, t.stop, resource, || *path, sink)?;
            }
        } else {
            if t.kind != KIND_RESOURCE_INSTANCE {
                return Err(err(
                    0,
                    "a resource instance path needs one resource instance TLV",
                )
                .into());
            }
            if Some(t.id) != path.resource_instance_id() {
                return Err(
                    err(0, "resource instance TLV whose ID does not match the path").into(),
                );
            }
            sink.set(resource, Some(t.id), &value(&t))
                .map_err(|e| e.at(*path))?;
        }
        if t.stop != end {
            return Err(err(t.stop, "trailing bytes after the TLV of a single target").into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_header_bits_match_header_bits() {
        for kind in 0..4 {
            for id in [0u16, 1, 255, 256, 65534] {
                for len in 0..0x100 {
                    assert_eq!(
                        inline_header_bits(kind, id, len),
                        header_bits(kind, id, len),
                        "{kind} {id} {len}"
                    );
                }
            }
        }
    }

    #[test]
    fn header_fast_matches_header_at() {
        let key = |h: Option<Hdr>| h.map(|h| (h.kind, h.header_len, h.id, h.len));
        let mut buf = [0u8; 12];
        for t in 0..=255u8 {
            for fill in [0u8, 1, 3, 7, 8, 0xFF] {
                buf.fill(fill);
                buf[2] = t;
                for len in 0..=buf.len() {
                    for pos in 0..=len {
                        for limit in pos..=len + 1 {
                            assert_eq!(
                                key(header_fast(&buf[..len], pos, limit)),
                                key(header_at(&buf[..len], pos, limit)),
                                "{t:02X} {fill} {len} {pos} {limit}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn header_bits_match_header() {
        for kind in 0..4 {
            for id in [0u16, 1, 255, 256, 65534] {
                for len in [0usize, 7, 8, 255, 256, 65535, 65536, MAX_LENGTH] {
                    let (h, n) = header(kind, id, len);
                    let (b, m) = header_bits(kind, id, len);
                    assert_eq!(n, m);
                    assert_eq!(&b.to_be_bytes()[..n], &h[..n], "{kind} {id} {len}");
                }
            }
        }
    }
}
