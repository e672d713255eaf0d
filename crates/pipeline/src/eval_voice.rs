//! `parallax eval voice`: the narrator-voice flags (loaded words and scare
//! quotes the outlet uses in its own voice) scored against two kinds of
//! labels.
//!
//! * **PTC** (span labels): the `Loaded_Language` and
//!   `Name_Calling,Labeling` spans an annotator marked, kept only where
//!   they lie outside the direct speech our own quote finder finds, since a
//!   loaded word inside a quotation is the source's, not the narrator's.
//!   Scored with the span-identification measure of SemEval-2020 task 11:
//!   each predicted span earns the share of its characters that gold spans
//!   cover (precision), each gold span the share of its characters that
//!   predicted spans cover (recall), summed over the whole set.
//! * **BABE** (sentence labels): a sentence is predicted biased when it
//!   carries at least one narrator flag; macro-F1 over the biased and
//!   non-biased classes, plus the share of annotated biased words a flag
//!   covers.
//!
//! Each text goes through the same cleaning, analysis and comparison as an
//! ingested article; flag offsets go back to the source through the
//! article's offset map, so a flag that cleaning moved is scored where the
//! annotator saw it.

use crate::{analyze_article, clean_record, coverage};
use parallax_extract::QuoteKind;
use parallax_model::{Article, ContentKind, Hints, Origin, RawDoc, SourceFormat};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::Path;

/// The PTC techniques that are loaded words.
const LOADED_TECHNIQUES: &[&str] = &["Loaded_Language", "Name_Calling,Labeling"];

#[derive(Deserialize)]
struct PtcSpan {
    technique: String,
    start: usize,
    end: usize,
}

#[derive(Deserialize)]
struct BabeSentence {
    #[serde(default)]
    group: String,
    text: String,
    label_bias: String,
    #[serde(default)]
    biased_words: Vec<String>,
}

/// Character-overlap span scores (SemEval-2020 task 11, span
/// identification).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpanScores {
    pub articles: usize,
    /// Gold loaded spans outside direct speech (after merging overlaps).
    pub gold: usize,
    /// Gold loaded spans inside direct speech, left out.
    pub gold_in_quotes: usize,
    pub predicted: usize,
    /// Σ over predicted spans of the covered share of their characters.
    pub precision_mass: f64,
    /// Σ over gold spans of the covered share of their characters.
    pub recall_mass: f64,
    /// Predicted spans that touch no gold span: the flags a reader would
    /// find unjustified, by the lexicon entry or rule that raised them.
    pub unmatched_by_reason: BTreeMap<String, usize>,
}

impl SpanScores {
    pub fn precision(&self) -> f64 {
        ratio(self.precision_mass, self.predicted)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.recall_mass, self.gold)
    }
    pub fn f1(&self) -> f64 {
        f1(self.precision(), self.recall())
    }
}

/// Sentence-level scores on BABE.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SentenceScores {
    /// `[gold][predicted]`, 0 = non-biased, 1 = biased.
    pub confusion: [[usize; 2]; 2],
    /// Sentences whose label is neither biased nor non-biased.
    pub skipped: usize,
    /// Sentences the cleaner refused (scored as not flagged).
    pub refused: usize,
    /// Annotated biased words, and those a flag covers.
    pub biased_words: usize,
    pub biased_words_flagged: usize,
    /// Flagged words, and those among the annotated biased words.
    pub flagged_words: usize,
    pub flagged_words_biased: usize,
}

impl SentenceScores {
    fn class_f1(&self, c: usize) -> f64 {
        let tp = self.confusion[c][c];
        let fp = self.confusion[1 - c][c];
        let fn_ = self.confusion[c][1 - c];
        f1(ratio(tp as f64, tp + fp), ratio(tp as f64, tp + fn_))
    }
    pub fn macro_f1(&self) -> f64 {
        (self.class_f1(0) + self.class_f1(1)) / 2.0
    }
    pub fn sentences(&self) -> usize {
        self.confusion.iter().flatten().sum()
    }
    pub fn biased_precision(&self) -> f64 {
        let tp = self.confusion[1][1];
        ratio(tp as f64, tp + self.confusion[0][1])
    }
    pub fn biased_recall(&self) -> f64 {
        let tp = self.confusion[1][1];
        ratio(tp as f64, tp + self.confusion[1][0])
    }
}

fn ratio(a: f64, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a / b as f64
    }
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

fn overlap(a: &Range<usize>, b: &Range<usize>) -> usize {
    a.end.min(b.end).saturating_sub(a.start.max(b.start))
}

/// Sort and merge overlapping spans (two techniques on one phrase are one
/// span to identify).
fn merged(mut spans: Vec<Range<usize>>) -> Vec<Range<usize>> {
    spans.retain(|s| s.start < s.end);
    spans.sort_by_key(|s| (s.start, s.end));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(spans.len());
    for s in spans {
        match out.last_mut() {
            Some(last) if s.start < last.end => last.end = last.end.max(s.end),
            _ => out.push(s),
        }
    }
    out
}

/// A narrator flag, in source offsets, with why it was raised.
struct Flag {
    span: Range<usize>,
    reason: String,
}

/// Clean, analyse and compare one text alone; its narrator flags and its
/// direct-speech spans, both in source byte offsets.
fn flags_of(id: &str, text: &str) -> Result<(Vec<Flag>, Vec<Range<usize>>), String> {
    let doc = RawDoc {
        id: id.to_string(),
        origin: Origin::at("eval", id.to_string()),
        format: SourceFormat::Text,
        kind: ContentKind::Text,
        content: text.to_string(),
        hints: Hints::default(),
        warnings: Vec::new(),
    };
    let article: Article = clean_record(doc)
        .map(|(_, a)| a)
        .map_err(|s| format!("{id}: {}", s.reason))?;
    let analysis = analyze_article(&article).map_err(|e| format!("{id}: {e}"))?;
    let cov = coverage(&[&article], &[&analysis]);
    let back = |r: &Range<usize>| article.offsets.range_to_source(r.clone());
    let mut flags = Vec::new();
    for v in &cov.voice {
        for hit in &v.loaded {
            if let Some(span) = back(&hit.span) {
                flags.push(Flag {
                    span,
                    reason: hit.why.clone(),
                });
            }
        }
        for sq in &v.scare_quotes {
            if let Some(span) = back(&sq.span) {
                let reason = if sq.why.starts_with("scare quotes: the narrator") {
                    "scare quotes".to_string()
                } else {
                    "scare quotes after so-called/alleged".to_string()
                };
                flags.push(Flag { span, reason });
            }
        }
    }
    let speech = analysis
        .quotes
        .iter()
        .filter(|q| q.direct && q.kind == QuoteKind::Speech)
        .filter_map(|q| back(&q.span))
        .collect();
    Ok((flags, speech))
}

/// Convert byte offsets of `text` to char offsets (PTC counts characters).
fn char_range(text: &str, r: &Range<usize>) -> Range<usize> {
    let at = |b: usize| {
        let mut b = b.min(text.len());
        while !text.is_char_boundary(b) {
            b -= 1;
        }
        text[..b].chars().count()
    };
    at(r.start)..at(r.end)
}

/// Score narrator flags on a PTC folder (`articles/<id>.txt`,
/// `spans.json`).
pub fn eval_voice_ptc(dir: &Path, progress: &dyn Fn(usize, usize)) -> Result<SpanScores, String> {
    let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()));
    let spans_path = dir.join("spans.json");
    let gold: BTreeMap<String, Vec<PtcSpan>> = serde_json::from_str(&read(&spans_path)?)
        .map_err(|e| format!("{}: not a PTC spans file: {e}", spans_path.display()))?;
    let mut s = SpanScores::default();
    let total = gold.len();
    for (done, (id, spans)) in gold.iter().enumerate() {
        progress(done, total);
        let path = dir.join("articles").join(format!("{id}.txt"));
        let text = read(&path)?;
        let (flags, speech) = flags_of(id, &text)?;
        let speech: Vec<Range<usize>> = speech.iter().map(|r| char_range(&text, r)).collect();
        let loaded = merged(
            spans
                .iter()
                .filter(|g| LOADED_TECHNIQUES.contains(&g.technique.as_str()))
                .map(|g| g.start..g.end)
                .collect(),
        );
        let (inside, outside): (Vec<_>, Vec<_>) = loaded
            .into_iter()
            .partition(|g| speech.iter().any(|q| overlap(q, g) * 2 > g.len()));
        s.articles += 1;
        s.gold += outside.len();
        s.gold_in_quotes += inside.len();
        let mut reasons: Vec<(Range<usize>, String)> = flags
            .into_iter()
            .map(|f| (char_range(&text, &f.span), f.reason))
            .collect();
        reasons.sort_by_key(|(r, _)| (r.start, r.end));
        let predicted = merged(reasons.iter().map(|(r, _)| r.clone()).collect());
        let debug = std::env::var_os("PARALLAX_VOICE_DEBUG").is_some();
        let chars: Vec<char> = if debug {
            text.chars().collect()
        } else {
            Vec::new()
        };
        let show = |r: &Range<usize>| -> String {
            let a = r.start.saturating_sub(30);
            let b = (r.end + 30).min(chars.len());
            let pre: String = chars.get(a..r.start).unwrap_or_default().iter().collect();
            let mid: String = chars.get(r.clone()).unwrap_or_default().iter().collect();
            let post: String = chars.get(r.end..b).unwrap_or_default().iter().collect();
            format!("{pre}[[{mid}]]{post}").replace('\n', " ")
        };
        for p in &predicted {
            s.predicted += 1;
            let covered: usize = outside.iter().map(|g| overlap(p, g)).sum();
            s.precision_mass += covered as f64 / p.len() as f64;
            if covered == 0 {
                for (r, why) in &reasons {
                    if overlap(r, p) > 0 {
                        *s.unmatched_by_reason.entry(why.clone()).or_default() += 1;
                        if debug {
                            eprintln!("FP {why} | {}", show(p));
                        }
                        break;
                    }
                }
            } else if debug {
                let why = reasons
                    .iter()
                    .find(|(r, _)| overlap(r, p) > 0)
                    .map_or("", |(_, w)| w.as_str());
                eprintln!("TP {why} | {}", show(p));
            }
        }
        for g in &outside {
            let covered: usize = predicted.iter().map(|p| overlap(p, g)).sum();
            s.recall_mass += covered as f64 / g.len() as f64;
            if debug && covered == 0 {
                eprintln!("FN | {}", show(g));
            }
        }
    }
    progress(total, total);
    Ok(s)
}

/// Score sentence flags on BABE (`babe_sentences.jsonl`); `group` keeps
/// only sentences of that group (`SG1`, `SG2`) when given.
pub fn eval_voice_babe(
    file: &Path,
    group: Option<&str>,
    progress: &dyn Fn(usize, usize),
) -> Result<SentenceScores, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let mut rows = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let row: BabeSentence = serde_json::from_str(line)
            .map_err(|e| format!("{} line {}: {e}", file.display(), n + 1))?;
        if group.is_none_or(|g| row.group.eq_ignore_ascii_case(g)) {
            rows.push(row);
        }
    }
    let mut s = SentenceScores::default();
    let total = rows.len();
    for (done, row) in rows.iter().enumerate() {
        progress(done, total);
        let gold = match row.label_bias.as_str() {
            "Biased" => 1,
            "Non-biased" => 0,
            _ => {
                s.skipped += 1;
                continue;
            }
        };
        // A sentence cleaning refuses (too short to be an article) has no
        // flags: predicted non-biased, as the product would show it.
        let (flags, _) = flags_of(&format!("babe-{done}"), &row.text).unwrap_or_else(|_| {
            s.refused += 1;
            Default::default()
        });
        let predicted = usize::from(!flags.is_empty());
        if std::env::var_os("PARALLAX_VOICE_DEBUG").is_some() {
            for f in &flags {
                let t = row.text.get(f.span.clone()).unwrap_or("").to_lowercase();
                let ok = row.biased_words.iter().any(|w| {
                    let w = w.to_lowercase();
                    t.split_whitespace().any(|p| {
                        w.split_whitespace()
                            .any(|x| x == p.trim_matches(|c: char| !c.is_alphanumeric()))
                    })
                });
                eprintln!(
                    "BW {} {} {} | {}",
                    if ok { "ok" } else { "no" },
                    if gold == 1 { "biased" } else { "neutral" },
                    f.reason,
                    row.text
                );
            }
        }
        s.confusion[gold][predicted] += 1;
        let lower = row.text.to_lowercase();
        let flagged: Vec<String> = flags
            .iter()
            .filter_map(|f| row.text.get(f.span.clone()))
            .flat_map(|t| {
                t.split(|c: char| !c.is_alphanumeric() && c != '-' && c != '\'')
                    .filter(|w| !w.is_empty())
                    .map(str::to_lowercase)
                    .collect::<Vec<_>>()
            })
            .collect();
        for w in &row.biased_words {
            let w = w.to_lowercase();
            if !lower.contains(&w) {
                continue;
            }
            s.biased_words += 1;
            if flagged.iter().any(|f| w.split_whitespace().any(|p| p == f)) {
                s.biased_words_flagged += 1;
            }
        }
        for f in &flagged {
            s.flagged_words += 1;
            if row
                .biased_words
                .iter()
                .any(|w| w.to_lowercase().split_whitespace().any(|p| p == f))
            {
                s.flagged_words_biased += 1;
            }
        }
    }
    progress(total, total);
    Ok(s)
}

impl fmt::Display for SpanScores {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "narrator loaded language on {} articles: {} gold spans outside direct speech \
             ({} inside it, left out), {} flags",
            self.articles, self.gold, self.gold_in_quotes, self.predicted
        )?;
        writeln!(
            f,
            "  span precision {:.3}  recall {:.3}  F1 {:.3}  (SemEval-2020 task 11 SI measure)",
            self.precision(),
            self.recall(),
            self.f1()
        )?;
        let mut worst: Vec<(&String, &usize)> = self.unmatched_by_reason.iter().collect();
        worst.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        if !worst.is_empty() {
            let list: Vec<String> = worst
                .iter()
                .take(12)
                .map(|(why, n)| format!("{why} ×{n}"))
                .collect();
            write!(
                f,
                "  flags touching no gold span, by reason: {}",
                list.join("; ")
            )?;
        }
        Ok(())
    }
}

impl fmt::Display for SentenceScores {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "biased sentences on {} sentences ({} without a biased/non-biased label, skipped; \
             {} refused by cleaning, scored unflagged): flagged = predicted biased",
            self.sentences(),
            self.skipped,
            self.refused
        )?;
        writeln!(
            f,
            "  gold biased {} / non-biased {}; flagged {} of the biased, {} of the non-biased",
            self.confusion[1][0] + self.confusion[1][1],
            self.confusion[0][0] + self.confusion[0][1],
            self.confusion[1][1],
            self.confusion[0][1]
        )?;
        writeln!(
            f,
            "  biased P {:.3} R {:.3} F1 {:.3}; non-biased F1 {:.3}; macro-F1 {:.3}",
            self.biased_precision(),
            self.biased_recall(),
            self.class_f1(1),
            self.class_f1(0),
            self.macro_f1()
        )?;
        write!(
            f,
            "  biased words: {} of {} annotated are flagged; {} of {} flagged words are annotated",
            self.biased_words_flagged,
            self.biased_words,
            self.flagged_words_biased,
            self.flagged_words
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_measure_is_the_covered_share() {
        assert_eq!(merged(vec![5..9, 0..3, 2..4]), vec![0..4, 5..9]);
        assert_eq!(overlap(&(0..10), &(5..20)), 5);
        assert_eq!(overlap(&(0..3), &(5..20)), 0);
    }

    #[test]
    fn macro_f1_averages_both_classes() {
        let s = SentenceScores {
            confusion: [[8, 2], [4, 6]],
            ..SentenceScores::default()
        };
        // biased: P 6/8, R 6/10; non-biased: P 8/12, R 8/10.
        let b = f1(0.75, 0.6);
        let n = f1(8.0 / 12.0, 0.8);
        assert!((s.macro_f1() - (b + n) / 2.0).abs() < 1e-9);
    }

    #[test]
    fn char_offsets_count_characters() {
        let t = "é “a” b";
        assert_eq!(char_range(t, &(0..2)), 0..1);
        assert_eq!(char_range(t, &(3..10)), 2..5);
        assert_eq!(char_range(t, &(3..9)), 2..4);
    }
}
