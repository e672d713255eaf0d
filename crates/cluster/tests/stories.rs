//! Story engine checks: the seeds and the example corpus (read through
//! ingest and clean), synthetic arcs, order and batching.

use chrono::NaiveDate;
use parallax_cluster::{build_stories, Story, StoryConfig, StoryEngine, StoryInput};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn shared() -> PathBuf {
    std::env::var_os("PARALLAX_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("../shared"))
}

/// Articles of one file, through ingest and clean.
fn read_articles(path: &Path) -> Vec<StoryInput> {
    let mut out = Vec::new();
    for record in parallax_ingest::read_file(path, &parallax_ingest::Limits::default()) {
        let raw = record.unwrap_or_else(|s| panic!("{s}"));
        let article = parallax_clean::clean(&raw).unwrap_or_else(|e| panic!("{}: {e}", raw.origin));
        out.push(StoryInput::from_article(&article));
    }
    out
}

type Partition = BTreeSet<BTreeSet<String>>;

fn event_partition(stories: &[Story]) -> Partition {
    stories
        .iter()
        .flat_map(|s| &s.events)
        .map(|e| e.articles.iter().cloned().collect())
        .collect()
}

fn story_partition(stories: &[Story]) -> Partition {
    stories
        .iter()
        .map(|s| s.articles.iter().cloned().collect())
        .collect()
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

#[test]
fn seeds_form_three_events_in_one_arc() {
    let dir = shared().join("seeds");
    if !dir.is_dir() {
        eprintln!("skipping: {} not found", dir.display());
        return;
    }
    let mut inputs = Vec::new();
    for n in 0..5 {
        let prefix = format!("{n:03}_");
        let file = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| {
                p.file_name()
                    .is_some_and(|f| f.to_string_lossy().starts_with(&prefix))
            })
            .unwrap_or_else(|| panic!("seed {prefix} missing"));
        inputs.extend(read_articles(&file));
    }
    assert_eq!(inputs.len(), 5);
    let short = |id: &str| id.get(..3).unwrap_or(id).to_owned();
    let stories = build_stories(&inputs, &StoryConfig::default()).unwrap();
    let events: BTreeSet<BTreeSet<String>> = event_partition(&stories)
        .into_iter()
        .map(|e| e.iter().map(|id| short(id)).collect())
        .collect();
    let expected: BTreeSet<BTreeSet<String>> =
        [set(&["000", "001", "003"]), set(&["002"]), set(&["004"])]
            .into_iter()
            .collect();
    assert_eq!(events, expected, "{stories:#?}");
    assert_eq!(stories.len(), 1, "{stories:#?}");
    assert_eq!(stories[0].why.len(), 2);
    // The undated seeds cope: the Williamson event is dated by 001.
    let williamson = stories[0]
        .events
        .iter()
        .find(|e| e.articles.len() == 3)
        .unwrap();
    assert_eq!(williamson.date, NaiveDate::from_ymd_opt(2019, 11, 7));
    assert!(williamson.entities.iter().any(|e| e == "williamson"));
}

/// The corpus articles (not its README or truth file), in name order.
fn corpus_inputs() -> Vec<StoryInput> {
    let dir = workspace().join("examples/corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            !(name.ends_with(".md") || name == "expected.json")
        })
        .collect();
    files.sort();
    files.iter().flat_map(|f| read_articles(f)).collect()
}

struct Truth {
    events: Partition,
    arcs: Partition,
    copies: BTreeMap<String, String>,
}

fn corpus_truth() -> Truth {
    let path = workspace().join("examples/expected.json");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut by_event: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut events = Partition::new();
    for e in json["events"].as_array().unwrap() {
        let articles: BTreeSet<String> = e["articles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap().to_owned())
            .collect();
        by_event.insert(e["id"].as_str().unwrap().to_owned(), articles.clone());
        events.insert(articles);
    }
    let mut arcs = Partition::new();
    let mut in_arc = BTreeSet::new();
    for arc in json["arcs"].as_array().unwrap() {
        let mut articles = BTreeSet::new();
        for e in arc["events"].as_array().unwrap() {
            let e = e.as_str().unwrap();
            in_arc.insert(e.to_owned());
            articles.extend(by_event[e].iter().cloned());
        }
        arcs.insert(articles);
    }
    for (id, articles) in &by_event {
        if !in_arc.contains(id) {
            arcs.insert(articles.clone());
        }
    }
    let copies = json["near_duplicates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["copy"].as_str().unwrap().to_owned(),
                d["original"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    Truth {
        events,
        arcs,
        copies,
    }
}

fn copies(stories: &[Story]) -> BTreeMap<String, String> {
    stories
        .iter()
        .flat_map(|s| &s.events)
        .flat_map(|e| &e.members)
        .filter_map(|m| Some((m.article.clone(), m.copy_of.clone()?)))
        .collect()
}

#[test]
fn corpus_comes_out_as_written() {
    let inputs = corpus_inputs();
    assert_eq!(inputs.len(), 12);
    let truth = corpus_truth();
    let stories = build_stories(&inputs, &StoryConfig::default()).unwrap();
    assert_eq!(event_partition(&stories), truth.events, "{stories:#?}");
    assert_eq!(story_partition(&stories), truth.arcs, "{stories:#?}");
    assert_eq!(copies(&stories), truth.copies);
    // Titles are real headlines; the arc names what links its events.
    for story in &stories {
        assert!(!story.title.is_empty());
        for event in &story.events {
            assert!(event.id.starts_with("ev-"));
            assert_eq!(event.members.len(), event.articles.len());
        }
    }
    let arc = stories.iter().find(|s| s.events.len() == 2).unwrap();
    let why = &arc.why[0];
    assert!(
        ["civic", "alliance"]
            .iter()
            .all(|n| why.shared_entities.iter().any(|e| e == n)),
        "{why:?}"
    );
    assert!(why.gap_days.unwrap() > 150);
    // Serialisable as plain JSON.
    let text = serde_json::to_string(&stories).unwrap();
    let back: Vec<Story> = serde_json::from_str(&text).unwrap();
    assert_eq!(back, stories);
}

#[test]
fn corpus_in_two_halves_in_any_order_matches_at_once() {
    let inputs = corpus_inputs();
    let at_once = build_stories(&inputs, &StoryConfig::default()).unwrap();
    let (first, second) = inputs.split_at(inputs.len() / 2);
    let mut reversed: Vec<StoryInput> = inputs.clone();
    reversed.reverse();
    for order in [
        [first, second],
        [second, first],
        [&reversed[..6], &reversed[6..]],
    ] {
        let mut engine = StoryEngine::default();
        engine.extend(order[0]);
        let midway = engine.stories();
        assert!(!midway.is_empty());
        engine.extend(order[1]);
        let halves = engine.stories();
        assert_eq!(event_partition(&halves), event_partition(&at_once));
        assert_eq!(story_partition(&halves), story_partition(&at_once));
        assert_eq!(copies(&halves), copies(&at_once));
        let ids = |s: &[Story]| -> BTreeSet<String> {
            s.iter()
                .flat_map(|s| s.events.iter().map(|e| e.id.clone()).chain([s.id.clone()]))
                .collect()
        };
        assert_eq!(ids(&halves), ids(&at_once));
    }
    // Re-ingesting is harmless.
    let mut engine = StoryEngine::default();
    assert_eq!(engine.extend(&inputs), 12);
    assert_eq!(engine.extend(&inputs), 0);
    assert_eq!(
        event_partition(&engine.stories()),
        event_partition(&at_once)
    );
}

fn article(id: &str, date: &str, title: &str, text: &str) -> StoryInput {
    StoryInput {
        id: id.into(),
        title: Some(title.into()),
        text: text.into(),
        date: NaiveDate::parse_from_str(date, "%Y-%m-%d").ok(),
        outlet: None,
        entities: Vec::new(),
    }
}

fn resignations() -> Vec<StoryInput> {
    vec![
        article("hartley-1", "2024-02-05", "Alan Hartley quits the Progressive Party over donations",
            "The MP Alan Hartley resigned from the Progressive Party on Monday after an inquiry into undeclared donations. \
             Party leader Mary Okafor accepted the resignation. Hartley said the Electoral Commission inquiry had made \
             his position impossible. The donations scandal has shaken the Progressive Party for months."),
        article("hartley-2", "2024-02-06", "Hartley resignation deepens Progressive Party donations crisis",
            "Alan Hartley's resignation from the Progressive Party leaves Mary Okafor facing new questions about donations. \
             Hartley, who represented Northbridge, resigned after the Electoral Commission opened an inquiry. \
             Okafor said the party would cooperate with the inquiry into the donations."),
        article("hartley-3", "2024-02-05", "Northbridge MP resigns",
            "Northbridge MP Alan Hartley has resigned from the Progressive Party. Hartley faced an Electoral Commission \
             inquiry into donations to his campaign. Mary Okafor thanked him for his service to the party."),
        article("pettit-1", "2024-06-10", "Joan Pettit resigns from Progressive Party as donations inquiry widens",
            "The MP Joan Pettit resigned from the Progressive Party on Monday as the Electoral Commission widened its \
             inquiry into donations. Pettit is the second MP to leave after Alan Hartley. Party leader Mary Okafor said \
             she regretted the resignation. Pettit represented Eastmoor for nine years."),
        article("pettit-2", "2024-06-11", "Second Progressive Party MP quits over donations",
            "Joan Pettit, the Eastmoor MP, has quit the Progressive Party. Her resignation follows a widened Electoral \
             Commission inquiry into donations. Mary Okafor faces mounting pressure as Pettit becomes the second MP to \
             resign. Pettit said she had done nothing wrong."),
    ]
}

fn earthquakes() -> Vec<StoryInput> {
    vec![
        article("quake-tr-1", "2023-03-01", "Powerful earthquake strikes eastern Turkey",
            "A magnitude 7.1 earthquake struck near Malatya in eastern Turkey on Wednesday, collapsing buildings and \
             killing at least 40 people. Rescue teams from AFAD searched the rubble through the night. Ankara declared \
             an emergency in three provinces. Aftershocks shook the region as survivors slept outside."),
        article("quake-tr-2", "2023-03-02", "Death toll rises after Malatya earthquake",
            "The death toll from the earthquake near Malatya rose to 85, AFAD said. Rescue teams pulled survivors from \
             collapsed buildings as aftershocks continued. Ankara sent soldiers and tents to the region, and the \
             magnitude 7.1 quake was felt across eastern Turkey."),
        article("quake-cl-1", "2023-05-01", "Strong earthquake hits central Chile",
            "A magnitude 7.0 earthquake struck near Talca in central Chile on Monday, collapsing buildings and killing \
             at least 30 people. Rescue teams from ONEMI searched the rubble. Santiago declared an emergency in the \
             Maule region. Aftershocks shook the region as survivors slept outside."),
        article("quake-cl-2", "2023-05-02", "Chile earthquake death toll climbs",
            "The death toll from the earthquake near Talca rose to 62, ONEMI said. Rescue teams pulled survivors from \
             collapsed buildings as aftershocks continued. Santiago sent soldiers and tents to Maule, and the magnitude \
             7.0 quake was felt across central Chile."),
    ]
}

#[test]
fn two_resignations_months_apart_are_two_events_of_one_arc() {
    let stories = build_stories(&resignations(), &StoryConfig::default()).unwrap();
    let events = event_partition(&stories);
    let expected: Partition = [
        set(&["hartley-1", "hartley-2", "hartley-3"]),
        set(&["pettit-1", "pettit-2"]),
    ]
    .into_iter()
    .collect();
    assert_eq!(events, expected, "{stories:#?}");
    assert_eq!(stories.len(), 1, "{stories:#?}");
    let why = &stories[0].why[0];
    assert!(why.shared_entities.iter().any(|e| e == "okafor"), "{why:?}");
    assert_eq!(why.gap_days, Some(125));
    assert_eq!(
        stories[0].events[0].date,
        NaiveDate::from_ymd_opt(2024, 2, 5)
    );
}

#[test]
fn two_earthquakes_in_two_countries_are_two_stories() {
    let stories = build_stories(&earthquakes(), &StoryConfig::default()).unwrap();
    let expected: Partition = [
        set(&["quake-tr-1", "quake-tr-2"]),
        set(&["quake-cl-1", "quake-cl-2"]),
    ]
    .into_iter()
    .collect();
    assert_eq!(event_partition(&stories), expected, "{stories:#?}");
    assert_eq!(story_partition(&stories), expected, "{stories:#?}");
}

#[test]
fn arcs_do_not_chain_through_one_strong_link() {
    // Both kinds in one stream: the quakes must not join the resignations,
    // and no arc may hold both quakes.
    let mut inputs = resignations();
    inputs.extend(earthquakes());
    let stories = build_stories(&inputs, &StoryConfig::default()).unwrap();
    assert_eq!(stories.len(), 3, "{stories:#?}");
}

#[test]
fn events_age_out_and_the_same_words_later_found_a_new_event() {
    let config = StoryConfig {
        min_live_arrivals: 0,
        ..StoryConfig::default()
    };
    let mut engine = StoryEngine::new(config).unwrap();
    let quakes = earthquakes();
    engine.extend(&quakes[..2]);
    // 1,100 filler articles a month later push the sweep past the quake.
    let filler: Vec<StoryInput> = (0..1100)
        .map(|i| {
            article(
                &format!("f{i}"),
                "2023-04-10",
                &format!("note {i}"),
                &format!("item{i} unique{i} words{i}"),
            )
        })
        .collect();
    engine.extend(&filler);
    let mut late = quakes[1].clone();
    late.id = "quake-tr-late".into();
    late.date = NaiveDate::from_ymd_opt(2023, 4, 12);
    engine.push(&late);
    let stories = engine.stories();
    let closed = stories
        .iter()
        .flat_map(|s| &s.events)
        .find(|e| e.articles.contains(&"quake-tr-1".to_string()))
        .unwrap();
    assert!(!closed.live);
    assert!(!closed.articles.contains(&"quake-tr-late".to_string()));
    assert!(engine.live_articles() < engine.len());
    let size = engine.state_size();
    assert!(size.live_total() > 0 && size.archive > 0);
}

#[test]
fn bad_and_empty_inputs_do_not_panic() {
    assert!(StoryEngine::new(StoryConfig {
        event_similarity: 0.0,
        ..StoryConfig::default()
    })
    .is_err());
    assert!(StoryEngine::new(StoryConfig {
        arc_similarity: f64::NAN,
        ..StoryConfig::default()
    })
    .is_err());
    assert!(StoryEngine::new(StoryConfig {
        live_days: -1,
        ..StoryConfig::default()
    })
    .is_err());
    let mut engine = StoryEngine::default();
    assert!(engine.stories().is_empty());
    let empty = StoryInput {
        id: "empty".into(),
        ..StoryInput::default()
    };
    assert!(engine.push(&empty));
    assert!(engine.push(&StoryInput {
        id: "punct".into(),
        title: Some("   ".into()),
        text: "!!! ... ---".into(),
        ..StoryInput::default()
    }));
    let stories = engine.stories();
    assert_eq!(stories.len(), 2);
    for s in &stories {
        assert!(!s.title.is_empty());
        assert_eq!(s.events.len(), 1);
    }
    assert_eq!(engine.similarity("empty", "nope"), None);
}

#[test]
fn synthetic_stream_in_two_swapped_halves_nearly_matches_at_once() {
    use parallax_cluster::score_partition;
    use parallax_cluster::synth::{SynthConfig, SynthStream};
    let articles: Vec<StoryInput> = SynthStream::new(SynthConfig {
        articles_per_day: 200,
        concurrent_events: 30,
        ..SynthConfig::default()
    })
    .take(800)
    .map(|a| a.input)
    .collect();
    let at_once = build_stories(&articles, &StoryConfig::default()).unwrap();
    let mut engine = StoryEngine::default();
    engine.extend(&articles[400..]);
    engine.extend(&articles[..400]);
    let swapped = engine.stories();
    let label = |stories: &[Story]| -> BTreeMap<String, usize> {
        stories
            .iter()
            .flat_map(|s| &s.events)
            .enumerate()
            .flat_map(|(e, ev)| ev.articles.iter().map(move |a| (a.clone(), e)))
            .collect()
    };
    let (a, b) = (label(&at_once), label(&swapped));
    let ids: Vec<&String> = a.keys().collect();
    let pa: Vec<usize> = ids.iter().map(|id| a[*id]).collect();
    let pb: Vec<usize> = ids.iter().map(|id| b[*id]).collect();
    let agreement = score_partition(&pa, &pb).unwrap();
    eprintln!("swapped halves vs at once: event NMI {:.4}", agreement.nmi);
    assert!(agreement.nmi > 0.99, "{agreement:?}");
}

#[test]
fn supplied_entities_replace_guessed_names() {
    let mut inputs = resignations();
    for input in &mut inputs {
        input.entities = if input.id.starts_with("hartley") {
            vec![
                "Alan Hartley".into(),
                "Progressive Party".into(),
                "Mary Okafor".into(),
            ]
        } else {
            vec![
                "Joan Pettit".into(),
                "Progressive Party".into(),
                "Mary Okafor".into(),
            ]
        };
    }
    let stories = build_stories(&inputs, &StoryConfig::default()).unwrap();
    assert_eq!(stories.len(), 1, "{stories:#?}");
    let hartley = &stories[0].events[0];
    assert_eq!(hartley.articles.len(), 3);
    let entities: BTreeSet<&str> = hartley.entities.iter().map(String::as_str).collect();
    assert_eq!(
        entities,
        ["alan hartley", "progressive party", "mary okafor"]
            .into_iter()
            .collect()
    );
    assert!(stories[0].why[0]
        .shared_entities
        .iter()
        .any(|e| e == "mary okafor"));
}

#[test]
fn ids_captions_and_placeholders_never_title_a_story() {
    let body = "The Corrin Vale ferry service resumed on Monday after a three-week stoppage \
                over pay. Crews at Corrin Vale accepted the operator's offer late on Sunday.";
    for bad in [
        "IMG_2034.jpg",
        "article-88213",
        "(untitled)",
        "https://corrinvale.example/news/ferry",
        "Photo: crews at the Corrin Vale pier",
        "Crews return to the pier (AP Photo/Staff)",
        "12345",
    ] {
        let input = article("f1", "2026-05-04", bad, body);
        let stories = build_stories(&[input], &StoryConfig::default()).unwrap();
        let title = &stories[0].title;
        assert!(
            title.starts_with("The Corrin Vale ferry service resumed on Monday"),
            "{bad:?} gave the title {title:?}"
        );
        assert_eq!(&stories[0].events[0].title, title);
    }
    let good = article("f2", "2026-05-04", "Corrin Vale ferries sail again", body);
    let stories = build_stories(&[good], &StoryConfig::default()).unwrap();
    assert_eq!(stories[0].title, "Corrin Vale ferries sail again");
}

/// The same story in other words: two outlets share almost no rare word,
/// and the blend of meaning and words joins them where words alone do not.
/// An encoder's own vectors ([`StoryEngine::push_embedded`]) take the
/// table's place; bad vectors count as none.
#[test]
fn meaning_joins_what_words_alone_keep_apart() {
    let a = article(
        "slams",
        "2025-03-03",
        "Governor slams harbour toll plan",
        "Governor Ines Calloway on Monday attacked the harbour toll plan, calling the fee on ferries unfair to commuters.",
    );
    let b = article(
        "castigates",
        "2025-03-03",
        "Calloway castigates proposed port levy",
        "The state's chief executive castigated a proposed levy on boats using the port, saying daily travellers would pay the price.",
    );
    let lexical = StoryConfig::lexical();
    let words_alone = build_stories(&[a.clone(), b.clone()], &lexical).unwrap();
    assert_eq!(words_alone.len(), 2, "TF-IDF alone keeps them apart");
    let mut probe = StoryEngine::default();
    probe.push(&a);
    probe.push(&b);
    let mut lex = StoryEngine::new(StoryConfig::lexical()).unwrap();
    lex.push(&a);
    lex.push(&b);
    // The table sees "castigates" ~ "slams", "levy" ~ "toll", "port" ~
    // "harbour": the blend rates the pair well above words alone (0.18
    // against 0.02 when written), though two articles are too few for
    // IDF to make it an event.
    let (with_table, words) = (
        probe.similarity("slams", "castigates").unwrap(),
        lex.similarity("slams", "castigates").unwrap(),
    );
    assert!(with_table > words + 0.1, "{with_table} vs {words}");

    // Same direction from an outside encoder: their cosine is 1.
    let loose = StoryConfig {
        dense_weight: 0.8,
        event_similarity: 0.5,
        event_group_similarity: 0.5,
        ..StoryConfig::default()
    };
    let mut engine = StoryEngine::with_embeddings(loose.clone(), None).unwrap();
    assert!(engine.push_embedded(&a, &[0.6, 0.8, 0.0]));
    assert!(engine.push_embedded(&b, &[3.0, 4.0, 0.0]));
    assert_eq!(
        engine.stories().len(),
        1,
        "one story when the meaning agrees"
    );
    let sim = engine.similarity("slams", "castigates").unwrap();
    assert!(sim >= 0.8, "{sim}");

    // A zero or non-finite vector is no evidence: words decide.
    let mut engine = StoryEngine::with_embeddings(loose, None).unwrap();
    assert!(engine.push_embedded(&a, &[0.0, 0.0, 0.0]));
    assert!(engine.push_embedded(&b, &[f32::NAN, 1.0, 0.0]));
    assert_eq!(engine.stories().len(), 2);

    // The shipped table gives every article a vector and keeps unrelated
    // stories apart.
    let engine = StoryEngine::default();
    assert!(
        engine.embeddings().is_some(),
        "the table ships with the engine"
    );
    let stories = build_stories(&resignations(), &StoryConfig::default()).unwrap();
    let events: usize = stories.iter().map(|s| s.events.len()).sum();
    assert!(events >= 2, "two resignations months apart stay two events");
}
