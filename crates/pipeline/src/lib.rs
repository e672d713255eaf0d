//! Runs the stages in order: ingest → clean → (dedup → store).
//!
//! The CLI and the server both call these functions, so the order of stages
//! and the error policy live in one place: a bad record becomes a
//! [`Skipped`] entry and never stops the batch.

mod analysis;
mod coverage;
mod ingest;
mod refresh;
mod stories;
mod story_refresh;
mod view;

pub use analysis::{
    analyze_article, link_corpus_entities, sentence_spans, Analysis, CorpusEntityView, EntityView,
    Mention, QuoteView,
};
pub use ingest::{ingest, IngestReport};
pub use refresh::{
    read_analysis, refresh, refresh_analyses, refresh_entities, refresh_stories,
    refresh_with_progress, RefreshError, RefreshReport, ANALYZER_VERSION,
};

pub use coverage::coverage;
pub use stories::{stories, EventView, StoryView};
pub use story_refresh::{refresh_stories_incrementally, StoryRefresh};
pub use view::{AnalyzeDoc, AnalyzedArticle, ArticleView};

/// Extraction for many articles, in parallel, in input order.
pub fn analyze_articles(articles: &[Article]) -> Result<Vec<Analysis>, parallax_extract::NerError> {
    articles.par_iter().map(analyze_article).collect()
}

use parallax_ingest::Limits;
use parallax_model::{Article, RawDoc, Skipped};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

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
}

/// One input record after cleaning: the article with the raw record it came
/// from (the store keeps both), or the reason it was skipped.
pub type Outcome = Result<(RawDoc, Article), Skipped>;

/// Read one input file and clean every record in it.
pub fn process_file(path: &Path, limits: &Limits) -> Vec<Outcome> {
    parallax_ingest::read_file(path, limits)
        .into_iter()
        .map(|record| record.and_then(clean_record))
        .collect()
}

/// Clean one record, turning a cleaning failure into a [`Skipped`] entry.
pub fn clean_record(doc: RawDoc) -> Outcome {
    match parallax_clean::clean(&doc) {
        Ok(article) => Ok((doc, article)),
        Err(e) => Err(Skipped {
            origin: doc.origin.clone(),
            reason: e.to_string(),
        }),
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
    let (files, missing) = parallax_ingest::list_inputs(paths);
    progress(Progress::Total(files.len() as u64));
    let mut outcomes: Vec<Outcome> = missing.into_iter().map(Err).collect();
    let per_file: Vec<Vec<Outcome>> = files
        .par_iter()
        .map(|path| {
            let out = process_file(path, limits);
            progress(Progress::FileDone);
            out
        })
        .collect();
    outcomes.extend(per_file.into_iter().flatten());
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
