//! Clean every `.txt` file under the given folders and report throughput,
//! removals by kind and a sample of what each kind removed, to review
//! false positives on real text. Build with `--release` for timings.
//!
//! Usage: cargo run --release -p parallax-clean --example survey -- DIR... [--show KIND]

use parallax_model::{ContentKind, Hints, Origin, RawDoc, SourceFormat};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "txt") {
            out.push(path);
        }
    }
}

fn short_id(id: &str) -> &str {
    id.rsplit('/').next().unwrap_or(id)
}

/// A little source text either side of byte `at`, on one line.
fn context(content: &str, at: usize) -> String {
    let mut start = at.saturating_sub(30);
    while !content.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (at + 30).min(content.len());
    while !content.is_char_boundary(end) {
        end += 1;
    }
    format!("{}|{}", &content[start..at], &content[at..end]).replace('\n', "⏎")
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let show = args
        .iter()
        .position(|a| a == "--show")
        .and_then(|i| args.get(i + 1).cloned());
    let mut files = Vec::new();
    for arg in args
        .iter()
        .filter(|a| !a.starts_with("--") && Some(*a) != show.as_ref())
    {
        collect(Path::new(arg), &mut files);
    }
    files.sort();
    let docs: Vec<RawDoc> = files
        .iter()
        .filter_map(|p| {
            let content = std::fs::read_to_string(p).ok()?;
            Some(RawDoc {
                id: p.display().to_string(),
                origin: Origin::file(p.display().to_string()),
                format: SourceFormat::Text,
                kind: ContentKind::Text,
                content,
                hints: Hints::default(),
                warnings: Vec::new(),
            })
        })
        .collect();
    let bytes: usize = docs.iter().map(|d| d.content.len()).sum();

    let rounds = if docs.len() < 50 { 200 } else { 3 };
    let start = Instant::now();
    let mut ok = 0usize;
    for _ in 0..rounds {
        for doc in &docs {
            if parallax_clean::clean(doc).is_ok() {
                ok += 1;
            }
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let n = (docs.len() * rounds) as f64;
    println!(
        "{} files, {:.1} MB; {} rounds: {:.0} articles/s, {:.1} MB/s ({} ok of {})",
        docs.len(),
        bytes as f64 / 1e6,
        rounds,
        n / secs,
        (bytes * rounds) as f64 / 1e6 / secs,
        ok,
        docs.len() * rounds
    );

    let start = Instant::now();
    let mut langs = 0usize;
    for doc in &docs {
        langs += parallax_clean::detect_language(&doc.content).is_some() as usize;
    }
    println!(
        "language detection alone: {:.0} docs/s ({langs} detected)",
        docs.len() as f64 / start.elapsed().as_secs_f64()
    );

    let mut by_kind: BTreeMap<&str, (usize, Vec<String>)> = BTreeMap::new();
    let mut repairs: Vec<String> = Vec::new();
    let mut titles = 0;
    let mut dates = 0;
    let mut removed_bytes = 0usize;
    for doc in &docs {
        let Ok(a) = parallax_clean::clean(doc) else {
            println!("FAILED: {}", doc.id);
            continue;
        };
        titles += a.title.is_some() as usize;
        // Repairs: blocks that start mid-line in the source, spaces with no source.
        for b in a.blocks.iter().skip(1) {
            if let Some(s) = a.offsets.to_source(b.span.start) {
                let before = doc.content[..s].chars().next_back();
                if before.is_some_and(|c| !c.is_whitespace()) {
                    repairs.push(format!(
                        "BREAK {}: …{}",
                        short_id(&doc.id),
                        context(&doc.content, s)
                    ));
                }
            }
        }
        for b in &a.blocks {
            for (i, c) in a.text[b.span.clone()].char_indices() {
                let at = b.span.start + i;
                if c == ' ' && a.offsets.to_source(at).is_none() {
                    if let Some(s) = a.offsets.to_source(at + 1) {
                        let before = doc.content[..s].chars().next_back();
                        if before.is_some_and(|c| !c.is_whitespace()) {
                            repairs.push(format!(
                                "SPACE {}: …{}",
                                short_id(&doc.id),
                                context(&doc.content, s)
                            ));
                        }
                    }
                }
            }
        }
        dates += a.published.is_some() as usize;
        for r in &a.removed {
            removed_bytes += r.text.len();
            let entry = by_kind.entry(r.kind.as_str()).or_default();
            entry.0 += 1;
            let short: String = r.text.chars().take(110).collect();
            entry.1.push(format!(
                "{}: {}",
                doc.id.rsplit('/').next().unwrap_or(""),
                short.replace('\n', " / ")
            ));
        }
    }
    println!(
        "titles {titles}, dates {dates}, removed {:.1}% of bytes",
        100.0 * removed_bytes as f64 / bytes.max(1) as f64
    );
    println!("repairs: {}", repairs.len());
    let limit = if show.as_deref() == Some("repairs") {
        usize::MAX
    } else {
        5
    };
    for r in repairs.iter().take(limit) {
        println!("    {r}");
    }
    for (kind, (count, samples)) in &by_kind {
        println!("{kind}: {count}");
        let limit = if show.as_deref() == Some(kind) {
            usize::MAX
        } else {
            3
        };
        for s in samples.iter().take(limit) {
            println!("    {s}");
        }
    }
}
