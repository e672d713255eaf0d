//! Titles and roles of the people a text names: `Labour leader Jeremy
//! Corbyn`, `Mr Williamson`, `Tom Watson, Labour's deputy leader,`.
//!
//! Journalists and fact-checkers need to know *who* a quoted or mentioned
//! person is; news states it right next to the name, either as a title
//! before it or as an apposition after it. These are rules over the tagged
//! tokens, not a model: a role is only reported when the phrase contains a
//! known role word, so unknown roles are missed rather than invented.

use crate::ner::{Entity, EntityKind};
use crate::tokenize::{tokenize, Token};
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// Where the role phrase stands relative to the name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RolePosition {
    /// `Labour leader Jeremy Corbyn`
    Before,
    /// `Jeremy Corbyn, the Labour leader,`
    Apposition,
}

/// A role phrase attached to a person mention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    /// Index of the person in the entity list given to [`person_roles`].
    pub entity: usize,
    /// The phrase as written: `input[span]`.
    pub text: String,
    pub span: Range<usize>,
    pub position: RolePosition,
}

/// Titles written directly before a name.
const HONORIFICS: &[&str] = &[
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "lord", "lady", "rev",
    "reverend", "rabbi", "imam", "father", "sheikh", "sen", "rep", "gov", "gen", "col", "lt",
    "sgt", "capt", "adm", "maj", "hon", "baroness", "baron",
];

/// Nouns that name a position or occupation.
const ROLE_WORDS: &[&str] = &[
    "president",
    "minister",
    "secretary",
    "senator",
    "representative",
    "congressman",
    "congresswoman",
    "governor",
    "mayor",
    "chancellor",
    "leader",
    "chairman",
    "chairwoman",
    "chair",
    "ceo",
    "executive",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "director",
    "judge",
    "justice",
    "general",
    "commissioner",
    "ambassador",
    "king",
    "queen",
    "prince",
    "princess",
    "pope",
    "mp",
    "mps",
    "mep",
    "councillor",
    "councilor",
    "candidate",
    "nominee",
    "head",
    "founder",
    "editor",
    "professor",
    "coach",
    "manager",
    "captain",
    "author",
    "activist",
    "lawyer",
    "attorney",
    "bishop",
    "archbishop",
    "officer",
    "chief",
    "deputy",
    "adviser",
    "advisor",
    "aide",
    "strategist",
    "economist",
    "analyst",
    "correspondent",
    "reporter",
    "journalist",
    "columnist",
    "member",
    "peer",
    "whip",
    "speaker",
    "lawmaker",
    "legislator",
    "official",
    "ceo",
    "cfo",
    "chancellor",
    "premier",
    "prosecutor",
    "sheriff",
    "detective",
    "inspector",
    "superintendent",
    "commander",
    "colonel",
    "sergeant",
    "lieutenant",
    "admiral",
    "envoy",
    "diplomat",
    "trustee",
    "campaigner",
    "organiser",
    "organizer",
    "historian",
    "scholar",
    "researcher",
    "scientist",
    "writer",
    "novelist",
    "actor",
    "actress",
    "singer",
    "comedian",
    "producer",
    "filmmaker",
    "director-general",
    "vice-president",
    "co-founder",
    "chairperson",
    "treasurer",
    "governor-general",
];

/// Words that may qualify a role (`former`, `shadow`, `foreign`).
const MODIFIERS: &[&str] = &[
    "former",
    "then",
    "ex",
    "deputy",
    "shadow",
    "acting",
    "vice",
    "interim",
    "incoming",
    "outgoing",
    "current",
    "new",
    "foreign",
    "home",
    "prime",
    "chief",
    "senior",
    "junior",
    "state",
    "party",
    "opposition",
    "general",
    "assistant",
    "associate",
    "managing",
    "executive",
    "national",
    "local",
    "regional",
    "independent",
    "labour",
    "conservative",
    "veteran",
    "longtime",
    "long-time",
    "top",
    "communications",
    "press",
    "campaign",
    "policy",
    "defence",
    "defense",
    "health",
    "justice",
    "education",
    "finance",
    "treasury",
    "trade",
    "backbench",
    "frontbench",
    "senate",
    "house",
    "majority",
    "minority",
    "republican",
    "democratic",
    "first",
    // bodies a role belongs to (`board chairwoman`, `council leader`)
    "board",
    "council",
    "committee",
    "cabinet",
    "parliamentary",
    "union",
    "club",
    "company",
    "city",
    "county",
];

const DETERMINERS: &[&str] = &["the", "a", "an", "its", "his", "her", "their"];
const LINKS: &[&str] = &[
    "of",
    "for",
    "at",
    "to",
    "in",
    "on",
    "and",
    "'s",
    "\u{2019}s",
];

fn bare(token: &str) -> String {
    token.trim_end_matches('.').to_lowercase()
}

/// Role phrases for the people in `entities` (tagged from `text`, as
/// [`crate::NerTagger::entities`] returns them).
pub fn person_roles(text: &str, entities: &[Entity]) -> Vec<Role> {
    person_roles_in_tokens(text, &tokenize(text), entities)
}

/// [`person_roles`] over sentences already tokenised from `text` (saves
/// tokenising twice when the entities came from the same tokens).
pub fn person_roles_in_tokens(
    text: &str,
    sentences: &[Vec<Token<'_>>],
    entities: &[Entity],
) -> Vec<Role> {
    // Kind of the entity covering each token, per sentence.
    let mut entity_kind: Vec<Vec<Option<EntityKind>>> =
        sentences.iter().map(|s| vec![None; s.len()]).collect();
    // (start byte, sentence, token), in text order as the tokens are.
    let starts: Vec<(usize, usize, usize)> = sentences
        .iter()
        .enumerate()
        .flat_map(|(si, s)| {
            s.iter()
                .enumerate()
                .map(move |(ti, t)| (t.span.start, si, ti))
        })
        .collect();
    let token_at = |start: usize| {
        let k = starts.binary_search_by_key(&start, |x| x.0).ok()?;
        starts.get(k).map(|&(_, si, ti)| (si, ti))
    };
    let mut person_tokens: Vec<(usize, usize, usize, usize)> = Vec::new();
    for (ei, e) in entities.iter().enumerate() {
        let Some((si, first)) = token_at(e.span.start) else {
            continue;
        };
        let sent = &sentences[si];
        let last = (first..sent.len())
            .take_while(|&ti| sent[ti].span.end <= e.span.end)
            .last()
            .unwrap_or(first);
        for kind in entity_kind[si].iter_mut().take(last + 1).skip(first) {
            *kind = Some(e.kind);
        }
        if e.kind == EntityKind::Person {
            person_tokens.push((ei, si, first, last));
        }
    }

    let mut roles = Vec::new();
    for (ei, si, first, last) in person_tokens {
        let sent = &sentences[si];
        let kind_at = |ti: usize| entity_kind[si].get(ti).copied().flatten();
        if first == last && is_qualifier(sent, first, &kind_at) {
            // `Green` in `deputy Green leader Ola Brennan` describes the
            // role of the next name; it has none of its own.
            continue;
        }
        if let Some(r) = role_before(sent, first, &kind_at) {
            roles.push(make_role(text, ei, sent, r, RolePosition::Before));
        }
        if let Some(r) = role_after(sent, last, &kind_at) {
            roles.push(make_role(text, ei, sent, r, RolePosition::Apposition));
        }
    }
    roles
}

fn make_role(
    text: &str,
    entity: usize,
    sent: &[Token<'_>],
    r: Range<usize>,
    position: RolePosition,
) -> Role {
    let span = sent[r.start].span.start..sent[r.end - 1].span.end;
    Role {
        entity,
        text: text.get(span.clone()).unwrap_or_default().to_string(),
        span,
        position,
    }
}

/// A one-word name right before a role word qualifies it (`a Green
/// councillor`, `Trump adviser`), also when the tagger took the party for a
/// person, as it often does with `Green`.
fn is_qualifier(
    sent: &[Token<'_>],
    at: usize,
    kind_at: &impl Fn(usize) -> Option<EntityKind>,
) -> bool {
    let alone = (at == 0 || kind_at(at - 1).is_none()) && kind_at(at + 1).is_none();
    kind_at(at).is_some()
        && alone
        && sent
            .get(at + 1)
            .is_some_and(|n| ROLE_WORDS.contains(&bare(n.text).as_str()))
}

/// `[former] [Labour] leader` + name: token range before `first`.
fn role_before(
    sent: &[Token<'_>],
    first: usize,
    kind_at: &impl Fn(usize) -> Option<EntityKind>,
) -> Option<Range<usize>> {
    let prev = first.checked_sub(1)?;
    let w = bare(sent[prev].text);
    if kind_at(prev).is_some()
        || !(ROLE_WORDS.contains(&w.as_str()) || HONORIFICS.contains(&w.as_str()))
    {
        return None;
    }
    let mut start = prev;
    while start > 0 {
        let j = start - 1;
        let w = bare(sent[j].text);
        let in_entity = matches!(kind_at(j), Some(k) if k != EntityKind::Person)
            || is_qualifier(sent, j, kind_at);
        let possessive =
            matches!(w.as_str(), "'s" | "\u{2019}s") && j > 0 && kind_at(j - 1).is_some();
        if in_entity
            || possessive
            || ROLE_WORDS.contains(&w.as_str())
            || MODIFIERS.contains(&w.as_str())
        {
            start = j;
        } else {
            break;
        }
    }
    Some(start..first)
}

/// name + `, [the] [Labour] leader[ of …],`: token range after `last`.
fn role_after(
    sent: &[Token<'_>],
    last: usize,
    kind_at: &impl Fn(usize) -> Option<EntityKind>,
) -> Option<Range<usize>> {
    let comma = last + 1;
    if sent.get(comma).map(|t| t.text) != Some(",") {
        return None;
    }
    let start = comma + 1;
    let mut has_role = false;
    let mut end = start;
    while end < sent.len() && end < start + 10 {
        let t = sent[end].text;
        if matches!(t, "," | "." | ";" | ")" | ":" | "\"" | "\u{201D}") {
            break;
        }
        let w = bare(t);
        let in_entity = matches!(kind_at(end), Some(k) if k != EntityKind::Person)
            || is_qualifier(sent, end, kind_at);
        let known = ROLE_WORDS.contains(&w.as_str())
            || MODIFIERS.contains(&w.as_str())
            || DETERMINERS.contains(&w.as_str())
            || LINKS.contains(&w.as_str());
        if !(in_entity || known) {
            // an unknown word is allowed only after the role noun (`of the
            // company`) and only lower-case common words
            if !has_role || !t.chars().all(|c| c.is_lowercase() || c == '-') {
                return None;
            }
        }
        has_role |= ROLE_WORDS.contains(&w.as_str());
        end += 1;
    }
    let closed = end < sent.len() && matches!(sent[end].text, "," | "." | ";" | ")");
    (has_role && closed && end > start).then_some(start..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ent(text: &str, whole: &str, kind: EntityKind) -> Entity {
        let at = whole.find(text).unwrap_or(0);
        Entity {
            text: text.to_string(),
            kind,
            span: at..at + text.len(),
        }
    }

    #[test]
    fn titles_before_names() {
        let text = "Former Labour leader Jeremy Corbyn met Mr. Smith and Tom Watson yesterday.";
        let ents = vec![
            ent("Labour", text, EntityKind::Organization),
            ent("Jeremy Corbyn", text, EntityKind::Person),
            ent("Smith", text, EntityKind::Person),
            ent("Tom Watson", text, EntityKind::Person),
        ];
        let roles = person_roles(text, &ents);
        let got: Vec<(usize, &str)> = roles.iter().map(|r| (r.entity, r.text.as_str())).collect();
        assert_eq!(got, vec![(1, "Former Labour leader"), (2, "Mr.")]);
        for r in &roles {
            assert_eq!(&text[r.span.clone()], r.text);
            assert_eq!(r.position, RolePosition::Before);
        }
    }

    #[test]
    fn appositions_after_names() {
        let text = "Tom Watson, Labour\u{2019}s deputy leader, said so. Jane Doe, a spokeswoman for the party, agreed. \
                    John Roe, who left, did not.";
        let ents = vec![
            ent("Tom Watson", text, EntityKind::Person),
            ent("Labour", text, EntityKind::Organization),
            ent("Jane Doe", text, EntityKind::Person),
            ent("John Roe", text, EntityKind::Person),
        ];
        let roles = person_roles(text, &ents);
        let got: Vec<(usize, &str, RolePosition)> = roles
            .iter()
            .map(|r| (r.entity, r.text.as_str(), r.position))
            .collect();
        assert_eq!(
            got,
            vec![
                (0, "Labour\u{2019}s deputy leader", RolePosition::Apposition),
                (2, "a spokeswoman for the party", RolePosition::Apposition),
            ]
        );
    }

    /// The `nth` (from 0) occurrence of `text` in `whole` as an entity.
    fn nth(text: &str, whole: &str, n: usize, kind: EntityKind) -> Entity {
        let at = whole.match_indices(text).nth(n).map_or(0, |(i, _)| i);
        Entity {
            text: text.to_string(),
            kind,
            span: at..at + text.len(),
        }
    }

    #[test]
    fn bodies_and_one_word_names_qualify_roles() {
        let text = "The board chairwoman Hanne Vries spoke. Ola Brennan, a Green councillor, \
                    agreed with deputy Green leader Tom Reyes and Vries, the board chair.";
        let person = EntityKind::Person;
        // The tagger often takes the party `Green` for a person.
        let ents = vec![
            nth("Hanne Vries", text, 0, person),
            nth("Ola Brennan", text, 0, person),
            nth("Green", text, 0, person),
            nth("Green", text, 1, person),
            nth("Tom Reyes", text, 0, person),
            nth("Vries", text, 1, person),
        ];
        let roles = person_roles(text, &ents);
        let got: Vec<(usize, &str)> = roles.iter().map(|r| (r.entity, r.text.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (0, "board chairwoman"),
                (1, "a Green councillor"),
                (4, "deputy Green leader"),
                (5, "the board chair"),
            ]
        );
    }

    #[test]
    fn a_list_of_people_is_not_a_role() {
        let text = "Ann Lee, Labour MP Bo Chan, and Cy Dorn left.";
        let ents = vec![
            ent("Ann Lee", text, EntityKind::Person),
            ent("Labour", text, EntityKind::Organization),
            ent("Bo Chan", text, EntityKind::Person),
            ent("Cy Dorn", text, EntityKind::Person),
        ];
        let got: Vec<(usize, String)> = person_roles(text, &ents)
            .into_iter()
            .map(|r| (r.entity, r.text))
            .collect();
        assert_eq!(got, vec![(2, "Labour MP".to_string())]);
    }

    #[test]
    fn nothing_for_nothing() {
        assert!(person_roles("", &[]).is_empty());
        let text = "Corbyn spoke.";
        assert!(person_roles(text, &[ent("Corbyn", text, EntityKind::Person)]).is_empty());
    }
}
