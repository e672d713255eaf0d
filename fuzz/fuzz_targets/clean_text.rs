//! Turning a raw record into an article (text and HTML): offsets stay in
//! bounds and ordered, blocks on character boundaries.
#![no_main]
use libfuzzer_sys::fuzz_target;
mod common;

fuzz_target!(|data: &[u8]| {
    let data = common::bounded(data);
    let (html, body) = match data.split_first() {
        Some((flag, rest)) => (flag & 1 == 1, rest),
        None => return,
    };
    let name = if html { "page.html" } else { "dump.txt" };
    for record in parallax_ingest::read_bytes(name, body, &parallax_ingest::Limits::default()) {
        let Ok(raw) = record else { continue };
        if let Ok(article) = parallax_clean::clean(&raw) {
            common::check_article(&raw, &article);
        }
    }
});
