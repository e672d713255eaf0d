//! The public JSON shapes of `parallax clean --json` and
//! `parallax analyze --json`. Documented in `docs/schema.md`; change both
//! together.

use crate::analysis::{Analysis, CorpusEntityView};
use crate::stories::StoryView;
use parallax_model::{Article, Removal};
use serde::Serialize;

/// One article as the JSON outputs show it.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleView<'a> {
    pub id: &'a str,
    pub title: Option<&'a str>,
    pub published: Option<&'a str>,
    pub outlet: Option<&'a str>,
    pub url: Option<&'a str>,
    pub author: Option<&'a str>,
    pub language: Option<&'a str>,
    pub format: String,
    pub source: String,
    pub text: &'a str,
    pub removed: &'a [Removal],
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub warnings: &'a [String],
}

impl<'a> From<&'a Article> for ArticleView<'a> {
    fn from(a: &'a Article) -> Self {
        ArticleView {
            id: &a.id,
            title: a.title.as_deref(),
            published: a.published.as_deref(),
            outlet: a.outlet.as_deref(),
            url: a.url.as_deref(),
            author: a.author.as_deref(),
            language: a.language.as_deref(),
            format: a.format.to_string(),
            source: a.origin.to_string(),
            text: &a.text,
            removed: &a.removed,
            warnings: &a.warnings,
        }
    }
}

/// An article with what extraction found in it.
#[derive(Debug, Clone, Serialize)]
pub struct AnalyzedArticle<'a> {
    #[serde(flatten)]
    pub article: ArticleView<'a>,
    #[serde(flatten)]
    pub analysis: Analysis,
}

/// The whole-pipeline document printed by `parallax analyze --json`.
#[derive(Debug, Clone, Serialize)]
pub struct AnalyzeDoc<'a> {
    pub articles: Vec<AnalyzedArticle<'a>>,
    /// Entities joined across articles.
    pub entities: Vec<CorpusEntityView>,
    /// Events and story arcs, each with its coverage comparison.
    pub stories: Vec<StoryView>,
}
