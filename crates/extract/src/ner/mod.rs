//! Named-entity tagging: people, organisations, places and other names.
//!
//! Two averaged structured perceptrons over BILOU tags with constrained
//! Viterbi decoding, trained on CoNLL-2003 (`examples/train_ner.rs`):
//!
//! 1. a first pass over local features: the word and its neighbours,
//!    prefixes/suffixes, shapes, sentence casing (normal, ALL CAPS, Title
//!    Case), how the article writes the word elsewhere, training-set names
//!    (jackknifed), and first-name/surname lists;
//! 2. a second pass that adds what the first pass found elsewhere in the
//!    same document (how other mentions of a word were tagged, whether a
//!    token sequence was tagged as a name, surnames of full names), trained
//!    on held-out first-pass tags.
//!
//! Measured on the CoNLL-2003 English dev file (epochs chosen on it):
//! entity-level P 93.60 / R 93.34 / F1 93.47 (PER 95.8, ORG 90.2, LOC 95.5,
//! MISC 89.4). The weights ship inside the crate (about 3 MB gzip), so
//! tagging needs no data files and no network.

pub mod clusters;
pub(crate) mod conll;
pub(crate) mod features;
pub(crate) mod model;
pub(crate) mod tags;
pub(crate) mod train;

pub use clusters::{derive_word_clusters, ClusterConfig};
pub use conll::{parse_conll, read_conll, ConllDoc, ConllSentence, Counts, NerScores};
pub use tags::{iob_spans, EntityKind};
pub use train::TrainConfig;

use crate::tokenize::{tokenize, Token};
use crate::NerError;
use model::Model;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The shipped weights, trained by `examples/train_ner.rs`.
static SHIPPED_MODEL: &[u8] = include_bytes!("../../model/ner.bin.gz");

/// A named entity found in text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    /// The entity as written: `input[span]`.
    pub text: String,
    pub kind: EntityKind,
    /// Byte range in the tagged input.
    pub span: Range<usize>,
}

/// Words that open a sentence capitalised and that the tagger sometimes
/// takes into the name that follows (`Although Williamson`); never the
/// first word of a name in news text.
const SENTENCE_OPENERS: &[&str] = &[
    "Although",
    "Though",
    "But",
    "However",
    "When",
    "Whenever",
    "While",
    "Whilst",
    "After",
    "Before",
    "If",
    "As",
    "Because",
    "Since",
    "Yet",
    "And",
    "Or",
    "So",
    "Then",
    "Meanwhile",
    "Still",
    "Also",
    "Despite",
    "Unlike",
    "Until",
    "Once",
    "Where",
    "Why",
    "How",
    "Whether",
    "Even",
    "Only",
    "Now",
    "Thus",
    "Instead",
    "Indeed",
    "Nevertheless",
    "Nonetheless",
    "Moreover",
    "Furthermore",
    "Besides",
    "Last",
    "Earlier",
    "Later",
    "Asked",
    "Says",
    "Said",
];

/// A loaded tagger. Cheap to share: tagging takes `&self`.
pub struct NerTagger {
    model: Model,
}

impl NerTagger {
    /// The tagger whose weights ship with the crate, loaded on first use.
    pub fn shipped() -> Result<&'static NerTagger, NerError> {
        static TAGGER: OnceLock<Result<NerTagger, String>> = OnceLock::new();
        TAGGER
            .get_or_init(|| NerTagger::from_bytes(SHIPPED_MODEL).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| NerError::Model(format!("shipped NER model: {e}")))
    }

    /// Loads weights in the format written by [`NerTagger::to_bytes`].
    pub fn from_bytes(gz: &[u8]) -> Result<NerTagger, NerError> {
        Ok(NerTagger {
            model: Model::from_bytes(gz)?,
        })
    }

    /// Reads a weights file.
    pub fn load(path: &Path) -> Result<NerTagger, NerError> {
        let bytes =
            std::fs::read(path).map_err(|e| NerError::Io(format!("{}: {e}", path.display())))?;
        NerTagger::from_bytes(&bytes)
    }

    /// Serialises the weights (gzip). `prune` drops weights smaller than this
    /// fraction of the largest one.
    pub fn to_bytes(&self, prune: f32) -> Result<Vec<u8>, NerError> {
        self.model.to_bytes(prune)
    }

    /// Number of features with weights.
    pub fn feature_count(&self) -> usize {
        self.model.feature_count()
    }

    /// Entities in running English text (one article or any passage), with
    /// byte spans into `text`. The whole text is tagged as one document, so
    /// pass an article at a time: how a word is written elsewhere in the
    /// article informs the decision.
    pub fn entities(&self, text: &str) -> Vec<Entity> {
        let sentences = tokenize(text);
        self.entities_in_tokens(text, &sentences)
    }

    /// Entities over sentences already tokenised from `text` (see
    /// [`crate::tokenize::tokenize`]); spans are the tokens' spans.
    pub fn entities_in_tokens(&self, text: &str, sentences: &[Vec<Token<'_>>]) -> Vec<Entity> {
        let words: Vec<Vec<&str>> = sentences
            .iter()
            .map(|s| s.iter().map(|t| t.text).collect())
            .collect();
        let mut out = Vec::new();
        for (sent, spans) in sentences.iter().zip(self.tag_tokens(&words)) {
            for (mut range, kind) in spans {
                // `Although Williamson …`: a capitalised conjunction or adverb
                // opening the sentence is not part of the name after it.
                if range.start == 0
                    && range.len() > 1
                    && sent
                        .first()
                        .is_some_and(|t| SENTENCE_OPENERS.contains(&t.text))
                {
                    range.start += 1;
                }
                let (Some(first), Some(last)) = (sent.get(range.start), sent.get(range.end - 1))
                else {
                    continue;
                };
                let span = first.span.start..last.span.end;
                out.push(Entity {
                    text: text.get(span.clone()).unwrap_or_default().to_string(),
                    kind,
                    span,
                });
            }
        }
        out
    }

    /// Entity token spans for each sentence of a pre-tokenised document.
    pub fn tag_tokens<S: AsRef<str>>(
        &self,
        doc: &[Vec<S>],
    ) -> Vec<Vec<(Range<usize>, EntityKind)>> {
        self.model
            .tag_doc(doc)
            .iter()
            .zip(doc)
            .map(|(tags, words)| honorifics_mark_people(words, tags::bilou_spans(tags)))
            .collect()
    }

    /// CoNLL entity-level scores of this tagger on labelled documents.
    pub fn evaluate(&self, docs: &[ConllDoc]) -> NerScores {
        let mut scores = NerScores::default();
        for d in docs {
            let predicted = self.tag_tokens(&d.words());
            for (s, p) in d.sentences.iter().zip(predicted) {
                scores.add_iob(&s.labels, &p);
            }
        }
        scores
    }

    /// Trains a tagger (see [`TrainConfig`]); returns it with its dev scores.
    /// `clusters` maps lower-cased words to word-cluster ids, `person_names`
    /// lower-cased names to a first-name (1) / surname (2) mask; both may be
    /// empty.
    pub fn train(
        train: &[ConllDoc],
        dev: &[ConllDoc],
        clusters: &HashMap<String, [u16; 3]>,
        person_names: &HashMap<String, u8>,
        config: &TrainConfig,
        log: impl FnMut(&str),
    ) -> Result<(NerTagger, NerScores), NerError> {
        let (model, scores) = train::train(train, dev, clusters, person_names, config, log)?;
        Ok((NerTagger { model }, scores))
    }
}

/// `Mr`, `Mrs`, `Ms`, `Dr`, `Prof` (with or without a period).
fn is_honorific(word: &str) -> bool {
    matches!(
        word.trim_end_matches('.').to_lowercase().as_str(),
        "mr" | "mrs" | "ms" | "mx" | "dr" | "prof"
    )
}

/// A name right after `Mr`/`Mrs`/`Ms`/`Dr`/`Prof` is a person, and the title
/// is not part of the name (the CoNLL convention). The 1996 training news
/// hardly ever writes `Mr`, while today's British and American papers do it
/// constantly, so the tagger alone tends to mis-type these names.
fn honorifics_mark_people<S: AsRef<str>>(
    words: &[S],
    spans: Vec<(Range<usize>, EntityKind)>,
) -> Vec<(Range<usize>, EntityKind)> {
    spans
        .into_iter()
        .map(|(range, kind)| {
            let starts_with_title = words
                .get(range.start)
                .is_some_and(|w| is_honorific(w.as_ref()));
            if starts_with_title && range.len() >= 2 {
                return (range.start + 1..range.end, EntityKind::Person);
            }
            let after_title = range.start > 0
                && words
                    .get(range.start - 1)
                    .is_some_and(|w| is_honorific(w.as_ref()));
            if after_title {
                return (range, EntityKind::Person);
            }
            (range, kind)
        })
        .collect()
}

/// Where training data lives; see [`train_from_files`].
#[derive(Debug, Clone)]
pub struct TrainFiles {
    /// CoNLL training file.
    pub train: PathBuf,
    /// CoNLL file for choosing epochs and reporting scores.
    pub dev: PathBuf,
    /// Folders of unlabelled plain-text news for word clusters (every file
    /// in each), used when `clusters` is on.
    pub unlabelled: Vec<PathBuf>,
    /// Folder with person-name lists in the US Census 1990 format (as in the
    /// PyPI package `names` 0.3.0: `dist.male.first`, `dist.female.first`,
    /// `dist.all.last`; one name a line, most frequent first, public-domain
    /// data). Gives the tagger first-name/surname features for names that
    /// never occur in the training news. `None`: no name features.
    pub person_names: Option<PathBuf>,
    /// Derive and use word clusters. Off by default: on CoNLL dev they
    /// were within noise (+0.4 F1 in the two-pass model, ±0.1 in one pass),
    /// while on the PolNeAR election articles they doubled the share of
    /// `Trump`/`Clinton`-style mentions tagged as organisations (3.8% →
    /// 7.5%), the kind of error users of this tool would see most.
    pub clusters: bool,
}

impl TrainFiles {
    /// The standard layout under the shared data folder (`../shared`):
    /// CoNLL-2003 train/dev, and the PolNeAR article texts as unlabelled news.
    pub fn in_shared(shared: &Path) -> TrainFiles {
        let data = shared.join("data");
        TrainFiles {
            train: data.join("conll2003/train.txt"),
            dev: data.join("conll2003/dev.txt"),
            unlabelled: ["train", "dev"]
                .iter()
                .map(|split| data.join("polnear").join(split).join("text"))
                .filter(|d| d.is_dir())
                .collect(),
            person_names: None,
            clusters: false,
        }
    }
}

/// Trains a tagger from files: reads the CoNLL data, derives word clusters
/// from the training tokens plus the unlabelled texts, then trains (see
/// [`TrainConfig`]). Deterministic: the same inputs give the same bytes.
/// `log` receives progress lines.
pub fn train_from_files(
    files: &TrainFiles,
    config: &TrainConfig,
    mut log: impl FnMut(&str),
) -> Result<(NerTagger, NerScores), NerError> {
    let train_docs = read_conll(&files.train)?;
    let dev_docs = read_conll(&files.dev)?;
    let mut clusters = HashMap::new();
    if files.clusters {
        let mut sentences: Vec<Vec<String>> = train_docs
            .iter()
            .flat_map(|d| d.sentences.iter().map(|s| s.words.clone()))
            .collect();
        let mut paths: Vec<PathBuf> = Vec::new();
        for dir in &files.unlabelled {
            let entries = std::fs::read_dir(dir)
                .map_err(|e| NerError::Io(format!("{}: {e}", dir.display())))?;
            for entry in entries {
                paths.push(entry?.path());
            }
        }
        paths.sort();
        for p in &paths {
            let bytes =
                std::fs::read(p).map_err(|e| NerError::Io(format!("{}: {e}", p.display())))?;
            let text = String::from_utf8_lossy(&bytes);
            for s in tokenize(&text) {
                sentences.push(s.iter().map(|t| t.text.to_string()).collect());
            }
        }
        clusters = derive_word_clusters(&sentences, &ClusterConfig::default());
        log(&format!(
            "{} word clusters from {} sentences ({} unlabelled files)",
            clusters.len(),
            sentences.len(),
            paths.len()
        ));
    }
    let mut person_names = HashMap::new();
    if let Some(dir) = &files.person_names {
        person_names = read_census_names(dir)?;
        log(&format!("{} person-name list entries", person_names.len()));
    }
    NerTagger::train(
        &train_docs,
        &dev_docs,
        &clusters,
        &person_names,
        config,
        log,
    )
}

/// Surnames beyond this frequency rank are left out: the rare ones are
/// mostly also ordinary words or too rare to matter.
const SURNAME_LIMIT: usize = 20_000;

/// Reads Census-format name lists (see [`TrainFiles::person_names`]) into
/// lower-case name → first-name/surname bit mask.
fn read_census_names(dir: &Path) -> Result<HashMap<String, u8>, NerError> {
    let mut names: HashMap<String, u8> = HashMap::new();
    for (file, mask, limit) in [
        ("dist.male.first", features::FIRST_NAME, usize::MAX),
        ("dist.female.first", features::FIRST_NAME, usize::MAX),
        ("dist.all.last", features::SURNAME, SURNAME_LIMIT),
    ] {
        let path = dir.join(file);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| NerError::Io(format!("{}: {e}", path.display())))?;
        for line in text.lines().take(limit) {
            if let Some(name) = line.split_whitespace().next() {
                *names.entry(name.to_lowercase()).or_insert(0) |= mask;
            }
        }
    }
    Ok(names)
}

/// Entities in `text` with the shipped tagger.
pub fn extract_entities(text: &str) -> Result<Vec<Entity>, NerError> {
    Ok(NerTagger::shipped()?.entities(text))
}

/// Scores the shipped tagger on a CoNLL file (entity-level, exact span and
/// type); `Display` the result for the usual table.
pub fn eval_conll(path: &Path) -> Result<NerScores, NerError> {
    let docs = read_conll(path)?;
    Ok(NerTagger::shipped()?.evaluate(&docs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn honorifics_make_people_and_drop_out_of_the_span() {
        let words = ["Mr.", "Trump", "met", "Dr", "Smith", "and", "Mrs", "May"];
        let spans = vec![
            (0..2, EntityKind::Organization),
            (4..5, EntityKind::Location),
            (7..8, EntityKind::Person),
        ];
        assert_eq!(
            honorifics_mark_people(&words, spans),
            vec![
                (1..2, EntityKind::Person),
                (4..5, EntityKind::Person),
                (7..8, EntityKind::Person),
            ]
        );
        let lone = vec![(0..1, EntityKind::Person)];
        assert_eq!(honorifics_mark_people(&["Dr."], lone.clone()), lone);
    }

    #[test]
    fn census_name_lists_merge_and_limit() {
        let dir = std::env::temp_dir().join(format!("parallax-names-{}", std::process::id()));
        std::fs::create_dir_all(&dir).ok();
        let write = |f: &str, body: &str| std::fs::write(dir.join(f), body).ok();
        write(
            "dist.male.first",
            "JAMES          3.318  3.318      1\nDONALD 0.9 28.0 15\n",
        );
        write("dist.female.first", "MARY 2.6 2.6 1\n");
        write("dist.all.last", "SMITH 1.0 1.0 1\nDONALD 0.005 54.6 2477\n");
        let names = read_census_names(&dir).unwrap_or_default();
        assert_eq!(names.get("james"), Some(&features::FIRST_NAME));
        assert_eq!(names.get("smith"), Some(&features::SURNAME));
        assert_eq!(
            names.get("donald"),
            Some(&(features::FIRST_NAME | features::SURNAME))
        );
        assert_eq!(names.len(), 4);
        std::fs::remove_dir_all(&dir).ok();
        assert!(matches!(read_census_names(&dir), Err(NerError::Io(_))));
    }
}
