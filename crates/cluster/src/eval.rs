//! Evaluation against labelled streams in MStream's JSONL format.
//!
//! Each line is an object with `Id`, `clusterNo` (the gold story) and
//! `textCleaned` (lower-cased, stemmed, stop words removed). The text is fed
//! as title terms, since MStream's items are headlines.

use crate::arcs::{story_arcs, ArcConfig};
use crate::doc::{ClusterDoc, TermAnalyzer, WhitespaceAnalyzer};
use crate::metrics::{score_partition, PartitionScores};
use crate::stream::{ClusterConfig, StreamClusterer};
use serde::Deserialize;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Why a labelled file could not be evaluated.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} line {line}: {message}")]
    Parse {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{path}: no documents")]
    Empty { path: PathBuf },
}

/// A document with its gold cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelledDoc {
    pub doc: ClusterDoc,
    pub gold: String,
}

#[derive(Deserialize)]
struct MStreamLine {
    #[serde(rename = "Id")]
    id: serde_json::Value,
    #[serde(rename = "clusterNo")]
    cluster: serde_json::Value,
    #[serde(rename = "textCleaned")]
    text: String,
}

/// Reads an MStream JSONL file. Blank lines are skipped; a malformed line is
/// an error naming the line.
pub fn load_mstream(path: &Path) -> Result<Vec<LabelledDoc>, EvalError> {
    let text = std::fs::read_to_string(path).map_err(|source| EvalError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let docs = parse_mstream(&text).map_err(|(line, message)| EvalError::Parse {
        path: path.to_path_buf(),
        line,
        message,
    })?;
    if docs.is_empty() {
        return Err(EvalError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(docs)
}

/// A label or id that may be written as a JSON string or number.
pub(crate) fn json_scalar(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Parses MStream JSONL text; errors carry the 1-based line number.
pub fn parse_mstream(text: &str) -> Result<Vec<LabelledDoc>, (usize, String)> {
    let mut docs = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let record: MStreamLine =
            serde_json::from_str(line).map_err(|e| (number + 1, e.to_string()))?;
        let scalar = |v: &serde_json::Value, field: &str| {
            json_scalar(v)
                .ok_or_else(|| (number + 1, format!("`{field}` must be a string or number")))
        };
        let id = scalar(&record.id, "Id")?;
        let gold = scalar(&record.cluster, "clusterNo")?;
        let terms = WhitespaceAnalyzer.terms(&record.text);
        docs.push(LabelledDoc {
            doc: ClusterDoc::from_title_terms(id, terms),
            gold,
        });
    }
    Ok(docs)
}

/// Quality and speed of one clustering run.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalReport {
    pub scores: PartitionScores,
    pub seconds: f64,
    pub docs_per_sec: f64,
    /// Clusters still live at the end (the rest aged out).
    pub live_clusters: usize,
    /// Found clusters holding a single document, and holding fewer than five.
    pub singletons: usize,
    pub small_clusters: usize,
    /// Approximate heap bytes of the clusterer's state at the end.
    pub state_bytes: usize,
    /// Documents grouped by story arc (default [`ArcConfig`]) against gold.
    pub arcs: PartitionScores,
}

impl fmt::Display for EvalReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.scores;
        writeln!(
            f,
            "docs {}  clusters found {} (live {}; {} singletons, {} under 5 docs)  gold {}",
            s.items,
            s.predicted_clusters,
            self.live_clusters,
            self.singletons,
            self.small_clusters,
            s.gold_clusters
        )?;
        writeln!(
            f,
            "NMI {:.4} (arithmetic; geometric {:.4})",
            s.nmi, s.nmi_geometric
        )?;
        writeln!(f, "pairwise  {}", s.pairwise)?;
        writeln!(f, "B-cubed   {}", s.bcubed)?;
        writeln!(
            f,
            "time {:.3} s  {:.0} docs/s  state {:.0} KiB ({:.0} bytes/doc)",
            self.seconds,
            self.docs_per_sec,
            self.state_bytes as f64 / 1024.0,
            self.state_bytes as f64 / s.items.max(1) as f64
        )?;
        let a = &self.arcs;
        write!(
            f,
            "story arcs: {} arcs  NMI {:.4}  pairwise F1 {:.4}  B-cubed F1 {:.4}",
            a.predicted_clusters, a.nmi, a.pairwise.f1, a.bcubed.f1
        )
    }
}

fn gold_labels(docs: &[LabelledDoc]) -> Vec<&str> {
    docs.iter().map(|d| d.gold.as_str()).collect()
}

/// Clusters `docs` in order, in batches of `batch` documents (a flush after
/// each), and scores the result. `batch == 0` means one batch.
fn run(docs: &[LabelledDoc], config: &ClusterConfig, batch: usize) -> (StreamClusterer, f64) {
    let start = Instant::now();
    let mut clusterer = StreamClusterer::new(config.clone());
    let batch = if batch == 0 { docs.len().max(1) } else { batch };
    for chunk in docs.chunks(batch) {
        for d in chunk {
            clusterer.push(&d.doc);
        }
        clusterer.flush();
    }
    let seconds = start.elapsed().as_secs_f64();
    (clusterer, seconds)
}

/// Clusters `docs` as one stream and scores against their gold labels.
/// Returns `None` for an empty slice.
pub fn evaluate_docs(docs: &[LabelledDoc], config: &ClusterConfig) -> Option<EvalReport> {
    let (clusterer, seconds) = run(docs, config, 0);
    let labels = clusterer.labels();
    let gold = gold_labels(docs);
    let scores = score_partition(&labels, &gold)?;
    let mut sizes: rustc_hash::FxHashMap<u32, usize> = rustc_hash::FxHashMap::default();
    for &l in &labels {
        *sizes.entry(l).or_insert(0) += 1;
    }
    let arcs = story_arcs(&clusterer, &ArcConfig::default());
    let arc_labels: Vec<Option<usize>> = labels.iter().map(|&l| arcs.arc_of(l)).collect();
    Some(EvalReport {
        scores,
        seconds,
        docs_per_sec: docs.len() as f64 / seconds.max(1e-9),
        live_clusters: clusterer.live_clusters(),
        state_bytes: clusterer.state_size().total(),
        singletons: sizes.values().filter(|&&n| n == 1).count(),
        small_clusters: sizes.values().filter(|&&n| n < 5).count(),
        arcs: score_partition(&arc_labels, &gold)?,
    })
}

/// Reads an MStream JSONL file, clusters it as one stream and scores it.
pub fn evaluate_mstream(path: &Path, config: &ClusterConfig) -> Result<EvalReport, EvalError> {
    let docs = load_mstream(path)?;
    evaluate_docs(&docs, config).ok_or_else(|| EvalError::Empty {
        path: path.to_path_buf(),
    })
}

/// How much the result depends on how the stream is cut up.
#[derive(Debug, Clone, PartialEq)]
pub struct SplitReport {
    /// One stream, one flush at the end.
    pub at_once: PartitionScores,
    /// The same stream fed as two halves, with a flush after each.
    pub in_halves: PartitionScores,
    /// The halves partition scored against the at-once partition (1.0 = equal).
    pub halves_vs_at_once: PartitionScores,
}

impl fmt::Display for SplitReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let line = |f: &mut fmt::Formatter<'_>, name: &str, s: &PartitionScores| {
            writeln!(
                f,
                "{name:<22} NMI {:.4}  pairwise F1 {:.4}  B-cubed F1 {:.4}  clusters {}",
                s.nmi, s.pairwise.f1, s.bcubed.f1, s.predicted_clusters
            )
        };
        line(f, "at once vs gold", &self.at_once)?;
        line(f, "two halves vs gold", &self.in_halves)?;
        line(f, "two halves vs at once", &self.halves_vs_at_once)
    }
}

/// Compares one-stream clustering with a run fed as two batches (a flush
/// after each). Returns `None` for fewer than two documents.
pub fn evaluate_two_halves(docs: &[LabelledDoc], config: &ClusterConfig) -> Option<SplitReport> {
    if docs.len() < 2 {
        return None;
    }
    let gold = gold_labels(docs);
    let half = docs.len().div_ceil(2);
    let whole = run(docs, config, 0).0.labels();
    let halves = run(docs, config, half).0.labels();
    Some(SplitReport {
        at_once: score_partition(&whole, &gold)?,
        in_halves: score_partition(&halves, &gold)?,
        halves_vs_at_once: score_partition(&halves, &whole)?,
    })
}

/// Order-sensitivity probe: feeds the second half of the stream first, then
/// the first half, and scores against gold.
pub fn evaluate_swapped_halves(
    docs: &[LabelledDoc],
    config: &ClusterConfig,
) -> Option<PartitionScores> {
    let half = docs.len().div_ceil(2);
    let mut swapped: Vec<LabelledDoc> = docs[half..].to_vec();
    swapped.extend_from_slice(&docs[..half]);
    let labels = run(&swapped, config, docs.len() - half).0.labels();
    score_partition(&labels, &gold_labels(&swapped))
}

/// Clusters the same documents in two arrival orders and scores one
/// partition against the other, matching documents by id (1.0 = the order
/// did not matter). Returns `None` when the id sets differ or ids repeat.
pub fn order_agreement(
    first: &[LabelledDoc],
    second: &[LabelledDoc],
    config: &ClusterConfig,
) -> Option<PartitionScores> {
    let labels_first = run(first, config, 0).0.labels();
    let labels_second = run(second, config, 0).0.labels();
    let by_id: rustc_hash::FxHashMap<&str, u32> = second
        .iter()
        .zip(&labels_second)
        .map(|(d, &l)| (d.doc.id.as_str(), l))
        .collect();
    if by_id.len() != first.len() || second.len() != first.len() {
        return None;
    }
    let aligned: Vec<u32> = first
        .iter()
        .map(|d| by_id.get(d.doc.id.as_str()).copied())
        .collect::<Option<_>>()?;
    score_partition(&labels_first, &aligned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_string_and_numeric_fields() {
        let text = "{\"Id\": \"001\", \"clusterNo\": 7, \"textCleaned\": \"storm hit coast\"}\n\n\
                    {\"Id\": 2, \"clusterNo\": \"8\", \"textCleaned\": \"\"}\n";
        let docs = parse_mstream(text).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].doc.id, "001");
        assert_eq!(docs[0].gold, "7");
        assert_eq!(docs[0].doc.title, vec!["storm", "hit", "coast"]);
        assert_eq!(docs[1].doc.id, "2");
        assert!(docs[1].doc.is_empty());
    }

    #[test]
    fn bad_lines_are_reported_with_line_numbers() {
        let err =
            parse_mstream("{\"Id\": \"1\", \"clusterNo\": 1, \"textCleaned\": \"a\"}\nnot json\n")
                .unwrap_err();
        assert_eq!(err.0, 2);
        let err = parse_mstream("{\"Id\": \"1\", \"textCleaned\": \"a\"}").unwrap_err();
        assert_eq!(err.0, 1);
        assert!(err.1.contains("clusterNo"), "{}", err.1);
        let err =
            parse_mstream("{\"Id\": [1], \"clusterNo\": 1, \"textCleaned\": \"a\"}").unwrap_err();
        assert!(err.1.contains("Id"), "{}", err.1);
    }

    #[test]
    fn missing_file_is_an_error_not_a_panic() {
        let err = load_mstream(Path::new("/nonexistent/parallax/news.jsonl")).unwrap_err();
        assert!(matches!(err, EvalError::Io { .. }));
    }
}
