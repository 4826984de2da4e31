//! The "Using the object library" example of the README, kept compiling and true.

use ucifi_objects::REGISTRY;
use ucifi_objects::oma::{Device, device};
use ucifi_runtime::codec::tlv::TlvReader;
use ucifi_runtime::{ContentFormat, Path, typed};

#[test]
fn readme_usage_example() {
    // A client fills the typed struct and answers a Read of /3/0 in any format.
    let device = Device {
        manufacturer: Some("ACME Lighting".into()),
        battery_level: Some(87),
        supported_binding_and_modes: "U".into(),
        ..Device::default()
    };
    let path = Path::instance(3, 0);
    let tlv = typed::to_bytes(ContentFormat::Tlv, &path, &device).unwrap();
    // 0: "ACME Lighting", 9: 87, 11 (mandatory, multiple): empty, 16: "U".
    assert_eq!(
        tlv,
        b"\xc8\x00\x0dACME Lighting\xc1\x09\x57\x80\x0b\xc1\x10\x55"
    );
    // A server decodes it back (or any other format) with the same types...
    let back: Device = typed::from_bytes(ContentFormat::Tlv, &path, &tlv).unwrap();
    assert_eq!(back, device);
    // ...reads one resource with its Rust type...
    let path = Path::resource(3, 0, 9);
    let level: i64 =
        typed::read::<device::BatteryLevel, _>(&path, &mut TlvReader::new(&path, b"\xc1\x09\x57"))
            .unwrap();
    assert_eq!(level, 87);
    // ...and finds every object version's facts in the one registry.
    assert_eq!(REGISTRY.latest(3).unwrap().version.to_string(), "1.2");
    assert_eq!(
        REGISTRY.by_urn("urn:oma:lwm2m:ext:3416:2.0").unwrap().name,
        "Outdoor lamp controller"
    );
}
