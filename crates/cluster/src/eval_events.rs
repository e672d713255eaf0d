//! Evaluation of the story engine's events against labelled article sets.
//!
//! The input is one JSON object a line (`id`, `text`, optional `title`,
//! `date` as `YYYY-MM-DD…`, `outlet`) and a JSON object mapping article ids
//! to their gold event. This is the shape of the ECB+ and NeuS dev sets in
//! `../shared/data/events/`. Articles are pushed into a [`StoryEngine`] one
//! at a time in file order, as a stream: the engine is told neither the
//! number of events nor anything about the labels.

use crate::eval::json_scalar as scalar;
use crate::eval::EvalError;
use crate::metrics::{score_partition, PartitionScores};
use crate::stories::{leading_date, StoryConfig, StoryEngine, StoryInput};
use parallax_embed::StaticEmbeddings;
use rustc_hash::FxHashMap;
use serde::Deserialize;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Deserialize)]
struct ArticleLine {
    id: serde_json::Value,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    outlet: Option<String>,
}

/// Articles of a labelled set with their gold events, in file order.
#[derive(Debug, Clone, Default)]
pub struct LabelledArticles {
    pub inputs: Vec<StoryInput>,
    pub gold: Vec<String>,
    /// Lines whose id has no label (left out of the evaluation).
    pub unlabelled: usize,
}

fn read(path: &Path) -> Result<String, EvalError> {
    std::fs::read_to_string(path).map_err(|source| EvalError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Reads `articles` (JSONL) and `labels` (`{id: event}`); malformed lines
/// are errors naming the line. Articles without a label are counted, not
/// scored.
pub fn load_labelled_articles(
    articles: &Path,
    labels: &Path,
) -> Result<LabelledArticles, EvalError> {
    let label_text = read(labels)?;
    let labels_map: FxHashMap<String, serde_json::Value> = serde_json::from_str(&label_text)
        .map_err(|e| EvalError::Parse {
            path: labels.to_path_buf(),
            line: e.line(),
            message: format!("expected an object of id → event: {e}"),
        })?;
    let text = read(articles)?;
    let mut out = LabelledArticles::default();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let parse_error = |message: String| EvalError::Parse {
            path: articles.to_path_buf(),
            line: number + 1,
            message,
        };
        let record: ArticleLine =
            serde_json::from_str(line).map_err(|e| parse_error(e.to_string()))?;
        let id = scalar(&record.id)
            .ok_or_else(|| parse_error("`id` must be a string or number".into()))?;
        let Some(gold) = labels_map.get(&id).and_then(scalar) else {
            out.unlabelled += 1;
            continue;
        };
        let date = record.date.as_deref().and_then(leading_date);
        out.inputs.push(StoryInput {
            id,
            title: record.title.filter(|t| !t.trim().is_empty()),
            text: record.text.unwrap_or_default(),
            date,
            outlet: record.outlet,
            entities: Vec::new(),
        });
        out.gold.push(gold);
    }
    if out.inputs.is_empty() {
        return Err(EvalError::Empty {
            path: articles.to_path_buf(),
        });
    }
    Ok(out)
}

/// Where the labels of `articles` are when not named: `NAME_labels.json`
/// beside `NAME.jsonl`, as in `../shared/data/events/`.
pub fn default_labels_path(articles: &Path) -> PathBuf {
    let stem = articles
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("events");
    articles.with_file_name(format!("{stem}_labels.json"))
}

/// Events and stories of one run against the gold events.
#[derive(Debug, Clone, PartialEq)]
pub struct EventsReport {
    /// The engine's events against the gold events.
    pub events: PartitionScores,
    /// The engine's stories (arcs of events) against the gold events.
    pub stories: PartitionScores,
    /// Found events holding a single article.
    pub single_article_events: usize,
    pub seconds: f64,
    pub unlabelled: usize,
}

impl fmt::Display for EventsReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = &self.events;
        writeln!(
            f,
            "{} articles, {} gold events{}",
            e.items,
            e.gold_clusters,
            if self.unlabelled > 0 {
                format!(" ({} unlabelled lines skipped)", self.unlabelled)
            } else {
                String::new()
            }
        )?;
        writeln!(
            f,
            "events:  {} found ({} single-article)  B-cubed {}  NMI {:.4}",
            e.predicted_clusters, self.single_article_events, e.bcubed, e.nmi
        )?;
        let s = &self.stories;
        writeln!(
            f,
            "stories: {} found  B-cubed {}  NMI {:.4}",
            s.predicted_clusters, s.bcubed, s.nmi
        )?;
        write!(
            f,
            "time {:.2} s ({:.0} articles/s, one stream, k not given)",
            self.seconds,
            e.items as f64 / self.seconds.max(1e-9)
        )
    }
}

/// Pushes the articles into a fresh engine in order and scores its events
/// and stories. `None` when the set is empty or the settings are invalid.
pub fn evaluate_events(set: &LabelledArticles, config: &StoryConfig) -> Option<EventsReport> {
    evaluate_events_with(set, config, StaticEmbeddings::builtin())
}

/// [`evaluate_events`] with another embedding table (or none).
pub fn evaluate_events_with(
    set: &LabelledArticles,
    config: &StoryConfig,
    table: Option<&'static StaticEmbeddings>,
) -> Option<EventsReport> {
    evaluate(set, config, table, None)
}

/// [`evaluate_events`] with each article's dense vector given (by id) from
/// an encoder run outside, to compare it with the table's.
pub fn evaluate_events_embedded(
    set: &LabelledArticles,
    config: &StoryConfig,
    vectors: &FxHashMap<String, Vec<f32>>,
) -> Option<EventsReport> {
    evaluate(set, config, None, Some(vectors))
}

fn evaluate(
    set: &LabelledArticles,
    config: &StoryConfig,
    table: Option<&'static StaticEmbeddings>,
    vectors: Option<&FxHashMap<String, Vec<f32>>>,
) -> Option<EventsReport> {
    let start = Instant::now();
    let mut engine = StoryEngine::with_embeddings(config.clone(), table).ok()?;
    match vectors {
        None => {
            engine.extend(&set.inputs);
        }
        Some(vectors) => {
            for input in &set.inputs {
                match vectors.get(&input.id) {
                    Some(v) => engine.push_embedded(input, v),
                    None => engine.push(input),
                };
            }
        }
    }
    let stories = engine.stories();
    let seconds = start.elapsed().as_secs_f64();
    let mut event_of: FxHashMap<&str, usize> = FxHashMap::default();
    let mut story_of: FxHashMap<&str, usize> = FxHashMap::default();
    let mut events = 0usize;
    let mut single = 0usize;
    for (s, story) in stories.iter().enumerate() {
        for event in &story.events {
            if event.articles.len() == 1 {
                single += 1;
            }
            for a in &event.articles {
                event_of.insert(a.as_str(), events);
                story_of.insert(a.as_str(), s);
            }
            events += 1;
        }
    }
    // An article the engine did not report (it never drops one) would be
    // its own event; counting it so keeps the scores honest.
    let mut extra = events + stories.len();
    let mut label = |map: &FxHashMap<&str, usize>, id: &str| {
        map.get(id).copied().unwrap_or_else(|| {
            extra += 1;
            extra
        })
    };
    let predicted_events: Vec<usize> = set.inputs.iter().map(|i| label(&event_of, &i.id)).collect();
    let predicted_stories: Vec<usize> =
        set.inputs.iter().map(|i| label(&story_of, &i.id)).collect();
    Some(EventsReport {
        events: score_partition(&predicted_events, &set.gold)?,
        stories: score_partition(&predicted_stories, &set.gold)?,
        single_article_events: single,
        seconds,
        unlabelled: set.unlabelled,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn scores_a_small_labelled_set() {
        let dir = std::env::temp_dir().join(format!("parallax-eval-events-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let flood = "Floodwaters rose in Brackenford overnight as the Lune river broke its banks, \
                     and the Brackenford council opened two shelters for families.";
        let vote = "The Tallowmere assembly voted on the harbour levy on Tuesday, with the levy \
                    passing by four votes after a long Tallowmere debate.";
        let lines = format!(
            "{{\"id\": \"a\", \"text\": \"{flood}\"}}\n{{\"id\": \"b\", \"title\": \"Brackenford floods\", \"text\": \"{flood} More rain is due.\"}}\n\
             {{\"id\": \"c\", \"text\": \"{vote}\"}}\n{{\"id\": 4, \"text\": \"no label\"}}\n"
        );
        let articles = write(&dir, "a.jsonl", &lines);
        let labels = write(
            &dir,
            "l.json",
            r#"{"a": "flood", "b": "flood", "c": "vote"}"#,
        );
        let set = load_labelled_articles(&articles, &labels).unwrap();
        assert_eq!(set.inputs.len(), 3);
        assert_eq!(set.unlabelled, 1);
        let report = evaluate_events(&set, &StoryConfig::default()).unwrap();
        assert_eq!(report.events.items, 3);
        assert_eq!(report.events.gold_clusters, 2);
        assert!((report.events.bcubed.f1 - 1.0).abs() < 1e-9, "{report}");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn malformed_lines_name_their_line() {
        let dir =
            std::env::temp_dir().join(format!("parallax-eval-events-bad-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let articles = write(&dir, "a.jsonl", "{\"id\": \"a\", \"text\": \"x\"}\n{oops\n");
        let labels = write(&dir, "l.json", r#"{"a": "x"}"#);
        let err = load_labelled_articles(&articles, &labels).unwrap_err();
        assert!(matches!(err, EvalError::Parse { line: 2, .. }), "{err}");
        let bad_labels = write(&dir, "m.json", "[1, 2]");
        assert!(load_labelled_articles(&articles, &bad_labels).is_err());
        std::fs::remove_dir_all(&dir).ok();
    }
}
