//! The clusterer's input: a document reduced to terms, entities and a date.
//!
//! Tokenising and stemming belong to the pipeline, not to the clusterer, so
//! the core only ever sees ready-made terms. [`TermAnalyzer`] is the small seam
//! through which callers that hold raw text can produce them.

use chrono::NaiveDate;

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

    #[test]
    fn empty_doc_is_detected() {
        assert!(ClusterDoc::default().is_empty());
        assert!(!ClusterDoc::from_title_terms("a", vec!["x".into()]).is_empty());
    }
}
