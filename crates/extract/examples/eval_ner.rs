//! Scores the shipped tagger on a CoNLL file and measures tagging speed.
//!
//! ```text
//! cargo run --release -p parallax-extract --example eval_ner -- [FILE] [--model FILE] [--prune F] [--text FILE]...
//! ```
//!
//! FILE defaults to `../shared/data/conll2003/dev.txt`. `--text` files are
//! tagged as running text (tokeniser included) for a second speed figure and
//! a look at the entities found, and a third for the full `extract` (with
//! mention groups and roles). `--prune F` first drops weights below F
//! times the largest, to see what a smaller model would cost.

use parallax_extract::ner::{read_conll, NerTagger};
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    if let Err(e) = run() {
        eprintln!("eval_ner: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let shared = std::env::var_os("PARALLAX_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared"));
    let mut file = shared.join("data/conll2003/dev.txt");
    let mut model: Option<PathBuf> = None;
    let mut texts: Vec<PathBuf> = Vec::new();
    let mut prune: Option<f32> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--model" => model = Some(args.next().ok_or("--model needs a file")?.into()),
            "--text" => texts.push(args.next().ok_or("--text needs a file")?.into()),
            "--prune" => prune = Some(args.next().ok_or("--prune needs a fraction")?.parse()?),
            _ => file = a.into(),
        }
    }
    let owned;
    let tagger: &NerTagger = match model {
        Some(p) => {
            owned = NerTagger::load(&p)?;
            &owned
        }
        None => NerTagger::shipped()?,
    };
    let pruned;
    let tagger: &NerTagger = match prune {
        Some(p) => {
            let bytes = tagger.to_bytes(p)?;
            pruned = NerTagger::from_bytes(&bytes)?;
            println!(
                "pruned at {p}: {} features, {:.2} MB",
                pruned.feature_count(),
                bytes.len() as f64 / 1e6
            );
            &pruned
        }
        None => tagger,
    };
    let docs = read_conll(&file)?;
    let (t0, c0) = (Instant::now(), cpu_seconds());
    let scores = tagger.evaluate(&docs);
    let (secs, cpu) = (t0.elapsed().as_secs_f64(), cpu_seconds() - c0);
    println!("{}\n{scores}", file.display());
    println!(
        "tagging speed (pre-tokenised, one thread): {:.0} tokens/s wall, {:.0} tokens/s of CPU time ({:.0} sentences/s)",
        scores.tokens as f64 / secs,
        scores.tokens as f64 / cpu,
        scores.sentences as f64 / cpu,
    );
    if !texts.is_empty() {
        let contents: Vec<String> = texts
            .iter()
            .map(std::fs::read_to_string)
            .collect::<Result<_, _>>()?;
        // Repeat until a second has passed so the figure is stable.
        let (t0, c0) = (Instant::now(), cpu_seconds());
        let (mut bytes, mut files) = (0, 0);
        let mut found = Vec::new();
        while t0.elapsed().as_secs_f64() < 1.0 {
            found.clear();
            for c in &contents {
                bytes += c.len();
                files += 1;
                found.push(tagger.entities(c));
            }
        }
        let (secs, cpu) = (t0.elapsed().as_secs_f64(), cpu_seconds() - c0);
        println!(
            "running text (tokeniser + tagger): {} files, {:.0} KB/s wall, {:.0} KB/s and {:.0} files/s of CPU time",
            contents.len(),
            bytes as f64 / 1e3 / secs,
            bytes as f64 / 1e3 / cpu,
            files as f64 / cpu
        );
        // Full extraction (entities, groups, roles) with the shipped model.
        let (t0, c0) = (Instant::now(), cpu_seconds());
        let mut files = 0;
        while t0.elapsed().as_secs_f64() < 1.0 {
            for c in &contents {
                parallax_extract::extract(c)?;
                files += 1;
            }
        }
        let cpu = cpu_seconds() - c0;
        println!(
            "full extraction (shipped model, + groups and roles): {:.0} files/s of CPU time",
            files as f64 / cpu
        );
        if contents.len() <= 5 {
            for (p, ents) in texts.iter().zip(found) {
                println!("--- {}", p.display());
                for e in ents {
                    println!(
                        "{:<5} {:>6}..{:<6} {}",
                        e.kind.conll(),
                        e.span.start,
                        e.span.end,
                        e.text
                    );
                }
            }
        }
    }
    Ok(())
}

/// CPU time of this thread (Linux `schedstat`), so that speed figures mean
/// something on a busy machine; wall-clock elsewhere.
fn cpu_seconds() -> f64 {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    let wall = START.get_or_init(Instant::now).elapsed().as_secs_f64();
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| {
            s.split_whitespace()
                .next()
                .and_then(|n| n.parse::<f64>().ok())
        })
        .map_or(wall, |ns| ns / 1e9)
}
