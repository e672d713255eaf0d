//! `parallax eval facts`: cross-article fact links scored against ECB+
//! same-event sentence pairs.
//!
//! Each ECB+ sub-topic (one real event, told by several articles) is
//! compared on its own, as the story engine would show it if it grouped
//! that event perfectly: the score is about the facts matrix, not about
//! story grouping. A predicted pair is two sentences of different articles
//! placed in one fact; only sentences the ECB+ annotators validated count
//! (the gold pairs are drawn from those), so a link touching any other
//! sentence is left out of both precision and recall and counted apart.
//!
//! The gold is coarse ("both sentences mention one event of one
//! coreference chain", not "they make the same claim"), which makes it a
//! fair test of precision: a link outside it joins sentences about
//! different happenings.

use crate::{analyze_articles, clean_record, coverage};
use parallax_model::{Article, ContentKind, Hints, Origin, RawDoc, SourceFormat};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::Path;

/// (article id, sentence number) as ECB+ numbers them.
type SentenceKey = (String, usize);

#[derive(Deserialize)]
struct PairsFile {
    pairs: Vec<GoldPair>,
    subtopics: BTreeMap<String, Subtopic>,
}

#[derive(Deserialize)]
struct GoldPair {
    a: (String, usize, String),
    b: (String, usize, String),
}

#[derive(Deserialize)]
struct Subtopic {
    documents: Vec<String>,
    candidates: Vec<(String, usize, String)>,
}

#[derive(Deserialize)]
struct EcbArticle {
    id: String,
    #[serde(default)]
    title: Option<String>,
    text: String,
}

/// The scores `parallax eval facts` prints.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FactScores {
    pub subtopics: usize,
    pub articles: usize,
    /// Facts carried by two or more articles.
    pub linking_facts: usize,
    /// Cross-article pairs between validated sentences.
    pub predicted: usize,
    /// Of those, pairs in the gold.
    pub correct: usize,
    pub gold: usize,
    /// Cross-article pairs touching a sentence outside the validated set.
    pub unvalidated: usize,
}

impl FactScores {
    pub fn precision(&self) -> f64 {
        ratio(self.correct, self.predicted)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.correct, self.gold)
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

impl fmt::Display for FactScores {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "facts on {} sub-topics ({} articles), each compared on its own:",
            self.subtopics, self.articles
        )?;
        writeln!(
            f,
            "  {} facts link two or more articles; {} cross-article sentence pairs \
             between validated sentences ({} more touch unvalidated ones, not scored)",
            self.linking_facts, self.predicted, self.unvalidated
        )?;
        writeln!(
            f,
            "  precision {:.3} ({} of {} pairs are gold same-event pairs)",
            self.precision(),
            self.correct,
            self.predicted
        )?;
        writeln!(
            f,
            "  recall    {:.3} ({} of {} gold pairs)",
            self.recall(),
            self.correct,
            self.gold
        )?;
        write!(f, "  F1        {:.3}", self.f1())
    }
}

fn normalise(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn key(a: &SentenceKey, b: &SentenceKey) -> (SentenceKey, SentenceKey) {
    if a <= b {
        (a.clone(), b.clone())
    } else {
        (b.clone(), a.clone())
    }
}

/// The validated sentence a compared sentence is: the same text, or one
/// holding the other (the two splitters may cut a line differently).
fn candidate_of(cands: &[(usize, String)], text: &str) -> Option<usize> {
    let t = normalise(text);
    if t.len() < 12 {
        return None;
    }
    cands
        .iter()
        .find(|(_, c)| *c == t)
        .or_else(|| {
            cands
                .iter()
                .find(|(_, c)| c.len() >= 20 && (t.contains(c.as_str()) || c.contains(&t)))
        })
        .map(|(n, _)| *n)
}

fn article_of(a: &EcbArticle) -> Result<Article, String> {
    let doc = RawDoc {
        id: a.id.clone(),
        origin: Origin::at("ecb", a.id.clone()),
        format: SourceFormat::Text,
        kind: ContentKind::Text,
        content: a.text.clone(),
        hints: Hints {
            title: a.title.clone(),
            ..Hints::default()
        },
        warnings: Vec::new(),
    };
    clean_record(doc)
        .map(|(_, article)| article)
        .map_err(|s| format!("{}: {}", a.id, s.reason))
}

/// Score fact links on `pairs` (ECB+ `ecb_dev_fact_pairs.json`) with the
/// article texts of `articles` (`ecb_dev.jsonl`).
pub fn eval_facts(
    pairs: &Path,
    articles: &Path,
    progress: &dyn Fn(usize, usize),
) -> Result<FactScores, String> {
    let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()));
    let file: PairsFile = serde_json::from_str(&read(pairs)?)
        .map_err(|e| format!("{}: not a fact-pairs file: {e}", pairs.display()))?;
    let mut texts: HashMap<String, EcbArticle> = HashMap::new();
    for (n, line) in read(articles)?.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let a: EcbArticle = serde_json::from_str(line)
            .map_err(|e| format!("{} line {}: {e}", articles.display(), n + 1))?;
        texts.insert(a.id.clone(), a);
    }
    let gold: HashSet<(SentenceKey, SentenceKey)> = file
        .pairs
        .iter()
        .map(|p| key(&(p.a.0.clone(), p.a.1), &(p.b.0.clone(), p.b.1)))
        .collect();
    let mut scores = FactScores {
        gold: gold.len(),
        ..FactScores::default()
    };
    let total = file.subtopics.len();
    for (done, subtopic) in file.subtopics.values().enumerate() {
        progress(done, total);
        let found: Vec<&EcbArticle> = subtopic
            .documents
            .iter()
            .filter_map(|d| texts.get(d))
            .collect();
        let cleaned: Vec<Article> = found
            .iter()
            .map(|a| article_of(a))
            .collect::<Result<_, _>>()?;
        let analyses = analyze_articles(&cleaned).map_err(|e| e.to_string())?;
        let article_refs: Vec<&Article> = cleaned.iter().collect();
        let analysis_refs: Vec<_> = analyses.iter().collect();
        let cov = coverage(&article_refs, &analysis_refs);
        scores.subtopics += 1;
        scores.articles += cleaned.len();
        let mut cands: HashMap<&str, Vec<(usize, String)>> = HashMap::new();
        for (doc, n, text) in &subtopic.candidates {
            cands
                .entry(doc.as_str())
                .or_default()
                .push((*n, normalise(text)));
        }
        let mut predicted: HashSet<(SentenceKey, SentenceKey)> = HashSet::new();
        let mut unvalidated = 0;
        for fact in &cov.facts.facts {
            if fact.articles.len() < 2 {
                continue;
            }
            scores.linking_facts += 1;
            let cells: Vec<(&str, Option<usize>)> = fact
                .cells
                .iter()
                .map(|c| {
                    let n = cands
                        .get(c.article.as_str())
                        .and_then(|cs| candidate_of(cs, &c.text));
                    (c.article.as_str(), n)
                })
                .collect();
            for (i, (a, na)) in cells.iter().enumerate() {
                for (b, nb) in &cells[i + 1..] {
                    if a == b {
                        continue;
                    }
                    match (na, nb) {
                        (Some(x), Some(y)) => {
                            predicted.insert(key(&(a.to_string(), *x), &(b.to_string(), *y)));
                        }
                        _ => unvalidated += 1,
                    }
                }
            }
        }
        scores.unvalidated += unvalidated;
        scores.predicted += predicted.len();
        scores.correct += predicted.iter().filter(|p| gold.contains(*p)).count();
    }
    progress(total, total);
    Ok(scores)
}
