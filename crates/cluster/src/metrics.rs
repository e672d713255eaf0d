//! External clustering metrics: NMI, pairwise and B-cubed precision/recall/F1.
//!
//! All three are computed from one contingency table of predicted cluster ×
//! gold class, so the cost is linear in the number of items.

use rustc_hash::FxHashMap;
use std::fmt;
use std::hash::Hash;

/// Precision, recall and their harmonic mean.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Prf {
    pub fn new(precision: f64, recall: f64) -> Self {
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        Prf {
            precision,
            recall,
            f1,
        }
    }
}

impl fmt::Display for Prf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "P {:.4}  R {:.4}  F1 {:.4}",
            self.precision, self.recall, self.f1
        )
    }
}

/// Agreement between a predicted partition and a gold one.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PartitionScores {
    pub items: usize,
    pub predicted_clusters: usize,
    pub gold_clusters: usize,
    /// Mutual information over the arithmetic mean of the two entropies
    /// (scikit-learn's default since 0.22).
    pub nmi: f64,
    /// Mutual information over the geometric mean of the entropies
    /// (scikit-learn's default before 0.22, used by older papers).
    pub nmi_geometric: f64,
    pub pairwise: Prf,
    pub bcubed: Prf,
}

/// Scores `predicted` against `gold`; both give one label per item, in the
/// same order. Label values only need to be comparable within each side.
///
/// Returns `None` when the slices differ in length or are empty.
pub fn score_partition<P, G>(predicted: &[P], gold: &[G]) -> Option<PartitionScores>
where
    P: Eq + Hash,
    G: Eq + Hash,
{
    if predicted.len() != gold.len() || predicted.is_empty() {
        return None;
    }
    let n = predicted.len() as f64;
    let mut pred_index: FxHashMap<&P, usize> = FxHashMap::default();
    let mut gold_index: FxHashMap<&G, usize> = FxHashMap::default();
    let mut cells: FxHashMap<(usize, usize), u64> = FxHashMap::default();
    for (p, g) in predicted.iter().zip(gold) {
        let next = pred_index.len();
        let pi = *pred_index.entry(p).or_insert(next);
        let next = gold_index.len();
        let gi = *gold_index.entry(g).or_insert(next);
        *cells.entry((pi, gi)).or_insert(0) += 1;
    }
    let mut pred_sizes = vec![0u64; pred_index.len()];
    let mut gold_sizes = vec![0u64; gold_index.len()];
    for (&(pi, gi), &c) in &cells {
        pred_sizes[pi] += c;
        gold_sizes[gi] += c;
    }

    let entropy = |sizes: &[u64]| -> f64 {
        sizes
            .iter()
            .filter(|&&s| s > 0)
            .map(|&s| {
                let p = s as f64 / n;
                -p * p.ln()
            })
            .sum()
    };
    let h_pred = entropy(&pred_sizes);
    let h_gold = entropy(&gold_sizes);
    let mutual: f64 = cells
        .iter()
        .map(|(&(pi, gi), &c)| {
            let c = c as f64;
            let expected = pred_sizes[pi] as f64 * gold_sizes[gi] as f64;
            (c / n) * (n * c / expected).ln()
        })
        .sum();
    // Both partitions trivial (one cluster each): identical, so agreement is total.
    let normalise = |denominator: f64| {
        if denominator <= f64::EPSILON {
            1.0
        } else {
            (mutual / denominator).clamp(0.0, 1.0)
        }
    };
    let nmi = normalise((h_pred + h_gold) / 2.0);
    let nmi_geometric = normalise((h_pred * h_gold).sqrt());

    let pairs = |x: u64| (x * x.saturating_sub(1) / 2) as f64;
    let same_both: f64 = cells.values().map(|&c| pairs(c)).sum();
    let same_pred: f64 = pred_sizes.iter().map(|&s| pairs(s)).sum();
    let same_gold: f64 = gold_sizes.iter().map(|&s| pairs(s)).sum();
    // With no pairs on a side, nothing on that side can be wrong.
    let ratio = |num: f64, den: f64| if den > 0.0 { num / den } else { 1.0 };
    let pairwise = Prf::new(ratio(same_both, same_pred), ratio(same_both, same_gold));

    let mut b3_precision = 0.0;
    let mut b3_recall = 0.0;
    for (&(pi, gi), &c) in &cells {
        let c = c as f64;
        b3_precision += c * c / pred_sizes[pi] as f64;
        b3_recall += c * c / gold_sizes[gi] as f64;
    }
    let bcubed = Prf::new(b3_precision / n, b3_recall / n);

    Some(PartitionScores {
        items: predicted.len(),
        predicted_clusters: pred_sizes.len(),
        gold_clusters: gold_sizes.len(),
        nmi,
        nmi_geometric,
        pairwise,
        bcubed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_partitions_score_one() {
        let s = score_partition(&[1, 1, 2, 3, 3], &["a", "a", "b", "c", "c"]).unwrap();
        assert!((s.nmi - 1.0).abs() < 1e-12);
        assert!((s.pairwise.f1 - 1.0).abs() < 1e-12);
        assert!((s.bcubed.f1 - 1.0).abs() < 1e-12);
        assert_eq!(s.predicted_clusters, 3);
    }

    #[test]
    fn all_in_one_cluster_has_full_recall_low_precision() {
        let s = score_partition(&[0, 0, 0, 0], &[1, 1, 2, 2]).unwrap();
        assert!(s.nmi.abs() < 1e-12);
        assert!((s.pairwise.recall - 1.0).abs() < 1e-12);
        // 2 of the 6 predicted pairs are gold pairs.
        assert!((s.pairwise.precision - 2.0 / 6.0).abs() < 1e-12);
        assert!((s.bcubed.precision - 0.5).abs() < 1e-12);
        assert!((s.bcubed.recall - 1.0).abs() < 1e-12);
    }

    #[test]
    fn known_nmi_value() {
        // Reference value from an independent implementation of the same
        // definition (arithmetic-mean NMI of [0,0,1,1] vs [0,0,0,1]).
        let s = score_partition(&[0, 0, 1, 1], &[0, 0, 0, 1]).unwrap();
        assert!((s.nmi - 0.343_711_018_485_450_8).abs() < 1e-9, "{}", s.nmi);
    }

    #[test]
    fn mismatched_or_empty_inputs_are_rejected() {
        assert!(score_partition(&[1, 2], &[1]).is_none());
        assert!(score_partition::<u32, u32>(&[], &[]).is_none());
    }
}
