//! What only the PostgreSQL store has: its schema table, foreign and newer
//! schemas, rows damaged by hand, what PostgreSQL text cannot hold, and the
//! server's reasons in errors. What every backend does is in `contract.rs`.
//! Runs when `PARALLAX_TEST_POSTGRES` names a server; the tests that need
//! none (bad URLs, no server listening) always run.

mod common;

use common::fixture::{Fixture, PgFixture};
use common::{article, body, raw};
use parallax_dedup::MinHasher;
use parallax_store::{
    pg_latest_version, ListQuery, NewArticle, PostgresStore, PutOutcome, StoreError,
    StoredAnalysis, StoredStory,
};

fn ok<T>(r: Result<T, StoreError>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

fn story(id: &str, title: &str) -> StoredStory {
    StoredStory {
        id: id.into(),
        title: title.into(),
        date_from: None,
        date_to: None,
        article_count: 1,
        outlets: vec!["A".into()],
        sources: 1,
        glance: None,
        articles: vec!["a".into()],
        document: serde_json::json!({"id": id}),
    }
}

#[test]
fn schema_is_versioned_and_migrated_once() {
    let Some(fx) = PgFixture::new() else { return };
    let store = ok(PostgresStore::open(fx.url()));
    assert_eq!(ok(store.schema_version()), pg_latest_version());
    drop(store);
    let again = ok(PostgresStore::open(fx.url()));
    assert_eq!(ok(again.schema_version()), pg_latest_version());
    let reader = ok(PostgresStore::open_read_only(fx.url()));
    assert_eq!(ok(reader.schema_version()), pg_latest_version());
    assert_eq!(
        fx.query_text("SELECT application FROM parallax_schema")
            .as_deref(),
        Some("parallax")
    );
}

#[test]
fn a_schema_of_another_program_is_refused_and_left_alone() {
    let Some(fx) = PgFixture::new() else { return };
    fx.sql("CREATE TABLE notes (x INTEGER); INSERT INTO notes VALUES (7);");
    match PostgresStore::open(fx.url()) {
        Err(e @ StoreError::NotParallax { .. }) => {
            assert!(e.to_string().contains("search_path"), "{e}")
        }
        other => panic!("expected NotParallax, got {other:?}"),
    }
    assert!(PostgresStore::open_read_only(fx.url()).is_err());
    assert_eq!(
        fx.query_text("SELECT x::text FROM notes").as_deref(),
        Some("7")
    );
    assert_eq!(
        fx.query_text(
            "SELECT string_agg(table_name::text, ',') FROM information_schema.tables \
             WHERE table_schema = current_schema()"
        )
        .as_deref(),
        Some("notes"),
        "nothing was created beside it"
    );
}

#[test]
fn a_newer_schema_is_refused() {
    let Some(fx) = PgFixture::new() else { return };
    drop(fx.open());
    fx.sql("UPDATE parallax_schema SET version = version + 1");
    for result in [
        PostgresStore::open(fx.url()),
        PostgresStore::open_read_only(fx.url()),
    ] {
        match result {
            Err(e @ StoreError::TooNew { .. }) => {
                assert!(e.to_string().contains("upgrade parallax"), "{e}")
            }
            other => panic!("expected TooNew, got {other:?}"),
        }
    }
}

#[test]
fn read_only_open_of_an_empty_schema_needs_migration() {
    let Some(fx) = PgFixture::new() else { return };
    match PostgresStore::open_read_only(fx.url()) {
        Err(StoreError::NeedsMigration {
            found: 0,
            supported,
            ..
        }) => assert_eq!(supported, pg_latest_version()),
        other => panic!("expected NeedsMigration, got {other:?}"),
    }
}

#[test]
fn damaged_rows_give_errors_not_panics() {
    let Some(fx) = PgFixture::new() else { return };
    let mut store = fx.open();
    let a = article("d", &body(1));
    let sig = MinHasher::default().signature(&a.text);
    ok(store.put(&NewArticle {
        article: &a,
        raw: &raw("d", &body(1)),
        signature: Some(&sig),
    }));
    let revision = ok(store.revisions())[0].1.clone();
    ok(store.put_analyses(&[(
        StoredAnalysis {
            article_id: "d".into(),
            revision,
            analyzer: "v1".into(),
            json: "{}".into(),
        },
        vec![],
    )]));
    ok(store.replace_stories(&[story("s", "A story")]));
    fx.sql(
        r#"UPDATE articles SET detail_json = '{"blocks": 5}' WHERE id = 'd';
           UPDATE raw_inputs SET content = '\xff00ff'::bytea WHERE article_id = 'd';
           UPDATE signatures SET signature = '\x0102'::bytea WHERE article_id = 'd';
           UPDATE analyses SET analysis_json = '\x00ff'::bytea WHERE article_id = 'd';
           UPDATE stories SET story_json = '\x00ff10'::bytea WHERE id = 's';"#,
    );
    for err in [
        store.get("d").err(),
        store.get_raw("d").err(),
        store.signatures().err(),
        store.get_analysis("d").err(),
    ] {
        match err {
            Some(e @ StoreError::Corrupt { .. }) => assert!(e.to_string().contains('d')),
            other => panic!("expected Corrupt, got {other:?}"),
        }
    }
    let err = store.get_story("s").err().map(|e| e.to_string());
    assert!(
        err.as_deref().is_some_and(|e| e.contains("story document")),
        "{err:?}"
    );
    fx.sql("UPDATE articles SET detail_json = '{}', format = 'telex' WHERE id = 'd'");
    assert!(matches!(store.get("d"), Err(StoreError::Corrupt { .. })));
    assert!(matches!(
        store.list(&ListQuery::default()),
        Err(StoreError::Corrupt { .. })
    ));
}

#[test]
fn integrity_check_finds_what_the_schema_does_not_enforce() {
    let Some(fx) = PgFixture::new() else { return };
    let mut store = fx.open();
    ok(store.put(&NewArticle {
        article: &article("i", &body(1)),
        raw: &raw("i", &body(1)),
        signature: None,
    }));
    ok(store.replace_stories(&[story("s", "A story")]));
    ok(store.check_integrity());
    fx.sql(
        "DELETE FROM raw_inputs WHERE article_id = 'i'; \
         INSERT INTO story_members (story_id, position, article_id) VALUES ('gone', 0, 'i'); \
         INSERT INTO story_moves (id, moved_to, moved_at) VALUES ('old', 'nowhere', 0);",
    );
    match store.check_integrity() {
        Err(e @ StoreError::Corrupt { .. }) => {
            let msg = e.to_string();
            for what in ["raw input", "story members", "story moves"] {
                assert!(msg.contains(what), "{what}: {msg}");
            }
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
}

/// PostgreSQL text cannot hold NUL (SQLite's can): such an article is
/// refused with the reason, and the batch it is in can carry on.
#[test]
fn nul_characters_are_refused_with_the_reason() {
    let Some(fx) = PgFixture::new() else { return };
    let mut store = fx.open();
    let mut bad = article("n", "text with a \u{0} in it");
    bad.title = Some("Title".into());
    let bad_raw = raw("n", "text with a \u{0} in it");
    let good = article("g", &body(1));
    let good_raw = raw("g", &body(1));
    let mut tx = ok(store.begin());
    match tx.put(&NewArticle {
        article: &bad,
        raw: &bad_raw,
        signature: None,
    }) {
        Err(e @ StoreError::Invalid(_)) => {
            let msg = e.to_string();
            assert!(msg.contains("NUL") && msg.contains("text"), "{msg}");
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
    assert_eq!(
        ok(tx.put(&NewArticle {
            article: &good,
            raw: &good_raw,
            signature: None,
        })),
        PutOutcome::Inserted
    );
    ok(tx.commit());
    assert_eq!(ok(store.count()), 1);
    // NULs in the raw input (bytes) and the JSON columns are kept.
    let mut fine = article("r", &body(2));
    fine.warnings.push("odd \u{0} byte".into());
    let mut fine_raw = raw("r", &body(2));
    fine_raw.content.push('\u{0}');
    ok(store.put(&NewArticle {
        article: &fine,
        raw: &fine_raw,
        signature: None,
    }));
    assert_eq!(ok(store.get("r")), Some(fine));
    assert_eq!(ok(store.get_raw("r")), Some(fine_raw));
}

#[test]
fn server_errors_say_why() {
    let Some(fx) = PgFixture::new() else { return };
    let mut store = fx.open();
    let err = store
        .replace_stories(&[story("s", "nul \u{0} title")])
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        err.contains("replacing the stories") && err.contains("0x00"),
        "{err}"
    );
    assert!(ok(store.list_stories()).is_empty());
}

#[test]
fn no_server_listening_is_an_open_error_without_the_password() {
    // Port 1 on loopback: nothing listens there, the refusal is immediate.
    match PostgresStore::open("postgres://ann:s3cret@127.0.0.1:1/parallax") {
        Err(e @ StoreError::Open { .. }) => {
            let msg = e.to_string();
            assert!(!msg.contains("s3cret"), "{msg}");
            assert!(msg.contains("ann:***@127.0.0.1:1"), "{msg}");
            assert!(msg.to_lowercase().contains("refused"), "{msg}");
        }
        other => panic!("expected Open, got {other:?}"),
    }
}

#[test]
fn a_malformed_url_is_invalid() {
    match PostgresStore::open("postgres://ann:s3cret@127.0.0.1:port/parallax") {
        Err(e @ StoreError::Invalid(_)) => assert!(!e.to_string().contains("s3cret"), "{e}"),
        other => panic!("expected Invalid, got {other:?}"),
    }
}
