//! Scores the story engine's events on labelled article sets with settings
//! overridden from the command line, to see how a setting moves precision
//! and recall on every set at once (tune on all dev sets, not one).
//!
//! `cargo run --release -p parallax-cluster --example eval_events -- [key=value...] FILE.jsonl...`
//! (labels: `FILE_labels.json` beside each file). Keys are `StoryConfig`
//! field names of the numeric settings, and `dense_table=PATH` scores an
//! embedding table other than the shipped one.

use parallax_cluster::{
    default_labels_path, evaluate_events_with, load_labelled_articles, StoryConfig,
};
use parallax_embed::StaticEmbeddings;
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
    for arg in std::env::args().skip(1) {
        if let Some(path) = arg.strip_prefix("dense_table=") {
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
        let Some(r) = evaluate_events_with(&set, &config, table) else {
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
