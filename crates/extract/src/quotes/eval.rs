//! Scoring quote extraction against PolNeAR attributions.
//!
//! PolNeAR (Newell, Margolin & Ruths 2018) marks every attribution in 924
//! election articles as brat standoff: `T` lines with `Source`, `Cue` and
//! `Content` character ranges (possibly discontinuous, `a b;c d`) and `E`
//! lines tying them together. A predicted span matches a gold span when they
//! overlap. Direct quotes (gold content holding a quotation mark: `"`, `“`,
//! `”`, or the `''` the NYT texts use for them) are scored
//! apart from all attributions. A speaker is right when its span, the
//! mention a pronoun was resolved to, or any mention of its entity group
//! overlaps the gold source.

use super::{analyze_with, Extraction, Quote, QuoteKind, SpeakerKind};
use crate::ner::NerTagger;
use crate::NerError;
use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Overlap precision and recall counts for one kind of span.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SpanScores {
    pub predicted: usize,
    /// Predictions overlapping some gold span.
    pub predicted_matched: usize,
    pub gold: usize,
    /// Gold spans overlapped by some prediction.
    pub gold_matched: usize,
    /// Matched gold spans that name a source.
    pub speaker_checked: usize,
    /// ... whose predicted speaker is right.
    pub speaker_correct: usize,
    /// Matched gold spans whose source names someone (a capitalised name
    /// word, not only a pronoun or a description): the strict measure's
    /// base.
    pub named_checked: usize,
    /// ... whose predicted speaker is the same entity: its mention chain
    /// overlaps the gold source, or its name shares a name word with it.
    pub named_correct: usize,
    /// ... where a person or organisation was named as the speaker (a
    /// name, or a pronoun resolved to one), right or wrong.
    pub named_predicted: usize,
    /// ... where that named speaker is someone else: the error that costs
    /// a fact-checker most.
    pub named_wrong: usize,
}

impl SpanScores {
    pub fn precision(&self) -> f64 {
        ratio(self.predicted_matched, self.predicted)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.gold_matched, self.gold)
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    /// Share of matched gold quotes (with a gold source) whose speaker is
    /// right.
    pub fn speaker_accuracy(&self) -> f64 {
        ratio(self.speaker_correct, self.speaker_checked)
    }
    /// Named-speaker accuracy: of matched gold quotes whose source names
    /// someone, the share attributed to that same entity (an
    /// `unattributed` answer counts as not right).
    pub fn named_accuracy(&self) -> f64 {
        ratio(self.named_correct, self.named_checked)
    }
    /// Wrong-speaker rate: of the named speakers predicted on those
    /// quotes, the share that are another entity.
    pub fn wrong_speaker_rate(&self) -> f64 {
        ratio(self.named_wrong, self.named_predicted)
    }
    fn add(&mut self, o: &SpanScores) {
        self.predicted += o.predicted;
        self.predicted_matched += o.predicted_matched;
        self.gold += o.gold;
        self.gold_matched += o.gold_matched;
        self.speaker_checked += o.speaker_checked;
        self.speaker_correct += o.speaker_correct;
        self.named_checked += o.named_checked;
        self.named_correct += o.named_correct;
        self.named_predicted += o.named_predicted;
        self.named_wrong += o.named_wrong;
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Scores over a set of PolNeAR articles.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QuoteScores {
    pub docs: usize,
    /// Direct quotes: predicted direct speech vs gold contents holding a
    /// quotation mark.
    pub direct: SpanScores,
    /// All attributions: all predicted speech vs all gold contents.
    pub all: SpanScores,
    /// Predicted scare quotes that overlap a gold attribution (speech
    /// wrongly called scare), and all predicted scare quotes.
    pub scare_overlapping_gold: usize,
    pub scare: usize,
}

impl fmt::Display for QuoteScores {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} articles", self.docs)?;
        writeln!(
            f,
            "{:<16} {:>7} {:>7} {:>7} {:>7} {:>7} {:>9}",
            "", "gold", "pred", "P", "R", "F1", "speaker"
        )?;
        for (name, s) in [
            ("direct quotes", &self.direct),
            ("all attributions", &self.all),
        ] {
            writeln!(
                f,
                "{:<16} {:>7} {:>7} {:>7.2} {:>7.2} {:>7.2} {:>8.2}%",
                name,
                s.gold,
                s.predicted,
                100.0 * s.precision(),
                100.0 * s.recall(),
                100.0 * s.f1(),
                100.0 * s.speaker_accuracy()
            )?;
        }
        writeln!(
            f,
            "{:<16} {:>7} {:>9} {:>9} {:>11}",
            "named sources", "gold", "accuracy", "named", "wrong-rate"
        )?;
        for (name, s) in [
            ("direct quotes", &self.direct),
            ("all attributions", &self.all),
        ] {
            writeln!(
                f,
                "{:<16} {:>7} {:>8.2}% {:>9} {:>10.2}%",
                name,
                s.named_checked,
                100.0 * s.named_accuracy(),
                s.named_predicted,
                100.0 * s.wrong_speaker_rate()
            )?;
        }
        write!(
            f,
            "scare quotes: {} predicted, {} overlap a gold attribution",
            self.scare, self.scare_overlapping_gold
        )
    }
}

/// One gold attribution: content pieces and source pieces (byte ranges).
#[derive(Debug, Clone, Default)]
pub(crate) struct GoldAttribution {
    pub content: Vec<Range<usize>>,
    pub source: Vec<Range<usize>>,
    pub direct: bool,
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// Parses a brat `.ann` file against its text (character offsets → bytes).
pub(crate) fn parse_ann(ann: &str, text: &str) -> Vec<GoldAttribution> {
    let mut byte_at: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    byte_at.push(text.len());
    let to_byte = |c: usize| byte_at.get(c).copied().unwrap_or(text.len());
    let mut spans: HashMap<&str, Vec<Range<usize>>> = HashMap::new();
    let mut events: Vec<Vec<(&str, &str)>> = Vec::new();
    for line in ann.lines() {
        let mut fields = line.split('\t');
        let (Some(id), Some(body)) = (fields.next(), fields.next()) else {
            continue;
        };
        if id.starts_with('T') {
            let mut parts = body.splitn(2, ' ');
            let _label = parts.next();
            let Some(offsets) = parts.next() else {
                continue;
            };
            let ranges: Vec<Range<usize>> = offsets
                .split(';')
                .filter_map(|piece| {
                    let mut nums = piece.split_whitespace().map(str::parse::<usize>);
                    let a = nums.next()?.ok()?;
                    let b = nums.next()?.ok()?;
                    (a <= b).then(|| to_byte(a)..to_byte(b))
                })
                .collect();
            spans.insert(id, ranges);
        } else if id.starts_with('E') {
            events.push(
                body.split_whitespace()
                    .filter_map(|arg| arg.split_once(':'))
                    .collect(),
            );
        }
    }
    let mut out = Vec::new();
    for ev in events {
        let mut g = GoldAttribution::default();
        for (role, t) in ev {
            let Some(r) = spans.get(t) else { continue };
            if role.starts_with("Content") {
                g.content.extend(r.iter().cloned());
            } else if role.starts_with("Source") {
                g.source.extend(r.iter().cloned());
            }
        }
        if g.content.is_empty() {
            continue;
        }
        g.direct = g.content.iter().any(|r| {
            text.get(r.clone())
                .is_some_and(|s| s.contains(['"', '\u{201C}', '\u{201D}']) || s.contains("''"))
        });
        out.push(g);
    }
    out
}

/// A speaker is right when its span, its antecedent, or any mention of its
/// group overlaps the gold source. The group's mentions are the entity
/// mentions plus the pronouns this extraction resolved to the group (the
/// speakers of other quotes): that is the mention chain it built.
fn speaker_right(q: &Quote, g: &GoldAttribution, x: &Extraction) -> bool {
    let Some(s) = &q.speaker else { return false };
    let hit = |r: &Range<usize>| g.source.iter().any(|src| overlaps(r, src));
    hit(&s.span)
        || s.antecedent.as_ref().is_some_and(hit)
        || s.group.and_then(|gi| x.groups.get(gi)).is_some_and(|grp| {
            grp.mentions
                .iter()
                .filter_map(|&m| x.entities.get(m))
                .any(|e| hit(&e.span))
        })
        || s.group.is_some_and(|gi| {
            x.quotes
                .iter()
                .filter_map(|o| o.speaker.as_ref())
                .any(|o| o.group == Some(gi) && hit(&o.span))
        })
}

/// Words that open a source phrase capitalised without naming anyone.
const NOT_NAMES: &[&str] = &[
    "the",
    "a",
    "an",
    "he",
    "she",
    "they",
    "it",
    "his",
    "her",
    "their",
    "its",
    "we",
    "i",
    "you",
    "this",
    "that",
    "these",
    "those",
    "our",
    "my",
    "one",
    "some",
    "many",
    "mr",
    "mrs",
    "ms",
    "dr",
    "sen",
    "rep",
    "gov",
    "president",
    "senator",
    "former",
    "both",
    "several",
    "other",
    "others",
    "officials",
    "aides",
    "critics",
    "supporters",
    "advisers",
    "sources",
];

/// The name words of a gold source as written (`Donald Trump` → donald,
/// trump; `his campaign` → none): capitalised words that are not
/// determiners, pronouns or titles.
fn name_words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '\u{2019}' || c == '-'))
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase) && w.chars().count() >= 2)
        .map(|w| {
            w.trim_end_matches("'s")
                .trim_end_matches("\u{2019}s")
                .to_lowercase()
        })
        .filter(|w| !NOT_NAMES.contains(&w.as_str()))
        .collect()
}

/// Whether the predicted speaker is the entity the gold source names.
fn same_named_speaker(q: &Quote, g: &GoldAttribution, x: &Extraction, text: &str) -> bool {
    let Some(s) = &q.speaker else { return false };
    if speaker_right(q, g, x) {
        return true;
    }
    let gold: Vec<String> = g
        .source
        .iter()
        .filter_map(|r| text.get(r.clone()))
        .flat_map(name_words)
        .collect();
    let predicted = name_words(&s.name);
    predicted.iter().any(|w| gold.contains(w))
}

fn score(preds: &[&Quote], gold: &[&GoldAttribution], x: &Extraction, text: &str) -> SpanScores {
    let mut s = SpanScores {
        predicted: preds.len(),
        gold: gold.len(),
        ..SpanScores::default()
    };
    s.predicted_matched = preds
        .iter()
        .filter(|q| {
            gold.iter()
                .any(|g| g.content.iter().any(|c| overlaps(c, &q.span)))
        })
        .count();
    for g in gold {
        let best = preds
            .iter()
            .filter_map(|q| {
                let ov: usize = g
                    .content
                    .iter()
                    .map(|c| {
                        q.span
                            .end
                            .min(c.end)
                            .saturating_sub(q.span.start.max(c.start))
                    })
                    .sum();
                (ov > 0).then_some((ov, *q))
            })
            .max_by_key(|(ov, _)| *ov);
        if let Some((_, q)) = best {
            s.gold_matched += 1;
            if !g.source.is_empty() {
                s.speaker_checked += 1;
                if speaker_right(q, g, x) {
                    s.speaker_correct += 1;
                }
                let names_someone = g
                    .source
                    .iter()
                    .filter_map(|r| text.get(r.clone()))
                    .any(|t| !name_words(t).is_empty());
                if names_someone {
                    s.named_checked += 1;
                    let right = same_named_speaker(q, g, x, text);
                    if right {
                        s.named_correct += 1;
                    }
                    let named = q.speaker.as_ref().is_some_and(|sp| {
                        matches!(sp.kind, SpeakerKind::Named | SpeakerKind::Pronoun)
                    });
                    if named && std::env::var_os("PARALLAX_QUOTES_DEBUG").is_some() {
                        let sp = q.speaker.as_ref();
                        let gold_source: Vec<&str> = g
                            .source
                            .iter()
                            .filter_map(|r| text.get(r.clone()))
                            .collect();
                        // The quote with what precedes it, on one line.
                        let mut from = q.span.start.saturating_sub(200);
                        while !text.is_char_boundary(from) {
                            from -= 1;
                        }
                        let mut to = (q.span.end + 100).min(text.len());
                        while !text.is_char_boundary(to) {
                            to += 1;
                        }
                        eprintln!(
                            "NAMED {} {:?} {:?} direct={} {:?} as written {:?} gold={:?} | {}",
                            if right { "ok" } else { "wrong" },
                            sp.and_then(|sp| sp
                                .group
                                .and_then(|gi| x.groups.get(gi))
                                .map(|g| g.kind)),
                            sp.map(|sp| sp.kind),
                            q.direct,
                            sp.map(|sp| &sp.name),
                            sp.and_then(|sp| text.get(sp.span.clone())),
                            gold_source,
                            text[from..to].replace('\n', " ")
                        );
                    }
                    if named {
                        s.named_predicted += 1;
                        if !right {
                            s.named_wrong += 1;
                        }
                    }
                }
            }
        }
    }
    s
}

/// Scores one article's extraction against its gold attributions.
pub(crate) fn score_doc(x: &Extraction, gold: &[GoldAttribution], text: &str) -> QuoteScores {
    let speech: Vec<&Quote> = x
        .quotes
        .iter()
        .filter(|q| q.kind == QuoteKind::Speech)
        .collect();
    let direct: Vec<&Quote> = speech.iter().copied().filter(|q| q.direct).collect();
    let gold_all: Vec<&GoldAttribution> = gold.iter().collect();
    let gold_direct: Vec<&GoldAttribution> = gold.iter().filter(|g| g.direct).collect();
    let scare: Vec<&Quote> = x
        .quotes
        .iter()
        .filter(|q| q.kind == QuoteKind::Scare)
        .collect();
    QuoteScores {
        docs: 1,
        direct: score(&direct, &gold_direct, x, text),
        all: score(&speech, &gold_all, x, text),
        scare: scare.len(),
        scare_overlapping_gold: scare
            .iter()
            .filter(|q| {
                gold.iter()
                    .any(|g| g.content.iter().any(|c| overlaps(c, &q.span)))
            })
            .count(),
    }
}

/// (text file, annotation file) pairs of a split folder holding `text/` and
/// `attributions/`; the first annotation (by name) when an article has
/// several annotators.
fn split_pairs(dir: &Path) -> Result<Vec<(PathBuf, PathBuf)>, NerError> {
    let read = |d: &Path| -> Result<Vec<PathBuf>, NerError> {
        let mut v = Vec::new();
        for e in std::fs::read_dir(d).map_err(|e| NerError::Io(format!("{}: {e}", d.display())))? {
            v.push(e?.path());
        }
        v.sort();
        Ok(v)
    };
    let mut texts: HashMap<String, PathBuf> = HashMap::new();
    for p in read(&dir.join("text"))? {
        if let Some(stem) = p.file_stem().and_then(|s| s.to_str()) {
            texts.insert(stem.to_string(), p.clone());
        }
    }
    let mut pairs = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for a in read(&dir.join("attributions"))? {
        let Some(stem) = a.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let Some((article, _annotator)) = stem.rsplit_once('_') else {
            continue;
        };
        if let Some(t) = texts.get(article) {
            if seen.insert(article.to_string()) {
                pairs.push((t.clone(), a.clone()));
            }
        }
    }
    Ok(pairs)
}

/// Scores quote extraction (with the shipped NER) on a PolNeAR split
/// folder (`…/polnear/dev`), or on every split under a PolNeAR root.
pub fn eval_polnear(dir: &Path) -> Result<QuoteScores, NerError> {
    eval_polnear_sample(dir, usize::MAX)
}

/// [`eval_polnear`] on at most `max_docs` articles per split (in name
/// order), for quick checks.
pub fn eval_polnear_sample(dir: &Path, max_docs: usize) -> Result<QuoteScores, NerError> {
    let tagger = NerTagger::shipped()?;
    let splits: Vec<PathBuf> = if dir.join("text").is_dir() {
        vec![dir.to_path_buf()]
    } else {
        ["train", "dev"]
            .iter()
            .map(|s| dir.join(s))
            .filter(|d| d.join("text").is_dir())
            .collect()
    };
    if splits.is_empty() {
        return Err(NerError::Io(format!(
            "{}: no PolNeAR split (text/ and attributions/) found",
            dir.display()
        )));
    }
    let mut total = QuoteScores::default();
    // Lists misses and false alarms on stderr, for error analysis.
    let debug = std::env::var_os("PARALLAX_QUOTES_DEBUG").is_some();
    for split in splits {
        for (text_path, ann_path) in split_pairs(&split)?.into_iter().take(max_docs) {
            let text = String::from_utf8_lossy(&std::fs::read(&text_path)?).into_owned();
            let ann = String::from_utf8_lossy(&std::fs::read(&ann_path)?).into_owned();
            let gold = parse_ann(&ann, &text);
            let x = analyze_with(tagger, &text);
            let s = score_doc(&x, &gold, &text);
            if debug {
                dump(&text_path, &text, &x, &gold);
            }
            total.docs += 1;
            total.direct.add(&s.direct);
            total.all.add(&s.all);
            total.scare += s.scare;
            total.scare_overlapping_gold += s.scare_overlapping_gold;
        }
    }
    Ok(total)
}

/// Error listing for one article (see `PARALLAX_QUOTES_DEBUG`).
fn dump(path: &Path, text: &str, x: &Extraction, gold: &[GoldAttribution]) {
    let show = |r: &Range<usize>| {
        let a = floor_char(text, r.start.saturating_sub(60));
        let b = ceil_char(text, (r.end + 60).min(text.len()));
        format!(
            "{}[[{}]]{}",
            &text[a..r.start],
            &text[r.clone()],
            &text[r.end..b]
        )
        .replace('\n', " / ")
    };
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    for q in &x.quotes {
        let hit = gold
            .iter()
            .any(|g| g.content.iter().any(|c| overlaps(c, &q.span)));
        if !hit && q.kind == QuoteKind::Speech && q.direct {
            eprintln!("FP-direct {name}: {}", show(&q.span));
        }
        if hit && q.kind == QuoteKind::Scare {
            eprintln!("SCARE-in-gold {name}: {}", show(&q.span));
        }
    }
    for g in gold.iter().filter(|g| g.direct) {
        let best = x
            .quotes
            .iter()
            .filter(|q| q.kind == QuoteKind::Speech && q.direct)
            .find(|q| g.content.iter().any(|c| overlaps(c, &q.span)));
        let Some(c) = g.content.first() else { continue };
        match best {
            None => eprintln!("FN-direct {name}: {}", show(c)),
            Some(q) if !g.source.is_empty() && !same_named_speaker(q, g, x, text) => eprintln!(
                "SPK {name}: gold {:?} pred {:?} :: {}",
                g.source.first().map(|s| &text[s.clone()]),
                q.speaker.as_ref().map(|s| (
                    &s.name,
                    &text[s.span.clone()],
                    s.kind,
                    s.group.and_then(|gi| x.groups.get(gi)).map(|grp| grp.kind)
                )),
                show(c)
            ),
            _ => {}
        }
    }
}

fn floor_char(t: &str, mut i: usize) -> usize {
    while i > 0 && !t.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char(t: &str, mut i: usize) -> usize {
    while i < t.len() && !t.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_words_leave_out_pronouns_titles_and_descriptions() {
        assert_eq!(name_words("Donald Trump"), ["donald", "trump"]);
        assert_eq!(name_words("Mr. Trump's campaign"), ["trump"]);
        assert_eq!(name_words("Clinton\u{2019}s campaign"), ["clinton"]);
        assert!(name_words("He").is_empty());
        assert!(name_words("the spokesman").is_empty());
        assert!(name_words("said").is_empty());
        assert_eq!(name_words("The White House"), ["white", "house"]);
    }

    #[test]
    fn brat_offsets_are_characters() {
        let text = "\u{201C}Hi,\u{201D} said Bob.";
        // chars: “=0 H=1 i=2 ,=3 ”=4 ' '=5 s=6..10 ' '=10 B=11..14
        let ann = "T1\tSource 11 14\tBob\nT2\tCue 6 10\tsaid\nT3\tContent 0 5\t\u{201C}Hi,\u{201D}\nE1\tAttribution:T2 Content:T3 Cue:T2 Source:T1\n";
        let g = parse_ann(ann, text);
        assert_eq!(g.len(), 1);
        assert_eq!(&text[g[0].source[0].clone()], "Bob");
        assert!(g[0].direct);
        assert!(parse_ann("garbage\nT9\tContent x y\nE1\t", text).is_empty());
    }
}
