//! Trains the named-entity tagger and writes the weights that ship with the
//! crate.
//!
//! ```text
//! nice -n 15 cargo run --release -p parallax-extract --example train_ner -- \
//!     [--train ../shared/data/conll2003/train.txt] [--dev ../shared/data/conll2003/dev.txt] \
//!     [--out crates/extract/model/ner.bin.gz] [--epochs 20] [--prune 0.0] [--clusters FILE]
//! ```
//!
//! `--clusters` reads `word<TAB>id id id` lines (see `examples/word_clusters.rs`).

use parallax_extract::ner::{read_conll, NerTagger, TrainConfig};
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
    let mut clusters_path: Option<PathBuf> = None;
    let mut prune = 0.0f32;
    let mut config = TrainConfig::default();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--train" => train = value()?.into(),
            "--dev" => dev = value()?.into(),
            "--out" => out = value()?.into(),
            "--clusters" => clusters_path = Some(value()?.into()),
            "--epochs" => config.epochs = value()?.parse()?,
            "--min-count" => config.min_count = value()?.parse()?,
            "--prune" => prune = value()?.parse()?,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let t0 = Instant::now();
    let train_docs = read_conll(&train)?;
    let dev_docs = read_conll(&dev)?;
    let mut clusters = HashMap::new();
    if let Some(p) = clusters_path {
        for line in std::fs::read_to_string(&p)?.lines() {
            let Some((w, ids)) = line.split_once('\t') else {
                continue;
            };
            let ids: Vec<u16> = ids.split(' ').filter_map(|x| x.parse().ok()).collect();
            if ids.len() == 3 {
                clusters.insert(w.to_string(), [ids[0], ids[1], ids[2]]);
            }
        }
        eprintln!("{} word clusters", clusters.len());
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
