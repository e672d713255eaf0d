//! Measuring near-duplicate detection on a corpus without duplicate labels.
//!
//! Used by `examples/dedup_eval.rs` (prints figures) and by a test that
//! asserts floors on the shared PolNeAR articles. Three measurements:
//! 1. Natural copies: every pair is scored by brute force; the LSH index
//!    must propose every pair above 0.5 as a candidate.
//! 2. Synthetic wire copies of every article of 150+ words: a rewritten copy
//!    (new first sentence, every fourth word of one later sentence replaced)
//!    and a truncated copy (first 60%), looked up with
//!    [`LshIndex::matches`].
//! 3. False matches: each original queried against all others; any match
//!    that brute force did not already rate ≥ 0.5 counts as false.

use crate::{DedupError, LshIndex, MinHasher, Signature};
use std::collections::HashSet;
use std::path::Path;
use std::time::Instant;

/// Figures from [`evaluate`].
#[derive(Debug, Clone, PartialEq)]
pub struct EvalReport {
    pub articles: usize,
    pub words: usize,
    /// Articles long enough (150+ words) to get synthetic copies.
    pub eligible: usize,
    /// Pairs of distinct articles at estimated J ≥ 0.2 / ≥ 0.5.
    pub pairs_at_02: usize,
    pub pairs_at_05: usize,
    /// Of the pairs ≥ 0.5, how many LSH proposed as candidates.
    pub lsh_candidate_hits: usize,
    /// Share of rewritten copies matched to their original.
    pub rewritten_recall: f64,
    /// Share of truncated copies matched to their original.
    pub truncated_recall: f64,
    /// Estimated J of rewritten copies: median and 10th percentile.
    pub rewritten_median_j: f64,
    pub rewritten_p10_j: f64,
    /// Matches between distinct originals not explained by a natural pair.
    pub false_matches: usize,
    pub signatures_per_sec: f64,
    pub words_per_sec: f64,
    pub queries_per_sec: f64,
}

/// Reads PolNeAR texts (`data/polnear/{train,dev}/text/*`) under the shared
/// folder, sorted by file name; empty when absent.
pub fn load_polnear(shared: &Path) -> Vec<(String, String)> {
    let mut docs = Vec::new();
    for split in ["train", "dev"] {
        let dir = shared.join("data/polnear").join(split).join("text");
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        for entry in entries.flatten() {
            if let Ok(text) = std::fs::read_to_string(entry.path()) {
                docs.push((entry.file_name().to_string_lossy().into_owned(), text));
            }
        }
    }
    docs.sort();
    docs
}

/// Tiny deterministic generator (xorshift) for choosing edits.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

/// Splits after sentence-final punctuation followed by a space.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for i in 1..bytes.len() {
        if matches!(bytes[i - 1], b'.' | b'?' | b'!') && bytes[i] == b' ' {
            out.push(&text[start..i]);
            start = i + 1;
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// An outlet's version of an agency story: its own first sentence and one
/// later sentence reworded.
fn rewrite(text: &str, rng: &mut Rng) -> String {
    let mut parts: Vec<String> = sentences(text).into_iter().map(str::to_string).collect();
    if parts.is_empty() {
        return text.to_string();
    }
    parts[0] = "Readers of this site will want to know about the following development, \
                which our correspondents have been following closely this week."
        .to_string();
    if parts.len() > 2 {
        let k = 1 + rng.below(parts.len() - 1);
        let edited: Vec<&str> = parts[k]
            .split(' ')
            .enumerate()
            .map(|(i, w)| if i % 4 == 1 { "reportedly" } else { w })
            .collect();
        parts[k] = edited.join(" ");
    }
    parts.join(" ")
}

/// The first 60% of a text (cut at a character boundary).
fn truncate(text: &str) -> &str {
    let target = text.len() * 6 / 10;
    let cut = text
        .char_indices()
        .map(|(b, _)| b)
        .find(|&b| b >= target)
        .unwrap_or(text.len());
    &text[..cut]
}

/// Runs the three measurements with `matches(min_jaccard, min_containment)`.
pub fn evaluate(
    docs: &[(String, String)],
    hasher: &MinHasher,
    min_jaccard: f64,
    min_containment: f64,
) -> Result<EvalReport, DedupError> {
    let words: usize = docs.iter().map(|(_, t)| t.split_whitespace().count()).sum();
    let started = Instant::now();
    let sigs: Vec<Signature> = docs.iter().map(|(_, t)| hasher.signature(t)).collect();
    let sign_secs = started.elapsed().as_secs_f64().max(1e-9);

    let mut index = LshIndex::<usize>::for_params(hasher.params())?;
    for (i, sig) in sigs.iter().enumerate() {
        index.insert(i, sig)?;
    }

    let mut pairs_at_02 = 0;
    let mut natural = HashSet::new();
    for i in 0..sigs.len() {
        for j in i + 1..sigs.len() {
            let s = sigs[i].jaccard(&sigs[j]);
            pairs_at_02 += usize::from(s >= 0.2);
            if s >= 0.5 {
                natural.insert((i, j));
                natural.insert((j, i));
            }
        }
    }
    let pairs_at_05 = natural.len() / 2;
    let lsh_candidate_hits = natural
        .iter()
        .filter(|(i, j)| i < j && index.candidates(&sigs[*i]).contains(j))
        .count();

    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut eligible, mut rewritten_found, mut truncated_found) = (0usize, 0usize, 0usize);
    let mut rewritten_j = Vec::new();
    for (i, (_, text)) in docs.iter().enumerate() {
        if text.split_whitespace().count() < 150 {
            continue;
        }
        eligible += 1;
        let copy = hasher.signature(&rewrite(text, &mut rng));
        rewritten_j.push(copy.jaccard(&sigs[i]));
        rewritten_found += usize::from(
            index
                .matches(&copy, min_jaccard, min_containment)
                .iter()
                .any(|m| m.id == i),
        );
        let short = hasher.signature(truncate(text));
        truncated_found += usize::from(
            index
                .matches(&short, min_jaccard, min_containment)
                .iter()
                .any(|m| m.id == i),
        );
    }
    rewritten_j.sort_by(f64::total_cmp);
    let quantile = |q: usize| {
        rewritten_j
            .get(rewritten_j.len() * q / 100)
            .copied()
            .unwrap_or(0.0)
    };

    let started = Instant::now();
    let mut false_matches = 0;
    for (i, sig) in sigs.iter().enumerate() {
        false_matches += index
            .matches(sig, min_jaccard, min_containment)
            .iter()
            .filter(|m| m.id != i && !natural.contains(&(i, m.id)))
            .count();
    }
    let query_secs = started.elapsed().as_secs_f64().max(1e-9);
    let share = |n: usize| n as f64 / eligible.max(1) as f64;

    Ok(EvalReport {
        articles: docs.len(),
        words,
        eligible,
        pairs_at_02,
        pairs_at_05,
        lsh_candidate_hits,
        rewritten_recall: share(rewritten_found),
        truncated_recall: share(truncated_found),
        rewritten_median_j: quantile(50),
        rewritten_p10_j: quantile(10),
        false_matches,
        signatures_per_sec: docs.len() as f64 / sign_secs,
        words_per_sec: words as f64 / sign_secs,
        queries_per_sec: sigs.len() as f64 / query_secs,
    })
}
