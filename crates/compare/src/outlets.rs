//! Outlets' lean as a story's coverage shows it, and blindspots.
//!
//! Who an outlet is and how each source rates it lives in the outlet
//! registry (`parallax-outlets`, with the user's overrides); this module
//! only reads it. An article is matched by the outlet it was resolved to
//! at ingest (any alias, any case), then by its URL's host; outlets the
//! registry does not know, or that no source rates on the left–right
//! scale, are counted as unknown, never guessed.

use parallax_model::Article;
use parallax_outlets::{CombinedLean, Outlet, Registry};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use parallax_outlets::host_of;

/// How an article was matched to a registry outlet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutletMatch {
    /// The registry's row: name, aliases, type, owner, every rating with
    /// its source and citation.
    pub outlet: Outlet,
    /// The lean computed from those ratings, with how
    /// ([`parallax_outlets::combined_lean`]); `None` when no source rates
    /// the outlet on the left–right scale.
    pub lean: Option<CombinedLean>,
    /// How the article's outlet was decided, as a reader should see it
    /// (`domain: nytimes.com`, `manifest`, `field: fox`), or `name` /
    /// `domain` for an article stored without that record.
    pub matched_by: String,
}

impl OutletMatch {
    /// The combined lean rounded to a step of the −3 … +3 scale.
    pub fn lean_step(&self) -> Option<i8> {
        self.lean.as_ref().map(|l| l.step)
    }
}

/// Match an article by the outlet it was resolved to, then by its URL.
pub fn match_article(registry: &Registry, article: &Article) -> Option<OutletMatch> {
    let found = |o: &Outlet, by: &str| OutletMatch {
        outlet: o.clone(),
        lean: o.combined_lean(),
        matched_by: article.outlet_via.clone().unwrap_or_else(|| by.to_string()),
    };
    if let Some(o) = article.outlet.as_deref().and_then(|n| registry.by_name(n)) {
        return Some(found(o, "name"));
    }
    article
        .url
        .as_deref()
        .and_then(|u| registry.by_domain(u))
        .map(|o| found(o, "domain"))
}

/// A side of the left–right scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Left,
    Centre,
    Right,
}

impl Side {
    /// The side of a lean step (`-3` … `3`): below zero left, zero centre.
    pub fn of_step(step: i8) -> Side {
        match step {
            i8::MIN..=-1 => Side::Left,
            0 => Side::Centre,
            _ => Side::Right,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Side::Left => "left",
            Side::Centre => "centre",
            Side::Right => "right",
        }
    }
}

/// How a story's articles spread over the lean scale.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LeanDistribution {
    /// Articles per lean value (`-3` … `3`).
    pub by_lean: BTreeMap<i8, usize>,
    pub left: usize,
    pub centre: usize,
    pub right: usize,
    /// Articles whose outlet is not in the table or has no rating.
    pub unknown: usize,
    /// Mean lean of the rated articles.
    pub mean: Option<f32>,
}

impl LeanDistribution {
    pub fn from_matches(matches: &[Option<OutletMatch>]) -> LeanDistribution {
        let mut d = LeanDistribution::default();
        let mut sum = 0i32;
        for m in matches {
            match m.as_ref().and_then(OutletMatch::lean_step) {
                Some(l) => {
                    *d.by_lean.entry(l).or_default() += 1;
                    sum += l as i32;
                    match l.signum() {
                        -1 => d.left += 1,
                        0 => d.centre += 1,
                        _ => d.right += 1,
                    }
                }
                None => d.unknown += 1,
            }
        }
        let rated = d.left + d.centre + d.right;
        if rated > 0 {
            d.mean = Some(((sum as f32 / rated as f32) * 100.0).round() / 100.0);
        }
        d
    }

    /// Articles with a known lean.
    pub fn rated(&self) -> usize {
        self.left + self.centre + self.right
    }
}

/// A story and its lean distribution, as input to [`blindspots`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryLean {
    pub story: String,
    pub lean: LeanDistribution,
}

/// A story covered by one side of the scale and not the other.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Blindspot {
    pub story: String,
    /// The side that covered it.
    pub covered_by: Side,
    /// The side that did not.
    pub missed_by: Side,
    /// Rated articles on the covering side.
    pub articles: usize,
    /// Rated articles in the story (centre included).
    pub rated: usize,
}

/// Stories covered by outlets of one side only: at least `min_rated`
/// rated articles, at least one on one side and none on the other. Centre
/// outlets do not break a blindspot (a story the left ignores is still a
/// blindspot for the left when the centre covers it).
pub fn blindspots(stories: &[StoryLean], min_rated: usize) -> Vec<Blindspot> {
    stories
        .iter()
        .filter(|s| s.lean.rated() >= min_rated.max(1))
        .filter_map(|s| {
            let (covered_by, missed_by, n) = match (s.lean.left, s.lean.right) {
                (l, 0) if l > 0 => (Side::Left, Side::Right, l),
                (0, r) if r > 0 => (Side::Right, Side::Left, r),
                _ => return None,
            };
            Some(Blindspot {
                story: s.story.clone(),
                covered_by,
                missed_by,
                articles: n,
                rated: s.lean.rated(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(outlet: Option<&str>, url: Option<&str>) -> Article {
        Article {
            id: "a".into(),
            origin: parallax_model::Origin::file("a"),
            format: parallax_model::SourceFormat::Text,
            url: url.map(str::to_string),
            outlet: outlet.map(str::to_string),
            title: None,
            author: None,
            published: None,
            language: None,
            text: "Text.".into(),
            blocks: Vec::new(),
            removed: Vec::new(),
            offsets: Default::default(),
            warnings: Vec::new(),
            outlet_via: None,
            genre: None,
        }
    }

    #[test]
    fn matches_by_resolved_name_then_domain() {
        let r = Registry::shipped();
        let by_url = match_article(
            r,
            &article(None, Some("https://www.jpost.com/diaspora/a-1")),
        )
        .expect("jpost");
        assert_eq!(by_url.outlet.name, "The Jerusalem Post");
        assert_eq!(by_url.matched_by, "domain");
        assert!(by_url
            .lean
            .as_ref()
            .is_some_and(|l| !l.explanation.is_empty()));
        let by_alias = match_article(r, &article(Some("FOX"), None)).expect("fox");
        assert_eq!(by_alias.outlet.name, "Fox News");
        assert_eq!(by_alias.lean_step().map(i8::signum), Some(1));
        // The resolved name wins over a URL of another outlet (a syndicated
        // copy is the publisher's article).
        let syndicated = match_article(r, &article(Some("nyt"), Some("https://jpost.com/x")));
        assert_eq!(
            syndicated.map(|m| m.outlet.name),
            Some("The New York Times".to_string())
        );
        assert!(match_article(r, &article(Some("The Eastport Echo"), Some("not a url"))).is_none());
        assert!(match_article(r, &article(None, None)).is_none());
    }

    #[test]
    fn blindspot_needs_one_side_only() {
        let lean = |left, centre, right| LeanDistribution {
            left,
            centre,
            right,
            ..Default::default()
        };
        let stories = vec![
            StoryLean {
                story: "a".into(),
                lean: lean(3, 1, 0),
            },
            StoryLean {
                story: "b".into(),
                lean: lean(2, 0, 1),
            },
            StoryLean {
                story: "c".into(),
                lean: lean(0, 0, 1),
            },
            StoryLean {
                story: "d".into(),
                lean: lean(0, 4, 2),
            },
        ];
        let b = blindspots(&stories, 2);
        assert_eq!(b.len(), 2);
        assert_eq!((b[0].story.as_str(), b[0].missed_by), ("a", Side::Right));
        assert_eq!((b[1].story.as_str(), b[1].missed_by), ("d", Side::Left));
    }
}
