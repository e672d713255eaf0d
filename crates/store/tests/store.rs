mod common;

use common::{article, body, raw};
use parallax_dedup::{content_hash, MinHasher};
use parallax_store::{
    latest_version, DuplicateLink, LinkKind, ListQuery, NewArticle, PutOutcome, SqliteStore, Store,
    StoreError,
};

fn ok<T>(r: Result<T, StoreError>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

fn temp_db() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("nested").join("parallax.db");
    (dir, path)
}

#[test]
fn article_raw_and_signature_round_trip() {
    let (_dir, path) = temp_db();
    let mut store = ok(SqliteStore::open(&path));
    assert!(path.exists(), "open creates the folder and file");
    let a = article("a1", &body(1));
    let r = raw("a1", &body(1));
    let sig = MinHasher::default().signature(&a.text);
    let outcome = ok(store.put(&NewArticle {
        article: &a,
        raw: &r,
        signature: Some(&sig),
    }));
    assert_eq!(outcome, PutOutcome::Inserted);
    drop(store);

    let store = ok(SqliteStore::open(&path));
    assert_eq!(ok(store.get("a1")), Some(a.clone()));
    assert_eq!(ok(store.get_raw("a1")), Some(r));
    assert_eq!(ok(store.get("missing")), None);
    assert_eq!(ok(store.get_raw("missing")), None);
    assert_eq!(ok(store.count()), 1);
    assert_eq!(ok(store.signatures()), vec![("a1".to_string(), sig)]);
    assert_eq!(
        ok(store.ids_by_content_hash(&content_hash(&a.text.to_uppercase()))),
        vec!["a1".to_string()]
    );
    let list = ok(store.list(&ListQuery::default()));
    assert_eq!(list.len(), 1);
    let s = &list[0];
    assert_eq!(s.id, "a1");
    assert_eq!(s.title.as_deref(), Some("Title a1"));
    assert_eq!(s.outlet.as_deref(), Some("Example News"));
    assert_eq!(s.published.as_deref(), Some("2026-11-20"));
    assert_eq!(s.format, a.format);
    assert_eq!(s.origin, a.origin);
    assert_eq!(s.language.as_deref(), Some("en"));
    assert_eq!(s.text_chars, a.text.chars().count() as u64);
    ok(store.check_integrity());
    assert_eq!(ok(store.schema_version()), latest_version());
}

#[test]
fn non_ascii_text_counts_characters() {
    let mut store = ok(SqliteStore::open_in_memory());
    let text = "Zürich — 北京 «quote»";
    let a = article("u", text);
    ok(store.put(&NewArticle {
        article: &a,
        raw: &raw("u", text),
        signature: None,
    }));
    let list = ok(store.list(&ListQuery::default()));
    assert_eq!(list[0].text_chars, text.chars().count() as u64);
    assert_eq!(ok(store.get("u")).map(|a| a.text), Some(text.to_string()));
}

#[test]
fn re_put_is_idempotent_and_changes_update() {
    let mut store = ok(SqliteStore::open_in_memory());
    let a = article("a", &body(1));
    let r = raw("a", &body(1));
    let put = |store: &mut SqliteStore, a, r| {
        ok(store.put(&NewArticle {
            article: a,
            raw: r,
            signature: None,
        }))
    };
    assert_eq!(put(&mut store, &a, &r), PutOutcome::Inserted);
    assert_eq!(put(&mut store, &a, &r), PutOutcome::Unchanged);

    // Same raw input, better cleaning: an update.
    let mut recleaned = a.clone();
    recleaned.warnings.clear();
    assert_eq!(put(&mut store, &recleaned, &r), PutOutcome::Updated);
    assert_eq!(ok(store.get("a")), Some(recleaned.clone()));
    assert_eq!(put(&mut store, &recleaned, &r), PutOutcome::Unchanged);

    // Changed source text.
    let b = article("a", &body(2));
    let rb = raw("a", &body(2));
    assert_eq!(put(&mut store, &b, &rb), PutOutcome::Updated);
    assert_eq!(ok(store.get("a")).map(|x| x.text), Some(body(2)));
    assert_eq!(
        ok(store.get_raw("a")).map(|x| x.content),
        Some(rb.content.clone())
    );
    assert_eq!(ok(store.count()), 1);
    assert_eq!(
        ok(store.ids_by_content_hash(&content_hash(&body(1)))),
        Vec::<String>::new()
    );

    // Adding a signature is a change too; removing it drops the stored one.
    let sig = MinHasher::default().signature(&b.text);
    let with_sig = NewArticle {
        article: &b,
        raw: &rb,
        signature: Some(&sig),
    };
    assert_eq!(ok(store.put(&with_sig)), PutOutcome::Updated);
    assert_eq!(ok(store.put(&with_sig)), PutOutcome::Unchanged);
    assert_eq!(ok(store.signatures()).len(), 1);
    assert_eq!(put(&mut store, &b, &rb), PutOutcome::Updated);
    assert!(ok(store.signatures()).is_empty());
}

#[test]
fn batch_outcomes_and_rollback_on_drop() {
    let mut store = ok(SqliteStore::open_in_memory());
    let arts: Vec<_> = (0..5)
        .map(|i| {
            (
                article(&format!("b{i}"), &body(i)),
                raw(&format!("b{i}"), &body(i)),
            )
        })
        .collect();
    let items: Vec<_> = arts
        .iter()
        .map(|(a, r)| NewArticle {
            article: a,
            raw: r,
            signature: None,
        })
        .collect();
    let outcomes = ok(store.put_batch(&items[..3]));
    assert_eq!(outcomes, vec![PutOutcome::Inserted; 3]);
    let outcomes = ok(store.put_batch(&items));
    assert_eq!(
        outcomes,
        [
            PutOutcome::Unchanged,
            PutOutcome::Unchanged,
            PutOutcome::Unchanged,
            PutOutcome::Inserted,
            PutOutcome::Inserted
        ]
    );

    // A transaction dropped without commit leaves nothing behind.
    let extra_a = article("never", &body(9));
    let extra_r = raw("never", &body(9));
    {
        let mut tx = ok(store.begin());
        ok(tx.put(&NewArticle {
            article: &extra_a,
            raw: &extra_r,
            signature: None,
        }));
        assert!(ok(tx.delete("b0")));
    }
    assert_eq!(ok(store.count()), 5);
    assert_eq!(ok(store.get("never")), None);

    // A failing item aborts the whole batch.
    let mut bad = article("", &body(3));
    bad.id = "  ".into();
    let bad_raw = raw("", &body(3));
    let new_a = article("new", &body(7));
    let new_r = raw("new", &body(7));
    let err = store.put_batch(&[
        NewArticle {
            article: &new_a,
            raw: &new_r,
            signature: None,
        },
        NewArticle {
            article: &bad,
            raw: &bad_raw,
            signature: None,
        },
    ]);
    assert!(matches!(err, Err(StoreError::Invalid(_))));
    assert_eq!(ok(store.get("new")), None);
}

#[test]
fn list_filters_and_pages() {
    let mut store = ok(SqliteStore::open_in_memory());
    let mut tx = ok(store.begin());
    for i in 0..6 {
        let id = format!("l{i}");
        let mut a = article(&id, &body(i));
        a.published = if i == 5 {
            None
        } else {
            Some(format!("2026-11-0{}", i + 1))
        };
        a.outlet = Some(if i % 2 == 0 { "Even Post" } else { "Odd Times" }.into());
        ok(tx.put(&NewArticle {
            article: &a,
            raw: &raw(&id, &body(i)),
            signature: None,
        }));
    }
    ok(tx.commit());
    let ids =
        |q: ListQuery| -> Vec<String> { ok(store.list(&q)).into_iter().map(|s| s.id).collect() };
    assert_eq!(
        ids(ListQuery::default()),
        ["l4", "l3", "l2", "l1", "l0", "l5"]
    );
    assert_eq!(
        ids(ListQuery {
            limit: 2,
            offset: 1,
            ..ListQuery::default()
        }),
        ["l3", "l2"]
    );
    assert_eq!(
        ids(ListQuery {
            outlet: Some("Even Post".into()),
            ..ListQuery::default()
        }),
        ["l4", "l2", "l0"]
    );
    assert_eq!(
        ids(ListQuery {
            published_from: Some("2026-11-02".into()),
            published_to: Some("2026-11-03".into()),
            ..ListQuery::default()
        }),
        ["l2", "l1"]
    );
    assert!(ids(ListQuery {
        language: Some("fr".into()),
        ..ListQuery::default()
    })
    .is_empty());
}

#[test]
fn duplicate_links_record_list_update_and_cascade() {
    let mut store = ok(SqliteStore::open_in_memory());
    let mut tx = ok(store.begin());
    for id in ["orig", "copy1", "copy2"] {
        ok(tx.put(&NewArticle {
            article: &article(id, &body(1)),
            raw: &raw(id, &body(1)),
            signature: None,
        }));
    }
    // Exact-copy lookup inside the transaction sees its own puts.
    assert_eq!(
        ok(tx.ids_by_content_hash(&content_hash(&body(1)))),
        ["orig", "copy1", "copy2"]
    );
    // Links may reference articles put earlier in the same transaction.
    ok(tx.add_link(&DuplicateLink {
        article_id: "copy1".into(),
        of_id: "orig".into(),
        kind: LinkKind::Exact,
        score: 1.0,
    }));
    ok(tx.commit());
    let near = DuplicateLink {
        article_id: "copy2".into(),
        of_id: "orig".into(),
        kind: LinkKind::Near,
        score: 0.82,
    };
    ok(store.add_link(&near));
    // Re-recording re-scores instead of duplicating.
    ok(store.add_link(&DuplicateLink {
        score: 0.86,
        ..near.clone()
    }));

    let orig_links = ok(store.links("orig"));
    assert_eq!(orig_links.len(), 2);
    assert_eq!(orig_links[0].article_id, "copy1");
    assert_eq!(orig_links[0].kind, LinkKind::Exact);
    assert_eq!(orig_links[1].article_id, "copy2");
    assert!((orig_links[1].score - 0.86).abs() < 1e-12);
    assert_eq!(ok(store.links("copy2")).len(), 1);
    assert!(ok(store.links("nobody")).is_empty());

    // Bad links are refused with a clear reason.
    let err = store.add_link(&DuplicateLink {
        article_id: "copy1".into(),
        of_id: "ghost".into(),
        kind: LinkKind::Near,
        score: 0.9,
    });
    match err {
        Err(e @ StoreError::UnknownArticle { .. }) => {
            assert!(e.to_string().contains("ghost"), "{e}")
        }
        other => panic!("expected UnknownArticle, got {other:?}"),
    }
    for (score, of) in [(1.5, "orig"), (f64::NAN, "orig"), (0.9, "copy1")] {
        let err = store.add_link(&DuplicateLink {
            article_id: "copy1".into(),
            of_id: of.into(),
            kind: LinkKind::Near,
            score,
        });
        assert!(matches!(err, Err(StoreError::Invalid(_))), "{score} {of}");
    }

    // Updating copy2's content drops the link computed from its old text.
    let changed = article("copy2", &body(5));
    assert_eq!(
        ok(store.put(&NewArticle {
            article: &changed,
            raw: &raw("copy2", &body(5)),
            signature: None,
        })),
        PutOutcome::Updated
    );
    assert!(ok(store.links("copy2")).is_empty());

    // Deleting the original removes links pointing at it.
    let mut tx = ok(store.begin());
    assert!(ok(tx.delete("orig")));
    assert!(!ok(tx.delete("orig")));
    ok(tx.commit());
    assert!(ok(store.links("copy1")).is_empty());
    assert_eq!(ok(store.get_raw("orig")), None);
    ok(store.check_integrity());
}

#[test]
fn reopening_existing_database_keeps_data_and_version() {
    let (_dir, path) = temp_db();
    {
        let mut store = ok(SqliteStore::open(&path));
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
fn read_only_store_reads_and_refuses_unmigrated() {
    let (_dir, path) = temp_db();
    assert!(matches!(
        SqliteStore::open_read_only(&path),
        Err(StoreError::Open { .. })
    ));
    {
        let mut store = ok(SqliteStore::open(&path));
        ok(store.put(&NewArticle {
            article: &article("r", &body(1)),
            raw: &raw("r", &body(1)),
            signature: None,
        }));
    }
    let mut reader = ok(SqliteStore::open_read_only(&path));
    assert_eq!(ok(reader.count()), 1);
    let err = reader.put(&NewArticle {
        article: &article("w", &body(1)),
        raw: &raw("w", &body(1)),
        signature: None,
    });
    assert!(err.is_err(), "read-only store accepted a write");
}

#[test]
fn concurrent_reader_sees_only_whole_batches() {
    const BATCHES: usize = 40;
    const PER_BATCH: usize = 25;
    let (_dir, path) = temp_db();
    let mut writer = ok(SqliteStore::open(&path));
    let reader_path = path.clone();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader_done = done.clone();
    let reader = std::thread::spawn(move || -> Result<usize, String> {
        let reader = SqliteStore::open_read_only(&reader_path).map_err(|e| e.to_string())?;
        let mut last = 0;
        let mut reads = 0;
        loop {
            let finished = reader_done.load(std::sync::atomic::Ordering::SeqCst);
            let n = reader.count().map_err(|e| e.to_string())? as usize;
            if !n.is_multiple_of(PER_BATCH) {
                return Err(format!("saw {n} articles: a partial batch"));
            }
            if n < last {
                return Err(format!("count went back from {last} to {n}"));
            }
            last = n;
            reads += 1;
            if finished {
                return Ok(reads);
            }
        }
    });
    let mut pairs = Vec::new();
    for b in 0..BATCHES {
        pairs.clear();
        for i in 0..PER_BATCH {
            let id = format!("c{b}-{i}");
            pairs.push((article(&id, &body(i)), raw(&id, &body(i))));
        }
        let items: Vec<_> = pairs
            .iter()
            .map(|(a, r)| NewArticle {
                article: a,
                raw: r,
                signature: None,
            })
            .collect();
        ok(writer.put_batch(&items));
    }
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let reads = reader
        .join()
        .unwrap_or_else(|_| Err("reader panicked".into()))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(reads > 1);
    assert_eq!(ok(writer.count()), (BATCHES * PER_BATCH) as u64);
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
fn lsh_index_rebuilds_from_stored_signatures() {
    let mut store = ok(SqliteStore::open_in_memory());
    let hasher = MinHasher::default();
    let other = MinHasher::new(parallax_dedup::MinHashParams {
        shingle_words: 3,
        ..Default::default()
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let a = article("first", &body(1));
    let b = article("second", &body(2));
    let c = article("old", &body(3));
    let (sa, sb, sc) = (
        hasher.signature(&a.text),
        hasher.signature(&b.text),
        other.signature(&c.text),
    );
    ok(store.put_batch(&[
        NewArticle {
            article: &a,
            raw: &raw("first", &body(1)),
            signature: Some(&sa),
        },
        NewArticle {
            article: &b,
            raw: &raw("second", &body(2)),
            signature: Some(&sb),
        },
        NewArticle {
            article: &c,
            raw: &raw("old", &body(3)),
            signature: Some(&sc),
        },
    ]));
    let loaded = ok(parallax_store::load_lsh_index(&store, hasher.params()));
    assert_eq!(loaded.index.len(), 2);
    assert_eq!(loaded.stale, ["old"]);
    let hits = loaded.index.near_duplicates(&sa, 0.99);
    assert_eq!(hits, vec![("first".to_string(), 1.0)]);
}

#[test]
fn simultaneous_first_opens_all_succeed() {
    let (_dir, path) = temp_db();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let path = path.clone();
            std::thread::spawn(move || SqliteStore::open(&path).map(|s| s.schema_version().ok()))
        })
        .collect();
    for h in handles {
        match h.join() {
            Ok(Ok(version)) => assert_eq!(version, Some(latest_version())),
            Ok(Err(e)) => panic!("{e}"),
            Err(_) => panic!("opener panicked"),
        }
    }
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
