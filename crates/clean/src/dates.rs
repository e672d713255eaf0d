//! Date recognition for headers, bylines and hints. Output is always ISO
//! `YYYY-MM-DD`, validated as a real calendar date.

use chrono::NaiveDate;
use regex::Regex;
use std::sync::LazyLock;

static ISO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:$|[T\s,|]|(?-u:\b))").expect("static regex")
});

const WEEKDAY: &str =
    r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?";

static DAY_MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)^{WEEKDAY}(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(\p{{L}}{{3,9}})\.?,?\s+(\d{{4}})(?-u:\b)"
    ))
    .expect("static regex")
});

static MONTH_DAY_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)^{WEEKDAY}(\p{{L}}{{3,9}})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})(?-u:\b)"
    ))
    .expect("static regex")
});

/// What may follow a date on a date-only line: a time, a zone, a separator.
static TIME_TAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:[,|•·–—-]|at)?\s*(?:\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)?\s*(?:[A-Z]{2,5}|\(?(?:gmt|bst|utc|est|edt|cet|cest)\)?)?)?\s*$")
        .expect("static regex")
});

static DATE_LINE_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:(?:first |last )?(?:published|posted|updated|modified)(?: on)?|date(?:d)?|on)\s*:?\s*")
        .expect("static regex")
});

fn month_number(name: &str) -> Option<u32> {
    let lower = name.to_lowercase();
    let key = lower.get(..3)?;
    let n = match key {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        _ => return None,
    };
    // "Marchers" or "Mayor" are not months: the full name must be a prefix.
    const FULL: [&str; 12] = [
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
    let full = FULL[n as usize - 1];
    (full.starts_with(lower.as_str()) || (lower == "sept")).then_some(n)
}

fn iso(year: &str, month: u32, day: &str) -> Option<String> {
    let y: i32 = year.parse().ok()?;
    let d: u32 = day.parse().ok()?;
    if !(1800..=2200).contains(&y) {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(y, month, d)?;
    Some(date.format("%Y-%m-%d").to_string())
}

/// Parse a date at the start of `s`; returns the ISO date and the byte length
/// consumed.
fn parse_prefix(s: &str) -> Option<(String, usize)> {
    if let Some(c) = ISO.captures(s) {
        let month: u32 = c[2].parse().ok()?;
        let date = iso(&c[1], month, &c[3])?;
        let end = c.get(3).map_or(0, |m| m.end());
        return Some((date, end));
    }
    if let Some(c) = DAY_MONTH_YEAR.captures(s) {
        if let Some(month) = month_number(&c[2]) {
            let date = iso(&c[3], month, &c[1])?;
            return Some((date, c.get(0).map_or(0, |m| m.end())));
        }
    }
    if let Some(c) = MONTH_DAY_YEAR.captures(s) {
        if let Some(month) = month_number(&c[1]) {
            let date = iso(&c[3], month, &c[2])?;
            return Some((date, c.get(0).map_or(0, |m| m.end())));
        }
    }
    None
}

/// Normalise a date as given by a container or a page (`2019-11-07`,
/// `2019-11-07T10:00:00Z`, `7 November 2019`, `Thursday, November 7, 2019`)
/// to ISO `YYYY-MM-DD`. Anything after the date (a time, a zone) is ignored.
pub fn normalize_date(s: &str) -> Option<String> {
    parse_prefix(s.trim()).map(|(d, _)| d)
}

/// A line that is only a date, possibly labelled (`Published: 7 Nov 2019`)
/// and followed by a time. Such lines are page furniture.
pub(crate) fn date_line(line: &str) -> Option<String> {
    if line.len() > 90 {
        return None;
    }
    let rest = DATE_LINE_PREFIX
        .find(line)
        .map_or(line, |m| &line[m.end()..]);
    let (date, used) = parse_prefix(rest)?;
    TIME_TAIL.is_match(&rest[used..]).then_some(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_common_forms() {
        assert_eq!(normalize_date("2019-11-07").as_deref(), Some("2019-11-07"));
        assert_eq!(
            normalize_date("2019-11-07T10:00:00+00:00").as_deref(),
            Some("2019-11-07")
        );
        assert_eq!(
            normalize_date("7 November 2019").as_deref(),
            Some("2019-11-07")
        );
        assert_eq!(
            normalize_date("Thursday, November 7, 2019").as_deref(),
            Some("2019-11-07")
        );
        assert_eq!(
            normalize_date("Nov. 7th, 2019").as_deref(),
            Some("2019-11-07")
        );
        assert_eq!(
            normalize_date("20 Dec 2018 10:15").as_deref(),
            Some("2018-12-20")
        );
    }

    #[test]
    fn rejects_non_dates() {
        assert_eq!(normalize_date("2019-02-30"), None);
        assert_eq!(normalize_date("12 Marchers 2019"), None);
        assert_eq!(normalize_date("yesterday"), None);
        assert_eq!(normalize_date(""), None);
    }

    #[test]
    fn date_lines() {
        assert_eq!(
            date_line("Published: 7 November 2019 at 10:15 am").as_deref(),
            Some("2019-11-07")
        );
        assert_eq!(
            date_line("December 20, 2018").as_deref(),
            Some("2018-12-20")
        );
        assert_eq!(date_line("7 November 2019 was a cold day."), None);
        assert_eq!(date_line("Update, 12 November"), None);
    }
}
