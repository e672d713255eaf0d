//! Scores the story engine's events on labelled article sets with settings
//! overridden from the command line, to see how a setting moves precision
//! and recall on every set at once (tune on all dev sets, not one).
//!
//! `cargo run --release -p parallax-cluster --example eval_events -- [key=value...] FILE.jsonl...`
//! (labels: `FILE_labels.json` beside each file). Keys are `StoryConfig`
//! field names of the numeric settings, and `dense_table=PATH` scores an
//! embedding table other than the shipped one; `dense_vectors=FILE` gives
//! each article's vector from an encoder run outside (u32 count, u32
//! dimension, then per article a u16 id length, the id, the f32 values;
//! little-endian), to compare a transformer with the table.

/// Reads a `dense_vectors=` file.
fn read_vectors(path: &Path) -> Result<FxHashMap<String, Vec<f32>>, String> {
    let b = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut at = 0usize;
    let mut take = |n: usize| -> Result<&[u8], String> {
        let s = b.get(at..at + n).ok_or("vectors file cut short")?;
        at += n;
        Ok(s)
    };
    let word = |s: &[u8]| u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as usize;
    let count = word(take(4)?);
    let dims = word(take(4)?);
    let mut out = FxHashMap::default();
    for _ in 0..count {
        let len = take(2)?;
        let len = u16::from_le_bytes([len[0], len[1]]) as usize;
        let id = String::from_utf8_lossy(take(len)?).into_owned();
        let v = take(dims * 4)?
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        out.insert(id, v);
    }
    Ok(out)
}

use parallax_cluster::{
    default_labels_path, evaluate_events_embedded, evaluate_events_with, load_labelled_articles,
    StoryConfig,
};
use parallax_embed::StaticEmbeddings;
use rustc_hash::FxHashMap;
use std::path::Path;
use std::process::ExitCode;

fn apply(c: &mut StoryConfig, key: &str, value: &str) -> Result<(), String> {
    let f = || value.parse::<f64>().map_err(|e| format!("{key}: {e}"));
    let u = || value.parse::<usize>().map_err(|e| format!("{key}: {e}"));
    match key {
        "event_similarity" => c.event_similarity = f()?,
        "event_group_similarity" => c.event_group_similarity = f()?,
        "arc_similarity" => c.arc_similarity = f()?,
        "title_weight" => c.title_weight = f()? as f32,
        "name_weight" => c.name_weight = f()? as f32,
        "article_terms" => c.article_terms = u()?,
        "article_names" => c.article_names = u()?,
        "max_candidates" => c.max_candidates = u()?,
        "probe_terms" => c.probe_terms = u()?,
        "indexed_terms" => c.indexed_terms = u()?,
        "arc_min_shared_names" => c.arc_min_shared_names = u()?,
        "dense_weight" => c.dense_weight = f()? as f32,
        "dense_words" => c.dense_words = u()?,
        _ => return Err(format!("unknown setting {key}")),
    }
    Ok(())
}

fn main() -> ExitCode {
    let mut config = StoryConfig::default();
    let mut files = Vec::new();
    let mut table = StaticEmbeddings::builtin();
    let mut vectors: FxHashMap<String, Vec<f32>> = FxHashMap::default();
    for arg in std::env::args().skip(1) {
        if let Some(path) = arg.strip_prefix("dense_vectors=") {
            match read_vectors(Path::new(path)) {
                Ok(v) => vectors.extend(v),
                Err(e) => {
                    eprintln!("{e}");
                    return ExitCode::from(2);
                }
            }
        } else if let Some(path) = arg.strip_prefix("dense_table=") {
            match StaticEmbeddings::load(Path::new(path)) {
                // One table for the life of the process.
                Ok(t) => table = Some(Box::leak(Box::new(t))),
                Err(e) => {
                    eprintln!("{e}");
                    return ExitCode::from(2);
                }
            }
        } else if let Some((k, v)) = arg.split_once('=') {
            if let Err(e) = apply(&mut config, k, v) {
                eprintln!("{e}");
                return ExitCode::from(2);
            }
        } else {
            files.push(arg);
        }
    }
    if let Err(e) = config.validate() {
        eprintln!("{e}");
        return ExitCode::from(2);
    }
    for file in &files {
        let path = Path::new(file);
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("events");
        let labels = default_labels_path(path);
        let set = match load_labelled_articles(path, &labels) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        };
        let report = if vectors.is_empty() {
            evaluate_events_with(&set, &config, table)
        } else {
            evaluate_events_embedded(&set, &config, &vectors)
        };
        let Some(r) = report else {
            eprintln!("{file}: nothing to score");
            return ExitCode::FAILURE;
        };
        println!(
            "{stem:<10} events {:>5} (gold {:>5}) B3 {}   stories {:>5} B3 F1 {:.4}  {:.2}s",
            r.events.predicted_clusters,
            r.events.gold_clusters,
            r.events.bcubed,
            r.stories.predicted_clusters,
            r.stories.bcubed.f1,
            r.seconds
        );
    }
    ExitCode::SUCCESS
}
