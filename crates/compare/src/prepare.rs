//! Per-article preparation shared by every part of the comparison:
//! sentences, words, quotes and which words sit inside quotation marks.

use crate::lexicon::Lexicon;
use crate::text::{block_ranges, split_sentences, words, Word};
use crate::{CoverageInput, DatedSentence, QuoteRef};
use parallax_model::Article;
use std::ops::Range;

pub(crate) struct Prepared<'a> {
    pub article: &'a Article,
    pub sentences: Vec<Range<usize>>,
    pub words: Vec<Word>,
    /// Per sentence, its range of indices into `words`.
    pub sentence_words: Vec<Range<usize>>,
    /// Quotes sorted by start, each with its sentence filled in.
    pub quotes: Vec<QuoteRef>,
    pub dates: Vec<DatedSentence>,
    /// Per word, the index of the quote containing it.
    pub quote_of_word: Vec<Option<usize>>,
}

impl Prepared<'_> {
    /// Index of the sentence containing byte `at`.
    pub fn sentence_at(&self, at: usize) -> Option<usize> {
        let i = self.sentences.partition_point(|s| s.end <= at);
        self.sentences.get(i).filter(|s| s.start <= at).map(|_| i)
    }

    /// Index of the sentence overlapping `span` most (its start's sentence,
    /// or the next one when the start falls between sentences).
    pub fn sentence_for(&self, span: &Range<usize>) -> Option<usize> {
        self.sentence_at(span.start).or_else(|| {
            let i = self.sentences.partition_point(|s| s.end <= span.start);
            self.sentences
                .get(i)
                .filter(|s| s.start < span.end)
                .map(|_| i)
        })
    }

    pub fn id(&self) -> &str {
        &self.article.id
    }

    pub fn slice(&self, r: &Range<usize>) -> &str {
        self.article.text.get(r.clone()).unwrap_or("")
    }

    /// Word indices of a byte range.
    pub fn words_in(&self, r: &Range<usize>) -> Range<usize> {
        let a = self.words.partition_point(|w| w.span.start < r.start);
        let b = self.words.partition_point(|w| w.span.end <= r.end);
        a..b.max(a)
    }
}

/// Map `f` over index ranges covering `0..n` on all cores (when `n` is at
/// least `min_parallel`), concatenating the results in order.
pub(crate) fn par_ranges<R: Send>(
    n: usize,
    min_parallel: usize,
    f: impl Fn(Range<usize>) -> Vec<R> + Sync,
) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map(|t| t.get())
        .unwrap_or(1)
        .min(16);
    if threads < 2 || n < min_parallel {
        return f(0..n);
    }
    let chunk = n.div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..n)
            .step_by(chunk)
            .map(|start| scope.spawn(move || f(start..(start + chunk).min(n))))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| match h.join() {
                Ok(v) => v,
                // A panicking worker is a bug; re-raise it rather than
                // silently dropping work.
                Err(e) => std::panic::resume_unwind(e),
            })
            .collect()
    })
}

pub(crate) fn prepare_all<'a>(
    inputs: &[CoverageInput<'a>],
    lexicon: &Lexicon,
    notes: &mut Vec<String>,
) -> Vec<Prepared<'a>> {
    // Articles are independent: large stories are prepared on all cores.
    let results: Vec<(Prepared<'a>, bool, usize)> = par_ranges(inputs.len(), 64, |r| {
        inputs[r].iter().map(|i| prepare_one(i, lexicon)).collect()
    });
    let mut fallback = 0usize;
    let mut dropped = 0usize;
    let mut out = Vec::with_capacity(results.len());
    for (p, used_fallback, d) in results {
        fallback += used_fallback as usize;
        dropped += d;
        out.push(p);
    }
    if fallback > 0 {
        notes.push(format!(
            "quotes for {fallback} article(s) came from the built-in fallback finder (quotation marks and nearby speech verbs), not the quote extractor"
        ));
    }
    if dropped > 0 {
        notes.push(format!(
            "{dropped} quote(s) with spans outside their article's text were ignored"
        ));
    }
    out
}

/// Sentences, words and quotes of one article; also whether the fallback
/// quote finder ran and how many supplied quotes were dropped.
fn prepare_one<'a>(input: &CoverageInput<'a>, lexicon: &Lexicon) -> (Prepared<'a>, bool, usize) {
    let article = input.article;
    let text = article.text.as_str();
    let mut sentences = Vec::new();
    for block in block_ranges(text, &article.blocks) {
        sentences.extend(split_sentences(text, block));
    }
    sentences.sort_by_key(|s| s.start);
    sentences.dedup_by(|b, a| b.start < a.end);
    let mut all_words = Vec::new();
    let mut sentence_words = Vec::with_capacity(sentences.len());
    for s in &sentences {
        let start = all_words.len();
        all_words.extend(words(text, s.clone(), &lexicon.spelling));
        sentence_words.push(start..all_words.len());
    }
    let mut quotes = match &input.quotes {
        Some(q) => q.clone(),
        None => {
            let mut q = crate::quotes::find_quotes_fallback(text, &sentences, lexicon);
            q.extend(crate::quotes::block_quotes_fallback(
                text,
                &article.blocks,
                &sentences,
                &q,
                lexicon,
            ));
            q
        }
    };
    let before = quotes.len();
    quotes.retain(|q| q.span.start < q.span.end && text.get(q.span.clone()).is_some());
    let dropped = before - quotes.len();
    quotes.sort_by_key(|q| q.span.start);
    let mut prepared = Prepared {
        article,
        sentences,
        words: all_words,
        sentence_words,
        quotes: Vec::new(),
        dates: input
            .dates
            .iter()
            .filter(|d| d.article == article.id && text.get(d.span.clone()).is_some())
            .cloned()
            .collect(),
        quote_of_word: Vec::new(),
    };
    for q in &mut quotes {
        if q.sentence.is_none() {
            q.sentence = prepared
                .sentence_for(&q.span)
                .map(|i| prepared.sentences[i].clone());
        }
    }
    let mut quote_of_word = vec![None; prepared.words.len()];
    // Only words inside quotation marks are someone else's words; reported
    // speech is the writer's wording.
    for (qi, q) in quotes.iter().enumerate().filter(|(_, q)| q.direct) {
        for slot in &mut quote_of_word[prepared.words_in(&q.span)] {
            *slot = Some(qi);
        }
    }
    prepared.quotes = quotes;
    prepared.quote_of_word = quote_of_word;
    (prepared, input.quotes.is_none(), dropped)
}
