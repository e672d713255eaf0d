//! Tokenising English news text into sentences of tokens that keep their
//! byte offsets into the input.
//!
//! The tokens follow the CoNLL-2003 (Reuters) conventions the tagger was
//! trained on: punctuation split off, possessive `'s` and `n't` separate,
//! hyphenated words and abbreviations such as `U.S.` or `Mr.` kept whole.

use std::ops::Range;

/// A token and where it sits in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token<'a> {
    pub text: &'a str,
    /// Byte range in the input text.
    pub span: Range<usize>,
}

/// Abbreviations that keep their period and do not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "inc", "corp", "ltd", "co", "plc", "gov",
    "sen", "rep", "gen", "col", "lt", "sgt", "capt", "cmdr", "adm", "maj", "rev", "hon", "pres",
    "supt", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "vs", "etc", "no", "nos", "mt", "ft", "ave", "blvd", "dept", "univ", "assn", "bros", "est",
    "approx", "fig", "vol", "cf", "al",
];

fn is_abbreviation(word: &str) -> bool {
    // `U.S`, `e.g`, `a.m` (the final period is not included in `word`)
    let letters_and_dots = word.contains('.')
        && word
            .split('.')
            .all(|p| p.chars().count() == 1 && p.chars().all(char::is_alphabetic));
    let single_capital = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
    letters_and_dots || single_capital || ABBREVIATIONS.contains(&word.to_lowercase().as_str())
}

fn is_split_punct(c: char) -> bool {
    matches!(
        c,
        ',' | ';'
            | ':'
            | '!'
            | '?'
            | '"'
            | '('
            | ')'
            | '['
            | ']'
            | '{'
            | '}'
            | '\u{201C}'
            | '\u{201D}'
            | '\u{201E}'
            | '\u{00AB}'
            | '\u{00BB}'
            | '\u{2014}'
            | '\u{2013}'
            | '\u{2026}'
            | '*'
            | '|'
    )
}

fn is_quote_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '`')
}

/// Splits one whitespace-free chunk `s` (starting at byte `base`) into tokens.
fn split_chunk<'a>(text: &'a str, base: usize, s: &'a str, out: &mut Vec<Token<'a>>) {
    let bytes_end = base + s.len();
    let mut start = base;
    let mut end = bytes_end;
    let push = |out: &mut Vec<Token<'a>>, r: Range<usize>| {
        if r.start < r.end {
            out.push(Token {
                text: &text[r.clone()],
                span: r,
            });
        }
    };
    // Leading punctuation and opening quotes.
    let mut leading = Vec::new();
    while start < end {
        let Some(c) = text[start..end].chars().next() else {
            break;
        };
        if is_split_punct(c) || is_quote_apostrophe(c) {
            leading.push(start..start + c.len_utf8());
            start += c.len_utf8();
        } else {
            break;
        }
    }
    // Trailing punctuation, closing quotes, sentence periods.
    let mut trailing = Vec::new();
    while end > start {
        let Some(c) = text[start..end].chars().next_back() else {
            break;
        };
        let clen = c.len_utf8();
        if is_split_punct(c)
            || (is_quote_apostrophe(c) && !text[start..end - clen].ends_with(['s', 'S']))
        {
            trailing.push(end - clen..end);
            end -= clen;
        } else if c == '.' {
            let body = &text[start..end - 1];
            if body.ends_with('.') {
                // an ellipsis `...`: one token
                let dots = body.len() - body.trim_end_matches('.').len() + 1;
                trailing.push(end - dots..end);
                end -= dots;
            } else if is_abbreviation(body) {
                break;
            } else {
                trailing.push(end - 1..end);
                end -= 1;
            }
        } else {
            break;
        }
    }
    for r in leading {
        push(out, r);
    }
    // Inside: split at remaining split punctuation, except digit groups (1,000).
    let inner = &text[start..end];
    let mut piece_start = start;
    let mut prev: Option<char> = None;
    let mut chars = inner.char_indices().peekable();
    while let Some((off, c)) = chars.next() {
        let at = start + off;
        let between_digits = prev.is_some_and(|p| p.is_ascii_digit())
            && chars.peek().is_some_and(|(_, n)| n.is_ascii_digit());
        prev = Some(c);
        let splits = if c == '/' {
            !between_digits
        } else {
            is_split_punct(c) && !(matches!(c, ',' | ':') && between_digits)
        };
        if splits {
            push_word(text, piece_start..at, out);
            push(out, at..at + c.len_utf8());
            piece_start = at + c.len_utf8();
        }
    }
    push_word(text, piece_start..end, out);
    for r in trailing.into_iter().rev() {
        push(out, r);
    }
}

/// Pushes a word, splitting a possessive `'s` or a `n't` clitic.
fn push_word<'a>(text: &'a str, r: Range<usize>, out: &mut Vec<Token<'a>>) {
    if r.start >= r.end {
        return;
    }
    let w = &text[r.clone()];
    // Only `S`, `N` and `T` lower-case to the letters of these suffixes, so
    // an ASCII case-insensitive comparison of the last bytes is enough.
    let mut cut = None;
    for suffix in ["'s", "\u{2019}s", "n't", "n\u{2019}t"] {
        let tail = w.len().wrapping_sub(suffix.len());
        if w.len() > suffix.len()
            && w.get(tail..)
                .is_some_and(|t| t.eq_ignore_ascii_case(suffix))
        {
            cut = Some(r.end - suffix.len());
            break;
        }
    }
    match cut {
        Some(c) if text.is_char_boundary(c) => {
            out.push(Token {
                text: &text[r.start..c],
                span: r.start..c,
            });
            out.push(Token {
                text: &text[c..r.end],
                span: c..r.end,
            });
        }
        _ => out.push(Token { text: w, span: r }),
    }
}

fn ends_sentence(t: &str) -> bool {
    matches!(t, "." | "!" | "?" | "..." | "\u{2026}")
}

fn is_closing(t: &str) -> bool {
    matches!(t, "\"" | "'" | "\u{201D}" | "\u{2019}" | ")" | "]")
}

/// Longest sentence, in tokens. Text without sentence punctuation (a
/// lowercase dump, a run of repeated phrases) would otherwise be one
/// "sentence" of the whole input, and every stage that works per sentence
/// (tagging windows, quotes, timeline entities) would grow with its square.
/// Real news sentences stay far below this (PolNeAR's longest is ~120).
pub const MAX_SENTENCE_TOKENS: usize = 200;

/// Once a sentence is this long, a comma, semicolon, colon or dash ends it:
/// a forced break then falls on a clause boundary when there is one.
const SOFT_SENTENCE_TOKENS: usize = 150;

/// Splits text into sentences of tokens. A sentence ends at `.`, `!` or `?`
/// (plus any closing quotes or brackets) before a token that does not start
/// in lower case, and at a blank line or a line break that is not a mere
/// wrap inside a paragraph. No sentence is longer than
/// [`MAX_SENTENCE_TOKENS`]: a longer run is cut at a clause mark past
/// [`SOFT_SENTENCE_TOKENS`], or at the limit itself.
pub fn tokenize(text: &str) -> Vec<Vec<Token<'_>>> {
    let mut sentences = Vec::new();
    let mut current: Vec<Token<'_>> = Vec::new();
    let mut line_break_before: Vec<usize> = Vec::new();
    let mut tokens = Vec::new();
    let mut pos = 0;
    let mut newlines = 0usize;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if pos < i {
                split_chunk(text, pos, &text[pos..i], &mut tokens);
            }
            pos = i + c.len_utf8();
            if c == '\n' {
                newlines += 1;
                line_break_before.push(tokens.len());
            }
        }
    }
    if pos < text.len() {
        split_chunk(text, pos, &text[pos..], &mut tokens);
    }
    let _ = newlines;
    let mut breaks = line_break_before.into_iter().peekable();
    let n = tokens.len();
    for k in 0..n {
        // A line break before token k?
        let mut broken_line = false;
        let mut blank_line = false;
        let mut count = 0;
        while breaks.peek().is_some_and(|&b| b <= k) {
            if breaks.next() == Some(k) {
                count += 1;
            }
        }
        if count > 0 && !current.is_empty() {
            broken_line = true;
            blank_line = count > 1;
        }
        if broken_line {
            let starts_lower = tokens[k]
                .text
                .chars()
                .next()
                .is_some_and(char::is_lowercase);
            let prev = current.last().map(|t| t.text).unwrap_or("");
            let wrap = !blank_line && starts_lower && !ends_sentence(prev);
            if !wrap {
                sentences.push(std::mem::take(&mut current));
            }
        }
        current.push(tokens[k].clone());
        // End of sentence after terminal punctuation and closers?
        let t = tokens[k].text;
        let terminal = ends_sentence(t)
            || (is_closing(t)
                && current.len() >= 2
                && ends_sentence(current[current.len() - 2].text));
        if terminal {
            let next = tokens.get(k + 1).map(|t| t.text).unwrap_or("");
            let next_closes = is_closing(next) && !next.is_empty() && ends_sentence(t);
            // No sentence starts with a comma or a semicolon: `R-Ky.,`.
            let next_lower = next.chars().next().is_some_and(char::is_lowercase)
                || (ends_sentence(t) && matches!(next, "," | ";"));
            if !next_closes && !next_lower {
                sentences.push(std::mem::take(&mut current));
            }
        }
        let clause_mark = matches!(t, "," | ";" | ":" | "\u{2014}" | "\u{2013}");
        if current.len() >= MAX_SENTENCE_TOKENS
            || (current.len() >= SOFT_SENTENCE_TOKENS && clause_mark)
        {
            sentences.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        sentences.push(current);
    }
    sentences.retain(|s| !s.is_empty());
    sentences
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<Vec<&str>> {
        tokenize(text)
            .into_iter()
            .map(|s| s.into_iter().map(|t| t.text).collect())
            .collect()
    }

    #[test]
    fn splits_punctuation_and_sentences() {
        let s = words("Mr. Smith went to the U.S. on Monday. He said: \"It's fine,\" then left.");
        assert_eq!(
            s,
            vec![
                vec!["Mr.", "Smith", "went", "to", "the", "U.S.", "on", "Monday", "."],
                vec!["He", "said", ":", "\"", "It", "'s", "fine", ",", "\"", "then", "left", "."],
            ]
        );
    }

    #[test]
    fn keeps_hyphens_numbers_and_possessives() {
        let s =
            words("Labour's anti-Semitism row cost $1,000.50 (about 3.5%) in 2019\u{2019}s polls.");
        assert_eq!(
            s[0],
            vec![
                "Labour",
                "'s",
                "anti-Semitism",
                "row",
                "cost",
                "$1,000.50",
                "(",
                "about",
                "3.5%",
                ")",
                "in",
                "2019",
                "\u{2019}s",
                "polls",
                "."
            ]
        );
    }

    #[test]
    fn slashes_split_words_not_numbers() {
        let s = words("Chris Williamson/Twitter on 24/7 news");
        assert_eq!(
            s[0],
            vec!["Chris", "Williamson", "/", "Twitter", "on", "24/7", "news"]
        );
    }

    #[test]
    fn offsets_point_into_input() {
        let text =
            "  Jeremy Corbyn\u{2019}s \u{201C}party\u{201D} \u{2014} in London.\n\nNew paragraph";
        for sent in tokenize(text) {
            for t in sent {
                assert_eq!(&text[t.span.clone()], t.text);
            }
        }
        assert_eq!(tokenize(text).len(), 2);
    }

    #[test]
    fn headline_lines_are_sentences() {
        let s = words("LABOUR ROW DEEPENS\nThe party said on Monday that it would act.");
        assert_eq!(s.len(), 2);
        assert_eq!(s[0], vec!["LABOUR", "ROW", "DEEPENS"]);
    }

    #[test]
    fn sentences_are_bounded_without_punctuation() {
        let text = "word ".repeat(10_000);
        let sentences = tokenize(&text);
        assert_eq!(sentences.iter().map(Vec::len).sum::<usize>(), 10_000);
        assert!(sentences.iter().all(|s| s.len() <= MAX_SENTENCE_TOKENS));
        // A clause mark past the soft limit takes the break.
        let text = format!("{}, tail words here", "word ".repeat(160));
        let first = &tokenize(&text)[0];
        assert_eq!(first.last().map(|t| t.text), Some(","));
    }

    #[test]
    fn empty_and_odd_input() {
        assert!(tokenize("").is_empty());
        assert!(tokenize("   \n\n  ").is_empty());
        let s = words("\"\"\" ... ?!");
        assert!(!s.is_empty());
    }
}
