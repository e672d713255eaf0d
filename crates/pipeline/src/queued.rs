//! The pipeline's half of scale-out: what a queued input holds, what a
//! worker does with a batch of them, and the duplicate linking the single
//! story engine does in order.
//!
//! This module knows nothing of the queue (the CLI moves the bytes): a
//! worker hands [`store_queued`] the records it pulled and acknowledges
//! them once it returns, and the story engine hands [`link_stored`] the ids
//! of the "article stored" events it consumed.
//!
//! Why linking is not done by the workers: whether a new article copies a
//! stored one is a question about every other article, and two workers
//! storing two copies at once would each miss the other. The story engine
//! is sequential by design, so it links each stored article against all
//! stored before it, with the same rule a local `ingest` uses.

use crate::ingest::{find_link, resolve_file_id, IdClaims};
use crate::refresh::stored_analysis;
use crate::{analyze_articles, clean_record_with, Outcome, RefreshError, ANALYZER_VERSION};
use parallax_dedup::{content_hash, LshIndex, MinHasher};
use parallax_ingest::Limits;
use parallax_model::{RawDoc, Skipped};
use parallax_store::{DuplicateLink, NewArticle, PutCounts, PutOutcome, Store, StoreError};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One input as it travels through the queue: the decoded record with what
/// the user said about its file already applied, so a worker on another
/// machine needs neither the file nor the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedRecord {
    pub raw: RawDoc,
    /// The input file's path inside what was ingested: an id taken from a
    /// file name that another file already holds is qualified with it.
    pub relative: String,
    /// The outlet the user gave for the file, and where they said it.
    pub user_outlet: Option<(String, String)>,
}

impl QueuedRecord {
    /// A record read by `ingest --queue`, with `--outlet`, `--url`, … and
    /// the manifest applied.
    pub fn prepare(doc: RawDoc, limits: &Limits, relative: &str) -> QueuedRecord {
        let (raw, user_outlet) = crate::apply_given(doc, limits);
        QueuedRecord {
            raw,
            relative: relative.to_string(),
            user_outlet,
        }
    }

    /// The de-duplication id: the article id and a hash of the content, so
    /// the same record published twice is queued once, and a changed record
    /// under the same id is not mistaken for the old one.
    pub fn message_id(&self) -> String {
        let hash = content_hash(&self.raw.content);
        format!("{}:{}", self.raw.id, hash.get(..16).unwrap_or(&hash))
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        // Serialising owned strings and plain enums cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Reads a record back; an unreadable message says why.
    pub fn from_bytes(bytes: &[u8]) -> Result<QueuedRecord, String> {
        serde_json::from_slice(bytes).map_err(|e| {
            format!(
                "not a Parallax input message ({e}); it was not published by `parallax ingest --queue`"
            )
        })
    }
}

/// What one worker batch did.
#[derive(Debug, Default, Clone)]
pub struct WorkerBatch {
    pub counts: PutCounts,
    /// Every article of the batch that is stored now (new, updated or
    /// unchanged): its record's index in the batch, its id and its
    /// "article stored" event id (id and revision):
    /// a batch redelivered after a crash publishes the same events again,
    /// which the queue drops as duplicates.
    pub stored: Vec<(usize, String, String)>,
    /// Records the cleaner rejected, by their index in the batch.
    pub skipped: Vec<(usize, Skipped)>,
    /// Articles whose analysis this batch computed.
    pub analysed: usize,
}

/// A worker's job for one batch of queued records: clean them (in
/// parallel), store the articles in one transaction, then analyse the ones
/// without a current analysis and store those analyses. Both writes are
/// committed when this returns `Ok`, which is when the worker may
/// acknowledge the batch. Running it again on the same records changes
/// nothing and returns the same `stored` list.
pub fn store_queued(
    store: &mut dyn Store,
    records: &[QueuedRecord],
) -> Result<WorkerBatch, RefreshError> {
    let hasher = MinHasher::default();
    let outcomes: Vec<Outcome> = records
        .par_iter()
        .map(|r| {
            clean_record_with(
                r.raw.clone(),
                r.user_outlet.as_ref().map(|(o, f)| (o.clone(), f.as_str())),
            )
        })
        .collect();
    let mut batch = WorkerBatch::default();
    let mut claims = IdClaims::default();
    let mut kept = Vec::new();
    let mut tx = store.begin()?;
    for (index, (outcome, record)) in outcomes.into_iter().zip(records).enumerate() {
        let (mut raw, mut article) = match outcome {
            Ok(pair) => pair,
            Err(skipped) => {
                batch.skipped.push((index, skipped));
                continue;
            }
        };
        resolve_file_id(&mut *tx, &claims, &mut raw, &mut article, &record.relative)?;
        let origin = article.origin.to_string();
        let text_hash = content_hash(&article.text);
        if let Some((first, _)) = claims.taken.get(&article.id) {
            if *first != origin {
                batch.skipped.push((
                    index,
                    Skipped {
                        origin: article.origin.clone(),
                        reason: format!(
                            "id {:?} was already given to {first} in this batch; \
                             the first is kept: give each record an id of its own",
                            article.id
                        ),
                    },
                ));
                continue;
            }
        }
        claims.taken.insert(article.id.clone(), (origin, text_hash));
        let signature = hasher.signature(&article.text);
        let item = NewArticle {
            article: &article,
            raw: &raw,
            signature: Some(&signature),
        };
        let outcome = tx.put(&item)?;
        batch.counts.add(outcome);
        let revision = item.revision()?;
        kept.push((index, article, revision, outcome));
    }
    tx.commit()?;
    crate::failpoint("worker-articles");

    // Analyses: whatever of this batch has none for its current revision.
    let ids: Vec<String> = kept.iter().map(|(_, a, _, _)| a.id.clone()).collect();
    let current: HashMap<String, (String, String)> = store
        .get_analyses(&ids)?
        .into_iter()
        .map(|a| (a.article_id, (a.revision, a.analyzer)))
        .collect();
    let todo: Vec<&(usize, parallax_model::Article, String, PutOutcome)> = kept
        .iter()
        .filter(|(_, a, revision, _)| {
            current
                .get(&a.id)
                .is_none_or(|(r, analyzer)| r != revision || analyzer != ANALYZER_VERSION)
        })
        .collect();
    if !todo.is_empty() {
        let articles: Vec<parallax_model::Article> =
            todo.iter().map(|(_, a, _, _)| a.clone()).collect();
        let analyses =
            analyze_articles(&articles).map_err(|e| RefreshError::Analysis(e.to_string()))?;
        let items = todo
            .iter()
            .zip(&analyses)
            .map(|((_, article, revision, _), analysis)| {
                stored_analysis(article, revision, analysis)
            })
            .collect::<Result<Vec<_>, _>>()?;
        store.put_analyses(&items)?;
        batch.analysed = items.len();
    }
    batch.stored = kept
        .iter()
        .map(|(index, a, revision, _)| {
            let event = format!("{}:{}", a.id, revision.get(..16).unwrap_or(revision));
            (*index, a.id.clone(), event)
        })
        .collect();
    Ok(batch)
}

/// The story engine's duplicate linking for articles the workers stored,
/// in the order their events arrived: each is linked to an exact or near
/// copy among the articles linked before it (`lsh` holds their signatures
/// and grows with each call), by the rule a local `ingest` applies. One
/// transaction for the lot; running it again on the same ids records the
/// same links.
pub fn link_stored(
    store: &mut dyn Store,
    lsh: &mut LshIndex<String>,
    ids: &[String],
) -> Result<Vec<DuplicateLink>, StoreError> {
    let hasher = MinHasher::default();
    let articles = store.get_many(ids)?;
    let mut links = Vec::new();
    let mut tx = store.begin()?;
    for article in &articles {
        let signature = hasher.signature(&article.text);
        // Only copies linked before this one count, as in a local ingest
        // where only earlier articles are stored: the workers may already
        // have stored articles whose events come later.
        let mut exact = tx.ids_by_content_hash(&content_hash(&article.text))?;
        exact.retain(|id| lsh.signature(id).is_some());
        if let Some(link) = find_link(&mut *tx, lsh, article, &signature, exact)? {
            tx.add_link(&link)?;
            links.push(link);
        }
        lsh.remove(&article.id);
        // Same hasher for every signature, so the parameters always match.
        let _ = lsh.insert_owned(article.id.clone(), signature);
    }
    tx.commit()?;
    Ok(links)
}
