//! Analyses, article entities and engine state (migration 3).

mod common;

use common::{article, body, raw};
use parallax_store::{
    ArticleEntity, EngineState, EntityQuery, NewArticle, SqliteStore, Store, StoreError,
    StoredAnalysis,
};

fn ok<T>(r: Result<T, StoreError>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

fn put(store: &mut SqliteStore, id: &str, text: &str) {
    let a = article(id, text);
    ok(store.put(&NewArticle {
        article: &a,
        raw: &raw(id, text),
        signature: None,
    }));
}

fn entity(article: &str, name: &str, kind: &str, mentions: u32, quotes_by: u32) -> ArticleEntity {
    ArticleEntity {
        article_id: article.into(),
        name: name.into(),
        kind: kind.into(),
        entity_id: None,
        mentions,
        quotes_by,
    }
}

fn analysis(store: &SqliteStore, id: &str, analyzer: &str) -> StoredAnalysis {
    let revision = ok(store.stale_analyses(analyzer))
        .into_iter()
        .find(|(a, _)| a == id)
        .map(|(_, r)| r)
        .unwrap_or_else(|| panic!("{id} should need analysis"));
    StoredAnalysis {
        article_id: id.into(),
        revision,
        analyzer: analyzer.into(),
        json: format!("{{\"of\":\"{id}\"}}"),
    }
}

#[test]
fn analyses_go_stale_with_the_article_or_the_analyzer() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut store = ok(SqliteStore::open(dir.path().join("p.db")));
    put(&mut store, "a", &body(1));
    put(&mut store, "b", &body(2));
    let ids = |s: &SqliteStore, v: &str| -> Vec<String> {
        ok(s.stale_analyses(v))
            .into_iter()
            .map(|(id, _)| id)
            .collect()
    };
    assert_eq!(ids(&store, "v1"), ["a", "b"]);

    let a = analysis(&store, "a", "v1");
    let b = analysis(&store, "b", "v1");
    let gone = StoredAnalysis {
        article_id: "deleted".into(),
        ..a.clone()
    };
    ok(store.put_analyses(&[
        (a.clone(), vec![entity("a", "Ana Lopez", "person", 2, 1)]),
        (b, vec![]),
        (gone, vec![entity("deleted", "X", "misc", 1, 0)]),
    ]));
    assert!(ids(&store, "v1").is_empty());
    assert_eq!(ids(&store, "v2"), ["a", "b"], "a new analyzer redoes all");
    assert_eq!(ok(store.get_analysis("a")), Some(a));
    assert_eq!(ok(store.get_analysis("deleted")), None);

    // A changed article: its analysis is stale and no longer served.
    let before = ok(store.revisions());
    put(&mut store, "a", &body(3));
    let after = ok(store.revisions());
    assert_eq!(before.len(), 2);
    assert_ne!(before[0], after[0], "a's revision changed");
    assert_eq!(before[1], after[1]);
    assert_eq!(ids(&store, "v1"), ["a"]);
    assert_eq!(ok(store.get_analysis("a")), None);
    assert_eq!(ok(store.all_article_entities()).len(), 1);
}

#[test]
fn entities_join_list_and_cascade() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut store = ok(SqliteStore::open(dir.path().join("p.db")));
    for id in ["a", "b", "c"] {
        put(&mut store, id, &body(id.len()));
    }
    let rows = [
        entity("a", "Ana Lopez", "person", 3, 2),
        entity("a", "Harbour Council", "organisation", 1, 0),
        entity("b", "Lopez", "person", 1, 1),
        entity("c", "Ana Lopez", "person", 2, 0),
        entity("c", "100%_sure", "misc", 1, 0),
    ];
    let items: Vec<(StoredAnalysis, Vec<ArticleEntity>)> = ["a", "b", "c"]
        .iter()
        .map(|id| {
            let mine = rows
                .iter()
                .filter(|r| r.article_id == *id)
                .cloned()
                .collect();
            (analysis(&store, id, "v1"), mine)
        })
        .collect();
    ok(store.put_analyses(&items));
    assert!(
        ok(store.list_entities(&EntityQuery::default())).is_empty(),
        "nothing is listed before joining"
    );
    let joined: Vec<(ArticleEntity, String)> = ok(store.all_article_entities())
        .into_iter()
        .map(|r| {
            let id = match r.name.as_str() {
                "Ana Lopez" | "Lopez" => "person:ana lopez".to_string(),
                other => format!("{}:{}", r.kind, other.to_lowercase()),
            };
            (r, id)
        })
        .collect();
    ok(store.set_entity_ids(&joined));

    let all = ok(store.list_entities(&EntityQuery::default()));
    assert_eq!(all[0].id, "person:ana lopez");
    assert_eq!(all[0].name, "Ana Lopez", "the name most articles use");
    assert_eq!(
        (all[0].articles, all[0].mentions, all[0].quotes_by),
        (3, 6, 3)
    );
    assert_eq!(all.len(), 3);

    let by_name = |name: &str, kind: Option<&str>| -> Vec<String> {
        ok(store.list_entities(&EntityQuery {
            name: Some(name.into()),
            kind: kind.map(str::to_string),
            ..EntityQuery::default()
        }))
        .into_iter()
        .map(|e| e.id)
        .collect()
    };
    assert_eq!(by_name("LOPEZ", None), ["person:ana lopez"]);
    assert_eq!(by_name("lopez", Some("place")), Vec::<String>::new());
    assert_eq!(
        by_name("%_", None),
        ["misc:100%_sure"],
        "LIKE wildcards are literal"
    );

    let articles: Vec<String> = ok(store.entity_articles("person:ana lopez"))
        .into_iter()
        .map(|r| r.article_id)
        .collect();
    assert_eq!(articles.len(), 3);
    assert_eq!(ok(store.article_entities("a"))[0].name, "Ana Lopez");

    assert!(ok(store.begin().and_then(|mut tx| {
        let deleted = tx.delete("b")?;
        tx.commit()?;
        Ok(deleted)
    })));
    assert_eq!(ok(store.entity_articles("person:ana lopez")).len(), 2);
}

#[test]
fn engine_state_round_trips_and_replaces() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("p.db");
    let mut store = ok(SqliteStore::open(&path));
    assert_eq!(ok(store.get_state("stories")), None);
    let first = EngineState {
        format: "test/1".into(),
        bytes: vec![0, 1, 2, 255],
    };
    ok(store.put_state("stories", &first));
    let second = EngineState {
        format: "test/2".into(),
        bytes: vec![9; 100_000],
    };
    ok(store.put_state("stories", &second));
    drop(store);
    let store = ok(SqliteStore::open(&path));
    assert_eq!(ok(store.get_state("stories")), Some(second));
}
