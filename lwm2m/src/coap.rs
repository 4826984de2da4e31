//! The interactions as CoAP messages through `coap-lite` (feature `coap`): a Register
//! request read into a [`Registration`], a Read request built for a registration and its
//! response decoded into the type of the version the client registered.

use alloc::vec::Vec;

use coap_lite::{CoapOption, MessageClass, MessageType, Packet, RequestType};
use ucifi_runtime::typed::{ObjectType, WriteView};
use ucifi_runtime::{ContentFormat, Path, Registry, Value};

use crate::request::{Method, Operation, Request};
use crate::{Error, ErrorKind, Registration, Report, ResponseCode};
use ucifi_runtime::codec::WriteMode;

/// The values of option `o`, in order.
pub(crate) fn options(packet: &Packet, o: CoapOption) -> impl Iterator<Item = &Vec<u8>> {
    packet.get_option(o).into_iter().flatten()
}

/// A CoAP uint option value (big-endian, shortest form: 0 is empty).
pub(crate) fn uint(v: u32) -> Vec<u8> {
    let bytes = v.to_be_bytes();
    let skip = bytes.iter().take_while(|&&b| b == 0).count();
    bytes[skip..].to_vec()
}

/// The value of a CoAP uint option, if it fits 32 bits.
pub(crate) fn read_uint(v: &[u8]) -> Option<u32> {
    (v.len() <= 4).then(|| v.iter().fold(0, |acc, &b| acc << 8 | u32::from(b)))
}

/// The Content-Format option of `packet`, if any.
pub(crate) fn content_format(packet: &Packet) -> Result<Option<ContentFormat>, Error> {
    match options(packet, CoapOption::ContentFormat).next() {
        None => Ok(None),
        Some(v) => {
            let n = read_uint(v)
                .and_then(|n| u16::try_from(n).ok())
                .ok_or(ErrorKind::UnsupportedContentFormat(u16::MAX))?;
            Ok(Some(
                ContentFormat::from_number(n).ok_or(ErrorKind::UnsupportedContentFormat(n))?,
            ))
        }
    }
}

/// A notification ([`Registration::notification`]): its Observe sequence number and
/// what it reports.
#[derive(Clone, Debug, PartialEq)]
pub struct Notification {
    /// The Observe option's value; `None` when the response has none (the answer that
    /// ends an observation, or one the client did not establish).
    pub observe: Option<u32>,
    /// The values, typed by the versions the client registered.
    pub report: Report,
}

impl Registration {
    /// Reads a Register request (`POST /rd?ep=...` with a link-format payload), as
    /// [`Registration::from_register`].
    ///
    /// # Errors
    ///
    /// As [`Registration::from_register`]; a Uri-Query option that is not UTF-8 is
    /// [`ErrorKind::InvalidQuery`].
    pub fn from_register_packet(request: &Packet) -> Result<Registration, Error> {
        let mut query = Vec::new();
        for q in options(request, CoapOption::UriQuery) {
            let text = core::str::from_utf8(q).map_err(|_| {
                ErrorKind::InvalidQuery(alloc::string::String::from_utf8_lossy(q).into_owned())
            })?;
            query.push(text);
        }
        Registration::from_register(query, &request.payload)
    }

    /// The confirmable CoAP request of `operation` on `path`, under the client's
    /// alternate path.
    pub fn request(
        &self,
        operation: &Operation,
        path: &Path,
        message_id: u16,
        token: Vec<u8>,
    ) -> Packet {
        operation
            .request(self.alternate_path.as_deref(), path)
            .to_packet(message_id, token)
    }

    /// A confirmable Read (`GET`) of `path` under the client's alternate path, asking
    /// for `accept` when given.
    pub fn read_request(
        &self,
        path: &Path,
        accept: Option<ContentFormat>,
        message_id: u16,
        token: Vec<u8>,
    ) -> Packet {
        self.request(&Operation::Read { accept }, path, message_id, token)
    }

    /// Checks that `response` answers `operation` with its success code, and gives its
    /// payload and Content-Format.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Response`] for another code (an error, or another success);
    /// [`ErrorKind::InvalidResponseCode`]; [`ErrorKind::UnsupportedContentFormat`].
    pub fn check_response<'p>(
        &self,
        operation: &Operation,
        response: &'p Packet,
    ) -> Result<(Option<ContentFormat>, &'p [u8]), Error> {
        let byte = u8::from(response.header.code);
        let code = ResponseCode::from_byte(byte).ok_or(ErrorKind::InvalidResponseCode(byte))?;
        if code != operation.success() {
            return Err(ErrorKind::Response(code).into());
        }
        Ok((content_format(response)?, &response.payload))
    }

    /// Decodes the response to a Read of `path` into `T`, which must be the type of the
    /// object version this client registered.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::VersionMismatch`] or [`ErrorKind::NotFound`] for a `T` the client did
    /// not register; [`ErrorKind::Response`] for a code other than 2.05 Content;
    /// [`ErrorKind::UnsupportedContentFormat`]; [`ErrorKind::Codec`] for a payload that
    /// does not decode into `T`.
    pub fn read_response<T: ObjectType>(&self, path: &Path, response: &Packet) -> Result<T, Error> {
        self.check_type::<T>()?;
        let (format, payload) = self.check_response(&Operation::Read { accept: None }, response)?;
        // No Content-Format: text/plain, the CoAP default.
        let format = format.unwrap_or(ContentFormat::Text);
        Ok(T::decode(format, path, payload)?)
    }

    /// A confirmable Write of `content` (a write view) to `path`, as
    /// [`Registration::write_operation`]: `PUT` for [`WriteMode::Replace`], `POST` for
    /// [`WriteMode::PartialUpdate`], with its Content-Format.
    ///
    /// # Errors
    ///
    /// As [`Registration::write_operation`].
    pub fn write_request<W: WriteView>(
        &self,
        mode: WriteMode,
        path: &Path,
        content: &W,
        format: Option<ContentFormat>,
        message_id: u16,
        token: Vec<u8>,
    ) -> Result<Packet, Error> {
        let op = self.write_operation(mode, path, content, format)?;
        Ok(self.request(&op, path, message_id, token))
    }

    /// A confirmable Create (`POST /O`) of instance `instance_id` from `content` (a write
    /// view), as [`Registration::create_operation`].
    ///
    /// # Errors
    ///
    /// As [`Registration::create_operation`].
    pub fn create_request<W: WriteView>(
        &self,
        instance_id: u16,
        content: &W,
        format: Option<ContentFormat>,
        message_id: u16,
        token: Vec<u8>,
    ) -> Result<Packet, Error> {
        let op = self.create_operation(instance_id, content, format)?;
        Ok(self.request(&op, &Path::object(W::OBJECT_ID), message_id, token))
    }

    /// A confirmable Write-Composite (`iPATCH` on the root) of `values`, as
    /// [`Registration::write_composite_operation`].
    ///
    /// # Errors
    ///
    /// As [`Registration::write_composite_operation`].
    pub fn write_composite_request(
        &self,
        registry: &Registry,
        values: &[(Path, Value)],
        format: Option<ContentFormat>,
        message_id: u16,
        token: Vec<u8>,
    ) -> Result<Packet, Error> {
        let op = self.write_composite_operation(registry, values, format)?;
        Ok(self.request(&op, &Path::ROOT, message_id, token))
    }

    /// Decodes a Send request (`POST /dp`) of this client, as
    /// [`Registration::decode_report`] at the root, in the request's Content-Format.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::UnsupportedContentFormat`]; otherwise as
    /// [`Registration::decode_report`] (a request without Content-Format is text/plain,
    /// which carries no Send payload).
    pub fn send_report(&self, registry: &Registry, request: &Packet) -> Result<Report, Error> {
        let format = content_format(request)?.unwrap_or(ContentFormat::Text);
        self.decode_report(registry, &Path::ROOT, format, &request.payload)
    }

    /// Decodes a notification (2.05 Content, with an Observe option) for an observation
    /// of `path` (the root for Observe-Composite), as [`Registration::decode_report`] at
    /// that path.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Response`] for a code other than 2.05 Content;
    /// [`ErrorKind::InvalidResponseCode`]; [`ErrorKind::InvalidOption`] for an Observe
    /// value longer than 4 bytes; [`ErrorKind::UnsupportedContentFormat`]; otherwise as
    /// [`Registration::decode_report`].
    pub fn notification(
        &self,
        registry: &Registry,
        path: &Path,
        response: &Packet,
    ) -> Result<Notification, Error> {
        let (format, payload) =
            self.check_response(&Operation::Observe { accept: None }, response)?;
        let observe = options(response, CoapOption::Observe)
            .next()
            .map(|v| read_uint(v).ok_or(ErrorKind::InvalidOption(6)))
            .transpose()?;
        // No Content-Format: text/plain, the CoAP default.
        let format = format.unwrap_or(ContentFormat::Text);
        let report = self.decode_report(registry, path, format, payload)?;
        Ok(Notification { observe, report })
    }
}

impl Request {
    /// The request as a confirmable CoAP message.
    pub fn to_packet(&self, message_id: u16, token: Vec<u8>) -> Packet {
        let mut p = Packet::new();
        p.header.set_type(MessageType::Confirmable);
        p.header.code = MessageClass::Request(match self.method {
            Method::Get => RequestType::Get,
            Method::Post => RequestType::Post,
            Method::Put => RequestType::Put,
            Method::Delete => RequestType::Delete,
            Method::Fetch => RequestType::Fetch,
            Method::IPatch => RequestType::IPatch,
        });
        p.header.message_id = message_id;
        p.set_token(token);
        if let Some(o) = self.observe {
            p.add_option(CoapOption::Observe, uint(o));
        }
        for segment in &self.uri_path {
            p.add_option(CoapOption::UriPath, segment.as_bytes().to_vec());
        }
        if let Some(f) = self.content_format {
            p.add_option(CoapOption::ContentFormat, uint(u32::from(f.number())));
        }
        for q in &self.uri_query {
            p.add_option(CoapOption::UriQuery, q.as_bytes().to_vec());
        }
        if let Some(f) = self.accept {
            p.add_option(CoapOption::Accept, uint(u32::from(f.number())));
        }
        p.payload = self.payload.clone();
        p
    }
}
