//! Throughput benchmark over a directory of pages (single-threaded).

use crate::eval::{load_aeb, EvalError};
use std::path::Path;
use std::time::Instant;

/// Figures of one benchmark run.
#[derive(Debug, Clone)]
pub struct BenchReport {
    pub pages: usize,
    pub rounds: usize,
    pub seconds: f64,
    pub pages_per_sec: f64,
    pub bytes_per_sec: f64,
    /// Pages that produced an article.
    pub extracted: usize,
    /// Peak resident memory of this process (VmHWM), in KiB, when readable.
    pub peak_rss_kib: Option<u64>,
}

/// Peak resident set size from `/proc/self/status` (Linux only).
pub fn peak_rss_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Extract every page of an AEB directory `rounds` times on one thread.
/// Reading and gunzipping happen before the clock starts.
pub fn bench(dir: &Path, rounds: usize, opts: &crate::Options) -> Result<BenchReport, EvalError> {
    let pages = load_aeb(dir)?;
    let rounds = rounds.max(1);
    let bytes: usize = pages.iter().map(|p| p.html.len()).sum();
    let mut extracted = 0;
    let t = Instant::now();
    for _ in 0..rounds {
        extracted = 0;
        for p in &pages {
            if crate::extract_with(&p.html, Some(&p.url), opts).is_ok() {
                extracted += 1;
            }
        }
    }
    let seconds = t.elapsed().as_secs_f64();
    let n = pages.len() * rounds;
    Ok(BenchReport {
        pages: pages.len(),
        rounds,
        seconds,
        pages_per_sec: n as f64 / seconds.max(1e-9),
        bytes_per_sec: (bytes * rounds) as f64 / seconds.max(1e-9),
        extracted,
        peak_rss_kib: peak_rss_kib(),
    })
}
