//! The search query parser behind `/api/search`: any query string is
//! either refused with a reason or searched, never a panic or a stack
//! overflow (tantivy's parser recurses; the pre-check bounds it).
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn index() -> &'static parallax_search::SearchIndex {
    static INDEX: OnceLock<parallax_search::SearchIndex> = OnceLock::new();
    INDEX.get_or_init(|| parallax_search::SearchIndex::in_memory().expect("an in-memory index"))
}

fuzz_target!(|data: &[u8]| {
    let query = String::from_utf8_lossy(&data[..data.len().min(4096)]);
    let request = parallax_search::SearchRequest::new(query.as_ref(), 10);
    match index().search_with(&request) {
        Ok(results) => assert!(results.hits.len() <= 10),
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
