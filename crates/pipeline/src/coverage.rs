//! Feeds the comparison stage with what extraction found: quotes with
//! speakers and dated sentences, for the articles of one story.

use crate::analysis::Analysis;
use parallax_compare::{
    Comparer, Coverage, CoverageInput, DateGranularity, DatedSentence, QuoteKind, QuoteRef,
    SpeakerKind,
};
use parallax_extract::Granularity;
use parallax_model::{Article, MAX_ANALYSED_BYTES};

/// The comparison of one story's articles. `analyses[i]` belongs to
/// `articles[i]`.
///
/// Each article is compared over the opening its analysis covers
/// ([`MAX_ANALYSED_BYTES`]), so a huge text costs no more than that.
pub fn coverage(articles: &[&Article], analyses: &[&Analysis]) -> Coverage {
    let openings: Vec<std::borrow::Cow<'_, Article>> = articles
        .iter()
        .map(|a| a.opening(MAX_ANALYSED_BYTES))
        .collect();
    let inputs: Vec<CoverageInput<'_>> = openings
        .iter()
        .zip(analyses)
        .map(|(article, analysis)| CoverageInput {
            article,
            quotes: Some(quote_refs(analysis)),
            dates: dated_sentences(&article.id, analysis),
        })
        .collect();
    Comparer::shipped().compare(&inputs)
}

fn quote_refs(analysis: &Analysis) -> Vec<QuoteRef> {
    analysis
        .quotes
        .iter()
        .map(|q| QuoteRef {
            text: q.text.clone(),
            span: q.span.clone(),
            sentence: Some(q.sentence.clone()),
            speaker: q.speaker.clone(),
            speaker_kind: q.speaker_kind.map(|k| match k {
                parallax_extract::SpeakerKind::Named | parallax_extract::SpeakerKind::Pronoun => {
                    SpeakerKind::Named
                }
                parallax_extract::SpeakerKind::Unnamed => SpeakerKind::Anonymous,
                parallax_extract::SpeakerKind::Unresolved => SpeakerKind::Unknown,
            }),
            cue: q.cue.clone(),
            direct: q.direct,
            kind: match q.kind {
                parallax_extract::QuoteKind::Speech => QuoteKind::Speech,
                parallax_extract::QuoteKind::Scare => QuoteKind::Scare,
            },
        })
        .collect()
}

fn dated_sentences(article_id: &str, analysis: &Analysis) -> Vec<DatedSentence> {
    analysis
        .timeline
        .iter()
        .filter_map(|event| {
            let value = event.date.value.as_ref()?;
            let granularity = match event.date.granularity {
                Granularity::Day => DateGranularity::Day,
                Granularity::Week => DateGranularity::Week,
                Granularity::Month => DateGranularity::Month,
                Granularity::Year => DateGranularity::Year,
                Granularity::Vague => return None,
            };
            Some(DatedSentence {
                article: article_id.to_string(),
                span: event.sentence.clone(),
                date: value.to_string(),
                granularity,
            })
        })
        .collect()
}
