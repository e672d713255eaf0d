//! `parallax serve`: the web UI and JSON API over the store, optionally
//! polling RSS/Atom feeds into the same store while it runs.

use anyhow::{Context, Result};
use clap::Args;
use parallax_ingest::Limits;
use parallax_store::StoreLocation;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// A cluster's queue (nats://HOST:PORT): index new articles from its
    /// "article stored" events as they come, through a durable consumer of
    /// this server's own, and leave the derived data to the story engine.
    #[arg(long, env = "PARALLAX_QUEUE", value_name = "URL")]
    queue: Option<String>,
    /// This server's name in the queue (its consumer is `serve-NAME`;
    /// default: host and port).
    #[arg(long, requires = "queue")]
    name: Option<String>,
    /// File of feed URLs (one a line, `#` comments) to poll into the store.
    #[arg(long)]
    feeds: Option<PathBuf>,
    /// Token that write actions need (adding feeds on the feeds page, OPML
    /// import, POST /api/ingest). Without one the server is read-only.
    #[arg(
        long,
        env = "PARALLAX_ADMIN_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    admin_token: Option<String>,
    /// Minutes between feed polls.
    #[arg(long, default_value_t = 15)]
    poll_minutes: u64,
    /// Connections served at once; when all are taken a new one replaces
    /// an idle one, or waits.
    #[arg(long, default_value_t = parallax_serve::Limits::default().max_connections)]
    max_connections: usize,
    /// Seconds a client has to send a complete request header (also the
    /// keep-alive idle time).
    #[arg(long, default_value_t = parallax_serve::Limits::default().header_read_timeout.as_secs())]
    header_timeout: u64,
    /// Seconds a request has to be answered before it gets a 503.
    #[arg(long, default_value_t = parallax_serve::Limits::default().request_timeout.as_secs())]
    request_timeout: u64,
}

pub fn serve(db: Option<String>, args: ServeArgs) -> Result<ExitCode> {
    let db = StoreLocation::resolve(db.as_deref());
    let feed: Option<Box<dyn parallax_serve::IndexFeed>> = match &args.queue {
        Some(url) => {
            let name = args.name.clone().unwrap_or_else(|| {
                let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "localhost".into());
                format!("{host}-{}", args.addr.port())
            });
            Some(Box::new(QueueFeed::new(url, &name)?))
        }
        None => None,
    };
    if feed.is_some() {
        // In a cluster the story engine writes what is derived; a server
        // only reads.
    } else if args.feeds.is_some() || args.admin_token.is_some() || has_subscriptions(&db) {
        // The file's feeds join the store's subscriptions (`parallax
        // feeds`, the feeds page), which every poll reads afresh.
        if let Some(file) = &args.feeds {
            let urls = read_feed_list(file)?;
            let new: Vec<parallax_store::NewFeed> = urls
                .into_iter()
                .map(|url| parallax_store::NewFeed { url, title: None })
                .collect();
            let mut store = db
                .open()
                .with_context(|| format!("opening the store at {db}"))?;
            store
                .add_feeds(&new)
                .with_context(|| format!("subscribing to the feeds of {}", file.display()))?;
        }
        let every = Duration::from_secs(args.poll_minutes.max(1) * 60);
        let poll_db = db.clone();
        // Each poll ingests, and an ingest also catches up derived data.
        std::thread::spawn(move || poll_feeds(&poll_db, every));
    } else if db.sqlite_path().is_none_or(Path::is_file) {
        let catch_up_db = db.clone();
        std::thread::spawn(move || catch_up(&catch_up_db));
    }
    let mut config = parallax_serve::ServeConfig::for_store(db).with_addr(args.addr);
    config.limits.max_connections = args.max_connections.max(1);
    config.limits.header_read_timeout = Duration::from_secs(args.header_timeout.max(1));
    config.limits.request_timeout = Duration::from_secs(args.request_timeout.max(1));
    config.admin_token = args.admin_token.clone().filter(|t| !t.trim().is_empty());
    parallax_serve::serve_blocking_with(config, feed).context("running the server")?;
    Ok(ExitCode::SUCCESS)
}

/// A server's own durable consumer of the queue's "article stored" events:
/// new articles are searchable as soon as a worker stores them, without a
/// listing of the store. Events are acknowledged once indexed.
struct QueueFeed {
    queue: parallax_queue::Queue,
    consumer: String,
    pending: Vec<parallax_queue::Event>,
}

impl QueueFeed {
    fn new(url: &str, name: &str) -> Result<QueueFeed> {
        let queue = parallax_queue::Queue::connect(url)?;
        let consumer = queue.server_consumer(name)?;
        eprintln!(
            "parallax serve: indexing stored articles as their events come ({consumer} on {url})"
        );
        Ok(QueueFeed {
            queue,
            consumer,
            pending: Vec::new(),
        })
    }
}

impl parallax_serve::IndexFeed for QueueFeed {
    fn next(&mut self, wait: Duration) -> std::result::Result<Vec<String>, String> {
        let events = self
            .queue
            .fetch_events_as(&self.consumer, 500, wait)
            .map_err(|e| e.to_string())?;
        let ids = events.iter().map(|e| e.article_id.clone()).collect();
        self.pending.extend(events);
        Ok(ids)
    }

    fn done(&mut self) -> std::result::Result<(), String> {
        let events = std::mem::take(&mut self.pending);
        self.queue.ack_events(&events).map_err(|e| e.to_string())
    }
}

fn read_feed_list(file: &Path) -> Result<Vec<String>> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("reading the feed list {}", file.display()))?;
    let urls: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect();
    if urls.is_empty() {
        anyhow::bail!("{} lists no feed URLs (one a line)", file.display());
    }
    Ok(urls)
}

/// Bring analyses, entities and stories up to date once at start, in the
/// background: a store written by an earlier build (or whose last refresh
/// failed) gets its entity pages and stories without another ingest, while
/// the pages are already served.
fn catch_up(db: &StoreLocation) {
    let result = db.open().map_err(|e| e.to_string()).and_then(|mut store| {
        parallax_pipeline::refresh(&mut *store, false).map_err(|e| e.to_string())
    });
    match result {
        Ok(r) if r.analysed > 0 => eprintln!(
            "caught up: {} articles analysed, {} stories",
            r.analysed,
            r.stories.unwrap_or(0)
        ),
        Ok(_) => {}
        Err(e) => eprintln!("catching up analyses and stories failed: {e}"),
    }
}

/// How soon an empty subscription list is read again.
const EMPTY_RECHECK: Duration = Duration::from_secs(30);

/// Whether the store (if it exists) has feed subscriptions to poll.
fn has_subscriptions(db: &StoreLocation) -> bool {
    if db.sqlite_path().is_some_and(|p| !p.is_file()) {
        return false;
    }
    db.open_read_only()
        .and_then(|s| s.list_feeds())
        .is_ok_and(|f| !f.is_empty())
}

/// Ingest every subscribed feed, record what each poll found, then sleep,
/// forever. Errors are reported and the next poll tries again: a feed that
/// is down must not stop the server. Subscriptions are read each round, so
/// feeds added on the feeds page are polled without a restart.
fn poll_feeds(db: &StoreLocation, every: Duration) {
    // The first round runs even with no feeds: its ingest catches up the
    // derived data, as a server without feeds does at start.
    let mut first = true;
    loop {
        match db.open() {
            Ok(mut store) => {
                let urls: Vec<String> = match store.list_feeds() {
                    Ok(feeds) => feeds.into_iter().map(|f| f.url).collect(),
                    Err(e) => {
                        eprintln!("feeds: cannot read the subscriptions: {e}");
                        Vec::new()
                    }
                };
                if urls.is_empty() && !first {
                    // Nothing to poll yet: look again soon, since a feed
                    // added on the feeds page should not wait a whole
                    // interval.
                    drop(store);
                    std::thread::sleep(every.min(EMPTY_RECHECK));
                    continue;
                }
                first = false;
                match parallax_pipeline::ingest(
                    &mut *store,
                    &[],
                    &urls,
                    &Limits::default(),
                    &|_| {},
                ) {
                    Ok(report) => {
                        for (url, outcome) in &report.feeds {
                            if let Err(e) = store.record_feed_poll(url, outcome) {
                                eprintln!("feeds: cannot record the poll of {url}: {e}");
                            }
                        }
                        eprintln!(
                            "feeds: {} new, {} updated, {} unchanged, {} skipped",
                            report.counts.inserted,
                            report.counts.updated,
                            report.counts.unchanged,
                            report.skipped.len()
                        );
                        for s in &report.skipped {
                            eprintln!("feeds: skipped {s}");
                        }
                    }
                    Err(e) => eprintln!("feeds: writing to the store failed: {e}"),
                }
            }
            Err(e) => eprintln!("feeds: cannot open the store at {db}: {e}"),
        }
        std::thread::sleep(every);
    }
}
