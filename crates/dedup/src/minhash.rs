//! MinHash signatures over word shingles.

use crate::tokens::for_each_token;
use crate::DedupError;
use std::collections::HashSet;
use std::fmt;

/// Longest shingle supported; the ring buffer of token hashes is this long.
const MAX_SHINGLE_WORDS: usize = 16;
/// More hashes than this buys little accuracy and costs storage per article.
const MAX_HASHES: usize = 1024;
/// Magic + format version at the start of [`Signature::to_bytes`].
const SIGNATURE_MAGIC: &[u8; 4] = b"PXMH";
const SIGNATURE_FORMAT: u8 = 1;
const HEADER_LEN: usize = 4 + 1 + 1 + 2 + 8 + 4;

/// How signatures are made. Two signatures are comparable only when made
/// with equal parameters; the parameters travel inside every [`Signature`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MinHashParams {
    /// Words per shingle. 5 keeps common phrases ("said in a statement on")
    /// from making unrelated articles look alike while one edited word only
    /// disturbs five shingles.
    pub shingle_words: u8,
    /// Number of hash functions (signature length). The standard error of the
    /// Jaccard estimate is about `sqrt(J(1-J)/num_hashes)`: ±0.035 at J=0.8
    /// with 128.
    pub num_hashes: u16,
    /// Seed for the hash family; change it and every stored signature must be
    /// recomputed.
    pub seed: u64,
}

impl Default for MinHashParams {
    fn default() -> Self {
        MinHashParams {
            shingle_words: 5,
            num_hashes: 128,
            seed: 0x5041_5241_4C4C_4158, // "PARALLAX"
        }
    }
}

impl MinHashParams {
    pub fn validate(&self) -> Result<(), DedupError> {
        let words = usize::from(self.shingle_words);
        if words == 0 || words > MAX_SHINGLE_WORDS {
            return Err(DedupError::InvalidParams(format!(
                "shingle_words must be 1..={MAX_SHINGLE_WORDS}, got {words}"
            )));
        }
        let hashes = usize::from(self.num_hashes);
        if hashes == 0 || hashes > MAX_HASHES {
            return Err(DedupError::InvalidParams(format!(
                "num_hashes must be 1..={MAX_HASHES}, got {hashes}"
            )));
        }
        Ok(())
    }
}

impl fmt::Display for MinHashParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-word shingles, {} hashes, seed {:#x}",
            self.shingle_words, self.num_hashes, self.seed
        )
    }
}

/// The 64-bit finaliser of MurmurHash3: a cheap bijective mixer.
#[inline]
fn fmix64(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^= h >> 33;
    h
}

/// SplitMix64 step, used to derive the hash family from the seed.
#[inline]
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    fmix64(*state)
}

/// FNV-1a over the token's UTF-8 bytes, then mixed: platform independent,
/// unlike `std`'s randomly keyed hasher.
#[inline]
fn token_hash(token: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in token.as_bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    fmix64(h)
}

/// Order-sensitive hash of a window of token hashes.
#[inline]
fn shingle_hash(tokens: impl Iterator<Item = u64>) -> u64 {
    let mut h: u64 = 0x243f_6a88_85a3_08d3;
    for t in tokens {
        h = fmix64(h ^ t).wrapping_add(0x9e37_79b9_7f4a_7c15);
    }
    h
}

/// Calls `emit` with the hash of every `k`-word shingle of `text` and returns
/// how many there were. A text of 1..k words yields one shingle of all its
/// words, so short texts (headlines, captions) still compare.
fn for_each_shingle(text: &str, k: usize, mut emit: impl FnMut(u64)) -> u32 {
    let k = k.clamp(1, MAX_SHINGLE_WORDS);
    let mut ring = [0u64; MAX_SHINGLE_WORDS];
    let mut seen: usize = 0;
    let mut count: u32 = 0;
    for_each_token(text, |tok| {
        ring[seen % k] = token_hash(tok);
        seen += 1;
        if seen >= k {
            // Oldest token first: positions seen-k .. seen-1.
            let h = shingle_hash((seen - k..seen).map(|i| ring[i % k]));
            emit(h);
            count = count.saturating_add(1);
        }
    });
    if seen > 0 && seen < k {
        emit(shingle_hash(ring[..seen].iter().copied()));
        count = 1;
    }
    count
}

/// Makes [`Signature`]s. Build one per configuration and reuse it: it holds
/// the hash family so each signature costs one pass over the text and one
/// allocation (the signature itself).
#[derive(Debug, Clone)]
pub struct MinHasher {
    params: MinHashParams,
    /// Multiply-add hash family `h_i(x) = (a_i * x + b_i) >> 32` with odd
    /// `a_i`; `x` is already a well-mixed shingle hash.
    mul: Vec<u64>,
    add: Vec<u64>,
}

impl Default for MinHasher {
    fn default() -> Self {
        // Default parameters are valid by construction.
        Self::build(MinHashParams::default())
    }
}

impl MinHasher {
    pub fn new(params: MinHashParams) -> Result<Self, DedupError> {
        params.validate()?;
        Ok(Self::build(params))
    }

    fn build(params: MinHashParams) -> Self {
        let n = usize::from(params.num_hashes);
        let mut state = params.seed;
        let mut mul = Vec::with_capacity(n);
        let mut add = Vec::with_capacity(n);
        for _ in 0..n {
            mul.push(splitmix64(&mut state) | 1);
            add.push(splitmix64(&mut state));
        }
        MinHasher { params, mul, add }
    }

    pub fn params(&self) -> MinHashParams {
        self.params
    }

    /// The signature of `text` (normalised as in [`crate::content_hash`]).
    pub fn signature(&self, text: &str) -> Signature {
        let mut mins = vec![u32::MAX; self.mul.len()];
        let shingles = for_each_shingle(text, usize::from(self.params.shingle_words), |x| {
            for ((m, &a), &b) in mins.iter_mut().zip(&self.mul).zip(&self.add) {
                let v = (a.wrapping_mul(x).wrapping_add(b) >> 32) as u32;
                if v < *m {
                    *m = v;
                }
            }
        });
        Signature {
            params: self.params,
            shingles,
            mins,
        }
    }
}

/// A MinHash signature: per hash function, the minimum over the text's
/// shingles. Compact (4 bytes per hash) and storable with
/// [`Signature::to_bytes`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    params: MinHashParams,
    /// Number of shingles in the text (with repeats), used for containment.
    shingles: u32,
    mins: Vec<u32>,
}

impl Signature {
    pub fn params(&self) -> MinHashParams {
        self.params
    }

    pub fn values(&self) -> &[u32] {
        &self.mins
    }

    /// Shingles in the source text; 0 for a text without words.
    pub fn shingle_count(&self) -> u32 {
        self.shingles
    }

    /// True for a text without any word: it resembles nothing.
    pub fn is_empty(&self) -> bool {
        self.shingles == 0
    }

    pub fn is_compatible(&self, other: &Signature) -> bool {
        self.params == other.params && self.mins.len() == other.mins.len()
    }

    /// Estimated Jaccard similarity of the two texts' shingle sets, in
    /// `0.0..=1.0`. Identical texts give exactly 1.0. Returns 0.0 when either
    /// text is empty or the signatures were made with different parameters
    /// (check [`Self::is_compatible`] to tell these apart).
    pub fn jaccard(&self, other: &Signature) -> f64 {
        if !self.is_compatible(other) || self.is_empty() || other.is_empty() {
            return 0.0;
        }
        let equal = self
            .mins
            .iter()
            .zip(&other.mins)
            .filter(|(a, b)| a == b)
            .count();
        equal as f64 / self.mins.len() as f64
    }

    /// Estimated share of this text's shingles that also occur in `other`
    /// (approximate: shingle counts include repeats). High containment with
    /// low Jaccard is the signature of a truncated wire copy: a short piece
    /// that is the first half of a longer agency story.
    pub fn containment_in(&self, other: &Signature) -> f64 {
        let j = self.jaccard(other);
        if j == 0.0 {
            return 0.0;
        }
        let (a, b) = (f64::from(self.shingles), f64::from(other.shingles));
        // |A∩B| = J(|A|+|B|)/(1+J)
        (j * (a + b) / (1.0 + j) / a).clamp(0.0, 1.0)
    }

    /// Portable little-endian encoding: magic, format version, parameters,
    /// shingle count, then the minima.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER_LEN + 4 * self.mins.len());
        out.extend_from_slice(SIGNATURE_MAGIC);
        out.push(SIGNATURE_FORMAT);
        out.push(self.params.shingle_words);
        out.extend_from_slice(&self.params.num_hashes.to_le_bytes());
        out.extend_from_slice(&self.params.seed.to_le_bytes());
        out.extend_from_slice(&self.shingles.to_le_bytes());
        for m in &self.mins {
            out.extend_from_slice(&m.to_le_bytes());
        }
        out
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Signature, DedupError> {
        let bad = |why: &str| DedupError::BadSignatureBytes(why.to_string());
        if bytes.len() < HEADER_LEN {
            return Err(bad("too short"));
        }
        let (header, body) = bytes.split_at(HEADER_LEN);
        if &header[..4] != SIGNATURE_MAGIC {
            return Err(bad("not a Parallax MinHash signature"));
        }
        if header[4] != SIGNATURE_FORMAT {
            return Err(DedupError::BadSignatureBytes(format!(
                "unknown signature format {}",
                header[4]
            )));
        }
        let le_u16 = |s: &[u8]| u16::from_le_bytes([s[0], s[1]]);
        let le_u32 = |s: &[u8]| u32::from_le_bytes([s[0], s[1], s[2], s[3]]);
        let mut seed = [0u8; 8];
        seed.copy_from_slice(&header[8..16]);
        let params = MinHashParams {
            shingle_words: header[5],
            num_hashes: le_u16(&header[6..8]),
            seed: u64::from_le_bytes(seed),
        };
        params
            .validate()
            .map_err(|e| DedupError::BadSignatureBytes(e.to_string()))?;
        let shingles = le_u32(&header[16..20]);
        if body.len() != 4 * usize::from(params.num_hashes) {
            return Err(DedupError::BadSignatureBytes(format!(
                "expected {} hash values, found {} bytes",
                params.num_hashes,
                body.len()
            )));
        }
        let mins = body.chunks_exact(4).map(le_u32).collect();
        Ok(Signature {
            params,
            shingles,
            mins,
        })
    }
}

/// Exact Jaccard similarity of two texts' `shingle_words`-word shingle sets:
/// the quantity [`Signature::jaccard`] estimates. For evaluation and for
/// confirming a borderline match; it allocates two hash sets.
pub fn exact_jaccard(a: &str, b: &str, shingle_words: u8) -> f64 {
    let k = usize::from(shingle_words);
    let mut set_a = HashSet::new();
    let mut set_b = HashSet::new();
    for_each_shingle(a, k, |h| {
        set_a.insert(h);
    });
    for_each_shingle(b, k, |h| {
        set_b.insert(h);
    });
    if set_a.is_empty() || set_b.is_empty() {
        return 0.0;
    }
    let inter = set_a.intersection(&set_b).count();
    let union = set_a.len() + set_b.len() - inter;
    inter as f64 / union as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shingles_count_words_and_short_texts() {
        let mut n = 0;
        assert_eq!(for_each_shingle("a b c d e f g", 5, |_| n += 1), 3);
        assert_eq!(n, 3);
        assert_eq!(for_each_shingle("just two", 5, |_| {}), 1);
        assert_eq!(for_each_shingle("  ...  ", 5, |_| {}), 0);
    }

    #[test]
    fn shingle_hash_is_order_sensitive() {
        let mut a = Vec::new();
        let mut b = Vec::new();
        for_each_shingle("one two three", 3, |h| a.push(h));
        for_each_shingle("three two one", 3, |h| b.push(h));
        assert_ne!(a, b);
    }

    #[test]
    fn signature_bytes_round_trip_and_reject_garbage() {
        let sig = MinHasher::default().signature("a short text about the budget vote");
        let bytes = sig.to_bytes();
        assert_eq!(bytes.len(), HEADER_LEN + 4 * 128);
        assert_eq!(Signature::from_bytes(&bytes), Ok(sig));
        assert!(Signature::from_bytes(&[]).is_err());
        assert!(Signature::from_bytes(&bytes[..bytes.len() - 1]).is_err());
        let mut wrong_magic = bytes.clone();
        wrong_magic[0] = b'X';
        assert!(Signature::from_bytes(&wrong_magic).is_err());
        let mut zero_hashes = bytes;
        zero_hashes[6] = 0;
        zero_hashes[7] = 0;
        assert!(Signature::from_bytes(&zero_hashes).is_err());
    }

    #[test]
    fn invalid_params_are_rejected() {
        let bad = MinHashParams {
            shingle_words: 0,
            ..MinHashParams::default()
        };
        assert!(MinHasher::new(bad).is_err());
        let bad = MinHashParams {
            num_hashes: 0,
            ..MinHashParams::default()
        };
        assert!(MinHasher::new(bad).is_err());
    }
}
