//! A wire story republished by another outlet is one column of its story,
//! "also published by" the other outlet, and counts once in every coverage
//! figure: articles compared, outlets, facts, quotes, sources.

use parallax_ingest::Limits;
use parallax_store::{SqliteStore, Store};
use std::path::Path;

const ORIGINAL: &str = "mw-saltmere";
const COPY: &str = "herald-saltmere-wire";

#[test]
fn a_wire_copy_is_listed_on_its_original_and_counted_once() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut store = SqliteStore::open(tmp.path().join("s.db")).expect("store");
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/corpus");
    parallax_pipeline::ingest(&mut store, &[corpus], &[], &Limits::default(), &|_| {})
        .expect("ingest");
    let summary = store
        .list_stories()
        .expect("stories")
        .into_iter()
        .find(|s| {
            store
                .get_story(&s.id)
                .is_ok_and(|st| st.is_some_and(|st| st.articles.iter().any(|a| a == COPY)))
        })
        .expect("a story holds the wire copy");
    let story = store.get_story(&summary.id).expect("read").expect("story");
    let doc = &story.document;
    assert!(
        story.articles.iter().any(|a| a == ORIGINAL),
        "{:?}",
        story.articles
    );

    // Listed as a republication of the original, with the copy's outlet.
    let republished = doc["republished"].as_array().expect("republished");
    assert_eq!(republished.len(), 1, "{republished:?}");
    assert_eq!(republished[0]["article"], COPY);
    assert_eq!(republished[0]["copy_of"], ORIGINAL);
    assert_eq!(republished[0]["outlet"], "Northgate Herald");

    // Left out of every comparison: the story's and each event's.
    let parts = std::iter::once(doc).chain(doc["events"].as_array().into_iter().flatten());
    for part in parts {
        let coverage = &part["coverage"];
        let compared: Vec<&str> = coverage["articles"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| a["id"].as_str())
            .collect();
        assert!(
            !compared.contains(&COPY),
            "the copy is compared: {compared:?}"
        );
        let in_outlets = coverage["outlets"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|o| o["articles"].as_array().into_iter().flatten())
            .any(|a| a == COPY);
        assert!(!in_outlets, "the copy counts for an outlet");
        let in_facts = coverage["facts"]["facts"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|f| f["articles"].as_array().into_iter().flatten())
            .any(|a| a == COPY);
        assert!(!in_facts, "the copy reports a fact");
    }
    // One source fewer than articles: the copy is no second report.
    let outlets = story.outlets.len();
    assert!(summary.sources < story.articles.len(), "{summary:?}");
    assert!(
        summary.sources <= outlets,
        "{summary:?} of {outlets} outlets"
    );
}
