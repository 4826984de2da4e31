//! `ucifi-codegen`: generates Rust for `ucifi-runtime` from OMA LwM2M object definitions
//! (DDF XML), read and validated by `ucifi-ddf` (re-exported here as [`load`], [`ir`],
//! [`diagnostics`], [`range`] and [`model`]).
//!
//! * [`Config`]: the `build.rs` entry point (models in, Rust files out);
//! * [`generator`]: IR to Rust (`quote`, `syn`, `prettyplease`);
//! * [`names`]: Rust identifiers from model names, sanitised in one place;
//! * [`diff`]: the semantic model diff ([`diff::diff_sets`]);
//! * [`load`]: the DDF reader ([`load::load_paths`], [`load::load_file`],
//!   [`load::parse_ddf`], [`load::dedup_versions`]);
//! * [`ir`]: the model IR ([`ir::ObjectDef`], [`ir::ResourceDef`], [`ir::Range`]);
//! * [`diagnostics`]: located [`diagnostics::Diagnostic`]s and their stable codes;
//! * [`range`]: the `<RangeEnumeration>` parser;
//! * [`model`]: IR to runtime descriptors ([`model::extend_registry`]);
//! * [`values`]: value names, the meanings of integer codes ([`values::ValueNames`]).
#![forbid(unsafe_code)]

pub mod config;
pub mod diff;
#[path = "gen/mod.rs"]
pub mod generator;
pub mod names;
pub mod values;

pub use config::Config;
pub use ucifi_ddf::{diagnostics, ir, load, model, range};
