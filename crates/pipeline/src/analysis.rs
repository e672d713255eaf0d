//! Per-article extraction as the JSON outputs show it: entities with their
//! mentions, temporal expressions, and the dated-sentence timeline. Every
//! item carries its byte span in `Article.text` and the span of the sentence
//! it came from, so the UI can always show the source sentence.

use parallax_extract::tokenize::Token;
use parallax_extract::{
    extract_tokens, find_dates, join_across, parse_published, timeline_from_parts, tokenize,
    EntityGroup, EntityKind, Event, NerError, QuoteKind, SpeakerKind, TemporalExpr,
};
use parallax_model::{text_opening, Article, MAX_ANALYSED_BYTES};
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// One mention of an entity.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Mention {
    pub text: String,
    pub span: Range<usize>,
    pub sentence: Range<usize>,
}

/// One entity of an article with all its mentions joined (`Williamson`,
/// `Chris Williamson`, `Mr Williamson`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EntityView {
    /// Canonical name: the fullest form used in the article.
    pub name: String,
    pub kind: EntityKind,
    pub mentions: Vec<Mention>,
    /// Titles and roles stated next to the name (`Labour MP`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    /// The corpus-wide entity this one belongs to (see [`link_corpus_entities`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub corpus_id: Option<String>,
}

/// One entity across all analysed articles.
#[derive(Debug, Clone, Serialize)]
pub struct CorpusEntityView {
    pub id: String,
    pub name: String,
    pub kind: EntityKind,
    /// Ids of the articles that mention it.
    pub articles: Vec<String>,
    pub mentions: usize,
}

/// Join the entities of many articles (`Williamson` in one, `Chris
/// Williamson` in another) and mark each article's entity with its
/// corpus-wide id.
pub fn link_corpus_entities(
    articles: &[Article],
    analyses: &mut [Analysis],
) -> Vec<CorpusEntityView> {
    let groups: Vec<Vec<EntityGroup>> = analyses
        .iter()
        .map(|a| {
            a.entities
                .iter()
                .map(|e| EntityGroup {
                    name: e.name.clone(),
                    kind: e.kind,
                    mentions: Vec::new(),
                })
                .collect()
        })
        .collect();
    let refs: Vec<&[EntityGroup]> = groups.iter().map(Vec::as_slice).collect();
    let joined = join_across(&refs);
    let mut views = Vec::with_capacity(joined.len());
    for entity in joined {
        let mut ids: Vec<String> = Vec::new();
        let mut mentions = 0;
        for &(doc, group) in &entity.groups {
            if let Some(view) = analyses
                .get_mut(doc)
                .and_then(|a| a.entities.get_mut(group))
            {
                view.corpus_id = Some(entity.id.clone());
                mentions += view.mentions.len();
            }
            if let Some(article) = articles.get(doc) {
                if !ids.contains(&article.id) {
                    ids.push(article.id.clone());
                }
            }
        }
        views.push(CorpusEntityView {
            id: entity.id,
            name: entity.name,
            kind: entity.kind,
            articles: ids,
            mentions,
        });
    }
    views.sort_by(|a, b| {
        b.articles
            .len()
            .cmp(&a.articles.len())
            .then(b.mentions.cmp(&a.mentions))
    });
    views
}

/// What extraction found in one article.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Analysis {
    pub entities: Vec<EntityView>,
    /// Temporal expressions, resolved against the article's own date.
    pub dates: Vec<TemporalExpr>,
    /// Dated sentences: date, sentence, entities in it, main verb.
    pub timeline: Vec<Event>,
    /// Direct and reported speech with speakers, and the narrator's scare quotes.
    pub quotes: Vec<QuoteView>,
    /// Why this analysis covers less than the whole article (a text past
    /// [`MAX_ANALYSED_BYTES`], more items than a page can show, an
    /// extractor failure). Empty for a complete analysis.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub degraded: Vec<String>,
}

/// One quote as the JSON outputs show it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct QuoteView {
    pub text: String,
    pub span: Range<usize>,
    pub sentence: Range<usize>,
    /// `speech`, or `scare` for the narrator's quoted terms.
    pub kind: QuoteKind,
    pub direct: bool,
    /// Canonical entity name, or the unnamed source as described
    /// (`a Labour source`); absent when nobody could be attributed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speaker: Option<String>,
    /// `named`, `pronoun`, `unnamed` or `unresolved`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speaker_kind: Option<SpeakerKind>,
    /// Where the speaker is written next to the cue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speaker_span: Option<Range<usize>>,
    /// The reporting verb (`said`, `wrote`, `claimed`, `tweeted`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cue: Option<String>,
    /// For a quote left unattributed on weak evidence: the name the
    /// evidence pointed to, a hint only (never the speaker).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub candidate: Option<String>,
}

/// Distinct roles kept per entity: a name repeated thousands of times with
/// its title would otherwise list every variant.
const MAX_ROLES: usize = 16;

/// Sentence byte ranges of `text`, in order.
pub fn sentence_spans(text: &str) -> Vec<Range<usize>> {
    spans_of(&tokenize::tokenize(text))
}

fn spans_of(sentences: &[Vec<Token<'_>>]) -> Vec<Range<usize>> {
    sentences
        .iter()
        .filter_map(|s| Some(s.first()?.span.start..s.last()?.span.end))
        .collect()
}

/// The sentence containing byte `at`, or an empty range at `at`.
fn sentence_of(sentences: &[Range<usize>], at: usize) -> Range<usize> {
    let i = sentences.partition_point(|s| s.end <= at);
    match sentences.get(i) {
        Some(s) if s.start <= at => s.clone(),
        _ => at..at,
    }
}

/// Most quotes, dates and timeline events kept per article: a real article
/// has tens; a text of thousands is repetitive junk, and keeping them all
/// would make its stored analysis and every story it joins huge.
pub const MAX_ITEMS: usize = 1_000;

fn mib(bytes: usize) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// Run extraction on one clean article. The text is tokenised once and its
/// dates found once; the entities, the sentence spans and the timeline all
/// share them.
///
/// The work is bounded per article: at most [`MAX_ANALYSED_BYTES`] of text
/// are read, at most [`MAX_ITEMS`] quotes, dates and events kept, and a
/// panic inside an extractor gives an empty analysis that says why instead
/// of failing the batch. Only a missing tagger model is an error.
pub fn analyze_article(article: &Article) -> Result<Analysis, NerError> {
    // Load the model outside the guarded call: its absence is the one
    // failure that concerns every article, not this one.
    parallax_extract::NerTagger::shipped()?;
    let text = text_opening(&article.text, MAX_ANALYSED_BYTES);
    let guarded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        analyze_text(text, article.published.as_deref())
    }));
    let mut analysis = match guarded {
        Ok(result) => result?,
        Err(panic) => {
            let why = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown cause".to_string());
            Analysis {
                entities: Vec::new(),
                dates: Vec::new(),
                timeline: Vec::new(),
                quotes: Vec::new(),
                degraded: vec![format!(
                    "extraction failed on this article ({why}); nothing was extracted"
                )],
            }
        }
    };
    if text.len() < article.text.len() {
        analysis.degraded.insert(
            0,
            format!(
                "the text is {}: entities, quotes and dates cover its first {} only",
                mib(article.text.len()),
                mib(text.len())
            ),
        );
    }
    for (what, len) in [
        ("quotes", analysis.quotes.len()),
        ("dates", analysis.dates.len()),
        ("dated events", analysis.timeline.len()),
    ] {
        if len > MAX_ITEMS {
            analysis.degraded.push(format!(
                "{len} {what} found: the first {MAX_ITEMS} are kept"
            ));
        }
    }
    analysis.quotes.truncate(MAX_ITEMS);
    analysis.dates.truncate(MAX_ITEMS);
    analysis.timeline.truncate(MAX_ITEMS);
    Ok(analysis)
}

fn analyze_text(text: &str, published: Option<&str>) -> Result<Analysis, NerError> {
    let published = published.and_then(parse_published);
    let tokens = tokenize::tokenize(text);
    let extraction = extract_tokens(text, &tokens)?;
    let sentences = spans_of(&tokens);
    let dates = find_dates(text, published);
    let timeline = timeline_from_parts(text, &tokens, &dates, &extraction.entities);
    // Roles by the group of the mention they were stated for, in text
    // order, each once: one pass over the roles, not groups × roles.
    let mut group_of: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    for (g, group) in extraction.groups.iter().enumerate() {
        for &m in &group.mentions {
            group_of.entry(m).or_insert(g);
        }
    }
    let mut roles_of: Vec<Vec<String>> = vec![Vec::new(); extraction.groups.len()];
    for role in &extraction.roles {
        if let Some(roles) = group_of
            .get(&role.entity)
            .and_then(|&g| roles_of.get_mut(g))
        {
            if !roles.contains(&role.text) && roles.len() < MAX_ROLES {
                roles.push(role.text.clone());
            }
        }
    }
    let entities = extraction
        .groups
        .iter()
        .zip(roles_of)
        .map(|(group, roles)| EntityView {
            name: group.name.clone(),
            kind: group.kind,
            mentions: group
                .mentions
                .iter()
                .filter_map(|&i| extraction.entities.get(i))
                .map(|e| Mention {
                    text: e.text.clone(),
                    span: e.span.clone(),
                    sentence: sentence_of(&sentences, e.span.start),
                })
                .collect(),
            roles,
            corpus_id: None,
        })
        .collect();
    let quotes = extraction
        .quotes
        .iter()
        .map(|q| QuoteView {
            text: q.text.clone(),
            span: q.span.clone(),
            sentence: q.sentence.clone(),
            kind: q.kind,
            direct: q.direct,
            speaker: q.speaker.as_ref().map(|s| s.name.clone()),
            speaker_kind: q.speaker.as_ref().map(|s| s.kind),
            speaker_span: q.speaker.as_ref().map(|s| s.span.clone()),
            cue: q.cue.clone(),
            candidate: q.candidate.clone(),
        })
        .collect();
    Ok(Analysis {
        quotes,
        entities,
        dates,
        timeline,
        degraded: Vec::new(),
    })
}
