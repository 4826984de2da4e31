#![no_main]

libfuzzer_sys::fuzz_target!(init: ucifi_fuzz::generator_init(), |data: &[u8]| {
    ucifi_fuzz::generate(data)
});
