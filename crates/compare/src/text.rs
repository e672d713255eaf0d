//! Sentences, words and the normal forms used to compare them across
//! articles.
//!
//! Comparison needs two things from text: stable byte spans (every item the
//! comparison reports points back at `Article.text`) and forms that make
//! different outlets' wording meet: case folded, British and American
//! spelling made one, curly and straight quotes made one, light stemming.

use std::borrow::Cow;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;

/// A fast non-cryptographic hasher (FNV-1a over 8-byte words) for the hot
/// maps of the comparison. Keys are the story's own words, so hash
/// flooding is not a concern worth SipHash's cost here.
#[derive(Default, Clone, Copy)]
pub struct FastHasher(u64);

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            h = (h ^ u64::from_le_bytes(w))
                .wrapping_mul(0x0000_0100_0000_01b3)
                .rotate_left(23);
        }
        for &b in chunks.remainder() {
            h = (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 = h;
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(n as u64);
    }

    fn write_u64(&mut self, n: u64) {
        let h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        self.0 = (h ^ n).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn finish(&self) -> u64 {
        // Final avalanche so that low bits are usable by the table.
        let mut x = self.0;
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        x ^= x >> 33;
        x
    }
}

/// `HashMap` with [`FastHasher`].
pub type FastMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<FastHasher>>;
/// `HashSet` with [`FastHasher`].
pub type FastSet<K> = std::collections::HashSet<K, BuildHasherDefault<FastHasher>>;

/// Words carrying little meaning for fact alignment. Speech verbs are here
/// too: "X said Y" and "Y, X told reporters" report the same fact.
const STOPWORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
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
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "me",
    "more",
    "most",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "out",
    "over",
    "own",
    "same",
    "she",
    "should",
    "so",
    "some",
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
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yours",
    "said",
    "says",
    "say",
    "told",
    "tell",
    "tells",
    "added",
    "adding",
    "according",
    "mr",
    "mrs",
    "ms",
    "dr",
    "s",
    "t",
    "yet",
    "still",
    "however",
    "although",
    "though",
    "may",
    "might",
    "must",
    "shall",
    "us",
    "one",
    "who's",
    "it's",
    "there's",
    "he's",
    "she's",
    "i'm",
    "don't",
];

/// True for a word (already lower-cased) that alignment ignores.
pub fn is_stopword(word: &str) -> bool {
    static SET: std::sync::OnceLock<FastSet<&'static str>> = std::sync::OnceLock::new();
    SET.get_or_init(|| STOPWORDS.iter().copied().collect())
        .contains(word)
}

/// Abbreviations after which a full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "gen", "gov", "sen", "rep", "rev", "lt", "col", "sgt", "capt",
    "inc", "ltd", "co", "corp", "vs", "e.g", "i.e", "u.s", "u.k", "a.m", "p.m", "approx", "est",
    "jr", "sr", "mt", "ft", "cllr", "hon", "fig", "ca",
];

/// Byte ranges of the paragraph-level blocks of a text: the article's
/// blocks when it has them, otherwise runs separated by blank lines.
pub fn block_ranges(text: &str, blocks: &[parallax_model::Block]) -> Vec<Range<usize>> {
    let from_model: Vec<Range<usize>> = blocks
        .iter()
        .map(|b| b.span.clone())
        .filter(|r| r.start < r.end && text.get(r.clone()).is_some())
        .collect();
    if !from_model.is_empty() {
        return from_model;
    }
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\n' {
            let mut j = i + 1;
            while j < bytes.len() && (bytes[j] == b' ' || bytes[j] == b'\t' || bytes[j] == b'\r') {
                j += 1;
            }
            if j < bytes.len() && bytes[j] == b'\n' {
                push_trimmed(text, start..i, &mut out);
                while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                    j += 1;
                }
                start = j;
                i = j;
                continue;
            }
        }
        i += 1;
    }
    push_trimmed(text, start..text.len(), &mut out);
    out
}

fn push_trimmed(text: &str, range: Range<usize>, out: &mut Vec<Range<usize>>) {
    if let Some(r) = trim_range(text, range) {
        out.push(r);
    }
}

/// `range` without leading and trailing whitespace; `None` when empty.
pub fn trim_range(text: &str, range: Range<usize>) -> Option<Range<usize>> {
    let s = text.get(range.clone())?;
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    let r = range.start + lead..range.end - trail;
    (r.start < r.end).then_some(r)
}

fn is_closing_punct(c: char) -> bool {
    matches!(c, '"' | '\'' | '\u{201D}' | '\u{2019}' | ')' | ']')
}

fn is_opening_quote(c: char) -> bool {
    matches!(c, '"' | '\u{201C}' | '\u{2018}' | '\'')
}

/// Split one block into sentence ranges (byte offsets into `text`).
///
/// A sentence ends at `.`, `!` or `?` (plus closing quotes and brackets)
/// followed by whitespace and an upper-case letter, digit or opening quote,
/// unless the word before the stop is a known abbreviation or an initial.
/// Run-together sentences (`later.Williamson`, `him.“Perhaps`) left by
/// sloppy sources also split, as long as the stop follows a lower-case word.
pub fn split_sentences(text: &str, block: Range<usize>) -> Vec<Range<usize>> {
    let Some(s) = text.get(block.clone()) else {
        return Vec::new();
    };
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut i = 0usize;
    while i < chars.len() {
        let (pos, c) = chars[i];
        if matches!(c, '.' | '!' | '?' | '\u{2026}') {
            let mut j = i + 1;
            while j < chars.len() && matches!(chars[j].1, '.' | '!' | '?') {
                j += 1;
            }
            while j < chars.len() && is_closing_punct(chars[j].1) {
                j += 1;
            }
            let end = chars.get(j).map(|x| x.0).unwrap_or(s.len());
            let mut k = j;
            let mut spaced = false;
            while k < chars.len() && chars[k].1.is_whitespace() {
                spaced = true;
                k += 1;
            }
            let next = chars.get(k).map(|x| x.1);
            let starts_sentence = match next {
                None => true,
                Some(n) => {
                    n.is_uppercase()
                        || n.is_ascii_digit()
                        || (is_opening_quote(n)
                            && chars.get(k + 1).is_some_and(|x| x.1.is_uppercase()))
                }
            };
            let word_before = word_before(s, pos);
            let boundary = if next.is_none() {
                true
            } else if !starts_sentence {
                false
            } else if spaced {
                c != '.' || !is_abbreviation(word_before)
            } else {
                // Glued: only after a lower-case word of two letters or more.
                c == '.'
                    && word_before.chars().count() >= 2
                    && word_before.chars().all(|w| w.is_lowercase())
                    && !is_abbreviation(word_before)
            };
            if boundary {
                if let Some(r) = trim_range(text, block.start + start..block.start + end) {
                    out.push(r);
                }
                start = chars.get(k).map(|x| x.0).unwrap_or(s.len());
                i = k;
                continue;
            }
            i = j.max(i + 1);
            continue;
        }
        i += 1;
    }
    if let Some(r) = trim_range(text, block.start + start..block.end) {
        out.push(r);
    }
    out
}

fn word_before(s: &str, pos: usize) -> &str {
    let head = &s[..pos];
    let begin = head
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '.'))
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(0);
    &head[begin..]
}

fn is_abbreviation(word: &str) -> bool {
    if word.is_empty() {
        return false;
    }
    // Single letters are initials (`J. K.`), dotted runs are acronyms.
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    if letters == 1 && word.chars().next().is_some_and(|c| c.is_uppercase()) {
        return true;
    }
    let lower = word.to_lowercase();
    ABBREVIATIONS.contains(&lower.as_str())
}

/// One word of a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// Byte range in the article text.
    pub span: Range<usize>,
    /// Lower case, apostrophes folded, American spelling.
    pub norm: String,
    /// `norm` lightly stemmed.
    pub stem: String,
    /// Starts with an upper-case letter.
    pub capitalised: bool,
}

/// Characters that belong inside a word.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '\'' || c == '\u{2019}'
}

/// The words of `text[range]` with their spans. Hyphenated compounds come
/// out as separate words (`witch-hunt` → `witch`, `hunt`) so that they meet
/// the open spelling; digit groups keep their commas and points (`2,000`,
/// `3.2`).
pub fn words(text: &str, range: Range<usize>, spelling: &crate::lexicon::Spelling) -> Vec<Word> {
    let mut out = Vec::new();
    let Some(s) = text.get(range.clone()) else {
        return out;
    };
    let mut iter = s.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if !c.is_alphanumeric() {
            continue;
        }
        let mut end = i + c.len_utf8();
        let numeric = c.is_ascii_digit();
        while let Some(&(j, d)) = iter.peek() {
            let glue_number = numeric
                && (d == ',' || d == '.')
                && s[j + d.len_utf8()..]
                    .chars()
                    .next()
                    .is_some_and(|n| n.is_ascii_digit());
            if is_word_char(d) || glue_number {
                end = j + d.len_utf8();
                iter.next();
            } else {
                break;
            }
        }
        let raw = &s[i..end];
        let raw = raw.trim_end_matches(['\'', '\u{2019}']);
        if raw.is_empty() {
            continue;
        }
        let span = range.start + i..range.start + i + raw.len();
        let norm = normalise_word(raw, spelling);
        let stem = stem(&norm);
        out.push(Word {
            span,
            capitalised: c.is_uppercase(),
            norm,
            stem,
        });
    }
    out
}

/// Lower case, curly apostrophe made straight, possessive `'s` dropped,
/// thousands separators dropped from numbers, American spelling.
pub fn normalise_word(raw: &str, spelling: &crate::lexicon::Spelling) -> String {
    let mut w: String = if raw.is_ascii() {
        raw.to_ascii_lowercase()
    } else {
        raw.chars()
            .map(|c| if c == '\u{2019}' { '\'' } else { c })
            .flat_map(char::to_lowercase)
            .collect()
    };
    if w.ends_with("'s") {
        w.truncate(w.len() - 2);
    }
    if w.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        w.retain(|c| c != ',');
        return w;
    }
    match spelling.americanise(&w) {
        Cow::Borrowed(_) => w,
        Cow::Owned(o) => o,
    }
}

fn has_vowel(s: &str) -> bool {
    s.chars()
        .any(|c| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y'))
}

/// A light suffix stripper: enough that `resigned`, `resigns` and
/// `resigning` meet, `readmitted` meets `readmit`, `charges` meets
/// `charge`. Consistency matters more than linguistic accuracy here: both
/// sides of every comparison go through the same function.
pub fn stem(word: &str) -> String {
    if word.len() <= 3
        || !word.is_ascii()
        || word.chars().next().is_some_and(|c| c.is_ascii_digit())
    {
        return word.to_string();
    }
    let mut w = word.to_string();
    if w.ends_with("ies") && w.len() > 4 {
        w.truncate(w.len() - 3);
        w.push('y');
    } else if w.ends_with("sses") {
        w.truncate(w.len() - 2);
    } else if w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        w.truncate(w.len() - 1);
    }
    let mut stripped = false;
    if w.ends_with("ied") && w.len() > 4 {
        w.truncate(w.len() - 3);
        w.push('y');
    } else if w.ends_with("ing") && w.len() >= 6 && has_vowel(&w[..w.len() - 3]) {
        w.truncate(w.len() - 3);
        stripped = true;
    } else if w.ends_with("ed") && w.len() >= 5 && has_vowel(&w[..w.len() - 2]) {
        w.truncate(w.len() - 2);
        stripped = true;
    } else if w.ends_with("ly") && w.len() >= 6 {
        w.truncate(w.len() - 2);
    }
    if stripped {
        let b = w.as_bytes();
        let n = b.len();
        if n >= 5 && b[n - 1] == b[n - 2] && !matches!(b[n - 1], b'l' | b's' | b'z' | b'e' | b'o') {
            w.truncate(n - 1);
        }
    }
    if w.len() > 3 && w.ends_with('e') {
        w.truncate(w.len() - 1);
    }
    w
}

/// A number word or digits as a number, for matching `two` with `2`.
pub fn number_value(norm: &str) -> Option<String> {
    const WORDS: &[&str] = &[
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
    ];
    if let Some(i) = WORDS.iter().position(|w| *w == norm) {
        return Some(i.to_string());
    }
    const TENS: &[(&str, u32)] = &[
        ("thirty", 30),
        ("forty", 40),
        ("fifty", 50),
        ("sixty", 60),
        ("seventy", 70),
        ("eighty", 80),
        ("ninety", 90),
        ("hundred", 100),
        ("thousand", 1000),
    ];
    if let Some((_, v)) = TENS.iter().find(|(w, _)| *w == norm) {
        return Some(v.to_string());
    }
    let digits = norm.trim_end_matches(|c: char| c.is_alphabetic());
    if !digits.is_empty() && digits.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        let d: String = digits.chars().filter(|c| *c != ',').collect();
        let d = d.trim_end_matches('.');
        if d.parse::<f64>().is_ok() {
            return Some(d.to_string());
        }
    }
    None
}

/// Month number for a month name or abbreviation.
pub fn month_number(norm: &str) -> Option<u8> {
    const MONTHS: &[(&str, u8)] = &[
        ("january", 1),
        ("jan", 1),
        ("february", 2),
        ("feb", 2),
        ("march", 3),
        ("april", 4),
        ("apr", 4),
        ("may", 5),
        ("june", 6),
        ("jun", 6),
        ("july", 7),
        ("jul", 7),
        ("august", 8),
        ("aug", 8),
        ("september", 9),
        ("sept", 9),
        ("sep", 9),
        ("october", 10),
        ("oct", 10),
        ("november", 11),
        ("nov", 11),
        ("december", 12),
        ("dec", 12),
    ];
    MONTHS.iter().find(|(n, _)| *n == norm).map(|(_, m)| *m)
}

/// Quotation marks and dashes folded to ASCII, ellipses removed, for
/// comparing quoted text.
pub fn fold_punctuation(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{00AB}' | '\u{00BB}' => Some('"'),
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '`' => Some('\''),
            '\u{2013}' | '\u{2014}' => Some('-'),
            '\u{2026}' => None,
            '\u{00A0}' => Some(' '),
            c => Some(c),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::Spelling;

    fn sentences(text: &str) -> Vec<&str> {
        split_sentences(text, 0..text.len())
            .into_iter()
            .map(|r| &text[r])
            .collect()
    }

    #[test]
    fn splits_sentences_with_abbreviations_and_glue() {
        let t =
            "Mr. Smith left on Jan. 14. He said “no.” Then J. K. Rowling spoke.Williamson quit.";
        assert_eq!(
            sentences(t),
            vec![
                "Mr. Smith left on Jan. 14.",
                "He said “no.”",
                "Then J. K. Rowling spoke.",
                "Williamson quit."
            ]
        );
    }

    #[test]
    fn keeps_decimal_and_lowercase_continuations() {
        let t = "It cost 3.2 million crowns. the end";
        assert_eq!(sentences(t), vec!["It cost 3.2 million crowns. the end"]);
    }

    #[test]
    fn stems_meet() {
        for (a, b) in [
            ("resigned", "resign"),
            ("resigns", "resigning"),
            ("readmitted", "readmit"),
            ("charges", "charge"),
            ("suspended", "suspend"),
            ("infamously", "infamous"),
            ("added", "add"),
            ("stopped", "stop"),
        ] {
            assert_eq!(stem(a), stem(b), "{a} vs {b}");
        }
    }

    #[test]
    fn words_fold_spelling_and_hyphens() {
        let sp = Spelling::shipped();
        let t = "“Witch-hunt” to delegitimise Labour’s neighbours, 2,000 votes";
        let w = words(t, 0..t.len(), &sp);
        let norms: Vec<&str> = w.iter().map(|w| w.norm.as_str()).collect();
        assert_eq!(
            norms,
            vec![
                "witch",
                "hunt",
                "to",
                "delegitimize",
                "labor",
                "neighbors",
                "2000",
                "votes"
            ]
        );
        assert_eq!(&t[w[5].span.clone()], "neighbours");
    }

    #[test]
    fn bad_ranges_give_nothing() {
        let sp = Spelling::shipped();
        assert!(words("abc", 2..10, &sp).is_empty());
        assert!(split_sentences("abc", 5..9).is_empty());
        let t = "é";
        assert!(words(t, 1..2, &sp).is_empty());
    }
}
