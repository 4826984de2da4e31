//! Notification attributes (Write-Attributes) and the rule deciding when an observation
//! is due.

use alloc::vec::Vec;

use ucifi_runtime::codec::link_format::{Attribute, Param};

use coap_lite::{CoapOption, MessageType, Packet};

use super::wire::set_code;
use super::{Host, Observation};
use crate::coap::uint;
use crate::{Error, ErrorKind, ResponseCode};

/// The notification attributes of one path, as Write-Attributes sets them. An attribute
/// not set here is inherited from the levels above (resource instance, resource,
/// instance, object: [`inherit`](NotificationAttributes::inherit)).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct NotificationAttributes {
    /// Minimum period between notifications, in seconds.
    pub pmin: Option<u32>,
    /// Maximum period without a notification, in seconds (0: none).
    pub pmax: Option<u32>,
    /// Greater than: notify when the value crosses it.
    pub gt: Option<f64>,
    /// Less than: notify when the value crosses it.
    pub lt: Option<f64>,
    /// Step: notify when the value moved at least this far from the one last notified.
    pub st: Option<f64>,
    /// Minimum evaluation period, in seconds (kept and announced by Discover; values
    /// change when the application changes them, so the host evaluates whenever it is
    /// asked).
    pub epmin: Option<u32>,
    /// Maximum evaluation period, in seconds (kept and announced like `epmin`).
    pub epmax: Option<u32>,
}

impl NotificationAttributes {
    /// Whether no attribute is set.
    pub fn is_empty(&self) -> bool {
        *self == NotificationAttributes::default()
    }

    /// `self`, with the attributes it lacks taken from `outer` (the level above).
    pub fn inherit(&self, outer: &NotificationAttributes) -> NotificationAttributes {
        NotificationAttributes {
            pmin: self.pmin.or(outer.pmin),
            pmax: self.pmax.or(outer.pmax),
            gt: self.gt.or(outer.gt),
            lt: self.lt.or(outer.lt),
            st: self.st.or(outer.st),
            epmin: self.epmin.or(outer.epmin),
            epmax: self.epmax.or(outer.epmax),
        }
    }

    /// The attributes set, in the order Discover lists them.
    pub fn to_attributes(&self) -> Vec<Attribute> {
        let mut out = Vec::new();
        out.extend(self.pmin.map(Attribute::Pmin));
        out.extend(self.pmax.map(Attribute::Pmax));
        out.extend(self.gt.map(Attribute::Gt));
        out.extend(self.lt.map(Attribute::Lt));
        out.extend(self.st.map(Attribute::St));
        out.extend(self.epmin.map(Attribute::Epmin));
        out.extend(self.epmax.map(Attribute::Epmax));
        out
    }

    /// Applies the Uri-Query options of a Write-Attributes request: `name=value` sets an
    /// attribute, a bare `name` removes it. Only `pmin`, `pmax`, `gt`, `lt`, `st`,
    /// `epmin` and `epmax` are taken; the result must be consistent ([`check`]).
    /// Nothing changes on error.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidQuery`] (4.00) for another parameter, a value that does not
    /// fit its attribute, or attributes that contradict each other.
    ///
    /// [`check`]: NotificationAttributes::check
    pub fn apply_query<'q>(
        &mut self,
        query: impl IntoIterator<Item = &'q str>,
    ) -> Result<(), Error> {
        let mut next = *self;
        for q in query {
            let invalid = || Error::new(ErrorKind::InvalidQuery(q.into()));
            let (name, value) = match q.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (q, None),
            };
            let Some(value) = value else {
                match name {
                    "pmin" => next.pmin = None,
                    "pmax" => next.pmax = None,
                    "gt" => next.gt = None,
                    "lt" => next.lt = None,
                    "st" => next.st = None,
                    "epmin" => next.epmin = None,
                    "epmax" => next.epmax = None,
                    _ => return Err(invalid()),
                }
                continue;
            };
            let attribute =
                Attribute::from_param(&Param::token(name, value)).map_err(|_| invalid())?;
            match attribute {
                Attribute::Pmin(v) => next.pmin = Some(v),
                Attribute::Pmax(v) => next.pmax = Some(v),
                Attribute::Gt(v) => next.gt = Some(v),
                Attribute::Lt(v) => next.lt = Some(v),
                Attribute::St(v) if v >= 0.0 => next.st = Some(v),
                Attribute::Epmin(v) => next.epmin = Some(v),
                Attribute::Epmax(v) => next.epmax = Some(v),
                _ => return Err(invalid()),
            }
        }
        next.check()
            .map_err(|what| Error::new(ErrorKind::InvalidQuery(what.into())))?;
        *self = next;
        Ok(())
    }

    /// `Ok` when the attributes agree with each other: `pmin <= pmax` (unless `pmax` is
    /// 0), `epmin <= epmax`, `lt < gt`, and with `st` too, `lt + 2 * st < gt`. The error
    /// names the rule broken.
    pub fn check(&self) -> Result<(), &'static str> {
        if let (Some(min), Some(max)) = (self.pmin, self.pmax)
            && max != 0
            && min > max
        {
            return Err("pmin>pmax");
        }
        if let (Some(min), Some(max)) = (self.epmin, self.epmax)
            && min > max
        {
            return Err("epmin>epmax");
        }
        if let (Some(lt), Some(gt)) = (self.lt, self.gt) {
            if lt >= gt {
                return Err("lt>=gt");
            }
            if lt + 2.0 * self.st.unwrap_or(0.0) >= gt {
                return Err("lt+2*st>=gt");
            }
        }
        Ok(())
    }

    /// Whether a threshold attribute (`gt`, `lt`, `st`) is set.
    pub(crate) fn has_thresholds(&self) -> bool {
        self.gt.is_some() || self.lt.is_some() || self.st.is_some()
    }
}

/// What an observation last notified, to decide when the next notification is due.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Last {
    /// When (seconds, the caller's clock).
    pub time: u64,
    /// The payload.
    pub payload: Vec<u8>,
    /// The numeric value, for a single numeric resource.
    pub number: Option<f64>,
}

/// The state of a target now.
pub(crate) struct Now<'a> {
    pub payload: &'a [u8],
    pub number: Option<f64>,
}

/// Whether a changed value is worth a notification: with `gt`, `lt` or `st` on a
/// numeric value, only when it crosses `gt` or `lt` or moved by `st`; otherwise any
/// change.
fn change_counts(a: &NotificationAttributes, last: &Last, now: &Now<'_>) -> bool {
    if now.payload == last.payload.as_slice() {
        return false;
    }
    let (Some(old), Some(new)) = (last.number, now.number) else {
        return true;
    };
    if !a.has_thresholds() {
        return true;
    }
    let above = a.gt.is_some_and(|t| (old > t) != (new > t));
    let below = a.lt.is_some_and(|t| (old < t) != (new < t));
    let stepped = a.st.is_some_and(|st| (new - old).abs() >= st);
    above || below || stepped
}

/// The time an observation is next due given its attributes, what it last notified and
/// the target's state now: `now.time` or earlier when due now, `None` when nothing will
/// make it due without a further change.
pub(crate) fn due_at(a: &NotificationAttributes, last: &Last, now: &Now<'_>) -> Option<u64> {
    let pmin = u64::from(a.pmin.unwrap_or(0));
    let earliest = last.time.saturating_add(pmin);
    let by_change = change_counts(a, last, now).then_some(earliest);
    let by_pmax = a
        .pmax
        .filter(|&max| max != 0)
        .map(|max| last.time.saturating_add(u64::from(max)).max(earliest));
    match (by_change, by_pmax) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    }
}

impl Host {
    /// The notifications due at `now` (seconds, the caller's clock), as non-confirmable
    /// 2.05 responses with the observation's token, an Observe sequence number one above
    /// the last, and the target's current value. An observation is due when its value
    /// changed (with `gt`, `lt` or `st` in force on a numeric resource: crossed a
    /// threshold or moved by the step since the last notification) and `pmin` has
    /// passed, or when `pmax` has passed; the attributes are those in force at the
    /// observed path ([`effective_attributes`](Host::effective_attributes)). A target
    /// that no longer exists ends its observation with a 4.04 notification.
    pub fn notifications(&mut self, now: u64) -> Vec<Packet> {
        let mut out = Vec::new();
        let mut ended = Vec::new();
        let tokens: Vec<Vec<u8>> = self.observations.keys().cloned().collect();
        for token in tokens {
            let Some(o) = self.observations.get(&token) else {
                continue;
            };
            let (path, format) = (o.path, o.format);
            let mut p = Packet::new();
            p.header.set_type(MessageType::NonConfirmable);
            p.set_token(token.clone());
            let Ok(payload) = self.observed(o) else {
                p.header.message_id = self.next_message_id();
                set_code(&mut p, ResponseCode::NotFound);
                out.push(p);
                ended.push(token);
                continue;
            };
            let number = self.observed_number(o);
            let a = self.effective_attributes(&path);
            let current = Now {
                payload: &payload,
                number,
            };
            if due_at(&a, &o.last, &current).is_none_or(|t| t > now) {
                continue;
            }
            let message_id = self.next_message_id();
            let Some(o) = self.observations.get_mut(&token) else {
                continue;
            };
            o.sequence = o.sequence.wrapping_add(1) & 0x00ff_ffff;
            o.message_id = Some(message_id);
            p.header.message_id = message_id;
            set_code(&mut p, ResponseCode::Content);
            p.add_option(CoapOption::Observe, uint(o.sequence));
            p.add_option(CoapOption::ContentFormat, uint(u32::from(format.number())));
            o.last = Last {
                time: now,
                payload: payload.clone(),
                number,
            };
            p.payload = payload;
            out.push(p);
        }
        for token in ended {
            self.observations.remove(&token);
        }
        out
    }

    /// When the next notification is due given the values now: a time at or before
    /// `now` when one is due already, `None` when none will be without a change.
    pub fn next_due(&self, now: u64) -> Option<u64> {
        self.observations
            .values()
            .filter_map(|o| {
                let Ok(payload) = self.observed(o) else {
                    // A target gone: its 4.04 notification is due.
                    return Some(now);
                };
                let current = Now {
                    payload: &payload,
                    number: self.observed_number(o),
                };
                due_at(&self.effective_attributes(&o.path), &o.last, &current)
            })
            .min()
    }

    /// The current content of an observation's target, in its format.
    fn observed(&self, o: &Observation) -> Result<Vec<u8>, Error> {
        match &o.composite {
            Some((format, paths)) => Ok(self.read_composite(*format, paths, Some(o.format))?.1),
            None => Ok(self.read(&o.path, Some(o.format))?.1),
        }
    }

    /// The number `gt`, `lt` and `st` compare: a numeric single value's (none for a
    /// composite observation).
    fn observed_number(&self, o: &Observation) -> Option<f64> {
        match o.composite {
            Some(_) => None,
            None => self.number(&o.path),
        }
    }
}
