//! Deciding, block by block, what is article and what is furniture.
//!
//! Order matters: the top of the document (headline, its duplicates and
//! captions, date and byline lines) is read first; then furniture that any
//! single block reveals; then author-bio and comment *zones*, which need
//! context (a picture line, a gap pattern, a comments header); finally kept
//! blocks get their roles (update, embedded post, quoted letter, heading).

use crate::dates::date_line;
use crate::norm::Norm;
use crate::rules::{self, comparable};
use parallax_model::{BlockKind, RemovalKind};
use std::ops::Range;

/// One block of input: a paragraph of a text dump or a block of a page.
#[derive(Debug, Clone)]
pub(crate) struct Unit {
    pub norm: Norm,
    /// Where the block sits in `RawDoc::content`, when known.
    pub source: Option<Range<usize>>,
    /// Newlines between this block and the previous one (2 = one blank line).
    pub gap_before: usize,
    /// Role assigned by the HTML extractor, if any.
    pub given: Option<BlockKind>,
}

impl Unit {
    pub fn new(
        norm: Norm,
        source: Option<Range<usize>>,
        gap_before: usize,
        given: Option<BlockKind>,
    ) -> Self {
        let source = source.or_else(|| norm.source_span());
        Unit {
            norm,
            source,
            gap_before,
            given,
        }
    }

    fn text(&self) -> &str {
        &self.norm.text
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    Keep(BlockKind),
    Drop(RemovalKind),
}

#[derive(Debug, Default)]
pub(crate) struct Outcome {
    pub verdicts: Vec<Verdict>,
    pub title: Option<String>,
    pub published: Option<String>,
    pub author: Option<String>,
}

/// Blocks this far into the document can still be header furniture.
const TOP_ZONE: usize = 8;
/// A comments zone needs this much article before it.
const MIN_BODY_CHARS_BEFORE_COMMENTS: usize = 300;
/// Three blank lines: how dumps separate an article from what follows it.
const BIG_GAP: usize = 4;

pub(crate) fn classify(
    units: &[Unit],
    known_title: Option<&str>,
    detect_headline: bool,
) -> Outcome {
    let mut verdicts: Vec<Option<Verdict>> = vec![None; units.len()];
    let mut outcome = Outcome::default();
    top_zone(
        units,
        known_title,
        detect_headline,
        &mut verdicts,
        &mut outcome,
    );
    for (unit, verdict) in units.iter().zip(verdicts.iter_mut()) {
        // An embedded post may quote anything, furniture words included.
        if verdict.is_none() && !rules::is_embedded_post(unit.text()) {
            if let Some(kind) = rules::furniture_kind(unit.text()) {
                *verdict = Some(Verdict::Drop(kind));
            }
        }
    }
    mark_caption_pairs(units, &mut verdicts);
    mark_author_bios(units, &mut verdicts);
    mark_comments(units, &mut verdicts);
    mark_commenter_thread(units, &mut verdicts);
    for (unit, verdict) in units.iter().zip(verdicts.iter_mut()) {
        if verdict.is_none() && date_line(unit.text()).is_some() {
            *verdict = Some(Verdict::Drop(RemovalKind::DateHeader));
        }
    }
    assign_block_kinds(units, &mut verdicts);
    outcome.verdicts = verdicts
        .into_iter()
        .map(|v| v.unwrap_or(Verdict::Keep(BlockKind::Paragraph)))
        .collect();
    outcome
}

fn is_open(v: &[Option<Verdict>], i: usize) -> bool {
    v.get(i).is_some_and(Option::is_none)
}

fn drop(v: &mut [Option<Verdict>], i: usize, kind: RemovalKind) {
    if let Some(slot) = v.get_mut(i) {
        *slot = Some(Verdict::Drop(kind));
    }
}

/// Headline (and its doubles and captions), date and byline lines at the top.
fn top_zone(
    units: &[Unit],
    known_title: Option<&str>,
    detect_headline: bool,
    v: &mut [Option<Verdict>],
    outcome: &mut Outcome,
) {
    let known_key = known_title.map(comparable).filter(|k| !k.is_empty());
    let mut headline: Option<String> = None;
    // A headline is only taken from above everything that is kept.
    let mut kept_above = false;
    for (i, unit) in units.iter().enumerate().take(TOP_ZONE) {
        let t = unit.text();
        let key = comparable(t);
        let reference = headline.as_deref().or(known_title);
        let same_as_title = !key.is_empty()
            && (known_key.as_deref() == Some(key.as_str())
                || headline.as_deref().map(comparable).as_deref() == Some(key.as_str()));
        if same_as_title {
            drop(v, i, RemovalKind::DuplicateHeadline);
        } else if reference.is_some_and(|h| rules::is_headline_plus_credit(t, h)) {
            drop(v, i, RemovalKind::Caption);
        } else if rules::is_caption(t) {
            // A headline glued to its photo credit, with no clean copy of it.
            if headline.is_none() && !kept_above && detect_headline && outcome.title.is_none() {
                if let Some(stripped) = rules::strip_glued_credit(t) {
                    if rules::looks_like_headline(stripped) && has_body_after(units, i) {
                        headline = Some(stripped.to_string());
                        if known_title.is_none() {
                            outcome.title = Some(stripped.to_string());
                        }
                    }
                }
            }
            drop(v, i, RemovalKind::Caption);
        } else if let Some(date) = date_line(t) {
            outcome.published.get_or_insert(date);
            drop(v, i, RemovalKind::DateHeader);
        } else if let Some(name) = rules::byline(t) {
            outcome.author.get_or_insert(name);
            drop(v, i, RemovalKind::AuthorBio);
        } else if headline.is_some()
            && rules::is_name_only(t)
            && units
                .get(i + 1)
                .is_some_and(|u| date_line(u.text()).is_some())
        {
            // `Jane Doe` above the date line: an unlabelled byline.
            outcome.author.get_or_insert(t.to_string());
            drop(v, i, RemovalKind::AuthorBio);
        } else if let Some(kind) = rules::furniture_kind(t) {
            drop(v, i, kind);
        } else if headline.is_none()
            && !kept_above
            && rules::is_kicker(t)
            && has_body_after(units, i)
        {
            drop(v, i, RemovalKind::Boilerplate);
        } else if headline.is_none()
            && !kept_above
            && detect_headline
            && rules::looks_like_headline(t)
            && has_body_after(units, i)
        {
            headline = Some(t.to_string());
            if known_title.is_none() {
                outcome.title = Some(t.to_string());
            }
            drop(v, i, RemovalKind::DuplicateHeadline);
        } else if rules::is_body_paragraph(t) {
            break;
        } else {
            // A short line we cannot place (a standfirst, a stray label):
            // keep it and look further for bylines and dates.
            kept_above = true;
        }
    }
}

fn has_body_after(units: &[Unit], i: usize) -> bool {
    units
        .iter()
        .skip(i + 1)
        .any(|u| u.text().len() >= 80 && rules::furniture_kind(u.text()).is_none())
}

/// An image's alt text followed by the same text with its credit glued on
/// (`Jane with John` / `Jane with JohnReuters`): both are the caption.
fn mark_caption_pairs(units: &[Unit], v: &mut [Option<Verdict>]) {
    for i in 1..units.len() {
        let (prev, cur) = (units[i - 1].text(), units[i].text());
        if rules::is_headline_plus_credit(cur, prev) && prev.len() <= 200 {
            if is_open(v, i - 1) {
                drop(v, i - 1, RemovalKind::Caption);
            }
            if is_open(v, i) || v[i] == Some(Verdict::Drop(RemovalKind::Caption)) {
                drop(v, i, RemovalKind::Caption);
            }
        }
    }
}

/// Author boxes: a `Name's picture` or `About the author` anchor with the
/// name line before it and bio paragraphs after it; or bio paragraphs that
/// close the document (`Jane Doe is a freelance journalist ...`).
fn mark_author_bios(units: &[Unit], v: &mut [Option<Verdict>]) {
    let n = units.len();
    for i in 0..n {
        let t = units[i].text();
        let name = rules::author_picture_name(t);
        let about = rules::is_about_author(t);
        if name.is_none() && !about {
            continue;
        }
        drop(v, i, RemovalKind::AuthorBio);
        if i > 0 && is_open(v, i - 1) {
            let prev = units[i - 1].text();
            let is_name_line = match &name {
                Some(name) => comparable(prev) == comparable(name),
                None => rules::is_name_only(prev),
            };
            if is_name_line {
                drop(v, i - 1, RemovalKind::AuthorBio);
            }
        }
        let surname = name.as_deref().and_then(|n| n.split_whitespace().last());
        let mut j = i + 1;
        while j < n && is_open(v, j) {
            let t = units[j].text();
            let bio_like = rules::is_bio_sentence(t)
                || rules::is_pronoun_bio(t)
                || name.as_deref().is_some_and(|n| t.starts_with(n))
                || surname.is_some_and(|s| t.split_whitespace().next() == Some(s))
                || (about && j <= i + 3 && t.len() <= 700);
            if !bio_like {
                break;
            }
            drop(v, j, RemovalKind::AuthorBio);
            j += 1;
        }
    }

    // Trailing bio without an anchor: walk back over the last blocks.
    let mut candidates = Vec::new();
    let mut has_bio_sentence = false;
    for i in (0..n).rev() {
        if !is_open(v, i) {
            continue;
        }
        let t = units[i].text();
        if let Some(subject) = rules::bio_subject(t) {
            // A bio is about the author, whom the article itself rarely
            // names; `Corbyn is a lifelong campaigner` is article text.
            if subject.split_whitespace().count() < 2 || named_elsewhere(units, v, i, subject) {
                break;
            }
            has_bio_sentence = true;
        } else if !(rules::is_pronoun_bio(t) || (has_bio_sentence && rules::is_name_only(t))) {
            break;
        }
        candidates.push(i);
        if candidates.len() >= 4 {
            break;
        }
    }
    if has_bio_sentence {
        // Never take the whole document for a bio.
        let open_total = (0..n).filter(|&i| is_open(v, i)).count();
        if open_total > candidates.len() {
            for i in candidates {
                drop(v, i, RemovalKind::AuthorBio);
            }
        }
    }
}

/// Whether the surname of `name` appears in any other kept block.
fn named_elsewhere(units: &[Unit], v: &[Option<Verdict>], except: usize, name: &str) -> bool {
    let Some(surname) = name.split_whitespace().last() else {
        return false;
    };
    units
        .iter()
        .enumerate()
        .any(|(i, u)| i != except && is_open(v, i) && u.text().contains(surname))
}

/// Reader comments: everything after a comments header, or after the big gap
/// that separates a dump's article from its comment thread.
fn mark_comments(units: &[Unit], v: &mut [Option<Verdict>]) {
    let n = units.len();
    let mut body_chars = 0usize;
    let mut body_units = 0usize;
    let mut start: Option<usize> = None;
    for i in 0..n {
        let t = units[i].text();
        let enough_body = body_chars >= MIN_BODY_CHARS_BEFORE_COMMENTS && body_units >= 2;
        let header = matches!(v[i], None | Some(Verdict::Drop(RemovalKind::Comments)))
            && rules::comment_zone_start(t);
        // An explicit comments header needs less article above it.
        if header && body_chars >= MIN_BODY_CHARS_BEFORE_COMMENTS / 2 {
            start = Some(i);
            break;
        }
        if is_open(v, i)
            && units[i].gap_before >= BIG_GAP
            && enough_body
            && looks_like_comment_thread(units, v, i, body_style(units, v, i))
        {
            start = Some(i);
            break;
        }
        if is_open(v, i) {
            body_chars += t.len();
            body_units += 1;
        }
    }
    if let Some(start) = start {
        for i in start..n {
            if is_open(v, i) {
                drop(v, i, RemovalKind::Comments);
            }
        }
    }
}

/// Longest run of paragraphs one reader comment may span.
const MAX_COMMENT_UNITS: usize = 4;
const MAX_COMMENT_CHARS: usize = 2000;

/// A comment thread with no header: at the end of a text dump, two or more
/// `name line ⏎ comment` groups (the comment on the very next line, not after
/// a blank one), right after the article's closing furniture (share prompt,
/// tags, ...) or a wide gap. Each signal alone is weak (an interview
/// transcript has name lines too); together they mark a thread.
fn mark_commenter_thread(units: &[Unit], v: &mut [Option<Verdict>]) {
    let mut start: Option<usize> = None;
    let mut groups = 0usize;
    let (mut body_units, mut body_chars) = (0usize, 0usize);
    for i in (0..units.len()).rev() {
        if !is_open(v, i) {
            // Furniture inside the thread (a `Reply` link) is no break.
            if body_units > 0 || groups > 0 {
                continue;
            }
            break;
        }
        let t = units[i].text();
        let heads_comment = body_units > 0
            && is_open(v, i + 1)
            && units[i + 1].gap_before == 1
            && rules::is_commenter_line(t);
        if heads_comment {
            groups += 1;
            start = Some(i);
            body_units = 0;
            body_chars = 0;
            continue;
        }
        body_units += 1;
        body_chars += t.len();
        if body_units > MAX_COMMENT_UNITS || body_chars > MAX_COMMENT_CHARS {
            break;
        }
    }
    let Some(start) = start.filter(|_| groups >= 2) else {
        return;
    };
    let article_chars: usize = (0..start)
        .filter(|&i| is_open(v, i))
        .map(|i| units[i].text().len())
        .sum();
    if article_chars < MIN_BODY_CHARS_BEFORE_COMMENTS {
        return;
    }
    let after_closing_furniture = start > 0
        && matches!(
            v[start - 1],
            Some(Verdict::Drop(
                RemovalKind::SharePrompt
                    | RemovalKind::Categories
                    | RemovalKind::Related
                    | RemovalKind::Newsletter
                    | RemovalKind::Promo
                    | RemovalKind::AuthorBio
                    | RemovalKind::Comments
                    | RemovalKind::Advert
                    | RemovalKind::Navigation
            ))
        );
    if !(after_closing_furniture || units[start].gap_before >= BIG_GAP) {
        return;
    }
    for i in start..units.len() {
        if is_open(v, i) {
            drop(v, i, RemovalKind::Comments);
        }
    }
}

/// Whether the article before `end` writes apostrophes typographically.
fn body_style(units: &[Unit], v: &[Option<Verdict>], end: usize) -> bool {
    let mut curly = 0usize;
    let mut straight = 0usize;
    for (i, unit) in units.iter().enumerate().take(end) {
        if is_open(v, i) {
            curly += unit.text().matches('’').count();
            straight += unit.text().matches('\'').count();
        }
    }
    curly > straight
}

/// The blocks from `start` up to the next removed bio read like reader
/// comments: irregular gaps between them, or at least two of: a bio box right
/// after, a switch to straight apostrophes, mostly first-person voice.
fn looks_like_comment_thread(
    units: &[Unit],
    v: &[Option<Verdict>],
    start: usize,
    body_curly: bool,
) -> bool {
    let end = (start..units.len())
        .find(|&i| v[i] == Some(Verdict::Drop(RemovalKind::AuthorBio)))
        .unwrap_or(units.len());
    let region: Vec<usize> = (start..end).filter(|&i| is_open(v, i)).collect();
    if region.is_empty() {
        return false;
    }
    let irregular_gaps = region.iter().skip(1).any(|&i| units[i].gap_before >= 3);
    if irregular_gaps && region.len() >= 2 {
        return true;
    }
    let followed_by_bio = end < units.len();
    let region_text = || region.iter().map(|&i| units[i].text());
    let straight_style = body_curly
        && region_text().any(|t| t.contains('\''))
        && !region_text().any(|t| t.contains('’'));
    let first_person =
        region_text().filter(|t| rules::is_first_person(t)).count() * 2 >= region.len();
    [followed_by_bio, straight_style, first_person]
        .iter()
        .filter(|&&s| s)
        .count()
        >= 2
}

fn assign_block_kinds(units: &[Unit], v: &mut [Option<Verdict>]) {
    let kept: Vec<usize> = (0..units.len()).filter(|&i| is_open(v, i)).collect();
    let mut in_update = false;
    for (rank, &i) in kept.iter().enumerate() {
        let t = units[i].text();
        let prev = rank.checked_sub(1).map(|r| units[kept[r]].text());
        let has_next = rank + 1 < kept.len();
        let kind = if rules::is_embedded_post(t) {
            BlockKind::Embedded
        } else if rules::is_update(t) {
            // An update heading late in the article introduces what follows.
            if rules::is_update_heading(t) && rank * 2 >= kept.len() {
                in_update = true;
            }
            BlockKind::Update
        } else if in_update {
            BlockKind::Update
        } else if let Some(given) = units[i].given {
            given
        } else if prev.is_some_and(|p| p.ends_with(':'))
            && rules::is_first_person(t)
            && !t.starts_with(['“', '"', '‘'])
        {
            // A letter or statement reproduced after `... writes:`.
            BlockKind::Quote
        } else if rank > 0 && has_next && rules::looks_like_heading(t) {
            BlockKind::Heading
        } else {
            BlockKind::Paragraph
        };
        v[i] = Some(Verdict::Keep(kind));
    }
}
