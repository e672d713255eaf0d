//! Shared server state: a pool of store connections and the search index.

use crate::ServeError;
use parallax_search::{SearchIndex, SyncReport};
use parallax_store::{SqliteStore, Store, StoreError};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};
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
    pub(crate) db_path: PathBuf,
}

/// Everything handlers need. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("db", &self.inner.db_path)
            .field("search", &self.inner.search)
            .finish()
    }
}

impl AppState {
    /// Opens the database at `db` (creating and migrating it if needed),
    /// `readers` read-only connections for requests, and the search index
    /// in `index_dir`. Blocking: call it before starting the runtime or in
    /// `spawn_blocking`.
    pub fn open(db: &Path, index_dir: &Path, readers: usize) -> Result<AppState, ServeError> {
        let primary = SqliteStore::open(db)?;
        let mut stores: Vec<Box<dyn Store>> = Vec::with_capacity(readers.max(1));
        for _ in 0..readers.max(1) {
            stores.push(Box::new(SqliteStore::open_read_only(db)?));
        }
        let search = SearchIndex::open_or_create(index_dir)?;
        Ok(AppState::from_parts(
            stores,
            Box::new(primary),
            search,
            db.to_path_buf(),
        ))
    }

    /// State over any [`Store`] implementation: `readers` serve requests,
    /// `sync_store` feeds the search index.
    pub fn from_parts(
        readers: Vec<Box<dyn Store>>,
        sync_store: Box<dyn Store>,
        search: SearchIndex,
        db_path: PathBuf,
    ) -> AppState {
        AppState {
            inner: Arc::new(Inner {
                pool: Arc::new(StorePool::new(readers)),
                search: Arc::new(search),
                sync_store: Mutex::new(sync_store),
                sync_status: Mutex::new(SyncStatus::default()),
                db_path,
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

    pub(crate) fn sync_status(&self) -> SyncStatus {
        self.inner
            .sync_status
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}
