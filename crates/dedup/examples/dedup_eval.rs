//! Near-duplicate evaluation and speed figures on the PolNeAR articles.
//!
//! ```text
//! cargo run -p parallax-dedup --release --example dedup_eval [-- PATH_TO_SHARED]
//! ```
//!
//! `SHINGLE_WORDS=n` tries another shingle size. See `parallax_dedup::eval`
//! for what is measured.

use parallax_dedup::eval::{evaluate, load_polnear};
use parallax_dedup::{MinHashParams, MinHasher, DEFAULT_CONTAINMENT, DEFAULT_NEAR_JACCARD};
use std::path::PathBuf;

fn shared_dir() -> PathBuf {
    if let Some(arg) = std::env::args().nth(1) {
        return PathBuf::from(arg);
    }
    if let Some(env) = std::env::var_os("PARALLAX_SHARED") {
        return PathBuf::from(env);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

fn main() {
    let shared = shared_dir();
    let docs = load_polnear(&shared);
    if docs.is_empty() {
        eprintln!(
            "no PolNeAR texts under {} (pass the shared folder as the first argument)",
            shared.display()
        );
        std::process::exit(2);
    }
    let shingle_words: u8 = std::env::var("SHINGLE_WORDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let hasher = match MinHasher::new(MinHashParams {
        shingle_words,
        ..MinHashParams::default()
    }) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    println!("MinHash: {}", hasher.params());
    for (j, c) in [
        (DEFAULT_NEAR_JACCARD, DEFAULT_CONTAINMENT),
        (0.6, DEFAULT_CONTAINMENT),
        (0.7, DEFAULT_CONTAINMENT),
        (0.8, DEFAULT_CONTAINMENT),
        (0.8, 1.1),
    ] {
        let r = match evaluate(&docs, &hasher, j, c) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1);
            }
        };
        if j == DEFAULT_NEAR_JACCARD {
            println!(
                "{} articles, {} words; {} with 150+ words get synthetic copies",
                r.articles, r.words, r.eligible
            );
            println!(
                "signatures {:.0} articles/s ({:.1} M words/s), matches() queries {:.0}/s",
                r.signatures_per_sec,
                r.words_per_sec / 1e6,
                r.queries_per_sec
            );
            println!(
                "natural pairs: {} at J ≥ 0.2, {} at J ≥ 0.5, LSH proposed {}/{} of the latter",
                r.pairs_at_02, r.pairs_at_05, r.lsh_candidate_hits, r.pairs_at_05
            );
            println!(
                "rewritten copies: estimated J median {:.3}, 10th percentile {:.3}",
                r.rewritten_median_j, r.rewritten_p10_j
            );
        }
        let c_label = if c > 1.0 {
            "off".to_string()
        } else {
            format!("{c}")
        };
        println!(
            "J ≥ {j} or containment ≥ {c_label}: rewritten recall {:.3}, truncated recall {:.3}, \
             false matches {}",
            r.rewritten_recall, r.truncated_recall, r.false_matches
        );
    }
}
