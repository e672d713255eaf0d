//! The story list's filters and sorts, on the page and in `/api/stories`:
//! both read one selection, so their counts agree. The stories are
//! written straight into a real store with known glances (lean counts,
//! dates, sources), one of them as an older build left it (no glance:
//! its lean comes from the story document).

mod common;

use common::{fill_store, fixtures, get, TestServer};
use parallax_store::{StoreLocation, StoredStory, StoryGlance};
use std::sync::OnceLock;

fn story(
    id: &str,
    dates: Option<(&str, &str)>,
    sources: usize,
    lean: Option<(usize, usize, usize)>,
) -> StoredStory {
    let (left, centre, right) = lean.unwrap_or((0, 0, 0));
    StoredStory {
        id: id.into(),
        title: format!("Story {id}"),
        date_from: dates.map(|d| d.0.to_string()),
        date_to: dates.map(|d| d.1.to_string()),
        article_count: sources,
        outlets: (0..sources).map(|i| format!("Outlet {i}")).collect(),
        sources,
        glance: lean.map(|_| StoryGlance {
            left,
            centre,
            right,
            unrated: 0,
            lede: None,
        }),
        articles: Vec::new(),
        document: serde_json::json!({
            "coverage": {"lean": {"by_lean": {}, "left": 1, "centre": 0, "right": 1,
                                  "unknown": 3, "mean": null}}
        }),
    }
}

fn server() -> &'static TestServer {
    static SERVER: OnceLock<TestServer> = OnceLock::new();
    SERVER.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("parallax.db");
        fill_store(&db, &fixtures());
        let mut store = StoreLocation::Sqlite(db.clone()).open().expect("open");
        // In the store's order: latest article first, undated last.
        store
            .replace_stories(&[
                story("d", Some(("2026-03-10", "2026-03-10")), 1, Some((0, 0, 1))),
                story("b", Some(("2026-03-05", "2026-03-06")), 3, Some((1, 0, 2))),
                story("a", Some(("2026-03-01", "2026-03-03")), 4, Some((3, 1, 0))),
                story("c", Some(("2026-02-01", "2026-02-02")), 2, Some((0, 2, 0))),
                story("e", None, 5, None),
            ])
            .expect("write stories");
        drop(store);
        TestServer::start_on(dir, db)
    })
}

fn ids(query: &str) -> (Vec<String>, u64) {
    let page = get(&server().url(&format!("/api/stories?{query}")));
    assert_eq!(page.status, 200, "{query}: {}", page.body);
    let json = page.json();
    let ids = json["stories"]
        .as_array()
        .expect("stories")
        .iter()
        .map(|s| s["id"].as_str().unwrap_or_default().to_string())
        .collect();
    (ids, json["total"].as_u64().expect("total"))
}

#[test]
fn filters_keep_what_they_say_and_count_it() {
    assert_eq!(
        ids("limit=50"),
        (vec!["b".into(), "a".into(), "c".into(), "e".into()], 4)
    );
    // Lean: stories with coverage from that side; "e" has no glance and
    // is read from its document (one left, one right article).
    assert_eq!(ids("lean=right"), (vec!["b".into(), "e".into()], 2));
    assert_eq!(
        ids("lean=left&single_source=show"),
        (vec!["b".into(), "a".into(), "e".into()], 3)
    );
    assert_eq!(ids("lean=right&single_source=only"), (vec!["d".into()], 1));
    // Dates: the story's span reaches into the range; undated never does.
    assert_eq!(ids("from=2026-03-04&to=2026-03-31"), (vec!["b".into()], 1));
    assert_eq!(ids("to=2026-03-01"), (vec!["a".into(), "c".into()], 2));
    assert_eq!(ids("min_sources=4"), (vec!["a".into(), "e".into()], 2));
    // A range that ends before it starts: nothing, not an error.
    assert_eq!(ids("from=2026-04-01&to=2026-03-01"), (vec![], 0));
    // Paging keeps the total.
    assert_eq!(ids("limit=1&offset=1"), (vec!["a".into()], 4));
}

#[test]
fn sorts_order_by_coverage_and_by_one_sidedness() {
    assert_eq!(
        ids("sort=covered").0,
        vec!["e".to_string(), "a".into(), "b".into(), "c".into()]
    );
    // a: 3 left, 0 right of 4 rated = 0.75; b: 1/3; c and e: 0 (ties keep
    // newest first).
    assert_eq!(
        ids("sort=one-sided").0,
        vec!["a".to_string(), "b".into(), "c".into(), "e".into()]
    );
    let json = get(&server().url("/api/stories?sort=one-sided")).json();
    let a = &json["stories"][0];
    assert_eq!(a["one_sidedness"], 0.75);
    assert_eq!(a["blindspot"], "right", "{a}");
    assert_eq!(a["lean"]["left"], 3);
}

#[test]
fn bad_values_are_refused_with_what_is_accepted() {
    for query in ["lean=up", "sort=best", "min_sources=x", "from=yesterday"] {
        let api = get(&server().url(&format!("/api/stories?{query}")));
        assert_eq!(api.status, 400, "{query}");
        assert!(api.json()["error"].is_string(), "{query}");
        assert_eq!(
            get(&server().url(&format!("/?{query}"))).status,
            400,
            "{query}"
        );
    }
}

#[test]
fn the_page_shows_the_same_selection_with_its_counts_and_form() {
    let page = get(&server().url("/?lean=right")).body;
    assert!(page.contains("2 of 5 stories match"), "{page}");
    assert!(
        page.contains("1 story reported by one source only is not listed"),
        "{page}"
    );
    assert!(page.contains("href=\"/stories/b\"") && page.contains("href=\"/stories/e\""));
    assert!(!page.contains("href=\"/stories/a\""), "{page}");
    assert!(
        page.contains("<option value=\"right\" selected>"),
        "the form shows the filter: {page}"
    );
    // The link that shows single-source stories keeps the other filters.
    assert!(
        page.contains("href=\"/?lean=right&amp;single_source=show\""),
        "{page}"
    );
    let sorted = get(&server().url("/?sort=one-sided")).body;
    let at = |id: &str| sorted.find(&format!("href=\"/stories/{id}\"")).expect(id);
    assert!(at("a") < at("b") && at("b") < at("c"), "{sorted}");
    assert!(sorted.contains("most one-sided first"));
    assert!(sorted.contains("blindspot: no right coverage"), "{sorted}");
    let none = get(&server().url("/?from=2030-01-01")).body;
    assert!(none.contains("No stories match these filters."), "{none}");
}

#[test]
fn the_filtered_list_downloads_as_csv() {
    let csv = get(&server().url("/api/stories.csv?lean=right&sort=covered"));
    assert_eq!(csv.status, 200, "{}", csv.body);
    assert!(csv.content_type.starts_with("text/csv"));
    let lines: Vec<&str> = csv.body.lines().collect();
    assert!(
        lines[0].starts_with("id,title,articles,sources"),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains("left,centre,right,unrated,lede"));
    // e (5 sources, lean from its document) then b (3 sources).
    assert_eq!(lines.len(), 3, "{}", csv.body);
    assert!(
        lines[1].starts_with("e,") && lines[2].starts_with("b,"),
        "{}",
        csv.body
    );
    assert!(
        lines[2].contains(",1,0,2,0,"),
        "b's lean counts: {}",
        lines[2]
    );
    let page = get(&server().url("/?lean=right")).body;
    assert!(
        page.contains("href=\"/api/stories.csv?lean=right\""),
        "{page}"
    );
    assert_eq!(get(&server().url("/api/stories.csv?sort=x")).status, 400);
}
