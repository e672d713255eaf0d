//! Joining the mentions of one entity within a document.
//!
//! News writes a name in full once and shortens it afterwards: `Chris
//! Williamson` then `Williamson`, `National Executive Committee` then `NEC`,
//! `the Labour Party` then `Labour`. Grouping these lets later stages count
//! and attribute per entity rather than per spelling. The rules are
//! deliberately conservative: a short form joins a longer name only when the
//! match is unambiguous or, failing that, to the nearest full mention before
//! it.

use crate::ner::{Entity, EntityKind};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One entity of a document and all its mentions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityGroup {
    /// The fullest form used in the document (most words; ties: most used,
    /// then first seen).
    pub name: String,
    pub kind: EntityKind,
    /// Indices into the entity list given to [`group_mentions`], in text
    /// order.
    pub mentions: Vec<usize>,
}

/// Words that may follow an organisation's short name in its full name
/// (`Labour` / `Labour Party`, `Siemens` / `Siemens AG`).
const ORG_SUFFIXES: &[&str] = &[
    "party",
    "inc",
    "inc.",
    "corp",
    "corp.",
    "corporation",
    "co",
    "co.",
    "company",
    "ltd",
    "ltd.",
    "plc",
    "group",
    "ag",
    "sa",
    "llc",
    "holdings",
    "international",
];

/// Words skipped when forming an acronym (`Bank of England` → `BOE`/`BoE`).
const ACRONYM_SKIP: &[&str] = &["of", "the", "and", "for", "&", "de", "in", "on"];

/// Titles that news puts before a person's name and the tagger often keeps
/// in the span (`Mr Lewis`, `Sen. Warren`, `President Trump`). Only words
/// that rarely open an organisation's name: `General` (`General Motors`) and
/// `Justice` (`Justice Department`) are left out on purpose.
const HONORIFICS: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "dr",
    "prof",
    "professor",
    "sir",
    "dame",
    "lord",
    "lady",
    "baroness",
    "rev",
    "reverend",
    "rabbi",
    "imam",
    "sen",
    "senator",
    "rep",
    "representative",
    "congressman",
    "congresswoman",
    "gov",
    "governor",
    "president",
    "mayor",
    "chancellor",
    "judge",
];

/// Two-word titles (`Prime Minister May`).
const HONORIFIC_PAIRS: &[(&str, &str)] = &[
    ("prime", "minister"),
    ("vice", "president"),
    ("first", "minister"),
];

/// Number of leading title words (`former`, honorifics) in lower-cased
/// words, always leaving at least one word of name.
fn honorific_len(words: &[&str]) -> usize {
    let mut at = 0;
    loop {
        let rest = &words[at..];
        let bare = |w: &str| w.trim_end_matches('.').to_string();
        let step = if rest.len() >= 3
            && HONORIFIC_PAIRS.contains(&(bare(rest[0]).as_str(), bare(rest[1]).as_str()))
        {
            2
        } else if rest.len() >= 2
            && (HONORIFICS.contains(&bare(rest[0]).as_str())
                || (rest[0] == "former" && honorific_len(&rest[1..]) > 0))
        {
            1
        } else {
            0
        };
        if step == 0 {
            return at;
        }
        at += step;
    }
}

/// A name reduced for comparison: lower case, no leading `the`, no leading
/// title (`Mr`, `Sen.`, `President`), no trailing possessive, quotes and
/// dashes folded, single spaces. Dropping the title lets `Mr Lewis` join
/// `Ivan Lewis`. Also useful for joining the same entity across documents.
pub fn alias_key(name: &str) -> String {
    let folded: String = name
        .chars()
        .map(|c| match c {
            '\u{2019}' | '\u{2018}' | '`' => '\'',
            '\u{2013}' | '\u{2014}' => '-',
            c => c,
        })
        .collect::<String>()
        .to_lowercase();
    let mut words: Vec<&str> = folded.split_whitespace().collect();
    if words.len() > 1 && words[0] == "the" {
        words.remove(0);
    }
    let titles = honorific_len(&words);
    words.drain(..titles);
    let mut key = words.join(" ");
    for suffix in ["'s", "'"] {
        if key.len() > suffix.len() + 1 && key.ends_with(suffix) {
            key.truncate(key.len() - suffix.len());
            break;
        }
    }
    key
}

fn words(key: &str) -> Vec<&str> {
    key.split(' ').filter(|w| !w.is_empty()).collect()
}

/// `NEC`, `U.N.`, `BoE`: the letters of an acronym, upper-cased, when the
/// mention looks like one.
fn acronym_letters(text: &str) -> Option<String> {
    let letters: String = text.chars().filter(|c| *c != '.').collect();
    let n = letters.chars().count();
    let uppers = letters.chars().filter(|c| c.is_uppercase()).count();
    let ok = (2..=8).contains(&n)
        && letters.chars().all(char::is_alphabetic)
        && uppers >= 2
        && uppers * 3 >= n * 2;
    ok.then(|| letters.to_uppercase())
}

/// Initials of a multi-word name, skipping function words.
fn initials(key: &str) -> Option<String> {
    let ws = words(key);
    if ws.len() < 2 {
        return None;
    }
    let s: String = ws
        .iter()
        .filter(|w| !ACRONYM_SKIP.contains(w))
        .filter_map(|w| w.chars().next())
        .collect::<String>()
        .to_uppercase();
    (s.chars().count() >= 2).then_some(s)
}

/// `Labour` for `Labour Party` or `British Labour Party`: the short name
/// inside the long one, with only company/party words after it and at most
/// one nationality-like word (`British`, `Israeli`) before it.
fn org_short_form(short: &[&str], long: &[&str]) -> bool {
    let Some(at) =
        (0..=long.len().saturating_sub(short.len())).find(|&i| long[i..].starts_with(short))
    else {
        return false;
    };
    let before = &long[..at];
    let after = &long[at + short.len()..];
    let demonym = |w: &&str| {
        ["ish", "ian", "an", "ese", "i", "ic"]
            .iter()
            .any(|s| w.ends_with(s))
    };
    (before.is_empty() || (before.len() == 1 && before.iter().all(demonym)))
        && after.iter().all(|w| ORG_SUFFIXES.contains(w))
}

struct Draft {
    key: String,
    kind: EntityKind,
    mentions: Vec<usize>,
    /// Merged into another draft.
    into: Option<usize>,
}

/// Groups the entities of one document (as returned by
/// [`crate::NerTagger::entities`], in text order) into entities.
pub fn group_mentions(entities: &[Entity]) -> Vec<EntityGroup> {
    // 1. Same kind and same key.
    let mut drafts: Vec<Draft> = Vec::new();
    let mut by_key: HashMap<(EntityKind, String), usize> = HashMap::new();
    for (i, e) in entities.iter().enumerate() {
        let key = alias_key(&e.text);
        if key.is_empty() {
            continue;
        }
        match by_key.get(&(e.kind, key.clone())) {
            Some(&d) => drafts[d].mentions.push(i),
            None => {
                by_key.insert((e.kind, key.clone()), drafts.len());
                drafts.push(Draft {
                    key,
                    kind: e.kind,
                    mentions: vec![i],
                    into: None,
                });
            }
        }
    }

    // Indexes so that each short form only meets the names that could
    // contain it: by word, and by initials.
    let draft_words: Vec<Vec<String>> = drafts
        .iter()
        .map(|d| words(&d.key).into_iter().map(str::to_string).collect())
        .collect();
    let mut by_word: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut by_initials: HashMap<String, Vec<usize>> = HashMap::new();
    for (d, ws) in draft_words.iter().enumerate() {
        if ws.len() < 2 {
            continue;
        }
        let mut seen: Vec<&str> = Vec::new();
        for w in ws {
            if !seen.contains(&w.as_str()) {
                seen.push(w);
                by_word.entry(w.as_str()).or_default().push(d);
            }
        }
        if let Some(i) = initials(&drafts[d].key) {
            by_initials.entry(i).or_default().push(d);
        }
    }

    // 2. Short forms join a longer name.
    for d in 0..drafts.len() {
        let short: Vec<&str> = draft_words[d].iter().map(String::as_str).collect();
        let Some(&first_at) = drafts[d].mentions.first() else {
            continue;
        };
        let acronym = entities
            .get(first_at)
            .and_then(|e| acronym_letters(&e.text))
            .filter(|_| drafts[d].kind != EntityKind::Person);
        let mut pool: Vec<usize> = Vec::new();
        for w in short.first().into_iter().chain(short.last()) {
            pool.extend(by_word.get(w).into_iter().flatten());
        }
        if let Some(a) = &acronym {
            pool.extend(by_initials.get(a).into_iter().flatten());
        }
        pool.sort_unstable();
        pool.dedup();
        let mut candidates: Vec<usize> = Vec::new();
        for c in pool {
            let long = &drafts[c];
            if c == d || long.into.is_some() {
                continue;
            }
            let long_words: Vec<&str> = draft_words[c].iter().map(String::as_str).collect();
            if long_words.len() <= short.len() {
                continue;
            }
            let matches = match (drafts[d].kind, long.kind) {
                (EntityKind::Person, EntityKind::Person) => {
                    // surname(s) or first name of the full name
                    long_words.ends_with(&short) || (short.len() == 1 && long_words[0] == short[0])
                }
                (a, b) if a == b && a == EntityKind::Organization => {
                    org_short_form(&short, &long_words)
                }
                _ => false,
            };
            let acronym_match = acronym.as_ref().is_some_and(|a| {
                long.kind != EntityKind::Person && initials(&long.key).as_deref() == Some(a)
            });
            if matches || acronym_match {
                candidates.push(c);
            }
        }
        let target = match candidates.len() {
            0 => None,
            1 => Some(candidates[0]),
            // Ambiguous (two Williamsons): the nearest full mention before
            // the first short one, if any.
            _ => candidates
                .iter()
                .filter_map(|&c| {
                    let before = drafts[c].mentions.iter().filter(|&&m| m < first_at).max()?;
                    Some((*before, c))
                })
                .max()
                .map(|(_, c)| c),
        };
        if let Some(t) = target {
            let mut root = t;
            while let Some(next) = drafts[root].into {
                root = next;
            }
            if root != d {
                let moved = std::mem::take(&mut drafts[d].mentions);
                drafts[root].mentions.extend(moved);
                drafts[d].into = Some(root);
            }
        }
    }

    // 3. Name each group by its fullest form.
    let mut groups: Vec<EntityGroup> = drafts
        .into_iter()
        .filter(|d| d.into.is_none() && !d.mentions.is_empty())
        .map(|mut d| {
            d.mentions.sort_unstable();
            let mut uses: HashMap<&str, usize> = HashMap::new();
            for &m in &d.mentions {
                *uses.entry(entities[m].text.as_str()).or_insert(0) += 1;
            }
            // Fullest form: most name words (titles aside), then most
            // words (`Mr Lewis` over `Lewis`), then most used, then first
            // seen.
            let name = d
                .mentions
                .iter()
                .map(|&m| entities[m].text.as_str())
                .fold(None::<(&str, (usize, usize, usize))>, |best, t| {
                    let score = (
                        words(&alias_key(t)).len(),
                        t.split_whitespace().count(),
                        uses.get(t).copied().unwrap_or(0),
                    );
                    match best {
                        Some((_, b)) if b >= score => best,
                        _ => Some((t, score)),
                    }
                })
                .map(|(t, _)| t)
                .unwrap_or_default()
                .to_string();
            EntityGroup {
                name,
                kind: d.kind,
                mentions: d.mentions,
            }
        })
        .collect();
    groups.sort_by_key(|g| g.mentions.first().copied().unwrap_or(usize::MAX));
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(text: &str, kind: EntityKind, at: usize) -> Entity {
        Entity {
            text: text.to_string(),
            kind,
            span: at..at + text.len(),
        }
    }

    #[test]
    fn keys_ignore_case_article_and_possessive() {
        assert_eq!(alias_key("The Labour Party"), "labour party");
        assert_eq!(alias_key("Corbyn\u{2019}s"), "corbyn");
        assert_eq!(alias_key("  Jeremy   Corbyn "), "jeremy corbyn");
        assert_eq!(alias_key("The"), "the");
        assert_eq!(alias_key(""), "");
    }

    #[test]
    fn surnames_acronyms_and_short_org_names_join() {
        use EntityKind::*;
        let ents = vec![
            e("Chris Williamson", Person, 0),
            e("National Executive Committee", Organization, 20),
            e("Williamson", Person, 60),
            e("NEC", Organization, 80),
            e("Labour Party", Organization, 90),
            e("Labour", Organization, 110),
            e("Chris", Person, 120),
            e("Derby", Location, 130),
            e("British Labour Party", Organization, 140),
            e("Jewish Labour Movement", Organization, 170),
        ];
        let groups = group_mentions(&ents);
        let names: Vec<(&str, Vec<usize>)> = groups
            .iter()
            .map(|g| (g.name.as_str(), g.mentions.clone()))
            .collect();
        assert_eq!(
            names,
            vec![
                ("Chris Williamson", vec![0, 2, 6]),
                ("National Executive Committee", vec![1, 3]),
                ("British Labour Party", vec![4, 5, 8]),
                ("Derby", vec![7]),
                ("Jewish Labour Movement", vec![9]),
            ]
        );
    }

    #[test]
    fn leading_titles_are_dropped_but_never_the_whole_name() {
        assert_eq!(alias_key("Mr Lewis"), "lewis");
        assert_eq!(alias_key("Sen. Elizabeth Warren"), "elizabeth warren");
        assert_eq!(alias_key("former President Barack Obama"), "barack obama");
        assert_eq!(alias_key("Prime Minister Theresa May"), "theresa may");
        assert_eq!(alias_key("Mr"), "mr");
        assert_eq!(alias_key("President"), "president");
        assert_eq!(alias_key("General Motors"), "general motors");
        assert_eq!(alias_key("former Labour MP"), "former labour mp");
    }

    #[test]
    fn titled_surname_joins_the_full_name() {
        use EntityKind::*;
        let ents = vec![
            e("Ivan Lewis", Person, 0),
            e("Mr Lewis", Person, 40),
            e("Dr Sarah Wollaston", Person, 60),
            e("Wollaston", Person, 90),
            e("Mr Lewis", Person, 120),
        ];
        let groups = group_mentions(&ents);
        let names: Vec<(&str, Vec<usize>)> = groups
            .iter()
            .map(|g| (g.name.as_str(), g.mentions.clone()))
            .collect();
        assert_eq!(
            names,
            vec![
                ("Ivan Lewis", vec![0, 1, 4]),
                ("Dr Sarah Wollaston", vec![2, 3]),
            ]
        );
    }

    #[test]
    fn short_org_names() {
        assert!(org_short_form(&["labour"], &["british", "labour", "party"]));
        assert!(org_short_form(&["siemens"], &["siemens", "ag"]));
        assert!(!org_short_form(
            &["labour"],
            &["jewish", "labour", "movement"]
        ));
        assert!(!org_short_form(&["labour"], &["friends", "of", "labour"]));
    }

    #[test]
    fn ambiguous_surname_goes_to_nearest_preceding_full_name() {
        use EntityKind::*;
        let ents = vec![
            e("Chris Williamson", Person, 0),
            e("Serena Williamson", Person, 30),
            e("Williamson", Person, 60),
        ];
        let groups = group_mentions(&ents);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[1].name, "Serena Williamson");
        assert_eq!(groups[1].mentions, vec![1, 2]);
    }

    #[test]
    fn kinds_do_not_mix_and_empty_is_empty() {
        use EntityKind::*;
        let ents = vec![
            e("Washington", Location, 0),
            e("George Washington", Person, 20),
        ];
        assert_eq!(group_mentions(&ents).len(), 2);
        assert!(group_mentions(&[]).is_empty());
    }
}

/// Joins a one-off misspelling of a person's surname (`Wiliamson` for
/// `Williamson`) to that person. Only an inserted, dropped or swapped letter
/// counts — the usual typing slips — and never a substituted one, since
/// real names differ by one letter all the time (`Jordan`, `Gordon`). The
/// misspelling must occur once and the person at least three times, and the
/// match must be unique.
pub fn join_misspellings(entities: &[Entity], groups: Vec<EntityGroup>) -> Vec<EntityGroup> {
    let mut groups = groups;
    let mut merges: Vec<(usize, usize)> = Vec::new();
    for (g, group) in groups.iter().enumerate() {
        let [only] = group.mentions.as_slice() else {
            continue;
        };
        let Some(written) = entities.get(*only).map(|e| e.text.to_lowercase()) else {
            continue;
        };
        if written.contains(' ') || written.chars().count() < 5 {
            continue;
        }
        let targets: Vec<usize> = groups
            .iter()
            .enumerate()
            .filter(|(p, person)| {
                *p != g
                    && person.kind == EntityKind::Person
                    && person.mentions.len() >= 3
                    && person
                        .name
                        .split_whitespace()
                        .last()
                        .is_some_and(|surname| is_slip(&written, &surname.to_lowercase()))
            })
            .map(|(p, _)| p)
            .collect();
        if let [target] = targets.as_slice() {
            merges.push((g, *target));
        }
    }
    for &(from, into) in &merges {
        let moved = std::mem::take(&mut groups[from].mentions);
        groups[into].mentions.extend(moved);
        groups[into].mentions.sort_unstable();
    }
    groups.retain(|g| !g.mentions.is_empty());
    groups
}

/// One inserted, dropped or adjacent-swapped character between `a` and `b`.
fn is_slip(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a == b || b.len() < 5 {
        return false;
    }
    let (short, long) = if a.len() < b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    match long.len() - short.len() {
        1 => {
            let i = short
                .iter()
                .zip(long.iter())
                .take_while(|(x, y)| x == y)
                .count();
            short[i..] == long[i + 1..]
        }
        0 => {
            let diffs: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
            matches!(diffs.as_slice(), [i, j] if *j == i + 1 && a[*i] == b[*j] && a[*j] == b[*i])
        }
        _ => false,
    }
}

#[cfg(test)]
mod misspelling_tests {
    use super::*;

    fn ent(text: &str, kind: EntityKind, at: usize) -> Entity {
        Entity {
            text: text.to_string(),
            kind,
            span: at..at + text.len(),
        }
    }

    #[test]
    fn slips_are_insertions_deletions_and_swaps_only() {
        assert!(is_slip("wiliamson", "williamson"));
        assert!(is_slip("williamsno", "williamson"));
        assert!(is_slip("willliamson", "williamson"));
        assert!(!is_slip("jordan", "gordon"));
        assert!(!is_slip("williamson", "williamson"));
        assert!(!is_slip("smith", "smithers"));
    }

    #[test]
    fn a_one_off_misspelling_joins_the_person() {
        let entities = vec![
            ent("Chris Williamson", EntityKind::Person, 0),
            ent("Williamson", EntityKind::Person, 20),
            ent("Williamson", EntityKind::Person, 40),
            ent("Wiliamson", EntityKind::Location, 60),
            ent("Gordon", EntityKind::Person, 80),
        ];
        let groups = join_misspellings(&entities, group_mentions(&entities));
        let person = groups
            .iter()
            .find(|g| g.name == "Chris Williamson")
            .expect("person group");
        assert_eq!(person.mentions, vec![0, 1, 2, 3]);
        assert!(groups.iter().any(|g| g.name == "Gordon"));
        assert!(!groups.iter().any(|g| g.name == "Wiliamson"));
    }
}

/// One entity across a corpus: the per-article groups that name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorpusEntity {
    /// Stable id: kind and key of the canonical name (`person:chris williamson`).
    pub id: String,
    /// The fullest name any article uses.
    pub name: String,
    pub kind: EntityKind,
    /// `(document index, group index)` pairs, in input order.
    pub groups: Vec<(usize, usize)>,
}

/// Joins per-article entity groups across documents: the same key and kind
/// are one entity, and a one-word name (`Williamson`) joins the single
/// longer name of its kind whose last word it is (`Chris Williamson`) when
/// that is unambiguous across the corpus.
pub fn join_across(documents: &[&[EntityGroup]]) -> Vec<CorpusEntity> {
    let mut entities: Vec<CorpusEntity> = Vec::new();
    let mut by_key: HashMap<(EntityKind, String), usize> = HashMap::new();
    for (d, groups) in documents.iter().enumerate() {
        for (g, group) in groups.iter().enumerate() {
            let key = alias_key(&group.name);
            if key.is_empty() {
                continue;
            }
            let at = *by_key.entry((group.kind, key.clone())).or_insert_with(|| {
                entities.push(CorpusEntity {
                    id: format!("{}:{}", kind_name(group.kind), key),
                    name: group.name.clone(),
                    kind: group.kind,
                    groups: Vec::new(),
                });
                entities.len() - 1
            });
            entities[at].groups.push((d, g));
        }
    }
    // One-word names into the unique longer name ending with that word.
    let mut by_last: HashMap<(EntityKind, String), Vec<usize>> = HashMap::new();
    for (i, e) in entities.iter().enumerate() {
        let key = alias_key(&e.name);
        let words: Vec<&str> = key.split_whitespace().collect();
        if let [_, .., last] = words.as_slice() {
            by_last
                .entry((e.kind, last.to_string()))
                .or_default()
                .push(i);
        }
    }
    let mut into: Vec<Option<usize>> = vec![None; entities.len()];
    for (i, e) in entities.iter().enumerate() {
        let key = alias_key(&e.name);
        if key.contains(' ') {
            continue;
        }
        if let Some([target]) = by_last.get(&(e.kind, key)).map(Vec::as_slice) {
            into[i] = Some(*target);
        }
    }
    for i in 0..entities.len() {
        if let Some(target) = into[i] {
            let moved = std::mem::take(&mut entities[i].groups);
            entities[target].groups.extend(moved);
        }
    }
    entities.retain(|e| !e.groups.is_empty());
    for e in &mut entities {
        e.groups.sort_unstable();
    }
    entities
}

/// The kind as the JSON output spells it.
fn kind_name(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Person => "person",
        EntityKind::Organization => "organization",
        EntityKind::Location => "location",
        EntityKind::Misc => "misc",
    }
}

#[cfg(test)]
mod across_tests {
    use super::*;

    fn group(name: &str, kind: EntityKind) -> EntityGroup {
        EntityGroup {
            name: name.to_string(),
            kind,
            mentions: vec![0],
        }
    }

    #[test]
    fn surnames_and_same_names_join_across_articles() {
        let a = vec![
            group("Chris Williamson", EntityKind::Person),
            group("Labour", EntityKind::Organization),
        ];
        let b = vec![
            group("Williamson", EntityKind::Person),
            group("The Labour", EntityKind::Organization),
        ];
        let c = vec![
            group("Tom Watson", EntityKind::Person),
            group("Williamson", EntityKind::Location),
        ];
        let joined = join_across(&[&a, &b, &c]);
        let chris = joined
            .iter()
            .find(|e| e.name == "Chris Williamson")
            .expect("joined");
        assert_eq!(chris.groups, vec![(0, 0), (1, 0)]);
        assert_eq!(chris.id, "person:chris williamson");
        let labour = joined
            .iter()
            .find(|e| e.kind == EntityKind::Organization)
            .expect("org");
        assert_eq!(labour.groups.len(), 2);
        // A different kind is a different entity.
        assert!(joined.iter().any(|e| e.kind == EntityKind::Location));
    }

    #[test]
    fn an_ambiguous_surname_stays_apart() {
        let a = vec![
            group("Ann Smith", EntityKind::Person),
            group("Bob Smith", EntityKind::Person),
        ];
        let b = vec![group("Smith", EntityKind::Person)];
        let joined = join_across(&[&a, &b]);
        assert_eq!(joined.len(), 3);
    }
}
