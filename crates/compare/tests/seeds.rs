//! Checks on the real seed articles (skipped when ../shared is absent).
//! Seeds 000, 001 and 003 report Chris Williamson's resignation from
//! Labour in November 2019; they are compared as one story.

mod common;

use parallax_compare::{Comparer, Coverage, CoverageInput, QuoteForm};

fn williamson_story() -> Option<Coverage> {
    let Some(shared) = common::shared_dir() else {
        eprintln!("skipping: ../shared (or PARALLAX_SHARED) not found");
        return None;
    };
    let mut paths: Vec<_> = std::fs::read_dir(shared.join("seeds"))
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            ["000_", "001_", "003_"].iter().any(|s| name.starts_with(s))
        })
        .collect();
    paths.sort();
    let articles = common::load(&paths);
    if articles.len() != 3 {
        eprintln!(
            "skipping: ingest+clean gave {} of the 3 seed articles (stub stages in this branch?)",
            articles.len()
        );
        return None;
    }
    let inputs: Vec<CoverageInput> = articles.iter().map(CoverageInput::new).collect();
    Some(Comparer::shipped().compare(&inputs))
}

fn id(coverage: &Coverage, prefix: &str) -> String {
    coverage
        .articles
        .iter()
        .find(|a| a.id.starts_with(prefix))
        .map(|a| a.id.clone())
        .unwrap_or_default()
}

#[test]
fn resignation_letter_quote_is_one_quote_with_spelling_variants() {
    let Some(c) = williamson_story() else { return };
    let (a, b) = (id(&c, "000_"), id(&c, "001_"));
    let matching: Vec<_> = c
        .quotes
        .iter()
        .filter(|q| {
            q.occurrences
                .iter()
                .any(|o| o.text.contains("launched a diplomatic strategy"))
        })
        .collect();
    assert_eq!(matching.len(), 1, "one linked quote, got {matching:#?}");
    let q = matching[0];
    assert!(
        q.carried_by.contains(&a) && q.carried_by.contains(&b),
        "{q:#?}"
    );
    let in_000 = q
        .occurrences
        .iter()
        .find(|o| o.article == a)
        .expect("000 occurrence");
    let variants: Vec<(&str, &str)> = in_000
        .spelling_variants
        .iter()
        .map(|v| (v.here.as_str(), v.canonical.as_str()))
        .collect();
    assert!(
        variants.contains(&("delegitimize", "delegitimise")),
        "{variants:?}"
    );
    assert!(
        variants.contains(&("normalize", "normalise")),
        "{variants:?}"
    );
    // 000 prints the second half of the sentence 001 prints in full.
    assert_eq!(in_000.form, QuoteForm::Truncated);
    // Every occurrence points at its own text.
    assert!(q.occurrences.iter().all(|o| o.span.start < o.span.end));
}

#[test]
fn narrator_witch_hunt_and_scare_quote_in_003() {
    let Some(c) = williamson_story() else { return };
    let ei = id(&c, "003_");
    let voice = c.voice.iter().find(|v| v.article == ei).expect("003 voice");
    let own_voice: Vec<_> = voice
        .narrator_assertions
        .iter()
        .filter(|n| n.phrase.to_lowercase() == "witch hunt" && !n.indirect)
        .collect();
    assert!(!own_voice.is_empty(), "{:#?}", voice.narrator_assertions);
    // The other two articles put the phrase in quotation marks.
    assert!(
        own_voice[0].quoted_in.len() == 2,
        "{:?}",
        own_voice[0].quoted_in
    );
    assert!(
        voice
            .scare_quotes
            .iter()
            .any(|s| s.text == "anti-Semitism crisis"),
        "{:?}",
        voice.scare_quotes
    );
    for a in ["000_", "001_"] {
        let v = c
            .voice
            .iter()
            .find(|v| v.article == id(&c, a))
            .expect("voice");
        assert!(
            v.narrator_assertions
                .iter()
                .all(|n| n.phrase.to_lowercase() != "witch hunt"),
            "{a} quotes the phrase, it does not assert it"
        );
    }
    let loaded_000: Vec<&str> = c.voice[0].loaded.iter().map(|l| l.term.as_str()).collect();
    assert!(
        loaded_000.contains(&"infamously") && loaded_000.contains(&"innuendo"),
        "{loaded_000:?}"
    );
}

#[test]
fn facts_show_who_reports_readmission_election_and_court_ruling() {
    let Some(c) = williamson_story() else { return };
    let (a, b, e) = (id(&c, "000_"), id(&c, "001_"), id(&c, "003_"));
    let row_with = |needle: &str| {
        c.facts
            .facts
            .iter()
            .find(|f| {
                f.cells
                    .iter()
                    .any(|cell| cell.primary && cell.text.contains(needle))
            })
            .unwrap_or_else(|| panic!("no fact with {needle}"))
    };
    let readmission = row_with("readmitted to Labour in June");
    assert_eq!(
        readmission.articles,
        vec![a.clone(), b.clone()],
        "{readmission:#?}"
    );
    let election = row_with("December 12 general election");
    assert_eq!(
        election.articles,
        vec![a.clone(), b.clone(), e.clone()],
        "{election:#?}"
    );
    let court = row_with("The High Court found");
    assert_eq!(court.articles, vec![e.clone()]);
    let only_003 = c
        .facts
        .per_article
        .iter()
        .find(|p| p.article == e)
        .expect("003");
    assert!(only_003.exclusive.contains(&court.id));
    assert!(
        only_003.omitted.contains(&readmission.id),
        "003 leaves out the readmission"
    );
    // Everything is tied to real text.
    for f in &c.facts.facts {
        for cell in &f.cells {
            assert!(cell.span.start < cell.span.end && !cell.text.is_empty());
        }
    }
    assert!(c.notes.iter().any(|n| n.contains("fallback")));
}
