//! What the fuzz targets check, one function per kind of target; each target in
//! `fuzz_targets/` is one call. Inputs start with selector bytes naming the path, the type
//! lookup or the format, followed by the payload:
//!
//! * `decode_*`, `roundtrip_*` (value formats): `[sel] payload`, where `sel & 0x0f` picks
//!   one of [`PATHS`] and `sel & 0x10` decodes without a model ([`NoModel`]) instead of
//!   through [`REGISTRY`];
//! * `typed_*`: `[format, target] payload` ([`typed_input`]);
//! * link-format and DDF targets: the text itself;
//! * LwM2M targets (`coap_endpoint`, `lwm2m_*`): records of CoAP messages, see [`lwm2m`].
//!
//! Checks: decoders never panic, errors point inside the payload, a decoded node fits its
//! path; `Instance::decode_into` a used struct equals `Instance::decode`; whatever decodes
//! encodes again and decodes to the same content; the DDF reader never panics and
//! definitions it reads without errors generate.

pub mod lwm2m;

use std::fmt::Debug;
use std::path::Path as FsPath;

use ucifi_codegen::generator::{self, Input, Layout, Options};
use ucifi_codegen::load;
use ucifi_objects::REGISTRY;
pub use ucifi_objects::oma::device::v1_0::Device;
use ucifi_objects::oma::device::v1_0::{AvailablePowerSourcesValue as Power, ErrorCodeValue};
pub use ucifi_objects::ucifi::outdoor_lamp_controller::v2_0::OutdoorLampController as Lamp;
use ucifi_runtime::codec::link_format::{self, RegisterPayload};
use ucifi_runtime::codec::{self, Error, NoModel, TypeLookup};
use ucifi_runtime::typed::ObjectType;
use ucifi_runtime::{
    ContentFormat, InstanceNode, Node, Path, ResourceNode, ResourceValue, Time, Value,
};

/// The paths value payloads are decoded at (`sel & 0x0f`): Device instance, object,
/// single, multiple, resource-instance, Time, Objlnk and String resources, Temperature,
/// the lamp controller, Connectivity Monitoring, Server, an object no model knows, root.
pub const PATHS: [&str; 16] = [
    "/3/0",
    "/3",
    "/3/0/9",
    "/3/0/6",
    "/3/0/6/1",
    "/3/0/13",
    "/3/0/22",
    "/3/0/0",
    "/3303/0/5700",
    "/3303",
    "/3416/0",
    "/3416/0/1",
    "/4/0",
    "/1/0/6",
    "/19/0/0",
    "/",
];

/// The formats that carry values (every one but link-format), in selector order.
pub const VALUE_FORMATS: [ContentFormat; 8] = [
    ContentFormat::Text,
    ContentFormat::Opaque,
    ContentFormat::Cbor,
    ContentFormat::Tlv,
    ContentFormat::SenmlJson,
    ContentFormat::SenmlCbor,
    ContentFormat::Lwm2mJson,
    ContentFormat::Lwm2mCbor,
];

/// The selector byte of `PATHS[path]`, typed through the registry or not.
pub fn node_selector(path: usize, registry: bool) -> u8 {
    path as u8 & 0x0f | if registry { 0 } else { 0x10 }
}

/// `[sel] payload` → (path, type lookup, payload).
pub fn node_input(data: &[u8]) -> Option<(Path, &'static dyn TypeLookup, &[u8])> {
    let (&sel, payload) = data.split_first()?;
    let path = PATHS[usize::from(sel & 0x0f)].parse().ok()?;
    let types: &'static dyn TypeLookup = if sel & 0x10 == 0 { &REGISTRY } else { &NoModel };
    Some((path, types, payload))
}

/// `[format, target] payload` for object `T`: `VALUE_FORMATS[format % 8]`; target 0 is
/// the instance `/O/0`, any other the resource `MODEL.resources[(target & 0x7f) % n]`
/// (`/O/0/R`, or with bit 7 its resource instance `/O/0/R/1`).
pub fn typed_input<T: ObjectType>(data: &[u8]) -> Option<(ContentFormat, Path, &[u8])> {
    let [f, target, payload @ ..] = data else {
        return None;
    };
    let format = VALUE_FORMATS[usize::from(*f) % VALUE_FORMATS.len()];
    let resources = &T::MODEL.resources;
    let path = match *target {
        0 => Path::instance(T::OBJECT_ID, 0),
        t => {
            let r = resources
                .get(usize::from(t & 0x7f) % resources.len().max(1))?
                .id;
            if t & 0x80 == 0 {
                Path::resource(T::OBJECT_ID, 0, r)
            } else {
                Path::resource_instance(T::OBJECT_ID, 0, r, 1)
            }
        }
    };
    Some((format, path, payload))
}

/// Values compared through `Debug`, so that NaN equals NaN.
fn same<A: Debug>(a: &A, b: &A) -> bool {
    format!("{a:?}") == format!("{b:?}")
}

/// An error's offset, when it has one, lies inside the payload (or at its end).
fn check_error<T>(r: &Result<T, Error>, payload: &[u8]) {
    if let Err(e) = r
        && let (kind, Some(at)) = e.kind_at()
    {
        assert!(
            at <= payload.len(),
            "{kind:?} at {at}, beyond the {}-byte payload",
            payload.len()
        );
    }
}

/// A value format's decoder: no panic; errors inside the payload; a decoded node fits its
/// path and has the leaves `decode_leaves` gives.
pub fn decode(format: ContentFormat, data: &[u8]) {
    let Some((path, types, payload)) = node_input(data) else {
        return;
    };
    let leaves = codec::decode_leaves(format, &path, payload, types);
    check_error(&leaves, payload);
    if path.ids().is_empty() {
        return;
    }
    let node = codec::decode(format, &path, payload, types);
    check_error(&node, payload);
    if let Ok(node) = node {
        codec::check_node_path(&path, &node).expect("a decoded node fits its path");
        let mut of_node = Vec::new();
        node.for_each_leaf(&path, |p, v| of_node.push((p, v.clone())));
        let mut leaves = leaves.expect("what decodes to a node decodes to leaves");
        of_node.sort_by_key(|l| l.0);
        leaves.sort_by_key(|l| l.0);
        assert!(same(&of_node, &leaves), "{of_node:?} != {leaves:?}");
    }
}

/// Decode → encode → decode in one value format gives the first node again; for the
/// Device and lamp instance paths, the same through the generated structs.
pub fn roundtrip(format: ContentFormat, data: &[u8]) {
    let Some((path, types, payload)) = node_input(data) else {
        return;
    };
    if path.ids().is_empty() {
        return;
    }
    if let Ok(mut first) = codec::decode(format, &path, payload, types) {
        let bytes = codec::encode(format, &path, &first).unwrap_or_else(|e| {
            panic!("{format} {path}: {first:?} decodes but does not encode: {e}")
        });
        let mut second = codec::decode(format, &path, &bytes, types).unwrap_or_else(|e| {
            panic!("{format} {path}: {first:?} encodes to {bytes:02X?}, which does not decode: {e}")
        });
        first.canonicalize();
        second.canonicalize();
        assert!(
            same(&untimed(first.clone()), &untimed(second.clone())),
            "{format} {path}: {first:?} encodes to {bytes:02X?}, which decodes to {second:?}"
        );
    }
    if path == Path::instance(3, 0) {
        typed_roundtrip::<Device>(format, &path, payload);
    } else if path == Path::instance(3416, 0) {
        typed_roundtrip::<Lamp>(format, &path, payload);
    }
}

/// `node` with every Time value as an Integer. Without a model (no model at all, or a
/// resource the model lacks) a tagged CBOR time decodes as Time, but the CBOR encoders write
/// times untagged, which decode as Integer: the documented untyped fallback
/// (`RawValue::to_value_untyped`), kept as the ignored test `untyped_tagged_time_round_trips`
/// in `runtime/tests/fuzz_findings.rs`. Round trips compare values modulo that.
fn untimed(mut node: Node) -> Node {
    fn value(v: &mut Value) {
        if let Value::Time(t) = v {
            *v = Value::Integer(t.0);
        }
    }
    fn resource(r: &mut ResourceNode) {
        match &mut r.value {
            ResourceValue::Single(v) => value(v),
            ResourceValue::Multiple(list) => list.iter_mut().for_each(|ri| value(&mut ri.value)),
        }
    }
    fn instance(i: &mut InstanceNode) {
        i.resources.iter_mut().for_each(resource);
    }
    match &mut node {
        Node::Object(o) => o.instances.iter_mut().for_each(instance),
        Node::Instance(i) => instance(i),
        Node::Resource(r) => resource(r),
        Node::ResourceInstance(ri) => value(&mut ri.value),
    }
    node
}

fn typed_roundtrip<T: ObjectType>(format: ContentFormat, path: &Path, payload: &[u8]) {
    let Ok(first) = T::decode(format, path, payload) else {
        return;
    };
    let bytes = first
        .encode(format, path)
        .unwrap_or_else(|e| panic!("{format} {path}: {first:?} decodes but does not encode: {e}"));
    let second = T::decode(format, path, &bytes).unwrap_or_else(|e| {
        panic!("{format} {path}: {first:?} encodes to {bytes:02X?}, which does not decode: {e}")
    });
    assert!(
        same(&first, &second),
        "{format} {path}: {first:?} encodes to {bytes:02X?}, which decodes to {second:?}"
    );
}

/// `T::decode` never panics, and `decode_into` a used struct (`stale`) succeeds exactly
/// when it does, with the same value.
pub fn typed<T: ObjectType>(data: &[u8], stale: &T) {
    let Some((format, path, payload)) = typed_input::<T>(data) else {
        return;
    };
    let fresh = T::decode(format, &path, payload);
    check_error(&fresh, payload);
    let mut used = stale.clone();
    let into = used.decode_into(format, &path, payload);
    check_error(&into, payload);
    match (fresh, into) {
        (Ok(fresh), Ok(())) => assert!(
            same(&fresh, &used),
            "{format} {path}: decode gives {fresh:?}, decode_into {used:?}"
        ),
        (Err(_), Err(_)) => {}
        (fresh, into) => panic!("{format} {path}: decode {fresh:?}, decode_into {into:?}"),
    }
}

/// The link-format readers never panic, and their errors point inside the text.
pub fn link_format(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(links) = link_format::parse(text) {
        for l in &links {
            check_error(&l.attributes(), data);
        }
    } else {
        check_error(&link_format::parse(text), data);
    }
    check_error(&link_format::parse_discover(text), data);
    check_error(&RegisterPayload::parse(text), data);
}

/// Link-format text that parses serializes to text that parses to the same links; the
/// same for Discover entries and Register payloads (less objects 0 and 21, which a
/// Register payload never lists).
pub fn link_format_roundtrip(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(links) = link_format::parse(text) {
        let again = link_format::serialize(&links);
        let back = link_format::parse(&again).unwrap_or_else(|e| {
            panic!("{text:?} serializes to {again:?}, which does not parse: {e}")
        });
        let strip = |ls: &[link_format::Link<'_>]| {
            ls.iter()
                .map(|l| {
                    let params: Vec<_> = l
                        .params
                        .iter()
                        .map(|p| (&p.name, &p.value, p.quoted))
                        .collect();
                    format!("{:?} {params:?}", l.target)
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(strip(&links), strip(&back), "{text:?} → {again:?}");
    }
    if let Ok(entries) = link_format::parse_discover(text) {
        let again = link_format::discover_payload(&entries);
        let back = link_format::parse_discover(&again)
            .unwrap_or_else(|e| panic!("{text:?} → {again:?}, which does not parse: {e}"));
        assert!(
            same(&entries, &back),
            "{text:?} → {again:?}: {entries:?} != {back:?}"
        );
    }
    if let Ok(mut payload) = RegisterPayload::parse(text) {
        payload.objects.retain(|o| o.id != 0 && o.id != 21);
        let again = payload.to_payload();
        let back = RegisterPayload::parse(&again)
            .unwrap_or_else(|e| panic!("{text:?} → {again:?}, which does not parse: {e}"));
        assert_eq!(payload, back, "{text:?} → {again:?}");
    }
}

/// Reads `data` as a DDF file: no panic, every diagnostic located inside the text.
pub fn ddf_read(data: &[u8]) -> load::LoadedFile {
    let f = load::parse_ddf(FsPath::new("fuzz.xml"), data);
    let lines = data.iter().filter(|&&b| b == b'\n' || b == b'\r').count() + 1;
    for d in &f.diagnostics {
        assert!(d.line >= 1 && d.column >= 1, "{d}");
        assert!(d.line as usize <= lines, "{d} beyond {lines} lines");
        assert!(!d.message.is_empty());
    }
    let mut registry = ucifi_runtime::Registry::default();
    ucifi_codegen::model::extend_registry(&mut registry, &f.objects);
    f
}

/// Makes [`generate`] skip rustfmt (one process per input would dominate the run): call
/// once from the target's `init`, before any thread starts.
pub fn generator_init() {
    // SAFETY: called from the fuzz target's `init`, while the process has one thread.
    unsafe { std::env::set_var("RUSTFMT", "/nonexistent/ucifi-fuzz/rustfmt") };
}

/// Definitions read without errors generate Rust (in both layouts) and model cards.
pub fn generate(data: &[u8]) {
    let f = ddf_read(data);
    if f.objects.is_empty() || f.diagnostics.iter().any(|d| d.is_error()) {
        return;
    }
    let Ok(defs) = load::dedup_versions(f.objects) else {
        return;
    };
    let inputs: Vec<Input> = defs
        .into_iter()
        .map(|def| Input {
            def,
            family: "fuzz".into(),
            source: "fuzz.xml".into(),
            values: Default::default(),
        })
        .collect();
    let layout = if data.len().is_multiple_of(2) {
        Layout::Tree
    } else {
        Layout::SingleFile
    };
    let options = Options {
        layout,
        ..Options::default()
    };
    if let Err(e) = generator::generate(&inputs, &options) {
        panic!("definitions read without errors do not generate: {e}");
    }
    generator::model_cards(&inputs).expect("model cards");
}

/// The reference Device `/3/0` (137 bytes of TLV).
pub fn reference_device() -> Device {
    Device {
        manufacturer: Some("Open Mobile Alliance".into()),
        model_number: Some("Lightweight M2M Client".into()),
        serial_number: Some("345000123".into()),
        firmware_version: Some("1.0".into()),
        available_power_sources: [(0, Power::InternalBattery), (1, Power::Usb)].into(),
        power_source_voltage: [(0, 3800), (1, 5000)].into(),
        power_source_current: [(0, 125), (1, 900)].into(),
        battery_level: Some(100),
        memory_free: Some(15),
        error_code: [(0, ErrorCodeValue::NoError)].into(),
        current_time: Some(Time(1_367_491_215)),
        utc_offset: Some("+02:00".into()),
        timezone: Some("Europe/Berlin".into()),
        supported_binding_and_modes: "U".into(),
        ..Device::default()
    }
}

/// An Outdoor lamp controller 2.0 instance `/3416/0`.
pub fn reference_lamp() -> Lamp {
    Lamp {
        command: 80,
        command_in_action: Some(80),
        dimming_level: 75,
        default_dimming_level: Some(100),
        lamp_failure: Some(false),
        control_gear_failure: Some(false),
        relay_failure: Some(false),
        scheduler_id: [(0, 1), (1, 2)].into(),
        lamp_operating_hours: Some(12345.5),
        lamp_on_timestamp: Some(Time(1_700_000_000)),
        lamp_switch_counter: Some(4321),
        control_gear_temperature: Some(41.25),
        standby_mode: Some(false),
        ..Lamp::default()
    }
}
