#![no_main]
use ucifi_fuzz::{Device, reference_device, typed};

libfuzzer_sys::fuzz_target!(|data: &[u8]| typed::<Device>(data, &reference_device()));
