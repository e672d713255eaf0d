//! Property: whatever the text, cleaning keeps its offset map honest —
//! runs ordered and inside both texts, and every run whose two lengths are
//! equal maps byte for byte (the clean text there *is* the source).

use parallax_model::{ContentKind, Hints, Origin, RawDoc, SourceFormat};
use proptest::prelude::*;

fn raw(content: String, html: bool) -> RawDoc {
    RawDoc {
        id: "p".into(),
        origin: Origin::file(if html { "p.html" } else { "p.txt" }),
        format: if html {
            SourceFormat::Html
        } else {
            SourceFormat::Text
        },
        kind: if html {
            ContentKind::Html
        } else {
            ContentKind::Text
        },
        content,
        hints: Hints::default(),
        warnings: Vec::new(),
    }
}

/// Text made of the pieces cleaning treats specially: words, sentence
/// marks, quotes, entities, odd spaces and line breaks.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z]{1,9}".prop_map(|w| w),
        Just(" ".to_string()),
        Just(". ".to_string()),
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        Just("\u{a0}".to_string()),
        Just("“".to_string()),
        Just("”".to_string()),
        Just("&amp;".to_string()),
        Just("&#8220;".to_string()),
        Just("é".to_string()),
        Just("Share this article".to_string()),
        Just("Photo: Reuters".to_string()),
    ]
}

fn check(doc: &RawDoc) -> Result<(), TestCaseError> {
    let Ok(article) = parallax_clean::clean(doc) else {
        return Ok(());
    };
    let mut last = 0;
    for run in &article.offsets.runs {
        prop_assert!(run.clean.start >= last, "runs out of order");
        prop_assert!(run.clean.start <= run.clean.end && run.clean.end <= article.text.len());
        prop_assert!(run.source.start <= run.source.end && run.source.end <= doc.content.len());
        if run.clean.len() == run.source.len() {
            prop_assert_eq!(
                article.text.get(run.clean.clone()),
                doc.content.get(run.source.clone()),
                "an exact run that is not the source"
            );
        }
        last = run.clean.end;
    }
    for b in &article.blocks {
        prop_assert!(
            article.text.get(b.span.clone()).is_some(),
            "block off the text"
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn text_offsets_map_back_exactly(pieces in proptest::collection::vec(piece(), 1..120)) {
        check(&raw(pieces.concat(), false))?;
    }

    #[test]
    fn html_offsets_map_back_exactly(pieces in proptest::collection::vec(piece(), 1..80)) {
        let body: String = pieces
            .chunks(6)
            .map(|c| format!("<p>{}</p>", c.concat()))
            .collect();
        check(&raw(format!("<html><body><article>{body}</article></body></html>"), true))?;
    }
}
