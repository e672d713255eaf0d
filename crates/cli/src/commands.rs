//! Subcommand implementations. Each one parses nothing itself (clap does),
//! calls a library crate, and formats the result.

use crate::progress::Bar;
use crate::EXIT_SKIPPED;
use anyhow::{Context, Result};
use clap::Args;
use parallax_ingest::Limits;
use parallax_model::{Article, Skipped};
use parallax_pipeline::{AnalyzeDoc, ArticleView};
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
}

impl InputArgs {
    fn limits(&self) -> Limits {
        Limits {
            max_record_bytes: self.max_record_mb.saturating_mul(1024 * 1024),
            ..Limits::default()
        }
    }
}

#[derive(Args)]
pub struct IngestArgs {
    #[command(flatten)]
    input: InputArgs,
    /// RSS/Atom feed URL to fetch (repeatable).
    #[arg(long = "feed")]
    feeds: Vec<String>,
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
    /// Print the JSON document (the only output format for now).
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct ArticlesArgs {
    /// One JSON object per line.
    #[arg(long)]
    json: bool,
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
fn read_and_clean(input: &InputArgs) -> (Vec<Article>, Vec<Skipped>) {
    let bar = Bar::new("cleaning");
    let outcomes =
        parallax_pipeline::process_paths(&input.paths, &input.limits(), &|p| bar.update(p));
    bar.finish();
    parallax_pipeline::partition(outcomes)
}

fn report_skipped(skipped: &[Skipped]) {
    for s in skipped {
        eprintln!("skipped {s}");
    }
}

fn exit_for(skipped: &[Skipped]) -> ExitCode {
    if skipped.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_SKIPPED)
    }
}

pub fn clean(args: CleanArgs) -> Result<ExitCode> {
    let (articles, skipped) = read_and_clean(&args.input);
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
    report_skipped(&skipped);
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
    let _ = args.json; // JSON is the only format; the flag keeps scripts explicit.
    let (articles, skipped) = read_and_clean(&args.input);
    let doc = AnalyzeDoc {
        articles: articles.iter().map(ArticleView::from).collect(),
        stories: Vec::new(),
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    serde_json::to_writer_pretty(&mut out, &doc).context("writing the JSON document")?;
    writeln!(out)?;
    out.flush()?;
    report_skipped(&skipped);
    Ok(exit_for(&skipped))
}

pub fn ingest(_db: Option<PathBuf>, _args: IngestArgs) -> Result<ExitCode> {
    anyhow::bail!("ingest: store not wired yet")
}

pub fn articles(_db: Option<PathBuf>, _args: ArticlesArgs) -> Result<ExitCode> {
    anyhow::bail!("articles: store not wired yet")
}

pub fn show(_db: Option<PathBuf>, _args: ShowArgs) -> Result<ExitCode> {
    anyhow::bail!("show: store not wired yet")
}
