//! Quotes across outlets: one quote, every article that used it, and how.
//!
//! Outlets rarely print a quote identically. House style changes spelling
//! (`delegitimise` / `delegitimize`) and quotation marks; one outlet prints
//! the whole sentence, another a prefix with an ellipsis, a third two words
//! of it, a fourth paraphrases it without quotation marks. Quotes are
//! compared as sequences of normalised words (case, spelling, quotation
//! marks, ellipses and hyphens folded) and linked when one contains a long
//! enough run of the other. Short partial quotes (`witch hunt`) join a long
//! quote only when exactly one long quote contains them; otherwise they
//! stay a quote of their own.

use crate::facts::Built;
use crate::lexicon::Lexicon;
use crate::prepare::Prepared;
use crate::text::{fold_punctuation, is_stopword, words};
use crate::{QuoteKind, QuoteRef};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::ops::Range;

/// How an article carries a shared quote, compared with its longest form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuoteForm {
    /// The whole quote (up to spelling and punctuation).
    Full,
    /// A large part of it, or a prefix, or marked with an ellipsis.
    Truncated,
    /// A few words of it quoted inside the writer's own sentence.
    Partial,
    /// Overlapping but not contained: words changed or reordered.
    Edited,
    /// No quotation marks: the same words reported in the writer's voice.
    Paraphrase,
}

/// A word spelt differently from the quote's longest form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpellingVariant {
    /// As this article prints it.
    pub here: String,
    /// As the longest form prints it.
    pub canonical: String,
}

/// One article's use of a shared quote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuoteOccurrence {
    pub article: String,
    /// Byte range of the quoted words (or of the paraphrasing sentence).
    pub span: Range<usize>,
    /// The sentence it sits in.
    pub sentence: Range<usize>,
    pub text: String,
    pub speaker: Option<String>,
    pub cue: Option<String>,
    pub kind: QuoteKind,
    pub form: QuoteForm,
    pub spelling_variants: Vec<SpellingVariant>,
}

/// One quote linked across the articles of a story.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SharedQuote {
    pub id: usize,
    /// The longest form printed.
    pub text: String,
    /// The speaker most occurrences name.
    pub speaker: Option<String>,
    pub occurrences: Vec<QuoteOccurrence>,
    /// Articles printing it in quotation marks (any form but paraphrase).
    pub carried_by: Vec<String>,
    /// Articles reporting it only in their own words.
    pub paraphrased_by: Vec<String>,
    /// Articles of the story that do not use it at all.
    pub not_carried_by: Vec<String>,
}

// ---------------------------------------------------------------------------
// Fallback finder

/// FALLBACK quote finder, used only when no extractor output is supplied
/// ([`crate::CoverageInput::quotes`] is `None`). It pairs quotation marks
/// (curly, straight, single), closes a quote left open at a paragraph end
/// (the multi-paragraph convention), and guesses the speaker from the
/// nearest speech verb. Short quotes with no speech verb just before or
/// after them are marked [`QuoteKind::Scare`]. It is deliberately simple;
/// the quote extractor in `parallax-extract` is the real source.
pub fn find_quotes_fallback(
    text: &str,
    sentences: &[Range<usize>],
    lexicon: &Lexicon,
) -> Vec<QuoteRef> {
    let mut spans: Vec<Range<usize>> = Vec::new();
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Curly,
        Straight,
        Single,
    }
    let mut open: Option<(usize, Mark)> = None;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let close = |start: usize, end: usize, spans: &mut Vec<Range<usize>>| {
        if let Some(r) = crate::text::trim_range(text, start..end) {
            spans.push(r);
        }
    };
    for (k, &(i, c)) in chars.iter().enumerate() {
        let prev = k.checked_sub(1).map(|j| chars[j].1);
        let next = chars.get(k + 1).map(|x| x.1);
        match c {
            '\n' => {
                if let Some((s, _)) = open.take() {
                    close(s, i, &mut spans);
                }
            }
            '\u{201C}' => match open {
                Some((s, Mark::Curly)) if prev.is_some_and(|p| !p.is_whitespace()) => {
                    // A misused opening mark closing a quote (`movement.“`).
                    close(s, i, &mut spans);
                    open = None;
                }
                _ => open = Some((i + c.len_utf8(), Mark::Curly)),
            },
            '\u{201D}' => {
                if let Some((s, Mark::Curly)) = open {
                    close(s, i, &mut spans);
                    open = None;
                }
            }
            '"' => match open {
                Some((s, Mark::Straight)) => {
                    close(s, i, &mut spans);
                    open = None;
                }
                None if next.is_some_and(|n| !n.is_whitespace()) => {
                    open = Some((i + 1, Mark::Straight))
                }
                _ => {}
            },
            '\u{2018}' if open.is_none() && next.is_some_and(|n| !n.is_whitespace()) => {
                open = Some((i + c.len_utf8(), Mark::Single));
            }
            '\'' | '\u{2019}' => {
                let letter_after = next.is_some_and(|n| n.is_alphanumeric());
                let letter_before = prev.is_some_and(|p| p.is_alphanumeric());
                match open {
                    Some((s, Mark::Single)) if !letter_after => {
                        close(s, i, &mut spans);
                        open = None;
                    }
                    None if c == '\'' && !letter_before && letter_after => {
                        open = Some((i + 1, Mark::Single));
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    if let Some((s, _)) = open {
        close(s, text.len(), &mut spans);
    }

    let mut quotes: Vec<QuoteRef> = Vec::with_capacity(spans.len());
    let mut last_named: Option<String> = None;
    for span in spans {
        let inner = text.get(span.clone()).unwrap_or("");
        let cleaned = inner.trim_end_matches([',', '.', ';', ':']).trim();
        if cleaned.is_empty() || !cleaned.chars().any(|c| c.is_alphabetic()) {
            continue;
        }
        let span = span.start..span.start + inner.trim_end_matches([',', ';', ':']).len();
        let si = sentences.partition_point(|s| s.end <= span.start);
        let sentence = sentences.get(si).cloned().filter(|s| s.start <= span.start);
        let n_words = cleaned.split_whitespace().count();
        let cue = sentence
            .as_ref()
            .and_then(|s| find_cue(text, s, &span, lexicon));
        let so_called = text
            .get(span.start.saturating_sub(12)..span.start)
            .is_some_and(|b| b.to_lowercase().contains("so-called"));
        // `its “inquiry”`, `the party's own “process”`: a term held at arm's
        // length even when a speech verb is near.
        let determined = n_words <= 3 && {
            let before = text.get(..span.start.saturating_sub(1)).unwrap_or("");
            let prev = before
                .trim_end_matches(['\u{201C}', '"', '\u{2018}', '\''])
                .split_whitespace()
                .last()
                .unwrap_or("")
                .to_lowercase();
            matches!(
                prev.as_str(),
                "the"
                    | "its"
                    | "their"
                    | "our"
                    | "his"
                    | "her"
                    | "own"
                    | "this"
                    | "these"
                    | "those"
            ) || prev.ends_with("'s")
                || prev.ends_with("\u{2019}s")
        };
        let kind = if so_called || determined || (n_words <= 4 && cue.is_none()) {
            QuoteKind::Scare
        } else {
            QuoteKind::Speech
        };
        let mut speaker = cue.as_ref().and_then(|c| c.speaker.clone());
        if let Some(s) = &speaker {
            if is_pronoun(s) {
                speaker = last_named.clone();
            }
        }
        if kind == QuoteKind::Speech && speaker.is_none() && cue.is_none() {
            // A paragraph continuing the previous speaker's quote.
            if let Some(prev) = quotes.last() {
                if prev.kind == QuoteKind::Speech && span.start.saturating_sub(prev.span.end) < 400
                {
                    speaker = prev.speaker.clone();
                }
            }
        }
        if let Some(s) = &speaker {
            if crate::voice::speaker_kind(s) == crate::voice::SpeakerKind::Named {
                last_named = Some(s.clone());
            }
        }
        quotes.push(QuoteRef {
            text: cleaned.to_string(),
            span,
            sentence,
            speaker,
            speaker_kind: None,
            cue: cue.map(|c| c.verb),
            direct: true,
            kind,
        });
    }
    quotes
}

/// FALLBACK for block quotations (`BlockKind::Quote`) printed without
/// quotation marks, typically after `… wrote:`. The speaker comes from the
/// speech verb ending the paragraph before.
pub fn block_quotes_fallback(
    text: &str,
    blocks: &[parallax_model::Block],
    sentences: &[Range<usize>],
    found: &[QuoteRef],
    lexicon: &Lexicon,
) -> Vec<QuoteRef> {
    let mut out = Vec::new();
    for (i, b) in blocks.iter().enumerate() {
        if b.kind != parallax_model::BlockKind::Quote || text.get(b.span.clone()).is_none() {
            continue;
        }
        if found
            .iter()
            .any(|q| q.span.start < b.span.end && b.span.start < q.span.end)
        {
            continue;
        }
        let Some(span) = crate::text::trim_range(text, b.span.clone()) else {
            continue;
        };
        let cue = i
            .checked_sub(1)
            .and_then(|j| blocks.get(j))
            .and_then(|prev| {
                let si = sentences.partition_point(|s| s.end < prev.span.end);
                let sentence = sentences.get(si.min(sentences.len().saturating_sub(1)))?;
                let end = sentence.end..sentence.end;
                find_cue(text, sentence, &end, lexicon)
            });
        let si = sentences.partition_point(|s| s.end <= span.start);
        out.push(QuoteRef {
            text: text.get(span.clone()).unwrap_or("").to_string(),
            sentence: sentences.get(si).cloned(),
            span,
            speaker: cue.as_ref().and_then(|c| c.speaker.clone()),
            speaker_kind: None,
            cue: cue.map(|c| c.verb),
            direct: true,
            kind: QuoteKind::Speech,
        });
    }
    out
}

fn is_pronoun(s: &str) -> bool {
    matches!(
        s.to_lowercase().as_str(),
        "he" | "she" | "they" | "i" | "we" | "it"
    )
}

struct Cue {
    verb: String,
    speaker: Option<String>,
}

/// The speech verb attributing a quote: just before it (`X said: “…`) or
/// just after it (`“…,” X said` / `“…,” said X`).
fn find_cue(
    text: &str,
    sentence: &Range<usize>,
    quote: &Range<usize>,
    lexicon: &Lexicon,
) -> Option<Cue> {
    let ws = words(text, sentence.clone(), &lexicon.spelling);
    let is_verb = |w: &crate::text::Word| {
        let raw = text.get(w.span.clone()).unwrap_or("");
        // Inflected forms only: `claims`/`claimed`/`said`, not the noun
        // `claim` in `the claim that`.
        let inflected = raw.ends_with('d')
            || raw.ends_with('s')
            || raw.ends_with("ing")
            || matches!(raw, "said" | "told" | "wrote");
        inflected && lexicon.attribution(&w.stem).is_some()
    };
    let before: Vec<&crate::text::Word> = ws.iter().filter(|w| w.span.end <= quote.start).collect();
    let after: Vec<&crate::text::Word> = ws.iter().filter(|w| w.span.start >= quote.end).collect();
    // After: the first three words.
    for (k, w) in after.iter().take(3).enumerate() {
        if is_verb(w) {
            let speaker = if k == 0 {
                // `said X`: the words after the verb up to punctuation.
                phrase_after(text, w.span.end, sentence.end)
            } else {
                text.get(after[0].span.start..after[k - 1].span.end)
                    .map(str::to_string)
            };
            return Some(Cue {
                verb: text.get(w.span.clone()).unwrap_or("").to_string(),
                speaker,
            });
        }
    }
    // Before: the nearest verb within eight words.
    let n = before.len();
    for k in (n.saturating_sub(8)..n).rev() {
        let w = before[k];
        if is_verb(w) {
            let speaker = phrase_before(text, sentence.start, w.span.start);
            return Some(Cue {
                verb: text.get(w.span.clone()).unwrap_or("").to_string(),
                speaker,
            });
        }
    }
    None
}

/// The noun phrase just before `end` in the same clause (`Jewish Labour
/// chairman Mike Katz` in `…, Jewish Labour chairman Mike Katz said`).
fn phrase_before(text: &str, start: usize, end: usize) -> Option<String> {
    let head = text.get(start..end)?;
    let cut = head
        .char_indices()
        .rev()
        .find(|(_, c)| matches!(c, ',' | ';' | ':' | '.' | '\u{201D}' | '"' | '(' | ')'))
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(0);
    let mut phrase = head[cut..].trim();
    for lead in ["and ", "but ", "which ", "as ", "then "] {
        if let Some(rest) = phrase.strip_prefix(lead) {
            phrase = rest;
        }
    }
    let words: Vec<&str> = phrase.split_whitespace().collect();
    if words.is_empty() || words.len() > 8 {
        return None;
    }
    // Drop adverbs between subject and verb (`Williamson also said`).
    let trimmed: Vec<&str> = words
        .iter()
        .copied()
        .filter(|w| {
            !matches!(
                *w,
                "also" | "later" | "then" | "has" | "had" | "have" | "was" | "is"
            )
        })
        .collect();
    Some(trimmed.join(" ")).filter(|s| !s.is_empty())
}

/// The phrase after a verb up to the next punctuation (`board chairwoman
/// Marie van der Zyl` in `said board chairwoman Marie van der Zyl.`).
fn phrase_after(text: &str, start: usize, end: usize) -> Option<String> {
    let tail = text.get(start..end)?;
    let cut = tail
        .find([',', ';', ':', '.', '\u{201C}', '"', '('])
        .unwrap_or(tail.len());
    let phrase = tail[..cut].trim();
    let n = phrase.split_whitespace().count();
    (n > 0 && n <= 8).then(|| phrase.to_string())
}

// ---------------------------------------------------------------------------
// Linking

struct Occ {
    article: usize,
    quote: usize,
    /// Normalised words.
    norm: Vec<String>,
    /// Lower-cased words as printed.
    raw: Vec<String>,
}

/// Longest common run of equal words: (length, start in a, start in b).
fn longest_run(a: &[String], b: &[String]) -> (usize, usize, usize) {
    let mut best = (0, 0, 0);
    let mut prev = vec![0usize; b.len() + 1];
    let mut cur = vec![0usize; b.len() + 1];
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            cur[j] = if a[i - 1] == b[j - 1] {
                prev[j - 1] + 1
            } else {
                0
            };
            if cur[j] > best.0 {
                best = (cur[j], i - cur[j], j - cur[j]);
            }
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    best
}

const LONG: usize = 5;
const SHINGLE: usize = 4;
/// Quotes longer than this (in words) are compared on their first part
/// only, which bounds the run search.
const MAX_WORDS: usize = 400;

fn hash_words(ws: &[String]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    ws.hash(&mut h);
    h.finish()
}

pub(crate) fn link(prepared: &[Prepared<'_>], facts: &Built) -> Vec<SharedQuote> {
    let mut occs: Vec<Occ> = Vec::new();
    for (ai, p) in prepared.iter().enumerate() {
        for (qi, q) in p.quotes.iter().enumerate().filter(|(_, q)| q.direct) {
            let wr = p.words_in(&q.span);
            let mut norm = Vec::new();
            let mut raw = Vec::new();
            for w in &p.words[wr] {
                norm.push(w.norm.clone());
                raw.push(fold_punctuation(p.slice(&w.span)).to_lowercase());
            }
            norm.truncate(MAX_WORDS);
            raw.truncate(MAX_WORDS);
            let content = norm.iter().filter(|w| !is_stopword(w)).count();
            if norm.len() < 2 || content == 0 {
                continue;
            }
            occs.push(Occ {
                article: ai,
                quote: qi,
                norm,
                raw,
            });
        }
    }
    let n = occs.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    // Long quotes: shingle index, then an exact run check.
    let mut shingles: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, o) in occs.iter().enumerate() {
        if o.norm.len() < LONG {
            continue;
        }
        let mut seen = HashSet::new();
        for w in o.norm.windows(SHINGLE) {
            let h = hash_words(w);
            if seen.insert(h) {
                shingles.entry(h).or_default().push(i);
            }
        }
    }
    let mut tried: HashSet<(usize, usize)> = HashSet::new();
    for list in shingles.values() {
        // A shingle shared by very many quotes is a stock phrase; a
        // bounded number of neighbours keeps this linear.
        for (k, &i) in list.iter().enumerate() {
            for &j in list.iter().skip(k + 1).take(16) {
                if !tried.insert((i, j)) {
                    continue;
                }
                let (run, _, _) = longest_run(&occs[i].norm, &occs[j].norm);
                let shorter = occs[i].norm.len().min(occs[j].norm.len());
                if run >= LONG && run * 2 >= shorter {
                    let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                    if a != b {
                        parent[a] = b;
                    }
                }
            }
        }
    }
    // Short quotes: exact groups, then attach to the one long group that
    // contains them, if exactly one does.
    let mut grams: HashMap<u64, HashSet<usize>> = HashMap::new();
    for (i, o) in occs.iter().enumerate() {
        if o.norm.len() < LONG {
            continue;
        }
        let root = find(&mut parent, i);
        for len in 2..LONG {
            for w in o.norm.windows(len) {
                grams.entry(hash_words(w)).or_default().insert(root);
            }
        }
    }
    let mut short_groups: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, o) in occs.iter().enumerate() {
        if o.norm.len() < LONG {
            short_groups.entry(hash_words(&o.norm)).or_default().push(i);
        }
    }
    for (h, members) in &short_groups {
        let target = grams
            .get(h)
            .filter(|roots| roots.len() == 1)
            .and_then(|r| r.iter().next().copied());
        let first = members[0];
        for &m in members.iter().skip(1) {
            let (a, b) = (find(&mut parent, m), find(&mut parent, first));
            if a != b {
                parent[a] = b;
            }
        }
        if let Some(t) = target {
            let (a, b) = (find(&mut parent, first), find(&mut parent, t));
            if a != b {
                parent[a] = b;
            }
        }
    }

    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in 0..n {
        let r = find(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    let mut groups: Vec<Vec<usize>> = groups
        .into_values()
        .filter(|g| {
            // Quotes of one article stay when they are real speech: the
            // other articles cut them, which is worth showing.
            let arts: HashSet<usize> = g.iter().map(|&i| occs[i].article).collect();
            arts.len() >= 2
                || g.iter().any(|&i| {
                    let o = &occs[i];
                    o.norm.len() >= 4
                        && prepared[o.article].quotes[o.quote].kind == QuoteKind::Speech
                })
        })
        .collect();
    for g in &mut groups {
        g.sort_by_key(|&i| (occs[i].article, occs[i].quote));
    }
    groups.sort_by(|a, b| {
        let arts = |g: &Vec<usize>| {
            g.iter()
                .map(|&i| occs[i].article)
                .collect::<HashSet<_>>()
                .len()
        };
        arts(b).cmp(&arts(a)).then(a[0].cmp(&b[0]))
    });

    let mut out = Vec::with_capacity(groups.len());
    for (id, g) in groups.into_iter().enumerate() {
        let canon = g
            .iter()
            .copied()
            .max_by(|&a, &b| occs[a].norm.len().cmp(&occs[b].norm.len()).then(b.cmp(&a)))
            .unwrap_or(g[0]);
        let cn = &occs[canon].norm;
        let mut occurrences = Vec::new();
        let mut carried: Vec<usize> = Vec::new();
        let mut speakers: HashMap<String, usize> = HashMap::new();
        for &i in &g {
            let o = &occs[i];
            let p = &prepared[o.article];
            let q = &p.quotes[o.quote];
            let (run, at_self, at_canon) = longest_run(&o.norm, cn);
            let contained = run * 10 >= o.norm.len() * 9;
            let printed = p.slice(&q.span);
            let ellipsis = printed.contains('\u{2026}') || printed.contains("...");
            let form = if !contained {
                QuoteForm::Edited
            } else if o.norm.len() * 10 >= cn.len() * 9 {
                QuoteForm::Full
            } else if ellipsis || at_canon == 0 || o.norm.len() * 2 >= cn.len() {
                QuoteForm::Truncated
            } else {
                QuoteForm::Partial
            };
            let mut spelling_variants = Vec::new();
            for k in 0..run {
                let (here, there) = (&o.raw[at_self + k], &occs[canon].raw[at_canon + k]);
                if here != there
                    && !spelling_variants
                        .iter()
                        .any(|v: &SpellingVariant| &v.here == here)
                {
                    spelling_variants.push(SpellingVariant {
                        here: here.clone(),
                        canonical: there.clone(),
                    });
                }
            }
            if let Some(s) = &q.speaker {
                if crate::voice::speaker_kind(s) == crate::voice::SpeakerKind::Named {
                    *speakers.entry(s.clone()).or_default() += 1;
                }
            }
            if !carried.contains(&o.article) {
                carried.push(o.article);
            }
            occurrences.push(QuoteOccurrence {
                article: p.id().to_string(),
                span: q.span.clone(),
                sentence: q.sentence.clone().unwrap_or(q.span.clone()),
                text: q.text.clone(),
                speaker: q.speaker.clone(),
                cue: q.cue.clone(),
                kind: q.kind,
                form,
                spelling_variants,
            });
        }
        // Paraphrases: articles without the quote whose sentence was
        // aligned into the same fact and shares enough of its words.
        let quote_stems: HashSet<String> = cn
            .iter()
            .filter(|w| !is_stopword(w))
            .map(|w| crate::text::stem(w))
            .collect();
        let mut paraphrased: Vec<usize> = Vec::new();
        if quote_stems.len() >= 5 {
            let mut fact_ids: HashSet<usize> = HashSet::new();
            for &i in &g {
                let o = &occs[i];
                let p = &prepared[o.article];
                if let Some(si) = p.sentence_for(&p.quotes[o.quote].span) {
                    fact_ids.extend(facts.facts_of(o.article, si).iter().copied());
                }
            }
            let mut cells: Vec<(usize, usize)> = fact_ids
                .iter()
                .flat_map(|&f| facts.members(f).iter().copied())
                .filter(|(ai, _)| !carried.contains(ai))
                .collect();
            cells.sort_unstable();
            cells.dedup();
            for (ai, si) in cells {
                if paraphrased.contains(&ai) {
                    continue;
                }
                let p = &prepared[ai];
                let Some(wr) = p.sentence_words.get(si) else {
                    continue;
                };
                {
                    let shared: HashSet<&str> = p.words[wr.clone()]
                        .iter()
                        .map(|w| w.stem.as_str())
                        .filter(|s| quote_stems.contains(*s))
                        .collect();
                    if shared.len() >= 4 && shared.len() * 3 >= quote_stems.len() {
                        let span = p.sentences[si].clone();
                        occurrences.push(QuoteOccurrence {
                            article: p.id().to_string(),
                            span: span.clone(),
                            sentence: span.clone(),
                            text: p.slice(&span).to_string(),
                            speaker: None,
                            cue: None,
                            kind: QuoteKind::Speech,
                            form: QuoteForm::Paraphrase,
                            spelling_variants: Vec::new(),
                        });
                        paraphrased.push(ai);
                    }
                }
            }
        }
        let speaker = speakers
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
            .map(|(s, _)| s);
        let ids = |v: &[usize]| -> Vec<String> {
            let mut v = v.to_vec();
            v.sort_unstable();
            v.into_iter()
                .map(|i| prepared[i].id().to_string())
                .collect()
        };
        let mut uses = vec![false; prepared.len()];
        for &i in carried.iter().chain(paraphrased.iter()) {
            uses[i] = true;
        }
        let not: Vec<usize> = (0..prepared.len()).filter(|&i| !uses[i]).collect();
        let canon_occ = &occs[canon];
        out.push(SharedQuote {
            id,
            text: prepared[canon_occ.article].quotes[canon_occ.quote]
                .text
                .clone(),
            speaker,
            occurrences,
            carried_by: ids(&carried),
            paraphrased_by: ids(&paraphrased),
            not_carried_by: ids(&not),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{block_ranges, split_sentences};

    fn fallback(text: &str) -> Vec<QuoteRef> {
        let mut sentences = Vec::new();
        for b in block_ranges(text, &[]) {
            sentences.extend(split_sentences(text, b));
        }
        find_quotes_fallback(text, &sentences, Lexicon::shipped())
    }

    #[test]
    fn fallback_pairs_marks_and_finds_speakers() {
        let t = "“We will win,” said party chair Ann Lee. Bob Kay said: \"It's over.\" \
                 The so-called “reform” failed. A target of the “crisis” quit.";
        let q = fallback(t);
        let texts: Vec<&str> = q.iter().map(|q| q.text.as_str()).collect();
        assert_eq!(texts, vec!["We will win", "It's over", "reform", "crisis"]);
        assert_eq!(q[0].speaker.as_deref(), Some("party chair Ann Lee"));
        assert_eq!(q[0].cue.as_deref(), Some("said"));
        assert_eq!(q[1].speaker.as_deref(), Some("Bob Kay"));
        assert_eq!(q[2].kind, QuoteKind::Scare);
        assert_eq!(q[3].kind, QuoteKind::Scare);
        assert_eq!(q[0].kind, QuoteKind::Speech);
        assert_eq!(&t[q[1].span.clone()], "It's over.");
    }

    #[test]
    fn fallback_closes_open_quote_at_paragraph_end() {
        let t = "He said: “First part of it.\n\n“Second part,” he added.";
        let q = fallback(t);
        assert_eq!(q.len(), 2);
        assert_eq!(q[0].text, "First part of it");
        assert_eq!(q[1].text, "Second part");
    }

    #[test]
    fn apostrophes_are_not_quotes() {
        let q = fallback("Labour's leader and the party's 'core vote' won't change.");
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].text, "core vote");
    }

    #[test]
    fn longest_run_finds_contained_quote() {
        let a: Vec<String> = "x b c d".split(' ').map(String::from).collect();
        let b: Vec<String> = "a b c d e".split(' ').map(String::from).collect();
        assert_eq!(longest_run(&a, &b), (3, 1, 1));
        assert_eq!(longest_run(&[], &b), (0, 0, 0));
    }
}
