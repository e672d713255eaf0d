//! Subcommand implementations. Each one parses nothing itself (clap does),
//! calls a library crate, and formats the result.

use crate::progress::Bar;
use crate::EXIT_SKIPPED;
use anyhow::{Context, Result};
use clap::Args;
use parallax_ingest::Limits;
use parallax_model::{Article, Skipped};
use parallax_pipeline::{AnalyzeDoc, AnalyzedArticle, ArticleView};
use parallax_store::{LinkKind, ListQuery, Store, StoreLocation};
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct InputArgs {
    /// Files, folders (read recursively) or `-` for stdin.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Largest record accepted, in MB (decompressed); bigger ones are skipped.
    #[arg(long, default_value_t = 20)]
    max_record_mb: usize,
    /// Read every file inside folders, not only article formats (.txt, .html,
    /// .jsonl, .warc, feeds, and their .gz).
    #[arg(long)]
    all_files: bool,
    /// The outlet that published these inputs (when they do not say).
    #[arg(long)]
    outlet: Option<String>,
    /// The URL of the article (for a single file without one).
    #[arg(long)]
    url: Option<String>,
    /// Publication date, YYYY-MM-DD, for inputs that do not give one.
    #[arg(long)]
    published: Option<String>,
    /// CSV or JSONL file: path → outlet, url, title, published, per input file.
    #[arg(long)]
    manifest: Option<PathBuf>,
}

impl InputArgs {
    fn limits(&self) -> Result<Limits> {
        limits(
            self.max_record_mb,
            self.all_files,
            given(&self.outlet, &self.url, &self.published, &self.manifest)?,
        )
    }
}

/// What the user states about the inputs, from the flags and manifest.
fn given(
    outlet: &Option<String>,
    url: &Option<String>,
    published: &Option<String>,
    manifest: &Option<PathBuf>,
) -> Result<parallax_ingest::InputMeta> {
    if let Some(date) = published {
        let ok = date.len() == 10
            && chrono_like_date(date)
            && date.as_bytes().get(4) == Some(&b'-')
            && date.as_bytes().get(7) == Some(&b'-');
        if !ok {
            anyhow::bail!("--published {date:?}: give the date as YYYY-MM-DD");
        }
    }
    let manifest = match manifest {
        Some(path) => Some(std::sync::Arc::new(
            parallax_ingest::Manifest::read(path).map_err(anyhow::Error::msg)?,
        )),
        None => None,
    };
    Ok(parallax_ingest::InputMeta {
        all: parallax_ingest::Given {
            outlet: outlet.clone(),
            url: url.clone(),
            title: None,
            published: published.clone(),
        },
        manifest,
    })
}

/// `YYYY-MM-DD` with a real month and day.
fn chrono_like_date(d: &str) -> bool {
    let num = |r: std::ops::Range<usize>| d.get(r).and_then(|s| s.parse::<u32>().ok());
    matches!(
        (num(0..4), num(5..7), num(8..10)),
        (Some(_), Some(1..=12), Some(1..=31))
    )
}

fn limits(
    max_record_mb: usize,
    all_files: bool,
    meta: parallax_ingest::InputMeta,
) -> Result<Limits> {
    Ok(Limits {
        max_record_bytes: max_record_mb.saturating_mul(1024 * 1024),
        list: parallax_ingest::ListOptions { all_files },
        meta,
        ..Limits::default()
    })
}

/// `text` safe to print on a terminal: control characters (in file names,
/// in a feed's error text) are shown escaped, never sent raw.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_default().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

#[derive(Args)]
pub struct IngestArgs {
    /// Files, folders (read recursively) or `-` for stdin.
    #[arg(required_unless_present = "feeds")]
    paths: Vec<PathBuf>,
    /// RSS/Atom feed URL to fetch: its items' pages are fetched and cleaned (repeatable).
    #[arg(long = "feed")]
    feeds: Vec<String>,
    /// Largest record accepted, in MB (decompressed); bigger ones are skipped.
    #[arg(long, default_value_t = 20)]
    max_record_mb: usize,
    /// Read every file inside folders, not only article formats (.txt, .html,
    /// .jsonl, .warc, feeds, and their .gz).
    #[arg(long)]
    all_files: bool,
    /// The outlet that published these inputs (when they do not say).
    #[arg(long)]
    outlet: Option<String>,
    /// The URL of the article (for a single file without one).
    #[arg(long)]
    url: Option<String>,
    /// Publication date, YYYY-MM-DD, for inputs that do not give one.
    #[arg(long)]
    published: Option<String>,
    /// CSV or JSONL file: path → outlet, url, title, published, per input file.
    #[arg(long)]
    manifest: Option<PathBuf>,
    /// List every skipped input, not only the first 50.
    #[arg(long)]
    all_skipped: bool,
    /// Publish the inputs to this queue (NATS JetStream, nats://HOST:PORT)
    /// for `parallax worker`s to store, instead of storing them here.
    #[arg(long, value_name = "URL")]
    queue: Option<String>,
}

#[derive(Args)]
pub struct CleanArgs {
    #[command(flatten)]
    input: InputArgs,
    /// One JSON object per line instead of readable text.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct AnalyzeArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Print the whole JSON document instead of the readable report.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct ArticlesArgs {
    /// One JSON object per line.
    #[arg(long)]
    json: bool,
    /// Only this outlet.
    #[arg(long)]
    outlet: Option<String>,
    /// At most this many articles (newest first).
    #[arg(long, default_value_t = 100)]
    limit: usize,
    /// Skip this many first.
    #[arg(long, default_value_t = 0)]
    offset: usize,
}

#[derive(Args)]
pub struct ShowArgs {
    /// Article id (see `parallax articles`).
    id: String,
    /// Print the stored article as JSON.
    #[arg(long)]
    json: bool,
}

/// Read and clean inputs with a progress bar; skipped records are reported
/// on stderr as they are collected.
fn read_and_clean(input: &InputArgs) -> Result<(Vec<Article>, Vec<Skipped>)> {
    let limits = input.limits()?;
    let bar = Bar::new("cleaning");
    let outcomes = parallax_pipeline::process_paths(&input.paths, &limits, &|p| bar.update(p));
    bar.finish();
    Ok(parallax_pipeline::partition(outcomes))
}

/// Skipped inputs listed on stderr; past `SHOWN` lines, the rest are
/// summarised by reason so a folder of 10,000 wrong files stays readable.
pub(crate) fn report_skipped(skipped: &[Skipped], all: bool) {
    const SHOWN: usize = 50;
    let shown = if all { skipped.len() } else { SHOWN };
    for s in skipped.iter().take(shown) {
        eprintln!("skipped {}", printable(&s.to_string()));
    }
    if skipped.len() > shown {
        let mut by_reason: std::collections::BTreeMap<&str, usize> = Default::default();
        for s in &skipped[shown..] {
            *by_reason.entry(s.reason.as_str()).or_default() += 1;
        }
        eprintln!("… and {} more skipped:", skipped.len() - shown);
        for (reason, n) in by_reason.iter().take(10) {
            eprintln!("  {n} × {}", printable(reason));
        }
        eprintln!("(--all-skipped lists every one)");
    }
}

pub(crate) fn exit_for(skipped: &[Skipped]) -> ExitCode {
    if skipped.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_SKIPPED)
    }
}

pub fn clean(args: CleanArgs) -> Result<ExitCode> {
    let (articles, skipped) = read_and_clean(&args.input)?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for article in &articles {
        if args.json {
            serde_json::to_writer(&mut out, &ArticleView::from(article))?;
            writeln!(out)?;
        } else {
            write_readable(&mut out, article)?;
        }
    }
    out.flush()?;
    report_skipped(&skipped, false);
    eprintln!(
        "{} article(s) cleaned, {} skipped",
        articles.len(),
        skipped.len()
    );
    Ok(exit_for(&skipped))
}

fn write_readable(out: &mut impl Write, a: &Article) -> io::Result<()> {
    writeln!(out, "== {} ==", a.id)?;
    writeln!(out, "title:     {}", a.title.as_deref().unwrap_or("-"))?;
    writeln!(out, "outlet:    {}", a.outlet.as_deref().unwrap_or("-"))?;
    writeln!(out, "published: {}", a.published.as_deref().unwrap_or("-"))?;
    writeln!(out, "language:  {}", a.language.as_deref().unwrap_or("-"))?;
    writeln!(out, "source:    {}", a.origin)?;
    writeln!(out)?;
    writeln!(out, "{}", a.text)?;
    if !a.removed.is_empty() {
        writeln!(out)?;
        writeln!(out, "-- removed --")?;
        for r in &a.removed {
            writeln!(out, "[{}] {}", r.kind.as_str(), one_line(&r.text, 100))?;
        }
    }
    writeln!(out)
}

fn one_line(s: &str, max_chars: usize) -> String {
    let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > max_chars {
        let cut: String = flat.chars().take(max_chars).collect();
        format!("{cut}…")
    } else {
        flat
    }
}

pub fn analyze(args: AnalyzeArgs) -> Result<ExitCode> {
    let (articles, skipped) = read_and_clean(&args.input)?;
    let mut analyses =
        parallax_pipeline::analyze_articles(&articles).context("extracting entities")?;
    let entities = parallax_pipeline::link_corpus_entities(&articles, &mut analyses);
    let stories = parallax_pipeline::stories(&articles, &analyses)
        .map_err(|e| anyhow::anyhow!("grouping articles into stories: {e}"))?;
    let doc = AnalyzeDoc {
        stories,
        entities,
        articles: articles
            .iter()
            .zip(analyses)
            .map(|(a, analysis)| AnalyzedArticle {
                article: ArticleView::from(a),
                analysis,
            })
            .collect(),
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if args.json {
        serde_json::to_writer_pretty(&mut out, &doc).context("writing the JSON document")?;
        writeln!(out)?;
    } else {
        crate::report::write(&mut out, &doc.stories, doc.articles.len())
            .context("writing the report")?;
    }
    out.flush()?;
    report_skipped(&skipped, false);
    Ok(exit_for(&skipped))
}

pub(crate) fn open_store(db: Option<String>) -> Result<(Box<dyn Store>, StoreLocation)> {
    let at = StoreLocation::resolve(db.as_deref());
    let store = at
        .open()
        .with_context(|| format!("opening the store at {at}"))?;
    Ok((store, at))
}

/// Open an existing store for reading; a missing one is a clear error rather
/// than a silently created empty database.
fn open_existing_store(db: Option<String>) -> Result<Box<dyn Store>> {
    open_existing_at(&StoreLocation::resolve(db.as_deref()))
}

fn open_existing_at(at: &StoreLocation) -> Result<Box<dyn Store>> {
    if !at.may_exist() {
        anyhow::bail!(
            "no database at {at}: run `parallax ingest PATH...` first, or point --db / PARALLAX_DB at one"
        );
    }
    at.open_read_only()
        .with_context(|| format!("opening the store at {at}"))
}

pub fn ingest(db: Option<String>, args: IngestArgs) -> Result<ExitCode> {
    let limits = limits(
        args.max_record_mb,
        args.all_files,
        given(&args.outlet, &args.url, &args.published, &args.manifest)?,
    )?;
    if let Some(url) = &args.queue {
        // The workers write to the store; publishing does not open it, so a
        // PARALLAX_DB exported for the workers does no harm here.
        return crate::queue::publish(url, &args.paths, &args.feeds, &limits, args.all_skipped);
    }
    let (mut store, at) = open_store(db)?;
    let bar = Bar::new("ingesting");
    let report = parallax_pipeline::ingest(&mut *store, &args.paths, &args.feeds, &limits, &|p| {
        bar.update(p)
    });
    bar.finish();
    let report = report.context("writing to the store")?;
    report_skipped(&report.skipped, args.all_skipped);
    let c = report.counts;
    let exact = report
        .duplicates
        .iter()
        .filter(|d| d.kind == LinkKind::Exact)
        .count();
    let near = report.duplicates.len() - exact;
    for d in &report.duplicates {
        eprintln!(
            "duplicate {} is a {} copy of {} (score {:.2})",
            d.article_id,
            d.kind.as_str(),
            d.of_id,
            d.score
        );
    }
    println!(
        "ingested {} new, {} updated, {} unchanged; duplicates linked: {} exact, {} near; skipped: {}",
        c.inserted,
        c.updated,
        c.unchanged,
        exact,
        near,
        report.skipped.len()
    );
    if !report.left_out.is_empty() {
        println!(
            "left out: {} file(s) inside the folders that are not article formats \
             (README, .tsv, .json, images …); --all-files reads them",
            report.left_out.len()
        );
    }
    if let Some(r) = report.refreshed.filter(|r| r.analysed > 0) {
        println!(
            "analysed: {} articles (entities, quotes, dates)",
            r.analysed
        );
    }
    if let Some(n) = report.refreshed.and_then(|r| r.entities) {
        println!("entities: {n} across the store");
    }
    if let Some(r) = report.refreshed.and_then(|r| r.story_refresh) {
        let how = if r.rebuilt {
            "story engine built from every article".to_string()
        } else {
            format!(
                "{} new articles placed into the saved story engine",
                r.pushed
            )
        };
        println!(
            "stories: {} ({how}; {} stories rewritten with {} coverage comparisons, the rest unchanged)",
            r.stories, r.written, r.compared
        );
    }
    if let Some(e) = &report.stories_error {
        eprintln!(
            "warning: the articles landed but their analyses or stories could not be \
             recomputed: {e}; the next `parallax ingest` retries"
        );
    }
    println!("store: {} ({} articles)", at, store.count()?);
    Ok(exit_for(&report.skipped))
}

pub fn articles(db: Option<String>, args: ArticlesArgs) -> Result<ExitCode> {
    let store = open_existing_store(db)?;
    let query = ListQuery {
        outlet: args.outlet,
        limit: args.limit,
        offset: args.offset,
        ..ListQuery::default()
    };
    let list = store.list(&query)?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for a in &list {
        if args.json {
            serde_json::to_writer(&mut out, a)?;
            writeln!(out)?;
        } else {
            writeln!(
                out,
                "{:<28} {:<10} {:<22} {}",
                a.id,
                a.published.as_deref().unwrap_or("-"),
                one_line(a.outlet.as_deref().unwrap_or("-"), 22),
                one_line(a.title.as_deref().unwrap_or("(untitled)"), 70)
            )?;
        }
    }
    out.flush()?;
    if !args.json {
        eprintln!("{} of {} article(s)", list.len(), store.count()?);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn show(db: Option<String>, args: ShowArgs) -> Result<ExitCode> {
    let store = open_existing_store(db)?;
    let Some(article) = store.get(&args.id)? else {
        anyhow::bail!(
            "no article with id {:?}: `parallax articles` lists the stored ids",
            args.id
        );
    };
    let links = store.links(&args.id)?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if args.json {
        let doc = serde_json::json!({ "article": article, "duplicates": links });
        serde_json::to_writer_pretty(&mut out, &doc)?;
        writeln!(out)?;
    } else {
        write_readable(&mut out, &article)?;
        for l in &links {
            writeln!(
                out,
                "duplicate: {} is a {} copy of {} (score {:.2})",
                l.article_id,
                l.kind.as_str(),
                l.of_id,
                l.score
            )?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Args)]
pub struct MigrateArgs {
    /// The store to copy from (default: --db / PARALLAX_DB).
    #[arg(long, value_name = "PATH|URL")]
    from: Option<String>,
    /// The store to copy into: a SQLite file (PATH or sqlite:PATH) or a
    /// PostgreSQL server (postgres://USER@HOST:PORT/DB). Created and
    /// migrated if needed; what it already holds is kept.
    #[arg(long, value_name = "PATH|URL")]
    to: String,
}

/// `parallax migrate`: copies a store into another, of either backend.
pub fn migrate(db: Option<String>, args: MigrateArgs) -> Result<ExitCode> {
    let from_at = StoreLocation::resolve(args.from.as_deref().or(db.as_deref()));
    let to_at = StoreLocation::parse(&args.to);
    if from_at == to_at {
        anyhow::bail!("--from and --to both name {from_at}: choose another target");
    }
    let from = open_existing_at(&from_at)?;
    let mut to = to_at
        .open()
        .with_context(|| format!("opening the target store at {to_at}"))?;
    let bar = Bar::new("copying");
    let shown = std::cell::Cell::new(None::<usize>);
    let report = parallax_store::copy_store(&*from, &mut *to, &|done, total| {
        let last = shown.get().unwrap_or_else(|| {
            bar.update(parallax_pipeline::Progress::Stage("copying", total as u64));
            0
        });
        bar.update(parallax_pipeline::Progress::ArticlesDone(
            done.saturating_sub(last) as u64,
        ));
        shown.set(Some(done));
    });
    bar.finish();
    let r = report.with_context(|| format!("copying {from_at} into {to_at}"))?;
    println!(
        "copied {} articles ({} already there), {} duplicate links, {} analyses, {} stories, \
         {} engine states from {from_at} into {to_at} ({} articles there now)",
        r.articles,
        r.unchanged,
        r.links,
        r.analyses,
        r.stories,
        r.states,
        to.count()?
    );
    Ok(ExitCode::SUCCESS)
}

#[derive(Args)]
pub struct StoriesArgs {
    /// Also list stories told by one source only.
    #[arg(long)]
    all: bool,
    /// One JSON line per story (the listing's fields).
    #[arg(long)]
    json: bool,
    /// Run the story engine on the queue's "article stored" events until
    /// stopped (one engine leads; others stand by).
    #[arg(long, requires = "queue")]
    follow: bool,
    /// The queue whose "article stored" events drive the engine (nats://HOST:PORT).
    #[arg(long, env = "PARALLAX_QUEUE", value_name = "URL")]
    queue: Option<String>,
    /// With --follow: exit once no input is waiting or in flight and no
    /// event has come for this many seconds (for batch jobs and tests).
    #[arg(long, value_name = "SECONDS", requires = "follow")]
    exit_when_idle: Option<u64>,
    /// With --follow: the longest a stored article waits for its story
    /// while inputs are still arriving (the engine otherwise waits for the
    /// queue to drain, so a back-fill is clustered as one round).
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    max_lag: u64,
    /// The listing as CSV (one row per story), for a spreadsheet.
    #[arg(long, conflicts_with = "json")]
    csv: bool,
}

/// `parallax stories`: the stored stories, newest first.
pub fn stories(db: Option<String>, args: StoriesArgs) -> Result<ExitCode> {
    if let (true, Some(queue)) = (args.follow, &args.queue) {
        let engine = crate::queue::FollowArgs {
            queue: queue.clone(),
            exit_when_idle: args.exit_when_idle,
            max_lag: args.max_lag,
        };
        return crate::queue::follow(db, &engine);
    }
    let store = open_existing_store(db)?;
    let all = store.list_stories()?;
    let shown: Vec<_> = all
        .iter()
        .filter(|s| args.all || !s.single_source())
        .collect();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.csv {
        parallax_pipeline::csv::stories(&mut out, &shown)?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    for s in &shown {
        if args.json {
            serde_json::to_writer(&mut out, s)?;
            writeln!(out)?;
            continue;
        }
        let dates = match (&s.date_from, &s.date_to) {
            (Some(a), Some(b)) if a == b => a.clone(),
            (Some(a), Some(b)) => format!("{a} – {b}"),
            (Some(a), None) | (None, Some(a)) => a.clone(),
            (None, None) => "undated".into(),
        };
        writeln!(
            out,
            "{}  {}  ({} articles, {} sources: {})  {dates}",
            s.id,
            s.title,
            s.article_count,
            s.sources,
            s.outlets.join(", ")
        )?;
    }
    out.flush()?;
    let hidden = all.len() - shown.len();
    if !args.json {
        eprintln!(
            "{} stories{}; `parallax story ID` shows one",
            shown.len(),
            if hidden > 0 {
                format!(" ({hidden} told by one source only not listed: --all)")
            } else {
                String::new()
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Args)]
pub struct StoryArgs {
    /// The story's id (`parallax stories` lists them; an old id that moved
    /// is followed).
    id: String,
    /// The stored document as JSON instead of the report.
    #[arg(long)]
    json: bool,
    /// One table of the story as CSV: its articles, its facts (a row per
    /// outlet's sentence) or its quotes (a row per occurrence), each row
    /// with the article and byte range it came from.
    #[arg(long, value_name = "TABLE", conflicts_with = "json",
          value_parser = clap::builder::PossibleValuesParser::new(["articles", "facts", "quotes"]))]
    csv: Option<String>,
}

/// `parallax story ID`: one stored story's report (or its document).
pub fn story(db: Option<String>, args: StoryArgs) -> Result<ExitCode> {
    let store = open_existing_store(db)?;
    let mut id = args.id.clone();
    if store.get_story(&id)?.is_none() {
        if let Some(to) = store.story_moved_to(&id)? {
            eprintln!("story {id} is now part of {to}");
            id = to;
        }
    }
    let Some(stored) = store.get_story(&id)? else {
        anyhow::bail!("no story {id} in the store (`parallax stories` lists them)");
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.json {
        serde_json::to_writer_pretty(&mut out, &stored.document)?;
        writeln!(out)?;
    } else {
        let view: parallax_pipeline::StoryView = serde_json::from_value(stored.document)
            .with_context(|| {
                format!(
                    "story {id} was stored by another version of parallax; run `parallax \
                     ingest` (or `serve`) once to bring it up to date, or use --json"
                )
            })?;
        match args
            .csv
            .as_deref()
            .and_then(parallax_pipeline::csv::StoryTable::parse)
        {
            Some(table) => parallax_pipeline::csv::story(&mut out, &view, table)?,
            None => crate::report::story(&mut out, 1, &view)?,
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
