//! Invariants every target checks on what a parser hands on.
#![allow(dead_code)]

use parallax_model::{Article, RawDoc};

/// Inputs past this are cut: the targets look for crashes and blow-ups in
/// the parsers, and the per-input limits of the product are larger but
/// tested elsewhere (bench/hostile.sh).
pub const MAX_INPUT: usize = 128 * 1024;

pub fn bounded(data: &[u8]) -> &[u8] {
    &data[..data.len().min(MAX_INPUT)]
}

pub fn span_ok(text: &str, span: &std::ops::Range<usize>) -> bool {
    span.start <= span.end
        && span.end <= text.len()
        && text.is_char_boundary(span.start)
        && text.is_char_boundary(span.end)
}

/// What cleaning promises: blocks inside the text on character
/// boundaries, offset runs ordered, inside the text and inside the source.
pub fn check_article(raw: &RawDoc, a: &Article) {
    assert!(!a.id.is_empty(), "an article without an id");
    for b in &a.blocks {
        assert!(span_ok(&a.text, &b.span), "block {:?} outside the text", b.span);
    }
    let mut last = 0;
    for run in &a.offsets.runs {
        assert!(run.clean.start >= last, "offset runs out of order");
        assert!(run.clean.end <= a.text.len(), "offset run past the text");
        assert!(run.source.end <= raw.content.len(), "offset run past the source");
        last = run.clean.end;
    }
    for at in [0, a.text.len() / 2, a.text.len().saturating_sub(1)] {
        if let Some(src) = a.offsets.to_source(at) {
            assert!(src <= raw.content.len(), "offset {at} maps past the source");
        }
    }
}

/// A reader over arbitrary bytes, by the file name that picks it: every
/// record ends as a document with an id or a skip with a reason, never a
/// panic, and cleaning a document keeps its invariants.
pub fn check_reader(file_name: &str, data: &[u8]) {
    let limits = parallax_ingest::Limits {
        max_record_bytes: 256 * 1024,
        max_feed_bytes: 256 * 1024,
        max_feed_items: 50,
        ..parallax_ingest::Limits::default()
    };
    for record in parallax_ingest::read_bytes(file_name, bounded(data), &limits) {
        match record {
            Ok(raw) => {
                assert!(!raw.id.is_empty(), "a record without an id");
                if let Ok(article) = parallax_clean::clean(&raw) {
                    check_article(&raw, &article);
                }
            }
            Err(skipped) => assert!(!skipped.reason.is_empty(), "a skip without a reason"),
        }
    }
}
