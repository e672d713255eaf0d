//! Prints the dated events of text files: date value and granularity, the
//! expression, the verb phrase and the entities of each sentence.
//!
//! ```text
//! cargo run --release -p parallax-extract --example timeline -- [--published YYYY-MM-DD] [--sorted] FILE...
//! ```
//!
//! Files go through ingest and clean; where those give no article, a plain
//! text file is read as is (a seed-style ` date YYYY-MM-DD` header line
//! still supplies the publication date). `--published` overrides the date.

use parallax_extract::timeline::sort_chronologically;
use parallax_extract::{parse_published, timeline};
use parallax_ingest::Limits;
use std::path::Path;

fn main() {
    if let Err(e) = run() {
        eprintln!("timeline: {e}");
        std::process::exit(1);
    }
}

fn load(path: &Path) -> Result<(String, Option<String>), Box<dyn std::error::Error>> {
    if let Some(Ok(raw)) = parallax_ingest::read_file(path, &Limits::default())
        .into_iter()
        .next()
    {
        if let Ok(article) = parallax_clean::clean(&raw) {
            return Ok((article.text, article.published));
        }
    }
    let raw = String::from_utf8_lossy(&std::fs::read(path)?).into_owned();
    let trimmed = raw.trim_start();
    if let Some(rest) = trimmed.strip_prefix("date ") {
        if let (Some(date), Some(body)) = (rest.get(..10), rest.get(10..)) {
            if parse_published(date).is_some() {
                return Ok((body.to_string(), Some(date.to_string())));
            }
        }
    }
    Ok((raw, None))
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut forced = None;
    if let Some(i) = args.iter().position(|a| a == "--published") {
        let value = args.get(i + 1).ok_or("--published needs a date")?.clone();
        forced = Some(parse_published(&value).ok_or(format!("bad date {value}"))?);
        args.drain(i..=i + 1);
    }
    let sorted = args.iter().any(|a| a == "--sorted");
    args.retain(|a| a != "--sorted");
    if args.is_empty() {
        return Err("usage: timeline [--published YYYY-MM-DD] [--sorted] FILE...".into());
    }
    for path in &args {
        let (text, published) = load(Path::new(path))?;
        let published = forced.or_else(|| published.as_deref().and_then(parse_published));
        println!(
            "== {path} (published {})",
            published.map_or("unknown".to_string(), |d| d.to_string())
        );
        let mut events = timeline(&text, published)?;
        if sorted {
            sort_chronologically(&mut events);
        }
        for e in events {
            let names: Vec<&str> = e.entities.iter().map(|n| n.text.as_str()).collect();
            println!(
                "{:<10} {:<6} {:<24} {:<22} {}",
                e.date.value.map_or("-".to_string(), |v| v.iso()),
                e.date.granularity.as_str(),
                e.date.text,
                e.verb.as_ref().map_or("-", |v| v.text.as_str()),
                names.join(", ")
            );
        }
    }
    Ok(())
}
