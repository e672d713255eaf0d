//! Recognises an input's format from its first bytes, falling back to the
//! file extension only when the content does not decide.

/// What the first bytes of an input look like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Detected {
    Text,
    Html,
    Jsonl,
    /// One JSON value spread over lines: an article object or an array.
    JsonDocument,
    Warc,
    Feed,
    /// Not text; the string says what it seems to be, for the skip reason.
    Binary(String),
}

/// Known binary signatures, with what to tell the user.
const MAGIC: &[(&[u8], &str)] = &[
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (
        b"%PDF-",
        "a PDF document (convert it to text or HTML first)",
    ),
    (
        b"PK\x03\x04",
        "a ZIP archive or Office document (unpack or convert it first)",
    ),
    (b"\x7fELF", "an executable"),
    (
        b"BZh",
        "bzip2-compressed data (only gzip is read directly; decompress it first)",
    ),
    (
        b"\xfd7zXZ\x00",
        "xz-compressed data (only gzip is read directly; decompress it first)",
    ),
    (
        b"\x28\xb5\x2f\xfd",
        "zstd-compressed data (only gzip is read directly; decompress it first)",
    ),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive (unpack it first)"),
    (b"OggS", "an Ogg media file"),
    (b"ID3", "an MP3 audio file"),
    (b"RIFF", "a RIFF media file (WebP/WAV/AVI)"),
    (
        b"\x1f\x8b",
        "gzip data inside gzip (decompress the outer layer first)",
    ),
];

pub(crate) fn detect(prefix: &[u8], name: &str) -> Detected {
    let detected = detect_structure(prefix, name);
    // Containers carry binary payloads legitimately; only a document that
    // should be text as a whole is rejected for looking binary.
    if matches!(detected, Detected::Text | Detected::Html) || magic_kind(prefix).is_some() {
        if let Some(what) = binary_kind(prefix) {
            return Detected::Binary(what);
        }
    }
    detected
}

fn detect_structure(prefix: &[u8], name: &str) -> Detected {
    let ext = extensions(name);
    let has_ext = |e: &str| ext.iter().any(|x| x == e);

    // Work on an ASCII-lowercased view without BOM and leading whitespace.
    let (bom_len, utf16) = bom(prefix);
    if utf16 {
        // Only markup/feeds are checked in UTF-16; everything else is text.
        return if has_ext("html") || has_ext("htm") {
            Detected::Html
        } else {
            Detected::Text
        };
    }
    let body = &prefix[bom_len..];
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(body.len());
    let head = &body[start..];
    let lower: Vec<u8> = head.iter().take(4096).map(u8::to_ascii_lowercase).collect();

    if head.starts_with(b"WARC/") {
        return Detected::Warc;
    }
    if head.starts_with(b"{") {
        if contains(&lower, b"jsonfeed.org/version") {
            return Detected::Feed;
        }
        return json_layout(head);
    }
    if head.starts_with(b"[") {
        let next = head[1..].iter().find(|b| !b.is_ascii_whitespace());
        if matches!(next, Some(b'{' | b']')) {
            return Detected::JsonDocument;
        }
    }
    if head.starts_with(b"<") {
        return markup_kind(&lower, &ext);
    }
    if has_ext("warc") {
        // Not `WARC/` at the start: let the WARC reader report and resync.
        return Detected::Warc;
    }
    if has_ext("html") || has_ext("htm") || has_ext("xhtml") {
        return Detected::Html;
    }
    if has_ext("jsonl") || has_ext("ndjson") {
        return Detected::Jsonl;
    }
    // Text that nonetheless holds a whole page (e.g. text before <html>).
    if contains(&lower, b"<html") || contains(&lower, b"<!doctype html") {
        return Detected::Html;
    }
    Detected::Text
}

/// JSONL, unless the first line is an unfinished JSON value (a
/// pretty-printed document), which would otherwise fail line by line.
fn json_layout(head: &[u8]) -> Detected {
    let Some(newline) = head.iter().position(|&b| b == b'\n') else {
        return Detected::Jsonl;
    };
    match serde_json::from_slice::<serde::de::IgnoredAny>(&head[..newline]) {
        Err(err) if err.is_eof() => Detected::JsonDocument,
        _ => Detected::Jsonl,
    }
}

/// Markup: a feed (RSS, Atom, RDF) or an HTML page.
fn markup_kind(lower: &[u8], ext: &[String]) -> Detected {
    let html_at = first_of(lower, &[b"<!doctype html", b"<html", b"<head", b"<body"]);
    let feed_at = first_of(lower, &[b"<rss", b"<feed", b"<rdf:rdf", b"<channel"]);
    match (html_at, feed_at) {
        (Some(h), Some(f)) => {
            if f < h {
                Detected::Feed
            } else {
                Detected::Html
            }
        }
        (Some(_), None) => Detected::Html,
        (None, Some(_)) => Detected::Feed,
        (None, None) => {
            let is = |e: &str| ext.iter().any(|x| x == e);
            if is("rss") || is("atom") || (is("xml") && !is("html")) {
                Detected::Feed
            } else {
                // A fragment such as `<p>...</p>` or `<article>`: still HTML.
                Detected::Html
            }
        }
    }
}

fn first_of(haystack: &[u8], needles: &[&[u8]]) -> Option<usize> {
    needles.iter().filter_map(|n| find(haystack, n)).min()
}

pub(crate) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    find(haystack, needle).is_some()
}

/// Lower-cased extensions, last first (`a.html.gz` → `["gz", "html"]`).
fn extensions(name: &str) -> Vec<String> {
    let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let mut parts: Vec<String> = file
        .split('.')
        .skip(1)
        .map(str::to_ascii_lowercase)
        .collect();
    parts.reverse();
    parts
}

/// Length of a byte-order mark, and whether it is UTF-16.
fn bom(bytes: &[u8]) -> (usize, bool) {
    match encoding_rs::Encoding::for_bom(bytes) {
        Some((enc, len)) => (len, enc != encoding_rs::UTF_8),
        None => (0, false),
    }
}

fn magic_kind(prefix: &[u8]) -> Option<&'static str> {
    for (magic, what) in MAGIC {
        if prefix.starts_with(magic) {
            return Some(what);
        }
    }
    if prefix.len() > 8 && &prefix[4..8] == b"ftyp" {
        return Some("an MP4/QuickTime media file");
    }
    None
}

/// Names the kind of binary data, or `None` for text. Text may be in any
/// ASCII-compatible encoding or UTF-16 with a BOM; NUL bytes or many control
/// characters otherwise mean it is not text.
pub(crate) fn binary_kind(prefix: &[u8]) -> Option<String> {
    if let Some(what) = magic_kind(prefix) {
        return Some(format!("binary file: looks like {what}"));
    }
    if bom(prefix).1 {
        return None;
    }
    if prefix.contains(&0) {
        return Some("binary file: contains NUL bytes, so it is not text".to_string());
    }
    let controls = prefix
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b)) || b == 0x7f)
        .count();
    if controls * 20 > prefix.len() {
        return Some(format!(
            "binary file: {controls} of the first {} bytes are control characters",
            prefix.len()
        ));
    }
    // Mostly bytes that are neither printable ASCII nor valid UTF-8, *and*
    // no plausible single-byte text: many C1-range bytes (0x80-0x9f) that
    // legacy encodings rarely use for letters.
    let c1 = prefix
        .iter()
        .filter(|&&b| (0x80..0xa0).contains(&b))
        .count();
    if std::str::from_utf8(prefix).is_err() && c1 * 4 > prefix.len() && !legacy_cjk_text(prefix) {
        return Some("binary file: mostly bytes that are not text in any common encoding".into());
    }
    None
}

/// Shift_JIS, GBK and friends use 0x80-0x9f as lead bytes; they are text
/// when a confident guess decodes them without errors.
fn legacy_cjk_text(bytes: &[u8]) -> bool {
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, false);
    let (encoding, confident) = detector.guess_assess(None, false);
    // The window may end inside a character: allow that one error.
    let (_, _, had_errors) = encoding.decode(&bytes[..bytes.len().saturating_sub(4)]);
    confident && !had_errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_wins_over_extension() {
        assert_eq!(detect(b"WARC/1.0\r\n", "x.txt"), Detected::Warc);
        assert_eq!(detect(b"<!DOCTYPE html><html>", "x.txt"), Detected::Html);
        assert_eq!(detect(b"{\"id\":1}\n", "x.txt"), Detected::Jsonl);
        assert_eq!(
            detect(b"{\n  \"id\": 1\n}", "x.json"),
            Detected::JsonDocument
        );
        assert_eq!(detect(b" [ {\"id\": 1} ]", "x"), Detected::JsonDocument);
        assert_eq!(detect(b"[Updated] Text", "x"), Detected::Text);
        assert_eq!(
            detect(b"<?xml version=\"1.0\"?>\n<rss version=\"2.0\">", "x.html"),
            Detected::Feed
        );
        assert_eq!(
            detect(
                b"<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">",
                "f"
            ),
            Detected::Feed
        );
        assert_eq!(detect(b"\xef\xbb\xbf  <html><body>", "x"), Detected::Html);
        assert_eq!(detect(b"Plain words.", "x.jsonl"), Detected::Jsonl);
        assert_eq!(detect(b"Plain words.", "x.html"), Detected::Html);
        assert_eq!(detect(b"Plain words.", "x"), Detected::Text);
        assert_eq!(detect(b"<p>Fragment</p>", "x"), Detected::Html);
        assert_eq!(
            detect(b"<?xml version=\"1.0\"?><x/>", "x.rss"),
            Detected::Feed
        );
    }

    #[test]
    fn binary_is_named() {
        assert!(
            matches!(detect(b"\x89PNG\r\n\x1a\n\0\0", "a.txt"), Detected::Binary(w) if w.contains("PNG"))
        );
        assert!(matches!(detect(b"%PDF-1.7", "a"), Detected::Binary(w) if w.contains("PDF")));
        assert!(matches!(detect(b"abc\0def", "a"), Detected::Binary(w) if w.contains("NUL")));
        let noise: Vec<u8> = (0..2000u32).map(|i| (i * 37 % 31 + 1) as u8).collect();
        assert!(matches!(detect(&noise, "a"), Detected::Binary(_)));
        // Latin-1 text is not binary.
        assert_eq!(
            detect(b"caf\xe9 cr\xe8me br\xfbl\xe9e", "a"),
            Detected::Text
        );
        // Shift_JIS is full of 0x80-0x9f lead bytes but is text.
        let japanese =
            "東京都は火曜日、新しい予算案を発表した。知事は記者会見で説明した。".repeat(4);
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&japanese);
        assert_eq!(detect(&sjis, "a"), Detected::Text);
        // UTF-16 with BOM has NULs but is text.
        assert_eq!(detect(b"\xff\xfeh\0i\0", "a"), Detected::Text);
    }
}
