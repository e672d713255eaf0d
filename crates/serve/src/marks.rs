//! The clean text with what extraction found in it marked up: entity
//! mentions (linked to their entity page), quotes (speech and the
//! narrator's scare quotes), dates with their resolved value, and the
//! `?hl=` range a link asked for.
//!
//! Spans overlap freely (a quote holds entities and dates; a highlighted
//! sentence may start inside a quote), but HTML elements must nest. So the
//! text is cut at every span boundary and each piece is wrapped in the
//! marks covering it, outermost first (earlier start, then longer, then
//! [`MarkKind::layer`]); where an outer element has to close while an inner
//! one goes on, the inner one is closed and reopened. The result is always
//! well-formed, every piece of text is escaped, and no link ever sits
//! inside another (overlapping entity mentions are dropped up front).

use crate::html::{url_encode, Html};
use parallax_extract::{EntityKind, Granularity, QuoteKind, SpeakerKind, TemporalExpr};
use parallax_pipeline::Analysis;
use parallax_store::ArticleEntity;
use std::cmp::Reverse;
use std::collections::HashMap;
use std::ops::Range;

/// One marked span of the clean text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Mark {
    pub(crate) span: Range<usize>,
    pub(crate) kind: MarkKind,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum MarkKind {
    /// The range a `?hl=` link points at.
    Highlight,
    Quote {
        scare: bool,
        /// Who said it, as the article names them.
        speaker: Option<String>,
        /// The reporting verb (`said`, `wrote`).
        cue: Option<String>,
        /// Whether the speaker is written after the quote: not for a quote
        /// inside a longer one by the same speaker (it would repeat).
        label: bool,
    },
    Entity {
        /// `person`, `organization`, `location` or `misc`.
        kind: &'static str,
        name: String,
        href: String,
    },
    Date {
        /// ISO 8601 value (`2019-02-26`, `2019-W09`, `2019-02`, `2019`).
        iso: Option<String>,
        title: String,
        /// Whether the value is printed beside the text (not when the text
        /// already reads `2015`).
        shown: bool,
    },
}

impl MarkKind {
    /// Nesting order for marks over the same text: quotes outermost,
    /// dates innermost.
    fn layer(&self) -> u8 {
        match self {
            MarkKind::Quote { .. } => 0,
            MarkKind::Highlight => 1,
            MarkKind::Entity { .. } => 2,
            MarkKind::Date { .. } => 3,
        }
    }
}

/// The name the store and the URLs use for an entity kind.
pub(crate) fn kind_name(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Person => "person",
        EntityKind::Organization => "organization",
        EntityKind::Location => "location",
        EntityKind::Misc => "misc",
    }
}

/// How a kind reads in the interface.
pub(crate) fn kind_label(kind: &str) -> &'static str {
    match kind {
        "person" => "Person",
        "organization" => "Organisation",
        "location" => "Place",
        "misc" => "Other name",
        _ => "Entity",
    }
}

/// The page of a corpus-wide entity.
pub(crate) fn entity_href(id: &str) -> String {
    format!("/entities/{}", url_encode(id))
}

/// Where a name without a corpus id links: the entity list filtered to it
/// (ids are joined after analysis, so a fresh article may lack them).
pub(crate) fn entity_search_href(name: &str, kind: &str) -> String {
    format!(
        "/entities?name={}&kind={}",
        url_encode(&name.to_lowercase()),
        url_encode(kind)
    )
}

/// Corpus-wide ids of an article's entities by `(name, kind)`.
pub(crate) fn corpus_ids(rows: &[ArticleEntity]) -> HashMap<(&str, &str), &str> {
    rows.iter()
        .filter_map(|r| Some(((r.name.as_str(), r.kind.as_str()), r.entity_id.as_deref()?)))
        .collect()
}

/// The marks for an article's analysis, sorted by start. Spans that do not
/// lie on character boundaries of `text` (a stale analysis) are dropped.
pub(crate) fn analysis_marks(text: &str, analysis: &Analysis, rows: &[ArticleEntity]) -> Vec<Mark> {
    let valid = |span: &Range<usize>| span.start < span.end && text.get(span.clone()).is_some();
    let ids = corpus_ids(rows);
    let mut marks = Vec::new();
    for (index, quote) in analysis.quotes.iter().enumerate() {
        if !valid(&quote.span) {
            continue;
        }
        let label = !inside_same_speaker(analysis, index);
        let scare = quote.kind == QuoteKind::Scare;
        // An unresolved pronoun names nobody; a scare quote has no speaker.
        let speaker = match quote.speaker_kind {
            Some(SpeakerKind::Unresolved) => None,
            _ if scare => None,
            _ => quote.speaker.clone(),
        };
        marks.push(Mark {
            span: quote.span.clone(),
            kind: MarkKind::Quote {
                scare,
                speaker,
                cue: quote.cue.clone(),
                label,
            },
        });
    }
    let mut mentions: Vec<Mark> = Vec::new();
    for entity in &analysis.entities {
        let kind = kind_name(entity.kind);
        let href = match ids.get(&(entity.name.as_str(), kind)) {
            Some(id) => entity_href(id),
            None => entity_search_href(&entity.name, kind),
        };
        for mention in &entity.mentions {
            if valid(&mention.span) {
                mentions.push(Mark {
                    span: mention.span.clone(),
                    kind: MarkKind::Entity {
                        kind,
                        name: entity.name.clone(),
                        href: href.clone(),
                    },
                });
            }
        }
    }
    // A link inside a link is invalid HTML: of overlapping mentions the
    // earlier (then longer) one wins.
    mentions.sort_by_key(|m| (m.span.start, Reverse(m.span.end)));
    let mut last_end = 0;
    for mention in mentions {
        if mention.span.start >= last_end {
            last_end = mention.span.end;
            marks.push(mention);
        }
    }
    let mut dates: Vec<&TemporalExpr> = analysis.dates.iter().filter(|d| valid(&d.span)).collect();
    dates.sort_by_key(|d| (d.span.start, Reverse(d.span.end)));
    let mut last_end = 0;
    for date in dates {
        if date.span.start >= last_end {
            last_end = date.span.end;
            marks.push(Mark {
                span: date.span.clone(),
                kind: date_mark(date),
            });
        }
    }
    marks.sort_by_key(|m| (m.span.start, Reverse(m.span.end), m.kind.layer()));
    marks
}

/// Whether quote `index` lies within another quote by the same speaker
/// (`he said the party had been “too apologetic”` holds the shorter quote):
/// it repeats words already attributed. Of two quotes with one span, the
/// later counts as inside the earlier.
pub(crate) fn inside_same_speaker(analysis: &Analysis, index: usize) -> bool {
    let Some(quote) = analysis.quotes.get(index) else {
        return false;
    };
    let Some(speaker) = quote.speaker.as_deref() else {
        return false;
    };
    analysis
        .quotes
        .iter()
        .enumerate()
        .any(|(other_index, other)| {
            other_index != index
                && other.speaker.as_deref() == Some(speaker)
                && other.span.start <= quote.span.start
                && quote.span.end <= other.span.end
                && (other.span != quote.span || other_index < index)
        })
}

fn date_mark(date: &TemporalExpr) -> MarkKind {
    let granularity = date.granularity.as_str();
    let iso = date.value.as_ref().map(|v| v.to_string());
    let title = match (&iso, &date.range) {
        (Some(iso), _) => format!("Date: {iso} ({granularity})"),
        (None, Some((from, to))) => format!("Vague date: {from} to {to}"),
        (None, None) if date.granularity == Granularity::Vague => "Vague date".to_string(),
        (None, None) => "Date not resolved (it needs the publication date)".to_string(),
    };
    let shown = iso.as_deref().is_some_and(|iso| iso != date.text.trim());
    MarkKind::Date { iso, title, shown }
}

/// Marks the `?hl=` range on top of the analysis marks.
pub(crate) fn with_highlight(mut marks: Vec<Mark>, highlight: Option<Range<usize>>) -> Vec<Mark> {
    if let Some(span) = highlight {
        marks.push(Mark {
            span,
            kind: MarkKind::Highlight,
        });
        marks.sort_by_key(|m| (m.span.start, Reverse(m.span.end), m.kind.layer()));
    }
    marks
}

/// What stays the same across the blocks of one page.
#[derive(Debug, Default)]
pub(crate) struct MarkState {
    /// Whether the first highlight (`id="hl"`, the `#hl` target) is out.
    pub(crate) anchored: bool,
}

/// Writes `text[span]` with `marks` applied. `raw_end` is where the block
/// ends before trimming: a mark ending in the trimmed whitespace still ends
/// in this block. `marks` must be sorted by start (see [`analysis_marks`]).
pub(crate) fn write_marked(
    h: &mut Html,
    text: &str,
    span: Range<usize>,
    raw_end: usize,
    marks: &[Mark],
    state: &mut MarkState,
) {
    // The marks touching this block, clipped to it.
    let local: Vec<(&Mark, Range<usize>)> = marks
        .iter()
        .take_while(|m| m.span.start < span.end)
        .filter_map(|m| {
            let clipped = m.span.start.max(span.start)..m.span.end.min(span.end);
            // A cut inside a character would lose text: such a mark is skipped.
            let whole = text.get(clipped.clone()).is_some();
            (clipped.start < clipped.end && whole).then_some((m, clipped))
        })
        .collect();
    if local.is_empty() {
        h.text(text.get(span).unwrap_or(""));
        return;
    }
    let mut cuts: Vec<usize> = Vec::with_capacity(local.len() * 2 + 2);
    cuts.push(span.start);
    cuts.push(span.end);
    for (_, clipped) in &local {
        cuts.push(clipped.start);
        cuts.push(clipped.end);
    }
    cuts.sort_unstable();
    cuts.dedup();

    let mut open: Vec<usize> = Vec::new();
    let mut wanted: Vec<usize> = Vec::new();
    for piece in cuts.windows(2) {
        let (at, to) = (piece[0], piece[1]);
        wanted.clear();
        wanted.extend(
            local
                .iter()
                .enumerate()
                .filter(|(_, (_, c))| c.start <= at && c.end >= to)
                .map(|(i, _)| i),
        );
        wanted.sort_by_key(|&i| {
            let (mark, clipped) = &local[i];
            (clipped.start, Reverse(clipped.end), mark.kind.layer())
        });
        let keep = open.iter().zip(&wanted).take_while(|(a, b)| a == b).count();
        while open.len() > keep {
            if let Some(i) = open.pop() {
                close(h, local[i].0, at, &span, raw_end);
            }
        }
        for &i in &wanted[keep..] {
            open_tag(h, local[i].0, state);
            open.push(i);
        }
        h.text(text.get(at..to).unwrap_or(""));
    }
    while let Some(i) = open.pop() {
        close(h, local[i].0, span.end, &span, raw_end);
    }
}

fn open_tag(h: &mut Html, mark: &Mark, state: &mut MarkState) {
    match &mark.kind {
        MarkKind::Highlight => {
            h.raw("<mark");
            if !state.anchored {
                h.raw(" id=\"hl\"");
                state.anchored = true;
            }
            h.raw(">");
        }
        MarkKind::Quote {
            scare,
            speaker,
            cue,
            ..
        } => {
            let title = if *scare {
                "Scare quote: the narrator's quoted term".to_string()
            } else {
                match (speaker, cue) {
                    (Some(s), Some(c)) => format!("Quote: {s} ({c})"),
                    (Some(s), None) => format!("Quote: {s}"),
                    (None, _) => "Quote: speaker not identified".to_string(),
                }
            };
            h.raw("<span")
                .attr("class", if *scare { "q scare" } else { "q speech" })
                .attr("title", &title)
                .raw(">");
        }
        MarkKind::Entity { kind, name, href } => {
            h.raw("<a")
                .attr("class", &format!("ent {kind}"))
                .attr("href", href)
                .attr("title", &format!("{}: {name}", kind_label(kind)))
                .raw(">");
        }
        MarkKind::Date { iso, title, shown } => {
            h.raw("<time class=\"date\"");
            if let Some(iso) = iso {
                h.attr("datetime", iso);
                // The value is printed after the date unless the text is it.
                if *shown {
                    h.attr("data-iso", iso);
                }
            }
            h.attr("title", title).raw(">");
        }
    }
}

fn close(h: &mut Html, mark: &Mark, at: usize, span: &Range<usize>, raw_end: usize) {
    match &mark.kind {
        MarkKind::Highlight => {
            h.raw("</mark>");
        }
        MarkKind::Quote { speaker, label, .. } => {
            h.raw("</span>");
            // The speaker once, after the last piece of the quote.
            let last_piece = mark.span.end <= raw_end && at >= mark.span.end.min(span.end);
            if let (Some(speaker), true, true) = (speaker, last_piece, *label) {
                h.element("span", Some("who"), speaker);
            }
        }
        MarkKind::Entity { .. } => {
            h.raw("</a>");
        }
        MarkKind::Date { .. } => {
            h.raw("</time>");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entity(span: Range<usize>, name: &str) -> Mark {
        Mark {
            span,
            kind: MarkKind::Entity {
                kind: "person",
                name: name.into(),
                href: format!("/entities/person%3A{name}"),
            },
        }
    }

    fn quote(span: Range<usize>, speaker: Option<&str>) -> Mark {
        Mark {
            span,
            kind: MarkKind::Quote {
                scare: false,
                speaker: speaker.map(str::to_string),
                cue: Some("said".into()),
                label: true,
            },
        }
    }

    fn render(text: &str, marks: Vec<Mark>, span: Range<usize>) -> String {
        let mut marks = marks;
        marks.sort_by_key(|m| (m.span.start, Reverse(m.span.end), m.kind.layer()));
        let mut h = Html::new();
        let raw_end = span.end;
        write_marked(
            &mut h,
            text,
            span,
            raw_end,
            &marks,
            &mut MarkState::default(),
        );
        h.into_string()
    }

    /// Every open tag is closed in reverse order: the markup nests.
    fn assert_nested(html: &str) {
        let mut stack: Vec<String> = Vec::new();
        let mut rest = html;
        while let Some(at) = rest.find('<') {
            rest = &rest[at + 1..];
            let end = rest.find('>').expect("tag ends");
            let tag = &rest[..end];
            rest = &rest[end + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(stack.pop().as_deref(), Some(name), "in {html}");
            } else {
                let name = tag.split(' ').next().unwrap_or("");
                stack.push(name.to_string());
            }
        }
        assert!(stack.is_empty(), "unclosed {stack:?} in {html}");
    }

    #[test]
    fn entities_nest_inside_quotes_and_the_speaker_follows() {
        let text = "“Ada won,” said Bo.";
        let marks = vec![
            quote(0..14, Some("Bo")),
            entity(3..6, "ada"),
            entity(20..22, "bo"),
        ];
        let html = render(text, marks, 0..text.len());
        assert_eq!(
            html,
            "<span class=\"q speech\" title=\"Quote: Bo (said)\">“<a class=\"ent person\" \
             href=\"/entities/person%3Aada\" title=\"Person: ada\">Ada</a> won,”</span>\
             <span class=\"who\">Bo</span> said <a class=\"ent person\" \
             href=\"/entities/person%3Abo\" title=\"Person: bo\">Bo</a>."
        );
        assert_nested(&html);
    }

    #[test]
    fn crossing_spans_are_split_into_nested_pieces() {
        let text = "one two three four";
        // The highlight starts inside the quote and ends after it.
        let marks = vec![
            quote(0..8, None),
            Mark {
                span: 4..13,
                kind: MarkKind::Highlight,
            },
        ];
        let html = render(text, marks, 0..text.len());
        assert_nested(&html);
        assert!(
            html.contains("one <mark id=\"hl\">two </mark></span><mark>three</mark>"),
            "{html}"
        );
        // Only the first piece carries the anchor.
        assert_eq!(html.matches("id=\"hl\"").count(), 1);
    }

    #[test]
    fn text_and_attributes_are_escaped() {
        let text = "<b>Ann</b> & co";
        let marks = vec![Mark {
            span: 3..6,
            kind: MarkKind::Entity {
                kind: "person",
                name: "\"><script>".into(),
                href: entity_href("person:<script>"),
            },
        }];
        let html = render(text, marks, 0..text.len());
        assert_nested(&html);
        assert!(!html.contains("<script"), "{html}");
        assert!(html.starts_with("&lt;b&gt;<a"), "{html}");
        assert!(html.contains("href=\"/entities/person%3A%3Cscript%3E\""));
        assert!(html.contains("title=\"Person: &quot;&gt;&lt;script&gt;\""));
        assert!(html.ends_with("</a>&lt;/b&gt; &amp; co"), "{html}");
    }

    #[test]
    fn marks_are_clipped_to_the_block_and_the_speaker_comes_once() {
        let text = "A said “one.\n\nTwo.” Then.";
        let q = quote(7..text.find(" Then").unwrap(), Some("A"));
        let marks = vec![q];
        let first = render(text, marks.clone(), 0..12);
        assert_nested(&first);
        assert!(!first.contains("who"), "speaker waits for the end: {first}");
        let second = render(text, marks, 14..text.len());
        assert_nested(&second);
        assert!(
            second.contains("Two.”</span><span class=\"who\">A</span> Then."),
            "{second}"
        );
    }

    #[test]
    fn a_mark_cutting_a_character_is_skipped_not_the_text() {
        let html = render("“Ada”", vec![entity(1..4, "ada")], 0..9);
        assert_eq!(html, "“Ada”");
    }

    #[test]
    fn blocks_without_marks_are_plain_escaped_text() {
        let html = render("x < y", vec![entity(10..12, "far")], 0..5);
        assert_eq!(html, "x &lt; y");
    }

    #[test]
    fn random_overlaps_always_nest() {
        // A small deterministic generator: many overlapping layouts.
        let text = "abcdefghijklmnopqrstuvwxyz0123456789";
        let mut seed: u64 = 42;
        let mut next = |n: usize| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            (seed >> 33) as usize % n
        };
        for _ in 0..300 {
            let mut marks = Vec::new();
            for k in 0..(1 + next(6)) {
                let start = next(text.len() - 1);
                let end = start + 1 + next(text.len() - start);
                let kind = match k % 4 {
                    0 => MarkKind::Highlight,
                    1 => MarkKind::Quote {
                        scare: false,
                        speaker: Some("S".into()),
                        cue: None,
                        label: true,
                    },
                    2 => MarkKind::Date {
                        iso: None,
                        title: "d".into(),
                        shown: false,
                    },
                    _ => MarkKind::Entity {
                        kind: "misc",
                        name: "e".into(),
                        href: "/e".into(),
                    },
                };
                marks.push(Mark {
                    span: start..end,
                    kind,
                });
            }
            let block = next(10)..(20 + next(16));
            let html = render(text, marks, block.clone());
            assert_nested(&html);
            // The text itself comes through whole, in order (the speaker
            // labels, "S", aside).
            let mut plain = String::new();
            let mut in_tag = false;
            for c in html.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => plain.push(c),
                    _ => {}
                }
            }
            let expected = &text[block];
            assert!(
                plain.replace('S', "") == expected,
                "{plain} vs {expected} in {html}"
            );
        }
    }
}
