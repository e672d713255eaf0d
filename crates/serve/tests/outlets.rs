//! Outlets through the registry: filters in the API and the UI accept any
//! alias in any case, `/api/outlets` and `/outlets` show every rating with
//! its source, and the article page says how its outlet was decided.
//!
//! The fixtures' outlets are fictional, so this process gives the registry
//! a user table (as `parallax outlets set` / `rate` would write it) naming
//! the Harbour Herald with aliases and one rating.

mod common;

use common::{fixtures, get, TestServer};
use std::sync::OnceLock;

const CITATION: &str = "https://ratings.example/harbour-herald";

fn server() -> &'static TestServer {
    static SERVER: OnceLock<(tempfile::TempDir, TestServer)> = OnceLock::new();
    let (_, server) = SERVER.get_or_init(|| {
        let data = tempfile::tempdir().expect("data dir");
        let outlet = parallax_outlets::outlet_row(&parallax_outlets::Outlet {
            name: "Harbour Herald".into(),
            aliases: vec!["The Herald".into(), "HH".into()],
            domains: vec!["harbour-herald.example".into()],
            country: Some("GB".into()),
            language: Some("en".into()),
            kind: Some(parallax_outlets::OutletKind::Newspaper),
            owner: Some("Eastport Media Trust".into()),
            ratings: Vec::new(),
        });
        let rating = parallax_outlets::rating_row(
            "Harbour Herald",
            &parallax_outlets::Rating {
                source: "eastport-audit".into(),
                rating: "left-center".into(),
                factuality: Some("high".into()),
                citation: CITATION.into(),
            },
        );
        parallax_outlets::append_user_rows(data.path(), parallax_outlets::USER_OUTLETS, &[outlet])
            .expect("outlet row");
        parallax_outlets::append_user_rows(data.path(), parallax_outlets::USER_RATINGS, &[rating])
            .expect("rating row");
        // Before anything reads the registry (it is read once a process).
        std::env::set_var("PARALLAX_DATA_DIR", data.path());
        assert!(parallax_outlets::current().by_name("hh").is_some());
        (data, TestServer::start(&fixtures()))
    });
    server
}

fn ids(json: &serde_json::Value, list: &str) -> Vec<String> {
    json[list]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["id"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn api_filters_accept_any_alias_in_any_case() {
    let by_name = get(&server().url("/api/articles?outlet=Harbour%20Herald")).json();
    let expected = ids(&by_name, "articles");
    assert!(expected.contains(&"ferry-strike".to_string()), "{by_name}");
    let searched = ids(
        &get(&server().url("/api/search?q=ferry&outlet=Harbour%20Herald")).json(),
        "hits",
    );
    assert!(searched.contains(&"ferry-strike".to_string()));
    assert!(!searched.contains(&"ferry-strike-wire".to_string()));
    for alias in [
        "hh",
        "HH",
        "the%20herald",
        "HARBOUR%20HERALD",
        "harbour-herald.example",
    ] {
        let answer = get(&server().url(&format!("/api/articles?outlet={alias}")));
        assert_eq!(answer.status, 200, "{alias}");
        assert_eq!(ids(&answer.json(), "articles"), expected, "{alias}");
        let search = get(&server().url(&format!("/api/search?q=ferry&outlet={alias}"))).json();
        assert_eq!(ids(&search, "hits"), searched, "{alias}");
    }
    // An outlet the registry does not know still matches in any case.
    let tribune = get(&server().url("/api/search?q=ferry&outlet=daily%20TRIBUNE")).json();
    assert_eq!(tribune["total"], 1, "{tribune}");
    let nobody = get(&server().url("/api/articles?outlet=hhh")).json();
    assert!(ids(&nobody, "articles").is_empty());
}

#[test]
fn ui_filters_accept_an_alias() {
    for path in ["/articles?outlet=hh", "/search?q=ferry&outlet=The+Herald"] {
        let page = get(&server().url(path));
        assert_eq!(page.status, 200, "{path}");
        assert!(page.body.contains("/articles/ferry-strike\""), "{path}");
        assert!(
            !page.body.contains("/articles/ferry-strike-wire\""),
            "{path}"
        );
        assert!(!page.body.contains("/articles/budget\""), "{path}");
    }
}

#[test]
fn outlets_list_every_rating_with_its_source() {
    let all = get(&server().url("/api/outlets"));
    assert_eq!(all.status, 200);
    let all = all.json();
    let herald = all["outlets"]
        .as_array()
        .and_then(|o| o.iter().find(|o| o["name"] == "Harbour Herald"))
        .cloned()
        .expect("the Harbour Herald is listed");
    assert_eq!(herald["in_registry"], true);
    assert_eq!(herald["kind"], "newspaper");
    assert_eq!(herald["ratings"][0]["citation"], CITATION);
    assert_eq!(herald["lean"]["step"], -1);
    assert!(herald["lean"]["explanation"]
        .as_str()
        .is_some_and(|e| e.contains("eastport-audit")));
    let tribune = all["outlets"]
        .as_array()
        .and_then(|o| o.iter().find(|o| o["name"] == "Daily Tribune"))
        .cloned()
        .expect("an outlet the registry lacks is listed too");
    assert_eq!(tribune["in_registry"], false);
    assert!(tribune["lean"].is_null());
    assert!(all["sources"]
        .as_array()
        .is_some_and(|s| s.iter().any(|s| s["id"] == "allsides-2019")));

    let one = get(&server().url("/api/outlets/HH"));
    assert_eq!(one.status, 200);
    assert_eq!(one.json()["name"], "Harbour Herald");
    let registry_only = get(&server().url("/api/outlets/fox")).json();
    assert_eq!(registry_only["name"], "Fox News");
    assert_eq!(registry_only["articles"], 0);
    assert!(registry_only["ratings"]
        .as_array()
        .is_some_and(|r| !r.is_empty()));
    let missing = get(&server().url("/api/outlets/no-such-outlet"));
    assert_eq!(missing.status, 404);

    let page = get(&server().url("/outlets"));
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Harbour Herald"));
    assert!(page.body.contains(CITATION));
    assert!(page.body.contains("not in the registry"));
    assert!(page.body.contains("no rating"));
}

#[test]
fn the_article_page_shows_its_outlet_and_ratings() {
    let page = get(&server().url("/articles/ferry-strike"));
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Outlet: Harbour Herald"),
        "{}",
        page.body
    );
    assert!(page.body.contains("lean -1 (left)"));
    assert!(page.body.contains(CITATION));
    assert!(page.body.contains("owned by Eastport Media Trust"));
    let tribune = get(&server().url("/articles/ferry-strike-wire"));
    assert!(tribune.body.contains("Not in the outlet registry"));
}

#[test]
fn search_by_side_keeps_the_articles_of_outlets_rated_on_it() {
    // The Harbour Herald is rated left-center here; no other outlet is rated.
    let left = get(&server().url("/api/search?q=ferry&lean=left")).json();
    let outlets: Vec<&str> = left["hits"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|h| h["outlet"].as_str())
        .collect();
    assert!(!outlets.is_empty(), "{left}");
    assert!(
        outlets.iter().all(|o| *o == "Harbour Herald"),
        "{outlets:?}"
    );
    let right = get(&server().url("/api/search?q=ferry&lean=right")).json();
    assert_eq!(right["total"], 0, "{right}");
}
