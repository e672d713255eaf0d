//! Score the extractor on an AEB directory.
//!
//! `cargo run --release -p parallax-html --example aeb [DIR] [-v] [--trafilatura|--trafilatura-fast] [--no-fallback]`
//! (DIR defaults to `../shared/data/aeb`; `-v` lists per-page scores, worst
//! first; `--trafilatura` / `--trafilatura-fast` score the crate engines;
//! `--dump ID` prints one page's blocks).

use std::path::PathBuf;

fn main() {
    let mut dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/aeb"
    ));
    let mut verbose = false;
    let mut opts = parallax_html::Options::default();
    let mut dump: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--dump" {
            dump = args.next();
        } else if a == "-v" {
            verbose = true;
        } else if a == "--trafilatura" {
            opts.mode = parallax_html::Mode::Trafilatura;
        } else if a == "--trafilatura-fast" {
            opts.mode = parallax_html::Mode::TrafilaturaFast;
        } else if a == "--no-fallback" {
            opts.fallback = false;
        } else {
            dir = PathBuf::from(a);
        }
    }
    if let Some(id) = dump {
        // Print one page's blocks and removals, for inspecting failures.
        let path = dir.join("html").join(format!("{id}.html.gz"));
        let html = parallax_html::eval::read_html_file(&path).unwrap_or_default();
        match parallax_html::extract_with(&html, None, &opts) {
            Ok(page) => {
                for b in &page.blocks {
                    println!("[{:?} {:?}] {}", b.kind, b.source, b.text);
                }
                println!(
                    "META title={:?} published={:?} author={:?} outlet={:?} url={:?} lang={:?}",
                    page.title, page.published, page.author, page.outlet, page.url, page.language
                );
                for r in &page.removed {
                    println!(
                        "REMOVED {:?}: {}",
                        r.kind,
                        r.text.chars().take(100).collect::<String>()
                    );
                }
            }
            Err(e) => println!("error: {e}"),
        }
        return;
    }
    let report = match parallax_html::eval::aeb_with(&dir, &opts) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    if verbose {
        let mut pages = report.pages.clone();
        let f = |c: &parallax_html::eval::ShingleCounts| {
            let p = c.precision().unwrap_or(0.0);
            let r = c.recall().unwrap_or(0.0);
            if p + r > 0.0 {
                2.0 * p * r / (p + r)
            } else {
                0.0
            }
        };
        pages.sort_by(|a, b| f(&a.counts).total_cmp(&f(&b.counts)));
        for p in &pages {
            println!(
                "{:.3} P={:.3} R={:.3} {} {} {}",
                f(&p.counts),
                p.counts.precision().unwrap_or(0.0),
                p.counts.recall().unwrap_or(0.0),
                p.id,
                p.url,
                p.error.as_deref().unwrap_or("")
            );
        }
    }
    let s = report.scores;
    println!(
        "AEB {} pages: F1 {:.4}  precision {:.4}  recall {:.4}  ({:.1} pages/s extraction)",
        report.pages.len(),
        s.f1,
        s.precision,
        s.recall,
        report.pages.len() as f64 / report.extract_seconds.max(1e-9)
    );
    println!(
        "provenance: {} blocks, {} with a source range ({:.1}%), {} ranges verified exact ({:.1}%)",
        report.blocks,
        report.located,
        100.0 * report.located as f64 / report.blocks.max(1) as f64,
        report.verified,
        100.0 * report.verified as f64 / report.blocks.max(1) as f64
    );
}
