//! Entity kinds and the BILOU tag set the tagger predicts.
//!
//! BILOU (Begin, Inside, Last, Unit, Outside) instead of the IOB tags of the
//! CoNLL files: marking the last token and single-token entities explicitly
//! gives the linear model more to learn from, and Viterbi with hard transition
//! constraints guarantees well-formed spans.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::Range;

/// The four CoNLL-2003 entity types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    /// People (PER).
    Person,
    /// Companies, institutions, teams, parties (ORG).
    Organization,
    /// Countries, cities, regions, geographic features (LOC).
    Location,
    /// Nationalities, events, works, other names (MISC).
    Misc,
}

impl EntityKind {
    pub const ALL: [EntityKind; 4] = [
        EntityKind::Person,
        EntityKind::Organization,
        EntityKind::Location,
        EntityKind::Misc,
    ];

    /// The CoNLL label: `PER`, `ORG`, `LOC`, `MISC`.
    pub fn conll(&self) -> &'static str {
        match self {
            EntityKind::Person => "PER",
            EntityKind::Organization => "ORG",
            EntityKind::Location => "LOC",
            EntityKind::Misc => "MISC",
        }
    }

    /// Parses a CoNLL label (`PER`, `ORG`, `LOC`, `MISC`).
    pub fn from_conll(label: &str) -> Option<EntityKind> {
        match label {
            "PER" => Some(EntityKind::Person),
            "ORG" => Some(EntityKind::Organization),
            "LOC" => Some(EntityKind::Location),
            "MISC" => Some(EntityKind::Misc),
            _ => None,
        }
    }

    pub(crate) fn index(self) -> usize {
        match self {
            EntityKind::Person => 0,
            EntityKind::Organization => 1,
            EntityKind::Location => 2,
            EntityKind::Misc => 3,
        }
    }
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.conll())
    }
}

/// Number of BILOU tags: `O` plus B, I, L, U for each of the four kinds.
pub const N_TAGS: usize = 17;
/// The outside tag.
pub const OUTSIDE: u8 = 0;

const B: u8 = 0;
const I: u8 = 1;
const L: u8 = 2;
const U: u8 = 3;

pub(crate) fn tag(kind: EntityKind, position: u8) -> u8 {
    1 + kind.index() as u8 * 4 + position
}

/// Kind and position (0 B, 1 I, 2 L, 3 U) of a non-`O` tag.
pub(crate) fn split(tag: u8) -> Option<(EntityKind, u8)> {
    if tag == OUTSIDE || tag as usize >= N_TAGS {
        return None;
    }
    let k = (tag - 1) / 4;
    Some((EntityKind::ALL[k as usize], (tag - 1) % 4))
}

/// Whether `next` may follow `prev` in a well-formed BILOU sequence.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn transition_allowed(prev: u8, next: u8) -> bool {
    match (split(prev), split(next)) {
        (Some((pk, pp)), n) if pp == B || pp == I => {
            matches!(n, Some((nk, np)) if nk == pk && (np == I || np == L))
        }
        (_, Some((_, np))) => np == B || np == U,
        (_, None) => true,
    }
}

pub(crate) fn start_allowed(tag: u8) -> bool {
    !matches!(split(tag), Some((_, p)) if p == I || p == L)
}

pub(crate) fn end_allowed(tag: u8) -> bool {
    !matches!(split(tag), Some((_, p)) if p == B || p == I)
}

/// Token-index spans of entities in a sentence of IOB labels (`B-PER`,
/// `I-ORG`, `O`), read the way conlleval reads them: an `I-X` that does not
/// continue an `X` entity opens a new one.
pub fn iob_spans<S: AsRef<str>>(labels: &[S]) -> Vec<(Range<usize>, EntityKind)> {
    let mut spans = Vec::new();
    let mut open: Option<(usize, EntityKind)> = None;
    for (i, label) in labels.iter().enumerate() {
        let label = label.as_ref();
        let (prefix, kind) = match label.split_once('-') {
            Some((p, k)) => (p, EntityKind::from_conll(k)),
            None => ("O", None),
        };
        let continues =
            prefix == "I" && matches!((open, kind), (Some((_, ok)), Some(k)) if ok == k);
        if !continues {
            if let Some((start, k)) = open.take() {
                spans.push((start..i, k));
            }
            if let Some(k) = kind {
                open = Some((i, k));
            }
        }
    }
    if let Some((start, k)) = open {
        spans.push((start..labels.len(), k));
    }
    spans
}

/// BILOU tags for a sentence given its entity spans.
pub(crate) fn spans_to_bilou(len: usize, spans: &[(Range<usize>, EntityKind)]) -> Vec<u8> {
    let mut tags = vec![OUTSIDE; len];
    for (range, kind) in spans {
        let (start, end) = (range.start, range.end.min(len));
        if end <= start {
            continue;
        }
        if end - start == 1 {
            tags[start] = tag(*kind, U);
        } else {
            tags[start] = tag(*kind, B);
            for t in tags.iter_mut().take(end - 1).skip(start + 1) {
                *t = tag(*kind, I);
            }
            tags[end - 1] = tag(*kind, L);
        }
    }
    tags
}

/// Entity spans from BILOU tags. Lenient: a broken sequence (which Viterbi
/// never produces) still yields spans rather than losing tokens.
pub(crate) fn bilou_spans(tags: &[u8]) -> Vec<(Range<usize>, EntityKind)> {
    let mut spans = Vec::new();
    let mut open: Option<(usize, EntityKind)> = None;
    for (i, &t) in tags.iter().enumerate() {
        match split(t) {
            None => {
                if let Some((s, k)) = open.take() {
                    spans.push((s..i, k));
                }
            }
            Some((k, p)) => {
                let continues = matches!(open, Some((_, ok)) if ok == k) && (p == I || p == L);
                if !continues {
                    if let Some((s, ok)) = open.take() {
                        spans.push((s..i, ok));
                    }
                    open = Some((i, k));
                }
                if p == L || p == U {
                    if let Some((s, ok)) = open.take() {
                        spans.push((s..i + 1, ok));
                    }
                }
            }
        }
    }
    if let Some((s, k)) = open {
        spans.push((s..tags.len(), k));
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iob_reading_follows_conlleval() {
        let labels = ["B-PER", "I-PER", "O", "I-LOC", "B-LOC", "I-ORG"];
        let spans = iob_spans(&labels);
        assert_eq!(
            spans,
            vec![
                (0..2, EntityKind::Person),
                (3..4, EntityKind::Location),
                (4..5, EntityKind::Location),
                (5..6, EntityKind::Organization),
            ]
        );
    }

    #[test]
    fn bilou_round_trip() {
        let spans = vec![(0..1, EntityKind::Misc), (2..5, EntityKind::Person)];
        let tags = spans_to_bilou(6, &spans);
        assert_eq!(bilou_spans(&tags), spans);
        for w in tags.windows(2) {
            assert!(transition_allowed(w[0], w[1]));
        }
        assert!(start_allowed(tags[0]) && end_allowed(tags[5]));
    }

    #[test]
    fn constraints_reject_broken_sequences() {
        let b_per = tag(EntityKind::Person, B);
        let l_org = tag(EntityKind::Organization, L);
        assert!(!transition_allowed(b_per, OUTSIDE));
        assert!(!transition_allowed(b_per, l_org));
        assert!(!transition_allowed(OUTSIDE, l_org));
        assert!(!start_allowed(l_org));
        assert!(!end_allowed(b_per));
    }
}
