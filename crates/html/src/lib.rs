//! Main-content and metadata extraction from one HTML page.
//!
//! [`extract`] returns the article as typed blocks ([`PageBlock`]) with byte
//! ranges back into the HTML source, the page metadata, and the page furniture
//! it rejected ([`Page::removed`]).
//!
//! Two engines sit behind [`extract_with`]:
//! - [`Mode::Native`] (default): a forgiving tree builder that keeps source
//!   offsets ([`lite`]) and a readability-style scorer. On the 131 AEB dev
//!   pages it scores F1 0.973 at about 20x the per-core speed of Python
//!   trafilatura 2.3.1 (which scores 0.953 there).
//! - [`Mode::Trafilatura`]: the `trafilatura` crate (Rust port of
//!   go-trafilatura), which we A/B'd against `rs-trafilatura` (0.956) and
//!   `dom_smoothie` (0.940) and kept as the best crate (0.969 with our block
//!   handling); it is also the fallback when the native pass finds nothing.
//!   Blocks, provenance, metadata precedence and removal records around it
//!   are ours.
//!
//! [`eval::aeb`] scores a directory the AEB way (`examples/aeb.rs`);
//! [`bench::bench`] measures throughput (`examples/bench_html.rs`,
//! `bench/html.sh` for the side-by-side run with Python trafilatura).

pub mod bench;
mod blocks;
pub mod eval;
mod fast;
pub mod lite;
mod locate;
pub mod meta;
mod removed;
pub mod sanitize;

use parallax_model::{BlockKind, Removal};
use std::ops::Range;

pub use locate::SourceText;

/// What one HTML page yields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    /// og:title, JSON-LD headline, twitter:title, first `<h1>`, or `<title>`
    /// without its ` | Site` suffix.
    pub title: Option<String>,
    /// ISO `YYYY-MM-DD`.
    pub published: Option<String>,
    /// JSON-LD author name(s), else author meta tags.
    pub author: Option<String>,
    /// og:site_name, else JSON-LD publisher, else a name derived from the domain.
    pub outlet: Option<String>,
    /// Canonical URL if the page declares one (`<link rel=canonical>`,
    /// og:url), else the URL passed in.
    pub url: Option<String>,
    /// `<html lang>`.
    pub language: Option<String>,
    /// What kind of piece the page says it is (`type: OpinionNewsArticle`,
    /// `section: Opinion`), from its JSON-LD or `article:section`.
    pub genre: Option<String>,
    /// Article body in reading order.
    pub blocks: Vec<PageBlock>,
    /// Furniture rejected in and around the article (captions, share
    /// prompts, related links, comments, newsletter boxes, bios, navigation),
    /// with source ranges when known.
    pub removed: Vec<Removal>,
}

/// One block of article text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageBlock {
    pub kind: BlockKind,
    /// Visible text: entities decoded, whitespace folded to single spaces.
    pub text: String,
    /// Byte range of the block in the HTML source, when known.
    pub source: Option<Range<usize>>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ExtractError {
    #[error("no article text found in the page")]
    NoArticle,
    #[error(
        "the HTML parser failed on this page (a bug in it, not in the page); the page was skipped"
    )]
    ParserFailed,
}

/// Which extractor runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Mode {
    /// Our own parser and scorer (default): the best F1 we measured on the
    /// AEB pages and the fastest by far, with exact source ranges.
    #[default]
    Native,
    /// The `trafilatura` crate with its readability fallback, precision
    /// focus (F1 close to native, about 7x slower). Kept for A/B runs and as
    /// the second opinion when the native pass finds nothing.
    Trafilatura,
    /// The `trafilatura` crate, recall focus, no fallback.
    TrafilaturaFast,
}

/// Extraction settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    pub mode: Mode,
    /// With [`Mode::Native`]: when it finds no article, ask trafilatura.
    pub fallback: bool,
    /// Pages larger than this are cut (at a character boundary) before
    /// parsing, so a pathological page cannot stall a batch. Article text sits
    /// well inside the first megabytes of real pages.
    pub max_bytes: usize,
    /// Record rejected page furniture in [`Page::removed`].
    pub record_removed: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            mode: Mode::Native,
            fallback: true,
            max_bytes: 8 << 20,
            record_removed: true,
        }
    }
}

/// Extract the article of a page. `url` helps outlet detection.
pub fn extract(html: &str, url: Option<&str>) -> Result<Page, ExtractError> {
    extract_with(html, url, &Options::default())
}

fn cut(html: &str, max: usize) -> &str {
    if html.len() <= max {
        return html;
    }
    let mut end = max;
    while end > 0 && !html.is_char_boundary(end) {
        end -= 1;
    }
    &html[..end]
}

/// [`extract`] with explicit settings.
pub fn extract_with(html: &str, url: Option<&str>, opts: &Options) -> Result<Page, ExtractError> {
    let html = cut(html, opts.max_bytes);
    if opts.mode == Mode::Native {
        let dom = lite::Dom::parse(html);
        let meta = meta::resolve(&dom.meta, url);
        let (blocks, removed) =
            fast::extract_blocks(&dom, meta.title.as_deref(), opts.record_removed);
        if blocks.is_empty() {
            if opts.fallback {
                let second = Options {
                    mode: Mode::Trafilatura,
                    ..*opts
                };
                return extract_with(html, url, &second);
            }
            return Err(ExtractError::NoArticle);
        }
        return Ok(Page {
            title: meta.title,
            published: meta.published,
            author: meta.author,
            outlet: meta.outlet,
            url: meta.url,
            language: meta.language,
            genre: meta.genre,
            blocks,
            removed,
        });
    }
    if !html.contains('<') && html.trim().is_empty() {
        return Err(ExtractError::NoArticle);
    }
    // A panic inside the third-party parser or extractor is that page's
    // error, never the batch's (the inputs that caused one are defused
    // below, but a parser has more corners than a fuzzer has found).
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        with_trafilatura(html, url, opts)
    }))
    .unwrap_or(Err(ExtractError::ParserFailed))
}

/// The [`Mode::Trafilatura`] / [`Mode::TrafilaturaFast`] extraction.
fn with_trafilatura(html: &str, url: Option<&str>, opts: &Options) -> Result<Page, ExtractError> {
    let defused = sanitize::defuse_meta_charset(html);
    let doc = trafilatura::dom::Document::parse(&sanitize::limit_depth(&defused));
    let meta = meta::read(&doc, url);
    let embeds = removed::embedded_texts(&doc);
    let furniture = if opts.record_removed {
        removed::candidates(&doc)
    } else {
        Vec::new()
    };

    let mut t_opts = trafilatura::Options::default();
    if let Some(u) = url.and_then(|u| url::Url::parse(u).ok()) {
        t_opts = t_opts.with_url(u);
    }
    t_opts = match opts.mode {
        Mode::Trafilatura | Mode::Native => t_opts
            .with_fallback(true)
            .with_focus(trafilatura::ExtractionFocus::FavorPrecision),
        Mode::TrafilaturaFast => t_opts.with_focus(trafilatura::ExtractionFocus::FavorRecall),
    };
    t_opts = t_opts.with_max_tree_size(200_000);
    let result =
        trafilatura::extract_document(doc, &t_opts).map_err(|_| ExtractError::NoArticle)?;

    let mut source = SourceText::new(html);
    let mut removed_list = Vec::new();
    let blocks = blocks::from_content_html(
        &result.content_html,
        meta.title.as_deref(),
        &embeds,
        &mut source,
        &mut removed_list,
    );
    if blocks.is_empty() {
        return Err(ExtractError::NoArticle);
    }
    if opts.record_removed {
        removed::record(&furniture, &blocks, &source, &mut removed_list);
    }

    let tm = &result.metadata;
    let non_empty = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
    Ok(Page {
        title: meta.title.or_else(|| non_empty(&tm.title)),
        published: meta
            .published
            .or_else(|| tm.date.map(|d| d.format("%Y-%m-%d").to_string())),
        author: meta.author.or_else(|| non_empty(&tm.author)),
        outlet: meta.outlet.or_else(|| non_empty(&tm.sitename)),
        url: meta.url.or_else(|| non_empty(&tm.url)),
        language: meta.language.or_else(|| non_empty(&tm.language)),
        genre: meta.genre,
        blocks,
        removed: removed_list,
    })
}
