//! Locality-sensitive hashing over MinHash signatures (banding).
//!
//! A signature of `bands × rows` values is cut into `bands` slices; two
//! texts become candidates when any slice is equal. The chance of that is
//! `1 - (1 - J^rows)^bands` for Jaccard similarity `J`, an S-curve whose steep
//! part sits near `(1/bands)^(1/rows)`. Candidates are then scored with the
//! full signature, so the curve only trades recall against scoring work.

use crate::minhash::{MinHashParams, Signature};
use crate::DedupError;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

/// Marks the end of a bucket chain.
const NONE: u32 = u32::MAX;

/// Jaccard similarity above which two articles count as copies of one
/// story. On the 924 PolNeAR articles (426k pairs) no two unrelated articles
/// reach even 0.2, while copies with a new intro and one reworded sentence
/// are found 89% of the time at 0.5 but only 49% at 0.8
/// (`cargo run -p parallax-dedup --release --example dedup_eval`).
pub const DEFAULT_NEAR_JACCARD: f64 = 0.5;
/// Share of the shorter text found in the longer one above which it counts
/// as a (truncated) copy.
pub const DEFAULT_CONTAINMENT: f64 = 0.8;
/// Containment is derived from the Jaccard estimate and the text sizes; a
/// chance hash collision between a stub and a long text would look like
/// containment, so it is only trusted above this Jaccard estimate and for
/// texts with at least [`MIN_SHINGLES_FOR_CONTAINMENT`] shingles.
const MIN_JACCARD_FOR_CONTAINMENT: f64 = 0.15;
pub const MIN_SHINGLES_FOR_CONTAINMENT: u32 = 40;

/// A stored text similar to a query text.
#[derive(Debug, Clone, PartialEq)]
pub struct NearMatch<I> {
    pub id: I,
    /// Estimated Jaccard similarity of the two shingle sets.
    pub jaccard: f64,
    /// Estimated share of the query's shingles found in the stored text
    /// (high when the query is a truncated copy of it); 0 when untrusted.
    pub query_in_stored: f64,
    /// Estimated share of the stored text's shingles found in the query.
    pub stored_in_query: f64,
}

impl<I> NearMatch<I> {
    /// The strongest of the three scores: how sure we are it is a copy.
    pub fn score(&self) -> f64 {
        self.jaccard
            .max(self.query_in_stored)
            .max(self.stored_in_query)
    }
}

fn trusted_containment(part: &Signature, whole: &Signature, jaccard: f64) -> f64 {
    if jaccard < MIN_JACCARD_FOR_CONTAINMENT || part.shingle_count() < MIN_SHINGLES_FOR_CONTAINMENT
    {
        return 0.0;
    }
    part.containment_in(whole)
}

/// Banding layout. `bands * rows` must not exceed the signature length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LshParams {
    pub bands: u16,
    pub rows: u16,
}

impl LshParams {
    /// Rows of 4: with 128 hashes, 32 bands, whose S-curve has its steep
    /// part near J≈0.42. A copy at J=0.5 is a candidate 87% of the time and
    /// one at J≥0.65 over 99.9%, so wire copies with a rewritten intro are
    /// not lost before scoring, while unrelated articles (J<0.1) almost never
    /// collide.
    pub fn for_hashes(num_hashes: u16) -> Self {
        let rows = 4.min(num_hashes.max(1));
        LshParams {
            bands: (num_hashes / rows).max(1),
            rows,
        }
    }

    /// Probability that two texts with Jaccard similarity `jaccard` share at
    /// least one band.
    pub fn candidate_probability(&self, jaccard: f64) -> f64 {
        let j = jaccard.clamp(0.0, 1.0);
        1.0 - (1.0 - j.powi(i32::from(self.rows))).powi(i32::from(self.bands))
    }

    fn validate(&self, minhash: &MinHashParams) -> Result<(), DedupError> {
        if self.bands == 0 || self.rows == 0 {
            return Err(DedupError::InvalidParams(
                "LSH bands and rows must both be at least 1".into(),
            ));
        }
        if usize::from(self.bands) * usize::from(self.rows) > usize::from(minhash.num_hashes) {
            return Err(DedupError::InvalidParams(format!(
                "LSH needs bands × rows ≤ num_hashes, got {} × {} > {}",
                self.bands, self.rows, minhash.num_hashes
            )));
        }
        Ok(())
    }
}

/// Band keys are already well-mixed 64-bit values: hash them as themselves
/// instead of running SipHash again.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8)) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type BandTable = HashMap<u64, u32, BuildHasherDefault<KeyHasher>>;

#[derive(Debug, Clone)]
struct Entry<I> {
    id: I,
    signature: Signature,
    live: bool,
}

/// An LSH index of signatures keyed by article id.
///
/// Buckets are intrusive linked lists (one `u32` per entry and band in a
/// flat vector), so inserting costs no allocation beyond amortised vector
/// and table growth. Re-inserting an id or removing it leaves a tombstone;
/// [`Self::compact`] reclaims them.
#[derive(Debug, Clone)]
pub struct LshIndex<I = String> {
    minhash: MinHashParams,
    lsh: LshParams,
    entries: Vec<Entry<I>>,
    by_id: HashMap<I, u32>,
    heads: Vec<BandTable>,
    /// `next[entry * bands + band]`: the next entry in that band's bucket.
    next: Vec<u32>,
    live: usize,
}

impl<I: Clone + Eq + Hash> LshIndex<I> {
    pub fn new(minhash: MinHashParams, lsh: LshParams) -> Result<Self, DedupError> {
        minhash.validate()?;
        lsh.validate(&minhash)?;
        Ok(LshIndex {
            minhash,
            lsh,
            entries: Vec::new(),
            by_id: HashMap::new(),
            heads: (0..lsh.bands).map(|_| BandTable::default()).collect(),
            next: Vec::new(),
            live: 0,
        })
    }

    /// An index with [`LshParams::for_hashes`] banding.
    pub fn for_params(minhash: MinHashParams) -> Result<Self, DedupError> {
        Self::new(minhash, LshParams::for_hashes(minhash.num_hashes))
    }

    pub fn minhash_params(&self) -> MinHashParams {
        self.minhash
    }

    pub fn lsh_params(&self) -> LshParams {
        self.lsh
    }

    /// Number of ids currently indexed.
    pub fn len(&self) -> usize {
        self.live
    }

    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    pub fn contains(&self, id: &I) -> bool {
        self.by_id.contains_key(id)
    }

    pub fn signature(&self, id: &I) -> Option<&Signature> {
        let &e = self.by_id.get(id)?;
        self.entries.get(e as usize).map(|entry| &entry.signature)
    }

    fn check(&self, sig: &Signature) -> Result<(), DedupError> {
        if sig.params() != self.minhash
            || sig.values().len() != usize::from(self.minhash.num_hashes)
        {
            return Err(DedupError::IncompatibleSignature {
                expected: self.minhash.to_string(),
                found: sig.params().to_string(),
            });
        }
        Ok(())
    }

    fn band_key(&self, sig: &Signature, band: usize) -> u64 {
        let rows = usize::from(self.lsh.rows);
        let mut h: u64 = 0x8442_2325_cbf2_9ce4 ^ band as u64;
        for &v in &sig.values()[band * rows..(band + 1) * rows] {
            h = (h ^ u64::from(v)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
            h ^= h >> 29;
        }
        h
    }

    /// Adds `id` with its signature, replacing any earlier signature for the
    /// same id. Empty signatures (texts without words) are remembered but
    /// never match.
    pub fn insert(&mut self, id: I, sig: &Signature) -> Result<(), DedupError> {
        self.insert_owned(id, sig.clone())
    }

    /// [`Self::insert`] for a signature the caller no longer needs (no copy).
    pub fn insert_owned(&mut self, id: I, sig: Signature) -> Result<(), DedupError> {
        self.check(&sig)?;
        let index = u32::try_from(self.entries.len())
            .ok()
            .filter(|&i| i != NONE)
            .ok_or_else(|| DedupError::InvalidParams("LSH index is full (2^32 entries)".into()))?;
        if let Some(old) = self.by_id.insert(id.clone(), index) {
            if let Some(entry) = self.entries.get_mut(old as usize) {
                entry.live = false;
            }
        } else {
            self.live += 1;
        }
        let bands = usize::from(self.lsh.bands);
        self.next.reserve(bands);
        for band in 0..bands {
            if sig.is_empty() {
                self.next.push(NONE);
                continue;
            }
            let key = self.band_key(&sig, band);
            let previous_head = self.heads[band].insert(key, index).unwrap_or(NONE);
            self.next.push(previous_head);
        }
        self.entries.push(Entry {
            id,
            signature: sig,
            live: true,
        });
        Ok(())
    }

    /// Forgets `id`; returns whether it was indexed.
    pub fn remove(&mut self, id: &I) -> bool {
        match self.by_id.remove(id) {
            Some(e) => {
                if let Some(entry) = self.entries.get_mut(e as usize) {
                    entry.live = false;
                }
                self.live -= 1;
                true
            }
            None => false,
        }
    }

    /// Rebuilds the tables without tombstones left by re-inserts/removals.
    pub fn compact(&mut self) {
        let old = std::mem::take(&mut self.entries);
        self.by_id.clear();
        self.next.clear();
        for table in &mut self.heads {
            table.clear();
        }
        self.live = 0;
        for entry in old.into_iter().filter(|e| e.live) {
            // Signatures were checked when first inserted.
            let _ = self.insert_owned(entry.id, entry.signature);
        }
    }

    /// Entry indices sharing a band with `sig`, sorted, without duplicates.
    fn candidate_entries(&self, sig: &Signature, out: &mut Vec<u32>) {
        out.clear();
        if self.check(sig).is_err() || sig.is_empty() {
            return;
        }
        let bands = usize::from(self.lsh.bands);
        for band in 0..bands {
            let key = self.band_key(sig, band);
            let mut e = self.heads[band].get(&key).copied().unwrap_or(NONE);
            while e != NONE {
                if self.entries[e as usize].live {
                    out.push(e);
                }
                e = self.next[e as usize * bands + band];
            }
        }
        out.sort_unstable();
        out.dedup();
    }

    /// Ids that share at least one band with `sig`, oldest first. A
    /// signature with other parameters than the index has no candidates.
    pub fn candidates(&self, sig: &Signature) -> Vec<I> {
        let mut found = Vec::new();
        self.candidate_entries(sig, &mut found);
        found
            .into_iter()
            .map(|e| self.entries[e as usize].id.clone())
            .collect()
    }

    /// Candidates whose estimated Jaccard similarity with `sig` is at least
    /// `threshold`, best first (ties: oldest first, i.e. the likely original).
    /// If `sig`'s own id is indexed it is among the results with 1.0; filter
    /// it out when querying for an indexed article.
    pub fn near_duplicates(&self, sig: &Signature, threshold: f64) -> Vec<(I, f64)> {
        let mut found = Vec::new();
        self.candidate_entries(sig, &mut found);
        let mut scored: Vec<(u32, f64)> = found
            .into_iter()
            .map(|e| (e, self.entries[e as usize].signature.jaccard(sig)))
            .filter(|&(_, score)| score >= threshold)
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        scored
            .into_iter()
            .map(|(e, score)| (self.entries[e as usize].id.clone(), score))
            .collect()
    }
}

impl<I: Clone + Eq + Hash> LshIndex<I> {
    /// Stored texts that `sig`'s text copies or is copied by: Jaccard at least
    /// `min_jaccard`, or one text at least `min_containment` contained in the
    /// other (a truncated wire copy). Best [`NearMatch::score`] first, ties
    /// oldest first. Containment below about 0.3 Jaccard is only found when
    /// LSH makes the pair a candidate, which becomes unlikely (see
    /// [`LshParams::candidate_probability`]).
    pub fn matches(
        &self,
        sig: &Signature,
        min_jaccard: f64,
        min_containment: f64,
    ) -> Vec<NearMatch<I>> {
        let mut found = Vec::new();
        self.candidate_entries(sig, &mut found);
        let mut out: Vec<(u32, NearMatch<I>)> = Vec::new();
        for e in found {
            let entry = &self.entries[e as usize];
            let jaccard = entry.signature.jaccard(sig);
            let m = NearMatch {
                id: entry.id.clone(),
                jaccard,
                query_in_stored: trusted_containment(sig, &entry.signature, jaccard),
                stored_in_query: trusted_containment(&entry.signature, sig, jaccard),
            };
            if m.jaccard >= min_jaccard
                || m.query_in_stored.max(m.stored_in_query) >= min_containment
            {
                out.push((e, m));
            }
        }
        out.sort_by(|a, b| b.1.score().total_cmp(&a.1.score()).then(a.0.cmp(&b.0)));
        out.into_iter().map(|(_, m)| m).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_banding_curve() {
        let p = LshParams::for_hashes(128);
        assert_eq!((p.bands, p.rows), (32, 4));
        assert!(p.candidate_probability(0.8) > 0.999);
        assert!(p.candidate_probability(0.5) > 0.85);
        assert!(p.candidate_probability(0.1) < 0.01);
    }

    #[test]
    fn bad_banding_is_rejected() {
        let mh = MinHashParams::default();
        assert!(LshIndex::<String>::new(mh, LshParams { bands: 64, rows: 4 }).is_err());
        assert!(LshIndex::<String>::new(mh, LshParams { bands: 0, rows: 4 }).is_err());
    }
}
