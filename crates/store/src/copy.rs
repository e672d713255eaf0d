//! Copying one store into another (`parallax migrate`), through the
//! [`Store`] traits only, so any backend copies into any other.
//!
//! Ground data (articles with their raw inputs, signatures and duplicate
//! links) is copied in batches of [`COPY_BATCH`] articles, each one write
//! transaction, so memory does not grow with the store and a killed copy
//! is finished by running it again (puts are idempotent). Derived data
//! (analyses with their entity rows, entity ids, stories with their
//! membership and moves, engine states) follows. The target is marked
//! settled only when the source was and the target was empty: a copy into
//! a store with articles of its own leaves a refresh pending, which brings
//! the stories over both sets of articles.

use crate::{
    ArticleEntity, DuplicateLink, NewArticle, Store, StoreError, StoredAnalysis, StoredStory,
};
use parallax_dedup::Signature;
use std::collections::HashMap;

/// Articles per write transaction.
pub const COPY_BATCH: usize = 500;

/// What a copy wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CopyReport {
    pub articles: usize,
    /// Of them, already in the target with the same content.
    pub unchanged: usize,
    pub links: usize,
    pub analyses: usize,
    pub stories: usize,
    pub states: usize,
}

/// Copies everything in `from` into `to`. `progress` is told the articles
/// copied so far and the total.
pub fn copy_store(
    from: &dyn Store,
    to: &mut dyn Store,
    progress: &dyn Fn(usize, usize),
) -> Result<CopyReport, StoreError> {
    let mut report = CopyReport::default();
    // Settled afterwards only when the target held nothing of its own and
    // the source was settled: then the copied derived data is complete.
    let settle = !from.derived_generation()?.pending() && to.count()? == 0;
    let ids: Vec<String> = from.revisions()?.into_iter().map(|(id, _)| id).collect();
    let total = ids.len();

    // Signatures by id, for the batches (about 1 KiB each).
    let mut signatures: HashMap<String, Signature> = HashMap::new();
    from.for_each_signature(&mut |id, sig| {
        signatures.insert(id.to_string(), sig);
    })?;

    for chunk in ids.chunks(COPY_BATCH) {
        let mut rows = Vec::with_capacity(chunk.len());
        for id in chunk {
            let (Some(article), Some(raw)) = (from.get(id)?, from.get_raw(id)?) else {
                continue;
            };
            rows.push((article, raw));
        }
        let mut tx = to.begin()?;
        for (article, raw) in &rows {
            let outcome = tx.put(&NewArticle {
                article,
                raw,
                signature: signatures.get(&article.id),
            })?;
            report.articles += 1;
            if outcome == crate::PutOutcome::Unchanged {
                report.unchanged += 1;
            }
        }
        tx.commit()?;
        progress(report.articles, total);
    }
    drop(signatures);

    // Links once every article is in (a link may point forward).
    for chunk in ids.chunks(COPY_BATCH) {
        let mut links: Vec<DuplicateLink> = Vec::new();
        for id in chunk {
            links.extend(from.links(id)?.into_iter().filter(|l| l.article_id == *id));
        }
        let mut tx = to.begin()?;
        for link in &links {
            tx.add_link(link)?;
        }
        tx.commit()?;
        report.links += links.len();
    }

    // Analyses with their entity rows, then the corpus-wide entity ids.
    for chunk in ids.chunks(COPY_BATCH) {
        let mut items: Vec<(StoredAnalysis, Vec<ArticleEntity>)> = Vec::new();
        let mut joined: Vec<(ArticleEntity, String)> = Vec::new();
        for id in chunk {
            let Some(analysis) = from.get_analysis(id)? else {
                continue;
            };
            let entities = from.article_entities(id)?;
            joined.extend(
                entities
                    .iter()
                    .filter_map(|e| Some((e.clone(), e.entity_id.clone()?))),
            );
            items.push((analysis, entities));
        }
        report.analyses += items.len();
        to.put_analyses(&items)?;
        to.set_entity_ids(&joined)?;
    }

    // Stories with the keys that say which membership they were built
    // from, so the target's next refresh rewrites only what changed.
    let keys: HashMap<String, Option<String>> = from.story_keys()?.into_iter().collect();
    let current: Vec<String> = from.list_stories()?.into_iter().map(|s| s.id).collect();
    let moves = from.story_moves()?;
    // In chunks, each one transaction: documents can be large.
    for chunk in current.chunks(COPY_BATCH / 5) {
        let mut stories: Vec<(StoredStory, String)> = Vec::with_capacity(chunk.len());
        for id in chunk {
            let Some(story) = from.get_story(id)? else {
                continue;
            };
            let key = keys.get(id).cloned().flatten().unwrap_or_default();
            stories.push((story, key));
        }
        report.stories += stories.len();
        to.update_stories(&stories, &current, &moves)?;
    }
    if current.is_empty() {
        to.update_stories(&[], &current, &moves)?;
    }

    for name in from.state_names()? {
        if let Some(state) = from.get_state(&name)? {
            to.put_state(&name, &state)?;
            report.states += 1;
        }
    }
    if settle {
        let generation = to.derived_generation()?.generation;
        to.settle_derived(generation)?;
    }
    Ok(report)
}
