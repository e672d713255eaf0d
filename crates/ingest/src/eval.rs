//! Measurements of ingest on real data (printed by the `ingest_eval`
//! example, floors asserted by tests). Ingest has no labels of its own, so
//! the measure is decoding fidelity: do the characters a person reads on
//! the page survive decoding? Measured against the AEB article bodies.

use crate::{read_file, ContentKind, Limits};
use std::collections::HashMap;
use std::path::Path;

/// Decoding fidelity over a folder of pages with known article bodies.
#[derive(Debug, Clone, Default)]
pub struct Fidelity {
    pub pages: usize,
    pub read_as_html: usize,
    pub skipped: usize,
    pub with_warnings: usize,
    /// Pages holding U+FFFD (bytes that could not be decoded).
    pub with_replacement_chars: usize,
    /// Pages with UTF-8-read-as-Latin-1 sequences (`Ã©`, `â€™`).
    pub with_mojibake: usize,
    /// Distinct non-ASCII words of the expected bodies...
    pub non_ascii_words: usize,
    /// ...and how many occur in the decoded page (after entity decoding).
    pub non_ascii_words_found: usize,
}

impl Fidelity {
    pub fn non_ascii_recall(&self) -> f64 {
        if self.non_ascii_words == 0 {
            return 1.0;
        }
        self.non_ascii_words_found as f64 / self.non_ascii_words as f64
    }
}

/// Reads `<dir>/html/<id>.html.gz` for every id in
/// `<dir>/ground-truth.json` (`{id: {"articleBody": ...}}`).
pub fn aeb_fidelity(dir: &Path, limits: &Limits) -> Result<Fidelity, String> {
    let truth_path = dir.join("ground-truth.json");
    let truth = std::fs::read(&truth_path).map_err(|e| format!("{}: {e}", truth_path.display()))?;
    let truth: HashMap<String, serde_json::Value> =
        serde_json::from_slice(&truth).map_err(|e| format!("{}: {e}", truth_path.display()))?;
    let mut ids: Vec<&String> = truth.keys().collect();
    ids.sort();
    let mut report = Fidelity::default();
    for id in ids {
        let body = truth[id]
            .get("articleBody")
            .and_then(|b| b.as_str())
            .unwrap_or("");
        report.pages += 1;
        let records = read_file(&dir.join("html").join(format!("{id}.html.gz")), limits);
        let Some(Ok(doc)) = records.into_iter().next() else {
            report.skipped += 1;
            continue;
        };
        if doc.kind == ContentKind::Html {
            report.read_as_html += 1;
        }
        if !doc.warnings.is_empty() {
            report.with_warnings += 1;
        }
        if doc.content.contains('\u{fffd}') {
            report.with_replacement_chars += 1;
        }
        if has_mojibake(&doc.content) {
            report.with_mojibake += 1;
        }
        let page = decode_entities(&doc.content);
        let mut words: Vec<&str> = body
            .split(|c: char| c.is_whitespace() || ",.;:!?()[]\"'".contains(c))
            .filter(|w| !w.is_ascii() && !w.is_empty())
            .collect();
        words.sort_unstable();
        words.dedup();
        report.non_ascii_words += words.len();
        report.non_ascii_words_found += words.iter().filter(|w| page.contains(**w)).count();
    }
    Ok(report)
}

/// UTF-8 bytes of common punctuation/accents decoded as windows-1252.
fn has_mojibake(text: &str) -> bool {
    [
        "â€™",
        "â€œ",
        "â€\u{9d}",
        "â€“",
        "â€”",
        "Ã©",
        "Ã¨",
        "Ã¶",
        "Ã¼",
        "Ã¡",
        "Ã³",
        "Â ",
    ]
    .iter()
    .any(|m| text.contains(m))
}

/// Numeric and the commonest named character references; enough to compare
/// words, not a general HTML decoder.
fn decode_entities(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.bytes().take(12).position(|b| b == b';');
        let decoded = end.and_then(|end| {
            let name = &rest[1..end];
            let ch = if let Some(hex) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X"))
            {
                u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
            } else if let Some(dec) = name.strip_prefix('#') {
                dec.parse().ok().and_then(char::from_u32)
            } else {
                named_entity(name)
            };
            ch.map(|c| (c, end + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn named_entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "nbsp" => '\u{a0}',
        "rsquo" => '’',
        "lsquo" => '‘',
        "rdquo" => '”',
        "ldquo" => '“',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "eacute" => 'é',
        "egrave" => 'è',
        "aacute" => 'á',
        "oacute" => 'ó',
        "uuml" => 'ü',
        "ouml" => 'ö',
        "auml" => 'ä',
        "ccedil" => 'ç',
        "pound" => '£',
        "euro" => '€',
        "copy" => '©',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_and_mojibake() {
        assert_eq!(
            decode_entities("a&rsquo;b &#233; &#xE9; &bogus; &"),
            "a’b é é &bogus; &"
        );
        assert!(has_mojibake("Itâ€™s"));
        assert!(!has_mojibake("It’s café"));
    }
}
