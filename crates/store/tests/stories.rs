//! What only the SQLite store does with stories: how their documents sit
//! in its rows. What every backend does is in `contract.rs`.

use parallax_store::{SqliteStore, Store, StoreError, StoredStory};
use serde_json::json;

fn ok<T>(r: Result<T, StoreError>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

fn story(id: &str, to: Option<&str>) -> StoredStory {
    StoredStory {
        id: id.into(),
        title: format!("Story {id}"),
        date_from: to.map(|_| "2024-01-01".to_string()),
        date_to: to.map(str::to_string),
        article_count: 2,
        outlets: vec!["A".into(), "B".into()],
        sources: 2,
        glance: None,
        articles: vec![format!("{id}-1"), format!("{id}-2")],
        document: json!({"id": id, "events": [{"articles": ["x", "y"]}]}),
    }
}

fn story_json_kinds(store: &SqliteStore) -> Vec<String> {
    let mut stmt = store
        .connection()
        .prepare("SELECT typeof(story_json) FROM stories")
        .unwrap_or_else(|e| panic!("{e}"));
    let rows = stmt
        .query_map([], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{e}"));
    rows.map(|r| r.unwrap_or_else(|e| panic!("{e}"))).collect()
}

#[test]
fn updated_stories_are_stored_deflated() {
    let mut store = ok(SqliteStore::open_in_memory());
    ok(store.update_stories(
        &[
            (story("a", Some("2024-02-01")), "ka".into()),
            (story("c", None), "kc".into()),
        ],
        &["a".into(), "c".into()],
        &[],
    ));
    let kinds = story_json_kinds(&store);
    assert_eq!(kinds.len(), 2);
    assert!(kinds.iter().all(|k| k == "blob"), "{kinds:?}");
}

#[test]
fn documents_are_stored_deflated_and_old_text_rows_still_read() {
    let mut store = ok(SqliteStore::open_in_memory());
    let s = story("a", Some("2024-02-01"));
    ok(store.replace_stories(std::slice::from_ref(&s)));
    let kind: String = store
        .connection()
        .query_row("SELECT typeof(story_json) FROM stories", [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(kind, "blob");
    assert_eq!(ok(store.get_story("a")), Some(s.clone()));

    // A row as an earlier build wrote it: plain JSON text.
    let text = serde_json::to_string(&s.document).unwrap_or_else(|e| panic!("{e}"));
    store
        .connection()
        .execute("UPDATE stories SET story_json = ?1", [&text])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ok(store.get_story("a")), Some(s));

    // Damaged bytes are an error naming the story, not a panic.
    store
        .connection()
        .execute("UPDATE stories SET story_json = x'00ff10'", [])
        .unwrap_or_else(|e| panic!("{e}"));
    let err = store
        .get_story("a")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("story document"), "{err}");
}

#[test]
fn stories_stored_before_sources_were_counted_are_not_hidden() {
    let mut store = ok(SqliteStore::open_in_memory());
    let mut one = story("one", None);
    one.sources = 1;
    one.article_count = 1;
    ok(store.replace_stories(&[one, story("two", None)]));
    // A row written before sources were counted shows as many as it can.
    store
        .connection()
        .execute("UPDATE stories SET sources = NULL", [])
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(ok(store.list_stories()).iter().all(|s| s.sources >= 1));
    assert_eq!(ok(store.get_story("two")).map(|s| s.sources), Some(2));
}
