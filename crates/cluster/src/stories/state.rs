//! The story engine's state as bytes, so that `parallax ingest` can go on
//! where the last run stopped.
//!
//! [`StoryEngine::save`] writes everything a later push depends on:
//! document frequencies and the vocabulary (with its free ids, which decide
//! the ids of new terms), the live articles with their term vectors, links
//! and near-duplicate signatures, the candidate index (dead entries
//! included: they count towards a term's posting length), arrival and sweep
//! counters, the hashes of closed articles' ids, held closed events with
//! their profiles and undrained reported forms, and finished arcs not
//! drained yet. [`StoryEngine::load`] rebuilds the rest (id maps, the LSH
//! tables, in arrival order so that ties break as before), so pushing the
//! next article after a load gives exactly what it gives without one.
//!
//! Layout: an 8-byte magic, the format version (u32), a fingerprint of the
//! [`StoryConfig`] (u64), the payload length (u64), a CRC-32 of the payload
//! (all little-endian), then the payload in postcard (a compact serde
//! binary encoding). A state saved under other settings, by another
//! format version, truncated or damaged is refused with a [`StateError`];
//! the caller then builds the engine again from the articles.

use super::{stable_hash, ClosedEvent, FinishedStory, Item, StoryConfig, StoryEngine, Vocab};
use chrono::NaiveDate;
use parallax_dedup::Signature;
use parallax_embed::StaticEmbeddings;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Version of the saved layout; bumped whenever the payload or the meaning
/// of any saved field changes.
pub const STATE_FORMAT: u32 = 2;

const MAGIC: &[u8; 8] = b"PXSTORY\0";
const HEADER_LEN: usize = 8 + 4 + 8 + 8 + 4;

/// Why saved state cannot be used. Every case means: build the engine again.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StateError {
    #[error("not story engine state (no Parallax story-state header)")]
    NotState,
    #[error("story engine state has format {found}; this build reads format {expected}")]
    Format { found: u32, expected: u32 },
    #[error("story engine state was saved with other settings")]
    ConfigChanged,
    #[error("story engine state is damaged: {0}")]
    Corrupt(String),
    #[error("invalid story settings: {0}")]
    Config(String),
}

/// The saved fields, borrowed for writing. [`StateIn`] must list the same
/// fields in the same order with types of the same encoding.
#[derive(Serialize)]
struct StateOut<'a> {
    arrivals: u64,
    newest_date: Option<NaiveDate>,
    pushes_since_sweep: u64,
    pushes_since_vacuum: u64,
    arc_sweep_date: Option<NaiveDate>,
    arc_sweep_arrivals: u64,
    vocab_texts: Vec<Option<&'a str>>,
    vocab_shown: &'a [Option<Box<str>>],
    vocab_df: &'a [u32],
    vocab_free: &'a [u32],
    vocab_docs: u64,
    items: Vec<(u32, &'a Item)>,
    signatures: Vec<(u32, Vec<u8>)>,
    postings: Vec<(u32, &'a [u32])>,
    closed_ids: Vec<u8>,
    closed: &'a [ClosedEvent],
    finished: &'a [FinishedStory],
}

#[derive(Deserialize)]
struct StateIn {
    arrivals: u64,
    newest_date: Option<NaiveDate>,
    pushes_since_sweep: u64,
    pushes_since_vacuum: u64,
    arc_sweep_date: Option<NaiveDate>,
    arc_sweep_arrivals: u64,
    vocab_texts: Vec<Option<String>>,
    vocab_shown: Vec<Option<Box<str>>>,
    vocab_df: Vec<u32>,
    vocab_free: Vec<u32>,
    vocab_docs: u64,
    items: Vec<(u32, Item)>,
    signatures: Vec<(u32, Vec<u8>)>,
    postings: Vec<(u32, Vec<u32>)>,
    closed_ids: Vec<u8>,
    closed: Vec<ClosedEvent>,
    finished: Vec<FinishedStory>,
}

/// Settings that change what the engine does, as a number: state saved
/// under other settings would not continue the same way.
/// The embedding table's digest is part of it: dense vectors saved from
/// one table mean nothing next to another's.
fn config_fingerprint(config: &StoryConfig, table: Option<&StaticEmbeddings>) -> u64 {
    let table = table.map_or(0, StaticEmbeddings::digest);
    stable_hash(&format!("{config:?} {table:016x}"))
}

impl StoryEngine {
    /// The engine's state as bytes (see the module documentation); load it
    /// with [`Self::load`] and the same settings. Costs about the live
    /// window plus held closed events (see [`Self::state_size`]): drain
    /// closed events first to keep it small.
    pub fn save(&self) -> Vec<u8> {
        let mut items: Vec<(u32, &Item)> = self.items.iter().map(|(&i, item)| (i, item)).collect();
        items.sort_unstable_by_key(|&(i, _)| i);
        let signatures = items
            .iter()
            .filter_map(|&(i, _)| Some((i, self.lsh.signature(&i)?.to_bytes())))
            .collect();
        let mut postings: Vec<(u32, &[u32])> = self
            .postings
            .iter()
            .map(|(&t, p)| (t, p.as_slice()))
            .collect();
        postings.sort_unstable_by_key(|&(t, _)| t);
        let mut closed_ids: Vec<u64> = self.closed_ids.iter().copied().collect();
        closed_ids.sort_unstable();
        let state = StateOut {
            arrivals: self.arrivals,
            newest_date: self.newest_date,
            pushes_since_sweep: self.pushes_since_sweep as u64,
            pushes_since_vacuum: self.pushes_since_vacuum as u64,
            arc_sweep_date: self.arc_sweep_date,
            arc_sweep_arrivals: self.arc_sweep_arrivals,
            vocab_texts: self.vocab.texts.iter().map(|t| t.as_deref()).collect(),
            vocab_shown: &self.vocab.shown,
            vocab_df: &self.vocab.df,
            vocab_free: &self.vocab.free,
            vocab_docs: self.vocab.docs,
            items,
            signatures,
            postings,
            closed_ids: closed_ids.iter().flat_map(|h| h.to_le_bytes()).collect(),
            closed: &self.closed,
            finished: &self.finished,
        };
        // Plain data only: encoding cannot fail; if it ever did, the empty
        // payload is refused on load and the caller rebuilds.
        let payload = postcard::to_stdvec(&state).unwrap_or_default();
        let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&STATE_FORMAT.to_le_bytes());
        out.extend_from_slice(&config_fingerprint(&self.config, self.dense).to_le_bytes());
        out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        out.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
        out.extend_from_slice(&payload);
        out
    }

    /// An engine from [`Self::save`]'s bytes that continues exactly where
    /// the saved one stopped. `config` must be the settings it was saved
    /// with ([`StateError::ConfigChanged`] otherwise).
    pub fn load(bytes: &[u8], config: StoryConfig) -> Result<StoryEngine, StateError> {
        config.validate().map_err(StateError::Config)?;
        if bytes.len() < HEADER_LEN || &bytes[..8] != MAGIC {
            return Err(StateError::NotState);
        }
        let u32_at = |at: usize| {
            let mut b = [0u8; 4];
            b.copy_from_slice(&bytes[at..at + 4]);
            u32::from_le_bytes(b)
        };
        let u64_at = |at: usize| {
            let mut b = [0u8; 8];
            b.copy_from_slice(&bytes[at..at + 8]);
            u64::from_le_bytes(b)
        };
        let format = u32_at(8);
        if format != STATE_FORMAT {
            return Err(StateError::Format {
                found: format,
                expected: STATE_FORMAT,
            });
        }
        let payload = &bytes[HEADER_LEN..];
        let length = u64_at(20);
        if payload.len() as u64 != length {
            return Err(StateError::Corrupt(format!(
                "payload of {} bytes, header says {length}",
                payload.len()
            )));
        }
        if crc32fast::hash(payload) != u32_at(28) {
            return Err(StateError::Corrupt("checksum mismatch".into()));
        }
        let table = StaticEmbeddings::builtin().filter(|_| config.dense_weight > 0.0);
        if u64_at(12) != config_fingerprint(&config, table) {
            return Err(StateError::ConfigChanged);
        }
        let (state, rest) = postcard::take_from_bytes::<StateIn>(payload)
            .map_err(|e| StateError::Corrupt(e.to_string()))?;
        if !rest.is_empty() {
            return Err(StateError::Corrupt(format!(
                "{} bytes after the state",
                rest.len()
            )));
        }
        Self::from_state(state, config)
    }

    /// Checks what the engine relies on and rebuilds the derived maps.
    fn from_state(state: StateIn, config: StoryConfig) -> Result<StoryEngine, StateError> {
        let bad = |why: &str| Err(StateError::Corrupt(why.to_owned()));
        let terms = state.vocab_texts.len();
        if state.vocab_shown.len() != terms || state.vocab_df.len() != terms {
            return bad("vocabulary columns differ in length");
        }
        let mut engine = StoryEngine::with_valid_config(config);

        let mut ids: FxHashMap<Arc<str>, u32> = FxHashMap::default();
        let mut texts: Vec<Option<Arc<str>>> = Vec::with_capacity(terms);
        for (i, text) in state.vocab_texts.into_iter().enumerate() {
            let text: Option<Arc<str>> = text.map(Arc::from);
            if let Some(t) = &text {
                if ids.insert(t.clone(), i as u32).is_some() {
                    return bad("a term is listed twice");
                }
            }
            texts.push(text);
        }
        let mut free_seen = FxHashSet::default();
        for &f in &state.vocab_free {
            let unused = texts.get(f as usize).is_some_and(Option::is_none);
            if !unused || !free_seen.insert(f) {
                return bad("a free term id is out of range or in use");
            }
        }
        engine.vocab = Vocab {
            ids,
            texts,
            shown: state.vocab_shown,
            df: state.vocab_df,
            free: state.vocab_free,
            docs: state.vocab_docs,
            word_cache: FxHashMap::default(),
        };

        let mut previous = None;
        let mut dims: Option<usize> = None;
        for (index, item) in state.items {
            if previous.is_some_and(|p| p >= index) || u64::from(index) >= state.arrivals {
                return bad("live articles out of order");
            }
            previous = Some(index);
            // Vectors from the table or from the caller's encoder: one length.
            if !item.dense.is_empty() && *dims.get_or_insert(item.dense.len()) != item.dense.len() {
                return bad("dense vectors of two lengths");
            }
            if engine.by_id.insert(item.id.clone(), index).is_some() {
                return bad("an article id is listed twice");
            }
            engine.live.push(index);
            engine.items.insert(index, item);
        }
        for (index, bytes) in state.signatures {
            if !engine.items.contains_key(&index) {
                return bad("a signature of no live article");
            }
            let signature =
                Signature::from_bytes(&bytes).map_err(|e| StateError::Corrupt(e.to_string()))?;
            engine
                .lsh
                .insert_owned(index, signature)
                .map_err(|e| StateError::Corrupt(e.to_string()))?;
        }
        engine.postings = state.postings.into_iter().collect();
        if !state.closed_ids.len().is_multiple_of(8) {
            return bad("closed article hashes cut short");
        }
        engine.closed_ids = state
            .closed_ids
            .chunks_exact(8)
            .map(|c| {
                let mut b = [0u8; 8];
                b.copy_from_slice(c);
                u64::from_le_bytes(b)
            })
            .collect();
        engine.arrivals = state.arrivals;
        engine.newest_date = state.newest_date;
        engine.pushes_since_sweep = state.pushes_since_sweep as usize;
        engine.pushes_since_vacuum = state.pushes_since_vacuum as usize;
        engine.arc_sweep_date = state.arc_sweep_date;
        engine.arc_sweep_arrivals = state.arc_sweep_arrivals;
        engine.closed = state.closed;
        engine.finished = state.finished;
        Ok(engine)
    }
}
