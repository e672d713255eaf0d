use parallax_store::{SqliteStore, Store, StoreError, StoredStory, StoryMove};
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
        articles: vec![format!("{id}-1"), format!("{id}-2")],
        document: json!({"id": id, "events": [{"articles": ["x", "y"]}]}),
    }
}

#[test]
fn stories_round_trip_newest_first() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("p.db");
    let mut store = ok(SqliteStore::open(&path));
    assert!(ok(store.list_stories()).is_empty());
    let stories = vec![
        story("old", Some("2024-02-01")),
        story("undated", None),
        story("new", Some("2024-05-01")),
    ];
    ok(store.replace_stories(&stories));
    drop(store);

    let store = ok(SqliteStore::open(&path));
    let ids: Vec<String> = ok(store.list_stories()).into_iter().map(|s| s.id).collect();
    assert_eq!(ids, ["new", "old", "undated"]);
    assert_eq!(ok(store.get_story("old")), Some(stories[0].clone()));
    assert_eq!(ok(store.list_stories())[1], stories[0].summary());
    assert_eq!(ok(store.get_story("missing")), None);
}

#[test]
fn replace_drops_old_stories() {
    let mut store = ok(SqliteStore::open_in_memory());
    ok(store.replace_stories(&[story("a", None), story("b", None)]));
    ok(store.replace_stories(&[story("c", Some("2024-01-02"))]));
    let ids: Vec<String> = ok(store.list_stories()).into_iter().map(|s| s.id).collect();
    assert_eq!(ids, ["c"]);
    assert_eq!(ok(store.get_story("a")), None);
    ok(store.replace_stories(&[]));
    assert!(ok(store.list_stories()).is_empty());
}

#[test]
fn duplicate_ids_fail_and_keep_previous_document() {
    let mut store = ok(SqliteStore::open_in_memory());
    ok(store.replace_stories(&[story("kept", None)]));
    let err = store.replace_stories(&[story("x", None), story("x", None)]);
    let msg = err.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(msg.contains("story id x appears twice"), "{msg}");
    let ids: Vec<String> = ok(store.list_stories()).into_iter().map(|s| s.id).collect();
    assert_eq!(ids, ["kept"], "a failed replace must roll back");
}

#[test]
fn update_stories_replaces_changed_keeps_the_rest_and_drops_the_gone() {
    let mut store = ok(SqliteStore::open_in_memory());
    let (a, b, c) = (
        story("a", Some("2024-02-01")),
        story("b", Some("2024-03-01")),
        story("c", None),
    );
    ok(store.update_stories(
        &[(a.clone(), "ka".into()), (b.clone(), "kb".into())],
        &["a".into(), "b".into()],
        &[],
    ));
    assert_eq!(
        ok(store.story_keys()),
        [
            ("a".to_string(), Some("ka".to_string())),
            ("b".into(), Some("kb".into()))
        ]
    );
    let mut a2 = a.clone();
    a2.title = "Story a, grown".into();
    ok(store.update_stories(
        &[(a2.clone(), "ka2".into()), (c.clone(), "kc".into())],
        &["a".into(), "c".into()],
        &[],
    ));
    assert_eq!(ok(store.get_story("a")), Some(a2));
    assert_eq!(ok(store.get_story("b")), None, "b is no longer current");
    assert_eq!(ok(store.get_story("c")), Some(c));
    let kinds: Vec<String> = {
        let mut stmt = store
            .connection()
            .prepare("SELECT typeof(story_json) FROM stories")
            .unwrap_or_else(|e| panic!("{e}"));
        let rows = stmt
            .query_map([], |r| r.get(0))
            .unwrap_or_else(|e| panic!("{e}"));
        rows.map(|r| r.unwrap_or_else(|e| panic!("{e}"))).collect()
    };
    assert!(kinds.iter().all(|k| k == "blob"), "{kinds:?}");
    let ids: Vec<String> = ok(store.list_stories()).into_iter().map(|s| s.id).collect();
    assert_eq!(ids, ["a", "c"]);
    // A whole replace clears the keys.
    ok(store.replace_stories(&[b]));
    assert_eq!(ok(store.story_keys()), [("b".to_string(), None)]);
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

fn moved(store: &SqliteStore, id: &str) -> Option<String> {
    ok(store.story_moved_to(id))
}

fn to(from: &str, to: &str) -> StoryMove {
    StoryMove {
        from: from.into(),
        to: to.into(),
    }
}

#[test]
fn members_are_kept_in_order_and_follow_the_story() {
    let mut store = ok(SqliteStore::open_in_memory());
    let mut a = story("a", None);
    a.articles = vec!["z".into(), "m".into(), "b".into()];
    ok(store.update_stories(&[(a.clone(), "k".into())], &["a".into()], &[]));
    assert_eq!(
        ok(store.get_story("a")).map(|s| s.articles),
        Some(a.articles.clone())
    );
    assert_eq!(
        ok(store.story_members()),
        [
            ("a".to_string(), "z".to_string()),
            ("a".into(), "m".into()),
            ("a".into(), "b".into())
        ]
    );
    a.articles = vec!["m".into()];
    let b = story("b", None);
    ok(store.update_stories(
        &[(a, "k2".into()), (b, "kb".into())],
        &["a".into(), "b".into()],
        &[],
    ));
    let members = ok(store.story_members());
    assert_eq!(members.len(), 3, "{members:?}");
    ok(store.update_stories(&[], &["b".into()], &[]));
    assert!(ok(store.story_members()).iter().all(|(s, _)| s == "b"));
}

#[test]
fn moves_chain_to_the_latest_story_and_never_shadow_a_live_one() {
    let mut store = ok(SqliteStore::open_in_memory());
    let (a, b, c) = (story("a", None), story("b", None), story("c", None));
    ok(store.update_stories(
        &[(a, "ka".into()), (b.clone(), "kb".into())],
        &["a".into(), "b".into()],
        &[],
    ));
    // a merged into b.
    ok(store.update_stories(&[(b, "kb2".into())], &["b".into()], &[to("a", "b")]));
    assert_eq!(moved(&store, "a").as_deref(), Some("b"));
    assert_eq!(moved(&store, "b"), None);
    // b merged into c: a follows to c.
    ok(store.update_stories(&[(c.clone(), "kc".into())], &["c".into()], &[to("b", "c")]));
    assert_eq!(moved(&store, "a").as_deref(), Some("c"));
    assert_eq!(moved(&store, "b").as_deref(), Some("c"));
    // An id that is a story again answers as that story, not as a move.
    let a_again = story("a", None);
    ok(store.update_stories(&[(a_again, "ka3".into())], &["a".into(), "c".into()], &[]));
    assert_eq!(moved(&store, "a"), None);
    assert_eq!(moved(&store, "b").as_deref(), Some("c"));
    // A move to a story that is gone is dropped.
    ok(store.update_stories(&[], &["a".into()], &[]));
    assert_eq!(moved(&store, "b"), None);
    // A whole replace keeps moves that still lead somewhere.
    ok(store.update_stories(
        &[(c, "kc".into())],
        &["a".into(), "c".into()],
        &[to("b", "c")],
    ));
    ok(store.replace_stories(&[story("c", None)]));
    assert_eq!(moved(&store, "b").as_deref(), Some("c"));
}

#[test]
fn single_source_stories_are_marked_and_old_rows_are_not_hidden() {
    let mut store = ok(SqliteStore::open_in_memory());
    let mut one = story("one", None);
    one.sources = 1;
    one.article_count = 1;
    ok(store.replace_stories(&[one, story("two", None)]));
    let listed = ok(store.list_stories());
    let single: Vec<&str> = listed
        .iter()
        .filter(|s| s.single_source())
        .map(|s| s.id.as_str())
        .collect();
    assert_eq!(single, ["one"]);
    // A row written before sources were counted shows as many as it can.
    store
        .connection()
        .execute("UPDATE stories SET sources = NULL", [])
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(ok(store.list_stories()).iter().all(|s| s.sources >= 1));
    assert_eq!(ok(store.get_story("two")).map(|s| s.sources), Some(2));
}
