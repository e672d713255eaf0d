//! Ingest report and measurements.
//!
//! ```text
//! cargo run --release -p parallax-ingest --example ingest_eval -- PATH...   # read inputs, print a report
//! cargo run --release -p parallax-ingest --example ingest_eval -- --aeb [DIR]  # decoding fidelity on AEB pages
//! cargo run --release -p parallax-ingest --example ingest_eval -- --bench [MB] # throughput on synthetic WARC.gz/JSONL
//! ```

use parallax_ingest::{eval, list_inputs, open, Limits, SourceFormat};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let limits = Limits::default();
    match args.first().map(String::as_str) {
        Some("--aeb") => {
            let dir = args.get(1).map(PathBuf::from).unwrap_or_else(|| {
                PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/aeb")
            });
            match eval::aeb_fidelity(&dir, &limits) {
                Ok(f) => {
                    println!("AEB decoding fidelity ({})", dir.display());
                    println!("  pages                 {}", f.pages);
                    println!("  read as HTML          {}", f.read_as_html);
                    println!("  skipped               {}", f.skipped);
                    println!("  with warnings         {}", f.with_warnings);
                    println!("  with U+FFFD           {}", f.with_replacement_chars);
                    println!("  with mojibake         {}", f.with_mojibake);
                    println!(
                        "  non-ASCII word recall {:.4} ({}/{})",
                        f.non_ascii_recall(),
                        f.non_ascii_words_found,
                        f.non_ascii_words
                    );
                }
                Err(err) => {
                    eprintln!("cannot evaluate: {err}");
                    std::process::exit(1);
                }
            }
        }
        Some("--bench") => {
            let mb: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(50);
            bench(mb, &limits);
        }
        Some(_) => {
            let paths: Vec<PathBuf> = args.iter().map(PathBuf::from).collect();
            report(&paths, &limits);
        }
        None => {
            eprintln!("usage: ingest_eval PATH... | --aeb [DIR] | --bench [MB]");
            std::process::exit(2);
        }
    }
}

fn report(paths: &[PathBuf], limits: &Limits) {
    let started = Instant::now();
    let listed = list_inputs(paths, &limits.list);
    let files: Vec<PathBuf> = listed.files.into_iter().map(|f| f.path).collect();
    let mut skipped = listed.skipped;
    let mut by_format: BTreeMap<String, usize> = BTreeMap::new();
    let mut warnings = 0usize;
    let mut content_bytes = 0usize;
    for file in &files {
        for record in open(file, limits) {
            match record {
                Ok(doc) => {
                    *by_format
                        .entry(format!("{}/{:?}", doc.format, doc.kind))
                        .or_default() += 1;
                    content_bytes += doc.content.len();
                    if !doc.warnings.is_empty() {
                        warnings += 1;
                        for w in &doc.warnings {
                            println!("warning  {}: {w}", doc.origin);
                        }
                    }
                }
                Err(skip) => skipped.push(skip),
            }
        }
    }
    let secs = started.elapsed().as_secs_f64();
    for skip in &skipped {
        println!("skipped  {skip}");
    }
    println!(
        "files {}  records {}  skipped {}  records with warnings {}",
        files.len(),
        by_format.values().sum::<usize>(),
        skipped.len(),
        warnings
    );
    for (format, n) in &by_format {
        println!("  {format:<14} {n}");
    }
    println!(
        "{:.1} MB of content in {secs:.2} s ({:.1} MB/s)",
        content_bytes as f64 / 1e6,
        content_bytes as f64 / 1e6 / secs.max(1e-9)
    );
}

/// Writes a synthetic WARC.gz (one gzip member per record, chunked and
/// gzip-encoded payloads mixed in) and a JSONL file of about `mb` MB each,
/// then times reading them.
fn bench(mb: usize, limits: &Limits) {
    let dir = std::env::temp_dir().join(format!("parallax-ingest-bench-{}", std::process::id()));
    if let Err(err) = std::fs::create_dir_all(&dir) {
        eprintln!("cannot create {}: {err}", dir.display());
        return;
    }
    let paragraph = "<p>The council met on Tuesday to discuss the budget, and the mayor said “we will not cut services” – a promise critics doubt.</p>";
    let page: String = format!("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Bench</title></head><body>{}</body></html>", paragraph.repeat(60));
    let warc_path = dir.join("bench.warc.gz");
    let jsonl_path = dir.join("bench.jsonl");
    let mut warc = Vec::new();
    let mut jsonl = Vec::new();
    let mut i = 0usize;
    while jsonl.len() < mb * 1_000_000 {
        let http = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\r\n{page}", page.len());
        let record = format!(
            "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://bench.example/{i}\r\nWARC-Date: 2020-01-01T00:00:00Z\r\nContent-Length: {}\r\n\r\n{http}\r\n\r\n",
            http.len()
        );
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let _ = gz.write_all(record.as_bytes());
        if let Ok(member) = gz.finish() {
            warc.extend(member);
        }
        let line = serde_json::json!({"id": format!("b{i}"), "url": format!("https://bench.example/{i}"), "html": page});
        jsonl.extend(line.to_string().into_bytes());
        jsonl.push(b'\n');
        i += 1;
    }
    if std::fs::write(&warc_path, &warc).is_err() || std::fs::write(&jsonl_path, &jsonl).is_err() {
        eprintln!("cannot write bench files in {}", dir.display());
        return;
    }
    for (path, label) in [(&warc_path, "WARC.gz"), (&jsonl_path, "JSONL")] {
        time_read(path, label, limits);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn time_read(path: &Path, label: &str, limits: &Limits) {
    let started = Instant::now();
    let mut records = 0usize;
    let mut bytes = 0usize;
    let mut skipped = 0usize;
    for record in open(path, limits) {
        match record {
            Ok(doc) => {
                debug_assert!(matches!(
                    doc.format,
                    SourceFormat::Warc | SourceFormat::Jsonl
                ));
                records += 1;
                bytes += doc.content.len();
            }
            Err(_) => skipped += 1,
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{label:<8} {records} records ({skipped} skipped), {:.1} MB content in {secs:.2} s: {:.1} MB/s, {:.0} records/s",
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / secs.max(1e-9),
        records as f64 / secs.max(1e-9)
    );
}
