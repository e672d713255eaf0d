//! Stories keep their comparison in the store. A store whose stories were
//! compared by another comparison schema, or from analyses of another
//! analyzer version (an earlier build), gets every story compared again on
//! the next refresh, with no article changed, and a refresh with nothing to
//! do leaves the stories alone.

use parallax_ingest::Limits;
use parallax_pipeline::{refresh, COVERAGE_STATE};
use parallax_store::{ArticleEntity, EngineState, SqliteStore, Store, StoredAnalysis};
use std::collections::HashMap;
use std::path::Path;

#[test]
fn stories_of_an_older_comparison_schema_are_compared_again() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut store = SqliteStore::open(tmp.path().join("s.db")).expect("store");
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/corpus");
    parallax_pipeline::ingest(&mut store, &[corpus], &[], &Limits::default(), &|_| {})
        .expect("ingest");
    let schema = |store: &SqliteStore| {
        store
            .get_state(COVERAGE_STATE)
            .expect("state")
            .map(|s| String::from_utf8_lossy(&s.bytes).to_string())
    };
    assert_eq!(
        schema(&store),
        Some(parallax_compare::SCHEMA_VERSION.to_string())
    );
    let first = store.list_stories().expect("stories");
    assert!(!first.is_empty());

    // Nothing changed: nothing to do.
    let idle = refresh(&mut store, false).expect("refresh");
    assert!(idle.story_refresh.is_none(), "{idle:?}");

    // As an earlier build left it.
    store
        .put_state(
            COVERAGE_STATE,
            &EngineState {
                format: "schema".into(),
                bytes: b"1".to_vec(),
            },
        )
        .expect("state");
    let again = refresh(&mut store, false).expect("refresh");
    assert!(
        again.story_refresh.is_some(),
        "stories compared again: {again:?}"
    );
    assert_eq!(
        schema(&store),
        Some(parallax_compare::SCHEMA_VERSION.to_string())
    );
    let engine = store
        .get_state("stories")
        .expect("state")
        .expect("engine saved");
    assert!(
        !engine.format.starts_with("invalidated"),
        "{}",
        engine.format
    );
    assert_eq!(store.list_stories().expect("stories").len(), first.len());
}

#[test]
fn stories_compared_from_an_older_analyzer_are_compared_again() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut store = SqliteStore::open(tmp.path().join("s.db")).expect("store");
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/corpus");
    parallax_pipeline::ingest(&mut store, &[corpus], &[], &Limits::default(), &|_| {})
        .expect("ingest");
    let stories = store.list_stories().expect("stories").len();
    let articles = usize::try_from(store.count().expect("count")).expect("fits");
    assert!(stories > 1 && articles > stories, "{stories} stories");

    // As an earlier build left the store: every analysis stamped by an
    // older analyzer, and the stories compared from those analyses.
    let mut entities: HashMap<String, Vec<ArticleEntity>> = HashMap::new();
    for e in store.all_article_entities().expect("entities") {
        entities.entry(e.article_id.clone()).or_default().push(e);
    }
    let stamps = store.analysis_stamps().expect("stamps");
    assert_eq!(stamps.len(), articles);
    let mut old = Vec::new();
    for (id, _) in stamps {
        let analysis = store.get_analysis(&id).expect("read").expect("analysis");
        old.push((
            StoredAnalysis {
                analyzer: "parallax-extract 0.0.0 #0".into(),
                ..analysis
            },
            entities.remove(&id).unwrap_or_default(),
        ));
    }
    store.put_analyses(&old).expect("put");
    let by_old = parallax_pipeline::refresh_stories_incrementally(&mut store).expect("stories");
    assert_eq!(
        by_old.written, stories,
        "a story's key names the analyzer of its analyses: {by_old:?}"
    );

    // The new build analyses again and compares every story again, though
    // no article and no membership changed.
    let upgraded = refresh(&mut store, false).expect("refresh");
    assert_eq!(upgraded.analysed, articles);
    let report = upgraded.story_refresh.expect("stories refreshed");
    assert_eq!(report.stories, stories);
    assert_eq!(report.written, stories, "every story written: {report:?}");
    assert!(
        report.compared >= stories,
        "every story compared, none taken from the old documents: {report:?}"
    );

    // Current again: nothing to do, nothing compared.
    let idle = refresh(&mut store, false).expect("refresh");
    assert!(idle.story_refresh.is_none(), "{idle:?}");
    let again = parallax_pipeline::refresh_stories_incrementally(&mut store).expect("stories");
    assert_eq!((again.written, again.compared), (0, 0), "{again:?}");
}
