//! Stories for `analyze`: events and arcs from the clustering stage, each
//! with the coverage comparison of its articles.

use crate::analysis::Analysis;
use parallax_cluster::{build_stories, ArcLink, DateSpan, Event, Story, StoryConfig, StoryInput};
use parallax_compare::Coverage;
use parallax_model::Article;
use serde::Serialize;
use std::collections::HashMap;

/// An event with the comparison of the outlets that reported it.
#[derive(Debug, Clone, Serialize)]
pub struct EventView {
    #[serde(flatten)]
    pub event: Event,
    pub coverage: Coverage,
}

/// A story arc: its events, why they were joined, and the comparison of
/// every article in it.
#[derive(Debug, Clone, Serialize)]
pub struct StoryView {
    pub id: String,
    pub title: String,
    pub date_span: DateSpan,
    pub articles: Vec<String>,
    pub events: Vec<EventView>,
    pub why: Vec<ArcLink>,
    pub coverage: Coverage,
}

/// Cluster the articles into events and arcs and compare each one's
/// coverage. `analyses[i]` belongs to `articles[i]`.
pub fn stories(articles: &[Article], analyses: &[Analysis]) -> Result<Vec<StoryView>, String> {
    let inputs: Vec<StoryInput> = articles
        .iter()
        // The engine's thresholds were tuned on its own name finder
        // (capitalised words inside sentences); the tagger's canonical
        // names split the seed event, so they are not passed in yet.
        .map(StoryInput::from_article)
        .collect();
    let by_id: HashMap<&str, usize> = articles
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    let compare = |ids: &[String]| -> Coverage {
        let picked: Vec<usize> = ids
            .iter()
            .filter_map(|id| by_id.get(id.as_str()).copied())
            .collect();
        crate::coverage(
            &picked.iter().map(|&i| &articles[i]).collect::<Vec<_>>(),
            &picked.iter().map(|&i| &analyses[i]).collect::<Vec<_>>(),
        )
    };
    let stories = build_stories(&inputs, &StoryConfig::default())?;
    Ok(stories
        .into_iter()
        .map(|story| story_view(story, &compare))
        .collect())
}

/// A story with the coverage of each event and of the whole story;
/// `compare` compares the articles with the given ids.
pub(crate) fn story_view(story: Story, compare: &dyn Fn(&[String]) -> Coverage) -> StoryView {
    let events: Vec<EventView> = story
        .events
        .into_iter()
        .map(|event| EventView {
            coverage: compare(&event.articles),
            event,
        })
        .collect();
    // A one-event story compares the same articles as its event.
    let coverage = match events.as_slice() {
        [only] if only.event.articles.len() == story.articles.len() => only.coverage.clone(),
        _ => compare(&story.articles),
    };
    StoryView {
        coverage,
        events,
        id: story.id,
        title: story.title,
        date_span: story.date_span,
        articles: story.articles,
        why: story.why,
    }
}
