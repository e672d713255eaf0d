//! Text with provenance: every byte of a [`Norm`] knows where it came from in
//! `RawDoc::content`, so the final [`OffsetMap`] can be built without guessing.
//!
//! Three kinds of provenance exist. `Exact` bytes are verbatim copies of the
//! source (the common case, and the only one the offset map calls exact).
//! `Approx` bytes replaced a differently sized source span (an NBSP folded to
//! a space, an HTML block whose markup was stripped). `Inserted` bytes have no
//! source at all (a repaired sentence break, a paragraph separator).

use parallax_model::{OffsetMap, OffsetRun};
use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Src {
    /// `clean` equals `source[start..start + clean.len()]` byte for byte.
    Exact(usize),
    /// `clean` stands for this source range; lengths always differ.
    Approx(Range<usize>),
    Inserted,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Seg {
    pub clean: Range<usize>,
    pub src: Src,
}

/// A string plus the provenance of each of its byte ranges. Segments are
/// contiguous, sorted and cover `text` completely.
#[derive(Debug, Clone, Default)]
pub(crate) struct Norm {
    pub text: String,
    pub segs: Vec<Seg>,
}

/// Where a raw line of a unit came from.
#[derive(Debug, Clone)]
pub(crate) enum LineOrigin {
    /// The line is the source slice starting here.
    Exact(usize),
    /// The line was derived from this source range (e.g. an HTML block).
    Approx(Range<usize>),
    Unknown,
}

#[derive(Debug, Clone)]
pub(crate) struct RawLine<'a> {
    pub text: &'a str,
    pub origin: LineOrigin,
}

/// Characters that carry no text (zero-width, bidi controls, BOM, soft
/// hyphen) and are dropped outright.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2069}'
            | '\u{FEFF}'
            | '\u{00AD}'
    )
}

impl Norm {
    pub fn push_exact(&mut self, s: &str, src_start: usize) {
        if s.is_empty() {
            return;
        }
        let start = self.text.len();
        self.text.push_str(s);
        let end = self.text.len();
        if let Some(last) = self.segs.last_mut() {
            if let Src::Exact(last_src) = last.src {
                if last.clean.end == start
                    && last_src + (last.clean.end - last.clean.start) == src_start
                {
                    last.clean.end = end;
                    return;
                }
            }
        }
        self.segs.push(Seg {
            clean: start..end,
            src: Src::Exact(src_start),
        });
    }

    /// Push text whose source is approximate or absent. An `Approx` whose
    /// length happens to equal the text's is downgraded to `Inserted`, because
    /// equal lengths would claim a byte-exact copy that is not there.
    pub fn push_other(&mut self, s: &str, src: Src) {
        if s.is_empty() {
            return;
        }
        let src = match src {
            Src::Approx(r) if r.len() == s.len() || r.is_empty() => Src::Inserted,
            other => other,
        };
        let start = self.text.len();
        self.text.push_str(s);
        let end = self.text.len();
        if src == Src::Inserted {
            if let Some(last) = self.segs.last_mut() {
                if last.src == Src::Inserted && last.clean.end == start {
                    last.clean.end = end;
                    return;
                }
            }
        }
        self.segs.push(Seg {
            clean: start..end,
            src,
        });
    }

    pub fn push_inserted(&mut self, s: &str) {
        self.push_other(s, Src::Inserted);
    }

    /// Normalise raw lines into one string: whitespace runs (NBSP included)
    /// fold to one space, invisible characters go, lines join with a space.
    pub fn from_lines(lines: &[RawLine<'_>]) -> Norm {
        let mut norm = Norm::default();
        for line in lines {
            if !norm.text.is_empty() && !norm.text.ends_with(' ') {
                norm.push_inserted(" ");
            }
            match &line.origin {
                LineOrigin::Exact(base) => norm.append_exact_line(line.text, *base),
                LineOrigin::Approx(range) => {
                    let folded = fold_whitespace(line.text);
                    norm.push_other(&folded, Src::Approx(range.clone()));
                }
                LineOrigin::Unknown => {
                    let folded = fold_whitespace(line.text);
                    norm.push_inserted(&folded);
                }
            }
        }
        norm.trim_end();
        norm
    }

    fn append_exact_line(&mut self, line: &str, base: usize) {
        let mut run_start: Option<usize> = None;
        let mut pending_ws: Option<Range<usize>> = None;
        for (i, c) in line.char_indices() {
            if c.is_whitespace() || is_invisible(c) {
                if let Some(s) = run_start.take() {
                    self.push_exact(&line[s..i], base + s);
                }
                if c.is_whitespace() {
                    let end = i + c.len_utf8();
                    pending_ws = Some(match pending_ws {
                        Some(r) => r.start..end,
                        None => i..end,
                    });
                }
                continue;
            }
            if let Some(ws) = pending_ws.take() {
                if !self.text.is_empty() && !self.text.ends_with(' ') {
                    if &line[ws.clone()] == " " {
                        self.push_exact(" ", base + ws.start);
                    } else {
                        self.push_other(" ", Src::Approx(base + ws.start..base + ws.end));
                    }
                }
            }
            if run_start.is_none() {
                run_start = Some(i);
            }
        }
        if let Some(s) = run_start {
            self.push_exact(&line[s..], base + s);
        }
    }

    fn trim_end(&mut self) {
        while self.text.ends_with(' ') {
            let new_len = self.text.len() - 1;
            self.text.truncate(new_len);
            while let Some(last) = self.segs.last_mut() {
                if last.clean.start >= new_len {
                    self.segs.pop();
                } else {
                    if last.clean.end > new_len {
                        last.clean.end = new_len;
                        if let Src::Approx(r) = &last.src {
                            if r.len() == last.clean.len() {
                                last.src = Src::Inserted;
                            }
                        }
                    }
                    break;
                }
            }
        }
    }

    /// Append `self.text[range]` to `out`, carrying provenance. `Approx`
    /// segments cut in the middle are mapped proportionally.
    pub fn emit_range(&self, range: Range<usize>, out: &mut Norm) {
        let first = self.segs.partition_point(|s| s.clean.end <= range.start);
        for seg in &self.segs[first..] {
            if seg.clean.start >= range.end {
                break;
            }
            let start = seg.clean.start.max(range.start);
            let end = seg.clean.end.min(range.end);
            let Some(piece) = self.text.get(start..end) else {
                continue;
            };
            match &seg.src {
                Src::Exact(s) => out.push_exact(piece, s + (start - seg.clean.start)),
                Src::Approx(src) => {
                    if start == seg.clean.start && end == seg.clean.end {
                        out.push_other(piece, Src::Approx(src.clone()));
                    } else {
                        let clean_len = seg.clean.len().max(1);
                        let a = start - seg.clean.start;
                        let b = end - seg.clean.start;
                        let s0 = src.start + a * src.len() / clean_len;
                        let s1 = src.start + b * src.len() / clean_len;
                        out.push_other(piece, Src::Approx(s0..s1.max(s0)));
                    }
                }
                Src::Inserted => out.push_inserted(piece),
            }
        }
    }

    /// Source range covered by this text, when any of it maps.
    pub fn source_span(&self) -> Option<Range<usize>> {
        let mut lo: Option<usize> = None;
        let mut hi: Option<usize> = None;
        for seg in &self.segs {
            let r = match &seg.src {
                Src::Exact(s) => *s..s + seg.clean.len(),
                Src::Approx(r) => r.clone(),
                Src::Inserted => continue,
            };
            lo = Some(lo.map_or(r.start, |l| l.min(r.start)));
            hi = Some(hi.map_or(r.end, |h| h.max(r.end)));
        }
        Some(lo?..hi?)
    }

    pub fn offset_map(&self) -> OffsetMap {
        let runs = self
            .segs
            .iter()
            .filter_map(|seg| {
                let source = match &seg.src {
                    Src::Exact(s) => *s..s + seg.clean.len(),
                    Src::Approx(r) => r.clone(),
                    Src::Inserted => return None,
                };
                Some(OffsetRun {
                    clean: seg.clean.clone(),
                    source,
                })
            })
            .collect();
        OffsetMap { runs }
    }
}

/// Decode the HTML entity at the start of `s` (`&amp;`, `&#8217;`,
/// `&#x2019;`, a few named typographic ones). Returns the character and the
/// entity's byte length.
fn decode_entity(s: &str) -> Option<(char, usize)> {
    let end = s.bytes().take(12).position(|b| b == b';')?;
    let name = s.get(1..end)?;
    let c = if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
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
            "lsquo" => '‘',
            "rsquo" => '’',
            "ldquo" => '“',
            "rdquo" => '”',
            "ndash" => '–',
            "mdash" => '—',
            "hellip" => '…',
            "pound" => '£',
            "euro" => '€',
            "shy" => '\u{ad}',
            _ => return None,
        }
    };
    Some((c, end + 1))
}

/// Length of the tag or comment at the start of `s`, if one starts there.
fn tag_len(s: &str) -> Option<usize> {
    if s.starts_with("<!--") {
        return s.find("-->").map(|e| e + 3);
    }
    let next = s.as_bytes().get(1)?;
    if s.starts_with('<') && (next.is_ascii_alphabetic() || *next == b'/' || *next == b'!') {
        return s.find('>').map(|e| e + 1);
    }
    None
}

impl Norm {
    /// Align extracted block text with the HTML it came from
    /// (`html[base..]`), skipping tags and decoding entities, so that text
    /// between tags maps byte-exactly and each entity maps to itself.
    /// `None` when the text does not follow the markup (the extractor
    /// rewrote it); callers then fall back to one approximate run.
    pub fn align_html(text: &str, html: &str, base: usize) -> Option<Norm> {
        let mut norm = Norm::default();
        let mut j = 0usize;
        let mut pending_space = false;
        for c in text.chars() {
            if c.is_whitespace() || is_invisible(c) {
                pending_space |= c.is_whitespace();
                continue;
            }
            // Skip markup and whitespace up to the next text character.
            let gap_start = j;
            loop {
                let rest = html.get(j..)?;
                if let Some(len) = tag_len(rest) {
                    j += len;
                    continue;
                }
                let first = rest.chars().next()?;
                if first.is_whitespace() || is_invisible(first) {
                    j += first.len_utf8();
                    continue;
                }
                if first == '&' {
                    if let Some((decoded, len)) = decode_entity(rest) {
                        if decoded.is_whitespace() || is_invisible(decoded) {
                            j += len;
                            continue;
                        }
                    }
                }
                break;
            }
            // The extractor's spacing wins: markup whitespace it dropped stays
            // dropped, a space it put at a tag boundary maps to the tag.
            if pending_space && !norm.text.is_empty() {
                let gap = &html[gap_start..j];
                if gap == " " {
                    norm.push_exact(" ", base + gap_start);
                } else {
                    norm.push_other(" ", Src::Approx(base + gap_start..base + j));
                }
            }
            pending_space = false;
            let rest = &html[j..];
            let mut buf = [0u8; 4];
            let encoded = c.encode_utf8(&mut buf);
            let entity = if rest.starts_with('&') {
                decode_entity(rest)
            } else {
                None
            };
            if let Some((decoded, len)) = entity {
                if decoded != c {
                    return None;
                }
                norm.push_other(encoded, Src::Approx(base + j..base + j + len));
                j += len;
            } else if rest.starts_with(&*encoded) {
                norm.push_exact(encoded, base + j);
                j += encoded.len();
            } else {
                return None;
            }
        }
        (!norm.text.is_empty()).then_some(norm)
    }
}

/// Whitespace folding for text without exact provenance.
pub(crate) fn fold_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split(char::is_whitespace) {
        let word: String = word.chars().filter(|c| !is_invisible(*c)).collect();
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_exact(norm: &Norm, source: &str) {
        for seg in &norm.segs {
            if let Src::Exact(s) = seg.src {
                assert_eq!(
                    &norm.text[seg.clean.clone()],
                    &source[s..s + seg.clean.len()]
                );
            }
        }
    }

    #[test]
    fn folds_whitespace_and_keeps_exact_runs() {
        let source = "  A\u{a0}senior  member\u{200b}s\t.";
        let line = RawLine {
            text: source.trim(),
            origin: LineOrigin::Exact(2),
        };
        let norm = Norm::from_lines(&[line]);
        assert_eq!(norm.text, "A senior members .");
        check_exact(&norm, source);
        let map = norm.offset_map();
        assert_eq!(map.to_source(0), Some(2));
        // the NBSP became an approximate run, not an exact one
        assert!(map
            .runs
            .iter()
            .any(|r| r.clean.len() == 1 && r.source.len() == 2));
    }

    #[test]
    fn approx_of_equal_length_is_not_claimed_exact() {
        let mut n = Norm::default();
        n.push_other("abc", Src::Approx(10..13));
        assert_eq!(n.segs[0].src, Src::Inserted);
        assert!(n.offset_map().runs.is_empty());
    }

    #[test]
    fn emit_range_splits_exact_segments() {
        let source = "Hello world";
        let norm = Norm::from_lines(&[RawLine {
            text: source,
            origin: LineOrigin::Exact(0),
        }]);
        let mut out = Norm::default();
        norm.emit_range(6..11, &mut out);
        out.push_inserted("\n\n");
        norm.emit_range(0..5, &mut out);
        assert_eq!(out.text, "world\n\nHello");
        let map = out.offset_map();
        assert_eq!(map.to_source(0), Some(6));
        assert_eq!(map.to_source(5), None);
        assert_eq!(map.to_source(7), Some(0));
    }
    #[test]
    fn aligns_text_with_markup_and_entities() {
        let html = "<p>Residents  said <b>they</b> would appeal &amp; fight&nbsp;on &#8220;now&#8221;.</p>";
        let text = "Residents said they would appeal & fight on “now”.";
        let norm = Norm::align_html(text, html, 100).expect("aligns");
        assert_eq!(norm.text, text);
        let shifted = format!("{}{html}", " ".repeat(100));
        check_exact(&norm, &shifted);
        let map = norm.offset_map();
        let they = text.find("they").expect("word");
        assert_eq!(
            map.to_source(they),
            Some(100 + html.find("they").expect("word"))
        );
        let amp = text.find('&').expect("amp");
        let run = map
            .runs
            .iter()
            .find(|r| r.clean.start == amp)
            .expect("entity run");
        assert_eq!(&html[run.source.start - 100..run.source.end - 100], "&amp;");
    }

    #[test]
    fn alignment_fails_cleanly_on_rewritten_text() {
        assert!(Norm::align_html("Hello there", "<p>Goodbye</p>", 0).is_none());
        assert!(Norm::align_html("abc", "<p>ab", 0).is_none());
        assert!(Norm::align_html("a", "<p>&bogus;a</p>", 0).is_none());
    }
}
