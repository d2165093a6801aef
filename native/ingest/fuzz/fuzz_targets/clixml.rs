#![no_main]
//! Fuzz target: see ../harness.rs. Run with scripts/fuzz.

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::clixml(data));
