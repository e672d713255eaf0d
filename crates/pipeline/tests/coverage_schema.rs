//! Stories keep their comparison in the store. A store whose stories were
//! compared by another comparison schema (an earlier build) gets every
//! story compared again on the next refresh, with no article changed, and
//! a refresh with nothing to do leaves the stories alone.

use parallax_ingest::Limits;
use parallax_pipeline::{refresh, COVERAGE_STATE};
use parallax_store::{EngineState, SqliteStore, Store};
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
