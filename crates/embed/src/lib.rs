//! Static per-token embeddings: one vector per WordPiece token, distilled
//! once from a sentence encoder, so that "the same event in other words"
//! can be measured at the cost of a table lookup per token instead of a
//! transformer pass per article.
//!
//! The table is built by `scripts/distill-embeddings.py`, which runs the
//! encoder (all-MiniLM-L6-v2, MIT) on every vocabulary token alone, keeps
//! the mean of its outputs, and reduces the vectors to a few principal
//! components stored as 8-bit integers with one scale per row. The table
//! this crate ships ([`StaticEmbeddings::builtin`]) is such a file; its
//! provenance and licence notice travel inside it ([`StaticEmbeddings::meta`])
//! and beside it (`data/NOTICE`).
//!
//! What this crate does not do: weigh tokens (the caller knows its corpus
//! statistics), compare documents, or know anything of articles or stories.
//!
//! File layout (all integers little-endian): the magic `PXTOKEMB`, the
//! format version (u32, [`FORMAT`]), the length of a UTF-8 JSON metadata
//! block (u32) and the block, the vocabulary size and dimension (u32 each),
//! the tokens in id order (u8 length, UTF-8 bytes), one f32 scale per token,
//! then the rows (vocabulary × dimension i8).

mod wordpiece;

use rustc_hash::FxHashMap;
use std::path::Path;
use std::sync::OnceLock;

pub use wordpiece::basic_words;

/// Version of the table layout this build reads.
pub const FORMAT: u32 = 1;
const MAGIC: &[u8; 8] = b"PXTOKEMB";

/// Why a table cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    #[error("cannot read embedding table {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("not a Parallax embedding table (no PXTOKEMB header)")]
    NotTable,
    #[error("embedding table has format {found}; this build reads format {FORMAT}")]
    Format { found: u32 },
    #[error("embedding table is damaged: {0}")]
    Corrupt(&'static str),
}

/// A vocabulary of WordPiece tokens with one quantised vector each.
#[derive(Debug)]
pub struct StaticEmbeddings {
    meta: String,
    dims: usize,
    ids: FxHashMap<Box<str>, u32>,
    scales: Vec<f32>,
    rows: Vec<i8>,
    /// FNV-1a of the whole file: saved state that holds vectors from one
    /// table must not be mixed with another's.
    digest: u64,
    longest: usize,
}

static BUILTIN_BYTES: &[u8] = include_bytes!("../data/minilm-static.bin");
static BUILTIN: OnceLock<Option<StaticEmbeddings>> = OnceLock::new();

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], EmbedError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or(EmbedError::Corrupt("truncated"))?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }

    fn u32(&mut self) -> Result<u32, EmbedError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
}

impl StaticEmbeddings {
    /// The table shipped with Parallax, parsed once; `None` only if the
    /// shipped file is damaged (a build problem, reported by the tests).
    pub fn builtin() -> Option<&'static StaticEmbeddings> {
        BUILTIN
            .get_or_init(|| StaticEmbeddings::from_bytes(BUILTIN_BYTES).ok())
            .as_ref()
    }

    /// Reads a table file.
    pub fn load(path: &Path) -> Result<Self, EmbedError> {
        let bytes = std::fs::read(path).map_err(|source| EmbedError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_bytes(&bytes)
    }

    /// Parses a table; every length is checked against the bytes present.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, EmbedError> {
        if bytes.len() < 8 || &bytes[..8] != MAGIC {
            return Err(EmbedError::NotTable);
        }
        let mut r = Reader { bytes, at: 8 };
        let found = r.u32()?;
        if found != FORMAT {
            return Err(EmbedError::Format { found });
        }
        let meta_len = r.u32()? as usize;
        let meta = std::str::from_utf8(r.take(meta_len)?)
            .map_err(|_| EmbedError::Corrupt("metadata is not UTF-8"))?
            .to_owned();
        let vocab = r.u32()? as usize;
        let dims = r.u32()? as usize;
        if vocab == 0 || dims == 0 || dims > 4096 {
            return Err(EmbedError::Corrupt("empty table or absurd dimension"));
        }
        // Each token takes at least one byte: a vocabulary larger than the
        // file is damage, not an allocation to attempt.
        if vocab > bytes.len() {
            return Err(EmbedError::Corrupt("vocabulary larger than the file"));
        }
        let mut ids = FxHashMap::default();
        ids.reserve(vocab);
        let mut longest = 0;
        for id in 0..vocab {
            let len = r.take(1)?[0] as usize;
            let token = std::str::from_utf8(r.take(len)?)
                .map_err(|_| EmbedError::Corrupt("token is not UTF-8"))?;
            longest = longest.max(token.len());
            // A repeated token keeps its first id, as a WordPiece vocabulary does.
            ids.entry(Box::from(token)).or_insert(id as u32);
        }
        let scale_bytes = r.take(vocab.checked_mul(4).ok_or(EmbedError::Corrupt("size"))?)?;
        let scales: Vec<f32> = scale_bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        if scales.iter().any(|s| !s.is_finite()) {
            return Err(EmbedError::Corrupt("a scale is not finite"));
        }
        let row_bytes = r.take(vocab.checked_mul(dims).ok_or(EmbedError::Corrupt("size"))?)?;
        let rows: Vec<i8> = row_bytes.iter().map(|&b| b as i8).collect();
        if r.at != bytes.len() {
            return Err(EmbedError::Corrupt("trailing bytes"));
        }
        Ok(StaticEmbeddings {
            meta,
            dims,
            ids,
            scales,
            rows,
            digest: fnv1a(bytes),
            longest,
        })
    }

    /// Vector length.
    pub fn dims(&self) -> usize {
        self.dims
    }

    /// Number of tokens.
    pub fn vocab_len(&self) -> usize {
        self.scales.len()
    }

    /// The table's JSON metadata: source model, method, licence notice.
    pub fn meta(&self) -> &str {
        &self.meta
    }

    /// A fingerprint of the table's bytes.
    pub fn digest(&self) -> u64 {
        self.digest
    }

    /// The id of a token, if the vocabulary has it.
    pub fn id(&self, token: &str) -> Option<u32> {
        self.ids.get(token).copied()
    }

    /// Calls `f` with the id of each WordPiece token of `text`, in order,
    /// at most `limit` times. Words the vocabulary cannot spell are
    /// skipped (the encoder would see `[UNK]`, which carries nothing).
    pub fn for_each_token(&self, text: &str, limit: usize, mut f: impl FnMut(u32)) {
        let mut left = limit;
        let mut piece = String::new();
        let mut found: Vec<u32> = Vec::new();
        basic_words(text, |word| {
            if left == 0 {
                return false;
            }
            found.clear();
            if wordpiece::split(word, self.longest, &mut piece, &mut found, |t| self.id(t)) {
                for &id in found.iter().take(left) {
                    f(id);
                }
                left = left.saturating_sub(found.len());
            }
            left > 0
        });
    }

    /// Adds `weight` times the vector of token `id` to `out` (of length
    /// [`Self::dims`]); an unknown id or a wrong length adds nothing.
    pub fn add_row(&self, id: u32, weight: f32, out: &mut [f32]) {
        let i = id as usize;
        if out.len() != self.dims || i >= self.scales.len() {
            return;
        }
        let w = weight * self.scales[i];
        let row = &self.rows[i * self.dims..(i + 1) * self.dims];
        for (o, &q) in out.iter_mut().zip(row) {
            *o += w * f32::from(q);
        }
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A three-dimensional table over a handful of tokens.
    fn tiny() -> Vec<u8> {
        let tokens = [
            "[UNK]", "the", "fire", "##s", "wild", ",", "un", "##aff", "##able",
        ];
        let mut b = Vec::new();
        b.extend_from_slice(MAGIC);
        b.extend_from_slice(&FORMAT.to_le_bytes());
        let meta = br#"{"source":"test"}"#;
        b.extend_from_slice(&(meta.len() as u32).to_le_bytes());
        b.extend_from_slice(meta);
        b.extend_from_slice(&(tokens.len() as u32).to_le_bytes());
        b.extend_from_slice(&3u32.to_le_bytes());
        for t in tokens {
            b.push(t.len() as u8);
            b.extend_from_slice(t.as_bytes());
        }
        for _ in tokens {
            b.extend_from_slice(&0.5f32.to_le_bytes());
        }
        for (i, _) in tokens.iter().enumerate() {
            b.extend_from_slice(&[i as u8, 0, 255]);
        }
        b
    }

    #[test]
    fn reads_a_table_and_spells_words_in_pieces() {
        let t = StaticEmbeddings::from_bytes(&tiny()).expect("table");
        assert_eq!((t.vocab_len(), t.dims()), (9, 3));
        assert_eq!(t.meta(), r#"{"source":"test"}"#);
        let mut ids = Vec::new();
        t.for_each_token("The wild FIRES, unaffable zebra", 100, |id| ids.push(id));
        // the, wild, fire ##s, ",", un ##aff ##able; "zebra" cannot be spelled.
        assert_eq!(ids, vec![1, 4, 2, 3, 5, 6, 7, 8]);
        let mut some = Vec::new();
        t.for_each_token("The wild FIRES", 2, |id| some.push(id));
        assert_eq!(some, vec![1, 4]);
        let mut v = vec![0.0; 3];
        t.add_row(2, 2.0, &mut v);
        assert_eq!(v, vec![2.0, 0.0, -1.0]);
        t.add_row(99, 1.0, &mut v);
        t.add_row(2, 1.0, &mut [0.0; 2]);
        assert_eq!(v, vec![2.0, 0.0, -1.0]);
    }

    #[test]
    fn damaged_tables_are_refused_not_trusted() {
        let good = tiny();
        assert!(matches!(
            StaticEmbeddings::from_bytes(b"nope"),
            Err(EmbedError::NotTable)
        ));
        for cut in [9, 14, 30, good.len() - 1] {
            assert!(
                StaticEmbeddings::from_bytes(&good[..cut]).is_err(),
                "cut {cut}"
            );
        }
        let mut longer = good.clone();
        longer.push(0);
        assert!(StaticEmbeddings::from_bytes(&longer).is_err());
        let mut other = good;
        other[8] = 9;
        assert!(matches!(
            StaticEmbeddings::from_bytes(&other),
            Err(EmbedError::Format { found: 9 })
        ));
    }

    #[test]
    fn the_shipped_table_loads_and_knows_common_words() {
        let t = StaticEmbeddings::builtin().expect("the shipped table parses");
        assert!(t.vocab_len() > 20_000, "{}", t.vocab_len());
        assert!(
            t.meta().contains("MIT"),
            "licence notice travels with the table"
        );
        for w in ["the", "election", "##s", "police"] {
            assert!(t.id(w).is_some(), "{w}");
        }
    }
}
