//! Temporal expressions in English news text, resolved against the
//! article's publication date.
//!
//! [`find_dates`] reports every expression with its byte span in the input,
//! its [`DateForm`] (how it was written), its [`Granularity`] and, when it
//! can be worked out, its calendar value ([`DateValue`], shown in ISO 8601:
//! `2019-11-06`, `2019-W45`, `2019-02`, `2019`).
//!
//! Resolution rules, chosen for past-tense news reporting:
//! - Absolute dates with a year (`7 November 2019`, `Sep 10, 2010`,
//!   `2019-11-07`, `in 2015`) resolve on their own, with or without a
//!   publication date.
//! - A weekday (`on Wednesday`) is the most recent such day on or before the
//!   publication date; in a clearly future clause (`will`, `next`,
//!   `scheduled`, `ahead of`, `expect`...) it is the next one after it,
//!   unless a past speech verb sits right before it (`announced Sunday she
//!   will resign`). `last`/`next` force the direction.
//! - A month without a year (`in February`, `December 12`) is the most
//!   recent occurrence not after the publication month; in a future clause,
//!   or a weakly future one (`would`, `election`, `vote`, `convention`,
//!   `primary`) when the upcoming occurrence is at most three months ahead,
//!   it is the upcoming one. A following `last year`, `of this year` gives
//!   the year outright (`June 16th of last year`), and `the Sept. 11
//!   attacks` are those of 2001.
//! - Publication-relative phrases (`yesterday`, `last month`, `this week`,
//!   `a week ago`) count from the publication date. A Sunday paper's `last
//!   week` is the week ending that day.
//! - Anchored phrases (`two days later`, `the next day`, `later that year`)
//!   count from the last resolved date earlier in the text, at no finer
//!   granularity than that date; with no such date they stay unresolved.
//! - Vague phrases (`in recent years`, `the 1990s`) have no single value;
//!   decades carry a year range.
//!
//! Without a publication date every expression that needs one is still
//! reported, with `value: None`: guessing a year would put events on the
//! wrong place of a timeline, which is worse than leaving them undated.
//!
//! Spans cover the expression and the words that change its meaning
//! (`last Wednesday`, `earlier this year`, `two days later`), not a bare
//! preposition (`on`, `in`).

mod cues;
mod scan;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::ops::Range;

/// How precise a date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Granularity {
    Day,
    Week,
    Month,
    Year,
    /// No single calendar unit (`in recent years`, `the 1990s`).
    Vague,
}

impl Granularity {
    pub fn as_str(&self) -> &'static str {
        match self {
            Granularity::Day => "day",
            Granularity::Week => "week",
            Granularity::Month => "month",
            Granularity::Year => "year",
            Granularity::Vague => "vague",
        }
    }
}

/// What a value is computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TemporalKind {
    /// Carries its own year (`7 November 2019`, `in 2015`).
    Absolute,
    /// Needs the publication date (`on Wednesday`, `in February`,
    /// `yesterday`, `last month`, `December 12`).
    Relative,
    /// Needs an earlier date in the text (`two days later`).
    Anchored,
    /// Has no single value (`in recent years`, `the 1990s`).
    Vague,
}

/// How the expression was written; the survey counts these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateForm {
    /// `2019-11-07`
    Iso,
    /// `7 November 2019`, `Sep 10, 2010`
    FullDate,
    /// `September 2010`
    MonthYear,
    /// `in 2015`, `2017's election`
    Year,
    /// `December 12`, `12 December` (no year)
    MonthDay,
    /// `in February`, `last June`
    Month,
    /// `on Wednesday`, `last Friday`
    Weekday,
    /// `yesterday`, `today`, `tomorrow`, `tonight`, `last night`
    Deictic,
    /// `last month`, `this week`, `next year`, `earlier this year`
    UnitOffset,
    /// `a week ago`, `two years ago`
    Ago,
    /// `two days later`, `the next day`, `later that year`
    Later,
    /// `the 1990s`
    Decade,
    /// `in recent years`, `in the coming weeks`
    Recent,
}

impl DateForm {
    pub fn as_str(&self) -> &'static str {
        match self {
            DateForm::Iso => "iso",
            DateForm::FullDate => "full_date",
            DateForm::MonthYear => "month_year",
            DateForm::Year => "year",
            DateForm::MonthDay => "month_day",
            DateForm::Month => "month",
            DateForm::Weekday => "weekday",
            DateForm::Deictic => "deictic",
            DateForm::UnitOffset => "unit_offset",
            DateForm::Ago => "ago",
            DateForm::Later => "later",
            DateForm::Decade => "decade",
            DateForm::Recent => "recent",
        }
    }

    /// What the value of this form is computed from.
    pub fn kind(&self) -> TemporalKind {
        match self {
            DateForm::Iso | DateForm::FullDate | DateForm::MonthYear | DateForm::Year => {
                TemporalKind::Absolute
            }
            DateForm::MonthDay
            | DateForm::Month
            | DateForm::Weekday
            | DateForm::Deictic
            | DateForm::UnitOffset
            | DateForm::Ago => TemporalKind::Relative,
            DateForm::Later => TemporalKind::Anchored,
            DateForm::Decade | DateForm::Recent => TemporalKind::Vague,
        }
    }
}

/// A calendar value at some granularity. Displays (and serialises) as ISO
/// 8601: `2019-11-06`, `2019-W45` (ISO week), `2019-02`, `2019`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateValue {
    Day(NaiveDate),
    /// The ISO week holding this date (stored as its Monday).
    Week(NaiveDate),
    Month {
        year: i32,
        month: u32,
    },
    Year(i32),
}

impl DateValue {
    /// The week holding `date`, normalised to its Monday.
    pub fn week_of(date: NaiveDate) -> DateValue {
        let back = date.weekday().num_days_from_monday() as i64;
        DateValue::Week(date - Duration::days(back))
    }

    pub fn granularity(&self) -> Granularity {
        match self {
            DateValue::Day(_) => Granularity::Day,
            DateValue::Week(_) => Granularity::Week,
            DateValue::Month { .. } => Granularity::Month,
            DateValue::Year(_) => Granularity::Year,
        }
    }

    /// First day covered; `None` only for years chrono cannot represent.
    pub fn start(&self) -> Option<NaiveDate> {
        match *self {
            DateValue::Day(d) | DateValue::Week(d) => Some(d),
            DateValue::Month { year, month } => NaiveDate::from_ymd_opt(year, month, 1),
            DateValue::Year(y) => NaiveDate::from_ymd_opt(y, 1, 1),
        }
    }

    /// The same value at a coarser granularity (a finer one is unchanged).
    pub fn truncate(&self, to: Granularity) -> DateValue {
        let Some(start) = self.start() else {
            return *self;
        };
        if to <= self.granularity() {
            return *self;
        }
        match to {
            Granularity::Week => DateValue::week_of(start),
            Granularity::Month => DateValue::Month {
                year: start.year(),
                month: start.month(),
            },
            _ => DateValue::Year(start.year()),
        }
    }

    /// The value as an ISO 8601 string.
    pub fn iso(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for DateValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateValue::Day(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            DateValue::Week(d) => {
                let w = d.iso_week();
                write!(f, "{:04}-W{:02}", w.year(), w.week())
            }
            DateValue::Month { year, month } => write!(f, "{year:04}-{month:02}"),
            DateValue::Year(y) => write!(f, "{y:04}"),
        }
    }
}

impl Serialize for DateValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl std::str::FromStr for DateValue {
    type Err = String;

    /// Parses what [`fmt::Display`] writes: `2019-11-06`, `2019-W45`,
    /// `2019-02`, `2019`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("not an ISO date value: {s:?}");
        if let Some((year, week)) = s.split_once("-W") {
            let year: i32 = year.parse().map_err(|_| bad())?;
            let week: u32 = week.parse().map_err(|_| bad())?;
            return NaiveDate::from_isoywd_opt(year, week, Weekday::Mon)
                .map(DateValue::Week)
                .ok_or_else(bad);
        }
        let parts: Vec<&str> = s.split('-').collect();
        match parts.as_slice() {
            [y] => y.parse().map(DateValue::Year).map_err(|_| bad()),
            [y, m] => {
                let year: i32 = y.parse().map_err(|_| bad())?;
                let month: u32 = m.parse().map_err(|_| bad())?;
                if (1..=12).contains(&month) {
                    Ok(DateValue::Month { year, month })
                } else {
                    Err(bad())
                }
            }
            [_, _, _] => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(DateValue::Day)
                .map_err(|_| bad()),
            _ => Err(bad()),
        }
    }
}

impl<'de> Deserialize<'de> for DateValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// One temporal expression found in text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemporalExpr {
    /// `input[span]`.
    pub text: String,
    /// Byte range in the input.
    pub span: Range<usize>,
    pub form: DateForm,
    pub kind: TemporalKind,
    /// The granularity of the value, also when it could not be resolved.
    pub granularity: Granularity,
    /// The resolved value; `None` when it needs a publication date or an
    /// anchor that is missing, and for vague expressions.
    pub value: Option<DateValue>,
    /// First and last year of a vague expression that has bounds (decades).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub range: Option<(DateValue, DateValue)>,
}

/// Parses a publication date given as `YYYY-MM-DD` or an RFC 3339
/// date-time (only the date part is used).
pub fn parse_published(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let date = s.get(..10)?;
    if s.len() > 10 && !s[10..].starts_with(['T', 't', ' ']) {
        return None;
    }
    NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()
}

/// Finds the temporal expressions in `text` and resolves them against the
/// publication date, in text order. See the module docs for the rules.
pub fn find_dates(text: &str, published: Option<NaiveDate>) -> Vec<TemporalExpr> {
    let mut out = Vec::new();
    let mut anchor: Option<DateValue> = None;
    for m in scan::scan(text) {
        let future = cues::future_cue(text, m.span.clone());
        let (granularity, value, range) = resolve(&m.what, published, anchor, future);
        if let Some(v) = value {
            anchor = Some(v);
        }
        let form = m.what.form();
        out.push(TemporalExpr {
            text: text[m.span.clone()].to_string(),
            span: m.span,
            form,
            kind: form.kind(),
            granularity,
            value,
            range,
        });
    }
    out
}

/// Calendar units of relative phrases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    Day,
    Week,
    Month,
    Year,
    Decade,
}

/// Direction words in front of weekdays, months and units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shift {
    /// `last`, `earlier`, `previous`, `ago`
    Back,
    /// `this`, `earlier this`, `later this`
    This,
    /// `next`, `later`, `following`
    Forward,
}

/// What the scanner recognised, before resolution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Recognised {
    FullDate {
        date: NaiveDate,
        iso: bool,
    },
    MonthYear {
        year: i32,
        month: u32,
    },
    Year(i32),
    /// `year_offset` comes from a following `last year`, `of this year`.
    MonthDay {
        month: u32,
        day: u32,
        year_offset: Option<i64>,
    },
    Month {
        month: u32,
        shift: Option<Shift>,
        year_offset: Option<i64>,
    },
    Weekday {
        day: Weekday,
        shift: Option<Shift>,
    },
    /// Days from publication: yesterday −1, today 0, tomorrow +1.
    Deictic(i64),
    UnitOffset {
        unit: Unit,
        shift: Shift,
    },
    /// `count` units before publication; `None` for `a few`, `several`.
    Ago {
        count: Option<i64>,
        unit: Unit,
        /// The other end of `40 or 50 years ago` (`None` inside when that
        /// end is itself vague); absent for a single count.
        low: Option<Option<i64>>,
    },
    /// `count` units after (or before, if negative) the anchor.
    Later {
        count: i64,
        unit: Unit,
        /// `the next day` names a unit (week, month) rather than counting
        /// days, so its result keeps that unit's granularity.
        whole_unit: bool,
    },
    Decade(i32),
    Recent,
}

impl Recognised {
    fn form(&self) -> DateForm {
        match self {
            Recognised::FullDate { iso: true, .. } => DateForm::Iso,
            Recognised::FullDate { .. } => DateForm::FullDate,
            Recognised::MonthYear { .. } => DateForm::MonthYear,
            Recognised::Year(_) => DateForm::Year,
            Recognised::MonthDay { .. } => DateForm::MonthDay,
            Recognised::Month { .. } => DateForm::Month,
            Recognised::Weekday { .. } => DateForm::Weekday,
            Recognised::Deictic(_) => DateForm::Deictic,
            Recognised::UnitOffset { .. } => DateForm::UnitOffset,
            Recognised::Ago { .. } => DateForm::Ago,
            Recognised::Later { .. } => DateForm::Later,
            Recognised::Decade(_) => DateForm::Decade,
            Recognised::Recent => DateForm::Recent,
        }
    }
}

type Resolved = (
    Granularity,
    Option<DateValue>,
    Option<(DateValue, DateValue)>,
);

fn unit_granularity(unit: Unit) -> Granularity {
    match unit {
        Unit::Day => Granularity::Day,
        Unit::Week => Granularity::Week,
        Unit::Month => Granularity::Month,
        Unit::Year | Unit::Decade => Granularity::Year,
    }
}

fn add_months(year: i32, month: u32, delta: i64) -> (i32, u32) {
    let index = year as i64 * 12 + (month as i64 - 1) + delta;
    (index.div_euclid(12) as i32, index.rem_euclid(12) as u32 + 1)
}

/// `date` moved by `count` units; months and years keep the day where it
/// exists (31 January + 1 month is the last day of February).
fn shift_date(date: NaiveDate, unit: Unit, count: i64) -> Option<NaiveDate> {
    let months = match unit {
        Unit::Day => return date.checked_add_signed(Duration::try_days(count)?),
        Unit::Week => return date.checked_add_signed(Duration::try_weeks(count)?),
        Unit::Month => count,
        Unit::Year => count * 12,
        Unit::Decade => count * 120,
    };
    let (y, m) = add_months(date.year(), date.month(), months);
    (1..=date.day())
        .rev()
        .find_map(|d| NaiveDate::from_ymd_opt(y, m, d))
}

/// A unit-sized value around `date`, shifted by `count` units.
fn unit_value(date: NaiveDate, unit: Unit, count: i64) -> Option<DateValue> {
    let moved = shift_date(date, unit, count)?;
    Some(match unit {
        Unit::Day => DateValue::Day(moved),
        Unit::Week => DateValue::week_of(moved),
        Unit::Month => DateValue::Month {
            year: moved.year(),
            month: moved.month(),
        },
        Unit::Year | Unit::Decade => DateValue::Year(moved.year()),
    })
}

fn month_value(year: i32, month: u32) -> DateValue {
    DateValue::Month { year, month }
}

fn resolve(
    what: &Recognised,
    published: Option<NaiveDate>,
    anchor: Option<DateValue>,
    future: cues::Future,
) -> Resolved {
    let pubd = published;
    match *what {
        Recognised::FullDate { date, .. } => (Granularity::Day, Some(DateValue::Day(date)), None),
        Recognised::MonthYear { year, month } => {
            (Granularity::Month, Some(month_value(year, month)), None)
        }
        Recognised::Year(y) => (Granularity::Year, Some(DateValue::Year(y)), None),
        Recognised::MonthDay {
            month,
            day,
            year_offset: Some(years),
        } => (
            Granularity::Day,
            pubd.and_then(|p| NaiveDate::from_ymd_opt(p.year() + years as i32, month, day))
                .map(DateValue::Day),
            None,
        ),
        Recognised::Month {
            month,
            year_offset: Some(years),
            ..
        } => (
            Granularity::Month,
            pubd.map(|p| month_value(p.year() + years as i32, month)),
            None,
        ),
        Recognised::MonthDay { month, day, .. } => {
            let value = pubd.and_then(|p| {
                let this_year = NaiveDate::from_ymd_opt(p.year(), month, day);
                let upcoming = match this_year {
                    Some(d) if d >= p => Some(d),
                    _ => NaiveDate::from_ymd_opt(p.year() + 1, month, day),
                };
                let recent = if month <= p.month() {
                    this_year
                } else {
                    NaiveDate::from_ymd_opt(p.year() - 1, month, day)
                };
                let near = upcoming.is_some_and(|u| (u - p).num_days() <= 92);
                let choose_future = future == cues::Future::Strong
                    || (future == cues::Future::Weak && near)
                    // A same-month date after publication is upcoming.
                    || (month == p.month() && day > p.day());
                if choose_future { upcoming } else { recent }.map(DateValue::Day)
            });
            (Granularity::Day, value, None)
        }
        Recognised::Month { month, shift, .. } => {
            let value = pubd.map(|p| {
                let (y, m) = (p.year(), p.month());
                let recent = if month <= m { y } else { y - 1 };
                let upcoming = if month >= m { y } else { y + 1 };
                let months_ahead = (month as i64 - m as i64).rem_euclid(12);
                let year = match shift {
                    Some(Shift::Back) => {
                        if month < m {
                            y
                        } else {
                            y - 1
                        }
                    }
                    Some(Shift::Forward) => {
                        if month > m {
                            y
                        } else {
                            y + 1
                        }
                    }
                    Some(Shift::This) => y,
                    None => match future {
                        cues::Future::Strong => upcoming,
                        cues::Future::Weak if months_ahead <= 3 => upcoming,
                        _ => recent,
                    },
                };
                month_value(year, month)
            });
            (Granularity::Month, value, None)
        }
        Recognised::Weekday { day, shift } => {
            let value = pubd.and_then(|p| {
                let back = (p.weekday().num_days_from_monday() as i64
                    - day.num_days_from_monday() as i64)
                    .rem_euclid(7);
                let ahead = (7 - back) % 7;
                let days = match (shift, future) {
                    (Some(Shift::Back), _) => -(if back == 0 { 7 } else { back }),
                    (Some(Shift::Forward), _)
                    | (None | Some(Shift::This), cues::Future::Strong) => {
                        if ahead == 0 {
                            7
                        } else {
                            ahead
                        }
                    }
                    _ => -back,
                };
                p.checked_add_signed(Duration::try_days(days)?)
                    .map(DateValue::Day)
            });
            (Granularity::Day, value, None)
        }
        Recognised::Deictic(offset) => (
            Granularity::Day,
            pubd.and_then(|p| unit_value(p, Unit::Day, offset)),
            None,
        ),
        Recognised::UnitOffset { unit, shift } => {
            let count = match shift {
                // A Sunday paper's `last week` is the week now ending.
                Shift::Back
                    if unit == Unit::Week && pubd.is_some_and(|p| p.weekday() == Weekday::Sun) =>
                {
                    0
                }
                Shift::Back => -1,
                Shift::This => 0,
                Shift::Forward => 1,
            };
            (
                unit_granularity(unit),
                pubd.and_then(|p| unit_value(p, unit, count)),
                None,
            )
        }
        Recognised::Ago {
            count,
            unit,
            low: Some(low),
        } => {
            // An approximate span: vague, with the range both ends give.
            let range = match (low, count, pubd) {
                (Some(a), Some(b), Some(p)) => {
                    let gran = unit_granularity(unit);
                    let at =
                        |n: i64| shift_date(p, unit, -n).map(|d| DateValue::Day(d).truncate(gran));
                    match (at(a.max(b)), at(a.min(b))) {
                        (Some(from), Some(to)) => Some((from, to)),
                        _ => None,
                    }
                }
                _ => None,
            };
            (Granularity::Vague, None, range)
        }
        Recognised::Ago { count, unit, .. } => {
            // `a week ago` is a day, not a calendar week.
            let (gran, value) = match count {
                None => (Granularity::Vague, None),
                Some(n) => {
                    let gran = match unit {
                        Unit::Day | Unit::Week => Granularity::Day,
                        other => unit_granularity(other),
                    };
                    let value = pubd
                        .and_then(|p| shift_date(p, unit, -n))
                        .map(|d| DateValue::Day(d).truncate(gran));
                    (gran, value)
                }
            };
            (gran, value, None)
        }
        Recognised::Later {
            count,
            unit,
            whole_unit,
        } => {
            let own = if whole_unit {
                unit_granularity(unit)
            } else {
                match unit {
                    Unit::Day | Unit::Week => Granularity::Day,
                    other => unit_granularity(other),
                }
            };
            match anchor {
                Some(a) => {
                    let gran = own.max(a.granularity());
                    let value = a
                        .start()
                        .and_then(|s| shift_date(s, unit, count))
                        .map(|d| DateValue::Day(d).truncate(gran));
                    (gran, value, None)
                }
                None => (own, None, None),
            }
        }
        Recognised::Decade(start) => (
            Granularity::Vague,
            None,
            Some((DateValue::Year(start), DateValue::Year(start + 9))),
        ),
        Recognised::Recent => (Granularity::Vague, None, None),
    }
}

#[cfg(test)]
mod tests;
