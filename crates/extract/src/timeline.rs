//! Timeline events: what happened when, and who was involved.
//!
//! Every temporal expression found by [`find_dates`] becomes one [`Event`]
//! holding the date, the sentence it sits in, the named entities of that
//! sentence and the verb phrase that most likely says what happened on that
//! date. A sentence with two dates (`readmitted in June, ... suspended again
//! two days later`) gives two events, each with the verb of its own clause.
//!
//! The verb finder is a light heuristic, not a parser:
//! 1. Candidates are the sentence's words that look like finite or
//!    participle verbs: a lexicon of irregular past forms (`quit`, `won`,
//!    `left`), any lower-case `-ed` word that is not a known non-verb
//!    (`hundred`, `indeed`), the present forms of a lexicon of common news
//!    verbs (`resigns`, `quits`), and a word right after a modal (`will
//!    stand`). A participle right after a determiner (`the suspended MP`)
//!    is an adjective and is skipped.
//! 2. Auxiliaries (`was`, `has`, `will`) are never heads but are kept in the
//!    phrase (`was suspended`, `will stand`).
//! 3. The candidate closest to the date wins, with a strong preference for
//!    the date's own clause (between commas, semicolons, dashes, quotes) and
//!    a penalty for reporting verbs (`said`, `told`), which are kept only
//!    when nothing else is there.

use crate::dates::{find_dates, TemporalExpr};
use crate::ner::{extract_entities, Entity};
use crate::tokenize::{tokenize, Token};
use crate::NerError;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::ops::Range;

/// The verb phrase of an event: auxiliaries and the main verb.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerbPhrase {
    /// `input[span]`, e.g. `was suspended`.
    pub text: String,
    /// The main verb alone, e.g. `suspended`.
    pub head: String,
    pub span: Range<usize>,
}

/// One dated statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// The temporal expression, with its value and granularity (the value is
    /// `None` when it could not be resolved).
    pub date: TemporalExpr,
    /// Byte range of the sentence in the input.
    pub sentence: Range<usize>,
    /// Named entities inside the sentence, in order.
    pub entities: Vec<Entity>,
    pub verb: Option<VerbPhrase>,
}

impl Event {
    /// True when the event has a calendar value.
    pub fn is_dated(&self) -> bool {
        self.date.value.is_some()
    }
}

/// Sorts events chronologically by the first day their date covers
/// (coarser dates first on ties); undated events go last, in text order.
pub fn sort_chronologically(events: &mut [Event]) {
    events.sort_by_key(|e| {
        let start = e.date.value.and_then(|v| v.start());
        (
            start.is_none(),
            start,
            std::cmp::Reverse(e.date.granularity),
            e.date.span.start,
        )
    });
}

/// Events of `text`, tagging entities with the shipped tagger.
pub fn timeline(text: &str, published: Option<NaiveDate>) -> Result<Vec<Event>, NerError> {
    let entities = extract_entities(text)?;
    Ok(timeline_with_entities(text, published, &entities))
}

/// Events of `text` given its entities (spans into the same `text`), in text
/// order.
pub fn timeline_with_entities(
    text: &str,
    published: Option<NaiveDate>,
    entities: &[Entity],
) -> Vec<Event> {
    let dates = find_dates(text, published);
    if dates.is_empty() {
        return Vec::new();
    }
    timeline_from_parts(text, &tokenize(text), &dates, entities)
}

/// [`timeline_with_entities`] from parts the caller already has: the
/// sentences of `text` from [`tokenize`], its temporal expressions from
/// [`find_dates`] and its entities, so that none is computed twice.
pub fn timeline_from_parts(
    text: &str,
    sentences: &[Vec<Token<'_>>],
    dates: &[TemporalExpr],
    entities: &[Entity],
) -> Vec<Event> {
    let mut events = Vec::with_capacity(dates.len());
    // Sentences come in text order; entities are put in text order here,
    // so each date finds its sentence and the entities inside it by binary
    // search: the work is linear in the dates plus what each event holds,
    // never dates × sentences or dates × entities.
    let mut by_start: Vec<&Entity> = entities.iter().collect();
    by_start.sort_by_key(|e| (e.span.start, e.span.end));
    for date in dates {
        let at = date.span.start;
        let i = sentences.partition_point(|s| s.last().is_some_and(|t| t.span.end <= at));
        let Some(tokens) = sentences.get(i).filter(|s| {
            s.first().is_some_and(|t| t.span.start <= at)
                && s.last().is_some_and(|t| at < t.span.end)
        }) else {
            continue;
        };
        let (Some(first), Some(last)) = (tokens.first(), tokens.last()) else {
            continue;
        };
        let sentence = narrow_run_on(text, first.span.start..last.span.end, date.span.start);
        let tokens: Vec<Token<'_>> = tokens
            .iter()
            .filter(|t| t.span.start >= sentence.start && t.span.end <= sentence.end)
            .cloned()
            .collect();
        let from = by_start.partition_point(|e| e.span.start < sentence.start);
        let inside: Vec<Entity> = by_start[from..]
            .iter()
            .take_while(|e| e.span.start < sentence.end)
            .filter(|e| e.span.end <= sentence.end)
            .map(|e| (*e).clone())
            .collect();
        let verb = find_verb(text, &tokens, &date.span);
        events.push(Event {
            date: date.clone(),
            sentence,
            entities: inside,
            verb,
        });
    }
    events
}

/// Sentences longer than this are checked for run-together sentences.
const RUN_ON_BYTES: usize = 400;

/// The part of a long "sentence" around `at` when it is really several
/// sentences run together without spaces (`antisemitism.“Perhaps`), as
/// scraped text often is: a break is a `.`, `!` or `?` (and closing quotes)
/// followed directly by an opening quote or a capital letter.
fn narrow_run_on(text: &str, sentence: Range<usize>, at: usize) -> Range<usize> {
    if sentence.len() <= RUN_ON_BYTES {
        return sentence;
    }
    let Some(body) = text.get(sentence.clone()) else {
        return sentence;
    };
    let mut start = sentence.start;
    let mut end = sentence.end;
    let chars: Vec<(usize, char)> = body.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        if !matches!(c, '.' | '!' | '?') {
            continue;
        }
        // Skip closing quotes after the terminal mark.
        let mut j = k + 1;
        while chars
            .get(j)
            .is_some_and(|&(_, q)| matches!(q, '"' | '\u{201D}' | '\u{2019}' | ')'))
        {
            j += 1;
        }
        let Some(&(next_at, next)) = chars.get(j) else {
            continue;
        };
        let opens = matches!(next, '\u{201C}' | '\u{2018}') || next.is_uppercase();
        // `U.S.A`, `p.m.`: a single letter before the period is an initial.
        let initial =
            k >= 1 && chars[k - 1].1.is_alphabetic() && (k < 2 || !chars[k - 2].1.is_alphabetic());
        if !opens || initial {
            continue;
        }
        let boundary = sentence.start + next_at;
        if boundary <= at {
            start = boundary;
        } else {
            end = sentence.start + i + c.len_utf8();
            break;
        }
    }
    start..end
}

/// Irregular past tenses and participles.
const IRREGULAR_PAST: &[&str] = &[
    "quit",
    "won",
    "lost",
    "left",
    "met",
    "made",
    "took",
    "taken",
    "gave",
    "given",
    "went",
    "gone",
    "came",
    "became",
    "began",
    "begun",
    "broke",
    "broken",
    "brought",
    "bought",
    "built",
    "caught",
    "chose",
    "chosen",
    "cut",
    "drew",
    "drawn",
    "drove",
    "driven",
    "fell",
    "fallen",
    "felt",
    "fought",
    "found",
    "fled",
    "got",
    "gotten",
    "grew",
    "grown",
    "held",
    "hit",
    "hurt",
    "kept",
    "knew",
    "known",
    "led",
    "let",
    "meant",
    "paid",
    "put",
    "ran",
    "rose",
    "risen",
    "saw",
    "seen",
    "sent",
    "set",
    "shot",
    "shut",
    "sold",
    "sought",
    "spoke",
    "spoken",
    "spent",
    "split",
    "spread",
    "stood",
    "struck",
    "stole",
    "stolen",
    "swore",
    "sworn",
    "taught",
    "thought",
    "threw",
    "thrown",
    "understood",
    "wrote",
    "written",
    "withdrew",
    "withdrawn",
    "upheld",
    "overtook",
    "shook",
    "hid",
    "hidden",
    "beat",
    "beaten",
    "bound",
    "dealt",
    "fed",
    "flew",
    "flown",
    "froze",
    "frozen",
    "hung",
    "laid",
    "lit",
    "rode",
    "rang",
    "sat",
    "slept",
    "stuck",
    "swept",
    "tore",
    "torn",
    "woke",
    "wore",
    "withheld",
    "overthrew",
    "overthrown",
    "forgave",
    "forgiven",
    "shown",
    "sank",
    "sunk",
    "told",
    "said",
    "heard",
    "read",
    "did",
    "done",
    "had",
    "swung",
    "won't",
];

/// Base forms of common news verbs; their `-s` forms count as verbs too
/// (`resigns` in a headline, `says`).
const NEWS_VERBS: &[&str] = &[
    "resign",
    "quit",
    "stand",
    "run",
    "win",
    "lose",
    "leave",
    "join",
    "vote",
    "meet",
    "sign",
    "announce",
    "launch",
    "hold",
    "face",
    "step",
    "return",
    "visit",
    "speak",
    "testify",
    "appear",
    "rule",
    "decide",
    "publish",
    "release",
    "approve",
    "reject",
    "suspend",
    "expel",
    "reinstate",
    "readmit",
    "ban",
    "bar",
    "sue",
    "arrest",
    "charge",
    "attack",
    "kill",
    "die",
    "elect",
    "appoint",
    "nominate",
    "fire",
    "sack",
    "hire",
    "endorse",
    "back",
    "oppose",
    "criticise",
    "criticize",
    "condemn",
    "accuse",
    "deny",
    "admit",
    "apologise",
    "apologize",
    "warn",
    "threaten",
    "agree",
    "pass",
    "block",
    "veto",
    "open",
    "close",
    "begin",
    "start",
    "end",
    "host",
    "call",
    "order",
    "investigate",
    "raid",
    "strike",
    "protest",
    "claim",
    "reveal",
    "confirm",
    "declare",
    "refuse",
    "plan",
    "propose",
    "file",
    "drop",
    "raise",
    "cut",
    "lead",
    "take",
    "give",
    "become",
    "fall",
    "rise",
    "reach",
    "unveil",
    "introduce",
    "debate",
    "postpone",
    "cancel",
    "delay",
    "defeat",
    "beat",
    "overturn",
    "clear",
    "convict",
    "sentence",
    "jail",
    "free",
    "release",
    "say",
    "tell",
    "report",
    "add",
    "write",
    "tweet",
];

/// Auxiliaries and modals: part of a phrase, never its head.
const AUXILIARIES: &[&str] = &[
    "was",
    "were",
    "is",
    "are",
    "am",
    "be",
    "been",
    "being",
    "has",
    "have",
    "had",
    "having",
    "will",
    "would",
    "shall",
    "should",
    "could",
    "can",
    "may",
    "might",
    "must",
    "did",
    "does",
    "do",
    "'ll",
    "\u{2019}ll",
    "won't",
    "get",
    "got",
];
const MODALS: &[&str] = &[
    "will",
    "would",
    "shall",
    "should",
    "could",
    "can",
    "may",
    "might",
    "must",
    "'ll",
    "\u{2019}ll",
    "to",
];

/// Words that may sit between an auxiliary and its verb.
const ADVERBS: &[&str] = &[
    "not",
    "n't",
    "also",
    "then",
    "later",
    "again",
    "already",
    "just",
    "never",
    "still",
    "since",
    "finally",
    "eventually",
    "previously",
    "recently",
    "subsequently",
    "formally",
    "officially",
    "reportedly",
    "allegedly",
    "initially",
    "first",
    "briefly",
    "now",
];

/// Reporting verbs: kept only when the sentence has no other verb.
const REPORTING: &[&str] = &[
    "said",
    "says",
    "say",
    "told",
    "tells",
    "reported",
    "reports",
    "added",
    "adds",
    "stated",
    "wrote",
    "writes",
    "tweeted",
    "explained",
    "noted",
    "according",
    "asked",
    "insisted",
    "argued",
    "claimed",
    "claims",
];

/// Lower-case `-ed` words that are not verbs.
const ED_NON_VERBS: &[&str] = &[
    "hundred",
    "indeed",
    "need",
    "speed",
    "seed",
    "bed",
    "red",
    "shed",
    "feed",
    "breed",
    "greed",
    "deed",
    "creed",
    "weed",
    "bleed",
    "sled",
    "wed",
    "embed",
    "proceed",
    "exceed",
    "succeed",
    "naked",
    "wicked",
    "sacred",
    "kindred",
    "rugged",
    "ragged",
    "wretched",
    "beloved",
    "learned",
    "aged",
    "bred",
    "led",
    "fled",
    "biased",
    "so-called",
    "self-styled",
    "alleged",
    "based",
];

/// Words after which a participle is an adjective (`the suspended MP`).
const DETERMINERS: &[&str] = &[
    "a", "an", "the", "his", "her", "their", "its", "our", "my", "your", "this", "that", "these",
    "those", "some", "any", "no", "every", "each", "newly", "recently",
];

fn is_boundary_token(t: &str) -> bool {
    matches!(
        t,
        "," | ";"
            | ":"
            | "("
            | ")"
            | "\""
            | "\u{201C}"
            | "\u{201D}"
            | "\u{2014}"
            | "\u{2013}"
            | "-"
    )
}

fn is_word(t: &str) -> bool {
    t.chars().next().is_some_and(char::is_alphabetic)
}

/// Third-person present of a lexicon verb (`resigns`, `quits`). Base forms
/// are left out: `back`, `end`, `face` are more often not verbs.
fn news_verb_s_form(lower: &str) -> bool {
    let Some(without_s) = lower.strip_suffix('s') else {
        return false;
    };
    let without_es = lower.strip_suffix("es");
    let without_ies = lower.strip_suffix("ies");
    NEWS_VERBS.iter().any(|&base| {
        without_s == base
            || without_es == Some(base)
            || (without_ies.is_some() && without_ies == base.strip_suffix('y'))
    })
}

/// How a candidate verb ranks.
struct Candidate {
    reporting: bool,
    /// A present `-s` form, which is also often a plural noun.
    weak: bool,
}

/// Is token `i` a verb head candidate?
/// A token in lower case, borrowed when it already is.
fn lowered(word: &str) -> Cow<'_, str> {
    if word
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
    {
        Cow::Borrowed(word)
    } else {
        Cow::Owned(word.to_lowercase())
    }
}

/// `lower[i]` is `tokens[i]` in lower case.
fn verb_candidate(tokens: &[Token<'_>], lower: &[Cow<'_, str>], i: usize) -> Option<Candidate> {
    let word = tokens[i].text;
    if !is_word(word) || word.contains('-') {
        return None;
    }
    let lower_at = |j: usize| lower.get(j).map_or("", |w| w.as_ref());
    let lower = lower_at(i);
    if AUXILIARIES.contains(&lower) {
        return None;
    }
    let capitalised = word.chars().next().is_some_and(char::is_uppercase);
    if capitalised && i > 0 {
        return None;
    }
    // Step back over adverbs to the word that governs this one.
    let mut j = i;
    while j > 0 && ADVERBS.contains(&lower_at(j - 1)) {
        j -= 1;
    }
    let governor = (j > 0).then(|| lower_at(j - 1));
    let after_modal = governor
        .is_some_and(|g| MODALS.contains(&g) || g.ends_with("'ll") || g.ends_with("\u{2019}ll"));
    let after_determiner = governor.is_some_and(|g| DETERMINERS.contains(&g));
    let after_aux = governor.is_some_and(|g| AUXILIARIES.contains(&g));
    let past = IRREGULAR_PAST.contains(&lower)
        || (lower.ends_with("ed") && lower.len() >= 4 && !ED_NON_VERBS.contains(&lower))
        || (lower == "led" || lower == "fled") && after_aux;
    let present = news_verb_s_form(lower);
    let base_after_modal = after_modal
        && governor != Some("to")
        && lower.chars().all(char::is_alphabetic)
        && lower.len() > 1;
    let to_verb = governor == Some("to") && NEWS_VERBS.contains(&lower);
    if !(past || present || base_after_modal || to_verb) || after_determiner {
        return None;
    }
    Some(Candidate {
        reporting: REPORTING.contains(&lower),
        weak: present && !past && !base_after_modal,
    })
}

fn find_verb(text: &str, tokens: &[Token<'_>], date: &Range<usize>) -> Option<VerbPhrase> {
    // Clause number of each token, and the date's token range.
    let mut clause = Vec::with_capacity(tokens.len());
    let mut current = 0usize;
    for t in tokens {
        if is_boundary_token(t.text) {
            current += 1;
        }
        clause.push(current);
    }
    let date_first = tokens.iter().position(|t| t.span.end > date.start)?;
    let date_last = tokens
        .iter()
        .rposition(|t| t.span.start < date.end)
        .unwrap_or(date_first);
    let date_clause = clause[date_first];
    let lower: Vec<Cow<'_, str>> = tokens.iter().map(|t| lowered(t.text)).collect();
    let mut best: Option<(usize, usize)> = None;
    for (i, &token_clause) in clause.iter().enumerate() {
        if (date_first..=date_last).contains(&i) {
            continue;
        }
        let Some(candidate) = verb_candidate(tokens, &lower, i) else {
            continue;
        };
        let distance = if i < date_first {
            date_first - i
        } else {
            i - date_last
        };
        let mut score = distance;
        if token_clause != date_clause {
            score += 20 + 10 * token_clause.abs_diff(date_clause);
        }
        if candidate.reporting {
            score += 200;
        }
        if candidate.weak {
            score += 12;
        }
        if best.is_none_or(|(s, _)| score < s) {
            best = Some((score, i));
        }
    }
    let (_, head) = best?;
    // Extend left over auxiliaries and adverbs.
    let mut first = head;
    while first > 0 {
        let prev = lower[first - 1].as_ref();
        let aux = AUXILIARIES.contains(&prev)
            || prev.ends_with("'ll")
            || prev.ends_with("\u{2019}ll")
            || prev == "n't"
            || (ADVERBS.contains(&prev) && first - 1 > 0);
        if !aux {
            break;
        }
        first -= 1;
    }
    // Do not start a phrase with an adverb.
    while first < head && ADVERBS.contains(&lower[first].as_ref()) {
        first += 1;
    }
    let span = tokens[first].span.start..tokens[head].span.end;
    Some(VerbPhrase {
        text: text.get(span.clone())?.to_string(),
        head: tokens[head].text.to_string(),
        span,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::parse_published;
    use crate::EntityKind;

    const THURSDAY: &str = "2019-11-07";

    fn events(text: &str) -> Vec<Event> {
        timeline_with_entities(text, parse_published(THURSDAY), &[])
    }

    fn heads(text: &str) -> Vec<(String, Option<String>)> {
        events(text)
            .into_iter()
            .map(|e| (e.date.text, e.verb.map(|v| v.text)))
            .collect()
    }

    fn pairs(list: &[(&str, Option<&str>)]) -> Vec<(String, Option<String>)> {
        list.iter()
            .map(|(a, b)| (a.to_string(), b.map(str::to_string)))
            .collect()
    }

    #[test]
    fn verb_of_the_dates_own_clause() {
        let text = "Labour MP Chris Williamson, who was suspended from the party in February \
                    for claiming it has been too apologetic, has resigned. \
                    Although Williamson was readmitted back into the party in June, he was \
                    suspended again two days later. Williamson quit on Wednesday.";
        assert_eq!(
            heads(text),
            pairs(&[
                ("February", Some("was suspended")),
                ("June", Some("was readmitted")),
                ("two days later", Some("was suspended")),
                ("Wednesday", Some("quit")),
            ])
        );
    }

    #[test]
    fn reporting_verbs_only_as_a_last_resort() {
        assert_eq!(
            heads("He said on Monday that he resigned."),
            pairs(&[("Monday", Some("resigned"))])
        );
        assert_eq!(
            heads("Smith said on Monday."),
            pairs(&[("Monday", Some("said"))])
        );
    }

    #[test]
    fn future_and_present_verbs() {
        assert_eq!(
            heads("He will stand as an independent in the election on December 12."),
            pairs(&[("December 12", Some("will stand"))])
        );
        assert_eq!(
            heads("Senior member resigns on Monday over tolerance of abuse."),
            pairs(&[("Monday", Some("resigns"))])
        );
    }

    #[test]
    fn participles_after_determiners_are_adjectives() {
        assert_eq!(
            heads("The suspended MP quit on Wednesday."),
            pairs(&[("Wednesday", Some("quit"))])
        );
        assert_eq!(
            heads("The sunny weather on Monday."),
            pairs(&[("Monday", None)])
        );
    }

    #[test]
    fn events_carry_sentence_and_entities() {
        let text = "Nothing here. Williamson quit Labour on Wednesday. Later text.";
        let start = text.find("Williamson").unwrap_or(0);
        let labour = text.find("Labour").unwrap_or(0);
        let later = text.find("Later").unwrap_or(0);
        let entities = vec![
            Entity {
                text: "Williamson".into(),
                kind: EntityKind::Person,
                span: start..start + 10,
            },
            Entity {
                text: "Labour".into(),
                kind: EntityKind::Organization,
                span: labour..labour + 6,
            },
            Entity {
                text: "Later".into(),
                kind: EntityKind::Misc,
                span: later..later + 5,
            },
        ];
        let got = timeline_with_entities(text, parse_published(THURSDAY), &entities);
        assert_eq!(got.len(), 1);
        let e = &got[0];
        assert_eq!(
            &text[e.sentence.clone()],
            "Williamson quit Labour on Wednesday."
        );
        assert_eq!(e.entities.len(), 2);
        assert_eq!(e.date.value.map(|v| v.iso()).as_deref(), Some("2019-11-06"));
        assert!(e.is_dated());
        let verb = e
            .verb
            .as_ref()
            .map(|v| (&text[v.span.clone()], v.head.as_str()));
        assert_eq!(verb, Some(("quit", "quit")));
    }

    #[test]
    fn chronological_order() {
        let mut got = events(
            "He resigned on Wednesday. He joined in 2015. Two years ago he won. \
             In recent years he rose.",
        );
        sort_chronologically(&mut got);
        let order: Vec<&str> = got.iter().map(|e| e.date.text.as_str()).collect();
        assert_eq!(
            order,
            ["2015", "Two years ago", "Wednesday", "In recent years"]
        );
    }

    #[test]
    fn with_the_shipped_tagger() -> Result<(), NerError> {
        let text = "Jeremy Corbyn met Labour officials in London on Wednesday.";
        let got = timeline(text, parse_published(THURSDAY))?;
        assert_eq!(got.len(), 1);
        let names: Vec<&str> = got[0].entities.iter().map(|e| e.text.as_str()).collect();
        assert!(names.contains(&"Jeremy Corbyn"), "{names:?}");
        assert_eq!(got[0].verb.as_ref().map(|v| v.head.as_str()), Some("met"));
        Ok(())
    }

    #[test]
    fn run_together_sentences_are_split() {
        let filler = "word ".repeat(90);
        let text = format!(
            "He said {filler}in 2015.\u{201C}As I made clear in April,\u{201D} he said, \
             \u{201C}it was wrong.\u{201D}Although he was readmitted in June, he left. Then {filler}"
        );
        let got = timeline_with_entities(&text, parse_published(THURSDAY), &[]);
        let june = got.iter().find(|e| e.date.text == "June");
        let sentence = june.map(|e| &text[e.sentence.clone()]);
        assert_eq!(
            sentence,
            Some("Although he was readmitted in June, he left.")
        );
        let april = got.iter().find(|e| e.date.text == "April");
        assert_eq!(
            april.map(|e| &text[e.sentence.clone()]),
            Some("\u{201C}As I made clear in April,\u{201D} he said, \u{201C}it was wrong.")
        );
        assert_eq!(
            april.and_then(|e| e.verb.as_ref()).map(|v| v.head.as_str()),
            Some("made")
        );
    }

    #[test]
    fn parts_given_once_give_the_same_events() -> Result<(), NerError> {
        let text = "Jeremy Corbyn met Labour officials in London on Wednesday. Two days \
                    later he was suspended.\n\nThe party said in 2015 it would act.";
        let published = parse_published(THURSDAY);
        let entities = extract_entities(text)?;
        let dates = find_dates(text, published);
        let from_parts = timeline_from_parts(text, &tokenize(text), &dates, &entities);
        assert_eq!(from_parts.len(), 3);
        assert_eq!(
            from_parts,
            timeline_with_entities(text, published, &entities)
        );
        assert!(timeline_from_parts(text, &tokenize(text), &[], &entities).is_empty());
        Ok(())
    }

    #[test]
    fn no_dates_no_events() {
        assert!(events("").is_empty());
        assert!(events("Nothing dated here at all.").is_empty());
    }
}
