//! Truth checks on the fictional example corpus (`examples/corpus`, answers
//! in `examples/expected.json`): every piece of furniture is removed and
//! recorded under its kind, every sentence marked `keep` survives, and the
//! title, date and outlet come out right wherever the source states them.
//!
//! The corpus is part of the repository, so nothing here is skipped; each
//! article is read through `parallax-ingest` exactly as the CLI reads it.

mod common;

use parallax_clean::clean;
use parallax_ingest::{read_file, Limits};
use parallax_model::{Article, RawDoc};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn examples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

/// Folds every run of whitespace (non-breaking spaces included) to one
/// space and decodes the HTML entities the truth file may be written with.
fn normalise(text: &str) -> String {
    let decoded = decode_entities(text);
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = rest
            .find(';')
            .filter(|&end| end <= 10)
            .and_then(|end| entity(&rest[1..end]).map(|c| (c, end)));
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "copy" => '©',
        _ => return None,
    })
}

/// Every record of every corpus file, by record id.
fn cleaned_corpus() -> BTreeMap<String, (RawDoc, Article)> {
    let dir = examples_dir().join("corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    let mut out = BTreeMap::new();
    for file in files {
        for record in read_file(&file, &Limits::default()) {
            let doc = record.unwrap_or_else(|s| panic!("ingest skipped {s}"));
            let article = clean(&doc).unwrap_or_else(|e| panic!("{}: {e}", doc.origin));
            common::assert_sound(&doc, &article);
            out.insert(doc.id.clone(), (doc, article));
        }
    }
    out
}

fn truth() -> Value {
    let path = examples_dir().join("expected.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The cleaned record an expected article describes: JSONL records by their
/// id (the article key), single-article files by their file stem.
fn find<'a>(
    corpus: &'a BTreeMap<String, (RawDoc, Article)>,
    key: &str,
    file: &str,
) -> &'a (RawDoc, Article) {
    if let Some(found) = corpus.get(key) {
        return found;
    }
    corpus
        .values()
        .find(|(doc, _)| {
            doc.origin.locator.is_none()
                && Path::new(&doc.origin.path)
                    .file_name()
                    .and_then(|n| n.to_str())
                    == Some(file)
        })
        .unwrap_or_else(|| panic!("no cleaned record for {key} ({file})"))
}

fn strings(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .map(|items| items.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// Whether the source itself (its content or its container's fields) says
/// `value`, so that cleaning can be expected to find it.
fn source_states(doc: &RawDoc, hint: Option<&str>, value: &str) -> bool {
    hint.is_some_and(|h| !h.trim().is_empty())
        || normalise(&doc.content).contains(&normalise(value))
}

#[test]
fn corpus_articles_match_truth() {
    let truth = truth();
    let articles = truth["articles"]
        .as_object()
        .expect("expected.json has an `articles` object");
    assert!(articles.len() >= 12, "only {} articles", articles.len());
    let corpus = cleaned_corpus();
    let mut failures: Vec<String> = Vec::new();
    let mut checked = 0usize;

    for (key, spec) in articles {
        let file = spec["file"].as_str().unwrap_or_default();
        let (doc, article) = find(&corpus, key, file);
        let text = normalise(&article.text);
        let removed: Vec<(String, String)> = article
            .removed
            .iter()
            .map(|r| (r.kind.as_str().to_string(), normalise(&r.text)))
            .collect();

        for (kind, items) in spec["furniture"].as_object().into_iter().flatten() {
            for item in strings(items) {
                checked += 1;
                let item = normalise(item);
                if text.contains(&item) {
                    failures.push(format!("{key}: {kind} left in text: {item:?}"));
                }
                match removed.iter().find(|(_, r)| r.contains(&item)) {
                    None => failures.push(format!("{key}: {kind} not recorded: {item:?}")),
                    Some((got, _)) if got != kind => failures.push(format!(
                        "{key}: {item:?} recorded as {got}, expected {kind}"
                    )),
                    Some(_) => {}
                }
            }
        }
        for sentence in strings(&spec["keep"]) {
            checked += 1;
            if !text.contains(&normalise(sentence)) {
                failures.push(format!("{key}: lost article text: {sentence:?}"));
            }
        }

        if let Some(title) = spec["title"].as_str() {
            if source_states(doc, doc.hints.title.as_deref(), title) {
                checked += 1;
                let got = article.title.as_deref().map(normalise);
                if got.as_deref() != Some(normalise(title).as_str()) {
                    failures.push(format!("{key}: title {got:?}, expected {title:?}"));
                }
            }
        }
        // A date the file never states (only relative days) is not checked.
        let dated = !strings(&spec["published_from"]).is_empty();
        if let (Some(published), true) = (spec["published"].as_str(), dated) {
            checked += 1;
            if article.published.as_deref() != Some(published) {
                failures.push(format!(
                    "{key}: published {:?}, expected {published:?}",
                    article.published
                ));
            }
        }
        // Plain-text dumps never name their outlet.
        if let Some(outlet) = spec["outlet"].as_str() {
            let is_text = spec["format"].as_str() == Some("text");
            if !is_text && source_states(doc, doc.hints.outlet.as_deref(), outlet) {
                checked += 1;
                if article.outlet.as_deref() != Some(outlet) {
                    failures.push(format!(
                        "{key}: outlet {:?}, expected {outlet:?}",
                        article.outlet
                    ));
                }
            }
        }
    }
    eprintln!("corpus: {} articles, {checked} checks", articles.len());
    assert!(checked >= 100, "only {checked} checks ran");
    assert!(
        failures.is_empty(),
        "{} of {checked} corpus checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Feed items (`examples/feeds`, truth under `feeds`): furniture out of the
/// text and recorded, title and date right.
#[test]
fn feed_items_match_truth() {
    let truth = truth();
    let feeds = truth["feeds"]
        .as_object()
        .expect("expected.json has a `feeds` object");
    let mut failures: Vec<String> = Vec::new();
    let mut checked = 0usize;
    for (file, spec) in feeds {
        let path = examples_dir().join("feeds").join(file);
        let docs: Vec<RawDoc> = read_file(&path, &Limits::default())
            .into_iter()
            .map(|r| r.unwrap_or_else(|s| panic!("ingest skipped {s}")))
            .collect();
        let items = spec["items"].as_array().cloned().unwrap_or_default();
        assert_eq!(docs.len(), items.len(), "{file}: item count");
        for (doc, item) in docs.iter().zip(&items) {
            let article = clean(doc).unwrap_or_else(|e| panic!("{}: {e}", doc.origin));
            common::assert_sound(doc, &article);
            let text = normalise(&article.text);
            let removed: Vec<String> = article.removed.iter().map(|r| normalise(&r.text)).collect();
            for piece in strings(&item["furniture"]) {
                checked += 1;
                let piece = normalise(piece);
                if text.contains(&piece) {
                    failures.push(format!("{}: furniture left in text: {piece:?}", doc.origin));
                }
                if !removed.iter().any(|r| r.contains(&piece)) {
                    failures.push(format!("{}: furniture not recorded: {piece:?}", doc.origin));
                }
            }
            if let Some(title) = item["title"].as_str() {
                checked += 1;
                if article.title.as_deref() != Some(title) {
                    failures.push(format!("{}: title {:?}", doc.origin, article.title));
                }
            }
            if let Some(date) = item["published"].as_str().and_then(|p| p.get(..10)) {
                checked += 1;
                if article.published.as_deref() != Some(date) {
                    failures.push(format!("{}: published {:?}", doc.origin, article.published));
                }
            }
        }
    }
    eprintln!("feeds: {checked} checks");
    assert!(checked >= 10, "only {checked} checks ran");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn normalise_folds_space_and_entities() {
    assert_eq!(normalise("a\u{a0} b\n\nc"), "a b c");
    assert_eq!(
        normalise("Tom &amp; Jerry&#8217;s &ldquo;x&rdquo;"),
        "Tom & Jerry’s “x”"
    );
    assert_eq!(normalise("AT&T & co; &bogus;"), "AT&T & co; &bogus;");
}
