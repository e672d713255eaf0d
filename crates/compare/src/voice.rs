//! Whose voice: the narrator's evaluative words, scare quotes, phrases an
//! outlet asserts that others attribute, attribution verbs, and who gets
//! quoted.

use crate::lexicon::{Lexicon, VerbTone};
use crate::prepare::Prepared;
use crate::QuoteKind;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

/// A loaded-lexicon term used by the narrator (outside quotation marks).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadedHit {
    /// The lexicon entry.
    pub term: String,
    /// Why it is flagged, for a reader: the list and section the entry
    /// comes from (`loaded-word lexicon, "Verbs that pass judgement":
    /// slammed`).
    #[serde(default)]
    pub why: String,
    /// The words as printed.
    pub text: String,
    pub span: Range<usize>,
    pub sentence: Range<usize>,
}

/// Quotation marks holding a term at arm's length.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScareQuote {
    pub text: String,
    /// Why these marks are the narrator's distance, for a reader
    /// (`so-called “…”`, or the rule that kept them).
    #[serde(default)]
    pub why: String,
    pub span: Range<usize>,
    pub sentence: Range<usize>,
}

/// A phrase this article states in its own voice that other articles of
/// the story put in quotation marks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NarratorAssertion {
    pub phrase: String,
    pub span: Range<usize>,
    pub sentence: Range<usize>,
    /// Articles that quote the phrase.
    pub quoted_in: Vec<String>,
    /// A speech verb comes earlier in the sentence (`saying he believed …
    /// the witch hunt`): reported speech rather than the narrator's own
    /// claim, so weaker evidence.
    pub indirect: bool,
}

/// How often an attribution verb introduces speech in one article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerbCount {
    pub verb: String,
    pub tone: VerbTone,
    pub count: usize,
}

/// The voice analysis of one article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleVoice {
    pub article: String,
    /// Loaded terms in the narrator's voice.
    pub loaded: Vec<LoadedHit>,
    /// Loaded terms inside quotation marks (someone else's words).
    pub loaded_in_quotes: usize,
    pub scare_quotes: Vec<ScareQuote>,
    pub narrator_assertions: Vec<NarratorAssertion>,
    /// Most used first.
    pub attribution_verbs: Vec<VerbCount>,
    /// Share of attribution verbs that are evaluative (0 when none).
    pub evaluative_share: f32,
}

/// Whether a speaker is identified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SpeakerKind {
    /// A named person or organisation.
    Named,
    /// `a source`, `a party spokesman`, `one activist, who asked not to be
    /// named`.
    Anonymous,
    /// No speaker found, or an unresolved pronoun.
    Unknown,
}

/// One speaker quoted by an article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpeakerEntry {
    pub name: String,
    pub kind: SpeakerKind,
    /// Speech quotes attributed to this speaker.
    pub quotes: usize,
}

/// Who one article quotes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleSources {
    pub article: String,
    pub speakers: Vec<SpeakerEntry>,
    /// Speech quotes by named, anonymous and unknown speakers.
    pub named: usize,
    pub anonymous: usize,
    pub unknown: usize,
}

const ANONYMOUS_LEADS: &[&str] = &[
    "a",
    "an",
    "one",
    "some",
    "several",
    "two",
    "three",
    "many",
    "sources",
    "officials",
    "critics",
    "supporters",
    "insiders",
    "aides",
    "people",
    "members",
];

const ANONYMOUS_WORDS: &[&str] = &[
    "source",
    "sources",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "official",
    "officials",
    "insider",
    "aide",
    "unnamed",
    "anonymous",
    "anonymity",
];

/// Classify a speaker string.
pub fn speaker_kind(speaker: &str) -> SpeakerKind {
    let words: Vec<&str> = speaker.split_whitespace().collect();
    let Some(first) = words.first() else {
        return SpeakerKind::Unknown;
    };
    let lower_first = first.to_lowercase();
    if matches!(
        lower_first.as_str(),
        "he" | "she" | "they" | "i" | "we" | "it" | "you"
    ) {
        return SpeakerKind::Unknown;
    }
    let lower = speaker.to_lowercase();
    if ANONYMOUS_LEADS.contains(&lower_first.as_str())
        || lower.contains("not to be named")
        || lower.contains("want to be named")
    {
        return SpeakerKind::Anonymous;
    }
    let capitalised_after_first = words
        .iter()
        .skip(1)
        .any(|w| w.chars().next().is_some_and(|c| c.is_uppercase()));
    let first_cap = first.chars().next().is_some_and(|c| c.is_uppercase())
        && !matches!(
            lower_first.as_str(),
            "the" | "a" | "an" | "his" | "her" | "their"
        );
    let generic = words
        .iter()
        .any(|w| ANONYMOUS_WORDS.contains(&w.to_lowercase().as_str()));
    if generic && !words.iter().skip(1).any(|w| is_name_like(w)) {
        return SpeakerKind::Anonymous;
    }
    if first_cap || capitalised_after_first {
        SpeakerKind::Named
    } else {
        SpeakerKind::Unknown
    }
}

/// A capitalised word that is not an organisation/role word, i.e. likely
/// part of a person's name.
fn is_name_like(w: &str) -> bool {
    w.chars().next().is_some_and(|c| c.is_uppercase())
        && !matches!(
            w,
            "Labour" | "Party" | "Alliance" | "Civic" | "Council" | "Government" | "Ministry"
        )
}

fn is_speech_verb(p: &Prepared<'_>, k: usize, lexicon: &Lexicon) -> Option<(String, VerbTone)> {
    let w = &p.words[k];
    let raw = p.slice(&w.span);
    let inflected = raw.ends_with('d')
        || raw.ends_with('s')
        || raw.ends_with("ing")
        || matches!(raw, "said" | "told" | "wrote");
    if !inflected {
        return None;
    }
    lexicon
        .attribution(&w.stem)
        .map(|(v, t)| (v.to_string(), t))
}

/// Quoted words that are a title or a name ("The American President",
/// "Sharknado 3", "Brexit Party") or a token (a handle, an id, a link), not
/// the writer keeping a word at arm's length: every word capitalised
/// (small words aside), or a digit, `@`, `#` or `/` in it.
pub(crate) fn is_title_or_token(text: &str) -> bool {
    if text
        .chars()
        .any(|c| c.is_ascii_digit() || "@#/".contains(c))
    {
        return true;
    }
    let t = text.trim_matches(|c: char| !c.is_alphanumeric());
    if t.is_empty() {
        return true;
    }
    const SMALL: &[&str] = &[
        "a", "an", "the", "of", "and", "in", "on", "at", "to", "for", "or", "with", "de",
    ];
    let words: Vec<&str> = t.split_whitespace().collect();
    words.len() >= 2
        && words
            .first()
            .is_some_and(|w| w.chars().next().is_some_and(char::is_uppercase))
        && words.iter().all(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                || SMALL.contains(&w.to_lowercase().as_str())
        })
}

/// Whether a lexicon hit is another sense of the word than the loaded
/// one: part of a name or title (`the Radical Party`, `Evil Dead`: a
/// capital inside a sentence that is not a title-case headline), or `lies`
/// as "is located" (`the answer lies in…`).
fn is_other_sense(
    ws: &[crate::text::Word],
    k: usize,
    n: usize,
    term: &str,
    title_case: bool,
) -> bool {
    if !title_case && k > 0 && ws[k..k + n].iter().any(|w| w.capitalised) {
        return true;
    }
    term == "lies"
        && ws.get(k + n).is_some_and(|w| {
            matches!(
                w.norm.as_str(),
                "in" | "on"
                    | "at"
                    | "with"
                    | "within"
                    | "ahead"
                    | "behind"
                    | "beneath"
                    | "between"
                    | "outside"
                    | "inside"
                    | "near"
                    | "there"
                    | "here"
                    | "dormant"
                    | "low"
            )
        })
}

/// Longest quoted run taken as scare quotes: past it, the marks hold a
/// partial quotation of someone, not a term held at arm's length.
const MAX_SCARE_WORDS: usize = 4;

/// How many words before the opening mark a speech verb makes the
/// quotation the speaker's (the verb and up to three words between).
const SPEECH_VERB_REACH: usize = 4;

/// Words before quotation marks that make them a mention of the words
/// themselves (`the term “…”`, `a book entitled “…”`), not distance.
const MENTION_LEADS: &[&str] = &[
    "word",
    "words",
    "term",
    "terms",
    "phrase",
    "hashtag",
    "slogan",
    "headline",
    "headlined",
    "titled",
    "entitled",
    "nicknamed",
    "codenamed",
    "dubbed",
    "named",
    "spelled",
    "letters",
];

/// Why the narrator's quotation marks around `q` are scare quotes, or
/// `None` when they are something else: a title, name or token; a partial
/// quotation (too long, or in a sentence whose speech verb introduces it,
/// or words a source of the article says in direct speech); a mention of
/// the word itself (`the term “…”`, `‘Gender’ (69)`).
fn scare_quote_reason(p: &Prepared<'_>, q: &crate::QuoteRef, lexicon: &Lexicon) -> Option<String> {
    if is_title_or_token(&q.text) {
        return None;
    }
    let wr = p.words_in(&q.span);
    let ws = &p.words[wr.clone()];
    if ws.is_empty() || ws.len() > MAX_SCARE_WORDS {
        return None;
    }
    // One capitalised word inside a sentence: a name or a term mentioned
    // (`‘Liberalism’`, `“Jews”`), not distance.
    let sentence_start = q.sentence.as_ref().map_or(q.span.start, |s| s.start);
    if ws.len() == 1
        && ws[0].capitalised
        && p.slice(&(sentence_start..q.span.start))
            .chars()
            .any(char::is_alphanumeric)
    {
        return None;
    }
    let text = &p.article.text;
    let after = text.get(q.span.end..).unwrap_or("");
    let after = after.trim_start_matches(|c: char| !c.is_alphanumeric() && c != '(' && c != '\n');
    if after.starts_with('(') && after[1..].starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    // The word before the opening mark.
    let before_words: Vec<&crate::text::Word> = p.words[..wr.start]
        .iter()
        .rev()
        .take_while(|w| w.span.start >= sentence_start)
        .take(3)
        .collect();
    if before_words
        .first()
        .is_some_and(|w| MENTION_LEADS.contains(&w.norm.as_str()))
    {
        return None;
    }
    // `so-called “…”`, `the supposed “…”`: distance the narrator states.
    let lead = |i: usize| before_words.get(i).map_or("", |w| w.norm.as_str());
    if (lead(0) == "called" && lead(1) == "so")
        || (lead(0) == "styled" && lead(1) == "self")
        || matches!(lead(0), "supposed" | "alleged" | "purported")
    {
        let from = before_words
            .get(usize::from(matches!(lead(0), "called" | "styled")))
            .map_or(q.span.start, |w| w.span.start);
        let close: String = text
            .get(q.span.end..)
            .and_then(|t| t.chars().next())
            .filter(|c| matches!(c, '"' | '\'' | '\u{201D}' | '\u{2019}'))
            .map(String::from)
            .unwrap_or_default();
        return Some(format!(
            "scare quotes: {}{}{close}",
            p.slice(&(from..q.span.start)),
            q.text
        ));
    }
    // A speech verb just before introduces the quotation (`she called the
    // plan “a disaster”`, `described as “arrogant”`): the speaker's words.
    // Farther back (`told reporters that the “inquiry” would go on`) the
    // marks are the narrator's again.
    let sentence_words = p
        .sentence_for(&q.span)
        .and_then(|si| p.sentence_words.get(si).cloned())
        .unwrap_or(wr.start..wr.start);
    let from = sentence_words
        .start
        .max(wr.start.saturating_sub(SPEECH_VERB_REACH));
    if (from..wr.start)
        .any(|k| p.quote_of_word[k].is_none() && is_speech_verb(p, k, lexicon).is_some())
    {
        return None;
    }
    // The same words inside direct speech elsewhere in the article: an
    // echo of a source.
    let norms: Vec<&str> = ws.iter().map(|w| w.norm.as_str()).collect();
    let said_by_source = p.quotes.iter().any(|o| {
        o.direct && o.kind == QuoteKind::Speech && o.span != q.span && {
            let owr = p.words_in(&o.span);
            p.words[owr].windows(norms.len()).any(|win| {
                win.iter()
                    .map(|w| w.norm.as_str())
                    .eq(norms.iter().copied())
            })
        }
    });
    if said_by_source {
        return None;
    }
    Some(
        "scare quotes: the narrator's own words in quotation marks, said by no source \
         in the article and not a title, name or term mentioned"
            .to_string(),
    )
}

pub(crate) fn voices(prepared: &[Prepared<'_>], lexicon: &Lexicon) -> Vec<ArticleVoice> {
    // Short quoted phrases per article, for narrator assertions.
    let mut quoted: HashMap<Vec<String>, Vec<usize>> = HashMap::new();
    for (ai, p) in prepared.iter().enumerate() {
        for q in p.quotes.iter().filter(|q| q.direct) {
            let wr = p.words_in(&q.span);
            let ws = &p.words[wr];
            if ws.len() < 2 || ws.len() > 5 {
                continue;
            }
            if ws.iter().all(|w| w.capitalised)
                || ws.iter().all(|w| crate::text::is_stopword(&w.norm))
            {
                continue;
            }
            let key: Vec<String> = ws.iter().map(|w| w.norm.clone()).collect();
            let list = quoted.entry(key).or_default();
            if !list.contains(&ai) {
                list.push(ai);
            }
        }
    }

    let quoted_first: crate::text::FastSet<&str> = quoted
        .keys()
        .filter_map(|k| k.first().map(String::as_str))
        .collect();
    let mut out = Vec::with_capacity(prepared.len());
    for (ai, p) in prepared.iter().enumerate() {
        let mut loaded = Vec::new();
        let mut loaded_in_quotes = 0;
        let mut narrator_assertions = Vec::new();
        let mut verbs: BTreeMap<String, (VerbTone, usize)> = BTreeMap::new();
        for (si, wr) in p.sentence_words.iter().enumerate() {
            let sentence = p.sentences[si].clone();
            let ws = &p.words[wr.clone()];
            let stems: Vec<&str> = ws.iter().map(|w| w.stem.as_str()).collect();
            let sentence_has_quote = p.quote_of_word[wr.clone()].iter().any(|q| q.is_some())
                || p.quotes
                    .iter()
                    .any(|q| q.sentence.as_ref() == Some(&sentence));
            // A headline in title case capitalises every word; elsewhere a
            // capital marks a name.
            let title_case = ws.iter().filter(|w| w.capitalised).count() * 5 > ws.len() * 3;
            let mut first_verb: Option<usize> = None;
            for k in 0..ws.len() {
                let gk = wr.start + k;
                let in_quote = p.quote_of_word[gk].is_some();
                if !in_quote {
                    if let Some((verb, tone)) = is_speech_verb(p, gk, lexicon) {
                        first_verb.get_or_insert(k);
                        let followed_by_that = ws.get(k + 1).is_some_and(|w| w.norm == "that");
                        if sentence_has_quote || followed_by_that {
                            verbs.entry(verb).or_insert((tone, 0)).1 += 1;
                        }
                    }
                }
                let hit = lexicon.loaded_entry_at(&stems[k..]).or_else(|| {
                    lexicon
                        .loaded_exact(&ws[k].norm)
                        .map(|(term, section)| (term, section, 1))
                });
                let hit = hit.filter(|&(term, _, n)| !is_other_sense(ws, k, n, term, title_case));
                if let Some((term, section, n)) = hit {
                    let all_out = (gk..gk + n).all(|i| p.quote_of_word[i].is_none());
                    if all_out {
                        let span = ws[k].span.start..ws[k + n - 1].span.end;
                        loaded.push(LoadedHit {
                            term: term.to_string(),
                            why: format!("loaded-word lexicon, \"{section}\": {term}"),
                            text: p.slice(&span).to_string(),
                            span,
                            sentence: sentence.clone(),
                        });
                    } else {
                        loaded_in_quotes += 1;
                    }
                }
                if !quoted_first.contains(ws[k].norm.as_str()) {
                    continue;
                }
                // The longest phrase starting here that others quote: one
                // flag per place, not one per length of it.
                let mut longest: Option<(usize, Vec<String>)> = None;
                for n in 2..=5usize {
                    if k + n > ws.len() || (gk..gk + n).any(|i| p.quote_of_word[i].is_some()) {
                        break;
                    }
                    let key: Vec<String> = ws[k..k + n].iter().map(|w| w.norm.clone()).collect();
                    let Some(by) = quoted.get(&key) else {
                        continue;
                    };
                    let others: Vec<String> = by
                        .iter()
                        .filter(|&&b| b != ai)
                        .map(|&b| prepared[b].id().to_string())
                        .collect();
                    if !others.is_empty() {
                        longest = Some((n, others));
                    }
                }
                if let Some((n, others)) = longest {
                    let span = ws[k].span.start..ws[k + n - 1].span.end;
                    // Inside a phrase already flagged from an earlier word.
                    if narrator_assertions
                        .last()
                        .is_some_and(|a: &NarratorAssertion| a.span.end >= span.end)
                    {
                        continue;
                    }
                    narrator_assertions.push(NarratorAssertion {
                        phrase: p.slice(&span).to_string(),
                        span,
                        sentence: sentence.clone(),
                        quoted_in: others,
                        indirect: first_verb.is_some_and(|v| v < k),
                    });
                }
            }
        }
        let mut scare_quotes: Vec<ScareQuote> = p
            .quotes
            .iter()
            .filter(|q| q.kind == QuoteKind::Scare)
            .filter_map(|q| {
                let why = scare_quote_reason(p, q, lexicon)?;
                Some(ScareQuote {
                    text: q.text.clone(),
                    why,
                    span: q.span.clone(),
                    sentence: q.sentence.clone().unwrap_or(q.span.clone()),
                })
            })
            .collect();
        scare_quotes.dedup_by(|b, a| a.span == b.span);
        let mut attribution_verbs: Vec<VerbCount> = verbs
            .into_iter()
            .map(|(verb, (tone, count))| VerbCount { verb, tone, count })
            .collect();
        attribution_verbs.sort_by(|a, b| b.count.cmp(&a.count).then(a.verb.cmp(&b.verb)));
        let total: usize = attribution_verbs.iter().map(|v| v.count).sum();
        let evaluative: usize = attribution_verbs
            .iter()
            .filter(|v| v.tone == VerbTone::Evaluative)
            .map(|v| v.count)
            .sum();
        out.push(ArticleVoice {
            article: p.id().to_string(),
            loaded,
            loaded_in_quotes,
            scare_quotes,
            narrator_assertions,
            attribution_verbs,
            evaluative_share: if total == 0 {
                0.0
            } else {
                ((evaluative as f32 / total as f32) * 1000.0).round() / 1000.0
            },
        });
    }
    out
}

pub(crate) fn sources(prepared: &[Prepared<'_>]) -> Vec<ArticleSources> {
    prepared
        .iter()
        .map(|p| {
            let mut speakers: Vec<SpeakerEntry> = Vec::new();
            let (mut named, mut anonymous, mut unknown) = (0, 0, 0);
            for q in p.quotes.iter().filter(|q| q.kind == QuoteKind::Speech) {
                let (name, kind) = match &q.speaker {
                    Some(s) => (
                        s.trim().to_string(),
                        q.speaker_kind.unwrap_or_else(|| speaker_kind(s)),
                    ),
                    None => (String::new(), SpeakerKind::Unknown),
                };
                match kind {
                    SpeakerKind::Named => named += 1,
                    SpeakerKind::Anonymous => anonymous += 1,
                    SpeakerKind::Unknown => {
                        unknown += 1;
                        continue;
                    }
                }
                // `Williamson` and `Chris Williamson` are one speaker.
                let last = name.split_whitespace().last().unwrap_or("").to_string();
                let existing = speakers.iter_mut().find(|s| {
                    s.kind == kind
                        && (s.name == name
                            || (kind == SpeakerKind::Named
                                && s.name.split_whitespace().last() == Some(last.as_str())))
                });
                match existing {
                    Some(s) => {
                        s.quotes += 1;
                        if name.len() > s.name.len() {
                            s.name = name;
                        }
                    }
                    None => speakers.push(SpeakerEntry {
                        name,
                        kind,
                        quotes: 1,
                    }),
                }
            }
            speakers.sort_by(|a, b| b.quotes.cmp(&a.quotes).then(a.name.cmp(&b.name)));
            ArticleSources {
                article: p.id().to_string(),
                speakers,
                named,
                anonymous,
                unknown,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn titles_names_and_tokens_are_not_scare_quotes() {
        use super::is_title_or_token;
        for t in [
            "The American President",
            "Sharknado 3",
            "@mostrel",
            "1234567890",
            "Brexit Party",
            "Lord of the Rings",
        ] {
            assert!(is_title_or_token(t), "{t}");
        }
        for t in [
            "experts",
            "peace process",
            "independent",
            "Zionist entity",
            "migrants",
        ] {
            assert!(!is_title_or_token(t), "{t}");
        }
    }

    use super::*;

    #[test]
    fn classifies_speakers() {
        assert_eq!(
            speaker_kind("Jewish Labour chairman Mike Katz"),
            SpeakerKind::Named
        );
        assert_eq!(
            speaker_kind("board chairwoman Marie van der Zyl"),
            SpeakerKind::Named
        );
        assert_eq!(speaker_kind("A Labour source"), SpeakerKind::Anonymous);
        assert_eq!(
            speaker_kind("a Civic Alliance spokesman"),
            SpeakerKind::Anonymous
        );
        assert_eq!(
            speaker_kind("One Eastwick activist, who asked not to be named"),
            SpeakerKind::Anonymous
        );
        assert_eq!(speaker_kind("he"), SpeakerKind::Unknown);
        assert_eq!(speaker_kind(""), SpeakerKind::Unknown);
        assert_eq!(speaker_kind("the statement"), SpeakerKind::Unknown);
    }
}
