//! Document kinds reach the comparison from what a page says about itself:
//! its JSON-LD type or section survives cleaning as `Article::genre`, and
//! the comparison types the article from it, saying why.

use parallax_model::{ContentKind, Hints, Origin, RawDoc, SourceFormat};

fn page(head: &str) -> RawDoc {
    let body = "<p>The harbour board voted on Tuesday to close the north berth at Eastport, \
                a decision the port's workers had fought for two years.</p>\
                <p>Dock workers said the cranes would stand idle for a month while the board \
                decided what to do with the quay and the old warehouses beside it.</p>\
                <p>The board's chair said the berth had become unsafe after the winter storms \
                and that repairs would cost more than the port earns in a year.</p>";
    RawDoc {
        id: "p".into(),
        origin: Origin::file("p.html"),
        format: SourceFormat::Html,
        kind: ContentKind::Html,
        content: format!(
            "<html><head><title>Close the berth</title>{head}</head><body><article>\
             <h1>Close the berth</h1>{body}</article></body></html>"
        ),
        hints: Hints::default(),
        warnings: Vec::new(),
    }
}

fn kind_of(head: &str) -> (parallax_compare::DocKind, Option<String>, Option<String>) {
    let article = match parallax_pipeline::clean_record(page(head)) {
        Ok((_, a)) => a,
        Err(s) => panic!("clean: {}", s.reason),
    };
    let v = parallax_compare::classify_kind(&article);
    (v.kind, v.why, article.genre)
}

#[test]
fn a_page_s_own_type_or_section_types_it() {
    let (kind, why, genre) = kind_of(
        r#"<script type="application/ld+json">{"@context":"https://schema.org","@type":"OpinionNewsArticle","headline":"Close the berth"}</script>"#,
    );
    assert_eq!(genre.as_deref(), Some("type: OpinionNewsArticle"));
    assert_eq!(kind, parallax_compare::DocKind::Opinion);
    assert_eq!(
        why.as_deref(),
        Some("the page's markup: @type OpinionNewsArticle")
    );

    let (kind, _, genre) =
        kind_of(r#"<meta property="article:section" content="Letters to the Editor">"#);
    assert_eq!(genre.as_deref(), Some("section: Letters to the Editor"));
    assert_eq!(kind, parallax_compare::DocKind::Letters);

    let (kind, why, _) = kind_of(r#"<meta property="article:section" content="Business">"#);
    assert_eq!(kind, parallax_compare::DocKind::News);
    assert!(why.is_none());
}
