//! Writes checked by the model: write views refuse values the model does not allow as they
//! decode, `ObjectType::write` applies a server's Write all or nothing (replace or partial
//! update), and `encode_checked` refuses an instance that breaks the model.

use ucifi_objects::ucifi::outdoor_lamp_controller::v2_0::{
    OutdoorLampController, OutdoorLampControllerWrite,
};
use ucifi_runtime::codec::{ErrorKind, WriteMode};
use ucifi_runtime::typed::{Instance, ObjectType, Problem};
use ucifi_runtime::{ContentFormat, InstanceMap, Path};

const LAMP: Path = Path::instance(3416, 0);

fn lamp() -> OutdoorLampController {
    OutdoorLampController {
        command: 40,
        dimming_level: 40,
        default_dimming_level: Some(80),
        scheduler_id: InstanceMap::from([(0, 7), (1, 8)]),
        lamp_failure: Some(false),
        ..OutdoorLampController::default()
    }
}

fn out_of_range(value: f64, min: f64, max: f64) -> ErrorKind {
    ErrorKind::Invalid(Problem::OutOfRange { value, min, max })
}

#[test]
fn the_write_view_refuses_a_value_out_of_range_naming_resource_and_range() {
    let payload = br#"[{"bn":"/3416/0/","n":"4","v":50},{"n":"1","v":555}]"#;
    let err =
        OutdoorLampControllerWrite::decode(ContentFormat::SenmlJson, &LAMP, payload).unwrap_err();
    assert_eq!(err.kind(), &out_of_range(555.0, 0.0, 100.0));
    assert_eq!(err.path(), Some(Path::resource(3416, 0, 1)));
    assert_eq!(
        err.to_string(),
        "senml-json at byte 34: /3416/0/1: 555 is outside 0..100"
    );
    // The same bytes in range decode; so does the boundary.
    let ok = br#"[{"bn":"/3416/0/","n":"4","v":50},{"n":"1","v":100}]"#;
    let view = OutdoorLampControllerWrite::decode(ContentFormat::SenmlJson, &LAMP, ok).unwrap();
    assert_eq!(
        (view.command, view.default_dimming_level),
        (Some(100), Some(50))
    );
    // TLV: /3416/0/1 = -1 (one byte).
    let err = OutdoorLampControllerWrite::decode(ContentFormat::Tlv, &LAMP, &[0xc1, 0x01, 0xff])
        .unwrap_err();
    assert_eq!(err.kind_at(), (&out_of_range(-1.0, 0.0, 100.0), Some(0)));
}

#[test]
fn a_write_with_one_bad_value_changes_nothing() {
    let mut target = lamp();
    // Default dimming level 50 is fine, Command 555 is not: nothing is applied.
    let payload = br#"[{"bn":"/3416/0/","n":"4","v":50},{"n":"1","v":555}]"#;
    let err = target
        .write(
            WriteMode::PartialUpdate,
            ContentFormat::SenmlJson,
            &LAMP,
            payload,
        )
        .unwrap_err();
    assert_eq!(err.kind(), &out_of_range(555.0, 0.0, 100.0));
    assert_eq!(target, lamp());
    // A read-only resource (Dimming level, 3) among writable ones: refused, nothing applied.
    let payload = br#"[{"bn":"/3416/0/","n":"4","v":50},{"n":"3","v":10}]"#;
    let err = target
        .write(
            WriteMode::PartialUpdate,
            ContentFormat::SenmlJson,
            &LAMP,
            payload,
        )
        .unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::NotWritable);
    assert_eq!(err.path(), Some(Path::resource(3416, 0, 3)));
    assert_eq!(target, lamp());
    // An executable resource (Lamp operating hours reset, 16) carries no value.
    let err = target
        .write(
            WriteMode::Replace,
            ContentFormat::Tlv,
            &LAMP,
            &[0xc1, 0x10, 0x01],
        )
        .unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::Executable);
    assert_eq!(target, lamp());
}

#[test]
fn partial_update_changes_only_what_the_payload_holds() {
    let mut target = lamp();
    // Command 55 and scheduler instance 1 = 9, 2 = 10: instance 0 is kept.
    let payload = br#"[{"bn":"/3416/0/","n":"1","v":55},{"n":"13/1","v":9},{"n":"13/2","v":10}]"#;
    target
        .write(
            WriteMode::PartialUpdate,
            ContentFormat::SenmlJson,
            &LAMP,
            payload,
        )
        .unwrap();
    let expected = OutdoorLampController {
        command: 55,
        scheduler_id: InstanceMap::from([(0, 7), (1, 9), (2, 10)]),
        ..lamp()
    };
    assert_eq!(target, expected);
}

#[test]
fn replace_resets_the_writable_resources_it_reaches() {
    // Replace of the instance with Command 55 only: Default dimming level and Scheduler ID
    // (writable, absent) reset; Dimming level and Lamp failure (read-only) stay.
    let mut target = lamp();
    target
        .write(
            WriteMode::Replace,
            ContentFormat::Tlv,
            &LAMP,
            &[0xc1, 0x01, 0x37],
        )
        .unwrap();
    let expected = OutdoorLampController {
        command: 55,
        default_dimming_level: None,
        scheduler_id: InstanceMap::new(),
        ..lamp()
    };
    assert_eq!(target, expected);
    // Replace of one multiple resource: its instances become the payload's, nothing else
    // changes.
    let mut target = lamp();
    let at = Path::resource(3416, 0, 13);
    // Multiple resource 13 holding instance 5 = 1.
    let payload = [0x83, 0x0d, 0x41, 0x05, 0x01];
    target
        .write(WriteMode::Replace, ContentFormat::Tlv, &at, &payload)
        .unwrap();
    let expected = OutdoorLampController {
        scheduler_id: InstanceMap::from([(5, 1)]),
        ..lamp()
    };
    assert_eq!(target, expected);
    // The same as a partial update adds the instance.
    let mut target = lamp();
    target
        .write(WriteMode::PartialUpdate, ContentFormat::Tlv, &at, &payload)
        .unwrap();
    assert_eq!(
        target.scheduler_id,
        InstanceMap::from([(0, 7), (1, 8), (5, 1)])
    );
}

#[test]
fn validate_and_encode_checked_cover_write_views_and_instances() {
    let view = OutdoorLampControllerWrite {
        command: Some(150),
        ..Default::default()
    };
    let found = view.validate().unwrap_err();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].to_string(), "resource 1: 150 is outside 0..100");
    let err = view
        .encode_checked(ContentFormat::SenmlJson, &LAMP)
        .unwrap_err();
    assert_eq!(err.kind(), &out_of_range(150.0, 0.0, 100.0));
    assert_eq!(err.path(), Some(Path::resource(3416, 0, 1)));
    // Unchecked, it encodes what it holds.
    assert_eq!(
        view.encode(ContentFormat::SenmlJson, &LAMP).unwrap(),
        br#"[{"bn":"/3416/0/","n":"1","v":150}]"#
    );
    // A violation outside the path the encoding reaches does not stop it.
    let lamp = OutdoorLampController {
        command: 150,
        dimming_level: 30,
        ..OutdoorLampController::default()
    };
    let at = Path::resource(3416, 0, 3);
    assert_eq!(
        lamp.encode_checked(ContentFormat::Tlv, &at).unwrap(),
        [0xc1, 0x03, 0x1e]
    );
    let err = lamp.encode_checked(ContentFormat::Tlv, &LAMP).unwrap_err();
    assert_eq!(err.path(), Some(Path::resource(3416, 0, 1)));
    // A valid instance encodes exactly as `encode` does.
    let valid = OutdoorLampController {
        command: 100,
        ..lamp
    };
    assert_eq!(
        valid.encode_checked(ContentFormat::Tlv, &LAMP),
        valid.encode(ContentFormat::Tlv, &LAMP)
    );
}

#[test]
fn a_hand_built_view_is_checked_as_it_is_applied() {
    let mut target = lamp();
    let view = OutdoorLampControllerWrite {
        default_dimming_level: Some(20),
        command: Some(101),
        ..Default::default()
    };
    let err = target
        .apply_write(&view, WriteMode::PartialUpdate, &LAMP)
        .unwrap_err();
    assert_eq!(err.kind(), &out_of_range(101.0, 0.0, 100.0));
    assert_eq!(err.path(), Some(Path::resource(3416, 0, 1)));
    assert_eq!(target, lamp());
    // Everything the view holds is applied, so all of it is checked, whatever the path.
    let at = Path::resource(3416, 0, 4);
    let err = target
        .apply_write(&view, WriteMode::PartialUpdate, &at)
        .unwrap_err();
    assert_eq!(err.path(), Some(Path::resource(3416, 0, 1)));
    let fine = OutdoorLampControllerWrite {
        command: Some(100),
        ..view
    };
    target
        .apply_write(&fine, WriteMode::PartialUpdate, &LAMP)
        .unwrap();
    assert_eq!(
        (target.command, target.default_dimming_level),
        (100, Some(20))
    );
}
