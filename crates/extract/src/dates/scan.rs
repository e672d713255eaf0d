//! Finding temporal expressions: one compiled regex proposes candidates in
//! a single left-to-right pass, and context checks on the neighbouring
//! words throw out the false friends (`Theresa May`, `a March`, `Sunday
//! Times`, `600 jobs`, `2015` inside a longer number). A rejected candidate
//! does not hide a shorter one starting inside it: the scan resumes after
//! its first word.

use super::{Recognised, Shift, Unit};
use chrono::{NaiveDate, Weekday};
use regex::{Captures, Regex};
use std::ops::Range;
use std::sync::OnceLock;

/// A recognised expression and its byte span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Match {
    pub span: Range<usize>,
    pub what: Recognised,
}

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Regex source, assembled from named parts. `S` is horizontal space: a
/// date does not run across a line break.
fn pattern() -> String {
    let month = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?";
    let full_month = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)";
    let day = r"(?:3[01]|[12][0-9]|0?[1-9])(?:st|nd|rd|th)?\b";
    let year = r"(?:1[89][0-9]{2}|20[0-9]{2})\b";
    let num = r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|[0-9]{1,3}|a~few|few|several|some|many|a~couple~of|couple~of)";
    let unit = r"(?:days?|weeks?|months?|years?|decades?)";
    let parts = [
        r"(?P<iso>\b[0-9]{4}-[0-9]{2}-[0-9]{2}\b)".to_string(),
        format!(r"(?P<mdy>\b(?P<mdy_m>{month})~(?P<mdy_d>{day}),?~(?P<mdy_y>{year}))"),
        format!(r"(?P<dmy>\b(?P<dmy_d>{day})(?:~?of)?~(?P<dmy_m>{month}),?~(?P<dmy_y>{year}))"),
        format!(r"(?P<md>\b(?P<md_m>{month})~(?P<md_d>{day}))"),
        format!(r"(?P<dm>\b(?P<dm_d>{day})(?:~?of)?~(?P<dm_m>{month}))"),
        format!(r"(?P<my>\b(?P<my_m>{month})(?:~?of)?,?~(?P<my_y>{year}))"),
        r"(?P<wd>\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b)".to_string(),
        format!(r"(?P<mon>\b{full_month}\b)"),
        r"(?P<dec>\b(?P<dec_y>(?:1[89]|20)[0-9]0)s\b)".to_string(),
        format!(r"(?P<year>\b{year})"),
        r"(?P<deic>\b(?i:yesterday|today|tomorrow|tonight|last~night)\b)".to_string(),
        r"(?P<uo>\b(?i:(?P<uo_mod>(?:earlier|later)~this|last|next|this)~(?P<uo_u>week|month|year))\b)"
            .to_string(),
        // `40 or 50 years ago`, `two to three weeks ago`, `10-15 years ago`:
        // one approximate span, not three dates.
        format!(
            r"(?P<ago>\b(?i:(?:(?P<ago_lo>{num})~(?:or|to)~|(?P<ago_lo2>[0-9]{{1,3}})(?:~)?[-–](?:~)?)?(?P<ago_n>{num})~(?P<ago_u>{unit})~ago)\b)"
        ),
        format!(r"(?P<lat>\b(?i:(?P<lat_n>{num})~(?P<lat_u>{unit})~(?P<lat_d>later|earlier))\b)"),
        r"(?P<nxt>\b(?i:the~(?P<nxt_d>next|following|previous|preceding)~(?P<nxt_u>day|week|month|year))\b)"
            .to_string(),
        r"(?P<that>\b(?i:(?P<that_d>earlier|later)~that~(?P<that_u>day|week|month|year))\b)"
            .to_string(),
        r"(?P<same>\b(?i:(?:that|the)~same~(?P<same_u>day|week|month|year))\b)".to_string(),
        r"(?P<rec>\b(?i:in~recent~(?:days|weeks|months|years|decades)|in~the~(?:coming|next~few|past~few|last~few)~(?:days|weeks|months|years)|recent~(?:weeks|months|years))\b)"
            .to_string(),
    ];
    // ASCII word boundaries keep the fast DFA engine usable on text with
    // curly quotes and dashes (a Unicode `\b` makes it bail out).
    parts
        .join("|")
        .replace('~', r"[^\S\n]+")
        .replace(r"\b", r"(?-u:\b)")
}

/// `last year`, `of this year`, `, next year` right after a month.
fn year_phrase() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^,?[^\S\n]+(?i:(?:of[^\S\n]+)?(last|this|next)[^\S\n]+year)(?-u:\b)")
            .unwrap_or_else(|e| panic!("year phrase regex: {e}"))
    })
}

/// The year offset and end of a relative year phrase after byte `at`.
fn relative_year_after(text: &str, at: usize) -> Option<(i64, usize)> {
    let caps = year_phrase().captures(&text[at..])?;
    let offset = match caps.get(1)?.as_str().to_lowercase().as_str() {
        "last" => -1,
        "next" => 1,
        _ => 0,
    };
    Some((offset, at + caps.get(0)?.end()))
}

fn regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // The pattern is a constant: a failure here is a programming error
        // caught by every test, never an input problem.
        Regex::new(&pattern()).unwrap_or_else(|e| panic!("date regex: {e}"))
    })
}

/// All temporal expressions in `text`, in order, not overlapping.
pub(crate) fn scan(text: &str) -> Vec<Match> {
    let re = regex();
    let mut out = Vec::new();
    let mut pos = 0;
    while pos <= text.len() {
        let Some(caps) = re.captures_at(text, pos) else {
            break;
        };
        let Some(whole) = caps.get(0) else {
            break;
        };
        match recognise(text, &caps) {
            Some(m) => {
                pos = m.span.end.max(whole.end());
                out.push(m);
            }
            None => {
                // Resume after the first word of the rejected candidate.
                let first_word = whole
                    .as_str()
                    .find(|c: char| !c.is_alphanumeric())
                    .unwrap_or(whole.len())
                    .max(1);
                pos = whole.start() + first_word;
                while !text.is_char_boundary(pos) {
                    pos += 1;
                }
            }
        }
    }
    out
}

fn month_number(name: &str) -> Option<u32> {
    let lower = name.trim_end_matches('.').to_lowercase();
    if lower.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| m.starts_with(&lower))
        .map(|i| i as u32 + 1)
}

fn day_number(s: &str) -> Option<u32> {
    s.trim_end_matches(|c: char| c.is_ascii_alphabetic())
        .parse()
        .ok()
}

fn weekday(name: &str) -> Option<Weekday> {
    Some(match name {
        "Monday" => Weekday::Mon,
        "Tuesday" => Weekday::Tue,
        "Wednesday" => Weekday::Wed,
        "Thursday" => Weekday::Thu,
        "Friday" => Weekday::Fri,
        "Saturday" => Weekday::Sat,
        "Sunday" => Weekday::Sun,
        _ => return None,
    })
}

fn count_word(s: &str) -> Option<i64> {
    let s = s.to_lowercase();
    let n = match s.as_str() {
        "a" | "an" | "one" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "eleven" => 11,
        "twelve" => 12,
        "fifteen" => 15,
        "twenty" => 20,
        "thirty" => 30,
        "forty" => 40,
        "fifty" => 50,
        _ => return s.parse().ok(),
    };
    Some(n)
}

fn unit(s: &str) -> Option<Unit> {
    let s = s.to_lowercase();
    Some(match s.trim_end_matches('s') {
        "day" => Unit::Day,
        "week" => Unit::Week,
        "month" => Unit::Month,
        "year" => Unit::Year,
        "decade" => Unit::Decade,
        _ => return None,
    })
}

/// The word before byte `at`, its start, and whether punctuation or a
/// line break separates it from `at` (then it is not a modifier).
struct Before<'a> {
    word: &'a str,
    start: usize,
    separated: bool,
}

fn word_before(text: &str, at: usize) -> Option<Before<'_>> {
    let head = &text[..at];
    let trimmed = head.trim_end_matches([' ', '\t', '\u{a0}']);
    let end_word = trimmed.trim_end_matches(|c: char| !c.is_alphanumeric());
    let separated = end_word.len() != trimmed.len() || trimmed.len() == head.len() && at > 0;
    let start = end_word
        .char_indices()
        .rev()
        .take_while(|&(_, c)| c.is_alphanumeric() || c == '\'' || c == '\u{2019}')
        .last()
        .map(|(i, _)| i)?;
    let gap = &text[end_word.len()..at];
    Some(Before {
        word: &text[start..end_word.len()],
        start,
        separated: separated || gap.contains('\n'),
    })
}

/// The word after byte `at` (skipping spaces only), if not separated by
/// punctuation.
fn word_after(text: &str, at: usize) -> Option<&str> {
    let tail = &text[at..];
    let trimmed = tail.trim_start_matches([' ', '\t', '\u{a0}']);
    let len = trimmed
        .find(|c: char| !(c.is_alphanumeric() || c == '-'))
        .unwrap_or(trimmed.len());
    (len > 0).then(|| &trimmed[..len])
}

fn is_capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// True when the previous text ends a sentence (or there is none).
fn at_sentence_start(text: &str, at: usize) -> bool {
    let head = text[..at].trim_end();
    head.is_empty()
        || head.ends_with([
            '.', '!', '?', ':', '\n', '"', '\u{201C}', '\u{201D}', '(', '\u{2014}',
        ])
        || text[..at].ends_with('\n')
}

fn possessive_after(text: &str, at: usize) -> bool {
    let tail = &text[at..];
    tail.starts_with("'s") || tail.starts_with("\u{2019}s")
}

/// Prepositions and modifiers that make a bare month name a date.
const MONTH_LEADS: &[&str] = &[
    "in",
    "since",
    "until",
    "till",
    "by",
    "from",
    "during",
    "before",
    "after",
    "early",
    "late",
    "mid",
    "last",
    "next",
    "this",
    "through",
    "throughout",
    "around",
    "of",
    "to",
    "and",
    "or",
    "between",
    "that",
    "each",
    "every",
];

/// For `May` only the unambiguous ones (not `of May`, `to May`, `and May`,
/// which are as often about Theresa May).
const MAY_LEADS: &[&str] = &[
    "in",
    "since",
    "until",
    "till",
    "early",
    "late",
    "mid",
    "last",
    "next",
    "this",
    "during",
    "through",
    "throughout",
];

/// Words before `of` that make `of May` a date (`end of May`).
const OF_PARTS: &[&str] = &[
    "end",
    "beginning",
    "start",
    "middle",
    "half",
    "part",
    "month",
];

/// Words that make a capitalised weekday part of a name.
const WEEKDAY_NAME_BEFORE: &[&str] = &[
    "Super", "Black", "Good", "Ash", "Bloody", "Easter", "Palm", "Cyber", "Holy", "Maundy",
    "Shrove", "Giving", "Small", "Manic", "News",
];
const WEEKDAY_NAME_AFTER: &[&str] = &[
    "Times",
    "Telegraph",
    "Mirror",
    "Express",
    "People",
    "Post",
    "Herald",
    "Sport",
    "Mail",
    "Club",
    "Football",
    "School",
    "Politics",
    "Live",
    "Review",
    "Independent",
];
const WEEKDAY_PAPERS: &[&str] = &["Mail", "Independent", "Scotland", "Observer"];

/// Words before a bare number that make it a year.
const YEAR_LEADS: &[&str] = &[
    "in",
    "since",
    "by",
    "until",
    "till",
    "during",
    "before",
    "after",
    "from",
    "through",
    "throughout",
    "of",
    "early",
    "late",
    "mid",
    "circa",
    "around",
    "between",
    "and",
    "to",
    "or",
    "spring",
    "summer",
    "autumn",
    "fall",
    "winter",
];

/// Nouns that a year modifies (`the 2016 election`).
const YEAR_NOUNS: &[&str] = &[
    "election",
    "elections",
    "campaign",
    "campaigns",
    "race",
    "primary",
    "primaries",
    "convention",
    "census",
    "budget",
    "season",
    "olympics",
    "referendum",
    "vote",
    "general",
    "presidential",
    "midterm",
    "midterms",
    "cycle",
    "world",
    "summit",
    "manifesto",
    "report",
    "survey",
    "law",
    "act",
    "poll",
    "polls",
    "debate",
    "debates",
    "contest",
    "attack",
    "attacks",
    "crisis",
    "conference",
    "war",
    "riots",
    "protests",
    "rally",
    "nomination",
    "ballot",
    "run",
    "bid",
    "victory",
    "defeat",
    "win",
    "loss",
    "fiscal",
    "financial",
    "study",
    "interview",
    "speech",
    "deal",
    "agreement",
    "treaty",
    "bill",
    "ruling",
    "decision",
    "inauguration",
    "invasion",
    "recession",
    "leadership",
    "letter",
    "memo",
    "visit",
    "meeting",
    "statement",
    "book",
    "film",
    "documentary",
    "shooting",
    "massacre",
    "uprising",
    "revolution",
    "crash",
    "tax",
    "spending",
    "conservative",
    "republican",
    "democratic",
    "labour",
];

/// Lower-case words ending in `s` that may follow a year as verbs.
const VERB_S: &[&str] = &["was", "has", "is", "does", "saw", "sees", "marks", "brings"];

/// Count nouns without a plural `s` (`2000 people`).
const COUNT_NOUNS: &[&str] = &[
    "people",
    "staff",
    "men",
    "women",
    "children",
    "police",
    "personnel",
    "troops",
    "voters",
    "feet",
    "metres",
    "meters",
    "miles",
    "km",
    "kg",
    "tonnes",
    "pounds",
    "dollars",
    "euros",
];

/// Words that make a number before them a quantity, not a year.
const QUANTITY_BEFORE: &[&str] = &[
    "some",
    "about",
    "nearly",
    "almost",
    "over",
    "than",
    "only",
    "just",
    "least",
    "total",
    "approximately",
    "roughly",
    "number",
    "more",
    "fewer",
    "less",
    "#",
    "no",
];

fn lower_in(word: &str, list: &[&str]) -> bool {
    list.iter().any(|w| w.eq_ignore_ascii_case(word))
}

fn valid_date(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day)
}

/// Rejects numbers glued to other digits or currency (`12,2015`, `$2015`,
/// `2015.5`, `2015%`, phone and id numbers).
fn number_is_free(text: &str, span: &Range<usize>) -> bool {
    let before = text[..span.start].chars().next_back();
    let after: Vec<char> = text[span.end..].chars().take(2).collect();
    let bad_before = before.is_some_and(|c| {
        c.is_ascii_digit() || matches!(c, '$' | '£' | '€' | '#' | '/' | '.' | ',' | ':' | '+')
    });
    let digit_next = after.get(1).is_some_and(char::is_ascii_digit);
    let bad_after = match after.first() {
        Some('%') | Some('/') => true,
        Some(',') | Some('.') | Some(':') => digit_next,
        Some(c) if c.is_ascii_digit() => true,
        _ => false,
    };
    !bad_before && !bad_after
}

/// `May`, `March` and month abbreviations double as names, verbs and
/// nouns; a title or a capitalised first name before them means a person.
fn month_is_name(text: &str, start: usize, name: &str) -> bool {
    if !matches!(name, "May" | "March" | "June" | "August" | "April") {
        return false;
    }
    let Some(b) = word_before(text, start) else {
        return false;
    };
    !b.separated
        && is_capitalised(b.word)
        && !at_sentence_start(text, b.start)
        && !lower_in(b.word, MONTH_LEADS)
        && !lower_in(b.word, &["on", "at", "the"])
}

fn recognise(text: &str, caps: &Captures<'_>) -> Option<Match> {
    let whole = caps.get(0)?;
    let span = whole.start()..whole.end();
    let g = |name: &str| caps.name(name).map(|m| m.as_str());
    let what = if caps.name("iso").is_some() {
        if !number_is_free(text, &span) {
            return None;
        }
        let date = NaiveDate::parse_from_str(whole.as_str(), "%Y-%m-%d").ok()?;
        Recognised::FullDate { date, iso: true }
    } else if caps.name("mdy").is_some() || caps.name("dmy").is_some() {
        let (m, d, y) = if caps.name("mdy").is_some() {
            (g("mdy_m")?, g("mdy_d")?, g("mdy_y")?)
        } else {
            (g("dmy_m")?, g("dmy_d")?, g("dmy_y")?)
        };
        if !number_is_free(text, &span) {
            return None;
        }
        let month_start = caps.name("mdy_m").or(caps.name("dmy_m"))?.start();
        if month_is_name(text, month_start, m) && caps.name("mdy").is_some() {
            return None;
        }
        let date = valid_date(y.parse().ok()?, month_number(m)?, day_number(d)?)?;
        Recognised::FullDate { date, iso: false }
    } else if caps.name("md").is_some() || caps.name("dm").is_some() {
        let (m, d) = if caps.name("md").is_some() {
            (g("md_m")?, g("md_d")?)
        } else {
            (g("dm_m")?, g("dm_d")?)
        };
        if !number_is_free(text, &span) {
            return None;
        }
        if caps.name("md").is_some() && month_is_name(text, span.start, m) {
            return None;
        }
        let month = month_number(m)?;
        let day = day_number(d)?;
        // Leap year 2000 so that 29 February passes here.
        valid_date(2000, month, day)?;
        // `the Sept. 11 attacks` are those of 2001, whatever the article date.
        let next = word_after(text, span.end).unwrap_or("").to_lowercase();
        if (month, day) == (9, 11)
            && matches!(
                next.as_str(),
                "attack" | "attacks" | "terrorist" | "terror" | "hijackers" | "commission"
            )
        {
            let date = valid_date(2001, 9, 11)?;
            return Some(Match {
                span,
                what: Recognised::FullDate { date, iso: false },
            });
        }
        if let Some((years, end)) = relative_year_after(text, span.end) {
            return Some(Match {
                span: span.start..end,
                what: Recognised::MonthDay {
                    month,
                    day,
                    year_offset: Some(years),
                },
            });
        }
        Recognised::MonthDay {
            month,
            day,
            year_offset: None,
        }
    } else if caps.name("my").is_some() {
        let m = g("my_m")?;
        if month_is_name(text, span.start, m) || !number_is_free(text, &span) {
            return None;
        }
        // `Jan 2015` is fine, but a bare abbreviation is too risky elsewhere.
        Recognised::MonthYear {
            year: g("my_y")?.parse().ok()?,
            month: month_number(m)?,
        }
    } else if let Some(wd) = g("wd") {
        return weekday_match(text, span, wd);
    } else if let Some(name) = g("mon") {
        return month_match(text, span, name);
    } else if let Some(y) = g("dec_y") {
        if !number_is_free(text, &span) {
            return None;
        }
        Recognised::Decade(y.parse().ok()?)
    } else if let Some(y) = g("year") {
        if !year_context(text, &span) {
            return None;
        }
        Recognised::Year(y.parse().ok()?)
    } else if let Some(w) = g("deic") {
        let lower = w.to_lowercase();
        let capital_inside = is_capitalised(w) && !at_sentence_start(text, span.start);
        let next = word_after(text, span.end).unwrap_or("");
        let before = word_before(text, span.start).map(|b| b.word).unwrap_or("");
        if lower == "today"
            && (capital_inside
                || lower_in(next, &["programme", "show", "newspaper", "poll"])
                || before == "USA")
        {
            return None;
        }
        let offset = match lower.as_str() {
            "yesterday" => -1,
            "tomorrow" => 1,
            l if l.starts_with("last") => -1,
            _ => 0,
        };
        Recognised::Deictic(offset)
    } else if caps.name("uo").is_some() {
        let modifier = g("uo_mod")?.to_lowercase();
        let before = word_before(text, span.start);
        if before.is_some_and(|b| {
            !b.separated && lower_in(b.word, &["the", "over", "past", "for", "within"])
        }) {
            return None;
        }
        let shift = if modifier.starts_with("last") {
            Shift::Back
        } else if modifier.starts_with("next") {
            Shift::Forward
        } else {
            Shift::This
        };
        Recognised::UnitOffset {
            unit: unit(g("uo_u")?)?,
            shift,
        }
    } else if caps.name("ago").is_some() {
        Recognised::Ago {
            count: count_word(g("ago_n")?),
            unit: unit(g("ago_u")?)?,
            low: g("ago_lo").or_else(|| g("ago_lo2")).map(count_word),
        }
    } else if caps.name("lat").is_some() {
        let n = count_word(g("lat_n")?)?;
        let sign = if g("lat_d")?.eq_ignore_ascii_case("later") {
            1
        } else {
            -1
        };
        Recognised::Later {
            count: sign * n,
            unit: unit(g("lat_u")?)?,
            whole_unit: false,
        }
    } else if caps.name("nxt").is_some() {
        let before = word_before(text, span.start);
        if before.is_some_and(|b| {
            !b.separated
                && lower_in(
                    b.word,
                    &["over", "within", "for", "during", "in", "throughout"],
                )
        }) {
            return None;
        }
        let dir = g("nxt_d")?.to_lowercase();
        let sign = if dir == "next" || dir == "following" {
            1
        } else {
            -1
        };
        Recognised::Later {
            count: sign,
            unit: unit(g("nxt_u")?)?,
            whole_unit: true,
        }
    } else if caps.name("same").is_some() && word_after(text, span.end) == Some("as") {
        // `the same day as the rally` points at the rally, not the last date.
        return None;
    } else if caps.name("that").is_some() || caps.name("same").is_some() {
        Recognised::Later {
            count: 0,
            unit: unit(g("that_u").or(g("same_u"))?)?,
            whole_unit: true,
        }
    } else if caps.name("rec").is_some() {
        Recognised::Recent
    } else {
        return None;
    };
    Some(Match { span, what })
}

/// A `last`/`next`/`this` right before `start`: the shift and where it
/// begins.
fn shift_before(text: &str, start: usize) -> Option<(Shift, usize)> {
    let b = word_before(text, start)?;
    if b.separated {
        return None;
    }
    let shift = match b.word.to_lowercase().as_str() {
        "last" => Shift::Back,
        "next" => Shift::Forward,
        "this" => Shift::This,
        _ => return None,
    };
    Some((shift, b.start))
}

fn weekday_match(text: &str, span: Range<usize>, name: &str) -> Option<Match> {
    let day = weekday(name)?;
    let next = word_after(text, span.end).unwrap_or("");
    if WEEKDAY_NAME_AFTER.contains(&next) {
        return None;
    }
    // `Saturday Night Live`, `Sunday Morning Futures`: a programme title.
    if matches!(next, "Night" | "Morning" | "Evening" | "Afternoon") {
        let after_next = text[span.end..]
            .find(next)
            .and_then(|i| word_after(text, span.end + i + next.len()));
        if after_next.is_some_and(is_capitalised) {
            return None;
        }
    }
    if let Some(b) = word_before(text, span.start) {
        if !b.separated && WEEKDAY_NAME_BEFORE.contains(&b.word) {
            return None;
        }
        // `Mail on Sunday`, `Independent on Sunday`
        if b.word == "on" && !b.separated {
            if let Some(bb) = word_before(text, b.start) {
                if !bb.separated && WEEKDAY_PAPERS.contains(&bb.word) {
                    return None;
                }
            }
        }
    }
    let (shift, start) = match shift_before(text, span.start) {
        Some((s, at)) => (Some(s), at),
        None => (None, span.start),
    };
    Some(Match {
        span: start..span.end,
        what: Recognised::Weekday { day, shift },
    })
}

fn month_match(text: &str, span: Range<usize>, name: &str) -> Option<Match> {
    let month = month_number(name)?;
    let is_may = name == "May";
    let before = word_before(text, span.start);
    let mid = text[..span.start].to_lowercase().ends_with("mid-");
    let possessive = possessive_after(text, span.start + name.len());
    let next = word_after(text, span.end).unwrap_or("");
    let ambiguous = is_may || name == "March";
    let lead_ok = before.as_ref().is_some_and(|b| {
        if b.separated {
            return false;
        }
        let w = b.word.to_lowercase();
        if w == "of" {
            return word_before(text, b.start)
                .is_some_and(|bb| !bb.separated && lower_in(bb.word, OF_PARTS))
                || !ambiguous;
        }
        if matches!(w.as_str(), "and" | "or" | "to" | "through") {
            // `February or March`, `1 March to 3 April`: only in a list of
            // dates (`Jordan and June`, `Stop Trump and March on` are not).
            return word_before(text, b.start).is_some_and(|bb| {
                month_number(bb.word).is_some_and(|_| bb.word.len() > 2)
                    || day_number(bb.word).is_some()
            });
        }
        if name == "March" {
            return lower_in(&w, MAY_LEADS)
                || lower_in(&w, &["from", "by", "before", "after", "between"]);
        }
        lower_in(&w, if is_may { MAY_LEADS } else { MONTH_LEADS })
    });
    // `a March on Washington`, `March Rubio` (a typo): a noun or a name.
    if name == "March" && (next == "on" || is_capitalised(next)) && !possessive {
        return None;
    }
    let ok = if ambiguous {
        // A verb or name reading is likelier than a date without a lead.
        lead_ok || (mid && !is_may)
    } else {
        let name_like = is_capitalised(next) && !lower_in(next, &["and", "or"]);
        lead_ok || mid || possessive || (!name_like && at_sentence_start(text, span.start))
    };
    if !ok {
        return None;
    }
    let (shift, start) = match shift_before(text, span.start) {
        Some((s, at)) => (Some(s), at),
        None => (None, span.start),
    };
    let (year_offset, end) = match relative_year_after(text, span.end) {
        Some((years, end)) if shift.is_none() => (Some(years), end),
        _ => (None, span.end),
    };
    Some(Match {
        span: start..end,
        what: Recognised::Month {
            month,
            shift,
            year_offset,
        },
    })
}

/// Is a bare four-digit number a year here?
fn year_context(text: &str, span: &Range<usize>) -> bool {
    if !number_is_free(text, span) {
        return false;
    }
    let Some(value) = text[span.clone()].parse::<i32>().ok() else {
        return false;
    };
    if !(1800..=2099).contains(&value) {
        return false;
    }
    let next = word_after(text, span.end).unwrap_or("");
    let next_lower = next.to_lowercase();
    let before = word_before(text, span.start);
    let lead = before.as_ref().filter(|b| !b.separated).map(|b| b.word);
    // `of 2000 respondents`, `in 1800 homes`: a counted plural follows.
    let counted_plural = next.chars().next().is_some_and(|c| c.is_lowercase())
        && next_lower.ends_with('s')
        && !VERB_S.contains(&next_lower.as_str())
        && !YEAR_NOUNS.contains(&next_lower.as_str());
    if lead.is_some_and(|w| lower_in(w, QUANTITY_BEFORE)) {
        return false;
    }
    if possessive_after(text, span.end) {
        return true;
    }
    let counted = counted_plural || lower_in(next, COUNT_NOUNS);
    if let Some(b) = before.as_ref().filter(|b| !b.separated) {
        if lower_in(b.word, &["and", "or", "to"]) {
            // `2015 and 2016`, `from May to 2016`, not `600 and 2000 staff`.
            let prior = word_before(text, b.start);
            let listed = prior.is_some_and(|p| {
                (p.word.len() == 4 && p.word.chars().all(|c| c.is_ascii_digit()))
                    || month_number(p.word).is_some() && p.word.len() > 3
            });
            return listed && !counted;
        }
        if lower_in(b.word, YEAR_LEADS) {
            return !counted;
        }
    }
    if YEAR_NOUNS.contains(&next_lower.as_str()) {
        return true;
    }
    let tail = &text[span.end..];
    // `2015-16`, `2015–2016`, `(2010)`
    if tail.starts_with(['-', '\u{2013}'])
        && tail[tail.chars().next().map_or(1, char::len_utf8)..]
            .starts_with(|c: char| c.is_ascii_digit())
    {
        return true;
    }
    if text[..span.start].ends_with('(') && tail.starts_with(')') {
        return true;
    }
    // Sentence-initial `2015 was...`, `2015, the year...`
    at_sentence_start(text, span.start) && (tail.starts_with(',') || VERB_S.contains(&next))
}
