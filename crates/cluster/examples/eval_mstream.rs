//! Clusters MStream JSONL files and prints quality and speed.
//!
//! `cargo run --release -p parallax-cluster --example eval_mstream -- [--halves] FILE...`
//! Hyper-parameters can be overridden with `key=value` arguments
//! (alpha, beta, window, stride, sweeps, candidates).

use parallax_cluster::{
    evaluate_docs, evaluate_swapped_halves, evaluate_two_halves, load_mstream, order_agreement,
    ClusterConfig, LabelledDoc,
};
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut config = ClusterConfig::default();
    let mut halves = false;
    let mut files = Vec::new();
    for arg in std::env::args().skip(1) {
        if arg == "--halves" {
            halves = true;
        } else if let Some((key, value)) = arg.split_once('=') {
            if let Err(e) = apply(&mut config, key, value) {
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
    if files.is_empty() {
        eprintln!("usage: eval_mstream [--halves] [key=value...] FILE...");
        return ExitCode::from(2);
    }
    let mut loaded: Vec<Vec<LabelledDoc>> = Vec::new();
    for file in &files {
        let docs = match load_mstream(Path::new(file)) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        };
        println!("== {file}");
        if let Some(report) = evaluate_docs(&docs, &config) {
            println!("{report}");
        }
        if halves {
            if let Some(split) = evaluate_two_halves(&docs, &config) {
                print!("{split}");
            }
            if let Some(s) = evaluate_swapped_halves(&docs, &config) {
                println!(
                    "halves swapped vs gold NMI {:.4}  pairwise F1 {:.4}  B-cubed F1 {:.4}  clusters {}",
                    s.nmi, s.pairwise.f1, s.bcubed.f1, s.predicted_clusters
                );
            }
        }
        loaded.push(docs);
    }
    // Same documents in another order (News vs News-T): does order matter?
    if halves && loaded.len() == 2 {
        if let Some(s) = order_agreement(&loaded[0], &loaded[1], &config) {
            println!(
                "== {} vs {} (same documents, other order): NMI {:.4}  pairwise F1 {:.4}  B-cubed F1 {:.4}",
                files[0], files[1], s.nmi, s.pairwise.f1, s.bcubed.f1
            );
        }
    }
    ExitCode::SUCCESS
}

fn apply(config: &mut ClusterConfig, key: &str, value: &str) -> Result<(), String> {
    let bad = || format!("bad value for {key}: {value}");
    match key {
        "alpha" => config.alpha = value.parse().map_err(|_| bad())?,
        "beta" => config.beta = value.parse().map_err(|_| bad())?,
        "window" => config.refine_window = value.parse().map_err(|_| bad())?,
        "stride" => config.refine_stride = value.parse().map_err(|_| bad())?,
        "sweeps" => config.refine_sweeps = value.parse().map_err(|_| bad())?,
        "candidates" => config.max_candidates = value.parse().map_err(|_| bad())?,
        "title_weight" => config.title_weight = value.parse().map_err(|_| bad())?,
        "merge" => config.merge = value.parse().map_err(|_| bad())?,
        _ => return Err(format!("unknown setting {key}")),
    }
    Ok(())
}
