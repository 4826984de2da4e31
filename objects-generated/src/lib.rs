//! `ucifi-objects`: the generated object library (OMA core, IPSO, uCIFI) and the one
//! static model registry that client and server crates share.
//!
//! Every object version has a module (`ucifi_objects::oma::device::v1_2`) holding an
//! instance struct, a write view, one marker type per resource, enums for enumerated
//! resources and the `MODEL` descriptor; each family module re-exports the latest version
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
//! Instances encode to and decode from every content format through one generated impl:
//!
//! ```
//! # #[cfg(feature = "oma")] {
//! use ucifi_objects::oma::Device;
//! use ucifi_runtime::{ContentFormat, Path, typed};
//!
//! let device = Device { battery_level: Some(87), ..Device::default() };
//! let path = Path::instance(3, 0);
//! let tlv = typed::to_bytes(ContentFormat::Tlv, &path, &device).unwrap();
//! let back: Device = typed::from_bytes(ContentFormat::Tlv, &path, &tlv).unwrap();
//! assert_eq!(back, device);
//! # }
//! ```
//!
//! Single resources are addressed with types: `typed::read::<device::BatteryLevel, _>`
//! returns an `i64`, and writing a read-only resource does not compile:
//!
//! ```compile_fail
//! # #[cfg(feature = "oma")] {
//! use ucifi_objects::oma::device::BatteryLevel;
//! let mut w = ucifi_runtime::typed::Recorder::new(3, 0);
//! ucifi_runtime::typed::write::<BatteryLevel, _>(&100, &mut w).unwrap();
//! # }
//! ```
//!
//! ```
//! # #[cfg(feature = "oma")] {
//! use ucifi_objects::oma::device::CurrentTime;
//! let mut w = ucifi_runtime::typed::Recorder::new(3, 0);
//! ucifi_runtime::typed::write::<CurrentTime, _>(&ucifi_runtime::Time(5), &mut w).unwrap();
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
