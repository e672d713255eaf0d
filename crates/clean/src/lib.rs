//! Turns a [`RawDoc`] into a clean [`Article`]: page furniture removed and
//! recorded, run-together sentences repaired, offsets kept, language detected.

use parallax_model::{Article, RawDoc};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CleanError {
    #[error("no article text found")]
    NoArticle,
}

/// Clean one record. HTML goes through `parallax-html` first.
pub fn clean(_doc: &RawDoc) -> Result<Article, CleanError> {
    Err(CleanError::NoArticle)
}
