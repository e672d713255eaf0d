//! The Parallax web UI and JSON API.
//!
//! Pages are rendered on the server as plain HTML with embedded CSS: they
//! work without JavaScript, load nothing from other hosts, fit a phone, and
//! carry a strict Content-Security-Policy. Every piece of article data is
//! escaped (see [`html`]), since articles come from arbitrary web pages.
//!
//! | Route | What |
//! |---|---|
//! | `GET /` | articles, newest first; filters `outlet`, `language`, `from`, `to`; paging `offset` |
//! | `GET /articles/{id}` | clean text with entities, quotes and dates marked, what cleaning removed, duplicate links, the article's entities; `?hl=start-end` highlights a byte range, `?marks=off` shows plain text |
//! | `GET /articles/{id}/source` | the input as ingested, for checking the cleaning |
//! | `GET /search?q=` | full-text search, with the entities whose name matches above the hits; `entity=ID` keeps the articles that mention an entity |
//! | `GET /entities` | entities, most covered first; filters `name`, `kind`; paging `offset` |
//! | `GET /entities/{id}` | one entity: names, roles, outlets, every quote by it and about it, its articles; paging `offset` |
//! | `GET /stories` | stories, newest first, with the outlets' lean; paging `offset` |
//! | `GET /stories/{id}` | timeline, then per event the articles side by side: facts reported and left out, linked shared quotes, voice |
//! | `GET /api/health` | status, counts, search index state |
//! | `GET /api/articles` | article summaries, same filters and paging (`limit`, `offset`) |
//! | `GET /api/articles/{id}` | a full article with its duplicate links |
//! | `GET /api/search?q=` | search hits with snippets, matching entities; `entity`, `sort` |
//! | `GET /api/entities` | entity summaries (`name`, `kind`, `limit`, `offset`) |
//! | `GET /api/entities/{id}` | one entity with its articles and quotes by and about it |
//! | `GET /api/stories` | story summaries from the last ingest (`limit`, `offset`, `outlet`) |
//! | `GET /api/stories.csv` | every story the same filters keep, as CSV |
//! | `GET /api/stories/{id}` | one story document: events, arcs, coverage comparison |
//! | `GET /api/coverage` | articles per day (or month) by side or by the user's groups of outlets, for `story`, `entity` or `q` |
//! | `GET /coverage.svg` | the same as a chart drawn on the server (no script) |
//! | `GET /feeds` | the feed subscriptions with their last poll; forms to add, remove and import OPML (need the admin token) |
//! | `POST /feeds` | the feeds page's forms (`action` = add, remove, import; `token`) |
//! | `GET /feeds.opml` | the subscriptions as OPML 2.0 |
//! | `GET /api/feeds`, `POST /api/feeds` | the subscriptions; subscribe (`Authorization: Bearer TOKEN`) |
//! | `POST /api/ingest` | JSONL articles into the store (`Authorization: Bearer TOKEN`) |
//! | `GET /api/openapi.json` | OpenAPI 3 description of the API |
//!
//! # Limits
//!
//! The server may face the network: [`Limits`] bounds connections, the
//! time to send a request header and to answer a request, and request
//! bodies; every response says `nosniff` and `DENY` to framing; errors
//! under `/api/` are always JSON (see the `limits` module). Search queries
//! are checked before tantivy parses them
//! ([`parallax_search::check_query`]): its parser recurses per nesting
//! level, and one deep query overflowed the stack and aborted the process.
//!
//! # Where the data comes from
//!
//! Stories are read from the store's stories document, which
//! `parallax_pipeline::ingest` replaces after each run that changed
//! articles. Entities, quotes and dates come from the analyses the pipeline
//! stores per article (`parallax_pipeline::read_analysis`); an article
//! without a current one is analysed when its page is asked for, so a page
//! never lacks its marks. Entity ids (`person:chris williamson`) are the
//! corpus-wide joins the store keeps per article (`Store::article_entities`),
//! and the search index carries them too, for `/search?entity=`.

mod admin;
mod api;
mod compress;
mod coverage_chart;
mod entities;
pub mod html;
mod limits;
mod marks;
mod outlets;
mod pages;
mod state;
mod stories;
mod story_cache;
mod story_list;
mod story_overview;

pub use limits::Limits;
pub use state::{AppState, PoolError, SyncStatus};

use axum::routing::get;
use axum::Router;
use parallax_search::{index_dir_for_db, SearchError};
use parallax_store::{StoreError, StoreLocation};
use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;
use tokio::net::TcpListener;

/// The OpenAPI 3 description served at `/api/openapi.json`.
pub const OPENAPI_JSON: &str = include_str!("openapi.json");

/// Address `parallax serve` listens on unless told otherwise: local only,
/// since the server has no authentication.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Search(#[from] SearchError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("server failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("background task failed: {0}")]
    Task(String),
}

/// Where the search index of a store lives by default: beside a SQLite
/// file (`<db>.search`); for a PostgreSQL store, on this machine (each
/// server process keeps its own tantivy index, caught up from the store),
/// in `<data dir>/parallax/search-<digest of the URL>`.
pub fn index_dir_for(db: &StoreLocation) -> PathBuf {
    match db {
        StoreLocation::Sqlite(path) => index_dir_for_db(path),
        StoreLocation::Postgres(url) => {
            use sha2::{Digest, Sha256};
            let digest = Sha256::digest(parallax_store::redact_url(url).as_bytes());
            let short: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
            dirs::data_dir()
                .unwrap_or_else(|| PathBuf::from("."))
                .join("parallax")
                .join(format!("search-{short}"))
        }
    }
}

/// How to run the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServeConfig {
    pub addr: SocketAddr,
    /// The store (`--db`): a SQLite file, created if missing, or a
    /// PostgreSQL server.
    pub db: StoreLocation,
    /// Search index folder; `None` means `<db>.search` beside a SQLite
    /// file, or a folder per server in the data directory (see
    /// [`index_dir_for`]).
    pub index_dir: Option<PathBuf>,
    /// Read connections for requests; `None` picks twice the CPU count
    /// (at least 2, at most 16).
    pub readers: Option<usize>,
    /// How often the search index catches up with the store (new articles
    /// from a running pipeline). It is always synced once at start.
    pub search_sync_every: Duration,
    /// Connection and request bounds (see [`Limits`]).
    pub limits: Limits,
    /// The token write actions need (feeds, ingest); `None`: read-only.
    pub admin_token: Option<String>,
}

impl ServeConfig {
    pub fn new(db: impl Into<PathBuf>) -> ServeConfig {
        ServeConfig::for_store(StoreLocation::Sqlite(db.into()))
    }

    pub fn for_store(db: StoreLocation) -> ServeConfig {
        ServeConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            db,
            index_dir: None,
            readers: None,
            search_sync_every: Duration::from_secs(30),
            limits: Limits::default(),
            admin_token: None,
        }
    }

    pub fn with_addr(mut self, addr: SocketAddr) -> ServeConfig {
        self.addr = addr;
        self
    }

    fn index_dir(&self) -> PathBuf {
        self.index_dir
            .clone()
            .unwrap_or_else(|| index_dir_for(&self.db))
    }

    fn readers(&self) -> usize {
        self.readers.unwrap_or_else(|| {
            let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());
            (cpus * 2).clamp(2, 16)
        })
    }
}

/// All routes (see the table in the crate docs), within the default
/// [`Limits`].
pub fn router(state: AppState) -> Router {
    router_with(state, Limits::default())
}

/// All routes, within the per-request `limits`, with the response headers
/// and error shapes the server gives every route.
pub fn router_with(state: AppState, limits: Limits) -> Router {
    Router::new()
        // Home is the stories: what a reader comes for. Articles have
        // their own list.
        .route("/", get(story_list::story_list))
        .route("/articles", get(pages::article_list))
        .route("/articles/{id}", get(pages::article_page))
        .route("/articles/{id}/source", get(pages::source_page))
        .route("/search", get(pages::search_page))
        .route("/entities", get(entities::entity_list))
        .route("/entities/{id}", get(entities::entity_page))
        .route(
            "/outlets",
            get(outlets::outlet_list).post(admin::outlets_form),
        )
        .route("/stories", get(story_list::story_list))
        .route("/stories/{id}", get(stories::story_page))
        .route("/api/health", get(api::health))
        .route("/api/articles", get(api::articles))
        .route("/api/articles.csv", get(api::articles_csv))
        .route("/api/articles/{id}", get(api::article))
        .route("/api/search", get(api::search))
        .route("/api/search.csv", get(api::search_csv))
        .route("/api/entities", get(entities::api_entities))
        .route("/api/entities.csv", get(entities::api_entities_csv))
        .route("/api/entities/{id}", get(entities::api_entity))
        .route("/api/stories", get(story_list::api_stories))
        .route("/api/stories.csv", get(story_list::api_stories_csv))
        .route("/api/stories/{id}", get(stories::api_story))
        .route("/api/stories/{id}/{table}", get(stories::api_story_csv))
        .route("/api/outlets", get(outlets::api_outlets))
        .route("/api/outlets/{name}", get(outlets::api_outlet))
        .route("/api/openapi.json", get(api::openapi))
        .route("/api/coverage", get(coverage_chart::api_coverage))
        .route("/feeds", get(admin::feeds_page).post(admin::feeds_form))
        .route("/feeds.opml", get(admin::feeds_opml))
        .route(
            "/api/feeds",
            get(admin::api_feeds).post(admin::api_add_feeds),
        )
        .route("/api/ingest", axum::routing::post(admin::api_ingest))
        .route("/coverage", get(coverage_chart::coverage_page))
        .route("/coverage.svg", get(coverage_chart::coverage_svg))
        .fallback(not_found)
        .with_state(state)
        .layer(axum::middleware::from_fn_with_state(
            std::sync::Arc::new(limits),
            limits::respond,
        ))
        // Outermost: what is compressed is the final body, errors reworded
        // by the limits included.
        .layer(axum::middleware::from_fn(compress::gzip))
}

/// Unknown paths: a JSON error under `/api/`, a page elsewhere.
async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    if limits::is_api(uri.path()) {
        api::not_found(uri).await
    } else {
        pages::not_found(uri).await
    }
}

/// Article ids for the search index to take at once, from outside the
/// store: the CLI feeds a queue's "article stored" events through this, so
/// this crate knows nothing of the queue. `next` blocks for at most `wait`;
/// `done` is called once the ids it returned are indexed and committed
/// (the feed acknowledges its events then, never before).
pub trait IndexFeed: Send + 'static {
    fn next(&mut self, wait: Duration) -> Result<Vec<String>, String>;
    fn done(&mut self) -> Result<(), String>;
}

/// A server bound to its address, not yet answering.
pub struct BoundServer {
    listener: TcpListener,
    state: AppState,
    sync_every: Duration,
    limits: Limits,
    feed: Option<Box<dyn IndexFeed>>,
}

impl std::fmt::Debug for BoundServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BoundServer")
            .field("listener", &self.listener)
            .field("sync_every", &self.sync_every)
            .field("feed", &self.feed.is_some())
            .finish()
    }
}

/// With a feed, the full sync (which lists the store) is only the
/// backstop for what events do not carry: deletions, renamed outlets,
/// entity ids joined after the article was stored.
const FULL_SYNC_WITH_FEED: Duration = Duration::from_secs(10 * 60);

/// Opens the store and index and binds the address (port 0 picks a free
/// port; see [`BoundServer::local_addr`]).
pub async fn bind(config: ServeConfig) -> Result<BoundServer, ServeError> {
    let db = config.db.clone();
    let index_dir = config.index_dir();
    let readers = config.readers();
    let state = tokio::task::spawn_blocking(move || AppState::open(&db, &index_dir, readers))
        .await
        .map_err(|e| ServeError::Task(e.to_string()))??;
    if let Some(token) = &config.admin_token {
        state.set_admin_token(token);
    }
    let listener = TcpListener::bind(config.addr)
        .await
        .map_err(|source| ServeError::Bind {
            addr: config.addr,
            source,
        })?;
    Ok(BoundServer {
        listener,
        state,
        sync_every: config.search_sync_every,
        limits: config.limits,
        feed: None,
    })
}

impl BoundServer {
    pub fn local_addr(&self) -> Result<SocketAddr, ServeError> {
        Ok(self.listener.local_addr()?)
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Index what `feed` names as it comes, besides the periodic sync.
    pub fn with_index_feed(mut self, feed: Box<dyn IndexFeed>) -> BoundServer {
        self.feed = Some(feed);
        self
    }

    /// Answers requests within its [`Limits`] until `shutdown` completes,
    /// then finishes the requests in flight. The search index syncs in the background: first
    /// at once, then every `search_sync_every` when the database changed.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServeError> {
        let sync_state = self.state.clone();
        let mut every = self.sync_every.max(Duration::from_secs(1));
        let follower = self.feed.map(|feed| {
            every = every.max(FULL_SYNC_WITH_FEED);
            let state = self.state.clone();
            let handle = tokio::runtime::Handle::current();
            std::thread::spawn(move || follow_feed(feed, state, handle))
        });
        let syncer = tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                if let Err(e) = story_list::warm_story_list(&sync_state).await {
                    eprintln!("parallax serve: reading story leans failed: {e}");
                }
                if let Err(e) = sync_state.sync_search_if_changed().await {
                    eprintln!("parallax serve: search index sync failed: {e}");
                }
            }
        });
        let app = router_with(self.state, self.limits.clone());
        limits::serve_connections(self.listener, app, &self.limits, shutdown).await;
        syncer.abort();
        // The follower thread ends with the process.
        drop(follower);
        Ok(())
    }
}

/// Takes ids from `feed` and indexes them until the process ends; a
/// failure is said and retried (what was not confirmed comes back).
fn follow_feed(mut feed: Box<dyn IndexFeed>, state: AppState, rt: tokio::runtime::Handle) {
    loop {
        let ids = match feed.next(Duration::from_secs(1)) {
            Ok(ids) => ids,
            Err(e) => {
                eprintln!("parallax serve: article events: {e}; retrying");
                std::thread::sleep(Duration::from_secs(1));
                continue;
            }
        };
        if ids.is_empty() {
            continue;
        }
        match rt.block_on(state.index_ids(ids)) {
            Ok(_) => {
                if let Err(e) = feed.done() {
                    eprintln!("parallax serve: article events: {e}");
                }
            }
            Err(e) => {
                eprintln!("parallax serve: indexing stored articles failed: {e}");
                std::thread::sleep(Duration::from_secs(1));
            }
        }
    }
}

/// Serves until Ctrl-C (or SIGTERM), printing the address to stderr. This
/// is what `parallax serve` runs.
pub async fn serve(config: ServeConfig) -> Result<(), ServeError> {
    let server = bind(config).await?;
    eprintln!(
        "parallax: serving {} at http://{}/",
        server.state.inner.location,
        server.local_addr()?
    );
    server.run_until(shutdown_signal()).await
}

/// [`serve`] on a new multi-threaded runtime, for a synchronous caller.
pub fn serve_blocking(config: ServeConfig) -> Result<(), ServeError> {
    serve_blocking_with(config, None)
}

/// [`serve_blocking`], indexing what `feed` names as it comes.
pub fn serve_blocking_with(
    config: ServeConfig,
    feed: Option<Box<dyn IndexFeed>>,
) -> Result<(), ServeError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(async move {
            let mut server = bind(config).await?;
            if let Some(feed) = feed {
                server = server.with_index_feed(feed);
            }
            eprintln!(
                "parallax: serving {} at http://{}/",
                server.state.inner.location,
                server.local_addr()?
            );
            server.run_until(shutdown_signal()).await
        })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
