//! Floors for the story engine's events on the labelled event sets in
//! `../shared/data/events/` (skipped with a note when they are absent).
//! Measured with `parallax eval events FILE` at the defaults: ECB+ dev
//! B-cubed F1 0.833, NeuS dev 0.653; the floors leave room for noise, not
//! for a regression.

use parallax_cluster::{evaluate_events, load_labelled_articles, StoryConfig};
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
    let set = load_labelled_articles(
        &dir.join(format!("{name}.jsonl")),
        &dir.join(format!("{name}_labels.json")),
    )
    .unwrap();
    let r = evaluate_events(&set, &StoryConfig::default()).unwrap();
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
        precision >= 0.82,
        "ECB+ dev events B-cubed precision {precision:.4}"
    );
    assert!(found < 3 * gold, "{found} events for {gold} gold");
}

#[test]
fn neus_dev_events_hold_their_floor() {
    let Some(dir) = events_dir() else { return };
    let (f1, precision, _, _) = f1(&dir, "neus_dev");
    // Without average linkage (single-link components) this was 0.387.
    assert!(f1 >= 0.63, "NeuS dev events B-cubed F1 {f1:.4}");
    assert!(
        precision >= 0.54,
        "NeuS dev events B-cubed precision {precision:.4}"
    );
}
