//! `parallax`: the command-line front of the pipeline. Each subcommand is a
//! thin wrapper over a library crate; see ARCHITECTURE.md for the map.

mod commands;
mod eval;
mod feeds;
mod outlets;
mod progress;
mod queue;
mod report;
mod serve;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Exit status when the run finished but some inputs were skipped.
pub const EXIT_SKIPPED: u8 = 2;

#[derive(Parser)]
#[command(
    name = "parallax",
    version,
    about = "Parallax: lay news coverage side by side — ingest, clean, compare."
)]
struct Cli {
    /// Store to use: a SQLite file (PATH or sqlite:PATH; default: a file in
    /// your data directory) or a PostgreSQL server (postgres://USER@HOST:PORT/DB).
    #[arg(long, global = true, env = "PARALLAX_DB", value_name = "PATH|URL")]
    db: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Ingest files, folders (recursively), `-` (stdin) and feed URLs into the store.
    Ingest(commands::IngestArgs),
    /// Extract clean articles without storing them (one JSON line each with --json).
    Clean(commands::CleanArgs),
    /// Run the whole pipeline on inputs and print one JSON document.
    Analyze(commands::AnalyzeArgs),
    /// List the stored articles.
    Articles(commands::ArticlesArgs),
    /// Show one stored article.
    Show(commands::ShowArgs),
    /// List the stored stories, newest first.
    Stories(commands::StoriesArgs),
    /// Show one stored story: outlets with their lean, shared facts, what
    /// one side only reports, quotes, narrator flags, key dates.
    Story(commands::StoryArgs),
    /// Measure quality against labelled data (see `parallax eval --help`).
    Eval(eval::EvalArgs),
    /// Train a model from labelled data (see `parallax train --help`).
    Train(eval::TrainArgs),
    /// Serve the web UI and JSON API over the store (and poll feeds with --feeds).
    Serve(serve::ServeArgs),
    /// Copy a store into another (SQLite ⇄ PostgreSQL): articles, raw
    /// inputs, links, analyses, stories and engine state.
    Migrate(commands::MigrateArgs),
    /// Take inputs from the queue (`ingest --queue`), store and analyse
    /// them, and tell the story engine; run as many as you like.
    Worker(queue::WorkerArgs),
    /// The work queue: `parallax queue status`.
    Queue(queue::QueueArgs),
    /// The outlet registry: list, show, set, rate, import (your own tables
    /// in the data directory; upgrades never touch them).
    Outlets(outlets::OutletsArgs),
    /// Feed subscriptions that `parallax serve` polls: add, list, remove,
    /// import FILE.opml, export.
    Feeds(feeds::FeedsArgs),
}

/// Exit status for a command line that cannot be understood (sysexits'
/// `EX_USAGE`): distinct from [`EXIT_SKIPPED`], which scripts read as
/// "the run finished, some inputs were skipped".
pub const EXIT_USAGE: u8 = 64;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version requests print and succeed; the rest are
            // usage errors, explained by clap.
            let usage = e.use_stderr();
            let _ = e.print();
            return if usage {
                ExitCode::from(EXIT_USAGE)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let result = match cli.command {
        Command::Ingest(args) => commands::ingest(cli.db, args),
        Command::Clean(args) => commands::clean(args),
        Command::Analyze(args) => commands::analyze(args),
        Command::Articles(args) => commands::articles(cli.db, args),
        Command::Show(args) => commands::show(cli.db, args),
        Command::Stories(args) => commands::stories(cli.db, args),
        Command::Story(args) => commands::story(cli.db, args),
        Command::Eval(args) => eval::eval(args),
        Command::Train(args) => eval::train(args),
        Command::Serve(args) => serve::serve(cli.db, args),
        Command::Outlets(args) => outlets::outlets(args),
        Command::Feeds(args) => feeds::feeds(cli.db, args),
        Command::Migrate(args) => commands::migrate(cli.db, args),
        Command::Worker(args) => queue::worker(cli.db, args),
        Command::Queue(args) => queue::queue(args),
    };
    match result {
        Ok(code) => code,
        // A closed pipe (`parallax analyze … | head`) is the reader's choice,
        // not an error.
        Err(e)
            if e.chain().any(|c| {
                let io = c.downcast_ref::<std::io::Error>().map(|io| io.kind());
                let json = c
                    .downcast_ref::<serde_json::Error>()
                    .and_then(|j| j.io_error_kind());
                io.or(json) == Some(std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
