//! Quotations and who said them.
//!
//! Journalists and fact-checkers compare *who is quoted saying what* across
//! outlets, so each quote carries its exact byte span, the sentence around
//! it, the reporting verb (`said`, `wrote`, `tweeted`), and the speaker: a
//! named entity (canonical name from [`crate::group_mentions`]), a pronoun
//! resolved to the person it refers to, or an unnamed but typed source
//! (`A Labour Party spokesman`, `a source close to Williamson`).
//!
//! Three kinds of text become quotes:
//! - quoted stretches (`“…”`, `"…"`, `‘…’`), including British-style quotes
//!   that run over paragraphs, quotes glued to the previous sentence, partial
//!   quotes inside a sentence, and block quotes after `writes:`;
//! - reported speech after a cue (`said that …`, `claimed …`,
//!   `according to JTA`), with `direct: false`;
//! - scare quotes, the narrator's quoted terms used as noun phrases
//!   (`Labour’s “anti-Semitism crisis” witch hunt`), which are kept but
//!   marked [`QuoteKind::Scare`] so that nobody counts them as speech.
//!
//! The method is rules over a small lexer and the NER output, not a trained
//! model. Measured on PolNeAR dev (84 articles; rules tuned on train only;
//! `cargo run --release -p parallax-extract --example eval_quotes`):
//! direct quotes P 95.4 / R 93.7 / F1 94.5 with 85 % of speakers right; all
//! attributions P 90.5 / R 69.4 / F1 78.6. Quote finding adds about 4 % to
//! the cost of entity tagging (`--example bench_extract`).
//!
//! Known limits: speakers named only in a headline or a list entry
//! (`Chris Matthews: …` without a colon frame), long appositions between
//! quote and cue, and quoted titles of shows or books, which are reported
//! as speech when they stand next to a cue.
//!
//! ```
//! use parallax_extract::quotes::{analyze, QuoteKind};
//!
//! let text = "Labour MP Ivan Lewis resigned. \u{201C}It is for others to decide,\u{201D} he said.";
//! let found = analyze(text)?;
//! let q = &found.quotes[0];
//! assert_eq!(q.text, "It is for others to decide,");
//! assert_eq!(q.kind, QuoteKind::Speech);
//! assert_eq!(q.speaker.as_ref().map(|s| s.name.as_str()), Some("Ivan Lewis"));
//! assert_eq!(q.cue.as_deref(), Some("said"));
//! # Ok::<(), parallax_extract::NerError>(())
//! ```

mod attribute;
mod cues;
pub mod eval;
mod lexer;
mod marks;

pub use eval::{eval_polnear, QuoteScores, SpanScores};

use crate::aliases::{group_mentions, EntityGroup};
use crate::ner::{Entity, NerTagger};
use crate::NerError;
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// Speech, or the narrator's quoted term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuoteKind {
    /// Someone's words, quoted or reported.
    Speech,
    /// A short quoted phrase with no speaker, used as a noun phrase
    /// (`the party’s “re-suspension”`): not speech.
    Scare,
}

/// How the speaker was identified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SpeakerKind {
    /// A name written next to the cue (`said Mr Lewis`).
    Named,
    /// A pronoun (`he said`) resolved to an earlier named person or
    /// organisation.
    Pronoun,
    /// An unnamed source described by type (`A Labour source`).
    Unnamed,
    /// A pronoun that could not be resolved (`they said`).
    Unresolved,
}

/// Who is quoted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Speaker {
    /// Canonical entity name (the fullest form in the article), or the
    /// description / pronoun as written when there is no entity.
    pub name: String,
    /// Byte range of the speaker as written next to the cue (`he`,
    /// `Mr Lewis`, `A Labour source`).
    pub span: Range<usize>,
    pub kind: SpeakerKind,
    /// Index into the entity groups (see [`group_mentions`]), when the
    /// speaker is a named entity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<usize>,
    /// For a resolved pronoun: the span of the mention it refers to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub antecedent: Option<Range<usize>>,
}

/// One quotation or piece of reported speech.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    /// The quoted words: `article[span]` (quotation marks excluded).
    pub text: String,
    /// Byte range of the words in the text given to [`extract_quotes`].
    pub span: Range<usize>,
    /// Byte range of the sentence(s) holding the quote.
    pub sentence: Range<usize>,
    pub speaker: Option<Speaker>,
    /// The reporting verb as written (`said`, `wrote`, `according to`).
    pub cue: Option<String>,
    pub cue_span: Option<Range<usize>>,
    /// Quoted word for word (`true`) or reported (`false`).
    pub direct: bool,
    pub kind: QuoteKind,
    /// When the quote is left unattributed because the evidence was weak
    /// (the nearest name was a place or a thing, or stood inside the
    /// quoted words): that name, as a hint for a reader, never claimed
    /// as the speaker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub candidate: Option<String>,
}

/// Quotes in `text`, given its entities (as from [`NerTagger::entities`] on
/// the same text) and their groups (from [`group_mentions`]). Never panics;
/// spans always lie on character boundaries of `text`.
pub fn extract_quotes(text: &str, entities: &[Entity], groups: &[EntityGroup]) -> Vec<Quote> {
    let toks = lexer::lex(text);
    if toks.is_empty() {
        return Vec::new();
    }
    let quoted = marks::pair_quotes(text, &toks);
    attribute::attribute(text, &toks, quoted, entities, groups)
}

/// Everything extraction finds in one article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extraction {
    pub entities: Vec<Entity>,
    pub groups: Vec<EntityGroup>,
    pub quotes: Vec<Quote>,
}

/// Entities, their groups and quotes of one article with the given tagger.
pub fn analyze_with(tagger: &NerTagger, text: &str) -> Extraction {
    let entities = tagger.entities(text);
    let groups = group_mentions(&entities);
    let quotes = extract_quotes(text, &entities, &groups);
    Extraction {
        entities,
        groups,
        quotes,
    }
}

/// [`analyze_with`] the shipped tagger.
pub fn analyze(text: &str) -> Result<Extraction, NerError> {
    Ok(analyze_with(NerTagger::shipped()?, text))
}
