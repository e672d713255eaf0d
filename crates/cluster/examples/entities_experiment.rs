//! Do the tagger's entities help the story engine? Runs the seeds
//! (`../shared/seeds`) and the example corpus through ingest, clean and
//! `parallax_extract::extract`, feeds the names to [`StoryEngine`] in a few
//! ways, and prints the events and arcs each way gives against what they
//! should be (seeds: {000, 001, 003}, {002}, {004}, one arc; corpus:
//! `examples/expected.json`).
//!
//! `cargo run --release -p parallax-cluster --example entities_experiment`

use parallax_cluster::{build_stories, Story, StoryConfig, StoryInput};
use parallax_extract::{EntityKind, Extraction};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Partition = BTreeSet<BTreeSet<String>>;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(path: &Path) -> Vec<StoryInput> {
    parallax_ingest::read_file(path, &parallax_ingest::Limits::default())
        .into_iter()
        .filter_map(Result::ok)
        .filter_map(|raw| parallax_clean::clean(&raw).ok())
        .map(|a| StoryInput::from_article(&a))
        .collect()
}

fn files(dir: &Path, keep: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    out.retain(|p| p.file_name().is_some_and(|f| keep(&f.to_string_lossy())));
    out.sort();
    out
}

/// The ways of turning an extraction into `StoryInput.entities`.
#[derive(Clone, Copy, Debug)]
enum Names {
    /// None: the engine guesses names from capitalised words.
    Guessed,
    /// Each entity group's canonical name once.
    Groups,
    /// The canonical name once per mention (mention counts weigh in).
    Mentions,
    /// As `Mentions`, people, organisations and places only.
    MentionsNoMisc,
    /// The canonical name once per mention, and each word of it.
    MentionsAndWords,
    /// The engine's own guesses plus each canonical name once per mention.
    GuessedPlusMentions,
    /// Each canonical name once per mention, and a person's surname.
    MentionsAndSurnames,
}

fn names(text: &str, x: &Extraction, how: Names) -> Vec<String> {
    let mut out = Vec::new();
    if let Names::GuessedPlusMentions = how {
        out.extend(parallax_cluster::EnglishAnalyzer::default().names(text));
    }
    for g in &x.groups {
        let misc = !matches!(
            g.kind,
            EntityKind::Person | EntityKind::Organization | EntityKind::Location
        );
        match how {
            Names::Guessed => {}
            Names::Groups => out.push(g.name.clone()),
            Names::Mentions => out.extend(g.mentions.iter().map(|_| g.name.clone())),
            Names::MentionsNoMisc if !misc => out.extend(g.mentions.iter().map(|_| g.name.clone())),
            Names::MentionsNoMisc => {}
            Names::GuessedPlusMentions => out.extend(g.mentions.iter().map(|_| g.name.clone())),
            Names::MentionsAndSurnames => {
                for _ in &g.mentions {
                    out.push(g.name.clone());
                    let last = g.name.split_whitespace().last().unwrap_or("");
                    if g.kind == EntityKind::Person && last != g.name {
                        out.push(last.to_owned());
                    }
                }
            }
            Names::MentionsAndWords => {
                for _ in &g.mentions {
                    out.push(g.name.clone());
                    if g.name.contains(' ') {
                        out.extend(g.name.split_whitespace().map(str::to_owned));
                    }
                }
            }
        }
    }
    out
}

fn events(stories: &[Story], short: impl Fn(&str) -> String) -> Partition {
    stories
        .iter()
        .flat_map(|s| &s.events)
        .map(|e| e.articles.iter().map(|a| short(a)).collect())
        .collect()
}

fn arcs(stories: &[Story], short: impl Fn(&str) -> String) -> Partition {
    stories
        .iter()
        .map(|s| s.articles.iter().map(|a| short(a)).collect())
        .collect()
}

fn corpus_truth() -> Option<(Partition, Partition)> {
    let text = std::fs::read_to_string(workspace().join("examples/expected.json")).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    let mut by_event: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for e in json["events"].as_array()? {
        let articles = e["articles"]
            .as_array()?
            .iter()
            .filter_map(|a| Some(a.as_str()?.to_owned()))
            .collect();
        by_event.insert(e["id"].as_str()?.to_owned(), articles);
    }
    let mut arcs = Partition::new();
    let mut in_arc = BTreeSet::new();
    for arc in json["arcs"].as_array()? {
        let mut articles = BTreeSet::new();
        for e in arc["events"].as_array()? {
            let e = e.as_str()?;
            in_arc.insert(e.to_owned());
            articles.extend(by_event.get(e)?.iter().cloned());
        }
        arcs.insert(articles);
    }
    for (id, articles) in &by_event {
        if !in_arc.contains(id) {
            arcs.insert(articles.clone());
        }
    }
    Some((by_event.into_values().collect(), arcs))
}

fn show(p: &Partition) -> String {
    p.iter()
        .map(|s| format!("{{{}}}", s.iter().cloned().collect::<Vec<_>>().join(",")))
        .collect::<Vec<_>>()
        .join(" ")
}

fn main() {
    let shared = std::env::var_os("PARALLAX_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("../shared"));
    let seeds: Vec<StoryInput> = files(&shared.join("seeds"), |_| true)
        .iter()
        .flat_map(|f| read(f))
        .collect();
    let corpus: Vec<StoryInput> = files(&workspace().join("examples/corpus"), |n| {
        !(n.ends_with(".md") || n == "expected.json")
    })
    .iter()
    .flat_map(|f| read(f))
    .collect();
    let extract = |inputs: &[StoryInput]| -> Vec<Extraction> {
        inputs
            .iter()
            .map(|i| parallax_extract::extract(&i.text).expect("shipped tagger loads"))
            .collect()
    };
    let (seed_x, corpus_x) = (extract(&seeds), extract(&corpus));
    for (input, x) in seeds.iter().zip(&seed_x) {
        let mut groups: Vec<(usize, &str)> = x
            .groups
            .iter()
            .map(|g| (g.mentions.len(), g.name.as_str()))
            .collect();
        groups.sort_by(|a, b| b.cmp(a));
        let top: Vec<String> = groups
            .iter()
            .take(12)
            .map(|(n, g)| format!("{g}×{n}"))
            .collect();
        println!(
            "seed {}: {}",
            &input.id[..3.min(input.id.len())],
            top.join(", ")
        );
    }
    let seed_events: Partition = [vec!["000", "001", "003"], vec!["002"], vec!["004"]]
        .iter()
        .map(|e| e.iter().map(|s| s.to_string()).collect())
        .collect();
    let truth = corpus_truth();
    let config = StoryConfig::default();
    for how in [
        Names::Guessed,
        Names::Groups,
        Names::Mentions,
        Names::MentionsNoMisc,
        Names::MentionsAndWords,
        Names::GuessedPlusMentions,
        Names::MentionsAndSurnames,
    ] {
        let with = |inputs: &[StoryInput], xs: &[Extraction]| -> Vec<StoryInput> {
            inputs
                .iter()
                .zip(xs)
                .map(|(i, x)| StoryInput {
                    entities: names(&i.text, x, how),
                    ..i.clone()
                })
                .collect()
        };
        println!("\n== {how:?}");
        if !seeds.is_empty() {
            let stories = build_stories(&with(&seeds, &seed_x), &config).unwrap_or_default();
            let short = |id: &str| id.get(..3).unwrap_or(id).to_owned();
            let ev = events(&stories, short);
            println!(
                "seeds: events {} {}; arcs {}; links {:?}",
                show(&ev),
                if ev == seed_events { "OK" } else { "WRONG" },
                show(&arcs(&stories, short)),
                stories
                    .iter()
                    .flat_map(|s| &s.why)
                    .map(|w| (w.similarity, w.shared_entities.clone()))
                    .collect::<Vec<_>>()
            );
            // Pairwise similarities explain a split.
            let ids: Vec<String> = seeds.iter().map(|s| s.id.clone()).collect();
            let mut engine = parallax_cluster::StoryEngine::default();
            engine.extend(&with(&seeds, &seed_x));
            let mut sims = Vec::new();
            for a in 0..ids.len() {
                for b in a + 1..ids.len() {
                    if let Some(s) = engine.similarity(&ids[a], &ids[b]) {
                        sims.push(format!("{}-{}:{s:.3}", short(&ids[a]), short(&ids[b])));
                    }
                }
            }
            println!("seed similarities: {}", sims.join(" "));
            // What the arc join of seed 004 would take.
            let loose = StoryConfig {
                arc_similarity: 0.01,
                arc_min_shared_names: 1,
                ..StoryConfig::default()
            };
            let stories = build_stories(&with(&seeds, &seed_x), &loose).unwrap_or_default();
            for s in &stories {
                for w in &s.why {
                    println!(
                        "  loose link {:.3} names {:?} terms {:?}",
                        w.similarity, w.shared_entities, w.shared_terms
                    );
                }
            }
            for e in stories.iter().flat_map(|s| &s.events) {
                println!(
                    "  event {:?}: entities {:?}",
                    e.articles.iter().map(|a| short(a)).collect::<Vec<_>>(),
                    e.entities
                );
            }
        }
        if let Some((truth_events, truth_arcs)) = &truth {
            let stories = build_stories(&with(&corpus, &corpus_x), &config).unwrap_or_default();
            let id = |a: &str| a.to_owned();
            let (ev, ar) = (events(&stories, id), arcs(&stories, id));
            println!(
                "corpus: events {}, arcs {}",
                if &ev == truth_events { "OK" } else { "WRONG" },
                if &ar == truth_arcs { "OK" } else { "WRONG" },
            );
            if &ev != truth_events || &ar != truth_arcs {
                println!("  events {}\n  arcs {}", show(&ev), show(&ar));
            }
        }
    }
}
