//! The sending side of an [`Endpoint`]: requests (Block1 when large), their responses
//! matched by token (Block2 followed up, notifications of observations), acknowledgements.

use alloc::vec::Vec;

use coap_lite::{CoapOption, MessageType, Packet};

use super::*;

impl<P: Ord + Clone> Endpoint<P> {
    /// Sends a request to `peer`: confirmable unless the packet says non-confirmable;
    /// the message ID, and a token when the packet has none, are assigned here. A payload
    /// above `block_size` goes out Block1, each block waiting for 2.31 Continue. A
    /// request with Observe 0 stays open for [`Event::Notification`]s once answered
    /// with an Observe option. A request with the token of an open one to the same peer
    /// (such as a GET with Observe 1 to cancel an observation) replaces it.
    pub fn request(&mut self, peer: P, request: Packet, now: u64) -> RequestId {
        let id = self.next_request_id();
        let mut p = request;
        if p.header.get_type() != MessageType::NonConfirmable {
            p.header.set_type(MessageType::Confirmable);
        }
        if p.get_token().is_empty() {
            p.set_token(self.random().to_be_bytes()[..4].to_vec());
        }
        let token = p.get_token().to_vec();
        if let Some(old) = self.tokens.insert((peer.clone(), token.clone()), id) {
            self.close(old);
        }
        let observe = option(&p, OBSERVE).is_some_and(|v| read_uint(v) == Some(0));
        let mut exchange = Exchange {
            peer: peer.clone(),
            token,
            request: p.clone(),
            message_id: 0,
            upload: None,
            body: Vec::new(),
            observe: observe.then_some(u32::MAX),
            observing: None,
            expires_at: Some(self.lifetime_end(now)),
        };
        let szx = self.block_szx();
        if p.payload.len() > 16 << szx {
            let payload = core::mem::take(&mut p.payload);
            p.payload = payload[..16 << szx].to_vec();
            p.add_option(
                CoapOption::Block1,
                Block {
                    num: 0,
                    more: true,
                    szx,
                }
                .encode(),
            );
            p.add_option(
                CoapOption::Size1,
                uint(u32::try_from(payload.len()).unwrap_or(u32::MAX)),
            );
            exchange.upload = Some((payload, 0, szx));
        }
        match self.transmit(peer.clone(), p, Some(id), true, now) {
            Ok(message_id) => {
                exchange.message_id = message_id;
                self.exchanges.insert(id, exchange);
            }
            Err(()) => {
                self.tokens.remove(&(peer.clone(), exchange.token));
                self.deferred.push(Event::Failed {
                    peer,
                    id,
                    reason: Failure::Encoding,
                });
            }
        }
        id
    }

    /// Sends an unsolicited message, such as a notification: non-confirmable as given,
    /// confirmable ones retransmitted until acknowledged ([`Event::Failed`] with
    /// [`Failure::Timeout`] when not, [`Failure::Reset`] when the peer resets it, also a
    /// non-confirmable one). The message ID is assigned here; the token is the packet's.
    pub fn send(&mut self, peer: P, packet: Packet, now: u64) -> RequestId {
        let id = self.next_request_id();
        if self
            .transmit(peer.clone(), packet, Some(id), false, now)
            .is_err()
        {
            self.deferred.push(Event::Failed {
                peer,
                id,
                reason: Failure::Encoding,
            });
        }
        id
    }

    /// Forgets an outgoing request or observation: its later responses are reset (a
    /// confirmable one) or dropped, which ends an observation at the peer (RFC 7641
    /// §3.6).
    pub fn forget(&mut self, id: RequestId) {
        self.close(id);
    }

    pub(super) fn close(&mut self, id: RequestId) -> Option<Exchange<P>> {
        let ex = self.exchanges.remove(&id)?;
        let key = (ex.peer.clone(), ex.token.clone());
        if self.tokens.get(&key) == Some(&id) {
            self.tokens.remove(&key);
        }
        if self
            .unacked
            .get(&(ex.peer.clone(), ex.message_id))
            .is_some_and(|u| u.owner == Some(id))
        {
            self.unacked.remove(&(ex.peer.clone(), ex.message_id));
        }
        Some(ex)
    }

    pub(super) fn fail(
        &mut self,
        id: RequestId,
        peer: P,
        reason: Failure,
        events: &mut Vec<Event<P>>,
    ) {
        self.close(id);
        events.push(Event::Failed { peer, id, reason });
    }

    pub(super) fn acknowledgement(
        &mut self,
        peer: P,
        packet: Packet,
        now: u64,
        events: &mut Vec<Event<P>>,
    ) {
        let message_id = packet.header.message_id;
        let reset = packet.header.get_type() == MessageType::Reset;
        // A Reset is empty; an acknowledgement is empty or carries a response.
        if (reset && code(&packet) != 0) || (code(&packet) >> 5 == 0 && code(&packet) != 0) {
            return;
        }
        let Some(unacked) = self.unacked.remove(&(peer.clone(), message_id)) else {
            if reset
                && let Some(i) = self
                    .sent_non
                    .iter()
                    .position(|(_, p, m, ..)| *p == peer && *m == message_id)
                && let Some((_, _, _, id, request)) = self.sent_non.remove(i)
                // A request answered already is done with.
                && (!request || self.exchanges.contains_key(&id))
            {
                self.fail(id, peer, Failure::Reset, events);
            }
            return;
        };
        let Some(id) = unacked.owner else {
            return;
        };
        if reset {
            return self.fail(id, peer, Failure::Reset, events);
        }
        if code(&packet) == 0 {
            return; // the response comes separately
        }
        // Once observing, the answer came already (separately, overtaking this ACK).
        if self
            .exchanges
            .get(&id)
            .is_some_and(|e| e.token == packet.get_token() && e.observing.is_none())
        {
            self.response(id, packet, true, now, events);
        }
    }

    /// A confirmable or non-confirmable response (not piggybacked).
    pub(super) fn separate_response(
        &mut self,
        peer: P,
        packet: Packet,
        now: u64,
        events: &mut Vec<Event<P>>,
    ) {
        let confirmable = packet.header.get_type() == MessageType::Confirmable;
        let message_id = packet.header.message_id;
        let unknown_critical = packet
            .options()
            .any(|(n, _)| n % 2 == 1 && !KNOWN_OPTIONS.contains(n));
        let id = self
            .tokens
            .get(&(peer.clone(), packet.get_token().to_vec()))
            .copied();
        let Some(id) = id.filter(|_| !unknown_critical) else {
            if confirmable {
                self.reset(peer, message_id, now);
            }
            return;
        };
        if confirmable {
            self.reply(
                peer.clone(),
                message_id,
                empty_message(MessageType::Acknowledgement, message_id),
            );
        }
        // The response also acknowledges the request it answers.
        if let Some(ex) = self.exchanges.get(&id)
            && ex.observing.is_none()
        {
            self.unacked.remove(&(peer, ex.message_id));
        }
        self.response(id, packet, false, now, events);
    }

    /// A response for exchange `id`.
    pub(super) fn response(
        &mut self,
        id: RequestId,
        mut packet: Packet,
        piggybacked: bool,
        now: u64,
        events: &mut Vec<Event<P>>,
    ) {
        let Some(ex) = self.exchanges.get_mut(&id) else {
            return;
        };
        let peer = ex.peer.clone();
        let success = code(&packet) >> 5 == 2;
        if let Some((last, at)) = ex.observing
            && !piggybacked
        {
            let seq = option(&packet, OBSERVE).and_then(|v| read_uint(v));
            match seq {
                Some(seq) if success => {
                    if fresher(last, at, seq, now) {
                        ex.observing = Some((seq, now));
                        events.push(Event::Notification {
                            peer,
                            id,
                            response: packet,
                        });
                    }
                }
                _ => {
                    // An error or a response without Observe ends the observation.
                    self.close(id);
                    events.push(Event::Notification {
                        peer,
                        id,
                        response: packet,
                    });
                }
            }
            return;
        }
        if let Some((payload, offset, szx)) = &mut ex.upload {
            if code(&packet) == CONTINUE {
                let Ok(Some(b1)) = block(&packet, BLOCK1) else {
                    return self.fail(id, peer, Failure::BadBlock, events);
                };
                // The block sent last was whole; the peer may ask for smaller blocks
                // from the next one on (RFC 7959 §2.3).
                let start = *offset + (16usize << *szx);
                *szx = (*szx).min(b1.szx);
                let szx = *szx;
                if start >= payload.len() {
                    return self.fail(id, peer, Failure::BadBlock, events);
                }
                let end = payload.len().min(start + (16 << szx));
                let Some(block) = Block::at(start, szx) else {
                    return self.fail(id, peer, Failure::BadBlock, events);
                };
                let more = end < payload.len();
                let mut p = ex.request.clone();
                p.payload = payload[start..end].to_vec();
                p.add_option(CoapOption::Block1, Block { more, ..block }.encode());
                *offset = start;
                return self.follow_up(id, p, now, events);
            }
            ex.upload = None;
        }
        if let Ok(Some(b2)) = block(&packet, BLOCK2) {
            if b2.num == 0 {
                ex.body.clear();
                if ex.observe.is_some() {
                    ex.observe = option(&packet, OBSERVE)
                        .and_then(|v| read_uint(v))
                        .or(Some(u32::MAX));
                }
            }
            let too_large = option(&packet, SIZE2)
                .and_then(|v| read_uint(v))
                .is_some_and(|s| s as usize > self.config.max_body)
                || ex.body.len() + packet.payload.len() > self.config.max_body;
            if too_large {
                return self.fail(id, peer, Failure::TooLarge, events);
            }
            if (b2.num as usize) << (b2.szx + 4) != ex.body.len() {
                return self.fail(id, peer, Failure::BadBlock, events);
            }
            ex.body.extend_from_slice(&packet.payload);
            if b2.more {
                let Some(next) = Block::at(ex.body.len(), b2.szx) else {
                    return self.fail(id, peer, Failure::BadBlock, events);
                };
                let mut p = without(&ex.request, &[BLOCK1, BLOCK2, SIZE1, OBSERVE]);
                p.payload.clear();
                p.add_option(CoapOption::Block2, next.encode());
                return self.follow_up(id, p, now, events);
            }
            packet.payload = core::mem::take(&mut ex.body);
            packet = without(&packet, &[BLOCK2, SIZE2]);
            if let Some(seq) = ex.observe.filter(|&s| s != u32::MAX) {
                packet.set_option(CoapOption::Observe, [uint(seq)].into_iter().collect());
            }
        } else if ex.observe.is_some() {
            ex.observe = option(&packet, OBSERVE)
                .and_then(|v| read_uint(v))
                .or(Some(u32::MAX));
        }
        match ex.observe.filter(|&s| s != u32::MAX && success) {
            Some(seq) => {
                ex.observing = Some((seq, now));
                ex.expires_at = None;
            }
            None => {
                self.close(id);
            }
        }
        events.push(Event::Response {
            peer,
            id,
            response: packet,
        });
    }

    /// Sends the next message of exchange `id` (same token, new message ID).
    pub(super) fn follow_up(
        &mut self,
        id: RequestId,
        p: Packet,
        now: u64,
        events: &mut Vec<Event<P>>,
    ) {
        let Some(peer) = self.exchanges.get(&id).map(|e| e.peer.clone()) else {
            return;
        };
        match self.transmit(peer.clone(), p, Some(id), true, now) {
            Ok(message_id) => {
                let end = self.lifetime_end(now);
                if let Some(ex) = self.exchanges.get_mut(&id) {
                    ex.message_id = message_id;
                    if ex.observing.is_none() {
                        ex.expires_at = Some(end);
                    }
                }
            }
            Err(()) => self.fail(id, peer, Failure::Encoding, events),
        }
    }
}
