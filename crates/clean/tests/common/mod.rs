//! Helpers shared by the integration tests.
#![allow(dead_code)]

use parallax_model::{Article, ContentKind, Hints, Origin, RawDoc, SourceFormat};

pub fn text_doc(content: &str) -> RawDoc {
    RawDoc {
        id: "test".into(),
        origin: Origin::file("test.txt"),
        format: SourceFormat::Text,
        kind: ContentKind::Text,
        content: content.to_string(),
        hints: Hints::default(),
        warnings: Vec::new(),
    }
}

/// The structural promises of an [`Article`]: blocks tile the text with
/// `\n\n` between them; offset runs are sorted, disjoint, in bounds, and
/// byte-exact wherever both sides have the same length; inserted separators
/// map nowhere; removal ranges lie inside the source.
pub fn assert_sound(doc: &RawDoc, article: &Article) {
    let text = &article.text;
    let mut expected_start = 0;
    for (i, block) in article.blocks.iter().enumerate() {
        assert_eq!(
            block.span.start, expected_start,
            "block {i} does not follow the previous one"
        );
        assert!(block.span.end <= text.len() && block.span.start < block.span.end);
        let body = &text[block.span.clone()];
        assert_eq!(body.trim(), body, "block {i} has outer whitespace");
        expected_start = block.span.end + 2;
        if block.span.end < text.len() {
            assert_eq!(&text[block.span.end..block.span.end + 2], "\n\n");
            assert_eq!(article.offsets.to_source(block.span.end), None);
        }
    }
    assert_eq!(
        expected_start,
        text.len() + 2,
        "blocks do not cover the text"
    );

    let mut last_end = 0;
    for run in &article.offsets.runs {
        assert!(run.clean.start >= last_end, "runs overlap or are unsorted");
        assert!(run.clean.start < run.clean.end, "empty run");
        assert!(run.clean.end <= text.len());
        assert!(run.source.end <= doc.content.len());
        last_end = run.clean.end;
        if run.clean.len() == run.source.len() {
            assert_eq!(
                &text[run.clean.clone()],
                &doc.content[run.source.clone()],
                "exact run differs from its source"
            );
        }
    }
    // Lookups agree with the runs at their ends.
    for run in &article.offsets.runs {
        if run.clean.len() == run.source.len() {
            let last = run.clean.len() - 1;
            assert_eq!(
                article.offsets.to_source(run.clean.start),
                Some(run.source.start)
            );
            assert_eq!(
                article.offsets.to_source(run.clean.start + last),
                Some(run.source.start + last)
            );
        }
    }
    for removal in &article.removed {
        if let Some(src) = &removal.source {
            assert!(
                doc.content.get(src.clone()).is_some(),
                "removal range outside source"
            );
        }
        assert!(!removal.text.trim().is_empty());
    }
}
