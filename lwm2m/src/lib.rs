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
//!   Read-Composite, Observe-Composite, Write-Composite) as a transport-neutral
//!   [`Request`] (method, Uri-Path under the alternate path, Uri-Query, Accept,
//!   Content-Format, Observe, payload) and the success code it expects.
//! * As `coap_lite::Packet`s (feature `coap`, on by default): [`Registration::request`],
//!   [`Registration::check_response`], and [`Registration::read_response`], which decodes
//!   into the generated type of the version the client registered and refuses another
//!   version's type.
//! * Typed writes, checked against the version the client registered (a type of another
//!   version is refused) and encoded in the format the caller names or the client's
//!   [`preferred_format`](Registration::preferred_format):
//!   [`Registration::write_operation`] (replace or partial update of an instance, one
//!   resource or one resource instance from a generated write view, whose version it
//!   carries; values the model does not allow are refused before anything is sent),
//!   [`Registration::create_operation`] (the instance ID in the payload) and
//!   [`Registration::write_composite_operation`] (typed values at several paths); as
//!   `coap_lite::Packet`s: [`Registration::write_request`],
//!   [`Registration::create_request`], [`Registration::write_composite_request`].
//! * What clients report: [`Registration::decode_report`] decodes a Send payload or a
//!   notification into [`Reading`]s across objects, each typed by the version its client
//!   registered, with its timestamp (an object not registered, or a version the models
//!   lack, is an error, never guessed); [`Report::instances`] gives the instances of a
//!   generated type with their times, refusing a type of another version. As CoAP
//!   messages: [`Registration::send_report`] (`POST /dp`) and
//!   [`Registration::notification`] (2.05 with its Observe sequence number).
//! * A [`Server`] (feature `coap`) answers Register, Update and De-register (`/rd`) and
//!   Send (`/dp`), keeps each client's registration with the address it talks from, and
//!   expires registrations by their lifetime ([`ServerEvent`]s say what changed).
//! * The client side (feature `coap`): a [`Host`] of typed instances of generated object
//!   types (vendor ones too) builds the Register payload and requests, answers a
//!   server's requests ([`Host::handle`]: Read, Discover, Write, Write-Attributes,
//!   Execute, Create, Delete, Observe, Read-Composite, Observe-Composite,
//!   Write-Composite), each Write checked by the model and applied all or nothing, and
//!   gives the notifications due under `pmin`/`pmax`/`gt`/`lt`/`st`
//!   ([`Host::notifications`], [`Host::next_due`]);
//!   [`SendBuilder`] makes timestamped Send payloads of typed values.
//! * [`transport`] (feature `coap`): the CoAP message layer under both sides, sans-IO:
//!   retransmission of confirmable messages, duplicate detection, piggybacked and separate
//!   responses, Block1/Block2 transfers reassembled into whole bodies, Observe
//!   notifications in sequence order, bad datagrams dropped or answered; bounded memory.
//! * [`Error`]: one error type; [`Error::response_code`] is the one mapping from errors to
//!   CoAP [`ResponseCode`]s.
//!
//! A client hosting an Outdoor lamp controller 2.0 registers and answers a Read of one
//! resource; a write of a value out of range changes nothing:
//!
//! ```
//! # #[cfg(feature = "coap")] {
//! use coap_lite::{CoapOption, MessageClass, MessageType, Packet, RequestType};
//! use ucifi_lwm2m::{Host, ResponseCode};
//! use ucifi_objects::ucifi::outdoor_lamp_controller::v2_0::OutdoorLampController;
//! use ucifi_runtime::Version;
//!
//! let mut host = Host::new("lamp-17", Version::new(1, 1));
//! host.add(0, OutdoorLampController { command: 50, ..Default::default() }).unwrap();
//! assert_eq!(host.register_payload(), "</3416>;ver=2.0,</3416/0>");
//!
//! // The server reads /3416/0/1 (confirmable GET, message ID 0x0101, token 0x7e).
//! let mut read = Packet::new();
//! read.header.set_type(MessageType::Confirmable);
//! read.header.code = MessageClass::Request(RequestType::Get);
//! read.header.message_id = 0x0101;
//! read.set_token(vec![0x7e]);
//! for segment in ["3416", "0", "1"] {
//!     read.add_option(CoapOption::UriPath, segment.as_bytes().to_vec());
//! }
//! let now = 0; // seconds, the caller's clock
//! let response = host.handle(&read, now).unwrap();
//! // 2.05 Content piggybacked on the ACK, text/plain (Content-Format 0), "50".
//! assert_eq!(
//!     response.to_bytes().unwrap(),
//!     [0x61, 0x45, 0x01, 0x01, 0x7e, 0xc0, 0xff, b'5', b'0']
//! );
//!
//! // The application changes a value; a Write of 120 % (range 0..100) is refused.
//! host.instance_mut::<OutdoorLampController>(0).unwrap().command = 60;
//! let mut write = read.clone();
//! write.header.code = MessageClass::Request(RequestType::Put);
//! write.add_option(CoapOption::ContentFormat, vec![]);
//! write.payload = b"120".to_vec();
//! let response = host.handle(&write, now).unwrap();
//! assert_eq!(ResponseCode::from_byte(u8::from(response.header.code)), Some(ResponseCode::BadRequest));
//! assert_eq!(host.instance::<OutdoorLampController>(0).unwrap().command, 60);
//! # }
//! ```
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
//!
//! // A Send from the same client, mixing Device 1.1 and the lamp 1.0, with a time.
//! let payload = br#"[{"bn":"/3/0/","bt":1700000000,"n":"9","v":87},{"bn":"/3416/0/","n":"39","vs":"3000"}]"#;
//! let report = reg
//!     .decode_report(&ucifi_objects::REGISTRY, &Path::ROOT, ContentFormat::SenmlJson, payload)
//!     .unwrap();
//! let lamps = report.instances::<OutdoorLampController>().unwrap();
//! assert_eq!(lamps[0].time, Some(1_700_000_000.0));
//! assert_eq!(lamps[0].value.light_color_temperature_command.as_deref(), Some("3000"));
//!
//! // A partial update from the write view, in SenML CBOR (the client speaks LwM2M 1.1).
//! use ucifi_lwm2m::WriteMode;
//! use ucifi_objects::ucifi::outdoor_lamp_controller::v1_0::OutdoorLampControllerWrite;
//! let dim = OutdoorLampControllerWrite { command: Some(50), ..Default::default() };
//! let request = reg
//!     .write_request(WriteMode::PartialUpdate, &path, &dim, None, 0x1235, vec![8])
//!     .unwrap();
//! assert_eq!(request.payload, [0x81, 0xa3, 0x21, 0x68, b'/', b'3', b'4', b'1', b'6', b'/', b'0', b'/', 0x00, 0x61, b'1', 0x02, 0x18, 0x32]);
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
mod client;
#[cfg(feature = "coap")]
mod coap;
#[cfg(feature = "coap")]
mod server;
#[cfg(feature = "coap")]
pub mod transport;

pub use code::ResponseCode;
pub use error::{Error, ErrorKind};
pub use registration::{DEFAULT_LIFETIME, Models, RegisteredObject, Registration, default_version};
pub use report::{Reading, Report, Timed};
pub use request::{Method, Operation, Request};
/// How a Write changes its target (the runtime's, re-exported): `PUT` replaces, `POST` updates.
pub use ucifi_runtime::codec::WriteMode;

#[cfg(feature = "coap")]
pub use client::{Host, NotificationAttributes, SendBuilder};
#[cfg(feature = "coap")]
pub use coap::Notification;
#[cfg(feature = "coap")]
pub use server::{RegisteredClient, Server, ServerEvent};
