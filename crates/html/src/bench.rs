//! Throughput benchmark over a directory of pages (single-threaded).

use crate::eval::{load_aeb, EvalError};
use std::path::Path;
use std::time::Instant;

/// Figures of one benchmark run.
#[derive(Debug, Clone)]
pub struct BenchReport {
    pub pages: usize,
    pub rounds: usize,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// CPU seconds of the benchmarking thread (user + system), when readable:
    /// robust to other processes competing for the cores.
    pub cpu_seconds: Option<f64>,
    /// Pages per wall-clock second.
    pub pages_per_sec: f64,
    /// Pages per CPU second (per core), when CPU time is readable.
    pub pages_per_cpu_sec: Option<f64>,
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

/// CPU time of the calling thread from `/proc/thread-self/stat` (Linux;
/// clock ticks at the usual USER_HZ of 100).
pub fn thread_cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are the
    // 14th and 15th fields overall, i.e. the 12th and 13th after it.
    let rest = &s[s.rfind(')')? + 1..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = f.get(11)?.parse().ok()?;
    let stime: f64 = f.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// Extract every page of an AEB directory `rounds` times on one thread.
/// Reading and gunzipping happen before the clock starts.
pub fn bench(dir: &Path, rounds: usize, opts: &crate::Options) -> Result<BenchReport, EvalError> {
    let pages = load_aeb(dir)?;
    let rounds = rounds.max(1);
    let bytes: usize = pages.iter().map(|p| p.html.len()).sum();
    let mut extracted = 0;
    let cpu0 = thread_cpu_seconds();
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
    let cpu_seconds = cpu0.and_then(|a| thread_cpu_seconds().map(|b| b - a));
    let n = pages.len() * rounds;
    Ok(BenchReport {
        pages: pages.len(),
        rounds,
        seconds,
        cpu_seconds,
        pages_per_sec: n as f64 / seconds.max(1e-9),
        pages_per_cpu_sec: cpu_seconds.filter(|c| *c > 0.0).map(|c| n as f64 / c),
        bytes_per_sec: (bytes * rounds) as f64 / seconds.max(1e-9),
        extracted,
        peak_rss_kib: peak_rss_kib(),
    })
}
