//! Shared server state: a pool of store connections and the search index.

use crate::story_cache::{
    Kept, LoadLocks, RenderedPage, StoryEntry, STORY_DOC_BUDGET, STORY_PAGE_BUDGET,
};
use crate::ServeError;
use parallax_compare::LeanDistribution;
use parallax_search::{SearchIndex, SyncReport};
use parallax_store::{ArticleEntity, EntityQuery, EntitySummary, Store, StoreError, StoreLocation};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::Semaphore;

/// Why a request could not read the store.
#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the store is unavailable: {0}")]
    Unavailable(String),
}

/// Store connections handed out one request at a time. SQLite connections
/// are not shareable between threads, and queries block, so each request
/// borrows a connection and runs on tokio's blocking pool; with WAL the
/// readers run in parallel with each other and with a writing pipeline.
pub(crate) struct StorePool {
    idle: Mutex<Vec<Box<dyn Store>>>,
    permits: Semaphore,
}

impl StorePool {
    pub(crate) fn new(stores: Vec<Box<dyn Store>>) -> StorePool {
        let permits = Semaphore::new(stores.len());
        StorePool {
            idle: Mutex::new(stores),
            permits,
        }
    }

    fn take(&self) -> Option<Box<dyn Store>> {
        self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop()
    }

    fn give_back(&self, store: Box<dyn Store>) {
        self.idle
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(store);
    }

    /// Runs `read` on a pooled connection off the async threads.
    pub(crate) async fn read<T, F>(self: &Arc<Self>, read: F) -> Result<T, PoolError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn Store) -> Result<T, StoreError> + Send + 'static,
    {
        let permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| PoolError::Unavailable("the server is shutting down".into()))?;
        let Some(store) = self.take() else {
            return Err(PoolError::Unavailable(
                "no database connection is free".into(),
            ));
        };
        let pool = Arc::clone(self);
        let joined = tokio::task::spawn_blocking(move || {
            let result = read(store.as_ref());
            pool.give_back(store);
            result
        })
        .await;
        match joined {
            Ok(result) => {
                drop(permit);
                Ok(result?)
            }
            Err(e) => {
                // The connection went down with the task: retire its permit
                // so the pool's count stays true.
                permit.forget();
                Err(PoolError::Unavailable(format!(
                    "a database read failed: {e}"
                )))
            }
        }
    }
}

/// The outcome of the latest search index sync, for `/api/health`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SyncStatus {
    /// Seconds since the Unix epoch when the last sync finished.
    pub finished_at: Option<u64>,
    pub last: Option<SyncReport>,
    pub error: Option<String>,
}

pub(crate) struct Inner {
    pub(crate) pool: Arc<StorePool>,
    pub(crate) search: Arc<SearchIndex>,
    /// A connection kept for index syncs, so a long first sync does not
    /// hold one of the request connections.
    pub(crate) sync_store: Mutex<Box<dyn Store>>,
    pub(crate) sync_status: Mutex<SyncStatus>,
    /// The store's change counter at the last successful sync; the same
    /// value means nothing to sync.
    pub(crate) synced_generation: Mutex<Option<u64>>,
    /// The article count shown on list pages, refreshed at most every
    /// [`COUNT_TTL`]: `count(*)` walks an index, which adds up on a large
    /// store when every page view asks.
    pub(crate) article_count: Mutex<Option<(Instant, u64)>>,
    /// What the server keeps of the store's entity tables between
    /// requests (see [`DerivedCache`]).
    pub(crate) derived: Mutex<DerivedCache>,
    /// Held while the entity list is read again, so concurrent requests
    /// wait for one reload instead of each starting their own.
    pub(crate) entities_reload: tokio::sync::Mutex<()>,
    pub(crate) stories_reload: tokio::sync::Mutex<()>,
    /// The same for story leans: concurrent views of a cold story list
    /// wait for one read of the documents.
    pub(crate) leans_reload: tokio::sync::Mutex<()>,
    /// Stories being read from the store, one lock each.
    pub(crate) story_loads: LoadLocks,
    /// An outlet edit asks for a rename run; one runs at a time.
    pub(crate) outlets_again: std::sync::atomic::AtomicBool,
    pub(crate) outlets_running: std::sync::atomic::AtomicBool,
    pub(crate) location: StoreLocation,
    /// The token write actions must carry (`serve --admin-token`); unset,
    /// the server is read-only.
    pub(crate) admin_token: std::sync::OnceLock<String>,
}

/// Entity data read from the store, kept while the store's change counter
/// stays the same (checked at most every [`COUNT_TTL`]). The store computes the
/// entity list by grouping every entity row, and an entity's rows by
/// joining each with its article; both are far too slow to repeat per
/// request on a large store, and they only change when the pipeline writes.
pub(crate) struct DerivedCache {
    generation: Option<u64>,
    checked: Option<Instant>,
    entities: Option<Arc<Vec<EntitySummary>>>,
    rows: HashMap<String, Arc<Vec<ArticleEntity>>>,
    /// Each story's outlet lean (`None`: its document has none), for the
    /// story list. The lean sits inside the whole story document, which
    /// the store inflates and parses in full: reading fifty of them made
    /// every `/stories` view take over a second.
    leans: HashMap<String, Option<LeanDistribution>>,
    /// Every story row (no documents), the store's order: the story list
    /// filters and sorts these on each request.
    stories: Option<Arc<Vec<parallax_store::StorySummary>>>,
    /// Parsed story documents (see [`crate::story_cache`]), weighed by
    /// their articles.
    story_docs: Kept<String, StoryEntry>,
    /// Rendered story pages by story and page of events, weighed in bytes.
    story_pages: Kept<(String, usize), RenderedPage>,
}

impl Default for DerivedCache {
    fn default() -> Self {
        DerivedCache {
            generation: None,
            checked: None,
            entities: None,
            rows: HashMap::new(),
            leans: HashMap::new(),
            stories: None,
            story_docs: Kept::new(STORY_DOC_BUDGET),
            story_pages: Kept::new(STORY_PAGE_BUDGET),
        }
    }
}

/// Entities whose rows are kept at once; the cache starts over when full.
const CACHED_ENTITIES: usize = 256;
/// Story leans kept at once (each a few numbers); starts over when full.
const CACHED_LEANS: usize = 100_000;

/// How long a cached article count is shown before it is read again.
pub(crate) const COUNT_TTL: Duration = Duration::from_secs(2);

/// Everything handlers need. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("db", &self.inner.location)
            .field("search", &self.inner.search)
            .finish()
    }
}

impl AppState {
    /// Lets write actions (feeds, `POST /api/ingest`) in for requests that
    /// carry `token`. Set once, before serving; an empty token is ignored.
    pub fn set_admin_token(&self, token: &str) {
        let token = token.trim();
        if !token.is_empty() {
            let _ = self.inner.admin_token.set(token.to_string());
        }
    }

    /// Opens the store at `db` (a SQLite file or a PostgreSQL server;
    /// created and migrated if needed), `readers` read-only connections for
    /// requests, and the search index in `index_dir`. Blocking: call it
    /// before starting the runtime or in `spawn_blocking`.
    pub fn open(
        db: &StoreLocation,
        index_dir: &Path,
        readers: usize,
    ) -> Result<AppState, ServeError> {
        let primary = db.open()?;
        let mut stores: Vec<Box<dyn Store>> = Vec::with_capacity(readers.max(1));
        for _ in 0..readers.max(1) {
            stores.push(db.open_read_only()?);
        }
        let search = SearchIndex::open_or_create(index_dir)?;
        Ok(AppState::from_parts(stores, primary, search, db.clone()))
    }

    /// State over any [`Store`] implementation: `readers` serve requests,
    /// `sync_store` feeds the search index.
    pub fn from_parts(
        readers: Vec<Box<dyn Store>>,
        sync_store: Box<dyn Store>,
        search: SearchIndex,
        location: StoreLocation,
    ) -> AppState {
        AppState {
            inner: Arc::new(Inner {
                pool: Arc::new(StorePool::new(readers)),
                search: Arc::new(search),
                sync_store: Mutex::new(sync_store),
                sync_status: Mutex::new(SyncStatus::default()),
                synced_generation: Mutex::new(None),
                article_count: Mutex::new(None),
                derived: Mutex::new(DerivedCache::default()),
                entities_reload: tokio::sync::Mutex::new(()),
                stories_reload: tokio::sync::Mutex::new(()),
                leans_reload: tokio::sync::Mutex::new(()),
                story_loads: LoadLocks::default(),
                outlets_again: std::sync::atomic::AtomicBool::new(false),
                outlets_running: std::sync::atomic::AtomicBool::new(false),
                location,
                admin_token: std::sync::OnceLock::new(),
            }),
        }
    }

    pub fn search_index(&self) -> &Arc<SearchIndex> {
        &self.inner.search
    }

    /// Brings the search index up to date with the store. The server does
    /// this on start and then periodically; tests call it directly.
    pub async fn sync_search(&self) -> Result<SyncReport, ServeError> {
        let inner = Arc::clone(&self.inner);
        let outcome = tokio::task::spawn_blocking(move || {
            let store = inner.sync_store.lock().unwrap_or_else(|p| p.into_inner());
            inner.search.sync_from_store(store.as_ref())
        })
        .await
        .map_err(|e| ServeError::Task(e.to_string()))?;
        let mut status = self
            .inner
            .sync_status
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        status.finished_at = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .ok()
            .map(|d| d.as_secs());
        match outcome {
            Ok(report) => {
                status.last = Some(report);
                status.error = None;
                Ok(report)
            }
            Err(e) => {
                status.error = Some(e.to_string());
                Err(e.into())
            }
        }
    }

    /// Indexes the named articles from the store at once (a queue's
    /// "article stored" events), without listing the store.
    pub async fn index_ids(&self, ids: Vec<String>) -> Result<usize, ServeError> {
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || {
            let store = inner.sync_store.lock().unwrap_or_else(|p| p.into_inner());
            inner.search.index_from_store(store.as_ref(), &ids)
        })
        .await
        .map_err(|e| ServeError::Task(e.to_string()))?
        .map_err(ServeError::from)
    }

    /// [`AppState::sync_search`], skipped when the store's change counter
    /// has not moved since the last successful sync (the periodic case: a
    /// no-change sync still lists every article).
    pub async fn sync_search_if_changed(&self) -> Result<Option<SyncReport>, ServeError> {
        let before = self.store_generation().await?;
        let unchanged = *self
            .inner
            .synced_generation
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            == Some(before);
        if unchanged {
            return Ok(None);
        }
        let report = self.sync_search().await?;
        // The counter from before the sync: a write during it triggers the
        // next one.
        *self
            .inner
            .synced_generation
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some(before);
        Ok(Some(report))
    }

    /// The store's change counter ([`Store::generation`]), read on the sync
    /// connection so it never waits behind requests.
    async fn store_generation(&self) -> Result<u64, ServeError> {
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || {
            let store = inner.sync_store.lock().unwrap_or_else(|p| p.into_inner());
            store.generation()
        })
        .await
        .map_err(|e| ServeError::Task(e.to_string()))?
        .map_err(ServeError::from)
    }

    /// The number of stored articles, at most [`COUNT_TTL`] old.
    pub(crate) async fn article_count(&self) -> Result<u64, PoolError> {
        let cached = *self
            .inner
            .article_count
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if let Some((at, count)) = cached {
            if at.elapsed() < COUNT_TTL {
                return Ok(count);
            }
        }
        let count = self.inner.pool.read(|s| s.count()).await?;
        *self
            .inner
            .article_count
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some((Instant::now(), count));
        Ok(count)
    }

    /// Empties the derived cache when the store changed since it was
    /// filled (asked at most every [`COUNT_TTL`]).
    async fn check_derived(&self) -> Result<(), PoolError> {
        self.fresh_generation().await.map(|_| ())
    }

    /// [`Self::check_derived`], returning the change counter the cache is
    /// at: what is read from the store now is kept only if the counter has
    /// not moved meanwhile ([`Self::keep_story`]).
    pub(crate) async fn fresh_generation(&self) -> Result<u64, PoolError> {
        {
            let cache = self.derived();
            if let (Some(at), Some(generation)) = (cache.checked, cache.generation) {
                if at.elapsed() < COUNT_TTL {
                    return Ok(generation);
                }
            }
        }
        let generation = self.inner.pool.read(|s| s.generation()).await?;
        let mut cache = self.derived();
        if cache.generation != Some(generation) {
            cache.entities = None;
            cache.rows.clear();
            cache.leans.clear();
            cache.stories = None;
            cache.story_docs.clear();
            cache.story_pages.clear();
            cache.generation = Some(generation);
        }
        cache.checked = Some(Instant::now());
        Ok(generation)
    }

    pub(crate) fn derived_story(&self, id: &str) -> Option<Arc<StoryEntry>> {
        self.derived().story_docs.get(&id.to_string())
    }

    /// Keeps a story read at `generation`, unless the store changed since.
    pub(crate) fn keep_story(
        &self,
        id: &str,
        entry: Arc<StoryEntry>,
        weight: usize,
        generation: u64,
    ) {
        let mut cache = self.derived();
        if cache.generation == Some(generation) {
            cache.story_docs.insert(id.to_string(), entry, weight);
        }
    }

    pub(crate) fn derived_story_page(&self, key: &(String, usize)) -> Option<Arc<RenderedPage>> {
        self.derived().story_pages.get(key)
    }

    /// Keeps a page rendered from a story read at `generation`, unless the
    /// store changed since.
    pub(crate) fn keep_story_page(
        &self,
        key: (String, usize),
        page: Arc<RenderedPage>,
        generation: u64,
    ) {
        let mut cache = self.derived();
        if cache.generation == Some(generation) {
            // The HTML and, once asked, its gzip (about a fifth of it).
            let weight = page.html.len() + page.html.len() / 4;
            cache.story_pages.insert(key, page, weight);
        }
    }

    fn derived(&self) -> std::sync::MutexGuard<'_, DerivedCache> {
        self.inner.derived.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Every stored story's row, newest first (the store's order), read
    /// once per store change: reading the rows costs milliseconds on a
    /// large store (SQLite walks past each story's document to reach the
    /// columns after it), and the list is every server's home page.
    pub(crate) async fn stories(
        &self,
    ) -> Result<Arc<Vec<parallax_store::StorySummary>>, PoolError> {
        self.check_derived().await?;
        if let Some(kept) = self.derived().stories.clone() {
            return Ok(kept);
        }
        let _reloading = self.inner.stories_reload.lock().await;
        if let Some(kept) = self.derived().stories.clone() {
            return Ok(kept);
        }
        let all = Arc::new(self.inner.pool.read(|s| s.list_stories()).await?);
        self.derived().stories = Some(Arc::clone(&all));
        Ok(all)
    }

    /// Every corpus-wide entity, most covered first (the store's order).
    pub(crate) async fn entities(&self) -> Result<Arc<Vec<EntitySummary>>, PoolError> {
        self.check_derived().await?;
        if let Some(kept) = self.derived().entities.clone() {
            return Ok(kept);
        }
        let _reloading = self.inner.entities_reload.lock().await;
        // Another request may have read it while this one waited.
        if let Some(kept) = self.derived().entities.clone() {
            return Ok(kept);
        }
        let all = self
            .inner
            .pool
            .read(|s| {
                s.list_entities(&EntityQuery {
                    limit: i64::MAX as usize,
                    ..EntityQuery::default()
                })
            })
            .await?;
        let all = Arc::new(all);
        self.derived().entities = Some(Arc::clone(&all));
        Ok(all)
    }

    /// The rows of one entity, newest article first
    /// (`Store::entity_articles`).
    pub(crate) async fn entity_rows(&self, id: &str) -> Result<Arc<Vec<ArticleEntity>>, PoolError> {
        self.check_derived().await?;
        if let Some(kept) = self.derived().rows.get(id) {
            return Ok(Arc::clone(kept));
        }
        let wanted = id.to_string();
        let rows = Arc::new(
            self.inner
                .pool
                .read(move |s| s.entity_articles(&wanted))
                .await?,
        );
        let mut cache = self.derived();
        if cache.rows.len() >= CACHED_ENTITIES {
            cache.rows.clear();
        }
        cache.rows.insert(id.to_string(), Arc::clone(&rows));
        Ok(rows)
    }

    /// The outlet lean of each of `ids` that has one, read from the
    /// story documents once and then kept until the database changes.
    pub(crate) async fn story_leans(
        &self,
        ids: &[String],
    ) -> Result<HashMap<String, LeanDistribution>, PoolError> {
        self.check_derived().await?;
        let missing = |cache: &DerivedCache| -> Vec<String> {
            ids.iter()
                .filter(|id| !cache.leans.contains_key(*id))
                .cloned()
                .collect()
        };
        if !missing(&self.derived()).is_empty() {
            let _reloading = self.inner.leans_reload.lock().await;
            // Another request may have read them while this one waited.
            let wanted = missing(&self.derived());
            if !wanted.is_empty() {
                let read = self
                    .inner
                    .pool
                    .read(move |s| {
                        let mut leans = Vec::with_capacity(wanted.len());
                        for id in wanted {
                            let lean = s.get_story(&id)?.and_then(|story| {
                                let lean = story.document.get("coverage")?.get("lean")?;
                                LeanDistribution::deserialize(lean).ok()
                            });
                            leans.push((id, lean));
                        }
                        Ok(leans)
                    })
                    .await?;
                let mut cache = self.derived();
                if cache.leans.len() + read.len() > CACHED_LEANS {
                    cache.leans.clear();
                }
                cache.leans.extend(read);
            }
        }
        let cache = self.derived();
        Ok(ids
            .iter()
            .filter_map(|id| Some((id.clone(), cache.leans.get(id)?.clone()?)))
            .collect())
    }

    pub(crate) fn sync_status(&self) -> SyncStatus {
        self.inner
            .sync_status
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parallax_model::{Article, ContentKind, Hints, OffsetMap, Origin, RawDoc, SourceFormat};
    use parallax_store::{NewArticle, SqliteStore};

    fn put(db: &Path, id: &str, text: &str) {
        let article = Article {
            id: id.into(),
            origin: Origin::file("t.txt"),
            format: SourceFormat::Text,
            url: None,
            outlet: Some("Test Outlet".into()),
            title: Some(format!("Title of {id}")),
            author: None,
            published: Some("2026-01-02".into()),
            language: None,
            text: text.into(),
            blocks: Vec::new(),
            removed: Vec::new(),
            offsets: OffsetMap::default(),
            warnings: Vec::new(),
            outlet_via: None,
            genre: None,
        };
        let raw = RawDoc {
            id: id.into(),
            origin: article.origin.clone(),
            format: SourceFormat::Text,
            kind: ContentKind::Text,
            content: text.into(),
            hints: Hints::default(),
            warnings: Vec::new(),
        };
        let mut store = SqliteStore::open(db).unwrap();
        store
            .put(&NewArticle {
                article: &article,
                raw: &raw,
                signature: None,
            })
            .unwrap();
    }

    #[tokio::test]
    async fn periodic_sync_runs_only_after_the_database_changed() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("p.db");
        put(&db, "first", "A lighthouse keeper retired.");
        let state = AppState::open(
            &StoreLocation::Sqlite(db.clone()),
            &dir.path().join("idx"),
            2,
        )
        .unwrap();

        let first = state.sync_search_if_changed().await.unwrap();
        assert_eq!(first.map(|r| r.indexed), Some(1));
        assert_eq!(state.sync_search_if_changed().await.unwrap(), None);

        // Another process (the pipeline) adds an article while serving.
        put(&db, "second", "Fishermen protested the new quota.");
        let second = state.sync_search_if_changed().await.unwrap();
        assert_eq!(second.map(|r| (r.indexed, r.unchanged)), Some((1, 1)));
        let hits = state.search_index().search("quota", 5).unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].id, "second");
        assert!(state.sync_status().error.is_none());
    }

    #[tokio::test]
    async fn entity_data_is_read_again_after_the_database_changed() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("p.db");
        put(
            &db,
            "first",
            "Harbour master Ada Okafor opened the new pier.",
        );
        parallax_pipeline::refresh(&mut SqliteStore::open(&db).unwrap(), true).unwrap();
        let state = AppState::open(
            &StoreLocation::Sqlite(db.clone()),
            &dir.path().join("idx"),
            2,
        )
        .unwrap();
        let ids =
            |all: &[EntitySummary]| -> Vec<String> { all.iter().map(|e| e.id.clone()).collect() };

        let before = state.entities().await.unwrap();
        assert!(
            ids(&before).contains(&"person:ada okafor".to_string()),
            "{before:?}"
        );
        assert!(!ids(&before).contains(&"person:ben marsh".to_string()));
        let rows = state.entity_rows("person:ada okafor").await.unwrap();
        assert_eq!(rows.len(), 1);
        assert!(
            Arc::ptr_eq(&before, &state.entities().await.unwrap()),
            "kept"
        );

        // The pipeline adds an article while the server runs.
        put(
            &db,
            "second",
            "Councillor Ben Marsh praised Ada Okafor on Friday.",
        );
        parallax_pipeline::refresh(&mut SqliteStore::open(&db).unwrap(), true).unwrap();
        std::thread::sleep(COUNT_TTL + Duration::from_millis(100));
        let after = state.entities().await.unwrap();
        assert!(
            ids(&after).contains(&"person:ben marsh".to_string()),
            "{after:?}"
        );
        assert_eq!(
            state.entity_rows("person:ada okafor").await.unwrap().len(),
            2
        );
    }

    #[tokio::test]
    async fn opening_a_directory_as_database_fails_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        let err = AppState::open(
            &StoreLocation::Sqlite(dir.path().to_path_buf()),
            &dir.path().join("idx"),
            2,
        )
        .unwrap_err();
        assert!(matches!(err, ServeError::Store(_)), "{err}");
    }
}
