//! `ucifi-objects`: the generated object library (OMA core, IPSO, uCIFI) and the one
//! static model registry that client and server crates share.
//!
//! Every object version has a module (`ucifi_objects::oma::device::v1_2`) holding an
//! instance struct, a write view, the `Execute` list, enums for enumerated resources, the
//! `MODEL` descriptor, the resource IDs (`id`) and one marker type per resource
//! (`resources`); each family module re-exports the latest version
//! of its objects (`ucifi_objects::oma::Device`). Each family is a cargo feature (`oma`,
//! `ipso`, `ucifi`, all on by default) so firmware compiles only what it uses.
//!
//! ```
//! use ucifi_objects::REGISTRY;
//!
//! # #[cfg(feature = "oma")]
//! assert_eq!(REGISTRY.latest(3).unwrap().name, "Device");
//! ```
//!
//! Instances encode to and decode from every content format through the methods of
//! [`typed::Instance`](ucifi_runtime::typed::Instance), which every generated struct
//! implements:
//!
//! ```
//! # #[cfg(feature = "oma")] {
//! use ucifi_objects::oma::Device;
//! use ucifi_runtime::typed::Instance;
//! use ucifi_runtime::{ContentFormat, Path};
//!
//! let device = Device { battery_level: Some(87), ..Device::default() };
//! let path = Path::instance(3, 0);
//! let tlv = device.encode(ContentFormat::Tlv, &path).unwrap();
//! let back = Device::decode(ContentFormat::Tlv, &path, &tlv).unwrap();
//! assert_eq!(back, device);
//! # }
//! ```
//!
//! Single resources are addressed with types: `typed::read::<device::resources::BatteryLevel>`
//! returns an `i64`, and writing a read-only resource does not compile:
//!
//! ```compile_fail,E0277
//! # #[cfg(feature = "oma")] {
//! use ucifi_objects::oma::device::resources::BatteryLevel;
//! use ucifi_runtime::{ContentFormat, Path};
//! let path = Path::resource(3, 0, 9);
//! ucifi_runtime::typed::write::<BatteryLevel>(ContentFormat::Text, &path, &100).unwrap();
//! # }
//! ```
//!
//! ```
//! # #[cfg(feature = "oma")] {
//! use ucifi_objects::oma::device::resources::CurrentTime;
//! use ucifi_runtime::{ContentFormat, Path, Time};
//! let path = Path::resource(3, 0, 13);
//! let text = ucifi_runtime::typed::write::<CurrentTime>(ContentFormat::Text, &path, &Time(5)).unwrap();
//! assert_eq!(text, b"5");
//! # }
//! ```
//!
//! With the `serde` feature (on by default) every struct and write view is `Serialize` and
//! `Deserialize`, field names as in the struct: absent values (`None`, an optional multiple
//! resource without instances) are left out, and a document may omit any of them.
//!
//! ```
//! # #[cfg(all(feature = "ucifi", feature = "serde"))] {
//! use ucifi_objects::ucifi::OutdoorLampController;
//! let lamp = OutdoorLampController { command: 80, dimming_level: 75, ..Default::default() };
//! let json = serde_json::to_string(&lamp).unwrap();
//! assert_eq!(json, r#"{"command":80,"dimming_level":75}"#);
//! let back: OutdoorLampController = serde_json::from_str(&json).unwrap();
//! assert_eq!(back, lamp);
//! # }
//! ```
//!
//! The code under `src/generated/` is written by `cargo xtask regen` from `models/`; do not
//! edit it.
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]

#[rustfmt::skip]
mod generated;

pub use generated::*;
