//! Word lists for attribution: reporting verbs (cues), pronouns, the words
//! that may stand between a speaker and a cue, and the nouns that name an
//! unnamed source (`a Labour source`, `the statement`).
//!
//! The verb list was drawn up from how news reports speech and checked
//! against the cue words of the PolNeAR training split; the lists are plain
//! English vocabulary, not data.

use std::collections::HashMap;
use std::sync::OnceLock;

/// How a reporting verb takes what was said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CueClass {
    /// `said (that) …`, `claimed …`, `wrote: …`.
    Say,
    /// Takes an addressee first: `told reporters (that) …`.
    Tell,
    /// Thinking or wanting rather than saying: reported speech only with a
    /// named or pronoun speaker.
    Belief,
    /// Only introduces a quotation right next to it: `the statement reads`,
    /// `he continued`.
    Adjacent,
}

/// Regular verbs; inflections are generated.
const SAY_VERBS: &[&str] = &[
    "say",
    "add",
    "claim",
    "state",
    "note",
    "argue",
    "insist",
    "explain",
    "announce",
    "report",
    "suggest",
    "declare",
    "confirm",
    "reply",
    "respond",
    "recall",
    "stress",
    "complain",
    "predict",
    "promise",
    "vow",
    "pledge",
    "maintain",
    "contend",
    "conclude",
    "testify",
    "indicate",
    "reveal",
    "concede",
    "counter",
    "observe",
    "remark",
    "comment",
    "mention",
    "joke",
    "boast",
    "tweet",
    "allege",
    "assert",
    "admit",
    "acknowledge",
    "deny",
    "emphasize",
    "emphasise",
    "caution",
    "charge",
    "repeat",
    "reiterate",
    "retort",
    "lament",
    "answer",
    "estimate",
    "speculate",
    "ask",
    "demand",
    "hint",
    "write",
    "agree",
    "accuse",
    "blame",
    "criticize",
    "criticise",
    "describe",
    "call",
    "point",
    "cite",
    "urge",
    "propose",
    "question",
    "dismiss",
    "reject",
    "decry",
    "denounce",
    "praise",
    "acknowledge",
    "signal",
    "wonder",
    "muse",
    "declare",
    "announce",
    "disclose",
    "propose",
    "exclaim",
    "blast",
    "slam",
    "attack",
    "condemn",
    "recount",
    "opine",
    "proclaim",
    "affirm",
    "stipulate",
    "specify",
    "clarify",
    "elaborate",
    "retweet",
    "show",
    "find",
    "conclude",
    "estimate",
    "forecast",
    "project",
    "interrupt",
    "recommend",
    "retaliate",
    "mock",
    "snap",
    "beam",
    "echo",
    "ponder",
    "talk",
    "demur",
    "label",
    "deem",
    "brand",
    "plead",
    "tout",
    "hail",
    "scoff",
    "thunder",
    "exclaim",
    "boom",
    "cry",
    "reason",
    "concur",
    "vent",
    "pronounce",
    "confess",
];

/// Verbs of thought and expectation (PolNeAR counts them as attribution).
const BELIEF_VERBS: &[&str] = &[
    "anticipate",
    "believe",
    "think",
    "feel",
    "fear",
    "hope",
    "worry",
    "expect",
    "know",
    "doubt",
    "suspect",
    "want",
    "warn",
    "assume",
    "reckon",
    "guess",
    "figure",
    "recognize",
    "recognise",
    "realize",
    "realise",
    "understand",
    "acknowledge",
    "imagine",
    "consider",
];

const TELL_VERBS: &[&str] = &[
    "tell", "inform", "assure", "remind", "advise", "convince", "notify", "reassure", "persuade",
];

const ADJACENT_VERBS: &[&str] = &[
    "read",
    "continue",
    "shout",
    "yell",
    "chant",
    "quip",
    "laugh",
    "sigh",
    "scream",
    "whisper",
    "begin",
    "explain",
    "interject",
    "chime",
    "post",
    "sing",
    "shoot",
    "fire",
    "issue",
    "offer",
    "express",
    "bark",
    "crack",
    "riff",
    "fume",
    "grumble",
    "gush",
    "growl",
    "marvel",
    "rave",
    "tease",
    "gripe",
    "remember",
];

/// Irregular forms: (form, lemma).
const IRREGULAR: &[(&str, &str)] = &[
    ("said", "say"),
    ("told", "tell"),
    ("wrote", "write"),
    ("written", "write"),
    ("writes", "write"),
    ("writing", "write"),
    ("thought", "think"),
    ("felt", "feel"),
    ("knew", "know"),
    ("known", "know"),
    ("found", "find"),
    ("shown", "show"),
    ("began", "begin"),
    ("begun", "begin"),
    ("shot", "shoot"),
    ("went", "go"),
    ("goes", "go"),
    ("going", "go"),
    ("spoke", "speak"),
    ("understood", "understand"),
    ("read", "read"),
    ("forecast", "forecast"),
    ("admitted", "admit"),
    ("admitting", "admit"),
    ("quipped", "quip"),
    ("quipping", "quip"),
];

fn inflect(lemma: &str) -> Vec<String> {
    let mut forms = vec![lemma.to_string()];
    let b = lemma.as_bytes();
    let last = b.last().copied().unwrap_or(b'a');
    let before = b.len().checked_sub(2).map(|i| b[i]).unwrap_or(b'a');
    let vowel = |c: u8| matches!(c, b'a' | b'e' | b'i' | b'o' | b'u');
    if last == b'e' {
        let stem = &lemma[..lemma.len() - 1];
        forms.push(format!("{lemma}s"));
        forms.push(format!("{lemma}d"));
        forms.push(format!("{stem}ing"));
    } else if last == b'y' && !vowel(before) {
        let stem = &lemma[..lemma.len() - 1];
        forms.push(format!("{stem}ies"));
        forms.push(format!("{stem}ied"));
        forms.push(format!("{lemma}ing"));
    } else if lemma.ends_with('s')
        || lemma.ends_with("sh")
        || lemma.ends_with("ch")
        || lemma.ends_with('x')
        || lemma.ends_with('z')
    {
        forms.push(format!("{lemma}es"));
        forms.push(format!("{lemma}ed"));
        forms.push(format!("{lemma}ing"));
    } else {
        forms.push(format!("{lemma}s"));
        forms.push(format!("{lemma}ed"));
        forms.push(format!("{lemma}ing"));
    }
    forms
}

/// A cue form: its class and lemma.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cue {
    pub class: CueClass,
    pub lemma: &'static str,
}

fn table() -> &'static HashMap<String, Cue> {
    static TABLE: OnceLock<HashMap<String, Cue>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t: HashMap<String, Cue> = HashMap::new();
        // Later lists do not override earlier ones: Say wins over Adjacent.
        let lists: [(&[&'static str], CueClass); 4] = [
            (SAY_VERBS, CueClass::Say),
            (TELL_VERBS, CueClass::Tell),
            (BELIEF_VERBS, CueClass::Belief),
            (ADJACENT_VERBS, CueClass::Adjacent),
        ];
        for (list, class) in lists {
            for &lemma in list {
                for form in inflect(lemma) {
                    t.entry(form).or_insert(Cue { class, lemma });
                }
                for &(form, l) in IRREGULAR {
                    if l == lemma {
                        t.entry(form.to_string()).or_insert(Cue { class, lemma });
                    }
                }
            }
        }
        t.entry("said".into()).or_insert(Cue {
            class: CueClass::Say,
            lemma: "say",
        });
        t
    })
}

/// The cue a lower-cased word is, if any.
pub(crate) fn cue(lower: &str) -> Option<Cue> {
    table().get(lower).copied()
}

/// Grammatical gender a pronoun or name implies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gender {
    Male,
    Female,
    Unknown,
}

/// Subject pronouns that can be speakers, with what they refer to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PronounRef {
    Person(Gender),
    Thing,
    Group,
}

pub(crate) fn pronoun(lower: &str) -> Option<PronounRef> {
    Some(match lower {
        "he" => PronounRef::Person(Gender::Male),
        "she" => PronounRef::Person(Gender::Female),
        "it" => PronounRef::Thing,
        "they" | "we" => PronounRef::Group,
        _ => return None,
    })
}

pub(crate) fn is_determiner(lower: &str) -> bool {
    matches!(
        lower,
        "a" | "an"
            | "the"
            | "this"
            | "these"
            | "those"
            | "one"
            | "another"
            | "some"
            | "several"
            | "two"
            | "three"
            | "many"
            | "most"
            | "his"
            | "her"
            | "its"
            | "their"
            | "our"
            | "my"
            | "your"
            | "other"
            | "both"
            | "few"
            | "all"
    )
}

/// Adverbs and auxiliaries that may stand between a subject and its cue.
pub(crate) fn is_skippable_before_cue(lower: &str) -> bool {
    matches!(
        lower,
        "also"
            | "later"
            | "previously"
            | "then"
            | "repeatedly"
            | "reportedly"
            | "once"
            | "recently"
            | "has"
            | "had"
            | "have"
            | "was"
            | "were"
            | "is"
            | "are"
            | "will"
            | "would"
            | "could"
            | "might"
            | "may"
            | "did"
            | "does"
            | "do"
            | "often"
            | "again"
            | "publicly"
            | "privately"
            | "simply"
            | "flatly"
            | "just"
            | "already"
            | "still"
            | "allegedly"
            | "earlier"
            | "subsequently"
            | "further"
            | "even"
            | "now"
            | "first"
            | "famously"
            | "frequently"
            | "initially"
            | "openly"
            | "explicitly"
            | "clearly"
            | "personally"
            | "long"
            | "been"
            | "being"
            | "ever"
            | "never"
            | "not"
            | "n't"
            | "since"
            | "herself"
            | "himself"
            | "themselves"
            | "itself"
            | "directly"
    )
}

/// Words ending a backwards noun-phrase walk.
pub(crate) fn ends_noun_phrase(lower: &str) -> bool {
    matches!(
        lower,
        "and"
            | "or"
            | "but"
            | "who"
            | "which"
            | "that"
            | "when"
            | "while"
            | "as"
            | "if"
            | "because"
            | "after"
            | "before"
            | "since"
            | "than"
            | "in"
            | "on"
            | "at"
            | "by"
            | "with"
            | "for"
            | "from"
            | "to"
            | "of"
            | "about"
            | "into"
            | "where"
            | "what"
            | "how"
            | "why"
            | "so"
            | "not"
            | "is"
            | "was"
            | "are"
            | "were"
            | "has"
            | "have"
            | "had"
    )
}

/// Prepositions linking an unnamed source to whom it belongs
/// (`a spokesman for Corbyn`, `a source close to Williamson`).
pub(crate) fn is_linking_preposition(lower: &str) -> bool {
    matches!(
        lower,
        "for" | "of" | "at" | "to" | "from" | "with" | "within" | "inside" | "in" | "on"
    )
}

/// Head nouns of unnamed speakers.
pub(crate) fn is_speaker_noun(lower: &str) -> bool {
    let l = lower
        .strip_suffix('s')
        .filter(|s| s.len() > 3)
        .unwrap_or(lower);
    is_thing_noun(lower)
        || matches!(
            l,
            "source"
                | "spokesman"
                | "spokeswoman"
                | "spokesperson"
                | "spokesmen"
                | "spokeswomen"
                | "official"
                | "aide"
                | "adviser"
                | "advisor"
                | "insider"
                | "ally"
                | "allie"
                | "friend"
                | "member"
                | "critic"
                | "supporter"
                | "analyst"
                | "expert"
                | "lawyer"
                | "attorney"
                | "judge"
                | "people"
                | "voter"
                | "officer"
                | "representative"
                | "executive"
                | "diplomat"
                | "minister"
                | "leader"
                | "chairman"
                | "chairwoman"
                | "chair"
                | "president"
                | "candidate"
                | "nominee"
                | "director"
                | "manager"
                | "strategist"
                | "operative"
                | "organizer"
                | "organiser"
                | "activist"
                | "protester"
                | "resident"
                | "author"
                | "writer"
                | "editor"
                | "reporter"
                | "journalist"
                | "columnist"
                | "commentator"
                | "economist"
                | "researcher"
                | "scientist"
                | "professor"
                | "democrat"
                | "republican"
                | "senator"
                | "lawmaker"
                | "mp"
                | "e-mail"
                | "opponent"
                | "rival"
                | "observer"
                | "witness"
                | "woman"
                | "man"
                | "person"
                | "voice"
                | "colleague"
                | "staffer"
                | "worker"
                | "employee"
                | "owner"
                | "founder"
                | "chief"
                | "head"
                | "governor"
                | "mayor"
                | "secretary"
                | "sheriff"
                | "prosecutor"
                | "investigator"
                | "pollster"
                | "donor"
                | "fan"
                | "student"
                | "teacher"
                | "doctor"
                | "father"
                | "mother"
                | "son"
                | "daughter"
                | "wife"
                | "husband"
                | "everyone"
                | "nobody"
                | "someone"
                | "user"
                | "blogger"
                | "editorial"
                | "headline"
                | "narrator"
                | "commenter"
                | "reader"
                | "viewer"
                | "veteran"
                | "boy"
                | "girl"
                | "delegate"
                | "crowd"
                | "audience"
                | "percent"
                | "spot"
                | "caption"
                | "banner"
                | "sign"
                | "flyer"
                | "mailer"
                | "transcript"
                | "speech"
                | "remark"
                | "comment"
                | "petition"
                | "businessman"
                | "businesswoman"
                | "host"
                | "actor"
                | "actress"
                | "billionaire"
                | "mogul"
                | "frontrunner"
                | "front-runner"
                | "congressman"
                | "congresswoman"
                | "moderator"
                | "anchor"
                | "pundit"
                | "consultant"
                | "scholar"
                | "historian"
                | "fellow"
                | "surrogate"
                | "backer"
                | "fundraiser"
                | "contender"
                | "hopeful"
                | "incumbent"
                | "challenger"
        )
}

/// Speaker nouns that name things rather than people (`the statement`).
pub(crate) fn is_thing_noun(lower: &str) -> bool {
    let l = lower
        .strip_suffix('s')
        .filter(|s| s.len() > 3)
        .unwrap_or(lower);
    matches!(
        l,
        "statement"
            | "letter"
            | "report"
            | "campaign"
            | "unit"
            | "party"
            | "group"
            | "committee"
            | "government"
            | "police"
            | "court"
            | "poll"
            | "survey"
            | "study"
            | "document"
            | "memo"
            | "data"
            | "figure"
            | "website"
            | "site"
            | "newspaper"
            | "paper"
            | "article"
            | "tweet"
            | "post"
            | "message"
            | "email"
            | "note"
            | "ruling"
            | "complaint"
            | "lawsuit"
            | "filing"
            | "release"
            | "announcement"
            | "ad"
            | "advertisement"
            | "video"
            | "book"
            | "board"
            | "council"
            | "union"
            | "organization"
            | "organisation"
            | "company"
            | "firm"
            | "network"
            | "outlet"
            | "media"
            | "press"
            | "administration"
            | "agency"
            | "department"
            | "ministry"
            | "office"
            | "commission"
            | "caucus"
            | "legislature"
            | "congress"
            | "senate"
            | "house"
            | "white"
            | "platform"
            | "movement"
            | "association"
            | "foundation"
            | "institute"
            | "center"
            | "centre"
            | "account"
            | "team"
            | "staff"
    )
}

/// Lemmas that report words (rather than findings or thoughts): a quoted
/// phrase inside their content is the speaker's words.
pub(crate) fn reports_words(lemma: &str) -> bool {
    !matches!(
        lemma,
        "find"
            | "show"
            | "project"
            | "forecast"
            | "estimate"
            | "signal"
            | "indicate"
            | "cite"
            | "conclude"
    )
}

/// Titles and role words that may precede a name after an inverted cue
/// (`said board chairwoman Marie van der Zyl`).
pub(crate) fn is_title_word(lower: &str) -> bool {
    matches!(
        lower,
        "mr" | "mrs"
            | "ms"
            | "miss"
            | "dr"
            | "prof"
            | "sir"
            | "lord"
            | "lady"
            | "rabbi"
            | "rev"
            | "sen"
            | "rep"
            | "gov"
            | "former"
            | "deputy"
            | "shadow"
            | "senior"
            | "chief"
            | "party"
            | "labour"
            | "board"
            | "campaign"
            | "press"
            | "national"
            | "general"
            | "state"
            | "foreign"
            | "prime"
            | "vice"
            | "acting"
            | "executive"
            | "democratic"
            | "republican"
            | "presidential"
            | "white"
            | "house"
            | "us"
            | "u.s"
    ) || is_speaker_noun(lower)
}

/// Gender from a title or role word written next to a name.
pub(crate) fn title_gender(lower: &str) -> Gender {
    match lower {
        "mr" | "sir" | "lord" | "chairman" | "spokesman" | "congressman" | "businessman"
        | "king" | "prince" | "father" | "brother" | "son" | "husband" => Gender::Male,
        "mrs" | "ms" | "miss" | "lady" | "dame" | "chairwoman" | "spokeswoman"
        | "congresswoman" | "businesswoman" | "queen" | "princess" | "mother" | "sister"
        | "daughter" | "wife" | "baroness" => Gender::Female,
        _ => Gender::Unknown,
    }
}

/// Gender suggested by a common English first name (a short list of
/// frequent names; unknown names stay unknown).
pub(crate) fn first_name_gender(lower: &str) -> Gender {
    const MALE: &[&str] = &[
        "donald",
        "bernie",
        "ted",
        "marco",
        "jeb",
        "john",
        "barack",
        "mike",
        "michael",
        "chris",
        "christopher",
        "jeremy",
        "tom",
        "thomas",
        "david",
        "james",
        "robert",
        "william",
        "richard",
        "joseph",
        "joe",
        "charles",
        "paul",
        "mark",
        "george",
        "steven",
        "steve",
        "kevin",
        "brian",
        "tim",
        "timothy",
        "jason",
        "jeff",
        "jeffrey",
        "ryan",
        "eric",
        "peter",
        "andrew",
        "ben",
        "benjamin",
        "rand",
        "scott",
        "bill",
        "rudy",
        "newt",
        "reince",
        "corey",
        "ivan",
        "seumas",
        "ken",
        "boris",
        "tony",
        "gordon",
        "keir",
        "ed",
        "nigel",
        "vladimir",
        "bibi",
        "benjamin",
        "mitt",
        "lindsey",
        "rick",
        "marty",
        "martin",
        "jim",
        "dan",
        "daniel",
        "matt",
        "matthew",
        "adam",
        "sam",
        "samuel",
        "jack",
        "harry",
        "henry",
        "frank",
        "larry",
        "gary",
        "greg",
        "jon",
        "jonathan",
        "tim",
        "jared",
        "eric",
        "mitch",
        "harry",
        "chuck",
        "paul",
        "tim",
        "mike",
        "sean",
        "stephen",
        "roger",
        "rush",
        "glenn",
        "bob",
        "dick",
        "al",
        "asa",
        "russell",
        "andy",
        "owen",
        "alan",
        "john",
        "anthony",
        "simon",
    ];
    const FEMALE: &[&str] = &[
        "hillary",
        "chelsea",
        "elizabeth",
        "mary",
        "patricia",
        "jennifer",
        "linda",
        "barbara",
        "susan",
        "jessica",
        "sarah",
        "karen",
        "nancy",
        "lisa",
        "margaret",
        "betty",
        "sandra",
        "ashley",
        "kimberly",
        "emily",
        "donna",
        "michelle",
        "carly",
        "kellyanne",
        "huma",
        "debbie",
        "melania",
        "ivanka",
        "sarah",
        "nikki",
        "condoleezza",
        "marie",
        "miriam",
        "jennie",
        "diane",
        "theresa",
        "angela",
        "emily",
        "anna",
        "anne",
        "ann",
        "jane",
        "joan",
        "julia",
        "kate",
        "katie",
        "laura",
        "louise",
        "rachel",
        "rebecca",
        "ruth",
        "sally",
        "victoria",
        "amy",
        "hope",
        "kelly",
        "megyn",
        "maxine",
        "nicola",
        "emma",
        "claire",
        "harriet",
        "luciana",
        "dianne",
        "elizabeth",
        "tulsi",
        "jill",
        "kamala",
        "amber",
        "rosie",
        "loretta",
        "valerie",
        "samantha",
        "madeleine",
    ];
    if MALE.contains(&lower) {
        Gender::Male
    } else if FEMALE.contains(&lower) {
        Gender::Female
    } else {
        Gender::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inflections() {
        for w in [
            "said", "says", "claimed", "tweeted", "wrote", "denied", "insists", "adding",
        ] {
            assert!(cue(w).is_some(), "{w}");
        }
        assert_eq!(cue("told").map(|c| c.class), Some(CueClass::Tell));
        assert_eq!(cue("reads").map(|c| c.class), Some(CueClass::Adjacent));
        assert!(cue("table").is_none());
    }
}
