#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| cordon_fuzzing::validate_records(data));
