//! Keeps what the store derives from its articles (analyses, corpus-wide
//! entities, stories) in step with them.

use crate::{analyze_articles, Analysis, Progress};
use parallax_extract::{join_across, EntityGroup, EntityKind};
use parallax_model::Article;
use parallax_store::{ArticleEntity, Store, StoreError, StoredAnalysis};
use std::collections::HashMap;
use std::fmt;

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

/// Bump when what [`analyze_article`] writes changes (new fields, other
/// extraction results), so stored analyses are computed again.
pub const ANALYZER_VERSION: &str = concat!("parallax-extract ", env!("CARGO_PKG_VERSION"), " #9");

/// Articles analysed and stored per transaction.
const ANALYSE_BATCH: usize = 256;

/// What [`refresh`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RefreshReport {
    /// Articles whose analysis was (re)computed.
    pub analysed: usize,
    /// Corpus-wide entities after joining; `None` when nothing changed.
    pub entities: Option<usize>,
    /// Stories stored; `None` when nothing changed.
    pub stories: Option<usize>,
    /// How the stories were brought up to date.
    pub story_refresh: Option<crate::StoryRefresh>,
}

/// Brings everything derived from the articles up to date: analyses of
/// new or changed articles (kept in the store), the corpus-wide entity ids,
/// and the stories (events, arcs and their coverage).
///
/// Analyses are incremental: only articles without a current one (new,
/// changed, or analysed by another extractor version) are analysed.
/// Entities and stories are recomputed when something was analysed or
/// `articles_changed` says the articles did; they are joined and clustered
/// over the whole store from the stored analyses, which is consistent by
/// construction but linear in the store's size.
pub fn refresh(
    store: &mut dyn Store,
    articles_changed: bool,
) -> Result<RefreshReport, RefreshError> {
    refresh_with_progress(store, articles_changed, &|_| {})
}

/// [`refresh`], reporting the analysis stage to `progress`.
pub fn refresh_with_progress(
    store: &mut dyn Store,
    articles_changed: bool,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<RefreshReport, RefreshError> {
    refresh_in_order(store, articles_changed, &[], progress)
}

/// [`refresh_with_progress`], with the new articles given to the story
/// engine in `order` first ([`crate::story_refresh::refresh_stories_in_order`]).
pub fn refresh_in_order(
    store: &mut dyn Store,
    articles_changed: bool,
    order: &[String],
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<RefreshReport, RefreshError> {
    let renamed = reresolve_outlets(store)?;
    invalidate_stale_coverage(store)?;
    // Read before any work: article changes committed while this refresh
    // runs stay pending for the next one.
    let generation = store.derived_generation()?;
    // An invalidated engine (renamed outlets, a changed registry or
    // comparison, or a refresh killed before rebuilding) is rebuilt now,
    // not at the next change of an article.
    let invalidated = store
        .get_state(crate::story_refresh::ENGINE_STATE)?
        .is_some_and(|s| s.format.starts_with("invalidated"));
    let articles_changed = articles_changed || renamed > 0 || invalidated;
    let analysed = analyse_stale(store, progress)?;
    if analysed == 0 && !articles_changed && !generation.pending() {
        return Ok(RefreshReport::default());
    }
    let entities = refresh_entities(store)?;
    crate::failpoint("entities");
    let stories = crate::story_refresh::refresh_stories_in_order(store, order)?;
    store.settle_derived(generation.generation)?;
    Ok(RefreshReport {
        analysed,
        entities: Some(entities),
        stories: Some(stories.stories),
        story_refresh: Some(stories),
    })
}

/// `engine_state` row naming the comparison schema stored stories were
/// compared with.
pub const COVERAGE_STATE: &str = "coverage-schema";

/// Stories store their comparison; when the comparison's schema changed
/// since (a new build), the story engine is invalidated so every story is
/// compared again rather than shown in an older shape.
fn invalidate_stale_coverage(store: &mut dyn Store) -> Result<(), RefreshError> {
    let current = parallax_compare::SCHEMA_VERSION.to_string();
    let stored = store.get_state(COVERAGE_STATE)?;
    if stored.is_some_and(|s| s.bytes == current.as_bytes()) {
        return Ok(());
    }
    if store.count()? > 0 {
        store.put_state(
            crate::story_refresh::ENGINE_STATE,
            &parallax_store::EngineState {
                format: "invalidated: comparison schema changed".into(),
                bytes: Vec::new(),
            },
        )?;
    }
    store.put_state(
        COVERAGE_STATE,
        &parallax_store::EngineState {
            format: "schema".into(),
            bytes: current.into_bytes(),
        },
    )?;
    Ok(())
}

/// `engine_state` row holding the fingerprint of the outlet registry the
/// stored outlet names were resolved with.
pub const OUTLETS_STATE: &str = "outlets-registry";

/// [`registry_fingerprint`] of the registry in use now, computed once per
/// registry (it changes only when the user's tables are reloaded).
pub(crate) fn current_registry_fingerprint() -> String {
    static KEPT: std::sync::Mutex<Option<(usize, String)>> = std::sync::Mutex::new(None);
    let registry = parallax_outlets::current();
    let address = registry as *const parallax_outlets::Registry as usize;
    let mut kept = KEPT.lock().unwrap_or_else(|p| p.into_inner());
    match kept.as_ref() {
        Some((at, fingerprint)) if *at == address => fingerprint.clone(),
        _ => {
            let fingerprint = registry_fingerprint(registry);
            *kept = Some((address, fingerprint.clone()));
            fingerprint
        }
    }
}

/// A digest of every outlet row and rating the registry holds.
fn registry_fingerprint(registry: &parallax_outlets::Registry) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for o in registry.outlets() {
        h.update(parallax_outlets::outlet_row(o).as_bytes());
        for r in &o.ratings {
            h.update(parallax_outlets::rating_row(&o.name, r).as_bytes());
        }
        h.update(b"\n");
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Names the outlets of stored articles again when the registry changed
/// since they were named (a store from a build before the registry, a new
/// shipped table, the user's edits), so every page and filter uses one
/// name per outlet without a re-ingest. What the user stated (a manifest,
/// `--outlet`) is kept. When the registry changed and the store holds
/// articles, the story engine is rebuilt so stories list the new names and
/// leans. Returns the number of articles renamed.
pub fn reresolve_outlets(store: &mut dyn Store) -> Result<usize, RefreshError> {
    let fingerprint = current_registry_fingerprint();
    let current = store.get_state(OUTLETS_STATE)?;
    if current.is_some_and(|s| s.bytes == fingerprint.as_bytes()) {
        return Ok(0);
    }
    let mut changes = Vec::new();
    let mut offset = 0;
    loop {
        let page = store.list(&parallax_store::ListQuery {
            limit: 500,
            offset,
            ..parallax_store::ListQuery::default()
        })?;
        if page.is_empty() {
            break;
        }
        offset += page.len();
        let ids: Vec<String> = page.into_iter().map(|s| s.id).collect();
        for mut article in store.get_many(&ids)? {
            let stated = article
                .outlet_via
                .as_deref()
                .is_some_and(|v| v.starts_with("manifest") || v.starts_with("command line"));
            if stated {
                continue;
            }
            let before = (article.outlet.clone(), article.outlet_via.clone());
            // Resolve from what the input said, not from an earlier answer:
            // an older build's outlet is the field as written; a resolved
            // one keeps the written field in its evidence (`field: fox`).
            if let Some(via) = article.outlet_via.as_deref() {
                article.outlet = via.strip_prefix("field: ").map(str::to_string);
            }
            crate::resolve_outlet(&mut article, None);
            if (article.outlet.clone(), article.outlet_via.clone()) != before {
                changes.push((article.id, article.outlet, article.outlet_via));
            }
        }
    }
    if !changes.is_empty() {
        store.set_outlets(&changes)?;
    }
    if offset > 0 {
        // Stories carry outlet names and leans in their stored documents:
        // when any row or rating changed, build them afresh rather than
        // reuse comparisons made under the old table.
        store.put_state(
            crate::story_refresh::ENGINE_STATE,
            &parallax_store::EngineState {
                format: "invalidated: outlet registry changed".into(),
                bytes: Vec::new(),
            },
        )?;
    }
    store.put_state(
        OUTLETS_STATE,
        &parallax_store::EngineState {
            format: "sha256".into(),
            bytes: fingerprint.into_bytes(),
        },
    )?;
    Ok(changes.len())
}

/// Analyse every article whose stored analysis is missing or stale and
/// store the results. Returns how many were analysed.
pub fn refresh_analyses(store: &mut dyn Store) -> Result<usize, RefreshError> {
    analyse_stale(store, &|_| {})
}

fn analyse_stale(
    store: &mut dyn Store,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<usize, RefreshError> {
    let stale = store.stale_analyses(ANALYZER_VERSION)?;
    if !stale.is_empty() {
        progress(Progress::Stage("analysing", stale.len() as u64));
    }
    let mut done = 0;
    for batch in stale.chunks(ANALYSE_BATCH) {
        // Deleted since the listing: nothing to analyse (left out).
        let ids: Vec<String> = batch.iter().map(|(id, _)| id.clone()).collect();
        let articles = store.get_many(&ids)?;
        let revisions: HashMap<&str, &str> = batch
            .iter()
            .map(|(id, rev)| (id.as_str(), rev.as_str()))
            .collect();
        let analyses =
            analyze_articles(&articles).map_err(|e| RefreshError::Analysis(e.to_string()))?;
        let items = articles
            .iter()
            .zip(&analyses)
            .map(|(article, analysis)| {
                let revision = revisions.get(article.id.as_str()).copied().unwrap_or("");
                stored_analysis(article, revision, analysis)
            })
            .collect::<Result<Vec<_>, _>>()?;
        store.put_analyses(&items)?;
        crate::failpoint("analyses");
        done += items.len();
        progress(Progress::ArticlesDone(batch.len() as u64));
    }
    Ok(done)
}

/// One analysis as the store keeps it, with the article's entity rows.
pub(crate) fn stored_analysis(
    article: &Article,
    revision: &str,
    analysis: &Analysis,
) -> Result<(StoredAnalysis, Vec<ArticleEntity>), StoreError> {
    let json = serde_json::to_string(analysis).map_err(|e| {
        StoreError::Invalid(format!(
            "cannot serialise the analysis of {}: {e}",
            article.id
        ))
    })?;
    let mut quotes_by_name: HashMap<&str, usize> = HashMap::new();
    for speaker in analysis.quotes.iter().filter_map(|q| q.speaker.as_deref()) {
        *quotes_by_name.entry(speaker).or_default() += 1;
    }
    let mut entities: Vec<ArticleEntity> = Vec::with_capacity(analysis.entities.len());
    let mut rows: HashMap<(&str, &str), usize> = HashMap::new();
    for entity in &analysis.entities {
        let kind = kind_name(entity.kind);
        let quotes_by = quotes_by_name
            .get(entity.name.as_str())
            .copied()
            .unwrap_or(0);
        // Two groups with one canonical name and kind are one row.
        if let Some(row) = rows
            .get(&(entity.name.as_str(), kind))
            .and_then(|&i| entities.get_mut(i))
        {
            row.mentions = row
                .mentions
                .saturating_add(u32::try_from(entity.mentions.len()).unwrap_or(u32::MAX));
            continue;
        }
        rows.insert((entity.name.as_str(), kind), entities.len());
        entities.push(ArticleEntity {
            article_id: article.id.clone(),
            name: entity.name.clone(),
            kind: kind.to_string(),
            entity_id: None,
            mentions: u32::try_from(entity.mentions.len()).unwrap_or(u32::MAX),
            quotes_by: u32::try_from(quotes_by).unwrap_or(u32::MAX),
        });
    }
    Ok((
        StoredAnalysis {
            article_id: article.id.clone(),
            revision: revision.to_string(),
            analyzer: ANALYZER_VERSION.to_string(),
            json,
        },
        entities,
    ))
}

fn kind_name(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Person => "person",
        EntityKind::Organization => "organization",
        EntityKind::Location => "location",
        EntityKind::Misc => "misc",
    }
}

fn kind_from_name(name: &str) -> Option<EntityKind> {
    EntityKind::ALL.into_iter().find(|k| kind_name(*k) == name)
}

/// Join every article's entities across the store (`Williamson` in one
/// article, `Chris Williamson` in another) and store the corpus-wide ids.
/// Returns the number of corpus-wide entities.
pub fn refresh_entities(store: &mut dyn Store) -> Result<usize, RefreshError> {
    let rows = store.all_article_entities()?;
    // Rows come ordered by article: one group list per article.
    let mut documents: Vec<Vec<EntityGroup>> = Vec::new();
    let mut row_of: Vec<Vec<usize>> = Vec::new();
    let mut last: Option<&str> = None;
    for (i, row) in rows.iter().enumerate() {
        let Some(kind) = kind_from_name(&row.kind) else {
            continue;
        };
        if last != Some(row.article_id.as_str()) {
            documents.push(Vec::new());
            row_of.push(Vec::new());
            last = Some(row.article_id.as_str());
        }
        if let (Some(doc), Some(map)) = (documents.last_mut(), row_of.last_mut()) {
            doc.push(EntityGroup {
                name: row.name.clone(),
                kind,
                mentions: Vec::new(),
            });
            map.push(i);
        }
    }
    let refs: Vec<&[EntityGroup]> = documents.iter().map(Vec::as_slice).collect();
    let joined = join_across(&refs);
    let mut ids = Vec::with_capacity(rows.len());
    for entity in &joined {
        for &(doc, group) in &entity.groups {
            if let Some(&row) = row_of.get(doc).and_then(|m| m.get(group)) {
                if rows[row].entity_id.as_deref() != Some(entity.id.as_str()) {
                    ids.push((rows[row].clone(), entity.id.clone()));
                }
            }
        }
    }
    store.set_entity_ids(&ids)?;
    Ok(joined.len())
}

/// Brings the stored stories (events, arcs and their coverage) up to date
/// with the stored articles, continuing the saved story engine where it can
/// (see [`crate::story_refresh`]). Returns the number of stories stored.
pub fn refresh_stories(store: &mut dyn Store) -> Result<usize, RefreshError> {
    Ok(crate::story_refresh::refresh_stories_incrementally(store)?.stories)
}

/// The stored analysis of an article when it is current for this build;
/// `None` when missing, stale, or written in a shape this build cannot read.
pub fn read_analysis(store: &dyn Store, id: &str) -> Result<Option<Analysis>, StoreError> {
    Ok(store.get_analysis(id)?.and_then(current_analysis))
}

/// [`read_analysis`] of many articles in one read: article id → analysis,
/// for those that have a current one.
pub fn read_analyses(
    store: &dyn Store,
    ids: &[String],
) -> Result<HashMap<String, Analysis>, StoreError> {
    Ok(store
        .get_analyses(ids)?
        .into_iter()
        .filter_map(|stored| {
            let id = stored.article_id.clone();
            Some((id, current_analysis(stored)?))
        })
        .collect())
}

fn current_analysis(stored: StoredAnalysis) -> Option<Analysis> {
    (stored.analyzer == ANALYZER_VERSION)
        .then(|| serde_json::from_str(&stored.json).ok())
        .flatten()
}
