//! Speed and memory of the clusterer on full-length articles.
//!
//! `cargo run --release -p parallax-cluster --example bench_articles -- DIR... [--repeat N]`
//!
//! Reads every `.txt` file under the given directories; the first non-empty
//! line is the title, the rest the body. A `YYYY-MM-DD` in the file name is
//! taken as the date, and the stream is ordered by date. Tokenising here is
//! deliberately crude (lower-case alphanumeric words, a short stop list, no
//! stemming): the pipeline will supply proper terms and entities.

use parallax_cluster::{
    story_arcs, ArcConfig, ClusterConfig, ClusterDoc, StreamClusterer, TermAnalyzer,
};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

struct CrudeAnalyzer;

const STOP: &[&str] = &[
    "the", "and", "for", "that", "with", "was", "are", "but", "not", "you", "his", "her", "has",
    "have", "had", "this", "from", "they", "said", "who", "will", "would", "there", "their",
    "been", "were", "which", "what", "about", "when", "more", "than", "its", "also", "one", "all",
    "can", "our", "out", "into", "she", "him", "them", "said", "says", "just", "like", "other",
    "some",
];

impl TermAnalyzer for CrudeAnalyzer {
    fn terms(&self, text: &str) -> Vec<String> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= 3)
            .map(str::to_lowercase)
            .filter(|w| !STOP.contains(&w.as_str()))
            .collect()
    }
}

fn date_in_name(name: &str) -> Option<chrono::NaiveDate> {
    let bytes = name.as_bytes();
    (0..bytes.len().saturating_sub(9)).find_map(|i| {
        let candidate = name.get(i..i + 10)?;
        chrono::NaiveDate::parse_from_str(candidate, "%Y-%m-%d").ok()
    })
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "txt") {
            out.push(path);
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let mut dirs = Vec::new();
    let mut repeat = 5usize;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--repeat" {
            match args.next().and_then(|v| v.parse().ok()) {
                Some(n) => repeat = n,
                None => {
                    eprintln!("--repeat needs a number");
                    return ExitCode::from(2);
                }
            }
        } else {
            dirs.push(PathBuf::from(arg));
        }
    }
    if dirs.is_empty() {
        eprintln!("usage: bench_articles DIR... [--repeat N]");
        return ExitCode::from(2);
    }
    let mut files = Vec::new();
    for dir in &dirs {
        if let Err(e) = collect(dir, &mut files) {
            eprintln!("{}: {e}", dir.display());
            return ExitCode::FAILURE;
        }
    }
    let mut docs = Vec::new();
    let mut chars = 0usize;
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            eprintln!("skipping unreadable {}", path.display());
            continue;
        };
        chars += text.len();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut lines = text.lines().filter(|l| !l.trim().is_empty());
        let title = lines.next().unwrap_or_default();
        let body: String = lines.collect::<Vec<_>>().join("\n");
        docs.push(ClusterDoc {
            id: name.clone(),
            date: date_in_name(&name),
            title: CrudeAnalyzer.terms(title),
            body: CrudeAnalyzer.terms(&body),
            entities: Vec::new(),
        });
    }
    docs.sort_by(|a, b| a.date.cmp(&b.date).then(a.id.cmp(&b.id)));
    if docs.is_empty() {
        eprintln!("no .txt files found");
        return ExitCode::FAILURE;
    }
    println!(
        "{} articles, {:.1} KiB of text on average",
        docs.len(),
        chars as f64 / docs.len() as f64 / 1024.0
    );
    let mut best = f64::INFINITY;
    let mut last = None;
    for _ in 0..repeat.max(1) {
        let start = Instant::now();
        let mut clusterer = StreamClusterer::new(ClusterConfig::default());
        for d in &docs {
            clusterer.push(d);
        }
        clusterer.flush();
        best = best.min(start.elapsed().as_secs_f64());
        last = Some(clusterer);
    }
    let Some(clusterer) = last else {
        return ExitCode::FAILURE;
    };
    let clusters = clusterer.clusters();
    println!(
        "best of {repeat}: {:.3} s  {:.0} articles/s (clustering only, tokenised input)",
        best,
        docs.len() as f64 / best
    );
    let size = clusterer.state_size();
    let per = |bytes: usize| bytes as f64 / docs.len() as f64;
    println!(
        "state {:.0} KiB = {:.0} bytes per article (clusters {:.0}, index {:.0}, vocabulary {:.0}, window {:.0}, ids {:.0}); {} clusters ({} live)",
        size.total() as f64 / 1024.0,
        per(size.total()),
        per(size.clusters),
        per(size.index),
        per(size.vocabulary),
        per(size.window),
        per(size.documents),
        clusters.len(),
        clusterer.live_clusters()
    );
    for c in clusters.iter().take(8) {
        println!(
            "  {:>4} articles  {:?}..{:?}  {}",
            c.members.len(),
            c.first_date,
            c.last_date,
            c.top_terms.join(" ")
        );
    }
    let start = Instant::now();
    let arcs = story_arcs(&clusterer, &ArcConfig::default());
    println!(
        "{} story arcs in {:.1} ms; largest:",
        arcs.arcs.len(),
        start.elapsed().as_secs_f64() * 1000.0
    );
    for arc in arcs.arcs.iter().take(5) {
        println!(
            "  {:>4} articles in {:>3} events  {:?}..{:?}  {}",
            arc.documents,
            arc.events.len(),
            arc.first_date,
            arc.last_date,
            arc.top_terms.join(" ")
        );
    }
    ExitCode::SUCCESS
}
