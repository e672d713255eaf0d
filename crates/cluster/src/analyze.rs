//! English term analysis for full-length articles.
//!
//! [`EnglishAnalyzer`] turns article text into the normalised terms the
//! clusterers compare: lower-cased words, stop words removed, Snowball
//! (Porter 2) English stems, so that `resigned`, `resigns` and
//! `resignation` meet. It also offers [`EnglishAnalyzer::names`], a cheap
//! stand-in for entity extraction: capitalised words inside a sentence
//! (`Corbyn`, `Saltmere`). Names matter more than words for telling two
//! events of the same kind apart (two resignations, two earthquakes), so the
//! story engine uses them when the extraction stage has not supplied
//! entities.

use crate::doc::TermAnalyzer;
use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::FxHashSet;
use std::sync::LazyLock;

/// Function words and words every news report uses (reporting verbs, days,
/// months, titles): they say nothing about which event a report covers.
const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "ago",
    "all",
    "almost",
    "already",
    "also",
    "although",
    "always",
    "am",
    "among",
    "an",
    "and",
    "another",
    "any",
    "anyone",
    "anything",
    "are",
    "around",
    "as",
    "at",
    "back",
    "be",
    "became",
    "because",
    "become",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "cannot",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "done",
    "down",
    "during",
    "each",
    "either",
    "else",
    "even",
    "ever",
    "every",
    "few",
    "for",
    "from",
    "further",
    "get",
    "got",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "however",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "least",
    "less",
    "let",
    "like",
    "made",
    "make",
    "many",
    "may",
    "me",
    "might",
    "more",
    "most",
    "much",
    "must",
    "my",
    "myself",
    "neither",
    "never",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "often",
    "on",
    "once",
    "one",
    "only",
    "or",
    "other",
    "others",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "per",
    "perhaps",
    "quite",
    "rather",
    "really",
    "same",
    "say",
    "said",
    "says",
    "saying",
    "see",
    "seen",
    "she",
    "should",
    "since",
    "so",
    "some",
    "still",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "though",
    "through",
    "thus",
    "to",
    "too",
    "told",
    "under",
    "until",
    "up",
    "upon",
    "us",
    "very",
    "via",
    "was",
    "we",
    "well",
    "were",
    "what",
    "whatever",
    "when",
    "where",
    "whether",
    "which",
    "while",
    "who",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "within",
    "without",
    "would",
    "yet",
    "you",
    "your",
    "yours",
    "yourself",
    "mr",
    "mrs",
    "ms",
    "dr",
    "according",
    "added",
    "adding",
    "asked",
    "statement",
    "reported",
    "reports",
    "report",
    "news",
    "today",
    "yesterday",
    "tomorrow",
    "week",
    "weeks",
    "year",
    "years",
    "month",
    "months",
    "day",
    "days",
    "time",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "two",
    "three",
    "first",
    "last",
    "new",
    "people",
    "including",
    "told",
    "s",
    "t",
    "don",
    "didn",
    "doesn",
    "isn",
    "wasn",
    "won",
    "can't",
    "it's",
];

/// Words that start sentences or headlines in capitals without being names.
static STOP_SET: LazyLock<FxHashSet<&'static str>> =
    LazyLock::new(|| STOP_WORDS.iter().copied().collect());

/// Stop-word test on a lower-cased word.
pub fn is_stop_word(word: &str) -> bool {
    STOP_SET.contains(word)
}

/// Lower-casing, stop words, Snowball English stemming; see the module docs.
pub struct EnglishAnalyzer {
    stemmer: Stemmer,
}

impl std::fmt::Debug for EnglishAnalyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EnglishAnalyzer")
    }
}

impl Default for EnglishAnalyzer {
    fn default() -> Self {
        EnglishAnalyzer {
            stemmer: Stemmer::create(Algorithm::English),
        }
    }
}

/// Splits text into word tokens: letters and digits, with inner apostrophes
/// (straight or curly) dropped and a possessive `'s` cut off. Each token
/// comes with whether it opens a sentence (or the text, or a line).
fn for_each_word(text: &str, mut emit: impl FnMut(&str, bool)) {
    let mut word = String::new();
    let mut sentence_start = true;
    let mut word_opens_sentence = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() {
            if word.is_empty() {
                word_opens_sentence = sentence_start;
            }
            word.push(c);
            continue;
        }
        // `anti-Semitism`, `left-wing`: one word, spelt with or without the hyphen.
        if c == '-' && !word.is_empty() && chars.peek().is_some_and(|n| n.is_alphabetic()) {
            continue;
        }
        let apostrophe = c == '\'' || c == '\u{2019}';
        if apostrophe && !word.is_empty() && chars.peek().is_some_and(|n| n.is_alphanumeric()) {
            // `Corbyn's` → `Corbyn`; `don't` → `dont` is fine as a stop word miss.
            let rest_is_s = {
                let mut look = chars.clone();
                matches!(look.next(), Some('s' | 'S'))
                    && !look.peek().is_some_and(|n| n.is_alphanumeric())
            };
            if rest_is_s {
                chars.next();
                emit(&word, word_opens_sentence);
                word.clear();
                sentence_start = false;
            }
            continue;
        }
        if !word.is_empty() {
            emit(&word, word_opens_sentence);
            word.clear();
            sentence_start = false;
        }
        if matches!(
            c,
            '.' | '!' | '?' | '\n' | ':' | '"' | '\u{201c}' | '\u{2018}' | '('
        ) {
            sentence_start = true;
        }
    }
    if !word.is_empty() {
        emit(&word, word_opens_sentence);
    }
}

impl EnglishAnalyzer {
    /// Capitalised words that do not open a sentence, lower-cased and not
    /// stemmed (`Jeremy Corbyn's` → `jeremy`, `corbyn`). All-capital words
    /// of two letters or more count too (`NATO`, `UK`). A heuristic stand-in
    /// for entity extraction: headline case defeats it, so pass body text.
    pub fn names(&self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for_each_word(text, |word, opens_sentence| {
            if opens_sentence {
                return;
            }
            let mut chars = word.chars();
            let Some(first) = chars.next() else {
                return;
            };
            if !first.is_uppercase() || word.chars().count() < 2 {
                return;
            }
            let lower = word.to_lowercase();
            if is_stop_word(&lower) || lower.chars().all(|c| c.is_ascii_digit()) {
                return;
            }
            out.push(lower);
        });
        out
    }
}

impl EnglishAnalyzer {
    /// Calls `emit(stem, word)` for every kept word of `text`, with the
    /// lower-cased word it came from (for showing a stem as a real word).
    pub fn for_each_term(&self, text: &str, mut emit: impl FnMut(&str, &str)) {
        self.for_each_kept_word(text, |lower| {
            if let Some(stem) = self.stem(lower) {
                emit(&stem, lower);
            }
        });
    }

    /// Calls `emit(word)` for every lower-cased word of `text` that is not a
    /// stop word, a number or a single character; [`Self::stem`] turns it
    /// into its term. Split in two so callers can cache stems per word.
    pub fn for_each_kept_word(&self, text: &str, mut emit: impl FnMut(&str)) {
        let mut lower = String::new();
        for_each_word(text, |word, _| {
            lower.clear();
            lower.extend(word.chars().flat_map(char::to_lowercase));
            if lower.chars().count() < 2
                || lower.chars().all(|c| c.is_ascii_digit())
                || is_stop_word(&lower)
            {
                return;
            }
            emit(&lower);
        });
    }

    /// The term of a kept lower-cased word; `None` when the stem is too short.
    pub fn stem<'a>(&self, lower: &'a str) -> Option<std::borrow::Cow<'a, str>> {
        let stem = self.stemmer.stem(lower);
        (stem.chars().count() >= 2).then_some(stem)
    }
}

impl TermAnalyzer for EnglishAnalyzer {
    fn terms(&self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        self.for_each_term(text, |stem, _| out.push(stem.to_owned()));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_lowercased_stemmed_and_filtered() {
        let a = EnglishAnalyzer::default();
        let terms = a.terms("The MP resigned on Wednesday; resignations followed. 2019 was hard.");
        assert_eq!(terms, vec!["mp", "resign", "resign", "follow", "hard"]);
        assert!(a.terms("").is_empty());
        assert!(a.terms("  ... !!! ").is_empty());
    }

    #[test]
    fn possessives_and_curly_apostrophes() {
        let a = EnglishAnalyzer::default();
        assert_eq!(a.terms("Corbyn’s party's"), vec!["corbyn", "parti"]);
    }

    #[test]
    fn names_skip_sentence_starts_and_stop_words() {
        let a = EnglishAnalyzer::default();
        let names = a.names(
            "Labour lawmaker Chris Williamson quit. The party said Jeremy Corbyn's \
             office and the NEC agreed.",
        );
        assert_eq!(
            names,
            vec!["chris", "williamson", "jeremy", "corbyn", "nec"]
        );
        assert!(a.names("").is_empty());
    }
}
