//! The interactions as CoAP messages through `coap-lite` (feature `coap`): a Register
//! request read into a [`Registration`], a Read request built for a registration and its
//! response decoded into the type of the version the client registered.

use alloc::vec::Vec;

use coap_lite::{CoapOption, MessageClass, MessageType, Packet, RequestType};
use ucifi_runtime::typed::ObjectType;
use ucifi_runtime::{ContentFormat, Path};

use crate::{Error, ErrorKind, Registration, ResponseCode};

/// The values of option `o`, in order.
fn options(packet: &Packet, o: CoapOption) -> impl Iterator<Item = &Vec<u8>> {
    packet.get_option(o).into_iter().flatten()
}

/// A CoAP uint option value (big-endian, shortest form: 0 is empty).
fn uint(v: u32) -> Vec<u8> {
    let bytes = v.to_be_bytes();
    let skip = bytes.iter().take_while(|&&b| b == 0).count();
    bytes[skip..].to_vec()
}

/// The value of a CoAP uint option, if it fits 32 bits.
fn read_uint(v: &[u8]) -> Option<u32> {
    (v.len() <= 4).then(|| v.iter().fold(0, |acc, &b| acc << 8 | u32::from(b)))
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

    /// A confirmable Read (`GET`) of `path` under the client's alternate path, asking
    /// for `accept` when given.
    pub fn read_request(
        &self,
        path: &Path,
        accept: Option<ContentFormat>,
        message_id: u16,
        token: Vec<u8>,
    ) -> Packet {
        let mut p = Packet::new();
        p.header.set_type(MessageType::Confirmable);
        p.header.code = MessageClass::Request(RequestType::Get);
        p.header.message_id = message_id;
        p.set_token(token);
        let alternate = self.alternate_path.as_deref().unwrap_or("");
        for segment in alternate.split('/').filter(|s| !s.is_empty()) {
            p.add_option(CoapOption::UriPath, segment.as_bytes().to_vec());
        }
        for id in path.ids() {
            p.add_option(
                CoapOption::UriPath,
                itoa::Buffer::new().format(*id).as_bytes().to_vec(),
            );
        }
        if let Some(f) = accept {
            p.add_option(CoapOption::Accept, uint(u32::from(f.number())));
        }
        p
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
        let byte = u8::from(response.header.code);
        let code = ResponseCode::from_byte(byte).ok_or(ErrorKind::InvalidResponseCode(byte))?;
        if code != ResponseCode::Content {
            return Err(ErrorKind::Response(code).into());
        }
        let format = match options(response, CoapOption::ContentFormat).next() {
            None => ContentFormat::Text,
            Some(v) => {
                let n = read_uint(v)
                    .and_then(|n| u16::try_from(n).ok())
                    .ok_or(ErrorKind::UnsupportedContentFormat(u16::MAX))?;
                ContentFormat::from_number(n).ok_or(ErrorKind::UnsupportedContentFormat(n))?
            }
        };
        Ok(T::decode(format, path, &response.payload)?)
    }
}
