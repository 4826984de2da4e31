//! A vendor's own LwM2M object, generated at build time from `models/26300.xml` by
//! `ucifi_codegen::Config` (see `build.rs`), the way `prost-build` generates protobuf types.
//!
//! ```
//! use ucifi_example_vendor_object::x::BenchSensor;
//! use ucifi_runtime::typed::{Instance, ObjectType};
//!
//! let bench = BenchSensor { occupied: true, ..Default::default() };
//! assert!(bench.validate().is_ok());
//! assert_eq!(BenchSensor::MODEL.urn, "urn:oma:lwm2m:x:26300");
//! ```
#![forbid(unsafe_code)]

include!(concat!(env!("OUT_DIR"), "/vendor_objects.rs"));

/// The generator's fixture models (tests/fixtures/models), compiled to prove their
/// generated code builds and works.
#[doc(hidden)]
pub mod fixtures {
    include!(concat!(env!("OUT_DIR"), "/fixture_objects.rs"));
}
