use super::*;
use parallax_model::{ContentKind, Hints, OffsetMap, Origin, RawDoc, SourceFormat};
use parallax_store::{NewArticle, SqliteStore};

fn article(id: &str, outlet: &str, title: &str, text: &str) -> Article {
    Article {
        id: id.to_string(),
        origin: Origin::file(format!("{id}.txt")),
        format: SourceFormat::Text,
        url: None,
        outlet: Some(outlet.to_string()),
        title: Some(title.to_string()),
        author: None,
        published: Some("2026-03-01".to_string()),
        language: Some("en".to_string()),
        text: text.to_string(),
        blocks: Vec::new(),
        removed: Vec::new(),
        offsets: OffsetMap::default(),
        warnings: Vec::new(),
        outlet_via: None,
        genre: None,
    }
}

fn raw_for(a: &Article) -> RawDoc {
    RawDoc {
        id: a.id.clone(),
        origin: a.origin.clone(),
        format: a.format,
        kind: ContentKind::Text,
        content: a.text.clone(),
        hints: Hints::default(),
        warnings: Vec::new(),
    }
}

fn put(store: &mut SqliteStore, articles: &[Article]) {
    let raws: Vec<RawDoc> = articles.iter().map(raw_for).collect();
    let mut tx = store.begin().unwrap();
    for (article, raw) in articles.iter().zip(&raws) {
        tx.put(&NewArticle {
            article,
            raw,
            signature: None,
        })
        .unwrap();
    }
    tx.commit().unwrap();
}

fn sample() -> Vec<Article> {
    vec![
        article(
            "harbour",
            "Coastal Courier",
            "Harbour bridge reopens after repairs",
            "The harbour bridge reopened on Monday after six weeks of repairs to its cables. \
             Commuters welcomed the return of the ferry-free crossing.",
        ),
        article(
            "budget",
            "Capital Ledger",
            "Council passes budget",
            "The city council passed a budget that funds bridge maintenance and new libraries.",
        ),
        article(
            "orchard",
            "Valley Times",
            "Orchard harvest breaks records",
            "Growers in the valley reported the largest apple harvest in a decade.",
        ),
    ]
}

#[test]
fn finds_articles_by_stemmed_words_with_snippets() {
    let index = SearchIndex::in_memory().unwrap();
    index.index_articles(&sample()).unwrap();
    assert_eq!(index.num_docs(), 3);

    let hits = index.search("bridges", 10).unwrap();
    let ids: Vec<&str> = hits.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids.len(), 2, "{ids:?}");
    // The title match ranks first thanks to the title boost.
    assert_eq!(ids[0], "harbour");
    assert!(ids.contains(&"budget"));
    let top = &hits[0];
    assert_eq!(
        top.title.as_deref(),
        Some("Harbour bridge reopens after repairs")
    );
    assert_eq!(top.outlet.as_deref(), Some("Coastal Courier"));
    assert!(!top.highlights.is_empty());
    for range in &top.highlights {
        let word = &top.snippet[range.clone()];
        assert!(word.eq_ignore_ascii_case("bridge"), "highlighted {word:?}");
    }
}

#[test]
fn indexing_twice_keeps_one_entry_and_takes_the_new_content() {
    let index = SearchIndex::in_memory().unwrap();
    let mut articles = sample();
    index.index_articles(&articles).unwrap();
    articles[2].text = "Growers reported frost damage to the pear crop.".into();
    index.index_articles(&articles).unwrap();
    assert_eq!(index.num_docs(), 3);
    assert!(index.search("apple", 10).unwrap().is_empty());
    let pears = index.search("pear", 10).unwrap();
    assert_eq!(pears.len(), 1);
    assert_eq!(pears[0].id, "orchard");
}

#[test]
fn filters_by_date_range_and_by_any_of_several_outlets() {
    let index = SearchIndex::in_memory().unwrap();
    let mut articles = sample();
    articles[0].published = Some("2026-02-20".into());
    articles[1].published = Some("2026-03-05".into());
    articles[2].published = None;
    index.index_articles(&articles).unwrap();
    let ids = |request: &SearchRequest| -> Vec<String> {
        let mut ids: Vec<String> = index
            .search_with(request)
            .unwrap()
            .hits
            .into_iter()
            .map(|h| h.id)
            .collect();
        ids.sort();
        ids
    };
    let mut request = SearchRequest::new("*", 10);
    request.published_from = Some("2026-03-01".into());
    assert_eq!(ids(&request), ["budget"]);
    request.published_from = None;
    request.published_to = Some("2026-02-28".into());
    assert_eq!(
        ids(&request),
        ["harbour"],
        "undated articles match no bound"
    );
    request.published_from = Some("2026-02-01".into());
    request.published_to = Some("2026-03-31".into());
    assert_eq!(ids(&request), ["budget", "harbour"]);

    let mut request = SearchRequest::new("*", 10);
    request.outlets = Some(vec!["valley times".into(), "Capital Ledger".into()]);
    assert_eq!(ids(&request), ["budget", "orchard"]);
    request.outlets = Some(Vec::new());
    assert!(ids(&request).is_empty(), "no outlet of that side: nothing");
}

#[test]
fn filters_by_outlet_and_language_and_pages() {
    let index = SearchIndex::in_memory().unwrap();
    let mut articles = sample();
    articles[1].language = Some("fr".into());
    index.index_articles(&articles).unwrap();

    let mut request = SearchRequest::new("bridge", 10);
    request.outlet = Some("Capital Ledger".into());
    let only = index.search_with(&request).unwrap();
    assert_eq!(only.total, 1);
    assert_eq!(only.hits[0].id, "budget");
    request.outlet = Some("  capital   LEDGER ".into());
    assert_eq!(
        index.search_with(&request).unwrap().total,
        1,
        "case and spacing"
    );
    request.outlet = Some("Capital".into());
    assert_eq!(
        index.search_with(&request).unwrap().total,
        0,
        "a part is not the name"
    );

    request.outlet = None;
    request.language = Some("en".into());
    let english = index.search_with(&request).unwrap();
    assert_eq!(english.total, 1);
    assert_eq!(english.hits[0].id, "harbour");

    let mut page = SearchRequest::new("bridge", 1);
    page.offset = 1;
    let second = index.search_with(&page).unwrap();
    assert_eq!(second.total, 2);
    assert_eq!(second.hits.len(), 1);
    assert_eq!(second.hits[0].id, "budget");
}

#[test]
fn outlet_names_are_searchable_and_title_only_hits_get_an_opening() {
    let index = SearchIndex::in_memory().unwrap();
    index.index_articles(&sample()).unwrap();
    let hits = index.search("courier", 10).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].id, "harbour");
    assert!(hits[0].snippet.starts_with("The harbour bridge"));
    assert!(hits[0].highlights.is_empty());
}

#[test]
fn blank_and_malformed_queries_do_not_fail() {
    let index = SearchIndex::in_memory().unwrap();
    index.index_articles(&sample()).unwrap();
    assert!(index.search("   ", 10).unwrap().is_empty());
    // Unbalanced quotes and stray operators are forgiven.
    let hits = index.search("\"apple harvest", 10).unwrap();
    assert!(hits.iter().any(|h| h.id == "orchard"));
    index.search("title:(( -+ AND", 10).unwrap();
    assert!(matches!(
        index.search("apple", 0),
        Err(SearchError::Invalid(_))
    ));
}

#[test]
fn sync_follows_inserts_updates_and_deletes_in_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let mut store = SqliteStore::open(&db).unwrap();
    put(&mut store, &sample());
    let index = SearchIndex::open_or_create(index_dir_for_db(&db)).unwrap();

    let first = index.sync_from_store(&store).unwrap();
    assert_eq!(
        first,
        SyncReport {
            indexed: 3,
            removed: 0,
            unchanged: 0
        }
    );
    let again = index.sync_from_store(&store).unwrap();
    assert_eq!(again.unchanged, 3);
    assert_eq!(again.indexed, 0);

    let mut changed = sample()[0].clone();
    changed.title = Some("Harbour bridge closes again".into());
    put(&mut store, &[changed]);
    let mut tx = store.begin().unwrap();
    assert!(tx.delete("orchard").unwrap());
    tx.commit().unwrap();

    let report = index.sync_from_store(&store).unwrap();
    assert_eq!(
        report,
        SyncReport {
            indexed: 1,
            removed: 1,
            unchanged: 1
        }
    );
    assert_eq!(index.num_docs(), 2);
    assert!(index.search("orchard", 10).unwrap().is_empty());
    let closes = index.search("closes", 10).unwrap();
    assert_eq!(closes.len(), 1);
    assert_eq!(closes[0].id, "harbour");
}

#[test]
fn reopened_index_keeps_its_documents_and_a_foreign_version_is_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("idx");
    {
        let index = SearchIndex::open_or_create(&path).unwrap();
        index.index_articles(&sample()).unwrap();
    }
    {
        let index = SearchIndex::open_or_create(&path).unwrap();
        assert_eq!(index.num_docs(), 3);
        assert_eq!(index.search("apple", 5).unwrap().len(), 1);
    }
    std::fs::write(path.join(VERSION_FILE), "schema 0, tantivy 0.26\n").unwrap();
    let index = SearchIndex::open_or_create(&path).unwrap();
    assert_eq!(
        index.num_docs(),
        0,
        "an index of another version is dropped"
    );
    index.index_articles(&sample()).unwrap();
    assert_eq!(index.num_docs(), 3);
}

#[test]
fn index_dir_sits_beside_the_database() {
    assert_eq!(
        index_dir_for_db(Path::new("/data/parallax.db")),
        PathBuf::from("/data/parallax.db.search")
    );
}

#[test]
fn opening_cuts_at_a_word_boundary() {
    assert_eq!(opening("short text", 50), "short text");
    assert_eq!(opening("alpha beta gamma delta", 12), "alpha beta");
    assert_eq!(opening("ééééé", 3), "ééé");
}

#[test]
fn day_numbers_order_dates_and_reject_other_text() {
    assert_eq!(day_number("2026-03-01"), 20260301);
    assert_eq!(day_number("2026-03-01T10:00:00Z"), 20260301);
    assert_eq!(day_number("March 2026"), 0);
    assert_eq!(day_number("2026-3-1"), 0);
    assert_eq!(day_number(""), 0);
    assert_eq!(prefix("ééé", 3), "é");
    assert_eq!(prefix("abc", 10), "abc");
}

fn entity_row(article: &str, name: &str) -> parallax_store::ArticleEntity {
    parallax_store::ArticleEntity {
        article_id: article.to_string(),
        name: name.to_string(),
        kind: "person".to_string(),
        entity_id: None,
        mentions: 1,
        quotes_by: 0,
    }
}

/// Stores entity rows for `articles` and joins them to corpus ids
/// `person:<lowercase name>`, as `parallax ingest` does.
fn put_entities(store: &mut SqliteStore, rows: &[(&str, &str)]) {
    let mut by_article: Vec<(
        parallax_store::StoredAnalysis,
        Vec<parallax_store::ArticleEntity>,
    )> = Vec::new();
    for (article, name) in rows {
        let row = entity_row(article, name);
        match by_article
            .iter_mut()
            .find(|(a, _)| a.article_id == *article)
        {
            Some((_, entities)) => entities.push(row),
            None => {
                let stored = store.get(article).unwrap().unwrap();
                let revision = store
                    .stale_analyses("test")
                    .unwrap()
                    .into_iter()
                    .find(|(id, _)| id == article)
                    .map(|(_, rev)| rev)
                    .unwrap_or_default();
                by_article.push((
                    parallax_store::StoredAnalysis {
                        article_id: stored.id,
                        revision,
                        analyzer: "test".into(),
                        json: "{}".into(),
                    },
                    vec![row],
                ))
            }
        }
    }
    store.put_analyses(&by_article).unwrap();
    let ids: Vec<(parallax_store::ArticleEntity, String)> = rows
        .iter()
        .map(|(article, name)| {
            (
                entity_row(article, name),
                format!("person:{}", name.to_lowercase()),
            )
        })
        .collect();
    store.set_entity_ids(&ids).unwrap();
}

#[test]
fn entity_filter_finds_the_articles_about_an_entity_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let mut store = SqliteStore::open(&db).unwrap();
    let mut articles = sample();
    articles[0].published = Some("2026-02-01".into());
    articles[1].published = Some("2026-03-05".into());
    articles[2].published = None;
    put(&mut store, &articles);
    let index = SearchIndex::open_or_create(index_dir_for_db(&db)).unwrap();
    index.sync_from_store(&store).unwrap();

    let mut request = SearchRequest::new("", 10);
    request.entity = Some("person:ada lovelace".into());
    assert_eq!(index.search_with(&request).unwrap().total, 0);

    // Entities arrive after the articles (the pipeline joins them later):
    // the next sync re-indexes exactly the articles whose entities changed.
    put_entities(
        &mut store,
        &[
            ("harbour", "Ada Lovelace"),
            ("budget", "Ada Lovelace"),
            ("orchard", "Ada Lovelace"),
            ("orchard", "Grace Hopper"),
        ],
    );
    let report = index.sync_from_store(&store).unwrap();
    assert_eq!((report.indexed, report.unchanged), (3, 0), "{report:?}");
    assert_eq!(index.sync_from_store(&store).unwrap().unchanged, 3);

    request.order = SearchOrder::Newest;
    let about = index.search_with(&request).unwrap();
    let ids: Vec<&str> = about.hits.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(
        ids,
        ["budget", "harbour", "orchard"],
        "newest first, undated last"
    );
    assert!(about.hits[0].snippet.starts_with("The city council"));
    assert!(about.hits[0].highlights.is_empty());

    // With words too: both must hold.
    let mut narrowed = SearchRequest::new("bridge", 10);
    narrowed.entity = Some("person:ada lovelace".into());
    assert_eq!(narrowed_ids(&index, &narrowed), ["harbour", "budget"]);
    narrowed.entity = Some("person:grace hopper".into());
    assert!(narrowed_ids(&index, &narrowed).is_empty());
    // The same filter written in the query.
    let in_query = index
        .search("entity:\"person:grace hopper\" apple", 10)
        .unwrap();
    assert_eq!(in_query.len(), 1);
    assert_eq!(in_query[0].id, "orchard");
    // Entity ids are exact: no partial or differently cased match.
    request.entity = Some("person:ada".into());
    assert_eq!(index.search_with(&request).unwrap().total, 0);
}

fn narrowed_ids(index: &SearchIndex, request: &SearchRequest) -> Vec<String> {
    index
        .search_with(request)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect()
}

#[test]
fn snippets_of_very_long_articles_stay_within_the_window() {
    let index = SearchIndex::in_memory().unwrap();
    let mut long = sample()[2].clone();
    long.text = format!(
        "{} Late in the text the word zeppelin appears.",
        "Filler words about orchards. ".repeat(2000)
    );
    index.index_articles(&[long]).unwrap();
    let early = index.search("orchards", 5).unwrap();
    assert_eq!(early.len(), 1);
    assert!(!early[0].highlights.is_empty());
    // A match past the window is still found; its hit shows the opening.
    let late = index.search("zeppelin", 5).unwrap();
    assert_eq!(late.len(), 1);
    assert!(late[0].snippet.starts_with("Filler words"));
}

#[test]
fn snippet_windows_start_near_the_first_match_and_cut_at_spaces() {
    let text = format!(
        "{}The ferry crews struck. {}",
        "word ".repeat(200),
        "more ".repeat(200)
    );
    let needles = vec!["ferr".to_string()];
    let window = snippet_window(&text, &needles);
    assert!(window.len() <= SNIPPET_LEAD + SNIPPET_TAIL);
    assert!(window.contains("The ferry crews struck."));
    assert!(
        window.starts_with("word ") && window.ends_with("more"),
        "{window:?}"
    );
    // No needle found: the whole (short) text.
    assert_eq!(
        snippet_window("Short text.", &["zzz".to_string()]),
        "Short text."
    );
    assert_eq!(snippet_window("Short text.", &[]), "Short text.");
    // Multi-byte text around the match stays whole.
    for filler in ["é", "€", "𝄞"] {
        let accented = format!("{}ferry {}", filler.repeat(400), filler.repeat(400));
        let window = snippet_window(&accented, &needles);
        assert!(window.contains("ferry"), "{filler}");
        let spaced = format!("{} ferry {}", filler.repeat(401), filler.repeat(399));
        assert!(
            snippet_window(&spaced, &needles).contains("ferry"),
            "{filler}"
        );
    }
}

#[test]
fn stemmed_words_far_into_an_article_still_get_highlighted() {
    let index = SearchIndex::in_memory().unwrap();
    let mut long = sample()[0].clone();
    long.text = format!(
        "{} At last the ferries returned to the harbour.",
        "Quiet words about the weather. ".repeat(100)
    );
    index.index_articles(&[long]).unwrap();
    let hits = index.search("ferry", 5).unwrap();
    assert_eq!(hits.len(), 1);
    let hit = &hits[0];
    assert_eq!(hit.highlights.len(), 1, "{hit:?}");
    assert_eq!(&hit.snippet[hit.highlights[0].clone()], "ferries");
}

#[test]
fn deeply_nested_queries_are_refused_before_parsing() {
    let index = SearchIndex::in_memory().unwrap();
    index.index_articles(&sample()).unwrap();
    // Each of these overflowed the stack in tantivy's parser and aborted
    // the process; run on a small stack so a regression fails here too.
    let handle = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || {
            for query in [
                "(".repeat(800),
                "NOT ".repeat(3000),
                "-(".repeat(1000),
                "NOT ".repeat(200),
                format!("ferry {}", "(".repeat(100)),
            ] {
                let err = index.search_with(&SearchRequest::new(query.clone(), 5));
                assert!(
                    matches!(err, Err(SearchError::Invalid(_))),
                    "{}: {err:?}",
                    &query[..20]
                );
            }
            // Ordinary syntax still searches.
            for query in [
                "\"ferry strike\"",
                "+ferry -storm",
                "title:ferry",
                "(ferry OR harbour) AND (strike OR walkout)",
            ] {
                index.search_with(&SearchRequest::new(query, 5)).unwrap();
            }
        })
        .unwrap();
    handle.join().unwrap();
}
