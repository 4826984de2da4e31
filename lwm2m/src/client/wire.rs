//! A [`Host`] on the wire: a server's CoAP request in, the answer out.

use alloc::string::String;
use alloc::vec::Vec;

use coap_lite::{CoapOption, MessageClass, MessageType, Packet, RequestType};
use ucifi_runtime::codec::WriteMode;
use ucifi_runtime::{ContentFormat, Path};

use super::{Host, Last, Observation};
use crate::coap::{content_format, options, read_uint, uint};
use crate::{Error, ErrorKind, ResponseCode};

impl Host {
    /// Answers a server's request; `None` for a message that takes no answer (an
    /// acknowledgement, a Reset, which cancels the observation whose notification it
    /// rejects, or a response). `now` (seconds, the caller's clock) starts the periods of
    /// an observation.
    ///
    /// The request's method and options choose the operation: `GET` is a Read, a
    /// Discover with Accept link-format, an Observe with Observe 0 (its cancellation
    /// with 1); `PUT` a replacing Write, or a Write-Attributes with Uri-Query options;
    /// `POST` on an object a Create, with a Content-Format a partial-update Write,
    /// without one on a resource an Execute (the payload is the argument text);
    /// `DELETE` a Delete; `FETCH` on the root a Read-Composite, `iPATCH` on the root a
    /// Write-Composite. An error is answered with its
    /// [`response_code`](Error::response_code).
    pub fn handle(&mut self, request: &Packet, now: u64) -> Option<Packet> {
        match request.header.get_type() {
            MessageType::Reset => {
                let id = request.header.message_id;
                self.observations.retain(|_, o| o.message_id != Some(id));
                return None;
            }
            MessageType::Acknowledgement => return None,
            _ => {}
        }
        let MessageClass::Request(method) = request.header.code else {
            return None;
        };
        let mut response = self.response_to(request);
        match self.answer(method, request, now, &mut response) {
            Ok(code) => set_code(&mut response, code),
            Err(e) => {
                // The same message, without what the failed operation put in it.
                let mut bare = Packet::new();
                bare.header = response.header.clone();
                bare.set_token(request.get_token().to_vec());
                set_code(&mut bare, e.response_code());
                response = bare;
            }
        }
        Some(response)
    }

    /// An empty response to `request`: piggybacked on the acknowledgement of a
    /// confirmable request, a message of its own otherwise.
    fn response_to(&mut self, request: &Packet) -> Packet {
        let mut p = Packet::new();
        if request.header.get_type() == MessageType::Confirmable {
            p.header.set_type(MessageType::Acknowledgement);
            p.header.message_id = request.header.message_id;
        } else {
            p.header.set_type(MessageType::NonConfirmable);
            p.header.message_id = self.next_message_id();
        }
        p.set_token(request.get_token().to_vec());
        p
    }

    fn answer(
        &mut self,
        method: RequestType,
        request: &Packet,
        now: u64,
        response: &mut Packet,
    ) -> Result<ResponseCode, Error> {
        let path = request_path(request)?;
        let format = content_format(request)?;
        let accept = match options(request, CoapOption::Accept).next() {
            None => None,
            Some(v) => {
                let n = read_uint(v)
                    .and_then(|n| u16::try_from(n).ok())
                    .unwrap_or(u16::MAX);
                Some(ContentFormat::from_number(n).ok_or(ErrorKind::NotAcceptable(n))?)
            }
        };
        let query = options(request, CoapOption::UriQuery)
            .map(|q| {
                core::str::from_utf8(q).map_err(|_| {
                    Error::new(ErrorKind::InvalidQuery(
                        String::from_utf8_lossy(q).into_owned(),
                    ))
                })
            })
            .collect::<Result<Vec<&str>, Error>>()?;
        let observe = options(request, CoapOption::Observe)
            .next()
            .map(|v| read_uint(v).ok_or(ErrorKind::InvalidOption(6)))
            .transpose()?;
        match method {
            RequestType::Get if accept == Some(ContentFormat::LinkFormat) => {
                response.payload = self.discover(&path)?.into_bytes();
                response.add_option(CoapOption::ContentFormat, uint(40));
            }
            RequestType::Get => {
                let (format, payload) = self.read(&path, accept)?;
                let number = self.number(&path);
                let observation = Observation {
                    path,
                    format,
                    composite: None,
                    sequence: 0,
                    last: Last {
                        time: now,
                        payload,
                        number,
                    },
                    message_id: None,
                };
                self.content(request, observe, observation, response);
            }
            RequestType::Put if !query.is_empty() => {
                self.write_attributes(&path, query)?;
                return Ok(ResponseCode::Changed);
            }
            RequestType::Put => {
                let format = format.unwrap_or(ContentFormat::Text);
                self.write(WriteMode::Replace, &path, format, &request.payload)?;
                return Ok(ResponseCode::Changed);
            }
            RequestType::Post if path.len() == 1 => {
                let format = format.unwrap_or(ContentFormat::Text);
                let id = self.create(
                    path.object_id().unwrap_or_default(),
                    format,
                    &request.payload,
                )?;
                let o = path.object_id().unwrap_or_default();
                response.add_option(
                    CoapOption::LocationPath,
                    itoa::Buffer::new().format(o).as_bytes().to_vec(),
                );
                response.add_option(
                    CoapOption::LocationPath,
                    itoa::Buffer::new().format(id).as_bytes().to_vec(),
                );
                return Ok(ResponseCode::Created);
            }
            RequestType::Post if format.is_none() && path.len() == 3 => {
                let arguments = core::str::from_utf8(&request.payload)
                    .map_err(|_| ErrorKind::InvalidQuery("execute arguments".into()))?;
                self.execute(&path, arguments)?;
                return Ok(ResponseCode::Changed);
            }
            RequestType::Post => {
                let format = format.unwrap_or(ContentFormat::Text);
                self.write(WriteMode::PartialUpdate, &path, format, &request.payload)?;
                return Ok(ResponseCode::Changed);
            }
            RequestType::Fetch if path.is_empty() => {
                let format = format.unwrap_or(ContentFormat::Text);
                let (answer, payload) = self.read_composite(format, &request.payload, accept)?;
                let observation = Observation {
                    path,
                    format: answer,
                    composite: Some((format, request.payload.clone())),
                    sequence: 0,
                    last: Last {
                        time: now,
                        payload,
                        number: None,
                    },
                    message_id: None,
                };
                self.content(request, observe, observation, response);
            }
            RequestType::IPatch if path.is_empty() => {
                let format = format.unwrap_or(ContentFormat::Text);
                self.write_composite(format, &request.payload)?;
                return Ok(ResponseCode::Changed);
            }
            RequestType::Delete => {
                self.delete(&path)?;
                return Ok(ResponseCode::Deleted);
            }
            _ => return Err(ErrorKind::MethodNotAllowed(path).into()),
        }
        Ok(ResponseCode::Content)
    }

    /// Puts a Read's content in `response`; with Observe 0 the read starts
    /// `observation`, with Observe 1 it ends the observation of the request's token.
    fn content(
        &mut self,
        request: &Packet,
        observe: Option<u32>,
        observation: Observation,
        response: &mut Packet,
    ) {
        let token = request.get_token().to_vec();
        let format = observation.format;
        response.payload = observation.last.payload.clone();
        match observe {
            Some(0) => {
                self.observations.insert(token, observation);
                response.add_option(CoapOption::Observe, uint(0));
            }
            Some(1) => {
                self.observations.remove(&token);
            }
            _ => {}
        }
        response.add_option(CoapOption::ContentFormat, uint(u32::from(format.number())));
    }
}

/// Sets a packet's code to a response code.
pub(super) fn set_code(p: &mut Packet, code: ResponseCode) {
    p.header.code = MessageClass::from(code.byte());
}

/// The LwM2M path of a request's Uri-Path options: a segment that is no ID is 4.04.
fn request_path(request: &Packet) -> Result<Path, Error> {
    let mut ids = Vec::new();
    for s in options(request, CoapOption::UriPath) {
        let id = core::str::from_utf8(s)
            .ok()
            .filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|t| t.parse::<u16>().ok());
        match id {
            Some(id) if ids.len() < 4 => ids.push(id),
            _ => return Err(ErrorKind::NotFound(Path::ROOT).into()),
        }
    }
    Path::from_ids(&ids).map_err(|_| ErrorKind::NotFound(Path::ROOT).into())
}
