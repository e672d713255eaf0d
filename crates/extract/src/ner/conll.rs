//! CoNLL-2003 reading and entity-level scoring.

use super::tags::{iob_spans, EntityKind};
use crate::NerError;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::Path;

/// One labelled sentence: tokens and their IOB labels.
#[derive(Debug, Clone, Default)]
pub struct ConllSentence {
    pub words: Vec<String>,
    pub labels: Vec<String>,
}

/// The sentences between two `-DOCSTART-` lines.
#[derive(Debug, Clone, Default)]
pub struct ConllDoc {
    pub sentences: Vec<ConllSentence>,
}

impl ConllDoc {
    pub fn words(&self) -> Vec<Vec<&str>> {
        self.sentences
            .iter()
            .map(|s| s.words.iter().map(String::as_str).collect())
            .collect()
    }
}

/// Reads a CoNLL file. Only the first column (word) and the last (NER label)
/// are used, so files with or without POS/chunk columns both work.
pub fn read_conll(path: &Path) -> Result<Vec<ConllDoc>, NerError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| NerError::Io(format!("{}: {e}", path.display())))?;
    parse_conll(&text).map_err(|e| match e {
        NerError::Format(m) => NerError::Format(format!("{}: {m}", path.display())),
        other => other,
    })
}

/// Parses CoNLL text (see [`read_conll`]).
pub fn parse_conll(text: &str) -> Result<Vec<ConllDoc>, NerError> {
    let mut docs = vec![ConllDoc::default()];
    let mut sent = ConllSentence::default();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with("-DOCSTART-") {
            if !sent.words.is_empty() {
                if let Some(d) = docs.last_mut() {
                    d.sentences.push(std::mem::take(&mut sent));
                }
            }
            if line.starts_with("-DOCSTART-")
                && docs.last().is_some_and(|d| !d.sentences.is_empty())
            {
                docs.push(ConllDoc::default());
            }
            continue;
        }
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.len() < 2 {
            return Err(NerError::Format(format!(
                "line {}: expected `word ... LABEL`, got {line:?}",
                n + 1
            )));
        }
        let label = cols[cols.len() - 1];
        if label != "O" && !label.starts_with("B-") && !label.starts_with("I-") {
            return Err(NerError::Format(format!(
                "line {}: bad NER label {label:?}",
                n + 1
            )));
        }
        sent.words.push(cols[0].to_string());
        sent.labels.push(label.to_string());
    }
    if !sent.words.is_empty() {
        if let Some(d) = docs.last_mut() {
            d.sentences.push(sent);
        }
    }
    docs.retain(|d| !d.sentences.is_empty());
    Ok(docs)
}

/// True positive, false positive and false negative counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// CoNLL entity-level scores: an entity counts only when both its exact
/// token span and its type match.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NerScores {
    pub overall: Counts,
    pub by_kind: BTreeMap<EntityKind, Counts>,
    pub sentences: usize,
    pub tokens: usize,
}

impl NerScores {
    /// Adds one sentence's gold and predicted spans.
    pub fn add(
        &mut self,
        gold: &[(Range<usize>, EntityKind)],
        predicted: &[(Range<usize>, EntityKind)],
        tokens: usize,
    ) {
        self.sentences += 1;
        self.tokens += tokens;
        for g in gold {
            let c = self.by_kind.entry(g.1).or_default();
            if predicted.contains(g) {
                c.tp += 1;
                self.overall.tp += 1;
            } else {
                c.fn_ += 1;
                self.overall.fn_ += 1;
            }
        }
        for p in predicted {
            if !gold.contains(p) {
                self.by_kind.entry(p.1).or_default().fp += 1;
                self.overall.fp += 1;
            }
        }
    }

    /// Adds a sentence given gold IOB labels and predicted spans.
    pub fn add_iob(&mut self, gold_labels: &[String], predicted: &[(Range<usize>, EntityKind)]) {
        let gold = iob_spans(gold_labels);
        self.add(&gold, predicted, gold_labels.len());
    }
}

impl fmt::Display for NerScores {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} sentences, {} tokens; entity-level (exact span and type)",
            self.sentences, self.tokens
        )?;
        writeln!(
            f,
            "{:<8} {:>7} {:>7} {:>7} {:>6} {:>6} {:>6}",
            "type", "P", "R", "F1", "tp", "fp", "fn"
        )?;
        let mut row = |name: &str, c: &Counts| {
            writeln!(
                f,
                "{:<8} {:>7.2} {:>7.2} {:>7.2} {:>6} {:>6} {:>6}",
                name,
                100.0 * c.precision(),
                100.0 * c.recall(),
                100.0 * c.f1(),
                c.tp,
                c.fp,
                c.fn_
            )
        };
        for (kind, c) in &self.by_kind {
            row(kind.conll(), c)?;
        }
        row("overall", &self.overall)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_documents_and_sentences() {
        let text = "-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\n\nPeter B-PER\nBlackburn I-PER\n\n-DOCSTART- -X- O\n\nBonn B-LOC\n";
        let docs = parse_conll(text).unwrap_or_default();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].sentences.len(), 2);
        assert_eq!(docs[0].sentences[1].labels, vec!["B-PER", "I-PER"]);
        assert_eq!(docs[1].sentences[0].words, vec!["Bonn"]);
    }

    #[test]
    fn bad_lines_are_errors() {
        assert!(matches!(parse_conll("lonely\n"), Err(NerError::Format(_))));
        assert!(matches!(
            parse_conll("word X-PER\n"),
            Err(NerError::Format(_))
        ));
    }

    #[test]
    fn scores_need_exact_span_and_type() {
        let mut s = NerScores::default();
        let gold = vec![(0..2, EntityKind::Person), (3..4, EntityKind::Location)];
        let pred = vec![
            (0..2, EntityKind::Person),
            (3..4, EntityKind::Organization),
            (5..6, EntityKind::Misc),
        ];
        s.add(&gold, &pred, 6);
        assert_eq!(
            s.overall,
            Counts {
                tp: 1,
                fp: 2,
                fn_: 1
            }
        );
        assert!((s.overall.precision() - 1.0 / 3.0).abs() < 1e-9);
        assert!((s.overall.recall() - 0.5).abs() < 1e-9);
        assert_eq!(s.by_kind[&EntityKind::Location].fn_, 1);
        assert!(s.to_string().contains("overall"));
    }
}
