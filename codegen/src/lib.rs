//! `ucifi-codegen`: reads OMA LwM2M object definitions (DDF XML) into a model IR,
//! validates them with located diagnostics, and generates Rust for `ucifi-runtime`.
//!
//! * [`load`]: the DDF reader ([`load::load_paths`], [`load::load_file`],
//!   [`load::parse_ddf`], [`load::dedup_versions`]);
//! * [`ir`]: the model IR ([`ir::ObjectDef`], [`ir::ResourceDef`], [`ir::Range`]);
//! * [`diagnostics`]: located [`diagnostics::Diagnostic`]s and their stable codes;
//! * [`range`]: the `<RangeEnumeration>` parser;
//! * [`diff`]: the semantic model diff ([`diff::diff_sets`]);
//! * [`model`]: IR to runtime descriptors ([`model::extend_registry`]);
//! * [`values`]: value names, the meanings of integer codes ([`values::ValueNames`]).
#![forbid(unsafe_code)]

pub mod config;
pub mod diagnostics;
pub mod diff;
#[path = "gen/mod.rs"]
pub mod generator;
pub mod ir;
pub mod load;
pub mod model;
pub mod names;
pub mod range;
pub mod values;
mod xml;

pub use config::Config;
