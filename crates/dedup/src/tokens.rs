//! Word tokens of normalised text, shared by the exact hash and MinHash so
//! both agree on what "the same words" means.

use sha2::{Digest, Sha256};
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// Scripts written without spaces between words: each character is its own
/// token, otherwise a whole Chinese or Thai sentence would be one "word" and
/// shingling would see nothing.
fn is_unspaced_script(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0EFF     // Thai, Lao
        | 0x1000..=0x109F   // Myanmar
        | 0x1780..=0x17FF   // Khmer
        | 0x3040..=0x30FF   // Hiragana, Katakana
        | 0x3400..=0x4DBF   // CJK extension A
        | 0x4E00..=0x9FFF   // CJK unified ideographs
        | 0xF900..=0xFAFF   // CJK compatibility ideographs
        | 0x20000..=0x3134F // CJK extensions B–G
    )
}

/// Calls `emit` with each normalised token of `text`, in order.
///
/// Normalisation: NFKC (so full-width letters, ligatures and composed vs.
/// decomposed accents agree), lower case, and any run of characters that are
/// not letters or digits acts as a separator. Punctuation and whitespace
/// therefore never change the result. `buf` is reused between tokens so a
/// whole text costs one small allocation.
pub(crate) fn for_each_token(text: &str, emit: impl FnMut(&str)) {
    // Most text is already in NFKC; the quick check is much cheaper than
    // running the normaliser over it.
    if is_nfkc_quick(text.chars()) == IsNormalized::Yes {
        tokens_of(text.chars(), emit);
    } else {
        tokens_of(text.nfkc(), emit);
    }
}

fn tokens_of(chars: impl Iterator<Item = char>, mut emit: impl FnMut(&str)) {
    let mut buf = String::with_capacity(32);
    for c in chars {
        // ASCII fast path: no Unicode tables for the common case.
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                buf.push(c.to_ascii_lowercase());
            } else if !buf.is_empty() {
                emit(&buf);
                buf.clear();
            }
            continue;
        }
        if c.is_alphanumeric() {
            if is_unspaced_script(c) {
                if !buf.is_empty() {
                    emit(&buf);
                    buf.clear();
                }
                buf.push(c);
                emit(&buf);
                buf.clear();
            } else {
                buf.extend(c.to_lowercase());
            }
        } else if !buf.is_empty() {
            emit(&buf);
            buf.clear();
        }
    }
    if !buf.is_empty() {
        emit(&buf);
    }
}

/// The normalised form [`content_hash`] hashes: tokens joined by one space.
/// Useful to show a user why two texts count as exact copies.
pub fn normalized_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for_each_token(text, |t| {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(t);
    });
    out
}

/// Hex SHA-256 of [`normalized_text`], computed without building it.
///
/// Stable across runs, platforms and versions of this crate as long as the
/// normalisation above is unchanged (changing it would need a store
/// migration that recomputes hashes).
pub fn content_hash(text: &str) -> String {
    // Tokens are gathered into chunks before hashing: feeding SHA-256 one
    // short word at a time costs more than the hashing itself.
    const CHUNK: usize = 4096;
    let mut hasher = Sha256::new();
    let mut pending = String::with_capacity(CHUNK + 64);
    let mut first = true;
    for_each_token(text, |t| {
        if !first {
            pending.push(' ');
        }
        first = false;
        pending.push_str(t);
        if pending.len() >= CHUNK {
            hasher.update(pending.as_bytes());
            pending.clear();
        }
    });
    hasher.update(pending.as_bytes());
    let digest = hasher.finalize();
    let mut hex = String::with_capacity(64);
    for byte in digest {
        hex.push(char::from_digit(u32::from(byte >> 4), 16).unwrap_or('0'));
        hex.push(char::from_digit(u32::from(byte & 0xF), 16).unwrap_or('0'));
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_folds_case_space_punctuation_and_forms() {
        assert_eq!(
            normalized_text("  The  Minister's\tspeech — \"HISTORIC\"!\n"),
            "the minister s speech historic"
        );
        // Composed vs decomposed accent, full-width letters.
        assert_eq!(normalized_text("Caf\u{e9}"), normalized_text("Cafe\u{301}"));
        assert_eq!(normalized_text("ＡＢＣ"), "abc");
        // Unspaced scripts split per character.
        assert_eq!(normalized_text("北京天气"), "北 京 天 气");
        assert_eq!(normalized_text(""), "");
        assert_eq!(normalized_text("… — !!"), "");
    }

    #[test]
    fn content_hash_is_stable_and_normalised() {
        let a = content_hash("The minister said: \"No.\"");
        let b = content_hash("the MINISTER said no");
        assert_eq!(a, b);
        assert_eq!(a.len(), 64);
        assert!(a
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_uppercase()));
        // Fixed value: SHA-256 of "the minister said no". Guards against an
        // accidental change of normalisation, which would orphan stored hashes.
        assert_eq!(
            a,
            "4ff0d7ee20af3773df42f07a57049150d978948db6d58d425fcb49c3e96bc932"
        );
        assert_ne!(a, content_hash("the minister said yes"));
        // Word boundaries matter: joined words are a different text.
        assert_ne!(content_hash("ab c"), content_hash("a bc"));
    }
}
