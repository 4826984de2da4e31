//! The "Using the object library" example of the README, kept compiling and true.

use ucifi_objects::REGISTRY;
use ucifi_objects::oma::{Device, device};
use ucifi_objects::ucifi::outdoor_lamp_controller::OutdoorLampController;
use ucifi_runtime::codec::{ErrorKind, WriteMode};
use ucifi_runtime::typed::{self, Instance, ObjectType, Problem};
use ucifi_runtime::{ContentFormat, Path};

#[test]
fn readme_usage_example() -> Result<(), ucifi_runtime::codec::Error> {
    // A client fills the typed struct and answers a Read of /3/0 in any format.
    let device = Device {
        manufacturer: Some("ACME Lighting".into()),
        battery_level: Some(87),
        supported_binding_and_modes: "U".into(),
        ..Device::default()
    };
    let path = Path::instance(3, 0);
    let tlv = device.encode(ContentFormat::Tlv, &path)?;
    // 0: "ACME Lighting", 9: 87, 11 (mandatory, multiple): empty, 16: "U".
    assert_eq!(
        tlv,
        b"\xc8\x00\x0dACME Lighting\xc1\x09\x57\x80\x0b\xc1\x10\x55"
    );
    // Into a caller's buffer, without allocating.
    let mut buf = [0u8; 256];
    let n = device.encode_into(ContentFormat::SenmlCbor, &path, &mut buf)?;
    // A server decodes it back (or any other format) with the same types...
    let back = Device::decode(ContentFormat::Tlv, &path, &tlv)?;
    assert_eq!(back, device);
    // ...or into a struct it keeps, reusing its buffers...
    let mut last = Device {
        manufacturer: Some("an older name".into()),
        ..Device::default()
    };
    last.decode_into(ContentFormat::SenmlCbor, &path, &buf[..n])?;
    assert_eq!(last, device);
    // ...reads one resource with its Rust type...
    let level: i64 = typed::read::<device::resources::BatteryLevel>(
        ContentFormat::Tlv,
        &Path::resource(3, 0, 9),
        b"\xc1\x09\x57",
    )?;
    assert_eq!(level, 87);
    // ...gets one error type for every failure...
    let err = Device::decode(ContentFormat::Tlv, &path, b"\xc1\x09").unwrap_err();
    assert_eq!(err.kind_at(), (&ErrorKind::Truncated, Some(0)));
    // Coded resources are enums; a code without a name is kept, and validate() flags one
    // outside the model's range.
    let charging = Device {
        battery_status: Some(device::BatteryStatusValue::Charging),
        ..device.clone()
    };
    assert!(charging.validate().is_ok());
    let unknown = Device {
        battery_status: Some(device::BatteryStatusValue::Other(9)),
        ..device.clone()
    };
    let bytes = unknown.encode(ContentFormat::Tlv, &path)?;
    assert_eq!(Device::decode(ContentFormat::Tlv, &path, &bytes)?, unknown);
    assert!(unknown.validate().is_err());
    // A server's Write goes through the model, all or nothing.
    let mut lamp = OutdoorLampController::default();
    let at = Path::instance(3416, 0);
    lamp.write(
        WriteMode::PartialUpdate,
        ContentFormat::SenmlJson,
        &at,
        br#"[{"bn":"/3416/0/","n":"1","v":55}]"#,
    )?;
    let err = lamp
        .write(
            WriteMode::PartialUpdate,
            ContentFormat::SenmlJson,
            &at,
            br#"[{"bn":"/3416/0/","n":"4","v":20},{"n":"1","v":555}]"#,
        )
        .unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::Invalid(Problem::OutOfRange {
            value: 555.0,
            min: 0.0,
            max: 100.0
        })
    );
    assert_eq!((lamp.command, lamp.default_dimming_level), (55, None));
    // ...and finds every object version's facts in the one registry.
    assert_eq!(REGISTRY.latest(3).unwrap().version.to_string(), "1.2");
    assert_eq!(
        REGISTRY.by_urn("urn:oma:lwm2m:ext:3416:2.0").unwrap().name,
        "Outdoor lamp controller"
    );
    Ok(())
}
