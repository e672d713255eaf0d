//! Story ids that outlive re-clustering.
//!
//! The engine names a story after its earliest article, so the name
//! changes whenever an earlier article joins, two stories merge or one
//! splits. A reader's link must not break for that. Each refresh
//! therefore hands every stored story's id on to the new story that holds
//! most of its articles, strongest overlap first, one new story per old
//! id. An old id no story took (its story merged into another, or most
//! of it went elsewhere) becomes a move to the story that holds most of
//! its articles, which the server answers with a redirect. A story that
//! took no old id keeps the engine's name unless that name is, or was,
//! someone else's: then a derived name is used, so an old link never
//! lands on an unrelated story.
//!
//! Titles hold too: a story keeps the title it had while the event that
//! gave it is still in the story and the story's largest event is not
//! materially larger (more than twice its size). Knows nothing of the
//! store: the refresh passes the previous stories in and writes the result.

use parallax_cluster::Story;
use parallax_store::StoryMove;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap, HashSet};

/// A story as the last refresh stored it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviousStory {
    pub id: String,
    pub title: String,
    pub articles: Vec<String>,
}

/// What [`assign`] decided.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Identity {
    /// Old ids that now answer with another story.
    pub moves: Vec<StoryMove>,
    /// Stories that kept an old id.
    pub kept: usize,
}

/// How much larger the new leading event must be than the one that gave
/// the old title before the title follows it.
const TITLE_CHANGE_RATIO: usize = 2;

/// Renames `current` (ids and titles) so that links to `previous` stories
/// keep answering, and returns the moves of the ids no story kept.
pub fn assign(
    previous: &[PreviousStory],
    current: &mut [Story],
    moved: &HashSet<String>,
) -> Identity {
    let story_of: HashMap<&str, usize> = previous
        .iter()
        .enumerate()
        .flat_map(|(p, s)| s.articles.iter().map(move |a| (a.as_str(), p)))
        .collect();
    // overlap[(current, previous)] = shared articles.
    let mut overlap: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for (c, story) in current.iter().enumerate() {
        for a in &story.articles {
            if let Some(&p) = story_of.get(a.as_str()) {
                *overlap.entry((c, p)).or_default() += 1;
            }
        }
    }
    let mut pairs: Vec<(usize, usize, usize)> =
        overlap.iter().map(|(&(c, p), &n)| (n, c, p)).collect();
    // Strongest overlap first; ties by the old id, then the new story's
    // engine id, so the outcome does not depend on any map's order.
    pairs.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then_with(|| previous[a.2].id.cmp(&previous[b.2].id))
            .then_with(|| current[a.1].id.cmp(&current[b.1].id))
    });
    let mut owner: Vec<Option<usize>> = vec![None; current.len()];
    let mut claimed = vec![false; previous.len()];
    for &(_, c, p) in &pairs {
        if owner[c].is_none() && !claimed[p] {
            owner[c] = Some(p);
            claimed[p] = true;
        }
    }

    // Names no new story may take: every old id (kept or moving) and
    // every id that already redirects.
    let mut taken: HashSet<String> = previous.iter().map(|p| p.id.clone()).collect();
    taken.extend(moved.iter().cloned());
    let mut kept = 0;
    for (c, story) in current.iter_mut().enumerate() {
        match owner[c] {
            Some(p) => {
                kept += 1;
                story.id = previous[p].id.clone();
                if let Some(title) = lasting_title(&previous[p].title, story) {
                    story.title = title;
                }
            }
            None => {
                story.id = fresh_id(&story.id, &taken);
                taken.insert(story.id.clone());
            }
        }
    }

    // Each old id no story kept moves to the story holding most of its
    // articles (the earliest such story among equals).
    let mut moves = Vec::new();
    for (p, old) in previous.iter().enumerate() {
        if claimed[p] {
            continue;
        }
        let best = overlap
            .iter()
            .filter(|((_, q), _)| *q == p)
            .max_by(|(a, x), (b, y)| x.cmp(y).then_with(|| b.0.cmp(&a.0)))
            .map(|((c, _), _)| *c);
        if let Some(c) = best {
            moves.push(StoryMove {
                from: old.id.clone(),
                to: current[c].id.clone(),
            });
        }
    }
    Identity { moves, kept }
}

/// The old title, when it should stay: an event of the story still bears
/// it and the story's largest event is not materially larger.
fn lasting_title(old: &str, story: &Story) -> Option<String> {
    if old == story.title {
        return None;
    }
    let bearer = story
        .events
        .iter()
        .filter(|e| e.title == old)
        .map(|e| e.articles.len())
        .max()?;
    let largest = story
        .events
        .iter()
        .map(|e| e.articles.len())
        .max()
        .unwrap_or(0);
    (largest <= bearer * TITLE_CHANGE_RATIO).then(|| old.to_string())
}

/// `engine_id` when it is free, else a name derived from it that is.
fn fresh_id(engine_id: &str, taken: &HashSet<String>) -> String {
    if !taken.contains(engine_id) {
        return engine_id.to_string();
    }
    (1u32..)
        .map(|n| {
            let digest = Sha256::digest(format!("{engine_id}/{n}").as_bytes());
            let hex: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
            format!("st-{hex}")
        })
        .find(|id| !taken.contains(id))
        .unwrap_or_else(|| engine_id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use parallax_cluster::{DateSpan, Event};

    fn event(id: &str, title: &str, articles: &[&str]) -> Event {
        Event {
            id: id.into(),
            title: title.into(),
            date: None,
            date_span: DateSpan::default(),
            articles: articles.iter().map(|a| a.to_string()).collect(),
            members: Vec::new(),
            top_terms: Vec::new(),
            entities: Vec::new(),
            live: true,
        }
    }

    fn story(id: &str, events: Vec<Event>) -> Story {
        let title = events
            .iter()
            .max_by_key(|e| e.articles.len())
            .map(|e| e.title.clone())
            .unwrap_or_default();
        Story {
            id: id.into(),
            title,
            date_span: DateSpan::default(),
            articles: events.iter().flat_map(|e| e.articles.clone()).collect(),
            events,
            why: Vec::new(),
        }
    }

    fn prev(id: &str, title: &str, articles: &[&str]) -> PreviousStory {
        PreviousStory {
            id: id.into(),
            title: title.into(),
            articles: articles.iter().map(|a| a.to_string()).collect(),
        }
    }

    #[test]
    fn a_merged_story_keeps_the_larger_id_and_the_other_moves() {
        let previous = [
            prev("st-a", "A", &["1", "2", "3"]),
            prev("st-b", "B", &["4"]),
        ];
        let mut current = [story(
            "st-new",
            vec![
                event("e1", "A", &["0", "1", "2", "3"]),
                event("e2", "B", &["4"]),
            ],
        )];
        let id = assign(&previous, &mut current, &HashSet::new());
        assert_eq!(current[0].id, "st-a");
        assert_eq!(
            id.moves,
            [StoryMove {
                from: "st-b".into(),
                to: "st-a".into()
            }]
        );
    }

    #[test]
    fn a_split_keeps_the_id_on_the_larger_part_and_renames_the_other() {
        let previous = [prev("st-a", "A", &["1", "2", "3", "4"])];
        // The engine names the smaller part st-a (it holds the founder).
        let mut current = [
            story("st-a", vec![event("e1", "A", &["1"])]),
            story("st-x", vec![event("e2", "C", &["2", "3", "4"])]),
        ];
        let id = assign(&previous, &mut current, &HashSet::new());
        assert_eq!(current[1].id, "st-a");
        assert_ne!(current[0].id, "st-a");
        assert!(current[0].id.starts_with("st-"));
        assert!(id.moves.is_empty());
    }

    #[test]
    fn a_new_story_never_takes_an_id_that_redirects() {
        let moved: HashSet<String> = ["st-gone".to_string()].into();
        let mut current = [story("st-gone", vec![event("e", "T", &["9"])])];
        assign(&[], &mut current, &moved);
        assert_ne!(current[0].id, "st-gone");
    }

    #[test]
    fn the_title_holds_until_the_lead_changes_materially() {
        let previous = [prev("st-a", "First", &["1", "2"])];
        let mut current = [story(
            "st-a",
            vec![
                event("e1", "First", &["1", "2"]),
                event("e2", "Second", &["3", "4", "5"]),
            ],
        )];
        assign(&previous, &mut current, &HashSet::new());
        assert_eq!(current[0].title, "First");
        let mut current = [story(
            "st-a",
            vec![
                event("e1", "First", &["1", "2"]),
                event("e2", "Second", &["3", "4", "5", "6", "7"]),
            ],
        )];
        assign(&previous, &mut current, &HashSet::new());
        assert_eq!(current[0].title, "Second");
    }
}
