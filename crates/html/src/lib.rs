//! Main-content and metadata extraction from one HTML page.
//!
//! Contract used by `parallax-clean` (implementation in progress):

use parallax_model::{BlockKind, Removal};
use std::ops::Range;

/// What one HTML page yields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    pub title: Option<String>,
    /// ISO `YYYY-MM-DD`.
    pub published: Option<String>,
    pub author: Option<String>,
    /// og:site_name, else a name derived from the domain.
    pub outlet: Option<String>,
    /// Canonical URL if the page declares one.
    pub url: Option<String>,
    /// `<html lang>`.
    pub language: Option<String>,
    pub blocks: Vec<PageBlock>,
    pub removed: Vec<Removal>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageBlock {
    pub kind: BlockKind,
    pub text: String,
    /// Byte range of the block in the HTML source, when known.
    pub source: Option<Range<usize>>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ExtractError {
    #[error("no article text found in the page")]
    NoArticle,
}

/// Extract the article of a page. `url` helps outlet detection.
pub fn extract(_html: &str, _url: Option<&str>) -> Result<Page, ExtractError> {
    Err(ExtractError::NoArticle)
}
