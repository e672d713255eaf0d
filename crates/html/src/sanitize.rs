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
