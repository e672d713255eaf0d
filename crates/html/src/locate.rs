//! Best-effort mapping of extracted text back to byte ranges of the raw HTML.
//!
//! The DOM parser keeps no source positions, so we rebuild them: the raw HTML
//! is scanned once into a stream of its visible text characters (tags,
//! comments, `<script>`/`<style>`/`<title>` contents skipped; common entities
//! decoded; all whitespace dropped), each remembering the source bytes it came
//! from. A block is then found by searching its whitespace-free text in that
//! stream, moving forward through the document as blocks come in order.

use std::ops::Range;

/// Visible text of a page without whitespace, with source offsets.
pub struct SourceText {
    /// Whitespace-free visible text.
    stream: String,
    /// For every byte of `stream`: the source range of the character it is part of.
    starts: Vec<u32>,
    ends: Vec<u32>,
    /// Where the next block search begins (blocks arrive in document order).
    cursor: usize,
}

/// Elements whose content is not visible text.
const RAW_TEXT: [&str; 6] = [
    "script", "style", "title", "textarea", "noscript", "template",
];

pub(crate) fn decode_entity(s: &str) -> Option<(char, usize)> {
    // `s` starts after '&'; returns the char and the bytes consumed incl. ';'.
    let end = s.bytes().take(12).position(|b| b == b';')?;
    let name = &s[..end];
    let c = if let Some(num) = name.strip_prefix('#') {
        let code = if let Some(hex) = num.strip_prefix(['x', 'X']) {
            u32::from_str_radix(hex, 16).ok()?
        } else {
            num.parse::<u32>().ok()?
        };
        char::from_u32(code)?
    } else {
        match name {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            "nbsp" => '\u{a0}',
            "rsquo" => '\u{2019}',
            "lsquo" => '\u{2018}',
            "rdquo" => '\u{201d}',
            "ldquo" => '\u{201c}',
            "mdash" => '\u{2014}',
            "ndash" => '\u{2013}',
            "hellip" => '\u{2026}',
            "eacute" => 'é',
            "copy" => '©',
            "reg" => '®',
            "trade" => '™',
            "euro" => '€',
            "pound" => '£',
            "middot" => '·',
            "bull" => '•',
            _ => return None,
        }
    };
    Some((c, end + 1))
}

fn lower_starts_with(hay: &[u8], needle: &[u8]) -> bool {
    hay.len() >= needle.len() && hay[..needle.len()].eq_ignore_ascii_case(needle)
}

/// Find `</name` case-insensitively from `from`; returns its index.
fn find_close_tag(bytes: &[u8], from: usize, name: &str) -> Option<usize> {
    let mut i = from;
    while i + 1 < bytes.len() {
        let rel = bytes[i..].iter().position(|&b| b == b'<')?;
        i += rel;
        if bytes.get(i + 1) == Some(&b'/') && lower_starts_with(&bytes[i + 2..], name.as_bytes()) {
            return Some(i);
        }
        i += 1;
    }
    None
}

impl SourceText {
    pub fn new(html: &str) -> SourceText {
        let bytes = html.as_bytes();
        let mut st = SourceText {
            stream: String::with_capacity(html.len() / 4),
            starts: Vec::with_capacity(html.len() / 4),
            ends: Vec::with_capacity(html.len() / 4),
            cursor: 0,
        };
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b == b'<' {
                let rest = &bytes[i + 1..];
                if rest.starts_with(b"!--") {
                    i = match html[i + 4..].find("-->") {
                        Some(p) => i + 4 + p + 3,
                        None => bytes.len(),
                    };
                    continue;
                }
                let is_tag_start = rest.first().is_some_and(|c| {
                    c.is_ascii_alphabetic() || *c == b'/' || *c == b'!' || *c == b'?'
                });
                if !is_tag_start {
                    st.push('<', i, i + 1);
                    i += 1;
                    continue;
                }
                let close = match bytes[i..].iter().position(|&c| c == b'>') {
                    Some(p) => i + p + 1,
                    None => bytes.len(),
                };
                let raw = RAW_TEXT
                    .iter()
                    .find(|name| {
                        lower_starts_with(rest, name.as_bytes())
                            && rest
                                .get(name.len())
                                .is_none_or(|c| !c.is_ascii_alphanumeric() && *c != b'-')
                    })
                    .copied();
                i = close;
                if let Some(name) = raw {
                    i = match find_close_tag(bytes, i, name) {
                        Some(p) => p,
                        None => bytes.len(),
                    };
                }
                continue;
            }
            // One character of text (`i` is always on a char boundary here:
            // we only ever stop at ASCII bytes or step by whole characters).
            let Some(c) = html[i..].chars().next() else {
                break;
            };
            if c == '&' {
                if let Some((d, len)) = decode_entity(&html[i + 1..]) {
                    st.push(d, i, i + 1 + len);
                    i += 1 + len;
                    continue;
                }
            }
            st.push(c, i, i + c.len_utf8());
            i += c.len_utf8();
        }
        st
    }

    fn push(&mut self, c: char, start: usize, end: usize) {
        if c.is_whitespace() {
            return;
        }
        let c = normalise_char(c);
        self.stream.push(c);
        for _ in 0..c.len_utf8() {
            self.starts.push(start as u32);
            self.ends.push(end as u32);
        }
    }

    fn range(&self, at: usize, len: usize) -> Option<Range<usize>> {
        let start = *self.starts.get(at)? as usize;
        let end = *self.ends.get(at + len.checked_sub(1)?)? as usize;
        Some(start..end)
    }

    fn find_from(&self, needle: &str, from: usize) -> Option<usize> {
        if needle.is_empty() {
            return None;
        }
        self.stream.get(from..)?.find(needle).map(|p| p + from)
    }

    /// Locate a block's text, preferring matches after the previous block.
    pub fn locate_next(&mut self, text: &str) -> Option<Range<usize>> {
        let found = self
            .locate_from(text, self.cursor)
            .or_else(|| self.locate_from(text, 0))?;
        self.cursor = found.1;
        self.range(found.0, found.1 - found.0)
    }

    /// Locate text anywhere in the page (first occurrence), without moving the cursor.
    pub fn locate_anywhere(&self, text: &str) -> Option<Range<usize>> {
        let (s, e) = self.locate_from(text, 0)?;
        self.range(s, e - s)
    }

    /// The page's visible text without whitespace (entities decoded).
    pub fn visible(&self) -> &str {
        &self.stream
    }

    /// Whether `range` of `html` shows exactly `text` (ignoring whitespace
    /// and markup): the provenance check used by the evaluation.
    pub fn verifies(html: &str, range: Range<usize>, text: &str) -> bool {
        html.get(range)
            .is_some_and(|frag| SourceText::new(frag).visible() == Self::key(text))
    }

    /// The whitespace-free, normalised form of `text` used for matching.
    pub fn key(text: &str) -> String {
        text.chars()
            .filter(|c| !c.is_whitespace())
            .map(normalise_char)
            .collect()
    }

    /// Returns stream positions `(start, end)`.
    fn locate_from(&self, text: &str, from: usize) -> Option<(usize, usize)> {
        let key = Self::key(text);
        if key.is_empty() {
            return None;
        }
        if let Some(p) = self.find_from(&key, from) {
            return Some((p, p + key.len()));
        }
        // The extractor may have altered the middle (joined cells, dropped an
        // inline element): anchor on the first and last few characters.
        const ANCHOR: usize = 24;
        let chars: Vec<(usize, char)> = key.char_indices().collect();
        if chars.len() < 2 * ANCHOR {
            return None;
        }
        let head_end = chars[ANCHOR].0;
        let tail_start = chars[chars.len() - ANCHOR].0;
        let head = &key[..head_end];
        let tail = &key[tail_start..];
        let p = self.find_from(head, from)?;
        let q = self.find_from(tail, p + head.len())?;
        let limit = key.len() * 3 + 2000;
        (q + tail.len() - p <= limit).then_some((p, q + tail.len()))
    }
}

/// Fold characters that extractors commonly rewrite, so both sides compare equal.
fn normalise_char(c: char) -> char {
    match c {
        '\u{a0}' => ' ',
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_text_across_inline_tags_and_entities() {
        let html = "<html><head><title>T</title><script>var a = 'Hello world';</script></head>\
                    <body><p>Hello <b>wide</b> world &amp; more</p><p>Second</p></body></html>";
        let mut st = SourceText::new(html);
        let r = st.locate_next("Hello wide world & more").unwrap();
        assert_eq!(&html[r.clone()], "Hello <b>wide</b> world &amp; more");
        let r2 = st.locate_next("Second").unwrap();
        assert_eq!(&html[r2], "Second");
        assert!(st.locate_next("absent text").is_none());
    }

    #[test]
    fn survives_broken_markup() {
        for html in [
            "<",
            "<p",
            "&#xFFFFFFFF;",
            "<script>",
            "<!--",
            "a < b &",
            "é<é>é",
        ] {
            let mut st = SourceText::new(html);
            let _ = st.locate_next("a");
        }
    }
}
