//! Guard against pathologically deep markup before parsing.
//!
//! The DOM and the content extractor walk the tree recursively, so thousands
//! of nested elements would overflow the stack (an abort, not a catchable
//! panic). Real pages nest a few dozen levels; beyond [`MAX_DEPTH`] we drop
//! the excess wrapper tags and keep their text.

use std::borrow::Cow;

/// Deepest element nesting passed to the parser.
pub const MAX_DEPTH: usize = 128;

/// Tags that never nest: void elements and those whose end tag is implied by
/// the next sibling, so an unclosed `<p>` or `<li>` does not count as depth.
fn counts_as_depth(name: &[u8]) -> bool {
    const FLAT: [&[u8]; 29] = [
        b"area",
        b"base",
        b"br",
        b"col",
        b"embed",
        b"hr",
        b"img",
        b"input",
        b"link",
        b"meta",
        b"param",
        b"source",
        b"track",
        b"wbr",
        b"p",
        b"li",
        b"dt",
        b"dd",
        b"option",
        b"optgroup",
        b"tr",
        b"td",
        b"th",
        b"tbody",
        b"thead",
        b"tfoot",
        b"html",
        b"head",
        b"body",
    ];
    !FLAT.iter().any(|f| f.eq_ignore_ascii_case(name))
}

const RAW_TEXT: [&[u8]; 6] = [
    b"script",
    b"style",
    b"textarea",
    b"title",
    b"xmp",
    b"noscript",
];

enum Tag<'a> {
    Open { name: &'a [u8], self_closing: bool },
    Close { name: &'a [u8] },
    Other,
}

/// Parse the tag starting at `i` (`bytes[i] == b'<'`); returns it and its end.
fn tag_at(bytes: &[u8], i: usize) -> (Tag<'_>, usize) {
    let rest = &bytes[i + 1..];
    if rest.starts_with(b"!--") {
        let end = find(bytes, i + 4, b"-->").map_or(bytes.len(), |p| p + 3);
        return (Tag::Other, end);
    }
    let end = find(bytes, i, b">").map_or(bytes.len(), |p| p + 1);
    let (closing, start) = if rest.first() == Some(&b'/') {
        (true, i + 2)
    } else {
        (false, i + 1)
    };
    let name_len = bytes[start.min(bytes.len())..]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
        .count();
    if name_len == 0 || !bytes[start].is_ascii_alphabetic() {
        return (Tag::Other, end);
    }
    let name = &bytes[start..start + name_len];
    if closing {
        (Tag::Close { name }, end)
    } else {
        let self_closing = end >= 2 && bytes[end - 2] == b'/';
        (Tag::Open { name, self_closing }, end)
    }
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

fn find_close(bytes: &[u8], from: usize, name: &[u8]) -> usize {
    let mut i = from;
    while let Some(p) = bytes
        .get(i..)
        .and_then(|r| r.iter().position(|&b| b == b'<'))
    {
        let at = i + p;
        let after = &bytes[at + 1..];
        if after.first() == Some(&b'/')
            && after.len() > name.len()
            && after[1..=name.len()].eq_ignore_ascii_case(name)
        {
            return at;
        }
        i = at + 1;
    }
    bytes.len()
}

/// Walk the tags, calling `visit(start, end, keep)` for every tag; returns
/// whether any tag had to be dropped.
fn scan(html: &str, mut visit: impl FnMut(usize, usize, bool)) -> bool {
    let bytes = html.as_bytes();
    let (mut depth, mut dropped, mut any) = (0usize, 0usize, false);
    let mut i = 0;
    while let Some(p) = bytes
        .get(i..)
        .and_then(|r| r.iter().position(|&b| b == b'<'))
    {
        let at = i + p;
        if at + 1 >= bytes.len() {
            break;
        }
        let (tag, end) = tag_at(bytes, at);
        let mut keep = true;
        let mut next = end;
        match tag {
            Tag::Open { name, self_closing } => {
                if RAW_TEXT.iter().any(|r| r.eq_ignore_ascii_case(name)) {
                    next = find_close(bytes, end, name);
                } else if !self_closing && counts_as_depth(name) {
                    if depth >= MAX_DEPTH {
                        keep = false;
                        dropped += 1;
                        any = true;
                    } else {
                        depth += 1;
                    }
                }
            }
            Tag::Close { name } => {
                if counts_as_depth(name) {
                    if dropped > 0 {
                        keep = false;
                        dropped -= 1;
                    } else {
                        depth = depth.saturating_sub(1);
                    }
                }
            }
            Tag::Other => {}
        }
        visit(at, end, keep);
        i = next.max(at + 1);
    }
    any
}

/// The page with nesting beyond [`MAX_DEPTH`] flattened; borrowed when the
/// page is already shallow enough (the common case: no copy).
pub fn limit_depth(html: &str) -> Cow<'_, str> {
    if !scan(html, |_, _, _| {}) {
        return Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    let mut copied = 0;
    scan(html, |start, end, keep| {
        if !keep {
            // Tags start at '<' and end after '>' or at the end: both are
            // ASCII positions, hence char boundaries.
            out.push_str(&html[copied..start]);
            copied = end;
        }
    });
    out.push_str(&html[copied..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shallow_pages_are_untouched() {
        let html = "<html><body><div><p>One<p>Two</div><img src=x><br/></body></html>";
        assert!(matches!(limit_depth(html), Cow::Borrowed(_)));
    }

    #[test]
    fn deep_nesting_is_flattened_keeping_text() {
        let html = format!(
            "{}<b>deep</b>{}",
            "<div>".repeat(1000),
            "</div>".repeat(1000)
        );
        let out = limit_depth(&html);
        assert_eq!(out.matches("<div>").count(), MAX_DEPTH);
        assert_eq!(out.matches("</div>").count(), MAX_DEPTH);
        assert!(out.contains("deep"));
    }

    #[test]
    fn broken_tags_do_not_panic() {
        for s in ["<", "</", "<a", "<!--", "<script>", "</x", "<é>", "a<</>"] {
            let _ = limit_depth(s);
        }
    }
}

/// The page with every `charset` inside a `<meta …>` tag that is not
/// followed by `=` spelt `charsex`, and every `http-equiv` there spelt
/// `http-equix`; borrowed when there is none (the common case). Lengths are
/// kept, so offsets into the page still hold.
///
/// html5ever 0.39 (under the `trafilatura` crate) indexes past the end of a
/// `content` attribute that ends in the word `charset`
/// (`content="text/html; charset"`), a panic on a page a browser shows
/// fine. Such a word names no encoding, so nothing is lost; found by the
/// `html_extract` fuzz target.
pub fn defuse_meta_charset(html: &str) -> Cow<'_, str> {
    let bytes = html.as_bytes();
    let mut hits: Vec<usize> = Vec::new();
    let mut i = 0;
    while let Some(at) = find_ci(&bytes[i..], b"<meta") {
        let start = i + at;
        let end = tag_end(bytes, start);
        let mut j = start;
        while let Some(c) = find_ci(&bytes[j..end], b"charset") {
            let word = j + c;
            let after = word + b"charset".len();
            let next = bytes[after..end]
                .iter()
                .find(|b| !b.is_ascii_whitespace())
                .copied();
            if next != Some(b'=') {
                hits.push(word + b"charse".len());
            }
            j = after;
        }
        // And the parser never looks for an encoding in `content` at all:
        // it does so only for a `<meta http-equiv="content-type">`, and an
        // attribute name has no entities or other spellings to miss.
        let mut j = start;
        while let Some(c) = find_ci(&bytes[j..end], b"http-equiv") {
            hits.push(j + c + b"http-equi".len());
            j += c + b"http-equiv".len();
        }
        i = end.max(start + 1);
        if i >= bytes.len() {
            break;
        }
    }
    if hits.is_empty() {
        return Cow::Borrowed(html);
    }
    hits.sort_unstable();
    let mut out = String::with_capacity(html.len());
    let mut copied = 0;
    for h in hits {
        // `t`/`v` (any case) is ASCII: `h` is a character boundary.
        out.push_str(&html[copied..h]);
        out.push('x');
        copied = h + 1;
    }
    out.push_str(&html[copied..]);
    Cow::Owned(out)
}

/// Where the tag opening at `start` ends: its `>` outside quoted attribute
/// values (a quoted value runs past any `>` to its closing quote, as the
/// parser reads it), or the end of the page.
fn tag_end(bytes: &[u8], start: usize) -> usize {
    let mut quote: Option<u8> = None;
    let mut prev_eq = false;
    for (k, &b) in bytes.iter().enumerate().skip(start) {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'>' => return k,
            // A quote opens a value only right after `=` (spaces allowed).
            None if (b == b'"' || b == b'\'') && prev_eq => quote = Some(b),
            None => {}
        }
        if quote.is_none() && !b.is_ascii_whitespace() {
            prev_eq = b == b'=';
        }
    }
    bytes.len()
}

fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod charset_tests {
    use super::defuse_meta_charset;

    #[test]
    fn a_charset_without_a_value_is_defused_and_others_kept() {
        let page = "<meta http-equiv=\"Content-Type\" content=\"text/html; charset\">\
                    <meta charset=\"utf-8\"><META CONTENT='x; CHARSET = utf-8'>\
                    <p>charset</p>";
        let out = defuse_meta_charset(page);
        assert_eq!(
            out,
            "<meta http-equix=\"Content-Type\" content=\"text/html; charsex\">\
             <meta charset=\"utf-8\"><META CONTENT='x; CHARSET = utf-8'>\
             <p>charset</p>"
        );
        assert!(matches!(
            defuse_meta_charset("<p>plain</p>"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(
            defuse_meta_charset("<meta content=\"charset"),
            "<meta content=\"charsex"
        );
        // A quoted value runs past a `>` to its closing quote.
        assert_eq!(
            defuse_meta_charset("<meta content=\"a</b>c; charset\"><p>charset</p>"),
            "<meta content=\"a</b>c; charsex\"><p>charset</p>"
        );
    }
}
