//! Coverage comparison: how several outlets told one story.
//!
//! Given the articles of one story (clean [`Article`]s plus, when
//! available, the quotes and dates other stages extracted from them),
//! [`Comparer::compare`] builds one serialisable [`Coverage`]:
//!
//! - a **facts matrix**: sentences aligned across articles into facts (the
//!   same claim in other words), with, per article, the facts only it
//!   reports and the facts most others report that it leaves out;
//! - **quotes across outlets**: one quote linked across articles with its
//!   variants (spelling, truncation, partial use, paraphrase) and the
//!   outlets that cut it;
//! - **voice**: loaded words in the narrator's voice, scare quotes, phrases
//!   an outlet asserts that others attribute, attribution verbs;
//! - **who is quoted** (named and anonymous speakers), a merged
//!   **timeline**, and the **lean** distribution of the outlets.
//!
//! Every item points back at the sentence it came from: article id plus a
//! byte span into `Article.text`. The schema is documented in
//! `docs/coverage.md`.
//!
//! ```
//! use parallax_compare::{Comparer, CoverageInput};
//! # fn article(id: &str, outlet: &str, text: &str) -> parallax_model::Article {
//! #     parallax_model::Article { id: id.into(), origin: parallax_model::Origin::file(id),
//! #         format: parallax_model::SourceFormat::Text, url: None, outlet: Some(outlet.into()),
//! #         title: None, author: None, published: None, language: None, text: text.into(),
//! #         blocks: vec![], removed: vec![], offsets: Default::default(), warnings: vec![],
//! #         outlet_via: None, genre: None }
//! # }
//! let a = article("a", "Reuters", "The minister quit on Monday after the audit. \"I have done nothing wrong,\" she said.");
//! let b = article("b", "Breitbart", "The disgraced minister resigned on Monday following an audit.");
//! let coverage = Comparer::shipped().compare(&[CoverageInput::new(&a), CoverageInput::new(&b)]);
//! let shared = coverage.facts.facts.iter().find(|f| f.articles.len() == 2).expect("aligned");
//! assert!(shared.cells.iter().any(|c| c.text.contains("resigned")));
//! assert_eq!(coverage.lean.unknown, 0);
//! # Ok::<(), parallax_compare::CompareError>(())
//! ```

pub mod facts;
pub mod kind;
pub mod lexicon;
pub mod outlets;
pub mod quotes;
pub mod text;
pub mod voice;

mod prepare;

use parallax_model::Article;
use serde::{Deserialize, Serialize};
use std::ops::Range;

pub use facts::{ArticleFacts, Fact, FactCell, FactsMatrix};
pub use kind::{classify as classify_kind, DocKind, KindVerdict};
pub use lexicon::{Lexicon, VerbTone};
pub use outlets::{
    blindspots, match_article, Blindspot, LeanDistribution, OutletMatch, Side, StoryLean,
};
pub use quotes::{find_quotes_fallback, QuoteForm, QuoteOccurrence, SharedQuote, SpellingVariant};
pub use voice::{
    ArticleSources, ArticleVoice, LoadedHit, NarratorAssertion, ScareQuote, SpeakerEntry,
    SpeakerKind, VerbCount,
};

/// Errors from loading data files.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CompareError {
    /// A lexicon file is malformed or unreadable.
    #[error("lexicon: {0}")]
    Lexicon(String),
}

/// Whether a quotation reports speech or distances the writer from a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuoteKind {
    /// Someone's words, attributed (directly or as a partial quote).
    Speech,
    /// Quotation marks used to hold a term at arm's length
    /// (`Labour's “anti-Semitism crisis”`).
    Scare,
}

/// One quote as the quote extractor reports it. The comparison only needs
/// these fields, so any extractor (or [`find_quotes_fallback`]) can feed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteRef {
    /// The quoted words, without the quotation marks.
    pub text: String,
    /// Byte range of the quoted words in `Article.text`.
    pub span: Range<usize>,
    /// The sentence holding the quote, when the extractor knows it.
    #[serde(default)]
    pub sentence: Option<Range<usize>>,
    /// Who said it, as written or resolved (`Chris Williamson`,
    /// `a Labour source`); `None` when unknown.
    #[serde(default)]
    pub speaker: Option<String>,
    /// The extractor's judgement of the speaker, when it has one (map its
    /// named and resolved-pronoun speakers to `Named`, unnamed sources to
    /// `Anonymous`, unresolved pronouns to `Unknown`). `None`: classified
    /// here from the speaker string.
    #[serde(default)]
    pub speaker_kind: Option<SpeakerKind>,
    /// The attribution cue (`said`, `told reporters`, `claimed`).
    #[serde(default)]
    pub cue: Option<String>,
    /// Direct quotation (in marks) rather than reported speech. Reported
    /// speech counts towards who is quoted, but is not linked across
    /// outlets and its words count as the writer's own.
    #[serde(default = "yes")]
    pub direct: bool,
    pub kind: QuoteKind,
}

fn yes() -> bool {
    true
}

/// How precise a date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DateGranularity {
    Day,
    Week,
    Month,
    Season,
    Year,
}

/// A sentence the date extractor anchored to a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatedSentence {
    /// Article id.
    pub article: String,
    /// Byte range of the sentence (or of the date expression inside it) in
    /// `Article.text`.
    pub span: Range<usize>,
    /// ISO date at its granularity: `2019-11-06`, `2019-06`, `2019`,
    /// `2025-autumn`.
    pub date: String,
    pub granularity: DateGranularity,
}

/// One article of the story and what other stages found in it.
#[derive(Debug, Clone)]
pub struct CoverageInput<'a> {
    pub article: &'a Article,
    /// Quotes from the quote extractor. `None` runs the built-in
    /// [`find_quotes_fallback`] (and says so in [`Coverage::notes`]).
    pub quotes: Option<Vec<QuoteRef>>,
    /// Dated sentences from the date extractor (any article's; only this
    /// article's are used).
    pub dates: Vec<DatedSentence>,
}

impl<'a> CoverageInput<'a> {
    /// An article with no extractor output: quotes come from the fallback
    /// finder, and there is no timeline.
    pub fn new(article: &'a Article) -> Self {
        CoverageInput {
            article,
            quotes: None,
            dates: Vec::new(),
        }
    }
}

/// A sentence (or span inside one) of one article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentenceRef {
    pub article: String,
    /// Byte range in that article's `Article.text`.
    pub span: Range<usize>,
    pub text: String,
}

/// One article as the comparison lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleEntry {
    pub id: String,
    /// The outlet name as the article gave it.
    pub outlet: Option<String>,
    /// The outlets-table row it matched, if any.
    pub outlet_match: Option<OutletMatch>,
    pub title: Option<String>,
    pub url: Option<String>,
    pub published: Option<String>,
    /// Sentences the comparison read.
    pub sentences: usize,
    /// News, wire copy, live blog, opinion, letters or press release.
    /// Opinion, letters and press releases are shown but counted apart:
    /// they neither carry a fact for an omission nor are blamed for one.
    #[serde(default)]
    pub kind: DocKind,
    /// The signal that decided [`ArticleEntry::kind`] (`address:
    /// /opinion/`, `dateline: LONDON (AP)`); absent for plain news.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind_why: Option<String>,
}

/// One dated event, merged across articles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub date: String,
    pub granularity: DateGranularity,
    /// The fact these sentences belong to, when they were aligned.
    pub fact: Option<usize>,
    /// A representative sentence.
    pub text: String,
    /// Every sentence that dates this event.
    pub sources: Vec<SentenceRef>,
    /// A date well before the story (its period ends more than
    /// [`BACKGROUND_DAYS`] days before the earliest article): background,
    /// folded away, with why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub background: Option<String>,
    /// One of the story's few key dated events, shown before the rest: at
    /// most [`KEY_DATES`], the dates most articles report (two or more),
    /// or the first dates when no two articles share one.
    #[serde(default)]
    pub key: bool,
}

impl Coverage {
    /// The articles shown but counted apart from news coverage (opinion,
    /// letters, press releases; see [`DocKind::is_news`]).
    pub fn counted_apart(&self) -> impl Iterator<Item = &ArticleEntry> {
        self.articles.iter().filter(|a| !a.kind.is_news())
    }
}

/// Days before a story's earliest article past which a date is
/// background (a law passed years ago, "in 1995").
pub const BACKGROUND_DAYS: i64 = 60;

/// Key dated events a story shows before "more".
pub const KEY_DATES: usize = 5;

/// Day number of `YYYY[-MM[-DD]]` at the end of its period (a year's last
/// day, a month's last day), or `None` for anything else.
fn period_end_day(date: &str) -> Option<i64> {
    let mut parts = date.split('-');
    let y: i64 = parts.next()?.get(..4)?.parse().ok()?;
    let m: Option<u32> = parts.next().and_then(|m| m.get(..2)?.parse().ok());
    let d: Option<u32> = parts.next().and_then(|d| d.get(..2)?.parse().ok());
    let (m, d) = match (m, d) {
        (Some(m @ 1..=12), Some(d @ 1..=31)) => (m, d),
        (Some(m @ 1..=12), _) => (m, 31),
        _ => (12, 31),
    };
    Some(civil_day(y, m, d))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (a day past the
/// month's end rolls over, which is harmless for a period's end).
fn civil_day(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Mark background dates and the few key ones.
fn rank_timeline(entries: &mut [TimelineEntry], prepared: &[prepare::Prepared<'_>]) {
    let earliest = prepared
        .iter()
        .filter_map(|p| p.article.published.as_deref())
        .filter_map(|d| d.get(..10))
        .min()
        .map(str::to_string);
    if let Some(first) = earliest.as_deref() {
        if let Some(start) = period_end_day(first) {
            for e in entries.iter_mut() {
                if period_end_day(&e.date).is_some_and(|end| end < start - BACKGROUND_DAYS) {
                    e.background = Some(format!(
                        "dated {}, more than {BACKGROUND_DAYS} days before the earliest \
                         article ({first})",
                        e.date
                    ));
                }
            }
        }
    }
    // Key: the most widely dated events of the story itself, at least two
    // sources when several articles are compared.
    let articles = prepared.len();
    let mut order: Vec<usize> = (0..entries.len())
        .filter(|&i| entries[i].background.is_none())
        .filter(|&i| articles < 2 || distinct_articles(&entries[i]) >= 2)
        .collect();
    order.sort_by_key(|&i| (usize::MAX - distinct_articles(&entries[i]), i));
    if order.is_empty() {
        // No date two articles share: the story's first dates, in order.
        order = (0..entries.len())
            .filter(|&i| entries[i].background.is_none())
            .collect();
    }
    for &i in order.iter().take(KEY_DATES) {
        entries[i].key = true;
    }
}

fn distinct_articles(e: &TimelineEntry) -> usize {
    let mut ids: Vec<&str> = e.sources.iter().map(|s| s.article.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    ids.len()
}

/// One outlet's coverage of the story, summed over its articles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutletSummary {
    /// The outlets-table name, else the outlet name the articles gave,
    /// else the URL host, else `unknown`.
    pub outlet: String,
    pub lean: Option<i8>,
    pub articles: Vec<String>,
    /// Attribution verbs over all its articles, most used first.
    pub attribution_verbs: Vec<VerbCount>,
    pub evaluative_share: f32,
    /// Loaded terms in the narrator's voice.
    pub loaded: usize,
    pub scare_quotes: usize,
    pub narrator_assertions: usize,
    /// Speech quotes by named and anonymous speakers.
    pub named_sources: usize,
    pub anonymous_sources: usize,
}

/// The comparison of one story's coverage. See `docs/coverage.md`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    /// Schema version of this structure.
    pub schema: u32,
    pub articles: Vec<ArticleEntry>,
    pub facts: FactsMatrix,
    pub quotes: Vec<SharedQuote>,
    pub voice: Vec<ArticleVoice>,
    pub sources: Vec<ArticleSources>,
    pub timeline: Vec<TimelineEntry>,
    pub lean: LeanDistribution,
    /// Per outlet: voice and sourcing summed over its articles.
    pub outlets: Vec<OutletSummary>,
    /// How the comparison was made (fallbacks used, limits hit).
    pub notes: Vec<String>,
}

/// Current [`Coverage::schema`]. 2: an article's outlet match is the
/// registry's row with every rating and the combined lean with how. 3:
/// every loaded-word and scare-quote flag says why (`why`); scare quotes
/// exclude partial quotations and mentions of a word. 4: each article
/// entry has a document `kind` (opinion, letters and press releases are
/// counted apart for omissions) and `kind_why`; timeline entries are
/// marked `background` and `key`.
/// Stored coverages of another version are compared again, not reused.
pub const SCHEMA_VERSION: u32 = 4;

/// Tunable limits and thresholds.
#[derive(Debug, Clone)]
pub struct CompareOptions {
    /// Cosine similarity (IDF-weighted) at which two sentences of different
    /// articles count as the same fact.
    pub fact_threshold: f32,
    /// A lower similarity that links two sentences when they also share an
    /// anchor: a figure, a day of a month, or a name (a word capitalised
    /// inside a sentence). Shared words alone are weak evidence that two
    /// sentences state one fact; shared words around one name or figure
    /// are stronger.
    pub anchored_threshold: f32,
    /// Candidate sentences scored per sentence (bounds the work to
    /// `sentences × max_candidates`).
    pub max_candidates: usize,
    /// Postings read per feature when gathering candidates.
    pub postings_window: usize,
    /// A fact counts as "reported by most others" when at least this share
    /// of the other articles report it.
    pub omitted_share: f32,
    /// Sentences with fewer content features than this are not facts
    /// (datelines, one-word paragraphs).
    pub min_features: usize,
}

impl Default for CompareOptions {
    fn default() -> Self {
        CompareOptions {
            fact_threshold: 0.30,
            // Chosen on ECB+ dev (eval facts): 0.30 alone links P 0.950 /
            // R 0.242 of same-event pairs; anchored at 0.22, P 0.936 / R 0.362.
            anchored_threshold: 0.22,
            max_candidates: 24,
            postings_window: 32,
            omitted_share: 0.5,
            min_features: 3,
        }
    }
}

/// Builds [`Coverage`] with one lexicon and outlet registry.
#[derive(Debug, Clone)]
pub struct Comparer<'l> {
    pub lexicon: &'l Lexicon,
    /// The outlet registry articles are matched against.
    pub outlets: &'l parallax_outlets::Registry,
    pub options: CompareOptions,
}

impl Comparer<'static> {
    /// The shipped lexicon, the outlet registry with the user's
    /// overrides ([`parallax_outlets::current`]), default options.
    pub fn shipped() -> Comparer<'static> {
        Comparer {
            lexicon: Lexicon::shipped(),
            outlets: parallax_outlets::current(),
            options: CompareOptions::default(),
        }
    }
}

impl<'l> Comparer<'l> {
    /// Compare the articles of one story.
    pub fn compare(&self, inputs: &[CoverageInput<'_>]) -> Coverage {
        let mut notes = Vec::new();
        // A comparison's time and memory grow with its articles: a story
        // larger than the bound is compared on a sample that keeps every
        // outlet, and says so.
        let sampled;
        let inputs = if inputs.len() > MAX_COMPARED_ARTICLES {
            sampled = sample_by_outlet(inputs, MAX_COMPARED_ARTICLES);
            notes.push(format!(
                "compared {} of {} articles (at most {MAX_COMPARED_ARTICLES} in one \
                 comparison): each outlet's articles in turn, in story order, so every \
                 outlet is represented",
                sampled.len(),
                inputs.len()
            ));
            &sampled[..]
        } else {
            inputs
        };
        let clock = std::time::Instant::now();
        let lap = |what: &str| {
            if std::env::var_os("PARALLAX_COMPARE_TIMING").is_some() {
                eprintln!(
                    "compare: {what} at {:.1} ms",
                    clock.elapsed().as_secs_f64() * 1e3
                );
            }
        };
        let prepared = prepare::prepare_all(inputs, self.lexicon, &mut notes);
        lap("prepared");
        let kinds: Vec<KindVerdict> = prepared.iter().map(|p| kind::classify(p.article)).collect();
        let news: Vec<bool> = kinds.iter().map(|k| k.kind.is_news()).collect();
        let facts = facts::build(&prepared, &news, self.lexicon, &self.options, &mut notes);
        lap("facts");
        let quotes = quotes::link(&prepared, &facts);
        lap("quotes");
        let voice = voice::voices(&prepared, self.lexicon);
        let sources = voice::sources(&prepared);
        lap("voice");
        let timeline = timeline(&prepared, &facts);
        let mut articles = Vec::with_capacity(prepared.len());
        let mut matches = Vec::with_capacity(prepared.len());
        for p in &prepared {
            let a = p.article;
            let m = outlets::match_article(self.outlets, a);
            matches.push(m.clone());
            articles.push(ArticleEntry {
                id: a.id.clone(),
                outlet: a.outlet.clone(),
                outlet_match: m,
                title: a.title.clone(),
                url: a.url.clone(),
                published: a.published.clone(),
                sentences: p.sentences.len(),
                kind: kinds[articles.len()].kind,
                kind_why: kinds[articles.len()].why.clone(),
            });
        }
        let lean = LeanDistribution::from_matches(&matches);
        let outlets = outlet_summaries(&articles, &voice, &sources);
        Coverage {
            schema: SCHEMA_VERSION,
            articles,
            facts: facts.matrix,
            quotes,
            voice,
            sources,
            timeline,
            lean,
            outlets,
            notes,
        }
    }
}

/// Articles one comparison reads at most (see [`Comparer::compare`]): a
/// 1,000-article comparison takes about 0.6 s and 190 MB here; a story of
/// thousands of articles is compared on a sample.
pub const MAX_COMPARED_ARTICLES: usize = 300;

/// `limit` of `inputs`, taken round-robin over outlets (an article of no
/// outlet is a group of its own kind, "unknown"), each outlet's articles in
/// their order, returned in the order of `inputs`.
fn sample_by_outlet<'a>(inputs: &[CoverageInput<'a>], limit: usize) -> Vec<CoverageInput<'a>> {
    let mut groups: Vec<(String, std::collections::VecDeque<usize>)> = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let outlet = input
            .article
            .outlet
            .as_deref()
            .map(|o| o.trim().to_lowercase())
            .unwrap_or_default();
        match groups.iter_mut().find(|(name, _)| *name == outlet) {
            Some((_, members)) => members.push_back(i),
            None => groups.push((outlet, std::collections::VecDeque::from([i]))),
        }
    }
    let mut chosen = Vec::with_capacity(limit);
    while chosen.len() < limit {
        let before = chosen.len();
        for (_, members) in groups.iter_mut() {
            if chosen.len() == limit {
                break;
            }
            if let Some(i) = members.pop_front() {
                chosen.push(i);
            }
        }
        if chosen.len() == before {
            break;
        }
    }
    chosen.sort_unstable();
    chosen.into_iter().map(|i| inputs[i].clone()).collect()
}

/// Compare clean articles with the shipped lexicon, the outlet registry and
/// no extractor output (fallback quotes, no timeline).
pub fn compare_articles(articles: &[Article]) -> Coverage {
    let inputs: Vec<CoverageInput<'_>> = articles.iter().map(CoverageInput::new).collect();
    Comparer::shipped().compare(&inputs)
}

fn outlet_summaries(
    articles: &[ArticleEntry],
    voice: &[ArticleVoice],
    sources: &[ArticleSources],
) -> Vec<OutletSummary> {
    let mut out: Vec<OutletSummary> = Vec::new();
    for ((a, v), s) in articles.iter().zip(voice).zip(sources) {
        let name = a
            .outlet_match
            .as_ref()
            .map(|m| m.outlet.name.clone())
            .or_else(|| a.outlet.clone().filter(|o| !o.trim().is_empty()))
            .or_else(|| a.url.as_deref().and_then(outlets::host_of))
            .unwrap_or_else(|| "unknown".to_string());
        let idx = match out.iter().position(|o| o.outlet == name) {
            Some(i) => i,
            None => {
                out.push(OutletSummary {
                    outlet: name,
                    lean: a.outlet_match.as_ref().and_then(OutletMatch::lean_step),
                    articles: Vec::new(),
                    attribution_verbs: Vec::new(),
                    evaluative_share: 0.0,
                    loaded: 0,
                    scare_quotes: 0,
                    narrator_assertions: 0,
                    named_sources: 0,
                    anonymous_sources: 0,
                });
                out.len() - 1
            }
        };
        let o = &mut out[idx];
        o.articles.push(a.id.clone());
        o.loaded += v.loaded.len();
        o.scare_quotes += v.scare_quotes.len();
        o.narrator_assertions += v.narrator_assertions.len();
        o.named_sources += s.named;
        o.anonymous_sources += s.anonymous;
        for vc in &v.attribution_verbs {
            match o.attribution_verbs.iter_mut().find(|x| x.verb == vc.verb) {
                Some(x) => x.count += vc.count,
                None => o.attribution_verbs.push(vc.clone()),
            }
        }
    }
    for o in &mut out {
        o.attribution_verbs
            .sort_by(|a, b| b.count.cmp(&a.count).then(a.verb.cmp(&b.verb)));
        let total: usize = o.attribution_verbs.iter().map(|v| v.count).sum();
        let evaluative: usize = o
            .attribution_verbs
            .iter()
            .filter(|v| v.tone == VerbTone::Evaluative)
            .map(|v| v.count)
            .sum();
        if total > 0 {
            o.evaluative_share = ((evaluative as f32 / total as f32) * 1000.0).round() / 1000.0;
        }
    }
    out
}

/// Merge dated sentences across articles: sentences of one fact with the
/// same date become one entry.
fn timeline(prepared: &[prepare::Prepared<'_>], facts: &facts::Built) -> Vec<TimelineEntry> {
    use std::collections::BTreeMap;
    let mut groups: BTreeMap<(String, DateGranularity, Option<usize>, usize), TimelineEntry> =
        BTreeMap::new();
    let mut loose = 0usize;
    for (ai, p) in prepared.iter().enumerate() {
        for d in &p.dates {
            let Some(si) = p.sentence_at(d.span.start) else {
                continue;
            };
            let span = p.sentences[si].clone();
            let text = p.article.text.get(span.clone()).unwrap_or("").to_string();
            let fact = facts.fact_of(ai, si);
            // Sentences not aligned into a fact stay separate entries.
            let key_extra = if fact.is_none() {
                loose += 1;
                loose
            } else {
                0
            };
            let entry = groups
                .entry((d.date.clone(), d.granularity, fact, key_extra))
                .or_insert_with(|| TimelineEntry {
                    date: d.date.clone(),
                    granularity: d.granularity,
                    fact,
                    text: text.clone(),
                    sources: Vec::new(),
                    background: None,
                    key: false,
                });
            if !entry
                .sources
                .iter()
                .any(|s| s.article == p.article.id && s.span == span)
            {
                entry.sources.push(SentenceRef {
                    article: p.article.id.clone(),
                    span,
                    text,
                });
            }
        }
    }
    let mut entries: Vec<TimelineEntry> = groups.into_values().collect();
    rank_timeline(&mut entries, prepared);
    entries
}

#[cfg(test)]
mod timeline_tests {
    use super::{civil_day, period_end_day};

    #[test]
    fn day_numbers_of_periods() {
        assert_eq!(civil_day(1970, 1, 1), 0);
        assert_eq!(civil_day(2000, 3, 1), 11_017);
        assert_eq!(period_end_day("2026-03-04"), Some(civil_day(2026, 3, 4)));
        assert_eq!(period_end_day("1995"), Some(civil_day(1995, 12, 31)));
        assert_eq!(period_end_day("2019-02"), Some(civil_day(2019, 2, 31)));
        assert_eq!(period_end_day("soon"), None);
    }
}
