//! The receiving side of an [`Endpoint`]: requests deduplicated and reassembled from
//! Block1, answered piggybacked or separately, large answers served Block2.

use alloc::vec::Vec;

use coap_lite::{CoapOption, MessageType, Packet};

use super::*;

impl<P: Ord + Clone> Endpoint<P> {
    pub(super) fn request_in(
        &mut self,
        peer: P,
        mut request: Packet,
        now: u64,
        events: &mut Vec<Event<P>>,
    ) {
        let numbers: Vec<u16> = request.options().map(|(&n, _)| n).collect();
        if numbers
            .iter()
            .any(|n| n % 2 == 1 && !KNOWN_OPTIONS.contains(n))
        {
            return self.answer(peer, &request, BAD_OPTION, &[]);
        }
        if numbers.contains(&PROXY_URI) || numbers.contains(&PROXY_SCHEME) {
            return self.answer(peer, &request, PROXYING_NOT_SUPPORTED, &[]);
        }
        if matches!(request.header.code, MessageClass::Reserved(_)) {
            return self.answer(peer, &request, METHOD_NOT_ALLOWED, &[]);
        }
        let (Ok(block1), Ok(block2)) = (block(&request, BLOCK1), block(&request, BLOCK2)) else {
            return self.answer(peer, &request, BAD_REQUEST, &[]);
        };
        let key = request_key(&request);
        if let Some(b2) = block2
            && b2.num > 0
            && self.serve_block(peer.clone(), &request, &key, b2, now)
        {
            return;
        }
        if let Some(b1) = block1 {
            let Some(body) = self.assemble(peer.clone(), &request, &key, b1, now) else {
                return;
            };
            request.payload = body;
            request = without(&request, &[BLOCK1, SIZE1]);
        }
        let id = IncomingId(self.next_request_id().0);
        while self.incoming.len() >= self.config.max_pending.max(1) {
            self.incoming.pop_first();
        }
        let message_id = request.header.message_id;
        self.incoming.insert(
            id,
            Incoming {
                peer: peer.clone(),
                message_id,
                confirmable: request.header.get_type() == MessageType::Confirmable,
                acknowledged: false,
                token: request.get_token().to_vec(),
                key,
                block1: block1.map(|b| Block { more: false, ..b }),
                block2,
                expires_at: self.lifetime_end(now),
            },
        );
        if let Some(seen) = self.seen.get_mut(&(peer.clone(), message_id)) {
            seen.incoming = Some(id);
        }
        events.push(Event::Request { peer, id, request });
    }

    /// Answers a follow-up request for block `b2` of a stored response; `false` when
    /// there is none (the application answers it).
    pub(super) fn serve_block(
        &mut self,
        peer: P,
        request: &Packet,
        key: &[u8],
        b2: Block,
        now: u64,
    ) -> bool {
        let k = (peer.clone(), key.to_vec());
        let Some(body) = self.downloads.get_mut(&k) else {
            return false;
        };
        let Some(template) = body.response.clone() else {
            return false;
        };
        let offset = (b2.num as usize) << (b2.szx + 4);
        if offset >= body.data.len() {
            return false;
        }
        body.expires_at = now.saturating_add(self.config.exchange_lifetime_ms);
        let end = body.data.len().min(offset + b2.size());
        let more = end < body.data.len();
        let payload = body.data[offset..end].to_vec();
        if !more {
            self.downloads.remove(&k);
        }
        let mut p = template;
        p.set_token(request.get_token().to_vec());
        p.add_option(CoapOption::Block2, Block { more, ..b2 }.encode());
        p.payload = payload;
        self.send_answer(
            peer,
            request.header.message_id,
            request.header.get_type(),
            false,
            p,
            now,
        );
        true
    }

    /// Takes Block1 block `b1` of a request; the whole body when it is the last,
    /// otherwise `None` (the endpoint answered 2.31, 4.08 or 4.13).
    pub(super) fn assemble(
        &mut self,
        peer: P,
        request: &Packet,
        key: &[u8],
        b1: Block,
        now: u64,
    ) -> Option<Vec<u8>> {
        let k = (peer.clone(), key.to_vec());
        let max = self.config.max_body;
        let too_large = |this: &mut Self| {
            this.uploads.remove(&k);
            let size1 = uint(u32::try_from(max).unwrap_or(u32::MAX));
            this.answer(peer.clone(), request, TOO_LARGE, &[(SIZE1, size1)]);
            None
        };
        if option(request, SIZE1)
            .and_then(|v| read_uint(v))
            .is_some_and(|s| s as usize > max)
        {
            return too_large(self);
        }
        let offset = (b1.num as usize) << (b1.szx + 4);
        if b1.num == 0 {
            self.store(true, k.clone(), Vec::new(), None, now);
        }
        let Some(body) = self.uploads.get_mut(&k) else {
            self.answer(peer, request, INCOMPLETE, &[]);
            return None;
        };
        if body.data.len() != offset || (b1.more && request.payload.len() != b1.size()) {
            self.uploads.remove(&k);
            self.answer(peer, request, INCOMPLETE, &[]);
            return None;
        }
        if offset + request.payload.len() > max {
            return too_large(self);
        }
        body.data.extend_from_slice(&request.payload);
        body.expires_at = now.saturating_add(self.config.exchange_lifetime_ms);
        if b1.more {
            // A smaller block size of our own is what the peer uses from the next block.
            let szx = b1.szx.min(self.block_szx());
            let answer = Block { szx, ..b1 };
            self.answer(peer, request, CONTINUE, &[(BLOCK1, answer.encode())]);
            return None;
        }
        self.uploads.remove(&k).map(|b| b.data)
    }

    /// Stores a body, evicting the oldest beyond `max_bodies`.
    pub(super) fn store(
        &mut self,
        upload: bool,
        k: (P, Vec<u8>),
        data: Vec<u8>,
        response: Option<Packet>,
        now: u64,
    ) {
        let cap = self.config.max_bodies.max(1);
        let map = if upload {
            &mut self.uploads
        } else {
            &mut self.downloads
        };
        map.remove(&k);
        while map.len() >= cap {
            let oldest = map
                .iter()
                .min_by_key(|(_, b)| b.expires_at)
                .map(|(k, _)| k.clone());
            match oldest {
                Some(o) => map.remove(&o),
                None => break,
            };
        }
        let expires_at = now.saturating_add(self.config.exchange_lifetime_ms);
        map.insert(
            k,
            Body {
                data,
                response,
                expires_at,
            },
        );
    }

    /// Sends the answer `p` (token and options set) to request `message_id`: piggybacked
    /// on the ACK of a confirmable request, a separate confirmable response once an
    /// empty ACK went out, non-confirmable for a non-confirmable request.
    pub(super) fn send_answer(
        &mut self,
        peer: P,
        message_id: u16,
        kind: MessageType,
        acknowledged: bool,
        mut p: Packet,
        now: u64,
    ) {
        if kind == MessageType::Confirmable && !acknowledged {
            p.header.set_type(MessageType::Acknowledgement);
            p.header.message_id = message_id;
            if let Ok(bytes) = p.to_bytes_unlimited() {
                self.reply(peer, message_id, bytes);
            }
        } else {
            if kind == MessageType::Confirmable {
                p.header.set_type(MessageType::Confirmable);
            } else {
                p.header.set_type(MessageType::NonConfirmable);
            }
            if let Some(seen) = self.seen.get_mut(&(peer.clone(), message_id)) {
                seen.incoming = None;
            }
            // Only a non-confirmable send can fail (to encode): nobody to tell.
            let _ = self.transmit(peer, p, None, false, now);
        }
    }

    /// Answers a [`Event::Request`] with `response` (its code, options and payload; type,
    /// message ID and token are set here): piggybacked on the ACK of a confirmable
    /// request, unless a duplicate already got an empty ACK (then a separate confirmable
    /// response). A payload above `block_size`, or a request for a later block, is
    /// served Block2; the later blocks come from a stored copy the peer's follow-up
    /// requests hit. An unknown or expired `incoming` is ignored.
    pub fn respond(&mut self, incoming: IncomingId, response: Packet, now: u64) {
        let Some(inc) = self.incoming.remove(&incoming) else {
            return;
        };
        let mut p = response;
        p.set_token(inc.token.clone());
        if let Some(b1) = inc.block1 {
            p.set_option(CoapOption::Block1, [b1.encode()].into_iter().collect());
        }
        let szx = inc
            .block2
            .map_or(self.block_szx(), |b| b.szx.min(self.block_szx()));
        let size = 16usize << szx;
        let offset = inc.block2.map_or(0, |b| (b.num as usize) << (b.szx + 4));
        if p.payload.len() > size || offset > 0 {
            let body = core::mem::take(&mut p.payload);
            let Some(b2) = Block::at(offset, szx).filter(|_| offset < body.len()) else {
                let mut bad = Packet::new();
                bad.header.code = MessageClass::from(BAD_REQUEST);
                bad.set_token(inc.token.clone());
                let kind = if inc.confirmable {
                    MessageType::Confirmable
                } else {
                    MessageType::NonConfirmable
                };
                return self.send_answer(
                    inc.peer,
                    inc.message_id,
                    kind,
                    inc.acknowledged,
                    bad,
                    now,
                );
            };
            let end = body.len().min(offset + size);
            let more = end < body.len();
            p.payload = body[offset..end].to_vec();
            p = without(&p, &[BLOCK2, SIZE2]);
            if more {
                let mut template = without(&p, &[BLOCK1, OBSERVE]);
                template.payload.clear();
                self.store(
                    false,
                    (inc.peer.clone(), inc.key.clone()),
                    body.clone(),
                    Some(template),
                    now,
                );
            }
            p.add_option(CoapOption::Block2, Block { more, ..b2 }.encode());
            if b2.num == 0 {
                p.add_option(
                    CoapOption::Size2,
                    uint(u32::try_from(body.len()).unwrap_or(u32::MAX)),
                );
            }
        }
        let kind = if inc.confirmable {
            MessageType::Confirmable
        } else {
            MessageType::NonConfirmable
        };
        self.send_answer(inc.peer, inc.message_id, kind, inc.acknowledged, p, now);
    }
}
