//! A store written before the outlet registry (outlets as the exports
//! spelled them, no record of how) is renamed on the next refresh: one
//! canonical name per outlet, how it was decided, stories rebuilt with the
//! new names; a name the user stated is kept.

use parallax_model::{Article, ContentKind, Hints, OffsetMap, Origin, RawDoc, SourceFormat};
use parallax_store::{NewArticle, SqliteStore, Store};

fn old_article(id: &str, outlet: &str, url: Option<&str>, text: &str) -> (RawDoc, Article) {
    let raw = RawDoc {
        id: id.into(),
        origin: Origin::at("export.jsonl", format!("line {}", id.len())),
        format: SourceFormat::Jsonl,
        kind: ContentKind::Text,
        content: text.into(),
        hints: Hints::default(),
        warnings: Vec::new(),
    };
    let article = Article {
        id: id.into(),
        origin: raw.origin.clone(),
        format: SourceFormat::Jsonl,
        url: url.map(str::to_string),
        outlet: Some(outlet.into()),
        title: Some(format!("Harbour vote {id}")),
        author: None,
        published: Some("2016-10-01".into()),
        language: Some("en".into()),
        text: text.into(),
        blocks: Vec::new(),
        removed: Vec::new(),
        offsets: OffsetMap::default(),
        warnings: Vec::new(),
        outlet_via: None,
        genre: None,
    };
    (raw, article)
}

#[test]
fn an_older_store_gets_canonical_outlets_on_refresh() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut store = SqliteStore::open(tmp.path().join("store.db")).expect("store");
    let text = "The Velland council voted on the harbour plan on Tuesday. \
                The chair said the vote was close.";
    let mut rows = vec![
        old_article("a", "fox", None, text),
        old_article("b", "FOX", None, text),
        old_article("c", "Fox News (Online News)", None, text),
        old_article(
            "d",
            "whatever",
            Some("http://thecaucus.blogs.nytimes.com/x"),
            text,
        ),
        old_article("e", "The Velland Post", None, text),
    ];
    rows[4].1.outlet_via = Some("manifest: The Velland Post".into());
    for (raw, article) in &rows {
        store
            .put(&NewArticle {
                article,
                raw,
                signature: None,
            })
            .expect("put");
    }
    let report = parallax_pipeline::refresh(&mut store, false).expect("refresh");
    assert!(report.stories.is_some(), "the stories were rebuilt");
    let outlet = |id: &str| {
        let a = store.get(id).expect("get").expect("stored");
        (a.outlet, a.outlet_via)
    };
    for id in ["a", "b", "c"] {
        let (name, via) = outlet(id);
        assert_eq!(name.as_deref(), Some("Fox News"), "{id}");
        assert!(via.is_some_and(|v| v.starts_with("field:")), "{id}");
    }
    assert_eq!(outlet("d").0.as_deref(), Some("The New York Times"));
    assert_eq!(outlet("e").0.as_deref(), Some("The Velland Post"));
    // Counted once however it was spelled.
    let stories = store.list_stories().expect("stories");
    assert!(stories
        .iter()
        .all(|s| s.outlets.iter().filter(|o| o.contains("Fox")).count() <= 1));
    // A second refresh has nothing to rename.
    assert_eq!(
        parallax_pipeline::reresolve_outlets(&mut store).expect("again"),
        0
    );
}
