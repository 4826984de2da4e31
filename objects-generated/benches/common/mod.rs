//! The instances the typed benches encode and decode.

// Each bench binary uses part of it.
#![allow(dead_code)]

use ucifi_objects::oma::device::v1_0::{
    AvailablePowerSourcesValue as Power, Device, ErrorCodeValue,
};
use ucifi_objects::ucifi::outdoor_lamp_controller::v2_0::OutdoorLampController;
use ucifi_runtime::Time;

/// The reference Device /3/0 of the runtime issue (137 bytes of TLV).
pub fn device() -> Device {
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

/// An Outdoor lamp controller 2.0 instance (no strings).
pub fn lamp() -> OutdoorLampController {
    OutdoorLampController {
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
        ..OutdoorLampController::default()
    }
}

/// The seven texts of [`device`], as a payload carries them.
pub fn device_texts() -> Vec<Vec<u8>> {
    let d = device();
    [
        d.manufacturer.as_deref(),
        d.model_number.as_deref(),
        d.serial_number.as_deref(),
        d.firmware_version.as_deref(),
        d.utc_offset.as_deref(),
        d.timezone.as_deref(),
        Some(d.supported_binding_and_modes.as_str()),
    ]
    .into_iter()
    .map(|t| {
        t.expect("the reference Device has seven texts")
            .as_bytes()
            .to_vec()
    })
    .collect()
}
