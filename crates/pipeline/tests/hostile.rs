//! Inputs that used to make one article cost quadratic time and memory:
//! text without sentence punctuation, thousands of quotation marks, a line
//! of dates and names. Each now gives a bounded analysis that says what it
//! left out, and one such article does not keep the others of its batch
//! from being analysed. (Time and peak memory are measured by
//! `bench/hostile.sh`, not asserted here.)

use parallax_extract::tokenize::{tokenize, MAX_SENTENCE_TOKENS};
use parallax_ingest::Limits;
use parallax_model::MAX_ANALYSED_BYTES;
use parallax_pipeline::{analyze_article, process_paths, MAX_ITEMS};
use parallax_store::{SqliteStore, Store};

/// Lowercase word soup, no punctuation, `n` bytes (deterministic).
fn soup(n: usize) -> String {
    let words = [
        "the", "of", "and", "council", "harbour", "was", "ferry", "they",
    ];
    let mut out = String::with_capacity(n + 16);
    let mut x: u64 = 7;
    while out.len() < n {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        out.push_str(words[(x >> 33) as usize % words.len()]);
        out.push_str(if (x >> 40).is_multiple_of(3) {
            "s "
        } else {
            " "
        });
    }
    out
}

fn repeat(unit: &str, n: usize) -> String {
    unit.repeat(n / unit.len() + 1)
}

fn article_from(dir: &std::path::Path, name: &str, text: &str) -> parallax_model::Article {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    let out = process_paths(&[path], &Limits::default(), &|_| {});
    let (articles, skipped) = parallax_pipeline::partition(out);
    assert!(skipped.is_empty(), "{skipped:?}");
    articles.into_iter().next().expect("one article")
}

#[test]
fn sentences_never_exceed_the_bound() {
    let text = soup(300_000);
    for sentence in tokenize(&text) {
        assert!(sentence.len() <= MAX_SENTENCE_TOKENS);
    }
}

#[test]
fn a_huge_lowercase_text_is_analysed_in_its_opening_and_says_so() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let article = article_from(tmp.path(), "soup.txt", &soup(2 * 1024 * 1024));
    assert!(article.text.len() > MAX_ANALYSED_BYTES);
    let analysis = analyze_article(&article).expect("tagger");
    assert!(
        analysis.degraded.iter().any(|d| d.contains("first")),
        "{:?}",
        analysis.degraded
    );
    for q in &analysis.quotes {
        assert!(q.span.end <= MAX_ANALYSED_BYTES);
        assert!(
            q.sentence.len() < 16 * 1024,
            "sentence of {} bytes",
            q.sentence.len()
        );
    }
    for e in &analysis.timeline {
        assert!(e.sentence.len() < 16 * 1024);
    }
}

#[test]
fn repeated_quotes_and_dates_are_bounded() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let quotes = article_from(
        tmp.path(),
        "quotes.txt",
        &repeat("he said \"yes and then ", 200_000),
    );
    let analysis = analyze_article(&quotes).expect("tagger");
    assert!(analysis.quotes.len() <= MAX_ITEMS);
    assert!(analysis.quotes.iter().all(|q| q.text.len() < 8 * 1024));
    assert!(!analysis.degraded.is_empty());

    let dates = article_from(
        tmp.path(),
        "dates.txt",
        &repeat(
            "Smith met Jones in Paris on Monday, March 3, 2019 and ",
            250_000,
        ),
    );
    let analysis = analyze_article(&dates).expect("tagger");
    assert!(analysis.timeline.len() <= MAX_ITEMS);
    // Each event lists the entities of its own (bounded) sentence only,
    // never every entity of the text.
    let widest = analysis
        .timeline
        .iter()
        .map(|e| e.entities.len())
        .max()
        .unwrap_or(0);
    assert!(
        widest <= MAX_SENTENCE_TOKENS,
        "{widest} entities in one event"
    );
    let json = serde_json::to_string(&analysis).expect("json");
    assert!(
        json.len() < 8 * 1024 * 1024,
        "analysis of {} bytes",
        json.len()
    );
}

/// One poisoned article in a batch: every article of the batch still gets
/// its analysis and the stories are built.
#[test]
fn a_poisoned_article_does_not_block_its_batch() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("in");
    std::fs::create_dir(&dir).expect("mkdir");
    for i in 0..5 {
        std::fs::write(
            dir.join(format!("a{i}.txt")),
            format!(
                "Velland council approves harbour plan {i}\n\n\
                 The Velland council approved the harbour plan on Tuesday, \
                 its chair Mara Ostrel said. \"We listened,\" she said.\n"
            ),
        )
        .expect("write");
    }
    std::fs::write(dir.join("poison.txt"), soup(3 * 1024 * 1024)).expect("write");
    let mut store = SqliteStore::open(tmp.path().join("store.db")).expect("store");
    let report = parallax_pipeline::ingest(&mut store, &[dir], &[], &Limits::default(), &|_| {})
        .expect("ingest");
    assert_eq!(report.counts.inserted, 6);
    assert_eq!(report.stories_error, None);
    let refreshed = report.refreshed.expect("refreshed");
    assert_eq!(refreshed.analysed, 6);
    assert!(store
        .stale_analyses(parallax_pipeline::ANALYZER_VERSION)
        .expect("stale")
        .is_empty());
    assert!(!store.derived_generation().expect("generation").pending());
    assert!(!store.list_stories().expect("stories").is_empty());
}
