//! The enums generated from value names (models/descriptions/ `[values.N]` tables): how
//! a few of them read, codes nobody named surviving a decode and encode in TLV and SenML
//! JSON, their serde names and numbers, and validation by the model's range.

use ucifi_objects::oma::device::v1_2::{
    self as device, AvailablePowerSourcesValue as Power, BatteryStatusValue as Battery, Device,
    ErrorCodeValue,
};
use ucifi_objects::oma::firmware_update::v1_2::{FirmwareUpdate, StateValue};
use ucifi_objects::oma::lwm2m_security::v1_2::{Lwm2mSecurity, MatchingTypeValue};
use ucifi_objects::ucifi::outdoor_lamp_controller::v2_0::{
    ControlTypeValue, OutdoorLampController,
};
use ucifi_runtime::typed::{self, Enumeration, Instance, ObjectType, Problem};
use ucifi_runtime::{ContentFormat, Path};

/// The generated text of enum `name` in `file` (under objects-generated/src/generated/),
/// from its doc comment to the end of its serde impls.
fn enum_text(file: &str, name: &str) -> String {
    let path = ucifi_tests::repo_root()
        .join("objects-generated/src/generated")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let decl = text
        .find(&format!("\npub enum {name} {{"))
        .unwrap_or_else(|| panic!("no enum {name} in {file}"));
    let start = text[..decl].rfind("\n/// Values of").unwrap() + 1;
    let de = text[start..]
        .find(&format!("impl<'de> Deserialize<'de> for {name} {{"))
        .unwrap()
        + start;
    let end = text[de..].find("\n}\n").unwrap() + de + 3;
    format!("// {file}\n{}", &text[start..end])
}

#[test]
fn generated_enums_read_well() {
    let text = [
        enum_text("ucifi/outdoor_lamp_controller/v2_0.rs", "ControlTypeValue"),
        enum_text("oma/firmware_update/v1_2.rs", "StateValue"),
        enum_text("oma/device/v1_2.rs", "BatteryStatusValue"),
    ]
    .join("\n");
    insta::assert_snapshot!("value_enums", text);
}

fn lamp() -> OutdoorLampController {
    OutdoorLampController {
        command: 80,
        dimming_level: 75,
        control_type: [
            (0, ControlTypeValue::DaliDt6),
            (1, ControlTypeValue::Other(77)),
        ]
        .into(),
        ..OutdoorLampController::default()
    }
}

fn device() -> Device {
    Device {
        available_power_sources: [(0, Power::Solar), (1, Power::Other(42))].into(),
        error_code: [
            (0, ErrorCodeValue::LowBattery),
            (1, ErrorCodeValue::Other(20)),
        ]
        .into(),
        battery_status: Some(Battery::Other(9)),
        supported_binding_and_modes: "U".into(),
        ..Device::default()
    }
}

/// Encodes `value`, decodes the bytes and encodes again: the same bytes, the same value.
fn round_trip<T: ObjectType>(value: &T, path: &Path) {
    for f in [ContentFormat::Tlv, ContentFormat::SenmlJson] {
        let bytes = value.encode(f, path).unwrap();
        let back = T::decode(f, path, &bytes).unwrap();
        assert_eq!(&back, value, "{f:?}");
        assert_eq!(back.encode(f, path).unwrap(), bytes, "{f:?}");
    }
}

#[test]
fn unknown_codes_round_trip_through_the_fallback() {
    round_trip(&device(), &Path::instance(3, 0));
    round_trip(&lamp(), &Path::instance(3416, 0));
    // An Unsigned Integer resource keeps a code beyond i64 in `Other(u64)`.
    let security = Lwm2mSecurity {
        matching_type: Some(MatchingTypeValue::Other(u64::MAX)),
        ..Lwm2mSecurity::default()
    };
    round_trip(&security, &Path::instance(0, 0));
}

#[test]
fn payloads_written_by_hand_decode_to_the_fallback_and_encode_the_same() {
    // /3/0 in TLV: Error Code instance 0 = 20, Supported Binding "U", Battery Status 9.
    let path = Path::instance(3, 0);
    let tlv = [
        0x83, 0x0B, 0x41, 0x00, 0x14, 0xC1, 0x10, 0x55, 0xC1, 0x14, 0x09,
    ];
    let d = Device::decode(ContentFormat::Tlv, &path, &tlv).unwrap();
    assert_eq!(d.battery_status, Some(Battery::Other(9)));
    assert_eq!(d.error_code, [(0, ErrorCodeValue::Other(20))].into());
    assert_eq!(d.encode(ContentFormat::Tlv, &path).unwrap(), tlv);
    // One resource: Battery Status read with its marker type.
    let one = [0xC1, 0x14, 0x09];
    let status = typed::read::<device::resources::BatteryStatus>(
        ContentFormat::Tlv,
        &Path::resource(3, 0, 20),
        &one,
    )
    .unwrap();
    assert_eq!(status, Battery::Other(9));
    // Firmware Update State 7 (no name) and 2 (Downloaded) in SenML JSON.
    let path = Path::instance(5, 0);
    let json =
        br#"[{"bn":"/5/0/","n":"0","vd":""},{"n":"1","vs":""},{"n":"3","v":7},{"n":"5","v":0},{"n":"9","v":2}]"#;
    let fw = FirmwareUpdate::decode(ContentFormat::SenmlJson, &path, json).unwrap();
    assert_eq!(fw.state, StateValue::Other(7));
    assert_eq!(
        fw.encode(ContentFormat::SenmlJson, &path).unwrap(),
        json.to_vec()
    );
    let fw = FirmwareUpdate::decode(
        ContentFormat::SenmlJson,
        &path,
        &json.to_vec().replace_v(b"\"v\":7", b"\"v\":2"),
    )
    .unwrap();
    assert_eq!(fw.state, StateValue::Downloaded);
}

/// `replace` for byte strings of the same length.
trait ReplaceV {
    fn replace_v(self, from: &[u8], to: &[u8]) -> Vec<u8>;
}

impl ReplaceV for Vec<u8> {
    fn replace_v(mut self, from: &[u8], to: &[u8]) -> Vec<u8> {
        let at = self.windows(from.len()).position(|w| w == from).unwrap();
        self[at..at + from.len()].copy_from_slice(to);
        self
    }
}

#[test]
fn serde_writes_names_and_numbers_and_reads_both() {
    let json = serde_json::to_value(device()).unwrap();
    assert_eq!(json["battery_status"], 9);
    assert_eq!(json["available_power_sources"]["0"], "solar");
    assert_eq!(json["available_power_sources"]["1"], 42);
    assert_eq!(json["error_code"]["0"], "low_battery");
    let back: Device = serde_json::from_value(json).unwrap();
    assert_eq!(back, device());
    // Names and numbers are both read; a number with a name gives the named variant.
    let d: Device = serde_json::from_str(
        r#"{"supported_binding_and_modes":"U","battery_status":"charge_complete","error_code":{"0":0,"3":"gps_failure"}}"#,
    )
    .unwrap();
    assert_eq!(d.battery_status, Some(Battery::ChargeComplete));
    assert_eq!(
        d.error_code,
        [
            (0, ErrorCodeValue::NoError),
            (3, ErrorCodeValue::GpsFailure)
        ]
        .into()
    );
    let err = serde_json::from_str::<Device>(r#"{"battery_status":"ChargeComplete"}"#)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("unknown variant `ChargeComplete`, expected one of `normal`, `charging`"),
        "{err}"
    );
    assert_eq!(
        serde_json::to_string(&ControlTypeValue::PwmInverted).unwrap(),
        r#""pwm_inverted""#
    );
    assert_eq!(
        ControlTypeValue::from_name("dali_dt8"),
        Some(ControlTypeValue::DaliDt8)
    );
    assert_eq!(ControlTypeValue::NAMES.len(), 14);
    // Unsigned: a negative number is refused.
    let err = serde_json::from_str::<MatchingTypeValue>("-1")
        .unwrap_err()
        .to_string();
    assert!(err.contains("an unsigned integer code"), "{err}");
}

#[test]
fn validation_follows_the_model_range_not_the_names() {
    // Error Code 20 has no name but is in the 1.2 range 0..32: fine. Power source 42 and
    // Battery Status 9 are outside 0..7 and 0..6.
    let found = device().validate().unwrap_err();
    let at: Vec<(u16, Option<u16>)> = found.iter().map(|v| (v.resource, v.instance)).collect();
    assert_eq!(at, [(6, Some(1)), (20, None)], "{found:?}");
    assert!(matches!(found[1].problem, Problem::OutOfRange { .. }));
    let fine = Device {
        battery_status: Some(Battery::Low),
        available_power_sources: [(0, Power::Usb)].into(),
        ..device()
    };
    assert!(fine.validate().is_ok(), "{:?}", fine.validate());
}
