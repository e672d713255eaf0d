//! What the server keeps of story documents between requests.
//!
//! A story document holds the whole comparison of its articles; the store
//! keeps it compressed, so every view of a story page used to inflate and
//! parse all of it (a second or more for a story of thousands of articles,
//! which then could not be served under load at all). The documents and
//! the pages rendered from them only change when the pipeline writes, so
//! both are kept until the store's change counter moves
//! ([`crate::state::AppState`] empties them then), within a memory budget.
//!
//! Concurrent first views of one story wait for a single load instead of
//! each parsing the document (one lock per story being loaded).

use crate::state::{AppState, PoolError};
use crate::stories::StoryDoc;
use axum::body::Bytes;
use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::sync::{Arc, Mutex, OnceLock};

/// A map that keeps entries up to a total weight, forgetting the oldest
/// first. Plain FIFO: the entries are rebuilt from the store when needed,
/// so the policy only has to bound memory, not be clever.
pub(crate) struct Kept<K, V> {
    entries: HashMap<K, (Arc<V>, usize)>,
    order: VecDeque<K>,
    weight: usize,
    budget: usize,
}

impl<K: Hash + Eq + Clone, V> Kept<K, V> {
    pub(crate) fn new(budget: usize) -> Kept<K, V> {
        Kept {
            entries: HashMap::new(),
            order: VecDeque::new(),
            weight: 0,
            budget,
        }
    }

    pub(crate) fn get(&self, key: &K) -> Option<Arc<V>> {
        self.entries.get(key).map(|(value, _)| Arc::clone(value))
    }

    /// Keeps `value` unless it alone is over the budget (it is still
    /// returned to the caller, just not kept).
    pub(crate) fn insert(&mut self, key: K, value: Arc<V>, weight: usize) {
        if weight > self.budget {
            return;
        }
        if let Some((_, old)) = self.entries.remove(&key) {
            self.weight -= old;
            self.order.retain(|k| k != &key);
        }
        while self.weight + weight > self.budget {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            if let Some((_, w)) = self.entries.remove(&oldest) {
                self.weight -= w;
            }
        }
        self.weight += weight;
        self.order.push_back(key.clone());
        self.entries.insert(key, (value, weight));
    }

    pub(crate) fn clear(&mut self) {
        self.entries.clear();
        self.order.clear();
        self.weight = 0;
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.len()
    }
}

/// Parsed story documents kept at once, weighed by their articles: a
/// parsed document costs roughly 10–40 KB per article.
pub(crate) const STORY_DOC_BUDGET: usize = 20_000;
/// Rendered story pages kept at once, in bytes of HTML (plus their gzip).
pub(crate) const STORY_PAGE_BUDGET: usize = 64 << 20;

/// One stored story as the pages read it: its row (without the document)
/// and its document parsed into the shapes the pages show.
pub(crate) struct StoryEntry {
    pub(crate) stored: parallax_store::StoredStory,
    pub(crate) doc: StoryDoc,
}

/// A page as served: its HTML, and the gzip of it, made on the first
/// request that accepts gzip.
pub(crate) struct RenderedPage {
    pub(crate) html: Bytes,
    gzip: OnceLock<Option<Bytes>>,
}

impl RenderedPage {
    pub(crate) fn new(html: String) -> RenderedPage {
        RenderedPage {
            html: Bytes::from(html),
            gzip: OnceLock::new(),
        }
    }

    /// The page gzipped (`None` if compressing failed, which it does not
    /// for bytes in memory, or the page is too small to gain).
    pub(crate) fn gzip(&self) -> Option<Bytes> {
        self.gzip
            .get_or_init(|| crate::compress::gzip_bytes(&self.html).map(Bytes::from))
            .clone()
    }
}

/// What a story id leads to.
pub(crate) enum StoryLookup {
    Story(Arc<StoryEntry>),
    /// The story merged into, or split from, this one, which holds most
    /// of its articles now.
    Moved(String),
    Nothing,
}

/// Why a story could not be shown.
#[derive(Debug)]
pub(crate) enum StoryLoadError {
    Pool(PoolError),
    /// The document does not parse into today's shapes (written by
    /// another version).
    Unreadable(String),
}

impl From<PoolError> for StoryLoadError {
    fn from(e: PoolError) -> Self {
        StoryLoadError::Pool(e)
    }
}

/// One lock per key being loaded, so concurrent loads of one key become
/// one load and loads of different keys do not wait for each other.
#[derive(Default)]
pub(crate) struct LoadLocks {
    held: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl LoadLocks {
    pub(crate) fn lock_for(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        Arc::clone(held.entry(key.to_string()).or_default())
    }

    /// Forgets the lock of `key` once nobody else waits on it.
    pub(crate) fn release(&self, key: &str, lock: Arc<tokio::sync::Mutex<()>>) {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        // The map's copy and ours: nobody else holds or waits on it.
        if Arc::strong_count(&lock) <= 2 {
            held.remove(key);
        }
    }
}

impl AppState {
    /// The story `id` (its row and parsed document), read from the store
    /// once per store change.
    pub(crate) async fn story(&self, id: &str) -> Result<StoryLookup, StoryLoadError> {
        let generation = self.fresh_generation().await?;
        if let Some(kept) = self.derived_story(id) {
            return Ok(StoryLookup::Story(kept));
        }
        let lock = self.inner.story_loads.lock_for(id);
        let found = {
            let _loading = lock.lock().await;
            match self.derived_story(id) {
                Some(kept) => Ok(StoryLookup::Story(kept)),
                None => self.load_story(id, generation).await,
            }
        };
        self.inner.story_loads.release(id, lock);
        found
    }

    async fn load_story(&self, id: &str, generation: u64) -> Result<StoryLookup, StoryLoadError> {
        let wanted = id.to_string();
        let read = self
            .inner
            .pool
            .read(move |s| {
                if let Some(story) = s.get_story(&wanted)? {
                    return Ok(Ok(story));
                }
                Ok(Err(s.story_moved_to(&wanted)?))
            })
            .await?;
        let mut stored = match read {
            Ok(stored) => stored,
            Err(Some(to)) => return Ok(StoryLookup::Moved(to)),
            Err(None) => return Ok(StoryLookup::Nothing),
        };
        let document = std::mem::take(&mut stored.document);
        // Parsing a large document takes a while: off the async workers.
        let doc = tokio::task::spawn_blocking(move || serde_json::from_value::<StoryDoc>(document))
            .await
            .map_err(|e| StoryLoadError::Unreadable(format!("the reader stopped: {e}")))?
            .map_err(|e| StoryLoadError::Unreadable(e.to_string()))?;
        let weight = stored.article_count.max(doc.coverage.articles.len()).max(1);
        let entry = Arc::new(StoryEntry { stored, doc });
        self.keep_story(id, Arc::clone(&entry), weight, generation);
        Ok(StoryLookup::Story(entry))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_entries_stay_within_their_budget_oldest_out_first() {
        let mut kept: Kept<&str, u32> = Kept::new(10);
        kept.insert("a", Arc::new(1), 4);
        kept.insert("b", Arc::new(2), 4);
        assert_eq!(kept.len(), 2);
        kept.insert("c", Arc::new(3), 4);
        assert!(kept.get(&"a").is_none(), "the oldest goes first");
        assert_eq!(kept.get(&"b").as_deref(), Some(&2));
        assert_eq!(kept.get(&"c").as_deref(), Some(&3));
        // Replacing a key does not count it twice.
        kept.insert("c", Arc::new(4), 4);
        assert_eq!(kept.len(), 2);
        assert_eq!(kept.get(&"c").as_deref(), Some(&4));
        // One over the whole budget is not kept, and evicts nothing.
        kept.insert("huge", Arc::new(5), 11);
        assert!(kept.get(&"huge").is_none());
        assert_eq!(kept.len(), 2);
        kept.clear();
        assert_eq!(kept.len(), 0);
        kept.insert("d", Arc::new(6), 10);
        assert_eq!(kept.get(&"d").as_deref(), Some(&6));
    }

    #[test]
    fn load_locks_are_forgotten_when_released() {
        let locks = LoadLocks::default();
        let first = locks.lock_for("s1");
        let again = locks.lock_for("s1");
        assert!(Arc::ptr_eq(&first, &again), "one lock per key");
        locks.release("s1", again);
        // `first` still holds it: kept.
        assert!(Arc::ptr_eq(&first, &locks.lock_for("s1")));
        let held = locks.lock_for("s1");
        drop(held);
        locks.release("s1", first);
        let fresh = locks.lock_for("s1");
        assert_eq!(Arc::strong_count(&fresh), 2, "a new lock after release");
    }
}
