#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mailwire_fuzz_targets::imap_pair(data));
