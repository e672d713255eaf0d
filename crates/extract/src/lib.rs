//! Information extraction for Parallax.
//!
//! This crate turns clean article text into structured facts. Its first
//! piece is the named-entity tagger ([`ner`]): people, organisations,
//! places and other names, with byte spans into the input so that later
//! stages (quote speakers, timelines, coverage comparison) can point back at
//! the text. On top of it, [`group_mentions`] joins the mentions of one
//! entity within an article and [`person_roles`] reads the titles and roles
//! stated next to people's names.
//!
//! ```
//! use parallax_extract::{group_mentions, person_roles, EntityKind, NerTagger};
//!
//! let text = "Labour leader Jeremy Corbyn spoke in London. Corbyn said the party would win.";
//! let tagger = NerTagger::shipped()?;
//! let entities = tagger.entities(text);
//! let corbyn = &entities[1];
//! assert_eq!((corbyn.text.as_str(), corbyn.kind), ("Jeremy Corbyn", EntityKind::Person));
//! assert_eq!(&text[corbyn.span.clone()], "Jeremy Corbyn");
//!
//! let groups = group_mentions(&entities);
//! let person = groups.iter().find(|g| g.kind == EntityKind::Person).map(|g| g.mentions.len());
//! assert_eq!(person, Some(2));
//! let roles = person_roles(text, &entities);
//! assert_eq!(roles[0].text, "Labour leader");
//! # Ok::<(), parallax_extract::NerError>(())
//! ```

pub mod aliases;
pub mod ner;
pub mod quotes;
pub mod roles;
pub mod tokenize;

pub use aliases::{alias_key, group_mentions, EntityGroup};
pub use ner::{eval_conll, extract_entities, Entity, EntityKind, NerScores, NerTagger};
pub use quotes::{
    analyze, eval_polnear, extract_quotes, Extraction, Quote, QuoteKind, QuoteScores, Speaker,
    SpeakerKind,
};
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
