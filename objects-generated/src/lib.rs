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
//! The code under `src/generated/` is written by `cargo xtask regen` from `models/`; do not
//! edit it.
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]

#[rustfmt::skip]
mod generated;

pub use generated::*;
