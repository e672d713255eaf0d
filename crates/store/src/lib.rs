//! Persistent store for articles, their raw inputs, MinHash signatures and
//! duplicate links. SQLite (WAL) is the default implementation.
//!
//! The pipeline talks to the [`Store`] trait, which is object safe
//! (`Box<dyn Store>`), synchronous and free of SQLite types, so a PostgreSQL
//! store can implement it later (with the blocking `postgres` client or a
//! pool such as `deadpool-postgres`; reads take `&self`, so such a store
//! holds a pool or a `Mutex<Client>`) without the pipeline changing.
//!
//! A PostgreSQL port maps one to one: [`StoreTx`] onto a database
//! transaction, the JSON columns onto `jsonb`, BLOBs onto `bytea`, and the
//! [`migrations`] list onto the same numbered steps kept in a version table.
//!
//! Writes go through a [`StoreTx`] from [`Store::begin`]: everything done in
//! one transaction commits together or not at all, which is both the unit of
//! crash consistency and the way to write fast (one fsync per batch, not per
//! article).
//!
//! # Pipeline use
//!
//! ```
//! use parallax_dedup::{content_hash, MinHasher, DEFAULT_CONTAINMENT, DEFAULT_NEAR_JACCARD};
//! use parallax_model::{Article, RawDoc};
//! use parallax_store::{load_lsh_index, DuplicateLink, LinkKind, NewArticle, SqliteStore, Store};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let mut store = SqliteStore::open_in_memory()?; // SqliteStore::open(resolve_db_path(flag))
//! let hasher = MinHasher::default();
//! let mut lsh = load_lsh_index(&store, hasher.params())?.index;
//!
//! let batch: Vec<(Article, RawDoc)> = Vec::new(); // from ingest + clean
//! let mut tx = store.begin()?;
//! for (article, raw) in &batch {
//!     let sig = hasher.signature(&article.text);
//!     // Sees articles put earlier in this transaction too.
//!     let exact = tx.ids_by_content_hash(&content_hash(&article.text))?;
//!     tx.put(&NewArticle { article, raw, signature: Some(&sig) })?;
//!     if let Some(original) = exact.iter().find(|id| **id != article.id) {
//!         tx.add_link(&DuplicateLink {
//!             article_id: article.id.clone(),
//!             of_id: original.clone(),
//!             kind: LinkKind::Exact,
//!             score: 1.0,
//!         })?;
//!     } else if let Some(m) = lsh
//!         .matches(&sig, DEFAULT_NEAR_JACCARD, DEFAULT_CONTAINMENT)
//!         .into_iter()
//!         .find(|m| m.id != article.id)
//!     {
//!         tx.add_link(&DuplicateLink {
//!             article_id: article.id.clone(),
//!             of_id: m.id.clone(),
//!             kind: LinkKind::Near,
//!             score: m.score(),
//!         })?;
//!     }
//!     lsh.insert_owned(article.id.clone(), sig)?;
//! }
//! tx.commit()?; // the whole batch, or nothing
//! # Ok(()) }
//! ```

mod codec;
mod copy;
mod derived;
mod error;
mod feeds;
mod location;
pub mod migrations;
mod pg;
pub mod scratch;
mod sqlite;

pub use copy::{copy_store, CopyReport, COPY_BATCH};
pub use error::{BackendError, StoreError};
pub use location::StoreLocation;
pub use migrations::{latest_version, Migration, MIGRATIONS};
pub use pg::{pg_latest_version, redact_url, PostgresStore, PG_MIGRATIONS};
pub use sqlite::SqliteStore;

use parallax_dedup::{LshIndex, MinHashParams, Signature};
use parallax_model::{Article, Origin, RawDoc, SourceFormat};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Environment variable naming the database file (same as `--db`).
pub const DB_ENV_VAR: &str = "PARALLAX_DB";

/// Where the database lives when neither `--db` nor `PARALLAX_DB` says:
/// `<data dir>/parallax/parallax.db` (on Linux `~/.local/share/parallax/`),
/// or `./parallax.db` on a system without a data directory. The folder is
/// created by [`SqliteStore::open`], not here.
pub fn default_db_path() -> PathBuf {
    dirs::data_dir()
        .map(|dir| dir.join("parallax").join("parallax.db"))
        .unwrap_or_else(|| PathBuf::from("parallax.db"))
}

/// The database path to use: `explicit` (the `--db` flag) if given, else a
/// non-empty `PARALLAX_DB`, else [`default_db_path`]. With clap's `env`
/// feature the flag already covers the variable; this is for other callers.
pub fn resolve_db_path(explicit: Option<&Path>) -> PathBuf {
    resolve_db_path_from(explicit, std::env::var_os(DB_ENV_VAR))
}

fn resolve_db_path_from(explicit: Option<&Path>, env: Option<std::ffi::OsString>) -> PathBuf {
    if let Some(path) = explicit {
        return path.to_path_buf();
    }
    match env {
        Some(value) if !value.is_empty() => PathBuf::from(value),
        _ => default_db_path(),
    }
}

/// One article to store, with what it was cleaned from.
#[derive(Debug, Clone, Copy)]
pub struct NewArticle<'a> {
    pub article: &'a Article,
    /// The input the article was cleaned from; [`Article::offsets`] point
    /// into its content.
    pub raw: &'a RawDoc,
    /// MinHash signature of the clean text, when dedup ran.
    pub signature: Option<&'a Signature>,
}

impl NewArticle<'_> {
    /// The revision the store gives this article when it is put: a
    /// fingerprint of everything stored for it. A worker that writes an
    /// article and its analysis knows the revision the analysis belongs to
    /// without reading the article back.
    pub fn revision(&self) -> Result<String, StoreError> {
        Ok(codec::encode(self)?.revision)
    }
}

/// What a put did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PutOutcome {
    /// The id was new.
    Inserted,
    /// The id existed with different content (article, raw input or
    /// signature). Its outgoing duplicate links were dropped, since they
    /// described the old content; record fresh ones in the same transaction.
    Updated,
    /// The id existed with exactly this content; nothing was written.
    Unchanged,
}

/// Totals of a batch of puts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PutCounts {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
}

impl PutCounts {
    pub fn add(&mut self, outcome: PutOutcome) {
        match outcome {
            PutOutcome::Inserted => self.inserted += 1,
            PutOutcome::Updated => self.updated += 1,
            PutOutcome::Unchanged => self.unchanged += 1,
        }
    }
}

/// The columns a listing or search result shows, without the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleSummary {
    pub id: String,
    pub title: Option<String>,
    pub outlet: Option<String>,
    pub url: Option<String>,
    /// ISO `YYYY-MM-DD`.
    pub published: Option<String>,
    pub format: SourceFormat,
    pub origin: Origin,
    /// Length of the clean text in characters.
    pub text_chars: u64,
    pub language: Option<String>,
}

/// Filters and paging for [`Store::list`]. Results are ordered newest
/// first (undated last), then by id, so paging is stable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListQuery {
    /// Only this outlet, as stored, in any ASCII case.
    pub outlet: Option<String>,
    pub language: Option<String>,
    /// Inclusive ISO date bounds on `published`.
    pub published_from: Option<String>,
    pub published_to: Option<String>,
    pub limit: usize,
    pub offset: usize,
}

impl Default for ListQuery {
    fn default() -> Self {
        ListQuery {
            outlet: None,
            language: None,
            published_from: None,
            published_to: None,
            limit: 100,
            offset: 0,
        }
    }
}

/// How a duplicate was detected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkKind {
    /// Same normalised text (equal `content_hash`).
    Exact,
    /// MinHash similarity above the near-duplicate threshold (wire copy).
    Near,
}

impl LinkKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            LinkKind::Exact => "exact",
            LinkKind::Near => "near",
        }
    }

    pub fn parse(s: &str) -> Option<LinkKind> {
        match s {
            "exact" => Some(LinkKind::Exact),
            "near" => Some(LinkKind::Near),
            _ => None,
        }
    }
}

/// `article_id` is a copy of `of_id` (the earlier or original article).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DuplicateLink {
    pub article_id: String,
    pub of_id: String,
    pub kind: LinkKind,
    /// Similarity in `0.0..=1.0` (1.0 for exact copies).
    pub score: f64,
}

/// A feed to subscribe to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewFeed {
    pub url: String,
    pub title: Option<String>,
}

/// A subscribed feed with what its last poll found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedSubscription {
    pub url: String,
    pub title: Option<String>,
    /// Unix seconds.
    pub added_at: i64,
    /// Unix seconds of the last poll; `None` before the first.
    pub polled_at: Option<i64>,
    /// Items read by the last poll, when it worked.
    pub last_items: Option<usize>,
    /// Why the last poll failed, when it did.
    pub last_error: Option<String>,
    /// Polls that failed in a row (0 after one that worked).
    pub failures: u32,
}

/// One story of the latest stories document, as [`Store::replace_stories`]
/// keeps it. The scalar fields are what a listing shows; `document` is the
/// whole story (the pipeline's `StoryView`) as JSON, kept opaque here so the
/// store does not depend on the clustering and comparison crates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredStory {
    pub id: String,
    pub title: String,
    /// ISO `YYYY-MM-DD` of the earliest dated article, if any.
    pub date_from: Option<String>,
    /// ISO `YYYY-MM-DD` of the latest dated article, if any.
    pub date_to: Option<String>,
    pub article_count: usize,
    /// Outlets of the story's articles, each once.
    pub outlets: Vec<String>,
    /// Distinct reports behind it (see [`StorySummary::sources`]).
    pub sources: usize,
    /// What a listing shows beside the title (see [`StoryGlance`]);
    /// `None` for stories stored before it was kept.
    #[serde(default)]
    pub glance: Option<StoryGlance>,
    /// The story's article ids, in its order: the membership the next
    /// refresh hands its id on by.
    pub articles: Vec<String>,
    pub document: serde_json::Value,
}

/// What a story listing shows and filters by beyond the title, computed
/// by the pipeline from the story's comparison and kept beside it, so a
/// list of every story (filtered by lean, sorted by one-sidedness) never
/// opens a story document. Plain counts: the store knows nothing of
/// ratings or facts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoryGlance {
    /// Articles by the lean of their outlet; copies are not counted.
    pub left: usize,
    pub centre: usize,
    pub right: usize,
    /// Articles of an outlet with no rating, or of no known outlet.
    pub unrated: usize,
    /// The fact carried by the most outlets, as the story's one-line
    /// summary, with the sentence it comes from.
    pub lede: Option<StoryLede>,
}

impl StoryGlance {
    pub fn rated(&self) -> usize {
        self.left + self.centre + self.right
    }
}

/// One sentence standing for a story in listings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoryLede {
    pub text: String,
    pub article: String,
    /// Byte range of the sentence in that article's text.
    pub start: usize,
    pub end: usize,
    /// Outlets that report the fact.
    pub outlets: usize,
}

/// A story without its document, for listings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorySummary {
    pub id: String,
    pub title: String,
    pub date_from: Option<String>,
    pub date_to: Option<String>,
    pub article_count: usize,
    pub outlets: Vec<String>,
    /// Distinct reports behind the story: its outlets, with each article
    /// of no known outlet counted on its own and copies (a wire story
    /// printed twice) not counted again. One source is not yet a story
    /// told by several sides, so listings show such stories apart.
    pub sources: usize,
    #[serde(default)]
    pub glance: Option<StoryGlance>,
}

impl StorySummary {
    /// True when one report (one outlet, or one article) is all there is.
    pub fn single_source(&self) -> bool {
        self.sources <= 1
    }
}

impl StoredStory {
    pub fn summary(&self) -> StorySummary {
        StorySummary {
            id: self.id.clone(),
            title: self.title.clone(),
            date_from: self.date_from.clone(),
            date_to: self.date_to.clone(),
            article_count: self.article_count,
            outlets: self.outlets.clone(),
            sources: self.sources,
            glance: self.glance.clone(),
        }
    }
}

/// An old story id that now answers with the story holding most of its
/// articles (it merged into that story, or split from it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoryMove {
    pub from: String,
    pub to: String,
}

/// What extraction found in one article, kept so later runs and the server
/// read it instead of computing it again. The store treats `json` as
/// opaque; `parallax-pipeline` owns its shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredAnalysis {
    pub article_id: String,
    /// The article revision it was computed from.
    pub revision: String,
    /// The extractor version that computed it.
    pub analyzer: String,
    pub json: String,
}

/// One entity of one article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleEntity {
    pub article_id: String,
    /// Canonical name within the article (`Chris Williamson`).
    pub name: String,
    /// `person`, `organization`, `location` or `misc` (the tagger's kinds).
    pub kind: String,
    /// Corpus-wide id once joined (`person:chris williamson`).
    pub entity_id: Option<String>,
    pub mentions: u32,
    /// Quotes attributed to this entity in the article.
    pub quotes_by: u32,
}

/// One corpus-wide entity with its totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntitySummary {
    pub id: String,
    /// The name most articles use for it.
    pub name: String,
    pub kind: String,
    pub articles: u64,
    pub mentions: u64,
    pub quotes_by: u64,
}

/// Filters for [`Store::list_entities`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityQuery {
    /// Case-insensitive substring of the entity id (which holds the name).
    pub name: Option<String>,
    pub kind: Option<String>,
    pub limit: usize,
    pub offset: usize,
}

impl Default for EntityQuery {
    fn default() -> Self {
        EntityQuery {
            name: None,
            kind: None,
            limit: 100,
            offset: 0,
        }
    }
}

/// Saved state of an incremental engine; see [`Store::put_state`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineState {
    /// Names the encoding, so a build that cannot read it rebuilds instead.
    pub format: String,
    pub bytes: Vec<u8>,
}

/// A write transaction. Dropping it without [`StoreTx::commit`] rolls
/// everything in it back.
/// See [`Store::derived_generation`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DerivedGeneration {
    pub generation: u64,
    pub settled: u64,
}

impl DerivedGeneration {
    /// True when articles changed since the last complete refresh.
    pub fn pending(&self) -> bool {
        self.generation > self.settled
    }
}

pub trait StoreTx {
    /// Inserts or updates one article with its raw input and signature.
    /// Idempotent: putting the same content again is [`PutOutcome::Unchanged`].
    fn put(&mut self, item: &NewArticle<'_>) -> Result<PutOutcome, StoreError>;

    /// Records (or re-scores) a duplicate link; both articles must exist,
    /// possibly put earlier in this transaction.
    fn add_link(&mut self, link: &DuplicateLink) -> Result<(), StoreError>;

    /// Deletes an article with its raw input, signature and links. Returns
    /// whether it existed.
    fn delete(&mut self, id: &str) -> Result<bool, StoreError>;

    /// [`Store::ids_by_content_hash`], including articles put earlier in
    /// this transaction.
    fn ids_by_content_hash(&mut self, hash: &str) -> Result<Vec<String>, StoreError>;

    /// The `published` value of a stored article (`None` when it has none
    /// or is not stored), including articles put earlier in this
    /// transaction; decides which of two copies is the original.
    fn published_of(&mut self, id: &str) -> Result<Option<String>, StoreError>;

    /// Where the stored article `id` came from and the hash of its clean
    /// text (`origin_path`, `content_hash`), to tell a re-read of the same
    /// file from another file that derived the same id.
    fn origin_of(&mut self, id: &str) -> Result<Option<(String, String)>, StoreError>;

    fn commit(self: Box<Self>) -> Result<(), StoreError>;
}

/// The storage operations the pipeline and the server use.
pub trait Store: Send {
    /// Starts a write transaction (taking the write lock now, so it cannot
    /// fail half-way for lack of it).
    fn begin(&mut self) -> Result<Box<dyn StoreTx + '_>, StoreError>;

    /// Puts one article in its own transaction.
    fn put(&mut self, item: &NewArticle<'_>) -> Result<PutOutcome, StoreError> {
        let mut tx = self.begin()?;
        let outcome = tx.put(item)?;
        tx.commit()?;
        Ok(outcome)
    }

    /// Puts many articles atomically: all are stored or none.
    fn put_batch(&mut self, items: &[NewArticle<'_>]) -> Result<Vec<PutOutcome>, StoreError> {
        let mut tx = self.begin()?;
        let mut outcomes = Vec::with_capacity(items.len());
        for item in items {
            outcomes.push(tx.put(item)?);
        }
        tx.commit()?;
        Ok(outcomes)
    }

    /// Records one duplicate link in its own transaction.
    fn add_link(&mut self, link: &DuplicateLink) -> Result<(), StoreError> {
        let mut tx = self.begin()?;
        tx.add_link(link)?;
        tx.commit()
    }

    fn get(&self, id: &str) -> Result<Option<Article>, StoreError>;

    /// The stored articles among `ids`, in `ids` order (missing ones left
    /// out). One read where a backend can (a server store pays per round
    /// trip, not per row); callers pass a few hundred ids at a time.
    fn get_many(&self, ids: &[String]) -> Result<Vec<Article>, StoreError> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.extend(self.get(id)?);
        }
        Ok(out)
    }

    /// The input an article was cleaned from.
    fn get_raw(&self, id: &str) -> Result<Option<RawDoc>, StoreError>;

    fn list(&self, query: &ListQuery) -> Result<Vec<ArticleSummary>, StoreError>;

    /// Number of stored articles.
    fn count(&self) -> Result<u64, StoreError>;

    /// Articles per stored outlet name (`None`: no outlet), most first.
    fn outlet_counts(&self) -> Result<Vec<(Option<String>, u64)>, StoreError>;

    /// `(article id, outlet)` of every article that names one, in id order:
    /// one read, not a listing paged through the store.
    fn article_outlets(&self) -> Result<Vec<(String, String)>, StoreError>;

    /// Ids of articles whose text has this [`parallax_dedup::content_hash`]
    /// (exact copies), oldest first.
    fn ids_by_content_hash(&self, hash: &str) -> Result<Vec<String>, StoreError>;

    /// Links where the article is either the copy or the original, best
    /// score first.
    fn links(&self, id: &str) -> Result<Vec<DuplicateLink>, StoreError>;

    /// Calls `visit` with every stored signature, in insertion order, without
    /// holding them all in memory (for rebuilding the LSH index on start).
    fn for_each_signature(&self, visit: &mut dyn FnMut(&str, Signature)) -> Result<(), StoreError>;

    /// Replaces the stored stories document with `stories`, atomically:
    /// readers see the old document or the new one, never a mix. Ids must
    /// be unique.
    fn replace_stories(&mut self, stories: &[StoredStory]) -> Result<(), StoreError>;

    /// Every stored story's id with its membership key (see
    /// [`Store::update_stories`]); `None` for stories stored without one.
    fn story_keys(&self) -> Result<Vec<(String, Option<String>)>, StoreError>;

    /// Updates the stored stories in one transaction: stories whose id is
    /// not in `current` are removed, and each `(story, key)` in `changed`
    /// is inserted or replaced with its membership key. Stories in
    /// `current` but not in `changed` stay as they are. Each of `moves`
    /// makes an old id answer with another story; ids that already moved
    /// to a `from` follow it to its `to`, an id in `current` never moves,
    /// and a move whose target is gone is dropped.
    fn update_stories(
        &mut self,
        changed: &[(StoredStory, String)],
        current: &[String],
        moves: &[StoryMove],
    ) -> Result<(), StoreError>;

    /// Every stored story's articles as `(story id, article id)`, each
    /// story's in its order.
    fn story_members(&self) -> Result<Vec<(String, String)>, StoreError>;

    /// The stored stories that hold an article, as `(story id, title)`.
    fn stories_of_article(&self, article_id: &str) -> Result<Vec<(String, String)>, StoreError>;

    /// The story an old story id moved to, if it did.
    fn story_moved_to(&self, id: &str) -> Result<Option<String>, StoreError>;

    /// Every old story id that redirects, with its story.
    fn story_moves(&self) -> Result<Vec<StoryMove>, StoreError>;

    /// The stored stories without their documents, newest first (by the
    /// end of their date span, undated last), then by id.
    fn list_stories(&self) -> Result<Vec<StorySummary>, StoreError>;

    /// One stored story with its document.
    fn get_story(&self, id: &str) -> Result<Option<StoredStory>, StoreError>;
    /// Ids and revisions of the articles whose analysis is missing, was
    /// computed from an older revision of the article, or by another
    /// `analyzer` version; in id order.
    fn stale_analyses(&self, analyzer: &str) -> Result<Vec<(String, String)>, StoreError>;

    /// Article id → analyzer version of each article's current analysis
    /// (one computed from its current revision), in id order: what derived
    /// data built from analyses records, so that a new analyzer version
    /// invalidates exactly it.
    fn analysis_stamps(&self) -> Result<Vec<(String, String)>, StoreError>;

    /// Every article's id and revision in the order the articles were first
    /// stored (their arrival order): what incremental engines compare with
    /// the articles they have seen, and the order they take new ones in.
    fn revisions(&self) -> Result<Vec<(String, String)>, StoreError>;

    /// Store analyses with the article's entities, in one transaction,
    /// replacing what each article had. The entities' corpus ids start
    /// empty until [`Store::set_entity_ids`]. An analysis whose article is
    /// gone is skipped (it was deleted meanwhile).
    fn put_analyses(
        &mut self,
        items: &[(StoredAnalysis, Vec<ArticleEntity>)],
    ) -> Result<(), StoreError>;

    /// The stored analysis of an article, if one was computed from its
    /// current revision (whatever the analyzer version).
    fn get_analysis(&self, id: &str) -> Result<Option<StoredAnalysis>, StoreError>;

    /// [`Store::get_analysis`] of each of `ids` that has one, in `ids`
    /// order; one read where a backend can.
    fn get_analyses(&self, ids: &[String]) -> Result<Vec<StoredAnalysis>, StoreError> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.extend(self.get_analysis(id)?);
        }
        Ok(out)
    }

    /// Every article's entities, in article order, for corpus-wide joining.
    fn all_article_entities(&self) -> Result<Vec<ArticleEntity>, StoreError>;

    /// Set the corpus-wide id of `(article_id, name, kind)` rows, in one
    /// transaction; rows not listed keep theirs.
    fn set_entity_ids(&mut self, ids: &[(ArticleEntity, String)]) -> Result<(), StoreError>;

    /// Corpus-wide entities, most articles first.
    fn list_entities(&self, query: &EntityQuery) -> Result<Vec<EntitySummary>, StoreError>;

    /// The rows of one corpus-wide entity, newest article first.
    fn entity_articles(&self, entity_id: &str) -> Result<Vec<ArticleEntity>, StoreError>;

    /// The entities of one article.
    fn article_entities(&self, article_id: &str) -> Result<Vec<ArticleEntity>, StoreError>;

    /// Saved state of the engine `name`.
    fn get_state(&self, name: &str) -> Result<Option<EngineState>, StoreError>;

    /// Save (replace) the state of the engine `name`.
    fn put_state(&mut self, name: &str, state: &EngineState) -> Result<(), StoreError>;

    // ------------------------------------------------------------ feeds
    // The user's subscriptions: ground data (what to read), kept with the
    // articles so every server and poller of one store sees one list.

    /// Every subscribed feed, in the order they were added.
    fn list_feeds(&self) -> Result<Vec<FeedSubscription>, StoreError>;

    /// Subscribes to each feed not yet subscribed (by URL); a title given
    /// again fills one that was missing. Returns how many were new.
    fn add_feeds(&mut self, feeds: &[NewFeed]) -> Result<usize, StoreError>;

    /// Unsubscribes; `false` when the URL was not subscribed. Articles
    /// already read from the feed stay.
    fn remove_feed(&mut self, url: &str) -> Result<bool, StoreError>;

    /// What the last poll of a subscribed feed found: `Ok(items)` read, or
    /// the error. A URL not subscribed is left alone.
    fn record_feed_poll(
        &mut self,
        url: &str,
        outcome: &Result<usize, String>,
    ) -> Result<(), StoreError>;

    /// The names of every saved engine state, in name order (to copy a
    /// store whole).
    fn state_names(&self) -> Result<Vec<String>, StoreError>;

    /// How far the derived data lags the articles: `generation` counts
    /// article changes (bumped in the same transaction as each change),
    /// `settled` is the generation the last complete refresh reached. A
    /// refresh is pending while `generation > settled`, which survives a
    /// crash at any point between the article commit and the end of the
    /// refresh.
    fn derived_generation(&self) -> Result<DerivedGeneration, StoreError>;

    /// Re-names the outlets of stored articles (`(id, outlet, how)`), in
    /// one transaction, without touching their text or revision: for a
    /// store written before the outlet registry, or after the registry
    /// changed. Unknown ids are ignored. Counts as an article change for
    /// [`Store::derived_generation`].
    fn set_outlets(
        &mut self,
        changes: &[(String, Option<String>, Option<String>)],
    ) -> Result<(), StoreError>;

    /// Records that everything derived is up to date with the articles as
    /// of `generation` (as read by [`Store::derived_generation`] before the
    /// refresh began); never moves `settled` backwards, so a refresh that
    /// raced a later ingest leaves that ingest pending.
    fn settle_derived(&mut self, generation: u64) -> Result<(), StoreError>;

    /// A counter that grows with every committed write a reader can see
    /// (articles, links, analyses, entity ids, stories, outlet names). Equal
    /// values read at two times mean nothing visible changed in between, so
    /// a server keeps its caches and search index by one cheap read, on any
    /// backend, across processes and machines.
    fn generation(&self) -> Result<u64, StoreError>;

    /// Checks the store's own consistency (what the backend can check: on
    /// SQLite its integrity and foreign-key checks, on PostgreSQL the
    /// relations the schema does not enforce). An error lists what is wrong.
    fn check_integrity(&self) -> Result<(), StoreError>;

    /// Every stored signature with its article id, in insertion order.
    fn signatures(&self) -> Result<Vec<(String, Signature)>, StoreError> {
        let mut all = Vec::new();
        self.for_each_signature(&mut |id, sig| all.push((id.to_string(), sig)))?;
        Ok(all)
    }
}

/// An LSH index rebuilt from stored signatures.
#[derive(Debug)]
pub struct LoadedIndex {
    pub index: LshIndex<String>,
    /// Articles whose stored signature was made with other MinHash
    /// parameters than requested: recompute and re-put them.
    pub stale: Vec<String>,
}

/// Rebuilds the near-duplicate index from every stored signature, as the
/// pipeline does on start.
pub fn load_lsh_index(store: &dyn Store, params: MinHashParams) -> Result<LoadedIndex, StoreError> {
    let mut index = LshIndex::for_params(params)
        .map_err(|e| StoreError::Invalid(format!("cannot build the duplicate index: {e}")))?;
    let mut stale = Vec::new();
    store.for_each_signature(&mut |id, sig| {
        if index.insert_owned(id.to_string(), sig).is_err() {
            stale.push(id.to_string());
        }
    })?;
    Ok(LoadedIndex { index, stale })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn db_path_precedence() {
        let flag = Path::new("/data/flag.db");
        let env = Some(std::ffi::OsString::from("/data/env.db"));
        assert_eq!(resolve_db_path_from(Some(flag), env.clone()), flag);
        assert_eq!(
            resolve_db_path_from(None, env),
            PathBuf::from("/data/env.db")
        );
        assert_eq!(
            resolve_db_path_from(None, Some(std::ffi::OsString::new())),
            default_db_path()
        );
        assert_eq!(resolve_db_path_from(None, None), default_db_path());
        assert!(default_db_path().ends_with("parallax.db"));
    }
}
