//! Property: a folder tree whose files share names (every `index.html` of
//! a mirror) keeps every file as its own article, and a second run finds
//! the same ids, all unchanged.

use parallax_ingest::Limits;
use parallax_store::{ListQuery, SqliteStore, Store};
use proptest::prelude::*;

fn ids(store: &SqliteStore) -> Vec<String> {
    let mut ids: Vec<String> = store
        .list(&ListQuery {
            limit: 10_000,
            ..ListQuery::default()
        })
        .expect("list")
        .into_iter()
        .map(|s| s.id)
        .collect();
    ids.sort();
    ids
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn every_file_of_a_tree_is_kept_with_a_stable_id(
        files in proptest::collection::btree_set(
            (prop_oneof![Just("a"), Just("b"), Just("a/b"), Just("c/a"), Just("")],
             prop_oneof![Just("index.html"), Just("source.txt"), Just("index.txt")]),
            1..10,
        )
    ) {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().join("tree");
        for (n, (dir, name)) in files.iter().enumerate() {
            let folder = root.join(dir);
            std::fs::create_dir_all(&folder).expect("mkdir");
            let text = format!(
                "Harbour notice {n}\n\nThe harbour board met on Tuesday to discuss berth {n} \
                 in folder {dir}, and agreed a plan for {name}.\n"
            );
            let body = if name.ends_with(".html") {
                format!("<html><body><article><h1>Harbour notice {n}</h1><p>{text}</p></article></body></html>")
            } else {
                text
            };
            std::fs::write(folder.join(name), body).expect("write");
        }
        let mut store = SqliteStore::open(tmp.path().join("s.db")).expect("store");
        let first = parallax_pipeline::ingest(&mut store, std::slice::from_ref(&root), &[], &Limits::default(), &|_| {})
            .expect("ingest");
        prop_assert_eq!(first.counts.inserted, files.len(), "{:?}", first.skipped);
        let before = ids(&store);
        prop_assert_eq!(before.len(), files.len());
        let second = parallax_pipeline::ingest(&mut store, &[root], &[], &Limits::default(), &|_| {})
            .expect("again");
        prop_assert_eq!(second.counts.unchanged, files.len());
        prop_assert_eq!(ids(&store), before);
    }
}
