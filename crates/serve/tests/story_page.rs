//! The story page of a large story: events come a page at a time, an
//! event of many articles shows its first columns and says where the rest
//! are, the page is rendered once per store change (and compressed once),
//! and a change to the store reaches the page.
//!
//! The large story is written straight into a real store: the fixtures'
//! own story document, its first event repeated (as distinct events) and
//! one event given many columns.

mod common;

use common::{fill_store, fixtures, get, raw_get, TestServer};
use parallax_store::{StoreLocation, StoredStory};
use std::io::Read;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const EVENTS: usize = 23;
const WIDE_COLUMNS: usize = 45;

/// The fixtures' largest story, grown to [`EVENTS`] events, the first of
/// them with [`WIDE_COLUMNS`] columns.
fn large_story(base: &StoredStory, title: &str) -> StoredStory {
    let mut document = base.document.clone();
    let first = document["events"][0].clone();
    let mut events = Vec::new();
    for n in 0..EVENTS {
        let mut event = first.clone();
        event["id"] = format!("ev-{n}").into();
        event["title"] = format!("Repeated event number {n}").into();
        if n == 0 {
            // More articles than the page shows side by side.
            let column = event["coverage"]["articles"][0].clone();
            let columns: Vec<serde_json::Value> =
                (0..WIDE_COLUMNS).map(|_| column.clone()).collect();
            event["coverage"]["articles"] = columns.into();
            let ids: Vec<serde_json::Value> = (0..WIDE_COLUMNS)
                .map(|i| format!("wide-{i}").into())
                .collect();
            event["articles"] = ids.into();
        }
        events.push(event);
    }
    document["events"] = events.into();
    document["title"] = title.into();
    StoredStory {
        id: "st-large".into(),
        title: title.into(),
        document,
        ..base.clone()
    }
}

struct Fixture {
    server: TestServer,
    base: StoredStory,
}

/// A store of the fixtures and the large story: (database, the fixtures'
/// largest story).
fn make_store(dir: &std::path::Path) -> (std::path::PathBuf, StoredStory) {
    let db = dir.join("parallax.db");
    fill_store(&db, &fixtures());
    let mut store = StoreLocation::Sqlite(db.clone()).open().expect("open");
    let largest = store
        .list_stories()
        .expect("stories")
        .into_iter()
        .max_by_key(|s| s.article_count)
        .expect("the fixtures make stories");
    let base = store
        .get_story(&largest.id)
        .expect("read")
        .expect("the story");
    store
        .replace_stories(&[base.clone(), large_story(&base, "A large story")])
        .expect("write stories");
    (db, base)
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let (db, base) = make_store(dir.path());
        Fixture {
            server: TestServer::start_on(dir, db),
            base,
        }
    })
}

#[test]
fn events_come_a_page_at_a_time_with_links_to_every_page() {
    let server = &fixture().server;
    let first = get(&server.url("/stories/st-large"));
    assert_eq!(first.status, 200, "{}", first.body);
    let page = &first.body;
    assert!(
        page.contains("Events 1–10 of 23, most covered first"),
        "{page}"
    );
    assert!(page.contains("href=\"/stories/st-large?events=2#events\">next ›"));
    assert!(page.contains("href=\"/stories/st-large?events=3#events\">3</a>"));
    assert_eq!(page.matches("<section class=\"event\"").count(), 10);
    // The most covered event leads, with its columns cut and the way to
    // the rest said.
    assert!(page.contains("id=\"event-ev-0\""));
    assert!(
        page.contains(&format!(
            "The first 40 of {WIDE_COLUMNS} articles are shown side by side"
        )),
        "{page}"
    );
    assert!(page.contains("href=\"/api/stories/st-large/articles.csv\""));
    let last = get(&server.url("/stories/st-large?events=3")).body;
    assert!(last.contains("Events 21–23 of 23"), "{last}");
    assert_eq!(last.matches("<section class=\"event\"").count(), 3);
    assert!(last.contains("‹ previous"));
    assert!(!last.contains("next ›"));
    // The page's top (bar, sources, shared facts) is on every page.
    assert!(last.contains("class=\"story-page\""));
    // A small story has no pager.
    let small = get(&server.url(&format!("/stories/{}", fixture().base.id))).body;
    assert!(!small.contains("events-pager"), "{small}");
}

#[test]
fn bad_event_pages_say_what_is_accepted() {
    let server = &fixture().server;
    for bad in ["0", "x", "-1", "1.5"] {
        let answer = get(&server.url(&format!("/stories/st-large?events={bad}")));
        assert_eq!(answer.status, 400, "events={bad}");
        assert!(
            answer.body.contains("is not a page number"),
            "{}",
            answer.body
        );
    }
    let beyond = get(&server.url("/stories/st-large?events=4"));
    assert_eq!(beyond.status, 404);
    assert!(
        beyond.body.contains("23 events on 3 pages"),
        "{}",
        beyond.body
    );
    assert_eq!(get(&server.url("/stories/st-nothing?events=2")).status, 404);
}

#[test]
fn the_page_is_the_same_plain_and_compressed_and_says_it_varies() {
    let server = &fixture().server;
    let (plain_headers, plain) = raw_get(server, "/stories/st-large?events=2", false);
    let (headers, packed) = raw_get(server, "/stories/st-large?events=2", true);
    assert!(headers.contains("content-encoding: gzip"), "{headers}");
    assert!(headers.contains("vary: accept-encoding"), "{headers}");
    assert!(plain_headers.contains("vary: accept-encoding"));
    assert!(!plain_headers.contains("content-encoding"));
    assert!(headers.contains("content-security-policy"), "{headers}");
    let mut unpacked = Vec::new();
    flate2::read::GzDecoder::new(packed.as_slice())
        .read_to_end(&mut unpacked)
        .expect("gzip");
    assert_eq!(unpacked, plain);
    assert!(packed.len() < plain.len() / 2);
    // Served again from what was kept: the same bytes.
    let (_, again) = raw_get(server, "/stories/st-large?events=2", false);
    assert_eq!(again, plain);
}

#[test]
fn a_story_rewritten_in_the_store_reaches_its_page() {
    // Its own server: the rewrite must not race the other tests.
    let dir = tempfile::tempdir().expect("temp dir");
    let (db, base) = make_store(dir.path());
    let server = TestServer::start_on(dir, db.clone());
    let before = get(&server.url("/stories/st-large")).body;
    assert!(before.contains("A large story"));
    let mut store = StoreLocation::Sqlite(db).open().expect("open");
    store
        .replace_stories(&[base.clone(), large_story(&base, "The large story, retold")])
        .expect("rewrite");
    drop(store);
    // The server looks at the store's change counter every two seconds.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let page = get(&server.url("/stories/st-large")).body;
        let chart = get(&server.url("/api/coverage?story=st-large")).json();
        if page.contains("The large story, retold") {
            assert!(!page.contains("A large story"));
            assert_eq!(chart["subject"]["kind"], "story");
            break;
        }
        assert!(Instant::now() < deadline, "the page kept the old story");
        std::thread::sleep(Duration::from_millis(200));
    }
}
