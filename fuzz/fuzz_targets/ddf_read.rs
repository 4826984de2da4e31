#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    ucifi_fuzz::ddf_read(data);
});
