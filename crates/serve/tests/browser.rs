//! Renders pages in headless Chromium, when it is installed, saving
//! screenshots under `target/ui-artifacts/` and checking the DOM the
//! browser built. Skips (with a message) where Chromium is absent; CI
//! installs it with `apt-get install -y chromium`.

mod common;

use common::{artifacts_dir, fixtures, TestServer};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
const BROWSER_TIMEOUT: Duration = Duration::from_secs(90);

/// Runs Chromium once with a fresh profile; returns its stdout.
fn chromium(args: &[String]) -> String {
    let profile = tempfile::tempdir().expect("profile dir");
    let mut command = Command::new(CHROMIUM);
    command
        .args(common::CHROMIUM_FLAGS)
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = command.spawn().expect("start chromium");
    // Read stdout while Chromium runs: a page dump larger than the pipe's
    // buffer (64 KiB) would otherwise block it before it can exit.
    let mut stdout = child.stdout.take().expect("chromium stdout");
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = std::io::Read::read_to_end(&mut stdout, &mut out);
        out
    });
    let started = Instant::now();
    loop {
        match child.try_wait().expect("wait for chromium") {
            Some(_) => break,
            None if started.elapsed() > BROWSER_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("chromium did not finish within {BROWSER_TIMEOUT:?}: {args:?}");
            }
            None => std::thread::sleep(Duration::from_millis(50)),
        }
    }
    let out = reader.join().unwrap_or_default();
    String::from_utf8_lossy(&out).into_owned()
}

fn dump_dom(url: &str) -> String {
    chromium(&["--dump-dom".to_string(), url.to_string()])
}

fn screenshot(url: &str, name: &str, width: u32, height: u32) -> PathBuf {
    screenshot_scaled(url, name, width, height, 1.0)
}

/// A screenshot with CSS pixels scaled by `scale` (below 1 for a smaller
/// file with the same layout).
fn screenshot_scaled(url: &str, name: &str, width: u32, height: u32, scale: f32) -> PathBuf {
    let dir = artifacts_dir();
    std::fs::create_dir_all(&dir).expect("artifacts dir");
    let path = dir.join(format!("{name}.png"));
    let _ = std::fs::remove_file(&path);
    chromium(&[
        format!("--screenshot={}", path.display()),
        format!("--window-size={width},{height}"),
        format!("--force-device-scale-factor={scale}"),
        url.to_string(),
    ]);
    let bytes =
        std::fs::read(&path).unwrap_or_else(|e| panic!("no screenshot {}: {e}", path.display()));
    assert!(
        bytes.starts_with(b"\x89PNG"),
        "{} is not a PNG",
        path.display()
    );
    assert!(
        bytes.len() > 5_000,
        "{} looks blank ({} bytes)",
        path.display(),
        bytes.len()
    );
    path
}

#[test]
fn pages_render_in_headless_chromium() {
    if !Path::new(CHROMIUM).exists() {
        eprintln!("skipping browser test: {CHROMIUM} not found (apt-get install -y chromium)");
        return;
    }
    let server = TestServer::start(&fixtures());

    let list = dump_dom(&server.url("/articles"));
    assert!(list.contains("<h1>Articles</h1>"), "{list}");
    assert!(list.contains("Ferry crews strike over rosters"));
    // The hostile title stayed text: the browser built no script element.
    assert!(!list.contains("<script"), "a script element appeared");
    assert!(list.contains("Mayor &lt;script&gt;alert('pwned')&lt;/script&gt; resigns"));

    let article = dump_dom(&server.url("/articles/hostile"));
    assert!(!article.contains("<script"));
    assert!(!article.contains("<img"));
    assert!(!article.contains("<iframe"));
    assert!(article.contains("<details class=\"removed\">"));
    assert!(
        !article.contains("<details class=\"removed\" open"),
        "removals start collapsed"
    );
    let wire = dump_dom(&server.url("/articles/ferry-strike-wire"));
    assert!(wire.contains("This article is an exact copy of"));

    let search = dump_dom(&server.url("/search?q=libraries"));
    assert!(search.contains("<mark>libraries</mark>"), "{search}");

    let shots = [
        screenshot(&server.url("/articles"), "articles-phone", 390, 844),
        screenshot(&server.url("/articles"), "articles-desktop", 1280, 900),
        screenshot(&server.url("/articles/budget"), "article-phone", 390, 844),
        screenshot(
            &server.url("/articles/ferry-strike-wire"),
            "article-desktop",
            1280,
            900,
        ),
        screenshot(
            &server.url("/articles/hostile"),
            "article-hostile-phone",
            390,
            844,
        ),
        screenshot(&server.url("/search?q=ferry"), "search-phone", 390, 844),
    ];
    for shot in &shots {
        eprintln!("screenshot: {}", shot.display());
    }
}

fn seeds() -> Option<PathBuf> {
    let dir = std::env::var_os("PARALLAX_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
        .join("seeds");
    dir.is_dir().then_some(dir)
}

/// The markup of each `<div class="column" data-article="…">` in `section`,
/// keyed by article id.
fn columns(section: &str) -> Vec<(String, String)> {
    const OPEN: &str = "<div class=\"column\" data-article=\"";
    section
        .split(OPEN)
        .skip(1)
        .map(|part| {
            let (id, rest) = part.split_once('"').expect("column id");
            (id.to_string(), rest.to_string())
        })
        .collect()
}

/// The `<li …>…</li>` items of `column` whose class attribute is `class`.
fn items<'a>(column: &'a str, class: &str) -> Vec<&'a str> {
    let open = format!("<li class=\"{class}\"");
    column
        .split(open.as_str())
        .skip(1)
        .map(|part| part.split("</li>").next().unwrap_or(part))
        .collect()
}

#[test]
fn williamson_story_page_compares_the_seed_articles() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = parallax_store::StoreLocation::Sqlite(dir.path().join("parallax.db"));
    williamson_story_page(dir, db, None);
}

/// The same page, served from PostgreSQL: the server store must give the
/// reader the same story.
#[test]
fn williamson_story_page_on_postgres() {
    let Some(scratch) = parallax_store::scratch::PgScratch::from_env("the browser test")
        .expect("PostgreSQL test server")
    else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    williamson_story_page(dir, scratch.location(), Some(scratch));
}

fn williamson_story_page(
    dir: tempfile::TempDir,
    db: parallax_store::StoreLocation,
    scratch: Option<parallax_store::scratch::PgScratch>,
) {
    if !Path::new(CHROMIUM).exists() {
        eprintln!("skipping browser test: {CHROMIUM} not found (apt-get install -y chromium)");
        return;
    }
    let Some(seeds) = seeds() else {
        eprintln!("skipping story page test: ../shared/seeds not found (set PARALLAX_SHARED)");
        return;
    };
    {
        let mut store = db.open().expect("open store");
        let report = parallax_pipeline::ingest(
            &mut *store,
            &[seeds],
            &[],
            &parallax_ingest::Limits::default(),
            &|_| {},
        )
        .expect("ingest seeds");
        assert_eq!(report.counts.inserted, 5, "{report:?}");
        assert!(report.stories.is_some_and(|n| n > 0), "{report:?}");
    }
    // Screenshots are the SQLite run's: one set, not two racing for a name.
    let shots = scratch.is_none();
    let server = TestServer::start_at(dir, db, scratch, parallax_serve::Limits::default());

    let seed_ids = [
        "000_244fc5b634fe34a8",
        "001_6079b9b1c408e18d",
        "003_dc1ac0e99add50fc",
    ];
    let listing: serde_json::Value =
        serde_json::from_str(&dump_json(&server.url("/api/stories?single_source=show")))
            .expect("stories JSON");
    let story_id = listing["stories"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["id"].as_str())
        .find(|id| {
            let doc = dump_json(&server.url(&format!("/api/stories/{id}")));
            seed_ids.iter().all(|seed| doc.contains(seed))
        })
        .unwrap_or_else(|| panic!("no story holds the Williamson seeds: {listing}"))
        .to_string();

    let url = server.url(&format!("/stories/{story_id}"));
    let dom = dump_dom(&url);
    assert!(!dom.contains("<script"), "a script element appeared");
    // For readers first: the bar, the source table (every seed a row,
    // with its side and ratings), and coverage over time drawn as SVG.
    assert!(dom.contains("class=\"leanbar\""), "no lean bar");
    let table = dom
        .split("<section class=\"sources-table\">")
        .nth(1)
        .and_then(|rest| rest.split("</section>").next())
        .unwrap_or_else(|| panic!("no source table:\n{dom}"));
    for seed in seed_ids {
        assert!(
            table.contains(&format!("/articles/{seed}")),
            "{seed} not in the source table"
        );
    }
    assert!(table.contains("data-label=\"Ratings\""));
    let chart = format!("src=\"/coverage.svg?story={story_id}\"");
    assert!(dom.contains(&chart), "no coverage chart");
    let svg = common::get(&server.url(&format!("/coverage.svg?story={story_id}")));
    assert!(svg.content_type.starts_with("image/svg+xml") && svg.body.starts_with("<svg"));
    assert!(
        dom.contains("<section class=\"timeline\">"),
        "timeline on top"
    );
    // The page offers its tables as CSV downloads, and each link answers
    // with a CSV whose rows name an article and a byte range.
    let facts_link = format!("/api/stories/{story_id}/facts.csv");
    assert!(
        dom.contains(&format!("href=\"{facts_link}\"")),
        "no CSV link"
    );
    let csv = common::get(&server.url(&facts_link));
    assert!(
        csv.content_type.starts_with("text/csv"),
        "{}",
        csv.content_type
    );
    assert!(
        seed_ids.iter().any(|seed| csv.body.contains(seed)),
        "{}",
        csv.body
    );

    // The event holding 000, 001 and 003 shows one column per article.
    let event = dom
        .split("<section class=\"event\"")
        .skip(1)
        .find(|section| {
            let head = section.split('>').next().unwrap_or("");
            seed_ids.iter().all(|seed| head.contains(seed))
        })
        .unwrap_or_else(|| panic!("no event with the three seeds:\n{dom}"));
    let event = event.split("</section>").next().unwrap_or(event);
    let cols = columns(event);
    let ids: Vec<&str> = cols.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids.len(), 3, "{ids:?}");
    for seed in seed_ids {
        assert!(ids.contains(&seed), "{seed} has no column: {ids:?}");
    }
    let column = |seed: &str| -> &str {
        cols.iter()
            .find(|(id, _)| id == seed)
            .map(|(_, markup)| markup.as_str())
            .unwrap_or("")
    };

    // Williamson's letter: one shared quote, marked in 000 and 001 and
    // linked between the two columns by its quote id.
    let letter = |seed: &str| -> String {
        items(column(seed), "quote shared")
            .into_iter()
            .find(|item| item.contains("launched a diplomatic strategy"))
            .unwrap_or_else(|| panic!("{seed} does not mark the letter quote"))
            .to_string()
    };
    let (in_000, in_001) = (letter(seed_ids[0]), letter(seed_ids[1]));
    let quote_id = |item: &str| -> String {
        item.split("data-quote=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_default()
            .to_string()
    };
    assert!(!quote_id(&in_000).is_empty());
    assert_eq!(quote_id(&in_000), quote_id(&in_001), "one shared quote");
    assert!(
        in_000.contains(&format!("-{}\"", seed_ids[1])),
        "000 links to 001's copy: {in_000}"
    );
    assert!(
        in_001.contains(&format!("-{}\"", seed_ids[0])),
        "001 links to 000's copy: {in_001}"
    );
    assert!(in_000.contains("?hl="), "the quote links to its sentence");

    // The Electronic Intifada piece: narrator voice and a scare quote.
    let ei = column(seed_ids[2]);
    assert!(
        items(ei, "flag narrator")
            .iter()
            .any(|item| item.contains("witch hunt")),
        "no narrator flag for “witch hunt” in 003:\n{ei}"
    );
    assert!(
        items(ei, "flag scare")
            .iter()
            .any(|item| item.contains("anti-Semitism crisis")),
        "no scare quote “anti-Semitism crisis” in 003:\n{ei}"
    );

    // The story column links the letter's speaker to his entity page.
    assert!(
        in_000.contains("href=\"/entities/person%3A"),
        "the speaker is not linked: {in_000}"
    );

    williamson_entity_page(&server, &seed_ids, shots);
    // The article page of the first seed: marks in the text, sidebar.
    let article_url = server.url(&format!("/articles/{}", seed_ids[0]));
    let article = dump_dom(&article_url);
    assert!(article.contains("<a class=\"ent person\" href=\"/entities/person%3A"));
    assert!(article.contains("class=\"q speech\""), "no quote marked");
    assert!(
        article.contains("<time class=\"date\" datetime=\"20"),
        "no date resolved"
    );
    assert!(article.contains("<aside class=\"entities\">"));

    if !shots {
        return;
    }
    let shots = [
        screenshot_scaled(&url, "story-williamson", 1280, 1800, 0.75),
        screenshot(&article_url, "article-marked-desktop", 1280, 1100),
        screenshot(&article_url, "article-marked-phone", 390, 1200),
        screenshot(&url, "story-williamson-phone", 390, 1400),
        screenshot(
            &server.url("/stories?single_source=show"),
            "stories-phone",
            390,
            844,
        ),
    ];
    for shot in &shots {
        eprintln!("screenshot: {}", shot.display());
    }
}

/// The home page (the story list) with its filters, bar and blindspot flag,
/// and the feeds page with an OPML import done with the admin token and
/// one refused without it, at desktop and phone widths. The stories are
/// written straight into a real store with known leans.
#[test]
fn home_filters_and_feeds_render_in_headless_chromium() {
    if !Path::new(CHROMIUM).exists() {
        eprintln!("skipping browser test: {CHROMIUM} not found (apt-get install -y chromium)");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("parallax.db");
    common::fill_store(&db, &fixtures());
    {
        let mut store = parallax_store::StoreLocation::Sqlite(db.clone())
            .open()
            .expect("open");
        let story = |id: &str, to: &str, sources: usize, lean: (usize, usize, usize)| {
            parallax_store::StoredStory {
                id: id.into(),
                title: format!("Harbour story {id}"),
                date_from: Some("2026-03-01".into()),
                date_to: Some(to.into()),
                article_count: sources,
                outlets: vec!["Harbour Herald".into(), "Daily Tribune".into()],
                sources,
                glance: Some(parallax_store::StoryGlance {
                    left: lean.0,
                    centre: lean.1,
                    right: lean.2,
                    unrated: 0,
                    lede: None,
                }),
                articles: Vec::new(),
                document: serde_json::json!({}),
            }
        };
        store
            .replace_stories(&[
                story("one-sided", "2026-03-08", 4, (4, 0, 0)),
                story("balanced", "2026-03-07", 5, (2, 1, 2)),
            ])
            .expect("stories");
    }
    let server = TestServer::start_admin(
        dir,
        parallax_store::StoreLocation::Sqlite(db),
        None,
        parallax_serve::Limits::default(),
        Some("browser-token"),
    );
    let home = dump_dom(&server.url("/"));
    assert!(home.contains("<form class=\"filters\""), "{home}");
    assert!(home.contains("blindspot: no right coverage"), "{home}");
    assert!(home.contains("class=\"leanbar\""));
    assert!(home.contains("4 left (100%)"), "{home}");
    let filtered = dump_dom(&server.url("/?lean=right&sort=one-sided"));
    assert!(filtered.contains("1 of 2 stories match"), "{filtered}");
    assert!(filtered.contains("href=\"/stories/balanced\""));
    assert!(!filtered.contains("href=\"/stories/one-sided\""));

    let opml = "<opml version=\"2.0\"><body><outline text=\"Harbour Herald\" \
                xmlUrl=\"https://harbour.example/feed.xml\"/></body></opml>";
    let post = |token: &str| {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .into();
        let body = format!(
            "action=import&token={token}&opml={}",
            parallax_serve::html::url_encode(opml)
        );
        agent
            .post(&server.url("/feeds"))
            .header("content-type", "application/x-www-form-urlencoded")
            .send(&body)
            .map(|r| r.status().as_u16())
            .expect("post the form")
    };
    assert_eq!(post("not-the-token"), 401, "refused without the token");
    assert!(!dump_dom(&server.url("/feeds")).contains("harbour.example/feed.xml"));
    assert_eq!(post("browser-token"), 303, "imported with the token");
    let feeds = dump_dom(&server.url("/feeds"));
    assert!(
        feeds.contains("https://harbour.example/feed.xml"),
        "{feeds}"
    );
    assert!(feeds.contains("id=\"import\"") && feeds.contains("type=\"password\""));

    let shots = [
        screenshot(&server.url("/"), "home-desktop", 1280, 900),
        screenshot(&server.url("/"), "home-phone", 390, 844),
        screenshot(&server.url("/?lean=right"), "home-filtered-phone", 390, 844),
        screenshot(&server.url("/feeds"), "feeds-desktop", 1280, 900),
        screenshot(&server.url("/feeds"), "feeds-phone", 390, 844),
    ];
    for shot in &shots {
        eprintln!("screenshot: {}", shot.display());
    }
}

/// A JSON response, fetched over plain HTTP (Chromium is slow on JSON).
fn dump_json(url: &str) -> String {
    common::get(url).body
}

/// Chris Williamson's entity page: found from the entity list, it shows
/// his letter among the quotes by him and the seed articles about him.
fn williamson_entity_page(server: &TestServer, seed_ids: &[&str], shots: bool) {
    let listing: serde_json::Value = serde_json::from_str(&dump_json(
        &server.url("/api/entities?name=williamson&kind=person"),
    ))
    .expect("entities JSON");
    let entity = listing["entities"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| {
            e["name"]
                .as_str()
                .is_some_and(|n| n.contains("Chris Williamson"))
        })
        .unwrap_or_else(|| panic!("no Chris Williamson entity: {listing}"));
    let id = entity["id"].as_str().expect("entity id");
    assert!(entity["articles"].as_u64().unwrap_or(0) >= 3, "{entity}");
    let url = server.url(&format!(
        "/entities/{}",
        parallax_serve::html::url_encode(id)
    ));
    let dom = dump_dom(&url);
    assert!(!dom.contains("<script"), "a script element appeared");
    assert!(dom.contains("Chris Williamson</span></h1>"), "{dom}");
    let by = dom
        .split("<section class=\"quotes-by\"")
        .nth(1)
        .and_then(|s| s.split("</section>").next())
        .unwrap_or_else(|| panic!("no quotes-by section: {dom}"));
    let letter: Vec<&str> = by
        .split("<li class=\"quote")
        .filter(|item| item.contains("launched a diplomatic strategy"))
        .collect();
    assert!(
        !letter.is_empty(),
        "the letter quote is not among the quotes by him:\n{by}"
    );
    assert!(
        letter.iter().all(|item| item.contains("?hl=")),
        "{letter:?}"
    );
    // The letter appears in both articles that print it.
    for seed in &seed_ids[..2] {
        assert!(
            by.contains(&format!("data-article=\"{seed}\"")),
            "{seed} missing from the quotes by him"
        );
    }
    let articles = dom
        .split("<section class=\"entity-articles\">")
        .nth(1)
        .unwrap_or("");
    for seed in seed_ids {
        assert!(
            articles.contains(&format!("href=\"/articles/{seed}\"")),
            "{seed} is not listed among his articles"
        );
    }
    // The quote link opens the article with its sentence highlighted.
    let link = letter[0]
        .split("href=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("quote link")
        .replace("&amp;", "&");
    let article = dump_dom(&server.url(&link));
    let marked = article.split("<mark id=\"hl\">").nth(1).unwrap_or("");
    assert!(
        marked
            .split("</article>")
            .next()
            .unwrap_or("")
            .contains("diplomatic strategy"),
        "{link} does not highlight the letter"
    );

    if !shots {
        return;
    }
    for shot in [
        screenshot_scaled(&url, "entity-williamson", 1280, 1600, 0.75),
        screenshot(&url, "entity-williamson-phone", 390, 1400),
        screenshot(&server.url("/entities"), "entities-phone", 390, 844),
        screenshot(
            &server.url("/search?q=williamson"),
            "search-entities-phone",
            390,
            844,
        ),
    ] {
        eprintln!("screenshot: {}", shot.display());
    }
}
