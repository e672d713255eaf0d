//! Facts are claims: no fact of the seeds, the example corpus or PolNeAR
//! dev is a bare time, a byline or markup; and on ECB+ dev the links the
//! facts matrix makes between articles hold their floors.
//!
//! The furniture check here is written apart from the one in compare, so
//! that it tests it rather than repeats it.

use parallax_ingest::Limits;
use parallax_model::Article;
use std::path::{Path, PathBuf};

fn shared() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: ../shared is absent");
        None
    }
}

fn articles_of(paths: &[PathBuf]) -> Vec<Article> {
    let mut out = Vec::new();
    for p in paths {
        let (articles, _) =
            parallax_pipeline::partition(parallax_pipeline::process_file(p, &Limits::default()));
        out.extend(articles);
    }
    out
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    v.retain(|p| p.is_file());
    v.sort();
    v
}

/// Why a fact's sentence is furniture, if it is.
fn furniture(text: &str) -> Option<&'static str> {
    let t = text.trim();
    if t.as_bytes()
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/'))
    {
        return Some("markup");
    }
    let words: Vec<&str> = t.split_whitespace().collect();
    if t.starts_with("By ")
        && words.len() <= 8
        && words
            .iter()
            .all(|w| w.chars().next().is_some_and(|c| !c.is_lowercase()) || *w == "and")
    {
        return Some("byline");
    }
    const TIMEY: &[&str] = &[
        "am",
        "pm",
        "a",
        "m",
        "p",
        "et",
        "est",
        "edt",
        "gmt",
        "bst",
        "utc",
        "updated",
        "posted",
        "published",
        "on",
        "at",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let lettered = t
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty() && !TIMEY.contains(&w.to_lowercase().as_str()))
        .count();
    if lettered == 0 {
        return Some("a bare time or date");
    }
    None
}

fn assert_no_furniture(what: &str, articles: &[Article]) {
    assert!(!articles.is_empty(), "{what}: no articles read");
    let analyses = parallax_pipeline::analyze_articles(articles).expect("analyses");
    let a: Vec<&Article> = articles.iter().collect();
    let x: Vec<_> = analyses.iter().collect();
    let cov = parallax_pipeline::coverage(&a, &x);
    let mut bad = Vec::new();
    for fact in &cov.facts.facts {
        for cell in &fact.cells {
            if let Some(why) = furniture(&cell.text) {
                bad.push(format!("{why}: {:?} ({})", cell.text, cell.article));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "{what}: facts that are not claims:\n{}",
        bad.join("\n")
    );
    eprintln!("{what}: {} facts, none furniture", cov.facts.facts.len());
}

#[test]
fn the_checker_sees_furniture() {
    assert_eq!(furniture("9:05 p.m. ET"), Some("a bare time or date"));
    assert_eq!(furniture("By Ana Ruiz and Tom Hale"), Some("byline"));
    assert_eq!(furniture("<tweet>x</tweet> harbour"), Some("markup"));
    assert_eq!(furniture("The harbour board met on Tuesday."), None);
}

#[test]
fn example_corpus_facts_are_claims() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/corpus");
    assert_no_furniture("example corpus", &articles_of(&files(&dir)));
}

#[test]
fn seed_facts_are_claims() {
    let Some(shared) = shared() else { return };
    assert_no_furniture("seeds", &articles_of(&files(&shared.join("seeds"))));
}

#[test]
fn polnear_dev_facts_are_claims() {
    let Some(shared) = shared() else { return };
    let texts = files(&shared.join("data/polnear/dev/text"));
    // Compared as stories of up to 30 articles, in file order (one
    // publisher's days together), as a story engine would group them.
    for (n, chunk) in texts.chunks(30).enumerate() {
        assert_no_furniture(&format!("PolNeAR dev part {n}"), &articles_of(chunk));
    }
}

/// Floors on ECB+ dev (measured 2026-12-03: precision 0.937, recall 0.360).
#[test]
fn ecb_fact_links_hold_their_floors() {
    let Some(shared) = shared() else { return };
    let pairs = shared.join("data/events/ecb_dev_fact_pairs.json");
    let articles = shared.join("data/events/ecb_dev.jsonl");
    let s = parallax_pipeline::eval_facts(&pairs, &articles, &|_, _| {}).expect("eval");
    eprintln!("{s}");
    assert!(s.subtopics >= 60, "{s}");
    assert!(s.precision() >= 0.90, "{s}");
    assert!(s.recall() >= 0.35, "{s}");
}
