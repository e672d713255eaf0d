//! Trains the named-entity tagger and writes the weights that ship with the
//! crate.
//!
//! ```text
//! nice -n 15 cargo run --release -p parallax-extract --example train_ner -- \
//!     [--train ../shared/data/conll2003/train.txt] [--dev ../shared/data/conll2003/dev.txt] \
//!     [--out crates/extract/model/ner.bin.gz] [--epochs 20] [--prune 0.0] [--clusters FILE]
//! ```
//!
//! Word clusters are derived from the CoNLL training tokens plus unlabelled
//! news text: every `--unlabelled DIR` (all files in it), by default the
//! PolNeAR article texts under `../shared/data/polnear/*/text` when present.
//! `--no-clusters` trains without them.

use parallax_extract::ner::{
    derive_word_clusters, read_conll, ClusterConfig, NerTagger, TrainConfig,
};
use parallax_extract::tokenize::tokenize;
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    if let Err(e) = run() {
        eprintln!("train_ner: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let shared = std::env::var_os("PARALLAX_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared"));
    let mut train = shared.join("data/conll2003/train.txt");
    let mut dev = shared.join("data/conll2003/dev.txt");
    let mut out = root.join("crates/extract/model/ner.bin.gz");
    let mut unlabelled: Vec<PathBuf> = Vec::new();
    let mut use_clusters = true;
    let mut prune = 0.0f32;
    let mut config = TrainConfig::default();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--train" => train = value()?.into(),
            "--dev" => dev = value()?.into(),
            "--out" => out = value()?.into(),
            "--unlabelled" => unlabelled.push(value()?.into()),
            "--no-clusters" => use_clusters = false,
            "--epochs" => config.epochs = value()?.parse()?,
            "--min-count" => config.min_count = value()?.parse()?,
            "--prune" => prune = value()?.parse()?,
            "--seed" => config.seed = value()?.parse()?,
            "--one-pass" => config.second_pass = false,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let t0 = Instant::now();
    let train_docs = read_conll(&train)?;
    let dev_docs = read_conll(&dev)?;
    if unlabelled.is_empty() {
        for split in ["train", "dev"] {
            let dir = shared.join("data/polnear").join(split).join("text");
            if dir.is_dir() {
                unlabelled.push(dir);
            }
        }
    }
    let mut clusters = HashMap::new();
    if use_clusters {
        let mut sentences: Vec<Vec<String>> = train_docs
            .iter()
            .flat_map(|d| d.sentences.iter().map(|s| s.words.clone()))
            .collect();
        let mut files: Vec<PathBuf> = Vec::new();
        for dir in &unlabelled {
            for entry in std::fs::read_dir(dir)? {
                files.push(entry?.path());
            }
        }
        files.sort();
        for f in &files {
            let text = std::fs::read_to_string(f)?;
            for s in tokenize(&text) {
                sentences.push(s.iter().map(|t| t.text.to_string()).collect());
            }
        }
        clusters = derive_word_clusters(&sentences, &ClusterConfig::default());
        eprintln!(
            "[{:>6.1}s] {} word clusters from {} sentences ({} unlabelled files)",
            t0.elapsed().as_secs_f64(),
            clusters.len(),
            sentences.len(),
            files.len()
        );
    }
    let (tagger, scores) = NerTagger::train(&train_docs, &dev_docs, &clusters, &config, |line| {
        eprintln!("[{:>6.1}s] {line}", t0.elapsed().as_secs_f64())
    })?;
    eprintln!("best epoch on dev:\n{scores}");
    let bytes = tagger.to_bytes(prune)?;
    std::fs::write(&out, &bytes)?;
    let reloaded = NerTagger::from_bytes(&bytes)?;
    eprintln!(
        "wrote {} ({:.2} MB, {} features kept)",
        out.display(),
        bytes.len() as f64 / 1e6,
        reloaded.feature_count()
    );
    eprintln!(
        "after quantisation and pruning:\n{}",
        reloaded.evaluate(&dev_docs)
    );
    Ok(())
}
