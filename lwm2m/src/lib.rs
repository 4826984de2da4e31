//! `ucifi-lwm2m`: LwM2M interactions over ucifi's typed models, sans-IO: no sockets and
//! no clock of its own; the caller passes messages in and sends what comes out.
//!
//! * [`Registration`]: a client's Register request read into its endpoint, lifetime,
//!   binding, alternate path and objects, each object at the exact version the client
//!   declared (`ver`, else 1.0, or for core objects the version of its LwM2M enabler
//!   version: [`default_version`]). [`Registration::models`] resolves them against a
//!   `Registry` (built in, or extended at run time with `ucifi-ddf`): a version the
//!   models lack is reported, never replaced by another.
//! * Requests: every server-initiated [`Operation`] (Read, Discover, Write replace and
//!   update, Write-Attributes, Execute, Create, Delete, Observe and its cancellation,
//!   Read-Composite, Write-Composite) as a transport-neutral [`Request`] (method, Uri-Path
//!   under the alternate path, Uri-Query, Accept, Content-Format, Observe, payload) and
//!   the success code it expects.
//! * As `coap_lite::Packet`s (feature `coap`, on by default): [`Registration::request`],
//!   [`Registration::check_response`], and [`Registration::read_response`], which decodes
//!   into the generated type of the version the client registered and refuses another
//!   version's type.
//! * [`Error`]: one error type; [`Error::response_code`] is the one mapping from errors to
//!   CoAP [`ResponseCode`]s.
//!
//! A server reading the lamp of a client registered with the Outdoor lamp controller 1.0,
//! whose resource 39 is a String in 1.0 and an Integer in 2.0:
//!
//! ```
//! # #[cfg(feature = "coap")] {
//! use coap_lite::{CoapOption, MessageClass, Packet, ResponseType};
//! use ucifi_lwm2m::Registration;
//! use ucifi_objects::ucifi::outdoor_lamp_controller::v1_0::OutdoorLampController;
//! use ucifi_runtime::{ContentFormat, Path};
//!
//! let reg = Registration::from_register(
//!     ["ep=lamp-17", "lt=300", "lwm2m=1.1", "b=U"],
//!     b"</1/0>,</3/0>,</3416>;ver=1.0,</3416/0>",
//! )
//! .unwrap();
//! assert!(reg.models(&ucifi_objects::REGISTRY).unknown.is_empty());
//! let path = Path::instance(3416, 0);
//! let request = reg.read_request(&path, Some(ContentFormat::Tlv), 0x1234, vec![7]);
//! assert_eq!(
//!     request.to_bytes().unwrap(),
//!     [0x41, 0x01, 0x12, 0x34, 0x07, 0xb4, b'3', b'4', b'1', b'6', 0x01, b'0', 0x62, 0x2d, 0x16]
//! );
//! // The client answers 2.05 Content with resource 39 = "3000" in TLV.
//! let mut response = Packet::new();
//! response.header.code = MessageClass::Response(ResponseType::Content);
//! response.add_option(CoapOption::ContentFormat, vec![0x2d, 0x16]);
//! response.payload = vec![0xc4, 0x27, b'3', b'0', b'0', b'0'];
//! let lamp: OutdoorLampController = reg.read_response(&path, &response).unwrap();
//! assert_eq!(lamp.light_color_temperature_command.as_deref(), Some("3000"));
//! # }
//! ```
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

mod code;
mod error;
mod registration;
mod report;
mod request;
mod write;

#[cfg(feature = "coap")]
mod coap;

pub use code::ResponseCode;
pub use error::{Error, ErrorKind};
pub use registration::{DEFAULT_LIFETIME, Models, RegisteredObject, Registration, default_version};
pub use report::{Reading, Report, Timed};
pub use request::{Method, Operation, Request, WriteMode};

#[cfg(feature = "coap")]
pub use coap::Notification;
