//! Ratings of outlets by named sources, kept side by side: each with its
//! source's own label, the scale that label belongs to, the date it was
//! collected, and the page that states it. Nothing here blends them; the
//! one derived figure, [`combined_lean`], says how it is computed.

use serde::{Deserialize, Serialize};

/// A publisher of ratings, as this registry cites it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RatingSource {
    /// Id used in `ratings.tsv` (`allsides-2019`).
    pub id: &'static str,
    pub name: &'static str,
    /// The labels of its lean scale, left to right.
    pub scale: &'static [&'static str],
    /// When the ratings were collected.
    pub as_of: &'static str,
    /// Where the collection is described.
    pub citation: &'static str,
}

/// The rating sources the shipped table cites.
pub const SOURCES: &[RatingSource] = &[
    RatingSource {
        id: "allsides-2019",
        name: "AllSides media bias ratings",
        scale: &["left", "left-center", "center", "right-center", "right"],
        as_of: "2019-10-18",
        citation: "AllSides ratings as collected by favstats/AllSideR on 2019-10-18; \
                   each rating's page is cited with it",
    },
    RatingSource {
        id: "mbfc-baly2018",
        name: "Media Bias/Fact Check (Baly et al. 2018)",
        scale: &[
            "extreme-left",
            "left",
            "left-center",
            "center",
            "right-center",
            "right",
            "extreme-right",
        ],
        as_of: "2018",
        citation: "Baly, Karadzhov, Alexandrov, Glass, Nakov: Predicting Factuality of \
                   Reporting and Bias of News Media Sources, EMNLP 2018 (MBFC labels)",
    },
    RatingSource {
        id: "mbfc-baly2020",
        name: "Media Bias/Fact Check (Baly et al. 2020)",
        scale: &[
            "extreme-left",
            "left",
            "left-center",
            "center",
            "right-center",
            "right",
            "extreme-right",
        ],
        as_of: "2020",
        citation: "Baly, Da San Martino, Glass, Nakov: We Can Detect Your Bias: \
                   Predicting the Political Ideology of News Articles, EMNLP 2020 / \
                   ACL 2020 media data (MBFC labels)",
    },
];

/// The source with this id, shipped or not.
pub fn source(id: &str) -> Option<&'static RatingSource> {
    SOURCES.iter().find(|s| s.id == id)
}

/// One source's rating of one outlet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    /// Source id (`allsides-2019`, `mbfc-baly2020`, or a user's own).
    pub source: String,
    /// The label as the source words it (`left-center`).
    pub rating: String,
    /// Factuality where the source rates it (MBFC: `low`, `mixed`, `high`).
    pub factuality: Option<String>,
    /// The page that states the rating.
    pub citation: String,
}

impl Rating {
    /// The label on the common −3 … +3 scale: MBFC's seven labels map one
    /// to one (`extreme-left` −3 … `extreme-right` +3); AllSides' five map
    /// to −2 … +2 (its `left` is MBFC's `left`); anything else (AllSides'
    /// `allsides` = mixed, a user's own words) has no place on it.
    pub fn lean(&self) -> Option<i8> {
        lean_of_label(&self.rating)
    }
}

/// See [`Rating::lean`].
pub fn lean_of_label(label: &str) -> Option<i8> {
    match label
        .trim()
        .to_ascii_lowercase()
        .replace([' ', '_'], "-")
        .as_str()
    {
        "extreme-left" | "far-left" => Some(-3),
        "left" => Some(-2),
        "left-center" | "lean-left" | "left-centre" => Some(-1),
        "center" | "centre" | "least-biased" => Some(0),
        "right-center" | "lean-right" | "right-centre" => Some(1),
        "right" => Some(2),
        "extreme-right" | "far-right" => Some(3),
        _ => None,
    }
}

/// A lean computed from several ratings, with how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CombinedLean {
    /// The mean of the ratings' leans on the −3 … +3 scale.
    pub value: f32,
    /// Rounded to the nearest step, for left / centre / right sides.
    pub step: i8,
    /// How it was computed, naming every rating used.
    pub explanation: String,
}

/// The plain mean of every rating that has a place on the −3 … +3 scale
/// (see [`Rating::lean`]), each source counted once; `None` when no rating
/// has one. The explanation lists the ratings it averaged.
pub fn combined_lean(ratings: &[Rating]) -> Option<CombinedLean> {
    let used: Vec<(&Rating, i8)> = ratings
        .iter()
        .filter_map(|r| Some((r, r.lean()?)))
        .collect();
    if used.is_empty() {
        return None;
    }
    let value = used.iter().map(|(_, l)| f32::from(*l)).sum::<f32>() / used.len() as f32;
    let parts: Vec<String> = used
        .iter()
        .map(|(r, l)| format!("{} {} ({l:+})", r.source, r.rating))
        .collect();
    let explanation = if used.len() == 1 {
        format!("one rating: {}", parts.join(""))
    } else {
        format!(
            "mean of {} ratings on the −3…+3 scale: {} = {value:+.2}",
            used.len(),
            parts.join(", ")
        )
    };
    Some(CombinedLean {
        value,
        step: value.round() as i8,
        explanation,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rating(source: &str, label: &str) -> Rating {
        Rating {
            source: source.into(),
            rating: label.into(),
            factuality: None,
            citation: "https://example.invalid/".into(),
        }
    }

    #[test]
    fn labels_map_to_one_scale_and_mixed_has_no_place() {
        assert_eq!(lean_of_label("left-center"), Some(-1));
        assert_eq!(lean_of_label("Right Center"), Some(1));
        assert_eq!(lean_of_label("extreme-right"), Some(3));
        assert_eq!(lean_of_label("allsides"), None);
    }

    #[test]
    fn combined_lean_is_a_mean_that_names_its_parts() {
        let c = combined_lean(&[
            rating("allsides-2019", "left-center"),
            rating("mbfc-baly2020", "left"),
            rating("allsides-2019-b", "allsides"),
        ])
        .expect("two usable ratings");
        assert!((c.value + 1.5).abs() < 1e-6);
        assert_eq!(c.step, -2);
        assert!(c.explanation.contains("allsides-2019 left-center (-1)"));
        assert!(c.explanation.contains("mbfc-baly2020 left (-2)"));
        assert!(combined_lean(&[rating("x", "allsides")]).is_none());
    }

    #[test]
    fn every_source_has_a_scale_and_a_citation() {
        for s in SOURCES {
            assert!(!s.scale.is_empty() && !s.citation.is_empty());
            assert!(s.scale.iter().all(|l| lean_of_label(l).is_some()));
        }
    }
}
