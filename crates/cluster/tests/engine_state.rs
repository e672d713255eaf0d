//! Story engine state across runs: save and load midway changes nothing,
//! draining closed events loses nothing, and bad bytes are refused.

use parallax_cluster::synth::{SynthConfig, SynthStream};
use parallax_cluster::{
    Drained, Event, StateError, Story, StoryConfig, StoryEngine, StoryInput, STATE_FORMAT,
};
use std::path::{Path, PathBuf};

/// 4,500 articles over 22 days: events close, the vocabulary is vacuumed,
/// and (with `short_arcs`) arcs finish.
fn stream() -> Vec<StoryInput> {
    SynthStream::new(SynthConfig {
        articles_per_day: 200,
        concurrent_events: 30,
        ..SynthConfig::default()
    })
    .take(4_500)
    .map(|a| a.input)
    .collect()
}

/// Arcs finish after three quiet days, so that a short stream has some.
fn short_arcs() -> StoryConfig {
    StoryConfig {
        arc_max_gap_days: 3,
        arc_min_idle_arrivals: 500,
        min_live_arrivals: 500,
        ..StoryConfig::default()
    }
}

fn reload(engine: &StoryEngine) -> StoryEngine {
    let bytes = engine.save();
    StoryEngine::load(&bytes, engine.config().clone()).unwrap()
}

#[test]
fn save_and_load_midway_changes_nothing() {
    let articles = stream();
    for config in [StoryConfig::default(), short_arcs()] {
        let mut at_once = StoryEngine::new(config.clone()).unwrap();
        at_once.extend(&articles);
        // Cut at points that fall between sweeps, vacuums and closings.
        let mut resumed = StoryEngine::new(config.clone()).unwrap();
        let mut start = 0;
        for cut in [1, 1_337, 3_001, articles.len()] {
            resumed.extend(&articles[start..cut]);
            resumed = reload(&resumed);
            start = cut;
        }
        assert_eq!(resumed.len(), at_once.len());
        assert_eq!(resumed.live_articles(), at_once.live_articles());
        let (a, b) = (at_once.stories(), resumed.stories());
        assert!(a.iter().any(|s| s.events.iter().any(|e| !e.live)));
        assert_eq!(a, b);
        // Byte for byte the same state: nothing was lost or reordered.
        assert_eq!(at_once.save(), resumed.save());
    }
}

#[test]
fn arcs_finish_and_memory_follows_the_live_window() {
    let articles = stream();
    let mut engine = StoryEngine::new(short_arcs()).unwrap();
    engine.extend(&articles);
    let outlines = engine.outlines();
    let stories = engine.stories();
    assert_eq!(outlines.len(), stories.len());
    let drained = engine.drain_closed();
    assert!(!drained.finished.is_empty());
    assert!(drained.events.iter().all(|e| !e.live));
    let size = engine.state_size();
    assert_eq!(size.reported, 0);
    // Held events are those of arcs still open: far fewer than all closed.
    assert!(size.held_events > 0 && size.held_events * 2 < drained.events.len());
    // Draining again finds nothing new.
    assert_eq!(engine.drain_closed(), Drained::default());
}

/// Every story, rebuilt from what a caller that drains keeps: the drained
/// events and finished outlines, and the engine's current stories.
fn stories_from_drains(engine: &StoryEngine, drains: &[Drained]) -> Vec<Story> {
    let events: Vec<Event> = drains.iter().flat_map(|d| d.events.clone()).collect();
    let mut stories = engine.stories_with(&events);
    for outline in drains.iter().flat_map(|d| &d.finished) {
        stories.push(outline.story(&events).unwrap());
    }
    stories.sort_by(|a, b| {
        let key = |s: &Story| (s.date_span.from.is_none(), s.date_span.from, s.id.clone());
        key(a).cmp(&key(b))
    });
    stories
}

#[test]
fn draining_closed_events_loses_nothing() {
    let articles = stream();
    for config in [StoryConfig::default(), short_arcs()] {
        let mut kept = StoryEngine::new(config.clone()).unwrap();
        kept.extend(&articles);
        let mut drained = StoryEngine::new(config).unwrap();
        let mut drains = Vec::new();
        for (n, chunk) in articles.chunks(700).enumerate() {
            drained.extend(chunk);
            drains.push(drained.drain_closed());
            if n == 3 {
                drained = reload(&drained);
            }
        }
        let closed: usize = drains.iter().map(|d| d.events.len()).sum();
        assert!(closed > 0);
        assert!(drained.state_size().reported == 0);
        assert_eq!(stories_from_drains(&drained, &drains), kept.stories());
        // Without the drained events, only what the engine still holds.
        let partial = drained.stories();
        assert!(partial.iter().flat_map(|s| &s.events).all(|e| e.live));
    }
}

#[test]
fn known_ids_are_refused_before_and_after_closing() {
    let articles = stream();
    let mut engine = StoryEngine::new(short_arcs()).unwrap();
    engine.extend(&articles[..3_000]);
    let drained = engine.drain_closed();
    let gone = &drained.events[0].articles[0];
    let live = &articles[2_999].id;
    assert!(engine.contains(gone) && engine.contains(live));
    assert!(!engine.contains("never-seen"));
    let mut changed = articles[2_999].clone();
    changed.text.push_str(" An update with new words.");
    assert!(!engine.push(&changed));
    let again = articles.iter().find(|a| &a.id == gone).unwrap();
    assert!(!engine.push(again));
    assert_eq!(engine.len(), 3_000);
    // Still known after a save and load.
    let engine = reload(&engine);
    assert!(engine.contains(gone) && engine.contains(live));
}

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read_articles(path: &Path) -> Vec<StoryInput> {
    parallax_ingest::read_file(path, &parallax_ingest::Limits::default())
        .into_iter()
        .map(|record| {
            let raw = record.unwrap_or_else(|s| panic!("{s}"));
            let article =
                parallax_clean::clean(&raw).unwrap_or_else(|e| panic!("{}: {e}", raw.origin));
            StoryInput::from_article(&article)
        })
        .collect()
}

/// The example corpus and, when present, the seeds.
fn real_articles() -> Vec<(&'static str, Vec<StoryInput>)> {
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
    let mut sets = vec![(
        "corpus",
        files.iter().flat_map(|f| read_articles(f)).collect(),
    )];
    let shared = std::env::var_os("PARALLAX_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("../shared"));
    let seeds = shared.join("seeds");
    if seeds.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&seeds)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .collect();
        files.sort();
        sets.push((
            "seeds",
            files.iter().flat_map(|f| read_articles(f)).collect(),
        ));
    } else {
        eprintln!("seeds skipped: {} not found", seeds.display());
    }
    sets
}

#[test]
fn real_articles_in_two_runs_match_one_run() {
    for (name, articles) in real_articles() {
        let mut at_once = StoryEngine::default();
        at_once.extend(&articles);
        for cut in 1..articles.len() {
            let mut first = StoryEngine::default();
            first.extend(&articles[..cut]);
            let bytes = first.save();
            let mut second = StoryEngine::load(&bytes, StoryConfig::default()).unwrap();
            second.extend(&articles[cut..]);
            assert_eq!(second.stories(), at_once.stories(), "cut at {cut}");
            // The later half first: a load in between changes nothing
            // either.
            let mut swapped = StoryEngine::default();
            swapped.extend(&articles[cut..]);
            let bytes = swapped.save();
            let mut resumed = StoryEngine::load(&bytes, StoryConfig::default()).unwrap();
            swapped.extend(&articles[..cut]);
            resumed.extend(&articles[..cut]);
            let (s, r) = (swapped.stories(), resumed.stories());
            assert_eq!(r, s, "swapped, cut at {cut}");
            // The corpus also keeps its events in any order; the seeds do
            // not quite (001-003 sits at 0.30, the threshold: which terms
            // an article keeps depends on what came before it).
            if name == "corpus" {
                assert_eq!(event_sets(&r), event_sets(&at_once.stories()));
            }
        }
        let bytes = at_once.save();
        eprintln!(
            "{name}, {} articles: {} bytes saved ({} per article)",
            articles.len(),
            bytes.len(),
            bytes.len() / articles.len()
        );
    }
}

fn event_sets(stories: &[Story]) -> std::collections::BTreeSet<Vec<String>> {
    stories
        .iter()
        .flat_map(|s| &s.events)
        .map(|e| {
            let mut a = e.articles.clone();
            a.sort();
            a
        })
        .collect()
}

fn small_state() -> (Vec<u8>, StoryInput) {
    let articles = stream();
    let mut engine = StoryEngine::default();
    engine.extend(&articles[..12]);
    (engine.save(), articles[12].clone())
}

/// Header fields after the magic: format (8..12), settings (12..20),
/// payload length (20..28), CRC-32 (28..32).
fn with_fixed_checksum(mut bytes: Vec<u8>) -> Vec<u8> {
    let crc = crc32(&bytes[32..]);
    bytes[28..32].copy_from_slice(&crc.to_le_bytes());
    bytes
}

/// CRC-32 (IEEE), bit by bit: enough for a test.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn bad_state_is_refused_with_a_reason() {
    let (bytes, _) = small_state();
    let config = StoryConfig::default;
    assert_eq!(
        StoryEngine::load(&[], config()).unwrap_err(),
        StateError::NotState
    );
    assert_eq!(
        StoryEngine::load(b"PXSTORY\0 but not really", config()).unwrap_err(),
        StateError::NotState
    );
    let mut other_format = bytes.clone();
    other_format[8..12].copy_from_slice(&(STATE_FORMAT + 1).to_le_bytes());
    assert_eq!(
        StoryEngine::load(&other_format, config()).unwrap_err(),
        StateError::Format {
            found: STATE_FORMAT + 1,
            expected: STATE_FORMAT
        }
    );
    let other_settings = StoryConfig {
        event_similarity: 0.31,
        ..StoryConfig::default()
    };
    assert_eq!(
        StoryEngine::load(&bytes, other_settings).unwrap_err(),
        StateError::ConfigChanged
    );
    let broken_settings = StoryConfig {
        arc_similarity: 2.0,
        ..StoryConfig::default()
    };
    assert!(matches!(
        StoryEngine::load(&bytes, broken_settings),
        Err(StateError::Config(_))
    ));
    for cut in [33, bytes.len() / 2, bytes.len() - 1] {
        assert!(matches!(
            StoryEngine::load(&bytes[..cut], config()),
            Err(StateError::Corrupt(_))
        ));
    }
    let mut flipped = bytes.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 0x40;
    let err = StoryEngine::load(&flipped, config()).unwrap_err();
    assert_eq!(err, StateError::Corrupt("checksum mismatch".into()));
    assert!(err.to_string().contains("damaged"));
}

#[test]
fn damaged_state_with_a_valid_checksum_never_panics() {
    let (bytes, next) = small_state();
    let mut refused = 0;
    // Every byte of the payload in turn, set to a few values, checksum
    // fixed: refused, or loaded into an engine that still works.
    for at in (32..bytes.len()).step_by(31) {
        for value in [0x00, 0xff, bytes[at] ^ 0x01] {
            let mut damaged = bytes.clone();
            damaged[at] = value;
            let damaged = with_fixed_checksum(damaged);
            match StoryEngine::load(&damaged, StoryConfig::default()) {
                Err(StateError::Corrupt(_)) => refused += 1,
                Err(other) => panic!("unexpected {other:?}"),
                Ok(mut engine) => {
                    engine.push(&next);
                    let _ = engine.stories();
                    let _ = engine.save();
                }
            }
        }
    }
    assert!(refused > 0);
}
