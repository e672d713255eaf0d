//! Builders for test articles (invented text).
#![allow(dead_code)]

pub mod fixture;

use parallax_model::{
    Article, Block, BlockKind, ContentKind, Hints, OffsetMap, OffsetRun, Origin, RawDoc, Removal,
    RemovalKind, SourceFormat,
};

pub fn raw(id: &str, body: &str) -> RawDoc {
    RawDoc {
        id: id.to_string(),
        origin: Origin::at("feeds/wire.jsonl", format!("line {}", id.len())),
        format: SourceFormat::Jsonl,
        kind: ContentKind::Html,
        content: format!(
            "<nav>Home | World</nav><h1>Title {id}</h1><p>{body}</p><p>Share this</p>"
        ),
        hints: Hints {
            url: Some(format!("https://news.example/{id}")),
            outlet: Some("Example News".into()),
            title: Some(format!("Title {id}")),
            published: Some("2026-11-20".into()),
            author: None,
            ..Hints::default()
        },
        warnings: vec!["invalid UTF-8 decoded lossily".into()],
    }
}

/// An article cleaned from [`raw`], with every nested field populated.
pub fn article(id: &str, body: &str) -> Article {
    let raw = raw(id, body);
    let text = body.to_string();
    let start = raw.content.find(body).unwrap_or(0);
    Article {
        id: id.to_string(),
        origin: raw.origin.clone(),
        format: raw.format,
        url: raw.hints.url.clone(),
        outlet: raw.hints.outlet.clone(),
        title: raw.hints.title.clone(),
        author: Some("A. Reporter".into()),
        published: Some("2026-11-20".into()),
        language: Some("en".into()),
        blocks: vec![Block {
            kind: BlockKind::Paragraph,
            span: 0..text.len(),
        }],
        removed: vec![
            Removal {
                kind: RemovalKind::Navigation,
                text: "Home | World".into(),
                source: Some(5..17),
            },
            Removal {
                kind: RemovalKind::SharePrompt,
                text: "Share this".into(),
                source: None,
            },
        ],
        offsets: OffsetMap {
            runs: vec![OffsetRun {
                clean: 0..text.len(),
                source: start..start + body.len(),
            }],
        },
        warnings: vec!["headline guessed".into()],
        outlet_via: None,
        genre: None,
        text,
    }
}

pub fn body(n: usize) -> String {
    format!(
        "Council number {n} voted on Tuesday to approve the new transport plan after a long \
         debate about bus lanes, cycle routes and the cost of repairing bridges across the \
         district. Residents will be consulted again in the spring."
    )
}
