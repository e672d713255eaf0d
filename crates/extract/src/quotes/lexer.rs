//! A small byte-offset lexer for quote finding.
//!
//! The NER tokenizer follows CoNLL conventions and keeps glued text such as
//! `him.“Perhaps` as one token; quote finding needs every quotation mark as
//! its own token, so it scans the text itself. It is one pass over the
//! characters with no allocation per token.

use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokKind {
    /// Letters, digits and word-internal joiners (`Smith-Becker`, `don’t`).
    Word,
    /// Any other single non-space character.
    Punct,
    /// `"`, `“`, `”`, `„`, `«`, `»`: role decided by [`super::marks`].
    DoubleQuote,
    /// `‘` or `'` opening a word: a single-quote opener candidate.
    SingleOpen,
    /// `’` or `'` after a word and before a non-letter: closer candidate
    /// (also a plural possessive, `Lewis’`).
    SingleClose,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tok {
    pub span: Range<usize>,
    pub kind: TokKind,
    /// A line break (paragraph or line) comes before this token.
    pub break_before: bool,
}

pub(crate) fn is_double_quote(c: char) -> bool {
    matches!(
        c,
        '"' | '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{00AB}' | '\u{00BB}'
    )
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '`')
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Joiners kept inside a word when a word character follows.
fn is_joiner(c: char) -> bool {
    matches!(c, '-' | '.' | '&' | '_' | '/' | '@' | '\'' | '\u{2019}')
}

/// Tokens of `text`, in order.
pub(crate) fn lex(text: &str) -> Vec<Tok> {
    let mut out = Vec::with_capacity(text.len() / 5);
    let mut iter = text.char_indices().peekable();
    let mut prev: Option<char> = None;
    let mut break_pending = false;
    while let Some((i, c)) = iter.next() {
        if c.is_whitespace() {
            if c == '\n' || c == '\u{2029}' {
                break_pending = true;
            }
            prev = Some(c);
            continue;
        }
        let next = iter.peek().map(|&(_, n)| n);
        let (kind, end) =
            if is_word_char(c) || (c == '@' || c == '#') && next.is_some_and(is_word_char) {
                // word: extend over word chars and joiners followed by word chars
                let mut end = i + c.len_utf8();
                while let Some(&(j, d)) = iter.peek() {
                    if is_word_char(d) {
                        iter.next();
                        end = j + d.len_utf8();
                        continue;
                    }
                    if is_joiner(d) {
                        let after = text[j + d.len_utf8()..].chars().next();
                        // `U.S.` and `pic.twitter.com` join; `suspension.In`
                        // is two sentences glued together.
                        let glued_sentence = d == '.'
                            && after.is_some_and(char::is_uppercase)
                            && text[i..j]
                                .rsplit('.')
                                .next()
                                .is_some_and(|piece| piece.chars().count() > 1);
                        if after.is_some_and(is_word_char) && !glued_sentence {
                            iter.next();
                            end = j + d.len_utf8();
                            continue;
                        }
                    }
                    break;
                }
                (TokKind::Word, end)
            } else if is_double_quote(c) {
                (TokKind::DoubleQuote, i + c.len_utf8())
            } else if (c == '\'' && next == Some('\'')) || (c == '`' && next == Some('`')) {
                // `''` and two backticks: double quotation marks in some
                // archives (the NYT texts of PolNeAR)
                iter.next();
                (TokKind::DoubleQuote, i + 2)
            } else if is_apostrophe(c) {
                let after_word =
                    prev.is_some_and(|p| is_word_char(p) || matches!(p, '.' | ',' | '!' | '?'));
                let before_word = next.is_some_and(is_word_char);
                let kind = if before_word && !after_word && c != '\u{2019}'
                    || before_word && prev.is_none_or(char::is_whitespace)
                {
                    TokKind::SingleOpen
                } else if after_word && !before_word {
                    TokKind::SingleClose
                } else {
                    TokKind::Punct
                };
                (kind, i + c.len_utf8())
            } else {
                (TokKind::Punct, i + c.len_utf8())
            };
        out.push(Tok {
            span: i..end,
            kind,
            break_before: std::mem::take(&mut break_pending),
        });
        prev = text[..end].chars().next_back();
    }
    out
}

/// ASCII-lower-cases a short word into `buf`; `None` for long or non-ASCII
/// words (none of the cue and function words are).
pub(crate) fn lower<'b>(word: &str, buf: &'b mut [u8; 24]) -> Option<&'b str> {
    let bytes = word.as_bytes();
    if bytes.len() > buf.len() || !word.is_ascii() {
        return None;
    }
    for (d, s) in buf.iter_mut().zip(bytes) {
        *d = s.to_ascii_lowercase();
    }
    std::str::from_utf8(&buf[..bytes.len()]).ok()
}

/// Sentence-final punctuation.
pub(crate) fn is_terminal(s: &str) -> bool {
    matches!(s, "." | "!" | "?" | "\u{2026}")
}

/// Words that take a period without ending a sentence.
pub(crate) fn is_abbreviation(word: &str) -> bool {
    let mut buf = [0u8; 24];
    let Some(w) = lower(word, &mut buf) else {
        return false;
    };
    (w.len() == 1 && word.chars().all(char::is_uppercase))
        || w.contains('.')
        || matches!(
            w,
            "mr" | "mrs"
                | "ms"
                | "dr"
                | "prof"
                | "st"
                | "jr"
                | "sr"
                | "gov"
                | "sen"
                | "rep"
                | "gen"
                | "lt"
                | "col"
                | "sgt"
                | "capt"
                | "rev"
                | "hon"
                | "inc"
                | "corp"
                | "ltd"
                | "co"
                | "no"
                | "vs"
                | "jan"
                | "feb"
                | "aug"
                | "sept"
                | "oct"
                | "nov"
                | "dec"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(&str, TokKind)> {
        lex(text)
            .into_iter()
            .map(|t| (&text[t.span], t.kind))
            .collect()
    }

    #[test]
    fn glued_quotes_and_words() {
        use TokKind::*;
        let g = kinds("suspension.In U.S.A. pic.twitter.com");
        assert_eq!(g.len(), 6, "{g:?}");
        let k = kinds("him.\u{201C}Perhaps Smith-Becker\u{2019}s view\u{201D}and 'no'");
        assert_eq!(
            k,
            vec![
                ("him", Word),
                (".", Punct),
                ("\u{201C}", DoubleQuote),
                ("Perhaps", Word),
                ("Smith-Becker\u{2019}s", Word),
                ("view", Word),
                ("\u{201D}", DoubleQuote),
                ("and", Word),
                ("'", SingleOpen),
                ("no", Word),
                ("'", SingleClose),
            ]
        );
        let n = kinds("''Hi,'' he said");
        assert_eq!(n[0], ("''", DoubleQuote));
        assert_eq!(n[3], ("''", DoubleQuote));
    }

    #[test]
    fn breaks_and_empty() {
        assert!(lex("").is_empty());
        assert!(lex(" \n\n ").is_empty());
        let t = lex("a\n\nb");
        assert!(!t[0].break_before && t[1].break_before);
    }
}
