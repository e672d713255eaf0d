//! Stories from full-length articles: events, story arcs and the reasons.
//!
//! [`StoryEngine`] takes articles one at a time or in batches, in any date
//! order, and reports [`Story`]s: arcs of [`Event`]s, each event a set of
//! articles about one happening, each membership with the evidence that put
//! it there. [`build_stories`] does the same for a slice in one call.
//!
//! # Events
//! An article links to a live article when the cosine of their TF-IDF
//! vectors (stemmed words, headline words weighted up, names as separate
//! features) reaches [`StoryConfig::event_similarity`] and, when both are
//! dated, they lie at most [`StoryConfig::event_max_gap_days`] apart; a
//! link that would stretch an event beyond
//! [`StoryConfig::event_max_span_days`] is refused, and so is one between
//! two groups whose mean cosine over all their cross pairs is under
//! [`StoryConfig::event_group_similarity`] (average linkage, computed
//! exactly from the groups' summed vectors). Near-duplicates found by
//! MinHash/LSH (`parallax-dedup`) always link and are marked `copy_of`.
//! Events are the groups these links make, strongest link first. Candidates come
//! from an inverted index over the live articles' best terms, so the cost
//! of an article does not grow with the stream.
//!
//! # Meaning, not only words
//! Three outlets telling one story choose their own words ("slams",
//! "castigates", "collusion"); TF-IDF sees little in common. Every
//! similarity above is therefore a blend: `1 - dense_weight` of the TF-IDF
//! cosine and [`StoryConfig::dense_weight`] of the cosine of the two
//! articles' dense vectors. An article's dense vector is the sum, over its
//! first [`StoryConfig::dense_words`] kept words (headline included), of
//! the word's TF-IDF weight at arrival times the mean of its WordPiece
//! vectors from a static table distilled from a sentence encoder
//! (`parallax-embed`); it is fixed at arrival and saved with the state.
//! Group means blend the same way from summed dense vectors. The table
//! costs a lookup per word, not a transformer pass per article. Measured
//! on the dev sets (`parallax eval events`): NeuS B-cubed F1 0.653 → 0.714
//! with precision 0.569 → 0.705, ECB+ 0.833 → 0.833 with precision 0.842 →
//! 0.889. [`StoryConfig::lexical`] runs on words alone.
//!
//! # Arcs
//! Events of one developing story share the story's actors, not only its
//! kind of happening: two resignations from one party share the party and
//! its leader; two earthquakes in two countries share only words like
//! `magnitude`. Arcs are grown by group-average (centroid) linkage over
//! event profiles: two arcs merge when the cosine of their mean profiles
//! reaches [`StoryConfig::arc_similarity`], they share at least
//! [`StoryConfig::arc_min_shared_names`] names that are central to each
//! (present in half of its events), and their date spans lie within
//! [`StoryConfig::arc_max_gap_days`]. Judging an arc as a whole stops the
//! chaining that one strong link at a time allows.
//!
//! # Ageing
//! An event leaves the live set once its newest article is more than
//! [`StoryConfig::live_days`] older than the newest date seen (or, for
//! undated events, after [`StoryConfig::max_live_arrivals`] arrivals), and
//! never before [`StoryConfig::min_live_arrivals`] arrivals, so that a late
//! batch of old articles still meets its own kind. A closed event keeps a
//! compact arc profile and its reported form (until drained); its
//! articles' features, index entries and signatures are dropped, and of
//! each article only a 64-bit hash of its id stays (to refuse it again).
//!
//! Arcs finish too: an arc whose events are all closed, the last at least
//! [`StoryConfig::arc_min_idle_arrivals`] arrivals ago, and whose newest
//! event lies more than [`StoryConfig::arc_max_gap_days`] before the newest
//! date seen (undated: whose last event closed
//! [`StoryConfig::arc_max_idle_arrivals`] arrivals ago) can take no new
//! event, and is set aside with its profiles dropped. This is checked each
//! time the newest date moves on by an eighth of `arc_max_gap_days`; a
//! finished arc no longer merges with an arc that spans over it, and an
//! article dated that far back founds a new arc.
//!
//! # Incremental use
//! A caller that ingests in runs keeps three things between them:
//! * the engine's state: [`StoryEngine::save`] after a run,
//!   [`StoryEngine::load`] before the next (on any [`StateError`], build
//!   the engine again from all articles);
//! * closed events: [`StoryEngine::drain_closed`] after pushing hands over
//!   the reported forms of events that closed and the outlines of arcs that
//!   finished, so memory (and saved state) follows the live window, not the
//!   corpus. Both are final;
//! * the story list: finished outlines with their events
//!   ([`StoryOutline::story`]), plus [`StoryEngine::stories_with`] given
//!   the stored events (it needs those named by [`StoryEngine::outlines`]).
//!
//! Pushing after save and load gives exactly what pushing without them
//! gives, and draining changes nothing but where closed events are kept.
//! A known id is refused ([`StoryEngine::contains`]); an article whose text
//! changed needs the engine built again, as its old text already shaped
//! document frequencies and later links.

//! # Order
//! Links are decided on arrival with the document frequencies known then,
//! so feeding the same articles in another order can differ where a
//! similarity sits near a threshold; ids are derived from the earliest
//! article (by date, then id), not from arrival, so they do not depend on
//! the order.

mod state;

pub use state::{StateError, STATE_FORMAT};

use crate::analyze::EnglishAnalyzer;
use chrono::NaiveDate;
use parallax_dedup::{
    LshIndex, LshParams, MinHashParams, MinHasher, DEFAULT_CONTAINMENT, DEFAULT_NEAR_JACCARD,
};
use parallax_embed::StaticEmbeddings;
use parallax_model::Article;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::sync::Arc;

/// One article as the story engine needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoryInput {
    pub id: String,
    pub title: Option<String>,
    pub text: String,
    pub date: Option<NaiveDate>,
    pub outlet: Option<String>,
    /// Canonical entity names from extraction. When empty, capitalised words
    /// inside sentences stand in for them (see [`EnglishAnalyzer::names`]).
    pub entities: Vec<String>,
}

impl StoryInput {
    /// From a clean article; the date is the leading `YYYY-MM-DD` of
    /// `published` (an unparseable date is left out, not guessed).
    pub fn from_article(article: &Article) -> Self {
        StoryInput {
            id: article.id.clone(),
            title: article.title.clone(),
            // The opening the other stages read: a huge text costs the
            // engine no more than a long article.
            text: parallax_model::text_opening(&article.text, parallax_model::MAX_ANALYSED_BYTES)
                .to_string(),
            date: article.published.as_deref().and_then(leading_date),
            outlet: article.outlet.clone(),
            entities: Vec::new(),
        }
    }
}

/// The leading `YYYY-MM-DD` of a timestamp; `None` when it does not parse
/// (a date is left out, not guessed).
pub fn leading_date(stamp: &str) -> Option<NaiveDate> {
    let day = stamp.get(..10)?;
    NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()
}

/// Settings of the story engine. Defaults were chosen on the seeds, the
/// example corpus and synthetic streams (see the crate documentation).
#[derive(Debug, Clone, PartialEq)]
pub struct StoryConfig {
    /// Similarity (see `dense_weight`) at which two articles belong to
    /// one event.
    pub event_similarity: f64,
    /// Mean cosine over all pairs across two groups needed to join them
    /// into one event (average linkage): one strong pair is not enough to
    /// join two events of one kind through their most similar articles.
    pub event_group_similarity: f64,
    /// Dated articles further apart than this are never linked directly.
    pub event_max_gap_days: i64,
    /// An event never spans more days than this.
    pub event_max_span_days: i64,
    /// Cosine of two arcs' mean event profiles needed to merge them.
    pub arc_similarity: f64,
    /// Central names two arcs must share to merge.
    pub arc_min_shared_names: usize,
    /// Largest gap in days between two arcs' date spans that may be
    /// bridged; an arc whose newest event is older than this (against the
    /// newest date seen) is finished.
    pub arc_max_gap_days: i64,
    /// An arc of undated events is finished once its last event closed
    /// this many arrivals ago.
    pub arc_max_idle_arrivals: u64,
    /// No arc is finished before this many arrivals since its last event
    /// closed, so that a late batch of old articles still finds its arc.
    pub arc_min_idle_arrivals: u64,
    /// Days after its newest article that an event stays live (dated).
    pub live_days: i64,
    /// An event stays live for at least this many arrivals after its last.
    pub min_live_arrivals: u64,
    /// An event closes after this many arrivals without a new article.
    pub max_live_arrivals: u64,
    /// Words kept per article (best by TF-IDF at arrival).
    pub article_terms: usize,
    /// Names kept per article.
    pub article_names: usize,
    /// Weight of a headline word relative to one body occurrence.
    pub title_weight: f32,
    /// Weight of a name relative to a word.
    pub name_weight: f32,
    /// Articles scored per arrival (best by IDF overlap).
    pub max_candidates: usize,
    /// Terms held by more live articles than this do not propose candidates.
    pub max_posting_scan: usize,
    /// Only an article's heaviest terms propose candidates (all count in
    /// the similarity): rare words and names find an event's articles, and
    /// probing with fewer terms bounds the cost.
    pub probe_terms: usize,
    /// Terms per article entered in the candidate index.
    pub indexed_terms: usize,
    /// Near-duplicate thresholds (MinHash Jaccard, containment).
    pub near_jaccard: f64,
    pub near_containment: f64,
    /// Signature layout for near-duplicates: 48 hashes in 16 bands of 3
    /// rows keep a copy at Jaccard 0.5 a candidate 88% of the time (0.65:
    /// 99%) at 40% of the memory of the dedup crate's 128-hash default.
    pub minhash: MinHashParams,
    pub lsh: LshParams,
    /// Share of an article pair's similarity that comes from the static
    /// token embeddings (the rest is TF-IDF cosine); 0 turns them off and
    /// the engine runs on lexical signals alone. The same event told in
    /// other words shares meaning more than vocabulary.
    pub dense_weight: f32,
    /// Words of an article (headline first) that make its dense vector:
    /// bounds the cost per article, and a lead says what the event is.
    pub dense_words: usize,
}

impl Default for StoryConfig {
    fn default() -> Self {
        StoryConfig {
            event_similarity: 0.4,
            event_group_similarity: 0.42,
            event_max_gap_days: 4,
            event_max_span_days: 10,
            arc_similarity: 0.12,
            arc_min_shared_names: 2,
            arc_max_gap_days: 400,
            arc_max_idle_arrivals: 500_000,
            arc_min_idle_arrivals: 20_000,
            live_days: 7,
            min_live_arrivals: 2_000,
            max_live_arrivals: 50_000,
            article_terms: 56,
            article_names: 16,
            title_weight: 2.0,
            name_weight: 1.5,
            max_candidates: 24,
            max_posting_scan: 500,
            probe_terms: 20,
            indexed_terms: 32,
            near_jaccard: DEFAULT_NEAR_JACCARD,
            near_containment: DEFAULT_CONTAINMENT,
            minhash: MinHashParams {
                num_hashes: 48,
                ..MinHashParams::default()
            },
            lsh: LshParams { bands: 16, rows: 3 },
            dense_weight: 0.3,
            dense_words: 400,
        }
    }
}

impl StoryConfig {
    /// Settings for lexical signals alone (no embedding table): the
    /// thresholds that suit TF-IDF cosines, which run lower than the
    /// blend with dense cosines that the defaults are set for.
    pub fn lexical() -> Self {
        StoryConfig {
            dense_weight: 0.0,
            event_similarity: 0.3,
            event_group_similarity: 0.25,
            ..StoryConfig::default()
        }
    }

    /// Rejects settings that make the engine degenerate.
    pub fn validate(&self) -> Result<(), String> {
        for (name, v) in [
            ("event_similarity", self.event_similarity),
            ("event_group_similarity", self.event_group_similarity),
            ("arc_similarity", self.arc_similarity),
        ] {
            if !(v.is_finite() && v > 0.0 && v <= 1.0) {
                return Err(format!("{name} must be in (0, 1], got {v}"));
            }
        }
        if self.event_max_gap_days < 0
            || self.event_max_span_days < 0
            || self.arc_max_gap_days < 0
            || self.live_days < 0
        {
            return Err("day limits must not be negative".into());
        }
        if self.article_terms == 0 || self.max_candidates == 0 {
            return Err("article_terms and max_candidates must be positive".into());
        }
        let weight_ok = |w: f32| w.is_finite() && w >= 0.0;
        if !(self.dense_weight.is_finite() && (0.0..=1.0).contains(&self.dense_weight)) {
            return Err(format!(
                "dense_weight must be in [0, 1], got {}",
                self.dense_weight
            ));
        }
        if !weight_ok(self.title_weight) || !weight_ok(self.name_weight) {
            return Err("weights must be finite and not negative".into());
        }
        LshIndex::<u32>::new(self.minhash, self.lsh).map_err(|e| e.to_string())?;
        Ok(())
    }
}

/// First and last publication dates of the dated articles.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateSpan {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// Why an article is in its event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Membership {
    pub article: String,
    /// TF-IDF cosine between the article and the event's centroid: the
    /// words it shares with the event (the links that put it there also
    /// weigh meaning, see [`StoryConfig::dense_weight`]).
    pub score: f64,
    /// Names the article shares with other members, most central first.
    pub shared_entities: Vec<String>,
    /// Words (stems shown as a seen word form) shared with other members.
    pub top_shared_terms: Vec<String>,
    /// Days from the event's first date; `None` when either is undated.
    pub date_gap_days: Option<i64>,
    /// The member this article is a near-duplicate (wire copy) of.
    pub copy_of: Option<String>,
}

/// One happening, as covered by its articles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// `ev-` and a hash of the earliest article's id: stable across runs.
    pub id: String,
    pub title: String,
    /// First date of the event (its earliest dated article).
    pub date: Option<NaiveDate>,
    pub date_span: DateSpan,
    /// Article ids, earliest first (undated last).
    pub articles: Vec<String>,
    pub members: Vec<Membership>,
    pub top_terms: Vec<String>,
    pub entities: Vec<String>,
    /// False once the event has aged out and takes no new articles.
    pub live: bool,
}

/// Why two events sit in one story.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArcLink {
    pub from_event: String,
    pub to_event: String,
    /// Cosine of the two sides' mean profiles when they were joined.
    pub similarity: f64,
    pub shared_entities: Vec<String>,
    pub shared_terms: Vec<String>,
    /// Days between the two sides' date spans, when both are dated.
    pub gap_days: Option<i64>,
}

/// A developing story: one or more events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Story {
    /// `st-` and a hash of the earliest article's id.
    pub id: String,
    pub title: String,
    pub date_span: DateSpan,
    pub articles: Vec<String>,
    /// Earliest first (undated last).
    pub events: Vec<Event>,
    /// The joins that made the arc, in the order they were made.
    pub why: Vec<ArcLink>,
}

/// Which events make a story and why, without the events' reported forms:
/// what a caller that drains closed events stores for a finished arc.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryOutline {
    /// `st-` and a hash of the earliest article's id (as [`Story::id`]).
    pub id: String,
    pub title: String,
    pub date_span: DateSpan,
    /// Event ids, earliest first (undated last).
    pub events: Vec<String>,
    /// Articles over all its events.
    pub articles: usize,
    /// The joins that made the arc, in the order they were made.
    pub why: Vec<ArcLink>,
}

impl StoryOutline {
    /// The story with the reported forms of its events, picked by id from
    /// `events` (others are ignored); `None` when none of them is there.
    pub fn story(&self, events: &[Event]) -> Option<Story> {
        let by_id: FxHashMap<&str, &Event> = events.iter().map(|e| (e.id.as_str(), e)).collect();
        self.assemble(|id| by_id.get(id).copied())
    }

    fn assemble<'a>(&self, find: impl Fn(&str) -> Option<&'a Event>) -> Option<Story> {
        let events: Vec<Event> = self
            .events
            .iter()
            .filter_map(|id| find(id).cloned())
            .collect();
        if events.is_empty() {
            return None;
        }
        Some(Story {
            id: self.id.clone(),
            title: self.title.clone(),
            date_span: self.date_span,
            articles: events.iter().flat_map(|e| e.articles.clone()).collect(),
            events,
            why: self.why.clone(),
        })
    }

    /// Ids, title and span from the events' heads: ordered earliest first,
    /// named after the earliest article, titled by the largest event (the
    /// earliest among equals).
    fn of_heads(mut heads: Vec<HeadView>, why: Vec<ArcLink>) -> Self {
        let order = |h: &HeadView| (h.span.from.is_none(), h.span.from);
        heads.sort_by(|a, b| (order(a), &a.id).cmp(&(order(b), &b.id)));
        let founder = heads.first().map_or("", |h| h.first_article.as_ref());
        let title = heads
            .iter()
            .max_by(|a, b| a.articles.cmp(&b.articles).then(order(b).cmp(&order(a))))
            .map(|h| h.title.to_string())
            .unwrap_or_default();
        let mut span = DateSpan::default();
        for h in &heads {
            span.from = min_date(span.from, h.span.from);
            span.to = max_date(span.to, h.span.to);
        }
        StoryOutline {
            id: format!("st-{:012x}", stable_hash(founder) >> 16),
            title,
            date_span: span,
            articles: heads.iter().map(|h| h.articles).sum(),
            events: heads.iter().map(|h| h.id.to_string()).collect(),
            why,
        }
    }
}

/// What [`StoryEngine::drain_closed`] takes out of the engine.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Drained {
    /// Reported forms of events closed since the last drain (`live` false),
    /// final: a closed event never changes again.
    pub events: Vec<Event>,
    /// Arcs that finished since the last drain: final, and no longer part
    /// of [`StoryEngine::stories`] or [`StoryEngine::outlines`]. Their
    /// events were returned by this drain or an earlier one.
    pub finished: Vec<StoryOutline>,
}

/// An event as a story outline sees it.
#[derive(Debug, Clone)]
struct HeadView<'a> {
    id: Cow<'a, str>,
    title: Cow<'a, str>,
    span: DateSpan,
    first_article: Cow<'a, str>,
    articles: usize,
}

impl<'a> HeadView<'a> {
    fn of_closed(c: &'a ClosedEvent) -> Self {
        HeadView {
            id: Cow::Borrowed(&c.head.id),
            title: Cow::Borrowed(&c.head.title),
            span: c.profile.span,
            first_article: Cow::Borrowed(&c.head.first_article),
            articles: c.head.articles as usize,
        }
    }
}

/// `ev-` and a hash of the event's earliest article.
fn event_id(founder: &str) -> String {
    format!("ev-{:012x}", stable_hash(founder) >> 16)
}

/// Stories earliest first (undated last), then by id.
fn story_order(a: DateSpan, a_id: &str, b: DateSpan, b_id: &str) -> std::cmp::Ordering {
    (a.from.is_none(), a.from, a_id).cmp(&(b.from.is_none(), b.from, b_id))
}

fn sort_stories(stories: &mut [Story]) {
    stories.sort_by(|a, b| story_order(a.date_span, &a.id, b.date_span, &b.id));
}

/// Approximate heap bytes of the engine, split into the live clustering
/// state (bounded by the live window), the archive that arcs need, and the
/// reported forms waiting for [`StoryEngine::drain_closed`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoryStateSize {
    /// Live articles: ids, dates, term vectors, links, headlines.
    pub live_features: usize,
    pub postings: usize,
    pub near_dup_index: usize,
    pub vocabulary: usize,
    /// Hashes of closed articles' ids, and the profiles of closed events
    /// whose arcs are not finished.
    pub archive: usize,
    /// Reported forms of closed events and finished arcs not drained yet.
    pub reported: usize,
    pub live_articles: usize,
    pub articles: usize,
    /// Closed events held for arcs (their profiles are in `archive`).
    pub held_events: usize,
}

impl StoryStateSize {
    /// State that follows the live window.
    pub fn live_total(&self) -> usize {
        self.live_features + self.postings + self.near_dup_index + self.vocabulary
    }
}

/// Sparse vector: (term id, weight), sorted by term id.
type TermVector = Vec<(u32, f32)>;

/// Marks name features so that a name never collides with a word stem.
const NAME_MARK: char = '\u{1}';
/// Terms of an event profile used for arcs.
const PROFILE_TERMS: usize = 40;
/// Candidate links are kept from this share of the event threshold up, so
/// that re-scoring with later document frequencies can still pass them.
const EDGE_FLOOR: f64 = 0.6;
/// Shared names and terms reported per membership or link.
const REPORTED: usize = 5;

#[derive(Debug)]
struct Vocab {
    ids: FxHashMap<Arc<str>, u32>,
    texts: Vec<Option<Arc<str>>>,
    /// A word form seen for the term (first seen), for display.
    shown: Vec<Option<Box<str>>>,
    df: Vec<u32>,
    free: Vec<u32>,
    docs: u64,
    word_cache: FxHashMap<Box<str>, u32>,
}

impl Vocab {
    fn intern(&mut self, term: &str, shown: &str) -> u32 {
        if let Some(&id) = self.ids.get(term) {
            return id;
        }
        let text: Arc<str> = Arc::from(term);
        let shown = (shown != term).then(|| Box::from(shown));
        let id = match self.free.pop() {
            Some(id) => {
                self.texts[id as usize] = Some(text.clone());
                self.shown[id as usize] = shown;
                self.df[id as usize] = 0;
                id
            }
            None => {
                self.texts.push(Some(text.clone()));
                self.shown.push(shown);
                self.df.push(0);
                (self.texts.len() - 1) as u32
            }
        };
        self.ids.insert(text, id);
        id
    }

    fn idf(&self, term: u32) -> f32 {
        let df = self.df.get(term as usize).copied().unwrap_or(0) as f32;
        ((self.docs as f32 + 1.0) / (df + 1.0)).ln() + 1.0
    }

    /// Display text: names without their mark, words in a seen form.
    fn display(&self, term: u32) -> Option<String> {
        let i = term as usize;
        if let Some(Some(shown)) = self.shown.get(i) {
            return Some(shown.to_string());
        }
        let text = self.texts.get(i)?.as_deref()?;
        Some(text.trim_start_matches(NAME_MARK).to_owned())
    }

    fn is_name(&self, term: u32) -> bool {
        self.texts
            .get(term as usize)
            .and_then(|t| t.as_deref())
            .is_some_and(|t| t.starts_with(NAME_MARK))
    }

    fn forget(&mut self, term: u32) {
        if let Some(text) = self.texts.get_mut(term as usize).and_then(Option::take) {
            self.ids.remove(&*text);
            self.shown[term as usize] = None;
            self.df[term as usize] = 0;
            self.free.push(term);
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
struct NearLink {
    other: u32,
    /// Share of this article's shingles found in the other.
    self_in_other: f32,
    other_in_self: f32,
}

/// A live article: everything its event needs while it can still grow.
/// Closed articles keep nothing but a hash of their id (for [`StoryEngine::contains`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Item {
    id: Box<str>,
    date: Option<NaiveDate>,
    near: Option<NearLink>,
    /// Term id → sublinear term frequency (headline boost included), sorted by id.
    terms: Vec<(u32, f32)>,
    headline: Box<str>,
    has_title: bool,
    /// Earlier live articles similar enough at arrival to be re-scored
    /// when events are formed.
    edges: Vec<u32>,
    /// Unit dense vector from the static token embeddings, fixed at
    /// arrival (word weights are the IDF of then); empty when they are off
    /// or the article has no word the table can spell.
    dense: Box<[f32]>,
}

#[derive(Debug, Clone)]
struct EventState {
    members: Vec<u32>,
    first_date: Option<NaiveDate>,
    last_date: Option<NaiveDate>,
    last_seq: u64,
}

/// Compact profile of an event for arc linking. Terms are keyed by a hash
/// of their text, not by vocabulary id, so that the vocabulary can forget
/// the words of closed events while their profiles still take part in arcs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Profile {
    /// L2-normalised TF-IDF centroid, top terms, sorted by key.
    terms: Vec<(u64, f32)>,
    /// Names in at least half of the members (at least one), sorted.
    core_names: Vec<u64>,
    /// Display text of the profile's heaviest terms and core names
    /// (key, is a name, text), for explaining arc links.
    labels: Vec<(u64, bool, Box<str>)>,
    span: DateSpan,
}

/// What a story needs to know of an event without its reported form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct EventHead {
    id: Box<str>,
    title: Box<str>,
    first_article: Box<str>,
    articles: u32,
    /// Arrivals counted when the event closed (ages undated arcs).
    closed_at: u64,
}

/// A closed event whose arc may still change: its arc profile, and its
/// reported form until the caller drains it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct ClosedEvent {
    head: EventHead,
    profile: Profile,
    event: Option<Event>,
}

/// An arc that can no longer change, with the reported forms of its
/// events that were not drained yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct FinishedStory {
    outline: StoryOutline,
    events: Vec<Event>,
}

#[derive(Debug, Clone)]
struct CompactMember {
    item: u32,
    score: f32,
    names: Vec<u32>,
    terms: Vec<u32>,
}

#[derive(Debug, Clone)]
struct Described {
    title: Box<str>,
    founder: u32,
    members: Vec<CompactMember>,
    top_terms: Vec<u32>,
    core_ids: Vec<u32>,
    profile: Profile,
}

/// The incremental story engine; see the module documentation.
#[derive(Debug)]
pub struct StoryEngine {
    config: StoryConfig,
    analyzer: EnglishAnalyzer,
    minhasher: MinHasher,
    lsh: LshIndex<u32>,
    vocab: Vocab,
    /// Live articles by arrival number.
    items: FxHashMap<u32, Item>,
    /// Live articles by id.
    by_id: FxHashMap<Box<str>, u32>,
    /// Hashes of the ids of articles in closed events.
    closed_ids: FxHashSet<u64>,
    /// Articles accepted so far; the next arrival number.
    arrivals: u64,
    /// Articles not yet in a closed event, in arrival order.
    live: Vec<u32>,
    /// Closed events whose arcs may still change.
    closed: Vec<ClosedEvent>,
    /// Finished arcs not drained yet.
    finished: Vec<FinishedStory>,
    postings: FxHashMap<u32, Vec<u32>>,
    newest_date: Option<NaiveDate>,
    pushes_since_sweep: usize,
    pushes_since_vacuum: usize,
    /// Newest date and arrivals at the last sweep for finished arcs.
    arc_sweep_date: Option<NaiveDate>,
    arc_sweep_arrivals: u64,
    scratch: FxHashMap<u32, f32>,
    /// The static token embeddings, when `dense_weight` is positive.
    dense: Option<&'static StaticEmbeddings>,
    /// Term id → WordPiece ids of the word form first seen; emptied with
    /// the word cache when the vocabulary forgets terms.
    piece_cache: FxHashMap<u32, Box<[u32]>>,
}

/// Stable short hash (FNV-1a, 64 bits) for ids.
fn stable_hash(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn min_date(a: Option<NaiveDate>, b: Option<NaiveDate>) -> Option<NaiveDate> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    }
}

fn max_date(a: Option<NaiveDate>, b: Option<NaiveDate>) -> Option<NaiveDate> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, y) => x.or(y),
    }
}

/// Days between two spans (0 when they overlap); `None` when either is undated.
fn span_gap(a: DateSpan, b: DateSpan) -> Option<i64> {
    let (af, at, bf, bt) = (a.from?, a.to?, b.from?, b.to?);
    Some(if at < bf {
        (bf - at).num_days()
    } else if bt < af {
        (af - bt).num_days()
    } else {
        0
    })
}

/// `v` scaled to length 1; empty when it has no length or is not finite.
fn unit_vector(mut v: Vec<f32>) -> Box<[f32]> {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if !(norm.is_finite() && norm > 0.0) {
        return Box::default();
    }
    v.iter_mut().for_each(|x| *x /= norm);
    v.into_boxed_slice()
}

/// Dot product of two dense vectors (or sums of them), when both exist
/// and come from one encoder.
fn dense_dot(a: &[f32], b: &[f32]) -> Option<f32> {
    (!a.is_empty() && a.len() == b.len()).then(|| a.iter().zip(b).map(|(x, y)| x * y).sum())
}

/// Dot product of two term vectors sorted by term id.
fn sparse_dot(a: &[(u32, f32)], b: &[(u32, f32)]) -> f32 {
    let (mut i, mut j, mut dot) = (0, 0, 0.0f32);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                dot += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    dot
}

/// Sum of two term vectors sorted by term id.
fn sparse_add(a: &[(u32, f32)], b: &[(u32, f32)]) -> Vec<(u32, f32)> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => {
                out.push(a[i]);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(b[j]);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                out.push((a[i].0, a[i].1 + b[j].1));
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

fn sparse_dot64(a: &[(u64, f32)], b: &[(u64, f32)]) -> f32 {
    let (mut i, mut j, mut dot) = (0, 0, 0.0f32);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                dot += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    dot
}

fn normalise64(v: &mut [(u64, f32)]) {
    let norm = v.iter().map(|&(_, w)| w * w).sum::<f32>().sqrt();
    if norm > 0.0 {
        for t in v.iter_mut() {
            t.1 /= norm;
        }
    }
}

fn term_weight64(v: &[(u64, f32)], term: u64) -> f32 {
    v.binary_search_by_key(&term, |&(t, _)| t)
        .map_or(0.0, |i| v[i].1)
}

fn normalise(v: &mut [(u32, f32)]) {
    let norm = v.iter().map(|&(_, w)| w * w).sum::<f32>().sqrt();
    if norm > 0.0 {
        for t in v.iter_mut() {
            t.1 /= norm;
        }
    }
}

/// Ordering key of an article: dated before undated, earliest first, then id.
fn article_key(item: &Item) -> (bool, Option<NaiveDate>, &str) {
    (item.date.is_none(), item.date, &item.id)
}

impl Default for StoryEngine {
    fn default() -> Self {
        Self::with_valid_config(StoryConfig::default())
    }
}

impl StoryEngine {
    /// An engine with checked settings.
    pub fn new(config: StoryConfig) -> Result<Self, String> {
        config.validate()?;
        Ok(Self::with_valid_config(config))
    }

    /// An engine with checked settings whose dense signal comes from
    /// `table` instead of the shipped one (`None`: lexical signals only).
    pub fn with_embeddings(
        config: StoryConfig,
        table: Option<&'static StaticEmbeddings>,
    ) -> Result<Self, String> {
        config.validate()?;
        let mut engine = Self::with_valid_config(config);
        engine.dense = table.filter(|_| engine.config.dense_weight > 0.0);
        Ok(engine)
    }

    /// The embedding table in use, if any.
    pub fn embeddings(&self) -> Option<&'static StaticEmbeddings> {
        self.dense
    }

    fn with_valid_config(config: StoryConfig) -> Self {
        let minhasher = MinHasher::new(config.minhash).unwrap_or_default();
        let lsh = LshIndex::new(minhasher.params(), config.lsh)
            .or_else(|_| LshIndex::for_params(minhasher.params()))
            .unwrap_or_else(|_| {
                // The dedup crate's defaults are valid by construction.
                LshIndex::for_params(MinHashParams::default())
                    .unwrap_or_else(|_| unreachable!("default LSH parameters are valid"))
            });
        StoryEngine {
            analyzer: EnglishAnalyzer::default(),
            minhasher,
            lsh,
            vocab: Vocab {
                ids: FxHashMap::default(),
                texts: Vec::new(),
                shown: Vec::new(),
                df: Vec::new(),
                free: Vec::new(),
                docs: 0,
                word_cache: FxHashMap::default(),
            },
            items: FxHashMap::default(),
            by_id: FxHashMap::default(),
            closed_ids: FxHashSet::default(),
            arrivals: 0,
            live: Vec::new(),
            closed: Vec::new(),
            finished: Vec::new(),
            postings: FxHashMap::default(),
            newest_date: None,
            pushes_since_sweep: 0,
            pushes_since_vacuum: 0,
            arc_sweep_date: None,
            arc_sweep_arrivals: 0,
            scratch: FxHashMap::default(),
            dense: if config.dense_weight > 0.0 {
                StaticEmbeddings::builtin()
            } else {
                None
            },
            piece_cache: FxHashMap::default(),
            config,
        }
    }

    pub fn config(&self) -> &StoryConfig {
        &self.config
    }

    /// Articles accepted so far.
    pub fn len(&self) -> usize {
        self.arrivals as usize
    }

    pub fn is_empty(&self) -> bool {
        self.arrivals == 0
    }

    /// Whether an article with this id was accepted. Live articles are
    /// known by id; articles of closed events by a 64-bit hash of it (a
    /// false positive needs two ids to collide, about 1 in 10^7 at a
    /// million articles).
    pub fn contains(&self, id: &str) -> bool {
        self.by_id.contains_key(id) || self.closed_ids.contains(&stable_hash(id))
    }

    /// Events still taking articles (forms the live events: not free).
    pub fn live_events(&self) -> usize {
        self.partition().len()
    }

    /// Articles whose events are live.
    pub fn live_articles(&self) -> usize {
        self.live.len()
    }

    /// Adds a batch; see [`Self::push`].
    pub fn extend<'a>(&mut self, inputs: impl IntoIterator<Item = &'a StoryInput>) -> usize {
        inputs.into_iter().map(|i| usize::from(self.push(i))).sum()
    }

    /// Adds one article. Returns false (and changes nothing) when an article
    /// with the same id was already added ([`Self::contains`]): re-ingesting
    /// a file is harmless. A changed text under a known id is not taken
    /// either: document frequencies and links of later articles depend on
    /// the old text, so an update means building the engine again.
    pub fn push(&mut self, input: &StoryInput) -> bool {
        self.push_inner(input, None)
    }

    /// [`Self::push`] with the article's dense vector computed by the
    /// caller (say, by running a sentence encoder) instead of from the
    /// table. All articles of one engine must come with vectors of one
    /// encoder; a vector of another length than the others' is never
    /// compared, and a zero or non-finite one counts as none.
    pub fn push_embedded(&mut self, input: &StoryInput, vector: &[f32]) -> bool {
        self.push_inner(input, Some(vector))
    }

    fn push_inner(&mut self, input: &StoryInput, vector: Option<&[f32]>) -> bool {
        if self.contains(&input.id) {
            return false;
        }
        // Arrival numbers are u32: past 4 billion articles nothing is taken.
        let Ok(index) = u32::try_from(self.arrivals) else {
            return false;
        };
        let (terms, weights, table_vector) = self.featurize(input, vector.is_none());
        let dense = match vector {
            Some(v) => unit_vector(v.to_vec()),
            None => table_vector,
        };
        if let Some(date) = input.date {
            self.newest_date = Some(self.newest_date.map_or(date, |d| d.max(date)));
        }

        // Near-duplicates first: a copy joins its original whatever the words say.
        let signature = self.minhasher.signature(&input.text);
        let mut near = None;
        if !signature.is_empty() {
            for m in self.lsh.matches(
                &signature,
                self.config.near_jaccard,
                self.config.near_containment,
            ) {
                if self.items.contains_key(&m.id) {
                    near = Some(NearLink {
                        other: m.id,
                        self_in_other: m.query_in_stored.max(m.jaccard) as f32,
                        other_in_self: m.stored_in_query.max(m.jaccard) as f32,
                    });
                    break;
                }
            }
        }

        let edges = self.find_links(&weights, &dense, input.date);

        let headline = match &input.title {
            Some(t) if usable_headline(t) => (t.trim().into(), true),
            _ => (lead_excerpt(&input.text).into(), false),
        };
        self.items.insert(
            index,
            Item {
                id: input.id.as_str().into(),
                date: input.date,
                near,
                terms,
                headline: headline.0,
                has_title: headline.1,
                edges,
                dense,
            },
        );
        self.arrivals += 1;
        self.by_id.insert(input.id.as_str().into(), index);
        self.live.push(index);
        // Index only the heaviest terms: later articles find this one
        // through what is specific to it, and the index stays small.
        let mut indexed = weights;
        indexed.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        indexed.truncate(self.config.indexed_terms.max(1));
        for &(term, _) in &indexed {
            self.postings.entry(term).or_default().push(index);
        }
        if !signature.is_empty() {
            // Ids are fresh, so this cannot clash; a failure only loses dedup.
            let _ = self.lsh.insert_owned(index, signature);
        }

        self.pushes_since_sweep += 1;
        self.pushes_since_vacuum += 1;
        if self.pushes_since_sweep >= 1024 {
            self.close_idle();
            self.maybe_finish_arcs();
        }
        if self.pushes_since_vacuum >= 4_096 {
            self.vacuum();
        }
        true
    }

    /// Terms of an article (sorted by id, sublinear tf) and its TF-IDF
    /// weights (L2-normalised, sorted by id); updates document frequencies.
    /// With `spell_words` false (the caller brings its own vector) the
    /// table is not consulted and the dense vector is empty.
    fn featurize(
        &mut self,
        input: &StoryInput,
        spell_words: bool,
    ) -> (TermVector, TermVector, Box<[f32]>) {
        // Term id → (count, in the headline, among the first `dense_words`).
        let mut body: FxHashMap<u32, (f32, bool, bool)> = FxHashMap::default();
        let analyzer = &self.analyzer;
        let vocab = &mut self.vocab;
        let table = self.dense.filter(|_| spell_words);
        let pieces = &mut self.piece_cache;
        let mut seen_words = 0usize;
        let dense_words = self.config.dense_words;
        // The word's WordPiece ids, once per term.
        let mut spell = |id: u32, word: &str| {
            if let Some(table) = table {
                pieces.entry(id).or_insert_with(|| {
                    let mut ids = Vec::new();
                    table.for_each_token(word, 16, |t| ids.push(t));
                    ids.into_boxed_slice()
                });
            }
        };
        // Word → term id, so that a known word is neither stemmed nor
        // hashed twice; emptied whenever the vocabulary forgets terms.
        let term_of = |word: &str, vocab: &mut Vocab| -> Option<u32> {
            if let Some(&id) = vocab.word_cache.get(word) {
                return Some(id);
            }
            let stem = analyzer.stem(word)?;
            let id = vocab.intern(&stem, word);
            vocab.word_cache.insert(word.into(), id);
            Some(id)
        };
        analyzer.for_each_kept_word(&input.text, |word| {
            if let Some(id) = term_of(word, vocab) {
                let early = seen_words < dense_words;
                seen_words += 1;
                let e = body.entry(id).or_insert((0.0, false, false));
                e.0 += 1.0;
                if early && !e.2 {
                    e.2 = true;
                    spell(id, word);
                }
            }
        });
        if let Some(title) = &input.title {
            analyzer.for_each_kept_word(title, |word| {
                if let Some(id) = term_of(word, vocab) {
                    let e = body.entry(id).or_insert((0.0, false, false));
                    e.1 = true;
                    if !e.2 {
                        e.2 = true;
                        spell(id, word);
                    }
                }
            });
        }
        let mut names: FxHashMap<u32, f32> = FxHashMap::default();
        let mut marked = String::new();
        let mut add_name = |name: &str, vocab: &mut Vocab| {
            marked.clear();
            marked.push(NAME_MARK);
            marked.push_str(name);
            let id = vocab.intern(&marked, name);
            *names.entry(id).or_insert(0.0) += 1.0;
        };
        if input.entities.is_empty() {
            for name in analyzer.names(&input.text) {
                add_name(&name, vocab);
            }
        } else {
            for name in &input.entities {
                let name = name.trim();
                if !name.is_empty() {
                    add_name(&name.to_lowercase(), vocab);
                }
            }
        }
        vocab.docs += 1;
        for &id in body.keys().chain(names.keys()) {
            vocab.df[id as usize] += 1;
        }
        let title_weight = self.config.title_weight;
        let name_weight = self.config.name_weight;
        let tf_of = |count: f32, in_title: bool| {
            let tf = if count > 0.0 { 1.0 + count.ln() } else { 0.0 };
            tf + if in_title { title_weight } else { 0.0 }
        };
        let dense = self.dense_vector(
            spell_words,
            body.iter()
                .filter(|(_, v)| v.2)
                .map(|(&id, &(count, in_title, _))| (id, tf_of(count, in_title))),
        );
        let mut words: Vec<(u32, f32)> = body
            .into_iter()
            .map(|(id, (count, in_title, _))| (id, tf_of(count, in_title)))
            .collect();
        let mut name_terms: Vec<(u32, f32)> = names
            .into_iter()
            .map(|(id, count)| (id, (1.0 + count.ln()) * name_weight))
            .collect();
        let vocab = &self.vocab;
        let best = |v: &mut Vec<(u32, f32)>, k: usize| {
            if v.len() > k {
                v.sort_unstable_by(|a, b| {
                    (b.1 * vocab.idf(b.0))
                        .total_cmp(&(a.1 * vocab.idf(a.0)))
                        .then(a.0.cmp(&b.0))
                });
                v.truncate(k);
            }
        };
        best(&mut words, self.config.article_terms);
        best(&mut name_terms, self.config.article_names);
        words.extend(name_terms);
        words.sort_unstable_by_key(|&(t, _)| t);
        words.shrink_to_fit();
        let weights = self.weights(&words);
        (words, weights, dense)
    }

    /// Unit vector of an article's early words: each word's TF-IDF weight
    /// times the mean of its pieces' vectors. Empty without a table or
    /// without a word it can spell.
    fn dense_vector(
        &self,
        spell_words: bool,
        words: impl Iterator<Item = (u32, f32)>,
    ) -> Box<[f32]> {
        let Some(table) = self.dense.filter(|_| spell_words) else {
            return Box::default();
        };
        // Summed in term order, so that the result never depends on hashing.
        let mut words: Vec<(u32, f32)> = words.collect();
        words.sort_unstable_by_key(|&(t, _)| t);
        let mut v = vec![0.0f32; table.dims()];
        for (term, tf) in words {
            let Some(pieces) = self.piece_cache.get(&term).filter(|p| !p.is_empty()) else {
                continue;
            };
            let w = tf * self.vocab.idf(term) / pieces.len() as f32;
            for &p in pieces.iter() {
                table.add_row(p, w, &mut v);
            }
        }
        unit_vector(v)
    }

    /// The blended similarity: a weighted mean of the TF-IDF and the dense
    /// cosine, or the TF-IDF cosine alone when there is no dense one, so
    /// that one threshold reads the same either way.
    fn blend(&self, lexical: f32, dense: Option<f32>) -> f32 {
        let alpha = self.config.dense_weight;
        match dense {
            Some(d) if alpha > 0.0 => (1.0 - alpha) * lexical + alpha * d,
            _ => lexical,
        }
    }

    /// L2-normalised TF-IDF weights with the current document frequencies.
    fn weights(&self, terms: &[(u32, f32)]) -> Vec<(u32, f32)> {
        let mut v: Vec<(u32, f32)> = terms
            .iter()
            .map(|&(t, tf)| (t, tf * self.vocab.idf(t)))
            .collect();
        normalise(&mut v);
        v
    }

    /// Live articles similar enough to link to, most similar first.
    fn find_links(
        &mut self,
        weights: &[(u32, f32)],
        dense: &[f32],
        date: Option<NaiveDate>,
    ) -> Vec<u32> {
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        let mut probes: Vec<(u32, f32)> = weights.to_vec();
        probes.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        probes.truncate(self.config.probe_terms.max(1));
        for &(term, w) in &probes {
            let Some(posting) = self.postings.get(&term) else {
                continue;
            };
            if posting.len() > self.config.max_posting_scan {
                continue;
            }
            for &item in posting {
                *scratch.entry(item).or_insert(0.0) += w * self.vocab.idf(term);
            }
        }
        let mut ranked: Vec<(u32, f32)> = scratch
            .drain()
            .filter(|&(item, _)| {
                self.items
                    .get(&item)
                    .is_some_and(|it| self.dates_close(date, it.date))
            })
            .collect();
        self.scratch = scratch;
        ranked.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.truncate(self.config.max_candidates);
        let mut links: Vec<(u32, f32)> = ranked
            .into_iter()
            .filter_map(|(item, _)| {
                let live = self.items.get(&item)?;
                let sim = self.blend(
                    sparse_dot(weights, &self.weights(&live.terms)),
                    dense_dot(dense, &live.dense),
                );
                (f64::from(sim) >= self.config.event_similarity * EDGE_FLOOR).then_some((item, sim))
            })
            .collect();
        links.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        // A fresh, exact allocation: the candidate list may have been long.
        let mut edges = Vec::with_capacity(links.len());
        edges.extend(links.iter().map(|&(i, _)| i));
        edges
    }

    fn dates_close(&self, a: Option<NaiveDate>, b: Option<NaiveDate>) -> bool {
        match (a, b) {
            (Some(x), Some(y)) => (x - y).num_days().abs() <= self.config.event_max_gap_days,
            _ => true,
        }
    }

    /// The live events: groups of the live articles' links, re-scored with
    /// the current document frequencies and joined strongest first
    /// (near-duplicates before all, always), refusing a join that would
    /// make an event span more than `event_max_span_days` or whose groups'
    /// mean cross-pair cosine is under `event_group_similarity`. Joining by strength
    /// makes the result independent of arrival order for a given set of
    /// links.
    fn partition(&self) -> Vec<EventState> {
        let position: FxHashMap<u32, u32> = self
            .live
            .iter()
            .enumerate()
            .map(|(p, &i)| (i, p as u32))
            .collect();
        // `live` lists exactly the keys of `items` (kept so by every change).
        let items: Vec<&Item> = self.live.iter().map(|i| &self.items[i]).collect();
        let weights: Vec<Vec<(u32, f32)>> =
            items.iter().map(|item| self.weights(&item.terms)).collect();
        let mut edges: Vec<(f32, u32, u32)> = Vec::new();
        for (p, item) in items.iter().enumerate() {
            if let Some(near) = item.near {
                if let Some(&q) = position.get(&near.other) {
                    edges.push((2.0, p as u32, q));
                }
            }
            for &j in &item.edges {
                let Some(&q) = position.get(&j) else { continue };
                if !self.dates_close(item.date, items[q as usize].date) {
                    continue;
                }
                let sim = self.blend(
                    sparse_dot(&weights[p], &weights[q as usize]),
                    dense_dot(&item.dense, &items[q as usize].dense),
                );
                if f64::from(sim) >= self.config.event_similarity {
                    edges.push((sim, p as u32, q));
                }
            }
        }
        edges.sort_unstable_by(|a, b| {
            b.0.total_cmp(&a.0).then_with(|| {
                let key = |e: &(f32, u32, u32)| {
                    (
                        article_key(items[e.1 as usize]),
                        article_key(items[e.2 as usize]),
                    )
                };
                key(a).cmp(&key(b))
            })
        });
        let n = self.live.len();
        let mut parent: Vec<u32> = (0..n as u32).collect();
        let mut span: Vec<DateSpan> = items
            .iter()
            .map(|item| DateSpan {
                from: item.date,
                to: item.date,
            })
            .collect();
        // Sum of the members' unit vectors and size of each group: the mean
        // cosine over all pairs across two groups is the dot product of
        // their sums over the product of their sizes.
        // A single article's sum is its own vector, borrowed.
        let mut sums: Vec<Cow<[(u32, f32)]>> =
            weights.iter().map(|w| Cow::Borrowed(&w[..])).collect();
        // The same for dense vectors; a group mean is blended only when
        // every member has one (then the sums have the table's length).
        let mut dense_sums: Vec<Cow<[f32]>> = items
            .iter()
            .map(|it| Cow::Borrowed(&it.dense[..]))
            .collect();
        let mut sizes: Vec<u32> = vec![1; n];
        fn root(parent: &mut [u32], mut x: u32) -> u32 {
            while parent[x as usize] != x {
                let up = parent[parent[x as usize] as usize];
                parent[x as usize] = up;
                x = up;
            }
            x
        }
        for (sim, a, b) in edges {
            let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
            if ra == rb {
                continue;
            }
            let joined = DateSpan {
                from: min_date(span[ra as usize].from, span[rb as usize].from),
                to: max_date(span[ra as usize].to, span[rb as usize].to),
            };
            let width = match (joined.from, joined.to) {
                (Some(f), Some(t)) => (t - f).num_days(),
                _ => 0,
            };
            // Copies always join; other links only within the span limit.
            if sim <= 1.0 && width > self.config.event_max_span_days {
                continue;
            }
            let (ia, ib) = (ra as usize, rb as usize);
            if sim <= 1.0 {
                let pairs = (sizes[ia] * sizes[ib]) as f32;
                let mean = self.blend(
                    sparse_dot(&sums[ia], &sums[ib]) / pairs,
                    dense_dot(&dense_sums[ia], &dense_sums[ib]).map(|d| d / pairs),
                );
                if f64::from(mean) < self.config.event_group_similarity {
                    continue;
                }
            }
            parent[ib] = ra;
            span[ia] = joined;
            let taken = std::mem::take(&mut sums[ib]);
            sums[ia] = Cow::Owned(sparse_add(&sums[ia], &taken));
            let taken = std::mem::take(&mut dense_sums[ib]);
            if !taken.is_empty() && dense_sums[ia].len() == taken.len() {
                // Copied once per group, then summed in place.
                for (x, y) in dense_sums[ia].to_mut().iter_mut().zip(taken.iter()) {
                    *x += y;
                }
            } else {
                dense_sums[ia] = Cow::Borrowed(&[]);
            }
            sizes[ia] += sizes[ib];
        }
        let mut groups: FxHashMap<u32, EventState> = FxHashMap::default();
        for p in 0..n as u32 {
            let r = root(&mut parent, p);
            let i = self.live[p as usize];
            let date = items[p as usize].date;
            let e = groups.entry(r).or_insert(EventState {
                members: Vec::new(),
                first_date: None,
                last_date: None,
                last_seq: 0,
            });
            e.members.push(i);
            e.first_date = min_date(e.first_date, date);
            e.last_date = max_date(e.last_date, date);
            e.last_seq = e.last_seq.max(u64::from(i));
        }
        let mut out: Vec<EventState> = groups.into_values().collect();
        out.sort_unstable_by_key(|e| e.members.iter().copied().min());
        out
    }

    /// Closes events that have aged out of the live window.
    fn close_idle(&mut self) {
        self.pushes_since_sweep = 0;
        let now = self.arrivals;
        let newest = self.newest_date;
        // Nothing can close before it has been idle this long: skip the work.
        if self
            .live
            .first()
            .is_none_or(|&i| now.saturating_sub(u64::from(i) + 1) < self.config.min_live_arrivals)
        {
            return;
        }
        let closing: Vec<EventState> = self
            .partition()
            .into_iter()
            .filter(|e| {
                let idle = now.saturating_sub(e.last_seq + 1);
                if idle < self.config.min_live_arrivals {
                    return false;
                }
                let date_idle = match (newest, e.last_date) {
                    (Some(n), Some(l)) => (n - l).num_days() > self.config.live_days,
                    _ => false,
                };
                date_idle || idle >= self.config.max_live_arrivals
            })
            .collect();
        if closing.is_empty() {
            return;
        }
        for state in &closing {
            let described = self.describe_live(state);
            let event = self.render_event(&described, false);
            for &m in &state.members {
                if let Some(item) = self.items.remove(&m) {
                    self.by_id.remove(&item.id);
                    self.closed_ids.insert(stable_hash(&item.id));
                }
                self.lsh.remove(&m);
            }
            self.closed.push(ClosedEvent {
                head: EventHead {
                    id: event.id.as_str().into(),
                    title: event.title.as_str().into(),
                    first_article: event.articles.first().map_or("", String::as_str).into(),
                    articles: event.articles.len() as u32,
                    closed_at: now,
                },
                profile: described.profile,
                event: Some(event),
            });
        }
        let items = &self.items;
        self.live.retain(|i| items.contains_key(i));
    }

    /// Drops dead postings and LSH entries and forgets terms nothing uses.
    fn vacuum(&mut self) {
        self.pushes_since_vacuum = 0;
        let items = &self.items;
        self.postings.retain(|_, p| {
            p.retain(|i| items.contains_key(i));
            p.shrink_to_fit();
            !p.is_empty()
        });
        self.lsh.compact();
        let mut used: FxHashSet<u32> = self.postings.keys().copied().collect();
        for item in self.items.values() {
            used.extend(item.terms.iter().map(|&(t, _)| t));
        }
        for term in 0..self.vocab.texts.len() as u32 {
            if !used.contains(&term) {
                self.vocab.forget(term);
            }
        }
        // Forgotten ids are reused: cached words must be looked up afresh.
        self.vocab.word_cache = FxHashMap::default();
        self.piece_cache = FxHashMap::default();
    }

    /// The reported form and arc profile of a live event.
    fn describe_live(&self, state: &EventState) -> Described {
        // Members come from the partition of live articles: all in `items`.
        let mut members: Vec<(u32, &Item)> =
            state.members.iter().map(|i| (*i, &self.items[i])).collect();
        members.sort_by(|a, b| article_key(a.1).cmp(&article_key(b.1)));
        let vectors: Vec<Vec<(u32, f32)>> = members
            .iter()
            .map(|(_, item)| self.weights(&item.terms))
            .collect();
        let mut centroid: FxHashMap<u32, f32> = FxHashMap::default();
        let mut holders: FxHashMap<u32, u32> = FxHashMap::default();
        for v in &vectors {
            for &(t, w) in v {
                *centroid.entry(t).or_insert(0.0) += w;
                *holders.entry(t).or_insert(0) += 1;
            }
        }
        let mut full: Vec<(u32, f32)> = centroid.into_iter().collect();
        full.sort_unstable_by_key(|&(t, _)| t);
        normalise(&mut full);
        let n = members.len() as u32;
        let mut compact = Vec::with_capacity(members.len());
        for (&(m, _), v) in members.iter().zip(&vectors) {
            let score = sparse_dot(v, &full);
            let mut shared: Vec<(u32, f32)> = v
                .iter()
                .filter(|&&(t, _)| n == 1 || holders.get(&t).copied().unwrap_or(0) >= 2)
                .map(|&(t, w)| (t, w * term_weight(&full, t)))
                .collect();
            shared.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            let (mut names, mut terms) = (Vec::new(), Vec::new());
            for &(t, _) in &shared {
                if self.vocab.is_name(t) {
                    if names.len() < REPORTED {
                        names.push(t);
                    }
                } else if terms.len() < REPORTED {
                    terms.push(t);
                }
            }
            compact.push(CompactMember {
                item: m,
                score,
                names,
                terms,
            });
        }
        let central = compact
            .iter()
            .filter(|c| self.items.get(&c.item).is_some_and(|l| l.has_title))
            .max_by(|a, b| a.score.total_cmp(&b.score).then(b.item.cmp(&a.item)))
            .or_else(|| {
                compact
                    .iter()
                    .max_by(|a, b| a.score.total_cmp(&b.score).then(b.item.cmp(&a.item)))
            });
        let mut ranked = full.clone();
        ranked.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let top_terms: Vec<u32> = ranked.iter().take(10).map(|&(t, _)| t).collect();
        let title = central
            .and_then(|c| self.items.get(&c.item))
            .map(|l| l.headline.clone())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| self.phrase(&top_terms).into());
        let half = n.div_ceil(2).max(1);
        let mut core_ids: Vec<u32> = holders
            .iter()
            .filter(|&(&t, &c)| c >= half && self.vocab.is_name(t))
            .map(|(&t, _)| t)
            .collect();
        core_ids.sort_unstable();
        ranked.truncate(PROFILE_TERMS);
        let key = |t: u32| {
            self.vocab
                .texts
                .get(t as usize)
                .and_then(|x| x.as_deref())
                .map_or(u64::from(t), stable_hash)
        };
        let mut labels: Vec<(u64, bool, Box<str>)> = Vec::new();
        for &t in ranked.iter().map(|(t, _)| t).take(12).chain(&core_ids) {
            if let Some(text) = self.vocab.display(t) {
                labels.push((key(t), self.vocab.is_name(t), text.into()));
            }
        }
        labels.sort_unstable_by_key(|l| l.0);
        labels.dedup_by_key(|l| l.0);
        let mut terms: Vec<(u64, f32)> = ranked.iter().map(|&(t, w)| (key(t), w)).collect();
        terms.sort_unstable_by_key(|&(t, _)| t);
        normalise64(&mut terms);
        let mut core_names: Vec<u64> = core_ids.iter().map(|&t| key(t)).collect();
        core_names.sort_unstable();
        Described {
            title,
            founder: members.first().map_or(0, |&(m, _)| m),
            members: compact,
            top_terms,
            core_ids,
            profile: Profile {
                terms,
                core_names,
                labels,
                span: DateSpan {
                    from: state.first_date,
                    to: state.last_date,
                },
            },
        }
    }

    /// A title made of top terms when no member has a headline or text.
    fn phrase(&self, terms: &[u32]) -> String {
        let words: Vec<String> = terms
            .iter()
            .take(6)
            .filter_map(|&t| self.vocab.display(t))
            .collect();
        if words.is_empty() {
            "(untitled)".to_owned()
        } else {
            words.join(" ")
        }
    }

    /// Approximate heap bytes; see [`StoryStateSize`].
    pub fn state_size(&self) -> StoryStateSize {
        use std::mem::size_of;
        let mut live_features = 0;
        for item in self.items.values() {
            // Map entries (with the id twice: key of `by_id`) and vectors.
            live_features += size_of::<(u32, Item)>()
                + 2 * item.id.len()
                + 24
                + item.terms.capacity() * 8
                + item.edges.capacity() * 4
                + item.dense.len() * 4
                + item.headline.len();
        }
        let profile_bytes = |p: &Profile| {
            size_of::<Profile>()
                + p.terms.capacity() * 12
                + p.core_names.capacity() * 8
                + p.labels
                    .iter()
                    .map(|l| 8 + 16 + 8 + l.2.len())
                    .sum::<usize>()
        };
        let mut archive = self.closed_ids.capacity() * 9;
        let mut reported = 0;
        for c in &self.closed {
            archive += size_of::<ClosedEvent>()
                + c.head.id.len()
                + c.head.title.len()
                + c.head.first_article.len()
                + profile_bytes(&c.profile);
            reported += c.event.as_ref().map_or(0, event_bytes);
        }
        for f in &self.finished {
            reported += size_of::<FinishedStory>()
                + f.outline.events.iter().map(|e| e.len() + 24).sum::<usize>()
                + f.events.iter().map(event_bytes).sum::<usize>();
        }
        live_features += self.live.capacity() * 4;
        let postings = self
            .postings
            .values()
            .map(|p| 4 + size_of::<Vec<u32>>() + 1 + p.capacity() * 4)
            .sum();
        // Signature (4 bytes a hash) plus per band a chain link and a table slot.
        let per_sig = usize::from(self.config.minhash.num_hashes) * 4
            + usize::from(self.config.lsh.bands) * (4 + 13)
            + 48;
        let near_dup_index = self.lsh.len() * per_sig;
        let vocabulary = self
            .vocab
            .texts
            .iter()
            .zip(&self.vocab.shown)
            .map(|(t, s)| {
                16 + 4
                    + 8
                    + t.as_ref().map_or(0, |t| t.len() + 16 + 8 + 4 + 1)
                    + s.as_ref().map_or(0, |s| s.len())
            })
            .sum::<usize>();
        let vocabulary = vocabulary
            + self
                .vocab
                .word_cache
                .keys()
                .map(|w| w.len() + 16 + 4 + 1)
                .sum::<usize>()
            // Term → WordPiece ids: key, boxed slice and map slot.
            + self
                .piece_cache
                .values()
                .map(|p| 4 + 16 + p.len() * 4 + 1)
                .sum::<usize>();
        StoryStateSize {
            live_features,
            postings,
            near_dup_index,
            vocabulary,
            archive,
            reported,
            live_articles: self.items.len(),
            articles: self.len(),
            held_events: self.closed.len(),
        }
    }

    /// The current stories, earliest first: live events are described with
    /// the current statistics, closed ones as they were when they closed.
    /// Events taken out by [`Self::drain_closed`] are missing (see
    /// [`Self::stories_with`]); with nothing drained this is every story.
    pub fn stories(&self) -> Vec<Story> {
        self.stories_with(&[])
    }

    /// The current stories with drained events put back: `drained` holds
    /// reported forms that [`Self::drain_closed`] returned (any superset is
    /// fine: events no current story names are ignored). Stories that were
    /// already returned as finished by a drain are not repeated; their
    /// outlines and `drained` make them ([`StoryOutline::story`]). An event
    /// neither held nor supplied is left out of its story, and a story with
    /// none of its events is left out.
    pub fn stories_with(&self, drained: &[Event]) -> Vec<Story> {
        let (outlines, live_events) = self.current_outlines(true);
        let mut by_id: FxHashMap<&str, &Event> = FxHashMap::default();
        let held = self
            .closed
            .iter()
            .filter_map(|c| c.event.as_ref())
            .chain(self.finished.iter().flat_map(|f| &f.events));
        for e in drained.iter().chain(held).chain(&live_events) {
            by_id.insert(&e.id, e);
        }
        let mut stories: Vec<Story> = outlines
            .iter()
            .chain(self.finished.iter().map(|f| &f.outline))
            .filter_map(|o| o.assemble(|id| by_id.get(id).copied()))
            .collect();
        sort_stories(&mut stories);
        stories
    }

    /// Outlines of the current stories (arcs of live and held events, and
    /// finished arcs not drained yet), earliest first: which events make
    /// each story and why, without the events' reported forms.
    pub fn outlines(&self) -> Vec<StoryOutline> {
        let (mut outlines, _) = self.current_outlines(false);
        outlines.extend(self.finished.iter().map(|f| f.outline.clone()));
        outlines.sort_by(|a, b| story_order(a.date_span, &a.id, b.date_span, &b.id));
        outlines
    }

    /// Takes out what the engine no longer changes, so that memory follows
    /// the live window rather than the corpus: the reported forms of events
    /// closed since the last drain, and the outlines of arcs that finished
    /// (see the module documentation). The engine keeps only each held
    /// event's arc profile. Persist both; [`Self::stories_with`] and
    /// [`StoryOutline::story`] rebuild the full story list from them.
    pub fn drain_closed(&mut self) -> Drained {
        let mut events: Vec<Event> = Vec::new();
        let mut finished = Vec::with_capacity(self.finished.len());
        for f in self.finished.drain(..) {
            events.extend(f.events);
            finished.push(f.outline);
        }
        events.extend(self.closed.iter_mut().filter_map(|c| c.event.take()));
        Drained { events, finished }
    }

    /// Outlines of the arcs over live and held events (not the finished
    /// ones), with the live events' reported forms when `render` is set.
    fn current_outlines(&self, render: bool) -> (Vec<StoryOutline>, Vec<Event>) {
        let live: Vec<Described> = self
            .partition()
            .iter()
            .map(|e| self.describe_live(e))
            .collect();
        let live_events: Vec<Event> = if render {
            live.iter().map(|c| self.render_event(c, true)).collect()
        } else {
            Vec::new()
        };
        let heads: Vec<HeadView> = live
            .iter()
            .map(|c| self.live_head(c))
            .chain(self.closed.iter().map(HeadView::of_closed))
            .collect();
        let profiles: Vec<&Profile> = live
            .iter()
            .map(|c| &c.profile)
            .chain(self.closed.iter().map(|c| &c.profile))
            .collect();
        let ids: Vec<&str> = heads.iter().map(|h| h.id.as_ref()).collect();
        let (groups, links) = self.link_arcs(&profiles, &ids);
        let outlines = groups
            .into_iter()
            .zip(links)
            .map(|(members, why)| {
                StoryOutline::of_heads(members.iter().map(|&i| heads[i].clone()).collect(), why)
            })
            .collect();
        (outlines, live_events)
    }

    /// What a story needs of a live event.
    fn live_head(&self, c: &Described) -> HeadView<'_> {
        let founder = self.items.get(&c.founder).map_or("", |i| &*i.id);
        HeadView {
            id: event_id(founder).into(),
            title: Cow::Owned(c.title.to_string()),
            span: c.profile.span,
            first_article: Cow::Borrowed(founder),
            articles: c.members.len(),
        }
    }

    /// Checks for finished arcs now and then: when the newest date has
    /// moved on by an eighth of `arc_max_gap_days`, or (undated streams)
    /// `max_live_arrivals` articles have arrived since the last check.
    fn maybe_finish_arcs(&mut self) {
        let by_date = match (self.newest_date, self.arc_sweep_date) {
            (Some(n), Some(s)) => (n - s).num_days() >= (self.config.arc_max_gap_days / 8).max(1),
            (Some(_), None) => true,
            _ => false,
        };
        let by_count = self.arrivals.saturating_sub(self.arc_sweep_arrivals)
            >= self.config.max_live_arrivals.max(1);
        if self.closed.is_empty() || !(by_date || by_count) {
            return;
        }
        self.arc_sweep_date = self.newest_date;
        self.arc_sweep_arrivals = self.arrivals;
        self.finish_arcs();
    }

    /// Moves arcs that can no longer change out of the arc computation: an
    /// arc of closed events whose newest date lies more than
    /// `arc_max_gap_days` before the newest date seen, or, when none of
    /// its events is dated, whose last event closed more than
    /// `arc_max_idle_arrivals` arrivals ago.
    fn finish_arcs(&mut self) {
        let (groups, links) = {
            let live: Vec<Described> = self
                .partition()
                .iter()
                .map(|e| self.describe_live(e))
                .collect();
            let mut profiles: Vec<&Profile> = live.iter().map(|c| &c.profile).collect();
            profiles.extend(self.closed.iter().map(|c| &c.profile));
            let mut ids: Vec<String> = live
                .iter()
                .map(|c| self.live_head(c).id.into_owned())
                .collect();
            ids.extend(self.closed.iter().map(|c| c.head.id.to_string()));
            let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
            let (groups, links) = self.link_arcs(&profiles, &ids);
            // Arcs with a live event are not finished; the rest are
            // renumbered as positions in `closed`.
            let n_live = live.len();
            let mut kept_groups = Vec::new();
            let mut kept_links = Vec::new();
            for (g, l) in groups.into_iter().zip(links) {
                if g.iter().all(|&i| i >= n_live) {
                    kept_groups.push(g.into_iter().map(|i| i - n_live).collect::<Vec<_>>());
                    kept_links.push(l);
                }
            }
            (kept_groups, kept_links)
        };
        let mut outlines = Vec::new();
        for (members, why) in groups.into_iter().zip(links) {
            let newest = members
                .iter()
                .filter_map(|&i| self.closed[i].profile.span.to)
                .max();
            let idle = self.arrivals.saturating_sub(
                members
                    .iter()
                    .map(|&i| self.closed[i].head.closed_at)
                    .max()
                    .unwrap_or(0),
            );
            let done = idle >= self.config.arc_min_idle_arrivals
                && match (newest, self.newest_date) {
                    (Some(last), Some(now)) => {
                        (now - last).num_days() > self.config.arc_max_gap_days
                    }
                    (None, _) => idle >= self.config.arc_max_idle_arrivals,
                    (Some(_), None) => false,
                };
            if !done {
                continue;
            }
            let heads: Vec<HeadView> = members
                .iter()
                .map(|&i| HeadView::of_closed(&self.closed[i]))
                .collect();
            let outline = StoryOutline::of_heads(heads, why);
            outlines.push((outline, members));
        }
        if outlines.is_empty() {
            return;
        }
        let mut taken: Vec<Option<ClosedEvent>> = std::mem::take(&mut self.closed)
            .into_iter()
            .map(Some)
            .collect();
        for (outline, members) in outlines {
            let events = members
                .iter()
                .filter_map(|&i| taken[i].take().and_then(|c| c.event))
                .collect();
            self.finished.push(FinishedStory { outline, events });
        }
        self.closed = taken.into_iter().flatten().collect();
    }

    fn render_event(&self, c: &Described, live: bool) -> Event {
        let show = |ids: &[u32]| -> Vec<String> {
            ids.iter().filter_map(|&t| self.vocab.display(t)).collect()
        };
        let members_set: FxHashSet<u32> = c.members.iter().map(|m| m.item).collect();
        let copy_of = self.copies(&members_set);
        let first = c.profile.span.from;
        let members: Vec<Membership> = c
            .members
            .iter()
            .map(|m| {
                let item = self.items.get(&m.item);
                Membership {
                    article: item.map_or_else(String::new, |i| i.id.to_string()),
                    score: (f64::from(m.score) * 1000.0).round() / 1000.0,
                    shared_entities: show(&m.names),
                    top_shared_terms: show(&m.terms),
                    date_gap_days: match (item.and_then(|i| i.date), first) {
                        (Some(d), Some(f)) => Some((d - f).num_days()),
                        _ => None,
                    },
                    copy_of: copy_of
                        .get(&m.item)
                        .and_then(|o| self.items.get(o))
                        .map(|o| o.id.to_string()),
                }
            })
            .collect();
        let founder = self.items.get(&c.founder).map_or("", |i| &*i.id);
        Event {
            id: event_id(founder),
            title: c.title.to_string(),
            date: first,
            date_span: c.profile.span,
            articles: members.iter().map(|m| m.article.clone()).collect(),
            members,
            top_terms: show(&c.top_terms),
            entities: show(&c.core_ids),
            live,
        }
    }

    /// For members that are near-duplicates of another member: which one
    /// is the copy. The original is the earlier dated; on the same day, the
    /// text less contained in the other (a copy trims or adds little); then
    /// the earlier id.
    fn copies(&self, members: &FxHashSet<u32>) -> FxHashMap<u32, u32> {
        let mut out = FxHashMap::default();
        for &m in members {
            let Some(a) = self.items.get(&m) else {
                continue;
            };
            let Some(near) = a.near else {
                continue;
            };
            if !members.contains(&near.other) {
                continue;
            }
            let Some(b) = self.items.get(&near.other) else {
                continue;
            };
            let a_is_copy = match (a.date, b.date) {
                (Some(x), Some(y)) if x != y => x > y,
                _ if (near.self_in_other - near.other_in_self).abs() > 0.02 => {
                    near.self_in_other > near.other_in_self
                }
                _ => a.id > b.id,
            };
            let (copy, original) = if a_is_copy {
                (m, near.other)
            } else {
                (near.other, m)
            };
            out.entry(copy).or_insert(original);
        }
        out
    }

    /// Groups events into arcs by centroid linkage; returns member indices
    /// per arc and the joins that made each arc.
    fn link_arcs(
        &self,
        profiles: &[&Profile],
        ids: &[&str],
    ) -> (Vec<Vec<usize>>, Vec<Vec<ArcLink>>) {
        let n = profiles.len();
        // Candidate pairs: events sharing a profile term. Lists hold
        // (event, weight) in event order, so the later events of a list
        // are a suffix.
        let mut by_term: FxHashMap<u64, Vec<(usize, f32)>> = FxHashMap::default();
        for (i, p) in profiles.iter().enumerate() {
            for &(t, w) in &p.terms {
                by_term.entry(t).or_default().push((i, w));
            }
        }
        let mut pairs: Vec<(f32, usize, usize)> = Vec::new();
        let mut dot: FxHashMap<usize, f32> = FxHashMap::default();
        for (i, p) in profiles.iter().enumerate() {
            dot.clear();
            for &(t, w) in &p.terms {
                let Some(list) = by_term.get(&t) else {
                    continue;
                };
                if list.len() > 2_000 {
                    continue;
                }
                let later = list.partition_point(|&(j, _)| j <= i);
                for &(j, wj) in &list[later..] {
                    *dot.entry(j).or_insert(0.0) += w * wj;
                }
            }
            for (&j, &s) in &dot {
                if f64::from(s) >= self.config.arc_similarity {
                    pairs.push((s, i, j));
                }
            }
        }
        pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then((a.1, a.2).cmp(&(b.1, b.2))));

        struct ArcGroup {
            members: Vec<usize>,
            sum: FxHashMap<u64, f32>,
            span: DateSpan,
            links: Vec<ArcLink>,
        }
        let mut arcs: Vec<Option<ArcGroup>> = profiles
            .iter()
            .map(|p| {
                Some(ArcGroup {
                    members: vec![],
                    sum: p.terms.iter().copied().collect(),
                    span: p.span,
                    links: Vec::new(),
                })
            })
            .collect();
        for (i, a) in arcs.iter_mut().enumerate() {
            if let Some(a) = a {
                a.members.push(i);
            }
        }
        let mean = |arc: &ArcGroup| -> Vec<(u64, f32)> {
            let mut v: Vec<(u64, f32)> = arc.sum.iter().map(|(&t, &w)| (t, w)).collect();
            v.sort_unstable_by_key(|&(t, _)| t);
            normalise64(&mut v);
            v
        };
        let central = |arc: &ArcGroup| -> FxHashSet<u64> {
            let mut count: FxHashMap<u64, usize> = FxHashMap::default();
            for &e in &arc.members {
                for &name in &profiles[e].core_names {
                    *count.entry(name).or_insert(0) += 1;
                }
            }
            let half = arc.members.len().div_ceil(2);
            count
                .into_iter()
                .filter(|&(_, c)| c >= half)
                .map(|(t, _)| t)
                .collect()
        };
        // Each arc's mean profile and central names, computed when first
        // needed and again only after the arc grows.
        let mut means: Vec<Option<Vec<(u64, f32)>>> = vec![None; n];
        let mut centrals: Vec<Option<FxHashSet<u64>>> = vec![None; n];
        let mut arc_of: Vec<usize> = (0..n).collect();
        for (_, i, j) in pairs {
            let (ai, aj) = (arc_of[i], arc_of[j]);
            if ai == aj {
                continue;
            }
            let (Some(a), Some(b)) = (&arcs[ai], &arcs[aj]) else {
                continue;
            };
            let gap = span_gap(a.span, b.span);
            if gap.is_some_and(|g| g > self.config.arc_max_gap_days) {
                continue;
            }
            for (k, arc) in [(ai, a), (aj, b)] {
                if means[k].is_none() {
                    means[k] = Some(mean(arc));
                }
            }
            let (Some(va), Some(vb)) = (&means[ai], &means[aj]) else {
                continue;
            };
            let sim = sparse_dot64(va, vb);
            if f64::from(sim) < self.config.arc_similarity {
                continue;
            }
            for (k, arc) in [(ai, a), (aj, b)] {
                if centrals[k].is_none() {
                    centrals[k] = Some(central(arc));
                }
            }
            let (Some(na), Some(nb)) = (&centrals[ai], &centrals[aj]) else {
                continue;
            };
            let mut shared_names: Vec<u64> = na.intersection(nb).copied().collect();
            if shared_names.len() < self.config.arc_min_shared_names {
                continue;
            }
            // Explain the join with what weighs most on both sides.
            shared_names.sort_by(|&x, &y| {
                let wx = term_weight64(va, x) * term_weight64(vb, x);
                let wy = term_weight64(va, y) * term_weight64(vb, y);
                wy.total_cmp(&wx).then(x.cmp(&y))
            });
            let label = |t: u64| -> Option<(bool, &str)> {
                [profiles[i], profiles[j]].iter().find_map(|p| {
                    let k = p.labels.binary_search_by_key(&t, |l| l.0).ok()?;
                    Some((p.labels[k].1, &*p.labels[k].2))
                })
            };
            let mut shared_terms: Vec<(u64, f32)> = va
                .iter()
                .filter(|&&(t, _)| label(t).is_some_and(|(is_name, _)| !is_name))
                .map(|&(t, w)| (t, w * term_weight64(vb, t)))
                .filter(|&(_, w)| w > 0.0)
                .collect();
            shared_terms.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
            let show = |ids: &mut dyn Iterator<Item = u64>| -> Vec<String> {
                ids.filter_map(|t| label(t).map(|(_, text)| text.to_owned()))
                    .take(REPORTED)
                    .collect()
            };
            let link = ArcLink {
                from_event: ids[i].to_owned(),
                to_event: ids[j].to_owned(),
                similarity: (f64::from(sim) * 1000.0).round() / 1000.0,
                shared_entities: show(&mut shared_names.iter().copied()),
                shared_terms: show(&mut shared_terms.iter().map(|&(t, _)| t)),
                gap_days: gap,
            };
            let (keep, gone) = if ai < aj { (ai, aj) } else { (aj, ai) };
            let Some(g) = arcs[gone].take() else {
                continue;
            };
            let Some(k) = arcs[keep].as_mut() else {
                continue;
            };
            for &e in &g.members {
                arc_of[e] = keep;
            }
            means[keep] = None;
            centrals[keep] = None;
            k.members.extend(g.members);
            for (t, w) in g.sum {
                *k.sum.entry(t).or_insert(0.0) += w;
            }
            k.span = DateSpan {
                from: min_date(k.span.from, g.span.from),
                to: max_date(k.span.to, g.span.to),
            };
            k.links.extend(g.links);
            k.links.push(link);
            // Keep sums small: only the heaviest terms matter for the mean.
            if k.sum.len() > 4 * PROFILE_TERMS {
                let mut v: Vec<(u64, f32)> = k.sum.drain().collect();
                v.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                v.truncate(2 * PROFILE_TERMS);
                k.sum = v.into_iter().collect();
            }
        }
        let mut groups = Vec::new();
        let mut links = Vec::new();
        for a in arcs.into_iter().flatten() {
            groups.push(a.members);
            links.push(a.links);
        }
        (groups, links)
    }

    /// Cosine similarity of two live articles with the current statistics:
    /// what the event threshold is compared with. `None` when either is
    /// unknown or closed.
    pub fn similarity(&self, a: &str, b: &str) -> Option<f64> {
        let item = |id: &str| self.items.get(self.by_id.get(id)?);
        let (x, y) = (item(a)?, item(b)?);
        let lexical = sparse_dot(&self.weights(&x.terms), &self.weights(&y.terms));
        Some(f64::from(
            self.blend(lexical, dense_dot(&x.dense, &y.dense)),
        ))
    }
}

/// Approximate heap bytes of an event's reported form.
fn event_bytes(e: &Event) -> usize {
    use std::mem::size_of;
    let text = |v: &[String]| v.iter().map(|t| t.len() + 24).sum::<usize>();
    size_of::<Event>()
        + e.id.len()
        + e.title.len()
        + text(&e.articles)
        + text(&e.top_terms)
        + text(&e.entities)
        + e.members
            .iter()
            .map(|m| {
                size_of::<Membership>()
                    + m.article.len()
                    + text(&m.shared_entities)
                    + text(&m.top_shared_terms)
                    + m.copy_of.as_ref().map_or(0, String::len)
            })
            .sum::<usize>()
}

fn term_weight(v: &[(u32, f32)], term: u32) -> f32 {
    v.binary_search_by_key(&term, |&(t, _)| t)
        .map_or(0.0, |i| v[i].1)
}

/// Whether an article's title can name a story: not blank, not a
/// placeholder, not an id, file name or address, not a photo caption or
/// credit (what a page's `<title>` or a feed's item often is instead of a
/// headline). A title that fails gives way to the lead sentence.
fn usable_headline(title: &str) -> bool {
    let t = title.trim();
    if t.is_empty() {
        return false;
    }
    let lower = t.to_lowercase();
    let placeholder = matches!(
        lower.trim_matches(|c: char| c == '(' || c == ')' || c == '[' || c == ']'),
        "untitled" | "no title" | "title" | "home" | "index" | "article" | "news"
    );
    let address = ["http://", "https://", "www."]
        .iter()
        .any(|p| lower.starts_with(p));
    let id_like = !t.contains(char::is_whitespace)
        && (t.chars().count() > 30
            || t.chars()
                .any(|c| c.is_ascii_digit() || matches!(c, '_' | '/' | '.' | '=' | '#')));
    let caption = [
        "photo:",
        "photo by",
        "photos:",
        "image:",
        "picture:",
        "credit:",
        "file photo",
        "caption:",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
        || [
            "(ap photo",
            "getty images",
            "(reuters/",
            "/reuters)",
            "photograph:",
        ]
        .iter()
        .any(|p| lower.contains(p));
    let has_letters = t.chars().any(char::is_alphabetic);
    has_letters && !placeholder && !address && !id_like && !caption
}

/// The first sentence of a text, cut to 14 words: a readable stand-in for a
/// missing headline.
fn lead_excerpt(text: &str) -> String {
    let first = text
        .split("\n\n")
        .map(str::trim)
        .find(|p| !p.is_empty())
        .unwrap_or("");
    let sentence_end = first
        .char_indices()
        .find(|&(i, c)| {
            matches!(c, '.' | '!' | '?')
                && first[i + c.len_utf8()..]
                    .chars()
                    .next()
                    .is_none_or(char::is_whitespace)
        })
        .map_or(first.len(), |(i, _)| i);
    let sentence = &first[..sentence_end];
    let words: Vec<&str> = sentence.split_whitespace().collect();
    if words.len() > 14 {
        format!("{}…", words[..14].join(" "))
    } else {
        words.join(" ")
    }
}

/// Stories of a set of articles in one call (all of them pushed, in the
/// given order, then reported).
pub fn build_stories(articles: &[StoryInput], config: &StoryConfig) -> Result<Vec<Story>, String> {
    let mut engine = StoryEngine::new(config.clone())?;
    engine.extend(articles);
    Ok(engine.stories())
}
