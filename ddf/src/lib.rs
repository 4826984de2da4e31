//! `ucifi-ddf`: reads OMA LwM2M object definitions (DDF XML) into a model IR, validates
//! them with located diagnostics, and turns them into `ucifi-runtime` models, so that a
//! server can load a vendor's object at run time and type its payloads exactly as a
//! built-in one. It depends on nothing of the code generator (no syn, quote or
//! prettyplease); `ucifi-codegen` builds on it.
//!
//! * [`load`]: the DDF reader ([`load::load_paths`], [`load::load_file`],
//!   [`load::parse_ddf`], [`load::dedup_versions`]);
//! * [`ir`]: the model IR ([`ir::ObjectDef`], [`ir::ResourceDef`], [`ir::Range`]);
//! * [`diagnostics`]: located [`diagnostics::Diagnostic`]s and their stable codes;
//! * [`range`]: the `<RangeEnumeration>` parser;
//! * [`model`]: IR to runtime descriptors ([`model::extend_registry`]).
//!
//! ```
//! use std::path::Path;
//!
//! let xml = br#"<LWM2M><Object ObjectType="MODefinition">
//!   <Name>Bench sensor</Name><Description1>A bench.</Description1>
//!   <ObjectID>26300</ObjectID><ObjectURN>urn:oma:lwm2m:x:26300</ObjectURN>
//!   <LWM2MVersion>1.1</LWM2MVersion><ObjectVersion>1.0</ObjectVersion>
//!   <MultipleInstances>Multiple</MultipleInstances><Mandatory>Optional</Mandatory>
//!   <Resources><Item ID="0"><Name>Occupied</Name><Operations>R</Operations>
//!     <MultipleInstances>Single</MultipleInstances><Mandatory>Mandatory</Mandatory>
//!     <Type>Boolean</Type><RangeEnumeration></RangeEnumeration><Units></Units>
//!     <Description>Whether someone sits on it.</Description></Item></Resources>
//! </Object></LWM2M>"#;
//! let file = ucifi_ddf::load::parse_ddf(Path::new("26300.xml"), xml);
//! assert!(file.diagnostics.is_empty());
//! let mut registry = ucifi_runtime::Registry::empty();
//! ucifi_ddf::model::extend_registry(&mut registry, &file.objects);
//! let model = registry.latest(26300).unwrap();
//! assert_eq!(model.resource(0).unwrap().name, "Occupied");
//! ```
#![forbid(unsafe_code)]

pub mod diagnostics;
pub mod ir;
pub mod load;
pub mod model;
pub mod range;
mod xml;
