//! Scores quote and attribution extraction on PolNeAR.
//!
//! ```text
//! cargo run --release -p parallax-extract --example eval_quotes -- [DIR] [--limit N]
//! ```
//!
//! `DIR` is a split (`../shared/data/polnear/dev`) or the PolNeAR root
//! (train and dev together); default: the dev split under `../shared`.

use parallax_extract::quotes::eval::eval_polnear_sample;
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let mut dir: Option<PathBuf> = None;
    let mut limit = usize::MAX;
    while let Some(a) = args.next() {
        if a == "--limit" {
            limit = args
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(usize::MAX);
        } else {
            dir = Some(PathBuf::from(a));
        }
    }
    let dir = dir.unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/polnear/dev")
    });
    let started = Instant::now();
    match eval_polnear_sample(&dir, limit) {
        Ok(s) => {
            println!("{}: {s}", dir.display());
            println!("({:.1}s)", started.elapsed().as_secs_f64());
        }
        Err(e) => {
            eprintln!("eval_quotes: {e}");
            std::process::exit(1);
        }
    }
}
