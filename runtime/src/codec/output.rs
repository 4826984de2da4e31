//! Where encoders put their bytes: a growable `Vec<u8>`, or a caller's fixed buffer through
//! [`SliceOutput`] (no heap allocation at all).
//!
//! Length-prefixed containers (TLV lengths, CBOR map and array counts) are written the same
//! way in every encoder: the header is written in its shortest form for the size expected
//! (the smallest, or the size the caller announced), and fixed when the container closes.
//! When the final header is longer or shorter than the one written, the content moves by
//! [`Output::shift`]. Containers nest at most three deep in LwM2M, so the bytes move at
//! most three times: encoding stays linear in the output size.
//!
//! The record-based encoders (SenML, LwM2M JSON) gather each record in a buffer they keep
//! (`Staged`) and write it in one piece.

use alloc::vec::Vec;

use super::senml::NameText;
use super::{Error, ErrorKind};

/// An encoder's output.
pub trait Output {
    /// Bytes written so far.
    fn len(&self) -> usize;
    /// Whether nothing was written yet.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Appends bytes; [`ErrorKind::BufferFull`] when a fixed buffer has no room.
    fn write(&mut self, bytes: &[u8]) -> Result<(), Error>;
    /// Appends `bytes[..n]` (`n` at most `N`): the way to write a short piece assembled in
    /// a stack array (a TLV head and value, a record), as [`write`](Output::write) would.
    ///
    /// A short write of variable length is a call to libc `memcpy` for a few bytes; this
    /// one copies the whole `N`-byte array (a fixed-size move) when there is room for it and
    /// keeps `n` bytes: the rest lands past the end, where the next write overwrites it.
    #[inline]
    fn write_short<const N: usize>(&mut self, bytes: &[u8; N], n: usize) -> Result<(), Error> {
        self.write(&bytes[..n])
    }
    /// Moves the bytes from `at` to the end by `delta`: right when positive (opening a gap
    /// of unspecified bytes), left when negative (dropping the `-delta` bytes before `at`).
    fn shift(&mut self, at: usize, delta: isize) -> Result<(), Error>;
    /// Overwrites bytes already written at `at`.
    fn patch(&mut self, at: usize, bytes: &[u8]);
    /// The bytes written so far.
    fn written(&self) -> &[u8];
}

impl Output for Vec<u8> {
    #[inline]
    fn len(&self) -> usize {
        Vec::len(self)
    }
    #[inline]
    fn write(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.extend_from_slice(bytes);
        Ok(())
    }
    #[inline]
    fn write_short<const N: usize>(&mut self, bytes: &[u8; N], n: usize) -> Result<(), Error> {
        let end = Vec::len(self) + n;
        assert!(n <= bytes.len());
        self.extend_from_slice(bytes);
        self.truncate(end);
        Ok(())
    }
    fn shift(&mut self, at: usize, delta: isize) -> Result<(), Error> {
        let end = Vec::len(self);
        if delta > 0 {
            self.resize(end + delta as usize, 0);
            self.copy_within(at..end, at + delta as usize);
        } else if delta < 0 {
            let d = delta.unsigned_abs();
            self.copy_within(at..end, at - d);
            self.truncate(end - d);
        }
        Ok(())
    }
    #[inline]
    fn patch(&mut self, at: usize, bytes: &[u8]) {
        patch(&mut self[at..], bytes);
    }
    fn written(&self) -> &[u8] {
        self
    }
}

/// Overwrites the start of `dst` with `bytes` (a container head: a few bytes), byte by
/// byte: a copy of a few bytes of unknown length is a call to memcpy.
#[inline]
fn patch(dst: &mut [u8], bytes: &[u8]) {
    for (i, &b) in bytes.iter().enumerate() {
        dst[i] = b;
    }
}

/// An [`Output`] over a caller's buffer: encoding allocates nothing, and fails with
/// [`ErrorKind::BufferFull`] (at the number of bytes that fitted) when the payload does
/// not fit. Bytes of the buffer past the payload may be overwritten
/// ([`write_short`](Output::write_short) uses them as scratch).
#[derive(Debug)]
pub struct SliceOutput<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl<'a> SliceOutput<'a> {
    /// Writes into `buf` from its start.
    pub fn new(buf: &'a mut [u8]) -> Self {
        SliceOutput { buf, len: 0 }
    }
    /// The bytes written, for the buffer's lifetime.
    pub fn into_bytes(self) -> &'a [u8] {
        &self.buf[..self.len]
    }
    fn full(&self) -> Error {
        Error::new(ErrorKind::BufferFull).or_offset(self.len)
    }
}

impl Output for SliceOutput<'_> {
    #[inline]
    fn len(&self) -> usize {
        self.len
    }
    #[inline]
    fn write(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let end = self.len + bytes.len();
        let Some(dst) = self.buf.get_mut(self.len..end) else {
            return Err(self.full());
        };
        dst.copy_from_slice(bytes);
        self.len = end;
        Ok(())
    }
    #[inline]
    fn write_short<const N: usize>(&mut self, bytes: &[u8; N], n: usize) -> Result<(), Error> {
        assert!(n <= bytes.len());
        // Near the end of the buffer, the exact write (and its error).
        match self
            .buf
            .get_mut(self.len..)
            .and_then(|b| b.first_chunk_mut())
        {
            Some(dst) => {
                *dst = *bytes;
                self.len += n;
                Ok(())
            }
            None => self.write(&bytes[..n]),
        }
    }
    fn shift(&mut self, at: usize, delta: isize) -> Result<(), Error> {
        let end = self.len;
        if delta > 0 {
            let d = delta as usize;
            if end + d > self.buf.len() {
                return Err(self.full());
            }
            self.buf.copy_within(at..end, at + d);
            self.len = end + d;
        } else if delta < 0 {
            let d = delta.unsigned_abs();
            self.buf.copy_within(at..end, at - d);
            self.len = end - d;
        }
        Ok(())
    }
    #[inline]
    fn patch(&mut self, at: usize, bytes: &[u8]) {
        patch(&mut self.buf[at..], bytes);
    }
    fn written(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl<O: Output + ?Sized> Output for &mut O {
    fn len(&self) -> usize {
        (**self).len()
    }
    fn write(&mut self, bytes: &[u8]) -> Result<(), Error> {
        (**self).write(bytes)
    }
    fn write_short<const N: usize>(&mut self, bytes: &[u8; N], n: usize) -> Result<(), Error> {
        (**self).write_short(bytes, n)
    }
    fn shift(&mut self, at: usize, delta: isize) -> Result<(), Error> {
        (**self).shift(at, delta)
    }
    fn patch(&mut self, at: usize, bytes: &[u8]) {
        (**self).patch(at, bytes)
    }
    fn written(&self) -> &[u8] {
        (**self).written()
    }
}

/// Lets minicbor's encoder write into any [`Output`]: the CBOR formats encode through
/// `minicbor::Encoder<CborOut<O>>`.
#[derive(Debug)]
pub struct CborOut<O>(pub O);

impl<O: Output> minicbor::encode::Write for CborOut<O> {
    type Error = Error;
    fn write_all(&mut self, buf: &[u8]) -> Result<(), Error> {
        self.0.write(buf)
    }
}

/// Room for one record: what a writer keeps for [`Staged`].
pub(crate) const STAGE: usize = 128;

/// Records up to this size go to the output as one fixed-size copy.
const FLUSH: usize = 64;

/// The bytes of one record gathered in a buffer and written to the output in one piece
/// by [`flush`](Staged::flush): a write per field (most are a few bytes) costs far more
/// than the bytes. What does not fit goes to the output directly, in order. A failure of
/// the output is kept (what follows is dropped) and returned by `flush`.
///
/// Writers keep the buffer from record to record (filling a fresh one with zeros costs
/// more than a short record's fields).
pub(crate) struct Staged<'o, O: Output + ?Sized> {
    out: &'o mut O,
    buf: &'o mut [u8; STAGE],
    len: usize,
    failed: Option<Error>,
}

impl<'o, O: Output + ?Sized> Staged<'o, O> {
    /// Nothing staged yet, in `buf`, for `out`.
    #[inline]
    pub(crate) fn new(out: &'o mut O, buf: &'o mut [u8; STAGE]) -> Self {
        Staged {
            out,
            buf,
            len: 0,
            failed: None,
        }
    }

    /// Appends `bytes`.
    #[inline]
    pub(crate) fn put(&mut self, bytes: &[u8]) {
        let end = self.len + bytes.len();
        match self.buf.get_mut(self.len..end) {
            Some(dst) => {
                dst.copy_from_slice(bytes);
                self.len = end;
            }
            None => self.spill(bytes),
        }
    }

    /// `bytes` do not fit: what is staged goes out first, then `bytes`.
    #[inline]
    fn spill(&mut self, bytes: &[u8]) {
        // Out of line with the fields it needs, not `self`: the fields of a `Staged`
        // whose address is taken stay in memory, where the others live in registers.
        if self.failed.is_none() {
            self.failed = spill(self.out, &self.buf[..self.len], bytes);
        }
        self.len = 0;
    }

    /// Appends `bytes[..n]`, copying the whole array (a fixed-size move, where a copy of
    /// `n` bytes is a call to memcpy; see [`Output::write_short`]).
    #[inline]
    pub(crate) fn put_short<const N: usize>(&mut self, bytes: &[u8; N], n: usize) {
        match self.buf.get_mut(self.len..self.len + N) {
            Some(dst) => {
                dst.copy_from_slice(bytes);
                self.len += n;
            }
            None => self.spill(&bytes[..n]),
        }
    }

    /// Appends a name text.
    #[inline]
    pub(crate) fn put_name(&mut self, text: &NameText) {
        let (bytes, n) = text.fixed();
        self.put_short(bytes, n);
    }

    /// Appends a short piece (digits, a CBOR head) byte by byte: a copy of a few bytes of
    /// unknown length is a call to memcpy.
    #[inline]
    pub(crate) fn put_small(&mut self, bytes: &[u8]) {
        for &b in bytes {
            match self.buf.get_mut(self.len) {
                Some(slot) => {
                    *slot = b;
                    self.len += 1;
                }
                None => self.spill(&[b]),
            }
        }
    }

    /// Appends the decimal text of `v`.
    #[inline]
    pub(crate) fn put_int(&mut self, v: impl itoa::Integer) {
        self.put_small(itoa::Buffer::new().format(v).as_bytes());
    }

    /// Writes what is staged to the output; the output's first failure, if any.
    #[inline]
    pub(crate) fn flush(&mut self) -> Result<(), Error> {
        let len = core::mem::take(&mut self.len);
        match (self.failed.take(), self.buf.first_chunk::<FLUSH>()) {
            (Some(e), _) => Err(e),
            // Most records: a fixed-size copy (a larger one is a call to memcpy).
            (None, Some(head)) if len <= FLUSH => self.out.write_short(head, len),
            (None, _) => self.out.write(&self.buf[..len]),
        }
    }
}

/// [`Staged::spill`]: writes `staged`, then `bytes`, to `out`; the failure, if any.
#[cold]
fn spill<O: Output + ?Sized>(out: &mut O, staged: &[u8], bytes: &[u8]) -> Option<Error> {
    out.write(staged).and_then(|()| out.write(bytes)).err()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slice_output_reports_full_at_the_bytes_that_fitted() {
        let mut buf = [0u8; 4];
        let mut out = SliceOutput::new(&mut buf);
        out.write(b"abc").unwrap();
        let e = out.write(b"de").unwrap_err();
        assert_eq!(e.kind_at(), (&ErrorKind::BufferFull, Some(3)));
        assert_eq!(out.shift(1, 2).unwrap_err().kind(), &ErrorKind::BufferFull);
        out.shift(1, 1).unwrap();
        out.patch(1, b"X");
        assert_eq!(out.into_bytes(), b"aXbc");
    }

    #[test]
    fn write_short_keeps_n_bytes() {
        let piece = *b"0123456789abcdef";
        let mut v = b"x".to_vec();
        v.write_short(&piece, 3).unwrap();
        assert_eq!(v, b"x012");
        // Room for all 16 bytes, and near the end of the buffer: the same bytes.
        for size in [20, 5] {
            let mut buf = [0u8; 20];
            let mut out = SliceOutput::new(&mut buf[..size]);
            out.write(b"x").unwrap();
            out.write_short(&piece, 3).unwrap();
            out.write_short(&piece, 1).unwrap();
            assert_eq!(out.written(), b"x0120");
            let e = out.write_short(&piece, 16).unwrap_err();
            assert_eq!(e.kind_at(), (&ErrorKind::BufferFull, Some(5)));
        }
    }

    #[test]
    fn vec_shift_both_ways() {
        let mut v = b"abcdef".to_vec();
        v.shift(2, 2).unwrap();
        v.patch(2, b"XY");
        assert_eq!(v, b"abXYcdef");
        v.shift(4, -2).unwrap();
        assert_eq!(v, b"abcdef");
    }
}
