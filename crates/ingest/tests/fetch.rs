//! `fetch_feed` against a feed and pages served on 127.0.0.1 by the test
//! itself. The server handles connections one at a time, stops when dropped,
//! and gives up on its own after a deadline so a failing test cannot hang.

use parallax_ingest::{fetch_feed, ContentKind, FeedError, Limits, RawDoc, SourceFormat};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

struct Route {
    status: &'static str,
    content_type: &'static str,
    body: Vec<u8>,
    /// Accept the request but never answer (to exercise timeouts).
    stall: bool,
}

fn route(status: &'static str, content_type: &'static str, body: impl Into<Vec<u8>>) -> Route {
    Route {
        status,
        content_type,
        body: body.into(),
        stall: false,
    }
}

struct Server {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl Server {
    /// `routes` is built once the port is known, so bodies can link back.
    fn start(routes: impl FnOnce(&str) -> HashMap<String, Route>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a local port");
        let addr = listener.local_addr().expect("local address");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let routes = routes(&format!("http://{addr}"));
        let stop = Arc::new(AtomicBool::new(false));
        let stop_flag = stop.clone();
        let handle = std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(20);
            while !stop_flag.load(Ordering::Relaxed) && Instant::now() < deadline {
                match listener.accept() {
                    Ok((stream, _)) => serve(stream, &routes),
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Server {
            addr,
            stop,
            handle: Some(handle),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(handle) = self.handle.take() {
            let _ = handle.join();
        }
    }
}

fn serve(mut stream: TcpStream, routes: &HashMap<String, Route>) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let mut request = Vec::new();
    let mut buf = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 16 * 1024 {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    let head = String::from_utf8_lossy(&request);
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
    let not_found = route("404 Not Found", "text/html", "<html>not here</html>");
    let answer = routes.get(&path).unwrap_or(&not_found);
    if answer.stall {
        std::thread::sleep(Duration::from_millis(1500));
        return;
    }
    let mut response = format!(
        "HTTP/1.1 {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        answer.status,
        answer.content_type,
        answer.body.len()
    )
    .into_bytes();
    response.extend_from_slice(&answer.body);
    let _ = stream.write_all(&response);
}

fn rss(base: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
<title>Local Ledger</title>
<item><title>Port expands</title><link>{base}/a1</link>
  <pubDate>Mon, 04 Nov 2019 08:00:00 GMT</pubDate><author>desk@ledger.example (Sam Cole)</author>
  <description>Teaser for the port story.</description></item>
<item><title>Missing page</title><link>{base}/missing</link>
  <description>&lt;p&gt;Feed copy of the &lt;i&gt;missing&lt;/i&gt; story.&lt;/p&gt;</description></item>
<item><title>Old charset</title><link>{base}/latin</link></item>
<item><title>A PDF</title><link>{base}/report.pdf</link>
  <description>Report summary.</description></item>
<item><title>Nothing at all</title><link>{base}/also-missing</link></item>
</channel></rss>"#
    )
}

fn feed_server() -> Server {
    Server::start(|base| {
        let mut routes = HashMap::new();
        routes.insert(
            "/feed.xml".to_string(),
            route("200 OK", "application/rss+xml", rss(base)),
        );
        routes.insert(
            "/a1".to_string(),
            route(
                "200 OK",
                "text/html; charset=utf-8",
                "<html><body><article><p>The port will double in size.</p></article></body></html>",
            ),
        );
        routes.insert(
            "/latin".to_string(),
            route(
                "200 OK",
                "text/html; charset=iso-8859-1",
                b"<html><body><p>M\xfcnchen stimmt ab</p></body></html>".to_vec(),
            ),
        );
        routes.insert(
            "/report.pdf".to_string(),
            route("200 OK", "application/pdf", "%PDF-1.4"),
        );
        routes.insert(
            "/broken.xml".to_string(),
            route("200 OK", "application/xml", "<rss><chan"),
        );
        routes.insert(
            "/slow.xml".to_string(),
            Route {
                stall: true,
                ..route("200 OK", "application/xml", "")
            },
        );
        routes
    })
}

fn ok_docs(records: &[Result<RawDoc, parallax_ingest::Skipped>]) -> Vec<&RawDoc> {
    records.iter().filter_map(|r| r.as_ref().ok()).collect()
}

#[test]
fn feed_items_use_their_linked_pages_with_fallbacks() {
    let server = feed_server();
    let feed_url = server.url("/feed.xml");
    let records = fetch_feed(&feed_url, &Limits::default()).expect("feed fetched");
    assert_eq!(records.len(), 5);
    let docs = ok_docs(&records);
    assert_eq!(docs.len(), 4);

    let port = docs[0];
    assert_eq!(port.format, SourceFormat::Feed);
    assert_eq!(port.kind, ContentKind::Html);
    assert!(port.content.contains("The port will double in size."));
    assert!(port.warnings.is_empty(), "{:?}", port.warnings);
    assert_eq!(port.hints.outlet.as_deref(), Some("Local Ledger"));
    assert_eq!(port.hints.title.as_deref(), Some("Port expands"));
    assert_eq!(port.hints.url.as_deref(), Some(server.url("/a1").as_str()));
    assert!(port
        .hints
        .published
        .as_deref()
        .unwrap_or("")
        .starts_with("2019-11-04"));
    assert_eq!(port.origin.path, feed_url);
    assert_eq!(port.origin.locator.as_deref(), Some("item 1"));

    let fallback = docs[1];
    assert_eq!(fallback.kind, ContentKind::Html);
    assert!(fallback.content.contains("<i>missing</i>"));
    assert!(
        fallback.warnings[0].contains("HTTP 404"),
        "{:?}",
        fallback.warnings
    );
    assert!(fallback.warnings[0].contains("feed's own content"));

    assert!(
        docs[2].content.contains("München stimmt ab"),
        "{}",
        docs[2].content
    );

    assert_eq!(docs[3].content, "Report summary.");
    assert_eq!(docs[3].kind, ContentKind::Text);
    assert!(docs[3].warnings[0].contains("application/pdf"));

    let skipped = records[4].as_ref().expect_err("no page and no content");
    assert_eq!(skipped.origin.locator.as_deref(), Some("item 5"));
    assert!(skipped.reason.contains("HTTP 404") && skipped.reason.contains("no content"));
}

#[test]
fn feed_level_failures_are_errors() {
    let server = feed_server();
    let limits = Limits {
        fetch_timeout: Duration::from_millis(500),
        ..Limits::default()
    };
    match fetch_feed(&server.url("/nope.xml"), &limits) {
        Err(FeedError::Status { status: 404, .. }) => {}
        other => panic!("expected a 404 error, got {other:?}"),
    }
    match fetch_feed(&server.url("/broken.xml"), &limits) {
        Err(err @ FeedError::Parse { .. }) => assert!(err.to_string().contains("broken.xml")),
        other => panic!("expected a parse error, got {other:?}"),
    }
    let tiny = Limits {
        max_feed_bytes: 50,
        ..limits.clone()
    };
    match fetch_feed(&server.url("/feed.xml"), &tiny) {
        Err(err @ FeedError::TooLarge { .. }) => {
            assert!(err.to_string().contains("max_feed_bytes"))
        }
        other => panic!("expected a size error, got {other:?}"),
    }
    match fetch_feed(&server.url("/slow.xml"), &limits) {
        Err(FeedError::Fetch { reason, .. }) => {
            assert!(
                reason.to_lowercase().contains("timeout")
                    || reason.to_lowercase().contains("timed out"),
                "{reason}"
            )
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
}

#[test]
fn unreachable_feed_is_a_fetch_error() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let url = format!("http://127.0.0.1:{port}/feed.xml");
    match fetch_feed(&url, &Limits::default()) {
        Err(err @ FeedError::Fetch { .. }) => assert!(err.to_string().contains(&url)),
        other => panic!("expected a fetch error, got {other:?}"),
    }
    assert!(matches!(
        fetch_feed("not a url", &Limits::default()),
        Err(FeedError::Fetch { .. })
    ));
}
