//! The jsonl reader over arbitrary bytes: see [`common::check_reader`].
#![no_main]
use libfuzzer_sys::fuzz_target;
mod common;

fuzz_target!(|data: &[u8]| common::check_reader("input.jsonl", data));
