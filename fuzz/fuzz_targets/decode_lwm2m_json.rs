#![no_main]
use ucifi_runtime::ContentFormat;

libfuzzer_sys::fuzz_target!(|data: &[u8]| ucifi_fuzz::decode(ContentFormat::Lwm2mJson, data));
