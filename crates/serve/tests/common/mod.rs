//! A server over a temporary store of hand-written articles, for the HTTP
//! and browser tests.

#![allow(dead_code)]

use parallax_model::{
    Article, Block, BlockKind, ContentKind, Hints, OffsetMap, Origin, RawDoc, Removal, RemovalKind,
    SourceFormat,
};
use parallax_serve::ServeConfig;
use parallax_store::scratch::PgScratch;
use parallax_store::{DuplicateLink, LinkKind, NewArticle, StoreLocation};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::mpsc;
use std::thread::JoinHandle;

/// Title of the article whose content tries to inject markup.
pub const HOSTILE_TITLE: &str = "Mayor <script>alert('pwned')</script> resigns";

pub fn article(
    id: &str,
    outlet: &str,
    published: &str,
    title: &str,
    paragraphs: &[&str],
) -> Article {
    let text = paragraphs.join("\n\n");
    let mut blocks = Vec::new();
    let mut at = 0;
    for p in paragraphs {
        blocks.push(Block {
            kind: BlockKind::Paragraph,
            span: at..at + p.len(),
        });
        at += p.len() + 2;
    }
    Article {
        id: id.to_string(),
        origin: Origin::at("fixtures.jsonl", format!("line {}", id.len())),
        format: SourceFormat::Jsonl,
        url: Some(format!("https://news.example/{id}")),
        outlet: Some(outlet.to_string()),
        title: Some(title.to_string()),
        author: None,
        published: Some(published.to_string()),
        language: Some("en".to_string()),
        text,
        blocks,
        removed: Vec::new(),
        offsets: OffsetMap::default(),
        warnings: Vec::new(),
        outlet_via: None,
        genre: None,
    }
}

/// Five articles: one with named people, a quote and reported speech, a
/// plain one, a wire copy of it, one whose title, text, removals and URL
/// carry markup and a `javascript:` link, and one with a heading, quote
/// and list.
pub fn fixtures() -> Vec<Article> {
    let ferry = article(
        "ferry-strike",
        "Harbour Herald",
        "2026-03-04",
        "Ferry crews strike over rosters",
        &[
            "Ferry crews walked off the job on Tuesday in a dispute over rosters.",
            "The operator said crossings to the islands would resume on Thursday.",
        ],
    );
    let mut copy = article(
        "ferry-strike-wire",
        "Daily Tribune",
        "2026-03-05",
        "Ferry crews strike over rosters",
        &[
            "Ferry crews walked off the job on Tuesday in a dispute over rosters.",
            "The operator said crossings to the islands would resume on Thursday.",
        ],
    );
    copy.author = Some("Wire staff".into());
    let mut hostile = article(
        "hostile",
        "Evening <b>Post</b>",
        "2026-03-02",
        HOSTILE_TITLE,
        &[
            "The mayor wrote <img src=x onerror=alert(1)> in a letter to the council.",
            "Councillors said the \"resignation\" takes effect & is final.",
        ],
    );
    hostile.url = Some("javascript:alert(document.cookie)".into());
    hostile.removed = vec![
        Removal {
            kind: RemovalKind::Caption,
            text: "Photo: <iframe src=evil></iframe> City Hall".into(),
            source: None,
        },
        Removal {
            kind: RemovalKind::Newsletter,
            text: "Sign up for our morning briefing".into(),
            source: None,
        },
    ];
    let mut budget = article(
        "budget",
        "Capital Ledger",
        "2026-03-01",
        "Council approves library budget",
        &[
            "What the budget funds",
            "The council approved money for three new branch libraries.",
            "\"Every district deserves a library,\" the treasurer said.",
            "Northside branch",
            "Riverside branch",
        ],
    );
    budget.blocks[0].kind = BlockKind::Heading;
    budget.blocks[2].kind = BlockKind::Quote;
    budget.blocks[3].kind = BlockKind::ListItem;
    budget.blocks[4].kind = BlockKind::ListItem;
    budget.language = Some("fr".into());
    let master = article(
        "harbour-master",
        "Harbour Herald",
        "2026-03-06",
        "Harbour master defends the new ferry timetable",
        &[
            "Harbour master Ada Okafor defended the new ferry timetable on Wednesday.",
            "“The crossings will run every hour from Thursday,” Okafor said.",
            "Councillor Ben Marsh said Okafor had ignored the islanders who rely on the morning boat.",
        ],
    );
    vec![master, ferry, copy, hostile, budget]
}

/// The entity id the pipeline gives the harbour master of the fixtures.
pub const OKAFOR: &str = "person:ada okafor";

fn raw_for(a: &Article) -> RawDoc {
    RawDoc {
        id: a.id.clone(),
        origin: a.origin.clone(),
        format: a.format,
        kind: ContentKind::Html,
        content: format!(
            "<html><body><h1>{}</h1><p>{}</p></body></html>",
            a.title.clone().unwrap_or_default(),
            a.text
        ),
        hints: Hints::default(),
        warnings: Vec::new(),
    }
}

/// Writes the fixtures (and a wire-copy link) into a new database.
pub fn fill_store(db: &std::path::Path, articles: &[Article]) {
    fill_store_at(&StoreLocation::Sqlite(db.to_path_buf()), articles);
}

/// [`fill_store`] into any backend.
pub fn fill_store_at(at: &StoreLocation, articles: &[Article]) {
    let mut store = at.open().expect("open test store");
    let raws: Vec<RawDoc> = articles.iter().map(raw_for).collect();
    let items: Vec<NewArticle<'_>> = articles
        .iter()
        .zip(&raws)
        .map(|(article, raw)| NewArticle {
            article,
            raw,
            signature: None,
        })
        .collect();
    store.put_batch(&items).expect("store fixtures");
    if articles.iter().any(|a| a.id == "ferry-strike-wire") {
        store
            .add_link(&DuplicateLink {
                article_id: "ferry-strike-wire".into(),
                of_id: "ferry-strike".into(),
                kind: LinkKind::Exact,
                score: 1.0,
            })
            .expect("store link");
    }
    // The stories document, as `parallax ingest` leaves it.
    parallax_pipeline::refresh(&mut *store, true).expect("compute stories");
}

/// A running server; stops when dropped.
pub struct TestServer {
    pub addr: SocketAddr,
    pub dir: tempfile::TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
    /// The PostgreSQL schema served, dropped after the server stops.
    _scratch: Option<PgScratch>,
}

impl TestServer {
    pub fn start(articles: &[Article]) -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let db: PathBuf = dir.path().join("parallax.db");
        fill_store(&db, articles);
        TestServer::start_on(dir, db)
    }

    /// Serves an existing database `db` inside `dir` (kept alive with the
    /// server).
    pub fn start_on(dir: tempfile::TempDir, db: PathBuf) -> TestServer {
        TestServer::start_on_with(dir, db, parallax_serve::Limits::default())
    }

    /// [`TestServer::start`] within other connection and request limits.
    pub fn start_with(articles: &[Article], limits: parallax_serve::Limits) -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let db: PathBuf = dir.path().join("parallax.db");
        fill_store(&db, articles);
        TestServer::start_on_with(dir, db, limits)
    }

    pub fn start_on_with(
        dir: tempfile::TempDir,
        db: PathBuf,
        limits: parallax_serve::Limits,
    ) -> TestServer {
        TestServer::start_at(dir, StoreLocation::Sqlite(db), None, limits)
    }

    /// The fixtures served from a fresh PostgreSQL schema, or `None` (the
    /// reason printed) when no test server is configured.
    pub fn start_postgres(test: &str, articles: &[Article]) -> Option<TestServer> {
        let scratch = PgScratch::from_env(test).expect("PostgreSQL test server")?;
        fill_store_at(&scratch.location(), articles);
        let dir = tempfile::tempdir().expect("temp dir");
        Some(TestServer::start_at(
            dir,
            scratch.location(),
            Some(scratch),
            parallax_serve::Limits::default(),
        ))
    }

    /// Serves the store at `at`; its search index lives in `dir`.
    pub fn start_at(
        dir: tempfile::TempDir,
        at: StoreLocation,
        scratch: Option<PgScratch>,
        limits: parallax_serve::Limits,
    ) -> TestServer {
        TestServer::start_admin(dir, at, scratch, limits, None)
    }

    /// [`TestServer::start_at`] taking writes with `admin_token`.
    pub fn start_admin(
        dir: tempfile::TempDir,
        at: StoreLocation,
        scratch: Option<PgScratch>,
        limits: parallax_serve::Limits,
        admin_token: Option<&str>,
    ) -> TestServer {
        let mut config =
            ServeConfig::for_store(at.clone()).with_addr(SocketAddr::from(([127, 0, 0, 1], 0)));
        if at.sqlite_path().is_none() {
            config.index_dir = Some(dir.path().join("search"));
        }
        config.limits = limits;
        config.admin_token = admin_token.map(str::to_string);
        let (addr_tx, addr_rx) = mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let server = parallax_serve::bind(config).await.expect("bind");
                // Index before answering, so search tests see every article.
                server.state().sync_search().await.expect("sync search");
                addr_tx
                    .send(server.local_addr().expect("addr"))
                    .expect("send addr");
                server
                    .run_until(async {
                        let _ = stop_rx.await;
                    })
                    .await
                    .expect("serve");
            });
        });
        let addr = addr_rx
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("server did not start");
        TestServer {
            addr,
            dir,
            stop: Some(stop_tx),
            thread: Some(thread),
            _scratch: scratch,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Status, content type and body of a GET.
pub struct Fetched {
    pub status: u16,
    pub content_type: String,
    pub body: String,
    pub headers: Vec<(String, String)>,
}

impl Fetched {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub fn get(url: &str) -> Fetched {
    fetch(url, 10)
}

/// A GET that reports a redirect instead of following it.
#[allow(dead_code)]
pub fn get_no_redirect(url: &str) -> Fetched {
    fetch(url, 0)
}

fn fetch(url: &str, redirects: u32) -> Fetched {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(redirects)
        .build()
        .into();
    let mut response = agent
        .get(url)
        .call()
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let status = response.status().as_u16();
    let headers: Vec<(String, String)> = response
        .headers()
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = response
        .body_mut()
        .read_to_string()
        .unwrap_or_else(|e| panic!("body of {url}: {e}"));
    Fetched {
        status,
        content_type,
        body,
        headers,
    }
}

/// One raw HTTP/1.1 GET, to see the bytes as sent: (headers, body).
#[allow(dead_code)]
pub fn raw_get(server: &TestServer, path: &str, gzip: bool) -> (String, Vec<u8>) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(server.addr).expect("connect");
    let encoding = if gzip {
        "Accept-Encoding: gzip\r\n"
    } else {
        ""
    };
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: test\r\n{encoding}Connection: close\r\n\r\n"
    )
    .expect("send");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of headers");
    let headers = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    (headers, raw[split + 4..].to_vec())
}

/// A response to a POST, redirects not followed.
#[allow(dead_code)]
pub struct Answer {
    pub status: u16,
    pub location: Option<String>,
    pub body: String,
}

/// A POST of `body`, redirects not followed.
#[allow(dead_code)]
pub fn post(
    server: &TestServer,
    path: &str,
    content_type: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Answer {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let mut request = agent
        .post(&server.url(path))
        .header("content-type", content_type);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut response = request
        .send(body)
        .unwrap_or_else(|e| panic!("POST {path}: {e}"));
    Answer {
        status: response.status().as_u16(),
        location: response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        body: response.body_mut().read_to_string().unwrap_or_default(),
    }
}

/// Form fields, URL-encoded.
#[allow(dead_code)]
pub fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", parallax_serve::html::url_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

#[allow(dead_code)]
pub const FORM: &str = "application/x-www-form-urlencoded";

/// Where browser tests leave their screenshots: `target/ui-artifacts/`.
#[allow(dead_code)]
pub fn artifacts_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("ui-artifacts")
}

/// How the browser tests run Chromium: headless, without a sandbox (CI
/// runs as root), and without the background traffic of a desktop profile.
#[allow(dead_code)]
pub const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
];
