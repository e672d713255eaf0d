//! Information extraction for Parallax.
//!
//! This crate turns clean article text into structured facts. Its first
//! piece is the named-entity tagger ([`ner`]): people, organisations,
//! places and other names, with byte spans into the input so that later
//! stages (alias joining, quote speakers, timelines) can point back at the
//! text.

pub mod aliases;
pub mod ner;
pub mod roles;
pub mod tokenize;

pub use aliases::{alias_key, group_mentions, EntityGroup};
pub use ner::{eval_conll, extract_entities, Entity, EntityKind, NerScores, NerTagger};
pub use roles::{person_roles, Role, RolePosition};

/// Errors from extraction.
#[derive(Debug, thiserror::Error)]
pub enum NerError {
    /// A file could not be read or written.
    #[error("i/o error: {0}")]
    Io(String),
    /// Labelled data is malformed.
    #[error("bad input: {0}")]
    Format(String),
    /// A weights file is missing, truncated or not ours.
    #[error("bad model: {0}")]
    Model(String),
}

impl From<std::io::Error> for NerError {
    fn from(e: std::io::Error) -> Self {
        NerError::Io(e.to_string())
    }
}
