//! The server's writes over real HTTP: the feeds page's forms (add,
//! OPML import, remove), `/api/feeds`, `/api/ingest` — each with the admin
//! token, refused without it or from another site, and refused outright
//! by a server started without a token.

mod common;

use common::{fill_store, fixtures, form, get, post, TestServer, FORM};
use parallax_store::StoreLocation;
use std::sync::OnceLock;

const TOKEN: &str = "harbour-admin-7f3a";

const OPML: &str = r#"<?xml version="1.0"?>
<opml version="2.0"><head><title>Reader export</title></head><body>
  <outline text="Local">
    <outline type="rss" text="Harbour Herald" xmlUrl="https://harbour.example/feed.xml"/>
    <outline type="rss" text="Tribune &amp; Co" xmlUrl="https://tribune.example/rss"/>
  </outline>
</body></opml>"#;

fn server(writable: bool) -> &'static TestServer {
    static WRITABLE: OnceLock<TestServer> = OnceLock::new();
    static READ_ONLY: OnceLock<TestServer> = OnceLock::new();
    let cell = if writable { &WRITABLE } else { &READ_ONLY };
    cell.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("parallax.db");
        fill_store(&db, &fixtures());
        TestServer::start_admin(
            dir,
            StoreLocation::Sqlite(db),
            None,
            parallax_serve::Limits::default(),
            writable.then_some(TOKEN),
        )
    })
}

fn subscribed(server: &TestServer) -> Vec<String> {
    get(&server.url("/api/feeds")).json()["feeds"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| f["url"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn opml_import_with_the_token_subscribes_and_exports_again() {
    let s = server(true);
    let page = get(&s.url("/feeds")).body;
    assert!(
        page.contains("id=\"import\"") && page.contains("name=\"token\""),
        "{page}"
    );

    // Without the token, or with a wrong one: refused, nothing stored.
    for token in ["", "wrong"] {
        let refused = post(
            s,
            "/feeds",
            FORM,
            &[],
            &form(&[("action", "import"), ("token", token), ("opml", OPML)]),
        );
        assert_eq!(refused.status, 401, "{}", refused.body);
        assert!(refused.body.contains("admin token"));
    }
    // A form posted from another site, even with the token.
    let cross = post(
        s,
        "/feeds",
        FORM,
        &[("origin", "https://elsewhere.example")],
        &form(&[("action", "import"), ("token", TOKEN), ("opml", OPML)]),
    );
    assert_eq!(cross.status, 403, "{}", cross.body);
    let fetch_meta = post(
        s,
        "/feeds",
        FORM,
        &[("sec-fetch-site", "cross-site")],
        &form(&[("action", "import"), ("token", TOKEN), ("opml", OPML)]),
    );
    assert_eq!(fetch_meta.status, 403);
    assert!(!subscribed(s).iter().any(|u| u.contains("tribune.example")));

    let done = post(
        s,
        "/feeds",
        FORM,
        &[],
        &form(&[("action", "import"), ("token", TOKEN), ("opml", OPML)]),
    );
    assert_eq!(done.status, 303, "{}", done.body);
    assert!(
        done.location
            .as_deref()
            .is_some_and(|l| l.starts_with("/feeds?added=")),
        "{:?}",
        done.location
    );
    let urls = subscribed(s);
    assert!(
        urls.contains(&"https://harbour.example/feed.xml".to_string()),
        "{urls:?}"
    );
    assert!(urls.contains(&"https://tribune.example/rss".to_string()));
    let page = get(&s.url("/feeds")).body;
    assert!(
        page.contains("Tribune &amp; Co") && page.contains("not polled yet"),
        "{page}"
    );
    // Importing again adds nothing.
    let again = post(
        s,
        "/feeds",
        FORM,
        &[],
        &form(&[("action", "import"), ("token", TOKEN), ("opml", OPML)]),
    );
    assert_eq!(again.location.as_deref(), Some("/feeds?added=0&known=2"));

    let exported = get(&s.url("/feeds.opml"));
    assert!(exported.content_type.starts_with("text/x-opml"));
    assert!(
        exported
            .body
            .contains("xmlUrl=\"https://tribune.example/rss\""),
        "{}",
        exported.body
    );
    assert!(exported.body.contains("text=\"Tribune &amp; Co\""));

    // Not OPML: a clear 400.
    let broken = post(
        s,
        "/feeds",
        FORM,
        &[],
        &form(&[("action", "import"), ("token", TOKEN), ("opml", "<rss/>")]),
    );
    assert_eq!(broken.status, 400);
    assert!(broken.body.contains("OPML"), "{}", broken.body);
}

#[test]
fn feeds_are_added_and_removed_by_form_and_api() {
    let s = server(true);
    let added = post(
        s,
        "/feeds",
        FORM,
        &[("origin", &format!("http://{}", s.addr))],
        &form(&[
            ("action", "add"),
            ("token", TOKEN),
            ("url", "https://lantern.example/rss"),
            ("title", "Lantern Post"),
        ]),
    );
    assert_eq!(added.status, 303, "same-origin form: {}", added.body);
    let bad = post(
        s,
        "/feeds",
        FORM,
        &[],
        &form(&[
            ("action", "add"),
            ("token", TOKEN),
            ("url", "javascript:alert(1)"),
        ]),
    );
    assert_eq!(bad.status, 400, "{}", bad.body);

    let api = post(
        s,
        "/api/feeds",
        "application/json",
        &[("authorization", &format!("Bearer {TOKEN}"))],
        r#"{"feeds": [{"url": "https://gazette.example/atom", "title": null}]}"#,
    );
    assert_eq!(api.status, 200, "{}", api.body);
    assert!(api.body.contains("\"added\":1"), "{}", api.body);
    let unauthorised = post(s, "/api/feeds", "application/json", &[], r#"{"feeds": []}"#);
    assert_eq!(unauthorised.status, 401);
    assert!(unauthorised.body.contains("\"error\""));

    let removed = post(
        s,
        "/feeds",
        FORM,
        &[],
        &form(&[
            ("action", "remove"),
            ("token", TOKEN),
            ("url", "https://lantern.example/rss"),
        ]),
    );
    assert_eq!(removed.location.as_deref(), Some("/feeds?removed=1"));
    let urls = subscribed(s);
    assert!(!urls.contains(&"https://lantern.example/rss".to_string()));
    assert!(urls.contains(&"https://gazette.example/atom".to_string()));
}

#[test]
fn jsonl_posted_with_the_token_is_ingested_and_searchable() {
    let s = server(true);
    let body = concat!(
        r#"{"id":"posted-toll","title":"Harbour toll vote","outlet":"Harbour Herald","published":"2026-03-09","text":"The council voted on the harbour toll on Monday. The mayor said the toll would pay for repairs to the breakwater."}"#,
        "\n{not json\n"
    );
    let answer = post(
        s,
        "/api/ingest",
        "application/x-ndjson",
        &[("authorization", &format!("Bearer {TOKEN}"))],
        body,
    );
    assert_eq!(answer.status, 200, "{}", answer.body);
    let report: serde_json::Value = serde_json::from_str(&answer.body).expect("json");
    assert_eq!(report["inserted"], 1, "{report}");
    let skipped = &report["skipped"][0];
    assert!(
        skipped["reason"]
            .as_str()
            .is_some_and(|r| r.contains("JSON")),
        "{report}"
    );
    // The server's paths stay on the server.
    assert!(
        !answer
            .body
            .contains(&std::env::temp_dir().display().to_string()),
        "{}",
        answer.body
    );
    assert_eq!(get(&s.url("/api/articles/posted-toll")).status, 200);
    let hits = get(&s.url("/api/search?q=breakwater")).json();
    assert_eq!(hits["total"], 1, "{hits}");

    let refused = post(s, "/api/ingest", "application/x-ndjson", &[], body);
    assert_eq!(refused.status, 401);
}

#[test]
fn a_server_without_a_token_is_read_only_and_says_how_to_change_that() {
    let s = server(false);
    let page = get(&s.url("/feeds")).body;
    assert!(
        page.contains("read-only") && page.contains("--admin-token"),
        "{page}"
    );
    assert!(
        !page.contains("id=\"import\""),
        "no forms on a read-only server"
    );
    let refused = post(
        s,
        "/feeds",
        FORM,
        &[],
        &form(&[("action", "import"), ("token", TOKEN), ("opml", OPML)]),
    );
    assert_eq!(refused.status, 403);
    let api = post(
        s,
        "/api/ingest",
        "application/x-ndjson",
        &[("authorization", &format!("Bearer {TOKEN}"))],
        "{}",
    );
    assert_eq!(api.status, 403);
    assert!(api.body.contains("read-only"));
    assert_eq!(get(&s.url("/api/feeds")).json()["writable"], false);
    assert!(subscribed(s).is_empty());
}
