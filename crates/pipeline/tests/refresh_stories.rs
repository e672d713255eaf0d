//! `ingest` recomputes the stored stories after a run that changed
//! something. Uses the seeds; skips, saying so, when ../shared is absent.

use parallax_ingest::Limits;
use parallax_store::{SqliteStore, Store};
use std::path::PathBuf;

fn seeds() -> Option<PathBuf> {
    let dir = std::env::var_os("PARALLAX_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
        .join("seeds");
    dir.is_dir().then_some(dir)
}

#[test]
fn ingest_stores_stories_and_skips_refresh_when_unchanged() {
    let Some(dir) = seeds() else {
        eprintln!("skipping: ../shared/seeds not found (set PARALLAX_SHARED)");
        return;
    };
    let mut store = SqliteStore::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
    let paths = vec![dir];
    let report = parallax_pipeline::ingest(&mut store, &paths, &[], &Limits::default(), &|_| {})
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.counts.inserted, 5);
    assert_eq!(report.stories_error, None);
    let stored = store.list_stories().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.stories, Some(stored.len()));
    assert!(!stored.is_empty());

    // The Williamson story holds 000, 001 and 003 with their outlets.
    let williamson = stored
        .iter()
        .filter_map(|s| store.get_story(&s.id).ok().flatten())
        .find(|s| {
            let ids = s.document["articles"].to_string();
            [
                "000_244fc5b634fe34a8",
                "001_6079b9b1c408e18d",
                "003_dc1ac0e99add50fc",
            ]
            .iter()
            .all(|id| ids.contains(id))
        })
        .unwrap_or_else(|| panic!("no story with the Williamson seeds: {stored:?}"));
    assert!(williamson.article_count >= 3);
    // Plain-text seeds name no outlet, so there is none to list.
    assert!(williamson.outlets.is_empty(), "{:?}", williamson.outlets);
    assert!(williamson.document["coverage"]["quotes"].is_array());

    // Analyses are stored, and the entities joined across the seeds.
    assert_eq!(report.refreshed.map(|r| r.analysed), Some(5));
    let stale = store
        .stale_analyses(parallax_pipeline::ANALYZER_VERSION)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(stale.is_empty(), "{stale:?}");
    let analysis = parallax_pipeline::read_analysis(&store, "001_6079b9b1c408e18d")
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("analysis of 001 stored"));
    assert!(analysis.quotes.iter().any(|q| q.speaker.is_some()));
    let chris = store
        .entity_articles("person:chris williamson")
        .unwrap_or_else(|e| panic!("{e}"));
    let mut with_him: Vec<&str> = chris.iter().map(|r| r.article_id.as_str()).collect();
    with_him.sort_unstable();
    assert!(
        [
            "000_244fc5b634fe34a8",
            "001_6079b9b1c408e18d",
            "003_dc1ac0e99add50fc"
        ]
        .iter()
        .all(|id| with_him.contains(id)),
        "{with_him:?}"
    );
    let listed = store
        .list_entities(&parallax_store::EntityQuery {
            name: Some("williamson".into()),
            ..Default::default()
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(listed[0].id, "person:chris williamson", "{listed:?}");
    let total: usize = stored.iter().map(|s| s.article_count).sum();
    assert_eq!(total, 5, "every article is in exactly one story");

    // Nothing changed: no recomputation, the stories stay.
    let again = parallax_pipeline::ingest(&mut store, &paths, &[], &Limits::default(), &|_| {})
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.counts.unchanged, 5);
    assert_eq!(again.stories, None);
    assert_eq!(again.refreshed.map(|r| r.analysed), Some(0));
    assert_eq!(
        store.list_stories().unwrap_or_else(|e| panic!("{e}")),
        stored
    );
}

#[test]
fn refresh_on_empty_store_stores_nothing() {
    let mut store = SqliteStore::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
    let report = parallax_pipeline::refresh(&mut store, true).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.stories, Some(0));
    assert_eq!(report.analysed, 0);
    assert!(store
        .list_stories()
        .unwrap_or_else(|e| panic!("{e}"))
        .is_empty());
}
