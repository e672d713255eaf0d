//! Floors on the shared real data (skipped when ../shared is absent).
//! Figures printed by `cargo run --release -p parallax-ingest --example
//! ingest_eval -- --aeb`: 131/131 pages, recall 0.9939; the 2 pages with
//! U+FFFD and the 1 with mojibake carry them in their source bytes.

use parallax_ingest::{eval, Limits};
use std::path::PathBuf;

fn shared() -> PathBuf {
    std::env::var("PARALLAX_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
}

#[test]
fn aeb_pages_decode_faithfully() {
    let dir = shared().join("data/aeb");
    if !dir.join("ground-truth.json").is_file() {
        eprintln!(
            "skipping: {} not found (set PARALLAX_SHARED)",
            dir.display()
        );
        return;
    }
    let report = eval::aeb_fidelity(&dir, &Limits::default()).expect("AEB readable");
    eprintln!("{report:?} recall {:.4}", report.non_ascii_recall());
    assert_eq!(report.pages, 131);
    assert_eq!(report.read_as_html, report.pages);
    assert_eq!(report.skipped, 0);
    assert_eq!(report.with_warnings, 0);
    assert!(report.with_replacement_chars <= 2);
    assert!(report.with_mojibake <= 1);
    assert!(
        report.non_ascii_recall() >= 0.99,
        "{}",
        report.non_ascii_recall()
    );
}
