//! Stories kept up to date across `parallax ingest` runs without
//! clustering the store again.
//!
//! The story engine's state is saved in the store (`engine_state` row
//! [`ENGINE_STATE`]) together with the id and revision of every article it
//! has taken ([`SEEN_STATE`]). A refresh loads both, pushes only the
//! articles the engine has not seen (in the order they were stored), and
//! rewrites only the stories whose membership changed, comparing coverage
//! only for article sets not compared before. The engine is built
//! again from every article when there is no usable state (first run, other
//! engine settings or format, damage) or when an article it took has
//! changed or gone, since its old text already shaped the clusters.

use crate::analysis::Analysis;
use crate::refresh::{read_analyses, RefreshError};
use crate::stories::{story_view, StoryView};
use crate::story_identity::PreviousStory;
use crate::{analyze_article, coverage};
use parallax_cluster::{Story, StoryConfig, StoryEngine, StoryInput, STATE_FORMAT};
use parallax_compare::Coverage;
use parallax_model::Article;
use parallax_store::{EngineState, Store, StoreError, StoredStory};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// `engine_state` row of the story engine.
pub const ENGINE_STATE: &str = "stories";
/// `engine_state` row listing the articles (id → revision) the engine took.
pub const SEEN_STATE: &str = "stories-seen";

/// How a refresh went about the stories.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoryRefresh {
    pub stories: usize,
    /// Articles pushed into the engine in this refresh.
    pub pushed: usize,
    /// True when the engine was built again from every article.
    pub rebuilt: bool,
    /// Stories written because their membership changed (or they are new).
    pub written: usize,
    /// Story and event coverages compared in this refresh; the others were
    /// unchanged and taken from the stored stories.
    pub compared: usize,
}

/// Article id → revision, of every article the engine took.
type Seen = BTreeMap<String, String>;

fn engine_format() -> String {
    format!("story-engine/{STATE_FORMAT}")
}

const SEEN_FORMAT: &str = "article-revisions/json/1";

/// Articles read from the store at once (one read on a server store).
const READ_BATCH: usize = 500;

/// Changed stories compared and written at once (see the refresh loop).
const STORY_BATCH: usize = 200;
/// Member articles of the stories in one batch, at most (a story larger
/// than this is a batch of its own): what bounds memory, since one
/// comparison's size follows its articles.
const BATCH_ARTICLES: usize = 300;

/// Bring the stored stories up to date with the stored articles.
pub fn refresh_stories_incrementally(store: &mut dyn Store) -> Result<StoryRefresh, RefreshError> {
    refresh_stories_in_order(store, &[])
}

/// [`refresh_stories_incrementally`], taking the new articles named in
/// `order` first and in that order, the rest after them in the order they
/// were stored. The story engine of a queue passes its articles in the
/// order their inputs were published: workers commit in whatever order
/// they finish, and the clusters must not depend on that race, so the
/// same inputs through many workers give the stories one local `ingest`
/// (which stores in input order) gives.
pub fn refresh_stories_in_order(
    store: &mut dyn Store,
    order: &[String],
) -> Result<StoryRefresh, RefreshError> {
    let config = crate::story_config().map_err(RefreshError::Analysis)?;
    let arrivals = store.revisions()?;
    let revisions: Seen = arrivals.iter().cloned().collect();
    let (mut engine, mut seen, rebuilt) = match load_engine(&*store, &config, &revisions)? {
        Some((engine, seen)) => (engine, seen, false),
        None => (
            StoryEngine::new(config).map_err(RefreshError::Analysis)?,
            BTreeMap::new(),
            true,
        ),
    };

    // New articles in the order they were stored, as a stream delivers
    // them (and as `parallax analyze` reads its inputs).
    let mut new: Vec<&(String, String)> = arrivals
        .iter()
        .filter(|(id, _)| !seen.contains_key(id))
        .collect();
    if !order.is_empty() {
        let place: HashMap<&str, usize> = order
            .iter()
            .enumerate()
            .map(|(i, id)| (id.as_str(), i))
            .collect();
        // Stable: what `order` does not name keeps its stored order, last.
        new.sort_by_key(|(id, _)| place.get(id.as_str()).copied().unwrap_or(usize::MAX));
    }
    let pushed = new.len();
    for chunk in new.chunks(READ_BATCH) {
        let ids: Vec<String> = chunk.iter().map(|(id, _)| id.clone()).collect();
        let articles = store.get_many(&ids)?;
        let revisions: HashMap<&str, &str> = chunk
            .iter()
            .map(|(id, rev)| (id.as_str(), rev.as_str()))
            .collect();
        for article in &articles {
            engine.push(&StoryInput::from_article(article));
            let revision = revisions.get(article.id.as_str()).copied().unwrap_or("");
            seen.insert(article.id.clone(), revision.to_string());
        }
    }

    let mut stories = engine.stories();
    // Old links keep answering: stored ids pass to the stories that hold
    // most of their articles, the others redirect.
    let previous = previous_stories(&*store)?;
    let moved: HashSet<String> = store.story_moves()?.into_iter().map(|m| m.from).collect();
    let identity = crate::story_identity::assign(&previous, &mut stories, &moved);
    let total = stories.len();
    let current: Vec<String> = stories.iter().map(|s| s.id.clone()).collect();
    let stored_keys: HashMap<String, Option<String>> = store.story_keys()?.into_iter().collect();
    let stamps: Stamps = store.analysis_stamps()?.into_iter().collect();
    // Only stories whose membership changed are compared and written; the
    // others keep their stored document (explanation scores included, as
    // they were when the story last changed).
    let changed: Vec<(Story, String)> = stories
        .into_iter()
        .map(|story| {
            let key = members_key(&story, &revisions, &stamps);
            (story, key)
        })
        .filter(|(story, key)| stored_keys.get(&story.id) != Some(&Some(key.clone())))
        .collect();
    // In batches of stories, each compared, written and dropped before the
    // next: memory holds one batch's articles, analyses and documents, not
    // the whole store's. A run killed between batches leaves each story
    // whole (old or new), and the next refresh finishes the rest (their
    // keys still differ).
    let outlets = outlets_by_id(&*store)?;
    let mut rest = changed;
    let mut written = 0;
    let mut compared = 0;
    loop {
        // Up to STORY_BATCH stories or BATCH_ARTICLES member articles,
        // whichever comes first (always at least one story): one very
        // large story is a batch of its own.
        let mut take = 0;
        let mut weight = 0;
        while take < rest.len() && take < STORY_BATCH {
            weight += rest[take].0.articles.len();
            take += 1;
            if weight >= BATCH_ARTICLES {
                break;
            }
        }
        let later = rest.split_off(take);
        let batch = std::mem::replace(&mut rest, later);
        let last = rest.is_empty();
        let (keys, batch): (Vec<String>, Vec<Story>) =
            batch.into_iter().map(|(s, k)| (k, s)).unzip();
        let (mut views, ran) =
            views_with_coverage(&*store, batch, &stored_keys, &revisions, &stamps)?;
        for r in views.iter_mut().flat_map(|v| &mut v.republished) {
            r.outlet = outlets.get(&r.article).cloned();
        }
        let updates = views
            .iter()
            .zip(keys)
            .map(|(view, key)| Ok((stored_story(view, &outlets)?, key)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        // Every batch passes every current id and move: stories that are
        // gone are dropped by the first, moves land whole by the last.
        store.update_stories(&updates, &current, &identity.moves)?;
        written += updates.len();
        compared += ran;
        if last {
            break;
        }
    }
    crate::failpoint("stories");
    save_engine(store, &engine, &seen)?;
    Ok(StoryRefresh {
        stories: total,
        written,
        pushed,
        rebuilt,
        compared,
    })
}

/// The saved engine and the articles it took, when both are usable and
/// every article it took is still stored unchanged.
fn load_engine(
    store: &dyn Store,
    config: &StoryConfig,
    revisions: &BTreeMap<String, String>,
) -> Result<Option<(StoryEngine, Seen)>, StoreError> {
    let (Some(state), Some(seen)) = (store.get_state(ENGINE_STATE)?, store.get_state(SEEN_STATE)?)
    else {
        return Ok(None);
    };
    if state.format != engine_format() || seen.format != SEEN_FORMAT {
        return Ok(None);
    }
    let Ok(seen) = serde_json::from_slice::<BTreeMap<String, String>>(&seen.bytes) else {
        return Ok(None);
    };
    if seen.iter().any(|(id, rev)| revisions.get(id) != Some(rev)) {
        return Ok(None);
    }
    let Ok(engine) = StoryEngine::load(&state.bytes, config.clone()) else {
        return Ok(None);
    };
    // Both rows are written one after the other: a crash between them
    // leaves an engine that does not match the list.
    if engine.len() != seen.len() || seen.keys().any(|id| !engine.contains(id)) {
        return Ok(None);
    }
    Ok(Some((engine, seen)))
}

fn save_engine(
    store: &mut dyn Store,
    engine: &StoryEngine,
    seen: &BTreeMap<String, String>,
) -> Result<(), StoreError> {
    let seen = serde_json::to_vec(seen)
        .map_err(|e| StoreError::Invalid(format!("cannot serialise the article list: {e}")))?;
    store.put_state(
        ENGINE_STATE,
        &EngineState {
            format: engine_format(),
            bytes: engine.save(),
        },
    )?;
    crate::failpoint("engine");
    store.put_state(
        SEEN_STATE,
        &EngineState {
            format: SEEN_FORMAT.to_string(),
            bytes: seen,
        },
    )
}

/// The stored stories with their articles. A store written before story
/// members were kept has none: the articles are read from the documents.
fn previous_stories(store: &dyn Store) -> Result<Vec<PreviousStory>, StoreError> {
    let listed = store.list_stories()?;
    if listed.is_empty() {
        return Ok(Vec::new());
    }
    let mut members: HashMap<String, Vec<String>> = HashMap::new();
    for (story, article) in store.story_members()? {
        members.entry(story).or_default().push(article);
    }
    let mut previous = Vec::with_capacity(listed.len());
    for s in listed {
        let articles = match members.remove(&s.id) {
            Some(articles) => articles,
            None => store
                .get_story(&s.id)?
                .and_then(|stored| {
                    serde_json::from_value::<Vec<String>>(stored.document["articles"].clone()).ok()
                })
                .unwrap_or_default(),
        };
        previous.push(PreviousStory {
            id: s.id,
            title: s.title,
            articles,
        });
    }
    Ok(previous)
}

fn outlets_by_id(store: &dyn Store) -> Result<HashMap<String, String>, StoreError> {
    Ok(store.article_outlets()?.into_iter().collect())
}

fn key(ids: &[String]) -> Vec<String> {
    let mut key = ids.to_vec();
    key.sort_unstable();
    key
}

/// Article id → analyzer version of its current analysis.
type Stamps = HashMap<String, String>;

/// What a story's stored comparison was derived from: the comparison
/// schema, each article with its revision and the analyzer version of its
/// analysis, each event's articles, and the outlet registry's fingerprint.
/// Any change of these (an edited article, a new analyzer or comparison
/// schema, a new membership, an edited outlet or rating) changes the key, so the story is compared and written again; nothing else does.
fn members_key(story: &Story, revisions: &Seen, stamps: &Stamps) -> String {
    derivation_key(
        &story.articles,
        story
            .events
            .iter()
            .map(|e| (e.id.as_str(), e.articles.as_slice())),
        revisions,
        stamps,
    )
}

/// [`members_key`] of a stored story document, or `None` when the
/// document does not list its articles and events.
fn document_key(doc: &serde_json::Value, revisions: &Seen, stamps: &Stamps) -> Option<String> {
    let articles: Vec<String> = serde_json::from_value(doc["articles"].clone()).ok()?;
    let mut events = Vec::new();
    for event in doc["events"].as_array()? {
        let id = event["id"].as_str()?.to_string();
        let ids: Vec<String> = serde_json::from_value(event["articles"].clone()).ok()?;
        events.push((id, ids));
    }
    Some(derivation_key(
        &articles,
        events.iter().map(|(id, ids)| (id.as_str(), ids.as_slice())),
        revisions,
        stamps,
    ))
}

fn derivation_key<'a>(
    articles: &[String],
    events: impl Iterator<Item = (&'a str, &'a [String])>,
    revisions: &Seen,
    stamps: &Stamps,
) -> String {
    // The outlet registry too: a story's lean and source table come from
    // the ratings, so an edited table compares every story again (once).
    let mut text = format!(
        "compare/{} view/{} row/{} outlets/{}\u{1d}",
        parallax_compare::SCHEMA_VERSION,
        crate::stories::VIEW_VERSION,
        STORY_ROW_VERSION,
        crate::refresh::current_registry_fingerprint()
    );
    for id in key(articles) {
        text.push_str(&id);
        text.push('@');
        text.push_str(revisions.get(&id).map_or("", String::as_str));
        text.push('@');
        text.push_str(stamps.get(&id).map_or("", String::as_str));
        text.push('\u{1f}');
    }
    for (id, ids) in events {
        text.push('\u{1e}');
        text.push_str(id);
        text.push('\u{1f}');
        text.push_str(&key(ids).join("\u{1f}"));
    }
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Coverage already compared for a set of articles, from the stored
/// documents of these stories (story and event level). Only a document
/// still current is read: its stored key matches what it was derived from
/// today (same revisions, analyzer versions and comparison schema).
fn stored_coverages(
    store: &dyn Store,
    stories: &[Story],
    stored_keys: &HashMap<String, Option<String>>,
    revisions: &Seen,
    stamps: &Stamps,
) -> Result<HashMap<Vec<String>, Coverage>, StoreError> {
    let mut known = HashMap::new();
    for id in stories.iter().map(|s| &s.id) {
        let Some(Some(stored_key)) = stored_keys.get(id) else {
            continue;
        };
        let Some(story) = store.get_story(id)? else {
            continue;
        };
        let doc = &story.document;
        if document_key(doc, revisions, stamps).as_ref() != Some(stored_key) {
            continue;
        }
        let events = doc["events"].as_array().into_iter().flatten();
        for part in std::iter::once(doc).chain(events) {
            // A coverage of another schema is compared again, not reused.
            let cov: Option<Coverage> =
                serde_json::from_value::<Coverage>(part["coverage"].clone())
                    .ok()
                    .filter(|c| c.schema == parallax_compare::SCHEMA_VERSION);
            // Keyed by the articles it compared (copies left out).
            if let Some(cov) = cov {
                let ids: Vec<String> = cov.articles.iter().map(|a| a.id.clone()).collect();
                known.insert(key(&ids), cov);
            }
        }
    }
    Ok(known)
}

/// The article sets `story_view` asks a comparison of: each event's, and
/// the story's unless its one event holds every article (copies left out).
fn compared_sets(story: &Story) -> Vec<Vec<String>> {
    let copies = crate::stories::copies_of(story);
    let single = matches!(story.events.as_slice(),
        [only] if only.articles.len() == story.articles.len());
    story
        .events
        .iter()
        .map(|e| &e.articles)
        .chain((!single).then_some(&story.articles))
        .map(|ids| crate::stories::compared_articles(&copies, ids))
        .collect()
}

/// The views of `stories`, comparing coverage only for article sets not
/// compared before. Returns the views and the number of comparisons run.
fn views_with_coverage(
    store: &dyn Store,
    stories: Vec<Story>,
    stored_keys: &HashMap<String, Option<String>>,
    revisions: &Seen,
    stamps: &Stamps,
) -> Result<(Vec<StoryView>, usize), RefreshError> {
    let mut known = stored_coverages(store, &stories, stored_keys, revisions, stamps)?;
    // Sorted ids → the ids in the order the story lists them, which is the
    // order the comparison shows the articles in.
    let mut wanted: BTreeMap<Vec<String>, Vec<String>> = BTreeMap::new();
    for story in &stories {
        for ids in compared_sets(story) {
            wanted.entry(key(&ids)).or_insert(ids);
        }
    }
    wanted.retain(|k, _| !known.contains_key(k));
    let compared = wanted.len();

    // Load each article needed once, with its analysis.
    let needed: BTreeSet<&String> = wanted.values().flatten().collect();
    let mut loaded: HashMap<String, (Article, Analysis)> = HashMap::new();
    let needed: Vec<String> = needed.into_iter().cloned().collect();
    for chunk in needed.chunks(READ_BATCH) {
        let mut analyses = read_analyses(store, chunk)?;
        for article in store.get_many(chunk)? {
            let analysis = match analyses.remove(&article.id) {
                Some(a) => a,
                None => {
                    analyze_article(&article).map_err(|e| RefreshError::Analysis(e.to_string()))?
                }
            };
            loaded.insert(article.id.clone(), (article, analysis));
        }
    }
    // The comparisons are independent of each other: they run in parallel
    // (the batch bounds how many articles are held, whatever the order).
    let fresh: Vec<(Vec<String>, Coverage)> = wanted
        .into_par_iter()
        .map(|(sorted, ids)| {
            let parts: Vec<&(Article, Analysis)> =
                ids.iter().filter_map(|id| loaded.get(id)).collect();
            let articles: Vec<&Article> = parts.iter().map(|(a, _)| a).collect();
            let analyses: Vec<&Analysis> = parts.iter().map(|(_, x)| x).collect();
            (sorted, coverage(&articles, &analyses))
        })
        .collect();
    known.extend(fresh);
    // Each comparison moves into the one view that shows it; only one that
    // several views show (an article set two stories share) is copied.
    let mut uses: HashMap<Vec<String>, usize> = HashMap::new();
    for story in &stories {
        for ids in compared_sets(story) {
            *uses.entry(key(&ids)).or_insert(0) += 1;
        }
    }
    let known = std::cell::RefCell::new(known);
    let uses = std::cell::RefCell::new(uses);
    let empty = coverage(&[], &[]);
    let compare = |ids: &[String]| -> Coverage {
        let k = key(ids);
        let left = {
            let mut uses = uses.borrow_mut();
            let n = uses.entry(k.clone()).or_insert(1);
            *n = n.saturating_sub(1);
            *n
        };
        let mut known = known.borrow_mut();
        let found = if left == 0 {
            known.remove(&k)
        } else {
            known.get(&k).cloned()
        };
        found.unwrap_or_else(|| empty.clone())
    };
    Ok((
        stories
            .into_iter()
            .map(|story| story_view(story, &compare))
            .collect(),
        compared,
    ))
}

/// Distinct reports behind a story: outlets (by name, case aside), each
/// article of no known outlet on its own, and copies of another member
/// (wire reprints, republications) not at all. Opinion, letters and press
/// releases are counted apart (not as news sources) when news covers the
/// story too.
fn sources(view: &StoryView, outlets: &HashMap<String, String>) -> usize {
    let mut copies: HashSet<&str> = view
        .events
        .iter()
        .flat_map(|e| &e.event.members)
        .filter(|m| m.copy_of.is_some())
        .map(|m| m.article.as_str())
        .collect();
    let apart: Vec<&str> = view
        .coverage
        .counted_apart()
        .map(|a| a.id.as_str())
        .collect();
    if apart.len() < view.articles.len() {
        copies.extend(apart);
    }
    let reports: HashSet<String> = view
        .articles
        .iter()
        .filter(|id| !copies.contains(id.as_str()))
        .map(|id| match outlets.get(id).map(|o| o.trim()) {
            Some(o) if !o.is_empty() => format!("outlet:{}", o.to_lowercase()),
            _ => format!("article:{id}"),
        })
        .collect();
    // A story of copies only is still one report.
    reports.len().max(usize::from(!view.articles.is_empty()))
}

/// What a change of the story row beside its document invalidates: the
/// stories of a store written before are written again by the next
/// refresh. 1: the glance (lean counts and lede) is kept.
pub const STORY_ROW_VERSION: u32 = 1;

/// What the story list shows of a story: the articles per side of their
/// outlets' lean (as the comparison counted them: copies left out) and the
/// fact the most outlets report, as its one-line summary. A fact one
/// outlet alone reports is no summary of a story told by several, so a
/// story with no shared fact has no lede. Opinion, letters and releases
/// are counted apart from news, as for omissions.
pub(crate) fn glance(
    coverage: &Coverage,
    outlets_of: &HashMap<String, String>,
) -> parallax_store::StoryGlance {
    let apart: HashSet<&str> = coverage.counted_apart().map(|a| a.id.as_str()).collect();
    let report_of = |article: &str| match outlets_of.get(article).map(|o| o.trim()) {
        Some(o) if !o.is_empty() => format!("outlet:{}", o.to_lowercase()),
        _ => format!("article:{article}"),
    };
    let lede = coverage
        .facts
        .facts
        .iter()
        .filter_map(|fact| {
            let reports: HashSet<String> = fact
                .articles
                .iter()
                .filter(|a| !apart.contains(a.as_str()))
                .map(|a| report_of(a))
                .collect();
            // The representative sentence, where a news article carries it.
            let news = || {
                fact.cells
                    .iter()
                    .filter(|c| c.primary && !apart.contains(c.article.as_str()))
            };
            let cell = news()
                .find(|c| c.text == fact.text)
                .or_else(|| news().next())?;
            Some((reports.len(), fact.articles.len(), fact, cell))
        })
        .filter(|(reports, ..)| *reports >= 2)
        // Most outlets, then most articles, then the matrix's own order.
        .max_by(|a, b| {
            (a.0, a.1, std::cmp::Reverse(a.2.id)).cmp(&(b.0, b.1, std::cmp::Reverse(b.2.id)))
        })
        .map(|(outlets, _, _, cell)| parallax_store::StoryLede {
            text: cell.text.clone(),
            article: cell.article.clone(),
            start: cell.span.start,
            end: cell.span.end,
            outlets,
        });
    parallax_store::StoryGlance {
        left: coverage.lean.left,
        centre: coverage.lean.centre,
        right: coverage.lean.right,
        unrated: coverage.lean.unknown,
        lede,
    }
}

fn stored_story(
    view: &StoryView,
    outlets_of: &HashMap<String, String>,
) -> Result<StoredStory, StoreError> {
    let outlets: BTreeSet<&str> = view
        .articles
        .iter()
        .filter_map(|id| outlets_of.get(id).map(String::as_str))
        .collect();
    let document = serde_json::to_value(view)
        .map_err(|e| StoreError::Invalid(format!("cannot serialise story {}: {e}", view.id)))?;
    Ok(StoredStory {
        glance: Some(glance(&view.coverage, outlets_of)),
        sources: sources(view, outlets_of),
        articles: view.articles.clone(),
        id: view.id.clone(),
        title: view.title.clone(),
        date_from: view.date_span.from.map(|d| d.to_string()),
        date_to: view.date_span.to.map(|d| d.to_string()),
        article_count: view.articles.len(),
        outlets: outlets.into_iter().map(str::to_string).collect(),
        document,
    })
}
