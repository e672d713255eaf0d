//! Keeps the store's stories document in step with its articles.

use crate::{analyze_articles, stories, StoryView};
use parallax_model::Article;
use parallax_store::{ListQuery, Store, StoreError, StoredStory};
use std::collections::BTreeSet;
use std::fmt;

/// Articles read per listing page while loading the whole store.
const LOAD_PAGE: usize = 500;

/// Why the stories could not be recomputed.
#[derive(Debug)]
pub enum RefreshError {
    Store(StoreError),
    /// Extraction or clustering failed; the previous stories stay stored.
    Analysis(String),
}

impl fmt::Display for RefreshError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RefreshError::Store(e) => write!(f, "{e}"),
            RefreshError::Analysis(e) => write!(f, "cannot compute the stories: {e}"),
        }
    }
}

impl std::error::Error for RefreshError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RefreshError::Store(e) => Some(e),
            RefreshError::Analysis(_) => None,
        }
    }
}

impl From<StoreError> for RefreshError {
    fn from(e: StoreError) -> Self {
        RefreshError::Store(e)
    }
}

/// Recomputes the stories (events, arcs and their coverage) over every
/// stored article and replaces the stored stories document with them.
/// Returns the number of stories stored.
///
/// This re-clusters the whole store each time, which is simple and always
/// consistent but costs time linear in the store's size per ingest. Keeping
/// the clustering state in the store and assigning only new articles
/// (`parallax_cluster`'s streaming engine) is the planned next step.
pub fn refresh_stories(store: &mut dyn Store) -> Result<usize, RefreshError> {
    let articles = load_all_articles(&*store)?;
    let analyses =
        analyze_articles(&articles).map_err(|e| RefreshError::Analysis(e.to_string()))?;
    let views = stories(&articles, &analyses).map_err(RefreshError::Analysis)?;
    let stored = views
        .iter()
        .map(|view| stored_story(view, &articles))
        .collect::<Result<Vec<_>, _>>()?;
    store.replace_stories(&stored)?;
    Ok(stored.len())
}

/// Every stored article, newest first.
pub fn load_all_articles(store: &dyn Store) -> Result<Vec<Article>, StoreError> {
    let mut articles = Vec::new();
    let mut offset = 0;
    loop {
        let page = store.list(&ListQuery {
            limit: LOAD_PAGE,
            offset,
            ..ListQuery::default()
        })?;
        if page.is_empty() {
            return Ok(articles);
        }
        offset += page.len();
        for summary in page {
            // Deleted between the listing and the read: nothing to cluster.
            if let Some(article) = store.get(&summary.id)? {
                articles.push(article);
            }
        }
    }
}

fn stored_story(view: &StoryView, articles: &[Article]) -> Result<StoredStory, StoreError> {
    let outlets: BTreeSet<&str> = articles
        .iter()
        .filter(|a| view.articles.contains(&a.id))
        .filter_map(|a| a.outlet.as_deref())
        .collect();
    let document = serde_json::to_value(view)
        .map_err(|e| StoreError::Invalid(format!("cannot serialise story {}: {e}", view.id)))?;
    Ok(StoredStory {
        id: view.id.clone(),
        title: view.title.clone(),
        date_from: view.date_span.from.map(|d| d.to_string()),
        date_to: view.date_span.to.map(|d| d.to_string()),
        article_count: view.articles.len(),
        outlets: outlets.into_iter().map(str::to_string).collect(),
        document,
    })
}
