//! `parallax ingest --feed URL` against a feed and its pages served on
//! 127.0.0.1 by the test itself (bounded: it stops after a deadline).

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Command;
use std::time::{Duration, Instant};

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><title>{title} | Tidewater Courier</title>\
         <meta property=\"og:site_name\" content=\"Tidewater Courier\">\
         <meta property=\"article:published_time\" content=\"2026-03-04T09:00:00Z\"></head>\
         <body><nav><a href=\"/\">Home</a> <a href=\"/news\">News</a></nav>\
         <article><h1>{title}</h1>{body}</article>\
         <aside class=\"share\">Share this article</aside><footer>© Tidewater Courier</footer></body></html>"
    )
}

fn paragraphs(topic: &str) -> String {
    (1..=5)
        .map(|i| {
            format!(
                "<p>Paragraph {i} about the {topic}: the council heard evidence from residents, \
                 engineers and the harbour authority before a vote that ran late into the evening.</p>"
            )
        })
        .collect()
}

/// A feed with two items and their pages, served on 127.0.0.1 for up to
/// `requests` requests or 60 seconds. Returns the feed URL.
fn feed_server(requests: usize) -> (String, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let feed = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Tidewater Courier</title>\
         <link>{base}/</link><description>News</description>\
         <item><title>Sea wall approved</title><link>{base}/sea-wall.html</link>\
         <pubDate>Wed, 04 Mar 2026 09:00:00 GMT</pubDate><description>Short teaser.</description></item>\
         <item><title>Ferry fares frozen</title><link>{base}/ferry.html</link>\
         <pubDate>Wed, 04 Mar 2026 10:00:00 GMT</pubDate><description>Short teaser.</description></item>\
         </channel></rss>"
    );
    let mut routes: HashMap<String, (String, String)> = HashMap::new();
    routes.insert("/feed.xml".into(), ("application/rss+xml".into(), feed));
    routes.insert(
        "/sea-wall.html".into(),
        (
            "text/html; charset=utf-8".into(),
            page("Sea wall approved", &paragraphs("sea wall")),
        ),
    );
    routes.insert(
        "/ferry.html".into(),
        (
            "text/html; charset=utf-8".into(),
            page("Ferry fares frozen", &paragraphs("ferry fares")),
        ),
    );
    listener.set_nonblocking(true).expect("non-blocking");
    let server = std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut served = 0;
        while served < requests && Instant::now() < deadline {
            let Ok((mut stream, _)) = listener.accept() else {
                std::thread::sleep(Duration::from_millis(5));
                continue;
            };
            let _ = stream.set_nonblocking(false);
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let mut buf = [0u8; 4096];
            let n = stream.read(&mut buf).unwrap_or(0);
            let request = String::from_utf8_lossy(&buf[..n]);
            let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
            let response = match routes.get(&path) {
                Some((ctype, body)) => format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                ),
                None => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_string(),
            };
            let _ = stream.write_all(response.as_bytes());
            served += 1;
        }
    });
    (format!("{base}/feed.xml"), server)
}

#[test]
fn feed_items_are_fetched_cleaned_and_stored() {
    let (feed_url, server) = feed_server(3);
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("feed.db");
    let out = Command::new(env!("CARGO_BIN_EXE_parallax"))
        .arg("--db")
        .arg(&db)
        .args(["ingest", "--feed", &feed_url])
        .output()
        .expect("run parallax");
    let _ = server.join();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("2 new"), "{stdout}");

    let list = Command::new(env!("CARGO_BIN_EXE_parallax"))
        .arg("--db")
        .arg(&db)
        .args(["articles", "--json"])
        .output()
        .expect("run parallax");
    let rows: Vec<serde_json::Value> = String::from_utf8_lossy(&list.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert_eq!(rows.len(), 2);
    for row in &rows {
        assert_eq!(row["outlet"], "Tidewater Courier");
        assert_eq!(row["published"], "2026-03-04");
        assert_eq!(row["format"], "feed");
    }
    let id = rows[0]["id"].as_str().expect("id");
    let shown = Command::new(env!("CARGO_BIN_EXE_parallax"))
        .arg("--db")
        .arg(&db)
        .args(["show", id])
        .output()
        .expect("run parallax");
    let text = String::from_utf8_lossy(&shown.stdout);
    assert!(
        text.contains("Paragraph 5 about the"),
        "the page, not the teaser, was stored: {text}"
    );
    assert!(!text.contains("Short teaser"), "{text}");
}

/// GET `path` from a server on `addr`; the body, or `None` while it is not
/// answering yet.
fn http_get(addr: &str, path: &str) -> Option<String> {
    let mut stream = std::net::TcpStream::connect(addr).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let (head, body) = response.split_once("\r\n\r\n")?;
    (head.split_whitespace().nth(1) == Some("200")).then(|| body.to_string())
}

/// Kills the server when the test ends, however it ends.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn serve_with_feeds_polls_them_and_the_stories_appear() {
    let (feed_url, server) = feed_server(3);
    let tmp = tempfile::tempdir().expect("tempdir");
    let list = tmp.path().join("feeds.txt");
    std::fs::write(&list, format!("# test feed\n{feed_url}\n")).expect("feed list");
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let addr = format!("127.0.0.1:{port}");
    let child = Command::new(env!("CARGO_BIN_EXE_parallax"))
        .arg("--db")
        .arg(tmp.path().join("live.db"))
        .args(["serve", "--addr", &addr, "--feeds"])
        .arg(&list)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start parallax serve");
    let _running = Running(child);

    // The first poll runs at start; the stories appear without a restart.
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut stories = serde_json::Value::Null;
    while Instant::now() < deadline {
        if let Some(body) = http_get(&addr, "/api/stories?single_source=show") {
            stories = serde_json::from_str(&body).unwrap_or_default();
            let n = stories["stories"]
                .as_array()
                .or_else(|| stories.as_array())
                .map_or(0, Vec::len);
            if n >= 1 {
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let _ = server.join();
    let text = stories.to_string();
    assert!(
        text.contains("Sea wall approved") || text.contains("Ferry fares frozen"),
        "no story from the feed within 60 s: {text}"
    );
    let page = http_get(&addr, "/stories?single_source=show").unwrap_or_default();
    assert!(
        page.contains("Sea wall approved") || page.contains("Ferry fares frozen"),
        "{page}"
    );
}

#[test]
fn serve_catches_up_analyses_a_store_lacks() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("old.db");
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/corpus");
    let out = Command::new(env!("CARGO_BIN_EXE_parallax"))
        .arg("--db")
        .arg(&db)
        .arg("ingest")
        .arg(&corpus)
        .output()
        .expect("run parallax");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // As a store from an earlier build looks: no analyses, no entities.
    {
        let store = parallax_store::SqliteStore::open(&db).expect("open");
        store
            .connection()
            .execute_batch("DELETE FROM analyses; DELETE FROM article_entities;")
            .expect("forget analyses");
    }
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let addr = format!("127.0.0.1:{port}");
    let child = Command::new(env!("CARGO_BIN_EXE_parallax"))
        .arg("--db")
        .arg(&db)
        .args(["serve", "--addr", &addr])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start parallax serve");
    let _running = Running(child);
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut entities = String::new();
    while Instant::now() < deadline {
        if let Some(body) = http_get(&addr, "/api/entities?name=aldous") {
            entities = body;
            if entities.contains("maren aldous") {
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(300));
    }
    assert!(
        entities.contains("maren aldous"),
        "entities were not caught up within 60 s: {entities}"
    );
}
