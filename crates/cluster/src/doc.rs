//! The clusterer's input: a document reduced to terms, entities and a date.
//!
//! Tokenising and stemming belong to the pipeline, not to the clusterer, so
//! the core only ever sees ready-made terms. [`TermAnalyzer`] is the small seam
//! through which callers that hold raw text can produce them.

use chrono::NaiveDate;
use parallax_model::Article;

/// One news item as the clusterer sees it.
///
/// Terms are expected to be normalised already (lower-cased, stemmed, stop
/// words removed); the clusterer compares them as opaque strings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClusterDoc {
    /// Caller's id, reported back in cluster summaries.
    pub id: String,
    /// Publication date. When present it drives time decay and ageing-out.
    pub date: Option<NaiveDate>,
    /// Headline terms; they count more than body terms (see
    /// [`crate::ClusterConfig::title_weight`]) because a headline names the event.
    pub title: Vec<String>,
    /// Body terms, in any order; repeated terms count more.
    pub body: Vec<String>,
    /// Named entities (people, organisations, places), already normalised.
    /// Kept apart from terms so that an entity never collides with a word.
    pub entities: Vec<String>,
}

impl ClusterDoc {
    /// A document whose only text is a headline-like term list (MStream style).
    pub fn from_title_terms(id: impl Into<String>, title: Vec<String>) -> Self {
        ClusterDoc {
            id: id.into(),
            title,
            ..ClusterDoc::default()
        }
    }

    /// Builds a document from a clean [`Article`]: title and text through
    /// `analyzer`, date from `published` (its leading `YYYY-MM-DD`; an
    /// unparseable date is left out rather than guessed). Entities are left
    /// empty for the extraction stage to fill.
    pub fn from_article(article: &Article, analyzer: &impl TermAnalyzer) -> Self {
        let date = article
            .published
            .as_deref()
            .and_then(|p| p.get(..10))
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        ClusterDoc {
            id: article.id.clone(),
            date,
            title: article
                .title
                .as_deref()
                .map(|t| analyzer.terms(t))
                .unwrap_or_default(),
            body: analyzer.terms(&article.text),
            entities: Vec::new(),
        }
    }

    /// True when the document carries nothing the clusterer can compare.
    pub fn is_empty(&self) -> bool {
        self.title.is_empty() && self.body.is_empty() && self.entities.is_empty()
    }
}

/// Turns raw text into the normalised terms a [`ClusterDoc`] carries.
pub trait TermAnalyzer {
    fn terms(&self, text: &str) -> Vec<String>;
}

/// Splits on whitespace and keeps tokens as they are.
///
/// Right for text that was normalised upstream, such as MStream's
/// `textCleaned` field (already lower-cased, stemmed, stop words removed).
#[derive(Debug, Clone, Copy, Default)]
pub struct WhitespaceAnalyzer;

impl TermAnalyzer for WhitespaceAnalyzer {
    fn terms(&self, text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_owned).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_analyzer_splits_and_drops_blanks() {
        let terms = WhitespaceAnalyzer.terms("  storm  sweep\tflorida\n");
        assert_eq!(terms, vec!["storm", "sweep", "florida"]);
        assert!(WhitespaceAnalyzer.terms("   ").is_empty());
    }

    fn article(published: Option<&str>) -> Article {
        Article {
            id: "a1".into(),
            origin: parallax_model::Origin::file("a1.txt"),
            format: parallax_model::SourceFormat::Text,
            url: None,
            outlet: None,
            title: Some("storm hits coast".into()),
            author: None,
            published: published.map(str::to_owned),
            language: None,
            text: "the storm\n\nflooded roads".into(),
            blocks: Vec::new(),
            removed: Vec::new(),
            offsets: Default::default(),
            warnings: Vec::new(),
            outlet_via: None,
            genre: None,
        }
    }

    #[test]
    fn article_becomes_cluster_doc() {
        let doc =
            ClusterDoc::from_article(&article(Some("2019-03-21T10:00:00Z")), &WhitespaceAnalyzer);
        assert_eq!(doc.id, "a1");
        assert_eq!(doc.date, NaiveDate::from_ymd_opt(2019, 3, 21));
        assert_eq!(doc.title, vec!["storm", "hits", "coast"]);
        assert_eq!(doc.body, vec!["the", "storm", "flooded", "roads"]);
        assert_eq!(
            ClusterDoc::from_article(&article(Some("March 2019")), &WhitespaceAnalyzer).date,
            None
        );
        assert_eq!(
            ClusterDoc::from_article(&article(Some("é")), &WhitespaceAnalyzer).date,
            None
        );
        assert_eq!(
            ClusterDoc::from_article(&article(None), &WhitespaceAnalyzer).date,
            None
        );
    }

    #[test]
    fn empty_doc_is_detected() {
        assert!(ClusterDoc::default().is_empty());
        assert!(!ClusterDoc::from_title_terms("a", vec!["x".into()]).is_empty());
    }
}
