//! Story arcs: chains of event clusters about one developing story.
//!
//! Events are deliberately tight (one happening, a few days). A story — an
//! election, a scandal — spans many events whose vocabulary overlaps less
//! than an event's own documents do. Arcs link two events when the cosine
//! similarity of their TF-IDF term profiles reaches
//! [`ArcConfig::min_similarity`] and, when dated, they lie within
//! [`ArcConfig::max_gap_days`] of each other; arcs are the connected
//! components of those links. Linking reads only cluster profiles, so its
//! cost follows the number of events, not of documents.

use crate::stream::{ClusterId, Signature, StreamClusterer};
use chrono::NaiveDate;
use rustc_hash::FxHashMap;

/// Settings for linking events into arcs.
#[derive(Debug, Clone, PartialEq)]
pub struct ArcConfig {
    /// Cosine similarity of two events' term profiles needed to link them.
    pub min_similarity: f64,
    /// Largest gap, in days, between two dated events that may be linked.
    pub max_gap_days: i64,
    /// Terms per event profile.
    pub profile_terms: usize,
    /// Terms found in more event profiles than this do not propose links
    /// (they still count in the similarity); bounds the cost.
    pub max_events_per_term: usize,
}

impl Default for ArcConfig {
    fn default() -> Self {
        ArcConfig {
            min_similarity: 0.4,
            max_gap_days: 30,
            profile_terms: 24,
            max_events_per_term: 500,
        }
    }
}

/// One story arc.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryArc {
    /// Member events, oldest first (undated ones last, by id).
    pub events: Vec<ClusterId>,
    /// Documents in all member events.
    pub documents: usize,
    pub first_date: Option<NaiveDate>,
    pub last_date: Option<NaiveDate>,
    /// Heaviest terms over the member events.
    pub top_terms: Vec<String>,
}

/// All arcs of a clusterer's events, largest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoryArcs {
    pub arcs: Vec<StoryArc>,
    arc_of_event: FxHashMap<ClusterId, usize>,
}

impl StoryArcs {
    /// Index into [`Self::arcs`] of the arc holding an event.
    pub fn arc_of(&self, event: ClusterId) -> Option<usize> {
        self.arc_of_event.get(&event).copied()
    }
}

struct DisjointSets {
    parent: Vec<usize>,
}

impl DisjointSets {
    fn new(n: usize) -> Self {
        DisjointSets {
            parent: (0..n).collect(),
        }
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.parent[ra.max(rb)] = ra.min(rb);
        }
    }
}

fn within_gap(a: &Signature, b: &Signature, max_gap: i64) -> bool {
    match (a.first_date, a.last_date, b.first_date, b.last_date) {
        (Some(af), Some(al), Some(bf), Some(bl)) => {
            let gap = if al < bf {
                (bf - al).num_days()
            } else if bl < af {
                (af - bl).num_days()
            } else {
                0
            };
            gap <= max_gap
        }
        _ => true,
    }
}

/// Links the clusterer's events into story arcs.
pub fn story_arcs(clusterer: &StreamClusterer, config: &ArcConfig) -> StoryArcs {
    let profiles = clusterer.signatures(config.profile_terms);
    let mut by_term: FxHashMap<u32, Vec<usize>> = FxHashMap::default();
    for (i, p) in profiles.iter().enumerate() {
        for &(term, _) in &p.terms {
            by_term.entry(term).or_default().push(i);
        }
    }
    let mut sets = DisjointSets::new(profiles.len());
    let mut dot = vec![0.0f64; profiles.len()];
    let mut touched = Vec::new();
    for (i, p) in profiles.iter().enumerate() {
        for &(term, weight) in &p.terms {
            let Some(events) = by_term.get(&term) else {
                continue;
            };
            if events.len() > config.max_events_per_term {
                continue;
            }
            for &j in events {
                if j <= i {
                    continue;
                }
                if dot[j] == 0.0 {
                    touched.push(j);
                }
                dot[j] += weight * term_weight(&profiles[j], term);
            }
        }
        for &j in &touched {
            if std::mem::take(&mut dot[j]) >= config.min_similarity
                && within_gap(p, &profiles[j], config.max_gap_days)
            {
                sets.union(i, j);
            }
        }
        touched.clear();
    }

    let mut groups: FxHashMap<usize, Vec<usize>> = FxHashMap::default();
    for i in 0..profiles.len() {
        groups.entry(sets.find(i)).or_default().push(i);
    }
    let mut arcs: Vec<StoryArc> = groups
        .into_values()
        .map(|members| build_arc(clusterer, &profiles, members))
        .collect();
    arcs.sort_by(|a, b| {
        b.documents
            .cmp(&a.documents)
            .then(a.events.first().cmp(&b.events.first()))
    });
    let mut arc_of_event = FxHashMap::default();
    for (index, arc) in arcs.iter().enumerate() {
        for &event in &arc.events {
            arc_of_event.insert(event, index);
        }
    }
    StoryArcs { arcs, arc_of_event }
}

fn term_weight(profile: &Signature, term: u32) -> f64 {
    profile
        .terms
        .binary_search_by_key(&term, |&(t, _)| t)
        .map_or(0.0, |i| profile.terms[i].1)
}

fn build_arc(
    clusterer: &StreamClusterer,
    profiles: &[Signature],
    mut members: Vec<usize>,
) -> StoryArc {
    members.sort_by(|&a, &b| {
        let (pa, pb) = (&profiles[a], &profiles[b]);
        // Dated events first, oldest first; then undated by id.
        match (pa.first_date, pb.first_date) {
            (Some(x), Some(y)) => x.cmp(&y).then(pa.id.cmp(&pb.id)),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => pa.id.cmp(&pb.id),
        }
    });
    let mut weights: FxHashMap<u32, f64> = FxHashMap::default();
    let mut documents = 0usize;
    let mut first_date: Option<NaiveDate> = None;
    let mut last_date: Option<NaiveDate> = None;
    for &m in &members {
        let p = &profiles[m];
        documents += p.docs as usize;
        for &(term, w) in &p.terms {
            *weights.entry(term).or_insert(0.0) += w * p.docs as f64;
        }
        if let Some(d) = p.first_date {
            first_date = Some(first_date.map_or(d, |f| f.min(d)));
        }
        if let Some(d) = p.last_date {
            last_date = Some(last_date.map_or(d, |l| l.max(d)));
        }
    }
    let mut ranked: Vec<(u32, f64)> = weights.into_iter().collect();
    ranked.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let top_terms = ranked
        .into_iter()
        .take(10)
        .filter_map(|(t, _)| clusterer.term_text(t).map(str::to_owned))
        .collect();
    StoryArc {
        events: members.into_iter().map(|m| profiles[m].id).collect(),
        documents,
        first_date,
        last_date,
        top_terms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ClusterConfig, ClusterDoc};

    fn dated(text: &str, date: &str) -> ClusterDoc {
        ClusterDoc {
            id: text.into(),
            date: NaiveDate::parse_from_str(date, "%Y-%m-%d").ok(),
            title: text.split_whitespace().map(str::to_owned).collect(),
            ..ClusterDoc::default()
        }
    }

    #[test]
    fn related_events_form_one_arc_and_unrelated_stay_apart() {
        let mut c = StreamClusterer::new(ClusterConfig::default());
        // Two phases of one story (different events, shared names), and an
        // unrelated event.
        for _ in 0..3 {
            c.push(&dated(
                "brexit vote parliament may deal rejected",
                "2019-01-15",
            ));
            c.push(&dated(
                "brexit may deal extension brussels summit",
                "2019-03-21",
            ));
            c.push(&dated(
                "wildfire california evacuation paradise",
                "2019-01-16",
            ));
        }
        c.flush();
        let strict = story_arcs(&c, &ArcConfig::default());
        let labels = c.labels();
        let (vote, summit, fire) = (labels[0], labels[1], labels[2]);
        assert_ne!(vote, summit, "the two phases should be separate events");
        // 65 days apart: too far for the default gap.
        assert_ne!(strict.arc_of(vote), strict.arc_of(summit));
        let loose = story_arcs(
            &c,
            &ArcConfig {
                max_gap_days: 90,
                min_similarity: 0.1,
                ..ArcConfig::default()
            },
        );
        assert_eq!(loose.arc_of(vote), loose.arc_of(summit));
        assert_ne!(loose.arc_of(vote), loose.arc_of(fire));
        let arc = &loose.arcs[loose.arc_of(vote).unwrap()];
        assert_eq!(arc.documents, 6);
        assert_eq!(arc.events, vec![vote, summit]);
        assert!(arc.top_terms.iter().any(|t| t == "brexit"));
    }

    #[test]
    fn empty_clusterer_has_no_arcs() {
        let c = StreamClusterer::new(ClusterConfig::default());
        assert!(story_arcs(&c, &ArcConfig::default()).arcs.is_empty());
    }
}
