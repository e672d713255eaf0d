//! Outlets, their political lean, and blindspots.
//!
//! The table ships as `data/outlets.tsv` (every rating with its source) and
//! can be replaced or extended by a user file in the same format. An
//! article is matched by its URL's host first, then by outlet name;
//! outlets the table does not know are counted as unknown, never guessed.

use crate::CompareError;
use parallax_model::Article;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

const SHIPPED: &str = include_str!("../data/outlets.tsv");

/// One row of the outlets table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutletInfo {
    pub name: String,
    pub aliases: Vec<String>,
    pub domains: Vec<String>,
    pub country: Option<String>,
    /// -3 (far left) ..= +3 (far right); `None` when unknown.
    pub lean: Option<i8>,
    pub label: String,
    pub owner: Option<String>,
    /// Where the rating comes from.
    pub source: String,
}

/// How an article was matched to a row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutletMatch {
    pub outlet: OutletInfo,
    /// `domain` or `name`.
    pub matched_by: String,
}

/// The outlets table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutletTable {
    pub outlets: Vec<OutletInfo>,
}

fn normalise_name(s: &str) -> String {
    let lower = s.trim().to_lowercase();
    let lower = lower.strip_prefix("the ").unwrap_or(&lower);
    lower
        .chars()
        .filter(|c| c.is_alphanumeric() || c.is_whitespace())
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The host of a URL (or a bare domain), lower case, without `www.`.
pub fn host_of(url: &str) -> Option<String> {
    let rest = url.trim();
    let rest = rest.split_once("://").map(|(_, r)| r).unwrap_or(rest);
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit_once('@').map(|(_, h)| h).unwrap_or(host);
    let host = host.split(':').next()?.trim_end_matches('.').to_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    (!host.is_empty() && host.contains('.')).then_some(host)
}

impl OutletTable {
    /// The shipped table, parsed once.
    pub fn shipped() -> &'static OutletTable {
        static TABLE: OnceLock<OutletTable> = OnceLock::new();
        // The shipped file is tested to parse; an empty table is a safe
        // fallback (everything reads as unknown).
        TABLE.get_or_init(|| OutletTable::parse(SHIPPED).unwrap_or_default())
    }

    /// Parse the tab-separated format described in `data/outlets.tsv`.
    pub fn parse(text: &str) -> Result<OutletTable, CompareError> {
        let mut outlets = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let n = n + 1;
            if line.trim().is_empty() || line.starts_with('#') || line.starts_with("name\t") {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
            if cols.len() != 7 {
                return Err(CompareError::Outlets(format!(
                    "line {n}: expected 7 tab-separated columns, found {}",
                    cols.len()
                )));
            }
            let mut names = cols[0].split('|').map(str::trim).filter(|s| !s.is_empty());
            let Some(name) = names.next() else {
                return Err(CompareError::Outlets(format!("line {n}: empty name")));
            };
            let lean = match cols[3] {
                "unknown" | "" | "?" => None,
                v => {
                    let x: i8 = v.trim_start_matches('+').parse().map_err(|_| {
                        CompareError::Outlets(format!(
                            "line {n}: lean must be -3..3 or `unknown`, found `{v}`"
                        ))
                    })?;
                    if !(-3..=3).contains(&x) {
                        return Err(CompareError::Outlets(format!(
                            "line {n}: lean {x} outside -3..3"
                        )));
                    }
                    Some(x)
                }
            };
            let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
            outlets.push(OutletInfo {
                name: name.to_string(),
                aliases: names.map(str::to_string).collect(),
                domains: cols[1].split(',').filter_map(host_of).collect(),
                country: opt(cols[2]),
                lean,
                label: cols[4].to_string(),
                owner: opt(cols[5]),
                source: cols[6].to_string(),
            });
        }
        Ok(OutletTable { outlets })
    }

    /// The shipped table with rows from a user file added; a user row with
    /// the same name as a shipped one replaces it.
    pub fn with_override(path: &Path) -> Result<OutletTable, CompareError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| CompareError::Outlets(format!("{}: {e}", path.display())))?;
        let user = OutletTable::parse(&text)?;
        let mut table = OutletTable::shipped().clone();
        table.merge(user);
        Ok(table)
    }

    /// Add rows, replacing same-named ones.
    pub fn merge(&mut self, other: OutletTable) {
        for row in other.outlets {
            let key = normalise_name(&row.name);
            self.outlets.retain(|o| normalise_name(&o.name) != key);
            self.outlets.push(row);
        }
    }

    /// The row for a URL's host (sub-domains match their parent domain).
    pub fn by_domain(&self, url: &str) -> Option<&OutletInfo> {
        let host = host_of(url)?;
        self.outlets
            .iter()
            .filter_map(|o| {
                o.domains
                    .iter()
                    .filter(|d| host == **d || host.ends_with(&format!(".{d}")))
                    .map(|d| d.len())
                    .max()
                    .map(|len| (len, o))
            })
            .max_by_key(|(len, _)| *len)
            .map(|(_, o)| o)
    }

    /// The row for an outlet name or alias (case, `The` and punctuation
    /// ignored).
    pub fn by_name(&self, name: &str) -> Option<&OutletInfo> {
        let key = normalise_name(name);
        if key.is_empty() {
            return None;
        }
        self.outlets.iter().find(|o| {
            std::iter::once(&o.name)
                .chain(o.aliases.iter())
                .any(|n| normalise_name(n) == key)
        })
    }

    /// Match an article by URL, then by its outlet name.
    pub fn match_article(&self, article: &Article) -> Option<OutletMatch> {
        if let Some(o) = article.url.as_deref().and_then(|u| self.by_domain(u)) {
            return Some(OutletMatch {
                outlet: o.clone(),
                matched_by: "domain".into(),
            });
        }
        if let Some(o) = article.outlet.as_deref().and_then(|n| self.by_name(n)) {
            return Some(OutletMatch {
                outlet: o.clone(),
                matched_by: "name".into(),
            });
        }
        // An outlet field holding a domain (`jpost.com`).
        article
            .outlet
            .as_deref()
            .and_then(|n| self.by_domain(n))
            .map(|o| OutletMatch {
                outlet: o.clone(),
                matched_by: "domain".into(),
            })
    }
}

/// A side of the left–right scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Left,
    Centre,
    Right,
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
            match m.as_ref().and_then(|m| m.outlet.lean) {
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

    #[test]
    fn shipped_table_parses_with_sources() {
        let t = OutletTable::parse(SHIPPED).expect("shipped table");
        assert!(t.outlets.len() >= 40);
        assert!(t.outlets.iter().all(|o| !o.source.is_empty()));
    }

    #[test]
    fn matches_by_domain_and_name() {
        let t = OutletTable::shipped();
        let o = t
            .by_domain("https://www.jpost.com/diaspora/article-1")
            .expect("jpost");
        assert_eq!(o.name, "The Jerusalem Post");
        assert_eq!(o.lean, Some(0));
        assert_eq!(
            t.by_domain("http://electronicintifada.net/x")
                .map(|o| o.lean),
            Some(Some(-2))
        );
        assert_eq!(
            t.by_name("israel national news").map(|o| o.lean),
            Some(None)
        );
        assert_eq!(
            t.by_name("Electronic Intifada").map(|o| o.name.as_str()),
            Some("The Electronic Intifada")
        );
        assert!(t.by_domain("https://notjpost.com/").is_none());
        assert!(t.by_domain("not a url").is_none());
        assert!(t.by_name("").is_none());
    }

    #[test]
    fn bad_rows_are_errors() {
        assert!(OutletTable::parse("X\tx.com\tGB\t5\tl\t\ts").is_err());
        assert!(OutletTable::parse("X\tx.com\tGB\tleft\tl\t\ts").is_err());
        assert!(OutletTable::parse("X\tx.com").is_err());
        assert!(OutletTable::parse("\tx.com\tGB\t1\tl\t\ts").is_err());
    }

    #[test]
    fn override_replaces_rows() {
        let mut t = OutletTable::shipped().clone();
        let user =
            OutletTable::parse("The Guardian\ttheguardian.com\tGB\t-1\tcentre-left\t\tmy rating")
                .expect("user");
        t.merge(user);
        assert_eq!(
            t.by_domain("theguardian.com").map(|o| o.lean),
            Some(Some(-1))
        );
        assert_eq!(
            t.outlets
                .iter()
                .filter(|o| o.name == "The Guardian")
                .count(),
            1
        );
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
