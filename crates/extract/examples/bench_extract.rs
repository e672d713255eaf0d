//! Extraction speed: articles per second for entities + mention groups +
//! quotes on the PolNeAR texts, one thread, with peak memory.
//!
//! ```text
//! cargo run --release -p parallax-extract --example bench_extract -- [DIR...] [--rounds N]
//! ```
//!
//! `DIR` holds plain-text articles (default: PolNeAR train and dev texts
//! under `../shared`). Texts are read into memory first, so only extraction
//! is timed.

use parallax_extract::quotes::{analyze_with, extract_quotes};
use parallax_extract::{group_mentions, NerTagger};
use std::path::PathBuf;
use std::time::Instant;

fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("bench_extract: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    let mut rounds = 3usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--rounds" {
            rounds = args.next().and_then(|n| n.parse().ok()).unwrap_or(3).max(1);
        } else {
            dirs.push(PathBuf::from(a));
        }
    }
    if dirs.is_empty() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/polnear");
        dirs = vec![root.join("train/text"), root.join("dev/text")];
    }
    let mut texts = Vec::new();
    for dir in &dirs {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        paths.sort();
        for p in paths {
            texts.push(String::from_utf8_lossy(&std::fs::read(&p)?).into_owned());
        }
    }
    if texts.is_empty() {
        return Err("no texts found".into());
    }
    let bytes: usize = texts.iter().map(String::len).sum();
    let tagger = NerTagger::shipped()?;
    // warm-up: load tables, fault in the model
    let _ = analyze_with(tagger, &texts[0]);
    // The machine may be shared: report this thread's CPU time next to the
    // wall clock, and the best of several rounds.
    let (mut best_ner, mut best_quotes) = (Timing::max(), Timing::max());
    let mut quotes = 0usize;
    let mut entities = 0usize;
    for _ in 0..rounds {
        let t0 = Timing::now();
        let found: Vec<_> = texts
            .iter()
            .map(|t| {
                let e = tagger.entities(t);
                let g = group_mentions(&e);
                (e, g)
            })
            .collect();
        let t1 = Timing::now();
        quotes = 0;
        for (t, (e, g)) in texts.iter().zip(&found) {
            quotes += extract_quotes(t, e, g).len();
        }
        let t2 = Timing::now();
        entities = found.iter().map(|(e, _)| e.len()).sum();
        best_ner = best_ner.min(t1.since(&t0));
        best_quotes = best_quotes.min(t2.since(&t1));
    }
    let n = texts.len() as f64;
    println!(
        "{} articles ({:.1} MB), {} entities, {} quotes; best of {rounds} rounds, one thread",
        texts.len(),
        bytes as f64 / 1e6,
        entities,
        quotes
    );
    let both = Timing {
        wall: best_ner.wall + best_quotes.wall,
        cpu: best_ner.cpu + best_quotes.cpu,
    };
    for (name, t) in [
        ("entities + quotes", both),
        ("entities + groups", best_ner),
        ("quotes alone", best_quotes),
    ] {
        println!(
            "{name:<18} {:>8.0} articles/s CPU time ({:.2} s)   {:>8.0} articles/s wall ({:.2} s)",
            n / t.cpu.max(1e-9),
            t.cpu,
            n / t.wall.max(1e-9),
            t.wall
        );
    }
    if let Some(kib) = peak_memory_kib() {
        println!("peak memory (VmHWM): {:.1} MiB", kib as f64 / 1024.0);
    }
    Ok(())
}

/// Wall-clock and thread CPU seconds.
#[derive(Clone, Copy)]
struct Timing {
    wall: f64,
    cpu: f64,
}

impl Timing {
    fn max() -> Timing {
        Timing {
            wall: f64::MAX,
            cpu: f64::MAX,
        }
    }

    fn now() -> Timing {
        static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
        let start = START.get_or_init(Instant::now);
        Timing {
            wall: start.elapsed().as_secs_f64(),
            cpu: thread_cpu_seconds(),
        }
    }

    fn since(&self, earlier: &Timing) -> Timing {
        Timing {
            wall: self.wall - earlier.wall,
            cpu: self.cpu - earlier.cpu,
        }
    }

    fn min(self, other: Timing) -> Timing {
        if other.cpu < self.cpu {
            other
        } else {
            self
        }
    }
}

/// User + system CPU time of this thread (Linux `/proc`, 100 ticks/s);
/// 0 elsewhere.
fn thread_cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/thread-self/stat") else {
        return 0.0;
    };
    // fields after the `(comm)`: state is field 3, utime 14, stime 15
    let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
        return 0.0;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}
