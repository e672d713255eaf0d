//! The uncased BERT tokenizer, as the table's vocabulary expects it: text
//! is lowercased and stripped of accents, split at whitespace and around
//! every punctuation mark and CJK ideograph, then each word is spelled
//! greedily with the longest vocabulary pieces (`##` marks a piece inside
//! a word).

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Longer words are one `[UNK]` to the encoder: skipped here.
const MAX_WORD_CHARS: usize = 100;

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x20000..=0x2A6DF | 0x2A700..=0x2B73F
        | 0x2B740..=0x2B81F | 0x2B820..=0x2CEAF | 0xF900..=0xFAFF | 0x2F800..=0x2FA1F)
}

fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation() || (!c.is_ascii() && !c.is_alphanumeric() && !c.is_whitespace())
}

/// Calls `f` with each lowercased, accent-free word or punctuation mark of
/// `text`, in order, until it returns `false`.
pub fn basic_words(text: &str, mut f: impl FnMut(&str) -> bool) {
    let mut word = String::new();
    // Flushes the word being built; false once `f` asked to stop.
    let flush = |word: &mut String, f: &mut dyn FnMut(&str) -> bool| -> bool {
        if word.is_empty() {
            return true;
        }
        let go = f(word);
        word.clear();
        go
    };
    for c in text.chars() {
        if c == '\0' || c == '\u{FFFD}' || (c.is_control() && !c.is_whitespace()) {
            continue;
        }
        if c.is_whitespace() {
            if !flush(&mut word, &mut f) {
                return;
            }
            continue;
        }
        if c.is_ascii() {
            if c.is_ascii_punctuation() {
                if !flush(&mut word, &mut f) {
                    return;
                }
                let mut b = [0u8; 4];
                if !f(c.encode_utf8(&mut b)) {
                    return;
                }
            } else {
                word.push(c.to_ascii_lowercase());
            }
            continue;
        }
        if is_cjk(c) || is_punct(c) {
            if !flush(&mut word, &mut f) {
                return;
            }
            let mut b = [0u8; 4];
            if !f(c.encode_utf8(&mut b)) {
                return;
            }
            continue;
        }
        for l in c.to_lowercase() {
            for d in std::iter::once(l).nfd() {
                if !is_combining_mark(d) {
                    word.push(d);
                }
            }
        }
    }
    flush(&mut word, &mut f);
}

/// Spells `word` with vocabulary pieces, longest first; pushes their ids to
/// `out` and returns `true`, or returns `false` (and `out` is to be
/// ignored) when some part of the word has no piece. `longest` bounds a
/// piece's byte length; `buf` is scratch space.
pub(crate) fn split(
    word: &str,
    longest: usize,
    buf: &mut String,
    out: &mut Vec<u32>,
    lookup: impl Fn(&str) -> Option<u32>,
) -> bool {
    if word.chars().count() > MAX_WORD_CHARS {
        return false;
    }
    let mut start = 0;
    while start < word.len() {
        let rest = &word[start..];
        // Candidate ends at char boundaries, longest first.
        let mut end = rest.len().min(longest);
        let mut hit = None;
        while end > 0 {
            if rest.is_char_boundary(end) {
                buf.clear();
                if start > 0 {
                    buf.push_str("##");
                }
                buf.push_str(&rest[..end]);
                if let Some(id) = lookup(buf) {
                    hit = Some((id, end));
                    break;
                }
            }
            end -= 1;
        }
        let Some((id, len)) = hit else {
            return false;
        };
        out.push(id);
        start += len;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        basic_words(text, |w| {
            out.push(w.to_owned());
            true
        });
        out
    }

    #[test]
    fn lowercases_strips_accents_and_splits_punctuation() {
        assert_eq!(
            words("Café d'Été — \"Müller\", 3.5%!"),
            ["cafe", "d", "'", "ete", "—", "\"", "muller", "\"", ",", "3", ".", "5", "%", "!"]
        );
        assert_eq!(words("東京タワー"), ["東", "京", "タワー"]);
        assert!(words("\u{0}\u{7}  \n").is_empty());
    }

    #[test]
    fn stops_when_asked() {
        let mut n = 0;
        basic_words("a b c d", |_| {
            n += 1;
            n < 2
        });
        assert_eq!(n, 2);
    }

    #[test]
    fn a_word_too_long_or_unspellable_is_refused() {
        let lookup = |t: &str| (t == "a" || t == "##a").then_some(1);
        let (mut buf, mut out) = (String::new(), Vec::new());
        assert!(split("aaa", 8, &mut buf, &mut out, lookup));
        assert_eq!(out, [1, 1, 1]);
        out.clear();
        assert!(!split("ab", 8, &mut buf, &mut out, lookup));
        assert!(!split(&"a".repeat(101), 8, &mut buf, &mut out, lookup));
    }
}
