//! Regression tests of issue 17 (hardening), over real HTTP: queries that
//! overflowed the parser's stack, idle and slow connections, request
//! bodies, response headers, the shape of framework errors, file paths.

mod common;

use common::{fixtures, get, TestServer, OKAFOR};
use parallax_serve::Limits;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const HTML: &str = "text/html; charset=utf-8";
const JSON: &str = "application/json";
/// Where the test pretends one article was ingested from.
const ABSOLUTE_ORIGIN: &str = "/home/editor/private/corpus/fixtures.jsonl";

/// Short timeouts and few places, so the limits show within a test.
fn test_limits() -> Limits {
    Limits {
        max_connections: 16,
        header_read_timeout: Duration::from_secs(2),
        request_timeout: Duration::from_secs(10),
        max_body_bytes: 1024,
        max_post_bytes: 64 * 1024,
        shutdown_grace: Duration::from_secs(2),
    }
}

/// One server for the tests that don't exhaust its connections.
fn server() -> &'static TestServer {
    static SERVER: OnceLock<TestServer> = OnceLock::new();
    SERVER.get_or_init(|| {
        let mut articles = fixtures();
        articles[0].origin.path = ABSOLUTE_ORIGIN.to_string();
        TestServer::start_with(&articles, test_limits())
    })
}

fn encode(query: &str) -> String {
    let mut out = String::new();
    for b in query.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Sends `request` as-is on a new connection and reads the answer until
/// the server closes it or `wait` passes.
fn raw_exchange(addr: std::net::SocketAddr, request: &[u8], wait: Duration) -> String {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(wait)).expect("timeout");
    stream.write_all(request).expect("write");
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
        }
    }
    String::from_utf8_lossy(&answer).into_owned()
}

#[test]
fn queries_that_overflowed_the_parser_are_400s_and_the_server_lives() {
    let deep = [
        ("(".repeat(800), "in a row"),
        ("NOT ".repeat(3000), "characters"),
        ("-(".repeat(1000), "characters"),
        ("NOT ".repeat(200), "in a row"),
        (format!("ferry {}", "(a ".repeat(40)), "nested"),
    ];
    for (query, reason) in &deep {
        let q = encode(query);
        let api = get(&server().url(&format!("/api/search?q={q}")));
        assert_eq!(api.status, 400, "{}", &query[..12]);
        assert_eq!(api.content_type, JSON);
        let message = api.json()["error"].as_str().unwrap_or("").to_string();
        assert!(message.contains(reason), "{message}");
        let page = get(&server().url(&format!("/search?q={q}")));
        assert_eq!(page.status, 400, "{}", &query[..12]);
        assert_eq!(page.content_type, HTML);
        assert!(page.body.contains(reason), "{}", page.body);
    }
    assert_eq!(get(&server().url("/api/health")).status, 200);

    // Ordinary syntax still searches.
    for query in [
        "\"ferry crews\"",
        "+ferry -budget",
        "title:ferry",
        &format!("entity:\"{OKAFOR}\""),
        "(ferry OR harbour) AND (strike OR (crews AND rosters))",
        "*",
    ] {
        let q = encode(query);
        let api = get(&server().url(&format!("/api/search?q={q}")));
        assert_eq!(api.status, 200, "{query}: {}", api.body);
        let page = get(&server().url(&format!("/search?q={q}")));
        assert_eq!(page.status, 200, "{query}");
    }
    let phrase = get(&server().url("/api/search?q=%22ferry+crews%22")).json();
    assert_eq!(phrase["total"], 2);
    let excluded = get(&server().url("/api/search?q=%2Bferry+-wire")).json();
    assert!(excluded["total"].as_u64().is_some_and(|n| n >= 1));
    let all = get(&server().url("/api/search?q=*")).json();
    assert_eq!(all["total"], fixtures().len());
}

/// The description says "blank" is ASCII white space; other space-only
/// words (U+0085, U+3000) are a valid query that matches nothing, so a
/// schema-valid request is never refused.
#[test]
fn space_only_words_are_a_query_that_matches_nothing() {
    for blank in ["/api/search?q=", "/api/search?q=%20%09"] {
        assert_eq!(get(&server().url(blank)).status, 400, "{blank}");
    }
    for spaces in [
        "%C2%85",
        "%E3%80%80",
        "%C2%85&entity=nobody&outlet=Unknown+outlet",
    ] {
        let answer = get(&server().url(&format!("/api/search?q={spaces}&limit=3")));
        assert_eq!(answer.status, 200, "{spaces}: {}", answer.body);
        let page = answer.json();
        assert_eq!(page["total"], 0, "{spaces}");
        assert_eq!(page["limit"], 3, "{spaces}");
    }
}

#[test]
fn every_response_carries_nosniff_and_deny() {
    for path in [
        "/",
        "/api/articles",
        "/api/nothing-here",
        "/nothing-here",
        "/api/search?q=",
        "/stories",
    ] {
        let answer = get(&server().url(path));
        assert_eq!(
            answer.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(answer.header("x-frame-options"), Some("DENY"), "{path}");
    }
}

#[test]
fn framework_rejections_under_api_are_json() {
    let not_found = get(&server().url("/api/nothing-here"));
    assert_eq!(
        (not_found.status, not_found.content_type.as_str()),
        (404, JSON)
    );

    let post = raw_exchange(
        server().addr,
        b"POST /api/articles HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        Duration::from_secs(5),
    );
    assert!(post.starts_with("HTTP/1.1 405"), "{post}");
    let lower = post.to_ascii_lowercase();
    assert!(lower.contains("content-type: application/json"), "{post}");
    assert!(lower.contains("allow: get,head"), "{post}");
    assert!(post.contains("\"status\":405"), "{post}");
    assert!(lower.contains("x-frame-options: deny"), "{post}");

    // A path that does not decode to UTF-8: JSON under /api/, a page
    // elsewhere.
    let bad_path = get(&server().url("/api/articles/%FF"));
    assert_eq!(bad_path.status, 400);
    assert_eq!(bad_path.content_type, JSON);
    let bad_page = get(&server().url("/articles/%FF"));
    assert_eq!(bad_page.status, 400);
    assert_eq!(bad_page.content_type, HTML);

    // Parameters: empty, repeated, unbounded, not a calendar date.
    for (path, says) in [
        ("/api/articles?to=", "to is empty"),
        ("/api/articles?limit=", "limit is empty"),
        ("/api/search?q=ferry&sort=", "sort is empty"),
        ("/api/articles?limit=1&limit=2", "more than once"),
        ("/api/articles?offset=99999999999", "between 0 and 1000000"),
        ("/api/stories?offset=1000001", "between 0 and 1000000"),
        ("/api/articles?limit=%2B5", "whole number"),
        ("/api/articles?from=2026-02-30", "date"),
        ("/api/search?q=ferry&offset=10001", "between 0 and 10000"),
        (
            "/api/search?entity=person%3Aada+okafor",
            "q (the search words",
        ),
    ] {
        let answer = get(&server().url(path));
        assert_eq!(answer.status, 400, "{path}");
        assert_eq!(answer.content_type, JSON, "{path}");
        let message = answer.json()["error"].as_str().unwrap_or("").to_string();
        assert!(message.contains(says), "{path}: {message}");
    }
    // The pages' forms send empty fields: still "not set" there.
    assert_eq!(get(&server().url("/articles?to=&outlet=")).status, 200);
    assert_eq!(get(&server().url("/search?q=ferry&sort=")).status, 200);
}

#[test]
fn request_bodies_beyond_the_limit_are_refused() {
    let big = raw_exchange(
        server().addr,
        b"GET /api/health HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n",
        Duration::from_secs(5),
    );
    assert!(big.starts_with("HTTP/1.1 413"), "{big}");
    assert!(big.contains("at most 1024"), "{big}");
    let chunked = raw_exchange(
        server().addr,
        b"GET /api/health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        Duration::from_secs(5),
    );
    assert!(chunked.starts_with("HTTP/1.1 413"), "{chunked}");
    let small = raw_exchange(
        server().addr,
        b"GET /api/health HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
        Duration::from_secs(5),
    );
    assert!(small.starts_with("HTTP/1.1 200"), "{small}");
}

#[test]
fn no_absolute_paths_of_the_server_reach_a_client() {
    let id = &fixtures()[0].id;
    let detail = get(&server().url(&format!("/api/articles/{id}")));
    assert_eq!(detail.status, 200);
    assert_eq!(detail.json()["origin"]["path"], "fixtures.jsonl");
    for path in [
        format!("/api/articles/{id}"),
        "/api/articles".to_string(),
        format!("/articles/{id}"),
        format!("/articles/{id}/source"),
        "/api/health".to_string(),
    ] {
        let answer = get(&server().url(&path));
        assert_eq!(answer.status, 200, "{path}");
        assert!(!answer.body.contains("/home/editor"), "{path}");
        assert!(
            !answer
                .body
                .contains(&server().dir.path().display().to_string()),
            "{path}"
        );
    }
}

#[test]
fn idle_connections_cannot_crowd_out_a_request() {
    // Its own server: this test takes every place.
    let server = TestServer::start_with(&fixtures(), test_limits());
    let idle: Vec<TcpStream> = (0..300)
        .map(|_| TcpStream::connect(server.addr).expect("connect"))
        .collect();
    let started = Instant::now();
    let answer = get(&server.url("/api/health"));
    assert_eq!(answer.status, 200);
    // Far sooner than 300 idle clients / 16 places × their 2 s timeout.
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
    drop(idle);
}

#[test]
fn a_client_that_never_finishes_its_header_is_disconnected() {
    let server = TestServer::start_with(&fixtures(), test_limits());
    let mut slow = TcpStream::connect(server.addr).expect("connect");
    slow.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let started = Instant::now();
    // Half a header, then a byte a second: never complete.
    slow.write_all(b"GET /api/health HTTP/1.1\r\nHost: x\r\n")
        .expect("write");
    slow.set_read_timeout(Some(Duration::from_millis(500)))
        .expect("timeout");
    let mut buf = [0u8; 1024];
    let mut closed = false;
    while started.elapsed() < Duration::from_secs(10) {
        // Keeps trickling: each byte is progress, but the header never ends.
        if slow.write_all(b"X").is_err() {
            closed = true;
            break;
        }
        match slow.read(&mut buf) {
            Ok(0) => {
                closed = true;
                break;
            }
            // hyper may say 408 before closing; the close follows.
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => {
                closed = true;
                break;
            }
        }
    }
    let took = started.elapsed();
    assert!(closed, "still open after {took:?}");
    assert!(took >= Duration::from_millis(1900), "{took:?}");
    assert!(took < Duration::from_secs(6), "{took:?}");
    // And the server still answers.
    assert_eq!(get(&server.url("/api/health")).status, 200);
}

#[test]
fn story_list_shows_each_story_lean_from_its_document_every_view() {
    // The lean bar used to cost a read of every listed story document per
    // view; now the server keeps the leans. The page must not change.
    let stories = get(&server().url("/api/stories?single_source=show")).json();
    let id = stories["stories"][0]["id"]
        .as_str()
        .expect("a story")
        .to_string();
    let document = get(&server().url(&format!("/api/stories/{id}"))).json();
    let lean = &document["coverage"]["lean"];
    let count = |side: &str| lean[side].as_u64().unwrap_or(0);
    let rated = count("left") + count("centre") + count("right") + count("unknown");
    assert!(rated > 0, "{lean}");
    let first = get(&server().url("/stories?single_source=show"));
    assert_eq!(first.status, 200);
    assert!(first.body.contains("Outlet lean: "), "{}", first.body);
    if count("unknown") > 0 {
        assert!(first
            .body
            .contains(&format!("{} unrated", count("unknown"))));
    }
    let again = get(&server().url("/stories?single_source=show"));
    assert_eq!(again.body, first.body);
}
