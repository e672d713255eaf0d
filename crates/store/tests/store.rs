//! What only the SQLite store has: its file and folder, pragmas, the
//! application id, foreign files, raw SQL on its connection. What every
//! backend does is in `contract.rs`.

mod common;

use common::{article, body, raw};
use parallax_dedup::MinHasher;
use parallax_store::{latest_version, ListQuery, NewArticle, SqliteStore, Store, StoreError};

fn ok<T>(r: Result<T, StoreError>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

fn temp_db() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("nested").join("parallax.db");
    (dir, path)
}

#[test]
fn reopening_existing_database_keeps_data_and_version() {
    let (_dir, path) = temp_db();
    {
        let mut store = ok(SqliteStore::open(&path));
        assert!(path.exists(), "open creates the folder and file");
        assert_eq!(ok(store.schema_version()), latest_version());
        ok(store.put(&NewArticle {
            article: &article("keep", &body(1)),
            raw: &raw("keep", &body(1)),
            signature: None,
        }));
    }
    let store = ok(SqliteStore::open(&path));
    assert_eq!(ok(store.schema_version()), latest_version());
    assert_eq!(ok(store.count()), 1);
    let journal: String = store
        .connection()
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap_or_default();
    assert_eq!(journal, "wal");
    let fk: i64 = store
        .connection()
        .pragma_query_value(None, "foreign_keys", |r| r.get(0))
        .unwrap_or_default();
    assert_eq!(fk, 1);
}

#[test]
fn refuses_foreign_and_newer_databases() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    // A text file.
    let text = dir.path().join("notes.db");
    std::fs::write(
        &text,
        "this is not a database, just some notes that are long enough to be a header",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    match SqliteStore::open(&text) {
        Err(e @ StoreError::NotParallax { .. }) => assert!(e.to_string().contains("--db")),
        other => panic!("expected NotParallax, got {other:?}"),
    }
    // Another program's SQLite database.
    let other = dir.path().join("other.db");
    {
        let conn = rusqlite::Connection::open(&other).unwrap_or_else(|e| panic!("{e}"));
        conn.execute_batch("CREATE TABLE t (x)")
            .unwrap_or_else(|e| panic!("{e}"));
    }
    assert!(matches!(
        SqliteStore::open(&other),
        Err(StoreError::NotParallax { .. })
    ));
    // A Parallax database from a newer build.
    let newer = dir.path().join("newer.db");
    {
        let store = ok(SqliteStore::open(&newer));
        store
            .connection()
            .pragma_update(None, "user_version", latest_version() + 1)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    match SqliteStore::open(&newer) {
        Err(e @ StoreError::TooNew { .. }) => assert!(e.to_string().contains("upgrade parallax")),
        other => panic!("expected TooNew, got {other:?}"),
    }
    // A path that cannot be created.
    let blocked = text.join("sub").join("x.db");
    match SqliteStore::open(&blocked) {
        Err(e @ StoreError::CreateDir { .. }) => assert!(e.to_string().contains("PARALLAX_DB")),
        other => panic!("expected CreateDir, got {other:?}"),
    }
}

#[test]
fn read_only_open_of_a_missing_file_fails_to_open_and_creates_nothing() {
    let (dir, path) = temp_db();
    assert!(matches!(
        SqliteStore::open_read_only(&path),
        Err(StoreError::Open { .. })
    ));
    assert!(!path.exists());
    assert!(!dir.path().join("nested").exists());
}

#[test]
fn empty_path_is_refused() {
    match SqliteStore::open("") {
        Err(e @ StoreError::Invalid(_)) => assert!(e.to_string().contains("PARALLAX_DB")),
        other => panic!("expected Invalid, got {other:?}"),
    }
}

#[test]
fn damaged_rows_give_errors_not_panics() {
    let mut store = ok(SqliteStore::open_in_memory());
    let a = article("d", &body(1));
    let sig = MinHasher::default().signature(&a.text);
    ok(store.put(&NewArticle {
        article: &a,
        raw: &raw("d", &body(1)),
        signature: Some(&sig),
    }));
    let conn = store.connection();
    let damage = |sql: &str| {
        conn.execute(sql, []).unwrap_or_else(|e| panic!("{e}"));
    };
    damage("UPDATE articles SET detail_json = '{\"blocks\": 5}' WHERE id = 'd'");
    damage("UPDATE raw_inputs SET content = x'ff00ff' WHERE article_id = 'd'");
    damage("UPDATE signatures SET signature = x'0102' WHERE article_id = 'd'");
    for err in [
        store.get("d").err(),
        store.get_raw("d").err(),
        store.signatures().err(),
    ] {
        match err {
            Some(e @ StoreError::Corrupt { .. }) => assert!(e.to_string().contains("d")),
            other => panic!("expected Corrupt, got {other:?}"),
        }
    }
    damage("UPDATE articles SET detail_json = '{}', format = 'telex' WHERE id = 'd'");
    assert!(matches!(store.get("d"), Err(StoreError::Corrupt { .. })));
    assert!(matches!(
        store.list(&ListQuery::default()),
        Err(StoreError::Corrupt { .. })
    ));
}

#[test]
fn refused_foreign_database_is_left_untouched() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let other = dir.path().join("other.db");
    {
        let conn = rusqlite::Connection::open(&other).unwrap_or_else(|e| panic!("{e}"));
        conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let before = std::fs::read(&other).unwrap_or_default();
    assert!(SqliteStore::open(&other).is_err());
    assert!(SqliteStore::open_read_only(&other).is_err());
    assert_eq!(std::fs::read(&other).unwrap_or_default(), before);
    assert!(!dir.path().join("other.db-wal").exists());
}
