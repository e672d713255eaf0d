//! CSV export for researchers: the story list, and a story's articles,
//! facts and quotes, one row per sentence or occurrence, each with the
//! article and byte range it came from (RFC 4180: comma-separated, fields
//! with a comma, quote or line break quoted, quotes doubled, CRLF rows).

use crate::StoryView;
use parallax_store::{ArticleSummary, EntitySummary, StorySummary};
use std::collections::HashMap;
use std::io::{self, Write};

/// What `parallax story ID --csv` and `/api/stories/{id}/TABLE.csv` export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoryTable {
    /// One row per article: id, outlet, kind, title, URL, date.
    Articles,
    /// One row per sentence of a fact: which outlet reported it, where.
    Facts,
    /// One row per occurrence of a quote: speaker, outlet, where, form.
    Quotes,
}

impl StoryTable {
    pub const ALL: [StoryTable; 3] = [StoryTable::Articles, StoryTable::Facts, StoryTable::Quotes];

    pub fn name(self) -> &'static str {
        match self {
            StoryTable::Articles => "articles",
            StoryTable::Facts => "facts",
            StoryTable::Quotes => "quotes",
        }
    }

    pub fn parse(name: &str) -> Option<StoryTable> {
        StoryTable::ALL.into_iter().find(|t| t.name() == name)
    }
}

fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn row(out: &mut impl Write, fields: &[&str]) -> io::Result<()> {
    let line: Vec<String> = fields.iter().map(|f| field(f)).collect();
    write!(out, "{}\r\n", line.join(","))
}

/// The stored stories, one row each.
pub fn stories(out: &mut impl Write, stories: &[&StorySummary]) -> io::Result<()> {
    row(
        out,
        &[
            "id",
            "title",
            "articles",
            "sources",
            "outlets",
            "date_from",
            "date_to",
            "left",
            "centre",
            "right",
            "unrated",
            "lede",
            "lede_article",
            "lede_start",
            "lede_end",
        ],
    )?;
    for s in stories {
        // Lean counts are empty, not 0, for a story stored without them.
        let count = |f: fn(&parallax_store::StoryGlance) -> usize| {
            s.glance
                .as_ref()
                .map_or(String::new(), |g| f(g).to_string())
        };
        let lede = s.glance.as_ref().and_then(|g| g.lede.as_ref());
        row(
            out,
            &[
                &s.id,
                &s.title,
                &s.article_count.to_string(),
                &s.sources.to_string(),
                &s.outlets.join("; "),
                s.date_from.as_deref().unwrap_or(""),
                s.date_to.as_deref().unwrap_or(""),
                &count(|g| g.left),
                &count(|g| g.centre),
                &count(|g| g.right),
                &count(|g| g.unrated),
                lede.map_or("", |l| l.text.as_str()),
                lede.map_or("", |l| l.article.as_str()),
                &lede.map_or(String::new(), |l| l.start.to_string()),
                &lede.map_or(String::new(), |l| l.end.to_string()),
            ],
        )?;
    }
    Ok(())
}

/// The header row of an article list ([`article_rows`] writes the rows,
/// so a long list can be written page by page).
pub fn article_header(out: &mut impl Write) -> io::Result<()> {
    row(
        out,
        &[
            "id",
            "title",
            "outlet",
            "published",
            "language",
            "url",
            "format",
            "text_chars",
        ],
    )
}

/// Stored articles, one row each (no text: the article's id leads to it).
pub fn article_rows(out: &mut impl Write, articles: &[ArticleSummary]) -> io::Result<()> {
    for a in articles {
        row(
            out,
            &[
                &a.id,
                a.title.as_deref().unwrap_or(""),
                a.outlet.as_deref().unwrap_or(""),
                a.published.as_deref().unwrap_or(""),
                a.language.as_deref().unwrap_or(""),
                a.url.as_deref().unwrap_or(""),
                &a.format.to_string(),
                &a.text_chars.to_string(),
            ],
        )?;
    }
    Ok(())
}

/// Entities joined across the corpus, one row each.
pub fn entities(out: &mut impl Write, entities: &[&EntitySummary]) -> io::Result<()> {
    row(
        out,
        &["id", "name", "kind", "articles", "mentions", "quotes_by"],
    )?;
    for e in entities {
        row(
            out,
            &[
                &e.id,
                &e.name,
                &e.kind,
                &e.articles.to_string(),
                &e.mentions.to_string(),
                &e.quotes_by.to_string(),
            ],
        )?;
    }
    Ok(())
}

/// One search hit as [`search_hits`] writes it.
pub struct HitRow<'a> {
    pub id: &'a str,
    pub title: Option<&'a str>,
    pub outlet: Option<&'a str>,
    pub published: Option<&'a str>,
    pub score: f32,
}

/// Search hits in their order (rank 1 first), one row each.
pub fn search_hits(out: &mut impl Write, hits: &[HitRow<'_>]) -> io::Result<()> {
    row(
        out,
        &["rank", "id", "title", "outlet", "published", "score"],
    )?;
    for (rank, h) in hits.iter().enumerate() {
        row(
            out,
            &[
                &(rank + 1).to_string(),
                h.id,
                h.title.unwrap_or(""),
                h.outlet.unwrap_or(""),
                h.published.unwrap_or(""),
                &format!("{:.4}", h.score),
            ],
        )?;
    }
    Ok(())
}

/// One table of one story.
pub fn story(out: &mut impl Write, view: &StoryView, table: StoryTable) -> io::Result<()> {
    let coverage = &view.coverage;
    let outlet_of: HashMap<&str, &str> = coverage
        .articles
        .iter()
        .map(|a| (a.id.as_str(), a.outlet.as_deref().unwrap_or("")))
        .collect();
    let outlet = |id: &str| outlet_of.get(id).copied().unwrap_or("");
    match table {
        StoryTable::Articles => {
            row(
                out,
                &[
                    "story",
                    "article",
                    "outlet",
                    "kind",
                    "title",
                    "url",
                    "published",
                ],
            )?;
            for a in &coverage.articles {
                let kind = serde_json::to_value(a.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                row(
                    out,
                    &[
                        &view.id,
                        &a.id,
                        a.outlet.as_deref().unwrap_or(""),
                        &kind,
                        a.title.as_deref().unwrap_or(""),
                        a.url.as_deref().unwrap_or(""),
                        a.published.as_deref().unwrap_or(""),
                    ],
                )?;
            }
        }
        StoryTable::Facts => {
            row(
                out,
                &[
                    "story",
                    "fact",
                    "fact_text",
                    "article",
                    "outlet",
                    "start",
                    "end",
                    "sentence",
                    "similarity",
                    "primary",
                ],
            )?;
            for f in &coverage.facts.facts {
                for c in &f.cells {
                    row(
                        out,
                        &[
                            &view.id,
                            &f.id.to_string(),
                            &f.text,
                            &c.article,
                            outlet(&c.article),
                            &c.span.start.to_string(),
                            &c.span.end.to_string(),
                            &c.text,
                            &format!("{:.3}", c.similarity),
                            if c.primary { "yes" } else { "no" },
                        ],
                    )?;
                }
            }
        }
        StoryTable::Quotes => {
            row(
                out,
                &[
                    "story", "quote", "speaker", "article", "outlet", "start", "end", "text",
                    "cue", "form",
                ],
            )?;
            for q in &coverage.quotes {
                for o in &q.occurrences {
                    let form = serde_json::to_value(o.form)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default();
                    let speaker = o
                        .speaker
                        .as_deref()
                        .or(q.speaker.as_deref())
                        .unwrap_or("unattributed");
                    row(
                        out,
                        &[
                            &view.id,
                            &q.id.to_string(),
                            speaker,
                            &o.article,
                            outlet(&o.article),
                            &o.span.start.to_string(),
                            &o.span.end.to_string(),
                            &o.text,
                            o.cue.as_deref().unwrap_or(""),
                            &form,
                        ],
                    )?;
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn fields_are_quoted_only_when_they_must_be() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a, b"), "\"a, b\"");
        assert_eq!(field("say \"no\""), "\"say \"\"no\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
    }
}
