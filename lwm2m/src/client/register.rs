//! The registration interface (`/rd`) of a [`Host`]: the Register payload, and the
//! Register, Update and De-register requests.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use coap_lite::{CoapOption, MessageClass, MessageType, Packet, RequestType};
use ucifi_runtime::codec::link_format::{RegisterObject, RegisterPayload};

use super::Host;
use crate::coap::{options, uint};
use crate::{Error, ErrorKind, ResponseCode, default_version};

impl Host {
    /// The Register payload: `</>;rt="oma.lwm2m";ct=...` when content formats are
    /// announced, then the objects in ID order, each with `ver` when its version is not
    /// the default for the host's LwM2M version ([`default_version`]), an object link
    /// when it has a `ver` or no instance, and one link per instance (`</3/0>`). Security
    /// (0) and OSCORE (21) are never listed.
    pub fn register_payload(&self) -> String {
        let objects = self
            .objects
            .iter()
            .map(|(&id, store)| {
                let version = store.model().version;
                RegisterObject {
                    id,
                    version: (version != default_version(id, self.lwm2m)).then_some(version),
                    instances: store.instance_ids(),
                }
            })
            .collect();
        RegisterPayload {
            alternate_path: None,
            content_formats: self.content_formats.clone(),
            objects,
        }
        .to_payload()
    }

    /// The confirmable Register request: `POST /rd?ep=...&lt=...&lwm2m=...&b=...` with
    /// the [`register_payload`](Host::register_payload) in link format.
    pub fn register_request(&self, message_id: u16, token: Vec<u8>) -> Packet {
        let mut p = request(RequestType::Post, message_id, token);
        p.add_option(CoapOption::UriPath, b"rd".to_vec());
        p.add_option(CoapOption::ContentFormat, uint(40));
        let lwm2m = self.lwm2m.to_string();
        let lifetime = itoa::Buffer::new().format(self.lifetime).to_string();
        for (name, value) in [
            ("ep", self.endpoint.as_str()),
            ("lt", lifetime.as_str()),
            ("lwm2m", lwm2m.as_str()),
            ("b", self.binding.as_str()),
        ] {
            let q = alloc::format!("{name}={value}");
            p.add_option(CoapOption::UriQuery, q.into_bytes());
        }
        p.payload = self.register_payload().into_bytes();
        p
    }

    /// Takes the server's answer to the Register request: 2.01 Created with the
    /// Location-Path of the registration, which Update and De-register address.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Response`] for another code; [`ErrorKind::InvalidResponseCode`];
    /// [`ErrorKind::InvalidOption`] (8, Location-Path) for a 2.01 without a location or
    /// with a segment that is not UTF-8.
    pub fn registered(&mut self, response: &Packet) -> Result<(), Error> {
        let byte = u8::from(response.header.code);
        let code = ResponseCode::from_byte(byte).ok_or(ErrorKind::InvalidResponseCode(byte))?;
        if code != ResponseCode::Created {
            return Err(ErrorKind::Response(code).into());
        }
        let location = options(response, CoapOption::LocationPath)
            .map(|s| String::from_utf8(s.clone()).map_err(|_| ErrorKind::InvalidOption(8)))
            .collect::<Result<Vec<_>, _>>()?;
        if location.is_empty() {
            return Err(ErrorKind::InvalidOption(8).into());
        }
        self.location = Some(location);
        Ok(())
    }

    /// The location of the registration (`["rd", "5a3f"]`), once registered.
    pub fn location(&self) -> Option<&[String]> {
        self.location.as_deref()
    }

    /// A confirmable Update (`POST` at the registration's location) carrying the
    /// Register payload when `with_objects`; `None` when not registered.
    pub fn update_request(
        &self,
        with_objects: bool,
        message_id: u16,
        token: Vec<u8>,
    ) -> Option<Packet> {
        let mut p = request(RequestType::Post, message_id, token);
        for s in self.location.as_ref()? {
            p.add_option(CoapOption::UriPath, s.as_bytes().to_vec());
        }
        if with_objects {
            p.add_option(CoapOption::ContentFormat, uint(40));
            p.payload = self.register_payload().into_bytes();
        }
        Some(p)
    }

    /// A confirmable De-register (`DELETE` at the registration's location), forgetting
    /// the location; `None` when not registered.
    pub fn deregister_request(&mut self, message_id: u16, token: Vec<u8>) -> Option<Packet> {
        let mut p = request(RequestType::Delete, message_id, token);
        for s in self.location.take()? {
            p.add_option(CoapOption::UriPath, s.into_bytes());
        }
        Some(p)
    }
}

/// A confirmable request without options.
pub(super) fn request(method: RequestType, message_id: u16, token: Vec<u8>) -> Packet {
    let mut p = Packet::new();
    p.header.set_type(MessageType::Confirmable);
    p.header.code = MessageClass::Request(method);
    p.header.message_id = message_id;
    p.set_token(token);
    p
}
