//! Scores the shipped tagger on a CoNLL file and measures tagging speed.
//!
//! ```text
//! cargo run --release -p parallax-extract --example eval_ner -- [FILE] [--model FILE] [--text FILE...]
//! ```
//!
//! FILE defaults to `../shared/data/conll2003/dev.txt`. `--text` files are
//! tagged as running text (tokeniser included) for a second speed figure and
//! a look at the entities found.

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
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--model" => model = Some(args.next().ok_or("--model needs a file")?.into()),
            "--text" => texts.push(args.next().ok_or("--text needs a file")?.into()),
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
    let docs = read_conll(&file)?;
    let t0 = Instant::now();
    let scores = tagger.evaluate(&docs);
    let secs = t0.elapsed().as_secs_f64();
    println!("{}\n{scores}", file.display());
    println!(
        "tagging speed (pre-tokenised, one core): {:.0} tokens/s, {:.0} sentences/s",
        scores.tokens as f64 / secs,
        scores.sentences as f64 / secs
    );
    if !texts.is_empty() {
        let contents: Vec<String> = texts
            .iter()
            .map(std::fs::read_to_string)
            .collect::<Result<_, _>>()?;
        let t0 = Instant::now();
        let mut bytes = 0;
        let mut found = Vec::new();
        for c in &contents {
            bytes += c.len();
            found.push(tagger.entities(c));
        }
        let secs = t0.elapsed().as_secs_f64();
        println!(
            "running text: {} files, {:.0} KB/s, {:.0} files/s",
            contents.len(),
            bytes as f64 / 1e3 / secs,
            contents.len() as f64 / secs
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
