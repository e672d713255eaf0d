//! `ingest`: read → clean → dedup → store, in atomic batches.
//!
//! Files are processed a chunk at a time: the chunk is read and cleaned in
//! parallel, then written in one transaction. A killed run therefore leaves
//! whole chunks behind, and a re-run finds them `Unchanged` and completes the
//! rest.

use crate::{clean_record, process_record, Outcome, Progress};
use parallax_dedup::{
    content_hash, LshIndex, MinHasher, DEFAULT_CONTAINMENT, DEFAULT_NEAR_JACCARD,
};
use parallax_ingest::Limits;
use parallax_model::{Article, Origin, RawDoc, Skipped};
use parallax_store::{
    load_lsh_index, DuplicateLink, LinkKind, NewArticle, PutCounts, PutOutcome, Store, StoreError,
    StoreTx,
};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Records read, cleaned and stored at once (one transaction).
const BATCH_RECORDS: usize = 256;

/// What an ingest run did.
#[derive(Debug, Default, Clone)]
pub struct IngestReport {
    pub counts: PutCounts,
    /// Duplicate links recorded in this run (copy → original; the copy is
    /// the later-published or more contained text, not the later-stored).
    pub duplicates: Vec<DuplicateLink>,
    pub skipped: Vec<Skipped>,
    /// Files inside the given folders that are not of a known article
    /// format, left unread (`Limits::list.all_files` takes them).
    pub left_out: Vec<PathBuf>,
    /// What refreshing the analyses, entities and stories did.
    pub refreshed: Option<crate::RefreshReport>,
    /// Stories stored after the run (`refreshed.stories`).
    pub stories: Option<usize>,
    /// Why the derived data could not be refreshed. The articles are stored
    /// regardless; the previous analyses and stories stay in place and the
    /// next run retries.
    pub stories_error: Option<String>,
    /// Per feed URL given, in order: the items it held, or why it could not
    /// be read (a feed reader shows each subscription's status from this).
    pub feeds: Vec<(String, Result<usize, String>)>,
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

    let listed = parallax_ingest::list_inputs(paths, &limits.list);
    report.skipped.extend(listed.skipped);
    // Said once, in the report's summary.
    report.left_out = listed.left_out;
    let files = listed.files;
    progress(Progress::Total((files.len() + feeds.len()) as u64));
    let mut ids = IdClaims::default();

    // Records stream through in batches of at most BATCH_RECORDS, however
    // they are spread over files: a folder of small pages and one JSONL
    // or WARC of a million records both hold one batch in memory at a time.
    // Reading is sequential and cheap; cleaning runs in parallel per batch;
    // each batch is one transaction.
    let mut pending: Vec<(parallax_ingest::Record, &str)> = Vec::with_capacity(BATCH_RECORDS);
    let mut flush = |pending: &mut Vec<(parallax_ingest::Record, &str)>,
                     report: &mut IngestReport|
     -> Result<(), StoreError> {
        if pending.is_empty() {
            return Ok(());
        }
        let outcomes: Vec<(Outcome, &str)> = std::mem::take(pending)
            .into_par_iter()
            .map(|(record, relative)| (process_record(record, limits), relative))
            .collect();
        store_batch(store, &hasher, &mut lsh, outcomes, &mut ids, report)?;
        crate::failpoint("articles");
        Ok(())
    };
    for file in &files {
        for record in parallax_ingest::open(&file.path, limits) {
            pending.push((record, file.relative.as_str()));
            if pending.len() >= BATCH_RECORDS {
                flush(&mut pending, &mut report)?;
            }
        }
        progress(Progress::FileDone);
    }
    flush(&mut pending, &mut report)?;

    for url in feeds {
        let outcomes: Vec<Outcome> = match parallax_ingest::fetch_feed(url, limits) {
            Ok(records) => {
                report.feeds.push((url.clone(), Ok(records.len())));
                records
                    .into_iter()
                    .map(|r| r.and_then(clean_record))
                    .collect()
            }
            Err(e) => {
                report.feeds.push((url.clone(), Err(e.to_string())));
                vec![Err(Skipped {
                    origin: Origin::file(url.clone()),
                    reason: e.to_string(),
                })]
            }
        };
        progress(Progress::FileDone);
        let outcomes = outcomes.into_iter().map(|o| (o, url.as_str())).collect();
        store_batch(store, &hasher, &mut lsh, outcomes, &mut ids, &mut report)?;
    }
    // The near-duplicate index (a signature per stored article) is not
    // needed by the refresh: free it first.
    drop(lsh);
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
pub(crate) fn new_is_copy(
    article: &Article,
    other_date: Option<&str>,
    other: &str,
    contained: f64,
) -> bool {
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

pub(crate) fn directed_link(
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

/// The ids this run has stored, with where each came from, so that no
/// record silently replaces another one of the same run.
#[derive(Default)]
pub(crate) struct IdClaims {
    /// id → origin (`path` or `path:locator`) and clean-text hash.
    pub(crate) taken: HashMap<String, (String, String)>,
}

/// Same file on disk: equal paths, or equal once both resolve.
fn same_file(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    match (Path::new(a).canonicalize(), Path::new(b).canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Gives a record whose id came from its file name an id of its own when
/// another file already holds that id (every `index.html` of a mirror):
/// the stem plus a hash of the file's path inside the ingested folder.
/// The file that first took the stem keeps it, on this run and later ones:
/// a stored article with that id from the same file (or with the same
/// text, for a tree that moved) is this file's own.
pub(crate) fn resolve_file_id(
    tx: &mut dyn StoreTx,
    claims: &IdClaims,
    raw: &mut RawDoc,
    article: &mut Article,
    relative: &str,
) -> Result<(), StoreError> {
    let path = &raw.origin.path;
    let from_name = raw.origin.locator.is_none()
        && path != "-"
        && raw.id == parallax_ingest::id_from_file_name(path, &raw.content);
    if !from_name {
        return Ok(());
    }
    let hash = content_hash(&article.text);
    let taken_by_other = match claims.taken.get(&raw.id) {
        Some((origin, _)) => !same_file(origin, path),
        None => match tx.origin_of(&raw.id)? {
            Some((origin, stored_hash)) => !same_file(&origin, path) && stored_hash != hash,
            None => false,
        },
    };
    if taken_by_other {
        let id = parallax_ingest::qualified_id(&raw.id, relative);
        raw.id.clone_from(&id);
        article.id = id;
    }
    Ok(())
}

/// Write one batch of outcomes in a single transaction, linking exact and
/// near copies to the article they copy. Each outcome comes with the
/// relative path of its file (see [`resolve_file_id`]).
fn store_batch(
    store: &mut dyn Store,
    hasher: &MinHasher,
    lsh: &mut LshIndex<String>,
    outcomes: Vec<(Outcome, &str)>,
    claims: &mut IdClaims,
    report: &mut IngestReport,
) -> Result<(), StoreError> {
    // A failed batch aborts the run, so the in-memory index may run ahead
    // of the transaction: it is rebuilt from the store on the next run.
    let mut tx = store.begin()?;
    let mut links = Vec::new();
    for (outcome, relative) in outcomes {
        let (mut raw, mut article) = match outcome {
            Ok(pair) => pair,
            Err(skipped) => {
                report.skipped.push(skipped);
                continue;
            }
        };
        resolve_file_id(&mut *tx, claims, &mut raw, &mut article, relative)?;
        let origin = article.origin.to_string();
        let text_hash = content_hash(&article.text);
        if let Some((first, first_hash)) = claims.taken.get(&article.id) {
            if *first != origin {
                let same = if *first_hash == text_hash {
                    "the same text"
                } else {
                    "a different text"
                };
                report.skipped.push(Skipped {
                    origin: article.origin.clone(),
                    reason: format!(
                        "id {:?} was already given to {first} in this run ({same}); \
                         the first is kept: give each record an id of its own",
                        article.id
                    ),
                });
                continue;
            }
        }
        claims.taken.insert(article.id.clone(), (origin, text_hash));
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
        let link = find_link(&mut *tx, lsh, &article, &signature, exact)?;
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

/// The duplicate link for a newly stored article, if it copies (or is
/// copied by) a stored one: an exact copy by content hash (`exact`: the
/// stored ids with the same hash), else a near copy from the MinHash
/// index. The direction follows [`new_is_copy`], which does not depend on
/// the order the two were stored in.
pub(crate) fn find_link(
    tx: &mut dyn StoreTx,
    lsh: &LshIndex<String>,
    article: &Article,
    signature: &parallax_dedup::Signature,
    exact: Vec<String>,
) -> Result<Option<DuplicateLink>, StoreError> {
    if let Some(other) = exact.into_iter().find(|id| *id != article.id) {
        let other_date = tx.published_of(&other)?;
        let copy = new_is_copy(article, other_date.as_deref(), &other, 0.0);
        return Ok(Some(directed_link(
            &article.id,
            other,
            copy,
            LinkKind::Exact,
            1.0,
        )));
    }
    match lsh
        .matches(signature, DEFAULT_NEAR_JACCARD, DEFAULT_CONTAINMENT)
        .into_iter()
        .find(|m| m.id != article.id)
    {
        Some(m) => {
            let other_date = tx.published_of(&m.id)?;
            let contained = m.query_in_stored - m.stored_in_query;
            let copy = new_is_copy(article, other_date.as_deref(), &m.id, contained);
            let score = m.score();
            Ok(Some(directed_link(
                &article.id,
                m.id,
                copy,
                LinkKind::Near,
                score,
            )))
        }
        None => Ok(None),
    }
}
