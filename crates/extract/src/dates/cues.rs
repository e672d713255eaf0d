//! Tense cues around a date: is the clause about the future?
//!
//! News is mostly past tense, so a year-less date is taken as past unless
//! its clause says otherwise. The clause is the text between the nearest
//! punctuation marks around the expression, which keeps `who was suspended
//! in February, will stand...` from reading February as future. A date
//! fronted by its preposition (`On December 12, voters will...`) looks past
//! the comma that follows it.

use std::ops::Range;

/// How strongly a clause points to the future.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Future {
    None,
    /// Compatible with a near future: `would`, `election`, `vote`.
    Weak,
    /// Unambiguous: `will`, `next`, `scheduled`, `upcoming`, `due to`.
    Strong,
}

const STRONG: &[&str] = &[
    "will",
    "shall",
    "won't",
    "upcoming",
    "forthcoming",
    "scheduled",
    "rescheduled",
    "tomorrow",
    "next",
    "expect",
    "expects",
];

const WEAK: &[&str] = &[
    "would",
    "election",
    "elections",
    "vote",
    "votes",
    "polls",
    "ballot",
    "referendum",
    "deadline",
    "convention",
    "primary",
    "primaries",
    "caucus",
    "caucuses",
    "debate",
    "summit",
    "inauguration",
    "plans",
];

/// Past forms that, right before a date, tie the date to themselves
/// (`announced Sunday she will resign` is about Sunday past).
const PAST_SPEECH: &[&str] = &[
    "said",
    "told",
    "announced",
    "wrote",
    "tweeted",
    "declared",
    "revealed",
    "confirmed",
    "insisted",
    "warned",
    "argued",
    "stated",
    "added",
];

/// Two-word cues that are future only as a pair (`set` alone is often past).
const STRONG_PAIRS: &[(&str, &str)] = &[
    ("due", "to"),
    ("set", "to"),
    ("going", "to"),
    ("plans", "to"),
    ("plan", "to"),
    ("expected", "to"),
    ("is", "to"),
    ("are", "to"),
    ("later", "this"),
    ("now", "and"),
    ("ahead", "of"),
];

fn is_boundary(c: char) -> bool {
    matches!(
        c,
        '.' | '!'
            | '?'
            | ';'
            | ':'
            | ','
            | '('
            | ')'
            | '"'
            | '\n'
            | '\u{201C}'
            | '\u{201D}'
            | '\u{2014}'
            | '\u{2013}'
    )
}

/// Byte offset of the clause start before `at` (just after a boundary).
fn clause_start(text: &str, at: usize) -> usize {
    text[..at]
        .char_indices()
        .rev()
        .find(|&(_, c)| is_boundary(c))
        .map_or(0, |(i, c)| i + c.len_utf8())
}

/// Byte offset of the clause end after `at` (at the next boundary).
fn clause_end(text: &str, at: usize) -> usize {
    text[at..]
        .char_indices()
        .find(|&(_, c)| is_boundary(c))
        .map_or(text.len(), |(i, _)| at + i)
}

fn words(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '\u{2019}'))
        .filter(|w| !w.is_empty())
        .map(|w| w.replace('\u{2019}', "'").to_lowercase())
}

/// Future cue in the clause around `span` (which must lie on char
/// boundaries of `text`).
pub(crate) fn future_cue(text: &str, span: Range<usize>) -> Future {
    let start = clause_start(text, span.start);
    let mut before = words(&text[start..span.start]).collect::<Vec<_>>();
    if before.last().is_some_and(|w| w == "on") {
        before.pop();
    }
    if before
        .last()
        .is_some_and(|w| PAST_SPEECH.contains(&w.as_str()))
    {
        return Future::None;
    }
    let mut end = clause_end(text, span.end);
    let left_words = words(&text[start..span.start]).count();
    if text[span.end..end].trim().is_empty() && left_words <= 2 && end < text.len() {
        // `On December 12, voters will ...`: the clause is the one after.
        let after = text[end..].chars().next().map_or(1, char::len_utf8);
        if text[end..].starts_with(',') {
            end = clause_end(text, end + after);
        }
    }
    let clause: Vec<String> = words(&text[start..span.start])
        .chain(words(&text[span.end..end]))
        .collect();
    let mut weak = false;
    for (i, w) in clause.iter().enumerate() {
        if STRONG.contains(&w.as_str()) || w.ends_with("'ll") {
            return Future::Strong;
        }
        if let Some(next) = clause.get(i + 1) {
            if STRONG_PAIRS.contains(&(w.as_str(), next.as_str())) {
                return Future::Strong;
            }
        }
        weak |= WEAK.contains(&w.as_str());
    }
    if weak {
        Future::Weak
    } else {
        Future::None
    }
}
