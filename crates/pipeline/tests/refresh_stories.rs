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
    // Plain-text seeds carry no metadata: only 003 names its outlet (in
    // its author bio's first person); the others stay unknown.
    assert_eq!(williamson.outlets, ["The Electronic Intifada"]);
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
    assert_eq!(stored.len(), 1, "the five seeds are one arc: {stored:?}");

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

fn corpus_files() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x != "md"))
        .collect();
    files.sort();
    files
}

fn stories_of(store: &SqliteStore) -> Vec<(String, Vec<String>, serde_json::Value)> {
    store
        .list_stories()
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|s| {
            let doc = store
                .get_story(&s.id)
                .unwrap_or_else(|e| panic!("{e}"))
                .unwrap_or_else(|| panic!("story {} listed but missing", s.id));
            let mut ids: Vec<String> =
                serde_json::from_value(doc.document["articles"].clone()).unwrap_or_default();
            ids.sort();
            (s.id, ids, doc.document["coverage"].clone())
        })
        .collect()
}

#[test]
fn ingesting_in_two_runs_continues_the_saved_engine() {
    let files = corpus_files();
    assert!(files.len() >= 4, "{files:?}");
    let ingest = |store: &mut SqliteStore, paths: &[PathBuf]| {
        parallax_pipeline::ingest(store, paths, &[], &Limits::default(), &|_| {})
            .unwrap_or_else(|e| panic!("{e}"))
    };

    let mut at_once = SqliteStore::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
    let report = ingest(&mut at_once, &files);
    let first = report.refreshed.and_then(|r| r.story_refresh);
    assert!(first.is_some_and(|r| r.rebuilt), "{first:?}");

    let mut halves = SqliteStore::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
    let (a, b) = files.split_at(files.len() / 2);
    ingest(&mut halves, a);
    let second = ingest(&mut halves, b)
        .refreshed
        .and_then(|r| r.story_refresh)
        .unwrap_or_else(|| panic!("the second run refreshes the stories"));
    assert!(!second.rebuilt, "the saved engine is continued: {second:?}");
    assert!(second.pushed > 0 && second.pushed < at_once.count().unwrap_or(0) as usize);

    // Same events and arcs, same coverage, whichever way the files came in.
    let (x, y) = (stories_of(&at_once), stories_of(&halves));
    let memberships = |s: &[(String, Vec<String>, serde_json::Value)]| {
        let mut m: Vec<Vec<String>> = s.iter().map(|(_, ids, _)| ids.clone()).collect();
        m.sort();
        m
    };
    assert_eq!(memberships(&x), memberships(&y));
    for ((_, ids, cov), (_, ids2, cov2)) in x.iter().zip(&y) {
        if ids == ids2 {
            assert_eq!(cov["quotes"], cov2["quotes"], "{ids:?}");
        }
    }

    // An unchanged re-run keeps everything; a changed article rebuilds.
    let again = ingest(&mut halves, &files);
    assert_eq!(again.stories, None);
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let victim = &files[0];
    let changed = dir.path().join(victim.file_name().unwrap_or_default());
    let mut text = std::fs::read_to_string(victim).unwrap_or_else(|e| panic!("{e}"));
    text = text.replacen("the", "this", 1);
    std::fs::write(&changed, text).unwrap_or_else(|e| panic!("{e}"));
    let updated = ingest(&mut halves, &[changed]);
    assert_eq!(updated.counts.updated, 1, "{:?}", updated.counts);
    let rebuilt = updated.refreshed.and_then(|r| r.story_refresh);
    assert!(rebuilt.is_some_and(|r| r.rebuilt), "{rebuilt:?}");
    // The edited article's story is compared again, not kept from before.
    assert!(
        rebuilt.is_some_and(|r| r.written >= 1 && r.compared >= 1),
        "{rebuilt:?}"
    );
}

/// The glance a listing reads is the story's own comparison in brief: its
/// lean counts are the document's, and its lede is a sentence of the
/// story, carried by at least two outlets, pointing at that sentence.
#[test]
fn every_story_keeps_a_glance_that_agrees_with_its_document() {
    let files = corpus_files();
    let mut store = SqliteStore::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
    parallax_pipeline::ingest(&mut store, &files, &[], &Limits::default(), &|_| {})
        .unwrap_or_else(|e| panic!("{e}"));
    let listed = store.list_stories().unwrap_or_else(|e| panic!("{e}"));
    assert!(!listed.is_empty());
    let mut ledes = 0;
    for summary in listed {
        let story = store
            .get_story(&summary.id)
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("{} listed but not stored", summary.id));
        let glance = summary
            .glance
            .unwrap_or_else(|| panic!("{} has no glance", summary.id));
        let lean = &story.document["coverage"]["lean"];
        assert_eq!(lean["left"], glance.left, "{}", summary.id);
        assert_eq!(lean["centre"], glance.centre);
        assert_eq!(lean["right"], glance.right);
        assert_eq!(lean["unknown"], glance.unrated);
        if let Some(lede) = glance.lede {
            ledes += 1;
            assert!(lede.outlets >= 2, "{lede:?}");
            assert!(story.articles.contains(&lede.article), "{lede:?}");
            let article = store
                .get(&lede.article)
                .unwrap_or_else(|e| panic!("{e}"))
                .unwrap_or_else(|| panic!("{} missing", lede.article));
            assert_eq!(
                article.text.get(lede.start..lede.end),
                Some(lede.text.as_str()),
                "the lede is the sentence it points at"
            );
        }
    }
    assert!(ledes > 0, "the corpus's stories share facts");
}
