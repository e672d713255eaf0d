//! Temporal expressions: spans inside the text on character boundaries,
//! resolved values consistent with their granularity, no panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
mod common;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(common::bounded(data));
    let published = parallax_extract::parse_published("2019-11-07");
    let _ = parallax_extract::parse_published(&text);
    for d in parallax_extract::find_dates(&text, published) {
        assert!(common::span_ok(&text, &d.span), "date span {:?} off the text", d.span);
        assert_eq!(&text[d.span.clone()], d.text);
    }
});
