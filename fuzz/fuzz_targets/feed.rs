//! The feed reader over arbitrary bytes: every record ends as a document or
//! a reported skip with a reason, never a panic; documents have ids and
//! cleaning them keeps its invariants.
#![no_main]
use libfuzzer_sys::fuzz_target;
mod common;

fuzz_target!(|data: &[u8]| {
    let limits = parallax_ingest::Limits {
        max_record_bytes: 256 * 1024,
        max_feed_bytes: 256 * 1024,
        max_feed_items: 50,
        ..parallax_ingest::Limits::default()
    };
    for record in parallax_ingest::read_bytes("input.rss", common::bounded(data), &limits) {
        match record {
            Ok(raw) => {
                assert!(!raw.id.is_empty(), "a record without an id");
                if let Ok(article) = parallax_clean::clean(&raw) {
                    common::check_article(&raw, &article);
                }
            }
            Err(skipped) => assert!(!skipped.reason.is_empty(), "a skip without a reason"),
        }
    }
});
