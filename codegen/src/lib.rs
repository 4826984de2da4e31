//! `ucifi-codegen`: reads OMA LwM2M object definitions (DDF XML) into a model IR,
//! validates them with located diagnostics, and generates Rust for `ucifi-runtime`.
#![forbid(unsafe_code)]

pub mod ir;
