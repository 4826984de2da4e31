#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ucifi_fuzz::lwm2m::lwm2m_server(data));
