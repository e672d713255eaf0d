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
pub mod dates;
pub mod ner;
pub mod quotes;
pub mod roles;
pub mod timeline;
pub mod tokenize;

pub use aliases::{
    alias_key, group_mentions, join_across, join_misspellings, CorpusEntity, EntityGroup,
};
pub use dates::{
    find_dates, parse_published, DateForm, DateValue, Granularity, TemporalExpr, TemporalKind,
};
pub use ner::{eval_conll, extract_entities, Entity, EntityKind, NerScores, NerTagger};
pub use quotes::{
    eval_polnear, extract_quotes, Quote, QuoteKind, QuoteScores, Speaker, SpeakerKind,
};
pub use roles::{person_roles, person_roles_in_tokens, Role, RolePosition};

/// Everything this crate extracts from one article's text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Extraction {
    /// Entity mentions in text order, with byte spans into the text.
    pub entities: Vec<Entity>,
    /// The mentions grouped by entity (indices into `entities`).
    pub groups: Vec<EntityGroup>,
    /// Titles and roles stated next to people (indices into `entities`).
    pub roles: Vec<Role>,
    /// Direct and reported speech with speakers, and scare quotes.
    pub quotes: Vec<Quote>,
}

/// Extracts entities, their groups, people's roles and quotes from one article's
/// text with the shipped tagger. Pass one article at a time: the tagger and
/// the grouping both use the whole text as context.
pub fn extract(text: &str) -> Result<Extraction, NerError> {
    extract_tokens(text, &tokenize::tokenize(text))
}

/// [`extract`] over sentences already tokenised from `text` by
/// [`tokenize::tokenize`], for callers that need the sentences too (the
/// timeline, sentence spans) and should not tokenise twice.
pub fn extract_tokens(
    text: &str,
    sentences: &[Vec<tokenize::Token<'_>>],
) -> Result<Extraction, NerError> {
    let tagger = NerTagger::shipped()?;
    let entities = tagger.entities_in_tokens(text, sentences);
    let groups = join_misspellings(&entities, group_mentions(&entities));
    let roles = person_roles_in_tokens(text, sentences, &entities);
    let quotes = extract_quotes(text, &entities, &groups);
    Ok(Extraction {
        entities,
        groups,
        roles,
        quotes,
    })
}
pub use timeline::{
    sort_chronologically, timeline, timeline_from_parts, timeline_with_entities, Event, VerbPhrase,
};

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
