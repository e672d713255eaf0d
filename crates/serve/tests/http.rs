//! Every route answered over real HTTP by a server on 127.0.0.1:0.

mod common;

use common::{fixtures, get, TestServer, HOSTILE_TITLE, OKAFOR};
use std::sync::OnceLock;

/// One server shared by the tests in this file (starting one indexes the
/// fixtures, which is the slow part).
fn server() -> &'static TestServer {
    static SERVER: OnceLock<TestServer> = OnceLock::new();
    SERVER.get_or_init(|| TestServer::start(&fixtures()))
}

const HTML: &str = "text/html; charset=utf-8";
const JSON: &str = "application/json";

#[test]
fn article_list_page_is_newest_first_with_outlet_and_date() {
    let page = get(&server().url("/articles"));
    assert_eq!(page.status, 200);
    assert_eq!(page.content_type, HTML);
    assert!(page
        .header("content-security-policy")
        .is_some_and(|c| c.contains("default-src 'none'")));
    let order: Vec<usize> = ["ferry-strike-wire", "ferry-strike", "hostile", "budget"]
        .iter()
        .map(|id| {
            page.body
                .find(&format!("href=\"/articles/{id}\""))
                .unwrap_or_else(|| panic!("{id} missing"))
        })
        .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "not newest first: {order:?}"
    );
    assert!(page.body.contains("Harbour Herald"));
    assert!(page
        .body
        .contains("<time datetime=\"2026-03-04\">2026-03-04</time>"));
    assert!(page.body.contains("of 5 stored articles"));
    assert!(page.body.contains("name=\"viewport\""));
}

#[test]
fn article_list_filters_and_rejects_bad_dates() {
    let page = get(&server().url("/articles?outlet=Capital+Ledger"));
    assert_eq!(page.status, 200);
    assert!(page.body.contains("/articles/budget"));
    assert!(!page.body.contains("/articles/ferry-strike\""));
    let page = get(&server().url("/articles?from=2026-03-04"));
    assert!(page.body.contains("/articles/ferry-strike\""));
    assert!(!page.body.contains("/articles/budget"));
    let page = get(&server().url("/articles?outlet=Nobody"));
    assert!(page.body.contains("No articles match these filters."));
    let bad = get(&server().url("/articles?from=March"));
    assert_eq!(bad.status, 400);
    assert_eq!(bad.content_type, HTML);
    assert!(bad.body.contains("from must be a date YYYY-MM-DD"));
}

#[test]
fn article_list_pages_with_previous_and_next_links() {
    let page = get(&server().url("/articles?limit=2"));
    assert!(
        page.body.contains("href=\"/articles?offset=2\""),
        "{}",
        page.body
    );
    let second = get(&server().url("/articles?limit=2&offset=3"));
    assert!(second.body.contains("/articles/hostile"));
    assert!(second.body.contains("← Previous"));
    assert!(!second.body.contains("Next →"));
}

#[test]
fn article_page_shows_clean_text_removals_and_duplicates() {
    let page = get(&server().url("/articles/ferry-strike-wire?marks=off"));
    assert_eq!(page.status, 200);
    assert_eq!(page.content_type, HTML);
    assert!(page
        .body
        .contains("<h1>Ferry crews strike over rosters</h1>"));
    assert!(page
        .body
        .contains("<p>Ferry crews walked off the job on Tuesday in a dispute over rosters.</p>"));
    assert!(page.body.contains("This article is an exact copy of"));
    assert!(page.body.contains("href=\"/articles/ferry-strike\""));
    assert!(page.body.contains("Harbour Herald, 2026-03-04"));
    assert!(page.body.contains("by Wire staff"));
    assert!(page
        .body
        .contains("href=\"https://news.example/ferry-strike-wire\""));
    assert!(page.body.contains("Cleaning removed nothing"));

    let original = get(&server().url("/articles/ferry-strike"));
    assert!(original.body.contains("Exactly copied by"));
    assert!(original
        .body
        .contains("href=\"/articles/ferry-strike-wire\""));

    let budget = get(&server().url("/articles/budget?marks=off"));
    assert!(budget.body.contains("<h2>What the budget funds</h2>"));
    assert!(budget.body.contains("<blockquote>&quot;Every district deserves a library,&quot; the treasurer said.</blockquote>"));
    assert!(budget
        .body
        .contains("<ul><li>Northside branch</li><li>Riverside branch</li></ul>"));
}

#[test]
fn untrusted_article_content_is_escaped_everywhere() {
    let page = get(&server().url("/articles/hostile"));
    assert_eq!(page.status, 200);
    let body = &page.body;
    assert!(!body.contains("<script>alert"), "title leaked as markup");
    assert!(body.contains("Mayor &lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt; resigns"));
    assert!(!body.contains("<img src=x"));
    assert!(body.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(!body.contains("<iframe"));
    assert!(body.contains("Photo: &lt;iframe src=evil&gt;&lt;/iframe&gt; City Hall"));
    assert!(body.contains("Evening &lt;b&gt;Post&lt;/b&gt;"));
    assert!(body.contains("What cleaning removed (2 pieces)"));
    assert!(body.contains("<span class=\"kind\">caption</span>"));
    // A javascript: URL is shown as text, never as a link.
    assert!(!body.contains("href=\"javascript:"));
    assert!(body.contains("Source URL: javascript:alert(document.cookie)"));
    // The <title> element too.
    assert!(body.contains("<title>Mayor &lt;script&gt;"));

    let list = get(&server().url("/articles"));
    assert!(!list.body.contains("<script>"));
    assert!(list.body.contains("Mayor &lt;script&gt;"));

    let search = get(&server().url("/search?q=mayor"));
    assert!(!search.body.contains("<script>"));
    assert!(search.body.contains("Mayor &lt;script&gt;"));
    assert!(search.body.contains("&lt;img src=x"));

    let source = get(&server().url("/articles/hostile/source"));
    assert_eq!(source.status, 200);
    assert!(!source.body.contains("<script>alert"));
    assert!(source
        .body
        .contains("&lt;html&gt;&lt;body&gt;&lt;h1&gt;Mayor"));

    // An id full of markup in the URL is escaped in the 404 page.
    let missing = get(&server().url("/articles/%3Cscript%3Ex%3C%2Fscript%3E"));
    assert_eq!(missing.status, 404);
    assert!(!missing.body.contains("<script>x"));
    assert!(missing.body.contains("&lt;script&gt;x"));
    // The search box echoes the query escaped.
    let echoed = get(&server().url("/search?q=%22%3E%3Cscript%3E"));
    assert!(!echoed.body.contains("\"><script>"));
    assert!(echoed.body.contains("value=\"&quot;&gt;&lt;script&gt;\""));
    let _ = HOSTILE_TITLE;
}

#[test]
fn source_page_shows_the_ingested_input() {
    let page = get(&server().url("/articles/budget/source"));
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<pre class=\"source\">"));
    assert!(page
        .body
        .contains("The jsonl input as ingested from fixtures.jsonl (line 6)"));
    assert_eq!(get(&server().url("/articles/none/source")).status, 404);
}

#[test]
fn search_page_highlights_matches() {
    let page = get(&server().url("/search?q=libraries"));
    assert_eq!(page.status, 200);
    assert_eq!(page.content_type, HTML);
    assert!(page.body.contains("1 article match"));
    assert!(page.body.contains("href=\"/articles/budget\""));
    assert!(page.body.contains("<mark>libraries</mark>"));
    let none = get(&server().url("/search?q=zeppelin"));
    assert!(none.body.contains("No articles match"));
    let blank = get(&server().url("/search"));
    assert_eq!(blank.status, 200);
    assert!(blank.body.contains("Search titles, text and outlet names"));
}

#[test]
fn unknown_pages_are_404_pages() {
    let page = get(&server().url("/nowhere"));
    assert_eq!(page.status, 404);
    assert_eq!(page.content_type, HTML);
    let api = get(&server().url("/api/nowhere"));
    assert_eq!(api.status, 404);
    assert_eq!(api.content_type, JSON);
    assert_eq!(api.json()["status"], 404);
}

#[test]
fn api_health_reports_counts() {
    let health = get(&server().url("/api/health"));
    assert_eq!(health.status, 200);
    assert_eq!(health.content_type, JSON);
    let json = health.json();
    assert_eq!(json["status"], "ok");
    assert_eq!(json["articles"], 5);
    assert_eq!(json["search"]["documents"], 5);
    // The background sync may have run again since: all 5 are accounted for.
    let last = &json["search"]["sync"]["last"];
    assert_eq!(
        last["indexed"].as_u64().unwrap() + last["unchanged"].as_u64().unwrap(),
        5
    );
    assert_eq!(json["search"]["sync"]["error"], serde_json::Value::Null);
}

#[test]
fn api_articles_pages_and_filters() {
    let all = get(&server().url("/api/articles"));
    assert_eq!(all.status, 200);
    assert_eq!(all.content_type, JSON);
    let json = all.json();
    let ids: Vec<&str> = json["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "harbour-master",
            "ferry-strike-wire",
            "ferry-strike",
            "hostile",
            "budget"
        ]
    );
    assert_eq!(json["next_offset"], serde_json::Value::Null);
    assert_eq!(json["articles"][1]["outlet"], "Daily Tribune");
    assert_eq!(json["articles"][1]["published"], "2026-03-05");

    let page = get(&server().url("/api/articles?limit=3&offset=2")).json();
    assert_eq!(page["articles"].as_array().unwrap().len(), 3);
    assert_eq!(page["articles"][0]["id"], "ferry-strike");
    assert_eq!(page["next_offset"], serde_json::Value::Null);
    let first = get(&server().url("/api/articles?limit=1")).json();
    assert_eq!(first["next_offset"], 1);

    let french = get(&server().url("/api/articles?language=fr")).json();
    assert_eq!(french["articles"].as_array().unwrap().len(), 1);
    assert_eq!(french["articles"][0]["id"], "budget");
    let outlet = get(&server().url("/api/articles?outlet=Harbour%20Herald")).json();
    assert_eq!(outlet["articles"][1]["id"], "ferry-strike");
    let range = get(&server().url("/api/articles?from=2026-03-02&to=2026-03-04")).json();
    let ids: Vec<&str> = range["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["ferry-strike", "hostile"]);

    for bad in [
        "limit=0",
        "limit=501",
        "limit=x",
        "offset=-1",
        "from=2026-02-30x",
        "to=tomorrow",
    ] {
        let response = get(&server().url(&format!("/api/articles?{bad}")));
        assert_eq!(response.status, 400, "{bad}");
        assert_eq!(response.content_type, JSON);
        assert!(
            response.json()["error"]
                .as_str()
                .unwrap()
                .contains("must be"),
            "{bad}"
        );
    }
}

#[test]
fn api_article_has_text_removals_and_duplicates() {
    let response = get(&server().url("/api/articles/hostile"));
    assert_eq!(response.status, 200);
    assert_eq!(response.content_type, JSON);
    let json = response.json();
    assert_eq!(json["title"], HOSTILE_TITLE);
    assert_eq!(json["removed"][0]["kind"], "caption");
    assert_eq!(json["blocks"][0]["kind"], "paragraph");
    assert!(json["text"]
        .as_str()
        .unwrap()
        .starts_with("The mayor wrote <img"));

    let wire = get(&server().url("/api/articles/ferry-strike-wire")).json();
    assert_eq!(wire["duplicates"][0]["of_id"], "ferry-strike");
    assert_eq!(wire["duplicates"][0]["kind"], "exact");

    let missing = get(&server().url("/api/articles/unknown"));
    assert_eq!(missing.status, 404);
    assert_eq!(missing.content_type, JSON);
    assert!(missing.json()["error"]
        .as_str()
        .unwrap()
        .contains("unknown"));
}

#[test]
fn api_search_returns_hits_with_snippets() {
    let response = get(&server().url("/api/search?q=ferry+roster"));
    assert_eq!(response.status, 200);
    assert_eq!(response.content_type, JSON);
    let json = response.json();
    assert_eq!(json["total"], 2);
    let hits = json["hits"].as_array().unwrap();
    let ids: Vec<&str> = hits.iter().map(|h| h["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"ferry-strike") && ids.contains(&"ferry-strike-wire"));
    let snippet = hits[0]["snippet"].as_str().unwrap();
    let first = &hits[0]["highlights"][0];
    let (start, end) = (
        first["start"].as_u64().unwrap() as usize,
        first["end"].as_u64().unwrap() as usize,
    );
    assert!(
        snippet[start..end].eq_ignore_ascii_case("ferry")
            || snippet[start..end].starts_with("roster")
    );

    let outlet = get(&server().url("/api/search?q=ferry&outlet=Daily%20Tribune")).json();
    assert_eq!(outlet["total"], 1);
    assert_eq!(outlet["hits"][0]["id"], "ferry-strike-wire");

    let paged = get(&server().url("/api/search?q=ferry&limit=1")).json();
    assert_eq!(paged["hits"].as_array().unwrap().len(), 1);
    assert_eq!(paged["next_offset"], 1);

    assert_eq!(get(&server().url("/api/search")).status, 400);
    assert_eq!(get(&server().url("/api/search?q=%20")).status, 400);
    assert_eq!(get(&server().url("/api/search?q=a&limit=0")).status, 400);
    // Malformed query syntax is forgiven rather than an error.
    assert_eq!(
        get(&server().url("/api/search?q=%22ferry+AND+(")).status,
        200
    );
}

/// The first story of the fixtures, single-source ones included (the
/// fixtures are one outlet's story each, and a wire copy of one).
fn first_story_id() -> String {
    let json = get(&server().url("/api/stories?single_source=show")).json();
    json["stories"][0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no stories: {json}"))
        .to_string()
}

#[test]
fn api_stories_lists_the_stored_stories() {
    let response = get(&server().url("/api/stories"));
    assert_eq!(response.status, 200);
    assert_eq!(response.content_type, JSON);
    let json = response.json();
    assert_eq!(json["available"], true);
    let stories = json["stories"].as_array().expect("stories");
    // Listed by default: stories told by two or more sources only.
    assert!(
        stories
            .iter()
            .all(|s| s["single_source"] == false && s["sources"].as_u64() >= Some(2)),
        "{json}"
    );
    let every = get(&server().url("/api/stories?single_source=show&limit=100")).json();
    let all = every["stories"].as_array().expect("stories");
    let total: u64 = all
        .iter()
        .map(|s| s["article_count"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(total, 5, "every fixture article is in one story: {every}");
    let only = get(&server().url("/api/stories?single_source=only&limit=100")).json();
    let singles = only["stories"].as_array().map_or(0, Vec::len);
    assert_eq!(singles + stories.len(), all.len(), "{every}");
    assert!(only["stories"]
        .as_array()
        .into_iter()
        .flatten()
        .all(|s| s["single_source"] == true && s["sources"] == 1));
    assert_eq!(
        get(&server().url("/api/stories?single_source=maybe")).status,
        400
    );
    let one = get(&server().url("/api/stories?single_source=show&limit=1")).json();
    assert_eq!(one["stories"].as_array().map(Vec::len), Some(1));
    assert_eq!(one["next_offset"], 1);
    assert_eq!(get(&server().url("/api/stories?limit=0")).status, 400);

    let id = first_story_id();
    let story = get(&server().url(&format!("/api/stories/{id}")));
    assert_eq!(story.status, 200);
    let doc = story.json();
    assert_eq!(doc["id"], id.as_str());
    assert!(doc["coverage"]["facts"].is_object());
    let missing = get(&server().url("/api/stories/nope"));
    assert_eq!(missing.status, 404);
    assert_eq!(missing.content_type, JSON);
}

#[test]
fn story_pages_list_and_compare_with_escaping() {
    let list = get(&server().url("/stories?single_source=show"));
    assert_eq!(list.status, 200);
    assert_eq!(list.content_type, HTML);
    let id = first_story_id();
    // By default the fixtures' single-source stories are counted, not
    // listed, with a link that shows them.
    let default = get(&server().url("/stories")).body;
    assert!(
        default.contains("reported by one source only are not listed")
            && default.contains("href=\"/?single_source=show\""),
        "{default}"
    );
    let singles = get(&server().url("/api/stories?single_source=only")).json();
    for single in singles["stories"].as_array().into_iter().flatten() {
        let href = format!("href=\"/stories/{}\"", single["id"].as_str().unwrap_or(""));
        assert!(!default.contains(&href), "{href} listed by default");
        assert!(list.body.contains(&href), "{href} not shown on request");
    }
    assert!(list.body.contains("single source"));
    assert!(list.body.contains(&format!("href=\"/stories/{id}\"")));
    assert!(get(&server().url("/articles"))
        .body
        .contains("href=\"/stories\""));

    let page = get(&server().url(&format!("/stories/{id}")));
    assert_eq!(page.status, 200);
    assert!(page.body.contains("class=\"timeline\""));
    assert!(page.body.contains("class=\"column\""));
    assert!(page.body.contains("?hl="), "findings link to sentences");
    // Every story page escapes what it shows.
    let json = get(&server().url("/api/stories?single_source=show")).json();
    for story in json["stories"].as_array().into_iter().flatten() {
        let id = story["id"].as_str().unwrap_or_default();
        let body = get(&server().url(&format!("/stories/{id}"))).body;
        assert!(!body.contains("<script>"), "unescaped markup on {id}");
    }
    assert_eq!(get(&server().url("/stories?offset=x")).status, 400);
    let beyond = get(&server().url("/stories?offset=500"));
    assert_eq!(beyond.status, 200);
    assert!(beyond.body.contains("No stories on this page."));
    assert!(beyond.body.contains("← Previous"));
    let missing = get(&server().url("/stories/nope"));
    assert_eq!(missing.status, 404);
    assert_eq!(missing.content_type, HTML);
}

#[test]
fn coverage_over_time_counts_per_day_as_json_and_svg() {
    // The fixtures: ferry stories on 4, 5 and 6 March (the wire copy
    // included in search, which counts articles, not stories).
    let chart = get(&server().url("/api/coverage?q=ferry")).json();
    assert_eq!(chart["bucket"], "day", "{chart}");
    assert_eq!(chart["groups"][3], "unrated");
    let buckets = chart["buckets"].as_array().expect("buckets");
    assert_eq!(
        buckets.first().map(|b| b["start"].clone()),
        Some("2026-03-04".into())
    );
    let total: u64 = buckets
        .iter()
        .flat_map(|b| b["counts"].as_array().cloned().unwrap_or_default())
        .filter_map(|c| c.as_u64())
        .sum();
    assert_eq!(total, chart["counted"].as_u64().unwrap_or(0));
    assert!(total >= 2, "{chart}");
    // A story's chart, and user groups with the rest as "other".
    let id = first_story_id();
    let story = get(&server().url(&format!("/api/coverage?story={id}"))).json();
    assert_eq!(story["subject"]["kind"], "story");
    let grouped = get(&server().url("/api/coverage?q=ferry&groups=Herald:Harbour%20Herald")).json();
    assert_eq!(grouped["groups"], serde_json::json!(["Herald", "other"]));
    let svg = get(&server().url("/coverage.svg?q=ferry"));
    assert_eq!(svg.status, 200);
    assert!(
        svg.content_type.starts_with("image/svg+xml"),
        "{}",
        svg.content_type
    );
    assert!(
        svg.body.starts_with("<svg") && svg.body.contains("<title>"),
        "{}",
        svg.body
    );
    assert!(!svg.body.contains("<script"));
    // The story page and the search page show it, with its JSON.
    let page = get(&server().url(&format!("/stories/{id}"))).body;
    // Link previews and a stable address.
    assert!(page.contains("<meta property=\"og:title\""), "{page}");
    assert!(page.contains("<meta property=\"og:description\" content=\""));
    assert!(page.contains(&format!("<link rel=\"canonical\" href=\"/stories/{id}\">")));
    let article = get(&server().url("/articles/budget?hl=0-3")).body;
    assert!(article.contains("<link rel=\"canonical\" href=\"/articles/budget\">"));
    assert!(
        article.contains("og:description\" content=\"Capital Ledger: "),
        "{article}"
    );
    assert!(
        page.contains(&format!("src=\"/coverage.svg?story={id}\"")),
        "{page}"
    );
    let search = get(&server().url("/search?q=ferry")).body;
    assert!(search.contains("src=\"/coverage.svg?q=ferry\""), "{search}");
    let everything = get(&server().url("/api/coverage")).json();
    assert_eq!(everything["subject"]["value"], "*", "{everything}");
    assert!(
        everything["counted"].as_u64().unwrap_or(0) >= total,
        "{everything}"
    );
    for bad in ["q=ferry&groups=nogroup", "story=nope", "from=x", "q=%0C"] {
        let answer = get(&server().url(&format!("/api/coverage?{bad}")));
        assert!(
            matches!(answer.status, 400 | 404),
            "{bad}: {}",
            answer.status
        );
        assert!(answer.json()["error"].is_string(), "{bad}");
    }
}

#[test]
fn search_filters_by_dates_and_finds_stories() {
    // The fixtures are dated 1–6 March 2026.
    let all = get(&server().url("/api/search?q=ferry")).json();
    let total = all["total"].as_u64().unwrap_or(0);
    assert!(total >= 2, "{all}");
    let early = get(&server().url("/api/search?q=ferry&to=2026-03-04")).json();
    assert!(early["total"].as_u64().unwrap_or(0) < total, "{early}");
    for hit in early["hits"].as_array().into_iter().flatten() {
        assert!(
            hit["published"].as_str().is_some_and(|d| d <= "2026-03-04"),
            "{hit}"
        );
    }
    let none = get(&server().url("/api/search?q=ferry&from=2030-01-01")).json();
    assert_eq!(none["total"], 0);
    // The fixtures' outlets are unrated: no outlet is on the left.
    let left = get(&server().url("/api/search?q=ferry&lean=left")).json();
    assert_eq!(left["total"], 0, "{left}");
    assert_eq!(
        get(&server().url("/api/search?q=ferry&lean=up")).status,
        400
    );
    let inverted = get(&server().url("/api/search?q=ferry&from=2026-03-05&to=2026-03-01"));
    assert_eq!(inverted.status, 200, "an empty range is no error");
    assert_eq!(inverted.json()["total"], 0);
    // The page keeps the filters in its form and its pager.
    let page = get(&server().url("/search?q=ferry&to=2026-03-04")).body;
    assert!(page.contains("name=\"to\" value=\"2026-03-04\""), "{page}");
    // Stories whose title holds the words are listed above the articles.
    let stories = all["stories"].as_array().cloned().unwrap_or_default();
    let listed = get(&server().url("/api/stories")).json();
    let multi_source_ferry = listed["stories"].as_array().into_iter().flatten().any(|s| {
        s["title"]
            .as_str()
            .is_some_and(|t| t.to_lowercase().contains("ferry"))
    });
    assert_eq!(!stories.is_empty(), multi_source_ferry, "{all}");
}

#[test]
fn article_page_highlights_a_linked_span() {
    let plain = get(&server().url("/articles/budget")).body;
    assert!(!plain.contains("<mark"));
    let page = get(&server().url("/articles/budget?hl=0-3#hl"));
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<mark id=\"hl\">"), "{}", page.body);
    // Out of range or malformed ranges are ignored, not errors.
    for bad in ["999999-1000000", "5-2", "x-y", "3"] {
        let page = get(&server().url(&format!("/articles/budget?hl={bad}")));
        assert_eq!(page.status, 200, "{bad}");
        assert!(!page.body.contains("<mark"), "{bad}");
    }
}

#[test]
fn every_route_in_the_openapi_description_answers() {
    let response = get(&server().url("/api/openapi.json"));
    assert_eq!(response.status, 200);
    assert_eq!(response.content_type, JSON);
    let spec = response.json();
    assert!(spec["openapi"].as_str().unwrap().starts_with("3."));
    let paths = spec["paths"].as_object().unwrap();
    // Routes the router serves under /api must all be described.
    for route in [
        "/api/health",
        "/api/articles",
        "/api/articles.csv",
        "/api/articles/{id}",
        "/api/search",
        "/api/search.csv",
        "/api/entities",
        "/api/entities.csv",
        "/api/entities/{id}",
        "/api/stories",
        "/api/stories/{id}",
        "/api/stories/{id}/{table}",
        "/api/stories.csv",
        "/api/coverage",
        "/api/feeds",
        "/api/ingest",
        "/api/openapi.json",
    ] {
        assert!(paths.contains_key(route), "{route} is not in openapi.json");
    }
    for (path, item) in paths {
        if item["get"].is_null() {
            // A write (POST only): it must say it needs the token.
            assert!(
                item["post"]["responses"]["401"].is_object(),
                "{path}: no GET and no token rule"
            );
            continue;
        }
        // Required parameters, and those with an example (one of several
        // alternatives, like search's q or entity).
        let required_query: Vec<String> = item["get"]["parameters"]
            .as_array()
            .map(|ps| {
                ps.iter()
                    .filter(|p| {
                        p["in"] == "query" && (p["required"] == true || p["example"].is_string())
                    })
                    .map(|p| {
                        let value = p["example"].as_str().unwrap_or("ferry");
                        format!("{}={value}", p["name"].as_str().unwrap())
                    })
                    .collect()
            })
            .unwrap_or_default();
        let id = if path.starts_with("/api/stories/") {
            first_story_id()
        } else if path.starts_with("/api/entities/") {
            url_encode(OKAFOR)
        } else {
            "budget".to_string()
        };
        let mut url = path
            .replace("{id}", &id)
            .replace("{name}", "Capital%20Ledger")
            .replace("{table}", "facts.csv");
        if !required_query.is_empty() {
            url = format!("{url}?{}", required_query.join("&"));
        }
        let answer = get(&server().url(&url));
        assert_eq!(answer.status, 200, "{url}: {}", answer.body);
        // The type the spec documents for a 200 (JSON, or CSV for tables).
        let documented_type = item["get"]["responses"]["200"]["content"]
            .as_object()
            .and_then(|c| c.keys().next().cloned())
            .unwrap_or_else(|| JSON.to_string());
        assert!(
            answer.content_type.starts_with(&documented_type),
            "{url}: {} is not {documented_type}",
            answer.content_type
        );
        if documented_type != JSON {
            continue;
        }
        // Every property the spec says is required is present.
        let documented =
            &item["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"];
        if let Some(reference) = documented.as_str() {
            let name = reference.trim_start_matches("#/components/schemas/");
            let schema = &spec["components"]["schemas"][name];
            let body = answer.json();
            for field in schema["required"].as_array().into_iter().flatten() {
                let field = field.as_str().unwrap();
                assert!(
                    body.get(field).is_some(),
                    "{url} lacks {field} required by {name}"
                );
            }
        }
    }
}

#[test]
fn a_story_table_downloads_as_csv_with_its_references() {
    let id = first_story_id();
    let facts = get(&server().url(&format!("/api/stories/{id}/facts.csv")));
    assert_eq!(facts.status, 200, "{}", facts.body);
    assert!(
        facts.content_type.starts_with("text/csv"),
        "{}",
        facts.content_type
    );
    let mut rows = facts.body.split("\r\n");
    assert_eq!(
        rows.next(),
        Some("story,fact,fact_text,article,outlet,start,end,sentence,similarity,primary")
    );
    let quotes = get(&server().url(&format!("/api/stories/{id}/quotes.csv")));
    assert_eq!(quotes.status, 200);
    assert!(quotes
        .body
        .starts_with("story,quote,speaker,article,outlet,start,end,text"));
    let articles = get(&server().url(&format!("/api/stories/{id}/articles.csv")));
    assert!(articles.body.lines().count() >= 2, "{}", articles.body);
    let unknown = get(&server().url(&format!("/api/stories/{id}/secrets.csv")));
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.content_type, JSON);
    let missing = get(&server().url("/api/stories/st-nope/facts.csv"));
    assert_eq!(missing.status, 404);
}

/// Percent-encoding for a path segment, as the pages write links.
fn url_encode(value: &str) -> String {
    parallax_serve::html::url_encode(value)
}

#[test]
fn article_page_marks_entities_quotes_and_dates() {
    let page = get(&server().url("/articles/harbour-master"));
    assert_eq!(page.status, 200);
    let body = &page.body;
    let okafor = format!("href=\"/entities/{}\"", url_encode(OKAFOR));
    // Every mention of the harbour master links to her entity page.
    assert!(
        body.matches(&format!("<a class=\"ent person\" {okafor}"))
            .count()
            >= 3,
        "{body}"
    );
    // Her quote is marked as speech, with the speaker after it.
    assert!(
        body.contains("<span class=\"q speech\" title=\"Quote: Ada Okafor (said)\">"),
        "{body}"
    );
    assert!(
        body.contains("<span class=\"who\">Ada Okafor</span>"),
        "{body}"
    );
    // Dates carry their resolved value; Wednesday before 6 March 2026 is the 4th.
    assert!(
        body.contains("<time class=\"date\" datetime=\"2026-03-04\" data-iso=\"2026-03-04\""),
        "{body}"
    );
    // The legend, the switch to plain text, and the sidebar with links.
    assert!(body.contains("<p class=\"legend\">"));
    assert!(body.contains("href=\"/articles/harbour-master?marks=off\""));
    assert!(body.contains("<aside class=\"entities\"><h2>Named in this article</h2>"));
    let aside = body
        .split("<aside class=\"entities\">")
        .nth(1)
        .unwrap_or("");
    assert!(aside.contains(&okafor), "{aside}");
    assert!(aside.contains("Ben Marsh"), "{aside}");
    assert!(aside.contains("<h3>Quoted</h3>"), "{aside}");

    // Plain text: no marks at all, same words.
    let plain = get(&server().url("/articles/harbour-master?marks=off")).body;
    let plain_text = plain
        .split("<div class=\"body\">")
        .nth(1)
        .and_then(|b| b.split("</div>").next())
        .unwrap_or("");
    assert!(!plain_text.contains("class=\"ent"), "{plain_text}");
    assert!(!plain_text.contains("class=\"q"), "{plain_text}");
    assert!(plain.contains("Mark entities, quotes and dates"));
    assert!(plain.contains(
        "<p>Harbour master Ada Okafor defended the new ferry timetable on Wednesday.</p>"
    ));

    // A linked range nests with the marks: still one anchor, every tag closed.
    let linked = get(&server().url("/articles/harbour-master?hl=10-40#hl")).body;
    assert_eq!(linked.matches("id=\"hl\"").count(), 1, "{linked}");
    let text = linked.split("<div class=\"body\">").nth(1).unwrap_or("");
    let text = text.split("</div>").next().unwrap_or("");
    assert_eq!(
        text.matches("<mark").count(),
        text.matches("</mark>").count()
    );
    assert_eq!(text.matches("<a ").count(), text.matches("</a>").count());
    assert_eq!(
        text.matches("<span").count(),
        text.matches("</span>").count()
    );
}

#[test]
fn entity_list_filters_by_name_and_kind() {
    let page = get(&server().url("/entities"));
    assert_eq!(page.status, 200);
    assert_eq!(page.content_type, HTML);
    assert!(page.body.contains("<h1>Entities</h1>"));
    let okafor = format!("href=\"/entities/{}\"", url_encode(OKAFOR));
    assert!(page.body.contains(&okafor), "{}", page.body);
    assert!(
        page.body.contains("href=\"/entities\">Entities</a>"),
        "nav link"
    );

    let named = get(&server().url("/entities?name=okafor&kind=person")).body;
    assert!(named.contains(&okafor));
    assert!(!named.contains("Ben Marsh"));
    assert!(named.contains("<option value=\"person\" selected>"));
    let places = get(&server().url("/entities?name=okafor&kind=location")).body;
    assert!(places.contains("No entities match these filters."));

    let api = get(&server().url("/api/entities?name=okafor"));
    assert_eq!(api.status, 200);
    assert_eq!(api.content_type, JSON);
    let json = api.json();
    let first = &json["entities"][0];
    assert_eq!(first["id"], OKAFOR);
    assert_eq!(first["name"], "Ada Okafor");
    assert_eq!(first["kind"], "person");
    assert_eq!(first["articles"], 1);
    assert!(first["quotes_by"].as_u64().unwrap_or(0) >= 1, "{json}");
    let all = get(&server().url("/api/entities?limit=1")).json();
    assert_eq!(all["entities"].as_array().map(Vec::len), Some(1));
    assert_eq!(all["next_offset"], 1);
}

#[test]
fn entity_page_lists_quotes_by_and_about_it() {
    let url = format!("/entities/{}", url_encode(OKAFOR));
    let page = get(&server().url(&url));
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.content_type, HTML);
    let body = &page.body;
    assert!(body.contains("<h1><span class=\"ent person\">Ada Okafor</span></h1>"));
    assert!(body.contains("Harbour master"), "roles: {body}");
    assert!(body.contains("Harbour Herald (1)"), "outlets: {body}");
    let by = body
        .split("<section class=\"quotes-by\"")
        .nth(1)
        .and_then(|s| s.split("</section>").next())
        .unwrap_or("");
    assert!(by.contains("Quotes by Ada Okafor (1)"), "{by}");
    assert!(by.contains("The crossings will run every hour from Thursday"));
    assert!(by.contains("href=\"/articles/harbour-master?hl="), "{by}");
    assert!(by.contains("<span class=\"badge\">said</span>"), "{by}");
    let about = body
        .split("<section class=\"quotes-about\"")
        .nth(1)
        .and_then(|s| s.split("</section>").next())
        .unwrap_or("");
    assert!(
        about.contains("Okafor had ignored the islanders"),
        "{about}"
    );
    assert!(about.contains("— Ben Marsh"), "{about}");
    assert!(body.contains("href=\"/articles/harbour-master\""));
    assert!(body.contains(&format!("href=\"/search?entity={}\"", url_encode(OKAFOR))));

    // The link goes to the quote's sentence, highlighted.
    let link = by
        .split("href=\"")
        .find(|part| part.starts_with("/articles/harbour-master?hl="))
        .and_then(|part| part.split('"').next())
        .expect("quote link")
        .replace("&amp;", "&");
    let article = get(&server().url(&link)).body;
    let marked = article.split("<mark id=\"hl\">").nth(1).unwrap_or("");
    assert!(marked.contains("The crossings"), "{link}: {article}");

    let api = get(&server().url(&format!("/api/entities/{}", url_encode(OKAFOR))));
    assert_eq!(api.status, 200);
    let json = api.json();
    assert_eq!(json["entity"]["id"], OKAFOR);
    assert_eq!(json["quotes_by"][0]["article"], "harbour-master");
    assert_eq!(json["quotes_by"][0]["speaker"], "Ada Okafor");
    assert_eq!(json["quotes_by"][0]["cue"], "said");
    assert_eq!(json["quotes_about"][0]["speaker"], "Ben Marsh");
    assert_eq!(json["articles"][0]["id"], "harbour-master");
    assert_eq!(json["outlets"][0]["outlet"], "Harbour Herald");
}

#[test]
fn entity_routes_survive_hostile_and_out_of_range_input() {
    // An id full of markup: a 404 page that shows it escaped.
    let hostile = get(&server().url("/entities/%3Cscript%3Ealert(1)%3C%2Fscript%3E"));
    assert_eq!(hostile.status, 404);
    assert_eq!(hostile.content_type, HTML);
    assert!(!hostile.body.contains("<script>alert"));
    assert!(hostile
        .body
        .contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let api = get(&server().url("/api/entities/%3Cscript%3E"));
    assert_eq!(api.status, 404);
    assert_eq!(api.content_type, JSON);
    assert_eq!(get(&server().url("/entities/person%3Anobody")).status, 404);
    // Ids with slashes and quotes stay one path segment.
    assert_eq!(
        get(&server().url("/entities/person%3Aa%2Fb%22c")).status,
        404
    );

    let bad_kind = get(&server().url("/entities?kind=%3Cb%3Ebold"));
    assert_eq!(bad_kind.status, 400);
    assert!(!bad_kind.body.contains("<b>bold"));
    assert!(bad_kind.body.contains("kind must be one of"));
    assert_eq!(get(&server().url("/api/entities?kind=planet")).status, 400);
    assert_eq!(get(&server().url("/api/entities?limit=0")).status, 400);
    assert_eq!(
        get(&server().url("/api/entities?offset=99999999999999999999999")).status,
        400
    );
    // A name filter with SQL wildcards and quotes is plain text.
    let wild = get(&server().url("/api/entities?name=%25%27%22_"));
    assert_eq!(wild.status, 200);
    assert_eq!(wild.json()["entities"].as_array().map(Vec::len), Some(0));

    // Far pages within the declared bound are empty pages; beyond it, 400.
    let far = get(&server().url("/entities?offset=1000000"));
    assert_eq!(far.status, 200);
    assert!(far.body.contains("No entities on this page."));
    assert!(far.body.contains("← Previous"));
    let url = format!("/entities/{}?offset=999999", url_encode(OKAFOR));
    let far_page = get(&server().url(&url));
    assert_eq!(far_page.status, 200);
    assert!(far_page.body.contains("No articles on this page."));
    let api_far = get(&server().url(&format!(
        "/api/entities/{}?offset=1000000",
        url_encode(OKAFOR)
    )));
    assert_eq!(api_far.status, 200);
    assert_eq!(api_far.json()["articles"].as_array().map(Vec::len), Some(0));
    let beyond = get(&server().url(&format!(
        "/api/entities/{}?offset=1000001",
        url_encode(OKAFOR)
    )));
    assert_eq!(beyond.status, 400);
    assert!(beyond.json()["error"]
        .as_str()
        .is_some_and(|e| e.contains("between 0 and 1000000")));
    assert_eq!(
        get(&server().url(&format!("/api/entities/{}?limit=101", url_encode(OKAFOR)))).status,
        400
    );
}

#[test]
fn search_lists_matching_entities_and_filters_by_entity() {
    let page = get(&server().url("/search?q=okafor"));
    assert_eq!(page.status, 200);
    let body = &page.body;
    let okafor = format!("href=\"/entities/{}\"", url_encode(OKAFOR));
    let entity_at = body.find(&okafor).expect("entity listed");
    let hits_at = body.find("1 article match").expect("article hits");
    assert!(entity_at < hits_at, "entities come above the hits");
    assert!(body.contains("<section class=\"entity-matches\">"));

    let filtered = get(&server().url(&format!("/search?entity={}", url_encode(OKAFOR))));
    assert_eq!(filtered.status, 200);
    let body = &filtered.body;
    assert!(body.contains("Only articles that mention"), "{body}");
    assert!(body.contains(&format!("{okafor}>Ada Okafor</a>")), "{body}");
    assert!(body.contains("1 article match this entity."), "{body}");
    assert!(body.contains("href=\"/articles/harbour-master\""));
    assert!(!body.contains("href=\"/articles/budget\""));
    // Words and entity together; the hidden field keeps the filter.
    let both = get(&server().url(&format!("/search?q=rosters&entity={}", url_encode(OKAFOR))));
    assert!(both.body.contains("No articles match “rosters”."));
    assert!(both
        .body
        .contains("<input type=\"hidden\" name=\"entity\" value=\"person:ada okafor\">"));

    let api = get(&server().url("/api/search?q=okafor")).json();
    assert_eq!(api["entities"][0]["id"], OKAFOR);
    assert_eq!(api["hits"][0]["id"], "harbour-master");
    // The API wants words: `*` for every article about the entity.
    let by_entity =
        get(&server().url(&format!("/api/search?q=*&entity={}", url_encode(OKAFOR)))).json();
    assert_eq!(by_entity["total"], 1);
    assert_eq!(by_entity["entity"], OKAFOR);
    assert_eq!(by_entity["entities"].as_array().map(Vec::len), Some(0));
    let without_words = get(&server().url(&format!("/api/search?entity={}", url_encode(OKAFOR))));
    assert_eq!(without_words.status, 400);
    assert!(without_words.json()["error"]
        .as_str()
        .is_some_and(|e| e.contains("q (the search words")));
    // An unknown or hostile entity id matches nothing, escaped on the page.
    let unknown = get(&server().url("/search?entity=%3Cscript%3E"));
    assert_eq!(unknown.status, 200);
    assert!(!unknown.body.contains("<script>"));
    assert!(unknown.body.contains("No articles match this entity."));
    assert_eq!(
        get(&server().url("/api/search?sort=oldest&q=x")).status,
        400
    );
}

#[test]
fn story_pages_link_quoted_speakers_to_their_entities() {
    let json = get(&server().url("/api/stories?single_source=show")).json();
    let okafor = format!("href=\"/entities/{}\"", url_encode(OKAFOR));
    let mut linked = false;
    for story in json["stories"].as_array().into_iter().flatten() {
        let id = story["id"].as_str().unwrap_or_default();
        let body = get(&server().url(&format!("/stories/{id}"))).body;
        if body.contains("— Ada Okafor") || body.contains(&okafor) {
            assert!(
                !body.contains("— Ada Okafor</span>"),
                "the speaker is a link: {body}"
            );
            linked |= body.contains(&okafor);
        }
    }
    assert!(linked, "no story page shows the harbour master's quote");
}

#[test]
fn a_moved_story_id_redirects_to_the_story_that_holds_its_articles() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("parallax.db");
    common::fill_store(&db, &fixtures());
    let target = {
        use parallax_store::Store;
        let mut store = parallax_store::SqliteStore::open(&db).expect("open");
        let current: Vec<String> = store
            .list_stories()
            .expect("stories")
            .into_iter()
            .map(|s| s.id)
            .collect();
        let target = current[0].clone();
        let moves = [parallax_store::StoryMove {
            from: "st-merged-away".into(),
            to: target.clone(),
        }];
        store
            .update_stories(&[], &current, &moves)
            .expect("record the move");
        target
    };
    let server = TestServer::start_on(dir, db);
    let page = common::get_no_redirect(&server.url("/stories/st-merged-away"));
    assert_eq!(page.status, 301);
    let location = format!("/stories/{target}");
    assert_eq!(page.header("location"), Some(location.as_str()));
    assert!(page.body.contains(&location), "{}", page.body);
    let api = common::get_no_redirect(&server.url("/api/stories/st-merged-away"));
    assert_eq!(api.status, 301);
    assert_eq!(api.json()["moved_to"], target.as_str());
    // A client that follows redirects lands on the story itself.
    let followed = get(&server.url("/api/stories/st-merged-away"));
    assert_eq!(followed.status, 200);
    assert_eq!(followed.json()["id"], target.as_str());
    assert_eq!(get(&server.url("/stories/st-never-was")).status, 404);
}

/// The id of the listed story (single-source ones included) that holds
/// `article`.
fn story_holding(article: &str) -> String {
    let json = get(&server().url("/api/stories?single_source=show")).json();
    json["stories"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["id"].as_str())
        .find(|id| {
            let doc = get(&server().url(&format!("/api/stories/{id}"))).json();
            doc["articles"]
                .as_array()
                .is_some_and(|a| a.iter().any(|x| x == article))
        })
        .unwrap_or_else(|| panic!("no story holds {article}"))
        .to_string()
}

#[test]
fn a_wire_copy_is_one_column_also_published_by_its_outlet() {
    let id = story_holding("ferry-strike-wire");
    let doc = get(&server().url(&format!("/api/stories/{id}"))).json();
    assert_eq!(doc["republished"][0]["article"], "ferry-strike-wire");
    assert_eq!(doc["republished"][0]["copy_of"], "ferry-strike");
    let page = get(&server().url(&format!("/stories/{id}"))).body;
    assert!(page.contains("Also published by"), "{page}");
    assert!(page.contains("href=\"/articles/ferry-strike-wire\">Daily Tribune</a>"));
    assert!(page.contains("1 republication not counted"));
    // One column: the copy has none of its own.
    assert!(page.contains("data-article=\"ferry-strike\""));
    assert!(
        !page.contains("data-article=\"ferry-strike-wire\""),
        "{page}"
    );
}

#[test]
fn an_article_page_links_to_its_story() {
    let id = story_holding("ferry-strike");
    let page = get(&server().url("/articles/ferry-strike")).body;
    assert!(
        page.contains(&format!("href=\"/stories/{id}\"")),
        "no link to story {id}:\n{page}"
    );
    assert!(page.contains("In the story"));
}

#[test]
fn home_is_the_stories() {
    let home = get(&server().url("/"));
    assert_eq!(home.status, 200);
    assert!(home.body.contains("<h1>Stories</h1>"), "{}", home.body);
    assert!(home.body.contains("href=\"/articles\""));
    let articles = get(&server().url("/articles"));
    assert!(articles.body.contains("<h1>Articles</h1>"));
}

/// The server store must not change what a reader is told: every JSON
/// route answers the same from PostgreSQL as from SQLite, for the same
/// articles (skipped, saying so, without a PostgreSQL test server).
#[test]
fn postgres_serves_what_sqlite_serves() {
    let Some(pg) = TestServer::start_postgres("the API comparison", &fixtures()) else {
        return;
    };
    let lite = server();
    let json = |server: &TestServer, path: &str| -> serde_json::Value {
        let page = get(&server.url(path));
        assert_eq!(page.status, 200, "{path}: {}", page.body);
        page.json()
    };
    let mut paths = vec![
        "/api/articles".to_string(),
        "/api/articles?outlet=harbour%20herald".to_string(),
        "/api/stories?single_source=show".to_string(),
        "/api/entities".to_string(),
        "/api/outlets".to_string(),
        "/api/search?q=ferry".to_string(),
        "/api/search?q=strike%20ferry&limit=2".to_string(),
    ];
    let listed = |path: &str, key: &str| -> Vec<String> {
        json(lite, path)[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|x| x["id"].as_str().map(str::to_string))
            .collect()
    };
    for id in listed("/api/articles", "articles") {
        paths.push(format!("/api/articles/{id}"));
    }
    for id in listed("/api/stories?single_source=show", "stories") {
        paths.push(format!("/api/stories/{id}"));
    }
    for id in listed("/api/entities", "entities").into_iter().take(8) {
        paths.push(format!(
            "/api/entities/{}",
            id.replace('%', "%25")
                .replace(' ', "%20")
                .replace(':', "%3A")
        ));
    }
    assert!(paths.len() > 12, "{paths:?}");
    for path in &paths {
        assert_eq!(json(&pg, path), json(lite, path), "{path} differs");
    }
}

#[test]
fn the_article_list_downloads_as_csv_with_its_filters() {
    let all = get(&server().url("/api/articles.csv"));
    assert_eq!(all.status, 200, "{}", all.body);
    assert!(
        all.content_type.starts_with("text/csv"),
        "{}",
        all.content_type
    );
    assert!(all
        .header("content-disposition")
        .is_some_and(|d| d.contains("parallax-articles.csv")));
    let mut rows = all.body.split("\r\n").filter(|r| !r.is_empty());
    assert_eq!(
        rows.next(),
        Some("id,title,outlet,published,language,url,format,text_chars")
    );
    let listed = get(&server().url("/api/articles?limit=100")).json();
    let listed = listed["articles"].as_array().expect("articles").len();
    assert_eq!(rows.clone().count(), listed, "{}", all.body);
    // Newest first, as the list; fields with commas and quotes quoted.
    let first = rows.next().expect("a row");
    assert!(first.starts_with("harbour-master,"), "{first}");
    let herald = get(&server().url("/api/articles.csv?outlet=harbour%20herald"));
    let herald_rows: Vec<&str> = herald
        .body
        .split("\r\n")
        .skip(1)
        .filter(|r| !r.is_empty())
        .collect();
    assert_eq!(herald_rows.len(), 2, "{}", herald.body);
    assert!(herald_rows.iter().all(|r| r.contains(",Harbour Herald,")));
    let dated = get(&server().url("/api/articles.csv?from=2026-03-05&to=2026-03-05"));
    assert_eq!(
        dated.body.split("\r\n").filter(|r| !r.is_empty()).count(),
        2
    );
    for bad in ["limit=5", "offset=1", "from=yesterday"] {
        let answer = get(&server().url(&format!("/api/articles.csv?{bad}")));
        assert_eq!(answer.status, 400, "{bad}");
        assert!(answer.json()["error"].is_string());
    }
    // The article list links to it with the same filters.
    let page = get(&server().url("/articles?outlet=Harbour%20Herald")).body;
    assert!(
        page.contains("href=\"/api/articles.csv?outlet=Harbour%20Herald\""),
        "{page}"
    );
}

#[test]
fn the_coverage_page_draws_groups_of_outlets_from_its_form() {
    let page =
        get(&server().url("/coverage?q=ferry&groups=Herald%3AHarbour%20Herald&from=&to=&entity="));
    assert_eq!(page.status, 200, "{}", page.body);
    let body = &page.body;
    assert!(
        body.contains("<form class=\"filters coverage-form\""),
        "{body}"
    );
    assert!(body.contains("name=\"groups\" size=\"48\" value=\"Herald:Harbour Herald\""));
    assert!(
        body.contains("src=\"/coverage.svg?q=ferry&amp;groups=Herald%3AHarbour%20Herald\""),
        "{body}"
    );
    assert!(body.contains("<th scope=\"col\">Herald</th><th scope=\"col\">other</th>"));
    assert!(body.contains("<th scope=\"row\">2026-03-04</th>"));
    // A story's chart keeps the story in the form.
    let id = first_story_id();
    let story = get(&server().url(&format!("/coverage?story={id}"))).body;
    assert!(
        story.contains(&format!("name=\"story\" value=\"{id}\"")),
        "{story}"
    );
    // Every chart links to this page.
    let story_page = get(&server().url(&format!("/stories/{id}"))).body;
    assert!(story_page.contains(&format!("href=\"/coverage?story={id}\"")));
    // Bad groups: the form again, with the reason.
    let bad = get(&server().url("/coverage?q=ferry&groups=nogroup"));
    assert_eq!(bad.status, 400);
    assert!(
        bad.body.contains("has no &#39;:&#39;") || bad.body.contains("has no ':'"),
        "{}",
        bad.body
    );
    assert!(bad.body.contains("coverage-form"));
}

#[test]
fn search_results_and_entities_download_as_csv() {
    let found = get(&server().url("/api/search.csv?q=ferry"));
    assert_eq!(found.status, 200, "{}", found.body);
    assert!(found.content_type.starts_with("text/csv"));
    let rows: Vec<&str> = found.body.split("\r\n").filter(|r| !r.is_empty()).collect();
    assert_eq!(rows[0], "rank,id,title,outlet,published,score");
    let total: usize = found
        .header("x-total-matches")
        .and_then(|t| t.parse().ok())
        .expect("total");
    assert_eq!(rows.len() - 1, total, "{}", found.body);
    assert!(rows[1].starts_with("1,"), "{}", rows[1]);
    let api = get(&server().url("/api/search?q=ferry&limit=100")).json();
    assert_eq!(api["total"].as_u64(), Some(total as u64));
    for bad in ["q=ferry&limit=5", "q=", "entity=x", "q=ferry&from=soon"] {
        let answer = get(&server().url(&format!("/api/search.csv?{bad}")));
        assert_eq!(answer.status, 400, "{bad}");
    }
    // Words that are only non-ASCII spaces match nothing (as /api/search).
    let spaces = get(&server().url("/api/search.csv?q=%C2%85&lean=left"));
    assert_eq!(spaces.status, 200, "{}", spaces.body);
    assert_eq!(spaces.body, "rank,id,title,outlet,published,score\r\n");
    assert_eq!(spaces.header("x-total-matches"), Some("0"));
    let page = get(&server().url("/search?q=ferry")).body;
    assert!(page.contains("href=\"/api/search.csv?q=ferry\""), "{page}");
    let people = get(&server().url("/api/entities.csv?kind=person"));
    assert_eq!(people.status, 200, "{}", people.body);
    let rows: Vec<&str> = people
        .body
        .split("\r\n")
        .filter(|r| !r.is_empty())
        .collect();
    assert_eq!(rows[0], "id,name,kind,articles,mentions,quotes_by");
    assert!(
        rows.iter().any(|r| r.starts_with(&format!("{OKAFOR},"))),
        "{}",
        people.body
    );
    assert!(rows[1..].iter().all(|r| r.contains(",person,")));
    assert_eq!(get(&server().url("/api/entities.csv?limit=3")).status, 400);
    let list = get(&server().url("/entities?kind=person")).body;
    assert!(
        list.contains("href=\"/api/entities.csv?kind=person\""),
        "{list}"
    );
}
