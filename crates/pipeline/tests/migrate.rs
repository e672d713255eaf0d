//! `parallax migrate`'s copy: the example corpus ingested into SQLite,
//! copied into PostgreSQL and back into a second SQLite file, reads the
//! same at every step (articles, raw inputs, links, analyses, entities,
//! stories with their members, engine state), and a refresh afterwards
//! has nothing to do. Without a PostgreSQL test server it copies SQLite
//! into SQLite and says so.

use parallax_ingest::Limits;
use parallax_store::scratch::PgScratch;
use parallax_store::{copy_store, EntityQuery, ListQuery, Store, StoreLocation};
use std::path::PathBuf;

fn ok<T, E: std::fmt::Display>(r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

/// Everything a reader of the store can see, as comparable text.
fn snapshot(store: &dyn Store) -> Vec<String> {
    let mut out = Vec::new();
    let list = ok(store.list(&ListQuery {
        limit: usize::MAX >> 1,
        ..ListQuery::default()
    }));
    out.push(format!("{list:?}"));
    for summary in &list {
        let id = &summary.id;
        out.push(format!("{:?}", ok(store.get(id))));
        out.push(format!("{:?}", ok(store.get_raw(id))));
        out.push(format!("{:?}", ok(store.links(id))));
        out.push(format!("{:?}", ok(store.get_analysis(id))));
        out.push(format!("{:?}", ok(store.article_entities(id))));
        out.push(format!("{:?}", ok(store.stories_of_article(id))));
    }
    out.push(format!("{:?}", ok(store.signatures())));
    out.push(format!(
        "{:?}",
        ok(store.list_entities(&EntityQuery {
            limit: 10_000,
            ..EntityQuery::default()
        }))
    ));
    for story in ok(store.list_stories()) {
        out.push(format!("{:?}", ok(store.get_story(&story.id))));
    }
    out.push(format!("{:?}", ok(store.story_keys())));
    out.push(format!("{:?}", ok(store.story_moves())));
    for name in ok(store.state_names()) {
        out.push(format!("{name}: {:?}", ok(store.get_state(&name))));
    }
    out.push(format!(
        "pending {}",
        ok(store.derived_generation()).pending()
    ));
    out
}

#[test]
fn a_store_copied_to_postgres_and_back_reads_the_same() {
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/corpus");
    let dir = ok(tempfile::tempdir());
    let first = StoreLocation::Sqlite(dir.path().join("first.db"));
    let mut source = ok(first.open());
    let report = ok(parallax_pipeline::ingest(
        &mut *source,
        &[corpus],
        &[],
        &Limits::default(),
        &|_| {},
    ));
    assert!(report.counts.inserted >= 10, "{report:?}");
    let before = snapshot(&*source);

    let scratch = ok(PgScratch::from_env("the store copy"));
    let middle = match &scratch {
        Some(s) => s.location(),
        None => StoreLocation::Sqlite(dir.path().join("middle.db")),
    };
    let mut target = ok(middle.open());
    let copied = ok(copy_store(&*source, &mut *target, &|_, _| {}));
    assert_eq!(copied.articles, report.counts.inserted);
    assert!(copied.stories > 0 && copied.analyses > 0, "{copied:?}");
    assert_eq!(snapshot(&*target), before, "copied into {middle}");

    // Copying again changes nothing.
    let again = ok(copy_store(&*source, &mut *target, &|_, _| {}));
    assert_eq!(again.unchanged, again.articles);

    let last = StoreLocation::Sqlite(dir.path().join("last.db"));
    let mut back = ok(last.open());
    ok(copy_store(&*target, &mut *back, &|_, _| {}));
    assert_eq!(snapshot(&*back), before, "copied back from {middle}");

    // Nothing is pending after a copy of a settled store: the next
    // refresh has nothing to analyse or rewrite.
    let refreshed = ok(parallax_pipeline::refresh(&mut *back, false));
    assert_eq!(refreshed.analysed, 0, "{refreshed:?}");
    assert_eq!(snapshot(&*back), before);
}
