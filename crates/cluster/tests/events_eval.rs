//! Floors for the story engine's events on the labelled event sets in
//! `../shared/data/events/` (skipped with a note when they are absent).
//! Measured with `parallax eval events FILE` at the defaults (TF-IDF
//! blended with the shipped static token embeddings): ECB+ dev B-cubed F1
//! 0.833 (P 0.889), NeuS dev 0.714 (P 0.705); lexical signals alone
//! ([`StoryConfig::lexical`]): 0.833 (P 0.842) and 0.653 (P 0.569). The
//! floors leave room for noise, not for a regression.

use parallax_cluster::{
    evaluate_events, evaluate_events_with, load_labelled_articles, StoryConfig,
};
use std::path::PathBuf;

fn events_dir() -> Option<PathBuf> {
    let shared = std::env::var_os("PARALLAX_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let dir = shared.join("data/events");
    if dir.join("ecb_dev.jsonl").is_file() {
        Some(dir)
    } else {
        eprintln!("skipped: {} not found", dir.display());
        None
    }
}

fn f1(dir: &std::path::Path, name: &str) -> (f64, f64, usize, usize) {
    scores(dir, name, false)
}

fn scores(dir: &std::path::Path, name: &str, lexical: bool) -> (f64, f64, usize, usize) {
    let set = load_labelled_articles(
        &dir.join(format!("{name}.jsonl")),
        &dir.join(format!("{name}_labels.json")),
    )
    .unwrap();
    let r = if lexical {
        evaluate_events_with(&set, &StoryConfig::lexical(), None).unwrap()
    } else {
        evaluate_events(&set, &StoryConfig::default()).unwrap()
    };
    eprintln!("{name}: {r}");
    (
        r.events.bcubed.f1,
        r.events.bcubed.precision,
        r.events.predicted_clusters,
        r.events.gold_clusters,
    )
}

#[test]
fn ecb_plus_dev_events_hold_their_floor() {
    let Some(dir) = events_dir() else { return };
    let (f1, precision, found, gold) = f1(&dir, "ecb_dev");
    assert!(f1 >= 0.82, "ECB+ dev events B-cubed F1 {f1:.4}");
    assert!(
        precision >= 0.87,
        "ECB+ dev events B-cubed precision {precision:.4}"
    );
    assert!(found < 3 * gold, "{found} events for {gold} gold");
}

#[test]
fn neus_dev_events_hold_their_floor() {
    let Some(dir) = events_dir() else { return };
    let (f1, precision, _, _) = f1(&dir, "neus_dev");
    // Without average linkage (single-link components) this was 0.387.
    assert!(f1 >= 0.70, "NeuS dev events B-cubed F1 {f1:.4}");
    assert!(
        precision >= 0.69,
        "NeuS dev events B-cubed precision {precision:.4}"
    );
}

/// The dense signal earns its cost: the same story told by three outlets
/// in their own words is found more often with it, and the engine still
/// works, as before, without it.
#[test]
fn the_dense_signal_finds_one_story_in_other_words() {
    let Some(dir) = events_dir() else { return };
    let (dense, dense_p, _, _) = scores(&dir, "neus_dev", false);
    let (lexical, lexical_p, _, _) = scores(&dir, "neus_dev", true);
    assert!(lexical >= 0.63, "lexical only: NeuS dev F1 {lexical:.4}");
    assert!(
        dense >= lexical + 0.04 && dense_p > lexical_p,
        "with the table F1 {dense:.4} (P {dense_p:.4}), without {lexical:.4} (P {lexical_p:.4})"
    );
    let (ecb_dense, _, _, _) = scores(&dir, "ecb_dev", false);
    let (ecb_lexical, _, _, _) = scores(&dir, "ecb_dev", true);
    assert!(
        ecb_dense >= ecb_lexical - 0.01,
        "ECB+ dev: with the table {ecb_dense:.4}, without {ecb_lexical:.4}"
    );
}
