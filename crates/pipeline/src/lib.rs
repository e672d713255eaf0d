//! Runs the stages in order: ingest → clean → (dedup → store).
//!
//! The CLI and the server both call these functions, so the order of stages
//! and the error policy live in one place: a bad record becomes a
//! [`Skipped`] entry and never stops the batch.

mod analysis;
mod coverage;
pub mod csv;
mod eval_facts;
mod eval_voice;
mod ingest;
mod queued;
mod refresh;
mod stories;
mod story_identity;
mod story_refresh;
mod view;

pub use analysis::{
    analyze_article, link_corpus_entities, sentence_spans, Analysis, CorpusEntityView, EntityView,
    Mention, QuoteView, MAX_ITEMS,
};
pub use ingest::{ingest, IngestReport};
pub use queued::{link_stored, store_queued, QueuedRecord, WorkerBatch};
pub use refresh::{
    read_analysis, refresh, refresh_analyses, refresh_entities, refresh_in_order, refresh_stories,
    refresh_with_progress, reresolve_outlets, RefreshError, RefreshReport, ANALYZER_VERSION,
    COVERAGE_STATE, OUTLETS_STATE,
};

pub use coverage::coverage;
pub use eval_facts::{eval_facts, FactScores};
pub use eval_voice::{eval_voice_babe, eval_voice_ptc, SentenceScores, SpanScores};
pub use stories::{stories, EventView, Republication, StoryView, VIEW_VERSION};
pub use story_identity::{assign as assign_story_ids, Identity, PreviousStory};
pub use story_refresh::{refresh_stories_incrementally, StoryRefresh};
pub use view::{AnalyzeDoc, AnalyzedArticle, ArticleView};

/// The story engine's settings: the defaults, which blend TF-IDF with the
/// shipped static token embeddings, or lexical signals alone when
/// `PARALLAX_STORY_SIGNALS=lexical` (for text the English table cannot
/// read, or to compare). Saved engine state records the settings, so a
/// change rebuilds the stories on the next run.
pub fn story_config() -> Result<parallax_cluster::StoryConfig, String> {
    story_config_for(std::env::var("PARALLAX_STORY_SIGNALS").ok().as_deref())
}

/// [`story_config`] for a given value of `PARALLAX_STORY_SIGNALS`.
pub fn story_config_for(signals: Option<&str>) -> Result<parallax_cluster::StoryConfig, String> {
    match signals.map(str::trim) {
        None | Some("") | Some("dense") => Ok(parallax_cluster::StoryConfig::default()),
        Some("lexical") => Ok(parallax_cluster::StoryConfig::lexical()),
        Some(other) => Err(format!(
            "PARALLAX_STORY_SIGNALS is {other:?}: set it to `dense` (the default) or `lexical`"
        )),
    }
}

/// Extraction for many articles, in parallel, in input order.
pub fn analyze_articles(articles: &[Article]) -> Result<Vec<Analysis>, parallax_extract::NerError> {
    articles.par_iter().map(analyze_article).collect()
}

use parallax_ingest::Limits;
use parallax_model::{Article, RawDoc, Skipped};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Crash points for the kill-at-every-point test (`crates/cli/tests/crash.rs`):
/// when `PARALLAX_CRASH_AT` names this point, the process aborts right
/// there, as a kill or a power cut would stop it, with no destructor or
/// rollback run. The points are the commits an ingest makes: `articles`
/// (after an article batch), `analyses` (after an analysis batch),
/// `entities` (after the entity join), `stories` (after the stories are
/// written), `engine` (between the two engine-state rows). Unset, this is
/// one cached environment lookup.
pub fn failpoint(point: &str) {
    static CRASH_AT: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    let target = CRASH_AT.get_or_init(|| std::env::var("PARALLAX_CRASH_AT").ok());
    if target.as_deref() == Some(point) {
        eprintln!("PARALLAX_CRASH_AT={point}: aborting here");
        std::process::abort();
    }
}

/// Progress notifications, so callers can drive a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// The number of input files is known.
    Total(u64),
    /// One more input file has been read and cleaned.
    FileDone,
    /// A later stage starts over this many articles (`analysing`).
    Stage(&'static str, u64),
    /// This many more articles of the current stage are done.
    ArticlesDone(u64),
    /// This many files inside the given folders are not of a known article
    /// format and were left unread (`--all-files` reads them).
    LeftOut(u64),
}

/// One input record after cleaning: the article with the raw record it came
/// from (the store keeps both), or the reason it was skipped.
pub type Outcome = Result<(RawDoc, Article), Skipped>;

/// Read one input file and clean every record in it. What the user said
/// about the file (`--outlet`, a manifest row) goes in as the record's
/// hints, ahead of what the page says.
pub fn process_file(path: &Path, limits: &Limits) -> Vec<Outcome> {
    parallax_ingest::read_file(path, limits)
        .into_iter()
        .map(|record| process_record(record, limits))
        .collect()
}

/// Clean one record read from a file, with what the user stated about
/// that file (`--outlet`, a manifest) applied first.
pub fn process_record(record: parallax_ingest::Record, limits: &Limits) -> Outcome {
    record.and_then(|doc| {
        let (doc, user) = apply_given(doc, limits);
        clean_record_with(doc, user.as_ref().map(|(o, f)| (o.clone(), f.as_str())))
    })
}

/// Apply what the user stated about a record's file (`--outlet`, `--url`,
/// a manifest row) to its hints, ahead of what the page says. Returns the
/// record with the user's outlet and where they said it, which the cleaner
/// takes as the strongest outlet signal.
pub fn apply_given(mut doc: RawDoc, limits: &Limits) -> (RawDoc, Option<(String, String)>) {
    let given = limits.meta.for_path(&doc.origin.path);
    if let Some((given, _)) = &given {
        let hints = &mut doc.hints;
        for (slot, value) in [
            (&mut hints.outlet, &given.outlet),
            (&mut hints.url, &given.url),
            (&mut hints.title, &given.title),
            (&mut hints.published, &given.published),
        ] {
            if value.is_some() {
                slot.clone_from(value);
            }
        }
        if given.published.is_some() {
            hints.published_is_capture_date = false;
        }
    }
    let user = given.and_then(|(g, from)| Some((g.outlet?, from.to_string())));
    (doc, user)
}

/// Clean one record, turning a cleaning failure into a [`Skipped`] entry.
pub fn clean_record(doc: RawDoc) -> Outcome {
    clean_record_with(doc, None)
}

pub(crate) fn clean_record_with(doc: RawDoc, user_outlet: Option<(String, &str)>) -> Outcome {
    match parallax_clean::clean(&doc) {
        Ok(mut article) => {
            resolve_outlet(
                &mut article,
                user_outlet.as_ref().map(|(o, f)| (o.as_str(), *f)),
            );
            Ok((doc, article))
        }
        Err(e) => Err(Skipped {
            origin: doc.origin.clone(),
            reason: e.to_string(),
        }),
    }
}

/// Names the article's outlet the one way the registry does
/// ([`parallax_outlets`]) and records how it was decided in
/// [`Article::outlet_via`]: the user's word (with where they said it), the
/// URL's domain, the page's or export's publisher field, a dateline, or
/// the text's first-person mention of itself. Nothing found leaves the
/// outlet unknown.
pub fn resolve_outlet(article: &mut Article, user: Option<(&str, &str)>) {
    let registry = parallax_outlets::current();
    let field = article.outlet.clone();
    // An outlet names itself in its own furniture more often than in the
    // article ("an associate editor of … and co-host of our podcast" in
    // the author bio): the removed bios and footers are read too.
    let own_words: String = std::iter::once(article.text.as_str())
        .chain(
            article
                .removed
                .iter()
                .filter(|r| matches!(r.kind.as_str(), "author_bio" | "newsletter" | "boilerplate"))
                .map(|r| r.text.as_str()),
        )
        .collect::<Vec<_>>()
        .join("\n");
    let signals = parallax_outlets::Signals {
        user: user.map(|(outlet, _)| outlet),
        url: article.url.as_deref(),
        field: field.as_deref(),
        text: &own_words,
    };
    match registry.resolve(&signals) {
        Some(r) => {
            let how = match (r.via, user) {
                (parallax_outlets::ResolvedVia::User, Some((_, from))) => from.to_string(),
                (via, _) => via.as_str().to_string(),
            };
            article.outlet_via = Some(format!("{how}: {}", r.evidence));
            article.outlet = Some(r.outlet);
        }
        None => {
            article.outlet = None;
            article.outlet_via = None;
        }
    }
}

/// Read and clean every input (files, folders, `-`), in input order.
/// Files are processed in parallel; the result keeps their order so runs are
/// reproducible.
pub fn process_paths(
    paths: &[PathBuf],
    limits: &Limits,
    progress: &(dyn Fn(Progress) + Sync),
) -> Vec<Outcome> {
    let listed = parallax_ingest::list_inputs(paths, &limits.list);
    if !listed.left_out.is_empty() {
        progress(Progress::LeftOut(listed.left_out.len() as u64));
    }
    let files = listed.files;
    progress(Progress::Total(files.len() as u64));
    let mut outcomes: Vec<Outcome> = listed.skipped.into_iter().map(Err).collect();
    let per_file: Vec<Vec<Outcome>> = files
        .par_iter()
        .map(|file| {
            let out = process_file(&file.path, limits);
            progress(Progress::FileDone);
            out
        })
        .collect();
    // Two files whose names give one id (`a/index.html`, `b/index.html`)
    // stay apart, as `ingest` keeps them: the later one takes the stem
    // with a hash of its path.
    let mut taken: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for (file, out) in files.iter().zip(per_file) {
        for mut outcome in out {
            if let Ok((raw, article)) = &mut outcome {
                let from_name = raw.origin.locator.is_none()
                    && raw.origin.path != "-"
                    && raw.id == parallax_ingest::id_from_file_name(&raw.origin.path, &raw.content);
                let clash = taken
                    .get(&raw.id)
                    .is_some_and(|first| *first != raw.origin.path);
                if from_name && clash {
                    let id = parallax_ingest::qualified_id(&raw.id, &file.relative);
                    raw.id.clone_from(&id);
                    article.id = id;
                }
                taken
                    .entry(raw.id.clone())
                    .or_insert_with(|| raw.origin.path.clone());
            }
            outcomes.push(outcome);
        }
    }
    outcomes
}

/// Split outcomes into articles and skipped records.
pub fn partition(outcomes: Vec<Outcome>) -> (Vec<Article>, Vec<Skipped>) {
    let mut articles = Vec::new();
    let mut skipped = Vec::new();
    for outcome in outcomes {
        match outcome {
            Ok((_, article)) => articles.push(article),
            Err(s) => skipped.push(s),
        }
    }
    (articles, skipped)
}

#[cfg(test)]
mod story_signals_tests {
    use super::story_config_for;

    #[test]
    fn story_signals_are_dense_by_default_lexical_on_request_and_checked() {
        let dense = story_config_for(None).unwrap();
        assert!(dense.dense_weight > 0.0);
        assert_eq!(story_config_for(Some("dense")).unwrap(), dense);
        assert_eq!(
            story_config_for(Some(" lexical ")).unwrap().dense_weight,
            0.0
        );
        let err = story_config_for(Some("semantic")).unwrap_err();
        assert!(
            err.contains("`dense`") && err.contains("`lexical`"),
            "{err}"
        );
    }
}
