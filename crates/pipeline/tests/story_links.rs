//! Story links outlive re-clustering: a corpus ingested in three batches,
//! and every story id seen after the first or second batch still answers
//! after the third, as the story itself or as a move to the story that
//! holds most of its articles. Runs on real multi-outlet coverage (ECB+
//! dev, interleaved so later batches join and reshape earlier stories);
//! skips, saying so, when ../shared is absent.

use parallax_ingest::Limits;
use parallax_store::{SqliteStore, Store};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

fn ecb_dev() -> Option<PathBuf> {
    let path = std::env::var_os("PARALLAX_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
        .join("data/events/ecb_dev.jsonl");
    path.is_file().then_some(path)
}

/// Story id → its articles, every story (single-source ones included).
fn snapshot(store: &SqliteStore) -> BTreeMap<String, BTreeSet<String>> {
    let members = store.story_members().unwrap_or_else(|e| panic!("{e}"));
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (story, article) in members {
        out.entry(story).or_default().insert(article);
    }
    let listed = store.list_stories().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(listed.len(), out.len(), "every story keeps its members");
    out
}

#[test]
fn story_links_seen_after_any_batch_resolve_after_the_last() {
    let Some(ecb) = ecb_dev() else {
        eprintln!("skipping: ../shared/data/events/ecb_dev.jsonl not found (set PARALLAX_SHARED)");
        return;
    };
    let text = std::fs::read_to_string(&ecb).unwrap_or_else(|e| panic!("{e}"));
    // Four topics' worth of articles, dealt round-robin into three batches
    // so each batch adds to the events the earlier ones started.
    let lines: Vec<&str> = text.lines().take(150).collect();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let batches: Vec<PathBuf> = (0..3)
        .map(|k| {
            let path = dir.path().join(format!("batch{k}.jsonl"));
            let part: Vec<&str> = lines.iter().skip(k).step_by(3).copied().collect();
            std::fs::write(&path, part.join("\n") + "\n").unwrap_or_else(|e| panic!("{e}"));
            path
        })
        .collect();

    let mut store = SqliteStore::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
    let mut seen: Vec<BTreeMap<String, BTreeSet<String>>> = Vec::new();
    for batch in &batches {
        let report = parallax_pipeline::ingest(
            &mut store,
            std::slice::from_ref(batch),
            &[],
            &Limits::default(),
            &|_| {},
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(report.stories_error, None);
        seen.push(snapshot(&store));
    }
    let last = seen.last().cloned().unwrap_or_default();
    let (mut kept, mut moved) = (0, 0);
    for (batch, stories) in seen.iter().enumerate().take(2) {
        for (id, articles) in stories {
            if last.contains_key(id) {
                kept += 1;
                continue;
            }
            let to = store
                .story_moved_to(id)
                .unwrap_or_else(|e| panic!("{e}"))
                .unwrap_or_else(|| panic!("story {id} of batch {} answers nothing", batch + 1));
            let target = last
                .get(&to)
                .unwrap_or_else(|| panic!("{id} moved to {to}, which is not a story"));
            assert!(
                store
                    .get_story(&to)
                    .unwrap_or_else(|e| panic!("{e}"))
                    .is_some(),
                "{to} listed but not readable"
            );
            // A story of the run before the last moves straight to the
            // story that holds most of its articles. (An older one may
            // have moved through a story that moved on since.)
            if batch == 1 {
                let held = articles.intersection(target).count();
                let best = last
                    .values()
                    .map(|s| articles.intersection(s).count())
                    .max()
                    .unwrap_or(0);
                assert!(
                    held > 0 && held == best,
                    "{id} moved to {to} holding {held} of {best}"
                );
            }
            moved += 1;
        }
    }
    eprintln!(
        "story ids seen after batches 1-2: {} kept, {} moved, 0 lost",
        kept, moved
    );
    assert!(kept > 0, "some stories must keep their id");
    // A story's own id never redirects.
    for id in last.keys() {
        assert_eq!(
            store.story_moved_to(id).unwrap_or_else(|e| panic!("{e}")),
            None
        );
    }
}
