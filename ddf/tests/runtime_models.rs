//! A model read at run time types payloads as a built-in one does: the vendor example's
//! Bench Sensor (26300) loaded from its DDF file decodes a TLV payload into typed values,
//! where without it the same bytes stay untyped.

use std::path::PathBuf;

use ucifi_runtime::codec::{self, NoModel};
use ucifi_runtime::{ContentFormat, Node, Path, Registry, Value};

fn vendor_model() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/vendor-object/models/26300.xml")
}

/// The value of resource `id` of a decoded instance.
fn value(node: &Node, id: u16) -> Option<&Value> {
    let Node::Instance(i) = node else {
        panic!("an instance: {node:?}")
    };
    match &i.resources.iter().find(|r| r.id == id)?.value {
        ucifi_runtime::ResourceValue::Single(v) => Some(v),
        ucifi_runtime::ResourceValue::Multiple(_) => None,
    }
}

#[test]
fn a_vendor_model_loaded_at_run_time_types_its_payloads() {
    let loaded = ucifi_ddf::load::load_paths(&[vendor_model()]);
    assert_eq!(loaded.counts.errors, 0, "{:?}", loaded.diagnostics);
    let mut registry = Registry::empty();
    ucifi_ddf::model::extend_registry(&mut registry, &loaded.objects);
    assert_eq!(registry.latest(26300).unwrap().name, "Bench Sensor");

    // Occupied (0) = true, Seat Temperature (1) = 21.5 as a 4-byte float, Display Text (3)
    // = "hi", Occupancy Count (6) = 200.
    let tlv = [
        0xc1, 0x00, 0x01, 0xc4, 0x01, 0x41, 0xac, 0x00, 0x00, 0xc2, 0x03, b'h', b'i', 0xc1, 0x06,
        0xc8,
    ];
    let path = Path::instance(26300, 0);
    let typed = codec::decode(ContentFormat::Tlv, &path, &tlv, &registry).unwrap();
    assert_eq!(value(&typed, 0), Some(&Value::Boolean(true)));
    assert_eq!(value(&typed, 1), Some(&Value::Float(21.5)));
    assert_eq!(value(&typed, 3), Some(&Value::String("hi".into())));
    assert_eq!(value(&typed, 6), Some(&Value::UnsignedInteger(200)));
    // Without the model, TLV bytes carry no type.
    let untyped = codec::decode(ContentFormat::Tlv, &path, &tlv, &NoModel).unwrap();
    assert_ne!(value(&untyped, 1), Some(&Value::Float(21.5)));
    assert_ne!(value(&untyped, 6), Some(&Value::UnsignedInteger(200)));
}

#[test]
fn the_reader_links_nothing_of_the_code_generator() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args([
            "tree",
            "-p",
            "ucifi-ddf",
            "-e",
            "normal,no-proc-macro",
            "--prefix",
            "none",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tree = String::from_utf8(out.stdout).unwrap();
    assert!(tree.contains("quick-xml"), "{tree}");
    for generator_crate in ["syn ", "quote ", "prettyplease ", "proc-macro2 ", "heck "] {
        assert!(
            !tree.contains(generator_crate),
            "{generator_crate}in\n{tree}"
        );
    }
}
