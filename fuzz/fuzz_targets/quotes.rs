//! Quote finding with the shipped tagger: quote, sentence, speaker and cue
//! spans inside the text on character boundaries; the quote inside its
//! sentence; no panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
mod common;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(&data[..data.len().min(32 * 1024)]);
    let Ok(x) = parallax_extract::quotes::analyze(&text) else { return };
    for q in &x.quotes {
        assert!(common::span_ok(&text, &q.span), "quote span {:?}", q.span);
        assert!(common::span_ok(&text, &q.sentence), "sentence span {:?}", q.sentence);
        assert!(q.sentence.start <= q.span.start && q.span.end <= q.sentence.end.max(q.span.end));
        if let Some(s) = &q.speaker {
            assert!(common::span_ok(&text, &s.span), "speaker span {:?}", s.span);
        }
        if let Some(c) = &q.cue_span {
            assert!(common::span_ok(&text, c), "cue span {c:?}");
        }
    }
    for e in &x.entities {
        assert!(common::span_ok(&text, &e.span), "entity span {:?}", e.span);
    }
});
