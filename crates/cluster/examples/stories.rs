//! Stories of a set of files, as the pipeline would build them.
//!
//! `cargo run -p parallax-cluster --example stories -- [--json] [--pairs] PATH...`
//!
//! Reads every input with `parallax-ingest`, cleans it with `parallax-clean`
//! and feeds the articles to a [`StoryEngine`] in the order read. Prints one
//! line per story and event (or the full JSON with `--json`); `--pairs`
//! adds the article-by-article similarity table used to choose thresholds.

use parallax_cluster::{StoryEngine, StoryInput};
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut json = false;
    let mut pairs = false;
    let mut paths = Vec::new();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--json" => json = true,
            "--pairs" => pairs = true,
            _ => paths.push(PathBuf::from(arg)),
        }
    }
    if paths.is_empty() {
        eprintln!("usage: stories [--json] [--pairs] PATH...");
        return ExitCode::from(2);
    }
    let listed = parallax_ingest::list_inputs(&paths, &Default::default());
    let files: Vec<_> = listed.files.into_iter().map(|f| f.path).collect();
    for s in listed.skipped {
        eprintln!("skipped {s}");
    }
    let mut inputs = Vec::new();
    for file in files {
        for record in parallax_ingest::read_file(&file, &parallax_ingest::Limits::default()) {
            match record {
                Ok(raw) => match parallax_clean::clean(&raw) {
                    Ok(article) => inputs.push(StoryInput::from_article(&article)),
                    Err(e) => eprintln!("{}: {e}", raw.origin),
                },
                Err(s) => eprintln!("skipped {s}"),
            }
        }
    }
    let mut engine = StoryEngine::default();
    engine.extend(&inputs);
    if pairs {
        print!("{:>24}", "");
        for b in &inputs {
            print!(" {:>5}", &b.id[..b.id.len().min(5)]);
        }
        println!();
        for a in &inputs {
            print!("{:>24}", &a.id[..a.id.len().min(24)]);
            for b in &inputs {
                match engine.similarity(&a.id, &b.id) {
                    Some(s) => print!(" {s:>5.2}"),
                    None => print!(" {:>5}", "-"),
                }
            }
            println!("  {:?}", a.date);
        }
    }
    let stories = engine.stories();
    if json {
        match serde_json::to_string_pretty(&stories) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                eprintln!("cannot serialise: {e}");
                return ExitCode::FAILURE;
            }
        }
        return ExitCode::SUCCESS;
    }
    for story in &stories {
        println!(
            "story {} {:?}..{:?} \"{}\"",
            story.id, story.date_span.from, story.date_span.to, story.title
        );
        for link in &story.why {
            println!(
                "  why: {} + {} sim {:.3} names {:?} terms {:?} gap {:?}",
                link.from_event,
                link.to_event,
                link.similarity,
                link.shared_entities,
                link.shared_terms,
                link.gap_days
            );
        }
        for event in &story.events {
            println!(
                "  event {} {:?} \"{}\" entities {:?}",
                event.id, event.date, event.title, event.entities
            );
            for m in &event.members {
                println!(
                    "    {:<24} score {:.2} gap {:?} names {:?} terms {:?}{}",
                    m.article,
                    m.score,
                    m.date_gap_days,
                    m.shared_entities,
                    m.top_shared_terms,
                    m.copy_of
                        .as_ref()
                        .map(|o| format!(" copy of {o}"))
                        .unwrap_or_default()
                );
            }
        }
    }
    ExitCode::SUCCESS
}
