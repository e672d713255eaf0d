//! Write and read throughput of the SQLite store.
//!
//! ```text
//! cargo run -p parallax-store --release --example store_bench [-- ARTICLES]
//! ```
//!
//! Articles are synthetic (about 700 words, a few blocks, removals and
//! offsets each, like a cleaned news page) and written to a temporary
//! database with signatures, in batches of several sizes.

use parallax_dedup::MinHasher;
use parallax_model::{
    Article, Block, BlockKind, ContentKind, Hints, OffsetMap, OffsetRun, Origin, RawDoc, Removal,
    RemovalKind, SourceFormat,
};
use parallax_store::{ListQuery, NewArticle, SqliteStore, Store};
use std::time::Instant;

const WORDS: &[&str] = &[
    "council",
    "minister",
    "said",
    "budget",
    "vote",
    "election",
    "report",
    "police",
    "court",
    "market",
    "the",
    "a",
    "of",
    "to",
    "in",
    "on",
    "and",
    "for",
    "with",
    "after",
    "before",
    "percent",
    "million",
    "week",
    "government",
    "party",
    "leader",
    "campaign",
    "health",
];

fn make(i: usize) -> (Article, RawDoc) {
    let mut state = i as u64 * 0x9e37_79b9_7f4a_7c15 + 1;
    let mut text = String::new();
    let mut blocks = Vec::new();
    for _ in 0..8 {
        let start = text.len();
        for w in 0..88 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            if w > 0 {
                text.push(' ');
            }
            text.push_str(WORDS[(state % WORDS.len() as u64) as usize]);
        }
        text.push('.');
        blocks.push(Block {
            kind: BlockKind::Paragraph,
            span: start..text.len(),
        });
        text.push_str("\n\n");
    }
    let content = format!("<html><nav>Home</nav><article>{text}</article></html>");
    let id = format!("bench-{i:07}");
    let origin = Origin::at("bench.jsonl", format!("line {i}"));
    let raw = RawDoc {
        id: id.clone(),
        origin: origin.clone(),
        format: SourceFormat::Jsonl,
        kind: ContentKind::Html,
        content,
        hints: Hints {
            outlet: Some(format!("Outlet {}", i % 40)),
            ..Hints::default()
        },
        warnings: Vec::new(),
    };
    let article = Article {
        id,
        origin,
        format: SourceFormat::Jsonl,
        url: Some(format!("https://example.org/{i}")),
        outlet: Some(format!("Outlet {}", i % 40)),
        title: Some(format!("Headline {i}")),
        author: None,
        published: Some(format!("2026-{:02}-{:02}", 1 + i % 12, 1 + i % 28)),
        language: Some("en".into()),
        offsets: OffsetMap {
            runs: blocks
                .iter()
                .map(|b| OffsetRun {
                    clean: b.span.clone(),
                    source: b.span.start + 30..b.span.end + 30,
                })
                .collect(),
        },
        blocks,
        removed: vec![Removal {
            kind: RemovalKind::Navigation,
            text: "Home".into(),
            source: Some(11..15),
        }],
        warnings: Vec::new(),
        outlet_via: None,
        genre: None,
        text,
    };
    (article, raw)
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20_000);
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("cannot create a temporary folder: {e}");
            std::process::exit(1);
        }
    };
    let hasher = MinHasher::default();
    let docs: Vec<_> = (0..n).map(make).collect();
    let sigs: Vec<_> = docs
        .iter()
        .map(|(a, _)| hasher.signature(&a.text))
        .collect();
    let items: Vec<_> = docs
        .iter()
        .zip(&sigs)
        .map(|((a, r), s)| NewArticle {
            article: a,
            raw: r,
            signature: Some(s),
        })
        .collect();
    let bytes: usize = docs
        .iter()
        .map(|(a, r)| a.text.len() + r.content.len())
        .sum();
    println!(
        "{n} articles, {:.1} MB of clean + raw text",
        bytes as f64 / 1e6
    );

    let run = |label: &str, batch: usize, items: &[NewArticle<'_>]| -> Result<(), String> {
        let path = dir.path().join(format!("{label}.db"));
        let mut store = SqliteStore::open(&path).map_err(|e| e.to_string())?;
        let t = Instant::now();
        for chunk in items.chunks(batch) {
            store.put_batch(chunk).map_err(|e| e.to_string())?;
        }
        let secs = t.elapsed().as_secs_f64();
        println!(
            "put, batches of {batch:>5}: {:>8.0} articles/s",
            items.len() as f64 / secs
        );
        Ok(())
    };
    let single = n.min(2_000);
    let steps = [
        ("single", 1, &items[..single]),
        ("b100", 100, &items[..]),
        ("b1000", 1000, &items[..]),
    ];
    for (label, batch, slice) in steps {
        if let Err(e) = run(label, batch, slice) {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }

    let result = (|| -> Result<(), parallax_store::StoreError> {
        let mut store = SqliteStore::open(dir.path().join("b1000.db"))?;
        let t = Instant::now();
        for chunk in items.chunks(1000) {
            store.put_batch(chunk)?;
        }
        println!(
            "re-put unchanged, batches of 1000: {:>8.0} articles/s",
            n as f64 / t.elapsed().as_secs_f64()
        );
        let t = Instant::now();
        let mut loaded = 0usize;
        store.for_each_signature(&mut |_, _| loaded += 1)?;
        println!(
            "load signatures: {:>8.0}/s ({loaded})",
            loaded as f64 / t.elapsed().as_secs_f64()
        );
        let t = Instant::now();
        let mut got = 0;
        for i in (0..n).step_by(7) {
            got += usize::from(store.get(&format!("bench-{i:07}"))?.is_some());
        }
        println!(
            "get by id: {:>8.0}/s",
            got as f64 / t.elapsed().as_secs_f64()
        );
        let t = Instant::now();
        let page = store.list(&ListQuery {
            outlet: Some("Outlet 7".into()),
            limit: 100,
            ..ListQuery::default()
        })?;
        println!(
            "list one outlet, 100 newest: {:.2} ms ({} rows)",
            t.elapsed().as_secs_f64() * 1e3,
            page.len()
        );
        let size = std::fs::metadata(store.path())
            .map(|m| m.len())
            .unwrap_or(0);
        println!("database file: {:.1} MB", size as f64 / 1e6);
        Ok(())
    })();
    if let Err(e) = result {
        eprintln!("{e}");
        std::process::exit(1);
    }
}
