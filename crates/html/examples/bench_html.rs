//! Single-threaded extraction throughput on the AEB pages.
//!
//! `cargo run --release -p parallax-html --example bench_html [DIR] [--rounds N] [--trafilatura|--trafilatura-fast] [--no-fallback]`

use std::path::PathBuf;

fn main() {
    let mut dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/aeb"
    ));
    let mut rounds = 3;
    let mut opts = parallax_html::Options::default();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--rounds" => rounds = args.next().and_then(|n| n.parse().ok()).unwrap_or(rounds),
            "--trafilatura" => opts.mode = parallax_html::Mode::Trafilatura,
            "--trafilatura-fast" => opts.mode = parallax_html::Mode::TrafilaturaFast,
            "--no-fallback" => opts.fallback = false,
            _ => dir = PathBuf::from(a),
        }
    }
    match parallax_html::bench::bench(&dir, rounds, &opts) {
        Ok(r) => println!(
            "parallax-html ({:?}): {} pages x {} rounds in {:.2}s wall, {:.2}s CPU = {:.1} pages/s wall, {:.1} pages/CPU-s ({:.1} MB/s), {} extracted, peak RSS {} MiB",
            opts.mode,
            r.pages,
            r.rounds,
            r.seconds,
            r.cpu_seconds.unwrap_or(f64::NAN),
            r.pages_per_sec,
            r.pages_per_cpu_sec.unwrap_or(f64::NAN),
            r.bytes_per_sec / 1e6,
            r.extracted,
            r.peak_rss_kib.map_or("?".to_string(), |k| format!("{:.1}", k as f64 / 1024.0))
        ),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
