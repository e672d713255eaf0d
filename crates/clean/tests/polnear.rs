//! False-positive floor on clean, professionally edited news text: PolNeAR
//! articles carry almost no furniture, so cleaning must keep nearly all of it.
//! Skipped, with a printed reason, where `../shared/data/polnear` is absent.

mod common;

use parallax_clean::clean;
use std::path::PathBuf;

#[test]
fn polnear_articles_are_kept_almost_whole() {
    let shared = std::env::var_os("PARALLAX_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let mut paths: Vec<PathBuf> = Vec::new();
    for split in ["dev", "train"] {
        let dir = shared.join("data/polnear").join(split).join("text");
        if let Ok(entries) = std::fs::read_dir(&dir) {
            paths.extend(entries.flatten().map(|e| e.path()));
        }
    }
    if paths.is_empty() {
        eprintln!("skipping: ../shared/data/polnear/*/text not found");
        return;
    }
    paths.sort();
    let (mut docs, mut source_bytes, mut removed_bytes) = (0usize, 0usize, 0usize);
    // Every fourth file keeps the debug-build runtime short.
    for path in paths.iter().step_by(4) {
        let Ok(content) = std::fs::read_to_string(path) else {
            continue;
        };
        let doc = common::text_doc(&content);
        let article = clean(&doc).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        common::assert_sound(&doc, &article);
        docs += 1;
        source_bytes += content.len();
        removed_bytes += article.removed.iter().map(|r| r.text.len()).sum::<usize>();
    }
    let share = removed_bytes as f64 / source_bytes.max(1) as f64;
    eprintln!(
        "polnear: {docs} articles, {:.2}% of bytes removed",
        share * 100.0
    );
    assert!(docs >= 50, "only {docs} articles read");
    // Measured 0.1-0.2% (headlines, share prompts, bios, credits).
    assert!(
        share < 0.01,
        "removed {:.2}% of clean news text",
        share * 100.0
    );
}
