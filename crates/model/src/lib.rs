//! The article model every Parallax stage shares.
//!
//! Data flows `ingest` → [`RawDoc`] → `clean` → [`Article`] → `store`, and
//! every later stage (extract, cluster, compare, serve) reads [`Article`]s.
//! These are plain data types on purpose: no behaviour beyond small helpers,
//! so that each stage crate owns its own logic.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::Range;

/// What kind of content a record carries once its container (JSONL line,
/// WARC record, feed item, gzip stream) has been opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ContentKind {
    /// Plain text, possibly with a ` date YYYY-MM-DD` header (seed style).
    Text,
    /// One HTML page holding one article.
    Html,
}

/// The container format a record was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceFormat {
    Text,
    Html,
    Jsonl,
    Warc,
    Feed,
}

impl fmt::Display for SourceFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            SourceFormat::Text => "text",
            SourceFormat::Html => "html",
            SourceFormat::Jsonl => "jsonl",
            SourceFormat::Warc => "warc",
            SourceFormat::Feed => "feed",
        };
        f.write_str(s)
    }
}

/// Where a record came from: enough for a person to find it again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    /// File path, `-` for stdin, or the feed URL.
    pub path: String,
    /// Position inside a container: `line 3`, `record 5`, `item 2`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locator: Option<String>,
}

impl Origin {
    pub fn file(path: impl Into<String>) -> Self {
        Origin {
            path: path.into(),
            locator: None,
        }
    }

    pub fn at(path: impl Into<String>, locator: impl Into<String>) -> Self {
        Origin {
            path: path.into(),
            locator: Some(locator.into()),
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.locator {
            Some(l) => write!(f, "{} ({})", self.path, l),
            None => f.write_str(&self.path),
        }
    }
}

/// Metadata a container supplied before any content extraction
/// (JSONL fields, WARC headers, feed item fields). Extraction may fill gaps
/// but does not override these.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hints {
    pub url: Option<String>,
    pub outlet: Option<String>,
    pub title: Option<String>,
    /// ISO date `YYYY-MM-DD` or RFC 3339 date-time, as given.
    pub published: Option<String>,
    pub author: Option<String>,
    /// `published` is only the date the page was captured (a WARC-Date), not
    /// a publication date: extraction should replace it with a date found in
    /// the page itself. Added by ingest because a crawl date is a weak hint,
    /// unlike a JSONL or feed date, which the rule above protects.
    #[serde(default, skip_serializing_if = "is_false")]
    pub published_is_capture_date: bool,
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// One record as ingest hands it to clean: decoded, not yet cleaned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawDoc {
    /// Stable id (file stem, JSONL `id`, or content hash). See `ingest`.
    pub id: String,
    pub origin: Origin,
    pub format: SourceFormat,
    pub kind: ContentKind,
    /// The decoded content (text or HTML). Offsets in [`OffsetMap`] point here.
    pub content: String,
    pub hints: Hints,
    /// Non-fatal problems, e.g. "invalid UTF-8 decoded lossily".
    pub warnings: Vec<String>,
}

/// A record that could not become an article, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    pub origin: Origin,
    pub reason: String,
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.origin, self.reason)
    }
}

/// Why a piece of the source did not make it into the clean text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemovalKind {
    /// Photo caption or credit (`… with Jeremy CorbynReuters`, `(X/Twitter)`).
    Caption,
    /// The headline repeated at the top of the body.
    DuplicateHeadline,
    /// The ` date YYYY-MM-DD` header line of plain-text dumps.
    DateHeader,
    /// Reader comments and comment forms (`Leave a Reply`, ...).
    Comments,
    /// Author biography, byline boxes.
    AuthorBio,
    /// Event, subscription or product promotions.
    Promo,
    /// Newsletter sign-up blocks.
    Newsletter,
    /// `Share this`, `Follow us on`, social buttons.
    SharePrompt,
    /// `Categories:` / `Tags:` lines.
    Categories,
    /// Related / recommended / read-more links.
    Related,
    /// Site navigation, breadcrumbs, menus, headers and footers.
    Navigation,
    /// Cookie and consent banners.
    CookieBanner,
    /// Advertising.
    Advert,
    /// Anything else judged not to be article text.
    Boilerplate,
}

impl RemovalKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            RemovalKind::Caption => "caption",
            RemovalKind::DuplicateHeadline => "duplicate_headline",
            RemovalKind::DateHeader => "date_header",
            RemovalKind::Comments => "comments",
            RemovalKind::AuthorBio => "author_bio",
            RemovalKind::Promo => "promo",
            RemovalKind::Newsletter => "newsletter",
            RemovalKind::SharePrompt => "share_prompt",
            RemovalKind::Categories => "categories",
            RemovalKind::Related => "related",
            RemovalKind::Navigation => "navigation",
            RemovalKind::CookieBanner => "cookie_banner",
            RemovalKind::Advert => "advert",
            RemovalKind::Boilerplate => "boilerplate",
        }
    }
}

/// A piece of source removed by cleaning, kept so nothing is silently lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Removal {
    pub kind: RemovalKind,
    pub text: String,
    /// Byte range in [`RawDoc::content`], when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Range<usize>>,
}

/// Role of a block of clean text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    Paragraph,
    Heading,
    /// A block quotation inside the article.
    Quote,
    ListItem,
    /// Text of an embedded post (tweet, Instagram, ...) quoted by the article.
    Embedded,
    /// An `Update, 12 November` style note.
    Update,
}

/// A paragraph-level block of the clean text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    pub kind: BlockKind,
    /// Byte range in [`Article::text`].
    pub span: Range<usize>,
}

/// One aligned run: `clean[clean.start..clean.end]` came from
/// `source[source.start..source.end]`. Runs are sorted by `clean.start` and do
/// not overlap. Where the two lengths are equal the mapping is exact byte for
/// byte; otherwise (entity decoding, whitespace folding, a repaired sentence
/// break) offsets inside the run are interpolated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OffsetRun {
    pub clean: Range<usize>,
    pub source: Range<usize>,
}

/// Map from clean-text byte offsets back to [`RawDoc::content`] byte offsets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OffsetMap {
    pub runs: Vec<OffsetRun>,
}

impl OffsetMap {
    /// Source offset for a clean-text offset; `None` for text that cleaning
    /// inserted (paragraph breaks, repaired spaces).
    pub fn to_source(&self, clean: usize) -> Option<usize> {
        let i = self
            .runs
            .partition_point(|r| r.clean.end <= clean && r.clean.start < r.clean.end);
        let run = self.runs.get(i)?;
        if clean < run.clean.start || clean >= run.clean.end {
            return None;
        }
        let into = clean - run.clean.start;
        let clean_len = run.clean.end - run.clean.start;
        let source_len = run.source.end - run.source.start;
        if clean_len == source_len {
            Some(run.source.start + into)
        } else {
            Some(run.source.start + into * source_len / clean_len.max(1))
        }
    }

    /// Source range covering a clean-text range, when both ends map.
    pub fn range_to_source(&self, clean: Range<usize>) -> Option<Range<usize>> {
        let start = self.to_source(clean.start)?;
        let end = if clean.end > clean.start {
            self.to_source(clean.end - 1)? + 1
        } else {
            start
        };
        Some(start..end.max(start))
    }
}

/// A clean article with its provenance. The unit every later stage reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    pub id: String,
    pub origin: Origin,
    pub format: SourceFormat,
    pub url: Option<String>,
    pub outlet: Option<String>,
    pub title: Option<String>,
    pub author: Option<String>,
    /// Publication date as ISO `YYYY-MM-DD`.
    pub published: Option<String>,
    /// ISO 639-1 code (`en`), when detected with confidence.
    pub language: Option<String>,
    /// Clean article text: blocks separated by a blank line (`\n\n`).
    pub text: String,
    pub blocks: Vec<Block>,
    pub removed: Vec<Removal>,
    pub offsets: OffsetMap,
    pub warnings: Vec<String>,
    /// How [`Article::outlet`] was decided, as a reader should see it
    /// (`domain: nytimes.com`, `self-reference: "… co-host of our
    /// podcast"`, `manifest`); absent when the outlet is unknown or came
    /// from an earlier build.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlet_via: Option<String>,
    /// What kind of piece the page says it is (`type: OpinionNewsArticle`,
    /// `section: Letters`), from its markup; absent for text and for pages
    /// that do not say. The comparison types documents from this, the URL,
    /// the title, the byline and the text's opening.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub genre: Option<String>,
}

impl Article {
    /// The text of one block.
    pub fn block_text(&self, block: &Block) -> &str {
        self.text.get(block.span.clone()).unwrap_or("")
    }

    /// The article cut to the first `limit` bytes of its text (as
    /// [`text_opening`] cuts it), with blocks and offset runs clipped to
    /// match; borrowed as is when the text is short enough. The stages
    /// after cleaning read only this much (see [`MAX_ANALYSED_BYTES`]).
    pub fn opening(&self, limit: usize) -> std::borrow::Cow<'_, Article> {
        let head = text_opening(&self.text, limit).len();
        if head == self.text.len() {
            return std::borrow::Cow::Borrowed(self);
        }
        let clip = |r: &Range<usize>| r.start.min(head)..r.end.min(head);
        let mut cut = Article {
            text: self.text[..head].to_string(),
            blocks: Vec::new(),
            removed: Vec::new(),
            offsets: OffsetMap::default(),
            ..self.clone_meta()
        };
        cut.blocks = self
            .blocks
            .iter()
            .filter(|b| b.span.start < head)
            .map(|b| Block {
                kind: b.kind,
                span: clip(&b.span),
            })
            .collect();
        cut.offsets.runs = self
            .offsets
            .runs
            .iter()
            .filter(|r| r.clean.start < head)
            .map(|r| {
                let keep = r.clean.end.min(head) - r.clean.start;
                // An exact run stays exact; an interpolated one keeps its
                // source range, which still covers the clipped part.
                let source = if r.clean.len() == r.source.len() {
                    r.source.start..r.source.start + keep
                } else {
                    r.source.clone()
                };
                OffsetRun {
                    clean: clip(&r.clean),
                    source,
                }
            })
            .collect();
        std::borrow::Cow::Owned(cut)
    }

    /// Everything but the text and its parts.
    fn clone_meta(&self) -> Article {
        Article {
            id: self.id.clone(),
            origin: self.origin.clone(),
            format: self.format,
            url: self.url.clone(),
            outlet: self.outlet.clone(),
            title: self.title.clone(),
            author: self.author.clone(),
            published: self.published.clone(),
            language: self.language.clone(),
            text: String::new(),
            blocks: Vec::new(),
            removed: Vec::new(),
            offsets: OffsetMap::default(),
            warnings: self.warnings.clone(),
            outlet_via: self.outlet_via.clone(),
            genre: self.genre.clone(),
        }
    }
}

/// Longest stretch of an article's clean text that the stages after
/// cleaning (extraction, stories, comparison) read. News articles are far
/// shorter (PolNeAR's longest is ~60 KB); past this a text is a dump, a
/// book or an attack, and the analyses cover its opening only and say so.
/// With sentence length bounded by the tokenizer, this bounds the time and
/// memory each article can cost.
pub const MAX_ANALYSED_BYTES: usize = 256 * 1024;

/// The opening of `text` up to `limit` bytes, ending at a line break or a
/// space in the last 4 KiB before the limit when there is one, always on a
/// character boundary.
pub fn text_opening(text: &str, limit: usize) -> &str {
    if text.len() <= limit {
        return text;
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = &text[..end];
    let floor = end.saturating_sub(4096);
    let cut = head
        .rfind('\n')
        .filter(|&i| i >= floor)
        .or_else(|| head.rfind(char::is_whitespace).filter(|&i| i >= floor))
        .unwrap_or(end);
    &text[..cut]
}

/// Byte-range helpers that never panic on bad input.
pub fn slice(text: &str, range: Range<usize>) -> &str {
    text.get(range).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openings_cut_on_boundaries_and_clip_parts() {
        assert_eq!(text_opening("short", 10), "short");
        let text = format!("{}\n\n{}", "é".repeat(3000), "word ".repeat(2000));
        let head = text_opening(&text, 7001);
        assert!(head.len() <= 7001 && text.starts_with(head));
        assert!(
            head.ends_with("word") || head.ends_with('\n'),
            "{:?}",
            &head[head.len() - 8..]
        );
        let no_space = "é".repeat(5000);
        let head = text_opening(&no_space, 1001);
        assert_eq!(head.len(), 1000);

        let article = Article {
            id: "a".into(),
            origin: Origin::file("a.txt"),
            format: SourceFormat::Text,
            url: None,
            outlet: None,
            title: None,
            author: None,
            published: None,
            language: None,
            text: "one two\n\nthree four".into(),
            blocks: vec![
                Block {
                    kind: BlockKind::Paragraph,
                    span: 0..7,
                },
                Block {
                    kind: BlockKind::Paragraph,
                    span: 9..19,
                },
            ],
            removed: Vec::new(),
            offsets: OffsetMap {
                runs: vec![OffsetRun {
                    clean: 0..19,
                    source: 5..24,
                }],
            },
            warnings: Vec::new(),
            outlet_via: None,
            genre: None,
        };
        assert!(matches!(
            article.opening(100),
            std::borrow::Cow::Borrowed(_)
        ));
        let cut = article.opening(12);
        assert_eq!(cut.text, "one two\n");
        assert_eq!(cut.blocks.len(), 1);
        assert_eq!(cut.offsets.runs[0].clean, 0..8);
        assert_eq!(cut.offsets.runs[0].source, 5..13);
    }

    #[test]
    fn offset_map_exact_and_interpolated() {
        let map = OffsetMap {
            runs: vec![
                OffsetRun {
                    clean: 0..5,
                    source: 10..15,
                },
                OffsetRun {
                    clean: 7..11,
                    source: 20..28,
                },
            ],
        };
        assert_eq!(map.to_source(0), Some(10));
        assert_eq!(map.to_source(4), Some(14));
        assert_eq!(map.to_source(5), None);
        assert_eq!(map.to_source(6), None);
        assert_eq!(map.to_source(7), Some(20));
        assert_eq!(map.to_source(9), Some(24));
        assert_eq!(map.to_source(11), None);
        assert_eq!(map.range_to_source(1..4), Some(11..14));
    }
}
