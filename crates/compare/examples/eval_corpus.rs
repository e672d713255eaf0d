//! Print how the comparison scores against `examples/expected.json`.
//!
//! ```text
//! cargo run -p parallax-compare --example eval_corpus [-- CORPUS_DIR]
//! ```

#[path = "../tests/common/mod.rs"]
mod common;

#[path = "../tests/common/corpus_eval.rs"]
mod corpus_eval;

fn main() {
    let dir = std::env::args()
        .nth(1)
        .map(std::path::PathBuf::from)
        .or_else(common::corpus_dir);
    let Some(dir) = dir else {
        eprintln!("no corpus: pass its directory or set PARALLAX_CORPUS");
        std::process::exit(2);
    };
    let mut comparer = parallax_compare::Comparer::shipped();
    if let Some(t) = std::env::var("PARALLAX_FACT_THRESHOLD")
        .ok()
        .and_then(|t| t.parse().ok())
    {
        comparer.options.fact_threshold = t;
    }
    println!("fact threshold {}", comparer.options.fact_threshold);
    match corpus_eval::evaluate(&dir, &comparer) {
        Some(scores) => scores.print(),
        None => std::process::exit(1),
    }
}
