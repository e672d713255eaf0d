//! HTML main-content extraction: any bytes, no panic; what it keeps lies
//! inside the page it read.
#![no_main]
use libfuzzer_sys::fuzz_target;
mod common;

fuzz_target!(|data: &[u8]| {
    let html = String::from_utf8_lossy(common::bounded(data));
    if let Ok(page) = parallax_html::extract(&html, Some("https://news.example/a/b.html")) {
        for b in &page.blocks {
            assert!(b.text.len() <= html.len() * 4 + 64, "a block larger than its page");
        }
    }
});
