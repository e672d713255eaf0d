//! `ingest`: read → clean → dedup → store, in atomic batches.
//!
//! Files are processed a chunk at a time: the chunk is read and cleaned in
//! parallel, then written in one transaction. A killed run therefore leaves
//! whole chunks behind, and a re-run finds them `Unchanged` and completes the
//! rest.

use crate::{clean_record, process_file, Outcome, Progress};
use parallax_dedup::{
    content_hash, LshIndex, MinHasher, DEFAULT_CONTAINMENT, DEFAULT_NEAR_JACCARD,
};
use parallax_ingest::Limits;
use parallax_model::{Article, Origin, Skipped};
use parallax_store::{
    load_lsh_index, DuplicateLink, LinkKind, NewArticle, PutCounts, PutOutcome, Store, StoreError,
};
use rayon::prelude::*;
use std::path::PathBuf;

/// Files read and cleaned in parallel, then committed together.
const CHUNK_FILES: usize = 64;

/// What an ingest run did.
#[derive(Debug, Default, Clone)]
pub struct IngestReport {
    pub counts: PutCounts,
    /// Duplicate links recorded in this run (copy → original; the copy is
    /// the later-published or more contained text, not the later-stored).
    pub duplicates: Vec<DuplicateLink>,
    pub skipped: Vec<Skipped>,
    /// What refreshing the analyses, entities and stories did.
    pub refreshed: Option<crate::RefreshReport>,
    /// Stories stored after the run (`refreshed.stories`).
    pub stories: Option<usize>,
    /// Why the derived data could not be refreshed. The articles are stored
    /// regardless; the previous analyses and stories stay in place and the
    /// next run retries.
    pub stories_error: Option<String>,
}

/// Ingest files, folders, `-` and feed URLs into `store`, then, when
/// bring the analyses, entities and stories up to date
/// ([`crate::refresh`]).
pub fn ingest(
    store: &mut dyn Store,
    paths: &[PathBuf],
    feeds: &[String],
    limits: &Limits,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<IngestReport, StoreError> {
    let hasher = MinHasher::default();
    let mut lsh = load_lsh_index(&*store, hasher.params())?.index;
    let mut report = IngestReport::default();

    let (files, missing) = parallax_ingest::list_inputs(paths);
    report.skipped.extend(missing);
    progress(Progress::Total((files.len() + feeds.len()) as u64));

    for chunk in files.chunks(CHUNK_FILES) {
        let outcomes: Vec<Outcome> = chunk
            .par_iter()
            .flat_map_iter(|path| {
                let out = process_file(path, limits);
                progress(Progress::FileDone);
                out
            })
            .collect();
        store_batch(store, &hasher, &mut lsh, outcomes, &mut report)?;
    }

    for url in feeds {
        let outcomes: Vec<Outcome> = match parallax_ingest::fetch_feed(url, limits) {
            Ok(records) => records
                .into_iter()
                .map(|r| r.and_then(clean_record))
                .collect(),
            Err(e) => vec![Err(Skipped {
                origin: Origin::file(url.clone()),
                reason: e.to_string(),
            })],
        };
        progress(Progress::FileDone);
        store_batch(store, &hasher, &mut lsh, outcomes, &mut report)?;
    }
    // Always called: it is one query when nothing is stale, and it catches
    // up after a failed refresh or a new extractor version.
    let changed = report.counts.inserted + report.counts.updated > 0;
    match crate::refresh_with_progress(store, changed, progress) {
        Ok(r) => {
            report.stories = r.stories;
            report.refreshed = Some(r);
        }
        Err(crate::RefreshError::Store(e)) => return Err(e),
        Err(e) => report.stories_error = Some(e.to_string()),
    }
    Ok(report)
}

/// Whether the new article is the copy of the stored `other` one (else
/// `other` copies it), by the rule the story engine uses for `copy_of`: the
/// later publication date is the copy; on equal or missing dates the text
/// more contained in the other (`contained` = share of the new text in the
/// other minus the reverse) is the copy; failing that, the larger id.
fn new_is_copy(article: &Article, other_date: Option<&str>, other: &str, contained: f64) -> bool {
    let day = |d: &str| d.get(..10).map(str::to_string);
    match (
        article.published.as_deref().and_then(day),
        other_date.and_then(day),
    ) {
        (Some(mine), Some(theirs)) if mine != theirs => mine > theirs,
        _ if contained.abs() > 0.02 => contained > 0.0,
        _ => article.id.as_str() > other,
    }
}

fn directed_link(
    new: &str,
    other: String,
    new_is_copy: bool,
    kind: LinkKind,
    score: f64,
) -> DuplicateLink {
    let (article_id, of_id) = if new_is_copy {
        (new.to_string(), other)
    } else {
        (other, new.to_string())
    };
    DuplicateLink {
        article_id,
        of_id,
        kind,
        score,
    }
}

/// Write one batch of outcomes in a single transaction, linking exact and
/// near copies to the article they copy.
fn store_batch(
    store: &mut dyn Store,
    hasher: &MinHasher,
    lsh: &mut LshIndex<String>,
    outcomes: Vec<Outcome>,
    report: &mut IngestReport,
) -> Result<(), StoreError> {
    // A failed batch aborts the run, so the in-memory index may run ahead
    // of the transaction: it is rebuilt from the store on the next run.
    let mut tx = store.begin()?;
    let mut links = Vec::new();
    for outcome in outcomes {
        let (raw, article) = match outcome {
            Ok(pair) => pair,
            Err(skipped) => {
                report.skipped.push(skipped);
                continue;
            }
        };
        let signature = hasher.signature(&article.text);
        let exact = tx.ids_by_content_hash(&content_hash(&article.text))?;
        let outcome = tx.put(&NewArticle {
            article: &article,
            raw: &raw,
            signature: Some(&signature),
        })?;
        report.counts.add(outcome);
        if outcome == PutOutcome::Unchanged {
            continue;
        }
        let link = if let Some(other) = exact.into_iter().find(|id| *id != article.id) {
            let other_date = tx.published_of(&other)?;
            let copy = new_is_copy(&article, other_date.as_deref(), &other, 0.0);
            Some(directed_link(
                &article.id,
                other,
                copy,
                LinkKind::Exact,
                1.0,
            ))
        } else {
            match lsh
                .matches(&signature, DEFAULT_NEAR_JACCARD, DEFAULT_CONTAINMENT)
                .into_iter()
                .find(|m| m.id != article.id)
            {
                Some(m) => {
                    let other_date = tx.published_of(&m.id)?;
                    let contained = m.query_in_stored - m.stored_in_query;
                    let copy = new_is_copy(&article, other_date.as_deref(), &m.id, contained);
                    let score = m.score();
                    Some(directed_link(
                        &article.id,
                        m.id,
                        copy,
                        LinkKind::Near,
                        score,
                    ))
                }
                None => None,
            }
        };
        if let Some(link) = link {
            tx.add_link(&link)?;
            links.push(link);
        }
        if outcome == PutOutcome::Updated {
            lsh.remove(&article.id);
        }
        // Same hasher for every signature, so the parameters always match.
        let _ = lsh.insert_owned(article.id.clone(), signature);
    }
    tx.commit()?;
    report.duplicates.extend(links);
    Ok(())
}
