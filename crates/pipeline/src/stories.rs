//! Stories for `analyze`: events and arcs from the clustering stage, each
//! with the coverage comparison of its articles.

use crate::analysis::Analysis;
use parallax_cluster::{build_stories, ArcLink, DateSpan, Event, Story, StoryInput};
use parallax_compare::Coverage;
use parallax_model::Article;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// An event with the comparison of the outlets that reported it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EventView {
    #[serde(flatten)]
    pub event: Event,
    pub coverage: Coverage,
}

/// A story arc: its events, why they were joined, and the comparison of
/// every article in it. Stored as the story's document (read back by
/// `parallax story`; a document of another [`VIEW_VERSION`] may not read).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoryView {
    pub id: String,
    pub title: String,
    pub date_span: DateSpan,
    pub articles: Vec<String>,
    pub events: Vec<EventView>,
    pub why: Vec<ArcLink>,
    pub coverage: Coverage,
    /// Members that republish another member: left out of every
    /// comparison, so a wire story printed by three outlets is one column
    /// and counts once in every coverage figure.
    #[serde(default)]
    pub republished: Vec<Republication>,
}

/// A wire copy or republication (near-duplicate text, see the story
/// engine's `copy_of`), shown on the original's column as "also published
/// by".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Republication {
    pub article: String,
    /// The member whose text it repeats (the first published; never
    /// itself a copy).
    pub copy_of: String,
    /// The outlet the copy names, when it names one.
    pub outlet: Option<String>,
}

/// What a change of the story document's shape invalidates: stored
/// stories of another version are compared and written again. 2: wire
/// copies left out of the comparison and listed as republications. 3:
/// opinion, letters and press releases not counted as news sources.
pub const VIEW_VERSION: u32 = 3;

/// Copy → original of every member marked a copy, each resolved to a
/// member that is no copy itself (a copy of a copy repeats the same text);
/// a loop of copies (no first publication to point to) marks none of them.
pub(crate) fn copies_of(story: &Story) -> HashMap<String, String> {
    let direct: HashMap<&str, &str> = story
        .events
        .iter()
        .flat_map(|e| &e.members)
        .filter_map(|m| Some((m.article.as_str(), m.copy_of.as_deref()?)))
        .filter(|(copy, original)| copy != original)
        .collect();
    let mut out = HashMap::new();
    for &copy in direct.keys() {
        let mut at = copy;
        let mut hops = 0;
        while let Some(&next) = direct.get(at) {
            at = next;
            hops += 1;
            if at == copy || hops > direct.len() {
                break;
            }
        }
        if at != copy && !direct.contains_key(at) {
            out.insert(copy.to_string(), at.to_string());
        }
    }
    out
}

/// The articles of `ids` a comparison reads: all but copies whose
/// original is among them, in the given order.
pub(crate) fn compared_articles(copies: &HashMap<String, String>, ids: &[String]) -> Vec<String> {
    let present: HashSet<&str> = ids.iter().map(String::as_str).collect();
    ids.iter()
        .filter(|id| {
            copies
                .get(id.as_str())
                .is_none_or(|original| !present.contains(original.as_str()))
        })
        .cloned()
        .collect()
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
    let stories = build_stories(&inputs, &crate::story_config()?)?;
    Ok(stories
        .into_iter()
        .map(|story| {
            let mut view = story_view(story, &compare);
            for r in &mut view.republished {
                r.outlet = by_id
                    .get(r.article.as_str())
                    .and_then(|&i| articles[i].outlet.clone());
            }
            view
        })
        .collect())
}

/// A story with the coverage of each event and of the whole story;
/// `compare` compares the articles with the given ids.
pub(crate) fn story_view(story: Story, compare: &dyn Fn(&[String]) -> Coverage) -> StoryView {
    let copies = copies_of(&story);
    let events: Vec<EventView> = story
        .events
        .into_iter()
        .map(|event| EventView {
            coverage: compare(&compared_articles(&copies, &event.articles)),
            event,
        })
        .collect();
    // A one-event story compares the same articles as its event.
    let coverage = match events.as_slice() {
        [only] if only.event.articles.len() == story.articles.len() => only.coverage.clone(),
        _ => compare(&compared_articles(&copies, &story.articles)),
    };
    let mut republished: Vec<Republication> = copies
        .into_iter()
        .map(|(article, copy_of)| Republication {
            article,
            copy_of,
            outlet: None,
        })
        .collect();
    republished.sort_by(|a, b| (&a.copy_of, &a.article).cmp(&(&b.copy_of, &b.article)));
    StoryView {
        republished,
        coverage,
        events,
        id: story.id,
        title: story.title,
        date_span: story.date_span,
        articles: story.articles,
        why: story.why,
    }
}
