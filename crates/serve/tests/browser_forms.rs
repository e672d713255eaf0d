//! The server's forms used in real headless Chromium, as a person would:
//! text typed into the fields, the button clicked with the mouse, the page
//! the browser lands on read back — OPML import with the admin token and
//! refused with a wrong one (and not sent at all without one), an outlet
//! and its rating set from the outlets page, and the coverage chart's
//! groups of outlets. Screenshots at desktop and phone width go to
//! `target/ui-artifacts/`. Skips (with a message) where Chromium is absent.

mod cdp;
mod common;

use cdp::Browser;
use common::{artifacts_dir, fill_store, fixtures, TestServer};
use parallax_store::StoreLocation;
use std::path::Path;
use std::sync::OnceLock;

const CHROMIUM: &str = "/usr/bin/chromium";
const TOKEN: &str = "quay-admin-88d1";

const OPML: &str = r#"<?xml version="1.0"?>
<opml version="2.0"><head><title>Reader export</title></head><body>
  <outline type="rss" text="Harbour Herald" xmlUrl="https://harbour.example/feed.xml"/>
  <outline type="rss" text="Tribune" xmlUrl="https://tribune.example/rss"/>
</body></opml>"#;

fn chromium() -> bool {
    let found = Path::new(CHROMIUM).exists();
    if !found {
        eprintln!("skipping browser test: {CHROMIUM} not found (apt-get install -y chromium)");
    }
    found
}

struct Fixture {
    server: TestServer,
    _data: tempfile::TempDir,
}

/// One writable server for the process, its outlet tables in a data
/// directory of its own (set before anything reads the registry).
fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let data = tempfile::tempdir().expect("data dir");
        std::env::set_var("PARALLAX_DATA_DIR", data.path());
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("parallax.db");
        fill_store(&db, &fixtures());
        let server = TestServer::start_admin(
            dir,
            StoreLocation::Sqlite(db),
            None,
            parallax_serve::Limits::default(),
            Some(TOKEN),
        );
        Fixture {
            server,
            _data: data,
        }
    })
}

fn shot(browser: &mut Browser, name: &str) {
    let dir = artifacts_dir();
    std::fs::create_dir_all(&dir).expect("artifacts dir");
    let path = dir.join(format!("{name}.png"));
    browser.screenshot(&path);
    let bytes = std::fs::read(&path).expect("screenshot");
    assert!(bytes.starts_with(b"\x89PNG"), "{name} is not a PNG");
    eprintln!("screenshot: {}", path.display());
}

#[test]
fn opml_is_imported_from_the_feeds_form_and_refused_without_the_token() {
    if !chromium() {
        return;
    }
    let server = &fixture().server;
    let mut browser = Browser::start(CHROMIUM, 390, 844);
    browser.open(&server.url("/feeds"));
    // No token: the browser itself does not send the form.
    browser.type_into("#import textarea", OPML);
    browser.click("#import button", false);
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(
        browser.location().ends_with("/feeds"),
        "{}",
        browser.location()
    );
    // A wrong token: sent, and refused by the server.
    browser.type_into("#import input[name=token]", "not-the-token");
    browser.click("#import button", true);
    let refused = browser.text();
    assert!(
        refused.contains("this write needs the server's admin token"),
        "{refused}"
    );
    shot(&mut browser, "feeds-refused-phone");
    // The token: imported, and the list shows both feeds.
    browser.open(&server.url("/feeds"));
    browser.type_into("#import textarea", OPML);
    browser.type_into("#import input[name=token]", TOKEN);
    browser.click("#import button", true);
    assert!(
        browser.location().contains("/feeds?added=2&known=0"),
        "{}",
        browser.location()
    );
    let listed = browser.text();
    assert!(listed.contains("Subscribed to 2 new feeds"), "{listed}");
    assert!(listed.contains("https://tribune.example/rss"), "{listed}");
    shot(&mut browser, "feeds-imported-phone");
}

#[test]
fn an_outlet_and_a_rating_are_set_from_the_outlets_page() {
    if !chromium() {
        return;
    }
    let server = &fixture().server;
    let mut browser = Browser::start(CHROMIUM, 1280, 900);
    browser.open(&server.url("/outlets"));
    browser.type_into("#set-outlet input[name=name]", "Capital Ledger");
    browser.type_into("#set-outlet input[name=domains]", "capital-ledger.example");
    browser.type_into("#set-outlet input[name=country]", "FR");
    browser.select("#set-outlet select[name=kind]", "newspaper");
    browser.type_into("#set-outlet input[name=owner]", "Ledger Cooperative");
    browser.type_into("#set-outlet input[name=token]", TOKEN);
    browser.click("#set-outlet button", true);
    assert!(
        browser
            .location()
            .contains("/outlets?saved=Capital%20Ledger"),
        "{}",
        browser.location()
    );
    let saved = browser.text();
    assert!(saved.contains("Saved Capital Ledger"), "{saved}");
    assert!(saved.contains("Ledger Cooperative"), "{saved}");
    browser.type_into("#rate-outlet input[name=name]", "capital ledger");
    browser.type_into("#rate-outlet input[name=source]", "ledger-audit");
    browser.select("#rate-outlet select[name=rating]", "right-center");
    browser.type_into(
        "#rate-outlet input[name=citation]",
        "https://ratings.example/capital-ledger",
    );
    browser.type_into("#rate-outlet input[name=token]", TOKEN);
    browser.click("#rate-outlet button", true);
    let rated = browser.text();
    assert!(rated.contains("ledger-audit"), "{rated}");
    assert!(rated.contains("right-center"), "{rated}");
    shot(&mut browser, "outlets-edited-desktop");
}

#[test]
fn the_coverage_chart_takes_groups_of_outlets_from_its_form() {
    if !chromium() {
        return;
    }
    let server = &fixture().server;
    for (width, height, name) in [
        (1280, 900, "coverage-groups-desktop"),
        (390, 844, "coverage-groups-phone"),
    ] {
        let mut browser = Browser::start(CHROMIUM, width, height);
        browser.open(&server.url("/coverage?q=ferry"));
        browser.type_into(
            "input[name=groups]",
            "Herald:Harbour Herald;Tribune:Daily Tribune",
        );
        browser.click(".coverage-form button", true);
        let location = browser.location();
        assert!(
            location.contains("groups=Herald%3AHarbour+Herald"),
            "{location}"
        );
        // The drawing loaded, and the table has one column per group.
        let drawn = browser.eval(
            "(() => { const i = document.querySelector('.coverage-chart img'); \
             return i && i.complete && i.naturalWidth > 0; })()",
        );
        assert_eq!(
            drawn,
            serde_json::Value::Bool(true),
            "the chart did not load"
        );
        let heads = browser.eval(
            "[...document.querySelectorAll('.coverage-counts thead th')].map(t => t.textContent).join('|')",
        );
        assert_eq!(heads, "Day|Herald|Tribune|other|All");
        browser.eval("document.querySelector('.coverage-counts').open = true");
        shot(&mut browser, name);
    }
}
