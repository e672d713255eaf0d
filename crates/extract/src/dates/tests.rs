use super::*;

fn day(s: &str) -> NaiveDate {
    parse_published(s).unwrap_or_else(|| panic!("bad test date {s}"))
}

/// `(text, value)` of each expression, values in ISO or `-` when None.
fn found(text: &str, published: Option<&str>) -> Vec<(String, String)> {
    find_dates(text, published.map(day))
        .into_iter()
        .map(|e| {
            assert_eq!(&text[e.span.clone()], e.text, "span matches text");
            let v = e.value.map_or("-".to_string(), |v| v.iso());
            (e.text, v)
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

const THURSDAY: Option<&str> = Some("2019-11-07");

#[test]
fn absolute_forms() {
    let text = "It began on 7 November 2019 and on Sep 10, 2010, then 2019-11-07, \
                December 20, 2018, in September 2010, in 2015 and on the 3rd of March 2001.";
    assert_eq!(
        found(text, None),
        pairs(&[
            ("7 November 2019", "2019-11-07"),
            ("Sep 10, 2010", "2010-09-10"),
            ("2019-11-07", "2019-11-07"),
            ("December 20, 2018", "2018-12-20"),
            ("September 2010", "2010-09"),
            ("2015", "2015"),
            ("3rd of March 2001", "2001-03-03"),
        ])
    );
}

#[test]
fn weekday_is_most_recent_on_or_before_publication() {
    let text = "His decision came on Wednesday. The vote was held on Thursday. \
                He spoke on Friday.";
    assert_eq!(
        found(text, THURSDAY),
        pairs(&[
            ("Wednesday", "2019-11-06"),
            ("Thursday", "2019-11-07"),
            ("Friday", "2019-11-01"),
        ])
    );
}

#[test]
fn weekday_future_and_shifts() {
    let text = "The committee will meet on Friday. He left last Thursday. \
                They meet again next Monday.";
    assert_eq!(
        found(text, THURSDAY),
        pairs(&[
            ("Friday", "2019-11-08"),
            ("last Thursday", "2019-10-31"),
            ("next Monday", "2019-11-11"),
        ])
    );
}

#[test]
fn month_without_year_is_most_recent_unless_future() {
    let text = "He was suspended in February. He will stand in the upcoming election on \
                December 12. Voters go to the polls in December. He was expelled in December.";
    let got = found(text, THURSDAY);
    assert_eq!(
        got,
        pairs(&[
            ("February", "2019-02"),
            ("December 12", "2019-12-12"),
            ("December", "2019-12"),
            ("December", "2018-12"),
        ])
    );
}

#[test]
fn future_cue_stays_in_its_clause() {
    let text = "Williamson, who was suspended in March, will stand as an independent.";
    assert_eq!(found(text, THURSDAY), pairs(&[("March", "2019-03")]));
    let text = "On December 12, voters will choose a new parliament.";
    assert_eq!(
        found(text, THURSDAY),
        pairs(&[("December 12", "2019-12-12")])
    );
}

#[test]
fn month_day_in_publication_month() {
    // Not after the publication month: same year, whether before or after.
    let text = "The hearing on November 20 and the vote on November 2.";
    assert_eq!(
        found(text, THURSDAY),
        pairs(&[("November 20", "2019-11-20"), ("November 2", "2019-11-02")])
    );
    // A weak cue only moves a date forward when it is near.
    let text = "The election in June would be decisive.";
    assert_eq!(found(text, THURSDAY), pairs(&[("June", "2019-06")]));
}

#[test]
fn publication_relative_phrases() {
    let text = "Yesterday he quit. Today he spoke. Last month he lost, next month he runs, \
                and last year he won. This week is busy. Earlier this year he was suspended. \
                A week ago he left; two years ago he joined; three months ago he lied. \
                Last night he slept.";
    assert_eq!(
        found(text, THURSDAY),
        pairs(&[
            ("Yesterday", "2019-11-06"),
            ("Today", "2019-11-07"),
            ("Last month", "2019-10"),
            ("next month", "2019-12"),
            ("last year", "2018"),
            ("This week", "2019-W45"),
            ("Earlier this year", "2019"),
            ("A week ago", "2019-10-31"),
            ("two years ago", "2017"),
            ("three months ago", "2019-08"),
            ("Last night", "2019-11-06"),
        ])
    );
}

#[test]
fn granularities() {
    let got = find_dates(
        "On Wednesday, in February, last week, in 2015, in recent years.",
        THURSDAY.map(day),
    );
    let g: Vec<Granularity> = got.iter().map(|e| e.granularity).collect();
    assert_eq!(
        g,
        [
            Granularity::Day,
            Granularity::Month,
            Granularity::Week,
            Granularity::Year,
            Granularity::Vague
        ]
    );
    assert_eq!(got[4].value, None);
    assert_eq!(got[4].kind, TemporalKind::Vague);
    assert_eq!(got[0].kind, TemporalKind::Relative);
    assert_eq!(got[3].kind, TemporalKind::Absolute);
}

#[test]
fn anchored_phrases_chain_from_the_last_date() {
    let text = "He was readmitted on 26 June 2019 but suspended again two days later. \
                A week later he appealed. The next day he lost.";
    assert_eq!(
        found(text, THURSDAY),
        pairs(&[
            ("26 June 2019", "2019-06-26"),
            ("two days later", "2019-06-28"),
            ("A week later", "2019-07-05"),
            ("The next day", "2019-07-06"),
        ])
    );
}

#[test]
fn anchored_phrase_keeps_coarser_anchor_granularity() {
    let text = "Although he was readmitted in June, he was suspended again two days later. \
                Later that year he resigned.";
    let got = find_dates(text, THURSDAY.map(day));
    assert_eq!(got[1].text, "two days later");
    assert_eq!(got[1].granularity, Granularity::Month);
    assert_eq!(got[1].value.map(|v| v.iso()).as_deref(), Some("2019-06"));
    assert_eq!(got[1].kind, TemporalKind::Anchored);
    assert_eq!(got[2].text, "Later that year");
    assert_eq!(got[2].value.map(|v| v.iso()).as_deref(), Some("2019"));
}

#[test]
fn anchored_phrase_without_anchor_is_unresolved() {
    let text = "Two days later he was suspended again.";
    let got = find_dates(text, THURSDAY.map(day));
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].value, None);
    assert_eq!(got[0].granularity, Granularity::Day);
}

#[test]
fn undated_article_reports_relative_expressions_unresolved() {
    let text = "He quit on Wednesday, was suspended in February and will stand on \
                December 12. The party was founded in 1900 and he joined on 3 May 2015. \
                Yesterday he spoke; two days later he left.";
    let got = found(text, None);
    assert_eq!(
        got,
        pairs(&[
            ("Wednesday", "-"),
            ("February", "-"),
            ("December 12", "-"),
            ("1900", "1900"),
            ("3 May 2015", "2015-05-03"),
            ("Yesterday", "-"),
            // Anchored on the last resolved date, an absolute one.
            ("two days later", "2015-05-05"),
        ])
    );
}

#[test]
fn may_and_march_as_names_and_words() {
    let text = "Theresa May said the party may lose. Mrs May met protesters on a march. \
                The March on Washington drew crowds. Supporters of May rallied. \
                Theresa May's deal failed.";
    assert_eq!(found(text, THURSDAY), pairs(&[]));
    let text = "Elections were held in May. The rally was in March. \
                By the end of May, Theresa May had resigned. It happened on May 3.";
    assert_eq!(
        found(text, THURSDAY),
        pairs(&[
            ("May", "2019-05"),
            ("March", "2019-03"),
            ("May", "2019-05"),
            ("May 3", "2019-05-03"),
        ])
    );
}

#[test]
fn weekday_names_that_are_not_days() {
    let text = "The Sunday Times reported it, as did the Mail on Sunday and the Sunday \
                Telegraph. Super Tuesday and Black Friday are coming.";
    assert_eq!(found(text, THURSDAY), pairs(&[]));
}

#[test]
fn numbers_that_are_not_years() {
    let text = "The firm cut 600 jobs and 2000 staff left; 12,2015 items, $2015, \
                20150 votes and some 1990 people. Of 2000 respondents, few agreed. \
                Call 2015 4567.";
    assert_eq!(found(text, THURSDAY), pairs(&[]));
}

#[test]
fn years_in_year_contexts() {
    let text = "Since 2015 he has led it. Labour lost the 2017 election and 2017's \
                manifesto. The 2015-16 season. The film (2010) was made in the 1990s.";
    let got = found(text, THURSDAY);
    assert_eq!(
        got,
        pairs(&[
            ("2015", "2015"),
            ("2017", "2017"),
            ("2017", "2017"),
            ("2015", "2015"),
            ("2010", "2010"),
            ("1990s", "-"),
        ])
    );
    let decade = find_dates("in the 1990s", None);
    assert_eq!(
        decade[0].range,
        Some((DateValue::Year(1990), DateValue::Year(1999)))
    );
}

#[test]
fn today_as_a_title() {
    let text = "He told the Today programme and USA Today that today was the day.";
    assert_eq!(found(text, THURSDAY), pairs(&[("today", "2019-11-07")]));
}

#[test]
fn duration_phrases_are_not_points() {
    let text = "Over the last year and within the next month he campaigned.";
    assert_eq!(found(text, THURSDAY), pairs(&[]));
}

#[test]
fn vague_expressions() {
    let text = "In recent years the party grew, and in the coming weeks it will choose. \
                A few days ago he left.";
    let got = find_dates(text, THURSDAY.map(day));
    let forms: Vec<(DateForm, Granularity)> = got.iter().map(|e| (e.form, e.granularity)).collect();
    assert_eq!(
        forms,
        [
            (DateForm::Recent, Granularity::Vague),
            (DateForm::Recent, Granularity::Vague),
            (DateForm::Ago, Granularity::Vague)
        ]
    );
    assert!(got.iter().all(|e| e.value.is_none()));
}

#[test]
fn invalid_dates_are_rejected() {
    assert_eq!(
        found("on February 30 and on 2019-13-45", THURSDAY),
        pairs(&[])
    );
    // The impossible day goes; the month and year that remain are kept.
    assert_eq!(
        found("on 31 April 2019", THURSDAY),
        pairs(&[("April 2019", "2019-04")])
    );
}

#[test]
fn month_across_year_boundary() {
    let jan = Some("2020-01-15");
    let text = "He resigned in December. He will return in February. \
                It was announced last December and ends next January.";
    assert_eq!(
        found(text, jan),
        pairs(&[
            ("December", "2019-12"),
            ("February", "2020-02"),
            ("last December", "2019-12"),
            ("next January", "2021-01"),
        ])
    );
}

#[test]
fn spans_are_byte_offsets_in_unicode_text() {
    let text = "“Décidé” — il a démissionné le mercredi… On Wednesday, he quit.";
    let got = find_dates(text, THURSDAY.map(day));
    assert_eq!(got.len(), 1);
    assert_eq!(&text[got[0].span.clone()], "Wednesday");
}

#[test]
fn bad_inputs_do_not_panic() {
    for text in [
        "",
        "May",
        "in",
        "2015",
        "December 32",
        "on the 0 of May 0000",
        "9999-99-99",
        "two days later",
        "\u{2019}s 2015\u{2019}s",
        "last",
        "next week",
    ] {
        let _ = find_dates(text, THURSDAY.map(day));
        let _ = find_dates(text, None);
    }
    assert_eq!(
        parse_published("2019-11-07T10:00:00Z"),
        Some(day("2019-11-07"))
    );
    assert_eq!(parse_published("07/11/2019"), None);
    assert_eq!(parse_published("2019-11-07junk"), None);
    assert_eq!(parse_published(""), None);
    assert_eq!(parse_published("2019-02-30"), None);
}

#[test]
fn serialises_values_as_iso() {
    let got = find_dates("last week", THURSDAY.map(day));
    let json = serde_json::to_string(&got[0]).unwrap_or_default();
    assert!(json.contains("\"value\":\"2019-W44\""), "{json}");
    assert!(json.contains("\"granularity\":\"week\""), "{json}");
}

#[test]
fn month_with_relative_year() {
    let text = "The attacks in January of last year, the launch on June 16th of last year, \
                the vote in June last year and the talks in March next year.";
    assert_eq!(
        found(text, THURSDAY),
        pairs(&[
            ("January of last year", "2018-01"),
            ("June 16th of last year", "2018-06-16"),
            ("June last year", "2018-06"),
            ("March next year", "2020-03"),
        ])
    );
}

#[test]
fn same_day_as_an_event_is_not_anchored() {
    let text = "He joined in 2008. On the same day as the rally, he spoke. \
                That same day he left.";
    let got = found(text, THURSDAY);
    assert_eq!(got, pairs(&[("2008", "2008"), ("That same day", "2008")]));
}

#[test]
fn sunday_papers_last_week_is_the_week_ending() {
    let sunday = Some("2016-04-10");
    assert_eq!(
        found("He won last week.", sunday),
        pairs(&[("last week", "2016-W14")])
    );
    assert_eq!(
        found("He won last week.", Some("2016-04-08")),
        pairs(&[("last week", "2016-W13")])
    );
}

#[test]
fn programme_titles_and_named_dates() {
    let text = "She appeared on Saturday Night Live and told Fox News Sunday about \
                the Sept. 11 attacks. Trump spoke on Sunday Morning Futures on Sunday.";
    assert_eq!(
        found(text, THURSDAY),
        pairs(&[("Sept. 11", "2001-09-11"), ("Sunday", "2019-11-03")])
    );
    assert_eq!(
        found("He spoke Monday night at the rally.", THURSDAY),
        pairs(&[("Monday", "2019-11-04")])
    );
}

#[test]
fn march_as_noun_or_in_lists() {
    let text = "The Coalition to Stop Trump and March on the RNC met. \
                It was not over in February or March. He said that March Rubio lost.";
    assert_eq!(
        found(text, THURSDAY),
        pairs(&[("February", "2019-02"), ("March", "2019-03")])
    );
}

#[test]
fn between_now_and_a_date_is_future() {
    assert_eq!(
        found(
            "He must win every contest between now and June 7.",
            Some("2016-04-10")
        ),
        pairs(&[("June 7", "2016-06-07")])
    );
}

#[test]
fn past_speech_verb_before_a_date_wins_over_a_later_will() {
    assert_eq!(
        found(
            "Schultz announced Sunday she will resign.",
            Some("2016-07-25")
        ),
        pairs(&[("Sunday", "2016-07-24")])
    );
    assert_eq!(
        found("He said on Tuesday that he will run.", THURSDAY),
        pairs(&[("Tuesday", "2019-11-05")])
    );
}

#[test]
fn upcoming_events_within_three_months() {
    // A convention or primary a few months ahead is the upcoming one ...
    assert_eq!(
        found(
            "Protesters plan to disrupt the convention in July.",
            Some("2016-05-19")
        ),
        pairs(&[("July", "2016-07")])
    );
    assert_eq!(
        found(
            "Florida, which votes in mid-March, matters.",
            Some("2016-01-24")
        ),
        pairs(&[("March", "2016-03")])
    );
    // ... but not when it would be far off.
    assert_eq!(
        found("The convention in October was a mess.", Some("2016-05-19")),
        pairs(&[("October", "2015-10")])
    );
}

#[test]
fn ahead_of_and_expectations_point_forward() {
    let sunday = Some("2016-02-07");
    assert_eq!(
        found(
            "Voters gathered ahead of Tuesday's New Hampshire primary.",
            sunday
        ),
        pairs(&[("Tuesday", "2016-02-09")])
    );
    assert_eq!(
        found(
            "Most voters expect Clinton to win Monday's debate.",
            Some("2016-09-25")
        ),
        pairs(&[("Monday", "2016-09-26")])
    );
}

#[test]
fn date_values_read_back_what_they_write() {
    let values = [
        DateValue::Day(day("2019-11-06")),
        DateValue::week_of(day("2019-11-06")),
        DateValue::Month {
            year: 2019,
            month: 2,
        },
        DateValue::Year(2018),
    ];
    for v in values {
        assert_eq!(v.iso().parse::<DateValue>(), Ok(v), "{v}");
    }
    for bad in ["", "2019-13", "2019-W60", "20x9", "2019-02-30", "1-2-3-4"] {
        assert!(bad.parse::<DateValue>().is_err(), "{bad:?}");
    }
    let exprs = find_dates(
        "On Wednesday, in February and in recent years.",
        Some(day("2019-11-07")),
    );
    let json = serde_json::to_string(&exprs).unwrap_or_default();
    let back: Vec<TemporalExpr> = serde_json::from_str(&json).unwrap_or_default();
    assert_eq!(back, exprs);
}

#[test]
fn an_approximate_span_ago_is_one_vague_date() {
    let text = "The quay was built 40 or 50 years ago. Crews left two to three weeks ago. \
                It closed 10-15 years ago. He arrived 50 years ago.";
    let got = find_dates(text, THURSDAY.map(day));
    let texts: Vec<&str> = got.iter().map(|e| e.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "40 or 50 years ago",
            "two to three weeks ago",
            "10-15 years ago",
            "50 years ago"
        ]
    );
    for e in &got[..3] {
        assert_eq!(e.granularity, Granularity::Vague, "{}", e.text);
        assert!(e.value.is_none(), "{}", e.text);
        assert!(e.range.is_some(), "{}", e.text);
    }
    assert_eq!(got[3].granularity, Granularity::Year);
}
