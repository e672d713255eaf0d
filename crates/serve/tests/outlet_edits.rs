//! Setting an outlet and a rating from the outlets page, as a person with
//! the admin token would: the rows land in the user's own table (as
//! `parallax outlets set` / `rate` write them), the server's registry
//! takes them at once, and the stored stories are rebuilt so their lean
//! counts the new rating. Bad rows and posts without the token are
//! refused with a reason, and nothing is written.

mod common;

use common::{fill_store, fixtures, form, get, post, TestServer, FORM};
use parallax_store::StoreLocation;
use std::time::{Duration, Instant};

const TOKEN: &str = "ledger-admin-51c2";
const CITATION: &str = "https://ratings.example/harbour-herald";

fn start() -> (tempfile::TempDir, TestServer) {
    // This process's own data directory: the registry reads the user's
    // tables from it.
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
    (data, server)
}

fn left_articles(server: &TestServer) -> u64 {
    get(&server.url("/api/stories?single_source=show")).json()["stories"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["lean"]["left"].as_u64())
        .sum()
}

// One test: the steps share one process-wide registry.
#[test]
fn an_outlet_and_its_rating_set_from_the_page_reach_the_stories() {
    let (data, server) = start();
    let page = get(&server.url("/outlets")).body;
    assert!(page.contains("id=\"set-outlet\""), "{page}");
    assert!(page.contains("id=\"rate-outlet\""));
    assert_eq!(left_articles(&server), 0, "nothing is rated yet");

    // Refused: no token, a wrong one, another site, bad fields.
    let set = [
        ("action", "set"),
        ("name", "Harbour Herald"),
        ("aliases", "The Herald, HH"),
        ("domains", "harbour-herald.example"),
        ("country", "GB"),
        ("kind", "newspaper"),
        ("owner", "Eastport Media Trust"),
    ];
    let without = post(&server, "/outlets", FORM, &[], &form(&set));
    assert_eq!(without.status, 401, "{}", without.body);
    let mut wrong = set.to_vec();
    wrong.push(("token", "guess"));
    assert_eq!(
        post(&server, "/outlets", FORM, &[], &form(&wrong)).status,
        401
    );
    let mut with_token = set.to_vec();
    with_token.push(("token", TOKEN));
    let cross = post(
        &server,
        "/outlets",
        FORM,
        &[("origin", "https://elsewhere.example")],
        &form(&with_token),
    );
    assert_eq!(cross.status, 403);
    let mut bad_kind = with_token.clone();
    bad_kind.retain(|(k, _)| *k != "kind");
    bad_kind.push(("kind", "pamphlet"));
    let refused = post(&server, "/outlets", FORM, &[], &form(&bad_kind));
    assert_eq!(refused.status, 400);
    assert!(
        refused.body.contains("one of wire, newspaper"),
        "{}",
        refused.body
    );
    let rate_unknown = post(
        &server,
        "/outlets",
        FORM,
        &[],
        &form(&[
            ("action", "rate"),
            ("name", "Nowhere Gazette"),
            ("source", "eastport-audit"),
            ("rating", "left"),
            ("citation", CITATION),
            ("token", TOKEN),
        ]),
    );
    assert_eq!(rate_unknown.status, 400);
    assert!(
        rate_unknown.body.contains("add it first"),
        "{}",
        rate_unknown.body
    );
    assert!(
        !data.path().join(parallax_outlets::USER_OUTLETS).exists(),
        "a refused form writes nothing"
    );

    // Set the outlet: saved, and the registry knows it at once.
    let saved = post(&server, "/outlets", FORM, &[], &form(&with_token));
    assert_eq!(saved.status, 303, "{}", saved.body);
    let location = saved.location.expect("redirect");
    assert!(
        location.starts_with("/outlets?saved=Harbour%20Herald#"),
        "{location}"
    );
    let outlet = get(&server.url("/api/outlets/hh")).json();
    assert_eq!(outlet["name"], "Harbour Herald", "{outlet}");
    assert_eq!(outlet["owner"], "Eastport Media Trust");
    let table = std::fs::read_to_string(data.path().join(parallax_outlets::USER_OUTLETS))
        .expect("the user's outlet table");
    assert!(
        table.contains("Harbour Herald|The Herald|HH\tharbour-herald.example\tGB"),
        "{table}"
    );
    let notice = get(&server.url(&location)).body;
    assert!(notice.contains("Saved Harbour Herald"), "{notice}");

    // A rating off the scale is refused; a good one is saved.
    let rate = |rating: &str, citation: &str| {
        post(
            &server,
            "/outlets",
            FORM,
            &[],
            &form(&[
                ("action", "rate"),
                ("name", "the herald"),
                ("source", "eastport-audit"),
                ("rating", rating),
                ("factuality", "high"),
                ("citation", citation),
                ("token", TOKEN),
            ]),
        )
    };
    assert_eq!(rate("mostly fine", CITATION).status, 400);
    assert_eq!(rate("left-center", "not a page").status, 400);
    assert_eq!(rate("left-center", CITATION).status, 303);
    let outlet = get(&server.url("/api/outlets/Harbour%20Herald")).json();
    assert_eq!(outlet["ratings"][0]["rating"], "left-center", "{outlet}");
    assert_eq!(outlet["ratings"][0]["citation"], CITATION);

    // The stories are rebuilt in the background with the rating counted.
    let deadline = Instant::now() + Duration::from_secs(20);
    while left_articles(&server) == 0 {
        assert!(
            Instant::now() < deadline,
            "the stories never counted the new rating: {}",
            get(&server.url("/api/stories?single_source=show")).body
        );
        std::thread::sleep(Duration::from_millis(250));
    }
    let outlets = get(&server.url("/outlets")).body;
    assert!(outlets.contains("eastport-audit"), "{outlets}");
}
