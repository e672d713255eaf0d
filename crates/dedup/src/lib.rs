//! Exact and near-duplicate detection (wire copy) for clean text.
//!
//! Newsrooms republish agency copy with a new intro, a trimmed ending or a
//! corrected sentence. Two tools cover this:
//!
//! * [`content_hash`]: a SHA-256 of the text after folding case, Unicode
//!   compatibility forms, whitespace and punctuation. Equal hashes mean the
//!   same words in the same order: an exact copy.
//! * [`MinHasher`] → [`Signature`] → [`LshIndex`]: MinHash signatures over
//!   word shingles estimate the Jaccard similarity of two texts' shingle
//!   sets; an LSH banding index finds candidate copies without comparing
//!   against every stored article.
//!
//! Everything is deterministic across runs and platforms (no random seeds,
//! no platform hashers), so signatures can be stored and the index rebuilt
//! from them on start.

pub mod eval;
mod lsh;
mod minhash;
mod tokens;

pub use lsh::{
    LshIndex, LshParams, NearMatch, DEFAULT_CONTAINMENT, DEFAULT_NEAR_JACCARD,
    MIN_SHINGLES_FOR_CONTAINMENT,
};
pub use minhash::{exact_jaccard, MinHashParams, MinHasher, Signature};
pub use tokens::{content_hash, normalized_text};

/// What can go wrong when building or combining dedup structures.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DedupError {
    #[error("invalid MinHash parameters: {0}")]
    InvalidParams(String),
    #[error(
        "signature was made with different MinHash parameters ({found}) than this index uses \
         ({expected}); rebuild the signatures with one configuration"
    )]
    IncompatibleSignature { expected: String, found: String },
    #[error("cannot decode a stored MinHash signature: {0} (recompute it from the article text)")]
    BadSignatureBytes(String),
}
