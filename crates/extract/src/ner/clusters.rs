//! Word clusters from unlabelled text, for tagger features.
//!
//! Words that occur in similar contexts (`Tuesday`/`Friday`, `Smith`/`Jones`,
//! `Democrats`/`Republicans`) land in the same cluster, so the tagger can
//! generalise from a name it saw in training to one it only saw in
//! unlabelled news. Each word is a vector of positive PMI with its left and
//! right neighbours; spherical k-means splits the vocabulary hierarchically
//! (coarse, then each cluster again, then again), which gives three
//! granularities for little cost and stays deterministic (fixed seed).

use std::collections::HashMap;

/// Settings for [`derive_word_clusters`].
#[derive(Debug, Clone)]
pub struct ClusterConfig {
    /// Words rarer than this are not clustered.
    pub min_count: usize,
    /// How many of the most frequent words serve as context dimensions.
    pub context_words: usize,
    /// Branching at each of the three levels.
    pub branching: [usize; 3],
    pub iterations: usize,
    pub seed: u64,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            min_count: 3,
            context_words: 2000,
            branching: [16, 8, 8],
            iterations: 8,
            seed: 0xc105_7e45,
        }
    }
}

type Sparse = Vec<(u32, f32)>;

/// Clusters the lower-cased words of `sentences` (each a list of tokens).
/// Returns, per word, its cluster id at three levels, coarse to fine.
pub fn derive_word_clusters<S: AsRef<str>>(
    sentences: &[Vec<S>],
    cfg: &ClusterConfig,
) -> HashMap<String, [u16; 3]> {
    let mut freq: HashMap<String, usize> = HashMap::new();
    for s in sentences {
        for w in s {
            *freq.entry(w.as_ref().to_lowercase()).or_insert(0) += 1;
        }
    }
    let mut by_freq: Vec<(&String, &usize)> = freq.iter().collect();
    by_freq.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let context: HashMap<&str, u32> = by_freq
        .iter()
        .take(cfg.context_words)
        .enumerate()
        .map(|(i, (w, _))| (w.as_str(), i as u32))
        .collect();
    let vocab: Vec<&str> = by_freq
        .iter()
        .filter(|(_, &c)| c >= cfg.min_count)
        .map(|(w, _)| w.as_str())
        .collect();
    let vocab_id: HashMap<&str, usize> = vocab.iter().enumerate().map(|(i, w)| (*w, i)).collect();

    // Co-occurrence counts: dimension = context id (left) or K + id (right).
    let k = cfg.context_words as u32;
    let mut cooc: Vec<HashMap<u32, f32>> = vec![HashMap::new(); vocab.len()];
    let boundary = 2 * k; // sentence edge as its own context
    for s in sentences {
        let lower: Vec<String> = s.iter().map(|w| w.as_ref().to_lowercase()).collect();
        for (i, w) in lower.iter().enumerate() {
            let Some(&v) = vocab_id.get(w.as_str()) else {
                continue;
            };
            let left = if i == 0 {
                Some(boundary)
            } else {
                context.get(lower[i - 1].as_str()).copied()
            };
            let right = match lower.get(i + 1) {
                None => Some(boundary + 1),
                Some(r) => context.get(r.as_str()).map(|c| k + c),
            };
            for d in [left, right].into_iter().flatten() {
                *cooc[v].entry(d).or_insert(0.0) += 1.0;
            }
        }
    }
    // Positive PMI, L2-normalised.
    let dims = 2 * k as usize + 2;
    let mut dim_total = vec![0f64; dims];
    let mut total = 0f64;
    for row in &cooc {
        for (&d, &c) in row {
            dim_total[d as usize] += c as f64;
            total += c as f64;
        }
    }
    let vectors: Vec<Sparse> = cooc
        .iter()
        .map(|row| {
            let row_total: f64 = row.values().map(|&c| c as f64).sum();
            let mut v: Sparse = row
                .iter()
                .filter_map(|(&d, &c)| {
                    let pmi = ((c as f64 * total) / (row_total * dim_total[d as usize])).ln();
                    (pmi > 0.0).then_some((d, pmi as f32))
                })
                .collect();
            v.sort_unstable_by_key(|x| x.0);
            let norm = v.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt().max(1e-9);
            for x in v.iter_mut() {
                x.1 /= norm;
            }
            v
        })
        .collect();

    let mut ids = vec![[0u16; 3]; vocab.len()];
    let mut groups: Vec<Vec<usize>> = vec![(0..vocab.len()).collect()];
    let mut rng = cfg.seed | 1;
    for (level, &branching) in cfg.branching.iter().enumerate() {
        let mut next_groups = Vec::new();
        for (g, members) in groups.iter().enumerate() {
            let parts = kmeans(&vectors, members, branching, dims, cfg.iterations, &mut rng);
            for (p, part) in parts.into_iter().enumerate() {
                let id = g * branching + p;
                for &m in &part {
                    ids[m][level] = id.min(u16::MAX as usize) as u16;
                }
                next_groups.push(part);
            }
        }
        groups = next_groups;
    }
    vocab
        .iter()
        .zip(ids)
        .map(|(w, id)| (w.to_string(), id))
        .collect()
}

fn next_rand(rng: &mut u64) -> u64 {
    *rng ^= *rng << 13;
    *rng ^= *rng >> 7;
    *rng ^= *rng << 17;
    *rng
}

/// Spherical k-means of `members` into at most `k` parts.
fn kmeans(
    vectors: &[Sparse],
    members: &[usize],
    k: usize,
    dims: usize,
    iterations: usize,
    rng: &mut u64,
) -> Vec<Vec<usize>> {
    if members.is_empty() || k == 0 {
        return Vec::new();
    }
    // k-means++ seeding: each new centre is drawn with probability
    // proportional to its distance (1 - cosine) from the nearest chosen one.
    let dense = |m: usize| {
        let mut d = vec![0f32; dims];
        for &(i, x) in &vectors[m] {
            d[i as usize] = x;
        }
        d
    };
    let dot =
        |m: usize, c: &[f32]| -> f32 { vectors[m].iter().map(|&(d, x)| x * c[d as usize]).sum() };
    let first = members[(next_rand(rng) % members.len() as u64) as usize];
    let mut centres: Vec<Vec<f32>> = vec![dense(first)];
    let mut nearest: Vec<f32> = members.iter().map(|&m| dot(m, &centres[0])).collect();
    while centres.len() < k {
        let weights: Vec<f64> = nearest
            .iter()
            .map(|&s| {
                let d = 1.0 - s as f64;
                if d < 1e-5 {
                    0.0
                } else {
                    d
                }
            })
            .collect();
        let total: f64 = weights.iter().sum();
        if total <= 0.0 {
            break;
        }
        let mut target = (next_rand(rng) >> 11) as f64 / (1u64 << 53) as f64 * total;
        let mut pick = members.len() - 1;
        for (i, w) in weights.iter().enumerate() {
            if target < *w {
                pick = i;
                break;
            }
            target -= w;
        }
        let centre = dense(members[pick]);
        for (i, &m) in members.iter().enumerate() {
            nearest[i] = nearest[i].max(dot(m, &centre));
        }
        centres.push(centre);
    }
    let k = centres.len();
    let mut assign = vec![0usize; members.len()];
    for _ in 0..iterations {
        let mut changed = false;
        for (i, &m) in members.iter().enumerate() {
            let mut best = (f32::NEG_INFINITY, 0);
            for (c, centre) in centres.iter().enumerate() {
                let dot: f32 = vectors[m]
                    .iter()
                    .map(|&(d, x)| x * centre[d as usize])
                    .sum();
                if dot > best.0 {
                    best = (dot, c);
                }
            }
            if assign[i] != best.1 {
                changed = true;
                assign[i] = best.1;
            }
        }
        for c in centres.iter_mut() {
            c.iter_mut().for_each(|x| *x = 0.0);
        }
        for (i, &m) in members.iter().enumerate() {
            for &(d, x) in &vectors[m] {
                centres[assign[i]][d as usize] += x;
            }
        }
        for c in centres.iter_mut() {
            let norm = c.iter().map(|x| x * x).sum::<f32>().sqrt();
            if norm > 0.0 {
                c.iter_mut().for_each(|x| *x /= norm);
            }
        }
        if !changed {
            break;
        }
    }
    let mut parts = vec![Vec::new(); k];
    for (i, &m) in members.iter().enumerate() {
        parts[assign[i]].push(m);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similar_contexts_share_clusters() {
        let mut sentences = Vec::new();
        for day in ["monday", "tuesday", "friday"] {
            for _ in 0..20 {
                sentences.push(vec!["he", "left", "on", day, "morning", "."]);
            }
        }
        for name in ["paris", "london", "rome"] {
            for _ in 0..20 {
                sentences.push(vec!["she", "flew", "to", name, "yesterday", "."]);
            }
        }
        let cfg = ClusterConfig {
            context_words: 50,
            branching: [4, 4, 4],
            ..Default::default()
        };
        let c = derive_word_clusters(&sentences, &cfg);
        // Identical contexts: same cluster at every level; different
        // contexts: apart at the finest level.
        assert_eq!(c["monday"], c["friday"]);
        assert_eq!(c["paris"], c["rome"]);
        assert_ne!(c["monday"][2], c["paris"][2]);
        assert!(!c.contains_key("unseen"));
    }
}
