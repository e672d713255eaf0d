//! Turns a [`RawDoc`] into a clean [`Article`]: page furniture removed and
//! recorded, run-together sentences repaired, offsets kept, language detected.
//!
//! The same block-level cleaning serves both inputs. Plain text is split into
//! blocks at blank lines; HTML goes through `parallax-html` first and its
//! blocks are cleaned the same way. Every byte of the clean text either maps
//! back to `RawDoc::content` through [`parallax_model::OffsetMap`] or is known
//! to have been inserted by cleaning.
//!
//! What is recognised, in the order it is decided:
//! - the top of a document: ` date YYYY-MM-DD` headers (also glued to the
//!   first sentence), the headline and its doubles, captions and credits
//!   (`...CorbynReuters`, `(Name/Twitter)`, `Photograph: X/PA`), labelled date
//!   lines, bylines, all-capitals kickers;
//! - single-block furniture anywhere: comment forms, `Categories:`/`Tags:`,
//!   share and follow prompts (`Share this post: Facebook | X`), related
//!   links (`More world news`), breadcrumbs, adverts, cookie banners,
//!   newsletter sign-ups, calls to action (`Buy your tickets here.`), event
//!   adverts (`QUIZ NIGHT: ... Tickets £5 on the door`), tip requests
//!   (`Got a story? Email ...`), wire staff credits (`(Reporting by X;
//!   Editing by Y)`);
//! - zones: author boxes (`Name's picture`, `About the author`, a closing
//!   `Jane Doe is a journalist ...` about someone the article never names)
//!   and comment threads (after a comments header, after the wide gap that
//!   separates a dump's article from reader comments, or as a run of
//!   `name line ⏎ comment` groups after the article's closing furniture);
//! - roles of kept blocks: embedded posts (tweet signatures), updates
//!   (`Update, 12 November` and what follows it late in an article), letters
//!   quoted after `... writes:`, sub-headings.
//!
//! Run-together paragraphs (`him.“Perhaps`, `MPs.In August`) get a paragraph
//! break and glued quotes (`view”and`) a space; both insertions map to no
//! source byte. Rules are anchored and length-guarded so a long paragraph
//! fails them fast; see `examples/survey.rs` for throughput and a review of
//! what each kind removes on a folder of text files.

mod classify;
mod dates;
mod lang;
mod norm;
mod repair;
mod rules;

pub use dates::normalize_date;
pub use lang::detect_language;

use classify::{classify, Unit, Verdict};
use norm::{LineOrigin, Norm, RawLine};
use parallax_model::{Article, Block, BlockKind, ContentKind, RawDoc, Removal, RemovalKind};
use regex::Regex;
use repair::{repair_points, Fix};
use std::ops::Range;
use std::sync::LazyLock;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CleanError {
    #[error("record has no content")]
    Empty,
    #[error("no article text found")]
    NoArticle,
    #[error("HTML extraction failed: {0}")]
    Html(#[from] parallax_html::ExtractError),
}

/// ` date 2019-11-07` at the very start of a plain-text dump.
static DATE_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?i:date)\s*:?\s+(\d{4}-\d{2}-\d{2})(?:\s|$)").expect("static regex")
});

/// Metadata found by looking at the content itself.
#[derive(Debug, Default)]
struct Found {
    title: Option<String>,
    published: Option<String>,
    author: Option<String>,
    outlet: Option<String>,
    url: Option<String>,
    language: Option<String>,
    genre: Option<String>,
}

/// Clean one record. HTML goes through `parallax-html` first.
///
/// Metadata precedence: the container's [`parallax_model::Hints`] first, then
/// what the page or text yields.
pub fn clean(doc: &RawDoc) -> Result<Article, CleanError> {
    if doc.content.trim().is_empty() {
        return Err(CleanError::Empty);
    }
    match doc.kind {
        ContentKind::Text => {
            let mut removed = Vec::new();
            let mut found = Found::default();
            let units = text_units(&doc.content, &mut found, &mut removed);
            finish(doc, units, found, removed)
        }
        ContentKind::Html => {
            let page = parallax_html::extract(&doc.content, doc.hints.url.as_deref())?;
            clean_page(doc, page)
        }
    }
}

/// Clean an already extracted page of `doc` (an HTML record): its blocks get
/// the same furniture removal and repair as plain text, and its metadata fills
/// what the hints leave open. Block offsets come from `PageBlock::source`.
pub fn clean_page(doc: &RawDoc, page: parallax_html::Page) -> Result<Article, CleanError> {
    let mut removed = Vec::new();
    let mut found = Found::default();
    let units = html_units(doc, page, &mut found, &mut removed);
    finish(doc, units, found, removed)
}

fn finish(
    doc: &RawDoc,
    units: Vec<Unit>,
    found: Found,
    mut removed: Vec<Removal>,
) -> Result<Article, CleanError> {
    let known_title = non_empty(&doc.hints.title).or(found.title.clone());
    let detect_headline = doc.kind == ContentKind::Text;
    let outcome = classify(&units, known_title.as_deref(), detect_headline);

    let mut out = Norm::default();
    let mut blocks: Vec<Block> = Vec::new();
    let mut kept_starts: Vec<usize> = Vec::new();
    for (unit, verdict) in units.iter().zip(&outcome.verdicts) {
        match verdict {
            Verdict::Keep(kind) => {
                kept_starts.extend(unit.source.as_ref().map(|s| s.start));
                emit_block(unit, *kind, &mut out, &mut blocks);
            }
            Verdict::Drop(kind) => removed.push(Removal {
                kind: *kind,
                text: unit.norm.text.clone(),
                source: unit.source.clone(),
            }),
        }
    }
    if blocks.is_empty() || out.text.trim().is_empty() {
        return Err(CleanError::NoArticle);
    }
    removed.sort_by_key(|r| r.source.as_ref().map_or(usize::MAX, |s| s.start));
    kept_starts.sort_unstable();
    let removed = merge_adjacent_removals(removed, &kept_starts);

    let mut warnings = doc.warnings.clone();
    let published = match non_empty(&doc.hints.published) {
        Some(hint) => match normalize_date(&hint) {
            Some(date) => Some(date),
            None => {
                warnings.push(format!(
                    "published hint {hint:?} is not a recognisable date"
                ));
                outcome.published.clone().or(found.published.clone())
            }
        },
        None => found.published.clone().or(outcome.published.clone()),
    };
    let language = detect_language(&out.text).or(found.language.clone());

    Ok(Article {
        id: doc.id.clone(),
        origin: doc.origin.clone(),
        format: doc.format,
        url: non_empty(&doc.hints.url).or(found.url),
        outlet: non_empty(&doc.hints.outlet).or(found.outlet),
        title: known_title.or(outcome.title),
        author: non_empty(&doc.hints.author)
            .or(found.author)
            .or(outcome.author),
        published,
        language,
        offsets: out.offset_map(),
        text: out.text,
        blocks,
        removed,
        warnings,
        outlet_via: None,
        genre: found.genre,
    })
}

fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Append one kept unit, splitting it where paragraphs ran together.
fn emit_block(unit: &Unit, kind: BlockKind, out: &mut Norm, blocks: &mut Vec<Block>) {
    let text = &unit.norm.text;
    let mut cursor = 0;
    let mut block_start = start_block(out);
    for (pos, fix) in repair_points(text) {
        unit.norm.emit_range(cursor..pos, out);
        cursor = pos;
        match fix {
            Fix::Space => out.push_inserted(" "),
            Fix::Break => {
                blocks.push(Block {
                    kind,
                    span: block_start..out.text.len(),
                });
                block_start = start_block(out);
            }
        }
    }
    unit.norm.emit_range(cursor..text.len(), out);
    if out.text.len() > block_start {
        blocks.push(Block {
            kind,
            span: block_start..out.text.len(),
        });
    }
}

fn start_block(out: &mut Norm) -> usize {
    if !out.text.is_empty() {
        out.push_inserted("\n\n");
    }
    out.text.len()
}

/// Consecutive removals of one kind (a run of comments, a bio box) become one
/// record, so the list reads as the page's sections. Removals with kept
/// article text between them (`kept_starts`: sorted source starts of kept
/// blocks) stay apart, so a record's source range never spans the article.
fn merge_adjacent_removals(removed: Vec<Removal>, kept_starts: &[usize]) -> Vec<Removal> {
    let mut merged: Vec<Removal> = Vec::with_capacity(removed.len());
    for r in removed {
        if let Some(last) = merged.last_mut() {
            let mergeable = !matches!(
                r.kind,
                RemovalKind::DateHeader | RemovalKind::DuplicateHeadline | RemovalKind::Caption
            );
            let article_between = match (&last.source, &r.source) {
                (Some(a), Some(b)) => {
                    let first_after = kept_starts.partition_point(|&k| k < a.end);
                    kept_starts.get(first_after).is_some_and(|&k| k < b.start)
                }
                _ => false,
            };
            if mergeable && last.kind == r.kind && !article_between {
                last.text.push_str("\n\n");
                last.text.push_str(&r.text);
                last.source = match (last.source.take(), r.source) {
                    (Some(a), Some(b)) => Some(a.start.min(b.start)..a.end.max(b.end)),
                    (a, b) => a.or(b),
                };
                continue;
            }
        }
        merged.push(r);
    }
    merged
}

/// Split a plain-text dump into blocks: blank lines separate blocks; a single
/// newline inside a sentence (hard-wrapped text) joins lines.
fn text_units(content: &str, found: &mut Found, removed: &mut Vec<Removal>) -> Vec<Unit> {
    struct Line {
        range: Range<usize>,
        newlines_before: usize,
    }
    let mut lines: Vec<Line> = Vec::new();
    let mut newlines = 0usize;
    let mut pos = 0usize;
    for raw in content.split_inclusive('\n') {
        let start = pos;
        pos += raw.len();
        let body = raw.strip_suffix('\n').unwrap_or(raw);
        let trimmed = body.trim();
        if !trimmed.is_empty() {
            let lead = body.len() - body.trim_start().len();
            lines.push(Line {
                range: start + lead..start + lead + trimmed.len(),
                newlines_before: newlines,
            });
            newlines = 0;
        }
        if raw.ends_with('\n') {
            newlines += 1;
        }
    }

    // The ` date YYYY-MM-DD` header, possibly sharing a line with the text;
    // usually first, sometimes under the headline.
    if let Some(index) = lines
        .iter()
        .take(4)
        .position(|l| DATE_HEADER.is_match(&content[l.range.clone()]))
    {
        let first = &mut lines[index];
        let text = &content[first.range.clone()];
        if let Some(caps) = DATE_HEADER.captures(text) {
            let whole = caps.get(0).map_or(0..0, |m| m.range());
            let header = text[whole.clone()].trim_end();
            removed.push(Removal {
                kind: RemovalKind::DateHeader,
                text: header.to_string(),
                source: Some(first.range.start..first.range.start + header.len()),
            });
            found.published = normalize_date(&caps[1]);
            let rest = &text[whole.end..];
            let lead = rest.len() - rest.trim_start().len();
            first.range.start += whole.end + lead;
            if first.range.is_empty() {
                lines.remove(index);
            }
        }
    }

    let mut units: Vec<Unit> = Vec::new();
    let mut current: Vec<Range<usize>> = Vec::new();
    let mut current_gap = 0usize;
    let flush = |current: &mut Vec<Range<usize>>, gap: usize, units: &mut Vec<Unit>| {
        if current.is_empty() {
            return;
        }
        let raw: Vec<RawLine<'_>> = current
            .iter()
            .map(|r| RawLine {
                text: &content[r.clone()],
                origin: LineOrigin::Exact(r.start),
            })
            .collect();
        let source = current.first().map(|f| f.start).unwrap_or(0)
            ..current.last().map(|l| l.end).unwrap_or(0);
        units.push(Unit::new(Norm::from_lines(&raw), Some(source), gap, None));
        current.clear();
    };
    for line in &lines {
        let joins = match current.last() {
            Some(prev) if line.newlines_before == 1 => {
                let prev_text = &content[prev.clone()];
                let next_text = &content[line.range.clone()];
                let open_ended =
                    !prev_text.ends_with(['.', '!', '?', ':', '"', '”', '’', ')', ']', '*']);
                let continues = next_text.chars().next().is_some_and(char::is_lowercase)
                    || prev_text.chars().count() >= 60;
                open_ended && continues
            }
            _ => false,
        };
        if !joins {
            flush(&mut current, current_gap, &mut units);
            current_gap = line.newlines_before;
        }
        current.push(line.range.clone());
    }
    flush(&mut current, current_gap, &mut units);
    units
}

/// Provenance for one extracted block: verbatim in its element (exact), else
/// aligned through the markup (exact between tags), else one approximate run
/// over the element.
fn block_norm(content: &str, text: &str, source: Option<Range<usize>>) -> Norm {
    let unknown = || {
        Norm::from_lines(&[RawLine {
            text,
            origin: LineOrigin::Unknown,
        }])
    };
    let Some(src) = source else {
        return unknown();
    };
    let Some(slice) = content.get(src.clone()) else {
        return unknown();
    };
    if let Some(at) = slice.find(text) {
        let start = src.start + at;
        return Norm::from_lines(&[RawLine {
            text: &content[start..start + text.len()],
            origin: LineOrigin::Exact(start),
        }]);
    }
    if let Some(norm) = Norm::align_html(text, slice, src.start) {
        return norm;
    }
    Norm::from_lines(&[RawLine {
        text,
        origin: LineOrigin::Approx(src),
    }])
}

/// Blocks from the HTML extractor, with their source ranges resolved to exact
/// positions where the block text appears verbatim in the page.
fn html_units(
    doc: &RawDoc,
    page: parallax_html::Page,
    found: &mut Found,
    removed: &mut Vec<Removal>,
) -> Vec<Unit> {
    found.title = page
        .title
        .as_deref()
        .map(norm::fold_whitespace)
        .filter(|t| !t.is_empty());
    found.published = page.published.as_deref().and_then(normalize_date);
    found.author = page.author.clone();
    found.outlet = page.outlet.clone();
    found.genre = page.genre.clone();
    found.url = page.url.clone();
    found.language = page
        .language
        .as_deref()
        .and_then(lang::normalize_language_tag);
    removed.extend(page.removed.iter().cloned());

    let mut units = Vec::with_capacity(page.blocks.len());
    for block in &page.blocks {
        let text = block.text.trim();
        if text.is_empty() {
            continue;
        }
        let norm = block_norm(&doc.content, text, block.source.clone());
        units.push(Unit::new(norm, block.source.clone(), 2, Some(block.kind)));
    }
    units
}
