//! The store contract: what every [`Store`] backend does, written once
//! against `dyn Store` and run on each backend (`sqlite::CASE` and
//! `postgres::CASE`), so both answer the same calls with the same results,
//! in the same order, with the same kinds of errors.
//!
//! The PostgreSQL cases run when `PARALLAX_TEST_POSTGRES` names a server
//! (`bash scripts/pg-test-server.sh DIR` starts one); each case gets a
//! schema of its own. What only SQLite has (its files, pragmas, raw SQL)
//! stays in `store.rs` and `stories.rs`.

mod common;

use common::fixture::{Fixture, PgFixture, SqliteFixture};
use common::{article, body, raw};
use parallax_dedup::{content_hash, MinHasher};
use parallax_model::{Article, RawDoc};
use parallax_store::{
    load_lsh_index, ArticleEntity, DuplicateLink, EngineState, EntityQuery, LinkKind, ListQuery,
    NewArticle, PutOutcome, Store, StoreError, StoredAnalysis, StoredStory, StoryMove,
};
use serde_json::json;

/// One `#[test]` per case and backend: `sqlite::CASE`, `postgres::CASE`.
macro_rules! contract {
    ($($case:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $case() {
                    super::$case(&super::SqliteFixture::new());
                }
            )+
        }
        mod postgres {
            $(
                #[test]
                fn $case() {
                    if let Some(fx) = super::PgFixture::new() {
                        super::$case(&fx);
                    }
                }
            )+
        }
    };
}

contract!(
    article_raw_and_signature_round_trip,
    non_ascii_text_counts_characters,
    re_put_is_idempotent_and_changes_update,
    batch_outcomes_and_rollback_on_drop,
    list_filters_and_pages,
    listings_sort_by_bytes_and_fold_ascii_case_only,
    duplicate_links_record_list_update_and_cascade,
    lookups_inside_a_transaction,
    outlet_counts_and_renames,
    read_only_store_reads_and_refuses_writes,
    read_only_open_of_an_empty_store_is_refused,
    concurrent_reader_sees_only_whole_batches,
    lsh_index_rebuilds_from_stored_signatures,
    simultaneous_first_opens_all_succeed,
    analyses_go_stale_with_the_article_or_the_analyzer,
    entities_join_list_and_cascade,
    engine_state_round_trips_and_replaces,
    stories_round_trip_newest_first,
    replace_drops_old_stories,
    duplicate_ids_fail_and_keep_previous_document,
    update_stories_replaces_changed_keeps_the_rest_and_drops_the_gone,
    members_are_kept_in_order_and_follow_the_story,
    moves_chain_to_the_latest_story_and_never_shadow_a_live_one,
    single_source_stories_are_marked,
    story_glances_round_trip_through_both_writes,
    feed_subscriptions_add_once_record_polls_and_remove,
    generation_counts_every_visible_write,
    derived_generation_is_pending_until_settled,
    two_writers_at_once,
    article_batches_race_renames_and_analyses,
    two_story_writers_at_once,
    re_put_from_a_second_handle_is_unchanged,
);

fn ok<T>(r: Result<T, StoreError>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

fn pair(id: &str, text: &str) -> (Article, RawDoc) {
    (article(id, text), raw(id, text))
}

fn items(pairs: &[(Article, RawDoc)]) -> Vec<NewArticle<'_>> {
    pairs
        .iter()
        .map(|(a, r)| NewArticle {
            article: a,
            raw: r,
            signature: None,
        })
        .collect()
}

fn put(store: &mut dyn Store, id: &str, text: &str) -> PutOutcome {
    let (a, r) = pair(id, text);
    ok(store.put(&NewArticle {
        article: &a,
        raw: &r,
        signature: None,
    }))
}

fn ids_of(list: Vec<parallax_store::ArticleSummary>) -> Vec<String> {
    list.into_iter().map(|s| s.id).collect()
}

// ---------------------------------------------------------------- articles

fn article_raw_and_signature_round_trip(fx: &dyn Fixture) {
    let mut store = fx.open();
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

    let store = fx.open();
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
}

fn non_ascii_text_counts_characters(fx: &dyn Fixture) {
    let mut store = fx.open();
    let text = "Zürich — 北京 «quote»";
    put(&mut *store, "u", text);
    let list = ok(store.list(&ListQuery::default()));
    assert_eq!(list[0].text_chars, text.chars().count() as u64);
    assert_eq!(ok(store.get("u")).map(|a| a.text), Some(text.to_string()));
}

fn re_put_is_idempotent_and_changes_update(fx: &dyn Fixture) {
    let mut store = fx.open();
    let a = article("a", &body(1));
    let r = raw("a", &body(1));
    let put = |store: &mut dyn Store, a, r| {
        ok(store.put(&NewArticle {
            article: a,
            raw: r,
            signature: None,
        }))
    };
    assert_eq!(put(&mut *store, &a, &r), PutOutcome::Inserted);
    assert_eq!(put(&mut *store, &a, &r), PutOutcome::Unchanged);

    // Same raw input, better cleaning: an update.
    let mut recleaned = a.clone();
    recleaned.warnings.clear();
    assert_eq!(put(&mut *store, &recleaned, &r), PutOutcome::Updated);
    assert_eq!(ok(store.get("a")), Some(recleaned.clone()));
    assert_eq!(put(&mut *store, &recleaned, &r), PutOutcome::Unchanged);

    // Changed source text.
    let b = article("a", &body(2));
    let rb = raw("a", &body(2));
    assert_eq!(put(&mut *store, &b, &rb), PutOutcome::Updated);
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
    assert_eq!(put(&mut *store, &b, &rb), PutOutcome::Updated);
    assert!(ok(store.signatures()).is_empty());
}

fn batch_outcomes_and_rollback_on_drop(fx: &dyn Fixture) {
    let mut store = fx.open();
    let arts: Vec<_> = (0..5).map(|i| pair(&format!("b{i}"), &body(i))).collect();
    let all = items(&arts);
    let outcomes = ok(store.put_batch(&all[..3]));
    assert_eq!(outcomes, vec![PutOutcome::Inserted; 3]);
    let outcomes = ok(store.put_batch(&all));
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
    let (extra_a, extra_r) = pair("never", &body(9));
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
    assert!(ok(store.get("b0")).is_some());

    // A failing item aborts the whole batch.
    let mut bad = article("", &body(3));
    bad.id = "  ".into();
    let bad_raw = raw("", &body(3));
    let (new_a, new_r) = pair("new", &body(7));
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
    assert!(matches!(err, Err(StoreError::Invalid(_))), "{err:?}");
    assert_eq!(ok(store.get("new")), None);

    // The store is still usable after the failed batch.
    assert_eq!(put(&mut *store, "after", &body(8)), PutOutcome::Inserted);
    assert_eq!(ok(store.count()), 6);
}

fn list_filters_and_pages(fx: &dyn Fixture) {
    let mut store = fx.open();
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
    let ids = |q: ListQuery| -> Vec<String> { ids_of(ok(store.list(&q))) };
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
            outlet: Some("EVEN post".into()),
            language: Some("en".into()),
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
    assert!(ids(ListQuery {
        offset: 10,
        ..ListQuery::default()
    })
    .is_empty());
}

/// Ids and names sort in byte order (upper case before lower, accents
/// after both), and an outlet filter folds ASCII letters only, whatever the
/// server's locale.
fn listings_sort_by_bytes_and_fold_ascii_case_only(fx: &dyn Fixture) {
    let mut store = fx.open();
    for id in ["b", "Z", "é", "a", "B"] {
        let (mut a, r) = pair(id, &body(id.len()));
        a.outlet = Some("Zürcher Blatt".into());
        ok(store.put(&NewArticle {
            article: &a,
            raw: &r,
            signature: None,
        }));
    }
    assert_eq!(
        ids_of(ok(store.list(&ListQuery::default()))),
        ["B", "Z", "a", "b", "é"]
    );
    let by_outlet = |outlet: &str| -> usize {
        ok(store.list(&ListQuery {
            outlet: Some(outlet.into()),
            ..ListQuery::default()
        }))
        .len()
    };
    assert_eq!(by_outlet("Zürcher Blatt"), 5);
    assert_eq!(by_outlet("zürcher BLATT"), 5, "ASCII letters fold");
    assert_eq!(by_outlet("ZÜRCHER BLATT"), 0, "other letters do not");
    assert_eq!(by_outlet("Zurcher Blatt"), 0);

    let mut stories: Vec<StoredStory> = ["b", "Z", "é", "a"]
        .iter()
        .map(|id| story(id, Some("2024-01-01")))
        .collect();
    stories.push(story("y", None));
    ok(store.replace_stories(&stories));
    let listed: Vec<String> = ok(store.list_stories()).into_iter().map(|s| s.id).collect();
    assert_eq!(listed, ["Z", "a", "b", "é", "y"]);
    let keys: Vec<String> = ok(store.story_keys()).into_iter().map(|k| k.0).collect();
    assert_eq!(keys, ["Z", "a", "b", "y", "é"]);
}

fn duplicate_links_record_list_update_and_cascade(fx: &dyn Fixture) {
    let mut store = fx.open();
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
    assert_eq!(
        ok(store.ids_by_content_hash(&content_hash(&body(1)))),
        ["orig", "copy1", "copy2"],
        "oldest first"
    );
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
    for (score, of) in [
        (1.5, "orig"),
        (-0.1, "orig"),
        (f64::NAN, "orig"),
        (0.9, "copy1"),
    ] {
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

/// What a transaction reads sees its own puts, and a failed link leaves the
/// transaction usable (the pipeline carries on with the batch).
fn lookups_inside_a_transaction(fx: &dyn Fixture) {
    let mut store = fx.open();
    let (mut a, r) = pair("p1", &body(1));
    a.published = None;
    ok(store.put(&NewArticle {
        article: &a,
        raw: &r,
        signature: None,
    }));
    let (b, rb) = pair("p2", &body(2));
    let mut tx = ok(store.begin());
    ok(tx.put(&NewArticle {
        article: &b,
        raw: &rb,
        signature: None,
    }));
    assert_eq!(ok(tx.published_of("p2")).as_deref(), Some("2026-11-20"));
    assert_eq!(ok(tx.published_of("p1")), None, "stored without a date");
    assert_eq!(ok(tx.published_of("nobody")), None);
    assert_eq!(
        ok(tx.origin_of("p2")),
        Some((b.origin.path.clone(), content_hash(&b.text)))
    );
    assert_eq!(ok(tx.origin_of("nobody")), None);
    let err = tx.add_link(&DuplicateLink {
        article_id: "p2".into(),
        of_id: "ghost".into(),
        kind: LinkKind::Near,
        score: 0.9,
    });
    assert!(
        matches!(err, Err(StoreError::UnknownArticle { .. })),
        "{err:?}"
    );
    ok(tx.add_link(&DuplicateLink {
        article_id: "p2".into(),
        of_id: "p1".into(),
        kind: LinkKind::Near,
        score: 0.5,
    }));
    ok(tx.commit());
    assert_eq!(ok(store.links("p1")).len(), 1);
    assert_eq!(ok(store.count()), 2);
}

fn outlet_counts_and_renames(fx: &dyn Fixture) {
    let mut store = fx.open();
    let outlets = [
        ("o1", Some("Daily")),
        ("o2", Some("Daily")),
        ("o3", None),
        ("o4", None),
        ("o5", Some("Blatt")),
        ("o6", Some("Avis")),
    ];
    for (id, outlet) in outlets {
        let (mut a, r) = pair(id, &body(id.len()));
        a.outlet = outlet.map(str::to_string);
        ok(store.put(&NewArticle {
            article: &a,
            raw: &r,
            signature: None,
        }));
    }
    assert_eq!(
        ok(store.outlet_counts()),
        [
            (None, 2),
            (Some("Daily".to_string()), 2),
            (Some("Avis".to_string()), 1),
            (Some("Blatt".to_string()), 1),
        ]
    );
    let revisions = ok(store.revisions());
    ok(store.set_outlets(&[
        ("o3".into(), Some("Avis".into()), Some("url host".into())),
        ("o1".into(), None, None),
        ("nobody".into(), Some("Daily".into()), None),
    ]));
    let o3 = ok(store.get("o3")).unwrap_or_else(|| panic!("o3 is gone"));
    assert_eq!(o3.outlet.as_deref(), Some("Avis"));
    assert_eq!(o3.outlet_via.as_deref(), Some("url host"));
    assert_eq!(ok(store.get("o1")).and_then(|a| a.outlet), None);
    assert_eq!(ok(store.count()), 6, "an unknown id is ignored");
    assert_eq!(ok(store.revisions()), revisions, "revisions are kept");
    assert_eq!(
        ok(store.outlet_counts()),
        [
            (None, 2),
            (Some("Avis".to_string()), 2),
            (Some("Blatt".to_string()), 1),
            (Some("Daily".to_string()), 1),
        ]
    );
    assert_eq!(
        ids_of(ok(store.list(&ListQuery {
            outlet: Some("avis".into()),
            ..ListQuery::default()
        }))),
        ["o3", "o6"]
    );
    let named: Vec<(String, String)> = [
        ("o2", "Daily"),
        ("o3", "Avis"),
        ("o5", "Blatt"),
        ("o6", "Avis"),
    ]
    .iter()
    .map(|(id, o)| (id.to_string(), o.to_string()))
    .collect();
    assert_eq!(
        ok(store.article_outlets()),
        named,
        "every named outlet, by id"
    );
}

fn read_only_store_reads_and_refuses_writes(fx: &dyn Fixture) {
    let mut writer = fx.open();
    put(&mut *writer, "r", &body(1));
    let mut reader = fx.open_read_only();
    assert_eq!(ok(reader.count()), 1);
    assert_eq!(ok(reader.generation()), ok(writer.generation()));
    let (a, r) = pair("w", &body(1));
    let err = reader.put(&NewArticle {
        article: &a,
        raw: &r,
        signature: None,
    });
    assert!(err.is_err(), "read-only store accepted a write");
    assert!(reader.replace_stories(&[story("s", None)]).is_err());
    assert!(reader
        .put_state(
            "x",
            &EngineState {
                format: "f".into(),
                bytes: vec![1]
            }
        )
        .is_err());
    drop(reader);
    assert_eq!(ok(writer.count()), 1);
    assert!(ok(writer.list_stories()).is_empty());
    assert_eq!(ok(writer.get_state("x")), None);
}

fn read_only_open_of_an_empty_store_is_refused(fx: &dyn Fixture) {
    assert!(
        fx.try_open_read_only().is_err(),
        "a store never opened read-write has no schema to read"
    );
    drop(fx.open());
    drop(fx.open_read_only());
}

fn concurrent_reader_sees_only_whole_batches(fx: &dyn Fixture) {
    const BATCHES: usize = 40;
    const PER_BATCH: usize = 25;
    let mut writer = fx.open();
    let reader = fx.open_read_only();
    let done = std::sync::atomic::AtomicBool::new(false);
    let done = &done;
    std::thread::scope(|s| {
        // A store is Send, not Sync: the reader moves into its thread.
        let reading = s.spawn(move || -> Result<usize, String> {
            let mut last = 0;
            let mut reads = 0;
            loop {
                let finished = done.load(std::sync::atomic::Ordering::SeqCst);
                let n = reader.count().map_err(|e| e.to_string())? as usize;
                if !n.is_multiple_of(PER_BATCH) {
                    return Err(format!("saw {n} articles: a partial batch"));
                }
                if n < last {
                    return Err(format!("count went back from {last} to {n}"));
                }
                let listed = reader
                    .list(&ListQuery {
                        limit: usize::MAX / 2,
                        ..ListQuery::default()
                    })
                    .map_err(|e| e.to_string())?
                    .len();
                if !listed.is_multiple_of(PER_BATCH) {
                    return Err(format!("listed {listed} articles: a partial batch"));
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
                pairs.push(pair(&format!("c{b}-{i}"), &body(i)));
            }
            ok(writer.put_batch(&items(&pairs)));
        }
        done.store(true, std::sync::atomic::Ordering::SeqCst);
        let reads = reading
            .join()
            .unwrap_or_else(|_| Err("reader panicked".into()))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(reads > 1);
    });
    assert_eq!(ok(writer.count()), (BATCHES * PER_BATCH) as u64);
}

fn lsh_index_rebuilds_from_stored_signatures(fx: &dyn Fixture) {
    let mut store = fx.open();
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
    let loaded = ok(load_lsh_index(&*store, hasher.params()));
    assert_eq!(loaded.index.len(), 2);
    assert_eq!(loaded.stale, ["old"]);
    let hits = loaded.index.near_duplicates(&sa, 0.99);
    assert_eq!(hits, vec![("first".to_string(), 1.0)]);
    // Signatures come back in the order they were first stored, also
    // after one of them is replaced.
    let sa2 = hasher.signature(&body(4));
    ok(store.put(&NewArticle {
        article: &a,
        raw: &raw("first", &body(1)),
        signature: Some(&sa2),
    }));
    let order: Vec<String> = ok(store.signatures())
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(order, ["first", "second", "old"]);
}

fn simultaneous_first_opens_all_succeed(fx: &dyn Fixture) {
    std::thread::scope(|s| {
        let openers: Vec<_> = (0..4)
            .map(|i| {
                s.spawn(move || -> Result<u64, StoreError> {
                    let mut store = fx.try_open()?;
                    let (a, r) = pair(&format!("first-{i}"), &body(i));
                    store.put(&NewArticle {
                        article: &a,
                        raw: &r,
                        signature: None,
                    })?;
                    store.generation()
                })
            })
            .collect();
        for h in openers {
            match h.join() {
                Ok(Ok(generation)) => assert!(generation > 1),
                Ok(Err(e)) => panic!("{e}"),
                Err(_) => panic!("opener panicked"),
            }
        }
    });
    let store = fx.open();
    assert_eq!(ok(store.count()), 4);
    ok(store.check_integrity());
}

// ------------------------------------------------------ analyses, entities

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

fn analysis(store: &dyn Store, id: &str, analyzer: &str) -> StoredAnalysis {
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

fn analyses_go_stale_with_the_article_or_the_analyzer(fx: &dyn Fixture) {
    let mut store = fx.open();
    put(&mut *store, "b", &body(2));
    put(&mut *store, "a", &body(1));
    let ids = |s: &dyn Store, v: &str| -> Vec<String> {
        ok(s.stale_analyses(v))
            .into_iter()
            .map(|(id, _)| id)
            .collect()
    };
    assert_eq!(ids(&*store, "v1"), ["a", "b"], "in id order");
    assert!(ok(store.analysis_stamps()).is_empty());

    let a = analysis(&*store, "a", "v1");
    let b = analysis(&*store, "b", "v1");
    let gone = StoredAnalysis {
        article_id: "deleted".into(),
        ..a.clone()
    };
    ok(store.put_analyses(&[
        (a.clone(), vec![entity("a", "Ana Lopez", "person", 2, 1)]),
        (b, vec![]),
        (gone, vec![entity("deleted", "X", "misc", 1, 0)]),
    ]));
    assert!(ids(&*store, "v1").is_empty());
    assert_eq!(ids(&*store, "v2"), ["a", "b"], "a new analyzer redoes all");
    assert_eq!(ok(store.get_analysis("a")), Some(a));
    assert_eq!(ok(store.get_analysis("deleted")), None);
    assert_eq!(
        ok(store.analysis_stamps()),
        [
            ("a".to_string(), "v1".to_string()),
            ("b".into(), "v1".into())
        ]
    );

    // A changed article: its analysis is stale and no longer served.
    let before = ok(store.revisions());
    assert_eq!(before[0].0, "b", "revisions come in arrival order");
    put(&mut *store, "a", &body(3));
    let after = ok(store.revisions());
    assert_eq!(before.len(), 2);
    assert_eq!(before[0], after[0]);
    assert_eq!(before[1].0, after[1].0);
    assert_ne!(before[1].1, after[1].1, "a's revision changed");
    assert_eq!(ids(&*store, "v1"), ["a"]);
    assert_eq!(ok(store.get_analysis("a")), None);
    assert_eq!(
        ok(store.analysis_stamps()),
        [("b".to_string(), "v1".to_string())]
    );
    assert_eq!(ok(store.all_article_entities()).len(), 1);
}

fn entities_join_list_and_cascade(fx: &dyn Fixture) {
    let mut store = fx.open();
    for id in ["a", "b", "c"] {
        put(&mut *store, id, &body(id.len()));
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
            (analysis(&*store, id, "v1"), mine)
        })
        .collect();
    ok(store.put_analyses(&items));
    assert!(
        ok(store.list_entities(&EntityQuery::default())).is_empty(),
        "nothing is listed before joining"
    );
    let all_rows = ok(store.all_article_entities());
    let order: Vec<(&str, &str)> = all_rows
        .iter()
        .map(|r| (r.article_id.as_str(), r.name.as_str()))
        .collect();
    assert_eq!(
        order,
        [
            ("a", "Ana Lopez"),
            ("a", "Harbour Council"),
            ("b", "Lopez"),
            ("c", "100%_sure"),
            ("c", "Ana Lopez")
        ]
    );
    let joined: Vec<(ArticleEntity, String)> = all_rows
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
    let ids: Vec<&str> = all.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "person:ana lopez",
            "misc:100%_sure",
            "organisation:harbour council"
        ]
    );
    let paged = ok(store.list_entities(&EntityQuery {
        limit: 1,
        offset: 1,
        ..EntityQuery::default()
    }));
    assert_eq!(paged, all[1..2]);

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
    assert_eq!(by_name("lopez", Some("person")), ["person:ana lopez"]);
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
    assert_eq!(articles, ["a", "b", "c"]);
    let of_a = ok(store.article_entities("a"));
    assert_eq!(of_a[0].name, "Ana Lopez");
    assert_eq!(of_a[0].entity_id.as_deref(), Some("person:ana lopez"));
    assert_eq!(of_a.len(), 2);

    assert!(ok(store.begin().and_then(|mut tx| {
        let deleted = tx.delete("b")?;
        tx.commit()?;
        Ok(deleted)
    })));
    assert_eq!(ok(store.entity_articles("person:ana lopez")).len(), 2);
    ok(store.check_integrity());
}

fn engine_state_round_trips_and_replaces(fx: &dyn Fixture) {
    let mut store = fx.open();
    assert_eq!(ok(store.get_state("stories")), None);
    let first = EngineState {
        format: "test/1".into(),
        bytes: vec![0, 1, 2, 255],
    };
    ok(store.put_state("stories", &first));
    assert_eq!(ok(store.get_state("stories")), Some(first));
    let second = EngineState {
        format: "test/2".into(),
        bytes: vec![9; 100_000],
    };
    ok(store.put_state("stories", &second));
    drop(store);
    let store = fx.open();
    assert_eq!(ok(store.get_state("stories")), Some(second));
    assert_eq!(ok(store.get_state("other")), None);
}

// ----------------------------------------------------------------- stories

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

fn story_ids(store: &dyn Store) -> Vec<String> {
    ok(store.list_stories()).into_iter().map(|s| s.id).collect()
}

fn stories_round_trip_newest_first(fx: &dyn Fixture) {
    let mut store = fx.open();
    assert!(ok(store.list_stories()).is_empty());
    let stories = vec![
        story("old", Some("2024-02-01")),
        story("undated", None),
        story("new", Some("2024-05-01")),
    ];
    ok(store.replace_stories(&stories));
    drop(store);

    let store = fx.open();
    assert_eq!(story_ids(&*store), ["new", "old", "undated"]);
    assert_eq!(ok(store.get_story("old")), Some(stories[0].clone()));
    assert_eq!(ok(store.list_stories())[1], stories[0].summary());
    assert_eq!(ok(store.get_story("missing")), None);
    assert_eq!(
        ok(store.stories_of_article("old-2")),
        [("old".to_string(), "Story old".to_string())]
    );
    assert!(ok(store.stories_of_article("nobody")).is_empty());
}

fn replace_drops_old_stories(fx: &dyn Fixture) {
    let mut store = fx.open();
    ok(store.replace_stories(&[story("a", None), story("b", None)]));
    ok(store.replace_stories(&[story("c", Some("2024-01-02"))]));
    assert_eq!(story_ids(&*store), ["c"]);
    assert_eq!(ok(store.get_story("a")), None);
    assert!(ok(store.story_members()).iter().all(|(s, _)| s == "c"));
    ok(store.replace_stories(&[]));
    assert!(ok(store.list_stories()).is_empty());
    assert!(ok(store.story_members()).is_empty());
}

fn duplicate_ids_fail_and_keep_previous_document(fx: &dyn Fixture) {
    let mut store = fx.open();
    ok(store.replace_stories(&[story("kept", None)]));
    let before = ok(store.generation());
    let err = store.replace_stories(&[story("x", None), story("x", None)]);
    match err {
        Err(e @ StoreError::Invalid(_)) => {
            assert!(e.to_string().contains("story id x appears twice"), "{e}")
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
    assert_eq!(
        story_ids(&*store),
        ["kept"],
        "a failed replace must roll back"
    );
    assert_eq!(ok(store.get_story("kept")), Some(story("kept", None)));
    assert_eq!(ok(store.generation()), before, "nothing visible changed");
    // The store still writes after the failure.
    ok(store.replace_stories(&[story("y", None)]));
    assert_eq!(story_ids(&*store), ["y"]);
}

fn update_stories_replaces_changed_keeps_the_rest_and_drops_the_gone(fx: &dyn Fixture) {
    let mut store = fx.open();
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
    assert_eq!(story_ids(&*store), ["a", "c"]);
    // A whole replace clears the keys.
    ok(store.replace_stories(&[b]));
    assert_eq!(ok(store.story_keys()), [("b".to_string(), None)]);
}

fn moved(store: &dyn Store, id: &str) -> Option<String> {
    ok(store.story_moved_to(id))
}

fn to(from: &str, to: &str) -> StoryMove {
    StoryMove {
        from: from.into(),
        to: to.into(),
    }
}

fn members_are_kept_in_order_and_follow_the_story(fx: &dyn Fixture) {
    let mut store = fx.open();
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
    assert_eq!(
        members,
        [
            ("a".to_string(), "m".to_string()),
            ("b".into(), "b-1".into()),
            ("b".into(), "b-2".into())
        ]
    );
    assert_eq!(
        ok(store.stories_of_article("m")),
        [("a".to_string(), "Story a".to_string())]
    );
    let mut empty = story("e", None);
    empty.articles.clear();
    ok(store.update_stories(
        &[(empty.clone(), "ke".into())],
        &["b".into(), "e".into()],
        &[],
    ));
    assert!(ok(store.story_members()).iter().all(|(s, _)| s == "b"));
    assert_eq!(ok(store.get_story("e")), Some(empty));
}

fn moves_chain_to_the_latest_story_and_never_shadow_a_live_one(fx: &dyn Fixture) {
    let mut store = fx.open();
    let (a, b, c) = (story("a", None), story("b", None), story("c", None));
    ok(store.update_stories(
        &[(a, "ka".into()), (b.clone(), "kb".into())],
        &["a".into(), "b".into()],
        &[],
    ));
    // a merged into b.
    ok(store.update_stories(&[(b, "kb2".into())], &["b".into()], &[to("a", "b")]));
    assert_eq!(moved(&*store, "a").as_deref(), Some("b"));
    assert_eq!(moved(&*store, "b"), None);
    // b merged into c: a follows to c.
    ok(store.update_stories(&[(c.clone(), "kc".into())], &["c".into()], &[to("b", "c")]));
    assert_eq!(moved(&*store, "a").as_deref(), Some("c"));
    assert_eq!(moved(&*store, "b").as_deref(), Some("c"));
    assert_eq!(ok(store.story_moves()), [to("a", "c"), to("b", "c")]);
    // An id that is a story again answers as that story, not as a move.
    let a_again = story("a", None);
    ok(store.update_stories(&[(a_again, "ka3".into())], &["a".into(), "c".into()], &[]));
    assert_eq!(moved(&*store, "a"), None);
    assert_eq!(moved(&*store, "b").as_deref(), Some("c"));
    // A move to a story that is gone is dropped.
    ok(store.update_stories(&[], &["a".into()], &[]));
    assert_eq!(moved(&*store, "b"), None);
    // A whole replace keeps moves that still lead somewhere.
    ok(store.update_stories(
        &[(c, "kc".into())],
        &["a".into(), "c".into()],
        &[to("b", "c")],
    ));
    ok(store.replace_stories(&[story("c", None)]));
    assert_eq!(moved(&*store, "b").as_deref(), Some("c"));
    assert_eq!(ok(store.story_moves()), [to("b", "c")]);
    ok(store.check_integrity());
}

fn single_source_stories_are_marked(fx: &dyn Fixture) {
    let mut store = fx.open();
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
    assert_eq!(ok(store.get_story("two")).map(|s| s.sources), Some(2));
}

fn story_glances_round_trip_through_both_writes(fx: &dyn Fixture) {
    let mut store = fx.open();
    let mut glanced = story("glanced", Some("2024-03-01"));
    glanced.glance = Some(parallax_store::StoryGlance {
        left: 2,
        centre: 1,
        right: 0,
        unrated: 3,
        lede: Some(parallax_store::StoryLede {
            text: "The council approved the “budget”.".into(),
            article: "glanced-1".into(),
            start: 4,
            end: 40,
            outlets: 3,
        }),
    });
    // A story of an older build: no glance, read back as none.
    let bare = story("bare", Some("2024-02-01"));
    ok(store.replace_stories(&[glanced.clone(), bare.clone()]));
    assert_eq!(ok(store.get_story("glanced")), Some(glanced.clone()));
    assert_eq!(ok(store.list_stories())[0].glance, glanced.glance);
    assert_eq!(ok(store.get_story("bare")).and_then(|s| s.glance), None);
    // The refresh's path writes it too, and a changed glance replaces it.
    let mut changed = glanced.clone();
    if let Some(g) = changed.glance.as_mut() {
        g.right = 4;
        g.lede = None;
    }
    let current = ["glanced".to_string(), "bare".to_string()];
    ok(store.update_stories(&[(changed.clone(), "key".into())], &current, &[]));
    assert_eq!(
        ok(store.get_story("glanced")).and_then(|s| s.glance),
        changed.glance
    );
    assert_eq!(ok(store.list_stories())[0].glance, changed.glance);
}

fn feed_subscriptions_add_once_record_polls_and_remove(fx: &dyn Fixture) {
    use parallax_store::NewFeed;
    let mut store = fx.open();
    assert!(ok(store.list_feeds()).is_empty());
    let feed = |url: &str, title: Option<&str>| NewFeed {
        url: url.into(),
        title: title.map(str::to_string),
    };
    let mut last = ok(store.generation());
    assert_eq!(
        ok(store.add_feeds(&[
            feed(" https://harbour.example/feed.xml ", None),
            feed("https://tribune.example/rss", Some("Daily  Tribune")),
        ])),
        2
    );
    assert!(
        ok(store.generation()) > last,
        "a subscription is a visible change"
    );
    // Again: nothing new, and a title fills one that was missing.
    assert_eq!(
        ok(store.add_feeds(&[
            feed("https://harbour.example/feed.xml", Some("Harbour Herald")),
            feed("https://tribune.example/rss", Some("Another name")),
        ])),
        0
    );
    let listed = ok(store.list_feeds());
    let urls: Vec<&str> = listed.iter().map(|f| f.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "https://harbour.example/feed.xml",
            "https://tribune.example/rss"
        ]
    );
    assert_eq!(listed[0].title.as_deref(), Some("Harbour Herald"));
    assert_eq!(listed[1].title.as_deref(), Some("Daily Tribune"));
    assert_eq!((listed[0].polled_at, listed[0].failures), (None, 0));
    // Not a web address: refused, nothing stored.
    for bad in [
        "ftp://x.example/feed",
        "javascript:alert(1)",
        "https://a b.example/",
        "",
    ] {
        assert!(
            matches!(
                store.add_feeds(&[feed(bad, None)]),
                Err(StoreError::Invalid(_))
            ),
            "{bad:?}"
        );
    }
    assert_eq!(ok(store.list_feeds()).len(), 2);

    last = ok(store.generation());
    ok(store.record_feed_poll(
        "https://harbour.example/feed.xml",
        &Err("HTTP 503\nretry".into()),
    ));
    ok(store.record_feed_poll("https://harbour.example/feed.xml", &Err("timed out".into())));
    ok(store.record_feed_poll("https://tribune.example/rss", &Ok(12)));
    ok(store.record_feed_poll("https://unknown.example/", &Ok(1)));
    assert!(ok(store.generation()) > last);
    let listed = ok(store.list_feeds());
    assert_eq!(listed[0].last_error.as_deref(), Some("timed out"));
    assert_eq!((listed[0].failures, listed[0].last_items), (2, None));
    assert!(listed[0].polled_at.is_some());
    assert_eq!((listed[1].failures, listed[1].last_items), (0, Some(12)));
    assert_eq!(listed[1].last_error, None);
    ok(store.record_feed_poll("https://harbour.example/feed.xml", &Ok(3)));
    assert_eq!(ok(store.list_feeds())[0].failures, 0);

    assert!(ok(store.remove_feed("https://harbour.example/feed.xml")));
    assert!(!ok(store.remove_feed("https://harbour.example/feed.xml")));
    drop(store);
    let store = fx.open();
    let urls: Vec<String> = ok(store.list_feeds()).into_iter().map(|f| f.url).collect();
    assert_eq!(urls, ["https://tribune.example/rss"]);
}

// ------------------------------------------------- counters and concurrency

/// Reads the change counter and checks it moved (or not) since `last`.
fn step(store: &dyn Store, last: &mut u64, grows: bool, what: &str) {
    let now = ok(store.generation());
    if grows {
        assert!(now > *last, "{what}: generation stayed at {now}");
    } else {
        assert_eq!(now, *last, "{what}: generation moved");
    }
    *last = now;
}

fn generation_counts_every_visible_write(fx: &dyn Fixture) {
    let mut store = fx.open();
    let mut g = ok(store.generation());
    let arts: Vec<_> = (0..3).map(|i| pair(&format!("g{i}"), &body(i))).collect();
    ok(store.put_batch(&items(&arts)));
    step(&*store, &mut g, true, "a committed batch");
    let outcomes = ok(store.put_batch(&items(&arts)));
    assert!(outcomes.iter().all(|o| *o == PutOutcome::Unchanged));
    step(&*store, &mut g, false, "a batch of unchanged puts");
    {
        let (a, r) = pair("rolled", &body(9));
        let mut tx = ok(store.begin());
        ok(tx.put(&NewArticle {
            article: &a,
            raw: &r,
            signature: None,
        }));
        ok(tx.add_link(&DuplicateLink {
            article_id: "rolled".into(),
            of_id: "g0".into(),
            kind: LinkKind::Near,
            score: 0.7,
        }));
        assert!(ok(tx.delete("g1")));
    }
    step(&*store, &mut g, false, "a dropped transaction");
    let mut tx = ok(store.begin());
    assert!(!ok(tx.delete("nobody")));
    ok(tx.commit());
    step(&*store, &mut g, false, "deleting nothing");
    ok(store.begin().and_then(|tx| tx.commit()));
    step(&*store, &mut g, false, "an empty transaction");

    ok(store.add_link(&DuplicateLink {
        article_id: "g1".into(),
        of_id: "g0".into(),
        kind: LinkKind::Near,
        score: 0.7,
    }));
    step(&*store, &mut g, true, "a link");
    let a0 = analysis(&*store, "g0", "v1");
    ok(store.put_analyses(&[(a0, vec![entity("g0", "Ana", "person", 1, 0)])]));
    step(&*store, &mut g, true, "put_analyses");
    let row = entity("g0", "Ana", "person", 1, 0);
    ok(store.set_entity_ids(&[(row, "person:ana".into())]));
    step(&*store, &mut g, true, "set_entity_ids");
    ok(store.update_stories(&[(story("s", None), "k".into())], &["s".into()], &[]));
    step(&*store, &mut g, true, "update_stories");
    ok(store.replace_stories(&[story("t", None)]));
    step(&*store, &mut g, true, "replace_stories");
    ok(store.set_outlets(&[("g2".into(), Some("Renamed".into()), None)]));
    step(&*store, &mut g, true, "set_outlets");
    let mut tx = ok(store.begin());
    assert!(ok(tx.delete("g2")));
    ok(tx.commit());
    step(&*store, &mut g, true, "a delete");

    // Another handle, as another process, reads the same counter.
    let reader = fx.open_read_only();
    assert_eq!(ok(reader.generation()), g);
    put(&mut *store, "g9", &body(9));
    assert!(ok(reader.generation()) > g);
}

fn derived_generation_is_pending_until_settled(fx: &dyn Fixture) {
    let mut store = fx.open();
    let fresh = ok(store.derived_generation());
    assert!(fresh.pending(), "a new store starts pending: {fresh:?}");
    ok(store.settle_derived(fresh.generation));
    assert!(!ok(store.derived_generation()).pending());

    put(&mut *store, "d1", &body(1));
    let g = ok(store.derived_generation());
    assert!(g.pending(), "a put makes it pending: {g:?}");
    assert!(g.generation > fresh.generation);
    ok(store.settle_derived(g.generation));
    let settled = ok(store.derived_generation());
    assert!(!settled.pending(), "{settled:?}");
    assert_eq!(settled.settled, g.generation);

    // A put after the refresh read its generation stays pending.
    let g = ok(store.derived_generation());
    put(&mut *store, "d2", &body(2));
    ok(store.settle_derived(g.generation));
    let late = ok(store.derived_generation());
    assert!(late.pending(), "{late:?}");
    // settled never moves back, nor past what was counted.
    ok(store.settle_derived(0));
    assert_eq!(ok(store.derived_generation()), late);
    ok(store.settle_derived(u64::MAX));
    let capped = ok(store.derived_generation());
    assert!(!capped.pending());
    assert_eq!(capped.settled, capped.generation);

    // What changes no article leaves it settled.
    put(&mut *store, "d2", &body(2));
    let mut tx = ok(store.begin());
    assert!(!ok(tx.delete("nobody")));
    ok(tx.commit());
    {
        let (a, r) = pair("rolled", &body(3));
        let mut tx = ok(store.begin());
        ok(tx.put(&NewArticle {
            article: &a,
            raw: &r,
            signature: None,
        }));
    }
    ok(store.set_outlets(&[("nobody".into(), Some("X".into()), None)]));
    ok(store.replace_stories(&[story("s", None)]));
    ok(store.put_state(
        "e",
        &EngineState {
            format: "f".into(),
            bytes: vec![],
        },
    ));
    assert_eq!(ok(store.derived_generation()), capped, "nothing pending");

    // Renaming an outlet and deleting are article changes.
    ok(store.set_outlets(&[("d1".into(), Some("X".into()), None)]));
    let renamed = ok(store.derived_generation());
    assert!(renamed.pending(), "{renamed:?}");
    ok(store.settle_derived(renamed.generation));
    let mut tx = ok(store.begin());
    assert!(ok(tx.delete("d1")));
    ok(tx.commit());
    assert!(ok(store.derived_generation()).pending());
    // Another handle sees the same.
    let other = fx.open();
    assert_eq!(
        ok(other.derived_generation()),
        ok(store.derived_generation())
    );
}

fn two_writers_at_once(fx: &dyn Fixture) {
    const BATCHES: usize = 20;
    const PER_BATCH: usize = 10;
    const SHARED: usize = 5;
    let own = |w: usize, b: usize, i: usize| {
        pair(&format!("w{w}-{b:02}-{i:02}"), &body(w * 1000 + b * 10 + i))
    };
    let shared = |k: usize| pair(&format!("shared-{k}"), &body(9000 + k));
    let inserted: Vec<usize> = std::thread::scope(|s| {
        let writers: Vec<_> = (0..2)
            .map(|w| {
                s.spawn(move || -> Result<usize, StoreError> {
                    let mut store = fx.try_open()?;
                    let mut inserted = 0;
                    for b in 0..BATCHES {
                        let mut pairs: Vec<_> = (0..PER_BATCH).map(|i| own(w, b, i)).collect();
                        pairs.push(shared((b + w) % SHARED));
                        let outcomes = store.put_batch(&items(&pairs))?;
                        inserted += outcomes
                            .iter()
                            .filter(|o| **o == PutOutcome::Inserted)
                            .count();
                    }
                    Ok(inserted)
                })
            })
            .collect();
        writers
            .into_iter()
            .map(|h| match h.join() {
                Ok(Ok(n)) => n,
                Ok(Err(e)) => panic!("writer failed: {e}"),
                Err(_) => panic!("writer panicked"),
            })
            .collect()
    });
    let expected = 2 * BATCHES * PER_BATCH + SHARED;
    assert_eq!(
        inserted.iter().sum::<usize>(),
        expected,
        "each id inserted once"
    );
    let store = fx.open();
    assert_eq!(ok(store.count()), expected as u64);
    for w in 0..2 {
        for b in 0..BATCHES {
            for i in 0..PER_BATCH {
                let (a, r) = own(w, b, i);
                assert_eq!(ok(store.get(&a.id)).as_ref(), Some(&a));
                assert_eq!(ok(store.get_raw(&a.id)).as_ref(), Some(&r));
            }
        }
    }
    for k in 0..SHARED {
        let (a, _) = shared(k);
        assert_eq!(ok(store.get(&a.id)).as_ref(), Some(&a));
    }
    assert_eq!(ok(store.revisions()).len(), expected);
    ok(store.check_integrity());
    let g = ok(store.derived_generation());
    assert!(g.generation >= expected as u64, "{g:?}");
}

/// Article batches on one handle while another renames outlets and stores
/// analyses of the same articles, touching them in the other order: every
/// write waits its turn, none fails (as with SQLite's single writer).
fn article_batches_race_renames_and_analyses(fx: &dyn Fixture) {
    const ROUNDS: usize = 30;
    const ARTICLES: usize = 10;
    let id = |i: usize| format!("x{i:02}");
    let mut setup = fx.open();
    let first: Vec<_> = (0..ARTICLES).map(|i| pair(&id(i), &body(i))).collect();
    ok(setup.put_batch(&items(&first)));
    drop(setup);
    std::thread::scope(|s| {
        let batches = s.spawn(move || -> Result<(), StoreError> {
            let mut store = fx.try_open()?;
            for round in 1..=ROUNDS {
                let pairs: Vec<_> = (0..ARTICLES)
                    .map(|i| pair(&id(i), &body(round * 100 + i)))
                    .collect();
                let outcomes = store.put_batch(&items(&pairs))?;
                assert!(outcomes.iter().all(|o| *o == PutOutcome::Updated));
            }
            Ok(())
        });
        let others = s.spawn(move || -> Result<(), StoreError> {
            let mut store = fx.try_open()?;
            for round in 0..ROUNDS {
                if round % 2 == 0 {
                    let renames: Vec<_> = (0..ARTICLES)
                        .rev()
                        .map(|i| (id(i), Some(format!("Outlet {round}")), None))
                        .collect();
                    store.set_outlets(&renames)?;
                } else {
                    let mut current = store.revisions()?;
                    current.reverse();
                    let analyses: Vec<_> = current
                        .into_iter()
                        .map(|(article_id, revision)| {
                            let rows = vec![entity(&article_id, "Ana", "person", 1, 0)];
                            let stored = StoredAnalysis {
                                json: format!("{{\"round\":{round}}}"),
                                article_id,
                                revision,
                                analyzer: "v1".into(),
                            };
                            (stored, rows)
                        })
                        .collect();
                    store.put_analyses(&analyses)?;
                }
            }
            Ok(())
        });
        for (what, h) in [
            ("article batches", batches),
            ("renames and analyses", others),
        ] {
            match h.join() {
                Ok(Ok(())) => {}
                Ok(Err(e)) => panic!("{what} failed: {e}"),
                Err(_) => panic!("{what} panicked"),
            }
        }
    });
    let store = fx.open();
    assert_eq!(ok(store.count()), ARTICLES as u64);
    for i in 0..ARTICLES {
        let text = ok(store.get(&id(i))).map(|a| a.text);
        assert_eq!(text, Some(body(ROUNDS * 100 + i)));
    }
    assert_eq!(ok(store.all_article_entities()).len(), ARTICLES);
    ok(store.check_integrity());
}

/// Two story refreshes at once: each write is whole, the last one wins.
fn two_story_writers_at_once(fx: &dyn Fixture) {
    const ROUNDS: usize = 15;
    let set = |w: usize, round: usize| -> Vec<StoredStory> {
        (0..5)
            .map(|k| {
                let mut s = story(&format!("w{w}-{k}"), Some("2024-03-01"));
                s.title = format!("round {round}");
                s.articles = (0..4).map(|a| format!("w{w}-{k}-{a}")).collect();
                s
            })
            .collect()
    };
    std::thread::scope(|s| {
        let writers: Vec<_> = (0..2)
            .map(|w| {
                s.spawn(move || -> Result<(), StoreError> {
                    let mut store = fx.try_open()?;
                    for round in 0..ROUNDS {
                        let stories = set(w, round);
                        if round % 2 == 0 {
                            store.replace_stories(&stories)?;
                        } else {
                            let changed: Vec<_> = stories
                                .iter()
                                .map(|s| (s.clone(), format!("k{round}")))
                                .collect();
                            let current: Vec<String> =
                                stories.iter().map(|s| s.id.clone()).collect();
                            store.update_stories(&changed, &current, &[])?;
                        }
                    }
                    Ok(())
                })
            })
            .collect();
        for h in writers {
            match h.join() {
                Ok(Ok(())) => {}
                Ok(Err(e)) => panic!("story writer failed: {e}"),
                Err(_) => panic!("story writer panicked"),
            }
        }
    });
    let store = fx.open();
    let listed = ok(store.list_stories());
    assert_eq!(listed.len(), 5, "one writer's whole set: {listed:?}");
    let w = if listed[0].id.starts_with("w0") { 0 } else { 1 };
    let expected = set(w, ROUNDS - 1);
    for s in &expected {
        assert_eq!(ok(store.get_story(&s.id)).as_ref(), Some(s));
    }
    assert_eq!(ok(store.story_members()).len(), 5 * 4);
    ok(store.check_integrity());
}

fn re_put_from_a_second_handle_is_unchanged(fx: &dyn Fixture) {
    let hasher = MinHasher::default();
    let arts: Vec<_> = (0..10).map(|i| pair(&format!("i{i}"), &body(i))).collect();
    let sigs: Vec<_> = arts
        .iter()
        .map(|(a, _)| hasher.signature(&a.text))
        .collect();
    let with_sigs: Vec<NewArticle<'_>> = arts
        .iter()
        .zip(&sigs)
        .map(|((a, r), s)| NewArticle {
            article: a,
            raw: r,
            signature: Some(s),
        })
        .collect();
    let mut first = fx.open();
    assert!(ok(first.put_batch(&with_sigs))
        .iter()
        .all(|o| *o == PutOutcome::Inserted));
    ok(first.add_link(&DuplicateLink {
        article_id: "i1".into(),
        of_id: "i0".into(),
        kind: LinkKind::Near,
        score: 0.9,
    }));
    let generation = ok(first.generation());
    let revisions = ok(first.revisions());

    let mut second = fx.open();
    let outcomes = ok(second.put_batch(&with_sigs));
    assert_eq!(outcomes, vec![PutOutcome::Unchanged; 10]);
    for item in &with_sigs {
        assert_eq!(ok(second.put(item)), PutOutcome::Unchanged);
    }
    assert_eq!(ok(first.generation()), generation);
    assert_eq!(ok(second.revisions()), revisions);
    assert_eq!(ok(second.count()), 10);
    assert_eq!(ok(second.links("i0")).len(), 1, "links are kept");
    assert_eq!(ok(second.signatures()).len(), 10);
    // Without its signature the article is different content.
    assert_eq!(put(&mut *second, "i0", &body(0)), PutOutcome::Updated);
    assert_eq!(ok(first.signatures()).len(), 9);
}
