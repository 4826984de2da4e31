#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ucifi_fuzz::link_format_roundtrip(data));
