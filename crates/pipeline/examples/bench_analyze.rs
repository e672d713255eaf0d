//! Extraction speed: everything `parallax analyze` computes per article
//! (entities, mention groups, roles, dates, timeline), on one thread.
//!
//! `cargo run --release -p parallax-pipeline --example bench_analyze -- DIR... [--rounds N]`
//! (bench/extract.sh runs it next to spaCy on the same texts.)

use parallax_ingest::Limits;
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let mut dirs: Vec<PathBuf> = Vec::new();
    let mut rounds = 3usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--rounds" {
            rounds = args.next().and_then(|v| v.parse().ok()).unwrap_or(rounds);
        } else {
            dirs.push(a.into());
        }
    }
    let (articles, skipped) = parallax_pipeline::partition(parallax_pipeline::process_paths(
        &dirs,
        &Limits::default(),
        &|_| {},
    ));
    if articles.is_empty() {
        eprintln!(
            "bench_analyze: no articles under {dirs:?} ({} skipped)",
            skipped.len()
        );
        std::process::exit(1);
    }
    // Load the tagger outside the timed part, as a long-running process would.
    if let Err(e) = parallax_pipeline::analyze_article(&articles[0]) {
        eprintln!("bench_analyze: {e}");
        std::process::exit(1);
    }
    let bytes: usize = articles.iter().map(|a| a.text.len()).sum();
    let peak_before = peak_mib();
    let cpu0 = cpu_seconds();
    let start = Instant::now();
    let mut items = 0usize;
    for _ in 0..rounds {
        for article in &articles {
            if let Ok(analysis) = parallax_pipeline::analyze_article(article) {
                items += analysis.entities.len() + analysis.dates.len();
            }
        }
    }
    let wall = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu0;
    let n = (articles.len() * rounds) as f64;
    println!(
        "Parallax extraction: {} articles x {rounds} ({:.1} KB avg), {} items, {:.0} articles/s wall, {:.0} articles/CPU-s, peak memory {:.1} MiB ({:.1} MiB after loading the articles and the tagger)",
        articles.len(),
        bytes as f64 / articles.len() as f64 / 1000.0,
        items,
        n / wall,
        n / cpu.max(1e-9),
        peak_mib(),
        peak_before
    );
    println!("RUST_ARTICLES_PER_CPU_SEC={:.3}", n / cpu.max(1e-9));
}

/// This process's user + system CPU time, from /proc (Linux).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

/// Peak resident memory (VmHWM) in MiB.
fn peak_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}
