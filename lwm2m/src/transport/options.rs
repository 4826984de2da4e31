//! CoAP option numbers and codes the message layer uses, the Block1/Block2 option value
//! (RFC 7959 §2.2), and small helpers on packets.

use alloc::vec::Vec;

use coap_lite::{CoapOption, MessageType, Packet};

use crate::coap::{read_uint, uint};

/// Option numbers this endpoint understands; an unknown critical (odd) one in a
/// request is answered 4.02 Bad Option.
pub(super) const KNOWN_OPTIONS: [u16; 20] = [
    1, 3, 4, 5, 6, 7, 8, 11, 12, 14, 15, 17, 20, 23, 27, 28, 35, 39, 60, 258,
];
pub(super) const OBSERVE: u16 = 6;
pub(super) const BLOCK2: u16 = 23;
pub(super) const BLOCK1: u16 = 27;
pub(super) const SIZE2: u16 = 28;
pub(super) const SIZE1: u16 = 60;
pub(super) const PROXY_URI: u16 = 35;
pub(super) const PROXY_SCHEME: u16 = 39;

pub(super) const CONTINUE: u8 = 0x5f; // 2.31
pub(super) const BAD_REQUEST: u8 = 0x80; // 4.00
pub(super) const BAD_OPTION: u8 = 0x82; // 4.02
pub(super) const METHOD_NOT_ALLOWED: u8 = 0x85; // 4.05
pub(super) const INCOMPLETE: u8 = 0x88; // 4.08
pub(super) const TOO_LARGE: u8 = 0x8d; // 4.13
pub(super) const PROXYING_NOT_SUPPORTED: u8 = 0xa5; // 5.05

/// A Block1 or Block2 option value (RFC 7959 §2.2).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Block {
    pub(super) num: u32,
    pub(super) more: bool,
    pub(super) szx: u8,
}

impl Block {
    pub(super) fn size(self) -> usize {
        16 << self.szx
    }
    pub(super) fn encode(self) -> Vec<u8> {
        uint(self.num << 4 | u32::from(self.more) << 3 | u32::from(self.szx))
    }
    /// `None` for a value longer than 3 bytes or the reserved SZX 7.
    pub(super) fn decode(v: &[u8]) -> Option<Block> {
        let n = if v.len() <= 3 {
            read_uint(v)?
        } else {
            return None;
        };
        let szx = (n & 7) as u8;
        (szx < 7).then_some(Block {
            num: n >> 4,
            more: n & 8 != 0,
            szx,
        })
    }
    /// The block at byte `offset` of `size`, if such a block exists.
    pub(super) fn at(offset: usize, szx: u8) -> Option<Block> {
        let num = u32::try_from(offset >> (szx + 4)).ok()?;
        (num < 1 << 20).then_some(Block {
            num,
            more: false,
            szx,
        })
    }
}

/// SZX of a block size (clamped to 16..=1024).
pub(super) fn szx_of(size: usize) -> u8 {
    let size = size.clamp(16, 1024);
    (usize::BITS - 1 - size.leading_zeros()) as u8 - 4
}

/// Option `number`'s first value.
pub(super) fn option(p: &Packet, number: u16) -> Option<&Vec<u8>> {
    p.get_option(CoapOption::from(number))?.front()
}

/// Block option `number`: `Ok(None)` when absent, `Err` when invalid.
pub(super) fn block(p: &Packet, number: u16) -> Result<Option<Block>, ()> {
    option(p, number)
        .map(|v| Block::decode(v).ok_or(()))
        .transpose()
}

/// `p` without options `numbers` (`Packet::clear_option` would leave them, empty).
pub(super) fn without(p: &Packet, numbers: &[u16]) -> Packet {
    let mut q = Packet::new();
    q.header = p.header.clone();
    q.set_token(p.get_token().to_vec());
    for (&n, values) in p.options() {
        if !numbers.contains(&n) {
            q.set_option(CoapOption::from(n), values.clone());
        }
    }
    q.payload = p.payload.clone();
    q
}

pub(super) fn code(p: &Packet) -> u8 {
    u8::from(p.header.code)
}

/// What identifies a request across its blocks: its code and options, without the
/// block, size and Observe options.
pub(super) fn request_key(p: &Packet) -> Vec<u8> {
    let mut key = alloc::vec![code(p)];
    for (&n, values) in p.options() {
        if matches!(n, OBSERVE | BLOCK1 | BLOCK2 | SIZE1 | SIZE2) {
            continue;
        }
        for v in values {
            key.extend_from_slice(&n.to_be_bytes());
            key.extend_from_slice(&(v.len() as u32).to_be_bytes());
            key.extend_from_slice(v);
        }
    }
    key
}

/// Whether Observe sequence number `v2` received at `t2` is newer than `v1` at `t1`
/// (RFC 7641 §3.4; times in ms).
pub(super) fn fresher(v1: u32, t1: u64, v2: u32, t2: u64) -> bool {
    (v1 < v2 && v2 - v1 < 1 << 23)
        || (v1 > v2 && v1 - v2 > 1 << 23)
        || t2 > t1.saturating_add(128_000)
}

/// An empty message (ACK or RST) with `message_id`.
pub(super) fn empty_message(kind: MessageType, message_id: u16) -> Vec<u8> {
    let t = match kind {
        MessageType::Acknowledgement => 2,
        _ => 3,
    };
    let [hi, lo] = message_id.to_be_bytes();
    alloc::vec![0x40 | t << 4, 0, hi, lo]
}
