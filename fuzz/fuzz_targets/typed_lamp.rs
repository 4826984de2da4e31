#![no_main]
use ucifi_fuzz::{Lamp, reference_lamp, typed};

libfuzzer_sys::fuzz_target!(|data: &[u8]| typed::<Lamp>(data, &reference_lamp()));
