//! Bytes to UTF-8: declared charsets first, then UTF-8, then a guess.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};

/// Decodes a plain-text file. UTF-8 (or a BOM) is trusted; otherwise the
/// bytes decide between "UTF-8 with a few bad bytes" (decoded lossily, with
/// a warning) and "a legacy encoding" (guessed, with a warning).
pub(crate) fn decode_text(bytes: &[u8]) -> (String, Vec<String>) {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        return decode_declared(&bytes[bom_len..], enc, "a byte-order mark");
    }
    decode_undeclared(bytes, None)
}

/// Decodes an HTML page: BOM, then the HTTP `Content-Type` charset, then a
/// `<meta>` declaration or XML prolog, then UTF-8, then a guess.
pub(crate) fn decode_html(bytes: &[u8], http_charset: Option<&str>) -> (String, Vec<String>) {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        return decode_declared(&bytes[bom_len..], enc, "a byte-order mark");
    }
    let mut warnings = Vec::new();
    if let Some(label) = http_charset {
        match Encoding::for_label(label.trim().as_bytes()) {
            Some(enc) => return decode_declared(bytes, enc, "the HTTP Content-Type header"),
            None => warnings.push(format!(
                "unknown charset {label:?} in the HTTP header ignored"
            )),
        }
    }
    if let Some(label) = prescan_charset(bytes) {
        // Per the HTML spec a page cannot really declare UTF-16 in <meta>.
        match Encoding::for_label(label.as_bytes()) {
            Some(enc) => {
                let (text, mut more) = decode_declared(
                    bytes,
                    enc.output_encoding(),
                    "the page's charset declaration",
                );
                warnings.append(&mut more);
                return (text, warnings);
            }
            None => warnings.push(format!(
                "unknown charset {label:?} declared in the page ignored"
            )),
        }
    }
    let (text, mut more) = decode_undeclared(bytes, None);
    warnings.append(&mut more);
    (text, warnings)
}

/// Decodes with a declared encoding. A page that declares UTF-8 but is
/// plainly in a legacy encoding (a common CMS mistake) is guessed instead.
fn decode_declared(bytes: &[u8], enc: &'static Encoding, by: &str) -> (String, Vec<String>) {
    if enc == UTF_8 {
        if std::str::from_utf8(bytes).is_ok() {
            return (String::from_utf8_lossy(bytes).into_owned(), Vec::new());
        }
        return decode_undeclared(bytes, Some(by));
    }
    // Valid UTF-8 with non-ASCII characters is almost never legacy text
    // (its bytes would have to form exact multi-byte sequences): the
    // declaration is the CMS default left in place. Decoding as declared
    // would store mojibake (`cafÃ©`), so read it as UTF-8 and say why.
    if enc != UTF_16LE && enc != UTF_16BE && !bytes.is_ascii() {
        if let Ok(text) = std::str::from_utf8(bytes) {
            return (
                text.to_string(),
                vec![format!(
                    "declared {} by {by}, but the content is valid UTF-8 with non-ASCII \
                     characters: read as UTF-8",
                    enc.name()
                )],
            );
        }
    }
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    let mut warnings = Vec::new();
    if had_errors {
        warnings.push(format!(
            "content is not valid {} as declared by {by}; bad bytes replaced with U+FFFD",
            enc.name()
        ));
    }
    (text.into_owned(), warnings)
}

/// No usable declaration (or a wrong UTF-8 one): UTF-8 if valid, lossy
/// UTF-8 when the bytes are mostly UTF-8, otherwise a chardetng guess.
fn decode_undeclared(bytes: &[u8], declared_utf8_by: Option<&str>) -> (String, Vec<String>) {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (text.to_string(), Vec::new());
    }
    let (multibyte_chars, invalid_bytes) = utf8_evidence(bytes);
    if multibyte_chars >= invalid_bytes {
        let text = String::from_utf8_lossy(bytes).into_owned();
        let warning = format!(
            "invalid UTF-8: {invalid_bytes} byte(s) could not be decoded and were replaced \
             with U+FFFD (decoded lossily)"
        );
        return (text, vec![warning]);
    }
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, true);
    let enc = detector.guess(None, false);
    let (text, _) = enc.decode_without_bom_handling(bytes);
    let warning = match declared_utf8_by {
        Some(by) => format!(
            "invalid UTF-8 although {by} says UTF-8; decoded as {} (guessed from the bytes)",
            enc.name()
        ),
        None => format!(
            "invalid UTF-8 and no charset declared; decoded as {} (guessed from the bytes)",
            enc.name()
        ),
    };
    (text.into_owned(), vec![warning])
}

/// Counts valid non-ASCII UTF-8 characters and invalid bytes.
fn utf8_evidence(bytes: &[u8]) -> (usize, usize) {
    let mut multibyte = 0;
    let mut invalid = 0;
    for chunk in bytes.utf8_chunks() {
        multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        invalid += chunk.invalid().len();
    }
    (multibyte, invalid)
}

/// Finds a charset in `<meta charset=...>`, `<meta http-equiv=...
/// content="...; charset=...">` or an `<?xml encoding=...?>` prolog within
/// the first bytes of a page, as browsers do.
pub(crate) fn prescan_charset(bytes: &[u8]) -> Option<String> {
    let window = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = window.iter().map(u8::to_ascii_lowercase).collect();
    if lower.starts_with(b"<?xml") {
        let end = crate::sniff::find(&lower, b"?>").unwrap_or(lower.len());
        if let Some(at) = crate::sniff::find(&lower[..end], b"encoding=") {
            return value_after(&lower[at + 9..end]);
        }
    }
    let mut from = 0;
    while let Some(rel) = crate::sniff::find(&lower[from..], b"<meta") {
        let start = from + rel;
        let end = lower[start..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(lower.len(), |p| start + p);
        let tag = &lower[start..end];
        if let Some(at) = crate::sniff::find(tag, b"charset") {
            let rest = &tag[at + 7..];
            let rest = trim_start(rest);
            if let Some(rest) = rest.strip_prefix(b"=") {
                if let Some(label) = value_after(rest) {
                    return Some(label);
                }
            }
        }
        from = end;
    }
    None
}

fn trim_start(bytes: &[u8]) -> &[u8] {
    let skip = bytes.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &bytes[skip..]
}

/// The value at the start of `bytes`, unquoted, up to a delimiter.
fn value_after(bytes: &[u8]) -> Option<String> {
    let bytes = trim_start(bytes);
    let bytes = bytes
        .strip_prefix(b"\"")
        .or_else(|| bytes.strip_prefix(b"'"))
        .unwrap_or(bytes);
    let len = bytes
        .iter()
        .position(|&b| {
            matches!(b, b'"' | b'\'' | b';' | b'/' | b'>' | b'?') || b.is_ascii_whitespace()
        })
        .unwrap_or(bytes.len());
    let label = String::from_utf8_lossy(&bytes[..len]).into_owned();
    (!label.is_empty()).then_some(label)
}

/// The `charset=` parameter of a `Content-Type` header value.
pub(crate) fn charset_param(content_type: &str) -> Option<String> {
    let lower = content_type.to_ascii_lowercase();
    let at = lower.find("charset=")?;
    value_after(&lower.as_bytes()[at + 8..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_text_passes_through() {
        let (text, warnings) = decode_text("café – “quoted”".as_bytes());
        assert_eq!(text, "café – “quoted”");
        assert!(warnings.is_empty());
    }

    #[test]
    fn mostly_utf8_with_bad_byte_is_lossy_with_warning() {
        let mut bytes = "café résumé naïve ".as_bytes().to_vec();
        bytes.push(0xff);
        bytes.extend_from_slice(b" end");
        let (text, warnings) = decode_text(&bytes);
        assert!(text.contains("café résumé"));
        assert!(text.contains('\u{fffd}'));
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("invalid UTF-8"), "{warnings:?}");
        assert!(warnings[0].contains("lossily"));
    }

    #[test]
    fn latin1_text_is_guessed() {
        let (text, warnings) = decode_text(b"Le caf\xe9 de la gare \xe9tait ferm\xe9 le matin.");
        assert_eq!(text, "Le café de la gare était fermé le matin.");
        assert!(warnings[0].contains("guessed"), "{warnings:?}");
    }

    #[test]
    fn shift_jis_text_is_guessed() {
        let japanese = "東京都は火曜日、新しい予算案を発表した。知事は記者会見で説明した。";
        let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(japanese);
        let (text, warnings) = decode_text(&bytes);
        assert_eq!(text, japanese);
        assert!(warnings[0].contains("Shift_JIS"), "{warnings:?}");
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xff, 0xfe];
        for unit in "hé".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(decode_text(&bytes).0, "hé");
    }

    #[test]
    fn html_meta_charset_and_http_equiv() {
        let page = b"<html><head><meta charset=\"windows-1252\"><title>\x93Hi\x94</title>";
        let (text, warnings) = decode_html(page, None);
        assert!(text.contains("“Hi”"), "{text}");
        assert!(warnings.is_empty());
        let page = b"<html><head><META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=iso-8859-2\">\xb1";
        let (text, _) = decode_html(page, None);
        assert!(text.ends_with('ą'), "{text}");
        // The HTTP header outranks the page.
        let (text, _) = decode_html(b"<meta charset=utf-8>\xe9", Some("iso-8859-1"));
        assert!(text.ends_with('é'));
    }

    #[test]
    fn html_declared_utf8_but_legacy_bytes() {
        let page = b"<meta charset=\"utf-8\"><p>Fran\xe7ois a dit \xe0 la t\xe9l\xe9vision";
        let (text, warnings) = decode_html(page, None);
        assert!(text.contains("François a dit à la télévision"), "{text}");
        assert!(warnings[0].contains("says UTF-8"), "{warnings:?}");
    }

    #[test]
    fn charset_parameters() {
        assert_eq!(
            charset_param("text/html; charset=\"ISO-8859-1\"").as_deref(),
            Some("iso-8859-1")
        );
        assert_eq!(charset_param("text/html"), None);
        assert_eq!(
            prescan_charset(b"<?xml version='1.0' encoding='koi8-r'?><rss>").as_deref(),
            Some("koi8-r")
        );
    }
}
