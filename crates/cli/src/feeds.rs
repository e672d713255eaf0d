//! `parallax feeds`: the store's feed subscriptions, which `parallax
//! serve` polls. OPML in and out, so a reader's list moves both ways.

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use parallax_ingest::opml;
use parallax_store::{NewFeed, StoreLocation};
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct FeedsArgs {
    #[command(subcommand)]
    what: FeedsWhat,
}

#[derive(Subcommand)]
enum FeedsWhat {
    /// Subscribe to feed URLs (RSS or Atom); ones already subscribed are kept.
    Add {
        #[arg(required = true)]
        urls: Vec<String>,
        /// A name for the feed (with one URL).
        #[arg(long)]
        title: Option<String>,
    },
    /// The subscriptions with what the last poll found.
    List {
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// Unsubscribe (articles already read from it stay).
    Remove {
        #[arg(required = true)]
        urls: Vec<String>,
    },
    /// Subscribe to every feed of an OPML file (`-` reads stdin).
    Import { file: PathBuf },
    /// Print the subscriptions as OPML 2.0.
    Export,
}

/// OPML files read at most (a reader's list is kilobytes).
const MAX_OPML_BYTES: u64 = 8 << 20;

fn read_opml(file: &PathBuf) -> Result<String> {
    let mut text = String::new();
    let shown = file.display();
    if file.as_os_str() == "-" {
        std::io::stdin()
            .take(MAX_OPML_BYTES + 1)
            .read_to_string(&mut text)
            .context("reading OPML from stdin")?;
    } else {
        std::fs::File::open(file)
            .with_context(|| format!("opening {shown}"))?
            .take(MAX_OPML_BYTES + 1)
            .read_to_string(&mut text)
            .with_context(|| format!("reading {shown} (OPML is UTF-8 text)"))?;
    }
    if text.len() as u64 > MAX_OPML_BYTES {
        bail!(
            "{shown} is over {} MiB: not a feed list",
            MAX_OPML_BYTES >> 20
        );
    }
    Ok(text)
}

pub fn feeds(db: Option<String>, args: FeedsArgs) -> Result<ExitCode> {
    let location = StoreLocation::resolve(db.as_deref());
    let mut store = location
        .open()
        .with_context(|| format!("opening the store at {location}"))?;
    match args.what {
        FeedsWhat::Add { urls, title } => {
            if title.is_some() && urls.len() > 1 {
                bail!("--title names one feed; give one URL with it");
            }
            let new: Vec<NewFeed> = urls
                .iter()
                .map(|url| NewFeed {
                    url: url.clone(),
                    title: title.clone(),
                })
                .collect();
            let added = store.add_feeds(&new)?;
            println!(
                "subscribed to {added} new feed{} ({} already subscribed)",
                if added == 1 { "" } else { "s" },
                new.len() - added
            );
        }
        FeedsWhat::List { json } => {
            let feeds = store.list_feeds()?;
            if json {
                for feed in &feeds {
                    println!("{}", serde_json::to_string(feed)?);
                }
            } else if feeds.is_empty() {
                println!(
                    "no feeds: add one with `parallax feeds add URL` or `parallax feeds import FILE.opml`"
                );
            } else {
                for feed in &feeds {
                    let status = match (&feed.polled_at, &feed.last_error, feed.last_items) {
                        (None, _, _) => "not polled yet".to_string(),
                        (Some(_), Some(e), _) => {
                            format!("failing ({} in a row): {e}", feed.failures)
                        }
                        (Some(_), None, Some(n)) => format!("ok, {n} items at the last poll"),
                        (Some(_), None, None) => "ok".to_string(),
                    };
                    println!(
                        "{}\t{}\t{status}",
                        feed.url,
                        feed.title.as_deref().unwrap_or("-")
                    );
                }
            }
        }
        FeedsWhat::Remove { urls } => {
            let mut missing = Vec::new();
            for url in &urls {
                if !store.remove_feed(url)? {
                    missing.push(url.as_str());
                }
            }
            println!("unsubscribed from {}", urls.len() - missing.len());
            if !missing.is_empty() {
                bail!("not subscribed: {}", missing.join(", "));
            }
        }
        FeedsWhat::Import { file } => {
            let text = read_opml(&file)?;
            let found =
                opml::parse(&text).with_context(|| format!("reading {}", file.display()))?;
            let new: Vec<NewFeed> = found
                .into_iter()
                .map(|f| NewFeed {
                    url: f.url,
                    title: f.title,
                })
                .collect();
            let added = store.add_feeds(&new)?;
            println!(
                "{} feeds in {}: {added} new, {} already subscribed",
                new.len(),
                file.display(),
                new.len() - added
            );
        }
        FeedsWhat::Export => {
            let feeds: Vec<opml::OpmlFeed> = store
                .list_feeds()?
                .into_iter()
                .map(|f| opml::OpmlFeed {
                    url: f.url,
                    title: f.title,
                })
                .collect();
            print!("{}", opml::write("Parallax feeds", &feeds));
        }
    }
    Ok(ExitCode::SUCCESS)
}
