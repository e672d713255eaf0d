//! Fills a temporary store with synthetic articles and serves it, for
//! `bench/serve.sh`. Usage:
//!
//! ```text
//! cargo run --release -p parallax-serve --example serve_bench -- [ARTICLES] [ADDR]
//! ```
//!
//! Article ids are `bench-000000` … so a benchmark can name pages. Every
//! article quotes one of a few named people and mentions another, and the
//! store gets their analyses, entities and stories the way `parallax
//! ingest` leaves them, so entity pages (`/entities/person%3Aana%20lopez`)
//! have hundreds of articles each. Prints `ready http://ADDR/` once it
//! answers; stops on Ctrl-C (SIGINT) and removes its temporary store.

use parallax_model::{
    Article, Block, BlockKind, ContentKind, Hints, OffsetMap, Origin, RawDoc, SourceFormat,
};
use parallax_serve::ServeConfig;
use parallax_store::{NewArticle, SqliteStore, Store};
use std::net::SocketAddr;
use std::time::Instant;

const OUTLETS: [&str; 6] = [
    "Harbour Herald",
    "Daily Tribune",
    "Capital Ledger",
    "Valley Times",
    "Evening Post",
    "Metro Wire",
];
const WORDS: [&str; 24] = [
    "council", "budget", "ferry", "strike", "minister", "election", "harbour", "library", "court",
    "ruling", "storm", "flood", "school", "teachers", "hospital", "nurses", "rail", "tariff",
    "river", "bridge", "mayor", "police", "market", "energy",
];

/// People quoted and mentioned, with their role and organisation.
const PEOPLE: [(&str, &str, &str); 8] = [
    ("Ana Lopez", "Mayor", "City Council"),
    ("Tom Reyes", "Transport Minister", "Transport Ministry"),
    ("Grace Okoye", "union leader", "Ferry Workers Union"),
    ("Henrik Dahl", "harbour master", "Port Authority"),
    ("Mei Tanaka", "council treasurer", "City Council"),
    ("Samuel Adeyemi", "police chief", "Metro Police"),
    ("Clara Novak", "hospital director", "General Hospital"),
    ("Pedro Alves", "school board chair", "School Board"),
];

/// A small deterministic generator, so runs are comparable.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }

    fn word(&mut self) -> &'static str {
        WORDS[self.next() % WORDS.len()]
    }
}

fn synthetic(i: usize, rng: &mut Lcg) -> (Article, RawDoc) {
    let id = format!("bench-{i:06}");
    let mut paragraphs = Vec::new();
    for _ in 0..(4 + rng.next() % 6) {
        let mut sentence = Vec::new();
        for _ in 0..(25 + rng.next() % 30) {
            sentence.push(rng.word());
        }
        paragraphs.push(format!("{}.", sentence.join(" ")));
    }
    // A quote by one person and a mention of another, for entity pages.
    let (speaker, role, _) = PEOPLE[rng.next() % PEOPLE.len()];
    let (other, _, org) = PEOPLE[rng.next() % PEOPLE.len()];
    paragraphs.insert(
        1,
        format!(
            "“The {} {} must come first,” said {role} {speaker} on Tuesday. \
             {other} of the {org} called the plan a {} {} mistake.",
            rng.word(),
            rng.word(),
            rng.word(),
            rng.word()
        ),
    );
    // A rarer word (each in 1 of 200 articles) for selective searches; the
    // 24-word vocabulary otherwise puts every word in every article.
    paragraphs.push(format!("Filed under district{}.", i % 200));
    let text = paragraphs.join("\n\n");
    let mut blocks = Vec::new();
    let mut at = 0;
    for p in &paragraphs {
        blocks.push(Block {
            kind: BlockKind::Paragraph,
            span: at..at + p.len(),
        });
        at += p.len() + 2;
    }
    let day = i % 365;
    let published = format!("2025-{:02}-{:02}", day / 31 % 12 + 1, day % 28 + 1);
    let title = format!("{} {} {}", rng.word(), rng.word(), rng.word());
    let article = Article {
        id: id.clone(),
        origin: Origin::at("synthetic.jsonl", format!("line {}", i + 1)),
        format: SourceFormat::Jsonl,
        url: Some(format!("https://news.example/{id}")),
        outlet: Some(OUTLETS[i % OUTLETS.len()].to_string()),
        title: Some(title),
        author: None,
        published: Some(published),
        language: Some("en".into()),
        text: text.clone(),
        blocks,
        removed: Vec::new(),
        offsets: OffsetMap::default(),
        warnings: Vec::new(),
        outlet_via: None,
        genre: None,
    };
    let raw = RawDoc {
        id,
        origin: article.origin.clone(),
        format: article.format,
        kind: ContentKind::Text,
        content: text,
        hints: Hints::default(),
        warnings: Vec::new(),
    };
    (article, raw)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let count: usize = match args.next() {
        Some(n) => n
            .parse()
            .map_err(|_| format!("ARTICLES must be a number, got {n:?}"))?,
        None => 10_000,
    };
    let addr: SocketAddr = match args.next() {
        Some(a) => a
            .parse()
            .map_err(|_| format!("ADDR must be host:port, got {a:?}"))?,
        None => "127.0.0.1:8090".parse()?,
    };
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("bench.db");
    let started = Instant::now();
    {
        let mut store = SqliteStore::open(&db)?;
        let mut rng = Lcg(7);
        for chunk_start in (0..count).step_by(1000) {
            let batch: Vec<(Article, RawDoc)> = (chunk_start..(chunk_start + 1000).min(count))
                .map(|i| synthetic(i, &mut rng))
                .collect();
            let items: Vec<NewArticle<'_>> = batch
                .iter()
                .map(|(article, raw)| NewArticle {
                    article,
                    raw,
                    signature: None,
                })
                .collect();
            store.put_batch(&items)?;
        }
    }
    eprintln!(
        "stored {count} synthetic articles in {:.1?}",
        started.elapsed()
    );
    {
        let mut store = SqliteStore::open(&db)?;
        let analysing = Instant::now();
        let analysed = parallax_pipeline::refresh_analyses(&mut store)?;
        let entities = parallax_pipeline::refresh_entities(&mut store)?;
        eprintln!(
            "analysed {analysed} articles ({entities} entities) in {:.1?}",
            analysing.elapsed()
        );
        if std::env::var_os("PARALLAX_BENCH_NO_STORIES").is_none() {
            let clustering = Instant::now();
            let stories = parallax_pipeline::refresh_stories(&mut store)?;
            eprintln!("computed {stories} stories in {:.1?}", clustering.elapsed());
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let server = parallax_serve::bind(ServeConfig::new(&db).with_addr(addr)).await?;
        let indexing = Instant::now();
        let report = server.state().sync_search().await?;
        eprintln!(
            "indexed {} articles for search in {:.1?}",
            report.indexed,
            indexing.elapsed()
        );
        let again = Instant::now();
        server.state().sync_search().await?;
        eprintln!("a sync with nothing to do took {:.1?}", again.elapsed());
        // The most covered person, for the entity routes of the benchmark.
        let top = tokio::task::spawn_blocking({
            let db = db.clone();
            move || -> Result<(Option<String>, Option<String>), parallax_store::StoreError> {
                let store = SqliteStore::open_read_only(&db)?;
                let top = store.list_entities(&parallax_store::EntityQuery {
                    kind: Some("person".into()),
                    limit: 1,
                    ..parallax_store::EntityQuery::default()
                })?;
                // The story of most articles, for the story page route.
                let largest = store
                    .list_stories()?
                    .into_iter()
                    .max_by_key(|s| s.article_count)
                    .map(|s| s.id);
                Ok((top.into_iter().next().map(|e| e.id), largest))
            }
        })
        .await
        .map_err(|e| parallax_serve::ServeError::Task(e.to_string()))??;
        let (top, largest) = top;
        if let Some(id) = top {
            println!("entity {}", parallax_serve::html::url_encode(&id));
        }
        if let Some(id) = largest {
            println!("story {}", parallax_serve::html::url_encode(&id));
        }
        println!("ready http://{}/", server.local_addr()?);
        server
            .run_until(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
        Ok::<(), parallax_serve::ServeError>(())
    })?;
    drop(dir);
    Ok(())
}
